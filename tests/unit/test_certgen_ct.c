/*
 * Certificate Transparency through the library: SCTs delivered in the TLS
 * extension and in a stapled OCSP response (trust_connection, as --connect
 * fills it), signed by certgen's test-log code over the X.509 entry and
 * verified by libtrust with OpenSSL's CT API; log states, static-ct-api logs,
 * temporal shards, the options version that carries the list, and log-list
 * files that must be refused.
 */
#include "../../certgen/certgen.h"
#include "support_ct.h"
#include "support_pki.h"

#include <check.h>
#include <openssl/ct.h>
#include <openssl/ocsp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/pem.h>

#define HOST "leaf.example.com"
#define NLOGS 3

typedef struct ctfx {
	sv_pki k;
	EVP_PKEY *logs[NLOGS];
	trust_policy *apple;
	trust_store *store;
	trust_chain *chain;
} ctfx;

static void fx_init(ctfx *f)
{
	sv_pki_init(&f->k);
	for (int i = 0; i < NLOGS; i++)
		f->logs[i] = sv_key("EC", "P-256", 0);
	const char *top = getenv("TRUST_TOP");
	char path[4096];
	trust_error err = { 0 };
	snprintf(path, sizeof path, "%s/policies/apple.json", top ? top : ".");
	ck_assert_msg(trust_policy_load_file(&f->apple, path, &err) == TRUST_OK, "%s", err.message);
	X509 *anchors[] = { f->k.root, NULL }, *pool[] = { f->k.inter, NULL };
	X509 *chain[] = { f->k.leaf, f->k.inter, NULL };
	f->store = sv_store_as(anchors, TRUST_ORIGIN_SYSTEM, pool, NULL);
	f->chain = sv_chain(chain);
}

static void fx_free(ctfx *f)
{
	for (int i = 0; i < NLOGS; i++)
		EVP_PKEY_free(f->logs[i]);
	trust_policy_free(f->apple);
	trust_store_free(f->store);
	trust_chain_free(f->chain);
	sv_pki_free(&f->k);
}

/* A log list naming the fixture's logs with these states (see sv_ct_logs). */
static trust_ct_logs *log_list(ctfx *f, const char *const states[NLOGS], bool tiled,
			       bool interval)
{
	return sv_ct_logs(f->logs, NLOGS, states, tiled, interval);
}

static const char *const USABLE[NLOGS] = { "usable", "usable", "usable" };

/* X.509-entry SCTs for the leaf from the first n logs, as the TLS extension carries them. */
static unsigned char *tls_list(ctfx *f, size_t n, size_t *len)
{
	unsigned char *der = NULL;
	ck_assert_int_eq(cg_ct_tls_list(f->k.leaf, f->logs, n, &der, len), CG_OK);
	return der;
}

/* A good OCSP response for the leaf, signed by its issuer, with the SCT list in its
 * SingleResponse (RFC 6962 §3.3); DER in *der (OPENSSL_free). */
static int ocsp_with_scts(ctfx *f, const unsigned char *list, size_t list_len,
			  unsigned char **der)
{
	const unsigned char *q = list;
	STACK_OF(SCT) *scts = o2i_SCT_LIST(NULL, &q, (long)list_len);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), f->k.leaf, f->k.inter);
	ASN1_TIME *now = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, 86400);
	OCSP_SINGLERESP *single = OCSP_basic_add1_status(bs, id, V_OCSP_CERTSTATUS_GOOD, 0, NULL,
							  now, next);
	ck_assert_ptr_nonnull(scts);
	ck_assert_ptr_nonnull(single);
	ck_assert_int_eq(OCSP_SINGLERESP_add1_ext_i2d(single, NID_ct_cert_scts, scts, 0, 0), 1);
	ck_assert_int_eq(OCSP_basic_sign(bs, f->k.inter, f->k.inter_key, EVP_sha256(), NULL,
					 OCSP_NOCERTS), 1);
	OCSP_RESPONSE *resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	*der = NULL;
	int n = i2d_OCSP_RESPONSE(resp, der);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	SCT_LIST_free(scts);
	return n;
}

/* Evaluates the fixture's chain under apple with these connection facts and options
 * layout; returns the result (caller frees). */
static trust_result *eval(ctfx *f, const trust_connection *c, const trust_ct_logs *logs,
			  unsigned version, int64_t at)
{
	trust_eval_options o;
	ck_assert_int_eq(trust_eval_options_init(&o, version), TRUST_OK);
	o.host = HOST;
	o.at = at;
	o.overlay = f->apple;
	o.connection = c;
	if (version >= 5)
		o.ct_logs = logs;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, f->store, NULL, f->chain, &o, &err) == TRUST_OK, "%s",
		      err.message);
	return r;
}

