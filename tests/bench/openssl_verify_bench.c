/*
 * openssl-verify-bench: the reference side of `make bench`, X509_verify_cert
 * doing the work trust-verify-bench does (see bench_common.h for the modes).
 *
 * Equivalence with libtrust's default tls-server evaluation: the "ssl_server"
 * parameter set (serverAuth purpose and trust, as libssl uses when a client
 * checks a server), the host matched against SAN dNSName only with no partial
 * wildcards, a fixed verification time, and X509_V_FLAG_X509_STRICT for the
 * RFC 5280 structure checks libtrust always makes.  A new X509_STORE_CTX per
 * verification, as libssl makes one per handshake.
 */
#include "bench_common.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sig-floor: one (issuer, subject) signature of the chain, ready to check. */
typedef struct floor_edge {
	EVP_PKEY *key;      /* the issuer's key: only ever copied, never used itself */
	EVP_MD *md;         /* the signature's hash, fetched once */
	unsigned char *der; /* the subject as received (X509 keeps the TBS encoding) */
	const unsigned char *tbs; /* its TBSCertificate, inside `der` */
	long tbs_len;
	const unsigned char *sig; /* the subject's signature value (in `x`) */
	int sig_len;
	X509 *x;
} floor_edge;

#define FLOOR_MAX_EDGES 8

typedef struct ossl_state {
	X509_STORE *store;       /* warm, rotate */
	X509 *leaf;              /* warm */
	STACK_OF(X509) *untrusted; /* warm, rotate: intermediates and pool */
	floor_edge edge[FLOOR_MAX_EDGES]; /* sig-floor: leaf's edge first */
	int n_edges;
} ossl_state;

/* Appends every certificate in PEM or DER bytes to `out`; 0 or -1. */
static int parse_certs(STACK_OF(X509) *out, const bench_blob *b)
{
	if (bench_is_pem(b->data, b->len)) {
		BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);
		if (!bio)
			return -1;
		X509 *x;
		int n = 0;
		while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			if (!sk_X509_push(out, x)) {
				X509_free(x);
				break;
			}
			n++;
		}
		/* The loop ends on "no start line" at end of input: not an error. */
		ERR_clear_error();
		BIO_free(bio);
		return n > 0 ? 0 : -1;
	}
	const unsigned char *p = b->data, *end = b->data + b->len;
	while (p < end) {
		X509 *x = d2i_X509(NULL, &p, end - p);
		if (!x || !sk_X509_push(out, x)) {
			X509_free(x);
			return -1;
		}
	}
	return 0;
}

static X509 *parse_der(const bench_blob *b)
{
	const unsigned char *p = b->data;
	return d2i_X509(NULL, &p, (long)b->len);
}

static int add_anchors(X509_STORE *store, const bench_blob *b)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	int rc = sk ? parse_certs(sk, b) : -1;
	for (int i = 0; rc == 0 && i < sk_X509_num(sk); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(sk, i)))
			rc = -1;
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

static X509_STORE *build_store(const bench_args *a)
{
	X509_STORE *store = X509_STORE_new();
	if (!store)
		return NULL;
	int rc = 0;
	if (a->mode == BENCH_COLD_CHAIN)
		rc = add_anchors(store, &a->system);
	for (size_t i = 0; rc == 0 && i < a->anchors.n; i++)
		rc = add_anchors(store, &a->anchors.v[i]);
	if (rc != 0) {
		X509_STORE_free(store);
		return NULL;
	}
	return store;
}

/* The untrusted stack: the peer's intermediates, with the pool before or after them. */
static STACK_OF(X509) *build_untrusted(const bench_args *a)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	if (!sk)
		return NULL;
	int rc = 0;
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		int pool_pass = a->pool_after ? 1 : 0;
		if (pass == pool_pass) {
			for (size_t i = 0; rc == 0 && i < a->pool.n; i++) {
				bench_blob f = bench_pool_file(a, i);
				rc = parse_certs(sk, &f);
				bench_pool_done(a, i, &f);
			}
		} else {
			for (size_t i = 0; rc == 0 && i < a->untrusted.n; i++) {
				X509 *x = parse_der(&a->untrusted.v[i]);
				if (!x || !sk_X509_push(sk, x)) {
					X509_free(x);
					rc = -1;
				}
			}
		}
	}
	if (rc != 0) {
		sk_X509_pop_free(sk, X509_free);
		return NULL;
	}
	return sk;
}

