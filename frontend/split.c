/*
 * split.c - cuts a source file into units (one per top-level declaration,
 * per entity of a database block, per section of a design_system block)
 * using only the lexer and brace matching, never the parser. Each unit is
 * then parsed, hashed and cached on its own, so the cut must not depend on
 * anything but the unit's own bytes and the braces around it.
 *
 * File-level diagnostics (unit = UINT32_MAX, offsets in the file):
 *   E0111  tokens at top level that do not start a declaration
 *   E0112  something other than an entity inside `database { }`
 *   E0113  an unknown section or stray tokens inside `design_system { }`
 *   E0114  `database` or `design_system` not followed by '{'
 *   E0115  a '{' not closed before the next declaration (column-1 cut)
 *   E0116  a '{' not closed before the end of the file
 *   E0117-E0119 are reserved for the splitter.
 * Lexical errors found outside every unit are passed on as well; those
 * inside a unit are left to the parser, which lexes the unit again.
 */
#include <stdio.h>
#include <string.h>

#include "frontend.h"
#include "parser.h"

enum ctx { CTX_TOP, CTX_DB, CTX_DS };

struct splitter {
	const char *text;
	uint32_t len;
	struct lexer lx;
	struct token cur;        /* the token being looked at */
	struct token next;       /* one token of look-ahead */
	uint32_t prev_end;       /* end of the token before cur */
	struct diag_list *d;     /* file-level diagnostics (may be NULL) */
	struct unit_src *v;
	size_t n;
	size_t cap;
	uint32_t line_pos;       /* line_no is the line of byte line_pos */
	uint32_t line_no;
	uint32_t line_start;
};

static void
advance(struct splitter *s)
{
	s->prev_end = s->cur.off + s->cur.len;
	s->cur = s->next;
	if (s->next.type != 0)
		lex_next(&s->lx, &s->next);
}

/* IDENT or any keyword: keywords fall back to IDENT in the grammar, so
 * they are names too. The keyword tokens are contiguous in parser.y. */
static bool
is_word(int type)
{
	return type == TK_IDENT || (type >= TK_DATABASE && type <= TK_NAMING);
}

static bool
is_opener(int type)
{
	/* Directives open an expression that an RBRACE closes. */
	return type == TK_LBRACE || type == TK_DIR_IF ||
	       type == TK_DIR_ELSEIF || type == TK_DIR_EACH;
}

/* The declaration keywords that end a unit at column 1 (at_col1_decl). */
static bool
is_col1_keyword(int type)
{
	switch (type) {
	case TK_PAGE:
	case TK_COMPONENT:
	case TK_STORE:
	case TK_WORKFLOW:
	case TK_UPLOAD:
	case TK_DATABASE:
	case TK_DESIGN_SYSTEM:
		return true;
	default:
		return false;
	}
}

static bool
is_top_keyword(int type)
{
	switch (type) {
	case TK_PAGE:
	case TK_COMPONENT:
	case TK_STORE:
	case TK_WORKFLOW:
	case TK_UPLOAD:
	case TK_TYPE:
	case TK_DATABASE:
	case TK_DESIGN_SYSTEM:
		return true;
	default:
		return false;
	}
}

static bool
is_section_keyword(int type)
{
	return type == TK_COLORS || type == TK_TYPOGRAPHY ||
	       type == TK_SPACING || type == TK_RADII || type == TK_SHADOWS;
}

static bool
at_line_start(const struct splitter *s, uint32_t off)
{
	return off == 0 || s->text[off - 1] == '\n';
}

/* The recovery point for an unclosed '{': a declaration keyword in column
 * 1 followed by a name or '{' (TOKENS.md; the lexer pops open markup at
 * the same lines). */
static inline bool
at_col1_decl(const struct splitter *s)
{
	return is_col1_keyword(s->cur.type) && at_line_start(s, s->cur.off) &&
	       (is_word(s->next.type) || s->next.type == TK_LBRACE);
}

/* Line and column of off. Offsets asked for only grow, so counting from
 * the last answer keeps the whole split linear. */
static void
line_col(struct splitter *s, uint32_t off, uint32_t *line, uint32_t *col)
{
	const char *p, *nl;

	if (off < s->line_pos) {
		s->line_pos = 0;
		s->line_no = 1;
		s->line_start = 0;
	}
	p = s->text + s->line_pos;
	while ((nl = memchr(p, '\n', (size_t)(s->text + off - p))) != NULL) {
		s->line_no++;
		p = nl + 1;
		s->line_start = (uint32_t)(p - s->text);
	}
	s->line_pos = off;
	*line = s->line_no;
	*col = off - s->line_start + 1;
}

