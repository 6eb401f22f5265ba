/*
 * Extension rules (RFC 5280 §4.2) for every certificate in the path.
 *
 *  - §4.2: at most one instance of an extension; every extension we know must
 *    decode; a critical extension we do not process rejects the certificate.
 *    "Process" is meant literally: we list the extensions this library acts
 *    on, not every one OpenSSL can parse, so for example a critical
 *    policyConstraints (which could demand an explicit policy we do not
 *    track) fails closed.
 *  - §4.2.1.1: AKI MUST be non-critical and carry keyIdentifier; it may be
 *    omitted only from a self-signed certificate.
 *  - §4.2.1.2: SKI MUST be non-critical and present in every CA certificate.
 *  - §4.2.1.6: with an empty subject, SAN MUST be present and critical.
 *  - §4.2.2.1: AIA MUST be non-critical.
 *  - CA/B Forum BR §7.1.2 (TLS server paths only): AKI without authorityCertIssuer
 *    and serial, a self-signed root's AKI equal to its SKI, and SAN non-critical
 *    when the subject is not empty.
 */
#include "validate_checks.h"

#include <openssl/objects.h>
#include <string.h>

/* Extensions this library processes, so they may be critical. */
static bool understood_critical(int nid)
{
	switch (nid) {
	case NID_basic_constraints:     /* check_ca.c */
	case NID_key_usage:             /* check_ca.c, check_eku.c */
	case NID_ext_key_usage:         /* check_eku.c */
	case NID_subject_alt_name:      /* names_check.c, nc.c */
	case NID_name_constraints:      /* nc.c */
	case NID_crl_distribution_points: /* only says where CRLs live; check_revocation.c applies
					   * the CRLs loaded for the issuer */
	case NID_certificate_policies:  /* any-policy is the initial set (§6.1.1(c)) and no
					 * explicit policy is required, so the outcome
					 * does not depend on it */
		return true;
	default:
		return false;
	}
}

static tfinding *ext_error(tpath *p, size_t i, const char *id, const X509_EXTENSION *ext,
			   const char *what)
{
	char oid[80];
	toid_text(oid, sizeof(oid), X509_EXTENSION_get_object((X509_EXTENSION *)ext));
	const char *sn = OBJ_nid2sn(OBJ_obj2nid(X509_EXTENSION_get_object((X509_EXTENSION *)ext)));
	tfinding *f = tpath_add(p, id, TRUST_SEV_ERROR, (int)i, "rfc5280", "extension %s (%s) %s",
				sn ? sn : "unknown", oid, what);
	tfinding_param(f, "oid", "%s", oid);
	return f;
}

/* Extensions whose syntax is SEQUENCE SIZE (1..MAX): an empty one is malformed. */
static bool sequence_of_at_least_one(int nid)
{
	return nid == NID_subject_alt_name || nid == NID_issuer_alt_name ||
	       nid == NID_info_access || nid == NID_ext_key_usage ||
	       nid == NID_crl_distribution_points || nid == NID_certificate_policies;
}

/* The DER of an empty SEQUENCE, read from the raw value: no decoding needed. */
static bool empty_sequence(const X509_EXTENSION *ext)
{
	const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data((X509_EXTENSION *)ext);
	const unsigned char *d = ASN1_STRING_get0_data(v);
	return ASN1_STRING_length(v) == 2 && d[0] == 0x30 && d[1] == 0x00;
}

/* keyUsage with no bit set (§4.2.1.3: at least one MUST be). */
static bool empty_key_usage(X509_EXTENSION *ext)
{
	ASN1_BIT_STRING *ku = X509V3_EXT_d2i(ext);
	ERR_clear_error();
	if (!ku)
		return false;
	bool empty = true;
	for (int k = 0; k < ASN1_STRING_length(ku); k++)
		if (ASN1_STRING_get0_data(ku)[k])
			empty = false;
	ASN1_BIT_STRING_free(ku);
	return empty;
}

/* Extensions OpenSSL's cache decodes (ossl_x509v3_cache_extensions), setting
 * EXFLAG_INVALID when one does not decode. */
