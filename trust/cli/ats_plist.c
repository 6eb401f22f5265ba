/*
 * --ats-plist Info.plist: an app's NSAppTransportSecurity dictionary (XML or
 * binary plist, read with libplist) becomes a policy layer whose "ats"
 * section holds exactly those keys; libtrust validates and applies it like
 * any policy file.  Keys ATS does not know are dropped with a warning that
 * names the closest valid key, as a misspelled key is silently ignored on a
 * device, which is precisely what the developer needs to hear about.
 */
#include "cli_policy.h"

#include <jansson.h>
#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLIST_BYTES (4u * 1024u * 1024u)

static const char *const top_keys[] = {
	"NSAllowsArbitraryLoads", "NSAllowsArbitraryLoadsForMedia",
	"NSAllowsArbitraryLoadsInWebContent", "NSAllowsLocalNetworking", "NSExceptionDomains",
	"NSPinnedDomains", "NSRequiresNIAPTLSPackageVersion", NULL
};
static const char *const domain_keys[] = {
	"NSIncludesSubdomains", "NSExceptionAllowsInsecureHTTPLoads",
	"NSExceptionMinimumTLSVersion", "NSExceptionRequiresForwardSecrecy",
	"NSRequiresCertificateTransparency", "NSExceptionRequiresNIAPTLSPackageVersion", NULL
};
static const char *const pinned_keys[] = { "NSIncludesSubdomains", "NSPinnedCAIdentities",
					   "NSPinnedLeafIdentities", NULL };
static const char *const identity_keys[] = { "SPKI-SHA256-BASE64", NULL };

/* Edit distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *closest(const char *key, const char *const *valid)
{
	const char *best = valid[0];
	size_t bd = (size_t)-1;
	for (size_t i = 0; valid[i]; i++) {
		size_t d = distance(key, valid[i]);
		if (d < bd) {
			bd = d;
			best = valid[i];
		}
	}
	return best;
}

static bool known(const char *key, const char *const *valid)
{
	for (size_t i = 0; valid[i]; i++)
		if (strcmp(key, valid[i]) == 0)
			return true;
	return false;
}

static json_t *convert(plist_t node, const char *const *keys, const char *where,
		       const char *file);

/* Values as they are; libtrust's strict loader judges their types. */
static json_t *value(plist_t node)
{
	switch (plist_get_node_type(node)) {
	case PLIST_BOOLEAN: {
		uint8_t b = 0;
		plist_get_bool_val(node, &b);
		return json_boolean(b);
	}
	case PLIST_STRING: {
		char *s = NULL;
		plist_get_string_val(node, &s);
		json_t *j = json_string(s ? s : "");
		free(s);
		return j;
	}
	case PLIST_UINT: {
		uint64_t u = 0;
		plist_get_uint_val(node, &u);
		return json_integer((json_int_t)u);
	}
	default:
		return json_null();
	}
}

/* Which key list applies one level below `keys` for member `key`. */
static const char *const *child_keys(const char *const *keys, const char *key, bool *per_domain)
{
	*per_domain = false;
	if (keys == top_keys && strcmp(key, "NSExceptionDomains") == 0) {
		*per_domain = true;
		return domain_keys;
	}
	if (keys == top_keys && strcmp(key, "NSPinnedDomains") == 0) {
		*per_domain = true;
		return pinned_keys;
	}
	if (keys == pinned_keys)
		return identity_keys;
	return NULL;
}

