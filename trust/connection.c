/*
 * Connection facts (trust_connection): the result's own copy, so a report
 * made after the caller's handshake buffers are gone still shows them, and
 * the protocol names the report and the ATS rules share.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

const char *trust_tls_version_name(int v)
{
	switch (v) {
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv1.0";
	case 0x0302: return "TLSv1.1";
	case 0x0303: return "TLSv1.2";
	case 0x0304: return "TLSv1.3";
	default: return NULL;
	}
}

int tconn_version_of(const char *name)
{
	static const char *const names[] = { "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3" };
	for (int i = 0; name && i < 4; i++)
		if (strcmp(names[i], name) == 0)
			return 0x0301 + i;
	return 0;
}

static bool dup_str(const char **dst, const char *src)
{
	*dst = NULL;
	return !src || (*dst = strdup(src)) != NULL;
}

static bool dup_bytes(const unsigned char **dst, const unsigned char *src, size_t n)
{
	*dst = NULL;
	if (!src || n == 0)
		return true;
	unsigned char *c = malloc(n);
	if (c)
		memcpy(c, src, n);
	*dst = c;
	return c != NULL;
}

void tconn_free(trust_connection *c)
{
	if (!c)
		return;
	free((char *)c->cipher);
	free((char *)c->group);
	free((char *)c->alpn);
	free((unsigned char *)c->ocsp);
	free((unsigned char *)c->scts);
	free(c);
}

int tconn_copy(trust_connection **out, const trust_connection *in)
{
	*out = NULL;
	if (!in)
		return TRUST_OK;
	if (in->version < 1 || in->version > TRUST_CONNECTION_VERSION)
		return TRUST_EUSAGE;
	trust_connection *c = calloc(1, sizeof(*c));
	if (!c)
		return TRUST_ENOMEM;
	*c = *in;
	c->version = TRUST_CONNECTION_VERSION;
	/* Every copy runs, even after one fails: until it has, the field still
	 * points into the caller's facts, which tconn_free must not free. */
	bool ok = dup_str(&c->cipher, in->cipher);
	ok = dup_str(&c->group, in->group) && ok;
	ok = dup_str(&c->alpn, in->alpn) && ok;
	ok = dup_bytes(&c->ocsp, in->ocsp, in->ocsp_len) && ok;
	ok = dup_bytes(&c->scts, in->scts, in->scts_len) && ok;
	if (!ok) {
		tconn_free(c);
		return TRUST_ENOMEM;
	}
	*out = c;
	return TRUST_OK;
}

const trust_connection *trust_result_connection(const trust_result *r)
{
	return r ? r->conn : NULL;
}
