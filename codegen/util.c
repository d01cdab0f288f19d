/*
 * util.c - helpers every emitter shares: span text, name order, name
 * helpers, string literals, numbers, header comments, lookups.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

void
cg_decl_facts(struct cg_decl *d, struct arena *a)
{
	const struct ast_unit *u = d->ast;
	const struct ast_trigger *t;
	struct sbuf w;

	if (!d->name)
		d->name = u->name ? arena_strndup(a, u->name->s, u->name->len)
				  : "";
	d->flags = 0;
	d->guard = NULL;
	d->warnings = NULL;
	memset(&d->iface, 0, sizeof(d->iface));
	switch (u->kind) {
	case UNIT_PAGE:
		if (u->u.view->guard)
			d->guard = arena_strndup(a, u->u.view->guard->s,
						 u->u.view->guard->len);
		break;
	case UNIT_COMPONENT:
		if (u->u.view->has_style)
			d->flags |= CG_DECL_STYLE;
		sbuf_init(&w);
		cg__component_facts(d, &w, &d->iface);
		if (w.len)
			d->warnings = arena_strndup(a, w.p, w.len);
		sbuf_free(&w);
		break;
	case UNIT_WORKFLOW:
		for (t = u->u.workflow->triggers; t; t = t->next)
			if (t->kind == TRIG_WEBHOOK)
				d->flags |= CG_DECL_WEBHOOK;
		break;
	default:
		break;
	}
}

const char *
cg_text(const struct cg_decl *d, struct span s)
{
	if (s.off > d->len)
		return d->text + d->len;
	return d->text + s.off;
}

void
cg_put_span(struct sbuf *o, const struct cg_decl *d, struct span s)
{
	uint32_t len = s.len;

	if (s.off > d->len)
		return;
	if (len > d->len - s.off)
		len = d->len - s.off;
	sbuf_add(o, d->text + s.off, len);
}

/* Open addressing over decl indexes + 1 (0 is empty); one table per
 * kind. Names are interned per file worker, so compare by content. A
 * slot keeps the name's hash and the name itself: a probe that misses
 * reads neither the declaration nor its name, and a hit reads the name
 * only (the links of 8,000 entities made 24,000 lookups an edit, each
 * two or three cache misses when the slot held just the index). */
struct cg_slot {
	const char *name;
	uint32_t idx;               /* decl index + 1; 0: empty */
	uint32_t hash;
};

struct cg_table {
	struct cg_slot *slots;
	size_t cap;
};

struct cg_index {
	struct cg_table entities;
	struct cg_table components;
	struct cg_table pages;
};

static const char *
decl_name(const struct cg_decl *d)
{
	return d->name;
}

static void
table_build(struct cg_table *t, const struct cg_decl *v, size_t n)
{
	size_t i, j;

	t->cap = 16;
	while (t->cap < n * 2)
		t->cap *= 2;
	t->slots = xcalloc_written(t->cap, sizeof(*t->slots));
	for (i = 0; i < n; i++) {
		const char *nm = decl_name(&v[i]);
		uint32_t h = hash_str32(nm, strlen(nm));

		for (j = h & (t->cap - 1); t->slots[j].idx;
		     j = (j + 1) & (t->cap - 1))
			if (t->slots[j].hash == h &&
			    strcmp(t->slots[j].name, nm) == 0)
				break;
		if (!t->slots[j].idx) {  /* first one wins */
			t->slots[j].name = nm;
			t->slots[j].idx = (uint32_t)i + 1;
			t->slots[j].hash = h;
		}
	}
}

void
cg_model_index(struct cg_model *m)
{
	m->index = xcalloc(1, sizeof(*m->index));
	table_build(&m->index->entities, m->entities, m->nentities);
	table_build(&m->index->components, m->components, m->ncomponents);
	table_build(&m->index->pages, m->pages, m->npages);
}

void
cg_model_index_free(struct cg_model *m)
{
	if (!m->index)
		return;
	free(m->index->entities.slots);
	free(m->index->components.slots);
	free(m->index->pages.slots);
	free(m->index);
	m->index = NULL;
}

static const struct cg_decl *
find_named(const struct cg_table *t, const struct cg_decl *v, size_t n,
	   const char *name)
{
	size_t i, j;
	uint32_t h;

	if (!t) {
		for (i = 0; i < n; i++)
			if (strcmp(decl_name(&v[i]), name) == 0)
				return &v[i];
		return NULL;
	}
	h = hash_str32(name, strlen(name));
	for (j = h & (t->cap - 1); t->slots[j].idx; j = (j + 1) & (t->cap - 1))
		if (t->slots[j].hash == h &&
		    strcmp(t->slots[j].name, name) == 0)
			return &v[t->slots[j].idx - 1];
	return NULL;
}

const struct cg_decl *
cg_find_entity(const struct cg_model *m, const char *name)
{
	return find_named(m->index ? &m->index->entities : NULL, m->entities,
			  m->nentities, name);
}

const struct cg_decl *
cg_find_component(const struct cg_model *m, const char *name)
{
	return find_named(m->index ? &m->index->components : NULL,
			  m->components, m->ncomponents, name);
}

const struct cg_decl *
cg_find_page(const struct cg_model *m, const char *name)
{
	return find_named(m->index ? &m->index->pages : NULL, m->pages,
			  m->npages, name);
}

/* ---- name order ---- */

/* Collation weight of an ASCII character ignoring case: '_' first, then
 * other punctuation, then digits, then letters (ICU root order). */
static int
weight(unsigned char c)
{
	if (c == '_')
		return 1;
	if (c >= '0' && c <= '9')
		return 100 + (c - '0');
	if (c >= 'a' && c <= 'z')
		return 200 + (c - 'a');
	if (c >= 'A' && c <= 'Z')
		return 200 + (c - 'A');
	return 10 + c; /* other punctuation, before digits, by code */
}

