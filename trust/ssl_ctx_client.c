/*
 * libtrust inside an OpenSSL client: when the server asks for a certificate,
 * trust_identity_select picks one from the server's acceptable-CA list and
 * signature algorithms, and the callback installs its key, leaf and chain.
 * The choice (with every identity's reason) stays on the SSL for the caller.
 */
#include "internal.h"

#include <openssl/ssl.h>
#include <stdlib.h>

static int choice_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void choice_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
			void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	trust_identity_choice_free(ptr);
}

static void make_index(void)
{
	choice_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, choice_free);
}

size_t trust_ssl_peer_sigschemes(SSL *ssl, uint16_t *out, size_t max)
{
	int count = ssl ? SSL_get_sigalgs(ssl, -1, NULL, NULL, NULL, NULL, NULL) : 0;
	for (int i = 0; out && i < count && (size_t)i < max; i++) {
		unsigned char rsig = 0, rhash = 0;
		SSL_get_sigalgs(ssl, i, NULL, NULL, NULL, &rsig, &rhash);
		out[i] = (uint16_t)(rhash << 8 | rsig);
	}
	return count > 0 ? (size_t)count : 0;
}

static int choose(SSL *ssl, void *arg)
{
	const trust_identity_set *set = arg;
	if (SSL_is_server(ssl))
		return 1;
	size_t n = trust_ssl_peer_sigschemes(ssl, NULL, 0);
	uint16_t *schemes = n ? calloc(n, sizeof(*schemes)) : NULL;
	if (n && !schemes)
		return 0; /* no memory: abort the handshake rather than guess */
	trust_ssl_peer_sigschemes(ssl, schemes, n);
	trust_identity_choice *c = NULL;
	int rc = trust_identity_select_tls(&c, set, SSL_get0_peer_CA_list(ssl), schemes, n,
					   SSL_version(ssl), 0, NULL);
	free(schemes);
	if (rc != TRUST_OK)
		return 0; /* no memory: abort the handshake rather than guess */
	trust_identity_choice_free(SSL_get_ex_data(ssl, choice_idx));
	if (!SSL_set_ex_data(ssl, choice_idx, c)) {
		trust_identity_choice_free(c);
		return 0;
	}
	int i = trust_identity_choice_index(c);
	if (i < 0)
		return 1; /* send no certificate; the server decides */
	size_t k = (size_t)i;
	return SSL_use_certificate(ssl, trust_identity_cert(set, k)) == 1 &&
	       SSL_use_PrivateKey(ssl, trust_identity_key(set, k)) == 1 &&
	       SSL_set1_chain(ssl, trust_identity_chain(set, k)) == 1;
}

int trust_ssl_ctx_use_identities(SSL_CTX *ctx, const trust_identity_set *set, trust_error *err)
{
	if (!ctx || !set)
		return terr_set(err, TRUST_EUSAGE, "ssl_ctx: a context and an identity set are required");
	pthread_once(&idx_once, make_index);
	if (choice_idx < 0)
		return terr_set(err, TRUST_EINTERNAL, "ssl_ctx: no OpenSSL ex_data index");
	SSL_CTX_set_cert_cb(ctx, choose, (void *)set);
	return TRUST_OK;
}

const trust_identity_choice *trust_ssl_identity_choice(const SSL *ssl)
{
	return ssl && choice_idx >= 0 ? SSL_get_ex_data(ssl, choice_idx) : NULL;
}
