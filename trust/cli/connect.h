/*
 * One TLS handshake with a server, to read the chain it sends and what only
 * a connection shows (trustcheck --connect, --ats-diagnostics, and mTLS
 * diagnostics).  The chain is never verified here: libtrust judges it.
 */
#ifndef TRUSTCHECK_CONNECT_H
#define TRUSTCHECK_CONNECT_H

#include <openssl/ssl.h>
#include <trust.h>

/* Where and how to connect. */
typedef struct tc_connect_opts {
	const char *target;    /* HOST, HOST:PORT, [V6]:PORT or https://HOST[:PORT]/... */
	const char *sni;       /* server name to send; NULL: the target's host unless an IP */
	int timeout_ms;        /* for connect and handshake together, per address */
	int min_version;       /* TLS1_VERSION ...; 0: TLS 1.0, so old servers can be reported */
	int max_version;       /* 0: the highest OpenSSL offers */
	const char *ciphers;   /* TLS 1.2-and-below cipher list, or NULL for all */
	/* Called with the SSL before the handshake (client certificates, mTLS), or NULL. */
	int (*prepare)(SSL *ssl, void *arg);
	void *prepare_arg;
} tc_connect_opts;

/* What one handshake showed.  `facts` points into this struct. */
typedef struct tc_conn {
	STACK_OF(X509) *chain;  /* what the server sent, leaf first (owned) */
	trust_connection facts;
	char cipher[128], group[64], alpn[64];
	unsigned char *ocsp, *scts; /* owned copies */
	char host[256];         /* the target's host, brackets removed */
	char port[16];
	char peer[300];         /* the address that answered, "127.0.0.1:443" or "[::1]:443" */
} tc_conn;

/*
 * Splits a target into host and port (default "443"); 0, or -1 with a
 * message in err for a target that is not HOST[:PORT] or an https URL.
 */
int tc_parse_target(const char *target, char *host, size_t hn, char *port, size_t pn, char *err,
		    size_t errlen);
/*
 * Connects to every address of the target in turn until one completes a
 * handshake; fills *out (release with tc_conn_free).  0, or -1 with one line
 * in err saying what failed (refused, timed out, no TLS, the alert received).
 */
int tc_connect(tc_conn *out, const tc_connect_opts *o, char *err, size_t errlen);
/* Releases what tc_connect filled (safe on a zeroed struct). */
void tc_conn_free(tc_conn *c);

#endif
