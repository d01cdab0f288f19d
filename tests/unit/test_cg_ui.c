/*
 * test_cg_ui.c - pages, components, theme.css and the Next.js app
 * (codegen/react.c, expr.c, theme.c, next.c). Each test parses a piece
 * of Locus with the real splitter and parser, builds a model and compares
 * the emitted text with the expected file, whole.
 *
 * With LOCUS_CG_DUMP=dir set, every emitted page and component is also
 * written under dir (react/pages, react/components), so the output can
 * be type-checked with tsc by hand.
 */
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/stat.h>

#include "codegen/codegen.h"
#include "frontend/frontend.h"
#include "test.h"

struct fixture {
	struct arena *a;
	struct interner *in;
	struct diag_list d;
	struct unit_src *units;
	size_t nunits;
	struct cg_model m;
};

static struct fixture F;
/* Sub-folder of LOCUS_CG_DUMP the emitted files go to. */
static const char *dump_sub = "tests";

static void
add_decl(struct cg_decl **list, size_t *n, struct cg_decl d)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = d;
}

static void
unload(void)
{
	free(F.m.entities);
	free(F.m.design);
	free(F.m.pages);
	free(F.m.components);
	free(F.units);
	if (F.a) {
		diag_list_free(&F.d);
		arena_free(F.a);
	}
	if (F.in)
		intern_free(F.in);
	memset(&F, 0, sizeof(F));
}

/* Parses src into F.m; every unit must parse without errors. */
static void
load(const char *src)
{
	size_t i;

	unload();
	F.a = arena_new();
	F.in = intern_new();
	diag_list_init(&F.d, F.a);
	split_file(src, strlen(src), &F.units, &F.nunits, &F.d);
	for (i = 0; i < F.nunits; i++) {
		const struct unit_src *us = &F.units[i];
		struct ast_unit *u = parse_unit(src + us->off, us->len, F.a,
						F.in, &F.d);
		struct cg_decl d;

		if (!u) {
			test_fail(__FILE__, __LINE__, "unit %zu not parsed", i);
			continue;
		}
		memset(&d, 0, sizeof(d));
		d.ast = u;
		d.text = src + us->off;
		d.len = us->len;
		cg_decl_facts(&d, F.a);
		switch (u->kind) {
		case UNIT_ENTITY:
			add_decl(&F.m.entities, &F.m.nentities, d);
			break;
		case UNIT_DESIGN:
			add_decl(&F.m.design, &F.m.ndesign, d);
			break;
		case UNIT_PAGE:
			add_decl(&F.m.pages, &F.m.npages, d);
			break;
		case UNIT_COMPONENT:
			add_decl(&F.m.components, &F.m.ncomponents, d);
			break;
		default:
			break;
		}
	}
	if (F.d.errors)
		test_fail(__FILE__, __LINE__, "test source has %zu errors",
			  (size_t)F.d.errors);
}

static void
dump(const char *sub, const char *name, const char *ext, const char *text)
{
	const char *dir = getenv("LOCUS_CG_DUMP");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, dump_sub);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/%s/react", dir, dump_sub);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/%s/react/%s", dir, dump_sub, sub);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/%s/react/%s/%s%s", dir, dump_sub, sub,
		 name, ext);
	if ((f = fopen(path, "w"))) {
		fputs(text, f);
		fclose(f);
	}
}

static size_t
page_index(const char *name)
{
	size_t i;

	for (i = 0; i < F.m.npages; i++)
		if (strcmp(F.m.pages[i].ast->name->s, name) == 0)
			return i;
	test_fail(__FILE__, __LINE__, "no page %s", name);
	return 0;
}

static size_t
component_index(const char *name)
{
	size_t i;

	for (i = 0; i < F.m.ncomponents; i++)
		if (strcmp(F.m.components[i].ast->name->s, name) == 0)
			return i;
	test_fail(__FILE__, __LINE__, "no component %s", name);
	return 0;
}

/* The emitted page; the caller frees. */
static char *
page(const char *name)
{
	struct sbuf o;

	sbuf_init(&o);
	cg_emit_page(&F.m, page_index(name), &o);
	dump("pages", name, ".tsx", o.p);
	return o.p;
}

static char *
component(const char *name)
{
	struct sbuf o;

	sbuf_init(&o);
	cg_emit_component(&F.m, component_index(name), &o);
	dump("components", name, ".tsx", o.p);
	return o.p;
}

