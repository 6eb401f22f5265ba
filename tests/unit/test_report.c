/*
 * Reports on real evaluations: the JSON has every documented key with its
 * type (docs/report-schema.md), the CBOR decodes to exactly the JSON's data,
 * and the text puts the verdict first and never passes control bytes through.
 */
#include "fixtures.h"
#include "support_pki.h"

#include <cbor.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <time.h>

static trust_result *eval_fixture(const char *chain, const char *anchors, const char *host,
				  unsigned flags)
{
	trust_store *s = fx_store(anchors, NULL);
	trust_chain *c = fx_chain(chain);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = host;
	o.flags = flags;
	trust_error err = { 0 };
	trust_result *r = NULL;
	ck_assert_msg(trust_evaluate(&r, s, NULL, c, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(c);
	trust_store_free(s);
	return r;
}

static json_t *json_of(const trust_result *r)
{
	char *text = NULL;
	ck_assert_int_eq(trust_report_json(&text, r, 0), TRUST_OK);
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	ck_assert_msg(j != NULL, "report is not JSON: %s (line %d)", e.text, e.line);
	trust_free(text);
	return j;
}

/* The report text, NUL-terminated (caller frees). */
static char *text_of(const trust_result *r, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(trust_report_text(f, r, flags), TRUST_OK);
	fclose(f);
	return buf;
}

static json_t *get(const json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);
	ck_assert_msg(v != NULL, "key '%s' missing", key);
	ck_assert_msg(json_typeof(v) == type, "key '%s' has type %d, want %d", key,
		      (int)json_typeof(v), (int)type);
	return v;
}

/* Either null or the given type. */
static json_t *get_opt(const json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);
	ck_assert_msg(v != NULL, "key '%s' missing", key);
	ck_assert_msg(json_is_null(v) || json_typeof(v) == type, "key '%s' has type %d", key,
		      (int)json_typeof(v));
	return v;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(get(o, key, JSON_STRING));
}

static void utc(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void check_certificate(const json_t *jc, const trust_cert *c, size_t i, size_t n)
{
	ck_assert_int_eq(json_integer_value(get(jc, "index", JSON_INTEGER)), (json_int_t)i);
	const char *role = str(jc, "role");
	ck_assert_str_eq(role, i == 0 ? "leaf" : i + 1 == n ? "anchor" : "intermediate");
	ck_assert_str_eq(str(jc, "subject"), trust_cert_subject(c));
	ck_assert_str_eq(str(jc, "issuer"), trust_cert_issuer(c));

	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(trust_cert_x509(c)), NULL);
	char *hex = BN_bn2hex(bn);
	ck_assert_str_eq(str(jc, "serial"), hex);
	OPENSSL_free(hex);
	BN_free(bn);

	char t[32];
	utc(t, sizeof(t), trust_cert_not_before(c));
	ck_assert_str_eq(str(jc, "not_before"), t);
	utc(t, sizeof(t), trust_cert_not_after(c));
	ck_assert_str_eq(str(jc, "not_after"), t);

	json_t *key = get(jc, "key", JSON_OBJECT);
	ck_assert_str_eq(str(key, "type"), "EC");
	ck_assert_int_eq(json_integer_value(get(key, "bits", JSON_INTEGER)), 256);
	ck_assert_str_eq(str(key, "curve"), "P-256");
	ck_assert_str_eq(str(jc, "signature_algorithm"), "ecdsa-with-SHA256");

	char h[65];
	for (int k = 0; k < 32; k++)
		sprintf(h + 2 * k, "%02x", trust_cert_sha256(c)[k]);
	ck_assert_str_eq(str(jc, "sha256"), h);
	/* The pin in base64, the form certgen pin and ATS use. */
	char pin[48];
	EVP_EncodeBlock((unsigned char *)pin, trust_cert_spki_sha256(c), 32);
	ck_assert_str_eq(str(jc, "spki_sha256_base64"), pin);
	ck_assert_ptr_null(json_object_get(jc, "spki_sha256"));
	get(jc, "sans", JSON_ARRAY);
	json_t *origin = get_opt(jc, "anchor_origin", JSON_STRING);
	if (i + 1 == n)
		ck_assert_str_eq(json_string_value(origin), "user");
	else
		ck_assert(json_is_null(origin));
	ck_assert_ptr_nonnull(strstr(str(jc, "source"), "good/"));
	/* No CRL was given: below the anchor each certificate says it was not
	 * checked, with no source; the anchor has no revocation entry. */
	if (i + 1 == n) {
		ck_assert(json_is_null(json_object_get(jc, "revocation")));
	} else {
		json_t *rev = get(jc, "revocation", JSON_OBJECT);
		ck_assert_str_eq(str(rev, "status"), "not-checked");
		ck_assert(json_is_null(get_opt(rev, "source", JSON_STRING)));
	}
}

