/*
 * libtrust inside an OpenSSL server: the client chain's verdict comes from
 * trust_evaluate under the configured policy, and OpenSSL's verify result
 * mirrors it so a rejected client gets an alert.  The store is reference
 * counted: each handshake takes the current one at ClientHello (and sends
 * its anchors as the acceptable-CA list), so trust_ssl_ctx_set_store can swap
 * anchors and CRLs while handshakes that already started keep theirs.
 */
#include "internal.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

typedef struct store_ref {
	atomic_int refs;
	trust_store *store;
	STACK_OF(X509_NAME) *ca_names; /* the anchors' subjects, sent in CertificateRequest */
	/* Session id context of the handshakes under this store.  OpenSSL resumes a
	 * session only in the context it was made in, and resumption skips
	 * verification: a random context per store means a session made under an
	 * older store (or in another process) gets a full handshake, judged by this one. */
	unsigned char sid_ctx[16];
} store_ref;

typedef struct server_glue {
	pthread_mutex_t mu; /* guards `current` only: swap and take are a pointer move */
	store_ref *current;
	const trust_policy *policy;
	trust_sigcache *cache;
} server_glue;

/* What one handshake used and concluded (SSL ex_data). */
typedef struct handshake {
	store_ref *store;
	trust_result *result;
} handshake;

static int ctx_idx = -1, ssl_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void ref_release(store_ref *r)
{
	if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
		trust_store_free(r->store);
		sk_X509_NAME_pop_free(r->ca_names, X509_NAME_free);
		free(r);
	}
}

static void glue_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	server_glue *g = ptr;
	if (!g)
		return;
	ref_release(g->current);
	trust_sigcache_free(g->cache);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

static void handshake_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
			   void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	handshake *h = ptr;
	if (!h)
		return;
	ref_release(h->store);
	trust_result_free(h->result);
	free(h);
}

static void make_indexes(void)
{
	ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, glue_free);
	ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, handshake_free);
}

/* A reference to `store` (consumed) with its anchors' names; NULL on no memory. */
static store_ref *ref_new(trust_store *store)
{
	store_ref *r = calloc(1, sizeof(*r));
	if (r)
		r->ca_names = sk_X509_NAME_new_null();
	if (!r || !r->ca_names) {
		free(r);
		trust_store_free(store);
		return NULL;
	}
	atomic_init(&r->refs, 1);
	r->store = store;
	if (RAND_bytes(r->sid_ctx, (int)sizeof(r->sid_ctx)) != 1) {
		ref_release(r);
		return NULL;
	}
	for (size_t i = 0; i < store->certs.n; i++) {
		const trust_cert *c = store->certs.v[i].origin == TRUST_ORIGIN_NONE
					      ? NULL
					      : tstash_cert(&store->certs, i);
		if (!c || !tcert_ready(c))
			continue;
		X509_NAME *n = X509_NAME_dup(tcert_subject_name(c));
		if (!n || !sk_X509_NAME_push(r->ca_names, n)) {
			X509_NAME_free(n);
			ref_release(r);
			return NULL;
		}
	}
	return r;
}

static store_ref *take_current(server_glue *g)
{
	pthread_mutex_lock(&g->mu);
	store_ref *r = g->current;
	atomic_fetch_add(&r->refs, 1);
	pthread_mutex_unlock(&g->mu);
	return r;
}

static handshake *handshake_of(SSL *ssl)
{
	handshake *h = SSL_get_ex_data(ssl, ssl_idx);
	if (!h && (h = calloc(1, sizeof(*h))) != NULL && !SSL_set_ex_data(ssl, ssl_idx, h)) {
		free(h);
		h = NULL;
	}
	return h;
}

/* ClientHello: this handshake's store, and its anchors as the acceptable CAs. */
static int on_client_hello(SSL *ssl, int *alert, void *arg)
{
	server_glue *g = arg;
	handshake *h = handshake_of(ssl);
	STACK_OF(X509_NAME) *names = NULL;
	if (!h)
		goto fail;
	if (!h->store) /* a HelloRetryRequest calls again: keep the first store */
		h->store = take_current(g);
	/* Before OpenSSL looks for the session to resume, which happens after this callback. */
	if (SSL_set_session_id_context(ssl, h->store->sid_ctx, sizeof(h->store->sid_ctx)) != 1)
		goto fail;
	names = sk_X509_NAME_deep_copy(h->store->ca_names, X509_NAME_dup, X509_NAME_free);
	if (!names)
		goto fail;
	SSL_set_client_CA_list(ssl, names);
	return SSL_CLIENT_HELLO_SUCCESS;
fail:
	*alert = SSL_AD_INTERNAL_ERROR;
	return SSL_CLIENT_HELLO_ERROR;
}

