/*
 * project.c - unit summaries and the checks across units: duplicate
 * names, relation targets and inverses, foreign keys, component
 * references and cycles, workflow run targets and triggers, data
 * built-ins on unknown entities, unused page actions.
 *
 * The project check reads summaries only, never trees, so a project
 * whose units all come from the cache is checked without parsing. Every
 * lookup goes through string hash maps: the whole check is linear in the
 * number of names.
 *
 * Decisions:
 *   - Duplicates (E0801) are reported at the later declaration in units[]
 *     order, with a related note at the first; later checks resolve a
 *     name to its first declaration. Entities, pages, components, stores,
 *     workflows and uploads have separate name spaces. Design sections are
 *     merged, never duplicates.
 *   - Foreign keys: a `belongs_to r` needs a declared field `rId`
 *     (E0911; DECISIONS.md: the check always runs, not only with a
 *     design system, as the original did). It must have the type of the target's @id field (Integer
 *     when the target has none) and be optional exactly when the relation
 *     is (`belongs_to T?`), else Prisma rejects the schema (E0904, E0910).
 *     The check always runs (DECISIONS.md), not only with a design system.
 *   - A capitalised element tag that is not a component, not a built-in
 *     (Button, Input, Stack, Text) and not the page itself is an error
 *     (E0905): the generated import would not resolve.
 *   - Component cycles follow the original: uses inside loop templates do
 *     not count (a tree component rendering its children in a loop is
 *     legitimate recursion); uses in conditionals do.
 *   - A page action warns as unused (W0901) only when nothing mentions
 *     it: no UI event, no other action or `on load`, no workflow `run`.
 *   - Capitalised free identifiers in pages, components and stores that
 *     name no entity, store, component or page warn (W0902).
 */
#include "sema_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* String map                                                         */
/* ------------------------------------------------------------------ */

void
sema__map_init(struct sema__map *m, size_t hint)
{
	size_t cap = 16;

	while (cap < hint * 2)
		cap *= 2;
	m->v = xcalloc(cap, sizeof(*m->v));
	m->cap = cap;
	m->n = 0;
}

void
sema__map_free(struct sema__map *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

static void
map_grow(struct sema__map *m)
{
	struct sema__ment *old = m->v;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->v = xcalloc(m->cap, sizeof(*m->v));
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (!old[i].k)
			continue;
		for (j = old[i].h & (m->cap - 1); m->v[j].k;
		     j = (j + 1) & (m->cap - 1))
			;
		m->v[j] = old[i];
	}
	free(old);
}

uint32_t *
sema__map_get(const struct sema__map *m, const char *k, size_t klen)
{
	uint32_t h = hash_str32(k, klen);
	size_t j;

	for (j = h & (m->cap - 1); m->v[j].k; j = (j + 1) & (m->cap - 1))
		if (m->v[j].h == h && m->v[j].klen == klen &&
		    memcmp(m->v[j].k, k, klen) == 0)
			return &m->v[j].val;
	return NULL;
}

uint32_t *
sema__map_put(struct sema__map *m, const char *k, size_t klen, bool *added)
{
	uint32_t *slot = sema__map_get(m, k, klen);
	size_t j;
	uint32_t h;

	if (slot) {
		*added = false;
		return slot;
	}
	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	h = hash_str32(k, klen);
	for (j = h & (m->cap - 1); m->v[j].k; j = (j + 1) & (m->cap - 1))
		;
	m->v[j].k = k;
	m->v[j].klen = (uint32_t)klen;
	m->v[j].h = h;
	m->v[j].val = 0;
	m->n++;
	*added = true;
	return &m->v[j].val;
}

/* ------------------------------------------------------------------ */
/* Summaries                                                          */
/* ------------------------------------------------------------------ */

static const char *
dup(struct arena *a, const struct istr *s)
{
	return s ? arena_strndup(a, s->s, s->len) : NULL;
}

static bool
has_attr(const struct ast_attr *at, const char *name)
{
	for (; at; at = at->next)
		if (at->name && strcmp(at->name->s, name) == 0)
			return true;
	return false;
}

static void
sum_entity(struct unit_summary *s, const struct ast_entity *e,
	   struct arena *a)
{
	const struct ast_field *f;
	const struct ast_relation *r;
	uint32_t i;

