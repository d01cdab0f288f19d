/*
 * test_parse.c - unit tests of the grammar (parser.y) and its glue
 * (parse.c): every construct of the language parsed from source through
 * the real lexer, the tree checked through a compact S-expression
 * printer, and syntax errors checked for code and position.
 */
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"
#include "test.h"

/* ------------------------------------------------------------------ */
/* Fixture                                                            */
/* ------------------------------------------------------------------ */

struct fx {
	struct arena *a;
	struct interner *in;
	struct diag_list d;
	const char *src;
	struct ast_unit *u;
};

static struct fx *
parse(const char *src)
{
	static struct fx f;

	if (f.a) {
		diag_list_free(&f.d);
		intern_free(f.in);
		arena_free(f.a);
	}
	f.a = arena_new();
	f.in = intern_new();
	diag_list_init(&f.d, f.a);
	f.src = src;
	f.u = parse_unit(src, strlen(src), f.a, f.in, &f.d);
	return &f;
}

/* "CODE@line:col" of every diagnostic, space separated, "" when none. */
static const char *
diags(struct fx *f)
{
	struct sbuf b;
	size_t i;
	const char *s;

	sbuf_init(&b);
	for (i = 0; i < f->d.n; i++) {
		uint32_t off = f->d.v[i].off, k, line = 1, col = 1;

		for (k = 0; k < off && f->src[k]; k++) {
			if (f->src[k] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		sbuf_printf(&b, "%s%s@%u:%u", i ? " " : "", f->d.v[i].code,
			    line, col);
	}
	s = b.len ? arena_strndup(f->a, b.p, b.len) : "";
	sbuf_free(&b);
	return s;
}

static const char *
msg(struct fx *f, size_t i)
{
	return i < f->d.n ? f->d.v[i].message : "(no diagnostic)";
}

static const char *
text(struct fx *f, struct span s)
{
	return arena_strndup(f->a, f->src + s.off, s.len);
}

static bool
clean(struct fx *f)
{
	size_t i;

	if (f->d.n == 0 && f->u)
		return true;
	for (i = 0; i < f->d.n; i++)
		fprintf(stderr, "    unexpected %s at %u: %s\n", f->d.v[i].code,
			f->d.v[i].off, f->d.v[i].message);
	if (!f->u)
		fprintf(stderr, "    no tree\n");
	return false;
}

/* ------------------------------------------------------------------ */
/* Printers                                                           */
/* ------------------------------------------------------------------ */

static void pr_expr(struct fx *f, struct sbuf *b, const struct ast_expr *e);
static void pr_stmts(struct fx *f, struct sbuf *b, const struct ast_stmt *s);

static const char *
op_name(enum expr_op op)
{
	static const char *const n[] = {
	    [EOP_NONE] = "=",	[EOP_NOT] = "!",       [EOP_NEG] = "neg",
	    [EOP_PLUS] = "pos", [EOP_AWAIT] = "await", [EOP_TYPEOF] = "typeof",
	    [EOP_MUL] = "*",	[EOP_DIV] = "/",       [EOP_MOD] = "%",
	    [EOP_ADD] = "+",	[EOP_SUB] = "-",       [EOP_LT] = "<",
	    [EOP_GT] = ">",	[EOP_LE] = "<=",       [EOP_GE] = ">=",
	    [EOP_EQ] = "==",	[EOP_NE] = "!=",       [EOP_AND] = "&&",
	    [EOP_OR] = "||",	[EOP_NULLISH] = "??",
	};
	return n[op];
}

static void
pr_args(struct fx *f, struct sbuf *b, const struct ast_arg *g)
{
	for (; g; g = g->next) {
		sbuf_addc(b, ' ');
		if (g->spread)
			sbuf_adds(b, "...");
		if (g->shorthand) {
			sbuf_adds(b, g->name->s);
			continue;
		}
		if (g->name)
			sbuf_printf(b, "%s:", g->name->s);
		pr_expr(f, b, g->value);
	}
}

static void
pr_params(struct sbuf *b, const struct ast_param *p)
{
	sbuf_addc(b, '(');
	for (; p; p = p->next) {
		sbuf_adds(b, p->name->s);
		if (p->has_type)
			sbuf_printf(b, ":%s%s%s", p->type.name->s,
				    p->type.optional ? "?" : "",
				    p->type.list ? "[]" : "");
		if (p->next)
			sbuf_addc(b, ' ');
	}
	sbuf_addc(b, ')');
}

static void
pr_expr(struct fx *f, struct sbuf *b, const struct ast_expr *e)
{
	if (!e) {
		sbuf_adds(b, "NULL");
		return;
	}
	switch (e->kind) {
	case EXPR_IDENT:
		sbuf_adds(b, e->name->s);
		break;
	case EXPR_NUMBER:
		sbuf_printf(b, "%.15g", e->num);
		break;
	case EXPR_STRING:
		sbuf_printf(b, "\"%s\"", text(f, e->str));
		break;
	case EXPR_HEX:
		sbuf_printf(b, "#%s", text(f, e->str));
		break;
	case EXPR_SIZE:
		sbuf_printf(b, "size:%.15g", e->num);
		break;
	case EXPR_DURATION:
		sbuf_printf(b, "ms:%.15g", e->num);
		break;
	case EXPR_ARRAY:
		sbuf_adds(b, "[");
		pr_args(f, b, e->args);
		sbuf_adds(b, " ]");
		break;
	case EXPR_OBJECT:
		sbuf_adds(b, "{");
		pr_args(f, b, e->args);
		sbuf_adds(b, " }");
		break;
	case EXPR_MEMBER:
		sbuf_adds(b, e->optional_chain ? "(?. " : "(. ");
		pr_expr(f, b, e->a);
		sbuf_printf(b, " %s)", e->name->s);
		break;
	case EXPR_INDEX:
		sbuf_adds(b, "([] ");
		pr_expr(f, b, e->a);
		sbuf_addc(b, ' ');
		pr_expr(f, b, e->b);
		sbuf_addc(b, ')');
		break;
	case EXPR_CALL:
		sbuf_adds(b, "(call ");
		pr_expr(f, b, e->a);
		pr_args(f, b, e->args);
		sbuf_addc(b, ')');
		break;
	case EXPR_UNARY:
		sbuf_printf(b, "(%s ", op_name(e->op));
		pr_expr(f, b, e->a);
		sbuf_addc(b, ')');
		break;
	case EXPR_BINARY:
		sbuf_printf(b, "(%s ", op_name(e->op));
		pr_expr(f, b, e->a);
		sbuf_addc(b, ' ');
		pr_expr(f, b, e->b);
		sbuf_addc(b, ')');
		break;
	case EXPR_COND:
		sbuf_adds(b, "(? ");
		pr_expr(f, b, e->a);
		sbuf_addc(b, ' ');
		pr_expr(f, b, e->b);
		sbuf_addc(b, ' ');
		pr_expr(f, b, e->c);
		sbuf_addc(b, ')');
		break;
	case EXPR_ASSIGN:
		sbuf_printf(b,
			    "(%s= ", e->op == EOP_NONE ? "" : op_name(e->op));
		pr_expr(f, b, e->a);
		sbuf_addc(b, ' ');
		pr_expr(f, b, e->b);
		sbuf_addc(b, ')');
		break;
	case EXPR_ARROW:
		sbuf_adds(b, "(=> ");
		pr_params(b, e->params);
		sbuf_addc(b, ' ');
		if (e->arrow_block) {
			sbuf_addc(b, '{');
			pr_stmts(f, b, e->body);
			sbuf_addc(b, '}');
		} else {
			pr_expr(f, b, e->b);
		}
		sbuf_addc(b, ')');
		break;
	case EXPR_PAREN:
		sbuf_adds(b, "(paren ");
		pr_expr(f, b, e->a);
		sbuf_addc(b, ')');
		break;
	}
}

static void
pr_stmt(struct fx *f, struct sbuf *b, const struct ast_stmt *s)
{
	switch (s->kind) {
	case STMT_EXPR:
		pr_expr(f, b, s->expr);
		break;
	case STMT_VAR:
		sbuf_printf(b, "(%s %s ", s->is_const ? "const" : "let",
			    s->name->s);
		pr_expr(f, b, s->expr);
		sbuf_addc(b, ')');
		break;
	case STMT_IF:
		sbuf_adds(b, "(if ");
		pr_expr(f, b, s->expr);
		sbuf_adds(b, " {");
		pr_stmts(f, b, s->then);
		sbuf_addc(b, '}');
		if (s->has_else) {
			sbuf_adds(b, " else ");
			pr_stmts(f, b, s->otherwise);
		}
		sbuf_addc(b, ')');
		break;
	case STMT_RETURN:
		sbuf_adds(b, "(return");
		if (s->expr) {
			sbuf_addc(b, ' ');
			pr_expr(f, b, s->expr);
		}
		sbuf_addc(b, ')');
		break;
	case STMT_FOR:
		sbuf_printf(b, "(for %s ", s->name->s);
		pr_expr(f, b, s->expr);
		sbuf_adds(b, " {");
		pr_stmts(f, b, s->then);
		sbuf_adds(b, "})");
		break;
	case STMT_BLOCK:
		sbuf_addc(b, '{');
		pr_stmts(f, b, s->then);
		sbuf_addc(b, '}');
		break;
	}
}

static void
pr_stmts(struct fx *f, struct sbuf *b, const struct ast_stmt *s)
{
	for (; s; s = s->next) {
		pr_stmt(f, b, s);
		if (s->next)
			sbuf_adds(b, "; ");
	}
}

static void pr_ui(struct fx *f, struct sbuf *b, const struct ast_ui *n);

static void
pr_ui_list(struct fx *f, struct sbuf *b, const struct ast_ui *n)
{
	for (; n; n = n->next) {
		sbuf_addc(b, ' ');
		pr_ui(f, b, n);
	}
}

static void
pr_ui(struct fx *f, struct sbuf *b, const struct ast_ui *n)
{
	const struct ast_ui_attr *a;
	const struct ast_ui_branch *br;

	switch (n->kind) {
	case UI_TEXT:
		sbuf_printf(b, "\"%s\"", n->text);
		break;
	case UI_EXPR:
		sbuf_addc(b, '{');
		pr_expr(f, b, n->expr);
		sbuf_addc(b, '}');
		break;
	case UI_ELEMENT:
		sbuf_printf(b, "(%s", n->tag->s);
		for (a = n->attrs; a; a = a->next) {
			sbuf_printf(b, " %s", a->name->s);
			switch (a->kind) {
			case AV_NONE:
				break;
			case AV_STRING:
				sbuf_printf(b, "='%s'", text(f, a->str));
				break;
			case AV_EXPR:
				sbuf_adds(b, "={");
				pr_expr(f, b, a->expr);
				sbuf_addc(b, '}');
				break;
			case AV_EACH:
				sbuf_printf(b, "={%s%s%s in ", a->each_var->s,
					    a->each_index ? "," : "",
					    a->each_index ? a->each_index->s
							  : "");
				pr_expr(f, b, a->expr);
				sbuf_addc(b, '}');
				break;
			}
		}
		if (n->self_closing)
			sbuf_adds(b, " /");
		pr_ui_list(f, b, n->children);
		sbuf_addc(b, ')');
		break;
	case UI_IF:
		sbuf_adds(b, "(IF");
		for (br = n->branches; br; br = br->next) {
			sbuf_adds(b, " [");
			if (br->cond)
				pr_expr(f, b, br->cond);
			else
				sbuf_adds(b, "else");
			pr_ui_list(f, b, br->children);
			sbuf_addc(b, ']');
		}
		sbuf_addc(b, ')');
		break;
	case UI_EACH:
		sbuf_printf(b, "(EACH %s%s%s ", n->each_var->s,
			    n->each_index ? "," : "",
			    n->each_index ? n->each_index->s : "");
		pr_expr(f, b, n->expr);
		pr_ui_list(f, b, n->children);
		sbuf_addc(b, ')');
		break;
	case UI_SLOT:
		sbuf_printf(b, "(SLOT %s)",
			    n->slot_name ? n->slot_name->s : "-");
		break;
	}
}

static const char *
done(struct fx *f, struct sbuf *b)
{
	const char *s = b->len ? arena_strndup(f->a, b->p, b->len) : "";

	sbuf_free(b);
	return s;
}

static const char *
expr_str(struct fx *f, const struct ast_expr *e)
{
	struct sbuf b;

	sbuf_init(&b);
	pr_expr(f, &b, e);
	return done(f, &b);
}

static const char *
stmts_str(struct fx *f, const struct ast_stmt *s)
{
	struct sbuf b;

	sbuf_init(&b);
	pr_stmts(f, &b, s);
	return done(f, &b);
}

static const char *
ui_str(struct fx *f, const struct ast_ui *n)
{
	struct sbuf b;

	sbuf_init(&b);
	pr_ui_list(f, &b, n);
	return done(f, &b);
}

/* Parses `page P { action a() { <body> } }` and prints the body. */
static const char *
body_of(const char *body)
{
	char *src = xmalloc(strlen(body) + 64);
	static char out[4096];
	struct fx *f;
	const char *r;

	sprintf(src, "page P {\n  action a() {\n%s\n  }\n}\n", body);
	f = parse(src);
	if (!f->u || f->d.n || !f->u->u.view->actions) {
		snprintf(out, sizeof(out), "ERROR %s: %s", diags(f), msg(f, 0));
	} else {
		r = stmts_str(f, f->u->u.view->actions->body);
		snprintf(out, sizeof(out), "%s", r);
	}
	free(src);
	return out;
}

/* Parses `page P { ui { <markup> } }` and prints the roots. */
static const char *
ui_of(const char *markup)
{
	char *src = xmalloc(strlen(markup) + 64);
	static char out[8192];
	struct fx *f;

	sprintf(src, "page P {\n  ui {\n%s\n  }\n}\n", markup);
	f = parse(src);
	if (!f->u || f->d.n) {
		snprintf(out, sizeof(out), "ERROR %s: %s", diags(f), msg(f, 0));
	} else {
		snprintf(out, sizeof(out), "%s", ui_str(f, f->u->u.view->ui));
	}
	free(src);
	return out;
}

/* Parses `page P { ui { <markup> } }` on one line, so the blanks next to
 * the braces are within a line, and prints the roots. */
static const char *
ui_line(const char *markup)
{
	char *src = xmalloc(strlen(markup) + 64);
	static char out[8192];
	struct fx *f;

	sprintf(src, "page P { ui { %s } }\n", markup);
	f = parse(src);
	if (!f->u || f->d.n) {
		snprintf(out, sizeof(out), "ERROR %s: %s", diags(f), msg(f, 0));
	} else {
		snprintf(out, sizeof(out), "%s", ui_str(f, f->u->u.view->ui));
	}
	free(src);
	return out;
}

/* ------------------------------------------------------------------ */
/* Data model                                                         */
/* ------------------------------------------------------------------ */

TEST(parse_entity_fields)
{
	struct fx *f = parse("entity Invoice {\n"
			     "  number: String @unique\n"
			     "  amount: Decimal\n"
			     "  note: Text?\n"
			     "  paidAt: DateTime nullable\n"
			     "  lines: Integer[]\n"
			     "  old: list of String\n"
			     "  isbn: String | Null\n"
			     "  both: String? nullable | Null\n"
			     "  bad: String?[]\n"
			     "  customerId: Integer\n"
			     "  customer: belongs_to Customer\n"
			     "}\n");
	const struct ast_field *x;

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_ENTITY);
	CHECK_STR_EQ(f->u->name->s, "Invoice");
	CHECK_STR_EQ(text(f, f->u->name_span), "Invoice");
	x = f->u->u.entity->fields;
	CHECK_STR_EQ(x->name->s, "number");
	CHECK_STR_EQ(x->type.name->s, "String");
	CHECK_STR_EQ(text(f, x->span), "number: String @unique");
	CHECK_STR_EQ(x->attrs->name->s, "unique");
	CHECK(!x->attrs->paren_form && !x->attrs->has_parens);
	x = x->next;
	CHECK_STR_EQ(x->type.name->s, "Decimal");
	CHECK(!x->type.optional && !x->type.nullable && !x->attrs);
	x = x->next;
	CHECK(x->type.optional);
	CHECK_STR_EQ(text(f, x->type.span), "Text?");
	x = x->next;
	CHECK(x->type.nullable && !x->type.null_union);
	CHECK_STR_EQ(text(f, x->type.span), "DateTime nullable");
	x = x->next;
	CHECK(x->type.list && !x->type.list_of_syntax);
	CHECK_STR_EQ(text(f, x->type.span), "Integer[]");
	x = x->next;
	CHECK(x->type.list && x->type.list_of_syntax);
	CHECK_STR_EQ(x->type.name->s, "String");
	x = x->next;
	CHECK(x->type.nullable && x->type.null_union);
	CHECK_STR_EQ(x->type.union_name->s, "Null");
	CHECK_STR_EQ(text(f, x->type.union_span), "Null");
	x = x->next;
	CHECK(x->type.optional && x->type.nullable && x->type.null_union);
	x = x->next;
	CHECK(x->type.list && x->type.optional_in_list && !x->type.optional);
	x = x->next;
	CHECK_STR_EQ(x->name->s, "customerId");
	CHECK(!x->next);
	CHECK_STR_EQ(f->u->u.entity->relations->name->s, "customer");
}

TEST(parse_entity_attributes)
{
	struct fx *f =
	    parse("entity Book {\n"
		  "  a: DateTime @default(now())\n"
		  "  b: String @default(\"x\") @map(\"col\")\n"
		  "  c: String @default(active) (unique)\n"
		  "  d: Integer @default(-1) (default: 5) (map: \"c\")\n"
		  "  e: String @length(1, 20) @length(min: 3, max: 20)\n"
		  "  f: String @enum(A, B) @id @index @email @pattern(\"^a\")\n"
		  "  g: String (policy: p) @policy(p)\n"
		  "}\n");
	const struct ast_field *x;
	const struct ast_attr *a;

	CHECK(clean(f));
	x = f->u->u.entity->fields;
	CHECK_STR_EQ(x->attrs->name->s, "default");
	CHECK(x->attrs->has_parens);
	CHECK_STR_EQ(expr_str(f, x->attrs->args->value), "(call now)");
	CHECK_STR_EQ(text(f, x->attrs->span), "@default(now())");
	x = x->next;
	CHECK_STR_EQ(expr_str(f, x->attrs->args->value), "\"x\"");
	CHECK_STR_EQ(x->attrs->next->name->s, "map");
	x = x->next;
	CHECK_STR_EQ(expr_str(f, x->attrs->args->value), "active");
	a = x->attrs->next;
	CHECK(a->paren_form && !a->args);
	CHECK_STR_EQ(a->name->s, "unique");
	CHECK_STR_EQ(text(f, a->span), "(unique)");
	x = x->next;
	CHECK_STR_EQ(expr_str(f, x->attrs->args->value), "(neg 1)");
	a = x->attrs->next;
	CHECK(a->paren_form);
	CHECK_STR_EQ(a->name->s, "default");
	CHECK_STR_EQ(expr_str(f, a->args->value), "5");
	CHECK_STR_EQ(expr_str(f, a->next->args->value), "\"c\"");
	x = x->next;
	CHECK_STR_EQ(expr_str(f, x->attrs->args->next->value), "20");
	a = x->attrs->next;
	CHECK_STR_EQ(a->args->name->s, "min");
	CHECK_STR_EQ(a->args->next->name->s, "max");
	x = x->next;
	a = x->attrs;
	CHECK_STR_EQ(a->name->s, "enum");
	CHECK_STR_EQ(expr_str(f, a->args->next->value), "B");
	CHECK_STR_EQ(a->next->name->s, "id");
	CHECK_STR_EQ(a->next->next->name->s, "index");
	CHECK_STR_EQ(a->next->next->next->name->s, "email");
	CHECK_STR_EQ(a->next->next->next->next->name->s, "pattern");
	x = x->next;
	CHECK(x->attrs->paren_form);
	CHECK_STR_EQ(expr_str(f, x->attrs->args->value), "p");
	CHECK(!x->attrs->next->paren_form);

	/* `@name (legacy)` with a space: two attributes. */
	f = parse("entity E {\n"
		  "  a: String @unique (default: \"x\") @index\n"
		  "  b: String @id (unique)\n"
		  "  c: String @default (3)\n"
		  "}");
	CHECK(clean(f));
	x = f->u->u.entity->fields;
	a = x->attrs;
	CHECK_STR_EQ(a->name->s, "unique");
	CHECK(!a->has_parens && !a->args);
	CHECK_STR_EQ(text(f, a->span), "@unique");
	a = a->next;
	CHECK(a->paren_form);
	CHECK_STR_EQ(a->name->s, "default");
	CHECK(!a->args->name);
	CHECK_STR_EQ(expr_str(f, a->args->value), "\"x\"");
	CHECK_STR_EQ(text(f, a->span), "(default: \"x\")");
	CHECK_STR_EQ(a->next->name->s, "index");
	a = x->next->attrs;
	CHECK_STR_EQ(a->next->name->s, "unique");
	CHECK(a->next->paren_form && !a->next->args);
	a = x->next->next->attrs;
	CHECK(a->has_parens && !a->next);
	CHECK_STR_EQ(expr_str(f, a->args->value), "3");
}

TEST(parse_entity_relations)
{
	struct fx *f = parse(
	    "entity Book {\n"
	    "  books: has_many Book\n"
	    "  profile: has_one Profile\n"
	    "  author: belongs_to Author? @unique on_delete: cascade\n"
	    "  owner: belongs_to User inverse: books on_delete: set_null\n"
	    "  other: belongs_to User (policy: p) inverse: x\n"
	    "}\n");
	const struct ast_relation *r;

	CHECK(clean(f));
	CHECK(!f->u->u.entity->fields);
	r = f->u->u.entity->relations;
	CHECK_INT_EQ(r->kind, REL_HAS_MANY);
	CHECK_STR_EQ(r->target->s, "Book");
	CHECK_STR_EQ(text(f, r->kind_span), "has_many");
	r = r->next;
	CHECK_INT_EQ(r->kind, REL_HAS_ONE);
	r = r->next;
	CHECK_INT_EQ(r->kind, REL_BELONGS_TO);
	CHECK(r->optional);
	CHECK_STR_EQ(r->attrs->name->s, "unique");
	CHECK_STR_EQ(r->on_delete->s, "cascade");
	CHECK(!r->inverse);
	CHECK_STR_EQ(text(f, r->span),
		     "author: belongs_to Author? @unique on_delete: cascade");
	r = r->next;
	CHECK_STR_EQ(r->inverse->s, "books");
	CHECK_STR_EQ(r->on_delete->s, "set_null");
	CHECK_STR_EQ(text(f, r->on_delete_span), "set_null");
	r = r->next;
	CHECK(r->attrs->paren_form);
	CHECK_STR_EQ(r->inverse->s, "x");
}

TEST(parse_entity_keyword_names)
{
	struct fx *f = parse("entity Thing {\n"
			     "  type: String\n"
			     "  field: Integer\n"
			     "  input: Text\n"
			     "  update: DateTime\n"
			     "  page: Integer\n"
			     "}\n");
	const struct ast_field *x;

	CHECK(clean(f));
	x = f->u->u.entity->fields;
	CHECK_STR_EQ(x->name->s, "type");
	CHECK_STR_EQ(x->next->name->s, "field");
	CHECK_STR_EQ(x->next->next->name->s, "input");
	CHECK_STR_EQ(x->next->next->next->name->s, "update");
	CHECK_STR_EQ(x->next->next->next->next->name->s, "page");
}

TEST(parse_outputs_example_entities)
{
	struct fx *f = parse("entity Book {\n"
			     "    title: String @unique\n"
			     "    pages: Integer @default(100)\n"
			     "    rating: Float?\n"
			     "    isbn: String | Null\n"
			     "    tags: String[]\n"
			     "    published: DateTime @default(now())\n"
			     "    authorId: Integer\n"
			     "    author: belongs_to Author\n"
			     "  }");
	const struct ast_field *x;
	int n = 0;

	CHECK(clean(f));
	for (x = f->u->u.entity->fields; x; x = x->next)
		n++;
	CHECK_INT_EQ(n, 7);
	CHECK_STR_EQ(f->u->u.entity->relations->target->s, "Author");
}

/* ------------------------------------------------------------------ */
/* Design                                                             */
/* ------------------------------------------------------------------ */

TEST(parse_design_sections)
{
	struct fx *f =
	    parse("colors {\n"
		  "    light { brand: \"#3b5bdb\" surface: #ffffff }\n"
		  "    \"dark\" { brand: \"#91a7ff\" surface: \"#101114\" }\n"
		  "  }");
	const struct ast_theme *t;
	const struct ast_dtoken *k;

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_DESIGN);
	CHECK_STR_EQ(f->u->name->s, "colors");
	CHECK_INT_EQ(f->u->u.design->section, DS_COLORS);
	CHECK_STR_EQ(text(f, f->u->u.design->keyword_span), "colors");
	t = f->u->u.design->themes;
	CHECK_STR_EQ(t->name->s, "light");
	k = t->tokens;
	CHECK_STR_EQ(k->key->s, "brand");
	CHECK_INT_EQ(k->kind, DTOK_STRING);
	CHECK_STR_EQ(text(f, k->value), "#3b5bdb");
	CHECK_INT_EQ(k->next->kind, DTOK_HEX);
	CHECK_STR_EQ(text(f, k->next->value), "#ffffff");
	CHECK_STR_EQ(t->next->name->s, "dark");
	CHECK_STR_EQ(text(f, t->next->name_span), "dark");

	f = parse("typography {\n"
		  "  fontFamily: \"Inter, sans-serif\"\n"
		  "  baseSize: \"15px\"\n"
		  "  weights { normal: 400 heavy: 800 }\n"
		  "}");
	CHECK(clean(f));
	CHECK_INT_EQ(f->u->u.design->section, DS_TYPOGRAPHY);
	CHECK(f->u->u.design->has_weights);
	CHECK_STR_EQ(f->u->u.design->tokens->key->s, "fontFamily");
	CHECK_STR_EQ(f->u->u.design->tokens->next->key->s, "baseSize");
	k = f->u->u.design->weights;
	CHECK_INT_EQ(k->kind, DTOK_NUMBER);
	CHECK(k->num == 400);
	CHECK_STR_EQ(text(f, k->value), "400");
	CHECK_STR_EQ(k->next->key->s, "heavy");

	f = parse("spacing { sm: 4 md: \"8px\" }");
	CHECK(clean(f));
	CHECK_INT_EQ(f->u->u.design->section, DS_SPACING);
	CHECK_STR_EQ(f->u->u.design->tokens->next->key->s, "md");
	f = parse("radii { round: \"999px\" }");
	CHECK(clean(f));
	CHECK_INT_EQ(f->u->u.design->section, DS_RADII);
	f = parse("shadows { soft: \"0 1px 3px rgba(0,0,0,.2)\" }");
	CHECK(clean(f));
	CHECK_INT_EQ(f->u->u.design->section, DS_SHADOWS);
}

