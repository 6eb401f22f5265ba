/*
 * The counting allocator behind the fault sweeps (see fault.h).  The hooks
 * are installed by a constructor, before OpenSSL, jansson or libcbor allocate
 * anything, so their allocations are counted from the first one.
 */
#include "fault.h"

#include <cbor.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fault_hit(void);
void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_ulong counted, fail_at;
static atomic_bool injected;

/* Called at each injected failure: a place for a debugger's breakpoint. */
__attribute__((noinline)) void fault_hit(void)
{
	__asm__ volatile("");
}

/* false if this allocation is the one to fail. */
static bool take(void)
{
	unsigned long k = atomic_fetch_add(&counted, 1) + 1;
	unsigned long at = atomic_load(&fail_at);
	if (at != 0 && k == at) {
		atomic_store(&injected, true);
		fault_hit();
		return false;
	}
	return true;
}

void fault_arm(unsigned long n)
{
	atomic_store(&fail_at, 0);
	atomic_store(&counted, 0);
	atomic_store(&injected, false);
	atomic_store(&fail_at, n);
}

void fault_disarm(void)
{
	atomic_store(&fail_at, 0);
}

unsigned long fault_count(void)
{
	return atomic_load(&counted);
}

bool fault_injected(void)
{
	return atomic_load(&injected);
}

void *__wrap_malloc(size_t n)
{
	return take() ? __real_malloc(n) : NULL;
}

void *__wrap_calloc(size_t k, size_t n)
{
	return take() ? __real_calloc(k, n) : NULL;
}

void *__wrap_realloc(void *p, size_t n)
{
	if (n == 0 && p)
		return __real_realloc(p, n);
	return take() ? __real_realloc(p, n) : NULL;
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = __wrap_malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = __wrap_malloc(len + 1);
	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
	(void)file, (void)line;
	return __wrap_malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file, (void)line;
	return __wrap_realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
	(void)file, (void)line;
	free(p);
}

static void *hook_malloc(size_t n)
{
	return __wrap_malloc(n);
}

static const char *report_path;

static void report(void)
{
	FILE *f = report_path ? fopen(report_path, "w") : NULL;
	if (!f)
		return;
	fprintf(f, "%lu %d\n", fault_count(), fault_injected() ? 1 : 0);
	fclose(f);
}

__attribute__((constructor(101))) static void fault_install(void)
{
	if (!CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free)) {
		fputs("fault: OpenSSL allocated before the hooks were installed\n", stderr);
		abort();
	}
	json_set_alloc_funcs(hook_malloc, free);
#if CBOR_CUSTOM_ALLOC
	cbor_set_allocs(hook_malloc, __wrap_realloc, free);
#endif
	const char *at = getenv("TRUST_FAULT_AT");
	report_path = getenv("TRUST_FAULT_REPORT");
	if (report_path)
		atexit(report);
	if (at && *at)
		fault_arm(strtoul(at, NULL, 10));
}
