/*
 * The subject public key of a record: facts read from the raw SPKI for the
 * key checks (type, size, curve, whether it would decode) without building
 * an EVP_PKEY, and the EVP_PKEY itself, decoded once, on the first signature
 * check that uses it.  A leaf's key is never decoded: nothing in path
 * validation verifies with it.
 */
#include "internal.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

/* Allowed named curves, each EC_GROUP made once for point checks, and a
 * parameters-only key per curve that public keys are copied from. */
static const int curve_nids[] = { NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1 };
static EC_GROUP *curve_groups[3];
static EVP_PKEY *curve_params[3];
static pthread_once_t curves_once = PTHREAD_ONCE_INIT;

static EVP_PKEY *params_for(int nid)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)OBJ_nid2sn(nid), 0),
		OSSL_PARAM_END
	};
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEY_PARAMETERS, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return pk;
}

static void make_groups(void)
{
	for (size_t i = 0; i < 3; i++) {
		curve_groups[i] = EC_GROUP_new_by_curve_name(curve_nids[i]);
		curve_params[i] = params_for(curve_nids[i]);
	}
}

static size_t curve_index(int nid)
{
	pthread_once(&curves_once, make_groups);
	for (size_t i = 0; i < 3; i++)
		if (curve_nids[i] == nid)
			return i;
	return 3;
}

static const EC_GROUP *known_group(int nid)
{
	size_t i = curve_index(nid);
	return i < 3 ? curve_groups[i] : NULL;
}

/* The point must decode and lie on the curve, as the provider decoder demands. */
static bool ec_point_ok(const EC_GROUP *g, const unsigned char *pt, size_t len)
{
	EC_POINT *p = EC_POINT_new(g);
	bool ok = p && EC_POINT_oct2point(g, p, pt, len, NULL) == 1 &&
		  !EC_POINT_is_at_infinity(g, p);
	EC_POINT_free(p);
	terr_ossl_clear();
	return ok;
}

/* Everything that is not a common key type: decode it, as OpenSSL would. */
static void facts_from_pkey(trust_cert *c)
{
	EVP_PKEY *pk = tcert_pkey(c);
	c->key_ok = pk != NULL;
	c->pkey_type = pk ? EVP_PKEY_get_base_id(pk) : NID_undef;
	c->pkey_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
	c->curve_nid = NID_undef;
	char name[80];
	size_t got = 0;
	if (pk && c->pkey_type == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(pk, name, sizeof(name), &got))
		c->curve_nid = OBJ_txt2nid(name);
	ERR_clear_error();
}

void tcert_fill_key(trust_cert *c)
{
	const TASN1_SPKI *spki = c->t->tbs->spki;
	const ASN1_OBJECT *alg = NULL;
	int ptype = V_ASN1_UNDEF;
	const void *pval = NULL;
	X509_ALGOR_get0(&alg, &ptype, &pval, spki->alg);
	const unsigned char *key = ASN1_STRING_get0_data(spki->key);
	size_t klen = (size_t)ASN1_STRING_length(spki->key);
	int md = NID_undef, pknid = NID_undef;
	c->sig_nid = OBJ_obj2nid(c->t->sigalg->algorithm);
	if (!OBJ_find_sigid_algs(c->sig_nid, &md, &pknid))
		md = NID_undef;
	c->sig_md_nid = md;
	c->curve_nid = NID_undef;
	switch (OBJ_obj2nid(alg)) {
	case NID_rsaEncryption:
		c->pkey_type = EVP_PKEY_RSA;
		c->pkey_bits = tasn1_rsa_parts(key, klen, &c->rsa_n, &c->rsa_e)
				       ? BN_num_bits(c->rsa_n)
				       : 0;
		c->key_ok = c->pkey_bits > 0;
		return;
	case NID_X9_62_id_ecPublicKey: {
		int curve = ptype == V_ASN1_OBJECT ? OBJ_obj2nid(pval) : NID_undef;
		const EC_GROUP *g = known_group(curve);
		if (!g)
			break;
		c->pkey_type = EVP_PKEY_EC;
		c->curve_nid = curve;
		c->pkey_bits = EC_GROUP_order_bits(g);
		c->key_ok = ec_point_ok(g, key, klen);
		return;
	}
	case NID_ED25519:
	case NID_ED448: {
		bool ed25519 = OBJ_obj2nid(alg) == NID_ED25519;
		c->pkey_type = ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448;
		c->pkey_bits = ed25519 ? 253 : 456;
		c->key_ok = ptype == V_ASN1_UNDEF && klen == (ed25519 ? 32u : 57u);
		return;
	}
	default:
		break;
	}
	facts_from_pkey(c);
}

static EVP_PKEY_CTX *fromdata_ctx(const char *type)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx && EVP_PKEY_fromdata_init(ctx) != 1) {
		EVP_PKEY_CTX_free(ctx);
		ctx = NULL;
	}
	ERR_clear_error();
	return ctx;
}

/* RSA's fromdata context, made once: EVP_PKEY_CTX_new_from_name looks the key
 * manager up and walks its names on every call (15k instructions), and
 * EVP_PKEY_fromdata only reads the context (its operation and key manager),
 * so one serves every thread. */
