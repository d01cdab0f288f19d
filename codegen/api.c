/*
 * api.c - the Express side of the app: validation/<E>.ts, the validation
 * barrels, routes/<e>.ts, server.ts and webhooks.stub.ts (OUTPUTS.md 5, 6,
 * 7, 13 and the auth-mode parts of 14).
 *
 * Fixes over the original (DECISIONS.md): the runtime is imported from
 * ../react/runtime (where it is generated), routers are declared at `/`
 * and `/:id` so that mounting at `/<e>` gives `/<e>` and `/<e>/:id`, the
 * server imports routers with ES imports (no `.ts` extension), and the
 * validation barrel re-exports each module as a namespace plus its
 * uniquely named members, so nothing clashes. Routes address rows by the
 * entity's id field (the `@id` field, else `id`) with its type, so a
 * custom id type-checks against the Prisma client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"


/* ---- small helpers ---- */

static const char *
decl_name(const struct cg_decl *d)
{
	return d->name;
}

/* Decodes the inside of a Locus string literal (escapes as written). */
static void
decode_str(struct sbuf *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char e = s[++i];

			switch (e) {
			case 'n': sbuf_addc(o, '\n'); break;
			case 't': sbuf_addc(o, '\t'); break;
			case 'r': sbuf_addc(o, '\r'); break;
			default: sbuf_addc(o, e); break;
			}
			continue;
		}
		sbuf_addc(o, s[i]);
	}
}

static void
jw_locus_str(struct cg_jw *w, const struct cg_decl *d, struct span sp)
{
	struct sbuf b;

	sbuf_init(&b);
	decode_str(&b, cg_text(d, sp), sp.len);
	cg_jw_str(w, b.p ? b.p : "", b.len);
	sbuf_free(&b);
}

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

