/*
 * Allocation-failure injection for the fault sweeps (tests/fault/).
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 * --wrap=strndup, so every allocation made by code linked statically into the
 * program (libtrust, the CLI, certgen, the test) goes through one counter;
 * OpenSSL's, jansson's and libcbor's allocators are routed through it as well.
 * Allocations made inside shared libraries with plain malloc (libc, libpsl,
 * libidn2) are not counted.
 *
 * A program started with TRUST_FAULT_AT=N fails its Nth counted allocation
 * (once); with TRUST_FAULT_REPORT=FILE it writes "COUNT INJECTED" there at
 * exit, so a sweep knows when N passed the last allocation.
 */
#ifndef TRUST_TESTS_FAULT_H
#define TRUST_TESTS_FAULT_H

#include <stdbool.h>

/* Starts counting from zero; the nth allocation from now fails (0: none). */
void fault_arm(unsigned long n);
/* Stops injecting; the counter keeps its value. */
void fault_disarm(void);
/* Allocations counted since the last fault_arm. */
unsigned long fault_count(void);
/* true if the armed failure happened. */
bool fault_injected(void);

#endif
