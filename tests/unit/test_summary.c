/*
 * test_summary.c - summaries written as bytes and read back (the ir
 * database of incremental builds): every unit of the library example,
 * of every kind, reads back to a summary that writes the same bytes,
 * spans included; a cut or padded record reads as NULL.
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

static bool
same_check(const char *x, const char *y)
{
	return hash_eq(check_hash_of(x), check_hash_of(y));
}

/*
 * What the project check reads moves the check hash; what it does not
 * read (a component's params, an entity's plain fields, positions)
 * leaves it, so a build skips the project check after such an edit.
 */
TEST(check_hash_reads_what_the_check_reads)
{
	static const char ent[] = DB(
		"entity Loan {\n  dueAt: DateTime\n  memberId: Integer\n"
		"  member: belongs_to Member inverse: loans\n}\n");
	static const char comp[] =
		"component Card {\n  param title: String\n  ui {\n"
		"    <div><Badge label={title} /></div>\n  }\n}\n";
	static const char page[] =
		"page Home {\n  action save() { }\n  ui {\n"
		"    <div><Card title=\"a\" /></div>\n  }\n}\n";

	CHECK(!hash_eq(check_hash_of(ent), (struct hash128){ 0, 0 }));
	CHECK(!hash_eq(check_hash_of(comp), (struct hash128){ 0, 0 }));
	CHECK(!hash_eq(check_hash_of(page), (struct hash128){ 0, 0 }));
	/* Not read: a plain field, its type, a param, lines above. */
	CHECK(same_check(ent, DB("entity Loan {\n  dueAt: DateTime\n"
			 "  note: String?\n  memberId: Integer\n"
			 "  member: belongs_to Member inverse: loans\n}\n")));
	CHECK(same_check(ent, DB("entity Loan {\n  dueAt: Text\n"
			 "  memberId: Integer\n"
			 "  member: belongs_to Member inverse: loans\n}\n")));
	CHECK(same_check(ent, DB("\n\nentity Loan {\n  dueAt: DateTime\n"
			 "  memberId: Integer\n"
			 "  member: belongs_to Member inverse: loans\n}\n")));
	CHECK(same_check(comp, "component Card {\n  param title: String\n"
			 "  param size: Integer?\n  ui {\n"
			 "    <div><Badge label={title} /></div>\n  }\n}\n"));
	/* Read: the foreign key, the relation, the @id, the name. */
	CHECK(!same_check(ent, DB("entity Loan {\n  dueAt: DateTime\n"
			  "  memberId: Integer?\n"
			  "  member: belongs_to Member inverse: loans\n}\n")));
	CHECK(!same_check(ent, DB("entity Loan {\n  dueAt: DateTime\n"
			  "  memberId: String\n"
			  "  member: belongs_to Member inverse: loans\n}\n")));
	CHECK(!same_check(ent, DB("entity Loan {\n  dueAt: DateTime\n"
			  "  memberId: Integer\n"
			  "  member: belongs_to Person inverse: loans\n}\n")));
	CHECK(!same_check(ent, DB("entity Loan {\n  dueAt: DateTime\n"
			  "  memberId: Integer\n"
			  "  member: belongs_to Member inverse: holds\n}\n")));
	CHECK(!same_check(ent, DB("entity Loan {\n  code: String @id\n"
			  "  dueAt: DateTime\n  memberId: Integer\n"
			  "  member: belongs_to Member inverse: loans\n}\n")));
	CHECK(!same_check(ent, DB("entity Lease {\n  dueAt: DateTime\n"
			  "  memberId: Integer\n"
			  "  member: belongs_to Member inverse: loans\n}\n")));
	/* Read: the components a view uses, a page's actions. */
	CHECK(!same_check(comp, "component Card {\n  param title: String\n"
			  "  ui {\n    <div><Chip label={title} /></div>\n"
			  "  }\n}\n"));
	CHECK(!same_check(page, "page Home {\n  action store() { }\n"
			  "  ui {\n    <div><Card title=\"a\" /></div>\n"
			  "  }\n}\n"));
	CHECK(!same_check(page, "page Home {\n  action save() { }\n  ui {\n"
			  "    <div><Tile title=\"a\" /></div>\n  }\n}\n"));
}
