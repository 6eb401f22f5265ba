/*
 * mtls-server: a tiny HTTPS server whose client certificates are judged by
 * libtrust.  Each request gets 200 and the verified client's identity; a
 * rejected client's handshake ends in an alert and one log line naming the
 * libtrust rule.  SIGHUP rebuilds the store from the CA and CRL files and
 * swaps it in with trust_ssl_ctx_set_store, without a restart.
 *
 *   mtls-server --ca CA.pem --cert S.pem --key S.key --port N [--bind ADDR]
 *               [--policy P]... [--crl F]... [--threads N] [--openssl-verify]
 *
 * The listening port is printed on stdout (useful with --port 0); the log goes
 * to stderr.  --openssl-verify verifies with OpenSSL alone (no policy, no
 * reload), a baseline for benchmarks.  Only the public header is used.
 *
 * Threads: the main thread accepts and takes signals; a fixed pool of workers
 * takes connections from a small queue.  SIGHUP, SIGINT and SIGTERM are
 * blocked in every thread and collected with sigtimedwait between polls, so
 * there is no handler at all: nothing runs in signal context, and the reload
 * happens on the main thread between accepts.
 */
#include <trust.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FILES 16
#define MAX_THREADS 64
#define QUEUE_CAP 64
#define IO_TIMEOUT_S 5

typedef struct config {
	const char *ca, *cert, *key, *port, *bind;
	const char *policies[MAX_FILES], *crls[MAX_FILES];
	int npolicies, ncrls, threads, openssl_verify;
} config;

typedef struct conn {
	int fd;
	char peer[64];
} conn;

/* The accept queue shared by the main thread and the workers. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	conn q[QUEUE_CAP];
	int head, len, stop;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { { 0, "" } }, 0, 0, 0 };

static void usage(void)
{
	fprintf(stderr, "usage: mtls-server --ca CA.pem --cert S.pem --key S.key --port N "
			"[--bind ADDR] [--policy P]... [--crl F]... [--threads N] "
			"[--openssl-verify]\n");
	exit(2);
}

static void parse_args(config *c, int argc, char **argv)
{
	*c = (config){ .bind = "127.0.0.1", .threads = 16 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--openssl-verify") == 0) {
			c->openssl_verify = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--ca") == 0)
			c->ca = v;
		else if (strcmp(a, "--cert") == 0)
			c->cert = v;
		else if (strcmp(a, "--key") == 0)
			c->key = v;
		else if (strcmp(a, "--port") == 0)
			c->port = v;
		else if (strcmp(a, "--bind") == 0)
			c->bind = v;
		else if (strcmp(a, "--threads") == 0)
			c->threads = atoi(v);
		else if (strcmp(a, "--policy") == 0 && c->npolicies < MAX_FILES)
			c->policies[c->npolicies++] = v;
		else if (strcmp(a, "--crl") == 0 && c->ncrls < MAX_FILES)
			c->crls[c->ncrls++] = v;
		else
			usage();
	}
	if (!c->ca || !c->cert || !c->key || !c->port || c->threads < 1 ||
	    c->threads > MAX_THREADS)
		usage();
}

/* The CA file's certificates as anchors plus every CRL file: built anew at start and
 * on each SIGHUP. */
static int load_store(const config *c, trust_store **out, trust_error *err)
{
	trust_store_builder *b = trust_store_builder_new();
	if (!b) {
		*err = (trust_error){ TRUST_ENOMEM, "out of memory" };
		return TRUST_ENOMEM;
	}
	trust_store_builder_add_anchors(b, c->ca, TRUST_ORIGIN_USER, err);
	for (int i = 0; i < c->ncrls; i++)
		trust_store_builder_add_crl(b, c->crls[i], err);
	return trust_store_builder_finish(out, b, err); /* reports the first failed add */
}

