/*
 * Client identity selection: the acceptable-CA match anywhere along the
 * built chain (canonical DN), validity, EKU and signature schemes, the
 * tie-breaks, the per-identity reasons, an empty CA list, and the three
 * inputs (PEM files, certgen-style folders, PKCS#12).
 */
#include "support_pki.h"
#include "support_tmpdir.h"

#include <check.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static sv_exts CLIENT_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "clientAuth",
	NULL,
};
static sv_exts NO_EKU_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	NULL,
};

/* One CA hierarchy: root -> intermediate, both named after `tag`. */
typedef struct ca {
	EVP_PKEY *root_key, *inter_key;
	X509 *root, *inter;
} ca;

static void ca_init(ca *c, const char *tag)
{
	char rn[64], in[64];
	snprintf(rn, sizeof(rn), "Root %s", tag);
	snprintf(in, sizeof(in), "Issuing %s", tag);
	c->root_key = sv_key("EC", "P-256", 0);
	c->inter_key = sv_key("EC", "P-256", 0);
	sv_spec r = { .cn = rn, .key = c->root_key, .exts = SV_CA_EXTS };
	c->root = sv_cert(&r);
	sv_spec i = { .cn = in, .key = c->inter_key, .issuer = c->root, .issuer_key = c->root_key,
		      .exts = SV_INTER_EXTS };
	c->inter = sv_cert(&i);
}

static void ca_free(ca *c)
{
	X509_free(c->root);
	X509_free(c->inter);
	EVP_PKEY_free(c->root_key);
	EVP_PKEY_free(c->inter_key);
}

static char dir[] = "/tmp/trust-identity-XXXXXX";

static void setup(void)
{
	strcpy(dir, "/tmp/trust-identity-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	st_rmtree(dir);
}

static void write_cert(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_X509(f, x), 1);
	fclose(f);
}

static void write_key(const char *path, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

/*
 * Writes folder dir/sub/name/{cert,key,chain}.pem for a client under c's
 * intermediate valid `to` days, with `exts` (NULL: clientAuth) and `key` (NULL: new P-256).
 */
static void folder(const char *sub, const char *name, ca *c, long to, const char *const *exts,
		   EVP_PKEY *key)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	EVP_PKEY *k = key ? key : sv_key("EC", "P-256", 0);
	sv_spec s = { .cn = name, .key = k, .issuer = c->inter, .issuer_key = c->inter_key,
		      .from_days = to < 0 ? to - 30 : -1, .to_days = to,
		      .exts = exts ? exts : CLIENT_EXTS };
	X509 *leaf = sv_cert(&s);
	snprintf(p, sizeof(p), "%s/%s/%s/cert.pem", dir, sub, name);
	write_cert(p, leaf);
	snprintf(p, sizeof(p), "%s/%s/%s/key.pem", dir, sub, name);
	write_key(p, k);
	snprintf(p, sizeof(p), "%s/%s/%s/chain.pem", dir, sub, name);
	write_cert(p, c->inter);
	X509_free(leaf);
	if (!key)
		EVP_PKEY_free(k);
}

static trust_identity_set *load_dir(const char *sub)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	trust_identity_set *set = trust_identity_set_new();
	trust_error err = { 0 };
	ck_assert_msg(trust_identity_set_add_dir(set, p, &err) == TRUST_OK, "%s", err.message);
	return set;
}

static STACK_OF(X509_NAME) *names(X509 *a, X509 *b)
{
	STACK_OF(X509_NAME) *s = sk_X509_NAME_new_null();
	ck_assert_ptr_nonnull(s);
	if (a)
		sk_X509_NAME_push(s, X509_NAME_dup(X509_get_subject_name(a)));
	if (b)
		sk_X509_NAME_push(s, X509_NAME_dup(X509_get_subject_name(b)));
	return s;
}

/* Selection for a TLS version (0x0303, 0x0304; 0: the version-blind call). */
static trust_identity_choice *pick_tls(trust_identity_set *set, STACK_OF(X509_NAME) *ok,
				       const uint16_t *schemes, size_t n, int version)
{
	trust_identity_choice *c = NULL;
	trust_error err = { 0 };
	int rc = version ? trust_identity_select_tls(&c, set, ok, schemes, n, version, 0, &err)
			 : trust_identity_select(&c, set, ok, schemes, n, 0, &err);
	ck_assert_msg(rc == TRUST_OK, "%s", err.message);
	ck_assert_uint_eq(trust_identity_choice_count(c), trust_identity_set_count(set));
	return c;
}

static trust_identity_choice *pick(trust_identity_set *set, STACK_OF(X509_NAME) *ok,
				   const uint16_t *schemes, size_t n)
{
	return pick_tls(set, ok, schemes, n, 0);
}

