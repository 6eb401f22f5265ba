/*
 * certgen serve: a small HTTPS server, on loopback by default, that offers
 * every case of serve_cases.c.  On one port the client's SNI name picks the
 * case (expired.bad.test, tls10.bad.test, ...); with --ports every case has
 * a port of its own, for clients that cannot set SNI.  GET / answers with an
 * index of every case and the verdict a correct client must reach, and
 * /cases.json with the same as JSON.
 *
 * Deliberate choices:
 *  - OpenSSL's SSL API directly, not a shell around `openssl s_server`: the
 *    case is chosen in the ClientHello callback, which runs before the
 *    protocol version is negotiated, so one port can offer TLS 1.0 to one
 *    name and TLS 1.3 to another.
 *  - The system openssl.cnf is never read (main.c), and the cases that offer
 *    TLS 1.0/1.1 (which cannot sign with SHA-2) or a deliberately weak
 *    certificate lower the security level for their own connection only.
 *  - One connection at a time, each bounded by a 5-second I/O timeout: this
 *    is a test fixture, and a stuck client must not hold it.
 *  - It stops by itself after --duration seconds or --max-connections
 *    connections, so a test that starts it cannot leave it running.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SV_IO_TIMEOUT_S 5
#define SV_REQUEST_MAX 8192

/* A case with its certificates loaded. */
typedef struct sv_live {
	const sv_case *c;
	X509 *leaf;
	STACK_OF(X509) *chain; /* as it is to be sent */
	EVP_PKEY *key;
	unsigned char *ocsp;
	size_t ocsp_len;
	unsigned char *scts;   /* SignedCertificateTimestampList for the TLS extension */
	size_t scts_len;
	int fd;                /* listening socket with --ports, else -1 */
} sv_live;

typedef struct sv_server {
	sv_case cases[SV_MAX_CASES];
	sv_live live[SV_MAX_CASES];
	size_t n;
	size_t fallback;       /* the case for an unknown or missing SNI name ("good") */
	int ex_index;          /* SSL ex_data slot holding the chosen sv_live */
	const char *bind;
	bool per_port;
} sv_server;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The SCT list of a serverinfo v2 PEM file (cg_ct_write_serverinfo): the extension body. */
static int load_scts(sv_live *l, const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long len = 0;
	/* 4 bytes of context, 2 of type, 2 of length, then the body. */
	if (b && PEM_read_bio(b, &name, &header, &data, &len) == 1 && len > 8 &&
	    (l->scts = malloc((size_t)len - 8)) != NULL) {
		memcpy(l->scts, data + 8, (size_t)len - 8);
		l->scts_len = (size_t)len - 8;
	}
	BIO_free(b);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	ERR_clear_error();
	return l->scts ? CG_OK : cg_fail(CG_USAGE, "serve: cannot read the SCTs in %s", path);
}

static int load_live(sv_live *l, const sv_case *c)
{
	l->c = c;
	l->fd = -1;
	FILE *f = fopen(c->cert, "r");
	if (!f)
		return cg_fail(CG_USAGE, "serve: cannot read %s", c->cert);
	l->leaf = PEM_read_X509(f, NULL, NULL, NULL);
	l->chain = sk_X509_new_null();
	X509 *x;
	while (l->chain && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(l->chain, x))
			X509_free(x);
	fclose(f);
	ERR_clear_error();
	if (c->chain == SV_CHAIN_REORDERED && l->chain)
		for (int i = 0, j = sk_X509_num(l->chain) - 1; i < j; i++, j--) {
			X509 *t = sk_X509_value(l->chain, i);
			sk_X509_set(l->chain, i, sk_X509_value(l->chain, j));
			sk_X509_set(l->chain, j, t);
		}
	if ((f = fopen(c->key, "r")) != NULL) {
		l->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!l->leaf || !l->chain || !l->key)
		return cg_fail(CG_USAGE, "serve: cannot load the certificate and key of case %s",
			       c->kind);
	if (c->ocsp[0] && !(l->ocsp = cg_read_file(c->ocsp, &l->ocsp_len)))
		return CG_USAGE;
	return c->scts[0] ? load_scts(l, c->scts) : CG_OK;
}

