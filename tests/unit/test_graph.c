/*
 * test_graph.c - the worker pool (graph/pool.c), the parallel walk
 * built on it (compiler/walk.c), and keys and dirty marking of output
 * nodes (graph/graph.c).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "compiler/driver.h"
#include "graph/graph.h"
#include "graph/pool.h"
#include "test.h"

struct tree_ctx {
	struct pool *p;
	atomic_int count;
	atomic_int bad_lane;
};

struct node {
	struct tree_ctx *c;
	int depth;
};

/* Each task below depth 6 submits two more: 127 tasks in all. */
static void
tree_task(void *arg, unsigned lane)
{
	struct node *n = arg;

	if (lane >= pool_lanes(n->c->p))
		atomic_fetch_add(&n->c->bad_lane, 1);
	atomic_fetch_add(&n->c->count, 1);
	if (n->depth < 6) {
		for (int k = 0; k < 2; k++) {
			struct node *m = xmalloc(sizeof(*m));

			m->c = n->c;
			m->depth = n->depth + 1;
			pool_submit(n->c->p, tree_task, m);
		}
	}
	free(n);
}

TEST(pool_runs_tasks_that_submit_tasks)
{
	for (unsigned lanes = 1; lanes <= 4; lanes++) {
		struct tree_ctx c;
		struct node *root = xmalloc(sizeof(*root));

		c.p = pool_new(lanes);
		atomic_init(&c.count, 0);
		atomic_init(&c.bad_lane, 0);
		CHECK_INT_EQ(pool_lanes(c.p), lanes);
		root->c = &c;
		root->depth = 0;
		pool_submit(c.p, tree_task, root);
		pool_wait(c.p);
		CHECK_INT_EQ(atomic_load(&c.count), 127);
		CHECK_INT_EQ(atomic_load(&c.bad_lane), 0);
		/* The pool is reusable after a wait. */
		root = xmalloc(sizeof(*root));
		root->c = &c;
		root->depth = 5;
		pool_submit(c.p, tree_task, root);
		pool_wait(c.p);
		CHECK_INT_EQ(atomic_load(&c.count), 130);
		pool_free(c.p);
	}
}

static void
mark(void *arg, size_t i, unsigned lane)
{
	atomic_int *v = arg;

	(void)lane;
	atomic_fetch_add(&v[i], 1);
}

TEST(pool_for_visits_every_index_once)
{
	size_t sizes[] = { 1, 7, 1000, 4099 };

	for (unsigned lanes = 1; lanes <= 3; lanes++) {
		struct pool *p = pool_new(lanes);

		for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
			size_t n = sizes[s], once = 0;
			atomic_int *v = xcalloc(n, sizeof(*v));

			pool_for(p, n, mark, v);
			for (size_t i = 0; i < n; i++)
				once += atomic_load(&v[i]) == 1;
			CHECK_INT_EQ(once, n);
			/* One at a time: the same, with a second visit. */
			pool_for_each1(p, n, mark, v);
			once = 0;
			for (size_t i = 0; i < n; i++)
				once += atomic_load(&v[i]) == 2;
			CHECK_INT_EQ(once, n);
			free(v);
		}
		pool_free(p);
	}
}

/* The side task of pool_for_beside: counts its runs, and notes whether
 * the items were all done before it started (they must not be: it is
 * taken first, beside them). */
struct side_ctx {
	atomic_int runs;
	atomic_int *v;
	size_t n;
	atomic_int saw_all_done;
};

static void
side_task(void *arg, unsigned lane)
{
	struct side_ctx *c = arg;
	size_t done = 0;

	(void)lane;
	for (size_t i = 0; i < c->n; i++)
		done += atomic_load(&c->v[i]) == 1;
	if (done == c->n)
		atomic_fetch_add(&c->saw_all_done, 1);
	atomic_fetch_add(&c->runs, 1);
}

