/*
 * graph.c - action keys and dirty marking of output nodes (graph.h).
 */
#include <string.h>

#include "graph.h"

void
gkey_add(struct gkey *k, const void *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	/* Most keys are a few hashes and a path: no allocation. */
	if (!k->b.p && k->len + sizeof(len) + n <= sizeof(k->inl)) {
		memcpy(k->inl + k->len, &len, sizeof(len));
		if (n)
			memcpy(k->inl + k->len + sizeof(len), p, n);
		k->len += sizeof(len) + n;
		return;
	}
	if (!k->b.p)
		sbuf_add(&k->b, k->inl, k->len);
	sbuf_add(&k->b, &len, sizeof(len));
	sbuf_add(&k->b, p, n);
}

void
gkey_str(struct gkey *k, const char *s)
{
	gkey_add(k, s ? s : "\x01", s ? strlen(s) : 1);
}

void
gkey_hash(struct gkey *k, struct hash128 h)
{
	gkey_add(k, &h, sizeof(h));
}

struct hash128
gkey_done(struct gkey *k)
{
	struct hash128 r = k->b.p ? hash_bytes(k->b.p, k->b.len)
				  : hash_bytes(k->inl, k->len);

	sbuf_free(&k->b);
	k->len = 0;
	return r;
}

static const struct hash128 zero;

unsigned
graph_moved(const struct graph_inputs *in)
{
	unsigned m = 0;
	size_t g;

	for (g = 0; g < in->ng; g++)
		if (!in->prev_g || !hash_eq(in->g[g], in->prev_g[g]))
			m |= 1u << g;
	return m;
}

static struct hash128
at(const struct hash128 *v, size_t stride, uint32_t u)
{
	struct hash128 h;

	memcpy(&h, (const char *)v + (size_t)u * stride, sizeof(h));
	return h;
}

static bool
unit_moved(const struct graph_inputs *in, uint32_t u)
{
	return !in->prev_unit ||
	       !hash_eq(at(in->unit, in->unit_stride, u),
			at(in->prev_unit, in->prev_stride, u));
}

static int
why_dirty(const struct gnode *x, const struct graph_inputs *in,
	  unsigned moved)
{
	size_t g;

	if (!x->has_prev)
		return GRAPH_WHY_NEW;
	for (g = 0; g < in->ng; g++)
		if ((x->globals & moved) & 1u << g)
			return (int)g;
	if (x->unit == GRAPH_NO_UNIT)
		return GRAPH_WHY_OTHER;
	if (in->prev_unit &&
	    hash_eq(at(in->prev_unit, in->prev_stride, x->unit), zero))
		return GRAPH_WHY_UNIT_NEW;
	if (unit_moved(in, x->unit) || !x->ctx)
		return GRAPH_WHY_UNIT;
	return GRAPH_WHY_CTX;
}

void
graph_mark(struct gnode *x, const struct graph_inputs *in, unsigned moved)
{
	struct gkey k;
	size_t g;

	if (in->same_model && x->has_prev && !(x->globals & moved) &&
	    (x->unit == GRAPH_NO_UNIT || !unit_moved(in, x->unit)) &&
	    !(x->ctx && in->ctx_moved &&
	      (!in->ctx_touched || in->ctx_touched[x->unit]))) {
		x->key = x->prev_key;   /* the same inputs */
		x->dirty = false;
		return;
	}
	gkey_init(&k);
	gkey_str(&k, x->path);
	gkey_add(&k, x->salt, x->nsalt);
	for (g = 0; g < in->ng; g++)
		if (x->globals & 1u << g)
			gkey_hash(&k, in->g[g]);
	if (x->unit != GRAPH_NO_UNIT) {
		gkey_hash(&k, at(in->unit, in->unit_stride, x->unit));
		if (x->ctx)
			gkey_hash(&k, in->ctx(in->arg, x->unit));
	}
	x->key = gkey_done(&k);
	x->dirty = !x->has_prev || !hash_eq(x->key, x->prev_key);
	if (x->dirty)
		x->why = why_dirty(x, in, moved);
}
