/*
 * Revocation from CRLs (RFC 5280 §6.3, simplified to complete CRLs) and,
 * through check_ocsp.c, OCSP responses; a revoked answer from either rejects.
 *
 * For each certificate below the anchor, a CRL is used when its issuer name
 * equals the certificate's issuer name, its signature verifies with the key of
 * the next certificate in the path (so a same-name CA with another key cannot
 * revoke or un-revoke), that certificate may sign CRLs (keyUsage cRLSign when
 * keyUsage is present, §6.3.3(f)), and thisUpdate <= at <= nextUpdate.
 *
 * Every certificate below the anchor gets one coverage finding, so a report
 * can never read "none revoked" for a certificate nothing covered:
 * PASS revocation.covered (param source: crl or ocsp), ERROR revocation.revoked, or
 * revocation.not-covered — a WARNING in soft mode, an ERROR in hard mode
 * (TRUST_EVAL_REVOCATION_HARD), with the reason the CRLs given were not used.
 * With no revocation data at all in soft mode, or with revocation off, one
 * INFO revocation.not-checked says so instead: nothing is claimed.
 *
 * Deliberate choices:
 *  - A stale CRL (nextUpdate before the evaluation time) is not used and gives
 *    the WARNING revocation.crl-stale; the certificate is then not covered,
 *    which hard mode rejects.  Soft mode keeps an unrefreshed file from
 *    becoming an outage.
 *  - Delta CRLs, indirect CRLs, reason-partitioned CRLs and CRLs with an
 *    unknown critical extension are not used (WARNING revocation.crl-unsupported);
 *    onlyContainsUserCerts / onlyContainsCACerts scopes are honoured.
 *  - CRL signatures go through the signature cache, not the path budget: their
 *    number is bounded by the CRLs the caller loaded.
 */
#include "validate_checks.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

static const char *reason_name(int code)
{
	static const char *const names[] = {
		"unspecified",    "keyCompromise",        "cACompromise",
		"affiliationChanged", "superseded",       "cessationOfOperation",
		"certificateHold", "unused",              "removeFromCRL",
		"privilegeWithdrawn", "aACompromise",
	};
	if (code >= 0 && (size_t)code < sizeof(names) / sizeof(names[0]))
		return names[code];
	return "unspecified";
}

static int verify_crl(const void *crl, const trust_cert *issuer)
{
	EVP_PKEY *pk = tcert_pkey(issuer);
	return pk && X509_CRL_verify((X509_CRL *)crl, pk) == 1;
}

/* Through the signature cache, keyed like certificates: the result depends
 * only on the key and the CRL's bytes. */
static tsig_status crl_signature(tv_ctx *ctx, X509_CRL *crl, const trust_cert *issuer)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	bool hashed = X509_CRL_digest(crl, EVP_sha256(), md, &mdlen) && mdlen == 32;
	ERR_clear_error();
	return tsig_check(ctx, issuer, hashed ? md : NULL, verify_crl, crl, false);
}

/* NULL if the CRL's form is supported and it covers certificate c; else why not
 * ("" means: simply out of scope, nothing to report; *internal is set when
 * the CRL could not be read for want of memory). */
static const char *unsupported(X509_CRL *crl, const trust_cert *c, bool *internal)
{
	int n = X509_CRL_get_ext_count(crl);
	for (int k = 0; k < n; k++) {
		X509_EXTENSION *ext = X509_CRL_get_ext(crl, k);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
		if (nid == NID_delta_crl)
			return "it is a delta CRL";
		if (X509_EXTENSION_get_critical(ext) && nid != NID_issuing_distribution_point)
			return "it has an unknown critical extension";
	}
	int crit = 0;
	ISSUING_DIST_POINT *idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit,
						       NULL);
	*internal = !idp && terr_ossl_internal();
	if (!idp)
		return crit == -1 ? NULL : "its issuingDistributionPoint is malformed";
	const char *why = NULL;
	if (idp->indirectCRL || idp->onlysomereasons)
		why = "it is indirect or covers only some reasons";
	else if (idp->onlyattr > 0 || (idp->onlyuser > 0 && c->is_ca) ||
		 (idp->onlyCA > 0 && !c->is_ca))
		why = "";
	ISSUING_DIST_POINT_free(idp);
	return why;
}