/* ------------------------------------------------------------------ */
/* Pages, components, stores                                          */
/* ------------------------------------------------------------------ */

TEST(parse_page_example)
{
	struct fx *f = parse("page Checkout (guard: member) {\n"
			     "  state {\n"
			     "    step: Integer = 1\n"
			     "    email: String = \"\"\n"
			     "    items: list of Product = []\n"
			     "    coupon: String? = null\n"
			     "  }\n"
			     "  on load {\n"
			     "    setStep(1)\n"
			     "  }\n"
			     "  action next() {\n"
			     "    setStep(step + 1)\n"
			     "  }\n"
			     "  ui {\n"
			     "    <div>Step {step}</div>\n"
			     "  }\n"
			     "}\n");
	const struct ast_view *v;
	const struct ast_param *p;

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_PAGE);
	v = f->u->u.view;
	CHECK_STR_EQ(v->name->s, "Checkout");
	CHECK_STR_EQ(v->guard->s, "member");
	CHECK_STR_EQ(text(f, v->guard_span), "member");
	CHECK(v->has_state);
	CHECK(!strncmp(text(f, v->state_span), "state {", 7));
	p = v->state;
	CHECK_STR_EQ(p->name->s, "step");
	CHECK_STR_EQ(p->type.name->s, "Integer");
	CHECK_STR_EQ(expr_str(f, p->init), "1");
	CHECK_STR_EQ(text(f, p->span), "step: Integer = 1");
	p = p->next;
	CHECK_STR_EQ(expr_str(f, p->init), "\"\"");
	p = p->next;
	CHECK(p->type.list && p->type.list_of_syntax);
	CHECK_STR_EQ(p->type.name->s, "Product");
	CHECK_STR_EQ(expr_str(f, p->init), "[ ]");
	p = p->next;
	CHECK(p->type.optional);
	CHECK_STR_EQ(expr_str(f, p->init), "null");
	CHECK(!p->next);
	CHECK(v->has_on_load);
	CHECK_STR_EQ(stmts_str(f, v->on_load), "(call setStep 1)");
	CHECK_STR_EQ(text(f, v->on_load_span),
		     "on load {\n    setStep(1)\n  }");
	CHECK_STR_EQ(v->actions->name->s, "next");
	CHECK(!v->actions->params);
	CHECK_STR_EQ(stmts_str(f, v->actions->body),
		     "(call setStep (+ step 1))");
	CHECK(v->has_ui);
	CHECK_STR_EQ(ui_str(f, v->ui), " (div \"Step \" {step})");
	CHECK(!strncmp(text(f, v->ui_span), "ui {", 4));
}