#define CHECK_OUT(expr, expected)                                         \
	do {                                                              \
		char *got_ = (expr);                                      \
		CHECK_STR_EQ(got_, expected);                             \
		free(got_);                                               \
	} while (0)

/* Every component and page of the fixture, for the tsc dump. */
static void
dump_all(void)
{
	size_t i;

	for (i = 0; i < F.m.npages; i++)
		free(page(F.m.pages[i].ast->name->s));
	for (i = 0; i < F.m.ncomponents; i++)
		free(component(F.m.components[i].ast->name->s));
}

/* ------------------------------------------------------------------ */
/* OUTPUTS.md section 3: BookList and BookCard                        */
/* ------------------------------------------------------------------ */

static const char *const LIBRARY =
    "database {\n"
    "  entity Author {\n"
    "    name: String\n"
    "    books: has_many Book\n"
    "  }\n"
    "  entity Book {\n"
    "    title: String @unique\n"
    "    pages: Integer @default(100)\n"
    "    authorId: Integer\n"
    "    author: belongs_to Author\n"
    "  }\n"
    "}\n"
    "page BookList {\n"
    "  state {\n"
    "    books: list of Book = []\n"
    "    filter: String = \"\"\n"
    "  }\n"
    "  on load {\n"
    "    setBooks([])\n"
    "  }\n"
    "  action refresh() {\n"
    "    setFilter(\"\")\n"
    "  }\n"
    "  ui {\n"
    "    <Stack>\n"
    "      <Text>Books</Text>\n"
    "      <BookCard for:each={b in books} title={b.title} />\n"
    "      <Button on:click={refresh}>Reload</Button>\n"
    "    </Stack>\n"
    "  }\n"
    "}\n"
    "component BookCard {\n"
    "  param title: String\n"
    "  ui {\n"
    "    <article class=\"card\">{title}</article>\n"
    "  }\n"
    "}\n";

TEST(cg_page_booklist)
{
	load(LIBRARY);
	CHECK_OUT(page("BookList"),
		  "// Generated by locusc from Locus sources (react page). "
		  "Do not edit.\n"
		  "'use client';\n"
		  "\n"
		  "import React, { useState, useEffect } from 'react';\n"
		  "import type { Book } from '../entities';\n"
		  "import { Button, Stack, Text } from "
		  "'../runtime/_locusRuntime';\n"
		  "import BookCard from '../components/BookCard';\n"
		  "\n"
		  "export default function BookList() {\n"
		  "  const [books, setBooks] = useState<Book[]>([]);\n"
		  "  const [filter, setFilter] = useState('');\n"
		  "\n"
		  "  useEffect(() => {\n"
		  "    setBooks([]);\n"
		  "  }, []);\n"
		  "\n"
		  "  function refresh() {\n"
		  "    setFilter('');\n"
		  "  }\n"
		  "\n"
		  "  return (\n"
		  "    <Stack>\n"
		  "      <Text>Books</Text>\n"
		  "      {books.map((b, index) => (\n"
		  "        <BookCard key={index} title={b.title} />\n"
		  "      ))}\n"
		  "      <Button onClick={refresh}>Reload</Button>\n"
		  "    </Stack>\n"
		  "  );\n"
		  "}\n");
	CHECK_OUT(component("BookCard"),
		  "// Generated by locusc from Locus sources (react component). "
		  "Do not edit.\n"
		  "\n"
		  "import React from 'react';\n"
		  "\n"
		  "export interface BookCardProps {\n"
		  "  title: string;\n"
		  "}\n"
		  "\n"
		  "export default function BookCard({ title }: BookCardProps) "
		  "{\n"
		  "  return (\n"
		  "    <article className=\"card\">{title}</article>\n"
		  "  );\n"
		  "}\n");
	unload();
}

/* ------------------------------------------------------------------ */
/* OUTPUTS.md section 9: Panel and Audit                              */
/* ------------------------------------------------------------------ */

static const char *const PANEL =
    "component Panel {\n"
    "  param heading: String\n"
    "  style_override {\n"
    "    .panel { padding: 12px; border: 1px solid var(--color-paper) }\n"
    "  }\n"
    "  ui {\n"
    "    <section class=\"panel\"><h3>{heading}</h3>{children}</section>\n"
    "  }\n"
    "}\n"
    "page Audit {\n"
    "  action record() { log() }\n"
    "  ui { <Panel heading=\"Log\">entries</Panel> }\n"
    "}\n";

