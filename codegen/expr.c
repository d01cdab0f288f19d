/*
 * expr.c - prints Locus expressions, statements and types as TypeScript
 * for pages and components.
 *
 * Everything is printed from the tree, never copied from the source:
 * operators get JavaScript's spelling (`==` becomes `===`), parentheses
 * appear only where precedence needs them (plus those the user wrote),
 * an assignment to a state variable becomes its setter call, and the
 * data built-ins become calls of the runtime's REST client.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"

/* ------------------------------------------------------------------ */
/* Names and scopes                                                   */
/* ------------------------------------------------------------------ */

bool
cg__names_has(const struct cg_names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return true;
	return false;
}

static void
names_push(struct cg_names *l, const char *name)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = name;
}

bool
cg__names_add(struct cg_names *l, const char *name)
{
	if (cg__names_has(l, name))
		return false;
	names_push(l, name);
	return true;
}

void
cg__names_free(struct cg_names *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

size_t
cg__scope_mark(const struct cg_view *c)
{
	return c->scope.n;
}

void
cg__scope_push(struct cg_view *c, const char *name)
{
	names_push(&c->scope, name);
}

void
cg__scope_pop(struct cg_view *c, size_t mark)
{
	c->scope.n = mark;
}

const struct ast_param *
cg__state(const struct cg_view *c, const char *name)
{
	const struct ast_param *p;

	if (cg__names_has(&c->scope, name))
		return NULL;
	for (p = c->v->state; p; p = p->next)
		if (strcmp(p->name->s, name) == 0)
			return p;
	return NULL;
}

/* Whether a free name is one the view itself declares. */
static bool
view_declares(const struct cg_view *c, const char *name)
{
	const struct ast_param *p;
	const struct ast_action *a;

	if (cg__names_has(&c->scope, name))
		return true;
	for (p = c->v->state; p; p = p->next)
		if (strcmp(p->name->s, name) == 0)
			return true;
	for (p = c->v->params; p; p = p->next)
		if (strcmp(p->name->s, name) == 0)
			return true;
	for (a = c->v->actions; a; a = a->next)
		if (strcmp(a->name->s, name) == 0)
			return true;
	return false;
}

void
cg__put_setter(struct sbuf *o, const char *name)
{
	sbuf_adds(o, "set");
	cg_put_capitalize(o, name);
}

void
cg__indent(struct sbuf *o, int n)
{
	for (; n > 0; n--)
		sbuf_addc(o, ' ');
}

/* ------------------------------------------------------------------ */
/* Types                                                              */
/* ------------------------------------------------------------------ */

static const struct {
	const char *locus;
	const char *ts;
} prims[] = {
	{ "String", "string" },   { "Text", "string" },
	{ "Email", "string" },    { "URL", "string" },
	{ "UUID", "string" },     { "DateTime", "string" },
	{ "Date", "string" },     { "Integer", "number" },
	{ "Decimal", "number" },  { "Float", "number" },
	{ "BigInt", "number" },   { "Number", "number" },
	{ "Boolean", "boolean" }, { "Json", "any" },
	{ "Any", "any" },
};

static const char *
prim_of(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(prims); i++)
		if (strcmp(prims[i].locus, name) == 0)
			return prims[i].ts;
	return NULL;
}

const char *
cg__prim_type_name(const char *name)
{
	return prim_of(name);
}

static bool
is_node_type(const char *name)
{
	return strcmp(name, "slot") == 0 || strcmp(name, "node") == 0 ||
	       strcmp(name, "children") == 0;
}

const char *
cg__prim_type(const struct ast_type *t)
{
	const char *p;

	if (!t->name || t->list || t->optional || t->nullable)
		return NULL;
	p = prim_of(t->name->s);
	if (p && strcmp(p, "any") == 0)
		return NULL;
	return p;
}

