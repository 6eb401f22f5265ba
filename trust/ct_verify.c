/*
 * The leaf's SCTs on one path, verified against the caller's log list with
 * OpenSSL's CT API (SCT_validate).  Embedded SCTs are signed over the
 * precertificate entry, which needs the issuer's key: the issuer is the
 * path's certs[1], so verification runs per built path.  SCTs from the TLS
 * extension and from OCSP responses are signed over the X.509 entry.
 *
 * After the signature, the log's state decides whether it could issue the
 * SCT at its time (apple-policy.md rule 17, trustd's isSCTValidForLogData):
 * pending and rejected logs never; a read-only log only before it froze; a
 * retired log only before its retirement (the policy then counts those for
 * embedded SCTs only); a temporally sharded log only for leaves whose
 * notAfter is in its interval.  A timestamp after the evaluation time is
 * invalid whatever the log.
 */
#include "ct.h"
#include "validate_checks.h"

#include <openssl/ocsp.h>
#include <stdlib.h>
#include <string.h>

const char *tct_origin_name(tct_origin o)
{
	return o == TCT_EMBEDDED ? "embedded" : o == TCT_TLS ? "tls" : "ocsp";
}

static const char *const status_ids[] = {
	[TCT_VALID] = TRUST_ID_CT_SCT_VALID,
	[TCT_BAD_SIGNATURE] = TRUST_ID_CT_SCT_BAD_SIGNATURE,
	[TCT_UNKNOWN_LOG] = TRUST_ID_CT_SCT_UNKNOWN_LOG,
	[TCT_LOG_NOT_USABLE] = TRUST_ID_CT_SCT_LOG_NOT_USABLE,
	[TCT_FUTURE] = TRUST_ID_CT_SCT_FUTURE,
	[TCT_UNVERIFIED] = TRUST_ID_CT_SCT_UNVERIFIED,
};

/* Moves every SCT of `from` (freed) into `all`, marked with source and origin. */
static int take(STACK_OF(SCT) *all, STACK_OF(SCT) *from, sct_source_t source)
{
	int ok = 1;
	while (ok && from && sk_SCT_num(from) > 0) {
		SCT *s = sk_SCT_shift(from);
		if (SCT_set_source(s, source) != 1 || !sk_SCT_push(all, s)) {
			SCT_free(s);
			ok = 0;
		}
	}
	SCT_LIST_free(from);
	return ok;
}

/* SCTs in the SingleResponses of bs that answer for leaf/issuer. */
static int take_ocsp(STACK_OF(SCT) *all, OCSP_BASICRESP *bs, X509 *leaf, X509 *issuer)
{
	OCSP_SINGLERESP *single = bs && issuer ? tocsp_find_single(bs, leaf, issuer) : NULL;
	if (!single)
		return 1;
	STACK_OF(SCT) *l = OCSP_SINGLERESP_get1_ext_d2i(single, NID_ct_cert_scts, NULL, NULL);
	return take(all, l, SCT_SOURCE_OCSP_STAPLED_RESPONSE);
}

/* Every SCT of the leaf, from the certificate, the connection and OCSP; NULL on failure. */
static STACK_OF(SCT) *gather(const tv_ctx *ctx, const tpath *p)
{
	STACK_OF(SCT) *all = sk_SCT_new_null();
	X509 *leaf = tcert_x509(p->certs[0]);
	X509 *issuer = p->n > 1 ? tcert_x509(p->certs[1]) : NULL;
	int ok = all && leaf;
	if (ok)
		ok = take(all, tcert_ext_d2i(p->certs[0], NID_ct_precert_scts, NULL),
			  SCT_SOURCE_X509V3_EXTENSION);
	if (ok && ctx->conn && ctx->conn->scts && ctx->conn->scts_len <= LONG_MAX) {
		const unsigned char *q = ctx->conn->scts;
		/* A list that does not parse holds no SCT to count. */
		ok = take(all, o2i_SCT_LIST(NULL, &q, (long)ctx->conn->scts_len),
			  SCT_SOURCE_TLS_EXTENSION);
	}
	if (ok && ctx->conn && ctx->conn->ocsp) {
		const char *why = NULL;
		OCSP_BASICRESP *bs = tocsp_parse(ctx->conn->ocsp, ctx->conn->ocsp_len, &why);
		ok = take_ocsp(all, bs, leaf, issuer);
		OCSP_BASICRESP_free(bs);
	}
	const tocsp_list *files = tstore_ocsps(ctx->store);
	for (size_t k = 0; ok && k < files->n; k++)
		ok = take_ocsp(all, files->v[k], leaf, issuer);
	ERR_clear_error();
	if (!ok) {
		SCT_LIST_free(all);
		return NULL;
	}
	return all;
}

