/*
 * test_base.c - arena, interner, sbuf, hashes, diagnostics sink, file
 * reading and the source walk.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "base/diag.h"
#include "compiler/driver.h"
#include "test.h"

TEST(arena_zeroed_aligned_and_big)
{
	struct arena *a = arena_new();
	char *p = arena_alloc(a, 3);
	double *d = arena_alloc(a, sizeof(double));
	char *big = arena_alloc(a, 100000);
	char *after = arena_alloc(a, 8);
	int i, zero = 1;

	CHECK(p[0] == 0 && p[1] == 0 && p[2] == 0);
	CHECK(((uintptr_t)d % sizeof(double)) == 0);
	for (i = 0; i < 100000; i++)
		zero &= big[i] == 0;
	CHECK(zero);
	big[99999] = 1;
	CHECK(after[0] == 0);
	CHECK(arena_used(a) >= 100000 + 8 + 8 + 3);
	CHECK_STR_EQ(arena_printf(a, "%s-%d", "x", 42), "x-42");
	CHECK_STR_EQ(arena_strndup(a, "hello", 4), "hell");
	arena_free(a);
}

/* Strings are packed (no alignment), and the next node after an odd
 * string is aligned for pointers and doubles again. */
TEST(arena_strings_packed_nodes_aligned)
{
	struct arena *a = arena_new();
	char *s1 = arena_strndup(a, "abc", 3);
	char *s2 = arena_strndup(a, "de", 2);
	void **node = arena_alloc(a, sizeof(void *) * 2);
	double *d;

	CHECK(s2 == s1 + 4);
	CHECK_STR_EQ(s1, "abc");
	CHECK_STR_EQ(s2, "de");
	CHECK(((uintptr_t)node % _Alignof(void *)) == 0);
	CHECK(node[0] == NULL && node[1] == NULL);
	CHECK(arena_printf(a, "%d", 7)[1] == 0);
	d = arena_alloc(a, sizeof(double));
	CHECK(((uintptr_t)d % _Alignof(double)) == 0);
	*d = 1.5;
	CHECK_STR_EQ(s2, "de");
	arena_free(a);
}

/* VmFlags of the mapping that holds p, from /proc/self/smaps ("" if none). */
static void
vm_flags_of(const void *p, char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char row[512];
	bool in = false;

	out[0] = 0;
	while (f && fgets(row, sizeof(row), f)) {
		unsigned long lo, hi;

		if (sscanf(row, "%lx-%lx ", &lo, &hi) == 2)  /* a mapping */
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		if (in && strncmp(row, "VmFlags:", 8) == 0) {
			snprintf(out, cap, "%s", row + 8);
			break;
		}
	}
	if (f)
		fclose(f);
}

/* xbig: large arrays 2 MB-aligned, zeroed on request, marked for huge
 * pages (the "hg" flag) while base_huge is set; small ones and all with
 * base_huge unset are plain heap blocks. xbig_free frees either. */
TEST(xbig_huge_pages_for_large_arrays)
{
	size_t n = 3 << 20, i;
	bool was = base_huge, was_big = base_big, zero = true;
	unsigned char *p, *q, *small;
	char flags[512];

	base_huge = true;
	p = xbig(n / 8, 8, false);
	CHECK(((uintptr_t)p & ((2u << 20) - 1)) == 0);
	memset(p, 0xab, n);
	vm_flags_of(p, flags, sizeof(flags));
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) == 0)
		CHECK(strstr(flags, " hg") != NULL);
	xbig_free(p);
	q = xbig(n, 1, true);  /* may reuse p's bytes: must be zero */
	for (i = 0; i < n; i++)
		zero &= q[i] == 0;
	CHECK(zero);
	small = xbig(100, 1, true);
	CHECK(small[0] == 0 && small[99] == 0);
	xbig_free(small);
	xbig_free(q);
	base_huge = false;
	p = xbig(n, 1, true);
	CHECK(p[0] == 0 && p[n - 1] == 0);
	xbig_free(p);
	xbig_free(NULL);
	/* base_big alone: a mapping of its own (page-aligned, its pages
	 * zero, not marked for huge pages), unmapped by xbig_free. */
	base_big = true;
	p = xbig(n / 8, 8, false);
	CHECK(((uintptr_t)p & 4095) == 0);
	memset(p, 0xcd, n);
	vm_flags_of(p, flags, sizeof(flags));
	CHECK(strstr(flags, " hg") == NULL);
	xbig_free(p);
	q = xbig(n, 1, true);
	zero = true;
	for (i = 0; i < n; i++)
		zero &= q[i] == 0;
	CHECK(zero);
	xbig_free(q);
	base_big = was_big;
	base_huge = was;
}

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
/* base_keep_heap: a large block no longer gets a mapping of its own, and
 * freeing it leaves the heap as large (nothing given back to unmap).
 * Not under ASan, whose allocator is not glibc's. */
