/*
 * The SSL_CTX glue over loopback TCP: a server whose client verdicts come
 * from libtrust (openssl s_client and libtrust's own client connect to it),
 * the acceptable-CA list it sends, a store swap taking effect on the next
 * handshake, and a client choosing its identity from what the server asked.
 */
#include "support_pki.h"
#include "support_tmpdir.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static sv_exts CLIENT_EXTS = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature",
	"extendedKeyUsage", "clientAuth",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

typedef struct ca {
	EVP_PKEY *key, *client_key;
	X509 *root, *client;
	char root_pem[256], client_pem[256], client_key_pem[256];
} ca;

static char dir[] = "/tmp/trust-sslctx-XXXXXX";

static void write_pem(const char *path, X509 *x, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(x ? PEM_write_X509(f, x)
			   : PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

/* Root `tag` and a clientAuth client directly under it, written to dir/. */
static void ca_init(ca *c, const char *tag)
{
	char cn[64];
	snprintf(cn, sizeof(cn), "Client CA %s", tag);
	c->key = sv_key("EC", "P-256", 0);
	c->client_key = sv_key("EC", "P-256", 0);
	sv_spec r = { .cn = cn, .key = c->key, .exts = SV_CA_EXTS };
	c->root = sv_cert(&r);
	snprintf(cn, sizeof(cn), "client-%s", tag);
	sv_spec l = { .cn = cn, .key = c->client_key, .issuer = c->root, .issuer_key = c->key,
		      .exts = CLIENT_EXTS };
	c->client = sv_cert(&l);
	snprintf(c->root_pem, sizeof(c->root_pem), "%s/root-%s.pem", dir, tag);
	snprintf(c->client_pem, sizeof(c->client_pem), "%s/client-%s.pem", dir, tag);
	snprintf(c->client_key_pem, sizeof(c->client_key_pem), "%s/client-%s.key", dir, tag);
	write_pem(c->root_pem, c->root, NULL);
	write_pem(c->client_pem, c->client, NULL);
	write_pem(c->client_key_pem, NULL, c->client_key);
}

static void ca_free(ca *c)
{
	X509_free(c->root);
	X509_free(c->client);
	EVP_PKEY_free(c->key);
	EVP_PKEY_free(c->client_key);
}

static trust_store *store_of(X509 *anchor)
{
	X509 *anchors[] = { anchor, NULL };
	return sv_store(anchors, NULL, NULL);
}

/* ---- the server: one thread, sequential handshakes ---- */

typedef struct verdict {
	int handshake_ok;
	int trusted; /* -1: no libtrust result */
	char reason[128];
	char ca_names[256]; /* the acceptable CAs it sent */
} verdict;

typedef struct server {
	SSL_CTX *ctx;
	int listen_fd, port, count;
	int done[2]; /* a byte per finished handshake */
	verdict v[8];
	pthread_t thread;
} server;

static void *serve(void *arg)
{
	server *s = arg;
	for (int i = 0; i < s->count; i++) {
		int fd = accept(s->listen_fd, NULL, NULL);
		SSL *ssl = SSL_new(s->ctx);
		SSL_set_fd(ssl, fd);
		verdict *v = &s->v[i];
		v->handshake_ok = SSL_accept(ssl) == 1;
		const trust_result *r = trust_ssl_result(ssl);
		v->trusted = r ? trust_result_trusted(r) : -1;
		snprintf(v->reason, sizeof(v->reason), "%s", r ? trust_result_reason(r) : "(none)");
		STACK_OF(X509_NAME) *names = SSL_get_client_CA_list(ssl);
		for (int k = 0; k < sk_X509_NAME_num(names); k++) {
			char one[128];
			X509_NAME_oneline(sk_X509_NAME_value(names, k), one, sizeof(one));
			strncat(v->ca_names, one, sizeof(v->ca_names) - strlen(v->ca_names) - 1);
		}
		if (v->handshake_ok)
			SSL_shutdown(ssl);
		SSL_free(ssl);
		close(fd);
		ck_assert_int_eq(write(s->done[1], "x", 1), 1);
	}
	return NULL;
}

static void server_start(server *s, trust_store *store, int count)
{
	memset(s, 0, sizeof(*s));
	s->count = count;
	EVP_PKEY *k = sv_key("EC", "P-256", 0);
	sv_spec spec = { .cn = "server", .key = k, .exts = SV_LEAF_EXTS };
	X509 *cert = sv_cert(&spec);
	s->ctx = SSL_CTX_new(TLS_server_method());
	ck_assert_int_eq(SSL_CTX_use_certificate(s->ctx, cert), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(s->ctx, k), 1);
	X509_free(cert);
	EVP_PKEY_free(k);
	trust_error err = { 0 };
	ck_assert_msg(trust_ssl_ctx_use_policy(s->ctx, store, NULL, &err) == TRUST_OK, "%s",
		      err.message);
	s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(s->listen_fd, 8), 0);
	socklen_t len = sizeof(a);
	getsockname(s->listen_fd, (struct sockaddr *)&a, &len);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pipe(s->done), 0);
	pthread_create(&s->thread, NULL, serve, s);
}

