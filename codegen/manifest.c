/*
 * manifest.c - BUILD_MANIFEST.json and GENERATED_WARNINGS.txt/.json
 * (OUTPUTS.md 15 and 16 with DECISIONS.md applied).
 *
 * The manifest lists every output with the XXH3-128 of its content, in
 * the order given (the writer passes paths sorted by byte order):
 *
 *   { "files": [ { "path": P, "hash": H }, ... ], "hash": T }
 *
 * H is 32 lower-case hex digits; T is the XXH3-128 of the concatenation,
 * over the listed files in order, of P + "\n" + H + "\n".
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

/*
 * Where emitted bytes go: a buffer that keeps them all, or (with a hash
 * stream) one flushed every MFLUSH bytes, to the sink when there is one,
 * keeping only the hash of what went through.
 */
struct mout {
	struct sbuf b;
	size_t base;                 /* bytes flushed before b's first */
	struct hash_stream *h;       /* NULL: keep every byte in b */
	cg_sink_fn sink;
	void *arg;
	int err;
};

#define MFLUSH (64 * 1024)

static void
mflush(struct mout *o, bool all)
{
	if (!o->h || (!all && o->b.len < MFLUSH) || !o->b.len)
		return;
	if (o->sink && !o->err)
		o->err = o->sink(o->arg, o->b.p, o->b.len);
	hash_stream_add(o->h, o->b.p, o->b.len);
	o->base += o->b.len;
	o->b.len = 0;
}

/*
 * The text into t and the tree hash's input into l; with at (not NULL),
 * also where each file's hex digits land in both (m->text_at,
 * m->line_at, m->tree_at).
 */
static void
emit(const char *const *paths, const struct hash128 *hashes, size_t n,
     struct mout *t, struct mout *l, struct cg_manifest *at)
{
	static const char head[] = "{\n  \"files\": [";
	static const char open1[] = "\n    {\n      \"path\": \"";
	static const char open2[] = ",\n    {\n      \"path\": \"";
	static const char mid[] = "\",\n      \"hash\": \"";
	static const char close[] = "\"\n    }";
	struct sbuf *out = &t->b, *all = &l->b;
	struct hash128 tree;
	char hex[33], *w;
	size_t k, need = 64, allneed = 0;

	/* One allocation each and plain copies: this runs after every
	 * build that changed an output, over every output. A path that
	 * needs escaping (none a plan makes) goes through the escaper. */
	for (k = 0; k < n && (!t->h || !l->h); k++) {
		size_t len = strlen(paths[k]);

		need += len;
		allneed += len + 34;
	}
	if (t->h)  /* flushed as it goes */
		need = MFLUSH;
	if (l->h)
		allneed = MFLUSH;
	sbuf_reserve(all, allneed + 1);
	sbuf_reserve(out, need + (t->h ? 0 : n) * (sizeof(open2) +
				sizeof(mid) + sizeof(close) + 32));
	sbuf_add(out, head, sizeof(head) - 1);
	for (k = 0; k < n; k++) {
		size_t len = strlen(paths[k]), i;

		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)paths[k][i];

			if (c < 0x20 || c == '"' || c == '\\')
				break;
		}
		hash_hex(hashes[k], hex);
		if (k)
			sbuf_add(out, open2, sizeof(open2) - 1);
		else
			sbuf_add(out, open1, sizeof(open1) - 1);
		if (i == len) {
			sbuf_reserve(out, len + sizeof(mid) + 32 +
					  sizeof(close));
			w = out->p + out->len;
			memcpy(w, paths[k], len);
			w += len;
			memcpy(w, mid, sizeof(mid) - 1);
			w += sizeof(mid) - 1;
			if (at)
				at->text_at[k] = (size_t)(w - out->p);
			memcpy(w, hex, 32);
			w += 32;
			memcpy(w, close, sizeof(close) - 1);
			w += sizeof(close) - 1;
			out->len = (size_t)(w - out->p);
			*w = 0;
		} else {
			sbuf_add_json_str(out, paths[k], len);
			sbuf_add(out, mid, sizeof(mid) - 1);
			if (at)
				at->text_at[k] = out->len;
			sbuf_add(out, hex, 32);
			sbuf_add(out, close, sizeof(close) - 1);
		}
		/* The whole-tree hash is over "path\nhash\n" lines. */
		sbuf_reserve(all, len + 34);
		w = all->p + all->len;
		memcpy(w, paths[k], len);
		w[len] = '\n';
		memcpy(w + len + 1, hex, 32);
		w[len + 33] = '\n';
		if (at)
			at->line_at[k] = all->len + len + 1;
		all->len += len + 34;
		mflush(t, false);
		mflush(l, false);
	}
	sbuf_adds(out, n ? "\n  ],\n" : "],\n");
	if (l->h) {
		mflush(l, true);
		tree = hash_stream_done(l->h);
		l->h = NULL;
	} else {
		tree = hash_bytes(all->p ? all->p : "", all->len);
	}
	hash_hex(tree, hex);
	sbuf_adds(out, "  \"hash\": \"");
	if (at)
		at->tree_at = out->len;
	sbuf_add(out, hex, 32);
	sbuf_adds(out, "\"\n}\n");
	mflush(t, true);
}

