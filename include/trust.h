/*
 * libtrust — X.509 path building, RFC 5280 validation and TLS name checks.
 *
 * Data flows one way: load (trust_store_builder, trust_chain) -> build paths
 * -> validate each path -> apply policy -> one trust_result, which the
 * renderers turn into text, JSON or CBOR.
 *
 * Conventions (after libgit2 and BoringSSL):
 *  - Out-parameters come first.  Functions returning int return TRUST_OK (0)
 *    or a negative trust_err_code; the optional trust_error *err receives the
 *    code and a one-line human message (never parse it; test the code).
 *  - Ownership: the caller owns only what a function's comment says it owns:
 *    objects from x_new(), trust_store_builder_finish() and trust_evaluate()
 *    (release with the matching x_free(), which accepts NULL) and report
 *    buffers (release with trust_free()).  Every other pointer a function
 *    returns is borrowed: it stays valid while the object it was read from
 *    lives and must not be freed.  (No function hands out a new reference,
 *    so there is no get0/get1 distinction in the names.)
 *  - Option structs are versioned (libgit2's rule): set `version` with the
 *    _INIT macro or the _init() function; the library accepts every version
 *    from 1 to the one it was built with, so old callers keep working.
 *  - A finished trust_store is immutable: any number of threads may evaluate
 *    against one store and one trust_sigcache at the same time.
 */
#ifndef TRUST_H
#define TRUST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TRUST_API __attribute__((visibility("default")))
#else
#define TRUST_API
#endif

#define TRUST_VERSION_STRING "0.1.0"

/* ---- errors ---------------------------------------------------------- */

typedef enum trust_err_code {
	TRUST_OK = 0,
	TRUST_EUSAGE = -1,  /* bad argument or option */
	TRUST_EIO = -2,     /* file could not be read */
	TRUST_EPARSE = -3,  /* input is not a certificate / CRL / policy we can read */
	TRUST_ENOMEM = -4,  /* allocation failed */
	TRUST_ELIMIT = -5,  /* input exceeds a size or count limit */
	TRUST_EINTERNAL = -6 /* OpenSSL failed unexpectedly */
} trust_err_code;

/* A code and a one-line message naming the input and the problem. */
typedef struct trust_error {
	trust_err_code code;
	char message[512];
} trust_error;

/*
 * Copies untrusted text (a file name, an argument, a certificate field) into
 * out (cap bytes, NUL-terminated, "..." when cut) with control characters
 * (C0, DEL, C1) and bytes that are not valid UTF-8 written as \xNN, so it is
 * safe on a terminal and valid in JSON.  Returns out.  Every message in a
 * trust_error has already been through it.
 */
TRUST_API char *trust_escape(char *out, size_t cap, const char *in);

/* Short name of an error code ("parse error", ...); a static string. */
TRUST_API const char *trust_err_name(trust_err_code code);

/* Releases a buffer libtrust allocated for the caller (the reports); NULL-safe. */
TRUST_API void trust_free(void *p);

/* ---- certificates ------------------------------------------------------ */

/* A parsed certificate, reference counted; owned by stores, chains and results. */
typedef struct trust_cert trust_cert;

/* Where an anchor came from: Apple applies some rules only to one of the two. */
typedef enum trust_origin {
	TRUST_ORIGIN_NONE = 0,   /* not an anchor */
	TRUST_ORIGIN_SYSTEM = 1, /* the platform bundle: publicly trusted */
	TRUST_ORIGIN_USER = 2,   /* added by the user or an administrator: a private CA */
	TRUST_ORIGIN_APP = 3     /* supplied by the app itself (SecTrustSetAnchorCertificates) */
} trust_origin;

/* OpenSSL certificate behind a trust_cert; borrowed (X509_up_ref it to keep it). */
TRUST_API struct x509_st *trust_cert_x509(const trust_cert *cert);
/* One-line RFC 2253 subject ("CN=example.com,O=Example"); owned by the cert. */
TRUST_API const char *trust_cert_subject(const trust_cert *cert);
/* One-line RFC 2253 issuer; owned by the cert. */
TRUST_API const char *trust_cert_issuer(const trust_cert *cert);
/* Name of the file (or "memory") the certificate was read from; owned by the cert. */
TRUST_API const char *trust_cert_source(const trust_cert *cert);
/* SHA-256 of the DER encoding (32 bytes, owned by the cert). */
TRUST_API const unsigned char *trust_cert_sha256(const trust_cert *cert);
/* SHA-256 of the SubjectPublicKeyInfo (32 bytes, owned by the cert): the pin. */
TRUST_API const unsigned char *trust_cert_spki_sha256(const trust_cert *cert);
/* notBefore as seconds since the epoch (0 for NULL). */
TRUST_API int64_t trust_cert_not_before(const trust_cert *cert);
/* notAfter as seconds since the epoch (0 for NULL). */
TRUST_API int64_t trust_cert_not_after(const trust_cert *cert);

