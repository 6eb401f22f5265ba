/*
 * Internal types shared by libtrust's stages.  Nothing here is installed.
 *
 * Every certificate is parsed once into a trust_cert record holding the facts
 * path building and validation need, so later stages never re-decode DER.
 */
#ifndef TRUST_INTERNAL_H
#define TRUST_INTERNAL_H

#include "ids.h"

#include <trust.h>

#include <openssl/asn1t.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <openssl/err.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>

#define TRUST_HIDDEN __attribute__((visibility("hidden")))

/* The one DN form of every report and message: RFC 2253 order and escaping,
 * UTF-8 kept as UTF-8 ("CN=good.example.com,O=Example"). */
#define TRUST_DN_FLAGS (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)

/* Largest input file we read: a system bundle is ~220 KB and a pool of 10,000
 * intermediates ~7 MB; anything larger is refused before it is parsed. */
#define TRUST_MAX_FILE_BYTES (8u * 1024u * 1024u)
/* Most certificates one file or memory blob may hold. */
#define TRUST_MAX_CERTS_PER_INPUT 10000u

/* ---- error helpers (error.c) ---- */
TRUST_HIDDEN int terr_set(trust_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* true if OpenSSL's error queue says the last call failed inside the library
 * (no memory, internal error) rather than on its input.  Empties the queue. */
TRUST_HIDDEN bool terr_ossl_internal(void);
/* ERR_clear_error when OpenSSL's queue holds an error: clearing walks all
 * its slots (about 800 instructions), and on the hot paths the queue is
 * nearly always empty, which ERR_peek_error tells for a fraction of that. */
TRUST_HIDDEN void terr_ossl_clear(void);
/* true if OpenSSL started: an allocation that fails during its own start-up
 * leaves it unusable (OpenSSL 3.0 then crashes or leaks on later use), so the
 * constructors that precede any OpenSSL call (a chain, a store builder, a CT
 * log list) and certgen ask first and fail with "out of memory" instead.  After
 * the first success it is one atomic load. */
TRUST_HIDDEN bool terr_ossl_ready(void);

/* ---- certificate template (cert_asn1.c) ---- */

/*
 * libtrust's own ASN.1 template for Certificate (RFC 5280 §4.1), built from
 * OpenSSL's asn1t.h macros with the same shape as OpenSSL's X509 item, so
 * d2i accepts and rejects the same bytes.  The differences are the point:
 * the SubjectPublicKeyInfo stays raw (OpenSSL 3.0 runs its provider decoder
 * on every key it parses, three quarters of a d2i_X509), names are checked
 * but kept as received bytes (TASN1_NAME; the X509_NAME and its canonical
 * encoding are made on first use), and there is no extension cache, SHA-1
 * fingerprint or one-line name to build.  The TBS and
 * SPKI keep their received encoding (ASN1_SEQUENCE_enc), so a signature is
 * checked over exactly the bytes that arrived.
 */
typedef struct tasn1_spki {
	X509_ALGOR *alg;
	ASN1_BIT_STRING *key;
	ASN1_ENCODING enc;
} TASN1_SPKI;

/* A Name as received: its bytes inside the parsed buffer (which must outlive
 * the parse), checked as d2i_X509_NAME checks them; see cert_asn1.c. */
typedef struct tasn1_name {
	const unsigned char *der;
	size_t len;
	int entries;             /* attributes, all RDNs together */
	uint64_t shape;          /* hash of the attribute types, RDN by RDN */
	uint64_t canon;          /* hash of types and canonical values, 0 unless all ASCII */
	_Atomic(X509_NAME *) x;  /* made on first use */
} TASN1_NAME;

typedef struct tasn1_tbs {
	ASN1_INTEGER *version;   /* NULL for v1 */
	ASN1_INTEGER *serial;
	X509_ALGOR *sigalg;      /* the signature field inside the signed part */
	TASN1_NAME *issuer;
	X509_VAL *validity;
	TASN1_NAME *subject;
	TASN1_SPKI *spki;
	ASN1_BIT_STRING *issuer_uid;
	ASN1_BIT_STRING *subject_uid;
	STACK_OF(X509_EXTENSION) *exts; /* NULL if absent */
	ASN1_ENCODING enc;
} TASN1_TBS;

typedef struct tasn1_cert {
	TASN1_TBS *tbs;
	X509_ALGOR *sigalg;      /* the outer signatureAlgorithm */
	ASN1_BIT_STRING *sig;
} TASN1_CERT;

/* Parses exactly `len` bytes of DER; NULL (errors cleared) if it is not one
 * certificate.  The result points into `der` (names), which must outlive it.
 * `hint` (may be NULL): a parsed name this certificate may repeat byte for
 * byte (the issuer of the certificate before it in a chain); such a name is
 * not decoded again.  The hint's bytes must outlive the call only. */
TRUST_HIDDEN TASN1_CERT *tasn1_cert_parse(const unsigned char *der, size_t len,
					  const TASN1_NAME *hint);
TRUST_HIDDEN void tasn1_cert_free(TASN1_CERT *t);
/* The X509_NAME of a parsed name, decoded on first use (thread-safe); NULL
 * if it cannot be made (no memory). */
TRUST_HIDDEN X509_NAME *tasn1_name_x509(TASN1_NAME *n);
/* X509_verify's checks over the received TBS bytes: 1 valid, 0 not. */
TRUST_HIDDEN int tasn1_cert_verify(const TASN1_CERT *t, EVP_PKEY *issuer_key);
/* RSAPublicKey's modulus and exponent from the raw key bytes (caller frees);
 * false if malformed (decoded as OpenSSL decodes RSAPublicKey). */
TRUST_HIDDEN bool tasn1_rsa_parts(const unsigned char *key, size_t len, BIGNUM **n, BIGNUM **e);

/* SHA-256 through a digest fetched once (hash.c); false if it could not be
 * computed (no memory), and then `out` must not be used. */
TRUST_HIDDEN bool tsha256(const void *data, size_t len, unsigned char out[32]);
/* SHA-256, -384 or -512 by NID, fetched once (hash.c); NULL for others. */
TRUST_HIDDEN const EVP_MD *tdigest_md(int nid);
/* 64-bit FNV-1a of a raw DER name: the store's index key, not a security hash. */
TRUST_HIDDEN uint64_t tname_key(const unsigned char *der, size_t len);

/* ---- certificate record (cert.c, cert_ext.c, cert_key.c) ---- */

/* keyUsage bits as X509_get_key_usage reports them (KU_*), or TCERT_KU_ABSENT. */
#define TCERT_KU_ABSENT 0xFFFFFFFFu
/* Bits of trust_cert.clean. */
#define TCERT_CLEAN_EXTS 0x1u   /* check_ext.c: no duplicate, undecodable or unknown critical extension */
#define TCERT_CLEAN_SIGALG 0x2u /* check_algs.c: an accepted signature algorithm (as a non-anchor) */
/* Extensions a record indexes by NID; a certificate with more is looked up by OpenSSL. */
#define TCERT_MAX_EXT_NIDS 16

struct trust_cert {
	atomic_int refs;
	/*
	 * A record is a set of DER slices plus the few facts path building reads
	 * on every candidate; anything costlier is made on first use.
	 *
	 * Anchors and pool entries are "lazy": loading keeps only the DER and
	 * the position of the raw subject name in it, which is all the index
	 * needs; the template parse happens when path building first touches
	 * the certificate (tcert_ready).  Presented certificates are parsed at
	 * once.  Fields from `ready` down are valid only once it is set.
	 */
	unsigned char *der;      /* the certificate as received, owned */
	size_t der_len;
	const unsigned char *subject_der; /* raw subject Name inside der */
	size_t subject_der_len;
	uint64_t subject_key;    /* tname_key of the raw subject */
	uint64_t issuer_key;     /* tname_key of the raw issuer (ready records) */
	atomic_bool ready;
	TASN1_CERT *t;           /* template parse; NULL until ready (or if malformed) */
	_Atomic(X509 *) x509;    /* made on first use: API callers, CRL checks */
	_Atomic(EVP_PKEY *) pkey; /* decoded on first signature check with this key */
	/* A verification context set up once for this key and the digest of the
	 * first signature checked with it (cert_key.c), copied for each check. */
	_Atomic(struct tverify_ctx *) verify_ctx;
	_Atomic(char *) subject_str;  /* RFC 2253 one-liner, made on first use */
	_Atomic(char *) issuer_str;
	_Atomic(unsigned char *) spki_sha256; /* 32 bytes, made on first use */
	char *source;            /* file name or "memory" */
	unsigned char sha256[32];     /* DER hash, the report's id: made on first
				       * use (trust_cert_sha256), when sha256_done */
	atomic_bool sha256_done;
	/* Made on first use (tcert_tbs_sha256, tcert_signed_key); `hashes`
	 * says which are set (TCERT_HASH_*). */
	atomic_uint hashes;
	unsigned char tbs_sha256[32]; /* SHA-256 of the TBS bytes */
	unsigned char signed_key[32]; /* SHA-256(tbs_sha256 || algorithm and
				       * signature as received): the signed
				       * data's part of the signature-cache key */
	/* Extension facts, with the meaning OpenSSL's extension cache gives them
	 * (cert_ext.c); owned. */
	ASN1_OCTET_STRING *ski;       /* NULL if absent */
	AUTHORITY_KEYID *aki;         /* NULL if absent */
	const ASN1_OCTET_STRING *aki_keyid; /* in aki, NULL if absent */
	int64_t not_before, not_after;
	long version;            /* 0 = v1, 2 = v3 */
	bool self_issued;        /* subject == issuer (canonical) */
	bool is_ca;              /* basicConstraints cA TRUE */
	bool has_bc;
	bool bc_critical;
	long pathlen;            /* -1 if absent */
	uint32_t ku;             /* KU_* bits, or TCERT_KU_ABSENT */
	uint32_t xku;            /* XKU_* bits; meaningful if has_eku */
	bool has_eku;
	uint32_t ex_flags;       /* EXFLAG_* as OpenSSL's cache would set them */
	/* Subject key facts read from the SPKI without decoding the key (cert_key.c). */
	bool key_ok;             /* the key would decode */
	BIGNUM *rsa_n, *rsa_e;   /* an RSA key's parts, read once: an issuer's key
				  * is made from them (cert_key.c); owned */
	int pkey_type;           /* EVP_PKEY_base_id equivalent */
	int pkey_bits;
	int curve_nid;           /* EC named curve, NID_undef otherwise */
	int sig_nid;             /* signature algorithm */
	int sig_md_nid;          /* digest of the signature, NID_undef for Ed25519 */
	/* Answers validation needs on every evaluation, kept once computed (a
	 * record never changes, so neither do they). */
	atomic_bool san_done;    /* san and san_crit are set (tcert_san) */
	int san_crit;            /* tcert_ext_d2i's crit for subjectAltName */
	GENERAL_NAMES *san;      /* the decoded subjectAltName, or NULL; owned */
	atomic_uint clean;       /* TCERT_CLEAN_*: per-certificate rules that found
				  * nothing wrong (only a clean answer is kept) */
	/* The NID of each extension, in order, for tcert_ext_index (validation
	 * asks a dozen times per evaluation; OpenSSL's lookup compares OIDs). */
	bool ext_nids_ok;        /* filled (at most TCERT_MAX_EXT_NIDS extensions) */
	int n_ext_nids;
	int ext_nids[TCERT_MAX_EXT_NIDS];
};

/* Parses DER into a new record (refs = 1); NULL with err set on failure. */
TRUST_HIDDEN trust_cert *tcert_from_der(const unsigned char *der, size_t len, const char *source,
					size_t index, trust_error *err);
/* The same, for the certificate after `prev` in a list (may be NULL): a
 * name repeating prev's issuer name byte for byte is not decoded again. */
TRUST_HIDDEN trust_cert *tcert_from_der_after(const unsigned char *der, size_t len,
					      const char *source, size_t index,
					      const trust_cert *prev, trust_error *err);
/* Records DER and subject only; the rest is parsed by tcert_ready on first use. */
TRUST_HIDDEN trust_cert *tcert_lazy_from_der(const unsigned char *der, size_t len,
					     const char *source, size_t index, trust_error *err);
/* Finds the raw subject Name inside a certificate's DER by stepping over the
 * elements before it (nothing decoded); false if the DER is not shaped so. */
TRUST_HIDDEN bool tcert_locate_subject(const unsigned char *der, size_t len,
				       const unsigned char **out, long *out_len);
/* Completes a lazy record (thread-safe); false if the certificate cannot be parsed. */
TRUST_HIDDEN bool tcert_ready(const trust_cert *c);
/* The same, given a parsed name the certificate likely carries byte for byte
 * (a child's issuer name, for an issuer found by it): not decoded again. */
TRUST_HIDDEN bool tcert_ready_named(const trust_cert *c, const TASN1_NAME *name);
#define TCERT_HASH_TBS 1u
#define TCERT_HASH_SIGNED 2u
/* A ready record's TBS digest and signature-cache key of its signed data,
 * made on first use; NULL when that failed (no memory). */
TRUST_HIDDEN const unsigned char *tcert_tbs_sha256(const trust_cert *c);
TRUST_HIDDEN const unsigned char *tcert_signed_key(const trust_cert *c);
/* Wraps an X509 (takes a reference). */
TRUST_HIDDEN trust_cert *tcert_from_x509(X509 *x509, const char *source, trust_error *err);
TRUST_HIDDEN trust_cert *tcert_ref(trust_cert *c);
TRUST_HIDDEN void tcert_unref(trust_cert *c);
/* 1 if subject of `issuer` equals issuer name of `child`: the same raw bytes,
 * or else the same canonical DN (both records ready). */
TRUST_HIDDEN bool tcert_names_chain(const trust_cert *issuer, const trust_cert *child);
/* 1 if the issuer name of `child` is byte for byte the subject of `issuer`
 * (issuer may be lazy). */
TRUST_HIDDEN bool tcert_names_chain_raw(const trust_cert *issuer, const trust_cert *child);
/* X509_NAME_hash_ex of the subject (or issuer) of a ready record: the
 * canonical-DN bucket, computed when asked; false if it could not be. */
TRUST_HIDDEN bool tcert_name_hash(const trust_cert *c, bool subject, unsigned long *out);
/* 1 if the two records carry the same DER. */
TRUST_HIDDEN bool tcert_same(const trust_cert *a, const trust_cert *b);

/* Accessors on a ready record.  Decoded fields are owned by the record. */
/* Subject (issuer) name as an X509_NAME, decoded on first use; NULL if it
 * cannot be made (no memory): callers fail closed. */
TRUST_HIDDEN const X509_NAME *tcert_subject_name(const trust_cert *c);
TRUST_HIDDEN const X509_NAME *tcert_issuer_name(const trust_cert *c);
/* The issuer name as received (inside the record's DER). */
TRUST_HIDDEN const unsigned char *tcert_issuer_der(const trust_cert *c, size_t *len);
/* Attributes in the subject (issuer) name, without decoding it. */
TRUST_HIDDEN int tcert_name_entries(const trust_cert *c, bool subject);
/* The same subject name (RFC 5280 §7.1), or it could not be told. */
TRUST_HIDDEN bool tcert_same_subject(const trust_cert *a, const trust_cert *b);
TRUST_HIDDEN const ASN1_INTEGER *tcert_serial(const trust_cert *c);
/* Outer signatureAlgorithm and the one inside the signed part. */
TRUST_HIDDEN const X509_ALGOR *tcert_sigalg(const trust_cert *c);
TRUST_HIDDEN const X509_ALGOR *tcert_tbs_sigalg(const trust_cert *c);
/* The extension list (never NULL for a ready record; may be empty). */
TRUST_HIDDEN const STACK_OF(X509_EXTENSION) *tcert_exts(const trust_cert *c);
/* Index of the first extension with this NID after lastpos, or -1. */
TRUST_HIDDEN int tcert_ext_index(const trust_cert *c, int nid, int lastpos);
/* X509_get_ext_d2i on the record: a new decoded value the caller frees, or NULL
 * (*crit: -1 absent, -2 more than one, else the criticality). */
/* "RSA", "EC", "Ed25519", ... for an EVP_PKEY type id, or its short name (report_certinfo.c). */
TRUST_HIDDEN const char *tcert_key_type_name(int pkey_type);
TRUST_HIDDEN void *tcert_ext_d2i(const trust_cert *c, int nid, int *crit);
/* 1 if the extension with this NID is present and critical. */
TRUST_HIDDEN bool tcert_ext_critical(const trust_cert *c, int nid);
/* The X509 for OpenSSL APIs, made on first use; NULL if it cannot be. */
TRUST_HIDDEN X509 *tcert_x509(const trust_cert *c);
/* The subject public key, decoded once on first use; NULL if it does not decode. */
TRUST_HIDDEN EVP_PKEY *tcert_pkey(const trust_cert *c);
/* Frees what tcert_verify_signed_by kept on the issuer's record. */
TRUST_HIDDEN void tcert_free_verify_ctx(struct tverify_ctx *v);
/* Signature on `child` under `issuer`'s key, no cache: 1 valid, 0 not. */
TRUST_HIDDEN int tcert_verify_signed_by(const trust_cert *child, const trust_cert *issuer);
/* Signature info as X509_get_signature_info gives it; false if unsupported. */
TRUST_HIDDEN bool tcert_signature_info(const trust_cert *c, int *md, int *pk);

/* The subjectAltName, decoded once per record (thread-safe); borrowed.  *crit
 * as tcert_ext_d2i gives it: -1 absent, -2 repeated, else the criticality
 * (with NULL: present but undecodable).  (cert_ext.c) */
TRUST_HIDDEN const GENERAL_NAMES *tcert_san(const trust_cert *c, int *crit);
/* Whether a per-certificate rule already found c clean; marking is for clean answers only. */
static inline bool tcert_is_clean(const trust_cert *c, unsigned bit)
{
	return (atomic_load_explicit(&((trust_cert *)c)->clean, memory_order_acquire) & bit) == bit;
}
static inline void tcert_mark_clean(const trust_cert *c, unsigned bit)
{
	atomic_fetch_or_explicit(&((trust_cert *)c)->clean, bit, memory_order_release);
}
/* Extension facts (cert_ext.c): fills ski, aki, ku, xku, bc, ex_flags. */
TRUST_HIDDEN int tcert_fill_extensions(trust_cert *c);
/* Key facts (cert_key.c): fills key_ok, pkey_type, pkey_bits, curve_nid, sig_*. */
TRUST_HIDDEN void tcert_fill_key(trust_cert *c);

/* ---- loading (load.c) ---- */

/* Things skipped while loading, said to the user but not errors ("DIR/key.pem:
 * skipped, a private key"). */
typedef struct tnotes {
	char **v;
	size_t n;
} tnotes;

/* Appends a formatted note (silently dropped when memory is short). */
TRUST_HIDDEN void tnotes_add(tnotes *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
TRUST_HIDDEN void tnotes_clear(tnotes *t);

/*
 * A stored certificate as loading leaves it: where its DER is, where the raw
 * subject Name sits inside it and that name's index key; nothing decoded and
 * no record.  The record (trust_cert) is made the first time path building
 * touches the certificate (tstore_cert), so a pool of 10,000 intermediates
 * costs its DER plus 48 bytes each.
 */
typedef struct tslot {
	const unsigned char *der;   /* in the stash's chunks */
	uint32_t der_len;
	uint32_t subject_off, subject_len;
	uint32_t source;            /* index into the stash's input names */
	uint64_t subject_key;       /* tname_key of the raw subject */
	_Atomic(trust_cert *) cert; /* the record, made on first use; owned */
	trust_origin origin;        /* NONE for pool entries */
	uint32_t order;             /* input order, the last tie-break */
} tslot;

/* DER bump-allocated in chunks that never move, so slots point into them. */
typedef struct tder_chunk {
	struct tder_chunk *next;
	size_t used, cap;
	unsigned char data[];
} tder_chunk;

/* The certificates of a store (or of a builder being filled): slots, their
 * DER and the names of the inputs they came from.  (stash.c) */
typedef struct tstash {
	tslot *v;
	size_t n, cap;
	tder_chunk *chunks;
	char **names;
	size_t nnames, capnames;
} tstash;

/* Room for `max` bytes of DER at the end of the current chunk; NULL if no memory. */
TRUST_HIDDEN unsigned char *tstash_reserve(tstash *s, size_t max);
/* Makes a slot of `len` DER bytes written at the last tstash_reserve: locates
 * the subject (nothing else is parsed).  "NAME: certificate INDEX+1: truncated
 * or malformed DER" if it cannot be located. */
TRUST_HIDDEN int tstash_commit(tstash *s, size_t len, const char *name, size_t index,
			       trust_error *err);
/* Drops the slots from n on (their DER stays in the chunks until freed). */
TRUST_HIDDEN void tstash_truncate(tstash *s, size_t n);
TRUST_HIDDEN void tstash_clear(tstash *s);
/* The record of slot i, made on first use (thread-safe) and owned by the
 * stash; it may still fail tcert_ready.  NULL if there is no memory. */
TRUST_HIDDEN trust_cert *tstash_cert(const tstash *s, size_t i);

typedef struct tcert_list {
	trust_cert **v;
	size_t n, cap;
	tstash *stash;        /* store loads: certificates go here as slots, not records (borrowed) */
	const char *password; /* for PKCS#12 input, or NULL (borrowed) */
	tnotes *notes;        /* where loading notes go, or NULL (borrowed) */
} tcert_list;

TRUST_HIDDEN int tcert_list_push(tcert_list *l, trust_cert *c); /* takes the reference */
TRUST_HIDDEN void tcert_list_clear(tcert_list *l);
/* Certificates loaded so far: records, or the stash's slots. */
TRUST_HIDDEN size_t tcert_list_count(const tcert_list *l);
/* One certificate's DER into `out`: a parsed record, or with a stash a slot.
 * The error names `name` and the 1-based index. */
TRUST_HIDDEN int tload_push_der(tcert_list *out, const unsigned char *der, size_t len,
				const char *name, size_t index, trust_error *err);
/* Reads a whole file into memory with the size limit; caller frees *out. */
TRUST_HIDDEN int tload_file(unsigned char **out, size_t *len, const char *path, trust_error *err);
/* A file's bytes (tload_file) given to parse(out, text, len, path, err): how the JSON
 * inputs (policies, CT log lists) are read from files.  `out` is passed through. */
typedef int (*tparse_fn)(void *out, const char *text, size_t len, const char *source,
			 trust_error *err);
TRUST_HIDDEN int tload_parse_file(void *out, const char *path, tparse_fn parse, trust_error *err);
/* Parses PEM (one or many) or DER bytes, appending records to `out`. */
TRUST_HIDDEN int tload_certs_mem(tcert_list *out, const unsigned char *data, size_t len,
				 const char *name, trust_error *err);
/* 1 if the bytes contain a PEM BEGIN line. */
TRUST_HIDDEN bool tload_is_pem(const unsigned char *data, size_t len);
/* One OpenSSL certificate (re-encoded) into `out`, as tload_push_der (load_containers.c). */
TRUST_HIDDEN int tload_push_x509(tcert_list *out, X509 *x, const char *name, size_t index,
				 trust_error *err);
/* PEM bundle read by slicing and base64 only, into the list's stash (load_pem.c);
 * TLOAD_FALLBACK when the input needs PEM_read_bio instead (nothing added). */
#define TLOAD_FALLBACK (-100)
TRUST_HIDDEN int tload_pem_sliced(tcert_list *out, const unsigned char *data, size_t len,
				  const char *name, trust_error *err);
/* Containers (load_containers.c).  TLOAD_NOT_CONTAINER: plain DER, read it as such. */
#define TLOAD_NOT_CONTAINER 1
/* PKCS#7 or PKCS#12 DER (without a password) into `out`, or TLOAD_NOT_CONTAINER. */
TRUST_HIDDEN int tload_container(tcert_list *out, const unsigned char *data, size_t len,
				 const char *name, trust_error *err);
/* The certificates of a PKCS#7 bundle (DER). */
TRUST_HIDDEN int tload_pkcs7_der(tcert_list *out, const unsigned char *der, size_t len,
				 const char *name, trust_error *err);
/* The certificates of a PKCS#12 file, leaf first; password NULL tries none. */
TRUST_HIDDEN int tload_pkcs12(tcert_list *out, const unsigned char *der, size_t len,
			      const char *name, const char *password, trust_error *err);
/* Loads a file or every certificate file in a directory. */
TRUST_HIDDEN int tload_certs_path(tcert_list *out, const char *path, trust_error *err);

/* ---- anchor sources (anchor_sources.c) ---- */

/* Immutable once the store is finished; reference counted so results keep it. */
typedef struct tanchor_sources tanchor_sources;
/* Appends (origin, path, count), creating *list on first use. */
TRUST_HIDDEN int tanchor_sources_add(tanchor_sources **list, trust_origin origin,
				     const char *path, size_t count);
TRUST_HIDDEN tanchor_sources *tanchor_sources_ref(tanchor_sources *l);
TRUST_HIDDEN void tanchor_sources_unref(tanchor_sources *l);
TRUST_HIDDEN size_t tanchor_sources_count(const tanchor_sources *l);
TRUST_HIDDEN const trust_anchor_source *tanchor_sources_get(const tanchor_sources *l, size_t i);
/* 1 if every anchor came from the system store (advice then differs). */
TRUST_HIDDEN bool tanchor_sources_system_only(const tanchor_sources *l);

/* ---- store (store.c) ---- */

/* Successful OCSP responses of the store (store.c loads, check_ocsp.c judges). */
typedef struct tocsp_list {
	OCSP_BASICRESP **v;
	size_t n, cap;
} tocsp_list;

typedef struct tcrl_list {
	X509_CRL **v;
	size_t n, cap;
} tcrl_list;

struct trust_cert_entry {
	trust_cert *cert;
	trust_origin origin; /* NONE for pool entries */
	size_t order;        /* input order, the last tie-break */
};

/* Candidate issuers for a child, already ordered by the path builder's priority. */
typedef struct tcandidates {
	struct trust_cert_entry *v;
	size_t n, cap;
} tcandidates;

struct hidx {
	uint64_t h;
	size_t i;
};

struct kidx {
	const ASN1_OCTET_STRING *ski;
	size_t i;
};

struct trust_store {
	tstash certs;             /* deduplicated, in input order */
	struct hidx *by_subject;  /* sorted by tname_key of the raw subject */
	/* by_subject's entries whose key has top bits b are [radix[b], radix[b+1]):
	 * a lookup reads one small bucket, however large the pool. */
	uint32_t *radix;
	unsigned radix_bits;
	size_t nanchors, npool;
	tcrl_list crls;
	tocsp_list ocsps;
	/* Second index, by subjectKeyIdentifier, built on first use (store_ski.c):
	 * it needs every certificate parsed, which lazy loading avoids on the
	 * hot path, and only diagnostics of failed searches ask for it. */
	pthread_mutex_t ski_mu;
	atomic_bool ski_built;
	struct kidx *by_ski;
	size_t nski;
	/* Third index, by canonical subject (X509_NAME_hash_ex), built when a
	 * search finds no subject with the issuer's raw bytes (store_canon.c). */
	pthread_mutex_t canon_mu;
	atomic_bool canon_built;
	struct hidx *by_canon;
	size_t ncanon;
	tanchor_sources *anchor_sources; /* what the anchors were read from */
};

/* Runs build(s) once, however many threads ask (the store's lazily built indexes). */
TRUST_HIDDEN void tstore_build_once(trust_store *s, pthread_mutex_t *mu, atomic_bool *built,
				    void (*build)(trust_store *s));
/* First position in v[0..n) (sorted by h) whose h is >= h. */
TRUST_HIDDEN size_t thidx_lower_bound(const struct hidx *v, size_t n, uint64_t h);
/* qsort order of struct hidx: by h, then by index. */
TRUST_HIDDEN int thidx_cmp(const void *a, const void *b);
TRUST_HIDDEN void tcandidates_clear(tcandidates *c);
TRUST_HIDDEN int tcandidates_push(tcandidates *c, const struct trust_cert_entry *e);
/* Appends every anchor and pool entry whose raw subject bytes are child's
 * issuer name; *raw_found says whether any entry had them (usable or not). */
TRUST_HIDDEN int tstore_find_issuers(const trust_store *s, const trust_cert *child,
				     tcandidates *out, bool *raw_found);
/* Appends store certificate i (its record made on first use) to out; TRUST_ENOMEM
 * if the record or the candidate cannot be stored. */
TRUST_HIDDEN int tstore_push_candidate(const trust_store *s, size_t i, tcandidates *out);
/* Store entries whose SKI equals `keyid`, whatever their subject (store_ski.c). */
TRUST_HIDDEN int tstore_find_by_ski(const trust_store *s, const ASN1_OCTET_STRING *keyid,
				    tcandidates *out);
TRUST_HIDDEN void tstore_ski_init(trust_store *s);
TRUST_HIDDEN void tstore_ski_free(trust_store *s);
/* Store entries whose subject is canonically the child's issuer name (store_canon.c). */
TRUST_HIDDEN int tstore_find_canonical(const trust_store *s, const trust_cert *child,
				       tcandidates *out);
TRUST_HIDDEN void tstore_canon_init(trust_store *s);
TRUST_HIDDEN void tstore_canon_free(trust_store *s);
/* Origin of `c` if it is an anchor in s (same DER), else TRUST_ORIGIN_NONE. */
TRUST_HIDDEN trust_origin tstore_anchor_origin(const trust_store *s, const trust_cert *c);
/* CRLs whose issuer name matches `issuer`'s subject. */
TRUST_HIDDEN const tcrl_list *tstore_crls(const trust_store *s);
TRUST_HIDDEN const tocsp_list *tstore_ocsps(const trust_store *s);
/* The basic response inside a DER OCSPResponse, or NULL with *why (a static string). */
TRUST_HIDDEN OCSP_BASICRESP *tocsp_parse(const unsigned char *der, size_t len, const char **why);
/* The SingleResponse of bs for cert/issuer (any certID hash), or NULL (check_ocsp.c). */
TRUST_HIDDEN OCSP_SINGLERESP *tocsp_find_single(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer);

/* ---- presented chain (chain.c) ---- */
struct trust_chain {
	tcert_list certs;
	char *password; /* trust_chain_set_password; cleansed when freed */
	tnotes notes;
};

/* ---- signature cache (sigcache.c) ---- */

/* TSIG_ERROR: the verification itself failed (no memory); never cached. */
typedef enum tsig_status {
	TSIG_UNKNOWN = 0,
	TSIG_VALID = 1,
	TSIG_INVALID = 2,
	TSIG_ERROR = 3
} tsig_status;

/* Cache key: the issuer's SPKI hash then the signed object's DER hash.  Both
 * are SHA-256 outputs already, so the pair is collision-resistant as it is. */
#define TSIG_KEY_LEN 64
TRUST_HIDDEN tsig_status tsigcache_get(trust_sigcache *c, const unsigned char key[TSIG_KEY_LEN]);
TRUST_HIDDEN void tsigcache_put(trust_sigcache *c, const unsigned char key[TSIG_KEY_LEN], tsig_status s);

/* ---- findings and paths (result.c) ---- */

/* Message and parameter text of a path's findings, bump-allocated in chunks
 * that never move, so a finding costs no malloc of its own.  The arena is
 * its own allocation, so findings can point at it while paths move. */
typedef struct tchunk {
	struct tchunk *next;
	size_t used, cap;
	char data[];
} tchunk;

typedef struct tarena {
	tchunk *head;
} tarena;

typedef struct tfinding {
	trust_finding pub;
	trust_param params[6];
	tarena *arena;          /* the owning path's text */
} tfinding;

typedef struct tpath {
	trust_cert **certs;     /* references held */
	trust_origin *origin;   /* per certificate */
	size_t n;
	bool complete;
	bool accepted;
	bool broken;            /* a check failed internally: never accepted */
	const char *reason;     /* id of the first error finding, or "ok" */
	int reason_cert;
	tfinding *f;
	size_t nf, capf;
	tarena *text;
} tpath;

/* Appends a finding; returns it so params can be added, or NULL on OOM (the
 * path then carries internal.no-memory instead and is never accepted). */
TRUST_HIDDEN tfinding *tpath_add(tpath *p, const char *id, trust_severity sev, int cert,
				 const char *policy, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Same with a va_list. */
TRUST_HIDDEN tfinding *tpath_vadd(tpath *p, const char *id, trust_severity sev, int cert,
				  const char *policy, const char *fmt, va_list ap);
/* Copies s into the path's text arena (lives as long as the path); NULL on OOM. */
TRUST_HIDDEN const char *tpath_strdup(tpath *p, const char *s);
/* Adds a key/value parameter to a finding (value formatted like printf). */
TRUST_HIDDEN void tfinding_param(tfinding *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 1 if the path has any error finding or an internal failure. */
TRUST_HIDDEN bool tpath_failed(const tpath *p);
/* Records that a check could not run (`what` failed in OpenSSL or for want of
 * memory): an internal.error finding on certificate `cert`, and the path is
 * never accepted, even if the finding itself cannot be stored. */
TRUST_HIDDEN void tpath_fail_internal(tpath *p, int cert, const char *what);

/* ---- search budget and evaluation context ---- */

typedef struct tbudget {
	trust_budgets lim;
	int sigs, cache_hits, appends, paths;
	long nc;
	const char *hit;   /* id of the exhausted budget */
} tbudget;

/* Replaces 0 by each budget's default and TRUST_BUDGET_ZERO by 0; TRUST_EUSAGE if
 * a budget is otherwise negative.  (evaluate.c) */
TRUST_HIDDEN int tbudgets_resolve(trust_budgets *b);

/* Rule set selected from the base policy and flags. */
typedef struct truleset {
	const char *policy_name; /* "rfc5280", "tls-server", "tls-client", "webpki" */
	bool check_names;        /* host / IP against SAN */
	int eku_nid;             /* NID_server_auth, NID_client_auth, or NID_undef for none */
	bool webpki;             /* CA/B Forum profile (TRUST_EVAL_WEBPKI_STRICT): check_webpki*.c */
} truleset;

/* How an uncovered certificate is judged (TRUST_EVAL_REVOCATION_*). */
typedef enum tv_revocation { TV_REVOCATION_SOFT, TV_REVOCATION_HARD, TV_REVOCATION_OFF } tv_revocation;

typedef struct tv_ctx {
	const trust_store *store;
	const trust_chain *chain; /* what the peer sent, for advice about its order */
	trust_sigcache *cache;    /* may be NULL */
	tbudget *budget;
	int64_t at;
	const char *host;         /* A-label, lower case, no trailing dot; or NULL */
	const unsigned char *ip;  /* 4 or 16 bytes, or NULL */
	size_t ip_len;
	const char *email;        /* reference rfc822Name, or NULL */
	const char *uri;          /* reference URI, or NULL */
	truleset rules;
	const trust_policy *policy; /* overlay stack (policy.h), or NULL */
	bool no_ct;               /* TRUST_EVAL_NO_CT */
	const trust_ct_logs *ct_logs; /* SCTs are verified against it; NULL: they cannot be */
	tv_revocation revocation; /* TRUST_EVAL_REVOCATION_* */
	const trust_connection *conn; /* what the handshake showed, or NULL (result's copy) */
} tv_ctx;

/* Verifies obj (a trust_cert or an X509_CRL) with issuer's key; 1 if the signature is good. */
typedef int (*tsig_verify_fn)(const void *obj, const trust_cert *issuer);
/*
 * The one signature check (sigcheck.c): the cache (ctx->cache, may be NULL)
 * under (issuer's SPKI hash, SHA-256 of the signed DER; NULL: uncached), then, if `budgeted`,
 * the signature budget, then `verify`, OpenSSL's error queue cleared, and the
 * answer cached.  TSIG_VALID / TSIG_INVALID; TSIG_ERROR if OpenSSL failed
 * internally (not cached); TSIG_UNKNOWN when the budget is spent (budget->hit set).
 */
TRUST_HIDDEN tsig_status tsig_check(tv_ctx *ctx, const trust_cert *issuer,
				    const unsigned char signed_sha256[32], tsig_verify_fn verify,
				    const void *obj, bool budgeted);
/* Signature of `child` by `issuer`'s key, budgeted. */
TRUST_HIDDEN tsig_status tsig_verify(tv_ctx *ctx, const trust_cert *issuer, const trust_cert *child);
/* 1 if the certificate is self-issued and its own key verifies it (not budgeted:
 * most roots lack an AKI, and this runs for each evaluation that reaches them). */
TRUST_HIDDEN bool tsig_self_signed(tv_ctx *ctx, const trust_cert *c);

/*
 * RFC 5280 §6 validation plus the rule set's names and EKU on a complete path
 * (p->certs[0] = leaf, p->certs[n-1] = anchor).  Appends findings (passes and
 * failures) to p.  Returns 0 when the path is acceptable, 1 when rejected, or
 * -1 if a budget ran out (ctx->budget->hit set).  (validate.c and friends)
 */
TRUST_HIDDEN int tvalidate_path(tv_ctx *ctx, tpath *p);

/*
 * Name constraints of every CA in the path applied to the certificates below
 * it (SAN and subject; DNS, IP, email, directory name), plus the structural
 * rules for the extension itself.  Counts comparisons in ctx->budget->nc.
 * Returns 0 ok, 1 violation (error findings added), -1 budget.  (nc.c)
 */
TRUST_HIDDEN int tnc_check_path(tv_ctx *ctx, tpath *p);

/*
 * Host / IP in ctx against the leaf's SAN (never the CN), recording a
 * names.* finding.  Returns 0 match (or nothing to check), 1 mismatch.  (names_check.c)
 */
TRUST_HIDDEN int tnames_check_leaf(tv_ctx *ctx, tpath *p);

/* Advice for dead ends (path_advice.c). */
/* The certificate's AIA caIssuers URL (printable), or "" if it names none. */
TRUST_HIDDEN void tadvice_ca_issuers(char *buf, size_t n, const trust_cert *c);
/* "in the system trust store" or "among the anchors": where an anchor was looked for. */
TRUST_HIDDEN const char *tadvice_anchor_place(const tv_ctx *ctx);
/* What to do when no issuer was found, worded for the anchors in use. */
TRUST_HIDDEN const char *tadvice_missing_issuer(const tv_ctx *ctx);

/* Depth-first search from the chain's leaf, recording paths in r.  (path_build.c) */
TRUST_HIDDEN int tbuild_paths(tv_ctx *ctx, trust_result *r, const trust_chain *chain, bool explain);

/* Name matching (names_dns.c, names_ip.c). */
/* Normalises a reference host: IDN to A-label, lower case, one trailing dot removed. */
TRUST_HIDDEN int tnames_normalize_host(char **out, const char *host, trust_error *err);
/* 1 if the SAN dNSName pattern matches the normalised host (RFC 6125 rules, libpsl). */
TRUST_HIDDEN bool tnames_dns_match(const char *pattern, size_t plen, const char *host);
/* Parses an IPv4/IPv6 literal into bytes (4 or 16); 0 on success. */
TRUST_HIDDEN int tnames_parse_ip(unsigned char out[16], size_t *len, const char *ip);
/* A SAN iPAddress in its canonical text (IPv4 dotted decimal, IPv6 RFC 5952)
 * into buf (at least 46 bytes); "" if it is not 4 or 16 bytes.  Returns buf. */
TRUST_HIDDEN const char *tnames_ip_text(char *buf, size_t len, const ASN1_OCTET_STRING *a);
/* Whether a name is a well-formed SAN dNSName (IDNs as A-labels): the LDH
 * labels tnames_dns_match accepts, none beginning or ending in '-', every
 * "xn--" label a valid A-label, a wildcard over no public suffix.  NULL if
 * so, else why not (static text).  certgen asks before issuing. */
TRUST_HIDDEN const char *tnames_host_syntax(const char *name);
/* What is wrong with a reference email (local@domain), or NULL if usable.  (names_email.c) */
TRUST_HIDDEN const char *tnames_email_syntax(const char *email);
/* 1 if SAN rfc822Name (len bytes) names `email`: local part exact, domain in any case. */
TRUST_HIDDEN bool tnames_email_match(const char *san, size_t len, const char *email);
/* What is wrong with a reference URI (scheme:rest), or NULL if usable.  (names_uri.c) */
TRUST_HIDDEN const char *tnames_uri_syntax(const char *uri);
/* 1 if SAN URI (len bytes) names `uri`: scheme and authority in any case, the rest exact. */
TRUST_HIDDEN bool tnames_uri_match(const char *san, size_t len, const char *uri);

/* ---- result internals (result.c) ---- */

struct trust_result {
	bool trusted;
	const char *reason;
	char *reason_msg;
	int reason_cert;
	int chosen;
	tpath *paths;
	size_t npaths, cappaths;
	tbudget budget;
	int64_t at;
	char *host;
	char *ip;
	char *email;
	char *uri;
	const char *policy;
	char *policy_owned;     /* the overlay's name, when one was given */
	const char *purpose;
	tanchor_sources *anchors; /* reference to the store's list */
	trust_connection *conn;   /* owned copy of the connection facts, or NULL */
};

/* ---- safe text (escape.c): the one escaper and the OID printer ---- */
#define TESC_ASCII 0x1u     /* escape every byte above 0x7e too */
#define TESC_BACKSLASH 0x2u /* escape '\\' (values whose escapes must be unambiguous) */
#define TESC_SPACE 0x4u     /* escape ' ' (a name constraint's bytes, shown exactly) */
/* n bytes of in (NULs included) into out (cap bytes), as trust_escape does, "..." when cut. */
TRUST_HIDDEN char *tescape_bytes(char *out, size_t cap, const void *in, size_t n, unsigned flags);
/* The dotted OID of o into buf ("?" if it cannot be printed). */
TRUST_HIDDEN const char *toid_text(char *buf, size_t len, const ASN1_OBJECT *o);

/* ---- times (time_fmt.c): the one RFC 3339 formatter ---- */
/* t (seconds since the epoch) as "2026-11-28T10:00:00Z" into buf (at least 32 bytes). */
TRUST_HIDDEN const char *ttime_rfc3339(char *buf, size_t n, int64_t t);
/* The same for an ASN1_TIME; an empty string if it cannot be read. */
TRUST_HIDDEN const char *ttime_rfc3339_asn1(char *buf, size_t n, const ASN1_TIME *t);
/* Now, in seconds since the epoch, from the one clock every "now" is read from. */
TRUST_HIDDEN int64_t ttime_now(void);
/* Now in milliseconds since the epoch (an SCT's timestamp), from that clock. */
TRUST_HIDDEN uint64_t ttime_now_ms(void);

/* ---- connection facts (connection.c) ---- */
/* Deep copy of in (NULL gives NULL); TRUST_EUSAGE for an unknown struct version. */
TRUST_HIDDEN int tconn_copy(trust_connection **out, const trust_connection *in);
/* Frees a copy made by tconn_copy (NULL-safe). */
TRUST_HIDDEN void tconn_free(trust_connection *c);
/* Wire version of "TLSv1.0".."TLSv1.3", or 0. */
TRUST_HIDDEN int tconn_version_of(const char *name);

TRUST_HIDDEN trust_result *tresult_new(void);
/* Adds a path (takes ownership of its contents); returns its index or -1. */
TRUST_HIDDEN tpath *tresult_new_path(trust_result *r);
TRUST_HIDDEN void tpath_clear(tpath *p);
/* Copies certs[0..n) into p (taking references). */
TRUST_HIDDEN int tpath_set_certs(tpath *p, trust_cert *const *certs, const trust_origin *origin,
				 size_t n);
/* Picks chosen path, headline reason and message (budget errors first);
 * TRUST_ENOMEM if the message cannot be stored. */
TRUST_HIDDEN int tresult_finish(trust_result *r);

#endif
