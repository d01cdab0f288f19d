/*
 * parse.c - the glue between the lexer and the Lemon grammar (parser.y):
 * parse_unit feeds one unit's tokens to the generated parser, the grammar's
 * actions call the builders below to make the tree, and syntax errors are
 * turned into one positioned diagnostic per unit.
 *
 * Parse-level error codes (the lexer owns E01xx):
 *
 *   E0201  unexpected token; the message lists what was expected
 *   E0202  unexpected end of input
 *   E0210  `on_load` written where a member is expected (write `on load`)
 *   E0211  nesting too deep for the parser
 *   E0212  a single-use block written twice (ui, on load, on unload,
 *          style_override, a workflow section)
 *   E0213  unknown member `name { ... }` in a page, component or store
 *   E0214  closing tag does not match the open element
 *   E0215  element not closed before the end of its block
 *   E0216  closing tag with no open element
 *   E0217  for:each value not of the form `item in list` (or that form
 *          on another attribute)
 *   E0218  {:elseif} / {:else} / {/if} / {/each} with no matching opener
 *   E0219  <elseif> / <else> without a preceding <if>
 *   E0220  <if> / <elseif> without condition={...}
 *   E0221  MIME type with whitespace inside
 *   E0222  a clause written twice (on_delete, inverse, maxSize, store, ...)
 */
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"
#include "parser.h"

/* ------------------------------------------------------------------ */
/* Driver                                                             */
/* ------------------------------------------------------------------ */

/* The next token for the grammar: `=> {` opens a block body, never an
 * object literal. */
static void
next_token(struct lexer *lx, int *prev, struct token *t)
{
	lex_next(lx, t);
	if (t->type == TK_LBRACE && *prev == TK_ARROW)
		t->type = TK_BLOCK_LBRACE;
	*prev = t->type;
}

static void
fed(struct parse_ctx *ctx, struct token t)
{
	ctx->last = t;
	ctx->has_last = true;
	ctx->prev_end = t.off + t.len;
	ctx->ntok++;
}

static void report_syntax_error(struct parse_ctx *ctx, void *parser,
				int major, struct token tok);

/*
 * Parses the unit again, into a throwaway arena and diagnostics list, up
 * to the token that failed, then reports the error from the parser state
 * found there (see struct parse_ctx).
 */
static void
replay_and_report(struct parse_ctx *ctx)
{
	struct arena *ta = arena_new();
	struct diag_list td;
	struct parse_ctx r;
	struct lexer lx;
	struct token t;
	void *p;
	int prev = 0;

	diag_list_init(&td, ta);
	memset(&r, 0, sizeof(r));
	r.text = ctx->text;
	r.len = ctx->len;
	r.a = ta;
	r.in = ctx->in;
	r.d = &td;
	r.replay = true;
	p = locus_parseAlloc(xmalloc);
	lex_init(&lx, r.text, r.len, &td);
	while (r.ntok < ctx->err_ntok && !r.stop) {
		next_token(&lx, &prev, &t);
		r.cur = t;
		locus_parse(p, t.type, t, &r);
		fed(&r, t);
	}
	parse__snapshot(p, ctx);
	report_syntax_error(ctx, p, ctx->err_major, ctx->err_tok);
	locus_parseFree(p, free);
	free(r.snap);
	diag_list_free(&td);
	arena_free(ta);
}

struct ast_unit *
parse_unit(const char *text, size_t len, struct arena *a, struct interner *in,
	   struct diag_list *d)
{
	struct parse_ctx ctx;
	struct lexer lx;
	struct token t;
	void *p;
	int prev = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.text = text;
	ctx.len = (uint32_t)len;
	ctx.a = a;
	ctx.in = in;
	ctx.d = d;
	ctx.errors_before = d->errors;
	p = locus_parseAlloc(xmalloc);
	lex_init(&lx, text, len, d);
	for (;;) {
		next_token(&lx, &prev, &t);
		ctx.cur = t;
		if (parse__depth(p) > PARSE_MAX_DEPTH) {
			parse__overflow(&ctx);
			break;
		}
		locus_parse(p, t.type, t, &ctx);
		if (ctx.stop || t.type == 0)
			break;
		fed(&ctx, t);
	}
	locus_parseFree(p, free);
	if (ctx.need_report)
		replay_and_report(&ctx);
	free(ctx.snap);
	return ctx.unit;
}

/* ------------------------------------------------------------------ */
/* Syntax errors                                                      */
/* ------------------------------------------------------------------ */

/* A token's name for a list of expected tokens: "'{'", "'state'". */
static const char *
short_name(int type)
{
	const char *s;

	if (type == TK_BLOCK_LBRACE)
		return "'{'";
	s = lex_token_name(type);
	if (strncmp(s, "keyword ", 8) == 0)
		s += 8;
	return s;
}

/* Tokens shown with their text: identifiers, literals, tags. */
static bool
shows_text(int type)
{
	switch (type) {
	case TK_IDENT:
	case TK_NUMBER:
	case TK_STRING:
	case TK_HEX:
	case TK_SIZE:
	case TK_DURATION:
	case TK_TEXT:
	case TK_ATTR_NAME:
	case TK_ATTR_VALUE:
	case TK_TAG_OPEN:
	case TK_TAG_CLOSE:
		return true;
	default:
		return false;
	}
}

/* The first line of a token, without leading whitespace and at most 32
 * bytes: what the caret points at. */
static struct span
token_focus(const struct parse_ctx *ctx, struct token t)
{
	uint32_t b = t.off, e = t.off + t.len;
	uint32_t i;

	if (e > ctx->len)
		e = ctx->len;
	if (t.type == TK_TEXT)
		while (b < e && strchr(" \t\r\n", ctx->text[b]))
			b++;
	for (i = b; i < e; i++)
		if (ctx->text[i] == '\n' || ctx->text[i] == '\r')
			break;
	if (i == b && b < e)
		i = e;
	return parse__span(b, i);
}

static const char *
describe(struct parse_ctx *ctx, struct token t)
{
	struct span f;

	if (t.type == TK_BLOCK_LBRACE)
		return "'{'";
	if (!shows_text(t.type))
		return lex_token_name(t.type);
	f = token_focus(ctx, t);
	if (f.len > 32)
		return arena_printf(ctx->d->arena, "%s `%.32s...`",
				    lex_token_name(t.type), ctx->text + f.off);
	return arena_printf(ctx->d->arena, "%s `%.*s`", lex_token_name(t.type),
			    (int)f.len, ctx->text + f.off);
}