static bool cached_by_openssl(int nid)
{
	switch (nid) {
	case NID_basic_constraints:
	case NID_key_usage:
	case NID_ext_key_usage:
	case NID_subject_key_identifier:
	case NID_authority_key_identifier:
	case NID_subject_alt_name:
	case NID_name_constraints:
	case NID_crl_distribution_points:
	case NID_netscape_cert_type:
	case NID_proxyCertInfo:
		return true;
	default:
		return false;
	}
}

static void free_ext_value(const X509V3_EXT_METHOD *m, void *val)
{
	if (!val)
		return;
	if (m->it)
		ASN1_item_free(val, ASN1_ITEM_ptr(m->it));
	else if (m->ext_free)
		m->ext_free(val);
}

/*
 * Whether the extension's value is malformed; NULL if not, else why.
 * OpenSSL's extension cache already decodes basicConstraints, keyUsage, EKU,
 * SKI, AKI, SAN, nameConstraints and CRLDP and marks the certificate
 * EXFLAG_INVALID when one fails, so those are decoded again only to name the
 * culprit of an invalid certificate.  AIA is not in that cache and is decoded
 * here, as is any critical extension; other non-critical ones (SCT lists,
 * policies) are costly to decode on every evaluation and no rule reads them.
 */
static const char *malformed(X509_EXTENSION *ext, int nid, bool cert_invalid)
{
	if (sequence_of_at_least_one(nid) && empty_sequence(ext))
		return "is an empty sequence";
	if (nid == NID_key_usage && cert_invalid && empty_key_usage(ext))
		return "has no bit set";
	if (!cert_invalid &&
	    (cached_by_openssl(nid) || (nid != NID_info_access && !X509_EXTENSION_get_critical(ext))))
		return NULL;
	const X509V3_EXT_METHOD *m = X509V3_EXT_get(ext);
	if (!m)
		return NULL;
	void *val = X509V3_EXT_d2i(ext);
	ERR_clear_error();
	free_ext_value(m, val);
	return val ? NULL : "cannot be decoded";
}

/* Duplicates, decoding, criticality; returns the number of errors added. */
static size_t check_each(tpath *p, size_t i)
{
	const STACK_OF(X509_EXTENSION) *exts = tcert_exts(p->certs[i]);
	bool invalid = !tv_ext_reliable(p->certs[i]);
	int count = sk_X509_EXTENSION_num(exts);
	size_t bad = 0;
	for (int k = 0; k < count; k++) {
		X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, k);
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object(ext);
		int nid = OBJ_obj2nid(obj);
		bool dup = false;
		for (int j = 0; j < k && !dup; j++)
			dup = OBJ_cmp(obj, X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, j))) == 0;
		if (dup) {
			ext_error(p, i, TRUST_ID_RFC5280_EXTENSIONS_DUPLICATE, ext, "appears more than once");
			bad++;
			continue;
		}
		const char *why = malformed(ext, nid, invalid);
		if (why) {
			ext_error(p, i, TRUST_ID_RFC5280_EXTENSIONS_MALFORMED, ext, why);
			bad++;
			continue;
		}
		if (!X509_EXTENSION_get_critical(ext))
			continue;
		const char *id = NULL;
		if (nid == NID_authority_key_identifier)
			id = TRUST_ID_RFC5280_AKI_CRITICAL;
		else if (nid == NID_subject_key_identifier)
			id = TRUST_ID_RFC5280_SKI_CRITICAL;
		else if (nid == NID_info_access)
			id = TRUST_ID_RFC5280_AIA_CRITICAL;
		else if (!understood_critical(nid))
			id = TRUST_ID_RFC5280_EXTENSIONS_UNKNOWN_CRITICAL;
		if (id) {
			ext_error(p, i, id, ext,
				  strcmp(id, TRUST_ID_RFC5280_EXTENSIONS_UNKNOWN_CRITICAL) == 0
					  ? "is critical and not processed here"
					  : "MUST be non-critical");
			bad++;
		}
	}
	/* OpenSSL's own consistency checks on the extensions it caches. */
	if (bad == 0 && (p->certs[i]->ex_flags & EXFLAG_INVALID)) {
		tpath_add(p, TRUST_ID_RFC5280_EXTENSIONS_MALFORMED, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the extensions are inconsistent or malformed");
		bad++;
	}
	return bad;
}

