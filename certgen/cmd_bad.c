/*
 * certgen bad: broken certificates, made fresh on every run, one folder per
 * kind with the chain a server would send, the anchor to trust, any CRL, the
 * leaf key (for live-server tests) and case.json saying what must happen.
 * Every case has its own root, so cases never vouch for each other.
 */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400

typedef struct bad_case {
	EVP_PKEY *rk, *ik, *i2k, *lk;
	X509 *root, *inter, *inter2, *leaf, *anchor;
	X509_CRL *crl[2];
	STACK_OF(X509) *sent; /* fullchain after the leaf */
} bad_case;

static void case_free(bad_case *c)
{
	EVP_PKEY_free(c->rk);
	EVP_PKEY_free(c->ik);
	EVP_PKEY_free(c->i2k);
	EVP_PKEY_free(c->lk);
	X509_free(c->root);
	X509_free(c->inter);
	X509_free(c->inter2);
	X509_free(c->leaf);
	X509_free(c->anchor);
	X509_CRL_free(c->crl[0]);
	X509_CRL_free(c->crl[1]);
	sk_X509_pop_free(c->sent, X509_free);
}

static X509 *ca(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, int64_t now)
{
	char serial[80];
	cg_spec s = CG_SPEC_INIT;
	s.profile = issuer ? CG_PROF_CA : CG_PROF_ROOT;
	s.cn = cn;
	s.key = key;
	s.issuer = issuer;
	s.issuer_key = ikey;
	s.not_before = now - DAY;
	s.not_after = now + (issuer ? 1825 : 3650) * (int64_t)DAY;
	return cg_build(&s, serial);
}

static bool push(STACK_OF(X509) *sk, X509 *x)
{
	return x && X509_up_ref(x) && sk_X509_push(sk, x) > 0;
}