/*
 * Families of tokens shown as one phrase when the parser accepts all of a
 * family's trigger tokens: "expected a member (...)" reads better than
 * twelve keywords.
 */
struct tok_group {
	const char *label;
	int trigger[3];
	int members[24];
};

/* clang-format off */
static const struct tok_group groups[] = {
	{ "a member (state, param, action, on load, ui, style_override)",
	  { TK_STATE, TK_ACTION, TK_UI },
	  { TK_STATE, TK_PARAM, TK_ACTION, TK_ON, TK_UI, TK_STYLE_OVERRIDE,
	    TK_STYLE, TK_IDENT } },
	{ "a section (trigger, input, state, steps, retry, concurrency, "
	  "on_error, on_failure)",
	  { TK_TRIGGER, TK_STEPS, TK_RETRY },
	  { TK_TRIGGER, TK_INPUT, TK_STATE, TK_STEPS, TK_RETRY,
	    TK_CONCURRENCY, TK_ON_ERROR, TK_ON_FAILURE } },
	{ "a step (run, branch, forEach, delay, http_request, send_email, "
	  "parallel, queue_publish, db_tx)",
	  { TK_RUN, TK_BRANCH, TK_DB_TX },
	  { TK_RUN, TK_BRANCH, TK_FOREACH, TK_DELAY, TK_HTTP_REQUEST,
	    TK_SEND_EMAIL, TK_PARALLEL, TK_QUEUE_PUBLISH, TK_DB_TX,
	    TK_CONST } },
	{ "a statement",
	  { TK_CONST, TK_LET, TK_IF },
	  { TK_CONST, TK_LET, TK_IF, TK_RETURN, TK_FOR, TK_SEMI, TK_IDENT,
	    TK_NUMBER, TK_STRING, TK_HEX, TK_SIZE, TK_DURATION, TK_LBRACKET,
	    TK_LBRACE, TK_LPAREN, TK_ARROW_LP, TK_NOT, TK_MINUS, TK_PLUS,
	    TK_AWAIT, TK_TYPEOF } },
	{ "an expression",
	  { TK_NUMBER, TK_STRING, TK_NOT },
	  { TK_IDENT, TK_NUMBER, TK_STRING, TK_HEX, TK_SIZE, TK_DURATION,
	    TK_LBRACKET, TK_LBRACE, TK_LPAREN, TK_ARROW_LP, TK_NOT, TK_MINUS,
	    TK_PLUS, TK_AWAIT, TK_TYPEOF } },
	{ "an operator",
	  { TK_STAR, TK_ANDAND, TK_EQEQ },
	  { TK_STAR, TK_SLASH, TK_PERCENT, TK_PLUS, TK_MINUS, TK_LT, TK_GT,
	    TK_LE, TK_GE, TK_EQEQ, TK_NOTEQ, TK_ANDAND, TK_OROR, TK_NULLISH,
	    TK_QUESTION, TK_EQ, TK_PLUSEQ, TK_MINUSEQ, TK_DOT, TK_QDOT,
	    TK_LPAREN, TK_LBRACKET } },
	{ "markup (text, an element, {expression}, {#if}, {#each})",
	  { TK_TEXT, TK_TAG_OPEN, TK_DIR_IF },
	  { TK_TEXT, TK_TAG_OPEN, TK_LBRACE, TK_DIR_IF, TK_DIR_EACH } },
	{ "a field clause (maxSize, maxCount, mime, required)",
	  { TK_MAXSIZE, TK_MAXCOUNT, TK_MIME },
	  { TK_MAXSIZE, TK_MAXCOUNT, TK_MIME, TK_REQUIRED } },
	{ "a store clause (strategy, path, naming)",
	  { TK_STRATEGY, TK_PATH, TK_NAMING },
	  { TK_STRATEGY, TK_PATH, TK_NAMING } },
	{ "a type modifier ('?', '[]', nullable, '| Null')",
	  { TK_NULLABLE, TK_PIPE, TK_QUESTION },
	  { TK_NULLABLE, TK_PIPE, TK_QUESTION, TK_LBRACKET } },
	{ "a MIME type",
	  { TK_SLASH, TK_STAR, TK_DOT },
	  { TK_IDENT, TK_NUMBER, TK_SLASH, TK_STAR, TK_PLUS, TK_MINUS,
	    TK_DOT } },
	{ "an attribute (@name)",
	  { TK_AT, TK_LPAREN, 0 },
	  { TK_AT, TK_LPAREN } },
};
/* clang-format on */

#define MAX_TOKENS 256

static bool
has_all(const bool *set, const int *trig)
{
	int i;

	for (i = 0; i < 3 && trig[i]; i++)
		if (!set[trig[i]])
			return false;
	return true;
}

/* "a, b or c"; at most six entries, then "...". */
static const char *
expected_text(struct parse_ctx *ctx)
{
	int toks[MAX_TOKENS];
	bool set[MAX_TOKENS];
	const char *items[MAX_TOKENS];
	int n, ni = 0, i, j;
	struct sbuf b;
	const char *res;

	n = parse__expected(ctx, toks, MAX_TOKENS);
	memset(set, 0, sizeof(set));
	for (i = 0; i < n; i++)
		set[toks[i]] = true;
	for (i = 0; i < (int)ARRAY_LEN(groups); i++) {
		if (!has_all(set, groups[i].trigger))
			continue;
		for (j = 0; j < (int)ARRAY_LEN(groups[i].members) &&
			    groups[i].members[j];
		     j++)
			set[groups[i].members[j]] = false;
		items[ni++] = groups[i].label;
	}
	for (i = 0; i < n; i++)
		if (set[toks[i]])
			items[ni++] =
			    toks[i] == 0 ? "end of input" : short_name(toks[i]);
	if (ni == 0)
		return NULL;
	sbuf_init(&b);
	for (i = 0; i < ni && i < 6; i++) {
		if (i > 0)
			sbuf_adds(&b, i == ni - 1 ? " or " : ", ");
		sbuf_adds(&b, items[i]);
	}
	if (ni > 6)
		sbuf_adds(&b, ", ...");
	res = arena_strndup(ctx->d->arena, b.p, b.len);
	sbuf_free(&b);
	return res;
}

