/*
 * incr.c - the incremental build engine behind `locusc build` and
 * `locusc watch`.
 *
 * A build's state (struct incr) is: every source file's stat and content
 * hash with its units (each with its hash, check hash and facts), the
 * keys and content hashes of every output, and the stat of the output
 * folders as this build left them. It lives in memory between watch
 * rebuilds and in the cache's `files` database between runs (chunks
 * under one key per source folder and output folder; see state_write).
 * A build:
 *
 *   1. scan: walk the sources and stat each file; a file whose stat
 *      matches its record (and is not racy: modified within RACY_NS of
 *      the recording build) keeps its units without being opened;
 *   2. front end on the other files only; a read file whose content hash
 *      matches keeps its record too (touch, racy);
 *   3. project check, skipped when the ordered list of (kind, name,
 *      check hash: what the check reads of the unit) is what the last
 *      clean build checked (then it would say nothing: a build with
 *      project diagnostics re-runs it);
 *   4. plan from names and facts (no tree needed), or the last plan from
 *      the state when names and facts are unchanged (same_model); then an
 *      action key per output from what it reads (enum cg_dep): own unit,
 *      component interfaces, names, every tree of a kind, the config, the
 *      compiler (kept from the last state when none of those moved);
 *   5. an output whose key is unchanged is clean; else the `actions`
 *      database may know its content (a hit: bytes from `blobs`); else it
 *      is generated, after loading the trees it needs (trees on demand);
 *   6. write what differs from the disk (trusted by folder stats; a folder
 *      whose stat moved is compared byte for byte), remove outputs of
 *      removed declarations, commit blobs, actions, state and the log in
 *      one LMDB transaction.
 */
#define _GNU_SOURCE /* copy_file_range */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdatomic.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../cache/cache.h"
#include "../codegen/codegen.h"
#include "../graph/graph.h"
#include "../graph/pool.h"
#include "incr.h"

#define STATE_MAGIC 0x54534c4cu  /* "LLST" */
#define STATE_VERSION 7u
#define RACY_NS 100000000LL     /* 100 ms: mtime granularity margin */

/* ---- the state ---- */

struct st_unit {
	struct unit_src src;      /* kind, offsets, position, hash */
	const char *name;
	struct hash128 ehash;     /* hash + the file's alias hashes */
	struct hash128 chash;     /* what the project check reads of its
				   * summary (sema_check_hash); zero when
				   * broken */
	struct hash128 iface;     /* component facts */
	unsigned flags;
	const char *guard;
	const char *warnings;
	const char *refs;         /* views: the capitalised names it uses
				   * (tags, identifiers); entities: their
				   * relation targets; sorted, one per
				   * line; NULL when none */
};

struct st_file {
	const char *rel;
	int64_t mtime_ns;
	uint64_t size;
	uint64_t ino;
	struct hash128 content;
	uint32_t first;           /* index of the first unit */
	uint32_t n;
};

struct st_dir {
	const char *rel;          /* "" for the output folder itself */
	int64_t mtime_ns;
	uint64_t ino;
};

/* An output, with its plan entry (how to make it again without a plan). */
struct st_out {
	const char *path;
	struct hash128 key;
	struct hash128 content;
	uint32_t unit;            /* OWN/VIEW: its declaration's unit, else
				   * NO_UNIT */
	uint32_t index;           /* cg_output.index */
	uint8_t dep, kind, flags; /* cg_output's */
	uint8_t emit;             /* cg_output.emit_id; EMIT_EXTRA for the
				   * manifest and warnings files */
};

#define NO_UNIT UINT32_MAX
#define EMIT_EXTRA 0xffu

/* The global inputs of action keys, kept to explain a rebuild. A view's
 * components are not one: they are its context (ctx_of). */
enum { G_COMPILER, G_CONFIG, G_ENTITY_NAMES, G_ENTITIES, G_DESIGN,
       G_WORKFLOWS, G_NAMES, G_COUNT };

static const char *const g_reason[G_COUNT] = {
	"the compiler changed",
	"Locus.toml changed",
	"the set of entity names changed",
	"an entity changed",
	"a design section changed",
	"a workflow changed",
	"the declarations (names, guards, styles, triggers) changed",
};
static const char ctx_reason[] = "a component's params (interface) changed";

struct chunk_ref {
	uint32_t len;
	struct hash128 h;
};

/*
 * Watch keeps every file's summaries between rebuilds, by the file's
 * content: the arena the front end (or the `ir` database's reader) made
 * them in, and the summary of each unit. A rebuild whose project check
 * needs the summaries of files it did not read takes them from here
 * instead of reading 10,000 records from the cache.
 */
struct sument {
	struct hash128 content;
	struct arena *a;            /* NULL: an empty slot */
	struct unit_summary **v;
	uint32_t n;
	bool moved;                 /* given to the next set: not freed */
};

struct sumcache {
	struct sument *slot;        /* open addressing on content.lo */
	size_t cap, n;
};

static struct sument *
sc_find(struct sumcache *c, struct hash128 h)
{
	size_t j;

	if (!c || !c->cap)
		return NULL;
	for (j = (size_t)h.lo & (c->cap - 1); c->slot[j].a;
	     j = (j + 1) & (c->cap - 1))
		if (hash_eq(c->slot[j].content, h))
			return &c->slot[j];
	return NULL;
}

/* Adds e (its arena and array now c's); false when c has its content. */
static bool
sc_put(struct sumcache *c, struct sument e)
{
	size_t j;

	if (sc_find(c, e.content))
		return false;
	if ((c->n + 1) * 2 > c->cap) {
		struct sument *old = c->slot;
		size_t oldcap = c->cap, i;

		c->cap = c->cap ? c->cap * 2 : 64;
		c->slot = xcalloc(c->cap, sizeof(*c->slot));
		c->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].a)
				sc_put(c, old[i]);
		free(old);
	}
	for (j = (size_t)e.content.lo & (c->cap - 1); c->slot[j].a;
	     j = (j + 1) & (c->cap - 1))
		;
	c->slot[j] = e;
	c->n++;
	return true;
}

static void
sc_free(struct sumcache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->cap; i++) {
		if (c->slot[i].moved)
			continue;
		arena_free(c->slot[i].a);
		free(c->slot[i].v);
	}
	free(c->slot);
	free(c);
}

#define HOLD_MAX 8  /* files held open at most: see HOLD_MIN */

struct incr {
	struct arena *a;          /* strings of this state */
	char *blob;               /* the loaded record, strings point in */
	size_t blob_len;
	struct hash128 g[G_COUNT];
	struct hash128 pkey;      /* project-check key */
	struct hash128 mpaths;    /* the manifest's list of paths */
	uint32_t nproj_diags;     /* diagnostics of the project check */
	const char *plan_warnings;  /* "kind\tmessage\n" per warning */
	int64_t built_ns;         /* wall clock at the recording build */
	struct st_file *files;
	size_t nfiles;
	struct st_unit *units;
	size_t nunits;
	struct st_dir *dirs;
	size_t ndirs;
	struct st_out *outs;      /* sorted by path */
	size_t nouts;
	uint32_t nlive;           /* outputs not CG_IF_ABSENT (header) */
	uint32_t nlive_hits;      /* of those, plan outputs (header) */
	bool partial;             /* loaded up to its output folders only:
				   * see state_more */
	size_t nread;             /* records parsed */
	size_t ck_read;           /* chunks copied into blob and checked */
	size_t at, loaded;        /* bytes of blob parsed, copied */
	struct chunk_ref *ck;     /* as saved: see state_write */
	uint32_t *ck_end;         /* last ordinal + 1 of each chunk */
	size_t *ck_at;            /* offset in the bytes written, or
				   * SIZE_MAX: unchanged */
	size_t nck, capck;
	struct sumcache *sums;    /* watch: summaries by file content (in
				   * memory only, not saved) */
	struct cg_manifest *man;  /* the last manifest, for patching (in
				   * memory only, not saved) */
	size_t str_base;          /* string bytes after the last tidy */
	int held[HOLD_MAX];       /* watch: open files this build replaced,
				   * closed by tidy (no heap: a small
				   * block kept past the build's end kept
				   * the heap from shrinking) */
	size_t nheld;
};

/*
 * An output of at least this many bytes (the manifest: 3 MB at 10,000
 * files) is written over the file it replaced the time before (struct
 * spares). When its old file cannot become a spare, it is kept open: in
 * watch until after the rebuild's line, so that freeing the old file's
 * pages is not part of the latency a person waits for; in a one-shot
 * build until its closer closes it beside the commit.
 */
#define HOLD_MIN ((size_t)1 << 20)

/* HOLD_MIN, or LOCUS_WATCH_HOLD_MIN bytes (the tests hold or spare
 * every file); also the size of a big output's spare (struct spares). */
static size_t
hold_min(void)
{
	const char *v = getenv("LOCUS_WATCH_HOLD_MIN");

	return v && *v ? (size_t)strtoull(v, NULL, 10) : HOLD_MIN;
}

/* Closes the n files held in fd (watch's in the state, a one-shot
 * build's in its closer). */
static void
close_held(int *fd, size_t *n)
{
	while (*n)
		close(fd[--*n]);
}

void
drv_incr_free(struct incr *s)
{
	if (!s)
		return;
	close_held(s->held, &s->nheld);
	cg_manifest_free(s->man);
	free(s->man);
	sc_free(s->sums);
	arena_free(s->a);
	xbig_free(s->blob);
	xbig_free(s->files);
	xbig_free(s->units);
	xbig_free(s->dirs);
	xbig_free(s->outs);
	free(s->ck);
	free(s->ck_end);
	free(s->ck_at);
	free(s);
}

/* s (or NULL) copied into a. */
static const char *
copy_str(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void
drv_incr_tidy(struct incr *s)
{
	struct arena *a;
	size_t i, now;

	if (!s)
		return;
	close_held(s->held, &s->nheld);
	if (!s->a)
		return;
	now = arena_used(s->a) + s->blob_len;
	if (!s->str_base) {
		s->str_base = now;
		return;
	}
	if (now <= s->str_base + s->str_base / 8 + ((size_t)1 << 18) &&
	    !getenv("LOCUS_WATCH_TIDY_ALWAYS"))  /* for the tests */
		return;
	a = arena_new();
	s->plan_warnings = copy_str(a, s->plan_warnings);
	for (i = 0; i < s->nfiles; i++)
		s->files[i].rel = copy_str(a, s->files[i].rel);
	for (i = 0; i < s->nunits; i++) {
		struct st_unit *u = &s->units[i];

		u->name = copy_str(a, u->name);
		u->guard = copy_str(a, u->guard);
		u->warnings = copy_str(a, u->warnings);
		u->refs = copy_str(a, u->refs);
	}
	for (i = 0; i < s->ndirs; i++)
		s->dirs[i].rel = copy_str(a, s->dirs[i].rel);
	for (i = 0; i < s->nouts; i++)
		s->outs[i].path = copy_str(a, s->outs[i].path);
	arena_free(s->a);
	xbig_free(s->blob);
	s->a = a;
	s->blob = NULL;
	s->blob_len = 0;
	s->str_base = arena_used(a);
}

/* ---- (de)serialisation ---- */

static bool
str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}


static void
w_u32(struct sbuf *b, uint32_t v)
{
	sbuf_add(b, &v, sizeof(v));
}

static void
w_u64(struct sbuf *b, uint64_t v)
{
	sbuf_add(b, &v, sizeof(v));
}

static void
w_hash(struct sbuf *b, struct hash128 h)
{
	sbuf_add(b, &h, sizeof(h));
}

static void
w_str(struct sbuf *b, const char *s)
{
	size_t n;

	if (!s) {
		w_u32(b, UINT32_MAX);
		return;
	}
	n = strlen(s);
	w_u32(b, (uint32_t)n);
	sbuf_add(b, s, n + 1);
}

/*
 * The state is a sequence of records: a header (ordinal 0, with the
 * counts), then every file, output folder, unit and output, numbered in
 * that order. It is stored in chunks of about STATE_CHUNK bytes that end
 * at record boundaries: the `files` record under the state key lists each
 * chunk's length and hash, and chunk i is the record "<key>#<i>". A state
 * remembers its chunks (lengths, hashes, last ordinals); the next state,
 * when it has the same counts, keeps the chunk boundaries, serialises only
 * the chunks with a changed record and rewrites only those. An edit
 * changes a few fixed-size fields: a few chunks, not megabytes.
 */
#define STATE_CHUNK 32768u
#define CHUNKS_MAGIC 0x48434c4cu  /* "LLCH" */

static size_t
nrecords(const struct incr *s)
{
	return 1 + s->nfiles + s->nunits + s->ndirs + s->nouts;
}

/* The records a no-op reads: the header, the files, the output folders.
 * The writer ends a chunk there, so they are whole chunks. */
static size_t
nprefix(const struct incr *s)
{
	return 1 + s->nfiles + s->ndirs;
}

enum rec_kind { REC_HEAD, REC_FILE, REC_DIR, REC_UNIT, REC_OUT };

/* Which record ordinal ord is, and its index in its array. */
static enum rec_kind
rec_of(const struct incr *s, size_t ord, size_t *i)
{
	*i = 0;
	if (ord == 0)
		return REC_HEAD;
	if ((*i = ord - 1) < s->nfiles)
		return REC_FILE;
	if ((*i -= s->nfiles) < s->ndirs)
		return REC_DIR;
	if ((*i -= s->ndirs) < s->nunits)
		return REC_UNIT;
	*i -= s->nunits;
	return REC_OUT;
}

static void
w_record(const struct incr *s, size_t ord, struct sbuf *b)
{
	size_t i;
	uint32_t live = 0, hits = 0;

	switch (rec_of(s, ord, &i)) {
	case REC_HEAD:
		for (i = 0; i < s->nouts; i++)
			if (!(s->outs[i].flags & CG_IF_ABSENT)) {
				live++;
				hits += s->outs[i].emit != EMIT_EXTRA;
			}
		w_u32(b, STATE_MAGIC);
		w_u32(b, STATE_VERSION);
		for (i = 0; i < G_COUNT; i++)
			w_hash(b, s->g[i]);
		w_hash(b, s->pkey);
		w_hash(b, s->mpaths);
		w_u32(b, s->nproj_diags);
		w_u64(b, (uint64_t)s->built_ns);
		w_str(b, s->plan_warnings ? s->plan_warnings : "");
		w_u32(b, (uint32_t)s->nfiles);
		w_u32(b, (uint32_t)s->nunits);
		w_u32(b, (uint32_t)s->ndirs);
		w_u32(b, (uint32_t)s->nouts);
		w_u32(b, live);
		w_u32(b, hits);
		break;
	case REC_FILE: {
		const struct st_file *f = &s->files[i];

		w_str(b, f->rel);
		w_u64(b, (uint64_t)f->mtime_ns);
		w_u64(b, f->size);
		w_u64(b, f->ino);
		w_hash(b, f->content);
		w_u32(b, f->n);
		break;
	}
	case REC_DIR:
		w_str(b, s->dirs[i].rel);
		w_u64(b, (uint64_t)s->dirs[i].mtime_ns);
		w_u64(b, s->dirs[i].ino);
		break;
	case REC_UNIT: {
		const struct st_unit *u = &s->units[i];

		sbuf_add(b, &u->src, sizeof(u->src));
		w_str(b, u->name);
		w_hash(b, u->ehash);
		w_hash(b, u->chash);
		w_hash(b, u->iface);
		w_u32(b, u->flags);
		w_str(b, u->guard);
		w_str(b, u->warnings);
		w_str(b, u->refs);
		break;
	}
	case REC_OUT: {
		const struct st_out *o = &s->outs[i];

		w_str(b, o->path);
		w_hash(b, o->key);
		w_hash(b, o->content);
		w_u32(b, o->unit);
		w_u32(b, o->index);
		w_u32(b, (uint32_t)o->dep | (uint32_t)o->kind << 8 |
			 (uint32_t)o->flags << 16 | (uint32_t)o->emit << 24);
		break;
	}
	}
}

/* Whether record ord of a and of b serialise to the same bytes (strings
 * are mostly shared, so pointers decide first). */
static bool
same_record(const struct incr *a, const struct incr *b, size_t ord)
{
	size_t i;

	switch (rec_of(a, ord, &i)) {
	case REC_HEAD:
		return false;  /* the header has the build time */
	case REC_FILE: {
		const struct st_file *x = &a->files[i], *y = &b->files[i];

		return x->mtime_ns == y->mtime_ns && x->size == y->size &&
		       x->ino == y->ino && x->n == y->n &&
		       hash_eq(x->content, y->content) && str_eq(x->rel, y->rel);
	}
	case REC_DIR: {
		const struct st_dir *x = &a->dirs[i], *y = &b->dirs[i];

		return x->mtime_ns == y->mtime_ns && x->ino == y->ino &&
		       str_eq(x->rel, y->rel);
	}
	case REC_UNIT: {
		const struct st_unit *x = &a->units[i], *y = &b->units[i];

		return memcmp(&x->src, &y->src, sizeof(x->src)) == 0 &&
		       hash_eq(x->ehash, y->ehash) &&
		       hash_eq(x->chash, y->chash) &&
		       hash_eq(x->iface, y->iface) && x->flags == y->flags &&
		       str_eq(x->name, y->name) && str_eq(x->guard, y->guard) &&
		       str_eq(x->warnings, y->warnings) &&
		       str_eq(x->refs, y->refs);
	}
	case REC_OUT: {
		const struct st_out *x = &a->outs[i], *y = &b->outs[i];

		return hash_eq(x->key, y->key) &&
		       hash_eq(x->content, y->content) && x->unit == y->unit &&
		       x->index == y->index && x->dep == y->dep &&
		       x->kind == y->kind && x->flags == y->flags &&
		       x->emit == y->emit && str_eq(x->path, y->path);
	}
	}
	return false;
}

static void
chunks_grow(struct incr *s)
{
	if (s->nck == s->capck) {
		s->capck = s->capck ? s->capck * 2 : 128;
		s->ck = xrealloc(s->ck, s->capck * sizeof(*s->ck));
		s->ck_end = xrealloc(s->ck_end, s->capck * sizeof(*s->ck_end));
		s->ck_at = xrealloc(s->ck_at, s->capck * sizeof(*s->ck_at));
	}
}

/* Which of the last state's chunks hold only records s has the same. */
struct same_job {
	const struct incr *s, *last;
	bool *same;
};

static void
same_chunk(void *arg, size_t c, unsigned lane)
{
	const struct same_job *j = arg;
	size_t o = c ? j->last->ck_end[c - 1] : 0, end = j->last->ck_end[c];

	(void)lane;
	while (o < end && same_record(j->s, j->last, o))
		o++;
	j->same[c] = o == end;
}

/*
 * Serialises s into b for saving: every record, cut into new chunks; or,
 * given the last state with the same counts, only the chunks (with the
 * last state's boundaries) that have a changed record, found on the
 * pool's lanes. Fills s's chunk table; ck_at[i] is chunk i's offset in
 * b, or SIZE_MAX for a chunk left as it was (not in b).
 */
static void
state_write(struct incr *s, const struct incr *last, struct sbuf *b,
	    struct pool *pool)
{
	size_t n = nrecords(s), ord, c, start;

	s->nck = 0;
	if (last && last->nck && last->nfiles == s->nfiles &&
	    last->nunits == s->nunits && last->ndirs == s->ndirs &&
	    last->nouts == s->nouts) {
		struct same_job j = { s, last,
				      xcalloc(last->nck, sizeof(*j.same)) };

		pool_for(pool, last->nck, same_chunk, &j);
		for (c = 0, ord = 0; c < last->nck; c++) {
			size_t end = last->ck_end[c], o;

			chunks_grow(s);
			s->ck_end[s->nck] = (uint32_t)end;
			if (j.same[c]) {
				s->ck[s->nck] = last->ck[c];
				s->ck_at[s->nck++] = SIZE_MAX;
				ord = end;
				continue;
			}
			start = b->len;
			for (o = ord; o < end; o++)
				w_record(s, o, b);
			s->ck[s->nck].len = (uint32_t)(b->len - start);
			s->ck[s->nck].h = hash_bytes(b->p + start, b->len - start);
			s->ck_at[s->nck++] = start;
			ord = end;
		}
		free(j.same);
		return;
	}
	for (ord = 0, start = b->len; ord < n; ord++) {
		w_record(s, ord, b);
		if (b->len - start < STATE_CHUNK && ord + 1 < n &&
		    ord + 1 != nprefix(s))
			continue;
		chunks_grow(s);
		s->ck[s->nck].len = (uint32_t)(b->len - start);
		s->ck[s->nck].h = hash_bytes(b->p + start, b->len - start);
		s->ck_end[s->nck] = (uint32_t)(ord + 1);
		s->ck_at[s->nck++] = start;
		start = b->len;
	}
}

struct reader {
	const char *p, *end;
	bool bad;
};

static void
r_bytes(struct reader *r, void *out, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static uint32_t
r_u32(struct reader *r)
{
	uint32_t v;

	r_bytes(r, &v, sizeof(v));
	return v;
}

static uint64_t
r_u64(struct reader *r)
{
	uint64_t v;

	r_bytes(r, &v, sizeof(v));
	return v;
}

static struct hash128
r_hash(struct reader *r)
{
	struct hash128 h;

	r_bytes(r, &h, sizeof(h));
	return h;
}

static const char *
r_str(struct reader *r)
{
	uint32_t n = r_u32(r);
	const char *s;

	if (n == UINT32_MAX || r->bad)
		return NULL;
	if ((size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != 0) {
		r->bad = true;
		return NULL;
	}
	s = r->p;
	r->p += n + 1;
	return s;
}

/* Reads record ord (the counts are known once the header is read). */
static bool
r_record(struct incr *s, size_t ord, struct reader *r)
{
	size_t i;
	uint32_t v;

	switch (rec_of(s, ord, &i)) {
	case REC_HEAD:
		if (r_u32(r) != STATE_MAGIC || r_u32(r) != STATE_VERSION)
			return false;
		for (i = 0; i < G_COUNT; i++)
			s->g[i] = r_hash(r);
		s->pkey = r_hash(r);
		s->mpaths = r_hash(r);
		s->nproj_diags = r_u32(r);
		s->built_ns = (int64_t)r_u64(r);
		s->plan_warnings = r_str(r);
		s->nfiles = r_u32(r);
		s->nunits = r_u32(r);
		s->ndirs = r_u32(r);
		s->nouts = r_u32(r);
		s->nlive = r_u32(r);
		s->nlive_hits = r_u32(r);
		if (r->bad || s->nfiles > s->blob_len ||
		    s->nunits > s->blob_len || s->ndirs > s->blob_len ||
		    s->nouts > s->blob_len)
			return false;
		s->files = xbig(s->nfiles + 1, sizeof(*s->files), true);
		s->units = xbig(s->nunits + 1, sizeof(*s->units), true);
		s->dirs = xbig(s->ndirs + 1, sizeof(*s->dirs), true);
		s->outs = xbig(s->nouts + 1, sizeof(*s->outs), true);
		return true;
	case REC_FILE: {
		struct st_file *f = &s->files[i];

		f->rel = r_str(r);
		f->mtime_ns = (int64_t)r_u64(r);
		f->size = r_u64(r);
		f->ino = r_u64(r);
		f->content = r_hash(r);
		f->n = r_u32(r);
		f->first = i ? f[-1].first + f[-1].n : 0;
		return f->rel && f->first + (uint64_t)f->n <= s->nunits;
	}
	case REC_DIR:
		s->dirs[i].rel = r_str(r);
		s->dirs[i].mtime_ns = (int64_t)r_u64(r);
		s->dirs[i].ino = r_u64(r);
		return s->dirs[i].rel != NULL;
	case REC_UNIT: {
		struct st_unit *u = &s->units[i];

		r_bytes(r, &u->src, sizeof(u->src));
		u->name = r_str(r);
		u->ehash = r_hash(r);
		u->chash = r_hash(r);
		u->iface = r_hash(r);
		u->flags = r_u32(r);
		u->guard = r_str(r);
		u->warnings = r_str(r);
		u->refs = r_str(r);
		return u->name != NULL;
	}
	case REC_OUT: {
		struct st_out *o = &s->outs[i];

		o->path = r_str(r);
		o->key = r_hash(r);
		o->content = r_hash(r);
		o->unit = r_u32(r);
		o->index = r_u32(r);
		v = r_u32(r);
		o->dep = (uint8_t)v;
		o->kind = (uint8_t)(v >> 8);
		o->flags = (uint8_t)(v >> 16);
		o->emit = (uint8_t)(v >> 24);
		return o->path &&
		       (o->unit == NO_UNIT || o->unit < s->nunits) &&
		       (o->emit == EMIT_EXTRA || cg_emitter(o->emit));
	}
	}
	return false;
}

static char *
chunk_key(const char *skey, size_t i)
{
	struct sbuf k;
	char num[24];
	size_t n = 0;

	do
		num[n++] = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	sbuf_init(&k);
	sbuf_adds(&k, skey);
	sbuf_addc(&k, '#');
	while (n)
		sbuf_addc(&k, num[--n]);
	return k.p;
}

/* A chunk list record: magic, count, then (length, hash) per chunk. */
static size_t
chunk_refs(const void *p, size_t n, struct chunk_ref **out)
{
	const unsigned char *v = p;
	const size_t each = 4 + sizeof(struct hash128);
	uint32_t magic, cnt, i;

	*out = NULL;
	if (n < 8)
		return 0;
	memcpy(&magic, v, 4);
	memcpy(&cnt, v + 4, 4);
	if (magic != CHUNKS_MAGIC || cnt == 0 || (n - 8) % each != 0 ||
	    (n - 8) / each != cnt)
		return 0;
	*out = xcalloc(cnt, sizeof(**out));
	for (i = 0; i < cnt; i++) {
		memcpy(&(*out)[i].len, v + 8 + i * each, 4);
		memcpy(&(*out)[i].h, v + 8 + i * each + 4,
		       sizeof(struct hash128));
	}
	return cnt;
}

/*
 * Reads s's records before ordinal upto (SIZE_MAX: all of them) from
 * its chunks in t: each chunk is copied to its place in s->blob and
 * checked against its hash before a record of it is parsed, and a
 * record must end inside its chunk. A state can be read in steps: a
 * no-op needs only the records before nprefix. False when a chunk is
 * missing or does not match, or a record does not parse: the state is
 * then unusable.
 */
static bool
state_more(struct incr *s, struct cache_txn *t, const char *skey,
	   const char *root, size_t upto)
{
	struct reader r;

	r.p = s->blob + s->at;
	r.end = s->blob + s->loaded;
	r.bad = false;
	while (s->nread < upto && (s->nread == 0 || s->nread < nrecords(s))) {
		if (r.p == r.end) {  /* the next chunk */
			struct cache_file_state fs;
			const void *cp;
			size_t cn, c = s->ck_read;
			char *key;
			int rc;

			if (c == s->nck)
				return false;
			key = chunk_key(skey, c);
			rc = cache_file_get(t, root, key, &fs, &cp, &cn);
			free(key);
			if (rc != 0 || cn == 0 || cn != s->ck[c].len ||
			    !hash_eq(hash_bytes(cp, cn), s->ck[c].h))
				return false;
			memcpy(s->blob + s->loaded, cp, cn);
			s->loaded += cn;
			s->ck_read++;
			r.end = s->blob + s->loaded;
		}
		if (!r_record(s, s->nread, &r) || r.bad)
			return false;
		s->nread++;
		if (r.p == r.end)
			s->ck_end[s->ck_read - 1] = (uint32_t)s->nread;
	}
	s->at = (size_t)(r.p - s->blob);
	s->partial = s->nread < nrecords(s);
	return s->partial || (s->at == s->blob_len && s->ck_read == s->nck);
}

/* Whether the chunk list saved under skey is still s's (no other build
 * saved a state since s was read). */
static bool
chunks_unchanged(struct cache_txn *t, const char *skey, const char *root,
		 const struct incr *s)
{
	struct cache_file_state fs;
	struct chunk_ref *ref;
	const void *p;
	size_t n, cnt, i;
	bool same;

	if (cache_file_get(t, root, skey, &fs, &p, &n) != 0)
		return false;
	cnt = chunk_refs(p, n, &ref);
	same = cnt == s->nck;
	for (i = 0; same && i < cnt; i++)
		same = ref[i].len == s->ck[i].len &&
		       hash_eq(ref[i].h, s->ck[i].h);
	free(ref);
	return same;
}

/*
 * The state saved under skey, read as far as a no-op needs (the records
 * before nprefix; state_more reads the rest when needed). NULL when
 * there is none, it is another version's, or it is damaged (then
 * *damaged: a torn or corrupt record gives no state, hence a full
 * build).
 */
static struct incr *
chunks_read(struct cache_txn *t, const char *skey, const char *root,
	    bool *damaged)
{
	struct cache_file_state fs;
	struct chunk_ref *ref;
	const void *p;
	size_t n, cnt, i, total = 0;
	struct incr *s;
	const uint32_t version = STATE_VERSION;

	*damaged = false;
	if (cache_file_get(t, root, skey, &fs, &p, &n) != 0)
		return NULL;
	if ((cnt = chunk_refs(p, n, &ref)) == 0) {
		*damaged = true;
		return NULL;
	}
	for (i = 0; i < cnt; i++)
		total += ref[i].len;
	s = xcalloc(1, sizeof(*s));
	s->a = arena_new();
	s->blob = xbig(total + 1, 1, false);  /* touched as read */
	s->blob_len = total;
	s->ck = ref;
	s->nck = s->capck = cnt;
	s->ck_end = xcalloc(cnt + 1, sizeof(*s->ck_end));
	s->ck_at = xcalloc(cnt + 1, sizeof(*s->ck_at));
	if (!state_more(s, t, skey, root, 1) ||
	    !state_more(s, t, skey, root, nprefix(s))) {
		/* Another version's state is not damaged, just foreign. */
		*damaged = s->nread > 0 || s->loaded < 8 ||
			   memcmp(s->blob + 4, &version, 4) == 0;
		drv_incr_free(s);
		return NULL;
	}
	return s;
}

/* ---- small helpers ---- */

static int64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t
mtime_of(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000LL +
	       st->st_mtim.tv_nsec;
}

/* The running compiler's identity: a hash of its executable. */
/* A hash of the compiler's sources and flags, made by the Makefile
 * (build/gen/compiler_id.c). */
extern const char locus_compiler_id[];

static struct hash128
compiler_id(void)
{
	return hash_bytes(locus_compiler_id, strlen(locus_compiler_id));
}

/* An absolute, normalised-enough form of a path, for cache keys. */
static char *
abs_path(const char *p)
{
	char cwd[4096];
	struct sbuf b;
	size_t n;

	sbuf_init(&b);
	if (p[0] != '/' && getcwd(cwd, sizeof(cwd)))
		sbuf_printf(&b, "%s/", cwd);
	sbuf_adds(&b, p);
	n = b.len;
	while (n > 1 && b.p[n - 1] == '/')
		b.p[--n] = 0;
	b.len = n;
	return b.p;
}

static char *
state_key(const char *src, const char *out)
{
	char *a = abs_path(src), *b = abs_path(out);
	struct sbuf k;

	sbuf_init(&k);
	sbuf_printf(&k, "\x01state:%s", b);
	free(b);
	free(a);
	return k.p;
}

static int
cmp_out_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct st_out *)elem)->path);
}

static const struct st_out *
find_out(const struct incr *s, const char *path)
{
	if (!s || !s->nouts)
		return NULL;
	return bsearch(path, s->outs, s->nouts, sizeof(*s->outs),
		       cmp_out_path);
}

/* ---- name index over units (kind + name -> unit) ---- */

struct uindex {
	uint32_t *slot;           /* unit index + 1 */
	size_t cap;
};

static uint32_t
uhash(enum unit_kind k, const char *name)
{
	return hash_str32(name, strlen(name)) * 31u + (uint32_t)k;
}

static void
uindex_build(struct uindex *x, const struct st_unit *u, size_t n)
{
	size_t i, j;

	x->cap = 16;
	while (x->cap < n * 2)
		x->cap *= 2;
	x->slot = xcalloc(x->cap, sizeof(*x->slot));
	for (i = 0; i < n; i++) {
		for (j = uhash(u[i].src.kind, u[i].name) & (x->cap - 1);
		     x->slot[j]; j = (j + 1) & (x->cap - 1))
			;
		x->slot[j] = (uint32_t)i + 1;
	}
}