TEST(pool_for_beside_runs_the_side_task_once_and_first)
{
	for (unsigned lanes = 1; lanes <= 3; lanes++) {
		struct pool *p = pool_new(lanes);
		size_t n = 5000, once = 0;
		struct side_ctx c;

		c.v = xcalloc(n, sizeof(*c.v));
		c.n = n;
		atomic_init(&c.runs, 0);
		atomic_init(&c.saw_all_done, 0);
		pool_for_beside(p, n, mark, c.v, side_task, &c);
		for (size_t i = 0; i < n; i++)
			once += atomic_load(&c.v[i]) == 1;
		CHECK_INT_EQ(once, n);
		CHECK_INT_EQ(atomic_load(&c.runs), 1);
		/* With one lane it surely runs before any item. */
		if (lanes == 1)
			CHECK_INT_EQ(atomic_load(&c.saw_all_done), 0);
		/* No items: the side task still runs. */
		pool_for_beside(p, 0, mark, c.v, side_task, &c);
		CHECK_INT_EQ(atomic_load(&c.runs), 2);
		free(c.v);
		pool_free(p);
	}
}

static void
nap(void)
{
	struct timespec ts = { 0, 100000 };

	nanosleep(&ts, NULL);
}

/* A detached job that holds its lane until the caller lets it go. */
struct held_job {
	atomic_int started, go, done;
	unsigned lane;
};

static void
held_job_run(void *arg, unsigned lane)
{
	struct held_job *h = arg;

	h->lane = lane;
	atomic_store(&h->started, 1);
	while (!atomic_load(&h->go))
		nap();
	atomic_store(&h->done, 1);
}

static void
quick_job(void *arg, unsigned lane)
{
	unsigned *where = arg;

	*where = lane + 100;
}

TEST(pool_detach_runs_beside_the_callers_pool_fors)
{
	struct pool *p = pool_new(2);
	struct held_job h;
	size_t n = 3000, once = 0, i;
	atomic_int *v = xcalloc(n, sizeof(*v));
	unsigned where = 0;
	struct pool_job j, k;
	int waited = 0;

	atomic_init(&h.started, 0);
	atomic_init(&h.go, 0);
	atomic_init(&h.done, 0);
	pool_detach(p, &j, held_job_run, &h);
	/* The other lane takes it (the caller never does, but in
	 * pool_join): wait for that, up to 10 s. */
	while (!atomic_load(&h.started) && waited++ < 100000)
		nap();
	CHECK_INT_EQ(atomic_load(&h.started), 1);
	CHECK_INT_EQ(h.lane, 1);
	/* The job holds lane 1; pool_for returns with the caller alone. */
	pool_for(p, n, mark, v);
	for (i = 0; i < n; i++)
		once += atomic_load(&v[i]) == 1;
	CHECK_INT_EQ(once, n);
	CHECK_INT_EQ(atomic_load(&h.done), 0);
	/* A second job, queued behind the first: pool_join runs it on the
	 * caller, lane 0, at once. */
	pool_detach(p, &k, quick_job, &where);
	pool_join(p, &k);
	CHECK_INT_EQ(where, 100);
	atomic_store(&h.go, 1);
	pool_join(p, &j);
	CHECK_INT_EQ(atomic_load(&h.done), 1);
	pool_free(p);

	/* One lane: run at once, on the caller. */
	p = pool_new(1);
	where = 0;
	pool_detach(p, &k, quick_job, &where);
	CHECK_INT_EQ(where, 100);
	pool_join(p, &k);
	pool_free(p);
	free(v);
}

static void
touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs("x", f);
		fclose(f);
	}
}

