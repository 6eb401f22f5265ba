#include "support_ct.h"

#include "internal.h"

#include <check.h>
#include <jansson.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

trust_ct_logs *sv_ct_logs(EVP_PKEY *const *keys, size_t n, const char *const *states, bool tiled,
			  bool interval)
{
	json_t *ops = json_array();
	for (size_t i = 0; i < n; i++) {
		unsigned char *spki = NULL;
		int len = i2d_PUBKEY(keys[i], &spki);
		ck_assert_int_gt(len, 0);
		ck_assert_int_lt(len, 180);
		char b64[256], name[24], t[32], state[32];
		EVP_EncodeBlock((unsigned char *)b64, spki, len);
		OPENSSL_free(spki);
		snprintf(name, sizeof name, "log%zu", i + 1);
		const char *s = states ? states[i] : "usable";
		const char *at = strchr(s, '@');
		snprintf(state, sizeof state, "%.*s", at ? (int)(at - s) : 31, s);
		long off = at ? strtol(at + 1, NULL, 10) : 0;
		/* The library's clock: a state dated "now" is never after an SCT made later. */
		ttime_rfc3339(t, sizeof t, ttime_now() + off);
		json_t *log = json_pack("{s:s, s:s, s:{s:{s:s}}}", "description", name, "key", b64,
					"state", state, "timestamp", t);
		if (interval)
			json_object_set_new(log, "temporal_interval",
					    json_pack("{s:s, s:s}", "start_inclusive",
						      "2020-01-01T00:00:00Z", "end_exclusive",
						      "2021-01-01T00:00:00Z"));
		json_array_append_new(ops, json_pack("{s:s, s:[o]}", "name", name,
						     tiled ? "tiled_logs" : "logs", log));
	}
	json_t *doc = json_pack("{s:o}", "operators", ops);
	char *text = json_dumps(doc, 0);
	ck_assert_ptr_nonnull(text);
	trust_ct_logs *l = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_ct_logs_load_mem(&l, text, strlen(text), "test list", &err) == TRUST_OK,
		      "%s", err.message);
	ck_assert_uint_eq(trust_ct_logs_count(l), n);
	free(text);
	json_decref(doc);
	return l;
}
