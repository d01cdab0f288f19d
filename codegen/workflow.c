/*
 * workflow.c - workflows/<W>.json, the workflow manifests (OUTPUTS.md 13).
 *
 * The manifest keeps the original's content exactly: top-level steps
 * only, ids numbered in post-order over branch and forEach bodies, the
 * retry text and a retryConfig of strings in code-unit key order.
 * `parallel`, `queue_publish` and `db_tx` steps have kind "unknown" and
 * their nested steps are not numbered, as in the original (they are
 * accepted with a "no effect yet" warning, docs/LANGUAGE.md), so ids stay
 * the same as the original's for every program.
 */
#include <stdio.h>
#include <string.h>

#include "codegen.h"


/* ---- text helpers ---- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* The trimmed text of d's bytes [off, end). */
static void
trimmed(const struct cg_decl *d, uint32_t off, uint32_t end, const char **s,
	size_t *n)
{
	if (end > d->len)
		end = d->len;
	if (off > end)
		off = end;
	while (off < end && is_space(d->text[off]))
		off++;
	while (end > off && is_space(d->text[end - 1]))
		end--;
	*s = d->text + off;
	*n = end - off;
}

static void
jw_span(struct cg_jw *w, const struct cg_decl *d, struct span sp)
{
	const char *s;
	size_t n;

	trimmed(d, sp.off, sp.off + sp.len, &s, &n);
	cg_jw_str(w, s, n);
}

/* A numeric value (a number, size or duration, possibly signed). */
static bool
num_of(const struct ast_expr *e, double *v)
{
	if (!e)
		return false;
	switch (e->kind) {
	case EXPR_NUMBER:
	case EXPR_SIZE:
	case EXPR_DURATION:
		*v = e->num;
		return true;
	case EXPR_PAREN:
		return num_of(e->a, v);
	case EXPR_UNARY:
		if (!num_of(e->a, v))
			return false;
		if (e->op == EOP_NEG)
			*v = -*v;
		return e->op == EOP_NEG || e->op == EOP_PLUS;
	default:
		return false;
	}
}

/* A setting value as text: numbers in shortest form, identifiers by
 * name, strings by their contents, anything else as written. */
static void
put_value(struct sbuf *o, const struct cg_decl *d, const struct ast_expr *e)
{
	double v;
	const char *s;
	size_t n;

	if (!e)
		return;
	if (num_of(e, &v)) {
		cg_put_number(o, v);
		return;
	}
	if (e->kind == EXPR_STRING) {
		cg_put_span(o, d, e->str);
		return;
	}
	trimmed(d, e->span.off, e->span.off + e->span.len, &s, &n);
	sbuf_add(o, s, n);
}

static const struct ast_arg *
arg_named(const struct ast_arg *a, const char *name)
{
	for (; a; a = a->next)
		if (a->name && strcmp(a->name->s, name) == 0)
			return a;
	return NULL;
}

/* ---- steps ---- */

static int
count_steps(const struct ast_step *s)
{
	int n = 0;

	for (; s; s = s->next)
		n++;
	return n;
}

/* Numbers s and the steps inside its branch or loop in post-order;
 * returns the number of s itself. */
static int
post_order(const struct ast_step *s, int *next)
{
	const struct ast_step *c;

	if (s->kind == STEP_BRANCH) {
		for (c = s->then_steps; c; c = c->next)
			post_order(c, next);
		for (c = s->else_steps; c; c = c->next)
			post_order(c, next);
	} else if (s->kind == STEP_FOR_EACH) {
		for (c = s->body; c; c = c->next)
			post_order(c, next);
	}
	return (*next)++;
}

static const char *
step_kind(enum step_kind k)
{
	switch (k) {
	case STEP_RUN: return "run";
	case STEP_BRANCH: return "branch";
	case STEP_FOR_EACH: return "for_each";
	case STEP_DELAY: return "delay";
	case STEP_HTTP_REQUEST: return "http_request";
	case STEP_SEND_EMAIL: return "send_email";
	default: return "unknown";
	}
}

static void
put_email_value(struct cg_jw *w, const struct cg_decl *d, const struct ast_arg *a)
{
	struct sbuf b;

	if (!a || !a->value) {
		cg_jw_raw(w, "null");
		return;
	}
	sbuf_init(&b);
	put_value(&b, d, a->value);
	cg_jw_str(w, b.p, b.len);
	sbuf_free(&b);
}