TEST(walk_on_lanes_matches_one_lane)
{
	char dir[] = "/tmp/locus-walk-XXXXXX", p[256];
	struct drv_walk_ent *a, *b;
	size_t na, nb;
	char *bad;

	CHECK(mkdtemp(dir) != NULL);
	/* 3 x 4 folders of 5 files, hidden and foreign files around. */
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/d%d", dir, i);
		mkdir(p, 0777);
		for (int j = 0; j < 4; j++) {
			snprintf(p, sizeof(p), "%s/d%d/e%d", dir, i, j);
			mkdir(p, 0777);
			for (int k = 0; k < 5; k++) {
				snprintf(p, sizeof(p), "%s/d%d/e%d/f%d.locus",
					 dir, i, j, k);
				touch(p);
			}
			snprintf(p, sizeof(p), "%s/d%d/e%d/x.txt", dir, i, j);
			touch(p);
		}
	}
	snprintf(p, sizeof(p), "%s/.hidden", dir);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/.hidden/h.locus", dir);
	touch(p);
	snprintf(p, sizeof(p), "%s/top.locus", dir);
	touch(p);
	CHECK_INT_EQ(drv_walk_stat(dir, NULL, 1, true, &a, &na, &bad), 0);
	CHECK_INT_EQ(drv_walk_stat(dir, NULL, 3, true, &b, &nb, &bad), 0);
	CHECK_INT_EQ(na, 61);
	CHECK_INT_EQ(nb, na);
	for (size_t i = 0; i < na && i < nb; i++) {
		CHECK_STR_EQ(a[i].rel, b[i].rel);
		CHECK(a[i].stat_ok && b[i].stat_ok);
		CHECK_INT_EQ(a[i].ino, b[i].ino);
		CHECK_INT_EQ(a[i].size, 1);
		if (i)
			CHECK(strcmp(a[i - 1].rel, a[i].rel) < 0);
	}
	CHECK_STR_EQ(na ? a[0].rel : "", "d0/e0/f0.locus");
	CHECK_STR_EQ(na ? a[na - 1].rel : "", "top.locus");
	for (size_t i = 0; i < nb; i++)
		free(b[i].rel);
	free(b);
	/* Into an arena on two lanes: the same list, each path spelled
	 * from src_dir as given (with or without its slash) and rel the
	 * end of it. */
	for (int slash = 0; slash < 2; slash++) {
		struct arena *ar = arena_new();
		struct pool *pool = pool_new(2);
		struct drv_walker *w;
		char src[300];

		snprintf(src, sizeof(src), "%s%s", dir, slash ? "/" : "");
		w = drv_walk_begin(pool, src, NULL, true, ar, NULL, NULL);
		pool_wait(pool);
		CHECK_INT_EQ(drv_walk_end(w, src, &b, &nb, &bad), 0);
		pool_free(pool);
		CHECK_INT_EQ(nb, na);
		for (size_t i = 0; i < na && i < nb; i++) {
			snprintf(p, sizeof(p), "%s/%s", dir, a[i].rel);
			CHECK_STR_EQ(b[i].path, p);
			CHECK_STR_EQ(b[i].rel, a[i].rel);
			CHECK(b[i].rel == b[i].path + strlen(dir) + 1);
			CHECK_INT_EQ(b[i].ino, a[i].ino);
		}
		free(b);
		arena_free(ar);  /* every string goes with it */
	}
	for (size_t i = 0; i < na; i++)
		free(a[i].rel);
	free(a);
	/* A missing folder is an error naming it. */
	snprintf(p, sizeof(p), "%s/nope", dir);
	CHECK_INT_EQ(drv_walk_stat(p, NULL, 2, true, &a, &na, &bad),
		     BASE_ENOENT);
	CHECK_STR_EQ(bad, p);
	free(bad);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(p), 0);
}

/* Folders whose files and subfolders interleave in byte order: each
 * folder's files come sorted, and the runs are merged, on any lanes. */
