/*
 * pool.h - the worker pool: a fixed set of lanes (the calling thread is
 * lane 0, the others are threads) taking tasks off one shared stack.
 *
 * A task may submit more tasks (a folder walk finds folders; a loaded
 * state yields folders to stat). pool_wait returns when the stack is
 * empty and no lane is running a task, with the calling thread working
 * as lane 0 meanwhile. A pool of one lane starts no thread: tasks run in
 * pool_wait, on the caller, in the order a stack gives.
 *
 * Lane numbers let tasks keep per-lane results without locks and name
 * the trace row a span belongs to.
 */
#ifndef LOCUS_GRAPH_POOL_H
#define LOCUS_GRAPH_POOL_H

#include <stddef.h>

typedef void (*pool_fn)(void *arg, unsigned lane);

struct pool;

/* A pool of `lanes` lanes (at least 1; capped at POOL_MAX_LANES). */
#define POOL_MAX_LANES 64
struct pool *pool_new(unsigned lanes);
unsigned pool_lanes(const struct pool *p);
/* Thread-safe; callable from a task. */
void pool_submit(struct pool *p, pool_fn fn, void *arg);
/* Runs tasks until none is queued or running. */
void pool_wait(struct pool *p);
/* Stops and joins the threads; tasks still queued are not run (detached
 * jobs must be joined first). */
void pool_free(struct pool *p);

/*
 * A job that outlives the pool_wait and pool_for calls after it: it runs
 * on a lane other than the caller's (the first one free, before any task
 * of the stack), so that the caller goes on with its own work and its
 * pool_fors meanwhile; pool_join waits for it, or runs it on the caller
 * if no lane has taken it yet. With one lane, pool_detach runs it at
 * once. The job's memory is the caller's until pool_join returns.
 */
struct pool_job {
	pool_fn fn;
	void *arg;
	int state;                  /* (pool.c's) */
	struct pool_job *next;
};
void pool_detach(struct pool *p, struct pool_job *j, pool_fn fn, void *arg);
void pool_join(struct pool *p, struct pool_job *j);

/*
 * fn(arg, i, lane) for every i in [0, n), spread over the lanes in
 * chunks taken with one atomic add; returns when all are done.
 */
typedef void (*pool_each_fn)(void *arg, size_t i, unsigned lane);
void pool_for(struct pool *p, size_t n, pool_each_fn fn, void *arg);
/* The same with one item per atomic add: items of very unequal cost,
 * largest first, are then spread evenly (longest-first scheduling). */
void pool_for_each1(struct pool *p, size_t n, pool_each_fn fn, void *arg);
/* pool_for with one more task, side(side_arg, lane), run beside it: a
 * lane takes it first, then joins the others on the items. With side
 * NULL it is pool_for. */
void pool_for_beside(struct pool *p, size_t n, pool_each_fn fn, void *arg,
		     pool_fn side, void *side_arg);
/* pool_for_each1 with a side task, the same way. */
void pool_for_each1_beside(struct pool *p, size_t n, pool_each_fn fn,
			   void *arg, pool_fn side, void *side_arg);

#endif
