/*
 * The mtls policy (policies/mtls.json) and its allow-list kinds on client
 * certificates built here: clientAuth, configured anchors only, anchor and
 * client pins, subject and SAN patterns of every SAN type, and the cases
 * that must fail closed (a malformed pin, an embedded NUL, no pattern).
 */
#include "support_pki.h"

#include <check.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

static sv_exts CLIENT_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "clientAuth",
	"subjectAltName", "email:svc@example.com,URI:spiffe://example.org/payments/svc,"
			  "DNS:svc.example.org,IP:10.0.0.7",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

static trust_policy *load(const char *json)
{
	trust_policy *pol = NULL;
	trust_error err = { 0 };
	const char *top = getenv("TRUST_TOP");
	char path[4096];
	snprintf(path, sizeof(path), "%s/policies/mtls.json", top ? top : ".");
	ck_assert_msg(trust_policy_load_file(&pol, path, &err) == TRUST_OK, "%s", err.message);
	if (json) {
		trust_policy *top_layer = NULL;
		ck_assert_msg(trust_policy_load_mem(&top_layer, json, strlen(json), "test.json",
						    &err) == TRUST_OK,
			      "%s", err.message);
		ck_assert_int_eq(trust_policy_stack(pol, top_layer, &err), TRUST_OK);
		trust_policy_free(top_layer);
	}
	return pol;
}