void tv_report_revoked(tpath *p, size_t i, const char *source, int reason_code,
		       const ASN1_TIME *at)
{
	const char *reason = reason_name(reason_code < 0 ? 0 : reason_code);
	char when[40];
	ttime_rfc3339_asn1(when, sizeof(when), at);
	BIGNUM *bn = ASN1_INTEGER_to_BN(tcert_serial(p->certs[i]), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	tfinding *f = tpath_add(p, TRUST_ID_REVOCATION_REVOKED, TRUST_SEV_ERROR, (int)i, "rfc5280",
				"revoked at %s (%s), according to %s", when, reason,
				strcmp(source, "ocsp") == 0 ? "an OCSP response" : "a CRL");
	tfinding_param(f, "source", "%s", source);
	tfinding_param(f, "serial", "%s", hex ? hex : "?");
	tfinding_param(f, "reason", "%s", reason);
	tfinding_param(f, "revoked-at", "%s", when);
	OPENSSL_free(hex);
	BN_free(bn);
}

static void report_revoked(tpath *p, size_t i, X509_REVOKED *rev)
{
	int crit = 0;
	ASN1_ENUMERATED *code = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL);
	ERR_clear_error();
	tv_report_revoked(p, i, "crl", code ? (int)ASN1_ENUMERATED_get(code) : -1,
			  X509_REVOKED_get0_revocationDate(rev));
	ASN1_ENUMERATED_free(code);
}

static void warn(tpath *p, size_t i, const char *id, X509_CRL *crl, const char *why)
{
	char upd[40];
	ttime_rfc3339_asn1(upd, sizeof(upd), X509_CRL_get0_nextUpdate(crl));
	tfinding *f = tpath_add(p, id, TRUST_SEV_WARNING, (int)i, "rfc5280",
				"a CRL from this certificate's issuer was not used: %s", why);
	if (upd[0])
		tfinding_param(f, "next-update", "%s", upd);
}

/* How the text names certificate i below the anchor. */
static const char *role(size_t i)
{
	return i == 0 ? "leaf" : "intermediate";
}

/* Certificate i against the CRLs: *why_not says what kept them from covering it. */
static tv_rev_answer check_crls(tv_ctx *ctx, tpath *p, size_t i, const tcrl_list *crls,
				const char **why_not)
{
	const trust_cert *c = p->certs[i], *issuer = p->certs[i + 1];
	int consulted = 0;
	*why_not = "no CRL from its issuer was given";
	const X509_NAME *issuer_name = crls->n ? tcert_issuer_name(c) : NULL;
	if (crls->n && !issuer_name) {
		tpath_fail_internal(p, (int)i, "decoding the issuer name to find its CRLs");
		return TV_REV_NONE;
	}
	for (size_t k = 0; k < crls->n; k++) {
		X509_CRL *crl = crls->v[k];
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), issuer_name) != 0)
			continue;
		tsig_status sig = crl_signature(ctx, crl, issuer);
		if (sig == TSIG_ERROR) {
			tpath_fail_internal(p, (int)i, "checking a CRL's signature");
			continue;
		}
		if (sig != TSIG_VALID)
			continue; /* another key under the same name: not this issuer's CRL */
		if (issuer->ku != TCERT_KU_ABSENT && !(issuer->ku & KU_CRL_SIGN)) {
			*why_not = "the issuer's keyUsage lacks cRLSign";
			warn(p, i, TRUST_ID_REVOCATION_CRL_UNUSABLE, crl, *why_not);
			continue;
		}
		bool internal = false;
		const char *why = unsupported(crl, c, &internal);
		if (internal) {
			tpath_fail_internal(p, (int)i, "reading a CRL's issuingDistributionPoint");
			continue;
		}
		if (why) {
			if (why[0]) {
				*why_not = why;
				warn(p, i, TRUST_ID_REVOCATION_CRL_UNSUPPORTED, crl, why);
			} else {
				*why_not = "its issuer's CRL is scoped to other certificates";
			}
			continue;
		}
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
		time_t at = (time_t)ctx->at;
		if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &at) > 0) {
			*why_not = "its thisUpdate is after the evaluation time";
			warn(p, i, TRUST_ID_REVOCATION_CRL_NOT_YET_VALID, crl, *why_not);
			continue;
		}
		if (next && X509_cmp_time(next, &at) < 0) {
			*why_not = "its nextUpdate has passed";
			warn(p, i, TRUST_ID_REVOCATION_CRL_STALE, crl, *why_not);
			continue;
		}
		consulted = 1;
		X509_REVOKED *rev = NULL;
		int found = X509_CRL_get0_by_serial(crl, &rev,
						    (ASN1_INTEGER *)tcert_serial(c));
		if (found == 1 && rev) {
			report_revoked(p, i, rev);
			return TV_REV_REVOKED;
		}
	}
	return consulted ? TV_REV_GOOD : TV_REV_NONE;
}

