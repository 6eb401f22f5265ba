/*
 * Reading certificates from files, directories and memory (PEM or DER).
 * Every failure names the input and says what is wrong in one line.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tcert_list_push(tcert_list *l, trust_cert *c)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		trust_cert **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			tcert_unref(c);
			return TRUST_ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = c;
	return TRUST_OK;
}

void tcert_list_clear(tcert_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		tcert_unref(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

size_t tcert_list_count(const tcert_list *l)
{
	return l->stash ? l->stash->n : l->n;
}

int tload_push_der(tcert_list *out, const unsigned char *der, size_t len, const char *name,
		   size_t index, trust_error *err)
{
	if (!name)
		name = "memory";
	if (out->stash) {
		unsigned char *room = len <= TRUST_MAX_FILE_BYTES ? tstash_reserve(out->stash, len)
								 : NULL;
		if (!room)
			return len > TRUST_MAX_FILE_BYTES
				       ? terr_set(err, TRUST_ELIMIT, "%s: certificate %zu: too large",
						  name, index + 1)
				       : terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
		memcpy(room, der, len);
		return tstash_commit(out->stash, len, name, index, err);
	}
	const trust_cert *prev = out->n ? out->v[out->n - 1] : NULL;
	trust_cert *c = tcert_from_der_after(der, len, name, index, prev, err);
	if (!c)
		return err ? err->code : TRUST_EPARSE;
	int rc = tcert_list_push(out, c);
	return rc == TRUST_OK ? rc : terr_set(err, rc, "%s: out of memory", name);
}

int tload_file(unsigned char **out, size_t *len, const char *path, trust_error *err)
{
	*out = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO with no writer must not hang; fstat below
	 * then rejects it, and regular files ignore the flag. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return terr_set(err, TRUST_EIO, "%s: %s", path, strerror(e));
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return terr_set(err, TRUST_EIO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > TRUST_MAX_FILE_BYTES) {
		fclose(f);
		return terr_set(err, TRUST_ELIMIT, "%s: file too large (%lld bytes; limit %u)", path,
				(long long)st.st_size, TRUST_MAX_FILE_BYTES);
	}
	size_t cap = (size_t)st.st_size + 1;
	unsigned char *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", path);
	}
	size_t n = fread(buf, 1, cap, f);
	int rerr = ferror(f);
	fclose(f);
	if (rerr || n > (size_t)st.st_size) {
		free(buf);
		return terr_set(err, TRUST_EIO, "%s: read error or file changed while reading", path);
	}
	*out = buf;
	*len = n;
	return TRUST_OK;
}

int tload_parse_file(void *out, const char *path, tparse_fn parse, trust_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = tload_file(&data, &len, path, err);
	if (rc == TRUST_OK)
		rc = parse(out, (const char *)data, len, path, err);
	free(data);
	return rc;
}

bool tload_is_pem(const unsigned char *data, size_t len)
{
	static const char tag[] = "-----BEGIN ";
	if (len < sizeof(tag) - 1)
		return false;
	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++)
		if (memcmp(data + i, tag, sizeof(tag) - 1) == 0)
			return true;
	return false;
}

static bool pem_is_cert(const char *name)
{
	return strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0 ||
	       strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
}

/* "TRUSTED CERTIFICATE" blocks carry OpenSSL trust settings after the DER;
 * we take the certificate and ignore the settings. */
static int push_block(tcert_list *out, const char *type, const unsigned char *der, long len,
		      const char *name, size_t index, trust_error *err)
{
	if (strcmp(type, PEM_STRING_X509_TRUSTED) != 0)
		return tload_push_der(out, der, (size_t)len, name, index, err);
	const unsigned char *p = der;
	X509 *x = d2i_X509_AUX(NULL, &p, len);
	if (!x) {
		ERR_clear_error();
		return terr_set(err, TRUST_EPARSE,
				"%s: certificate %zu: not a valid trusted certificate", name,
				index + 1);
	}
	int rc = tload_push_x509(out, x, name, index, err);
	X509_free(x);
	return rc;
}

