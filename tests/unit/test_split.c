/*
 * test_split.c - unit tests of the unit splitter (frontend/split.c): which
 * units a file yields, their kinds, names, spans, positions and hashes, and
 * the file-level errors and recovery around broken braces.
 */
#include <stdlib.h>
#include <string.h>

#include "../../frontend/frontend.h"
#include "parser.h"
#include "test.h"

static struct unit_src *units;
static size_t nunits;
static struct arena *arena;
static struct diag_list diags;
static char errs[2048];
static const char *text;

static const char *
kind_name(enum unit_kind k)
{
	switch (k) {
	case UNIT_ENTITY: return "entity";
	case UNIT_DESIGN: return "design";
	case UNIT_PAGE: return "page";
	case UNIT_COMPONENT: return "component";
	case UNIT_STORE: return "store";
	case UNIT_WORKFLOW: return "workflow";
	case UNIT_UPLOAD: return "upload";
	case UNIT_ALIAS: return "alias";
	default: return "?";
	}
}

/* Splits src and renders "kind name [text] | kind name [text]" into a
 * static buffer; file-level codes go to errs as "E0111@3 ...". */
static const char *
split(const char *src)
{
	static char out[8192];
	size_t o = 0, e = 0, i;
	char *buf;
	size_t len = strlen(src);

	free(units);
	if (arena) {
		diag_list_free(&diags);
		arena_free(arena);
	}
	arena = arena_new();
	diag_list_init(&diags, arena);
	diags.unit = 7;
	/* No terminator after the text, so ASan sees any overread. */
	buf = malloc(len ? len : 1);
	memcpy(buf, src, len);
	split_file(buf, len, &units, &nunits, &diags);
	CHECK_INT_EQ(diags.unit, 7);
	out[0] = 0;
	for (i = 0; i < nunits && o < sizeof(out) - 256; i++) {
		const struct unit_src *u = &units[i];

		CHECK(u->off + u->len <= len);
		CHECK(hash_eq(u->hash, hash_bytes(buf + u->off, u->len)));
		o += (size_t)snprintf(out + o, sizeof(out) - o,
				      "%s%s %.*s [%.*s]%s", i ? " | " : "",
				      kind_name(u->kind), (int)u->name_len,
				      buf + u->name_off, (int)u->len,
				      buf + u->off, u->truncated ? " T" : "");
	}
	errs[0] = 0;
	for (i = 0; i < diags.n && e < sizeof(errs) - 32; i++) {
		CHECK_INT_EQ(diags.v[i].unit, UINT32_MAX);
		e += (size_t)snprintf(errs + e, sizeof(errs) - e, "%s%s@%u",
				      i ? " " : "", diags.v[i].code,
				      (unsigned)diags.v[i].off);
	}
	free(buf);
	text = src;
	return out;
}

TEST(split_every_kind)
{
	const char *src =
		"database {\n"
		"  entity Invoice { number: String @unique }\n"
		"  entity Customer {\n    name: Text\n  }\n"
		"}\n"
		"design_system {\n"
		"  colors { light { brand: #3b5bdb } }\n"
		"  typography { weights { heavy: 800 } }\n"
		"  spacing { sm: 4 } radii { r: \"9px\" } shadows { }\n"
		"}\n"
		"page Checkout (guard: member) { ui { <p>{ {a: 1}.a }</p> } }\n"
		"component Card { param title: String }\n"
		"store Cart { state { items: list of Item = [] } }\n"
		"workflow Ship { trigger { on create(Order) } }\n"
		"upload Avatar { field image mime: [image/png] }\n"
		"type Money = Decimal\n";

	CHECK_STR_EQ(split(src),
		     "entity Invoice [entity Invoice { number: String @unique }] | "
		     "entity Customer [entity Customer {\n    name: Text\n  }] | "
		     "design colors [colors { light { brand: #3b5bdb } }] | "
		     "design typography [typography { weights { heavy: 800 } }] | "
		     "design spacing [spacing { sm: 4 }] | "
		     "design radii [radii { r: \"9px\" }] | "
		     "design shadows [shadows { }] | "
		     "page Checkout [page Checkout (guard: member) { ui { <p>"
		     "{ {a: 1}.a }</p> } }] | "
		     "component Card [component Card { param title: String }] | "
		     "store Cart [store Cart { state { items: list of Item = [] } }] | "
		     "workflow Ship [workflow Ship { trigger { on create(Order) } }] | "
		     "upload Avatar [upload Avatar { field image mime: [image/png] }] | "
		     "alias Money [type Money = Decimal]");
	CHECK_STR_EQ(errs, "");
	CHECK_INT_EQ(nunits, 13);
	CHECK_INT_EQ(units[0].kind, UNIT_ENTITY);
	CHECK_INT_EQ(units[0].line, 2);
	CHECK_INT_EQ(units[0].col, 3);
	CHECK_INT_EQ(units[1].line, 3);
	CHECK_INT_EQ(units[2].kind, UNIT_DESIGN);
	CHECK_INT_EQ(units[2].line, 8);
	CHECK_INT_EQ(units[5].line, 10);
	CHECK_INT_EQ(units[5].col, 21);
	CHECK_INT_EQ(units[7].kind, UNIT_PAGE);
	CHECK_INT_EQ(units[7].line, 12);
	CHECK_INT_EQ(units[7].col, 1);
	CHECK_INT_EQ(units[8].kind, UNIT_COMPONENT);
	CHECK_INT_EQ(units[9].kind, UNIT_STORE);
	CHECK_INT_EQ(units[10].kind, UNIT_WORKFLOW);
	CHECK_INT_EQ(units[11].kind, UNIT_UPLOAD);
	CHECK_INT_EQ(units[12].kind, UNIT_ALIAS);
	CHECK_INT_EQ(units[12].line, 17);
	CHECK(!units[7].truncated);
}