static int verify(X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted, const bench_args *a,
		  char *why, size_t whylen)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
		snprintf(why, whylen, "X509_STORE_CTX_init failed");
		X509_STORE_CTX_free(ctx);
		return -1;
	}
	X509_STORE_CTX_set_default(ctx, "ssl_server");
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
						    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	X509_VERIFY_PARAM_set1_host(vp, a->host, 0);
	X509_VERIFY_PARAM_set_time(vp, (time_t)a->attime);
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_X509_STRICT);
	int ok = X509_verify_cert(ctx);
	if (ok != 1)
		snprintf(why, whylen, "%s (depth %d)",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)),
			 X509_STORE_CTX_get_error_depth(ctx));
	X509_STORE_CTX_free(ctx);
	return ok == 1 ? 0 : -1;
}

/*
 * sig-floor: the least a cold verification can cost while signatures are
 * checked with OpenSSL's code.  Setup parses every input and walks from the
 * leaf to an anchor (X509_check_issued); each iteration checks each edge's
 * signature the way a verifier meeting the issuer's key for the first time
 * must: a key object never used before (EVP_PKEY_dup does not copy RSA's
 * Montgomery context, so its set-up is paid here as after a fresh decode),
 * the hash of the exact TBS bytes and the signature check.  Nothing else is
 * timed: no parse, no store, no path building, no validation.
 */
static X509 *find_issuer(STACK_OF(X509) *sk, X509 *x)
{
	for (int i = 0; i < sk_X509_num(sk); i++) {
		X509 *c = sk_X509_value(sk, i);
		if (c != x && X509_check_issued(c, x) == X509_V_OK)
			return c;
	}
	return NULL;
}

static int floor_add_edge(ossl_state *s, X509 *issuer, X509 *x)
{
	floor_edge *e = &s->edge[s->n_edges++];
	const ASN1_BIT_STRING *sig;
	int md_nid, pkey_nid;
	e->x = x;
	X509_up_ref(x);
	X509_get0_signature(&sig, NULL, x);
	e->sig = ASN1_STRING_get0_data(sig);
	e->sig_len = ASN1_STRING_length(sig);
	/* The TBS slice: the outer SEQUENCE's first element, header included. */
	int der_len = i2d_X509(x, &e->der), tag, cls;
	const unsigned char *p = e->der;
	long len;
	if (der_len <= 0 || ASN1_get_object(&p, &len, &tag, &cls, der_len) & 0x80)
		return -1;
	e->tbs = p;
	if (ASN1_get_object(&p, &len, &tag, &cls, der_len - (p - e->der)) & 0x80)
		return -1;
	e->tbs_len = (p - e->tbs) + len;
	e->key = X509_get_pubkey(issuer);
	if (!OBJ_find_sigid_algs(X509_get_signature_nid(x), &md_nid, &pkey_nid) ||
	    md_nid == NID_undef)
		return -1; /* RSA-PSS and EdDSA are not floor inputs */
	e->md = EVP_MD_fetch(NULL, OBJ_nid2sn(md_nid), NULL);
	return e->tbs_len > 0 && e->key && e->md ? 0 : -1;
}

static int floor_setup(ossl_state *s, const bench_args *a)
{
	STACK_OF(X509) *anchors = sk_X509_new_null();
	STACK_OF(X509) *untrusted = build_untrusted(a);
	X509 *x = parse_der(&a->leaves.v[0]);
	int rc = anchors && untrusted && x ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < a->anchors.n; i++)
		rc = parse_certs(anchors, &a->anchors.v[i]);
	for (X509 *cur = x; rc == 0;) {
		X509 *up = find_issuer(anchors, cur);
		X509 *next = up ? NULL : find_issuer(untrusted, cur);
		if (!up && !next)
			rc = -1;
		else if (s->n_edges == FLOOR_MAX_EDGES)
			rc = -1;
		else
			rc = floor_add_edge(s, up ? up : next, cur);
		if (up)
			break;
		cur = next;
	}
	if (rc != 0)
		fprintf(stderr, "openssl: sig-floor: no chain of hash-then-sign signatures from "
				"the leaf to an anchor\n");
	X509_free(x);
	sk_X509_pop_free(untrusted, X509_free);
	sk_X509_pop_free(anchors, X509_free);
	return rc;
}

