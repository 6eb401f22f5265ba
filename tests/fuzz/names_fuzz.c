/*
 * Fuzz target: host-name normalisation, dNSName matching and IP parsing
 * (names_dns.c, names_ip.c).  The input is "PATTERN\nHOST": the pattern is
 * matched as raw SAN bytes (it may hold NULs), the host goes through the same
 * normalisation a --host argument does.  Properties checked, beyond "no
 * crash": a normalised host is lower-case LDH without a trailing dot,
 * normalising it again changes nothing, it matches itself exactly, a wildcard
 * match needs three labels, and a parsed IP survives inet_ntop/parse.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAMES_CHECK(cond, ...)                                                       \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "names_fuzz: " __VA_ARGS__);                 \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

static void check_host_form(const char *h)
{
	size_t n = strlen(h);
	NAMES_CHECK(n > 0 && h[n - 1] != '.', "normalised host '%s' is empty or ends in a dot", h);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)h[i];
		NAMES_CHECK(ch < 0x80 && !(ch >= 'A' && ch <= 'Z') && ch != '*',
			    "normalised host '%s' has byte 0x%02x", h, ch);
	}
}

static void check_ip(const char *s)
{
	unsigned char ip[16], again[16];
	size_t len = 0, len2 = 0;
	if (tnames_parse_ip(ip, &len, s) != 0) {
		NAMES_CHECK(len == 0, "failed parse left length %zu", len);
		return;
	}
	NAMES_CHECK(len == 4 || len == 16, "IP length %zu", len);
	char text[INET6_ADDRSTRLEN];
	NAMES_CHECK(inet_ntop(len == 4 ? AF_INET : AF_INET6, ip, text, sizeof(text)) != NULL,
		    "inet_ntop failed");
	NAMES_CHECK(tnames_parse_ip(again, &len2, text) == 0 && len2 == len &&
			    memcmp(ip, again, len) == 0,
		    "'%s' parsed, but its canonical form '%s' does not round-trip", s, text);
}

static void check_host(const char *pattern, size_t plen, const char *host)
{
	char *norm = NULL;
	trust_error err = { 0 };
	int rc = tnames_normalize_host(&norm, host, &err);
	if (rc != TRUST_OK) {
		NAMES_CHECK(norm == NULL, "failed normalisation returned a string");
		NAMES_CHECK(err.code == rc && err.message[0] && !strchr(err.message, '\n'),
			    "bad error for host normalisation");
		return;
	}
	/* An IP literal given as the host is kept (brackets dropped) and matched
	 * against iPAddress entries: it must parse to the same address. */
	unsigned char ip1[16], ip2[16];
	size_t l1 = 0, l2 = 0;
	if (tnames_parse_ip(ip1, &l1, host) == 0) {
		NAMES_CHECK(tnames_parse_ip(ip2, &l2, norm) == 0 && l1 == l2 && memcmp(ip1, ip2, l1) == 0,
			    "IP host '%s' normalised to '%s', another address", host, norm);
		free(norm);
		return;
	}
	check_host_form(norm);
	char *again = NULL;
	NAMES_CHECK(tnames_normalize_host(&again, norm, &err) == TRUST_OK,
		    "'%s' normalised to '%s', which does not normalise: %s", host, norm,
		    err.message);
	NAMES_CHECK(strcmp(again, norm) == 0, "normalisation is not idempotent: '%s' -> '%s' -> '%s'",
		    host, norm, again);
	free(again);
	NAMES_CHECK(tnames_dns_match(norm, strlen(norm), norm), "'%s' does not match itself", norm);
	if (tnames_dns_match(pattern, plen, norm) && plen > 0 && pattern[0] == '*') {
		size_t dots = 0;
		for (const char *p = norm; *p; p++)
			dots += *p == '.';
		NAMES_CHECK(dots >= 2, "wildcard matched '%s', which has fewer than three labels",
			    norm);
	}
	free(norm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : size;
	const char *pattern = (const char *)data;
	/* The host is a C string: everything after the newline up to a NUL. */
	size_t hlen = nl ? size - plen - 1 : size;
	char *host = malloc(hlen + 1);
	if (!host)
		return 0;
	memcpy(host, nl ? nl + 1 : data, hlen);
	host[hlen] = '\0';
	/* Matching against a host that never went through normalisation must
	 * still be safe (callers pass normalised names, but fail closed). */
	(void)tnames_dns_match(pattern, plen, host);
	check_host(pattern, plen, host);
	check_ip(host);
	free(host);
	return 0;
}