int tct_count_unverified(const tv_ctx *ctx, const tpath *p)
{
	STACK_OF(SCT) *all = gather(ctx, p);
	int n = all ? sk_SCT_num(all) : 0;
	SCT_LIST_free(all);
	return n;
}

static const tct_log *find_log(const trust_ct_logs *l, const unsigned char *id, size_t len)
{
	for (size_t i = 0; len == 32 && i < l->n; i++)
		if (memcmp(l->v[i].id, id, 32) == 0)
			return &l->v[i];
	return NULL;
}

/* Why the log could not issue this SCT (its state and interval), or NULL if it could. */
static const char *log_problem(const tct_log *log, int64_t when, const trust_cert *leaf)
{
	switch (log->state) {
	case TCT_PENDING: return "the log was never approved (pending)";
	case TCT_REJECTED: return "the log is rejected";
	case TCT_READONLY:
		if (when >= log->state_at)
			return "the SCT is dated after the log became read-only";
		break;
	case TCT_RETIRED:
		if (when >= log->state_at)
			return "the SCT is dated after the log was retired";
		break;
	default: break;
	}
	if (log->has_interval && (leaf->not_after < log->start || leaf->not_after >= log->end))
		return "the leaf's notAfter is outside the log's temporal interval";
	return NULL;
}

/* Judges one SCT; -1 when OpenSSL failed. */
static int judge(const tv_ctx *ctx, const tpath *p, CT_POLICY_EVAL_CTX *pctx, SCT *s,
		 tct_sct *out)
{
	memset(out, 0, sizeof *out);
	sct_source_t src = SCT_get_source(s);
	out->origin = src == SCT_SOURCE_X509V3_EXTENSION ? TCT_EMBEDDED
		      : src == SCT_SOURCE_TLS_EXTENSION  ? TCT_TLS
							 : TCT_OCSP;
	out->timestamp_ms = SCT_get_timestamp(s);
	unsigned char *id = NULL;
	size_t idlen = SCT_get0_log_id(s, &id);
	out->log_id_len = idlen < 32 ? idlen : 32;
	if (id)
		memcpy(out->log_id, id, out->log_id_len);
	out->log = find_log(ctx->ct_logs, id, idlen);
	int64_t when = (int64_t)(out->timestamp_ms / 1000);
	if (SCT_get_version(s) != SCT_VERSION_V1) {
		out->status = TCT_UNVERIFIED;
		out->why = "the SCT has an unknown version";
	} else if (!out->log) {
		out->status = TCT_UNKNOWN_LOG;
		out->why = "its log is not in the log list";
	} else if (out->timestamp_ms / 1000 > (uint64_t)ctx->at) {
		out->status = TCT_FUTURE;
		out->why = "its timestamp is after the evaluation time";
	} else {
		int rc = SCT_validate(s, pctx);
		ERR_clear_error();
		sct_validation_status_t v = SCT_get_validation_status(s);
		if (rc < 0)
			return -1;
		if (v == SCT_VALIDATION_STATUS_VALID) {
			out->why = log_problem(out->log, when, p->certs[0]);
			out->status = out->why ? TCT_LOG_NOT_USABLE : TCT_VALID;
		} else if (v == SCT_VALIDATION_STATUS_INVALID) {
			out->status = TCT_BAD_SIGNATURE;
			out->why = "its signature does not verify with the log's key";
		} else {
			out->status = TCT_UNVERIFIED;
			out->why = p->n < 2 && out->origin == TCT_EMBEDDED
					   ? "an embedded SCT needs the issuer's key, and the path has "
					     "no issuer"
					   : "the certificate cannot be reconstructed as the entry the "
					     "log signed";
		}
	}
	if (!out->why)
		out->why = "verified; the log could issue it at that time";
	return 0;
}