TEST(parse_component_example)
{
	struct fx *f = parse(
	    "component PriceTag {\n"
	    "  param amount: Decimal\n"
	    "  param label: String?\n"
	    "  param footerSlot: slot\n"
	    "  param size: Integer = 3\n"
	    "  style_override {\n"
	    "    .price { font-weight: 600; color: var(--color-brand) }\n"
	    "  }\n"
	    "  ui {\n"
	    "    <span class=\"price\">{label} {amount}{footerSlot}</span>\n"
	    "  }\n"
	    "}\n");
	const struct ast_view *v;
	const struct ast_param *p;

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_COMPONENT);
	v = f->u->u.view;
	p = v->params;
	CHECK_STR_EQ(p->name->s, "amount");
	CHECK_STR_EQ(text(f, p->span), "param amount: Decimal");
	CHECK(p->next->type.optional);
	CHECK_STR_EQ(p->next->next->type.name->s, "slot");
	CHECK_STR_EQ(expr_str(f, p->next->next->next->init), "3");
	CHECK(v->has_style && !v->legacy_style);
	CHECK(strstr(text(f, v->style_text), ".price { font-weight: 600;"));
	/* As in JSX, the space between `{label} {amount}` is text. */
	CHECK_STR_EQ(ui_str(f, v->ui),
		     " (span class='price' {label} \" \" {amount} {footerSlot})");

	f = parse("component Panel {\n"
		  "  param heading: String\n"
		  "  style: override { .panel { padding: 12px } }\n"
		  "  ui {\n"
		  "    <section class=\"panel\"><h3>{heading}</h3>{children}"
		  "</section>\n"
		  "  }\n"
		  "}");
	CHECK(clean(f));
	CHECK(f->u->u.view->legacy_style);
	CHECK_STR_EQ(text(f, f->u->u.view->style_text),
		     " .panel { padding: 12px } ");
	CHECK_STR_EQ(ui_str(f, f->u->u.view->ui),
		     " (section class='panel' (h3 {heading}) {children})");
}

