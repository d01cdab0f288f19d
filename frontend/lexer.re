/*
 * lexer.re - the moded re2c scanner that turns Locus source into the tokens
 * of parser.y. frontend/TOKENS.md is the contract: modes, tokens and error
 * codes. re2c generates the per-mode scanners; the mode stack, recovery and
 * the few look-aheads re2c cannot express are plain C around them.
 *
 * The input is NOT assumed to be NUL-terminated (the parser lexes one unit
 * cut out of a file), so every read goes through a bounds check: YYPEEK
 * returns 0 past the end and re2c's end-of-input rule ($) tells a real NUL
 * byte (an ordinary bad character) from the end.
 */
#include <limits.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "frontend.h"
#include "parser.h"

/* Lexer modes (struct lexer.mode[]). M_EXPR_Q is an expression entered
 * through `"{` in a tag; its closing brace also eats the quote. M_CSS is
 * the body of a style_override block. */
enum {
	M_NORMAL,
	M_EXPR,
	M_EXPR_Q,       /* the modes lexed as code come first */
	M_MARKUP_BLOCK,
	M_MARKUP_ELEM,
	M_TAG,
	M_CSS
};

/*
 * The ARROW_LP look-ahead scans at most this many bytes after the '(' and
 * gives up when parentheses nest deeper than ARROW_DEPTH_MAX. Together the
 * two caps keep lexing linear: a byte can be re-read only by scans that
 * start within ARROW_SCAN_MAX bytes before it and are all still open at it,
 * and at most ARROW_DEPTH_MAX scans can be open at once before they give up.
 * Real parameter lists are a few dozen bytes.
 */
#define ARROW_SCAN_MAX 512
#define ARROW_DEPTH_MAX 16

/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYPEEK = "(cur < lim ? *cur : 0)";
	re2c:define:YYSKIP = "++cur;";
	re2c:define:YYBACKUP = "mar = cur;";
	re2c:define:YYRESTORE = "cur = mar;";
	re2c:define:YYLESSTHAN = "(lim - cur < @@)";
	re2c:eof = 0;
	re2c:yyfill:enable = 0;
	re2c:indent:top = 1;

	word = [A-Za-z_][A-Za-z0-9_]*;
	num = [0-9]+ ("." [0-9]+)?;
	ws = [ \t\r\n];
	tagname = [A-Za-z][A-Za-z0-9_.:-]*;
*/

/* ---- small helpers ---- */

/* Byte classes for the hand-written loops (the hot ones are whitespace
 * and markup text). */
enum {
	C_SPACE = 1,    /* space, tab, CR, LF */
	C_WORD = 2,     /* [A-Za-z0-9_] */
	C_STOP = 4      /* ends markup text: < { } and LF (checked further) */
};

static const unsigned char cls[256] = {
#define W C_WORD
	['\t'] = C_SPACE, ['\r'] = C_SPACE, [' '] = C_SPACE,
	['\n'] = C_SPACE | C_STOP,
	['<'] = C_STOP, ['{'] = C_STOP, ['}'] = C_STOP,
	['0'] = W, ['1'] = W, ['2'] = W, ['3'] = W, ['4'] = W, ['5'] = W,
	['6'] = W, ['7'] = W, ['8'] = W, ['9'] = W, ['_'] = W,
	['A'] = W, ['B'] = W, ['C'] = W, ['D'] = W, ['E'] = W, ['F'] = W,
	['G'] = W, ['H'] = W, ['I'] = W, ['J'] = W, ['K'] = W, ['L'] = W,
	['M'] = W, ['N'] = W, ['O'] = W, ['P'] = W, ['Q'] = W, ['R'] = W,
	['S'] = W, ['T'] = W, ['U'] = W, ['V'] = W, ['W'] = W, ['X'] = W,
	['Y'] = W, ['Z'] = W,
	['a'] = W, ['b'] = W, ['c'] = W, ['d'] = W, ['e'] = W, ['f'] = W,
	['g'] = W, ['h'] = W, ['i'] = W, ['j'] = W, ['k'] = W, ['l'] = W,
	['m'] = W, ['n'] = W, ['o'] = W, ['p'] = W, ['q'] = W, ['r'] = W,
	['s'] = W, ['t'] = W, ['u'] = W, ['v'] = W, ['w'] = W, ['x'] = W,
	['y'] = W, ['z'] = W,
#undef W
};

static bool
is_word_byte(unsigned char c)
{
	return cls[c] & C_WORD;
}

static bool
is_space_byte(unsigned char c)
{
	return cls[c] & C_SPACE;
}

/* Reports an error if the lexer has a sink; returns it (or NULL). */
static struct diag *
lex_error(struct lexer *lx, const char *code, uint32_t off, uint32_t len,
	  const char *fmt, ...) BASE_PRINTF(5, 6);

static struct diag *
lex_error(struct lexer *lx, const char *code, uint32_t off, uint32_t len,
	  const char *fmt, ...)
{
	struct diag *d;
	va_list ap;

	if (!lx->diags)
		return NULL;
	va_start(ap, fmt);
	d = diag_vadd(lx->diags, DIAG_ERROR, code, off, len, fmt, ap);
	va_end(ap);
	return d;
}

static void
lex_help(struct lexer *lx, struct diag *d, const char *help)
{
	if (d)
		diag_set_help(lx->diags, d, "%s", help);
}

static void
emit(struct lexer *lx, struct token *t, int type, uint32_t off,
     uint32_t end, double num)
{
	t->type = type;
	t->off = off;
	t->len = end - off;
	t->num = num;
	lx->pos = end;
	lx->prev2 = lx->prev;
	lx->prev = type;
}

static int
top(const struct lexer *lx)
{
	return lx->mode[lx->sp];
}