void
cg_emit_manifest(const char *const *paths, const struct hash128 *hashes,
		 size_t n, struct sbuf *out)
{
	struct mout t = { .b = *out }, l = { .h = hash_stream_new() };

	emit(paths, hashes, n, &t, &l, NULL);
	*out = t.b;
	sbuf_free(&l.b);
}

int
cg_manifest_stream(const char *const *paths, const struct hash128 *hashes,
		   size_t n, cg_sink_fn sink, void *arg,
		   struct hash128 *content)
{
	struct mout t = { .h = hash_stream_new(), .sink = sink, .arg = arg };
	struct mout l = { .h = hash_stream_new() };

	emit(paths, hashes, n, &t, &l, NULL);
	*content = hash_stream_done(t.h);
	sbuf_free(&t.b);
	sbuf_free(&l.b);
	return t.err;
}

void
cg_manifest_build(struct cg_manifest *m, const char *const *paths,
		  const struct hash128 *hashes, size_t n)
{
	struct mout t = { .h = NULL }, l = { .h = NULL };

	memset(m, 0, sizeof(*m));
	m->n = n;
	m->text_at = xcalloc(n + 1, sizeof(*m->text_at));
	m->line_at = xcalloc(n + 1, sizeof(*m->line_at));
	m->hashes = xcalloc(n + 1, sizeof(*m->hashes));
	if (n)
		memcpy(m->hashes, hashes, n * sizeof(*hashes));
	sbuf_init(&t.b);
	sbuf_init(&l.b);
	emit(paths, hashes, n, &t, &l, m);
	m->text = t.b;
	m->lines = l.b;
}

void
cg_manifest_patch(struct cg_manifest *m, const struct hash128 *hashes)
{
	char hex[33];
	size_t k;

	for (k = 0; k < m->n; k++) {
		if (hash_eq(m->hashes[k], hashes[k]))
			continue;
		m->hashes[k] = hashes[k];
		hash_hex(hashes[k], hex);
		memcpy(m->text.p + m->text_at[k], hex, 32);
		memcpy(m->lines.p + m->line_at[k], hex, 32);
	}
	hash_hex(hash_bytes(m->lines.p ? m->lines.p : "", m->lines.len), hex);
	memcpy(m->text.p + m->tree_at, hex, 32);
}

void
cg_manifest_free(struct cg_manifest *m)
{
	if (!m)
		return;
	sbuf_free(&m->text);
	sbuf_free(&m->lines);
	free(m->text_at);
	free(m->line_at);
	free(m->hashes);
	memset(m, 0, sizeof(*m));
}

void
cg_emit_warnings_txt(const struct cg_plan *p, struct sbuf *out)
{
	size_t k;

	for (k = 0; k < p->nwarnings; k++)
		sbuf_printf(out, "- %s\n", p->warnings[k].message);
}

void
cg_emit_warnings_json(const struct cg_plan *p, struct sbuf *out)
{
	size_t k;

	if (!p->nwarnings) {
		sbuf_adds(out, "[]\n");
		return;
	}
	sbuf_adds(out, "[");
	for (k = 0; k < p->nwarnings; k++) {
		const struct cg_warning *w = &p->warnings[k];

		sbuf_adds(out, k ? ",\n  {\n    \"kind\": " : "\n  {\n    \"kind\": ");
		cg_put_json_str(out, w->kind, strlen(w->kind));
		sbuf_adds(out, ",\n    \"message\": ");
		cg_put_json_str(out, w->message, strlen(w->message));
		sbuf_adds(out, "\n  }");
	}
	sbuf_adds(out, "\n]\n");
}
