/*
 * test_lexer.c - unit tests of the moded lexer (frontend/lexer.re) against
 * the contract in frontend/TOKENS.md: tokens per mode, mode transitions,
 * error codes and offsets, and robustness on hostile input.
 */
#include <stdlib.h>
#include <string.h>

#include "../../frontend/frontend.h"
#include "parser.h"
#include "test.h"

/* Short names for the tokens that are not keywords. */
static const char *
short_name(int type)
{
	switch (type) {
	case TK_IDENT: return "IDENT";
	case TK_NUMBER: return "NUMBER";
	case TK_STRING: return "STRING";
	case TK_HEX: return "HEX";
	case TK_SIZE: return "SIZE";
	case TK_DURATION: return "DURATION";
	case TK_LBRACE: return "LBRACE";
	case TK_RBRACE: return "RBRACE";
	case TK_LPAREN: return "LPAREN";
	case TK_RPAREN: return "RPAREN";
	case TK_LBRACKET: return "LBRACKET";
	case TK_RBRACKET: return "RBRACKET";
	case TK_COLON: return "COLON";
	case TK_COMMA: return "COMMA";
	case TK_DOT: return "DOT";
	case TK_QDOT: return "QDOT";
	case TK_SEMI: return "SEMI";
	case TK_QUESTION: return "QUESTION";
	case TK_PIPE: return "PIPE";
	case TK_AT: return "AT";
	case TK_ELLIPSIS: return "ELLIPSIS";
	case TK_EQ: return "EQ";
	case TK_PLUSEQ: return "PLUSEQ";
	case TK_MINUSEQ: return "MINUSEQ";
	case TK_ARROW: return "ARROW";
	case TK_ARROW_LP: return "ARROW_LP";
	case TK_EQEQ: return "EQEQ";
	case TK_NOTEQ: return "NOTEQ";
	case TK_ANDAND: return "ANDAND";
	case TK_OROR: return "OROR";
	case TK_NULLISH: return "NULLISH";
	case TK_NOT: return "NOT";
	case TK_PLUS: return "PLUS";
	case TK_MINUS: return "MINUS";
	case TK_STAR: return "STAR";
	case TK_SLASH: return "SLASH";
	case TK_PERCENT: return "PERCENT";
	case TK_LT: return "LT";
	case TK_GT: return "GT";
	case TK_LE: return "LE";
	case TK_GE: return "GE";
	case TK_TEXT: return "TEXT";
	case TK_TAG_OPEN: return "TAG_OPEN";
	case TK_TAG_END: return "TAG_END";
	case TK_TAG_SELF_END: return "TAG_SELF_END";
	case TK_TAG_CLOSE: return "TAG_CLOSE";
	case TK_ATTR_NAME: return "ATTR_NAME";
	case TK_ATTR_VALUE: return "ATTR_VALUE";
	case TK_DIR_IF: return "DIR_IF";
	case TK_DIR_ELSEIF: return "DIR_ELSEIF";
	case TK_DIR_ELSE: return "DIR_ELSE";
	case TK_DIR_EACH: return "DIR_EACH";
	case TK_DIR_END_IF: return "DIR_END_IF";
	case TK_DIR_END_EACH: return "DIR_END_EACH";
	case TK_STYLE_TEXT: return "STYLE_TEXT";
	default: return NULL;
	}
}

static bool
has_text(int type)
{
	switch (type) {
	case TK_IDENT: case TK_NUMBER: case TK_STRING: case TK_HEX:
	case TK_SIZE: case TK_DURATION: case TK_TEXT: case TK_TAG_OPEN:
	case TK_TAG_CLOSE: case TK_ATTR_NAME: case TK_ATTR_VALUE:
	case TK_STYLE_TEXT:
		return true;
	default:
		return false;
	}
}

static char out[8192];
static char errs[2048];
static struct token toks[512];
static int ntoks;

/* Lexes src (exactly len bytes, copied to a buffer with no terminator so
 * ASan catches any read past the end) and renders the token stream as
 * "IDENT(x) LBRACE KW(page) ..." in out, diagnostics as "E0101@3 ..." in
 * errs. */
static const char *
lexn(const char *src, size_t len)
{
	struct arena *a = arena_new();
	struct diag_list dl;
	struct lexer lx;
	struct token t;
	char *buf = malloc(len ? len : 1);
	size_t o = 0, e = 0, i;

	memcpy(buf, src, len);
	diag_list_init(&dl, a);
	lex_init(&lx, buf, len, &dl);
	out[0] = 0;
	ntoks = 0;
	for (;;) {
		const char *nm;

		lex_next(&lx, &t);
		if (t.type == 0)
			break;
		if (ntoks < (int)ARRAY_LEN(toks))
			toks[ntoks++] = t;
		nm = short_name(t.type);
		if (o)
			out[o++] = ' ';
		if (!nm)
			o += (size_t)snprintf(out + o, sizeof(out) - o,
					      "KW(%.*s)", (int)t.len,
					      buf + t.off);
		else if (has_text(t.type))
			o += (size_t)snprintf(out + o, sizeof(out) - o,
					      "%s(%.*s)", nm, (int)t.len,
					      buf + t.off);
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s",
					      nm);
		if (o >= sizeof(out) - 64)
			break;
	}
	errs[0] = 0;
	for (i = 0; i < dl.n && e < sizeof(errs) - 32; i++)
		e += (size_t)snprintf(errs + e, sizeof(errs) - e, "%s%s@%u",
				      i ? " " : "", dl.v[i].code,
				      (unsigned)dl.v[i].off);
	diag_list_free(&dl);
	arena_free(a);
	free(buf);
	return out;
}

