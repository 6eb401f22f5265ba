/*
 * Fuzz target: the name-constraint primitives (nc_match.c).  The input is
 * "NAME\nCONSTRAINT" as raw bytes (both may hold NULs, as ASN.1 strings can).
 * Properties checked, beyond "no crash" (RFC 5280 §4.2.1.10):
 *  - a DNS name inside a subtree also overlaps it (within implies overlaps);
 *  - a well-formed name used as its own constraint contains itself, for DNS
 *    names without a wildcard and for mailboxes;
 *  - the host nc_uri_host finds lies inside the URI;
 *  - an address is inside the constraint made of itself and an all-ones mask,
 *    and every address is inside the all-zeros mask of its family.
 */
#include "nc_match.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NC_CHECK(cond, ...)                                                          \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "nc_match_fuzz: " __VA_ARGS__);              \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

static void check_dns(nc_bytes name, nc_bytes c)
{
	bool within = nc_dns_within(name, c);
	bool overlaps = nc_dns_overlaps(name, c);
	if (nc_dns_name_ok(name) && nc_dns_constraint_ok(c))
		NC_CHECK(!within || overlaps, "'%.*s' within '%.*s' but does not overlap it",
			 (int)name.n, name.s, (int)c.n, c.s);
	if (nc_dns_name_ok(name) && nc_dns_constraint_ok(name) && !memchr(name.s, '*', name.n))
		NC_CHECK(nc_dns_within(name, name), "'%.*s' is not within itself", (int)name.n,
			 name.s);
}

static void check_email(nc_bytes m, nc_bytes c)
{
	(void)nc_email_within(m, c);
	if (nc_email_ok(m))
		NC_CHECK(nc_email_within(m, m), "mailbox '%.*s' is not within itself", (int)m.n,
			 m.s);
}

static void check_uri(nc_bytes uri, nc_bytes c)
{
	nc_bytes host = { 0 };
	if (!nc_uri_host(uri, &host))
		return;
	NC_CHECK(host.s >= uri.s && host.s + host.n <= uri.s + uri.n,
		 "URI host lies outside the URI");
	(void)nc_uri_within(host, c);
}

static ASN1_OCTET_STRING *octets(const unsigned char *p, size_t n)
{
	ASN1_OCTET_STRING *o = ASN1_OCTET_STRING_new();
	NC_CHECK(o && ASN1_OCTET_STRING_set(o, p, (int)n), "out of memory");
	return o;
}

static void check_ip(const uint8_t *data, size_t size)
{
	size_t alen = size >= 16 ? 16 : 4;
	if (size < alen)
		return;
	unsigned char buf[32];
	ASN1_OCTET_STRING *ip = octets(data, alen);
	/* The raw bytes after the address as a constraint, whatever they hold. */
	size_t rest = size - alen;
	ASN1_OCTET_STRING *raw = octets(data + alen, rest > 32 ? 32 : rest);
	if (nc_ip_constraint_ok(raw))
		(void)nc_ip_within(ip, raw);
	ASN1_OCTET_STRING_free(raw);

	memcpy(buf, data, alen);
	memset(buf + alen, 0xff, alen);
	ASN1_OCTET_STRING *exact = octets(buf, 2 * alen);
	NC_CHECK(nc_ip_constraint_ok(exact), "a full mask is not a valid constraint");
	NC_CHECK(nc_ip_within(ip, exact), "an address is not within its own /%zu", alen * 8);
	memset(buf, 0, 2 * alen);
	ASN1_OCTET_STRING *any = octets(buf, 2 * alen);
	NC_CHECK(nc_ip_constraint_ok(any), "an all-zeros mask is not a valid constraint");
	NC_CHECK(nc_ip_within(ip, any), "an address is not within /0");
	ASN1_OCTET_STRING_free(exact);
	ASN1_OCTET_STRING_free(any);
	ASN1_OCTET_STRING_free(ip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t nlen = nl ? (size_t)(nl - data) : size;
	nc_bytes name = { (const char *)data, nlen };
	nc_bytes c = { nl ? (const char *)nl + 1 : (const char *)data + size,
		       nl ? size - nlen - 1 : 0 };
	check_dns(name, c);
	check_email(name, c);
	check_uri(name, c);
	check_ip(data, size);
	return 0;
}
