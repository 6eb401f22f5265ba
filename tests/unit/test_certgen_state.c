/* certgen's state file, crash-safe writes and directory lock. */
#include "../../certgen/certgen.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/certgen-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static cg_entry entry(const char *name, const char *serial, bool revoked)
{
	cg_entry e = { (char *)name, (char *)"leaf", (char *)serial, (char *)"ca", 1900000000,
		       revoked, (char *)(revoked ? "keyCompromise" : ""), revoked ? 1800000000 : 0, false };
	return e;
}

START_TEST(test_certgen_state__round_trip_keeps_every_field)
{
	cg_state st = { 0 }, back = { 0 };
	cg_entry a = entry("localhost", "0A1B", false), b = entry("alice", "7F00", true);
	ck_assert_int_eq(cg_state_put(&st, &a), 0);
	ck_assert_int_eq(cg_state_put(&st, &b), 0);
	ck_assert_int_eq(cg_state_next_crl(&st, "ca"), 1);
	ck_assert_int_eq(cg_state_next_crl(&st, "ca"), 2);
	ck_assert_int_eq(cg_state_save(&st, dir), 0);
	ck_assert_int_eq(cg_state_load(&back, dir), 0);
	ck_assert_uint_eq(back.n, 2);
	cg_entry *r = cg_state_find(&back, "alice");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->serial, "7F00");
	ck_assert_str_eq(r->issuer, "ca");
	ck_assert_str_eq(r->reason, "keyCompromise");
	ck_assert(r->revoked);
	ck_assert_int_eq(r->revoked_at, 1800000000);
	ck_assert_int_eq(r->not_after, 1900000000);
	ck_assert_ptr_eq(cg_state_find_serial(&back, "0a1b"), cg_state_find(&back, "localhost"));
	ck_assert_int_eq(cg_state_next_crl(&back, "ca"), 3);
	cg_state_free(&st);
	cg_state_free(&back);
}
END_TEST

START_TEST(test_certgen_state__a_reissue_supersedes_and_keeps_the_revoked_serial)
{
	cg_state st = { 0 }, back = { 0 };
	cg_entry a = entry("localhost", "01", true), b = entry("localhost", "02", false);
	ck_assert_int_eq(cg_state_put(&st, &a), 0);
	ck_assert_int_eq(cg_state_put(&st, &b), 0);
	ck_assert_uint_eq(st.n, 2);
	ck_assert_str_eq(cg_state_find(&st, "localhost")->serial, "02");
	ck_assert_int_eq(cg_state_save(&st, dir), 0);
	ck_assert_int_eq(cg_state_load(&back, dir), 0);
	cg_entry *old = cg_state_find_serial(&back, "0x0001");
	ck_assert_ptr_nonnull(old);
	ck_assert(old->superseded);
	ck_assert(old->revoked);
	ck_assert_str_eq(old->reason, "keyCompromise");
	ck_assert(!cg_state_find_serial(&back, "02")->superseded);
	ck_assert_ptr_eq(cg_state_find(&back, "localhost"), cg_state_find_serial(&back, "02"));
	cg_state_free(&st);
	cg_state_free(&back);
}
END_TEST

START_TEST(test_certgen_state__the_journal_survives_a_save_and_a_load)
{
	cg_state st = { 0 }, back = { 0 };
	ck_assert_int_eq(cg_state_add_op(&st, ".stage.www", "www", ".old.www"), 0);
	ck_assert_int_eq(cg_state_add_op(&st, ".stage.ca.pem", "ca.pem", NULL), 0);
	ck_assert_int_eq(cg_state_save(&st, dir), 0);
	ck_assert_int_eq(cg_state_load(&back, dir), 0);
	ck_assert_uint_eq(back.nops, 2);
	ck_assert_str_eq(back.ops[0].aside, ".old.www");
	ck_assert_str_eq(back.ops[1].to, "ca.pem");
	ck_assert_str_eq(back.ops[1].aside, "");
	cg_state_free(&st);
	cg_state_free(&back);
}
END_TEST

START_TEST(test_certgen_state__malformed_or_truncated_cbor_is_rejected)
{
	cg_state st = { 0 }, back;
	cg_entry a = entry("localhost", "01", false);
	ck_assert_int_eq(cg_state_put(&st, &a), 0);
	unsigned char *buf = NULL;
	size_t len = 0;
	ck_assert_int_eq(cg_state_encode(&st, &buf, &len), 0);
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(cg_state_decode(&back, buf, cut), -1);
	ck_assert_int_eq(cg_state_decode(&back, buf, len), 0);
	cg_state_free(&back);
	/* A CBOR text string, not a map. */
	const unsigned char text[] = { 0x63, 'a', 'b', 'c' };
	ck_assert_int_eq(cg_state_decode(&back, text, sizeof text), -1);
	free(buf);
	cg_state_free(&st);
}
END_TEST