int
cg_name_cmp(const char *a, const char *b)
{
	size_t i;

	/* Primary: letters compare without case. The same byte has the
	 * same weight: names that share a long prefix (E0001, E0002, ...)
	 * are not weighed byte by byte. */
	for (i = 0; a[i] && b[i]; i++) {
		int wa, wb;

		if (a[i] == b[i])
			continue;
		wa = weight((unsigned char)a[i]);
		wb = weight((unsigned char)b[i]);
		if (wa != wb)
			return wa < wb ? -1 : 1;
	}
	if (a[i] || b[i])
		return a[i] ? 1 : -1; /* a proper prefix first */
	/* Tertiary: at the first case difference, lower case first. */
	for (i = 0; a[i]; i++) {
		if (a[i] != b[i]) {
			bool la = a[i] >= 'a' && a[i] <= 'z';

			return la ? -1 : 1;
		}
	}
	return 0;
}


/* Merges idx[lo..mid) and idx[mid..hi) through tmp; ties keep the
 * earlier index first, so equal names stay in merged order. */
static void
merge_sort(const struct cg_decl *list, size_t *idx, size_t *tmp, size_t lo,
	   size_t hi)
{
	size_t mid, i, j, k;

	if (hi - lo < 2)
		return;
	mid = lo + (hi - lo) / 2;
	merge_sort(list, idx, tmp, lo, mid);
	merge_sort(list, idx, tmp, mid, hi);
	for (i = lo, j = mid, k = lo; k < hi; k++) {
		if (j >= hi || (i < mid && cg_name_cmp(decl_name(&list[idx[i]]),
						       decl_name(&list[idx[j]])) <= 0))
			tmp[k] = idx[i++];
		else
			tmp[k] = idx[j++];
	}
	memcpy(idx + lo, tmp + lo, (hi - lo) * sizeof(*idx));
}

void
cg_sort_by_name(const struct cg_decl *list, size_t *idx, size_t n)
{
	/* No global comparator context: emitters may run on several
	 * threads at once. */
	size_t *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));

	merge_sort(list, idx, tmp, 0, n);
	free(tmp);
}

/* ---- name helpers (OUTPUTS.md 2.3) ---- */

void
cg_put_lower_first(struct sbuf *o, const char *name)
{
	if (!*name)
		return;
	sbuf_addc(o, (char)(name[0] >= 'A' && name[0] <= 'Z' ? name[0] + 32
							     : name[0]));
	sbuf_adds(o, name + 1);
}

void
cg_put_capitalize(struct sbuf *o, const char *name)
{
	if (!*name)
		return;
	sbuf_addc(o, (char)(name[0] >= 'a' && name[0] <= 'z' ? name[0] - 32
							     : name[0]));
	sbuf_adds(o, name + 1);
}

void
cg_put_kebab(struct sbuf *o, const char *name)
{
	size_t i;
	bool dash = false;

	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (c == '_' || c == ' ' || c == '\t') {
			dash = true;
			continue;
		}
		if (dash && o->len) {
			sbuf_addc(o, '-');
		}
		dash = false;
		/* A dash between a lower-case letter and an upper-case one. */
		if (i > 0 && c >= 'A' && c <= 'Z' && name[i - 1] >= 'a' &&
		    name[i - 1] <= 'z')
			sbuf_addc(o, '-');
		sbuf_addc(o, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
}

/* ---- literals ---- */

void
cg_put_json_str(struct sbuf *o, const char *s, size_t n)
{
	sbuf_addc(o, '"');
	sbuf_add_json_str(o, s, n);
	sbuf_addc(o, '"');
}

void
cg_put_ts_str(struct sbuf *o, const char *s, size_t n)
{
	size_t i;

	sbuf_addc(o, '\'');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\'': sbuf_adds(o, "\\'"); break;
		case '\\': sbuf_adds(o, "\\\\"); break;
		case '\n': sbuf_adds(o, "\\n"); break;
		case '\r': sbuf_adds(o, "\\r"); break;
		case '\t': sbuf_adds(o, "\\t"); break;
		default:
			if (c < 0x20)
				sbuf_printf(o, "\\x%02x", c);
			else
				sbuf_addc(o, (char)c);
		}
	}
	sbuf_addc(o, '\'');
}

void
cg_put_number(struct sbuf *o, double v)
{
	char buf[64];
	int prec;

	if (v == 0) {
		sbuf_addc(o, '0');
		return;
	}
	if (!isfinite(v)) {
		sbuf_adds(o, "0");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, sizeof(buf), "%.0f", v);
		sbuf_adds(o, buf);
		return;
	}
	/* The shortest precision that reads back as the same double. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	sbuf_adds(o, buf);
}

void
cg_put_header(struct sbuf *o, const char *kind, bool css)
{
	if (css)
		sbuf_printf(o, "/* Generated by locusc from Locus sources "
			       "(%s). Do not edit. */\n", kind);
	else
		sbuf_printf(o, "// Generated by locusc from Locus sources "
			       "(%s). Do not edit.\n", kind);
}

const struct ast_field *
cg_entity_id_field(const struct ast_entity *e)
{
	const struct ast_field *f;

	for (f = e->fields; f; f = f->next)
		for (const struct ast_attr *a = f->attrs; a; a = a->next)
			if (f->name && a->name && strcmp(a->name->s, "id") == 0)
				return f;
	for (f = e->fields; f; f = f->next)
		if (f->name && strcmp(f->name->s, "id") == 0 && !f->type.list)
			return f;
	return NULL;
}
