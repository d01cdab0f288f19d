/*
 * codegen.h - from the checked model to the files of the generated app.
 *
 * The driver builds a struct cg_model from the parsed, checked units (it
 * never reaches code generation when the project has errors). cg_plan
 * lists every output file of the app (OUTPUTS.md section 1 with
 * DECISIONS.md applied), each with the emitter that writes it and the
 * declaration it is about. Emitters append text to a struct sbuf; they
 * never touch the file system, never read the clock or the environment,
 * and must give the same bytes for the same model whatever the job count
 * or machine. The writer (compiler/) puts the bytes on disk.
 *
 * Generated text never embeds a source line or column (DECISIONS.md).
 */
#ifndef LOCUS_CODEGEN_H
#define LOCUS_CODEGEN_H

#include "../base/base.h"
#include "../frontend/ast.h"

/*
 * One declaration as generators see it: its tree and the text of its
 * unit (spans in the tree are offsets into text), its name, and its
 * *facts*: what outputs about other declarations read of it (the plan,
 * server.ts, the pages that use a component). An incremental build loads
 * trees only for the declarations whose outputs it regenerates; the others
 * have ast == NULL and only a name and facts, which is all any output
 * about another declaration may read (see cg_dep_class).
 */
struct cg_decl {
	const struct ast_unit *ast;  /* NULL when not loaded */
	const char *text;
	uint32_t len;
	const char *name;            /* never NULL */
	unsigned flags;              /* CG_DECL_* */
	const char *guard;           /* page: guard role, or NULL */
	const char *warnings;        /* component: "kind\tmessage\n"..., or
				      * NULL: the plan's warnings about it */
	struct hash128 iface;        /* component: hash of what a view that
				      * uses it reads (its props) */
};

enum {
	CG_DECL_STYLE = 1,           /* component: has a style block */
	CG_DECL_WEBHOOK = 2,         /* workflow: has a webhook trigger */
};

/*
 * Sets name (when NULL), flags, guard, warnings and iface of d from its
 * tree (d->ast must be set); strings are allocated in a.
 */
void cg_decl_facts(struct cg_decl *d, struct arena *a);

/* Locus.toml, as far as generation cares. Absent keys are NULL/false. */
struct cg_config {
	const char *app_name;        /* [app] name, or NULL */
	bool auth;                   /* an [auth] section exists */
	const char *jwt_secret;      /* [auth] jwtSecret */
	const char *adapter;         /* [auth] adapter (module path) */
	bool require_auth;           /* [auth] requireAuth = true */
};

/*
 * The whole project, merged. Every list is in merged order: files in
 * byte order of their relative paths, then source order. Generators that
 * need name order sort with cg_name_cmp.
 */
struct cg_model {
	struct cg_decl *entities;
	size_t nentities;
	struct cg_decl *design;      /* design sections; later ones win */
	size_t ndesign;
	struct cg_decl *pages;
	size_t npages;
	struct cg_decl *components;
	size_t ncomponents;
	struct cg_decl *stores;
	size_t nstores;
	struct cg_decl *workflows;
	size_t nworkflows;
	struct cg_decl *uploads;
	size_t nuploads;
	struct cg_config cfg;
	struct cg_index *index;      /* name lookups; see cg_model_index */
};

/*
 * Builds the hash indexes behind cg_find_* (a project of 10,000 entities
 * would make linear lookups quadratic). Call once the lists are filled;
 * cg_model_index_free releases them. Without an index, lookups scan.
 */
void cg_model_index(struct cg_model *m);
void cg_model_index_free(struct cg_model *m);

/* Lookups by name (NULL when absent). */
const struct cg_decl *cg_find_entity(const struct cg_model *m,
				     const char *name);
const struct cg_decl *cg_find_component(const struct cg_model *m,
					const char *name);
const struct cg_decl *cg_find_page(const struct cg_model *m, const char *name);

/* ---- the output plan (plan.c) ---- */

/*
 * What an output reads, for incremental builds (the driver hashes these
 * inputs into the output's action key and loads the trees they need):
 *   CG_DEP_OWN     its own declaration's tree (and the config);
 *   CG_DEP_VIEW    its own tree, the trees of the components it uses, the
 *                  names of entities and the ifaces of all components;
 *   CG_DEP_ENTITY  every entity's tree (prisma schema, entities.ts);
 *   CG_DEP_DESIGN  every design section's tree;
 *   CG_DEP_WORKFLOW every workflow's tree (webhooks.stub.ts);
 *   CG_DEP_NAMES   names and facts of every declaration, no tree;
 *   CG_DEP_NONE    nothing but the config (runtime files).
 */