/* Severity of finding id on the chosen path, or -1 if absent. */
static int sev(const trust_result *r, const char *id)
{
	const trust_finding *f = sv_finding(r, id, 0);
	return f ? (int)f->severity : -1;
}

static size_t count(const trust_result *r, const char *id)
{
	size_t p = (size_t)trust_result_chosen_path(r), n = 0;
	for (size_t i = 0; i < trust_result_finding_count(r, p); i++)
		n += strcmp(trust_result_finding(r, p, i)->id, id) == 0;
	return n;
}

static trust_connection facts(void)
{
	trust_connection c = { .version = TRUST_CONNECTION_VERSION, .tls_version = 0x0304,
			       .forward_secret = 1, .sent_in_order = -1 };
	return c;
}

/* Two valid SCTs delivered by `origin` meet Apple's CT policy and the chain is trusted. */
static void assert_two_valid(ctfx *f, const trust_connection *c, const trust_ct_logs *logs,
			     const char *origin)
{
	trust_result *r = eval(f, c, logs, TRUST_EVAL_OPTIONS_VERSION, 0);
	ck_assert_int_eq(sev(r, "apple.ct-required"), TRUST_SEV_PASS);
	ck_assert_uint_eq(count(r, "ct.sct.valid"), 2);
	ck_assert_str_eq(sv_param(sv_finding(r, "ct.sct.valid", 0), "origin"), origin);
	sv_assert_trusted(r);
	trust_result_free(r);
}

START_TEST(test_certgen_ct__tls_extension_scts_meet_the_policy)
{
	ctfx f;
	fx_init(&f);
	trust_ct_logs *logs = log_list(&f, USABLE, false, false);
	size_t len = 0;
	unsigned char *two = tls_list(&f, 2, &len);
	trust_connection c = facts();
	c.scts = two;
	c.scts_len = len;
	assert_two_valid(&f, &c, logs, "tls");
	OPENSSL_free(two);

	/* One SCT: an embedded set would need 3 for this lifetime, TLS needs 2. */
	size_t one_len = 0;
	unsigned char *one = tls_list(&f, 1, &one_len);
	c.scts = one;
	c.scts_len = one_len;
	trust_result *r = eval(&f, &c, logs, TRUST_EVAL_OPTIONS_VERSION, 0);
	sv_assert_rejected_with(r, "apple.ct-required", 0);
	ck_assert_uint_eq(count(r, "ct.sct.valid"), 1);
	trust_result_free(r);

	/* A new leaf with one SCT of its own plus log1's SCT for the old leaf: that
	 * one's signature fails, so only one counts. */
	X509 *other = sv_make_leaf(&f.k, NULL, NULL, 0, 0);
	X509_free(f.k.leaf);
	f.k.leaf = other;
	trust_chain_free(f.chain);
	f.chain = sv_chain((X509 *const[]){ f.k.leaf, f.k.inter, NULL });
	size_t mine_len = 0;
	EVP_PKEY *first = f.logs[0];
	f.logs[0] = f.logs[1];
	unsigned char *mine = tls_list(&f, 1, &mine_len); /* from log2 */
	f.logs[0] = first;
	const unsigned char *q1 = one, *q2 = mine;
	STACK_OF(SCT) *s1 = o2i_SCT_LIST(NULL, &q1, (long)one_len);
	STACK_OF(SCT) *s2 = o2i_SCT_LIST(NULL, &q2, (long)mine_len);
	ck_assert_ptr_nonnull(s1);
	ck_assert_ptr_nonnull(s2);
	ck_assert_int_gt(sk_SCT_push(s1, sk_SCT_shift(s2)), 0);
	unsigned char *both = NULL;
	int both_len = i2o_SCT_LIST(s1, &both);
	ck_assert_int_gt(both_len, 0);
	c.scts = both;
	c.scts_len = (size_t)both_len;
	r = eval(&f, &c, logs, TRUST_EVAL_OPTIONS_VERSION, 0);
	sv_assert_rejected_with(r, "apple.ct-required", 0);
	ck_assert_int_eq(sev(r, "ct.sct.bad-signature"), TRUST_SEV_WARNING);
	ck_assert_str_eq(sv_param(sv_finding(r, "ct.sct.bad-signature", 0), "log"), "log1");
	ck_assert_uint_eq(count(r, "ct.sct.valid"), 1);
	trust_result_free(r);
	SCT_LIST_free(s1);
	SCT_LIST_free(s2);
	OPENSSL_free(both);
	OPENSSL_free(mine);
	OPENSSL_free(one);
	trust_ct_logs_free(logs);
	fx_free(&f);
}
END_TEST