static void server_wait(server *s)
{
	char b;
	ck_assert_int_eq(read(s->done[0], &b, 1), 1);
}

static void server_stop(server *s)
{
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
	close(s->done[0]);
	close(s->done[1]);
	SSL_CTX_free(s->ctx);
}

/* openssl s_client presenting cert/key, then waits for the server's verdict. */
static void s_client(server *s, const char *cert, const char *key)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "openssl s_client -connect 127.0.0.1:%d -cert '%s' -key '%s' </dev/null "
		 ">/dev/null 2>&1", s->port, cert, key);
	int rc = system(cmd);
	(void)rc; /* a refused client may exit non-zero; the server's verdict is what counts */
	server_wait(s);
}

static void setup(void)
{
	strcpy(dir, "/tmp/trust-sslctx-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	st_rmtree(dir);
}

START_TEST(test_ssl_ctx__server_verdicts_come_from_libtrust_and_follow_a_swap)
{
	ca a, b;
	ca_init(&a, "A");
	ca_init(&b, "B");
	server s;
	server_start(&s, store_of(a.root), 3);

	s_client(&s, a.client_pem, a.client_key_pem);
	ck_assert_msg(s.v[0].handshake_ok && s.v[0].trusted == 1, "%s", s.v[0].reason);
	ck_assert_msg(strstr(s.v[0].ca_names, "CN=Client CA A"), "%s", s.v[0].ca_names);

	s_client(&s, b.client_pem, b.client_key_pem);
	ck_assert(!s.v[1].handshake_ok);
	ck_assert_int_eq(s.v[1].trusted, 0);
	ck_assert_msg(strncmp(s.v[1].reason, "path.", 5) == 0, "%s", s.v[1].reason);

	/* After the swap the next handshake uses B's anchors and says so. */
	trust_error err = { 0 };
	ck_assert_int_eq(trust_ssl_ctx_set_store(s.ctx, store_of(b.root), &err), TRUST_OK);
	s_client(&s, b.client_pem, b.client_key_pem);
	ck_assert_msg(s.v[2].handshake_ok && s.v[2].trusted == 1, "%s", s.v[2].reason);
	ck_assert_msg(strstr(s.v[2].ca_names, "CN=Client CA B"), "%s", s.v[2].ca_names);
	ck_assert_ptr_null(strstr(s.v[2].ca_names, "CN=Client CA A"));
	server_stop(&s);
	ca_free(&a);
	ca_free(&b);
}
END_TEST

/* libtrust's client against libtrust's server: B, then A, held; the server names A. */
START_TEST(test_ssl_ctx__the_client_presents_the_identity_the_server_names)
{
	ca a, b;
	ca_init(&a, "A");
	ca_init(&b, "B");
	trust_identity_set *set = trust_identity_set_new();
	trust_error err = { 0 };
	ck_assert_int_eq(trust_identity_set_add_pem(set, "b", b.client_pem, b.client_key_pem, NULL,
						    &err), TRUST_OK);
	ck_assert_int_eq(trust_identity_set_add_pem(set, "a", a.client_pem, a.client_key_pem, NULL,
						    &err), TRUST_OK);
	server s;
	server_start(&s, store_of(a.root), 1);

	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	ck_assert_int_eq(trust_ssl_ctx_use_identities(cctx, set, &err), TRUST_OK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s.port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	SSL *ssl = SSL_new(cctx);
	SSL_set_fd(ssl, fd);
	ck_assert_int_eq(SSL_connect(ssl), 1);
	/* TLS 1.3: the server judges the certificate after the client's Finished. */
	char buf[1];
	ck_assert_int_le(SSL_read(ssl, buf, 1), 0);
	server_wait(&s);
	const trust_identity_choice *c = trust_ssl_identity_choice(ssl);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(trust_identity_choice_index(c), 1);
	ck_assert_str_eq(trust_identity_choice_reason(c, 0), "identity.ca-not-accepted");
	ck_assert_msg(s.v[0].handshake_ok && s.v[0].trusted == 1, "%s", s.v[0].reason);
	SSL_free(ssl);
	close(fd);
	SSL_CTX_free(cctx);
	server_stop(&s);
	trust_identity_set_free(set);
	ca_free(&a);
	ca_free(&b);
}
END_TEST

/* A server and a client SSL joined by an in-memory BIO pair, not yet handshaken. */
static void pair_connect(SSL_CTX *sctx, SSL_CTX *cctx, SSL **srv, SSL **cli)
{
	BIO *bs = NULL, *bc = NULL;
	*srv = SSL_new(sctx);
	*cli = SSL_new(cctx);
	ck_assert(*srv && *cli);
	ck_assert_int_eq(BIO_new_bio_pair(&bs, 0, &bc, 0), 1);
	SSL_set_bio(*srv, bs, bs);
	SSL_set_bio(*cli, bc, bc);
	SSL_set_accept_state(*srv);
	SSL_set_connect_state(*cli);
}

/* A client cert callback that records what trust_ssl_peer_sigschemes reports:
 * got[0] the count offered, then the first (at most 3) code points. */
static int record_schemes(SSL *ssl, void *arg)
{
	uint16_t *got = arg;
	got[0] = (uint16_t)trust_ssl_peer_sigschemes(ssl, got + 1, 3);
	return 1;
}

START_TEST(test_ssl_ctx__the_client_sees_the_servers_signature_schemes)
{
	ca a;
	ca_init(&a, "A");
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	ck_assert(sctx && cctx);
	ck_assert_int_eq(SSL_CTX_use_certificate(sctx, a.root), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(sctx, a.key), 1);
	SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
	ck_assert_int_eq(SSL_CTX_set1_client_sigalgs_list(sctx, "ECDSA+SHA256:RSA-PSS+SHA256:"
							       "ed25519:ECDSA+SHA384"), 1);
	uint16_t got[4] = { 0 };
	SSL_CTX_set_cert_cb(cctx, record_schemes, got);
	SSL *srv = NULL, *cli = NULL;
	pair_connect(sctx, cctx, &srv, &cli);
	for (int i = 0; i < 10 && got[0] == 0; i++) {
		SSL_do_handshake(cli);
		SSL_do_handshake(srv);
	}
	/* All four offered, in the server's order; only the first three fit in the buffer. */
	ck_assert_int_eq(got[0], 4);
	ck_assert_uint_eq(got[1], 0x0403);
	ck_assert_uint_eq(got[2], 0x0804);
	ck_assert_uint_eq(got[3], 0x0807);
	ck_assert_uint_eq(trust_ssl_peer_sigschemes(NULL, NULL, 0), 0);
	SSL_free(srv);
	SSL_free(cli);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	ca_free(&a);
}
END_TEST

static int accept_any(int ok, X509_STORE_CTX *x)
{
	(void)ok, (void)x;
	return 1;
}

/* The glue reads the server's ECDSA+SHA256 with the negotiated version's meaning:
 * a P-384 identity is presented (and its signature taken) under TLS 1.2, not under 1.3. */
START_TEST(test_ssl_ctx__the_client_reads_schemes_by_the_negotiated_version)
{
	ca a;
	ca_init(&a, "A");
	EVP_PKEY *k384 = sv_key("EC", "P-384", 0);
	sv_spec l = { .cn = "client-p384", .key = k384, .issuer = a.root, .issuer_key = a.key,
		      .exts = CLIENT_EXTS };
	X509 *c384 = sv_cert(&l);
	char cert[300], key[300];
	snprintf(cert, sizeof(cert), "%s/p384.pem", dir);
	snprintf(key, sizeof(key), "%s/p384.key", dir);
	write_pem(cert, c384, NULL);
	write_pem(key, NULL, k384);
	trust_identity_set *set = trust_identity_set_new();
	trust_error err = { 0 };
	ck_assert_int_eq(trust_identity_set_add_pem(set, "p384", cert, key, NULL, &err), TRUST_OK);
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	ck_assert_ptr_nonnull(sctx);
	/* TLS 1.2 wants digitalSignature on the server's ECDSA key, which the root lacks. */
	ck_assert_int_eq(SSL_CTX_use_certificate(sctx, a.client), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(sctx, a.client_key), 1);
	SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
	ck_assert_int_eq(SSL_CTX_set1_client_sigalgs_list(sctx, "ECDSA+SHA256"), 1);
	const int versions[] = { TLS1_2_VERSION, TLS1_3_VERSION };
	for (int v = 0; v < 2; v++) {
		SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
		ck_assert_ptr_nonnull(cctx);
		ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, versions[v]), 1);
		ck_assert_int_eq(trust_ssl_ctx_use_identities(cctx, set, &err), TRUST_OK);
		SSL *srv = NULL, *cli = NULL;
		pair_connect(sctx, cctx, &srv, &cli);
		int sdone = 0;
		for (int i = 0; i < 10 && !sdone; i++) {
			SSL_do_handshake(cli);
			sdone = SSL_do_handshake(srv) == 1;
		}
		const trust_identity_choice *c = trust_ssl_identity_choice(cli);
		ck_assert_ptr_nonnull(c);
		if (versions[v] == TLS1_2_VERSION) {
			ck_assert_int_eq(trust_identity_choice_index(c), 0);
			ck_assert_msg(sdone, "the server refused the P-384 signature under TLS 1.2");
		} else {
			ck_assert_int_eq(trust_identity_choice_index(c), -1);
			ck_assert_str_eq(trust_identity_choice_reason(c, 0), "identity.sigalg");
			ck_assert(!sdone);
		}
		SSL_free(srv);
		SSL_free(cli);
		SSL_CTX_free(cctx);
	}
	SSL_CTX_free(sctx);
	trust_identity_set_free(set);
	X509_free(c384);
	EVP_PKEY_free(k384);
	ca_free(&a);
}
END_TEST

