/*
 * Depth-first path building with backtracking (RFC 4158 in spirit; engine-notes
 * recommendations 4-7).  Each edge is checked as it is appended (name chaining,
 * loops, depth, signature through the cache) and a failed edge abandons only
 * that branch; each complete path gets the full RFC 5280 validation, and a
 * rejected path lets the search go on.  All work is budgeted.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define HARD_MAX_LEN 512

typedef struct builder {
	tv_ctx *ctx;
	trust_result *r;
	const trust_chain *chain;
	bool explain;
	bool done;        /* accepted (and not exploring) or a fatal budget hit */
	bool accepted;
	bool oom;         /* the search lost a branch or a record for want of memory */
	trust_cert *path[HARD_MAX_LEN];
	trust_origin origin[HARD_MAX_LEN];
	bool edge_cached[HARD_MAX_LEN]; /* edge (i -> i+1) answered by the cache */
	size_t n;
} builder;

static bool budget_stop(builder *b)
{
	return b->ctx->budget->hit != NULL && !b->accepted;
}

/* Same logical certificate: RFC 4158 §2.4.2 loop key (subject, SAN, SPKI). */
static bool same_san(const trust_cert *a, const trust_cert *b)
{
	int ia = tcert_ext_index(a, NID_subject_alt_name, -1);
	int ib = tcert_ext_index(b, NID_subject_alt_name, -1);
	if (ia < 0 || ib < 0)
		return ia == ib;
	return ASN1_STRING_cmp(X509_EXTENSION_get_data(X509v3_get_ext(tcert_exts(a), ia)),
			       X509_EXTENSION_get_data(X509v3_get_ext(tcert_exts(b), ib))) == 0;
}

static bool in_path(const builder *b, const trust_cert *c)
{
	for (size_t i = 0; i < b->n; i++) {
		const trust_cert *p = b->path[i];
		if (tcert_same(p, c))
			return true;
		if (!tcert_same_subject(p, c))
			continue;
		/* A key hash that could not be made (no memory) decides nothing: the
		 * budgets still bound a loop the check misses. */
		const unsigned char *kp = trust_cert_spki_sha256(p), *kc = trust_cert_spki_sha256(c);
		if (kp && kc && memcmp(kp, kc, 32) == 0 && same_san(p, c))
			return true;
	}
	return false;
}

/* Intermediates that count toward the depth limit: self-issued ones do not
 * (RFC 5280 §6.1.4(l), x509-limbo max_chain_depth). */
static int logical_intermediates(const builder *b, const trust_cert *next_top, bool next_is_anchor)
{
	int k = 0;
	for (size_t i = 1; i < b->n; i++)
		if (!b->path[i]->self_issued)
			k++;
	if (!next_is_anchor && !next_top->self_issued)
		k++;
	return k;
}

/* A new path over the current stack; NULL (and the search ends in an error)
 * when it cannot be made, since a search that misses a branch cannot say
 * "no path" truthfully. */
static tpath *record(builder *b, bool complete)
{
	tpath *p = tresult_new_path(b->r);
	if (!p || tpath_set_certs(p, b->path, b->origin, b->n) != TRUST_OK) {
		b->oom = true;
		b->done = true;
		return NULL;
	}
	p->complete = complete;
	return p;
}

static void record_dead_end(builder *b, const char *id, const char *fmt, const char *arg)
{
	tpath *p = record(b, false);
	if (p)
		tpath_add(p, id, TRUST_SEV_ERROR, (int)b->n - 1, "rfc5280", fmt, arg);
}

/*
 * No certificate carries this one's issuer name.  If one carries the key
 * identifier its AKI names, say so: that is a misissued or re-named CA, not a
 * missing intermediate, and the fix differs.
 */
