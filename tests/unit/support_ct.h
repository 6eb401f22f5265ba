/*
 * Certificate Transparency log lists for unit tests: test logs' keys written
 * as a log_list v3 document and loaded with trust_ct_logs_load_mem.
 */
#ifndef TESTS_SUPPORT_CT_H
#define TESTS_SUPPORT_CT_H

#include <trust.h>

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A list naming keys[0..n) as logs "log1".."logN", each run by its own
 * operator, in states[i] ("usable", "retired@3600": a state timestamp in
 * seconds relative to now; states NULL: all usable).  tiled: as static-ct-api
 * logs; interval: a 2020 shard.  Fails the test if the list does not load;
 * the caller frees it with trust_ct_logs_free.
 */
trust_ct_logs *sv_ct_logs(EVP_PKEY *const *keys, size_t n, const char *const *states, bool tiled,
			  bool interval);

#endif