/* ---- store ------------------------------------------------------------- */

typedef struct trust_store_builder trust_store_builder;
typedef struct trust_store trust_store;

/* New empty builder, owned by the caller (trust_store_builder_free), or NULL (out of
 * memory, including OpenSSL failing to start). */
TRUST_API trust_store_builder *trust_store_builder_new(void);
/* Frees a builder that was not finished (NULL-safe). */
TRUST_API void trust_store_builder_free(trust_store_builder *b);
/* Adds every certificate in a PEM/DER file or directory as an anchor with `origin`.
 * The certificates are copied; `path` is not kept. */
TRUST_API int trust_store_builder_add_anchors(trust_store_builder *b, const char *path,
					      trust_origin origin, trust_error *err);
/* Adds OpenSSL's default certificate bundle and directory as anchors of origin SYSTEM. */
TRUST_API int trust_store_builder_add_system_anchors(trust_store_builder *b, trust_error *err);
/* Adds PEM or DER bytes as anchors; `name` labels them in messages; nothing is kept. */
TRUST_API int trust_store_builder_add_anchors_mem(trust_store_builder *b, const void *data,
						  size_t len, const char *name,
						  trust_origin origin, trust_error *err);
/* Adds every certificate in a PEM/DER file or directory to the untrusted pool. */
TRUST_API int trust_store_builder_add_intermediates(trust_store_builder *b, const char *path,
						    trust_error *err);
/* Adds PEM or DER bytes to the untrusted pool; `name` labels them; nothing is kept. */
TRUST_API int trust_store_builder_add_intermediates_mem(trust_store_builder *b, const void *data,
							size_t len, const char *name,
							trust_error *err);
/* Adds the CRLs (PEM or DER, one or many) in a file. */
TRUST_API int trust_store_builder_add_crl(trust_store_builder *b, const char *path,
					  trust_error *err);
/* Adds an OCSP response (DER, RFC 6960) from a file; it must be a successful
 * response.  Its signer, certID and freshness are judged per evaluation. */
TRUST_API int trust_store_builder_add_ocsp(trust_store_builder *b, const char *path,
					   trust_error *err);
/* Number of notes about inputs skipped while loading (a private key in an anchors directory). */
TRUST_API size_t trust_store_builder_note_count(const trust_store_builder *b);
/* Note i ("dir/key.pem: skipped, a private key, not a certificate"), owned by the builder. */
TRUST_API const char *trust_store_builder_note(const trust_store_builder *b, size_t i);
/* Forgets the failure of an earlier add, for a caller that means to go on without it. */
TRUST_API void trust_store_builder_clear_error(trust_store_builder *b);
/* Freezes the builder into *out (owned by the caller: trust_store_free); consumes b
 * whatever the outcome.  If an add failed (and was not cleared), returns that first
 * error and makes no store. */
TRUST_API int trust_store_builder_finish(trust_store **out, trust_store_builder *b,
					 trust_error *err);
/* Releases a store (NULL-safe); results that reference its certificates stay valid. */
TRUST_API void trust_store_free(trust_store *store);
/* Number of distinct anchors in the store (0 for NULL). */
TRUST_API size_t trust_store_anchor_count(const trust_store *store);
/* Number of distinct untrusted intermediates in the store (0 for NULL). */
TRUST_API size_t trust_store_intermediate_count(const trust_store *store);

/* One input the anchors came from, as reports name it. */
typedef struct trust_anchor_source {
	trust_origin origin; /* SYSTEM or USER */
	const char *path;    /* file or directory (the system bundle with links resolved), or the
			      * name given to a _mem call */
	size_t count;        /* certificates read from it */
} trust_anchor_source;

/* ---- presented chain ---------------------------------------------------- */

/* The certificates a peer sent: the first is the leaf, the rest are untrusted hints. */
typedef struct trust_chain trust_chain;

/* New empty chain, owned by the caller (trust_chain_free), or NULL (out of memory,
 * including OpenSSL failing to start). */
