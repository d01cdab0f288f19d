/*
 * next.c - the Next.js app under next-app/ (OUTPUTS.md section 12): a
 * route per page rendering the generated React page, a landing page
 * linking to every page, the root layout, global styles and the Next
 * configuration. Written only when the project has pages (plan.c).
 */
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

static const char *
page_name(const struct cg_model *m, size_t i)
{
	return m->pages[i].name;
}

void
cg_emit_next_globals(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)m;
	(void)i;
	cg_put_header(o, "next", true);
	sbuf_adds(o, "@import url('/theme.css');\n"
		     "\n"
		     "body {\n"
		     "  margin: 0;\n"
		     "  font-family: var(--font-family, system-ui, "
		     "-apple-system, 'Segoe UI', Roboto, sans-serif);\n"
		     "}\n");
}

void
cg_emit_next_layout(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const char *title = m->cfg.app_name ? m->cfg.app_name : "Locus App";

	(void)i;
	cg_put_header(o, "next", false);
	sbuf_adds(o, "import React from 'react';\n"
		     "import './globals.css';\n"
		     "\n"
		     "export const metadata = {\n"
		     "  title: ");
	cg_put_ts_str(o, title, strlen(title));
	sbuf_adds(o, ",\n"
		     "};\n"
		     "\n"
		     "export default function RootLayout({\n"
		     "  children,\n"
		     "}: {\n"
		     "  children: React.ReactNode;\n"
		     "}) {\n"
		     "  return (\n"
		     "    <html lang=\"en\">\n"
		     "      <body data-theme=\"light\">{children}</body>\n"
		     "    </html>\n"
		     "  );\n"
		     "}\n");
}

void
cg_emit_next_index(const struct cg_model *m, size_t i, struct sbuf *o)
{
	size_t *idx = xmalloc((m->npages ? m->npages : 1) * sizeof(*idx));
	size_t k;

	(void)i;
	for (k = 0; k < m->npages; k++)
		idx[k] = k;
	cg_sort_by_name(m->pages, idx, m->npages);
	cg_put_header(o, "next", false);
	sbuf_adds(o, "export default function Home() {\n"
		     "  return (\n"
		     "    <main>\n"
		     "      <h1>Pages</h1>\n"
		     "      <ul>\n");
	for (k = 0; k < m->npages; k++) {
		const char *name = page_name(m, idx[k]);

		sbuf_adds(o, "        <li>\n          <a href=\"/");
		cg_put_kebab(o, name);
		sbuf_printf(o, "\">%s</a>\n        </li>\n", name);
	}
	sbuf_adds(o, "      </ul>\n"
		     "    </main>\n"
		     "  );\n"
		     "}\n");
	free(idx);
}

void
cg_emit_next_page(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const char *name = page_name(m, i);

	cg_put_header(o, "next", false);
	sbuf_printf(o, "import %s from '../../../react/pages/%s';\n"
		       "\n"
		       "export default function %sRoute() {\n"
		       "  return <%s />;\n"
		       "}\n",
		    name, name, name, name);
}

void
cg_emit_next_tsconfig(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)m;
	(void)i;
	cg_put_header(o, "next", false);
	/* shims.d.ts declares CSS modules, so `import './globals.css'`
	 * type-checks. */
	sbuf_adds(o, "{\n"
		     "  \"extends\": \"../tsconfig.json\",\n"
		     "  \"compilerOptions\": {\n"
		     "    \"jsx\": \"preserve\"\n"
		     "  },\n"
		     "  \"include\": [\".\", \"../react/shims.d.ts\"]\n"
		     "}\n");
}

void
cg_emit_next_config(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)m;
	(void)i;
	cg_put_header(o, "next", false);
	sbuf_adds(o, "/** @type {import('next').NextConfig} */\n"
		     "module.exports = {\n"
		     "  reactStrictMode: true,\n"
		     "};\n");
}
