/*
 * The result object: every path tried, each with its findings, and the one
 * headline reason.  Renderers read only this (engine-notes recommendation 8).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES 4096u
/* Findings a path starts with room for; the array is made with the path. */
#define FINDINGS_INITIAL 16u

/*
 * A valid path records about ten findings and as many parameters, so their
 * text is formatted on every evaluation; vsnprintf's set-up is most of the
 * cost of a warm (cached) evaluation.  Findings use a handful of conversions,
 * which fast_fmt formats itself; a format with any other goes to vsnprintf.
 */
/* Appends n bytes of s at *pos, as far as cap allows (vsnprintf's truncation). */
static void put(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
	if (*pos < cap) {
		size_t room = cap - 1 - *pos;
		memcpy(out + *pos, s, n < room ? n : room);
	}
	*pos += n;
}

static void put_int(char *out, size_t cap, size_t *pos, unsigned long long v, bool neg)
{
	char buf[24];
	size_t i = sizeof(buf);
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		buf[--i] = '-';
	put(out, cap, pos, buf + i, sizeof(buf) - i);
}

static unsigned long long magnitude(long long v)
{
	return v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
}

#define FAST_FMT_UNKNOWN (-2)

/* vsnprintf for %s, %.*s, %d, %u, %ld, %lld, %zu, %c and %%: same output, same
 * return; FAST_FMT_UNKNOWN at any other conversion (ap is then spent). */
static int fast_fmt(char *out, size_t cap, const char *fmt, va_list ap)
{
	size_t pos = 0;
	for (const char *f = fmt; *f;) {
		const char *pct = strchr(f, '%');
		size_t lit = pct ? (size_t)(pct - f) : strlen(f);
		put(out, cap, &pos, f, lit);
		if (!pct)
			break;
		f = pct + 1;
		if (*f == 's') {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)"; /* as glibc prints it */
			put(out, cap, &pos, s, strlen(s));
			f += 1;
		} else if (f[0] == '.' && f[1] == '*' && f[2] == 's') {
			int prec = va_arg(ap, int);
			const char *s = va_arg(ap, const char *);
			size_t n = 0;
			if (!s)
				s = "(null)";
			while ((prec < 0 || n < (size_t)prec) && s[n])
				n++;
			put(out, cap, &pos, s, n);
			f += 3;
		} else if (*f == 'd') {
			int v = va_arg(ap, int);
			put_int(out, cap, &pos, magnitude(v), v < 0);
			f += 1;
		} else if (*f == 'u') {
			put_int(out, cap, &pos, va_arg(ap, unsigned), false);
			f += 1;
		} else if (f[0] == 'z' && f[1] == 'u') {
			put_int(out, cap, &pos, va_arg(ap, size_t), false);
			f += 2;
		} else if (f[0] == 'l' && f[1] == 'l' && f[2] == 'd') {
			long long v = va_arg(ap, long long);
			put_int(out, cap, &pos, magnitude(v), v < 0);
			f += 3;
		} else if (f[0] == 'l' && f[1] == 'd') {
			long v = va_arg(ap, long);
			put_int(out, cap, &pos, magnitude(v), v < 0);
			f += 2;
		} else if (*f == 'c') {
			char ch = (char)va_arg(ap, int);
			put(out, cap, &pos, &ch, 1);
			f += 1;
		} else if (*f == '%') {
			put(out, cap, &pos, "%", 1);
			f += 1;
		} else {
			return FAST_FMT_UNKNOWN;
		}
	}
	if (cap)
		out[pos < cap ? pos : cap - 1] = '\0';
	return pos > INT_MAX ? -1 : (int)pos;
}

/* Formats into the path's arena; a message larger than a chunk gets its own. */
static char *arena_vfmt(tarena *a, const char *fmt, va_list ap)
{
	bool fast = true;
	if (!a)
		return NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		tchunk *c = a->head;
		size_t room = c ? c->cap - c->used : 0;
		va_list ap2;
		va_copy(ap2, ap);
		int n = fast ? fast_fmt(c ? c->data + c->used : NULL, room, fmt, ap2) : 0;
		va_end(ap2);
		if (!fast || n == FAST_FMT_UNKNOWN) {
			fast = false;
			va_copy(ap2, ap);
			n = vsnprintf(c ? c->data + c->used : NULL, room, fmt, ap2);
			va_end(ap2);
		}
		if (n < 0)
			return NULL;
		if ((size_t)n < room) {
			char *s = c->data + c->used;
			c->used += (size_t)n + 1;
			return s;
		}
		if (attempt)
			break;
		size_t cap = (size_t)n + 1 > CHUNK_BYTES ? (size_t)n + 1 : CHUNK_BYTES;
		tchunk *nc = malloc(sizeof(*nc) + cap);
		if (!nc)
			return NULL;
		nc->used = 0;
		nc->cap = cap;
		nc->next = a->head;
		a->head = nc;
	}
	return NULL;
}

