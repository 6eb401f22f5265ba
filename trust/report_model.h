/*
 * Shared by the three renderers.  The certificate facts (key, signature
 * algorithm, SANs, ...) are extracted once here so the text report and the
 * JSON/CBOR model cannot describe the same certificate differently, and JSON
 * and CBOR are both serialisations of one jansson tree (treport_model), so
 * the CBOR report always decodes to exactly the data of the JSON report.
 */
#ifndef TRUST_REPORT_MODEL_H
#define TRUST_REPORT_MODEL_H

#include "internal.h"

#include <jansson.h>

/* Bumped when a key is removed or changes meaning; additions keep the number. */
#define TREPORT_SCHEMA_VERSION 2

typedef struct treport_san {
	const char *type; /* "dns", "ip", "email", "uri", "dirname", "rid", "othername", "other" */
	char *value;      /* printable ASCII; other bytes escaped as \xNN */
} treport_san;

/* What the report says about one certificate beyond the trust_cert accessors. */
typedef struct treport_certinfo {
	const char *key_type;  /* "EC", "RSA", "Ed25519", ... or "unknown" */
	int key_bits;          /* 0 if unknown */
	char curve[64];        /* "P-256", ... ; empty when the key has no named curve */
	char sig_alg[64];      /* long name ("sha256WithRSAEncryption"), everywhere, or the OID */
	char *serial;          /* upper-case hex, as `openssl x509 -serial` prints it */
	treport_san *sans;
	size_t nsans;
} treport_certinfo;

/* Fills *out from the certificate (zero it first); cleanup even on failure. */
TRUST_HIDDEN int treport_certinfo_get(treport_certinfo *out, const trust_cert *c);
/* Frees what treport_certinfo_get allocated; the struct may be reused. */
TRUST_HIDDEN void treport_certinfo_cleanup(treport_certinfo *ci);

/* "leaf", "intermediate" or "anchor" for certificate i of path p. */
TRUST_HIDDEN const char *treport_role(const trust_result *r, size_t p, size_t i);
/* "system", "user", or NULL for a certificate that is not an anchor. */
TRUST_HIDDEN const char *treport_origin_name(trust_origin o);
/* "pass", "info", "warning", "error". */
TRUST_HIDDEN const char *treport_severity_name(trust_severity s);
/* Base64 of an SPKI SHA-256 (44 characters): the pin form of ATS and certgen pin. */
TRUST_HIDDEN void treport_pin(char out[48], const unsigned char spki_sha256[32]);
/* Lower-case hex of n bytes into buf (at least 2n+1 bytes). */
TRUST_HIDDEN void treport_hex(char *buf, const unsigned char *v, size_t n);

/* The whole report as a new jansson tree (caller json_decref's), or NULL on OOM. */
TRUST_HIDDEN json_t *treport_model(const trust_result *r);

#endif
