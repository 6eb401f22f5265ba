/*
 * The reference identities (host or IP; email, URI) against the leaf's subjectAltName.
 * Only SAN entries count: a certificate without a SAN matches nothing, even if
 * its CN spells the host (RFC 6125 §6.4.4 as browsers apply it).  An IP is
 * compared only with iPAddress entries, never with dNSName text; a host that
 * is an IP literal ("192.0.2.1") is treated as that IP (RFC 6125 §6.2.1,
 * RFC 5280 §4.2.1.6), so "--host 10.0.0.5" cannot match DNS:10.0.0.5.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <string.h>

/* The address, or its length when it is not one RFC 5280 allows. */
static const char *ip_text(char *buf, size_t len, const ASN1_OCTET_STRING *a)
{
	if (!*tnames_ip_text(buf, len, a))
		snprintf(buf, len, "(%d bytes)", ASN1_STRING_length(a));
	return buf;
}

/* "DNS:a DNS:b IP:1.2.3.4" for messages; truncated politely. */
static void describe_sans(char *buf, size_t len, const GENERAL_NAMES *gens)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && off + 1 < len; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char item[80] = "";
		if (g->type == GEN_DNS) {
			snprintf(item, sizeof(item), "DNS:%.*s", ASN1_STRING_length(g->d.dNSName),
				 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			char ip[64];
			snprintf(item, sizeof(item), "IP:%s", ip_text(ip, sizeof(ip), g->d.iPAddress));
		} else if (g->type == GEN_EMAIL || g->type == GEN_URI) {
			const ASN1_STRING *v = g->d.ia5;
			snprintf(item, sizeof(item), "%s:%.*s", g->type == GEN_EMAIL ? "email" : "URI",
				 ASN1_STRING_length(v), (const char *)ASN1_STRING_get0_data(v));
		} else {
			continue;
		}
		int w = snprintf(buf + off, len - off, "%s%s", off ? " " : "", item);
		if (w < 0 || (size_t)w >= len - off) {
			snprintf(buf + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
			return;
		}
		off += (size_t)w;
	}
}

/* 1 if a subject CN of the leaf would match the host: the name is there, in
 * the one place TLS clients no longer look, and the fix is a SAN. */
static bool host_only_in_cn(const tv_ctx *ctx, const trust_cert *leaf)
{
	const X509_NAME *subj = tcert_subject_name(leaf);
	for (int i = -1; (i = X509_NAME_get_index_by_NID(subj, NID_commonName, i)) >= 0;) {
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
		if (tnames_dns_match((const char *)ASN1_STRING_get0_data(cn),
				     (size_t)ASN1_STRING_length(cn), ctx->host))
			return true;
	}
	return false;
}

static int check_host(tv_ctx *ctx, tpath *p, const GENERAL_NAMES *gens)
{
	const char *policy = ctx->rules.policy_name;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		const char *pat = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		size_t plen = (size_t)ASN1_STRING_length(g->d.dNSName);
		if (tnames_dns_match(pat, plen, ctx->host)) {
			tfinding *f = tpath_add(p, TRUST_ID_NAMES_DNS, TRUST_SEV_PASS, 0, policy,
						"%s matches SAN DNS:%.*s", ctx->host, (int)plen, pat);
			tfinding_param(f, "host", "%s", ctx->host);
			tfinding_param(f, "san", "%.*s", (int)plen, pat);
			return 0;
		}
	}
	char sans[512];
	describe_sans(sans, sizeof(sans), gens);
	tfinding *f;
	if (host_only_in_cn(ctx, p->certs[0]))
		f = tpath_add(p, TRUST_ID_NAMES_DNS_MISMATCH, TRUST_SEV_ERROR, 0, policy,
			      "%s is only in the subject CN, which is ignored (RFC 6125 section "
			      "6.4.4): reissue the certificate with a SAN DNS:%s (it has %s)",
			      ctx->host, ctx->host,
			      gens ? (sans[0] ? sans : "no DNS or IP names") : "no subjectAltName");
	else
		f = tpath_add(p, TRUST_ID_NAMES_DNS_MISMATCH, TRUST_SEV_ERROR, 0, policy,
			      "%s does not match the certificate's names (%s)", ctx->host,
			      gens ? (sans[0] ? sans : "no DNS or IP names") : "no subjectAltName");
	tfinding_param(f, "host", "%s", ctx->host);
	tfinding_param(f, "sans", "%s", sans);
	return 1;
}

