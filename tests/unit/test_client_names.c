/*
 * Client reference identities (trust_eval_options version 4): an email or a
 * URI matched against the leaf's SAN with RFC 5280's comparison rules, and
 * the name constraints on email and URI subtrees that bound them.
 */
#include "support_pki.h"

#include <check.h>
#include <string.h>

static sv_exts CLIENT_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "clientAuth",
	"subjectAltName", "email:Svc.Ops@example.com,URI:spiffe://example.org/payments/svc",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

/* leaf <- inter (with `inter_exts`, NULL: plain) <- root, evaluated as a client. */
static trust_result *eval(const char *const *inter_exts, const char *email, const char *uri)
{
	sv_pki k;
	sv_pki_init(&k);
	if (inter_exts) {
		X509_free(k.inter);
		k.inter = sv_make_inter(&k, inter_exts, 0, 0, NULL);
	}
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, CLIENT_EXTS, 0, 0);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { k.leaf, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.purpose = TRUST_PURPOSE_CLIENT;
	o.email = email;
	o.uri = uri;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	sv_pki_free(&k);
	return r;
}

static const struct name_case {
	const char *email, *uri;
	const char *id; /* the names finding expected; "ok" cases are trusted */
	bool trusted;
} cases[] = {
	{ "Svc.Ops@example.com", NULL, "names.email", true },
	{ "Svc.Ops@EXAMPLE.Com", NULL, "names.email", true },          /* domain: any case */
	{ "svc.ops@example.com", NULL, "names.email.mismatch", false }, /* local part: exact */
	{ "Svc.Ops@example.org", NULL, "names.email.mismatch", false },
	{ NULL, "spiffe://example.org/payments/svc", "names.uri", true },
	{ NULL, "SPIFFE://Example.ORG/payments/svc", "names.uri", true }, /* scheme, host: any case */
	{ NULL, "spiffe://example.org/Payments/svc", "names.uri.mismatch", false }, /* path exact */
	{ NULL, "spiffe://example.org/payments/svc/x", "names.uri.mismatch", false },
	{ "Svc.Ops@example.com", "spiffe://example.org/other", "names.uri.mismatch", false },
};

START_TEST(test_client_names__email_and_uri_match_the_san)
{
	const struct name_case *c = &cases[_i];
	trust_result *r = eval(NULL, c->email, c->uri);
	ck_assert_msg(trust_result_trusted(r) == c->trusted, "case %d: %s", _i,
		      trust_result_reason(r));
	ck_assert_msg(sv_finding(r, c->id, 0) != NULL, "case %d: no %s", _i, c->id);
	if (c->email)
		ck_assert_str_eq(trust_result_email(r), c->email);
	if (c->uri)
		ck_assert_str_eq(trust_result_uri(r), c->uri);
	if (!c->trusted)
		ck_assert_str_eq(trust_result_reason(r), c->id);
	trust_result_free(r);
}
END_TEST

static sv_exts EMAIL_EXCLUDED = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	"nameConstraints", "critical,excluded;email:example.com",
	NULL,
};
static sv_exts URI_EXCLUDED = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	"nameConstraints", "critical,excluded;URI:example.org",
	NULL,
};
static sv_exts BOTH_PERMITTED = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	"nameConstraints", "critical,permitted;email:example.com,permitted;URI:example.org",
	NULL,
};

START_TEST(test_client_names__name_constraints_bound_email_and_uri)
{
	trust_result *r = eval(BOTH_PERMITTED, "Svc.Ops@example.com", "spiffe://example.org/payments/svc");
	ck_assert_msg(trust_result_trusted(r), "%s", trust_result_reason(r));
	trust_result_free(r);

	r = eval(EMAIL_EXCLUDED, "Svc.Ops@example.com", NULL);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "rfc5280.nc.excluded");
	trust_result_free(r);

	r = eval(URI_EXCLUDED, NULL, "spiffe://example.org/payments/svc");
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "rfc5280.nc.excluded");
	trust_result_free(r);
}
END_TEST

START_TEST(test_client_names__malformed_references_are_refused)
{
	sv_pki k;
	sv_pki_init(&k);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { k.leaf, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	const char *emails[] = { "no-at.example.com", "@example.com", "a b@example.com",
				 "a@bad..domain" };
	const char *uris[] = { "no-scheme/path", "spiffe:", "1http://x", "https://a b" };
	for (size_t i = 0; i < 8; i++) {
		trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
		o.purpose = TRUST_PURPOSE_CLIENT;
		if (i < 4)
			o.email = emails[i];
		else
			o.uri = uris[i - 4];
		trust_result *r = NULL;
		trust_error err = { 0 };
		ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &o, &err), TRUST_EUSAGE);
		ck_assert_ptr_null(r);
		ck_assert_msg(strstr(err.message, i < 4 ? emails[i] : uris[i - 4]), "%s", err.message);
	}
	/* A version-3 caller's struct has no email or uri: they are never read. */
	trust_eval_options v3;
	ck_assert_int_eq(trust_eval_options_init(&v3, 3), TRUST_OK);
	v3.purpose = TRUST_PURPOSE_CLIENT;
	trust_result *r = NULL;
	ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &v3, NULL), TRUST_OK);
	ck_assert_ptr_null(trust_result_email(r));
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	sv_pki_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_names");
	TCase *t = tcase_create("client_names");
	tcase_set_timeout(t, 60);
	tcase_add_loop_test(t, test_client_names__email_and_uri_match_the_san, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(t, test_client_names__name_constraints_bound_email_and_uri);
	tcase_add_test(t, test_client_names__malformed_references_are_refused);
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