START_TEST(test_certgen_state__absent_file_is_an_empty_state_and_garbage_is_an_error)
{
	cg_state st;
	ck_assert_int_eq(cg_state_load(&st, dir), 0);
	ck_assert_uint_eq(st.n, 0);
	char p[400];
	snprintf(p, sizeof p, "%s/state.cbor", dir);
	FILE *f = fopen(p, "w");
	fputs("not cbor at all", f);
	fclose(f);
	ck_assert_int_eq(cg_state_load(&st, dir), -1);
}
END_TEST

static int count_entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(test_certgen_atomic__existing_file_is_refused_without_force)
{
	char p[400];
	snprintf(p, sizeof p, "%s/key.pem", dir);
	ck_assert_int_eq(cg_write_file(p, "one", 3, 0600, false), CG_OK);
	ck_assert_int_eq(cg_write_file(p, "two", 3, 0600, false), CG_REFUSED);
	size_t n = 0;
	unsigned char *b = cg_read_file(p, &n);
	ck_assert_str_eq((char *)b, "one");
	free(b);
	ck_assert_int_eq(cg_write_file(p, "three", 5, 0600, true), CG_OK);
	b = cg_read_file(p, &n);
	ck_assert_str_eq((char *)b, "three");
	free(b);
	/* No temporary file is left beside it. */
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_certgen_atomic__keys_are_created_0600_whatever_the_umask)
{
	char p[400];
	snprintf(p, sizeof p, "%s/key.pem", dir);
	mode_t old = umask(0);
	ck_assert_int_eq(cg_write_file(p, "k", 1, 0600, false), CG_OK);
	umask(old);
	struct stat sb;
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_certgen_atomic__writing_into_a_missing_directory_fails_cleanly)
{
	char p[400];
	snprintf(p, sizeof p, "%s/nope/key.pem", dir);
	ck_assert_int_eq(cg_write_file(p, "k", 1, 0600, false), CG_USAGE);
	ck_assert_int_eq(count_entries(), 0);
}
END_TEST

START_TEST(test_certgen_lock__a_held_lock_makes_the_second_taker_give_up)
{
	setenv("CERTGEN_LOCK_TIMEOUT", "0", 1);
	int a = cg_lock(dir);
	ck_assert_int_ge(a, 0);
	/* flock conflicts between open file descriptions, even in one process. */
	ck_assert_int_eq(cg_lock(dir), -2);
	cg_unlock(a);
	int b = cg_lock(dir);
	ck_assert_int_ge(b, 0);
	cg_unlock(b);
	unsetenv("CERTGEN_LOCK_TIMEOUT");
}
END_TEST

START_TEST(test_certgen_lock__a_dead_holder_does_not_leave_a_stale_lock)
{
	setenv("CERTGEN_LOCK_TIMEOUT", "0", 1);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = cg_lock(dir);
		_exit(fd >= 0 ? 0 : 1); /* dies holding the lock */
	}
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	int fd = cg_lock(dir);
	ck_assert_int_ge(fd, 0);
	cg_unlock(fd);
	unsetenv("CERTGEN_LOCK_TIMEOUT");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("certgen_state");
	TCase *tc = tcase_create("state");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_certgen_state__round_trip_keeps_every_field);
	tcase_add_test(tc, test_certgen_state__a_reissue_supersedes_and_keeps_the_revoked_serial);
	tcase_add_test(tc, test_certgen_state__the_journal_survives_a_save_and_a_load);
	tcase_add_test(tc, test_certgen_state__malformed_or_truncated_cbor_is_rejected);
	tcase_add_test(tc, test_certgen_state__absent_file_is_an_empty_state_and_garbage_is_an_error);
	tcase_add_test(tc, test_certgen_atomic__existing_file_is_refused_without_force);
	tcase_add_test(tc, test_certgen_atomic__keys_are_created_0600_whatever_the_umask);
	tcase_add_test(tc, test_certgen_atomic__writing_into_a_missing_directory_fails_cleanly);
	tcase_add_test(tc, test_certgen_lock__a_held_lock_makes_the_second_taker_give_up);
	tcase_add_test(tc, test_certgen_lock__a_dead_holder_does_not_leave_a_stale_lock);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
