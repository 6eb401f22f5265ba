/* Test helpers: locate generated fixtures and build stores/chains from them. */
#ifndef TESTS_FIXTURES_H
#define TESTS_FIXTURES_H

#include <trust.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a generated fixture ($TRUST_FIXTURES/rel); static buffer, one at a time per call site. */
static inline const char *fx(char *buf, size_t n, const char *rel)
{
	const char *dir = getenv("TRUST_FIXTURES");
	snprintf(buf, n, "%s/%s", dir ? dir : "build/fixtures", rel);
	return buf;
}

#define FX(rel) fx((char[1024]){ 0 }, 1024, (rel))

/* Store from a ';'-free list: anchors file and an optional pool file. */
static inline trust_store *fx_store(const char *anchors, const char *pool)
{
	trust_error err = { 0 };
	trust_store_builder *b = trust_store_builder_new();
	ck_assert_ptr_nonnull(b);
	if (anchors)
		ck_assert_msg(trust_store_builder_add_anchors(b, anchors, TRUST_ORIGIN_USER, &err) ==
				      TRUST_OK, "%s", err.message);
	if (pool)
		ck_assert_msg(trust_store_builder_add_intermediates(b, pool, &err) == TRUST_OK, "%s",
			      err.message);
	trust_store *s = NULL;
	ck_assert_msg(trust_store_builder_finish(&s, b, &err) == TRUST_OK, "%s", err.message);
	return s;
}

static inline trust_chain *fx_chain(const char *file)
{
	trust_error err = { 0 };
	trust_chain *c = trust_chain_new();
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(trust_chain_add_file(c, file, &err) == TRUST_OK, "%s", err.message);
	return c;
}

/* Runs a suite and returns the process exit status. */
static inline int fx_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
