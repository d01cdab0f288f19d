/*
 * gencorpus.c - writes a deterministic Locus project of N files for
 * benchmarks: the same seed gives the same bytes on every machine.
 *
 *   gencorpus --files N [--seed S] --out DIR
 *
 * Files are 1-3 KB and, across the project, use every construct of the
 * language: entities with every relation kind, a design system, pages
 * with state, actions and rich UI, components with params and slots,
 * stores, workflows and upload policies. Every reference resolves, so the
 * project checks clean.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Counts of each declaration kind for a project of n files. */
struct plan {
	unsigned entity_files;  /* 3 entities each */
	unsigned comp_files;
	unsigned page_files;
	unsigned wf_files;
	unsigned store_files;
	unsigned upload_files;
};

static void
entity_file(FILE *f, unsigned i, unsigned nent)
{
	unsigned k;

	fprintf(f, "// data model, part %u\ndatabase {\n", i);
	for (k = 0; k < 5; k++) {
		unsigned e = i * 5 + k;
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
		fprintf(f, "    status: String @default(\"%s\") @map(\"status_%u\")\n", word(), e);
		if (e > 0) {
			fprintf(f, "    parentId: Integer\n");
			fprintf(f, "    parent: belongs_to E%u\n", parent);
		}
		fprintf(f, "    children: has_many E%u\n", (e + 1) % nent);
		fprintf(f, "  }\n");
	}
	fprintf(f, "}\n");
}

static void
component_file(FILE *f, unsigned i)
{
	fprintf(f, "component C%u {\n", i);
	fprintf(f, "  param title: String\n  param count: Integer?\n");
	fprintf(f, "  param items: list of String\n  param footerSlot: slot\n");
	fprintf(f, "  style_override {\n    .c%u { padding: 8px; color: #%03x; border: 1px solid #eee }\n  }\n",
		i, rnd(4096));
	fprintf(f, "  ui {\n    <section class=\"c%u\">\n", i);
	fprintf(f, "      <h3>{title} ({count})</h3>\n");
	fprintf(f, "      <ul>\n        <li for:each={item in items}>{item}</li>\n      </ul>\n");
	fprintf(f, "      <if condition={count > 3 && title != \"\"}>\n        <p>Many %s items</p>\n", word());
	fprintf(f, "      </if>\n      <else>\n        <p>Few items</p>\n      </else>\n");
	{
		unsigned k, extra = 1 + rnd(3);

		for (k = 0; k < extra; k++)
			fprintf(f, "      <div class=\"row-%u\">\n        <strong>%s</strong>\n"
				"        <span>{title} / {count * %u}</span>\n"
				"        <a href=\"/%s/%u\">%s %s</a>\n      </div>\n",
				k, word(), k + 2, word(), k, word(), word());
	}
	fprintf(f, "      {children}\n      <footer>{footerSlot}</footer>\n    </section>\n  }\n}\n");
}

static void
page_file(FILE *f, unsigned i, const struct plan *pl)
{
	unsigned c = rnd(pl->comp_files);
	unsigned e = rnd(pl->entity_files * 5);

	fprintf(f, "page P%u {\n  state {\n", i);
	fprintf(f, "    rows: list of E%u = []\n    query: String = \"\"\n", e);
	fprintf(f, "    count: Integer = 0\n    open: Boolean = false\n  }\n");
	fprintf(f, "  on load {\n    rows = await find(E%u)\n    log(\"loaded\", rows.length)\n  }\n", e);
	fprintf(f, "  action bump(step: Integer) {\n    count = count + step\n");
	fprintf(f, "    if (count > 10) {\n      open = !open\n    } else {\n      log(\"small\")\n    }\n  }\n");
	fprintf(f, "  action add(label: String) {\n    const row = await create(E%u, { name: label, title: query })\n", e);
	fprintf(f, "    rows = [...rows, row]\n  }\n");
	fprintf(f, "  action reset() {\n    query = \"\"\n    count = 0\n    open = false\n  }\n");
	fprintf(f, "  ui {\n    <Stack>\n      <Text>Page %u: %s %s</Text>\n", i, word(), word());
	fprintf(f, "      <Input bind:value={query} />\n");
	fprintf(f, "      <Button on:click={() => bump(1)}>More</Button>\n");
	fprintf(f, "      <Button on:click={() => add(query)}>Add</Button>\n");
	fprintf(f, "      <div for:each={row in rows}>\n        <span>{row.name}</span>\n");
	fprintf(f, "        <span for:each={t in row.tags}>{t}</span>\n      </div>\n");
	fprintf(f, "      <C%u title=\"%s\" count={count} items={[query]} footerSlot={query}>\n", c, word());
	fprintf(f, "        <em>inside</em>\n      </C%u>\n", c);
	fprintf(f, "      {#if open}\n        <p>Open {count}</p>\n      {:else}\n        <p>Closed</p>\n      {/if}\n");
	{
		unsigned k, extra = 3 + rnd(5);

		for (k = 0; k < extra; k++)
			fprintf(f, "      <section class=\"block-%u\">\n"
				"        <h2>%s %s</h2>\n"
				"        <p>The %s of {query} is {count + %u}, %s and %s.</p>\n"
				"        <if condition={count == %u || open}>\n"
				"          <Button on:click={() => bump(%u)}>Step %u</Button>\n"
				"        </if>\n      </section>\n",
				k, word(), word(), word(), k, word(), word(), k, k + 1, k);
	}
	fprintf(f, "    </Stack>\n  }\n}\n");
}