START_TEST(test_report__json_has_every_documented_key_with_its_type)
{
	trust_result *r = eval_fixture(FX("good/chain.pem"), FX("good/root.pem"),
				       "good.example.com", 0);
	json_t *j = json_of(r);
	ck_assert_int_eq(json_integer_value(get(j, "schema_version", JSON_INTEGER)), 2);
	ck_assert_str_eq(str(j, "verdict"), "trusted");
	json_t *reason = get(j, "reason", JSON_OBJECT);
	ck_assert_str_eq(str(reason, "id"), "ok");
	get(reason, "message", JSON_STRING);
	ck_assert(json_is_null(get_opt(reason, "cert", JSON_INTEGER)));
	ck_assert_str_eq(str(j, "host"), "good.example.com");
	ck_assert(json_is_null(get_opt(j, "ip", JSON_STRING)));
	ck_assert_str_eq(str(j, "policy"), "tls-server");
	ck_assert_str_eq(str(j, "purpose"), "server");
	char t[32];
	utc(t, sizeof(t), trust_result_time(r));
	ck_assert_str_eq(str(j, "time"), t);

	/* The anchors the result was judged against, kept after the store was freed. */
	json_t *anchors = get(j, "anchors", JSON_ARRAY);
	ck_assert_uint_eq(json_array_size(anchors), 1);
	json_t *a0 = json_array_get(anchors, 0);
	ck_assert_str_eq(str(a0, "origin"), "user");
	ck_assert_str_eq(str(a0, "source"), FX("good/root.pem"));
	ck_assert_int_eq(json_integer_value(get(a0, "count", JSON_INTEGER)), 1);

	json_t *st = get(j, "stats", JSON_OBJECT);
	ck_assert_int_eq(json_integer_value(get(st, "signatures_checked", JSON_INTEGER)), 2);
	get(st, "signature_cache_hits", JSON_INTEGER);
	get(st, "appends", JSON_INTEGER);
	ck_assert_int_eq(json_integer_value(get(st, "paths_tried", JSON_INTEGER)), 1);
	get(st, "nc_checks", JSON_INTEGER);
	ck_assert(json_is_null(get_opt(st, "budget_hit", JSON_STRING)));
	ck_assert_uint_eq(json_object_size(st), 6);

	ck_assert_int_eq(json_integer_value(get(j, "chosen_path", JSON_INTEGER)), 0);
	json_t *paths = get(j, "paths", JSON_ARRAY);
	ck_assert_uint_eq(json_array_size(paths), trust_result_path_count(r));
	json_t *p = json_array_get(paths, 0);
	ck_assert(json_is_true(get(p, "accepted", JSON_TRUE)));
	ck_assert(json_is_true(get(p, "complete", JSON_TRUE)));
	ck_assert_str_eq(str(p, "reason"), "ok");
	ck_assert(json_is_null(get_opt(p, "reason_cert", JSON_INTEGER)));

	json_t *certs = get(p, "certificates", JSON_ARRAY);
	size_t n = trust_result_path_length(r, 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(json_array_size(certs), n);
	for (size_t i = 0; i < n; i++)
		check_certificate(json_array_get(certs, i), trust_result_path_cert(r, 0, i), i, n);

	/* The leaf's SANs, in certificate order, typed. */
	json_t *sans = get(json_array_get(certs, 0), "sans", JSON_ARRAY);
	static const char *const want[][2] = { { "dns", "good.example.com" },
					       { "dns", "*.wild.example.com" },
					       { "ip", "127.0.0.1" },
					       { "ip", "::1" } };
	ck_assert_uint_eq(json_array_size(sans), 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_str_eq(str(json_array_get(sans, i), "type"), want[i][0]);
		ck_assert_str_eq(str(json_array_get(sans, i), "value"), want[i][1]);
	}

	json_t *fs = get(p, "findings", JSON_ARRAY);
	ck_assert_uint_eq(json_array_size(fs), trust_result_finding_count(r, 0));
	for (size_t i = 0; i < json_array_size(fs); i++) {
		const trust_finding *f = trust_result_finding(r, 0, i);
		json_t *jf = json_array_get(fs, i);
		ck_assert_str_eq(str(jf, "id"), f->id);
		/* A trusted path: passes, and the one info that no CRL was given. */
		ck_assert_str_eq(str(jf, "severity"),
				 f->severity == TRUST_SEV_PASS ? "pass" : "info");
		ck_assert(f->severity == TRUST_SEV_PASS ||
			  (f->severity == TRUST_SEV_INFO &&
			   strcmp(f->id, "revocation.not-checked") == 0));
		get_opt(jf, "cert", JSON_INTEGER);
		ck_assert_str_eq(str(jf, "policy"), f->policy);
		ck_assert_str_eq(str(jf, "message"), f->message);
		json_t *params = get(jf, "params", JSON_OBJECT);
		ck_assert_uint_eq(json_object_size(params), f->nparams);
		for (size_t k = 0; k < f->nparams; k++)
			ck_assert_str_eq(str(params, f->params[k].key), f->params[k].value);
	}
	json_decref(j);
	trust_result_free(r);
}
END_TEST

START_TEST(test_report__rejected_json_names_the_reason_and_its_certificate)
{
	trust_result *r = eval_fixture(FX("expired/chain.pem"), FX("good/root.pem"),
				       "good.example.com", 0);
	json_t *j = json_of(r);
	ck_assert_str_eq(str(j, "verdict"), "not-trusted");
	json_t *reason = get(j, "reason", JSON_OBJECT);
	ck_assert_str_eq(str(reason, "id"), "rfc5280.validity.expired");
	ck_assert_str_eq(str(reason, "message"), trust_result_reason_message(r));
	ck_assert_int_eq(json_integer_value(get(reason, "cert", JSON_INTEGER)), 0);
	json_t *p = json_array_get(get(j, "paths", JSON_ARRAY),
				   (size_t)json_integer_value(get(j, "chosen_path", JSON_INTEGER)));
	ck_assert(json_is_false(get(p, "accepted", JSON_FALSE)));
	ck_assert_str_eq(str(p, "reason"), "rfc5280.validity.expired");
	bool found = false;
	size_t i;
	json_t *f;
	json_array_foreach(get(p, "findings", JSON_ARRAY), i, f)
		if (strcmp(str(f, "id"), "rfc5280.validity.expired") == 0) {
			ck_assert_str_eq(str(f, "severity"), "error");
			ck_assert_int_eq(json_integer_value(get(f, "cert", JSON_INTEGER)), 0);
			found = true;
		}
	ck_assert(found);
	json_decref(j);
	trust_result_free(r);
}
END_TEST

START_TEST(test_report__rsa_key_has_bits_and_no_curve)
{
	trust_result *r = eval_fixture(FX("rsa/chain.pem"), FX("rsa/root.pem"), "rsa.example.com", 0);
	json_t *j = json_of(r);
	json_t *leaf = json_array_get(get(json_array_get(get(j, "paths", JSON_ARRAY), 0),
					  "certificates", JSON_ARRAY), 0);
	json_t *key = get(leaf, "key", JSON_OBJECT);
	ck_assert_str_eq(str(key, "type"), "RSA");
	ck_assert_int_eq(json_integer_value(get(key, "bits", JSON_INTEGER)), 2048);
	ck_assert(json_is_null(get_opt(key, "curve", JSON_STRING)));
	ck_assert_str_eq(str(leaf, "signature_algorithm"), "sha256WithRSAEncryption");
	json_decref(j);
	trust_result_free(r);
}
END_TEST

/* Walks both trees together: same types, same values, same key order. */
static void same(const json_t *j, const cbor_item_t *c, const char *where)
{
	char sub[512];
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		ck_assert_msg(cbor_isa_map(c) && cbor_map_is_definite(c), "%s: not a map", where);
		ck_assert_msg(cbor_map_size(c) == json_object_size(j), "%s: map size", where);
		struct cbor_pair *pairs = cbor_map_handle(c);
		size_t i = 0;
		for (void *it = json_object_iter((json_t *)j); it;
		     it = json_object_iter_next((json_t *)j, it), i++) {
			const char *k = json_object_iter_key(it);
			ck_assert_msg(cbor_isa_string(pairs[i].key) &&
					      cbor_string_length(pairs[i].key) == strlen(k) &&
					      memcmp(cbor_string_handle(pairs[i].key), k, strlen(k)) == 0,
				      "%s: key %zu is not '%s'", where, i, k);
			snprintf(sub, sizeof(sub), "%s.%s", where, k);
			same(json_object_iter_value(it), pairs[i].value, sub);
		}
		break;
	}
	case JSON_ARRAY: {
		ck_assert_msg(cbor_isa_array(c), "%s: not an array", where);
		ck_assert_msg(cbor_array_size(c) == json_array_size(j), "%s: array size", where);
		for (size_t i = 0; i < json_array_size(j); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", where, i);
			same(json_array_get(j, i), cbor_array_handle(c)[i], sub);
		}
		break;
	}
	case JSON_STRING:
		ck_assert_msg(cbor_isa_string(c) && cbor_string_is_definite(c), "%s: not a string",
			      where);
		ck_assert_msg(cbor_string_length(c) == json_string_length(j) &&
				      memcmp(cbor_string_handle(c), json_string_value(j),
					     json_string_length(j)) == 0,
			      "%s: string differs", where);
		break;
	case JSON_INTEGER: {
		json_int_t v = json_integer_value(j);
		ck_assert_msg(v >= 0 ? cbor_isa_uint(c) : cbor_isa_negint(c), "%s: integer type",
			      where);
		uint64_t raw = cbor_get_int(c);
		ck_assert_msg(v >= 0 ? raw == (uint64_t)v : raw == (uint64_t)(-(v + 1)),
			      "%s: integer value", where);
		break;
	}
	case JSON_TRUE:
	case JSON_FALSE:
		ck_assert_msg(cbor_is_bool(c) && cbor_get_bool(c) == json_is_true(j), "%s: bool",
			      where);
		break;
	case JSON_NULL:
		ck_assert_msg(cbor_is_null(c), "%s: not null", where);
		break;
	default:
		ck_abort_msg("%s: the report holds no real numbers", where);
	}
}

