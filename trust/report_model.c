/*
 * The report as data: one jansson tree that trust_report_json prints and
 * trust_report_cbor converts, following docs/report-schema.md.  Keys are
 * added in schema order (jansson keeps insertion order), optional values are
 * JSON null rather than absent, so every report has the same shape.
 */
#include "report_model.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

const char *treport_role(const trust_result *r, size_t p, size_t i)
{
	if (i == 0)
		return "leaf";
	if (trust_result_path_origin(r, p, i) != TRUST_ORIGIN_NONE)
		return "anchor";
	return "intermediate";
}

const char *treport_origin_name(trust_origin o)
{
	switch (o) {
	case TRUST_ORIGIN_SYSTEM: return "system";
	case TRUST_ORIGIN_USER: return "user";
	case TRUST_ORIGIN_APP: return "app";
	default: return NULL;
	}
}

const char *treport_severity_name(trust_severity s)
{
	switch (s) {
	case TRUST_SEV_PASS: return "pass";
	case TRUST_SEV_INFO: return "info";
	case TRUST_SEV_WARNING: return "warning";
	default: return "error";
	}
}

void treport_pin(char out[48], const unsigned char spki_sha256[32])
{
	EVP_EncodeBlock((unsigned char *)out, spki_sha256, 32);
}

void treport_hex(char *buf, const unsigned char *v, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = digits[v[i] >> 4];
		buf[2 * i + 1] = digits[v[i] & 15];
	}
	buf[2 * n] = '\0';
}

/*
 * A JSON string, or null for NULL and for "": a value that is absent is null
 * in every report, never an empty string.  Bytes jansson rejects (not UTF-8)
 * become '?'.
 */
