/*
 * Revocation from OCSP responses built in the test with OpenSSL's OCSP API:
 * good, revoked and unknown from files; an expired response; a response
 * signed by a key that is not the issuer's; a delegated responder with and
 * without id-kp-OCSPSigning; a stapled response through trust_connection;
 * hard mode with OCSP as the only source.
 */
#include "support_pki.h"

#include <check.h>
#include <openssl/ocsp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sv_exts RESPONDER_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "OCSPSigning",
	NULL,
};
static sv_exts NOT_RESPONDER_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "serverAuth",
	NULL,
};

typedef struct resp_spec {
	int status;             /* V_OCSP_CERTSTATUS_* */
	long this_secs, next_secs; /* relative to now */
	X509 *signer;           /* NULL: the leaf's issuer */
	EVP_PKEY *signer_key;
	unsigned long sign_flags; /* OCSP_NOCERTS: the signer's certificate left out */
} resp_spec;

/* DER OCSPResponse about k->leaf; *len set; caller frees with OPENSSL_free. */
static unsigned char *make_response(sv_pki *k, const resp_spec *s, int *len)
{
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), k->leaf, k->inter);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	ASN1_TIME *thisupd = X509_gmtime_adj(NULL, s->this_secs);
	ASN1_TIME *nextupd = X509_gmtime_adj(NULL, s->next_secs);
	ASN1_TIME *rev = X509_gmtime_adj(NULL, -3600);
	ck_assert(id && bs && thisupd && nextupd && rev);
	ck_assert(OCSP_basic_add1_status(bs, id, s->status, OCSP_REVOKED_STATUS_KEYCOMPROMISE, rev,
					 thisupd, nextupd));
	ck_assert(OCSP_basic_sign(bs, s->signer ? s->signer : k->inter,
				  s->signer_key ? s->signer_key : k->inter_key, EVP_sha256(), NULL,
				  s->sign_flags));
	OCSP_RESPONSE *resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	ck_assert_ptr_nonnull(resp);
	unsigned char *der = NULL;
	*len = i2d_OCSP_RESPONSE(resp, &der);
	ck_assert_int_gt(*len, 0);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(rev);
	return der;
}

