/*
 * walk.c - find the .locus files of a project.
 *
 * The walk skips hidden directories (".git", ".cache"), node_modules and
 * the output directory, and does not follow symbolic links to
 * directories (a link cycle cannot hang it). File order is the byte order
 * of relative paths, so it is the same on every machine and file system.
 */
#define _DEFAULT_SOURCE /* d_type constants (DT_DIR, DT_REG) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"
#include "../graph/pool.h"

/* A folder waiting to be read. */
struct wdir {
	struct drv_walker *w;
	char *abs;
	char *rel;                 /* "" for the source folder */
	int depth;
};

/* What one lane found: each folder's files, sorted, one after another
 * (a run per folder; ends[] where each ends). */
struct wlane {
	struct drv_walk_ent *v;
	size_t n, cap;
	size_t *ends;
	size_t nends, capends;
	struct arena *a;           /* its strings, with an `into` arena */
};

struct drv_walker {
	struct pool *pool;
	pthread_mutex_t mu;        /* guards the error fields */
	bool want_stat;
	dev_t skip_dev;
	ino_t skip_ino;
	bool has_skip;
	bool root_failed;
	char *bad_path;
	int err;
	struct arena *into;        /* NULL: rel is xmalloc'd */
	drv_walk_seen_fn *seen;
	void *seen_ctx;
	const char *prefix;        /* of path, with into */
	struct wlane lanes[POOL_MAX_LANES];
};

static bool
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int
map_errno(int e)
{
	if (e == ENOENT)
		return BASE_ENOENT;
	if (e == ENOTDIR)
		return BASE_ENOTDIR;
	if (e == EACCES || e == EPERM)
		return BASE_EACCES;
	return BASE_EIO;
}

/*
 * What a directory entry is, in st->st_mode: from readdir's d_type when
 * the file system gives it (no system call), else from fstatat. Links
 * are followed to files but never to directories, so a link cycle cannot
 * hang the walk. False when the entry is to be skipped.
 */
static bool
entry_type(const struct dirent *de, int dfd, struct stat *st)
{
#ifdef DT_DIR
	if (de->d_type == DT_DIR) {
		st->st_mode = S_IFDIR;
		return true;
	}
	if (de->d_type == DT_REG) {
		st->st_mode = S_IFREG;
		return true;
	}
#endif
	if (fstatat(dfd, de->d_name, st, AT_SYMLINK_NOFOLLOW) != 0)
		return false;
	if (S_ISLNK(st->st_mode))
		return fstatat(dfd, de->d_name, st, 0) == 0 &&
		       !S_ISDIR(st->st_mode);
	return true;
}

const char *
drv_src_prefix(struct arena *a, const char *src_dir)
{
	size_t n = strlen(src_dir);

	if (strcmp(src_dir, ".") == 0)
		return "";
	return arena_printf(a, "%s%s", src_dir,
			    n && src_dir[n - 1] == '/' ? "" : "/");
}

void
drv_walk_spell(struct arena *a, const char *prefix, const char *dir,
	       size_t dlen, const char *name, struct drv_walk_ent *e)
{
	size_t plen = strlen(prefix), nlen = strlen(name);
	char *s = arena_alloc(a, plen + dlen + nlen + 2);

	memcpy(s, prefix, plen);
	e->path = s;
	e->rel = s + plen;
	s += plen;
	if (dlen) {
		memcpy(s, dir, dlen);
		s[dlen] = '/';
		s += dlen + 1;
	}
	memcpy(s, name, nlen + 1);
}

static int
cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct drv_walk_ent *)a)->rel,
		      ((const struct drv_walk_ent *)b)->rel);
}

static void read_dir(void *arg, unsigned lane);

static void
push_dir(struct drv_walker *w, char *abs, char *rel, int depth)
{
	struct wdir *d = xmalloc(sizeof(*d));

	d->w = w;
	d->abs = abs;
	d->rel = rel;
	d->depth = depth;
	pool_submit(w->pool, read_dir, d);
}

static char *
join2(const char *a, size_t na, const char *b, size_t nb)
{
	char *s = xmalloc(na + nb + 2);
	size_t k = 0;

	if (na) {
		memcpy(s, a, na);
		s[na] = '/';
		k = na + 1;
	}
	memcpy(s + k, b, nb);
	s[k + nb] = 0;
	return s;
}

