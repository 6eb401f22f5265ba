/*
 * Scratch directories for unit tests that write files (certgen state,
 * identity folders, CRLs), made by mkdtemp and removed with everything in them.
 */
#ifndef TESTS_SUPPORT_TMPDIR_H
#define TESTS_SUPPORT_TMPDIR_H

/* Removes `dir` and everything under it; fails the test if that fails. */
void st_rmtree(const char *dir);

#endif