/*
 * Names a view module declares or imports besides entity types: the view
 * function (and a component's props interface), React and its hooks, the
 * data client functions, the built-ins and every user component (any of
 * them may be imported). An entity type of the same name is imported
 * under an alias.
 */
static bool
module_name_taken(const struct cg_view *c, const char *name)
{
	static const char *const fixed[] = {
		"React", "useState", "useEffect", "find", "findOne", "create",
		"update", "remove", "log",
	};
	const char *view = c->v->name->s;
	size_t i, n = strlen(view);

	if (strcmp(name, view) == 0)
		return true;
	if (c->d->ast->kind == UNIT_COMPONENT && strncmp(name, view, n) == 0 &&
	    strcmp(name + n, "Props") == 0)
		return true;
	for (i = 0; i < ARRAY_LEN(fixed); i++)
		if (strcmp(name, fixed[i]) == 0)
			return true;
	return cg__is_builtin_name(name) || cg_find_component(c->m, name);
}

void
cg__put_entity_local(const struct cg_view *c, struct sbuf *o,
		     const char *entity)
{
	struct sbuf alias;
	int k;

	if (!module_name_taken(c, entity)) {
		sbuf_adds(o, entity);
		return;
	}
	sbuf_init(&alias);
	for (k = 1;; k++) {
		sbuf_reset(&alias);
		sbuf_printf(&alias, "%sRecord", entity);
		if (k > 1)
			sbuf_printf(&alias, "%d", k);
		if (!module_name_taken(c, alias.p) &&
		    !cg_find_entity(c->m, alias.p))
			break;
	}
	sbuf_add(o, alias.p, alias.len);
	sbuf_free(&alias);
}

void
cg__put_entity_type(struct cg_view *c, struct sbuf *o, const char *entity)
{
	cg__names_add(&c->entities, entity);
	cg__put_entity_local(c, o, entity);
}

void
cg__put_type(struct cg_view *c, struct sbuf *o, const struct ast_type *t)
{
	const char *name = t->name ? t->name->s : "";
	const char *p = prim_of(name);
	bool node = is_node_type(name);

	if (node && !t->list) {
		sbuf_adds(o, "React.ReactNode");
		return;
	}
	if (t->list && t->optional_in_list)
		sbuf_addc(o, '(');
	if (node)
		sbuf_adds(o, "React.ReactNode");
	else if (p)
		sbuf_adds(o, p);
	else if (cg_find_entity(c->m, name))
		cg__put_entity_type(c, o, name);
	else
		sbuf_adds(o, "any");
	if (t->list) {
		if (t->optional_in_list)
			sbuf_adds(o, " | null)");
		sbuf_adds(o, "[]");
		if (t->nullable || (t->optional && !t->optional_in_list))
			sbuf_adds(o, " | null");
	} else if (t->optional || t->nullable) {
		sbuf_adds(o, " | null");
	}
}

/* ------------------------------------------------------------------ */
/* Literals                                                           */
/* ------------------------------------------------------------------ */

void
cg__put_str(struct sbuf *o, const char *s, size_t n)
{
	size_t i;

	sbuf_addc(o, '\'');
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '\\' && i + 1 < n) {
			/* An escape is kept as written, except that an escaped
			 * line break becomes \n. */
			if (s[i + 1] == '\n') {
				sbuf_adds(o, "\\n");
			} else {
				sbuf_addc(o, ch);
				sbuf_addc(o, s[i + 1]);
			}
			i++;
		} else if (ch == '\'') {
			sbuf_adds(o, "\\'");
		} else if (ch == '\n') {
			sbuf_adds(o, "\\n");
		} else if (ch == '\r') {
			sbuf_adds(o, "\\r");
		} else {
			sbuf_addc(o, ch);
		}
	}
	sbuf_addc(o, '\'');
}

static bool
is_ident_name(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_' || *s == '$'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$'))
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Expressions                                                        */
/* ------------------------------------------------------------------ */