/* The recipes: a valid root -> intermediate -> leaf chain, then one thing wrong. */
static int build(bad_case *c, const char *v, const char *host, char *san, size_t sann)
{
	int64_t now = (int64_t)time(NULL);
	char rcn[128], serial[80];
	snprintf(rcn, sizeof rcn, "certgen bad %s root", v);
	c->rk = cg_key_new("ec256");
	c->ik = cg_key_new("ec256");
	c->lk = cg_key_new(strcmp(v, "rsa-1024") == 0 ? "rsa1024" : "ec256");
	c->sent = sk_X509_new_null();
	if (!c->rk || !c->ik || !c->lk || !c->sent || !(c->root = ca(rcn, c->rk, NULL, NULL, now)))
		return -1;

	cg_spec is = CG_SPEC_INIT;
	is.profile = CG_PROF_CA;
	is.cn = "certgen bad intermediate";
	is.key = c->ik;
	is.issuer = c->root;
	is.issuer_key = c->rk;
	is.not_before = now - DAY;
	is.not_after = now + 1825 * (int64_t)DAY;
	if (strcmp(v, "sha1-intermediate") == 0)
		is.md = EVP_sha1();
	if (strcmp(v, "non-critical-basic-constraints") == 0)
		is.bc_noncritical = true;
	if (strcmp(v, "pathlen-violation") == 0)
		is.pathlen = 0;
	if (strcmp(v, "name-constraint-violation") == 0)
		is.nc = "critical,permitted;DNS:allowed.invalid";
	if (!(c->inter = cg_build(&is, serial)))
		return -1;
	X509 *lissuer = c->inter;
	EVP_PKEY *likey = c->ik;
	if (strcmp(v, "pathlen-violation") == 0) {
		/* A second CA under the pathlen-0 one: the violation (RFC 5280 §4.2.1.9). */
		c->i2k = cg_key_new("ec256");
		if (!c->i2k || !(c->inter2 = ca("certgen bad sub-intermediate", c->i2k, c->inter, c->ik, now)))
			return -1;
		lissuer = c->inter2;
		likey = c->i2k;
	}

	cg_spec ls = CG_SPEC_INIT;
	ls.profile = CG_PROF_SERVER;
	ls.cn = host;
	ls.key = c->lk;
	ls.issuer = lissuer;
	ls.issuer_key = likey;
	ls.not_before = now - DAY;
	ls.not_after = now + 90 * (int64_t)DAY;
	snprintf(san, sann, "%s\n", host);
	ls.san = san;
	if (strcmp(v, "expired") == 0) {
		ls.not_before = now - 31 * (int64_t)DAY;
		ls.not_after = now - DAY;
	} else if (strcmp(v, "not-yet-valid") == 0) {
		ls.not_before = now + DAY;
		ls.not_after = now + 31 * (int64_t)DAY;
	} else if (strcmp(v, "wrong-host") == 0) {
		ls.cn = "other.invalid";
		snprintf(san, sann, "other.invalid\n");
	} else if (strcmp(v, "self-signed") == 0) {
		ls.issuer = NULL;
		ls.issuer_key = NULL;
	} else if (strcmp(v, "cn-only") == 0) {
		ls.no_san = true;
	} else if (strcmp(v, "no-san") == 0) {
		ls.no_san = true;
		ls.cn = NULL;
	} else if (strcmp(v, "sha1-leaf") == 0) {
		ls.md = EVP_sha1();
	} else if (strcmp(v, "long-validity") == 0) {
		ls.not_after = now + 900 * (int64_t)DAY;
	} else if (strcmp(v, "missing-server-eku") == 0) {
		ls.eku = "emailProtection";
	} else if (strcmp(v, "client-eku-on-server") == 0) {
		ls.eku = "clientAuth";
	} else if (strcmp(v, "ca-as-leaf") == 0) {
		ls.profile = CG_PROF_CA;
	} else if (strcmp(v, "wildcard-too-broad") == 0) {
		const char *dot = strrchr(host, '.');
		snprintf(san, sann, "*.%s\n", dot ? dot + 1 : host);
		ls.cn = san;
	} else if (strcmp(v, "bad-signature") == 0) {
		ls.corrupt_signature = true;
	}
	if (!(c->leaf = cg_build(&ls, serial)))
		return -1;
	san[strcspn(san, "\n")] = '\0';

	bool ok = true;
	if (strcmp(v, "self-signed") == 0 || strcmp(v, "incomplete-chain") == 0) {
		/* The leaf alone. */
	} else if (c->inter2) {
		ok = push(c->sent, c->inter2) && push(c->sent, c->inter);
	} else {
		ok = push(c->sent, c->inter);
	}
	if (strcmp(v, "untrusted-root") == 0) {
		/* The chain is complete up to its root, but another root is the anchor. */
		EVP_PKEY *ak = cg_key_new("ec256");
		c->anchor = ak ? ca("certgen bad trusted root", ak, NULL, NULL, now) : NULL;
		EVP_PKEY_free(ak);
		ok = ok && c->anchor && push(c->sent, c->root);
	} else {
		c->anchor = c->root;
		X509_up_ref(c->root);
	}
	if (ok && strcmp(v, "revoked") == 0) {
		cg_entry e = { 0 };
		char *hex = NULL;
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->leaf), NULL);
		hex = bn ? BN_bn2hex(bn) : NULL;
		e.serial = hex;
		e.reason = (char *)"keyCompromise";
		e.revoked_at = now - 3600;
		const cg_entry *list[1] = { &e };
		/* The intermediate's CRL revokes the leaf; the root's (empty) CRL
		 * covers the intermediate, so every certificate has a CRL. */
		c->crl[0] = hex ? cg_crl_build(c->inter, c->ik, list, 1, 1, 7) : NULL;
		c->crl[1] = cg_crl_build(c->root, c->rk, NULL, 0, 1, 7);
		ok = c->crl[0] && c->crl[1];
		OPENSSL_free(hex);
		BN_free(bn);
	}
	return ok ? 0 : -1;
}

