/*
 * RFC 5280 per-path validation on certificates built in the test: validity,
 * algorithms, CA rules, path length, EKU, unknown critical extensions and
 * CRL revocation.  Assertions name finding ids, never messages.
 */
#include "support_validate.h"

#include <check.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sv_exts INTER_EXTS = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

/* A three-level PKI; tests replace the parts they are about. */
typedef struct pki {
	EVP_PKEY *root_key, *inter_key, *leaf_key;
	X509 *root, *inter, *leaf;
} pki;

static X509 *make_root(EVP_PKEY *key, long from, long to, const EVP_MD *md)
{
	sv_spec s = { .cn = "Test Root", .key = key, .from_days = from, .to_days = to, .md = md,
		      .exts = SV_CA_EXTS };
	return sv_cert(&s);
}

static X509 *make_inter(pki *k, const char *const *exts, long from, long to, const EVP_MD *md)
{
	sv_spec s = { .cn = "Test Intermediate", .key = k->inter_key, .issuer = k->root,
		      .issuer_key = k->root_key, .from_days = from, .to_days = to, .md = md,
		      .exts = exts ? exts : INTER_EXTS };
	return sv_cert(&s);
}

static X509 *make_leaf(pki *k, EVP_PKEY *key, const char *const *exts, long from, long to)
{
	sv_spec s = { .cn = "leaf.example.com", .key = key ? key : k->leaf_key,
		      .issuer = k->inter, .issuer_key = k->inter_key, .from_days = from,
		      .to_days = to, .exts = exts ? exts : SV_LEAF_EXTS };
	return sv_cert(&s);
}

static void pki_init(pki *k)
{
	memset(k, 0, sizeof(*k));
	k->root_key = sv_key("EC", "P-256", 0);
	k->inter_key = sv_key("EC", "P-256", 0);
	k->leaf_key = sv_key("EC", "P-256", 0);
	k->root = make_root(k->root_key, 0, 0, NULL);
	k->inter = make_inter(k, NULL, 0, 0, NULL);
	k->leaf = make_leaf(k, NULL, NULL, 0, 0);
}

static void pki_free(pki *k)
{
	X509_free(k->root);
	X509_free(k->inter);
	X509_free(k->leaf);
	EVP_PKEY_free(k->root_key);
	EVP_PKEY_free(k->inter_key);
	EVP_PKEY_free(k->leaf_key);
}

/* Evaluates leaf <- inter <- root (anchor) with an optional CRL file. */
static trust_result *run(pki *k, trust_policy_base policy, unsigned flags, const char *crl)
{
	X509 *anchors[] = { k->root, NULL };
	X509 *chain[] = { k->leaf, k->inter, NULL };
	trust_store *s = sv_store(anchors, NULL, crl);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, policy, flags);
	trust_chain_free(c);
	trust_store_free(s);
	return r;
}

