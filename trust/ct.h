/*
 * Certificate Transparency: the log list (ct_logs.c) and the verification of
 * a leaf's SCTs on one path (ct_verify.c).  The policy rules that count the
 * verified SCTs (Apple's CT policy) live in check_apple.c and check_ats.c.
 */
#ifndef TRUST_CT_H
#define TRUST_CT_H

#include "internal.h"

#include <openssl/ct.h>

/* A log's state in the list (Google's log_list v3 schema, which Apple's list shares). */
typedef enum tct_state {
	TCT_PENDING,   /* no state, or "pending": never approved */
	TCT_QUALIFIED,
	TCT_USABLE,
	TCT_READONLY,  /* frozen at state_at: later SCTs are invalid */
	TCT_RETIRED,   /* once approved: only SCTs before state_at */
	TCT_REJECTED
} tct_state;

typedef struct tct_log {
	unsigned char id[32];      /* SHA-256 of the key's SubjectPublicKeyInfo */
	char *description;
	char *operator_name;
	size_t operator_index;     /* the position of its operator in the list */
	tct_state state;
	int64_t state_at;          /* when it entered the state (0 if not given) */
	bool has_interval;         /* temporal_interval: the leaf's notAfter must be in [start, end) */
	int64_t start, end;
	bool rfc6962;              /* false for a static-ct-api ("tiled") log */
} tct_log;

struct trust_ct_logs {
	tct_log *v;
	size_t n;
	CTLOG_STORE *store;        /* the same keys, for OpenSSL's SCT_validate */
	char *source;
};

/* Where an SCT came from. */
typedef enum tct_origin { TCT_EMBEDDED, TCT_TLS, TCT_OCSP } tct_origin;

/* What verification said about one SCT; only TCT_VALID counts towards a policy. */
typedef enum tct_status {
	TCT_VALID,
	TCT_BAD_SIGNATURE,
	TCT_UNKNOWN_LOG,
	TCT_LOG_NOT_USABLE,        /* the log's state or interval excludes this SCT (why says how) */
	TCT_FUTURE,                /* timestamp after the evaluation time */
	TCT_UNVERIFIED             /* unknown SCT version, or no issuer key for a precert SCT */
} tct_status;

typedef struct tct_sct {
	tct_origin origin;
	tct_status status;
	const char *why;           /* static text for the status */
	const tct_log *log;        /* NULL for an unknown log */
	unsigned char log_id[32];
	size_t log_id_len;
	uint64_t timestamp_ms;
} tct_sct;

typedef struct tct_scts {
	tct_sct *v;
	size_t n;
} tct_scts;

/* "embedded", "tls" or "ocsp". */
TRUST_HIDDEN const char *tct_origin_name(tct_origin o);
/* 1 if the log is currently approved (qualified, usable or read-only), not merely once. */
TRUST_HIDDEN bool tct_log_current(const tct_log *l);
/*
 * Every SCT of the leaf of p (embedded, the TLS extension's, those in the
 * stapled and the store's OCSP responses for the leaf) verified against
 * ctx->ct_logs, which must be set.  With `report`, one finding per SCT
 * (ct.sct.*) is added to p.  Returns 0, or -1 when OpenSSL failed (an
 * internal.error finding is added and the path is never accepted).  The
 * caller frees *out with tct_scts_free.
 */
TRUST_HIDDEN int tct_verify_path(tv_ctx *ctx, tpath *p, bool report, tct_scts *out);
TRUST_HIDDEN void tct_scts_free(tct_scts *s);
/* SCTs the leaf carries or the connection delivered, without verifying them. */
TRUST_HIDDEN int tct_count_unverified(const tv_ctx *ctx, const tpath *p);
/* Distinct currently approved logs with a verified SCT for the leaf of p (check_ct.c);
 * -1 without a log list, -2 when verification failed (finding added). */
TRUST_HIDDEN int tct_current_logs(tv_ctx *ctx, tpath *p);
/* The per-SCT findings when a log list was given (validate.c's CT step). */
TRUST_HIDDEN int tcheck_ct(tv_ctx *ctx, tpath *p);

#endif
