/*
 * gencorpus.c - writes a deterministic Locus project of N files for
 * benchmarks, and applies named edits to one: the same seed (and step)
 * gives the same bytes on every machine.
 *
 *   gencorpus --files N [--seed S] --out DIR
 *   gencorpus --edit KIND --dir DIR [--step K]
 *
 * Files are 1-3 KB and, across the project, use every construct of the
 * language: entities with belongs_to (required and optional, on_delete),
 * has_many and has_one relations, a design system, pages with state,
 * actions and rich UI, components with params and slots, stores,
 * workflows and upload policies. Every reference resolves, so the project
 * checks and builds clean (no errors, no warnings).
 *
 * Edits (KIND), each chosen from the seed and step K, keep the project
 * valid:
 *   leaf       rewrite a text line inside one page's UI
 *   interface  even K: add an optional field to one entity;
 *              odd K: add an optional param to one component
 *   add        write a new page file (pages/new/pageN<K>.locus)
 *   delete     delete one page file (nothing refers to pages)
 * The generator records N and the seed in DIR/.gencorpus, which the
 * edits read; locusc only reads *.locus files.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENTS_PER_FILE 4

/* Bumped whenever the bytes written for a (files, seed) pair change, so
 * bench/run-bench.sh regenerates stale corpora. */
#define GENCORPUS_VERSION 2

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	/* xorshift64*: tiny, fast and the same everywhere. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static void
rng_seed(uint64_t seed, uint64_t step, uint64_t kind)
{
	rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
	rng_state ^= (step + 1) * 0xBF58476D1CE4E5B9ull;
	rng_state ^= kind * 0x94D049BB133111EBull;
	if (!rng_state)
		rng_state = 1;
	(void)rnd(2);
}

static const char *words[] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
	"hotel", "india", "juliet", "kilo", "lima", "mike", "november",
	"oscar", "papa", "quebec", "romeo", "sierra", "tango",
};

static const char *
word(void)
{
	return words[rnd(sizeof(words) / sizeof(words[0]))];
}

static void
mkdirs(const char *path)
{
	char buf[4096];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (i = 1; buf[i]; i++) {
		if (buf[i] == '/') {
			buf[i] = 0;
			mkdir(buf, 0755);
			buf[i] = '/';
		}
	}
	mkdir(buf, 0755);
}

/* Counts of each file kind for a project of n files. */
struct plan {
	unsigned entity_files;  /* ENTS_PER_FILE entities each */
	unsigned comp_files;
	unsigned page_files;
	unsigned wf_files;      /* two workflows each */
	unsigned store_files;
	unsigned upload_files;  /* three upload policies each */
};

static void
plan_make(struct plan *pl, unsigned n)
{
	/* Shares of the project by kind (one file is the design system). */
	unsigned left = n - 1;

	pl->entity_files = left * 20 / 100;
	pl->comp_files = left * 20 / 100;
	pl->wf_files = left * 10 / 100;
	pl->store_files = left * 5 / 100;
	pl->upload_files = left * 5 / 100;
	if (!pl->entity_files)
		pl->entity_files = 1;
	if (!pl->comp_files)
		pl->comp_files = 1;
	pl->page_files = left - pl->entity_files - pl->comp_files -
			 pl->wf_files - pl->store_files - pl->upload_files;
}

