/*
 * Revocation from CRLs (RFC 5280 §6.3, simplified to complete CRLs).
 *
 * For each certificate below the anchor, a CRL is used when its issuer name
 * equals the certificate's issuer name, its signature verifies with the key of
 * the next certificate in the path (so a same-name CA with another key cannot
 * revoke or un-revoke), that certificate may sign CRLs (keyUsage cRLSign when
 * keyUsage is present, §6.3.3(f)), and thisUpdate <= at <= nextUpdate.
 *
 * Deliberate choices:
 *  - A stale CRL (nextUpdate before the evaluation time) is not used and gives
 *    the WARNING revocation.crl-stale: it says nothing reliable about now, and
 *    rejecting on it would make an unrefreshed file an outage.  Revocation is
 *    soft-fail in this sense; a policy overlay can demand fresh CRLs.
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

static void report_revoked(tpath *p, size_t i, X509_REVOKED *rev)
{
	int crit = 0;
	ASN1_ENUMERATED *code = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL);
	ERR_clear_error();
	const char *reason = reason_name(code ? (int)ASN1_ENUMERATED_get(code) : 0);
	ASN1_ENUMERATED_free(code);
	char when[40];
	tv_fmt_asn1_time(when, sizeof(when), X509_REVOKED_get0_revocationDate(rev));
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(rev), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	tfinding *f = tpath_add(p, TRUST_ID_REVOCATION_REVOKED, TRUST_SEV_ERROR, (int)i, "rfc5280",
				"revoked at %s (%s)", when, reason);
	tfinding_param(f, "serial", "%s", hex ? hex : "?");
	tfinding_param(f, "reason", "%s", reason);
	tfinding_param(f, "revoked-at", "%s", when);
	OPENSSL_free(hex);
	BN_free(bn);
}

static void warn(tpath *p, size_t i, const char *id, X509_CRL *crl, const char *why)
{
	char upd[40];
	tv_fmt_asn1_time(upd, sizeof(upd), X509_CRL_get0_nextUpdate(crl));
	tfinding *f = tpath_add(p, id, TRUST_SEV_WARNING, (int)i, "rfc5280",
				"a CRL from this certificate's issuer was not used: %s", why);
	if (upd[0])
		tfinding_param(f, "next-update", "%s", upd);
}

/* Checks certificate i; returns 1 if at least one CRL was consulted. */
static int check_one(tv_ctx *ctx, tpath *p, size_t i, const tcrl_list *crls)
{
	const trust_cert *c = p->certs[i], *issuer = p->certs[i + 1];
	int consulted = 0;
	for (size_t k = 0; k < crls->n; k++) {
		X509_CRL *crl = crls->v[k];
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), tcert_issuer_name(c)) != 0)
			continue;
		tsig_status sig = crl_signature(ctx, crl, issuer);
		if (sig == TSIG_ERROR) {
			tpath_fail_internal(p, (int)i, "checking a CRL's signature");
			continue;
		}
		if (sig != TSIG_VALID)
			continue; /* another key under the same name: not this issuer's CRL */
		if (issuer->ku != TCERT_KU_ABSENT && !(issuer->ku & KU_CRL_SIGN)) {
			warn(p, i, TRUST_ID_REVOCATION_CRL_UNUSABLE, crl, "the issuer's keyUsage lacks cRLSign");
			continue;
		}
		bool internal = false;
		const char *why = unsupported(crl, c, &internal);
		if (internal) {
			tpath_fail_internal(p, (int)i, "reading a CRL's issuingDistributionPoint");
			continue;
		}
		if (why) {
			if (why[0])
				warn(p, i, TRUST_ID_REVOCATION_CRL_UNSUPPORTED, crl, why);
			continue;
		}
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
		time_t at = (time_t)ctx->at;
		if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &at) > 0) {
			warn(p, i, TRUST_ID_REVOCATION_CRL_NOT_YET_VALID, crl, "its thisUpdate is after the evaluation time");
			continue;
		}
		if (next && X509_cmp_time(next, &at) < 0) {
			warn(p, i, TRUST_ID_REVOCATION_CRL_STALE, crl, "its nextUpdate has passed");
			continue;
		}
		consulted = 1;
		X509_REVOKED *rev = NULL;
		int found = X509_CRL_get0_by_serial(crl, &rev,
						    (ASN1_INTEGER *)tcert_serial(c));
		if (found == 1 && rev) {
			report_revoked(p, i, rev);
			break;
		}
	}
	return consulted;
}

int tcheck_revocation(tv_ctx *ctx, tpath *p)
{
	const tcrl_list *crls = tstore_crls(ctx->store);
	if (!crls || crls->n == 0)
		return 0;
	size_t before = tv_error_count(p), checked = 0;
	for (size_t i = 0; i + 1 < p->n; i++)
		if (!tv_is_anchor(p, i))
			checked += (size_t)check_one(ctx, p, i, crls);
	bool rejected = tv_error_count(p) > before || p->broken;
	if (checked > 0 && !rejected)
		tpath_add(p, TRUST_ID_REVOCATION_CRL, TRUST_SEV_PASS, -1, "rfc5280",
			  "%zu certificate%s checked against CRLs; none revoked", checked,
			  checked == 1 ? "" : "s");
	return rejected;
}