static int
binop_prec(enum expr_op op)
{
	switch (op) {
	case EOP_MUL:
	case EOP_DIV:
	case EOP_MOD:
		return 13;
	case EOP_ADD:
	case EOP_SUB:
		return 12;
	case EOP_LT:
	case EOP_GT:
	case EOP_LE:
	case EOP_GE:
		return 10;
	case EOP_EQ:
	case EOP_NE:
		return 9;
	case EOP_AND:
		return 5;
	case EOP_OR:
	case EOP_NULLISH:
		return 4;
	default:
		return 0;
	}
}

static const char *
binop_text(enum expr_op op)
{
	switch (op) {
	case EOP_MUL: return "*";
	case EOP_DIV: return "/";
	case EOP_MOD: return "%";
	case EOP_ADD: return "+";
	case EOP_SUB: return "-";
	case EOP_LT: return "<";
	case EOP_GT: return ">";
	case EOP_LE: return "<=";
	case EOP_GE: return ">=";
	case EOP_EQ: return "===";
	case EOP_NE: return "!==";
	case EOP_AND: return "&&";
	case EOP_OR: return "||";
	case EOP_NULLISH: return "??";
	default: return "?";
	}
}

static const struct ast_expr *
strip_parens(const struct ast_expr *e)
{
	while (e && e->kind == EXPR_PAREN)
		e = e->a;
	return e;
}

/* The identifiers that stand for a JavaScript expression. `now` is the
 * ISO text of the current time: DateTime values in views are the ISO
 * strings the API sends (react/entities.ts), and ISO strings of one
 * format compare in time order. */
static const char *
ident_value(const struct cg_view *c, const char *name)
{
	if (view_declares(c, name))
		return NULL;
	if (strcmp(name, "now") == 0)
		return "new Date().toISOString()";
	if (strcmp(name, "uuid") == 0 || strcmp(name, "cuid") == 0 ||
	    strcmp(name, "nanoid") == 0)
		return "crypto.randomUUID()";
	return NULL;
}

static void put_args(struct cg_view *c, struct sbuf *o,
		     const struct ast_arg *a, int indent);

static void
put_arg(struct cg_view *c, struct sbuf *o, const struct ast_arg *a, int indent)
{
	if (a->spread)
		sbuf_adds(o, "...");
	cg__expr(c, o, a->value, CG_PREC_ASSIGN, indent);
}

static void
put_args(struct cg_view *c, struct sbuf *o, const struct ast_arg *a, int indent)
{
	bool first = true;

	for (; a; a = a->next) {
		if (!first)
			sbuf_adds(o, ", ");
		first = false;
		put_arg(c, o, a, indent);
	}
}

static void
put_prop(struct cg_view *c, struct sbuf *o, const struct ast_arg *a, int indent)
{
	if (a->spread) {
		sbuf_adds(o, "...");
		cg__expr(c, o, a->value, CG_PREC_ASSIGN, indent);
		return;
	}
	if (a->shorthand && a->value && a->value->kind == EXPR_IDENT &&
	    !ident_value(c, a->value->name->s)) {
		sbuf_adds(o, a->name->s);
		return;
	}
	if (is_ident_name(a->name->s))
		sbuf_adds(o, a->name->s);
	else
		cg_put_ts_str(o, a->name->s, a->name->len);
	sbuf_adds(o, ": ");
	cg__expr(c, o, a->value, CG_PREC_ASSIGN, indent);
}

/* Object literal: { a: 1, b } or {}. */
static void
put_object(struct cg_view *c, struct sbuf *o, const struct ast_arg *a,
	   int indent)
{
	if (!a) {
		sbuf_adds(o, "{}");
		return;
	}
	sbuf_adds(o, "{ ");
	for (; a; a = a->next) {
		put_prop(c, o, a, indent);
		if (a->next)
			sbuf_adds(o, ", ");
	}
	sbuf_adds(o, " }");
}