static const char *
lex(const char *src)
{
	return lexn(src, strlen(src));
}

/* ---- NORMAL mode ---- */

TEST(lexer_keywords_and_identifiers)
{
	CHECK_STR_EQ(lex("page Home pages _x x1 forEach foreach on_load on"),
		     "KW(page) IDENT(Home) IDENT(pages) IDENT(_x) IDENT(x1) "
		     "KW(forEach) IDENT(foreach) IDENT(on_load) KW(on)");
	CHECK_STR_EQ(lex("style style_override override styles"),
		     "KW(style) KW(style_override) KW(override) IDENT(styles)");
	CHECK_STR_EQ(lex("maxSize maxCount mime required strategy path naming"),
		     "KW(maxSize) KW(maxCount) KW(mime) KW(required) "
		     "KW(strategy) KW(path) KW(naming)");
	CHECK_STR_EQ(lex("database entity design_system colors typography "
			 "spacing radii shadows weights"),
		     "KW(database) KW(entity) KW(design_system) KW(colors) "
		     "KW(typography) KW(spacing) KW(radii) KW(shadows) "
		     "KW(weights)");
	CHECK_STR_EQ(lex("if else elseif return await for in typeof const let"),
		     "KW(if) KW(else) KW(elseif) KW(return) KW(await) KW(for) "
		     "KW(in) KW(typeof) KW(const) KW(let)");
	CHECK_STR_EQ(lex("String Page TYPE"), "IDENT(String) IDENT(Page) "
		     "IDENT(TYPE)");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_every_keyword_has_a_token)
{
	static const struct {
		const char *s;
		int type;
	} kw[] = {
		{"database", TK_DATABASE}, {"entity", TK_ENTITY},
		{"design_system", TK_DESIGN_SYSTEM}, {"colors", TK_COLORS},
		{"typography", TK_TYPOGRAPHY}, {"spacing", TK_SPACING},
		{"radii", TK_RADII}, {"shadows", TK_SHADOWS},
		{"weights", TK_WEIGHTS}, {"page", TK_PAGE},
		{"component", TK_COMPONENT}, {"store", TK_STORE},
		{"workflow", TK_WORKFLOW}, {"upload", TK_UPLOAD},
		{"type", TK_TYPE}, {"state", TK_STATE}, {"action", TK_ACTION},
		{"on", TK_ON}, {"load", TK_LOAD}, {"unload", TK_UNLOAD},
		{"ui", TK_UI}, {"param", TK_PARAM},
		{"style_override", TK_STYLE_OVERRIDE}, {"style", TK_STYLE},
		{"override", TK_OVERRIDE}, {"guard", TK_GUARD},
		{"has_many", TK_HAS_MANY}, {"belongs_to", TK_BELONGS_TO},
		{"has_one", TK_HAS_ONE}, {"on_delete", TK_ON_DELETE},
		{"inverse", TK_INVERSE}, {"list", TK_LIST}, {"of", TK_OF},
		{"nullable", TK_NULLABLE}, {"trigger", TK_TRIGGER},
		{"input", TK_INPUT}, {"steps", TK_STEPS},
		{"on_error", TK_ON_ERROR}, {"on_failure", TK_ON_FAILURE},
		{"concurrency", TK_CONCURRENCY}, {"retry", TK_RETRY},
		{"branch", TK_BRANCH}, {"forEach", TK_FOREACH},
		{"delay", TK_DELAY}, {"http_request", TK_HTTP_REQUEST},
		{"send_email", TK_SEND_EMAIL}, {"parallel", TK_PARALLEL},
		{"queue_publish", TK_QUEUE_PUBLISH}, {"db_tx", TK_DB_TX},
		{"run", TK_RUN}, {"create", TK_CREATE}, {"update", TK_UPDATE},
		{"delete", TK_DELETE}, {"webhook", TK_WEBHOOK},
		{"condition", TK_CONDITION}, {"const", TK_CONST},
		{"let", TK_LET}, {"if", TK_IF}, {"else", TK_ELSE},
		{"elseif", TK_ELSEIF}, {"return", TK_RETURN},
		{"await", TK_AWAIT}, {"for", TK_FOR}, {"in", TK_IN},
		{"typeof", TK_TYPEOF}, {"field", TK_FIELD},
		{"maxSize", TK_MAXSIZE}, {"maxCount", TK_MAXCOUNT},
		{"mime", TK_MIME}, {"required", TK_REQUIRED},
		{"strategy", TK_STRATEGY}, {"path", TK_PATH},
		{"naming", TK_NAMING},
	};
	size_t i;
	char buf[64];

	for (i = 0; i < ARRAY_LEN(kw); i++) {
		lex(kw[i].s);
		CHECK_INT_EQ(ntoks, 1);
		CHECK_INT_EQ(toks[0].type, kw[i].type);
		snprintf(buf, sizeof(buf), "keyword '%s'", kw[i].s);
		CHECK_STR_EQ(lex_token_name(kw[i].type), buf);
		/* A longer word is an identifier. */
		snprintf(buf, sizeof(buf), "%sx", kw[i].s);
		lex(buf);
		CHECK_INT_EQ(toks[0].type, TK_IDENT);
	}
}

