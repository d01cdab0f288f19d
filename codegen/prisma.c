/*
 * prisma.c - prisma/schema.prisma and .env.example (OUTPUTS.md 4).
 *
 * The schema must pass Prisma's own validator, so beyond printing each
 * entity's fields and relations this file completes the relation graph
 * the way Prisma wants it:
 *
 *   - every relation gets an opposite side. Declared relations are paired
 *     first through `inverse:` (either side), then by order: the n-th
 *     unpaired belongs_to of A pointing at B pairs with the n-th unpaired
 *     has_many/has_one of B pointing at A; has_many on both sides pairs
 *     into an implicit many-to-many.
 *   - a belongs_to left alone gets a back-relation field on its target:
 *     lowerFirst(Source) + "s" (a list), or lowerFirst(Source) (optional,
 *     to-one) when the foreign key is unique.
 *   - a has_many/has_one left alone gets a synthesized foreign-key side on
 *     its target: an optional scalar lowerFirst(Source) + "Id" of the
 *     source's id type (unique for has_one) and an optional relation
 *     lowerFirst(Source) holding it.
 *   - a synthesized name that is already taken on the model gets the
 *     smallest suffix 2, 3, ... that frees it.
 *   - a one-to-one pair (has_one / belongs_to) gets @unique on the
 *     foreign key.
 *   - when two models are linked by more than one relation, or a model to
 *     itself, every relation between them is named "<Model>_<field>"
 *     after the side that owns it (the belongs_to side, else the declared
 *     side, else the first in name order), on both fields.
 *
 * Everything is computed in name order of the models and source order of
 * the members, so the text depends on the sources only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

/* ---- types ---- */

static const char *const prims[][2] = {
	{ "String", "String" },   { "Text", "String" },
	{ "Integer", "Int" },     { "Decimal", "Decimal" },
	{ "Boolean", "Boolean" }, { "DateTime", "DateTime" },
	{ "Json", "Json" },       { "BigInt", "BigInt" },
	{ "Float", "Float" },     { "UUID", "String" },
	{ "Email", "String" },    { "URL", "String" },
};

/* The Prisma type of a Locus primitive; an unknown name (a type alias the
 * model does not resolve) falls back to String. */
static const char *
prisma_type(const char *locus)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(prims); i++)
		if (strcmp(prims[i][0], locus) == 0)
			return prims[i][1];
	return "String";
}

static bool
has_attr(const struct ast_attr *a, const char *name)
{
	for (; a; a = a->next)
		if (a->name && strcmp(a->name->s, name) == 0)
			return true;
	return false;
}

static const struct ast_attr *
find_attr(const struct ast_attr *a, const char *name)
{
	for (; a; a = a->next)
		if (a->name && strcmp(a->name->s, name) == 0)
			return a;
	return NULL;
}

/*
 * Decodes the inside of a Locus string literal (escapes kept as written
 * by the lexer) and appends it as a Prisma string literal.
 */
static void
put_prisma_str(struct sbuf *o, const char *s, size_t n)
{
	size_t i;

	sbuf_addc(o, '"');
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			char e = s[++i];

			switch (e) {
			case 'n': sbuf_adds(o, "\\n"); break;
			case 't': sbuf_adds(o, "\\t"); break;
			case 'r': sbuf_adds(o, "\\r"); break;
			case '\\': sbuf_adds(o, "\\\\"); break;
			case '"': sbuf_adds(o, "\\\""); break;
			default: sbuf_addc(o, e); break;
			}
			continue;
		}
		if (c == '"')
			sbuf_adds(o, "\\\"");
		else if (c == '\\')
			sbuf_adds(o, "\\\\");
		else if (c == '\n')
			sbuf_adds(o, "\\n");
		else if (c == '\r')
			sbuf_adds(o, "\\r");
		else if (c == '\t')
			sbuf_adds(o, "\\t");
		else
			sbuf_addc(o, c);
	}
	sbuf_addc(o, '"');
}

