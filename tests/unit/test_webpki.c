/*
 * The webpki policy (TRUST_EVAL_WEBPKI_STRICT): each Baseline Requirements
 * rule on certificates built here, once broken (rejected with its id, while
 * tls-server still accepts the same chain) and once kept (trusted).
 */
#include "support_pki.h"

#include <check.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#define WEBPKI TRUST_EVAL_WEBPKI_STRICT

/* Leaf under k's intermediate with subject CN `cn` and these extensions. */
static X509 *leaf_with(sv_pki *k, EVP_PKEY *key, const char *cn, const char *const *exts)
{
	sv_spec s = { .cn = cn, .key = key ? key : k->leaf_key, .issuer = k->inter,
		      .issuer_key = k->inter_key, .exts = exts };
	return sv_cert(&s);
}

/* Evaluates k with its leaf replaced by `leaf` (taken over). */
static trust_result *run_leaf(sv_pki *k, X509 *leaf, unsigned flags)
{
	X509_free(k->leaf);
	k->leaf = leaf;
	return sv_run(k, TRUST_POLICY_TLS_SERVER, flags, NULL);
}

/* The same leaf is accepted by tls-server and rejected by webpki with `id`. */
static void assert_webpki_only(sv_pki *k, X509 *leaf, const char *id, int cert)
{
	trust_result *r = run_leaf(k, leaf, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, id, cert));
	trust_result_free(r);
	r = sv_run(k, TRUST_POLICY_TLS_SERVER, WEBPKI, NULL);
	sv_assert_rejected_with(r, id, cert);
	ck_assert_str_eq(sv_finding(r, id, cert)->policy, "webpki");
	trust_result_free(r);
}

static void assert_webpki_trusted(sv_pki *k, X509 *leaf)
{
	trust_result *r = run_leaf(k, leaf, WEBPKI);
	sv_assert_trusted(r);
	trust_result_free(r);
}

START_TEST(test_webpki__a_compliant_chain_is_trusted_and_says_so)
{
	sv_pki k;
	sv_pki_init(&k);
	trust_result *r = sv_run(&k, TRUST_POLICY_TLS_SERVER, WEBPKI, NULL);
	sv_assert_trusted(r);
	ck_assert_str_eq(trust_result_policy(r), "webpki");
	static const struct {
		const char *id;
		int cert;
	} held[] = { { "webpki.eku.missing", 0 },   { "webpki.leaf.ca", 0 },
		     { "webpki.cn.not-in-san", 0 }, { "webpki.san.underscore", 0 },
		     { "webpki.eku.root", 2 },      { "webpki.key.forbidden", -1 } };
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) {
		const trust_finding *f = sv_finding(r, held[i].id, held[i].cert);
		ck_assert_msg(f && f->severity == TRUST_SEV_PASS, "no PASS %s", held[i].id);
	}
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__a_client_purpose_is_refused)
{
	sv_pki k;
	sv_pki_init(&k);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { k.leaf, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.purpose = TRUST_PURPOSE_CLIENT;
	o.flags = WEBPKI;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &o, &err), TRUST_EUSAGE);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err.message, "server"));
	trust_chain_free(c);
	trust_store_free(s);
	sv_pki_free(&k);
}
END_TEST

static const struct {
	const char *eku;      /* extendedKeyUsage value, NULL for none */
	const char *id;       /* expected webpki finding, NULL for none */
} eku_cases[] = {
	{ NULL, "webpki.eku.missing" },
	{ "serverAuth,anyExtendedKeyUsage", "webpki.eku.any" },
	{ "critical,serverAuth", "webpki.eku.critical" },
	{ "serverAuth,clientAuth", NULL },
};