/* Pushes a mode entered at byte start. On overflow the mode is not pushed
 * (the lexer goes on in the current mode) and E0107 is reported once. */
static bool
push(struct lexer *lx, int mode, uint32_t start)
{
	if (lx->sp + 1 >= LEX_MAX_MODES) {
		if (!lx->overflow) {
			lx->overflow = true;
			lex_error(lx, "E0107", start, 1,
				  "nesting is deeper than the lexer supports "
				  "(%d levels of markup, tags and expressions)",
				  LEX_MAX_MODES - 1);
		}
		return false;
	}
	lx->sp++;
	lx->mode[lx->sp] = mode;
	lx->depth[lx->sp] = 0;
	lx->start[lx->sp] = start;
	return true;
}

static void
pop(struct lexer *lx)
{
	if (lx->sp > 0)
		lx->sp--;
}

/* `}` in markup or in a tag: closes every open element and tag, then the
 * markup block itself (TOKENS.md: a missing closing tag is the grammar's
 * to report). */
static void
close_markup_block(struct lexer *lx)
{
	while (lx->sp > 0 && top(lx) != M_MARKUP_BLOCK)
		pop(lx);
	pop(lx);
}

/* Length of the tag name after the '<' at off (0 if none). */
static uint32_t
tag_name_len(const struct lexer *lx, uint32_t off)
{
	const unsigned char *s = (const unsigned char *)lx->src;
	uint32_t i = off + 1;

	while (i < lx->len && (is_word_byte(s[i]) || s[i] == '.' ||
			       s[i] == ':' || s[i] == '-'))
		i++;
	return i - off - 1;
}

/* A name with its length, for the small fixed word lists below. */
struct word {
	const char *s;
	uint32_t n;
};
#define WORD(s) { s, sizeof(s) - 1 }

static bool
is_void_element(const char *name, uint32_t n)
{
	static const struct word voids[] = {
		WORD("area"), WORD("base"), WORD("br"), WORD("col"),
		WORD("embed"), WORD("hr"), WORD("img"), WORD("input"),
		WORD("link"), WORD("meta"), WORD("source"), WORD("track"),
		WORD("wbr"),
	};
	size_t i;

	if (n < 2 || n > 6)
		return false;
	for (i = 0; i < ARRAY_LEN(voids); i++)
		if (voids[i].n == n && memcmp(voids[i].s, name, n) == 0)
			return true;
	return false;
}

/*
 * Decodes the character at off for a message and reports it with code.
 * Returns how many bytes to skip: the whole UTF-8 sequence, or 1 for a
 * byte that does not start a valid one.
 */
static uint32_t
bad_char(struct lexer *lx, const char *code, uint32_t off, const char *where)
{
	const unsigned char *p = (const unsigned char *)lx->src + off;
	uint32_t avail = lx->len - off, n, i;
	uint32_t cp;
	unsigned char c = p[0];

	if (c < 0x80) {
		if (c == 0)
			lex_error(lx, code, off, 1, "unexpected NUL byte%s",
				  where);
		else if (c < 0x20 || c == 0x7f)
			lex_error(lx, code, off, 1,
				  "unexpected control character U+%04X%s",
				  (unsigned)c, where);
		else if (c == '&')
			lex_help(lx, lex_error(lx, code, off, 1,
					       "unexpected character '&'%s",
					       where),
				 "the 'and' operator is '&&'");
		else
			lex_error(lx, code, off, 1,
				  "unexpected character '%c'%s", c, where);
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		n = 0;
		cp = 0;
	}
	if (n > avail)
		n = 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			n = 0;
			break;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (n == 0) {
		lex_error(lx, code, off, 1,
			  "invalid UTF-8 byte 0x%02X%s", (unsigned)c, where);
		return 1;
	}
	lex_error(lx, code, off, n, "unexpected character U+%04X '%.*s'%s",
		  (unsigned)cp, (int)n, (const char *)p, where);
	return n;
}

/* ---- recovery and end of input ---- */

/*
 * True if p (at the start of a line) begins a declaration: one of the
 * recovery keywords, then optional blanks, then a name or '{'. Used inside
 * markup and CSS only, where such a line means the block was never closed.
 */
static uint32_t
decl_line_at(const unsigned char *p, const unsigned char *lim)
{
	static const struct word kw[] = {
		WORD("page"), WORD("component"), WORD("store"),
		WORD("workflow"), WORD("upload"), WORD("database"),
		WORD("design_system"), WORD("entity"),
	};
	const unsigned char *q;
	size_t i, n;

	if (p >= lim)
		return 0;
	switch (*p) {
	case 'p': case 'c': case 's': case 'w': case 'u': case 'd': case 'e':
		break;
	default:
		return 0;
	}
	for (i = 0; i < ARRAY_LEN(kw); i++) {
		n = kw[i].n;
		if ((size_t)(lim - p) <= n || memcmp(p, kw[i].s, n) != 0 ||
		    is_word_byte(p[n]))
			continue;
		q = p + n;
		while (q < lim && (*q == ' ' || *q == '\t'))
			q++;
		if (q < lim && ((*q >= 'a' && *q <= 'z') ||
				(*q >= 'A' && *q <= 'Z') || *q == '_' ||
				*q == '{'))
			return (uint32_t)n;
		return 0;
	}
	return 0;
}

static const char *
block_name(int mode)
{
	return mode == M_CSS ? "style_override" : "ui";
}

/* Column-1 recovery (TOKENS.md, E0104): called at a token start while
 * some block is open. Returns true if it popped back to NORMAL. */