static void
entity_file(FILE *f, unsigned i, unsigned nent)
{
	unsigned k;

	fprintf(f, "// data model, part %u\ndatabase {\n", i);
	for (k = 0; k < ENTS_PER_FILE; k++) {
		unsigned e = i * ENTS_PER_FILE + k;
		unsigned parent = e ? rnd(e) : 0;

		fprintf(f, "  entity E%u {\n", e);
		fprintf(f, "    name: String @unique\n");
		fprintf(f, "    title: String @length(1, 120)\n");
		fprintf(f, "    summary: Text?\n");
		fprintf(f, "    rank: Integer @default(%u) @min(0)\n", rnd(100));
		fprintf(f, "    price: Decimal\n");
		fprintf(f, "    active: Boolean @default(true)\n");
		fprintf(f, "    createdAt: DateTime @default(now())\n");
		fprintf(f, "    tags: String[]\n");
		fprintf(f, "    meta: Json?\n");
		fprintf(f, "    note: String nullable\n");
		fprintf(f, "    contact: Email?\n");
		fprintf(f, "    website: URL?\n");
		fprintf(f, "    code: UUID @default(uuid())\n");
		fprintf(f, "    weight: Float @min(0) @max(%u)\n", 100 + rnd(900));
		fprintf(f, "    views: BigInt @default(0)\n");
		fprintf(f, "    status: String @default(\"%s\") @map(\"status_%u\")\n",
			word(), e);
		if (e > 0) {
			/* Required, cascading, and an optional one that is
			 * cleared when its target goes. */
			fprintf(f, "    parentId: Integer\n");
			fprintf(f, "    parent: belongs_to E%u on_delete: cascade\n",
				parent);
			fprintf(f, "    ownerId: Integer?\n");
			fprintf(f, "    owner: belongs_to E%u? on_delete: set_null\n",
				rnd(e));
		}
		fprintf(f, "    children: has_many E%u\n", (e + 1) % nent);
		fprintf(f, "  }\n");
	}
	fprintf(f, "}\n");
}

static void
component_file(FILE *f, unsigned i)
{
	unsigned k, extra = 2 + rnd(4);

	fprintf(f, "// component %u: a card with a list and a footer slot\n", i);
	fprintf(f, "component C%u {\n", i);
	fprintf(f, "  param title: String\n  param count: Integer?\n");
	fprintf(f, "  param items: list of String\n  param footerSlot: slot\n");
	fprintf(f, "  param children: slot\n");
	fprintf(f, "  style_override {\n    .c%u { padding: 8px; color: #%03x; border: 1px solid #eee }\n",
		i, rnd(4096));
	fprintf(f, "    .c%u h3 { margin: 0 0 4px 0; font-weight: 700 }\n  }\n", i);
	fprintf(f, "  ui {\n    <section class=\"c%u\">\n", i);
	fprintf(f, "      <h3>{title} ({count})</h3>\n");
	fprintf(f, "      <ul>\n        <li for:each={item in items}>{item}</li>\n      </ul>\n");
	fprintf(f, "      <if condition={count > 3 && title != \"\"}>\n        <p>Many %s items</p>\n", word());
	fprintf(f, "      </if>\n      <elseif condition={count > 0}>\n        <p>Some items</p>\n");
	fprintf(f, "      </elseif>\n      <else>\n        <p>No items</p>\n      </else>\n");
	for (k = 0; k < extra; k++)
		fprintf(f, "      <div class=\"row-%u\">\n        <strong>%s</strong>\n"
			"        <span>{title} / {count * %u}</span>\n"
			"        <a href=\"/%s/%u\">%s %s</a>\n      </div>\n",
			k, word(), k + 2, word(), k, word(), word());
	fprintf(f, "      {children}\n      <footer>{footerSlot}</footer>\n    </section>\n  }\n}\n");
}