TEST(cg_component_panel)
{
	struct cg_plan p;
	struct sbuf o;

	load(PANEL);
	CHECK_OUT(component("Panel"),
		  "// Generated by locusc from Locus sources (react component). "
		  "Do not edit.\n"
		  "\n"
		  "import React from 'react';\n"
		  "import './Panel.css';\n"
		  "\n"
		  "export interface PanelProps {\n"
		  "  heading: string;\n"
		  "  children?: React.ReactNode;\n"
		  "}\n"
		  "\n"
		  "// Not declared as params, added because the UI renders "
		  "them: children.\n"
		  "// Declare them with `param <name>: slot` to make this "
		  "explicit.\n"
		  "\n"
		  "export default function Panel({ heading, children }: "
		  "PanelProps) {\n"
		  "  return (\n"
		  "    <section className=\"panel\">\n"
		  "      <h3>{heading}</h3>\n"
		  "      {children}\n"
		  "    </section>\n"
		  "  );\n"
		  "}\n");
	CHECK_OUT(page("Audit"),
		  "// Generated by locusc from Locus sources (react page). "
		  "Do not edit.\n"
		  "'use client';\n"
		  "\n"
		  "import React from 'react';\n"
		  "import { log } from '../runtime/dataClient';\n"
		  "import Panel from '../components/Panel';\n"
		  "\n"
		  "export default function Audit() {\n"
		  "  function record() {\n"
		  "    log();\n"
		  "  }\n"
		  "\n"
		  "  return (\n"
		  "    <Panel heading=\"Log\">entries</Panel>\n"
		  "  );\n"
		  "}\n");

	sbuf_init(&o);
	cg_emit_component_css(&F.m, 0, &o);
	CHECK_STR_EQ(o.p, "/* Generated by locusc from Locus sources (component "
			  "style). Do not edit. */\n"
			  ".panel { padding: 12px; border: 1px solid "
			  "var(--color-paper) }\n");
	sbuf_free(&o);

	/* The plan reads the warning from the component's facts. */
	CHECK(F.m.components[0].warnings != NULL &&
	      strncmp(F.m.components[0].warnings,
		      "slot_children_auto_add\t", 23) == 0);
	cg_plan_build(&F.m, &p);
	CHECK_INT_EQ(p.nwarnings, 1);
	if (p.nwarnings == 1) {
		CHECK_STR_EQ(p.warnings[0].kind, "slot_children_auto_add");
		CHECK(strstr(p.warnings[0].message, "Panel") != NULL);
	}
	cg_plan_free(&p);
	unload();
}

/* ------------------------------------------------------------------ */
/* UI rendering                                                       */
/* ------------------------------------------------------------------ */

/* The part of a page from `return (` on, for UI tests. */
static char *
page_return(const char *name)
{
	char *all = page(name);
	char *r = strstr(all, "  return");
	char *out = xstrdup(r ? r : all);

	free(all);
	return out;
}

TEST(cg_ui_nested_loops)
{
	load("page Shelf {\n"
	     "  state { rows: list of Json = [] }\n"
	     "  ui {\n"
	     "    <table>\n"
	     "      <tr for:each={row in rows}>\n"
	     "        <td for:each={cell in row.cells}>{cell}</td>\n"
	     "      </tr>\n"
	     "    </table>\n"
	     "    <p>{#each r, i in rows}\n"
	     "      <b>{i}</b> {r.name}\n"
	     "    {/each}</p>\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(page_return("Shelf"),
		  "  return (\n"
		  "    <>\n"
		  "      <table>\n"
		  "        {rows.map((row: any, index: number) => (\n"
		  "          <tr key={index}>\n"
		  "            {row.cells.map((cell: any, index2: number) => (\n"
		  "              <td key={index2}>{cell}</td>\n"
		  "            ))}\n"
		  "          </tr>\n"
		  "        ))}\n"
		  "      </table>\n"
		  "      <p>\n"
		  "        {rows.map((r: any, i: number) => (\n"
		  "          <React.Fragment key={i}>\n"
		  "            <b>{i}</b>\n"
		  "            {' '}{r.name}\n"
		  "          </React.Fragment>\n"
		  "        ))}\n"
		  "      </p>\n"
		  "    </>\n"
		  "  );\n"
		  "}\n");
	unload();
}

