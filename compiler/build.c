/*
 * build.c - from a checked project to the files of the app on disk.
 *
 * Writing is all or nothing as far as a user can see: every output is
 * generated and written to a hidden temporary file next to its place
 * first; only when all of them were written are they renamed into place.
 * A failure before that removes the temporaries and leaves the previous
 * outputs exactly as they were. A file whose content did not change is
 * not touched (its mtime stays, so make, tsc and Next watchers downstream
 * do no needless work). Outputs of the previous build that this build no
 * longer produces (a deleted page) are removed: the previous
 * BUILD_MANIFEST.json says which files locusc wrote.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../codegen/codegen.h"
#include "driver.h"

struct result {
	struct sbuf buf;
	struct hash128 hash;
	char *tmp;               /* temporary file to rename, or NULL */
	bool skip;               /* CG_IF_ABSENT and the file exists */
	bool unchanged;          /* same bytes already on disk */
	int err;                 /* errno of a failed write */
};

struct job {
	const struct cg_model *m;
	const struct cg_plan *plan;
	struct result *res;
	const char *out_dir;
	bool dry_run;
	struct drv_trace *trace;
	atomic_size_t next;
};

static struct arena *facts_arena;

static void
decl_push(struct cg_decl **v, size_t *n, const struct ast_unit *ast,
	  const char *text, uint32_t len)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].ast = ast;
	(*v)[*n].text = text;
	(*v)[*n].len = len;
	cg_decl_facts(&(*v)[*n], facts_arena);
	(*n)++;
}

static void
model_build(const struct drv_project *p, const struct drv_config *cfg,
	    struct cg_model *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	facts_arena = arena_new();
	for (i = 0; i < p->nunits; i++) {
		const struct drv_unit *u = &p->units[i];
		const struct drv_file *f = &p->files[u->file];
		const struct unit_src *us = &f->units[u->index];
		const char *t = f->text + us->off;

		if (!u->ast)
			continue;
		switch (u->ast->kind) {
		case UNIT_ENTITY:
			decl_push(&m->entities, &m->nentities, u->ast, t, us->len);
			break;
		case UNIT_DESIGN:
			decl_push(&m->design, &m->ndesign, u->ast, t, us->len);
			break;
		case UNIT_PAGE:
			decl_push(&m->pages, &m->npages, u->ast, t, us->len);
			break;
		case UNIT_COMPONENT:
			decl_push(&m->components, &m->ncomponents, u->ast, t,
				  us->len);
			break;
		case UNIT_STORE:
			decl_push(&m->stores, &m->nstores, u->ast, t, us->len);
			break;
		case UNIT_WORKFLOW:
			decl_push(&m->workflows, &m->nworkflows, u->ast, t,
				  us->len);
			break;
		case UNIT_UPLOAD:
			decl_push(&m->uploads, &m->nuploads, u->ast, t, us->len);
			break;
		default:
			break;
		}
	}
	drv_model_config(m, cfg);
	cg_model_index(m);
}

static void
model_free(struct cg_model *m)
{
	arena_free(facts_arena);
	facts_arena = NULL;
	drv_model_free(m);
}

static char *
join(const char *dir, const char *rel)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, "%s/%s", dir, rel);
	return b.p;
}

/* mkdir -p d, from the bottom: a new folder's parent usually exists, so
 * this is one mkdir where going from the top was one per component. */
