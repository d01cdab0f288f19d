/*
 * test_cache.c - the LMDB build cache: every database round-trips, blobs
 * are idempotent and zero-copy, readers run on threads while a writer
 * commits and grows the map, bad caches are recreated, gc trims by last
 * use, and a writer killed at random moments loses nothing it committed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "cache/cache.h"
#include "test.h"

/* ---- helpers ---- */

/* A test cannot go on without its cache. */
#define OPEN_OR_RETURN(dir, o, c)                                              \
	do {                                                                   \
		int rc_ = cache_open(dir, o, c);                               \
		CHECK_INT_EQ(rc_, 0);                                          \
		if (rc_)                                                       \
			return;                                                \
	} while (0)

static char *
tmp_dir(void)
{
	char tmpl[] = "/tmp/locus-cache-XXXXXX";

	if (!mkdtemp(tmpl))
		base_fatal("mkdtemp: %s", strerror(errno));
	return xstrdup(tmpl);
}

static void
rm_tree(const char *path)
{
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d))) {
		struct sbuf b;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sbuf_init(&b);
		sbuf_printf(&b, "%s/%s", path, e->d_name);
		rm_tree(b.p);
		sbuf_free(&b);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static void
done_dir(char *dir)
{
	rm_tree(dir);
	free(dir);
}

static char *
data_path(const char *dir)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, "%s/data.mdb", dir);
	return b.p;
}

static struct hash128
hash_of_int(uint64_t i)
{
	unsigned char b[8];
	int k;

	for (k = 0; k < 8; k++)
		b[k] = (unsigned char)(i >> (8 * k));
	return hash_bytes(b, sizeof(b));
}

/* Deterministic bytes number i of a blob: n bytes from a tiny LCG. */
static void
fill(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 6364136223846793005u + 1442695040888963407u;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		p[i] = (unsigned char)(x >> 56);
	}
}

static int
put_blob_n(struct cache_txn *t, uint64_t seed, size_t n, struct hash128 *h)
{
	unsigned char *p = xmalloc(n);
	int rc;

	fill(p, n, seed);
	*h = hash_bytes(p, n);
	rc = cache_blob_put(t, *h, p, n);
	free(p);
	return rc;
}

/* 1 if p[0..n) are the n bytes of seed. */
static int
bytes_are(const void *p, size_t n, uint64_t seed)
{
	unsigned char *want = xmalloc(n);
	int ok;

	fill(want, n, seed);
	ok = memcmp(p, want, n) == 0;
	free(want);
	return ok;
}

/* 1 if the blob h holds the n bytes of seed. */
static int
blob_is(struct cache_txn *t, struct hash128 h, uint64_t seed, size_t n)
{
	const void *p;
	size_t len;

	return cache_blob_get(t, h, &p, &len) == 0 && len == n &&
	       bytes_are(p, n, seed);
}

/* ---- round trips ---- */

struct seen {
	int n;
	char rel[4][32];
	uint64_t seqs[16];
};

static int
on_file(void *arg, const char *rel, const struct cache_file_state *st,
	const void *units, size_t n)
{
	struct seen *s = arg;

	(void)st;
	(void)units;
	(void)n;
	if (s->n < 4)
		snprintf(s->rel[s->n], sizeof(s->rel[0]), "%s", rel);
	s->n++;
	return 0;
}

static int
on_output(void *arg, const char *rel, struct hash128 h)
{
	struct seen *s = arg;

	(void)h;
	if (s->n < 4)
		snprintf(s->rel[s->n], sizeof(s->rel[0]), "%s", rel);
	s->n++;
	return 0;
}

static int
on_log(void *arg, uint64_t seq, const void *p, size_t n)
{
	struct seen *s = arg;

	(void)p;
	(void)n;
	if (s->n < 16)
		s->seqs[s->n] = seq;
	s->n++;
	return s->n == 99 ? 42 : 0;
}

/* Keys are ordered as LMDB orders their bytes (the low half first,
 * little-endian), which is not the order of the numbers. */
TEST(cache_key_cmp_is_the_byte_order_of_keys)
{
	struct hash128 a = { .lo = 1, .hi = 0 }, b = { .lo = 256, .hi = 0 };
	struct hash128 c = { .lo = 1, .hi = 5 };

	CHECK(cache_key_cmp(a, a) == 0);
	CHECK(cache_key_cmp(a, b) > 0);   /* 01 00 .. after 00 01 .. */
	CHECK(cache_key_cmp(b, a) < 0);
	CHECK(cache_key_cmp(a, c) < 0);   /* the same low half: the high */
	CHECK(cache_key_cmp(c, a) > 0);
}