/* The tag name inside a TAG_OPEN (`<div`) or TAG_CLOSE (`</div >`). */
static struct span
tag_name(const struct parse_ctx *ctx, struct token t)
{
	uint32_t b = t.off, e = t.off + t.len;
	uint32_t i;

	while (b < e && (ctx->text[b] == '<' || ctx->text[b] == '/'))
		b++;
	for (i = b; i < e; i++) {
		char c = ctx->text[i];

		if (c == '>' || c == '/' || c == ' ' || c == '\t' ||
		    c == '\r' || c == '\n')
			break;
	}
	return parse__span(b, i);
}

static const char *
directive_text(int type)
{
	switch (type) {
	case TK_DIR_ELSEIF:
		return "{:else if}";
	case TK_DIR_ELSE:
		return "{:else}";
	case TK_DIR_END_IF:
		return "{/if}";
	default:
		return "{/each}";
	}
}

void
parse__syntax_error(struct parse_ctx *ctx, void *parser, int major,
		    struct token tok)
{
	(void)parser;
	if (ctx->stop)
		return;
	ctx->stop = true;
	if (ctx->replay)
		return;
	ctx->need_report = true;
	ctx->err_major = major;
	ctx->err_tok = tok;
	ctx->err_ntok = ctx->ntok;
}

static void
report_syntax_error(struct parse_ctx *ctx, void *parser, int major,
		    struct token tok)
{
	struct token open;
	struct diag *dg;
	const char *exp;
	int probe[MAX_TOKENS];
	int n, i;
	bool want_close = false;

	/*
	 * One error per unit: after a lexical error (an unterminated string
	 * swallows the rest of its line) or a structural one, the syntax
	 * error is almost always a consequence, not news.
	 */
	if (ctx->d->errors > ctx->errors_before)
		return;
	n = parse__expected(ctx, probe, MAX_TOKENS);
	for (i = 0; i < n; i++)
		if (probe[i] == TK_TAG_CLOSE || probe[i] == TK_DIR_END_IF ||
		    probe[i] == TK_DIR_END_EACH)
			want_close = true;

	/* The block ends with markup still open: point at what is open. */
	if (want_close && (major == TK_RBRACE || major == 0) &&
	    parse__open_markup(parser, &open)) {
		if (open.type == TK_TAG_OPEN) {
			struct span nm = tag_name(ctx, open);

			dg = diag_error(ctx->d, "E0215", open.off, open.len,
					"element <%.*s> is not closed",
					(int)nm.len, ctx->text + nm.off);
			diag_set_help(ctx->d, dg,
				      "add </%.*s> before the end "
				      "of the block",
				      (int)nm.len, ctx->text + nm.off);
		} else {
			bool each = open.type == TK_DIR_EACH;

			dg = diag_error(ctx->d, "E0215", open.off, open.len,
					"%s block is not closed",
					each ? "{#each}" : "{#if}");
			diag_set_help(ctx->d, dg,
				      "add %s before the end of the "
				      "block",
				      each ? "{/each}" : "{/if}");
		}
		return;
	}
	if (major == TK_TAG_CLOSE) {
		struct span nm = tag_name(ctx, tok);

		diag_error(
		    ctx->d, "E0216", tok.off, tok.len,
		    "closing tag </%.*s> does not close any open element",
		    (int)nm.len, ctx->text + nm.off);
		return;
	}
	if (major == TK_DIR_ELSEIF || major == TK_DIR_ELSE ||
	    major == TK_DIR_END_IF || major == TK_DIR_END_EACH) {
		bool each = major == TK_DIR_END_EACH;

		dg = diag_error(ctx->d, "E0218", tok.off, tok.len,
				"%s without a matching %s here",
				directive_text(major),
				each ? "{#each}" : "{#if}");
		if (parse__open_markup(parser, &open) &&
		    open.type == TK_TAG_OPEN) {
			struct span nm = tag_name(ctx, open);

			diag_set_help(ctx->d, dg, "close <%.*s> first",
				      (int)nm.len, ctx->text + nm.off);
		}
		return;
	}

	exp = expected_text(ctx);
	if (major == 0) {
		uint32_t at = ctx->has_last ? ctx->prev_end : 0;

		if (exp)
			diag_error(ctx->d, "E0202", at, 0,
				   "unexpected end of input; expected %s", exp);
		else
			diag_error(ctx->d, "E0202", at, 0,
				   "unexpected end of input");
		return;
	}
	{
		struct span f = token_focus(ctx, tok);

		if (exp)
			diag_error(ctx->d, "E0201", f.off, f.len,
				   "unexpected %s; expected %s",
				   describe(ctx, tok), exp);
		else
			diag_error(ctx->d, "E0201", f.off, f.len,
				   "unexpected %s", describe(ctx, tok));
	}
}

