/*
 * Text from outside (file names, command-line values, certificate fields) on
 * its way to a terminal or a report: control characters would let it move
 * the cursor, retitle the window or fake a line, so they are written as
 * \xNN.  C0 controls, DEL and the C1 controls (U+0080..U+009F, which some
 * terminals obey) are escaped, and so is every byte that is not part of a
 * valid UTF-8 sequence, which keeps the result valid UTF-8 for JSON and CBOR
 * text strings.  Other UTF-8 stays as it is, so names remain readable,
 * unless the caller asks for ASCII only (the text report counts columns;
 * SAN values are IA5String, so a byte above 0x7f there is itself suspect).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t need = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (need == 0 || need > n)
		return 0;
	unsigned long v = s[0] & (0x7fu >> need);
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3fu);
	}
	static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < min[need] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need;
}

char *tescape_bytes(char *out, size_t cap, const void *in, size_t n, unsigned flags)
{
	if (!out || cap == 0)
		return out;
	const unsigned char *s = in ? in : (const unsigned char *)"";
	if (!in)
		n = 0;
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		unsigned long cp = s[i];
		size_t k = s[i] < 0x80 ? 1 : (flags & TESC_ASCII) ? 0 : utf8_seq(s + i, n - i, &cp);
		bool escape = k == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
			      (cp == '\\' && (flags & TESC_BACKSLASH)) ||
			      (cp == ' ' && (flags & TESC_SPACE));
		size_t take = escape ? 1 : k;
		size_t need = escape ? 4 : take;
		if (w + need + 4 > cap) { /* room for "..." and the NUL */
			if (cap >= 4) {
				memcpy(out + (w + 4 <= cap ? w : cap - 4), "...", 4);
			} else {
				out[0] = '\0';
			}
			return out;
		}
		if (escape)
			w += (size_t)snprintf(out + w, cap - w, "\\x%02x", s[i]);
		else {
			memcpy(out + w, s + i, take);
			w += take;
		}
		i += take;
	}
	out[w] = '\0';
	return out;
}

char *trust_escape(char *out, size_t cap, const char *in)
{
	return tescape_bytes(out, cap, in, in ? strlen(in) : 0, 0);
}

const char *toid_text(char *buf, size_t len, const ASN1_OBJECT *o)
{
	if (!o || OBJ_obj2txt(buf, (int)len, o, 1) <= 0)
		snprintf(buf, len, "?");
	return buf;
}
