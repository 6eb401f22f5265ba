/*
 * certgen sign: a leaf for someone else's key, from a PKCS#10 CSR (RFC 2986).
 * The CSR's signature must verify (proof that the requester holds the key);
 * only its subjectAltName entries are taken.  Every other requested
 * extension (basicConstraints CA:TRUE, keyUsage keyCertSign, name
 * constraints...) is ignored and named in a warning: certgen's server or
 * client profile decides what the certificate may do.
 */
#include "certgen.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static X509_REQ *load_csr(const char *path)
{
	size_t len = 0;
	unsigned char *buf = cg_read_file(path, &len);
	if (!buf)
		return NULL;
	BIO *b = BIO_new_mem_buf(buf, (int)len);
	X509_REQ *req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	const unsigned char *p = buf;
	if (!req)
		req = d2i_X509_REQ(NULL, &p, (long)len);
	BIO_free(b);
	free(buf);
	ERR_clear_error();
	if (!req)
		cg_fail(CG_USAGE, "%s: not a certificate signing request (PEM or DER PKCS#10)", path);
	return req;
}

/* Appends one requested name to san ("\n"-separated); false when it is not one certgen issues. */
static bool add_name(const char *path, const GENERAL_NAME *g, char *san, size_t n, const cg_opts *o)
{
	char text[300] = "";
	const ASN1_STRING *s = NULL;
	if (g->type == GEN_DNS || g->type == GEN_EMAIL || g->type == GEN_URI) {
		s = g->d.ia5;
	} else if (g->type == GEN_IPADD) {
		int af = g->d.ip->length == 4 ? AF_INET : g->d.ip->length == 16 ? AF_INET6 : -1;
		if (af < 0 || !inet_ntop(af, g->d.ip->data, text, sizeof text))
			return cg_fail(false, "%s: a requested IP address has %d bytes", path,
				       g->d.ip->length);
	} else {
		cg_warn(o, "%s: ignoring a requested name of a type certgen does not issue", path);
		return true;
	}
	if (s) {
		int len = ASN1_STRING_length(s);
		if (len <= 0 || len >= (int)sizeof text || memchr(ASN1_STRING_get0_data(s), 0, (size_t)len))
			return cg_fail(false, "%s: a requested name is empty, too long or holds a NUL", path);
		memcpy(text, ASN1_STRING_get0_data(s), (size_t)len);
		text[len] = '\0';
	}
	/* certgen types names by their form; the requested type must be the one it would pick. */
	const char *want = g->type == GEN_DNS ? "DNS" : g->type == GEN_IPADD ? "IP"
			 : g->type == GEN_EMAIL ? "email" : "URI";
	const char *why = cg_name_syntax(text);
	if (strcmp(cg_san_type(text), want) != 0 || strchr(text, '\n') || why)
		return cg_fail(false, "%s: requested %s name '%s' is not valid%s%s", path, want,
			       cg_esc(text), why ? ": " : "", why ? why : "");
	size_t used = strlen(san);
	if (used + strlen(text) + 2 > n)
		return cg_fail(false, "%s: too many requested names", path);
	snprintf(san + used, n - used, "%s\n", text);
	return true;
}

/* The SANs of the CSR; the names of every other requested extension go to `ignored`. */
static int requested_names(const cg_opts *o, const char *path, X509_REQ *req, char *san, size_t n,
			   char *ignored, size_t in)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	int rc = CG_OK;
	for (int i = 0; rc == CG_OK && i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		if (nid != NID_subject_alt_name) {
			char oid[80];
			OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(e), 0);
			size_t used = strlen(ignored);
			snprintf(ignored + used, in - used, "%s%s", used ? ", " : "", oid);
			continue;
		}
		GENERAL_NAMES *gens = X509V3_EXT_d2i(e);
		if (!gens)
			rc = cg_fail(CG_USAGE, "%s: the requested subjectAltName does not decode", path);
		for (int k = 0; rc == CG_OK && k < sk_GENERAL_NAME_num(gens); k++)
			if (!add_name(path, sk_GENERAL_NAME_value(gens, k), san, n, o))
				rc = CG_USAGE;
		GENERAL_NAMES_free(gens);
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ERR_clear_error();
	if (rc == CG_OK && !san[0]) {
		/* No SAN: a host name in the CN is taken, as mkcert and step do. */
		char cn[256] = "";
		X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof cn);
		if (!cn[0] || strcmp(cg_san_type(cn), "DNS") != 0 || cg_name_syntax(cn))
			return cg_fail(CG_USAGE, "%s: the request names no host (no subjectAltName, and no "
						 "host name as its CN)", path);
		snprintf(san, n, "%s\n", cn);
	}
	return rc;
}

