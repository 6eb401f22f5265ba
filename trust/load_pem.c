/*
 * Anchor and pool bundles without PEM_read_bio: find each CERTIFICATE block
 * by its BEGIN and END lines, base64-decode its body line by line with
 * EVP_DecodeBlock, and hand the DER to tcert_lazy_from_der, which only
 * locates the subject.  A 145-root system bundle then costs one pass of
 * base64 decoding instead of PEM_read_bio's buffered line reader and
 * EVP_DecodeUpdate (five times the instructions).
 *
 * Anything this fast path does not handle exactly as PEM_read_bio would
 * (headers, "TRUSTED CERTIFICATE" blocks, other block types, a missing END
 * line, odd line lengths, characters outside base64) makes it give up, and
 * the caller reads the whole input again with PEM_read_bio, which also
 * produces the usual error messages.
 */
#include "internal.h"

#include <openssl/evp.h>
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

/*
 * Decodes one block body into out (capacity enough for 3/4 of the text);
 * *p ends after the END line.  False means "not for the fast path".
 */
static bool decode_block(const unsigned char **p, const unsigned char *end, unsigned char *out,
			 size_t *out_len)
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
		if (last || len == 0 || len % 4 != 0 || len > INT_MAX)
			return false;
		int got = EVP_DecodeBlock(out + n, line, (int)len);
		if (got < 0)
			return false;
		/* EVP_DecodeBlock counts the bytes '=' padding stands for. */
		size_t pad = line[len - 1] == '=' ? (line[len - 2] == '=' ? 2 : 1) : 0;
		if (pad || len != 64)
			last = true;
		n += (size_t)got - pad;
	}
	return false;
}

int tload_pem_sliced(tcert_list *out, const unsigned char *data, size_t len, const char *name,
		     trust_error *err)
{
	const unsigned char *p = data, *end = data + len;
	unsigned char *der = malloc(len / 4 * 3 + 3);
	if (!der)
		return terr_set(err, TRUST_ENOMEM, "%s: out of memory", name);
	size_t found = 0, start = out->n;
	int rc = TRUST_OK;
	const unsigned char *line, *le;
	while (rc == TRUST_OK && (line = next_line(p, end, &le)) != NULL) {
		p = le < end ? le + 1 : end;
		size_t l = trimmed(line, le);
		if (l < 5 || memcmp(line, "-----", 5) != 0)
			continue; /* text between blocks, as PEM_read_bio skips it */
		size_t dlen = 0;
		if (l != sizeof(BEGIN_CERT) - 1 || memcmp(line, BEGIN_CERT, l) != 0 ||
		    found >= TRUST_MAX_CERTS_PER_INPUT || !decode_block(&p, end, der, &dlen)) {
			rc = TLOAD_FALLBACK;
			break;
		}
		trust_cert *c = tcert_lazy_from_der(der, dlen, name, found, err);
		if (!c)
			rc = err ? err->code : TRUST_EPARSE;
		else if ((rc = tcert_list_push(out, c)) != TRUST_OK)
			terr_set(err, rc, "%s: out of memory", name);
		found++;
	}
	free(der);
	if (rc == TRUST_OK && found == 0)
		rc = TLOAD_FALLBACK;
	if (rc == TLOAD_FALLBACK) {
		/* Start over with PEM_read_bio: drop what this pass added. */
		while (out->n > start)
			tcert_unref(out->v[--out->n]);
	}
	return rc;
}