TRUST_API trust_chain *trust_chain_new(void);
/* Releases a chain (NULL-safe). */
TRUST_API void trust_chain_free(trust_chain *chain);
/*
 * Password for PKCS#12 input added after this call (NULL: try none); the
 * chain keeps a copy and wipes it when freed.  PKCS#7 bundles need none.
 */
TRUST_API int trust_chain_set_password(trust_chain *chain, const char *password,
				       trust_error *err);
/* Appends every certificate in a PEM/DER file (or PKCS#7 / PKCS#12 bundle), in file order. */
TRUST_API int trust_chain_add_file(trust_chain *chain, const char *path, trust_error *err);
/* Appends every certificate in PEM or DER bytes; `name` labels them in messages. */
TRUST_API int trust_chain_add_mem(trust_chain *chain, const void *data, size_t len,
				  const char *name, trust_error *err);
/* Appends an OpenSSL certificate (takes a new reference; the caller keeps its own). */
TRUST_API int trust_chain_add_x509(trust_chain *chain, struct x509_st *x509, trust_error *err);
/* Number of notes about inputs skipped while loading (as for the store builder). */
TRUST_API size_t trust_chain_note_count(const trust_chain *chain);
/* Note i, owned by the chain. */
TRUST_API const char *trust_chain_note(const trust_chain *chain, size_t i);
/* Number of certificates in the chain (0 for NULL). */
TRUST_API size_t trust_chain_count(const trust_chain *chain);
/* Certificate at index i (0 is the leaf), borrowed from the chain, or NULL. */
TRUST_API const trust_cert *trust_chain_cert(const trust_chain *chain, size_t i);

/* ---- signature cache ---------------------------------------------------- */

/* Thread-safe cache of signature results keyed by (issuer key, signed data). */
typedef struct trust_sigcache trust_sigcache;

/* New cache of up to `capacity` results (0 picks 65536), owned by the caller
 * (trust_sigcache_free), or NULL. */
TRUST_API trust_sigcache *trust_sigcache_new(size_t capacity);
/* Releases a cache (NULL-safe); no evaluation may be using it. */
TRUST_API void trust_sigcache_free(trust_sigcache *cache);

/* ---- evaluation ---------------------------------------------------------- */

typedef enum trust_purpose {
	TRUST_PURPOSE_SERVER = 0, /* TLS server certificate (serverAuth) */
	TRUST_PURPOSE_CLIENT = 1  /* TLS client certificate (clientAuth) */
} trust_purpose;

/* Base rule sets; later overlays stack on top of these. */
typedef enum trust_policy_base {
	TRUST_POLICY_DEFAULT = 0,    /* tls-server or tls-client, following the purpose */
	TRUST_POLICY_RFC5280 = 1,    /* path validation only: no names, no EKU purpose */
	TRUST_POLICY_TLS_SERVER = 2, /* rfc5280 + host/IP names + serverAuth */
	TRUST_POLICY_TLS_CLIENT = 3  /* rfc5280 + clientAuth */
} trust_policy_base;

/*
 * A stack of policy files (docs/policy-format.md): rules with ids, scopes and
 * remedies, App Transport Security settings and SPKI pins, layered on the
 * base rule set.  Immutable once built; any number of evaluations may share it.
 */
typedef struct trust_policy trust_policy;

/* Loads a policy file and the files it includes into a new *out (free with trust_policy_free). */
TRUST_API int trust_policy_load_file(trust_policy **out, const char *path, trust_error *err);
/* Same from JSON bytes; `name` labels messages and resolves includes (its directory). */
TRUST_API int trust_policy_load_mem(trust_policy **out, const void *json, size_t len,
				    const char *name, trust_error *err);
/* Stacks `top` onto `onto` (later rules and settings win; `top` is not consumed). */
TRUST_API int trust_policy_stack(trust_policy *onto, const trust_policy *top, trust_error *err);
/* Releases a policy (NULL-safe); results of evaluations made with it stay valid. */
TRUST_API void trust_policy_free(trust_policy *p);
/* Name of the stack ("apple", "tls-server+mine"); owned by the policy. */
TRUST_API const char *trust_policy_name(const trust_policy *p);
/* The top file's one-line description; owned by the policy. */
TRUST_API const char *trust_policy_description(const trust_policy *p);
/* Number of effective rules after stacking. */
TRUST_API size_t trust_policy_rule_count(const trust_policy *p);
/* Id of effective rule i ("apple.validity-max-private"), or NULL; owned by the policy. */
TRUST_API const char *trust_policy_rule_id(const trust_policy *p, size_t i);