TEST(walk_merges_interleaved_folders)
{
	char dir[] = "/tmp/locus-walk-XXXXXX", p[256];
	/* In each folder: files named so that subfolders' files fall
	 * between them ('-' < '.' < '/' < '0' < 'a'). */
	const char *names[] = { "a.locus", "b-.locus", "c.locus", "b0.locus",
				"z.locus", "A.locus" };
	const char *subs[] = { "b", "a", "y", "b-" };
	struct drv_walk_ent *v[3];
	size_t n[3], total = 0;
	char *bad;
	int lanes[3] = { 1, 2, 3 };

	CHECK(mkdtemp(dir) != NULL);
	/* Three levels: dir, dir/S, dir/S/T for S, T in subs. */
	for (int i = -1; i < (int)ARRAY_LEN(subs); i++)
		for (int j = -1; j < (int)ARRAY_LEN(subs); j++) {
			char f[200];

			if (i < 0 && j >= 0)
				continue;
			if (i < 0)
				snprintf(f, sizeof(f), "%s", dir);
			else if (j < 0)
				snprintf(f, sizeof(f), "%s/%s", dir, subs[i]);
			else
				snprintf(f, sizeof(f), "%s/%s/%s", dir,
					 subs[i], subs[j]);
			mkdir(f, 0777);
			for (size_t k = 0; k < ARRAY_LEN(names); k++) {
				snprintf(p, sizeof(p), "%s/%s", f, names[k]);
				touch(p);
				total++;
			}
		}
	for (int l = 0; l < 3; l++) {
		CHECK_INT_EQ(drv_walk_stat(dir, NULL, (unsigned)lanes[l], true,
					   &v[l], &n[l], &bad), 0);
		CHECK_INT_EQ(n[l], total);
		for (size_t i = 1; i < n[l]; i++)
			CHECK(strcmp(v[l][i - 1].rel, v[l][i].rel) < 0);
		for (size_t i = 0; l && i < n[l] && i < n[0]; i++)
			CHECK_STR_EQ(v[l][i].rel, v[0][i].rel);
	}
	CHECK_STR_EQ(n[0] > 2 ? v[0][0].rel : "", "A.locus");
	CHECK_STR_EQ(n[0] > 2 ? v[0][1].rel : "", "a.locus");
	CHECK_STR_EQ(n[0] > 2 ? v[0][2].rel : "", "a/A.locus");
	for (int l = 0; l < 3; l++) {
		for (size_t i = 0; i < n[l]; i++)
			free(v[l][i].rel);
		free(v[l]);
	}
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(p), 0);
}

/* ---- graph_mark ---- */

static int ctx_calls;

static struct hash128
tctx(void *arg, uint32_t unit)
{
	const struct hash128 *c = arg;

	ctx_calls++;
	return c[unit];
}

/* Four nodes: global 0 only; global 1 + unit 0; unit 1 with its
 * context; unit 1 alone (another emitter class). */
static void
nodes(struct gnode *v, const struct hash128 *prev)
{
	static const char *paths[4] = { "a", "b", "c", "d" };
	static const int salts[4] = { 1, 2, 3, 4 };
	size_t i;

	memset(v, 0, 4 * sizeof(*v));
	for (i = 0; i < 4; i++) {
		v[i].path = paths[i];
		v[i].salt = &salts[i];
		v[i].nsalt = sizeof(salts[i]);
		v[i].unit = GRAPH_NO_UNIT;
		if (prev) {
			v[i].has_prev = true;
			v[i].prev_key = prev[i];
		}
	}
	v[0].globals = 1u << 0;
	v[1].globals = 1u << 1;
	v[1].unit = 0;
	v[2].unit = 1;
	v[2].ctx = true;
	v[3].unit = 1;
}

static void
mark_all(struct gnode *v, size_t n, const struct graph_inputs *in)
{
	unsigned moved = graph_moved(in);
	size_t i;

	for (i = 0; i < n; i++)
		graph_mark(&v[i], in, moved);
}