static int load_pem(tcert_list *out, const unsigned char *data, size_t len, const char *name,
		    trust_error *err)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	if (!bio)
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
	size_t block = 0, found = 0;
	int rc = TRUST_OK;
	for (;;) {
		char *type = NULL, *header = NULL;
		unsigned char *der = NULL;
		long dlen = 0;
		if (!PEM_read_bio(bio, &type, &header, &der, &dlen)) {
			unsigned long e = ERR_peek_last_error();
			ERR_clear_error();
			if (ERR_GET_REASON(e) != PEM_R_NO_START_LINE)
				rc = terr_set(err, TRUST_EPARSE,
					      "%s: PEM block %zu: %s", name, block + 1,
					      ERR_GET_REASON(e) == PEM_R_BAD_BASE64_DECODE
						      ? "broken base64 body"
						      : ERR_GET_REASON(e) == PEM_R_BAD_END_LINE ||
								ERR_GET_REASON(e) == PEM_R_SHORT_HEADER
							? "truncated or missing END line"
							: "malformed PEM");
			break;
		}
		block++;
		if (strcmp(type, PEM_STRING_PKCS7) == 0 || strcmp(type, PEM_STRING_PKCS7_SIGNED) == 0) {
			size_t had = tcert_list_count(out);
			rc = tload_pkcs7_der(out, der, (size_t)dlen, name, err);
			found += tcert_list_count(out) - had;
		} else if (pem_is_cert(type)) {
			if (found >= TRUST_MAX_CERTS_PER_INPUT) {
				rc = terr_set(err, TRUST_ELIMIT, "%s: more than %u certificates",
					      name, TRUST_MAX_CERTS_PER_INPUT);
			} else {
				rc = push_block(out, type, der, dlen, name, found, err);
				found++;
			}
		}
		OPENSSL_free(type);
		OPENSSL_free(header);
		OPENSSL_free(der);
		if (rc != TRUST_OK)
			break;
	}
	BIO_free(bio);
	if (rc == TRUST_OK && found == 0)
		rc = terr_set(err, TRUST_EPARSE, "%s: no certificates found", name);
	return rc;
}

/* 1 if the input opens with a SEQUENCE header whose length fits the input. */
static bool starts_as_der(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	long plen = 0;
	int tag = 0, xclass = 0;
	if (len < 2 || data[0] != 0x30)
		return false;
	int r = ASN1_get_object(&p, &plen, &tag, &xclass, (long)len);
	terr_ossl_clear();
	return !(r & 0x80) && tag == V_ASN1_SEQUENCE && (r & V_ASN1_CONSTRUCTED);
}

/* DER input may be several certificates back to back. */
static int load_der(tcert_list *out, const unsigned char *data, size_t len, const char *name,
		    trust_error *err)
{
	size_t off = 0, idx = 0;
	while (off < len) {
		const unsigned char *p = data + off;
		long plen = 0;
		int tag = 0, xclass = 0;
		int r = ASN1_get_object(&p, &plen, &tag, &xclass, (long)(len - off));
		if ((r & 0x80) || tag != V_ASN1_SEQUENCE || !(r & V_ASN1_CONSTRUCTED)) {
			ERR_clear_error();
			if (idx == 0 && data[off] != 0x30)
				return terr_set(err, TRUST_EPARSE,
						"%s: neither PEM nor DER certificate data", name);
			return terr_set(err, TRUST_EPARSE,
					"%s: certificate %zu: truncated or malformed DER", name,
					idx + 1);
		}
		size_t total = (size_t)(p - (data + off)) + (size_t)plen;
		if (idx >= TRUST_MAX_CERTS_PER_INPUT)
			return terr_set(err, TRUST_ELIMIT, "%s: more than %u certificates", name,
					TRUST_MAX_CERTS_PER_INPUT);
		int rc = tload_push_der(out, data + off, total, name, idx, err);
		if (rc != TRUST_OK)
			return rc;
		off += total;
		idx++;
	}
	return TRUST_OK;
}

