/*
 * Crash-safe files: write a temporary file beside the target, fsync it, rename
 * it over the target, fsync the directory.  A reader sees the old file or the
 * new one, never a partial one; a key is created 0600 from the first byte.
 *
 * CERTGEN_TEST_PAUSE_BEFORE_RENAME=N sleeps N seconds between the fsync and
 * the rename, so a test can kill the process at the worst moment.
 */
#include "certgen.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_MAX_READ (8u * 1024u * 1024u)

bool cg_exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

int cg_mkdirs(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return cg_fail(-1, "%s: path too long", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return cg_fail(-1, "%s: cannot create directory: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return cg_fail(-1, "%s: cannot create directory: %s", buf, strerror(errno));
	return 0;
}

/*
 * Directories whose entries changed: a rename is made durable by fsyncing its
 * directory, once per directory at the end of the command (cg_sync_dirs)
 * rather than after every file.  A crash before that loses the new name, never
 * the atomicity: the reader still sees the old file or the new one.
 */
#define CG_MAX_PENDING_DIRS 8
static char pending[CG_MAX_PENDING_DIRS][4096];
static size_t npending;

static int fsync_path(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

void cg_sync_dirs(void)
{
	for (size_t i = 0; i < npending; i++)
		fsync_path(pending[i]);
	npending = 0;
}

static void fsync_dir(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	const char *dir = dirname(buf);
	for (size_t i = 0; i < npending; i++)
		if (strcmp(pending[i], dir) == 0)
			return;
	if (npending == CG_MAX_PENDING_DIRS)
		cg_sync_dirs();
	snprintf(pending[npending++], sizeof pending[0], "%s", dir);
}

static void test_pause(void)
{
	const char *s = getenv("CERTGEN_TEST_PAUSE_BEFORE_RENAME");
	long n = 0;
	if (s && cg_parse_long(s, 1, 3600, &n))
		sleep((unsigned)n);
}

int cg_write_file(const char *path, const void *data, size_t len, int mode, bool force)
{
	if (!force && cg_exists(path))
		return cg_fail(CG_REFUSED, "%s already exists; use --force to replace it", path);
	char tmp[4200];
	/* A dot-name that no reader looks for; the pid keeps concurrent writers apart. */
	char dirbuf[4096], basebuf[4096];
	snprintf(dirbuf, sizeof dirbuf, "%s", path);
	snprintf(basebuf, sizeof basebuf, "%s", path);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dirname(dirbuf), basename(basebuf), (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return cg_fail(CG_USAGE, "%s: cannot create: %s", tmp, strerror(errno));
	const unsigned char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return cg_fail(CG_USAGE, "%s: write failed: %s", path, strerror(e));
		}
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return cg_fail(CG_USAGE, "%s: cannot sync: %s", path, strerror(e));
	}
	close(fd);
	test_pause();
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return cg_fail(CG_USAGE, "%s: cannot rename into place: %s", path, strerror(e));
	}
	fsync_dir(path);
	return CG_OK;
}

unsigned char *cg_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cg_fail(CG_USAGE, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	unsigned char *buf = malloc(CG_MAX_READ + 1);
	size_t n = buf ? fread(buf, 1, CG_MAX_READ + 1, f) : 0;
	int err = ferror(f);
	fclose(f);
	if (!buf || err || n > CG_MAX_READ) {
		free(buf);
		cg_fail(CG_USAGE, "%s: cannot read (error or larger than 8 MiB)", path);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