TEST(parse_store_examples)
{
	struct fx *f =
	    parse("store Session {\n"
		  "  state { user: String = \"guest\" visits: Integer = 0 }\n"
		  "}");
	const struct ast_view *v;

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_STORE);
	v = f->u->u.view;
	CHECK_STR_EQ(v->state->name->s, "user");
	CHECK_STR_EQ(v->state->next->name->s, "visits");

	f = parse("store Prefs {\n"
		  "  theme: String = \"light\"\n"
		  "  compact: Boolean = false;\n"
		  "  input: String = \"\"\n"
		  "  style: String = \"x\"\n"
		  "  action toggle() { compact = !compact }\n"
		  "}");
	CHECK(clean(f));
	v = f->u->u.view;
	CHECK(v->has_state);
	CHECK_STR_EQ(text(f, v->state_span), "theme: String = \"light\"");
	CHECK_STR_EQ(v->state->name->s, "theme");
	CHECK_STR_EQ(v->state->next->name->s, "compact");
	CHECK_STR_EQ(v->state->next->next->name->s, "input");
	CHECK_STR_EQ(v->state->next->next->next->name->s, "style");
	CHECK_STR_EQ(stmts_str(f, v->actions->body), "(= compact (! compact))");
}

TEST(parse_view_members_misc)
{
	struct fx *f =
	    parse("page Audit {\n"
		  "  action record() { log() }\n"
		  "  action save(title: String, n: Integer?, extra) {\n"
		  "    const b = await create(Book, { title: title })\n"
		  "  }\n"
		  "  state { a: Integer = 1 }\n"
		  "  state { b: Integer[] = [1, 2] }\n"
		  "  on unload { cleanup() }\n"
		  "  ui { <Panel heading=\"Log\">entries</Panel> }\n"
		  "}");
	const struct ast_view *v;
	const struct ast_param *p;

	CHECK(clean(f));
	v = f->u->u.view;
	CHECK_STR_EQ(stmts_str(f, v->actions->body), "(call log)");
	p = v->actions->next->params;
	CHECK_STR_EQ(p->name->s, "title");
	CHECK(p->has_type);
	CHECK(p->next->type.optional);
	CHECK(!p->next->next->has_type);
	CHECK_STR_EQ(stmts_str(f, v->actions->next->body),
		     "(const b (await (call create Book { title:title })))");
	CHECK_STR_EQ(v->state->name->s, "a");
	CHECK_STR_EQ(v->state->next->name->s, "b");
	CHECK(v->state->next->type.list);
	CHECK(v->has_on_unload && !v->has_on_load);
	CHECK_STR_EQ(stmts_str(f, v->on_unload), "(call cleanup)");
	CHECK_STR_EQ(ui_str(f, v->ui), " (Panel heading='Log' \"entries\")");
}

