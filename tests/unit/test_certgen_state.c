/* certgen's state file, crash-safe writes and directory lock. */
#include "../../certgen/certgen.h"
#include "support_tmpdir.h"

#include <cbor.h>
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
	st_rmtree(dir);
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

/* The permission bits of a file cg_write_file makes with `mode` under `mask`. */
static int mode_under_umask(const char *file, int mode, mode_t mask)
{
	char p[400];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	mode_t old = umask(mask);
	ck_assert_int_eq(cg_write_file(p, "k", 1, mode, false), CG_OK);
	umask(old);
	struct stat sb;
	ck_assert_int_eq(stat(p, &sb), 0);
	return (int)(sb.st_mode & 0777);
}

START_TEST(test_certgen_atomic__keys_are_created_0600_whatever_the_umask)
{
	ck_assert_int_eq(mode_under_umask("key.pem", 0600, 0), 0600);
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


START_TEST(test_certgen_state__a_version_1_file_is_read_as_all_current)
{
	/* {"version":1,"certs":[{8 fields}],"crl":[]} built with libcbor as v1 wrote it. */
	cbor_item_t *root = cbor_new_definite_map(3), *certs = cbor_new_definite_array(1);
	cbor_item_t *m = cbor_new_definite_map(8);
	const char *k[] = { "name", "kind", "serial", "issuer", "reason" };
	const char *v[] = { "old.example", "leaf", "0ABC", "ca", "" };
	for (int i = 0; i < 5; i++)
		cbor_map_add(m, (struct cbor_pair){ cbor_move(cbor_build_string(k[i])),
						    cbor_move(cbor_build_string(v[i])) });
	cbor_map_add(m, (struct cbor_pair){ cbor_move(cbor_build_string("not_after")),
					    cbor_move(cbor_build_uint64(1900000000)) });
	cbor_map_add(m, (struct cbor_pair){ cbor_move(cbor_build_string("revoked")),
					    cbor_move(cbor_build_bool(false)) });
	cbor_map_add(m, (struct cbor_pair){ cbor_move(cbor_build_string("revoked_at")),
					    cbor_move(cbor_build_uint64(0)) });
	cbor_array_push(certs, cbor_move(m));
	cbor_map_add(root, (struct cbor_pair){ cbor_move(cbor_build_string("version")),
					       cbor_move(cbor_build_uint8(1)) });
	cbor_map_add(root, (struct cbor_pair){ cbor_move(cbor_build_string("certs")), cbor_move(certs) });
	cbor_map_add(root, (struct cbor_pair){ cbor_move(cbor_build_string("crl")),
					       cbor_move(cbor_new_definite_array(0)) });
	unsigned char *buf = NULL;
	size_t size = 0, len = cbor_serialize_alloc(root, &buf, &size);
	cbor_decref(&root);
	cg_state st;
	ck_assert_int_eq(cg_state_decode(&st, buf, len), 0);
	ck_assert_uint_eq(st.n, 1);
	ck_assert(!st.e[0].superseded);
	ck_assert_ptr_nonnull(cg_state_find(&st, "old.example"));
	free(buf);
	cg_state_free(&st);
}
END_TEST

static void put_file(const char *rel, const char *text)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static bool there(const char *rel)
{
	char p[600];
	struct stat sb;
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return lstat(p, &sb) == 0;
}

/* Saves st as the directory's state, then runs a command's begin and end on it. */
static int save_and_begin(cg_state *st)
{
	ck_assert_int_eq(cg_state_save(st, dir), 0);
	cg_state_free(st);
	cg_opts o = { 0 };
	o.dir = dir;
	int fd;
	int rc = cg_begin(&o, st, &fd);
	if (rc == 0) {
		ck_assert_uint_eq(st->nops, 0);
		rc = cg_end(&o, st, fd, false, CG_OK);
	}
	return rc;
}

START_TEST(test_certgen_txn__begin_finishes_a_journal_and_sweeps_what_none_names)
{
	char p[600];
	/* A kill after the commit: www moved aside, the new one still staged. */
	snprintf(p, sizeof p, "%s/.old.www", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	put_file(".old.www/cert.pem", "old");
	snprintf(p, sizeof p, "%s/.stage.www", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	put_file(".stage.www/cert.pem", "new");
	/* The root: key renamed, certificate not yet. */
	put_file("ca-key.pem", "new key");
	put_file(".stage.ca.pem", "new root");
	put_file("ca.pem", "old root");
	/* Unjournalled leftovers of a kill before some other commit. */
	snprintf(p, sizeof p, "%s/.stage.other", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	put_file(".stage.other/key.pem", "orphan");
	put_file(".state.cbor.tmp.1000000000", "x"); /* a pid no process has */
	/* A live writer's temporary (a command that takes no lock) stays. */
	char live[64];
	snprintf(live, sizeof live, ".bundle.pem.tmp.%ld", (long)getpid());
	put_file(live, "x");
	cg_state st = { 0 };
	cg_entry e = entry("www", "01", false);
	ck_assert_int_eq(cg_state_put(&st, &e), 0);
	ck_assert_int_eq(cg_state_add_op(&st, ".stage.www", "www", ".old.www"), 0);
	ck_assert_int_eq(cg_state_add_op(&st, ".stage.ca-key.pem", "ca-key.pem", NULL), 0);
	ck_assert_int_eq(cg_state_add_op(&st, ".stage.ca.pem", "ca.pem", NULL), 0);
	ck_assert_int_eq(save_and_begin(&st), 0);
	size_t n;
	snprintf(p, sizeof p, "%s/www/cert.pem", dir);
	unsigned char *b = cg_read_file(p, &n);
	ck_assert_str_eq((char *)b, "new");
	free(b);
	snprintf(p, sizeof p, "%s/ca.pem", dir);
	b = cg_read_file(p, &n);
	ck_assert_str_eq((char *)b, "new root");
	free(b);
	ck_assert(!there(".old.www"));
	ck_assert(!there(".stage.www"));
	ck_assert(!there(".stage.other"));
	ck_assert(!there(".state.cbor.tmp.1000000000"));
	ck_assert(there(live));
	/* The journal is gone from the file too. */
	ck_assert_int_eq(cg_state_load(&st, dir), 0);
	ck_assert_uint_eq(st.nops, 0);
	cg_state_free(&st);
}
END_TEST

START_TEST(test_certgen_txn__a_journal_path_outside_the_directory_is_refused)
{
	cg_state st = { 0 };
	ck_assert_int_eq(cg_state_add_op(&st, "../x", "www", NULL), 0);
	ck_assert_int_eq(save_and_begin(&st), CG_USAGE);
}
END_TEST

START_TEST(test_certgen_atomic__no_link_under_the_root_is_followed)
{
	char p[1000], out[300], link[1000];
	snprintf(out, sizeof out, "%s-outside", dir);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	snprintf(link, sizeof link, "%s/evil", dir);
	ck_assert_int_eq(symlink(out, link), 0);
	cg_set_root(dir);
	snprintf(p, sizeof p, "%s/evil/key.pem", dir);
	ck_assert_int_eq(cg_write_file(p, "k", 1, 0600, true), CG_USAGE);
	snprintf(p, sizeof p, "%s/key.pem", out);
	ck_assert_int_ne(access(p, F_OK), 0);
	put_file("real.pem", "secret");
	snprintf(p, sizeof p, "%s/real.pem", dir);
	snprintf(link, sizeof link, "%s/ca.pem", dir);
	ck_assert_int_eq(symlink(p, link), 0);
	size_t n;
	ck_assert_ptr_null(cg_read_file(link, &n));
	ck_assert_int_eq(cg_write_file(link, "x", 1, 0644, true), CG_USAGE);
	ck_assert(cg_is_link(link));
	snprintf(p, sizeof p, "%s/evil/sub", dir);
	ck_assert_int_eq(cg_mkdirs(p), -1);
	snprintf(p, sizeof p, "rm -rf '%s'", out);
	ck_assert_int_eq(system(p), 0);
	cg_set_root("");
}
END_TEST

START_TEST(test_certgen_atomic__public_files_honour_the_umask)
{
	ck_assert_int_eq(mode_under_umask("cert.pem", 0644, 027), 0640);
	ck_assert_int_eq(mode_under_umask("chain.pem", 0644, 0), 0666);
}
END_TEST

START_TEST(test_certgen_atomic__a_full_disk_leaves_no_temporary)
{
	char p[400];
	snprintf(p, sizeof p, "%s/cert.pem", dir);
	setenv("CERTGEN_TEST_ENOSPC_AFTER", "3", 1);
	ck_assert_int_eq(cg_write_file(p, "0123456789", 10, 0644, false), CG_USAGE);
	unsetenv("CERTGEN_TEST_ENOSPC_AFTER");
	ck_assert_int_eq(count_entries(), 0);
}
END_TEST

START_TEST(test_certgen_names__syntax_is_libtrusts)
{
	const char *bad[] = { "-", "xn--", "u@", "@h", "*.com", "*.co.uk", "a-.example", "-a.example",
			      "xn--abc.example", "a..b", "a b", "f*o.example", "http://", "a@b@c" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(cg_name_syntax(bad[i]) != NULL, "'%s' accepted", bad[i]);
	const char *good[] = { "localhost", "www.example.com", "*.example.com", "xn--bcher-kva.example",
			       "bücher.example", "10.0.0.1", "::1", "alice@example.com",
			       "https://example.com/x", "_srv.example.com" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(cg_name_syntax(good[i]) == NULL, "'%s' refused: %s", good[i],
			      cg_name_syntax(good[i]));
}
END_TEST

START_TEST(test_certgen_names__constraints_are_checked_with_libtrusts_rule)
{
	ck_assert_int_eq(cg_nc_check("critical,permitted;DNS:*.example.com"), CG_USAGE);
	ck_assert_int_eq(cg_nc_check("critical,permitted;DNS:.example.com"), CG_OK);
	ck_assert_int_eq(cg_nc_check("critical,permitted;IP:10.0.0.0/255.0.0.0"), CG_OK);
	ck_assert_int_eq(cg_nc_check("critical,excluded;IP:10.0.0.0/255.0.255.0"), CG_USAGE);
}
END_TEST

START_TEST(test_certgen_names__reserved_and_colliding_names_are_refused)
{
	cg_opts o = { 0 };
	o.dir = dir;
	o.force = true;
	cg_state st = { 0 };
	cg_set_root(dir);
	const char *bad[] = { "ca", "CA", "ca-key", "state", "bad", ".x", "crl.pem", "android" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(cg_name_usable(&o, &st, bad[i]) == CG_USAGE, "'%s' usable", bad[i]);
	cg_entry e = entry("a:b", "01", false);
	ck_assert_int_eq(cg_state_put(&st, &e), 0);
	ck_assert_int_eq(cg_name_usable(&o, &st, "a/b"), CG_USAGE);
	ck_assert_int_eq(cg_name_usable(&o, &st, "a:b"), CG_OK);
	o.force = false;
	ck_assert_int_eq(cg_name_usable(&o, &st, "a:b"), CG_REFUSED);
	ck_assert_int_eq(cg_name_usable(&o, &st, "www.example.com"), CG_OK);
	ck_assert_int_eq(count_entries(), 0);
	cg_state_free(&st);
	cg_set_root("");
}
END_TEST

START_TEST(test_certgen_names__control_characters_are_escaped)
{
	ck_assert_str_eq(cg_esc("a\x1b]0;x\x07" "b"), "a\\x1b]0;x\\x07b");
	ck_assert_str_eq(cg_esc("tab\there\x7f"), "tab\\x09here\\x7f");
	ck_assert_str_eq(cg_esc("c1:\xc2\x9b"), "c1:\\x9b");
	ck_assert_str_eq(cg_esc("bücher"), "bücher");
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
	tcase_add_test(tc, test_certgen_state__a_version_1_file_is_read_as_all_current);
	tcase_add_test(tc, test_certgen_txn__begin_finishes_a_journal_and_sweeps_what_none_names);
	tcase_add_test(tc, test_certgen_txn__a_journal_path_outside_the_directory_is_refused);
	tcase_add_test(tc, test_certgen_atomic__no_link_under_the_root_is_followed);
	tcase_add_test(tc, test_certgen_atomic__public_files_honour_the_umask);
	tcase_add_test(tc, test_certgen_atomic__a_full_disk_leaves_no_temporary);
	tcase_add_test(tc, test_certgen_names__syntax_is_libtrusts);
	tcase_add_test(tc, test_certgen_names__constraints_are_checked_with_libtrusts_rule);
	tcase_add_test(tc, test_certgen_names__reserved_and_colliding_names_are_refused);
	tcase_add_test(tc, test_certgen_names__control_characters_are_escaped);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