enum cg_dep {
	CG_DEP_NONE,
	CG_DEP_OWN,
	CG_DEP_VIEW,
	CG_DEP_ENTITY,
	CG_DEP_DESIGN,
	CG_DEP_WORKFLOW,
	CG_DEP_NAMES,
};


/*
 * An emitter writes one output. `index` is the position of the output's
 * declaration in its model list (entities[index], pages[index], ...), or
 * 0 for outputs about the whole project.
 */
typedef void (*cg_emit_fn)(const struct cg_model *m, size_t index,
			   struct sbuf *out);

enum cg_flags {
	CG_IF_ABSENT = 1,   /* written only when the file does not exist yet
			     * (package.json, tsconfig.json, README.md); the
			     * user's afterwards, so not in BUILD_MANIFEST.json
			     * and never removed as stale */
};

struct cg_output {
	char *path;          /* relative to the output dir, '/' separated */
	cg_emit_fn emit;
	size_t index;
	unsigned flags;
	enum cg_dep dep;
	enum unit_kind kind; /* of the declaration (CG_DEP_OWN, _VIEW) */
	unsigned emit_id;    /* emit's number, for a plan kept in a cache */
};

struct cg_plan {
	struct cg_output *v;
	size_t n;
	size_t cap;
	struct cg_warning *warnings; /* generator warnings (OUTPUTS.md 16) */
	size_t nwarnings;
	size_t capwarnings;
	bool borrowed;       /* paths belong to someone else */
};

struct cg_warning {
	const char *kind;    /* slot_children_auto_add, slot_named_auto_add,
			      * generic */
	char *message;
};

/*
 * Lists every output of the model, sorted by path (byte order), and the
 * generator warnings. BUILD_MANIFEST.json is not in the list: the writer
 * makes it from the other outputs' contents (cg_emit_manifest).
 */
void cg_plan_build(const struct cg_model *m, struct cg_plan *p);
void cg_plan_free(struct cg_plan *p);

/*
 * Emitters by number, so that a plan can be stored and rebuilt without
 * running cg_plan_build: cg_emitter(o->emit_id) == o->emit. NULL for a
 * number that names no emitter (a record from another compiler).
 */
cg_emit_fn cg_emitter(unsigned id);

/* Adds warnings given as "kind\tmessage\n" lines (a component's facts,
 * or a plan's warnings as a cache kept them). */
void cg_plan_add_warnings(struct cg_plan *p, const char *lines);

/*
 * BUILD_MANIFEST.json from the outputs that go in it: paths[i] (sorted)
 * and the XXH3-128 of each one's content.
 */
void cg_emit_manifest(const char *const *paths, const struct hash128 *hashes,
		      size_t n, struct sbuf *out);

/* The hash of a path list the tree hash takes: each path and a NUL. */
struct hash128 cg_manifest_paths_hash(const char *const *paths, size_t n);
/* The manifest's tree hash T (the "hash" after the list): the XXH3-128
 * of paths_hash and of the files' hashes. The text is a function of the
 * two lists, so T names it. */
struct hash128 cg_manifest_tree(struct hash128 paths_hash,
				const struct hash128 *hashes, size_t n);
/*
 * Where, in the text for paths, each file's hex digits are (text_at[k])
 * and T's (*tree_at), and its length: what a writer needs to patch a
 * manifest of the same paths in place. False when a path needs JSON
 * escapes (none a plan makes).
 */
bool cg_manifest_layout(const char *const *paths, size_t n, size_t *text_at,
			size_t *tree_at, size_t *len);

/* Takes n bytes of streamed text; returns 0 or an errno value. */
typedef int (*cg_sink_fn)(void *arg, const void *p, size_t n);

/*
 * The same text given to sink in pieces of about 64 KB, never held
 * whole; *tree is T, *content the XXH3-128 of the text. paths_hash: the
 * path list's, when the caller has it, else NULL. Returns the sink's
 * first error, or 0.
 */
int cg_manifest_stream(const char *const *paths,
		       const struct hash128 *hashes, size_t n,
		       const struct hash128 *paths_hash, cg_sink_fn sink,
		       void *arg, struct hash128 *tree,
		       struct hash128 *content);