static const struct st_unit *
uindex_get(const struct uindex *x, const struct st_unit *u,
	   enum unit_kind k, const char *name)
{
	size_t j;

	if (!x->cap)
		return NULL;
	for (j = uhash(k, name) & (x->cap - 1); x->slot[j];
	     j = (j + 1) & (x->cap - 1)) {
		const struct st_unit *c = &u[x->slot[j] - 1];

		if (c->src.kind == k && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

/* ---- the build ---- */

enum out_state {
	OUT_CLEAN,       /* key unchanged: content known */
	OUT_HIT,         /* key found in `actions`: bytes from `blobs` */
	OUT_MISS,        /* generated */
	OUT_ABSENT,      /* CG_IF_ABSENT and the file exists: skipped */
};

/*
 * An output's bytes in pieces, in order: an aggregate kept as runs (see
 * agg_store), each run in the cache's map (a run the last text had) or
 * in a buffer of its own (made now). Written with writev and hashed as
 * it stands: an entity edit joined 11 MB into one buffer, on fresh
 * pages the kernel zeroed, to write them once.
 */
struct segs {
	struct iovec *v;
	char **own;                 /* per piece: its buffer, or NULL */
	size_t n, cap;
	size_t len;                 /* the pieces' bytes */
	char *room;                 /* or a piece's bytes here (xbig) */
	size_t room_cap, room_used;
};

struct out {
	const struct cg_output *o;  /* NULL for the extra outputs */
	const char *path;
	struct hash128 key;
	struct hash128 content;
	struct sbuf buf;            /* generated bytes */
	const void *bytes;          /* OUT_HIT: in the cache's map */
	struct segs *seg;           /* or the bytes in pieces (bytes NULL):
				     * aggregates only, so made on demand
				     * (seg_of) and not 64 bytes in each of
				     * 30,000 records */
	size_t len;
	char *tmp;
	const char *why;            /* --explain */
	size_t unit;                /* OWN/VIEW: the declaration's unit */
	const struct st_out *po;    /* the last build's record, or NULL */
	struct agg *agg;            /* an aggregate made from fragments */
	enum out_state state;
	int err;
	int old_fd;                 /* with hold_old: that file, or -1 */
	bool trusted;               /* its folder is as the last build left it */
	bool unchanged;
	bool renamed;               /* its temporary file is in place */
	bool stored;                /* its bytes are in the cache already */
	bool unread;                /* bytes found in the cache's map, not
				     * read yet (blob_of, map_read) */
	bool no_dir;                /* its folder does not exist yet */
	bool streamed;              /* written (or found unchanged) while
				     * generating: see gen_waves */
	bool hold_old;              /* keep the file it replaces open: see
				     * HOLD_MIN */
	bool spare;                 /* exchanged with the file it replaces,
				     * which becomes its spare: see struct
				     * spares */
	uint32_t stage;             /* written in the staging folder: the
				     * length of the missing folder of path
				     * it moves into place with (stage_of) */
};

/* An entity's fragment of an aggregate output (cg_frags). */
struct frag {
	struct hash128 key;
	const void *bytes;          /* kept: in the last text, in the cache's
				     * map; made: buf.p */
	size_t len;
	struct sbuf buf;
	bool made;                  /* generated by this build */
};

/* A run of the last text of an aggregate: its fragments' keys hashed
 * (sig), its content hash and length (see agg_store). */
struct oldrun {
	struct hash128 sig, hash;
	const char *bytes;          /* in the cache's map */
	size_t len;
};

/* An aggregate output that missed: its fragments, one per entity of the
 * model (by entity index). */
struct agg {
	struct out *x;
	const struct cg_frags *f;
	struct frag *v;
	size_t n, nmade;
	void *ctx;                  /* f->prepare's, while fragments are made */
	struct pool_job prep;       /* f->prepare detached (aggs_prepare) */
	const struct cg_model *m;   /* prep's */
	bool detached;              /* prep is f->prepare, not gen_one */
	uint32_t *order;            /* entities in the order joined */
	size_t njoined;
	size_t sum;                 /* the fragments' bytes joined */
	struct oldrun *oldruns;     /* the last text's runs, by sig */
	size_t noldruns;
	struct oldrun oldhead;      /* and its first (bytes NULL: none) */
	const struct oldrun **kept; /* per piece of x->seg: the last text's
				     * run it is, or NULL (made now) */
	const bool *run_start;      /* per entity: it starts a run (see
				     * AGG_RUN) */
};

static void
segs_add(struct segs *s, const char *p, size_t n, char *own)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		s->own = xrealloc(s->own, s->cap * sizeof(*s->own));
	}
	s->v[s->n].iov_base = (void *)p;
	s->v[s->n].iov_len = n;
	s->own[s->n++] = own;
	s->len += n;
}

/* Room for a piece of n bytes: in s->room when it fits (*own NULL),
 * else a buffer of its own. */
static char *
segs_room(struct segs *s, size_t n, char **own)
{
	if (s->room && s->room_cap - s->room_used >= n) {
		*own = NULL;
		s->room_used += n;
		return s->room + s->room_used - n;
	}
	return *own = xmalloc(n ? n : 1);
}

static void
segs_free(struct segs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->own[i]);
	free(s->v);
	free(s->own);
	xbig_free(s->room);
	memset(s, 0, sizeof(*s));
}

static struct hash128
segs_hash(const struct segs *s)
{
	struct hash_stream *h = hash_stream_new();
	size_t i;

	for (i = 0; i < s->n; i++)
		hash_stream_add(h, s->v[i].iov_base, s->v[i].iov_len);
	return hash_stream_done(h);
}

static bool file_has(const char *path, struct hash128 h);

/* o's pieces, made empty the first time. */
static struct segs *
seg_of(struct out *o)
{
	if (!o->seg)
		o->seg = xcalloc(1, sizeof(*o->seg));
	return o->seg;
}

/* How many pieces o's bytes are in (0: none, or whole in bytes). */
static size_t
npieces(const struct out *o)
{
	return o->seg ? o->seg->n : 0;
}

/* Whether o has its bytes (whole, or in pieces). */
static bool
has_bytes(const struct out *o)
{
	return o->bytes || npieces(o);
}

/* Lets o's bytes go (a buffer, or pieces). */
static void
drop_bytes(struct out *o)
{
	sbuf_free(&o->buf);
	if (o->seg) {
		segs_free(o->seg);
		free(o->seg);
		o->seg = NULL;
	}
	o->bytes = NULL;
}

static int agg_store(struct cache_txn *t, const struct out *x);

/*
 * The progress line: "[generate] 12,345 of 30,031 outputs", redrawn at
 * most every 100 ms by whichever lane ticks (one at a time), shown once
 * the build has run for LOCUS_PROGRESS_AFTER_MS (300 ms), and erased at
 * the end so the summary line takes its place.
 */
struct progress {
	bool on;
	bool shown;
	uint64_t start, last, after;
	const char *what;
	const char *unit;           /* "outputs", "files" */
	size_t total;
	atomic_size_t done;
	atomic_bool drawing;        /* a lane is drawing */
};

static void
progress_init(struct progress *pr, bool on)
{
	const char *v = getenv("LOCUS_PROGRESS_AFTER_MS");

	memset(pr, 0, sizeof(*pr));
	pr->on = on;
	pr->start = base_now_ns();
	pr->after = (v && *v ? strtoull(v, NULL, 10) : 300) * 1000000ULL;
	atomic_init(&pr->done, 0);
	atomic_init(&pr->drawing, false);
}

static void
progress_phase(struct progress *pr, const char *what, size_t total)
{
	pr->unit = strcmp(what, "parse") == 0 ? "files" : "outputs";
	pr->what = what;
	pr->total = total;
	atomic_store(&pr->done, 0);
	pr->last = 0;
}

static void
progress_tick(struct progress *pr, unsigned lane, size_t n)
{
	uint64_t now;
	size_t done;

	(void)lane;
	if (!pr || !pr->on)
		return;
	done = atomic_fetch_add(&pr->done, n) + n;
	/* Whichever lane gets here first draws (one lane may do all the
	 * work of a short phase); the others go on. */
	if (atomic_exchange(&pr->drawing, true))
		return;
	now = base_now_ns();
	if (now - pr->start < pr->after ||
	    (pr->last && now - pr->last < 100000000ULL)) {
		atomic_store(&pr->drawing, false);
		return;
	}
	pr->last = now;
	pr->shown = true;
	fprintf(stderr, "\r\033[K[%s] %zu of %zu %s", pr->what, done,
		pr->total, pr->unit);
	fflush(stderr);
	atomic_store(&pr->drawing, false);
}

static void
progress_end(struct progress *pr)
{
	if (pr->shown)
		fputs("\r\033[K", stderr);
	pr->shown = false;
}

struct gen_job {
	const struct cg_model *m;
	struct out *v;
	size_t *todo;               /* indexes into v to generate */
	size_t ntodo;
	struct drv_trace *trace;
	struct progress *progress;
};

/* An output's bytes are in o->buf: spare room given back, hashed. */
static void
gen_done(struct out *o)
{
	/* Kept until stored: give back the buffer's spare room. */
	if (o->buf.p && o->buf.cap > o->buf.len + 64) {
		o->buf.p = xrealloc(o->buf.p, o->buf.len + 1);
		o->buf.cap = o->buf.len + 1;
	}
	o->content = hash_bytes(o->buf.p ? o->buf.p : "", o->buf.len);
	o->bytes = o->buf.p ? o->buf.p : "";
	o->len = o->buf.len;
}

/* A pool_for item: generate one missed output (an aggregate: only the
 * context its fragments share, see aggs_join). */
static void
gen_one(void *arg, size_t k, unsigned lane)
{
	struct gen_job *j = arg;
	struct out *o = &j->v[j->todo[k]];
	uint64_t t0 = base_now_ns();

	if (o->agg) {
		/* The Prisma relation graph, beside the other outputs. */
		if (o->agg->nmade && o->agg->f->prepare && !o->agg->detached)
			o->agg->ctx = o->agg->f->prepare(j->m);
		drv_trace_span(j->trace, lane, "prepare", o->path, t0,
			       base_now_ns());
		return;
	}
	sbuf_init(&o->buf);
	o->o->emit(j->m, o->o->index, &o->buf);
	gen_done(o);
	drv_trace_span(j->trace, lane, "generate", o->path, t0, base_now_ns());
	progress_tick(j->progress, lane, 1);
}

/* Trees made again (drv_parse_trees): an arena and interner per lane. */
struct tree_set {
	struct arena *a[POOL_MAX_LANES];
	struct interner *in[POOL_MAX_LANES];
};

/*
 * The manifest of a one-shot build, written to its temporary file on a
 * lane while the other lanes write the other outputs (manifest_run):
 * make_extras decides and knows its content, T, without its text.
 */
struct man_job {
	struct bld *b;
	struct out *x;              /* NULL: no job (in ov once set) */
	const char **mp;            /* path, content, last content: see */
	struct hash128 *mh;         /* make_extras */
	struct hash128 *old;
	size_t nm;
	bool patch;                 /* patch_manifest may do */
};

/*
 * Spares. Replacing a big output (at least hold_min() bytes: at 10,000
 * files the schema, the entities and the manifest, 14 MB, all in each
 * entity edit) by a new file made the kernel find pages for the new
 * file and free the old one's: a 7 MB file took 6-7 ms so on tmpfs and
 * 13 ms on this machine's ext4, against 1.5-3 ms written over the pages
 * of a file that has them. So the file a big output replaces is kept:
 * the new file is exchanged with it (renameat2, RENAME_EXCHANGE), and
 * the old one, now under the temporary name, moves into the cache's
 * folder as spare/HEX (HEX: a hash of the output folder and the path).
 * The next build of that output moves the spare back as its temporary
 * file and writes over it. A spare is scratch, never read. It is
 * written over only when nothing else has it: no other link (one the
 * user made) and no other open file or mapping (a program that opened
 * the old output before the exchange: a write lease, which the kernel
 * grants only to the sole opener), and only when its mode is a new
 * file's (the user may have changed the output's); else it is removed,
 * and a new file made. Where the cache is on another file system than
 * the output, or the file system cannot exchange, the output is renamed
 * into place.
 */
struct spares {
	const char *dir;            /* the cache's spare/, or NULL: none */
	const char *skey;           /* the output folder's (state key) */
	size_t min;                 /* outputs of at least this many bytes */
};

/* A written wave, stored in the cache beside the next one's making. */
struct wave_store {
	struct bld *b;
	struct out *v;
	size_t *todo;
	size_t from, to;
	int *err;
};

/* Everything one build works with. */
struct bld {
	const struct drv_incr_opts *o;
	bool stable;                /* the last build's model (same_model) */
	struct drv_project *p;
	struct incr *prev;
	struct incr *next;
	struct cache *cache;
	struct cache_txn *rtxn;     /* read txn: blob bytes for hits */
	char *skey;                 /* state record key */
	char *src_abs;
	struct drv_unit **funits;   /* per file: units of the front end */
	size_t *nfunits;
	bool *loaded;               /* per file: front end ran */
	uint8_t *sum_src;           /* per file: SUM_* */
	bool sums_wanted;           /* the project check needed summaries
				     * of files it did not read */
	struct cg_model m;
	struct cg_decl **decl_of;   /* per unit: its decl in m, or NULL */
	size_t *unit_of;            /* per decl (lists in kind order): unit */
	struct cg_decl *list_of[UNIT_KIND_COUNT];
	size_t nlist[UNIT_KIND_COUNT];
	size_t base_of[UNIT_KIND_COUNT];  /* offset of a kind in unit_of */
	struct pool *pool;          /* -j lanes: scan, generate, write */
	struct drv_incr_stats *st;
	const char *out_dir;
	signed char *dir_ok;        /* per prev->dirs: 0 or 1 */
	bool out_new;               /* out_dir was made by this build: no
				     * file in it is older than the build */
	struct dir_chunk *dir_chunks;
	size_t ndir_chunks;         /* not yet run (see dirs_late) */
	size_t dir_hint;            /* dir_trusted's guess: prev->dirs */
	pthread_t dirs_t;           /* dirs_late's thread */
	bool dirs_on;               /* it runs: join before dir_ok */
	struct hash128 cfgkey;
	/* A state read in part (load_state): the rest is read on a lane
	 * as soon as the scan shows the build is no no-op (start_rest). */
	_Atomic(const struct incr *) part;  /* prev, once it may be */
	atomic_bool rest_started;
	_Atomic int64_t newest;     /* the walk's latest mtime so far
				     * (INT64_MAX: a file it could not
				     * stat), for prefetch_run */
	bool rest_failed;           /* load_rest could not */
	bool shared;                /* next uses prev's arena and record */
	struct progress *progress;  /* the progress line */
	struct agg *aggs;           /* aggregates made from fragments */
	size_t naggs;
	struct pool_job store_job;  /* stores store_cur (gen_waves) */
	struct wave_store store_cur;  /* its todo: a copy, its own */
	bool storing;               /* store_job detached, not joined */
	size_t *by_name;            /* with aggs: the entities in name
				     * order (their join order) */
	bool *run_start;            /* with aggs: per entity, whether it
				     * starts a run (see AGG_RUN) */
	bool keep;                  /* watch: the new state, with its
				     * manifest, outlives the build */
	bool *treeless;             /* per file: loaded, trees dropped
				     * (LEAF_KINDS): drv_parse_trees */
	bool stream;                /* misses made in waves (gen_waves) */
	bool sums_stored;           /* summaries_store_run did */
	struct sum_job *early;      /* its job, until summaries_store_join */
	struct tree_set kept_trees; /* trees made again for the rest of
				     * the build (gen_waves has one per
				     * wave) */
	uint32_t *kept_files;       /* the files of kept_trees */
	size_t nkept;
	bool joined;                /* aggs_join ran */
	struct man_job man;
	struct spares spares;       /* big outputs' (see struct spares) */
	bool *reread;               /* per file: its text is let go when not
				     * in use, and read again (drop_texts) */
};

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names a view's summary uses (element tags, free identifiers),
 * sorted and unique, one per line, in a; NULL when none. */
static const char *
refs_text(struct arena *a, const struct unit_summary *sum)
{
	const char **v;
	size_t n = sema_summary_refs(sum, &v), i;
	struct sbuf t;
	const char *r;

	if (!n) {
		free(v);
		return NULL;
	}
	qsort(v, n, sizeof(*v), cmp_cstr);
	sbuf_init(&t);
	for (i = 0; i < n; i++) {
		if (i && strcmp(v[i], v[i - 1]) == 0)
			continue;
		sbuf_adds(&t, v[i]);
		sbuf_addc(&t, '\n');
	}
	r = arena_strndup(a, t.p, t.len);
	sbuf_free(&t);
	free(v);
	return r;
}

/* Fills next->units for file fi from its front-end units; strings in a
 * (the state's arena, or a lane's that it adopts). */
static void
record_parsed_file(struct bld *b, size_t fi, struct arena *a)
{
	struct drv_file *f = &b->p->files[fi];
	struct st_file *sf = &b->next->files[fi];
	struct gkey al;
	struct hash128 ah;
	size_t k;

	gkey_init(&al);
	/* ehash = unit hash + the hashes of the file's type aliases, which
	 * resolve inside the file's trees. */
	for (k = 0; k < f->nunits; k++)
		if (f->units[k].kind == UNIT_ALIAS)
			gkey_hash(&al, f->units[k].hash);
	ah = gkey_done(&al);
	for (k = 0; k < f->nunits; k++) {
		struct st_unit *u = &b->next->units[sf->first + k];
		const struct drv_unit *du = &b->funits[fi][k];
		struct gkey h;

		gkey_init(&h);
		u->src = f->units[k];
		u->name = arena_strndup(a, f->text + u->src.name_off,
					u->src.name_len);
		gkey_hash(&h, u->src.hash);
		gkey_hash(&h, ah);
		u->ehash = gkey_done(&h);
		memset(&u->chash, 0, sizeof(u->chash));
		if (du->sum)
			u->chash = sema_check_hash(du->sum);
		u->flags = 0;
		u->guard = u->warnings = NULL;
		u->refs = du->sum ? refs_text(a, du->sum) : NULL;
		memset(&u->iface, 0, sizeof(u->iface));
		if (du->facts) {
			/* Made by the front end's workers, in the file's
			 * arena: the state's strings outlive it. */
			const struct cg_decl *d = du->facts;

			u->flags = d->flags;
			u->guard = copy_str(a, d->guard);
			u->warnings = copy_str(a, d->warnings);
			u->iface = d->iface;
		}
	}
}

/* Files read this build, recorded on the lanes (record_files). */
struct record_job {
	struct bld *b;
	const uint32_t *files;
	struct arena *a[POOL_MAX_LANES];
};

static void
record_one(void *arg, size_t k, unsigned lane)
{
	struct record_job *j = arg;
	struct drv_file *f = &j->b->p->files[j->files[k]];

	j->b->next->files[j->files[k]].content =
		hash_bytes(f->text ? f->text : "", f->len);
	if (f->read_err)
		return;
	if (!j->a[lane])
		j->a[lane] = arena_new();
	record_parsed_file(j->b, j->files[k], j->a[lane]);
}

/* From this many files read on, they are recorded on the lanes: a cold
 * build's 10,000 took 50 ms on one. */
#define RECORD_LANES_MIN 256

/*
 * The content hash and units' records of files[0..n), read this build
 * (next->files' first set). Their strings end in the state's arena.
 */
static void
record_files(struct bld *b, const uint32_t *files, size_t n)
{
	struct record_job j = { b, files, { NULL } };
	size_t i;

	if (n < RECORD_LANES_MIN) {
		j.a[0] = b->next->a;
		for (i = 0; i < n; i++)
			record_one(&j, i, 0);
		return;
	}
	pool_for(b->pool, n, record_one, &j);
	for (i = 0; i < POOL_MAX_LANES; i++)
		if (j.a[i])
			arena_adopt(b->next->a, j.a[i]);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void
front_tick(void *arg, unsigned lane)
{
	progress_tick(arg, lane, 1);
}

/*
 * Kinds whose trees only their own outputs read (no other unit's output
 * looks into a page, store or upload): a front end over many files
 * drops them, and the trees are made again when their outputs are
 * generated, a wave at a time in a cold build, so that they are never
 * all in memory (about 130 MB of trees at 10,000 files).
 */
#define LEAF_KINDS ((1u << UNIT_PAGE) | (1u << UNIT_STORE) | \
		    (1u << UNIT_UPLOAD))
/* And components and workflows: see split_late. */
#define DROP_KINDS (LEAF_KINDS | (1u << UNIT_COMPONENT) | \
		    (1u << UNIT_WORKFLOW))
/* Files read after the last build: from this many on, as for a cold
 * build, trees are dropped (the outputs of a few edited files will want
 * theirs at once). */
#define DROP_MIN 64

/*
 * Runs the front end over files[which] and marks them. Trees are kept,
 * but with drop not those of files of DROP_KINDS only (b->treeless).
 */
static void
front(struct bld *b, uint32_t *which, size_t n, bool drop)
{
	struct drv_check_opts co = *b->o->check;
	size_t i;

	if (!n)
		return;
	qsort(which, n, sizeof(*which), cmp_u32);
	for (i = 0; i < n; i++) {
		/* flatten_units gave unread files their recorded units,
		 * summaries_load their summaries; a text read already
		 * (same_bytes, texts_for_diags) is parsed as it is. */
		struct drv_file *f = &b->p->files[which[i]];

		if (!f->units_in_arena)
			free(f->units);
		f->units = NULL;
		f->units_in_arena = false;
		f->nunits = 0;
		f->read_err = 0;
		arena_free(f->arena);
		f->arena = NULL;
	}
	co.keep_trees = true;
	co.drop_kinds = drop ? DROP_KINDS : 0;
	co.facts = true;
	progress_phase(b->progress, "parse", n);
	co.on_file = front_tick;
	co.on_file_arg = b->progress;
	co.pool = b->pool;
	drv_front_files(b->p, &co, which, n, b->funits, b->nfunits);
	for (i = 0; i < n; i++) {
		size_t fi = which[i], k;

		b->loaded[fi] = true;
		b->treeless[fi] = false;
		for (k = 0; k < b->nfunits[fi]; k++)
			if (b->funits[fi][k].parsed_ok &&
			    !b->funits[fi][k].ast)
				b->treeless[fi] = true;
	}
}

static void
free_front_units(struct bld *b)
{
	size_t i;

	for (i = 0; b->funits && i < b->p->nfiles; i++)
		free(b->funits[i]);
	free(b->funits);
	free(b->nfunits);
	free(b->loaded);
	free(b->treeless);
	free(b->kept_files);
	free(b->reread);
	free(b->sum_src);
}

/* flatten_units' job: the unit records of every file not read come
 * from old_first (the file's first unit in the last state). */
struct flat_job {
	struct bld *b;
	const uint32_t *old_first;
	struct unit_src *src;       /* offsets of the files not read */
};

static void
flatten_one(void *arg, size_t fi, unsigned lane)
{
	const struct flat_job *j = arg;
	const struct bld *b = j->b;
	struct drv_file *f = &b->p->files[fi];
	const struct st_file *sf = &b->next->files[fi];
	struct st_unit *su = &b->next->units[sf->first];
	struct drv_unit *u = &b->p->units[sf->first];
	size_t k;

	(void)lane;
	f->first_unit = sf->first;
	if (b->loaded[fi]) {
		if (sf->n)
			memcpy(u, b->funits[fi], sf->n * sizeof(*u));
		return;
	}
	memcpy(su, &b->prev->units[j->old_first[fi]], sf->n * sizeof(*su));
	/* The reporter reads unit offsets of every file. */
	f->nunits = sf->n;
	f->units = j->src + sf->first;
	f->units_in_arena = true;
	for (k = 0; k < sf->n; k++) {
		u[k].file = (uint32_t)fi;
		u[k].index = (uint32_t)k;
		u[k].parsed_ok = true;
		f->units[k] = su[k].src;
	}
}

/*
 * Unit ui of the project is file fi's unit k: the project's drv_unit;
 * and the next state's records of the files not read, copied from the
 * last state's. On the lanes: 18,000 units at 10,000 files, 4.5 MB of
 * new records.
 */
static void
flatten_units(struct bld *b, const uint32_t *old_first)
{
	struct drv_project *p = b->p;
	struct flat_job j = { b, old_first, NULL };
	size_t fi, nu = 0;

	for (fi = 0; fi < p->nfiles; fi++)
		nu += b->next->files[fi].n;
	p->units = xbig(nu ? nu : 1, sizeof(*p->units), true);
	p->nunits = nu;
	j.src = arena_alloc(p->arena, (nu + 1) * sizeof(*j.src));
	pool_for(b->pool, p->nfiles, flatten_one, &j);
}

/* After flatten: trees of newly loaded files into the project's units. */
static void
attach_loaded(struct bld *b, const uint32_t *which, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		size_t fi = which[i];
		struct drv_file *f = &b->p->files[fi];
		const struct st_file *sf = &b->next->files[fi];

		for (k = 0; k < sf->n && k < b->nfunits[fi]; k++) {
			struct drv_unit *u = &b->p->units[sf->first + k];
			struct cg_decl *d = b->decl_of ? b->decl_of[sf->first + k]
						   : NULL;

			diag_list_free(&u->diags);
			*u = b->funits[fi][k];
			if (d && u->ast) {
				d->ast = u->ast;
				d->text = f->text + f->units[k].off;
				d->len = f->units[k].len;
			}
		}
	}
}

static void
decl_add(struct cg_decl **v, size_t *n, size_t *cap, struct cg_decl d)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = d;
}

/* The model over every unit: names and facts, trees where loaded. */
static void
model_make(struct bld *b)
{
	struct cg_model *m = &b->m;
	const struct drv_config *cfg = b->o->cfg;
	size_t i, cap[7] = { 0 };
	size_t *pos = xcalloc(b->p->nunits + 1, sizeof(*pos));
	int *which = xcalloc(b->p->nunits + 1, sizeof(*which));

	memset(m, 0, sizeof(*m));
	for (i = 0; i < b->p->nunits; i++) {
		const struct st_unit *su = &b->next->units[i];
		const struct drv_unit *du = &b->p->units[i];
		const struct drv_file *f = &b->p->files[du->file];
		struct cg_decl d = { 0 };

		which[i] = -1;
		d.name = su->name;
		d.flags = su->flags;
		d.guard = su->guard;
		d.warnings = su->warnings;
		d.iface = su->iface;
		if (du->ast) {
			d.ast = du->ast;
			d.text = f->text + f->units[du->index].off;
			d.len = f->units[du->index].len;
		}
		switch (su->src.kind) {
#define K(kind, list, n, c)                                                    \
	case kind:                                                             \
		which[i] = c;                                                  \
		pos[i] = m->n;                                                 \
		decl_add(&m->list, &m->n, &cap[c], d);                         \
		break;
		K(UNIT_ENTITY, entities, nentities, 0)
		K(UNIT_DESIGN, design, ndesign, 1)
		K(UNIT_PAGE, pages, npages, 2)
		K(UNIT_COMPONENT, components, ncomponents, 3)
		K(UNIT_STORE, stores, nstores, 4)
		K(UNIT_WORKFLOW, workflows, nworkflows, 5)
		K(UNIT_UPLOAD, uploads, nuploads, 6)
#undef K
		default:
			break;
		}
	}
	/* Pointers only once the lists stopped growing. */
	b->decl_of = xcalloc(b->p->nunits + 1, sizeof(*b->decl_of));
	for (i = 0; i < b->p->nunits; i++) {
		struct cg_decl *lists[7] = { m->entities, m->design, m->pages,
					     m->components, m->stores,
					     m->workflows, m->uploads };

		if (which[i] >= 0)
			b->decl_of[i] = &lists[which[i]][pos[i]];
	}
	{
		struct cg_decl *l[UNIT_KIND_COUNT] = { m->entities, m->design,
			m->pages, m->components, m->stores, m->workflows,
			m->uploads, NULL };
		size_t c[UNIT_KIND_COUNT] = { m->nentities, m->ndesign,
			m->npages, m->ncomponents, m->nstores, m->nworkflows,
			m->nuploads, 0 };
		size_t k, total = 0;

		for (k = 0; k < UNIT_KIND_COUNT; k++) {
			b->list_of[k] = l[k];
			b->nlist[k] = c[k];
			b->base_of[k] = total;
			total += c[k];
		}
		b->unit_of = xcalloc(total + 1, sizeof(*b->unit_of));
		for (i = 0; i < b->p->nunits; i++)
			if (which[i] >= 0)
				b->unit_of[b->base_of[b->next->units[i].src
							  .kind] + pos[i]] = i;
	}
	free(pos);
	free(which);
	drv_model_config(m, cfg);
	cg_model_index(m);
}

/*
 * The global key parts of this build. When the model is the last one
 * (stable), names and facts are too: only the parts over the
 * content of entities, design and workflows can move, and only when a
 * unit of that kind changed.
 */
static void
globals(struct bld *b, struct hash128 cfgkey, bool stable)
{
	struct incr *s = b->next;
	const struct incr *pv = b->prev;
	struct gkey h[G_COUNT];
	unsigned want = ~0u;
	size_t i;

	s->g[G_COMPILER] = compiler_id();
	s->g[G_CONFIG] = cfgkey;
	if (stable) {
		memcpy(s->g, pv->g, sizeof(s->g));
		want = 0;
		for (i = 0; i < s->nunits; i++) {
			const struct st_unit *u = &s->units[i];

			if (hash_eq(u->ehash, pv->units[i].ehash))
				continue;
			want |= u->src.kind == UNIT_ENTITY   ? 1u << G_ENTITIES
				: u->src.kind == UNIT_DESIGN   ? 1u << G_DESIGN
				: u->src.kind == UNIT_WORKFLOW ? 1u << G_WORKFLOWS
							       : 0;
		}
		if (!want)
			return;
	}
	memset(h, 0, sizeof(h));
	for (i = 0; i < s->nunits; i++) {
		const struct st_unit *u = &s->units[i];
		char kind = (char)u->src.kind;

		/* Only the wanted ones (an entity edit: G_ENTITIES). */
		switch (u->src.kind) {
		case UNIT_ENTITY:
			if (want & 1u << G_ENTITY_NAMES)
				gkey_str(&h[G_ENTITY_NAMES], u->name);
			if (want & 1u << G_ENTITIES)
				gkey_hash(&h[G_ENTITIES], u->ehash);
			break;
		case UNIT_DESIGN:
			if (want & 1u << G_DESIGN)
				gkey_hash(&h[G_DESIGN], u->ehash);
			break;
		case UNIT_WORKFLOW:
			if (want & 1u << G_WORKFLOWS)
				gkey_hash(&h[G_WORKFLOWS], u->ehash);
			break;
		default:
			break;
		}
		if (want & 1u << G_NAMES) {
			gkey_add(&h[G_NAMES], &kind, 1);
			gkey_str(&h[G_NAMES], u->name);
			gkey_add(&h[G_NAMES], &u->flags, sizeof(u->flags));
			gkey_str(&h[G_NAMES], u->guard);
		}
	}
	for (i = G_ENTITY_NAMES; i < G_COUNT; i++) {
		if (want & 1u << i)
			s->g[i] = gkey_done(&h[i]);
		else
			sbuf_free(&h[i].b);
	}
}

/* Which globals an output's key includes. */
static unsigned
dep_globals(enum cg_dep d)
{
	unsigned base = 1u << G_COMPILER | 1u << G_CONFIG;

	switch (d) {
	case CG_DEP_VIEW:  /* and the unit's context (ctx_of) */
		return base | 1u << G_ENTITY_NAMES;
	case CG_DEP_ENTITY:
		return base | 1u << G_ENTITIES;
	case CG_DEP_DESIGN:
		return base | 1u << G_DESIGN;
	case CG_DEP_WORKFLOW:
		return base | 1u << G_WORKFLOWS;
	case CG_DEP_NAMES:
		return base | 1u << G_NAMES;
	default:
		return base;
	}
}

/*
 * A view's context: for each name it uses (st_unit.refs), whether a
 * component has it and that component's iface. A view's outputs depend
 * on it instead of on every component's iface, so a component's new
 * params rebuild only the views that use it.
 */
struct ctx {
	struct bld *b;
	struct hash128 *v;        /* per unit, once made; zero: not yet */
	struct model_wait *wait;  /* the model is being made (or NULL) */
};