static const struct ast_arg *
positional(const struct ast_arg *a, int k)
{
	for (; a; a = a->next)
		if (!a->name && !a->spread && k-- == 0)
			return a;
	return NULL;
}

static const struct ast_arg *
named(const struct ast_arg *a, const char *name)
{
	for (; a; a = a->next)
		if (a->name && strcmp(a->name->s, name) == 0)
			return a;
	return NULL;
}

/* `'book'`: the route of an entity, lowerFirst of its name. */
static void
put_route(struct sbuf *o, const char *entity)
{
	sbuf_addc(o, '\'');
	cg_put_lower_first(o, entity);
	sbuf_addc(o, '\'');
}

/*
 * find(E[, where: w, take: n]), findOne(E, where: w), create(E, data),
 * update(r, data), delete(r), log(...). Returns false when the call is
 * not a data built-in (then the caller prints an ordinary call).
 */
static bool
put_data_call(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
	      int indent)
{
	const char *fn = e->a->name->s;
	const struct ast_arg *a0 = positional(e->args, 0);
	const struct ast_arg *a;
	const char *entity;

	if (view_declares(c, fn))
		return false;
	if (strcmp(fn, "log") == 0) {
		c->data_uses |= CG_USE_LOG;
		sbuf_adds(o, "log(");
		put_args(c, o, e->args, indent);
		sbuf_addc(o, ')');
		return true;
	}
	if (strcmp(fn, "update") == 0 || strcmp(fn, "delete") == 0) {
		bool upd = fn[0] == 'u';

		c->data_uses |= upd ? CG_USE_UPDATE : CG_USE_REMOVE;
		sbuf_adds(o, upd ? "update(" : "remove(");
		put_args(c, o, e->args, indent);
		sbuf_addc(o, ')');
		return true;
	}
	if (strcmp(fn, "find") != 0 && strcmp(fn, "findOne") != 0 &&
	    strcmp(fn, "create") != 0)
		return false;
	if (!a0 || !a0->value || a0->value->kind != EXPR_IDENT ||
	    !cg_find_entity(c->m, a0->value->name->s))
		return false;
	entity = a0->value->name->s;
	sbuf_printf(o, "%s<", fn);
	cg__put_entity_type(c, o, entity);
	sbuf_adds(o, ">(");
	put_route(o, entity);
	if (strcmp(fn, "find") == 0) {
		bool any = false;

		c->data_uses |= CG_USE_FIND;
		for (a = e->args; a; a = a->next) {
			if (!a->name)
				continue;
			sbuf_adds(o, any ? ", " : ", { ");
			any = true;
			put_prop(c, o, a, indent);
		}
		if (any)
			sbuf_adds(o, " }");
	} else if (strcmp(fn, "findOne") == 0) {
		const struct ast_arg *w = named(e->args, "where");

		c->data_uses |= CG_USE_FINDONE;
		if (!w)
			w = positional(e->args, 1);
		if (w) {
			sbuf_adds(o, ", ");
			cg__expr(c, o, w->value, CG_PREC_ASSIGN, indent);
		}
	} else {
		const struct ast_arg *data = positional(e->args, 1);

		c->data_uses |= CG_USE_CREATE;
		sbuf_adds(o, ", ");
		if (data)
			cg__expr(c, o, data->value, CG_PREC_ASSIGN, indent);
		else
			sbuf_adds(o, "{}");
	}
	sbuf_addc(o, ')');
	return true;
}

/* The new value an assignment gives its target: v, or t + v for +=. */
static void
put_assigned_value(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
		   int minprec, int indent)
{
	if (e->op == EOP_NONE) {
		cg__expr(c, o, e->b, minprec, indent);
		return;
	}
	if (minprec > 12)
		sbuf_addc(o, '(');
	cg__expr(c, o, e->a, 12, indent);
	sbuf_adds(o, e->op == EOP_ADD ? " + " : " - ");
	cg__expr(c, o, e->b, 13, indent);
	if (minprec > 12)
		sbuf_addc(o, ')');
}