TEST(cache_every_db_round_trips)
{
	char *dir = tmp_dir();
	struct cache *c;
	struct cache_txn *t;
	struct hash128 unit = hash_bytes("unit", 4), comp = hash_bytes("v1", 2);
	struct hash128 other = hash_bytes("v2", 2), outs[3], got[2], h;
	struct cache_file_state st = {1700000000123456789, 42, 7}, st2;
	struct seen seen;
	const void *p;
	size_t n;
	uint64_t seq;
	int i;

	outs[0] = hash_bytes("a", 1);
	outs[1] = hash_bytes("b", 1);
	outs[2] = hash_bytes("c", 1);
	OPEN_OR_RETURN(dir, NULL, &c);
	CHECK_INT_EQ(cache_recovered(c), 0);
	CHECK_STR_EQ(cache_dir(c), dir);
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_blob_put(t, hash_bytes("hello", 5), "hello", 5), 0);
	CHECK_INT_EQ(cache_ir_put(t, unit, comp, "IR!", 3), 0);
	CHECK_INT_EQ(cache_action_put(t, unit, outs, 3), 0);
	CHECK_INT_EQ(cache_file_put(t, "/proj", "app/a.locus", &st, "UL", 2),
		     0);
	CHECK_INT_EQ(cache_file_put(t, "/proj", "b.locus", &st, NULL, 0), 0);
	CHECK_INT_EQ(cache_file_put(t, "/other", "c.locus", &st, "x", 1), 0);
	CHECK_INT_EQ(cache_output_put(t, "/out", "schema.prisma", outs[0]), 0);
	CHECK_INT_EQ(cache_output_put(t, "/out2", "x.ts", outs[1]), 0);
	for (i = 0; i < 3; i++) {
		CHECK_INT_EQ(cache_log_append(t, "rec", 3, &seq), 0);
		CHECK_INT_EQ(seq, i + 1);
	}
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	cache_close(c);

	OPEN_OR_RETURN(dir, NULL, &c);
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	CHECK_INT_EQ(cache_blob_get(t, hash_bytes("hello", 5), &p, &n), 0);
	CHECK(n == 5 && memcmp(p, "hello", 5) == 0);
	CHECK_INT_EQ(cache_blob_get(t, hash_bytes("nope", 4), &p, &n),
		     CACHE_ENOTFOUND);
	CHECK_INT_EQ(cache_ir_get(t, unit, comp, &p, &n), 0);
	CHECK(n == 3 && memcmp(p, "IR!", 3) == 0);
	CHECK_INT_EQ(cache_ir_get(t, unit, other, &p, &n), CACHE_ENOTFOUND);
	CHECK_INT_EQ(cache_action_get(t, unit, got, 2, &n), 0);
	CHECK_INT_EQ(n, 3);
	CHECK(hash_eq(got[0], outs[0]) && hash_eq(got[1], outs[1]));
	CHECK_INT_EQ(cache_action_get(t, comp, got, 2, &n), CACHE_ENOTFOUND);
	CHECK_INT_EQ(cache_file_get(t, "/proj", "app/a.locus", &st2, &p, &n),
		     0);
	CHECK(st2.mtime_ns == st.mtime_ns && st2.size == 42 && st2.inode == 7);
	CHECK(n == 2 && memcmp(p, "UL", 2) == 0);
	CHECK_INT_EQ(cache_file_get(t, "/proj", "b.locus", &st2, &p, &n), 0);
	CHECK_INT_EQ(n, 0);
	CHECK_INT_EQ(cache_file_get(t, "/proj", "c.locus", &st2, &p, &n),
		     CACHE_ENOTFOUND);
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_files_each(t, "/proj", on_file, &seen), 0);
	CHECK_INT_EQ(seen.n, 2);
	CHECK(!strcmp(seen.rel[0], "b.locus") ||
	      !strcmp(seen.rel[1], "b.locus"));
	CHECK_INT_EQ(cache_output_get(t, "/out", "schema.prisma", &h), 0);
	CHECK(hash_eq(h, outs[0]));
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_outputs_each(t, "/out", on_output, &seen), 0);
	CHECK_INT_EQ(seen.n, 1);
	CHECK_STR_EQ(seen.rel[0], "schema.prisma");
	/* Writes in a read transaction are refused. */
	CHECK_INT_EQ(cache_blob_put(t, h, "x", 1), CACHE_EREADONLY);
	CHECK_INT_EQ(cache_log_append(t, "x", 1, NULL), CACHE_EREADONLY);
	CHECK_INT_EQ(cache_txn_commit(t), 0);

	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_file_del(t, "/proj", "b.locus"), 0);
	CHECK_INT_EQ(cache_file_del(t, "/proj", "b.locus"), CACHE_ENOTFOUND);
	CHECK_INT_EQ(cache_output_del(t, "/out", "schema.prisma"), 0);
	CHECK_INT_EQ(cache_output_get(t, "/out", "schema.prisma", &h),
		     CACHE_ENOTFOUND);
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_files_each(t, "/proj", on_file, &seen), 0);
	CHECK_INT_EQ(seen.n, 1);
	CHECK_STR_EQ(seen.rel[0], "app/a.locus");
	cache_txn_abort(t);
	/* The abort kept everything. */
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	CHECK_INT_EQ(cache_file_get(t, "/proj", "b.locus", &st2, &p, &n), 0);
	cache_txn_abort(t);
	cache_close(c);
	done_dir(dir);
}

TEST(cache_blob_is_idempotent_and_zero_copy)
{
	char *dir = tmp_dir();
	struct hash128 h = hash_bytes("content", 7);
	struct cache *c;
	struct cache_txn *t;
	const void *p1, *p2;
	size_t n1, n2;
	struct cache_stats st;

	OPEN_OR_RETURN(dir, NULL, &c);
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_blob_put(t, h, "content", 7), 0);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	/* Same key again: content-addressed, so the first bytes stay. */
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_blob_put(t, h, "CONTENT", 7), 0);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK_INT_EQ(st.db[CACHE_DB_BLOBS].entries, 1);

	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	CHECK_INT_EQ(cache_blob_get(t, h, &p1, &n1), 0);
	CHECK_INT_EQ(cache_blob_get(t, h, &p2, &n2), 0);
	/* Both point at the same bytes of the map, not at copies. */
	CHECK(p1 == p2);
	CHECK(n1 == 7 && memcmp(p1, "content", 7) == 0);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	cache_close(c);
	done_dir(dir);
}