START_TEST(test_webpki__leaf_eku_rules)
{
	const char *eku = eku_cases[_i].eku;
	const char *exts[] = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"subjectAltName", "DNS:leaf.example.com",
		"authorityKeyIdentifier", "keyid:always",
		eku ? "extendedKeyUsage" : NULL, eku,
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509 *leaf = leaf_with(&k, NULL, "leaf.example.com", exts);
	if (eku_cases[_i].id)
		assert_webpki_only(&k, leaf, eku_cases[_i].id, 0);
	else
		assert_webpki_trusted(&k, leaf);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__a_root_with_eku_is_rejected)
{
	static sv_exts root_eku = {
		"basicConstraints", "critical,CA:TRUE",
		"keyUsage", "critical,keyCertSign,cRLSign",
		"extendedKeyUsage", "serverAuth",
		"subjectKeyIdentifier", "hash",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.root);
	sv_spec rs = { .cn = "Test Root", .key = k.root_key, .exts = root_eku };
	k.root = sv_cert(&rs);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, NULL, 0, 0, NULL);
	assert_webpki_only(&k, sv_make_leaf(&k, NULL, NULL, 0, 0), "webpki.eku.root", 2);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__a_ca_certificate_as_the_leaf_is_rejected)
{
	static sv_exts ca_leaf = {
		"basicConstraints", "critical,CA:TRUE",
		"keyUsage", "critical,digitalSignature,keyCertSign",
		"extendedKeyUsage", "serverAuth",
		"subjectAltName", "DNS:leaf.example.com",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	/* The intermediate's pathlen 0 would refuse a CA below it: use the root's. */
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, SV_CA_EXTS, 0, 0, NULL);
	assert_webpki_only(&k, leaf_with(&k, NULL, "leaf.example.com", ca_leaf), "webpki.leaf.ca",
			   0);
	sv_pki_free(&k);
}
END_TEST

/* Common name against SAN: exact encoded form (CA/B BR §7.1.4.3). */
static const struct {
	const char *cn;
	const char *san;
	trust_severity want; /* of webpki.cn.not-in-san */
} cn_cases[] = {
	{ "leaf.example.com", "DNS:leaf.example.com", TRUST_SEV_PASS },
	{ "*.example.com", "DNS:*.example.com", TRUST_SEV_PASS },
	{ "Leaf.Example.COM", "DNS:leaf.example.com", TRUST_SEV_ERROR },
	{ "other.example.com", "DNS:leaf.example.com", TRUST_SEV_ERROR },
	{ "192.168.1.1", "IP:192.168.1.1", TRUST_SEV_PASS },
	{ "0xC0A80101", "IP:192.168.1.1", TRUST_SEV_ERROR },
	{ "192.168.001.001", "IP:192.168.1.1", TRUST_SEV_ERROR },
	{ "3232235777", "IP:192.168.1.1", TRUST_SEV_ERROR },
	{ "2001:db8::1:0:0:1", "IP:2001:db8::1:0:0:1", TRUST_SEV_PASS },
	{ "2001:db8:0:0:1:0:0:1", "IP:2001:db8::1:0:0:1", TRUST_SEV_ERROR },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", "IP:2001:db8::1", TRUST_SEV_ERROR },
	{ "2001:DB8::8A2E:370:7334", "IP:2001:db8::8a2e:370:7334", TRUST_SEV_ERROR },
	{ "xn--bcher-kva.example.com", "DNS:xn--bcher-kva.example.com", TRUST_SEV_PASS },
	{ "b\xc3\xbc" "cher.example.com", "DNS:xn--bcher-kva.example.com", TRUST_SEV_ERROR },
	{ "Test Server", "DNS:leaf.example.com", TRUST_SEV_WARNING },
};

/* A leaf whose subject holds the CN as UTF8String (so a U-label stays one). */
static X509 *leaf_cn(sv_pki *k, const char *cn, const char *san)
{
	const char *exts[] = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"extendedKeyUsage", "serverAuth",
		"subjectAltName", san,
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	X509 *x = leaf_with(k, NULL, "placeholder", exts);
	X509_NAME *n = X509_NAME_new();
	ck_assert(X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8,
					     (const unsigned char *)cn, -1, -1, 0));
	ck_assert(X509_set_subject_name(x, n));
	X509_NAME_free(n);
	ck_assert(X509_sign(x, k->inter_key, EVP_sha256()) > 0);
	return x;
}

