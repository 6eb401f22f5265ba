/*
 * Name constraints on real certificates: a root (and sometimes an
 * intermediate) carrying nameConstraints over a leaf with SANs, driven
 * through tnc_check_path on a hand-assembled path.
 */
#include "support.h"
#include "support_validate.h"

#include <check.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

typedef struct nc_fixture {
	EVP_PKEY *root_key, *inter_key, *leaf_key;
	X509 *root, *inter, *leaf;
	trust_result *r;
	tpath *p;
	tv_ctx ctx;
	tbudget budget;
} nc_fixture;

static void fx_init(nc_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->root_key = sc_key();
	f->inter_key = sc_key();
	f->leaf_key = sc_key();
	sc_ctx(&f->ctx, &f->budget, "tls-server");
}

/* Root "CN=NC Root" with CA extensions plus `nc` (a nameConstraints value,
 * NULL for none) and `more` (extra config text: sections it refers to). */
static void fx_root(nc_fixture *f, const char *nc, const char *more)
{
	char conf[2048];
	snprintf(conf, sizeof(conf), "[ext]\n" SC_CA_EXTS "%s%s\n%s\n", nc ? "nameConstraints = " : "",
		 nc ? nc : "", more ? more : "");
	f->root = sc_cert("/CN=NC Root", f->root_key, NULL, NULL, conf);
}

static void fx_inter(nc_fixture *f, const char *subject, const char *exts)
{
	char conf[2048];
	snprintf(conf, sizeof(conf), "[ext]\n" SC_CA_EXTS "%s\n", exts ? exts : "");
	f->inter = sc_cert(subject, f->inter_key, f->root, f->root_key, conf);
}

/* Leaf under the intermediate if there is one, else under the root. */
static void fx_leaf(nc_fixture *f, const char *subject, const char *exts, const char *more)
{
	char conf[2048];
	snprintf(conf, sizeof(conf), "[ext]\n" SC_LEAF_EXTS "%s\n%s\n", exts ? exts : "",
		 more ? more : "");
	X509 *issuer = f->inter ? f->inter : f->root;
	EVP_PKEY *ikey = f->inter ? f->inter_key : f->root_key;
	f->leaf = sc_cert(subject, f->leaf_key, issuer, ikey, conf);
}

/* Assembles leaf [-> inter] -> root and runs the check. */
static int fx_run(nc_fixture *f)
{
	X509 *certs[3];
	size_t n = 0;
	certs[n++] = f->leaf;
	if (f->inter)
		certs[n++] = f->inter;
	certs[n++] = f->root;
	trust_result_free(f->r);
	f->r = sc_path(&f->p, certs, n);
	return tnc_check_path(&f->ctx, f->p);
}

static void fx_free(nc_fixture *f)
{
	trust_result_free(f->r);
	X509_free(f->leaf);
	X509_free(f->inter);
	X509_free(f->root);
	EVP_PKEY_free(f->leaf_key);
	EVP_PKEY_free(f->inter_key);
	EVP_PKEY_free(f->root_key);
}

/* Replaces the leaf with one carrying `san`, under the same issuer. */
static void fx_new_leaf(nc_fixture *f, const char *subject, const char *san)
{
	X509_free(f->leaf);
	f->leaf = NULL;
	char ext[512];
	snprintf(ext, sizeof(ext), "subjectAltName = %s", san);
	fx_leaf(f, subject, ext, NULL);
}

/* Asserts that a leaf with `san` passes (want 0) or fails with `id` (want 1). */
static void expect_san(nc_fixture *f, const char *san, int want, const char *id)
{
	fx_new_leaf(f, "/CN=leaf", san);
	int rc = fx_run(f);
	ck_assert_msg(rc == want, "SAN %s: got %d, want %d", san, rc, want);
	if (want == 0) {
		ck_assert_msg(sc_find(f->p, "rfc5280.nc", -1) != NULL, "SAN %s: no pass finding", san);
	} else {
		const trust_finding *fd = sc_find(f->p, id, 0);
		ck_assert_msg(fd != NULL, "SAN %s: no %s finding", san, id);
		ck_assert_int_eq(fd->severity, TRUST_SEV_ERROR);
		ck_assert_str_eq(fd->policy, "rfc5280");
	}
}