static void check_cbor_matches_json(const char *chain, const char *anchors, const char *host,
				    unsigned flags)
{
	trust_result *r = eval_fixture(chain, anchors, host, flags);
	json_t *j = json_of(r);
	unsigned char *buf = NULL;
	size_t len = 0;
	ck_assert_int_eq(trust_report_cbor(&buf, &len, r, 0), TRUST_OK);
	struct cbor_load_result res;
	cbor_item_t *c = cbor_load(buf, len, &res);
	ck_assert_msg(c != NULL && res.error.code == CBOR_ERR_NONE, "CBOR does not decode");
	ck_assert_uint_eq(res.read, len); /* one item, nothing after it */
	same(j, c, "$");
	cbor_decref(&c);
	trust_free(buf);
	json_decref(j);
	trust_result_free(r);
}

START_TEST(test_report__cbor_decodes_to_the_same_data_as_json)
{
	check_cbor_matches_json(FX("good/chain.pem"), FX("good/root.pem"), "good.example.com", 0);
	check_cbor_matches_json(FX("expired/chain.pem"), FX("good/root.pem"), "good.example.com", 0);
	check_cbor_matches_json(FX("cross/chain.pem"), FX("cross/anchors.pem"), NULL,
				TRUST_EVAL_EXPLAIN);
	check_cbor_matches_json(FX("untrusted/chain.pem"), FX("good/root.pem"), NULL, 0);
}
END_TEST