/* A default value: numbers shortest, strings quoted, true/false as
 * booleans, other identifiers as strings, calls with their arguments. */
static void
put_default_value(struct sbuf *o, const struct cg_decl *d,
		  const struct ast_expr *e)
{
	const struct ast_arg *a;

	if (!e) {
		sbuf_adds(o, "\"\"");
		return;
	}
	switch (e->kind) {
	case EXPR_NUMBER:
	case EXPR_SIZE:
	case EXPR_DURATION:
		cg_put_number(o, e->num);
		break;
	case EXPR_STRING:
		put_prisma_str(o, cg_text(d, e->str), e->str.len);
		break;
	case EXPR_IDENT:
		if (strcmp(e->name->s, "true") == 0 ||
		    strcmp(e->name->s, "false") == 0)
			sbuf_adds(o, e->name->s);
		else
			put_prisma_str(o, e->name->s, e->name->len);
		break;
	case EXPR_UNARY:
		if (e->op == EOP_NEG)
			sbuf_addc(o, '-');
		put_default_value(o, d, e->a);
		break;
	case EXPR_PAREN:
		put_default_value(o, d, e->a);
		break;
	case EXPR_ARRAY:
		sbuf_addc(o, '[');
		for (a = e->args; a; a = a->next) {
			put_default_value(o, d, a->value);
			if (a->next)
				sbuf_adds(o, ", ");
		}
		sbuf_addc(o, ']');
		break;
	case EXPR_CALL:
		if (e->a && e->a->kind == EXPR_IDENT)
			sbuf_adds(o, e->a->name->s);
		else
			cg_put_span(o, d, e->a ? e->a->span : e->span);
		sbuf_addc(o, '(');
		for (a = e->args; a; a = a->next) {
			put_default_value(o, d, a->value);
			if (a->next)
				sbuf_adds(o, ", ");
		}
		sbuf_addc(o, ')');
		break;
	default:
		cg_put_span(o, d, e->span);
		break;
	}
}

/* ---- the relation graph ---- */

struct rel {
	const struct ast_relation *r;
	int target;        /* entity index, -1 when unknown */
	int pent, prel;    /* the paired relation, -1 when none */
	int synth;         /* index of the synthesized opposite, or -1 */
	char *name;        /* relation name, or NULL */
};

enum synth_kind {
	SYN_BACK_LIST,     /* back side of a belongs_to: Source[] */
	SYN_BACK_ONE,      /* back side of a unique belongs_to: Source? */
	SYN_FK,            /* foreign-key side of a has_many / has_one */
};

struct synth {
	enum synth_kind kind;
	int src;           /* the entity whose relation asked for it */
	int srel;          /* that relation */
	char *field;       /* relation field name */
	char *fk;          /* SYN_FK: scalar field name */
	bool fk_unique;    /* SYN_FK for a has_one */
};

struct ent {
	const struct cg_decl *d;
	const struct ast_entity *e;
	const char *name;
	const struct ast_field *id;   /* the @id field, or NULL (implicit) */
	struct rel *rels;
	int nrels;
	struct synth *syn;
	int nsyn;
	int cap;
	/* Foreign keys that must be @unique (one-to-one), by field. */
	const struct ast_field **uniq;
	int nuniq;
	/* Every name taken on the model (fields, relations, synthesized
	 * fields and keys): a set, since an entity many others point at
	 * gets one synthesized field per relation. */
	const char **names;
	size_t ncap, nnames;
};

struct graph {
	struct ent *v;
	int n;
	size_t *order;     /* indexes of the loaded entities, in name order */
	int norder;
};

/* g->v[i] is m->entities[i]; the model's hash index finds the name. */
static int
entity_index(const struct cg_model *m, const char *name)
{
	const struct cg_decl *d = cg_find_entity(m, name);

	return d ? (int)(d - m->entities) : -1;
}

static const struct ast_field *
field_named(const struct ast_entity *e, const char *name)
{
	const struct ast_field *f;

	for (f = e->fields; f; f = f->next)
		if (f->name && strcmp(f->name->s, name) == 0)
			return f;
	return NULL;
}

