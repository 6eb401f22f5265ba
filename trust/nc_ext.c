/*
 * The nameConstraints extension itself, RFC 5280 §4.2.1.10:
 *  - critical under the bare rfc5280 policy; TLS profiles accept a
 *    non-critical one because the CA/B Forum BR §7.1.2.5.2 allow it (limbo:
 *    rfc5280:: vs webpki::nc::permitted-dns-match-noncritical);
 *  - at least one subtree: permitted and excluded both absent or empty is
 *    malformed (webpki::nc::intermediate-permitted-excluded-subtrees-*);
 *  - every subtree with minimum 0 and no maximum ("the minimum MUST be
 *    zero, and maximum MUST be absent");
 *  - dNSName values are LDH labels, optionally with a leading dot, never a
 *    wildcard; iPAddress values are an address and a contiguous mask of 8 or
 *    32 bytes; rfc822Name and URI values hold no NUL.
 */
#include "nc_match.h"
#include "validate_checks.h"

#include <string.h>

bool nc_subtree_ok(const GENERAL_SUBTREE *st)
{
	if (st->maximum || (st->minimum && ASN1_INTEGER_get(st->minimum) != 0))
		return false;
	const GENERAL_NAME *b = st->base;
	nc_bytes c;
	switch (b->type) {
	case GEN_DNS:
		return nc_dns_constraint_ok(nc_bytes_of(b->d.dNSName));
	case GEN_IPADD:
		return nc_ip_constraint_ok(b->d.iPAddress);
	case GEN_EMAIL:
		c = nc_bytes_of(b->d.rfc822Name);
		return !memchr(c.s, '\0', c.n);
	case GEN_URI:
		c = nc_bytes_of(b->d.uniformResourceIdentifier);
		return !memchr(c.s, '\0', c.n);
	default:
		return true;
	}
}

int nc_check_extension(size_t *nsubtrees, tv_ctx *ctx, tpath *p, size_t i,
		       const NAME_CONSTRAINTS *nc, int crit)
{
	*nsubtrees = 0;
	int bad = 0;
	if (crit == 0 && !tv_tls_profile(ctx)) {
		tpath_add(p, TRUST_ID_RFC5280_NC_NOT_CRITICAL, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "nameConstraints of certificate %zu is not critical (RFC 5280 §4.2.1.10: MUST be)",
			  i);
		bad = 1;
	}
	int np = sk_GENERAL_SUBTREE_num(nc->permittedSubtrees);
	int ne = sk_GENERAL_SUBTREE_num(nc->excludedSubtrees);
	np = np < 0 ? 0 : np;
	ne = ne < 0 ? 0 : ne;
	if (np + ne == 0) {
		tpath_add(p, TRUST_ID_RFC5280_NC_EMPTY, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "nameConstraints of certificate %zu has neither permitted nor excluded subtrees",
			  i);
		return 1;
	}
	for (int k = 0; k < np + ne; k++) {
		const GENERAL_SUBTREE *st = k < np ? sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, k)
						   : sk_GENERAL_SUBTREE_value(nc->excludedSubtrees, k - np);
		if (!nc_subtree_ok(st)) {
			char c[300];
			nc_name_text(c, sizeof(c), st->base, true);
			tfinding *f = tpath_add(p, TRUST_ID_RFC5280_NC_INVALID, TRUST_SEV_ERROR, (int)i, "rfc5280",
						"nameConstraints of certificate %zu has a malformed %s %s subtree: %s",
						i, k < np ? "permitted" : "excluded",
						nc_form_word(st->base->type), c);
			tfinding_param(f, "constraint", "%s", c);
			return 1;
		}
	}
	*nsubtrees = (size_t)(np + ne);
	return bad;
}