TEST(cg_ui_if_chain)
{
	load("page Status {\n"
	     "  state { n: Integer = 0\n  ok: Boolean = true }\n"
	     "  ui {\n"
	     "    <div>\n"
	     "      <if condition={n == 0}>\n"
	     "        <p>none</p>\n"
	     "      </if>\n"
	     "      <elseif condition={n != 1 && ok}>\n"
	     "        {n} items\n"
	     "      </elseif>\n"
	     "      <else>\n"
	     "        <p>one</p>\n"
	     "        <p>item</p>\n"
	     "      </else>\n"
	     "      {#if ok}<span>ok</span>{/if}\n"
	     "    </div>\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(page_return("Status"),
		  "  return (\n"
		  "    <div>\n"
		  "      {n === 0 ? (\n"
		  "        <p>none</p>\n"
		  "      ) : n !== 1 && ok ? (\n"
		  "        <>{n} items</>\n"
		  "      ) : (\n"
		  "        <>\n"
		  "          <p>one</p>\n"
		  "          <p>item</p>\n"
		  "        </>\n"
		  "      )}\n"
		  "      {ok ? (\n"
		  "        <span>ok</span>\n"
		  "      ) : null}\n"
		  "    </div>\n"
		  "  );\n"
		  "}\n");
	unload();
}

TEST(cg_ui_text_and_attrs)
{
	load("page Texts {\n"
	     "  state { name: String = \"x\"\n  age: Integer = 1\n"
	     "    agree: Boolean = false }\n"
	     "  action hover() { }\n"
	     "  ui {\n"
	     "    <p class=\"a\">Hello, {name}! a > b</p>\n"
	     "    <div on:mouse-enter={hover} data-x=\"1\" hidden>\n"
	     "      <label for=\"n\">Name:</label> <input id=\"n\" "
	     "bind:value={name} />\n"
	     "      <input type=\"number\" bind:value={age} />\n"
	     "      <input type=\"checkbox\" bind:checked={agree} />\n"
	     "      <Input bind:value={name} />\n"
	     "    </div>\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(page_return("Texts"),
		  "  return (\n"
		  "    <>\n"
		  "      <p className=\"a\">Hello, {name}! a {'>'} b</p>\n"
		  "      <div onMouseEnter={hover} data-x=\"1\" hidden>\n"
		  "        <label htmlFor=\"n\">Name:</label>\n"
		  "        {' '}\n"
		  "        <input id=\"n\" value={name} onChange={(e) => "
		  "setName(e.target.value)} />\n"
		  "        <input\n"
		  "          type=\"number\"\n"
		  "          value={age}\n"
		  "          onChange={(e) => setAge(Number(e.target.value))}\n"
		  "        />\n"
		  "        <input\n"
		  "          type=\"checkbox\"\n"
		  "          checked={agree}\n"
		  "          onChange={(e) => setAgree(e.target.checked)}\n"
		  "        />\n"
		  "        <Input value={name} onChange={setName} />\n"
		  "      </div>\n"
		  "    </>\n"
		  "  );\n"
		  "}\n");
	unload();
}

/* A space between siblings at the top of the ui block or of an {#if}
 * body is kept; the blanks next to the braces are not. */
TEST(cg_ui_block_level_spaces)
{
	load("page Spaces {\n"
	     "  state { y: Integer = 1 }\n"
	     "  ui { <b>x</b> {y} }\n"
	     "}\n"
	     "page Branch {\n"
	     "  state { c: Boolean = true }\n"
	     "  ui {\n"
	     "    {#if c} <b>x</b> {c} {:else} <i/> {/if}\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(page_return("Spaces"),
		  "  return (\n"
		  "    <>\n"
		  "      <b>x</b>\n"
		  "      {' '}{y}\n"
		  "    </>\n"
		  "  );\n"
		  "}\n");
	CHECK_OUT(page_return("Branch"),
		  "  return (\n"
		  "    <>\n"
		  "      {c ? (\n"
		  "        <>\n"
		  "          <b>x</b>\n"
		  "          {' '}{c}\n"
		  "        </>\n"
		  "      ) : (\n"
		  "        <i />\n"
		  "      )}\n"
		  "    </>\n"
		  "  );\n"
		  "}\n");
	unload();
}