	for (f = e->fields; f; f = f->next)
		s->nfields++;
	for (r = e->relations; r; r = r->next)
		s->nrels++;
	s->fields = s->nfields ? arena_alloc(a, s->nfields * sizeof(*s->fields))
			       : NULL;
	s->rels = s->nrels ? arena_alloc(a, s->nrels * sizeof(*s->rels)) : NULL;
	for (f = e->fields, i = 0; f; f = f->next, i++) {
		struct sum_field *o = &s->fields[i];

		o->name = dup(a, f->name);
		o->name_span = f->name_span;
		o->type = dup(a, f->type.name);
		o->type_span = f->type.name_span;
		o->list = f->type.list;
		o->optional = f->type.optional;
		o->nullable = f->type.nullable;
		o->id = has_attr(f->attrs, "id");
	}
	for (r = e->relations, i = 0; r; r = r->next, i++) {
		struct sum_relation *o = &s->rels[i];

		o->name = dup(a, r->name);
		o->name_span = r->name_span;
		o->kind = r->kind;
		o->target = dup(a, r->target);
		o->target_span = r->target_span;
		o->inverse = dup(a, r->inverse);
		o->inverse_span = r->inverse_span;
		o->optional = r->optional;
	}
}

/* Appends the run steps of a step list (nested ones too) to out. */
static void
collect_runs(const struct ast_step *s, struct sum_ref **out, uint32_t *n,
	     uint32_t *cap, struct arena *a)
{
	for (; s; s = s->next) {
		if (s->kind == STEP_RUN && s->action) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 8;
				*out = xrealloc(*out, *cap * sizeof(**out));
			}
			(*out)[*n].name = dup(a, s->action);
			(*out)[*n].span = s->action_span;
			(*out)[*n].in_loop = false;
			(*n)++;
		}
		collect_runs(s->then_steps, out, n, cap, a);
		collect_runs(s->else_steps, out, n, cap, a);
		collect_runs(s->body, out, n, cap, a);
	}
}

static void
sum_workflow(struct unit_summary *s, const struct ast_workflow *w,
	     struct arena *a)
{
	const struct ast_trigger *t;
	struct sum_ref *runs = NULL;
	uint32_t i = 0, cap = 0;

	for (t = w->triggers; t; t = t->next)
		s->ntriggers++;
	s->triggers = s->ntriggers
		? arena_alloc(a, s->ntriggers * sizeof(*s->triggers))
		: NULL;
	for (t = w->triggers; t; t = t->next, i++) {
		s->triggers[i].kind = t->kind;
		s->triggers[i].span = t->span;
		s->triggers[i].entity = dup(a, t->entity);
		s->triggers[i].entity_span = t->entity_span;
	}
	collect_runs(w->steps, &runs, &s->nruns, &cap, a);
	if (s->nruns) {
		s->runs = arena_alloc(a, s->nruns * sizeof(*s->runs));
		memcpy(s->runs, runs, s->nruns * sizeof(*s->runs));
	}
	free(runs);
}

