/*
 * Signature algorithms and public keys.
 *
 * Accepted signatures: RSA PKCS#1 v1.5, RSA-PSS and ECDSA with SHA-256/384/512,
 * and Ed25519/Ed448 (the set BoringSSL's SimplePathBuilderDelegate and
 * rustls-webpki accept, minus SHA-1).  MD2/MD4/MD5/SHA-1 and DSA are refused
 * on every certificate except a trust anchor, whose own signature is never
 * relied on (RFC 5280 §6.1.1(d): an anchor is just a name and a key); a SHA-1
 * self-signed root therefore still works, while its key is checked below.
 *
 * Accepted keys: RSA of at least 2048 bits under the TLS profiles (CA/B Forum
 * BR §6.1.5; NIST SP 800-131A retired 1024-bit RSA in 2013) and 1024 bits
 * under bare rfc5280 (BoringSSL's default), ECDSA on P-256/P-384/P-521 only,
 * Ed25519 and Ed448.  These apply to the anchor too: a weak root key makes
 * every path under it forgeable.  An EC key must name its curve (RFC 5480
 * §2.1.1: namedCurve only): explicit parameters (specifiedCurve) or
 * implicitCA are refused under every policy, even when the explicit
 * parameters spell out P-256, because a certificate that chooses its own
 * generator is the CVE-2020-0601 ("CurveBall") attack shape.
 *
 * RFC 5280 §4.1.1.2: the outer signatureAlgorithm MUST equal the signature
 * field inside tbsCertificate; a mismatch is a malformed certificate.
 */
#include "validate_checks.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#define RSA_MIN_WEB 2048
#define RSA_MIN_RFC 1024

static bool weak_digest(int md)
{
	return md == NID_md2 || md == NID_md4 || md == NID_md5 || md == NID_sha1 ||
	       md == NID_md5_sha1;
}

static bool good_digest(int md)
{
	return md == NID_sha256 || md == NID_sha384 || md == NID_sha512;
}

static const char *nid_name(int nid)
{
	const char *s = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
	return s ? s : "unknown";
}

/* Signature algorithms by OpenSSL's long name, as the reports show them. */
static const char *sig_name(int nid)
{
	const char *s = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	return s ? s : "unknown";
}

/* Returns true if an error was added.  Reads nothing but the certificate and
 * whether it is the anchor, so a non-anchor found clean stays clean. */
static bool check_signature(tpath *p, size_t i)
{
	trust_cert *c = p->certs[i];
	if (tcert_is_clean(c, TCERT_CLEAN_SIGALG))
		return false;
	if (X509_ALGOR_cmp(tcert_sigalg(c), tcert_tbs_sigalg(c)) != 0) {
		tpath_add(p, TRUST_ID_RFC5280_SIGNATURE_ALGORITHM_MISMATCH, TRUST_SEV_ERROR, (int)i,
			  "rfc5280",
			  "the outer signatureAlgorithm differs from the one inside the signed part");
		return true;
	}
	if (tv_is_anchor(p, i))
		return false;

	int md = NID_undef, pk = NID_undef;
	if (!tcert_signature_info(c, &md, &pk)) {
		tfinding *f = tpath_add(p, TRUST_ID_RFC5280_SIGNATURE_FORBIDDEN_ALGORITHM, TRUST_SEV_ERROR,
					(int)i, "rfc5280",
					"the signature algorithm (%s) is not one we accept",
					sig_name(c->sig_nid));
		tfinding_param(f, "algorithm", "%s", sig_name(c->sig_nid));
		return true;
	}
	bool eddsa = pk == NID_ED25519 || pk == NID_ED448;
	bool family = pk == NID_rsaEncryption || pk == NID_rsassaPss ||
		      pk == NID_X9_62_id_ecPublicKey;
	if (eddsa || (family && good_digest(md))) {
		tcert_mark_clean(c, TCERT_CLEAN_SIGALG);
		return false;
	}
	tfinding *f;
	if (weak_digest(md))
		f = tpath_add(p, TRUST_ID_RFC5280_SIGNATURE_WEAK_DIGEST, TRUST_SEV_ERROR, (int)i, "rfc5280",
			      "signed with %s, a broken digest (%s)", nid_name(md),
			      sig_name(c->sig_nid));
	else
		f = tpath_add(p, TRUST_ID_RFC5280_SIGNATURE_FORBIDDEN_ALGORITHM, TRUST_SEV_ERROR, (int)i,
			      "rfc5280", "the signature algorithm %s is not one we accept",
			      sig_name(c->sig_nid));
	tfinding_param(f, "algorithm", "%s", sig_name(c->sig_nid));
	tfinding_param(f, "digest", "%s", nid_name(md));
	return true;
}