/* Flags for trust_eval_options.flags. */
#define TRUST_EVAL_EXPLAIN 0x1u       /* keep searching after success to list other paths */
#define TRUST_EVAL_WEBPKI_STRICT 0x2u /* policy webpki: tls-server + CA/B Forum BR rules (server only) */
#define TRUST_EVAL_NO_SIGCACHE 0x4u   /* ignore the cache (benchmarks, tests) */
#define TRUST_EVAL_NO_CT 0x8u         /* skip Certificate Transparency rules (reported as not checked) */
/* Revocation mode (default soft): a certificate below the anchor that no usable
 * CRL or OCSP response covers is a warning under soft, an error under HARD; OFF checks nothing. */
#define TRUST_EVAL_REVOCATION_HARD 0x10u
#define TRUST_EVAL_REVOCATION_OFF 0x20u

/*
 * Work limits; exceeding one fails closed and becomes the headline reason.
 * 0 means the library's default (in brackets), so a zeroed struct is sane;
 * TRUST_BUDGET_ZERO asks for a limit of zero; other negative values are refused.
 */
typedef struct trust_budgets {
	int max_depth;            /* intermediates in a path, self-issued ones not counted (32) */
	int max_signatures;       /* signature verifications not answered by the cache (100) */
	int max_appends;          /* issuer-append steps across the whole search (200) */
	int max_paths;            /* complete candidate paths validated (32) */
	long max_nc_checks;       /* name-constraint comparisons (250000) */
	int max_presented;        /* certificates in the presented chain (32) */
} trust_budgets;

#define TRUST_BUDGET_ZERO (-1)
#define TRUST_BUDGETS_INIT { 0, 0, 0, 0, 0L, 0 }

/* ---- connection facts ---------------------------------------------------- */

#define TRUST_CONNECTION_VERSION 1

/*
 * What a TLS handshake showed (trustcheck --connect fills it), for the rules
 * that judge a connection (ATS's protocol version and forward secrecy) and
 * for the report.  Every pointer is borrowed for the call; the result keeps
 * its own copy.  Unknown facts stay 0 / NULL / -1 as each field says.
 */
typedef struct trust_connection {
	unsigned int version;       /* TRUST_CONNECTION_VERSION */
	int tls_version;            /* wire version: 0x0301 (TLS 1.0) .. 0x0304 (TLS 1.3); 0 unknown */
	const char *cipher;         /* IANA suite name ("TLS_AES_128_GCM_SHA256"), or NULL */
	const char *group;          /* key-exchange group ("X25519", "secp256r1"), or NULL */
	int forward_secret;         /* 1 an ephemeral key exchange, 0 RSA key transport, -1 unknown */
	int sent_intermediates;     /* certificates the server sent after its leaf */
	int sent_in_order;          /* 1 each sent certificate issued the one before, 0 not, -1 n/a */
	const char *alpn;           /* negotiated application protocol ("h2"), or NULL */
	const unsigned char *ocsp;  /* stapled OCSP response (DER), or NULL */
	size_t ocsp_len;
	const unsigned char *scts;  /* SignedCertificateTimestampList from the TLS extension, or NULL */
	size_t scts_len;
} trust_connection;

/* ---- Certificate Transparency log list ------------------------------------ */

/* The logs SCTs are checked against: keys, operators, states and their times.
 * Immutable once loaded; any number of evaluations may share one. */
typedef struct trust_ct_logs trust_ct_logs;

/*
 * Loads a log list in the JSON format of the public lists (Google's log_list
 * v3 schema, also Apple's current_log_list.json): operators[].logs[] (RFC 6962)
 * and operators[].tiled_logs[] (static-ct-api) with key, log_id, state and
 * temporal_interval.  On TRUST_OK *out is owned by the caller (trust_ct_logs_free);
 * TRUST_EPARSE names the file and the entry that is wrong.
 */
TRUST_API int trust_ct_logs_load_file(trust_ct_logs **out, const char *path, trust_error *err);
/* The same from JSON bytes; `name` (or "memory") stands for the file in messages. */
TRUST_API int trust_ct_logs_load_mem(trust_ct_logs **out, const void *json, size_t len,
				     const char *name, trust_error *err);
/* Releases a log list (NULL-safe). */
TRUST_API void trust_ct_logs_free(trust_ct_logs *logs);
/* Number of logs in the list (0 for NULL). */
TRUST_API size_t trust_ct_logs_count(const trust_ct_logs *logs);