static void
page_file(FILE *f, const char *name, const struct plan *pl)
{
	unsigned c = rnd(pl->comp_files);
	unsigned e = rnd(pl->entity_files * ENTS_PER_FILE);
	unsigned k, extra = 3 + rnd(5);

	fprintf(f, "page %s {\n  state {\n", name);
	fprintf(f, "    rows: list of E%u = []\n    query: String = \"\"\n", e);
	fprintf(f, "    count: Integer = 0\n    open: Boolean = false\n  }\n");
	fprintf(f, "  on load {\n    rows = await find(E%u)\n    log(\"loaded\", rows.length)\n  }\n", e);
	fprintf(f, "  action bump(step: Integer) {\n    count = count + step\n");
	fprintf(f, "    if (count > 10) {\n      open = !open\n    } else {\n      log(\"small\")\n    }\n  }\n");
	fprintf(f, "  action add(label: String) {\n    const row = await create(E%u, { name: label, title: query })\n", e);
	fprintf(f, "    rows = [...rows, row]\n  }\n");
	fprintf(f, "  action reset() {\n    query = \"\"\n    count = 0\n    open = false\n  }\n");
	/* The leaf edit rewrites the <Text>Page line; keep it one line. */
	fprintf(f, "  ui {\n    <Stack>\n      <Text>Page %s: %s %s</Text>\n", name, word(), word());
	fprintf(f, "      <Input bind:value={query} />\n");
	fprintf(f, "      <Button on:click={() => bump(1)}>More</Button>\n");
	fprintf(f, "      <Button on:click={() => add(query)}>Add</Button>\n");
	fprintf(f, "      <Button on:click={() => reset()}>Reset</Button>\n");
	fprintf(f, "      <div for:each={row in rows}>\n        <span>{row.name}</span>\n");
	fprintf(f, "        <span for:each={t in row.tags}>{t}</span>\n      </div>\n");
	fprintf(f, "      <C%u title=\"%s\" count={count} items={[query]} footerSlot={query}>\n", c, word());
	fprintf(f, "        <em>inside</em>\n      </C%u>\n", c);
	fprintf(f, "      {#if open}\n        <p>Open {count}</p>\n      {:else}\n        <p>Closed</p>\n      {/if}\n");
	for (k = 0; k < extra; k++)
		fprintf(f, "      <section class=\"block-%u\">\n"
			"        <h2>%s %s</h2>\n"
			"        <p>The %s of {query} is {count + %u}, %s and %s.</p>\n"
			"        <if condition={count == %u || open}>\n"
			"          <Button on:click={() => bump(%u)}>Step %u</Button>\n"
			"        </if>\n      </section>\n",
			k, word(), word(), word(), k, word(), word(), k, k + 1, k);
	fprintf(f, "    </Stack>\n  }\n}\n");
}

static void
workflow_one(FILE *f, unsigned w, const struct plan *pl)
{
	unsigned e = rnd(pl->entity_files * ENTS_PER_FILE);

	fprintf(f, "workflow W%u {\n  trigger { on:create(E%u) }\n", w, e);
	fprintf(f, "  input { itemId }\n  steps {\n");
	fprintf(f, "    const first = run bump(itemId)\n");
	fprintf(f, "    branch {\n      condition: first.ok\n");
	fprintf(f, "      steps { run add(first) }\n      else { run bump(itemId) }\n    }\n");
	fprintf(f, "    forEach part in first.parts {\n      run bump(part)\n    }\n");
	fprintf(f, "    delay { ms: %u }\n", 100 + rnd(900));
	fprintf(f, "    http_request notify%u { url: \"https://hooks.example.com/%s\", method: POST }\n",
		w, word());
	fprintf(f, "    run reset()\n");
	fprintf(f, "    send_email { to: ops, subject: Done, template: \"done.html\" }\n  }\n");
	fprintf(f, "  retry { max: 3, backoff: exponential, factor: 2, delay: 30s }\n");
	fprintf(f, "  concurrency { limit: %u, group: g%u }\n", 1 + rnd(8), w);
	fprintf(f, "  on_error { bump }\n}\n");
}

static void
workflow_file(FILE *f, unsigned i, const struct plan *pl)
{
	fprintf(f, "// workflows %u and %u\n", 2 * i, 2 * i + 1);
	workflow_one(f, 2 * i, pl);
	workflow_one(f, 2 * i + 1, pl);
}

