/*
 * json.c - a JSON writer in the style of JSON.stringify(v, null, 2):
 * two-space indentation, one element per line, "key": value, empty
 * containers as [] and {} (OUTPUTS.md 2.4). Used by every emitter that
 * writes JSON or a JSON-shaped TypeScript literal.
 */
#include <string.h>

#include "codegen.h"

static void
newline(struct cg_jw *w)
{
	size_t n = 1 + 2 * (size_t)w->depth;
	struct sbuf *o = w->o;

	sbuf_reserve(o, n);
	o->p[o->len] = '\n';
	memset(o->p + o->len + 1, ' ', n - 1);
	o->len += n;
	o->p[o->len] = 0;
}

/* Separator and indentation before a value (none right after a key). */
static void
pre(struct cg_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth])
		sbuf_addc(w->o, ',');
	w->empty[w->depth] = false;
	newline(w);
}

void
cg_jw_key(struct cg_jw *w, const char *k)
{
	pre(w);
	cg_put_json_str(w->o, k, strlen(k));
	sbuf_adds(w->o, ": ");
	w->after_key = true;
}

void
cg_jw_open(struct cg_jw *w, char c)
{
	pre(w);
	sbuf_addc(w->o, c);
	BASE_ASSERT(w->depth + 1 < (int)ARRAY_LEN(w->empty));
	w->depth++;
	w->empty[w->depth] = true;
}

void
cg_jw_close(struct cg_jw *w, char c)
{
	bool empty = w->empty[w->depth];

	w->depth--;
	if (!empty)
		newline(w);
	sbuf_addc(w->o, c);
}

void
cg_jw_str(struct cg_jw *w, const char *s, size_t n)
{
	pre(w);
	cg_put_json_str(w->o, s, n);
}

void
cg_jw_raw(struct cg_jw *w, const char *s)
{
	pre(w);
	sbuf_adds(w->o, s);
}

void
cg_jw_num(struct cg_jw *w, double v)
{
	pre(w);
	cg_put_number(w->o, v);
}