/* kB of dir's data.mdb mapped into this process (its map's Rss). */
static long
map_rss_kb(const char *dir)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[1024];
	bool in = false;
	long kb = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, dir) && strstr(line, "/data.mdb"))
			in = true;
		else if (in && strncmp(line, "Rss:", 4) == 0) {
			kb += atol(line + 4);
			in = false;
		}
	}
	fclose(f);
	return kb;
}

static void
put_blobs(struct cache *c, uint64_t from, uint64_t n)
{
	unsigned char b[1500];
	struct cache_txn *t;
	uint64_t i;

	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	for (i = from; i < from + n; i++) {
		fill(b, sizeof(b), i);
		CHECK_INT_EQ(cache_blob_put(t, hash_of_int(i), b, sizeof(b)), 0);
	}
	CHECK_INT_EQ(cache_txn_commit(t), 0);
}

static int
blobs_intact(struct cache *c, uint64_t n)
{
	unsigned char b[1500];
	struct cache_txn *t;
	const void *p;
	size_t len;
	uint64_t i;
	int bad = 0;

	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	for (i = 0; i < n; i++) {
		fill(b, sizeof(b), i);
		if (cache_blob_get(t, hash_of_int(i), &p, &len) != 0 ||
		    len != sizeof(b) || memcmp(p, b, len) != 0)
			bad++;
	}
	cache_txn_abort(t);
	return bad;
}

/* A big commit drops the map's pages from the process (its puts read
 * leaves all over the tree); a small one does not; cache_release_map
 * does when asked; either way every value reads back. */
TEST(cache_big_commit_releases_its_map_pages)
{
	char *dir = tmp_dir();
	struct cache *c;

	OPEN_OR_RETURN(dir, NULL, &c);
	put_blobs(c, 0, 600);
	CHECK_INT_EQ(blobs_intact(c, 600), 0);
	CHECK(map_rss_kb(dir) > 100);      /* the reads mapped the leaves */
	put_blobs(c, 600, 2);
	CHECK(map_rss_kb(dir) > 100);      /* a small commit keeps them */
	put_blobs(c, 602, 400);
	CHECK_INT_EQ(map_rss_kb(dir), 0);  /* a big one lets them go */
	CHECK_INT_EQ(blobs_intact(c, 1002), 0);
	CHECK(map_rss_kb(dir) > 100);
	cache_release_map(c);              /* what watch does after a save */
	CHECK_INT_EQ(map_rss_kb(dir), 0);
	CHECK_INT_EQ(blobs_intact(c, 1002), 0);
	cache_close(c);
	done_dir(dir);
}

struct put_range {
	uint64_t from, n;
};

static int
put_range_fn(struct cache_txn *t, void *arg)
{
	const struct put_range *r = arg;
	unsigned char b[1500];
	uint64_t i;
	int rc;

	for (i = r->from; i < r->from + r->n; i++) {
		fill(b, sizeof(b), i);
		if ((rc = cache_blob_put(t, hash_of_int(i), b, sizeof(b))) != 0)
			return rc;
	}
	return 0;
}

/* cache_release_map_later lets the map go on its own thread: reads and
 * writes meanwhile and after see every value; a commit that grows the
 * map (cache_write's retry) waits for it at the gate; cache_close joins
 * it. */
TEST(cache_release_map_later_runs_beside_reads_and_writes)
{
	char *dir = tmp_dir();
	struct cache_opts o = { .map_size = (size_t)1 << 20 };
	struct put_range r = { 0, 600 };
	struct cache *c;
	int round;

	OPEN_OR_RETURN(dir, &o, &c);
	CHECK_INT_EQ(cache_write(c, put_range_fn, &r), 0);
	for (round = 0; round < 4; round++) {
		CHECK_INT_EQ(blobs_intact(c, r.from + r.n), 0);
		CHECK(map_rss_kb(dir) > 100);
		cache_release_map_later(c);
		/* Beside it: reads, and puts that grow the map. */
		CHECK_INT_EQ(blobs_intact(c, r.from + r.n), 0);
		r.from += r.n;
		r.n = 400;
		CHECK_INT_EQ(cache_write(c, put_range_fn, &r), 0);
	}
	cache_release_map_later(c);
	cache_close(c);  /* joins it */
	OPEN_OR_RETURN(dir, &o, &c);
	CHECK_INT_EQ(blobs_intact(c, r.from + r.n), 0);
	CHECK(map_rss_kb(dir) > 100);
	cache_release_map_later(c);
	cache_close(c);
	done_dir(dir);
}

/* A write transaction of many puts does not map the file as it goes:
 * each put reads the leaf it lands on (and the kernel maps the pages
 * around it), and without dropping them on the way a transaction of a
 * few thousand puts had most of a 40 MB file in the resident set. */
TEST(cache_long_write_txn_keeps_little_of_the_map)
{
	char *dir = tmp_dir();
	struct cache_opts o = { .map_size = (size_t)256 << 20 };
	unsigned char b[1500];
	struct cache *c;
	struct cache_txn *t;
	char path[512];
	struct stat st;
	uint64_t i;

	OPEN_OR_RETURN(dir, &o, &c);
	for (i = 0; i < 24000; i += 4000)
		put_blobs(c, i, 4000);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	CHECK(stat(path, &st) == 0 && st.st_size > (off_t)30 << 20);
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	for (i = 100000; i < 100000 + 2058; i++) {
		fill(b, sizeof(b), i);
		CHECK_INT_EQ(cache_blob_put(t, hash_of_int(i), b, sizeof(b)), 0);
	}
	CHECK(map_rss_kb(dir) < 4096);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	CHECK_INT_EQ(blobs_intact(c, 24000), 0);
	cache_close(c);
	done_dir(dir);
}