TEST(graph_mark_dirty_nodes_and_reasons)
{
	struct hash128 g[2], pg[2], u[2], pu[2], c[2], keys[4];
	struct graph_inputs in = { .g = g, .ng = 2, .unit = u,
				   .unit_stride = sizeof(*u),
				   .prev_stride = sizeof(*pu), .ctx = tctx,
				   .arg = c };
	struct gnode v[4];
	size_t i;

	for (i = 0; i < 2; i++) {
		g[i] = hash_bytes(&i, sizeof(i));
		u[i] = hash_bytes("u", i + 1);
		c[i] = hash_bytes("ctx", i + 1);
	}
	/* No last build: every node is new. */
	nodes(v, NULL);
	mark_all(v, 4, &in);
	for (i = 0; i < 4; i++) {
		CHECK(v[i].dirty);
		CHECK_INT_EQ(v[i].why, GRAPH_WHY_NEW);
		keys[i] = v[i].key;
	}
	CHECK(!hash_eq(keys[2], keys[3]));  /* context, class */
	/* The same inputs: nothing is dirty, same keys. */
	memcpy(pg, g, sizeof(g));
	memcpy(pu, u, sizeof(u));
	in.prev_g = pg;
	in.prev_unit = pu;
	nodes(v, keys);
	mark_all(v, 4, &in);
	for (i = 0; i < 4; i++) {
		CHECK(!v[i].dirty);
		CHECK(hash_eq(v[i].key, keys[i]));
	}
	/* A global moved: only its reader, with that global as reason. */
	g[1] = hash_bytes("g1'", 3);
	nodes(v, keys);
	mark_all(v, 4, &in);
	CHECK(!v[0].dirty && v[1].dirty && !v[2].dirty && !v[3].dirty);
	CHECK_INT_EQ(v[1].why, 1);
	g[1] = pg[1];
	/* A declaration changed: its nodes. */
	u[1] = hash_bytes("u1'", 3);
	nodes(v, keys);
	mark_all(v, 4, &in);
	CHECK(!v[0].dirty && !v[1].dirty && v[2].dirty && v[3].dirty);
	CHECK_INT_EQ(v[2].why, GRAPH_WHY_UNIT);
	/* ... or is new (no namesake last time). */
	memset(&pu[1], 0, sizeof(pu[1]));
	nodes(v, keys);
	mark_all(v, 4, &in);
	CHECK_INT_EQ(v[3].why, GRAPH_WHY_UNIT_NEW);
	u[1] = pu[1] = hash_bytes("u", 2);
	/* Only a context moved: the node that reads it. */
	c[1] = hash_bytes("ctx'", 4);
	nodes(v, keys);
	mark_all(v, 4, &in);
	CHECK(!v[0].dirty && !v[1].dirty && v[2].dirty && !v[3].dirty);
	CHECK_INT_EQ(v[2].why, GRAPH_WHY_CTX);
	/* The same model: unmoved nodes keep their keys unhashed (no
	 * context asked for), a moved declaration's nodes are made. */
	in.same_model = true;
	u[0] = hash_bytes("u0'", 3);
	ctx_calls = 0;
	nodes(v, keys);
	mark_all(v, 4, &in);
	CHECK_INT_EQ(ctx_calls, 0);
	CHECK(!v[0].dirty && v[1].dirty && !v[2].dirty && !v[3].dirty);
	CHECK(hash_eq(v[2].key, keys[2]));
	CHECK_INT_EQ(v[1].why, GRAPH_WHY_UNIT);
	u[0] = pu[0];
	/* An interface moved (ctx_moved): a context is asked for unless
	 * ctx_touched says its unit names no moved interface. */
	{
		bool touched[2] = { false, false };

		in.ctx_moved = true;
		in.ctx_touched = touched;
		ctx_calls = 0;
		nodes(v, keys);
		mark_all(v, 4, &in);
		CHECK_INT_EQ(ctx_calls, 0);
		CHECK(!v[2].dirty && hash_eq(v[2].key, keys[2]));
		touched[1] = true;
		nodes(v, keys);
		mark_all(v, 4, &in);
		CHECK_INT_EQ(ctx_calls, 1);
		CHECK(v[2].dirty && !v[3].dirty);
		CHECK_INT_EQ(v[2].why, GRAPH_WHY_CTX);
		in.ctx_touched = NULL;  /* any may have moved */
		ctx_calls = 0;
		nodes(v, keys);
		mark_all(v, 4, &in);
		CHECK_INT_EQ(ctx_calls, 1);
		CHECK(v[2].dirty);
	}
}

TEST(gkey_inputs_are_delimited)
{
	struct gkey a, b;
	char big[2000];

	gkey_init(&a);
	gkey_init(&b);
	/* "ab" + "c" is not "a" + "bc". */
	gkey_add(&a, "ab", 2);
	gkey_add(&a, "c", 1);
	gkey_add(&b, "a", 1);
	gkey_add(&b, "bc", 2);
	CHECK(!hash_eq(gkey_done(&a), gkey_done(&b)));
	/* Past the inline buffer, the same bytes give the same key. */
	memset(big, 'x', sizeof(big));
	gkey_add(&a, big, sizeof(big));
	gkey_str(&a, NULL);
	gkey_add(&b, big, sizeof(big));
	gkey_str(&b, NULL);
	CHECK(hash_eq(gkey_done(&a), gkey_done(&b)));
	gkey_str(&a, NULL);
	gkey_str(&b, "");
	CHECK(!hash_eq(gkey_done(&a), gkey_done(&b)));
}