/* --policy files stacked in order; NULL (tls-client alone) when none is given. */
static int load_policy(const config *c, trust_policy **out, trust_error *err)
{
	*out = NULL;
	for (int i = 0; i < c->npolicies; i++) {
		trust_policy *p = NULL;
		int rc = trust_policy_load_file(&p, c->policies[i], err);
		if (rc == TRUST_OK && *out)
			rc = trust_policy_stack(*out, p, err);
		if (rc != TRUST_OK) {
			trust_policy_free(p);
			trust_policy_free(*out);
			return rc;
		}
		if (*out)
			trust_policy_free(p);
		else
			*out = p;
	}
	return TRUST_OK;
}

static int openssl_failed(const char *what)
{
	char buf[256];
	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	fprintf(stderr, "mtls-server: %s: %s\n", what, buf);
	return 2;
}

/* Plain OpenSSL verification of the client against the same CA and CRL files. */
static int use_openssl_verify(SSL_CTX *ctx, const config *c)
{
	X509_STORE *xs = SSL_CTX_get_cert_store(ctx);
	STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(c->ca);
	if (!names || SSL_CTX_load_verify_locations(ctx, c->ca, NULL) != 1)
		return sk_X509_NAME_pop_free(names, X509_NAME_free), openssl_failed(c->ca);
	SSL_CTX_set_client_CA_list(ctx, names);
	X509_LOOKUP *files = X509_STORE_add_lookup(xs, X509_LOOKUP_file());
	for (int i = 0; i < c->ncrls; i++)
		if (!files || X509_load_crl_file(files, c->crls[i], X509_FILETYPE_PEM) <= 0)
			return openssl_failed(c->crls[i]);
	if (c->ncrls)
		X509_STORE_set_flags(xs, X509_V_FLAG_CRL_CHECK);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
}

static SSL_CTX *make_ctx(const config *c, trust_policy *policy)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return openssl_failed("SSL_CTX_new"), NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No resumption: a resumed session has no fresh verdict to show (libtrust already
	 * refuses to resume one made under an older store). */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert) != 1) {
		openssl_failed(c->cert);
		return SSL_CTX_free(ctx), NULL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		openssl_failed(c->key);
		return SSL_CTX_free(ctx), NULL;
	}
	if (c->openssl_verify)
		return use_openssl_verify(ctx, c) ? (SSL_CTX_free(ctx), NULL) : ctx;
	trust_store *store = NULL;
	trust_error err;
	if (load_store(c, &store, &err) != TRUST_OK ||
	    trust_ssl_ctx_use_policy(ctx, store, policy, &err) != TRUST_OK) {
		fprintf(stderr, "mtls-server: %s\n", err.message);
		return SSL_CTX_free(ctx), NULL;
	}
	return ctx;
}

/* The SubjectAltName extension as OpenSSL prints it ("email:a@b, URI:spiffe://..."). */
static void print_sans(BIO *out, X509 *x)
{
	int i = X509_get_ext_by_NID(x, NID_subject_alt_name, -1);
	BIO_puts(out, "san: ");
	if (i < 0 || !X509V3_EXT_print(out, X509_get_ext(x, i), 0, 0))
		BIO_puts(out, "(none)");
	BIO_puts(out, "\n");
}

static void print_name(BIO *out, const char *label, const X509_NAME *n)
{
	BIO_puts(out, label);
	X509_NAME_print_ex(out, n, 0, XN_FLAG_RFC2253);
	BIO_puts(out, "\n");
}

