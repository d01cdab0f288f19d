/*
 * test_sema.c - semantic checks. Trees are built by hand from a piece of
 * Locus text: each builder finds its token in the text (searching forward
 * from a cursor), so spans are real and positions can be asserted. Each
 * code is tested for its position, and clean input for silence.
 */
#include <stdlib.h>

#include "frontend/sema_internal.h"
#include "test.h"

/* ------------------------------------------------------------------ */
/* Builders                                                           */
/* ------------------------------------------------------------------ */

static struct arena *A;
static struct interner *IN;
static const char *src;
static size_t cur;
static struct diag_list D;
static struct arena *DA;

static void
begin(const char *text)
{
	if (A)
		arena_free(A);
	if (DA) {
		diag_list_free(&D);
		arena_free(DA);
	}
	if (!IN)
		IN = intern_new();
	A = arena_new();
	DA = arena_new();
	diag_list_init(&D, DA);
	src = text;
	cur = 0;
}

static const struct istr *
I(const char *s)
{
	return intern_cstr(IN, s);
}

/* The next occurrence of needle at or after the cursor. */
static struct span
tok(const char *needle)
{
	const char *p = strstr(src + cur, needle);
	struct span s;

	if (!p) {
		fprintf(stderr, "test text has no '%s' after %zu\n", needle,
			cur);
		abort();
	}
	s.off = (uint32_t)(p - src);
	s.len = (uint32_t)strlen(needle);
	cur = s.off + s.len;
	return s;
}

static struct span
upto(struct span from)
{
	struct span s = { from.off, (uint32_t)cur - from.off };

	return s;
}

#define NEW(T) ((T *)arena_alloc(A, sizeof(T)))

static struct ast_expr *
eid(const char *name)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_IDENT;
	e->name = I(name);
	e->span = tok(name);
	return e;
}

static struct ast_expr *
enumber(const char *lit)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_NUMBER;
	e->span = tok(lit);
	e->num = strtod(lit, NULL);
	return e;
}

static struct ast_expr *
eneg(const char *lit)
{
	struct ast_expr *e = NEW(struct ast_expr);
	struct span m = tok("-");

	e->kind = EXPR_UNARY;
	e->op = EOP_NEG;
	e->a = enumber(lit);
	e->span = upto(m);
	return e;
}

/* A string literal "inner" (the quotes are in the text). */
static struct ast_expr *
estr(const char *inner)
{
	struct ast_expr *e = NEW(struct ast_expr);
	char buf[256];

	snprintf(buf, sizeof(buf), "\"%s\"", inner);
	e->kind = EXPR_STRING;
	e->span = tok(buf);
	e->str.off = e->span.off + 1;
	e->str.len = e->span.len - 2;
	return e;
}

static struct ast_expr *
edur(const char *lit, double ms)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_DURATION;
	e->span = tok(lit);
	e->num = ms;
	return e;
}

static struct ast_expr *
ebin(struct ast_expr *a, enum expr_op op, struct ast_expr *b)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_BINARY;
	e->op = op;
	e->a = a;
	e->b = b;
	e->span.off = a->span.off;
	e->span.len = b->span.off + b->span.len - a->span.off;
	return e;
}

static struct ast_expr *
emember(struct ast_expr *obj, const char *prop)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_MEMBER;
	e->a = obj;
	e->name = I(prop);
	e->name_span = tok(prop);
	e->span = upto(obj->span);
	return e;
}

static struct ast_expr *
eassign(struct ast_expr *target, struct ast_expr *value)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_ASSIGN;
	e->a = target;
	e->b = value;
	e->span.off = target->span.off;
	e->span.len = value->span.off + value->span.len - target->span.off;
	return e;
}

static struct ast_arg *
arg(const char *name, struct ast_expr *v)
{
	struct ast_arg *a = NEW(struct ast_arg);

	a->name = name ? I(name) : NULL;
	a->value = v;
	return a;
}

/* name: — call before building the value, so spans stay in order. */
static struct ast_arg *
named(const char *name)
{
	struct ast_arg *a = NEW(struct ast_arg);

	a->name = I(name);
	a->name_span = tok(name);
	return a;
}

static struct ast_arg *
chain(struct ast_arg *first, ...)
{
	va_list ap;
	struct ast_arg *p = first, *n;

	va_start(ap, first);
	while (p && (n = va_arg(ap, struct ast_arg *))) {
		p->next = n;
		p = n;
	}
	va_end(ap);
	return first;
}

static struct ast_expr *
ecall(struct ast_expr *callee, struct ast_arg *args)
{
	struct ast_expr *e = NEW(struct ast_expr);

	e->kind = EXPR_CALL;
	e->a = callee;
	e->args = args;
	tok(")");
	e->span = upto(callee->span);
	return e;
}

static struct ast_stmt *
sexpr(struct ast_expr *e)
{
	struct ast_stmt *s = NEW(struct ast_stmt);

	s->kind = STMT_EXPR;
	s->expr = e;
	s->span = e->span;
	return s;
}

static struct ast_stmt *
svar(bool is_const, const char *name)
{
	struct ast_stmt *s = NEW(struct ast_stmt);

	s->kind = STMT_VAR;
	s->is_const = is_const;
	s->span = tok(is_const ? "const" : "let");
	s->name = I(name);
	s->name_span = tok(name);
	return s;
}

static struct ast_attr *
attr(const char *name, struct ast_arg *args)
{
	struct ast_attr *a = NEW(struct ast_attr);
	char buf[64];

	snprintf(buf, sizeof(buf), "@%s", name);
	a->span = tok(buf);
	a->name = I(name);
	a->name_span.off = a->span.off + 1;
	a->name_span.len = a->span.len - 1;
	a->args = args;
	a->has_parens = args != NULL;
	return a;
}

/* An attribute whose arguments are built after its name: call
 * attr_open, build the args, then attr_close. */
static struct ast_attr *
attr_open(const char *name)
{
	return attr(name, NULL);
}

static struct ast_attr *
attr_close(struct ast_attr *a, struct ast_arg *args)
{
	a->args = args;
	a->has_parens = true;
	tok(")");
	a->span = upto(a->span);
	return a;
}

static struct ast_field *
field(const char *name, const char *type)
{
	struct ast_field *f = NEW(struct ast_field);

	f->name = I(name);
	f->name_span = tok(name);
	f->type.name = I(type);
	f->type.name_span = tok(type);
	f->type.span = f->type.name_span;
	f->span = upto(f->name_span);
	return f;
}

static struct ast_relation *
relation(const char *name, enum rel_kind k, const char *target)
{
	struct ast_relation *r = NEW(struct ast_relation);
	static const char *const kw[] = { "has_many", "has_one",
					  "belongs_to" };

	r->name = I(name);
	r->name_span = tok(name);
	r->kind = k;
	r->kind_span = tok(kw[k]);
	r->target = I(target);
	r->target_span = tok(target);
	return r;
}

static struct ast_unit *
unit(enum unit_kind k, const char *name)
{
	struct ast_unit *u = NEW(struct ast_unit);

	u->kind = k;
	if (name) {
		u->name = I(name);
		u->name_span = tok(name);
	}
	return u;
}

static struct ast_unit *
entity_unit(const char *name)
{
	struct ast_unit *u = unit(UNIT_ENTITY, name);

	u->u.entity = NEW(struct ast_entity);
	u->u.entity->name = u->name;
	u->u.entity->name_span = u->name_span;
	return u;
}

/* ------------------------------------------------------------------ */
/* Asserting diagnostics                                              */
/* ------------------------------------------------------------------ */

static void
check(const struct ast_unit *u, const struct ast_alias *const *aliases,
      const struct sema_options *o)
{
	sema_check_unit(u, src, strlen(src), aliases, o, &D);
}

static size_t
count(const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < D.n; i++)
		if (strcmp(D.v[i].code, code) == 0)
			n++;
	return n;
}

/* The diagnostic with this code at the first occurrence of `at` at or
 * after byte `from` in the text, or NULL. */
static const struct diag *
find_at(const char *code, const char *at, size_t from)
{
	const char *p = strstr(src + from, at);
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < D.n; i++)
		if (strcmp(D.v[i].code, code) == 0 &&
		    D.v[i].off == (uint32_t)(p - src) &&
		    D.v[i].len == strlen(at))
			return &D.v[i];
	return NULL;
}

static void
dump(void)
{
	size_t i;

	for (i = 0; i < D.n; i++)
		fprintf(stderr, "    %s %u+%u: %s%s%s\n", D.v[i].code,
			D.v[i].off, D.v[i].len, D.v[i].message,
			D.v[i].help ? " | help: " : "",
			D.v[i].help ? D.v[i].help : "");
}

#define EXPECT_AT(code, at, from)                                          \
	do {                                                               \
		if (!find_at(code, at, from)) {                            \
			test_fail(__FILE__, __LINE__,                      \
				  "expected %s at '%s' (from %d); got:", code, \
				  at, (int)(from));                        \
			dump();                                            \
		}                                                          \
	} while (0)

#define EXPECT_NONE()                                                      \
	do {                                                               \
		if (D.n) {                                                 \
			test_fail(__FILE__, __LINE__,                      \
				  "expected no diagnostics; got:");        \
			dump();                                            \
		}                                                          \
	} while (0)

static size_t
pos(const char *needle)
{
	const char *p = strstr(src, needle);

	return p ? (size_t)(p - src) : 0;
}

/* ------------------------------------------------------------------ */
/* Code table                                                         */
/* ------------------------------------------------------------------ */