TEST(split_hash_depends_only_on_unit_bytes)
{
	struct hash128 h1, h2, h3;

	split("page A { ui { <p>x</p> } }");
	CHECK_INT_EQ(nunits, 1);
	h1 = units[0].hash;
	split("// another file\n\n\n   page A { ui { <p>x</p> } }\n"
	      "page B { }");
	CHECK_INT_EQ(nunits, 2);
	h2 = units[0].hash;
	h3 = units[1].hash;
	CHECK(hash_eq(h1, h2));
	CHECK(!hash_eq(h1, h3));
	CHECK_INT_EQ(units[0].line, 4);
	CHECK_INT_EQ(units[0].col, 4);
	CHECK_INT_EQ(units[1].line, 5);
	/* An entity hashes the same inside different database blocks. */
	split("database { entity A { x: String } }");
	h1 = units[0].hash;
	split("database {\n entity Z { }\n entity A { x: String }\n}");
	CHECK(hash_eq(h1, units[1].hash));
}

TEST(split_comments_and_strings_do_not_confuse_braces)
{
	CHECK_STR_EQ(split("page A { x = \"}\" // }\n /* } */ y = '{' }\n"
			   "page B { ui { <p title=\"}\">{ \"}\" }</p> } }"),
		     "page A [page A { x = \"}\" // }\n /* } */ y = '{' }] | "
		     "page B [page B { ui { <p title=\"}\">{ \"}\" }</p> } }]");
	CHECK_STR_EQ(errs, "");
	/* Directives open an expression closed by '}'. */
	CHECK_STR_EQ(split("page A { ui { {#if a}{#each x in y}<p/>{/each}"
			   "{:else if b}{:else}{/if} } } page B {}"),
		     "page A [page A { ui { {#if a}{#each x in y}<p/>{/each}"
		     "{:else if b}{:else}{/if} } }] | page B [page B {}]");
	CHECK_STR_EQ(errs, "");
	/* style_override CSS braces. */
	CHECK_STR_EQ(split("component C { style_override { .a { b: \"}\" } } } "
			   "component D {}"),
		     "component C [component C { style_override { .a { b: "
		     "\"}\" } } }] | component D [component D {}]");
	CHECK_STR_EQ(errs, "");
}

TEST(split_stray_tokens)
{
	CHECK_STR_EQ(split("foo bar 1 page A {} } x"),
		     "page A [page A {}]");
	CHECK_STR_EQ(errs, "E0111@0 E0111@20");
	CHECK_INT_EQ(diags.n, 2);
	CHECK(strstr(diags.v[0].message, "but found 'foo'") != NULL);
	CHECK(strstr(diags.v[1].message, "but found '}'") != NULL);
	/* A misspelled block is skipped whole, braces balanced. */
	CHECK_STR_EQ(split("pgae A { page X {} }\ncomponent C {}"),
		     "component C [component C {}]");
	CHECK_STR_EQ(errs, "E0111@0");
	/* An entity outside database gets a hint. */
	split("entity A { }");
	CHECK_STR_EQ(errs, "E0111@0");
	CHECK(diags.v[0].help != NULL);
	CHECK_INT_EQ(nunits, 0);
}