/* ---- threads ---- */

#define NREADERS 8
#define PRELOAD 64

struct reader_arg {
	struct cache *c;
	atomic_int *stop;
	int bad;
	int rounds;
};

static void *
reader_main(void *p)
{
	struct reader_arg *a = p;
	struct cache_txn *t;
	int i;

	while (!atomic_load(a->stop) || a->rounds < 5) {
		if (cache_txn_begin(a->c, false, &t) != 0) {
			a->bad++;
			continue;
		}
		/* Preloaded blobs are seeds 0..PRELOAD-1, 3000 bytes. */
		for (i = 0; i < PRELOAD; i++) {
			unsigned char b[3000];

			fill(b, sizeof(b), (uint64_t)i);
			if (!blob_is(t, hash_bytes(b, sizeof(b)), (uint64_t)i,
				     sizeof(b)))
				a->bad++;
		}
		cache_txn_abort(t);
		a->rounds++;
	}
	return NULL;
}

struct batch {
	uint64_t first;
	int n;
	size_t size;
};

static int
write_batch(struct cache_txn *t, void *arg)
{
	const struct batch *b = arg;
	struct hash128 h;
	int i, rc;

	for (i = 0; i < b->n; i++) {
		rc = put_blob_n(t, b->first + (uint64_t)i, b->size, &h);
		if (rc)
			return rc;
	}
	return 0;
}

TEST(cache_readers_on_threads_while_writer_commits_and_grows)
{
	char *dir = tmp_dir();
	struct cache_opts o = {.map_size = 1 << 20};
	struct reader_arg args[NREADERS];
	pthread_t th[NREADERS];
	atomic_int stop = 0;
	struct batch b = {0, PRELOAD, 3000};
	struct cache_stats st;
	struct cache_txn *t;
	struct cache *c;
	int i, bad = 0;

	OPEN_OR_RETURN(dir, &o, &c);
	CHECK_INT_EQ(cache_write(c, write_batch, &b), 0);
	for (i = 0; i < NREADERS; i++) {
		args[i] = (struct reader_arg){c, &stop, 0, 0};
		pthread_create(&th[i], NULL, reader_main, &args[i]);
	}
	/* 40 commits of 100 KB each: the 1 MiB map must grow meanwhile. */
	for (i = 0; i < 40; i++) {
		struct batch w = {1000 + (uint64_t)i * 10, 10, 10000};

		CHECK_INT_EQ(cache_write(c, write_batch, &w), 0);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < NREADERS; i++) {
		pthread_join(th[i], NULL);
		bad += args[i].bad;
		CHECK(args[i].rounds >= 5);
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK(st.map_bytes > (1 << 20));
	CHECK_INT_EQ(st.db[CACHE_DB_BLOBS].entries, PRELOAD + 400);
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	for (i = 0; i < 400; i++) {
		unsigned char *p = xmalloc(10000);

		fill(p, 10000, 1000 + (uint64_t)i);
		CHECK(blob_is(t, hash_bytes(p, 10000), 1000 + (uint64_t)i,
			      10000));
		free(p);
	}
	cache_txn_abort(t);
	cache_close(c);
	done_dir(dir);
}

TEST(cache_map_full_grows_and_keeps_everything)
{
	char *dir = tmp_dir();
	struct cache_opts o = {.map_size = 64 << 10};
	struct batch b = {7, 64, 65536}; /* 4 MiB in one transaction */
	struct cache_stats st;
	struct cache_txn *t;
	struct cache *c;
	int i;

	OPEN_OR_RETURN(dir, &o, &c);
	CHECK_INT_EQ(cache_write(c, write_batch, &b), 0);
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK(st.map_bytes >= (4u << 20));
	CHECK_INT_EQ(st.db[CACHE_DB_BLOBS].entries, 64);
	cache_close(c);
	/* Reopening with the small size keeps the grown map. */
	OPEN_OR_RETURN(dir, &o, &c);
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	for (i = 0; i < 64; i++) {
		unsigned char *p = xmalloc(65536);

		fill(p, 65536, 7 + (uint64_t)i);
		CHECK(blob_is(t, hash_bytes(p, 65536), 7 + (uint64_t)i, 65536));
		free(p);
	}
	cache_txn_abort(t);
	/* A plain transaction reports the full map instead of growing. */
	{
		struct cache_opts tiny = {.map_size = 64 << 10,
					  .max_map_size = 64 << 10};
		char *dir2 = tmp_dir();
		struct cache *c2;
		struct batch big = {1, 4, 65536};

		OPEN_OR_RETURN(dir2, &tiny, &c2);
		CHECK_INT_EQ(cache_write(c2, write_batch, &big),
			     CACHE_EMAPFULL);
		cache_close(c2);
		done_dir(dir2);
	}
	cache_close(c);
	done_dir(dir);
}

/* ---- recreation ---- */

static void
put_one(struct cache *c, const char *s)
{
	struct cache_txn *t;

	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_blob_put(t, hash_bytes(s, strlen(s)), s, strlen(s)),
		     0);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
}

static int
has_one(struct cache *c, const char *s)
{
	struct cache_txn *t;
	const void *p;
	size_t n;
	int rc;

	if (cache_txn_begin(c, false, &t))
		return 0;
	rc = cache_blob_get(t, hash_bytes(s, strlen(s)), &p, &n);
	cache_txn_abort(t);
	return rc == 0;
}

