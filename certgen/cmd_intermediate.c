/* certgen intermediate (a sub-CA, optionally name-constrained) and certgen cross. */
#include "certgen.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "10.0.0.0/8" -> "10.0.0.0/255.0.0.0": OpenSSL's config syntax for an
 * iPAddress constraint is address and mask (RFC 5280 §4.2.1.10).  Host bits
 * are refused ("10.1.2.3/8" is a typo for a host or for 10.0.0.0/8): the
 * network is put in `net` for the message. */
static bool cidr_to_mask(const char *cidr, char *out, size_t n, char *net, size_t netn)
{
	char addr[64];
	const char *slash = strchr(cidr, '/');
	if (!slash || (size_t)(slash - cidr) >= sizeof addr)
		return false;
	memcpy(addr, cidr, (size_t)(slash - cidr));
	addr[slash - cidr] = '\0';
	unsigned char buf[16], mask[16] = { 0 };
	int af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	long bits, max = af == AF_INET6 ? 128 : 32;
	if (inet_pton(af, addr, buf) != 1 || !cg_parse_long(slash + 1, 0, max, &bits))
		return false;
	for (long i = 0; i < bits; i++)
		mask[i / 8] |= (unsigned char)(0x80 >> (i % 8));
	bool host_bits = false;
	for (long i = 0; i < max / 8; i++) {
		host_bits = host_bits || (buf[i] & ~mask[i]);
		buf[i] &= mask[i];
	}
	char m[64];
	if (host_bits) {
		if (inet_ntop(af, buf, m, sizeof m))
			snprintf(net, netn, "%s/%ld", m, bits);
		return false;
	}
	if (!inet_ntop(af, mask, m, sizeof m))
		return false;
	return snprintf(out, n, "%s/%s", addr, m) < (int)n;
}

bool cg_nc_add(char *nc, size_t n, const char *sub, const char *type, const char *v, char *net,
	       size_t netn)
{
	char val[160];
	if (strcmp(type, "IP") == 0) {
		if (!cidr_to_mask(v, val, sizeof val, net, netn))
			return false;
	} else if (strchr(v, ',') || strchr(v, '\n') || !*v) {
		return false;
	} else {
		snprintf(val, sizeof val, "%s", v);
	}
	size_t len = strlen(nc);
	return snprintf(nc + len, n - len, ",%s;%s:%s", sub, type, val) < (int)(n - len);
}