/* leaf <- root directly, the root made with `root_exts`, anchored with `origin`. */
static trust_result *run_direct(const char *const *root_exts, trust_origin origin)
{
	EVP_PKEY *rk = sv_key("EC", "P-256", 0), *lk = sv_key("EC", "P-256", 0);
	sv_spec rs = { .cn = "Legacy Root", .key = rk, .exts = root_exts };
	X509 *root = sv_cert(&rs);
	sv_spec ls = { .cn = "leaf.example.com", .key = lk, .issuer = root, .issuer_key = rk,
		       .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&ls);
	X509 *anchors[] = { root, NULL };
	X509 *chain[] = { leaf, NULL };
	trust_store *s = sv_store_as(anchors, origin, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
	return r;
}

static void assert_rejected_with(trust_result *r, const char *id, int cert)
{
	ck_assert_msg(!trust_result_trusted(r), "accepted; expected %s", id);
	ck_assert_msg(sv_finding(r, id, cert) != NULL, "no %s on certificate %d (reason %s)", id,
		      cert, trust_result_reason(r));
	ck_assert_int_eq(sv_finding(r, id, cert)->severity, TRUST_SEV_ERROR);
}

static void assert_trusted(trust_result *r)
{
	ck_assert_msg(trust_result_trusted(r), "rejected: %s at %d: %s", trust_result_reason(r),
		      trust_result_reason_cert(r), trust_result_reason_message(r));
}

START_TEST(test_validate__a_well_formed_chain_passes_and_lists_every_rule)
{
	pki k;
	pki_init(&k);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_trusted(r);
	const char *passes[] = { "rfc5280.validity", "rfc5280.algorithms", "rfc5280.fields",
				 "rfc5280.extensions", "rfc5280.basic-constraints" };
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		const trust_finding *f = sv_finding(r, passes[i], -1);
		ck_assert_msg(f != NULL, "no %s summary", passes[i]);
		ck_assert_int_eq(f->severity, TRUST_SEV_PASS);
	}
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_expired_leaf_is_rejected)
{
	pki k;
	pki_init(&k);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, NULL, -30, -1);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.validity.expired", 0);
	ck_assert_ptr_nonnull(sv_param(sv_finding(r, "rfc5280.validity.expired", 0), "not-after"));
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_expired_intermediate_is_rejected)
{
	pki k;
	pki_init(&k);
	X509_free(k.inter);
	k.inter = make_inter(&k, NULL, -30, -1, NULL);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, NULL, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.validity.expired", 1);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.validity.expired", 0));
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_expired_root_is_rejected)
{
	pki k;
	pki_init(&k);
	X509_free(k.root);
	k.root = make_root(k.root_key, -30, -1, NULL);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.validity.expired", 2);
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_not_yet_valid_leaf_is_rejected_separately)
{
	pki k;
	pki_init(&k);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, NULL, 2, 30);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.validity.not-yet-valid", 0);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.validity.expired", 0));
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__sha1_on_an_intermediate_is_rejected)
{
	pki k;
	pki_init(&k);
	X509_free(k.inter);
	k.inter = make_inter(&k, NULL, 0, 0, EVP_sha1());
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.signature.weak-digest", 1);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.signature.weak-digest", 1), "digest"),
			 "SHA1");
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__sha1_on_a_self_signed_anchor_is_accepted)
{
	pki k;
	pki_init(&k);
	X509_free(k.root);
	k.root = make_root(k.root_key, 0, 0, EVP_sha1());
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.signature.weak-digest", 2));
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_rsa_1024_leaf_is_rejected_under_tls_but_not_rfc5280)
{
	pki k;
	pki_init(&k);
	EVP_PKEY *small = sv_key("RSA", NULL, 1024);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, small, NULL, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	assert_rejected_with(r, "rfc5280.key.rsa-too-small", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.key.rsa-too-small", 0), "bits"), "1024");
	trust_result_free(r);
	r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.key.rsa-too-small", 0));
	assert_trusted(r);
	trust_result_free(r);
	EVP_PKEY_free(small);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_p192_leaf_key_is_rejected)
{
	pki k;
	pki_init(&k);
	EVP_PKEY *p192 = sv_key("EC", "prime192v1", 0);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, p192, NULL, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.key.forbidden-curve", 0);
	trust_result_free(r);
	EVP_PKEY_free(p192);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_ed25519_leaf_key_is_accepted)
{
	pki k;
	pki_init(&k);
	EVP_PKEY *ed = sv_key("ED25519", NULL, 0);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, ed, NULL, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_trusted(r);
	trust_result_free(r);
	EVP_PKEY_free(ed);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_intermediate_without_the_ca_bit_is_rejected)
{
	static sv_exts not_ca = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	pki k;
	pki_init(&k);
	X509_free(k.inter);
	k.inter = make_inter(&k, not_ca, 0, 0, NULL);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, NULL, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.basic-constraints.not-ca", 1);
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

/* root -> I1 (pathlen:0) -> I2 -> leaf: I2 exceeds I1's path length. */
START_TEST(test_validate__a_pathlen_violation_is_rejected)
{
	pki k;
	pki_init(&k);
	EVP_PKEY *k2 = sv_key("EC", "P-256", 0);
	sv_spec s2 = { .cn = "Test Sub-Intermediate", .key = k2, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = SV_CA_EXTS };
	X509 *i2 = sv_cert(&s2);
	sv_spec sl = { .cn = "leaf.example.com", .key = k.leaf_key, .issuer = i2,
		       .issuer_key = k2, .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&sl);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { leaf, i2, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	assert_rejected_with(r, "rfc5280.basic-constraints.path-length", 1);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(i2);
	EVP_PKEY_free(k2);
	pki_free(&k);
}
END_TEST

/* root -> I1 (pathlen:0) -> I1' (self-issued rollover key) -> leaf: I1' is not counted. */
START_TEST(test_validate__a_self_issued_intermediate_does_not_count_toward_pathlen)
{
	pki k;
	pki_init(&k);
	EVP_PKEY *k2 = sv_key("EC", "P-256", 0);
	sv_spec s2 = { .cn = "Test Intermediate", .key = k2, .issuer = k.inter,
		       .issuer_key = k.inter_key, .exts = SV_CA_EXTS };
	X509 *rollover = sv_cert(&s2);
	sv_spec sl = { .cn = "leaf.example.com", .key = k.leaf_key, .issuer = rollover,
		       .issuer_key = k2, .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&sl);
	X509 *anchors[] = { k.root, NULL };
	X509 *chain[] = { leaf, rollover, k.inter, NULL };
	trust_store *s = sv_store(anchors, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	assert_trusted(r);
	ck_assert_uint_eq(trust_result_path_length(r, (size_t)trust_result_chosen_path(r)), 4);
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(rollover);
	EVP_PKEY_free(k2);
	pki_free(&k);
}
END_TEST

static sv_exts LEGACY_ROOT_EXTS = {
	"basicConstraints", "CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	NULL,
};

START_TEST(test_validate__a_user_root_with_non_critical_basic_constraints_is_rejected)
{
	trust_result *r = run_direct(LEGACY_ROOT_EXTS, TRUST_ORIGIN_USER);
	assert_rejected_with(r, "rfc5280.basic-constraints.not-critical", 1);
	trust_result_free(r);
}
END_TEST

START_TEST(test_validate__a_grandfathered_system_root_only_warns)
{
	trust_result *r = run_direct(LEGACY_ROOT_EXTS, TRUST_ORIGIN_SYSTEM);
	assert_trusted(r);
	const trust_finding *f = sv_finding(r, "rfc5280.basic-constraints.not-critical", 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, TRUST_SEV_WARNING);
	trust_result_free(r);
}
END_TEST

START_TEST(test_validate__eku_on_an_intermediate_constrains_the_leaf)
{
	static sv_exts client_only = {
		"basicConstraints", "critical,CA:TRUE,pathlen:0",
		"keyUsage", "critical,keyCertSign,cRLSign",
		"extendedKeyUsage", "clientAuth",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	pki k;
	pki_init(&k);
	X509_free(k.inter);
	k.inter = make_inter(&k, client_only, 0, 0, NULL);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, NULL, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	assert_rejected_with(r, "rfc5280.eku.issuer-lacks-purpose", 1);
	ck_assert_str_eq(sv_finding(r, "rfc5280.eku.issuer-lacks-purpose", 1)->policy, "tls-server");
	ck_assert_ptr_null(sv_finding(r, "rfc5280.eku.missing-purpose", 0));
	trust_result_free(r);
	/* The same chain is fine for a client purpose's EKU rules... except the leaf's. */
	r = run(&k, TRUST_POLICY_TLS_CLIENT, 0, NULL);
	ck_assert_ptr_null(sv_finding(r, "rfc5280.eku.issuer-lacks-purpose", 1));
	ck_assert_ptr_nonnull(sv_finding(r, "rfc5280.eku.missing-purpose", 0));
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_leaf_without_eku_passes_unless_webpki_strict)
{
	static sv_exts no_eku = {
		"basicConstraints", "critical,CA:FALSE",
		"keyUsage", "critical,digitalSignature",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		NULL,
	};
	pki k;
	pki_init(&k);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, no_eku, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_TLS_SERVER, 0, NULL);
	ck_assert_ptr_nonnull(sv_finding(r, "rfc5280.eku", -1));
	ck_assert_int_eq(sv_finding(r, "rfc5280.eku", -1)->severity, TRUST_SEV_PASS);
	trust_result_free(r);
	r = run(&k, TRUST_POLICY_TLS_SERVER, TRUST_EVAL_WEBPKI_STRICT, NULL);
	assert_rejected_with(r, "webpki.eku.missing", 0);
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__an_unknown_critical_extension_is_rejected)
{
	static sv_exts odd = {
		"basicConstraints", "critical,CA:FALSE",
		"subjectKeyIdentifier", "hash",
		"authorityKeyIdentifier", "keyid:always",
		"1.3.6.1.4.1.55738.666.1", "critical,ASN1:NULL",
		NULL,
	};
	pki k;
	pki_init(&k);
	X509_free(k.leaf);
	k.leaf = make_leaf(&k, NULL, odd, 0, 0);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	assert_rejected_with(r, "rfc5280.extensions.unknown-critical", 0);
	ck_assert_str_eq(sv_param(sv_finding(r, "rfc5280.extensions.unknown-critical", 0), "oid"),
			 "1.3.6.1.4.1.55738.666.1");
	trust_result_free(r);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_revoked_leaf_is_rejected_with_its_reason)
{
	pki k;
	pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1 /* keyCompromise */,
				-1, 7);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, crl);
	assert_rejected_with(r, "revocation.revoked", 0);
	const trust_finding *f = sv_finding(r, "revocation.revoked", 0);
	ck_assert_str_eq(sv_param(f, "reason"), "keyCompromise");
	ck_assert_ptr_nonnull(sv_param(f, "serial"));
	ck_assert_ptr_nonnull(sv_param(f, "revoked-at"));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_crl_that_does_not_list_the_leaf_records_a_pass)
{
	pki k;
	pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf) + 1, 1, -1, 7);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, crl);
	assert_trusted(r);
	ck_assert_ptr_nonnull(sv_finding(r, "revocation.crl", -1));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_stale_crl_is_not_used_and_warns)
{
	pki k;
	pki_init(&k);
	char *crl = sv_crl_file(k.inter, k.inter_key, sv_serial(k.leaf), 1, -20, -10);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, crl);
	assert_trusted(r);
	const trust_finding *f = sv_finding(r, "revocation.crl-stale", 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, TRUST_SEV_WARNING);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	pki_free(&k);
}
END_TEST

