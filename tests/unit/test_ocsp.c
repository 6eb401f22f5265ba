/*
 * Revocation from OCSP responses built in the test with OpenSSL's OCSP API:
 * good, revoked and unknown from files; an expired response; a response
 * signed by a key that is not the issuer's; a delegated responder with and
 * without id-kp-OCSPSigning, from another CA, without digitalSignature,
 * expired or left out; certIDs naming another issuer key or serial; stapled
 * responses through trust_connection; hard mode with OCSP as the only source.
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
static sv_exts RESPONDER_NO_DS_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,keyAgreement",
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
	X509 *id_cert, *id_issuer; /* the certID names these (NULL: the leaf, its issuer) */
	int then_status;        /* >= 0 (with contradict): a second answer about the same certID */
	bool contradict;
} resp_spec;

/* thisUpdate a minute ago, nextUpdate a day on. */
#define FRESH .this_secs = -60, .next_secs = 86400

/* DER OCSPResponse about k->leaf; *len set; caller frees with OPENSSL_free. */
static unsigned char *make_response(sv_pki *k, const resp_spec *s, int *len)
{
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), s->id_cert ? s->id_cert : k->leaf,
					  s->id_issuer ? s->id_issuer : k->inter);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	ASN1_TIME *thisupd = X509_gmtime_adj(NULL, s->this_secs);
	ASN1_TIME *nextupd = X509_gmtime_adj(NULL, s->next_secs);
	ASN1_TIME *rev = X509_gmtime_adj(NULL, -3600);
	ck_assert(id && bs && thisupd && nextupd && rev);
	ck_assert(OCSP_basic_add1_status(bs, id, s->status, OCSP_REVOKED_STATUS_KEYCOMPROMISE, rev,
					 thisupd, nextupd));
	if (s->contradict)
		ck_assert(OCSP_basic_add1_status(bs, id, s->then_status,
						 OCSP_REVOKED_STATUS_KEYCOMPROMISE, rev, thisupd, nextupd));
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

/* A self-signed CA with the test intermediate's name and `key`: its impostor. */
static X509 *same_name_as_inter(EVP_PKEY *key)
{
	sv_spec fs = { .cn = "Test Intermediate", .key = key, .exts = SV_CA_EXTS };
	return sv_cert(&fs);
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
	resp_spec s = { .status = V_OCSP_CERTSTATUS_GOOD, FRESH };
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
	resp_spec s = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH };
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
	resp_spec s = { .status = V_OCSP_CERTSTATUS_UNKNOWN, FRESH };
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
	resp_spec s = { .status = V_OCSP_CERTSTATUS_REVOKED, .this_secs = -7200, .next_secs = -3600 };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "nextUpdate has passed"));
	trust_result_free(r);
	/* Within the skew allowance it still counts. */
	resp_spec skewed = { .status = V_OCSP_CERTSTATUS_REVOKED, .this_secs = -7200,
			     .next_secs = -120 };
	r = run(&k, &skewed, false, 0);
	sv_assert_rejected_with(r, "revocation.revoked", 0);
	trust_result_free(r);
	/* thisUpdate an hour ahead is not yet valid. */
	resp_spec future = { .status = V_OCSP_CERTSTATUS_REVOKED, .this_secs = 3600,
			     .next_secs = 86400 };
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
	X509 *fake = same_name_as_inter(other);
	resp_spec s = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .signer = fake, .signer_key = other,
			.sign_flags = OCSP_NOCERTS };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_nonnull(strstr(unusable_why(r), "signature does not verify"));
	trust_result_free(r);
	X509_free(fake);
	/* A responder certificate from an unrelated self-signed CA. */
	sv_spec rs = { .cn = "Rogue Responder", .key = other, .exts = RESPONDER_EXTS };
	X509 *rogue = sv_cert(&rs);
	resp_spec s2 = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .signer = rogue,
			 .signer_key = other };
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
	resp_spec s = { .status = V_OCSP_CERTSTATUS_GOOD, FRESH, .signer = responder, .signer_key = rk };
	trust_result *r = run(&k, &s, false, 0);
	sv_assert_trusted(r);
	ck_assert_str_eq(leaf_source(r), "ocsp");
	trust_result_free(r);

	sv_spec ns = { .cn = "Test Not A Responder", .key = rk, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = NOT_RESPONDER_EXTS };
	X509 *not_responder = sv_cert(&ns);
	resp_spec s2 = { .status = V_OCSP_CERTSTATUS_GOOD, FRESH, .signer = not_responder,
			 .signer_key = rk };
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