TEST(cache_other_version_is_recreated)
{
	char *dir = tmp_dir();
	struct cache_opts v2 = {.format_version = 77};
	struct cache *c;

	OPEN_OR_RETURN(dir, NULL, &c);
	put_one(c, "old");
	cache_close(c);
	OPEN_OR_RETURN(dir, &v2, &c);
	CHECK_INT_EQ(cache_recovered(c), CACHE_EVERSION);
	CHECK(!has_one(c, "old"));
	put_one(c, "new");
	CHECK(has_one(c, "new"));
	cache_close(c);
	OPEN_OR_RETURN(dir, &v2, &c);
	CHECK_INT_EQ(cache_recovered(c), 0);
	CHECK(has_one(c, "new"));
	cache_close(c);
	done_dir(dir);
}

TEST(cache_garbage_file_is_recreated)
{
	char *dir = tmp_dir(), *data = data_path(dir);
	unsigned char junk[16384];
	struct cache *c;
	int fd;

	OPEN_OR_RETURN(dir, NULL, &c);
	put_one(c, "before");
	cache_close(c);
	fill(junk, sizeof(junk), 99);
	fd = open(data, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk));
	close(fd);
	OPEN_OR_RETURN(dir, NULL, &c);
	CHECK_INT_EQ(cache_recovered(c), CACHE_ECORRUPT);
	CHECK(!has_one(c, "before"));
	put_one(c, "after");
	CHECK(has_one(c, "after"));
	cache_close(c);
	free(data);
	done_dir(dir);
}

/* ---- log ---- */

TEST(cache_log_appends_and_iterates_newest_first)
{
	char *dir = tmp_dir();
	struct cache *c;
	struct cache_txn *t;
	struct seen seen;
	uint64_t seq;
	int i;

	OPEN_OR_RETURN(dir, NULL, &c);
	for (i = 1; i <= 300; i++) {
		char rec[32];

		snprintf(rec, sizeof(rec), "build %d", i);
		CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
		CHECK_INT_EQ(cache_log_append(t, rec, strlen(rec), &seq), 0);
		CHECK_INT_EQ(seq, i);
		CHECK_INT_EQ(cache_txn_commit(t), 0);
	}
	/* An aborted append does not use up its number. */
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_log_append(t, "x", 1, &seq), 0);
	cache_txn_abort(t);
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_log_each(t, 3, on_log, &seen), 0);
	CHECK_INT_EQ(seen.n, 3);
	CHECK(seen.seqs[0] == 300 && seen.seqs[1] == 299 &&
	      seen.seqs[2] == 298);
	/* All records; the callback's nonzero stops the walk. */
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_log_each(t, 0, on_log, &seen), 42);
	CHECK_INT_EQ(seen.n, 99);
	cache_txn_abort(t);
	cache_close(c);
	/* Numbers go on after a reopen (256 crossed a key byte: order). */
	OPEN_OR_RETURN(dir, NULL, &c);
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_log_append(t, "y", 1, &seq), 0);
	CHECK_INT_EQ(seq, 301);
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_log_each(t, 2, on_log, &seen), 0);
	CHECK(seen.seqs[0] == 301 && seen.seqs[1] == 300);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	cache_close(c);
	done_dir(dir);
}

/* ---- gc and clean ---- */

#define GC_BLOB 8000
#define GC_PER_BUILD 10

struct gc_build {
	int build;
	int touch_build; /* read this build's blobs first; 0: none */
	struct hash128 action;
};

static uint64_t
gc_seed(int build, int i)
{
	return (uint64_t)build * 1000 + (uint64_t)i;
}

static struct hash128
gc_hash(int build, int i)
{
	unsigned char *p = xmalloc(GC_BLOB);
	struct hash128 h;

	fill(p, GC_BLOB, gc_seed(build, i));
	h = hash_bytes(p, GC_BLOB);
	free(p);
	return h;
}

static int
gc_one_build(struct cache_txn *t, void *arg)
{
	struct gc_build *b = arg;
	struct hash128 h;
	int i, rc;

	for (i = 0; i < GC_PER_BUILD; i++) {
		rc = put_blob_n(t, gc_seed(b->build, i), GC_BLOB, &h);
		if (rc)
			return rc;
		if (i == 0) {
			b->action = hash_of_int((uint64_t)b->build);
			rc = cache_action_put(t, b->action, &h, 1);
			if (rc)
				return rc;
		}
	}
	return cache_log_append(t, "b", 1, NULL);
}