static bool allowed_curve(const trust_cert *c, char *name, size_t len)
{
	int nid = c->curve_nid;
	if (nid == NID_undef) {
		snprintf(name, len, "explicit parameters");
		return false;
	}
	snprintf(name, len, "%s", OBJ_nid2sn(nid));
	return nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 || nid == NID_secp521r1;
}

/* true if the key is id-ecPublicKey with parameters other than a named curve. */
static bool ec_params_not_named(const trust_cert *c)
{
	const ASN1_OBJECT *alg = NULL;
	int ptype = V_ASN1_UNDEF;
	X509_ALGOR_get0(&alg, &ptype, NULL, c->t->tbs->spki->alg);
	return OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey && ptype != V_ASN1_OBJECT;
}

/* Returns true if an error was added. */
static bool check_key(tv_ctx *ctx, tpath *p, size_t i)
{
	trust_cert *c = p->certs[i];
	if (ec_params_not_named(c)) {
		tpath_add(p, TRUST_ID_RFC5280_KEY_EXPLICIT_CURVE, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the EC key gives explicit curve parameters instead of naming its curve "
			  "(RFC 5480 requires namedCurve)");
		return true;
	}
	if (!c->key_ok) {
		tpath_add(p, TRUST_ID_RFC5280_KEY_UNREADABLE, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "the public key cannot be decoded");
		return true;
	}
	int type = c->pkey_type;
	tfinding *f;
	switch (type) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS: {
		int min = tv_tls_profile(ctx) ? RSA_MIN_WEB : RSA_MIN_RFC;
		if (c->pkey_bits >= min)
			return false;
		f = tpath_add(p, TRUST_ID_RFC5280_KEY_RSA_TOO_SMALL, TRUST_SEV_ERROR, (int)i,
			      tv_tls_profile(ctx) ? ctx->rules.policy_name : "rfc5280",
			      "RSA key of %d bits; at least %d are required", c->pkey_bits, min);
		tfinding_param(f, "bits", "%d", c->pkey_bits);
		tfinding_param(f, "minimum", "%d", min);
		return true;
	}
	case EVP_PKEY_EC: {
		char curve[64];
		if (allowed_curve(c, curve, sizeof(curve)))
			return false;
		f = tpath_add(p, TRUST_ID_RFC5280_KEY_FORBIDDEN_CURVE, TRUST_SEV_ERROR, (int)i, "rfc5280",
			      "EC key on %s; only P-256, P-384 and P-521 are accepted", curve);
		tfinding_param(f, "curve", "%s", curve);
		return true;
	}
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		return false;
	default:
		f = tpath_add(p, TRUST_ID_RFC5280_KEY_FORBIDDEN_TYPE, TRUST_SEV_ERROR, (int)i, "rfc5280",
			      "%s keys are not accepted", nid_name(type));
		tfinding_param(f, "type", "%s", nid_name(type));
		return true;
	}
}

int tcheck_algorithms(tv_ctx *ctx, tpath *p)
{
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		bad += check_signature(p, i);
		bad += check_key(ctx, p, i);
	}
	if (bad == 0)
		tpath_add(p, TRUST_ID_RFC5280_ALGORITHMS, TRUST_SEV_PASS, -1, "rfc5280",
			  "%zu certificate%s use accepted keys and signature algorithms", p->n,
			  p->n == 1 ? "" : "s");
	return bad != 0;
}