static void free_live(sv_live *l)
{
	X509_free(l->leaf);
	sk_X509_pop_free(l->chain, X509_free);
	EVP_PKEY_free(l->key);
	free(l->ocsp);
	free(l->scts);
	if (l->fd >= 0)
		close(l->fd);
}

/* The server name of a ClientHello (RFC 6066 §3), or NULL. */
static char *client_hello_sni(SSL *ssl, char *buf, size_t n)
{
	const unsigned char *p;
	size_t len;
	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) || len < 5)
		return NULL;
	size_t list = ((size_t)p[0] << 8) | p[1];
	if (list + 2 != len || p[2] != TLSEXT_NAMETYPE_host_name)
		return NULL;
	size_t hl = ((size_t)p[3] << 8) | p[4];
	if (hl + 5 > len || hl == 0 || hl >= n)
		return NULL;
	memcpy(buf, p + 5, hl);
	buf[hl] = '\0';
	return buf;
}

/* Applies a case to one connection: certificate, chain, versions, ciphers. */
static bool apply_case(SSL *ssl, const sv_live *l)
{
	const sv_case *c = l->c;
	bool old_proto = c->max_proto && c->max_proto < TLS1_2_VERSION;
	/* Before the certificate is set: OpenSSL checks it against the level then. */
	if (c->weak || old_proto)
		SSL_set_security_level(ssl, 0);
	if (SSL_use_certificate(ssl, l->leaf) != 1 || SSL_use_PrivateKey(ssl, l->key) != 1 ||
	    SSL_set1_chain(ssl, l->chain) != 1)
		return false;
	if (old_proto) {
		SSL_set_min_proto_version(ssl, TLS1_VERSION);
		if (SSL_set_cipher_list(ssl, "DEFAULT:@SECLEVEL=0") != 1)
			return false;
	}
	if (c->max_proto && SSL_set_max_proto_version(ssl, c->max_proto) != 1)
		return false;
	return !c->ciphers || SSL_set_cipher_list(ssl, c->ciphers) == 1;
}