static struct diag *
file_error(struct splitter *s, const char *code, uint32_t off, uint32_t len,
	   const char *fmt, ...) BASE_PRINTF(5, 6);

static struct diag *
file_error(struct splitter *s, const char *code, uint32_t off, uint32_t len,
	   const char *fmt, ...)
{
	struct diag *dg;
	uint32_t saved;
	va_list ap;

	if (!s->d)
		return NULL;
	saved = s->d->unit;
	s->d->unit = UINT32_MAX;
	va_start(ap, fmt);
	dg = diag_vadd(s->d, DIAG_ERROR, code, off, len, fmt, ap);
	va_end(ap);
	s->d->unit = saved;
	return dg;
}

/* "'foo'" for a name, the token's spelling for the rest. Returned text
 * lives in buf. */
static const char *
describe(const struct splitter *s, const struct token *t, char *buf,
	 size_t size)
{
	if (t->type == TK_IDENT) {
		snprintf(buf, size, "'%.*s'", t->len > 40 ? 40 : (int)t->len,
			 s->text + t->off);
		return buf;
	}
	return lex_token_name(t->type);
}

static uint32_t
trim_end(const struct splitter *s, uint32_t start, uint32_t end)
{
	while (end > start && (s->text[end - 1] == ' ' ||
			       s->text[end - 1] == '\t' ||
			       s->text[end - 1] == '\r' ||
			       s->text[end - 1] == '\n'))
		end--;
	return end;
}

