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


static const char *
decl_name(const struct cg_decl *d)
{
	return d->name;
}

/* ---- uploads/<U>.ts ---- */

void
cg_emit_upload_policy(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->uploads[i];
	const struct ast_upload *u = d->ast->u.upload;
	const struct ast_upload_field *f;
	const char *U = decl_name(d);
	struct cg_jw w;

	sbuf_printf(o, "// Upload policy %s, enforced by "
		       "react/runtime/uploadMiddleware.\n",
		    U);
	sbuf_adds(o, "export const policy = ");
	memset(&w, 0, sizeof(w));
	w.o = o;
	cg_jw_open(&w, '{');
	cg_jw_key(&w, "name");
	cg_jw_str(&w, U, strlen(U));
	cg_jw_key(&w, "fields");
	cg_jw_open(&w, '[');
	for (f = u->fields; f; f = f->next) {
		const struct ast_mime *mt;

		cg_jw_open(&w, '{');
		cg_jw_key(&w, "kind");
		cg_jw_str(&w, "upload_field", 12);
		cg_jw_key(&w, "name");
		cg_jw_str(&w, f->name ? f->name->s : "",
		       f->name ? f->name->len : 0);
		if (f->has_max_size) {
			cg_jw_key(&w, "maxSizeBytes");
			cg_jw_num(&w, f->max_size);
		}
		cg_jw_key(&w, "maxCount");
		cg_jw_num(&w, f->has_max_count ? f->max_count : 1);
		cg_jw_key(&w, "mime");
		cg_jw_open(&w, '[');
		for (mt = f->mimes; mt; mt = mt->next)
			if (mt->text)
				cg_jw_str(&w, mt->text, strlen(mt->text));
		cg_jw_close(&w, ']');
		cg_jw_key(&w, "required");
		cg_jw_raw(&w, f->required ? "true" : "false");
		cg_jw_close(&w, '}');
	}
	cg_jw_close(&w, ']');
	cg_jw_key(&w, "storage");
	cg_jw_open(&w, '{');
	if (u->strategy) {
		cg_jw_key(&w, "strategy");
		cg_jw_str(&w, u->strategy->s, u->strategy->len);
	}
	if (u->has_path) {
		struct sbuf p;

		sbuf_init(&p);
		cg_put_span(&p, d, u->path);
		cg_jw_key(&w, "path");
		cg_jw_str(&w, p.p ? p.p : "", p.len);
		sbuf_free(&p);
	}
	if (u->naming) {
		cg_jw_key(&w, "naming");
		cg_jw_str(&w, u->naming->s, u->naming->len);
	}
	cg_jw_close(&w, '}');
	cg_jw_close(&w, '}');
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
