/*
 * Entity names: which are usable (not certgen's own files, not sharing a
 * directory, not a symbolic link), whether a SAN name is well formed (by
 * libtrust's own syntax rules, so certgen never issues a name trustcheck
 * refuses), and how names are echoed (control characters escaped).
 */
#include "certgen.h"
#include "internal.h"
#include "nc_match.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Directory names that are, or could be mistaken for, the state's own files. */
static const char *const reserved[] = {
	"ca", "ca-key", "ca.pem", "ca-key.pem", "state", "state.cbor", "bad", "crl", "crl.pem",
	"bundle", "bundle.pem", "android", "certgen-root.mobileconfig", "serve", "fixtures", "ct",
};

int cg_name_usable(const cg_opts *o, cg_state *st, const char *name)
{
	char d[512], p[4096];
	if (!*name)
		return cg_fail(CG_USAGE, "a name must not be empty");
	cg_ent_dirname(d, sizeof d, name);
	bool res = name[0] == '.' || d[0] == '.';
	for (size_t i = 0; !res && i < sizeof reserved / sizeof reserved[0]; i++)
		res = strcasecmp(d, reserved[i]) == 0;
	if (res)
		return cg_fail(CG_USAGE, "'%s' is reserved: it would collide with certgen's own files in %s "
					 "(ca, ca-key, state, bad, crl, bundle, android, serve, fixtures, ct, names starting with "
					 "'.'); pick another name", name, o->dir);
	for (size_t i = 0; i < st->n; i++) {
		char other[512];
		const cg_entry *e = &st->e[i];
		if (e->superseded || strcmp(e->name, name) == 0 || cg_is_root(e->name))
			continue;
		cg_ent_dirname(other, sizeof other, e->name);
		if (strcasecmp(other, d) == 0)
			return cg_fail(CG_USAGE, "'%s' would share the directory %s/%s with '%s'; pick "
						 "another name", name, o->dir, d, e->name);
	}
	snprintf(p, sizeof p, "%s/%s", o->dir, d);
	if (cg_is_link(p))
		return cg_fail(CG_USAGE, "%s is a symbolic link; certgen follows none under its state "
					 "directory (remove it)", p);
	if (!o->force && (cg_exists(p) || cg_state_find(st, name)))
		return cg_fail(CG_REFUSED, "%s already exists; use --force to reissue '%s' (the old "
					   "certificate stays in the state, revocable by serial)", p, name);
	return CG_OK;
}

const char *cg_name_syntax(const char *name)
{
	const char *type = cg_san_type(name);
	nc_bytes b = { name, strlen(name) }, host;
	if (strcmp(type, "IP") == 0)
		return NULL;
	if (strcmp(type, "URI") == 0)
		return nc_uri_host(b, &host) ? NULL : "not a URI with a host name (scheme://host/...)";
	if (strcmp(type, "email") == 0) {
		if (!nc_email_ok(b))
			return "not an e-mail address: one '@' between a local part and a host";
		const char *why = tnames_host_syntax(strchr(name, '@') + 1);
		return why ? "the host of the e-mail address is not a DNS name" : NULL;
	}
	return tnames_host_syntax(name);
}

const char *cg_esc(const char *s)
{
	static char bufs[4][1024];
	static unsigned next;
	char *out = bufs[next++ % 4];
	size_t j = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && j + 5 < sizeof bufs[0]; p++) {
		/* C0, DEL, and C1 as UTF-8 (U+0080..U+009F: 0xC2 0x80..0x9F). */
		bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
		if (*p < 0x20 || *p == 0x7F || c1) {
			j += (size_t)snprintf(out + j, 5, "\\x%02x", c1 ? *++p : *p);
		} else {
			out[j++] = (char)*p;
		}
	}
	out[j] = '\0';
	return out;
}

int cg_nc_check(const char *conf)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, NULL, NULL, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, NID_name_constraints, conf);
	NAME_CONSTRAINTS *nc = ext ? X509V3_EXT_d2i(ext) : NULL;
	int rc = nc ? CG_OK : cg_fail(CG_USAGE, "cannot encode the name constraints '%s'", conf);
	for (int k = 0; nc && rc == CG_OK && k < 2; k++) {
		STACK_OF(GENERAL_SUBTREE) *sk = k == 0 ? nc->permittedSubtrees : nc->excludedSubtrees;
		for (int i = 0; rc == CG_OK && i < sk_GENERAL_SUBTREE_num(sk); i++) {
			const GENERAL_SUBTREE *st = sk_GENERAL_SUBTREE_value(sk, i);
			if (!nc_subtree_ok(st)) {
				char v[300];
				rc = cg_fail(CG_USAGE, "%s %s constraint '%s' is malformed: libtrust would reject "
						       "every certificate under it (rfc5280.nc.invalid)%s",
					     k == 0 ? "permitted" : "excluded", nc_form_word(st->base->type),
					     nc_name_text(v, sizeof v, st->base, true),
					     st->base->type == GEN_DNS ? "; a DNS constraint is a domain "
									 "(example.com) or .example.com, never "
									 "a wildcard" : "");
			}
		}
	}
	NAME_CONSTRAINTS_free(nc);
	X509_EXTENSION_free(ext);
	return rc;
}