/* The options layout this header describes; the library accepts 1..this.
 * Version 2 appended `overlay`, version 3 `connection`, version 4 `email` and `uri`,
 * version 5 `ct_logs`. */
#define TRUST_EVAL_OPTIONS_VERSION 5

/*
 * Transparent, versioned options.  Initialise with TRUST_EVAL_OPTIONS_INIT or
 * trust_eval_options_init(); zero in any field means its default (in brackets).
 * New fields are only ever appended, with a new version.  Nothing is kept
 * after trust_evaluate returns, so the strings may be freed then.
 */
typedef struct trust_eval_options {
	unsigned int version;     /* TRUST_EVAL_OPTIONS_VERSION */
	int64_t at;               /* evaluation time, seconds since epoch [now] */
	trust_purpose purpose;    /* [SERVER] */
	trust_policy_base policy; /* [DEFAULT] */
	const char *host;         /* DNS name to match against SAN dNSName, or NULL */
	const char *ip;           /* IPv4/IPv6 literal to match against SAN iPAddress, or NULL */
	unsigned int flags;       /* TRUST_EVAL_* [0] */
	trust_budgets budgets;    /* [the defaults above] */
	const trust_policy *overlay; /* version 2: policy stack on top of `policy` [NULL]; borrowed */
	const trust_connection *connection; /* version 3: what the handshake showed [NULL]; borrowed */
	/* Version 4: client reference identities, each matched against the leaf's SAN
	 * (RFC 5280: an email's local part exactly, its domain and a URI's scheme and
	 * host without regard to case) in addition to host or ip. */
	const char *email;        /* rfc822Name ("svc@example.com"), or NULL */
	const char *uri;          /* uniformResourceIdentifier ("spiffe://example.org/svc"), or NULL */
	/* Version 5: the CT log list SCTs are verified against [NULL: SCTs cannot be
	 * verified, so a rule that requires CT fails]; borrowed. */
	const trust_ct_logs *ct_logs;
} trust_eval_options;

#define TRUST_EVAL_OPTIONS_INIT \
	{ TRUST_EVAL_OPTIONS_VERSION, 0, TRUST_PURPOSE_SERVER, TRUST_POLICY_DEFAULT, \
	  NULL, NULL, 0u, TRUST_BUDGETS_INIT, NULL, NULL, NULL, NULL, NULL }

/* Sets *opts to the defaults of layout `version` (1..TRUST_EVAL_OPTIONS_VERSION), for
 * callers that cannot use the macro; TRUST_EUSAGE for NULL or another version. */
TRUST_API int trust_eval_options_init(trust_eval_options *opts, unsigned int version);

typedef struct trust_result trust_result;

/*
 * Builds and validates paths from the chain's leaf to an anchor of `store`.
 * `cache` may be NULL.  On TRUST_OK *out holds a result (trusted or not) owned
 * by the caller (trust_result_free); a negative code means the inputs could not
 * be evaluated at all (bad options, empty chain) and *out is NULL.  The result
 * holds its own references to the certificates: store and chain may be freed first.
 */
TRUST_API int trust_evaluate(trust_result **out, const trust_store *store,
			     trust_sigcache *cache, const trust_chain *chain,
			     const trust_eval_options *opts, trust_error *err);

/* ---- result ------------------------------------------------------------- */

typedef enum trust_severity {
	TRUST_SEV_PASS = 0,    /* a rule that was checked and held */
	TRUST_SEV_INFO = 1,    /* context, not a verdict */
	TRUST_SEV_WARNING = 2, /* accepted, but worth fixing */
	TRUST_SEV_ERROR = 3    /* rejects the path */
} trust_severity;

typedef struct trust_param {
	const char *key;
	const char *value;
} trust_param;

/* One rule outcome, borrowed from its result (every string too).  `id` is stable
 * (e.g. "rfc5280.validity.expired"); `message` is for people. */
typedef struct trust_finding {
	const char *id;
	trust_severity severity;
	int cert;               /* index in the path, or -1 for the whole path */
	const char *policy;     /* the policy that imposed the rule ("rfc5280", "tls-server", ...) */
	const char *message;
	size_t nparams;
	const trust_param *params;
	const char *remedy;     /* what to change when the rule fails, or NULL */
} trust_finding;

/* Counters of the search, read with trust_result_stat (new ones are only appended). */
typedef enum trust_stat {
	TRUST_STAT_SIGNATURES_CHECKED = 0, /* verifications performed (cache misses) */
	TRUST_STAT_SIGNATURE_CACHE_HITS = 1,
	TRUST_STAT_APPENDS = 2,            /* issuer-append steps */
	TRUST_STAT_PATHS_TRIED = 3,        /* complete paths validated */
	TRUST_STAT_NC_CHECKS = 4           /* name-constraint comparisons */
} trust_stat;

