/*
 * certgen — a private test PKI in one command, plus an offline catalogue of
 * broken certificates.  Shared types and the interfaces between its files.
 *
 * Layout of a state directory (docs/certgen.md):
 *   ca.pem, ca-key.pem           the root
 *   NAME/cert.pem key.pem        every other certificate (intermediate, leaf, client, responder)
 *   NAME/chain.pem               its issuers up to, not including, the root
 *   NAME/fullchain.pem           cert + chain: what a server sends
 *   state.cbor                   every serial ever issued, revocations, CRL numbers,
 *                                and the journal of a change being switched in
 *   .lock                        held (flock) while a command runs
 *   .stage.*, .old.*             a change being built or switched (txn.c)
 *
 * Exit codes: 0 ok, 1 refused (exists, policy rejects, locked), 2 usage or input error.
 */
#ifndef CERTGEN_H
#define CERTGEN_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_OK 0
#define CG_REFUSED 1
#define CG_USAGE 2

#define CG_ROOT_NAME "ca"
#define CG_DEFAULT_DIR "pki"
#define CG_DAYS_ROOT 3650
#define CG_DAYS_INTERMEDIATE 1825
/* Under Chromium's 200-day cap for publicly-trusted roots (2026-03-15),
 * which Android applies to roots in its system store too; far under Apple's
 * 825 days for user-installed roots (HT210176). */
#define CG_DAYS_LEAF 199
#define CG_LIMIT_CHROMIUM 200
#define CG_LIMIT_APPLE 825
/* notBefore is set this far in the past so small clock skew does not matter. */
#define CG_BACKDATE_SECONDS 300
/* --sct N and --sct-tls N: at most this many test CT logs sign one certificate. */
#define CG_MAX_SCTS 16

/* ---- global options (main.c) ---- */
typedef struct cg_opts {
	const char *dir;
	bool force;
	bool quiet;
	bool json;
	bool dot;   /* --format dot (list only) */
} cg_opts;

/* A command: argv[0] is the command name. */
typedef struct cg_cmd {
	const char *name;
	int (*run)(const cg_opts *o, int argc, char **argv);
	const char *summary;
	const char *help; /* usage + examples */
	bool standalone;  /* runs without a state directory (ca creates one; bad, pin, apply...) */
} cg_cmd;

/* ---- times: libtrust's one RFC 3339 formatter (trust/time_fmt.c) ---- */
/* t as "2026-11-28T10:00:00Z" into buf (at least 32 bytes); returns buf. */
const char *ttime_rfc3339(char *buf, size_t n, int64_t t);
/* Now in seconds since the epoch, from the clock libtrust evaluates with. */
int64_t ttime_now(void);
/* Now in milliseconds since the epoch (SCT timestamps), from that clock. */
uint64_t ttime_now_ms(void);

