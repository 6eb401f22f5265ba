/* certgen bundle and certgen pin: CA bundles and ATS-style SPKI pins. */
#include "certgen.h"

#include <jansson.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_bundle(const cg_opts *o, int argc, char **argv)
{
	const char *out = NULL;
	int prc = cg_out_only("bundle", argc, argv, &out);
	if (prc != CG_OK)
		return prc;
	cg_state st;
	int lockfd;
	int begin_rc = cg_begin(o, &st, &lockfd);
	if (begin_rc != 0)
		return begin_rc;
	char path[4096];
	if (out)
		snprintf(path, sizeof path, "%s", out);
	else
		snprintf(path, sizeof path, "%s/bundle.pem", o->dir);
	STACK_OF(X509) *sk = sk_X509_new_null();
	int rc = (sk && cg_have_root(o)) ? CG_OK
		: cg_fail(CG_USAGE, "no root CA in %s; run '%s ca' first", o->dir,
			  cg_cmd_prefix(o));
	json_t *names = json_array();
	/* Root first, then intermediates in issuing order. */
	for (int pass = 0; rc == CG_OK && pass < 2; pass++) {
		for (size_t i = 0; rc == CG_OK && i < st.n; i++) {
			const char *kind = st.e[i].kind;
			if (pass == 0 ? strcmp(kind, "root") != 0
				      : strcmp(kind, "intermediate") != 0 && strcmp(kind, "cross") != 0)
				continue;
			char p[4096];
			cg_ent_path(p, sizeof p, o, st.e[i].name, "cert.pem");
			X509 *x = cg_cert_load(p);
			if (!x)
				rc = CG_USAGE;
			else
				sk_X509_push(sk, x);
			json_array_append_new(names, json_string(st.e[i].name));
		}
	}
	size_t n = 0;
	char *pem = rc == CG_OK ? cg_pem_join(NULL, sk, &n) : NULL;
	if (rc == CG_OK)
		rc = pem ? cg_write_file(path, pem, n, 0644, true) : CG_USAGE;
	if (rc == CG_OK) {
		if (o->json) {
			cg_print_json(json_pack("{s:s, s:O}", "bundle", path, "certificates", names));
		} else {
			cg_say(o, "%s: %d CA certificates (root first)\n", path, sk_X509_num(sk));
		}
	}
	json_decref(names);
	free(pem);
	sk_X509_pop_free(sk, X509_free);
	return cg_end(o, &st, lockfd, false, rc);
}

int cg_spki_pin(const X509 *x, char out[64])
{
	unsigned char *der = NULL, md[SHA256_DIGEST_LENGTH];
	int n = i2d_PUBKEY(X509_get0_pubkey(x), &der);
	if (n <= 0)
		return -1;
	SHA256(der, (size_t)n, md);
	OPENSSL_free(der);
	EVP_EncodeBlock((unsigned char *)out, md, sizeof md);
	return 0;
}

/* The subject as trustcheck's reports write it: RFC 2253, UTF-8 kept (caller frees). */
static char *subject_text(const X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL, *data = NULL;
	if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
				    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		long n = BIO_get_mem_data(b, &data);
		out = n >= 0 ? strndup(data, (size_t)n) : NULL;
	}
	BIO_free(b);
	return out;
}

int cmd_pin(const cg_opts *o, int argc, char **argv)
{
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			return cg_bad_option("pin", argv[i]);
		if (file)
			return cg_fail(CG_USAGE, "pin takes one FILE");
		file = argv[i];
	}
	if (!file)
		return cg_fail(CG_USAGE, "pin needs a certificate FILE; e.g. 'certgen pin %s/ca.pem'",
			       o->dir);
	X509 *x = cg_cert_load(file);
	if (!x)
		return CG_USAGE;
	char pin[64];
	int rc = cg_spki_pin(x, pin) == 0 ? CG_OK : cg_fail(CG_USAGE, "%s: cannot encode the public key", file);
	if (rc == CG_OK) {
		if (o->json) {
			char *subj = subject_text(x);
			cg_print_json(json_pack("{s:s, s:s?, s:s, s:s}", "file", file, "subject",
						subj && *subj ? subj : NULL, "algorithm", "sha256",
						"spki_sha256_base64", pin));
			free(subj);
		} else {
			/* The pin is the result, so --quiet keeps it. */
			printf("%s\n", pin);
		}
	}
	X509_free(x);
	return rc;
}