START_TEST(test_certgen_ct__stapled_ocsp_scts_count)
{
	ctfx f;
	fx_init(&f);
	trust_ct_logs *logs = log_list(&f, USABLE, false, false);
	size_t len = 0;
	unsigned char *list = tls_list(&f, 2, &len), *der = NULL;
	int n = ocsp_with_scts(&f, list, len, &der);
	ck_assert_int_gt(n, 0);
	trust_connection c = facts();
	c.ocsp = der;
	c.ocsp_len = (size_t)n;
	assert_two_valid(&f, &c, logs, "ocsp");

	/* The same response given as a file (trustcheck --ocsp): its SCTs count too. */
	char dir[] = "/tmp/ct-unit-XXXXXX", root[64], inter[64], resp[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(root, sizeof root, "%s/root.pem", dir);
	snprintf(inter, sizeof inter, "%s/inter.pem", dir);
	snprintf(resp, sizeof resp, "%s/resp.der", dir);
	FILE *w = fopen(root, "w");
	ck_assert(w && PEM_write_X509(w, f.k.root) == 1 && fclose(w) == 0);
	w = fopen(inter, "w");
	ck_assert(w && PEM_write_X509(w, f.k.inter) == 1 && fclose(w) == 0);
	w = fopen(resp, "wb");
	ck_assert(w && fwrite(der, 1, (size_t)n, w) == (size_t)n && fclose(w) == 0);
	trust_store_builder *b = trust_store_builder_new();
	trust_error err = { 0 };
	ck_assert(trust_store_builder_add_anchors(b, root, TRUST_ORIGIN_SYSTEM, &err) == TRUST_OK);
	ck_assert(trust_store_builder_add_intermediates(b, inter, &err) == TRUST_OK);
	ck_assert_msg(trust_store_builder_add_ocsp(b, resp, &err) == TRUST_OK, "%s", err.message);
	trust_store_free(f.store);
	ck_assert(trust_store_builder_finish(&f.store, b, &err) == TRUST_OK);
	trust_connection none = facts();
	assert_two_valid(&f, &none, logs, "ocsp");
	unlink(root);
	unlink(inter);
	unlink(resp);
	rmdir(dir);
	OPENSSL_free(der);
	OPENSSL_free(list);
	trust_ct_logs_free(logs);
	fx_free(&f);
}
END_TEST

/* Two TLS SCTs (log1, log2) judged against a list in which they cannot both count. */
typedef struct state_case {
	const char *what;
	const char *states[NLOGS];
	bool tiled, interval;
	long at;                /* evaluation time relative to now */
	size_t valid, unusable, future;
	const char *message;    /* in the apple.ct-required failure, or NULL */
} state_case;

static const state_case STATE_CASES[] = {
	/* The SCT predates the retirement and verifies, but a retired log counts for
	 * embedded SCTs only. */
	{ "retired after the SCT", { "usable", "retired@3600", "usable" }, false, false, 7200,
	  2, 0, 0, NULL },
	{ "read-only and retired before the SCT", { "readonly@-3600", "retired@-3600", "usable" },
	  false, false, 0, 0, 2, 0, NULL },
	{ "pending and rejected", { "pending", "rejected", "usable" }, false, false, 0, 0, 2, 0,
	  NULL },
	{ "static-ct-api logs only", { "usable", "usable", "usable" }, true, false, 0, 2, 0, 0,
	  "RFC 6962" },
	{ "a shard that does not hold the leaf's notAfter", { "usable", "usable", "usable" },
	  false, true, 0, 0, 2, 0, NULL },
	{ "SCTs dated after the evaluation time", { "usable", "usable", "usable" }, false, false,
	  -60, 0, 0, 2, NULL },
};

START_TEST(test_certgen_ct__log_states_and_kinds)
{
	ctfx f;
	fx_init(&f);
	size_t len = 0;
	unsigned char *two = tls_list(&f, 2, &len);
	trust_connection c = facts();
	c.scts = two;
	c.scts_len = len;
	for (size_t i = 0; i < sizeof STATE_CASES / sizeof STATE_CASES[0]; i++) {
		const state_case *k = &STATE_CASES[i];
		trust_ct_logs *logs = log_list(&f, k->states, k->tiled, k->interval);
		trust_result *r = eval(&f, &c, logs, TRUST_EVAL_OPTIONS_VERSION,
				       ttime_now() + k->at);
		sv_assert_rejected_with(r, "apple.ct-required", 0);
		ck_assert_msg(count(r, "ct.sct.valid") == k->valid &&
				      count(r, "ct.sct.log-not-usable") == k->unusable &&
				      count(r, "ct.sct.future") == k->future,
			      "%s: valid/unusable/future counts", k->what);
		ck_assert_msg(!k->message || strstr(sv_finding(r, "apple.ct-required", 0)->message,
						    k->message), "%s: message", k->what);
		trust_result_free(r);
		trust_ct_logs_free(logs);
	}

	/* Options of layout 4 carry no log list: nothing can be verified, and it fails. */
	trust_ct_logs *logs = log_list(&f, USABLE, false, false);
	trust_result *r = eval(&f, &c, logs, 4, 0);
	sv_assert_rejected_with(r, "apple.ct-required", 0);
	ck_assert_ptr_nonnull(strstr(sv_finding(r, "apple.ct-required", 0)->message,
				     "no CT log list"));
	ck_assert_uint_eq(count(r, "ct.sct.valid"), 0);
	trust_result_free(r);
	trust_ct_logs_free(logs);
	OPENSSL_free(two);
	fx_free(&f);
}
END_TEST

/* Loads text as a log list and returns the code; the message must name the source. */
static int load(const char *text, const char *want)
{
	trust_ct_logs *l = NULL;
	trust_error err = { 0 };
	int rc = trust_ct_logs_load_mem(&l, text, strlen(text), "bad.json", &err);
	ck_assert_ptr_null(l);
	ck_assert_msg(strstr(err.message, "bad.json") && strstr(err.message, want),
		      "message '%s' lacks '%s'", err.message, want);
	return rc;
}

START_TEST(test_certgen_ct__bad_log_lists_are_refused)
{
	ck_assert_int_eq(load("{", "line 1"), TRUST_EPARSE);
	ck_assert_int_eq(load("[]", "no \"operators\""), TRUST_EPARSE);
	ck_assert_int_eq(load("{\"operators\":[{\"logs\":[]}]}", "no \"name\""), TRUST_EPARSE);
	ck_assert_int_eq(load("{\"operators\":[{\"name\":\"x\",\"logs\":[{\"key\":\"@@\"}]}]}",
			      "base64"), TRUST_EPARSE);
	ck_assert_int_eq(load("{\"operators\":[{\"name\":\"x\",\"logs\":[{\"key\":\"AAAA\"}]}]}",
			      "SubjectPublicKeyInfo"), TRUST_EPARSE);
	EVP_PKEY *k = sv_key("EC", "P-256", 0);
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(k, &spki);
	char b64[256], text[1024];
	EVP_EncodeBlock((unsigned char *)b64, spki, n);
	snprintf(text, sizeof text, "{\"operators\":[{\"name\":\"x\",\"logs\":[{\"key\":\"%s\","
		 "\"state\":{\"frozen\":{}}}]}]}", b64);
	ck_assert_int_eq(load(text, "unknown log state 'frozen'"), TRUST_EPARSE);
	snprintf(text, sizeof text, "{\"operators\":[{\"name\":\"x\",\"logs\":[{\"key\":\"%s\","
		 "\"state\":{\"retired\":{}}}]}]}", b64);
	ck_assert_int_eq(load(text, "needs its state timestamp"), TRUST_EPARSE);
	snprintf(text, sizeof text, "{\"operators\":[{\"name\":\"x\",\"logs\":[{\"key\":\"%s\"},"
		 "{\"key\":\"%s\"}]}]}", b64, b64);
	ck_assert_int_eq(load(text, "listed twice"), TRUST_EPARSE);
	/* The same key once, with fractional seconds in its state time: accepted. */
	snprintf(text, sizeof text, "{\"operators\":[{\"name\":\"x\",\"logs\":[{\"key\":\"%s\","
		 "\"state\":{\"usable\":{\"timestamp\":\"2024-01-01T00:00:00.5Z\"}}}]}]}", b64);
	trust_ct_logs *l = NULL;
	trust_error err = { 0 };
	ck_assert_int_eq(trust_ct_logs_load_mem(&l, text, strlen(text), NULL, &err), TRUST_OK);
	ck_assert_uint_eq(trust_ct_logs_count(l), 1);
	trust_ct_logs_free(l);
	trust_ct_logs_free(NULL);
	ck_assert_uint_eq(trust_ct_logs_count(NULL), 0);
	ck_assert_int_eq(trust_ct_logs_load_file(NULL, "x", &err), TRUST_EUSAGE);
	ck_assert_int_eq(trust_ct_logs_load_file(&l, "/nonexistent/list.json", &err), TRUST_EIO);
	OPENSSL_free(spki);
	EVP_PKEY_free(k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("certgen_ct");
	TCase *t = tcase_create("certgen_ct");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_certgen_ct__tls_extension_scts_meet_the_policy);
	tcase_add_test(t, test_certgen_ct__stapled_ocsp_scts_count);
	tcase_add_test(t, test_certgen_ct__log_states_and_kinds);
	tcase_add_test(t, test_certgen_ct__bad_log_lists_are_refused);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