struct unit_summary *
sema_summarize(const struct ast_unit *u, struct arena *a)
{
	struct unit_summary *s;

	if (!u)
		return NULL;
	s = arena_alloc(a, sizeof(*s));
	s->kind = u->kind;
	s->name = dup(a, u->name);
	s->name_span = u->name_span;
	switch (u->kind) {
	case UNIT_ENTITY:
		if (u->u.entity)
			sum_entity(s, u->u.entity, a);
		break;
	case UNIT_PAGE:
	case UNIT_COMPONENT:
	case UNIT_STORE: {
		const struct ast_view *v = u->u.view;
		const struct ast_action *ac;
		uint32_t i = 0;

		if (!v)
			break;
		for (ac = v->actions; ac; ac = ac->next)
			s->nactions++;
		s->actions = s->nactions
			? arena_alloc(a, s->nactions * sizeof(*s->actions))
			: NULL;
		for (ac = v->actions; ac; ac = ac->next, i++) {
			s->actions[i].name = dup(a, ac->name);
			s->actions[i].name_span = ac->name_span;
		}
		sema__walk_view(u, NULL, 0, NULL, s, a);
		break;
	}
	case UNIT_WORKFLOW:
		if (u->u.workflow)
			sum_workflow(s, u->u.workflow, a);
		break;
	case UNIT_DESIGN:
	case UNIT_UPLOAD:
	case UNIT_ALIAS:
	case UNIT_KIND_COUNT:
		break;
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* Project checks                                                     */
/* ------------------------------------------------------------------ */

/* Name spaces that must not hold duplicates. */
enum space { SP_ENTITY, SP_PAGE, SP_COMPONENT, SP_STORE, SP_WORKFLOW,
	     SP_UPLOAD, SP_COUNT };

struct names {
	const char **v;
	size_t n, cap;
};

struct pctx {
	const struct proj_unit *units;
	size_t n;
	const struct sema_options *opt;
	struct diag_list *d;
	struct sema__map maps[SP_COUNT];
	struct names lists[SP_COUNT];  /* distinct names, for suggestions */
	/* Page actions: name -> first slot; slots of equal names chain. */
	struct sema__map actions;
	uint32_t *slot_unit;
	uint32_t *slot_action;
	uint32_t *slot_next;
	uint32_t *slot_last;     /* for a chain's head: its last slot */
	bool *slot_run;
	bool *chain_marked;      /* for a chain's head: all marked as run */
	size_t nslots;
	size_t suggestions;            /* budget: see suggest() */
};

static int
space_of(enum unit_kind k)
{
	switch (k) {
	case UNIT_ENTITY: return SP_ENTITY;
	case UNIT_PAGE: return SP_PAGE;
	case UNIT_COMPONENT: return SP_COMPONENT;
	case UNIT_STORE: return SP_STORE;
	case UNIT_WORKFLOW: return SP_WORKFLOW;
	case UNIT_UPLOAD: return SP_UPLOAD;
	default: return -1;
	}
}

static const char *
space_name(int sp)
{
	static const char *const n[] = { "entity", "page", "component",
					 "store", "workflow",
					 "upload policy" };

	return n[sp];
}

static struct diag *
add_at(struct pctx *c, uint32_t unit, enum diag_sev sev, const char *code,
       struct span sp, const char *fmt, ...) BASE_PRINTF(6, 7);

/* Adds a diagnostic located in units[unit]. */
static struct diag *
add_at(struct pctx *c, uint32_t unit, enum diag_sev sev, const char *code,
       struct span sp, const char *fmt, ...)
{
	struct diag *g;
	va_list ap;

	va_start(ap, fmt);
	g = diag_vadd(c->d, sev, code, sp.off, sp.len, fmt, ap);
	va_end(ap);
	g->unit = unit;
	return g;
}

/* Edit-distance suggestions cost a scan of all names; a project with
 * hundreds of misspellings gets suggestions for the first few only, so
 * the check stays linear. */
static const char *
suggest(struct pctx *c, const char *name, int sp)
{
	if (c->suggestions >= 64)
		return NULL;
	c->suggestions++;
	return sema__suggest(name, c->lists[sp].v, c->lists[sp].n);
}

static const struct unit_summary *
first_of(const struct pctx *c, int sp, const char *name, uint32_t *unit)
{
	uint32_t *slot;

	if (!name)
		return NULL;
	slot = sema__map_get(&c->maps[sp], name, strlen(name));
	if (!slot)
		return NULL;
	if (unit)
		*unit = *slot;
	return c->units[*slot].sum;
}

static void
index_names(struct pctx *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		const struct unit_summary *s = c->units[i].sum;
		int sp = s ? space_of(c->units[i].kind) : -1;
		uint32_t *slot;
		bool added;

		if (sp < 0 || !s->name)
			continue;
		slot = sema__map_put(&c->maps[sp], s->name, strlen(s->name),
				     &added);
		if (added) {
			struct names *l = &c->lists[sp];

			*slot = (uint32_t)i;
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 16;
				l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
			}
			l->v[l->n++] = s->name;
		} else {
			const struct unit_summary *f = c->units[*slot].sum;
			struct diag *g = add_at(c, (uint32_t)i, DIAG_ERROR,
						"E0801", s->name_span,
						"%s '%s' declared twice",
						space_name(sp), s->name);

			diag_set_related(c->d, g, *slot, f->name_span.off,
					 f->name_span.len,
					 "first declared here");
		}
		if (c->units[i].kind == UNIT_PAGE)
			c->nslots += s->nactions;
	}

	/* Page actions, in unit order. */
	c->slot_unit = xcalloc(c->nslots + 1, sizeof(*c->slot_unit));
	c->slot_action = xcalloc(c->nslots + 1, sizeof(*c->slot_action));
	c->slot_next = xcalloc(c->nslots + 1, sizeof(*c->slot_next));
	c->slot_run = xcalloc(c->nslots + 1, sizeof(*c->slot_run));
	c->slot_last = xcalloc(c->nslots + 1, sizeof(*c->slot_last));
	c->chain_marked = xcalloc(c->nslots + 1, sizeof(*c->chain_marked));
	sema__map_init(&c->actions, c->nslots);
	c->nslots = 0;
	for (i = 0; i < c->n; i++) {
		const struct unit_summary *s = c->units[i].sum;

		if (!s || c->units[i].kind != UNIT_PAGE)
			continue;
		for (j = 0; j < s->nactions; j++) {
			const char *an = s->actions[j].name;
			uint32_t *slot, k = (uint32_t)c->nslots++;
			bool added;

			c->slot_unit[k] = (uint32_t)i;
			c->slot_action[k] = (uint32_t)j;
			c->slot_next[k] = UINT32_MAX;
			if (!an)
				continue;
			slot = sema__map_put(&c->actions, an, strlen(an),
					     &added);
			/* Many pages may have an action of one name (`save`):
			 * append in O(1) through the chain's last slot. */
			if (added) {
				*slot = k;
			} else {
				c->slot_next[c->slot_last[*slot]] = k;
			}
			c->slot_last[*slot] = k;
		}
	}
}

static const struct sum_field *
field_named(const struct unit_summary *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->nfields; i++)
		if (s->fields[i].name && strcmp(s->fields[i].name, name) == 0)
			return &s->fields[i];
	return NULL;
}

