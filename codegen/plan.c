/*
 * plan.c - every output file of a model: OUTPUTS.md section 1 with
 * DECISIONS.md applied (runtime always emitted, no bookkeeping side files,
 * BUILD_MANIFEST.json made by the writer from the other outputs). Every
 * output locusc owns is listed in the manifest, which is also how the
 * next build knows what to remove; only the files a user owns after their
 * creation (package.json, tsconfig.json, README.md) are not.
 */
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

/* Every emitter a plan uses; an output's emit_id is its place here. */
static const cg_emit_fn emitters[] = {
	cg_emit_env_example, cg_emit_prisma_schema, cg_emit_server,
	cg_emit_theme_css, cg_emit_validation_index, cg_emit_validation_all,
	cg_emit_shims, cg_emit_entities, cg_emit_package_json,
	cg_emit_tsconfig, cg_emit_readme, cg_emit_runtime, cg_emit_validation,
	cg_emit_route, cg_emit_component, cg_emit_component_css, cg_emit_page,
	cg_emit_next_page, cg_emit_next_globals, cg_emit_next_layout,
	cg_emit_next_index, cg_emit_next_tsconfig, cg_emit_next_config,
	cg_emit_workflow, cg_emit_webhooks, cg_emit_upload_policy,
	cg_emit_uploads_index, cg_emit_uploads_context, cg_emit_auth_utils,
};

cg_emit_fn
cg_emitter(unsigned id)
{
	return id < sizeof(emitters) / sizeof(emitters[0]) ? emitters[id]
							    : NULL;
}

const struct cg_frags *
cg_frags_of(cg_emit_fn emit)
{
	if (emit == cg_emit_prisma_schema)
		return &cg_prisma_frags;
	if (emit == cg_emit_entities)
		return &cg_entities_frags;
	return NULL;
}

void
cg_frags_join(const struct cg_frags *f, const struct cg_model *m,
	      const size_t *by_name,
	      void (*piece)(void *arg, const size_t *order, size_t k,
			    struct sbuf *o),
	      void *arg, struct sbuf *o)
{
	size_t *idx = NULL;
	size_t k;

	if (!by_name) {
		idx = xmalloc((m->nentities ? m->nentities : 1) *
			      sizeof(*idx));
		for (k = 0; k < m->nentities; k++)
			idx[k] = k;
		cg_sort_by_name(m->entities, idx, m->nentities);
		by_name = idx;
	}
	f->head(m, o);
	for (k = 0; k < m->nentities; k++)
		piece(arg, by_name, k, o);
	free(idx);
}

struct made {
	const struct cg_frags *f;
	const struct cg_model *m;
	void *ctx;
};

static void
make_piece(void *arg, const size_t *order, size_t k, struct sbuf *o)
{
	struct made *x = arg;

	x->f->frag(x->m, x->ctx, order[k], o);
}

void
cg_emit_frags(const struct cg_frags *f, const struct cg_model *m,
	      struct sbuf *o)
{
	struct made x = { f, m, f->prepare ? f->prepare(m) : NULL };

	cg_frags_join(f, m, NULL, make_piece, &x, o);
	if (f->release)
		f->release(x.ctx);
}

static unsigned
emitter_id(cg_emit_fn fn)
{
	unsigned i;

	for (i = 0; i < sizeof(emitters) / sizeof(emitters[0]); i++)
		if (emitters[i] == fn)
			return i;
	base_fatal("plan: an emitter missing from the table");
}

static void
add_dep(struct cg_plan *p, char *path, cg_emit_fn fn, size_t index,
	unsigned flags, enum cg_dep dep, enum unit_kind kind)
{
	struct cg_output *o;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	o = &p->v[p->n++];
	o->path = path;
	o->emit = fn;
	o->emit_id = emitter_id(fn);
	o->index = index;
	o->flags = flags;
	o->dep = dep;
	o->kind = kind;
}

/* An output about the whole project that reads names and facts only. */
static void
add(struct cg_plan *p, char *path, cg_emit_fn fn, size_t index,
    unsigned flags)
{
	add_dep(p, path, fn, index, flags, CG_DEP_NAMES, UNIT_ENTITY);
}

static char *
path_of(const char *fmt, const char *name)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, fmt, name);
	return b.p;
}

/* prefix + name + suffix, without printf: there is one per output. */
static char *
path3(const char *prefix, const char *name, const char *suffix)
{
	size_t a = strlen(prefix), n = strlen(name), c = strlen(suffix);
	char *s = xmalloc(a + n + c + 1);

	memcpy(s, prefix, a);
	memcpy(s + a, name, n);
	memcpy(s + a + n, suffix, c + 1);
	return s;
}

static void
warn(struct cg_plan *p, const char *kind, char *message)
{
	if (p->nwarnings == p->capwarnings) {
		p->capwarnings = p->capwarnings ? p->capwarnings * 2 : 8;
		p->warnings = xrealloc(p->warnings,
				       p->capwarnings * sizeof(*p->warnings));
	}
	p->warnings[p->nwarnings].kind = kind;
	p->warnings[p->nwarnings].message = message;
	p->nwarnings++;
}

