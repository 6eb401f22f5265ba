/*
 * Extension facts of a certificate record, read from the template's
 * extension list with the meaning OpenSSL's extension cache
 * (ossl_x509v3_cache_extensions) gives them, so the checks that used
 * X509_get_extension_flags, X509_get_key_usage and friends see the same
 * values: EXFLAG_INVALID when an extension this cache decodes is malformed
 * or repeated, an empty keyUsage, a negative pathLenConstraint; EXFLAG_SS
 * for a self-issued certificate whose AKI fits its SKI and whose key type
 * fits its signature algorithm.  The SHA-1 fingerprint and the
 * distribution-point setup are not needed and not made.
 */
#include "internal.h"

#include <openssl/objects.h>

/*
 * The extensions OpenSSL's cache decodes, found in one pass over the list:
 * where each is (its index), absent (-1) or repeated (-2), which is what
 * X509V3_get_d2i would tell by scanning the list once per extension.
 */
enum { E_BC, E_PCI, E_KU, E_XKU, E_NSCERT, E_SKI, E_AKI, E_SAN, E_NC, E_CRLDP, E_IPADDR,
       E_ASNUM, E_COUNT };
static const int cached_nids[E_COUNT] = {
	NID_basic_constraints, NID_proxyCertInfo, NID_key_usage, NID_ext_key_usage,
	NID_netscape_cert_type, NID_subject_key_identifier, NID_authority_key_identifier,
	NID_subject_alt_name, NID_name_constraints, NID_crl_distribution_points,
	NID_sbgp_ipAddrBlock, NID_sbgp_autonomousSysNum
};

typedef struct ext_scan {
	trust_cert *c;
	const STACK_OF(X509_EXTENSION) *exts;
	int at[E_COUNT];
} ext_scan;

/* Also keeps each extension's NID on the record, for tcert_ext_index. */
static void scan(ext_scan *e, trust_cert *c)
{
	e->c = c;
	e->exts = tcert_exts(c);
	for (int k = 0; k < E_COUNT; k++)
		e->at[k] = -1;
	int n = sk_X509_EXTENSION_num(e->exts);
	c->ext_nids_ok = false;
	for (int i = 0; i < n; i++) {
		X509_EXTENSION *ex = sk_X509_EXTENSION_value(e->exts, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ex));
		if (i < TCERT_MAX_EXT_NIDS)
			c->ext_nids[i] = nid;
		for (int k = 0; k < E_COUNT; k++)
			if (cached_nids[k] == nid)
				e->at[k] = e->at[k] == -1 ? i : -2;
		/* OpenSSL's loop stops at the first unsupported critical extension,
		 * so a freshestCRL after it is not flagged. */
		if (c->ex_flags & EXFLAG_CRITICAL)
			continue;
		if (nid == NID_freshest_crl)
			c->ex_flags |= EXFLAG_FRESHEST;
		if (X509_EXTENSION_get_critical(ex) && !X509_supported_extension(ex))
			c->ex_flags |= EXFLAG_CRITICAL;
	}
	c->n_ext_nids = n;
	c->ext_nids_ok = n >= 0 && n <= TCERT_MAX_EXT_NIDS;
}

/* Decodes extension k if present once; sets EXFLAG_INVALID when it is there
 * but does not decode or appears twice.  The caller frees the value. */
static void *cached_d2i(ext_scan *e, int k)
{
	if (e->at[k] == -1)
		return NULL;
	void *v = e->at[k] >= 0 ? X509V3_EXT_d2i(sk_X509_EXTENSION_value(e->exts, e->at[k]))
				: NULL;
	if (!v)
		e->c->ex_flags |= EXFLAG_INVALID;
	return v;
}

static void basic_constraints(ext_scan *e)
{
	trust_cert *c = e->c;
	c->pathlen = -1;
	BASIC_CONSTRAINTS *bs = cached_d2i(e, E_BC);
	if (!bs)
		return;
	if (bs->ca)
		c->ex_flags |= EXFLAG_CA;
	if (bs->pathlen) {
		if (bs->pathlen->type == V_ASN1_NEG_INTEGER)
			c->ex_flags |= EXFLAG_INVALID;
		else
			c->pathlen = ASN1_INTEGER_get(bs->pathlen);
	}
	BASIC_CONSTRAINTS_free(bs);
	c->ex_flags |= EXFLAG_BCONS;
}