TEST(cg_ui_slots_both_sides)
{
	load("component Card {\n"
	     "  param title: String\n"
	     "  param footerSlot: slot\n"
	     "  ui {\n"
	     "    <div><h2>{title}</h2><slot/><slot name=\"aside\"/>"
	     "<footer>{footerSlot}</footer></div>\n"
	     "  }\n"
	     "}\n"
	     "page Use {\n"
	     "  ui {\n"
	     "    <Card title=\"T\">\n"
	     "      body text\n"
	     "      <footerSlot><small>fine print</small></footerSlot>\n"
	     "      <em slot=\"aside\">note</em>\n"
	     "    </Card>\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(component("Card"),
		  "// Generated by locusc from Locus sources (react component). "
		  "Do not edit.\n"
		  "\n"
		  "import React from 'react';\n"
		  "\n"
		  "export interface CardProps {\n"
		  "  title: string;\n"
		  "  footerSlot?: React.ReactNode;\n"
		  "  children?: React.ReactNode;\n"
		  "  aside?: React.ReactNode;\n"
		  "}\n"
		  "\n"
		  "// Not declared as params, added because the UI renders "
		  "them: children, aside.\n"
		  "// Declare them with `param <name>: slot` to make this "
		  "explicit.\n"
		  "\n"
		  "export default function Card({ title, footerSlot, children, "
		  "aside }: CardProps) {\n"
		  "  return (\n"
		  "    <div>\n"
		  "      <h2>{title}</h2>\n"
		  "      {children}{aside}\n"
		  "      <footer>{footerSlot}</footer>\n"
		  "    </div>\n"
		  "  );\n"
		  "}\n");
	CHECK_OUT(page_return("Use"),
		  "  return (\n"
		  "    <Card\n"
		  "      title=\"T\"\n"
		  "      footerSlot={<small>fine print</small>}\n"
		  "      aside={<em>note</em>}\n"
		  "    >\n"
		  "      body text\n"
		  "    </Card>\n"
		  "  );\n"
		  "}\n");
	unload();
}

TEST(cg_actions_and_data)
{
	load("database {\n"
	     "  entity Loan {\n"
	     "    renewals: Integer\n"
	     "    memberId: Integer\n"
	     "  }\n"
	     "}\n"
	     "page Loans {\n"
	     "  state {\n"
	     "    loans: list of Loan = []\n"
	     "    count: Integer = 0\n"
	     "    form: Json = {}\n"
	     "    picked: Loan? = null\n"
	     "  }\n"
	     "  on load {\n"
	     "    loans = await find(Loan, where: { memberId: 1 }, take: 10)\n"
	     "  }\n"
	     "  action renew(id: Integer, note) {\n"
	     "    const loan = await findOne(Loan, where: { id: id })\n"
	     "    if (loan == null) { return }\n"
	     "    await update(loan, { renewals: loan.renewals + 1 })\n"
	     "    count += 1\n"
	     "    form.note = note\n"
	     "    let n = count * (2 + 1)\n"
	     "    n = n - 1\n"
	     "    log(\"renewed\", n)\n"
	     "  }\n"
	     "  action add() {\n"
	     "    const made = await create(Loan, { renewals: 0, memberId: 1 })\n"
	     "    await delete(made)\n"
	     "    picked = made\n"
	     "    loans = loans.filter((l) => l.renewals > 0 || !l.memberId)\n"
	     "  }\n"
	     "  ui { <button on:click={() => count = count + 1}>{count}"
	     "</button> }\n"
	     "}\n");
	CHECK_OUT(page("Loans"),
		  "// Generated by locusc from Locus sources (react page). "
		  "Do not edit.\n"
		  "'use client';\n"
		  "\n"
		  "import React, { useState, useEffect } from 'react';\n"
		  "import type { Loan } from '../entities';\n"
		  "import { create, find, findOne, log, remove, update } from "
		  "'../runtime/dataClient';\n"
		  "\n"
		  "export default function Loans() {\n"
		  "  const [loans, setLoans] = useState<Loan[]>([]);\n"
		  "  const [count, setCount] = useState(0);\n"
		  "  const [form, setForm] = useState<any>({});\n"
		  "  const [picked, setPicked] = useState<Loan | null>(null);\n"
		  "\n"
		  "  useEffect(() => {\n"
		  "    void (async () => {\n"
		  "      setLoans(await find<Loan>('loan', { where: { memberId: "
		  "1 }, take: 10 }));\n"
		  "    })();\n"
		  "  }, []);\n"
		  "\n"
		  "  async function renew(id: number, note: any) {\n"
		  "    const loan = await findOne<Loan>('loan', { id: id });\n"
		  "    if (loan === null) {\n"
		  "      return;\n"
		  "    }\n"
		  "    await update(loan, { renewals: loan.renewals + 1 });\n"
		  "    setCount(count + 1);\n"
		  "    setForm({ ...form, note: note });\n"
		  "    let n = count * (2 + 1);\n"
		  "    n = n - 1;\n"
		  "    log('renewed', n);\n"
		  "  }\n"
		  "\n"
		  "  async function add() {\n"
		  "    const made = await create<Loan>('loan', { renewals: 0, "
		  "memberId: 1 });\n"
		  "    await remove(made);\n"
		  "    setPicked(made);\n"
		  "    setLoans(loans.filter((l) => l.renewals > 0 || "
		  "!l.memberId));\n"
		  "  }\n"
		  "\n"
		  "  return (\n"
		  "    <button onClick={() => setCount(count + 1)}>{count}"
		  "</button>\n"
		  "  );\n"
		  "}\n");
	unload();
}