static int write_case(const cg_opts *o, const cg_bad_kind *k, const char *dir, const char *host)
{
	char kdir[4400], p[4800];
	snprintf(kdir, sizeof kdir, "%s/%s", dir, k->kind);
	snprintf(p, sizeof p, "%s/case.json", kdir);
	if (!o->force && cg_exists(p))
		return cg_fail(CG_REFUSED, "%s already exists; use --force to regenerate the case", p);
	if (cg_mkdirs(kdir) != 0)
		return CG_USAGE;
	bad_case c;
	memset(&c, 0, sizeof c);
	char san[300], chost[320];
	snprintf(chost, sizeof chost, "%s", host);
	int rc = build(&c, k->variant, host, san, sizeof san) == 0 ? CG_OK
		: cg_fail(CG_USAGE, "cannot build bad case '%s'", k->kind);
	if (rc == CG_OK && strcmp(k->variant, "wildcard-too-broad") == 0)
		snprintf(chost, sizeof chost, "wildcard%s", san + 1);
	size_t n = 0;
	char *pem = NULL;
	if (rc == CG_OK && (pem = cg_pem_join(c.leaf, c.sent, &n)) != NULL) {
		snprintf(p, sizeof p, "%s/fullchain.pem", kdir);
		rc = cg_write_file(p, pem, n, 0644, true);
		free(pem);
	}
	if (rc == CG_OK && (pem = cg_cert_pem(c.anchor, &n)) != NULL) {
		snprintf(p, sizeof p, "%s/anchor.pem", kdir);
		rc = cg_write_file(p, pem, n, 0644, true);
		free(pem);
	}
	if (rc == CG_OK && (pem = cg_key_pem(c.lk, &n)) != NULL) {
		snprintf(p, sizeof p, "%s/key.pem", kdir);
		rc = cg_write_file(p, pem, n, 0600, true);
		free(pem);
	}
	if (rc == CG_OK && c.crl[0]) {
		size_t n1 = 0, n2 = 0;
		char *a = cg_crl_pem(c.crl[0], &n1), *b = cg_crl_pem(c.crl[1], &n2);
		char *both = (a && b) ? malloc(n1 + n2 + 1) : NULL;
		if (both) {
			memcpy(both, a, n1);
			memcpy(both + n1, b, n2 + 1);
			snprintf(p, sizeof p, "%s/crl.pem", kdir);
			rc = cg_write_file(p, both, n1 + n2, 0644, true);
		} else {
			rc = CG_USAGE;
		}
		free(a);
		free(b);
		free(both);
	}
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", k->kind, "host", chost,
			      "purpose", "server", "policy", k->policy, "expect", "reject", "rule",
			      k->rule, "why", k->why);
	if (j && c.crl[0])
		json_object_set_new(j, "crl", json_string("crl.pem"));
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (rc == CG_OK && text) {
		size_t tl = strlen(text);
		text[tl] = '\n';
		snprintf(p, sizeof p, "%s/case.json", kdir);
		rc = cg_write_file(p, text, tl + 1, 0644, true);
	} else if (rc == CG_OK) {
		rc = CG_USAGE;
	}
	free(text);
	json_decref(j);
	case_free(&c);
	if (rc == CG_OK && !o->json)
		cg_say(o, "%-32s %s/  (%s: %s)\n", k->kind, kdir, k->policy, k->rule);
	return rc;
}

int cmd_bad(const cg_opts *o, int argc, char **argv)
{
	const char *kind = NULL, *host = NULL, *out = NULL, *all = NULL;
	bool list = false;
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--all", &all)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--out", &out)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (strcmp(argv[i], "--list") == 0) {
			list = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("bad", argv[i]);
		} else if (!kind && !all) {
			kind = argv[i];
		} else if (!host) {
			host = argv[i];
		} else {
			return cg_fail(CG_USAGE, "bad takes KIND [HOST] or --all DIR [HOST]");
		}
	}
	if (list) {
		json_t *arr = o->json ? json_array() : NULL;
		for (size_t i = 0; i < cg_bad_nkinds; i++) {
			const cg_bad_kind *k = &cg_bad_kinds[i];
			if (arr)
				json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "kind", k->kind,
								     "policy", k->policy, "rule", k->rule,
								     "why", k->why));
			else
				printf("%-32s %-11s %s\n", k->kind, k->policy, k->why);
		}
		if (arr)
			cg_print_json(arr);
		return CG_OK;
	}
	if (!host)
		host = "bad.example";
	if (strcmp(cg_san_type(host), "DNS") != 0 || strchr(host, '*') || strlen(host) > 200)
		return cg_fail(CG_USAGE, "HOST must be a plain host name such as bad.example, not '%s'", host);
	const cg_bad_kind *k = kind ? cg_bad_find(kind) : NULL;
	if (!all && !k)
		return cg_fail(CG_USAGE, "%s%s%s; 'certgen bad --list' shows the kinds",
			       kind ? "unknown kind '" : "bad needs a KIND or --all DIR", kind ? kind : "",
			       kind ? "'" : "");
	char dir[4096];
	if (all)
		snprintf(dir, sizeof dir, "%s", all);
	else if (out)
		snprintf(dir, sizeof dir, "%s", out);
	else
		snprintf(dir, sizeof dir, "%s/bad", o->dir);
	if (cg_mkdirs(dir) != 0)
		return CG_USAGE;
	json_t *arr = o->json ? json_array() : NULL;
	int rc = CG_OK;
	for (size_t i = 0; i < cg_bad_nkinds && rc == CG_OK; i++) {
		const cg_bad_kind *kk = all ? &cg_bad_kinds[i] : k;
		rc = write_case(o, kk, dir, host);
		if (rc == CG_OK && arr)
			json_array_append_new(arr, json_pack("{s:s, s:s+++, s:s}", "kind", kk->kind, "dir",
							     dir, "/", kk->kind, "/", "rule", kk->rule));
		if (!all)
			break;
	}
	if (arr) {
		if (rc == CG_OK)
			cg_print_json(json_pack("{s:s, s:o}", "dir", dir, "cases", arr));
		else
			json_decref(arr);
	}
	return rc;
}