TEST(lexer_numbers_sizes_durations)
{
	CHECK_STR_EQ(lex("0 42 1.5 007 10px 1. 0x10"),
		     "NUMBER(0) NUMBER(42) NUMBER(1.5) NUMBER(007) NUMBER(10) "
		     "IDENT(px) NUMBER(1) DOT NUMBER(0) IDENT(x10)");
	CHECK(toks[2].num == 1.5);
	CHECK(toks[3].num == 7);
	CHECK_STR_EQ(lex("5B 10KB 2MB 1GB 1.5MB 10MBx"),
		     "SIZE(5B) SIZE(10KB) SIZE(2MB) SIZE(1GB) NUMBER(1.5) "
		     "IDENT(MB) NUMBER(10) IDENT(MBx)");
	CHECK(toks[0].num == 5);
	CHECK(toks[1].num == 10240);
	CHECK(toks[2].num == 2.0 * 1024 * 1024);
	CHECK(toks[3].num == 1024.0 * 1024 * 1024);
	CHECK_STR_EQ(lex("250ms 30s 5m 2h 1.5s 10sec 5msx 3m2"),
		     "DURATION(250ms) DURATION(30s) DURATION(5m) DURATION(2h) "
		     "DURATION(1.5s) NUMBER(10) IDENT(sec) NUMBER(5) "
		     "IDENT(msx) NUMBER(3) IDENT(m2)");
	CHECK(toks[0].num == 250);
	CHECK(toks[1].num == 30000);
	CHECK(toks[2].num == 300000);
	CHECK(toks[3].num == 7200000);
	CHECK(toks[4].num == 1500);
	CHECK(toks[5].num == 10);
	CHECK_STR_EQ(lex("a.b 1.2.3"), "IDENT(a) DOT IDENT(b) NUMBER(1.2) "
		     "DOT NUMBER(3)");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_strings)
{
	CHECK_STR_EQ(lex("\"a\" 'b' \"it's\" 'say \"hi\"' \"\""),
		     "STRING(\"a\") STRING('b') STRING(\"it's\") "
		     "STRING('say \"hi\"') STRING(\"\")");
	CHECK_STR_EQ(lex("\"a\\\"b\" 'c\\'d' \"e\\\\\" x"),
		     "STRING(\"a\\\"b\") STRING('c\\'d') STRING(\"e\\\\\") "
		     "IDENT(x)");
	CHECK_STR_EQ(lex("\"line1\nline2\" x"),
		     "STRING(\"line1\nline2\") IDENT(x)");
	CHECK_STR_EQ(lex("\"{ } // /* <div>\""),
		     "STRING(\"{ } // /* <div>\")");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_unterminated_string)
{
	CHECK_STR_EQ(lex("a \"open\nb c"), "IDENT(a) STRING(\"open) "
		     "IDENT(b) IDENT(c)");
	CHECK_STR_EQ(errs, "E0102@2");
	CHECK_STR_EQ(lex("x 'abc\\"), "IDENT(x) STRING('abc\\)");
	CHECK_STR_EQ(errs, "E0102@2");
	CHECK_STR_EQ(lex("\""), "STRING(\")");
	CHECK_STR_EQ(errs, "E0102@0");
}

TEST(lexer_hex)
{
	CHECK_STR_EQ(lex("#fff #3B5BDB #0"), "HEX(#fff) HEX(#3B5BDB) HEX(#0)");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(lex("#fffg x"), "IDENT(fffg) IDENT(x)");
	CHECK_STR_EQ(errs, "E0101@0");
	CHECK_STR_EQ(lex("# x"), "IDENT(x)");
	CHECK_STR_EQ(errs, "E0101@0");
}

TEST(lexer_operators)
{
	CHECK_STR_EQ(lex("=> === == !== != && || ?? ?. ... += -= <= >="),
		     "ARROW EQEQ EQEQ NOTEQ NOTEQ ANDAND OROR NULLISH QDOT "
		     "ELLIPSIS PLUSEQ MINUSEQ LE GE");
	CHECK_INT_EQ(toks[1].len, 3);
	CHECK_INT_EQ(toks[3].len, 3);
	CHECK_STR_EQ(lex("{ } ( ) [ ] : , . ; ? | @ = ! + - * / % < >"),
		     "LBRACE RBRACE LPAREN RPAREN LBRACKET RBRACKET COLON "
		     "COMMA DOT SEMI QUESTION PIPE AT EQ NOT PLUS MINUS STAR "
		     "SLASH PERCENT LT GT");
	CHECK_STR_EQ(lex("a?.b c?.5:1 d?x"),
		     "IDENT(a) QDOT IDENT(b) IDENT(c) QUESTION DOT NUMBER(5) "
		     "COLON NUMBER(1) IDENT(d) QUESTION IDENT(x)");
	CHECK_STR_EQ(lex("a..b ...."), "IDENT(a) DOT DOT IDENT(b) ELLIPSIS DOT");
	CHECK_STR_EQ(lex("!a !=b ====c"), "NOT IDENT(a) NOTEQ IDENT(b) EQEQ "
		     "EQ IDENT(c)");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_comments_and_whitespace)
{
	CHECK_STR_EQ(lex("a // x { \"\nb /* c\n } */ d\r\n\te"),
		     "IDENT(a) IDENT(b) IDENT(d) IDENT(e)");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(lex("a /* never closed"), "IDENT(a)");
	CHECK_STR_EQ(errs, "E0108@2");
	CHECK_STR_EQ(lex("\xef\xbb\xbfpage"), "KW(page)");
	CHECK_INT_EQ(toks[0].off, 3);
	CHECK_STR_EQ(errs, "");
	/* A BOM elsewhere is a bad character. */
	CHECK_STR_EQ(lex("a\xef\xbb\xbf"), "IDENT(a)");
	CHECK_STR_EQ(errs, "E0101@1");
}

