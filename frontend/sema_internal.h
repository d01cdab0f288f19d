/*
 * sema_internal.h - what sema.c (checks of one unit) and project.c
 * (summaries and checks across units) share: the layout of a unit
 * summary, the tree walk that both the local checks and the summary use,
 * and small helpers (primitive types, name suggestions).
 */
#ifndef LOCUS_SEMA_INTERNAL_H
#define LOCUS_SEMA_INTERNAL_H

#include "sema.h"

/*
 * Summaries hold plain NUL-terminated strings (copied into the summary's
 * arena) and unit-relative spans, never tree or interned pointers, so a
 * summary can be written to the cache and read back unchanged.
 */

/* A name mentioned somewhere, and where. */
struct sum_ref {
	const char *name;
	struct span span;
	bool in_loop;          /* component use inside a loop template */
};

struct sum_field {
	const char *name;
	struct span name_span;
	const char *type;      /* base type name as written (maybe an alias) */
	struct span type_span;
	bool list;
	bool optional;
	bool nullable;
	bool id;
};

struct sum_relation {
	const char *name;
	struct span name_span;
	enum rel_kind kind;
	const char *target;
	struct span target_span;
	const char *inverse;   /* NULL when absent */
	struct span inverse_span;
	bool optional;         /* belongs_to T? */
};

struct sum_action {
	const char *name;
	struct span name_span;
	/* Mentioned by the unit itself (UI event, another action, on load). */
	bool used_locally;
};

struct sum_trigger {
	enum trigger_kind kind;
	struct span span;
	const char *entity;    /* create/update/delete; NULL for webhook */
	struct span entity_span;
};

struct unit_summary {
	enum unit_kind kind;
	const char *name;      /* design: the section keyword */
	struct span name_span;

	/* UNIT_ENTITY */
	struct sum_field *fields;
	uint32_t nfields;
	struct sum_relation *rels;
	uint32_t nrels;

	/* UNIT_PAGE, UNIT_COMPONENT, UNIT_STORE */
	struct sum_action *actions;
	uint32_t nactions;
	struct sum_ref *uses;        /* capitalised element tags */
	uint32_t nuses;
	struct sum_ref *entity_refs; /* first argument of find/findOne/create */
	uint32_t nentity_refs;
	struct sum_ref *global_refs; /* capitalised free identifiers */
	uint32_t nglobal_refs;

	/* UNIT_WORKFLOW */
	struct sum_trigger *triggers;
	uint32_t ntriggers;
	struct sum_ref *runs;        /* every run step, nested ones too */
	uint32_t nruns;
};

/*
 * Walks a page, component or store: with d != NULL reports the local UI
 * and body diagnostics; with s != NULL records uses, entity references,
 * free capitalised names and locally used actions into s (allocating in
 * a). text may be NULL (then text-based checks are skipped).
 */
void sema__walk_view(const struct ast_unit *u, const char *text, size_t len,
		     struct diag_list *d, struct unit_summary *s,
		     struct arena *a);

/* True when name is one of the 12 primitive field types of LANGUAGE §5.1. */
bool sema__is_primitive(const char *name, size_t len);

/* True when name matches ^[A-Z][A-Za-z0-9]*$. */
bool sema__is_pascal(const char *name);

/*
 * The candidate closest to name by edit distance, or NULL when none is
 * close enough to be a plausible typo.
 */
const char *sema__suggest(const char *name, const char *const *cands,
			  size_t n);

/*
 * A string-keyed open-addressing map to uint32_t. Keys are not copied:
 * they must outlive the map (interned or arena strings).
 */
struct sema__ment {
	const char *k;
	uint32_t klen;
	uint32_t h;
	uint32_t val;
};
struct sema__map {
	struct sema__ment *v;
	size_t cap;
	size_t n;
};
void sema__map_init(struct sema__map *m, size_t hint);
void sema__map_free(struct sema__map *m);
/* The value slot of k, inserted (value 0, *added true) when missing. */
uint32_t *sema__map_put(struct sema__map *m, const char *k, size_t klen,
			bool *added);
/* The value slot of k, or NULL. */
uint32_t *sema__map_get(const struct sema__map *m, const char *k,
			size_t klen);

/* JavaScript/runtime globals with a capital letter (Math, JSON, ...). */
bool sema__is_global_cap(const char *name);

#endif