/* Certificate i by every source: revoked if any says so, covered if one answered. */
static tv_rev_answer check_one(tv_ctx *ctx, tpath *p, size_t i, const tcrl_list *crls,
			       char *why, size_t why_len)
{
	const char *crl_why = NULL, *ocsp_why = NULL;
	tv_rev_answer crl = check_crls(ctx, p, i, crls, &crl_why);
	if (crl == TV_REV_REVOKED)
		return crl;
	tv_rev_answer ocsp = tcheck_ocsp_available(ctx) ? tcheck_ocsp(ctx, p, i, &ocsp_why)
							 : TV_REV_NONE;
	if (ocsp == TV_REV_REVOKED)
		return ocsp;
	if (crl == TV_REV_GOOD || ocsp == TV_REV_GOOD) {
		const char *src = crl == TV_REV_GOOD ? "crl" : "ocsp";
		tfinding *f = tpath_add(p, TRUST_ID_REVOCATION_COVERED, TRUST_SEV_PASS, (int)i,
					"rfc5280", "certificate %zu (%s): not revoked, says %s", i,
					role(i), crl == TV_REV_GOOD ? "a current CRL from its issuer"
								    : "a current OCSP response");
		tfinding_param(f, "source", "%s", src);
		return TV_REV_GOOD;
	}
	snprintf(why, why_len, "%s%s%s", crl_why, ocsp_why ? "; " : "", ocsp_why ? ocsp_why : "");
	return TV_REV_NONE;
}

/* Certificate i had no usable answer: a warning (soft) or an error (hard). */
static void not_covered(const tv_ctx *ctx, tpath *p, size_t i, const char *why)
{
	bool hard = ctx->revocation == TV_REVOCATION_HARD;
	/* no usable CRL or OCSP answer */
	tfinding *f = tpath_add(p, TRUST_ID_REVOCATION_NOT_COVERED,
				hard ? TRUST_SEV_ERROR : TRUST_SEV_WARNING, (int)i, "rfc5280",
				"certificate %zu (%s): revocation unknown, no usable CRL or OCSP answer covers it (%s)%s",
				i, role(i), why, hard ? "; revocation is hard-fail" : "");
	tfinding_param(f, "why", "%s", why);
	tfinding_param(f, "mode", "%s", hard ? "hard" : "soft");
}

int tcheck_revocation(tv_ctx *ctx, tpath *p)
{
	const tcrl_list *crls = tstore_crls(ctx->store);
	bool none = (!crls || crls->n == 0) && !tcheck_ocsp_available(ctx);
	if (ctx->revocation == TV_REVOCATION_OFF || (none && ctx->revocation == TV_REVOCATION_SOFT)) {
		tpath_add(p, TRUST_ID_REVOCATION_NOT_CHECKED, TRUST_SEV_INFO, -1, "rfc5280",
			  ctx->revocation == TV_REVOCATION_OFF
				  ? "revocation not checked: revocation checking is off"
				  : "revocation not checked: no CRL or OCSP response was given");
		return 0;
	}
	static const tcrl_list empty = { 0 };
	if (!crls)
		crls = &empty;
	size_t before = tv_error_count(p), below = 0, checked = 0;
	for (size_t i = 0; i + 1 < p->n; i++) {
		if (tv_is_anchor(p, i))
			continue;
		below++;
		char why[320];
		if (check_one(ctx, p, i, crls, why, sizeof(why)) != TV_REV_NONE)
			checked++;
		else
			not_covered(ctx, p, i, why);
	}
	bool rejected = tv_error_count(p) > before || p->broken;
	if (checked > 0 && !rejected)
		tpath_add(p, TRUST_ID_REVOCATION_CRL, TRUST_SEV_PASS, -1, "rfc5280",
			  "%zu of %zu certificate%s below the anchor checked against CRLs or OCSP; none revoked",
			  checked, below, below == 1 ? "" : "s");
	return rejected;
}