static int floor_check(const floor_edge *e, char *why, size_t whylen)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dg_len = 0;
	EVP_PKEY *key = EVP_PKEY_dup(e->key);
	EVP_PKEY_CTX *c = key ? EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL) : NULL;
	int ok = c && EVP_Digest(e->tbs, (size_t)e->tbs_len, dg, &dg_len, e->md, NULL) == 1 &&
		 EVP_PKEY_verify_init(c) == 1 && EVP_PKEY_CTX_set_signature_md(c, e->md) == 1 &&
		 EVP_PKEY_verify(c, e->sig, (size_t)e->sig_len, dg, dg_len) == 1;
	if (!ok)
		snprintf(why, whylen, "signature does not verify");
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

static void ossl_teardown(void *p)
{
	ossl_state *s = p;
	if (!s)
		return;
	for (int i = 0; i < s->n_edges; i++) {
		X509_free(s->edge[i].x);
		OPENSSL_free(s->edge[i].der);
		EVP_PKEY_free(s->edge[i].key);
		EVP_MD_free(s->edge[i].md);
	}
	X509_STORE_free(s->store);
	X509_free(s->leaf);
	sk_X509_pop_free(s->untrusted, X509_free);
	free(s);
}

static void *ossl_setup(const bench_args *a)
{
	ossl_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (a->mode == BENCH_COLD || a->mode == BENCH_COLD_CHAIN)
		return s; /* everything happens inside the loop */
	if (a->mode == BENCH_SIG_FLOOR) {
		if (floor_setup(s, a) == 0)
			return s;
		ERR_print_errors_fp(stderr);
		ossl_teardown(s);
		return NULL;
	}
	s->store = build_store(a);
	s->untrusted = build_untrusted(a);
	if (a->mode == BENCH_WARM)
		s->leaf = parse_der(&a->leaves.v[0]);
	if (!s->store || !s->untrusted || (a->mode == BENCH_WARM && !s->leaf)) {
		fprintf(stderr, "openssl: cannot load the inputs\n");
		ERR_print_errors_fp(stderr);
		ossl_teardown(s);
		return NULL;
	}
	return s;
}

static int ossl_verify(void *p, const bench_args *a, size_t seq, char *why, size_t whylen)
{
	ossl_state *s = p;
	if (a->mode == BENCH_SIG_FLOOR) {
		for (int i = 0; i < s->n_edges; i++)
			if (floor_check(&s->edge[i], why, whylen) != 0)
				return -1;
		return 0;
	}
	if (a->mode == BENCH_WARM)
		return verify(s->store, s->leaf, s->untrusted, a, why, whylen);
	if (a->mode == BENCH_ROTATE) {
		X509 *leaf = parse_der(&a->leaves.v[seq]);
		if (!leaf) {
			snprintf(why, whylen, "leaf %zu does not parse", seq);
			return -1;
		}
		int rc = verify(s->store, leaf, s->untrusted, a, why, whylen);
		X509_free(leaf);
		return rc;
	}
	/* cold, cold-chain: nothing from the previous iteration is used. */
	X509_STORE *store = build_store(a);
	STACK_OF(X509) *untrusted = build_untrusted(a);
	X509 *leaf = parse_der(&a->leaves.v[0]);
	int rc = -1;
	if (store && untrusted && leaf)
		rc = verify(store, leaf, untrusted, a, why, whylen);
	else
		snprintf(why, whylen, "inputs do not parse");
	X509_free(leaf);
	sk_X509_pop_free(untrusted, X509_free);
	X509_STORE_free(store);
	return rc;
}

int main(int argc, char **argv)
{
	static const bench_driver d = { "openssl", ossl_setup, ossl_verify, ossl_teardown };
	return bench_main(argc, argv, &d);
}