int cmd_intermediate(const cg_opts *o, int argc, char **argv)
{
	const char *issuer = CG_ROOT_NAME, *keytype = "ec256", *name = NULL, *eku = "", *v;
	const char *cert_file = NULL, *key_file = NULL;
	long pathlen = -1;
	cg_validity val = { .days = CG_DAYS_INTERMEDIATE, .min_days = 1 };
	static const struct { const char *opt, *sub, *type; } ncopts[] = {
		{ "--permit-dns", "permitted", "DNS" },  { "--exclude-dns", "excluded", "DNS" },
		{ "--permit-ip", "permitted", "IP" },    { "--exclude-ip", "excluded", "IP" },
		{ "--permit-email", "permitted", "email" }, { "--exclude-email", "excluded", "email" },
	};
	char nc[4096] = "critical";
	for (int i = 1; i < argc; i++) {
		int m = 0;
		for (size_t k = 0; k < sizeof ncopts / sizeof ncopts[0] && m == 0; k++) {
			char net[80] = "";
			if ((m = cg_optval(argc, argv, &i, ncopts[k].opt, &v)) > 0 &&
			    !cg_nc_add(nc, sizeof nc, ncopts[k].sub, ncopts[k].type, v, net, sizeof net)) {
				if (net[0])
					return cg_fail(CG_USAGE, "%s '%s' has host bits set; the network is %s",
						       ncopts[k].opt, v, net);
				return cg_fail(CG_USAGE, "%s '%s' is not valid%s", ncopts[k].opt, v,
					       strcmp(ncopts[k].type, "IP") == 0 ?
						       " (use CIDR, e.g. 10.0.0.0/8 or fd00::/8)" : "");
			}
		}
		if (m < 0)
			return CG_USAGE;
		if (m > 0)
			continue;
		if ((m = cg_optval(argc, argv, &i, "--issuer", &issuer)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_key_opt(argc, argv, &i, &keytype)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_validity_opt(argc, argv, &i, &val)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_optval(argc, argv, &i, "--cert-file", &cert_file)) != 0 ||
			   (m = cg_optval(argc, argv, &i, "--key-file", &key_file)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_optval(argc, argv, &i, "--pathlen", &v)) != 0) {
			if (m < 0 || !cg_parse_long(v, 0, 32, &pathlen))
				return cg_fail(CG_USAGE, "--pathlen must be a number from 0 to 32");
		} else if ((m = cg_optval(argc, argv, &i, "--eku", &eku)) != 0) {
			if (m < 0 || strspn(eku, "serverAuthclient,") != strlen(eku))
				return cg_fail(CG_USAGE, "--eku takes serverAuth, clientAuth or both, "
							 "comma-separated");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("intermediate", argv[i]);
		} else if (name) {
			return cg_fail(CG_USAGE, "intermediate takes one NAME (got '%s' and '%s')", name,
				       argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name || !*name || cg_is_root(name))
		return cg_fail(CG_USAGE, "intermediate needs a NAME other than '%s'; e.g. 'certgen "
					 "intermediate issuing-1'", CG_ROOT_NAME);
	if (strcmp(nc, "critical") != 0 && cg_nc_check(nc) != CG_OK)
		return CG_USAGE;
	int64_t nb, na;
	if (cg_validity_resolve(&val, &nb, &na) != CG_OK)
		return CG_USAGE;
	cg_state st;
	int lockfd;
	cg_ent is;
	int rc = cg_begin_issuing(o, &st, &lockfd, &is, issuer, "an intermediate");
	if (rc != CG_OK)
		return rc;
	long ipl = X509_get_pathlen(is.cert);
	if (ipl == 0 && !cg_is_root(issuer) && !o->force) {
		rc = cg_fail(CG_REFUSED, "'%s' has pathLenConstraint 0, so an intermediate under it "
					 "would be rejected (RFC 5280 §4.2.1.9); issue from its parent, or "
					 "--force for a broken chain", issuer);
	}
	EVP_PKEY *key = rc == CG_OK ? cg_key_new(keytype) : NULL;
	if (rc == CG_OK && !key)
		rc = CG_USAGE;
	if (rc == CG_OK) {
		cg_spec s = CG_SPEC_INIT;
		s.profile = CG_PROF_CA;
		s.cn = name;
		s.key = key;
		s.pathlen = pathlen;
		s.eku = eku;
		s.nc = strcmp(nc, "critical") == 0 ? NULL : nc;
		s.not_before = nb;
		s.not_after = na;
		cg_issue_req q = { .name = name, .kind = "intermediate", .spec = &s, .issuer = &is,
				   .exact = cg_validity_exact(&val), .cert_file = cert_file,
				   .key_file = key_file };
		rc = cg_issue(o, &st, &q);
	}
	EVP_PKEY_free(key);
	cg_ent_free(&is);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}

/* The issuer of a cross-signature: an entity here, or another certgen
 * directory's root (so two roots can cross-sign each other). */
static int load_other(cg_ent *e, const cg_opts *o, const char *other)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/ca.pem", other);
	if (strchr(other, '/') && cg_exists(p)) {
		cg_opts oo = *o;
		oo.dir = other;
		int rc = cg_ent_load(e, &oo, CG_ROOT_NAME, true);
		if (rc == 0)
			snprintf(e->name, sizeof e->name, "%s", other);
		return rc;
	}
	return cg_ent_load(e, o, other, true);
}

int cmd_cross(const cg_opts *o, int argc, char **argv)
{
	const char *name = NULL, *other = NULL;
	/* Negative days make an already expired cross-sign (the 2021 DST Root X3 pattern). */
	cg_validity val = { .days = CG_DAYS_INTERMEDIATE, .min_days = -36500 };
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--issuer", &other)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if ((m = cg_validity_opt(argc, argv, &i, &val)) != 0) {
			if (m < 0 || val.days == 0)
				return cg_fail(CG_USAGE, "--days must be a non-zero number of days "
							 "(negative: already expired)");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("cross", argv[i]);
		} else {
			name = argv[i];
		}
	}
	if (!name || !other)
		return cg_fail(CG_USAGE, "usage: certgen cross NAME --issuer OTHER (OTHER: a CA here, "
					 "or another certgen directory such as ../old-pki/)");
	int64_t nb, na;
	if (val.days < 0 && !cg_validity_exact(&val)) {
		int64_t now = ttime_now();
		nb = now + (val.days - 30) * 86400;
		na = now + val.days * 86400;
	} else if (cg_validity_resolve(&val, &nb, &na) != CG_OK) {
		return CG_USAGE;
	}
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	cg_ent subj, is;
	memset(&is, 0, sizeof is);
	int rc = cg_ent_load(&subj, o, name, false) == 0 && load_other(&is, o, other) == 0 ?
			 CG_OK : CG_USAGE;
	if (rc == CG_OK && (!X509_check_ca(subj.cert) || !X509_check_ca(is.cert)))
		rc = cg_fail(CG_USAGE, "both '%s' and '%s' must be CAs", name, other);
	if (rc == CG_OK) {
		/* "../old-pki/" -> "old-pki": the issuer's last path component. */
		char xname[600], base[300], trimmed[300];
		snprintf(trimmed, sizeof trimmed, "%s", other);
		for (size_t n = strlen(trimmed); n > 1 && trimmed[n - 1] == '/'; n--)
			trimmed[n - 1] = '\0';
		const char *last = strrchr(trimmed, '/');
		cg_ent_dirname(base, sizeof base, last ? last + 1 : trimmed);
		snprintf(xname, sizeof xname, "%s-by-%s", name, base);
		/* Same subject and key as the original: any path through either works. */
		cg_spec s = CG_SPEC_INIT;
		s.profile = CG_PROF_CA;
		s.subject = X509_get_subject_name(subj.cert);
		s.key = X509_get0_pubkey(subj.cert);
		s.pathlen = X509_get_pathlen(subj.cert);
		s.not_before = nb;
		s.not_after = na;
		cg_issue_req q = { .name = xname, .kind = "cross", .spec = &s, .issuer = &is,
				   .nokey = true, .exact = cg_validity_exact(&val) };
		rc = cg_issue(o, &st, &q);
	}
	cg_ent_free(&subj);
	cg_ent_free(&is);
	return cg_end(o, &st, lockfd, rc == CG_OK, rc);
}
