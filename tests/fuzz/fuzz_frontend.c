/*
 * fuzz_frontend.c - libFuzzer target for the whole front end: split the
 * input as one file, parse every unit, run the local checks, summarise,
 * and run the project checks. Any crash, sanitizer report, leak or hang
 * is a bug; diagnostics are expected and ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/diag.h"
#include "frontend/frontend.h"
#include "frontend/sema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *fa = arena_new();
	struct interner *in = intern_new();
	struct diag_list fd;
	struct unit_src *units = NULL;
	struct proj_unit *pu;
	struct arena **arenas;
	struct diag_list *ud;
	struct sema_options opt;
	const struct ast_alias **aliases;
	struct ast_unit **trees;
	size_t n = 0, i, na = 0;
	char *text = xmalloc(size + 1);

	memcpy(text, data, size);
	text[size] = 0;
	sema_options_default(&opt);
	diag_list_init(&fd, fa);
	fd.unit = UINT32_MAX;
	split_file(text, size, &units, &n, &fd);
	pu = xcalloc(n + 1, sizeof(*pu));
	arenas = xcalloc(n + 1, sizeof(*arenas));
	ud = xcalloc(n + 1, sizeof(*ud));
	trees = xcalloc(n + 1, sizeof(*trees));
	aliases = xcalloc(n + 1, sizeof(*aliases));
	for (i = 0; i < n; i++) {
		BASE_ASSERT(units[i].off <= size &&
			    units[i].len <= size - units[i].off);
		arenas[i] = arena_new();
		diag_list_init(&ud[i], fa);
		trees[i] = parse_unit(text + units[i].off, units[i].len,
				      arenas[i], in, &ud[i]);
		if (trees[i] && ud[i].errors == 0 &&
		    trees[i]->kind == UNIT_ALIAS)
			aliases[na++] = trees[i]->u.alias;
	}
	for (i = 0; i < n; i++) {
		pu[i].kind = units[i].kind;
		pu[i].file = 0;
		pu[i].name = arena_strndup(fa, text + units[i].name_off,
					   units[i].name_len);
		pu[i].name_off = units[i].name_off - units[i].off;
		pu[i].name_len = units[i].name_len;
		if (trees[i] && ud[i].errors == 0) {
			sema_check_unit(trees[i], text + units[i].off,
					units[i].len, aliases, &opt, &ud[i]);
			pu[i].sum = sema_summarize(trees[i], fa);
		}
	}
	{
		struct diag_list pd;

		diag_list_init(&pd, fa);
		sema_check_project(pu, n, &opt, &pd);
		diag_list_free(&pd);
	}
	for (i = 0; i < n; i++) {
		diag_list_free(&ud[i]);
		arena_free(arenas[i]);
	}
	free(units);
	free(pu);
	free(arenas);
	free(ud);
	free(trees);
	free(aliases);
	diag_list_free(&fd);
	arena_free(fa);
	intern_free(in);
	free(text);
	return 0;
}