/* A model made on one lane while others may need it (fill_outs). */
struct model_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool ready;
};

/* Returns once the model w is about is made. */
static void
model_wait(struct model_wait *w)
{
	pthread_mutex_lock(&w->mu);
	while (!w->ready)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

/* The next name of a refs text ("A\nB\n") into name; false at the end. */
static bool
next_ref(const char **r, struct sbuf *name)
{
	const char *e;

	if (!*r || !**r || !(e = strchr(*r, '\n')))
		return false;
	name->len = 0;
	sbuf_add(name, *r, (size_t)(e - *r));
	*r = e + 1;
	return true;
}

static struct hash128
ctx_of(struct ctx *c, size_t ui)
{
	const struct incr *nx = c->b->next;
	struct gkey h;
	struct sbuf name;
	const char *r = nx->units[ui].refs;
	static const struct hash128 zero;

	if (!c->v)
		c->v = xcalloc(nx->nunits + 1, sizeof(*c->v));
	if (!hash_eq(c->v[ui], zero))
		return c->v[ui];
	if (c->wait) {
		model_wait(c->wait);
		c->wait = NULL;
	}
	gkey_init(&h);
	sbuf_init(&name);
	while (next_ref(&r, &name)) {
		/* The model's (its iface is the unit's): no index of every
		 * unit made for the few contexts an edit asks for. */
		const struct cg_decl *cu = cg_find_component(&c->b->m,
							     name.p);

		gkey_str(&h, name.p);
		gkey_add(&h, cu ? "c" : "-", 1);
		if (cu)
			gkey_hash(&h, cu->iface);
	}
	sbuf_free(&name);
	gkey_add(&h, "ctx", 3);
	c->v[ui] = gkey_done(&h);
	return c->v[ui];
}

static void
ctx_free(struct ctx *c)
{
	free(c->v);
}

static struct hash128
ctx_key(void *arg, uint32_t unit)
{
	return ctx_of(arg, unit);
}

/* --explain's words for graph_mark's reason. */
static const char *
why_text(int why)
{
	switch (why) {
	case GRAPH_WHY_NEW:
		return "new output";
	case GRAPH_WHY_UNIT_NEW:
		return "its declaration is new";
	case GRAPH_WHY_UNIT:
		return "its declaration changed";
	case GRAPH_WHY_CTX:
		return ctx_reason;
	default:
		return why >= 0 && why < G_COUNT ? g_reason[why]
						 : "its inputs changed";
	}
}

/* The unit of a declaration of the model. */
static size_t
unit_of_decl(const struct bld *b, const struct cg_decl *d)
{
	size_t k;

	for (k = 0; k < UNIT_KIND_COUNT; k++)
		if (b->nlist[k] && d >= b->list_of[k] &&
		    d < b->list_of[k] + b->nlist[k])
			return b->unit_of[b->base_of[k] + (size_t)(d -
							    b->list_of[k])];
	return SIZE_MAX;
}

/* The declaration an output is about (OWN, VIEW). */
static const struct cg_decl *
decl_of_output(const struct bld *b, const struct cg_output *o)
{
	if (o->kind >= UNIT_KIND_COUNT || o->index >= b->nlist[o->kind])
		return NULL;
	return &b->list_of[o->kind][o->index];
}

/* ---- output folder trust ---- */

/* Whether the folder at path (relative to folder dfd, or AT_FDCWD) has
 * the stat d recorded. */
static bool
dir_stat_at(int dfd, const char *path, const struct st_dir *d)
{
	struct stat st;

	return fstatat(dfd, path, &st, 0) == 0 && mtime_of(&st) == d->mtime_ns &&
	       (uint64_t)st.st_ino == d->ino;
}

static bool
dir_stat_matches(const char *out_dir, const struct st_dir *d,
		 struct sbuf *scratch)
{
	scratch->len = 0;
	sbuf_adds(scratch, out_dir);
	sbuf_addc(scratch, '/');
	sbuf_adds(scratch, d->rel);
	return dir_stat_at(AT_FDCWD, scratch->p, d);
}

bool
drv_incr_outputs_intact(const struct incr *s, const char *out_dir)
{
	struct sbuf scratch;
	size_t i;
	bool ok = true;

	sbuf_init(&scratch);
	for (i = 0; s && i < s->ndirs && ok; i++)
		ok = dir_stat_matches(out_dir, &s->dirs[i], &scratch);
	sbuf_free(&scratch);
	return ok;
}

static void dirs_join(struct bld *b);

/* Whether the output folder rel is as the last build left it (its stats
 * are taken once per build: dirs_now, dirs_late). */
static bool
dir_trusted(struct bld *b, const char *rel, struct sbuf *scratch)
{
	const struct incr *prev = b->prev;
	size_t lo = 0, hi, at = SIZE_MAX, h;

	if (!prev)
		return false;
	dirs_join(b);
	/* The plan asks in path order, mostly for the folder after the
	 * last one found: tried first, before the search by halves. */
	h = b->dir_hint;
	if (h < prev->ndirs && strcmp(prev->dirs[h].rel, rel) == 0)
		at = h;
	hi = prev->ndirs;
	while (at == SIZE_MAX && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(prev->dirs[mid].rel, rel);

		if (c == 0)
			at = mid;
		else if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at == SIZE_MAX)
		return false;
	b->dir_hint = at + 1;
	if (b->dir_ok)
		return b->dir_ok[at];
	return dir_stat_matches(b->out_dir, &prev->dirs[at], scratch);
}

static int
cmp_cstrp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}


/* A folder's record as it is now, in s->dirs[*k] (none if it is gone). */
static void
stat_dir(struct incr *s, size_t *k, const char *out_dir, const char *rel,
	 const char *shared, struct sbuf *path)
{
	struct stat st;

	path->len = 0;
	sbuf_adds(path, out_dir);
	sbuf_addc(path, '/');
	sbuf_adds(path, rel);
	if (stat(path->p, &st) != 0)
		return;
	s->dirs[*k].rel = shared ? shared
				 : arena_strndup(s->a, rel, strlen(rel));
	s->dirs[*k].mtime_ns = mtime_of(&st);
	s->dirs[*k].ino = (uint64_t)st.st_ino;
	(*k)++;
}

/*
 * Records the folders of the outputs as they are now. A folder the last
 * build recorded, found as it was at the start of this build, and not
 * written in since keeps its record without a stat; the others (new,
 * changed, or in `touched`) are stat'ed. A change by someone else after
 * the start is then seen next time as a mismatch: safe. With the last
 * build's outputs (same_outs), the folders are the last build's: their
 * list is not made again from 30,000 paths.
 */
static void
record_dirs(struct bld *b, const char *out_dir, struct ptrvec *touched,
	    bool same_outs)
{
	struct incr *s = b->next;
	const struct incr *prev = b->prev;
	const char **d;
	size_t *dlen;
	size_t i, n = 0, k = 0, pc = 0;
	struct sbuf path;

	dirs_join(b);
	if (touched->n > 1)
		qsort(touched->v, touched->n, sizeof(*touched->v), cmp_cstrp);
	sbuf_init(&path);
	if (same_outs && prev && b->dir_ok) {
		s->dirs = xcalloc(prev->ndirs + 1, sizeof(*s->dirs));
		for (pc = 0; pc < prev->ndirs; pc++) {
			const char *nm = prev->dirs[pc].rel;

			if (b->dir_ok[pc] &&
			    !(touched->n &&
			      bsearch(&nm, touched->v, touched->n,
				      sizeof(*touched->v), cmp_cstrp)))
				s->dirs[k++] = prev->dirs[pc];  /* shared */
			else
				stat_dir(s, &k, out_dir, nm, nm, &path);
		}
		s->ndirs = k;
		sbuf_free(&path);
		return;
	}
	d = xcalloc(s->nouts + 2, sizeof(*d));
	dlen = xcalloc(s->nouts + 2, sizeof(*dlen));
	/* Folders of consecutive outputs, deduplicated; sorted below as
	 * strings ("a/b" and "a-c" do not come in output order). */
	d[n] = "";
	dlen[n++] = 0;
	for (i = 0; i < s->nouts; i++) {
		const char *p = s->outs[i].path, *sl = strrchr(p, '/');
		size_t l = sl ? (size_t)(sl - p) : 0;

		if (l != dlen[n - 1] || memcmp(p, d[n - 1], l) != 0) {
			d[n] = p;
			dlen[n++] = l;
		}
	}
	s->dirs = xcalloc(n + 1, sizeof(*s->dirs));
	{
		/* Strings of the folders, sorted and unique. */
		char **names = xcalloc(n + 1, sizeof(*names));

		for (i = 0; i < n; i++)
			names[i] = xstrndup(d[i], dlen[i]);
		qsort(names, n, sizeof(*names), cmp_cstrp);
		for (i = 0; i < n; i++) {
			const char *nm = names[i];
			int cmp = 1;

			if (k && strcmp(s->dirs[k - 1].rel, nm) == 0)
				continue;
			while (prev && pc < prev->ndirs &&
			       (cmp = strcmp(prev->dirs[pc].rel, nm)) < 0)
				pc++;
			if (prev && pc < prev->ndirs && cmp == 0 &&
			    b->dir_ok && b->dir_ok[pc] &&
			    !(touched->n &&
			      bsearch(&nm, touched->v, touched->n,
				      sizeof(*touched->v), cmp_cstrp))) {
				s->dirs[k++] = prev->dirs[pc];  /* shared */
				continue;
			}
			stat_dir(s, &k, out_dir, nm,
				 prev && pc < prev->ndirs && cmp == 0
					 ? prev->dirs[pc].rel : NULL,
				 &path);
		}
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	s->ndirs = k;
	free(d);
	free(dlen);
	sbuf_free(&path);
}

/* Whether folder path has no entry (false when it cannot be read). */
static bool
dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = d != NULL;

	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 ||
			strcmp(e->d_name, "..") == 0;
	if (d)
		closedir(d);
	return empty;
}

/*
 * Removes temporary files a killed build left in out_dir/rel (hidden
 * ".name.locusc-tmp-PID" files of another process). Only folders whose
 * stat moved since the last build are swept: a build that left
 * temporaries changed its folder.
 */
static void
sweep_temps(const char *out_dir, const char *rel)
{
	struct sbuf path;
	DIR *d;
	struct dirent *e;
	char mine[32];

	snprintf(mine, sizeof(mine), DRV_TEMP_MARK "%ld", drv_pid());
	sbuf_init(&path);
	sbuf_printf(&path, "%s/%s", out_dir, rel);
	d = opendir(path.p);
	while (d && (e = readdir(d)) != NULL) {
		const char *t = drv_temp_mark(e->d_name);

		if (!t || strcmp(t, mine) == 0)
			continue;
		path.len = 0;
		sbuf_printf(&path, "%s/%s%s%s", out_dir, rel, *rel ? "/" : "",
			    e->d_name);
		if (unlink(path.p) != 0 && (errno == EISDIR || errno == EPERM))
			drv_remove_tree(path.p);  /* a staging folder */
	}
	if (d)
		closedir(d);
	sbuf_free(&path);
}

/* ---- commit ---- */

struct commit {
	struct bld *b;
	uint64_t t0;                /* when the commit began */
	const struct sum_job *sums;
	struct out *v;
	const size_t *act;          /* the outputs to look at: v[act[k]] */
	size_t nact;
	struct incr *state;
	struct sbuf *bytes;
	bool save_state;
};

/*
 * Saves state s (bytes: what state_write serialised) in the open write
 * transaction: the chunks that differ from the stored ones, no chunk past
 * the end, then the list. A chunk state_write left out is one the last
 * state had; if the stored list is not that (another build saved since),
 * every chunk is serialised again.
 */
static int
chunks_write(struct cache_txn *t, const char *root, const char *skey,
	     struct incr *s, struct sbuf *bytes)
{
	struct cache_file_state fs = { 0 };
	struct chunk_ref *old = NULL;
	const void *p;
	size_t n, nold = 0, i;
	struct sbuf list;
	int rc = 0;

	if (cache_file_get(t, root, skey, &fs, &p, &n) == 0)
		nold = chunk_refs(p, n, &old);
	for (i = 0; i < s->nck; i++)
		if (s->ck_at[i] == SIZE_MAX &&
		    (i >= nold || old[i].len != s->ck[i].len ||
		     !hash_eq(old[i].h, s->ck[i].h)))
			break;
	if (i < s->nck) {
		bytes->len = 0;
		state_write(s, NULL, bytes, NULL);
	}
	sbuf_init(&list);
	w_u32(&list, CHUNKS_MAGIC);
	w_u32(&list, (uint32_t)s->nck);
	for (i = 0; i < s->nck && rc == 0; i++) {
		w_u32(&list, s->ck[i].len);
		w_hash(&list, s->ck[i].h);
		if (s->ck_at[i] != SIZE_MAX &&
		    (i >= nold || old[i].len != s->ck[i].len ||
		     !hash_eq(old[i].h, s->ck[i].h))) {
			char *key = chunk_key(skey, i);

			rc = cache_file_put(t, root, key, &fs,
					    bytes->p + s->ck_at[i],
					    s->ck[i].len);
			free(key);
		}
	}
	for (i = s->nck; i < nold && rc == 0; i++) {
		char *key = chunk_key(skey, i);

		rc = cache_file_del(t, root, key);
		if (rc == CACHE_ENOTFOUND)
			rc = 0;
		free(key);
	}
	if (rc == 0)
		rc = cache_file_put(t, root, skey, &fs, list.p, list.len);
	free(old);
	sbuf_free(&list);
	return rc;
}

/* The ir records of the files this build parsed that the cache does not
 * have (see summaries_from_cache), made on the lanes before the commit. */
struct sum_job {
	struct bld *b;
	uint32_t *todo;
	size_t ntodo;
	struct sbuf *rec;          /* per todo; len 0: none (a unit failed) */
	size_t from, to;           /* the records made and put: todo[from, to) */
};

static void
sum_one(void *arg, size_t i, unsigned lane)
{
	struct sum_job *j = arg;
	const struct drv_project *p = j->b->p;
	const struct st_file *sf = &j->b->next->files[j->todo[j->from + i]];
	struct sbuf *r = &j->rec[j->from + i];
	uint32_t cnt = sf->n, len;
	size_t k, at;

	(void)lane;
	sbuf_add(r, &cnt, 4);
	for (k = 0; k < sf->n; k++) {
		const struct drv_unit *u = &p->units[sf->first + k];

		if (!u->sum || !u->parsed_ok) {
			r->len = 0;
			return;
		}
		at = r->len;
		sbuf_add(r, &cnt, 4);  /* room for the length */
		sema_summary_write(u->sum, r);
		len = (uint32_t)(r->len - at - 4);
		memcpy(r->p + at, &len, 4);
	}
}

/* The files read whose summaries the cache lacks (t, when not NULL,
 * tells which have a record); with all, their records made. */
static void
summaries_prepare(struct bld *b, struct cache_txn *t, struct sum_job *j,
		  bool all)
{
	const struct drv_project *p = b->p;
	size_t fi;

	memset(j, 0, sizeof(*j));
	j->b = b;
	j->todo = xcalloc(p->nfiles + 1, sizeof(*j->todo));
	for (fi = 0; fi < p->nfiles; fi++) {
		const void *q;
		size_t qn;

		if (!b->loaded[fi] || p->files[fi].read_err ||
		    (t && cache_ir_get(t, b->next->files[fi].content,
				       compiler_id(), &q, &qn) == 0))
			continue;
		j->todo[j->ntodo++] = (uint32_t)fi;
	}
	j->rec = xcalloc(j->ntodo + 1, sizeof(*j->rec));
	j->to = j->ntodo;
	if (all)
		pool_for(b->pool, j->ntodo, sum_one, j);
}

static void
summaries_free(struct sum_job *j)
{
	size_t i;

	for (i = 0; i < j->ntodo; i++)
		sbuf_free(&j->rec[i]);
	free(j->rec);
	free(j->todo);
}

static int
summaries_put(struct cache_txn *t, const struct sum_job *j)
{
	size_t i;
	int rc = 0;

	for (i = j->from; i < j->to && !rc; i++)
		if (j->rec[i].len)
			rc = cache_ir_put(t, j->b->next->files[j->todo[i]].content,
					  compiler_id(), j->rec[i].p,
					  j->rec[i].len);
	return rc;
}

static int
sums_fn(struct cache_txn *t, void *arg)
{
	return summaries_put(t, arg);
}

/*
 * A build that read most files (a cold one) stores their summaries as
 * soon as the front end has made them, in a task on one lane, while this
 * thread checks the project, makes the model, the plan and the keys
 * (about 80 ms at 10,000 files with the other lane idle), in
 * transactions of their own, SUM_BATCH files each: in the last commit,
 * beside the last wave, the aggregates and the state, they made the
 * build's peak (10,000 files: 14 MB of records, their dirty pages and the
 * leaves they land on), and in one transaction of their own LMDB kept
 * its dirty pages to the end of the build, for reuse.
 * Content-addressed, so still true if the build then fails. No other
 * transaction may be open meanwhile (a store may grow the map): the
 * build joins the task (summaries_store_join) before it opens its read
 * transaction, and on every way out.
 */
#define SUM_BATCH 1024

static void
summaries_store_run(void *arg, unsigned lane)
{
	struct sum_job *j = arg;
	struct bld *b = j->b;
	uint64_t t0 = base_now_ns();
	size_t k;
	bool ok = true;

	/* In batches, each made, put and freed. */
	for (j->from = 0; j->from < j->ntodo && ok; j->from = j->to) {
		j->to = j->from + SUM_BATCH < j->ntodo ? j->from + SUM_BATCH
						       : j->ntodo;
		for (k = 0; k < j->to - j->from; k++)
			sum_one(j, k, lane);
		ok = cache_write(b->cache, sums_fn, j) == 0;
		for (k = j->from; k < j->to; k++)
			sbuf_free(&j->rec[k]);
	}
	if (ok)
		b->sums_stored = true;  /* else the last commit tries again */
	drv_trace_span(b->o->check->trace, lane, "store", "summaries", t0,
		       base_now_ns());
}

/* Starts the store; the files that have a record already are left out
 * (a short read transaction tells). */
static void
summaries_store_begin(struct bld *b)
{
	struct cache_txn *t = NULL;

	b->early = xcalloc(1, sizeof(*b->early));
	if (cache_txn_begin(b->cache, false, &t) != 0)
		t = NULL;
	summaries_prepare(b, t, b->early, false);
	if (t)
		cache_txn_abort(t);
	pool_submit(b->pool, summaries_store_run, b->early);
}

static void
summaries_store_join(struct bld *b)
{
	if (!b->early)
		return;
	pool_wait(b->pool);
	summaries_free(b->early);
	free(b->early);
	b->early = NULL;
}

/* Whether file fi or one of its units has a diagnostic (which the report
 * reads, with the text, at the end). */
static bool
has_diags(const struct bld *b, size_t fi)
{
	const struct st_file *sf = &b->next->files[fi];
	size_t k;

	if (b->p->files[fi].diags.n)
		return true;
	for (k = 0; k < sf->n; k++)
		if (b->p->units[sf->first + k].diags.n)
			return true;
	return false;
}

/*
 * Once summaries_store_run has put a cold build's summaries in the
 * cache, nothing reads them again, nor the facts beside them (recorded in
 * the state): the files' arenas go, but for those of files with a
 * diagnostic, which the report reads at the end (25 MB at 10,000 files,
 * in the generate phase, where the peak was). Not when the state is kept
 * (watch): it keeps the summaries for the next project check.
 */
static void
drop_file_arenas(struct bld *b)
{
	struct drv_project *p = b->p;
	size_t fi, k;

	for (fi = 0; fi < p->nfiles; fi++) {
		struct drv_file *f = &p->files[fi];
		const struct st_file *sf = &b->next->files[fi];

		if (!b->loaded[fi] || !f->arena || has_diags(b, fi))
			continue;
		for (k = 0; k < sf->n; k++) {
			struct drv_unit *u = &p->units[sf->first + k];

			u->sum = NULL;
			u->facts = NULL;
			u->diags.arena = p->arena;
		}
		f->diags.arena = p->arena;
		arena_free(f->arena);
		f->arena = NULL;
	}
}

static int
cmp_out_content(const void *a, const void *b)
{
	return cache_key_cmp((*(const struct out *const *)a)->content,
			     (*(const struct out *const *)b)->content);
}

static int
cmp_out_key(const void *a, const void *b)
{
	return cache_key_cmp((*(const struct out *const *)a)->key,
			     (*(const struct out *const *)b)->key);
}

/* Whether o's bytes go to the cache: generated outputs. The manifest and
 * warnings files (no o->o) are made again whenever they are needed: not
 * worth megabytes per edit. */
static bool
to_store(const struct out *o)
{
	return o->state == OUT_MISS && has_bytes(o) && o->o && !o->stored;
}

/* Stores v[i], or v[idx[i]] when idx is not NULL, for i in [from, to). */
static int
put_outputs(struct cache_txn *t, const struct out *v, const size_t *idx,
	    size_t from, size_t to)
{
	const struct out **o = xmalloc((to - from + 1) * sizeof(*o));
	size_t i, n = 0;
	int rc = 0;

	for (i = from; i < to; i++)
		if (to_store(&v[idx ? idx[i] : i]))
			o[n++] = &v[idx ? idx[i] : i];
	/* Each database's puts in its key order: a wave's 1,024 puts in
	 * hash order landed on leaves here and there, each one read from
	 * the map (and its neighbours faulted in with it) again after
	 * every release of the map. */
	qsort(o, n, sizeof(*o), cmp_out_content);
	for (i = 0; i < n && !rc; i++)
		rc = npieces(o[i]) ? agg_store(t, o[i])
			 : cache_blob_put(t, o[i]->content, o[i]->bytes,
					  o[i]->len);
	qsort(o, n, sizeof(*o), cmp_out_key);
	for (i = 0; i < n && !rc; i++)
		rc = cache_action_put(t, o[i]->key, &o[i]->content, 1);
	free(o);
	return rc;
}

/*
 * Generated outputs go to the cache in transactions of about STORE_BATCH
 * bytes before the last one (which has the state): one transaction would
 * hold every dirty page until it commits, 180 MB in a cold 10,000-file
 * build. Blobs and actions are content-addressed, so a batch committed by
 * a build that then fails or is killed is still true.
 */
#define STORE_BATCH ((size_t)16 << 20)

struct store_batch {
	const struct out *v;
	size_t from, to;
	const size_t *idx;          /* see put_outputs */
};

static int
store_fn(struct cache_txn *t, void *arg)
{
	const struct store_batch *sb = arg;

	return put_outputs(t, sb->v, sb->idx, sb->from, sb->to);
}

/* Stores full batches of v[act[k]]; their buffers are freed. Returns a
 * cache error. */
static int
store_batches(struct bld *b, struct out *v, const size_t *act, size_t nact)
{
	size_t i, k, from = 0, bytes = 0;
	int e;

	for (i = 0; i < nact; i++) {
		struct store_batch sb = { v, from, i + 1, act };

		if (!to_store(&v[act[i]]))
			continue;
		bytes += v[act[i]].len;
		if (bytes < STORE_BATCH)
			continue;
		e = cache_write(b->cache, store_fn, &sb);
		if (e)
			return e;
		for (k = from; k <= i; k++) {
			struct out *x = &v[act[k]];

			if (!to_store(x))
				continue;
			x->stored = true;
			drop_bytes(x);
		}
		from = i + 1;
		bytes = 0;
	}
	return 0;
}

static int
commit_fn(struct cache_txn *t, void *arg)
{
	struct commit *c = arg;
	int rc;

	rc = put_outputs(t, c->v, c->act, 0, c->nact);
	if (rc)
		return rc;
	rc = summaries_put(t, c->sums);
	if (rc)
		return rc;
	if (c->save_state) {
		rc = chunks_write(t, c->b->src_abs, c->b->skey, c->state,
				  c->bytes);
		if (rc)
			return rc;
	}
	if (c->b->o->log_cmd) {
		/* The log's record in the same transaction: one flush. Its
		 * commit time stops here, before the flush. */
		const struct drv_incr_opts *o = c->b->o;
		struct drv_incr_stats *st = c->b->st;
		struct sbuf r;
		uint64_t now = base_now_ns();

		st->b.ns_commit = now - c->t0;
		sbuf_init(&r);
		drv_log_record(&r, o->log_cmd, c->b->p, &st->b, 0,
			       now - o->log_t0);
		rc = cache_log_append(t, r.p, r.len, NULL);
		sbuf_free(&r);
	}
	return rc;
}

/* ---- the build ---- */

void
drv_incr_warnings(struct drv_incr_stats *st, bool print)
{
	size_t i;

	for (i = 0; i < st->gen_warnings.n; i++) {
		if (print)
			fprintf(stderr, "warning: %s\n",
				(const char *)st->gen_warnings.v[i]);
		free(st->gen_warnings.v[i]);
	}
	ptrvec_free(&st->gen_warnings);
}

static struct hash128
config_key(const struct drv_config *c, const struct sema_options *opt)
{
	struct gkey h;
	unsigned flags = (unsigned)c->auth | (unsigned)c->require_auth << 1;

	gkey_init(&h);
	gkey_str(&h, c->app_name);
	gkey_str(&h, c->jwt_secret);
	gkey_str(&h, c->adapter);
	gkey_add(&h, &flags, sizeof(flags));
	gkey_add(&h, &opt->workflow_complexity,
		 sizeof(opt->workflow_complexity));
	flags = opt->paren_attrs_are_errors;
	gkey_add(&h, &flags, sizeof(flags));
	return gkey_done(&h);
}

static void
warn_damaged_state(void)
{
	fprintf(stderr, "locusc: warning: the cache's record of the last "
		"build is damaged; building everything again\n");
}

/* The last build's state from the cache, as far as a no-op needs it
 * (see load_rest). */
static struct incr *
load_state(struct bld *b)
{
	struct cache_txn *t = NULL;
	struct incr *s;
	bool damaged;

	if (!b->cache || cache_txn_begin(b->cache, false, &t) != 0)
		return NULL;
	s = chunks_read(t, b->skey, b->src_abs, &damaged);
	cache_txn_abort(t);
	if (damaged)
		warn_damaged_state();
	return s;
}

/*
 * Reads the rest of a state load_state read in part. False when it
 * cannot be (the state is then unusable): damaged, or replaced by a
 * build that saved since (no warning then).
 */
static bool
load_rest(struct bld *b)
{
	struct cache_txn *t = NULL;
	bool ok;

	if (b->rest_failed)
		return false;
	if (!b->prev->partial)
		return true;
	if (!b->cache || cache_txn_begin(b->cache, false, &t) != 0) {
		b->rest_failed = true;
		return false;
	}
	ok = state_more(b->prev, t, b->skey, b->src_abs, SIZE_MAX);
	if (!ok && chunks_unchanged(t, b->skey, b->src_abs, b->prev))
		warn_damaged_state();
	cache_txn_abort(t);
	b->rest_failed = !ok;
	return ok;
}

static void
rest_run(void *arg, unsigned lane)
{
	(void)lane;
	load_rest(arg);
}

/*
 * The scan saw that this build is no no-op: the rest of the state is
 * read on a lane now, beside the rest of the scan, once. Main reads
 * the result after the pool's wait.
 */
static void
start_rest(struct bld *b)
{
	if (!atomic_exchange(&b->rest_started, true))
		pool_submit(b->pool, rest_run, b);
}

/*
 * The walk's view of a folder's files: one changed since the last build
 * (or too close to it to tell) means no no-op. Only a cheap sign, for
 * the common case of an edit; a file gone or renamed is seen after the
 * walk.
 */
static void
seen_files(void *ctx, const struct drv_walk_ent *v, size_t n)
{
	struct bld *b = ctx;
	const struct incr *prev;
	int64_t m = INT64_MIN, cur;
	size_t i;

	for (i = 0; i < n; i++)
		if (!v[i].stat_ok)
			m = INT64_MAX;
		else if (v[i].mtime_ns > m)
			m = v[i].mtime_ns;
	/* Published before part is looked at, as prefetch_run publishes
	 * part before it looks at newest: one of the two sees the other
	 * (the walk may see a change before the state is read). */
	cur = atomic_load(&b->newest);
	while (m > cur && !atomic_compare_exchange_weak(&b->newest, &cur, m))
		;
	prev = atomic_load(&b->part);
	if (prev && !atomic_load(&b->rest_started) &&
	    m >= prev->built_ns - RACY_NS)
		start_rest(b);
}

/*
 * Notes that the folder of output path and every folder above it may
 * have changed (a write can create folders, a removal can delete empty
 * ones). Only needed when folder records are reused (see record_dirs).
 */
static void
touch_dirs(struct bld *b, struct ptrvec *touched, const char *path)
{
	const char *sl, *last = strrchr(path, '/');
	size_t dl = last ? (size_t)(last - path) : 0;

	if (!b->dir_ok)
		return;
	/* Outputs come in path order: the folder of the last one touched
	 * (pushed last) and its parents are in the list already. */
	if (touched->n && strlen(touched->v[touched->n - 1]) == dl &&
	    memcmp(touched->v[touched->n - 1], path, dl) == 0)
		return;
	ptrvec_push(touched, xstrdup(""));
	for (sl = strchr(path, '/'); sl; sl = strchr(sl + 1, '/'))
		ptrvec_push(touched, xstrndup(path, (size_t)(sl - path)));
}

/*
 * ---- the staging folder ----
 *
 * A folder of outputs that does not exist yet (every folder of a cold or
 * warm build into a new output folder, a new page's folder) is not made
 * in place: its files are written under their own names into the build's
 * staging folder, out/.stage.locusc-tmp-PID (which keeps their relative
 * paths), and when every file is written the topmost missing folder
 * moves into place with one rename. Its files appear together, whole, as
 * a temporary file's rename makes one file appear; a cold 10,000-file
 * build renamed 30,000 files one by one (200 ms), now eight folders. A
 * killed build's staging folder is swept like its temporary files.
 */
#define STAGE_NAME ".stage" DRV_TEMP_MARK

/* The length of path's folder part ("" at the top). */
static size_t
dir_len(const char *path)
{
	const char *sl = strrchr(path, '/');

	return sl ? (size_t)(sl - path) : 0;
}

/* out_dir/.stage.locusc-tmp-PID, then "/" rel when rel is not NULL. */
static char *
stage_path(const char *out_dir, const char *rel, size_t n)
{
	struct sbuf t;
	char *r;

	sbuf_init(&t);
	sbuf_printf(&t, "%s/" STAGE_NAME "%ld", out_dir, drv_pid());
	if (rel)
		sbuf_printf(&t, "/%.*s", (int)n, rel);
	/* Kept until the move, one per output: the exact size. */
	r = xstrndup(t.p, t.len);
	sbuf_free(&t);
	return r;
}

/*
 * The length of the topmost missing folder among the folders of path (a
 * prefix ending before a '/'), or 0 when its folder exists. all_missing:
 * the output folder was made by this build, nothing in it exists.
 */
static uint32_t
stage_of(const char *out_dir, const char *path, bool all_missing)
{
	size_t dl = dir_len(path);
	const char *sl = strchr(path, '/');
	struct sbuf t;

	if (!dl)
		return 0;
	if (all_missing)  /* nothing in the output folder exists */
		return (uint32_t)(sl - path);
	sbuf_init(&t);
	sbuf_printf(&t, "%s/%.*s", out_dir, (int)dl, path);
	if (access(t.p, F_OK) == 0 || errno != ENOENT) {
		sbuf_free(&t);
		return 0;
	}
	/* The folder is missing: the first of its prefixes that is. */
	for (; sl && (size_t)(sl - path) < dl; sl = strchr(sl + 1, '/')) {
		t.len = 0;
		sbuf_printf(&t, "%s/%.*s", out_dir, (int)(sl - path), path);
		if (access(t.p, F_OK) != 0 && errno == ENOENT)
			break;
	}
	sbuf_free(&t);
	return (uint32_t)(sl && (size_t)(sl - path) < dl ? (size_t)(sl - path)
							  : dl);
}

