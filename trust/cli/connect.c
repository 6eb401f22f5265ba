/*
 * trustcheck --connect: a real TLS handshake, as a client would make it.
 *
 * Deliberate choices:
 *  - The client offers TLS 1.0 to 1.3 and every cipher OpenSSL has, at
 *    security level 0, and sends SNI, ALPN (h2, http/1.1), an OCSP status
 *    request and the SCT extension, so that an old or weak server still
 *    answers and the report can say what it negotiated.  Nothing is trusted
 *    because of that: OpenSSL's own verification is off, libtrust judges the
 *    chain, and the ATS rules judge the protocol and the suite.
 *  - Each address getaddrinfo returns is tried in order with a non-blocking
 *    connect and one deadline for connect and handshake, so a silent port
 *    costs the timeout, never a hang.
 *  - An alert the server sends is named in the error ("handshake failure"),
 *    because that is what people search for.
 */
#include "connect.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int tc_parse_target(const char *target, char *host, size_t hn, char *port, size_t pn, char *err,
		    size_t errlen)
{
	const char *t = target;
	if (strncmp(t, "https://", 8) == 0)
		t += 8;
	else if (strstr(t, "://")) {
		snprintf(err, errlen, "--connect: only https:// URLs can be checked, not '%.200s'",
			 target);
		return -1;
	}
	size_t len = strcspn(t, "/?#");
	char buf[512];
	if (len == 0 || len >= sizeof(buf)) {
		snprintf(err, errlen, "--connect: '%.200s' names no host", target);
		return -1;
	}
	memcpy(buf, t, len);
	buf[len] = '\0';
	const char *h = buf, *p = "443";
	char *colon;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || (close[1] && close[1] != ':')) {
			snprintf(err, errlen, "--connect: '%.200s' is not [IPv6]:PORT", target);
			return -1;
		}
		*close = '\0';
		h = buf + 1;
		if (close[1] == ':')
			p = close + 2;
	} else if ((colon = strchr(buf, ':')) != NULL) {
		if (strchr(colon + 1, ':')) {
			snprintf(err, errlen, "--connect: write an IPv6 address in brackets: "
				 "[%.200s]:443", buf);
			return -1;
		}
		*colon = '\0';
		p = colon + 1;
	}
	char *end;
	long pv = strtol(p, &end, 10);
	if (!*h || !*p || *end || pv < 1 || pv > 65535) {
		snprintf(err, errlen, "--connect: '%.200s' is not HOST[:PORT] with a port from 1 to "
			 "65535", target);
		return -1;
	}
	snprintf(host, hn, "%s", h);
	snprintf(port, pn, "%ld", pv);
	return 0;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Waits for fd to be readable or writable; 1 ready, 0 timed out. */
static int wait_fd(int fd, short events, const struct timespec *deadline)
{
	for (;;) {
		long left = ms_left(deadline);
		if (left <= 0)
			return 0;
		struct pollfd pf = { .fd = fd, .events = events };
		int rc = poll(&pf, 1, (int)left);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return 1; /* let the next read or write report the error */
	}
}

static void addr_text(char *buf, size_t n, const struct addrinfo *ai)
{
	char h[128] = "?", p[16] = "?";
	getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof(h), p, sizeof(p),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(buf, n, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
}

/* A connected non-blocking socket, or -1 with *why set. */
static int tcp_connect(const struct addrinfo *ai, const struct timespec *deadline,
		       const char **why)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		*why = errno == ECONNREFUSED ? "connection refused" : strerror(errno);
		close(fd);
		return -1;
	}
	if (!wait_fd(fd, POLLOUT, deadline)) {
		*why = "timed out while connecting";
		close(fd);
		return -1;
	}
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
	if (soerr) {
		*why = soerr == ECONNREFUSED ? "connection refused" : strerror(soerr);
		close(fd);
		return -1;
	}
	return fd;
}

/* The last alert the server sent, kept by the info callback. */
static int alert_index = -1;

static void on_info(const SSL *ssl, int where, int ret)
{
	if ((where & SSL_CB_READ_ALERT) && alert_index >= 0)
		SSL_set_ex_data((SSL *)ssl, alert_index, (void *)SSL_alert_desc_string_long(ret));
}

