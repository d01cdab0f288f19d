/*
 * frontbench.c - single-core throughput of the front end's stages over a
 * project already in memory (no disk time): lex only, split, split+parse,
 * split+parse+local checks. Prints MB/s per stage, best of --runs.
 *
 *   frontbench --src DIR [--runs N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/diag.h"
#include "compiler/driver.h"
#include "frontend/frontend.h"
#include "frontend/sema.h"

struct src {
	char *text;
	size_t len;
};

static struct src *files;
static size_t nfiles;
static size_t total;

static uint64_t
stage_lex(void)
{
	uint64_t tokens = 0;
	size_t i;

	for (i = 0; i < nfiles; i++) {
		struct lexer lx;
		struct token t;

		lex_init(&lx, files[i].text, files[i].len, NULL);
		do {
			lex_next(&lx, &t);
			tokens++;
		} while (t.type);
	}
	return tokens;
}

static uint64_t
stage_parse(int level)
{
	struct interner *in = intern_new();
	struct sema_options opt;
	uint64_t units = 0;
	size_t i, k;

	sema_options_default(&opt);
	for (i = 0; i < nfiles; i++) {
		struct arena *da = arena_new();
		struct diag_list d;
		struct unit_src *us = NULL;
		size_t n = 0;

		diag_list_init(&d, da);
		split_file(files[i].text, files[i].len, &us, &n, &d);
		units += n;
		for (k = 0; level > 0 && k < n; k++) {
			struct arena *a = arena_new();
			struct ast_unit *u = parse_unit(files[i].text + us[k].off,
							us[k].len, a, in, &d);

			if (u && level > 1)
				sema_check_unit(u, files[i].text + us[k].off,
						us[k].len, NULL, &opt, &d);
			arena_free(a);
		}
		free(us);
		diag_list_free(&d);
		arena_free(da);
	}
	intern_free(in);
	return units;
}

int
main(int argc, char **argv)
{
	const char *src = NULL;
	char **rel, *bad;
	int runs = 5, a, r, s;
	static const char *names[] = { "lex", "split", "split+parse",
				       "split+parse+check" };

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--src") == 0 && a + 1 < argc)
			src = argv[++a];
		else if (strcmp(argv[a], "--runs") == 0 && a + 1 < argc)
			runs = atoi(argv[++a]);
	}
	if (!src || runs < 1) {
		fprintf(stderr, "usage: frontbench --src DIR [--runs N]\n");
		return 2;
	}
	if (drv_walk(src, NULL, &rel, &nfiles, &bad) != 0) {
		fprintf(stderr, "frontbench: cannot read %s\n", src);
		return 3;
	}
	files = xcalloc(nfiles ? nfiles : 1, sizeof(*files));
	for (size_t i = 0; i < nfiles; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", src, rel[i]);
		if (fs_read_file(path, &files[i].text, &files[i].len) != 0)
			return 3;
		total += files[i].len;
	}
	drv_walk_free(rel, nfiles);
	printf("%zu files, %.1f MB, single core, best of %d\n", nfiles,
	       (double)total / 1e6, runs);
	for (s = 0; s < 4; s++) {
		uint64_t best = UINT64_MAX, items = 0;

		for (r = 0; r < runs; r++) {
			uint64_t t0 = base_now_ns(), t;

			items = s == 0 ? stage_lex() : stage_parse(s - 1);
			t = base_now_ns() - t0;
			if (t < best)
				best = t;
		}
		printf("%-18s %8.1f ms %8.1f MB/s  (%llu %s)\n", names[s],
		       (double)best / 1e6, (double)total / 1e6 / ((double)best / 1e9),
		       (unsigned long long)items, s == 0 ? "tokens" : "units");
	}
	return 0;
}