static void
store_file(FILE *f, unsigned i)
{
	fprintf(f, "// store %u: session and preferences\n", i);
	fprintf(f, "store S%u {\n  state {\n    user: String = \"guest\"\n", i);
	fprintf(f, "    visits: Integer = 0\n    theme: String = \"%s\"\n", word());
	fprintf(f, "    cart: list of String = []\n    compact: Boolean = false\n    locale: String = \"en\"\n");
	fprintf(f, "    total: Float = 0\n    lastSeen: String = \"\"\n    limit: Integer = %u\n", 10 + rnd(90));
	fprintf(f, "    favourites: list of String = [\"%s\", \"%s\"]\n  }\n", word(), word());
	fprintf(f, "  action visit() {\n    visits = visits + 1\n    lastSeen = \"now\"\n");
	fprintf(f, "    if (visits > %u && !compact) {\n      compact = true\n      log(\"compact mode\", visits)\n    }\n  }\n",
		5 + rnd(20));
	fprintf(f, "  action addToCart(item: String) {\n    if (cart.length < limit) {\n");
	fprintf(f, "      cart = [...cart, item]\n      total = total + %u\n    } else {\n", 1 + rnd(50));
	fprintf(f, "      log(\"cart full\", item)\n    }\n  }\n");
	fprintf(f, "  action clear() {\n    cart = []\n    total = 0\n    compact = !compact\n  }\n");
	fprintf(f, "  action remove(item: String) {\n    cart = cart.filter((c) => c != item)\n");
	fprintf(f, "    total = total - %u\n    log(\"removed\", item, cart.length)\n  }\n", 1 + rnd(50));
	fprintf(f, "  action signIn(name: String) {\n    user = name\n    locale = \"%s\"\n  }\n}\n",
		rnd(2) ? "en" : "fr");
}

static void
upload_file(FILE *f, unsigned i)
{
	unsigned k;

	fprintf(f, "// upload policies %u to %u\n", 3 * i, 3 * i + 2);
	for (k = 3 * i; k < 3 * i + 3; k++) {
		fprintf(f, "upload U%u {\n", k);
		fprintf(f, "  field file maxSize: %uMB maxCount: %u mime: [application/pdf, image/*] required\n",
			1 + rnd(20), 1 + rnd(5));
		fprintf(f, "  field cover mime: [image/png, image/jpeg]\n");
		fprintf(f, "  field sheet maxSize: 2MB mime: [text/csv, application/json]\n");
		fprintf(f, "  field scan maxCount: 10 mime: [image/*, application/pdf] required\n");
		fprintf(f, "  field avatar maxSize: %uKB mime: [image/png]\n", 64 + rnd(448));
		fprintf(f, "  store strategy: local path: \"files/u%u\" naming: uuid\n}\n", k);
	}
}

static void
design_file(FILE *f)
{
	fputs("// the design system: themes, type, spacing, radii, shadows\n"
	      "design_system {\n"
	      "  colors {\n"
	      "    light { brand: #3b5bdb surface: \"#ffffff\" text: #111 muted: #868e96 accent: \"rgb(240, 140, 0)\" }\n"
	      "    dark { brand: \"#91a7ff\" surface: #101114 text: #eee muted: #5c5f66 accent: \"hsl(30, 90%, 55%)\" }\n"
	      "  }\n"
	      "  typography {\n    fontFamily: \"Inter, sans-serif\"\n    baseSize: \"15px\"\n"
	      "    weights { normal: 400 medium: 500 bold: 700 }\n  }\n"
	      "  spacing { xs: 2 sm: 4 md: \"8px\" lg: \"16px\" xl: \"32px\" }\n"
	      "  radii { none: \"0\" round: \"999px\" card: \"8px\" }\n"
	      "  shadows { soft: \"0 1px 3px rgba(0,0,0,.2)\" deep: \"0 8px 24px rgba(0,0,0,.3)\" }\n"
	      "}\n", f);
}

static FILE *
open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
	return f;
}

static int
generate(const char *out, unsigned n, uint64_t seed)
{
	struct plan pl;
	char path[4096], name[32];
	unsigned i;
	FILE *f;

	rng_seed(seed, 0, 0);
	plan_make(&pl, n);
	mkdirs(out);
	snprintf(path, sizeof(path), "%s/.gencorpus", out);
	if (!(f = open_out(path)))
		return 3;
	fprintf(f, "files %u\nseed %llu\nversion %d\n", n,
		(unsigned long long)seed, GENCORPUS_VERSION);
	fclose(f);
	snprintf(path, sizeof(path), "%s/design.locus", out);
	if (!(f = open_out(path)))
		return 3;
	design_file(f);
	fclose(f);
#define EMIT(kind, count, dir, body)                                          \
	for (i = 0; i < (count); i++) {                                       \
		snprintf(path, sizeof(path), "%s/%s/%03u", out, dir, i / 500); \
		mkdirs(path);                                                 \
		snprintf(path, sizeof(path), "%s/%s/%03u/%s%u.locus", out, dir, \
			 i / 500, kind, i);                                   \
		if (!(f = open_out(path)))                                    \
			return 3;                                             \
		body;                                                         \
		fclose(f);                                                    \
	}
	EMIT("data", pl.entity_files, "data",
	     entity_file(f, i, pl.entity_files * ENTS_PER_FILE))
	EMIT("comp", pl.comp_files, "components", component_file(f, i))
	EMIT("page", pl.page_files, "pages",
	     (snprintf(name, sizeof(name), "P%u", i), page_file(f, name, &pl)))
	EMIT("flow", pl.wf_files, "flows", workflow_file(f, i, &pl))
	EMIT("store", pl.store_files, "stores", store_file(f, i))
	EMIT("upload", pl.upload_files, "uploads", upload_file(f, i))
#undef EMIT
	return 0;
}