/* ------------------------------------------------------------------ */
/* Statements and expressions                                         */
/* ------------------------------------------------------------------ */

TEST(parse_statements)
{
	CHECK_STR_EQ(body_of("count = count + 1"), "(= count (+ count 1))");
	CHECK_STR_EQ(body_of("x += 2; y -= 1"), "(+= x 2); (-= y 1)");
	CHECK_STR_EQ(body_of("const b = await find(Book)"),
		     "(const b (await (call find Book)))");
	CHECK_STR_EQ(body_of("create(Book, { title: t })"),
		     "(call create Book { title:t })");
	CHECK_STR_EQ(body_of("let x = 1\nlet y\nx = 2"),
		     "(let x 1); (let y NULL); (= x 2)");
	CHECK_STR_EQ(body_of("a()\nb()"), "(call a); (call b)");
	/* No newline tokens: a parenthesis continues the call, as in JS. */
	CHECK_STR_EQ(body_of("a\n(b)"), "(call a b)");
	CHECK_STR_EQ(body_of("if (a) { b() }"), "(if (paren a) {(call b)})");
	CHECK_STR_EQ(body_of("if a { b() } else { c() }"),
		     "(if a {(call b)} else {(call c)})");
	CHECK_STR_EQ(
	    body_of("if a == 1 { x() } else if b { y() } else { z() }"),
	    "(if (== a 1) {(call x)} else (if b {(call y)} else "
	    "{(call z)}))");
	CHECK_STR_EQ(body_of("return"), "(return)");
	CHECK_STR_EQ(body_of("return x + 1"), "(return (+ x 1))");
	CHECK_STR_EQ(body_of("if a { return } b()"),
		     "(if a {(return)}); (call b)");
	CHECK_STR_EQ(body_of("return; x()"), "(return); (call x)");
	CHECK_STR_EQ(body_of("for x in items { log(x) }"),
		     "(for x items {(call log x)})");
	CHECK_STR_EQ(body_of("for (const x of items) { log(x) }"),
		     "(for x items {(call log x)})");
	CHECK_STR_EQ(body_of("setCount(count + 1);;"),
		     "(call setCount (+ count 1))");
	CHECK_STR_EQ(body_of("const r = await findOne(Book, where: { id: 1 })"),
		     "(const r (await (call findOne Book where:{ id:1 })))");
	CHECK_STR_EQ(
	    body_of("update(record, { done: true })\ndelete(record)"),
	    "(call update record { done:true }); (call delete record)");
}

TEST(parse_expressions)
{
	CHECK_STR_EQ(body_of("a + b * c - d / e % f"),
		     "(- (+ a (* b c)) (% (/ d e) f))");
	CHECK_STR_EQ(body_of("x = a < b && c >= d || !e"),
		     "(= x (|| (&& (< a b) (>= c d)) (! e)))");
	CHECK_STR_EQ(body_of("x = a ?? b || c"), "(= x (?? a (|| b c)))");
	CHECK_STR_EQ(body_of("x = a == b != c"), "(= x (!= (== a b) c))");
	CHECK_STR_EQ(body_of("x = c ? a : b ? d : e"),
		     "(= x (? c a (? b d e)))");
	CHECK_STR_EQ(body_of("a = b = c"), "(= a (= b c))");
	CHECK_STR_EQ(body_of("x = -a.b + +c"),
		     "(= x (+ (neg (. a b)) (pos c)))");
	CHECK_STR_EQ(body_of("x = typeof a === \"s\""),
		     "(= x (== (typeof a) \"s\"))");
	CHECK_STR_EQ(body_of("x = a?.b.c[0](1, k: 2)"),
		     "(= x (call ([] (. (?. a b) c) 0) 1 k:2))");
	CHECK_STR_EQ(body_of("x = o.type.state.delete"),
		     "(= x (. (. (. o type) state) delete))");
	CHECK_STR_EQ(body_of("x = [1, \"s\", #fff, 10MB, 30s, ...ys,]"),
		     "(= x [ 1 \"s\" #fff size:10485760 ms:30000 ...ys ])");
	CHECK_STR_EQ(body_of("x = { a: 1, \"b c\": 2, d, ...e, }"),
		     "(= x { a:1 b c:2 d ...e })");
	CHECK_STR_EQ(body_of("x = (a + b) * c"), "(= x (* (paren (+ a b)) c))");
	CHECK_STR_EQ(body_of("f = x => x + 1"), "(= f (=> (x) (+ x 1)))");
	CHECK_STR_EQ(body_of("f = (a, b) => a"), "(= f (=> (a b) a))");
	CHECK_STR_EQ(body_of("f = () => { g(); return 1 }"),
		     "(= f (=> () {(call g); (return 1)}))");
	CHECK_STR_EQ(body_of("f = x => { }"), "(= f (=> (x) {}))");
	CHECK_STR_EQ(body_of("xs.map(x => ({ id: x }))"),
		     "(call (. xs map) (=> (x) (paren { id:x })))");
	CHECK_STR_EQ(body_of("items.filter((i) => i.done).length"),
		     "(. (call (. items filter) (=> (i) (. i done))) length)");
}

TEST(parse_expression_spans)
{
	struct fx *f =
	    parse("page P { action a() { x = foo.bar(1, 2) + \"s\" } }");
	const struct ast_expr *e;

	CHECK(clean(f));
	e = f->u->u.view->actions->body->expr;
	CHECK_STR_EQ(text(f, e->span), "x = foo.bar(1, 2) + \"s\"");
	CHECK_STR_EQ(text(f, e->b->span), "foo.bar(1, 2) + \"s\"");
	CHECK_STR_EQ(text(f, e->b->a->span), "foo.bar(1, 2)");
	CHECK_STR_EQ(text(f, e->b->a->a->name_span), "bar");
	CHECK_STR_EQ(text(f, e->b->b->str), "s");
	CHECK_STR_EQ(text(f, f->u->u.view->actions->body->span),
		     "x = foo.bar(1, 2) + \"s\"");
}

/* ------------------------------------------------------------------ */
/* UI markup                                                          */
/* ------------------------------------------------------------------ */

TEST(parse_ui_basics)
{
	CHECK_STR_EQ(ui_of("<h1>A</h1><p>B</p>"), " (h1 \"A\") (p \"B\")");
	CHECK_STR_EQ(ui_of("<p>Hello {name}, welcome</p>"),
		     " (p \"Hello \" {name} \", welcome\")");
	CHECK_STR_EQ(ui_of("<p>\n   Many words\n   on lines  \n\n  here\n</p>"),
		     " (p \"Many words on lines here\")");
	CHECK_STR_EQ(ui_of("<input bind:value={name} disabled/>"),
		     " (input bind:value={name} disabled /)");
	CHECK_STR_EQ(ui_of("<img src=\"a.png\">"), " (img src='a.png' /)");
	CHECK_STR_EQ(ui_of("<div on:mouse-enter={hover} data-x=word "
			   "title=\"{t}\" class='c'></div>"),
		     " (div on:mouse-enter={hover} data-x='word' title={t} "
		     "class='c')");
	CHECK_STR_EQ(ui_of("<p>update default input style</p>"),
		     " (p \"update default input style\")");
	CHECK_STR_EQ(ui_of("<p title=\"a > b\">{count > 2 ? \"many\" : \"few\"}"
			   "</p>"),
		     " (p title='a > b' {(? (> count 2) \"many\" \"few\")})");
	CHECK_STR_EQ(ui_of("Just text {x}"), " \"Just text \" {x}");
	CHECK_STR_EQ(ui_of(""), "");
	CHECK_STR_EQ(
	    ui_of("<Button on:click={() => setOpen(!open)}>Go</Button>"),
	    " (Button on:click={(=> () (call setOpen (! open)))} \"Go\")");
}