/* Writes all of s to fd; 0 or an errno value. */
static int
write_segs(int fd, const struct segs *s)
{
	struct iovec *v = s->v;
	size_t n = s->n;

	while (n) {
		ssize_t w = writev(fd, v, n < 1024 ? (int)n : 1024);
		size_t left;

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		/* Past the pieces written; a piece written in part is
		 * written from where the write stopped. */
		left = (size_t)w;
		while (n && left >= v->iov_len) {
			left -= v->iov_len;
			v++;
			n--;
		}
		if (n && left) {
			struct iovec rest = { (char *)v->iov_base + left,
					      v->iov_len - left };
			int e = drv_write_all(fd, rest.iov_base, rest.iov_len);

			if (e)
				return e;
			v++;
			n--;
		}
	}
	return 0;
}

/* Writes x's bytes (whole or in pieces) to fd; 0 or an errno value. */
static int
write_out_bytes(int fd, const struct out *x)
{
	return npieces(x) ? write_segs(fd, x->seg)
			: drv_write_all(fd, x->bytes, x->len);
}

/* Writes x's bytes to its place in the staging folder; returns that
 * path, or NULL with *err. */
static char *
write_staged(const char *out_dir, const struct out *x, int *err)
{
	char *path = stage_path(out_dir, x->path, strlen(x->path));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0 && errno == ENOENT) {
		*err = drv_make_parents(path);
		if (*err) {
			free(path);
			return NULL;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0666);
	}
	if (fd < 0) {
		*err = errno;
		free(path);
		return NULL;
	}
	*err = drv_close_temp(fd, path, write_out_bytes(fd, x));
	return *err ? NULL : path;
}

/* Removes this build's staging folder and what is left in it. */
static void
drop_stage(const char *out_dir)
{
	char *sp = stage_path(out_dir, NULL, 0);

	drv_remove_tree(sp);
	free(sp);
}

/*
 * Moves the staged outputs among v[act[k]] (in path order, so that those
 * under one missing folder are together) into place: each missing
 * folder with one rename, or, when that fails (the folder appeared
 * meanwhile), its files one by one. Sets renamed, or err. Then removes
 * the staging folder.
 */
static void
unstage(const char *out_dir, struct out *v, const size_t *act, size_t nact)
{
	struct sbuf to;
	const char *root = NULL;
	uint32_t rlen = 0;
	bool whole = false, any = false;
	size_t k;

	sbuf_init(&to);
	for (k = 0; k < nact; k++) {
		struct out *x = &v[act[k]];

		if (!x->stage || !x->tmp)
			continue;
		any = true;
		if (!root || x->stage != rlen ||
		    memcmp(root, x->path, rlen) != 0) {
			char *sp = stage_path(out_dir, x->path, x->stage);

			root = x->path;
			rlen = x->stage;
			to.len = 0;
			sbuf_printf(&to, "%s/%.*s", out_dir, (int)rlen, root);
			whole = rename(sp, to.p) == 0;
			free(sp);
		}
		if (whole) {
			x->renamed = true;
			continue;
		}
		to.len = 0;
		sbuf_printf(&to, "%s/%s", out_dir, x->path);
		if ((x->err = drv_make_parents(to.p)) == 0) {
			if (rename(x->tmp, to.p) == 0)
				x->renamed = true;
			else
				x->err = errno;
		}
	}
	if (any)
		drop_stage(out_dir);
	sbuf_free(&to);
}

/* The mode open gives a new file (0666 less the umask: /proc says it
 * without umask()'s moment of 0 for other threads), read once by the
 * first spare_open, not by every build; -1 when it cannot be known. */
static pthread_once_t file_mode_once = PTHREAD_ONCE_INIT;
static int file_mode = -1;

static void
file_mode_read(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	unsigned um;

	while (f && file_mode < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &um) == 1)
			file_mode = (int)(0666 & ~um);
	if (f)
		fclose(f);
}

/* rel's spare (xmalloc'd). */
static char *
spare_path(const struct spares *s, const char *rel)
{
	struct sbuf k;
	char hex[33];

	sbuf_init(&k);
	sbuf_adds(&k, s->skey);
	sbuf_add(&k, "", 1);
	sbuf_adds(&k, rel);
	hash_hex(hash_bytes(k.p, k.len), hex);
	k.len = 0;
	sbuf_printf(&k, "%s/%s", s->dir, hex);
	return k.p;
}

/* Whether this process alone has fd's file open or mapped. */
static bool
sole_opener(int fd)
{
#ifdef F_SETLEASE
	if (fcntl(fd, F_SETLEASE, F_WRLCK) != 0)
		return false;
	(void)fcntl(fd, F_SETLEASE, F_UNLCK);
	return true;
#else
	(void)fd;
	return false;
#endif
}

/*
 * Opens the temporary file of path (output rel) for writing from its
 * start: its spare, moved beside path, when there is one to write over
 * (*reused), else a new file (drv_open_temp).
 */
static int
spare_open(const struct spares *s, const char *path, const char *rel,
	   char **tmp, int *err, bool *reused)
{
	char *sp = spare_path(s, rel), *t = drv_temp_name(path);
	struct stat st;
	int fd = -1;

	*reused = false;
	pthread_once(&file_mode_once, file_mode_read);
	if (file_mode >= 0 && rename(sp, t) == 0) {
		fd = open(t, O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
				(int)(st.st_mode & 07777) != file_mode ||
				st.st_nlink != 1 || !sole_opener(fd))) {
			close(fd);
			fd = -1;
		}
		if (fd < 0)
			unlink(t);
	}
	free(sp);
	if (fd < 0) {
		free(t);
		return drv_open_temp(path, tmp, err);
	}
	*tmp = t;
	*reused = true;
	return fd;
}

/* drv_close_temp for spare_open's file, which a reused spare makes
 * len bytes long first. */
static int
spare_close(int fd, char *tmp, int e, bool reused, size_t len)
{
	if (!e && reused && ftruncate(fd, (off_t)len) != 0)
		e = errno;
	return drv_close_temp(fd, tmp, e);
}

/*
 * Puts tmp in place of path (output rel) by exchanging them, and moves
 * the file it replaces to the spares (or, when it cannot, lets it go as
 * a rename would: into *old_fd, open, when hold, and removed). False,
 * with nothing done, when path is not a file or they cannot be
 * exchanged: the caller renames.
 */
static bool
spare_swap(const struct spares *s, const char *tmp, const char *path,
	   const char *rel, bool hold, int *old_fd)
{
	struct stat st;
	char *sp;

#ifdef RENAME_EXCHANGE
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) != 0)
		return false;
#else
	return false;  /* no exchange: the caller renames */
#endif
	*old_fd = -1;
	sp = spare_path(s, rel);
	if (rename(tmp, sp) != 0 &&
	    (errno != ENOENT || (mkdir(s->dir, 0777) != 0 && errno != EEXIST) ||
	     rename(tmp, sp) != 0)) {
		if (hold)
			*old_fd = open(tmp, O_RDONLY | O_CLOEXEC);
		unlink(tmp);
	}
	free(sp);
	return true;
}

/* The write phase's lane work: compare with the disk (untrusted
 * folders) and write a temporary file; renames come after, in order. */
struct write_job {
	struct out *v;
	const char *out_dir;
	size_t *todo;
	size_t ntodo;
	struct progress *progress;
	struct run *runs;           /* by_folder's */
	size_t nruns;
	pool_each_fn each;          /* write_one or rename_one */
	pool_fn side;               /* run beside the folders, or NULL */
	void *side_arg;
	bool out_new;               /* see struct bld */
	struct cache *cache;        /* whose map hits' bytes are in */
	const struct spares *spares;  /* or NULL: no spares */
	_Atomic size_t from_map;    /* bytes of hits written */
};

/*
 * x's bytes, from the cache's map, have been read (written or compared):
 * its stamp is read now (blob_of did not; a hit read from its runs had
 * theirs read, and its pieces are let go), and the map's pages let go
 * every MAP_RELEASE bytes. A warm build copies every output out of the
 * map, and the pages, read once, would all stay resident: 145 MB at
 * 10,000 files, the build's peak. A page read again (a lane still
 * copying) is faulted back in from the page cache.
 */
#define MAP_RELEASE ((size_t)16 << 20)

static void
map_read(struct write_job *j, struct out *x)
{
	size_t was;

	if (x->state == OUT_HIT && npieces(x)) {
		/* A hit read from its runs (blob_of; their stamps touched
		 * by tab_load): written, let go, and the megabytes of the
		 * map's pages it read with it. */
		drop_bytes(x);
		cache_release_map(j->cache);
		return;
	} else if (x->unread) {
		x->unread = false;
		cache_blob_used(j->cache, x->content, x->bytes);
	} else
		return;
	was = atomic_fetch_add(&j->from_map, x->len);
	if (was / MAP_RELEASE != (was + x->len) / MAP_RELEASE)
		cache_release_map(j->cache);
}

static void
rename_one(void *arg, size_t k, unsigned lane)
{
	struct write_job *j = arg;
	struct out *x = &j->v[j->todo[k]];
	char *path = drv_join(j->out_dir, x->path);

	(void)lane;
	if (x->spare && j->spares &&
	    spare_swap(j->spares, x->tmp, path, x->path, x->hold_old,
		       &x->old_fd)) {
		x->renamed = true;
		free(path);
		return;
	}
	if (x->hold_old)
		x->old_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rename(x->tmp, path) == 0)
		x->renamed = true;
	else
		x->err = errno;
	free(path);
}

/* The files rename_one kept open (hold_old), into held (watch: the
 * state's, which drv_incr_tidy closes; a one-shot build: its closer's);
 * past HOLD_MAX they are closed now. */
static void
keep_replaced(int *held, size_t *nheld, const struct write_job *rj)
{
	size_t i;

	for (i = 0; i < rj->ntodo; i++) {
		const struct out *x = &rj->v[rj->todo[i]];

		if (!x->hold_old || x->old_fd < 0)
			continue;
		if (*nheld < HOLD_MAX)
			held[(*nheld)++] = x->old_fd;
		else
			close(x->old_fd);
	}
}

/*
 * A one-shot build's replaced files, closed on a thread of its own
 * beside the commit: closing the last link to a file frees its pages,
 * 2-3 ms of an entity edit's renames at 10,000 files (the schema, the
 * entities and the manifest: 14 MB).
 */
struct closer {
	int fd[HOLD_MAX];
	size_t n;
	pthread_t t;
	bool on;
};

static void *
closer_main(void *arg)
{
	struct closer *c = arg;

	close_held(c->fd, &c->n);
	return NULL;
}

static void
closer_start(struct closer *c)
{
	if (c->n && !c->on)
		c->on = pthread_create(&c->t, NULL, closer_main, c) == 0;
}

/* Every file closed (here when the thread did not start). */
static void
closer_end(struct closer *c)
{
	if (c->on)
		pthread_join(c->t, NULL);
	c->on = false;
	closer_main(c);
}

static void
write_one(void *arg, size_t k, unsigned lane)
{
	struct write_job *j = arg;
	struct out *x = &j->v[j->todo[k]];
	char *path;

	if (x->stage) {
		x->tmp = write_staged(j->out_dir, x, &x->err);
		map_read(j, x);
		progress_tick(j->progress, lane, 1);
		return;
	}
	path = drv_join(j->out_dir, x->path);
	if (!x->trusted && !x->no_dir &&
	    (npieces(x) ? file_has(path, x->content)
		      : drv_same_content(path, x->bytes, x->len)))
		x->unchanged = true;
	else {
		bool reused = false;
		int fd;

		x->spare = j->spares && x->po && x->len >= j->spares->min;
		fd = x->spare ? spare_open(j->spares, path, x->path, &x->tmp,
					   &x->err, &reused)
			      : drv_open_temp(path, &x->tmp, &x->err);
		if (fd >= 0) {
			x->err = spare_close(fd, x->tmp,
					     write_out_bytes(fd, x), reused,
					     x->len);
			if (x->err)
				x->tmp = NULL;
		}
	}
	free(path);
	map_read(j, x);
	progress_tick(j->progress, lane, 1);
}

/* Consecutive items of a write_job's todo in one folder. */
struct run {
	size_t from, n;
};

static int
cmp_run_desc(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1)
			    : (x->from > y->from) - (x->from < y->from);
}

/*
 * Files are created and renamed one folder per lane at a time, biggest
 * folder first: creating or renaming in a folder takes the folder's
 * lock in the kernel, and two lanes in one folder of 8,000 files
 * (routes/, validation/) spent their time waiting on each other.
 */
static void
by_folder(struct write_job *j)
{
	size_t k, d = 0;

	j->runs = xcalloc(j->ntodo + 1, sizeof(*j->runs));
	j->nruns = 0;
	for (k = 0; k < j->ntodo; k++) {
		const char *p = j->v[j->todo[k]].path;
		size_t dl = dir_len(p);

		if (k == 0 || dl != d ||
		    memcmp(p, j->v[j->todo[k - 1]].path, dl) != 0) {
			j->runs[j->nruns].from = k;
			j->runs[j->nruns++].n = 0;
			d = dl;
		}
		j->runs[j->nruns - 1].n++;
	}
	qsort(j->runs, j->nruns, sizeof(*j->runs), cmp_run_desc);
}

static void
run_one(void *arg, size_t r, unsigned lane)
{
	struct write_job *j = arg;
	size_t k;

	if (j->each == write_one && !j->v[j->todo[j->runs[r].from]].trusted) {
		/* A folder that is not there has no file to compare: its
		 * files go to the staging folder (see stage_of); in a folder
		 * this build made, no file is older than the build. */
		const char *p = j->v[j->todo[j->runs[r].from]].path;
		uint32_t stage = stage_of(j->out_dir, p, j->out_new);

		for (k = 0; stage && k < j->runs[r].n; k++) {
			struct out *x = &j->v[j->todo[j->runs[r].from + k]];

			x->no_dir = true;
			x->stage = stage;
		}
	}
	for (k = 0; k < j->runs[r].n; k++)
		j->each(arg, j->runs[r].from + k, lane);
}

/* each(j, k, lane) for every k of j->todo, folder by folder. */
static void
for_folders(struct pool *pool, struct write_job *j, pool_each_fn each)
{
	j->each = each;
	by_folder(j);
	pool_for_each1_beside(pool, j->nruns, run_one, j, j->side,
			      j->side_arg);
	free(j->runs);
	j->runs = NULL;
}

/* Whether x's bytes must be compared with the disk or written: not when
 * its folder is trusted and the last build left the same content. */
static bool
needs_write(const struct out *x)
{
	return !(x->trusted && x->po && hash_eq(x->po->content, x->content) &&
		 !(x->o && (x->o->flags & CG_IF_ABSENT)));
}

/* Whether some output's bytes (a hit, a kept fragment) are in the read
 * transaction's map. */
static bool
borrows_map(const struct bld *b, const struct out *v, const size_t *act,
	    size_t nact)
{
	size_t i;

	for (i = 0; i < nact; i++)
		if (v[act[i]].state == OUT_HIT)
			return true;
	for (i = 0; i < b->naggs; i++)
		if (b->aggs[i].nmade < b->aggs[i].n)
			return true;
	return false;
}

/* ---- trees made again (files of LEAF_KINDS whose trees were dropped) ---- */

struct reparse_job {
	struct bld *b;
	const uint32_t *files;
	struct tree_set *ts;
	atomic_bool failed;
	atomic_bool changed;        /* a text read again is not the same */
};

/* Reads file fi's text again (let go by drop_texts), as it was checked. */
static bool
read_again(struct bld *b, size_t fi)
{
	struct drv_file *f = &b->p->files[fi];
	int err = fs_read_file(f->path, &f->text, &f->len);

	if (!err && hash_eq(hash_bytes(f->text, f->len),
			    b->next->files[fi].content))
		return true;
	if (err)
		fprintf(stderr, "locusc: error: cannot read '%s' again: %s\n",
			f->path, strerror(err));
	else
		fprintf(stderr, "locusc: error: '%s' changed during the "
			"build; run it again\n", f->path);
	free(f->text);
	f->text = NULL;
	f->len = 0;
	return false;
}

/* Lets go of the texts of files[0..n) that the build reads again when it
 * needs them (b->reread): a file's text is 8 to 12% of its trees. */
static void
drop_texts(struct bld *b, const uint32_t *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct drv_file *f = &b->p->files[files[i]];

		if (!b->reread[files[i]])
			continue;
		free(f->text);
		f->text = NULL;
		f->len = 0;
	}
}

static void
reparse_one(void *arg, size_t k, unsigned lane)
{
	struct reparse_job *j = arg;
	struct drv_project *p = j->b->p;
	size_t fi = j->files[k];
	uint64_t t0 = base_now_ns();

	if (!j->ts->a[lane]) {
		j->ts->a[lane] = arena_new();
		j->ts->in[lane] = intern_new();
	}
	if (!p->files[fi].text && !read_again(j->b, fi)) {
		atomic_store(&j->changed, true);
		return;
	}
	if (!drv_parse_trees(p, fi, &p->units[p->files[fi].first_unit],
			     j->ts->a[lane], j->ts->in[lane]))
		atomic_store(&j->failed, true);
	drv_trace_span(j->b->o->check->trace, lane, "parse again",
		       p->files[fi].rel, t0, base_now_ns());
}

/* The model's decls of file fi see its units' trees (or none: NULL). */
static void
show_trees(struct bld *b, size_t fi, bool on)
{
	struct drv_project *p = b->p;
	const struct drv_file *f = &p->files[fi];
	size_t k;

	for (k = 0; k < f->nunits; k++) {
		size_t ui = f->first_unit + k;
		struct cg_decl *d = b->decl_of ? b->decl_of[ui] : NULL;

		if (!on)
			p->units[ui].ast = NULL;
		if (!d)
			continue;
		d->ast = on ? p->units[ui].ast : NULL;
		d->text = on ? f->text + f->units[k].off : NULL;
		d->len = on ? f->units[k].len : 0;
	}
}

/*
 * Makes the trees of files[0..n), all treeless, again into ts, on the
 * lanes, reading again the texts let go (drop_texts). Returns
 * DRV_EXIT_OK, or DRV_EXIT_IO with a message when a text read again is
 * not the one checked, or when one does not parse as it did in the front
 * end (which cannot happen: the text is the one checked).
 */
static int
reparse(struct bld *b, const uint32_t *files, size_t n, struct tree_set *ts)
{
	struct reparse_job j = { b, files, ts, false, false };
	size_t i;

	if (!n)
		return DRV_EXIT_OK;
	pool_for(b->pool, n, reparse_one, &j);
	if (atomic_load(&j.changed))
		return DRV_EXIT_IO;
	for (i = 0; i < n; i++)
		show_trees(b, files[i], true);
	if (atomic_load(&j.failed)) {
		fprintf(stderr, "locusc: error: internal: a file checked "
			"in this build did not parse again\n");
		return DRV_EXIT_IO;
	}
	return DRV_EXIT_OK;
}

/* Forgets the trees of files[0..n) and frees ts. */
static void
tree_set_free(struct bld *b, const uint32_t *files, size_t n,
	      struct tree_set *ts)
{
	size_t i;

	for (i = 0; i < n; i++)
		show_trees(b, files[i], false);
	for (i = 0; i < POOL_MAX_LANES; i++) {
		arena_free(ts->a[i]);
		intern_free(ts->in[i]);
	}
	memset(ts, 0, sizeof(*ts));
}

/* Trees of at least this many bytes are given back to the system. */
#define TRIM_TREES ((size_t)16 << 20)

/* Every tree of the build freed; the model's decls keep names and facts. */
static void
drop_trees(struct bld *b)
{
	size_t i, k, bytes = 0;

	for (k = 0; k < UNIT_KIND_COUNT; k++)
		for (i = 0; i < b->nlist[k]; i++) {
			b->list_of[k][i].ast = NULL;
			b->list_of[k][i].text = NULL;
			b->list_of[k][i].len = 0;
		}
	for (i = 0; i < b->p->ntree_arenas; i++)
		bytes += arena_used(b->p->tree_arenas[i]);
	tree_set_free(b, b->kept_files, b->nkept, &b->kept_trees);
	drv_drop_trees(b->p);
	/* The workers' trees were in their threads' malloc arenas, which
	 * the write and the commit (this thread) do not reuse: give the
	 * pages back. Only after a big front end: an edit's few trees are
	 * not worth a walk of the heap, and watch keeps its heap warm. */
	if (bytes >= TRIM_TREES)
		malloc_trim(0);
}

/*
 * Generates the misses in waves of GEN_WAVE outputs when b->stream (more
 * misses than a wave and no output's bytes in the cache's map: a cold
 * build). Each wave is written to temporary files at once and stored in
 * the cache in its own transaction, beside the making of the next wave
 * (the last one's on its own, before the commit), and its buffers are
 * freed: a cold build does not hold every output in memory (140 MB at
 * 10,000 files) until the write phase, only two waves' (1,024 outputs
 * each: smaller waves only add commits, larger ones only memory; at
 * 2,048 a 1,000-file project's cold build peaked 13 MB higher).
 * The read transaction ends first (a store may grow the map, which waits
 * for every transaction) and begins again after. The misses come in
 * the two parts of split_late; in the second, the outputs of files whose
 * trees each wave makes again (pages') come last, by file, and each wave
 * makes the trees it needs and frees them after. A build with few misses
 * (an edit) makes one wave and writes and stores as before, so it still
 * commits once.
 */
#define GEN_WAVE 1024

static size_t
gen_wave_size(void)
{
	const char *env = getenv("LOCUS_GEN_WAVE");  /* tests: small waves */

	if (env && strtoul(env, NULL, 10) > 0)
		return strtoul(env, NULL, 10);
	return GEN_WAVE;
}

/* Whether gen_waves will make the misses in waves. */
static bool
will_stream(const struct bld *b, const struct out *v, const size_t *act,
	    size_t nact)
{
	size_t i, nmiss = 0;

	for (i = 0; i < nact; i++)
		nmiss += v[act[i]].state == OUT_MISS;
	return nmiss > gen_wave_size() && !borrows_map(b, v, act, nact);
}

/* The treeless file an output needs the trees of, or SIZE_MAX. */
static size_t
treeless_file(const struct bld *b, const struct out *x)
{
	size_t fi;

	if (x->agg || x->unit == SIZE_MAX ||
	    (x->o->dep != CG_DEP_OWN && x->o->dep != CG_DEP_VIEW))
		return SIZE_MAX;
	fi = b->p->units[x->unit].file;
	return b->treeless[fi] ? fi : SIZE_MAX;
}

/*
 * todo[0..n), in path order (each folder's outputs together), dealt out
 * one folder after another: the first output of every folder, then the
 * second of every folder, and so on (a counting sort by rank within the
 * folder). In path order the waves of a cold build held routes/ alone,
 * then validation/ alone, and their files were written on one lane
 * (for_folders gives a folder to one lane at a time) while the other
 * waited; now each wave writes in every big folder at once.
 */
static void
deal_folders(const struct out *v, size_t *todo, size_t n)
{
	size_t *rank = xcalloc(n + 1, sizeof(*rank));
	size_t *out = xcalloc(n + 1, sizeof(*out));
	size_t *at, i, r, maxr = 0;

	for (i = 0; i < n; i++) {
		const char *p = v[todo[i]].path;
		size_t dl = dir_len(p);

		r = 0;
		if (i > 0 && dir_len(v[todo[i - 1]].path) == dl &&
		    memcmp(v[todo[i - 1]].path, p, dl) == 0)
			r = rank[i - 1] + 1;
		rank[i] = r;
		if (r > maxr)
			maxr = r;
	}
	at = xcalloc(maxr + 2, sizeof(*at));
	for (i = 0; i < n; i++)
		at[rank[i] + 1]++;
	for (r = 1; r <= maxr + 1; r++)
		at[r] += at[r - 1];
	for (i = 0; i < n; i++)
		out[at[rank[i]]++] = todo[i];
	memcpy(todo, out, n * sizeof(*todo));
	free(at);
	free(out);
	free(rank);
}

/* todo with the outputs of treeless files last, grouped by file (a
 * counting sort), the rest dealt out by folder (deal_folders). */
static void
order_by_file(const struct bld *b, const struct out *v, size_t *todo,
	      size_t n)
{
	size_t nf = b->p->nfiles, i, fi, rest = 0;
	size_t *at = xcalloc(nf + 2, sizeof(*at));
	size_t *out = xcalloc(n + 1, sizeof(*out));

	for (i = 0; i < n; i++) {
		fi = treeless_file(b, &v[todo[i]]);
		if (fi == SIZE_MAX)
			rest++;
		else
			at[fi + 1]++;
	}
	at[0] = rest;
	for (fi = 1; fi <= nf; fi++)
		at[fi] += at[fi - 1];
	rest = 0;
	for (i = 0; i < n; i++) {
		fi = treeless_file(b, &v[todo[i]]);
		out[fi == SIZE_MAX ? rest++ : at[fi]++] = todo[i];
	}
	memcpy(todo, out, n * sizeof(*todo));
	free(out);
	free(at);
	deal_folders(v, todo, rest);
}

/* The treeless files of todo[0..n) (grouped by file), into files. */
static size_t
wave_files(const struct bld *b, const struct out *v, const size_t *todo,
	   size_t n, uint32_t *files)
{
	size_t i, fi, nf = 0;

	for (i = 0; i < n; i++) {
		fi = treeless_file(b, &v[todo[i]]);
		if (fi != SIZE_MAX && (nf == 0 || files[nf - 1] != fi))
			files[nf++] = (uint32_t)fi;
	}
	return nf;
}

static void
prepare_run(void *arg, unsigned lane)
{
	struct agg *a = arg;

	(void)lane;
	a->ctx = a->f->prepare(a->m);
}

/*
 * The aggregates' contexts (the Prisma relation graph: 60 to 90 ms at
 * 10,000 files), made by a lane of their own from the end of the plan
 * (aggs_prepared joins them before the joins need them), while this
 * thread finishes the plan and both lanes make the first waves. Made
 * in the first wave instead, as gen_one does it, the other lane ran out
 * of outputs and waited 30 ms for it, and the plan's last 20 ms had the
 * other lane idle. Only for a build in waves: the trees they read are
 * all there and not made again until the joins (see split_late); an
 * edit's few outputs are one pool_for anyway.
 */
static void
aggs_prepare(struct bld *b)
{
	size_t i;

	for (i = 0; i < b->naggs; i++) {
		struct agg *a = &b->aggs[i];

		if (!a->nmade || !a->f->prepare)
			continue;
		a->m = &b->m;
		a->detached = true;
		pool_detach(b->pool, &a->prep, prepare_run, a);
	}
}

/* Waits for aggs_prepare's jobs (again: no-op). */
static void
aggs_prepared(struct bld *b)
{
	size_t i;

	for (i = 0; i < b->naggs; i++)
		if (b->aggs[i].detached) {
			pool_join(b->pool, &b->aggs[i].prep);
			b->aggs[i].detached = false;
		}
}

/* Moves the aggregates to the front of todo (the order otherwise kept),
 * where entities_done writes them from; how many there are. */
static size_t
aggs_first(const struct out *v, size_t *todo, size_t n)
{
	size_t i, np = 0;

	for (i = 0; i < n; i++) {
		size_t t = todo[i];

		if (!v[t].agg)
			continue;
		memmove(todo + np + 1, todo + np, (i - np) * sizeof(*todo));
		todo[np++] = t;
	}
	return np;
}

/* Whether file fi holds a component or a workflow. */
static bool
has_cw(const struct bld *b, size_t fi)
{
	const struct st_file *sf = &b->next->files[fi];
	size_t k;

	for (k = 0; k < sf->n; k++) {
		enum unit_kind kd = b->next->units[sf->first + k].src.kind;

		if (kd == UNIT_COMPONENT || kd == UNIT_WORKFLOW)
			return true;
	}
	return false;
}

/* Whether a miss is made late (see split_late): it reads the tree of a
 * component or a workflow, or one the front end did not keep. */
static bool
is_late(const struct bld *b, const struct out *x)
{
	size_t fi;

	if (x->agg || !x->o)
		return false;
	switch (x->o->dep) {
	case CG_DEP_VIEW:
	case CG_DEP_WORKFLOW:
		return true;
	case CG_DEP_OWN:
		fi = b->p->units[x->unit].file;
		return b->treeless[fi] || has_cw(b, fi);
	default:
		return false;
	}
}

/*
 * A cold build holds the trees of entities (and design sections) from
 * the front end, but not those of components and workflows (DROP_KINDS),
 * and makes its misses in two parts: first those that read no other
 * trees (the aggregates, the entities' outputs), then, once the
 * aggregates are joined and those trees let go, the late ones
 * (is_late), with the trees of every component and workflow made again
 * and kept (with those of files that own a late output: kept_files),
 * and pages' trees a wave at a time. At 10,000 files the entities' trees
 * are 43 MB and the components' and workflows' 32 MB: never both.
 * Puts the late misses of todo[0..n) last and returns how many come
 * before them.
 */
static size_t
split_late(struct bld *b, const struct out *v, size_t *todo, size_t n)
{
	size_t *late = xcalloc(n + 1, sizeof(*late));
	size_t i, n0 = 0, nl = 0, fi;
	bool *keep;

	for (i = 0; i < n; i++) {
		if (is_late(b, &v[todo[i]]))
			late[nl++] = todo[i];
		else
			todo[n0++] = todo[i];
	}
	memcpy(todo + n0, late, nl * sizeof(*todo));
	free(late);
	if (!nl)
		return n0;
	keep = xcalloc(b->p->nfiles + 1, sizeof(*keep));
	for (fi = 0; fi < b->p->nfiles; fi++)
		keep[fi] = b->loaded[fi] && has_cw(b, fi);
	for (i = n0; i < n; i++) {
		const struct out *x = &v[todo[i]];

		if (x->o->dep != CG_DEP_OWN && x->o->dep != CG_DEP_VIEW)
			continue;
		fi = b->p->units[x->unit].file;
		if (!b->treeless[fi])
			keep[fi] = true;  /* its trees go with the others */
	}
	for (fi = 0; fi < b->p->nfiles; fi++)
		if (keep[fi]) {
			b->treeless[fi] = false;
			b->kept_files[b->nkept++] = (uint32_t)fi;
		}
	free(keep);
	return n0;
}

static void
store_wave(void *arg, unsigned lane)
{
	struct wave_store *ws = arg;
	size_t k;
	uint64_t t0 = base_now_ns();

	if (ws->b->cache && !*ws->err) {
		struct store_batch sb = { ws->v, ws->from, ws->to, ws->todo };
		char name[64];

		*ws->err = cache_write(ws->b->cache, store_fn, &sb);
		snprintf(name, sizeof(name), "%zu outputs", ws->to - ws->from);
		drv_trace_span(ws->b->o->check->trace, lane, "store", name, t0,
			       base_now_ns());
	}
	for (k = ws->from; k < ws->to; k++) {
		struct out *x = &ws->v[ws->todo[k]];

		if (x->agg && !x->streamed)
			continue;  /* not joined yet */
		/* Stored, or the cache failed (warned at commit): either
		 * way the bytes are on disk now. */
		x->stored = true;
		drop_bytes(x);
	}
}

/* Waits for the store store_detach started, if any. */
static void
stores_join(struct bld *b)
{
	if (!b->storing)
		return;
	pool_join(b->pool, &b->store_job);
	free(b->store_cur.todo);
	b->storing = false;
}

/* Stores *w on a lane of its own, once the store before it is done. The
 * last wave's may outlive gen_waves and its todo. */
static void
store_detach(struct bld *b, const struct wave_store *w)
{
	size_t n = w->to - w->from;

	stores_join(b);
	b->store_cur = *w;
	b->store_cur.todo = xmalloc((n + 1) * sizeof(*w->todo));
	memcpy(b->store_cur.todo, w->todo + w->from, n * sizeof(*w->todo));
	b->store_cur.from = 0;
	b->store_cur.to = n;
	pool_detach(b->pool, &b->store_job, store_wave, &b->store_cur);
	b->storing = true;
}

static void aggs_join(struct bld *b, struct progress *progress,
		      pool_fn side, void *side_arg);

/* Writes the outputs of todo[from, to) made (not an aggregate before its
 * join) to temporary files on the lanes; they are streamed. */
static void
write_wave(struct bld *b, struct gen_job *j, struct write_job *wj,
	   size_t from, size_t to)
{
	size_t k;

	wj->ntodo = 0;
	for (k = from; k < to; k++) {
		struct out *x = &j->v[j->todo[k]];

		if (x->agg && !has_bytes(x))
			continue;
		x->streamed = true;
		if (needs_write(x))
			wj->todo[wj->ntodo++] = j->todo[k];
		else
			x->unchanged = true;
	}
	/* Back in path order (the wave was dealt out by folder): for_folders
	 * takes a folder's outputs where they sit together. */
	qsort(wj->todo, wj->ntodo, sizeof(*wj->todo), cmp_size);
	for_folders(b->pool, wj, write_one);
}