TEST(cache_gc_trims_to_size_and_keeps_recent)
{
	char *dir = tmp_dir();
	struct cache *c;
	struct cache_txn *t;
	struct cache_stats st;
	struct cache_gc_result r;
	struct gc_build b;
	struct hash128 outs[1];
	const void *p;
	size_t n;
	int i;
	const uint64_t max = 600 << 10;

	OPEN_OR_RETURN(dir, NULL, &c);
	for (i = 1; i <= 20; i++) {
		b.build = i;
		CHECK_INT_EQ(cache_write(c, gc_one_build, &b), 0);
	}
	/* Build 2's blobs and build 3's action are used again; build 4's
	 * blobs found, then marked used once read (cache_blob_find, then
	 * cache_blob_used); build 5's found only, never marked. */
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	for (i = 0; i < GC_PER_BUILD; i++) {
		CHECK_INT_EQ(cache_blob_get(t, gc_hash(2, i), &p, &n), 0);
		CHECK_INT_EQ(cache_blob_find(t, gc_hash(4, i), &p, &n), 0);
		CHECK(n == GC_BLOB && bytes_are(p, n, gc_seed(4, i)));
		cache_blob_used(c, gc_hash(4, i), p);
		CHECK_INT_EQ(cache_blob_find(t, gc_hash(5, i), &p, &n), 0);
	}
	CHECK_INT_EQ(cache_blob_find(t, gc_hash(99, 0), &p, &n),
		     CACHE_ENOTFOUND);
	CHECK_INT_EQ(cache_action_get(t, hash_of_int(3), outs, 1, &n), 0);
	cache_txn_abort(t);
	/* The next write commit (build 21) records those uses. */
	b.build = 21;
	CHECK_INT_EQ(cache_write(c, gc_one_build, &b), 0);

	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK(st.live_bytes > 2 * max);
	CHECK_INT_EQ(cache_gc(c, max, &r), 0);
	if (getenv("CACHE_TEST_VERBOSE"))
		fprintf(stderr,
			"gc: live %llu -> dropped %llu, file %llu -> %llu\n",
			(unsigned long long)st.live_bytes,
			(unsigned long long)r.entries_dropped,
			(unsigned long long)r.bytes_before,
			(unsigned long long)r.bytes_after);
	CHECK(r.compacted);
	CHECK(r.entries_dropped > 0);
	CHECK(r.bytes_after <= max);
	CHECK(r.bytes_after < r.bytes_before);
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK(st.file_bytes <= max);
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	for (i = 0; i < GC_PER_BUILD; i++) {
		CHECK(blob_is(t, gc_hash(21, i), gc_seed(21, i), GC_BLOB));
		CHECK(blob_is(t, gc_hash(20, i), gc_seed(20, i), GC_BLOB));
		CHECK(blob_is(t, gc_hash(2, i), gc_seed(2, i), GC_BLOB));
		CHECK(blob_is(t, gc_hash(4, i), gc_seed(4, i), GC_BLOB));
		CHECK_INT_EQ(cache_blob_get(t, gc_hash(1, i), &p, &n),
			     CACHE_ENOTFOUND);
		CHECK_INT_EQ(cache_blob_get(t, gc_hash(5, i), &p, &n),
			     CACHE_ENOTFOUND);
	}
	/* The action and its output blob survived; its sibling did not. */
	CHECK_INT_EQ(cache_action_get(t, hash_of_int(3), outs, 1, &n), 0);
	CHECK(blob_is(t, gc_hash(3, 0), gc_seed(3, 0), GC_BLOB));
	CHECK_INT_EQ(cache_blob_get(t, gc_hash(3, 1), &p, &n), CACHE_ENOTFOUND);
	cache_txn_abort(t);
	/* Still a working cache. */
	b.build = 22;
	CHECK_INT_EQ(cache_write(c, gc_one_build, &b), 0);
	cache_close(c);
	done_dir(dir);
}

static int
append_many(struct cache_txn *t, void *arg)
{
	int i, rc;

	for (i = 0; i < *(int *)arg; i++)
		if ((rc = cache_log_append(t, "r", 1, NULL)))
			return rc;
	return 0;
}

TEST(cache_gc_keeps_the_newest_log_records)
{
	char *dir = tmp_dir();
	int count = CACHE_GC_LOG_KEEP + 234;
	struct cache_gc_result r;
	struct cache_stats st;
	struct cache_txn *t;
	struct seen seen;
	struct cache *c;

	OPEN_OR_RETURN(dir, NULL, &c);
	CHECK_INT_EQ(cache_write(c, append_many, &count), 0);
	CHECK_INT_EQ(cache_gc(c, 1 << 30, &r), 0);
	CHECK_INT_EQ(r.log_dropped, 234);
	CHECK_INT_EQ(r.entries_dropped, 0);
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK_INT_EQ(st.db[CACHE_DB_LOG].entries, CACHE_GC_LOG_KEEP);
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	memset(&seen, 0, sizeof(seen));
	CHECK_INT_EQ(cache_log_each(t, 1, on_log, &seen), 0);
	CHECK_INT_EQ(seen.seqs[0], count);
	cache_txn_abort(t);
	cache_close(c);
	done_dir(dir);
}

TEST(cache_clean_empties_everything)
{
	char *dir = tmp_dir();
	struct cache_stats st;
	struct cache *c;
	struct gc_build b;
	struct cache_txn *t;
	uint64_t seq;
	int i;

	OPEN_OR_RETURN(dir, NULL, &c);
	for (i = 1; i <= 5; i++) {
		b.build = i;
		CHECK_INT_EQ(cache_write(c, gc_one_build, &b), 0);
	}
	CHECK_INT_EQ(cache_clean(c), 0);
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	for (i = 0; i < CACHE_DB_COUNT; i++)
		if (i != CACHE_DB_META)
			CHECK_INT_EQ(st.db[i].entries, 0);
	CHECK(st.file_bytes <= 64 << 10);
	CHECK(!has_one(c, "x"));
	put_one(c, "x");
	CHECK(has_one(c, "x"));
	/* Sequence numbers never go back, so stamps stay ordered. */
	CHECK_INT_EQ(cache_txn_begin(c, true, &t), 0);
	CHECK_INT_EQ(cache_log_append(t, "z", 1, &seq), 0);
	CHECK_INT_EQ(seq, 6);
	CHECK_INT_EQ(cache_txn_commit(t), 0);
	cache_close(c);
	done_dir(dir);
}