static int
mkdir_up(char *d)
{
	char *sl;
	int rc;

	if (mkdir(d, 0777) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return errno;
	sl = strrchr(d, '/');
	if (!sl || sl == d)
		return ENOENT;
	*sl = 0;
	rc = mkdir_up(d);
	*sl = '/';
	if (rc)
		return rc;
	return mkdir(d, 0777) == 0 || errno == EEXIST ? 0 : errno;
}

/* mkdir -p of the directory part of path (path itself is a file). */
static int
make_parents(const char *path)
{
	char *d = xstrdup(path), *sl = strrchr(d, '/');
	int rc = 0;

	if (sl && sl != d) {
		*sl = 0;
		rc = mkdir_up(d);
	}
	free(d);
	return rc;
}

static bool
same_content(const char *path, const struct sbuf *b)
{
	char *old = NULL;
	size_t len = 0;
	bool same;

	if (fs_read_file(path, &old, &len) != 0)
		return false;
	same = len == b->len && memcmp(old, b->p, len) == 0;
	free(old);
	return same;
}

long
drv_pid(void)
{
	static _Atomic long pid;  /* glibc asks the kernel every time */
	long p = atomic_load_explicit(&pid, memory_order_relaxed);

	if (!p) {
		p = (long)getpid();
		atomic_store_explicit(&pid, p, memory_order_relaxed);
	}
	return p;
}

/* The hidden name of path's temporary file (xmalloc'd). */
char *
drv_temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct sbuf t;
	char *r;

	sbuf_init(&t);
	if (slash)
		sbuf_add(&t, path, (size_t)(slash - path) + 1);
	sbuf_printf(&t, ".%s" DRV_TEMP_MARK "%ld", slash ? slash + 1 : path,
		    drv_pid());
	/* Kept until the renames, one per output (30,000 in a cold
	 * build): the exact size, not the buffer's doubled room. */
	r = xstrndup(t.p, t.len);
	sbuf_free(&t);
	return r;
}

/*
 * Opens a new hidden temporary file beside path for writing (making its
 * folders when the open says one is missing); its name in *tmp. -1 with
 * *err on failure.
 */
int
drv_open_temp(const char *path, char **tmp, int *err)
{
	char *t = drv_temp_name(path);
	int fd;

	/* Folders are made only when the open says one is missing: most
	 * writes go to folders that exist, and a mkdir per path component
	 * per file is most of the cost of writing many small files. */
	fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 && errno == ENOENT) {
		*err = make_parents(path);
		if (*err) {
			free(t);
			return -1;
		}
		fd = open(t, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	}
	if (fd < 0) {
		*err = errno;
		free(t);
		return -1;
	}
	*tmp = t;
	return fd;
}

/* Writes all of p[n] to fd; 0 or an errno value. */
int
drv_write_all(int fd, const void *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(fd, (const char *)p + off, n - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		off += (size_t)w;
	}
	return 0;
}

/* Closes a temporary file of drv_open_temp; on error (e, or a failed
 * close) removes it, frees its name and returns the error. */
int
drv_close_temp(int fd, char *tmp, int e)
{
	if (close(fd) != 0 && !e)
		e = errno;
	if (e) {
		unlink(tmp);
		free(tmp);
	}
	return e;
}

/* Writes b to a hidden temporary file beside path; returns its name. */
static char *
write_temp(const char *path, const struct sbuf *b, int *err)
{
	char *tmp;
	int fd = drv_open_temp(path, &tmp, err);

	if (fd < 0)
		return NULL;
	*err = drv_close_temp(fd, tmp, drv_write_all(fd, b->p, b->len));
	return *err ? NULL : tmp;
}

static void
produce(struct job *j, size_t i)
{
	const struct cg_output *o = &j->plan->v[i];
	struct result *r = &j->res[i];
	char *path = join(j->out_dir, o->path);

	sbuf_init(&r->buf);
	if ((o->flags & CG_IF_ABSENT) && access(path, F_OK) == 0) {
		r->skip = true;
		free(path);
		return;
	}
	o->emit(j->m, o->index, &r->buf);
	r->hash = hash_bytes(r->buf.p ? r->buf.p : "", r->buf.len);
	if (!j->dry_run) {
		r->unchanged = same_content(path, &r->buf);
		if (!r->unchanged)
			r->tmp = write_temp(path, &r->buf, &r->err);
	}
	free(path);
}

struct lane {
	struct job *job;
	unsigned index;          /* for --trace */
};

