/*
 * Allocation-failure sweep of trust_evaluate and the report renderers
 * (tests/fault/fault.h): for seven rejected chains and one good chain, fail the
 * 1st, 2nd, ... allocation in turn until a run completes with nothing
 * injected.  A bad chain must never come back trusted; every rejected path
 * must carry an error finding; and nothing may crash or leak (the test runs
 * under ASan in `make asan`).  A second sweep fails allocations while the
 * store is built with its CRL.  TRUST_FAULT_STRIDE=k tries every kth point only;
 * TRUST_FAULT_CASE=name sweeps one case.
 */
#include "../../certgen/certgen.h"
#include "../fault/fault.h"
#include "support_ct.h"
#include "support_pki.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fc_case {
	const char *name;
	X509 *leaf, *inter, *top; /* top: optional third certificate sent */
	const char *host;
	bool good;
	const char *reason; /* expected headline reason with no failure injected */
	bool ct;            /* under apple, with the CT log list and TLS SCTs, system anchor */
} fc_case;

typedef struct fc_world {
	sv_pki k;
	EVP_PKEY *other_key, *nc_key;
	X509 *other_root, *other_inter, *nc_inter;
	X509 *expired, *revoked, *untrusted, *nc_leaf, *badsig;
	char *crl;
	trust_store *store;
	/* The CT case: one valid TLS SCT of the two Apple's policy needs. */
	EVP_PKEY *logs[2];
	trust_ct_logs *ct_logs;
	trust_policy *apple;
	trust_store *system_store;
	unsigned char *scts;
	size_t scts_len;
	trust_connection conn;
	fc_case cases[9];
	size_t ncases;
} fc_world;

static sv_exts NC_INTER_EXTS = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"nameConstraints", "critical,permitted;DNS:allowed.example",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

static sv_exts EVIL_LEAF_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "serverAuth",
	"subjectAltName", "DNS:evil.example",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

/* x with one bit of its signature flipped. */
static X509 *corrupt_signature(X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	ck_assert_int_gt(len, 10);
	der[len - 5] ^= 0x01;
	const unsigned char *q = der;
	X509 *bad = d2i_X509(NULL, &q, len);
	OPENSSL_free(der);
	ck_assert_ptr_nonnull(bad);
	return bad;
}

static void add_case(fc_world *w, const char *name, X509 *leaf, X509 *inter, X509 *top,
		     const char *host, bool good, const char *reason)
{
	w->cases[w->ncases++] = (fc_case){ name, leaf, inter, top, host, good, reason, false };
}