TEST(parse_ui_loops)
{
	CHECK_STR_EQ(ui_of("<li for:each={item in items}>{item.name}</li>"),
		     " (li for:each={item in items} {(. item name)})");
	CHECK_STR_EQ(ui_of("<li for:each={(item, i) in items}/>"),
		     " (li for:each={item,i in items} /)");
	CHECK_STR_EQ(ui_of("<li for:each={item, i in xs.slice(0, 5)}/>"),
		     " (li for:each={item,i in (call (. xs slice) 0 5)} /)");
	CHECK_STR_EQ(ui_of("<li for:each=\"{x in xs}\"/>"),
		     " (li for:each={x in xs} /)");
	CHECK_STR_EQ(ui_of("<ul for:each={g in groups}>"
			   "<li for:each={x in g.items}>{x}</li></ul>"),
		     " (ul for:each={g in groups} "
		     "(li for:each={x in (. g items)} {x}))");
	CHECK_STR_EQ(ui_of("{#each row in rows}\n"
			   "  {#each cell, j in row}<td>{cell}</td>{/each}\n"
			   "{/each}"),
		     " (EACH row rows (EACH cell,j row (td {cell})))");
	CHECK_STR_EQ(ui_of("{#each (x, i) in xs}{x}{/each}"),
		     " (EACH x,i xs {x})");
}

TEST(parse_ui_conditionals)
{
	CHECK_STR_EQ(ui_of("{#if a}A{:else if b}B{:else}C{/if}"),
		     " (IF [a \"A\"] [b \"B\"] [else \"C\"])");
	CHECK_STR_EQ(ui_of("{#if a}<p>A</p>{/if}"), " (IF [a (p \"A\")])");
	CHECK_STR_EQ(ui_of("{#if a}A{:elseif b}B{/if}"),
		     " (IF [a \"A\"] [b \"B\"])");
	CHECK_STR_EQ(ui_of("<if condition={a}>A</if>\n"
			   "<elseif condition={b}>B</elseif>\n"
			   "<else>C</else>\n<p>after</p>"),
		     " (IF [a \"A\"] [b \"B\"] [else \"C\"]) (p \"after\")");
	CHECK_STR_EQ(ui_of("<if condition={a}>A<elseif condition={b}>B"
			   "</elseif><else>C</else></if>"),
		     " (IF [a \"A\"] [b \"B\"] [else \"C\"])");
	CHECK_STR_EQ(ui_of("<div><if condition=\"{x == 1}\"><b/></if>"
			   "<else><i/></else></div>"),
		     " (div (IF [(== x 1) (b /)] [else (i /)]))");
	CHECK_STR_EQ(ui_of("<if condition={a}>A</if><if condition={b}>B</if>"
			   "<else>C</else>"),
		     " (IF [a \"A\"]) (IF [b \"B\"] [else \"C\"])");
}

/* A space between siblings within one line is content at every level
 * (JSX); next to the ui braces or a directive it is layout. */
TEST(parse_ui_block_spaces)
{
	CHECK_STR_EQ(ui_line("<div/>"), " (div /)");
	CHECK_STR_EQ(ui_line("<b>x</b> {y}"), " (b \"x\") \" \" {y}");
	CHECK_STR_EQ(ui_of("<b>x</b> {y}\n<i/>"), " (b \"x\") \" \" {y} (i /)");
	CHECK_STR_EQ(ui_line("{#if c} <b/> {:elseif d} <i/> {:else} x {/if}"),
		     " (IF [c (b /)] [d (i /)] [else \" x \"])");
	CHECK_STR_EQ(ui_line("{#if c} <b>x</b> {y} {/if}"),
		     " (IF [c (b \"x\") \" \" {y}])");
	CHECK_STR_EQ(ui_line("{#each x in xs} <b/> {/each} {z}"),
		     " (EACH x xs (b /)) \" \" {z}");
	CHECK_STR_EQ(ui_line("<if condition={c}> <b/> </if> <else> <i/> "
			     "</else>"),
		     " (IF [c (b /)] [else (i /)])");
	CHECK_STR_EQ(ui_line("<div><if condition={a}><b/></if> <else><i/>"
			     "</else></div>"),
		     " (div (IF [a (b /)] [else (i /)]))");
	/* Inside a real element the blanks stay, as in JSX. */
	CHECK_STR_EQ(ui_line("<p> <b/> </p>"), " (p \" \" (b /) \" \")");
	CHECK_STR_EQ(ui_line(""), "");
	CHECK_STR_EQ(ui_line("   "), "");
}

TEST(parse_ui_slots)
{
	CHECK_STR_EQ(ui_of("<div><slot/><slot name=\"header\"/></div>"),
		     " (div (SLOT -) (SLOT header))");
}

TEST(parse_ui_text_rule)
{
	struct arena *a = arena_new();

	CHECK_STR_EQ(ast_jsx_text(a, "   ", 3), "   ");
	CHECK(ast_jsx_text(a, "\n  \n\t\n", 6) == NULL);
	CHECK_STR_EQ(ast_jsx_text(a, " a b ", 5), " a b ");
	CHECK_STR_EQ(ast_jsx_text(a, "Hello \n", 7), "Hello");
	CHECK_STR_EQ(ast_jsx_text(a, "\n  x  \n  y\n", 11), "x y");
	CHECK_STR_EQ(ast_jsx_text(a, "a\r\n  b", 6), "a b");
	arena_free(a);
}

/* ------------------------------------------------------------------ */
/* Workflows                                                          */
/* ------------------------------------------------------------------ */

TEST(parse_workflow_example)
{
	struct fx *f = parse(
	    "workflow ShipOrder {\n"
	    "  trigger { on:create(Order) }\n"
	    "  input { orderId }\n"
	    "  state { attempts: Integer = 0 }\n"
	    "  steps {\n"
	    "    const label = run makeLabel(orderId)\n"
	    "    branch {\n"
	    "      condition: label.ok\n"
	    "      steps { run notifyCourier(label) }\n"
	    "      else { run flagOrder(orderId) }\n"
	    "    }\n"
	    "    forEach parcel in label.parcels {\n"
	    "      run trackParcel(parcel)\n"
	    "    }\n"
	    "    delay { ms: 500 }\n"
	    "    send_email { to: opsEmail, subject: Shipped, "
	    "template: shipped.html }\n"
	    "    http_request callHook { url: "
	    "\"https://hooks.example.com/ship\" }\n"
	    "  }\n"
	    "  retry { max: 3, backoff: exponential, factor: 2, delay: 30s }\n"
	    "  concurrency { limit: 4, group: shipping }\n"
	    "  on_error { flagOrder }\n"
	    "  on_failure { flagOrder }\n"
	    "}\n");
	const struct ast_workflow *w;
	const struct ast_step *s;
	const struct ast_arg *g;

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_WORKFLOW);
	w = f->u->u.workflow;
	CHECK(w->has_trigger);
	CHECK_INT_EQ(w->triggers->kind, TRIG_CREATE);
	CHECK_STR_EQ(w->triggers->entity->s, "Order");
	CHECK_STR_EQ(text(f, w->triggers->span), "on:create(Order)");
	CHECK(w->has_input);
	CHECK_STR_EQ(w->input->name->s, "orderId");
	CHECK(w->has_state);
	CHECK_STR_EQ(w->state->name->s, "attempts");
	CHECK(w->has_steps);
	s = w->steps;
	CHECK_INT_EQ(s->kind, STEP_RUN);
	CHECK_STR_EQ(s->binding->s, "label");
	CHECK_STR_EQ(s->action->s, "makeLabel");
	CHECK(s->has_parens);
	CHECK_STR_EQ(expr_str(f, s->args->value), "orderId");
	CHECK_STR_EQ(text(f, s->span), "const label = run makeLabel(orderId)");
	CHECK_STR_EQ(text(f, s->keyword_span), "run");
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_BRANCH);
	CHECK_STR_EQ(expr_str(f, s->cond), "(. label ok)");
	CHECK(s->has_then && s->has_else);
	CHECK_STR_EQ(s->then_steps->action->s, "notifyCourier");
	CHECK_STR_EQ(s->else_steps->action->s, "flagOrder");
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_FOR_EACH);
	CHECK_STR_EQ(s->var->s, "parcel");
	CHECK_STR_EQ(expr_str(f, s->iterable), "(. label parcels)");
	CHECK_STR_EQ(s->body->action->s, "trackParcel");
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_DELAY);
	CHECK_STR_EQ(s->props->name->s, "ms");
	CHECK_STR_EQ(expr_str(f, s->props->value), "500");
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_SEND_EMAIL);
	g = s->props;
	CHECK_STR_EQ(g->name->s, "to");
	CHECK_STR_EQ(expr_str(f, g->next->value), "Shipped");
	CHECK_STR_EQ(expr_str(f, g->next->next->value), "(. shipped html)");
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_HTTP_REQUEST);
	CHECK_STR_EQ(s->label->s, "callHook");
	CHECK_STR_EQ(expr_str(f, s->props->value),
		     "\"https://hooks.example.com/ship\"");
	CHECK_STR_EQ(text(f, s->body_span),
		     " url: \"https://hooks.example.com/ship\" ");
	CHECK(!s->next);
	g = w->retry;
	CHECK_STR_EQ(g->name->s, "max");
	CHECK_STR_EQ(g->next->next->next->name->s, "delay");
	CHECK_STR_EQ(expr_str(f, g->next->next->next->value), "ms:30000");
	CHECK_STR_EQ(w->concurrency->next->name->s, "group");
	CHECK(w->has_on_error && w->has_on_failure);
	CHECK_STR_EQ(text(f, w->on_error_text), "flagOrder");
	CHECK_STR_EQ(expr_str(f, w->on_error_items->value), "flagOrder");
	CHECK_STR_EQ(text(f, w->on_failure_text), "flagOrder");
}