static void *
worker(void *arg)
{
	struct lane *l = arg;
	struct job *j = l->job;

	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		uint64_t t0 = base_now_ns();

		if (i >= j->plan->n)
			break;
		produce(j, i);
		drv_trace_span(j->trace, l->index, "generate",
			       j->plan->v[i].path, t0, base_now_ns());
	}
	return NULL;
}

/* Paths listed in a previous BUILD_MANIFEST.json (what locusc wrote). */
static void
old_manifest(const char *out_dir, struct ptrvec *paths)
{
	char *mpath = join(out_dir, "BUILD_MANIFEST.json"), *text = NULL;
	size_t len = 0;
	const char *p, *q;

	if (fs_read_file(mpath, &text, &len) == 0) {
		for (p = text; (p = strstr(p, "\"path\": \"")) != NULL; p = q) {
			p += 9;
			q = strchr(p, '"');
			if (!q)
				break;
			ptrvec_push(paths, xstrndup(p, (size_t)(q - p)));
		}
	}
	free(text);
	free(mpath);
}

/* A manifest path locusc may delete: relative, without "." or ".."
 * components, so an edited manifest cannot point outside the folder. */
static bool
safe_rel(const char *p)
{
	const char *s;

	if (!*p || *p == '/')
		return false;
	for (s = p; *s; s++) {
		if (s != p && s[-1] != '/')
			continue;
		if (s[0] == '.' && (s[1] == '/' || s[1] == 0))
			return false;
		if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == 0))
			return false;
	}
	return true;
}

static void
remove_with_parents(const char *out_dir, const char *rel)
{
	char *path = join(out_dir, rel);
	char *slash;

	if (unlink(path) == 0) {
		/* Drop directories the removal emptied, up to out_dir. */
		while ((slash = strrchr(path, '/')) != NULL &&
		       (size_t)(slash - path) > strlen(out_dir)) {
			*slash = 0;
			if (rmdir(path) != 0)
				break;
		}
	}
	free(path);
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* bsearch key: a path; element: a struct cg_output. */
static int
cmp_path_output(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cg_output *)elem)->path);
}

/*
 * Two builds into one output folder must not interleave their writes:
 * hold an exclusive flock on the folder itself (no lock file is left in
 * the user's output) for the whole write phase. A second build waits, and
 * says so. Returns the descriptor to close, or -1 when locking is not
 * possible (then the build goes on unlocked).
 */
static int
lock_out_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK) {
		fprintf(stderr, "locusc: waiting for another build of '%s' to "
			"finish...\n", dir);
		while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
			;
		return fd;
	}
	close(fd);
	return -1;
}