START_TEST(test_validate__a_crl_signed_by_another_key_is_ignored)
{
	pki k;
	pki_init(&k);
	EVP_PKEY *other = sv_key("EC", "P-256", 0);
	char *crl = sv_crl_file(k.inter, other, sv_serial(k.leaf), 1, -1, 7);
	trust_result *r = run(&k, TRUST_POLICY_RFC5280, 0, crl);
	assert_trusted(r);
	ck_assert_ptr_null(sv_finding(r, "revocation.revoked", 0));
	trust_result_free(r);
	unlink(crl);
	free(crl);
	EVP_PKEY_free(other);
	pki_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("validate");
	TCase *t = tcase_create("validate");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_validate__a_well_formed_chain_passes_and_lists_every_rule);
	tcase_add_test(t, test_validate__an_expired_leaf_is_rejected);
	tcase_add_test(t, test_validate__an_expired_intermediate_is_rejected);
	tcase_add_test(t, test_validate__an_expired_root_is_rejected);
	tcase_add_test(t, test_validate__a_not_yet_valid_leaf_is_rejected_separately);
	tcase_add_test(t, test_validate__sha1_on_an_intermediate_is_rejected);
	tcase_add_test(t, test_validate__sha1_on_a_self_signed_anchor_is_accepted);
	tcase_add_test(t, test_validate__an_rsa_1024_leaf_is_rejected_under_tls_but_not_rfc5280);
	tcase_add_test(t, test_validate__a_p192_leaf_key_is_rejected);
	tcase_add_test(t, test_validate__an_ed25519_leaf_key_is_accepted);
	tcase_add_test(t, test_validate__an_intermediate_without_the_ca_bit_is_rejected);
	tcase_add_test(t, test_validate__a_pathlen_violation_is_rejected);
	tcase_add_test(t, test_validate__a_self_issued_intermediate_does_not_count_toward_pathlen);
	tcase_add_test(t, test_validate__a_user_root_with_non_critical_basic_constraints_is_rejected);
	tcase_add_test(t, test_validate__a_grandfathered_system_root_only_warns);
	tcase_add_test(t, test_validate__eku_on_an_intermediate_constrains_the_leaf);
	tcase_add_test(t, test_validate__a_leaf_without_eku_passes_unless_webpki_strict);
	tcase_add_test(t, test_validate__an_unknown_critical_extension_is_rejected);
	tcase_add_test(t, test_validate__a_revoked_leaf_is_rejected_with_its_reason);
	tcase_add_test(t, test_validate__a_crl_that_does_not_list_the_leaf_records_a_pass);
	tcase_add_test(t, test_validate__a_stale_crl_is_not_used_and_warns);
	tcase_add_test(t, test_validate__a_crl_signed_by_another_key_is_ignored);
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