static void key_usage(ext_scan *e)
{
	trust_cert *c = e->c;
	ASN1_BIT_STRING *ku = cached_d2i(e, E_KU);
	c->ku = TCERT_KU_ABSENT;
	if (!ku)
		return;
	uint32_t bits = 0;
	if (ku->length > 0)
		bits = ku->data[0];
	if (ku->length > 1)
		bits |= (uint32_t)ku->data[1] << 8;
	ASN1_BIT_STRING_free(ku);
	c->ku = bits;
	c->ex_flags |= EXFLAG_KUSAGE;
	if (bits == 0)
		c->ex_flags |= EXFLAG_INVALID; /* RFC 5280 §4.2.1.3: at least one bit */
}

static uint32_t xku_bit(int nid)
{
	switch (nid) {
	case NID_server_auth: return XKU_SSL_SERVER;
	case NID_client_auth: return XKU_SSL_CLIENT;
	case NID_email_protect: return XKU_SMIME;
	case NID_code_sign: return XKU_CODE_SIGN;
	case NID_ms_sgc:
	case NID_ns_sgc: return XKU_SGC;
	case NID_OCSP_sign: return XKU_OCSP_SIGN;
	case NID_time_stamp: return XKU_TIMESTAMP;
	case NID_dvcs: return XKU_DVCS;
	case NID_anyExtendedKeyUsage: return XKU_ANYEKU;
	default: return 0;
	}
}

static void extended_key_usage(ext_scan *e)
{
	trust_cert *c = e->c;
	EXTENDED_KEY_USAGE *eku = cached_d2i(e, E_XKU);
	c->xku = 0;
	if (!eku)
		return;
	c->ex_flags |= EXFLAG_XKUSAGE;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
		c->xku |= xku_bit(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)));
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

/* Decoded only to be validated, as OpenSSL's cache decodes them. */
static void validate_only(ext_scan *e, int k)
{
	void *v = cached_d2i(e, k);
	if (!v)
		return;
	const X509V3_EXT_METHOD *m = X509V3_EXT_get_nid(cached_nids[k]);
	if (m && m->it)
		ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
	else if (m && m->ext_free)
		m->ext_free(v);
}

/* The subjectAltName, decoded to be validated and kept for the name checks
 * (tcert_san), so a new leaf's SAN is decoded once.  Its crit is what
 * tcert_ext_d2i would say: -1 absent, -2 repeated, else the criticality. */
static void keep_san(ext_scan *e)
{
	trust_cert *c = e->c;
	int at = e->at[E_SAN];
	c->san = cached_d2i(e, E_SAN);
	c->san_crit = at < 0 ? at
			     : X509_EXTENSION_get_critical(sk_X509_EXTENSION_value(e->exts, at));
	atomic_store_explicit(&c->san_done, true, memory_order_release);
}

static void proxy_cert_info(ext_scan *e)
{
	trust_cert *c = e->c;
	PROXY_CERT_INFO_EXTENSION *pci = cached_d2i(e, E_PCI);
	if (!pci)
		return;
	if ((c->ex_flags & EXFLAG_CA) || e->at[E_SAN] != -1 ||
	    tcert_ext_index(c, NID_issuer_alt_name, -1) >= 0)
		c->ex_flags |= EXFLAG_INVALID;
	PROXY_CERT_INFO_EXTENSION_free(pci);
	c->ex_flags |= EXFLAG_PROXY;
}

/* Each distribution point needs a name or a CRL issuer (OpenSSL's setup_dp). */
static void crl_distribution_points(ext_scan *e)
{
	STACK_OF(DIST_POINT) *dps = cached_d2i(e, E_CRLDP);
	for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		if (!dp->distpoint && sk_GENERAL_NAME_num(dp->CRLissuer) <= 0)
			e->c->ex_flags |= EXFLAG_INVALID;
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
}