TEST(sema_code_table)
{
	CHECK(sema_code_description("E0301") != NULL);
	CHECK(sema_code_description("E0101") != NULL);
	CHECK(sema_code_description("E0222") != NULL);
	CHECK(sema_code_description("E0229") == NULL); /* never emitted */
	CHECK(sema_code_description("W0902") != NULL);
	CHECK(sema_code_description("E9999") == NULL);
	CHECK(sema_code_description(NULL) == NULL);
	CHECK(strstr(sema_code_description("E0102"), "string") != NULL);
}

/* ------------------------------------------------------------------ */
/* Entities                                                           */
/* ------------------------------------------------------------------ */

TEST(sema_entity_clean)
{
	struct ast_unit *u;
	struct ast_entity *e;
	struct ast_field *f1, *f2, *f3;
	struct ast_relation *r;

	begin("entity Invoice {\n"
	      "  number: String @unique\n"
	      "  amount: Integer @default(5) @min(0)\n"
	      "  createdAt: DateTime @default(now())\n"
	      "  customer: belongs_to Customer on_delete: cascade\n"
	      "}\n");
	u = entity_unit("Invoice");
	e = u->u.entity;
	f1 = field("number", "String");
	f1->attrs = attr("unique", NULL);
	f2 = field("amount", "Integer");
	{
		struct ast_attr *d = attr_open("default");

		attr_close(d, arg(NULL, enumber("5")));
		f2->attrs = d;
		d->next = attr_open("min");
		attr_close(d->next, arg(NULL, enumber("0")));
	}
	f3 = field("createdAt", "DateTime");
	{
		struct ast_attr *d = attr_open("default");
		struct ast_expr *c = ecall(eid("now"), NULL);

		attr_close(d, arg(NULL, c));
		f3->attrs = d;
	}
	r = relation("customer", REL_BELONGS_TO, "Customer");
	r->on_delete = I("cascade");
	r->on_delete_span = tok("cascade");
	e->fields = f1;
	f1->next = f2;
	f2->next = f3;
	e->relations = r;
	check(u, NULL, NULL);
	EXPECT_NONE();
}

TEST(sema_field_types)
{
	struct ast_unit *u;
	struct ast_field *f1, *f2, *f3, *f4, *f5, *f6;
	struct ast_alias al = { 0 };
	const struct ast_alias *aliases[] = { &al, NULL };

	begin("entity order {\n"
	      "  a: Strng\n"
	      "  b: Customer\n"
	      "  c: String? | Foo\n"
	      "  d: String?[]\n"
	      "  e: list of Integer\n"
	      "  f: Money @min(1)\n"
	      "}\n");
	al.name = I("Money");
	al.target = I("Decimal");
	u = entity_unit("order");
	f1 = field("a", "Strng");
	f2 = field("b", "Customer");
	f3 = field("c", "String");
	f3->type.optional = true;
	f3->type.null_union = true;
	f3->type.union_name = I("Foo");
	f3->type.union_span = tok("Foo");
	f4 = field("d", "String");
	f4->type.optional_in_list = true;
	f4->type.list = true;
	f4->type.span = upto(f4->type.name_span);
	f5 = field("e", "list of Integer");
	f5->type.name = I("Integer");
	f5->type.list = true;
	f5->type.list_of_syntax = true;
	f6 = field("f", "Money");
	f6->attrs = attr_open("min");
	attr_close(f6->attrs, arg(NULL, enumber("1")));
	u->u.entity->fields = f1;
	f1->next = f2;
	f2->next = f3;
	f3->next = f4;
	f4->next = f5;
	f5->next = f6;
	check(u, aliases, NULL);
	EXPECT_AT("W0301", "order", 0);
	EXPECT_AT("E0301", "Strng", 0);
	CHECK(find_at("E0301", "Strng", 0) &&
	      strstr(find_at("E0301", "Strng", 0)->help, "String"));
	EXPECT_AT("E0301", "Customer", 0);
	CHECK(find_at("E0301", "Customer", 0) &&
	      strstr(find_at("E0301", "Customer", 0)->help, "belongs_to"));
	EXPECT_AT("E0302", "Foo", 0);
	EXPECT_AT("E0303", "String", pos("d:"));
	EXPECT_AT("W0302", "list of Integer", 0);
	/* Money is an alias of Decimal: numeric, so @min is fine. */
	CHECK_INT_EQ(count("E0305"), 0);
	CHECK_INT_EQ(D.errors, 4);
}

TEST(sema_field_attributes)
{
	struct ast_unit *u;
	struct ast_field *f[12];
	struct ast_attr *a;
	struct ast_expr *e;
	int i;

	begin("entity Thing {\n"
	      "  a: String @min(1) @length(3, 2)\n"
	      "  b: Integer @length(min: 1) @default(1.5)\n"
	      "  c: Integer @default(3000000000) @frob\n"
	      "  d: String[] @default(\"x\")\n"
	      "  e: String? @default(null)\n"
	      "  f: String @default(ulid())\n"
	      "  g: Boolean @default(\"yes\")\n"
	      "  h: String? @id @map(5) @policy(owner)\n"
	      "  i: String @index @enum(a) @unique @unique\n"
	      "  j: Integer @max\n"
	      "  k: String @pattern(3) @email(1)\n"
	      "  l: Integer @default(-4) @uniq\n"
	      "}\n");
	u = entity_unit("Thing");
	f[0] = field("a", "String");
	a = f[0]->attrs = attr_open("min");
	attr_close(a, arg(NULL, enumber("1")));
	a = a->next = attr_open("length");
	{
		struct ast_arg *x = arg(NULL, enumber("3"));

		x->next = arg(NULL, enumber("2"));
		attr_close(a, x);
	}
	f[1] = field("b", "Integer");
	a = f[1]->attrs = attr_open("length");
	{
		struct ast_arg *m = named("min");

		m->value = enumber("1");
		attr_close(a, m);
	}
	a = a->next = attr_open("default");
	attr_close(a, arg(NULL, enumber("1.5")));
	f[2] = field("c", "Integer");
	a = f[2]->attrs = attr_open("default");
	attr_close(a, arg(NULL, enumber("3000000000")));
	a->next = attr("frob", NULL);
	f[3] = field("d", "String");
	f[3]->type.list = true;
	a = f[3]->attrs = attr_open("default");
	attr_close(a, arg(NULL, estr("x")));
	f[4] = field("e", "String");
	f[4]->type.optional = true;
	a = f[4]->attrs = attr_open("default");
	attr_close(a, arg(NULL, eid("null")));
	f[5] = field("f", "String");
	a = f[5]->attrs = attr_open("default");
	e = ecall(eid("ulid"), NULL);
	attr_close(a, arg(NULL, e));
	f[6] = field("g", "Boolean");
	a = f[6]->attrs = attr_open("default");
	attr_close(a, arg(NULL, estr("yes")));
	f[7] = field("h", "String");
	f[7]->type.optional = true;
	a = f[7]->attrs = attr("id", NULL);
	a = a->next = attr_open("map");
	attr_close(a, arg(NULL, enumber("5")));
	a = a->next = attr_open("policy");
	attr_close(a, arg(NULL, eid("owner")));
	f[8] = field("i", "String");
	a = f[8]->attrs = attr("index", NULL);
	a = a->next = attr_open("enum");
	attr_close(a, arg(NULL, eid("a")));
	a = a->next = attr("unique", NULL);
	a = a->next = attr("unique", NULL);
	f[9] = field("j", "Integer");
	f[9]->attrs = attr("max", NULL);
	f[10] = field("k", "String");
	a = f[10]->attrs = attr_open("pattern");
	attr_close(a, arg(NULL, enumber("3")));
	a = a->next = attr_open("email");
	attr_close(a, arg(NULL, enumber("1")));
	f[11] = field("l", "Integer");
	a = f[11]->attrs = attr_open("default");
	attr_close(a, arg(NULL, eneg("4")));
	a->next = attr("uniq", NULL);
	for (i = 0; i < 11; i++)
		f[i]->next = f[i + 1];
	u->u.entity->fields = f[0];
	check(u, NULL, NULL);

	EXPECT_AT("E0305", "@min(1)", pos("a:"));
	EXPECT_AT("E0304", "@length(3, 2)", 0);
	EXPECT_AT("E0306", "@length(min: 1)", pos("b:"));
	EXPECT_AT("E0308", "1.5", 0);
	EXPECT_AT("E0308", "3000000000", 0);
	EXPECT_AT("W0303", "frob", 0);
	EXPECT_AT("E0309", "@default(\"x\")", 0);
	EXPECT_AT("E0310", "null", pos("e:"));
	EXPECT_AT("E0307", "ulid", 0);
	EXPECT_AT("E0320", "\"yes\"", 0);
	EXPECT_AT("E0317", "@id", 0);
	EXPECT_AT("E0304", "@map(5)", 0);
	EXPECT_AT("W0305", "@policy(owner)", 0);
	EXPECT_AT("W0305", "@index", 0);
	EXPECT_AT("W0305", "@enum(a)", 0);
	EXPECT_AT("E0319", "@unique", pos("@unique @unique") + 8);
	EXPECT_AT("E0304", "@max", pos("j:"));
	EXPECT_AT("E0304", "@pattern(3)", 0);
	EXPECT_AT("E0304", "@email(1)", 0);
	CHECK_INT_EQ(count("E0308"), 2); /* -4 is a fine Integer default */
	CHECK(find_at("W0303", "uniq", pos("l:")) &&
	      strstr(find_at("W0303", "uniq", pos("l:"))->help, "@unique"));
}

