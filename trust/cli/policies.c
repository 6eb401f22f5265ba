/*
 * --policy NAME|PATH and --list-policies: where built-in policy files live
 * and how the command line's policies become one stack.
 *
 * A value with a '/' or ending in ".json" is a path; anything else is the
 * name of a built-in, looked up in order in $TRUSTBENCH_POLICIES, the source
 * tree the binary was built from, and the installed share directory.
 */
#include "cli_policy.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TRUSTBENCH_POLICY_SRC_DIR
#define TRUSTBENCH_POLICY_SRC_DIR "policies"
#endif
#ifndef TRUSTBENCH_POLICY_SHARE_DIR
#define TRUSTBENCH_POLICY_SHARE_DIR "/usr/local/share/trustbench/policies"
#endif

/* The search directories, in order; NULL entries are skipped. */
static void dirs(const char *out[3])
{
	const char *env = getenv("TRUSTBENCH_POLICIES");
	out[0] = env && *env ? env : NULL;
	out[1] = TRUSTBENCH_POLICY_SRC_DIR;
	out[2] = TRUSTBENCH_POLICY_SHARE_DIR;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_path(const char *v)
{
	size_t n = strlen(v);
	return strchr(v, '/') || (n > 5 && strcmp(v + n - 5, ".json") == 0);
}

static int find(char *out, size_t n, const char *name, trust_error *err)
{
	if (is_path(name)) {
		snprintf(out, n, "%s", name);
		return TRUST_OK;
	}
	const char *d[3];
	dirs(d);
	for (int i = 0; i < 3; i++) {
		if (!d[i])
			continue;
		snprintf(out, n, "%s/%s.json", d[i], name);
		if (is_file(out))
			return TRUST_OK;
	}
	err->code = TRUST_EUSAGE;
	snprintf(err->message, sizeof(err->message),
		 "--policy: no built-in policy '%s' (see trustcheck --list-policies; a file "
		 "path needs a '/' or a .json suffix)", name);
	return TRUST_EUSAGE;
}

int tc_policy_stack(trust_policy **out, const char *const *names, size_t n, trust_error *err)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		trust_policy *p = NULL;
		int rc = find(path, sizeof(path), names[i], err);
		if (rc == TRUST_OK)
			rc = trust_policy_load_file(&p, path, err);
		if (rc == TRUST_OK && *out) {
			rc = trust_policy_stack(*out, p, err);
			trust_policy_free(p);
		} else if (rc == TRUST_OK) {
			*out = p;
		}
		if (rc != TRUST_OK) {
			trust_policy_free(*out);
			*out = NULL;
			return rc;
		}
	}
	return TRUST_OK;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names already printed, so a built-in found in two directories shows once. */
typedef struct seen {
	char **v;
	size_t n;
} seen;

static bool seen_add(seen *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return false;
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return false;
	s->v = v;
	s->v[s->n] = strdup(name);
	if (!s->v[s->n])
		return false;
	s->n++;
	return true;
}

static int list_dir(FILE *out, const char *dir, seen *s)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return 0;
	char **files = NULL;
	size_t nf = 0;
	struct dirent *e;
	while ((e = readdir(dh))) {
		size_t l = strlen(e->d_name);
		if (l <= 5 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		char **v = realloc(files, (nf + 1) * sizeof(*v));
		if (!v || !(v[nf] = strdup(e->d_name))) {
			files = v ? v : files;
			break;
		}
		files = v;
		nf++;
	}
	closedir(dh);
	qsort(files, nf, sizeof(*files), cmp);
	int bad = 0;
	for (size_t i = 0; i < nf; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		trust_policy *p = NULL;
		trust_error err = { 0 };
		if (trust_policy_load_file(&p, path, &err) != TRUST_OK) {
			fprintf(stderr, "trustcheck: %s\n", err.message);
			bad = 1;
		} else if (seen_add(s, trust_policy_name(p))) {
			fprintf(out, "%-12s %s (%s)\n", trust_policy_name(p),
				trust_policy_description(p), path);
		}
		trust_policy_free(p);
		free(files[i]);
	}
	free(files);
	return bad;
}

int tc_list_policies(FILE *out)
{
	const char *d[3];
	dirs(d);
	seen s = { 0 };
	int bad = 0;
	for (int i = 0; i < 3; i++)
		if (d[i])
			bad |= list_dir(out, d[i], &s);
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
	return bad ? 2 : 0;
}
