/*
 * CA rules: basicConstraints, keyUsage and pathLenConstraint.
 *
 *  - §6.1.4(k): every certificate that issues another in the path, the anchor
 *    included, must carry basicConstraints with cA TRUE (x509-limbo's
 *    root-missing-basic-constraints: an anchor is held to its own constraints,
 *    like BoringSSL's enforce_anchor_constraints).
 *  - §4.2.1.9: a CA's basicConstraints MUST be critical.
 *  - §6.1.4(n) and §4.2.1.3/§4.2.1.9: when keyUsage is present, cA TRUE and
 *    keyCertSign go together, in both directions and on every certificate; a
 *    leaf that is a CA but may not sign certificates is as inconsistent as a
 *    root that is.
 *  - §6.1.4(l)(m): max_path_length starts unlimited, is lowered by each CA's
 *    pathLenConstraint (anchor first), and each intermediate that is not
 *    self-issued spends one.  The leaf is never counted (§4.2.1.9 note).
 */
#include "validate_checks.h"

#include <limits.h>

static size_t check_bc(tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	size_t bad = 0;
	if (i > 0 && !c->has_bc) {
		tpath_add(p, TRUST_ID_RFC5280_BASIC_CONSTRAINTS_MISSING, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "issues certificate %zu but has no basicConstraints", i - 1);
		bad++;
	} else if (i > 0 && !c->is_ca) {
		tpath_add(p, TRUST_ID_RFC5280_BASIC_CONSTRAINTS_NOT_CA, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "issues certificate %zu but basicConstraints says cA FALSE", i - 1);
		bad++;
	}
	if (c->is_ca && !c->bc_critical) {
		tpath_add(p, TRUST_ID_RFC5280_BASIC_CONSTRAINTS_NOT_CRITICAL, tv_profile_sev(p, i), (int)i,
			  "rfc5280", "a CA certificate whose basicConstraints is not critical");
		bad += tv_profile_sev(p, i) == TRUST_SEV_ERROR;
	}
	return bad;
}

static size_t check_ku(tpath *p, size_t i)
{
	const trust_cert *c = p->certs[i];
	if (c->ku == TCERT_KU_ABSENT || !tv_ext_reliable(c))
		return 0;
	bool kcs = (c->ku & KU_KEY_CERT_SIGN) != 0;
	if (c->is_ca && !kcs) {
		tpath_add(p, TRUST_ID_RFC5280_KEY_USAGE_NO_KEYCERTSIGN, TRUST_SEV_ERROR, (int)i, "rfc5280",
			  "a CA certificate whose keyUsage lacks keyCertSign");
		return 1;
	}
	if (!c->is_ca && kcs) {
		tpath_add(p, TRUST_ID_RFC5280_KEY_USAGE_KEYCERTSIGN_NOT_CA, TRUST_SEV_ERROR, (int)i,
			  "rfc5280", "keyUsage asserts keyCertSign but basicConstraints cA is not TRUE");
		return 1;
	}
	return 0;
}

static size_t check_pathlen(tpath *p)
{
	long room = LONG_MAX;
	size_t bad = 0;
	for (size_t i = p->n - 1; i >= 1; i--) {
		const trust_cert *c = p->certs[i];
		bool anchor = i == p->n - 1 && tv_is_anchor(p, i);
		if (!anchor && !c->self_issued) {
			if (room <= 0) {
				tfinding *f = tpath_add(
					p, TRUST_ID_RFC5280_BASIC_CONSTRAINTS_PATH_LENGTH, TRUST_SEV_ERROR,
					(int)i, "rfc5280",
					"a CA above this one allows no further intermediate CAs");
				tfinding_param(f, "intermediate", "%zu", i);
				bad++;
			}
			room--;
		}
		if (c->is_ca && c->pathlen >= 0 && c->pathlen < room)
			room = c->pathlen;
	}
	return bad;
}

int tcheck_ca(tv_ctx *ctx, tpath *p)
{
	(void)ctx;
	size_t bad = 0, cas = 0;
	for (size_t i = 0; i < p->n; i++) {
		bad += check_bc(p, i);
		bad += check_ku(p, i);
		cas += i > 0;
	}
	if (p->n > 1)
		bad += check_pathlen(p);
	if (bad == 0)
		tpath_add(p, TRUST_ID_RFC5280_BASIC_CONSTRAINTS, TRUST_SEV_PASS, -1, "rfc5280",
			  "%zu issuing certificate%s: cA TRUE, keyCertSign and path length respected",
			  cas, cas == 1 ? "" : "s");
	return bad != 0;
}