TEST(parse_workflow_misc)
{
	struct fx *f =
	    parse("workflow W {\n"
		  "  trigger { on update(Book) on:delete(Book) }\n"
		  "  input { a: String, b }\n"
		  "  steps {\n"
		  "    run refresh\n"
		  "    delay { 5m }\n"
		  "    parallel { run a() run b() }\n"
		  "    db_tx { run c }\n"
		  "    queue_publish { topic: \"t\" payload: { id: a } }\n"
		  "    http_request { url: \"u\" }\n"
		  "  }\n"
		  "  on_error { notify(a), log b }\n"
		  "}");
	const struct ast_workflow *w;
	const struct ast_step *s;

	CHECK(clean(f));
	w = f->u->u.workflow;
	CHECK_INT_EQ(w->triggers->kind, TRIG_UPDATE);
	CHECK_INT_EQ(w->triggers->next->kind, TRIG_DELETE);
	CHECK(w->input->has_type);
	CHECK_STR_EQ(w->input->next->name->s, "b");
	s = w->steps;
	CHECK(!s->has_parens && !s->args);
	CHECK_STR_EQ(s->action->s, "refresh");
	s = s->next;
	CHECK_STR_EQ(expr_str(f, s->delay_value), "ms:300000");
	CHECK(!s->props);
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_PARALLEL);
	CHECK_STR_EQ(s->body->next->action->s, "b");
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_DB_TX);
	s = s->next;
	CHECK_INT_EQ(s->kind, STEP_QUEUE_PUBLISH);
	CHECK_STR_EQ(s->props->next->name->s, "payload");
	s = s->next;
	CHECK(!s->label);
	CHECK_STR_EQ(expr_str(f, w->on_error_items->value), "(call notify a)");
	CHECK_STR_EQ(expr_str(f, w->on_error_items->next->value), "log");
	CHECK_STR_EQ(expr_str(f, w->on_error_items->next->next->value), "b");
	CHECK_STR_EQ(text(f, w->on_error_text), "notify(a), log b");

	f = parse("workflow InboundHook {\n"
		  "  trigger { on:webhook(secret: INBOUND_TOKEN) }\n"
		  "  steps { run record() }\n"
		  "}");
	CHECK(clean(f));
	w = f->u->u.workflow;
	CHECK_INT_EQ(w->triggers->kind, TRIG_WEBHOOK);
	CHECK_STR_EQ(w->triggers->secret->s, "INBOUND_TOKEN");
	CHECK(w->steps->has_parens);
	f = parse(
	    "workflow H { trigger { on webhook on:webhook() } steps { } }");
	CHECK(clean(f));
	CHECK(!f->u->u.workflow->triggers->secret);
	CHECK_INT_EQ(f->u->u.workflow->triggers->next->kind, TRIG_WEBHOOK);

	f = parse("workflow NotifyAuthor {\n"
		  "  trigger { on:create(Book) }\n"
		  "  steps {\n"
		  "    run refresh(authorId)\n"
		  "    send_email { to: ownerEmail, subject: NewBook }\n"
		  "  }\n"
		  "  retry { max: 2, backoff: fixed }\n"
		  "}");
	CHECK(clean(f));
}

/* ------------------------------------------------------------------ */
/* Uploads and aliases                                                */
/* ------------------------------------------------------------------ */

TEST(parse_upload)
{
	struct fx *f = parse(
	    "upload Attachment {\n"
	    "  field file maxSize: 10MB maxCount: 3 mime: [application/pdf, "
	    "image/png] required\n"
	    "  field cover mime: [image/jpeg]\n"
	    "  field any required mime: [\"image/*\", \"text/plain\", "
	    "image/svg+xml, application/vnd.ms-excel] maxSize: 1KB\n"
	    "  store strategy: local path: \"files/attachments\" naming: uuid\n"
	    "}");
	const struct ast_upload *u;
	const struct ast_upload_field *x;
	const struct ast_mime *m;

	if (!clean(f)) {
		CHECK(!"parse failed");
		return;
	}
	CHECK_INT_EQ(f->u->kind, UNIT_UPLOAD);
	u = f->u->u.upload;
	x = u->fields;
	CHECK_STR_EQ(x->name->s, "file");
	CHECK(x->has_max_size && x->max_size == 10 * 1024 * 1024);
	CHECK_STR_EQ(text(f, x->max_size_span), "10MB");
	CHECK(x->has_max_count && x->max_count == 3);
	CHECK(x->has_mime && x->required);
	CHECK_STR_EQ(x->mimes->text, "application/pdf");
	CHECK_STR_EQ(x->mimes->next->text, "image/png");
	x = x->next;
	CHECK(!x->required && !x->has_max_size);
	CHECK_STR_EQ(x->mimes->text, "image/jpeg");
	x = x->next;
	CHECK(x->required && x->max_size == 1024);
	m = x->mimes;
	CHECK_STR_EQ(m->text, "image/*");
	CHECK_STR_EQ(m->next->text, "text/plain");
	CHECK_STR_EQ(m->next->next->text, "image/svg+xml");
	CHECK_STR_EQ(m->next->next->next->text, "application/vnd.ms-excel");
	CHECK(u->has_store);
	CHECK_STR_EQ(u->strategy->s, "local");
	CHECK(u->has_path);
	CHECK_STR_EQ(text(f, u->path), "files/attachments");
	CHECK_STR_EQ(u->naming->s, "uuid");
	CHECK(!strncmp(text(f, u->store_span), "store strategy", 14));

	f = parse("upload A { field f mime: [image/png]\n store: local }");
	CHECK(clean(f));
	CHECK_STR_EQ(f->u->u.upload->strategy->s, "local");
}

/*
 * Unquoted wildcards (image/ followed by a star): the spec allows them, so
 * a slash-star right after a word inside `mime: [...]` must not open a
 * block comment in the lexer.
 */
TEST(parse_upload_mime_wildcard)
{
	struct fx *f = parse("upload U { field f mime: [image/*, video/*] }");

	if (!clean(f)) {
		CHECK(!"parse failed");
		return;
	}
	CHECK_STR_EQ(f->u->u.upload->fields->mimes->text, "image/*");
	CHECK_STR_EQ(f->u->u.upload->fields->mimes->next->text, "video/*");
}

TEST(parse_alias)
{
	struct fx *f = parse("type Money = Decimal");

	CHECK(clean(f));
	CHECK_INT_EQ(f->u->kind, UNIT_ALIAS);
	CHECK_STR_EQ(f->u->name->s, "Money");
	CHECK_STR_EQ(f->u->u.alias->target->s, "Decimal");
	CHECK_STR_EQ(text(f, f->u->u.alias->target_span), "Decimal");
	CHECK_STR_EQ(unit_kind_name(UNIT_ALIAS), "type alias");
}

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

TEST(parse_error_unexpected_token)
{
	struct fx *f = parse("entity A {\n  name String\n}");

	CHECK_STR_EQ(diags(f), "E0201@2:8");
	CHECK(strstr(msg(f, 0), "unexpected identifier `String`"));
	CHECK(strstr(msg(f, 0), "expected ':'"));
	/* The tree made so far is kept. */
	CHECK(f->u && f->u->kind == UNIT_ENTITY);

	f = parse("page P {\n  bogus\n}");
	CHECK_STR_EQ(diags(f), "E0201@3:1");
	CHECK(strstr(msg(f, 0), "expected '{' or ':'"));

	f = parse("page P {\n  ui { <p>x</p> }\n  42\n}");
	CHECK_STR_EQ(diags(f), "E0201@3:3");
	CHECK(strstr(msg(f, 0), "a member (state, param"));

	f = parse("page P { action a() { x = (1 + } }");
	CHECK_STR_EQ(diags(f), "E0201@1:32");
	CHECK(strstr(msg(f, 0), "expected an expression"));

	f = parse("workflow W { steps { wait 5 } }");
	CHECK_STR_EQ(diags(f), "E0201@1:22");
	CHECK(strstr(msg(f, 0), "a step (run, branch"));

	f = parse("entity A { x: String } trailing");
	CHECK_STR_EQ(diags(f), "E0201@1:24");
	CHECK(strstr(msg(f, 0), "expected end of input"));

	/* One syntax error per unit. */
	f = parse("page P { state { a = 1 b = 2 } }");
	CHECK_INT_EQ(f->d.n, 1);
}