/*
 * `{ ...obj, f: v }` for the assignment obj.f = v, nested for deeper
 * paths: path[0] is the member whose object is the state variable,
 * path[k + 1] the member whose object is path[k].
 */
static void
put_replaced(struct cg_view *c, struct sbuf *o,
	     const struct ast_expr *const *path, size_t n, size_t k,
	     const struct ast_expr *assign, int indent)
{
	sbuf_adds(o, "{ ...");
	cg__expr(c, o, path[k]->a, CG_PREC_POSTFIX, indent);
	sbuf_adds(o, ", ");
	if (is_ident_name(path[k]->name->s))
		sbuf_adds(o, path[k]->name->s);
	else
		cg_put_ts_str(o, path[k]->name->s, path[k]->name->len);
	sbuf_adds(o, ": ");
	if (k + 1 == n)
		put_assigned_value(c, o, assign, CG_PREC_ASSIGN, indent);
	else
		put_replaced(c, o, path, n, k + 1, assign, indent);
	sbuf_adds(o, " }");
}

/* An assignment whose target is state (x = v, x.f.g = v) as a setter
 * call. Returns false for other targets. */
static bool
put_state_assign(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
		 int indent)
{
	const struct ast_expr *t = strip_parens(e->a);
	const struct ast_expr *path[16];
	size_t n = 0, i;

	if (t && t->kind == EXPR_IDENT) {
		if (!cg__state(c, t->name->s))
			return false;
		cg__put_setter(o, t->name->s);
		sbuf_addc(o, '(');
		put_assigned_value(c, o, e, CG_PREC_ASSIGN, indent);
		sbuf_addc(o, ')');
		return true;
	}
	while (t && t->kind == EXPR_MEMBER && !t->optional_chain &&
	       n < ARRAY_LEN(path)) {
		path[n++] = t;
		t = strip_parens(t->a);
	}
	if (n == 0 || !t || t->kind != EXPR_IDENT || !cg__state(c, t->name->s))
		return false;
	/* path was collected outside in; put_replaced wants inside out. */
	for (i = 0; i < n / 2; i++) {
		const struct ast_expr *tmp = path[i];

		path[i] = path[n - 1 - i];
		path[n - 1 - i] = tmp;
	}
	cg__put_setter(o, t->name->s);
	sbuf_addc(o, '(');
	put_replaced(c, o, path, n, 0, e, indent);
	sbuf_addc(o, ')');
	return true;
}

static bool stmts_await(const struct ast_stmt *s);

bool
cg__expr_await(const struct ast_expr *e)
{
	const struct ast_arg *a;

	if (!e || e->kind == EXPR_ARROW)
		return false;
	if (e->kind == EXPR_UNARY && e->op == EOP_AWAIT)
		return true;
	if (cg__expr_await(e->a) || cg__expr_await(e->b) ||
	    cg__expr_await(e->c))
		return true;
	for (a = e->args; a; a = a->next)
		if (cg__expr_await(a->value))
			return true;
	return false;
}

static bool
stmts_await(const struct ast_stmt *s)
{
	for (; s; s = s->next)
		if (cg__expr_await(s->expr) || stmts_await(s->then) ||
		    stmts_await(s->otherwise))
			return true;
	return false;
}

bool
cg__stmts_await(const struct ast_stmt *s)
{
	return stmts_await(s);
}

static void
put_params(struct cg_view *c, struct sbuf *o, const struct ast_param *p)
{
	for (; p; p = p->next) {
		sbuf_adds(o, p->name->s);
		if (p->has_type) {
			sbuf_adds(o, ": ");
			cg__put_type(c, o, &p->type);
		}
		if (p->next)
			sbuf_adds(o, ", ");
	}
}