/* Index of the identity labelled `label`. */
static size_t idx(trust_identity_set *set, const char *label)
{
	for (size_t i = 0; i < trust_identity_set_count(set); i++)
		if (strcmp(trust_identity_label(set, i), label) == 0)
			return i;
	ck_abort_msg("no identity %s", label);
	return 0;
}

static void assert_reason(trust_identity_choice *c, size_t i, const char *id, const char *part)
{
	ck_assert_str_eq(trust_identity_choice_reason(c, i), id);
	if (part)
		ck_assert_msg(strstr(trust_identity_choice_message(c, i), part),
			      "'%s' lacks '%s'", trust_identity_choice_message(c, i), part);
}

START_TEST(test_identity__the_acceptable_name_may_be_an_intermediate_issuer)
{
	ca a, b, z;
	ca_init(&a, "A");
	ca_init(&b, "B");
	ca_init(&z, "Z");
	folder("ids", "alice", &a, 365, NULL, NULL);
	folder("ids", "bob", &b, 365, NULL, NULL);
	trust_identity_set *set = load_dir("ids");
	ck_assert_uint_eq(trust_identity_set_count(set), 2);
	/* The chain was built from chain.pem: the intermediate follows the leaf. */
	ck_assert_int_eq(sk_X509_num(trust_identity_chain(set, idx(set, "bob"))), 1);

	/* Root B names no leaf's issuer, only bob's intermediate's. */
	STACK_OF(X509_NAME) *ok = names(b.root, NULL);
	trust_identity_choice *c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), (int)idx(set, "bob"));
	assert_reason(c, idx(set, "bob"), "identity.ok", "CN=Root B");
	assert_reason(c, idx(set, "alice"), "identity.ca-not-accepted", "CN=Root A");
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);

	/* The leaf's own issuer works too. */
	ok = names(a.inter, NULL);
	c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), (int)idx(set, "alice"));
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);

	/* A CA nobody holds: none, and each one says why. */
	ok = names(z.root, z.inter);
	c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), -1);
	assert_reason(c, 0, "identity.ca-not-accepted", NULL);
	assert_reason(c, 1, "identity.ca-not-accepted", NULL);
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);

	trust_identity_set_free(set);
	ca_free(&a);
	ca_free(&b);
	ca_free(&z);
}
END_TEST

START_TEST(test_identity__names_compare_canonically)
{
	ca a;
	ca_init(&a, "A");
	folder("ids", "alice", &a, 365, NULL, NULL);
	trust_identity_set *set = load_dir("ids");
	/* Other case, extra spaces, another string type: the same DN under RFC 5280 §7.1. */
	STACK_OF(X509_NAME) *ok = sk_X509_NAME_new_null();
	X509_NAME *n = X509_NAME_new();
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
						    (const unsigned char *)"  root   a ", -1, -1, 0), 1);
	sk_X509_NAME_push(ok, n);
	trust_identity_choice *c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);

	ok = sk_X509_NAME_new_null();
	n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Root AA", -1, -1, 0);
	sk_X509_NAME_push(ok, n);
	c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), -1);
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);
	trust_identity_set_free(set);
	ca_free(&a);
}
END_TEST

START_TEST(test_identity__an_empty_list_accepts_any_ca)
{
	ca a;
	ca_init(&a, "A");
	folder("ids", "alice", &a, 365, NULL, NULL);
	trust_identity_set *set = load_dir("ids");
	trust_identity_choice *c = pick(set, NULL, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	assert_reason(c, 0, "identity.ok", "any CA");
	trust_identity_choice_free(c);
	STACK_OF(X509_NAME) *empty = sk_X509_NAME_new_null();
	c = pick(set, empty, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	trust_identity_choice_free(c);
	sk_X509_NAME_free(empty);
	trust_identity_set_free(set);
	ca_free(&a);
}
END_TEST

START_TEST(test_identity__unfit_identities_say_why)
{
	ca a;
	ca_init(&a, "A");
	sv_exts server_only = {
		"basicConstraints", "critical,CA:FALSE",
		"extendedKeyUsage", "serverAuth",
		NULL,
	};
	folder("ids", "expired", &a, -2, NULL, NULL);
	folder("ids", "server", &a, 365, server_only, NULL);
	folder("ids", "noeku", &a, 365, NO_EKU_EXTS, NULL);
	/* The intermediate's own folder, as certgen keeps it: a CA, not a client. */
	char p[512];
	snprintf(p, sizeof(p), "%s/ids/issuing", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/ids/issuing/cert.pem", dir);
	write_cert(p, a.inter);
	snprintf(p, sizeof(p), "%s/ids/issuing/key.pem", dir);
	write_key(p, a.inter_key);
	trust_identity_set *set = load_dir("ids");
	STACK_OF(X509_NAME) *ok = names(a.root, NULL);
	trust_identity_choice *c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), (int)idx(set, "noeku"));
	assert_reason(c, idx(set, "issuing"), "identity.not-end-entity", "CN=Issuing A");
	assert_reason(c, idx(set, "expired"), "identity.expired", "CN=expired");
	assert_reason(c, idx(set, "server"), "identity.eku", "clientAuth");
	trust_identity_choice_free(c);

	/* P-256 keys make ecdsa_secp256r1_sha256 (0x0403), not P-384 or Ed25519 ones. */
	const uint16_t p256[] = { 0x0807, 0x0403 }, other[] = { 0x0503, 0x0807, 0x0804 };
	c = pick(set, ok, p256, 2);
	ck_assert_int_eq(trust_identity_choice_index(c), (int)idx(set, "noeku"));
	trust_identity_choice_free(c);
	c = pick(set, ok, other, 3);
	ck_assert_int_eq(trust_identity_choice_index(c), -1);
	assert_reason(c, idx(set, "noeku"), "identity.sigalg", "EC");
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);
	trust_identity_set_free(set);
	ca_free(&a);
}
END_TEST