static bool
recover_line(struct lexer *lx)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	uint32_t at = lx->pos, n;
	struct diag *d;

	if (lx->sp == 0 || at == 0 || base[at - 1] != '\n')
		return false;
	n = decl_line_at(base + at, base + lx->len);
	if (n == 0)
		return false;
	d = lex_error(lx, "E0104", at, n,
		      "the '%s' block is not closed before this declaration",
		      block_name(lx->mode[1]));
	if (d)
		diag_set_related(lx->diags, d, lx->diags->unit, lx->start[1],
				 1, "the block starts here");
	lx->sp = 0;
	return true;
}

/* The cheap test first: recovery happens only at the start of a line. */
static inline bool
recover(struct lexer *lx)
{
	return lx->pos > 0 && lx->src[lx->pos - 1] == '\n' &&
	       recover_line(lx);
}

/* End of input with modes open: E0106 at the innermost construct. */
static void
end_of_input(struct lexer *lx)
{
	uint32_t s, n;

	if (lx->sp == 0)
		return;
	s = lx->start[lx->sp];
	switch (top(lx)) {
	case M_TAG:
		n = tag_name_len(lx, s);
		lex_error(lx, "E0106", s, n + 1,
			  "end of input inside the tag '<%.*s' (no '>')",
			  (int)n, lx->src + s + 1);
		break;
	case M_MARKUP_ELEM:
		n = tag_name_len(lx, s);
		lex_error(lx, "E0106", s, n + 1,
			  "end of input before the closing tag '</%.*s>'",
			  (int)n, lx->src + s + 1);
		break;
	case M_EXPR:
	case M_EXPR_Q:
		lex_error(lx, "E0106", s, 1,
			  "end of input inside this '{' expression (no "
			  "closing '}')");
		break;
	default:
		lex_error(lx, "E0106", s, 1,
			  "end of input inside this '%s' block (no closing "
			  "'}')", block_name(top(lx)));
		break;
	}
	lx->sp = 0;
}

/* ---- NORMAL and EXPR ---- */

/*
 * A MIME wildcard such as `image/*` in an upload policy is written with
 * the two characters that open a block comment. They are a wildcard when
 * the '/' directly follows a word (no space) and the '*' is followed,
 * after blanks, by ',' or ']' (the end of a mime list item). A real
 * comment glued to a word and ending a list item is not worth supporting.
 */
static bool
mime_wildcard(const struct lexer *lx, const unsigned char *p,
	      const unsigned char *lim)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *c = p + 2;

	if (p == base || !(isalnum(p[-1]) || p[-1] == '_'))
		return false;
	while (c < lim && (*c == ' ' || *c == '\t'))
		c++;
	return c < lim && (*c == ',' || *c == ']');
}

/* Skips whitespace and comments; reports an unterminated block comment. */
static const unsigned char *
skip_code_space(struct lexer *lx, const unsigned char *p,
		const unsigned char *lim)
{
	const unsigned char *base = (const unsigned char *)lx->src;

	while (p < lim) {
		if (is_space_byte(*p)) {
			p++;
		} else if (*p == '/' && p + 1 < lim && p[1] == '/') {
			p += 2;
			while (p < lim && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < lim && p[1] == '*' &&
			   !mime_wildcard(lx, p, lim)) {
			const unsigned char *c = p + 2;

			while (c + 1 < lim && !(c[0] == '*' && c[1] == '/'))
				c++;
			if (c + 1 >= lim) {
				lex_error(lx, "E0108", (uint32_t)(p - base), 2,
					  "unterminated block comment "
					  "(no closing '*/')");
				return lim;
			}
			p = c + 2;
		} else {
			break;
		}
	}
	return p;
}

/* Skips a quoted string starting at p (the quote); returns the byte after
 * the closing quote, or NULL if it is not closed before end. */
static const unsigned char *
skip_string(const unsigned char *p, const unsigned char *end, bool escapes)
{
	unsigned char q = *p++;

	while (p < end) {
		if (*p == q)
			return p + 1;
		if (escapes && *p == '\\')
			p++;
		p++;
	}
	return NULL;
}

/* Decides ARROW_LP: does the '(' just before p have a balancing ')'
 * followed by '=>'? Bounded, see ARROW_SCAN_MAX. */
static bool
arrow_follows(const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *end = lim - p > ARROW_SCAN_MAX
		? p + ARROW_SCAN_MAX : lim;
	int depth = 1;

	while (p < end) {
		switch (*p) {
		case '(':
			if (++depth > ARROW_DEPTH_MAX)
				return false;
			p++;
			break;
		case ')':
			p++;
			if (--depth == 0)
				goto closed;
			break;
		case '"':
		case '\'':
			p = skip_string(p, end, true);
			if (!p)
				return false;
			break;
		case '/':
			if (p + 1 < end && p[1] == '/') {
				while (p < end && *p != '\n')
					p++;
			} else if (p + 1 < end && p[1] == '*') {
				p += 2;
				while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
					p++;
				p += 2;
			} else {
				p++;
			}
			break;
		default:
			p++;
			break;
		}
	}
	return false;
closed:
	while (p < end) {
		if (is_space_byte(*p)) {
			p++;
		} else if (*p == '/' && p + 1 < end && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < end && p[1] == '*') {
			p += 2;
			while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
				p++;
			p += 2;
		} else {
			break;
		}
	}
	return p + 1 < end && p[0] == '=' && p[1] == '>';
}

/* The value of a number literal [p, e): digits with an optional fraction. */
static double
num_value(const unsigned char *p, const unsigned char *e)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15,
	};
	char buf[64];
	size_t n = (size_t)(e - p), digits = 0, fdigits = 0;
	const unsigned char *c;
	uint64_t m = 0;
	double v = 0, scale = 1;
	bool frac = false;

	/* Up to 15 digits the mantissa and the power of ten are exact
	 * doubles, so one division rounds correctly (as strtod would). */
	if (n <= 16) {
		for (c = p; c < e; c++) {
			if (*c == '.') {
				frac = true;
				continue;
			}
			m = m * 10 + (uint64_t)(*c - '0');
			digits++;
			fdigits += frac;
		}
		if (digits <= 15)
			return (double)m / pow10[fdigits];
		frac = false;
	}
	if (n < sizeof(buf)) {
		memcpy(buf, p, n);
		buf[n] = 0;
		return strtod(buf, NULL);
	}
	/* Absurdly long literals: precision no longer matters. */
	for (; p < e; p++) {
		if (*p == '.') {
			frac = true;
		} else if (frac) {
			scale /= 10;
			v += (*p - '0') * scale;
		} else {
			v = v * 10 + (*p - '0');
		}
	}
	return v;
}