TEST(cache_gc_does_not_compact_under_another_process)
{
	char *dir = tmp_dir();
	struct cache_gc_result r;
	struct cache *c;
	int up[2], down[2];
	pid_t pid;
	char ch = 0;

	CHECK_INT_EQ(pipe(up), 0);
	CHECK_INT_EQ(pipe(down), 0);
	pid = fork();
	if (pid == 0) {
		struct cache *cc;

		if (cache_open(dir, NULL, &cc) != 0)
			_exit(3);
		if (write(up[1], "r", 1) != 1 || read(down[0], &ch, 1) != 1)
			_exit(4);
		cache_close(cc);
		_exit(0);
	}
	CHECK(read(up[0], &ch, 1) == 1);
	OPEN_OR_RETURN(dir, NULL, &c);
	put_one(c, "kept");
	CHECK_INT_EQ(cache_gc(c, 1 << 30, &r), 0);
	CHECK(!r.compacted);
	CHECK(has_one(c, "kept"));
	CHECK(write(down[1], "q", 1) == 1);
	waitpid(pid, NULL, 0);
	CHECK_INT_EQ(cache_gc(c, 1 << 30, &r), 0);
	CHECK(r.compacted);
	CHECK(has_one(c, "kept"));
	cache_close(c);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	done_dir(dir);
}

/* ---- killed writers ---- */

struct kill_rec {
	uint32_t i;
};

static size_t
kill_size(uint32_t i)
{
	/* Mostly small, every seventh past a page, every 31st large. */
	if (i % 31 == 0)
		return 70000 + i % 1000;
	if (i % 7 == 0)
		return 5000 + i % 100;
	return 1 + i % 600;
}

static void
kill_rel(uint32_t i, char rel[32])
{
	snprintf(rel, 32, "src/f%u.locus", (unsigned)i);
}

static int
kill_write(struct cache_txn *t, void *arg)
{
	uint32_t i = ((struct kill_rec *)arg)->i;
	struct cache_file_state st = {(int64_t)i * 1000, i, i + 1u};
	unsigned char rec[8];
	struct hash128 h;
	char rel[32];
	int rc, k;

	for (k = 0; k < 4; k++)
		rec[k] = (unsigned char)(i >> (8 * k));
	memcpy(rec + 4, "LOGR", 4);
	kill_rel(i, rel);
	if ((rc = put_blob_n(t, i, kill_size(i), &h)) ||
	    (rc = cache_ir_put(t, hash_of_int(i), hash_of_int(0), rec, 8)) ||
	    (rc = cache_action_put(t, hash_of_int(i), &h, 1)) ||
	    (rc = cache_file_put(t, "/root", rel, &st, rec, 4)) ||
	    (rc = cache_output_put(t, "/out", rel, h)) ||
	    (rc = cache_log_append(t, rec, sizeof(rec), NULL)))
		return rc;
	return 0;
}

static void
kill_child(const char *dir, int fd, uint32_t start)
{
	struct cache_opts o = {.map_size = 128 << 10};
	struct kill_rec r;
	struct cache *c;

	if (cache_open(dir, &o, &c) != 0)
		_exit(3);
	for (r.i = start;; r.i++) {
		if (cache_write(c, kill_write, &r) != 0)
			_exit(4);
		if (write(fd, &r.i, sizeof(r.i)) != sizeof(r.i))
			_exit(5);
	}
}

/* Checks every record 1..last; returns the number of bad ones. */
static int
kill_verify(struct cache *c, uint32_t last)
{
	struct cache_txn *t;
	struct cache_file_state st;
	struct hash128 out[1], h;
	const void *p;
	size_t n;
	char rel[32];
	uint32_t i;
	int bad = 0;

	if (cache_txn_begin(c, false, &t))
		return 1;
	for (i = 1; i <= last; i++) {
		unsigned char *b = xmalloc(kill_size(i));
		int ok;

		fill(b, kill_size(i), i);
		h = hash_bytes(b, kill_size(i));
		free(b);
		kill_rel(i, rel);
		ok = blob_is(t, h, i, kill_size(i)) &&
		     cache_ir_get(t, hash_of_int(i), hash_of_int(0), &p, &n) ==
			 0 &&
		     n == 8 && memcmp((const char *)p + 4, "LOGR", 4) == 0 &&
		     cache_action_get(t, hash_of_int(i), out, 1, &n) == 0 &&
		     n == 1 && hash_eq(out[0], h) &&
		     cache_file_get(t, "/root", rel, &st, &p, &n) == 0 &&
		     st.size == i && st.inode == i + 1u && n == 4 &&
		     cache_output_get(t, "/out", rel, out) == 0 &&
		     hash_eq(out[0], h);
		bad += !ok;
	}
	cache_txn_abort(t);
	return bad;
}

static int
kill_log_ok(void *arg, uint64_t seq, const void *p, size_t n)
{
	int *bad = arg;

	(void)seq;
	if (n != 8 || memcmp((const char *)p + 4, "LOGR", 4) != 0)
		(*bad)++;
	return 0;
}