static const char *
name_of(const struct cg_decl *d)
{
	return d->name;
}

void
cg_plan_add_warnings(struct cg_plan *p, const char *lines)
{
	static const char *const kinds[] = {
		"slot_children_auto_add", "slot_named_auto_add",
	};
	const char *s = lines, *tab, *nl;
	size_t i;

	while (s && (tab = strchr(s, '\t')) != NULL &&
	       (nl = strchr(tab, '\n')) != NULL) {
		const char *kind = "generic";

		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strncmp(s, kinds[i], (size_t)(tab - s)) == 0 &&
			    kinds[i][tab - s] == 0)
				kind = kinds[i];
		warn(p, kind, xstrndup(tab + 1, (size_t)(nl - tab - 1)));
		s = nl + 1;
	}
}

/* A workflow triggered by a webhook needs the webhook stub. */
static bool
has_webhook(const struct cg_model *m)
{
	size_t i;

	for (i = 0; i < m->nworkflows; i++) {
		if (m->workflows[i].flags & CG_DECL_WEBHOOK)
			return true;
	}
	return false;
}

static int
cmp_output(const void *a, const void *b)
{
	return strcmp(((const struct cg_output *)a)->path,
		      ((const struct cg_output *)b)->path);
}

/* A set of paths already given to an output (open addressing). */
struct pathset {
	char **v;
	size_t cap;
};

static void
pathset_init(struct pathset *t, size_t n)
{
	t->cap = 16;
	while (t->cap < n * 2)
		t->cap *= 2;
	t->v = xcalloc(t->cap, sizeof(*t->v));
}

static void
pathset_free(struct pathset *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i]);
	free(t->v);
}

/*
 * Two declarations whose outputs map to one path (`Book` and `book` both
 * give routes/book.ts; `AdminUI` and `Admin_UI` both give /admin-ui):
 * the later one in name order is skipped with a warning, as the original
 * did. Returns false for a path already taken; the set owns path.
 */
static bool
claim(struct cg_plan *p, struct pathset *t, char *path)
{
	size_t j;

	for (j = hash_str32(path, strlen(path)) & (t->cap - 1); t->v[j];
	     j = (j + 1) & (t->cap - 1)) {
		if (strcmp(t->v[j], path) == 0) {
			warn(p, "generic",
			     path_of("two outputs map to %s; the later one "
				     "(by name) is skipped", path));
			free(path);
			return false;
		}
	}
	t->v[j] = path;
	return true;
}