static void record_no_issuer(builder *b, const trust_cert *top)
{
	tcandidates byid = { 0 };
	const trust_cert *same_key = NULL;
	if (tstore_find_by_ski(b->ctx->store, top->aki_keyid, &byid) == TRUST_OK && byid.n)
		same_key = byid.v[0].cert;
	tpath *p = record(b, false);
	if (p) {
		tfinding *f;
		char url[512];
		tadvice_ca_issuers(url, sizeof(url), top);
		if (same_key)
			f = tpath_add(p, TRUST_ID_PATH_NO_ISSUER, TRUST_SEV_ERROR, (int)b->n - 1, "rfc5280",
				      "no certificate is named %s, the issuer of %s; %s has the key "
				      "identifier it names, but a different subject",
				      trust_cert_issuer(top), trust_cert_subject(top),
				      trust_cert_subject(same_key));
		else
			f = tpath_add(p, TRUST_ID_PATH_NO_ISSUER, TRUST_SEV_ERROR, (int)b->n - 1, "rfc5280",
				      "its issuer %s is neither in the chain nor %s: %s%s%s%s",
				      trust_cert_issuer(top), tadvice_anchor_place(b->ctx),
				      tadvice_missing_issuer(b->ctx),
				      url[0] ? " (its caIssuers URL: " : "", url, url[0] ? ")" : "");
		tfinding_param(f, "issuer", "%s", trust_cert_issuer(top));
		if (url[0])
			tfinding_param(f, "ca-issuers", "%s", url);
		if (same_key)
			tfinding_param(f, "key-id-match", "%s", trust_cert_subject(same_key));
	}
	tcandidates_clear(&byid);
}

static void record_untrusted_root(builder *b, const trust_cert *top)
{
	tpath *p = record(b, false);
	if (p)
		tpath_add(p, TRUST_ID_PATH_UNTRUSTED_ROOT, TRUST_SEV_ERROR, (int)b->n - 1, "rfc5280",
			  "the root %s is self-issued but not %s: if it is your private root, "
			  "trust it with --anchors FILE",
			  trust_cert_subject(top), tadvice_anchor_place(b->ctx));
}

static void record_budget(builder *b)
{
	tpath *p = record(b, false);
	if (!p)
		return;
	const tbudget *bu = b->ctx->budget;
	const char *id = bu->hit;
	if (strcmp(id, TRUST_ID_BUDGET_SIGNATURES) == 0)
		tpath_add(p, id, TRUST_SEV_ERROR, -1, "rfc5280",
			  "stopped after %d signature verifications (limit %d)", bu->sigs,
			  bu->lim.max_signatures);
	else if (strcmp(id, TRUST_ID_BUDGET_APPENDS) == 0)
		tpath_add(p, id, TRUST_SEV_ERROR, -1, "rfc5280",
			  "stopped after %d issuer candidates (limit %d)", bu->appends,
			  bu->lim.max_appends);
	else if (strcmp(id, TRUST_ID_BUDGET_PATHS) == 0)
		tpath_add(p, id, TRUST_SEV_ERROR, -1, "rfc5280",
			  "stopped after %d complete paths (limit %d)", bu->paths, bu->lim.max_paths);
	else
		tpath_add(p, id, TRUST_SEV_ERROR, -1, "rfc5280", "a work budget ran out");
}

static int cand_rank_aki(const trust_cert *cand, const trust_cert *child)
{
	if (!child->aki_keyid || !cand->ski)
		return 1;
	return ASN1_OCTET_STRING_cmp(child->aki_keyid, cand->ski) == 0 ? 0 : 2;
}

typedef struct ranked {
	struct trust_cert_entry e;
	int tier, valid, self_issued;
} ranked;

static int cmp_ranked(const void *x, const void *y)
{
	const ranked *a = x, *b = y;
	if (a->tier != b->tier)
		return a->tier - b->tier;
	if (a->valid != b->valid)
		return b->valid - a->valid;
	if (a->self_issued != b->self_issued)
		return a->self_issued - b->self_issued;
	if (a->e.cert->not_before != b->e.cert->not_before)
		return a->e.cert->not_before > b->e.cert->not_before ? -1 : 1;
	if (a->e.cert->not_after != b->e.cert->not_after)
		return a->e.cert->not_after > b->e.cert->not_after ? -1 : 1;
	return a->e.order < b->e.order ? -1 : a->e.order > b->e.order;
}