/* A responder certificate signed by responder_issuer, with exts, valid from/to days from now. */
static X509 *responder(EVP_PKEY *rk, X509 *issuer, EVP_PKEY *issuer_key, const char *const *exts,
		       long from, long to)
{
	sv_spec rs = { .cn = "Test OCSP Responder", .key = rk, .issuer = issuer,
		       .issuer_key = issuer_key, .exts = exts, .from_days = from, .to_days = to };
	return sv_cert(&rs);
}

/* The response says revoked, so using it by mistake shows as a rejection; soft mode
 * leaves the leaf uncovered with `why`, hard mode rejects it as not covered. */
static void assert_not_used(sv_pki *k, const resp_spec *s, bool stapled, const char *why)
{
	trust_result *r = run(k, s, stapled, 0);
	sv_assert_trusted(r);
	ck_assert_msg(strstr(unusable_why(r), why), "'%s' lacks '%s'", unusable_why(r), why);
	ck_assert_str_eq(sv_param(sv_finding(r, "revocation.ocsp-unusable", 0), "origin"),
			 stapled ? "stapled" : "file");
	ck_assert_int_eq(sv_finding(r, "revocation.not-covered", 0)->severity, TRUST_SEV_WARNING);
	trust_result_free(r);
	r = run(k, s, stapled, TRUST_EVAL_REVOCATION_HARD);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	trust_result_free(r);
}