TEST(keep_heap_keeps_large_blocks)
{
	struct mallinfo2 before, mid, after;
	size_t n = (size_t)6 << 20;
	char *p;

	base_keep_heap();
	before = mallinfo2();
	p = malloc(n);
	CHECK(p != NULL);
	memset(p, 1, n);
	mid = mallinfo2();
	CHECK(mid.hblks == before.hblks);  /* in the heap, not mapped */
	CHECK(mid.arena >= n);
	free(p);
	after = mallinfo2();
	CHECK(after.arena == mid.arena);  /* not trimmed */
	CHECK(after.fordblks >= n);
}
#endif

#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
/* The resident set in kB (VmRSS), or 0. */
static size_t
rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	size_t kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %zu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* xcalloc_written: zeroed, and its pages are the process's own already
 * (resident), not the kernel's page of zeros a read would map. */
TEST(calloc_written_pages_resident)
{
	size_t n = (size_t)64 << 20, i, before, after;
	unsigned char *p;
	bool zero = true;

	before = rss_kb();
	p = xcalloc_written(n, 1);
	after = rss_kb();
	CHECK(after >= before + (n >> 10) * 9 / 10);
	for (i = 0; i < n; i += 4093)
		zero &= p[i] == 0;
	CHECK(zero && p[n - 1] == 0);
	free(p);
}
#endif

/* le_put/le_get: n bytes, least significant first, whatever the host;
 * no byte past n written or read. */
TEST(le_put_get_bytes_in_order)
{
	unsigned char b[10];
	size_t n, i;
	bool ok = true;

	for (n = 0; n <= 8; n++) {
		memset(b, 0xee, sizeof(b));
		le_put(b, UINT64_C(0x0807060504030201), n);
		for (i = 0; i < n; i++)
			ok &= b[i] == i + 1;
		ok &= b[n] == 0xee && b[9] == 0xee;
		ok &= le_get(b, n) ==
		      (n == 8 ? UINT64_C(0x0807060504030201)
			      : UINT64_C(0x0807060504030201) &
					((UINT64_C(1) << (8 * n)) - 1));
	}
	CHECK(ok);
	b[0] = 0x34;
	b[1] = 0x12;
	b[2] = 0xff;
	CHECK(le_get(b, 2) == 0x1234);
	CHECK(le_get(b, 3) == 0xff1234);
	CHECK(hash_eq(hash_get((const unsigned char *)"0123456789abcdef"),
		      (struct hash128){ UINT64_C(0x3736353433323130),
					UINT64_C(0x6665646362613938) }));
}

/* An adopted arena's allocations live on in the adopter, which keeps
 * allocating from its own chunk; one free releases all (ASan checks). */
TEST(arena_adopt_keeps_both)
{
	struct arena *a = arena_new(), *b = arena_new(), *e = arena_new();
	char *x = arena_strndup(a, "kept", 4);
	char *y = arena_strndup(b, "moved", 5);
	char *big = arena_alloc(b, 200000);
	size_t used = arena_used(a) + arena_used(b);
	char *z;

	big[199999] = 7;
	arena_adopt(a, b);
	arena_adopt(a, e);  /* empty: nothing to move */
	CHECK_INT_EQ(arena_used(a), used);
	z = arena_strndup(a, "after", 5);
	CHECK_STR_EQ(x, "kept");
	CHECK_STR_EQ(y, "moved");
	CHECK_STR_EQ(z, "after");
	CHECK(big[199999] == 7);
	b = arena_new();
	arena_adopt(b, a);  /* into an empty one */
	CHECK_STR_EQ(arena_strndup(b, "more", 4), "more");
	arena_free(b);
}

