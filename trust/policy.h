/*
 * Policy overlays: the model behind trust_policy (docs/policy-format.md).
 *
 * A policy file is a named list of rules plus optional data sections (ATS
 * settings, pins).  Loading (policy_load.c) turns each file into one
 * immutable, reference-counted *layer*; a trust_policy is an ordered stack
 * of layers (policy.c), and stacking resolves the layers into one effective
 * view once, so evaluation only reads.
 *
 * Stacking order, lowest first: a file's "include"s, then the file itself,
 * then whatever is stacked on top.  A later layer
 *   - sets the base rule set if it names one ("base");
 *   - adds its rules; a rule whose id an earlier layer already has replaces
 *     it (same position, new parameters, or "enabled": false to drop it);
 *   - overrides each global ATS key it sets, and replaces the whole
 *     NSExceptionDomains / NSPinnedDomains / pins entry of a domain it names;
 *   - intersects "anchor_origins" (a stack can only narrow the origins).
 *
 * ---- Adding a rule kind (the interface other checks plug into) ----------
 * A rule in a file names a "kind".  Each kind is one row of the table in
 * policy_kinds.c:
 *
 *     { "validity-max", validity_params, tcheck_validity_max },
 *
 * - the params table lists every key "params" may hold: its name, type
 *   (TPT_INT, TPT_BOOL, TPT_STRING, TPT_STRINGS, TPT_TIME), the allowed range
 *   or words, and whether it is required.  The loader enforces the table, so
 *   a check never sees a missing, mistyped or out-of-range parameter and
 *   never parses JSON itself.
 * - the check is `void fn(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)`.
 *   It runs only when the rule's path-level scope holds (anchor origin class,
 *   leaf notBefore window, host given when the kind needs one); it loops over
 *   certificates with tpolicy_cert_in_scope(), reads parameters with
 *   tpolicy_int/_bool/_str/_strs, and reports through tpolicy_fail (the
 *   rule's severity, id and remedy) and tpolicy_pass.  It must be pure: no
 *   state outside the path.
 * Declare the check in policy.h (below) and implement it in the check_*.c
 * file of its family (check_apple.c, check_ats.c, check_pins.c, ...).
 */
#ifndef TRUST_POLICY_H
#define TRUST_POLICY_H

#include "internal.h"

/* "base": "webpki" in a file: tls-server with TRUST_EVAL_WEBPKI_STRICT's rules. */
#define TPOLICY_BASE_WEBPKI 16

/* Certificate scope bits ("certs": ["leaf", "intermediates", "anchor"]). */
#define TPS_LEAF 0x1u
#define TPS_INTERMEDIATES 0x2u
#define TPS_ANCHOR 0x4u

/* Anchor-origin classes of a path ("origins"): the anchor's origin, except
 * that a path of one certificate that is itself a user anchor is the
 * LEAF-ANCHOR class apple-policy.md §0 describes. */
#define TPO_SYSTEM 0x1u
#define TPO_USER 0x2u
#define TPO_APP 0x4u
#define TPO_LEAF_ANCHOR 0x8u
#define TPO_ALL 0xFu

/* "unless" words: ATS does not govern the host; NSExceptionRequiresForwardSecrecy=NO. */
#define TPU_ATS_OFF 0x1u
#define TPU_ATS_NO_FORWARD_SECRECY 0x2u

typedef enum tparam_type { TPT_INT, TPT_BOOL, TPT_STRING, TPT_STRINGS, TPT_TIME } tparam_type;

typedef struct tparam_spec {
	const char *key;
	tparam_type type;
	int64_t min, max;          /* TPT_INT: inclusive range */
	const char *const *words;  /* TPT_STRING(S): allowed values, NULL-terminated; NULL = any */
	bool required;
} tparam_spec;

typedef struct tparam_value {
	bool set;
	int64_t i;                 /* INT, TIME (epoch seconds), BOOL (0/1) */
	char *s;                   /* STRING */
	char **v;                  /* STRINGS */
	size_t nv;
} tparam_value;

#define TPOLICY_MAX_PARAMS 8

struct tpolicy_rule;
typedef void (*tpolicy_check_fn)(tv_ctx *ctx, tpath *p, const struct tpolicy_rule *r);