TEST(lexer_bad_characters)
{
	struct arena *a = arena_new();
	struct diag_list dl;
	struct lexer lx;
	struct token t;

	CHECK_STR_EQ(lex("a $ b ` c \\ d ^ e ~ f & g"),
		     "IDENT(a) IDENT(b) IDENT(c) IDENT(d) IDENT(e) IDENT(f) "
		     "IDENT(g)");
	CHECK_STR_EQ(errs, "E0101@2 E0101@6 E0101@10 E0101@14 E0101@18 "
		     "E0101@22");
	/* Non-ASCII: one error per character, the sequence is skipped. */
	CHECK_STR_EQ(lex("caf\xc3\xa9 x"), "IDENT(caf) IDENT(x)");
	CHECK_STR_EQ(errs, "E0101@3");
	CHECK_STR_EQ(lex("\xe2\x82\xac\xf0\x9f\x98\x80y"), "IDENT(y)");
	CHECK_STR_EQ(errs, "E0101@0 E0101@3");
	/* Invalid UTF-8 and truncated sequences: byte by byte. */
	CHECK_STR_EQ(lex("\xff\xc3"), "");
	CHECK_STR_EQ(errs, "E0101@0 E0101@1");

	diag_list_init(&dl, a);
	lex_init(&lx, "x \xc3\xa9 &", 6, &dl);
	do
		lex_next(&lx, &t);
	while (t.type);
	CHECK_INT_EQ(dl.n, 2);
	CHECK_STR_EQ(dl.v[0].message, "unexpected character U+00E9 '\xc3\xa9'");
	CHECK_INT_EQ(dl.v[0].len, 2);
	CHECK_STR_EQ(dl.v[1].message, "unexpected character '&'");
	CHECK(dl.v[1].help != NULL);
	diag_list_free(&dl);
	arena_free(a);
}

TEST(lexer_nul_bytes_are_bad_characters)
{
	static const char src[] = "a\0b\0\0c";

	CHECK_STR_EQ(lexn(src, sizeof(src) - 1), "IDENT(a) IDENT(b) IDENT(c)");
	CHECK_STR_EQ(errs, "E0101@1 E0101@3 E0101@4");
	/* Inside strings and markup text a NUL is just a byte. */
	lexn("\"a\0b\"", 5);
	CHECK_INT_EQ(ntoks, 1);
	CHECK_INT_EQ(toks[0].type, TK_STRING);
	CHECK_INT_EQ(toks[0].len, 5);
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_substring_is_not_read_past_len)
{
	/* The lexer is given a prefix of a longer buffer: the bytes after
	 * len must not change anything. */
	const char *s = "page Home { ui { <p>hi</p> } }TRAILING";
	struct lexer lx;
	struct token t;
	int n = 0;

	lex_init(&lx, s, strlen(s) - 8, NULL);
	do {
		lex_next(&lx, &t);
		CHECK(t.off + t.len <= strlen(s) - 8);
		n++;
	} while (t.type && n < 100);
	CHECK_INT_EQ(n, 14); /* with the blanks around <p>hi</p> */
	/* A keyword cut by len is an identifier prefix, not the keyword. */
	lexn("pages", 3);
	CHECK_INT_EQ(toks[0].type, TK_IDENT);
	CHECK_INT_EQ(toks[0].len, 3);
	lexn("1.5", 2);
	CHECK_STR_EQ(out, "NUMBER(1) DOT");
	lexn("\"ab\"", 3);
	CHECK_STR_EQ(errs, "E0102@0");
}

TEST(lexer_arrow_lp)
{
	CHECK_STR_EQ(lex("(a, b) => a (x) () => 1 (c) + 1"),
		     "ARROW_LP IDENT(a) COMMA IDENT(b) RPAREN ARROW IDENT(a) "
		     "LPAREN IDENT(x) RPAREN ARROW_LP RPAREN ARROW NUMBER(1) "
		     "LPAREN IDENT(c) RPAREN PLUS NUMBER(1)");
	CHECK_STR_EQ(lex("(a /* ) */, (b), \")\") // c\n => x"),
		     "ARROW_LP IDENT(a) COMMA LPAREN IDENT(b) RPAREN COMMA "
		     "STRING(\")\") RPAREN ARROW IDENT(x)");
	CHECK_STR_EQ(lex("f((e) => e.x)"),
		     "IDENT(f) LPAREN ARROW_LP IDENT(e) RPAREN ARROW IDENT(e) "
		     "DOT IDENT(x) RPAREN");
	/* '=' '>' apart is not an arrow. */
	CHECK_STR_EQ(lex("(a) = >"), "LPAREN IDENT(a) RPAREN EQ GT");
}