TEST(sema_relations)
{
	struct ast_unit *u;
	struct ast_relation *r[6];
	struct ast_field *f, *g;
	struct ast_attr *a;
	int i;

	begin("entity Order {\n"
	      "  note: String (unique)\n"
	      "  items: has_many Item on_delete: cascade\n"
	      "  owner: belongs_to User on_delete: nullify\n"
	      "  buyer: belongs_to User on_delete: set_null\n"
	      "  a: has_one Profile\n"
	      "  b: has_one Profile @policy(cascade) @default(1)\n"
	      "  c: belongs_to Shop (policy: destroy)\n"
	      "  note: String\n"
	      "}\n");
	u = entity_unit("Order");
	f = field("note", "String");
	f->attrs = NEW(struct ast_attr);
	f->attrs->paren_form = true;
	f->attrs->name = I("unique");
	f->attrs->span = tok("(unique)");
	r[0] = relation("items", REL_HAS_MANY, "Item");
	r[0]->on_delete = I("cascade");
	r[0]->on_delete_span = tok("cascade");
	r[1] = relation("owner", REL_BELONGS_TO, "User");
	r[1]->on_delete = I("nullify");
	r[1]->on_delete_span = tok("nullify");
	r[2] = relation("buyer", REL_BELONGS_TO, "User");
	r[2]->on_delete = I("set_null");
	r[2]->on_delete_span = tok("set_null");
	r[3] = relation("a", REL_HAS_ONE, "Profile");
	r[4] = relation("b", REL_HAS_ONE, "Profile");
	a = r[4]->attrs = attr_open("policy");
	attr_close(a, arg(NULL, eid("cascade")));
	a = a->next = attr_open("default");
	attr_close(a, arg(NULL, enumber("1")));
	r[5] = relation("c", REL_BELONGS_TO, "Shop");
	a = r[5]->attrs = NEW(struct ast_attr);
	a->paren_form = true;
	a->name = I("policy");
	a->span = tok("(policy: destroy)");
	a->args = arg(NULL, NULL);
	cur = a->span.off + 9;
	a->args->value = eid("destroy");
	g = field("note", "String");
	for (i = 0; i < 5; i++)
		r[i]->next = r[i + 1];
	f->next = g;
	u->u.entity->fields = f;
	u->u.entity->relations = r[0];
	check(u, NULL, NULL);

	EXPECT_AT("W0304", "(unique)", 0);
	CHECK(find_at("W0304", "(unique)", 0) &&
	      strcmp(find_at("W0304", "(unique)", 0)->help,
		     "write '@unique'") == 0);
	EXPECT_AT("W0306", "cascade", pos("items"));
	EXPECT_AT("E0315", "nullify", 0);
	EXPECT_AT("E0316", "set_null", 0);
	EXPECT_AT("E0312", "Profile", pos("b: has_one"));
	EXPECT_AT("E0313", "@policy(cascade)", 0);
	EXPECT_AT("W0307", "@default(1)", 0);
	EXPECT_AT("E0314", "destroy", 0);
	EXPECT_AT("E0311", "note", pos("  note: String\n}"));
	CHECK(find_at("E0311", "note", pos("  note: String\n}")) &&
	      find_at("E0311", "note", pos("  note: String\n}"))->rel_off ==
		      pos("note"));

	/* The same legacy attribute is an error when configured so. */
	{
		struct sema_options o;

		sema_options_default(&o);
		o.paren_attrs_are_errors = true;
		D.n = 0;
		check(u, NULL, &o);
		EXPECT_AT("E0318", "(unique)", 0);
	}
}

TEST(sema_set_null_with_optional_fk)
{
	struct ast_unit *u;
	struct ast_relation *r;
	struct ast_field *f;

	begin("entity Order {\n"
	      "  buyerId: Integer?\n"
	      "  buyer: belongs_to User on_delete: set_null\n"
	      "}\n");
	u = entity_unit("Order");
	f = field("buyerId", "Integer");
	f->type.optional = true;
	r = relation("buyer", REL_BELONGS_TO, "User");
	r->on_delete = I("set_null");
	r->on_delete_span = tok("set_null");
	u->u.entity->fields = f;
	u->u.entity->relations = r;
	check(u, NULL, NULL);
	EXPECT_NONE();
}

TEST(sema_aliases)
{
	struct ast_unit *u1, *u2, *u3, *u4;
	struct ast_alias *a1, *a2, *a3, *a4;
	const struct ast_alias *all[5];

	begin("type Money = Decimal\n"
	      "type Text = String\n"
	      "type cash = Wallet\n"
	      "type Money = Float\n");
	u1 = unit(UNIT_ALIAS, "Money");
	a1 = u1->u.alias = NEW(struct ast_alias);
	a1->name = u1->name;
	a1->name_span = u1->name_span;
	a1->target = I("Decimal");
	a1->target_span = tok("Decimal");
	u2 = unit(UNIT_ALIAS, "Text");
	a2 = u2->u.alias = NEW(struct ast_alias);
	a2->name = u2->name;
	a2->name_span = u2->name_span;
	a2->target = I("String");
	a2->target_span = tok("String");
	u3 = unit(UNIT_ALIAS, "cash");
	a3 = u3->u.alias = NEW(struct ast_alias);
	a3->name = u3->name;
	a3->name_span = u3->name_span;
	a3->target = I("Wallet");
	a3->target_span = tok("Wallet");
	u4 = unit(UNIT_ALIAS, "Money");
	a4 = u4->u.alias = NEW(struct ast_alias);
	a4->name = u4->name;
	a4->name_span = u4->name_span;
	a4->target = I("Float");
	a4->target_span = tok("Float");
	all[0] = a1;
	all[1] = a2;
	all[2] = a3;
	all[3] = a4;
	all[4] = NULL;
	check(u1, all, NULL);
	EXPECT_NONE();
	check(u2, all, NULL);
	check(u3, all, NULL);
	check(u4, all, NULL);
	EXPECT_AT("E0331", "Text", 0);
	EXPECT_AT("W0310", "cash", 0);
	EXPECT_AT("E0330", "Wallet", 0);
	EXPECT_AT("E0332", "Money", pos("Float") - 10);
	CHECK_INT_EQ(D.n, 4);
}

/* ------------------------------------------------------------------ */
/* Design tokens                                                      */
/* ------------------------------------------------------------------ */

static struct ast_dtoken *
dtok(const char *key, enum dtoken_kind k, const char *value)
{
	struct ast_dtoken *t = NEW(struct ast_dtoken);

	t->key = I(key);
	t->key_span = tok(key);
	t->kind = k;
	if (k == DTOK_STRING) {
		char buf[128];

		snprintf(buf, sizeof(buf), "\"%s\"", value);
		t->value = tok(buf);
		t->value.off++;
		t->value.len -= 2;
	} else {
		t->value = tok(value);
		t->num = strtod(value, NULL);
	}
	return t;
}

TEST(sema_design_colors)
{
	struct ast_unit *u;
	struct ast_design *ds;
	struct ast_theme *t1, *t2;

	begin("colors {\n"
	      "  light { brand: #3b5bdb soft: #3b5bdb80 tiny: #abc\n"
	      "          odd: #12345 css: \"rgb(1, 2, 3)\" bad: \"#zz\"\n"
	      "          num: 12 brand: #fff }\n"
	      "  light { extra: #ffff }\n"
	      "}\n");
	u = unit(UNIT_DESIGN, "colors");
	ds = u->u.design = NEW(struct ast_design);
	ds->section = DS_COLORS;
	t1 = NEW(struct ast_theme);
	t1->name = I("light");
	t1->name_span = tok("light");
	t1->tokens = dtok("brand", DTOK_HEX, "#3b5bdb");
	t1->tokens->next = dtok("soft", DTOK_HEX, "#3b5bdb80");
	t1->tokens->next->next = dtok("tiny", DTOK_HEX, "#abc");
	t1->tokens->next->next->next = dtok("odd", DTOK_HEX, "#12345");
	t1->tokens->next->next->next->next =
		dtok("css", DTOK_STRING, "rgb(1, 2, 3)");
	t1->tokens->next->next->next->next->next =
		dtok("bad", DTOK_STRING, "#zz");
	t1->tokens->next->next->next->next->next->next =
		dtok("num", DTOK_NUMBER, "12");
	t1->tokens->next->next->next->next->next->next->next =
		dtok("brand", DTOK_HEX, "#fff");
	t2 = NEW(struct ast_theme);
	t2->name = I("light");
	t2->name_span = tok("light");
	t2->tokens = dtok("extra", DTOK_HEX, "#ffff");
	t1->next = t2;
	ds->themes = t1;
	check(u, NULL, NULL);
	EXPECT_AT("E0402", "#12345", 0);
	EXPECT_AT("E0402", "\"#zz\"", 0);  /* a string: quotes included */
	EXPECT_AT("E0402", "12", pos("num"));
	EXPECT_AT("W0403", "brand", pos("num"));
	EXPECT_AT("W0402", "light", pos("}\n  light") + 1);
	CHECK_INT_EQ(D.n, 5);
}

