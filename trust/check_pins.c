/*
 * SPKI SHA-256 pinning with NSPinnedDomains semantics (apple-policy.md rule
 * 38), for pins from a policy's "pins" section and from ATS alike:
 *  - the host matches a domain exactly, or one label below it when the
 *    entry includes subdomains; an exact entry wins;
 *  - a CA pin matches any certificate above the leaf in the built path
 *    (intermediates and the anchor), a leaf pin the leaf only;
 *  - when an entry has both kinds, both must match.
 * Pinning only narrows: a pinned CA does not become an anchor.
 */
#include "policy.h"

#include <openssl/evp.h>
#include <string.h>

static const tpolicy_rule pin_rule = {
	.id = TRUST_ID_PIN_SPKI,
	.policy = "pins",
	.enabled = true,
	.severity = TRUST_SEV_ERROR,
	.certs = TPS_LEAF | TPS_INTERMEDIATES | TPS_ANCHOR,
	.origins = TPO_ALL,
	.remedy = "serve a chain whose keys match the pins, or add the new key's pin "
		  "(`certgen pin CERT`) before rotating keys",
};

static const tpolicy_rule ats_pin_rule = {
	.id = TRUST_ID_ATS_PINNED_DOMAINS,
	.policy = "ats",
	.enabled = true,
	.severity = TRUST_SEV_ERROR,
	.certs = TPS_LEAF | TPS_INTERMEDIATES | TPS_ANCHOR,
	.origins = TPO_ALL,
	.remedy = "serve a chain whose keys match NSPinnedDomains, or add the new key's "
		  "SPKI-SHA256-BASE64 (`certgen pin CERT`) to Info.plist before rotating keys",
};

static void b64(char out[48], const unsigned char d[32])
{
	EVP_EncodeBlock((unsigned char *)out, d, 32);
}

static bool in_list(const unsigned char (*v)[32], size_t n, const unsigned char *d)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(v[i], d, 32) == 0)
			return true;
	return false;
}

static const tpin_domain *find_pins(const trust_policy *pol, const char *host)
{
	bool exact;
	for (size_t i = 0; i < pol->npins; i++)
		if (tpolicy_domain_match(pol->pins[i]->domain, false, host, &exact))
			return pol->pins[i];
	for (size_t i = 0; i < pol->npins; i++)
		if (tpolicy_domain_match(pol->pins[i]->domain, pol->pins[i]->include_subdomains, host,
					 &exact))
			return pol->pins[i];
	return NULL;
}

/* "a, b, c" of the pins in a list, into a path-owned string. */
static void join_pins(char *buf, size_t n, const unsigned char (*v)[32], size_t cnt)
{
	buf[0] = '\0';
	for (size_t i = 0; i < cnt; i++) {
		char s[48];
		b64(s, v[i]);
		strncat(buf, i ? ", " : "", n - strlen(buf) - 1);
		strncat(buf, s, n - strlen(buf) - 1);
	}
}

void tcheck_pins(tv_ctx *ctx, tpath *p, const tpolicy_rule *unused)
{
	(void)unused;
	const char *host = ctx->host ? ctx->host : NULL;
	if (!host || !ctx->policy)
		return;
	const tpin_domain *d = find_pins(ctx->policy, host);
	if (!d)
		return;
	const tpolicy_rule *r = strcmp(d->from, "NSPinnedDomains") == 0 ? &ats_pin_rule : &pin_rule;
	char expected[1024], found[1024] = "";
	size_t bad = 0;
	if (d->nleaf) {
		const unsigned char *spki = trust_cert_spki_sha256(p->certs[0]);
		if (!spki || !in_list(d->leaf, d->nleaf, spki)) {
			char s[48] = "";
			if (spki)
				b64(s, spki);
			join_pins(expected, sizeof(expected), d->leaf, d->nleaf);
			tfinding *f = tpolicy_fail(p, r, 0, "the leaf's key matches no leaf pin for "
						   "%s: expected %s; found %s", d->domain, expected,
						   s);
			tfinding_param(f, "expected", "%s", expected);
			tfinding_param(f, "found", "%s", s);
			bad++;
		}
	}
	if (d->nca) {
		bool hit = false;
		for (size_t i = 1; i < p->n; i++) {
			const unsigned char *spki = trust_cert_spki_sha256(p->certs[i]);
			char s[48] = "", item[80];
			if (spki)
				b64(s, spki);
			snprintf(item, sizeof(item), "%scert %zu %s", i > 1 ? ", " : "", i, s);
			strncat(found, item, sizeof(found) - strlen(found) - 1);
			hit |= spki && in_list(d->ca, d->nca, spki);
		}
		if (!hit) {
			join_pins(expected, sizeof(expected), d->ca, d->nca);
			tfinding *f = tpolicy_fail(p, r, p->n > 1 ? 1 : 0,
						   "no certificate above the leaf matches a CA pin for "
						   "%s: expected %s; found %s", d->domain, expected,
						   p->n > 1 ? found : "no CA certificate");
			tfinding_param(f, "expected", "%s", expected);
			tfinding_param(f, "found", "%s", found);
			bad++;
		}
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "the chain matches the pins for %s (%s)", d->domain,
			     d->nca && d->nleaf ? "CA and leaf" : d->nca ? "CA" : "leaf");
}