static void
put_arrow(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
	  int indent)
{
	size_t mark = cg__scope_mark(c);
	const struct ast_param *p;
	bool async = e->arrow_block ? stmts_await(e->body)
				    : cg__expr_await(e->b);

	if (async)
		sbuf_adds(o, "async ");
	sbuf_addc(o, '(');
	put_params(c, o, e->params);
	sbuf_adds(o, ") => ");
	for (p = e->params; p; p = p->next)
		cg__scope_push(c, p->name->s);
	if (e->arrow_block) {
		if (!e->body) {
			sbuf_adds(o, "{}");
		} else {
			sbuf_adds(o, "{\n");
			cg__stmts(c, o, e->body, indent + 2);
			cg__indent(o, indent);
			sbuf_addc(o, '}');
		}
	} else if (strip_parens(e->b) && strip_parens(e->b)->kind ==
						 EXPR_OBJECT &&
		   e->b->kind != EXPR_PAREN) {
		sbuf_addc(o, '(');
		cg__expr(c, o, e->b, CG_PREC_ANY, indent);
		sbuf_addc(o, ')');
	} else {
		cg__expr(c, o, e->b, CG_PREC_ASSIGN, indent);
	}
	cg__scope_pop(c, mark);
}

/* Precedence of what an expression prints as. */
static int
expr_prec(const struct cg_view *c, const struct ast_expr *e)
{
	switch (e->kind) {
	case EXPR_UNARY:
		return CG_PREC_UNARY;
	case EXPR_BINARY:
		return binop_prec(e->op);
	case EXPR_COND:
		return CG_PREC_COND;
	case EXPR_ASSIGN: {
		const struct ast_expr *t = strip_parens(e->a);

		/* A state assignment prints as a call. */
		while (t && t->kind == EXPR_MEMBER && !t->optional_chain)
			t = strip_parens(t->a);
		if (t && t->kind == EXPR_IDENT && cg__state(c, t->name->s))
			return CG_PREC_POSTFIX;
		return CG_PREC_ASSIGN;
	}
	case EXPR_ARROW:
		return CG_PREC_ASSIGN;
	default:
		return CG_PREC_POSTFIX;
	}
}

/* `a ?? b` cannot mix with && or || without parentheses. */
static bool
nullish_mix(enum expr_op parent, const struct ast_expr *child)
{
	bool logical;

	if (child->kind != EXPR_BINARY)
		return false;
	logical = child->op == EOP_AND || child->op == EOP_OR;
	return (parent == EOP_NULLISH && logical) ||
	       ((parent == EOP_AND || parent == EOP_OR) &&
		child->op == EOP_NULLISH);
}

static void
put_operand(struct cg_view *c, struct sbuf *o, enum expr_op parent,
	    const struct ast_expr *e, int minprec, int indent)
{
	if (nullish_mix(parent, e)) {
		sbuf_addc(o, '(');
		cg__expr(c, o, e, CG_PREC_ANY, indent);
		sbuf_addc(o, ')');
		return;
	}
	cg__expr(c, o, e, minprec, indent);
}