/* Keys certgen would make itself, or stronger: RSA of 2048 bits and more, P-256, P-384, Ed25519. */
static bool key_ok(const EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);
	if (id == EVP_PKEY_RSA)
		return EVP_PKEY_get_bits(k) >= 2048;
	if (id == EVP_PKEY_EC) {
		char curve[64] = "";
		size_t n = 0;
		EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &n);
		return strcmp(curve, "prime256v1") == 0 || strcmp(curve, "secp384r1") == 0;
	}
	return id == EVP_PKEY_ED25519;
}

int cmd_sign(const cg_opts *o, int argc, char **argv)
{
	const char *csr = NULL, *name = NULL, *issuer = CG_ROOT_NAME, *cert_file = NULL;
	bool client = false;
	cg_validity v = { .days = CG_DAYS_LEAF, .min_days = 1 };
	for (int i = 1; i < argc; i++) {
		int m;
		if ((m = cg_optval(argc, argv, &i, "--issuer", &issuer)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--name", &name)) != 0 ||
		    (m = cg_optval(argc, argv, &i, "--cert-file", &cert_file)) != 0 ||
		    (m = cg_validity_opt(argc, argv, &i, &v)) != 0) {
			if (m < 0)
				return CG_USAGE;
		} else if (strcmp(argv[i], "--client") == 0) {
			client = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cg_bad_option("sign", argv[i]);
		} else if (csr) {
			return cg_fail(CG_USAGE, "sign takes one CSR file (got '%s' and '%s')", csr, argv[i]);
		} else {
			csr = argv[i];
		}
	}
	if (!csr)
		return cg_fail(CG_USAGE, "sign needs a CSR file; e.g. 'openssl req -new -newkey ec "
					 "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -subj "
					 "/CN=app.test -out app.csr && %s sign app.csr'", cg_cmd_prefix(o));
	int64_t nb, na;
	if (cg_validity_resolve(&v, &nb, &na) != CG_OK)
		return CG_USAGE;
	X509_REQ *req = load_csr(csr);
	if (!req)
		return CG_USAGE;
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
	char san[8192] = "", ignored[1024] = "";
	int rc = CG_OK;
	if (!pub || X509_REQ_verify(req, pub) != 1)
		rc = cg_fail(CG_USAGE, "%s: the request's signature does not verify (altered, or not "
				       "signed by the key it carries); refusing it", csr);
	else if (!key_ok(pub))
		rc = cg_fail(CG_USAGE, "%s: the requested key is weak or unusual; certgen signs RSA of "
				       "2048 bits or more, EC P-256/P-384 and Ed25519", csr);
	ERR_clear_error();
	if (rc == CG_OK)
		rc = requested_names(o, csr, req, san, sizeof san, ignored, sizeof ignored);
	if (rc == CG_OK && ignored[0])
		cg_warn(o, "%s: ignoring the requested extensions %s: certgen's %s profile decides "
			   "what the certificate may do", csr, ignored, client ? "client" : "server");
	char first[300] = "";
	snprintf(first, sizeof first, "%.*s", (int)strcspn(san, "\n"), san);
	if (!name)
		name = first;
	if (cg_validity_exact(&v))
		cg_warn_days(o, (long)((na - nb + 86399) / 86400));
	else if (v.days_set)
		cg_warn_days(o, v.days);
	cg_state st;
	int lockfd = -1;
	if (rc == CG_OK && (rc = cg_begin(o, &st, &lockfd)) != CG_OK) {
		X509_REQ_free(req);
		return rc;
	}
	cg_ent is;
	memset(&is, 0, sizeof is);
	if (rc == CG_OK && cg_ent_load(&is, o, issuer, true) != 0)
		rc = CG_USAGE;
	else if (rc == CG_OK && !X509_check_ca(is.cert))
		rc = cg_fail(CG_USAGE, "'%s' is not a CA; pass --issuer with the root (ca) or an "
				       "intermediate", issuer);
	if (rc == CG_OK) {
		cg_spec s = CG_SPEC_INIT;
		s.profile = client ? CG_PROF_CLIENT : CG_PROF_SERVER;
		s.cn = first;
		s.key = pub;
		s.san = san;
		s.not_before = nb;
		s.not_after = na;
		char host[300];
		cg_issue_req q = { .name = name, .kind = client ? "client" : "leaf", .spec = &s,
				   .issuer = &is, .check = true, .client = client, .nokey = true,
				   .exact = cg_validity_exact(&v), .cert_file = cert_file };
		if (!client)
			cg_check_target(&q, first, host, sizeof host);
		rc = cg_issue(o, &st, &q);
	}
	cg_ent_free(&is);
	X509_REQ_free(req);
	return lockfd >= 0 ? cg_end(o, &st, lockfd, rc == CG_OK, rc) : rc;
}
