/*
 * Files under the state directory.  Every path below it is opened one
 * component at a time with O_NOFOLLOW relative to the directory above, so a
 * symbolic link planted anywhere under the state directory is refused, never
 * followed (its own path, chosen by the user, may be a link).
 *
 * Crash-safe files: write a temporary file beside the target, fsync it, rename
 * it over the target, fsync the directory.  A reader sees the old file or the
 * new one, never a partial one; a key is created 0600 from the first byte.
 *
 * Test hooks: CERTGEN_TEST_PAUSE_BEFORE_RENAME=N sleeps N seconds between the
 * fsync and the rename; CERTGEN_TEST_ENOSPC_AFTER=N fails every write once the
 * process has written N bytes, as a full disk would; CERTGEN_TEST_PAUSE=STEP
 * pauses at a named step of a transaction (cg_test_pause).
 */
#include "certgen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_MAX_READ (8u * 1024u * 1024u)

static char root_path[4096];

void cg_set_root(const char *dir)
{
	snprintf(root_path, sizeof root_path, "%s", dir ? dir : "");
	for (size_t n = strlen(root_path); n > 1 && root_path[n - 1] == '/'; n--)
		root_path[n - 1] = '\0';
}

/* The part of path below the root, or NULL when path is not under it. */
static const char *below_root(const char *path)
{
	size_t n = strlen(root_path);
	if (n == 0 || strncmp(path, root_path, n) != 0 || (path[n] != '/' && root_path[n - 1] != '/'))
		return NULL;
	while (path[n] == '/')
		n++;
	return path + n;
}

/*
 * Opens the directory rel[0..len) below the root, one component at a time,
 * never following a link (creating missing ones when create).  -1 with errno
 * set; *link_at receives the length of rel up to a link that stopped it.
 */
static int walk(const char *rel, size_t len, bool create, size_t *link_at)
{
	*link_at = 0;
	int fd = open(root_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t i = 0;
	while (fd >= 0 && i < len) {
		size_t j = i;
		while (j < len && rel[j] != '/')
			j++;
		size_t cl = j - i;
		char comp[256];
		if (cl == 0 || (cl == 1 && rel[i] == '.')) {
			i = j + 1;
			continue;
		}
		if (cl >= sizeof comp || (cl == 2 && rel[i] == '.' && rel[i + 1] == '.')) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, rel + i, cl);
		comp[cl] = '\0';
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create &&
		    (mkdirat(fd, comp, 0777) == 0 || errno == EEXIST))
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;
			struct stat sb;
			if (fstatat(fd, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode)) {
				*link_at = j;
				e = ELOOP;
			}
			close(fd);
			errno = e;
			return -1;
		}
		close(fd);
		fd = next;
		i = j + 1;
	}
	return fd;
}

static int walk_fail(const char *path, const char *rel, size_t link_at, const char *what)
{
	if (link_at)
		return cg_fail(-1, "%s/%.*s is a symbolic link; certgen follows none under its state "
				   "directory (%s)", root_path, (int)link_at, rel, path);
	return cg_fail(-1, "%s: cannot %s: %s", path, what, strerror(errno));
}

static int open_parent(const char *path, char *leaf, size_t n, bool quiet)
{
	const char *rel = below_root(path);
	const char *slash = strrchr(rel ? rel : path, '/');
	const char *base = slash ? slash + 1 : (rel ? rel : path);
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    snprintf(leaf, n, "%s", base) >= (int)n) {
		errno = EINVAL;
		return quiet ? -1 : cg_fail(-1, "%s: not a file name", path);
	}
	if (rel) {
		size_t link_at = 0;
		int fd = walk(rel, slash ? (size_t)(slash - rel) : 0, false, &link_at);
		if (fd < 0 && !quiet)
			walk_fail(path, rel, link_at, "open its directory");
		return fd;
	}
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path);
	int fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && !quiet)
		cg_fail(-1, "%s: cannot open its directory: %s", path, strerror(errno));
	return fd;
}

int cg_open_parent(const char *path, char *leaf, size_t n)
{
	return open_parent(path, leaf, n, false);
}

bool cg_exists(const char *path)
{
	char leaf[256];
	int dfd = open_parent(path, leaf, sizeof leaf, true);
	if (dfd < 0)
		return errno == ELOOP;
	struct stat sb;
	bool ok = fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0;
	close(dfd);
	return ok;
}

bool cg_is_link(const char *path)
{
	char leaf[256];
	int dfd = open_parent(path, leaf, sizeof leaf, true);
	if (dfd < 0)
		return errno == ELOOP;
	struct stat sb;
	bool link = fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode);
	close(dfd);
	return link;
}