void
cg__expr(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
	 int minprec, int indent)
{
	const char *s;
	bool paren;

	if (!e) {
		sbuf_adds(o, "undefined");
		return;
	}
	paren = expr_prec(c, e) < minprec;
	if (paren)
		sbuf_addc(o, '(');
	switch (e->kind) {
	case EXPR_IDENT:
		s = ident_value(c, e->name->s);
		sbuf_adds(o, s ? s : e->name->s);
		break;
	case EXPR_NUMBER:
		cg_put_span(o, c->d, e->span);
		break;
	case EXPR_SIZE:
	case EXPR_DURATION:
		cg_put_number(o, e->num);
		break;
	case EXPR_STRING:
		cg__put_str(o, cg_text(c->d, e->str), e->str.len);
		break;
	case EXPR_HEX:
		sbuf_adds(o, "'#");
		cg_put_span(o, c->d, e->str);
		sbuf_addc(o, '\'');
		break;
	case EXPR_ARRAY:
		sbuf_addc(o, '[');
		put_args(c, o, e->args, indent);
		sbuf_addc(o, ']');
		break;
	case EXPR_OBJECT:
		put_object(c, o, e->args, indent);
		break;
	case EXPR_MEMBER:
		if (c->event_param && e->a->kind == EXPR_MEMBER &&
		    strcmp(e->a->name->s, "target") == 0 &&
		    e->a->a->kind == EXPR_IDENT &&
		    strcmp(e->a->a->name->s, c->event_param) == 0 &&
		    (strcmp(e->name->s, "value") == 0 ||
		     strcmp(e->name->s, "checked") == 0)) {
			/* The control's own value: currentTarget is typed
			 * as the element, target only as EventTarget. */
			sbuf_printf(o, "%s.currentTarget.%s", c->event_param,
				    e->name->s);
			break;
		}
		cg__expr(c, o, e->a, CG_PREC_POSTFIX, indent);
		sbuf_adds(o, e->optional_chain ? "?." : ".");
		sbuf_adds(o, e->name->s);
		break;
	case EXPR_INDEX:
		cg__expr(c, o, e->a, CG_PREC_POSTFIX, indent);
		sbuf_addc(o, '[');
		cg__expr(c, o, e->b, CG_PREC_ANY, indent);
		sbuf_addc(o, ']');
		break;
	case EXPR_CALL:
		if (e->a && e->a->kind == EXPR_IDENT &&
		    put_data_call(c, o, e, indent))
			break;
		if (e->a && e->a->kind == EXPR_IDENT && !e->args &&
		    (s = ident_value(c, e->a->name->s))) {
			/* now() and uuid() are the values themselves. */
			sbuf_adds(o, s);
			break;
		}
		cg__expr(c, o, e->a, CG_PREC_POSTFIX, indent);
		sbuf_addc(o, '(');
		put_args(c, o, e->args, indent);
		sbuf_addc(o, ')');
		break;
	case EXPR_UNARY: {
		const struct ast_expr *x = e->a;

		switch (e->op) {
		case EOP_NOT: sbuf_addc(o, '!'); break;
		case EOP_NEG: sbuf_addc(o, '-'); break;
		case EOP_PLUS: sbuf_addc(o, '+'); break;
		case EOP_AWAIT: sbuf_adds(o, "await "); break;
		case EOP_TYPEOF: sbuf_adds(o, "typeof "); break;
		default: break;
		}
		if ((e->op == EOP_NEG || e->op == EOP_PLUS) && x &&
		    x->kind == EXPR_UNARY &&
		    (x->op == EOP_NEG || x->op == EOP_PLUS)) {
			sbuf_addc(o, '(');
			cg__expr(c, o, x, CG_PREC_ANY, indent);
			sbuf_addc(o, ')');
		} else {
			cg__expr(c, o, x, CG_PREC_UNARY, indent);
		}
		break;
	}
	case EXPR_BINARY: {
		int p = binop_prec(e->op);

		put_operand(c, o, e->op, e->a, p, indent);
		sbuf_addc(o, ' ');
		sbuf_adds(o, binop_text(e->op));
		sbuf_addc(o, ' ');
		put_operand(c, o, e->op, e->b, p + 1, indent);
		break;
	}
	case EXPR_COND:
		cg__expr(c, o, e->a, CG_PREC_OR, indent);
		sbuf_adds(o, " ? ");
		cg__expr(c, o, e->b, CG_PREC_ASSIGN, indent);
		sbuf_adds(o, " : ");
		cg__expr(c, o, e->c, CG_PREC_ASSIGN, indent);
		break;
	case EXPR_ASSIGN:
		if (put_state_assign(c, o, e, indent))
			break;
		cg__expr(c, o, e->a, CG_PREC_POSTFIX, indent);
		sbuf_adds(o, e->op == EOP_ADD   ? " += "
			     : e->op == EOP_SUB ? " -= "
						: " = ");
		cg__expr(c, o, e->b, CG_PREC_ASSIGN, indent);
		break;
	case EXPR_ARROW:
		put_arrow(c, o, e, indent);
		break;
	case EXPR_PAREN:
		sbuf_addc(o, '(');
		cg__expr(c, o, e->a, CG_PREC_ANY, indent);
		sbuf_addc(o, ')');
		break;
	}
	if (paren)
		sbuf_addc(o, ')');
}

