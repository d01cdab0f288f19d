/*
 * graph.h - the output graph: every output file is a node, and its
 * action key is the hash of what it reads (its path and emitter class,
 * the global inputs it depends on, the declaration it is about and that
 * declaration's context). A node whose key is not the last build's is
 * dirty, with the first input that moved as the reason. The caller makes
 * the nodes (compiler/incr.c, from the plan) and runs the dirty ones on
 * the pool (pool.h).
 */
#ifndef LOCUS_GRAPH_GRAPH_H
#define LOCUS_GRAPH_GRAPH_H

#include "../base/base.h"

/*
 * A key being made: each input goes in with its length (so that no two
 * different lists of inputs give the same bytes) and the whole is hashed
 * once with XXH3-128. Start it with gkey_init (not "= { 0 }", which
 * would clear the whole inline buffer: keys are made by the ten thousand);
 * gkey_done hashes and resets.
 */
struct gkey {
	struct sbuf b;
	size_t len;
	unsigned char inl[480];
};

static inline void
gkey_init(struct gkey *k)
{
	sbuf_init(&k->b);
	k->len = 0;
}

void gkey_add(struct gkey *k, const void *p, size_t n);
void gkey_str(struct gkey *k, const char *s);   /* NULL is an input too */
void gkey_hash(struct gkey *k, struct hash128 h);
struct hash128 gkey_done(struct gkey *k);

#define GRAPH_NO_UNIT UINT32_MAX
#define GRAPH_MAX_GLOBALS 16

/* Why a node is dirty: a global's number (>= 0), or one of these. */
enum {
	GRAPH_WHY_NEW = -1,       /* the last build did not make it */
	GRAPH_WHY_UNIT_NEW = -2,  /* its declaration is new */
	GRAPH_WHY_UNIT = -3,      /* its declaration changed */
	GRAPH_WHY_CTX = -4,       /* what its declaration refers to changed */
	GRAPH_WHY_OTHER = -5,     /* its inputs changed */
};

struct gnode {
	/* in */
	const char *path;
	const void *salt;         /* bytes that tell its action apart besides
				   * the inputs (the emitter class) */
	size_t nsalt;
	unsigned globals;         /* bit g: reads global input g */
	uint32_t unit;            /* the declaration it is about, or
				   * GRAPH_NO_UNIT */
	bool ctx;                 /* and that declaration's context */
	bool has_prev;            /* the last build made it, with prev_key */
	struct hash128 prev_key;
	/* out */
	struct hash128 key;
	bool dirty;
	int why;                  /* when dirty: see GRAPH_WHY_* */
};

/* This build's inputs and the last one's. */
struct graph_inputs {
	const struct hash128 *g;        /* the globals */
	const struct hash128 *prev_g;   /* the last build's, or NULL */
	size_t ng;
	/* Per declaration u, at (char *)unit + u * unit_stride: its hash
	 * (a field of the caller's records, not a copy). */
	const struct hash128 *unit;
	size_t unit_stride;
	/* Per declaration, the same way: the hash the declaration of the
	 * same kind and name had in the last build, zero when it is new;
	 * NULL: no last build. */
	const struct hash128 *prev_unit;
	size_t prev_stride;
	/* The same declarations in the same order as the last build, with
	 * the same names: a node whose globals and declaration did not move
	 * keeps its last key without hashing anything, and so does one with
	 * a context unless ctx_moved (an interface moved, so contexts may
	 * have). */
	bool same_model;
	bool ctx_moved;
	/* With ctx_moved: per unit, whether its context may have moved
	 * (it names a component whose interface moved); NULL: any may. */
	const bool *ctx_touched;
	struct hash128 (*ctx)(void *arg, uint32_t unit);
	void *arg;
};

/* The globals not as the last build had them (bit g), for graph_mark. */
unsigned graph_moved(const struct graph_inputs *in);
/* Sets x's key, dirty and why; moved is graph_moved(in). */
void graph_mark(struct gnode *x, const struct graph_inputs *in,
		unsigned moved);

#endif