static void
put_step(struct cg_jw *w, const struct cg_decl *d, const struct ast_step *s,
	 int index, int id)
{
	char buf[32];
	const struct ast_arg *a;

	cg_jw_open(w, '{');
	cg_jw_key(w, "index");
	cg_jw_num(w, index);
	cg_jw_key(w, "id");
	snprintf(buf, sizeof(buf), "s%d", id);
	cg_jw_str(w, buf, strlen(buf));
	cg_jw_key(w, "kind");
	cg_jw_str(w, step_kind(s->kind), strlen(step_kind(s->kind)));
	cg_jw_key(w, "raw");
	if (s->kind == STEP_HTTP_REQUEST) {
		jw_span(w, d, s->body_span);
	} else if (s->binding) {
		struct sbuf b;

		sbuf_init(&b);
		sbuf_printf(&b, "const %s =", s->binding->s);
		cg_jw_str(w, b.p, b.len);
		sbuf_free(&b);
	} else {
		cg_jw_str(w, "", 0);
	}
	switch (s->kind) {
	case STEP_RUN:
		cg_jw_key(w, "action");
		cg_jw_str(w, s->action ? s->action->s : "",
		       s->action ? s->action->len : 0);
		cg_jw_key(w, "args");
		cg_jw_open(w, '[');
		for (a = s->args; a; a = a->next) {
			uint32_t off, end;
			const char *t;
			size_t n;

			if (!a->value)
				continue;
			off = a->name ? a->name_span.off : a->value->span.off;
			end = a->value->span.off + a->value->span.len;
			trimmed(d, off, end, &t, &n);
			cg_jw_str(w, t, n);
		}
		cg_jw_close(w, ']');
		break;
	case STEP_FOR_EACH:
		cg_jw_key(w, "loopVar");
		cg_jw_str(w, s->var ? s->var->s : "", s->var ? s->var->len : 0);
		cg_jw_key(w, "iterRaw");
		if (s->iterable)
			jw_span(w, d, s->iterable->span);
		else
			cg_jw_str(w, "", 0);
		break;
	case STEP_BRANCH:
		if (s->cond) {
			const char *t;
			size_t n;

			trimmed(d, s->cond->span.off,
				s->cond->span.off + s->cond->span.len, &t, &n);
			/* One surrounding { } pair is not part of it. */
			if (n >= 2 && t[0] == '{' && t[n - 1] == '}') {
				t++;
				n -= 2;
				while (n && is_space(*t)) {
					t++;
					n--;
				}
				while (n && is_space(t[n - 1]))
					n--;
			}
			cg_jw_key(w, "condition");
			cg_jw_str(w, t, n);
		}
		cg_jw_key(w, "thenCount");
		cg_jw_num(w, count_steps(s->then_steps));
		cg_jw_key(w, "elseCount");
		cg_jw_num(w, count_steps(s->else_steps));
		break;
	case STEP_SEND_EMAIL:
		cg_jw_key(w, "email");
		cg_jw_open(w, '{');
		cg_jw_key(w, "to");
		put_email_value(w, d, arg_named(s->props, "to"));
		cg_jw_key(w, "subject");
		put_email_value(w, d, arg_named(s->props, "subject"));
		cg_jw_key(w, "template");
		put_email_value(w, d, arg_named(s->props, "template"));
		cg_jw_close(w, '}');
		break;
	default:
		break;
	}
	cg_jw_close(w, '}');
}

/* ---- the manifest ---- */

static const char *
trigger_word(enum trigger_kind k)
{
	switch (k) {
	case TRIG_CREATE: return "create";
	case TRIG_UPDATE: return "update";
	case TRIG_DELETE: return "delete";
	default: return "webhook";
	}
}

static void
put_trigger(struct cg_jw *w, const struct ast_workflow *wf)
{
	const struct ast_trigger *t;
	struct sbuf b;

	sbuf_init(&b);
	for (t = wf->triggers; t; t = t->next) {
		if (b.len)
			sbuf_addc(&b, ' ');
		sbuf_printf(&b, "on %s", trigger_word(t->kind));
		if (t->kind != TRIG_WEBHOOK)
			sbuf_printf(&b, "(%s)", t->entity ? t->entity->s : "");
	}
	cg_jw_key(w, "trigger");
	cg_jw_str(w, b.len ? b.p : "", b.len);
	sbuf_free(&b);
	cg_jw_key(w, "triggerMeta");
	for (t = wf->triggers; t; t = t->next)
		if (t->kind == TRIG_WEBHOOK)
			break;
	if (!t) {
		cg_jw_raw(w, "null");
		return;
	}
	cg_jw_open(w, '{');
	cg_jw_key(w, "type");
	cg_jw_str(w, "webhook", 7);
	cg_jw_key(w, "secretRef");
	if (t->secret)
		cg_jw_str(w, t->secret->s, t->secret->len);
	else
		cg_jw_raw(w, "null");
	cg_jw_close(w, '}');
}

