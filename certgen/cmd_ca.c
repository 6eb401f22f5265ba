/* certgen ca: the self-signed root, and how to trust it. */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_trust_steps(const cg_opts *o, const char *root)
{
	char q[4200];
	const char *cg = cg_cmd_prefix(o);
	cg_shq(q, sizeof q, root);
	cg_say(o,
	       "root certificate: %s\n"
	       "root key:         %s/ca-key.pem (mode 0600; keep it private)\n\n"
	       "To trust it:\n"
	       "  Debian/Ubuntu:  sudo cp %s /usr/local/share/ca-certificates/certgen-root.crt &&"
	       " sudo update-ca-certificates\n"
	       "  curl/OpenSSL:   curl --cacert %s https://localhost/\n"
	       "  this machine:   %s install --yes   (system store, NSS, Java when present)\n"
	       "  iOS/macOS:      %s mobileconfig, install the profile, then Settings > General >"
	       " About > Certificate Trust Settings > enable full trust\n"
	       "  Android:        %s android (DER file, <hash>.0 and network_security_config.xml)\n"
	       "Next: %s leaf localhost 127.0.0.1 ::1\n",
	       root, o->dir, q, q, cg, cg, cg, cg);
}

int cmd_ca(const cg_opts *o, int argc, char **argv)
{
	const char *cn = "certgen root CA", *keytype = "ec256";
	cg_validity v = { .days = CG_DAYS_ROOT, .min_days = 1 };
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--name", &cn)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_key_opt(argc, argv, &i, &keytype)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_validity_opt(argc, argv, &i, &v)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else {
			return cg_bad_option("ca", argv[i]);
		}
	}
	if (!*cn)
		return cg_fail(CG_USAGE, "--name must not be empty: iOS lists roots by CN");
	int64_t nb, na;
	if (cg_validity_resolve(&v, &nb, &na) != CG_OK)
		return CG_USAGE;
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	char root[4096], keyp[4096];
	snprintf(root, sizeof root, "%s/ca.pem", o->dir);
	snprintf(keyp, sizeof keyp, "%s/ca-key.pem", o->dir);
	if (!o->force && (cg_exists(root) || cg_exists(keyp))) {
		cg_fail(CG_REFUSED, "%s already has a root (%s); use --force to replace it (this orphans "
				    "everything it issued) or another --dir", o->dir, root);
		return cg_end(o, &st, lockfd, false, CG_REFUSED);
	}
	int rc = CG_USAGE;
	char serial[80] = "";
	EVP_PKEY *key = cg_key_new(keytype);
	cg_spec s = CG_SPEC_INIT;
	s.profile = CG_PROF_ROOT;
	s.cn = cn;
	s.key = key;
	s.not_before = nb;
	s.not_after = na;
	X509 *x = key ? cg_build(&s, serial) : NULL;
	size_t n = 0, kn = 0;
	char *pem = x ? cg_cert_pem(x, &n) : NULL;
	char *kpem = x ? cg_key_pem(key, &kn) : NULL;
	if (pem && kpem) {
		/* Staged beside the old root, switched in by the journal: a kill
		 * never leaves a key that does not match ca.pem. */
		rc = cg_txn_stage_file(o, &st, "ca-key.pem", kpem, kn, 0600);
		if (rc == CG_OK)
			rc = cg_txn_stage_file(o, &st, "ca.pem", pem, n, 0644);
		if (rc == CG_OK)
			rc = cg_record(&st, CG_ROOT_NAME, "root", serial, "", x) == 0 ? CG_OK : CG_USAGE;
		if (rc == CG_OK)
			rc = cg_txn_commit(o, &st);
	}
	if (kpem)
		OPENSSL_cleanse(kpem, kn);
	free(kpem);
	free(pem);
	if (rc == CG_OK) {
		char t[32];
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", CG_ROOT_NAME, "cert",
						root, "key", keyp, "serial", serial, "not_after",
						ttime_rfc3339(t, sizeof t, s.not_after)));
		else
			print_trust_steps(o, root);
	}
	X509_free(x);
	EVP_PKEY_free(key);
	return cg_end(o, &st, lockfd, true, rc);
}