static int on_client_hello(SSL *ssl, int *alert, void *arg)
{
	sv_server *s = arg;
	sv_live *l = SSL_get_ex_data(ssl, s->ex_index);
	if (!s->per_port) {
		char name[256];
		const char *sni = client_hello_sni(ssl, name, sizeof name);
		l = &s->live[s->fallback];
		for (size_t i = 0; sni && i < s->n; i++)
			if (strcasecmp(s->cases[i].name, sni) == 0)
				l = &s->live[i];
		SSL_set_ex_data(ssl, s->ex_index, l);
	}
	if (!l || !apply_case(ssl, l)) {
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Staples the case's OCSP response when the client asks for one. */
static int on_status_request(SSL *ssl, void *arg)
{
	sv_server *s = arg;
	const sv_live *l = SSL_get_ex_data(ssl, s->ex_index);
	if (!l || !l->ocsp)
		return SSL_TLSEXT_ERR_NOACK;
	unsigned char *copy = OPENSSL_memdup(l->ocsp, l->ocsp_len);
	if (!copy || SSL_set_tlsext_status_ocsp_resp(ssl, copy, (long)l->ocsp_len) != 1) {
		OPENSSL_free(copy);
		return SSL_TLSEXT_ERR_NOACK;
	}
	return SSL_TLSEXT_ERR_OK;
}

/* Sends the case's SCT list in the TLS extension (TLS 1.2 ServerHello, or the
 * leaf's TLS 1.3 CertificateEntry) when the client asked for SCTs. */
static int add_scts(SSL *ssl, unsigned int type, unsigned int context, const unsigned char **out,
		    size_t *outlen, X509 *x, size_t chainidx, int *al, void *arg)
{
	(void)type;
	(void)x;
	(void)al;
	sv_server *s = arg;
	const sv_live *l = SSL_get_ex_data(ssl, s->ex_index);
	if (!l || !l->scts || ((context & SSL_EXT_TLS1_3_CERTIFICATE) && chainidx != 0))
		return 0;
	*out = l->scts;
	*outlen = l->scts_len;
	return 1;
}

/* The client's request for SCTs carries no data to check. */
static int parse_sct_request(SSL *ssl, unsigned int type, unsigned int context,
			     const unsigned char *in, size_t inlen, X509 *x, size_t chainidx,
			     int *al, void *arg)
{
	(void)ssl, (void)type, (void)context, (void)in, (void)inlen, (void)x, (void)chainidx;
	(void)al, (void)arg;
	return 1;
}

static SSL_CTX *make_ctx(sv_server *s)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return NULL;
	/* Send exactly the chain a case names: never complete it from a store. */
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_client_hello_cb(ctx, on_client_hello, s);
	SSL_CTX_set_tlsext_status_cb(ctx, on_status_request);
	SSL_CTX_set_tlsext_status_arg(ctx, s);
	if (SSL_CTX_add_custom_ext(ctx, TLSEXT_TYPE_signed_certificate_timestamp,
				   SSL_EXT_CLIENT_HELLO | SSL_EXT_TLS1_2_SERVER_HELLO |
					   SSL_EXT_TLS1_3_CERTIFICATE,
				   add_scts, NULL, s, parse_sct_request, s) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static json_t *case_json(const sv_case *c, int port)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", c->name, "kind", c->kind,
			      "expect", c->expect, "policy", c->policy, "rule", c->rule, "why", c->why,
			      "anchor", c->anchor);
	if (j && port > 0)
		json_object_set_new(j, "port", json_integer(port));
	if (j && c->ct_log_list[0])
		json_object_set_new(j, "ct_log_list", json_string(c->ct_log_list));
	return j;
}

static json_t *mapping_json(const sv_server *s, int port)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < s->n; i++)
		json_array_append_new(arr, case_json(&s->cases[i], s->per_port ? s->cases[i].port : port));
	return json_pack("{s:s, s:o*, s:o}", "address", s->bind, "port",
			 !s->per_port && port > 0 ? json_integer(port) : NULL, "cases", arr);
}

static void html_escape(FILE *f, const char *t)
{
	for (; *t; t++)
		switch (*t) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*t, f);
		}
}