/* Evaluates k (its leaf a client certificate) as a client under mtls + json. */
static trust_result *run(sv_pki *k, trust_origin origin, const char *json)
{
	X509 *anchors[] = { k->root, NULL };
	X509 *chain[] = { k->leaf, k->inter, NULL };
	trust_store *s = sv_store_as(anchors, origin, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_policy *pol = load(json);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.purpose = TRUST_PURPOSE_CLIENT;
	o.overlay = pol;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_policy_free(pol);
	trust_chain_free(c);
	trust_store_free(s);
	return r;
}

static void client_pki(sv_pki *k, const char *cn, const char *const *exts)
{
	sv_pki_init(k);
	sv_spec ls = { .cn = cn, .key = k->leaf_key, .issuer = k->inter,
		       .issuer_key = k->inter_key, .exts = exts ? exts : CLIENT_EXTS };
	X509_free(k->leaf);
	k->leaf = sv_cert(&ls);
}

/* The base64 SPKI SHA-256 of x, as `certgen pin` prints it. */
static void pin_of(char out[48], X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	ck_assert_int_gt(len, 0);
	unsigned char d[32];
	ck_assert(EVP_Digest(der, (size_t)len, d, NULL, EVP_sha256(), NULL));
	OPENSSL_free(der);
	EVP_EncodeBlock((unsigned char *)out, d, 32);
}

START_TEST(test_mtls__a_client_of_a_configured_ca_is_trusted)
{
	sv_pki k;
	client_pki(&k, "svc-a", NULL);
	trust_result *r = run(&k, TRUST_ORIGIN_USER, NULL);
	sv_assert_trusted(r);
	ck_assert_str_eq(trust_result_policy(r), "mtls");
	trust_result_free(r);
	r = run(&k, TRUST_ORIGIN_APP, NULL);
	sv_assert_trusted(r);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_mtls__a_system_anchor_is_not_a_configured_ca)
{
	sv_pki k;
	client_pki(&k, "svc-a", NULL);
	trust_result *r = run(&k, TRUST_ORIGIN_SYSTEM, NULL);
	sv_assert_rejected_with(r, "policy.anchor-origin", 2);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_mtls__a_client_certificate_without_client_auth_is_rejected)
{
	sv_pki k;
	sv_pki_init(&k); /* the default leaf is a serverAuth certificate */
	trust_result *r = run(&k, TRUST_ORIGIN_USER, NULL);
	sv_assert_rejected_with(r, "mtls.eku.client-auth", 0);
	trust_result_free(r);
	static sv_exts no_eku = {
		"basicConstraints", "critical,CA:FALSE",
		"subjectAltName", "DNS:svc.example.org",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	sv_pki_free(&k);
	client_pki(&k, "svc-a", no_eku);
	r = run(&k, TRUST_ORIGIN_USER, NULL);
	sv_assert_rejected_with(r, "mtls.eku.client-auth", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

static const struct {
	const char *params; /* client-names params */
	bool trusted;
} name_cases[] = {
	{ "\"subjects\": [\"CN=svc-*\"]", true },
	{ "\"subjects\": [\"CN=other\"]", false },
	{ "\"subjects\": [\"cn=svc-a\"]", false }, /* case-sensitive */
	{ "\"sans\": [\"email:*@example.com\"]", true },
	{ "\"sans\": [\"URI:spiffe://example.org/payments/*\"]", true },
	{ "\"sans\": [\"URI:spiffe://example.org/billing/*\"]", false },
	{ "\"sans\": [\"DNS:*.example.org\"]", true },
	{ "\"sans\": [\"IP:10.0.0.7\"]", true },
	{ "\"sans\": [\"IP:10.0.0.8\"]", false },
	{ "\"subjects\": [\"CN=nobody\"], \"sans\": [\"DNS:svc.example.org\"]", true },
	{ "\"subjects\": [], \"sans\": []", false }, /* no pattern fails closed */
};

START_TEST(test_mtls__client_names_match_subject_or_san_globs)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{ \"name\": \"clients\", \"rules\": [ { \"id\": \"clients.names\", "
		 "\"kind\": \"client-names\", \"params\": { %s } } ] }",
		 name_cases[_i].params);
	sv_pki k;
	client_pki(&k, "svc-a", NULL);
	trust_result *r = run(&k, TRUST_ORIGIN_USER, json);
	if (name_cases[_i].trusted)
		sv_assert_trusted(r);
	else
		sv_assert_rejected_with(r, "clients.names", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_mtls__a_san_with_an_embedded_nul_matches_no_pattern)
{
	sv_pki k;
	client_pki(&k, "x", NULL);
	/* Replace the SAN with a dNSName "svc.example.org\0.evil" built by hand. */
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();
	ck_assert(ASN1_STRING_set(s, "svc.example.org\0.evil", 21));
	GENERAL_NAME_set0_value(g, GEN_DNS, s);
	sk_GENERAL_NAME_push(gens, g);
	int idx = X509_get_ext_by_NID(k.leaf, NID_subject_alt_name, -1);
	X509_EXTENSION_free(X509_delete_ext(k.leaf, idx));
	ck_assert(X509_add1_ext_i2d(k.leaf, NID_subject_alt_name, gens, 0, 0));
	GENERAL_NAMES_free(gens);
	ck_assert(X509_sign(k.leaf, k.inter_key, EVP_sha256()) > 0);
	const char *json = "{ \"name\": \"c\", \"rules\": [ { \"id\": \"clients.names\", "
			   "\"kind\": \"client-names\", \"params\": { \"sans\": "
			   "[\"DNS:svc.example.org*\"] } } ] }";
	trust_result *r = run(&k, TRUST_ORIGIN_USER, json);
	sv_assert_rejected_with(r, "clients.names", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

/* Pins: the right one, another key's, and entries that are not pins at all. */
START_TEST(test_mtls__client_and_anchor_pins)
{
	sv_pki k;
	client_pki(&k, "svc-a", NULL);
	char leaf_pin[48], root_pin[48], json[512];
	pin_of(leaf_pin, k.leaf);
	pin_of(root_pin, k.root);
	static const char *const fmt = "{ \"name\": \"p\", \"rules\": [ { \"id\": \"p.rule\", "
				       "\"kind\": \"%s\", \"params\": { \"spki_sha256\": [\"%s\"] } } ] }";
	const struct {
		const char *kind, *pin;
		bool trusted;
		const char *says;
	} cases[] = {
		{ "client-pins", leaf_pin, true, NULL },
		{ "client-pins", root_pin, false, leaf_pin }, /* names the pin it found */
		{ "anchor-pins", root_pin, true, NULL },
		{ "anchor-pins", leaf_pin, false, root_pin },
		{ "client-pins", "not-a-pin", false, "not-a-pin" },
		{ "client-pins", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", false, "AAAA" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(json, sizeof(json), fmt, cases[i].kind, cases[i].pin);
		trust_result *r = run(&k, TRUST_ORIGIN_USER, json);
		if (cases[i].trusted) {
			sv_assert_trusted(r);
		} else {
			int cert = strcmp(cases[i].kind, "anchor-pins") == 0 ? 2 : 0;
			sv_assert_rejected_with(r, "p.rule", cert);
			ck_assert_msg(strstr(sv_finding(r, "p.rule", cert)->message, cases[i].says),
				      "case %zu: %s", i, sv_finding(r, "p.rule", cert)->message);
		}
		trust_result_free(r);
	}
	sv_pki_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mtls");
	TCase *t = tcase_create("mtls");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_mtls__a_client_of_a_configured_ca_is_trusted);
	tcase_add_test(t, test_mtls__a_system_anchor_is_not_a_configured_ca);
	tcase_add_test(t, test_mtls__a_client_certificate_without_client_auth_is_rejected);
	tcase_add_loop_test(t, test_mtls__client_names_match_subject_or_san_globs, 0,
			    (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	tcase_add_test(t, test_mtls__a_san_with_an_embedded_nul_matches_no_pattern);
	tcase_add_test(t, test_mtls__client_and_anchor_pins);
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