/* Who the client is: subject, SANs and the verified chain, leaf first. */
static void describe_client(BIO *out, SSL *ssl)
{
	const trust_result *r = trust_ssl_result(ssl);
	STACK_OF(X509) *verified = r ? NULL : SSL_get0_verified_chain(ssl);
	int p = r ? trust_result_chosen_path(r) : -1;
	size_t n = p >= 0 ? trust_result_path_length(r, (size_t)p) : (size_t)sk_X509_num(verified);
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	print_name(out, "subject: ", X509_get_subject_name(leaf));
	print_sans(out, leaf);
	if (r)
		BIO_printf(out, "policy: %s\n", trust_result_policy(r));
	BIO_puts(out, "chain:\n");
	for (size_t i = 0; i < n; i++) {
		X509 *x = p >= 0 ? trust_cert_x509(trust_result_path_cert(r, (size_t)p, i))
				 : sk_X509_value(verified, (int)i);
		BIO_printf(out, "  %zu ", i);
		print_name(out, "", X509_get_subject_name(x));
	}
}

/* Reads the request head (up to a blank line) and answers 200 with the identity. */
static void answer(SSL *ssl)
{
	char req[4096];
	size_t got = 0;
	while (got < sizeof(req) - 1) {
		int n = SSL_read(ssl, req + got, (int)(sizeof(req) - 1 - got));
		if (n <= 0)
			return;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	BIO *body = BIO_new(BIO_s_mem());
	char *text = NULL;
	if (!body)
		return;
	describe_client(body, ssl);
	long len = BIO_get_mem_data(body, &text);
	char head[160];
	int hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			  "Content-Length: %ld\r\nConnection: close\r\n\r\n", len);
	if (SSL_write(ssl, head, hl) > 0 && len > 0)
		SSL_write(ssl, text, (int)len);
	BIO_free(body);
}

/* One log line per connection: who was accepted, or why not (the libtrust rule id). */
static void log_handshake(const conn *c, SSL *ssl, int accepted)
{
	const trust_result *r = ssl ? trust_ssl_result(ssl) : NULL;
	char buf[256] = "";
	if (accepted) {
		BIO *b = BIO_new(BIO_s_mem());
		if (b)
			X509_NAME_print_ex(b, X509_get_subject_name(SSL_get0_peer_certificate(ssl)), 0,
					   XN_FLAG_RFC2253);
		int n = b ? BIO_read(b, buf, sizeof(buf) - 1) : 0;
		buf[n > 0 ? n : 0] = '\0';
		BIO_free(b);
		fprintf(stderr, "mtls-server: %s accepted %s\n", c->peer, buf);
	} else if (r && !trust_result_trusted(r)) {
		fprintf(stderr, "mtls-server: %s rejected: %s: %s\n", c->peer,
			trust_result_reason(r), trust_result_reason_message(r));
	} else { /* no certificate, OpenSSL's own verification, or a TLS failure */
		long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
		ERR_error_string_n(ERR_peek_last_error(), buf, sizeof(buf));
		fprintf(stderr, "mtls-server: %s handshake failed: %s\n", c->peer,
			v != X509_V_OK ? X509_verify_cert_error_string(v) : buf);
	}
}

static void serve(SSL_CTX *ctx, const conn *c)
{
	struct timeval tv = { IO_TIMEOUT_S, 0 };
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	SSL *ssl = SSL_new(ctx);
	int accepted = ssl && SSL_set_fd(ssl, c->fd) == 1 && SSL_accept(ssl) == 1;
	log_handshake(c, ssl, accepted);
	if (accepted) {
		answer(ssl);
		SSL_shutdown(ssl);
	}
	ERR_clear_error();
	SSL_free(ssl);
	close(c->fd);
}

static void *worker(void *arg)
{
	SSL_CTX *ctx = arg;
	for (;;) {
		pthread_mutex_lock(&pool.mu);
		while (!pool.len && !pool.stop)
			pthread_cond_wait(&pool.cv, &pool.mu);
		if (!pool.len) { /* stopping and nothing queued */
			pthread_mutex_unlock(&pool.mu);
			return NULL;
		}
		conn c = pool.q[pool.head];
		pool.head = (pool.head + 1) % QUEUE_CAP;
		pool.len--;
		pthread_cond_broadcast(&pool.cv);
		pthread_mutex_unlock(&pool.mu);
		serve(ctx, &c);
	}
}