/* Releases a result (NULL-safe). */
TRUST_API void trust_result_free(trust_result *r);
/* 1 if a path was accepted, else 0 (also for NULL). */
TRUST_API int trust_result_trusted(const trust_result *r);
/* Stable id of the headline reason ("ok" when trusted); borrowed from the result. */
TRUST_API const char *trust_result_reason(const trust_result *r);
/* Human sentence for the headline reason; borrowed from the result. */
TRUST_API const char *trust_result_reason_message(const trust_result *r);
/* Index (in the reported path) of the certificate the headline reason concerns, or -1. */
TRUST_API int trust_result_reason_cert(const trust_result *r);
/* One counter of the search; -1 for a NULL result or a counter this library lacks. */
TRUST_API int64_t trust_result_stat(const trust_result *r, trust_stat which);
/* Id of the budget that stopped the search ("budget.depth", ...), or NULL; static. */
TRUST_API const char *trust_result_budget_hit(const trust_result *r);
/* Evaluation time actually used (seconds since epoch). */
TRUST_API int64_t trust_result_time(const trust_result *r);
/* Host name the result was checked against (A-label form), or NULL; borrowed. */
TRUST_API const char *trust_result_host(const trust_result *r);
/* IP address the result was checked against, or NULL; borrowed. */
TRUST_API const char *trust_result_ip(const trust_result *r);
/* Email address the result was checked against, or NULL; borrowed. */
TRUST_API const char *trust_result_email(const trust_result *r);
/* URI the result was checked against, or NULL; borrowed. */
TRUST_API const char *trust_result_uri(const trust_result *r);
/* Name of the policy used ("tls-server", or the overlay stack's name such as "apple"); borrowed. */
TRUST_API const char *trust_result_policy(const trust_result *r);
/* Purpose checked ("server" or "client"); static. */
TRUST_API const char *trust_result_purpose(const trust_result *r);
/* The connection facts the evaluation was given (a copy owned by the result), or NULL. */
TRUST_API const trust_connection *trust_result_connection(const trust_result *r);
/* "TLSv1.2" for a wire version such as 0x0303, or NULL if unknown. */
TRUST_API const char *trust_tls_version_name(int tls_version);
/* Number of inputs the store's anchors came from (0 for a store without anchors). */
TRUST_API size_t trust_result_anchor_source_count(const trust_result *r);
/* Borrowed anchor source i (valid while the result lives), or NULL. */
TRUST_API const trust_anchor_source *trust_result_anchor_source(const trust_result *r, size_t i);
/* Number of paths recorded (accepted, rejected and abandoned partial ones). */
TRUST_API size_t trust_result_path_count(const trust_result *r);
/* Index of the path that is reported as "the chain" (the accepted one, else the best failure), or -1. */
TRUST_API int trust_result_chosen_path(const trust_result *r);
/* 1 if path p was accepted. */
TRUST_API int trust_result_path_accepted(const trust_result *r, size_t p);
/* 1 if path p reached an anchor (a complete path), 0 if it was abandoned. */
TRUST_API int trust_result_path_complete(const trust_result *r, size_t p);
/* Stable id of the reason path p was rejected ("ok" if accepted); borrowed. */
TRUST_API const char *trust_result_path_reason(const trust_result *r, size_t p);
/* Certificate index in path p that its reason concerns, or -1. */
TRUST_API int trust_result_path_reason_cert(const trust_result *r, size_t p);
/* Number of certificates in path p (leaf first, anchor last when complete). */
TRUST_API size_t trust_result_path_length(const trust_result *r, size_t p);
/* Certificate i of path p, borrowed from the result (which keeps it alive), or NULL. */
TRUST_API const trust_cert *trust_result_path_cert(const trust_result *r, size_t p, size_t i);
/* Anchor origin of certificate i of path p (NONE for non-anchors). */
TRUST_API trust_origin trust_result_path_origin(const trust_result *r, size_t p, size_t i);
/* Number of findings recorded on path p. */
TRUST_API size_t trust_result_finding_count(const trust_result *r, size_t p);
/* Finding i of path p, borrowed from the result, or NULL. */
TRUST_API const trust_finding *trust_result_finding(const trust_result *r, size_t p, size_t i);