START_TEST(test_webpki__the_common_name_must_repeat_a_san_exactly)
{
	sv_pki k;
	sv_pki_init(&k);
	X509 *leaf = leaf_cn(&k, cn_cases[_i].cn, cn_cases[_i].san);
	if (cn_cases[_i].want == TRUST_SEV_ERROR) {
		assert_webpki_only(&k, leaf, "webpki.cn.not-in-san", 0);
	} else {
		trust_result *r = run_leaf(&k, leaf, WEBPKI);
		sv_assert_trusted(r);
		const trust_finding *f = sv_finding(r, "webpki.cn.not-in-san", 0);
		ck_assert_msg(f && f->severity == cn_cases[_i].want, "CN %s: %s", cn_cases[_i].cn,
			      f ? f->message : "no finding");
		trust_result_free(r);
	}
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__two_common_names_are_rejected)
{
	sv_pki k;
	sv_pki_init(&k);
	X509 *leaf = sv_make_leaf(&k, NULL, NULL, 0, 0);
	X509_NAME *n = X509_get_subject_name(leaf);
	ck_assert(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					     (const unsigned char *)"leaf.example.com", -1, -1, 0));
	ck_assert(X509_sign(leaf, k.inter_key, EVP_sha256()) > 0);
	assert_webpki_only(&k, leaf, "webpki.cn.multiple", 0);
	sv_pki_free(&k);
}
END_TEST

static const struct {
	const char *san;
	const char *id; /* NULL: accepted */
} san_cases[] = {
	{ "DNS:my_host.example.com", "webpki.san.underscore" },
	{ "DNS:myhost.example.com", NULL },
	{ "DNS:*.co.uk", "webpki.san.wildcard-public-suffix" },      /* ICANN section */
	{ "DNS:*.github.io", "webpki.san.wildcard-public-suffix" },  /* private section */
	{ "DNS:*.example.github.io", NULL },
	{ "DNS:*.example.co.uk", NULL },
};

START_TEST(test_webpki__dns_san_rules)
{
	const char *san = san_cases[_i].san;
	sv_pki k;
	sv_pki_init(&k);
	X509 *leaf = leaf_cn(&k, san + 4, san);
	if (san_cases[_i].id)
		assert_webpki_only(&k, leaf, san_cases[_i].id, 0);
	else
		assert_webpki_trusted(&k, leaf);
	sv_pki_free(&k);
}
END_TEST

static const struct {
	const char *type;
	const char *curve;
	unsigned bits;
	const char *id; /* NULL: accepted by webpki */
} key_cases[] = {
	{ "RSA", NULL, 2052, "webpki.key.rsa-modulus" },
	{ "RSA", NULL, 2048, NULL },
	{ "EC", "P-521", 0, "webpki.key.forbidden" },
	{ "EC", "P-384", 0, NULL },
	{ "ED448", NULL, 0, "webpki.key.forbidden" },
	{ "ED25519", NULL, 0, NULL },
};

START_TEST(test_webpki__leaf_key_rules)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *key = sv_key(key_cases[_i].type, key_cases[_i].curve, key_cases[_i].bits);
	X509 *leaf = sv_make_leaf(&k, key, NULL, 0, 0);
	if (key_cases[_i].id)
		assert_webpki_only(&k, leaf, key_cases[_i].id, 0);
	else
		assert_webpki_trusted(&k, leaf);
	EVP_PKEY_free(key);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__ca_keys_are_held_to_the_same_rules)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY_free(k.inter_key);
	k.inter_key = sv_key("EC", "P-521", 0);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, NULL, 0, 0, NULL);
	assert_webpki_only(&k, sv_make_leaf(&k, NULL, NULL, 0, 0), "webpki.key.forbidden", 1);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__rsa_under_2048_bits_is_rejected_by_the_webpki_policy)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *key = sv_key("RSA", NULL, 1024);
	trust_result *r = run_leaf(&k, sv_make_leaf(&k, key, NULL, 0, 0), WEBPKI);
	sv_assert_rejected_with(r, "rfc5280.key.rsa-too-small", 0);
	ck_assert_str_eq(sv_finding(r, "rfc5280.key.rsa-too-small", 0)->policy, "webpki");
	trust_result_free(r);
	EVP_PKEY_free(key);
	sv_pki_free(&k);
}
END_TEST

