/*
 * Shared signature-result cache (engine-notes recommendation 9).  An mTLS
 * server sees the same intermediates all day: a hit costs a hash and a
 * mutex, not a public-key operation.  Sixteen shards, each a 4-way
 * set-associative table with LRU inside the set, so contention and memory
 * stay bounded.  Both valid and invalid results are cached.
 */
#include "internal.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS 16u
#define WAYS 4u

struct slot {
	unsigned char key[TSIG_KEY_LEN];
	uint8_t status; /* tsig_status; 0 = empty */
	uint32_t stamp;
};

struct shard {
	pthread_mutex_t mu;
	struct slot *slots; /* nsets * WAYS */
	uint32_t clock;
};

struct trust_sigcache {
	struct shard shard[SHARDS];
	size_t nsets; /* per shard, power of two */
};

trust_sigcache *trust_sigcache_new(size_t capacity)
{
	if (capacity == 0)
		capacity = 65536;
	size_t per = capacity / (SHARDS * WAYS);
	size_t nsets = 1;
	while (nsets < per)
		nsets <<= 1;
	trust_sigcache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->nsets = nsets;
	for (unsigned i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&c->shard[i].mu, NULL);
		c->shard[i].slots = calloc(nsets * WAYS, sizeof(struct slot));
		if (!c->shard[i].slots) {
			trust_sigcache_free(c);
			return NULL;
		}
	}
	return c;
}

void trust_sigcache_free(trust_sigcache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < SHARDS; i++) {
		free(c->shard[i].slots);
		pthread_mutex_destroy(&c->shard[i].mu);
	}
	free(c);
}

/* The key is already a SHA-256 output, so its bytes are uniformly spread. */
static struct slot *set_for(trust_sigcache *c, const unsigned char key[TSIG_KEY_LEN], struct shard **sh)
{
	*sh = &c->shard[key[32] % SHARDS]; /* child half: one issuer spreads over shards */
	uint64_t h;
	memcpy(&h, key + 40, sizeof(h)); /* from the child hash: spreads one issuer's children */
	return &(*sh)->slots[(h & (c->nsets - 1)) * WAYS];
}

tsig_status tsigcache_get(trust_sigcache *c, const unsigned char key[TSIG_KEY_LEN])
{
	if (!c)
		return TSIG_UNKNOWN;
	struct shard *sh;
	struct slot *set = set_for(c, key, &sh);
	tsig_status st = TSIG_UNKNOWN;
	pthread_mutex_lock(&sh->mu);
	for (unsigned w = 0; w < WAYS; w++) {
		if (set[w].status && memcmp(set[w].key, key, TSIG_KEY_LEN) == 0) {
			set[w].stamp = ++sh->clock;
			st = (tsig_status)set[w].status;
			break;
		}
	}
	pthread_mutex_unlock(&sh->mu);
	return st;
}

void tsigcache_put(trust_sigcache *c, const unsigned char key[TSIG_KEY_LEN], tsig_status s)
{
	if (!c || s == TSIG_UNKNOWN)
		return;
	struct shard *sh;
	struct slot *set = set_for(c, key, &sh);
	pthread_mutex_lock(&sh->mu);
	struct slot *victim = &set[0];
	for (unsigned w = 0; w < WAYS; w++) {
		if (set[w].status && memcmp(set[w].key, key, TSIG_KEY_LEN) == 0) {
			victim = &set[w];
			break;
		}
		if (!set[w].status) {
			victim = &set[w];
			break;
		}
		if ((int32_t)(set[w].stamp - victim->stamp) < 0)
			victim = &set[w];
	}
	memcpy(victim->key, key, TSIG_KEY_LEN);
	victim->status = (uint8_t)s;
	victim->stamp = ++sh->clock;
	pthread_mutex_unlock(&sh->mu);
}