/* The body for a request path: the index, the JSON mapping, or the case's own page. */
static char *response_body(const sv_server *s, const sv_live *l, const char *path, int port,
			   const char **type, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	if (strcmp(path, "/cases.json") == 0) {
		*type = "application/json";
		json_t *m = mapping_json(s, port);
		char *j = m ? json_dumps(m, JSON_INDENT(2)) : NULL;
		fputs(j ? j : "{}", f);
		free(j);
		json_decref(m);
	} else if (strcmp(path, "/") == 0 && l == &s->live[s->fallback]) {
		*type = "text/html; charset=utf-8";
		fputs("<!DOCTYPE html>\n<html><head><title>certgen serve</title></head><body>\n"
		      "<h1>certgen serve</h1>\n<p>Connect with the SNI name of a case. A correct "
		      "client reaches the verdict shown.</p>\n<table>\n<tr><th>name</th><th>verdict"
		      "</th><th>policy</th><th>rule</th><th>why</th></tr>\n", f);
		for (size_t i = 0; i < s->n; i++) {
			const sv_case *c = &s->cases[i];
			const char *const cells[] = { c->name, c->expect, c->policy, c->rule, c->why };
			fputs("<tr>", f);
			for (size_t k = 0; k < 5; k++) {
				fputs("<td>", f);
				html_escape(f, cells[k]);
				fputs("</td>", f);
			}
			fputs("</tr>\n", f);
		}
		fputs("</table>\n</body></html>\n", f);
	} else {
		*type = "text/plain; charset=utf-8";
		const sv_case *c = l->c;
		fprintf(f, "case %s: a correct client must %s this server%s%s%s%s%s.\n%s\n", c->kind,
			c->expect, c->rule[0] ? " (" : "", c->rule, c->rule[0] ? " under " : "",
			c->rule[0] ? c->policy : "", c->rule[0] ? ")" : "", c->why);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Reads the request head and answers it; errors just end the connection. */
static void serve_http(const sv_server *s, SSL *ssl, int port)
{
	char req[SV_REQUEST_MAX + 1];
	size_t got = 0;
	while (got < SV_REQUEST_MAX) {
		int n = SSL_read(ssl, req + got, (int)(SV_REQUEST_MAX - got));
		if (n <= 0)
			return;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = '\0';
	char path[256] = "/";
	sscanf(req, "%*15s %255s", path);
	const sv_live *l = SSL_get_ex_data(ssl, s->ex_index);
	const char *type = "text/plain";
	size_t len = 0;
	char *body = l ? response_body(s, l, path, port, &type, &len) : NULL;
	if (!body)
		return;
	char head[256];
	int hn = snprintf(head, sizeof head,
			  "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			  "Connection: close\r\n\r\n", type, len);
	if (SSL_write(ssl, head, hn) > 0 && len > 0)
		SSL_write(ssl, body, (int)len);
	free(body);
	SSL_shutdown(ssl);
}

static void handle(const sv_server *s, SSL_CTX *ctx, int fd, sv_live *fixed, int port)
{
	struct timeval tv = { .tv_sec = SV_IO_TIMEOUT_S };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	SSL *ssl = SSL_new(ctx);
	if (ssl && SSL_set_fd(ssl, fd) == 1) {
		if (fixed)
			SSL_set_ex_data(ssl, s->ex_index, fixed);
		if (SSL_accept(ssl) == 1)
			serve_http(s, ssl, port);
	}
	SSL_free(ssl);
	ERR_clear_error();
	close(fd);
}

/* A listening socket on bind:port (0 picks a free port); *bound gets the port. */
static int listen_on(const char *bind_addr, int port, int *bound)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	if (getaddrinfo(bind_addr, ps, &hints, &ai) != 0 || !ai)
		return cg_fail(-1, "serve: --bind needs an IP address such as 127.0.0.1 or ::1, "
				   "not '%s'", bind_addr);
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return cg_fail(-1, "serve: cannot listen on %s port %d: %s", bind_addr, port,
			       strerror(e));
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

typedef struct sv_args {
	const char *out;
	const char *bind;
	long port, duration, max_conn;
	bool per_port, list;
} sv_args;

static int parse(sv_args *a, const cg_opts *o, int argc, char **argv, char *outbuf, size_t n)
{
	*a = (sv_args){ .bind = "127.0.0.1", .port = 8443 };
	const char *port = NULL, *dur = NULL, *maxc = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--out", &a->out)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--bind", &a->bind)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--port", &port)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--duration", &dur)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--max-connections", &maxc)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (strcmp(argv[i], "--ports") == 0) {
			a->per_port = true;
		} else if (strcmp(argv[i], "--list") == 0) {
			a->list = true;
		} else {
			return cg_bad_option("serve", argv[i]);
		}
	}
	if ((port && !cg_parse_long(port, 0, 65535, &a->port)) ||
	    (dur && !cg_parse_long(dur, 0, 86400 * 365, &a->duration)) ||
	    (maxc && !cg_parse_long(maxc, 0, 1000000000, &a->max_conn)))
		return cg_fail(CG_USAGE, "serve: --port, --duration and --max-connections take "
					 "whole numbers (port 0 picks a free one)");
	if (!a->out) {
		snprintf(outbuf, n, "%s/serve", o->dir);
		a->out = outbuf;
	}
	return CG_OK;
}

