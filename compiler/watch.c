/*
 * watch.c - `locusc watch`: build, then rebuild on every change.
 *
 * File events are only a trigger. Each cycle rescans the source tree,
 * compares what it finds (path, inode, size, mtime, ctime of every
 * .locus file and of Locus.toml) with the previous scan, and rebuilds
 * when anything differs or when an event named an input. The same scan
 * adds a watch for every folder that appeared (before reading it, so a
 * file created in a fresh folder is either seen by the scan or reported
 * by the new watch) and drops the watches of folders that went away.
 *
 * On Linux the watches are inotify's, read through a uv_poll handle
 * rather than uv_fs_event: libuv drops IN_Q_OVERFLOW silently (its
 * reader skips events whose watch descriptor it does not know, and an
 * overflow has wd -1), and an overflow must never go unnoticed. When a
 * watch cannot be added (ENOSPC: the inotify watch limit) or the queue
 * overflows, watch says so and falls back to a full rescan every second.
 * LOCUS_WATCH_FORCE_POLL=1 takes that path from the start, and
 * LOCUS_WATCH_MAX_DIRS=N makes the (N+1)th watch fail as if the limit
 * were reached (both for tests).
 *
 * Every rebuild is a full build for now (the incremental engine and the
 * in-memory cache level come later).
 */
#define _DEFAULT_SOURCE /* d_type constants (DT_DIR, DT_REG) */
#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "../cache/cache.h"
#include "driver.h"
#include "incr.h"

#define POLL_MS 1000       /* the fallback's rescan period */
#define MAX_WAIT_MS 1000   /* longest a burst of events delays a rebuild */
#define VERIFY_MS 1000     /* how often idle watch looks at the output */

#ifdef __linux__
#define WATCH_MASK                                                       \
	(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | \
	 IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |    \
	 IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#endif

enum change_kind { CH_CHANGED, CH_ADDED, CH_DELETED };

static const char *const kind_word[] = { "changed", "added", "deleted" };

/* One input file as a scan saw it. */
struct fentry {
	char *rel;
	uint64_t ino;
	uint64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
};

struct snap {
	struct fentry *v;
	size_t n;
	size_t cap;
};

struct change {
	const char *rel;         /* owned by a snapshot or the event list */
	enum change_kind kind;
};

struct changes {
	struct change *v;
	size_t n;
	size_t cap;
};

/* A watched folder; the table is sorted by wd (the kernel hands them out
 * in increasing order, so appending keeps it sorted). */
struct wdir {
	int wd;
	char *rel;               /* "" for the source folder */
	bool seen;               /* found by the current scan */
};

struct watch {
	const struct drv_watch_opts *o;
	struct incr *state;      /* the last build, kept in memory */
	uv_loop_t loop;
	uv_timer_t debounce;
	uv_timer_t poll;
	uv_timer_t verify;       /* the output folders, every VERIFY_MS */
	uv_signal_t sigint;
	uv_signal_t sigterm;
	uv_poll_t events;
	int ifd;                 /* inotify descriptor, -1 when polling */
	bool polling;
	struct wdir *dirs;
	size_t ndirs;
	size_t capdirs;
	size_t scan_dirs;        /* folders the current scan watched */
	size_t max_dirs;         /* LOCUS_WATCH_MAX_DIRS; 0: no limit */
	struct snap snap;        /* the inputs as of the last scan */
	struct ptrvec named;     /* inputs named by events since then */
	struct ptrvec open_writes; /* of those, written and not closed */
	bool rescan;             /* an event the names cannot describe
				  * (folders, overflow, polling): the next
				  * cycle rescans the whole tree */
	uint64_t first_event_ms; /* of the pending burst; 0 when none */
	struct stat out_st, cache_st;
	bool has_out, has_cache;
	char *cache_dir;
	struct cache *cache;
	bool failed;             /* the last build did not succeed */
	bool built_once;         /* a build succeeded this session */
	bool out_ok;             /* the output folders were as the state
				  * records them, at the last build or the
				  * last look since */
	bool out_changed;        /* the last look found them changed */
};

/* ---- names ---- */

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/*
 * Editors' temporary and backup files: vim's 4913 probe and swap files,
 * emacs's foo~ and .#foo locks, and write-then-rename temporaries.
 * Hidden names are covered by the caller.
 */
static bool
temp_name(const char *name)
{
	return strcmp(name, "4913") == 0 || ends_with(name, "~") ||
	       ends_with(name, ".swp") || ends_with(name, ".swx") ||
	       ends_with(name, ".tmp");
}

/* Whether a file named name in folder rel is an input of the build. */
static bool
input_name(const char *rel, const char *name)
{
	if (name[0] == '.' || temp_name(name))
		return false;
	if (!*rel && strcmp(name, "Locus.toml") == 0)
		return true;
	return strlen(name) > 6 && ends_with(name, ".locus");
}

/* Folders the walk of a build skips too (walk.c), by name. */
static bool
skipped_dir_name(const char *name)
{
	return name[0] == '.' || strcmp(name, "node_modules") == 0;
}

static char *
join_rel(const char *dir, const char *name)
{
	struct sbuf b;

	sbuf_init(&b);
	if (*dir)
		sbuf_printf(&b, "%s/%s", dir, name);
	else
		sbuf_adds(&b, name);
	return b.p;
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_fentry(const void *a, const void *b)
{
	return strcmp(((const struct fentry *)a)->rel,
		      ((const struct fentry *)b)->rel);
}

/* ---- snapshots ---- */

static void
snap_free(struct snap *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].rel);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void
fentry_set(struct fentry *f, const struct stat *st)
{
	f->ino = (uint64_t)st->st_ino;
	f->size = (uint64_t)st->st_size;
	f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
		      st->st_mtim.tv_nsec;
	f->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 +
		      st->st_ctim.tv_nsec;
}

static void
snap_add(struct snap *s, char *rel, const struct stat *st)
{
	struct fentry *f;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	f = &s->v[s->n++];
	f->rel = rel;
	fentry_set(f, st);
}

static const struct fentry *
snap_find(const struct snap *s, const char *rel)
{
	struct fentry key = { .rel = (char *)rel };

	if (!s->n)
		return NULL;
	return bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_fentry);
}

