/*
 * entities.c - react/entities.ts: one TypeScript interface per entity
 * describing the JSON the generated REST API sends for a row, which is
 * what pages, components and the data client work with.
 *
 * The routes answer with Express's res.json of Prisma rows, so a field's
 * type is the type of its JSON value, not of Prisma's model type:
 *
 *   String, Text, Email, URL, UUID    string
 *   Integer, Float                    number
 *   Decimal                           string (Prisma.Decimal's toJSON gives
 *                                     the decimal text, exact; pages that
 *                                     compute with it call Number(...))
 *   BigInt                            string (server.ts's JSON replacer)
 *   Boolean                           boolean
 *   DateTime                          string (ISO 8601, Date's toJSON)
 *   Json                              any (whatever was stored)
 *
 * A list is T[] (Prisma lists are never null); an optional or nullable
 * field is T | null. The id comes first: `id: number` unless a field is
 * the id (@id, or a field named id), which then keeps its place. Every
 * declared relation is an optional property, since the API sends related
 * rows only when a query includes them. The relation sides prisma.c adds
 * on its own (back-relations, foreign keys of a one-sided has_many) are
 * not listed: they are not part of the user's model.
 *
 * The generated tsconfig has strictNullChecks off (action bodies are not
 * null-typed), so `| null` documents rather than constrains.
 */
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

static const char *const json_types[][2] = {
	{ "String", "string" },   { "Text", "string" },
	{ "Email", "string" },    { "URL", "string" },
	{ "UUID", "string" },     { "Integer", "number" },
	{ "Float", "number" },    { "Decimal", "string" },
	{ "BigInt", "string" },   { "Boolean", "boolean" },
	{ "DateTime", "string" }, { "Json", "any" },
};

/* The JSON type of a Locus primitive. The driver has resolved type
 * aliases already; any other name maps like prisma.c's fallback, a String
 * column. */
static const char *
json_type(const char *locus)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(json_types); i++)
		if (strcmp(json_types[i][0], locus) == 0)
			return json_types[i][1];
	return "string";
}

static void
put_field(struct sbuf *o, const struct ast_field *f)
{
	const struct ast_type *t = &f->type;

	sbuf_printf(o, "  %s: %s", f->name->s,
		    json_type(t->name ? t->name->s : "String"));
	if (t->list)
		sbuf_adds(o, "[]");
	else if (t->optional || t->nullable)
		sbuf_adds(o, " | null");
	sbuf_adds(o, ";\n");
}

static void
put_relation(struct sbuf *o, const struct cg_model *m,
	     const struct ast_relation *r)
{
	if (!r->name || !r->target || !cg_find_entity(m, r->target->s))
		return;
	sbuf_printf(o, "  %s?: %s", r->name->s, r->target->s);
	switch (r->kind) {
	case REL_HAS_MANY:
		sbuf_adds(o, "[]");
		break;
	case REL_HAS_ONE:
		sbuf_adds(o, " | null");
		break;
	case REL_BELONGS_TO:
		if (r->optional)
			sbuf_adds(o, " | null");
		break;
	}
	sbuf_adds(o, ";\n");
}

static void
put_entity(struct sbuf *o, const struct cg_model *m, const struct cg_decl *d)
{
	const struct ast_entity *e = d->ast->u.entity;
	const struct ast_field *f;
	const struct ast_relation *r;

	sbuf_printf(o, "\nexport interface %s {\n", e->name->s);
	if (!cg_entity_id_field(e))
		sbuf_adds(o, "  id: number;\n");
	for (f = e->fields; f; f = f->next)
		if (f->name)
			put_field(o, f);
	for (r = e->relations; r; r = r->next)
		put_relation(o, m, r);
	sbuf_adds(o, "}\n");
}

static void
entities_head(const struct cg_model *m, struct sbuf *o)
{
	cg_put_header(o, "entity types", false);
	sbuf_adds(o, "// The JSON the REST API sends for each entity. "
		     "DateTime is ISO text,\n"
		     "// Decimal and BigInt are decimal text; relations are "
		     "there only when a\n"
		     "// query includes them.\n");
	/* Still a module, so importing it is never an error. */
	if (!m->nentities)
		sbuf_adds(o, "\nexport {};\n");
}

/* Entity i's interface: its tree and which relation targets exist. */
static void
entities_frag(const struct cg_model *m, const void *ctx, size_t i,
	      struct sbuf *o)
{
	(void)ctx;
	if (i < m->nentities && m->entities[i].ast)
		put_entity(o, m, &m->entities[i]);
}

const struct cg_frags cg_entities_frags = {
	.head = entities_head,
	.frag = entities_frag,
};

void
cg_emit_entities(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)i;
	cg_emit_frags(&cg_entities_frags, m, o);
}