static const char *
id_name(const struct ent *t)
{
	return t->id ? t->id->name->s : "id";
}

static const char *
id_locus_type(const struct ent *t)
{
	return t->id ? t->id->type.name->s : "Integer";
}

/* The foreign-key field of belongs_to r: the declared `rId`. */
static const struct ast_field *
fk_field(const struct ent *s, const struct ast_relation *r)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%sId", r->name->s);
	return field_named(s->e, buf);
}

static bool
fk_optional(const struct ent *s, const struct ast_relation *r)
{
	const struct ast_field *f = fk_field(s, r);

	return r->optional ||
	       (f && (f->type.optional || f->type.nullable));
}

static bool
names_has(const struct ent *t, const char *name)
{
	size_t j;

	if (!t->ncap)
		return false;
	for (j = hash_str32(name, strlen(name)) & (t->ncap - 1); t->names[j];
	     j = (j + 1) & (t->ncap - 1))
		if (strcmp(t->names[j], name) == 0)
			return true;
	return false;
}

/* name must outlive the graph (a tree's or a synth's string). */
static void
names_add(struct ent *t, const char *name)
{
	size_t j;

	if (names_has(t, name))
		return;
	if ((t->nnames + 1) * 2 > t->ncap) {
		const char **old = t->names;
		size_t oldcap = t->ncap, i;

		t->ncap = t->ncap ? t->ncap * 2 : 16;
		t->names = xcalloc(t->ncap, sizeof(*t->names));
		for (i = 0; i < oldcap; i++) {
			if (!old[i])
				continue;
			for (j = hash_str32(old[i], strlen(old[i])) &
				 (t->ncap - 1);
			     t->names[j]; j = (j + 1) & (t->ncap - 1))
				;
			t->names[j] = old[i];
		}
		free(old);
	}
	for (j = hash_str32(name, strlen(name)) & (t->ncap - 1); t->names[j];
	     j = (j + 1) & (t->ncap - 1))
		;
	t->names[j] = name;
	t->nnames++;
}

/* A field, relation, synthesized field or key of t has the name. */
static bool
name_taken(const struct ent *t, const char *name)
{
	return names_has(t, name) || (!t->id && strcmp(name, "id") == 0);
}

static char *
lower_first_dup(const char *s, const char *suffix)
{
	struct sbuf b;

	sbuf_init(&b);
	cg_put_lower_first(&b, s);
	sbuf_adds(&b, suffix);
	return b.p;
}

/* base, base2, base3, ...: the first that is free on t (with `fk` set,
 * name + "Id" must be free too). */
static char *
free_name(const struct ent *t, const char *base, bool fk)
{
	char buf[600];
	int k;

	for (k = 1;; k++) {
		if (k == 1)
			snprintf(buf, sizeof(buf), "%s", base);
		else
			snprintf(buf, sizeof(buf), "%s%d", base, k);
		if (name_taken(t, buf))
			continue;
		if (fk) {
			char id[620];

			snprintf(id, sizeof(id), "%sId", buf);
			if (name_taken(t, id))
				continue;
		}
		return xstrdup(buf);
	}
}

static int
add_synth(struct ent *t, enum synth_kind kind, int src, int srel)
{
	struct synth *s;

	if (t->nsyn == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->syn = xrealloc(t->syn, (size_t)t->cap * sizeof(*t->syn));
	}
	s = &t->syn[t->nsyn];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->src = src;
	s->srel = srel;
	return t->nsyn++;
}

static void
mark_unique(struct ent *s, const struct ast_field *f)
{
	int i;

	if (!f || has_attr(f->attrs, "unique") || has_attr(f->attrs, "id"))
		return;
	for (i = 0; i < s->nuniq; i++)
		if (s->uniq[i] == f)
			return;
	s->uniq = xrealloc(s->uniq, (size_t)(s->nuniq + 1) * sizeof(*s->uniq));
	s->uniq[s->nuniq++] = f;
}