static void
workflow_file(FILE *f, unsigned i, const struct plan *pl)
{
	unsigned p = rnd(pl->page_files);
	unsigned e = rnd(pl->entity_files * 5);

	fprintf(f, "workflow W%u {\n  trigger { on:create(E%u) }\n", i, e);
	fprintf(f, "  input { itemId }\n  steps {\n");
	fprintf(f, "    const first = run bump(itemId)\n");
	fprintf(f, "    branch {\n      condition: first.ok\n");
	fprintf(f, "      steps { run add(first) }\n      else { run bump(itemId) }\n    }\n");
	fprintf(f, "    forEach part in first.parts {\n      run bump(part)\n    }\n");
	fprintf(f, "    delay { ms: %u }\n", 100 + rnd(900));
	fprintf(f, "    http_request notify%u { url: \"https://hooks.example.com/%s\", method: POST }\n", i, word());
	fprintf(f, "    run reset()\n");
	fprintf(f, "    send_email { to: ops, subject: Done, template: \"done.html\" }\n  }\n");
	fprintf(f, "  retry { max: 3, backoff: exponential, factor: 2, delay: 30s }\n");
	fprintf(f, "  concurrency { limit: %u, group: g%u }\n", 1 + rnd(8), i);
	fprintf(f, "  on_error { bump }\n}\n");
	(void)p;
}

static void
store_file(FILE *f, unsigned i)
{
	fprintf(f, "store S%u {\n  state {\n    user: String = \"guest\"\n", i);
	fprintf(f, "    visits: Integer = 0\n    theme: String = \"%s\"\n", word());
	fprintf(f, "    cart: list of String = []\n    compact: Boolean = false\n    locale: String = \"en\"\n  }\n");
	fprintf(f, "  action visit() {\n    visits = visits + 1\n  }\n}\n");
}

static void
upload_file(FILE *f, unsigned i)
{
	fprintf(f, "upload U%u {\n", i);
	fprintf(f, "  field file maxSize: %uMB maxCount: %u mime: [application/pdf, image/*] required\n",
		1 + rnd(20), 1 + rnd(5));
	fprintf(f, "  field cover mime: [image/png, image/jpeg]\n");
	fprintf(f, "  field sheet maxSize: 2MB mime: [text/csv, application/json]\n");
	fprintf(f, "  field scan maxCount: 10 mime: [image/*, application/pdf] required\n");
	fprintf(f, "  store strategy: local path: \"files/u%u\" naming: uuid\n}\n", i);
}

static void
design_file(FILE *f)
{
	fputs("design_system {\n"
	      "  colors {\n    light { brand: #3b5bdb surface: \"#ffffff\" text: #111 }\n"
	      "    dark { brand: \"#91a7ff\" surface: #101114 text: #eee }\n  }\n"
	      "  typography {\n    fontFamily: \"Inter, sans-serif\"\n    baseSize: \"15px\"\n"
	      "    weights { normal: 400 bold: 700 }\n  }\n"
	      "  spacing { sm: 4 md: \"8px\" lg: \"16px\" }\n"
	      "  radii { round: \"999px\" card: \"8px\" }\n"
	      "  shadows { soft: \"0 1px 3px rgba(0,0,0,.2)\" }\n}\n", f);
}

int
main(int argc, char **argv)
{
	unsigned n = 0, i, left;
	uint64_t seed = 1;
	const char *out = NULL;
	struct plan pl;
	char path[4096];
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--files") == 0 && a + 1 < argc)
			n = (unsigned)strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--out") == 0 && a + 1 < argc)
			out = argv[++a];
		else {
			fprintf(stderr, "usage: gencorpus --files N [--seed S] --out DIR\n");
			return 2;
		}
	}
	if (!out || n < 10) {
		fprintf(stderr, "usage: gencorpus --files N (N >= 10) [--seed S] --out DIR\n");
		return 2;
	}
	rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
	/* Shares of the project by kind (one file is the design system). */
	left = n - 1;
	pl.entity_files = left * 20 / 100;
	pl.comp_files = left * 20 / 100;
	pl.wf_files = left * 10 / 100;
	pl.store_files = left * 5 / 100;
	pl.upload_files = left * 5 / 100;
	pl.page_files = left - pl.entity_files - pl.comp_files - pl.wf_files -
			pl.store_files - pl.upload_files;
	if (!pl.entity_files) pl.entity_files = 1;
	if (!pl.comp_files) pl.comp_files = 1;

	mkdirs(out);
	snprintf(path, sizeof(path), "%s/design.locus", out);
	{
		FILE *f = fopen(path, "w");

		if (!f) {
			fprintf(stderr, "gencorpus: %s: %s\n", path, strerror(errno));
			return 3;
		}
		design_file(f);
		fclose(f);
	}
#define EMIT(kind, count, dir, body)                                          \
	for (i = 0; i < (count); i++) {                                       \
		FILE *f;                                                      \
		snprintf(path, sizeof(path), "%s/%s/%03u", out, dir, i / 500); \
		mkdirs(path);                                                 \
		snprintf(path, sizeof(path), "%s/%s/%03u/%s%u.locus", out, dir, \
			 i / 500, kind, i);                                   \
		f = fopen(path, "w");                                         \
		if (!f) {                                                     \
			fprintf(stderr, "gencorpus: %s: %s\n", path,          \
				strerror(errno));                             \
			return 3;                                             \
		}                                                             \
		body;                                                         \
		fclose(f);                                                    \
	}
	EMIT("data", pl.entity_files, "data", entity_file(f, i, pl.entity_files * 5))
	EMIT("comp", pl.comp_files, "components", component_file(f, i))
	EMIT("page", pl.page_files, "pages", page_file(f, i, &pl))
	EMIT("flow", pl.wf_files, "flows", workflow_file(f, i, &pl))
	EMIT("store", pl.store_files, "stores", store_file(f, i))
	EMIT("upload", pl.upload_files, "uploads", upload_file(f, i))
	return 0;
}