static void
changes_add(struct changes *c, const char *rel, enum change_kind kind)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].rel = rel;
	c->v[c->n].kind = kind;
	c->n++;
}

/* Both snapshots sorted by path; the changes come out sorted too. */
static void
snap_diff(const struct snap *old, const struct snap *cur, struct changes *c)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < cur->n) {
		int d = i == old->n   ? 1
			: j == cur->n ? -1
				      : strcmp(old->v[i].rel, cur->v[j].rel);

		if (d < 0) {
			changes_add(c, old->v[i++].rel, CH_DELETED);
		} else if (d > 0) {
			changes_add(c, cur->v[j++].rel, CH_ADDED);
		} else {
			const struct fentry *a = &old->v[i++], *b = &cur->v[j++];

			if (a->ino != b->ino || a->size != b->size ||
			    a->mtime_ns != b->mtime_ns ||
			    a->ctime_ns != b->ctime_ns)
				changes_add(c, b->rel, CH_CHANGED);
		}
	}
}

/* ---- watches ---- */

static void
arm_debounce(struct watch *w, uint64_t delay_ms);
static void
fall_back(struct watch *w, const char *fmt, ...) BASE_PRINTF(2, 3);

static struct wdir *
find_dir(struct watch *w, int wd)
{
	size_t lo = 0, hi = w->ndirs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->dirs[mid].wd == wd)
			return &w->dirs[mid];
		if (w->dirs[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
forget_dir(struct watch *w, struct wdir *d)
{
	size_t i = (size_t)(d - w->dirs);

	free(d->rel);
	memmove(d, d + 1, (w->ndirs - i - 1) * sizeof(*d));
	w->ndirs--;
}

static void
drop_watches(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->ndirs; i++)
		free(w->dirs[i].rel);
	free(w->dirs);
	w->dirs = NULL;
	w->ndirs = w->capdirs = 0;
}

/*
 * Watches folder abs (relative path rel) before the scan reads it.
 * Returns false when the folder is gone (the scan skips it); any other
 * failure switches to polling and returns true.
 */
static bool
watch_dir(struct watch *w, const char *abs, const char *rel)
{
#ifdef __linux__
	struct wdir *d;
	int wd;

	if (w->ifd < 0)
		return true;
	if (w->max_dirs && w->scan_dirs >= w->max_dirs) {
		wd = -1;
		errno = ENOSPC;
	} else {
		wd = inotify_add_watch(w->ifd, abs, WATCH_MASK);
	}
	if (wd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return false;
		if (errno == ENOSPC)
			fall_back(w, "cannot watch '%s': the inotify watch limit "
				  "is reached (raise fs.inotify.max_user_watches)",
				  abs);
		else
			fall_back(w, "cannot watch '%s': %s", abs,
				  strerror(errno));
		return true;
	}
	w->scan_dirs++;
	d = find_dir(w, wd);
	if (!d) {
		size_t i = w->ndirs;

		if (w->ndirs == w->capdirs) {
			w->capdirs = w->capdirs ? w->capdirs * 2 : 32;
			w->dirs = xrealloc(w->dirs,
					   w->capdirs * sizeof(*w->dirs));
		}
		while (i > 0 && w->dirs[i - 1].wd > wd)
			i--;
		memmove(&w->dirs[i + 1], &w->dirs[i],
			(w->ndirs - i) * sizeof(*w->dirs));
		w->ndirs++;
		d = &w->dirs[i];
		d->wd = wd;
		d->rel = xstrdup(rel);
	} else if (strcmp(d->rel, rel) != 0) {
		/* The folder was renamed: the watch follows the inode. */
		free(d->rel);
		d->rel = xstrdup(rel);
	}
	d->seen = true;
#else
	(void)w;
	(void)abs;
	(void)rel;
#endif
	return true;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void
scan_dir(struct watch *w, struct snap *s, const char *abs, const char *rel,
	 int depth)
{
	struct dirent *de;
	DIR *dir;

	if (depth > 64 || !watch_dir(w, abs, rel))
		return;
	dir = opendir(abs);
	if (!dir)
		return; /* the build reports unreadable folders */
	while ((de = readdir(dir)) != NULL) {
		const char *name = de->d_name;
		struct stat st;
		char *a, *r;
		bool is_dir;

		if (name[0] == '.')
			continue;
		a = join_rel(abs, name);
#ifdef DT_DIR
		if (de->d_type == DT_DIR)
			is_dir = true;
		else if (de->d_type == DT_REG)
			is_dir = false;
		else
#endif
			/* Links to folders are not followed (walk.c). */
			is_dir = lstat(a, &st) == 0 && S_ISDIR(st.st_mode);
		if (is_dir) {
			if (!skipped_dir_name(name) && lstat(a, &st) == 0 &&
			    !(w->has_out && same_file(&st, &w->out_st)) &&
			    !(w->has_cache && same_file(&st, &w->cache_st))) {
				r = join_rel(rel, name);
				scan_dir(w, s, a, r, depth + 1);
				free(r);
			}
		} else if (input_name(rel, name) && stat(a, &st) == 0 &&
			   S_ISREG(st.st_mode)) {
			snap_add(s, join_rel(rel, name), &st);
		}
		free(a);
	}
	closedir(dir);
}

/* Rescans the whole tree into s, adding and dropping watches. */
static void
scan(struct watch *w, struct snap *s)
{
	size_t i, k;

	w->has_out = w->o->build.out_dir &&
		     stat(w->o->build.out_dir, &w->out_st) == 0;
	w->has_cache = w->cache_dir && stat(w->cache_dir, &w->cache_st) == 0;
	for (i = 0; i < w->ndirs; i++)
		w->dirs[i].seen = false;
	w->scan_dirs = 0;
	scan_dir(w, s, w->o->check.src_dir, "", 0);
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_fentry);
	if (w->ifd < 0)
		return;
	/* Folders deleted, moved out of the tree or now skipped. */
	for (i = k = 0; i < w->ndirs; i++) {
		if (w->dirs[i].seen) {
			w->dirs[k++] = w->dirs[i];
			continue;
		}
#ifdef __linux__
		inotify_rm_watch(w->ifd, w->dirs[i].wd);
#endif
		free(w->dirs[i].rel);
	}
	w->ndirs = k;
}

/* ---- building ---- */

/* "ui/home.locus changed", "3 files deleted", "4 files changed". */
static char *
describe(const struct changes *c)
{
	struct sbuf b;
	size_t i;
	enum change_kind k;

	sbuf_init(&b);
	if (c->n == 1) {
		sbuf_printf(&b, "%s %s", c->v[0].rel, kind_word[c->v[0].kind]);
		return b.p;
	}
	k = c->v[0].kind;
	for (i = 1; i < c->n; i++)
		if (c->v[i].kind != k)
			k = CH_CHANGED;
	sbuf_printf(&b, "%zu files %s", c->n, kind_word[k]);
	return b.p;
}

/* --timings: the phases of a build on one line under its own. */
static void
print_timings(const struct drv_project *p, const struct drv_build_stats *bs)
{
	struct drv_phase rows[DRV_TIMING_ROWS];
	size_t i, n = drv_timing_rows(p, bs, rows);

	fputs("[watch]   ", stderr);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s %.1f", i ? ", " : "", rows[i].name,
			(double)rows[i].ns / 1e6);
	fputs(" ms\n", stderr);
}

