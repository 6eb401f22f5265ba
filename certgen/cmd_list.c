/* certgen list: what the state directory holds, with expiry. */
#include "certgen.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int cmd_list(const cg_opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		return cg_bad_option("list", argv[i]);
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	int64_t now = (int64_t)time(NULL);
	json_t *arr = o->json ? json_array() : NULL;
	if (!o->json && !o->quiet) {
		printf("state directory %s (root: ca.pem, ca-key.pem; others: NAME/cert.pem key.pem "
		       "chain.pem fullchain.pem)\n", o->dir);
		if (st.n == 0)
			printf("  (empty: run '%s ca' to start)\n", cg_cmd_prefix(o));
		else
			printf("  %-12s %-28s %-20s %-10s %s\n", "kind", "name", "expires", "status",
			       "files");
	}
	for (size_t i = 0; i < st.n; i++) {
		const cg_entry *e = &st.e[i];
		char t[32], path[4096];
		cg_time_str(t, sizeof t, e->not_after);
		cg_ent_path(path, sizeof path, o, e->name, "cert.pem");
		const char *status = e->revoked ? "revoked" : e->not_after < now ? "expired" : "valid";
		if (arr) {
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
							     "name", e->name, "kind", e->kind, "serial",
							     e->serial, "issuer", e->issuer, "not_after", t,
							     "status", status, "cert", path, "reason",
							     e->reason));
		} else if (!o->quiet) {
			printf("  %-12s %-28s %-20s %-10s %s\n", e->kind, e->name, t, status, path);
		}
	}
	if (arr)
		cg_print_json(json_pack("{s:s, s:o}", "dir", o->dir, "certificates", arr));
	return cg_end(o, &st, lockfd, false, CG_OK);
}