TEST(sema_design_typography)
{
	struct ast_unit *u;
	struct ast_design *ds;

	begin("typography {\n"
	      "  fontFamily: #fff baseSize: \"15pt\" lineHeight: 1.5\n"
	      "  weights { normal: 400 Heavy: 800 thin: 50 bold: \"700\" }\n"
	      "}\n"
	      "typography { baseSize: \"1.5rem\" fontFamily: \"Inter\" }\n"
	      "spacing { sm: 4 Md: \"8px\" }\n");
	u = unit(UNIT_DESIGN, "typography");
	ds = u->u.design = NEW(struct ast_design);
	ds->section = DS_TYPOGRAPHY;
	ds->tokens = dtok("fontFamily", DTOK_HEX, "#fff");
	ds->tokens->next = dtok("baseSize", DTOK_STRING, "15pt");
	ds->tokens->next->next = dtok("lineHeight", DTOK_NUMBER, "1.5");
	ds->has_weights = true;
	ds->weights = dtok("normal", DTOK_NUMBER, "400");
	ds->weights->next = dtok("Heavy", DTOK_NUMBER, "800");
	ds->weights->next->next = dtok("thin", DTOK_NUMBER, "50");
	ds->weights->next->next->next = dtok("bold", DTOK_STRING, "700");
	check(u, NULL, NULL);
	EXPECT_AT("E0406", "#fff", 0);
	EXPECT_AT("E0403", "\"15pt\"", 0);
	EXPECT_AT("W0401", "lineHeight", 0);
	EXPECT_AT("E0401", "Heavy", 0);
	EXPECT_AT("E0405", "50", 0);
	EXPECT_AT("E0404", "\"700\"", 0);
	CHECK_INT_EQ(D.n, 6);

	D.n = 0;
	u = unit(UNIT_DESIGN, "typography");
	ds = u->u.design = NEW(struct ast_design);
	ds->section = DS_TYPOGRAPHY;
	ds->tokens = dtok("baseSize", DTOK_STRING, "1.5rem");
	ds->tokens->next = dtok("fontFamily", DTOK_STRING, "Inter");
	check(u, NULL, NULL);
	EXPECT_NONE();

	u = unit(UNIT_DESIGN, "spacing");
	ds = u->u.design = NEW(struct ast_design);
	ds->section = DS_SPACING;
	ds->tokens = dtok("sm", DTOK_NUMBER, "4");
	ds->tokens->next = dtok("Md", DTOK_STRING, "8px");
	check(u, NULL, NULL);
	EXPECT_AT("E0401", "Md", 0);
	CHECK_INT_EQ(D.n, 1);
}

/* ------------------------------------------------------------------ */
/* Pages, components, stores                                          */
/* ------------------------------------------------------------------ */

static struct ast_param *
param(const char *name, const char *type)
{
	struct ast_param *p = NEW(struct ast_param);

	p->name = I(name);
	p->name_span = tok(name);
	if (type) {
		p->has_type = true;
		p->type.name = I(type);
		p->type.name_span = tok(type);
	}
	p->span = upto(p->name_span);
	return p;
}

static struct ast_action *
action(const char *name)
{
	struct ast_action *a = NEW(struct ast_action);
	struct span kw = tok("action");

	a->name = I(name);
	a->name_span = tok(name);
	a->span = upto(kw);
	return a;
}

static struct ast_unit *
view_unit(enum unit_kind k, const char *name)
{
	struct ast_unit *u = unit(k, name);

	u->u.view = NEW(struct ast_view);
	u->u.view->name = u->name;
	u->u.view->name_span = u->name_span;
	return u;
}

static struct ast_ui *
element(const char *tag)
{
	struct ast_ui *n = NEW(struct ast_ui);
	char buf[64];

	snprintf(buf, sizeof(buf), "<%s", tag);
	n->kind = UI_ELEMENT;
	n->span = tok(buf);
	n->tag = I(tag);
	n->tag_span.off = n->span.off + 1;
	n->tag_span.len = n->span.len - 1;
	return n;
}

static struct ast_ui_attr *
uattr(const char *name)
{
	struct ast_ui_attr *a = NEW(struct ast_ui_attr);

	a->name = I(name);
	a->name_span = tok(name);
	a->span = a->name_span;
	return a;
}

static struct ast_ui *
uexpr(struct ast_expr *e)
{
	struct ast_ui *n = NEW(struct ast_ui);

	n->kind = UI_EXPR;
	n->expr = e;
	n->span = e->span;
	return n;
}

TEST(sema_page_clean)
{
	struct ast_unit *u;
	struct ast_view *v;
	struct ast_action *ac;
	struct ast_ui *div, *btn;
	struct ast_ui_attr *at;
	struct ast_stmt *s1, *s2;

	begin("page Counter {\n"
	      "  state { count: Integer = 0 }\n"
	      "  action bump(step) { const next = count + step setCount(next) }\n"
	      "  ui { <div>{count}<button on:click={bump}>+</button></div> }\n"
	      "}\n");
	u = view_unit(UNIT_PAGE, "Counter");
	v = u->u.view;
	v->has_state = true;
	v->state = param("count", "Integer");
	v->state->init = enumber("0");
	ac = action("bump");
	ac->params = param("step", NULL);
	s1 = svar(true, "next");
	{
		struct ast_expr *l = eid("count");

		s1->expr = ebin(l, EOP_ADD, eid("step"));
	}
	{
		struct ast_expr *callee = eid("setCount");

		s2 = sexpr(ecall(callee, arg(NULL, eid("next"))));
	}
	/* eid("next") above consumed the use; rebuild order is fine. */
	s1->next = s2;
	ac->body = s1;
	v->actions = ac;
	v->has_ui = true;
	div = element("div");
	div->children = uexpr(eid("count"));
	btn = element("button");
	at = uattr("on:click");
	at->kind = AV_EXPR;
	at->expr = eid("bump");
	btn->attrs = at;
	div->children->next = btn;
	v->ui = div;
	check(u, NULL, NULL);
	EXPECT_NONE();
}

TEST(sema_page_problems)
{
	struct ast_unit *u;
	struct ast_view *v;
	struct ast_action *a1, *a2, *a3;
	struct ast_ui *root, *in, *sl, *li;
	struct ast_ui_attr *at;
	struct ast_stmt *s;

	begin("page shop {\n"
	      "  param title: String\n"
	      "  state { count: Integer = 0 items: Json = [] }\n"
	      "  action count() { }\n"
	      "  action save() { const k = 1 k = 2 total = 3 save = 1 "
	      "find(1) findOne(Product) create(Product) delete(a, b) log(k) "
	      "update(x) mystery }\n"
	      "  action setCount() { }\n"
	      "  style_override { }\n"
	      "  ui { <input bind:value={count + 1} bind:Value={count}/>"
	      "<slot/><div onclick={save} on:hover={save} on:click=\"save\">"
	      "{children}</div><li for:each=\"items\"/> }\n"
	      "}\n");
	u = view_unit(UNIT_PAGE, "shop");
	v = u->u.view;
	v->params = param("title", "String");
	v->has_state = true;
	v->state = param("count", "Integer");
	v->state->next = param("items", "Json");
	a1 = action("count");
	a2 = action("save");
	{
		struct ast_stmt *k = svar(true, "k"), *t, *last;
		struct ast_expr *x;

		k->expr = enumber("1");
		x = eid("k");
		t = sexpr(eassign(x, enumber("2")));
		k->next = t;
		x = eid("total");
		t = t->next = sexpr(eassign(x, enumber("3")));
		x = eid("save");
		t = t->next = sexpr(eassign(x, enumber("1")));
		x = eid("find");
		t = t->next = sexpr(ecall(x, arg(NULL, enumber("1"))));
		x = eid("findOne");
		t = t->next = sexpr(ecall(x, arg(NULL, eid("Product"))));
		x = eid("create");
		t = t->next = sexpr(ecall(x, arg(NULL, eid("Product"))));
		x = eid("delete");
		{
			struct ast_arg *p = arg(NULL, eid("a"));

			p->next = arg(NULL, eid("b"));
			t = t->next = sexpr(ecall(x, p));
		}
		x = eid("log");
		t = t->next = sexpr(ecall(x, arg(NULL, eid("k"))));
		x = eid("update");
		t = t->next = sexpr(ecall(x, arg(NULL, eid("x"))));
		last = t->next = sexpr(eid("mystery"));
		(void)last;
		a2->body = k;
	}
	a3 = action("setCount");
	a1->next = a2;
	a2->next = a3;
	v->actions = a1;
	v->has_style = true;
	v->style_span = tok("style_override");
	v->has_ui = true;
	in = element("input");
	at = in->attrs = uattr("bind:value");
	at->kind = AV_EXPR;
	{
		struct ast_expr *l = eid("count");

		at->expr = ebin(l, EOP_ADD, enumber("1"));
	}
	at->span = upto(at->name_span);
	at = at->next = uattr("bind:Value");
	at->kind = AV_EXPR;
	at->expr = eid("count");
	sl = NEW(struct ast_ui);
	sl->kind = UI_SLOT;
	sl->span = tok("<slot/>");
	root = element("div");
	at = root->attrs = uattr("onclick");
	at->kind = AV_EXPR;
	at->expr = eid("save");
	at = at->next = uattr("on:hover");
	at->kind = AV_EXPR;
	at->expr = eid("save");
	at = at->next = uattr("on:click");
	at->kind = AV_STRING;
	at->span = upto(at->name_span);
	tok("\"save\"");
	at->span = upto(at->name_span);
	root->children = uexpr(eid("children"));
	li = element("li");
	at = li->attrs = uattr("for:each");
	at->kind = AV_STRING;
	tok("\"items\"");
	at->span = upto(at->name_span);
	in->next = sl;
	sl->next = root;
	root->next = li;
	v->ui = in;
	(void)s;
	check(u, NULL, NULL);

	EXPECT_AT("W0501", "shop", 0);
	EXPECT_AT("E0501", "title: String", 0);
	EXPECT_AT("E0501", "style_override", 0);
	EXPECT_AT("E0502", "count", pos("action count"));
	EXPECT_AT("E0502", "setCount", pos("action setCount"));
	EXPECT_AT("E0507", "k", pos("k = 2"));
	EXPECT_AT("E0506", "total", 0);
	EXPECT_AT("E0506", "save", pos("save = 1"));
	EXPECT_AT("E0508", "find(1)", 0);
	EXPECT_AT("E0508", "findOne(Product)", 0);
	EXPECT_AT("E0508", "create(Product)", 0);
	EXPECT_AT("E0508", "delete(a, b)", 0);
	EXPECT_AT("E0508", "update(x)", 0);
	EXPECT_AT("W0502", "mystery", 0);
	EXPECT_AT("W0502", "a", pos("delete(a"));
	EXPECT_AT("E0504", "bind:value={count + 1", 0);
	EXPECT_AT("E0503", "bind:Value", 0);
	EXPECT_AT("E0505", "<slot/>", 0);
	EXPECT_AT("W0504", "onclick", 0);
	EXPECT_AT("W0503", "on:hover", 0);
	EXPECT_AT("E0510", "on:click=\"save\"", 0);
	EXPECT_AT("W0502", "children", 0);
	EXPECT_AT("E0509", "for:each=\"items\"", 0);
	CHECK_INT_EQ(count("E0508"), 5);
	CHECK_INT_EQ(count("W0502"), 5); /* mystery, a, b, x, children */
}

