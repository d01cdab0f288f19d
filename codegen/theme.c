/*
 * theme.c - theme.css (OUTPUTS.md section 11): one `[data-theme="x"]`
 * rule per colour theme with a `--color-<key>` variable per token.
 *
 * Merging (LANGUAGE.md section 12): design sections are taken in model
 * order; a theme repeated inside one `colors` section merges its tokens
 * (a later key wins), a theme defined again by a later section replaces
 * the earlier one wholesale. Themes and tokens are printed in code-unit
 * order.
 *
 * locusc also writes a `:root` rule with the other design tokens as CSS
 * variables, so the runtime's base.css (which reads them) is styled by
 * the design system: `--font-family`, `--font-size-base`,
 * `--font-weight-<k>`, `--space-<k>`, `--radius-<k>`, `--shadow-<k>`
 * (bare numbers in spacing and radii are pixels). Later sections win per
 * key.
 */
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

/* One resolved token: its key and where its value is. */
struct tok {
	const char *key;
	const struct cg_decl *d;
	const struct ast_dtoken *t;
	const char *prefix;        /* CSS variable prefix (:root only) */
};

struct tokset {
	struct tok *v;
	size_t n;
	size_t cap;
};

/* Sets key to token t, replacing an earlier value of the same key. */
static void
tokset_put(struct tokset *s, const char *prefix, const char *key,
	   const struct cg_decl *d, const struct ast_dtoken *t)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].key, key) == 0 &&
		    strcmp(s->v[i].prefix, prefix) == 0) {
			s->v[i].d = d;
			s->v[i].t = t;
			return;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].key = key;
	s->v[s->n].d = d;
	s->v[s->n].t = t;
	s->v[s->n].prefix = prefix;
	s->n++;
}

struct theme {
	const char *name;
	size_t unit;               /* the design section that defined it */
	struct tokset toks;
};

static int
tok_cmp(const void *a, const void *b)
{
	const struct tok *x = a, *y = b;
	int c = strcmp(x->prefix, y->prefix);

	return c ? c : strcmp(x->key, y->key);
}

static int
theme_cmp(const void *a, const void *b)
{
	return strcmp(((const struct theme *)a)->name,
		      ((const struct theme *)b)->name);
}

static void
put_value(struct sbuf *o, const struct tok *k, bool px)
{
	cg_put_span(o, k->d, k->t->value);
	if (px && k->t->kind == DTOK_NUMBER && k->t->num != 0)
		sbuf_adds(o, "px");
}

/* The :root rule with the non-colour tokens; nothing when there are
 * none. */
static void
put_root(const struct cg_model *m, struct sbuf *o)
{
	struct tokset s = { 0 };
	size_t i, k;

	for (i = 0; i < m->ndesign; i++) {
		const struct cg_decl *d = &m->design[i];
		const struct ast_design *ds = d->ast->u.design;
		const struct ast_dtoken *t;
		const char *prefix = NULL;

		switch (ds->section) {
		case DS_COLORS:
			continue;
		case DS_TYPOGRAPHY:
			for (t = ds->tokens; t; t = t->next) {
				if (strcmp(t->key->s, "fontFamily") == 0)
					tokset_put(&s, "font-family", "", d, t);
				else if (strcmp(t->key->s, "baseSize") == 0)
					tokset_put(&s, "font-size-base", "", d,
						   t);
			}
			for (t = ds->weights; t; t = t->next)
				tokset_put(&s, "font-weight-", t->key->s, d,
					   t);
			continue;
		case DS_SPACING:
			prefix = "space-";
			break;
		case DS_RADII:
			prefix = "radius-";
			break;
		case DS_SHADOWS:
			prefix = "shadow-";
			break;
		}
		for (t = ds->tokens; t; t = t->next)
			tokset_put(&s, prefix, t->key->s, d, t);
	}
	if (!s.n)
		return;
	qsort(s.v, s.n, sizeof(*s.v), tok_cmp);
	sbuf_adds(o, "\n:root {\n");
	for (k = 0; k < s.n; k++) {
		bool px = strcmp(s.v[k].prefix, "space-") == 0 ||
			  strcmp(s.v[k].prefix, "radius-") == 0;

		sbuf_printf(o, "  --%s%s: ", s.v[k].prefix, s.v[k].key);
		put_value(o, &s.v[k], px);
		sbuf_adds(o, ";\n");
	}
	sbuf_adds(o, "}\n");
	free(s.v);
}

void
cg_emit_theme_css(const struct cg_model *m, size_t index, struct sbuf *o)
{
	struct theme *th = NULL;
	size_t nth = 0, i, k;

	(void)index;
	for (i = 0; i < m->ndesign; i++) {
		const struct cg_decl *d = &m->design[i];
		const struct ast_design *ds = d->ast->u.design;
		const struct ast_theme *t;
		const struct ast_dtoken *tk;

		if (ds->section != DS_COLORS)
			continue;
		for (t = ds->themes; t; t = t->next) {
			for (k = 0; k < nth; k++)
				if (strcmp(th[k].name, t->name->s) == 0)
					break;
			if (k == nth) {
				th = xrealloc(th, (nth + 1) * sizeof(*th));
				memset(&th[nth], 0, sizeof(*th));
				th[nth].name = t->name->s;
				th[nth].unit = i;
				nth++;
			} else if (th[k].unit != i) {
				/* A later section replaces the theme. */
				th[k].toks.n = 0;
				th[k].unit = i;
			}
			for (tk = t->tokens; tk; tk = tk->next)
				tokset_put(&th[k].toks, "", tk->key->s, d, tk);
		}
	}

	cg_put_header(o, "theme css", true);
	if (!nth)
		sbuf_adds(o, "/* No colours are defined in the design system. "
			     "*/\n");
	if (nth)
		qsort(th, nth, sizeof(*th), theme_cmp);
	for (i = 0; i < nth; i++) {
		struct tokset *s = &th[i].toks;

		if (s->n)
			qsort(s->v, s->n, sizeof(*s->v), tok_cmp);
		sbuf_printf(o, "%s[data-theme=\"%s\"] {\n", i ? "\n" : "",
			    th[i].name);
		for (k = 0; k < s->n; k++) {
			sbuf_printf(o, "  --color-%s: ", s->v[k].key);
			put_value(o, &s->v[k], false);
			sbuf_adds(o, ";\n");
		}
		sbuf_adds(o, "}\n");
		free(s->v);
	}
	free(th);
	put_root(m, o);
}