START_TEST(test_report__text_starts_with_the_verdict)
{
	trust_result *r = eval_fixture(FX("good/chain.pem"), FX("good/root.pem"),
				       "good.example.com", 0);
	char *t = text_of(r, 0);
	ck_assert_msg(strncmp(t, "TRUSTED  good.example.com  (policy: tls-server)\n", 48) == 0,
		      "first line: %.80s", t);
	ck_assert_ptr_nonnull(strstr(t, "\nchain (path 1 of 1 tried)\n"));
	ck_assert_ptr_nonnull(strstr(t, "  0  leaf    CN=good.example.com"));
	ck_assert_ptr_nonnull(strstr(t, "EC P-256"));
	ck_assert_ptr_nonnull(strstr(t, "SAN DNS:good.example.com DNS:*.wild.example.com "
					"IP:127.0.0.1 IP:::1\n"));
	ck_assert_ptr_nonnull(strstr(t, "  2  anchor  CN=Fixture Root (user)"));
	ck_assert_ptr_nonnull(strstr(t, "\nchecks\n  ok    rfc5280.signature"));
	ck_assert_ptr_null(strstr(t, "FAIL"));
	ck_assert_ptr_null(strchr(t, '\033'));
	free(t);
	trust_result_free(r);

	r = eval_fixture(FX("expired/chain.pem"), FX("good/root.pem"), "good.example.com", 0);
	t = text_of(r, 0);
	ck_assert_msg(strncmp(t, "NOT TRUSTED  good.example.com", 29) == 0, "first: %.80s", t);
	/* The second line names the rule, then the certificate (index and subject). */
	ck_assert_ptr_nonnull(strstr(t, ")\n  because rfc5280.validity.expired (certificate 0, "
					"CN=good.example.com): the leaf expired"));
	ck_assert_ptr_nonnull(strstr(t, "\n  FAIL  rfc5280.validity.expired"));
	free(t);
	trust_result_free(r);
}
END_TEST