static bool
needs_unique(const struct ent *s, const struct ast_field *f)
{
	int i;

	for (i = 0; i < s->nuniq; i++)
		if (s->uniq[i] == f)
			return true;
	return false;
}

/* Whether relations a (on entity ea) and b (on eb) can be two sides of
 * one Prisma relation. */
static bool
can_pair(const struct graph *g, int ea, int ia, int eb, int ib)
{
	const struct rel *a = &g->v[ea].rels[ia];
	const struct rel *b = &g->v[eb].rels[ib];
	enum rel_kind ka = a->r->kind, kb = b->r->kind;

	if (ea == eb && ia == ib)
		return false;
	if (a->pent >= 0 || b->pent >= 0)
		return false;
	if (a->target != eb || b->target != ea)
		return false;
	if (ka == REL_BELONGS_TO)
		return kb == REL_HAS_MANY || kb == REL_HAS_ONE;
	if (kb == REL_BELONGS_TO)
		return ka == REL_HAS_MANY || ka == REL_HAS_ONE;
	return ka == REL_HAS_MANY && kb == REL_HAS_MANY;
}

static void
pair(struct graph *g, int ea, int ia, int eb, int ib)
{
	g->v[ea].rels[ia].pent = eb;
	g->v[ea].rels[ia].prel = ib;
	g->v[eb].rels[ib].pent = ea;
	g->v[eb].rels[ib].prel = ia;
}

static int
rel_named(const struct ent *t, const char *name)
{
	int i;

	for (i = 0; i < t->nrels; i++)
		if (t->rels[i].r->name &&
		    strcmp(t->rels[i].r->name->s, name) == 0)
			return i;
	return -1;
}

/* Pairs through inverse:, then by order (see the file comment). */
static void
pair_relations(struct graph *g)
{
	int k, i, j;

	/* 1. inverse: on either side. */
	for (k = 0; k < g->norder; k++) {
		int ea = (int)g->order[k];
		struct ent *a = &g->v[ea];

		for (i = 0; i < a->nrels; i++) {
			const struct rel *r = &a->rels[i];
			int ib;

			if (!r->r->inverse || r->target < 0 || r->pent >= 0)
				continue;
			ib = rel_named(&g->v[r->target], r->r->inverse->s);
			if (ib >= 0 && can_pair(g, ea, i, r->target, ib))
				pair(g, ea, i, r->target, ib);
		}
	}
	/* 2. by order: belongs_to with has_many / has_one. */
	for (k = 0; k < g->norder; k++) {
		int ea = (int)g->order[k];
		struct ent *a = &g->v[ea];

		for (i = 0; i < a->nrels; i++) {
			const struct rel *r = &a->rels[i];
			struct ent *t;

			if (r->r->kind != REL_BELONGS_TO || r->target < 0 ||
			    r->pent >= 0)
				continue;
			t = &g->v[r->target];
			for (j = 0; j < t->nrels; j++) {
				if (t->rels[j].r->inverse)
					continue;
				if (can_pair(g, ea, i, r->target, j)) {
					pair(g, ea, i, r->target, j);
					break;
				}
			}
		}
	}
	/* 3. by order: has_many on both sides (many-to-many). */
	for (k = 0; k < g->norder; k++) {
		int ea = (int)g->order[k];
		struct ent *a = &g->v[ea];

		for (i = 0; i < a->nrels; i++) {
			const struct rel *r = &a->rels[i];
			struct ent *t;

			if (r->r->kind != REL_HAS_MANY || r->target < 0 ||
			    r->pent >= 0)
				continue;
			t = &g->v[r->target];
			for (j = 0; j < t->nrels; j++) {
				if (t->rels[j].r->inverse)
					continue;
				if (can_pair(g, ea, i, r->target, j)) {
					pair(g, ea, i, r->target, j);
					break;
				}
			}
		}
	}
}