/*
 * The manifest kept for patching (watch keeps the last one): its text,
 * where each file's hex digits are, and the hashes they spell. A build
 * with the same list of paths changes only the digits of the files whose
 * content moved, and the tree hash.
 */
struct cg_manifest {
	struct sbuf text;            /* BUILD_MANIFEST.json */
	size_t *text_at;             /* per file: offset of its hex */
	size_t tree_at;              /* offset of the tree hash's hex */
	struct hash128 *hashes;
	size_t n;
	struct hash128 paths_hash;   /* cg_manifest_paths_hash's */
	struct hash128 tree;         /* T */
	struct hash128 paths_key;    /* the caller's name for the path list */
};

/* m from scratch: the text cg_emit_manifest makes, with its offsets. */
void cg_manifest_build(struct cg_manifest *m, const char *const *paths,
		       const struct hash128 *hashes, size_t n);
/* New hashes for the same n paths, in place. */
void cg_manifest_patch(struct cg_manifest *m, const struct hash128 *hashes);
void cg_manifest_free(struct cg_manifest *m);

/* GENERATED_WARNINGS.txt and .json from the plan's warnings. */
void cg_emit_warnings_txt(const struct cg_plan *p, struct sbuf *out);
void cg_emit_warnings_json(const struct cg_plan *p, struct sbuf *out);

/*
 * Aggregates made of one fragment per entity (prisma/schema.prisma,
 * react/entities.ts): head, then each entity's fragment in name order,
 * and nothing after them. The incremental engine caches each fragment on
 * its own, so that an entity edit makes only the fragments it touches
 * again; and keeps the text as runs of fragments (compiler/incr.c), so
 * an aggregate must end with its last fragment.
 *
 * A fragment reads its entity's tree and, when `neighbours` is set, the
 * trees of the entities linked to it by a relation either way (it names
 * them, or they name it), plus which entity names exist; nothing else.
 * prepare() runs once per build over the model's loaded entities (the
 * others may have no tree) and its result is shared by frag() calls on
 * several threads; the entity and its neighbours must be loaded.
 */
struct cg_frags {
	bool neighbours;
	void (*head)(const struct cg_model *m, struct sbuf *o);
	void *(*prepare)(const struct cg_model *m);      /* may be NULL */
	void (*frag)(const struct cg_model *m, const void *ctx, size_t entity,
		     struct sbuf *o);
	void (*release)(void *ctx);                       /* may be NULL */
};

/* The fragments of an emitter's output, or NULL: it is made whole. */
const struct cg_frags *cg_frags_of(cg_emit_fn emit);

/* The whole text from fragments (what both aggregates' emitters do). */
void cg_emit_frags(const struct cg_frags *f, const struct cg_model *m,
		   struct sbuf *o);
/* The whole text with piece(arg, order, k, o) appending the fragment of
 * entity order[k] (made, or kept from an earlier build), for k from 0 to
 * the number of entities: the one place that says in which order
 * fragments go (name order, cg_sort_by_name; by_name, when not NULL, is
 * that order made already). A piece may look ahead in order (to make the
 * next fragments together). */
void cg_frags_join(const struct cg_frags *f, const struct cg_model *m,
		   const size_t *by_name,
		   void (*piece)(void *arg, const size_t *order, size_t k,
				 struct sbuf *o),
		   void *arg, struct sbuf *o);

extern const struct cg_frags cg_prisma_frags;    /* prisma.c */
extern const struct cg_frags cg_entities_frags;  /* entities.c */

/* ---- emitters (one file each, see plan.c for who writes what) ---- */