/* End of the num part of a SIZE/DURATION candidate starting at p. */
static const unsigned char *
num_end(const unsigned char *p, const unsigned char *lim)
{
	while (p < lim && *p >= '0' && *p <= '9')
		p++;
	if (p + 1 < lim && *p == '.' && p[1] >= '0' && p[1] <= '9') {
		p++;
		while (p < lim && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* An unterminated string: E0102 at the quote; the token runs to the end
 * of the line. Returns the token end. */
static const unsigned char *
unterminated(struct lexer *lx, const unsigned char *tok,
	     const unsigned char *lim)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *e = tok + 1;

	lex_error(lx, "E0102", (uint32_t)(tok - base), 1,
		  "unterminated string (no closing %s quote)",
		  *tok == '"' ? "double" : "single");
	while (e < lim && *e != '\n')
		e++;
	return e;
}

static void
code_lbrace(struct lexer *lx, uint32_t off)
{
	int m = top(lx);

	if (m == M_EXPR || m == M_EXPR_Q) {
		if (lx->depth[lx->sp] < INT_MAX)
			lx->depth[lx->sp]++;
		return;
	}
	if (m != M_NORMAL)
		return;
	if (lx->prev == TK_UI)
		push(lx, M_MARKUP_BLOCK, off);
	else if (lx->prev == TK_STYLE_OVERRIDE || lx->prev == TK_OVERRIDE)
		push(lx, M_CSS, off);
}

/* `}` in code: closes an expression mode at depth 0. Returns the token
 * end (the quote of `}"` is part of the token). */
static const unsigned char *
code_rbrace(struct lexer *lx, const unsigned char *cur,
	    const unsigned char *lim)
{
	int m = top(lx);

	if (m != M_EXPR && m != M_EXPR_Q)
		return cur;
	if (lx->depth[lx->sp] > 0) {
		lx->depth[lx->sp]--;
		return cur;
	}
	pop(lx);
	if (m == M_EXPR_Q && cur < lim && *cur == '"')
		cur++;
	return cur;
}

/* A rule action: the token is TK_x, from tok to cur. */
#define T(x) { ty = TK_##x; goto out; }

static bool lex_other(struct lexer *lx, struct token *t);

/* The code modes (NORMAL, EXPR) are the hot path: they are lexed here
 * directly, everything else in lex_other. */
void
lex_next(struct lexer *lx, struct token *t)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *lim = base + lx->len;
	const unsigned char *cur, *mar, *tok, *e;
	double num;
	int ty;

again:
	if (lx->mode[lx->sp] > M_EXPR_Q) {
		if (lex_other(lx, t))
			return;
		goto again;
	}
	num = 0;
	cur = base + lx->pos;
	while (cur < lim && is_space_byte(*cur))
		cur++;
	if (cur < lim && *cur == '/')
		cur = skip_code_space(lx, cur, lim);
	lx->pos = (uint32_t)(cur - base);
	if (lx->sp > 0 && recover(lx))
		goto again;
	tok = cur;
	(void)mar;
	/*!re2c
	"database"       { T(DATABASE) }
	"entity"         { T(ENTITY) }
	"design_system"  { T(DESIGN_SYSTEM) }
	"colors"         { T(COLORS) }
	"typography"     { T(TYPOGRAPHY) }
	"spacing"        { T(SPACING) }
	"radii"          { T(RADII) }
	"shadows"        { T(SHADOWS) }
	"weights"        { T(WEIGHTS) }
	"page"           { T(PAGE) }
	"component"      { T(COMPONENT) }
	"store"          { T(STORE) }
	"workflow"       { T(WORKFLOW) }
	"upload"         { T(UPLOAD) }
	"type"           { T(TYPE) }
	"state"          { T(STATE) }
	"action"         { T(ACTION) }
	"on"             { T(ON) }
	"load"           { T(LOAD) }
	"unload"         { T(UNLOAD) }
	"ui"             { T(UI) }
	"param"          { T(PARAM) }
	"style_override" { T(STYLE_OVERRIDE) }
	"style"          { T(STYLE) }
	"override"       { T(OVERRIDE) }
	"guard"          { T(GUARD) }
	"has_many"       { T(HAS_MANY) }
	"belongs_to"     { T(BELONGS_TO) }
	"has_one"        { T(HAS_ONE) }
	"on_delete"      { T(ON_DELETE) }
	"inverse"        { T(INVERSE) }
	"list"           { T(LIST) }
	"of"             { T(OF) }
	"nullable"       { T(NULLABLE) }
	"trigger"        { T(TRIGGER) }
	"input"          { T(INPUT) }
	"steps"          { T(STEPS) }
	"on_error"       { T(ON_ERROR) }
	"on_failure"     { T(ON_FAILURE) }
	"concurrency"    { T(CONCURRENCY) }
	"retry"          { T(RETRY) }
	"branch"         { T(BRANCH) }
	"forEach"        { T(FOREACH) }
	"delay"          { T(DELAY) }
	"http_request"   { T(HTTP_REQUEST) }
	"send_email"     { T(SEND_EMAIL) }
	"parallel"       { T(PARALLEL) }
	"queue_publish"  { T(QUEUE_PUBLISH) }
	"db_tx"          { T(DB_TX) }
	"run"            { T(RUN) }
	"create"         { T(CREATE) }
	"update"         { T(UPDATE) }
	"delete"         { T(DELETE) }
	"webhook"        { T(WEBHOOK) }
	"condition"      { T(CONDITION) }
	"const"          { T(CONST) }
	"let"            { T(LET) }
	"if"             { T(IF) }
	"else"           { T(ELSE) }
	"elseif"         { T(ELSEIF) }
	"return"         { T(RETURN) }
	"await"          { T(AWAIT) }
	"for"            { T(FOR) }
	"in"             { T(IN) }
	"typeof"         { T(TYPEOF) }
	"field"          { T(FIELD) }
	"maxSize"        { T(MAXSIZE) }
	"maxCount"       { T(MAXCOUNT) }
	"mime"           { T(MIME) }
	"required"       { T(REQUIRED) }
	"strategy"       { T(STRATEGY) }
	"path"           { T(PATH) }
	"naming"         { T(NAMING) }
	word             { T(IDENT) }

	num {
		num = num_value(tok, cur);
		T(NUMBER)
	}
	[0-9]+ ("B" | "KB" | "MB" | "GB") {
		e = num_end(tok, cur);
		if (cur < lim && is_word_byte(*cur)) {
			cur = e;
			num = num_value(tok, cur);
			T(NUMBER)
		}
		num = num_value(tok, e);
		switch (*e) {
		case 'K': num *= 1024.0; break;
		case 'M': num *= 1024.0 * 1024.0; break;
		case 'G': num *= 1024.0 * 1024.0 * 1024.0; break;
		default: break;
		}
		T(SIZE)
	}
	num ("ms" | "s" | "m" | "h") {
		e = num_end(tok, cur);
		if (cur < lim && is_word_byte(*cur)) {
			cur = e;
			num = num_value(tok, cur);
			T(NUMBER)
		}
		num = num_value(tok, e);
		if (cur - e == 1 && *e == 's')
			num *= 1000.0;
		else if (cur - e == 1 && *e == 'm')
			num *= 60000.0;
		else if (*e == 'h')
			num *= 3600000.0;
		T(DURATION)
	}

	["] ([^"\\] | [\\][^])* ["]  { T(STRING) }
	['] ([^'\\] | [\\][^])* [']  { T(STRING) }
	["] | ['] {
		cur = unterminated(lx, tok, lim);
		T(STRING)
	}

	"#" [0-9a-fA-F]+ {
		if (cur < lim && is_word_byte(*cur)) {
			lx->pos = (uint32_t)(tok - base) +
				bad_char(lx, "E0101", (uint32_t)(tok - base), "");
			goto again;
		}
		T(HEX)
	}

	"=>"   { T(ARROW) }
	"==="  { T(EQEQ) }
	"=="   { T(EQEQ) }
	"!=="  { T(NOTEQ) }
	"!="   { T(NOTEQ) }
	"&&"   { T(ANDAND) }
	"||"   { T(OROR) }
	"??"   { T(NULLISH) }
	"?." {
		if (cur < lim && *cur >= '0' && *cur <= '9') {
			cur = tok + 1;
			T(QUESTION)
		}
		T(QDOT)
	}
	"..."  { T(ELLIPSIS) }
	"+="   { T(PLUSEQ) }
	"-="   { T(MINUSEQ) }
	"<="   { T(LE) }
	">="   { T(GE) }
	"{" {
		code_lbrace(lx, (uint32_t)(tok - base));
		T(LBRACE)
	}
	"}" {
		cur = code_rbrace(lx, cur, lim);
		T(RBRACE)
	}
	"(" {
		ty = arrow_follows(cur, lim) ? TK_ARROW_LP : TK_LPAREN;
		goto out;
	}
	")"    { T(RPAREN) }
	"["    { T(LBRACKET) }
	"]"    { T(RBRACKET) }
	":"    { T(COLON) }
	","    { T(COMMA) }
	"."    { T(DOT) }
	";"    { T(SEMI) }
	"?"    { T(QUESTION) }
	"|"    { T(PIPE) }
	"@"    { T(AT) }
	"="    { T(EQ) }
	"!"    { T(NOT) }
	"+"    { T(PLUS) }
	"-"    { T(MINUS) }
	"*"    { T(STAR) }
	"/"    { T(SLASH) }
	"%"    { T(PERCENT) }
	"<"    { T(LT) }
	">"    { T(GT) }

	* {
		lx->pos = (uint32_t)(tok - base) +
			bad_char(lx, "E0101", (uint32_t)(tok - base), "");
		goto again;
	}
	$ {
		end_of_input(lx);
		emit(lx, t, 0, lx->len, lx->len, 0);
		return;
	}
	*/
out:
	emit(lx, t, ty, (uint32_t)(tok - base), (uint32_t)(cur - base), num);
}

/* ---- MARKUP_BLOCK and MARKUP_ELEM ---- */

/*
 * A run of text. Whitespace-only runs follow JSX: one that spans a line
 * break is layout and is skipped; one within a line is a real space
 * (`{first} {last}`, `<b>x</b> {y}`) and is emitted, inside an element
 * and at the top of a ui block alike. The parser drops such a run where
 * it is only padding: first or last in the ui block or in an {#if} /
 * {#each} body. The run also stops after a newline that starts a
 * declaration line, so recover() sees it.
 */
static bool
markup_text(struct lexer *lx, struct token *t)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *lim = base + lx->len;
	const unsigned char *p = base + lx->pos;
	unsigned ink = 0, k;
	bool newline = false;

	while (p < lim) {
		k = cls[*p];
		if (k & C_STOP) {
			if (*p != '\n')
				break;
			newline = true;
			if (decl_line_at(++p, lim))
				break;
			continue;
		}
		ink |= !(k & C_SPACE);
		p++;
	}
	if (!ink && (newline || p == base + lx->pos)) {
		lx->pos = (uint32_t)(p - base);
		return false;
	}
	emit(lx, t, TK_TEXT, lx->pos, (uint32_t)(p - base), 0);
	return true;
}