/* ---- policies/webpki.json and TRUST_EVAL_WEBPKI_STRICT are one rule set ---- */

static trust_policy *load_webpki_json(void)
{
	const char *top = getenv("TRUST_TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/policies/webpki.json", top ? top : ".");
	trust_policy *pol = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_policy_load_file(&pol, path, &err) == TRUST_OK, "%s", err.message);
	return pol;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* "id|severity|remedy" of every non-PASS finding of the reported path, sorted, joined. */
static void summarize(char *out, size_t len, const trust_result *r, bool passes)
{
	char lines[64][256];
	size_t n = 0;
	int path = trust_result_chosen_path(r);
	ck_assert_int_ge(path, 0);
	for (size_t i = 0; i < trust_result_finding_count(r, (size_t)path) && n < 64; i++) {
		const trust_finding *f = trust_result_finding(r, (size_t)path, i);
		if (strncmp(f->id, "webpki.", 7) != 0 && strncmp(f->id, "cabf.", 5) != 0)
			continue;
		if ((f->severity == TRUST_SEV_PASS) != passes)
			continue;
		snprintf(lines[n++], sizeof(lines[0]), "%s|%d|%d|%s", f->id, f->severity, f->cert,
			 f->remedy ? f->remedy : "");
	}
	qsort(lines, n, sizeof(lines[0]), cmp_line);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(out, lines[i], len - strlen(out) - 1);
		strncat(out, "\n", len - strlen(out) - 1);
	}
}

/* Evaluates k by flag and by file; both summaries must match.  Returns the
 * summary (static storage) for further checks. */