static SSL_CTX *client_ctx(const tc_connect_opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	static const unsigned char alpn[] = "\x02h2\x08http/1.1";
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, o->min_version ? o->min_version : TLS1_VERSION);
	if (o->max_version)
		SSL_CTX_set_max_proto_version(ctx, o->max_version);
	if (SSL_CTX_set_cipher_list(ctx, o->ciphers ? o->ciphers : "ALL:@SECLEVEL=0") != 1 ||
	    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_info_callback(ctx, on_info);
	return ctx;
}

/* Runs the handshake on fd; 1 done, 0 failed with *why set. */
static int handshake(SSL *ssl, int fd, const struct timespec *deadline, const char **why)
{
	for (;;) {
		ERR_clear_error();
		int rc = SSL_connect(ssl);
		if (rc == 1)
			return 1;
		int e = SSL_get_error(ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (!wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
				*why = "timed out during the TLS handshake";
				return 0;
			}
			continue;
		}
		const char *alert = alert_index >= 0 ? SSL_get_ex_data(ssl, alert_index) : NULL;
		unsigned long le = ERR_peek_error();
		int reason = ERR_GET_REASON(le);
		if (alert)
			*why = alert;
		else if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG)
			*why = "no TLS: the server did not answer with a TLS handshake";
		else if (reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_NO_PROTOCOLS_AVAILABLE)
			*why = "no protocol version in common";
		else if (reason == SSL_R_NO_CIPHERS_AVAILABLE)
			*why = "no cipher suite in common";
		else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN)
			*why = "the server closed the connection during the handshake";
		else
			*why = le ? ERR_reason_error_string(le) : "the TLS handshake failed";
		if (!*why)
			*why = "the TLS handshake failed";
		return 0;
	}
}

static int forward_secret(const SSL *ssl)
{
	if (SSL_version(ssl) >= TLS1_3_VERSION)
		return 1;
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int kx = c ? SSL_CIPHER_get_kx_nid(c) : NID_undef;
	if (kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_ecdhe_psk || kx == NID_kx_dhe_psk)
		return 1;
	if (kx == NID_kx_rsa || kx == NID_kx_rsa_psk || kx == NID_kx_psk)
		return 0;
	return -1;
}

/* The SCTs that came in the TLS extension, serialised again as the list the extension holds. */
static void tls_scts(tc_conn *out, SSL *ssl)
{
	const STACK_OF(SCT) *all = SSL_get0_peer_scts(ssl);
	STACK_OF(SCT) *tls = sk_SCT_new_null();
	for (int i = 0; tls && all && i < sk_SCT_num(all); i++) {
		SCT *s = sk_SCT_value(all, i);
		if (SCT_get_source(s) == SCT_SOURCE_TLS_EXTENSION)
			sk_SCT_push(tls, s);
	}
	unsigned char *der = NULL;
	int n = tls && sk_SCT_num(tls) > 0 ? i2o_SCT_LIST(tls, &der) : 0;
	if (n > 0) {
		out->scts = der;
		out->facts.scts = der;
		out->facts.scts_len = (size_t)n;
	} else {
		OPENSSL_free(der);
	}
	sk_SCT_free(tls);
	ERR_clear_error();
}