void
parse__overflow(struct parse_ctx *ctx)
{
	if (ctx->stop)
		return;
	ctx->stop = true;
	diag_error(ctx->d, "E0211", ctx->cur.off, ctx->cur.len,
		   "nesting too deep");
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

struct span
parse__span(uint32_t off, uint32_t end)
{
	struct span s;

	s.off = off;
	s.len = end > off ? end - off : 0;
	return s;
}

uint32_t
parse__tok_end(struct token t)
{
	return t.off + t.len;
}

static uint32_t
span_end(struct span s)
{
	return s.off + s.len;
}

void *
parse__new(struct parse_ctx *ctx, size_t size)
{
	return arena_alloc(ctx->a, size);
}

struct pname
parse__name(struct parse_ctx *ctx, struct token t)
{
	struct pname n;

	n.sp.off = t.off;
	n.sp.len = t.len;
	n.s = intern_get(ctx->in, ctx->text + t.off, t.len);
	return n;
}

static bool
span_is(const struct parse_ctx *ctx, struct span s, const char *word)
{
	size_t n = strlen(word);

	return s.len == n && memcmp(ctx->text + s.off, word, n) == 0;
}

/* The text between a string's quotes (an unterminated string has only the
 * opening one). Spans without quotes (bare attribute words) stay whole. */
struct span
parse__str_inner(struct parse_ctx *ctx, struct token t)
{
	const char *s = ctx->text + t.off;
	char q;

	if (t.len == 0 || (s[0] != '"' && s[0] != '\''))
		return parse__span(t.off, t.off + t.len);
	q = s[0];
	if (t.len >= 2 && s[t.len - 1] == q)
		return parse__span(t.off + 1, t.off + t.len - 1);
	return parse__span(t.off + 1, t.off + t.len);
}

struct ast_unit *
parse__unit(struct parse_ctx *ctx, enum unit_kind kind, struct pname name)
{
	struct ast_unit *u = parse__new(ctx, sizeof(*u));

	u->kind = kind;
	u->name = name.s;
	u->name_span = name.sp;
	switch (kind) {
	case UNIT_ENTITY:
		u->u.entity = parse__new(ctx, sizeof(*u->u.entity));
		u->u.entity->name = name.s;
		u->u.entity->name_span = name.sp;
		break;
	case UNIT_DESIGN:
		u->u.design = parse__new(ctx, sizeof(*u->u.design));
		u->u.design->keyword_span = name.sp;
		break;
	case UNIT_PAGE:
	case UNIT_COMPONENT:
	case UNIT_STORE:
		u->u.view = parse__new(ctx, sizeof(*u->u.view));
		u->u.view->name = name.s;
		u->u.view->name_span = name.sp;
		break;
	case UNIT_WORKFLOW:
		u->u.workflow = parse__new(ctx, sizeof(*u->u.workflow));
		u->u.workflow->name = name.s;
		u->u.workflow->name_span = name.sp;
		break;
	case UNIT_UPLOAD:
		u->u.upload = parse__new(ctx, sizeof(*u->u.upload));
		u->u.upload->name = name.s;
		u->u.upload->name_span = name.sp;
		break;
	case UNIT_ALIAS:
		u->u.alias = parse__new(ctx, sizeof(*u->u.alias));
		u->u.alias->name = name.s;
		u->u.alias->name_span = name.sp;
		break;
	case UNIT_KIND_COUNT:
		break;
	}
	ctx->unit = u;
	return u;
}

/* A diagnostic for something written twice, with a note at the first. */
static void
duplicate(struct parse_ctx *ctx, const char *code, struct span at,
	  struct span first, const char *what)
{
	struct diag *dg =
	    diag_error(ctx->d, code, at.off, at.len, "duplicate %s", what);

	diag_set_related(ctx->d, dg, ctx->d->unit, first.off, first.len,
			 "first written here");
}

/* ------------------------------------------------------------------ */
/* Expressions, types, statements                                     */
/* ------------------------------------------------------------------ */

struct ast_expr *
parse__expr(struct parse_ctx *ctx, enum expr_kind kind, uint32_t off,
	    uint32_t end)
{
	struct ast_expr *e = parse__new(ctx, sizeof(*e));

	e->kind = kind;
	e->span = parse__span(off, end);
	return e;
}

struct ast_expr *
parse__lit(struct parse_ctx *ctx, enum expr_kind kind, struct token t)
{
	struct ast_expr *e = parse__expr(ctx, kind, t.off, t.off + t.len);

	switch (kind) {
	case EXPR_IDENT:
		e->name = intern_get(ctx->in, ctx->text + t.off, t.len);
		e->name_span = e->span;
		break;
	case EXPR_STRING:
		e->str = parse__str_inner(ctx, t);
		break;
	case EXPR_HEX:
		e->str =
		    t.len > 0 ? parse__span(t.off + 1, t.off + t.len) : e->span;
		break;
	default:
		e->num = t.num;
		break;
	}
	return e;
}

struct ast_expr *
parse__unary(struct parse_ctx *ctx, enum expr_op op, struct token k,
	     struct ast_expr *e)
{
	struct ast_expr *u =
	    parse__expr(ctx, EXPR_UNARY, k.off, span_end(e->span));

	u->op = op;
	u->a = e;
	return u;
}

struct ast_expr *
parse__binary(struct parse_ctx *ctx, enum expr_kind kind, enum expr_op op,
	      struct ast_expr *l, struct ast_expr *r)
{
	struct ast_expr *e =
	    parse__expr(ctx, kind, l->span.off, span_end(r->span));

	e->op = op;
	e->a = l;
	e->b = r;
	return e;
}

struct ast_expr *
parse__member(struct parse_ctx *ctx, struct ast_expr *obj, struct token name,
	      bool optional)
{
	struct ast_expr *e =
	    parse__expr(ctx, EXPR_MEMBER, obj->span.off, name.off + name.len);

	e->a = obj;
	e->name = intern_get(ctx->in, ctx->text + name.off, name.len);
	e->name_span = parse__span(name.off, name.off + name.len);
	e->optional_chain = optional;
	return e;
}

struct ast_arg *
parse__arg(struct parse_ctx *ctx, const struct pname *name,
	   struct ast_expr *value)
{
	struct ast_arg *g = parse__new(ctx, sizeof(*g));

	if (name) {
		g->name = name->s;
		g->name_span = name->sp;
	}
	g->value = value;
	return g;
}

struct ast_param *
parse__param(struct parse_ctx *ctx, struct pname name, struct ast_type *type,
	     struct ast_expr *init)
{
	struct ast_param *p = parse__new(ctx, sizeof(*p));
	uint32_t end = span_end(name.sp);

	p->name = name.s;
	p->name_span = name.sp;
	if (type) {
		p->has_type = true;
		p->type = *type;
		end = span_end(type->span);
	}
	if (init) {
		p->init = init;
		end = span_end(init->span);
	}
	p->span = parse__span(name.sp.off, end);
	return p;
}

/*
 * `T?` is optional. A `?` inside a list (`T?[]`, `list of T?`) is kept as
 * optional_in_list instead: optional elements, which fields reject.
 */
struct ast_type *
parse__type(struct parse_ctx *ctx, struct pname name, bool optional, bool list,
	    uint32_t off)
{
	struct ast_type *t = parse__new(ctx, sizeof(*t));

	t->span = parse__span(off, PARSE_END(ctx));
	t->name = name.s;
	t->name_span = name.sp;
	t->list = list;
	if (list)
		t->optional_in_list = optional;
	else
		t->optional = optional;
	return t;
}

struct ast_stmt *
parse__stmt(struct parse_ctx *ctx, enum stmt_kind kind, uint32_t off)
{
	struct ast_stmt *s = parse__new(ctx, sizeof(*s));

	s->kind = kind;
	s->span = parse__span(off, PARSE_END(ctx));
	return s;
}

/* ------------------------------------------------------------------ */
/* Data model                                                         */
/* ------------------------------------------------------------------ */

struct ast_attr *
parse__attr(struct parse_ctx *ctx, struct token start, struct pname name,
	    bool paren_form, bool has_parens, struct ast_arg *args)
{
	struct ast_attr *a = parse__new(ctx, sizeof(*a));

	a->span = parse__span(start.off, PARSE_END(ctx));
	a->name = name.s;
	a->name_span = name.sp;
	a->paren_form = paren_form;
	a->has_parens = has_parens;
	a->args = args;
	return a;
}

/*
 * @name(args). `@unique (default: 3)` mixes the two attribute forms: when
 * space separates the name from `(` and the parentheses hold one item of
 * the legacy shape (`word` or `word: value`), that item is a legacy
 * attribute of its own and the result is a chain of two attributes.
 */
struct ast_attr *
parse__at_attr(struct parse_ctx *ctx, struct token at, struct pname name,
	       struct token lparen, struct ast_arg *args)
{
	struct ast_attr *a, *legacy;
	struct pname ln;

	if (lparen.off == span_end(name.sp) || !args || args->next ||
	    args->spread || (!args->name && args->value->kind != EXPR_IDENT))
		return parse__attr(ctx, at, name, false, true, args);
	a = parse__attr(ctx, at, name, false, false, NULL);
	a->span = parse__span(at.off, span_end(name.sp));
	if (args->name) {
		ln.s = args->name;
		ln.sp = args->name_span;
	} else {
		ln.s = args->value->name;
		ln.sp = args->value->span;
		args = NULL;
	}
	legacy = parse__attr(ctx, lparen, ln, true, false, args);
	if (args)
		args->name = NULL;
	a->next = legacy;
	return a;
}

void
parse__entity_field(struct parse_ctx *ctx, struct pname name,
		    struct ast_type *type, struct ast_attr *attrs)
{
	struct ast_entity *e = ctx->unit->u.entity;
	struct ast_field *f = parse__new(ctx, sizeof(*f));

	f->name = name.s;
	f->name_span = name.sp;
	f->span = parse__span(name.sp.off, PARSE_END(ctx));
	f->type = *type;
	f->attrs = attrs;
	if (ctx->field_tail)
		ctx->field_tail->next = f;
	else
		e->fields = f;
	ctx->field_tail = f;
}

void
parse__entity_relation(struct parse_ctx *ctx, struct pname name,
		       struct token kind, struct ast_relation *r)
{
	struct ast_entity *e = ctx->unit->u.entity;

	r->name = name.s;
	r->name_span = name.sp;
	r->span = parse__span(name.sp.off, PARSE_END(ctx));
	r->kind = kind.type == TK_HAS_MANY  ? REL_HAS_MANY
		  : kind.type == TK_HAS_ONE ? REL_HAS_ONE
					    : REL_BELONGS_TO;
	r->kind_span = parse__span(kind.off, kind.off + kind.len);
	if (ctx->rel_tail)
		ctx->rel_tail->next = r;
	else
		e->relations = r;
	ctx->rel_tail = r;
}

void
parse__rel_option(struct parse_ctx *ctx, struct ast_relation *r,
		  struct token kw, struct pname value)
{
	struct span at = parse__span(kw.off, kw.off + kw.len);

	if (kw.type == TK_ON_DELETE) {
		if (r->on_delete) {
			duplicate(ctx, "E0222", at, r->on_delete_span,
				  "on_delete clause");
			return;
		}
		r->on_delete = value.s;
		r->on_delete_span = value.sp;
	} else {
		if (r->inverse) {
			duplicate(ctx, "E0222", at, r->inverse_span,
				  "inverse clause");
			return;
		}
		r->inverse = value.s;
		r->inverse_span = value.sp;
	}
}

/* ------------------------------------------------------------------ */
/* Design tokens                                                      */
/* ------------------------------------------------------------------ */

struct ast_dtoken *
parse__dtoken(struct parse_ctx *ctx, struct pname key, struct token value)
{
	struct ast_dtoken *t = parse__new(ctx, sizeof(*t));

	t->key = key.s;
	t->key_span = key.sp;
	switch (value.type) {
	case TK_STRING:
		t->kind = DTOK_STRING;
		t->value = parse__str_inner(ctx, value);
		break;
	case TK_HEX:
		t->kind = DTOK_HEX;
		t->value = parse__span(value.off, value.off + value.len);
		break;
	default:
		t->kind = DTOK_NUMBER;
		t->value = parse__span(value.off, value.off + value.len);
		t->num = value.num;
		break;
	}
	return t;
}

/* ------------------------------------------------------------------ */
/* Pages, components, stores                                          */
/* ------------------------------------------------------------------ */

static void
add_state(struct parse_ctx *ctx, struct ast_param *p)
{
	struct ast_view *v = ctx->unit->u.view;

	if (ctx->state_tail)
		ctx->state_tail->next = p;
	else
		v->state = p;
	ctx->state_tail = p;
	while (ctx->state_tail->next)
		ctx->state_tail = ctx->state_tail->next;
}

void
parse__view_member_state(struct parse_ctx *ctx, struct token kw,
			 struct param_list list)
{
	struct ast_view *v = ctx->unit->u.view;

	if (!v->has_state) {
		v->has_state = true;
		v->state_span = parse__span(kw.off, PARSE_END(ctx));
	}
	if (list.head)
		add_state(ctx, list.head);
}

void
parse__view_state_decl(struct parse_ctx *ctx, struct ast_param *p)
{
	struct ast_view *v = ctx->unit->u.view;

	if (!v->has_state) {
		v->has_state = true;
		v->state_span = p->span;
	}
	add_state(ctx, p);
}

void
parse__view_param(struct parse_ctx *ctx, struct token kw, struct ast_param *p)
{
	struct ast_view *v = ctx->unit->u.view;

	p->span = parse__span(kw.off, PARSE_END(ctx));
	if (ctx->param_tail)
		ctx->param_tail->next = p;
	else
		v->params = p;
	ctx->param_tail = p;
}

void
parse__view_action(struct parse_ctx *ctx, struct token kw, struct pname name,
		   struct param_list params, struct ast_stmt *body)
{
	struct ast_view *v = ctx->unit->u.view;
	struct ast_action *a = parse__new(ctx, sizeof(*a));

	a->name = name.s;
	a->name_span = name.sp;
	a->span = parse__span(kw.off, PARSE_END(ctx));
	a->params = params.head;
	a->body = body;
	if (ctx->action_tail)
		ctx->action_tail->next = a;
	else
		v->actions = a;
	ctx->action_tail = a;
}

/* on load / on unload; `kwspan` is what a duplicate points at. */
static void
set_on(struct parse_ctx *ctx, bool unload, uint32_t off, struct span kwspan,
       struct ast_stmt *body)
{
	struct ast_view *v = ctx->unit->u.view;

	if (unload) {
		if (v->has_on_unload) {
			duplicate(ctx, "E0212", kwspan, ctx->kw_unload,
				  "`on unload` block");
			return;
		}
		v->has_on_unload = true;
		v->on_unload_span = parse__span(off, PARSE_END(ctx));
		v->on_unload = body;
		ctx->kw_unload = kwspan;
		return;
	}
	if (v->has_on_load) {
		duplicate(ctx, "E0212", kwspan, ctx->kw_load,
			  "`on load` block");
		return;
	}
	v->has_on_load = true;
	v->on_load_span = parse__span(off, PARSE_END(ctx));
	v->on_load = body;
	ctx->kw_load = kwspan;
}

void
parse__view_on(struct parse_ctx *ctx, struct token kw, struct token which,
	       struct ast_stmt *body)
{
	set_on(ctx, which.type == TK_UNLOAD, kw.off,
	       parse__span(kw.off, which.off + which.len), body);
}

void
parse__view_bad_member(struct parse_ctx *ctx, struct token name,
		       struct ast_stmt *body)
{
	struct span at = parse__span(name.off, name.off + name.len);
	struct diag *dg;

	if (span_is(ctx, at, "on_load")) {
		dg = diag_error(ctx->d, "E0210", at.off, at.len,
				"`on_load` is not a member");
		diag_set_help(ctx->d, dg, "write `on load` (two words)");
		/* Keep the body so later checks see the page as written. */
		set_on(ctx, false, name.off, at, body);
		return;
	}
	dg =
	    diag_error(ctx->d, "E0213", at.off, at.len, "unknown member `%.*s`",
		       (int)at.len, ctx->text + at.off);
	diag_set_help(ctx->d, dg,
		      "members are state, param, action, "
		      "on load, on unload, ui and style_override");
}

void
parse__view_ui(struct parse_ctx *ctx, struct token kw, struct ast_ui *nodes)
{
	struct ast_view *v = ctx->unit->u.view;
	struct span at = parse__span(kw.off, kw.off + kw.len);

	nodes = parse__ui_finish(ctx, nodes, false);
	if (v->has_ui) {
		duplicate(ctx, "E0212", at, ctx->kw_ui, "ui block");
		return;
	}
	v->has_ui = true;
	v->ui_span = parse__span(kw.off, PARSE_END(ctx));
	v->ui = nodes;
	ctx->kw_ui = at;
}

void
parse__view_style(struct parse_ctx *ctx, struct token kw, struct token css,
		  bool legacy)
{
	struct ast_view *v = ctx->unit->u.view;
	struct span at = parse__span(kw.off, kw.off + kw.len);

	if (v->has_style) {
		duplicate(ctx, "E0212", at, ctx->kw_style,
			  "style_override block");
		return;
	}
	v->has_style = true;
	v->legacy_style = legacy;
	v->style_span = parse__span(kw.off, PARSE_END(ctx));
	v->style_text = parse__span(css.off, css.off + css.len);
	ctx->kw_style = at;
}

/* ------------------------------------------------------------------ */
/* UI markup                                                          */
/* ------------------------------------------------------------------ */

struct ast_ui *
parse__ui_text(struct parse_ctx *ctx, struct token t)
{
	const char *s = ast_jsx_text(ctx->a, ctx->text + t.off, t.len);
	struct ast_ui *n;

	if (!s)
		return NULL;
	n = parse__new(ctx, sizeof(*n));
	n->kind = UI_TEXT;
	n->span = parse__span(t.off, t.off + t.len);
	n->text = s;
	return n;
}

/* Whether n is text of blanks only (a space kept from within a line). */
static bool
is_blank_text(const struct ast_ui *n)
{
	const char *s;

	if (n->kind != UI_TEXT)
		return false;
	for (s = n->text; *s; s++)
		if (!strchr(" \t\r\f\v", *s))
			return false;
	return true;
}

/*
 * Drops blank text at both ends of a node list. Used on lists that are
 * not the children of a real element (the ui block, {#if}/{:elseif}/
 * {:else}/{#each} bodies, <if>/<elseif>/<else> branches): there a space
 * next to the braces or the directive is layout, not content. Between
 * nodes it stays content (`<b>x</b> {y}`).
 */
static struct ast_ui *
trim_blank_ends(struct ast_ui *list)
{
	struct ast_ui *n, *last = NULL;

	while (list && is_blank_text(list))
		list = list->next;
	for (n = list; n; n = n->next)
		if (!is_blank_text(n))
			last = n;
	if (last)
		last->next = NULL;
	return list;
}

static struct ast_ui *finish_list(struct parse_ctx *ctx, struct ast_ui *list,
				  bool inside_if);

static bool
is_tag(const struct ast_ui *n, const char *name)
{
	return n->kind == UI_ELEMENT && n->tag && strcmp(n->tag->s, name) == 0;
}

static const struct ast_ui_attr *
find_attr(const struct ast_ui *n, const char *name)
{
	const struct ast_ui_attr *a;

	for (a = n->attrs; a; a = a->next)
		if (strcmp(a->name->s, name) == 0)
			return a;
	return NULL;
}

struct ast_ui *
parse__ui_element(struct parse_ctx *ctx, struct token open,
		  struct ast_ui_attr *attrs, struct ast_ui *children,
		  struct token close, bool self_closing)
{
	struct ast_ui *n = parse__new(ctx, sizeof(*n));
	struct span nm = tag_name(ctx, open);

	n->kind = UI_ELEMENT;
	n->span = parse__span(open.off, PARSE_END(ctx));
	n->tag = intern_get(ctx->in, ctx->text + nm.off, nm.len);
	n->tag_span = nm;
	n->attrs = attrs;
	n->self_closing = self_closing;
	if (!self_closing) {
		struct span cn = tag_name(ctx, close);

		if ((cn.len != nm.len ||
		     memcmp(ctx->text + cn.off, ctx->text + nm.off, nm.len)) &&
		    !ctx->tag_mismatch) {
			struct diag *dg;

			/* Later mismatches usually follow from this one. */
			ctx->tag_mismatch = true;
			dg = diag_error(ctx->d, "E0214", close.off, close.len,
					"closing tag </%.*s> does not match "
					"<%.*s>",
					(int)cn.len, ctx->text + cn.off,
					(int)nm.len, ctx->text + nm.off);
			diag_set_related(ctx->d, dg, ctx->d->unit, open.off,
					 open.len, "<%.*s> opened here",
					 (int)nm.len, ctx->text + nm.off);
		}
		n->children = finish_list(ctx, children,
					  strcmp(n->tag->s, "if") == 0);
	}
	if (strcmp(n->tag->s, "slot") == 0) {
		const struct ast_ui_attr *a = find_attr(n, "name");

		n->kind = UI_SLOT;
		if (a && a->kind == AV_STRING)
			n->slot_name = intern_get(
			    ctx->in, ctx->text + a->str.off, a->str.len);
	}
	return n;
}

/* The condition of <if condition={c}> / <elseif ...>; a missing one is
 * reported and replaced by `false` so the tree stays well formed. */
static struct ast_expr *
ui_condition(struct parse_ctx *ctx, struct ast_ui *n)
{
	const struct ast_ui_attr *a = find_attr(n, "condition");
	struct ast_expr *f;

	if (a && a->kind == AV_EXPR && a->expr)
		return a->expr;
	diag_error(ctx->d, "E0220", n->tag_span.off, n->tag_span.len,
		   "<%s> needs condition={...}", n->tag->s);
	f = parse__expr(ctx, EXPR_IDENT, n->tag_span.off,
			span_end(n->tag_span));
	f->name = intern_cstr(ctx->in, "false");
	f->name_span = f->span;
	return f;
}

static struct ast_ui_branch *
ui_branch(struct parse_ctx *ctx, struct ast_ui *n)
{
	struct ast_ui_branch *b = parse__new(ctx, sizeof(*b));

	b->span = n->span;
	b->cond = is_tag(n, "else") ? NULL : ui_condition(ctx, n);
	b->children = trim_blank_ends(n->children);
	return b;
}

/*
 * Turns an <if> element into a UI_IF node. Its first branch holds the
 * children that are not <elseif>/<else> elements; those (written inside
 * the <if>) become the following branches, in order.
 */
static void
ui_make_if(struct parse_ctx *ctx, struct ast_ui *n)
{
	struct ast_ui_branch *first = parse__new(ctx, sizeof(*first));
	struct ast_ui_branch *tail = first;
	struct ui_list keep;
	struct ast_ui *c, *next;
	bool closed = false;

	PARSE_LIST_INIT(keep);
	first->span = n->span;
	first->cond = ui_condition(ctx, n);
	for (c = n->children; c; c = next) {
		next = c->next;
		c->next = NULL;
		if (is_tag(c, "elseif") || is_tag(c, "else")) {
			if (closed) {
				diag_error(ctx->d, "E0219", c->tag_span.off,
					   c->tag_span.len, "<%s> after <else>",
					   c->tag->s);
				continue;
			}
			tail->next = ui_branch(ctx, c);
			tail = tail->next;
			closed = is_tag(c, "else");
			continue;
		}
		PARSE_LIST_ADD(keep, c);
	}
	first->children = trim_blank_ends(keep.head);
	n->kind = UI_IF;
	n->branches = first;
	n->children = NULL;
	n->attrs = NULL;
}

/*
 * Finishes a list of sibling nodes: <if> elements become UI_IF nodes and
 * swallow the <elseif>/<else> siblings that follow them. Lists inside an
 * <if> element keep their unattached <elseif>/<else> for the <if> itself.
 * Children lists are finished when their parent is reduced, so no pass
 * ever recurses.
 */
static struct ast_ui *
finish_list(struct parse_ctx *ctx, struct ast_ui *list, bool inside_if)
{
	struct ui_list out;
	struct ast_ui *n, *next;
	struct ast_ui *chain = NULL; /* UI_IF still open for branches */
	struct ast_ui_branch *last = NULL;

	PARSE_LIST_INIT(out);
	for (n = list; n; n = next) {
		next = n->next;
		n->next = NULL;
		if (is_tag(n, "if")) {
			ui_make_if(ctx, n);
			PARSE_LIST_ADD(out, n);
			chain = n;
			for (last = n->branches; last->next; last = last->next)
				;
			if (!last->cond && last != n->branches)
				chain = NULL;
			continue;
		}
		if (is_tag(n, "elseif") || is_tag(n, "else")) {
			if (chain) {
				last->next = ui_branch(ctx, n);
				last = last->next;
				chain->span = parse__span(chain->span.off,
							  span_end(n->span));
				if (!last->cond)
					chain = NULL;
				continue;
			}
			if (!inside_if)
				diag_error(ctx->d, "E0219", n->tag_span.off,
					   n->tag_span.len,
					   "<%s> without a preceding <if>",
					   n->tag->s);
			PARSE_LIST_ADD(out, n);
			continue;
		}
		if (chain && is_blank_text(n)) {
			/* `</if> <else>`: the blank between the arms of a
			 * chain is layout. */
			const struct ast_ui *m = next;

			while (m && is_blank_text(m))
				m = m->next;
			if (m && (is_tag(m, "elseif") || is_tag(m, "else")))
				continue;
		}
		chain = NULL;
		PARSE_LIST_ADD(out, n);
	}
	return out.head;
}

/* The ui block's roots and directive bodies: finished, and without blank
 * text at either end. */
struct ast_ui *
parse__ui_finish(struct parse_ctx *ctx, struct ast_ui *list, bool inside_if)
{
	return trim_blank_ends(finish_list(ctx, list, inside_if));
}

struct ast_ui_attr *
parse__ui_attr(struct parse_ctx *ctx, struct token name,
	       enum attr_value_kind kind, struct token value,
	       struct ast_expr *expr)
{
	struct ast_ui_attr *a = parse__new(ctx, sizeof(*a));

	a->name = intern_get(ctx->in, ctx->text + name.off, name.len);
	a->name_span = parse__span(name.off, name.off + name.len);
	a->span = parse__span(name.off, PARSE_END(ctx));
	a->kind = kind;
	if (kind == AV_STRING)
		a->str = parse__str_inner(ctx, value);
	a->expr = expr;
	if (strcmp(a->name->s, "for:each") == 0 && kind != AV_EACH) {
		struct diag *dg =
		    diag_error(ctx->d, "E0217", a->span.off, a->span.len,
			       "for:each needs `item in list`");

		diag_set_help(ctx->d, dg, "write for:each={item in items}");
	}
	return a;
}

struct ast_ui_attr *
parse__ui_each_attr(struct parse_ctx *ctx, struct token name, struct pname var,
		    const struct pname *index, struct ast_expr *iterable)
{
	struct ast_ui_attr *a = parse__new(ctx, sizeof(*a));

	a->name = intern_get(ctx->in, ctx->text + name.off, name.len);
	a->name_span = parse__span(name.off, name.off + name.len);
	a->span = parse__span(name.off, PARSE_END(ctx));
	a->kind = AV_EACH;
	a->expr = iterable;
	a->each_var = var.s;
	a->each_var_span = var.sp;
	a->each_index = index ? index->s : NULL;
	if (strcmp(a->name->s, "for:each") != 0)
		diag_error(ctx->d, "E0217", a->span.off, a->span.len,
			   "`item in list` is only valid as the value of "
			   "for:each");
	return a;
}

/* ------------------------------------------------------------------ */
/* Workflows                                                          */
/* ------------------------------------------------------------------ */

void
parse__wf_section(struct parse_ctx *ctx, struct token kw, bool *has,
		  struct span *span)
{
	struct span at = parse__span(kw.off, kw.off + kw.len);

	if (*has) {
		const char *what = arena_printf(
		    ctx->a, "`%.*s` section", (int)at.len, ctx->text + at.off);

		duplicate(ctx, "E0212", at,
			  parse__span(span->off, span->off + at.len), what);
		return;
	}
	*has = true;
	*span = parse__span(kw.off, PARSE_END(ctx));
}

struct span
parse__trimmed_inner(struct parse_ctx *ctx, struct token lb, struct token rb)
{
	uint32_t b = lb.off + lb.len, e = rb.off;

	while (b < e && strchr(" \t\r\n", ctx->text[b]))
		b++;
	while (e > b && strchr(" \t\r\n", ctx->text[e - 1]))
		e--;
	return parse__span(b, e);
}

struct ast_step *
parse__step(struct parse_ctx *ctx, enum step_kind kind, struct token kw)
{
	struct ast_step *s = parse__new(ctx, sizeof(*s));

	s->kind = kind;
	s->span = parse__span(kw.off, PARSE_END(ctx));
	s->keyword_span = parse__span(kw.off, kw.off + kw.len);
	return s;
}

/* ------------------------------------------------------------------ */
/* Uploads                                                            */
/* ------------------------------------------------------------------ */

void
parse__upload_clause(struct parse_ctx *ctx, struct ast_upload_field *f,
		     struct token kw, struct token value)
{
	struct span at = parse__span(kw.off, kw.off + kw.len);
	struct span v = parse__span(value.off, value.off + value.len);

	switch (kw.type) {
	case TK_MAXSIZE:
		if (f->has_max_size) {
			duplicate(ctx, "E0222", at, f->max_size_span,
				  "maxSize clause");
			return;
		}
		f->has_max_size = true;
		f->max_size = value.num;
		f->max_size_span = v;
		break;
	case TK_MAXCOUNT:
		if (f->has_max_count) {
			duplicate(ctx, "E0222", at, f->max_count_span,
				  "maxCount clause");
			return;
		}
		f->has_max_count = true;
		f->max_count = value.num;
		f->max_count_span = v;
		break;
	case TK_MIME:
		if (f->has_mime) {
			struct diag *dg =
			    diag_error(ctx->d, "E0222", at.off, at.len,
				       "duplicate mime clause");
			(void)dg;
			return;
		}
		f->has_mime = true;
		break;
	default:
		f->required = true;
		break;
	}
}

struct ast_mime *
parse__mime(struct parse_ctx *ctx, struct mime_run run)
{
	struct ast_mime *m = parse__new(ctx, sizeof(*m));

	m->span = parse__span(run.off, run.end);
	m->text = arena_strndup(ctx->a, ctx->text + run.off, run.end - run.off);
	if (run.gap) {
		struct diag *dg =
		    diag_error(ctx->d, "E0221", run.off, run.end - run.off,
			       "MIME type `%s` contains spaces", m->text);

		diag_set_help(ctx->d, dg,
			      "write it without spaces, or quote "
			      "it: \"image/png\"");
	}
	return m;
}

struct ast_mime *
parse__mime_string(struct parse_ctx *ctx, struct token t)
{
	struct ast_mime *m = parse__new(ctx, sizeof(*m));
	struct span in = parse__str_inner(ctx, t);

	m->span = parse__span(t.off, t.off + t.len);
	m->text = arena_strndup(ctx->a, ctx->text + in.off, in.len);
	return m;
}

/*
 * `store` starts a store clause (kw STORE, value empty), `store: local`
 * names its strategy, then strategy/path/naming fill it. Only the first
 * store clause counts; a second one is reported and its settings ignored.
 */
void
parse__upload_store(struct parse_ctx *ctx, struct token kw, struct pname value)
{
	struct ast_upload *u = ctx->unit->u.upload;
	struct span at = parse__span(kw.off, kw.off + kw.len);

	switch (kw.type) {
	case TK_STORE:
		if (u->has_store) {
			duplicate(ctx, "E0222", at,
				  parse__span(u->store_span.off,
					      u->store_span.off + at.len),
				  "store clause");
			ctx->store_ignored = true;
			return;
		}
		u->has_store = true;
		u->store_span = parse__span(kw.off, PARSE_END(ctx));
		ctx->store_ignored = false;
		return;
	case TK_STRATEGY:
		if (ctx->store_ignored)
			return;
		if (u->strategy) {
			duplicate(ctx, "E0222", at, u->strategy_span,
				  "strategy clause");
			return;
		}
		u->strategy = value.s;
		u->strategy_span = value.sp;
		return;
	case TK_NAMING:
		if (ctx->store_ignored)
			return;
		if (u->naming) {
			duplicate(ctx, "E0222", at, u->naming_span,
				  "naming clause");
			return;
		}
		u->naming = value.s;
		u->naming_span = value.sp;
		return;
	default:
		if (ctx->store_ignored)
			return;
		if (u->has_path) {
			duplicate(ctx, "E0222", at, u->path, "path clause");
			return;
		}
		u->has_path = true;
		u->path = value.sp;
		return;
	}
}

void
parse__upload_store_done(struct parse_ctx *ctx)
{
	struct ast_upload *u = ctx->unit->u.upload;

	if (!ctx->store_ignored)
		u->store_span = parse__span(u->store_span.off, PARSE_END(ctx));
	ctx->store_ignored = false;
}