typedef struct tpolicy_kind {
	const char *name;
	const tparam_spec *params; /* terminated by a NULL key */
	tpolicy_check_fn check;
	bool needs_host;           /* skipped when no host / IP is given */
} tpolicy_kind;

typedef struct tpolicy_rule {
	char *id;
	const tpolicy_kind *kind;
	const char *policy;        /* name of the layer that defined it (owned by the layer) */
	bool enabled;
	trust_severity severity;   /* of a failure: error or warning */
	unsigned certs;            /* TPS_* */
	unsigned origins;          /* TPO_* */
	bool has_from, has_after, has_before;
	int64_t from, after, before; /* leaf notBefore >= from, > after, < before */
	unsigned unless;           /* TPU_*: conditions that switch the rule off */
	char *remedy;              /* may be NULL */
	char *note;                /* what devices are known to do, may be NULL */
	char *description;
	tparam_value params[TPOLICY_MAX_PARAMS]; /* in the kind's table order */
} tpolicy_rule;

/* Tri-state for ATS booleans: not given, NO, YES. */
typedef enum tats_bool { TATS_UNSET = -1, TATS_NO = 0, TATS_YES = 1 } tats_bool;

typedef struct tats_domain {
	char *domain;              /* lower case as written */
	tats_bool includes_subdomains;
	tats_bool allows_insecure_http;
	char *min_tls;             /* "TLSv1.0".."TLSv1.3", or NULL */
	tats_bool requires_forward_secrecy;
	tats_bool requires_ct;
	char *niap;                /* NSExceptionRequiresNIAPTLSPackageVersion, or NULL */
} tats_domain;

typedef struct tats_settings {
	bool present;              /* an "ats" section was given */
	tats_bool arbitrary_loads, media, web_content, local_networking;
	char *niap;
	tats_domain *domains;
	size_t ndomains;
} tats_settings;

/* One pinned domain: SPKI SHA-256 digests (32 bytes each). */
typedef struct tpin_domain {
	char *domain;
	bool include_subdomains;
	unsigned char (*ca)[32];
	size_t nca;
	unsigned char (*leaf)[32];
	size_t nleaf;
	const char *from;          /* "NSPinnedDomains" or "pins" (for messages) */
} tpin_domain;

/* One loaded file. */
typedef struct tpolicy_layer {
	atomic_int refs;
	char *name;
	char *description;
	char *source;              /* file path or the name given to load_mem */
	int base;                  /* trust_policy_base, TPOLICY_BASE_WEBPKI, or -1 if none */
	unsigned anchor_origins;   /* TPO_* allowed; TPO_ALL if not given */
	tpolicy_rule *rules;
	size_t nrules;
	tats_settings ats;
	tpin_domain *pins;
	size_t npins;
} tpolicy_layer;

/* The effective view of a stack, rebuilt whenever a layer is added. */
struct trust_policy {
	tpolicy_layer **layers;
	size_t nlayers;
	char *name;                /* top-level names joined with '+' */
	int base;
	unsigned anchor_origins;
	const tpolicy_rule **rules; /* enabled rules in order, later ids replacing earlier */
	size_t nrules;
	tats_settings ats;         /* merged; strings borrowed from layers */
	const tpin_domain **pins;  /* merged by domain */
	size_t npins;
};

/* ---- policy_kinds.c ---- */
/* The kind called `name`, or NULL. */
TRUST_HIDDEN const tpolicy_kind *tpolicy_kind_find(const char *name);
/* Comma-separated list of every kind name into buf (for messages). */
TRUST_HIDDEN void tpolicy_kind_names(char *buf, size_t n);

/* ---- policy_load.c ---- */
/* Parses one file's bytes (and its includes) into `out`'s stack of layers. */
TRUST_HIDDEN int tpolicy_load(trust_policy *out, const char *text, size_t len, const char *source,
			      int depth, trust_error *err);
TRUST_HIDDEN void tpolicy_layer_unref(tpolicy_layer *l);