static void fix_params(tpath *p)
{
	for (size_t i = 0; i < p->nf; i++)
		p->f[i].pub.params = p->f[i].params;
}

/*
 * A rejection that cannot be written down must still reject: the findings
 * array always keeps one slot free, and when it cannot grow that slot takes
 * this finding (its text is static, so it needs no memory either).
 */
static void record_no_memory(tpath *p)
{
	bool first = !p->broken;
	p->broken = true;
	if (!first || p->nf >= p->capf)
		return;
	tfinding *f = &p->f[p->nf++];
	memset(f, 0, sizeof(*f));
	f->pub.id = TRUST_ID_INTERNAL_NO_MEMORY;
	f->pub.severity = TRUST_SEV_ERROR;
	f->pub.cert = -1;
	f->pub.policy = "rfc5280";
	f->pub.message = "a check could not record its result for want of memory";
	f->pub.params = f->params;
	if (!p->reason) {
		p->reason = f->pub.id;
		p->reason_cert = -1;
	}
}

tfinding *tpath_vadd(tpath *p, const char *id, trust_severity sev, int cert, const char *policy,
		     const char *fmt, va_list ap)
{
	if (p->nf + 2 > p->capf) {
		size_t cap = p->capf ? p->capf * 2 : FINDINGS_INITIAL;
		tfinding *f = realloc(p->f, cap * sizeof(*f));
		if (!f) {
			record_no_memory(p);
			return NULL;
		}
		p->f = f;
		p->capf = cap;
		fix_params(p);
	}
	if (!p->text && !(p->text = calloc(1, sizeof(*p->text)))) {
		record_no_memory(p);
		return NULL;
	}
	tfinding *f = &p->f[p->nf];
	memset(f, 0, sizeof(*f));
	f->arena = p->text;
	char *msg = arena_vfmt(p->text, fmt, ap);
	f->pub.id = id;
	f->pub.severity = sev;
	f->pub.cert = cert;
	f->pub.policy = policy ? policy : "rfc5280";
	f->pub.message = msg ? msg : "";
	f->pub.params = f->params;
	p->nf++;
	if (sev == TRUST_SEV_ERROR && !p->reason) {
		p->reason = id;
		p->reason_cert = cert;
	}
	return f;
}

tfinding *tpath_add(tpath *p, const char *id, trust_severity sev, int cert, const char *policy,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tfinding *f = tpath_vadd(p, id, sev, cert, policy, fmt, ap);
	va_end(ap);
	return f;
}

static char *arena_fmt(tarena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vfmt(a, fmt, ap);
	va_end(ap);
	return s;
}

const char *tpath_strdup(tpath *p, const char *s)
{
	if (!s)
		return NULL;
	if (!p->text && !(p->text = calloc(1, sizeof(*p->text))))
		return NULL;
	return arena_fmt(p->text, "%s", s);
}

void tpath_fail_internal(tpath *p, int cert, const char *what)
{
	tpath_add(p, TRUST_ID_INTERNAL_ERROR, TRUST_SEV_ERROR, cert, "rfc5280",
		  "%s failed inside the library (out of memory?); the path is not accepted", what);
	p->broken = true;
}

void tfinding_param(tfinding *f, const char *key, const char *fmt, ...)
{
	if (!f || f->pub.nparams >= sizeof(f->params) / sizeof(f->params[0]))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *v = arena_vfmt(f->arena, fmt, ap);
	va_end(ap);
	if (!v)
		return;
	size_t i = f->pub.nparams++;
	f->params[i].key = key;
	f->params[i].value = v;
	f->pub.params = f->params;
}

bool tpath_failed(const tpath *p)
{
	if (p->broken)
		return true;
	for (size_t i = 0; i < p->nf; i++)
		if (p->f[i].pub.severity == TRUST_SEV_ERROR)
			return true;
	return false;
}