TEST(sema_component_scopes)
{
	struct ast_unit *u;
	struct ast_view *v;
	struct ast_ui *li, *ul, *each;
	struct ast_ui_attr *at;
	struct ast_expr *arrow;

	begin("component Row {\n"
	      "  param items: Json\n"
	      "  param label: String\n"
	      "  action nope() { }\n"
	      "  ui { <ul>{label}<li for:each={(it, i) in items} "
	      "on:click={(ev) => ev.stop(it, i)}>{it}</li></ul>"
	      "{#each y in items}{y}{/each}{it} <slot/>{children} }\n"
	      "}\n");
	u = view_unit(UNIT_COMPONENT, "Row");
	v = u->u.view;
	v->params = param("items", "Json");
	v->params->next = param("label", "String");
	v->actions = action("nope");
	v->has_ui = true;
	ul = element("ul");
	ul->children = uexpr(eid("label"));
	li = element("li");
	at = li->attrs = uattr("for:each");
	at->kind = AV_EACH;
	at->each_var = I("it");
	at->each_var_span = tok("it");
	at->each_index = I("i");
	tok("i");
	at->expr = eid("items");
	at = at->next = uattr("on:click");
	at->kind = AV_EXPR;
	arrow = NEW(struct ast_expr);
	arrow->kind = EXPR_ARROW;
	arrow->params = param("ev", NULL);
	{
		struct ast_expr *m = emember(eid("ev"), "stop");
		struct ast_arg *x = arg(NULL, eid("it"));

		x->next = arg(NULL, eid("i"));
		arrow->b = ecall(m, x);
	}
	at->expr = arrow;
	li->children = uexpr(eid("it"));
	ul->children->next = li;
	each = NEW(struct ast_ui);
	each->kind = UI_EACH;
	each->span = tok("{#each");
	each->each_var = I("y");
	tok("y");
	each->expr = eid("items");
	each->children = uexpr(eid("y"));
	ul->next = each;
	each->next = uexpr(eid("it"));
	each->next->next = NEW(struct ast_ui);
	each->next->next->kind = UI_SLOT;
	each->next->next->span = tok("<slot/>");
	each->next->next->next = uexpr(eid("children"));
	v->ui = ul;
	check(u, NULL, NULL);
	EXPECT_AT("E0501", "action nope", 0);
	EXPECT_AT("W0502", "it", pos("{it} <slot"));
	/* Loops over plain lists are ordinary: no "unbounded" hint. */
	CHECK_INT_EQ(D.n, 2);
}

TEST(sema_store_members)
{
	struct ast_unit *u;
	struct ast_view *v;

	begin("store Session (guard: admin) {\n"
	      "  state { user: String = \"guest\" }\n"
	      "  on load { }\n"
	      "  ui { }\n"
	      "}\n");
	u = view_unit(UNIT_STORE, "Session");
	v = u->u.view;
	v->guard = I("admin");
	v->guard_span = tok("admin");
	v->has_state = true;
	v->state = param("user", "String");
	v->has_on_load = true;
	v->on_load_span = tok("on load { }");
	v->has_ui = true;
	v->ui_span = tok("ui { }");
	check(u, NULL, NULL);
	EXPECT_AT("E0501", "admin", 0);
	EXPECT_AT("E0501", "on load { }", 0);
	EXPECT_AT("E0501", "ui { }", 0);
	CHECK_INT_EQ(D.n, 3);
}

TEST(sema_legacy_style)
{
	struct ast_unit *u;

	begin("component Card { style: override { } }\n");
	u = view_unit(UNIT_COMPONENT, "Card");
	u->u.view->has_style = true;
	u->u.view->legacy_style = true;
	u->u.view->style_span = tok("style: override { }");
	check(u, NULL, NULL);
	EXPECT_AT("W0507", "style: override { }", 0);
	CHECK_INT_EQ(D.n, 1);
}

/* ------------------------------------------------------------------ */
/* Workflows                                                          */
/* ------------------------------------------------------------------ */

static struct ast_step *
step(enum step_kind k, const char *kw)
{
	struct ast_step *s = NEW(struct ast_step);

	s->kind = k;
	s->keyword_span = tok(kw);
	s->span = s->keyword_span;
	return s;
}

static struct ast_step *
bound(const char *name, enum step_kind k, const char *kw)
{
	struct span c = tok("const");
	const struct istr *b = I(name);
	struct span bs = tok(name);
	struct ast_step *s = step(k, kw);

	s->binding = b;
	s->binding_span = bs;
	s->span.off = c.off;
	return s;
}

static void
end_step(struct ast_step *s, const char *last)
{
	tok(last);
	s->span = upto(s->span);
}

static struct ast_unit *
workflow_unit(const char *name)
{
	struct ast_unit *u = unit(UNIT_WORKFLOW, name);

	u->u.workflow = NEW(struct ast_workflow);
	u->u.workflow->name = u->name;
	u->u.workflow->name_span = u->name_span;
	return u;
}

TEST(sema_workflow_clean)
{
	struct ast_unit *u;
	struct ast_workflow *w;
	struct ast_step *s1, *s2;

	begin("workflow Ship {\n"
	      "  trigger { on:create(Order) }\n"
	      "  input { orderId }\n"
	      "  steps {\n"
	      "    const label = run makeLabel(orderId)\n"
	      "    run notify(label)\n"
	      "  }\n"
	      "  retry { max: 3, backoff: exponential, factor: 2, delay: 30s }\n"
	      "  concurrency { limit: 4, group: shipping }\n"
	      "}\n");
	u = workflow_unit("Ship");
	w = u->u.workflow;
	w->has_trigger = true;
	w->triggers = NEW(struct ast_trigger);
	w->triggers->kind = TRIG_CREATE;
	w->triggers->span = tok("on:create(Order)");
	w->has_input = true;
	w->input = param("orderId", NULL);
	w->has_steps = true;
	s1 = bound("label", STEP_RUN, "run");
	s1->action = I("makeLabel");
	s1->action_span = tok("makeLabel");
	s1->args = arg(NULL, eid("orderId"));
	end_step(s1, ")");
	s2 = step(STEP_RUN, "run");
	s2->action = I("notify");
	s2->action_span = tok("notify");
	s2->args = arg(NULL, eid("label"));
	end_step(s2, ")");
	s1->next = s2;
	w->steps = s1;
	w->has_retry = true;
	{
		struct ast_arg *m = named("max"), *b, *f, *d;

		m->value = enumber("3");
		b = named("backoff");
		b->value = eid("exponential");
		f = named("factor");
		f->value = enumber("2");
		d = named("delay");
		d->value = edur("30s", 30000);
		w->retry = chain(m, b, f, d, NULL);
	}
	w->has_concurrency = true;
	{
		struct ast_arg *l = named("limit"), *g;

		l->value = enumber("4");
		g = named("group");
		g->value = eid("shipping");
		w->concurrency = chain(l, g, NULL);
	}
	check(u, NULL, NULL);
	EXPECT_NONE();
}