static bool
lex_markup(struct lexer *lx, struct token *t)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *lim = base + lx->len;
	const unsigned char *cur = base + lx->pos, *mar, *tok, *q;
	int ty;
	unsigned char c;

	if (cur >= lim) {
		end_of_input(lx);
		return false;
	}
	if (recover(lx))
		return false;
	c = *cur;
	if (c != '<' && c != '{' && c != '}')
		return markup_text(lx, t);
	tok = cur;
	(void)mar;
	/*!re2c
	"<" tagname {
		push(lx, M_TAG, (uint32_t)(tok - base));
		T(TAG_OPEN)
	}
	"</" tagname ws* ">" {
		if (top(lx) == M_MARKUP_ELEM)
			pop(lx);
		T(TAG_CLOSE)
	}
	"</" tagname ws* {
		lex_error(lx, "E0105", (uint32_t)(tok - base),
			  (uint32_t)(cur - tok),
			  "closing tag without '>'");
		if (top(lx) == M_MARKUP_ELEM)
			pop(lx);
		T(TAG_CLOSE)
	}
	"<!--" {
		q = cur;
		while (q + 2 < lim && !(q[0] == '-' && q[1] == '-' && q[2] == '>'))
			q++;
		if (q + 2 >= lim) {
			lex_error(lx, "E0108", (uint32_t)(tok - base), 4,
				  "unterminated comment (no closing '-->')");
			lx->pos = lx->len;
		} else {
			lx->pos = (uint32_t)(q + 3 - base);
		}
		return false;
	}
	* {
		lex_help(lx, lex_error(lx, "E0103", (uint32_t)(tok - base), 1,
				       "'<' in markup text does not start a "
				       "tag"),
			 "write {'<'} for a literal '<'");
		lx->pos = (uint32_t)(tok - base) + 1;
		return false;
	}
	"{#if" {
		if (cur < lim && is_word_byte(*cur))
			goto plain;
		push(lx, M_EXPR, (uint32_t)(tok - base));
		T(DIR_IF)
	}
	"{#each" {
		if (cur < lim && is_word_byte(*cur))
			goto plain;
		push(lx, M_EXPR, (uint32_t)(tok - base));
		T(DIR_EACH)
	}
	"{:elseif" | "{:else" ws+ "if" {
		if (cur < lim && is_word_byte(*cur))
			goto plain;
		push(lx, M_EXPR, (uint32_t)(tok - base));
		T(DIR_ELSEIF)
	}
	"{:else" ws* "}"   { T(DIR_ELSE) }
	"{/if" ws* "}"     { T(DIR_END_IF) }
	"{/each" ws* "}"   { T(DIR_END_EACH) }
	"{" ws* "/*" {
		/* {/ * … * /} is a JSX comment; a comment followed by more
		 * than blanks is part of an expression. */
		q = cur;
		while (q + 1 < lim && !(q[0] == '*' && q[1] == '/'))
			q++;
		if (q + 1 >= lim)
			goto plain;
		q += 2;
		while (q < lim && is_space_byte(*q))
			q++;
		if (q >= lim || *q != '}')
			goto plain;
		lx->pos = (uint32_t)(q + 1 - base);
		return false;
	}
	"{" { goto plain; }
	"}" {
		close_markup_block(lx);
		T(RBRACE)
	}
	$ {
		end_of_input(lx);
		return false;
	}
	*/