int cg_mkdirs(const char *path)
{
	const char *rel = below_root(path);
	if (rel) {
		size_t link_at = 0;
		int fd = walk(rel, strlen(rel), true, &link_at);
		if (fd < 0)
			return walk_fail(path, rel, link_at, "create directory");
		close(fd);
		return 0;
	}
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return cg_fail(-1, "%s: path too long", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return cg_fail(-1, "%s: cannot create directory: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return cg_fail(-1, "%s: cannot create directory: %s", buf, strerror(errno));
	return 0;
}

int cg_remove_tree(int dirfd, const char *name)
{
	struct stat sb;
	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    cg_remove_tree(fd, e->d_name) != 0)
			rc = -1;
	closedir(d);
	if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

/*
 * Directories whose entries changed: a rename is made durable by fsyncing its
 * directory, once per directory when the command asks (cg_sync_dirs: before
 * its commit point and before exiting) rather than after every file.  A crash
 * before that loses the new name, never the atomicity.
 */
#define CG_MAX_PENDING_DIRS 8
static int pending[CG_MAX_PENDING_DIRS];
static size_t npending;

void cg_sync_dirs(void)
{
	for (size_t i = 0; i < npending; i++) {
		fsync(pending[i]);
		close(pending[i]);
	}
	npending = 0;
}

static void fsync_later(int dfd)
{
	struct stat a, b;
	if (fstat(dfd, &a) != 0)
		return;
	for (size_t i = 0; i < npending; i++)
		if (fstat(pending[i], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return;
	if (npending == CG_MAX_PENDING_DIRS)
		cg_sync_dirs();
	int fd = dup(dfd);
	if (fd >= 0)
		pending[npending++] = fd;
}

static long env_long(const char *name, long lo, long hi, long dflt)
{
	long n = dflt;
	const char *s = getenv(name);
	if (s && !cg_parse_long(s, lo, hi, &n))
		n = dflt;
	return n;
}

void cg_test_pause(const char *step)
{
	const char *s = getenv("CERTGEN_TEST_PAUSE");
	if (!s || strcmp(s, step) != 0)
		return;
	fprintf(stderr, "certgen: test pause at %s\n", step);
	fflush(stderr);
	sleep((unsigned)env_long("CERTGEN_TEST_PAUSE_SECONDS", 0, 3600, 30));
}

/* write(2), or ENOSPC once CERTGEN_TEST_ENOSPC_AFTER bytes have been written. */
static ssize_t write_some(int fd, const void *p, size_t n)
{
	static long long written;
	long limit = env_long("CERTGEN_TEST_ENOSPC_AFTER", 0, 1L << 30, -1);
	if (limit >= 0 && written + (long long)n > limit) {
		n = written < limit ? (size_t)(limit - written) : 0;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
	}
	ssize_t w = write(fd, p, n);
	if (w > 0)
		written += w;
	return w;
}

int cg_write_file(const char *path, const void *data, size_t len, int mode, bool force)
{
	char leaf[256];
	int dfd = cg_open_parent(path, leaf, sizeof leaf);
	if (dfd < 0)
		return CG_USAGE;
	struct stat sb;
	int rc = CG_OK;
	if (fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(sb.st_mode) && below_root(path))
			rc = cg_fail(CG_USAGE, "%s is a symbolic link; certgen follows none under its state "
					       "directory", path);
		else if (!force)
			rc = cg_fail(CG_REFUSED, "%s already exists; use --force to replace it", path);
	}
	if (rc != CG_OK) {
		close(dfd);
		return rc;
	}
	/* A dot-name that no reader looks for; the pid keeps concurrent writers apart. */
	char tmp[300];
	snprintf(tmp, sizeof tmp, ".%s.tmp.%ld", leaf, (long)getpid());
	/* Keys are private from the first byte; public files get what the umask allows. */
	bool private = (mode & 077) == 0;
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			private ? mode : 0666);
	if (fd < 0) {
		rc = cg_fail(CG_USAGE, "%s: cannot create a temporary file beside it: %s", path,
			     strerror(errno));
		close(dfd);
		return rc;
	}
	const unsigned char *p = data;
	size_t left = len;
	while (left > 0 && rc == CG_OK) {
		ssize_t w = write_some(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = cg_fail(CG_USAGE, "%s: write failed: %s", path, strerror(errno));
			break;
		}
		p += w;
		left -= (size_t)w;
	}
	if (rc == CG_OK && ((private && fchmod(fd, (mode_t)mode) != 0) || fsync(fd) != 0))
		rc = cg_fail(CG_USAGE, "%s: cannot sync: %s", path, strerror(errno));
	close(fd);
	if (rc == CG_OK) {
		long pause = env_long("CERTGEN_TEST_PAUSE_BEFORE_RENAME", 1, 3600, 0);
		if (pause > 0)
			sleep((unsigned)pause);
		if (renameat(dfd, tmp, dfd, leaf) != 0)
			rc = cg_fail(CG_USAGE, "%s: cannot rename into place: %s", path, strerror(errno));
	}
	if (rc != CG_OK)
		unlinkat(dfd, tmp, 0);
	else
		fsync_later(dfd);
	close(dfd);
	return rc;
}

unsigned char *cg_slurp(const char *path, size_t *len, bool quiet)
{
	char leaf[256];
	int dfd = open_parent(path, leaf, sizeof leaf, quiet);
	if (dfd < 0)
		return NULL;
	int fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int e = errno;
	struct stat sb;
	if (fd < 0 && fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode)) {
		close(dfd);
		if (!quiet)
			cg_fail(CG_USAGE, "%s is a symbolic link; certgen follows none under its state "
					  "directory", path);
		errno = ELOOP;
		return NULL;
	}
	close(dfd);
	if (fd < 0) {
		if (!quiet)
			cg_fail(CG_USAGE, "%s: cannot open: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	unsigned char *buf = NULL;
	size_t n = 0;
	bool ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (buf = malloc(CG_MAX_READ + 1)) != NULL;
	while (ok && n <= CG_MAX_READ) {
		ssize_t r = read(fd, buf + n, CG_MAX_READ + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ok = r == 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (!ok || n > CG_MAX_READ) {
		free(buf);
		if (!quiet)
			cg_fail(CG_USAGE, "%s: cannot read (not a regular file, error, or larger than 8 MiB)",
				path);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

unsigned char *cg_read_file(const char *path, size_t *len)
{
	return cg_slurp(path, len, false);
}