static size_t check_key_ids(tv_ctx *ctx, tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	size_t bad = 0;
	if (!tv_ext_reliable(c))
		return 0;
	bool has_aki = tcert_ext_index(c, NID_authority_key_identifier, -1) >= 0;
	/* For an anchor, OpenSSL's EXFLAG_SS (self-issued, key type fits the
	 * signature) is enough: its signature is never relied on, and this spares a
	 * verification per evaluation for the many roots without AKI. */
	bool self_signed = !has_aki && ((tv_is_anchor(p, i) && (c->ex_flags & EXFLAG_SS)) ||
					tsig_self_signed(ctx, c));
	if (!has_aki && !self_signed) {
		tpath_add(p, TRUST_ID_RFC5280_AKI_MISSING, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "no authorityKeyIdentifier, which only a self-signed certificate may omit");
		bad++;
	}
	if (has_aki && !c->aki_keyid) {
		tpath_add(p, TRUST_ID_RFC5280_AKI_MISSING_KEY_ID, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the authorityKeyIdentifier has no keyIdentifier");
		bad++;
	}
	if (has_aki && tv_br_profile(ctx) &&
	    c->aki && (c->aki->issuer || c->aki->serial)) {
		tpath_add(p, TRUST_ID_WEBPKI_AKI_ISSUER_SERIAL, tv_profile_sev(p, i), (int)i,
			  ctx->rules.policy_name,
			  "the authorityKeyIdentifier names an issuer and serial (CA/B BR §7.1.2)");
		bad += tv_profile_sev(p, i) == TRUST_SEV_ERROR;
	}
	if (has_aki && c->aki_keyid && tv_br_profile(ctx) && c->self_issued &&
	    (!c->ski || ASN1_OCTET_STRING_cmp(c->aki_keyid, c->ski) != 0) &&
	    tsig_self_signed(ctx, c)) {
		tpath_add(p, TRUST_ID_WEBPKI_AKI_SKI_MISMATCH, tv_profile_sev(p, i), (int)i,
			  ctx->rules.policy_name,
			  "a self-signed certificate whose authorityKeyIdentifier is not its own "
			  "subjectKeyIdentifier");
		bad += tv_profile_sev(p, i) == TRUST_SEV_ERROR;
	}
	if (c->is_ca && !c->ski) {
		tpath_add(p, TRUST_ID_RFC5280_SKI_MISSING, tv_profile_sev(p, i), (int)i, "rfc5280",
			  "a CA certificate without subjectKeyIdentifier");
		bad += tv_profile_sev(p, i) == TRUST_SEV_ERROR;
	}
	return bad;
}

static size_t check_san(tv_ctx *ctx, tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	int idx = tcert_ext_index(c, NID_subject_alt_name, -1);
	bool empty_subject = tcert_name_entries(c, true) == 0;
	bool critical = tcert_ext_critical(c, NID_subject_alt_name);
	if (empty_subject && idx < 0) {
		tpath_add(p, TRUST_ID_RFC5280_SAN_MISSING_EMPTY_SUBJECT, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the subject is empty and there is no subjectAltName");
		return 1;
	}
	if (empty_subject && !critical) {
		tpath_add(p, TRUST_ID_RFC5280_SAN_NOT_CRITICAL, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the subject is empty, so subjectAltName MUST be critical");
		return 1;
	}
	if (!empty_subject && critical && tv_br_profile(ctx)) {
		tpath_add(p, TRUST_ID_WEBPKI_SAN_CRITICAL, TRUST_SEV_ERROR, (int)i, ctx->rules.policy_name,
			  "subjectAltName is critical although the subject is not empty "
			  "(CA/B BR §7.1.2.7.12)");
		return 1;
	}
	return 0;
}

int tcheck_extensions(tv_ctx *ctx, tpath *p)
{
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		/* check_each reads nothing but the certificate: once clean, always. */
		if (!tcert_is_clean(p->certs[i], TCERT_CLEAN_EXTS)) {
			size_t n = check_each(p, i);
			if (n == 0)
				tcert_mark_clean(p->certs[i], TCERT_CLEAN_EXTS);
			bad += n;
		}
		bad += check_key_ids(ctx, p, i);
		bad += check_san(ctx, p, i);
	}
	if (bad == 0)
		tpath_add(p, TRUST_ID_RFC5280_EXTENSIONS, TRUST_SEV_PASS, -1, "rfc5280",
			  "extensions are well formed, unique and understood where critical");
	return bad != 0;
}