static const char *assert_same_verdicts(sv_pki *k, trust_origin origin, bool passes)
{
	X509 *anchors[] = { k->root, NULL };
	X509 *chain[] = { k->leaf, k->inter, NULL };
	trust_store *s = sv_store_as(anchors, origin, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_policy *pol = load_webpki_json();
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.flags = WEBPKI;
	trust_result *by_flag = NULL, *by_file = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(trust_evaluate(&by_flag, s, NULL, c, &o, &err), TRUST_OK);
	o.flags = 0;
	o.overlay = pol;
	ck_assert_int_eq(trust_evaluate(&by_file, s, NULL, c, &o, &err), TRUST_OK);
	static char a[16384], b[16384];
	summarize(a, sizeof(a), by_flag, passes);
	summarize(b, sizeof(b), by_file, passes);
	ck_assert_msg(strlen(a) > 0, "no webpki findings at all");
	ck_assert_msg(strcmp(a, b) == 0, "flag:\n%s\nfile:\n%s", a, b);
	ck_assert_int_eq(trust_result_trusted(by_flag), trust_result_trusted(by_file));
	trust_result_free(by_flag);
	trust_result_free(by_file);
	trust_policy_free(pol);
	trust_chain_free(c);
	trust_store_free(s);
	return a;
}

START_TEST(test_webpki__the_policy_file_and_the_flag_agree_on_a_compliant_chain)
{
	sv_pki k;
	sv_pki_init(&k);
	assert_same_verdicts(&k, TRUST_ORIGIN_SYSTEM, true);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_webpki__the_policy_file_and_the_flag_agree_on_every_broken_rule)
{
	static sv_exts bad = {
		"basicConstraints", "critical,CA:TRUE",
		"keyUsage", "critical,digitalSignature,keyCertSign",
		"extendedKeyUsage", "critical,serverAuth,anyExtendedKeyUsage",
		"subjectAltName", "DNS:my_host.example.com,DNS:*.co.uk",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki k;
	sv_pki_init(&k);
	X509_free(k.inter);
	k.inter = sv_make_inter(&k, SV_CA_EXTS, 0, 0, NULL);
	EVP_PKEY *key = sv_key("RSA", NULL, 2052);
	sv_spec ls = { .cn = "Leaf.Example.COM", .key = key, .issuer = k.inter,
		       .issuer_key = k.inter_key, .from_days = -1, .to_days = 500, .exts = bad };
	X509_free(k.leaf);
	k.leaf = sv_cert(&ls);
	const char *got = assert_same_verdicts(&k, TRUST_ORIGIN_SYSTEM, false);
	static const char *const broken[] = {
		"webpki.eku.any|3|0|",       "webpki.eku.critical|3|0|",
		"webpki.leaf.ca|3|0|",       "webpki.cn.not-in-san|3|0|",
		"webpki.san.underscore|3|0|", "webpki.san.wildcard-public-suffix|3|0|",
		"webpki.key.rsa-modulus|3|0|", "cabf.validity-schedule|3|0|", NULL,
	};
	for (size_t i = 0; broken[i]; i++)
		ck_assert_msg(strstr(got, broken[i]) != NULL, "%s not in\n%s", broken[i], got);
	EVP_PKEY_free(key);
	sv_pki_free(&k);
}
END_TEST

/* ---- SC-081 schedule (cabf.validity-schedule) ---- */

#define DAY 86400LL
#define T_2026_03_15 1773532800LL
#define T_2027_03_15 1805068800LL
#define T_2029_03_15 1868227200LL

/*
 * Leaf issued at `nb` whose notAfter - notBefore is `span` seconds, under a
 * root and intermediate valid 2020-2040, anchored as `origin`, evaluated a
 * day after issuance.
 */
static trust_result *run_schedule(int64_t nb, int64_t span, trust_origin origin)
{
	const int64_t from = 1577836800LL, to = 2208988800LL; /* 2020 .. 2040 */
	sv_pki k;
	sv_pki_init(&k);
	sv_spec rs = { .cn = "Test Root", .key = k.root_key, .not_before = from, .not_after = to,
		       .exts = SV_CA_EXTS };
	X509_free(k.root);
	k.root = sv_cert(&rs);
	sv_spec is = { .cn = "Test Intermediate", .key = k.inter_key, .issuer = k.root,
		       .issuer_key = k.root_key, .not_before = from, .not_after = to,
		       .exts = SV_INTER_EXTS };
	X509_free(k.inter);
	k.inter = sv_cert(&is);
	sv_spec ls = { .cn = "leaf.example.com", .key = k.leaf_key, .issuer = k.inter,
		       .issuer_key = k.inter_key, .not_before = nb, .not_after = nb + span,
		       .exts = SV_LEAF_EXTS };
	X509_free(k.leaf);
	k.leaf = sv_cert(&ls);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { k.leaf, k.inter, NULL };
	trust_store *s = sv_store_as(anchors, origin, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.flags = WEBPKI;
	o.at = nb + DAY;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	sv_pki_free(&k);
	return r;
}

static const struct {
	int64_t issued;
	int64_t span;           /* notAfter - notBefore */
	trust_severity want;    /* of cabf.validity-schedule */
	const char *max;
} schedule_cases[] = {
	/* before 2026-03-15: 398 days; the span 398 x 86,400 s is 399 days inclusive */
	{ T_2026_03_15 - 1, 397 * DAY - 1, TRUST_SEV_PASS, "398" },
	{ T_2026_03_15 - 1, 398 * DAY - 1, TRUST_SEV_WARNING, "398" },
	{ T_2026_03_15 - 1, 398 * DAY, TRUST_SEV_ERROR, "398" },
	/* from 2026-03-15: 200 days; one second earlier the same leaf is fine */
	{ T_2026_03_15 - 1, 201 * DAY, TRUST_SEV_PASS, "398" },
	{ T_2026_03_15, 201 * DAY, TRUST_SEV_ERROR, "200" },
	{ T_2026_03_15, 200 * DAY - 1, TRUST_SEV_WARNING, "200" },
	{ T_2026_03_15, 200 * DAY, TRUST_SEV_ERROR, "200" },
	/* from 2027-03-15: 100 days */
	{ T_2027_03_15 - 1, 150 * DAY, TRUST_SEV_PASS, "200" },
	{ T_2027_03_15, 100 * DAY - 1, TRUST_SEV_WARNING, "100" },
	{ T_2027_03_15, 100 * DAY, TRUST_SEV_ERROR, "100" },
	/* from 2029-03-15: 47 days */
	{ T_2029_03_15 - 1, 60 * DAY, TRUST_SEV_PASS, "100" },
	{ T_2029_03_15, 46 * DAY - 1, TRUST_SEV_PASS, "47" },
	{ T_2029_03_15, 47 * DAY, TRUST_SEV_ERROR, "47" },
};

START_TEST(test_webpki__sc081_schedule_by_issuance_date)
{
	trust_result *r = run_schedule(schedule_cases[_i].issued, schedule_cases[_i].span,
				       TRUST_ORIGIN_SYSTEM);
	trust_severity want = schedule_cases[_i].want;
	const char *id = "cabf.validity-schedule";
	const trust_finding *f = sv_finding(r, id, 0);
	ck_assert_msg(f != NULL, "case %d: no %s (reason %s)", _i, id, trust_result_reason(r));
	ck_assert_int_eq(f->severity, want);
	ck_assert_str_eq(sv_param(f, "maximum"), schedule_cases[_i].max);
	if (want == TRUST_SEV_ERROR)
		sv_assert_rejected_with(r, "cabf.validity-schedule", 0);
	else
		sv_assert_trusted(r);
	trust_result_free(r);
}
END_TEST

START_TEST(test_webpki__the_schedule_binds_system_anchors_only)
{
	trust_result *r = run_schedule(T_2026_03_15, 500 * DAY, TRUST_ORIGIN_USER);
	sv_assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "cabf.validity-schedule", 0));
	trust_result_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("webpki");
	TCase *t = tcase_create("webpki");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_webpki__a_compliant_chain_is_trusted_and_says_so);
	tcase_add_test(t, test_webpki__a_client_purpose_is_refused);
	tcase_add_loop_test(t, test_webpki__leaf_eku_rules, 0,
			    (int)(sizeof(eku_cases) / sizeof(eku_cases[0])));
	tcase_add_test(t, test_webpki__a_root_with_eku_is_rejected);
	tcase_add_test(t, test_webpki__a_ca_certificate_as_the_leaf_is_rejected);
	tcase_add_loop_test(t, test_webpki__the_common_name_must_repeat_a_san_exactly, 0,
			    (int)(sizeof(cn_cases) / sizeof(cn_cases[0])));
	tcase_add_test(t, test_webpki__two_common_names_are_rejected);
	tcase_add_loop_test(t, test_webpki__dns_san_rules, 0,
			    (int)(sizeof(san_cases) / sizeof(san_cases[0])));
	tcase_add_loop_test(t, test_webpki__leaf_key_rules, 0,
			    (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(t, test_webpki__ca_keys_are_held_to_the_same_rules);
	tcase_add_test(t, test_webpki__rsa_under_2048_bits_is_rejected_by_the_webpki_policy);
	tcase_add_loop_test(t, test_webpki__sc081_schedule_by_issuance_date, 0,
			    (int)(sizeof(schedule_cases) / sizeof(schedule_cases[0])));
	tcase_add_test(t, test_webpki__the_schedule_binds_system_anchors_only);
	tcase_add_test(t, test_webpki__the_policy_file_and_the_flag_agree_on_a_compliant_chain);
	tcase_add_test(t, test_webpki__the_policy_file_and_the_flag_agree_on_every_broken_rule);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
