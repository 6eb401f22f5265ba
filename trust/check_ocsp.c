/*
 * Revocation from OCSP responses (RFC 6960): files given to the store and the
 * response a server stapled (trust_connection.ocsp), judged with OpenSSL's
 * OCSP API.
 *
 * A response answers for certificate i when one of its SingleResponses has a
 * certID equal to the one computed from i and its issuer (i + 1) with the
 * certID's own hash algorithm, and then only if:
 *  - its signer is the issuer itself, or a responder certificate the issuer
 *    signed that carries id-kp-OCSPSigning, allows digitalSignature when it
 *    has a keyUsage (RFC 5280 §4.2.1.3) and is valid at the evaluation time
 *    (§4.2.2.2); the response's signature verifies with that key.  The
 *    responder's own revocation is not checked (id-pkix-ocsp-nocheck or not:
 *    §4.2.2.2.1 leaves it to the client, and offline there is no source);
 *  - thisUpdate <= at + skew and at - skew <= nextUpdate, with TOCSP_SKEW_SECONDS
 *    of clock-skew allowance; a response without nextUpdate is not used (its
 *    freshness cannot be judged offline);
 *  - a nonce, when present, is a non-empty value.  No request was sent for a
 *    file or a stapled response, so there is nothing to match it against.
 * Otherwise the response is not used: WARNING revocation.ocsp-unusable, and
 * the certificate is left to the CRLs (check_revocation.c decides what an
 * uncovered certificate means).  Status revoked rejects the path like a CRL
 * entry; unknown covers nothing.
 */
#include "validate_checks.h"

#include <openssl/ocsp.h>

#define TOCSP_SKEW_SECONDS 300

OCSP_BASICRESP *tocsp_parse(const unsigned char *der, size_t len, const char **why)
{
	const unsigned char *q = der;
	OCSP_RESPONSE *resp = len <= LONG_MAX ? d2i_OCSP_RESPONSE(NULL, &q, (long)len) : NULL;
	OCSP_BASICRESP *bs = NULL;
	if (!resp || q != der + len)
		*why = "not a DER OCSP response";
	else if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
		*why = "the OCSP response status is not successful";
	else if (!(bs = OCSP_response_get1_basic(resp)))
		*why = "the OCSP response holds no basic response";
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return bs;
}

/* Should a response name the certificate twice, a revoked answer wins over the
 * other: fail closed. */
OCSP_SINGLERESP *tocsp_find_single(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer)
{
	OCSP_SINGLERESP *found = NULL;
	for (int k = 0; k < OCSP_resp_count(bs); k++) {
		OCSP_SINGLERESP *single = OCSP_resp_get0(bs, k);
		const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(single);
		ASN1_OBJECT *md_oid = NULL;
		if (!OCSP_id_get0_info(NULL, &md_oid, NULL, NULL, (OCSP_CERTID *)cid))
			continue;
		const EVP_MD *md = EVP_get_digestbyobj(md_oid);
		OCSP_CERTID *mine = md ? OCSP_cert_to_id(md, cert, issuer) : NULL;
		bool same = mine && OCSP_id_cmp(mine, cid) == 0;
		OCSP_CERTID_free(mine);
		if (same && (!found || OCSP_single_get0_status(single, NULL, NULL, NULL, NULL) ==
					       V_OCSP_CERTSTATUS_REVOKED))
			found = single;
	}
	return found;
}

/* NULL if bs's signer may answer for certificates of `issuer` and its signature holds; else why not. */
static const char *signer_problem(const tv_ctx *ctx, OCSP_BASICRESP *bs, X509 *issuer)
{
	STACK_OF(X509) *extra = sk_X509_new_null();
	X509 *signer = NULL;
	const char *why = NULL;
	if (!extra || !sk_X509_push(extra, issuer) || OCSP_resp_get0_signer(bs, &signer, extra) != 1) {
		why = "its signer is neither the issuer nor a certificate it carries";
	} else if (X509_cmp(signer, issuer) != 0) {
		time_t at = (time_t)ctx->at;
		uint32_t xku = X509_get_extended_key_usage(signer);
		bool by_issuer = X509_check_issued(issuer, signer) == X509_V_OK &&
				 X509_verify(signer, X509_get0_pubkey(issuer)) == 1;
		if (!by_issuer)
			why = "its responder certificate was not issued by the certificate's issuer";
		else if (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) || !(xku & XKU_OCSP_SIGN))
			why = "its responder certificate lacks id-kp-OCSPSigning";
		else if (!(X509_get_key_usage(signer) & KU_DIGITAL_SIGNATURE))
			why = "its responder certificate's keyUsage lacks digitalSignature";
		else if (X509_cmp_time(X509_get0_notBefore(signer), &at) > 0 ||
			 X509_cmp_time(X509_get0_notAfter(signer), &at) < 0)
			why = "its responder certificate is not valid at the evaluation time";
	}
	/* The signature alone, with the signer chosen above: OCSP_NOVERIFY skips
	 * OpenSSL's own chain building, which the checks above replace. */
	STACK_OF(X509) *only = why ? NULL : sk_X509_new_null();
	if (!why && (!only || !sk_X509_push(only, signer) ||
		     OCSP_basic_verify(bs, only, NULL, OCSP_NOINTERN | OCSP_NOVERIFY) != 1))
		why = "its signature does not verify";
	sk_X509_free(only);
	sk_X509_free(extra);
	ERR_clear_error();
	return why;
}