TEST(split_lexical_errors_outside_units)
{
	/* The '$' outside is reported here; the one inside is the
	 * parser's (it lexes the unit again). */
	CHECK_STR_EQ(split("$ page A { $ }"), "page A [page A { $ }]");
	CHECK_STR_EQ(errs, "E0101@0");
}

TEST(split_unclosed_brace_before_next_declaration)
{
	const char *src = "page A {\n  state { x: 1 }\n\npage B {\n}\n";

	CHECK_STR_EQ(split(src),
		     "page A [page A {\n  state { x: 1 }] T | "
		     "page B [page B {\n}]");
	CHECK_STR_EQ(errs, "E0115@7");
	CHECK_INT_EQ(diags.n, 1);
	CHECK(strstr(diags.v[0].message, "at line 4") != NULL);
	CHECK(diags.v[0].has_related);
	CHECK_INT_EQ(diags.v[0].rel_off, 27);
	CHECK(units[0].truncated);
	CHECK(!units[1].truncated);
	CHECK_INT_EQ(units[1].line, 4);
	/* Not at column 1: part of the unit. */
	CHECK_STR_EQ(split("page A {\n  page B {\n}"),
		     "page A [page A {\n  page B {\n}] T");
	CHECK_STR_EQ(errs, "E0116@7");
}

TEST(split_unclosed_ui_block)
{
	/* The lexer leaves the open markup at the column-1 line too. */
	CHECK_STR_EQ(split("page A {\n  ui {\n    <div>\n      <p>{x}\n"
			   "component B { ui { <p/> } }\n"),
		     "page A [page A {\n  ui {\n    <div>\n      <p>{x}] T | "
		     "component B [component B { ui { <p/> } }]");
	CHECK_STR_EQ(errs, "E0115@7");
	CHECK_INT_EQ(units[1].line, 5);
}

TEST(split_unclosed_at_end_of_input)
{
	CHECK_STR_EQ(split("page A { ui { <p>hi\n\n"),
		     "page A [page A { ui { <p>hi] T");
	CHECK_STR_EQ(errs, "E0116@7");
	CHECK_STR_EQ(split("store S { action a() {"),
		     "store S [store S { action a() {] T");
	CHECK_STR_EQ(errs, "E0116@8");
}

TEST(split_header_without_body)
{
	CHECK_STR_EQ(split("page A\npage B {}"),
		     "page A [page A] | page B [page B {}]");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(split("page { }"), "page  [page { }]");
	CHECK_INT_EQ(units[0].name_len, 0);
	/* A keyword may be a name; keywords in the guard are fine. */
	CHECK_STR_EQ(split("component store { } page P (guard: store) { }"),
		     "component store [component store { }] | "
		     "page P [page P (guard: store) { }]");
	CHECK_STR_EQ(split("workflow"), "workflow  [workflow]");
}

TEST(split_database_container)
{
	CHECK_STR_EQ(split("database {\n  foo: 1 { x }\n  entity A { }\n"
			   "  page P { }\n}"),
		     "entity A [entity A { }]");
	CHECK_STR_EQ(errs, "E0112@13 E0112@43");
	CHECK(strstr(diags.v[0].message, "only entity declarations") != NULL);
	/* An entity without a body ends at the database's '}'. */
	CHECK_STR_EQ(split("database { entity A } page P {}"),
		     "entity A [entity A] | page P [page P {}]");
	CHECK_STR_EQ(errs, "");
	/* 'database' without '{'. */
	CHECK_STR_EQ(split("database entity A {} page P {}"),
		     "page P [page P {}]");
	CHECK_STR_EQ(errs, "E0114@0 E0111@9");
}

TEST(split_database_unclosed)
{
	/* The database's own '}' is missing. */
	CHECK_STR_EQ(split("database {\n  entity A { }\npage P { }"),
		     "entity A [entity A { }] | page P [page P { }]");
	CHECK_STR_EQ(errs, "E0115@9");
	/* An entity's '}' is missing: the entity is cut, one error. */
	CHECK_STR_EQ(split("database {\n  entity A {\n    x: String\n"
			   "page P { }"),
		     "entity A [entity A {\n    x: String] T | "
		     "page P [page P { }]");
	CHECK_STR_EQ(errs, "E0115@22");
	CHECK_STR_EQ(split("database {"), "");
	CHECK_STR_EQ(errs, "E0116@9");
}