static const struct sum_relation *
relation_named(const struct unit_summary *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->nrels; i++)
		if (s->rels[i].name && strcmp(s->rels[i].name, name) == 0)
			return &s->rels[i];
	return NULL;
}

/* The foreign-key field a belongs_to relation r of s needs: its name in
 * fk, the field or NULL. */
#define FK_MAX 256
static const struct sum_field *
fk_field(const struct unit_summary *s, const struct sum_relation *r,
	 char fk[FK_MAX])
{
	snprintf(fk, FK_MAX, "%sId", r->name);
	return field_named(s, fk);
}

/* The type a foreign key to entity t must have. */
static const char *
id_type(const struct unit_summary *t)
{
	uint32_t i;

	for (i = 0; i < t->nfields; i++)
		if (t->fields[i].id && t->fields[i].type)
			return t->fields[i].type;
	return "Integer";
}

static void
check_relations(struct pctx *c, uint32_t ui, const struct unit_summary *s)
{
	uint32_t i;

	for (i = 0; i < s->nrels; i++) {
		const struct sum_relation *r = &s->rels[i];
		const struct unit_summary *t;
		uint32_t tu;

		if (!r->target)
			continue;
		t = first_of(c, SP_ENTITY, r->target, &tu);
		if (!t) {
			struct diag *g = add_at(c, ui, DIAG_ERROR, "E0901",
						r->target_span,
						"unknown relation target '%s' in "
						"%s.%s",
						r->target, s->name,
						r->name ? r->name : "?");
			const char *sug = suggest(c, r->target, SP_ENTITY);

			if (sug)
				diag_set_help(c->d, g, "did you mean '%s'?",
					      sug);
			continue;
		}
		if (r->inverse) {
			const struct sum_relation *back =
				relation_named(t, r->inverse);

			if (!back) {
				struct diag *g = add_at(
					c, ui, DIAG_ERROR, "E0902",
					r->inverse_span,
					"inverse '%s' of %s.%s is not a "
					"relation of '%s'",
					r->inverse, s->name, r->name, t->name);

				diag_set_related(c->d, g, tu, t->name_span.off,
						 t->name_span.len,
						 "'%s' declared here", t->name);
			} else if (!back->target || !s->name ||
				   strcmp(back->target, s->name) != 0) {
				struct diag *g = add_at(
					c, ui, DIAG_ERROR, "E0903",
					r->inverse_span,
					"inverse %s.%s points at '%s', not "
					"back at '%s'",
					t->name, r->inverse,
					back->target ? back->target : "?",
					s->name);

				diag_set_related(c->d, g, tu,
						 back->target_span.off,
						 back->target_span.len,
						 "its target");
			}
		}
		if (r->kind == REL_BELONGS_TO && r->name) {
			char fk[FK_MAX];
			const struct sum_field *f = fk_field(s, r, fk);
			const char *want = id_type(t);

			if (!f) {
				struct diag *g = add_at(
					c, ui, DIAG_ERROR, "E0911",
					r->name_span,
					"relation %s.%s needs a foreign-key "
					"field '%s'",
					s->name, r->name, fk);

				diag_set_help(c->d, g, "add '%s: %s%s' to "
					      "entity '%s'", fk, want,
					      r->optional ? "?" : "", s->name);
				continue;
			}
			if (f->list ||
			    (f->type && sema__is_primitive(f->type,
							  strlen(f->type)) &&
			     strcmp(f->type, want) != 0)) {
				struct diag *g = add_at(
					c, ui, DIAG_ERROR, "E0904",
					f->type_span,
					"foreign key '%s' of relation %s.%s "
					"must be %s",
					fk, s->name, r->name, want);

				diag_set_help(c->d, g, "write '%s: %s%s'", fk,
					      want, r->optional ? "?" : "");
			} else if (r->optional != (f->optional || f->nullable)) {
				struct diag *g = add_at(
					c, ui, DIAG_ERROR, "E0910",
					f->name_span,
					"foreign key '%s' is %s but relation "
					"%s.%s is %s",
					fk,
					r->optional ? "required" : "optional",
					s->name, r->name,
					r->optional ? "optional" : "required");

				diag_set_related(c->d, g, ui,
						 r->name_span.off,
						 r->name_span.len,
						 "relation declared here");
				diag_set_help(c->d, g,
					      r->optional
						      ? "write '%s: %s?'"
						      : "write '%s: %s' or "
							"'belongs_to %s?'",
					      fk, r->optional ? want : f->type,
					      t->name);
			}
		}
	}
}

static bool
builtin_component(const char *name)
{
	static const char *const b[] = { "Button", "Input", "Stack", "Text" };
	size_t i;

	for (i = 0; i < ARRAY_LEN(b); i++)
		if (strcmp(b[i], name) == 0)
			return true;
	return false;
}