static bool has_error_finding(const tpath *p)
{
	for (size_t i = 0; i < p->nf; i++)
		if (p->f[i].pub.severity == TRUST_SEV_ERROR)
			return true;
	return false;
}

void tpath_clear(tpath *p)
{
	for (size_t i = 0; i < p->n; i++)
		tcert_unref(p->certs[i]);
	free(p->certs);
	free(p->origin);
	for (tchunk *c = p->text ? p->text->head : NULL, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p->text);
	free(p->f);
	memset(p, 0, sizeof(*p));
}

int tpath_set_certs(tpath *p, trust_cert *const *certs, const trust_origin *origin, size_t n)
{
	p->certs = calloc(n ? n : 1, sizeof(*p->certs));
	p->origin = calloc(n ? n : 1, sizeof(*p->origin));
	if (!p->certs || !p->origin)
		return TRUST_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		p->certs[i] = tcert_ref(certs[i]);
		p->origin[i] = origin[i];
	}
	p->n = n;
	return TRUST_OK;
}

trust_result *tresult_new(void)
{
	trust_result *r = calloc(1, sizeof(*r));
	if (r) {
		r->chosen = -1;
		r->reason_cert = -1;
	}
	return r;
}

tpath *tresult_new_path(trust_result *r)
{
	if (r->npaths == r->cappaths) {
		size_t cap = r->cappaths ? r->cappaths * 2 : 8;
		tpath *v = realloc(r->paths, cap * sizeof(*v));
		if (!v)
			return NULL;
		r->paths = v;
		r->cappaths = cap;
	}
	tpath *p = &r->paths[r->npaths];
	memset(p, 0, sizeof(*p));
	p->reason_cert = -1;
	/* Made now so that a later failure to grow it still has a slot to say so. */
	p->f = malloc(FINDINGS_INITIAL * sizeof(*p->f));
	if (!p->f)
		return NULL;
	p->capf = FINDINGS_INITIAL;
	r->npaths++;
	return p;
}

static const char *first_error_message(const tpath *p)
{
	for (size_t i = 0; i < p->nf; i++)
		if (p->f[i].pub.severity == TRUST_SEV_ERROR)
			return p->f[i].pub.message;
	return "";
}

/*
 * Headline: an accepted path wins; else a budget that stopped the search
 * (BoringSSL's prominent limit errors); else the first complete path in
 * candidate order, which is the most plausible one; else the partial path
 * that got furthest.
 */
int tresult_finish(trust_result *r)
{
	int best = -1;
	for (size_t i = 0; i < r->npaths; i++) {
		tpath *p = &r->paths[i];
		/* BoringSSL's invariant, enforced rather than assumed: a path with
		 * an error or an unrecorded failure is never accepted, and a path
		 * that is not accepted says why. */
		if (p->accepted && tpath_failed(p))
			p->accepted = false;
		if (!p->accepted && !has_error_finding(p)) {
			tpath_add(p, TRUST_ID_INTERNAL_NO_REASON, TRUST_SEV_ERROR, -1, "rfc5280",
				  "the path was not accepted, and no check said why");
		}
		fix_params(p);
		if (!p->reason)
			p->reason = p->accepted ? TRUST_ID_OK : TRUST_ID_PATH_REJECTED;
		if (p->accepted && best < 0)
			best = (int)i;
	}
	if (best < 0)
		for (size_t i = 0; i < r->npaths; i++)
			if (r->paths[i].complete) {
				best = (int)i;
				break;
			}
	if (best < 0)
		for (size_t i = 0; i < r->npaths; i++)
			if (best < 0 || r->paths[i].n > r->paths[best].n)
				best = (int)i;
	r->chosen = best;
	r->trusted = best >= 0 && r->paths[best].accepted;
	free(r->reason_msg);
	r->reason_msg = NULL;
	const char *msg = "";
	if (r->trusted) {
		r->reason = TRUST_ID_OK;
		r->reason_cert = -1;
		msg = "a path to a trusted anchor was built and every check passed";
	} else if (r->budget.hit) {
		r->reason = r->budget.hit;
		r->reason_cert = -1;
		msg = "the search stopped when a work budget ran out";
		for (size_t i = 0; i < r->npaths; i++)
			for (size_t k = 0; k < r->paths[i].nf; k++)
				if (strcmp(r->paths[i].f[k].pub.id, r->budget.hit) == 0)
					msg = r->paths[i].f[k].pub.message;
	} else if (best >= 0) {
		r->reason = r->paths[best].reason;
		r->reason_cert = r->paths[best].reason_cert;
		msg = first_error_message(&r->paths[best]);
	} else {
		r->reason = TRUST_ID_PATH_NO_PATH;
		msg = "no certificate path could be built";
	}
	r->reason_msg = strdup(msg);
	return r->reason_msg ? TRUST_OK : TRUST_ENOMEM;
}