/* Evaluates k's chain with the response as a file (stapled: through trust_connection). */
static trust_result *run(sv_pki *k, const resp_spec *s, bool stapled, unsigned flags)
{
	int len = 0;
	unsigned char *der = make_response(k, s, &len);
	char path[] = "/tmp/trust-ocsp-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, der, (size_t)len), len);
	close(fd);

	trust_store_builder *b = trust_store_builder_new();
	ck_assert_ptr_nonnull(b);
	unsigned char *root = NULL;
	int rlen = i2d_X509(k->root, &root);
	trust_error err = { 0 };
	ck_assert_int_eq(trust_store_builder_add_anchors_mem(b, root, (size_t)rlen, "root",
							     TRUST_ORIGIN_USER, &err), TRUST_OK);
	OPENSSL_free(root);
	if (!stapled)
		ck_assert_msg(trust_store_builder_add_ocsp(b, path, &err) == TRUST_OK, "%s",
			      err.message);
	unlink(path);
	trust_store *st = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&st, b, &err), TRUST_OK);
	X509 *chain[] = { k->leaf, k->inter, NULL };
	trust_chain *c = sv_chain(chain);
	trust_connection conn = { .version = TRUST_CONNECTION_VERSION, .forward_secret = -1,
				  .sent_in_order = -1, .ocsp = der, .ocsp_len = (size_t)len };
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.policy = TRUST_POLICY_RFC5280;
	o.flags = flags;
	if (stapled)
		o.connection = &conn;
	trust_result *r = NULL;
	ck_assert_msg(trust_evaluate(&r, st, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(st);
	OPENSSL_free(der);
	return r;
}

static const char *leaf_source(trust_result *r)
{
	return sv_param(sv_finding(r, "revocation.covered", 0), "source");
}

static const char *unusable_why(trust_result *r)
{
	const trust_finding *f = sv_finding(r, "revocation.ocsp-unusable", 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, TRUST_SEV_WARNING);
	return f->message;
}

START_TEST(test_ocsp__good_from_a_file_covers_the_leaf)
{
	sv_pki k;
	sv_pki_init(&k);
	resp_spec s = { V_OCSP_CERTSTATUS_GOOD, -60, 86400, NULL, NULL, 0 };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_str_eq(leaf_source(r), "ocsp");
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__revoked_rejects_with_reason_and_time)
{
	sv_pki k;
	sv_pki_init(&k);
	resp_spec s = { V_OCSP_CERTSTATUS_REVOKED, -60, 86400, NULL, NULL, 0 };
	for (int stapled = 0; stapled < 2; stapled++) {
		trust_result *r = run(&k, &s, stapled, 0);
		sv_assert_rejected_with(r, "revocation.revoked", 0);
		const trust_finding *f = sv_finding(r, "revocation.revoked", 0);
		ck_assert_str_eq(sv_param(f, "source"), "ocsp");
		ck_assert_str_eq(sv_param(f, "reason"), "keyCompromise");
		ck_assert_ptr_nonnull(sv_param(f, "revoked-at"));
		trust_result_free(r);
	}
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__unknown_covers_nothing)
{
	sv_pki k;
	sv_pki_init(&k);
	resp_spec s = { V_OCSP_CERTSTATUS_UNKNOWN, -60, 86400, NULL, NULL, 0 };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "unknown"));
	ck_assert_int_eq(sv_finding(r, "revocation.not-covered", 0)->severity, TRUST_SEV_WARNING);
	trust_result_free(r);
	r = run(&k, &s, false, TRUST_EVAL_REVOCATION_HARD);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__an_expired_response_is_not_used)
{
	sv_pki k;
	sv_pki_init(&k);
	/* nextUpdate an hour ago: beyond the five minutes of skew.  Revoked, so
	 * using it by mistake would show. */
	resp_spec s = { V_OCSP_CERTSTATUS_REVOKED, -7200, -3600, NULL, NULL, 0 };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "nextUpdate has passed"));
	trust_result_free(r);
	/* Within the skew allowance it still counts. */
	resp_spec skewed = { V_OCSP_CERTSTATUS_REVOKED, -7200, -120, NULL, NULL, 0 };
	r = run(&k, &skewed, false, 0);
	sv_assert_rejected_with(r, "revocation.revoked", 0);
	trust_result_free(r);
	/* thisUpdate an hour ahead is not yet valid. */
	resp_spec future = { V_OCSP_CERTSTATUS_REVOKED, 3600, 86400, NULL, NULL, 0 };
	r = run(&k, &future, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "thisUpdate is after"));
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__a_response_signed_by_another_key_is_not_used)
{
	sv_pki k;
	sv_pki_init(&k);
	/* Named as the issuer (responderID byName), signed with another key and
	 * no certificate carried: the issuer's key does not verify it. */
	EVP_PKEY *other = sv_key("EC", "P-256", 0);
	sv_spec fs = { .cn = "Test Intermediate", .key = other, .exts = SV_CA_EXTS };
	X509 *fake = sv_cert(&fs);
	resp_spec s = { V_OCSP_CERTSTATUS_REVOKED, -60, 86400, fake, other, OCSP_NOCERTS };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "signature does not verify"));
	trust_result_free(r);
	X509_free(fake);
	/* A responder certificate from an unrelated self-signed CA. */
	sv_spec rs = { .cn = "Rogue Responder", .key = other, .exts = RESPONDER_EXTS };
	X509 *rogue = sv_cert(&rs);
	resp_spec s2 = { V_OCSP_CERTSTATUS_REVOKED, -60, 86400, rogue, other, 0 };
	r = run(&k, &s2, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "not issued by the certificate's issuer"));
	trust_result_free(r);
	X509_free(rogue);
	EVP_PKEY_free(other);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__a_delegated_responder_needs_ocsp_signing)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *rk = sv_key("EC", "P-256", 0);
	sv_spec rs = { .cn = "Test OCSP Responder", .key = rk, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = RESPONDER_EXTS };
	X509 *responder = sv_cert(&rs);
	resp_spec s = { V_OCSP_CERTSTATUS_GOOD, -60, 86400, responder, rk, 0 };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_str_eq(leaf_source(r), "ocsp");
	trust_result_free(r);

	sv_spec ns = { .cn = "Test Not A Responder", .key = rk, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = NOT_RESPONDER_EXTS };
	X509 *not_responder = sv_cert(&ns);
	resp_spec s2 = { V_OCSP_CERTSTATUS_GOOD, -60, 86400, not_responder, rk, 0 };
	r = run(&k, &s2, false, TRUST_EVAL_REVOCATION_HARD);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "lacks id-kp-OCSPSigning"));
	trust_result_free(r);
	X509_free(responder);
	X509_free(not_responder);
	EVP_PKEY_free(rk);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__stapled_good_covers_the_leaf)
{
	sv_pki k;
	sv_pki_init(&k);
	resp_spec s = { V_OCSP_CERTSTATUS_GOOD, -60, 86400, NULL, NULL, 0 };
	trust_result *r = run(&k, &s, true, 0);
	sv_assert_trusted(r);
	ck_assert_str_eq(leaf_source(r), "ocsp");
	/* The intermediate has no answer: under soft, a warning for it alone. */
	ck_assert_int_eq(sv_finding(r, "revocation.not-covered", 1)->severity, TRUST_SEV_WARNING);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__a_file_that_is_no_ocsp_response_is_refused)
{
	char path[] = "/tmp/trust-ocsp-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\x30\x03\x0a\x01\x00", 5), 5);
	close(fd);
	trust_store_builder *b = trust_store_builder_new();
	trust_error err = { 0 };
	ck_assert_int_eq(trust_store_builder_add_ocsp(b, path, &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, path));
	trust_store_builder_free(b);
	unlink(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ocsp");
	TCase *t = tcase_create("ocsp");
	tcase_add_test(t, test_ocsp__good_from_a_file_covers_the_leaf);
	tcase_add_test(t, test_ocsp__revoked_rejects_with_reason_and_time);
	tcase_add_test(t, test_ocsp__unknown_covers_nothing);
	tcase_add_test(t, test_ocsp__an_expired_response_is_not_used);
	tcase_add_test(t, test_ocsp__a_response_signed_by_another_key_is_not_used);
	tcase_add_test(t, test_ocsp__a_delegated_responder_needs_ocsp_signing);
	tcase_add_test(t, test_ocsp__stapled_good_covers_the_leaf);
	tcase_add_test(t, test_ocsp__a_file_that_is_no_ocsp_response_is_refused);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