static int check_ip(tv_ctx *ctx, tpath *p, const GENERAL_NAMES *gens, const unsigned char *ip,
		    size_t ip_len)
{
	const char *policy = ctx->rules.policy_name;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_IPADD)
			continue;
		const ASN1_OCTET_STRING *a = g->d.iPAddress;
		if ((size_t)ASN1_STRING_length(a) == ip_len &&
		    memcmp(ASN1_STRING_get0_data(a), ip, ip_len) == 0) {
			char s[64];
			ip_text(s, sizeof(s), a);
			tfinding *f = tpath_add(p, TRUST_ID_NAMES_IP, TRUST_SEV_PASS, 0, policy,
						"%s matches SAN IP:%s", s, s);
			tfinding_param(f, "ip", "%s", s);
			return 0;
		}
	}
	char sans[512];
	describe_sans(sans, sizeof(sans), gens);
	char ipbuf[64] = "";
	inet_ntop(ip_len == 4 ? AF_INET : AF_INET6, ip, ipbuf, sizeof(ipbuf));
	tfinding *f = tpath_add(p, TRUST_ID_NAMES_IP_MISMATCH, TRUST_SEV_ERROR, 0, policy,
				"%s is not among the certificate's IP addresses (%s)", ipbuf,
				gens ? (sans[0] ? sans : "no DNS or IP names") : "no subjectAltName");
	tfinding_param(f, "ip", "%s", ipbuf);
	tfinding_param(f, "sans", "%s", sans);
	return 1;
}

/* An email or URI reference identity against the SAN entries of `type`. */
typedef struct ref_kind {
	int type;
	const char *label, *pass, *mismatch;
	bool (*match)(const char *san, size_t len, const char *ref);
} ref_kind;

static const ref_kind EMAIL = { GEN_EMAIL, "email", TRUST_ID_NAMES_EMAIL,
				TRUST_ID_NAMES_EMAIL_MISMATCH, tnames_email_match };
static const ref_kind URI = { GEN_URI, "URI", TRUST_ID_NAMES_URI, TRUST_ID_NAMES_URI_MISMATCH,
			      tnames_uri_match };

static int check_ref(tv_ctx *ctx, tpath *p, const GENERAL_NAMES *gens, const ref_kind *k,
		     const char *ref)
{
	const char *policy = ctx->rules.policy_name;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != k->type)
			continue;
		const char *v = (const char *)ASN1_STRING_get0_data(g->d.ia5);
		size_t len = (size_t)ASN1_STRING_length(g->d.ia5);
		if (k->match(v, len, ref)) {
			tfinding *f = tpath_add(p, k->pass, TRUST_SEV_PASS, 0, policy,
						"%s matches SAN %s:%.*s", ref, k->label, (int)len, v);
			tfinding_param(f, k->type == GEN_EMAIL ? "email" : "uri", "%s", ref);
			return 0;
		}
	}
	char sans[512];
	describe_sans(sans, sizeof(sans), gens);
	tfinding *f = tpath_add(p, k->mismatch, TRUST_SEV_ERROR, 0, policy,
				"%s is not among the certificate's %s names (%s)", ref, k->label,
				gens ? (sans[0] ? sans : "no names of a known type") : "no subjectAltName");
	tfinding_param(f, k->type == GEN_EMAIL ? "email" : "uri", "%s", ref);
	tfinding_param(f, "sans", "%s", sans);
	return 1;
}

int tnames_check_leaf(tv_ctx *ctx, tpath *p)
{
	if (!ctx->host && !ctx->ip && !ctx->email && !ctx->uri)
		return 0;
	int crit = -1;
	const GENERAL_NAMES *gens = tcert_san(p->certs[0], &crit);
	if (!gens && crit != -1) {
		/* crit -2: more than once; crit >= 0 with no result: undecodable */
		tpath_add(p, TRUST_ID_NAMES_SAN_MALFORMED, TRUST_SEV_ERROR, 0, ctx->rules.policy_name,
			  "the subjectAltName extension %s",
			  crit == -2 ? "appears more than once" : "cannot be decoded");
		return 1;
	}
	unsigned char lit[16];
	size_t lit_len = 0;
	int rc = 0;
	if (ctx->host && tnames_parse_ip(lit, &lit_len, ctx->host) == 0)
		rc = check_ip(ctx, p, gens, lit, lit_len);
	else if (ctx->host)
		rc = check_host(ctx, p, gens);
	else if (ctx->ip)
		rc = check_ip(ctx, p, gens, ctx->ip, ctx->ip_len);
	if (ctx->email)
		rc |= check_ref(ctx, p, gens, &EMAIL, ctx->email);
	if (ctx->uri)
		rc |= check_ref(ctx, p, gens, &URI, ctx->uri);
	return rc;
}
