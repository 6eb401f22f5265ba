/*
 * Device onboarding: certgen mobileconfig (an iOS/macOS configuration profile
 * holding the root, written with libplist) and certgen android (DER, the
 * <subject-hash>.0 system-store copy and a network_security_config.xml).
 */
#include "certgen.h"

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A UUID derived from the certificate, so regenerating a profile for the same
 * root replaces the installed one instead of adding a second. */
static void stable_uuid(char out[37], const unsigned char *der, size_t n, const char *salt)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	memset(md, 0, sizeof md);
	if (c && EVP_DigestInit_ex(c, EVP_sha256(), NULL))
		(void)(EVP_DigestUpdate(c, salt, strlen(salt)) && EVP_DigestUpdate(c, der, n) &&
			     EVP_DigestFinal_ex(c, md, &mdlen));
	EVP_MD_CTX_free(c);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* RFC 4122 name-based layout */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11],
		 md[12], md[13], md[14], md[15]);
}

static int load_root(const cg_opts *o, X509 **root, unsigned char **der, int *n)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/ca.pem", o->dir);
	if (!cg_have_root(o))
		return cg_fail(CG_USAGE, "no root CA in %s; run '%s ca' first (or pass --dir)", o->dir,
			       cg_cmd_prefix(o));
	*root = cg_cert_load(p);
	*der = NULL;
	*n = *root ? i2d_X509(*root, der) : -1;
	return *n > 0 ? CG_OK : CG_USAGE;
}

static char *root_cn(X509 *x)
{
	char cn[256] = "certgen root CA";
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
	return strdup(cn);
}

int cmd_mobileconfig(const cg_opts *o, int argc, char **argv)
{
	const char *out = NULL;
	int prc = cg_out_only("mobileconfig", argc, argv, &out);
	if (prc != CG_OK)
		return prc;
	X509 *root = NULL;
	unsigned char *der = NULL;
	int n = 0;
	int rc = load_root(o, &root, &der, &n);
	char path[4096], u1[37], u2[37], ident[128];
	if (out)
		snprintf(path, sizeof path, "%s", out);
	else
		snprintf(path, sizeof path, "%s/certgen-root.mobileconfig", o->dir);
	if (rc == CG_OK) {
		char *cn = root_cn(root);
		stable_uuid(u1, der, (size_t)n, "payload");
		stable_uuid(u2, der, (size_t)n, "profile");
		snprintf(ident, sizeof ident, "dev.trustbench.certgen.root.%.8s", u1);
		/* com.apple.security.root installs a trusted root (Configuration Profile Reference). */
		plist_t cert = plist_new_dict();
		plist_dict_set_item(cert, "PayloadCertificateFileName", plist_new_string("certgen-root.cer"));
		plist_dict_set_item(cert, "PayloadContent", plist_new_data((const char *)der, (uint64_t)n));
		plist_dict_set_item(cert, "PayloadDescription", plist_new_string("Adds a test root CA"));
		plist_dict_set_item(cert, "PayloadDisplayName", plist_new_string(cn ? cn : "certgen root CA"));
		plist_dict_set_item(cert, "PayloadIdentifier", plist_new_string(ident));
		plist_dict_set_item(cert, "PayloadType", plist_new_string("com.apple.security.root"));
		plist_dict_set_item(cert, "PayloadUUID", plist_new_string(u1));
		plist_dict_set_item(cert, "PayloadVersion", plist_new_uint(1));
		plist_t content = plist_new_array();
		plist_array_append_item(content, cert);
		plist_t top = plist_new_dict();
		char disp[320];
		snprintf(disp, sizeof disp, "%s (certgen test root)", cn ? cn : "certgen root CA");
		plist_dict_set_item(top, "PayloadContent", content);
		plist_dict_set_item(top, "PayloadDescription",
				    plist_new_string("Installs a private test root CA made by certgen. "
						     "Only install it on test devices."));
		plist_dict_set_item(top, "PayloadDisplayName", plist_new_string(disp));
		plist_dict_set_item(top, "PayloadIdentifier", plist_new_string("dev.trustbench.certgen.profile"));
		plist_dict_set_item(top, "PayloadRemovalDisallowed", plist_new_bool(0));
		plist_dict_set_item(top, "PayloadType", plist_new_string("Configuration"));
		plist_dict_set_item(top, "PayloadUUID", plist_new_string(u2));
		plist_dict_set_item(top, "PayloadVersion", plist_new_uint(1));
		char *xml = NULL;
		uint32_t xlen = 0;
		plist_to_xml(top, &xml, &xlen);
		rc = xml ? cg_write_file(path, xml, xlen, 0644, o->force) : CG_USAGE;
		plist_to_xml_free(xml);
		plist_free(top);
		free(cn);
	}
	if (rc == CG_OK) {
		const char *step = "Settings > General > About > Certificate Trust Settings > enable full "
				   "trust for the root";
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:s}", "mobileconfig", path, "payload_uuid", u1,
						"next_step", step));
		else
			cg_say(o, "profile: %s\n1. send it to the device (AirDrop, mail, or a web page) and "
				  "install it: Settings > General > VPN & Device Management\n2. iOS needs one "
				  "more step: %s\n", path, step);
	}
	OPENSSL_free(der);
	X509_free(root);
	return rc;
}

