/*
 * webpki name rules on the leaf (CA/B BR §7.1.4.3, §7.1.2.7.12):
 *
 *  - webpki.cn.not-in-san: each subject commonName is a character-for-
 *    character copy of a SAN dNSName, or an IP address written exactly as
 *    the BRs say (IPv4 dotted decimal without leading zeros, IPv6 in RFC 5952
 *    form: lower case, compressed) that is also a SAN iPAddress.  So "Example.COM"
 *    against DNS:example.com, a U-label against its A-label, "0xC0A80101" or
 *    "2001:0db8:0:0:0:0:0:1" all fail; the message says which form was meant.
 *    A CN that cannot be read as a host name or address (one label such as
 *    "Test Server" or "x509-limbo-ee") breaks the same rule but cannot be
 *    mistaken for a name a client checks, so it only warns.
 *  - webpki.cn.multiple: at most one commonName.
 *  - webpki.san.underscore: no "_" in a dNSName (ballot SC-12).
 *  - webpki.san.wildcard-public-suffix: "*.S" where S is a public suffix,
 *    ICANN or private section of the list (libpsl), whatever the host asked
 *    for: such a certificate should not exist.
 */
#include "validate_checks.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <idn2.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The BRs' text form of a SAN iPAddress, or "" if it is not 4 or 16 bytes. */
static const char *ip_text(char *buf, size_t len, const ASN1_OCTET_STRING *a)
{
	int n = ASN1_STRING_length(a);
	buf[0] = '\0';
	if ((n == 4 || n == 16) &&
	    !inet_ntop(n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(a), buf, (socklen_t)len))
		buf[0] = '\0';
	return buf;
}

static bool same_text(const ASN1_IA5STRING *s, const char *cn, size_t len)
{
	return (size_t)ASN1_STRING_length(s) == len && memcmp(ASN1_STRING_get0_data(s), cn, len) == 0;
}

/* The SAN entry the CN spells in another form, for the message; NULL if none. */
static const char *near_miss(char *buf, size_t len, const GENERAL_NAMES *gens, const char *cn)
{
	unsigned char ip[16];
	struct in_addr v4;
	size_t iplen = 0;
	if (inet_pton(AF_INET6, cn, ip) == 1) {
		iplen = 16;
	} else if (inet_aton(cn, &v4)) { /* also hex, octal and short forms */
		memcpy(ip, &v4, 4);
		iplen = 4;
	}
	char *alabel = NULL;
	if (!iplen && idn2_to_ascii_8z(cn, &alabel, IDN2_NONTRANSITIONAL) != IDN2_OK)
		alabel = NULL;
	const char *found = NULL;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (iplen && g->type == GEN_IPADD &&
		    (size_t)ASN1_STRING_length(g->d.iPAddress) == iplen &&
		    memcmp(ASN1_STRING_get0_data(g->d.iPAddress), ip, iplen) == 0) {
			found = ip_text(buf, len, g->d.iPAddress);
		} else if (!iplen && g->type == GEN_DNS) {
			const char *d = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
			int dl = ASN1_STRING_length(g->d.dNSName);
			if ((alabel && strlen(alabel) == (size_t)dl && strncasecmp(alabel, d, (size_t)dl) == 0)) {
				snprintf(buf, len, "%.*s", dl, d);
				found = buf;
			}
		}
	}
	idn2_free(alabel);
	return found;
}

/* 1 if the CN reads as a host name or address: a dot, a colon, non-ASCII, or
 * anything inet_aton takes (which includes "0xC0A80101" and "3232235777"). */
static bool host_shaped(const char *cn, size_t len)
{
	struct in_addr v4;
	for (size_t i = 0; i < len; i++)
		if (cn[i] == '.' || cn[i] == ':' || (unsigned char)cn[i] >= 0x80)
			return true;
	return inet_aton(cn, &v4) != 0;
}