/* ------------------------------------------------------------------ */
/* Statements                                                         */
/* ------------------------------------------------------------------ */

/* The condition of `if (...)`: outer parentheses are the statement's. */
static void
put_cond(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
	 int indent)
{
	sbuf_addc(o, '(');
	cg__expr(c, o, strip_parens(e), CG_PREC_ANY, indent);
	sbuf_addc(o, ')');
}

static void
put_block(struct cg_view *c, struct sbuf *o, const struct ast_stmt *s,
	  int indent)
{
	size_t mark = cg__scope_mark(c);

	sbuf_adds(o, "{\n");
	cg__stmts(c, o, s, indent + 2);
	cg__indent(o, indent);
	sbuf_addc(o, '}');
	cg__scope_pop(c, mark);
}

static void
put_if(struct cg_view *c, struct sbuf *o, const struct ast_stmt *s, int indent)
{
	sbuf_adds(o, "if ");
	put_cond(c, o, s->expr, indent);
	sbuf_addc(o, ' ');
	put_block(c, o, s->then, indent);
	if (!s->has_else || !s->otherwise)
		return;
	sbuf_adds(o, " else ");
	if (s->otherwise->kind == STMT_IF && !s->otherwise->next)
		put_if(c, o, s->otherwise, indent);
	else if (s->otherwise->kind == STMT_BLOCK && !s->otherwise->next)
		put_block(c, o, s->otherwise->then, indent);
	else
		put_block(c, o, s->otherwise, indent);
}

void
cg__stmts(struct cg_view *c, struct sbuf *o, const struct ast_stmt *s,
	  int indent)
{
	size_t mark;

	for (; s; s = s->next) {
		cg__indent(o, indent);
		switch (s->kind) {
		case STMT_EXPR:
			cg__expr(c, o, s->expr, CG_PREC_ANY, indent);
			sbuf_adds(o, ";\n");
			break;
		case STMT_VAR:
			sbuf_adds(o, s->is_const ? "const " : "let ");
			sbuf_adds(o, s->name->s);
			if (s->expr) {
				sbuf_adds(o, " = ");
				cg__expr(c, o, s->expr, CG_PREC_ASSIGN,
					 indent);
			}
			sbuf_adds(o, ";\n");
			cg__scope_push(c, s->name->s);
			break;
		case STMT_IF:
			put_if(c, o, s, indent);
			sbuf_addc(o, '\n');
			break;
		case STMT_RETURN:
			sbuf_adds(o, "return");
			if (s->expr) {
				sbuf_addc(o, ' ');
				cg__expr(c, o, s->expr, CG_PREC_ANY, indent);
			}
			sbuf_adds(o, ";\n");
			break;
		case STMT_FOR:
			/* Locus loops go over the items, in or of alike. */
			sbuf_adds(o, "for (const ");
			sbuf_adds(o, s->name->s);
			sbuf_adds(o, " of ");
			cg__expr(c, o, s->expr, CG_PREC_ASSIGN, indent);
			sbuf_adds(o, ") ");
			mark = cg__scope_mark(c);
			cg__scope_push(c, s->name->s);
			put_block(c, o, s->then, indent);
			cg__scope_pop(c, mark);
			sbuf_addc(o, '\n');
			break;
		case STMT_BLOCK:
			put_block(c, o, s->then, indent);
			sbuf_addc(o, '\n');
			break;
		}
	}
}