TEST(sema_workflow_problems)
{
	struct ast_unit *u;
	struct ast_workflow *w;
	struct ast_step *s[8];
	struct ast_trigger *t1, *t2;
	struct sema_options o;
	int i;

	begin("workflow ship {\n"
	      "  trigger { on:create(Order) on:webhook }\n"
	      "  input { orderId }\n"
	      "  steps {\n"
	      "    run early(later)\n"
	      "    const orderId = run a()\n"
	      "    const later = run b()\n"
	      "    const later = run c()\n"
	      "    send_email { subject: \"a\nb\", to: \"x, y\", "
	      "template: \"../t.html\" }\n"
	      "    send_email { cc: boss }\n"
	      "    http_request { url: \"http://x\", body: \"${input.name}\" }\n"
	      "    branch { }\n"
	      "    parallel { }\n"
	      "  }\n"
	      "  retry { max: 101, backoff: linear, factor: 1, delay: soon, "
	      "jitter: 1 }\n"
	      "  retry2 { backoff: exponential, factor: 0.5 }\n"
	      "  concurrency { limit: 0, size: 2 }\n"
	      "}\n");
	u = workflow_unit("ship");
	w = u->u.workflow;
	w->has_trigger = true;
	t1 = w->triggers = NEW(struct ast_trigger);
	t1->kind = TRIG_CREATE;
	t1->span = tok("on:create(Order)");
	t2 = t1->next = NEW(struct ast_trigger);
	t2->kind = TRIG_WEBHOOK;
	t2->span = tok("on:webhook");
	w->has_input = true;
	w->input = param("orderId", NULL);
	w->has_steps = true;
	s[0] = step(STEP_RUN, "run");
	s[0]->action = I("early");
	s[0]->action_span = tok("early");
	s[0]->args = arg(NULL, eid("later"));
	end_step(s[0], ")");
	s[1] = bound("orderId", STEP_RUN, "run");
	end_step(s[1], ")");
	s[2] = bound("later", STEP_RUN, "run");
	end_step(s[2], ")");
	s[3] = bound("later", STEP_RUN, "run");
	end_step(s[3], ")");
	s[4] = step(STEP_SEND_EMAIL, "send_email");
	{
		struct ast_arg *sub = named("subject"), *to, *tp;

		sub->value = estr("a\nb");
		to = named("to");
		to->value = estr("x, y");
		tp = named("template");
		tp->value = estr("../t.html");
		s[4]->props = chain(sub, to, tp, NULL);
	}
	end_step(s[4], "}");
	s[5] = step(STEP_SEND_EMAIL, "send_email");
	{
		struct ast_arg *cc = named("cc");

		cc->value = eid("boss");
		s[5]->props = cc;
	}
	end_step(s[5], "}");
	s[6] = step(STEP_HTTP_REQUEST, "http_request");
	{
		struct ast_arg *url = named("url"), *body;

		url->value = estr("http://x");
		body = named("body");
		body->value = estr("${input.name}");
		s[6]->props = chain(url, body, NULL);
	}
	end_step(s[6], "}");
	s[7] = step(STEP_BRANCH, "branch");
	end_step(s[7], "}");
	s[7]->next = step(STEP_PARALLEL, "parallel");
	for (i = 0; i < 7; i++)
		s[i]->next = s[i + 1];
	w->steps = s[0];
	w->has_retry = true;
	{
		struct ast_arg *m = named("max"), *b, *f, *d, *j;

		m->value = enumber("101");
		b = named("backoff");
		b->value = eid("linear");
		f = named("factor");
		f->value = enumber("1");
		d = named("delay");
		d->value = eid("soon");
		j = named("jitter");
		j->value = enumber("1");
		w->retry = chain(m, b, f, d, j, NULL);
	}
	tok("retry2");
	w->has_concurrency = true;
	{
		struct ast_arg *l = named("limit"), *sz;

		l->value = enumber("0");
		sz = named("size");
		sz->value = enumber("2");
		w->concurrency = chain(l, sz, NULL);
	}
	sema_options_default(&o);
	o.workflow_complexity = 3;
	check(u, NULL, &o);

	EXPECT_AT("W0601", "ship", 0);
	EXPECT_AT("E0603", "on:webhook", 0);
	EXPECT_AT("E0604", "on:webhook", 0);
	EXPECT_AT("E0614", "later", pos("early("));
	EXPECT_AT("E0613", "orderId", pos("const orderId"));
	EXPECT_AT("E0612", "later", pos("const later = run c"));
	EXPECT_AT("W0602", "later", pos("const later = run b"));
	EXPECT_AT("E0617", "\"a\nb\"", 0);
	EXPECT_AT("E0618", "\"x, y\"", 0);
	EXPECT_AT("E0619", "\"../t.html\"", 0);
	EXPECT_AT("E0615", "send_email", pos("send_email { cc"));
	EXPECT_AT("E0616", "send_email", pos("send_email { cc"));
	EXPECT_AT("E0620", "\"http://x\"", 0);
	EXPECT_AT("W0605", "\"${input.name}\"", 0);
	EXPECT_AT("E0621", "branch", 0);
	EXPECT_AT("W0604", "parallel", 0);
	EXPECT_AT("W0603", "ship", 0);
	EXPECT_AT("E0607", "101", 0);
	EXPECT_AT("E0608", "linear", 0);
	EXPECT_AT("E0610", "soon", 0);
	EXPECT_AT("E0611", "jitter", 0);
	EXPECT_AT("E0605", "0", pos("limit: 0"));
	EXPECT_AT("E0606", "size", 0);
	/* Factor 1 is fine with linear (unknown) backoff; tested below. */
	CHECK_INT_EQ(count("E0609"), 0);

	/* A workflow without trigger and steps; exponential factor <= 1. */
	D.n = 0;
	D.errors = D.warnings = 0;
	begin("workflow Empty { retry { backoff: exponential, factor: 0.5 } }");
	u = workflow_unit("Empty");
	w = u->u.workflow;
	w->has_retry = true;
	{
		struct ast_arg *b = named("backoff"), *f;

		b->value = eid("exponential");
		f = named("factor");
		f->value = enumber("0.5");
		w->retry = chain(b, f, NULL);
	}
	check(u, NULL, NULL);
	EXPECT_AT("E0601", "Empty", 0);
	EXPECT_AT("E0602", "Empty", 0);
	EXPECT_AT("E0609", "0.5", 0);
	CHECK_INT_EQ(D.n, 3);
}

/* ------------------------------------------------------------------ */
/* Uploads                                                            */
/* ------------------------------------------------------------------ */

static struct ast_mime *
mime(const char *text)
{
	struct ast_mime *m = NEW(struct ast_mime);

	m->span = tok(text);
	m->text = text;
	return m;
}

TEST(sema_uploads)
{
	struct ast_unit *u;
	struct ast_upload *up;
	struct ast_upload_field *f1, *f2, *f3;

	begin("upload attachment {\n"
	      "  field file maxSize: 0MB maxCount: 0 mime: [image/*, pdf, "
	      "x/, application/svg+xml]\n"
	      "  field file mime: [ ]\n"
	      "  field cover mime: [*/*]\n"
	      "  store strategy: s3 naming: random\n"
	      "}\n");
	u = unit(UNIT_UPLOAD, "attachment");
	up = u->u.upload = NEW(struct ast_upload);
	up->name = u->name;
	up->name_span = u->name_span;
	f1 = NEW(struct ast_upload_field);
	tok("field");
	f1->name = I("file");
	f1->name_span = tok("file");
	f1->has_max_size = true;
	f1->max_size_span = tok("0MB");
	f1->has_max_count = true;
	tok("maxCount: ");
	f1->max_count_span = tok("0");
	f1->has_mime = true;
	f1->mimes = mime("image/*");
	f1->mimes->next = mime("pdf");
	f1->mimes->next->next = mime("x/");
	f1->mimes->next->next->next = mime("application/svg+xml");
	f2 = NEW(struct ast_upload_field);
	tok("field");
	f2->name = I("file");
	f2->name_span = tok("file");
	f3 = NEW(struct ast_upload_field);
	tok("field");
	f3->name = I("cover");
	f3->name_span = tok("cover");
	f3->has_mime = true;
	f3->mimes = mime("*/*");
	f1->next = f2;
	f2->next = f3;
	up->fields = f1;
	up->has_store = true;
	up->store_span = tok("store");
	up->strategy = I("s3");
	up->strategy_span = tok("s3");
	up->naming = I("random");
	up->naming_span = tok("random");
	check(u, NULL, NULL);
	EXPECT_AT("W0701", "attachment", 0);
	EXPECT_AT("E0704", "0MB", 0);
	EXPECT_AT("E0705", "0", pos("maxCount: 0") + 10);
	EXPECT_AT("W0702", "pdf", 0);
	EXPECT_AT("E0710", "x/", 0);
	EXPECT_AT("E0702", "file", pos("field file mime"));
	EXPECT_AT("E0703", "file", pos("field file mime"));
	EXPECT_AT("E0706", "store", 0);
	EXPECT_AT("E0709", "random", 0);
	EXPECT_AT("E0708", "s3", 0);
	CHECK_INT_EQ(D.n, 10);

	D.n = 0;
	begin("upload Empty { store naming: uuid }");
	u = unit(UNIT_UPLOAD, "Empty");
	up = u->u.upload = NEW(struct ast_upload);
	up->name = u->name;
	up->name_span = u->name_span;
	up->has_store = true;
	up->store_span = tok("store");
	up->has_path = false;
	check(u, NULL, NULL);
	EXPECT_AT("E0701", "Empty", 0);
	EXPECT_AT("E0707", "store", 0);
}

/* ------------------------------------------------------------------ */
/* Project                                                            */
/* ------------------------------------------------------------------ */

/* Summaries written directly: the project check reads nothing else. */
static struct unit_summary *
sum(enum unit_kind k, const char *name, uint32_t off)
{
	struct unit_summary *s = NEW(struct unit_summary);

	s->kind = k;
	s->name = name;
	s->name_span.off = off;
	s->name_span.len = (uint32_t)strlen(name);
	return s;
}

static struct span
sp(uint32_t off, uint32_t len)
{
	struct span s = { off, len };

	return s;
}

