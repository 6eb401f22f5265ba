/*
 * mtls kinds: what a server checking client certificates may narrow beyond
 * tls-client (policies/mtls.json and an overlay of the deployment's own).
 *
 *  - anchor-pins: the path ends at an anchor whose SPKI SHA-256 (base64, as
 *    `certgen pin` prints it) is listed: "only these CAs", even when the
 *    store holds others.
 *  - client-pins: the client's own key is listed (a fixed set of clients).
 *  - client-names: the client's subject (RFC 2253 text, "CN=svc-a,O=Example")
 *    matches one of "subjects", or one of its SAN entries ("DNS:a.example",
 *    "email:ops@example.com", "URI:spiffe://example.org/svc", "IP:10.0.0.1")
 *    matches one of "sans"; patterns are shell globs (fnmatch), case-sensitive.
 *
 * A pin that is not base64 of 32 bytes cannot match anything; the rule fails
 * closed and says which entry is broken.
 */
#include "policy.h"
#include "validate_checks.h"

#include <fnmatch.h>
#include <openssl/evp.h>
#include <string.h>

/* Decodes a base64 SHA-256 pin; false if it is not exactly 32 bytes. */
static bool decode_pin(unsigned char out[32], const char *b64)
{
	size_t len = strlen(b64);
	unsigned char buf[64];
	if (len != 44 || b64[43] != '=' || b64[42] == '=')
		return false;
	if (EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len) != 33)
		return false;
	memcpy(out, buf, 32);
	return true;
}

/* Is certificate i's key one of the rule's "spki_sha256" pins?  -1: a bad pin. */
static int pinned(const tpolicy_rule *r, const trust_cert *c, const char **bad)
{
	const tparam_value *v = tpolicy_param(r, "spki_sha256");
	const unsigned char *have = trust_cert_spki_sha256(c);
	int found = 0;
	for (size_t k = 0; v && k < v->nv; k++) {
		unsigned char want[32];
		if (!decode_pin(want, v->v[k])) {
			*bad = v->v[k];
			return -1;
		}
		if (have && memcmp(have, want, 32) == 0)
			found = 1;
	}
	return found;
}

static void check_pinned(tpath *p, const tpolicy_rule *r, size_t i, const char *who)
{
	const trust_cert *c = p->certs[i];
	const char *bad = NULL;
	int st = pinned(r, c, &bad);
	char found[48] = "";
	const unsigned char *have = trust_cert_spki_sha256(c);
	if (have)
		EVP_EncodeBlock((unsigned char *)found, have, 32);
	if (st < 0) {
		tpolicy_fail(p, r, (int)i, "the policy's pin '%s' is not base64 of a SHA-256 "
					   "digest, so no %s can be accepted", bad, who);
	} else if (st == 0) {
		tfinding *f = tpolicy_fail(p, r, (int)i, "the %s's key (pin %s) is not one of the "
							 "allowed pins", who, found);
		tfinding_param(f, "found", "%s", found);
	} else {
		tpolicy_pass(p, r, (int)i, "the %s's key is pinned (%s)", who, found);
	}
}

void tcheck_anchor_pins(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	check_pinned(p, r, p->n - 1, "anchor");
}

void tcheck_client_pins(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	check_pinned(p, r, 0, "client certificate");
}

static bool any_glob(const tparam_value *v, const char *s)
{
	for (size_t k = 0; v && s && k < v->nv; k++)
		if (fnmatch(v->v[k], s, 0) == 0)
			return true;
	return false;
}

/* "TYPE:value" of a SAN entry into buf, or NULL for types patterns cannot name. */
static const char *san_text(char *buf, size_t len, const GENERAL_NAME *g)
{
	const ASN1_STRING *s = NULL;
	const char *tag = NULL;
	switch (g->type) {
	case GEN_DNS: s = g->d.dNSName; tag = "DNS"; break;
	case GEN_EMAIL: s = g->d.rfc822Name; tag = "email"; break;
	case GEN_URI: s = g->d.uniformResourceIdentifier; tag = "URI"; break;
	case GEN_IPADD: {
		char ip[64];
		if (!*tnames_ip_text(ip, sizeof(ip), g->d.iPAddress))
			return NULL;
		snprintf(buf, len, "IP:%s", ip);
		return buf;
	}
	default:
		return NULL;
	}
	int n = ASN1_STRING_length(s);
	if (memchr(ASN1_STRING_get0_data(s), '\0', (size_t)n))
		return NULL; /* an embedded NUL must not match a shorter pattern */
	snprintf(buf, len, "%s:%.*s", tag, n, (const char *)ASN1_STRING_get0_data(s));
	return buf;
}

void tcheck_client_names(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const trust_cert *c = p->certs[0];
	const tparam_value *subjects = tpolicy_param(r, "subjects");
	const tparam_value *sans = tpolicy_param(r, "sans");
	if ((!subjects || !subjects->nv) && (!sans || !sans->nv)) {
		tpolicy_fail(p, r, 0, "the rule lists no subject or SAN pattern, so no client "
				      "certificate can match it");
		return;
	}
	const char *subject = trust_cert_subject(c);
	if (any_glob(subjects, subject)) {
		tpolicy_pass(p, r, 0, "the client's subject %s is allowed", subject);
		return;
	}
	int crit = -1;
	GENERAL_NAMES *gens = tcert_ext_d2i(c, NID_subject_alt_name, &crit);
	char buf[512];
	const char *hit = NULL;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && !hit; i++) {
		const char *t = san_text(buf, sizeof(buf), sk_GENERAL_NAME_value(gens, i));
		if (any_glob(sans, t))
			hit = t;
	}
	if (hit)
		tpolicy_pass(p, r, 0, "the client's SAN %s is allowed", hit);
	else
		tfinding_param(tpolicy_fail(p, r, 0, "the client certificate (%s) matches none of "
						     "the allowed subject or SAN patterns",
					    subject ? subject : "no subject"),
			       "subject", "%s", subject ? subject : "");
	GENERAL_NAMES_free(gens);
}
