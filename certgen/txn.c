/* A command's transaction on the state directory: lock, load state; save, unlock. */
#include "certgen.h"

int cg_begin(const cg_opts *o, cg_state *st, int *lockfd)
{
	*lockfd = -1;
	if (cg_mkdirs(o->dir) != 0)
		return CG_USAGE;
	int fd = cg_lock(o->dir);
	if (fd < 0)
		return fd == -2 ? CG_REFUSED : CG_USAGE;
	*lockfd = fd;
	if (cg_state_load(st, o->dir) != 0) {
		cg_unlock(*lockfd);
		*lockfd = -1;
		return CG_USAGE;
	}
	return 0;
}

int cg_end(const cg_opts *o, cg_state *st, int lockfd, bool save, int rc)
{
	if (save && rc == CG_OK && cg_state_save(st, o->dir) != 0)
		rc = CG_USAGE;
	cg_state_free(st);
	cg_unlock(lockfd);
	return rc;
}