/* ---- client identities (mutual TLS) ---------------------------------------- */

/*
 * The identities a TLS client can present: private key + leaf + the chain
 * built from the certificates given with it (issuer by canonical DN).  Each
 * add_* call is one configured entry; selection prefers earlier entries, and
 * within one entry (a directory) the identity with the longest remaining
 * validity, then folder name order.
 */
typedef struct trust_identity_set trust_identity_set;
/* OpenSSL types the identity functions take or lend (from <openssl/types.h>). */
struct evp_pkey_st;
struct x509_st;
struct stack_st_X509;
struct stack_st_X509_NAME;

/* New empty set, owned by the caller (trust_identity_set_free), or NULL. */
TRUST_API trust_identity_set *trust_identity_set_new(void);
/* Releases a set (NULL-safe); borrowed keys and certificates die with it. */
TRUST_API void trust_identity_set_free(trust_identity_set *set);
/* Adds one identity from PEM files: `cert` holds the leaf first (then optional chain
 * certificates), `key` its unencrypted private key, `chain` (may be NULL) more chain
 * certificates; `label` (NULL: the cert path) names it in reasons.  Copied. */
TRUST_API int trust_identity_set_add_pem(trust_identity_set *set, const char *label,
					 const char *cert, const char *key, const char *chain,
					 trust_error *err);
/* Adds every NAME/ folder of `dir` holding cert.pem and key.pem (chain.pem optional),
 * labelled NAME, as one configured entry; a folder lacking either is an error. */
TRUST_API int trust_identity_set_add_dir(trust_identity_set *set, const char *dir,
					 trust_error *err);
/* Adds the key, certificate and CA certificates of a PKCS#12 file (`password` may be NULL). */
TRUST_API int trust_identity_set_add_pkcs12(trust_identity_set *set, const char *label,
					    const char *path, const char *password,
					    trust_error *err);
/* Number of identities in the set (0 for NULL). */
TRUST_API size_t trust_identity_set_count(const trust_identity_set *set);
/* Label of identity i (folder name, file or given label), or NULL; borrowed from the set. */
TRUST_API const char *trust_identity_label(const trust_identity_set *set, size_t i);
/* Private key of identity i, or NULL; borrowed from the set (EVP_PKEY_up_ref to keep it). */
TRUST_API struct evp_pkey_st *trust_identity_key(const trust_identity_set *set, size_t i);
/* Leaf certificate of identity i, or NULL; borrowed from the set. */
TRUST_API struct x509_st *trust_identity_cert(const trust_identity_set *set, size_t i);
/* Built chain of identity i without the leaf, issuer order; borrowed, never NULL for a valid i. */
TRUST_API struct stack_st_X509 *trust_identity_chain(const trust_identity_set *set, size_t i);

/* Which identity fits a CertificateRequest, and why each one does or does not. */
typedef struct trust_identity_choice trust_identity_choice;

/*
 * Picks the identity to present.  `acceptable` is the server's CA list as
 * OpenSSL gives it (SSL_get0_peer_CA_list; NULL or empty: any CA).  An
 * identity fits when a certificate of its built chain is issued by an
 * acceptable name, or its top certificate's subject is one (canonical DN
 * comparison), every certificate of the chain is valid at `at` (0: now), the leaf is
 * no CA and has clientAuth or no EKU, and its key can make one of `sigschemes`
 * (TLS SignatureScheme code points, e.g. 0x0403; NULL/0: any; ECDSA schemes
 * name their curve as in TLS 1.3).  *out (trust_identity_choice_free) says
 * which identity won and why each one did not; no fit is TRUST_OK with index -1.
 */
TRUST_API int trust_identity_select(trust_identity_choice **out, const trust_identity_set *set,
				    const struct stack_st_X509_NAME *acceptable,
				    const uint16_t *sigschemes, size_t nsigschemes, int64_t at,
				    trust_error *err);
/* trust_identity_select for a known `tls_version` (SSL_version(): 0x0303 TLS 1.2, whose ECDSA
 * schemes accept a P-256/384/521 key alike; 0x0304 TLS 1.3; 0: unknown, read as TLS 1.3). */
TRUST_API int trust_identity_select_tls(trust_identity_choice **out,
					const trust_identity_set *set,
					const struct stack_st_X509_NAME *acceptable,
					const uint16_t *sigschemes, size_t nsigschemes,
					int tls_version, int64_t at, trust_error *err);