int tload_certs_mem(tcert_list *out, const unsigned char *data, size_t len, const char *name,
		    trust_error *err)
{
	if (!name)
		name = "memory";
	if (!data || len == 0)
		return terr_set(err, TRUST_EPARSE, "%s: empty input", name);
	if (len > TRUST_MAX_FILE_BYTES || len > INT_MAX)
		return terr_set(err, TRUST_ELIMIT, "%s: input too large (%zu bytes; limit %u)", name,
				len, TRUST_MAX_FILE_BYTES);
	/* DER first: a certificate's own text (a CN of "-----BEGIN X") must not
	 * make binary input look like PEM. */
	if (!starts_as_der(data, len) && tload_is_pem(data, len)) {
		if (out->stash) {
			int rc = tload_pem_sliced(out, data, len, name, err);
			if (rc != TLOAD_FALLBACK)
				return rc;
		}
		return load_pem(out, data, len, name, err);
	}
	int rc = tload_container(out, data, len, name, err);
	return rc != TLOAD_NOT_CONTAINER ? rc : load_der(out, data, len, name, err);
}

static bool cert_file_name(const char *n)
{
	static const char *const exts[] = { ".pem", ".crt", ".cer", ".der" };
	size_t l = strlen(n);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (l > 4 && strcmp(n + l - 4, exts[i]) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Why a file of a directory holds nothing to load, or NULL: users keep keys
 * next to certificates (certgen does), and an empty file is a placeholder.
 * Those are skipped with a note; anything else that fails to parse is an error.
 */
static bool has_text(const unsigned char *data, size_t len, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= len; i++)
		if (data[i] == (unsigned char)s[0] && memcmp(data + i, s, n) == 0)
			return true;
	return false;
}

static const char *skip_reason(const unsigned char *data, size_t len)
{
	static const char key[] = "PRIVATE KEY-----";
	if (len == 0)
		return "an empty file";
	if (!tload_is_pem(data, len) || !has_text(data, len, key))
		return NULL;
	static const char *const certs[] = { "-----BEGIN CERTIFICATE", "-----BEGIN X509 CERT",
					     "-----BEGIN TRUSTED CERT", "-----BEGIN PKCS7",
					     "-----BEGIN PKCS #7" };
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
		if (has_text(data, len, certs[i]))
			return NULL;
	return "a private key, not a certificate";
}

/* Directories: every .pem, .crt, .cer and .der file, in name order so results are stable. */
static int load_dir(tcert_list *out, const char *path, trust_error *err)
{
	DIR *d = opendir(path);
	if (!d)
		return terr_set(err, TRUST_EIO, "%s: %s", path, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = TRUST_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !cert_file_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", path);
				break;
			}
			names = nn;
		}
		/* "dir/" and "dir" name a file the same way: one slash, never two. */
		size_t plen = strlen(path);
		while (plen > 1 && path[plen - 1] == '/')
			plen--;
		size_t sz = plen + strlen(e->d_name) + 2;
		names[n] = malloc(sz);
		if (!names[n]) {
			rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", path);
			break;
		}
		snprintf(names[n], sz, "%.*s%s%s", (int)plen, path,
			 plen && path[plen - 1] == '/' ? "" : "/", e->d_name);
		n++;
	}
	closedir(d);
	if (rc == TRUST_OK)
		qsort(names, n, sizeof(*names), cmp_str);
	size_t before = tcert_list_count(out);
	for (size_t i = 0; i < n && rc == TRUST_OK; i++) {
		unsigned char *data;
		size_t len;
		rc = tload_file(&data, &len, names[i], err);
		if (rc != TRUST_OK)
			break;
		const char *skip = skip_reason(data, len);
		if (skip)
			tnotes_add(out->notes, "%s: skipped, %s", names[i], skip);
		else
			rc = tload_certs_mem(out, data, len, names[i], err);
		free(data);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == TRUST_OK && tcert_list_count(out) == before)
		rc = terr_set(err, TRUST_EPARSE, "%s: directory holds no certificate files", path);
	return rc;
}

int tload_certs_path(tcert_list *out, const char *path, trust_error *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return terr_set(err, TRUST_EIO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return load_dir(out, path, err);
	unsigned char *data;
	size_t len;
	int rc = tload_file(&data, &len, path, err);
	if (rc != TRUST_OK)
		return rc;
	rc = tload_certs_mem(out, data, len, path, err);
	free(data);
	return rc;
}
