/*
 * pool.c - the worker pool (see pool.h).
 *
 * One mutex guards the task stack and the count of running tasks; idle
 * threads sleep on a condition variable that pool_submit signals. The
 * stack is LIFO: a walk goes depth first, keeping few folders open.
 * Detached jobs wait in a queue of their own, which only the threads
 * take from (first in, first out), before the stack.
 */
#include "graph/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/base.h"

struct task {
	pool_fn fn;
	void *arg;
};

struct lane {
	struct pool *p;
	unsigned id;
	pthread_t tid;
	bool started;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work;       /* a task was queued, or stop */
	pthread_cond_t idle;       /* nothing queued and nothing running, or
				    * a detached job done */
	struct pool_job *dq, **dq_tail;  /* detached jobs not taken yet */
	struct task *v;
	size_t n, cap;
	unsigned running;
	bool stop;
	unsigned nlanes;
	struct lane lanes[POOL_MAX_LANES];
};

enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* Runs the detached jobs queued; with the lock held on entry and on
 * return. */
static void
run_detached(struct pool *p, unsigned lane)
{
	struct pool_job *j;

	while ((j = p->dq) != NULL && !p->stop) {
		p->dq = j->next;
		if (!p->dq)
			p->dq_tail = &p->dq;
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->mu);
		j->fn(j->arg, lane);
		pthread_mutex_lock(&p->mu);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&p->idle);
	}
}

/* Takes and runs tasks while there are any; with the lock held on entry
 * and on return. */
static void
drain(struct pool *p, unsigned lane)
{
	while (p->n > 0 && !p->stop) {
		struct task t = p->v[--p->n];

		p->running++;
		pthread_mutex_unlock(&p->mu);
		t.fn(t.arg, lane);
		pthread_mutex_lock(&p->mu);
		p->running--;
	}
	if (p->n == 0 && p->running == 0)
		pthread_cond_broadcast(&p->idle);
}

static void *
lane_main(void *arg)
{
	struct lane *l = arg;
	struct pool *p = l->p;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		run_detached(p, l->id);
		drain(p, l->id);
		if (!p->stop && !p->dq)
			pthread_cond_wait(&p->work, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct pool *
pool_new(unsigned lanes)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	unsigned i;

	if (lanes < 1)
		lanes = 1;
	if (lanes > POOL_MAX_LANES)
		lanes = POOL_MAX_LANES;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->dq_tail = &p->dq;
	p->nlanes = 1;
	for (i = 1; i < lanes; i++) {
		struct lane *l = &p->lanes[i];

		l->p = p;
		l->id = i;
		/* A lane that cannot start leaves fewer lanes, not a
		 * failure: the caller's lane always works. */
		if (pthread_create(&l->tid, NULL, lane_main, l) != 0)
			break;
		l->started = true;
		p->nlanes++;
	}
	return p;
}

unsigned
pool_lanes(const struct pool *p)
{
	return p->nlanes;
}

void
pool_submit(struct pool *p, pool_fn fn, void *arg)
{
	pthread_mutex_lock(&p->mu);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n].fn = fn;
	p->v[p->n].arg = arg;
	p->n++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
pool_wait(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		drain(p, 0);
		if (p->n == 0 && p->running == 0)
			break;
		pthread_cond_wait(&p->idle, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

void
pool_detach(struct pool *p, struct pool_job *j, pool_fn fn, void *arg)
{
	j->fn = fn;
	j->arg = arg;
	j->next = NULL;
	if (p->nlanes == 1) {
		j->state = JOB_DONE;
		fn(arg, 0);
		return;
	}
	pthread_mutex_lock(&p->mu);
	j->state = JOB_QUEUED;
	*p->dq_tail = j;
	p->dq_tail = &j->next;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
pool_join(struct pool *p, struct pool_job *j)
{
	struct pool_job **q;

	pthread_mutex_lock(&p->mu);
	if (j->state == JOB_QUEUED) {
		/* No lane took it: the caller's, now. */
		for (q = &p->dq; *q != j; q = &(*q)->next)
			;
		*q = j->next;
		if (p->dq_tail == &j->next)
			p->dq_tail = q;
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->mu);
		j->fn(j->arg, 0);
		pthread_mutex_lock(&p->mu);
		j->state = JOB_DONE;
	}
	while (j->state != JOB_DONE)
		pthread_cond_wait(&p->idle, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void
pool_free(struct pool *p)
{
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 1; i < POOL_MAX_LANES; i++)
		if (p->lanes[i].started)
			pthread_join(p->lanes[i].tid, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->idle);
	free(p->v);
	free(p);
}

/* ---- pool_for ---- */

struct each {
	atomic_size_t next;
	size_t n, chunk;
	pool_each_fn fn;
	void *arg;
};

static void
each_task(void *arg, unsigned lane)
{
	struct each *e = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&e->next, e->chunk), end;

		if (i >= e->n)
			return;
		end = i + e->chunk < e->n ? i + e->chunk : e->n;
		for (; i < end; i++)
			e->fn(e->arg, i, lane);
	}
}

static void
for_chunks(struct pool *p, size_t n, size_t chunk, pool_each_fn fn, void *arg,
	   pool_fn side, void *side_arg)
{
	struct each e;
	unsigned i;

	if (n == 0 && !side)
		return;
	e.n = n;
	e.fn = fn;
	e.arg = arg;
	e.chunk = chunk;
	atomic_init(&e.next, 0);
	for (i = 0; i < p->nlanes && n; i++)
		pool_submit(p, each_task, &e);
	if (side)  /* last in, so first out of the stack */
		pool_submit(p, side, side_arg);
	pool_wait(p);
}

void
pool_for(struct pool *p, size_t n, pool_each_fn fn, void *arg)
{
	pool_for_beside(p, n, fn, arg, NULL, NULL);
}

void
pool_for_beside(struct pool *p, size_t n, pool_each_fn fn, void *arg,
		pool_fn side, void *side_arg)
{
	/* Small chunks balance uneven items; the atomic add is cheap next
	 * to a stat or an emitter. */
	for_chunks(p, n, n / (p->nlanes * 16) + 1, fn, arg, side, side_arg);
}

void
pool_for_each1(struct pool *p, size_t n, pool_each_fn fn, void *arg)
{
	for_chunks(p, n, 1, fn, arg, NULL, NULL);
}

void
pool_for_each1_beside(struct pool *p, size_t n, pool_each_fn fn, void *arg,
		      pool_fn side, void *side_arg)
{
	for_chunks(p, n, 1, fn, arg, side, side_arg);
}
