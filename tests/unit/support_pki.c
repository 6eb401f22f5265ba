/* A three-level test PKI built in memory, and assertions on its evaluation. */
#include "support_pki.h"

#include <check.h>
#include <string.h>

sv_exts SV_INTER_EXTS = {
	"basicConstraints", "critical,CA:TRUE,pathlen:0",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	NULL,
};

X509 *sv_make_root(EVP_PKEY *key, long from, long to, const EVP_MD *md)
{
	sv_spec s = { .cn = "Test Root", .key = key, .from_days = from, .to_days = to, .md = md,
		      .exts = SV_CA_EXTS };
	return sv_cert(&s);
}

X509 *sv_make_inter(sv_pki *k, const char *const *exts, long from, long to, const EVP_MD *md)
{
	sv_spec s = { .cn = "Test Intermediate", .key = k->inter_key, .issuer = k->root,
		      .issuer_key = k->root_key, .from_days = from, .to_days = to, .md = md,
		      .exts = exts ? exts : SV_INTER_EXTS };
	return sv_cert(&s);
}

X509 *sv_make_leaf(sv_pki *k, EVP_PKEY *key, const char *const *exts, long from, long to)
{
	sv_spec s = { .cn = "leaf.example.com", .key = key ? key : k->leaf_key,
		      .issuer = k->inter, .issuer_key = k->inter_key, .from_days = from,
		      .to_days = to, .exts = exts ? exts : SV_LEAF_EXTS };
	return sv_cert(&s);
}

void sv_pki_init(sv_pki *k)
{
	memset(k, 0, sizeof(*k));
	k->root_key = sv_key("EC", "P-256", 0);
	k->inter_key = sv_key("EC", "P-256", 0);
	k->leaf_key = sv_key("EC", "P-256", 0);
	k->root = sv_make_root(k->root_key, 0, 0, NULL);
	k->inter = sv_make_inter(k, NULL, 0, 0, NULL);
	k->leaf = sv_make_leaf(k, NULL, NULL, 0, 0);
}

void sv_pki_free(sv_pki *k)
{
	X509_free(k->root);
	X509_free(k->inter);
	X509_free(k->leaf);
	EVP_PKEY_free(k->root_key);
	EVP_PKEY_free(k->inter_key);
	EVP_PKEY_free(k->leaf_key);
}

/* Evaluates leaf <- inter <- root (anchor) with an optional CRL file. */
trust_result *sv_run(sv_pki *k, trust_policy_base policy, unsigned flags, const char *crl)
{
	X509 *anchors[] = { k->root, NULL };
	X509 *chain[] = { k->leaf, k->inter, NULL };
	trust_store *s = sv_store(anchors, NULL, crl);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, policy, flags);
	trust_chain_free(c);
	trust_store_free(s);
	return r;
}

/* leaf <- root directly, the root made with `root_exts`, anchored with `origin`. */
trust_result *sv_run_direct(const char *const *root_exts, trust_origin origin)
{
	EVP_PKEY *rk = sv_key("EC", "P-256", 0), *lk = sv_key("EC", "P-256", 0);
	sv_spec rs = { .cn = "Legacy Root", .key = rk, .exts = root_exts };
	X509 *root = sv_cert(&rs);
	sv_spec ls = { .cn = "leaf.example.com", .key = lk, .issuer = root, .issuer_key = rk,
		       .exts = SV_LEAF_EXTS };
	X509 *leaf = sv_cert(&ls);
	X509 *anchors[] = { root, NULL };
	X509 *chain[] = { leaf, NULL };
	trust_store *s = sv_store_as(anchors, origin, NULL, NULL);
	trust_chain *c = sv_chain(chain);
	trust_result *r = sv_eval(s, c, TRUST_POLICY_RFC5280, 0);
	trust_chain_free(c);
	trust_store_free(s);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
	return r;
}

void sv_assert_rejected_with(trust_result *r, const char *id, int cert)
{
	ck_assert_msg(!trust_result_trusted(r), "accepted; expected %s", id);
	ck_assert_msg(sv_finding(r, id, cert) != NULL, "no %s on certificate %d (reason %s)", id,
		      cert, trust_result_reason(r));
	ck_assert_int_eq(sv_finding(r, id, cert)->severity, TRUST_SEV_ERROR);
}

void sv_assert_trusted(trust_result *r)
{
	ck_assert_msg(trust_result_trusted(r), "rejected: %s at %d: %s", trust_result_reason(r),
		      trust_result_reason_cert(r), trust_result_reason_message(r));
}