/* OpenSSL's verify error closest to libtrust's reason, so the alert says it. */
static int x509_error_for(const char *reason)
{
	if (strstr(reason, "expired"))
		return X509_V_ERR_CERT_HAS_EXPIRED;
	if (strstr(reason, "not-yet-valid"))
		return X509_V_ERR_CERT_NOT_YET_VALID;
	if (strstr(reason, "revoked"))
		return X509_V_ERR_CERT_REVOKED;
	if (strncmp(reason, "path.", 5) == 0)
		return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	return X509_V_ERR_APPLICATION_VERIFICATION;
}

static int verify_chain(X509_STORE_CTX *xs, void *arg)
{
	server_glue *g = arg;
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	handshake *h = ssl ? handshake_of(ssl) : NULL;
	trust_chain *chain = trust_chain_new();
	X509 *leaf = X509_STORE_CTX_get0_cert(xs);
	STACK_OF(X509) *sent = X509_STORE_CTX_get0_untrusted(xs);
	bool ok = h && chain && leaf && trust_chain_add_x509(chain, leaf, NULL) == TRUST_OK;
	/* The peer's list starts with the leaf again; skip that copy. */
	for (int i = 0; ok && i < sk_X509_num(sent); i++)
		if (X509_cmp(sk_X509_value(sent, i), leaf) != 0)
			ok = trust_chain_add_x509(chain, sk_X509_value(sent, i), NULL) == TRUST_OK;
	if (ok && !h->store)
		h->store = take_current(g);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.purpose = TRUST_PURPOSE_CLIENT;
	o.overlay = g->policy;
	trust_result *r = NULL;
	ok = ok && trust_evaluate(&r, h->store->store, g->cache, chain, &o, NULL) == TRUST_OK;
	trust_chain_free(chain);
	if (!ok) { /* fail closed: no verdict is a rejection */
		trust_result_free(r);
		X509_STORE_CTX_set_error(xs, X509_V_ERR_OUT_OF_MEM);
		return 0;
	}
	trust_result_free(h->result);
	h->result = r;
	int trusted = trust_result_trusted(r);
	X509_STORE_CTX_set_error(xs, trusted ? X509_V_OK : x509_error_for(trust_result_reason(r)));
	return trusted;
}

int trust_ssl_ctx_use_policy(SSL_CTX *ctx, trust_store *store, const trust_policy *policy,
			     trust_error *err)
{
	if (!ctx || !store) {
		trust_store_free(store);
		return terr_set(err, TRUST_EUSAGE, "ssl_ctx: a context and a store are required");
	}
	pthread_once(&idx_once, make_indexes);
	if (ctx_idx < 0 || ssl_idx < 0) {
		trust_store_free(store);
		return terr_set(err, TRUST_EINTERNAL, "ssl_ctx: no OpenSSL ex_data index");
	}
	if (SSL_CTX_get_ex_data(ctx, ctx_idx)) {
		trust_store_free(store);
		return terr_set(err, TRUST_EUSAGE, "ssl_ctx: a policy is already installed");
	}
	server_glue *g = calloc(1, sizeof(*g));
	store_ref *r = g ? ref_new(store) : (trust_store_free(store), NULL);
	if (!g || !r || !(g->cache = trust_sigcache_new(0)) || !SSL_CTX_set_ex_data(ctx, ctx_idx, g)) {
		ref_release(r);
		if (g)
			trust_sigcache_free(g->cache);
		free(g);
		return terr_set(err, TRUST_ENOMEM, "ssl_ctx: out of memory");
	}
	pthread_mutex_init(&g->mu, NULL);
	g->current = r;
	g->policy = policy;
	SSL_CTX_set_client_hello_cb(ctx, on_client_hello, g);
	SSL_CTX_set_cert_verify_callback(ctx, verify_chain, g);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return TRUST_OK;
}

int trust_ssl_ctx_set_store(SSL_CTX *ctx, trust_store *store, trust_error *err)
{
	server_glue *g = ctx && ctx_idx >= 0 ? SSL_CTX_get_ex_data(ctx, ctx_idx) : NULL;
	if (!g || !store) {
		trust_store_free(store);
		return terr_set(err, TRUST_EUSAGE,
				"ssl_ctx: no store, or trust_ssl_ctx_use_policy was not called");
	}
	store_ref *r = ref_new(store);
	if (!r)
		return terr_set(err, TRUST_ENOMEM, "ssl_ctx: out of memory");
	pthread_mutex_lock(&g->mu);
	store_ref *old = g->current;
	g->current = r;
	pthread_mutex_unlock(&g->mu);
	ref_release(old);
	return TRUST_OK;
}

const trust_result *trust_ssl_result(const SSL *ssl)
{
	if (!ssl || ssl_idx < 0)
		return NULL;
	handshake *h = SSL_get_ex_data(ssl, ssl_idx);
	return h ? h->result : NULL;
}
