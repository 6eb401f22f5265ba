/*
 * The post-issue check: a new chain is evaluated with libtrust under the
 * policy its defaults target (tls-server, or tls-client for client
 * identities) before anything is written, so certgen never leaves behind a
 * certificate its own defaults would reject.
 */
#include "certgen.h"
#include <trust.h>

#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

int cg_check(X509 *root, X509 *cert, STACK_OF(X509) *chain, bool client, const char *host,
	     const char *ip, char *reason, size_t rn, char *message, size_t mn)
{
	trust_error err = { 0 };
	unsigned char *der = NULL;
	int len = i2d_X509(root, &der);
	trust_store_builder *b = trust_store_builder_new();
	trust_chain *c = trust_chain_new();
	trust_store *s = NULL;
	trust_result *r = NULL;
	int rc = -1;
	if (len <= 0 || !b || !c ||
	    trust_store_builder_add_anchors_mem(b, der, (size_t)len, "root", TRUST_ORIGIN_USER, &err) != 0 ||
	    trust_chain_add_x509(c, cert, &err) != 0)
		goto out;
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (trust_chain_add_x509(c, sk_X509_value(chain, i), &err) != 0)
			goto out;
	int frc = trust_store_builder_finish(&s, b, &err);
	b = NULL;
	if (frc != 0)
		goto out;
	trust_eval_options o = TRUST_EVAL_OPTIONS_INIT;
	o.purpose = client ? TRUST_PURPOSE_CLIENT : TRUST_PURPOSE_SERVER;
	o.policy = client ? TRUST_POLICY_TLS_CLIENT : TRUST_POLICY_TLS_SERVER;
	o.host = host;
	o.ip = ip;
	if (trust_evaluate(&r, s, NULL, c, &o, &err) != 0)
		goto out;
	rc = trust_result_trusted(r) ? 1 : 0;
	snprintf(reason, rn, "%s", trust_result_reason(r));
	snprintf(message, mn, "%s", trust_result_reason_message(r));
	/* Name the first error of the reported path: it says what to fix. */
	int p = trust_result_chosen_path(r);
	for (size_t i = 0; rc == 0 && p >= 0 && i < trust_result_finding_count(r, (size_t)p); i++) {
		const trust_finding *f = trust_result_finding(r, (size_t)p, i);
		if (f->severity == TRUST_SEV_ERROR) {
			snprintf(reason, rn, "%s", f->id);
			snprintf(message, mn, "%s", f->message ? f->message : "");
			break;
		}
	}
out:
	if (rc < 0) {
		snprintf(reason, rn, "error");
		snprintf(message, mn, "%s", err.message[0] ? err.message : "libtrust failed");
	}
	OPENSSL_free(der);
	trust_result_free(r);
	trust_store_free(s);
	trust_store_builder_free(b);
	trust_chain_free(c);
	return rc;
}
