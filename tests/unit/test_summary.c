/*
 * test_summary.c - summaries written as bytes and read back (the ir
 * database of incremental builds): every unit of the library example,
 * of every kind, reads back to a summary with the same hash, spans
 * included; a cut or padded record reads as NULL.
 */
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"
#include "frontend/sema.h"
#include "test.h"

static const char *const files[] = {
	"examples/library/data/catalog.locus",
	"examples/library/data/members.locus",
	"examples/library/flows/loans.locus",
	"examples/library/state/session.locus",
	"examples/library/ui/components/book.locus",
	"examples/library/ui/components/layout.locus",
	"examples/library/ui/pages/account.locus",
	"examples/library/ui/pages/catalog.locus",
	"examples/library/ui/pages/desk.locus",
	"examples/library/ui/theme.locus",
	"examples/library/uploads/policies.locus",
};

TEST(summary_round_trip)
{
	bool kinds[UNIT_KIND_COUNT] = { false };
	size_t fi, i, nkinds = 0, nunits = 0;

	for (fi = 0; fi < sizeof(files) / sizeof(files[0]); fi++) {
		struct arena *a = arena_new(), *b = arena_new();
		struct interner *in = intern_new();
		struct diag_list d;
		struct unit_src *us = NULL;
		size_t n = 0, len = 0;
		char *text = NULL;

		diag_list_init(&d, a);
		CHECK_INT_EQ(fs_read_file(files[fi], &text, &len), 0);
		if (!text)
			continue;
		split_file(text, len, &us, &n, &d);
		for (i = 0; i < n; i++) {
			struct ast_unit *u = parse_unit(text + us[i].off,
							us[i].len, a, in, &d);
			struct unit_summary *s, *back;
			struct sbuf rec;

			if (!u)
				continue;
			s = sema_summarize(u, a);
			sbuf_init(&rec);
			sema_summary_write(s, &rec);
			back = sema_summary_read(rec.p, rec.len, b);
			CHECK(back != NULL);
			if (back)
				CHECK(hash_eq(sema_summary_hash(s, true),
					      sema_summary_hash(back, true)));
			/* Cut short, or with a byte too many: not a record. */
			CHECK(sema_summary_read(rec.p, rec.len - 1, b) == NULL);
			sbuf_addc(&rec, 0);
			CHECK(sema_summary_read(rec.p, rec.len, b) == NULL);
			sbuf_free(&rec);
			if (!kinds[us[i].kind]) {
				kinds[us[i].kind] = true;
				nkinds++;
			}
			nunits++;
		}
		free(us);
		free(text);
		diag_list_free(&d);
		intern_free(in);
		arena_free(a);
		arena_free(b);
	}
	CHECK(nunits > 20);
	/* entity, page, component, store, workflow, upload, design at
	 * least. */
	CHECK(nkinds >= 7);
}
