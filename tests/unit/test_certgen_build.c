/* certgen's issuing commands, called in-process on a temporary state directory. */
#include "../../certgen/certgen.h"
#include "support_tmpdir.h"
#include <trust.h>

#include <check.h>
#include <openssl/bn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[256];
static cg_opts opts;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/certgen-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	opts = (cg_opts){ .dir = dir, .quiet = true };
}

static void teardown(void)
{
	st_rmtree(dir);
}

/* Runs a command with a NULL-terminated argument list. */
#define RUN(fn, ...) run(fn, (const char *[]){ __VA_ARGS__, NULL })
static int run(int (*fn)(const cg_opts *, int, char **), const char **args)
{
	int argc = 0;
	while (args[argc])
		argc++;
	return fn(&opts, argc, (char **)args);
}

static X509 *load(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return cg_cert_load(p);
}

static bool exists(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return cg_exists(p);
}

START_TEST(test_certgen_build__root_has_the_ca_profile_and_no_eku)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	X509 *x = load("ca.pem");
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_check_ca(x), 1);
	int crit = -1;
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	ck_assert(bc && bc->ca);
	ck_assert_int_eq(crit, 1);
	BASIC_CONSTRAINTS_free(bc);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	ck_assert_int_eq(X509_get_ext_by_NID(x, NID_ext_key_usage, -1), -1);
	ck_assert_ptr_nonnull(X509_get0_subject_key_id(x));
	ck_assert_int_eq(EVP_PKEY_get_base_id(X509_get0_pubkey(x)), EVP_PKEY_EC);
	/* Ten years, give or take the backdate. */
	int days = 0, secs = 0;
	ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x));
	ck_assert_int_eq(days, CG_DAYS_ROOT);
	X509_free(x);
	struct stat sb;
	char p[512];
	snprintf(p, sizeof p, "%s/ca-key.pem", dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_certgen_build__leaf_names_are_typed_and_its_serial_is_positive_128_bit)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "localhost", "127.0.0.1", "::1", "ops@example.com",
			     "https://example.com/x", "bücher.example"), CG_OK);
	X509 *x = load("localhost/cert.pem");
	ck_assert_ptr_nonnull(x);
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	ck_assert_int_eq(sk_GENERAL_NAME_num(gens), 6);
	int want[] = { GEN_DNS, GEN_IPADD, GEN_IPADD, GEN_EMAIL, GEN_URI, GEN_DNS };
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(sk_GENERAL_NAME_value(gens, i)->type, want[i]);
	ck_assert_int_eq(sk_GENERAL_NAME_value(gens, 2)->d.iPAddress->length, 16);
	ck_assert_str_eq((const char *)ASN1_STRING_get0_data(sk_GENERAL_NAME_value(gens, 5)->d.ia5),
			 "xn--bcher-kva.example");
	GENERAL_NAMES_free(gens);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	ck_assert(!BN_is_negative(bn) && !BN_is_zero(bn));
	ck_assert_int_le(BN_num_bits(bn), 127);
	ck_assert_int_ge(BN_num_bits(bn), 100); /* fails once in 2^27 runs */
	BN_free(bn);
	ck_assert_uint_eq(X509_get_extended_key_usage(x), XKU_SSL_SERVER);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE);
	ck_assert_ptr_nonnull(X509_get0_authority_key_id(x));
	int days = 0, secs = 0;
	ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x));
	ck_assert_int_lt(days, CG_LIMIT_CHROMIUM);
	X509_free(x);
}
END_TEST

START_TEST(test_certgen_build__rsa_leaf_adds_key_encipherment_and_client_adds_client_auth)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "rsa.example", "--key", "rsa2048", "--client"), CG_OK);
	X509 *x = load("rsa.example/cert.pem");
	ck_assert_uint_eq(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	ck_assert_uint_eq(X509_get_extended_key_usage(x), XKU_SSL_SERVER | XKU_SSL_CLIENT);
	X509_free(x);
	ck_assert_int_eq(RUN(cmd_client, "client", "alice", "--email", "alice@example.com"), CG_OK);
	x = load("alice/cert.pem");
	ck_assert_uint_eq(X509_get_extended_key_usage(x), XKU_SSL_CLIENT);
	X509_free(x);
}
END_TEST

START_TEST(test_certgen_build__intermediate_chain_files_exclude_the_root)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_intermediate, "intermediate", "issuing", "--pathlen", "0"), CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "www.example", "--issuer", "issuing"), CG_OK);
	char p[512];
	snprintf(p, sizeof p, "%s/www.example/chain.pem", dir);
	STACK_OF(X509) *chain = cg_certs_load(p);
	snprintf(p, sizeof p, "%s/www.example/fullchain.pem", dir);
	STACK_OF(X509) *full = cg_certs_load(p);
	X509 *inter = load("issuing/cert.pem");
	ck_assert_int_eq(sk_X509_num(chain), 1);
	ck_assert_int_eq(sk_X509_num(full), 2);
	ck_assert_int_eq(X509_cmp(sk_X509_value(chain, 0), inter), 0);
	ck_assert_int_eq(X509_get_pathlen(inter), 0);
	/* pathlen 0 forbids a CA below it: refused before anything is written. */
	ck_assert_int_eq(RUN(cmd_intermediate, "intermediate", "sub", "--issuer", "issuing"), CG_REFUSED);
	ck_assert(!exists("sub"));
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(full, X509_free);
	X509_free(inter);
}
END_TEST