static void enqueue(const conn *c)
{
	pthread_mutex_lock(&pool.mu);
	while (pool.len == QUEUE_CAP)
		pthread_cond_wait(&pool.cv, &pool.mu);
	pool.q[(pool.head + pool.len++) % QUEUE_CAP] = *c;
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
}

/* A listening socket on ADDR:PORT; prints the port actually bound on stdout. */
static int listen_on(const config *c)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int rc = getaddrinfo(c->bind, c->port, &hints, &ai), fd = -1, one = 1;
	if (rc != 0) {
		fprintf(stderr, "mtls-server: %s port %s: %s\n", c->bind, c->port, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
		fprintf(stderr, "mtls-server: %s port %s: %s\n", c->bind, c->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	fcntl(fd, F_SETFL, O_NONBLOCK); /* accept after poll must not block on a vanished peer */
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char port[16] = "?";
	if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		getnameinfo((struct sockaddr *)&sa, len, NULL, 0, port, sizeof(port), NI_NUMERICSERV);
	printf("%s\n", port);
	fflush(stdout);
	return fd;
}

static void accept_one(int lfd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	conn c = { accept(lfd, (struct sockaddr *)&sa, &len), "" };
	char host[48] = "?", port[8] = "?";
	if (c.fd < 0)
		return;
	getnameinfo((struct sockaddr *)&sa, len, host, sizeof(host), port, sizeof(port),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(c.peer, sizeof(c.peer), strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	enqueue(&c);
}

/* SIGHUP: a new store from the files, or the old one kept and the reason logged. */
static void reload(SSL_CTX *ctx, const config *c)
{
	trust_store *store = NULL;
	trust_error err;
	if (c->openssl_verify)
		fprintf(stderr, "mtls-server: reload: not supported with --openssl-verify\n");
	else if (load_store(c, &store, &err) != TRUST_OK ||
		 trust_ssl_ctx_set_store(ctx, store, &err) != TRUST_OK)
		fprintf(stderr, "mtls-server: reload failed, keeping the current store: %s\n",
			err.message);
	else
		fprintf(stderr, "mtls-server: reloaded %s and %d CRL file(s)\n", c->ca, c->ncrls);
}

int main(int argc, char **argv)
{
	config cfg;
	trust_policy *policy = NULL;
	trust_error err;
	parse_args(&cfg, argc, argv);
	/* Blocked before the port is printed (a signal sent as soon as it shows is not
	 * lost or fatal) and before the workers start, which inherit the mask: every
	 * signal stays pending for the main thread's sigtimedwait. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (load_policy(&cfg, &policy, &err) != TRUST_OK) {
		fprintf(stderr, "mtls-server: %s\n", err.message);
		return 2;
	}
	SSL_CTX *ctx = make_ctx(&cfg, policy);
	int lfd = ctx ? listen_on(&cfg) : -1;
	if (lfd < 0) {
		SSL_CTX_free(ctx);
		trust_policy_free(policy);
		return 2;
	}
	pthread_t tids[MAX_THREADS];
	int started = 0, stop = 0;
	while (started < cfg.threads && pthread_create(&tids[started], NULL, worker, ctx) == 0)
		started++;
	if (!started)
		fprintf(stderr, "mtls-server: no worker thread could start\n");
	while (started && !stop) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		if (poll(&pfd, 1, 200) > 0) /* the timeout bounds how late a signal is seen */
			accept_one(lfd);
		const struct timespec now = { 0, 0 };
		int sig;
		while ((sig = sigtimedwait(&sigs, NULL, &now)) > 0) {
			if (sig == SIGHUP)
				reload(ctx, &cfg);
			else
				stop = 1;
		}
	}
	pthread_mutex_lock(&pool.mu);
	pool.stop = 1;
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	close(lfd);
	SSL_CTX_free(ctx);
	trust_policy_free(policy);
	fprintf(stderr, "mtls-server: stopped\n");
	return started ? 0 : 1;
}
