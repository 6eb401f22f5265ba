/*
 * Which client identity answers a CertificateRequest.  Each identity gets a
 * verdict and a sentence, so "why did it not send my certificate?" has an
 * answer; the fitting ones are ranked by configured entry, then by remaining
 * validity (a renewed certificate beside an old one wins), then set order.
 */
#include "identity.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct verdict {
	const char *id;
	char *message;
	int64_t remaining; /* seconds of validity left, for ranking */
} verdict;

struct trust_identity_choice {
	int chosen;
	size_t n;
	verdict *v;
};

/* notAfter/notBefore as epoch seconds; false if the time cannot be read. */
static bool epoch(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

static char *dn(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *s = NULL;
	if (b && X509_NAME_print_ex(b, name, 0, TRUST_DN_FLAGS) >= 0) {
		char *p;
		long len = BIO_get_mem_data(b, &p);
		if ((s = malloc((size_t)len + 1)) != NULL) {
			memcpy(s, p, (size_t)len);
			s[len] = '\0';
		}
	}
	BIO_free(b);
	return s;
}

/* Sets the verdict; `fmt` has one %s: the DN `name` if given, else `text`.
 * false on no memory (the caller fails closed). */
static bool say(verdict *v, const char *id, const char *fmt, const X509_NAME *name,
		const char *text)
{
	char *n = name ? dn(name) : NULL;
	if (name && !n)
		return false;
	const char *a = n ? n : text ? text : "";
	int len = snprintf(NULL, 0, fmt, a);
	v->id = id;
	v->message = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (v->message)
		snprintf(v->message, (size_t)len + 1, fmt, a);
	free(n);
	return v->message != NULL;
}

/* The certificate of the path (leaf, then chain) at index i. */
static X509 *path_cert(const tident *id, int i)
{
	return i == 0 ? id->leaf : sk_X509_value(id->chain, i - 1);
}

/* Position in the path of the certificate that ties it to an acceptable name, with
 * that name; -1 if none.  The top certificate's own subject counts too (the
 * server may name a CA we hold the certificate of, with no issuer above it). */
static int ca_match(const tident *id, const STACK_OF(X509_NAME) *ok, const X509_NAME **name)
{
	int len = 1 + sk_X509_num(id->chain);
	for (int i = 0; i < len; i++) {
		X509 *c = path_cert(id, i);
		for (int k = 0; k < sk_X509_NAME_num(ok); k++) {
			const X509_NAME *want = sk_X509_NAME_value(ok, k);
			if (X509_NAME_cmp(X509_get_issuer_name(c), want) == 0 ||
			    (i == len - 1 && X509_NAME_cmp(X509_get_subject_name(c), want) == 0)) {
				*name = want;
				return i;
			}
		}
	}
	return -1;
}

/* TLS 1.2 ECDSA code points name only the hash: the key may be on any named
 * curve the peer supports; TLS 1.3 ties each to one curve (RFC 8446 4.2.3). */
static bool tls12_curve(int curve)
{
	return curve == NID_X9_62_prime256v1 || curve == NID_secp384r1 ||
	       curve == NID_secp521r1;
}

/* TLS SignatureScheme -> key type (and curve for ECDSA; 0 any curve), read with
 * the meaning of `tls12` (true: TLS 1.2 or older, false: TLS 1.3). */
static bool scheme_fits(uint16_t s, EVP_PKEY *key, bool tls12)
{
	int type = EVP_PKEY_get_base_id(key);
	int curve = 0;
	if (type == EVP_PKEY_EC) {
		char group[64];
		size_t glen = 0;
		if (EVP_PKEY_get_group_name(key, group, sizeof(group), &glen)) {
			curve = OBJ_sn2nid(group);
			if (curve == NID_undef)
				curve = EC_curve_nist2nid(group);
		}
	}
	switch (s) {
	case 0x0201: case 0x0401: case 0x0501: case 0x0601: /* rsa_pkcs1_* */
	case 0x0804: case 0x0805: case 0x0806:               /* rsa_pss_rsae_* */
		return type == EVP_PKEY_RSA;
	case 0x0809: case 0x080a: case 0x080b:               /* rsa_pss_pss_* */
		return type == EVP_PKEY_RSA_PSS;
	case 0x0203: return type == EVP_PKEY_EC;            /* ecdsa_sha1: any curve */
	case 0x0403: case 0x0503: case 0x0603:              /* ecdsa_*_sha256/384/512 */
		if (type != EVP_PKEY_EC)
			return false;
		if (tls12)
			return tls12_curve(curve);
		return curve == (s == 0x0403 ? NID_X9_62_prime256v1
				 : s == 0x0503 ? NID_secp384r1 : NID_secp521r1);
	case 0x0807: return type == EVP_PKEY_ED25519;
	case 0x0808: return type == EVP_PKEY_ED448;
	default: return false;
	}
}

static const char *key_name(EVP_PKEY *key)
{
	const char *n = EVP_PKEY_get0_type_name(key);
	return n ? n : "unknown";
}

/* Judges one identity; false only on no memory. */
static bool judge(verdict *v, const tident *id, const STACK_OF(X509_NAME) *ok,
		  const uint16_t *schemes, size_t nschemes, bool tls12, int64_t at)
{
	const X509_NAME *name = NULL;
	int len = 1 + sk_X509_num(id->chain);
	if (sk_X509_NAME_num(ok) > 0 && ca_match(id, ok, &name) < 0)
		return say(v, "identity.ca-not-accepted",
			   "no certificate of its chain (up to %s) is issued by a CA the server accepts",
			   X509_get_issuer_name(path_cert(id, len - 1)), NULL);
	for (int i = 0; i < len; i++) {
		X509 *c = path_cert(id, i);
		int64_t nb, na;
		if (!epoch(X509_get0_notBefore(c), &nb) || !epoch(X509_get0_notAfter(c), &na))
			return say(v, "identity.validity-unreadable",
				   "the validity of %s cannot be read", X509_get_subject_name(c), NULL);
		if (at < nb)
			return say(v, "identity.not-yet-valid", "%s is not valid yet",
				   X509_get_subject_name(c), NULL);
		if (at > na)
			return say(v, "identity.expired", "%s has expired",
				   X509_get_subject_name(c), NULL);
		if (i == 0)
			v->remaining = na - at;
	}
	/* A CA's own folder (certgen keeps one per intermediate) is no client. */
	if (X509_check_ca(id->leaf) != 0)
		return say(v, "identity.not-end-entity", "%s is a CA certificate, not a client",
			   X509_get_subject_name(id->leaf), NULL);
	uint32_t xku = X509_get_extended_key_usage(id->leaf);
	if ((X509_get_extension_flags(id->leaf) & EXFLAG_XKUSAGE) && !(xku & XKU_SSL_CLIENT))
		return say(v, "identity.eku",
			   "%s has an extended key usage without clientAuth",
			   X509_get_subject_name(id->leaf), NULL);
	bool sig_ok = nschemes == 0;
	for (size_t i = 0; i < nschemes && !sig_ok; i++)
		sig_ok = scheme_fits(schemes[i], id->key, tls12);
	if (!sig_ok)
		return say(v, "identity.sigalg",
			   "its %s key cannot make any signature algorithm the server offers",
			   NULL, key_name(id->key));
	if (name)
		return say(v, "identity.ok", "fits: its chain reaches acceptable CA %s", name, NULL);
	return say(v, "identity.ok", "fits: the server accepts any CA%s", NULL, "");
}

/* Rank of a fitting identity: earlier entry, then longer remaining validity. */
static bool better(const trust_identity_set *set, const verdict *v, size_t a, size_t b)
{
	if (set->v[a].group != set->v[b].group)
		return set->v[a].group < set->v[b].group;
	return v[a].remaining > v[b].remaining;
}

int trust_identity_select(trust_identity_choice **out, const trust_identity_set *set,
			  const STACK_OF(X509_NAME) *acceptable, const uint16_t *sigschemes,
			  size_t nsigschemes, int64_t at, trust_error *err)
{
	return trust_identity_select_tls(out, set, acceptable, sigschemes, nsigschemes, 0, at,
					 err);
}

int trust_identity_select_tls(trust_identity_choice **out, const trust_identity_set *set,
			      const STACK_OF(X509_NAME) *acceptable, const uint16_t *sigschemes,
			      size_t nsigschemes, int tls_version, int64_t at, trust_error *err)
{
	/* 0 (unknown) keeps the strict TLS 1.3 reading: never offer a key the server may refuse. */
	bool tls12 = tls_version != 0 && tls_version < 0x0304;
	if (!out || !set || (nsigschemes && !sigschemes))
		return terr_set(err, TRUST_EUSAGE, "identity select: out and set are required");
	*out = NULL;
	trust_identity_choice *c = calloc(1, sizeof(*c));
	if (!c || !(c->v = calloc(set->n ? set->n : 1, sizeof(*c->v)))) {
		free(c);
		return terr_set(err, TRUST_ENOMEM, "identity select: out of memory");
	}
	c->n = set->n;
	c->chosen = -1;
	if (at == 0)
		at = ttime_now();
	for (size_t i = 0; i < set->n; i++) {
		if (!judge(&c->v[i], &set->v[i], acceptable, sigschemes, nsigschemes, tls12, at)) {
			trust_identity_choice_free(c);
			return terr_set(err, TRUST_ENOMEM, "identity select: out of memory");
		}
		if (strcmp(c->v[i].id, "identity.ok") == 0 &&
		    (c->chosen < 0 || better(set, c->v, i, (size_t)c->chosen)))
			c->chosen = (int)i;
	}
	/* The fitting ones that lost say so, naming the winner. */
	for (size_t i = 0; i < set->n; i++) {
		if ((int)i == c->chosen || strcmp(c->v[i].id, "identity.ok") != 0)
			continue;
		free(c->v[i].message);
		c->v[i].message = NULL;
		if (!say(&c->v[i], "identity.outranked", "fits, but %s is preferred",
			 NULL, set->v[c->chosen].label)) {
			trust_identity_choice_free(c);
			return terr_set(err, TRUST_ENOMEM, "identity select: out of memory");
		}
	}
	*out = c;
	return TRUST_OK;
}

void trust_identity_choice_free(trust_identity_choice *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].message);
	free(c->v);
	free(c);
}

int trust_identity_choice_index(const trust_identity_choice *c)
{
	return c ? c->chosen : -1;
}

size_t trust_identity_choice_count(const trust_identity_choice *c)
{
	return c ? c->n : 0;
}

const char *trust_identity_choice_reason(const trust_identity_choice *c, size_t i)
{
	return c && i < c->n ? c->v[i].id : NULL;
}

const char *trust_identity_choice_message(const trust_identity_choice *c, size_t i)
{
	return c && i < c->n ? c->v[i].message : NULL;
}