/* Unique foreign keys of belongs_to relations: declared @unique on the
 * field, @unique on the relation, or the partner is a has_one. */
static bool
fk_is_unique(const struct graph *g, int ea, int ia)
{
	const struct ent *a = &g->v[ea];
	const struct rel *r = &a->rels[ia];
	const struct ast_field *f = fk_field(a, r->r);

	if (r->pent >= 0)
		return g->v[r->pent].rels[r->prel].r->kind == REL_HAS_ONE;
	if (f && (has_attr(f->attrs, "unique") || has_attr(f->attrs, "id")))
		return true;
	return has_attr(r->r->attrs, "unique");
}

static void
complete_relations(struct graph *g)
{
	int k, i;

	for (k = 0; k < g->norder; k++) {
		int ea = (int)g->order[k];
		struct ent *a = &g->v[ea];

		for (i = 0; i < a->nrels; i++) {
			struct rel *r = &a->rels[i];
			struct ent *t;
			struct synth *s;
			int si;

			if (r->target < 0)
				continue;
			t = &g->v[r->target];
			if (r->pent >= 0) {
				if (r->r->kind == REL_BELONGS_TO &&
				    fk_is_unique(g, ea, i))
					mark_unique(a, fk_field(a, r->r));
				continue;
			}
			if (r->r->kind == REL_BELONGS_TO) {
				bool one = fk_is_unique(g, ea, i);
				char *base = lower_first_dup(a->name,
							     one ? "" : "s");
				char *field = free_name(t, base, false);

				free(base);
				if (one)
					mark_unique(a, fk_field(a, r->r));
				si = add_synth(t, one ? SYN_BACK_ONE
						      : SYN_BACK_LIST,
					       ea, i);
				t->syn[si].field = field;
				names_add(t, field);
			} else {
				char *base = lower_first_dup(a->name, "");
				char *field = free_name(t, base, true);

				free(base);
				si = add_synth(t, SYN_FK, ea, i);
				s = &t->syn[si];
				s->field = field;
				s->fk = lower_first_dup(field, "Id");
				s->fk_unique = r->r->kind == REL_HAS_ONE;
				names_add(t, s->field);
				names_add(t, s->fk);
			}
			r->synth = si;
		}
	}
}

/* The number of Prisma relations between entities x and y. */
static int
links_between(const struct graph *g, int x, int y)
{
	int n = 0, e, i, k;

	/* Only x's and y's own relations can link the two (once when x is
	 * y): looking at every entity made this quadratic in the project. */
	for (k = 0; k < (x == y ? 1 : 2); k++) {
		const struct ent *a;

		e = k == 0 ? x : y;
		a = &g->v[e];
		for (i = 0; i < a->nrels; i++) {
			const struct rel *r = &a->rels[i];

			if (r->target < 0)
				continue;
			if (!((e == x && r->target == y) ||
			      (e == y && r->target == x)))
				continue;
			/* A pair is counted once, from its first side. */
			if (r->pent >= 0 &&
			    (r->pent < e || (r->pent == e && r->prel < i)))
				continue;
			n++;
		}
	}
	return n;
}

static char *
relation_label(const char *model, const char *field)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, "%s_%s", model, field);
	return b.p;
}

static void
name_relations(struct graph *g)
{
	int e, i;

	for (e = 0; e < g->n; e++) {
		struct ent *a = &g->v[e];

		for (i = 0; i < a->nrels; i++) {
			struct rel *r = &a->rels[i];
			int owner_e = e, owner_i = i;
			struct rel *p;

			if (r->target < 0 || r->name)
				continue;
			if (r->target != e && links_between(g, e, r->target) < 2)
				continue;
			if (r->pent >= 0) {
				p = &g->v[r->pent].rels[r->prel];
				if (p->r->kind == REL_BELONGS_TO ||
				    (r->r->kind != REL_BELONGS_TO &&
				     cg_name_cmp(g->v[r->pent].name, a->name) <
					     0)) {
					owner_e = r->pent;
					owner_i = r->prel;
				}
				r->name = relation_label(
					g->v[owner_e].name,
					g->v[owner_e].rels[owner_i].r->name->s);
				p->name = xstrdup(r->name);
			} else {
				r->name = relation_label(a->name,
							 r->r->name->s);
			}
		}
	}
}