/* The files a project diagnostic points into (its unit's and its related
 * unit's), into f; how many. */
static size_t
diag_files(const struct drv_project *p, const struct diag *d, size_t f[2])
{
	size_t n = 0;

	if (d->unit < p->nunits)
		f[n++] = p->units[d->unit].file;
	if (d->has_related && d->rel_unit < p->nunits)
		f[n++] = p->units[d->rel_unit].file;
	return n;
}

/*
 * Marks the files whose texts a cold build lets go (not watch's, whose
 * state outlives the build; not those with a diagnostic, of their own or
 * of the project check, which the report shows): before the first wave
 * (done false), those whose trees each wave makes again, which it reads
 * again; at entities_done, the others (the entities' and the design
 * sections') but the kept files: no late output reads them. Drops the
 * texts marked now.
 */
static void
mark_texts(struct bld *b, bool done)
{
	struct drv_project *p = b->p;
	uint32_t *files = xcalloc(p->nfiles + 1, sizeof(*files));
	bool *kept = xcalloc(p->nfiles + 1, sizeof(*kept));
	size_t fi, n = 0;

	for (fi = 0; fi < b->nkept; fi++)
		kept[b->kept_files[fi]] = true;
	/* The project check's diagnostics: shown with their files' text. */
	for (fi = 0; fi < p->diags.n; fi++) {
		size_t df[2], k, nd = diag_files(p, &p->diags.v[fi], df);

		for (k = 0; k < nd; k++)
			kept[df[k]] = true;
	}
	for (fi = 0; fi < p->nfiles && !b->keep; fi++) {
		if (!b->loaded[fi] || !p->files[fi].text || has_diags(b, fi) ||
		    kept[fi] || b->treeless[fi] == done)
			continue;
		b->reread[fi] = true;
		files[n++] = (uint32_t)fi;
	}
	drop_texts(b, files, n);
	free(kept);
	free(files);
}

/*
 * Between the two parts of split_late: the aggregates (todo[0..nagg),
 * their contexts prepared by aggs_prepare) are joined, beside the store
 * of the last wave, and written; every tree is let go, and the kept
 * files' trees are made again. The aggregates are then the wave to store.
 */
static int
entities_done(struct bld *b, struct gen_job *j, struct write_job *wj,
	      size_t nagg, struct wave_store *last, bool *pending)
{
	int rc;

	/* The heap's free pages back first: the joins' texts grow beside
	 * the entities' 43 MB of trees, the build's peak. Some builds had
	 * freed memory still resident there (the earlier waves' buffers,
	 * in whichever thread's arena): peaks at 10,000 files were 134-135
	 * or 139-151 MiB, 2 builds in 6 the latter; with the trim, 16 in 16
	 * at 134.5-135.9, no slower (1.47 s against 1.58 s, mean of 6). */
	malloc_trim(0);
	/* The last wave's store beside the first fragments: its buffers
	 * and pages go before the joins' texts grow. */
	aggs_join(b, j->progress, *pending ? store_wave : NULL, last);
	b->joined = true;
	write_wave(b, j, wj, 0, nagg);
	/* Trimmed: what the second part allocates is then fresh pages, not
	 * the entities' 43 MB of trees in pieces beside its own (peak RSS at
	 * 10,000 files 155 -> 145 MB). */
	drop_trees(b);
	mark_texts(b, true);
	rc = reparse(b, b->kept_files, b->nkept, &b->kept_trees);
	last->from = 0;
	last->to = nagg;
	*pending = nagg > 0;
	return rc;
}

static int
gen_waves(struct bld *b, struct gen_job *j, int *store_err)
{
	struct write_job wj = { .v = j->v, .out_dir = b->out_dir,
				.out_new = b->out_new, .cache = b->cache };
	size_t w, end, wave = gen_wave_size(), nf, n0, nagg;
	uint32_t *files;
	struct tree_set trees = { { 0 }, { 0 } };  /* the wave's */
	struct wave_store last = { b, j->v, j->todo, 0, 0, store_err };
	bool pending = false;       /* last is written, not yet stored */
	int rc = DRV_EXIT_OK;

	*store_err = 0;
	if (!b->stream) {
		pool_for(b->pool, j->ntodo, gen_one, j);
		return DRV_EXIT_OK;
	}
	if (b->rtxn) {
		cache_txn_abort(b->rtxn);
		b->rtxn = NULL;
	}

	n0 = split_late(b, j->v, j->todo, j->ntodo);
	mark_texts(b, false);
	order_by_file(b, j->v, j->todo, n0);
	order_by_file(b, j->v, j->todo + n0, j->ntodo - n0);
	nagg = aggs_first(j->v, j->todo, n0);
	wj.todo = xcalloc(wave + nagg + 1, sizeof(*wj.todo));
	files = xcalloc(wave + 1, sizeof(*files));
	for (w = 0; w < j->ntodo && rc == DRV_EXIT_OK; w = end) {
		struct gen_job jw = *j;
		size_t lim = w < n0 ? n0 : j->ntodo;

		if (w == n0) {
			stores_join(b);
			rc = entities_done(b, j, &wj, nagg, &last, &pending);
			if (rc != DRV_EXIT_OK)
				break;
		}
		end = w + wave < lim ? w + wave : lim;
		jw.todo = j->todo + w;
		jw.ntodo = end - w;
		nf = wave_files(b, j->v, jw.todo, jw.ntodo, files);
		rc = reparse(b, files, nf, &trees);
		/*
		 * The last wave goes into the cache (one writer) on a lane
		 * of its own, beside this wave's making and writing and the
		 * next one's trees; the one before it is stored by then.
		 * With the store one more task of this wave's pool_for (as
		 * it was), the store was the wave's last task to end in
		 * most waves of components and pages, the other lane idle.
		 */
		if (pending)
			store_detach(b, &last);
		if (rc == DRV_EXIT_OK)
			pool_for(b->pool, jw.ntodo, gen_one, &jw);
		pending = false;
		tree_set_free(b, files, nf, &trees);
		drop_texts(b, files, nf);
		if (rc != DRV_EXIT_OK)
			break;
		write_wave(b, j, &wj, w, end);
		last.from = w;
		last.to = end;
		pending = true;
	}
	/* The last wave's store goes on beside the extras, the write and
	 * the state's making, until the commit (stores_join). */
	if (pending && rc == DRV_EXIT_OK)
		store_detach(b, &last);
	else
		stores_join(b);
	aggs_prepared(b);
	free(files);
	free(wj.todo);
	return rc;
}

/* Removes an output of the last build that this one does not make. */
static void
remove_stale(struct bld *b, const char *op, struct ptrvec *touched)
{
	drv_remove_output(b->out_dir, op);
	b->st->b.removed++;
	touch_dirs(b, touched, op);
	if (b->o->explain)
		fprintf(stderr, "explain: %s: removed (its declaration is "
			"gone)\n", op);
}

/*
 * The file list without a walk (watch): the last build's files, with
 * the changed ones stat'ed again (gone, new or changed). Same shape as
 * drv_walk_end's result.
 */
static void
files_from_changes(const struct bld *b, const struct drv_incr_opts *o,
		   struct drv_walk_ent **out, size_t *n, struct arena *a)
{
	const struct incr *prev = b->prev;
	const char **ch = xcalloc(o->nchanged + 1, sizeof(*ch));
	size_t nch = 0, i, j = 0, k = 0;
	struct drv_walk_ent *v;
	const char *prefix = drv_src_prefix(a, o->check->src_dir);