plain:
	/* An expression in content, also the fallback for a '{' that only
	 * looked like the start of a directive or comment. */
	cur = tok + 1;
	push(lx, M_EXPR, (uint32_t)(tok - base));
	ty = TK_LBRACE;
out:
	emit(lx, t, ty, (uint32_t)(tok - base), (uint32_t)(cur - base), 0);
	return true;
}

/* ---- TAG ---- */

static bool
is_value_stop(unsigned char c)
{
	return c == '"' || c == '\'' || c == '{' || c == '}' || c == '<' ||
	       c == '>';
}

static bool
lex_tag(struct lexer *lx, struct token *t)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *lim = base + lx->len;
	const unsigned char *cur = base + lx->pos, *mar, *tok;
	uint32_t s, n;
	int ty;

	while (cur < lim && is_space_byte(*cur))
		cur++;
	lx->pos = (uint32_t)(cur - base);
	if (cur >= lim) {
		end_of_input(lx);
		return false;
	}
	if (recover(lx))
		return false;
	tok = cur;
	if (*cur == '"' && cur + 1 < lim && cur[1] == '{') {
		push(lx, M_EXPR_Q, (uint32_t)(tok - base));
		cur += 2;
		T(LBRACE)
	}
	/* A bare attribute value: a word after '=' up to blank, '>' or '/>'. */
	if (lx->prev == TK_EQ && !is_value_stop(*cur) &&
	    !(*cur == '/' && cur + 1 < lim && cur[1] == '>')) {
		while (cur < lim && !is_space_byte(*cur) && *cur != '>' &&
		       !(*cur == '/' && cur + 1 < lim && cur[1] == '>'))
			cur++;
		T(ATTR_VALUE)
	}
	(void)mar;
	/*!re2c
	[A-Za-z_][A-Za-z0-9_:.-]*  { T(ATTR_NAME) }
	"="                        { T(EQ) }
	["] [^"]* ["]              { T(ATTR_VALUE) }
	['] [^']* [']              { T(ATTR_VALUE) }
	["] | ['] {
		cur = unterminated(lx, tok, lim);
		T(ATTR_VALUE)
	}
	"{" {
		push(lx, M_EXPR, (uint32_t)(tok - base));
		T(LBRACE)
	}
	">" {
		s = lx->start[lx->sp];
		n = tag_name_len(lx, s);
		pop(lx);
		if (is_void_element(lx->src + s + 1, n))
			T(TAG_SELF_END)
		push(lx, M_MARKUP_ELEM, s);
		T(TAG_END)
	}
	"/>" {
		pop(lx);
		T(TAG_SELF_END)
	}
	"}" {
		close_markup_block(lx);
		T(RBRACE)
	}
	* {
		lx->pos = (uint32_t)(tok - base) +
			bad_char(lx, "E0105", (uint32_t)(tok - base),
				 " inside a tag");
		return false;
	}
	$ {
		end_of_input(lx);
		return false;
	}
	*/
