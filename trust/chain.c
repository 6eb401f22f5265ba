/* The chain a peer presented: leaf first, then whatever else it sent. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

trust_chain *trust_chain_new(void)
{
	if (!terr_ossl_ready())
		return NULL;
	trust_chain *c = calloc(1, sizeof(trust_chain));
	if (c)
		c->certs.notes = &c->notes;
	return c;
}

size_t trust_chain_note_count(const trust_chain *chain)
{
	return chain ? chain->notes.n : 0;
}

const char *trust_chain_note(const trust_chain *chain, size_t i)
{
	return chain && i < chain->notes.n ? chain->notes.v[i] : NULL;
}

void trust_chain_free(trust_chain *chain)
{
	if (!chain)
		return;
	tcert_list_clear(&chain->certs);
	tnotes_clear(&chain->notes);
	if (chain->password)
		OPENSSL_clear_free(chain->password, strlen(chain->password));
	free(chain);
}

int trust_chain_set_password(trust_chain *chain, const char *password, trust_error *err)
{
	if (!chain)
		return terr_set(err, TRUST_EUSAGE, "chain: bad arguments");
	char *copy = NULL;
	if (password && !(copy = strdup(password)))
		return terr_set(err, TRUST_ENOMEM, "out of memory");
	if (chain->password)
		OPENSSL_clear_free(chain->password, strlen(chain->password));
	chain->password = copy;
	chain->certs.password = copy;
	return TRUST_OK;
}

int trust_chain_add_file(trust_chain *chain, const char *path, trust_error *err)
{
	if (!chain || !path)
		return terr_set(err, TRUST_EUSAGE, "chain: bad arguments");
	return tload_certs_path(&chain->certs, path, err);
}

int trust_chain_add_mem(trust_chain *chain, const void *data, size_t len, const char *name,
			trust_error *err)
{
	if (!chain)
		return terr_set(err, TRUST_EUSAGE, "chain: bad arguments");
	return tload_certs_mem(&chain->certs, data, len, name, err);
}

int trust_chain_add_x509(trust_chain *chain, X509 *x509, trust_error *err)
{
	if (!chain || !x509)
		return terr_set(err, TRUST_EUSAGE, "chain: bad arguments");
	trust_cert *c = tcert_from_x509(x509, "peer", err);
	if (!c)
		return err ? err->code : TRUST_EPARSE;
	int rc = tcert_list_push(&chain->certs, c);
	return rc == TRUST_OK ? rc : terr_set(err, rc, "out of memory");
}

size_t trust_chain_count(const trust_chain *chain)
{
	return chain ? chain->certs.n : 0;
}

const trust_cert *trust_chain_cert(const trust_chain *chain, size_t i)
{
	return chain && i < chain->certs.n ? chain->certs.v[i] : NULL;
}
