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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver.h"

struct walk {
	struct ptrvec paths;
	dev_t skip_dev;
	ino_t skip_ino;
	bool has_skip;
	char *bad_path;
	int err;
};

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

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
 * the file system gives it (no system call), else from lstat. Links are
 * followed to files but never to directories, so a link cycle cannot
 * hang the walk. False when the entry is to be skipped.
 */
static bool
entry_type(const struct dirent *de, const char *path, struct stat *st)
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
#else
	(void)de;
#endif
	if (lstat(path, st) != 0)
		return false;
	if (S_ISLNK(st->st_mode))
		return stat(path, st) == 0 && !S_ISDIR(st->st_mode);
	return true;
}

static void
walk_dir(struct walk *w, const char *abs, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > 64)
		return;
	d = opendir(abs);
	if (!d) {
		if (!w->err) {
			w->err = map_errno(errno);
			w->bad_path = xstrdup(abs);
		}
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		struct sbuf a, r;
		struct stat st;

		if (name[0] == '.')
			continue;
		sbuf_init(&a);
		sbuf_init(&r);
		sbuf_printf(&a, "%s/%s", abs, name);
		if (*rel)
			sbuf_printf(&r, "%s/%s", rel, name);
		else
			sbuf_adds(&r, name);
		if (!entry_type(de, a.p, &st))
			goto next;
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(name, "node_modules") == 0)
				goto next;
			if (w->has_skip && stat(a.p, &st) == 0 &&
			    st.st_dev == w->skip_dev && st.st_ino == w->skip_ino)
				goto next;
			walk_dir(w, a.p, r.p, depth + 1);
		} else if (S_ISREG(st.st_mode) && ends_with(name, ".locus")) {
			ptrvec_push(&w->paths, r.p);
			r.p = NULL;
		}
next:
		sbuf_free(&a);
		sbuf_free(&r);
	}
	closedir(d);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
drv_walk(const char *src_dir, const char *skip_dir, char ***out, size_t *n,
	 char **bad_path)
{
	struct walk w;
	struct stat st;

	memset(&w, 0, sizeof(w));
	*bad_path = NULL;
	if (stat(src_dir, &st) != 0) {
		*bad_path = xstrdup(src_dir);
		return map_errno(errno);
	}
	if (!S_ISDIR(st.st_mode)) {
		*bad_path = xstrdup(src_dir);
		return BASE_ENOTDIR;
	}
	if (skip_dir && stat(skip_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		w.has_skip = true;
		w.skip_dev = st.st_dev;
		w.skip_ino = st.st_ino;
	}
	walk_dir(&w, src_dir, "", 0);
	if (w.err && w.paths.n == 0 && w.bad_path &&
	    strcmp(w.bad_path, src_dir) == 0) {
		*bad_path = w.bad_path;
		ptrvec_free(&w.paths);
		return w.err;
	}
	free(w.bad_path);
	if (w.paths.n)
		qsort(w.paths.v, w.paths.n, sizeof(*w.paths.v), cmp_str);
	*out = (char **)w.paths.v;
	*n = w.paths.n;
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