out:
	emit(lx, t, ty, (uint32_t)(tok - base), (uint32_t)(cur - base), 0);
	return true;
}

/* ---- CSS of style_override ---- */

/* Scans the CSS up to the balancing '}' and emits it as one STYLE_TEXT;
 * the '}' itself is then lexed in NORMAL mode. */
static bool
lex_css(struct lexer *lx, struct token *t)
{
	const unsigned char *base = (const unsigned char *)lx->src;
	const unsigned char *lim = base + lx->len;
	const unsigned char *p = base + lx->pos, *q;
	uint32_t depth = 0;

	if (recover(lx))
		return false;
	while (p < lim) {
		switch (*p) {
		case '{':
			depth++;
			p++;
			break;
		case '}':
			if (depth == 0)
				goto done;
			depth--;
			p++;
			break;
		case '"':
		case '\'':
			/* CSS strings end at their quote or at the line's end. */
			q = p + 1;
			while (q < lim && *q != *p && *q != '\n') {
				if (*q == '\\' && q + 1 < lim)
					q++;
				q++;
			}
			p = q < lim && *q == *p ? q + 1 : q;
			break;
		case '/':
			if (p + 1 < lim && p[1] == '*') {
				q = p + 2;
				while (q + 1 < lim && !(q[0] == '*' && q[1] == '/'))
					q++;
				if (q + 1 >= lim) {
					lex_error(lx, "E0108",
						  (uint32_t)(p - base), 2,
						  "unterminated comment (no "
						  "closing '*/')");
					p = lim;
				} else {
					p = q + 2;
				}
			} else {
				p++;
			}
			break;
		case '\n':
			p++;
			if (decl_line_at(p, lim)) {
				/* Emit the CSS up to here; recover() then
				 * reports E0104 on the next call. */
				emit(lx, t, TK_STYLE_TEXT, lx->pos,
				     (uint32_t)(p - base), 0);
				return true;
			}
			break;
		default:
			p++;
			break;
		}
	}
	lex_error(lx, "E0106", lx->start[lx->sp], 1,
		  "end of input inside this 'style_override' block (no "
		  "closing '}')");
done:
	emit(lx, t, TK_STYLE_TEXT, lx->pos, (uint32_t)(p - base), 0);
	pop(lx);
	return true;
}

/* One step in a mode that is not code; false if no token was produced
 * (something was skipped or the mode changed). */
static bool
lex_other(struct lexer *lx, struct token *t)
{
	switch (top(lx)) {
	case M_MARKUP_BLOCK:
	case M_MARKUP_ELEM:
		return lex_markup(lx, t);
	case M_TAG:
		return lex_tag(lx, t);
	default:
		return lex_css(lx, t);
	}
}

/* ---- public ---- */

void
lex_init(struct lexer *lx, const char *src, size_t len, struct diag_list *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)len;
	lx->mode[0] = M_NORMAL;
	lx->diags = d;
	if (lx->len >= 3 && (unsigned char)src[0] == 0xef &&
	    (unsigned char)src[1] == 0xbb && (unsigned char)src[2] == 0xbf)
		lx->pos = 3;
}


