/* certgen list: what the state directory holds, with expiry; --all adds superseded
 * certificates; --format dot draws the hierarchy (list_dot.c). */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *status_of(const cg_entry *e, int64_t now)
{
	return e->revoked ? "revoked" : e->superseded ? "superseded" : e->not_after < now ? "expired"
										     : "valid";
}

int cmd_list(const cg_opts *o, int argc, char **argv)
{
	bool all = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") != 0)
			return cg_bad_option("list", argv[i]);
		all = true;
	}
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	if (o->dot) {
		cg_list_dot(&st, all);
		return cg_end(o, &st, lockfd, false, CG_OK);
	}
	int64_t now = ttime_now();
	json_t *arr = o->json ? json_array() : NULL;
	cg_say(o, "state directory %s (root: ca.pem, ca-key.pem; others: NAME/cert.pem key.pem "
		  "chain.pem fullchain.pem)\n", o->dir);
	if (st.n == 0)
		cg_say(o, "  (empty: run '%s ca' to start)\n", cg_cmd_prefix(o));
	else
		cg_say(o, "  %-12s %-28s %-20s %-10s %-34s %s\n", "kind", "name", "expires", "status",
		       "serial", "files");
	for (size_t i = 0; i < st.n; i++) {
		const cg_entry *e = &st.e[i];
		if (e->superseded && !all)
			continue;
		char t[32], path[4096];
		ttime_rfc3339(t, sizeof t, e->not_after);
		if (e->superseded)
			snprintf(path, sizeof path, "(replaced)");
		else
			cg_ent_path(path, sizeof path, o, e->name, "cert.pem");
		const char *status = status_of(e, now);
		if (arr) {
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
							     "name", e->name, "kind", e->kind, "serial",
							     e->serial, "issuer", e->issuer, "not_after", t,
							     "status", status, "cert", path, "reason",
							     e->reason, "superseded", e->superseded));
		} else {
			/* A newline in a name (a hand-edited state) must not start a fake row. */
			cg_say(o, "  %-12s %-28s %-20s %-10s %-34s %s\n", cg_esc(e->kind), cg_esc(e->name),
			       t, status, cg_esc(e->serial), cg_esc(path));
		}
	}
	if (arr)
		cg_print_json(json_pack("{s:s, s:o}", "dir", o->dir, "certificates", arr));
	return cg_end(o, &st, lockfd, false, CG_OK);
}