static struct unit_src *
new_unit(struct splitter *s, enum unit_kind kind, uint32_t off)
{
	struct unit_src *u;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	u = &s->v[s->n++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->off = off;
	line_col(s, off, &u->line, &u->col);
	return u;
}

static void
finish_unit(struct splitter *s, struct unit_src *u, uint32_t end)
{
	u->len = end - u->off;
	u->hash = hash_bytes(s->text + u->off, u->len);
}

/* The unit's '{' is still open at a column-1 declaration or at the end:
 * report it and cut the unit there. */
static void
unclosed(struct splitter *s, uint32_t open_off, const char *what)
{
	uint32_t line, col;
	struct diag *dg;
	size_t i;

	/* An unterminated string inside the unit swallows the braces after
	 * it; its own error (E0102, reported by the parser) says all there
	 * is to say, so the brace that is left open is not reported too. */
	for (i = 0; s->lx.diags && i < s->lx.diags->n; i++)
		if (strcmp(s->lx.diags->v[i].code, "E0102") == 0 &&
		    s->lx.diags->v[i].off >= open_off)
			return;
	if (s->cur.type == 0) {
		file_error(s, "E0116", open_off, 1,
			   "this '{'%s is not closed before the end of the "
			   "file", what);
		return;
	}
	line_col(s, s->cur.off, &line, &col);
	dg = file_error(s, "E0115", open_off, 1,
			"this '{'%s is not closed before the next declaration "
			"at line %u", what, (unsigned)line);
	if (dg)
		diag_set_related(s->d, dg, UINT32_MAX, s->cur.off,
				 s->cur.len, "the next declaration starts here");
}

/*
 * One unit: from its keyword through the '}' that matches the first '{'
 * at its level. The header (name, guard) ends early at a '}' or another
 * declaration keyword outside parentheses, giving a unit without a body
 * for the parser to report. Returns false if the unit was cut short by an
 * unclosed brace (the enclosing container is then over too).
 */
static bool
split_unit(struct splitter *s, enum unit_kind kind, enum ctx ctx)
{
	struct unit_src *u = new_unit(s, kind, s->cur.off);
	uint32_t open_off, depth, parens = 0;

	if (kind == UNIT_DESIGN) {
		u->name_off = s->cur.off;
		u->name_len = s->cur.len;
		advance(s);
	} else {
		advance(s);
		if (is_word(s->cur.type) && !at_col1_decl(s)) {
			u->name_off = s->cur.off;
			u->name_len = s->cur.len;
			advance(s);
		}
	}
	for (;;) {
		int t = s->cur.type;

		if (t == TK_LBRACE)
			break;
		if (t == 0 || t == TK_RBRACE ||
		    (parens == 0 &&
		     ((ctx == CTX_TOP && is_top_keyword(t)) ||
		      (ctx == CTX_DB && t == TK_ENTITY) ||
		      (ctx == CTX_DS && is_section_keyword(t)) ||
		      at_col1_decl(s)))) {
			finish_unit(s, u, s->prev_end > u->off ? s->prev_end
							       : u->off);
			return true;
		}
		if (t == TK_LPAREN || t == TK_ARROW_LP)
			parens++;
		else if (t == TK_RPAREN && parens > 0)
			parens--;
		advance(s);
	}
	open_off = s->cur.off;
	depth = 1;
	advance(s);
	for (;;) {
		int t = s->cur.type;

		/* The hot loop of the split: most tokens are none of these. */
		if (t > TK_RBRACE && !is_opener(t) && !is_col1_keyword(t)) {
			advance(s);
			continue;
		}
		if (t == 0 || at_col1_decl(s)) {
			uint32_t end = t == 0 ? s->len : s->cur.off;

			unclosed(s, open_off, "");
			u->truncated = true;
			finish_unit(s, u, trim_end(s, u->off, end));
			return false;
		}
		if (is_opener(t)) {
			depth++;
		} else if (t == TK_RBRACE && --depth == 0) {
			advance(s);
			finish_unit(s, u, s->prev_end);
			return true;
		}
		advance(s);
	}
}

/* Does cur end a run of stray tokens in this context? */
static bool
run_ends(const struct splitter *s, enum ctx ctx)
{
	int t = s->cur.type;

	switch (ctx) {
	case CTX_TOP:
		return is_top_keyword(t);
	case CTX_DB:
		return t == TK_ENTITY || t == TK_RBRACE;
	case CTX_DS:
		return is_section_keyword(t) || t == TK_RBRACE ||
		       (is_word(t) && s->next.type == TK_LBRACE);
	}
	return true;
}

/* Skips a run of tokens that start no unit (the caller reported it),
 * skipping balanced braces. Stops at what may start something in ctx, or
 * inside braces at a column-1 declaration. */
static void
skip_run(struct splitter *s, enum ctx ctx)
{
	uint32_t depth = 0;
	bool first = true;

	for (;;) {
		int t = s->cur.type;

		if (t == 0)
			return;
		if (!first && ((depth == 0 && run_ends(s, ctx)) ||
			       at_col1_decl(s)))
			return;
		if (is_opener(t))
			depth++;
		else if (t == TK_RBRACE && depth > 0)
			depth--;
		else if (t == TK_RBRACE && ctx != CTX_TOP)
			return;
		first = false;
		advance(s);
	}
}

/* An unknown design section: its name and its balanced braces. */
static void
skip_section(struct splitter *s)
{
	uint32_t depth = 0;

	advance(s);
	do {
		if (s->cur.type == 0 || (depth > 0 && at_col1_decl(s)))
			return;
		if (is_opener(s->cur.type))
			depth++;
		else if (s->cur.type == TK_RBRACE)
			depth--;
		advance(s);
	} while (depth > 0);
}

/* `type Name = Target`: the tokens on the keyword's line, up to a brace
 * or another declaration. */
static void
split_alias(struct splitter *s)
{
	struct unit_src *u = new_unit(s, UNIT_ALIAS, s->cur.off);
	uint32_t end;

	advance(s);
	if (is_word(s->cur.type) &&
	    !memchr(s->text + s->prev_end, '\n', s->cur.off - s->prev_end)) {
		u->name_off = s->cur.off;
		u->name_len = s->cur.len;
		advance(s);
	}
	for (;;) {
		int t = s->cur.type;

		if (t == 0 || t == TK_LBRACE || t == TK_RBRACE ||
		    is_top_keyword(t) ||
		    memchr(s->text + s->prev_end, '\n',
			   s->cur.off - s->prev_end))
			break;
		advance(s);
	}
	end = s->prev_end;
	finish_unit(s, u, end);
}

/* `database { entity … }` and `design_system { section … }`. */
static void
split_container(struct splitter *s, enum ctx ctx)
{
	const char *kw = ctx == CTX_DB ? "database" : "design_system";
	const char *what = ctx == CTX_DB ? " of 'database'"
					 : " of 'design_system'";
	char buf[64];
	uint32_t open_off;
	struct diag *dg;

	if (s->next.type != TK_LBRACE) {
		file_error(s, "E0114", s->cur.off, s->cur.len,
			   "expected '{' after '%s'", kw);
		advance(s);
		return;
	}
	advance(s);
	open_off = s->cur.off;
	advance(s);
	for (;;) {
		int t = s->cur.type;

		if (t == 0 || at_col1_decl(s)) {
			unclosed(s, open_off, what);
			return;
		}
		if (t == TK_RBRACE) {
			advance(s);
			return;
		}
		if (ctx == CTX_DB && t == TK_ENTITY) {
			if (!split_unit(s, UNIT_ENTITY, ctx))
				return;
		} else if (ctx == CTX_DS && is_section_keyword(t)) {
			if (!split_unit(s, UNIT_DESIGN, ctx))
				return;
		} else if (ctx == CTX_DS && is_word(t) &&
			   s->next.type == TK_LBRACE) {
			dg = file_error(s, "E0113", s->cur.off, s->cur.len,
					"unknown design_system section '%.*s'",
					(int)s->cur.len, s->text + s->cur.off);
			if (dg)
				diag_set_help(s->d, dg,
					      "the sections are colors, "
					      "typography, spacing, radii and "
					      "shadows");
			skip_section(s);
		} else if (ctx == CTX_DS) {
			file_error(s, "E0113", s->cur.off, s->cur.len,
				   "expected a design_system section (colors, "
				   "typography, spacing, radii or shadows) but "
				   "found %s",
				   describe(s, &s->cur, buf, sizeof(buf)));
			skip_run(s, ctx);
		} else {
			file_error(s, "E0112", s->cur.off, s->cur.len,
				   "only entity declarations may appear inside "
				   "'database', but found %s",
				   describe(s, &s->cur, buf, sizeof(buf)));
			skip_run(s, ctx);
		}
	}
}

static void
stray_top(struct splitter *s)
{
	char buf[64];
	struct diag *dg;

	dg = file_error(s, "E0111", s->cur.off, s->cur.len,
			"expected a declaration (database, design_system, "
			"page, component, store, workflow, upload or type) but "
			"found %s", describe(s, &s->cur, buf, sizeof(buf)));
	if (dg && s->cur.type == TK_ENTITY)
		diag_set_help(s->d, dg,
			      "entities are declared inside 'database { }'");
	else if (dg && is_section_keyword(s->cur.type))
		diag_set_help(s->d, dg,
			      "design sections go inside 'design_system { }'");
	skip_run(s, CTX_TOP);
}

static bool
inside_unit(const struct splitter *s, uint32_t off)
{
	size_t lo = 0, hi = s->n;

	/* Units are in source order and do not overlap. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct unit_src *u = &s->v[mid];

		if (off < u->off)
			hi = mid;
		else if (off >= u->off + u->len)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

void
split_file(const char *text, size_t len, struct unit_src **out, size_t *n,
	   struct diag_list *d)
{
	struct splitter s;
	struct diag_list lexd;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.text = text;
	s.d = d;
	s.line_no = 1;
	if (d) {
		diag_list_init(&lexd, d->arena);
		lexd.unit = UINT32_MAX;
	}
	lex_init(&s.lx, text, len, d ? &lexd : NULL);
	s.len = s.lx.len;
	lex_next(&s.lx, &s.cur);
	if (s.cur.type != 0)
		lex_next(&s.lx, &s.next);
	while (s.cur.type != 0) {
		switch (s.cur.type) {
		case TK_PAGE:
			split_unit(&s, UNIT_PAGE, CTX_TOP);
			break;
		case TK_COMPONENT:
			split_unit(&s, UNIT_COMPONENT, CTX_TOP);
			break;
		case TK_STORE:
			split_unit(&s, UNIT_STORE, CTX_TOP);
			break;
		case TK_WORKFLOW:
			split_unit(&s, UNIT_WORKFLOW, CTX_TOP);
			break;
		case TK_UPLOAD:
			split_unit(&s, UNIT_UPLOAD, CTX_TOP);
			break;
		case TK_TYPE:
			split_alias(&s);
			break;
		case TK_DATABASE:
			split_container(&s, CTX_DB);
			break;
		case TK_DESIGN_SYSTEM:
			split_container(&s, CTX_DS);
			break;
		default:
			stray_top(&s);
			break;
		}
	}
	if (d) {
		uint32_t saved = d->unit;

		d->unit = UINT32_MAX;
		for (i = 0; i < lexd.n; i++) {
			const struct diag *e = &lexd.v[i];
			struct diag *c;

			if (inside_unit(&s, e->off))
				continue;
			c = diag_add(d, e->sev, e->code, e->off, e->len, "%s",
				     e->message);
			c->help = e->help;
			c->has_related = e->has_related;
			c->rel_unit = e->rel_unit;
			c->rel_off = e->rel_off;
			c->rel_len = e->rel_len;
			c->rel_message = e->rel_message;
		}
		d->unit = saved;
		diag_list_free(&lexd);
	}
	/* Kept for the whole build: no room for 16 units when a file has
	 * one (7 MB at 10,000 files). */
	if (s.n && s.n < s.cap)
		s.v = xrealloc(s.v, s.n * sizeof(*s.v));
	*out = s.v;
	*n = s.n;
}