START_TEST(test_report__text_lines_stay_within_100_columns)
{
	trust_result *r = eval_fixture(FX("wronghost/chain.pem"), FX("good/root.pem"),
				       "good.example.com", 0);
	char *t = text_of(r, TRUST_REPORT_EXPLAIN);
	for (char *line = t, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl - line <= 100, "line of %d columns: %.*s", (int)(nl - line),
			      (int)(nl - line), line);
	}
	free(t);
	trust_result_free(r);
}
END_TEST

START_TEST(test_report__quiet_text_is_the_verdict_line_only)
{
	trust_result *r = eval_fixture(FX("expired/chain.pem"), FX("good/root.pem"),
				       "good.example.com", 0);
	char *t = text_of(r, TRUST_REPORT_QUIET);
	ck_assert_str_eq(t, "NOT TRUSTED  good.example.com  (policy: tls-server)\n");
	free(t);
	trust_result_free(r);
}
END_TEST

START_TEST(test_report__colour_only_when_asked)
{
	trust_result *r = eval_fixture(FX("expired/chain.pem"), FX("good/root.pem"),
				       "good.example.com", 0);
	char *plain = text_of(r, 0);
	char *colour = text_of(r, TRUST_REPORT_COLOR);
	ck_assert_ptr_null(strchr(plain, '\033'));
	ck_assert_ptr_nonnull(strstr(colour, "\033[1;31mNOT TRUSTED\033[0m"));
	free(plain);
	free(colour);
	trust_result_free(r);
}
END_TEST