static void
graph_build(struct graph *g, const struct cg_model *m)
{
	int i, j;

	g->n = (int)m->nentities;
	g->v = xcalloc(m->nentities ? m->nentities : 1, sizeof(*g->v));
	g->order = xcalloc(m->nentities ? m->nentities : 1, sizeof(size_t));
	g->norder = 0;
	/* An entity without a tree (the incremental engine loads only the
	 * ones a fragment reads) takes no part: no fields, no relations. */
	for (i = 0; i < g->n; i++) {
		struct ent *t = &g->v[i];

		t->d = &m->entities[i];
		t->name = t->d->name ? t->d->name : "";
		if (!t->d->ast)
			continue;
		t->e = t->d->ast->u.entity;
		t->name = t->d->ast->name ? t->d->ast->name->s : "";
		g->order[g->norder++] = (size_t)i;
	}
	cg_sort_by_name(m->entities, g->order, (size_t)g->norder);
	for (i = 0; i < g->n; i++) {
		struct ent *t = &g->v[i];
		const struct ast_relation *r;
		const struct ast_field *f;

		if (!t->e)
			continue;
		t->id = cg_entity_id_field(t->e);
		for (f = t->e ? t->e->fields : NULL; f; f = f->next)
			if (f->name)
				names_add(t, f->name->s);
		for (r = t->e ? t->e->relations : NULL; r; r = r->next) {
			if (r->name)
				names_add(t, r->name->s);
			if (r->name && r->target)
				t->nrels++;
		}
		t->rels = xcalloc((size_t)(t->nrels ? t->nrels : 1),
				  sizeof(*t->rels));
		j = 0;
		for (r = t->e ? t->e->relations : NULL; r; r = r->next) {
			if (!r->name || !r->target)
				continue;
			t->rels[j].r = r;
			t->rels[j].target = entity_index(m, r->target->s);
			t->rels[j].pent = -1;
			t->rels[j].prel = -1;
			t->rels[j].synth = -1;
			j++;
		}
	}
	pair_relations(g);
	complete_relations(g);
	name_relations(g);
}

static void
graph_free(struct graph *g)
{
	int i, j;

	for (i = 0; i < g->n; i++) {
		struct ent *t = &g->v[i];

		for (j = 0; j < t->nrels; j++)
			free(t->rels[j].name);
		for (j = 0; j < t->nsyn; j++) {
			free(t->syn[j].field);
			free(t->syn[j].fk);
		}
		free(t->rels);
		free(t->syn);
		free(t->uniq);
		free(t->names);
	}
	free(g->v);
	free(g->order);
}

/* ---- printing ---- */

static const char *
referential_action(const char *od)
{
	if (!od)
		return NULL;
	if (strcmp(od, "cascade") == 0)
		return "Cascade";
	if (strcmp(od, "restrict") == 0)
		return "Restrict";
	if (strcmp(od, "set_null") == 0)
		return "SetNull";
	return NULL;
}

/* on_delete of the relation, else its legacy (policy: x), else the
 * on_delete written on the opposite has_many / has_one. */
static const char *
delete_action(const struct graph *g, const struct rel *r)
{
	const char *act = NULL;
	const struct ast_attr *pol;

	if (r->r->on_delete)
		act = referential_action(r->r->on_delete->s);
	pol = find_attr(r->r->attrs, "policy");
	if (!act && pol && pol->args && pol->args->value &&
	    pol->args->value->kind == EXPR_IDENT)
		act = referential_action(pol->args->value->name->s);
	if (!act && r->pent >= 0) {
		const struct rel *p = &g->v[r->pent].rels[r->prel];

		if (p->r->on_delete)
			act = referential_action(p->r->on_delete->s);
	}
	return act;
}