	for (i = 0; i < o->nchanged; i++) {
		size_t l = strlen(o->changed[i]);

		if (l > 6 && strcmp(o->changed[i] + l - 6, ".locus") == 0)
			ch[nch++] = o->changed[i];
	}
	qsort(ch, nch, sizeof(*ch), cmp_cstrp);
	for (i = j = 0; i < nch; i++)  /* a file named twice */
		if (!j || strcmp(ch[j - 1], ch[i]) != 0)
			ch[j++] = ch[i];
	nch = j;
	j = 0;
	v = xcalloc(prev->nfiles + nch + 1, sizeof(*v));
	for (i = 0; i < prev->nfiles || j < nch;) {
		int c = i == prev->nfiles ? 1
			: j == nch	  ? -1
					  : strcmp(prev->files[i].rel, ch[j]);
		struct stat st;
		const char *rel;

		if (c < 0) {
			const struct st_file *f = &prev->files[i++];

			drv_walk_spell(a, prefix, "", 0, f->rel, &v[k]);
			v[k].mtime_ns = f->mtime_ns;
			v[k].size = f->size;
			v[k].ino = f->ino;
			v[k].stat_ok = true;
			k++;
			continue;
		}
		rel = ch[j++];
		if (c == 0)
			i++;
		drv_walk_spell(a, prefix, "", 0, rel, &v[k]);
		if (stat(v[k].path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;  /* deleted */
		v[k].mtime_ns = mtime_of(&st);
		v[k].size = (uint64_t)st.st_size;
		v[k].ino = (uint64_t)st.st_ino;
		v[k].stat_ok = true;
		k++;
	}
	free(ch);
	*out = v;
	*n = k;
}

/*
 * The work of a build start that needs no source file: the previous
 * state (unless watch holds it), read on a lane beside the walk, and
 * the chunks of output folders it recorded, to be stat'ed after the
 * walk (dirs_now or dirs_late).
 */
struct prefetch {
	struct bld *b;
	bool load;
};

#define DIRS_PER_TASK 256

struct dir_chunk {
	struct bld *b;
	size_t from, to;
};

/*
 * The folders are in path order, so most share their parent with the one
 * before (the pages' folders all sit in one): each is stat'ed relative to
 * its parent, opened once, which spares the kernel the walk down the
 * whole path for every folder.
 */
static void
dir_chunk_run(void *arg, unsigned lane)
{
	struct dir_chunk *c = arg;
	struct bld *b = c->b;
	struct sbuf scratch;
	const char *parent = NULL;  /* of the folder fd is open on */
	size_t plen = 0, i;
	int fd = -1;

	(void)lane;
	sbuf_init(&scratch);
	for (i = c->from; i < c->to; i++) {
		const struct st_dir *d = &b->prev->dirs[i];
		const char *sl = strrchr(d->rel, '/');
		size_t dl = sl ? (size_t)(sl - d->rel) : 0;

		if (!sl) {  /* at the top: a short path anyway */
			b->dir_ok[i] = (signed char)dir_stat_matches(
				b->out_dir, d, &scratch);
			continue;
		}
		if (!parent || dl != plen || memcmp(parent, d->rel, dl) != 0) {
			if (fd >= 0)
				close(fd);
			scratch.len = 0;
			sbuf_printf(&scratch, "%s/%.*s", b->out_dir, (int)dl,
				    d->rel);
			fd = open(scratch.p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			parent = d->rel;
			plen = dl;
		}
		b->dir_ok[i] = (signed char)(fd >= 0 &&
					     dir_stat_at(fd, sl + 1, d));
	}
	for (i = c->from; i < c->to; i++)
		if (!b->dir_ok[i] && atomic_load(&b->part)) {
			start_rest(b);
			break;
		}
	if (fd >= 0)
		close(fd);
	sbuf_free(&scratch);
}

static void
prefetch_run(void *arg, unsigned lane)
{
	struct prefetch *f = arg;
	struct bld *b = f->b;
	size_t i, nd;

	(void)lane;
	if (f->load)
		b->prev = load_state(b);
	if (b->prev && !hash_eq(b->prev->g[G_COMPILER], compiler_id())) {
		drv_incr_free(b->prev);
		b->prev = NULL;
	}
	if (!b->prev)
		return;
	if (b->prev->partial) {
		if (!hash_eq(b->prev->g[G_CONFIG], b->cfgkey) ||
		    b->prev->nproj_diags)
			start_rest(b);
		else {
			atomic_store(&b->part, b->prev);
			if (atomic_load(&b->newest) >=
			    b->prev->built_ns - RACY_NS)
				start_rest(b);
		}
	}
	nd = b->prev->ndirs;
	b->dir_ok = xmalloc(nd + 1);
	if (b->o->trust_out && !f->load) {
		memset(b->dir_ok, 1, nd + 1);  /* checked by the caller */
		return;
	}
	b->dir_chunks = xcalloc(nd / DIRS_PER_TASK + 1,
				sizeof(*b->dir_chunks));
	for (i = 0; i < nd; i += DIRS_PER_TASK) {
		struct dir_chunk *c = &b->dir_chunks[i / DIRS_PER_TASK];

		c->b = b;
		c->from = i;
		c->to = i + DIRS_PER_TASK < nd ? i + DIRS_PER_TASK : nd;
	}
	b->ndir_chunks = (nd + DIRS_PER_TASK - 1) / DIRS_PER_TASK;
}

/*
 * The summaries of file fi's units from the cache's ir database: one
 * record per file content (a count, then a length and a summary per
 * unit), enough for the project check, which then need not parse the
 * file. False when there is none or it does not fit the file.
 */
static bool
summaries_from_cache(struct bld *b, struct cache_txn *t, size_t fi)
{
	const struct st_file *sf = &b->next->files[fi];
	struct arena *a;
	const unsigned char *q, *end;
	const void *v;
	size_t qn, k;
	uint32_t cnt, len;

	if (cache_ir_get(t, sf->content, compiler_id(), &v, &qn) != 0 ||
	    qn < 4)
		return false;
	q = v;
	end = q + qn;
	memcpy(&cnt, q, 4);
	q += 4;
	if (cnt != sf->n)
		return false;
	/* The file's own arena, as if the front end had made them (each
	 * lane loads other files). */
	if (!b->p->files[fi].arena)
		b->p->files[fi].arena = arena_new();
	a = b->p->files[fi].arena;
	for (k = 0; k < sf->n; k++) {
		struct unit_summary *sum;

		if ((size_t)(end - q) < 4)
			return false;
		memcpy(&len, q, 4);
		q += 4;
		if (len > (size_t)(end - q) ||
		    !(sum = sema_summary_read(q, len, a)))
			return false;
		q += len;
		b->p->units[sf->first + k].sum = sum;
	}
	return q == end;
}

/* Where a file's summaries are in this build (bld.sum_src). */
enum { SUM_NONE, SUM_ARENA, SUM_KEPT };

/*
 * Watch, after a good build: the summaries to keep for the next one,
 * from the first rebuild whose project check needed unread files'.
 * A file read this build (parsed, or its summaries read from the cache)
 * gives its arena to the new set; a file whose summaries were kept and
 * is unchanged passes its entry on. Entries of contents no file has now
 * are freed.
 */
static void
sums_keep(struct bld *b)
{
	struct sumcache *pc = b->prev ? b->prev->sums : NULL;
	struct sumcache *nc;
	size_t i, k;

	/* Only once a rebuild needed them: a session of body edits never
	 * checks the project again and keeps no summaries (80 MB at
	 * 10,000 files). */
	if (!pc && !b->sums_wanted)
		return;
	nc = xcalloc(1, sizeof(*nc));
	for (i = 0; i < b->p->nfiles; i++) {
		const struct st_file *sf = &b->next->files[i];
		struct drv_file *f = &b->p->files[i];
		struct sument e = { sf->content, NULL, NULL, (uint32_t)sf->n,
				    false };
		struct sument *pe;
		bool all = sf->n > 0 && f->arena;

		for (k = 0; all && k < sf->n; k++)
			all = b->p->units[sf->first + k].sum != NULL;
		if ((b->loaded[i] || b->sum_src[i] == SUM_ARENA) && all &&
		    !sc_find(nc, sf->content)) {
			e.a = f->arena;
			e.v = xcalloc(sf->n, sizeof(*e.v));
			for (k = 0; k < sf->n; k++)
				e.v[k] = b->p->units[sf->first + k].sum;
			sc_put(nc, e);
			f->arena = NULL;  /* the set's now; its diagnostics
					   * stay valid for the report */
			continue;
		}
		pe = sc_find(pc, sf->content);
		if (pe && !pe->moved && !sc_find(nc, sf->content)) {
			sc_put(nc, *pe);
			pe->moved = true;
		}
	}
	sc_free(pc);  /* what no file has now */
	if (b->prev)
		b->prev->sums = NULL;
	b->next->sums = nc;
}

/* summaries_load's work: files to look up, one read per lane. */
struct sum_load {
	struct bld *b;
	const uint32_t *todo;
	bool *ok;
	struct cache_txn *t[POOL_MAX_LANES];
	bool tried[POOL_MAX_LANES];
};

static void
sum_load_one(void *arg, size_t k, unsigned lane)
{
	struct sum_load *l = arg;

	if (!l->tried[lane]) {
		l->tried[lane] = true;
		if (cache_txn_begin(l->b->cache, false, &l->t[lane]) != 0)
			l->t[lane] = NULL;
	}
	l->ok[k] = l->t[lane] &&
		   summaries_from_cache(l->b, l->t[lane], l->todo[k]);
}

/*
 * The summaries of every file not loaded, from the cache on the lanes
 * (summaries_from_cache); the files without a record go to which[]
 * (room for every file) for the front end. Returns their number.
 */
static size_t
summaries_load(struct bld *b, uint32_t *which)
{
	struct sum_load l;
	size_t n = b->p->nfiles, i, k, nt = 0, nrest = 0;
	uint32_t *todo = xcalloc(n + 1, sizeof(*todo));

	memset(&l, 0, sizeof(l));
	for (i = 0; i < n; i++) {
		const struct st_file *sf = &b->next->files[i];
		const struct sument *e;

		if (b->loaded[i])
			continue;
		/* Watch: the summaries the last rebuilds kept. */
		e = sc_find(b->prev ? b->prev->sums : NULL, sf->content);
		if (e && e->n == sf->n) {
			for (k = 0; k < sf->n; k++)
				b->p->units[sf->first + k].sum = e->v[k];
			b->sum_src[i] = SUM_KEPT;
			b->st->summaries++;
			continue;
		}
		todo[nt++] = (uint32_t)i;
	}
	for (i = 0; i < n && !b->sums_wanted; i++)
		b->sums_wanted = !b->loaded[i];
	l.b = b;
	l.todo = todo;
	l.ok = xcalloc(nt + 1, sizeof(*l.ok));
	if (b->cache)
		pool_for(b->pool, nt, sum_load_one, &l);
	for (i = 0; i < POOL_MAX_LANES; i++)
		if (l.t[i])
			cache_txn_abort(l.t[i]);
	for (i = 0; i < nt; i++) {
		if (l.ok[i]) {
			b->st->summaries++;
			b->sum_src[todo[i]] = SUM_ARENA;
		} else {
			which[nrest++] = todo[i];
		}
	}
	free(l.ok);
	free(todo);
	return nrest;
}

/* The project check's diagnostics may point into files known only by
 * their summaries: the report needs their text. */
static void
texts_for_diags(struct bld *b)
{
	struct drv_project *p = b->p;
	size_t i, j;

	for (i = 0; i < p->diags.n; i++) {
		size_t df[2], nd = diag_files(p, &p->diags.v[i], df);

		for (j = 0; j < nd; j++) {
			struct drv_file *f = &p->files[df[j]];

			if (!f->text && !f->read_err)
				f->read_err = fs_read_file(f->path, &f->text,
							   &f->len);
		}
	}
}

/* Marks in want the files of the components sum uses whose trees are
 * not loaded. */
static void
want_components(struct bld *b, const struct unit_summary *sum, bool *want)
{
	const char **uses;
	size_t nuses = sema_summary_uses(sum, &uses), u, cu;

	for (u = 0; u < nuses; u++) {
		const struct cg_decl *c = cg_find_component(&b->m, uses[u]);

		if (!c || c->ast)
			continue;
		cu = unit_of_decl(b, c);
		if (cu != SIZE_MAX)
			want[b->p->units[cu].file] = true;
	}
	free(uses);
}

/* ---- aggregates from fragments ---- */

/*
 * The entities linked to each entity by a relation either way (its
 * relation targets, kept as the unit's refs, and the entities whose
 * targets name it), as entity indexes in name order: what a fragment
 * with cg_frags.neighbours reads besides its own tree. With the hashes
 * of those inputs that fragment keys take, made once for every
 * aggregate.
 */
struct links {
	size_t *first;              /* per entity, + 1 */
	size_t *v;
	struct hash128 *own;        /* per entity: its ehash, and whether
				     * each name its relations target is an
				     * entity */
	struct hash128 *nb;         /* per entity: the id of each linked
				     * entity */
	struct hash128 *id;         /* per entity: its name and ehash,
				     * hashed (read by its neighbours' nb,
				     * at random: one dense array) */
};

static size_t
entity_unit(const struct bld *b, size_t e)
{
	return b->unit_of[b->base_of[UNIT_ENTITY] + e];
}

/* Pairs of linked entities found by one lane. */
struct pairs {
	size_t *v;
	size_t n, cap;
};

/* Appends the pair (e, t) to the pairs arg. */
static void
pair_add(void *arg, size_t e, size_t t)
{
	struct pairs *pr = arg;

	if (pr->n + 2 > pr->cap) {
		pr->cap = pr->cap ? pr->cap * 2 : 64;
		pr->v = xrealloc(pr->v, pr->cap * sizeof(*pr->v));
	}
	pr->v[pr->n++] = e;
	pr->v[pr->n++] = t;
}

struct links_job {
	const struct bld *b;
	struct links *l;
	const size_t *rank;         /* entity -> its place in name order */
	struct pairs pairs[POOL_MAX_LANES];
	struct sbuf name[POOL_MAX_LANES];
};

/* Entity e's id (see struct links). */
static void
entity_id(const struct bld *b, size_t e, struct links *l)
{
	struct gkey h;

	gkey_init(&h);
	gkey_str(&h, b->m.entities[e].name);
	gkey_hash(&h, b->next->units[entity_unit(b, e)].ehash);
	l->id[e] = gkey_done(&h);
}

/* Entity e's id and own hash (see struct links). */
static void
entity_hashes(const struct bld *b, size_t e, struct sbuf *name,
	      struct links *l)
{
	const struct st_unit *u = &b->next->units[entity_unit(b, e)];
	const char *r = u->refs;
	struct gkey h;

	entity_id(b, e, l);
	gkey_init(&h);
	gkey_hash(&h, u->ehash);
	while (next_ref(&r, name)) {
		gkey_str(&h, name->p);
		gkey_add(&h, cg_find_entity(&b->m, name->p) ? "e" : "-", 1);
	}
	l->own[e] = gkey_done(&h);
}

/* A pair per relation target of entity e that is another entity, and
 * e's hashes. */
static void
links_own(void *arg, size_t e, unsigned lane)
{
	struct links_job *j = arg;
	const struct bld *b = j->b;
	const char *r = b->next->units[entity_unit(b, e)].refs;
	struct sbuf *name = &j->name[lane];
	struct pairs *pr = &j->pairs[lane];

	while (next_ref(&r, name)) {
		const struct cg_decl *t = cg_find_entity(&b->m, name->p);
		size_t te;

		if (t && (te = (size_t)(t - b->m.entities)) != e)
			pair_add(pr, e, te);
	}
	entity_hashes(b, e, name, j->l);
}

/* Entity e's links in name order, each once; then their hash. */
static void
links_nb(void *arg, size_t e, unsigned lane)
{
	struct links_job *j = arg;
	struct links *l = j->l;
	size_t *v = l->v + l->first[e], m = l->first[e + 1] - l->first[e];
	size_t i, k, w = 0;
	struct gkey h;

	(void)lane;
	for (i = 1; i < m; i++) {  /* a few each: insertion sort */
		size_t x = v[i];

		for (k = i; k > 0 && j->rank[v[k - 1]] > j->rank[x]; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
	/* Linked both ways, or by two relations: once. */
	for (i = 0; i < m; i++)
		if (!w || v[w - 1] != v[i])
			v[w++] = v[i];
	for (i = w; i < m; i++)
		v[i] = SIZE_MAX;
	gkey_init(&h);
	for (i = 0; i < w; i++)
		gkey_hash(&h, l->id[v[i]]);
	l->nb[e] = gkey_done(&h);
}

/* A few names, each with a number (open addressing; slot: number + 1,
 * or 0). */
struct nameset {
	size_t *slot;
	const char **name;
	uint32_t *h;
	size_t cap;
};

/* Room for n names. */
static void
nameset_init(struct nameset *s, size_t n)
{
	for (s->cap = 16; s->cap < n * 2; s->cap *= 2)
		;
	s->slot = xcalloc(s->cap, sizeof(*s->slot));
	s->name = xcalloc(s->cap, sizeof(*s->name));
	s->h = xcalloc(s->cap, sizeof(*s->h));
}

static void
nameset_put(struct nameset *s, const char *name, size_t id)
{
	uint32_t h = hash_str32(name, strlen(name));
	size_t j = h & (s->cap - 1);

	while (s->slot[j])
		j = (j + 1) & (s->cap - 1);
	s->slot[j] = id + 1;
	s->name[j] = name;
	s->h[j] = h;
}

/* The number of the name p[n] in s, or SIZE_MAX. */
static size_t
nameset_get(const struct nameset *s, const char *p, size_t n)
{
	uint32_t h = hash_str32(p, n);
	size_t j;

	for (j = h & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
		if (s->h[j] == h && strncmp(s->name[j], p, n) == 0 &&
		    !s->name[j][n])
			return s->slot[j] - 1;
	return SIZE_MAX;
}

static void
nameset_free(struct nameset *s)
{
	free(s->slot);
	free(s->name);
	free(s->h);
}

/* The entities e with want[e] (of ne), by name. */
static void
nameset_entities(struct nameset *s, const struct bld *b, const bool *want,
		 size_t ne)
{
	size_t e, n = 0;

	for (e = 0; e < ne; e++)
		n += want[e];
	nameset_init(s, n);
	for (e = 0; e < ne; e++)
		if (want[e])
			nameset_put(s, b->m.entities[e].name, e);
}

/* ctx_touched_make's units, on the lanes. */
struct touched_job {
	const struct incr *nx;
	const struct nameset *set;
	bool *t;
};

static void
touched_one(void *arg, size_t u, unsigned lane)
{
	struct touched_job *j = arg;
	const char *r = j->nx->units[u].refs, *nl;

	(void)lane;
	for (; r && *r && (nl = strchr(r, '\n')) != NULL; r = nl + 1)
		if (nameset_get(j->set, r, (size_t)(nl - r)) != SIZE_MAX) {
			j->t[u] = true;
			return;
		}
}

/* Whether unit u is a component whose interface moved since pv. */
static bool
iface_moved(const struct incr *nx, const struct incr *pv, size_t u)
{
	return nx->units[u].src.kind == UNIT_COMPONENT &&
	       !hash_eq(nx->units[u].iface, pv->units[u].iface);
}

/*
 * With the last build's model and a component's interface moved: per
 * unit, whether its refs name a component whose interface moved, hence
 * whether its context (ctx_of) may have moved (graph_inputs'
 * ctx_touched). Every view's context was made again before: at 10,000
 * files, 8,000 of them, 7-26 ms of a component's new param.
 */
static bool *
ctx_touched_make(const struct bld *b)
{
	const struct incr *nx = b->next, *pv = b->prev;
	bool *t = xcalloc(nx->nunits + 1, sizeof(*t));
	struct nameset set;
	struct touched_job j = { nx, &set, t };
	size_t u, n = 0;

	for (u = 0; u < nx->nunits; u++)
		n += iface_moved(nx, pv, u);
	nameset_init(&set, n);
	for (u = 0; n && u < nx->nunits; u++)
		if (iface_moved(nx, pv, u))
			nameset_put(&set, nx->units[u].name, u);
	if (n)  /* the units' refs on the lanes */
		pool_for(b->pool, nx->nunits, touched_one, &j);
	nameset_free(&set);
	return t;
}

struct named_job {
	const struct bld *b;
	const struct nameset *set;
	struct pairs pairs[POOL_MAX_LANES];
};

/* Entity x's refs that name an entity of the set (not x): a pair (that
 * entity, x) each. */
static void
named_one(void *arg, size_t x, unsigned lane)
{
	struct named_job *j = arg;
	const char *r = j->b->next->units[entity_unit(j->b, x)].refs, *nl;
	struct pairs *pr = &j->pairs[lane];

	for (; r && *r && (nl = strchr(r, '\n')) != NULL; r = nl + 1) {
		size_t e = nameset_get(j->set, r, (size_t)(nl - r));

		if (e != SIZE_MAX && e != x)
			pair_add(pr, e, x);
	}
}

/* The entities whose refs name one of want[] (on the lanes): pairs
 * (named, namer) in j->pairs. */
static void
named_by(const struct bld *b, const bool *want, struct named_job *j)
{
	struct nameset set;

	memset(j, 0, sizeof(*j));
	nameset_entities(&set, b, want, b->m.nentities);
	j->b = b;
	j->set = &set;
	pool_for(b->pool, b->m.nentities, named_one, j);
	j->set = NULL;
	nameset_free(&set);
}

/* Entity e's relation targets that are other entities (refs: the unit's
 * now, or the last build's), each to add(arg, e, target). */
static void
targets_of(const struct bld *b, size_t e, const char *refs,
	   struct sbuf *name, void (*add)(void *, size_t, size_t),
	   void *arg)
{
	while (next_ref(&refs, name)) {
		const struct cg_decl *t = cg_find_entity(&b->m, name->p);

		if (t && (size_t)(t - b->m.entities) != e)
			add(arg, e, (size_t)(t - b->m.entities));
	}
}

static void
mark_target(void *arg, size_t e, size_t t)
{
	(void)e;
	((bool *)arg)[t] = true;
}

/*
 * Of the last build's model (b->stable), the entities whose fragments
 * may have new keys, and the pairs of their links (in j->pairs), not
 * every entity's: some[] holds those whose ehash moved on entry; those
 * linked to one of them, now or in the last build (its targets then),
 * are added. Each one's links are its targets and the entities whose
 * refs name it, found in one pass over every entity's refs that looks
 * names up in a small table of theirs (nameset). Looking up every
 * name of every entity's refs in the model (30,000 at 10,000 files),
 * on the lanes, took 2-4 ms of an entity edit.
 */
static void
links_some(const struct bld *b, bool *some, struct links_job *j)
{
	size_t ne = b->m.nentities, e, i, k;
	bool *moved = xcalloc(ne + 1, sizeof(*moved));
	struct named_job nj;
	struct sbuf name;

	sbuf_init(&name);
	memcpy(moved, some, ne * sizeof(*some));
	named_by(b, moved, &nj);
	for (i = 0; i < POOL_MAX_LANES; i++) {
		for (k = 0; k < nj.pairs[i].n; k += 2)
			some[nj.pairs[i].v[k + 1]] = true;
		free(nj.pairs[i].v);
	}
	for (e = 0; e < ne; e++) {
		size_t u;

		if (!moved[e])
			continue;
		u = entity_unit(b, e);
		targets_of(b, e, b->next->units[u].refs, &name, mark_target,
			   some);
		targets_of(b, e, b->prev->units[u].refs, &name, mark_target,
			   some);
	}
	named_by(b, some, &nj);
	for (i = 0; i < POOL_MAX_LANES; i++)
		j->pairs[i] = nj.pairs[i];
	for (e = 0; e < ne; e++)
		if (some[e])
			targets_of(b, e, b->next->units[entity_unit(b, e)].refs,
				   &name, pair_add, &j->pairs[0]);
	sbuf_free(&name);
	free(moved);
}

/*
 * The links over b's entities, on the lanes; order is the entities in
 * name order (the aggregates' join order). With some (the last build's
 * model), the links and hashes only of those links_some marks in
 * some[] (their neighbours' ids too).
 */
static void
links_build(const struct bld *b, const size_t *order, struct links *l,
	    bool *some)
{
	size_t ne = b->m.nentities, e, k, i;
	struct links_job j;
	size_t *fill, *rank;

	memset(&j, 0, sizeof(j));
	rank = xcalloc(ne + 1, sizeof(*rank));
	for (k = 0; k < ne; k++)
		rank[order[k]] = k;
	j.b = b;
	j.l = l;
	j.rank = rank;
	l->first = xcalloc(ne + 2, sizeof(*l->first));
	l->own = xcalloc(ne + 1, sizeof(*l->own));
	l->nb = xcalloc(ne + 1, sizeof(*l->nb));
	l->id = xcalloc(ne + 1, sizeof(*l->id));
	if (some)
		links_some(b, some, &j);
	else
		pool_for(b->pool, ne, links_own, &j);
	for (i = 0; i < POOL_MAX_LANES; i++)
		for (k = 0; k < j.pairs[i].n; k++)
			l->first[j.pairs[i].v[k] + 1]++;
	for (e = 0; e < ne; e++)
		l->first[e + 1] += l->first[e];
	l->v = xcalloc(l->first[ne] + 1, sizeof(*l->v));
	fill = xcalloc(ne + 1, sizeof(*fill));
	for (i = 0; i < POOL_MAX_LANES; i++) {
		const size_t *pv = j.pairs[i].v;

		for (k = 0; k < j.pairs[i].n; k += 2) {
			l->v[l->first[pv[k]] + fill[pv[k]]++] = pv[k + 1];
			l->v[l->first[pv[k + 1]] + fill[pv[k + 1]]++] = pv[k];
		}
		free(j.pairs[i].v);
	}
	if (!some) {
		pool_for(b->pool, ne, links_nb, &j);
	} else {
		for (e = 0; e < ne; e++) {
			if (!some[e])
				continue;
			entity_hashes(b, e, &j.name[0], l);
			for (k = l->first[e]; k < l->first[e + 1]; k++)
				entity_id(b, l->v[k], l);
		}
		for (e = 0; e < ne; e++)
			if (some[e])
				links_nb(&j, e, 0);
	}
	for (i = 0; i < POOL_MAX_LANES; i++)
		sbuf_free(&j.name[i]);
	free(fill);
	free(rank);
}

static void
links_free(struct links *l)
{
	free(l->first);
	free(l->v);
	free(l->own);
	free(l->nb);
	free(l->id);
}

/*
 * Fragment e's key: the compiler, the config, the aggregate's emitter,
 * the entity's ehash, whether each name its relations target is an
 * entity, and with neighbours the name and ehash of each linked entity.
 */
static struct hash128
frag_key(const struct bld *b, const struct agg *a, const struct links *l,
	 size_t e)
{
	const struct incr *nx = b->next;
	struct gkey h;

	gkey_init(&h);
	gkey_add(&h, "frag", 4);
	gkey_add(&h, &a->x->o->emit_id, sizeof(a->x->o->emit_id));
	gkey_hash(&h, nx->g[G_COMPILER]);
	gkey_hash(&h, nx->g[G_CONFIG]);
	gkey_hash(&h, l->own[e]);
	if (a->f->neighbours)
		gkey_hash(&h, l->nb[e]);
	return gkey_done(&h);
}

/*
 * An aggregate's text is kept in the cache as runs of fragments, not as
 * one blob: a run is a blob (by its content hash) of the fragments of
 * entities next to each other in the text, the first run with the head
 * before them. A run starts at an entity whose name hashes to 0 mod
 * AGG_RUN (agg.run_start), so an edit of one entity's text moves its
 * run alone, and adding or deleting an entity at most two: at 10,000
 * files an entity's new field stores a run of each text (about 120 and
 * 60 KB) and their tables (160 KB each), not 11 MB. Each run is one
 * lookup when a text is read: runs of 32 entities (375 lookups for the
 * two texts) took 6 ms, mostly page faults on the map; runs of 128 (94
 * lookups) under 2 ms. A run whose
 * fragments' keys are those of a run of the last text (agg.oldruns) is
 * that run: neither hashed nor stored again.
 *
 * The `ir` database keeps, under the text's content hash, its table
 * ("fragment table"): the runs' hashes and lengths, then the head's
 * length and each fragment's key and length in text order. With it the
 * next build finds the fragments it still has with one lookup, not one
 * per fragment, and reads them in the cache's map; and a hit's text is
 * its runs (agg_text), in pieces (struct segs). The record,
 * little-endian: u32 runs, u32 fragments, u32 head length, then per run
 * its hash (lo, hi: u64 each) and u32 length, then per fragment its key
 * and u32 length.
 */
#define AGG_RUN 128
#define TAB_HEAD 12
#define TAB_REC (16 + 4)

struct fragtab {
	size_t nruns, nfrags, head;
	const unsigned char *runs;  /* nruns records */
	const unsigned char *frags; /* nfrags records */
};

static struct hash128
fragtab_key(struct hash128 content)
{
	struct gkey h;

	gkey_init(&h);
	gkey_add(&h, "fragtab", 7);
	gkey_hash(&h, content);
	return gkey_done(&h);
}

/* A table record: hash or key, then length. */
static void
tab_rec_put(unsigned char *p, struct hash128 h, size_t len)
{
	hash_put(p, h);
	le_put(p + 16, len, 4);
}

static size_t
tab_rec_len(const unsigned char *p)
{
	return (size_t)le_get(p + 16, 4);
}

static bool
tab_parse(const void *p, size_t n, struct fragtab *t)
{
	const unsigned char *r = p;

	if (n < TAB_HEAD)
		return false;
	t->nruns = (size_t)le_get(r, 4);
	t->nfrags = (size_t)le_get(r + 4, 4);
	t->head = (size_t)le_get(r + 8, 4);
	if (!t->nruns || n != TAB_HEAD + (t->nruns + t->nfrags) * TAB_REC)
		return false;
	t->runs = r + TAB_HEAD;
	t->frags = t->runs + t->nruns * TAB_REC;
	return true;
}

/* The table under an aggregate's content hash, with its runs' bytes
 * (in the cache's map) in run[] and lens[]; false when either is missing
 * or they do not agree. With stamp, the runs' stamps are touched; else
 * the caller does it once their bytes are read (runs_used): a stamp
 * read now maps the run's first pages on this thread. */
static bool
tab_load(struct cache_txn *txn, struct hash128 content, struct fragtab *t,
	 const char ***run, size_t **lens, bool stamp)
{
	const void *rec, *p;
	size_t rn, n, i;

	*run = NULL;
	*lens = NULL;
	if (!txn ||
	    cache_ir_get(txn, fragtab_key(content), compiler_id(), &rec,
			 &rn) != 0 ||
	    !tab_parse(rec, rn, t))
		return false;
	*run = xcalloc(t->nruns, sizeof(**run));
	*lens = xcalloc(t->nruns, sizeof(**lens));
	for (i = 0; i < t->nruns; i++) {
		const unsigned char *r = t->runs + i * TAB_REC;

		if ((stamp ? cache_blob_get(txn, hash_get(r), &p, &n)
			   : cache_blob_find(txn, hash_get(r), &p, &n)) != 0 ||
		    n != tab_rec_len(r))
			return false;
		(*run)[i] = p;
		(*lens)[i] = n;
	}
	return true;
}

/* A hit's text as its runs in the cache's map, into o, and its length;
 * false (o empty) when the cache has not all of it, or it is not the
 * text hashed to content. */
static bool
agg_text(struct cache_txn *txn, struct hash128 content, struct segs *o,
	 size_t *len)
{
	struct fragtab t;
	const char **run;
	size_t *lens, i;
	bool ok = tab_load(txn, content, &t, &run, &lens, true);

	for (i = 0; ok && i < t.nruns; i++)
		segs_add(o, run[i], lens[i], NULL);
	*len = o->len;
	if (ok)
		ok = hash_eq(segs_hash(o), content);
	if (!ok)
		segs_free(o);
	free(run);
	free(lens);
	return ok;
}

static int
cmp_oldrun(const void *a, const void *b)
{
	return cache_key_cmp(((const struct oldrun *)a)->sig,
			     ((const struct oldrun *)b)->sig);
}

/* The last text's run of the fragments joined at [k0, k), len bytes, if
 * it had one: the same keys make the same bytes. */
static const struct oldrun *
old_run(const struct agg *a, size_t k0, size_t k, size_t len)
{
	struct oldrun key;
	const struct oldrun *o;
	struct gkey h;

	if (!a->noldruns)
		return NULL;
	gkey_init(&h);
	for (; k0 < k; k0++)
		gkey_hash(&h, a->v[a->order[k0]].key);
	key.sig = gkey_done(&h);
	o = bsearch(&key, a->oldruns, a->noldruns, sizeof(*o), cmp_oldrun);
	return o && o->len == len ? o : NULL;
}

/* Stores x's text, an aggregate joined as runs (its pieces), and its
 * table (a transaction of the commit or of a wave's store). */
static int
agg_store(struct cache_txn *t, const struct out *x)
{
	const struct agg *a = x->agg;
	const struct segs *sg = x->seg;
	size_t r, k, size = TAB_HEAD + (sg->n + a->njoined) * TAB_REC;
	unsigned char *rec = xmalloc(size);
	int rc = 0;

	le_put(rec, sg->n, 4);
	le_put(rec + 4, a->njoined, 4);
	le_put(rec + 8, x->len - a->sum, 4);  /* the head */
	for (r = 0; r < sg->n && !rc; r++) {
		const struct oldrun *o = a->kept[r];
		const char *p = sg->v[r].iov_base;
		size_t n = sg->v[r].iov_len;
		struct hash128 h = o ? o->hash : hash_bytes(p ? p : "", n);

		tab_rec_put(rec + TAB_HEAD + r * TAB_REC, h, n);
		/* A run of the last text: in the cache (tab_load touched
		 * it). */
		if (!o)
			rc = cache_blob_put(t, h, p ? p : "", n);
	}
	for (k = 0; k < a->njoined; k++) {
		const struct frag *fr = &a->v[a->order[k]];

		tab_rec_put(rec + TAB_HEAD + (sg->n + k) * TAB_REC, fr->key,
			    fr->len);
	}
	if (!rc)
		rc = cache_ir_put(t, fragtab_key(x->content), compiler_id(),
				  rec, size);
	free(rec);
	return rc;
}

/* The last build's text of an aggregate as its fragments (by key): what
 * the next text copies from. */
struct oldtab {
	struct fragtab t;
	const char **at;            /* per fragment: its bytes */
	struct oldrun *runs;        /* but the first, by sig */
	size_t nruns;
	struct oldrun head;         /* the first */
	uint32_t *slot;             /* open addressing by key: index + 1 */
	size_t cap;
};

static void oldtab_free(struct oldtab *t);

/* Run r of the last text ends: its fragments' keys (sig) hashed, and
 * the run kept in t->runs unless it has the head. */
static void
oldtab_run_end(struct oldtab *t, size_t r, const char *bytes, size_t len,
	       struct gkey *sig)
{
	struct hash128 h = gkey_done(sig);
	struct oldrun *o = r == 0 ? &t->head : &t->runs[t->nruns++];

	o->sig = h;
	o->hash = hash_get(t->t.runs + r * TAB_REC);
	o->bytes = bytes;
	o->len = len;
}

/* The last build's table and text of a's output; false when either is
 * missing or they do not agree. */
static bool
oldtab_load(const struct bld *b, const struct agg *a, struct oldtab *t)
{
	const struct st_out *po = a->x->po;
	struct fragtab *ft = &t->t;
	const char **run;
	size_t *lens, r = 0, off, i;
	struct gkey sig;
	bool ok;

	memset(t, 0, sizeof(*t));
	gkey_init(&sig);
	if (!po)
		return false;
	ok = tab_load(b->rtxn, po->content, ft, &run, &lens, false) &&
	     ft->head <= lens[0];
	if (ok) {
		t->at = xcalloc(ft->nfrags + 1, sizeof(*t->at));
		t->runs = xcalloc(ft->nruns, sizeof(*t->runs));
	}
	/* Each fragment is in one run; runs follow each other. */
	for (off = ft->head, i = 0; ok && i <= ft->nfrags; i++) {
		size_t len = i < ft->nfrags
				 ? tab_rec_len(ft->frags + i * TAB_REC)
				 : 0;

		while ((len || i == ft->nfrags) && off == lens[r] &&
		       r + 1 < ft->nruns) {
			oldtab_run_end(t, r, run[r], lens[r], &sig);
			r++;
			off = 0;
		}
		if (i == ft->nfrags)
			break;
		if (len > lens[r] - off) {
			ok = false;
			break;
		}
		gkey_hash(&sig, hash_get(ft->frags + i * TAB_REC));
		t->at[i] = run[r] + off;
		off += len;
	}
	ok = ok && r + 1 == ft->nruns && off == lens[r];
	if (ok)
		oldtab_run_end(t, r, run[r], lens[r], &sig);
	gkey_done(&sig);  /* its buffer, when the table was wrong */
	free(run);
	free(lens);
	if (!ok) {
		oldtab_free(t);
		memset(t, 0, sizeof(*t));
		return false;
	}
	qsort(t->runs, t->nruns, sizeof(*t->runs), cmp_oldrun);
	for (t->cap = 16; t->cap < ft->nfrags * 2; t->cap *= 2)
		;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	for (i = 0; i < ft->nfrags; i++) {
		size_t j = (size_t)hash_get(ft->frags + i * TAB_REC).lo &
			   (t->cap - 1);

		while (t->slot[j])
			j = (j + 1) & (t->cap - 1);
		t->slot[j] = (uint32_t)i + 1;
	}
	return true;
}

/* The bytes of the fragment with key k in the last text, if it has one. */
static bool
oldtab_get(const struct oldtab *t, struct hash128 k, struct frag *fr)
{
	size_t j;

	if (!t->slot)
		return false;
	for (j = (size_t)k.lo & (t->cap - 1); t->slot[j];
	     j = (j + 1) & (t->cap - 1)) {
		const unsigned char *rec = t->t.frags + (t->slot[j] - 1) *
							    TAB_REC;

		if (!hash_eq(hash_get(rec), k))
			continue;
		fr->bytes = t->at[t->slot[j] - 1];
		fr->len = tab_rec_len(rec);
		return true;
	}
	return false;
}

static void
oldtab_free(struct oldtab *t)
{
	free(t->at);
	free(t->runs);
	free(t->slot);
}

/* Fragment keys on the lanes, each looked up in the last text. */
struct key_job {
	const struct bld *b;
	struct agg *a;
	const struct links *l;
	const struct oldtab *ot;
};

static void
key_one(void *arg, size_t e, unsigned lane)
{
	struct key_job *j = arg;
	struct frag *fr = &j->a->v[e];

	(void)lane;
	fr->key = frag_key(j->b, j->a, j->l, e);
	fr->made = !oldtab_get(j->ot, fr->key, fr);
}

/* The entities in name order (the joins' order), and where runs start. */
static void
order_run(void *arg, unsigned lane)
{
	struct bld *b = arg;
	size_t e, ne = b->m.nentities;

	(void)lane;
	for (e = 0; e < ne; e++)
		b->by_name[e] = e;
	cg_sort_by_name(b->m.entities, b->by_name, ne);
	for (e = 0; e < ne; e++) {
		const char *nm = b->m.entities[e].name;

		b->run_start[e] = hash_str32(nm, strlen(nm)) % AGG_RUN == 0;
	}
}

/* The fragments of x's aggregate, when x is an aggregate to make again,
 * else NULL. */
static const struct cg_frags *
missed_frags(const struct out *x)
{
	return x->state == OUT_MISS && x->o ? cg_frags_of(x->o->emit) : NULL;
}

/*
 * The aggregates among the misses (of the outputs ov[act[k]]; fragments
 * kept per entity): each fragment's key, its bytes when the cache has
 * them, and in want (per file) the files whose trees the other
 * fragments need. Returns the aggregates (*nag of them), NULL when
 * there are none.
 */
static struct agg *
aggs_plan(struct bld *b, struct out *ov, const size_t *act, size_t nact,
	  bool *want, size_t *nag)
{
	struct agg *ag;
	struct links l = { 0 };
	struct oldtab *ots;
	bool *some = NULL, from_last;
	size_t i, e, k, ne = b->m.nentities, n = 0;

	*nag = 0;
	/* A handful among 30,000 outputs: counted first, for an array of
	 * that many (one per output was 4.8 MB calloc cleared). */
	for (k = 0; k < nact; k++)
		n += missed_frags(&ov[act[k]]) != NULL;
	if (!n)
		return NULL;
	ag = xcalloc(n, sizeof(*ag));
	b->by_name = xcalloc(ne + 1, sizeof(*b->by_name));
	b->run_start = xcalloc(ne + 1, sizeof(*b->run_start));
	for (k = 0; k < nact; k++) {
		const struct cg_frags *f = missed_frags(&ov[act[k]]);
		struct agg *a;

		i = act[k];
		if (!f)
			continue;
		a = &ag[(*nag)++];
		a->x = &ov[i];
		a->f = f;
		a->n = ne;
		a->v = xcalloc(ne + 1, sizeof(*a->v));
		ov[i].agg = a;
		a->run_start = b->run_start;
	}
	/* The join order on a lane, beside the reads of the last texts'
	 * tables. */
	pool_submit(b->pool, order_run, b);
	/* The last texts; with the last build's model, each fragment of
	 * an entity whose inputs (ehash, and its neighbours') are as they
	 * were is the one in the same place of the last text, under the
	 * key it has there: only the others' keys are made. */
	ots = xcalloc(*nag, sizeof(*ots));
	from_last = b->stable && b->prev;
	for (i = 0; i < *nag; i++)
		from_last = oldtab_load(b, &ag[i], &ots[i]) &&
			    ots[i].t.nfrags == ne && from_last;
	pool_wait(b->pool);
	if (from_last) {
		size_t nmoved = 0;

		some = xcalloc(ne + 1, sizeof(*some));
		for (e = 0; e < ne; e++) {
			size_t u = entity_unit(b, e);

			if (!hash_eq(b->next->units[u].ehash,
				     b->prev->units[u].ehash)) {
				some[e] = true;
				nmoved++;
			}
		}
		if (nmoved > ne / 8) {  /* most of them: on the lanes */
			free(some);
			some = NULL;
		}
	}
	links_build(b, b->by_name, &l, some);
	for (i = 0; i < *nag; i++) {
		struct agg *a = &ag[i];
		struct oldtab *ot = &ots[i];
		struct key_job kj = { b, a, &l, ot };

		a->order = xcalloc(ne + 1, sizeof(*a->order));
		if (!some)
			pool_for(b->pool, ne, key_one, &kj);
		for (k = 0; some && k < ne; k++) {
			const unsigned char *rec = ot->t.frags + k * TAB_REC;
			struct frag *fr = &a->v[b->by_name[k]];

			if (some[b->by_name[k]]) {
				key_one(&kj, b->by_name[k], 0);
				continue;
			}
			fr->key = hash_get(rec);
			fr->bytes = ot->at[k];
			fr->len = tab_rec_len(rec);
		}
		for (e = 0; e < ne; e++) {
			if (!a->v[e].made)
				continue;
			a->nmade++;
			want[b->p->units[entity_unit(b, e)].file] = true;
			for (k = l.first[e]; a->f->neighbours &&
			     k < l.first[e + 1] && l.v[k] != SIZE_MAX; k++)
				want[b->p->units[entity_unit(b, l.v[k])].file] =
					true;
		}
		a->oldruns = ot->runs;
		a->noldruns = ot->nruns;
		a->oldhead = ot->head;
		ot->runs = NULL;
		oldtab_free(ot);
	}
	free(ots);
	free(some);
	links_free(&l);
	return ag;
}

struct frag_job {
	const struct cg_model *m;
	struct agg *a;
	size_t *todo;               /* entities */
	size_t ntodo;
	struct drv_trace *trace;
};

static void
frag_one(void *arg, size_t k, unsigned lane)
{
	struct frag_job *j = arg;
	struct agg *a = j->a;
	size_t e = j->todo[k];
	struct frag *fr = &a->v[e];
	uint64_t t0 = base_now_ns();

	sbuf_init(&fr->buf);
	a->f->frag(j->m, a->ctx, e, &fr->buf);
	fr->bytes = fr->buf.p ? fr->buf.p : "";
	fr->len = fr->buf.len;
	drv_trace_span(j->trace, lane, "fragment", j->m->entities[e].name, t0,
		       base_now_ns());
}

/*
 * The fragments a join needs are made FRAG_BATCH at a time on the lanes,
 * in the join's order, just before they are joined, and freed once
 * joined: a cold build holds a batch of them, not all of them (20 MB at
 * 10,000 files).
 */
#define FRAG_BATCH 512

struct join_job {
	struct bld *b;
	struct agg *a;
	size_t ready;               /* order[0..ready) made */
	struct frag_job fj;
	pool_fn side;               /* run beside the first batch, or NULL */
	void *side_arg;
	size_t k0;                  /* the run being joined: a->order[k0..] */
	size_t len;                 /* its bytes (not the first's) */
	bool first;                 /* it is the first: the head and its
				     * fragments, copied into the join's
				     * buffer as they come */
};

/*
 * The run being joined ends: a piece of the text. The first is the
 * join's buffer; a run whose fragments are those of a run of the last
 * text is that run, in the cache's map; another is copied together
 * from its fragments. Their buffers (those made now) are let go.
 */
static void
run_end(struct join_job *jj, struct sbuf *o)
{
	struct agg *a = jj->a;
	struct segs *sg = seg_of(a->x);
	const struct oldrun *old = NULL;
	size_t k, at = 0;
	char *p, *own;

	if (jj->first) {
		segs_add(sg, o->p ? o->p : "", o->len, o->p);
		sbuf_init(o);
		jj->first = false;
	} else if ((old = old_run(a, jj->k0, a->njoined, jj->len)) != NULL) {
		segs_add(sg, old->bytes, old->len, NULL);
	} else {
		p = segs_room(sg, jj->len, &own);
		for (k = jj->k0; k < a->njoined; k++) {
			const struct frag *fr = &a->v[a->order[k]];

			if (fr->len)
				memcpy(p + at, fr->bytes, fr->len);
			at += fr->len;
		}
		segs_add(sg, p, jj->len, own);
	}
	a->kept[sg->n - 1] = old;
	/* Joined: not read again (agg_store wants keys and lengths). */
	for (k = jj->k0; k < a->njoined; k++) {
		struct frag *fr = &a->v[a->order[k]];

		sbuf_free(&fr->buf);
		fr->bytes = NULL;
	}
	jj->k0 = a->njoined;
	jj->len = 0;
}

/* cg_frags_join's piece: a fragment made (a batch at a time) or kept
 * from the last text, in its run (AGG_RUN). */
static void
join_piece(void *arg, const size_t *order, size_t k, struct sbuf *o)
{
	struct join_job *jj = arg;
	struct agg *a = jj->a;
	struct frag *fr = &a->v[order[k]];

	if (k > 0 && a->run_start[order[k]])
		run_end(jj, o);
	if (k >= jj->ready) {
		size_t end = k + FRAG_BATCH < a->n ? k + FRAG_BATCH : a->n;
		size_t i;

		jj->fj.ntodo = 0;
		for (i = k; i < end; i++)
			if (a->v[order[i]].made)
				jj->fj.todo[jj->fj.ntodo++] = order[i];
		pool_for_beside(jj->b->pool, jj->fj.ntodo, frag_one, &jj->fj,
				jj->side, jj->side_arg);
		jj->side = NULL;
		jj->ready = end;
	}
	a->order[a->njoined++] = (uint32_t)order[k];
	a->sum += fr->len;
	if (!jj->first) {
		jj->len += fr->len;  /* copied, or not, at the run's end */
		return;
	}
	sbuf_add(o, fr->bytes, fr->len);
	sbuf_free(&fr->buf);
	fr->bytes = NULL;
}

/* Aggregate i's content hash, once it is joined (a pool_for item). */
static void
agg_hash(void *arg, size_t i, unsigned lane)
{
	struct bld *b = arg;
	struct out *o = b->aggs[i].x;
	uint64_t t0 = base_now_ns();

	o->content = segs_hash(seg_of(o));
	drv_trace_span(b->o->check->trace, lane, "hash", o->path, t0,
		       base_now_ns());
}

/* Joins the aggregates, making the fragments the last text did not have
 * (their trees are loaded, gen_one prepared their contexts), with
 * side(side_arg) run beside the first fragments (or beside their
 * hashes). */
static void
aggs_join(struct bld *b, struct progress *progress, pool_fn side,
	  void *side_arg)
{
	struct drv_trace *trace = b->o->check->trace;
	size_t i, e;

	aggs_prepared(b);
	for (i = 0; i < b->naggs; i++) {
		struct agg *a = &b->aggs[i];
		struct out *o = a->x;
		struct join_job jj = { b, a, 0, { &b->m, a, NULL, 0, trace },
				       side, side_arg, 0, 0, true };
		struct segs *sg = seg_of(o);
		size_t sum = 4096;
		uint64_t t0 = base_now_ns();

		jj.fj.todo = xcalloc(FRAG_BATCH + 1, sizeof(*jj.fj.todo));
		a->kept = xcalloc(a->n + 2, sizeof(*a->kept));
		/* Most fragments made (a cold build): the runs are copied
		 * into room for megabytes, on huge pages (xbig); on 4 KB
		 * pages they were 2,700 faults. The estimate: as long as
		 * the kept fragments, twice, per fragment to make. */
		if (a->nmade * 2 > a->n) {
			for (e = 0; e < a->n; e++)
				sum += a->v[e].len;
			if (a->nmade < a->n)
				sum += a->nmade * 2 *
				       (sum / (a->n - a->nmade) + 1);
			else  /* a schema's are about 4 KB */
				sum = (size_t)a->n * 8192;
			sg->room = xbig(sum, 1, false);
			sg->room_cap = sum;
		}
		sbuf_init(&o->buf);
		cg_frags_join(a->f, &b->m, b->by_name, join_piece, &jj,
			      &o->buf);
		run_end(&jj, &o->buf);
		side = jj.side;
		free(jj.fj.todo);
		if (a->ctx && a->f->release)
			a->f->release(a->ctx);
		a->ctx = NULL;
		o->bytes = NULL;
		o->len = sg->len;
		drv_trace_span(trace, 0, "generate", o->path, t0,
			       base_now_ns());
		progress_tick(progress, 0, 1);
	}
	/* Their hashes on the lanes, one each (the schema's 7.4 MB and
	 * entities.ts' 3.6 MB at 10,000 files, which map the last texts'
	 * runs as they read them): before, one after the other here. */
	if (b->naggs)
		pool_for_each1_beside(b->pool, b->naggs, agg_hash, b, side,
				      side_arg);
	else if (side)
		side(side_arg, 0);
}

/* The stamps of the last texts' runs the aggregates were joined from,
 * which oldtab_load's tab_load left: read once the write has mapped
 * their pages (and while the read transaction holds them). */
static void
runs_used(const struct bld *b)
{
	size_t i, r;

	for (i = 0; b->cache && i < b->naggs; i++) {
		const struct agg *a = &b->aggs[i];

		if (a->oldhead.bytes)
			cache_blob_used(b->cache, a->oldhead.hash,
					a->oldhead.bytes);
		for (r = 0; r < a->noldruns; r++)
			cache_blob_used(b->cache, a->oldruns[r].hash,
					a->oldruns[r].bytes);
	}
}

static void
aggs_free(struct agg *ag, size_t nag)
{
	size_t i, e;

	for (i = 0; i < nag; i++) {
		for (e = 0; e < ag[i].n; e++)
			sbuf_free(&ag[i].v[e].buf);
		free(ag[i].v);
		free(ag[i].order);
		free(ag[i].oldruns);
		free(ag[i].kept);
	}
	free(ag);
}

/*
 * The trees the misses (among ov[act[k]]) need, parsed now: each
 * OWN/VIEW miss's own unit, every unit of a kind an aggregate miss reads
 * (entities, design, workflows), then the components the views use. A
 * file the front end kept no trees of (treeless) has them made again,
 * now, or, when the misses are made in waves (b->stream), by its wave
 * in gen_waves. which has room for every file. DRV_EXIT_IO when a file
 * changed since the scan.
 */
static int
load_trees(struct bld *b, const struct out *ov, const size_t *act,
	   size_t nact, const bool *want_extra, uint32_t *which)
{
	struct drv_project *p = b->p;
	const struct incr *next = b->next;
	struct drv_incr_stats *st = b->st;
	size_t n = p->nfiles, i, k;
	int rc = DRV_EXIT_OK;
	bool need_kind[UNIT_KIND_COUNT] = { 0 };
	bool *want = xcalloc(n + 1, sizeof(*want));
	size_t nload = 0, pass, m, nmiss = 0;
	size_t *miss = xcalloc(nact + 1, sizeof(*miss));

	for (i = 0; i < nact; i++)
		if (ov[act[i]].state == OUT_MISS)
			miss[nmiss++] = act[i];
	for (pass = 0; pass < 2; pass++) {
		for (m = 0; m < nmiss; m++) {
			const struct out *x = &ov[miss[m]];
			const struct cg_output *co = x->o;

			/* An aggregate from fragments: want_extra says. */
			switch (x->agg ? CG_DEP_NONE : co->dep) {
			case CG_DEP_ENTITY:
				need_kind[UNIT_ENTITY] = true;
				break;
			case CG_DEP_DESIGN:
				need_kind[UNIT_DESIGN] = true;
				break;
			case CG_DEP_WORKFLOW:
				need_kind[UNIT_WORKFLOW] = true;
				break;
			default:
				break;
			}
			if (co->dep != CG_DEP_OWN && co->dep != CG_DEP_VIEW)
				continue;
			if (pass == 0 || co->dep != CG_DEP_VIEW)
				continue;
			/* The components it uses (pass 1: own units are
			 * loaded, their summaries known). */
			if (p->units[x->unit].sum)
				want_components(b, p->units[x->unit].sum,
						want);
		}
		if (pass == 0) {
			/* Own units of OWN/VIEW misses, every unit
			 * of the kinds needed. */
			for (m = 0; m < nmiss; m++) {
				const struct out *x = &ov[miss[m]];

				if (x->o->dep == CG_DEP_OWN ||
				    x->o->dep == CG_DEP_VIEW)
					want[p->units[x->unit].file] = true;
			}
			for (i = 0; i < p->nunits && (need_kind[UNIT_ENTITY] ||
							need_kind[UNIT_DESIGN] ||
							need_kind[UNIT_WORKFLOW]);
			     i++)
				if (need_kind[next->units[i].src.kind])
					want[p->units[i].file] = true;
			for (i = 0; want_extra && i < n; i++)
				want[i] |= want_extra[i];
		}
		nload = 0;
		for (i = 0; i < n; i++)
			if (want[i] && !b->loaded[i])
				which[nload++] = (uint32_t)i;
		front(b, which, nload, false);
		attach_loaded(b, which, nload);
		st->files_read += nload;
		/* A file that changed since it was scanned: its
		 * units no longer match the records. */
		for (i = 0; i < nload; i++) {
			size_t fi = which[i];

			if (b->nfunits[fi] != next->files[fi].n ||
			    p->files[fi].read_err ||
			    !hash_eq(hash_bytes(p->files[fi].text,
						p->files[fi].len),
				     next->files[fi].content)) {
				fprintf(stderr,
					"locusc: error: '%s' changed "
					"during the build; run it "
					"again\n", p->files[fi].path);
				rc = DRV_EXIT_IO;
			}
			for (k = 0; k < b->nfunits[fi]; k++)
				if (b->funits[fi][k].diags.errors)
					rc = DRV_EXIT_IO;
		}
	}
	for (i = 0; i < n && !b->stream && rc == DRV_EXIT_OK; i++)
		if (want[i] && b->treeless[i]) {
			b->kept_files[b->nkept++] = (uint32_t)i;
			b->treeless[i] = false;
		}
	if (rc == DRV_EXIT_OK)
		rc = reparse(b, b->kept_files, b->nkept, &b->kept_trees);
	free(want);
	free(miss);
	return rc;
}

static int
sink_fd(void *arg, const void *p, size_t n)
{
	return drv_write_all(*(const int *)arg, p, n);
}

/* Whether the file at path has content h (read only when a folder is
 * not trusted). */
static bool
file_has(const char *path, struct hash128 h)
{
	char *text;
	size_t len;
	bool same;

	if (fs_read_file(path, &text, &len) != 0)
		return false;
	same = hash_eq(hash_bytes(text, len), h);
	free(text);
	return same;
}

/*
 * The manifest of a build whose state is not kept (not watch): streamed
 * to its temporary file, never whole in memory (3 MB at 10,000 files,
 * most of the cost of an edit's generate phase when it was). Removed
 * again when the disk has the same text. Its content, as the state
 * records it, is its tree hash T (which names the text).
 */
static void
stream_manifest(struct bld *b, struct out *x, const char *const *mp,
		const struct hash128 *mh, size_t nm)
{
	char *path = drv_join(b->out_dir, x->path);
	const struct st_out *po = find_out(b->prev, x->path);
	struct hash128 bytes = { 0 };
	int fd, e;

	x->state = OUT_MISS;
	x->streamed = true;
	fd = drv_open_temp(path, &x->tmp, &x->err);
	if (fd >= 0) {
		e = cg_manifest_stream(mp, mh, nm, &b->next->mpaths, sink_fd,
				       &fd, &x->content, &bytes);
		x->err = drv_close_temp(fd, x->tmp, e);
		if (x->err)
			x->tmp = NULL;
	}
	if (x->tmp && ((x->trusted && po && hash_eq(po->content, x->content)) ||
		       (!x->trusted && file_has(path, bytes)))) {
		unlink(x->tmp);
		free(x->tmp);
		x->tmp = NULL;
		x->unchanged = true;
	}
	free(path);
}

static int
pwrite_all(int fd, const char *p, size_t n, size_t at)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, (off_t)at);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		at += (size_t)w;
		n -= (size_t)w;
	}
	return 0;
}

/* n bytes of in from its start to out (a new file). 0 or an errno. */
static int
copy_file(int in, int out, size_t n)
{
	loff_t a = 0, b = 0;
	char buf[65536];

	while (n > 0) {
		ssize_t c = copy_file_range(in, &a, out, &b, n, 0);

		if (c > 0) {
			n -= (size_t)c;
			continue;
		}
		if (c < 0 && errno == EINTR)
			continue;
		if (c == 0 || (errno != EXDEV && errno != ENOSYS &&
			       errno != EINVAL && errno != EOPNOTSUPP))
			return c == 0 ? EIO : errno;
		/* No copy in the kernel here: read and write. */
		while (n > 0) {
			size_t want = n < sizeof(buf) ? n : sizeof(buf);
			ssize_t r = pread(in, buf, want, a);
			int e;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return r == 0 ? EIO : errno;
			if ((e = pwrite_all(out, buf, (size_t)r,
					    (size_t)b)) != 0)
				return e;
			a += r;
			b += r;
			n -= (size_t)r;
		}
	}
	return 0;
}

/*
 * The manifest of a one-shot build whose list of paths is the last
 * build's, in a folder as the last build left it: the last text copied
 * (in the kernel when it can) into the temporary file, and the hex
 * digits of the files whose content moved and of T written over it. An
 * edit at 10,000 files made and wrote 3 MB of text for it (5-6 ms, a
 * tenth of the edit). old[k] is what the last build recorded for
 * mp[k]. False, with nothing left behind, when the last text is not
 * the length this list makes (then the caller streams it anew).
 */
static bool
patch_manifest(struct bld *b, struct out *x, const char *const *mp,
	       const struct hash128 *mh, const struct hash128 *old, size_t nm)
{
	size_t *at = xcalloc(nm + 1, sizeof(*at)), tree_at, len, k;
	char *path = drv_join(b->out_dir, x->path), hex[33];
	struct hash128 tree;
	struct stat st;
	int in = -1, out, e;
	bool ok = false, reused = false;

	if (!cg_manifest_layout(mp, nm, at, &tree_at, &len))
		goto done;
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len)
		goto done;
	x->spare = b->spares.dir && len >= b->spares.min;
	out = x->spare ? spare_open(&b->spares, path, x->path, &x->tmp, &e,
				    &reused)
		       : drv_open_temp(path, &x->tmp, &e);
	if (out < 0)
		goto done;
	e = copy_file(in, out, len);
	for (k = 0; k < nm && !e; k++)
		if (!hash_eq(mh[k], old[k])) {
			hash_hex(mh[k], hex);
			e = pwrite_all(out, hex, 32, at[k]);
		}
	tree = cg_manifest_tree(b->next->mpaths, mh, nm);
	hash_hex(tree, hex);
	if (!e)
		e = pwrite_all(out, hex, 32, tree_at);
	if (spare_close(out, x->tmp, e, reused, len) != 0) {
		x->tmp = NULL;  /* removed and freed */
		goto done;
	}
	x->content = tree;
	x->len = len;  /* (for hold_old) */
	x->state = OUT_MISS;
	x->streamed = true;
	ok = true;
done:
	if (in >= 0)
		close(in);
	free(at);
	free(path);
	return ok;
}

/* The manifest job's text to its temporary file: the last text patched
 * when it is on disk as the last build left it, for the same paths;
 * else streamed anew. */
static void
manifest_run(void *arg, unsigned lane)
{
	struct man_job *mj = arg;

	(void)lane;
	if (!(mj->patch && patch_manifest(mj->b, mj->x, mj->mp, mj->mh,
					  mj->old, mj->nm)))
		stream_manifest(mj->b, mj->x, mj->mp, mj->mh, mj->nm);
}

static void
man_job_free(struct man_job *mj)
{
	free(mj->mp);
	free(mj->mh);
	free(mj->old);
	memset(mj, 0, sizeof(*mj));
}

/*
 * The outputs made from all the others, appended to ov: the warnings
 * files (when the plan has warnings), then the manifest over every
 * output's (path, content) — patched when the last one is in memory with
 * the same paths (watch), else made again (streamed to disk when the
 * state is not kept), kept when its key (path list, contents) is the
 * last one's. Clears *nothing when one of them changes.
 */
static void
make_extras(struct bld *b, const struct cg_plan *plan, struct out *ov,
	    size_t *nov, bool stable, bool *nothing, struct sbuf *scratch)
{
	struct incr *next = b->next;
	size_t i, k;
	struct sbuf wj, wt;
	struct cg_manifest *man;
	const char **mp = xcalloc(*nov + 4, sizeof(*mp));
	struct hash128 *mh = xcalloc(*nov + 4, sizeof(*mh));
	struct hash128 *old = xcalloc(*nov + 4, sizeof(*old));  /* recorded */
	size_t nm = 0, e, job = SIZE_MAX;
	struct out extra[3];
	size_t nextra = 0;

	memset(extra, 0, sizeof(extra));
	if (plan->nwarnings) {
		sbuf_init(&wj);
		cg_emit_warnings_json(plan, &wj);
		extra[nextra].path = "GENERATED_WARNINGS.json";
		extra[nextra].state = OUT_MISS;
		extra[nextra++].buf = wj;
		sbuf_init(&wt);
		cg_emit_warnings_txt(plan, &wt);
		extra[nextra].path = "GENERATED_WARNINGS.txt";
		extra[nextra].state = OUT_MISS;
		extra[nextra++].buf = wt;
	}
	for (e = 0; e < nextra; e++) {
		extra[e].bytes = extra[e].buf.p;
		extra[e].len = extra[e].buf.len;
		extra[e].content = hash_bytes(extra[e].bytes,
					      extra[e].len);
	}
	for (i = 0; i < *nov; i++) {
		if (ov[i].state == OUT_ABSENT ||
		    (ov[i].o->flags & CG_IF_ABSENT))
			continue;
		mp[nm] = ov[i].path;
		if (ov[i].po)
			old[nm] = ov[i].po->content;
		mh[nm++] = ov[i].content;
	}
	for (e = 0; e < nextra; e++) {
		const struct st_out *po = find_out(b->prev, extra[e].path);

		for (k = nm; k > 0 && strcmp(mp[k - 1],
					     extra[e].path) > 0; k--) {
			mp[k] = mp[k - 1];
			mh[k] = mh[k - 1];
			old[k] = old[k - 1];
		}
		mp[k] = extra[e].path;
		mh[k] = extra[e].content;
		memset(&old[k], 0, sizeof(old[k]));
		if (po)
			old[k] = po->content;
		nm++;
	}
	/* The manifest is a function of (path, content) pairs: of
	 * the list of paths (the last one's when the plan is) and
	 * of the contents. */
	{
		struct gkey h;
		const struct st_out *po;

		gkey_init(&h);
		next->mpaths = stable ? b->prev->mpaths
				      : cg_manifest_paths_hash(mp, nm);
		gkey_hash(&h, next->mpaths);
		gkey_hash(&h, hash_bytes(mh, nm * sizeof(*mh)));
		extra[nextra].path = "BUILD_MANIFEST.json";
		extra[nextra].key = gkey_done(&h);
		po = find_out(b->prev, "BUILD_MANIFEST.json");
		extra[nextra].trusted = dir_trusted(b, "", scratch);
		/* The last manifest in memory (watch), for the
		 * same list of paths: patched, not made again. */
		man = b->prev && b->prev->man &&
				      hash_eq(b->prev->man->paths_key,
					      next->mpaths) &&
				      b->prev->man->n == nm
			      ? b->prev->man : NULL;
		if (man)
			b->prev->man = NULL;
		if (po && hash_eq(po->key, extra[nextra].key) &&
		    extra[nextra].trusted) {
			extra[nextra].state = OUT_CLEAN;
			extra[nextra].content = po->content;
		} else if (!b->keep) {
			/* Its text is written by manifest_run, beside the
			 * other outputs' writes; its content, T, is the
			 * tree hash of the lists. */
			struct man_job *mj = &b->man;

			mj->b = b;
			mj->mp = mp;
			mj->mh = mh;
			mj->old = old;
			mj->nm = nm;
			mj->patch = stable && po && extra[nextra].trusted;
			mp = NULL;
			mh = NULL;
			old = NULL;
			job = nextra;
			extra[nextra].content = cg_manifest_tree(
			    next->mpaths, mj->mh, nm);
			extra[nextra].state = OUT_MISS;
			extra[nextra].streamed = true;
		} else {
			if (man) {
				cg_manifest_patch(man, mh);
			} else {
				man = xmalloc(sizeof(*man));
				cg_manifest_build(man, mp, mh, nm);
				man->paths_key = next->mpaths;
			}
			extra[nextra].bytes = man->text.p;
			extra[nextra].len = man->text.len;
			extra[nextra].content = man->tree;
			extra[nextra].state = OUT_MISS;
		}
		next->man = man;
		nextra++;
	}
	for (e = 0; e < nextra; e++) {
		extra[e].trusted = dir_trusted(b, "", scratch);
		extra[e].po = find_out(b->prev, extra[e].path);
		if (extra[e].state != OUT_CLEAN) {
			const struct st_out *po = extra[e].po;

			extra[e].state = OUT_MISS;
			if (!po || !hash_eq(po->content,
					    extra[e].content))
				*nothing = false;
		}
		if (e == job)
			b->man.x = &ov[*nov];
		ov[(*nov)++] = extra[e];
	}
	free(mp);
	free(mh);
	free(old);
}

/*
 * Removes what the last build wrote and this one does not (ov in path
 * order by order[]; the last state's outputs are sorted too: one merge).
 * Without a state, the manifest on disk says what the last build wrote.
 */
static void
remove_stale_outputs(struct bld *b, const struct out *ov, size_t nov,
		     const size_t *order, struct ptrvec *touched)
{
	const char **cur = xcalloc(nov + 1, sizeof(*cur));
	size_t nc = 0, c = 0, i;

	for (i = 0; i < nov; i++)
		if (!(ov[order[i]].o && (ov[order[i]].o->flags & CG_IF_ABSENT)))
			cur[nc++] = ov[order[i]].path;
	if (b->prev) {
		for (i = 0; i < b->prev->nouts; i++) {
			const char *op = b->prev->outs[i].path;
			int cmp = 1;

			if (b->prev->outs[i].flags & CG_IF_ABSENT)
				continue;  /* the user's */
			while (c < nc && (cmp = strcmp(cur[c], op)) < 0)
				c++;
			if (c < nc && cmp == 0)
				continue;
			remove_stale(b, op, touched);
		}
	} else {
		struct ptrvec oldp = { 0 };

		drv_old_manifest(b->out_dir, &oldp);
		for (i = 0; i < oldp.n; i++) {
			const char *op = oldp.v[i];

			if (!bsearch(&op, cur, nc, sizeof(*cur), cmp_cstrp))
				remove_stale(b, op, touched);
			free(oldp.v[i]);
		}
		ptrvec_free(&oldp);
	}
	free(cur);
}

/* same_bytes's work: the files whose stat moved, read on the lanes. */
struct reread {
	struct bld *b;
	const uint32_t *which;
	bool *same;
};

static void
reread_one(void *arg, size_t k, unsigned lane)
{
	struct reread *r = arg;
	const struct bld *b = r->b;
	size_t fi = r->which[k];
	const struct st_file *sf = &b->next->files[fi];
	const struct st_file *pf;
	char *text = NULL;
	size_t len = 0;

	(void)lane;
	/* A new file, or one recorded with diagnostics (mtime -1: read
	 * and reported every build), is parsed. */
	pf = sf->first ? &b->prev->files[sf->first - 1] : NULL;
	if (!pf || pf->mtime_ns == -1)
		return;
	if (fs_read_file(b->p->files[fi].path, &text, &len) != 0)
		return;
	r->same[k] = hash_eq(hash_bytes(text, len), pf->content);
	if (r->same[k]) {
		free(text);
	} else {  /* the front end parses these bytes */
		b->p->files[fi].text = text;
		b->p->files[fi].len = len;
	}
}

/*
 * Of the files whose stat moved (which[n], their records' previous
 * index in next->files[].first), those whose bytes are the recorded ones
 * take their last records back; which[] keeps the others. Returns how
 * many are left.
 */
static size_t
same_bytes(struct bld *b, uint32_t *which, size_t n)
{
	struct reread r = { b, which, NULL };
	uint64_t t0 = base_now_ns();
	size_t k, left = 0, nread = 0;

	r.same = xcalloc(n + 1, sizeof(*r.same));
	pool_for(b->pool, n, reread_one, &r);
	for (k = 0; k < n; k++) {
		struct st_file *sf = &b->next->files[which[k]];
		const struct st_file *pf;

		pf = sf->first ? &b->prev->files[sf->first - 1] : NULL;
		if (pf && pf->mtime_ns != -1)
			nread++;  /* as reread_one decided */
		if (!r.same[k]) {
			which[left++] = which[k];
			continue;
		}
		sf->content = pf->content;
		sf->n = pf->n;
		sf->first = pf->first;  /* prev units index, as if unchanged */
	}
	free(r.same);
	b->st->files_read += nread;
	b->p->phases[PH_READ].ns += base_now_ns() - t0;
	b->p->phases[PH_READ].items += nread;
	return left;
}

/* Time spent in the front end's phases so far. */
static uint64_t
front_phases_ns(const struct drv_project *p)
{
	return p->phases[PH_READ].ns + p->phases[PH_SPLIT].ns +
	       p->phases[PH_PARSE].ns + p->phases[PH_PROJECT].ns;
}

/*
 * Whether this build's model has the names and facts of the last one:
 * the same files, each with units of the same kinds, names, flags,
 * guards and warnings. Then the plan is the last plan and unit numbers
 * mean the same units; a unit whose summary moved (an entity's fields, a
 * page's state) has moved its hash too, so its own outputs get new keys
 * and nothing else's, but for the views' contexts when a component's
 * interface moved (*ifaces_moved). *same_check: the project check's
 * inputs (chash) are the last ones too, so it would find what it found.
 */
static bool
same_model(const struct bld *b, bool same_files, struct hash128 cfgkey,
	   bool *same_check, bool *ifaces_moved)
{
	const struct incr *pv = b->prev, *nx = b->next;
	size_t i, k;

	*same_check = false;
	*ifaces_moved = false;
	if (!pv || !same_files || pv->nunits != nx->nunits ||
	    pv->nproj_diags || !hash_eq(pv->g[G_CONFIG], cfgkey))
		return false;
	*same_check = true;
	for (i = 0; i < nx->nfiles; i++) {
		const struct st_file *f = &nx->files[i];

		if (!b->loaded[i])
			continue;
		if (f->first != pv->files[i].first || f->n != pv->files[i].n)
			return false;
		for (k = f->first; k < f->first + f->n; k++) {
			const struct st_unit *u = &nx->units[k];
			const struct st_unit *o = &pv->units[k];

			if (!hash_eq(u->chash, o->chash))
				*same_check = false;
			if (!hash_eq(u->iface, o->iface))
				*ifaces_moved = true;
			if (u->src.kind != o->src.kind ||
			    u->src.name_off - u->src.off !=
				    o->src.name_off - o->src.off ||
			    u->flags != o->flags ||
			    !str_eq(u->name, o->name) ||
			    !str_eq(u->guard, o->guard) ||
			    !str_eq(u->warnings, o->warnings))
				return false;
		}
	}
	return true;
}

/*
 * The last build's plan, from its output records (same_model holds):
 * paths borrowed from the state, emitters by number, warnings parsed
 * back. src[i] is the record plan entry i came from.
 */
static void
plan_from_state(const struct incr *s, struct cg_plan *p, size_t *src)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->borrowed = true;
	p->v = xbig(s->nouts + 1, sizeof(*p->v), true);
	for (i = 0; i < s->nouts; i++) {
		const struct st_out *o = &s->outs[i];
		struct cg_output *c;

		if (o->emit == EMIT_EXTRA)
			continue;
		src[p->n] = i;
		c = &p->v[p->n++];
		c->path = (char *)o->path;
		c->emit = cg_emitter(o->emit);
		c->emit_id = o->emit;
		c->index = o->index;
		c->flags = o->flags;
		c->dep = (enum cg_dep)o->dep;
		c->kind = (enum unit_kind)o->kind;
	}
	p->cap = p->n;
	cg_plan_add_warnings(p, s->plan_warnings);
}

/*
 * Output record x for plan output co: its last record po (or NULL), its
 * declaration's unit ui (or SIZE_MAX), its key and state. True when its
 * key moved (the build is no no-op).
 */
static bool
fill_out(const struct bld *b, const struct cg_output *co, struct out *x,
	 const struct st_out *po, size_t ui, const struct graph_inputs *gin,
	 unsigned moved)
{
	struct gnode gn = { .path = co->path };
	struct { uint32_t dep, index; } salt = {
		(uint32_t)co->dep,
		co->dep == CG_DEP_NONE ? (uint32_t)co->index : 0
	};

	memset(x, 0, sizeof(*x));
	x->o = co;
	x->path = co->path;
	x->po = po;
	x->unit = ui;
	gn.salt = &salt;
	gn.nsalt = sizeof(salt);
	gn.globals = dep_globals(co->dep);
	gn.unit = ui == SIZE_MAX ? GRAPH_NO_UNIT : (uint32_t)ui;
	gn.ctx = co->dep == CG_DEP_VIEW;
	gn.has_prev = po != NULL;
	if (po)
		gn.prev_key = po->key;
	graph_mark(&gn, gin, moved);
	x->key = gn.key;
	if (co->flags & CG_IF_ABSENT) {
		char *path = drv_join(b->out_dir, co->path);

		x->state = access(path, F_OK) == 0 ? OUT_ABSENT : OUT_MISS;
		free(path);
		if (x->state == OUT_MISS)
			x->why = "absent: written once";
		return false;  /* its write says so, if it is written */
	}
	if (!gn.dirty) {
		x->state = OUT_CLEAN;
		x->content = po->content;
		return false;
	}
	x->state = OUT_MISS;
	x->why = why_text(gn.why);
	return true;
}

/* fill_outs' job: one context cache (and graph inputs naming it) per
 * lane, as ctx_of fills its cache. */
struct fill_job {
	struct bld *b;
	const struct cg_plan *plan;
	const size_t *psrc;
	struct out *ov;
	unsigned moved;
	struct graph_inputs gin[POOL_MAX_LANES];
	struct ctx ctx[POOL_MAX_LANES];
	bool busy[POOL_MAX_LANES];  /* a record whose key moved */
	struct model_wait wait;
};

static void
fill_one(void *arg, size_t i, unsigned lane)
{
	struct fill_job *j = arg;
	const struct st_out *po = &j->b->prev->outs[j->psrc[i]];

	if (fill_out(j->b, &j->plan->v[i], &j->ov[i], po,
		     po->unit == NO_UNIT ? SIZE_MAX : po->unit,
		     &j->gin[lane], j->moved))
		j->busy[lane] = true;
}

static void
model_run(void *arg, unsigned lane)
{
	struct fill_job *j = arg;

	(void)lane;
	model_make(j->b);
	pthread_mutex_lock(&j->wait.mu);
	j->wait.ready = true;
	pthread_cond_broadcast(&j->wait.cv);
	pthread_mutex_unlock(&j->wait.mu);
}

/*
 * The output records of a plan that is the last build's (psrc: each
 * output's last record), filled on the lanes: 30,000 of them, most
 * keeping their last key, were a pass of 4-5 ms on one thread, most of
 * it the page faults of 5 MB of new records. The model is made
 * meanwhile, as the pool's side task; a context waits for it. False
 * when the key of one of them moved.
 */
static bool
fill_outs(struct bld *b, const struct cg_plan *plan, const size_t *psrc,
	  struct out *ov, const struct graph_inputs *gin, unsigned moved)
{
	struct fill_job *j = xcalloc(1, sizeof(*j));
	unsigned l, lanes = pool_lanes(b->pool);
	bool quiet = true;

