/*
 * Certificate-building helpers for validator tests: keys, certificates with
 * extensions written as OpenSSL config strings, CRLs, and evaluation with
 * finding lookup.  Dates are days relative to now, so nothing goes stale.
 */
#ifndef TESTS_SUPPORT_VALIDATE_H
#define TESTS_SUPPORT_VALIDATE_H

#include <trust.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>

/* NULL-terminated name/value pairs for X509V3_EXT_nconf ("basicConstraints", "critical,CA:TRUE"). */
typedef const char *const sv_exts[];

extern sv_exts SV_CA_EXTS;   /* CA:TRUE critical, keyCertSign+cRLSign, SKI, AKI */
extern sv_exts SV_LEAF_EXTS; /* CA:FALSE, digitalSignature, serverAuth, SAN, SKI, AKI */

typedef struct sv_spec {
	const char *cn;           /* subject CN */
	EVP_PKEY *key;            /* subject key */
	X509 *issuer;             /* NULL: self-signed with `key` */
	EVP_PKEY *issuer_key;
	long from_days, to_days;  /* validity relative to now (default -1 .. 365 when both 0) */
	int64_t not_before, not_after; /* absolute validity (seconds), instead, when not_after != 0 */
	const EVP_MD *md;         /* NULL: SHA-256 (none for EdDSA keys) */
	const char *const *exts;  /* name/value pairs, NULL-terminated */
	long serial;              /* 0: a fresh positive serial */
} sv_spec;

/* A new key: "EC" with a curve name ("P-256", "prime192v1"), or "RSA" with bits. */
EVP_PKEY *sv_key(const char *type, const char *curve, unsigned bits);
/* A new certificate per spec; fails the test on error. */
X509 *sv_cert(const sv_spec *spec);
/* Writes a CRL by `issuer` revoking `serial` (0: none) with `reason` (CRL reason code),
 * thisUpdate/nextUpdate in days from now, to a temporary PEM file; returns its path
 * (caller unlinks and frees). */
char *sv_crl_file(X509 *issuer, EVP_PKEY *key, long serial, int reason, long this_days,
		  long next_days);
/* Store with `anchors` (NULL-terminated, origin USER), optional pool and CRL file. */
trust_store *sv_store(X509 *const *anchors, X509 *const *pool, const char *crl_path);
/* Same with the anchors' origin chosen. */
trust_store *sv_store_as(X509 *const *anchors, trust_origin origin, X509 *const *pool,
			 const char *crl_path);
/* Chain of the given certificates (NULL-terminated, leaf first). */
trust_chain *sv_chain(X509 *const *certs);
/* Evaluates with the base policy and flags (no host). */
trust_result *sv_eval(const trust_store *s, const trust_chain *c, trust_policy_base policy,
		      unsigned flags);
/* The finding `id` on certificate `cert` (-1: whole path) of the reported path, or NULL. */
const trust_finding *sv_finding(const trust_result *r, const char *id, int cert);
/* Value of parameter `key` of finding f, or NULL. */
const char *sv_param(const trust_finding *f, const char *key);
/* Serial number of x as a long (test certificates use small serials). */
long sv_serial(const X509 *x);

#endif