static void
check_view(struct pctx *c, uint32_t ui, const struct unit_summary *s)
{
	uint32_t i;

	for (i = 0; i < s->nuses; i++) {
		const struct sum_ref *r = &s->uses[i];

		if (first_of(c, SP_COMPONENT, r->name, NULL) ||
		    builtin_component(r->name) ||
		    (c->units[ui].kind == UNIT_PAGE && s->name &&
		     strcmp(s->name, r->name) == 0))
			continue;
		{
			struct diag *g = add_at(c, ui, DIAG_ERROR, "E0905",
						r->span,
						"unknown component '%s'",
						r->name);
			const char *sug = suggest(c, r->name, SP_COMPONENT);

			if (sug)
				diag_set_help(c->d, g, "did you mean '%s'?",
					      sug);
		}
	}
	for (i = 0; i < s->nentity_refs; i++) {
		const struct sum_ref *r = &s->entity_refs[i];

		if (!first_of(c, SP_ENTITY, r->name, NULL)) {
			struct diag *g = add_at(c, ui, DIAG_ERROR, "E0909",
						r->span, "unknown entity '%s'",
						r->name);
			const char *sug = suggest(c, r->name, SP_ENTITY);

			if (sug)
				diag_set_help(c->d, g, "did you mean '%s'?",
					      sug);
		}
	}
	for (i = 0; i < s->nglobal_refs; i++) {
		const struct sum_ref *r = &s->global_refs[i];

		if (!first_of(c, SP_ENTITY, r->name, NULL) &&
		    !first_of(c, SP_STORE, r->name, NULL) &&
		    !first_of(c, SP_COMPONENT, r->name, NULL) &&
		    !first_of(c, SP_PAGE, r->name, NULL))
			add_at(c, ui, DIAG_WARNING, "W0902", r->span,
			       "unknown identifier '%s'", r->name);
	}
}

static void
check_workflow_refs(struct pctx *c, uint32_t ui, const struct unit_summary *s)
{
	uint32_t i;

	for (i = 0; i < s->ntriggers; i++) {
		const struct sum_trigger *t = &s->triggers[i];

		if (t->kind == TRIG_WEBHOOK || !t->entity ||
		    first_of(c, SP_ENTITY, t->entity, NULL))
			continue;
		{
			struct diag *g = add_at(c, ui, DIAG_ERROR, "E0908",
						t->entity_span,
						"workflow '%s' triggers on "
						"unknown entity '%s'",
						s->name, t->entity);
			const char *sug = suggest(c, t->entity, SP_ENTITY);

			if (sug)
				diag_set_help(c->d, g, "did you mean '%s'?",
					      sug);
		}
	}
	for (i = 0; i < s->nruns; i++) {
		const struct sum_ref *r = &s->runs[i];
		uint32_t *slot = sema__map_get(&c->actions, r->name,
					       strlen(r->name));
		uint32_t k;

		if (slot) {
			/* Every workflow may run `notify`: mark its chain of
			 * actions once, not once per run step. */
			if (!c->chain_marked[*slot]) {
				c->chain_marked[*slot] = true;
				for (k = *slot; k != UINT32_MAX;
				     k = c->slot_next[k])
					c->slot_run[k] = true;
			}
			continue;
		}
		{
			struct diag *g = add_at(c, ui, DIAG_ERROR, "E0907",
						r->span,
						"'%s' is not a page action "
						"(run in workflow '%s')",
						r->name, s->name);
			const char *sug = NULL;
			size_t j;

			/* Suggest among action names (bounded like the
			 * other suggestions). */
			if (c->suggestions < 64 && c->nslots) {
				const char **names = xcalloc(
					c->nslots, sizeof(*names));

				for (j = 0; j < c->nslots; j++)
					names[j] = c->units[c->slot_unit[j]]
							   .sum
							   ->actions[c->slot_action[j]]
							   .name;
				c->suggestions++;
				sug = sema__suggest(r->name, names, c->nslots);
				if (sug)
					diag_set_help(c->d, g,
						      "did you mean '%s'?", sug);
				free(names);
			}
			if (!sug)
				diag_set_help(c->d, g,
					      "run names an action declared in "
					      "a page");
		}
	}
}

/* Component cycles: iterative depth-first search over uses outside
 * loops, so deep chains cannot overflow the stack. */