static void report_sct(tpath *p, const tct_sct *s)
{
	char when[32], idb64[48] = "";
	ttime_rfc3339(when, sizeof when, (int64_t)(s->timestamp_ms / 1000));
	if (s->log_id_len == 32)
		EVP_EncodeBlock((unsigned char *)idb64, s->log_id, 32);
	const char *name = s->log ? s->log->description : idb64;
	tfinding *f = tpath_add(p, status_ids[s->status],
				s->status == TCT_VALID ? TRUST_SEV_PASS : TRUST_SEV_WARNING, 0, "ct",
				"%s SCT from %s dated %s: %s", tct_origin_name(s->origin),
				name[0] ? name : "a log with a malformed id", when, s->why);
	tfinding_param(f, "log", "%s", name);
	tfinding_param(f, "log_id", "%s", idb64);
	tfinding_param(f, "operator", "%s", s->log ? s->log->operator_name : "");
	tfinding_param(f, "origin", "%s", tct_origin_name(s->origin));
	tfinding_param(f, "timestamp", "%s", when);
}

int tct_verify_path(tv_ctx *ctx, tpath *p, bool report, tct_scts *out)
{
	memset(out, 0, sizeof *out);
	STACK_OF(SCT) *all = gather(ctx, p);
	CT_POLICY_EVAL_CTX *pctx = CT_POLICY_EVAL_CTX_new();
	X509 *leaf = tcert_x509(p->certs[0]);
	X509 *issuer = p->n > 1 ? tcert_x509(p->certs[1]) : NULL;
	int n = all ? sk_SCT_num(all) : 0;
	int rc = all && pctx && leaf && CT_POLICY_EVAL_CTX_set1_cert(pctx, leaf) == 1 &&
				 (!issuer || CT_POLICY_EVAL_CTX_set1_issuer(pctx, issuer) == 1)
			 ? 0
			 : -1;
	if (rc == 0 && n > 0 && !(out->v = calloc((size_t)n, sizeof *out->v)))
		rc = -1;
	if (rc == 0) {
		CT_POLICY_EVAL_CTX_set_shared_CTLOG_STORE(pctx, ctx->ct_logs->store);
		/* The whole second of the evaluation time: the timestamp check is done above. */
		CT_POLICY_EVAL_CTX_set_time(pctx, (uint64_t)ctx->at * 1000 + 999);
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = judge(ctx, p, pctx, sk_SCT_value(all, i), &out->v[out->n]);
		if (rc == 0 && report)
			report_sct(p, &out->v[out->n]);
		out->n += rc == 0;
	}
	CT_POLICY_EVAL_CTX_free(pctx);
	SCT_LIST_free(all);
	ERR_clear_error();
	if (rc != 0) {
		tct_scts_free(out);
		tpath_fail_internal(p, 0, "verifying the leaf's SCTs");
	}
	return rc;
}

void tct_scts_free(tct_scts *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int tcheck_ct(tv_ctx *ctx, tpath *p)
{
	if (!ctx->ct_logs || ctx->no_ct)
		return 0;
	tct_scts s;
	int rc = tct_verify_path(ctx, p, true, &s);
	tct_scts_free(&s);
	return rc == 0 ? 0 : 1;
}