/* ---- edits ---- */

/* Reads a whole file into a NUL-terminated buffer; NULL if missing. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* Replaces the file with text[0..at) + ins + text[cut..len), through a
 * temporary and a rename so a reader never sees half a file. */
static int
splice(const char *path, const char *text, size_t len, size_t at,
       size_t cut, const char *ins)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp~", path);
	if (!(f = open_out(tmp)))
		return 3;
	fwrite(text, 1, at, f);
	fputs(ins, f);
	fwrite(text + cut, 1, len - cut, f);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return 3;
	}
	return 0;
}

/* Finds an existing file of a kind, starting at index i and probing
 * forward (earlier delete edits may have removed some pages). */
static int
find_file(const char *dir, const char *sub, const char *kind,
	  unsigned count, unsigned i, char *path, size_t size,
	  unsigned *found)
{
	unsigned k;
	struct stat st;

	for (k = 0; k < count; k++) {
		unsigned j = (i + k) % count;

		snprintf(path, size, "%s/%s/%03u/%s%u.locus", dir, sub,
			 j / 500, kind, j);
		if (stat(path, &st) == 0) {
			*found = j;
			return 0;
		}
	}
	fprintf(stderr, "gencorpus: no %s file left to edit in %s\n", kind, dir);
	return 3;
}

static int
edit_leaf(const char *dir, const struct plan *pl, unsigned step)
{
	char path[4096], ins[256];
	const char *a, *b;
	unsigned i;
	size_t len;
	char *text;
	int rc;

	if ((rc = find_file(dir, "pages", "page", pl->page_files, rnd(pl->page_files),
			    path, sizeof(path), &i)))
		return rc;
	if (!(text = slurp(path, &len)))
		return 3;
	a = strstr(text, "<Text>Page ");
	b = a ? strstr(a, "</Text>") : NULL;
	if (!b) {
		fprintf(stderr, "gencorpus: %s: no <Text>Page line\n", path);
		free(text);
		return 3;
	}
	a += strlen("<Text>");
	snprintf(ins, sizeof(ins), "Page P%u: %s %s, edit %u", i, word(),
		 word(), step);
	rc = splice(path, text, len, (size_t)(a - text), (size_t)(b - text),
		    ins);
	free(text);
	if (!rc)
		printf("leaf %s\n", path);
	return rc;
}

/* Adds "  <indent>NAME: TYPE" after the line that opens `head`, picking
 * a name not yet used in the file (a repeated step stays valid). */
static int
insert_member(const char *path, const char *head, const char *fmt,
	      unsigned step)
{
	char ins[256], name[64];
	const char *a;
	size_t len;
	char *text;
	unsigned k;
	int rc;

	if (!(text = slurp(path, &len)))
		return 3;
	if (!(a = strstr(text, head))) {
		fprintf(stderr, "gencorpus: %s: no '%s'\n", path, head);
		free(text);
		return 3;
	}
	a += strlen(head);
	for (k = 0;; k++) {
		char probe[80];

		if (k)
			snprintf(name, sizeof(name), "x%u_%u", step, k);
		else
			snprintf(name, sizeof(name), "x%u", step);
		snprintf(probe, sizeof(probe), " %s:", name);
		if (!strstr(text, probe))
			break;
	}
	snprintf(ins, sizeof(ins), fmt, name);
	rc = splice(path, text, len, (size_t)(a - text), (size_t)(a - text),
		    ins);
	free(text);
	if (!rc)
		printf("interface %s (%s)\n", path, name);
	return rc;
}