START_TEST(test_ocsp__a_responder_must_come_from_the_leafs_issuer_and_be_fit)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *rk = sv_key("EC", "P-256", 0);
	/* id-kp-OCSPSigning, but issued by the root, not by the leaf's issuer. */
	X509 *by_root = responder(rk, k.root, k.root_key, RESPONDER_EXTS, 0, 0);
	/* Issued by the leaf's issuer, but its keyUsage does not allow signing. */
	X509 *no_ds = responder(rk, k.inter, k.inter_key, RESPONDER_NO_DS_EXTS, 0, 0);
	/* Issued by the leaf's issuer, expired yesterday. */
	X509 *expired = responder(rk, k.inter, k.inter_key, RESPONDER_EXTS, -30, -1);
	for (int stapled = 0; stapled < 2; stapled++) {
		resp_spec s = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .signer = by_root,
				.signer_key = rk };
		assert_not_used(&k, &s, stapled, "not issued by the certificate's issuer");
		s.signer = no_ds;
		assert_not_used(&k, &s, stapled, "keyUsage lacks digitalSignature");
		s.signer = expired;
		assert_not_used(&k, &s, stapled, "not valid at the evaluation time");
	}
	X509_free(by_root);
	X509_free(no_ds);
	X509_free(expired);
	EVP_PKEY_free(rk);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__stapled_expired_or_wrongly_signed_is_not_used)
{
	sv_pki k;
	sv_pki_init(&k);
	resp_spec expired = { .status = V_OCSP_CERTSTATUS_REVOKED, .this_secs = -7200,
			      .next_secs = -3600 };
	assert_not_used(&k, &expired, true, "nextUpdate has passed");
	/* Signed with the leaf's own key: issued by the right CA, but not to answer. */
	resp_spec by_leaf = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .signer = k.leaf,
			      .signer_key = k.leaf_key };
	assert_not_used(&k, &by_leaf, true, "lacks id-kp-OCSPSigning");
	/* Signed by the root, which issued the intermediate, not the leaf. */
	resp_spec by_root = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .signer = k.root,
			      .signer_key = k.root_key };
	assert_not_used(&k, &by_root, true, "not issued by the certificate's issuer");
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__a_delegated_responder_answers_stapled_too)
{
	sv_pki k;
	sv_pki_init(&k);
	EVP_PKEY *rk = sv_key("EC", "P-256", 0);
	X509 *r1 = responder(rk, k.inter, k.inter_key, RESPONDER_EXTS, 0, 0);
	resp_spec s = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .signer = r1, .signer_key = rk };
	trust_result *r = run(&k, &s, true, 0);
	sv_assert_rejected_with(r, "revocation.revoked", 0);
	trust_result_free(r);
	s.status = V_OCSP_CERTSTATUS_GOOD;
	r = run(&k, &s, true, 0);
	sv_assert_trusted(r);
	ck_assert_str_eq(leaf_source(r), "ocsp");
	trust_result_free(r);
	/* Left out of the response, the responder cannot be found: not used. */
	s.status = V_OCSP_CERTSTATUS_REVOKED;
	s.sign_flags = OCSP_NOCERTS;
	assert_not_used(&k, &s, true, "neither the issuer nor a certificate it carries");
	X509_free(r1);
	EVP_PKEY_free(rk);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__the_cert_id_must_name_issuer_key_and_serial)
{
	sv_pki k;
	sv_pki_init(&k);
	/* Same issuer name and the leaf's serial, but another issuer key hash. */
	EVP_PKEY *other = sv_key("EC", "P-256", 0);
	X509 *same_name = same_name_as_inter(other);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(same_name),
				       X509_get_subject_name(k.inter)), 0);
	resp_spec s = { .status = V_OCSP_CERTSTATUS_REVOKED, FRESH, .id_issuer = same_name };
	trust_result *r = run(&k, &s, false, TRUST_EVAL_REVOCATION_HARD);
	sv_assert_rejected_with(r, "revocation.not-covered", 0);
	ck_assert_ptr_nonnull(strstr(sv_param(sv_finding(r, "revocation.not-covered", 0), "why"),
				     "no OCSP response names it"));
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	/* The right issuer, another certificate's serial. */
	X509 *sibling = sv_make_leaf(&k, NULL, NULL, 0, 0);
	ck_assert_int_ne(ASN1_INTEGER_cmp(X509_get0_serialNumber(sibling),
					  X509_get0_serialNumber(k.leaf)), 0);
	s.id_issuer = NULL;
	s.id_cert = sibling;
	r = run(&k, &s, true, 0);
	sv_assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	ck_assert_str_eq(sv_param(sv_finding(r, "revocation.not-covered", 0), "why"),
			 "no CRL from its issuer was given; no OCSP response names it");
	trust_result_free(r);
	X509_free(sibling);
	X509_free(same_name);
	EVP_PKEY_free(other);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__a_response_contradicting_itself_counts_as_revoked)
{
	sv_pki k;
	sv_pki_init(&k);
	/* good, then revoked, for the same certID: the revoked answer wins, in either order. */
	resp_spec s = { .status = V_OCSP_CERTSTATUS_GOOD, FRESH, .contradict = true,
			.then_status = V_OCSP_CERTSTATUS_REVOKED };
	for (int order = 0; order < 2; order++) {
		trust_result *r = run(&k, &s, order == 1, 0);
		sv_assert_rejected_with(r, "revocation.revoked", 0);
		trust_result_free(r);
		s.status = V_OCSP_CERTSTATUS_REVOKED;
		s.then_status = V_OCSP_CERTSTATUS_GOOD;
	}
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_ocsp__stapled_good_covers_the_leaf)
{
	sv_pki k;
	sv_pki_init(&k);
	resp_spec s = { .status = V_OCSP_CERTSTATUS_GOOD, FRESH };
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
	tcase_add_test(t, test_ocsp__a_responder_must_come_from_the_leafs_issuer_and_be_fit);
	tcase_add_test(t, test_ocsp__stapled_expired_or_wrongly_signed_is_not_used);
	tcase_add_test(t, test_ocsp__a_delegated_responder_answers_stapled_too);
	tcase_add_test(t, test_ocsp__the_cert_id_must_name_issuer_key_and_serial);
	tcase_add_test(t, test_ocsp__a_response_contradicting_itself_counts_as_revoked);
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
