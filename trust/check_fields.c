/*
 * The plain fields of each certificate: version, serial number, issuer and
 * subject names (RFC 5280 §4.1.2).
 *
 * Serial numbers (§4.1.2.2) MUST be positive and at most 20 octets.  The RFC
 * asks users to tolerate violations, but x509-limbo (and Chromium, webpki)
 * reject them in the certificates they validate; a trust anchor at the top of
 * a longer path is exempt, because only its name and key are used (§6.1.1(d))
 * and old roots with serial 0 still exist.
 */
#include "validate_checks.h"

/* Octets of the serial's DER content (sign byte included); 0 if unreadable. */
static int serial_octets(const ASN1_INTEGER *s, bool *negative, bool *zero)
{
	*negative = ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER;
	const unsigned char *d = ASN1_STRING_get0_data(s);
	int len = ASN1_STRING_length(s);
	*zero = true;
	for (int k = 0; k < len; k++)
		if (d[k]) {
			*zero = false;
			break;
		}
	if (len <= 0)
		return 1;
	/* A positive value whose top bit is set needs a leading zero octet. */
	return len + ((!*negative && (d[0] & 0x80)) ? 1 : 0);
}

static size_t check_serial(tpath *p, size_t i)
{
	if (tv_is_anchor(p, i) && i > 0)
		return 0;
	const ASN1_INTEGER *s = tcert_serial(p->certs[i]);
	if (!s)
		return 0;
	bool neg = false, zero = false;
	int octets = serial_octets(s, &neg, &zero);
	tfinding *f = NULL;
	if (neg)
		f = tpath_add(p, TRUST_ID_RFC5280_SERIAL_NEGATIVE, TRUST_SEV_ERROR, (int)i, "rfc5280",
			      "the serial number is negative (RFC 5280 §4.1.2.2)");
	else if (zero)
		f = tpath_add(p, TRUST_ID_RFC5280_SERIAL_ZERO, TRUST_SEV_ERROR, (int)i, "rfc5280",
			      "the serial number is zero (RFC 5280 §4.1.2.2)");
	else if (octets > 20)
		f = tpath_add(p, TRUST_ID_RFC5280_SERIAL_TOO_LONG, TRUST_SEV_ERROR, (int)i, "rfc5280",
			      "the serial number is %d octets long; at most 20 are allowed",
			      octets);
	if (f)
		tfinding_param(f, "octets", "%d", octets);
	return f != NULL;
}

static size_t check_version(tv_ctx *ctx, tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	size_t bad = 0;
	/* §4.1.2.9: extensions appear only in v3 certificates. */
	if (c->version < 2 && sk_X509_EXTENSION_num(tcert_exts(c)) > 0) {
		tpath_add(p, TRUST_ID_RFC5280_VERSION_EXTENSIONS_BEFORE_V3, TRUST_SEV_ERROR, (int)i,
			  "rfc5280", "a version %ld certificate carries extensions",
			  c->version + 1);
		bad++;
	}
	/* CA/B Forum BR §7.1.1: certificates MUST be v3 (anchors are exempt). */
	if (tv_br_profile(ctx) && !tv_is_anchor(p, i) && c->version != 2) {
		tfinding *f = tpath_add(p, TRUST_ID_WEBPKI_VERSION_NOT_V3, TRUST_SEV_ERROR, (int)i,
					ctx->rules.policy_name,
					"a version %ld certificate; TLS requires version 3",
					c->version + 1);
		tfinding_param(f, "version", "%ld", c->version + 1);
		bad++;
	}
	return bad;
}

static size_t check_names(tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	size_t bad = 0;
	/* §4.1.2.4: the issuer field MUST contain a non-empty distinguished name. */
	if (tcert_name_entries(c, false) == 0) {
		tpath_add(p, TRUST_ID_RFC5280_ISSUER_EMPTY, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the issuer name is empty");
		bad++;
	}
	/* §4.1.2.6: a CA's subject MUST be a non-empty distinguished name. */
	if (c->is_ca && tcert_name_entries(c, true) == 0) {
		tpath_add(p, TRUST_ID_RFC5280_SUBJECT_EMPTY_CA, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "a CA certificate with an empty subject name");
		bad++;
	}
	return bad;
}

int tcheck_fields(tv_ctx *ctx, tpath *p)
{
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		bad += check_serial(p, i);
		bad += check_version(ctx, p, i);
		bad += check_names(p, i);
	}
	if (bad == 0)
		tpath_add(p, TRUST_ID_RFC5280_FIELDS, TRUST_SEV_PASS, -1, "rfc5280",
			  "version, serial number, issuer and subject fields are well formed");
	return bad != 0;
}