static void world_init(fc_world *w)
{
	memset(w, 0, sizeof(*w));
	sv_pki *k = &w->k;
	sv_pki_init(k);
	w->expired = sv_make_leaf(k, NULL, NULL, -400, -10);
	w->revoked = sv_make_leaf(k, NULL, NULL, 0, 0);
	w->badsig = corrupt_signature(k->leaf);

	w->other_key = sv_key("EC", "P-256", 0);
	sv_spec orr = { .cn = "Other Root", .key = w->other_key, .exts = SV_CA_EXTS };
	w->other_root = sv_cert(&orr);
	sv_spec oi = { .cn = "Other Intermediate", .key = k->inter_key, .issuer = w->other_root,
		       .issuer_key = w->other_key, .exts = SV_INTER_EXTS };
	w->other_inter = sv_cert(&oi);
	sv_spec ul = { .cn = "leaf.example.com", .key = k->leaf_key, .issuer = w->other_inter,
		       .issuer_key = k->inter_key, .exts = SV_LEAF_EXTS };
	w->untrusted = sv_cert(&ul);

	w->nc_key = sv_key("EC", "P-256", 0);
	sv_spec ni = { .cn = "Constrained Intermediate", .key = w->nc_key, .issuer = k->root,
		       .issuer_key = k->root_key, .exts = NC_INTER_EXTS };
	w->nc_inter = sv_cert(&ni);
	sv_spec nl = { .cn = "evil.example", .key = k->leaf_key, .issuer = w->nc_inter,
		       .issuer_key = w->nc_key, .exts = EVIL_LEAF_EXTS };
	w->nc_leaf = sv_cert(&nl);

	w->crl = sv_crl_file(k->inter, k->inter_key, sv_serial(w->revoked), 1, -1, 7);
	X509 *anchors[] = { k->root, NULL };
	w->store = sv_store(anchors, NULL, w->crl);

	add_case(w, "good", k->leaf, k->inter, NULL, "leaf.example.com", true, "ok");
	add_case(w, "expired", w->expired, k->inter, NULL, "leaf.example.com", false,
		 "rfc5280.validity.expired");
	add_case(w, "wrong-host", k->leaf, k->inter, NULL, "other.example.net", false, NULL);
	add_case(w, "untrusted-root", w->untrusted, w->other_inter, w->other_root,
		 "leaf.example.com", false, "path.untrusted-root");
	add_case(w, "name-constraints", w->nc_leaf, w->nc_inter, NULL, "evil.example", false, NULL);
	add_case(w, "revoked", w->revoked, k->inter, NULL, "leaf.example.com", false,
		 "revocation.revoked");
	add_case(w, "bad-signature", w->badsig, k->inter, NULL, "leaf.example.com", false, NULL);

	for (size_t i = 0; i < 2; i++)
		w->logs[i] = sv_key("EC", "P-256", 0);
	w->ct_logs = sv_ct_logs(w->logs, 2, NULL, false, false);
	ck_assert_int_eq(cg_ct_tls_list(k->leaf, w->logs, 1, &w->scts, &w->scts_len), CG_OK);
	w->conn = (trust_connection){ .version = TRUST_CONNECTION_VERSION, .tls_version = 0x0304,
				      .forward_secret = 1, .sent_in_order = -1,
				      .scts = w->scts, .scts_len = w->scts_len };
	const char *top = getenv("TRUST_TOP");
	char path[4096];
	trust_error err = { 0 };
	snprintf(path, sizeof path, "%s/policies/apple.json", top ? top : ".");
	ck_assert_msg(trust_policy_load_file(&w->apple, path, &err) == TRUST_OK, "%s", err.message);
	w->system_store = sv_store_as(anchors, TRUST_ORIGIN_SYSTEM, NULL, NULL);
	add_case(w, "ct-too-few", k->leaf, k->inter, NULL, "leaf.example.com", false,
		 "apple.ct-required");
	w->cases[w->ncases - 1].ct = true;
}

static void world_free(fc_world *w)
{
	trust_store_free(w->store);
	trust_store_free(w->system_store);
	trust_policy_free(w->apple);
	trust_ct_logs_free(w->ct_logs);
	OPENSSL_free(w->scts);
	for (size_t i = 0; i < 2; i++)
		EVP_PKEY_free(w->logs[i]);
	unlink(w->crl);
	free(w->crl);
	X509 *certs[] = { w->other_root, w->other_inter, w->nc_inter, w->expired, w->revoked,
			  w->untrusted, w->nc_leaf, w->badsig };
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
		X509_free(certs[i]);
	EVP_PKEY_free(w->other_key);
	EVP_PKEY_free(w->nc_key);
	sv_pki_free(&w->k);
}

/* BoringSSL's invariant: a path that was not accepted says why. */
static void assert_rejections_explained(const trust_result *r, const char *name, unsigned long n)
{
	for (size_t p = 0; p < trust_result_path_count(r); p++) {
		if (trust_result_path_accepted(r, p))
			continue;
		bool has_error = false;
		for (size_t i = 0; i < trust_result_finding_count(r, p); i++)
			has_error |= trust_result_finding(r, p, i)->severity == TRUST_SEV_ERROR;
		ck_assert_msg(has_error, "%s, failure %lu: path %zu rejected without an error finding",
			      name, n, p);
	}
}

typedef struct fc_outcome {
	int rc;
	bool trusted;
	char reason[96];
} fc_outcome;