START_TEST(test_nc__permitted_dns_allows_name_subdomains_and_wildcards)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	fx_leaf(&f, "/CN=leaf",
		"subjectAltName = DNS:example.com, DNS:www.example.com, DNS:*.example.com", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc", -1);
	ck_assert_ptr_nonnull(fd);
	ck_assert_int_eq(fd->severity, TRUST_SEV_PASS);
	ck_assert_str_eq(fd->message, "3 names checked against 1 constraint from 1 CA");
	ck_assert_int_eq(f.budget.nc, 3);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__permitted_dns_rejects_names_outside_and_names_the_ca)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:www.example.com, DNS:www.example.org", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc.permitted", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(sc_param(fd, "ca"), "1");
	ck_assert_str_eq(sc_param(fd, "name"), "www.example.org");
	ck_assert_ptr_nonnull(strstr(fd->message, "CN=NC Root"));
	ck_assert_ptr_nonnull(strstr(fd->message, "example.com"));
	ck_assert_ptr_null(sc_find(f.p, "rfc5280.nc", -1));
	/* label-aligned: "notexample.com" does not end in the label "example.com" */
	expect_san(&f, "DNS:notexample.com", 1, "rfc5280.nc.permitted");
	expect_san(&f, "DNS:*.com", 1, "rfc5280.nc.permitted");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__leading_dot_dns_constraint_covers_subdomains_only)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:.example.com", NULL);
	expect_san(&f, "DNS:www.example.com", 0, NULL);
	expect_san(&f, "DNS:example.com", 1, "rfc5280.nc.permitted");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__excluded_dns_rejects_the_subtree_and_wins_over_permitted)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com,excluded;DNS:secret.example.com", NULL);
	expect_san(&f, "DNS:www.example.com", 0, NULL);
	expect_san(&f, "DNS:a.secret.example.com", 1, "rfc5280.nc.excluded");
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc.excluded", 0);
	ck_assert_str_eq(sc_param(fd, "constraint"), "secret.example.com");
	ck_assert_str_eq(sc_param(fd, "ca"), "1");
	/* a wildcard that could stand for secret.example.com is caught too */
	expect_san(&f, "DNS:*.example.com", 1, "rfc5280.nc.excluded");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__malformed_dns_san_cannot_satisfy_a_dns_constraint)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	expect_san(&f, "DNS:.example.com", 1, "rfc5280.nc.invalid-name");
	expect_san(&f, "DNS:f*o.example.com", 1, "rfc5280.nc.invalid-name");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__ipv4_subtree_compares_under_the_mask)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;IP:192.0.2.0/255.255.255.0", NULL);
	expect_san(&f, "IP:192.0.2.7", 0, NULL);
	expect_san(&f, "IP:192.0.3.1", 1, "rfc5280.nc.permitted");
	ck_assert_str_eq(sc_param(sc_find(f.p, "rfc5280.nc.permitted", 0), "constraint"),
			 "192.0.2.0/24");
	/* an IPv6 address is not inside an IPv4 subtree */
	expect_san(&f, "IP:2001:db8::1", 1, "rfc5280.nc.permitted");
	/* and a DNS name is unconstrained here */
	expect_san(&f, "DNS:example.org", 0, NULL);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__ipv6_subtrees_permit_and_exclude)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;IP:2001:db8::/ffff:ffff::,excluded;IP:2001:db8::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		NULL);
	expect_san(&f, "IP:2001:db8:1::5", 0, NULL);
	expect_san(&f, "IP:2001:db9::5", 1, "rfc5280.nc.permitted");
	expect_san(&f, "IP:2001:db8::1", 1, "rfc5280.nc.excluded");
	ck_assert_str_eq(sc_param(sc_find(f.p, "rfc5280.nc.excluded", 0), "constraint"),
			 "2001:db8::1/128");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__ip_constraint_with_noncontiguous_mask_is_invalid)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;IP:192.0.2.0/255.0.255.0", NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = IP:192.0.2.1", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc.invalid", 1);
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(strstr(fd->message, "permitted IP address"));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__email_constraints_by_host_domain_and_mailbox)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;email:example.com,permitted;email:.example.net,permitted;email:boss@example.org",
		NULL);
	expect_san(&f, "email:alice@example.com", 0, NULL);
	expect_san(&f, "email:alice@EXAMPLE.COM", 0, NULL);
	expect_san(&f, "email:alice@mail.example.com", 1, "rfc5280.nc.permitted");
	expect_san(&f, "email:alice@mail.example.net", 0, NULL);
	expect_san(&f, "email:alice@example.net", 1, "rfc5280.nc.permitted");
	expect_san(&f, "email:boss@Example.ORG", 0, NULL);
	/* local parts are case-sensitive (RFC 5321 §2.4) */
	expect_san(&f, "email:Boss@example.org", 1, "rfc5280.nc.permitted");
	expect_san(&f, "email:no-at-sign.example.com", 1, "rfc5280.nc.invalid-name");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__subject_email_address_is_constrained)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;email:example.com", NULL);
	fx_leaf(&f, "/CN=leaf/emailAddress=bob@other.org", "subjectAltName = DNS:leaf.example",
		NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc.permitted", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(sc_param(fd, "name"), "bob@other.org");
	ck_assert_ptr_nonnull(strstr(fd->message, "subject"));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__directory_name_applies_to_subject_and_san)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;dirName:dir_ok", "[dir_ok]\nC = US\nO = Example\n");
	fx_leaf(&f, "/C=US/O=Example/OU=Web/CN=leaf", "subjectAltName = DNS:leaf.example", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	/* canonical comparison: case and spacing of the values do not matter */
	X509_free(f.leaf);
	fx_leaf(&f, "/C=us/O=  EXAMPLE /CN=leaf", "subjectAltName = DNS:leaf.example", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	X509_free(f.leaf);
	fx_leaf(&f, "/C=US/O=Other/CN=leaf", "subjectAltName = DNS:leaf.example", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc.permitted", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(strstr(fd->message, "O=Other"));
	/* the constraint's RDNs must come first: O=Example,C=US is not under C=US,O=Example */
	X509_free(f.leaf);
	fx_leaf(&f, "/O=Example/C=US/CN=leaf", "subjectAltName = DNS:leaf.example", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	/* a SAN directoryName outside the subtree fails although the subject is inside */
	X509_free(f.leaf);
	fx_leaf(&f, "/C=US/O=Example/CN=leaf", "subjectAltName = dirName:dir_bad",
		"[dir_bad]\nC = US\nO = Elsewhere\n");
	ck_assert_int_eq(fx_run(&f), 1);
	fd = sc_find(f.p, "rfc5280.nc.permitted", 0);
	ck_assert_ptr_nonnull(strstr(fd->message, "subjectAltName"));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__excluded_directory_name)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,excluded;dirName:dir_x", "[dir_x]\nO = Example\nOU = Secret\n");
	fx_leaf(&f, "/O=Example/OU=Public/CN=leaf", "subjectAltName = DNS:leaf.example", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	X509_free(f.leaf);
	fx_leaf(&f, "/O=Example/OU=Secret/CN=leaf", "subjectAltName = DNS:leaf.example", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "rfc5280.nc.excluded", 0));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__uri_host_against_constraint)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;URI:.example.com", NULL);
	expect_san(&f, "URI:https://user@www.example.com:8443/path?q=1", 0, NULL);
	expect_san(&f, "URI:https://www.example.org/", 1, "rfc5280.nc.permitted");
	/* userinfo that looks like the permitted host does not help */
	expect_san(&f, "URI:https://www.example.com@evil.org/", 1, "rfc5280.nc.permitted");
	expect_san(&f, "URI:urn:isbn:0451450523", 1, "rfc5280.nc.invalid-name");
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__constrained_form_we_do_not_process_rejects)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:example.com", NULL);
	expect_san(&f, "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com", 1,
		   "rfc5280.nc.unsupported");
	/* without such a name in the certificate, the constraint does not bite */
	expect_san(&f, "DNS:www.example.com", 0, NULL);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__name_forms_without_a_constraint_are_allowed)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;IP:192.0.2.0/255.255.255.0,excluded;IP:10.0.0.0/255.0.0.0",
		NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:anything.example, email:a@b.example", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	ck_assert_str_eq(sc_find(f.p, "rfc5280.nc", -1)->message,
			 "0 names checked against 2 constraints from 1 CA");
	ck_assert_int_eq(f.budget.nc, 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__undecodable_san_fails_closed_under_a_constraint)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	f.leaf = sc_cert("/CN=leaf", f.leaf_key, f.root, f.root_key, "[ext]\n" SC_LEAF_EXTS);
	/* a SAN whose value is ASCII text, not DER */
	ASN1_OCTET_STRING *raw = ASN1_OCTET_STRING_new();
	ck_assert(ASN1_OCTET_STRING_set(raw, (const unsigned char *)"example.com", 11));
	X509_EXTENSION *e = X509_EXTENSION_create_by_NID(NULL, NID_subject_alt_name, 0, raw);
	ck_assert_ptr_nonnull(e);
	ck_assert(X509_add_ext(f.leaf, e, -1));
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(raw);
	ck_assert(X509_sign(f.leaf, f.root_key, EVP_sha256()) > 0);
	ck_assert_int_eq(fx_run(&f), 1);
	const trust_finding *fd = sc_find(f.p, "rfc5280.nc.invalid-name", 0);
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(strstr(fd->message, "cannot be decoded"));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__constraint_in_leaf_is_rejected)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, NULL, NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:example.com\nnameConstraints = critical,permitted;DNS:example.com",
		NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "rfc5280.nc.in-leaf", 0));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__path_without_constraints_records_nothing)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, NULL, NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:example.com", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	ck_assert_uint_eq(f.p->nf, 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__extension_with_no_subtrees_is_rejected)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, NULL, NULL);
	/* an intermediate whose nameConstraints is an empty SEQUENCE */
	NAME_CONSTRAINTS *nc = NAME_CONSTRAINTS_new();
	ck_assert_ptr_nonnull(nc);
	f.inter = sc_cert("/CN=Empty NC", f.inter_key, f.root, f.root_key, "[ext]\n" SC_CA_EXTS);
	ck_assert_int_eq(X509_add1_ext_i2d(f.inter, NID_name_constraints, nc, 1, X509V3_ADD_DEFAULT), 1);
	ck_assert(X509_sign(f.inter, f.root_key, EVP_sha256()) > 0);
	NAME_CONSTRAINTS_free(nc);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:example.com", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "rfc5280.nc.empty", 1));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__non_critical_extension_fails_only_the_rfc5280_profile)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "permitted;DNS:example.com", NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:example.com", NULL);
	ck_assert_int_eq(fx_run(&f), 0); /* tls-server: CA/B Forum allow non-critical */
	sc_ctx(&f.ctx, &f.budget, "rfc5280");
	ck_assert_int_eq(fx_run(&f), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "rfc5280.nc.not-critical", 1));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__self_issued_intermediate_is_exempt_but_not_a_self_issued_leaf)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	/* key rollover: same subject as the root, new key, a name outside the subtree */
	fx_inter(&f, "/CN=NC Root", "subjectAltName = DNS:rollover.example.org");
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:www.example.com", NULL);
	ck_assert_int_eq(fx_run(&f), 0);
	ck_assert(f.p->certs[1]->self_issued);
	/* a leaf is constrained even when it is self-issued */
	X509_free(f.leaf);
	fx_leaf(&f, "/CN=NC Root", "subjectAltName = DNS:rollover.example.org", NULL);
	ck_assert_int_eq(fx_run(&f), 1);
	ck_assert(f.p->certs[0]->self_issued);
	ck_assert_ptr_nonnull(sc_find(f.p, "rfc5280.nc.permitted", 0));
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__intermediate_constraints_narrow_the_root_ones)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	fx_inter(&f, "/CN=NC Inter", "nameConstraints = critical,permitted;DNS:www.example.com");
	expect_san(&f, "DNS:www.example.com", 0, NULL);
	ck_assert_str_eq(sc_find(f.p, "rfc5280.nc", -1)->message,
			 "2 names checked against 2 constraints from 2 CAs");
	expect_san(&f, "DNS:mail.example.com", 1, "rfc5280.nc.permitted");
	ck_assert_str_eq(sc_param(sc_find(f.p, "rfc5280.nc.permitted", 0), "ca"), "1");
	/* the intermediate's own names are bound by the root */
	X509_free(f.inter);
	fx_inter(&f, "/CN=NC Inter", "subjectAltName = DNS:ca.example.net");
	fx_new_leaf(&f, "/CN=leaf", "DNS:www.example.com");
	ck_assert_int_eq(fx_run(&f), 1);
	ck_assert_ptr_nonnull(sc_find(f.p, "rfc5280.nc.permitted", 1));
	ck_assert_ptr_null(sc_find(f.p, "rfc5280.nc.permitted", 0));
	fx_free(&f);
}
END_TEST