static void
check_cycles(struct pctx *c)
{
	uint8_t *color = xcalloc(c->n + 1, 1);
	uint32_t *stack = xcalloc(c->n + 1, sizeof(*stack));
	uint32_t *next = xcalloc(c->n + 1, sizeof(*next));
	uint32_t *pos = xcalloc(c->n + 1, sizeof(*pos));
	size_t i;

	for (i = 0; i < c->n; i++) {
		size_t sp = 0;
		uint32_t root = (uint32_t)i;

		if (c->units[i].kind != UNIT_COMPONENT || !c->units[i].sum ||
		    color[i])
			continue;
		/* Only the first declaration of a name is a node. */
		{
			uint32_t fu;

			if (!first_of(c, SP_COMPONENT, c->units[i].sum->name,
				      &fu) ||
			    fu != root)
				continue;
		}
		stack[sp] = root;
		next[sp] = 0;
		pos[root] = 0;
		color[root] = 1;
		sp++;
		while (sp) {
			uint32_t u = stack[sp - 1];
			const struct unit_summary *s = c->units[u].sum;
			uint32_t to;
			const struct sum_ref *r;

			if (next[sp - 1] >= s->nuses) {
				color[u] = 2;
				sp--;
				continue;
			}
			r = &s->uses[next[sp - 1]++];
			if (r->in_loop ||
			    !first_of(c, SP_COMPONENT, r->name, &to))
				continue;
			if (color[to] == 0) {
				color[to] = 1;
				pos[to] = (uint32_t)sp;
				stack[sp] = to;
				next[sp] = 0;
				sp++;
			} else if (color[to] == 1) {
				struct sbuf b;
				struct diag *g;
				size_t k;

				sbuf_init(&b);
				for (k = pos[to]; k < sp; k++)
					sbuf_printf(&b, "%s -> ",
						    c->units[stack[k]].sum->name);
				sbuf_adds(&b, c->units[to].sum->name);
				g = add_at(c, to, DIAG_ERROR, "E0906",
					   c->units[to].sum->name_span,
					   "components use each other in a "
					   "cycle: %s",
					   b.p);
				diag_set_related(c->d, g, u, r->span.off,
						 r->span.len,
						 "the cycle closes here");
				sbuf_free(&b);
			}
		}
	}
	free(color);
	free(stack);
	free(next);
	free(pos);
}

static void
check_unused_actions(struct pctx *c)
{
	size_t k;

	for (k = 0; k < c->nslots; k++) {
		const struct unit_summary *s = c->units[c->slot_unit[k]].sum;
		const struct sum_action *ac = &s->actions[c->slot_action[k]];
		struct diag *g;

		if (ac->used_locally || c->slot_run[k] || !ac->name)
			continue;
		g = add_at(c, c->slot_unit[k], DIAG_WARNING, "W0901",
			   ac->name_span,
			   "action '%s' of page '%s' is never used", ac->name,
			   s->name);
		diag_set_help(c->d, g,
			      "call it from the UI or another action, run it "
			      "from a workflow, or remove it");
	}
}

/* Every check reads only what check_bytes writes (see there). */
void
sema_check_project(const struct proj_unit *units, size_t n,
		   const struct sema_options *opt, struct diag_list *d)
{
	struct pctx c;
	uint32_t saved = d->unit;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.units = units;
	c.n = n;
	c.opt = opt;
	c.d = d;
	for (i = 0; i < SP_COUNT; i++)
		sema__map_init(&c.maps[i], n / 4);
	index_names(&c);
	for (i = 0; i < n; i++) {
		const struct unit_summary *s = units[i].sum;

		if (!s)
			continue;
		switch (units[i].kind) {
		case UNIT_ENTITY:
			check_relations(&c, (uint32_t)i, s);
			break;
		case UNIT_PAGE:
		case UNIT_COMPONENT:
		case UNIT_STORE:
			check_view(&c, (uint32_t)i, s);
			break;
		case UNIT_WORKFLOW:
			check_workflow_refs(&c, (uint32_t)i, s);
			break;
		default:
			break;
		}
	}
	check_cycles(&c);
	check_unused_actions(&c);

	for (i = 0; i < SP_COUNT; i++) {
		sema__map_free(&c.maps[i]);
		free(c.lists[i].v);
	}
	sema__map_free(&c.actions);
	free(c.slot_unit);
	free(c.slot_action);
	free(c.slot_next);
	free(c.slot_last);
	free(c.slot_run);
	free(c.chain_marked);
	d->unit = saved;
}

/* ---- summary hashing (incremental builds) ---- */

static void
h_str(struct sbuf *b, const char *s)
{
	if (s)
		sbuf_adds(b, s);
	else
		sbuf_addc(b, 1);        /* NULL differs from "" */
	sbuf_addc(b, 0);
}

static void
h_span(struct sbuf *b, struct span s, bool spans)
{
	if (!spans)
		return;
	sbuf_add(b, &s.off, sizeof(s.off));
	sbuf_add(b, &s.len, sizeof(s.len));
}

static void
h_u32(struct sbuf *b, uint32_t v)
{
	sbuf_add(b, &v, sizeof(v));
}