static size_t check_cn(tv_ctx *ctx, tpath *p, const GENERAL_NAMES *gens, const ASN1_STRING *v)
{
	unsigned char *utf8 = NULL;
	int len = ASN1_STRING_to_UTF8(&utf8, v);
	if (len < 0) {
		ERR_clear_error();
		tpath_add(p, "webpki.cn.not-in-san", TRUST_SEV_ERROR, 0, ctx->rules.policy_name,
			  "the subject commonName cannot be decoded");
		return 1;
	}
	const char *cn = (const char *)utf8;
	bool clean = memchr(cn, '\0', (size_t)len) == NULL;
	for (int i = 0; clean && gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char ip[64];
		if ((g->type == GEN_DNS && same_text(g->d.dNSName, cn, (size_t)len)) ||
		    (g->type == GEN_IPADD && strcmp(ip_text(ip, sizeof(ip), g->d.iPAddress), cn) == 0)) {
			OPENSSL_free(utf8);
			return 0;
		}
	}
	char want[256];
	const char *other = clean ? near_miss(want, sizeof(want), gens, cn) : NULL;
	trust_severity sev = !clean || host_shaped(cn, (size_t)len) ? TRUST_SEV_ERROR
								     : TRUST_SEV_WARNING;
	tfinding *f;
	if (other)
		f = tpath_add(p, "webpki.cn.not-in-san", sev, 0, ctx->rules.policy_name,
			      "the subject commonName '%s' is the SAN entry '%s' written differently; "
			      "the Baseline Requirements want it exactly as '%s'", cn, other, other);
	else
		f = tpath_add(p, "webpki.cn.not-in-san", sev, 0, ctx->rules.policy_name,
			      "the subject commonName '%s' is not one of the subjectAltName entries",
			      clean ? cn : "(contains NUL)");
	tfinding_param(f, "cn", "%s", clean ? cn : "(contains NUL)");
	OPENSSL_free(utf8);
	return sev == TRUST_SEV_ERROR;
}

static size_t check_common_names(tv_ctx *ctx, tpath *p, const GENERAL_NAMES *gens)
{
	const X509_NAME *subj = tcert_subject_name(p->certs[0]);
	size_t bad = 0;
	int count = 0;
	for (int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1); i >= 0;
	     i = X509_NAME_get_index_by_NID(subj, NID_commonName, i)) {
		count++;
		bad += check_cn(ctx, p, gens, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i)));
	}
	if (count > 1) {
		tpath_add(p, "webpki.cn.multiple", TRUST_SEV_ERROR, 0, ctx->rules.policy_name,
			  "the subject has %d commonName attributes; at most one is allowed", count);
		bad++;
	}
	return bad;
}

/* 1 if "*.rest" covers a whole public suffix; fails closed without a list. */
static bool wildcard_over_suffix(const char *dns, size_t len)
{
	char rest[256];
	if (len < 3 || len - 2 >= sizeof(rest) || dns[0] != '*' || dns[1] != '.')
		return false;
	size_t n = len - 2;
	for (size_t i = 0; i < n; i++)
		rest[i] = (char)tolower((unsigned char)dns[2 + i]);
	if (n > 0 && rest[n - 1] == '.')
		n--;
	rest[n] = '\0';
	const psl_ctx_t *psl = psl_builtin();
	return !psl || psl_is_public_suffix2(psl, rest, PSL_TYPE_ANY);
}

static size_t check_dns_sans(tv_ctx *ctx, tpath *p, const GENERAL_NAMES *gens)
{
	size_t bad = 0;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		const char *d = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		int len = ASN1_STRING_length(g->d.dNSName);
		tfinding *f = NULL;
		if (memchr(d, '_', (size_t)len)) {
			f = tpath_add(p, "webpki.san.underscore", TRUST_SEV_ERROR, 0,
				      ctx->rules.policy_name,
				      "SAN DNS:%.*s contains an underscore, which a publicly-trusted "
				      "certificate may not (CA/B ballot SC-12)", len, d);
			tfinding_param(f, "san", "%.*s", len, d);
			bad++;
		}
		if (wildcard_over_suffix(d, (size_t)len)) {
			f = tpath_add(p, "webpki.san.wildcard-public-suffix", TRUST_SEV_ERROR, 0,
				      ctx->rules.policy_name,
				      "SAN DNS:%.*s is a wildcard over a public suffix", len, d);
			tfinding_param(f, "san", "%.*s", len, d);
			bad++;
		}
	}
	return bad;
}

size_t twebpki_check_names(tv_ctx *ctx, tpath *p)
{
	const trust_cert *c = p->certs[0];
	if (!tv_ext_reliable(c))
		return 0;
	int crit = -1;
	GENERAL_NAMES *gens = tcert_ext_d2i(c, NID_subject_alt_name, &crit);
	size_t bad = check_common_names(ctx, p, gens) + check_dns_sans(ctx, p, gens);
	GENERAL_NAMES_free(gens);
	return bad;
}