TEST(parse_error_end_of_input)
{
	struct fx *f = parse("page P {\n  action a() {\n    x()\n");

	CHECK_STR_EQ(diags(f), "E0202@3:8");
	CHECK_INT_EQ(f->d.v[0].len, 0);
	CHECK(strstr(msg(f, 0), "unexpected end of input; expected"));

	f = parse("");
	CHECK_STR_EQ(diags(f), "E0202@1:1");
	CHECK(f->u == NULL);
}

TEST(parse_error_on_load)
{
	struct fx *f = parse("page P {\n  on_load {\n    go()\n  }\n}");

	CHECK_STR_EQ(diags(f), "E0210@2:3");
	CHECK_INT_EQ(f->d.v[0].len, 7);
	CHECK_STR_EQ(f->d.v[0].help, "write `on load` (two words)");
	CHECK(f->u->u.view->has_on_load);

	f = parse("page P { mystery { } }");
	CHECK_STR_EQ(diags(f), "E0213@1:10");
}

TEST(parse_error_duplicates)
{
	struct fx *f = parse("page P {\n  ui { <a/> }\n  ui { <b/> }\n}");

	CHECK_STR_EQ(diags(f), "E0212@3:3");
	CHECK_STR_EQ(msg(f, 0), "duplicate ui block");
	CHECK(f->d.v[0].has_related);
	CHECK_INT_EQ(f->d.v[0].rel_off, 11);
	CHECK_STR_EQ(ui_str(f, f->u->u.view->ui), " (a /)");

	f = parse("page P { on load { a() } on load { b() } }");
	CHECK_STR_EQ(diags(f), "E0212@1:26");
	CHECK_STR_EQ(stmts_str(f, f->u->u.view->on_load), "(call a)");

	f = parse("component C { style_override { } style_override { } }");
	CHECK_STR_EQ(diags(f), "E0212@1:34");

	f = parse("workflow W { steps { } steps { } }");
	CHECK_STR_EQ(diags(f), "E0212@1:24");

	f = parse("entity E { r: belongs_to X on_delete: a on_delete: b }");
	CHECK_STR_EQ(diags(f), "E0222@1:41");
	CHECK_STR_EQ(f->u->u.entity->relations->on_delete->s, "a");

	f = parse("upload U { field f maxSize: 1KB maxSize: 2KB mime: [a/b] }");
	CHECK_STR_EQ(diags(f), "E0222@1:33");
}

TEST(parse_error_markup)
{
	struct fx *f = parse("page P {\n  ui {\n    <div><span></div>\n  }\n}");

	CHECK_STR_EQ(diags(f), "E0214@3:16");
	CHECK(strstr(msg(f, 0), "</div> does not match <span>"));
	CHECK(f->d.v[0].has_related);

	f = parse("page P {\n  ui {\n    <div>\n  }\n}");
	CHECK_STR_EQ(diags(f), "E0215@3:5");
	CHECK(strstr(msg(f, 0), "element <div> is not closed"));

	f = parse("page P {\n  ui {\n    <p>a</p></p>\n  }\n}");
	CHECK_STR_EQ(diags(f), "E0216@3:13");

	f = parse("page P { ui { {:else} } }");
	CHECK_STR_EQ(diags(f), "E0218@1:15");

	f = parse(
	    "page P {\n  ui {\n    {#if open}\n      <p>Open</p>\n  }\n}");
	CHECK_STR_EQ(diags(f), "E0215@3:5");
	CHECK_STR_EQ(msg(f, 0), "{#if} block is not closed");

	f = parse("page P { ui { {#each x in xs}<p>{x}</p> } }");
	CHECK_STR_EQ(diags(f), "E0215@1:15");

	/* A lexical error is the unit's one error: no cascade. */
	f = parse("page Home {\n  state { title: String = \"Welcome }\n"
		  "  ui { <h1>{title}</h1> }\n}");
	CHECK_STR_EQ(diags(f), "E0102@2:27");

	f = parse("page P { ui { <else>x</else> } }");
	CHECK_STR_EQ(diags(f), "E0219@1:16");

	f = parse("page P { ui { <if>x</if> } }");
	CHECK_STR_EQ(diags(f), "E0220@1:16");

	f = parse("page P { ui { <li for:each={items}/> <b x={a in b}/> } }");
	CHECK_STR_EQ(diags(f), "E0217@1:19 E0217@1:41");
}

TEST(parse_error_mime_space)
{
	struct fx *f = parse("upload U { field f mime: [image/ png] }");

	CHECK_STR_EQ(diags(f), "E0221@1:27");
	f = parse("upload U {\n  field picture mime: []\n}");
	CHECK_STR_EQ(diags(f), "E0201@2:24");
}

TEST(parse_deep_nesting)
{
	size_t n = 20000, i;
	char *src = xmalloc(n * 2 + 64);
	char *p = src;
	struct fx *f;

	p += sprintf(p, "page P { action a() { x = ");
	for (i = 0; i < n; i++)
		*p++ = '(';
	*p++ = '1';
	for (i = 0; i < n; i++)
		*p++ = ')';
	sprintf(p, " } }");
	f = parse(src);
	CHECK_STR_EQ(f->d.n ? f->d.v[0].code : "", "E0211");
	CHECK_INT_EQ(f->d.n, 1);
	free(src);

	/* Deep but reasonable nesting parses. */
	f = parse(
	    "page P { action a() { if a { if b { if c { if d { x() } } } } "
	    "} }");
	CHECK(clean(f));
}

TEST(parse_ui_spec_examples)
{
	CHECK_STR_EQ(
	    ui_of("<p title=\"a > b\">Name: {first} {last} ({n} items), "
		  "\"quoted\" and 'single'.</p>\n"
		  "<p>Less than: {'<'} and greater than: ></p>\n"
		  "<br>\n<img src=\"/logo.png\" alt=\"logo\">"),
	    " (p title='a > b' \"Name: \" {first} \" \" {last} \" (\" {n} "
	    "\" items), \"quoted\" and 'single'.\") (p \"Less than: \" "
	    "{\"<\"} \" and greater than: >\") (br /) (img "
	    "src='/logo.png' alt='logo' /)");
	CHECK_STR_EQ(
	    ui_of("<if condition={temp > 30}>\n  <p>Hot.</p>\n"
		  "  <p>Drink water.</p>\n</if>\n"
		  "<elseif condition={temp > 15}>\n  <p>Mild.</p>\n"
		  "</elseif>\n<else>\n  <p>Cold.</p>\n</else>\n\n"
		  "<if condition=\"{raining}\">\n  <p>Take an umbrella.</p>\n"
		  "  <elseif condition={temp < 0}>\n    <p>Mind the ice.</p>\n"
		  "  </elseif>\n  <else>\n    <p>Enjoy the day.</p>\n"
		  "  </else>\n</if>"),
	    " (IF [(> temp 30) (p \"Hot.\") (p \"Drink water.\")] "
	    "[(> temp 15) (p \"Mild.\")] [else (p \"Cold.\")]) "
	    "(IF [raining (p \"Take an umbrella.\")] [(< temp 0) "
	    "(p \"Mind the ice.\")] [else (p \"Enjoy the day.\")])");
	CHECK_STR_EQ(
	    ui_of("<div style={{ color: picked, padding: 4 }}>P</div>\n"
		  "<button for:each={c in colours} style={{ background: c }} "
		  "on:click={() => { pick(c) }}>{c}</button>\n"
		  "<button on:click={() => pick([\"#f00\", \"#0f0\"][0])}>"
		  "Red</button>"),
	    " (div style={{ color:picked padding:4 }} \"P\") (button "
	    "for:each={c in colours} style={{ background:c }} "
	    "on:click={(=> () {(call pick c)})} {c}) (button "
	    "on:click={(=> () (call pick ([] [ \"#f00\" \"#0f0\" ] 0)))} "
	    "\"Red\")");
}

TEST(parse_empty_bodies)
{
	struct fx *f = parse("page Empty {\n  on load { }\n}");

	CHECK(clean(f));
	CHECK(f->u->u.view->has_on_load && !f->u->u.view->on_load);
	CHECK(!f->u->u.view->has_ui);
	f = parse("entity E { }");
	CHECK(clean(f));
	f = parse("workflow W { }");
	CHECK(clean(f));
	f = parse("upload U { }");
	CHECK(clean(f));
	f = parse("colors { }");
	CHECK(clean(f));
}
