/*
 * sema.h - semantic checks. Two levels, matching the unit cache:
 *
 *   1. sema_check_unit: rules that need only one unit's tree (field
 *      types, attribute shapes, design-token values, UI identifiers,
 *      workflow settings, upload limits). Cached with the unit.
 *   2. sema_summarize + sema_check_project: rules across units (duplicate
 *      names, relation targets and inverses, foreign keys, component
 *      references and cycles, workflow `run` targets and triggers, the
 *      unused-action warning, ...). They read summaries only, never
 *      trees, so an unchanged unit is never re-parsed to check a project.
 */
#ifndef LOCUS_SEMA_H
#define LOCUS_SEMA_H

#include "frontend.h"

/* Knobs read from the environment or Locus.toml by the driver. */
struct sema_options {
	unsigned workflow_complexity; /* warn above this many steps; 0 = off */
	bool paren_attrs_are_errors;  /* REMOVE_PAREN_ATTRS / AUTO_PAREN_REMOVAL */
};
void sema_options_default(struct sema_options *o);

/*
 * The one-line description of a diagnostic code ("E0301", "W0502", ...)
 * for `locusc explain`, or NULL when the code is unknown. The string is
 * static.
 */
const char *sema_code_description(const char *code);

/*
 * Local checks of one parsed unit. text/len is the unit's text (the same
 * bytes that were parsed). `aliases` are the file-local type aliases of
 * the unit's file (NULL-terminated array of alias trees, may be NULL).
 * Diagnostics go to d with unit-relative offsets.
 */
void sema_check_unit(const struct ast_unit *u, const char *text, size_t len,
		     const struct ast_alias *const *aliases,
		     const struct sema_options *opt, struct diag_list *d);

/*
 * A unit's summary: its kind, name and what the project check reads of
 * it, as plain data that can be serialised (no pointers into trees, no
 * interned pointers needed to interpret it: names are stored as
 * strings). Built from the tree alone.
 */
struct unit_summary;
struct unit_summary *sema_summarize(const struct ast_unit *u, struct arena *a);

/*
 * The hash of what the project check reads of a summary, without the
 * (unit-relative) spans, which only place the diagnostics: a project
 * whose units have the kinds, names and check hashes of a project that
 * checked clean checks clean too. A component's params, an entity's
 * fields other than foreign keys and @id, and the like are not in it.
 */
struct hash128 sema_check_hash(const struct unit_summary *s);
/*
 * A summary as bytes (sema_summary_write appends to out) and back:
 * sema_summary_read allocates in a and returns NULL when p is not a
 * record written by this build of the compiler's format. The record is
 * what the check hash covers, spans included: an entity's other fields
 * are not in it, so the summary read back lacks them.
 */
void sema_summary_write(const struct unit_summary *s, struct sbuf *out);
struct unit_summary *sema_summary_read(const void *p, size_t n,
				       struct arena *a);
/* The names a unit refers to by name: a view's element tags, then its
 * free capitalised identifiers; an entity's relation targets (xmalloc'd
 * array, strings owned by the summary). */
size_t sema_summary_refs(const struct unit_summary *s, const char ***names);
/* The component names a view uses (xmalloc'd array in *names, strings
 * owned by the summary); returns their count. */
size_t sema_summary_uses(const struct unit_summary *s, const char ***names);

/* One unit as the project check sees it. */
struct proj_unit {
	enum unit_kind kind;
	const struct unit_summary *sum;  /* NULL when the unit failed to parse */
	uint32_t file;                   /* index of the file, for ordering */
	/*
	 * The declaration name as the splitter found it (NUL-terminated, may
	 * be empty) and where it is in the unit. Set for every unit, broken
	 * or not: a unit with a syntax error still declares its name, so the
	 * project check must not report references to it as unknown (and
	 * must not report anything else about a unit whose sum is NULL).
	 */
	const char *name;
	uint32_t name_off;
	uint32_t name_len;
};

/*
 * Checks across units. units[] is in file order (byte order of relative
 * paths) then source order. Diagnostics go to d; each diagnostic's unit
 * field is set to the index in units[] it concerns, offsets relative to
 * that unit. Warnings that depend on the whole project (unused actions)
 * are produced here too.
 */
void sema_check_project(const struct proj_unit *units, size_t n,
			const struct sema_options *opt, struct diag_list *d);

#endif
