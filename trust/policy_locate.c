/*
 * Where a value sits in a policy file, for error messages.  jansson keeps no
 * positions for values it parsed successfully, yet "unknown key at line 12,
 * column 5" is what a person needs.  So once jansson has accepted the text,
 * this walks the same text along the key path the validator was at: it only
 * steps over strings and brackets of text already known to be valid JSON,
 * and never builds values.
 */
#include "policy_locate.h"

#include <string.h>

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* Index just past the string that starts at t[i] == '"'. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

/* Index just past the value that starts at t[i]. */
static size_t skip_value(const char *t, size_t len, size_t i)
{
	if (i >= len)
		return len;
	if (t[i] == '"')
		return skip_string(t, len, i);
	if (t[i] == '{' || t[i] == '[') {
		int depth = 0;
		while (i < len) {
			if (t[i] == '"') {
				i = skip_string(t, len, i);
				continue;
			}
			if (t[i] == '{' || t[i] == '[')
				depth++;
			else if (t[i] == '}' || t[i] == ']') {
				if (--depth == 0)
					return i + 1;
			}
			i++;
		}
		return len;
	}
	while (i < len && !strchr(",}] \t\r\n", t[i]))
		i++;
	return i;
}

/* Offset of the value (or, with want_key, the key) of member `key` in the object at t[i]. */
static size_t find_member(const char *t, size_t len, size_t i, const char *key, bool want_key)
{
	size_t klen = strlen(key);
	i = skip_ws(t, len, i + 1);
	while (i < len && t[i] == '"') {
		size_t kstart = i, kend = skip_string(t, len, i);
		bool match = kend - kstart == klen + 2 && memcmp(t + kstart + 1, key, klen) == 0;
		i = skip_ws(t, len, kend);
		if (i < len && t[i] == ':')
			i = skip_ws(t, len, i + 1);
		if (match)
			return want_key ? kstart : i;
		i = skip_ws(t, len, skip_value(t, len, i));
		if (i < len && t[i] == ',')
			i = skip_ws(t, len, i + 1);
		else
			break;
	}
	return (size_t)-1;
}

static size_t find_element(const char *t, size_t len, size_t i, size_t index)
{
	i = skip_ws(t, len, i + 1);
	for (size_t k = 0; i < len && t[i] != ']'; k++) {
		if (k == index)
			return i;
		i = skip_ws(t, len, skip_value(t, len, i));
		if (i < len && t[i] == ',')
			i = skip_ws(t, len, i + 1);
	}
	return (size_t)-1;
}

void tpol_locate(const char *text, size_t len, const tpol_step *path, size_t depth, bool at_key,
		 int *line, int *col)
{
	size_t at = skip_ws(text, len, 0), last = at;
	for (size_t d = 0; d < depth && at < len; d++) {
		size_t next = (size_t)-1;
		bool last_step = d + 1 == depth;
		if (path[d].key && text[at] == '{')
			next = find_member(text, len, at, path[d].key, last_step && at_key);
		else if (!path[d].key && text[at] == '[')
			next = find_element(text, len, at, path[d].index);
		if (next == (size_t)-1)
			break;
		last = at = next;
	}
	int l = 1, c = 1;
	for (size_t i = 0; i < last && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}