static const char nsc_xml[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<!-- res/xml/network_security_config.xml; copy certgen-root.crt to res/raw/certgen_root.crt\n"
	"     and set android:networkSecurityConfig=\"@xml/network_security_config\" in the manifest. -->\n"
	"<network-security-config>\n"
	"    <base-config>\n"
	"        <trust-anchors>\n"
	"            <certificates src=\"@raw/certgen_root\" />\n"
	"            <certificates src=\"system\" />\n"
	"        </trust-anchors>\n"
	"    </base-config>\n"
	"    <debug-overrides>\n"
	"        <trust-anchors>\n"
	"            <certificates src=\"user\" />\n"
	"        </trust-anchors>\n"
	"    </debug-overrides>\n"
	"</network-security-config>\n";

int cmd_android(const cg_opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		return cg_bad_option("android", argv[i]);
	X509 *root = NULL;
	unsigned char *der = NULL;
	int n = 0;
	int rc = load_root(o, &root, &der, &n);
	char dir[4096], crt[4200], hashp[4200], nsc[4200];
	snprintf(dir, sizeof dir, "%s/android", o->dir);
	/* Android's system store names files by OpenSSL's pre-1.0 (MD5) subject hash. */
	unsigned long h = root ? X509_subject_name_hash_old(root) : 0;
	snprintf(crt, sizeof crt, "%s/certgen-root.crt", dir);
	snprintf(hashp, sizeof hashp, "%s/%08lx.0", dir, h);
	snprintf(nsc, sizeof nsc, "%s/network_security_config.xml", dir);
	if (rc == CG_OK && cg_mkdirs(dir) != 0)
		rc = CG_USAGE;
	if (rc == CG_OK)
		rc = cg_write_file(crt, der, (size_t)n, 0644, o->force);
	if (rc == CG_OK) {
		size_t pn = 0;
		char *pem = cg_cert_pem(root, &pn);
		rc = pem ? cg_write_file(hashp, pem, pn, 0644, o->force) : CG_USAGE;
		free(pem);
	}
	if (rc == CG_OK)
		rc = cg_write_file(nsc, nsc_xml, sizeof nsc_xml - 1, 0644, o->force);
	if (rc == CG_OK) {
		if (o->json)
			cg_print_json(json_pack("{s:s, s:s, s:s}", "der", crt, "system_store", hashp,
						"network_security_config", nsc));
		else
			cg_say(o, "%s  DER root: Settings > Security > Encryption & credentials > Install a "
				  "certificate > CA certificate (user store; apps must opt in)\n"
				  "%s  system store copy (rooted device or emulator: /system/etc/security/"
				  "cacerts/); system-store roots get Chromium's 200-day leaf cap\n"
				  "%s  trust the root in an app build\n", crt, hashp, nsc);
	}
	OPENSSL_free(der);
	X509_free(root);
	return rc;
}