/* ---- output (out.c) ---- */
/* Prints "certgen: msg" to stderr and returns code. */
int cg_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "certgen: warning: msg" to stderr unless quiet. */
void cg_warn(const cg_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints to stdout unless quiet or json. */
void cg_say(const cg_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Looks for --help / -h in argv; prints help and returns true if present. */
bool cg_want_help(const cg_cmd *c, int argc, char **argv);
/* Parses a decimal integer in [lo, hi]; false on junk. */
bool cg_parse_long(const char *s, long lo, long hi, long *out);
/* Matches option `name` at argv[*i] ("--x V" or "--x=V"): 1 with *val set, 0 no match, -1 missing value. */
int cg_optval(int argc, char **argv, int *i, const char *name, const char **val);
/* Matches "--key TYPE" at argv[*i]: 1 with a known *type, 0 no match, -1 (message printed) otherwise. */
int cg_key_opt(int argc, char **argv, int *i, const char **type);
/* Parses a command whose only option is "--out PATH"; CG_OK, or CG_USAGE (message printed). */
int cg_out_only(const char *cmd, int argc, char **argv, const char **out);
/* Reports an unknown option of a command; returns CG_USAGE. */
int cg_bad_option(const char *cmd, const char *arg);
/* Prints a JSON object given as a jansson json_t* (steals the reference). */
void cg_print_json(void *json);
/* s quoted for a POSIX shell (unchanged when it needs no quotes), into buf. */
const char *cg_shq(char *buf, size_t n, const char *s);
/* "certgen" or "certgen --dir DIR" (quoted): the start of a hint that can be pasted as printed. */
const char *cg_cmd_prefix(const cg_opts *o);
/* Hex of bytes into a new string. */
char *cg_hex(const unsigned char *p, size_t n);

/* ---- atomic files (atomic.c) ---- */
/*
 * The state directory: paths below it are opened component by component
 * with O_NOFOLLOW relative to its descriptor, so no symbolic link under it
 * is ever followed (the directory's own path may be one).  Set by main and
 * cg_begin; paths elsewhere (--out) are opened as given.
 */
void cg_set_root(const char *dir);
/*
 * Writes data to path through a temporary file in the same directory, fsync
 * and rename, then fsyncs the directory.  Existing files are refused (returns
 * CG_REFUSED with a message) unless force; a symbolic link is always refused.
 * A private mode (no group/other bits, e.g. 0600) is applied to the temp file
 * at creation, so a key is never readable by others, even briefly; any other
 * mode means "public": 0666 less the umask.
 */
int cg_write_file(const char *path, const void *data, size_t len, int mode, bool force);
/* Fsyncs the directories cg_write_file renamed into (call once before exiting). */
void cg_sync_dirs(void);
/* Reads a whole file (at most 8 MiB); NULL with a message printed on failure. */
unsigned char *cg_read_file(const char *path, size_t *len);
/* Like cg_read_file, but prints nothing (errno set) when quiet. */
unsigned char *cg_slurp(const char *path, size_t *len, bool quiet);
/* mkdir -p (0777 less the umask); 0 or -1 with a message. */
int cg_mkdirs(const char *path);
/* True if the path exists (a symbolic link counts; it is not followed). */
bool cg_exists(const char *path);
/* True if the path, or a directory on the way to it below the root, is a symbolic link. */
bool cg_is_link(const char *path);
/* Directory descriptor of a path's parent (walked as above) and the last component; -1 with a message. */
int cg_open_parent(const char *path, char *leaf, size_t n);
/* Removes a file or directory tree named `name` in dirfd without following links; 0 or -1. */
int cg_remove_tree(int dirfd, const char *name);
/* Test hook: CERTGEN_TEST_PAUSE=STEP makes the process announce "test pause at STEP"
 * on stderr and sleep CERTGEN_TEST_PAUSE_SECONDS (default 30) when it reaches STEP. */
void cg_test_pause(const char *step);

/* ---- lock (lock.c) ---- */
/* Takes the directory's lock (waits up to CERTGEN_LOCK_TIMEOUT seconds, default 10):
 * the fd, -1 on errors, -2 when another process holds it; prints a message. */
int cg_lock(const char *dir);
/* Releases the lock taken by cg_lock. */
void cg_unlock(int fd);

/* ---- state (state.c) ---- */
typedef struct cg_entry {
	char *name;     /* entity name ("ca" for the root) */
	char *kind;     /* root, intermediate, leaf, client, cross, responder */
	char *serial;   /* upper-case hex */
	char *issuer;   /* entity name of the issuer ("" for the root) */
	int64_t not_after;
	bool revoked;
	char *reason;   /* CRL reason name, when revoked */
	int64_t revoked_at;
	bool superseded; /* a later certificate took its name; it stays here for revocation */
} cg_entry;

typedef struct cg_crlnum {
	char *issuer;
	long number;
} cg_crlnum;

/* One step of the journal: rename `from` to `to` (a file or a directory),
 * moving an existing `to` to `aside` first when aside is non-empty, then
 * removing `aside`.  Paths are relative to the state directory. */
typedef struct cg_op {
	char *from, *to, *aside;
} cg_op;

typedef struct cg_state {
	cg_entry *e;       /* every certificate ever issued, oldest first */
	size_t n, cap;
	cg_crlnum *crl;
	size_t ncrl;
	cg_op *ops;        /* the journal: staged, not yet switched in */
	size_t nops;
	bool dirty;        /* changed (through the functions below) since loaded or saved */
	bool saved;        /* saved by this command (cg_end need not, unless dirty again) */
} cg_state;

/* Loads DIR/state.cbor (an absent file is an empty state); -1 with a message. */
int cg_state_load(cg_state *st, const char *dir);
/* Rewrites DIR/state.cbor atomically; -1 with a message. */
int cg_state_save(cg_state *st, const char *dir);
/* Encodes to CBOR bytes (malloc'd); used by save and tests. */
int cg_state_encode(const cg_state *st, unsigned char **out, size_t *len);
/* Decodes CBOR bytes; -1 on malformed input. */
int cg_state_decode(cg_state *st, const unsigned char *buf, size_t len);
void cg_state_free(cg_state *st);
/* Adds (copies) an entry; one with the same serial is replaced, a current one
 * with the same name is marked superseded (never dropped). */
int cg_state_put(cg_state *st, const cg_entry *e);
/* The current (not superseded) entry of a name. */
cg_entry *cg_state_find(cg_state *st, const char *name);
/* Any entry, current or superseded, by serial (hex, any case, leading zeros ignored). */
cg_entry *cg_state_find_serial(cg_state *st, const char *serial_hex);
/* Appends a journal step (copies the strings; aside may be NULL). */
int cg_state_add_op(cg_state *st, const char *from, const char *to, const char *aside);
/* Empties the journal. */
void cg_state_clear_ops(cg_state *st);
/* Next CRL number for an issuer (increments it). */
long cg_state_next_crl(cg_state *st, const char *issuer);

/* ---- keys (keys.c) ---- */
/* Key type names: ec256 ec384 rsa2048 rsa3072 rsa4096 ed25519 (and rsa1024 for bad). */
bool cg_key_type_ok(const char *type);
EVP_PKEY *cg_key_new(const char *type);
/* Digest matching the key (SHA-256; SHA-384 for P-384; NULL for Ed25519). */
const EVP_MD *cg_key_md(const EVP_PKEY *k);
/* PEM text of a private key (PKCS#8, unencrypted), malloc'd. */
char *cg_key_pem(const EVP_PKEY *k, size_t *len);
char *cg_cert_pem(const X509 *x, size_t *len);
EVP_PKEY *cg_key_load(const char *path);
X509 *cg_cert_load(const char *path);
/* All certificates of a PEM file, in order (NULL on error). */
STACK_OF(X509) *cg_certs_load(const char *path);

/* ---- building certificates (x509build.c) ---- */
typedef enum cg_profile {
	CG_PROF_ROOT, CG_PROF_CA, CG_PROF_SERVER, CG_PROF_CLIENT,
	CG_PROF_RESPONDER, /* delegated OCSP responder: id-kp-OCSPSigning */
	CG_PROF_NONE
} cg_profile;

typedef struct cg_spec {
	cg_profile profile;
	const char *cn;
	X509_NAME *subject;   /* overrides cn when set (borrowed) */
	EVP_PKEY *key;        /* subject key (public part used) */
	X509 *issuer;         /* NULL: self-signed with key */
	EVP_PKEY *issuer_key;
	int64_t not_before;   /* absolute seconds */
	int64_t not_after;
	long pathlen;         /* -1: none */
	const char *san;      /* comma-free list separated by '\n', typed automatically */
	const char *nc;       /* nameConstraints in OpenSSL's config syntax, or NULL */
	const char *eku;      /* "serverAuth,clientAuth", "" for none, NULL for profile default */
	const char *ku;       /* keyUsage override in config syntax, NULL for profile default */
	const EVP_MD *md;     /* NULL: follow the issuer key */
	const char *ski;      /* subjectKeyIdentifier in hex, NULL: hash of the key */
	const X509 *same_as;  /* renew: copy this certificate's extensions instead of the profile */
	bool bc_noncritical;  /* deliberate defects (bad kinds, fixtures) */
	bool no_bc;
	bool no_ski;
	bool no_aki;
	bool no_san;
	bool corrupt_signature;
	bool v1;              /* no extensions at all */
	bool ocsp_nocheck;    /* id-pkix-ocsp-nocheck: a responder clients need not check (RFC 6960 §4.2.2.2.1) */
} cg_spec;

#define CG_SPEC_INIT { .profile = CG_PROF_NONE, .pathlen = -1 }

/* Builds and signs a certificate; NULL with a message on failure.  serial_hex receives the serial. */
X509 *cg_build(const cg_spec *s, char serial_hex[80]);
/* Appends ",SUB;TYPE:V" to a nameConstraints config string (SUB permitted|excluded; TYPE DNS,
 * IP with V in CIDR, email, URI); false when V is not valid or nc is full; a CIDR with host
 * bits set also puts its network into net (cmd_intermediate.c). */
bool cg_nc_add(char *nc, size_t n, const char *sub, const char *type, const char *v, char *net,
	       size_t netn);
/* Adds a SAN entry type: "DNS", "IP", "email", "URI". */
const char *cg_san_type(const char *name);

/* ---- validity options (validity.c) ---- */
typedef struct cg_validity {
	long days;           /* the command's default until --days is given */
	long min_days;       /* smallest --days accepted */
	bool days_set, nb_set, na_set;
	int64_t not_before;  /* --not-before, seconds since the epoch */
	int64_t not_after;   /* --not-after */
} cg_validity;

/* Parses an RFC 3339 date-time ("2026-01-31T12:00:00Z", "...+02:00") or a full-date
 * ("2026-01-31", midnight UTC) into seconds since the epoch; false on junk. */
bool cg_parse_rfc3339(const char *s, int64_t *out);
/* Matches --days, --not-before or --not-after at argv[*i]: 1 taken, 0 no match, -1 error (printed). */
int cg_validity_opt(int argc, char **argv, int *i, cg_validity *v);
/* Absolute notBefore/notAfter from the options (default: now - backdate, + days); CG_USAGE if empty. */
int cg_validity_resolve(const cg_validity *v, int64_t *not_before, int64_t *not_after);
/* True when --not-before or --not-after was given: the times are kept exactly. */
bool cg_validity_exact(const cg_validity *v);

/* ---- state-directory entities (pki.c) ---- */
typedef struct cg_ent {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) *chain; /* issuers below the root */
	X509 *root;
	char name[256];
} cg_ent;

/* The directory name for an entity name ('*' -> "_wildcard", '/' and ':' -> '_'). */
void cg_ent_dirname(char *out, size_t n, const char *name);
/* Path of a file of an entity: root -> DIR/ca.pem / ca-key.pem, else DIR/NAME/FILE. */
void cg_ent_path(char *out, size_t n, const cg_opts *o, const char *name, const char *file);
/* Loads an entity (cert, key if want_key, chain and root); -1 with a message. */
int cg_ent_load(cg_ent *e, const cg_opts *o, const char *name, bool want_key);
void cg_ent_free(cg_ent *e);
/* cg_begin, then loads the CA `issuer` with its key into *is to issue `what` ("a leaf");
 * CG_OK, or an exit code with a message and the directory already unlocked. */
int cg_begin_issuing(const cg_opts *o, cg_state *st, int *lockfd, cg_ent *is, const char *issuer,
		     const char *what);
/* Stages cert/key/chain/fullchain for a non-root entity in a new directory
 * and journals its switch into NAME/ (cg_txn_commit does it). */
int cg_ent_write(const cg_opts *o, cg_state *st, const char *name, X509 *cert, EVP_PKEY *key,
		 STACK_OF(X509) *chain);
/* Resolves the chain for a new certificate issued by `issuer`: issuer's chain plus itself if not root. */
STACK_OF(X509) *cg_chain_for(const cg_ent *issuer);
/* Records an issued certificate in the state. */
int cg_record(cg_state *st, const char *name, const char *kind, const char *serial,
	      const char *issuer, const X509 *cert);
/* Whether the state dir has a root. */
bool cg_have_root(const cg_opts *o);
/* True for the root's entity name. */
bool cg_is_root(const char *name);
/* PEM of cert (if non-NULL) followed by chain; malloc'd. */
char *cg_pem_join(X509 *cert, STACK_OF(X509) *chain, size_t *len);

/* ---- issuing (issue.c) ---- */
typedef struct cg_issue_req {
	const char *name;    /* entity name */
	const char *kind;    /* intermediate, leaf, client, cross, responder */
	const cg_spec *spec; /* key, profile, names; times 0 mean "now" and "now + days" */
	long days;
	cg_ent *issuer;      /* loaded with its key */
	bool check;          /* evaluate with libtrust before writing */
	bool client;         /* tls-client instead of tls-server */
	const char *host;
	const char *ip;
	bool nokey;          /* spec->key is someone else's: write no key.pem (cross) */
	bool exact;          /* keep the spec's times even past the issuer's notAfter */
	const char *cert_file; /* also write the certificate here (--cert-file), or NULL */
	const char *key_file;  /* also write the key here (--key-file), or NULL */
	int scts;              /* embed SCTs from the first `scts` test CT logs (--sct) */
	int sct_tls;           /* NAME/serverinfo.pem: SCTs for the TLS extension (--sct-tls) */
	bool sct_bad;          /* the last SCT's signature covers other bytes (--sct-bad) */
} cg_issue_req;

/* Refuses existing --cert-file/--key-file targets (unless force) and makes their directories. */
int cg_copies_ok(const cg_opts *o, const char *cert_file, const char *key_file);
/* Writes cert (0644) and key (0600, if both given) to the --cert-file/--key-file paths. */
int cg_write_copies(const cg_opts *o, X509 *cert, EVP_PKEY *key, const char *cert_file,
		    const char *key_file);
/* Sets q's host or ip to what a leaf named first must match (a wildcard: www.DOMAIN) (cmd_leaf.c). */
void cg_check_target(cg_issue_req *q, const char *first, char *host, size_t n);
/* Signs, checks, writes and records one certificate; returns an exit code. */
int cg_issue(const cg_opts *o, cg_state *st, const cg_issue_req *q);
/* Warns when a leaf's validity passes a platform limit, naming the platform. */
void cg_warn_days(const cg_opts *o, long days);
/* notAfter as seconds since the epoch. */
int64_t cg_not_after(const X509 *x);

/* ---- post-issue check with libtrust (check.c) ---- */
/*
 * Evaluates cert + chain against root under tls-server (or tls-client) with
 * host/ip; returns 1 trusted, 0 rejected (reason copied to reason/message), -1 error.
 */
int cg_check(X509 *root, X509 *cert, STACK_OF(X509) *chain, bool client, const char *host,
	     const char *ip, char *reason, size_t rn, char *message, size_t mn);

/* ---- names (names.c) ---- */
/* Refuses (message, CG_USAGE or CG_REFUSED) an entity name that collides with
 * the state's own files or another name's directory, whose directory is a
 * symbolic link, or that exists without --force; CG_OK if it may be written. */
int cg_name_usable(const cg_opts *o, cg_state *st, const char *name);
/* Checks one leaf/client name (DNS, IP, e-mail, URI) with libtrust's name
 * syntax; NULL if fine, else why not (static text). */
const char *cg_name_syntax(const char *name);
/* Encodes a nameConstraints value (OpenSSL config syntax) and checks every
 * subtree with libtrust's rules; CG_OK, or CG_USAGE naming the bad one. */
int cg_nc_check(const char *nc_conf);
/* s with control characters (C0, DEL, C1) as \xHH, in one of a few rotating buffers. */
const char *cg_esc(const char *s);

/* ---- transaction helper (txn.c) ---- */
/*
 * Locks DIR, loads its state, and finishes a change a killed certgen left
 * journalled (or removes one it left unjournalled); CG_REFUSED if another
 * certgen holds the lock, CG_USAGE on errors.
 */
int cg_begin(const cg_opts *o, cg_state *st, int *lockfd);
/* Creates an empty staging directory DIR/.stage.D for entity directory D; its path in out. */
int cg_txn_stage_dir(const cg_opts *o, const char *d, char *out, size_t n);
/* Stages one file to replace DIR/REL (written beside it as .stage.NAME) and journals the switch. */
int cg_txn_stage_file(const cg_opts *o, cg_state *st, const char *rel, const void *data,
		      size_t len, int mode);
/*
 * The switch: saves the state with its journal (the commit point), performs
 * the journal's renames, then saves the state without it.  A kill before the
 * first save leaves the old state (staged files are removed by the next
 * command); after it, the next command finishes the renames.
 */
int cg_txn_commit(const cg_opts *o, cg_state *st);
/* Saves (if save and the state changed) and unlocks; returns rc or an error code. */
int cg_end(const cg_opts *o, cg_state *st, int lockfd, bool save, int rc);

/* ---- declarative hierarchies (fixture.c, docs/fixtures.md) ---- */
/* Fails with "SRC: WHAT: unknown key 'K'" unless obj is an object whose keys are all in keys
 * (NULL-terminated); CG_OK or CG_USAGE. */
int cg_fx_known_keys(const char *src, const char *what, void *obj, const char *const *keys);
/*
 * Builds the certificates (a jansson array) of one hierarchy and writes its files (an array)
 * under OUTDIR[/SUB]; ${name} in strings is replaced from vars (an object, or NULL).  Every
 * certificate is built before anything is written.  src and where (a case name or NULL) name
 * the document in messages.  CG_OK or CG_USAGE with a message.
 */
int cg_fx_build(const cg_opts *o, const char *src, const char *where, void *certs, void *files,
		void *vars, const char *outdir, const char *sub);

/* Replaces ${name} in every string of a JSON value, in place, from vars (an object of
 * strings); 0, or -1 with the unknown variable's name copied to unknown. */
int cg_fx_subst(void *json, void *vars, char unknown[64]);
/* Parses a fixture document (strictly: unknown keys, duplicates and a missing "format": 1 are
 * errors naming src); a jansson json_t* to json_decref, or NULL with a message. */
void *cg_doc_parse(const char *src, const char *text, size_t len);
/* cg_doc_parse of a file. */
void *cg_doc_load(const char *path);
/* Cases of a catalogue document (0 for a single hierarchy), and a case's string field. */
size_t cg_doc_ncases(void *doc);
const char *cg_doc_case_field(void *doc, size_t i, const char *field);
/*
 * Builds a document under outdir: a hierarchy's files, or each case (only the one named
 * `only`, when set) into outdir/CASE/ with case.json.  var_over (object or NULL) overrides the
 * document's vars.  report (a json array or NULL) receives the files or cases written.
 * CG_OK, CG_REFUSED (a file exists, no --force) or CG_USAGE.
 */
int cg_doc_apply(const cg_opts *o, const char *src, void *doc, void *var_over, const char *only,
		 const char *outdir, void *report);
/* The `certgen bad` catalogue: fixtures/bad.json compiled in (generated bad_catalogue.c). */
extern const char cg_bad_catalogue[];

/* A signed v2 CRL listing `revoked` (cmd_revoke.c); NULL on failure. */
X509_CRL *cg_crl_build(X509 *issuer, EVP_PKEY *key, const cg_entry *const *revoked, size_t n,
			long number, long days);
/* RFC 5280 CRLReason code of a reason name (case-insensitive), -1 if unknown (cmd_revoke.c). */
int cg_reason_code(const char *r);
/* PEM text of a CRL, malloc'd. */
char *cg_crl_pem(X509_CRL *crl, size_t *len);

/* ---- test CT logs (ct_log.c) ---- */
/* DIR/ct/log-list.json into buf; returns buf. */
const char *cg_ct_list_path(char *buf, size_t n, const cg_opts *o);
/* True for a usable log name: 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'. */
bool cg_ct_name_ok(const char *name);
/* The directory's log list (a jansson json_t* to json_decref; an empty list if there is
 * none yet), or NULL with a message. */
void *cg_ct_list_load(const cg_opts *o);
/* The log entry called `name`, or with name NULL the *index-th log; NULL if none (then,
 * with a name and index, *index is the number of logs). */
void *cg_ct_list_find(void *doc, const char *name, size_t *index);
/* Stages the list (log_list_timestamp set to now) in st's journal. */
int cg_ct_list_stage(const cg_opts *o, cg_state *st, void *doc);
/* Adds log NAME (new P-256 key staged as DIR/ct/NAME-key.pem, 0600; state usable since
 * now) to doc under `operator_name` (NULL: an operator of its own); the key goes to
 * *key_out when non-NULL (caller frees).  The caller stages the list. */
int cg_ct_log_add(const cg_opts *o, cg_state *st, void *doc, const char *name,
		  const char *operator_name, EVP_PKEY **key_out);
/* Keys of the list's first n logs into keys[] (caller frees), creating log1, log2, ...
 * when fewer exist (staged in st's journal with the list). */
int cg_ct_logs_for(const cg_opts *o, cg_state *st, size_t n, EVP_PKEY **keys);
/* Replaces *x (issued by issuer) by the RFC 6962 precertificate flow's final certificate
 * with SCTs from the n log keys; with bad, the last SCT signs other bytes. */
int cg_ct_embed(X509 **x, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *const *logs, size_t n,
		bool bad);

/* A SignedCertificateTimestampList (the TLS extension's body; OPENSSL_free *der) of
 * X.509-entry SCTs for cert from the n log keys. */
int cg_ct_tls_list(X509 *cert, EVP_PKEY *const *logs, size_t n, unsigned char **der,
		   size_t *der_len);

/* Writes DIR/NAME/serverinfo.pem: the TLS signed_certificate_timestamp extension with
 * X.509-entry SCTs for x from the n log keys, for openssl s_server -serverinfo. */
int cg_ct_write_serverinfo(const cg_opts *o, const char *name, X509 *x, EVP_PKEY *const *logs,
			   size_t n);

/* SPKI SHA-256 of a certificate, base64 (the ATS pin) into out (cmd_export.c). */
int cg_spki_pin(const X509 *x, char out[64]);

/* ---- commands ---- */
int cmd_ca(const cg_opts *o, int argc, char **argv);
int cmd_intermediate(const cg_opts *o, int argc, char **argv);
int cmd_leaf(const cg_opts *o, int argc, char **argv);
int cmd_client(const cg_opts *o, int argc, char **argv);
int cmd_cross(const cg_opts *o, int argc, char **argv);
int cmd_revoke(const cg_opts *o, int argc, char **argv);
int cmd_crl(const cg_opts *o, int argc, char **argv);
int cmd_ocsp(const cg_opts *o, int argc, char **argv);
int cmd_responder(const cg_opts *o, int argc, char **argv);
int cmd_p12(const cg_opts *o, int argc, char **argv);
int cmd_bundle(const cg_opts *o, int argc, char **argv);
int cmd_pin(const cg_opts *o, int argc, char **argv);
int cmd_mobileconfig(const cg_opts *o, int argc, char **argv);
int cmd_android(const cg_opts *o, int argc, char **argv);
int cmd_bad(const cg_opts *o, int argc, char **argv);
int cmd_list(const cg_opts *o, int argc, char **argv);
/* The state's hierarchy as Graphviz DOT on stdout (list_dot.c); superseded entries with all. */
void cg_list_dot(const cg_state *st, bool all);
int cmd_apply(const cg_opts *o, int argc, char **argv);
int cmd_sign(const cg_opts *o, int argc, char **argv);
int cmd_renew(const cg_opts *o, int argc, char **argv);
int cmd_install(const cg_opts *o, int argc, char **argv);
int cmd_uninstall(const cg_opts *o, int argc, char **argv);
int cmd_serve(const cg_opts *o, int argc, char **argv);
int cmd_ct_log(const cg_opts *o, int argc, char **argv);

/* Looks a command up by name (for per-command --help). */
const cg_cmd *cg_cmd_find(const char *name);

#endif
