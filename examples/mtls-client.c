/*
 * mtls-client: connects to an HTTPS server that asks for a client
 * certificate, lets libtrust pick the identity to present from a directory
 * of certgen-style folders (NAME/cert.pem, key.pem, chain.pem), says which
 * one it chose and why the others did not fit, then prints the answer.
 *
 *   mtls-client --identities DIR --connect HOST:PORT [--ca CA.pem]
 *
 * With --ca the server's certificate is verified (chain and HOST); without it
 * the server is not authenticated, which the output says.  Exit 0 when the
 * server answered, 1 when no identity fitted or a handshake failed, 2 on bad
 * input or no connection.  Only the public header is used.
 */
#include <trust.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: mtls-client --identities DIR --connect HOST:PORT [--ca CA.pem]\n");
	exit(2);
}

/* HOST:PORT or [V6]:PORT split in place; 0 when malformed. */
static int split_target(char *t, char **host, char **port)
{
	char *colon = strrchr(t, ':');
	if (!colon || colon == t || !colon[1])
		return 0;
	*colon = '\0';
	*port = colon + 1;
	*host = t;
	size_t n = strlen(t);
	if (t[0] == '[' && n > 2 && t[n - 1] == ']') {
		t[n - 1] = '\0';
		*host = t + 1;
	}
	return 1;
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *ai;
	int rc = getaddrinfo(host, port, &hints, &ai), fd = -1;
	if (rc != 0) {
		fprintf(stderr, "mtls-client: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		fprintf(stderr, "mtls-client: %s port %s: cannot connect\n", host, port);
	return fd;
}

static void print_subject(const X509 *x)
{
	X509_NAME_print_ex_fp(stdout, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
}

/* What the server asked for, the identity chosen and every other one's reason. */
static int explain(SSL *ssl, const trust_identity_set *set)
{
	const trust_identity_choice *c = trust_ssl_identity_choice(ssl);
	const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
	if (!c) {
		printf("the server asked for no client certificate\n");
		return 1;
	}
	printf("the server accepts client certificates from %s\n",
	       sk_X509_NAME_num(names) > 0 ? "these CAs:" : "any CA");
	for (int i = 0; i < sk_X509_NAME_num(names); i++) {
		printf("  ");
		X509_NAME_print_ex_fp(stdout, sk_X509_NAME_value(names, i), 0, XN_FLAG_RFC2253);
		printf("\n");
	}
	int chosen = trust_identity_choice_index(c);
	if (chosen < 0)
		printf("chose none: no identity fits\n");
	for (size_t i = 0; i < trust_identity_choice_count(c); i++) {
		printf((int)i == chosen ? "chose %s (" : "  not %s (", trust_identity_label(set, i));
		print_subject(trust_identity_cert(set, i));
		printf("): %s [%s]\n", trust_identity_choice_message(c, i),
		       trust_identity_choice_reason(c, i));
	}
	return chosen >= 0;
}

static void print_openssl_error(const char *what)
{
	char buf[256];
	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	printf("%s: %s\n", what, buf);
}

/* Sends one GET and copies the answer to stdout; 1 when something came back. */
static int request(SSL *ssl, const char *host)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
			 host), got = 0;
	if (SSL_write(ssl, buf, n) <= 0) {
		print_openssl_error("server refused the connection");
		return 0;
	}
	while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) {
		if (!got++)
			printf("server answered:\n");
		fwrite(buf, 1, (size_t)n, stdout);
	}
	if (!got) /* TLS 1.3: a rejected certificate shows up as an alert on the first read */
		print_openssl_error("server refused the connection");
	return got > 0;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *ca = NULL;
	char *target = NULL, *host = NULL, *port = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--identities") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--connect") == 0)
			target = argv[i + 1];
		else if (strcmp(argv[i], "--ca") == 0)
			ca = argv[i + 1];
		else
			usage();
	}
	if (argc % 2 == 0 || !dir || !target || !split_target(target, &host, &port))
		usage();

	trust_error err = { 0 };
	trust_identity_set *set = trust_identity_set_new();
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!set || !ctx || trust_identity_set_add_dir(set, dir, &err) != TRUST_OK ||
	    trust_ssl_ctx_use_identities(ctx, set, &err) != TRUST_OK ||
	    (ca && SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)) {
		fprintf(stderr, "mtls-client: %s\n", err.code ? err.message : ca ? ca : "out of memory");
		SSL_CTX_free(ctx);
		trust_identity_set_free(set);
		return 2;
	}
	SSL_CTX_set_verify(ctx, ca ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	if (!ca)
		printf("warning: no --ca, the server is not authenticated\n");

	int status = 2, fd = dial(host, port);
	SSL *ssl = fd >= 0 ? SSL_new(ctx) : NULL;
	if (ssl && SSL_set_fd(ssl, fd) == 1 && SSL_set1_host(ssl, host) == 1) {
		unsigned char ip[16];
		if (inet_pton(AF_INET, host, ip) != 1 && inet_pton(AF_INET6, host, ip) != 1)
			SSL_set_tlsext_host_name(ssl, host); /* SNI carries names only (RFC 6066) */
		int shook = SSL_connect(ssl) == 1;
		/* A handshake that failed before the server asked (its certificate refused)
		 * has no choice to explain. */
		int fits = shook || trust_ssl_identity_choice(ssl) ? explain(ssl, set) : 0;
		status = 1;
		if (!shook)
			print_openssl_error("handshake failed");
		else if (request(ssl, host) && fits)
			status = 0;
		if (shook)
			SSL_shutdown(ssl);
	} else if (fd >= 0) {
		print_openssl_error("mtls-client");
	}
	SSL_free(ssl);
	if (fd >= 0)
		close(fd);
	SSL_CTX_free(ctx);
	trust_identity_set_free(set);
	return status;
}