static void stop_after_signal(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Accepts until a signal, --duration or --max-connections. */
static void accept_loop(sv_server *s, SSL_CTX *ctx, const sv_args *a, int main_fd, int main_port)
{
	struct pollfd pf[SV_MAX_CASES + 1];
	size_t np = 0;
	if (main_fd >= 0)
		pf[np++] = (struct pollfd){ .fd = main_fd, .events = POLLIN };
	for (size_t i = 0; s->per_port && i < s->n; i++)
		pf[np++] = (struct pollfd){ .fd = s->live[i].fd, .events = POLLIN };
	time_t end = a->duration ? (time_t)ttime_now() + a->duration : 0;
	long served = 0;
	while (!stop_requested && (!end || (time_t)ttime_now() < end) &&
	       (!a->max_conn || served < a->max_conn)) {
		if (poll(pf, np, 250) <= 0)
			continue;
		for (size_t k = 0; k < np; k++) {
			if (!(pf[k].revents & POLLIN))
				continue;
			int fd = accept(pf[k].fd, NULL, NULL);
			if (fd < 0)
				continue;
			sv_live *fixed = s->per_port ? &s->live[k] : NULL;
			handle(s, ctx, fd, fixed, fixed ? fixed->c->port : main_port);
			served++;
		}
	}
}

int cmd_serve(const cg_opts *o, int argc, char **argv)
{
	sv_args a;
	char outbuf[PATH_MAX];
	int rc = parse(&a, o, argc, argv, outbuf, sizeof outbuf);
	if (rc != CG_OK)
		return rc;
	sv_server *s = calloc(1, sizeof *s);
	if (!s)
		return cg_fail(CG_USAGE, "serve: out of memory");
	s->bind = a.bind;
	s->per_port = a.per_port;
	for (size_t i = 0; i < SV_MAX_CASES; i++)
		s->live[i].fd = -1;
	int n = sv_cases_make(o, a.out, s->cases, SV_MAX_CASES);
	SSL_CTX *ctx = NULL;
	int main_fd = -1, main_port = 0;
	rc = n < 0 ? CG_USAGE : CG_OK;
	s->n = n < 0 ? 0 : (size_t)n;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->cases[i].kind, "good") == 0)
			s->fallback = i;
	for (size_t i = 0; rc == CG_OK && i < s->n; i++) {
		rc = load_live(&s->live[i], &s->cases[i]);
		if (rc == CG_OK && a.per_port) {
			int want = a.port ? (int)a.port + (int)i : 0;
			s->live[i].fd = listen_on(a.bind, want, &s->cases[i].port);
			if (s->live[i].fd < 0)
				rc = CG_USAGE;
		}
	}
	if (rc == CG_OK && !a.per_port && !a.list) {
		main_fd = listen_on(a.bind, (int)a.port, &main_port);
		if (main_fd < 0)
			rc = CG_USAGE;
	}
	s->ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (rc == CG_OK && !a.list && !(ctx = make_ctx(s)))
		rc = cg_fail(CG_USAGE, "serve: could not set up TLS");
	if (rc == CG_OK && a.list) {
		cg_print_json(mapping_json(s, a.port > 0 ? (int)a.port : 0));
	} else if (rc == CG_OK) {
		stop_after_signal();
		const char *fmt = strchr(a.bind, ':') ? "[%s]:%d" : "%s:%d";
		char where[128];
		snprintf(where, sizeof where, fmt, a.bind, main_port);
		if (a.per_port) {
			for (size_t i = 0; i < s->n; i++) {
				snprintf(where, sizeof where, fmt, a.bind, s->cases[i].port);
				printf("listening on %s for %s\n", where, s->cases[i].name);
			}
			printf("serving %zu cases, one port each\n", s->n);
		} else
			printf("listening on %s\nserving %zu cases by SNI name (KIND.%s); index at "
			       "https://%s/ (trust %s/pki/ca.pem)\n", where, s->n, SV_DOMAIN, where, a.out);
		fflush(stdout);
		accept_loop(s, ctx, &a, main_fd, main_port);
	}
	SSL_CTX_free(ctx);
	if (main_fd >= 0)
		close(main_fd);
	for (size_t i = 0; i < s->n; i++)
		free_live(&s->live[i]);
	free(s);
	return rc;
}