static const char *freshness_problem(const tv_ctx *ctx, ASN1_GENERALIZEDTIME *thisupd,
				     ASN1_GENERALIZEDTIME *nextupd)
{
	time_t late = (time_t)(ctx->at + TOCSP_SKEW_SECONDS);
	time_t early = (time_t)(ctx->at - TOCSP_SKEW_SECONDS);
	if (!thisupd || X509_cmp_time(thisupd, &late) > 0)
		return "its thisUpdate is after the evaluation time (5 minutes of skew allowed)";
	if (!nextupd)
		return "it has no nextUpdate, so its freshness cannot be judged";
	if (X509_cmp_time(nextupd, &early) < 0)
		return "its nextUpdate has passed (5 minutes of skew allowed)";
	return NULL;
}

static const char *nonce_problem(OCSP_BASICRESP *bs)
{
	int idx = OCSP_BASICRESP_get_ext_by_NID(bs, NID_id_pkix_OCSP_Nonce, -1);
	if (idx < 0)
		return NULL;
	ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(OCSP_BASICRESP_get_ext(bs, idx));
	return v && ASN1_STRING_length(v) > 0 ? NULL : "its nonce is empty";
}

static void unusable(tpath *p, size_t i, const char *origin, const char *why)
{
	tfinding *f = tpath_add(p, TRUST_ID_REVOCATION_OCSP_UNUSABLE, TRUST_SEV_WARNING, (int)i,
				"rfc5280", "an OCSP response (%s) for this certificate was not used: %s",
				origin, why);
	tfinding_param(f, "origin", "%s", origin);
}

/* What response bs says about certificate i; *why set when it says nothing usable. */
static tv_rev_answer judge(tv_ctx *ctx, tpath *p, size_t i, OCSP_BASICRESP *bs, const char *origin,
			   const char **why)
{
	X509 *cert = tcert_x509(p->certs[i]), *issuer = tcert_x509(p->certs[i + 1]);
	if (!cert || !issuer) {
		tpath_fail_internal(p, (int)i, "preparing an OCSP certID");
		return TV_REV_NONE;
	}
	OCSP_SINGLERESP *single = tocsp_find_single(bs, cert, issuer);
	ERR_clear_error();
	if (!single)
		return TV_REV_NONE; /* about other certificates: nothing to say */
	int reason = -1;
	ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
	int status = OCSP_single_get0_status(single, &reason, &revtime, &thisupd, &nextupd);
	const char *problem = signer_problem(ctx, bs, issuer);
	if (!problem)
		problem = freshness_problem(ctx, thisupd, nextupd);
	if (!problem)
		problem = nonce_problem(bs);
	if (!problem && status == V_OCSP_CERTSTATUS_UNKNOWN)
		problem = "the responder answered unknown";
	if (problem) {
		*why = problem;
		unusable(p, i, origin, problem);
		return TV_REV_NONE;
	}
	if (status == V_OCSP_CERTSTATUS_REVOKED) {
		tv_report_revoked(p, i, "ocsp", reason, revtime);
		return TV_REV_REVOKED;
	}
	return status == V_OCSP_CERTSTATUS_GOOD ? TV_REV_GOOD : TV_REV_NONE;
}

bool tcheck_ocsp_available(const tv_ctx *ctx)
{
	return tstore_ocsps(ctx->store)->n > 0 || (ctx->conn && ctx->conn->ocsp);
}

tv_rev_answer tcheck_ocsp(tv_ctx *ctx, tpath *p, size_t i, const char **why)
{
	*why = "no OCSP response names it";
	const tocsp_list *l = tstore_ocsps(ctx->store);
	tv_rev_answer best = TV_REV_NONE;
	for (size_t k = 0; k < l->n && best != TV_REV_REVOKED; k++) {
		tv_rev_answer a = judge(ctx, p, i, l->v[k], "file", why);
		if (a != TV_REV_NONE)
			best = a;
	}
	if (best != TV_REV_REVOKED && ctx->conn && ctx->conn->ocsp) {
		const char *bad = NULL;
		OCSP_BASICRESP *bs = tocsp_parse(ctx->conn->ocsp, ctx->conn->ocsp_len, &bad);
		if (!bs) {
			if (i == 0) {
				*why = bad;
				unusable(p, i, "stapled", bad);
			}
		} else {
			tv_rev_answer a = judge(ctx, p, i, bs, "stapled", why);
			if (a != TV_REV_NONE)
				best = a;
		}
		OCSP_BASICRESP_free(bs);
	}
	return best;
}