/* The lower-cased validation type of a Locus primitive. */
static const char *
validation_type(const char *locus)
{
	static const char *const map[][2] = {
		{ "String", "string" },     { "Text", "text" },
		{ "Integer", "integer" },   { "Decimal", "decimal" },
		{ "Boolean", "boolean" },   { "DateTime", "datetime" },
		{ "Json", "json" },         { "BigInt", "bigint" },
		{ "Float", "float" },       { "UUID", "uuid" },
		{ "Email", "email" },       { "URL", "url" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(map[i][0], locus) == 0)
			return map[i][1];
	return "string";
}

/* ---- validation/<E>.ts ---- */

static void
put_default(struct cg_jw *w, const struct cg_decl *d, const struct ast_expr *e)
{
	const struct ast_arg *a;
	double v;

	if (!e) {
		cg_jw_raw(w, "null");
		return;
	}
	if (num_of(e, &v)) {
		cg_jw_num(w, v);
		return;
	}
	switch (e->kind) {
	case EXPR_STRING:
		jw_locus_str(w, d, e->str);
		break;
	case EXPR_IDENT:
		if (strcmp(e->name->s, "true") == 0 ||
		    strcmp(e->name->s, "false") == 0)
			cg_jw_raw(w, e->name->s);
		else
			cg_jw_str(w, e->name->s, e->name->len);
		break;
	case EXPR_CALL:
		cg_jw_open(w, '{');
		cg_jw_key(w, "call");
		if (e->a && e->a->kind == EXPR_IDENT)
			cg_jw_str(w, e->a->name->s, e->a->name->len);
		else
			cg_jw_str(w, "", 0);
		cg_jw_key(w, "args");
		cg_jw_open(w, '[');
		for (a = e->args; a; a = a->next)
			put_default(w, d, a->value);
		cg_jw_close(w, ']');
		cg_jw_close(w, '}');
		break;
	case EXPR_ARRAY:
		cg_jw_open(w, '[');
		for (a = e->args; a; a = a->next)
			put_default(w, d, a->value);
		cg_jw_close(w, ']');
		break;
	default: {
		struct sbuf b;

		sbuf_init(&b);
		cg_put_span(&b, d, e->span);
		cg_jw_str(w, b.p ? b.p : "", b.len);
		sbuf_free(&b);
		break;
	}
	}
}

/* The first positional number argument of an attribute. */
static bool
first_number(const struct ast_attr *at, double *v)
{
	const struct ast_arg *a;

	for (a = at->args; a; a = a->next)
		if (!a->name && num_of(a->value, v))
			return true;
	return false;
}

static void
put_length(struct cg_jw *w, const struct ast_attr *at)
{
	const struct ast_arg *a;
	double v, lo = 0, hi = 0;
	bool has_lo = false, has_hi = false;
	int pos = 0;

	for (a = at->args; a; a = a->next) {
		if (!num_of(a->value, &v))
			continue;
		if (a->name) {
			if (strcmp(a->name->s, "min") == 0) {
				lo = v;
				has_lo = true;
			} else if (strcmp(a->name->s, "max") == 0) {
				hi = v;
				has_hi = true;
			}
			continue;
		}
		if (pos == 0) {
			lo = v;
			has_lo = true;
		} else if (pos == 1) {
			hi = v;
			has_hi = true;
		}
		pos++;
	}
	if (has_lo) {
		cg_jw_key(w, "lenMin");
		cg_jw_num(w, lo);
	}
	if (has_hi) {
		cg_jw_key(w, "lenMax");
		cg_jw_num(w, hi);
	}
}

static void
put_field_attr(struct cg_jw *w, const struct cg_decl *d, const struct ast_attr *at)
{
	const char *n = at->name ? at->name->s : "";
	const struct ast_arg *a;
	double v;

	if (strcmp(n, "min") == 0 || strcmp(n, "max") == 0) {
		if (first_number(at, &v)) {
			cg_jw_key(w, n);
			cg_jw_num(w, v);
		}
	} else if (strcmp(n, "length") == 0) {
		put_length(w, at);
	} else if (strcmp(n, "pattern") == 0) {
		for (a = at->args; a; a = a->next)
			if (a->value && a->value->kind == EXPR_STRING)
				break;
		if (a) {
			cg_jw_key(w, "pattern");
			jw_locus_str(w, d, a->value->str);
		}
	} else if (strcmp(n, "email") == 0 || strcmp(n, "Email") == 0) {
		cg_jw_key(w, "email");
		cg_jw_raw(w, "true");
	} else if (strcmp(n, "default") == 0) {
		cg_jw_key(w, "defaultValue");
		put_default(w, d, at->args ? at->args->value : NULL);
	} else if (strcmp(n, "json") == 0 || strcmp(n, "opaque") == 0) {
		cg_jw_key(w, n);
		cg_jw_raw(w, "true");
	}
}

static void
put_schema(struct sbuf *o, const struct cg_decl *d, bool patch)
{
	const struct ast_entity *e = d->ast->u.entity;
	const struct ast_field *f;
	const struct ast_relation *r;
	struct cg_jw w;

	memset(&w, 0, sizeof(w));
	w.o = o;
	cg_jw_open(&w, '{');
	cg_jw_key(&w, "entity");
	cg_jw_str(&w, decl_name(d), strlen(decl_name(d)));
	cg_jw_key(&w, "fields");
	cg_jw_open(&w, '[');
	for (f = e->fields; f; f = f->next) {
		const struct ast_attr *at;
		const char *vt;
		int pass;

		if (!f->name)
			continue;
		cg_jw_open(&w, '{');
		cg_jw_key(&w, "name");
		cg_jw_str(&w, f->name->s, f->name->len);
		cg_jw_key(&w, "type");
		vt = validation_type(f->type.name ? f->type.name->s
						  : "String");
		cg_jw_str(&w, vt, strlen(vt));
		cg_jw_key(&w, "optional");
		cg_jw_raw(&w, patch || f->type.optional ? "true" : "false");
		if (f->type.list) {
			cg_jw_key(&w, "list");
			cg_jw_raw(&w, "true");
		}
		/* Stored order: parenthesised attributes, then annotations. */
		for (pass = 0; pass < 2; pass++)
			for (at = f->attrs; at; at = at->next)
				if (at->paren_form == (pass == 0))
					put_field_attr(&w, d, at);
		cg_jw_close(&w, '}');
	}
	cg_jw_close(&w, ']');
	cg_jw_key(&w, "relations");
	cg_jw_open(&w, '[');
	for (r = e->relations; r; r = r->next)
		if (r->name)
			cg_jw_str(&w, r->name->s, r->name->len);
	cg_jw_close(&w, ']');
	cg_jw_close(&w, '}');
}

void
cg_emit_validation(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->entities[i];
	const char *E = decl_name(d);

	cg_put_header(o, "express route", false);
	sbuf_adds(o,
		  "import { validateBodyAgainst } from "
		  "'../react/runtime/validateRuntime';\n"
		  "import type { ValidationResult } from "
		  "'../react/runtime/validateRuntime';\n"
		  "import { fastValidate } from "
		  "'../react/runtime/jitValidator';\n\n");
	sbuf_adds(o, "export const schema = ");
	put_schema(o, d, false);
	/* Updates validate against the same rules (OUTPUTS.md 5: the two
	 * are identical), so one object, not a second copy of it. */
	sbuf_adds(o, " as const;\n\nexport const updateSchema = schema;\n\n"
		     "export const patchSchema = ");
	put_schema(o, d, true);
	sbuf_adds(o, " as const;\n\n");
	sbuf_printf(o, "export type %sValidation = typeof schema;\n\n", E);
	sbuf_adds(o,
		  "// LOCUS_VALIDATION_JIT=1 at load time picks the compiled "
		  "validator.\n"
		  "const validate = process.env.LOCUS_VALIDATION_JIT === '1'\n"
		  "  ? fastValidate\n"
		  "  : validateBodyAgainst;\n\n");
	sbuf_printf(o,
		    "export function validate%sBody(body: unknown): "
		    "ValidationResult {\n"
		    "  return validate(schema, body, 'create');\n"
		    "}\n\n"
		    "export function validate%sUpdate(body: unknown): "
		    "ValidationResult {\n"
		    "  return validate(updateSchema, body, 'update');\n"
		    "}\n\n"
		    "export function validate%sPatch(body: unknown): "
		    "ValidationResult {\n"
		    "  return validate(patchSchema, body, 'patch');\n"
		    "}\n",
		    E, E, E);
}

void
cg_emit_validation_index(const struct cg_model *m, size_t i, struct sbuf *o)
{
	size_t k;

	(void)i;
	cg_put_header(o, "express route", false);
	for (k = 0; k < m->nentities; k++) {
		const char *E = decl_name(&m->entities[k]);

		/* schema, updateSchema and patchSchema exist in every module:
		 * they are reachable through the namespace only. */
		sbuf_printf(o, "%sexport * as %s from './%s';\n",
			    k ? "\n" : "", E, E);
		sbuf_printf(o,
			    "export { validate%sBody, validate%sUpdate, "
			    "validate%sPatch } from './%s';\n",
			    E, E, E, E);
		sbuf_printf(o, "export type { %sValidation } from './%s';\n",
			    E, E);
	}
}

void
cg_emit_validation_all(const struct cg_model *m, size_t i, struct sbuf *o)
{
	size_t k;

	(void)i;
	cg_put_header(o, "express route", false);
	for (k = 0; k < m->nentities; k++) {
		const char *E = decl_name(&m->entities[k]);

		sbuf_printf(o, "import * as %sVal from './%s';\n", E, E);
	}
	if (m->nentities)
		sbuf_addc(o, '\n');
	if (!m->nentities) {
		sbuf_adds(o, "export const AllEntityValidators = {} as const;\n");
		return;
	}
	sbuf_adds(o, "export const AllEntityValidators = {\n");
	for (k = 0; k < m->nentities; k++) {
		const char *E = decl_name(&m->entities[k]);

		sbuf_printf(o,
			    "  %s: {\n"
			    "    schema: %sVal.schema,\n"
			    "    updateSchema: %sVal.updateSchema,\n"
			    "    patchSchema: %sVal.patchSchema,\n"
			    "    validate: %sVal.validate%sBody,\n"
			    "    validateUpdate: %sVal.validate%sUpdate,\n"
			    "    validatePatch: %sVal.validate%sPatch,\n"
			    "  },\n",
			    E, E, E, E, E, E, E, E, E, E);
	}
	sbuf_adds(o, "} as const;\n");
}

/* ---- routes/<e>.ts ---- */

enum id_kind { ID_NUMBER, ID_BIGINT, ID_STRING };

static enum id_kind
id_kind_of(const struct ast_field *id)
{
	const char *t;

	if (!id || !id->type.name)
		return ID_NUMBER;
	t = id->type.name->s;
	if (strcmp(t, "Integer") == 0 || strcmp(t, "Float") == 0)
		return ID_NUMBER;
	if (strcmp(t, "BigInt") == 0)
		return ID_BIGINT;
	return ID_STRING;
}

/* Declares `id` from req.params.id and answers 400 for an id that is
 * not a number (number and bigint ids). */
static void
put_id_parse(struct sbuf *o, enum id_kind k)
{
	switch (k) {
	case ID_NUMBER:
		sbuf_adds(o, "    const id = Number(req.params.id);\n"
			     "    if (Number.isNaN(id)) {\n"
			     "      res.status(400).json({ error: 'id must "
			     "be a number' });\n"
			     "      return;\n"
			     "    }\n");
		break;
	case ID_BIGINT:
		sbuf_adds(o, "    const id = toBigInt(req.params.id);\n"
			     "    if (id === null) {\n"
			     "      res.status(400).json({ error: 'id must be a "
			     "number' });\n"
			     "      return;\n"
			     "    }\n");
		break;
	case ID_STRING:
		sbuf_adds(o, "    const id = req.params.id;\n");
		break;
	}
}

void
cg_emit_route(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->entities[i];
	const char *E = decl_name(d);
	const struct ast_field *id = cg_entity_id_field(d->ast->u.entity);
	enum id_kind k = id_kind_of(id);
	const char *idn = id ? id->name->s : "id";
	struct sbuf e, where;

	sbuf_init(&e);
	cg_put_lower_first(&e, E);
	sbuf_init(&where);
	if (strcmp(idn, "id") == 0)
		sbuf_adds(&where, "{ id }");
	else
		sbuf_printf(&where, "{ %s: id }", idn);

	cg_put_header(o, "express route", false);
	sbuf_printf(o,
		    "import { Router } from 'express';\n"
		    "import type { Request, Response } from 'express';\n"
		    "import { PrismaClient } from '@prisma/client';\n"
		    "import { validate%sBody, validate%sUpdate } from "
		    "'../validation/%s';\n"
		    "import { validationErrorEnvelope } from "
		    "'../react/runtime/validateRuntime';\n\n",
		    E, E, E);
	sbuf_adds(o, "const prisma = new PrismaClient();\n\n"
		     "// Mounted at /");
	sbuf_adds(o, e.p);
	sbuf_adds(o, " by server.ts.\n"
		     "export const router = Router();\n\n"
		     "function errorMessage(e: unknown, fallback: string): "
		     "string {\n"
		     "  return e instanceof Error && e.message ? e.message : "
		     "fallback;\n"
		     "}\n\n");
	if (k == ID_BIGINT)
		sbuf_adds(o, "function toBigInt(raw: string): bigint | null {\n"
			     "  try {\n"
			     "    return BigInt(raw);\n"
			     "  } catch {\n"
			     "    return null;\n"
			     "  }\n"
			     "}\n\n");

	/* GET / */
	sbuf_printf(o,
		    "router.get('/', async (req: Request, res: Response) => {\n"
		    "  try {\n"
		    "    let where: any = undefined;\n"
		    "    const rawWhere = req.query.where;\n"
		    "    if (typeof rawWhere === 'string') {\n"
		    "      try {\n"
		    "        where = JSON.parse(rawWhere);\n"
		    "      } catch {\n"
		    "        res.status(400).json({ error: 'Invalid where JSON' "
		    "});\n"
		    "        return;\n"
		    "      }\n"
		    "    } else if (rawWhere !== undefined) {\n"
		    "      where = rawWhere;\n"
		    "    }\n"
		    "    const skip = req.query.skip !== undefined ? "
		    "Number(req.query.skip) : undefined;\n"
		    "    if (skip !== undefined && Number.isNaN(skip)) {\n"
		    "      res.status(400).json({ error: 'skip must be a number' "
		    "});\n"
		    "      return;\n"
		    "    }\n"
		    "    const take = req.query.take !== undefined ? "
		    "Number(req.query.take) : undefined;\n"
		    "    if (take !== undefined && Number.isNaN(take)) {\n"
		    "      res.status(400).json({ error: 'take must be a number' "
		    "});\n"
		    "      return;\n"
		    "    }\n"
		    "    const rows = await prisma.%s.findMany({ where, skip, "
		    "take });\n"
		    "    res.status(200).json(rows);\n"
		    "  } catch (e) {\n"
		    "    res.status(500).json({ error: errorMessage(e, 'Server "
		    "error') });\n"
		    "  }\n"
		    "});\n\n",
		    e.p);

	/* GET /:id */
	sbuf_adds(o, "router.get('/:id', async (req: Request, res: Response) "
		     "=> {\n"
		     "  try {\n");
	/* A malformed id is the client's mistake (400); the original let
	 * Prisma fail with a 500. */
	put_id_parse(o, k);
	sbuf_printf(o,
		    "    const row = await prisma.%s.findUnique({ where: %s });\n"
		    "    if (!row) {\n"
		    "      res.status(404).end();\n"
		    "      return;\n"
		    "    }\n"
		    "    res.status(200).json(row);\n"
		    "  } catch (e) {\n"
		    "    res.status(500).json({ error: errorMessage(e, 'Server "
		    "error') });\n"
		    "  }\n"
		    "});\n\n",
		    e.p, where.p);

	/* POST / */
	sbuf_printf(o,
		    "router.post('/', async (req: Request, res: Response) => {\n"
		    "  const result = validate%sBody(req.body);\n"
		    "  if (!result.ok) {\n"
		    "    res.status(400).json(validationErrorEnvelope(result."
		    "errors));\n"
		    "    return;\n"
		    "  }\n"
		    "  try {\n"
		    "    const row = await prisma.%s.create({ data: req.body });\n"
		    "    res.status(201).json(row);\n"
		    "  } catch (e) {\n"
		    "    res.status(400).json({ error: errorMessage(e, 'Create "
		    "failed') });\n"
		    "  }\n"
		    "});\n\n",
		    E, e.p);

	/* PUT /:id */
	sbuf_adds(o, "router.put('/:id', async (req: Request, res: Response) "
		     "=> {\n"
		     "  try {\n");
	put_id_parse(o, k);
	sbuf_printf(o,
		    "    const result = validate%sUpdate(req.body);\n"
		    "    if (!result.ok) {\n"
		    "      res.status(400).json(validationErrorEnvelope(result."
		    "errors));\n"
		    "      return;\n"
		    "    }\n"
		    "    const row = await prisma.%s.update({ where: %s, data: "
		    "req.body });\n"
		    "    res.status(200).json(row);\n"
		    "  } catch (e) {\n"
		    "    res.status(400).json({ error: errorMessage(e, 'Update "
		    "failed') });\n"
		    "  }\n"
		    "});\n\n",
		    E, e.p, where.p);

	/* DELETE /:id */
	sbuf_adds(o, "router.delete('/:id', async (req: Request, res: "
		     "Response) => {\n"
		     "  try {\n");
	put_id_parse(o, k);
	sbuf_printf(o,
		    "    await prisma.%s.delete({ where: %s });\n"
		    "    res.status(204).end();\n"
		    "  } catch (e) {\n"
		    "    res.status(400).json({ error: errorMessage(e, 'Delete "
		    "failed') });\n"
		    "  }\n"
		    "});\n",
		    e.p, where.p);
	sbuf_free(&e);
	sbuf_free(&where);
}

/* ---- server.ts ---- */

/* Entity indexes in name order, without a second entity whose route
 * file name (lowerFirst) is already taken (plan.c skips its file). */
static size_t
routed_entities(const struct cg_model *m, size_t *idx)
{
	/*
	 * Entities whose names differ only in the first letter's case map to
	 * one route file (routes/<e>.ts); the first in name order wins, as in
	 * plan.c. A hash set of lowerFirst names keeps this linear.
	 */
	size_t k, n = 0, cap = 16, j;
	char **set;

	while (cap < m->nentities * 2)
		cap *= 2;
	set = xcalloc(cap, sizeof(*set));
	for (k = 0; k < m->nentities; k++)
		idx[k] = k;
	cg_sort_by_name(m->entities, idx, m->nentities);
	for (k = 0; k < m->nentities; k++) {
		struct sbuf e;
		bool dup = false;

		sbuf_init(&e);
		cg_put_lower_first(&e, decl_name(&m->entities[idx[k]]));
		if (!e.p)
			sbuf_adds(&e, "");
		for (j = hash_str32(e.p, e.len) & (cap - 1); set[j];
		     j = (j + 1) & (cap - 1))
			if (strcmp(set[j], e.p) == 0) {
				dup = true;
				break;
			}
		if (dup) {
			sbuf_free(&e);
			continue;
		}
		set[j] = e.p;
		idx[n++] = idx[k];
	}
	for (j = 0; j < cap; j++)
		free(set[j]);
	free(set);
	return n;
}

static void
put_lower(struct sbuf *o, const char *s)
{
	for (; *s; s++)
		sbuf_addc(o, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
}

/* The adapter path as written, with backslashes turned into slashes. */
static void
put_adapter_path(struct sbuf *o, const char *p)
{
	struct sbuf b;
	char *c;

	sbuf_init(&b);
	sbuf_adds(&b, p);
	for (c = b.p; c && *c; c++)
		if (*c == '\\')
			*c = '/';
	cg_put_ts_str(o, b.p ? b.p : "", b.len);
	sbuf_free(&b);
}

static bool
has_guards(const struct cg_model *m)
{
	size_t k;

	for (k = 0; k < m->npages; k++)
		if (m->pages[k].guard)
			return true;
	return false;
}

static void
put_auth_middleware(const struct cg_model *m, struct sbuf *o)
{
	size_t k;
	bool guards = has_guards(m);

	if (!m->cfg.adapter && !guards)
		return;
	sbuf_adds(o, "// Authentication ([auth] in Locus.toml).\n");
	if (m->cfg.adapter) {
		/* The adapter is the user's own module (often plain JS):
		 * loaded with require so that tsc needs no types for it. */
		sbuf_adds(o, "// eslint-disable-next-line "
			     "@typescript-eslint/no-var-requires\n"
			     "const authAdapter: any = require(");
		put_adapter_path(o, m->cfg.adapter);
		sbuf_adds(o, ");\n"
			     "(app as any).authAdapter = authAdapter;\n");
		sbuf_printf(o, "const REQUIRE_AUTH = %s;\n\n",
			    m->cfg.require_auth ? "true" : "false");
		sbuf_adds(o,
			  "app.use(async (req: Request, res: Response, next: "
			  "NextFunction) => {\n"
			  "  try {\n"
			  "    const session = typeof authAdapter.getSession === "
			  "'function'\n"
			  "      ? await authAdapter.getSession(req, res)\n"
			  "      : null;\n"
			  "    (req as any).auth = session;\n"
			  "    (req as any).user = session;\n"
			  "    if (REQUIRE_AUTH && !session) {\n"
			  "      res.status(401).json({ error: 'Unauthorized' "
			  "});\n"
			  "      return;\n"
			  "    }\n"
			  "  } catch {\n"
			  "    res.status(500).json({ error: 'Auth failure' });\n"
			  "    return;\n"
			  "  }\n"
			  "  next();\n"
			  "});\n\n"
			  "const passThrough = (): RequestHandler => (_req, _res, "
			  "next) => next();\n"
			  "const requireRole: (role: string) => RequestHandler =\n"
			  "  typeof authAdapter.requireRole === 'function' ? "
			  "authAdapter.requireRole : passThrough;\n\n");
	} else {
		sbuf_adds(o, "// No [auth] adapter: page guards let every "
			     "request through.\n"
			     "const requireRole = (_role: string): RequestHandler "
			     "=> (_req, _res, next) => next();\n\n");
	}
	for (k = 0; k < m->npages; k++) {
		const char *guard = m->pages[k].guard;
		const char *P = decl_name(&m->pages[k]);

		if (!guard)
			continue;
		sbuf_adds(o, "app.get('/guard/");
		put_lower(o, P);
		sbuf_adds(o, "', requireRole(");
		cg_put_ts_str(o, guard, strlen(guard));
		sbuf_adds(o, "), (_req: Request, res: Response) => {\n"
			     "  res.status(200).json({ ok: true, page: ");
		cg_put_ts_str(o, P, strlen(P));
		sbuf_adds(o, " });\n});\n");
	}
	if (guards)
		sbuf_addc(o, '\n');
}

void
cg_emit_server(const struct cg_model *m, size_t i, struct sbuf *o)
{
	size_t *idx = xcalloc(m->nentities ? m->nentities : 1, sizeof(*idx));
	size_t n = routed_entities(m, idx), k;
	bool auth = m->cfg.auth;
	bool uploads = auth && m->nuploads > 0;

	(void)i;
	cg_put_header(o, "express server", false);
	sbuf_adds(o, "import express from 'express';\n"
		     "import type { NextFunction, Request, RequestHandler, "
		     "Response } from 'express';\n"
		     "import cors from 'cors';\n"
		     "import path from 'path';\n");
	for (k = 0; k < n; k++) {
		struct sbuf e;

		sbuf_init(&e);
		cg_put_lower_first(&e, decl_name(&m->entities[idx[k]]));
		sbuf_printf(o, "import { router as %sRouter } from "
			       "'./routes/%s';\n",
			    e.p, e.p);
		sbuf_free(&e);
	}
	sbuf_adds(o, "import { makeUploadMiddleware } from "
		     "'./react/runtime/uploadMiddleware';\n");
	if (uploads)
		for (k = 0; k < m->nuploads; k++) {
			const char *U = decl_name(&m->uploads[k]);

			sbuf_printf(o, "import { policy as %sUploadPolicy } "
				       "from './uploads/%s';\n",
				    U, U);
		}
	sbuf_adds(o,
		  "\n"
		  "const app = express();\n"
		  "const startedAt = Date.now();\n\n"
		  "app.use(express.json());\n"
		  "// BigInt columns are sent as strings.\n"
		  "app.set('json replacer', (_key: string, value: unknown) =>\n"
		  "  typeof value === 'bigint' ? value.toString() : value);\n"
		  "if (process.env.ENABLE_CORS === '1') {\n"
		  "  app.use(cors());\n"
		  "}\n"
		  "try {\n"
		  "  app.use(express.static(path.join(__dirname, 'next-app', "
		  "'public')));\n"
		  "} catch {\n"
		  "  // No static files.\n"
		  "}\n\n"
		  "app.get('/healthz', (_req: Request, res: Response) => {\n"
		  "  res.status(200).json({ ok: true, uptime: process.uptime(), "
		  "ts: Date.now() });\n"
		  "});\n\n"
		  "app.get('/readyz', (_req: Request, res: Response) => {\n"
		  "  res.status(200).json({ ready: true, uptime: "
		  "process.uptime(), startedAt });\n"
		  "});\n\n");
	if (auth)
		put_auth_middleware(m, o);
	sbuf_adds(o, "// Upload policies by name (auth mode registers them).\n"
		     "const uploadPolicies: Record<string, any> = {};\n");
	if (uploads)
		for (k = 0; k < m->nuploads; k++) {
			const char *U = decl_name(&m->uploads[k]);

			sbuf_adds(o, "uploadPolicies[");
			cg_put_ts_str(o, U, strlen(U));
			sbuf_printf(o, "] = %sUploadPolicy;\n", U);
		}
	sbuf_adds(o,
		  "\n"
		  "export function attachUploadPolicy(target: "
		  "express.Express, routeBase: string, policyName: string): "
		  "void {\n"
		  "  const policy = uploadPolicies[policyName];\n"
		  "  if (!policy) return;\n"
		  "  const tmpRoot = process.env.LOCUS_UPLOAD_TMP || "
		  "path.join(__dirname, '..', '..', 'tmp_uploads');\n"
		  "  target.post('/' + routeBase, makeUploadMiddleware(policy, "
		  "tmpRoot), (req: Request, res: Response) => {\n"
		  "    const r = req as any;\n"
		  "    res.status(201).json({ files: r.uploadFiles ?? [], "
		  "fields: r.uploadBody ?? {} });\n"
		  "  });\n"
		  "}\n\n");
	for (k = 0; k < n; k++) {
		struct sbuf e;

		sbuf_init(&e);
		cg_put_lower_first(&e, decl_name(&m->entities[idx[k]]));
		sbuf_printf(o, "app.use('/%s', %sRouter);\n", e.p, e.p);
		sbuf_free(&e);
	}
	if (n)
		sbuf_addc(o, '\n');
	if (uploads) {
		for (k = 0; k < m->nuploads; k++) {
			const char *U = decl_name(&m->uploads[k]);
			struct sbuf u;

			sbuf_init(&u);
			cg_put_lower_first(&u, U);
			sbuf_adds(o, "attachUploadPolicy(app, ");
			cg_put_ts_str(o, u.p, u.len);
			sbuf_adds(o, ", ");
			cg_put_ts_str(o, U, strlen(U));
			sbuf_adds(o, ");\n");
			sbuf_free(&u);
		}
		sbuf_addc(o, '\n');
	}
	sbuf_adds(o,
		  "export function startServer(port: number = "
		  "Number(process.env.API_PORT || process.env.PORT) || 3001) {\n"
		  "  return app.listen(port, () => {\n"
		  "    console.log(`[locus][api] listening on port ${port}`);\n"
		  "    console.log('[locus][api] ready');\n"
		  "  });\n"
		  "}\n\n"
		  "export default app;\n\n"
		  "if (require.main === module) {\n"
		  "  startServer();\n"
		  "}\n");
	free(idx);
}

/* ---- webhooks.stub.ts ---- */

void
cg_emit_webhooks(const struct cg_model *m, size_t i, struct sbuf *o)
{
	size_t k;

	(void)i;
	cg_put_header(o, "webhooks", false);
	sbuf_adds(o, "import app from './server';\n"
		     "import type { Request, Response } from 'express';\n");
	for (k = 0; k < m->nworkflows; k++) {
		const struct cg_decl *d = &m->workflows[k];
		const struct ast_trigger *t;
		const char *W = decl_name(d);

		for (t = d->ast->u.workflow->triggers; t; t = t->next)
			if (t->kind == TRIG_WEBHOOK)
				break;
		if (!t)
			continue;
		sbuf_adds(o, "\napp.post('/webhooks/");
		put_lower(o, W);
		sbuf_adds(o, "', (req: Request, res: Response) => {\n");
		if (t->secret) {
			sbuf_printf(o,
				    "  const expected = process.env.%s;\n"
				    "  if (!expected || "
				    "req.header('x-locus-secret') !== expected) "
				    "{\n"
				    "    res.status(401).json({ error: 'invalid "
				    "secret' });\n"
				    "    return;\n"
				    "  }\n",
				    t->secret->s);
		}
		sbuf_printf(o, "  // TODO: run workflow %s.\n", W);
		sbuf_adds(o, "  res.status(200).json({ ok: true, workflow: ");
		cg_put_ts_str(o, W, strlen(W));
		sbuf_adds(o, " });\n});\n");
	}
}