static bool sent_names_issuer(const builder *b, const trust_cert *child)
{
	for (size_t i = 1; i < b->chain->certs.n; i++)
		if (tcert_names_chain(b->chain->certs.v[i], child))
			return true;
	return false;
}

/*
 * Candidates from the store and from what the peer sent, deduplicated by DER,
 * ordered by AKI/SKI tier x trust, current validity, non-self-issued, newest.
 * The store is searched by raw name; only when neither it nor the peer has
 * any certificate with that name is it searched canonically (store_canon.c,
 * which parses every stored certificate once).  A raw match is always a
 * canonical match, so this never adds a wrong candidate; it can only leave
 * out a differently encoded twin of a name that did match.
 */
static ranked *candidates(builder *b, const trust_cert *child, size_t *count)
{
	tcandidates c = { 0 };
	*count = 0;
	bool raw = false;
	if (tstore_find_issuers(b->ctx->store, child, &c, &raw) != TRUST_OK ||
	    (!raw && !sent_names_issuer(b, child) &&
	     tstore_find_canonical(b->ctx->store, child, &c) != TRUST_OK)) {
		tcandidates_clear(&c);
		return NULL;
	}
	const tcert_list *sent = &b->chain->certs;
	size_t max = c.n + sent->n;
	ranked *v = calloc(max ? max : 1, sizeof(*v));
	if (!v) {
		tcandidates_clear(&c);
		return NULL;
	}
	size_t n = 0;
	for (size_t i = 0; i < c.n; i++)
		v[n++].e = c.v[i];
	for (size_t i = 1; i < sent->n; i++) {
		trust_cert *s = sent->v[i];
		if (!tcert_names_chain(s, child))
			continue;
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = tcert_same(v[k].e.cert, s);
		if (dup)
			continue;
		v[n].e.cert = s;
		v[n].e.origin = TRUST_ORIGIN_NONE;
		v[n].e.order = (size_t)1 << 40 | i;
		n++;
	}
	tcandidates_clear(&c);
	for (size_t i = 0; i < n; i++) {
		const trust_cert *k = v[i].e.cert;
		v[i].tier = cand_rank_aki(k, child) * 2 + (v[i].e.origin != TRUST_ORIGIN_NONE ? 0 : 1);
		v[i].valid = k->not_before <= b->ctx->at && b->ctx->at <= k->not_after;
		v[i].self_issued = k->self_issued;
	}
	qsort(v, n, sizeof(*v), cmp_ranked);
	*count = n;
	return v;
}

static void add_signature_summary(builder *b, tpath *p)
{
	int cached = 0;
	for (size_t i = 0; i + 1 < b->n; i++)
		cached += b->edge_cached[i];
	size_t sigs = b->n ? b->n - 1 : 0;
	tfinding *f = tpath_add(p, TRUST_ID_RFC5280_SIGNATURE, TRUST_SEV_PASS, -1, "rfc5280",
				"%zu signature%s valid (%d from cache)", sigs, sigs == 1 ? "" : "s",
				cached);
	tfinding_param(f, "verified", "%zu", sigs);
	tfinding_param(f, "cached", "%d", cached);
}

/* A complete path: validate it; returns true if the search should stop. */
static bool finish_path(builder *b)
{
	tbudget *bu = b->ctx->budget;
	if (bu->paths >= bu->lim.max_paths) {
		bu->hit = TRUST_ID_BUDGET_PATHS;
		record_budget(b);
		return true;
	}
	bu->paths++;
	tpath *p = record(b, true);
	if (!p)
		return true;
	add_signature_summary(b, p);
	int rc = tvalidate_path(b->ctx, p);
	/* tresult_new_path may have moved paths: re-fetch ours by position. */
	p = &b->r->paths[b->r->npaths - 1];
	/* Accepted only when every check ran, passed, and recorded no error. */
	if (rc == 0 && !tpath_failed(p)) {
		p->accepted = true;
		b->accepted = true;
		return !b->explain;
	}
	return rc < 0;
}