const char *
lex_token_name(int type)
{
	static const char *const names[] = {
		[0] = "end of input",
		[TK_IDENT] = "identifier",
		[TK_NUMBER] = "number",
		[TK_STRING] = "string",
		[TK_HEX] = "hex colour",
		[TK_SIZE] = "size",
		[TK_DURATION] = "duration",
		[TK_LBRACE] = "'{'",
		[TK_RBRACE] = "'}'",
		[TK_LPAREN] = "'('",
		[TK_RPAREN] = "')'",
		[TK_LBRACKET] = "'['",
		[TK_RBRACKET] = "']'",
		[TK_COLON] = "':'",
		[TK_COMMA] = "','",
		[TK_DOT] = "'.'",
		[TK_QDOT] = "'?.'",
		[TK_SEMI] = "';'",
		[TK_QUESTION] = "'?'",
		[TK_PIPE] = "'|'",
		[TK_AT] = "'@'",
		[TK_ELLIPSIS] = "'...'",
		[TK_EQ] = "'='",
		[TK_PLUSEQ] = "'+='",
		[TK_MINUSEQ] = "'-='",
		[TK_ARROW] = "'=>'",
		[TK_ARROW_LP] = "'('",
		[TK_EQEQ] = "'=='",
		[TK_NOTEQ] = "'!='",
		[TK_ANDAND] = "'&&'",
		[TK_OROR] = "'||'",
		[TK_NULLISH] = "'?\?'",
		[TK_NOT] = "'!'",
		[TK_PLUS] = "'+'",
		[TK_MINUS] = "'-'",
		[TK_STAR] = "'*'",
		[TK_SLASH] = "'/'",
		[TK_PERCENT] = "'%'",
		[TK_LT] = "'<'",
		[TK_GT] = "'>'",
		[TK_LE] = "'<='",
		[TK_GE] = "'>='",
		[TK_DATABASE] = "keyword 'database'",
		[TK_ENTITY] = "keyword 'entity'",
		[TK_DESIGN_SYSTEM] = "keyword 'design_system'",
		[TK_COLORS] = "keyword 'colors'",
		[TK_TYPOGRAPHY] = "keyword 'typography'",
		[TK_SPACING] = "keyword 'spacing'",
		[TK_RADII] = "keyword 'radii'",
		[TK_SHADOWS] = "keyword 'shadows'",
		[TK_WEIGHTS] = "keyword 'weights'",
		[TK_PAGE] = "keyword 'page'",
		[TK_COMPONENT] = "keyword 'component'",
		[TK_STORE] = "keyword 'store'",
		[TK_WORKFLOW] = "keyword 'workflow'",
		[TK_UPLOAD] = "keyword 'upload'",
		[TK_TYPE] = "keyword 'type'",
		[TK_STATE] = "keyword 'state'",
		[TK_ACTION] = "keyword 'action'",
		[TK_ON] = "keyword 'on'",
		[TK_LOAD] = "keyword 'load'",
		[TK_UNLOAD] = "keyword 'unload'",
		[TK_UI] = "keyword 'ui'",
		[TK_PARAM] = "keyword 'param'",
		[TK_STYLE_OVERRIDE] = "keyword 'style_override'",
		[TK_STYLE] = "keyword 'style'",
		[TK_OVERRIDE] = "keyword 'override'",
		[TK_GUARD] = "keyword 'guard'",
		[TK_HAS_MANY] = "keyword 'has_many'",
		[TK_BELONGS_TO] = "keyword 'belongs_to'",
		[TK_HAS_ONE] = "keyword 'has_one'",
		[TK_ON_DELETE] = "keyword 'on_delete'",
		[TK_INVERSE] = "keyword 'inverse'",
		[TK_LIST] = "keyword 'list'",
		[TK_OF] = "keyword 'of'",
		[TK_NULLABLE] = "keyword 'nullable'",
		[TK_TRIGGER] = "keyword 'trigger'",
		[TK_INPUT] = "keyword 'input'",
		[TK_STEPS] = "keyword 'steps'",
		[TK_ON_ERROR] = "keyword 'on_error'",
		[TK_ON_FAILURE] = "keyword 'on_failure'",
		[TK_CONCURRENCY] = "keyword 'concurrency'",
		[TK_RETRY] = "keyword 'retry'",
		[TK_BRANCH] = "keyword 'branch'",
		[TK_FOREACH] = "keyword 'forEach'",
		[TK_DELAY] = "keyword 'delay'",
		[TK_HTTP_REQUEST] = "keyword 'http_request'",
		[TK_SEND_EMAIL] = "keyword 'send_email'",
		[TK_PARALLEL] = "keyword 'parallel'",
		[TK_QUEUE_PUBLISH] = "keyword 'queue_publish'",
		[TK_DB_TX] = "keyword 'db_tx'",
		[TK_RUN] = "keyword 'run'",
		[TK_CREATE] = "keyword 'create'",
		[TK_UPDATE] = "keyword 'update'",
		[TK_DELETE] = "keyword 'delete'",
		[TK_WEBHOOK] = "keyword 'webhook'",
		[TK_CONDITION] = "keyword 'condition'",
		[TK_CONST] = "keyword 'const'",
		[TK_LET] = "keyword 'let'",
		[TK_IF] = "keyword 'if'",
		[TK_ELSE] = "keyword 'else'",
		[TK_ELSEIF] = "keyword 'elseif'",
		[TK_RETURN] = "keyword 'return'",
		[TK_AWAIT] = "keyword 'await'",
		[TK_FOR] = "keyword 'for'",
		[TK_IN] = "keyword 'in'",
		[TK_TYPEOF] = "keyword 'typeof'",
		[TK_FIELD] = "keyword 'field'",
		[TK_MAXSIZE] = "keyword 'maxSize'",
		[TK_MAXCOUNT] = "keyword 'maxCount'",
		[TK_MIME] = "keyword 'mime'",
		[TK_REQUIRED] = "keyword 'required'",
		[TK_STRATEGY] = "keyword 'strategy'",
		[TK_PATH] = "keyword 'path'",
		[TK_NAMING] = "keyword 'naming'",
		[TK_TEXT] = "text",
		[TK_TAG_OPEN] = "start tag",
		[TK_TAG_END] = "'>'",
		[TK_TAG_SELF_END] = "'/>'",
		[TK_TAG_CLOSE] = "closing tag",
		[TK_ATTR_NAME] = "attribute name",
		[TK_ATTR_VALUE] = "attribute value",
		[TK_DIR_IF] = "'{#if'",
		[TK_DIR_ELSEIF] = "'{:else if'",
		[TK_DIR_ELSE] = "'{:else}'",
		[TK_DIR_EACH] = "'{#each'",
		[TK_DIR_END_IF] = "'{/if}'",
		[TK_DIR_END_EACH] = "'{/each}'",
		[TK_STYLE_TEXT] = "CSS text",
	};

	if (type < 0 || (size_t)type >= ARRAY_LEN(names) || !names[type])
		return "token";
	return names[type];
}
