/*
 * trustcheck --connect HOST --identities DIR.  The handshake's certificate
 * callback sees what the server's CertificateRequest asked for (acceptable
 * CAs and signature algorithms), runs trust_identity_select on it and
 * presents the winner, so the answer is the one a libtrust client would give,
 * and the server's reaction follows.
 */
#include "identities.h"

#include "connect.h"

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <trust.h>

typedef struct probe {
	const trust_identity_set *set;
	bool asked;
	STACK_OF(X509_NAME) *names; /* copy of the acceptable-CA list */
	uint16_t *schemes;          /* the signature schemes it offered */
	size_t nschemes;
	trust_identity_choice *choice;
	int failed;                 /* selection could not run */
} probe;

static int on_request(SSL *ssl, void *arg)
{
	probe *p = arg;
	p->asked = true;
	const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
	sk_X509_NAME_pop_free(p->names, X509_NAME_free); /* asked again (post-handshake auth) */
	p->names = names ? sk_X509_NAME_deep_copy(names, X509_NAME_dup, X509_NAME_free)
			 : sk_X509_NAME_new_null();
	trust_identity_choice_free(p->choice);
	p->choice = NULL;
	free(p->schemes);
	p->nschemes = trust_ssl_peer_sigschemes(ssl, NULL, 0);
	p->schemes = p->nschemes ? calloc(p->nschemes, sizeof(*p->schemes)) : NULL;
	if (p->schemes)
		trust_ssl_peer_sigschemes(ssl, p->schemes, p->nschemes);
	if (!p->names || (p->nschemes && !p->schemes) ||
	    trust_identity_select_tls(&p->choice, p->set, names, p->schemes, p->nschemes,
				      SSL_version(ssl), 0, NULL) != 0) {
		p->failed = 1;
		return 0;
	}
	int i = trust_identity_choice_index(p->choice);
	if (i < 0)
		return 1;
	return SSL_use_certificate(ssl, trust_identity_cert(p->set, (size_t)i)) == 1 &&
	       SSL_use_PrivateKey(ssl, trust_identity_key(p->set, (size_t)i)) == 1 &&
	       SSL_set1_chain(ssl, trust_identity_chain(p->set, (size_t)i)) == 1;
}

static int prepare(SSL *ssl, void *arg)
{
	SSL_set_cert_cb(ssl, on_request, arg);
	return 1;
}

static void print_name(FILE *out, const X509_NAME *n)
{
	X509_NAME_print_ex_fp(out, n, 0, XN_FLAG_RFC2253);
}

/* IANA names of the TLS SignatureSchemes a CertificateRequest commonly holds. */
static const struct {
	uint16_t code;
	const char *name;
} schemes[] = {
	{ 0x0201, "rsa_pkcs1_sha1" }, { 0x0203, "ecdsa_sha1" },
	{ 0x0401, "rsa_pkcs1_sha256" }, { 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0501, "rsa_pkcs1_sha384" }, { 0x0503, "ecdsa_secp384r1_sha384" },
	{ 0x0601, "rsa_pkcs1_sha512" }, { 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0804, "rsa_pss_rsae_sha256" }, { 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" }, { 0x0807, "ed25519" }, { 0x0808, "ed448" },
	{ 0x0809, "rsa_pss_pss_sha256" }, { 0x080a, "rsa_pss_pss_sha384" },
	{ 0x080b, "rsa_pss_pss_sha512" },
};

static void print_schemes(FILE *out, const probe *p)
{
	if (p->nschemes == 0) {
		fprintf(out, "the server named no signature algorithms\n");
		return;
	}
	fprintf(out, "the server accepts client signatures:");
	for (size_t i = 0; i < p->nschemes; i++) {
		const char *name = NULL;
		for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]) && !name; k++)
			if (schemes[k].code == p->schemes[i])
				name = schemes[k].name;
		if (name)
			fprintf(out, " %s", name);
		else
			fprintf(out, " 0x%04x", p->schemes[i]);
	}
	fputc('\n', out);
}

static void report(FILE *out, const probe *p)
{
	int n = sk_X509_NAME_num(p->names);
	if (n == 0)
		fprintf(out, "the server asks for a client certificate from any CA\n");
	else
		fprintf(out, "the server asks for a client certificate from %d CA%s:\n", n,
			n == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		fputs("  ", out);
		print_name(out, sk_X509_NAME_value(p->names, i));
		fputc('\n', out);
	}
	print_schemes(out, p);
	int chosen = trust_identity_choice_index(p->choice);
	if (chosen >= 0) {
		fprintf(out, "chosen: %s (", trust_identity_label(p->set, (size_t)chosen));
		print_name(out, X509_get_subject_name(trust_identity_cert(p->set, (size_t)chosen)));
		fprintf(out, "): %s\n", trust_identity_choice_message(p->choice, (size_t)chosen));
	} else {
		fprintf(out, "chosen: none of %zu identities fits\n", trust_identity_set_count(p->set));
	}
	for (size_t i = 0; i < trust_identity_choice_count(p->choice); i++)
		if ((int)i != chosen)
			fprintf(out, "  %s: %s: %s\n", trust_identity_label(p->set, i),
				trust_identity_choice_reason(p->choice, i),
				trust_identity_choice_message(p->choice, i));
}

int tc_identity_diagnostics(FILE *out, const char *target, const char *sni, int timeout_ms,
			    const char *dir)
{
	trust_error err = { 0 };
	trust_identity_set *set = trust_identity_set_new();
	if (!set || trust_identity_set_add_dir(set, dir, &err) != TRUST_OK) {
		fprintf(stderr, "trustcheck: %s\n", set ? err.message : "out of memory");
		trust_identity_set_free(set);
		return 2;
	}
	probe p = { .set = set };
	tc_connect_opts co = { .target = target, .sni = sni, .timeout_ms = timeout_ms,
			       .prepare = prepare, .prepare_arg = &p };
	tc_conn conn = { 0 };
	char msg[512] = "";
	int connected = tc_connect(&conn, &co, msg, sizeof(msg)) == 0;
	int status = 1;
	if (p.failed) {
		fprintf(stderr, "trustcheck: %s: identity selection failed (out of memory)\n", target);
	} else if (!p.asked) {
		if (connected)
			fprintf(out, "the server did not ask for a client certificate\n");
		else
			fprintf(stderr, "trustcheck: %s\n", msg);
		status = connected ? 0 : 2;
	} else {
		report(out, &p);
		if (!connected)
			fprintf(out, "handshake: %s\n", msg);
		status = connected && trust_identity_choice_index(p.choice) >= 0 ? 0 : 1;
	}
	tc_conn_free(&conn);
	sk_X509_NAME_pop_free(p.names, X509_NAME_free);
	free(p.schemes);
	trust_identity_choice_free(p.choice);
	trust_identity_set_free(set);
	return status;
}