/* In TLS 1.2 ecdsa_secp256r1_sha256 (0x0403) only names SHA-256: a P-384 key
 * can make it; TLS 1.3 (and a caller that does not say) ties it to P-256. */
START_TEST(test_identity__tls12_ecdsa_schemes_take_any_named_curve)
{
	ca a;
	ca_init(&a, "A");
	EVP_PKEY *p384 = sv_key("EC", "P-384", 0);
	EVP_PKEY *brainpool = sv_key("EC", "brainpoolP256r1", 0);
	EVP_PKEY *ed = sv_key("ED25519", NULL, 0);
	folder("p384", "p384", &a, 365, NULL, p384);
	folder("others", "brainpool", &a, 365, NULL, brainpool);
	folder("others", "ed25519", &a, 365, NULL, ed);
	trust_identity_set *set = load_dir("p384");
	const uint16_t sha256[] = { 0x0403 }, sha384[] = { 0x0503 };

	trust_identity_choice *c = pick_tls(set, NULL, sha256, 1, 0x0303);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	assert_reason(c, 0, "identity.ok", NULL);
	trust_identity_choice_free(c);
	const int strict[] = { 0x0304, 0 };
	for (size_t i = 0; i < 2; i++) {
		c = pick_tls(set, NULL, sha256, 1, strict[i]);
		ck_assert_int_eq(trust_identity_choice_index(c), -1);
		assert_reason(c, 0, "identity.sigalg", "EC");
		trust_identity_choice_free(c);
	}
	/* Its own curve's scheme fits under both. */
	c = pick_tls(set, NULL, sha384, 1, 0x0304);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	trust_identity_choice_free(c);
	trust_identity_set_free(set);

	/* No named curve of TLS 1.2 (brainpool) and no EC key (Ed25519): still refused. */
	set = load_dir("others");
	c = pick_tls(set, NULL, sha256, 1, 0x0303);
	ck_assert_int_eq(trust_identity_choice_index(c), -1);
	assert_reason(c, idx(set, "brainpool"), "identity.sigalg", "EC");
	assert_reason(c, idx(set, "ed25519"), "identity.sigalg", "ED25519");
	trust_identity_choice_free(c);
	trust_identity_set_free(set);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(brainpool);
	EVP_PKEY_free(ed);
	ca_free(&a);
}
END_TEST

START_TEST(test_identity__ties_break_by_entry_then_remaining_validity)
{
	ca a;
	ca_init(&a, "A");
	/* Within one folder set, the longest remaining validity wins whatever the name order. */
	folder("one", "a-short", &a, 30, NULL, NULL);
	folder("one", "b-long", &a, 300, NULL, NULL);
	folder("one", "c-mid", &a, 100, NULL, NULL);
	trust_identity_set *set = load_dir("one");
	STACK_OF(X509_NAME) *ok = names(a.root, NULL);
	trust_identity_choice *c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), (int)idx(set, "b-long"));
	assert_reason(c, idx(set, "a-short"), "identity.outranked", "b-long");
	assert_reason(c, idx(set, "c-mid"), "identity.outranked", "b-long");
	trust_identity_choice_free(c);
	trust_identity_set_free(set);

	/* Separate entries: the one configured first wins even with less validity left. */
	set = trust_identity_set_new();
	trust_error err = { 0 };
	char cert[512], key[512], chain[512];
	const char *order[] = { "a-short", "b-long" };
	for (int i = 0; i < 2; i++) {
		snprintf(cert, sizeof(cert), "%s/one/%s/cert.pem", dir, order[i]);
		snprintf(key, sizeof(key), "%s/one/%s/key.pem", dir, order[i]);
		snprintf(chain, sizeof(chain), "%s/one/%s/chain.pem", dir, order[i]);
		ck_assert_msg(trust_identity_set_add_pem(set, order[i], cert, key, chain, &err) ==
				      TRUST_OK, "%s", err.message);
	}
	c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	ck_assert_str_eq(trust_identity_label(set, 0), "a-short");
	trust_identity_choice_free(c);
	trust_identity_set_free(set);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);
	ca_free(&a);
}
END_TEST

