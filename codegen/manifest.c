/*
 * manifest.c - BUILD_MANIFEST.json and GENERATED_WARNINGS.txt/.json
 * (OUTPUTS.md 15 and 16 with DECISIONS.md applied).
 *
 * The manifest lists every output with the XXH3-128 of its content, in
 * the order given (the writer passes paths sorted by byte order):
 *
 *   { "files": [ { "path": P, "hash": H }, ... ], "hash": T }
 *
 * H is 32 lower-case hex digits. T, the tree hash, is the XXH3-128 of
 * two hashes: of the path list (each path and a NUL) and of the files'
 * hashes (16 bytes each, in order). It names the whole text, which is a
 * function of the two lists, so a writer that knows the path list's hash
 * makes T without a pass over the text, and patches a text in place.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

static const char head[] = "{\n  \"files\": [";
static const char open1[] = "\n    {\n      \"path\": \"";
static const char open2[] = ",\n    {\n      \"path\": \"";
static const char mid[] = "\",\n      \"hash\": \"";
static const char close_[] = "\"\n    }";
static const char tail_some[] = "\n  ],\n";
static const char tail_none[] = "],\n";
static const char tree_key[] = "  \"hash\": \"";
static const char end[] = "\"\n}\n";

#define LIT(s) (sizeof(s) - 1)

struct hash128
cg_manifest_paths_hash(const char *const *paths, size_t n)
{
	struct hash_stream *h = hash_stream_new();
	size_t k;

	for (k = 0; k < n; k++)
		hash_stream_add(h, paths[k], strlen(paths[k]) + 1);
	return hash_stream_done(h);
}

struct hash128
cg_manifest_tree(struct hash128 paths_hash, const struct hash128 *hashes,
		 size_t n)
{
	struct hash128 two[2];

	two[0] = paths_hash;
	two[1] = hash_bytes(n ? (const void *)hashes : "", n * sizeof(*hashes));
	return hash_bytes(two, sizeof(two));
}

/* Bytes of a 64-bit word: each 1, each 0x80. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Whether any byte of w is below n (n at most 0x80): exact for "any" (a
 * borrow only flags bytes above one that is truly below n). */
static uint64_t
any_below(uint64_t w, unsigned n)
{
	return (w - ONES * n) & ~w & HIGHS;
}

/* Whether one of the 8 bytes at p needs a JSON escape. */
static bool
word_escapes(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return (any_below(w, 0x20) | any_below(w ^ (ONES * '"'), 1) |
		any_below(w ^ (ONES * '\\'), 1)) != 0;
}

/* Whether path goes into the text as it is (no JSON escape). Eight
 * bytes a step, the last eight overlapping the step before: every build
 * lays out 30,000 paths at 10,000 files, and byte by byte that was 7.8
 * million instructions. */
static bool
plain(const char *path, size_t len)
{
	size_t i = 0;

	if (len >= 8) {
		for (; i + 8 <= len; i += 8)
			if (word_escapes(path + i))
				return false;
		return !word_escapes(path + len - 8);
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return false;
	}
	return true;
}

bool
cg_manifest_layout(const char *const *paths, size_t n, size_t *text_at,
		   size_t *tree_at, size_t *len)
{
	size_t at = LIT(head), k;

	for (k = 0; k < n; k++) {
		size_t pl = strlen(paths[k]);

		if (!plain(paths[k], pl))
			return false;
		at += (k ? LIT(open2) : LIT(open1)) + pl + LIT(mid);
		text_at[k] = at;
		at += 32 + LIT(close_);
	}
	at += (n ? LIT(tail_some) : LIT(tail_none)) + LIT(tree_key);
	*tree_at = at;
	*len = at + 32 + LIT(end);
	return true;
}

/*
 * Where emitted bytes go: a buffer that keeps them all, or (with a hash
 * stream) one flushed every MFLUSH bytes, to the sink when there is one,
 * keeping only the hash of what went through.
 */
struct mout {
	struct sbuf b;
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
	o->b.len = 0;
}

/*
 * The text into t; with at (not NULL), also where each file's hex
 * digits land (m->text_at, m->tree_at). Returns T.
 */
