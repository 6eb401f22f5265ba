/*
 * A command's transaction on the state directory.
 *
 * Every change is built beside what it replaces (a new entity in the hidden
 * directory .stage.D, a new file as .stage.NAME next to its target), then the
 * state file is saved with the new entries and a journal of the renames that
 * switch the change in: that save (one rename of state.cbor) is the commit
 * point.  Then the renames run and the state is saved again without the
 * journal.  The next command, under the lock, finishes a journal a killed
 * certgen left (every step can be redone) and removes staged files no journal
 * names (a kill before the commit point: the old state stands).  So a kill at
 * any instant leaves the old state or the new one, and the state knows every
 * certificate on disk.
 */
#include "certgen.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE ".stage."
#define OLD ".old."

/* A journal path from the state file: relative, no "..", no empty component. */
static bool rel_ok(const char *p)
{
	if (!*p || *p == '/' || strstr(p, "//"))
		return false;
	for (const char *c = p; c; c = strchr(c, '/')) {
		c += *c == '/';
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
			return false;
	}
	return true;
}

/* Parent directory of DIR/REL and its last component; -1 with a message. */
static int at(const cg_opts *o, const char *rel, char *leaf, size_t n)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", o->dir, rel);
	return cg_open_parent(p, leaf, n);
}

static bool present(int dfd, const char *leaf)
{
	struct stat sb;
	return fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

/* One journal step; every part can be redone after a kill at any point. */
static int apply_op(const cg_opts *o, const cg_op *op)
{
	char f[256], t[256], a[256];
	int ffd = at(o, op->from, f, sizeof f), tfd = at(o, op->to, t, sizeof t);
	int afd = op->aside[0] ? at(o, op->aside, a, sizeof a) : -1;
	int rc = (ffd < 0 || tfd < 0 || (op->aside[0] && afd < 0)) ? -1 : 0;
	if (rc == 0 && present(ffd, f)) {
		if (afd >= 0 && present(tfd, t)) {
			if (cg_remove_tree(afd, a) != 0 || renameat(tfd, t, afd, a) != 0)
				rc = cg_fail(-1, "%s/%s: cannot move aside: %s", o->dir, op->to, strerror(errno));
			cg_test_pause("switching");
		}
		if (rc == 0 && renameat(ffd, f, tfd, t) != 0)
			rc = cg_fail(-1, "%s/%s: cannot switch in: %s", o->dir, op->to, strerror(errno));
		if (rc == 0)
			fsync(tfd);
	}
	if (rc == 0 && afd >= 0 && cg_remove_tree(afd, a) != 0)
		rc = cg_fail(-1, "%s/%s: cannot remove: %s", o->dir, op->aside, strerror(errno));
	if (ffd >= 0)
		close(ffd);
	if (tfd >= 0)
		close(tfd);
	if (afd >= 0)
		close(afd);
	return rc;
}

static int apply_all(const cg_opts *o, cg_state *st)
{
	for (size_t i = 0; i < st->nops; i++) {
		const cg_op *op = &st->ops[i];
		if (!rel_ok(op->from) || !rel_ok(op->to) || (op->aside[0] && !rel_ok(op->aside)))
			return cg_fail(-1, "%s/state.cbor: journal names a path outside the state directory "
					   "('%s'); restore the file or start a new --dir", o->dir, op->to);
		if (apply_op(o, op) != 0)
			return -1;
		if (i + 1 < st->nops)
			cg_test_pause("between");
	}
	return 0;
}

/*
 * A name certgen gave a staged file or directory (made only under the lock),
 * or a temporary file whose writer is dead: commands that take no lock
 * (mobileconfig, android) may be writing theirs right now.
 */
static bool stale(const char *n)
{
	if (strncmp(n, STAGE, strlen(STAGE)) == 0 || strncmp(n, OLD, strlen(OLD)) == 0)
		return true;
	const char *t = n[0] == '.' ? strstr(n, ".tmp.") : NULL;
	long pid = 0;
	if (!t || !cg_parse_long(t + 5, 1, 1L << 30, &pid))
		return false;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes what a certgen killed before its commit point left in one directory. */
static void sweep(const cg_opts *o, const char *rel)
{
	char p[4096], dirp[4096];
	snprintf(p, sizeof p, "%s/%s/x", o->dir, rel);
	snprintf(dirp, sizeof dirp, "%s/%s", o->dir, rel);
	char leaf[8];
	bool usable = strcmp(rel, ".") == 0 || (cg_exists(dirp) && !cg_is_link(dirp));
	int dfd = usable ? cg_open_parent(p, leaf, sizeof leaf) : -1;
	int fd = dfd >= 0 ? dup(dfd) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		if (stale(e->d_name))
			cg_remove_tree(dfd, e->d_name);
	if (d)
		closedir(d);
	if (dfd >= 0)
		close(dfd);
}

static int recover(const cg_opts *o, cg_state *st)
{
	if (st->nops > 0) {
		if (apply_all(o, st) != 0)
			return cg_fail(-1, "%s: cannot finish the change an interrupted certgen left; fix the "
					   "error above and run any command again", o->dir);
		cg_sync_dirs();
		cg_state_clear_ops(st);
		if (cg_state_save(st, o->dir) != 0)
			return -1;
	}
	sweep(o, ".");
	char d[512];
	for (size_t i = 0; i < st->n; i++) {
		if (st->e[i].superseded || cg_is_root(st->e[i].name))
			continue;
		cg_ent_dirname(d, sizeof d, st->e[i].name);
		sweep(o, d);
	}
	return 0;
}

int cg_begin(const cg_opts *o, cg_state *st, int *lockfd)
{
	*lockfd = -1;
	memset(st, 0, sizeof *st);
	cg_set_root(o->dir);
	if (cg_mkdirs(o->dir) != 0)
		return CG_USAGE;
	int fd = cg_lock(o->dir);
	if (fd < 0)
		return fd == -2 ? CG_REFUSED : CG_USAGE;
	*lockfd = fd;
	if (cg_state_load(st, o->dir) != 0 || recover(o, st) != 0) {
		cg_state_free(st);
		cg_unlock(*lockfd);
		*lockfd = -1;
		return CG_USAGE;
	}
	return 0;
}

int cg_txn_stage_dir(const cg_opts *o, const char *d, char *out, size_t n)
{
	char leaf[256];
	if (snprintf(out, n, "%s/" STAGE "%s", o->dir, d) >= (int)n)
		return cg_fail(CG_USAGE, "%s: name too long", d);
	int dfd = cg_open_parent(out, leaf, sizeof leaf);
	if (dfd < 0)
		return CG_USAGE;
	int rc = cg_remove_tree(dfd, leaf) == 0 && mkdirat(dfd, leaf, 0777) == 0 ? CG_OK
		: cg_fail(CG_USAGE, "%s: cannot create: %s", out, strerror(errno));
	close(dfd);
	return rc;
}

int cg_txn_stage_file(const cg_opts *o, cg_state *st, const char *rel, const void *data,
		      size_t len, int mode)
{
	char staged[2048], p[4096];
	const char *slash = strrchr(rel, '/');
	int dl = slash ? (int)(slash - rel + 1) : 0;
	snprintf(staged, sizeof staged, "%.*s" STAGE "%s", dl, rel, rel + dl);
	snprintf(p, sizeof p, "%s/%s", o->dir, rel);
	if (cg_is_link(p))
		return cg_fail(CG_USAGE, "%s is a symbolic link; certgen follows none under its state "
					 "directory (remove it)", p);
	snprintf(p, sizeof p, "%s/%s", o->dir, staged);
	int rc = cg_write_file(p, data, len, mode, true);
	if (rc == CG_OK && cg_state_add_op(st, staged, rel, NULL) != 0)
		rc = cg_fail(CG_USAGE, "out of memory");
	return rc;
}

/* A change that will not be committed: its staged files go. */
static void discard(const cg_opts *o, cg_state *st)
{
	char leaf[256];
	for (size_t i = 0; i < st->nops; i++) {
		int dfd = at(o, st->ops[i].from, leaf, sizeof leaf);
		if (dfd >= 0) {
			cg_remove_tree(dfd, leaf);
			close(dfd);
		}
	}
	cg_state_clear_ops(st);
}

int cg_txn_commit(const cg_opts *o, cg_state *st)
{
	cg_test_pause("staged");
	/* The staged files must be durable before a state that names them is. */
	cg_sync_dirs();
	if (cg_state_save(st, o->dir) != 0) {
		discard(o, st);
		return CG_USAGE;
	}
	cg_sync_dirs();
	cg_test_pause("committed");
	if (apply_all(o, st) != 0) {
		/* Committed: the journal on disk is the next command's to finish, not ours to discard. */
		cg_state_clear_ops(st);
		st->dirty = false;
		return cg_fail(CG_USAGE, "%s: the change is recorded but not switched in; the next "
					 "certgen command finishes it", o->dir);
	}
	cg_test_pause("switched");
	cg_state_clear_ops(st);
	/* Failing here loses nothing: the change is committed and in place, and
	 * the next command finds its journal done. */
	if (cg_state_save(st, o->dir) != 0) {
		cg_warn(NULL, "%s: the journal of a finished change stays until the next command", o->dir);
		st->dirty = false;
	}
	return CG_OK;
}

int cg_end(const cg_opts *o, cg_state *st, int lockfd, bool save, int rc)
{
	if (save && rc == CG_OK && (st->dirty || !st->saved) && cg_state_save(st, o->dir) != 0)
		rc = CG_USAGE;
	/* A failed command leaves nothing staged behind (e.g. a disk that filled up). */
	if (rc != CG_OK && st->nops > 0)
		discard(o, st);
	cg_state_free(st);
	cg_sync_dirs();
	cg_unlock(lockfd);
	return rc;
}