/* --timings, once the build's memory is freed: what watch keeps
 * between rebuilds (the allocator's count of bytes in use; the resident
 * set also counts free memory the allocator has not given back). */
static void
print_heap(void)
{
#if defined(__GLIBC__) && \
	(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();

	fprintf(stderr, "[watch]   heap %.1f MB in use, %.1f MB free in "
		"the allocator\n",
		(double)(mi.uordblks + mi.hblkhd) / 1048576.0,
		(double)mi.fordblks / 1048576.0);
#endif
}

/* One build; prints one line saying what came of it. changed: the
 * inputs that changed, when no rescan was needed (the engine then skips
 * its walk). */
static void
rebuild(struct watch *w, const char *what, const struct changes *changed)
{
	const struct drv_watch_opts *o = w->o;
	struct drv_check_opts co = o->check;
	struct drv_build_stats bs;
	struct drv_config cfg;
	struct drv_project p;
	uint64_t t0 = base_now_ns(), t_end;
	double ms;
	size_t i;
	int rc;
	bool log_now = false;  /* the log has no record yet */

	memset(&bs, 0, sizeof(bs));
	co.keep_trees = true;
	rc = drv_config_load(co.src_dir, &cfg);
	if (rc != DRV_EXIT_OK) {
		fprintf(stderr, "[watch] %s: Locus.toml cannot be used; %s\n",
			what, w->built_once ? "the last good build is kept"
					    : "nothing written");
		w->failed = true;
		return;
	}
	{
		/* The incremental engine; its state stays in memory between
		 * rebuilds (the first cache level) and is committed to the
		 * cache by every build. */
		struct drv_incr_opts io = { .check = &co, .build = &o->build,
					    .cfg = &cfg, .cache = w->cache,
					    .explain = o->explain,
					    .trust_out = w->out_ok,
					    .log_cmd = "watch", .log_t0 = t0 };
		struct drv_incr_stats is;
		const char **rels = NULL;
		int brc;

		if (changed) {
			rels = xcalloc(changed->n + 1, sizeof(*rels));
			for (i = 0; i < changed->n; i++)
				rels[i] = changed->v[i].rel;
			io.use_changed = true;
			io.changed = rels;
			io.nchanged = changed->n;
		}
		brc = drv_incr_build(&io, &w->state, &p, &is);
		free(rels);
		/* A good build leaves the folders as its state records
		 * them; a failed one wrote nothing, so what was known
		 * still holds. */
		if (brc == DRV_EXIT_OK && !is.failed && !p.errors &&
		    !p.io_errors)
			w->out_ok = true;
		else if (brc != DRV_EXIT_OK)
			w->out_ok = false;
		w->out_changed = false;

		if (brc != DRV_EXIT_USAGE) {
			for (i = 0; i < p.nfiles; i++)
				if (p.files[i].read_err)
					fprintf(stderr, "locusc: error: cannot "
						"read '%s': %s\n",
						p.files[i].path,
						base_strerror(
							p.files[i].read_err));
			drv_report(&p, &o->report);
			drv_incr_warnings(&is, o->build.print_warnings);
			rc = p.io_errors ? DRV_EXIT_IO
					 : p.errors ? DRV_EXIT_SOURCE : brc;
			bs = is.b;
			log_now = !is.logged;
		} else {
			rc = brc;
		}
	}
	t_end = base_now_ns();
	ms = (double)(t_end - t0) / 1e6;
	if (rc == DRV_EXIT_OK) {
		fprintf(stderr, "[watch] %s: %s in %.0f ms, %zu file%s "
			"written", what,
			w->failed && w->built_once ? "errors fixed, rebuilt"
			: !w->built_once	    ? "built"
						    : "rebuilt",
			ms, bs.written, bs.written == 1 ? "" : "s");
		if (bs.removed)
			fprintf(stderr, ", %zu removed", bs.removed);
		fputc('\n', stderr);
		w->failed = false;
		w->built_once = true;
	} else if (rc == DRV_EXIT_SOURCE) {
		fprintf(stderr, "[watch] %s: %zu error%s in %.0f ms; %s\n",
			what, p.errors, p.errors == 1 ? "" : "s", ms,
			w->built_once ? "the last good build is kept"
				      : "nothing written");
		w->failed = true;
	} else {
		fprintf(stderr, "[watch] %s: the build failed; %s\n", what,
			w->built_once ? "the last good build is kept"
				      : "nothing written");
		w->failed = true;
	}
	if (o->timings)
		print_timings(&p, rc == DRV_EXIT_OK ? &bs : NULL);
	/* The build log, unless the commit had it, after the line: the
	 * person waits for the line. */
	if (log_now)
		drv_log_build(w->cache, "watch", &p, &bs, rc, t_end - t0);
	/* The next look at the output folders is a quiet second away: not
	 * in the middle of a run of saves. */
	if (uv_is_active((uv_handle_t *)&w->verify))
		uv_timer_again(&w->verify);
	drv_project_free(&p);
	drv_config_free(&cfg);
	/* The heap first, then the state's strings compacted and the files
	 * the build replaced closed. */
	drv_incr_tidy(w->state);
	/* Each rebuild maps the cache's pages it reads (leaves, state,
	 * blobs); kept, they made the resident set grow by about 60 MB over
	 * 300 saves at 10,000 files. Let them go (a few hundred are mapped
	 * again by the next save). */
	if (w->cache)
		cache_release_map(w->cache);
#ifdef __GLIBC__
	/* A long build (the first, a cold one) freed most of what it used;
	 * give it back, so that watch does not sit on the peak. */
	if (ms > 200)
		malloc_trim(0);
#endif
	if (o->timings)
		print_heap();
}

/*
 * After events that named files only: those files stat'ed again, the
 * snapshot updated in place and their changes added to c (pointing at
 * the names in w->named). No folder is read and no watch is added (a
 * new folder is a folder event, which rescans).
 */
static void
rescan_named(struct watch *w, struct changes *c)
{
	size_t i, k, n0 = w->snap.n;
	bool added = false, *gone = xcalloc(n0 + 1, sizeof(*gone));

	/* named is sorted: skip repeats. Lookups stay in the first n0
	 * entries, still sorted while new ones are appended. */
	for (i = 0; i < w->named.n; i++) {
		const char *rel = w->named.v[i];
		struct snap old = { w->snap.v, n0, n0 };
		struct fentry *f;
		char *abs;
		struct stat st;
		bool there;

		if (i > 0 && strcmp(rel, w->named.v[i - 1]) == 0)
			continue;
		f = (struct fentry *)snap_find(&old, rel);
		abs = join_rel(w->o->check.src_dir, rel);
		there = stat(abs, &st) == 0 && S_ISREG(st.st_mode);
		free(abs);
		if (f && there) {
			fentry_set(f, &st);
			/* Changed even when the stat looks the same (two
			 * writes within one timestamp tick): rebuilding
			 * once too often is cheaper than missing one. */
			changes_add(c, rel, CH_CHANGED);
		} else if (f) {
			gone[f - w->snap.v] = true;
			changes_add(c, rel, CH_DELETED);
		} else if (there) {
			snap_add(&w->snap, xstrdup(rel), &st);
			changes_add(c, rel, CH_ADDED);
			added = true;
		}
	}
	for (i = k = 0; i < w->snap.n; i++) {
		if (i < n0 && gone[i])
			free(w->snap.v[i].rel);
		else
			w->snap.v[k++] = w->snap.v[i];
	}
	w->snap.n = k;
	free(gone);
	if (added)
		qsort(w->snap.v, w->snap.n, sizeof(*w->snap.v), cmp_fentry);
}

/*
 * Works out what changed since the last cycle (a rescan of the tree, or
 * only the files events named) and rebuilds when anything did (always
 * when initial).
 */
static void
cycle(struct watch *w, bool initial)
{
	struct snap cur = { 0 };
	struct changes c = { 0 };
	size_t i;
	char *what;
	bool full = initial || w->rescan || w->polling;

	w->first_event_ms = 0;
	if (w->named.n > 1)
		qsort(w->named.v, w->named.n, sizeof(void *), cmp_cstr);
	w->rescan = false;
	if (full) {
		size_t ndiff;

		scan(w, &cur);
		snap_diff(&w->snap, &cur, &c);
		ndiff = c.n;
		/* An input an event named counts even when its stat looks
		 * the same (see rescan_named). */
		for (i = 0; i < w->named.n; i++) {
			const char *rel = w->named.v[i];
			size_t j;
			bool dup = false;

			if (i > 0 && strcmp(rel, w->named.v[i - 1]) == 0)
				continue;
			for (j = 0; j < ndiff && !dup; j++)
				dup = strcmp(c.v[j].rel, rel) == 0;
			if (!dup && snap_find(&cur, rel))
				changes_add(&c, rel, CH_CHANGED);
		}
	} else {
		rescan_named(w, &c);
	}
	if (initial) {
		rebuild(w, "initial build", NULL);
	} else if (c.n) {
		what = describe(&c);
		rebuild(w, what, full ? NULL : &c);
		free(what);
	} else if (w->out_changed) {
		rebuild(w, "output folder changed on disk", full ? NULL : &c);
	}
	free(c.v);
	for (i = 0; i < w->named.n; i++)
		free(w->named.v[i]);
	w->named.n = 0;
	/* A writer that never closes waits the whole window each time,
	 * not forever. */
	for (i = 0; i < w->open_writes.n; i++)
		free(w->open_writes.v[i]);
	w->open_writes.n = 0;
	if (full) {
		snap_free(&w->snap);
		w->snap = cur;
	}
}

static void
on_debounce(uv_timer_t *t)
{
	cycle(t->data, false);
}

/* Starts (or restarts) the quiet window; a steady stream of events
 * still gets a rebuild every MAX_WAIT_MS (or window, when longer). */
static void
arm_debounce(struct watch *w, uint64_t delay_ms)
{
	uint64_t now = uv_now(&w->loop);
	uint64_t max = w->o->debounce_ms > MAX_WAIT_MS ? w->o->debounce_ms
						       : MAX_WAIT_MS;

	if (!w->first_event_ms)
		w->first_event_ms = now ? now : 1;
	if (now - w->first_event_ms + delay_ms > max)
		delay_ms = now - w->first_event_ms >= max
				   ? 0
				   : max - (now - w->first_event_ms);
	uv_timer_start(&w->debounce, on_debounce, delay_ms, 0);
}

/* The fallback: a rescan every POLL_MS; a difference starts the quiet
 * window, whose cycle rescans and builds (a save caught halfway is
 * built once it is complete). */
static void
on_poll(uv_timer_t *t)
{
	struct watch *w = t->data;
	struct snap cur = { 0 };
	struct changes c = { 0 };

	if (uv_is_active((uv_handle_t *)&w->debounce))
		return;
	scan(w, &cur);
	snap_diff(&w->snap, &cur, &c);
	if (c.n) {
		w->rescan = true;
		arm_debounce(w, w->o->debounce_ms);
	}
	free(c.v);
	snap_free(&cur);
}

/*
 * Rebuilds do not stat every output folder (thousands in a large app):
 * watch looks at them once it has been idle for VERIFY_MS, and again
 * every VERIFY_MS while it stays idle; a folder found
 * changed (an output deleted or replaced by hand) gets a rebuild that
 * restores it. Until that look, a rebuild trusts the last one.
 */
static void
on_verify(uv_timer_t *t)
{
	struct watch *w = t->data;

	if (!w->state || uv_is_active((uv_handle_t *)&w->debounce))
		return;
	if (drv_incr_outputs_intact(w->state, w->o->build.out_dir)) {
		w->out_ok = true;
		return;
	}
	w->out_ok = false;
	/* After a failed build the next good save rebuilds (and looks)
	 * anyway; rebuilding now would only repeat its errors. */
	if (!w->failed) {
		w->out_changed = true;
		arm_debounce(w, 0);
	}
}

static void
fall_back(struct watch *w, const char *fmt, ...)
{
	va_list ap;

	if (w->polling)
		return;
	fprintf(stderr, "locusc: warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; watch falls back to rescanning every %d s, so "
		"changes take up to that long to be noticed\n",
		POLL_MS / 1000);
	w->polling = true;
	if (w->ifd >= 0) {
		uv_close((uv_handle_t *)&w->events, NULL);
		close(w->ifd);
		w->ifd = -1;
	}
	drop_watches(w);
	/* Events may have been lost: rescan everything at once. */
	w->rescan = true;
	arm_debounce(w, 0);
	uv_timer_start(&w->poll, on_poll, POLL_MS, POLL_MS);
}

#ifdef __linux__
/* Files written to (created or modified) and not closed yet. */
static void
open_write(struct watch *w, const char *rel, uint32_t mask)
{
	size_t i;

	for (i = 0; i < w->open_writes.n; i++)
		if (strcmp(w->open_writes.v[i], rel) == 0)
			break;
	if (mask & (IN_CREATE | IN_MODIFY)) {
		if (i == w->open_writes.n)
			ptrvec_push(&w->open_writes, xstrdup(rel));
	} else if (mask & (IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM) &&
		   i < w->open_writes.n) {
		free(w->open_writes.v[i]);
		w->open_writes.v[i] = w->open_writes.v[--w->open_writes.n];
	}
}

static void
on_event(struct watch *w, const struct inotify_event *e)
{
	struct wdir *d;
	char *rel;
	bool complete;

	if (e->mask & IN_Q_OVERFLOW) {
		fall_back(w, "too many file events at once (the inotify queue "
			  "overflowed)");
		return;
	}
	d = find_dir(w, e->wd);
	if (!d)
		return; /* a watch dropped by the last scan */
	if (e->mask & IN_IGNORED) {
		/* The folder is gone and so is its watch. */
		forget_dir(w, d);
		w->rescan = true;
		arm_debounce(w, w->o->debounce_ms);
		return;
	}
	if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		w->rescan = true;
		arm_debounce(w, w->o->debounce_ms);
		return;
	}
	if (!e->len)
		return;
	if (e->mask & IN_ISDIR) {
		/* New, deleted or renamed folders: the rescan sees them. */
		if (!skipped_dir_name(e->name)) {
			w->rescan = true;
			arm_debounce(w, w->o->debounce_ms);
		}
		return;
	}
	if (!input_name(d->rel, e->name))
		return;
	rel = join_rel(d->rel, e->name);
	open_write(w, rel, e->mask);
	ptrvec_push(&w->named, rel);
	/* A file closed after writing or renamed into place is whole: a
	 * tenth of the window is enough to gather the rest of a burst.
	 * Anything else may be the first half of a save. */
	complete = (e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_ATTRIB)) &&
		   !(e->mask & (IN_CREATE | IN_MODIFY | IN_DELETE |
				IN_MOVED_FROM)) &&
		   w->open_writes.n == 0 && !w->rescan;
	arm_debounce(w, complete ? w->o->debounce_ms / 10
				 : w->o->debounce_ms);
}