TEST(cg_expr_precedence)
{
	load("page Calc {\n"
	     "  state { a: Integer = 1\n  b: Integer = 2\n"
	     "    s: String? = null }\n"
	     "  ui {\n"
	     "    <p>{(a + b) * 2} {a - (b - 1)} {a - b - 1} {-(-a)} "
	     "{(a > 1) ? 'x' : \"y's\"} {s ?? (a > 0 && 'z')}</p>\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(page_return("Calc"),
		  "  return (\n"
		  "    <p>{(a + b) * 2} {a - (b - 1)} {a - b - 1} {-(-a)} "
		  "{(a > 1) ? 'x' : 'y\\'s'} {s ?? (a > 0 && 'z')}</p>\n"
		  "  );\n"
		  "}\n");
	unload();
}

/* ------------------------------------------------------------------ */
/* react/entities.ts and entity type imports                          */
/* ------------------------------------------------------------------ */

TEST(cg_entities_ts)
{
	struct sbuf o;

	load("database {\n"
	     "  entity Order {\n"
	     "    total: Decimal @default(0)\n"
	     "    fine: BigInt?\n"
	     "    placedAt: DateTime @default(now())\n"
	     "    shippedAt: DateTime | Null\n"
	     "    meta: Json?\n"
	     "    tags: String[]\n"
	     "    paid: Boolean\n"
	     "    rating: Float\n"
	     "    customerId: Integer\n"
	     "    customer: belongs_to Customer\n"
	     "    items: has_many Item\n"
	     "    ghost: has_many Nowhere\n"
	     "  }\n"
	     "  entity Customer {\n"
	     "    email: Email @unique\n"
	     "    code: UUID @id @default(uuid())\n"
	     "    address: has_one Address\n"
	     "    orders: has_many Order\n"
	     "  }\n"
	     "  entity Address {\n"
	     "    id: Integer\n"
	     "    customerId: Integer?\n"
	     "    customer: belongs_to Customer?\n"
	     "  }\n"
	     "}\n");
	sbuf_init(&o);
	cg_emit_entities(&F.m, 0, &o);
	CHECK_STR_EQ(o.p,
		     "// Generated by locusc from Locus sources (entity types). "
		     "Do not edit.\n"
		     "// The JSON the REST API sends for each entity. DateTime "
		     "is ISO text,\n"
		     "// Decimal and BigInt are decimal text; relations are "
		     "there only when a\n"
		     "// query includes them.\n"
		     "\n"
		     "export interface Address {\n"
		     "  id: number;\n"
		     "  customerId: number | null;\n"
		     "  customer?: Customer | null;\n"
		     "}\n"
		     "\n"
		     "export interface Customer {\n"
		     "  email: string;\n"
		     "  code: string;\n"
		     "  address?: Address | null;\n"
		     "  orders?: Order[];\n"
		     "}\n"
		     "\n"
		     "export interface Order {\n"
		     "  id: number;\n"
		     "  total: string;\n"
		     "  fine: string | null;\n"
		     "  placedAt: string;\n"
		     "  shippedAt: string | null;\n"
		     "  meta: any | null;\n"
		     "  tags: string[];\n"
		     "  paid: boolean;\n"
		     "  rating: number;\n"
		     "  customerId: number;\n"
		     "  customer?: Customer;\n"
		     "}\n");
	sbuf_free(&o);

	/* No entities: still a module. */
	load("page Empty { ui { <p/> } }\n");
	sbuf_init(&o);
	cg_emit_entities(&F.m, 0, &o);
	CHECK(strstr(o.p, "\nexport {};\n") != NULL);
	sbuf_free(&o);
	unload();
}

