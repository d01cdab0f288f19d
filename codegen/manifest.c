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
#include <string.h>

#include "codegen.h"

void
cg_emit_manifest(const char *const *paths, const struct hash128 *hashes,
		 size_t n, struct sbuf *out)
{
	struct hash_stream *all = hash_stream_new();
	char hex[33];
	size_t k, need = 64;

	/* One allocation: this runs after every build that changed an
	 * output, over every output. */
	for (k = 0; k < n; k++)
		need += strlen(paths[k]);
	sbuf_reserve(out, need + n * 80);
	sbuf_adds(out, "{\n  \"files\": [");
	for (k = 0; k < n; k++) {
		size_t len = strlen(paths[k]);

		hash_hex(hashes[k], hex);
		sbuf_adds(out, k ? ",\n    {\n" : "\n    {\n");
		sbuf_adds(out, "      \"path\": ");
		cg_put_json_str(out, paths[k], len);
		sbuf_adds(out, ",\n      \"hash\": \"");
		sbuf_add(out, hex, 32);
		sbuf_adds(out, "\"\n    }");
		/* The whole-tree hash is over "path\nhash\n" lines. */
		hex[32] = '\n';
		hash_stream_add(all, paths[k], len);
		hash_stream_add(all, "\n", 1);
		hash_stream_add(all, hex, 33);
	}
	sbuf_adds(out, n ? "\n  ],\n" : "],\n");
	hash_hex(hash_stream_done(all), hex);
	sbuf_adds(out, "  \"hash\": \"");
	sbuf_add(out, hex, 32);
	sbuf_adds(out, "\"\n}\n");
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
