/*
 * Certificate-level rule kinds used by the apple policy (apple-policy.md
 * §1): validity maximums, key sizes, signature hashes, EKU by position,
 * TLS keyUsage and SAN-only names (the SCT count is in check_ct.c).  Which
 * certificates, anchor origins and issuance dates a rule covers comes from
 * its scope in the policy file; these functions only apply the test.
 */
#include "policy.h"
#include "validate_checks.h"

#include <string.h>

#define DAY 86400

void tcheck_validity_max(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	int64_t max_days = tpolicy_int(r, "max_days", 0);
	int64_t slip = tpolicy_int(r, "slip_seconds", 0);
	bool inclusive = tpolicy_bool(r, "inclusive", false);
	int64_t limit = max_days * DAY + slip;
	for (size_t i = 0; i < p->n; i++) {
		if (!tpolicy_cert_in_scope(r, p, i))
			continue;
		const trust_cert *c = p->certs[i];
		/* RFC 5280 counts notBefore through notAfter inclusive: one more second. */
		int64_t span = c->not_after - c->not_before + (inclusive ? 1 : 0);
		if (span > limit) {
			int64_t over = span - limit;
			tfinding *f = tpolicy_fail(
				p, r, (int)i,
				"the certificate is valid for %lld days %lld s%s; the limit is %lld days%s "
				"(%lld s over)",
				(long long)(span / DAY), (long long)(span % DAY),
				inclusive ? " counting both ends" : "", (long long)max_days,
				slip ? " plus the allowed slip" : "", (long long)over);
			tfinding_param(f, "validity_seconds", "%lld", (long long)span);
			tfinding_param(f, "limit_seconds", "%lld", (long long)limit);
		} else {
			tpolicy_pass(p, r, (int)i, "valid for %lld s, within %lld days",
				     (long long)span, (long long)max_days);
		}
	}
}

void tcheck_key_size(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	/* An absent minimum leaves that key type unchecked by this rule. */
	int64_t rsa = tpolicy_int(r, "rsa_min_bits", 0), ec = tpolicy_int(r, "ec_min_bits", 0);
	bool others_fail = strcmp(tpolicy_str(r, "other_keys", "pass"), "fail") == 0;
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!tpolicy_cert_in_scope(r, p, i))
			continue;
		const trust_cert *c = p->certs[i];
		bool is_rsa = c->pkey_type == EVP_PKEY_RSA || c->pkey_type == EVP_PKEY_RSA_PSS;
		bool is_ec = c->pkey_type == EVP_PKEY_EC;
		const char *why = NULL;
		int64_t min = 0;
		if (is_rsa && c->pkey_bits < rsa)
			why = "below", min = rsa;
		else if (is_ec && c->pkey_bits < ec)
			why = "below", min = ec;
		else if (!is_rsa && !is_ec && others_fail)
			why = "other";
		if (!why)
			continue;
		bad++;
		tfinding *f = why[0] == 'b'
			? tpolicy_fail(p, r, (int)i, "%s key of %d bits; at least %lld bits are required",
				       tcert_key_type_name(c->pkey_type), c->pkey_bits, (long long)min)
			: tpolicy_fail(p, r, (int)i, "%s keys are not accepted: only RSA and EC keys are",
				       tcert_key_type_name(c->pkey_type));
		tfinding_param(f, "key", "%s", tcert_key_type_name(c->pkey_type));
		tfinding_param(f, "bits", "%d", c->pkey_bits);
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "every key in scope meets the minimum size");
}

static const char *hash_word(int nid)
{
	switch (nid) {
	case NID_md2: return "md2";
	case NID_md4: return "md4";
	case NID_md5: return "md5";
	case NID_sha1: return "sha1";
	case NID_sha224: return "sha224";
	default: return NULL;
	}
}

void tcheck_signature_hash(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	bool skip_self = tpolicy_bool(r, "skip_self_signed", false);
	bool skip_user_top = tpolicy_bool(r, "skip_user_top", false);
	size_t bad = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!tpolicy_cert_in_scope(r, p, i))
			continue;
		const trust_cert *c = p->certs[i];
		const char *h = hash_word(c->sig_md_nid);
		if (!h || !tpolicy_has_word(r, "forbid", h))
			continue;
		bool self = tsig_self_signed(ctx, c);
		if (skip_self && self)
			continue;
		if (skip_user_top && i == p->n - 1 && p->origin[i] == TRUST_ORIGIN_USER && !self)
			continue;
		bad++;
		tfinding *f = tpolicy_fail(p, r, (int)i, "signed with %s, which this policy refuses",
					   OBJ_nid2sn(c->sig_md_nid));
		tfinding_param(f, "hash", "%s", h);
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "no certificate in scope is signed with a refused hash");
}