static int
edit_interface(const char *dir, const struct plan *pl, unsigned step)
{
	char path[4096], head[64];
	unsigned i;
	int rc;

	if (step % 2 == 0) {
		if ((rc = find_file(dir, "data", "data", pl->entity_files,
				    rnd(pl->entity_files), path, sizeof(path),
				    &i)))
			return rc;
		snprintf(head, sizeof(head), "  entity E%u {\n",
			 i * ENTS_PER_FILE + rnd(ENTS_PER_FILE));
		return insert_member(path, head, "    %s: String?\n", step);
	}
	if ((rc = find_file(dir, "components", "comp", pl->comp_files, rnd(pl->comp_files),
			    path, sizeof(path), &i)))
		return rc;
	snprintf(head, sizeof(head), "component C%u {\n", i);
	return insert_member(path, head, "  param %s: String?\n", step);
}

static int
edit_add(const char *dir, const struct plan *pl, unsigned step)
{
	char path[4096], name[32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/pages/new", dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/pages/new/pageN%u.locus", dir, step);
	snprintf(name, sizeof(name), "PN%u", step);
	if (!(f = open_out(path)))
		return 3;
	page_file(f, name, pl);
	if (fclose(f) != 0)
		return 3;
	printf("add %s\n", path);
	return 0;
}

static int
edit_delete(const char *dir, const struct plan *pl)
{
	char path[4096];
	unsigned i;
	int rc;

	if ((rc = find_file(dir, "pages", "page", pl->page_files, rnd(pl->page_files),
			    path, sizeof(path), &i)))
		return rc;
	if (unlink(path) != 0) {
		fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
		return 3;
	}
	printf("delete %s\n", path);
	return 0;
}

static int
edit(const char *dir, const char *kind, unsigned step)
{
	static const char *kinds[] = { "leaf", "interface", "add", "delete" };
	char path[4096];
	unsigned long long seed;
	unsigned n, k;
	struct plan pl;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.gencorpus", dir);
	if (!(f = fopen(path, "r")) ||
	    fscanf(f, "files %u seed %llu", &n, &seed) != 2) {
		fprintf(stderr, "gencorpus: %s: not a generated corpus\n", dir);
		if (f)
			fclose(f);
		return 3;
	}
	fclose(f);
	plan_make(&pl, n);
	for (k = 0; k < 4; k++)
		if (strcmp(kind, kinds[k]) == 0)
			break;
	rng_seed(seed, step, k + 1);
	switch (k) {
	case 0:
		return edit_leaf(dir, &pl, step);
	case 1:
		return edit_interface(dir, &pl, step);
	case 2:
		return edit_add(dir, &pl, step);
	case 3:
		return edit_delete(dir, &pl);
	}
	fprintf(stderr, "gencorpus: unknown edit '%s' (leaf, interface, add, "
		"delete)\n", kind);
	return 2;
}

static int
usage(void)
{
	fprintf(stderr, "usage: gencorpus --files N (N >= 10) [--seed S] --out DIR\n"
		"       gencorpus --edit leaf|interface|add|delete --dir DIR [--step K]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	unsigned n = 0, step = 0;
	uint64_t seed = 1;
	const char *out = NULL, *dir = NULL, *kind = NULL;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--files") == 0 && a + 1 < argc)
			n = (unsigned)strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--out") == 0 && a + 1 < argc)
			out = argv[++a];
		else if (strcmp(argv[a], "--edit") == 0 && a + 1 < argc)
			kind = argv[++a];
		else if (strcmp(argv[a], "--dir") == 0 && a + 1 < argc)
			dir = argv[++a];
		else if (strcmp(argv[a], "--step") == 0 && a + 1 < argc)
			step = (unsigned)strtoul(argv[++a], NULL, 10);
		else
			return usage();
	}
	if (kind && dir && !out)
		return edit(dir, kind, step);
	if (!out || kind || n < 10)
		return usage();
	return generate(out, n, seed);
}