/* Four SANs under three permitted subtrees, the match last: 12 comparisons. */
static void budget_fixture(nc_fixture *f)
{
	fx_init(f);
	fx_root(f, "critical,permitted;DNS:a.test,permitted;DNS:b.test,permitted;DNS:example.com",
		NULL);
	fx_leaf(f, "/CN=leaf",
		"subjectAltName = DNS:w.example.com, DNS:x.example.com, DNS:y.example.com, DNS:z.example.com",
		NULL);
}

START_TEST(test_nc__comparison_budget_at_cap_passes)
{
	nc_fixture f;
	budget_fixture(&f);
	f.budget.lim.max_nc_checks = 12;
	ck_assert_int_eq(fx_run(&f), 0);
	ck_assert_int_eq(f.budget.nc, 12);
	ck_assert_ptr_null(f.budget.hit);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__comparison_budget_over_cap_stops_with_budget_finding)
{
	nc_fixture f;
	budget_fixture(&f);
	f.budget.lim.max_nc_checks = 11;
	ck_assert_int_eq(fx_run(&f), -1);
	ck_assert_int_eq(f.budget.nc, 11);
	ck_assert_str_eq(f.budget.hit, "budget.name-constraints");
	const trust_finding *fd = sc_find(f.p, "budget.name-constraints", -1);
	ck_assert_ptr_nonnull(fd);
	ck_assert_int_eq(fd->severity, TRUST_SEV_ERROR);
	ck_assert_uint_eq(sc_count(f.p, "budget.name-constraints"), 1);
	ck_assert_ptr_null(sc_find(f.p, "rfc5280.nc", -1));
	fx_free(&f);
}
END_TEST