/* What one in-memory handshake showed on the server side. */
typedef struct resumed {
	int server_ok, reused, trusted; /* trusted: -1 when libtrust made no verdict */
	SSL_SESSION *session;           /* the client's session after reading its tickets */
} resumed;

/* A handshake over a BIO pair presenting `c`'s client, offering `sess` (may be NULL);
 * the server then writes a byte so the client takes its TLS 1.3 session tickets. */
static resumed pair_handshake(SSL_CTX *sctx, const ca *c, SSL_SESSION *sess)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	ck_assert_ptr_nonnull(cctx);
	ck_assert_int_eq(SSL_CTX_use_certificate(cctx, c->client), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(cctx, c->client_key), 1);
	SSL *srv = NULL, *cli = NULL;
	pair_connect(sctx, cctx, &srv, &cli);
	if (sess)
		ck_assert_int_eq(SSL_set_session(cli, sess), 1);
	resumed r = { 0 };
	int cdone = 0, sdone = 0;
	for (int i = 0; i < 20 && !(cdone && sdone); i++) {
		cdone = cdone || SSL_do_handshake(cli) == 1;
		int rc = SSL_do_handshake(srv);
		sdone = rc == 1;
		if (rc <= 0 && SSL_get_error(srv, rc) == SSL_ERROR_SSL)
			break;
	}
	r.server_ok = sdone;
	r.reused = SSL_session_reused(srv);
	const trust_result *t = trust_ssl_result(srv);
	r.trusted = t ? trust_result_trusted(t) : -1;
	char b = 'x';
	if (sdone && SSL_write(srv, &b, 1) == 1 && SSL_read(cli, &b, 1) == 1) {
		SSL_shutdown(cli); /* a session freed without close_notify is not resumable */
		r.session = SSL_get1_session(cli);
	}
	SSL_free(srv);
	SSL_free(cli);
	SSL_CTX_free(cctx);
	return r;
}

