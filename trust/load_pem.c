/*
 * Anchor and pool bundles without PEM_read_bio: find each CERTIFICATE block
 * by its BEGIN and END lines, base64-decode its body line by line into the
 * store's DER chunks (stash.c), and only locate the subject.  A 145-root
 * system bundle then costs one pass of base64 decoding instead of
 * PEM_read_bio's buffered line reader and EVP_DecodeUpdate (five times the
 * instructions).  The decoder is a table lookup per character for the one
 * shape PEM writers produce (64-character lines, padding on the last):
 * EVP_DecodeBlock spends twice as much per character, which was a third of
 * a cold start with the system bundle.
 *
 * Anything this fast path does not handle exactly as PEM_read_bio would
 * (headers, "TRUSTED CERTIFICATE" blocks, other block types, a missing END
 * line, odd line lengths, characters outside base64) makes it give up, and
 * the caller reads the whole input again with PEM_read_bio, which also
 * produces the usual error messages.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define BEGIN_CERT "-----BEGIN CERTIFICATE-----"
#define END_CERT "-----END CERTIFICATE-----"

/* Next line [*line, *line_end) from p, without its CR LF; NULL at the end. */
static const unsigned char *next_line(const unsigned char *p, const unsigned char *end,
				      const unsigned char **line_end)
{
	if (p >= end)
		return NULL;
	const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
	const unsigned char *e = nl ? nl : end;
	*line_end = e;
	return p;
}

static size_t trimmed(const unsigned char *line, const unsigned char *e)
{
	while (e > line && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return (size_t)(e - line);
}

/* The base64 alphabet (RFC 4648 §4); X marks every other byte. */
#define X 0xff
static const unsigned char B64[256] = {
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X

/*
 * One body line of `len` characters (a multiple of 4) into out; '=' only as
 * the last one or two characters.  Returns the bytes written, or -1 for
 * anything else.  PEM_read_bio decodes every line this accepts to the same
 * bytes; what it declines goes to PEM_read_bio, which says what is wrong.
 */
static long decode_line(unsigned char *out, const unsigned char *s, size_t len)
{
	size_t pad = s[len - 1] != '=' ? 0 : s[len - 2] != '=' ? 1 : 2;
	size_t full = len - (pad ? 4 : 0);
	unsigned char *o = out;
	for (size_t i = 0; i < full; i += 4, o += 3) {
		unsigned a = B64[s[i]], b = B64[s[i + 1]], c = B64[s[i + 2]], d = B64[s[i + 3]];
		if ((a | b | c | d) & 0x80)
			return -1;
		o[0] = (unsigned char)(a << 2 | b >> 4);
		o[1] = (unsigned char)(b << 4 | c >> 2);
		o[2] = (unsigned char)(c << 6 | d);
	}
	if (pad) {
		const unsigned char *q = s + full;
		unsigned a = B64[q[0]], b = B64[q[1]], c = pad == 1 ? B64[q[2]] : 0;
		if ((a | b | c) & 0x80)
			return -1;
		*o++ = (unsigned char)(a << 2 | b >> 4);
		if (pad == 1)
			*o++ = (unsigned char)(b << 4 | c >> 2);
	}
	return o - out;
}

/* Scratch for one block's DER, grown as lines arrive. */
typedef struct scratch {
	unsigned char *v;
	size_t cap;
} scratch;

/*
 * Decodes one block body into sc; *p ends after the END line.  false with
 * *nomem clear means "not for the fast path"; *nomem set: out of memory.
 */
static bool decode_block(const unsigned char **p, const unsigned char *end, scratch *sc,
			 size_t *out_len, bool *nomem)
{
	size_t n = 0;
	bool last = false; /* a short or padded line must be the last one */
	const unsigned char *line, *le;
	while ((line = next_line(*p, end, &le)) != NULL) {
		*p = le < end ? le + 1 : end;
		size_t len = trimmed(line, le);
		if (len == sizeof(END_CERT) - 1 && memcmp(line, END_CERT, len) == 0) {
			*out_len = n;
			return n > 0;
		}
		if (last || len == 0 || len % 4 != 0 || len > 64)
			return false;
		if (sc->cap - n < 48) {
			size_t cap = sc->cap ? sc->cap * 2 : 4096;
			unsigned char *v = realloc(sc->v, cap);
			if (!v) {
				*nomem = true;
				return false;
			}
			sc->v = v;
			sc->cap = cap;
		}
		long got = decode_line(sc->v + n, line, len);
		if (got < 0)
			return false;
		if (len != 64 || line[len - 1] == '=')
			last = true;
		n += (size_t)got;
	}
	return false;
}

int tload_pem_sliced(tcert_list *out, const unsigned char *data, size_t len, const char *name,
		     trust_error *err)
{
	tstash *st = out->stash;
	if (!st)
		return TLOAD_FALLBACK;
	const unsigned char *p = data, *end = data + len;
	size_t found = 0, start = st->n;
	scratch sc = { 0 };
	int rc = TRUST_OK;
	const unsigned char *line, *le;
	while (rc == TRUST_OK && (line = next_line(p, end, &le)) != NULL) {
		p = le < end ? le + 1 : end;
		size_t l = trimmed(line, le);
		if (l < 5 || memcmp(line, "-----", 5) != 0)
			continue; /* text between blocks, as PEM_read_bio skips it */
		size_t dlen = 0;
		bool nomem = false;
		if (l != sizeof(BEGIN_CERT) - 1 || memcmp(line, BEGIN_CERT, l) != 0 ||
		    found >= TRUST_MAX_CERTS_PER_INPUT || !decode_block(&p, end, &sc, &dlen, &nomem)) {
			rc = nomem ? terr_set(err, TRUST_ENOMEM, "%s: out of memory", name)
				   : TLOAD_FALLBACK;
			break;
		}
		unsigned char *der = tstash_reserve(st, dlen);
		if (!der) {
			rc = terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
			break;
		}
		memcpy(der, sc.v, dlen);
		rc = tstash_commit(st, dlen, name, found, err);
		found++;
	}
	free(sc.v);
	if (rc == TRUST_OK && found == 0)
		rc = TLOAD_FALLBACK;
	if (rc == TLOAD_FALLBACK)
		tstash_truncate(st, start); /* start over with PEM_read_bio */
	return rc;
}