static EVP_PKEY_CTX *rsa_fromdata;
static pthread_once_t rsa_fromdata_once = PTHREAD_ONCE_INIT;

static void make_rsa_fromdata(void)
{
	rsa_fromdata = fromdata_ctx("RSA");
}

/*
 * EVP_PKEY_fromdata for the key types whose facts fill_key already read and
 * checked: the provider's key manager builds the key from its parts, which
 * costs a fifth of d2i_PUBKEY (that sets up OpenSSL 3.0's decoder chain for
 * every call).  Anything else goes through d2i_PUBKEY.  `shared` is a
 * context made once, or NULL to make one for this key.
 */
static EVP_PKEY *from_parts(EVP_PKEY_CTX *shared, const char *type, OSSL_PARAM *params)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = shared ? shared : fromdata_ctx(type);
	if (!ctx || EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pk = NULL;
	if (ctx != shared)
		EVP_PKEY_CTX_free(ctx);
	return pk;
}

/*
 * A copy of the curve's parameters-only key given the point: building the
 * group from its name is most of what EVP_PKEY_fromdata costs for EC (about
 * 200k instructions for P-256 against 43k this way).  The provider checks
 * the point on the curve when it is set, as fromdata would.
 */
static EVP_PKEY *decode_ec(const trust_cert *c, const ASN1_BIT_STRING *key)
{
	size_t i = curve_index(c->curve_nid);
	if (i == 3 || !curve_params[i]) { /* start-up ran out of memory: the slow way */
		OSSL_PARAM params[] = {
			OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
					       (char *)OBJ_nid2sn(c->curve_nid), 0),
			OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, key->data,
						(size_t)key->length),
			OSSL_PARAM_END
		};
		return from_parts(NULL, "EC", params);
	}
	EVP_PKEY *pk = EVP_PKEY_dup(curve_params[i]);
	if (pk && EVP_PKEY_set1_encoded_public_key(pk, key->data, (size_t)key->length) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	return pk;
}

/* n and e as OSSL_PARAM integers (native byte order, which is how the
 * provider reads a BIGNUM parameter) in one buffer the caller frees. */
static unsigned char *rsa_params(const BIGNUM *n, const BIGNUM *e, OSSL_PARAM params[3])
{
	int nlen = BN_num_bytes(n), elen = BN_num_bytes(e);
	size_t nsz = nlen > 0 ? (size_t)nlen : 1, esz = elen > 0 ? (size_t)elen : 1;
	unsigned char *buf = malloc(nsz + esz);
	if (!buf || BN_bn2nativepad(n, buf, (int)nsz) < 0 ||
	    BN_bn2nativepad(e, buf + nsz, (int)esz) < 0) {
		free(buf);
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_N, buf, nsz);
	params[1] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_E, buf + nsz, esz);
	params[2] = OSSL_PARAM_construct_end();
	return buf;
}

/* From the parts fill_key read (key_ok says it did). */
static EVP_PKEY *decode_rsa(const trust_cert *c)
{
	EVP_PKEY *pk = NULL;
	OSSL_PARAM params[3];
	unsigned char *buf = NULL;
	pthread_once(&rsa_fromdata_once, make_rsa_fromdata);
	if (c->rsa_n && c->rsa_e && (buf = rsa_params(c->rsa_n, c->rsa_e, params)))
		pk = from_parts(rsa_fromdata, "RSA", params);
	free(buf);
	return pk;
}

EVP_PKEY *tcert_pkey(const trust_cert *cert)
{
	trust_cert *c = (trust_cert *)cert;
	EVP_PKEY *pk = atomic_load_explicit(&c->pkey, memory_order_acquire);
	if (pk || !c->t)
		return pk;
	const TASN1_SPKI *spki = c->t->tbs->spki;
	int alg = OBJ_obj2nid(spki->alg->algorithm);
	if (c->key_ok && alg == NID_X9_62_id_ecPublicKey && c->curve_nid != NID_undef) {
		pk = decode_ec(c, spki->key);
	} else if (c->key_ok && alg == NID_rsaEncryption) {
		pk = decode_rsa(c);
	} else {
		const unsigned char *p = spki->enc.enc;
		pk = p ? d2i_PUBKEY(NULL, &p, spki->enc.len) : NULL;
	}
	if (!pk)
		return NULL; /* the error queue says why, for callers that ask */
	EVP_PKEY *expected = NULL;
	if (!atomic_compare_exchange_strong(&c->pkey, &expected, pk)) {
		EVP_PKEY_free(pk);
		return expected;
	}
	return pk;
}

bool tcert_signature_info(const trust_cert *c, int *md, int *pk)
{
	*md = NID_undef;
	*pk = NID_undef;
	if (!OBJ_find_sigid_algs(c->sig_nid, md, pk))
		return false;
	if (*md != NID_undef)
		return EVP_get_digestbynid(*md) != NULL;
	if (*pk == NID_ED25519 || *pk == NID_ED448)
		return true;
	/* RSA-PSS and the like: the digest is in the parameters. */
	X509 *x = tcert_x509(c);
	uint32_t flags = 0;
	int secbits = 0;
	bool ok = x && X509_get_signature_info(x, md, pk, &secbits, &flags);
	ERR_clear_error();
	return ok;
}