static void
put_relation_attr(struct sbuf *o, const char *name, const char *fk,
		  const char *ref, const char *action)
{
	bool comma = false;

	if (!name && !fk)
		return;
	sbuf_adds(o, " @relation(");
	if (name) {
		put_prisma_str(o, name, strlen(name));
		comma = true;
	}
	if (fk) {
		sbuf_printf(o, "%sfields: [%s], references: [%s]",
			    comma ? ", " : "", fk, ref);
		if (action)
			sbuf_printf(o, ", onDelete: %s", action);
	}
	sbuf_addc(o, ')');
}

static void
put_field(struct sbuf *o, const struct ent *t, const struct ast_field *f)
{
	const char *locus = f->type.name ? f->type.name->s : "String";
	const struct ast_attr *a;
	bool is_id = f == t->id;
	bool has_default = false;
	int pass;

	sbuf_printf(o, "  %s %s", f->name->s, prisma_type(locus));
	if (f->type.list)
		sbuf_adds(o, "[]");
	else if (f->type.optional || f->type.nullable)
		sbuf_addc(o, '?');
	if (is_id)
		sbuf_adds(o, " @id");
	/* Stored order: parenthesised attributes first, then annotations. */
	for (pass = 0; pass < 2; pass++) {
		for (a = f->attrs; a; a = a->next) {
			const char *n = a->name ? a->name->s : "";
			const struct ast_expr *v =
				a->args ? a->args->value : NULL;

			if (a->paren_form != (pass == 0))
				continue;
			if (strcmp(n, "unique") == 0 && !is_id) {
				sbuf_adds(o, " @unique");
			} else if (strcmp(n, "default") == 0) {
				/* A list's default must be a list. */
				bool wrap = f->type.list && v &&
					    v->kind != EXPR_ARRAY;

				sbuf_adds(o, wrap ? " @default([" : " @default(");
				put_default_value(o, t->d, v);
				sbuf_adds(o, wrap ? "])" : ")");
				has_default = true;
			} else if (strcmp(n, "map") == 0 && v &&
				   v->kind == EXPR_STRING) {
				sbuf_adds(o, " @map(");
				put_prisma_str(o, cg_text(t->d, v->str),
					       v->str.len);
				sbuf_addc(o, ')');
			}
		}
	}
	/* A plain `id: Integer` stands for the implicit id: keep its
	 * autoincrement. */
	if (is_id && !has_default && !has_attr(f->attrs, "id") &&
	    strcmp(locus, "Integer") == 0)
		sbuf_adds(o, " @default(autoincrement())");
	if (needs_unique(t, f))
		sbuf_adds(o, " @unique");
	if (strcmp(locus, "Text") == 0)
		sbuf_adds(o, " @db.Text");
	if (f->type.nullable && !f->type.optional && !f->type.list)
		sbuf_adds(o, " // nullable");
	sbuf_addc(o, '\n');
}

