/*
 * webpki name kinds, on the leaf (CA/B BR §7.1.4.3, §7.1.2.7.12):
 *
 *  - cn-in-san: each subject commonName is a character-for-character copy
 *    of a SAN dNSName, or an IP address written exactly as the BRs say (IPv4
 *    dotted decimal without leading zeros, IPv6 in RFC 5952 form: lower case,
 *    compressed) that is also a SAN iPAddress.  So "Example.COM" against
 *    DNS:example.com, a U-label against its A-label, "0xC0A80101" or
 *    "2001:0db8:0:0:0:0:0:1" all fail; the message says which form was
 *    meant.  A CN that cannot be read as a host name or address (one label
 *    such as "Test Server") breaks the same rule but cannot be mistaken for
 *    a name a client checks, so it only warns.
 *  - cn-single: at most one commonName.
 *  - dns-no-underscore: no "_" in a dNSName (ballot SC-12).
 *  - wildcard-not-public-suffix: no "*.S" where S is a public suffix of
 *    libpsl's list, ICANN and private sections, whatever host is asked for.
 */
#include "policy.h"
#include "validate_checks.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <idn2.h>
#include <libpsl.h>
#include <string.h>
#include <strings.h>

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
			found = tnames_ip_text(buf, len, g->d.iPAddress);
		} else if (alabel && g->type == GEN_DNS) {
			const char *d = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
			int dl = ASN1_STRING_length(g->d.dNSName);
			if (strlen(alabel) == (size_t)dl && strncasecmp(alabel, d, (size_t)dl) == 0) {
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

static GENERAL_NAMES *leaf_sans(const trust_cert *c)
{
	int crit = -1;
	return tcert_ext_d2i(c, NID_subject_alt_name, &crit);
}

/* 1 if one commonName broke the rule (a finding was added at its severity). */
static bool check_cn(tpath *p, const tpolicy_rule *r, const GENERAL_NAMES *gens,
		     const ASN1_STRING *v)
{
	unsigned char *utf8 = NULL;
	int len = ASN1_STRING_to_UTF8(&utf8, v);
	if (len < 0) {
		ERR_clear_error();
		tpolicy_fail(p, r, 0, "the subject commonName cannot be decoded");
		return true;
	}
	const char *cn = (const char *)utf8;
	bool clean = memchr(cn, '\0', (size_t)len) == NULL;
	for (int i = 0; clean && gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char ip[64];
		if ((g->type == GEN_DNS && same_text(g->d.dNSName, cn, (size_t)len)) ||
		    (g->type == GEN_IPADD && strcmp(tnames_ip_text(ip, sizeof(ip), g->d.iPAddress), cn) == 0)) {
			OPENSSL_free(utf8);
			return false;
		}
	}
	const char *shown = clean ? cn : "(contains NUL)";
	char want[256];
	const char *other = clean ? near_miss(want, sizeof(want), gens, cn) : NULL;
	trust_severity sev = !clean || host_shaped(cn, (size_t)len) ? r->severity
								     : TRUST_SEV_WARNING;
	tfinding *f;
	if (other)
		f = tpolicy_note(p, r, sev, 0,
				 "the subject commonName '%s' is the SAN entry '%s' written "
				 "differently; the Baseline Requirements want it exactly as '%s'",
				 shown, other, other);
	else
		f = tpolicy_note(p, r, sev, 0,
				 "the subject commonName '%s' is not one of the subjectAltName entries",
				 shown);
	tfinding_param(f, "cn", "%s", shown);
	OPENSSL_free(utf8);
	return true;
}

void tcheck_cn_in_san(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const trust_cert *c = p->certs[0];
	if (!tv_ext_reliable(c))
		return;
	const X509_NAME *subj = tcert_subject_name(c);
	if (!subj) {
		tpath_fail_internal(p, 0, "decoding the subject name");
		return;
	}
	GENERAL_NAMES *gens = leaf_sans(c);
	bool bad = false;
	for (int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1); i >= 0;
	     i = X509_NAME_get_index_by_NID(subj, NID_commonName, i))
		bad |= check_cn(p, r, gens, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i)));
	GENERAL_NAMES_free(gens);
	if (!bad)
		tpolicy_pass(p, r, 0, "the subject commonName, if any, repeats a SAN entry exactly");
}

void tcheck_cn_single(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const X509_NAME *subj = tcert_subject_name(p->certs[0]);
	if (!subj) {
		tpath_fail_internal(p, 0, "decoding the subject name");
		return;
	}
	int count = 0;
	for (int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1); i >= 0;
	     i = X509_NAME_get_index_by_NID(subj, NID_commonName, i))
		count++;
	if (count > 1)
		tpolicy_fail(p, r, 0, "the subject has %d commonName attributes; at most one is "
				      "allowed", count);
	else
		tpolicy_pass(p, r, 0, "the subject has at most one commonName");
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
	if (rest[n - 1] == '.')
		n--;
	rest[n] = '\0';
	const psl_ctx_t *psl = psl_builtin();
	return !psl || psl_is_public_suffix2(psl, rest, PSL_TYPE_ANY);
}

/* Runs `bad` on every SAN dNSName of the leaf; one finding per offending name. */
static void each_dns(tpath *p, const tpolicy_rule *r, bool (*bad)(const char *, size_t),
		     const char *why, const char *ok)
{
	const trust_cert *c = p->certs[0];
	if (!tv_ext_reliable(c))
		return;
	GENERAL_NAMES *gens = leaf_sans(c);
	size_t n = 0;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		const char *d = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		int len = ASN1_STRING_length(g->d.dNSName);
		if (!bad(d, (size_t)len))
			continue;
		tfinding *f = tpolicy_fail(p, r, 0, "SAN DNS:%.*s %s", len, d, why);
		tfinding_param(f, "san", "%.*s", len, d);
		n++;
	}
	GENERAL_NAMES_free(gens);
	if (n == 0)
		tpolicy_pass(p, r, 0, "%s", ok);
}

static bool has_underscore(const char *d, size_t len)
{
	return memchr(d, '_', len) != NULL;
}

void tcheck_dns_no_underscore(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	each_dns(p, r, has_underscore,
		 "contains an underscore, which a publicly-trusted certificate may not "
		 "(CA/B ballot SC-12)",
		 "no SAN dNSName contains an underscore");
}

void tcheck_wildcard_not_public_suffix(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	each_dns(p, r, wildcard_over_suffix, "is a wildcard over a public suffix",
		 "no wildcard covers a public suffix");
}