/* X509_check_akid(x, x->akid) == X509_V_OK for a self-issued certificate. */
static bool akid_fits_self(const trust_cert *c)
{
	const AUTHORITY_KEYID *akid = c->aki;
	if (!akid)
		return true;
	if (akid->keyid && c->ski && ASN1_OCTET_STRING_cmp(akid->keyid, c->ski) != 0)
		return false;
	if (akid->serial && ASN1_INTEGER_cmp(tcert_serial(c), akid->serial) != 0)
		return false;
	if (akid->issuer) {
		/* Only the first directoryName counts, as in X509_check_akid. */
		for (int i = 0; i < sk_GENERAL_NAME_num(akid->issuer); i++) {
			const GENERAL_NAME *g = sk_GENERAL_NAME_value(akid->issuer, i);
			if (g->type == GEN_DIRNAME)
				return X509_NAME_cmp(g->d.dirn, tcert_issuer_name(c)) == 0;
		}
	}
	return true;
}

/* check_sig_alg_match(own key, own signature) without decoding the key. */
static bool sig_fits_own_key(const trust_cert *c)
{
	int pk = NID_undef;
	if (!c->key_ok ||
	    !OBJ_find_sigid_algs(OBJ_obj2nid(tcert_tbs_sigalg(c)->algorithm), NULL, &pk))
		return false;
	return c->pkey_type == EVP_PKEY_type(pk) ||
	       (c->pkey_type == EVP_PKEY_RSA && pk == NID_rsassaPss);
}

int tcert_fill_extensions(trust_cert *c)
{
	c->ex_flags = 0;
	if (c->version == 0)
		c->ex_flags |= EXFLAG_V1;
	ext_scan e;
	scan(&e, c);
	basic_constraints(&e);
	proxy_cert_info(&e);
	key_usage(&e);
	extended_key_usage(&e);
	validate_only(&e, E_NSCERT);
	c->ski = cached_d2i(&e, E_SKI);
	c->aki = cached_d2i(&e, E_AKI);
	c->aki_keyid = c->aki ? c->aki->keyid : NULL;
	if (c->self_issued) {
		c->ex_flags |= EXFLAG_SI;
		if (akid_fits_self(c) && sig_fits_own_key(c))
			c->ex_flags |= EXFLAG_SS;
	}
	keep_san(&e);
	validate_only(&e, E_NC);
	crl_distribution_points(&e);
	validate_only(&e, E_IPADDR);
	validate_only(&e, E_ASNUM);
	c->has_bc = (c->ex_flags & EXFLAG_BCONS) != 0;
	c->is_ca = (c->ex_flags & EXFLAG_CA) != 0;
	c->bc_critical = c->has_bc && e.at[E_BC] >= 0 &&
			 X509_EXTENSION_get_critical(sk_X509_EXTENSION_value(e.exts, e.at[E_BC]));
	if (!c->is_ca)
		c->pathlen = -1;
	c->has_eku = (c->ex_flags & EXFLAG_XKUSAGE) != 0;
	/* X509_get_key_usage and X509_get_extended_key_usage answer 0,
	 * X509_get_pathlen -1 and the key-id getters NULL for a certificate the
	 * cache marked invalid. */
	if (c->ex_flags & EXFLAG_INVALID) {
		c->pathlen = -1;
		ASN1_OCTET_STRING_free(c->ski);
		AUTHORITY_KEYID_free(c->aki);
		c->ski = NULL;
		c->aki = NULL;
		c->aki_keyid = NULL;
		if (c->ku != TCERT_KU_ABSENT)
			c->ku = 0;
		c->xku = 0;
	}
	terr_ossl_clear();
	return TRUST_OK;
}

static pthread_mutex_t san_mu = PTHREAD_MUTEX_INITIALIZER;

const GENERAL_NAMES *tcert_san(const trust_cert *cert, int *crit)
{
	trust_cert *c = (trust_cert *)cert;
	if (!atomic_load_explicit(&c->san_done, memory_order_acquire)) {
		pthread_mutex_lock(&san_mu);
		if (!atomic_load_explicit(&c->san_done, memory_order_relaxed)) {
			c->san_crit = -1;
			c->san = tcert_ext_d2i(c, NID_subject_alt_name, &c->san_crit);
			atomic_store_explicit(&c->san_done, true, memory_order_release);
		}
		pthread_mutex_unlock(&san_mu);
	}
	*crit = c->san_crit;
	return c->san;
}