static const struct diag *
pfind(const char *code, uint32_t unit, uint32_t off)
{
	size_t i;

	for (i = 0; i < D.n; i++)
		if (strcmp(D.v[i].code, code) == 0 && D.v[i].unit == unit &&
		    D.v[i].off == off)
			return &D.v[i];
	return NULL;
}

#define EXPECT_P(code, unit, off)                                          \
	do {                                                               \
		if (!pfind(code, unit, off)) {                             \
			test_fail(__FILE__, __LINE__,                      \
				  "expected %s in unit %d at %d; got:", code, \
				  (int)(unit), (int)(off));                \
			dump();                                            \
		}                                                          \
	} while (0)

TEST(sema_project_duplicates_and_relations)
{
	struct unit_summary *s[6];
	struct proj_unit u[6];
	struct sum_relation *r;
	struct sum_field *f;
	int i;

	begin("");
	s[0] = sum(UNIT_ENTITY, "Customer", 7);
	s[0]->nrels = 1;
	r = s[0]->rels = NEW(struct sum_relation);
	r->name = "orders";
	r->kind = REL_HAS_MANY;
	r->target = "Order";
	r->inverse = "customer";
	s[1] = sum(UNIT_ENTITY, "Order", 7);
	s[1]->nrels = 4;
	r = s[1]->rels = arena_alloc(A, 4 * sizeof(*r));
	r[0].name = "customer";
	r[0].name_span = sp(20, 8);
	r[0].kind = REL_BELONGS_TO;
	r[0].target = "Custmer";
	r[0].target_span = sp(40, 7);
	r[1].name = "buyer";
	r[1].kind = REL_BELONGS_TO;
	r[1].target = "Customer";
	r[1].inverse = "nothing";
	r[1].inverse_span = sp(60, 7);
	r[2].name = "payer";
	r[2].name_span = sp(70, 5);
	r[2].kind = REL_BELONGS_TO;
	r[2].target = "Customer";
	r[2].inverse = "orders";
	r[2].inverse_span = sp(80, 6);
	r[3].name = "shop";
	r[3].name_span = sp(90, 4);
	r[3].kind = REL_BELONGS_TO;
	r[3].optional = true;
	r[3].target = "Customer";
	s[1]->nfields = 3;
	f = s[1]->fields = arena_alloc(A, 3 * sizeof(*f));
	f[0].name = "buyerId";
	f[0].type = "String";
	f[0].type_span = sp(100, 6);
	f[1].name = "shopId";
	f[1].name_span = sp(110, 6);
	f[1].type = "Integer";
	f[2].name = "payerId";
	f[2].type = "Integer";
	s[2] = sum(UNIT_ENTITY, "Order", 9);
	s[3] = sum(UNIT_PAGE, "Home", 5);
	s[4] = sum(UNIT_PAGE, "Home", 5);
	s[5] = sum(UNIT_DESIGN, "colors", 0);
	for (i = 0; i < 6; i++) {
		u[i].kind = s[i]->kind;
		u[i].sum = s[i];
		u[i].file = (uint32_t)i;
	}
	sema_check_project(u, 6, NULL, &D);
	EXPECT_P("E0801", 2, 9);
	CHECK(pfind("E0801", 2, 9) && pfind("E0801", 2, 9)->rel_unit == 1 &&
	      pfind("E0801", 2, 9)->rel_off == 7);
	EXPECT_P("E0801", 4, 5);
	EXPECT_P("E0901", 1, 40);
	CHECK(pfind("E0901", 1, 40) &&
	      strstr(pfind("E0901", 1, 40)->help, "Customer"));
	EXPECT_P("E0902", 1, 60);
	EXPECT_P("E0904", 1, 100);
	EXPECT_P("E0910", 1, 110);
	/* Customer.orders -> Order with inverse customer: Order.customer
	 * targets Custmer, so it does not point back. */
	CHECK(pfind("E0903", 0, 0) != NULL);
	/* Order.payer's inverse Customer.orders does point back. */
	CHECK(pfind("E0903", 1, 80) == NULL);
	CHECK_INT_EQ(D.errors, 7);
}

TEST(sema_project_views_workflows)
{
	struct unit_summary *s[7];
	struct proj_unit u[7];
	struct sum_ref *r;
	int i;

	begin("");
	/* 0: component A uses B; 1: B uses A (cycle) and C in a loop;
	 * 2: C uses C in a loop (fine); 3: page uses Missing, Button, A,
	 * Produc; 4: workflow runs save/nope, triggers on Ghost; 5: entity
	 * Product; 6: page with unused action. */
	s[0] = sum(UNIT_COMPONENT, "A", 10);
	s[0]->nuses = 1;
	r = s[0]->uses = NEW(struct sum_ref);
	r->name = "B";
	r->span = sp(30, 1);
	s[1] = sum(UNIT_COMPONENT, "B", 10);
	s[1]->nuses = 2;
	r = s[1]->uses = arena_alloc(A, 2 * sizeof(*r));
	r[0].name = "A";
	r[0].span = sp(31, 1);
	r[1].name = "C";
	r[1].span = sp(40, 1);
	r[1].in_loop = true;
	s[2] = sum(UNIT_COMPONENT, "C", 10);
	s[2]->nuses = 1;
	r = s[2]->uses = NEW(struct sum_ref);
	r->name = "C";
	r->span = sp(50, 1);
	r->in_loop = true;
	s[3] = sum(UNIT_PAGE, "Home", 5);
	s[3]->nuses = 4;
	r = s[3]->uses = arena_alloc(A, 4 * sizeof(*r));
	r[0].name = "Missing";
	r[0].span = sp(60, 7);
	r[1].name = "Button";
	r[2].name = "A";
	r[3].name = "Home";
	s[3]->nentity_refs = 2;
	r = s[3]->entity_refs = arena_alloc(A, 2 * sizeof(*r));
	r[0].name = "Produc";
	r[0].span = sp(70, 6);
	r[1].name = "Product";
	s[3]->nglobal_refs = 2;
	r = s[3]->global_refs = arena_alloc(A, 2 * sizeof(*r));
	r[0].name = "Sesion";
	r[0].span = sp(80, 6);
	r[1].name = "Product";
	s[3]->nactions = 2;
	s[3]->actions = arena_alloc(A, 2 * sizeof(*s[3]->actions));
	s[3]->actions[0].name = "save";
	s[3]->actions[1].name = "clicked";
	s[3]->actions[1].used_locally = true;
	s[4] = sum(UNIT_WORKFLOW, "Flow", 9);
	s[4]->nruns = 2;
	r = s[4]->runs = arena_alloc(A, 2 * sizeof(*r));
	r[0].name = "save";
	r[1].name = "sav3";
	r[1].span = sp(90, 4);
	s[4]->ntriggers = 1;
	s[4]->triggers = NEW(struct sum_trigger);
	s[4]->triggers->kind = TRIG_CREATE;
	s[4]->triggers->entity = "Ghost";
	s[4]->triggers->entity_span = sp(95, 5);
	s[5] = sum(UNIT_ENTITY, "Product", 7);
	s[6] = sum(UNIT_PAGE, "About", 5);
	s[6]->nactions = 1;
	s[6]->actions = NEW(struct sum_action);
	s[6]->actions[0].name = "idle";
	s[6]->actions[0].name_span = sp(33, 4);
	for (i = 0; i < 7; i++) {
		u[i].kind = s[i]->kind;
		u[i].sum = s[i];
	}
	sema_check_project(u, 7, NULL, &D);
	EXPECT_P("E0906", 0, 10);
	CHECK(pfind("E0906", 0, 10) &&
	      strstr(pfind("E0906", 0, 10)->message, "A -> B -> A"));
	EXPECT_P("E0905", 3, 60);
	EXPECT_P("E0909", 3, 70);
	CHECK(pfind("E0909", 3, 70) &&
	      strstr(pfind("E0909", 3, 70)->help, "Product"));
	EXPECT_P("W0902", 3, 80);
	EXPECT_P("E0907", 4, 90);
	CHECK(pfind("E0907", 4, 90) &&
	      strstr(pfind("E0907", 4, 90)->help, "save"));
	EXPECT_P("E0908", 4, 95);
	EXPECT_P("W0901", 6, 33);
	CHECK_INT_EQ(D.n, 7);
}

/* A long chain of components and many entities: linear, no recursion. */
TEST(sema_project_scale)
{
	enum { N = 10000 };
	struct proj_unit *u = xcalloc(N, sizeof(*u));
	char name[32];
	uint64_t t0;
	int i;

	begin("");
	for (i = 0; i < N; i++) {
		struct unit_summary *s;

		snprintf(name, sizeof(name), "C%d", i);
		s = sum(UNIT_COMPONENT, arena_strndup(A, name, strlen(name)),
			0);
		if (i + 1 < N) {
			snprintf(name, sizeof(name), "C%d", i + 1);
			s->nuses = 1;
			s->uses = NEW(struct sum_ref);
			s->uses->name = arena_strndup(A, name, strlen(name));
		}
		u[i].kind = UNIT_COMPONENT;
		u[i].sum = s;
	}
	t0 = base_now_ns();
	sema_check_project(u, N, NULL, &D);
	CHECK(base_now_ns() - t0 < 200000000ull);
	CHECK_INT_EQ(D.n, 0);
	free(u);
}