START_TEST(test_identity__pkcs12_input_carries_its_chain)
{
	ca a;
	ca_init(&a, "A");
	EVP_PKEY *k = sv_key("EC", "P-256", 0);
	sv_spec s = { .cn = "p12client", .key = k, .issuer = a.inter, .issuer_key = a.inter_key,
		      .exts = CLIENT_EXTS };
	X509 *leaf = sv_cert(&s);
	STACK_OF(X509) *cas = sk_X509_new_null();
	sk_X509_push(cas, a.inter);
	PKCS12 *p12 = PKCS12_create("s3cret", "p12client", k, leaf, cas, 0, 0, 0, 0, 0);
	ck_assert_ptr_nonnull(p12);
	char path[512];
	snprintf(path, sizeof(path), "%s/client.p12", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(i2d_PKCS12_fp(f, p12), 1);
	fclose(f);
	PKCS12_free(p12);
	sk_X509_free(cas);

	trust_identity_set *set = trust_identity_set_new();
	trust_error err = { 0 };
	ck_assert_int_eq(trust_identity_set_add_pkcs12(set, NULL, path, "wrong", &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "client.p12"));
	ck_assert_msg(trust_identity_set_add_pkcs12(set, "p12", path, "s3cret", &err) == TRUST_OK,
		      "%s", err.message);
	ck_assert_uint_eq(trust_identity_set_count(set), 1);
	ck_assert_int_eq(X509_cmp(trust_identity_cert(set, 0), leaf), 0);
	ck_assert_int_eq(EVP_PKEY_eq(trust_identity_key(set, 0), k), 1);
	STACK_OF(X509_NAME) *ok = names(a.root, NULL);
	trust_identity_choice *c = pick(set, ok, NULL, 0);
	ck_assert_int_eq(trust_identity_choice_index(c), 0);
	assert_reason(c, 0, "identity.ok", "CN=Root A");
	trust_identity_choice_free(c);
	sk_X509_NAME_pop_free(ok, X509_NAME_free);
	trust_identity_set_free(set);
	X509_free(leaf);
	EVP_PKEY_free(k);
	ca_free(&a);
}
END_TEST

START_TEST(test_identity__bad_input_is_refused_with_its_name)
{
	ca a;
	ca_init(&a, "A");
	folder("ids", "alice", &a, 365, NULL, NULL);
	char p[512];
	trust_error err = { 0 };
	trust_identity_set *set = trust_identity_set_new();

	/* A key that is not the certificate's. */
	EVP_PKEY *other = sv_key("EC", "P-256", 0);
	snprintf(p, sizeof(p), "%s/other.key", dir);
	write_key(p, other);
	char cert[512];
	snprintf(cert, sizeof(cert), "%s/ids/alice/cert.pem", dir);
	ck_assert_int_eq(trust_identity_set_add_pem(set, "mixed", cert, p, NULL, &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "mixed"));
	ck_assert_ptr_nonnull(strstr(err.message, "does not match"));

	/* A folder without key.pem. */
	snprintf(p, sizeof(p), "%s/ids/alice/key.pem", dir);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/ids", dir);
	ck_assert_int_eq(trust_identity_set_add_dir(set, p, &err), TRUST_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.message, "alice"));
	ck_assert_uint_eq(trust_identity_set_count(set), 0);
	trust_identity_set_free(set);
	EVP_PKEY_free(other);
	ca_free(&a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("identity");
	TCase *t = tcase_create("identity");
	tcase_set_timeout(t, 60);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_identity__the_acceptable_name_may_be_an_intermediate_issuer);
	tcase_add_test(t, test_identity__names_compare_canonically);
	tcase_add_test(t, test_identity__an_empty_list_accepts_any_ca);
	tcase_add_test(t, test_identity__unfit_identities_say_why);
	tcase_add_test(t, test_identity__tls12_ecdsa_schemes_take_any_named_curve);
	tcase_add_test(t, test_identity__ties_break_by_entry_then_remaining_validity);
	tcase_add_test(t, test_identity__pkcs12_input_carries_its_chain);
	tcase_add_test(t, test_identity__bad_input_is_refused_with_its_name);
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