TEST(split_design_system_container)
{
	CHECK_STR_EQ(split("design_system {\n  fonts { a: 1 }\n  colors { }\n"
			   "  weights { }\n  : x\n  radii { }\n}"),
		     "design colors [colors { }] | design radii [radii { }]");
	CHECK_STR_EQ(errs, "E0113@18 E0113@48 E0113@62");
	CHECK(strstr(diags.v[0].message, "'fonts'") != NULL);
	CHECK(diags.v[0].help != NULL);
	CHECK(strstr(diags.v[2].message, "but found ':'") != NULL);
	CHECK_INT_EQ(units[0].name_len, 6);
}

TEST(split_type_alias)
{
	CHECK_STR_EQ(split("type Money = Decimal\ntype Id = Integer page P {}"),
		     "alias Money [type Money = Decimal] | "
		     "alias Id [type Id = Integer] | page P [page P {}]");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(split("type A =\nB"), "alias A [type A =]");
	CHECK_STR_EQ(errs, "E0111@9");
	CHECK_STR_EQ(split("type\nA = B"), "alias  [type]");
}

TEST(split_empty_and_blank_files)
{
	CHECK_STR_EQ(split(""), "");
	CHECK_INT_EQ(nunits, 0);
	CHECK_STR_EQ(split("  \n// only a comment\n"), "");
	CHECK_STR_EQ(errs, "");
	CHECK_STR_EQ(split("\xef\xbb\xbfpage A {}"), "page A [page A {}]");
	CHECK_INT_EQ(units[0].col, 4);
}

TEST(split_null_diagnostics)
{
	struct unit_src *u;
	size_t n;

	split_file("x page A { $ } y", 16, &u, &n, NULL);
	CHECK_INT_EQ(n, 1);
	free(u);
}

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

TEST(split_random_fragments)
{
	static const char *const pieces[] = {
		"page A", "component", " store S", "\nworkflow W ", "upload",
		"database", "design_system", "entity E", "colors", "fonts",
		"type T = X", "{", "}", "{", "}", "\n", " ", "ui {", "<div>",
		"</div>", "\"", "'", "{#if x}", "{/if}", "style_override {",
		"(guard: r)", "$", "\0", "\npage Q {", "/*", "*/", "//",
	};
	int iter;

	free(units);
	units = NULL;
	for (iter = 0; iter < 5000; iter++) {
		char tmp[2048];
		size_t len = 0, k = rnd() % 60, i;
		uint32_t last = 0;

		for (i = 0; i < k; i++) {
			const char *p = pieces[rnd() % ARRAY_LEN(pieces)];
			size_t pl = *p ? strlen(p) : 1;

			if (len + pl >= sizeof(tmp))
				break;
			memcpy(tmp + len, p, pl);
			len += pl;
		}
		tmp[len] = 0;
		split_file(tmp, len, &units, &nunits, NULL);
		for (i = 0; i < nunits; i++) {
			CHECK(units[i].off >= last);
			CHECK(units[i].off + units[i].len <= len);
			CHECK(units[i].name_len == 0 ||
			      (units[i].name_off >= units[i].off &&
			       units[i].name_off + units[i].name_len <=
				       units[i].off + units[i].len));
			last = units[i].off + units[i].len;
		}
		free(units);
		units = NULL;
	}
}

TEST(split_large_file_is_linear)
{
	static const char unit[] =
		"page P%06d (guard: member) {\n"
		"  state { count: Integer = 0 }\n"
		"  action inc() { count = count + 1 }\n"
		"  ui {\n"
		"    <div class=\"c\" on:click={inc}>\n"
		"      {#if count > 1}<p>Many: {count}</p>{:else}<p>few</p>{/if}\n"
		"    </div>\n"
		"  }\n"
		"}\n";
	struct sbuf b;
	struct unit_src *u;
	size_t n;
	int i;
	uint64_t t0;

	sbuf_init(&b);
	for (i = 0; i < 20000; i++)
		sbuf_printf(&b, unit, i);
	t0 = base_now_ns();
	split_file(b.p, b.len, &u, &n, NULL);
	t0 = base_now_ns() - t0;
	CHECK_INT_EQ(n, 20000);
	CHECK_INT_EQ(u[19999].line, 19999 * 9 + 1);
	/* Generous: ~4 MB; the point is catching quadratic behaviour. */
	CHECK(t0 < 3000000000ull);
	free(u);
	sbuf_free(&b);
}
