/*
 * diag.h - the source diagnostics sink. Phases add diagnostics with a
 * stable code and a byte span; they never print. Spans are relative to a
 * *unit* (one top-level declaration) so a cached diagnostic stays right
 * when lines are inserted above its declaration; the driver maps them to
 * path:line:col when it reports.
 */
#ifndef LOCUS_DIAG_H
#define LOCUS_DIAG_H

#include "base.h"

enum diag_sev { DIAG_ERROR, DIAG_WARNING };

/* Which family a code belongs to; decides the JSON "kind" field. */
enum diag_family { DIAG_FAM_PARSE, DIAG_FAM_MERGE, DIAG_FAM_VALIDATION };

struct diag {
	enum diag_sev sev;
	const char *code;     /* static string, e.g. "E0201" */
	const char *message;  /* owned by the list's arena */
	const char *help;     /* optional fix-it text, or NULL */
	/*
	 * Where: `unit` is an index the owner of the list understands
	 * (the driver: index into its unit table; UINT32_MAX means a
	 * file-level diagnostic with offsets relative to the file). off and
	 * len are byte offsets within that unit's text.
	 */
	uint32_t unit;
	uint32_t off;
	uint32_t len;
	/* Optional second location ("first declared here"). */
	bool has_related;
	uint32_t rel_unit;
	uint32_t rel_off;
	uint32_t rel_len;
	const char *rel_message;
};

/* An append-only list of diagnostics. Messages live in `arena`. */
struct diag_list {
	struct arena *arena;
	struct diag *v;
	size_t n;
	size_t cap;
	size_t errors;
	size_t warnings;
	uint32_t unit;        /* unit index stamped on new diagnostics */
};

/* Initialises an empty list whose text lives in arena a (not owned). */
void diag_list_init(struct diag_list *l, struct arena *a);
void diag_list_free(struct diag_list *l);

/* Adds one diagnostic at [off, off+len) of the list's current unit and
 * returns it so the caller may set help or a related location. */
struct diag *diag_add(struct diag_list *l, enum diag_sev sev, const char *code,
		      uint32_t off, uint32_t len, const char *fmt, ...)
	BASE_PRINTF(6, 7);
struct diag *diag_vadd(struct diag_list *l, enum diag_sev sev,
		       const char *code, uint32_t off, uint32_t len,
		       const char *fmt, va_list ap);

/* Shorthands. */
#define diag_error(l, code, off, len, ...) \
	diag_add((l), DIAG_ERROR, (code), (off), (len), __VA_ARGS__)
#define diag_warn(l, code, off, len, ...) \
	diag_add((l), DIAG_WARNING, (code), (off), (len), __VA_ARGS__)

/* Sets a "help:" line on d (text copied into the list's arena). */
void diag_set_help(struct diag_list *l, struct diag *d, const char *fmt, ...)
	BASE_PRINTF(3, 4);
/* Attaches a related location (e.g. the first declaration). */
void diag_set_related(struct diag_list *l, struct diag *d, uint32_t unit,
		      uint32_t off, uint32_t len, const char *fmt, ...)
	BASE_PRINTF(6, 7);

/* Appends copies of every diagnostic of src to dst (text copied). */
void diag_list_append(struct diag_list *dst, const struct diag_list *src);

/* The family of a code ("E01xx"/"E02xx" parse, "E08xx" merge, ...). */
enum diag_family diag_code_family(const char *code);

#endif
