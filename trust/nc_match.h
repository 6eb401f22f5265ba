/*
 * Name-constraint internals.  nc.c walks the path and keeps the books;
 * nc_match.c decides whether one name lies inside one subtree and whether
 * names and constraint values are well formed; nc_ext.c holds the structural
 * rules for the extension itself.
 */
#ifndef TRUST_NC_MATCH_H
#define TRUST_NC_MATCH_H

#include "internal.h"

/* Bytes of an ASN.1 string as a (pointer, length) pair: names may hold NULs. */
typedef struct nc_bytes {
	const char *s;
	size_t n;
} nc_bytes;

TRUST_HIDDEN nc_bytes nc_bytes_of(const ASN1_STRING *a);

/* SAN dNSName syntax: LDH labels, optionally "*." first, one trailing dot. */
TRUST_HIDDEN bool nc_dns_name_ok(nc_bytes name);
/* dNSName constraint syntax: empty, or LDH labels with an optional leading dot. */
TRUST_HIDDEN bool nc_dns_constraint_ok(nc_bytes c);
/* Every host the name can stand for lies in the subtree (permitted test). */
TRUST_HIDDEN bool nc_dns_within(nc_bytes name, nc_bytes c);
/* Some host the name can stand for lies in the subtree (excluded test):
 * differs from nc_dns_within only for a wildcard name. */
TRUST_HIDDEN bool nc_dns_overlaps(nc_bytes name, nc_bytes c);

/* iPAddress constraint: 8 or 32 bytes, a contiguous mask (RFC 5280 §4.2.1.10). */
TRUST_HIDDEN bool nc_ip_constraint_ok(const ASN1_OCTET_STRING *c);
TRUST_HIDDEN bool nc_ip_within(const ASN1_OCTET_STRING *ip, const ASN1_OCTET_STRING *c);

/* rfc822Name: exactly one "@" with a non-empty local part and host, no NUL. */
TRUST_HIDDEN bool nc_email_ok(nc_bytes mailbox);
TRUST_HIDDEN bool nc_email_within(nc_bytes mailbox, nc_bytes c);

/* The constraint's RDNs are a prefix of the name's (canonical comparison);
 * returns -1 if OpenSSL fails. */
TRUST_HIDDEN int nc_dn_within(const X509_NAME *name, const X509_NAME *c);

/* URI with an authority whose host is a DNS name; *host points into uri. */
TRUST_HIDDEN bool nc_uri_host(nc_bytes uri, nc_bytes *host);
TRUST_HIDDEN bool nc_uri_within(nc_bytes host, nc_bytes c);

/* Human text of a name or constraint value ("example.com", "192.0.2.0/24"). */
TRUST_HIDDEN const char *nc_name_text(char *buf, size_t len, const GENERAL_NAME *g,
				      bool constraint);
/* "DNS name", "IP address", ... for a GEN_* form. */
TRUST_HIDDEN const char *nc_form_word(int type);
/* RFC 2253 text of a DN. */
TRUST_HIDDEN const char *nc_dn_text(char *buf, size_t len, const X509_NAME *n);

/* One subtree's value is well formed and its minimum/maximum as RFC 5280
 * requires (nc_ext.c); certgen checks what it will encode with it. */
TRUST_HIDDEN bool nc_subtree_ok(const GENERAL_SUBTREE *st);

/*
 * Structural rules for certificate i's nameConstraints (nc_ext.c): adds
 * error findings and returns 1 if the extension is unusable, else 0 with
 * *nsubtrees set to its number of subtrees.
 */
TRUST_HIDDEN int nc_check_extension(size_t *nsubtrees, tv_ctx *ctx, tpath *p, size_t i,
				    const NAME_CONSTRAINTS *nc, int crit);

#endif