/* An entity named like a component (or a built-in) is imported under an
 * alias wherever both could meet. */
TEST(cg_entity_alias)
{
	load("database {\n"
	     "  entity Book {\n"
	     "    title: String\n"
	     "    due: DateTime\n"
	     "  }\n"
	     "  entity Stack {\n"
	     "    body: String\n"
	     "  }\n"
	     "}\n"
	     "component Book {\n"
	     "  param book: Book\n"
	     "  ui { <article>{book.title}</article> }\n"
	     "}\n"
	     "page Shelf {\n"
	     "  state {\n"
	     "    books: list of Book = []\n"
	     "    piles: list of Stack = []\n"
	     "  }\n"
	     "  action load() {\n"
	     "    books = await find(Book)\n"
	     "    books = books.filter((b) => b.due < now)\n"
	     "  }\n"
	     "  ui {\n"
	     "    <Text>Shelf</Text>\n"
	     "    <Book for:each={b in books} book={b} />\n"
	     "  }\n"
	     "}\n");
	CHECK_OUT(component("Book"),
		  "// Generated by locusc from Locus sources (react component). "
		  "Do not edit.\n"
		  "\n"
		  "import React from 'react';\n"
		  "import type { Book as BookRecord } from '../entities';\n"
		  "\n"
		  "export interface BookProps {\n"
		  "  book: BookRecord;\n"
		  "}\n"
		  "\n"
		  "export default function Book({ book }: BookProps) {\n"
		  "  return (\n"
		  "    <article>{book.title}</article>\n"
		  "  );\n"
		  "}\n");
	CHECK_OUT(page("Shelf"),
		  "// Generated by locusc from Locus sources (react page). "
		  "Do not edit.\n"
		  "'use client';\n"
		  "\n"
		  "import React, { useState } from 'react';\n"
		  "import type { Book as BookRecord, Stack as StackRecord } "
		  "from '../entities';\n"
		  "import { Text } from '../runtime/_locusRuntime';\n"
		  "import { find } from '../runtime/dataClient';\n"
		  "import Book from '../components/Book';\n"
		  "\n"
		  "export default function Shelf() {\n"
		  "  const [books, setBooks] = useState<BookRecord[]>([]);\n"
		  "  const [piles, setPiles] = useState<StackRecord[]>([]);\n"
		  "\n"
		  "  async function load() {\n"
		  "    setBooks(await find<BookRecord>('book'));\n"
		  "    setBooks(books.filter((b) => b.due < new Date()"
		  ".toISOString()));\n"
		  "  }\n"
		  "\n"
		  "  return (\n"
		  "    <>\n"
		  "      <Text>Shelf</Text>\n"
		  "      {books.map((b, index) => (\n"
		  "        <Book key={index} book={b} />\n"
		  "      ))}\n"
		  "    </>\n"
		  "  );\n"
		  "}\n");
	unload();
}

/* ------------------------------------------------------------------ */
/* The example apps, dumped for tsc (only with LOCUS_CG_DUMP)         */
/* ------------------------------------------------------------------ */

/* react/entities.ts, which the dumped pages and components import. */
static void
dump_entities(void)
{
	const char *dir = getenv("LOCUS_CG_DUMP");
	struct sbuf o;
	char path[512];
	FILE *f;

	sbuf_init(&o);
	cg_emit_entities(&F.m, 0, &o);
	snprintf(path, sizeof(path), "%s/%s/react/entities.ts", dir,
		 dump_sub);
	if ((f = fopen(path, "w"))) {
		fputs(o.p, f);
		fclose(f);
	}
	sbuf_free(&o);
}

static void
dump_example(const char *name)
{
	char pattern[256];
	struct sbuf all;
	glob_t g;
	size_t i;
	static const char *const depth[] = { "%s/*.locus", "%s/*/*.locus",
					     "%s/*/*/*.locus" };

	sbuf_init(&all);
	for (i = 0; i < ARRAY_LEN(depth); i++) {
		size_t k;

		snprintf(pattern, sizeof(pattern), depth[i], name);
		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (k = 0; k < g.gl_pathc; k++) {
			char *text;
			size_t len;

			if (fs_read_file(g.gl_pathv[k], &text, &len) == 0) {
				sbuf_add(&all, text, len);
				sbuf_addc(&all, '\n');
				free(text);
			}
		}
		globfree(&g);
	}
	dump_sub = strrchr(name, '/') + 1;
	load(all.p);
	dump_all();
	dump_entities();
	dump_sub = "tests";
	unload();
	sbuf_free(&all);
}