/* Through trust_evaluate: the store, the path builder and the validator. */
static trust_result *evaluate(nc_fixture *f, const char *host, long max_nc)
{
	X509 *anchors[] = { f->root, NULL };
	X509 *chain_certs[] = { f->leaf, NULL };
	trust_store *st = sv_store(anchors, NULL, NULL);
	trust_chain *ch = sv_chain(chain_certs);
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.host = host;
	o.budgets.max_nc_checks = max_nc;
	trust_result *r = NULL;
	trust_error err = { 0 };
	ck_assert_msg(trust_evaluate(&r, st, NULL, ch, &o, &err) == TRUST_OK, "%s", err.message);
	trust_chain_free(ch);
	trust_store_free(st);
	return r;
}

START_TEST(test_nc__evaluation_accepts_a_name_inside_and_counts_comparisons)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com,excluded;DNS:secret.example.com", NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:www.example.com", NULL);
	trust_result *r = evaluate(&f, "www.example.com", 250000);
	ck_assert_msg(trust_result_trusted(r), "%s: %s", trust_result_reason(r),
		      trust_result_reason_message(r));
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_NC_CHECKS), 2);
	trust_result_free(r);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__evaluation_rejects_a_name_outside_with_the_nc_reason)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:www.example.org", NULL);
	trust_result *r = evaluate(&f, "www.example.org", 250000);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "rfc5280.nc.permitted");
	ck_assert_int_eq(trust_result_reason_cert(r), 0);
	trust_result_free(r);
	fx_free(&f);
}
END_TEST