	j->b = b;
	j->plan = plan;
	j->psrc = psrc;
	j->ov = ov;
	j->moved = moved;
	pthread_mutex_init(&j->wait.mu, NULL);
	pthread_cond_init(&j->wait.cv, NULL);
	for (l = 0; l < lanes; l++) {
		j->ctx[l].b = b;
		j->ctx[l].wait = &j->wait;
		j->gin[l] = *gin;
		j->gin[l].arg = &j->ctx[l];
	}
	pool_for_beside(b->pool, plan->n, fill_one, j, model_run, j);
	for (l = 0; l < lanes; l++) {
		ctx_free(&j->ctx[l]);
		if (j->busy[l])
			quiet = false;
	}
	pthread_cond_destroy(&j->wait.cv);
	pthread_mutex_destroy(&j->wait.mu);
	free(j);
	return quiet;
}

/* state_outs' job: strings and counts per lane (a line each). */
struct souts_job {
	struct incr *next;
	const struct out *ov;
	const size_t *order;
	struct arena *a[POOL_MAX_LANES];
	struct souts_count {
		size_t outputs, misses, hits, unchanged;
		char pad[128 - 4 * sizeof(size_t)];  /* 64 bytes apart
						      * at least */
	} n[POOL_MAX_LANES];
};

static void
souts_one(void *arg, size_t i, unsigned lane)
{
	struct souts_job *j = arg;
	const struct out *x = &j->ov[j->order[i]];
	struct st_out *so = &j->next->outs[i];
	struct souts_count *n = &j->n[lane];

	if (x->po) {
		so->path = x->po->path;  /* the same string */
	} else {
		if (!j->a[lane])
			j->a[lane] = arena_new();
		so->path = arena_strndup(j->a[lane], x->path,
					 strlen(x->path));
	}
	so->key = x->key;
	so->content = x->content;
	so->unit = !x->o || x->unit == SIZE_MAX ? NO_UNIT : (uint32_t)x->unit;
	so->emit = EMIT_EXTRA;
	if (x->o) {
		so->index = (uint32_t)x->o->index;
		so->dep = (uint8_t)x->o->dep;
		so->kind = (uint8_t)x->o->kind;
		so->flags = (uint8_t)x->o->flags;
		so->emit = (uint8_t)x->o->emit_id;
	}
	if (x->state == OUT_ABSENT)
		return;
	n->outputs++;
	if (!x->o)
		return;
	if (x->state == OUT_MISS)
		n->misses++;
	else
		n->hits++;
	if (x->unchanged)
		n->unchanged++;
}

/*
 * The next state's output records, in path order (ov[order[i]]), made
 * on the lanes (30,000 at 10,000 files: 1.7 MB of new records), and
 * ov's counts added to bs.
 */
static void
state_outs(struct bld *b, const struct out *ov, size_t nov,
	   const size_t *order, struct drv_build_stats *bs)
{
	struct incr *next = b->next;
	struct souts_job *j = xcalloc(1, sizeof(*j));
	size_t l;

	next->outs = xbig(nov + 1, sizeof(*next->outs), true);
	next->nouts = nov;
	j->next = next;
	j->ov = ov;
	j->order = order;
	pool_for(b->pool, nov, souts_one, j);
	for (l = 0; l < POOL_MAX_LANES; l++) {
		if (j->a[l])
			arena_adopt(next->a, j->a[l]);
		bs->outputs += j->n[l].outputs;
		bs->misses += j->n[l].misses;
		bs->hits += j->n[l].hits;
		bs->unchanged += j->n[l].unchanged;
	}
	free(j);
}

/* The plan's warnings as the state keeps them. */
static const char *
plan_warnings_text(struct arena *a, const struct cg_plan *p)
{
	struct sbuf t;
	const char *r;
	size_t i;

	if (!p->nwarnings)
		return NULL;
	sbuf_init(&t);
	for (i = 0; i < p->nwarnings; i++) {
		sbuf_adds(&t, p->warnings[i].kind);
		sbuf_addc(&t, '\t');
		sbuf_adds(&t, p->warnings[i].message);
		sbuf_addc(&t, '\n');
	}
	r = arena_strndup(a, t.p, t.len);
	sbuf_free(&t);
	return r;
}

/*
 * x's bytes from the cache, by its content hash, not read yet: a warm
 * build looks up 30,000, and reading each one's stamp here mapped its
 * first page and the kernel its neighbours, 145 MB before the first
 * write. map_read marks it used once the write has read it. An
 * aggregate kept as runs (agg_store) is those runs, in pieces (x->seg).
 */
static int
blob_of(struct bld *b, struct out *x)
{
	int rc = cache_blob_find(b->rtxn, x->content, &x->bytes, &x->len);

	x->unread = rc == 0;
	/* An aggregate kept as runs: its text is those runs. */
	if (rc == CACHE_ENOTFOUND && x->o && cg_frags_of(x->o->emit) &&
	    agg_text(b->rtxn, x->content, seg_of(x), &x->len)) {
		x->bytes = NULL;
		/* Hashed: the runs' pages (megabytes) need not stay till
		 * the write reads them again. */
		cache_release_map(b->cache);
		rc = 0;
	}
	return rc;
}

/* A miss whose key the action cache has, with bytes: a hit. */
static void
action_hit(struct bld *b, struct out *x)
{
	size_t nh = 0;

	if (b->rtxn && x->state == OUT_MISS && !(x->o->flags & CG_IF_ABSENT) &&
	    cache_action_get(b->rtxn, x->key, &x->content, 1, &nh) == 0 &&
	    nh == 1 && blob_of(b, x) == 0)
		x->state = OUT_HIT;
}

/*
 * The next state shares the last one's arena and loaded record (strings
 * of unchanged files, units and outputs point into them), so a build
 * copies only what changed. Whichever state lives on keeps them: the
 * next one when it was handed to watch, else the last one (a failed
 * build, or a plain build that frees both).
 */
static void
share_strings(struct bld *b)
{
	/* b->next is about to be freed: the last state (handed back to
	 * watch, or freed next) owns them. */
	if (b->next && b->shared) {
		b->next->a = NULL;
		b->next->blob = NULL;
	}
}

static void
share_handed(struct bld *b)
{
	/* b->next goes to the caller: the last state lets go. */
	if (b->prev && b->shared) {
		b->prev->a = NULL;
		b->prev->blob = NULL;
	}
	b->shared = false;
}

/*
 * The output folders' stats (prefetch_run's chunks), taken after the
 * walk: on the lanes when the build may be a no-op (they tell), else on
 * a thread of their own beside the front end and the model, joined at
 * the first use (dirs_join). An edit at 10,000 files then no longer
 * waits for 4,000 stats in its scan.
 */
static void
dirs_now(struct bld *b)
{
	size_t i;

	for (i = 0; i < b->ndir_chunks; i++)
		pool_submit(b->pool, dir_chunk_run, &b->dir_chunks[i]);
	b->ndir_chunks = 0;
	pool_wait(b->pool);
}

static void *
dirs_late_main(void *arg)
{
	struct bld *b = arg;
	size_t i;

	for (i = 0; i < b->ndir_chunks; i++)
		dir_chunk_run(&b->dir_chunks[i], 0);
	return NULL;
}

static void
dirs_late(struct bld *b)
{
	if (!b->ndir_chunks)
		return;
	/* The state is read in full by now: a folder found changed must
	 * not start its reading (start_rest) again. */
	atomic_store(&b->rest_started, true);
	b->dirs_on = pthread_create(&b->dirs_t, NULL, dirs_late_main, b) == 0;
	if (!b->dirs_on) {
		dirs_late_main(b);
		b->ndir_chunks = 0;
	}
}

static void
dirs_join(struct bld *b)
{
	if (b->dirs_on)
		pthread_join(b->dirs_t, NULL);
	b->dirs_on = false;
	b->ndir_chunks = 0;
}

/*
 * Whether the build may be a no-op: the walk found the last build's
 * files with their stats (none racy), the config is the same and the
 * last build was clean. It is one when every output folder is as that
 * build left it (dirs_unchanged). Needs only the records load_state
 * reads.
 */
static bool
unchanged_since(const struct bld *b, const struct drv_walk_ent *rel,
		size_t n)
{
	const struct incr *prev = b->prev;
	size_t i;

	if (!prev || prev->nfiles != n ||
	    !hash_eq(prev->g[G_CONFIG], b->cfgkey) ||
	    prev->nproj_diags != 0 || prev->ndirs == 0)
		return false;
	for (i = 0; i < n; i++) {
		const struct st_file *pf = &prev->files[i];

		if (!rel[i].stat_ok || pf->mtime_ns != rel[i].mtime_ns ||
		    pf->size != rel[i].size || pf->ino != rel[i].ino ||
		    pf->mtime_ns + RACY_NS >= prev->built_ns ||
		    strcmp(pf->rel, rel[i].rel) != 0)
			return false;
	}
	return true;
}

/* The same, knowing the files are: the folders (stat'ed now). */
static bool
dirs_unchanged(struct bld *b)
{
	size_t i;

	dirs_now(b);
	for (i = 0; i < b->prev->ndirs; i++)
		if (!b->dir_ok[i])
			return false;
	return true;
}

/* The project's file list: the walk's entries (names in p's arena). */
static void
project_files(struct drv_project *p, const struct drv_walk_ent *rel,
	      size_t n)
{
	size_t i;

	p->nfiles = n;
	p->files = xbig(n ? n : 1, sizeof(*p->files), true);
	for (i = 0; i < n; i++) {
		struct drv_file *f = &p->files[i];

		f->rel = rel[i].rel;
		f->path = rel[i].path;
		f->names_in_arena = true;
		diag_list_init(&f->diags, NULL);
		f->diags.unit = UINT32_MAX;
	}
}

/* The scan's row and the names of the front end's (for --timings). */
static void
scan_phases(struct drv_project *p, uint64_t ns, size_t n)
{
	p->phases[PH_SCAN] = (struct drv_phase){ "scan", ns, n };
	p->phases[PH_READ].name = "read";
	p->phases[PH_SPLIT].name = "split";
	p->phases[PH_PARSE].name = "parse+check";
	p->phases[PH_PROJECT].name = "project";
}

int
drv_incr_build(const struct drv_incr_opts *o, struct incr **statep,
	       struct drv_project *p, struct drv_incr_stats *st)
{
	struct bld b;
	struct incr *next;
	struct drv_walk_ent *rel = NULL;
	char *bad = NULL;
	size_t n = 0, i, k, nu;
	uint32_t *which;
	size_t nwhich = 0;
	struct gkey pk;
	struct cg_plan plan;
	struct out *ov = NULL;
	size_t nov = 0;
	/* The outputs a later pass may act on (in order): every one but
	 * the absent and the clean in a trusted folder, 30,000 of which
	 * each pass over ov read (5 MB) to skip. */
	size_t *act = NULL, nact = 0;
	struct uindex prev_units = { 0 };
	const char *out_dir = o->build->out_dir;
	int rc = DRV_EXIT_OK, lock_fd = -1, store_err = 0;
	uint64_t t0, t1, t_model, front_ns;
	int64_t start_wall = wall_ns();
	struct sbuf scratch, state_bytes;
	struct ptrvec touched = { 0 };  /* folders written or removed in */
	struct progress progress;
	struct closer closer = { .n = 0 };
	bool nothing = true, must_check, same_files, stable, same_check;
	bool ifaces_moved, store_early;
	size_t *psrc = NULL;        /* stable: plan entry -> last record */
	size_t *order = NULL;       /* ov in path order */
	struct hash128 *uprev = NULL;  /* graph_inputs' */

