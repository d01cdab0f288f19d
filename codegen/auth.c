/*
 * auth.c - the auth-mode files (OUTPUTS.md 14): uploads/<U>.ts,
 * uploads/index.ts, uploads/context.d.ts and auth/authUtils.ts.
 *
 * Upload policies carry the source's maxSize (as maxSizeBytes) and
 * maxCount (default 1), which the runtime enforces (DECISIONS.md). MIME
 * values are kept as written, wildcards included: the runtime's matcher
 * (react/runtime/multipart.ts) accepts `type/` + `*` families itself, so a
 * wildcard is not expanded into a fixed list of subtypes. Positions
 * (`loc`) are not emitted.
 */
#include <string.h>

#include "codegen.h"

/* ---- a JSON writer in the style of JSON.stringify(v, null, 2) ---- */

struct jw {
	struct sbuf *o;
	int depth;
	bool empty[64];    /* the open container has no element yet */
	bool after_key;    /* a key was written: its value follows inline */
};

static void
jw_newline(struct jw *w)
{
	int i;

	sbuf_addc(w->o, '\n');
	for (i = 0; i < w->depth; i++)
		sbuf_adds(w->o, "  ");
}

static void
jw_pre(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth])
		sbuf_addc(w->o, ',');
	w->empty[w->depth] = false;
	jw_newline(w);
}

static void
jw_key(struct jw *w, const char *k)
{
	jw_pre(w);
	cg_put_json_str(w->o, k, strlen(k));
	sbuf_adds(w->o, ": ");
	w->after_key = true;
}

static void
jw_open(struct jw *w, char c)
{
	jw_pre(w);
	sbuf_addc(w->o, c);
	w->depth++;
	w->empty[w->depth] = true;
}

static void
jw_close(struct jw *w, char c)
{
	bool empty = w->empty[w->depth];

	w->depth--;
	if (!empty)
		jw_newline(w);
	sbuf_addc(w->o, c);
}

static void
jw_str(struct jw *w, const char *s, size_t n)
{
	jw_pre(w);
	cg_put_json_str(w->o, s, n);
}

static void
jw_raw(struct jw *w, const char *s)
{
	jw_pre(w);
	sbuf_adds(w->o, s);
}

static void
jw_num(struct jw *w, double v)
{
	jw_pre(w);
	cg_put_number(w->o, v);
}

static const char *
decl_name(const struct cg_decl *d)
{
	return d->ast->name ? d->ast->name->s : "";
}

/* ---- uploads/<U>.ts ---- */

void
cg_emit_upload_policy(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->uploads[i];
	const struct ast_upload *u = d->ast->u.upload;
	const struct ast_upload_field *f;
	const char *U = decl_name(d);
	struct jw w;

	sbuf_printf(o, "// Upload policy %s, enforced by "
		       "react/runtime/uploadMiddleware.\n",
		    U);
	sbuf_adds(o, "export const policy = ");
	memset(&w, 0, sizeof(w));
	w.o = o;
	jw_open(&w, '{');
	jw_key(&w, "name");
	jw_str(&w, U, strlen(U));
	jw_key(&w, "fields");
	jw_open(&w, '[');
	for (f = u->fields; f; f = f->next) {
		const struct ast_mime *mt;

		jw_open(&w, '{');
		jw_key(&w, "kind");
		jw_str(&w, "upload_field", 12);
		jw_key(&w, "name");
		jw_str(&w, f->name ? f->name->s : "",
		       f->name ? f->name->len : 0);
		if (f->has_max_size) {
			jw_key(&w, "maxSizeBytes");
			jw_num(&w, f->max_size);
		}
		jw_key(&w, "maxCount");
		jw_num(&w, f->has_max_count ? f->max_count : 1);
		jw_key(&w, "mime");
		jw_open(&w, '[');
		for (mt = f->mimes; mt; mt = mt->next)
			if (mt->text)
				jw_str(&w, mt->text, strlen(mt->text));
		jw_close(&w, ']');
		jw_key(&w, "required");
		jw_raw(&w, f->required ? "true" : "false");
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_key(&w, "storage");
	jw_open(&w, '{');
	if (u->strategy) {
		jw_key(&w, "strategy");
		jw_str(&w, u->strategy->s, u->strategy->len);
	}
	if (u->has_path) {
		struct sbuf p;

		sbuf_init(&p);
		cg_put_span(&p, d, u->path);
		jw_key(&w, "path");
		jw_str(&w, p.p ? p.p : "", p.len);
		sbuf_free(&p);
	}
	if (u->naming) {
		jw_key(&w, "naming");
		jw_str(&w, u->naming->s, u->naming->len);
	}
	jw_close(&w, '}');
	jw_close(&w, '}');
	sbuf_adds(o, " as const;\n");
}

/* ---- uploads/index.ts, uploads/context.d.ts ---- */

void
cg_emit_uploads_index(const struct cg_model *m, size_t i, struct sbuf *o)
{
	size_t k;

	(void)i;
	for (k = 0; k < m->nuploads; k++) {
		const char *U = decl_name(&m->uploads[k]);

		sbuf_printf(o, "export * as %s from './%s';\n", U, U);
	}
}

void
cg_emit_uploads_context(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)m;
	(void)i;
	sbuf_adds(o,
		  "// What the upload middleware leaves on the request.\n"
		  "export interface UploadFileMeta {\n"
		  "  field: string;\n"
		  "  path: string;\n"
		  "  size: number;\n"
		  "  mime: string;\n"
		  "  hash: string;\n"
		  "  originalName?: string;\n"
		  "}\n"
		  "\n"
		  "export interface UploadContext {\n"
		  "  files?: UploadFileMeta[];\n"
		  "}\n"
		  "\n"
		  "declare global {\n"
		  "  namespace Express {\n"
		  "    interface Request {\n"
		  "      uploadFiles?: UploadFileMeta[];\n"
		  "      uploadBody?: Record<string, unknown>;\n"
		  "    }\n"
		  "  }\n"
		  "}\n");
}