/* ---- policy.c ---- */
/* Appends a layer (taking a reference) and re-resolves the effective view. */
TRUST_HIDDEN int tpolicy_push_layer(trust_policy *p, tpolicy_layer *l);
/* Runs every enabled rule whose path-level scope holds on a complete path. */
TRUST_HIDDEN void tpolicy_apply(tv_ctx *ctx, tpath *p);
/* Origin class (TPO_*) of a complete path. */
TRUST_HIDDEN unsigned tpolicy_path_origin(const tpath *p);
/* 1 if certificate i of p is inside the rule's certificate scope. */
TRUST_HIDDEN bool tpolicy_cert_in_scope(const tpolicy_rule *r, const tpath *p, size_t i);
/* Parameter accessors; `key` must be in the kind's table (else the default). */
TRUST_HIDDEN int64_t tpolicy_int(const tpolicy_rule *r, const char *key, int64_t def);
TRUST_HIDDEN bool tpolicy_bool(const tpolicy_rule *r, const char *key, bool def);
TRUST_HIDDEN const char *tpolicy_str(const tpolicy_rule *r, const char *key, const char *def);
TRUST_HIDDEN const tparam_value *tpolicy_param(const tpolicy_rule *r, const char *key);
/* 1 if the STRINGS parameter `key` holds `word`. */
TRUST_HIDDEN bool tpolicy_has_word(const tpolicy_rule *r, const char *key, const char *word);
/* Adds a failure finding with the rule's id, severity, policy name and remedy. */
TRUST_HIDDEN tfinding *tpolicy_fail(tpath *p, const tpolicy_rule *r, int cert, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Same with an explicit severity (info notes, warnings inside an error rule). */
TRUST_HIDDEN tfinding *tpolicy_note(tpath *p, const tpolicy_rule *r, trust_severity sev, int cert,
				    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Adds the PASS finding for the rule. */
TRUST_HIDDEN void tpolicy_pass(tpath *p, const tpolicy_rule *r, int cert, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Strict "YYYY-MM-DDTHH:MM:SSZ" to epoch seconds; 0 on success. */
TRUST_HIDDEN int tpolicy_parse_time(int64_t *out, const char *s);
/* 1 if `host` (normalised) is `domain` or, with subdomains, exactly one label below it. */
TRUST_HIDDEN bool tpolicy_domain_match(const char *domain, bool subdomains, const char *host,
				       bool *exact);

/* ---- the checks (check_apple.c, check_ats.c, check_pins.c) ---- */
TRUST_HIDDEN void tcheck_validity_max(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_key_size(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_signature_hash(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_eku_rule(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_key_usage_rule(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_san_required(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_apple_names(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_sct_count(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
/* Issuing certificates are v3 CAs with a subject, or their keyUsage allows keyCertSign
 * (check_apple_ca.c, apple-policy.md rule 18; param "aspect"). */
TRUST_HIDDEN void tcheck_apple_ca_structure(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
/* Every certificate in scope, the anchor included, is in date (rule 19). */
TRUST_HIDDEN void tcheck_temporal_validity(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_anchor_origin(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_ats_trust(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_ats_connection(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_ats_settings(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_pins(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);

/* ---- webpki kinds (check_webpki.c, check_webpki_names.c, _keys.c, _validity.c) ---- */
TRUST_HIDDEN void tcheck_leaf_eku_present(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_leaf_eku_no_any(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_leaf_eku_not_critical(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_root_no_eku(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_leaf_not_ca(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_cn_in_san(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_cn_single(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_dns_no_underscore(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_wildcard_not_public_suffix(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_rsa_modulus_bytes(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_key_types(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_validity_schedule(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);

/* ---- mtls kinds (check_mtls.c) ---- */
TRUST_HIDDEN void tcheck_anchor_pins(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_client_pins(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);
TRUST_HIDDEN void tcheck_client_names(tv_ctx *ctx, tpath *p, const tpolicy_rule *r);

/* ATS settings that apply to the evaluated host (check_ats.c). */
typedef struct tats_host {
	bool ats_on;               /* ATS governs this host (not loosened for it) */
	bool insecure_allowed;     /* the app may loosen server trust */
	bool requires_forward_secrecy;
	bool requires_ct;
	const char *min_tls;
	const tats_domain *entry;  /* the NSExceptionDomains entry used, or NULL */
	const char *why;           /* one phrase saying which keys decided */
} tats_host;
TRUST_HIDDEN void tats_for_host(tats_host *out, const tv_ctx *ctx);

#endif