static void
put_concurrency(struct cg_jw *w, const struct cg_decl *d,
		const struct ast_workflow *wf)
{
	const struct ast_arg *limit, *group;
	struct sbuf b;

	cg_jw_key(w, "concurrency");
	limit = wf->has_concurrency ? arg_named(wf->concurrency, "limit")
				    : NULL;
	if (!limit || !limit->value) {
		cg_jw_raw(w, "null");
		return;
	}
	group = arg_named(wf->concurrency, "group");
	sbuf_init(&b);
	sbuf_adds(&b, "limit: ");
	put_value(&b, d, limit->value);
	if (group && group->value) {
		sbuf_adds(&b, " group: ");
		put_value(&b, d, group->value);
	}
	cg_jw_str(w, b.p, b.len);
	sbuf_free(&b);
}

/* The retry entries: max, backoff, factor, delayMs (as text). */
struct retry_entries {
	struct sbuf v[4];
	bool has[4];
};

static const char *const retry_keys[4] = { "max", "backoff", "factor",
					   "delayMs" };

static void
put_retry(struct cg_jw *w, const struct cg_decl *d, const struct ast_workflow *wf)
{
	/* retryConfig keys in code-unit order. */
	static const int sorted[4] = { 1, 3, 2, 0 };
	struct retry_entries r;
	const struct ast_arg *a;
	struct sbuf text;
	int k;

	if (!wf->has_retry) {
		cg_jw_key(w, "retry");
		cg_jw_raw(w, "null");
		cg_jw_key(w, "retryConfig");
		cg_jw_raw(w, "null");
		return;
	}
	memset(&r, 0, sizeof(r));
	for (k = 0; k < 4; k++)
		sbuf_init(&r.v[k]);
	for (a = wf->retry; a; a = a->next) {
		const char *n = a->name ? a->name->s : "";

		if (!a->value)
			continue;
		if (strcmp(n, "max") == 0)
			k = 0;
		else if (strcmp(n, "backoff") == 0)
			k = 1;
		else if (strcmp(n, "factor") == 0)
			k = 2;
		else if (strcmp(n, "delay") == 0)
			k = 3;
		else
			continue;
		if (r.has[k])
			continue; /* the first of a repeated key counts */
		r.has[k] = true;
		put_value(&r.v[k], d, a->value);
	}
	sbuf_init(&text);
	for (k = 0; k < 4; k++) {
		if (!r.has[k])
			continue;
		if (text.len)
			sbuf_adds(&text, ", ");
		sbuf_printf(&text, "%s: %s", retry_keys[k], r.v[k].p);
	}
	cg_jw_key(w, "retry");
	cg_jw_str(w, text.len ? text.p : "", text.len);
	cg_jw_key(w, "retryConfig");
	cg_jw_open(w, '{');
	for (k = 0; k < 4; k++) {
		int j = sorted[k];

		if (!r.has[j])
			continue;
		cg_jw_key(w, retry_keys[j]);
		cg_jw_str(w, r.v[j].p, r.v[j].len);
	}
	cg_jw_close(w, '}');
	sbuf_free(&text);
	for (k = 0; k < 4; k++)
		sbuf_free(&r.v[k]);
}

static void
put_section_text(struct cg_jw *w, const struct cg_decl *d, const char *key,
		 bool has, struct span sp)
{
	const char *s;
	size_t n;

	cg_jw_key(w, key);
	if (!has) {
		cg_jw_raw(w, "null");
		return;
	}
	trimmed(d, sp.off, sp.off + sp.len, &s, &n);
	if (n == 0)
		cg_jw_raw(w, "null");
	else
		cg_jw_str(w, s, n);
}

void
cg_emit_workflow(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->workflows[i];
	const struct ast_workflow *wf = d->ast->u.workflow;
	const struct ast_step *s;
	struct cg_jw w;
	int index = 0, next = 0;

	memset(&w, 0, sizeof(w));
	w.o = o;
	cg_jw_open(&w, '{');
	cg_jw_key(&w, "name");
	cg_jw_str(&w, d->ast->name ? d->ast->name->s : "",
	       d->ast->name ? d->ast->name->len : 0);
	put_trigger(&w, wf);
	cg_jw_key(&w, "steps");
	cg_jw_open(&w, '[');
	for (s = wf->steps; s; s = s->next) {
		int id = post_order(s, &next);

		put_step(&w, d, s, index++, id);
	}
	cg_jw_close(&w, ']');
	put_concurrency(&w, d, wf);
	put_retry(&w, d, wf);
	put_section_text(&w, d, "onError", wf->has_on_error,
			 wf->on_error_text);
	put_section_text(&w, d, "onFailure", wf->has_on_failure,
			 wf->on_failure_text);
	cg_jw_key(&w, "version");
	cg_jw_num(&w, 2);
	cg_jw_close(&w, '}');
	sbuf_addc(o, '\n');
}