START_TEST(test_nc__evaluation_budget_exhaustion_is_the_headline)
{
	nc_fixture f;
	fx_init(&f);
	fx_root(&f, "critical,permitted;DNS:example.com", NULL);
	fx_leaf(&f, "/CN=leaf", "subjectAltName = DNS:www.example.com, DNS:example.com", NULL);
	trust_result *r = evaluate(&f, "www.example.com", 1);
	ck_assert(!trust_result_trusted(r));
	ck_assert_str_eq(trust_result_reason(r), "budget.name-constraints");
	ck_assert_str_eq(trust_result_budget_hit(r), "budget.name-constraints");
	ck_assert_int_eq(trust_result_stat(r, TRUST_STAT_NC_CHECKS), 1);
	trust_result_free(r);
	fx_free(&f);
}
END_TEST

static Suite *nc_suite(void)
{
	Suite *s = suite_create("nc");
	TCase *t = tcase_create("nc");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_nc__permitted_dns_allows_name_subdomains_and_wildcards);
	tcase_add_test(t, test_nc__permitted_dns_rejects_names_outside_and_names_the_ca);
	tcase_add_test(t, test_nc__leading_dot_dns_constraint_covers_subdomains_only);
	tcase_add_test(t, test_nc__excluded_dns_rejects_the_subtree_and_wins_over_permitted);
	tcase_add_test(t, test_nc__malformed_dns_san_cannot_satisfy_a_dns_constraint);
	tcase_add_test(t, test_nc__ipv4_subtree_compares_under_the_mask);
	tcase_add_test(t, test_nc__ipv6_subtrees_permit_and_exclude);
	tcase_add_test(t, test_nc__ip_constraint_with_noncontiguous_mask_is_invalid);
	tcase_add_test(t, test_nc__email_constraints_by_host_domain_and_mailbox);
	tcase_add_test(t, test_nc__subject_email_address_is_constrained);
	tcase_add_test(t, test_nc__directory_name_applies_to_subject_and_san);
	tcase_add_test(t, test_nc__excluded_directory_name);
	tcase_add_test(t, test_nc__uri_host_against_constraint);
	tcase_add_test(t, test_nc__constrained_form_we_do_not_process_rejects);
	tcase_add_test(t, test_nc__name_forms_without_a_constraint_are_allowed);
	tcase_add_test(t, test_nc__undecodable_san_fails_closed_under_a_constraint);
	tcase_add_test(t, test_nc__constraint_in_leaf_is_rejected);
	tcase_add_test(t, test_nc__path_without_constraints_records_nothing);
	tcase_add_test(t, test_nc__extension_with_no_subtrees_is_rejected);
	tcase_add_test(t, test_nc__non_critical_extension_fails_only_the_rfc5280_profile);
	tcase_add_test(t, test_nc__self_issued_intermediate_is_exempt_but_not_a_self_issued_leaf);
	tcase_add_test(t, test_nc__intermediate_constraints_narrow_the_root_ones);
	tcase_add_test(t, test_nc__comparison_budget_at_cap_passes);
	tcase_add_test(t, test_nc__comparison_budget_over_cap_stops_with_budget_finding);
	tcase_add_test(t, test_nc__evaluation_accepts_a_name_inside_and_counts_comparisons);
	tcase_add_test(t, test_nc__evaluation_rejects_a_name_outside_with_the_nc_reason);
	tcase_add_test(t, test_nc__evaluation_budget_exhaustion_is_the_headline);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nc_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