TEST(cache_survives_sigkill_at_random_moments)
{
	char *dir = tmp_dir();
	uint64_t t0 = base_now_ns();
	uint32_t last = 0;
	int kills = 0, bad = 0, recovered = 0;
	struct timespec nap = {0, 0};

	srand(12345);
	while (kills < 200 && base_now_ns() - t0 < 3000000000u) {
		int fds[2];
		uint32_t v;
		pid_t pid;
		struct cache *c;
		struct cache_txn *t;

		if (pipe(fds) != 0)
			break;
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			kill_child(dir, fds[1], last + 1);
		}
		close(fds[1]);
		nap.tv_nsec = 500000L + (long)(rand() % 15000) * 1000L;
		nanosleep(&nap, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		while (read(fds[0], &v, sizeof(v)) == sizeof(v))
			if (v > last)
				last = v;
		close(fds[0]);
		kills++;
		if (cache_open(dir, NULL, &c) != 0) {
			bad++;
			break;
		}
		recovered += cache_recovered(c) != 0;
		bad += kill_verify(c, last);
		if (cache_txn_begin(c, false, &t) == 0) {
			cache_log_each(t, 0, kill_log_ok, &bad);
			cache_txn_abort(t);
		}
		cache_close(c);
	}
	if (getenv("CACHE_TEST_VERBOSE"))
		fprintf(stderr, "kills %d, records %u\n", kills,
			(unsigned)last);
	CHECK(kills >= 10);
	CHECK(last > 20);
	CHECK_INT_EQ(recovered, 0);
	CHECK_INT_EQ(bad, 0);
	done_dir(dir);
}

/* ---- small things ---- */

TEST(cache_error_strings)
{
	static const int codes[] = {
#define CACHE_CODE(name, val, text) name,
	    CACHE_ERRORS(CACHE_CODE)
#undef CACHE_CODE
	};
	size_t i, j;

	CHECK_STR_EQ(cache_strerror(0), "success");
	CHECK_STR_EQ(cache_strerror(CACHE_ENOTFOUND), "not in the cache");
	CHECK_STR_EQ(cache_strerror(12345), "unknown cache error");
	for (i = 0; i < ARRAY_LEN(codes); i++) {
		CHECK(codes[i] < 0);
		CHECK(strcmp(cache_strerror(codes[i]), "unknown cache error"));
		for (j = 0; j < i; j++)
			CHECK(strcmp(cache_strerror(codes[i]),
				     cache_strerror(codes[j])));
	}
	CHECK_STR_EQ(cache_db_name(CACHE_DB_BLOBS), "blobs");
	CHECK_STR_EQ(cache_db_name(CACHE_DB_LOG), "log");
}

static void
set_env(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

TEST(cache_default_dir_order)
{
	const char *names[] = {"LOCUS_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
	char *saved[3], *d;
	int i;

	for (i = 0; i < 3; i++)
		saved[i] = getenv(names[i]) ? xstrdup(getenv(names[i])) : NULL;
	set_env("LOCUS_CACHE_DIR", "/ci/cache");
	set_env("XDG_CACHE_HOME", "/xdg");
	set_env("HOME", "/home/u");
	CHECK_INT_EQ(cache_default_dir(&d), 0);
	CHECK_STR_EQ(d, "/ci/cache");
	free(d);
	set_env("LOCUS_CACHE_DIR", "");
	CHECK_INT_EQ(cache_default_dir(&d), 0);
	CHECK_STR_EQ(d, "/xdg/locusc");
	free(d);
	set_env("XDG_CACHE_HOME", "relative"); /* ignored, as XDG says */
	CHECK_INT_EQ(cache_default_dir(&d), 0);
	CHECK_STR_EQ(d, "/home/u/.cache/locusc");
	free(d);
	set_env("HOME", NULL);
	CHECK_INT_EQ(cache_default_dir(&d), CACHE_ENODIR);
	CHECK(d == NULL);
	for (i = 0; i < 3; i++) {
		set_env(names[i], saved[i]);
		free(saved[i]);
	}
}

TEST(cache_map_grown_by_another_process_is_adopted)
{
	char *dir = tmp_dir();
	struct cache_opts small = {.map_size = 256 << 10};
	struct cache_stats st;
	struct cache_txn *t;
	struct cache *c;
	int go[2], done[2], i, status = -1;
	pid_t pid;
	char ch = 0;

	CHECK_INT_EQ(pipe(go), 0);
	CHECK_INT_EQ(pipe(done), 0);
	/* Fork first: LMDB environments must not cross a fork. */
	pid = fork();
	if (pid == 0) {
		struct batch b = {500, 64, 65536};
		struct cache *cc;

		if (read(go[0], &ch, 1) != 1 || cache_open(dir, &small, &cc))
			_exit(3);
		if (cache_write(cc, write_batch, &b) != 0)
			_exit(4);
		cache_close(cc);
		_exit(write(done[1], "d", 1) == 1 ? 0 : 5);
	}
	OPEN_OR_RETURN(dir, &small, &c);
	put_one(c, "first");
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(read(done[0], &ch, 1) == 1);
	waitpid(pid, &status, 0);
	CHECK_INT_EQ(status, 0);
	/* The data now reaches past this process's map. */
	CHECK_INT_EQ(cache_txn_begin(c, false, &t), 0);
	if (t) {
		for (i = 0; i < 64; i++) {
			unsigned char *p = xmalloc(65536);

			fill(p, 65536, 500 + (uint64_t)i);
			CHECK(blob_is(t, hash_bytes(p, 65536),
				      500 + (uint64_t)i, 65536));
			free(p);
		}
		cache_txn_abort(t);
	}
	CHECK_INT_EQ(cache_stats(c, &st), 0);
	CHECK(st.map_bytes >= (4u << 20));
	put_one(c, "second");
	CHECK(has_one(c, "first") && has_one(c, "second"));
	cache_close(c);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	done_dir(dir);
}
