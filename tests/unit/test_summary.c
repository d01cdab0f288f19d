/*
 * test_summary.c - summaries written as bytes and read back (the ir
 * database of incremental builds): every unit of the library example,
 * of every kind, reads back to a summary that writes the same bytes,
 * spans included; a cut or padded record reads as NULL.
 */
#include <stdio.h>
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
			if (back) {
				struct sbuf again;

				sbuf_init(&again);
				sema_summary_write(back, &again);
				CHECK(again.len == rec.len &&
				      memcmp(again.p, rec.p, rec.len) == 0);
				sbuf_free(&again);
			}
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

#define DB(entities) "database {\n" entities "}\n"

/* The check hash of the first unit of src (zero when it does not parse). */
static struct hash128
check_hash_of(const char *src)
{
	struct arena *a = arena_new();
	struct interner *in = intern_new();
	struct diag_list d;
	struct unit_src *us = NULL;
	struct hash128 h = { 0, 0 };
	size_t n = 0;

	diag_list_init(&d, a);
	split_file(src, strlen(src), &us, &n, &d);
	if (n) {
		struct ast_unit *u = parse_unit(src + us[0].off, us[0].len, a,
						in, &d);

		if (u)
			h = sema_check_hash(sema_summarize(u, a));
	}
	free(us);
	diag_list_free(&d);
	intern_free(in);
	arena_free(a);
	return h;
}

/* An entity Loan-like unit: its name, fields before the foreign key, the
 * foreign key, and the relation's target and inverse. */
#define ENT(name, fields, fk, rel)                                             \
	DB("entity " name " {\n" fields "  " fk "\n"                            \
	   "  member: belongs_to " rel "\n}\n")
#define LOAN ENT("Loan", "  dueAt: DateTime\n", "memberId: Integer",         \
		 "Member inverse: loans")
#define CARD(tag, params)                                                      \
	"component Card {\n  param title: String\n" params "  ui {\n"         \
	"    <div><" tag " label={title} /></div>\n  }\n}\n"
#define HOME(action, tag)                                                      \
	"page Home {\n  action " action "() { }\n  ui {\n"                    \
	"    <div><" tag " title=\"a\" /></div>\n  }\n}\n"

/*
 * What the project check reads moves the check hash; what it does not
 * read (a component's params, an entity's plain fields, positions)
 * leaves it, so a build skips the project check after such an edit.
 */
TEST(check_hash_reads_what_the_check_reads)
{
	static const struct {
		const char *a, *b;
		bool same;
	} cases[] = {
		/* Not read: a plain field, its type, lines above, a param. */
		{ LOAN, ENT("Loan", "  dueAt: DateTime\n  note: String?\n",
			    "memberId: Integer", "Member inverse: loans"),
		  true },
		{ LOAN, ENT("Loan", "  dueAt: Text\n", "memberId: Integer",
			    "Member inverse: loans"), true },
		{ LOAN, "\n\n" LOAN, true },
		{ CARD("Badge", ""), CARD("Badge", "  param size: Integer?\n"),
		  true },
		/* Read: the foreign key, the relation, the @id, the name. */
		{ LOAN, ENT("Loan", "  dueAt: DateTime\n", "memberId: Integer?",
			    "Member inverse: loans"), false },
		{ LOAN, ENT("Loan", "  dueAt: DateTime\n", "memberId: String",
			    "Member inverse: loans"), false },
		{ LOAN, ENT("Loan", "  dueAt: DateTime\n", "memberId: Integer",
			    "Person inverse: loans"), false },
		{ LOAN, ENT("Loan", "  dueAt: DateTime\n", "memberId: Integer",
			    "Member inverse: holds"), false },
		{ LOAN, ENT("Loan", "  code: String @id\n  dueAt: DateTime\n",
			    "memberId: Integer", "Member inverse: loans"),
		  false },
		{ LOAN, ENT("Lease", "  dueAt: DateTime\n", "memberId: Integer",
			    "Member inverse: loans"), false },
		/* Read: the components a view uses, a page's actions. */
		{ CARD("Badge", ""), CARD("Chip", ""), false },
		{ HOME("save", "Card"), HOME("store", "Card"), false },
		{ HOME("save", "Card"), HOME("save", "Tile"), false },
	};
	static const struct hash128 zero;
	size_t i;

	CHECK(!hash_eq(check_hash_of(LOAN), zero));
	CHECK(!hash_eq(check_hash_of(CARD("Badge", "")), zero));
	CHECK(!hash_eq(check_hash_of(HOME("save", "Card")), zero));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool same = hash_eq(check_hash_of(cases[i].a),
				    check_hash_of(cases[i].b));

		if (same != cases[i].same)
			fprintf(stderr, "  case %zu: expected %s\n", i,
				cases[i].same ? "the same hash"
					      : "another hash");
		CHECK(same == cases[i].same);
	}
}