TEST(sema_summary_of_view)
{
	struct ast_unit *u;
	struct ast_view *v;
	struct ast_ui *el;
	struct unit_summary *s;

	begin("page Home { action go() { find(Todo) } action idle() { go() } "
	      "ui { <Card/> {Session.user} } }");
	u = view_unit(UNIT_PAGE, "Home");
	v = u->u.view;
	v->actions = action("go");
	{
		struct ast_expr *f = eid("find");

		v->actions->body = sexpr(ecall(f, arg(NULL, eid("Todo"))));
	}
	v->actions->next = action("idle");
	{
		struct ast_expr *g = eid("go");

		v->actions->next->body = sexpr(ecall(g, NULL));
	}
	el = element("Card");
	el->next = uexpr(emember(eid("Session"), "user"));
	v->ui = el;
	s = sema_summarize(u, A);
	CHECK_STR_EQ(s->name, "Home");
	CHECK_INT_EQ(s->nactions, 2);
	CHECK(s->actions[0].used_locally);
	CHECK(!s->actions[1].used_locally);
	CHECK_INT_EQ(s->nentity_refs, 1);
	CHECK_STR_EQ(s->entity_refs[0].name, "Todo");
	CHECK_INT_EQ(s->nuses, 1);
	CHECK_STR_EQ(s->uses[0].name, "Card");
	CHECK_INT_EQ(s->nglobal_refs, 1);
	CHECK_STR_EQ(s->global_refs[0].name, "Session");
}

/* ------------------------------------------------------------------ */
/* Real Locus text: split, parse, check units, summarise, check project */
/* ------------------------------------------------------------------ */

struct linted {
	struct unit_src *us;
	size_t n;
};
static struct linted L;

/* Runs the whole front end over one file's text into D. */
static void
lint(const char *text)
{
	const struct ast_alias **aliases;
	struct ast_unit **trees;
	struct proj_unit *pu;
	size_t i, na = 0;

	begin(text);
	free(L.us);
	split_file(text, strlen(text), &L.us, &L.n, &D);
	trees = xcalloc(L.n + 1, sizeof(*trees));
	aliases = xcalloc(L.n + 1, sizeof(*aliases));
	pu = xcalloc(L.n + 1, sizeof(*pu));
	for (i = 0; i < L.n; i++) {
		D.unit = (uint32_t)i;
		trees[i] = parse_unit(text + L.us[i].off, L.us[i].len, A, IN,
				      &D);
		if (trees[i] && trees[i]->kind == UNIT_ALIAS)
			aliases[na++] = trees[i]->u.alias;
	}
	for (i = 0; i < L.n; i++) {
		D.unit = (uint32_t)i;
		if (!trees[i])
			continue;
		sema_check_unit(trees[i], text + L.us[i].off, L.us[i].len,
				aliases, NULL, &D);
		pu[i].kind = trees[i]->kind;
		pu[i].sum = sema_summarize(trees[i], A);
	}
	sema_check_project(pu, L.n, NULL, &D);
	free(trees);
	free(aliases);
	free(pu);
}

/* The diagnostic with this code exactly over the first occurrence of
 * `at` after the first occurrence of `after` (file positions). */
static const struct diag *
lfind(const char *code, const char *at, const char *after)
{
	const char *base = after ? strstr(src, after) : src;
	const char *p = base ? strstr(base, at) : NULL;
	size_t i;

	for (i = 0; p && i < D.n; i++) {
		const struct diag *g = &D.v[i];
		size_t off = g->off;

		if (g->unit != UINT32_MAX && g->unit < L.n)
			off += L.us[g->unit].off;
		if (strcmp(g->code, code) == 0 &&
		    off == (size_t)(p - src) && g->len == strlen(at))
			return g;
	}
	return NULL;
}

static void
ldump(void)
{
	size_t i;

	for (i = 0; i < D.n; i++) {
		const struct diag *g = &D.v[i];
		size_t off = g->off;

		if (g->unit != UINT32_MAX && g->unit < L.n)
			off += L.us[g->unit].off;
		fprintf(stderr, "    %s '%.*s': %s\n", g->code, (int)g->len,
			src + off, g->message);
	}
}

#define LEXPECT(code, at, after)                                           \
	do {                                                               \
		if (!lfind(code, at, after)) {                             \
			test_fail(__FILE__, __LINE__,                      \
				  "expected %s at '%s'; got:", code, at);  \
			ldump();                                           \
		}                                                          \
	} while (0)

#define LEXPECT_N(want)                                                    \
	do {                                                               \
		if (D.n != (size_t)(want)) {                               \
			test_fail(__FILE__, __LINE__,                      \
				  "expected %d diagnostics; got %zu:",     \
				  (int)(want), D.n);                       \
			ldump();                                           \
		}                                                          \
	} while (0)

TEST(sema_parsed_clean_program)
{
	lint("type Money = Decimal\n"
	     "database {\n"
	     "  entity Customer {\n"
	     "    name: String @length(min: 1, max: 80)\n"
	     "    email: Email @unique\n"
	     "    note: Text? nullable\n"
	     "    orders: has_many Order inverse: customer\n"
	     "  }\n"
	     "  entity Order {\n"
	     "    total: Money @min(0) @default(0)\n"
	     "    createdAt: DateTime @default(now())\n"
	     "    tags: String[]\n"
	     "    customerId: Integer?\n"
	     "    customer: belongs_to Customer? on_delete: set_null "
	     "inverse: orders\n"
	     "  }\n"
	     "}\n"
	     "design_system {\n"
	     "  colors { light { brand: \"#3b5bdb\" glass: #ffffff80 } }\n"
	     "  typography { fontFamily: \"Inter\" baseSize: \"15px\"\n"
	     "    weights { normal: 400 heavy: 800 } }\n"
	     "  spacing { sm: 4 md: \"8px\" }\n"
	     "}\n"
	     "page Orders {\n"
	     "  state { orders: Json = [] query: String = \"\" }\n"
	     "  on load { const all = await find(Order) setOrders(all) }\n"
	     "  action search(q) { query = q }\n"
	     "  action remove(o) { await delete(o) }\n"
	     "  ui {\n"
	     "    <Stack>\n"
	     "      <input bind:value={query} on:input={(e) => "
	     "search(e.target.value)}/>\n"
	     "      {#each o in orders.slice(0, 20)}\n"
	     "        <Row label={o.id} on:pick={() => remove(o)}/>\n"
	     "      {/each}\n"
	     "    </Stack>\n"
	     "  }\n"
	     "}\n"
	     "component Row {\n"
	     "  param label: String\n"
	     "  ui { <div class=\"row\">{label}{children}</div> }\n"
	     "}\n"
	     "workflow Notify {\n"
	     "  trigger { on:create(Order) }\n"
	     "  input { orderId }\n"
	     "  steps {\n"
	     "    const found = run search(orderId)\n"
	     "    send_email { to: ops, subject: \"New order\" }\n"
	     "    run search(found)\n"
	     "  }\n"
	     "  retry { max: 3, backoff: exponential, factor: 2, delay: 30s }\n"
	     "  concurrency { limit: 4, group: orders }\n"
	     "}\n"
	     "upload Attachment {\n"
	     "  field file maxSize: 10MB maxCount: 3 mime: [application/pdf] "
	     "required\n"
	     "  store strategy: local path: \"files\" naming: uuid\n"
	     "}\n");
	LEXPECT_N(0);
}

TEST(sema_parsed_project_rules)
{
	lint("database {\n"
	     "  entity Customer { name: String }\n"
	     "  entity Order {\n"
	     "    customerId: String\n"
	     "    customer: belongs_to Customer\n"
	     "    shop: belongs_to Shp\n"
	     "    buyer: belongs_to Customer inverse: orders\n"
	     "  }\n"
	     "  entity Customer { x: String }\n"
	     "}\n"
	     "component Alpha { ui { <Beta/> } }\n"
	     "component Beta { ui { <div><Alpha/></div> } }\n"
	     "page Home {\n"
	     "  action unused() { }\n"
	     "  action load() { const x = await find(Ordr) log(x) }\n"
	     "  ui { <Alfa/> <button on:click={load}>go</button> }\n"
	     "}\n"
	     "workflow Flow {\n"
	     "  trigger { on:update(Invoice) }\n"
	     "  steps { run lod() }\n"
	     "}\n");
	LEXPECT("E0801", "Customer", "entity Customer { x");
	LEXPECT("E0904", "String", "customerId: ");
	LEXPECT("E0901", "Shp", NULL);
	LEXPECT("E0902", "orders", "buyer");
	LEXPECT("E0906", "Alpha", NULL);
	LEXPECT("E0905", "Alfa", NULL);
	LEXPECT("E0909", "Ordr", NULL);
	LEXPECT("W0901", "unused", NULL);
	LEXPECT("E0908", "Invoice", NULL);
	LEXPECT("E0907", "lod", NULL);
	LEXPECT_N(11);
}

TEST(sema_parsed_ui_and_bodies)
{
	lint("component Card {\n"
	     "  param title: String\n"
	     "  param items: Json\n"
	     "  ui {\n"
	     "    <h1 onClick={() => title = 1}>{title}{subtitle}</h1>\n"
	     "    <ul><li for:each={item in items.slice(0, 5)}>{item.name}"
	     "</li></ul>\n"
	     "    {item}\n"
	     "  }\n"
	     "}\n");
	LEXPECT("E0506", "title", "() => ");
	LEXPECT("W0502", "subtitle", NULL);
	LEXPECT("W0502", "item", "</ul>");
	LEXPECT_N(3);
}