/* A session made under one store must not skip the verdict of the next: a client the
 * new store refuses would otherwise come back in by resumption. */
START_TEST(test_ssl_ctx__a_swapped_store_is_not_bypassed_by_session_resumption)
{
	ca a, b;
	ca_init(&a, "A");
	ca_init(&b, "B");
	server s;
	server_start(&s, store_of(a.root), 0);
	resumed first = pair_handshake(s.ctx, &a, NULL);
	ck_assert_int_eq(first.server_ok, 1);
	ck_assert_int_eq(first.trusted, 1);
	ck_assert_ptr_nonnull(first.session);

	/* Same store: resumption works (and needs no new verdict). */
	resumed again = pair_handshake(s.ctx, &a, first.session);
	ck_assert_int_eq(again.server_ok, 1);
	ck_assert_int_eq(again.reused, 1);

	trust_error err = { 0 };
	ck_assert_int_eq(trust_ssl_ctx_set_store(s.ctx, store_of(b.root), &err), TRUST_OK);
	resumed after = pair_handshake(s.ctx, &a, again.session ? again.session : first.session);
	ck_assert_int_eq(after.reused, 0);
	ck_assert_int_eq(after.server_ok, 0);
	ck_assert_int_eq(after.trusted, 0);
	SSL_SESSION_free(first.session);
	SSL_SESSION_free(again.session);
	SSL_SESSION_free(after.session);
	server_stop(&s);
	ca_free(&a);
	ca_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ssl_ctx");
	TCase *t = tcase_create("ssl_ctx");
	tcase_set_timeout(t, 60);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_ssl_ctx__server_verdicts_come_from_libtrust_and_follow_a_swap);
	tcase_add_test(t, test_ssl_ctx__the_client_presents_the_identity_the_server_names);
	tcase_add_test(t, test_ssl_ctx__the_client_sees_the_servers_signature_schemes);
	tcase_add_test(t, test_ssl_ctx__the_client_reads_schemes_by_the_negotiated_version);
	tcase_add_test(t, test_ssl_ctx__a_swapped_store_is_not_bypassed_by_session_resumption);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