TEST(intern_equal_strings_share_a_pointer)
{
	struct interner *in = intern_new();
	const struct istr *a = intern_get(in, "Book", 4);
	const struct istr *b = intern_cstr(in, "Book");
	const struct istr *c = intern_cstr(in, "book");
	char name[32];
	int i;

	CHECK(a == b);
	CHECK(a != c);
	CHECK_INT_EQ(a->len, 4);
	CHECK_STR_EQ(a->s, "Book");
	/* Enough strings to force several rehashes. */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		intern_cstr(in, name);
	}
	CHECK(intern_cstr(in, "Book") == a);
	CHECK_STR_EQ(intern_cstr(in, "n4999")->s, "n4999");
	CHECK_INT_EQ(intern_count(in), 5002);
	/* Embedded NULs are part of the key. */
	CHECK(intern_get(in, "a\0b", 3) != intern_get(in, "a\0c", 3));
	intern_free(in);
}

TEST(sbuf_grows_and_escapes_json)
{
	struct sbuf b;
	int i;

	sbuf_init(&b);
	for (i = 0; i < 1000; i++)
		sbuf_addc(&b, 'x');
	CHECK_INT_EQ(b.len, 1000);
	sbuf_reset(&b);
	sbuf_add_json_str(&b, "a\"b\\c\nd\x01", 8);
	CHECK_STR_EQ(b.p, "a\\\"b\\\\c\\nd\\u0001");
	sbuf_reset(&b);
	sbuf_printf(&b, "%d-%s", 7, "z");
	CHECK_STR_EQ(b.p, "7-z");
	sbuf_free(&b);
}

/* Formats of %s (and %%) only are copied by sbuf_printf itself; the
 * text must be what vsnprintf makes of them, the others go to it. */
TEST(sbuf_printf_templates_as_vsnprintf)
{
	static const char *fmts[] = {
		"", "plain", "%s", "a%sb%sc", "100%% of %s", "%s%%", "%%s",
		"%s\n%s\n%s", "%5s|", "%-3s|%s", "%.2s", "%d %s",
	};
	char long_fmt[600], want[1400];
	const char *volatile nothing = NULL;  /* not known at compile time */
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		sbuf_reset(&b);
		if (strstr(fmts[i], "%d")) {
			sbuf_printf(&b, fmts[i], 42, "x");
			snprintf(want, sizeof(want), fmts[i], 42, "x");
		} else {
			sbuf_printf(&b, fmts[i], "ab", "cde", "f");
			snprintf(want, sizeof(want), fmts[i], "ab", "cde",
				 "f");
		}
		CHECK_STR_EQ(b.p, want);
		CHECK_INT_EQ(b.len, strlen(want));
	}
	/* A template longer than the spare room, appended to text. */
	memset(long_fmt, 'y', sizeof(long_fmt) - 1);
	long_fmt[sizeof(long_fmt) - 1] = 0;
	memcpy(long_fmt + 300, "%s", 2);
	sbuf_reset(&b);
	sbuf_adds(&b, "head:");
	sbuf_printf(&b, long_fmt, "MIDDLE");
	snprintf(want, sizeof(want), "head:");
	snprintf(want + 5, sizeof(want) - 5, long_fmt, "MIDDLE");
	CHECK_STR_EQ(b.p, want);
	CHECK_INT_EQ(b.len, strlen(want));
	/* NULL prints as glibc prints it. */
	sbuf_reset(&b);
	sbuf_printf(&b, "[%s]", nothing);
	CHECK_STR_EQ(b.p, "[(null)]");
	sbuf_free(&b);
}

TEST(hash_is_content_only)
{
	const char *text = "page A { ui { <p>x</p> } }";
	char buf[64], hex[33];
	struct hash128 h1 = hash_bytes(text, strlen(text));
	struct hash128 h2;

	snprintf(buf, sizeof(buf), "\n\n%s", text);
	h2 = hash_bytes(buf + 2, strlen(text));
	CHECK(hash_eq(h1, h2));
	CHECK(!hash_eq(h1, hash_bytes(text, strlen(text) - 1)));
	hash_hex(h1, hex);
	CHECK_INT_EQ(strlen(hex), 32);
	/* XXH3-128 of the empty input is a published constant. */
	hash_hex(hash_bytes("", 0), hex);
	CHECK_STR_EQ(hex, "99aa06d3014798d86001c324468d497f");
}