static json_t *convert_array(plist_t node, const char *const *keys, const char *where,
			     const char *file)
{
	json_t *arr = json_array();
	for (uint32_t i = 0; arr && i < plist_array_get_size(node); i++) {
		plist_t item = plist_array_get_item(node, i);
		json_t *j = plist_get_node_type(item) == PLIST_DICT && keys
				    ? convert(item, keys, where, file)
				    : value(item);
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *convert(plist_t dict, const char *const *keys, const char *where, const char *file)
{
	json_t *obj = json_object();
	plist_dict_iter it = NULL;
	plist_dict_new_iter(dict, &it);
	for (;;) {
		char *key = NULL;
		plist_t v = NULL;
		plist_dict_next_item(dict, it, &key, &v);
		if (!key)
			break;
		bool per_domain;
		const char *const *sub = child_keys(keys, key, &per_domain);
		json_t *j = NULL;
		if (keys && !known(key, keys)) {
			char sf[512], sk[256], sw[256];
			fprintf(stderr, "trustcheck: warning: %s: unknown ATS key '%s' in %s (did you "
				"mean '%s'?); a device ignores it\n", trust_escape(sf, sizeof(sf), file),
				trust_escape(sk, sizeof(sk), key), trust_escape(sw, sizeof(sw), where),
				closest(key, keys));
		} else if (per_domain && plist_get_node_type(v) == PLIST_DICT) {
			/* Domain names are keys here, each holding one entry. */
			j = json_object();
			plist_dict_iter di = NULL;
			plist_dict_new_iter(v, &di);
			for (;;) {
				char *dom = NULL;
				plist_t e = NULL;
				plist_dict_next_item(v, di, &dom, &e);
				if (!dom)
					break;
				char w[300];
				snprintf(w, sizeof(w), "%s.%s", key, dom);
				json_object_set_new(j, dom, plist_get_node_type(e) == PLIST_DICT
								    ? convert(e, sub, w, file)
								    : value(e));
				free(dom);
			}
			free(di);
		} else if (plist_get_node_type(v) == PLIST_DICT) {
			j = convert(v, sub, key, file);
		} else if (plist_get_node_type(v) == PLIST_ARRAY) {
			j = convert_array(v, sub, key, file);
		} else {
			j = value(v);
		}
		if (j)
			json_object_set_new(obj, key, j);
		free(key);
	}
	free(it);
	return obj;
}

static int read_all(char **out, size_t *len, const char *path, trust_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err->message, sizeof(err->message), "%s: cannot open", path);
		return TRUST_EIO;
	}
	char *buf = malloc(MAX_PLIST_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MAX_PLIST_BYTES + 1, f) : 0;
	bool failed = !buf || ferror(f);
	fclose(f);
	if (failed || n > MAX_PLIST_BYTES) {
		free(buf);
		snprintf(err->message, sizeof(err->message), "%s: %s", path,
			 failed ? "could not be read" : "larger than 4 MiB");
		return TRUST_EIO;
	}
	*out = buf;
	*len = n;
	return TRUST_OK;
}

int tc_ats_plist_policy(trust_policy **out, const char *path, trust_error *err)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc = read_all(&data, &len, path, err);
	if (rc != TRUST_OK)
		return rc;
	plist_t root = NULL;
	if (len > 0)
		plist_from_memory(data, (uint32_t)len, &root);
	free(data);
	if (!root || plist_get_node_type(root) != PLIST_DICT) {
		plist_free(root);
		snprintf(err->message, sizeof(err->message),
			 "%s: not a property list with a dictionary at the top (XML or binary)", path);
		return TRUST_EPARSE;
	}
	plist_t ats = plist_dict_get_item(root, "NSAppTransportSecurity");
	if (ats && plist_get_node_type(ats) != PLIST_DICT) {
		plist_free(root);
		snprintf(err->message, sizeof(err->message),
			 "%s: NSAppTransportSecurity is not a dictionary", path);
		return TRUST_EPARSE;
	}
	char sp[512];
	if (!ats)
		fprintf(stderr, "trustcheck: warning: %s has no NSAppTransportSecurity; ATS "
			"defaults apply\n", trust_escape(sp, sizeof(sp), path));
	json_t *doc = json_object();
	json_object_set_new(doc, "name", json_string("info-plist"));
	json_object_set_new(doc, "description", json_string("NSAppTransportSecurity of an app"));
	json_object_set_new(doc, "ats", ats ? convert(ats, top_keys, "NSAppTransportSecurity", path)
					    : json_object());
	plist_free(root);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text) {
		snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
		return TRUST_ENOMEM;
	}
	rc = trust_policy_load_mem(out, text, strlen(text), path, err);
	free(text);
	return rc;
}
