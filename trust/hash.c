/*
 * SHA-256 with the digest fetched once.  OpenSSL 3's one-shot SHA256() looks
 * the algorithm up in the provider store on every call (a lock and a hash
 * lookup); on a warm evaluation that lookup cost more than the hashing.
 * Also the store's name-index key, which needs spreading, not security.
 */
#include "internal.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

bool tsha256(const void *data, size_t len, unsigned char out[32])
{
	pthread_once(&sha256_once, fetch_sha256);
	unsigned int n = 0;
	if (sha256_md && EVP_Digest(data, len, out, &n, sha256_md, NULL))
		return true;
	ERR_clear_error();
	return SHA256(data, len, out) != NULL;
}

uint64_t tname_key(const unsigned char *der, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ der[i]) * 0x100000001b3u;
	return h;
}

/* SHA-2 digests for signature checks, each fetched once. */
static EVP_MD *sha2_md[3];
static pthread_once_t sha2_once = PTHREAD_ONCE_INIT;

static void fetch_sha2(void)
{
	sha2_md[0] = EVP_MD_fetch(NULL, "SHA256", NULL);
	sha2_md[1] = EVP_MD_fetch(NULL, "SHA384", NULL);
	sha2_md[2] = EVP_MD_fetch(NULL, "SHA512", NULL);
	ERR_clear_error();
}

const EVP_MD *tdigest_md(int nid)
{
	pthread_once(&sha2_once, fetch_sha2);
	switch (nid) {
	case NID_sha256: return sha2_md[0];
	case NID_sha384: return sha2_md[1];
	case NID_sha512: return sha2_md[2];
	default: return NULL;
	}
}