/* One evaluation plus JSON and CBOR reports, with allocation n failing (0: none). */
static fc_outcome run_once(const fc_world *w, const fc_case *c, unsigned long n)
{
	fc_outcome o = { 0 };
	trust_chain *chain = trust_chain_new();
	ck_assert_ptr_nonnull(chain);
	trust_error err = { 0 };
	ck_assert(trust_chain_add_x509(chain, c->leaf, &err) == TRUST_OK);
	ck_assert(trust_chain_add_x509(chain, c->inter, &err) == TRUST_OK);
	if (c->top)
		ck_assert(trust_chain_add_x509(chain, c->top, &err) == TRUST_OK);
	trust_eval_options opts = TRUST_EVAL_OPTIONS_INIT;
	opts.host = c->host;
	if (c->ct) {
		opts.overlay = w->apple;
		opts.ct_logs = w->ct_logs;
		opts.connection = &w->conn;
	}

	fault_arm(n);
	trust_sigcache *cache = trust_sigcache_new(64);
	trust_result *r = NULL;
	o.rc = trust_evaluate(&r, c->ct ? w->system_store : w->store, cache, chain, &opts, &err);
	char *json = NULL;
	unsigned char *cbor = NULL;
	size_t cbor_len = 0;
	int jrc = r ? trust_report_json(&json, r, TRUST_REPORT_EXPLAIN) : -1;
	int crc = r ? trust_report_cbor(&cbor, &cbor_len, r, TRUST_REPORT_EXPLAIN) : -1;
	fault_disarm();

	ck_assert_msg(o.rc == TRUST_OK || o.rc == TRUST_ENOMEM,
		      "%s, failure %lu: unexpected code %d (%s)", c->name, n, o.rc, err.message);
	ck_assert_msg((o.rc == TRUST_OK) == (r != NULL), "%s, failure %lu: result and code disagree",
		      c->name, n);
	if (r) {
		o.trusted = trust_result_trusted(r);
		if (o.trusted && !c->good) /* say what went wrong before the test fails */
			trust_report_text(stderr, r, TRUST_REPORT_EXPLAIN);
		snprintf(o.reason, sizeof(o.reason), "%s", trust_result_reason(r));
		assert_rejections_explained(r, c->name, n);
		if (jrc == TRUST_OK) {
			bool says_trusted = strstr(json, "\"verdict\": \"trusted\"") ||
					    strstr(json, "\"verdict\":\"trusted\"");
			ck_assert_msg(says_trusted == o.trusted, "%s, failure %lu: JSON verdict differs: %.300s",
				      c->name, n, json);
		} else {
			ck_assert_ptr_null(json);
		}
		if (crc != TRUST_OK)
			ck_assert_ptr_null(cbor);
	}
	free(json);
	free(cbor);
	trust_result_free(r);
	trust_sigcache_free(cache);
	trust_chain_free(chain);
	return o;
}

static unsigned long stride(void)
{
	const char *s = getenv("TRUST_FAULT_STRIDE");
	unsigned long k = s ? strtoul(s, NULL, 10) : 1;
	return k ? k : 1;
}

/* Sweeps one case; returns the number of failure points tried. */
static unsigned long sweep(const fc_world *w, const fc_case *c)
{
	fc_outcome clean = run_once(w, c, 0);
	ck_assert_int_eq(clean.rc, TRUST_OK);
	ck_assert_msg(clean.trusted == c->good, "%s: verdict %d with no failure injected", c->name,
		      clean.trusted);
	if (c->reason)
		ck_assert_str_eq(clean.reason, c->reason);
	unsigned long tried = 0, k = stride(), wrong = 0;
	for (unsigned long n = 1;; n += k) {
		fc_outcome o = run_once(w, c, n);
		if (!fault_injected())
			break;
		tried++;
		if (!c->good && o.rc == TRUST_OK && o.trusted) {
			wrong++;
			fprintf(stderr, "%s: trusted with allocation %lu failed\n", c->name, n);
		}
	}
	ck_assert_msg(wrong == 0, "%s: %lu failure points gave TRUSTED", c->name, wrong);
	ck_assert_msg(tried > 10, "%s: only %lu allocations counted", c->name, tried);
	printf("fault sweep %-16s %lu failure points, %s\n", c->name, tried,
	       c->good ? "each trusted, not trusted or an error" : "none trusted");
	return tried;
}