static void
h_refs(struct sbuf *b, const struct sum_ref *r, uint32_t n, bool spans)
{
	uint32_t i;

	h_u32(b, n);
	for (i = 0; i < n; i++) {
		h_str(b, r[i].name);
		h_span(b, r[i].span, spans);
		h_u32(b, r[i].in_loop);
	}
}

/*
 * Which fields of s the checks read (keep[i]): the @id fields (id_type)
 * and the foreign key of each belongs_to relation (fk_field: the first
 * field of that name).
 */
static uint32_t
fields_read(const struct unit_summary *s, bool *keep)
{
	char fk[FK_MAX];
	uint32_t i, n = 0;

	for (i = 0; i < s->nfields; i++)
		keep[i] = s->fields[i].id;
	for (i = 0; i < s->nrels; i++) {
		const struct sum_field *f;

		if (s->rels[i].kind == REL_BELONGS_TO && s->rels[i].name &&
		    (f = fk_field(s, &s->rels[i], fk)))
			keep[f - s->fields] = true;
	}
	for (i = 0; i < s->nfields; i++)
		n += keep[i];
	return n;
}

/*
 * What the checks above read of s, in order: names, relations, the fields
 * a foreign key or an @id makes them read, the names a view uses (and
 * whether in a loop), page actions, triggers and runs. Not params, state,
 * upload fields, design sections, other fields or other flags. With
 * spans it is the record the cache keeps (sema_summary_read takes it
 * back); without, what sema_check_hash hashes. A check that starts
 * reading another field must add it here (and to the reader), or an edit
 * of that field would not check the project again. Kinds are not told
 * apart: a page has no relations, an entity no uses. NULL strings are
 * "\1" (no name, type or keyword of the language is that).
 */
static void
check_bytes(const struct unit_summary *s, bool spans, struct sbuf *out)
{
	struct sbuf b = *out;
	bool few[64], *keep = few;
	uint32_t i;

	if (s->nfields > 64)
		keep = xmalloc(s->nfields * sizeof(*keep));
	h_u32(&b, s->kind);
	h_str(&b, s->name);
	h_span(&b, s->name_span, spans);
	h_u32(&b, fields_read(s, keep));
	for (i = 0; i < s->nfields; i++) {
		const struct sum_field *f = &s->fields[i];

		if (!keep[i])
			continue;
		h_str(&b, f->name);
		h_span(&b, f->name_span, spans);
		h_str(&b, f->type);
		h_span(&b, f->type_span, spans);
		h_u32(&b, (uint32_t)f->list | (uint32_t)f->optional << 1 |
				  (uint32_t)f->nullable << 2 |
				  (uint32_t)f->id << 4);
	}
	if (keep != few)
		free(keep);
	h_u32(&b, s->nrels);
	for (i = 0; i < s->nrels; i++) {
		const struct sum_relation *r = &s->rels[i];

		h_str(&b, r->name);
		h_span(&b, r->name_span, spans);
		h_u32(&b, r->kind);
		h_str(&b, r->target);
		h_span(&b, r->target_span, spans);
		h_str(&b, r->inverse);
		h_span(&b, r->inverse_span, spans);
		h_u32(&b, r->optional);
	}
	h_u32(&b, s->nactions);
	for (i = 0; i < s->nactions; i++) {
		h_str(&b, s->actions[i].name);
		h_span(&b, s->actions[i].name_span, spans);
		h_u32(&b, s->actions[i].used_locally);
	}
	h_refs(&b, s->uses, s->nuses, spans);
	h_refs(&b, s->entity_refs, s->nentity_refs, spans);
	h_refs(&b, s->global_refs, s->nglobal_refs, spans);
	h_u32(&b, s->ntriggers);
	for (i = 0; i < s->ntriggers; i++) {
		h_u32(&b, s->triggers[i].kind);
		h_span(&b, s->triggers[i].span, spans);
		h_str(&b, s->triggers[i].entity);
		h_span(&b, s->triggers[i].entity_span, spans);
	}
	h_refs(&b, s->runs, s->nruns, spans);
	*out = b;
}

void
sema_summary_write(const struct unit_summary *s, struct sbuf *out)
{
	check_bytes(s, true, out);
}

struct hash128
sema_check_hash(const struct unit_summary *s)
{
	struct sbuf b;
	struct hash128 h;

	sbuf_init(&b);
	check_bytes(s, false, &b);
	h = hash_bytes(b.p ? b.p : "", b.len);
	sbuf_free(&b);
	return h;
}

/* ---- reading a summary back ---- */

struct sreader {
	const char *p, *end;
	struct arena *a;
	bool bad;
};

