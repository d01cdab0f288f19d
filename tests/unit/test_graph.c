/*
 * test_graph.c - the worker pool (graph/pool.c) and the parallel walk
 * built on it (compiler/walk.c).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "compiler/driver.h"
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
	for (size_t i = 0; i < na; i++)
		free(a[i].rel);
	for (size_t i = 0; i < nb; i++)
		free(b[i].rel);
	free(a);
	free(b);
	/* A missing folder is an error naming it. */
	snprintf(p, sizeof(p), "%s/nope", dir);
	CHECK_INT_EQ(drv_walk_stat(p, NULL, 2, true, &a, &na, &bad),
		     BASE_ENOENT);
	CHECK_STR_EQ(bad, p);
	free(bad);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(p), 0);
}
