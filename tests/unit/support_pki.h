/*
 * A three-level test PKI (root -> intermediate -> leaf, P-256, valid from
 * yesterday for a year) that tests rebuild parts of, plus evaluation and
 * assertions on finding ids.
 */
#ifndef TESTS_SUPPORT_PKI_H
#define TESTS_SUPPORT_PKI_H

#include "support_validate.h"

extern sv_exts SV_INTER_EXTS; /* CA:TRUE pathlen:0 critical, keyCertSign+cRLSign, SKI, AKI */

typedef struct sv_pki {
	EVP_PKEY *root_key, *inter_key, *leaf_key;
	X509 *root, *inter, *leaf;
} sv_pki;

/* Self-signed root with SV_CA_EXTS; validity in days from now (0, 0: default). */
X509 *sv_make_root(EVP_PKEY *key, long from, long to, const EVP_MD *md);
/* Intermediate under k->root (exts NULL: SV_INTER_EXTS), key k->inter_key. */
X509 *sv_make_inter(sv_pki *k, const char *const *exts, long from, long to, const EVP_MD *md);
/* Leaf under k->inter (key NULL: k->leaf_key; exts NULL: SV_LEAF_EXTS). */
X509 *sv_make_leaf(sv_pki *k, EVP_PKEY *key, const char *const *exts, long from, long to);
void sv_pki_init(sv_pki *k);
void sv_pki_free(sv_pki *k);
/* Evaluates leaf <- inter <- root (a USER anchor) with an optional CRL file. */
trust_result *sv_run(sv_pki *k, trust_policy_base policy, unsigned flags, const char *crl);
/* Evaluates a leaf directly under a fresh root made with `root_exts`, anchored as `origin`. */
trust_result *sv_run_direct(const char *const *root_exts, trust_origin origin);
/* The result is not trusted and its reported path has ERROR `id` on certificate `cert`. */
void sv_assert_rejected_with(trust_result *r, const char *id, int cert);
void sv_assert_trusted(trust_result *r);

#endif