TEST(cg_dump_examples)
{
	if (!getenv("LOCUS_CG_DUMP"))
		return;
	dump_example("examples/library");
	dump_example("examples/shop");
}

/* ------------------------------------------------------------------ */
/* theme.css and the Next.js app                                      */
/* ------------------------------------------------------------------ */

TEST(cg_theme_css)
{
	struct sbuf o;

	load("design_system {\n"
	     "  colors {\n"
	     "    light { paper: #fafafa accent: \"#2255cc\" }\n"
	     "    dark { accent: \"#88aaff\" paper: \"#111111\" }\n"
	     "  }\n"
	     "  spacing { md: \"8px\" sm: 4 }\n"
	     "}\n"
	     "design_system {\n"
	     "  colors { dark { ink: #000 } }\n"
	     "  typography { fontFamily: \"Inter, sans-serif\" }\n"
	     "}\n");
	sbuf_init(&o);
	cg_emit_theme_css(&F.m, 0, &o);
	CHECK_STR_EQ(o.p, "/* Generated by locusc from Locus sources (theme css). "
			  "Do not edit. */\n"
			  "[data-theme=\"dark\"] {\n"
			  "  --color-ink: #000;\n"
			  "}\n"
			  "\n"
			  "[data-theme=\"light\"] {\n"
			  "  --color-accent: #2255cc;\n"
			  "  --color-paper: #fafafa;\n"
			  "}\n"
			  "\n"
			  ":root {\n"
			  "  --font-family: Inter, sans-serif;\n"
			  "  --space-md: 8px;\n"
			  "  --space-sm: 4px;\n"
			  "}\n");
	sbuf_free(&o);

	load("page P { ui { <p>x</p> } }\n");
	sbuf_init(&o);
	cg_emit_theme_css(&F.m, 0, &o);
	CHECK_STR_EQ(o.p, "/* Generated by locusc from Locus sources (theme css). "
			  "Do not edit. */\n"
			  "/* No colours are defined in the design system. */\n");
	sbuf_free(&o);
	unload();
}

TEST(cg_next_app)
{
	struct sbuf o;

	load("page BookList { ui { <p>x</p> } }\n"
	     "page Admin_UI { ui { <p>y</p> } }\n");
	F.m.cfg.app_name = "Tiny 'Library'";
	sbuf_init(&o);
	cg_emit_next_index(&F.m, 0, &o);
	CHECK_STR_EQ(o.p, "// Generated by locusc from Locus sources (next). Do "
			  "not edit.\n"
			  "export default function Home() {\n"
			  "  return (\n"
			  "    <main>\n"
			  "      <h1>Pages</h1>\n"
			  "      <ul>\n"
			  "        <li>\n"
			  "          <a href=\"/admin-ui\">Admin_UI</a>\n"
			  "        </li>\n"
			  "        <li>\n"
			  "          <a href=\"/book-list\">BookList</a>\n"
			  "        </li>\n"
			  "      </ul>\n"
			  "    </main>\n"
			  "  );\n"
			  "}\n");
	sbuf_reset(&o);
	cg_emit_next_page(&F.m, 0, &o);
	CHECK_STR_EQ(o.p, "// Generated by locusc from Locus sources (next). Do "
			  "not edit.\n"
			  "import BookList from '../../../react/pages/BookList';\n"
			  "\n"
			  "export default function BookListRoute() {\n"
			  "  return <BookList />;\n"
			  "}\n");
	sbuf_reset(&o);
	cg_emit_next_layout(&F.m, 0, &o);
	CHECK(strstr(o.p, "  title: 'Tiny \\'Library\\'',\n") != NULL);
	CHECK(strstr(o.p, "<body data-theme=\"light\">{children}</body>") !=
	      NULL);
	sbuf_reset(&o);
	cg_emit_next_tsconfig(&F.m, 0, &o);
	CHECK(strstr(o.p, "\"include\": [\".\", \"../react/shims.d.ts\"]") !=
	      NULL);
	sbuf_free(&o);
	F.m.cfg.app_name = NULL;
	unload();
}