static struct hash128
emit(const char *const *paths, const struct hash128 *hashes, size_t n,
     struct hash128 paths_hash, struct mout *t, struct cg_manifest *at)
{
	struct sbuf *out = &t->b;
	struct hash128 tree;
	char hex[33], *w;
	size_t k, need = 64;

	/* One allocation and plain copies: this runs after every build
	 * that changed an output, over every output. A path that needs
	 * escaping (none a plan makes) goes through the escaper. */
	for (k = 0; k < n && !t->h; k++)
		need += strlen(paths[k]);
	if (t->h)  /* flushed as it goes */
		need = MFLUSH;
	sbuf_reserve(out, need + (t->h ? 0 : n) * (sizeof(open2) +
				sizeof(mid) + sizeof(close_) + 32));
	sbuf_add(out, head, LIT(head));
	for (k = 0; k < n; k++) {
		size_t len = strlen(paths[k]);

		hash_hex(hashes[k], hex);
		if (k)
			sbuf_add(out, open2, LIT(open2));
		else
			sbuf_add(out, open1, LIT(open1));
		if (plain(paths[k], len)) {
			sbuf_reserve(out, len + sizeof(mid) + 32 +
					  sizeof(close_));
			w = out->p + out->len;
			memcpy(w, paths[k], len);
			w += len;
			memcpy(w, mid, LIT(mid));
			w += LIT(mid);
			if (at)
				at->text_at[k] = (size_t)(w - out->p);
			memcpy(w, hex, 32);
			w += 32;
			memcpy(w, close_, LIT(close_));
			w += LIT(close_);
			out->len = (size_t)(w - out->p);
			*w = 0;
		} else {
			sbuf_add_json_str(out, paths[k], len);
			sbuf_add(out, mid, LIT(mid));
			if (at)
				at->text_at[k] = out->len;
			sbuf_add(out, hex, 32);
			sbuf_add(out, close_, LIT(close_));
		}
		mflush(t, false);
	}
	if (n)
		sbuf_add(out, tail_some, LIT(tail_some));
	else
		sbuf_add(out, tail_none, LIT(tail_none));
	tree = cg_manifest_tree(paths_hash, hashes, n);
	hash_hex(tree, hex);
	sbuf_add(out, tree_key, LIT(tree_key));
	if (at)
		at->tree_at = out->len;
	sbuf_add(out, hex, 32);
	sbuf_add(out, end, LIT(end));
	mflush(t, true);
	return tree;
}

void
cg_emit_manifest(const char *const *paths, const struct hash128 *hashes,
		 size_t n, struct sbuf *out)
{
	struct mout t = { .b = *out };

	emit(paths, hashes, n, cg_manifest_paths_hash(paths, n), &t, NULL);
	*out = t.b;
}

int
cg_manifest_stream(const char *const *paths, const struct hash128 *hashes,
		   size_t n, const struct hash128 *paths_hash,
		   cg_sink_fn sink, void *arg, struct hash128 *tree,
		   struct hash128 *content)
{
	struct mout t = { .h = hash_stream_new(), .sink = sink, .arg = arg };

	*tree = emit(paths, hashes, n,
		     paths_hash ? *paths_hash
				: cg_manifest_paths_hash(paths, n),
		     &t, NULL);
	*content = hash_stream_done(t.h);
	sbuf_free(&t.b);
	return t.err;
}

void
cg_manifest_build(struct cg_manifest *m, const char *const *paths,
		  const struct hash128 *hashes, size_t n)
{
	struct mout t = { .h = NULL };

	memset(m, 0, sizeof(*m));
	m->n = n;
	m->text_at = xcalloc(n + 1, sizeof(*m->text_at));
	m->hashes = xcalloc(n + 1, sizeof(*m->hashes));
	if (n)
		memcpy(m->hashes, hashes, n * sizeof(*hashes));
	m->paths_hash = cg_manifest_paths_hash(paths, n);
	sbuf_init(&t.b);
	m->tree = emit(paths, hashes, n, m->paths_hash, &t, m);
	m->text = t.b;
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
	}
	m->tree = cg_manifest_tree(m->paths_hash, m->hashes, m->n);
	hash_hex(m->tree, hex);
	memcpy(m->text.p + m->tree_at, hex, 32);
}

void
cg_manifest_free(struct cg_manifest *m)
{
	if (!m)
		return;
	sbuf_free(&m->text);
	free(m->text_at);
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