/* A pool task: one folder. */
static void
read_dir(void *arg, unsigned lane)
{
	struct wdir *wd = arg;
	struct drv_walker *w = wd->w;
	struct wlane *l = &w->lanes[lane];
	DIR *d;
	struct dirent *de;
	int dfd;
	size_t alen = strlen(wd->abs), rlen = strlen(wd->rel);
	size_t first = l->n;

	if (wd->depth > 64)
		goto done;
	d = opendir(wd->abs);
	if (!d) {
		int e = errno;

		pthread_mutex_lock(&w->mu);
		if (wd->depth == 0)
			w->root_failed = true;
		if (!w->err) {
			w->err = map_errno(e);
			w->bad_path = xstrdup(wd->abs);
		}
		pthread_mutex_unlock(&w->mu);
		goto done;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		size_t nlen = strlen(name);
		struct stat st;

		if (name[0] == '.')
			continue;
		if (!entry_type(de, dfd, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(name, "node_modules") == 0)
				continue;
			if (w->has_skip && fstatat(dfd, name, &st, 0) == 0 &&
			    st.st_dev == w->skip_dev && st.st_ino == w->skip_ino)
				continue;
			{
				char *a = join2(wd->abs, alen, name, nlen);
				char *r = join2(wd->rel, rlen, name, nlen);

				push_dir(w, a, r, wd->depth + 1);
			}
		} else if (S_ISREG(st.st_mode) &&
			   ends_with(name, nlen, ".locus")) {
			struct drv_walk_ent *e;

			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 256;
				l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
			}
			e = &l->v[l->n++];
			memset(e, 0, sizeof(*e));
			if (w->into) {
				if (!l->a)
					l->a = arena_new();
				drv_walk_spell(l->a, w->prefix, wd->rel, rlen,
					       name, e);
			} else {
				e->rel = join2(wd->rel, rlen, name, nlen);
			}
			/* The stat the caller needs, relative to the open
			 * folder: no path lookup from the root. */
			if (w->want_stat && fstatat(dfd, name, &st, 0) == 0) {
				e->stat_ok = true;
				e->mtime_ns = (int64_t)st.st_mtim.tv_sec *
						      1000000000 +
					      st.st_mtim.tv_nsec;
				e->size = (uint64_t)st.st_size;
				e->ino = (uint64_t)st.st_ino;
			}
		}
	}
	closedir(d);
	/* Sorted here, on the lanes: drv_walk_end merges the runs. */
	if (l->n > first + 1)
		qsort(l->v + first, l->n - first, sizeof(*l->v), cmp_ent);
	if (l->n > first) {
		if (l->nends == l->capends) {
			l->capends = l->capends ? l->capends * 2 : 16;
			l->ends = xrealloc(l->ends,
					   l->capends * sizeof(*l->ends));
		}
		l->ends[l->nends++] = l->n;
	}
	if (w->seen && l->n > first)
		w->seen(w->seen_ctx, l->v + first, l->n - first);
done:
	free(wd->abs);
	free(wd->rel);
	free(wd);
}