static uint32_t eku_bits(const tpolicy_rule *r, const char *key)
{
	const tparam_value *v = tpolicy_param(r, key);
	uint32_t bits = 0;
	for (size_t i = 0; v && i < v->nv; i++) {
		const char *w = v->v[i];
		bits |= strcmp(w, "serverAuth") == 0		? XKU_SSL_SERVER
			: strcmp(w, "clientAuth") == 0		? XKU_SSL_CLIENT
			: strcmp(w, "anyExtendedKeyUsage") == 0 ? XKU_ANYEKU
								: XKU_SGC;
	}
	return bits;
}

static void eku_list(const tpolicy_rule *r, const char *key, char *buf, size_t n)
{
	const tparam_value *v = tpolicy_param(r, key);
	buf[0] = '\0';
	for (size_t i = 0; v && i < v->nv; i++) {
		strncat(buf, i ? (i + 1 == v->nv ? " or " : ", ") : "", n - strlen(buf) - 1);
		strncat(buf, v->v[i], n - strlen(buf) - 1);
	}
}

void tcheck_eku_rule(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	size_t bad = 0;
	char want[160];
	uint32_t leaf = eku_bits(r, "leaf_any_of"), mid = eku_bits(r, "intermediates_any_of");
	const trust_cert *c = p->certs[0];
	if (leaf && tpolicy_cert_in_scope(r, p, 0) && tv_ext_reliable(c)) {
		eku_list(r, "leaf_any_of", want, sizeof(want));
		if (!c->has_eku && strcmp(tpolicy_str(r, "leaf_absent", "pass"), "fail") == 0) {
			bad++;
			tpolicy_fail(p, r, 0, "the leaf has no extendedKeyUsage; it must list %s",
				     want);
		} else if (c->has_eku && !(c->xku & leaf)) {
			bad++;
			tpolicy_fail(p, r, 0, "the leaf's extendedKeyUsage lists none of %s", want);
		}
	}
	if (mid) {
		eku_list(r, "intermediates_any_of", want, sizeof(want));
		for (size_t i = 1; i + 1 < p->n || (i + 1 == p->n && !tv_is_anchor(p, i)); i++) {
			c = p->certs[i];
			if (!c->has_eku || !tv_ext_reliable(c) || (c->xku & mid))
				continue;
			bad++;
			tpolicy_fail(p, r, (int)i, "this intermediate's extendedKeyUsage lists none "
				     "of %s", want);
		}
	}
	if (bad == 0)
		tpolicy_pass(p, r, -1, "extendedKeyUsage meets the rule");
}

void tcheck_key_usage_rule(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	const trust_cert *c = p->certs[0];
	if (!tpolicy_cert_in_scope(r, p, 0) || c->ku == TCERT_KU_ABSENT || !tv_ext_reliable(c)) {
		tpolicy_pass(p, r, 0, "the leaf has no keyUsage extension to restrict TLS");
		return;
	}
	const tparam_value *v = tpolicy_param(r, "require");
	size_t bad = 0;
	for (size_t i = 0; v && i < v->nv; i++) {
		const char *w = v->v[i];
		uint32_t bit = strcmp(w, "digitalSignature") == 0  ? KU_DIGITAL_SIGNATURE
			       : strcmp(w, "keyEncipherment") == 0 ? KU_KEY_ENCIPHERMENT
								   : KU_KEY_AGREEMENT;
		if (c->ku & bit)
			continue;
		bad++;
		tfinding *f = tpolicy_fail(p, r, 0, "the leaf's keyUsage lacks %s", w);
		tfinding_param(f, "missing", "%s", w);
	}
	if (bad == 0)
		tpolicy_pass(p, r, 0, "the leaf's keyUsage allows the TLS handshake");
}

void tcheck_san_required(tv_ctx *ctx, tpath *p, const tpolicy_rule *r)
{
	(void)ctx;
	GENERAL_NAMES *gens = tcert_ext_d2i(p->certs[0], NID_subject_alt_name, NULL);
	int usable = 0;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		int t = sk_GENERAL_NAME_value(gens, i)->type;
		usable += t == GEN_DNS || t == GEN_IPADD;
	}
	GENERAL_NAMES_free(gens);
	if (usable)
		tpolicy_pass(p, r, 0, "the leaf names its hosts in subjectAltName");
	else
		tpolicy_fail(p, r, 0, "the leaf has no subjectAltName DNS or IP entry; the subject "
			     "CN is never used to match a host");
}