TEST(lexer_arrow_lp_is_bounded)
{
	/* 100k unbalanced '(' must lex quickly (linear). */
	size_t n = 100000, i;
	char *s = malloc(n);
	struct lexer lx;
	struct token t;
	size_t count = 0;
	uint64_t t0 = base_now_ns();

	memset(s, '(', n);
	lex_init(&lx, s, n, NULL);
	for (;;) {
		lex_next(&lx, &t);
		if (!t.type)
			break;
		CHECK_INT_EQ(t.type, TK_LPAREN);
		count++;
	}
	CHECK_INT_EQ(count, n);
	for (i = 0; i < n; i += 2)
		s[i] = '(', s[i + 1] = 'a';
	lex_init(&lx, s, n, NULL);
	do
		lex_next(&lx, &t);
	while (t.type);
	CHECK(base_now_ns() - t0 < 2000000000ull);
	free(s);
}

TEST(lexer_every_call_advances)
{
	const char *s = "page A { x: 1 } ui { <a href=x>y</a> }";
	struct lexer lx;
	struct token t;
	uint32_t last = 0;
	int n = 0;

	lex_init(&lx, s, strlen(s), NULL);
	for (;;) {
		lex_next(&lx, &t);
		if (!t.type)
			break;
		CHECK(t.off >= last);
		CHECK(t.len > 0);
		last = t.off + t.len;
		n++;
	}
	/* End of input repeats. */
	lex_next(&lx, &t);
	CHECK_INT_EQ(t.type, 0);
	CHECK_INT_EQ(t.off, strlen(s));
	CHECK(n > 10);
}

/* ---- markup ---- */

TEST(lexer_ui_block_enters_markup)
{
	CHECK_STR_EQ(lex("ui { <div class=\"a\">Hello {name}!</div> } x"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<div) ATTR_NAME(class) EQ "
		     "ATTR_VALUE(\"a\") TAG_END TEXT(Hello ) LBRACE IDENT(name) "
		     "RBRACE TEXT(!) TAG_CLOSE(</div>) TEXT( ) RBRACE IDENT(x)");
	CHECK_STR_EQ(errs, "");
	/* Only right after 'ui'. */
	CHECK_STR_EQ(lex("ui x { <div> }"),
		     "KW(ui) IDENT(x) LBRACE LT IDENT(div) GT RBRACE");
	/* Comments between ui and '{' are fine. */
	CHECK_STR_EQ(lex("ui /* c */ { a // b }"),
		     "KW(ui) LBRACE TEXT( a // b ) RBRACE");
}