void trust_result_free(trust_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->npaths; i++)
		tpath_clear(&r->paths[i]);
	free(r->paths);
	free(r->reason_msg);
	free(r->host);
	free(r->email);
	free(r->uri);
	free(r->ip);
	tanchor_sources_unref(r->anchors);
	free(r->policy_owned);
	tconn_free(r->conn);
	free(r);
}

int trust_result_trusted(const trust_result *r)
{
	return r && r->trusted;
}

const char *trust_result_reason(const trust_result *r)
{
	return r && r->reason ? r->reason : TRUST_ID_PATH_NO_PATH;
}

const char *trust_result_reason_message(const trust_result *r)
{
	return r && r->reason_msg ? r->reason_msg : "";
}

int trust_result_reason_cert(const trust_result *r)
{
	return r ? r->reason_cert : -1;
}

int64_t trust_result_stat(const trust_result *r, trust_stat which)
{
	if (!r)
		return -1;
	switch (which) {
	case TRUST_STAT_SIGNATURES_CHECKED: return r->budget.sigs;
	case TRUST_STAT_SIGNATURE_CACHE_HITS: return r->budget.cache_hits;
	case TRUST_STAT_APPENDS: return r->budget.appends;
	case TRUST_STAT_PATHS_TRIED: return r->budget.paths;
	case TRUST_STAT_NC_CHECKS: return r->budget.nc;
	}
	return -1;
}

const char *trust_result_budget_hit(const trust_result *r)
{
	return r ? r->budget.hit : NULL;
}

int64_t trust_result_time(const trust_result *r)
{
	return r ? r->at : 0;
}

const char *trust_result_email(const trust_result *r)
{
	return r ? r->email : NULL;
}

const char *trust_result_uri(const trust_result *r)
{
	return r ? r->uri : NULL;
}

const char *trust_result_host(const trust_result *r)
{
	return r ? r->host : NULL;
}

const char *trust_result_ip(const trust_result *r)
{
	return r ? r->ip : NULL;
}

const char *trust_result_policy(const trust_result *r)
{
	return r && r->policy ? r->policy : "";
}

const char *trust_result_purpose(const trust_result *r)
{
	return r && r->purpose ? r->purpose : "";
}

size_t trust_result_path_count(const trust_result *r)
{
	return r ? r->npaths : 0;
}

int trust_result_chosen_path(const trust_result *r)
{
	return r ? r->chosen : -1;
}

static const tpath *path_at(const trust_result *r, size_t p)
{
	return r && p < r->npaths ? &r->paths[p] : NULL;
}

int trust_result_path_accepted(const trust_result *r, size_t p)
{
	const tpath *t = path_at(r, p);
	return t && t->accepted;
}

int trust_result_path_complete(const trust_result *r, size_t p)
{
	const tpath *t = path_at(r, p);
	return t && t->complete;
}

const char *trust_result_path_reason(const trust_result *r, size_t p)
{
	const tpath *t = path_at(r, p);
	return t && t->reason ? t->reason : "";
}

int trust_result_path_reason_cert(const trust_result *r, size_t p)
{
	const tpath *t = path_at(r, p);
	return t ? t->reason_cert : -1;
}

size_t trust_result_path_length(const trust_result *r, size_t p)
{
	const tpath *t = path_at(r, p);
	return t ? t->n : 0;
}

const trust_cert *trust_result_path_cert(const trust_result *r, size_t p, size_t i)
{
	const tpath *t = path_at(r, p);
	return t && i < t->n ? t->certs[i] : NULL;
}

trust_origin trust_result_path_origin(const trust_result *r, size_t p, size_t i)
{
	const tpath *t = path_at(r, p);
	return t && i < t->n ? t->origin[i] : TRUST_ORIGIN_NONE;
}

size_t trust_result_finding_count(const trust_result *r, size_t p)
{
	const tpath *t = path_at(r, p);
	return t ? t->nf : 0;
}

const trust_finding *trust_result_finding(const trust_result *r, size_t p, size_t i)
{
	const tpath *t = path_at(r, p);
	return t && i < t->nf ? &t->f[i].pub : NULL;
}