/*
 * The common signatures (ECDSA and RSA PKCS#1 v1.5 with SHA-2) are checked
 * with EVP_PKEY_verify on the digest of the received TBS bytes, through a
 * copy of a context set up once per issuer key: the provider, padding and
 * digest lookups that EVP_DigestVerifyInit repeats on every call cost about
 * 30k instructions, a tenth of an RSA-2048 verification.  The provider runs
 * the same verification either way (its digest-verify ends in the same
 * function).  Everything else goes through ASN1_item_verify_ex.
 */
struct tverify_ctx {
	int md_nid;
	EVP_PKEY_CTX *ctx;
};

void tcert_free_verify_ctx(struct tverify_ctx *v)
{
	if (!v)
		return;
	EVP_PKEY_CTX_free(v->ctx);
	free(v);
}

static struct tverify_ctx *new_verify_ctx(EVP_PKEY *pk, int md_nid, const EVP_MD *md)
{
	struct tverify_ctx *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->md_nid = md_nid;
	v->ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	/* An ECDSA verification reads no digest: the provider would only
	 * compare the length of the one given, which is made here with md.  An
	 * RSA key's padding is PKCS#1 v1.5 unless set otherwise (an RSA-PSS key
	 * is not EVP_PKEY_RSA); its DigestInfo needs the digest. */
	bool rsa = EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA;
	if (!v->ctx || EVP_PKEY_verify_init(v->ctx) != 1 ||
	    (rsa && EVP_PKEY_CTX_set_signature_md(v->ctx, md) != 1)) {
		tcert_free_verify_ctx(v);
		return NULL;
	}
	return v;
}

/* The issuer's prepared context for this digest (made on first use), or a
 * new one the caller frees in *own when the kept one is for another digest. */
static const struct tverify_ctx *verify_ctx_for(trust_cert *issuer, EVP_PKEY *pk, int md_nid,
						const EVP_MD *md, struct tverify_ctx **own)
{
	*own = NULL;
	struct tverify_ctx *v = atomic_load_explicit(&issuer->verify_ctx, memory_order_acquire);
	if (v && v->md_nid == md_nid)
		return v;
	struct tverify_ctx *made = new_verify_ctx(pk, md_nid, md);
	if (!made || v)
		return *own = made;
	struct tverify_ctx *expected = NULL;
	if (atomic_compare_exchange_strong(&issuer->verify_ctx, &expected, made))
		return made;
	*own = made; /* another thread kept its own first */
	return made;
}

/* 1 valid, 0 not, -1 not a signature this path handles. */
static int verify_prepared(const trust_cert *child, trust_cert *issuer, EVP_PKEY *pk)
{
	const TASN1_CERT *t = child->t;
	int md_nid = NID_undef, pk_nid = NID_undef;
	if (!OBJ_find_sigid_algs(child->sig_nid, &md_nid, &pk_nid))
		return -1;
	bool ec = pk_nid == NID_X9_62_id_ecPublicKey, rsa = pk_nid == NID_rsaEncryption;
	if ((!ec && !rsa) ||
	    (md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512) ||
	    !t->tbs->enc.enc || t->tbs->enc.modified)
		return -1;
	/* The checks ASN1_item_verify_ex and X509_verify make before verifying. */
	if (X509_ALGOR_cmp(t->sigalg, t->tbs->sigalg) != 0 || (t->sig->flags & 0x7) ||
	    EVP_PKEY_get_base_id(pk) != (ec ? EVP_PKEY_EC : EVP_PKEY_RSA))
		return 0;
	const EVP_MD *md = tdigest_md(md_nid);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	const unsigned char *tbs_sha256 = md_nid == NID_sha256 ? tcert_tbs_sha256(child) : NULL;
	if (tbs_sha256) { /* kept on the record: the cache key is made from it */
		memcpy(digest, tbs_sha256, 32);
		dlen = 32;
	} else if (!md ||
		   !EVP_Digest(t->tbs->enc.enc, (size_t)t->tbs->enc.len, digest, &dlen, md, NULL)) {
		return -1;
	}
	struct tverify_ctx *own = NULL;
	const struct tverify_ctx *v = verify_ctx_for(issuer, pk, md_nid, md, &own);
	EVP_PKEY_CTX *ctx = v ? EVP_PKEY_CTX_dup(v->ctx) : NULL;
	int r = ctx ? EVP_PKEY_verify(ctx, t->sig->data, (size_t)t->sig->length, digest, dlen)
		    : -1;
	EVP_PKEY_CTX_free(ctx);
	tcert_free_verify_ctx(own);
	if (!ctx)
		return -1;
	return r == 1;
}

int tcert_verify_signed_by(const trust_cert *child, const trust_cert *issuer)
{
	EVP_PKEY *pk = tcert_pkey(issuer);
	if (!pk || !child->t)
		return 0;
	int r = verify_prepared(child, (trust_cert *)issuer, pk);
	return r >= 0 ? r : tasn1_cert_verify(child->t, pk);
}
