/*
 * Host names the way trustd matches them (apple-policy.md rules 2-5), as one
 * rule kind with an "aspect" parameter so each rule keeps Apple's id:
 *   syntax   (apple.dns-name-syntax) SAN dNSName entries that are not DNS-like
 *            are ignored silently by a device; said here as a warning;
 *   match    (apple.dns-match)       the host equals a SAN dNSName, label for
 *            label, case-insensitively;
 *   wildcard (apple.wildcard)        a wildcard that looks as if it covers the
 *            host but is a form Apple never matches (partial label, "*.com",
 *            a public suffix, more than one label);
 *   ip       (apple.ip-san)          an IP host against SAN iPAddress only.
 * The base tls-server name check already rejects a mismatch; these say which
 * of Apple's rules it is.  Matching itself is names_dns.c's, whose wildcard
 * rules are Apple's (whole left-most label, one label, no public suffix).
 */
#include "policy.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* SecFrameworkIsDNSName: letters, digits, '-', '_', '*'; labels 1..63 octets,
 * the name at most 255; no trailing '.' or '-'; no label starting with '-';
 * a letter in the last label (which also keeps IPv4 literals out). */
static bool apple_dns_like(const char *s, size_t n)
{
	if (n == 0 || n > 255 || s[n - 1] == '.' || s[n - 1] == '-')
		return false;
	size_t start = 0;
	bool letter = false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start || i - start > 63 || s[start] == '-')
				return false;
			start = i + 1;
			if (i < n)
				letter = false;
			continue;
		}
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!alpha && !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '*')
			return false;
		letter |= alpha;
	}
	return letter;
}

typedef struct names {
	GENERAL_NAMES *gens;
	bool exact;      /* a DNS-like entry matches the host */
	const char *loose; /* a wildcard entry that would match only loosely (borrowed) */
	int loose_len;
	bool has_dns;
} names;

static void scan(names *nm, const tv_ctx *ctx, const trust_cert *leaf)
{
	memset(nm, 0, sizeof(*nm));
	nm->gens = tcert_ext_d2i(leaf, NID_subject_alt_name, NULL);
	for (int i = 0; nm->gens && i < sk_GENERAL_NAME_num(nm->gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(nm->gens, i);
		if (g->type != GEN_DNS || !ctx->host)
			continue;
		const char *s = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		int len = ASN1_STRING_length(g->d.dNSName);
		nm->has_dns = true;
		if (!apple_dns_like(s, (size_t)len))
			continue;
		if (tnames_dns_match(s, (size_t)len, ctx->host)) {
			nm->exact = true;
		} else if (memchr(s, '*', (size_t)len) && !nm->loose) {
			/* The host is already lower case; so is the pattern then. */
			char pat[256];
			int k = 0;
			for (; k < len && k < 255; k++)
				pat[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]);
			pat[k] = '\0';
			if (fnmatch(pat, ctx->host, 0) == 0) {
				nm->loose = s;
				nm->loose_len = len;
			}
		}
	}
}

static void aspect_syntax(tpath *p, const tpolicy_rule *r, const names *nm)
{
	size_t bad = 0;
	for (int i = 0; nm->gens && i < sk_GENERAL_NAME_num(nm->gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(nm->gens, i);
		if (g->type != GEN_DNS)
			continue;
		const char *s = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		int len = ASN1_STRING_length(g->d.dNSName);
		if (apple_dns_like(s, (size_t)len))
			continue;
		char shown[80];
		size_t k = 0;
		for (int j = 0; j < len && k + 5 < sizeof(shown); j++)
			k += (size_t)snprintf(shown + k, sizeof(shown) - k,
					      s[j] > 0x20 && s[j] < 0x7f ? "%c" : "\\x%02x",
					      (unsigned char)s[j]);
		bad++;
		tfinding *f = tpolicy_fail(p, r, 0, "SAN DNS entry '%s' is not a DNS name to "
					   "Apple; devices ignore it", shown);
		tfinding_param(f, "entry", "%s", shown);
	}
	if (bad == 0 && nm->has_dns)
		tpolicy_pass(p, r, 0, "every SAN DNS entry is a DNS name");
}

void tcheck_apple_names(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	const char *aspect = tpolicy_str(r, "aspect", "match");
	names nm;
	scan(&nm, ctx, p->certs[0]);
	if (strcmp(aspect, "syntax") == 0) {
		aspect_syntax(p, r, &nm);
	} else if (strcmp(aspect, "ip") == 0 && ctx->ip) {
		bool hit = false;
		for (int i = 0; nm.gens && i < sk_GENERAL_NAME_num(nm.gens); i++) {
			const GENERAL_NAME *g = sk_GENERAL_NAME_value(nm.gens, i);
			hit |= g->type == GEN_IPADD &&
			       (size_t)ASN1_STRING_length(g->d.iPAddress) == ctx->ip_len &&
			       memcmp(ASN1_STRING_get0_data(g->d.iPAddress), ctx->ip, ctx->ip_len) == 0;
		}
		if (hit)
			tpolicy_pass(p, r, 0, "the IP address is a SAN iPAddress entry");
		else
			tpolicy_fail(p, r, 0, "no SAN iPAddress entry holds this address (an address "
				     "written in a DNS entry never matches)");
	} else if (strcmp(aspect, "match") == 0 && ctx->host) {
		if (nm.exact)
			tpolicy_pass(p, r, 0, "%s matches a SAN DNS entry", ctx->host);
		else if (!nm.loose)
			tpolicy_fail(p, r, 0, "no SAN DNS entry matches %s label for label", ctx->host);
	} else if (strcmp(aspect, "wildcard") == 0 && ctx->host && !nm.exact && nm.loose) {
		tfinding *f = tpolicy_fail(p, r, 0, "'%.*s' does not cover %s for Apple: a wildcard "
					   "is a whole left-most label standing for one label, not "
					   "over a public suffix", nm.loose_len, nm.loose, ctx->host);
		tfinding_param(f, "entry", "%.*s", nm.loose_len, nm.loose);
	}
	GENERAL_NAMES_free(nm.gens);
}