START_TEST(test_certgen_build__a_leaf_libtrust_rejects_is_refused_and_nothing_is_written)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_intermediate, "intermediate", "corp", "--permit-dns", "corp.example"),
			 CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "www.corp.example", "--issuer", "corp"), CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "www.other.example", "--issuer", "corp"), CG_REFUSED);
	ck_assert(!exists("www.other.example/key.pem"));
	ck_assert(!exists("www.other.example/cert.pem"));
	/* --force writes it anyway, for tests that want the broken chain. */
	opts.force = true;
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "www.other.example", "--issuer", "corp"), CG_OK);
	ck_assert(exists("www.other.example/cert.pem"));
}
END_TEST

START_TEST(test_certgen_build__existing_names_are_not_overwritten_without_force)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_REFUSED);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "localhost"), CG_OK);
	X509 *before = load("localhost/cert.pem");
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "localhost"), CG_REFUSED);
	X509 *after = load("localhost/cert.pem");
	ck_assert_int_eq(X509_cmp(before, after), 0);
	X509_free(before);
	X509_free(after);
}
END_TEST

START_TEST(test_certgen_build__bad_input_is_a_usage_error)
{
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "localhost"), CG_USAGE); /* no root yet */
	ck_assert_int_eq(RUN(cmd_ca, "ca", "--key", "dsa1024"), CG_USAGE);
	ck_assert_int_eq(RUN(cmd_ca, "ca", "--days", "ten"), CG_USAGE);
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "bad host"), CG_USAGE);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "a.*.example"), CG_USAGE);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "x.example", "--issuer", "nope"), CG_USAGE);
	ck_assert_int_eq(RUN(cmd_intermediate, "intermediate", "x", "--permit-ip", "10.0.0.0"), CG_USAGE);
	ck_assert_int_eq(RUN(cmd_revoke, "revoke", "nothing-here"), CG_USAGE);
}
END_TEST

START_TEST(test_certgen_build__revocation_reaches_the_crl_and_libtrust_rejects_the_leaf)
{
	ck_assert_int_eq(RUN(cmd_ca, "ca"), CG_OK);
	ck_assert_int_eq(RUN(cmd_leaf, "leaf", "gone.example"), CG_OK);
	ck_assert_int_eq(RUN(cmd_revoke, "revoke", "gone.example", "--reason", "keyCompromise"), CG_OK);
	ck_assert_int_eq(RUN(cmd_revoke, "revoke", "gone.example"), CG_REFUSED);
	ck_assert_int_eq(RUN(cmd_crl, "crl"), CG_OK);
	char p[512];
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	snprintf(p, sizeof p, "%s/ca.pem", dir);
	ck_assert_int_eq(trust_store_builder_add_anchors(b, p, TRUST_ORIGIN_USER, &err), 0);
	snprintf(p, sizeof p, "%s/crl.pem", dir);
	ck_assert_int_eq(trust_store_builder_add_crl(b, p, &err), 0);
	trust_store *s = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), 0);
	trust_chain *c = trust_chain_new();
	snprintf(p, sizeof p, "%s/gone.example/fullchain.pem", dir);
	ck_assert_int_eq(trust_chain_add_file(c, p, &err), 0);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = "gone.example";
	trust_result *r = NULL;
	ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &o, &err), 0);
	ck_assert_int_eq(trust_result_trusted(r), 0);
	ck_assert_str_eq(trust_result_reason(r), "revocation.revoked");
	trust_result_free(r);
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

/* make fixtures runs certgen too: its chain must hold up in libtrust with names and EKU. */
START_TEST(test_certgen_fixtures__certgen_made_chain_is_trusted_for_each_of_its_names)
{
	const char *fx = getenv("TRUST_FIXTURES");
	char anchors[600], chain[600];
	snprintf(anchors, sizeof anchors, "%s/certgen/pki/ca.pem", fx ? fx : "build/fixtures");
	snprintf(chain, sizeof chain, "%s/certgen/pki/localhost/fullchain.pem", fx ? fx : "build/fixtures");
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_msg(trust_store_builder_add_anchors(b, anchors, TRUST_ORIGIN_USER, &err) == 0, "%s",
		      err.message);
	trust_store *s = NULL;
	ck_assert_int_eq(trust_store_builder_finish(&s, b, &err), 0);
	trust_chain *c = trust_chain_new();
	ck_assert_int_eq(trust_chain_add_file(c, chain, &err), 0);
	ck_assert_uint_eq(trust_chain_count(c), 2);
	const char *hosts[] = { "localhost", NULL, NULL, "other.example" };
	const char *ips[] = { NULL, "127.0.0.1", "::1", NULL };
	for (int i = 0; i < 4; i++) {
		trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
		o.host = hosts[i];
		o.ip = ips[i];
		trust_result *r = NULL;
		ck_assert_int_eq(trust_evaluate(&r, s, NULL, c, &o, &err), 0);
		ck_assert_int_eq(trust_result_trusted(r), i < 3);
		trust_result_free(r);
	}
	trust_chain_free(c);
	trust_store_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("certgen_build");
	TCase *tc = tcase_create("build");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_certgen_build__root_has_the_ca_profile_and_no_eku);
	tcase_add_test(tc, test_certgen_build__leaf_names_are_typed_and_its_serial_is_positive_128_bit);
	tcase_add_test(tc, test_certgen_build__rsa_leaf_adds_key_encipherment_and_client_adds_client_auth);
	tcase_add_test(tc, test_certgen_build__intermediate_chain_files_exclude_the_root);
	tcase_add_test(tc, test_certgen_build__a_leaf_libtrust_rejects_is_refused_and_nothing_is_written);
	tcase_add_test(tc, test_certgen_build__existing_names_are_not_overwritten_without_force);
	tcase_add_test(tc, test_certgen_build__bad_input_is_a_usage_error);
	tcase_add_test(tc, test_certgen_build__revocation_reaches_the_crl_and_libtrust_rejects_the_leaf);
	tcase_add_test(tc, test_certgen_fixtures__certgen_made_chain_is_trusted_for_each_of_its_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