/* prisma.c */
void cg_emit_prisma_schema(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_env_example(const struct cg_model *m, size_t i, struct sbuf *o);

/* api.c: validation modules, routes, server */
void cg_emit_validation(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_validation_index(const struct cg_model *m, size_t i,
			      struct sbuf *o);
void cg_emit_validation_all(const struct cg_model *m, size_t i,
			    struct sbuf *o);
void cg_emit_route(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_server(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_webhooks(const struct cg_model *m, size_t i, struct sbuf *o);
/* auth mode (OUTPUTS.md 14) */
void cg_emit_upload_policy(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_uploads_index(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_uploads_context(const struct cg_model *m, size_t i,
			     struct sbuf *o);
void cg_emit_auth_utils(const struct cg_model *m, size_t i, struct sbuf *o);

/* entities.c: react/entities.ts, the JSON shapes of entities as the
 * REST API sends them (what pages and the data client work with). */
void cg_emit_entities(const struct cg_model *m, size_t i, struct sbuf *o);

/* react.c: pages and components */
void cg_emit_page(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_component(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_component_css(const struct cg_model *m, size_t i, struct sbuf *o);
/* The plan's warnings about component d (auto-added slots) as
 * "kind\tmessage\n" lines appended to o; iface gets the hash of its
 * props as using views read them. */
void cg__component_facts(const struct cg_decl *d, struct sbuf *warnings,
			 struct hash128 *iface);

/* next.c and theme.c */
void cg_emit_theme_css(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_next_globals(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_next_layout(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_next_index(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_next_page(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_next_tsconfig(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_next_config(const struct cg_model *m, size_t i, struct sbuf *o);

/* workflow.c */
void cg_emit_workflow(const struct cg_model *m, size_t i, struct sbuf *o);

/* files.c: files written only when absent, and shims */
void cg_emit_package_json(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_tsconfig(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_readme(const struct cg_model *m, size_t i, struct sbuf *o);
void cg_emit_shims(const struct cg_model *m, size_t i, struct sbuf *o);

/* runtime.c: the support files embedded from runtime/ at build time. */
size_t cg_runtime_count(void);
/* Path under the output dir (react/runtime/...) of runtime file i. */
const char *cg_runtime_path(size_t i);
void cg_emit_runtime(const struct cg_model *m, size_t i, struct sbuf *o);

/* ---- helpers shared by emitters (util.c) ---- */

/* The text of a span of a declaration. */
const char *cg_text(const struct cg_decl *d, struct span s);
/* Appends the text of a span. */
void cg_put_span(struct sbuf *o, const struct cg_decl *d, struct span s);

/*
 * Name order of OUTPUTS.md 2.2 (ECMAScript localeCompare on ASCII):
 * case-insensitive with '_' < digits < letters, a proper prefix first;
 * equal ignoring case: lower case first at the first difference.
 */
int cg_name_cmp(const char *a, const char *b);
/* Sorts idx[0..n) (indexes into list) by the names of list[idx[k]]. */
void cg_sort_by_name(const struct cg_decl *list, size_t *idx, size_t n);

/*
 * The field that is an entity's id, the same for every generator: the
 * field with @id, else a non-list field named `id` (which becomes the id
 * rather than a second column); NULL for the implicit `id Int`.
 */
const struct ast_field *cg_entity_id_field(const struct ast_entity *e);

/* Name helpers of OUTPUTS.md 2.3, appended to o. */
void cg_put_lower_first(struct sbuf *o, const char *name);
void cg_put_capitalize(struct sbuf *o, const char *name);
void cg_put_kebab(struct sbuf *o, const char *name);

/* A JSON string literal (quotes included) / a TypeScript one ('...'). */
void cg_put_json_str(struct sbuf *o, const char *s, size_t n);
void cg_put_ts_str(struct sbuf *o, const char *s, size_t n);
/* A number in shortest round-trip form (1.50 -> 1.5, 007 -> 7). */
void cg_put_number(struct sbuf *o, double v);

/*
 * A JSON writer (json.c) in the style of JSON.stringify(v, null, 2).
 * Zero-initialise, set o, then open/key/value/close; values after a key
 * go inline. Nesting is limited to 63 levels (an assertion).
 */
struct cg_jw {
	struct sbuf *o;
	int depth;
	bool empty[64];    /* the open container has no element yet */
	bool after_key;    /* a key was written: its value follows inline */
};
void cg_jw_key(struct cg_jw *w, const char *k);
void cg_jw_open(struct cg_jw *w, char c);   /* '{' or '[' */
void cg_jw_close(struct cg_jw *w, char c);  /* '}' or ']' */
void cg_jw_str(struct cg_jw *w, const char *s, size_t n);
void cg_jw_raw(struct cg_jw *w, const char *s);  /* true, null, 2, ... */
void cg_jw_num(struct cg_jw *w, double v);

/* The one-line header comment of OUTPUTS.md 2.1: `// Generated by locusc
 * from Locus sources (kind). Do not edit.` in the given comment style. */
void cg_put_header(struct sbuf *o, const char *kind, bool css);

#endif