TEST(lexer_markup_text)
{
	CHECK_STR_EQ(lex("ui {\n  <p>\n    http://x.y 'quoted' & \"q\" > ok\n"
			 "  </p>\n}"),
		     "KW(ui) LBRACE TAG_OPEN(<p) TAG_END "
		     "TEXT(\n    http://x.y 'quoted' & \"q\" > ok\n  ) "
		     "TAG_CLOSE(</p>) RBRACE");
	/* Whitespace within one line of element content is text (JSX);
	 * across a line break it is layout and dropped; keywords are text. */
	CHECK_STR_EQ(lex("ui { <a> </a>  update page  }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<a) TAG_END TEXT( ) "
		     "TAG_CLOSE(</a>) TEXT(  update page  ) RBRACE");
	/* The same at the top of the block: `<b>x</b> {y}` keeps its
	 * space (the parser drops the blanks next to the braces). */
	CHECK_STR_EQ(lex("ui {\n  <b>x</b> {y}\n  <i/>\n}"),
		     "KW(ui) LBRACE TAG_OPEN(<b) TAG_END TEXT(x) "
		     "TAG_CLOSE(</b>) TEXT( ) LBRACE IDENT(y) RBRACE "
		     "TAG_OPEN(<i) TAG_SELF_END RBRACE");
	CHECK_STR_EQ(lex("ui { {#if c} <b/> {/if} }"),
		     "KW(ui) LBRACE TEXT( ) DIR_IF IDENT(c) RBRACE TEXT( ) "
		     "TAG_OPEN(<b) TAG_SELF_END TEXT( ) DIR_END_IF TEXT( ) "
		     "RBRACE");
	CHECK_STR_EQ(lex("ui { <a>\n  </a> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<a) TAG_END "
		     "TAG_CLOSE(</a>) TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_tags_and_attributes)
{
	CHECK_STR_EQ(lex("ui { <Button on:click={save} bind:value=\"{v}\" "
			 "aria-label='x > y' disabled size=lg/> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<Button) "
		     "ATTR_NAME(on:click) EQ LBRACE IDENT(save) RBRACE "
		     "ATTR_NAME(bind:value) EQ LBRACE IDENT(v) RBRACE "
		     "ATTR_NAME(aria-label) EQ ATTR_VALUE('x > y') "
		     "ATTR_NAME(disabled) ATTR_NAME(size) EQ ATTR_VALUE(lg) "
		     "TAG_SELF_END TEXT( ) RBRACE");
	/* The quoted-expression braces include the quotes. */
	CHECK_INT_EQ(toks[11].type, TK_LBRACE);
	CHECK_INT_EQ(toks[11].len, 2);
	CHECK_INT_EQ(toks[13].type, TK_RBRACE);
	CHECK_INT_EQ(toks[13].len, 2);
	CHECK_STR_EQ(errs, "");
	/* Bare values stop at blanks, '>' and '/>'; may hold '/'. */
	CHECK_STR_EQ(lex("ui { <a href=/x/y>t</a><img src=a.png/><i x = 1 >"
			 "</i> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<a) ATTR_NAME(href) EQ "
		     "ATTR_VALUE(/x/y) TAG_END TEXT(t) TAG_CLOSE(</a>) "
		     "TAG_OPEN(<img) ATTR_NAME(src) EQ ATTR_VALUE(a.png) "
		     "TAG_SELF_END TAG_OPEN(<i) ATTR_NAME(x) EQ ATTR_VALUE(1) "
		     "TAG_END TAG_CLOSE(</i>) TEXT( ) RBRACE");
	/* Attribute strings keep '>' and braces as text, no escapes. */
	CHECK_STR_EQ(lex("ui { <p title=\"a > {b}\\\">x</p> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<p) ATTR_NAME(title) EQ "
		     "ATTR_VALUE(\"a > {b}\\\") TAG_END TEXT(x) TAG_CLOSE(</p>) "
		     "TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "");
	/* Names with dots, colons and dashes; closing tag with blanks. */
	CHECK_STR_EQ(lex("ui { <ui.Card x-y:z=\"1\"></ui.Card  \n> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<ui.Card) "
		     "ATTR_NAME(x-y:z) EQ ATTR_VALUE(\"1\") TAG_END "
		     "TAG_CLOSE(</ui.Card  \n>) TEXT( ) RBRACE");
}

TEST(lexer_void_elements)
{
	CHECK_STR_EQ(lex("ui { <div><br><input value={x}><hr/>t</div> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<div) TAG_END "
		     "TAG_OPEN(<br) TAG_SELF_END TAG_OPEN(<input) "
		     "ATTR_NAME(value) EQ LBRACE IDENT(x) RBRACE TAG_SELF_END "
		     "TAG_OPEN(<hr) TAG_SELF_END TEXT(t) TAG_CLOSE(</div>) "
		     "TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "");
	/* Case matters: <Input> is a component with content. */
	CHECK_STR_EQ(lex("ui { <Input>x</Input> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<Input) TAG_END TEXT(x) "
		     "TAG_CLOSE(</Input>) TEXT( ) RBRACE");
}

TEST(lexer_directives)
{
	CHECK_STR_EQ(lex("ui { {#if a > 1}x{:else if b}y{:elseif c}z{:else}w"
			 "{/if} }"),
		     "KW(ui) LBRACE TEXT( ) DIR_IF IDENT(a) GT NUMBER(1) "
		     "RBRACE TEXT(x) DIR_ELSEIF IDENT(b) RBRACE TEXT(y) "
		     "DIR_ELSEIF IDENT(c) RBRACE TEXT(z) DIR_ELSE TEXT(w) "
		     "DIR_END_IF TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(lex("ui { {#each item in items}<li>{item.name}</li>"
			 "{/each} }"),
		     "KW(ui) LBRACE TEXT( ) DIR_EACH IDENT(item) KW(in) "
		     "IDENT(items) RBRACE TAG_OPEN(<li) TAG_END LBRACE "
		     "IDENT(item) DOT IDENT(name) RBRACE TAG_CLOSE(</li>) "
		     "DIR_END_EACH TEXT( ) RBRACE");
	/* Blanks inside directives. */
	CHECK_STR_EQ(lex("ui { {#if\n a } {:else\t} {:else   if b} {/if  } "
			 "{/each\n} }"),
		     "KW(ui) LBRACE TEXT( ) DIR_IF IDENT(a) RBRACE TEXT( ) "
		     "DIR_ELSE TEXT( ) DIR_ELSEIF IDENT(b) RBRACE TEXT( ) "
		     "DIR_END_IF TEXT( ) DIR_END_EACH TEXT( ) RBRACE");
	/* Not directives: a longer word. */
	CHECK_STR_EQ(lex("ui { {#iffy} }"),
		     "KW(ui) LBRACE TEXT( ) LBRACE IDENT(iffy) RBRACE TEXT( ) "
		     "RBRACE");
	CHECK_STR_EQ(errs, "E0101@6");
	/* Spans. */
	lex("ui { {:else if x}{/each} }");
	CHECK_INT_EQ(toks[3].len, 9);
	CHECK_INT_EQ(toks[6].len, 7);
}

TEST(lexer_markup_expressions_nest_braces)
{
	CHECK_STR_EQ(lex("ui { <C data={ {a: 1, b: {c: 2}} } f={() => { go() }}/>"
			 "{ {x: 1}.x } }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<C) ATTR_NAME(data) EQ "
		     "LBRACE LBRACE IDENT(a) COLON NUMBER(1) COMMA IDENT(b) "
		     "COLON LBRACE IDENT(c) COLON NUMBER(2) RBRACE RBRACE "
		     "RBRACE ATTR_NAME(f) EQ LBRACE ARROW_LP RPAREN ARROW "
		     "LBRACE IDENT(go) LPAREN RPAREN RBRACE RBRACE "
		     "TAG_SELF_END LBRACE LBRACE IDENT(x) COLON NUMBER(1) "
		     "RBRACE DOT IDENT(x) RBRACE TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "");
	/* Strings with braces inside an expression. */
	CHECK_STR_EQ(lex("ui { {\"}\" + '{'} }"),
		     "KW(ui) LBRACE TEXT( ) LBRACE STRING(\"}\") PLUS "
		     "STRING('{') RBRACE TEXT( ) RBRACE");
	/* A '<' inside an expression is less-than. */
	CHECK_STR_EQ(lex("ui { {a<b} }"),
		     "KW(ui) LBRACE TEXT( ) LBRACE IDENT(a) LT IDENT(b) RBRACE "
		     "TEXT( ) RBRACE");
}

TEST(lexer_markup_comments)
{
	CHECK_STR_EQ(lex("ui { <p>a{/* note */}b<!-- x <y> {z} -->c</p> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<p) TAG_END TEXT(a) "
		     "TEXT(b) TEXT(c) TAG_CLOSE(</p>) TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "");
	/* A comment followed by an expression is part of it. */
	CHECK_STR_EQ(lex("ui { { /* c */ x } }"),
		     "KW(ui) LBRACE TEXT( ) LBRACE IDENT(x) RBRACE TEXT( ) "
		     "RBRACE");
	CHECK_STR_EQ(lex("ui { <!-- open"),
		     "KW(ui) LBRACE TEXT( )");
	CHECK_STR_EQ(errs, "E0108@5 E0106@3");
}

TEST(lexer_rbrace_closes_open_elements)
{
	CHECK_STR_EQ(lex("ui { <div><p>x } y"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<div) TAG_END "
		     "TAG_OPEN(<p) TAG_END TEXT(x ) RBRACE IDENT(y)");
	CHECK_STR_EQ(errs, "");
	/* Also from inside a tag. */
	CHECK_STR_EQ(lex("ui { <div class=\"a\" } y"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<div) ATTR_NAME(class) EQ "
		     "ATTR_VALUE(\"a\") RBRACE IDENT(y)");
	/* A stray closing tag in the block is still a token. */
	CHECK_STR_EQ(lex("ui { </p> } y"),
		     "KW(ui) LBRACE TEXT( ) TAG_CLOSE(</p>) TEXT( ) RBRACE "
		     "IDENT(y)");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_markup_errors)
{
	CHECK_STR_EQ(lex("ui { a < b <3 } x"),
		     "KW(ui) LBRACE TEXT( a ) TEXT( b ) TEXT(3 ) RBRACE "
		     "IDENT(x)");
	CHECK_STR_EQ(errs, "E0103@7 E0103@11");
	CHECK_STR_EQ(lex("ui { <a $ href=\"x\"></a> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<a) ATTR_NAME(href) EQ "
		     "ATTR_VALUE(\"x\") TAG_END TAG_CLOSE(</a>) TEXT( ) RBRACE");
	CHECK_STR_EQ(errs, "E0105@8");
	CHECK_STR_EQ(lex("ui { <a></a x> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<a) TAG_END "
		     "TAG_CLOSE(</a ) TEXT(x> ) RBRACE");
	CHECK_STR_EQ(errs, "E0105@8");
	CHECK_STR_EQ(lex("ui { <a title=\"open>x</a> }"),
		     "KW(ui) LBRACE TEXT( ) TAG_OPEN(<a) ATTR_NAME(title) EQ "
		     "ATTR_VALUE(\"open>x</a> })");
	CHECK_STR_EQ(errs, "E0102@14 E0106@5");
}

TEST(lexer_end_of_input_inside_constructs)
{
	lex("page A { ui { <div class=");
	CHECK_STR_EQ(errs, "E0106@14");
	lex("page A { ui { <div>text");
	CHECK_STR_EQ(errs, "E0106@14");
	lex("page A { ui { text");
	CHECK_STR_EQ(errs, "E0106@12");
	lex("page A { ui { <p>{a + ");
	CHECK_STR_EQ(errs, "E0106@17");
	lex("x { style_override { a {");
	CHECK_STR_EQ(errs, "E0106@19");
	/* In plain code unbalanced braces are the grammar's business. */
	lex("page A { {");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_markup_recovery_at_column_1)
{
	CHECK_STR_EQ(lex("page A {\n  ui {\n    <div>\n      <p>text\n"
			 "page B { }\n"),
		     "KW(page) IDENT(A) LBRACE KW(ui) LBRACE TAG_OPEN(<div) "
		     "TAG_END TAG_OPEN(<p) TAG_END TEXT(text\n) KW(page) "
		     "IDENT(B) LBRACE RBRACE");
	CHECK_STR_EQ(errs, "E0104@40");
	/* From inside a tag and an expression too. */
	lex("ui { <a href=\ncomponent C {}");
	CHECK_INT_EQ(toks[ntoks - 4].type, TK_COMPONENT);
	CHECK_STR_EQ(errs, "E0104@14");
	lex("ui { {a +\ndatabase {}");
	CHECK_INT_EQ(toks[ntoks - 3].type, TK_DATABASE);
	CHECK_STR_EQ(errs, "E0104@10");
	/* Not at column 1, or not followed by a name: still markup. */
	CHECK_STR_EQ(lex("ui {\n page B\npage\npages x\n}"),
		     "KW(ui) LBRACE TEXT(\n page B\npage\npages x\n) RBRACE");
	CHECK_STR_EQ(errs, "");
}

TEST(lexer_style_override)
{
	CHECK_STR_EQ(lex("style_override { .a { color: #fff; } /* } */ "
			 "b::after { content: \"}\"; } } x"),
		     "KW(style_override) LBRACE STYLE_TEXT( .a { color: #fff; } "
		     "/* } */ b::after { content: \"}\"; } ) RBRACE IDENT(x)");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(lex("style: override {a{}} style_override {}"),
		     "KW(style) COLON KW(override) LBRACE STYLE_TEXT(a{}) RBRACE "
		     "KW(style_override) LBRACE STYLE_TEXT() RBRACE");
	CHECK_INT_EQ(toks[8].len, 0);
	CHECK_INT_EQ(toks[8].off, 38);
	/* Recovery at a declaration line. */
	CHECK_STR_EQ(lex("style_override { a {\npage P {}"),
		     "KW(style_override) LBRACE STYLE_TEXT( a {\n) KW(page) "
		     "IDENT(P) LBRACE RBRACE");
	CHECK_STR_EQ(errs, "E0104@21");
	CHECK_STR_EQ(lex("style_override { /* x"),
		     "KW(style_override) LBRACE STYLE_TEXT( /* x)");
	CHECK_STR_EQ(errs, "E0108@17 E0106@15");
}

TEST(lexer_mode_overflow)
{
	char buf[4096];
	size_t o = 0;
	int i;
	struct lexer lx;
	struct token t;
	struct arena *a = arena_new();
	struct diag_list dl;
	int n = 0;

	o += (size_t)snprintf(buf, sizeof(buf), "ui { ");
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "<a>");
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "x } y");
	diag_list_init(&dl, a);
	lex_init(&lx, buf, o, &dl);
	do {
		lex_next(&lx, &t);
		n++;
	} while (t.type && n < 10000);
	CHECK_INT_EQ(t.type, 0);
	CHECK_INT_EQ(dl.n, 1);
	CHECK_STR_EQ(dl.v[0].code, "E0107");
	diag_list_free(&dl);
	arena_free(a);
}

TEST(lexer_token_names)
{
	CHECK_STR_EQ(lex_token_name(0), "end of input");
	CHECK_STR_EQ(lex_token_name(TK_LBRACE), "'{'");
	CHECK_STR_EQ(lex_token_name(TK_ARROW), "'=>'");
	CHECK_STR_EQ(lex_token_name(TK_IDENT), "identifier");
	CHECK_STR_EQ(lex_token_name(TK_NUMBER), "number");
	CHECK_STR_EQ(lex_token_name(TK_STRING), "string");
	CHECK_STR_EQ(lex_token_name(TK_PAGE), "keyword 'page'");
	CHECK_STR_EQ(lex_token_name(TK_TEXT), "text");
	CHECK_STR_EQ(lex_token_name(TK_TAG_OPEN), "start tag");
	CHECK_STR_EQ(lex_token_name(TK_TAG_CLOSE), "closing tag");
	CHECK_STR_EQ(lex_token_name(-1), "token");
	CHECK_STR_EQ(lex_token_name(100000), "token");
}

/* ---- robustness ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	/* xorshift64*: deterministic across runs and machines. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static const char *const pieces[] = {
	"ui", " ui {", "{", "}", "<", "<div", ">", "/>", "</div>", "</",
	"\"", "'", "\"{", "}\"", "=", "{#if", "{#each", "{:else}",
	"{:else if", "{/if}", "{/each}", "{/*", "*/", "/*", "//", "<!--",
	"-->", "\n", "\npage X {", "\ndatabase {", " ", "(", ")", "=>",
	"style_override", "override", "#", "#fff", "10MB", "5s", "1.5",
	"\\", "\0", "\xc3\xa9", "\xff", "x", "entity", "type", ":", "a=b",
	"<br>", "<input", "?.", "!", "&", "|",
};

static void
check_stream(const char *buf, size_t len)
{
	struct arena *a = arena_new();
	struct diag_list dl;
	struct lexer lx;
	struct token t;
	size_t n = 0, i;
	uint32_t last = 0;

	diag_list_init(&dl, a);
	lex_init(&lx, buf, len, &dl);
	for (;;) {
		lex_next(&lx, &t);
		if (t.off + (uint64_t)t.len > len || t.off < last) {
			test_fail(__FILE__, __LINE__,
				  "token %d at %u+%u out of bounds (len %zu)",
				  t.type, t.off, t.len, len);
			break;
		}
		last = t.off + t.len;
		if (!t.type)
			break;
		/* Only an empty STYLE_TEXT may not advance. */
		if (++n > 2 * len + 2) {
			test_fail(__FILE__, __LINE__, "no progress");
			break;
		}
	}
	for (i = 0; i < dl.n; i++)
		if (dl.v[i].off + (uint64_t)dl.v[i].len > len)
			test_fail(__FILE__, __LINE__, "diag %s out of bounds",
				  dl.v[i].code);
	diag_list_free(&dl);
	arena_free(a);
}

TEST(lexer_random_bytes)
{
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		size_t len = rnd() % 200, i;
		char *buf = malloc(len ? len : 1);

		for (i = 0; i < len; i++)
			buf[i] = (char)rnd();
		check_stream(buf, len);
		free(buf);
	}
}

TEST(lexer_random_fragments)
{
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		char tmp[1024];
		size_t len = 0, k = rnd() % 40, i;
		char *buf;

		for (i = 0; i < k; i++) {
			const char *p = pieces[rnd() % ARRAY_LEN(pieces)];
			size_t pl = *p ? strlen(p) : 1;

			if (len + pl > sizeof(tmp))
				break;
			memcpy(tmp + len, p, pl);
			len += pl;
		}
		buf = malloc(len ? len : 1);
		memcpy(buf, tmp, len);
		check_stream(buf, len);
		free(buf);
	}
}