/* Releases a choice (NULL-safe). */
TRUST_API void trust_identity_choice_free(trust_identity_choice *c);
/* Index in the set of the chosen identity, or -1 when none fits. */
TRUST_API int trust_identity_choice_index(const trust_identity_choice *c);
/* Number of identities judged (the set's count at selection time). */
TRUST_API size_t trust_identity_choice_count(const trust_identity_choice *c);
/* Stable id of the verdict on identity i ("identity.ok", "identity.ca-not-accepted",
 * "identity.expired", ...), or NULL; borrowed from the choice. */
TRUST_API const char *trust_identity_choice_reason(const trust_identity_choice *c, size_t i);
/* One-line explanation for identity i, or NULL; borrowed from the choice. */
TRUST_API const char *trust_identity_choice_message(const trust_identity_choice *c, size_t i);

/* ---- OpenSSL integration (mutual TLS) -------------------------------------- */

struct ssl_ctx_st;
struct ssl_st;

/*
 * Server side: the client chain's verdict comes from trust_evaluate (purpose
 * client, `policy` stacked on tls-client; borrowed, must outlive ctx) against
 * `store` (consumed, freed with ctx or the next swap), mirrored into OpenSSL's
 * verify result so a rejected client gets an alert; a client certificate is
 * required, and the store's anchors are sent as the acceptable-CA list.
 * Installs ctx's client-hello and cert-verify callbacks (the caller must not
 * replace them) and sets each connection's session id context, so a session
 * resumes only under the store it was judged by.  Once per ctx.
 */
TRUST_API int trust_ssl_ctx_use_policy(struct ssl_ctx_st *ctx, trust_store *store,
				       const trust_policy *policy, trust_error *err);
/*
 * Replaces the server's store (consumed) for handshakes whose ClientHello
 * arrives afterwards; handshakes already started keep the store they took,
 * which is freed when the last of them ends.  Safe while other threads handshake.
 */
TRUST_API int trust_ssl_ctx_set_store(struct ssl_ctx_st *ctx, trust_store *store,
				      trust_error *err);
/* The verdict on this connection's client chain (who, which rule failed), or NULL if none
 * was made (also on a resumed session); borrowed from the SSL, valid until it is freed. */
TRUST_API const trust_result *trust_ssl_result(const struct ssl_st *ssl);
/* Client side: answers CertificateRequest with trust_identity_select_tls (the negotiated
 * version) over `set` (borrowed, must outlive ctx), or no certificate when none fits.
 * Installs ctx's cert_cb. */
TRUST_API int trust_ssl_ctx_use_identities(struct ssl_ctx_st *ctx, const trust_identity_set *set,
					   trust_error *err);
/* The selection made for this connection (every identity's reason), or NULL if the
 * server asked for no certificate; borrowed from the SSL. */
TRUST_API const trust_identity_choice *trust_ssl_identity_choice(const struct ssl_st *ssl);
/* The signature schemes (TLS code points, e.g. 0x0403) the peer offered in the message
 * being handled (a client's cert callback: the CertificateRequest); up to `max` are
 * copied to `out` (may be NULL), and the number offered is returned (0: none known). */
TRUST_API size_t trust_ssl_peer_sigschemes(struct ssl_st *ssl, uint16_t *out, size_t max);

/* ---- reports ------------------------------------------------------------- */

#define TRUST_REPORT_COLOR 0x1u   /* ANSI colour in text output */
#define TRUST_REPORT_EXPLAIN 0x2u /* list the other paths tried */
#define TRUST_REPORT_QUIET 0x4u   /* verdict line only */

/* Writes the human report to the caller's stream `out`. */
TRUST_API int trust_report_text(FILE *out, const trust_result *r, unsigned int flags);
/* Renders the JSON report (docs/report-schema.md) into *out, a NUL-terminated string
 * owned by the caller (trust_free). */
TRUST_API int trust_report_json(char **out, const trust_result *r, unsigned int flags);
/*
 * Writes the graph the path builder explored as Graphviz DOT to the caller's
 * stream `out`: one node per certificate, one edge per issuer tried, classed by
 * outcome, the reported chain bold.  `presented` (may be NULL) marks the peer's
 * certificates.
 */
TRUST_API int trust_report_dot(FILE *out, const trust_result *r, const trust_chain *presented,
			       unsigned int flags);
/* Renders the CBOR report (same data as JSON) into *out and *len; *out is owned by the
 * caller (trust_free). */
TRUST_API int trust_report_cbor(unsigned char **out, size_t *len, const trust_result *r,
				unsigned int flags);

#ifdef __cplusplus
}
#endif
#endif