void
cg_plan_build(const struct cg_model *m, struct cg_plan *p)
{
	size_t *idx, i, n;
	struct pathset taken;
	struct sbuf b;

	memset(p, 0, sizeof(*p));
	n = m->nentities > m->npages ? m->nentities : m->npages;
	if (m->ncomponents > n)
		n = m->ncomponents;
	idx = xmalloc((n ? n : 1) * sizeof(*idx));

	add(p, xstrdup(".env.example"), cg_emit_env_example, 0, 0);
	add_dep(p, xstrdup("prisma/schema.prisma"), cg_emit_prisma_schema, 0,
		0, CG_DEP_ENTITY, UNIT_ENTITY);
	add(p, xstrdup("server.ts"), cg_emit_server, 0, 0);
	add_dep(p, xstrdup("theme.css"), cg_emit_theme_css, 0, 0,
		CG_DEP_DESIGN, UNIT_DESIGN);
	add(p, xstrdup("validation/index.ts"), cg_emit_validation_index, 0, 0);
	add(p, xstrdup("validation/all.ts"), cg_emit_validation_all, 0, 0);
	add(p, xstrdup("react/shims.d.ts"), cg_emit_shims, 0, 0);
	add_dep(p, xstrdup("react/entities.ts"), cg_emit_entities, 0, 0,
		CG_DEP_ENTITY, UNIT_ENTITY);
	add(p, xstrdup("package.json"), cg_emit_package_json, 0,
	    CG_IF_ABSENT);
	add(p, xstrdup("tsconfig.json"), cg_emit_tsconfig, 0,
	    CG_IF_ABSENT);
	add(p, xstrdup("README.md"), cg_emit_readme, 0,
	    CG_IF_ABSENT);
	for (i = 0; i < cg_runtime_count(); i++)
		add_dep(p, xstrdup(cg_runtime_path(i)), cg_emit_runtime, i, 0,
			CG_DEP_NONE, UNIT_ENTITY);

	/* Entities, in name order so that collisions resolve as documented. */
	for (i = 0; i < m->nentities; i++)
		idx[i] = i;
	cg_sort_by_name(m->entities, idx, m->nentities);
	pathset_init(&taken, m->nentities);
	for (i = 0; i < m->nentities; i++) {
		const char *e = name_of(&m->entities[idx[i]]);

		add_dep(p, path3("validation/", e, ".ts"), cg_emit_validation,
			idx[i], 0, CG_DEP_OWN, UNIT_ENTITY);
		sbuf_init(&b);
		sbuf_adds(&b, "routes/");
		cg_put_lower_first(&b, e);
		sbuf_adds(&b, ".ts");
		if (claim(p, &taken, b.p))
			add_dep(p, xstrdup(b.p), cg_emit_route, idx[i], 0,
				CG_DEP_OWN, UNIT_ENTITY);
	}
	pathset_free(&taken);

	/* Components, in name order (their warnings come in that order). */
	for (i = 0; i < m->ncomponents; i++)
		idx[i] = i;
	cg_sort_by_name(m->components, idx, m->ncomponents);
	for (i = 0; i < m->ncomponents; i++) {
		const struct cg_decl *c = &m->components[idx[i]];
		const char *nm = name_of(c);

		add_dep(p, path3("react/components/", nm, ".tsx"),
			cg_emit_component, idx[i], 0, CG_DEP_VIEW,
			UNIT_COMPONENT);
		if (c->flags & CG_DECL_STYLE)
			add_dep(p, path3("react/components/", nm, ".css"),
				cg_emit_component_css, idx[i], 0, CG_DEP_OWN,
				UNIT_COMPONENT);
		cg_plan_add_warnings(p, c->warnings);
	}

	/* Pages and the Next.js app. */
	for (i = 0; i < m->npages; i++)
		idx[i] = i;
	cg_sort_by_name(m->pages, idx, m->npages);
	pathset_init(&taken, m->npages);
	for (i = 0; i < m->npages; i++) {
		const char *nm = name_of(&m->pages[idx[i]]);

		add_dep(p, path3("react/pages/", nm, ".tsx"), cg_emit_page,
			idx[i], 0, CG_DEP_VIEW, UNIT_PAGE);
		sbuf_init(&b);
		sbuf_adds(&b, "next-app/app/");
		cg_put_kebab(&b, nm);
		sbuf_adds(&b, "/page.tsx");
		if (claim(p, &taken, b.p))
			add_dep(p, xstrdup(b.p), cg_emit_next_page, idx[i], 0,
				CG_DEP_OWN, UNIT_PAGE);
	}
	pathset_free(&taken);
	if (m->npages) {
		add_dep(p, xstrdup("next-app/app/globals.css"),
			cg_emit_next_globals, 0, 0, CG_DEP_DESIGN, UNIT_DESIGN);
		add(p, xstrdup("next-app/app/layout.tsx"), cg_emit_next_layout,
		    0, 0);
		add(p, xstrdup("next-app/app/page.tsx"), cg_emit_next_index, 0,
		    0);
		add(p, xstrdup("next-app/tsconfig.json"), cg_emit_next_tsconfig,
		    0, 0);
		add(p, xstrdup("next-app/next.config.js"), cg_emit_next_config,
		    0, 0);
		add_dep(p, xstrdup("next-app/public/theme.css"),
			cg_emit_theme_css, 0, 0, CG_DEP_DESIGN, UNIT_DESIGN);
	}

	for (i = 0; i < m->nworkflows; i++)
		add_dep(p, path3("workflows/", name_of(&m->workflows[i]),
				 ".json"),
			cg_emit_workflow, i, 0, CG_DEP_OWN, UNIT_WORKFLOW);
	if (has_webhook(m))
		add_dep(p, xstrdup("webhooks.stub.ts"), cg_emit_webhooks, 0, 0,
			CG_DEP_WORKFLOW, UNIT_WORKFLOW);

	/* Auth mode (OUTPUTS.md 14). */
	if (m->cfg.auth) {
		for (i = 0; i < m->nuploads; i++)
			add_dep(p, path3("uploads/",
					 name_of(&m->uploads[i]), ".ts"),
				cg_emit_upload_policy, i, 0, CG_DEP_OWN,
				UNIT_UPLOAD);
		if (m->nuploads) {
			add(p, xstrdup("uploads/index.ts"),
			    cg_emit_uploads_index, 0, 0);
			add(p, xstrdup("uploads/context.d.ts"),
			    cg_emit_uploads_context, 0, 0);
		}
		if (m->cfg.jwt_secret)
			add(p, xstrdup("auth/authUtils.ts"), cg_emit_auth_utils,
			    0, 0);
	}

	qsort(p->v, p->n, sizeof(*p->v), cmp_output);
	free(idx);
}

void
cg_plan_free(struct cg_plan *p)
{
	size_t i;

	for (i = 0; i < p->n && !p->borrowed; i++)
		free(p->v[i].path);
	xbig_free(p->v);
	for (i = 0; i < p->nwarnings; i++)
		free(p->warnings[i].message);
	free(p->warnings);
	memset(p, 0, sizeof(*p));
}