START_TEST(test_report__explain_lists_the_other_paths)
{
	trust_result *r = eval_fixture(FX("cross/chain.pem"), FX("cross/anchors.pem"),
				       "cross.example.com", TRUST_EVAL_EXPLAIN);
	ck_assert_uint_ge(trust_result_path_count(r), 2);
	char *without = text_of(r, 0);
	char *with = text_of(r, TRUST_REPORT_EXPLAIN);
	ck_assert_ptr_null(strstr(without, "other paths"));
	ck_assert_ptr_nonnull(strstr(with, "\nother paths (--explain)\n  path 2: via CN=Old Root"));
	ck_assert_ptr_nonnull(strstr(with, "rfc5280.validity.expired"));
	free(without);
	free(with);
	trust_result_free(r);
}
END_TEST

/* A SAN carrying an escape sequence must not reach the terminal or break the JSON. */
START_TEST(test_report__control_bytes_in_names_are_escaped)
{
	sv_pki k;
	sv_pki_init(&k);
	static const char *const exts[] = { "basicConstraints", "critical,CA:FALSE",
					    "subjectAltName",
					    "DNS:evil\033[2J.example,email:a\001b@example.com",
					    NULL };
	X509_free(k.leaf);
	k.leaf = sv_make_leaf(&k, NULL, exts, 0, 0);
	trust_result *r = sv_run(&k, TRUST_POLICY_RFC5280, 0, NULL);
	char *t = text_of(r, 0);
	ck_assert_ptr_null(strchr(t, '\033'));
	ck_assert_ptr_null(strchr(t, '\001'));
	ck_assert_ptr_nonnull(strstr(t, "DNS:evil\\x1b[2J.example"));
	ck_assert_ptr_nonnull(strstr(t, "EMAIL:a\\x01b@example.com"));
	json_t *j = json_of(r);
	json_t *leaf = json_array_get(get(json_array_get(get(j, "paths", JSON_ARRAY), 0),
					  "certificates", JSON_ARRAY), 0);
	json_t *sans = get(leaf, "sans", JSON_ARRAY);
	ck_assert_str_eq(str(json_array_get(sans, 0), "value"), "evil\\x1b[2J.example");
	ck_assert_str_eq(str(json_array_get(sans, 1), "type"), "email");
	json_decref(j);
	free(t);
	trust_result_free(r);
	sv_pki_free(&k);
}
END_TEST

START_TEST(test_report__null_arguments_are_usage_errors)
{
	char *s = (char *)"x";
	unsigned char *b = (unsigned char *)"x";
	size_t len = 7;
	ck_assert_int_eq(trust_report_json(&s, NULL, 0), TRUST_EUSAGE);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(trust_report_cbor(&b, &len, NULL, 0), TRUST_EUSAGE);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(trust_report_text(stdout, NULL, 0), TRUST_EUSAGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_report__json_has_every_documented_key_with_its_type);
	tcase_add_test(tc, test_report__rejected_json_names_the_reason_and_its_certificate);
	tcase_add_test(tc, test_report__rsa_key_has_bits_and_no_curve);
	tcase_add_test(tc, test_report__cbor_decodes_to_the_same_data_as_json);
	tcase_add_test(tc, test_report__text_starts_with_the_verdict);
	tcase_add_test(tc, test_report__text_lines_stay_within_100_columns);
	tcase_add_test(tc, test_report__quiet_text_is_the_verdict_line_only);
	tcase_add_test(tc, test_report__colour_only_when_asked);
	tcase_add_test(tc, test_report__explain_lists_the_other_paths);
	tcase_add_test(tc, test_report__control_bytes_in_names_are_escaped);
	tcase_add_test(tc, test_report__null_arguments_are_usage_errors);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