static void
put_model(struct sbuf *o, const struct graph *g, int ei)
{
	const struct ent *t = &g->v[ei];
	const struct ast_field *f;
	int i;

	sbuf_printf(o, "model %s {\n", t->name);
	if (!t->id)
		sbuf_adds(o, "  id Int @id @default(autoincrement())\n");
	for (f = t->e->fields; f; f = f->next)
		if (f->name)
			put_field(o, t, f);
	for (i = 0; i < t->nrels; i++) {
		const struct rel *r = &t->rels[i];
		const char *tn = r->r->target->s;

		if (r->target < 0)
			continue;
		switch (r->r->kind) {
		case REL_HAS_MANY:
			sbuf_printf(o, "  %s %s[]", r->r->name->s, tn);
			put_relation_attr(o, r->name, NULL, NULL, NULL);
			break;
		case REL_HAS_ONE:
			sbuf_printf(o, "  %s %s?", r->r->name->s, tn);
			put_relation_attr(o, r->name, NULL, NULL, NULL);
			break;
		case REL_BELONGS_TO: {
			char fk[512];
			bool opt = fk_optional(t, r->r);
			const char *act = delete_action(g, r);

			if (act && strcmp(act, "SetNull") == 0 && !opt)
				act = NULL;
			snprintf(fk, sizeof(fk), "%sId", r->r->name->s);
			sbuf_printf(o, "  %s %s%s", r->r->name->s, tn,
				    opt ? "?" : "");
			put_relation_attr(o, r->name, fk,
					  id_name(&g->v[r->target]), act);
			break;
		}
		}
		sbuf_addc(o, '\n');
	}
	for (i = 0; i < t->nsyn; i++) {
		const struct synth *s = &t->syn[i];
		const struct ent *src = &g->v[s->src];
		const struct rel *r = &src->rels[s->srel];

		sbuf_printf(o, "  // Added by locusc: the other side of %s.%s\n",
			    src->name, r->r->name->s);
		switch (s->kind) {
		case SYN_BACK_LIST:
			sbuf_printf(o, "  %s %s[]", s->field, src->name);
			put_relation_attr(o, r->name, NULL, NULL, NULL);
			break;
		case SYN_BACK_ONE:
			sbuf_printf(o, "  %s %s?", s->field, src->name);
			put_relation_attr(o, r->name, NULL, NULL, NULL);
			break;
		case SYN_FK: {
			const char *locus = id_locus_type(src);
			const char *act = r->r->on_delete
						  ? referential_action(
							    r->r->on_delete->s)
						  : NULL;

			sbuf_printf(o, "  %s %s?%s%s\n", s->fk,
				    prisma_type(locus),
				    s->fk_unique ? " @unique" : "",
				    strcmp(locus, "Text") == 0 ? " @db.Text"
							       : "");
			sbuf_printf(o, "  %s %s?", s->field, src->name);
			put_relation_attr(o, r->name, s->fk, id_name(src),
					  act);
			break;
		}
		}
		sbuf_addc(o, '\n');
	}
	sbuf_adds(o, "}\n");
}

/* ---- the schema, from one fragment per model ---- */

static void
schema_head(const struct cg_model *m, struct sbuf *o)
{
	(void)m;
	cg_put_header(o, "prisma schema", false);
	sbuf_adds(o, "\n"
		     "generator client {\n"
		     "  provider = \"prisma-client-js\"\n"
		     "}\n"
		     "\n"
		     "datasource db {\n"
		     "  provider = \"postgresql\"\n"
		     "  url      = env(\"DATABASE_URL\")\n"
		     "}\n");
}

static void *
schema_prepare(const struct cg_model *m)
{
	struct graph *g = xmalloc(sizeof(*g));

	graph_build(g, m);
	return g;
}

/* Entity i's model. What it prints comes from i's own relations and the
 * relations of the entities that point at i, and those only pair with
 * relations between the same two entities, so the graph of i and its
 * neighbours gives the same text as the whole project's. */
static void
schema_frag(const struct cg_model *m, const void *ctx, size_t i,
	    struct sbuf *o)
{
	const struct graph *g = ctx;

	(void)m;
	if (i >= (size_t)g->n || !g->v[i].e)
		return;
	sbuf_addc(o, '\n');
	put_model(o, g, (int)i);
}

static void
schema_release(void *ctx)
{
	graph_free(ctx);
	free(ctx);
}

const struct cg_frags cg_prisma_frags = {
	.neighbours = true,
	.head = schema_head,
	.prepare = schema_prepare,
	.frag = schema_frag,
	.release = schema_release,
};

void
cg_emit_prisma_schema(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)i;
	cg_emit_frags(&cg_prisma_frags, m, o);
}

void
cg_emit_env_example(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)m;
	(void)i;
	sbuf_adds(o, "# Generated by locusc from Locus sources. Do not edit.\n"
		     "DATABASE_URL=\"postgresql://user:password@localhost:5432/"
		     "mydb?schema=public\"\n");
}
