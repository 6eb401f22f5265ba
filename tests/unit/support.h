/*
 * Generic certificate building for unit tests: P-256 keys, certificates
 * whose subject is written "/O=Example/CN=name" and whose extensions are an
 * OpenSSL configuration text (section [ext], plus any sections it refers to,
 * e.g. a dirName section for nameConstraints), and a one-path result for
 * driving single validation stages on hand-assembled paths.
 * Validity runs from yesterday for a year, so nothing goes stale.
 */
#ifndef TESTS_SUPPORT_H
#define TESTS_SUPPORT_H

#include "internal.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Extensions of a CA: CA:TRUE critical, keyCertSign + cRLSign, SKI, AKI. */
#define SC_CA_EXTS                                                        \
	"basicConstraints = critical,CA:TRUE\n"                           \
	"keyUsage = critical,keyCertSign,cRLSign\n"                       \
	"subjectKeyIdentifier = hash\n"                                   \
	"authorityKeyIdentifier = keyid:always\n"
/* Extensions of a TLS server leaf (add a subjectAltName line). */
#define SC_LEAF_EXTS                                                      \
	"basicConstraints = critical,CA:FALSE\n"                          \
	"keyUsage = critical,digitalSignature\n"                          \
	"extendedKeyUsage = serverAuth\n"                                 \
	"subjectKeyIdentifier = hash\n"                                   \
	"authorityKeyIdentifier = keyid:always\n"

/* A new EC P-256 key; fails the test on error. */
EVP_PKEY *sc_key(void);
/* Subject name from "/A=v/B=w" (UTF-8 values); "" gives an empty name. */
X509_NAME *sc_name(const char *spec);
/*
 * Certificate for `subject` and `key`, signed by `issuer_key` under
 * `issuer`'s subject (issuer NULL: self-signed with `key`).  `conf` is an
 * OpenSSL configuration text whose [ext] section lists the extensions
 * ("subjectAltName = DNS:a.example"); NULL for none.  Fails the test on error.
 */
X509 *sc_cert(const char *subject, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
	      const char *conf);

/* A result holding one path over certs[0..n) (leaf first, anchor last,
 * anchor origin USER); *p receives the path.  Free with trust_result_free. */
trust_result *sc_path(tpath **p, X509 *const *certs, size_t n);
/* Evaluation context for stage tests: policy "rfc5280", "tls-server" or
 * "tls-client", default budgets, time now, no host or IP. */
void sc_ctx(tv_ctx *ctx, tbudget *budget, const char *policy);
/* First finding `id` on certificate `cert` (any certificate if cert < -1), or NULL. */
const trust_finding *sc_find(const tpath *p, const char *id, int cert);
/* Number of findings with `id`. */
size_t sc_count(const tpath *p, const char *id);
/* Value of parameter `key` of a finding, or NULL. */
const char *sc_param(const trust_finding *f, const char *key);

#endif
