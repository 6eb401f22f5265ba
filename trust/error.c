/* Error codes and the one-line messages that travel with them. */
#include "internal.h"

#include <openssl/evp.h>
#include <stdatomic.h>

#include <stdio.h>

int terr_set(trust_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		char raw[sizeof(err->message)];
		vsnprintf(raw, sizeof(raw), fmt, ap);
		va_end(ap);
		/* Messages are one line by contract; OpenSSL strings sometimes are not. */
		for (char *s = raw; *s; s++)
			if (*s == '\n' || *s == '\r')
				*s = ' ';
		/* File names and arguments in messages are untrusted text. */
		trust_escape(err->message, sizeof(err->message), raw);
	}
	return code;
}

bool terr_ossl_internal(void)
{
	bool internal = false;
	for (unsigned long e; (e = ERR_get_error()) != 0;)
		internal |= ERR_FATAL_ERROR(e) != 0 || ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE;
	return internal;
}

void terr_ossl_clear(void)
{
	if (ERR_peek_error() != 0)
		ERR_clear_error();
}

static atomic_bool ossl_started;

bool terr_ossl_ready(void)
{
	if (atomic_load_explicit(&ossl_started, memory_order_acquire))
		return true;
	if (!OPENSSL_init_crypto(0, NULL) || !OSSL_LIB_CTX_get0_global_default())
		return false;
	/* A default context whose name map could not be made crashes on first
	 * use in OpenSSL 3.0; a fetch through it is the cheapest probe. */
	EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
	EVP_MD_free(md);
	ERR_clear_error();
	if (md)
		atomic_store_explicit(&ossl_started, true, memory_order_release);
	return md != NULL;
}

const char *trust_err_name(trust_err_code code)
{
	switch (code) {
	case TRUST_OK: return "ok";
	case TRUST_EUSAGE: return "usage error";
	case TRUST_EIO: return "I/O error";
	case TRUST_EPARSE: return "parse error";
	case TRUST_ENOMEM: return "out of memory";
	case TRUST_ELIMIT: return "limit exceeded";
	case TRUST_EINTERNAL: return "internal error";
	default: return "unknown error";
	}
}