START_TEST(test_failclosed__no_allocation_failure_makes_a_bad_chain_trusted)
{
	fc_world w;
	world_init(&w);
	unsigned long total = 0;
	const char *only = getenv("TRUST_FAULT_CASE"); /* one case, when debugging */
	for (size_t i = 0; i < w.ncases; i++)
		if (!only || strcmp(only, w.cases[i].name) == 0)
			total += sweep(&w, &w.cases[i]);
	printf("fault sweep trust_evaluate: %lu failure points in %zu chains\n", total, w.ncases);
	fflush(stdout);
	world_free(&w);
}
END_TEST

/* The store is built with the CRL while allocation n fails.  Building may
 * fail, but a store that was built must hold the CRL: the revoked leaf, then
 * evaluated with nothing injected, is never trusted. */
static bool built_store_lets_revoked_through(const fc_world *w, const fc_case *c, unsigned long n,
					     bool *injected)
{
	unsigned char *der = NULL;
	int len = i2d_X509(w->k.root, &der);
	ck_assert_int_gt(len, 0);
	trust_error err = { 0 };
	trust_store *s = NULL;
	fault_arm(n);
	trust_store_builder *b = trust_store_builder_new();
	int rc = b ? TRUST_OK : TRUST_ENOMEM;
	if (rc == TRUST_OK)
		rc = trust_store_builder_add_anchors_mem(b, der, (size_t)len, "root", TRUST_ORIGIN_USER,
							 &err);
	if (rc == TRUST_OK)
		rc = trust_store_builder_add_crl(b, w->crl, &err);
	if (rc == TRUST_OK)
		rc = trust_store_builder_finish(&s, b, &err);
	else
		trust_store_builder_free(b);
	*injected = fault_injected();
	fault_disarm();
	OPENSSL_free(der);
	if (rc != TRUST_OK) {
		ck_assert_ptr_null(s);
		return false;
	}
	trust_chain *chain = trust_chain_new();
	ck_assert_ptr_nonnull(chain);
	ck_assert(trust_chain_add_x509(chain, c->leaf, &err) == TRUST_OK);
	ck_assert(trust_chain_add_x509(chain, c->inter, &err) == TRUST_OK);
	trust_eval_options opts = TRUST_EVAL_OPTIONS_INIT;
	opts.host = c->host;
	trust_result *r = NULL;
	ck_assert_int_eq(trust_evaluate(&r, s, NULL, chain, &opts, &err), TRUST_OK);
	bool trusted = trust_result_trusted(r);
	trust_result_free(r);
	trust_chain_free(chain);
	trust_store_free(s);
	return trusted;
}

START_TEST(test_failclosed__a_store_built_under_allocation_failure_keeps_its_crl)
{
	fc_world w;
	world_init(&w);
	const fc_case *revoked = NULL;
	for (size_t i = 0; i < w.ncases; i++)
		if (strcmp(w.cases[i].name, "revoked") == 0)
			revoked = &w.cases[i];
	ck_assert_ptr_nonnull(revoked);
	unsigned long tried = 0, wrong = 0;
	for (unsigned long n = 1;; n++) {
		bool injected = false;
		if (built_store_lets_revoked_through(&w, revoked, n, &injected)) {
			wrong++;
			fprintf(stderr, "store build: the revoked leaf was trusted with allocation %lu "
				"failed\n", n);
		}
		if (!injected)
			break;
		tried++;
	}
	ck_assert_msg(wrong == 0, "%lu failure points lost the CRL", wrong);
	ck_assert_msg(tried > 10, "only %lu allocations counted", tried);
	printf("fault sweep store build with CRL: %lu failure points, revoked leaf never trusted\n",
	       tried);
	world_free(&w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("failclosed");
	TCase *tc = tcase_create("sweep");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_failclosed__no_allocation_failure_makes_a_bad_chain_trusted);
	tcase_add_test(tc, test_failclosed__a_store_built_under_allocation_failure_keeps_its_crl);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	/* In this process, so that LeakSanitizer's check at exit covers every run. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