	memset(&b, 0, sizeof(b));
	gkey_init(&pk);
	atomic_init(&b.part, NULL);
	atomic_init(&b.rest_started, false);
	atomic_init(&b.newest, INT64_MIN);
	memset(st, 0, sizeof(*st));
	progress_init(&progress, o->progress);
	memset(p, 0, sizeof(*p));
	b.o = o;
	b.p = p;
	b.st = st;
	b.progress = &progress;
	b.cache = o->cache;
	b.keep = statep != NULL;
	b.src_abs = abs_path(o->check->src_dir);
	b.skey = state_key(o->check->src_dir, out_dir);
	if (b.cache) {
		b.spares.dir = drv_join(cache_dir(b.cache), DRV_SPARE_DIR);
		b.spares.skey = b.skey;
		b.spares.min = hold_min();
	}
	p->arena = arena_new();
	diag_list_init(&p->diags, p->arena);
	p->src_dir = xstrdup(o->check->src_dir);
	drv_read_env_options(&p->opt);
	b.cfgkey = config_key(o->cfg, &p->opt);
	sbuf_init(&scratch);

	/* The previous state, from memory (watch) or the cache, and the
	 * output folders' stats, while this thread walks the sources. */
	t0 = base_now_ns();
	b.out_dir = out_dir;
	if (statep && *statep) {
		b.prev = *statep;
		*statep = NULL;
	}
	b.pool = pool_new(o->build->jobs ? o->build->jobs : 1);
	{
		struct pool *pool = b.pool;
		struct prefetch pf = { &b, b.prev == NULL };
		struct drv_walker *w = NULL;

		/* 1. scan (or, from watch, the files it saw change) */
		if (!(o->use_changed && b.prev))
			w = drv_walk_begin(pool, o->check->src_dir,
					   o->check->skip_dir, true, p->arena,
					   seen_files, &b);
		pool_submit(pool, prefetch_run, &pf);
		pool_wait(pool);
		if (w)
			rc = drv_walk_end(w, o->check->src_dir, &rel, &n, &bad);
		else if (b.prev)
			files_from_changes(&b, o, &rel, &n, p->arena);
		else {  /* the state was from another compiler */
			w = drv_walk_begin(pool, o->check->src_dir,
					   o->check->skip_dir, true, p->arena,
					   NULL, NULL);
			pool_wait(pool);
			rc = drv_walk_end(w, o->check->src_dir, &rel, &n, &bad);
		}
	}
	if (rc) {
		fprintf(stderr, "locusc: error: cannot read source directory "
			"'%s': %s\n", bad, base_strerror(rc));
		free(bad);
		rc = rc == BASE_ENOENT || rc == BASE_ENOTDIR ? DRV_EXIT_USAGE
							     : DRV_EXIT_IO;
		goto out_early;
	}
	project_files(p, rel, n);
	/* No-op: no file to read, same config, and every output folder as
	 * the last build left it. Nothing else is opened, nor the state's
	 * units and outputs read (unless watch keeps the state). */
	if (unchanged_since(&b, rel, n) && dirs_unchanged(&b)) {
		free(rel);
		scan_phases(p, base_now_ns() - t0, n);
		st->b.incremental = true;
		st->nothing = true;
		p->diags_counted = true;  /* nothing read: none */
		st->b.outputs = b.prev->nlive;
		st->b.unchanged = b.prev->nlive;
		st->b.hits = b.prev->nlive_hits;
		if (statep && load_rest(&b)) {
			*statep = b.prev;
			b.prev = NULL;
		}
		goto out;
	}
	/* A state from the cache was read as far as a no-op needs: read
	 * the rest, or go without a state. */
	if (b.prev && !load_rest(&b)) {
		drv_incr_free(b.prev);
		b.prev = NULL;
	}
	if (b.prev)
		dirs_late(&b);
	next = b.next = xcalloc(1, sizeof(*next));
	/* Strings are shared with the last state (its arena and loaded
	 * record), not copied: see share_strings. */
	next->a = b.prev ? b.prev->a : arena_new();
	next->blob = b.prev ? b.prev->blob : NULL;
	next->blob_len = b.prev ? b.prev->blob_len : 0;
	next->str_base = b.prev ? b.prev->str_base : 0;
	b.shared = b.prev != NULL;
	next->built_ns = start_wall;
	next->nfiles = n;
	next->files = xcalloc(n + 1, sizeof(*next->files));
	b.funits = xcalloc(n + 1, sizeof(*b.funits));
	b.nfunits = xcalloc(n + 1, sizeof(*b.nfunits));
	b.loaded = xcalloc(n + 1, sizeof(*b.loaded));
	b.treeless = xcalloc(n + 1, sizeof(*b.treeless));
	b.kept_files = xcalloc(n + 1, sizeof(*b.kept_files));
	b.reread = xcalloc(n + 1, sizeof(*b.reread));
	b.sum_src = xcalloc(n + 1, sizeof(*b.sum_src));
	which = xcalloc(n + 1, sizeof(*which));
	{
		size_t pi = 0;
		bool same_front = b.prev &&
				  hash_eq(b.prev->g[G_CONFIG], b.cfgkey);

		same_files = b.prev && b.prev->nfiles == n;

		for (i = 0; i < n; i++) {
			struct drv_file *f = &p->files[i];
			struct st_file *sf = &next->files[i];
			const struct st_file *pf = NULL;

			sf->rel = NULL;
			if (rel[i].stat_ok) {
				sf->mtime_ns = rel[i].mtime_ns;
				sf->size = rel[i].size;
				sf->ino = rel[i].ino;
			}
			/* Both lists are sorted by path. */
			while (b.prev && pi < b.prev->nfiles &&
			       strcmp(b.prev->files[pi].rel, f->rel) < 0)
				pi++;
			if (b.prev && pi < b.prev->nfiles &&
			    strcmp(b.prev->files[pi].rel, f->rel) == 0)
				pf = &b.prev->files[pi];
			else
				same_files = false;
			/* The state outlives p (watch keeps it): its strings
			 * live in its arena or loaded record. */
			sf->rel = pf ? pf->rel
				     : arena_strndup(next->a, f->rel,
						     strlen(f->rel));
			if (same_front && pf && pf->mtime_ns == sf->mtime_ns &&
			    pf->size == sf->size && pf->ino == sf->ino &&
			    sf->mtime_ns + RACY_NS < b.prev->built_ns) {
				sf->content = pf->content;
				sf->n = pf->n;
				sf->first = pf->first;  /* prev index for now */
				continue;
			}
			/* Read below; remember the previous record. */
			sf->first = pf ? (uint32_t)(pf - b.prev->files) + 1 : 0;
			sf->n = UINT32_MAX;
			which[nwhich++] = (uint32_t)i;
		}
		free(rel);
		rel = NULL;
	}
	t1 = base_now_ns();
	scan_phases(p, t1 - t0, n);
	/* Files whose stat moved but whose bytes did not (a checkout, a
	 * touch, a save of the same text) keep their records: read and
	 * hashed on the lanes, not parsed. Their new stats must be saved,
	 * so the build is then no no-op. */
	if (b.prev && nwhich && hash_eq(b.prev->g[G_CONFIG], b.cfgkey))
		nwhich = same_bytes(&b, which, nwhich);
	/* A small build of a process about to exit: what it frees stays in
	 * the heap (see base_keep_heap). Not a large one, whose heap would
	 * grow past its peak (a cold build: 146 -> 157 MB). */
	if (o->leave_memory && b.prev && nwhich < DROP_MIN)
		base_keep_heap();

	/* 2. front end on the files that may have changed */
	{
		uint32_t *reads = xcalloc(nwhich + 1, sizeof(*reads));
		size_t nreads = nwhich;

		memcpy(reads, which, nwhich * sizeof(*which));
		front(&b, reads, nreads, !b.prev || nreads >= DROP_MIN);
		free(reads);
	}
	st->files_read += nwhich;
	/* The model phase: from here to the plan, less the front end's
	 * phases (the project check may read the other files). */
	t_model = base_now_ns();
	front_ns = front_phases_ns(p);
	/* Lay out next->units: reused files copy their records, read files
	 * record their units. */
	nu = 0;
	for (i = 0; i < n; i++) {
		struct st_file *sf = &next->files[i];

		if (b.loaded[i])
			sf->n = (uint32_t)b.nfunits[i];
		nu += sf->n;
	}
	if (!b.prev || b.prev->nfiles != n)
		nothing = false;
	next->nunits = nu;
	next->units = xbig(nu + 1, sizeof(*next->units), true);
	{
		/* The files read, and the index of each one's last record
		 * (first held it until now) + 1, or 0. */
		uint32_t *rd = xcalloc(n + 1, sizeof(*rd));
		uint32_t *rd_old = xcalloc(n + 1, sizeof(*rd_old));
		/* A file not read: its first unit in the last state. */
		uint32_t *old_first = xcalloc(n + 1, sizeof(*old_first));
		size_t nrd = 0;

		nu = 0;
		for (i = 0; i < n; i++) {
			struct st_file *sf = &next->files[i];
			uint32_t old = sf->first;

			sf->first = (uint32_t)nu;
			if (b.loaded[i]) {
				rd_old[nrd] = old;
				rd[nrd++] = (uint32_t)i;
			} else {
				old_first[i] = old;
			}
			nu += sf->n;
		}
		record_files(&b, rd, nrd);
		for (k = 0; k < nrd && nothing; k++)
			if (!rd_old[k] ||
			    !hash_eq(b.prev->files[rd_old[k] - 1].content,
				     next->files[rd[k]].content))
				nothing = false;
		/* The records of the files not read, beside the project's
		 * units. */
		flatten_units(&b, old_first);
		free(rd);
		free(rd_old);
		free(old_first);
	}
	stable = same_model(&b, same_files, b.cfgkey, &same_check,
			    &ifaces_moved);
	b.stable = stable;
	same_check = stable && same_check;

	/* 3. project check, unless its inputs are what was checked. */
	for (i = 0; i < next->nunits && !same_check; i++) {
		const struct st_unit *u = &next->units[i];
		uint32_t v[3] = { u->src.kind, u->src.name_off - u->src.off,
				  u->src.name_len };

		gkey_add(&pk, v, sizeof(v));
		gkey_str(&pk, u->name);
		gkey_hash(&pk, u->chash);
	}
	next->pkey = same_check ? b.prev->pkey : gkey_done(&pk);
	must_check = !b.prev || !hash_eq(b.prev->pkey, next->pkey) ||
		     b.prev->nproj_diags != 0 ||
		     !hash_eq(b.prev->g[G_CONFIG], b.cfgkey);
	for (i = 0; i < n; i++)
		if (p->files[i].read_err || p->files[i].diags.n)
			must_check = true;
	for (i = 0; i < p->nunits; i++)
		if (p->units[i].diags.n)
			must_check = true;
	/* Most files read (a cold build): their summaries go to the cache
	 * while the project is checked (summaries_store_begin). */
	store_early = b.cache && (!b.prev || nwhich >= DROP_MIN);
	if (must_check) {
		struct proj_unit *pu;
		size_t nrest = 0;

		/* Summaries of every unit: from the cache when all of a
		 * file's units have theirs there, else the file is read
		 * and parsed. */
		nrest = summaries_load(&b, which);
		/* Read for their summaries: few will want their trees. */
		front(&b, which, nrest, true);
		attach_loaded(&b, which, nrest);
		st->files_read += nrest;
		if (store_early)
			summaries_store_begin(&b);
		pu = xcalloc(p->nunits + 1, sizeof(*pu));
		for (i = 0; i < p->nunits; i++) {
			const struct drv_unit *u = &p->units[i];
			const struct drv_file *f = &p->files[u->file];
			const struct unit_src *us = &f->units[u->index];

			pu[i].kind = us->kind;
			pu[i].sum = u->sum;
			pu[i].file = u->file;
			pu[i].name = next->units[i].name;
			pu[i].name_off = us->name_off - us->off;
			pu[i].name_len = us->name_len;
		}
		t0 = base_now_ns();
		sema_check_project(pu, p->nunits, &p->opt, &p->diags);
		texts_for_diags(&b);
		p->phases[PH_PROJECT].ns = base_now_ns() - t0;
		p->phases[PH_PROJECT].items = p->nunits;
		free(pu);
		nothing = false;
	}
	if (store_early && !b.early)
		summaries_store_begin(&b);
	next->nproj_diags = (uint32_t)p->diags.n;
	for (i = 0; i < n; i++)
		p->bytes += p->files[i].len;
	drv_count_diags(p);
	if (p->errors || p->io_errors) {
		/* Nothing is written; the last good state stays. */
		st->failed = true;
		if (statep) {
			*statep = b.prev;
			b.prev = NULL;
		}
		free(which);
		goto out;
	}
	/* A file with diagnostics (warnings) is read again next time, so
	 * that they are reported again: forget its record. */
	for (i = 0; i < n; i++) {
		bool diags = p->files[i].diags.n != 0;

		for (k = 0; k < next->files[i].n; k++)
			if (p->units[next->files[i].first + k].diags.n)
				diags = true;
		if (diags)
			next->files[i].mtime_ns = -1;
	}
	globals(&b, b.cfgkey, stable);
	if (!b.prev || memcmp(b.prev->g, next->g, sizeof(next->g)) != 0)
		nothing = false;

	/* 4. plan from names and facts */
	t1 = base_now_ns();
	st->b.ns_model = t1 - t_model - (front_phases_ns(p) - front_ns);
	t0 = t1;
	/* With the last plan, the output records need the model only for
	 * the context of a view whose key moved: it is made beside them
	 * (fill_outs), and such a view waits for it. */
	if (!stable)
		model_make(&b);
	if (stable) {
		/* The same plan; only the edited units' outputs and those
		 * of a moved global get new keys. */
		psrc = xcalloc(b.prev->nouts + 1, sizeof(*psrc));
		plan_from_state(b.prev, &plan, psrc);
	} else {
		cg_plan_build(&b.m, &plan);
		if (b.prev) {
			/* The hash each unit's namesake had last time. */
			uprev = xcalloc(next->nunits + 1, sizeof(*uprev));
			uindex_build(&prev_units, b.prev->units,
				     b.prev->nunits);
			for (i = 0; i < next->nunits; i++) {
				const struct st_unit *pu = uindex_get(
					&prev_units, b.prev->units,
					next->units[i].src.kind,
					next->units[i].name);

				if (pu)
					uprev[i] = pu->ehash;
			}
		}
	}
	next->plan_warnings = stable ? b.prev->plan_warnings
				     : plan_warnings_text(next->a, &plan);

	{
		/* 5. keys and states. The plan and the last build's
		 * outputs are both sorted by path: one merge finds each
		 * output's record; graph_mark makes the keys. */
		size_t pc = 0;
		struct ctx ctx = { &b, NULL, NULL };
		struct graph_inputs gin = {
			.g = next->g, .prev_g = b.prev ? b.prev->g : NULL,
			.ng = G_COUNT,
			.unit = next->nunits ? &next->units[0].ehash : NULL,
			.unit_stride = sizeof(*next->units),
			.prev_unit = stable && next->nunits
					     ? &b.prev->units[0].ehash : uprev,
			.prev_stride = stable ? sizeof(*b.prev->units)
					      : sizeof(*uprev),
			.same_model = psrc != NULL,
			.ctx_moved = psrc != NULL && ifaces_moved,
			.ctx_touched = psrc && ifaces_moved
					       ? ctx_touched_make(&b) : NULL,
			.ctx = ctx_key, .arg = &ctx,
		};
		unsigned moved = graph_moved(&gin);

		/* Cleared one by one as they are filled: a pass less over
		 * 30,000 of them than calloc's. */
		ov = xbig(plan.n + 4, sizeof(*ov), false);
		if (psrc) {
			/* The same plan: each record's from its own index,
			 * on the lanes. */
			if (!fill_outs(&b, &plan, psrc, ov, &gin, moved))
				nothing = false;
			nov = plan.n;
		}
		for (i = 0; i < plan.n && !psrc; i++) {
			const struct cg_output *co = &plan.v[i];
			const struct st_out *po;
			size_t ui = SIZE_MAX;

			while (b.prev && pc < b.prev->nouts &&
			       strcmp(b.prev->outs[pc].path, co->path) < 0)
				pc++;
			if (b.prev && pc < b.prev->nouts &&
			    strcmp(b.prev->outs[pc].path, co->path) == 0)
				po = &b.prev->outs[pc];
			else
				po = find_out(b.prev, co->path);
			if (co->dep == CG_DEP_OWN || co->dep == CG_DEP_VIEW)
				ui = unit_of_decl(&b, decl_of_output(&b, co));
			if ((co->dep == CG_DEP_OWN ||
			     co->dep == CG_DEP_VIEW) && ui == SIZE_MAX)
				base_fatal("output without a unit");
			if (fill_out(&b, co, &ov[nov++], po, ui, &gin, moved))
				nothing = false;
		}
		ctx_free(&ctx);
		free((bool *)gin.ctx_touched);
	}

	summaries_store_join(&b);
	/* Hits from the action cache: below, with each output's folder. */
	if (b.cache)
		cache_txn_begin(b.cache, false, &b.rtxn);

	/* The output folder: create, lock, and see which of its folders
	 * are as the last build left them (trusted: a clean output there
	 * is on disk already). Outputs in other folders need their bytes,
	 * from the cache or generated again. */
	{
		char *probe = drv_join(out_dir, ".");
		int perr;

		b.out_new = access(out_dir, F_OK) != 0 && errno == ENOENT;
		perr = drv_make_parents(probe);
		free(probe);
		if (perr || (mkdir(out_dir, 0777) != 0 && errno != EEXIST)) {
			fprintf(stderr, "locusc: error: cannot create output "
				"folder '%s': %s\n", out_dir,
				strerror(perr ? perr : errno));
			rc = DRV_EXIT_IO;
			free(which);
			goto out_plan;
		}
	}
	lock_fd = drv_lock_out_dir(out_dir);
	/* Made by this build, yet another may have written in it before
	 * the lock was ours (and been killed, leaving temporaries). */
	if (b.out_new && !dir_empty(out_dir))
		b.out_new = false;
	{
		struct sbuf dir;
		const char *last = NULL;
		size_t last_len = 0;
		bool last_trust = false;

		sbuf_init(&dir);
		/* Room for the extras too (make_extras). */
		act = xmalloc((nov + 8) * sizeof(*act));
		/* Watch vouches for every folder the last build recorded,
		 * and the same plan puts outputs in no other folder. */
		for (i = 0; stable && o->trust_out && i < nov; i++) {
			ov[i].trusted = true;
			if (ov[i].state == OUT_CLEAN ||
			    ov[i].state == OUT_ABSENT)
				continue;
			action_hit(&b, &ov[i]);
			act[nact++] = i;
		}
		for (i = 0; !(stable && o->trust_out) && i < nov; i++) {
			struct out *x = &ov[i];
			const char *sl;
			size_t dl;

			if (x->state == OUT_ABSENT)
				continue;
			sl = strrchr(x->path, '/');
			dl = sl ? (size_t)(sl - x->path) : 0;
			if (!last || dl != last_len ||
			    memcmp(x->path, last, dl) != 0) {
				last = x->path;
				last_len = dl;
				dir.len = 0;
				sbuf_add(&dir, x->path, dl);
				last_trust = dir_trusted(&b, dir.p ? dir.p : "",
							 &scratch);
				/* (A folder made just now holds none.) */
				if (!last_trust && !b.out_new)
					sweep_temps(out_dir, dir.p ? dir.p : "");
			}
			x->trusted = last_trust;
			if (x->state != OUT_CLEAN) {
				action_hit(&b, x);
				act[nact++] = i;
				continue;
			}
			if (x->trusted && x->po)
				continue;
			nothing = false;
			if (b.rtxn && blob_of(&b, x) == 0) {
				x->state = OUT_HIT;
				x->why = "its folder changed since the "
					 "last build: checked";
			} else {
				x->state = OUT_MISS;
				x->why = "its folder changed since the "
					 "last build, not in the cache";
			}
			act[nact++] = i;
		}
		sbuf_free(&dir);
	}

	/* Aggregates from fragments, then trees on demand for the misses. */
	{
		bool *want = xcalloc(p->nfiles + 1, sizeof(*want));

		b.aggs = aggs_plan(&b, ov, act, nact, want, &b.naggs);
		b.stream = will_stream(&b, ov, act, nact);
		rc = load_trees(&b, ov, act, nact, want, which);
		free(want);
	}
	free(which);
	if (rc != DRV_EXIT_OK)
		goto out_plan;
	if (b.stream)
		aggs_prepare(&b);

	st->b.ns_plan = base_now_ns() - t0;
	t0 = base_now_ns();

	/* 6. generate the misses */
	{
		struct gen_job j = { 0 };

		j.m = &b.m;
		j.v = ov;
		j.todo = xcalloc(nact + 1, sizeof(*j.todo));
		j.trace = o->check->trace;
		j.progress = &progress;
		for (k = 0; k < nact; k++)
			if (ov[act[k]].state == OUT_MISS)
				j.todo[j.ntodo++] = act[k];
		progress_phase(&progress, "generate", j.ntodo);
		if (b.stream && b.sums_stored && !b.keep)
			drop_file_arenas(&b);
		rc = gen_waves(&b, &j, &store_err);
		if (rc != DRV_EXIT_OK) {
			/* Earlier waves' temporary files. */
			for (k = 0; k < nact; k++)
				if (ov[act[k]].tmp)
					unlink(ov[act[k]].tmp);
			drop_stage(out_dir);
			free(j.todo);
			goto out_lock;
		}
		if (b.cache && !b.rtxn)
			cache_txn_begin(b.cache, false, &b.rtxn);
		/* Aggregates (unless gen_waves joined them between its two
		 * parts). */
		if (!b.joined)
			aggs_join(&b, &progress, NULL, NULL);
		free(j.todo);
	}

	/* Generated: no tree is read again (at 10,000 files, 32 MB after
	 * a cold build's second part, 75 MB after an edit of everything,
	 * on top of which the write and the commit came). */
	drop_trees(&b);

	/* Extras: warnings files, then the manifest over all of it. */
	k = nov;
	make_extras(&b, &plan, ov, &nov, stable, &nothing, &scratch);
	while (k < nov)
		act[nact++] = k++;
	st->b.ns_generate = base_now_ns() - t0;

	/* 7. write what differs from the disk: decide here (cache reads
	 * stay on this thread), then compare and write on the lanes. */
	t0 = base_now_ns();
	{
		struct write_job wj = { .v = ov, .out_dir = out_dir,
					.progress = &progress,
					.out_new = b.out_new,
					.cache = b.cache,
					.spares = b.spares.dir ? &b.spares
							       : NULL };

		wj.todo = xcalloc(nact + 1, sizeof(*wj.todo));
		for (k = 0; k < nact; k++) {
			struct out *x = &ov[i = act[k]];

			if (x->state == OUT_ABSENT ||
			    (x->state == OUT_CLEAN && x->trusted))
				continue;
			if (x->streamed) {  /* the manifest's: below */
				if (!x->unchanged && x != b.man.x)
					nothing = false;
				continue;
			}
			if (!needs_write(x)) {
				x->unchanged = true;
				continue;
			}
			if (x->state == OUT_CLEAN) {
				/* The manifest, kept, in an untrusted folder. */
				if (!(b.rtxn &&
				      cache_blob_get(b.rtxn, x->content,
						     &x->bytes,
						     &x->len) == 0)) {
					x->unchanged = true;  /* cannot tell */
					continue;
				}
			}
			nothing = false;
			wj.todo[wj.ntodo++] = i;
		}
		progress_phase(&progress, "write", wj.ntodo);
		if (b.man.x) {
			wj.side = manifest_run;
			wj.side_arg = &b.man;
		}
		for_folders(b.pool, &wj, write_one);
		if (b.man.x && !b.man.x->unchanged)
			nothing = false;
		man_job_free(&b.man);
		runs_used(&b);
		/* Hits not written (the same bytes on disk) are used too. */
		for (k = 0; k < nact; k++) {
			struct out *x = &ov[act[k]];

			if (x->unread) {
				x->unread = false;
				cache_blob_used(b.cache, x->content, x->bytes);
			}
		}
		for (k = 0; k < nact; k++) {
			struct out *x = &ov[act[k]];

			if (x->err && rc == DRV_EXIT_OK) {
				char *path = drv_join(out_dir, x->path);

				progress_end(&progress);
				fprintf(stderr, "locusc: error: cannot write "
					"'%s': %s\n", path, strerror(x->err));
				free(path);
				rc = DRV_EXIT_IO;
			}
		}
		free(wj.todo);
	}
	progress_end(&progress);
	if (rc == DRV_EXIT_OK) {
		/* Every temporary file is written: rename them into place,
		 * on the lanes (a warm build renames 30,000). */
		struct write_job rj = { .v = ov, .out_dir = out_dir,
					.spares = b.spares.dir ? &b.spares
							       : NULL };
		size_t hold = hold_min();

		rj.todo = xcalloc(nact + 1, sizeof(*rj.todo));
		for (k = 0; k < nact; k++) {
			struct out *x = &ov[i = act[k]];

			if (x->tmp && !x->stage) {
				rj.todo[rj.ntodo++] = i;
				x->hold_old = x->len >= hold;
			}
		}
		for_folders(b.pool, &rj, rename_one);
		unstage(out_dir, ov, act, nact);
		if (b.keep)
			keep_replaced(next->held, &next->nheld, &rj);
		else
			keep_replaced(closer.fd, &closer.n, &rj);
		free(rj.todo);
	}
	for (k = 0; k < nact; k++) {
		struct out *x = &ov[act[k]];

		if (!x->tmp)
			continue;
		if (rc != DRV_EXIT_OK && !x->renamed) {
			unlink(x->tmp);
		} else if (!x->renamed) {
			char *path = drv_join(out_dir, x->path);

			fprintf(stderr, "locusc: error: cannot write '%s': %s\n",
				path, strerror(x->err));
			free(path);
			unlink(x->tmp);
			rc = DRV_EXIT_IO;
		} else {
			st->b.written++;
			touch_dirs(&b, &touched, x->path);
		}
	}
	if (rc != DRV_EXIT_OK) {
		drop_stage(out_dir);
		goto out_lock;
	}
	for (k = 0; k < nact && o->explain; k++) {
		const struct out *x = &ov[act[k]];

		if (x->why && x->state != OUT_CLEAN && x->state != OUT_ABSENT)
			fprintf(stderr, "explain: %s: %s (%s%s)\n", x->path,
				x->why,
				x->agg ? "from fragments, "
				: x->state == OUT_HIT ? "from the cache, "
						      : "generated, ",
				x->tmp ? "rewritten" : "same bytes on disk");
		if (x->agg && x->state == OUT_MISS &&
		    x->agg->nmade < x->agg->n)
			fprintf(stderr, "explain: %s: %zu of %zu entity "
				"fragments made again, the rest copied from "
				"the last text\n", x->path, x->agg->nmade,
				x->agg->n);
		else if (x->agg && x->state == OUT_MISS)
			fprintf(stderr, "explain: %s: all %zu entity "
				"fragments made (no last text to copy from)"
				"\n", x->path, x->agg->n);
	}

	/* Every output in path order: the plan's (sorted) merged with the
	 * few extras. */
	order = xcalloc(nov + 1, sizeof(*order));
	{
		size_t a = 0, e = plan.n, nx = 0;

		/* The extras among themselves (at most three). */
		for (i = plan.n + 1; i < nov; i++)
			for (k = i; k > plan.n &&
			     strcmp(ov[k - 1].path, ov[k].path) > 0; k--) {
				struct out t = ov[k];

				ov[k] = ov[k - 1];
				ov[k - 1] = t;
			}
		/* Each extra's place in the plan found by halves: not a
		 * comparison per output (30,000 at 10,000 files). */
		while (a < plan.n || e < nov) {
			size_t lo = e < nov ? a : plan.n, hi = plan.n;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (strcmp(ov[mid].path, ov[e].path) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			while (a < lo)
				order[nx++] = a++;
			if (e < nov)
				order[nx++] = e++;
		}
	}

	/* Stale: what the last build wrote and this one does not. None when
	 * the plan is the last one (same model: same paths, same warnings
	 * files). */
	if (!stable) {
		remove_stale_outputs(&b, ov, nov, order, &touched);
		if (st->b.removed)
			nothing = false;
	}

	/* The new state's outputs, and the counts. */
	state_outs(&b, ov, nov, order, &st->b);
	record_dirs(&b, out_dir, &touched, stable);
	for (i = 0; i < touched.n; i++)
		free(touched.v[i]);
	ptrvec_free(&touched);
	st->b.ns_write = base_now_ns() - t0;

	st->b.incremental = true;
	st->b.warnings = plan.nwarnings;
	for (i = 0; i < plan.nwarnings; i++)
		ptrvec_push(&st->gen_warnings,
			    xstrdup(plan.warnings[i].message));

	/* 8. commit */
	stores_join(&b);
	t0 = base_now_ns();
	if (rc == DRV_EXIT_OK && b.cache) {
		struct commit c;
		struct sum_job sums = { 0 };

		if (!b.sums_stored)
			summaries_prepare(&b, b.rtxn, &sums, true);
		c.sums = &sums;
		if (b.rtxn) {
			/* Hit bytes were written already: end the read. */
			cache_txn_abort(b.rtxn);
			b.rtxn = NULL;
		}
		sbuf_init(&state_bytes);
		/* A state with racy files is saved again: its time moves. */
		state_write(next, b.prev, &state_bytes, b.pool);
		c.b = &b;
		c.v = ov;
		c.act = act;
		c.nact = nact;
		c.state = next;
		c.bytes = &state_bytes;
		c.save_state = !nothing || st->files_read > 0;
		closer_start(&closer);
		if (c.save_state || st->b.misses) {
			int e = store_err ? store_err
					  : store_batches(&b, ov, act, nact);

			c.t0 = t0;
			if (!e)
				e = cache_write(b.cache, commit_fn, &c);
			/* The map's pages let go beside the frees to come
			 * (not before the commit, which read many of them
			 * again); a process about to exit leaves them to
			 * exit, which unmaps them with no other thread left
			 * to stop and flush. */
			if (!b.keep && !o->leave_memory)
				cache_release_map_later(b.cache);
			if (!e && o->log_cmd)
				st->logged = true;

			if (e)
				fprintf(stderr, "locusc: warning: cannot update "
					"the cache: %s\n", cache_strerror(e));
		}
		sbuf_free(&state_bytes);
		summaries_free(&sums);
	}
	st->b.ns_commit = base_now_ns() - t0;
	st->nothing = nothing;
	if (statep && rc == DRV_EXIT_OK) {
		sums_keep(&b);
		share_handed(&b);
		*statep = next;
		b.next = NULL;
	}
out_lock:
	stores_join(&b);
	if (lock_fd >= 0)
		close(lock_fd);
out_plan:
	closer_end(&closer);
	if (b.rtxn)
		cache_txn_abort(b.rtxn);
	if (o->leave_memory)  /* exit gives it back */
		goto out;
	man_job_free(&b.man);
	for (i = 0; i < nov; i++) {
		drop_bytes(&ov[i]);
		free(ov[i].tmp);
	}
	xbig_free(ov);
	aggs_free(b.aggs, b.naggs);
	free(b.by_name);
	free(b.run_start);
	cg_plan_free(&plan);
	tree_set_free(&b, b.kept_files, b.nkept, &b.kept_trees);
	drv_model_free(&b.m);
	free(b.decl_of);
	free(b.unit_of);
	free(prev_units.slot);
	free(psrc);
	free(uprev);
	free(order);
	free(act);
out:
	dirs_join(&b);
	summaries_store_join(&b);
	/* The last state is freed with its kept summaries (a build that
	 * failed after the check): the project must not point into them. */
	for (i = 0; b.prev && b.prev->sums && b.sum_src && i < p->nfiles; i++)
		if (b.sum_src[i] == SUM_KEPT)
			for (k = 0; k < b.next->files[i].n; k++)
				p->units[b.next->files[i].first + k].sum = NULL;
	if (o->leave_memory) {  /* and the idle lanes, to exit */
		progress_end(&progress);
		return rc;
	}
	free_front_units(&b);
	share_strings(&b);
	drv_incr_free(b.next);
out_early:
	drv_incr_free(b.prev);
	free(b.dir_ok);
	free(b.dir_chunks);
	pool_free(b.pool);
	progress_end(&progress);
	free(b.skey);
	free((char *)b.spares.dir);
	free(b.src_abs);
	sbuf_free(&scratch);
	return rc;
}
