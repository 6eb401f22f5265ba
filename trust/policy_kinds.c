/*
 * The rule kinds a policy file may name, each with its parameter table and
 * check function (the interface is described at the top of policy.h).  To
 * add a kind: write its parameter table and one row below.
 */
#include "policy.h"

#include <string.h>

static const char *const eku_words[] = { "serverAuth", "clientAuth", "anyExtendedKeyUsage",
					 "msSGC", "nsSGC", NULL };
static const char *const absent_words[] = { "pass", "fail", NULL };
static const char *const ku_words[] = { "digitalSignature", "keyEncipherment", "keyAgreement",
					NULL };
static const char *const hash_words[] = { "md2", "md4", "md5", "sha1", "sha224", NULL };
static const char *const conn_words[] = { "tls-version", "forward-secrecy", NULL };
static const char *const origin_words[] = { "system", "user", "app", "leaf-anchor", NULL };

static const tparam_spec validity_params[] = {
	{ "max_days", TPT_INT, 1, 36500, NULL, true },
	{ "slip_seconds", TPT_INT, 0, 86400, NULL, false },
	{ "inclusive", TPT_BOOL, 0, 0, NULL, false },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec key_size_params[] = {
	{ "rsa_min_bits", TPT_INT, 512, 16384, NULL, false },
	{ "ec_min_bits", TPT_INT, 128, 1024, NULL, false },
	{ "other_keys", TPT_STRING, 0, 0, absent_words, false },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec hash_params[] = {
	{ "forbid", TPT_STRINGS, 0, 0, hash_words, true },
	{ "skip_self_signed", TPT_BOOL, 0, 0, NULL, false },
	{ "skip_user_top", TPT_BOOL, 0, 0, NULL, false },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec eku_params[] = {
	{ "leaf_any_of", TPT_STRINGS, 0, 0, eku_words, false },
	{ "leaf_absent", TPT_STRING, 0, 0, absent_words, false },
	{ "intermediates_any_of", TPT_STRINGS, 0, 0, eku_words, false },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec ku_params[] = {
	{ "require", TPT_STRINGS, 0, 0, ku_words, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const char *const aspect_words[] = { "syntax", "match", "wildcard", "ip", NULL };

static const tparam_spec names_params[] = {
	{ "aspect", TPT_STRING, 0, 0, aspect_words, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec no_params[] = { { NULL, 0, 0, 0, NULL, false } };

static const tparam_spec origin_params[] = {
	{ "allow", TPT_STRINGS, 0, 0, origin_words, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec conn_params[] = {
	{ "requirement", TPT_STRING, 0, 0, conn_words, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const char *const key_type_words[] = { "rsa", "p256", "p384", "p521", "ed25519", "ed448",
					     NULL };

static const tparam_spec key_type_params[] = {
	{ "allow", TPT_STRINGS, 0, 0, key_type_words, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec pin_list_params[] = {
	{ "spki_sha256", TPT_STRINGS, 0, 0, NULL, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tparam_spec client_name_params[] = {
	{ "subjects", TPT_STRINGS, 0, 0, NULL, false },
	{ "sans", TPT_STRINGS, 0, 0, NULL, false },
	{ NULL, 0, 0, 0, NULL, false }
};

static const char *const ca_aspect_words[] = { "basic-constraints", "key-usage", NULL };

static const tparam_spec ca_structure_params[] = {
	{ "aspect", TPT_STRING, 0, 0, ca_aspect_words, true },
	{ NULL, 0, 0, 0, NULL, false }
};

static const tpolicy_kind kinds[] = {
	{ "validity-max", validity_params, tcheck_validity_max, false },
	{ "key-size", key_size_params, tcheck_key_size, false },
	{ "signature-hash", hash_params, tcheck_signature_hash, false },
	{ "eku", eku_params, tcheck_eku_rule, false },
	{ "key-usage", ku_params, tcheck_key_usage_rule, false },
	{ "san-required", no_params, tcheck_san_required, true },
	{ "apple-names", names_params, tcheck_apple_names, true },
	{ "sct-count", no_params, tcheck_sct_count, false },
	{ "anchor-origin", origin_params, tcheck_anchor_origin, false },
	{ "ats-trust", no_params, tcheck_ats_trust, false },
	{ "ats-connection", conn_params, tcheck_ats_connection, false },
	{ "ats-settings", no_params, tcheck_ats_settings, false },
	{ "leaf-eku-present", no_params, tcheck_leaf_eku_present, false },
	{ "leaf-eku-no-any", no_params, tcheck_leaf_eku_no_any, false },
	{ "leaf-eku-not-critical", no_params, tcheck_leaf_eku_not_critical, false },
	{ "root-no-eku", no_params, tcheck_root_no_eku, false },
	{ "leaf-not-ca", no_params, tcheck_leaf_not_ca, false },
	{ "cn-in-san", no_params, tcheck_cn_in_san, false },
	{ "cn-single", no_params, tcheck_cn_single, false },
	{ "dns-no-underscore", no_params, tcheck_dns_no_underscore, false },
	{ "wildcard-not-public-suffix", no_params, tcheck_wildcard_not_public_suffix, false },
	{ "rsa-modulus-bytes", no_params, tcheck_rsa_modulus_bytes, false },
	{ "key-types", key_type_params, tcheck_key_types, false },
	{ "validity-schedule", no_params, tcheck_validity_schedule, false },
	{ "anchor-pins", pin_list_params, tcheck_anchor_pins, false },
	{ "client-pins", pin_list_params, tcheck_client_pins, false },
	{ "client-names", client_name_params, tcheck_client_names, false },
	{ "ca-structure", ca_structure_params, tcheck_apple_ca_structure, false },
	{ "temporal-validity", no_params, tcheck_temporal_validity, false },
};

const tpolicy_kind *tpolicy_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

void tpolicy_kind_names(char *buf, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		strncat(buf, i ? ", " : "", n - strlen(buf) - 1);
		strncat(buf, kinds[i].name, n - strlen(buf) - 1);
	}
}
