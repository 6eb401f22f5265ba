/*
 * One certgen at a time per state directory: an flock on DIR/.lock.  flock
 * is released by the kernel when the process dies, so a killed certgen never
 * leaves a stale lock behind.
 */
#include "certgen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int cg_lock(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cg_fail(-1, "%s: cannot open lock file: %s", path, strerror(errno));
	long timeout = 10;
	const char *s = getenv("CERTGEN_LOCK_TIMEOUT");
	if (s && !cg_parse_long(s, 0, 3600, &timeout))
		timeout = 10;
	/* Poll rather than block so the wait is bounded. */
	for (long waited_ms = 0;; waited_ms += 50) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return cg_fail(-1, "%s: cannot lock: %s", path, strerror(e));
		}
		if (waited_ms >= timeout * 1000) {
			close(fd);
			return cg_fail(-2, "%s is locked by another certgen; wait for it to finish "
					   "(or set CERTGEN_LOCK_TIMEOUT)", path);
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

void cg_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