struct drv_walker *
drv_walk_begin(struct pool *pool, const char *src_dir, const char *skip_dir,
	       bool want_stat, struct arena *into, drv_walk_seen_fn *seen,
	       void *seen_ctx)
{
	struct drv_walker *w = xcalloc(1, sizeof(*w));
	struct stat st;
	size_t len;

	w->pool = pool;
	w->want_stat = want_stat;
	w->into = into;
	w->seen = seen;
	w->seen_ctx = seen_ctx;
	w->prefix = into ? drv_src_prefix(into, src_dir) : "";
	pthread_mutex_init(&w->mu, NULL);
	if (stat(src_dir, &st) != 0) {
		w->root_failed = true;
		w->err = map_errno(errno);
		return w;
	}
	if (!S_ISDIR(st.st_mode)) {
		w->root_failed = true;
		w->err = BASE_ENOTDIR;
		return w;
	}
	if (skip_dir && stat(skip_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		w->has_skip = true;
		w->skip_dev = st.st_dev;
		w->skip_ino = st.st_ino;
	}
	len = strlen(src_dir);
	while (len > 1 && src_dir[len - 1] == '/')
		len--;
	push_dir(w, xstrndup(src_dir, len), xstrdup(""), 0);
	return w;
}

/* A folder's files, sorted. */
struct wrun {
	const struct drv_walk_ent *v;
	size_t n;
};

static int
cmp_run(const void *a, const void *b)
{
	return strcmp(((const struct wrun *)a)->v[0].rel,
		      ((const struct wrun *)b)->v[0].rel);
}

/*
 * One list in byte order of paths from the folders' runs: the runs in
 * the order of their first paths, one after another. That is the order
 * unless a folder's files fall between another's (a folder with files
 * and folders both, named so that they interleave); then the runs are
 * merged, two at a time.
 */
static struct drv_walk_ent *
join_runs(struct wrun *r, size_t nr, size_t total)
{
	struct drv_walk_ent *v = xmalloc((total + 1) * sizeof(*v)), *t, *sw;
	size_t *at = xmalloc((nr + 1) * sizeof(*at)), i, k = 0, w;
	bool sorted = true;

	qsort(r, nr, sizeof(*r), cmp_run);
	for (i = 0; i < nr; i++) {
		at[i] = k;
		memcpy(v + k, r[i].v, r[i].n * sizeof(*v));
		k += r[i].n;
		if (i && strcmp(v[at[i] - 1].rel, v[at[i]].rel) > 0)
			sorted = false;
	}
	at[nr] = total;
	if (sorted) {
		free(at);
		return v;
	}
	t = xmalloc((total + 1) * sizeof(*t));
	while (nr > 1) {
		for (i = 0, w = 0; i < nr; i += 2, w++) {
			size_t a = at[i], ae = at[i + 1];
			size_t b = ae, be = i + 1 < nr ? at[i + 2] : ae;

			k = a;
			while (a < ae && b < be)
				t[k++] = strcmp(v[a].rel, v[b].rel) <= 0
						 ? v[a++] : v[b++];
			while (a < ae)
				t[k++] = v[a++];
			while (b < be)
				t[k++] = v[b++];
			at[w] = at[i];
		}
		at[w] = total;
		nr = w;
		sw = v;
		v = t;
		t = sw;
	}
	free(t);
	free(at);
	return v;
}

int
drv_walk_end(struct drv_walker *w, const char *src_dir,
	     struct drv_walk_ent **out, size_t *n, char **bad_path)
{
	unsigned t, nl = pool_lanes(w->pool);
	size_t total = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	*bad_path = NULL;
	for (t = 0; t < nl; t++)
		total += w->lanes[t].n;
	for (t = 0; t < nl; t++)
		if (w->lanes[t].a)
			arena_adopt(w->into, w->lanes[t].a);
	if (w->root_failed) {
		/* The source folder itself could not be read. */
		for (t = 0; t < nl; t++) {
			for (size_t i = 0; !w->into && i < w->lanes[t].n; i++)
				free(w->lanes[t].v[i].rel);
			free(w->lanes[t].v);
		}
		*bad_path = xstrdup(src_dir);
		rc = w->err;
	} else {
		/* One list, in byte order of paths, whatever lane found
		 * what. */
		struct wrun *r;
		size_t nr = 0, i, from;

		for (t = 0; t < nl; t++)
			nr += w->lanes[t].nends;
		r = xmalloc((nr + 1) * sizeof(*r));
		nr = 0;
		for (t = 0; t < nl; t++)
			for (i = 0, from = 0; i < w->lanes[t].nends; i++) {
				r[nr].v = w->lanes[t].v + from;
				r[nr++].n = w->lanes[t].ends[i] - from;
				from = w->lanes[t].ends[i];
			}
		*out = join_runs(r, nr, total);
		*n = total;
		free(r);
	}
	for (t = 0; t < nl; t++) {
		if (!w->root_failed)
			free(w->lanes[t].v);
		free(w->lanes[t].ends);
	}
	free(w->bad_path);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return rc;
}

int
drv_walk_stat(const char *src_dir, const char *skip_dir, unsigned jobs,
	      bool want_stat, struct drv_walk_ent **out, size_t *n,
	      char **bad_path)
{
	struct pool *pool = pool_new(jobs);
	struct drv_walker *w = drv_walk_begin(pool, src_dir, skip_dir,
					      want_stat, NULL, NULL, NULL);
	int rc;

	pool_wait(pool);
	rc = drv_walk_end(w, src_dir, out, n, bad_path);
	pool_free(pool);
	return rc;
}

int
drv_walk(const char *src_dir, const char *skip_dir, char ***out, size_t *n,
	 char **bad_path)
{
	struct drv_walk_ent *v;
	char **paths;
	size_t i;
	int rc = drv_walk_stat(src_dir, skip_dir, 1, false, &v, n, bad_path);

	if (rc)
		return rc;
	paths = xcalloc(*n + 1, sizeof(*paths));
	for (i = 0; i < *n; i++)
		paths[i] = v[i].rel;
	free(v);
	*out = paths;
	return 0;
}

void
drv_walk_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