static void
on_readable(uv_poll_t *h, int status, int events)
{
	struct watch *w = h->data;
	union {
		struct inotify_event e;
		char b[16384];
	} buf;

	(void)events;
	if (status < 0) {
		fall_back(w, "cannot read file events: %s", uv_strerror(status));
		return;
	}
	while (w->ifd >= 0) {
		ssize_t n = read(w->ifd, buf.b, sizeof(buf.b));
		const char *q;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			fall_back(w, "cannot read file events: %s",
				  n < 0 ? strerror(errno) : "end of file");
			break;
		}
		for (q = buf.b; q < buf.b + n && w->ifd >= 0;) {
			const struct inotify_event *e =
				(const struct inotify_event *)(const void *)q;

			on_event(w, e);
			q += sizeof(*e) + e->len;
		}
	}
}
#endif

static void
on_signal(uv_signal_t *h, int signum)
{
	struct watch *w = h->data;

	(void)signum;
	uv_stop(&w->loop);
}

static void
close_handle(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void
start_watching(struct watch *w)
{
	const char *v;

	v = getenv("LOCUS_WATCH_MAX_DIRS");
	if (v && *v)
		w->max_dirs = (size_t)strtoul(v, NULL, 10);
	v = getenv("LOCUS_WATCH_FORCE_POLL");
	if (v && *v && strcmp(v, "0") != 0) {
		fall_back(w, "LOCUS_WATCH_FORCE_POLL is set");
		return;
	}
#ifdef __linux__
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0) {
		fall_back(w, "cannot watch for file events: %s",
			  strerror(errno));
		return;
	}
	uv_poll_init(&w->loop, &w->events, w->ifd);
	w->events.data = w;
	uv_poll_start(&w->events, UV_READABLE, on_readable);
#else
	fall_back(w, "file events are only used on Linux");
#endif
}