static void extend(builder *b)
{
	trust_cert *top = b->path[b->n - 1];
	size_t count = 0;
	ranked *cand = candidates(b, top, &count);
	if (!cand) {
		b->oom = true;
		b->done = true;
		return;
	}
	size_t tried = 0, loops = 0, deep = 0;
	tv_ctx *ctx = b->ctx;
	for (size_t i = 0; i < count && !b->done; i++) {
		trust_cert *c = cand[i].e.cert;
		bool anchor = cand[i].e.origin != TRUST_ORIGIN_NONE;
		if (ctx->budget->appends >= ctx->budget->lim.max_appends) {
			ctx->budget->hit = TRUST_ID_BUDGET_APPENDS;
			record_budget(b);
			b->done = true;
			break;
		}
		ctx->budget->appends++;
		if (in_path(b, c)) {
			loops++;
			continue;
		}
		if (logical_intermediates(b, c, anchor) > ctx->budget->lim.max_depth ||
		    b->n + 1 >= HARD_MAX_LEN) {
			deep++;
			continue;
		}
		tried++;
		int before = ctx->budget->cache_hits;
		tsig_status st = tsig_verify(ctx, c, top);
		if (st == TSIG_UNKNOWN) {
			record_budget(b);
			b->done = true;
			break;
		}
		b->edge_cached[b->n - 1] = ctx->budget->cache_hits > before;
		b->path[b->n] = c;
		b->origin[b->n] = cand[i].e.origin;
		b->n++;
		/* Only a signature known to be good extends the path. */
		if (st == TSIG_ERROR) {
			tpath *p = record(b, false);
			if (p)
				tpath_fail_internal(p, (int)b->n - 2, "verifying a signature");
		} else if (st != TSIG_VALID) {
			tpath *p = record(b, false);
			if (p)
				tpath_add(p, TRUST_ID_RFC5280_SIGNATURE_INVALID, TRUST_SEV_ERROR,
					  (int)b->n - 2, "rfc5280",
					  "signature of certificate %zu does not verify with the key of %s",
					  b->n - 2, trust_cert_subject(c));
		} else if (anchor) {
			if (finish_path(b))
				b->done = true;
		} else {
			extend(b);
		}
		b->n--;
		if (budget_stop(b))
			b->done = true;
	}
	free(cand);
	if (b->done || tried)
		return;
	/* Dead end: say why, so the report can name it. */
	if (deep)
		record_dead_end(b, TRUST_ID_BUDGET_DEPTH,
				"the path needs more than the allowed intermediates above %s",
				trust_cert_subject(top));
	else if (top->self_issued)
		record_untrusted_root(b, top);
	else if (loops)
		record_dead_end(b, TRUST_ID_PATH_LOOP, "every issuer of %s is already in the path (a loop)",
				trust_cert_subject(top));
	else
		record_no_issuer(b, top);
}

int tbuild_paths(tv_ctx *ctx, trust_result *r, const trust_chain *chain, bool explain)
{
	/* Not calloc: the arrays are written before they are read, and zeroing
	 * HARD_MAX_LEN entries cost more than the rest of a warm evaluation. */
	builder *b = malloc(sizeof(*b));
	if (!b)
		return TRUST_ENOMEM;
	b->done = false;
	b->accepted = false;
	b->oom = false;
	b->ctx = ctx;
	b->r = r;
	b->chain = chain;
	b->explain = explain;
	trust_cert *leaf = chain->certs.v[0];
	b->path[0] = leaf;
	b->origin[0] = tstore_anchor_origin(ctx->store, leaf);
	b->n = 1;
	if (b->origin[0] != TRUST_ORIGIN_NONE) {
		/* The leaf itself is trusted: the one-certificate path. */
		if (finish_path(b))
			b->done = true;
	}
	if (!b->done)
		extend(b);
	int rc = b->oom ? TRUST_ENOMEM : TRUST_OK;
	free(b);
	return rc;
}