static uint32_t
r_u32(struct sreader *r)
{
	uint32_t v = 0;

	if ((size_t)(r->end - r->p) < sizeof(v)) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

static struct span
r_span(struct sreader *r)
{
	struct span s;

	s.off = r_u32(r);
	s.len = r_u32(r);
	return s;
}

static const char *
r_str(struct sreader *r)
{
	const char *z = r->bad ? NULL : memchr(r->p, 0, (size_t)(r->end - r->p));
	const char *s;

	if (!z) {
		r->bad = true;
		return NULL;
	}
	s = r->p;
	r->p = z + 1;
	if (z - s == 1 && s[0] == 1)
		return NULL;
	return arena_strndup(r->a, s, (size_t)(z - s));
}

/* n items of size each, zeroed, in the arena (a bad count stops). */
static void *
r_array(struct sreader *r, uint32_t n, size_t each)
{
	if (r->bad || n > (size_t)(r->end - r->p)) {
		r->bad = true;
		return NULL;
	}
	return n ? memset(arena_alloc(r->a, n * each), 0, n * each) : NULL;
}

static void
r_refs(struct sreader *r, struct sum_ref **v, uint32_t *n)
{
	uint32_t i;

	*n = r_u32(r);
	*v = r_array(r, *n, sizeof(**v));
	for (i = 0; i < *n && !r->bad; i++) {
		(*v)[i].name = r_str(r);
		(*v)[i].span = r_span(r);
		(*v)[i].in_loop = r_u32(r) != 0;
	}
}

struct unit_summary *
sema_summary_read(const void *p, size_t n, struct arena *a)
{
	struct sreader r = { p, (const char *)p + n, a, false };
	struct unit_summary *s = arena_alloc(a, sizeof(*s));
	uint32_t i, f;

	memset(s, 0, sizeof(*s));
	s->kind = (enum unit_kind)r_u32(&r);
	s->name = r_str(&r);
	s->name_span = r_span(&r);
	s->nfields = r_u32(&r);
	s->fields = r_array(&r, s->nfields, sizeof(*s->fields));
	for (i = 0; i < s->nfields && !r.bad; i++) {
		struct sum_field *x = &s->fields[i];

		x->name = r_str(&r);
		x->name_span = r_span(&r);
		x->type = r_str(&r);
		x->type_span = r_span(&r);
		f = r_u32(&r);
		x->list = (f & 1) != 0;
		x->optional = (f & 2) != 0;
		x->nullable = (f & 4) != 0;
		x->id = (f & 16) != 0;
	}
	s->nrels = r_u32(&r);
	s->rels = r_array(&r, s->nrels, sizeof(*s->rels));
	for (i = 0; i < s->nrels && !r.bad; i++) {
		struct sum_relation *x = &s->rels[i];

		x->name = r_str(&r);
		x->name_span = r_span(&r);
		x->kind = (enum rel_kind)r_u32(&r);
		x->target = r_str(&r);
		x->target_span = r_span(&r);
		x->inverse = r_str(&r);
		x->inverse_span = r_span(&r);
		x->optional = r_u32(&r) != 0;
	}
	s->nactions = r_u32(&r);
	s->actions = r_array(&r, s->nactions, sizeof(*s->actions));
	for (i = 0; i < s->nactions && !r.bad; i++) {
		s->actions[i].name = r_str(&r);
		s->actions[i].name_span = r_span(&r);
		s->actions[i].used_locally = r_u32(&r) != 0;
	}
	r_refs(&r, &s->uses, &s->nuses);
	r_refs(&r, &s->entity_refs, &s->nentity_refs);
	r_refs(&r, &s->global_refs, &s->nglobal_refs);
	s->ntriggers = r_u32(&r);
	s->triggers = r_array(&r, s->ntriggers, sizeof(*s->triggers));
	for (i = 0; i < s->ntriggers && !r.bad; i++) {
		s->triggers[i].kind = (enum trigger_kind)r_u32(&r);
		s->triggers[i].span = r_span(&r);
		s->triggers[i].entity = r_str(&r);
		s->triggers[i].entity_span = r_span(&r);
	}
	r_refs(&r, &s->runs, &s->nruns);
	if (r.bad || r.p != r.end || s->kind >= UNIT_KIND_COUNT)
		return NULL;
	return s;
}

size_t
sema_summary_refs(const struct unit_summary *s, const char ***names)
{
	uint32_t i, n = 0;

	*names = xmalloc((s->nuses + s->nglobal_refs + s->nrels + 1) *
			 sizeof(**names));
	for (i = 0; i < s->nrels; i++)
		if (s->rels[i].target)
			(*names)[n++] = s->rels[i].target;
	for (i = 0; i < s->nuses; i++)
		(*names)[n++] = s->uses[i].name;
	for (i = 0; i < s->nglobal_refs; i++)
		(*names)[n++] = s->global_refs[i].name;
	return n;
}

size_t
sema_summary_uses(const struct unit_summary *s, const char ***names)
{
	uint32_t i;

	*names = xmalloc((s->nuses ? s->nuses : 1) * sizeof(**names));
	for (i = 0; i < s->nuses; i++)
		(*names)[i] = s->uses[i].name;
	return s->nuses;
}