int
drv_watch(const struct drv_watch_opts *o)
{
	struct watch *w;
	struct stat st;
	size_t i;
	int rc;

	if (stat(o->check.src_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "locusc: error: cannot watch '%s': %s\n",
			o->check.src_dir,
			stat(o->check.src_dir, &st) != 0 ? strerror(errno)
							 : "not a folder");
		return DRV_EXIT_USAGE;
	}
	w = xcalloc(1, sizeof(*w));
	w->o = o;
	w->ifd = -1;
	rc = uv_loop_init(&w->loop);
	if (rc != 0) {
		fprintf(stderr, "locusc: error: cannot start the event loop: "
			"%s\n", uv_strerror(rc));
		free(w);
		return DRV_EXIT_IO;
	}
	uv_timer_init(&w->loop, &w->debounce);
	uv_timer_init(&w->loop, &w->poll);
	uv_timer_init(&w->loop, &w->verify);
	w->verify.data = w;
	uv_signal_init(&w->loop, &w->sigint);
	uv_signal_init(&w->loop, &w->sigterm);
	w->debounce.data = w->poll.data = w;
	w->sigint.data = w->sigterm.data = w;
	uv_signal_start(&w->sigint, on_signal, SIGINT);
	uv_signal_start(&w->sigterm, on_signal, SIGTERM);
	w->cache_dir = drv_cache_dir(o->cache_dir);
	w->cache = drv_cache_open(w->cache_dir);

	/* Watches first, then the build: an edit made while it runs is
	 * reported by an event. */
	start_watching(w);
	uv_update_time(&w->loop);
	cycle(w, true);
	uv_timer_start(&w->verify, on_verify, VERIFY_MS, VERIFY_MS);
	if (w->polling)
		fprintf(stderr, "[watch] rescanning %s every %d s; Ctrl-C to "
			"stop\n", o->check.src_dir, POLL_MS / 1000);
	else
		fprintf(stderr, "[watch] watching %zu folder%s under %s; "
			"Ctrl-C to stop\n", w->ndirs,
			w->ndirs == 1 ? "" : "s", o->check.src_dir);
	uv_run(&w->loop, UV_RUN_DEFAULT);

	uv_walk(&w->loop, close_handle, NULL);
	uv_run(&w->loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&w->loop);
	BASE_ASSERT(rc == 0);
	if (w->ifd >= 0)
		close(w->ifd);
	fprintf(stderr, "[watch] stopped\n");
	drop_watches(w);
	snap_free(&w->snap);
	for (i = 0; i < w->named.n; i++)
		free(w->named.v[i]);
	ptrvec_free(&w->named);
	for (i = 0; i < w->open_writes.n; i++)
		free(w->open_writes.v[i]);
	ptrvec_free(&w->open_writes);
	drv_incr_free(w->state);
	cache_close(w->cache);
	free(w->cache_dir);
	free(w);
	return DRV_EXIT_OK;
}