static json_t *jstr(const char *s)
{
	if (!s || !*s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	char *copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *c = copy; *c; c++)
		if ((unsigned char)*c >= 0x80)
			*c = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* A message for people, escaped as the SAN values are: a consumer that prints
 * it cannot be driven by control characters a certificate smuggled in. */
static json_t *jmsg(const char *s)
{
	if (!s || !*s)
		return json_null();
	char buf[4096];
	return json_string(trust_escape(buf, sizeof(buf), s));
}

static json_t *jidx(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/*
 * Sets o[k] = v, remembering any failure (o or v NULL after OOM) in *ok.
 * jansson's _new setters release v themselves when they fail.
 */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
	if (json_object_set_new(o, k, v) != 0)
		*ok = false;
}

static void push(json_t *a, json_t *v, bool *ok)
{
	if (json_array_append_new(a, v) != 0)
		*ok = false;
}

static json_t *key_model(const treport_certinfo *ci, bool *ok)
{
	json_t *k = json_object();
	put(k, "type", jstr(ci->key_type), ok);
	put(k, "bits", ci->key_bits > 0 ? json_integer(ci->key_bits) : json_null(), ok);
	put(k, "curve", ci->curve[0] ? jstr(ci->curve) : json_null(), ok);
	return k;
}

/*
 * What covered certificate i for revocation, from its coverage finding
 * (check_revocation.c gives each certificate below the anchor exactly one):
 * null for anchors; status "good", "revoked", "not-covered" or "not-checked"
 * with the source that answered ("crl"), or null when none did.
 */
static json_t *revocation_model(const trust_result *r, size_t p, size_t i, bool *ok)
{
	if (trust_result_path_origin(r, p, i) != TRUST_ORIGIN_NONE)
		return json_null();
	const char *status = "not-checked", *source = NULL;
	for (size_t k = 0; k < trust_result_finding_count(r, p); k++) {
		const trust_finding *f = trust_result_finding(r, p, k);
		bool covered = strcmp(f->id, TRUST_ID_REVOCATION_COVERED) == 0;
		bool revoked = strcmp(f->id, TRUST_ID_REVOCATION_REVOKED) == 0;
		if (f->cert != (int)i ||
		    (!covered && !revoked && strcmp(f->id, TRUST_ID_REVOCATION_NOT_COVERED) != 0))
			continue;
		status = covered ? "good" : revoked ? "revoked" : "not-covered";
		for (size_t q = 0; q < f->nparams; q++)
			if (strcmp(f->params[q].key, "source") == 0)
				source = f->params[q].value;
		break;
	}
	json_t *o = json_object();
	put(o, "status", jstr(status), ok);
	put(o, "source", jstr(source), ok);
	return o;
}

static json_t *cert_model(const trust_result *r, size_t p, size_t i, bool *ok)
{
	const trust_cert *c = trust_result_path_cert(r, p, i);
	treport_certinfo ci = { 0 };
	if (treport_certinfo_get(&ci, c) != TRUST_OK) {
		treport_certinfo_cleanup(&ci);
		*ok = false;
		return NULL;
	}
	char nb[32], na[32], h[65], pin[48];
	ttime_rfc3339(nb, sizeof(nb), trust_cert_not_before(c));
	ttime_rfc3339(na, sizeof(na), trust_cert_not_after(c));
	treport_hex(h, trust_cert_sha256(c), 32);
	const unsigned char *spki = trust_cert_spki_sha256(c);
	if (spki)
		treport_pin(pin, spki);

	json_t *o = json_object();
	put(o, "index", json_integer((json_int_t)i), ok);
	put(o, "role", jstr(treport_role(r, p, i)), ok);
	put(o, "subject", jstr(trust_cert_subject(c)), ok);
	put(o, "issuer", jstr(trust_cert_issuer(c)), ok);
	put(o, "serial", jstr(ci.serial), ok);
	put(o, "not_before", jstr(nb), ok);
	put(o, "not_after", jstr(na), ok);
	put(o, "key", key_model(&ci, ok), ok);
	put(o, "signature_algorithm", jstr(ci.sig_alg), ok);
	put(o, "sha256", jstr(h), ok);
	put(o, "spki_sha256_base64", spki ? jstr(pin) : json_null(), ok);
	json_t *sans = json_array();
	for (size_t k = 0; k < ci.nsans; k++) {
		json_t *s = json_object();
		put(s, "type", jstr(ci.sans[k].type), ok);
		put(s, "value", jstr(ci.sans[k].value), ok);
		push(sans, s, ok);
	}
	put(o, "sans", sans, ok);
	put(o, "anchor_origin", jstr(treport_origin_name(trust_result_path_origin(r, p, i))), ok);
	put(o, "source", jstr(trust_cert_source(c)), ok);
	put(o, "revocation", revocation_model(r, p, i, ok), ok);
	treport_certinfo_cleanup(&ci);
	return o;
}

static json_t *finding_model(const trust_finding *f, bool *ok)
{
	json_t *o = json_object();
	put(o, "id", jstr(f->id), ok);
	put(o, "severity", jstr(treport_severity_name(f->severity)), ok);
	put(o, "cert", jidx(f->cert), ok);
	put(o, "policy", jstr(f->policy), ok);
	put(o, "message", jmsg(f->message), ok);
	json_t *params = json_object();
	for (size_t i = 0; i < f->nparams; i++)
		put(params, f->params[i].key, jstr(f->params[i].value), ok);
	put(o, "params", params, ok);
	put(o, "remedy", jstr(f->remedy), ok);
	return o;
}

static json_t *path_model(const trust_result *r, size_t p, bool *ok)
{
	json_t *o = json_object();
	put(o, "index", json_integer((json_int_t)p), ok);
	put(o, "accepted", json_boolean(trust_result_path_accepted(r, p)), ok);
	put(o, "complete", json_boolean(trust_result_path_complete(r, p)), ok);
	put(o, "reason", jstr(trust_result_path_reason(r, p)), ok);
	put(o, "reason_cert", jidx(trust_result_path_reason_cert(r, p)), ok);
	json_t *certs = json_array();
	for (size_t i = 0; i < trust_result_path_length(r, p); i++)
		push(certs, cert_model(r, p, i, ok), ok);
	put(o, "certificates", certs, ok);
	json_t *fs = json_array();
	for (size_t i = 0; i < trust_result_finding_count(r, p); i++)
		push(fs, finding_model(trust_result_finding(r, p, i), ok), ok);
	put(o, "findings", fs, ok);
	return o;
}

static json_t *stats_model(const trust_result *r, bool *ok)
{
	json_t *o = json_object();
	put(o, "signatures_checked",
	    json_integer(trust_result_stat(r, TRUST_STAT_SIGNATURES_CHECKED)), ok);
	put(o, "signature_cache_hits",
	    json_integer(trust_result_stat(r, TRUST_STAT_SIGNATURE_CACHE_HITS)), ok);
	put(o, "appends", json_integer(trust_result_stat(r, TRUST_STAT_APPENDS)), ok);
	put(o, "paths_tried", json_integer(trust_result_stat(r, TRUST_STAT_PATHS_TRIED)), ok);
	put(o, "nc_checks", json_integer(trust_result_stat(r, TRUST_STAT_NC_CHECKS)), ok);
	put(o, "budget_hit", jstr(trust_result_budget_hit(r)), ok);
	return o;
}

static json_t *anchors_model(const trust_result *r, bool *ok)
{
	json_t *a = json_array();
	for (size_t i = 0; i < trust_result_anchor_source_count(r); i++) {
		const trust_anchor_source *src = trust_result_anchor_source(r, i);
		json_t *o = json_object();
		put(o, "origin", jstr(treport_origin_name(src->origin)), ok);
		put(o, "source", jstr(src->path), ok);
		put(o, "count", json_integer((json_int_t)src->count), ok);
		push(a, o, ok);
	}
	return a;
}

/* What only a connection shows (trustcheck --connect), or null for files. */
static json_t *connection_model(const trust_result *r, bool *ok)
{
	const trust_connection *c = trust_result_connection(r);
	if (!c)
		return json_null();
	json_t *o = json_object();
	put(o, "protocol", jstr(trust_tls_version_name(c->tls_version)), ok);
	put(o, "cipher", jstr(c->cipher), ok);
	put(o, "group", jstr(c->group), ok);
	put(o, "forward_secret", c->forward_secret < 0 ? json_null() : json_boolean(c->forward_secret),
	    ok);
	put(o, "alpn", jstr(c->alpn), ok);
	put(o, "sent_intermediates", json_integer(c->sent_intermediates), ok);
	put(o, "sent_in_order", c->sent_in_order < 0 ? json_null() : json_boolean(c->sent_in_order),
	    ok);
	put(o, "ocsp_stapled", json_boolean(c->ocsp != NULL), ok);
	put(o, "tls_sct_list_bytes", json_integer((json_int_t)(c->scts ? c->scts_len : 0)), ok);
	return o;
}

json_t *treport_model(const trust_result *r)
{
	bool ok = true;
	char when[32];
	ttime_rfc3339(when, sizeof(when), trust_result_time(r));
	json_t *o = json_object();
	put(o, "schema_version", json_integer(TREPORT_SCHEMA_VERSION), &ok);
	put(o, "verdict", jstr(trust_result_trusted(r) ? "trusted" : "not-trusted"), &ok);
	json_t *reason = json_object();
	put(reason, "id", jstr(trust_result_reason(r)), &ok);
	put(reason, "message", jmsg(trust_result_reason_message(r)), &ok);
	put(reason, "cert", jidx(trust_result_reason_cert(r)), &ok);
	put(o, "reason", reason, &ok);
	put(o, "host", jstr(trust_result_host(r)), &ok);
	put(o, "ip", jstr(trust_result_ip(r)), &ok);
	put(o, "policy", jstr(trust_result_policy(r)), &ok);
	put(o, "purpose", jstr(trust_result_purpose(r)), &ok);
	put(o, "time", jstr(when), &ok);
	put(o, "anchors", anchors_model(r, &ok), &ok);
	put(o, "connection", connection_model(r, &ok), &ok);
	put(o, "stats", stats_model(r, &ok), &ok);
	put(o, "chosen_path", jidx(trust_result_chosen_path(r)), &ok);
	json_t *paths = json_array();
	for (size_t p = 0; p < trust_result_path_count(r); p++)
		push(paths, path_model(r, p, &ok), &ok);
	put(o, "paths", paths, &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Report buffers come from malloc (report_json.c, report_cbor.c dump into their own). */
void trust_free(void *p)
{
	free(p);
}