/* Everything the handshake showed, into out. */
static int collect(tc_conn *out, SSL *ssl)
{
	STACK_OF(X509) *peer = SSL_get_peer_cert_chain(ssl);
	if (!peer || sk_X509_num(peer) == 0)
		return 0;
	out->chain = X509_chain_up_ref(peer);
	if (!out->chain)
		return 0;
	trust_connection *f = &out->facts;
	f->version = TRUST_CONNECTION_VERSION;
	f->tls_version = SSL_version(ssl);
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const char *cn = c ? SSL_CIPHER_standard_name(c) : NULL;
	if (cn) {
		snprintf(out->cipher, sizeof(out->cipher), "%s", cn);
		f->cipher = out->cipher;
	}
	int g = SSL_get_negotiated_group(ssl);
	const char *gn = g ? SSL_group_to_name(ssl, g) : NULL;
	if (gn) {
		snprintf(out->group, sizeof(out->group), "%s", gn);
		f->group = out->group;
	}
	f->forward_secret = forward_secret(ssl);
	const unsigned char *ap = NULL;
	unsigned int al = 0;
	SSL_get0_alpn_selected(ssl, &ap, &al);
	if (ap && al > 0 && al < sizeof(out->alpn)) {
		memcpy(out->alpn, ap, al);
		out->alpn[al] = '\0';
		f->alpn = out->alpn;
	}
	int n = sk_X509_num(out->chain);
	f->sent_intermediates = n - 1;
	f->sent_in_order = n > 1 ? 1 : -1;
	for (int i = 0; i + 1 < n; i++)
		if (X509_check_issued(sk_X509_value(out->chain, i + 1), sk_X509_value(out->chain, i)) !=
		    X509_V_OK)
			f->sent_in_order = 0;
	const unsigned char *op = NULL;
	long ol = SSL_get_tlsext_status_ocsp_resp(ssl, &op);
	if (op && ol > 0 && (out->ocsp = malloc((size_t)ol)) != NULL) {
		memcpy(out->ocsp, op, (size_t)ol);
		f->ocsp = out->ocsp;
		f->ocsp_len = (size_t)ol;
	}
	tls_scts(out, ssl);
	return 1;
}

static bool is_ip(const char *host)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai = NULL;
	bool ip = getaddrinfo(host, NULL, &hints, &ai) == 0;
	freeaddrinfo(ai);
	return ip;
}

/* One address: connect, handshake, collect.  1 done, 0 with *why. */
static int try_address(tc_conn *out, SSL_CTX *ctx, const tc_connect_opts *o,
		       const struct addrinfo *ai, const char *sni, const char **why)
{
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += o->timeout_ms / 1000;
	deadline.tv_nsec += (long)(o->timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	int fd = tcp_connect(ai, &deadline, why);
	if (fd < 0)
		return 0;
	SSL *ssl = SSL_new(ctx);
	int done = 0;
	if (!ssl || SSL_set_fd(ssl, fd) != 1 || (sni && SSL_set_tlsext_host_name(ssl, sni) != 1) ||
	    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) != 1 ||
	    (o->prepare && o->prepare(ssl, o->prepare_arg) != 1)) {
		*why = "could not set up TLS";
	} else {
		SSL_enable_ct(ssl, SSL_CT_VALIDATION_PERMISSIVE);
		ERR_clear_error();
		if (handshake(ssl, fd, &deadline, why)) {
			done = collect(out, ssl);
			if (!done)
				*why = "the server sent no certificate";
			else
				SSL_shutdown(ssl);
		}
	}
	SSL_free(ssl);
	close(fd);
	ERR_clear_error();
	return done;
}

int tc_connect(tc_conn *out, const tc_connect_opts *o, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (tc_parse_target(o->target, out->host, sizeof(out->host), out->port, sizeof(out->port),
			    err, errlen) != 0)
		return -1;
	const char *sni = o->sni ? o->sni : is_ip(out->host) ? NULL : out->host;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *list = NULL;
	int gai = getaddrinfo(out->host, out->port, &hints, &list);
	if (gai != 0) {
		snprintf(err, errlen, "--connect: cannot resolve '%.200s': %s", out->host,
			 gai_strerror(gai));
		return -1;
	}
	if (alert_index < 0)
		alert_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	SSL_CTX *ctx = client_ctx(o);
	int rc = -1;
	const char *why = "could not set up TLS";
	char where[300] = "";
	for (const struct addrinfo *ai = list; ctx && ai && rc != 0; ai = ai->ai_next) {
		addr_text(where, sizeof(where), ai);
		if (try_address(out, ctx, o, ai, sni, &why)) {
			snprintf(out->peer, sizeof(out->peer), "%s", where);
			rc = 0;
		}
	}
	if (rc != 0)
		snprintf(err, errlen, "--connect %.200s (%s): %s", o->target, where[0] ? where : "?",
			 why);
	SSL_CTX_free(ctx);
	freeaddrinfo(list);
	return rc;
}

void tc_conn_free(tc_conn *c)
{
	if (!c)
		return;
	sk_X509_pop_free(c->chain, X509_free);
	free(c->ocsp);
	OPENSSL_free(c->scts);
	memset(c, 0, sizeof(*c));
}