int
drv_build(const struct drv_build_opts *bo, const struct drv_project *p,
	  const struct drv_config *cfg, struct drv_build_stats *st)
{
	struct cg_model m;
	struct cg_plan plan;
	struct job job;
	struct result *res, extra[3];
	const char *extra_path[3];
	size_t i, k, nextra = 0;
	unsigned jobs = bo->jobs ? bo->jobs : 1, t;
	pthread_t *tids;
	struct lane *lanes;
	struct ptrvec oldp = { 0 };
	const char **mpaths;
	struct hash128 *mhash;
	size_t nm = 0;
	int rc = DRV_EXIT_OK, lock_fd = -1;
	uint64_t t0 = base_now_ns();

	memset(st, 0, sizeof(*st));
	model_build(p, cfg, &m);
	cg_plan_build(&m, &plan);
	/* Create the output folder and any missing parents (--out a/b/c). */
	if (!bo->dry_run) {
		char *probe = join(bo->out_dir, ".");
		int perr = make_parents(probe);

		free(probe);
		if (perr)
			errno = perr;
	}
	if (!bo->dry_run && mkdir(bo->out_dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "locusc: error: cannot create output folder "
			"'%s': %s\n", bo->out_dir, strerror(errno));
		cg_plan_free(&plan);
		model_free(&m);
		return DRV_EXIT_IO;
	}
	if (!bo->dry_run)
		lock_fd = lock_out_dir(bo->out_dir);
	old_manifest(bo->out_dir, &oldp);

	res = xcalloc(plan.n ? plan.n : 1, sizeof(*res));
	job.m = &m;
	job.plan = &plan;
	job.res = res;
	job.out_dir = bo->out_dir;
	job.dry_run = bo->dry_run;
	atomic_init(&job.next, 0);
	if (jobs > plan.n)
		jobs = plan.n ? (unsigned)plan.n : 1;
	job.trace = bo->trace;
	tids = xcalloc(jobs, sizeof(*tids));
	lanes = xcalloc(jobs, sizeof(*lanes));
	for (t = 0; t < jobs; t++) {
		lanes[t].job = &job;
		lanes[t].index = t;
	}
	for (t = 1; t < jobs; t++)
		if (pthread_create(&tids[t], NULL, worker, &lanes[t]) != 0)
			base_fatal("cannot start a worker thread");
	worker(&lanes[0]);
	for (t = 1; t < jobs; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	free(lanes);

	/* Generator warnings, then the manifest over everything written. */
	memset(extra, 0, sizeof(extra));
	if (plan.nwarnings) {
		sbuf_init(&extra[nextra].buf);
		cg_emit_warnings_json(&plan, &extra[nextra].buf);
		extra_path[nextra++] = "GENERATED_WARNINGS.json";
		sbuf_init(&extra[nextra].buf);
		cg_emit_warnings_txt(&plan, &extra[nextra].buf);
		extra_path[nextra++] = "GENERATED_WARNINGS.txt";
	}
	mpaths = xcalloc(plan.n + 3, sizeof(*mpaths));
	mhash = xcalloc(plan.n + 3, sizeof(*mhash));
	for (i = 0; i < plan.n; i++) {
		if (plan.v[i].flags & CG_IF_ABSENT)
			continue;
		mpaths[nm] = plan.v[i].path;
		mhash[nm++] = res[i].hash;
	}
	for (k = 0; k < nextra; k++) {
		extra[k].hash = hash_bytes(extra[k].buf.p, extra[k].buf.len);
		/* Keep the manifest sorted: insert by path. */
		for (i = nm; i > 0 && strcmp(mpaths[i - 1], extra_path[k]) > 0;
		     i--) {
			mpaths[i] = mpaths[i - 1];
			mhash[i] = mhash[i - 1];
		}
		mpaths[i] = extra_path[k];
		mhash[i] = extra[k].hash;
		nm++;
	}
	sbuf_init(&extra[nextra].buf);
	cg_emit_manifest(mpaths, mhash, nm, &extra[nextra].buf);
	extra_path[nextra++] = "BUILD_MANIFEST.json";
	st->ns_generate = base_now_ns() - t0;

	if (bo->dry_run) {
		struct ptrvec all = { 0 };

		for (i = 0; i < plan.n; i++)
			if (!res[i].skip)
				ptrvec_push(&all, plan.v[i].path);
		for (k = 0; k < nextra; k++)
			ptrvec_push(&all, (void *)extra_path[k]);
		qsort(all.v, all.n, sizeof(*all.v), cmp_cstr);
		for (i = 0; i < all.n; i++)
			printf("%s\n", (const char *)all.v[i]);
		st->outputs = all.n;
		ptrvec_free(&all);
		goto out;
	}

	for (k = 0; k < nextra; k++) {
		char *path = join(bo->out_dir, extra_path[k]);

		extra[k].unchanged = same_content(path, &extra[k].buf);
		if (!extra[k].unchanged)
			extra[k].tmp = write_temp(path, &extra[k].buf,
						  &extra[k].err);
		free(path);
	}

	/* All written? Then rename into place; else undo. */
	for (i = 0; i < plan.n && rc == DRV_EXIT_OK; i++)
		if (res[i].err) {
			fprintf(stderr, "locusc: error: cannot write '%s/%s': "
				"%s\n", bo->out_dir, plan.v[i].path,
				strerror(res[i].err));
			rc = DRV_EXIT_IO;
		}
	for (k = 0; k < nextra && rc == DRV_EXIT_OK; k++)
		if (extra[k].err) {
			fprintf(stderr, "locusc: error: cannot write '%s/%s': "
				"%s\n", bo->out_dir, extra_path[k],
				strerror(extra[k].err));
			rc = DRV_EXIT_IO;
		}
	st->ns_generate = base_now_ns() - t0;
	t0 = base_now_ns();
	for (i = 0; i < plan.n; i++) {
		char *path;

		if (!res[i].tmp)
			continue;
		path = join(bo->out_dir, plan.v[i].path);
		if (rc != DRV_EXIT_OK)
			unlink(res[i].tmp);
		else if (rename(res[i].tmp, path) != 0)
			rc = DRV_EXIT_IO;
		else
			st->written++;
		free(path);
	}
	for (k = 0; k < nextra; k++) {
		char *path;

		if (!extra[k].tmp)
			continue;
		path = join(bo->out_dir, extra_path[k]);
		if (rc != DRV_EXIT_OK)
			unlink(extra[k].tmp);
		else if (rename(extra[k].tmp, path) != 0)
			rc = DRV_EXIT_IO;
		else
			st->written++;
		free(path);
	}

	/* Remove what the previous build wrote and this one did not. */
	if (rc == DRV_EXIT_OK) {
		for (i = 0; i < oldp.n; i++) {
			const char *op = oldp.v[i];
			bool keep = !safe_rel(op);

			/* Both lists are sorted by path: binary search keeps
			 * this O(n log n) (it was a quadratic scan). */
			keep = keep || bsearch(&op, mpaths, nm, sizeof(*mpaths),
					       cmp_cstr) != NULL;
			keep = keep || bsearch(op, plan.v, plan.n,
					       sizeof(*plan.v),
					       cmp_path_output) != NULL;
			if (!keep) {
				remove_with_parents(bo->out_dir, op);
				st->removed++;
			}
		}
	}
	st->ns_write = base_now_ns() - t0;
	for (i = 0; i < plan.n; i++) {
		if (res[i].skip)
			continue;
		st->outputs++;
		if (res[i].unchanged)
			st->unchanged++;
	}
	for (k = 0; k < nextra; k++) {
		st->outputs++;
		if (extra[k].unchanged)
			st->unchanged++;
	}
	st->warnings = plan.nwarnings;
out:
	if (rc == DRV_EXIT_OK && bo->print_warnings)
		for (i = 0; i < plan.nwarnings; i++)
			fprintf(stderr, "warning: %s\n", plan.warnings[i].message);
	for (i = 0; i < plan.n; i++) {
		sbuf_free(&res[i].buf);
		free(res[i].tmp);
	}
	for (k = 0; k < nextra; k++) {
		sbuf_free(&extra[k].buf);
		free(extra[k].tmp);
	}
	for (i = 0; i < oldp.n; i++)
		free(oldp.v[i]);
	ptrvec_free(&oldp);
	free(mpaths);
	free(mhash);
	free(res);
	cg_plan_free(&plan);
	model_free(&m);
	if (lock_fd >= 0)
		close(lock_fd);  /* releases the lock */
	return rc;
}

const char *
drv_temp_mark(const char *name)
{
	return name[0] == '.' ? strstr(name, DRV_TEMP_MARK) : NULL;
}

/*
 * Removes under dir what builds that did not finish left: temporary
 * files and staging folders (drv_temp_mark), and the folders that then
 * hold nothing. Links are not followed. Returns how many were removed.
 */
static size_t
sweep_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct ptrvec sub = { 0 };
	size_t n = 0, i;

	while (d && (e = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = join(dir, e->d_name);
		if (lstat(path, &st) != 0) {
			free(path);
			continue;
		}
		if (drv_temp_mark(e->d_name)) {
			if ((S_ISDIR(st.st_mode) ? drv_remove_tree(path)
						 : unlink(path)) == 0)
				n++;
			free(path);
		} else if (S_ISDIR(st.st_mode)) {
			ptrvec_push(&sub, path);
		} else {
			free(path);
		}
	}
	if (d)
		closedir(d);
	for (i = 0; i < sub.n; i++) {
		size_t k = sweep_leftovers(sub.v[i]);

		/* A folder that held only leftovers goes too. */
		if (k)
			(void)rmdir(sub.v[i]);
		n += k;
		free(sub.v[i]);
	}
	ptrvec_free(&sub);
	return n;
}

int
drv_clean(const char *out_dir)
{
	struct ptrvec oldp = { 0 };
	size_t i, left;
	int fd;

	if (access(out_dir, F_OK) != 0) {
		printf("nothing to clean in %s\n", out_dir);
		return DRV_EXIT_OK;
	}
	fd = lock_out_dir(out_dir);
	/* Held: no build is writing its temporaries now. */
	left = sweep_leftovers(out_dir);
	old_manifest(out_dir, &oldp);
	for (i = 0; i < oldp.n; i++) {
		if (safe_rel(oldp.v[i]))
			remove_with_parents(out_dir, oldp.v[i]);
		free(oldp.v[i]);
	}
	if (oldp.n)
		remove_with_parents(out_dir, "BUILD_MANIFEST.json");
	printf("removed %zu generated file%s from %s (package.json, "
	       "tsconfig.json, README.md and your own files are kept)\n",
	       oldp.n, oldp.n == 1 ? "" : "s", out_dir);
	if (left)
		printf("removed %zu temporary file%s or folder%s left by "
		       "builds that did not finish\n", left,
		       left == 1 ? "" : "s", left == 1 ? "" : "s");
	ptrvec_free(&oldp);
	if (fd >= 0)
		close(fd);
	return DRV_EXIT_OK;
}

/* ---- shared with the incremental engine (incr.c) ---- */

char *
drv_join(const char *dir, const char *rel)
{
	return join(dir, rel);
}

int
drv_make_parents(const char *path)
{
	return make_parents(path);
}

bool
drv_same_content(const char *path, const void *p, size_t n)
{
	struct sbuf b = { .p = (char *)p, .len = n };

	return same_content(path, &b);
}

void
drv_model_free(struct cg_model *m)
{
	cg_model_index_free(m);
	free(m->entities);
	free(m->design);
	free(m->pages);
	free(m->components);
	free(m->stores);
	free(m->workflows);
	free(m->uploads);
}

void
drv_model_config(struct cg_model *m, const struct drv_config *cfg)
{
	m->cfg.app_name = cfg->app_name;
	m->cfg.auth = cfg->auth;
	m->cfg.jwt_secret = cfg->jwt_secret;
	m->cfg.adapter = cfg->adapter;
	m->cfg.require_auth = cfg->require_auth;
}

/* rm -r of the folder at path (its entries first; links are removed,
 * not followed). 0 or an errno value. */
static int
remove_tree_at(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				   O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (fd < 0)
		return errno;
	d = fdopendir(fd);
	if (!d) {
		rc = errno;
		close(fd);
		return rc;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			continue;
		if (errno == EISDIR || errno == EPERM) {
			int r = remove_tree_at(fd, e->d_name);

			if (r && !rc)
				rc = r;
		} else if (!rc) {
			rc = errno;
		}
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) != 0 && !rc)
		rc = errno;
	return rc;
}

int
drv_remove_tree(const char *path)
{
	return remove_tree_at(AT_FDCWD, path);
}

int
drv_lock_out_dir(const char *dir)
{
	return lock_out_dir(dir);
}

void
drv_remove_output(const char *out_dir, const char *rel)
{
	if (safe_rel(rel))
		remove_with_parents(out_dir, rel);
}

void
drv_old_manifest(const char *out_dir, struct ptrvec *paths)
{
	old_manifest(out_dir, paths);
}