TEST(diag_list_counts_and_copies)
{
	struct arena *a = arena_new();
	struct diag_list l, m;
	struct diag *d;

	diag_list_init(&l, a);
	l.unit = 3;
	d = diag_error(&l, "E0301", 5, 2, "bad %s", "thing");
	diag_set_help(&l, d, "try %d", 1);
	diag_set_related(&l, d, 1, 9, 3, "first here");
	diag_warn(&l, "W0301", 0, 1, "meh");
	CHECK_INT_EQ(l.errors, 1);
	CHECK_INT_EQ(l.warnings, 1);
	CHECK_INT_EQ(l.v[0].unit, 3);
	CHECK_STR_EQ(l.v[0].message, "bad thing");
	CHECK_STR_EQ(l.v[0].help, "try 1");
	diag_list_init(&m, a);
	diag_list_append(&m, &l);
	CHECK_INT_EQ(m.n, 2);
	CHECK_INT_EQ(m.errors, 1);
	CHECK_STR_EQ(m.v[0].rel_message, "first here");
	CHECK_INT_EQ(m.v[0].rel_off, 9);
	CHECK(diag_code_family("E0101") == DIAG_FAM_PARSE);
	CHECK(diag_code_family("E0201") == DIAG_FAM_PARSE);
	CHECK(diag_code_family("E0801") == DIAG_FAM_MERGE);
	CHECK(diag_code_family("E0301") == DIAG_FAM_VALIDATION);
	diag_list_free(&l);
	diag_list_free(&m);
	arena_free(a);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

TEST(read_file_and_errors)
{
	char dir[] = "/tmp/locusc-test-XXXXXX", path[128];
	char *text = NULL;
	size_t len = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.locus", dir);
	write_file(path, "abc");
	CHECK_INT_EQ(fs_read_file(path, &text, &len), 0);
	CHECK_INT_EQ(len, 3);
	CHECK_STR_EQ(text, "abc");
	free(text);
	CHECK_INT_EQ(fs_read_file("/nonexistent/x", &text, &len), BASE_ENOENT);
	CHECK_INT_EQ(fs_read_file(dir, &text, &len), BASE_EIO);
	CHECK_STR_EQ(base_strerror(BASE_ENOENT), "no such file or directory");
	unlink(path);
	rmdir(dir);
}

/* A file is read into a buffer of its own size (it was twice that), and
 * a file longer than fstat says (a /proc file says 0) is read whole. */
TEST(read_file_exact_buffer)
{
	char dir[] = "/tmp/locusc-test-XXXXXX", path[128];
	char *text = NULL, *big;
	size_t len = 0, n = 100000, i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/big.locus", dir);
	big = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = 0;
	write_file(path, big);
	CHECK_INT_EQ(fs_read_file(path, &text, &len), 0);
	CHECK_INT_EQ(len, n);
	CHECK(text && memcmp(text, big, n) == 0 && text[n] == 0);
	CHECK(text && malloc_usable_size(text) < n + 4096);
	free(text);
	free(big);
	unlink(path);
	rmdir(dir);

	CHECK_INT_EQ(fs_read_file("/proc/self/status", &text, &len), 0);
	CHECK(len > 100);
	CHECK(text && strncmp(text, "Name:", 5) == 0 && strlen(text) == len);
	CHECK(text && strstr(text, "\nVmRSS:") != NULL);
	free(text);
}

TEST(walk_sorts_by_bytes_and_skips)
{
	char dir[] = "/tmp/locusc-walk-XXXXXX", p[256];
	const char *dirs[] = { "a", ".hidden", "node_modules", "generated",
			       "b" };
	const char *files[] = { "a.locus", "a/x.locus", "a/y.txt",
				".hidden/h.locus", "node_modules/n.locus",
				"generated/g.locus", "b/Z.locus", "B.locus" };
	char **out = NULL, *bad = NULL, skip[256];
	size_t n = 0, i;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < ARRAY_LEN(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		mkdir(p, 0755);
	}
	for (i = 0; i < ARRAY_LEN(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		write_file(p, "");
	}
	snprintf(skip, sizeof(skip), "%s/generated", dir);
	CHECK_INT_EQ(drv_walk(dir, skip, &out, &n, &bad), 0);
	CHECK_INT_EQ(n, 4);
	if (n == 4) {
		/* Byte order: 'B' < 'a'; "a.locus" < "a/x.locus" ('.' < '/'). */
		CHECK_STR_EQ(out[0], "B.locus");
		CHECK_STR_EQ(out[1], "a.locus");
		CHECK_STR_EQ(out[2], "a/x.locus");
		CHECK_STR_EQ(out[3], "b/Z.locus");
	}
	drv_walk_free(out, n);
	snprintf(p, sizeof(p), "%s/missing", dir);
	CHECK_INT_EQ(drv_walk(p, NULL, &out, &n, &bad), BASE_ENOENT);
	CHECK(bad != NULL);
	free(bad);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(p), 0);
}