/* ---- auth/authUtils.ts ---- */

void
cg_emit_auth_utils(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const char *secret = m->cfg.jwt_secret ? m->cfg.jwt_secret : "";

	(void)i;
	sbuf_adds(o,
		  "// Signed tokens: base64url(JSON payload) + '.' + "
		  "base64url(HMAC-SHA256).\n"
		  "import * as crypto from 'crypto';\n"
		  "\n"
		  "const SECRET: string = process.env.LOCUS_JWT_SECRET || ");
	cg_put_json_str(o, secret, strlen(secret));
	sbuf_adds(o,
		  ";\n"
		  "\n"
		  "export type TokenPayload = Record<string, unknown>;\n"
		  "\n"
		  "function sign(data: string): string {\n"
		  "  return crypto.createHmac('sha256', "
		  "SECRET).update(data).digest('base64url');\n"
		  "}\n"
		  "\n"
		  "export function generateToken(payload: TokenPayload, "
		  "options: { expSeconds?: number } = {}): string {\n"
		  "  const body: TokenPayload = { ...payload };\n"
		  "  if (options.expSeconds !== undefined) {\n"
		  "    body.exp = Math.floor(Date.now() / 1000) + "
		  "options.expSeconds;\n"
		  "  }\n"
		  "  const head = Buffer.from(JSON.stringify(body), "
		  "'utf8').toString('base64url');\n"
		  "  return head + '.' + sign(head);\n"
		  "}\n"
		  "\n"
		  "export function verifyToken(token: string): TokenPayload | "
		  "null {\n"
		  "  if (typeof token !== 'string') return null;\n"
		  "  const parts = token.split('.');\n"
		  "  if (parts.length !== 2 || !parts[0] || !parts[1]) return "
		  "null;\n"
		  "  const expected = Buffer.from(sign(parts[0]));\n"
		  "  const given = Buffer.from(parts[1]);\n"
		  "  if (expected.length !== given.length || "
		  "!crypto.timingSafeEqual(expected, given)) return null;\n"
		  "  let payload: unknown;\n"
		  "  try {\n"
		  "    payload = JSON.parse(Buffer.from(parts[0], "
		  "'base64url').toString('utf8'));\n"
		  "  } catch {\n"
		  "    return null;\n"
		  "  }\n"
		  "  if (payload === null || typeof payload !== 'object' || "
		  "Array.isArray(payload)) return null;\n"
		  "  const p = payload as TokenPayload;\n"
		  "  if (typeof p.exp === 'number' && p.exp < Date.now() / 1000) "
		  "return null;\n"
		  "  return p;\n"
		  "}\n");
}
