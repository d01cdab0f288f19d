/*
 * incr.h - the incremental build engine (incr.c): what `locusc build`
 * and `locusc watch` call. Only compiler/ includes it.
 */
#ifndef LOCUS_INCR_H
#define LOCUS_INCR_H

#include "driver.h"

struct cache;

/* A build's state; watch keeps it between rebuilds (the first level of
 * the cache), build loads it from and saves it to the cache. */
struct incr;

struct drv_incr_opts {
	const struct drv_check_opts *check;  /* src_dir, skip_dir, jobs, trace */
	const struct drv_build_opts *build;  /* out_dir, jobs, print_warnings */
	const struct drv_config *cfg;
	struct cache *cache;                 /* NULL: no cache */
	bool explain;                        /* --explain on stderr */
	bool progress;                       /* a progress line on stderr
					      * (a terminal) once a build
					      * runs past 300 ms */
	/* Watch: the source files (relative paths) that may have changed
	 * since the build that made *state. With use_changed and a state
	 * in memory, the engine does not walk the source folder: every
	 * other file is taken to be as that build saw it. */
	bool use_changed;
	const char *const *changed;
	size_t nchanged;
	/* Watch: the output folders were found as *state records them
	 * (drv_incr_outputs_intact) since that build; the engine does not
	 * stat them again. */
	bool trust_out;
	/* The build log: when log_cmd is set and the build commits to the
	 * cache, its record (drv_log_record, times from log_t0) goes in
	 * the same transaction and st->logged is set; otherwise the caller
	 * logs it (drv_log_build). */
	const char *log_cmd;
	uint64_t log_t0;
	/* A one-shot process (not watch): the build's memory is left for
	 * exit to give back (DRV_LEAVE_MEMORY), not freed at its end. */
	bool leave_memory;
};

struct drv_incr_stats {
	struct drv_build_stats b;    /* outputs, written, hits, misses, ...;
				      * outputs does not count the files
				      * written only when absent and present */
	struct ptrvec gen_warnings;  /* generator warnings (xmalloc'd):
				      * drv_incr_warnings prints and frees */
	size_t files_read;           /* source files opened */
	size_t summaries;            /* files whose summaries came from the
				      * cache for the project check */
	bool failed;                 /* source errors: nothing written */
	bool nothing;                /* a no-op: nothing changed at all */
	bool logged;                 /* the build log has its record */
};

/*
 * Builds incrementally: fills p as drv_check_project would (files,
 * units, diagnostics, phases; trees only of the files it read) for the
 * caller to report, and, when the sources have no errors, brings the
 * output folder up to date. *state (may be NULL; *state NULL means
 * "load from the cache") is consumed and replaced by the new state.
 * Returns DRV_EXIT_OK (look at p->errors), DRV_EXIT_USAGE or
 * DRV_EXIT_IO.
 */
int drv_incr_build(const struct drv_incr_opts *o, struct incr **state,
		   struct drv_project *p, struct drv_incr_stats *st);
void drv_incr_free(struct incr *s);
/* Watch, between rebuilds (after the rebuild's line): closes the files
 * the build replaced and kept open (see HOLD_MIN in incr.c); once
 * rebuilds have added an eighth more strings to the state's shared
 * arena (each changed unit's), copies the live ones into a fresh arena
 * and frees the old one and the loaded record, so that memory stays
 * flat over thousands of saves (LOCUS_WATCH_TIDY_ALWAYS: after every
 * rebuild, for the tests). */
void drv_incr_tidy(struct incr *s);
/* Whether every output folder s records has the mtime and inode the
 * build left it with (a file added, removed or replaced there changes
 * them). One stat per folder. */
bool drv_incr_outputs_intact(const struct incr *s, const char *out_dir);
/* Prints st's generator warnings ("warning: ..." on stderr) when print,
 * and frees them. */
void drv_incr_warnings(struct drv_incr_stats *st, bool print);

#endif
