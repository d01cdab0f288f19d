/*
 * driver.h - what the locusc driver's files share: the source walk, the
 * check pipeline and the diagnostic reporter. Only compiler/ includes it.
 */
#ifndef LOCUS_DRIVER_H
#define LOCUS_DRIVER_H

#include <stdio.h>

#include "../base/base.h"
#include "../base/diag.h"
#include "../codegen/codegen.h"
#include "../frontend/frontend.h"
#include "../frontend/sema.h"

/* Stable exit codes (docs/CLI.md). */
enum drv_exit {
	DRV_EXIT_OK = 0,
	DRV_EXIT_SOURCE = 1,  /* the sources have errors */
	DRV_EXIT_USAGE = 2,   /* bad command line or configuration */
	DRV_EXIT_IO = 3,      /* I/O or internal error */
};

/* ---- walk.c ---- */

/*
 * Lists the .locus files below src_dir, skipping hidden directories,
 * node_modules and the directory skip_dir (may be NULL; compared by
 * device and inode). *out receives xmalloc'd relative paths ("a/b.locus")
 * sorted by byte order. Returns 0 or a negative base_err, with *bad_path
 * (xmalloc'd) naming the directory that could not be read.
 */
int drv_walk(const char *src_dir, const char *skip_dir, char ***out,
	     size_t *n, char **bad_path);
void drv_walk_free(char **paths, size_t n);

/* drv_walk on up to `jobs` threads with, when want_stat, each file's
 * stat taken relative to its open folder (no lookup from the root). rel
 * is xmalloc'd, path NULL; but see drv_walk_begin. */
struct drv_walk_ent {
	char *rel;
	char *path;                /* src_dir's spelling + rel: see
				    * drv_walk_begin */
	int64_t mtime_ns;
	uint64_t size;
	uint64_t ino;
	bool stat_ok;
};
int drv_walk_stat(const char *src_dir, const char *skip_dir, unsigned jobs,
		  bool want_stat, struct drv_walk_ent **out, size_t *n,
		  char **bad_path);
/* The same in two halves, the folders read as tasks of a pool the
 * caller shares with other work: begin, pool_wait, end. With an arena
 * `into`, each entry's strings are one allocation there (made on the
 * lanes, nothing to free): path is src_dir's spelling of the file (rel
 * itself when src_dir is ".", else src_dir, a '/' unless it ends with
 * one, and rel) and rel points into it. */
struct pool;
struct drv_walker;
struct arena;
/* seen (may be NULL) is called on the lane that read a folder, with the
 * files found in it, as each folder is done. */
typedef void drv_walk_seen_fn(void *ctx, const struct drv_walk_ent *v,
			      size_t n);
struct drv_walker *drv_walk_begin(struct pool *pool, const char *src_dir,
				  const char *skip_dir, bool want_stat,
				  struct arena *into, drv_walk_seen_fn *seen,
				  void *seen_ctx);
/* That spelling's prefix, in a ("" for "."), and an entry's strings
 * spelled with it from a folder (dir[dlen], "" at the top) and a name. */
const char *drv_src_prefix(struct arena *a, const char *src_dir);
void drv_walk_spell(struct arena *a, const char *prefix, const char *dir,
		    size_t dlen, const char *name, struct drv_walk_ent *e);
int drv_walk_end(struct drv_walker *w, const char *src_dir,
		 struct drv_walk_ent **out, size_t *n, char **bad_path);

/* ---- trace.c ---- */

/* --trace: spans per worker lane, written as Chrome trace-event JSON. */
struct drv_trace;
struct drv_trace *drv_trace_new(unsigned lanes);
/* Records [start, end) on lane (a worker's index); t may be NULL. */
void drv_trace_span(struct drv_trace *t, unsigned lane, const char *cat,
		    const char *name, uint64_t start_ns, uint64_t end_ns);
/* Writes the file; 0 or -1 (errno set). */
int drv_trace_write(struct drv_trace *t, const char *path);
void drv_trace_free(struct drv_trace *t);

/* ---- pipeline.c ---- */

struct drv_unit;

/* One source file and what the front end made of it. */
struct drv_file {
	char *rel;               /* relative to the source dir */
	char *path;              /* as given on the command line, for reports */
	char *text;
	size_t len;
	int read_err;            /* 0 or a negative base_err */
	struct unit_src *units;
	size_t nunits;
	uint32_t first_unit;     /* index of units[0] in the project */
	struct diag_list diags;  /* file-level diagnostics (splitter) */
	struct arena *arena;     /* diagnostics text and summaries */
	bool names_in_arena;     /* rel and path live in the project's
				    arena (incr.c), not on the heap */
	bool units_in_arena;     /* so do units */
};

struct drv_unit {
	uint32_t file;
	uint32_t index;          /* within the file */
	struct ast_unit *ast;    /* NULL unless kept (keep_trees) or made
				  * again (drv_parse_trees) */
	struct arena *tree_arena;  /* its own; NULL for kept trees, which are
				    * in p->tree_arenas */
	bool parsed_ok;
	struct diag_list diags;  /* parse + local checks, unit-relative */
	struct unit_summary *sum;
	/* With o->facts, for a unit that parsed and checked clean: what
	 * cg_decl_facts reads from its tree (name, flags, guard, warnings,
	 * iface; ast and text NULL), in the file's arena with its strings,
	 * so that the tree need not outlive the front end; else NULL. (A
	 * pointer: a build keeps 18,000 units at 10,000 files, most of them
	 * never read.) */
	const struct cg_decl *facts;
};

struct drv_phase {
	const char *name;
	uint64_t ns;
	uint64_t items;
};

enum { PH_SCAN, PH_READ, PH_SPLIT, PH_PARSE, PH_PROJECT, PH_COUNT };

struct drv_project {
	char *src_dir;
	struct drv_file *files;
	size_t nfiles;
	struct drv_unit *units;
	size_t nunits;
	struct diag_list diags;  /* cross-unit diagnostics (unit = index) */
	struct arena *arena;
	struct sema_options opt;
	struct drv_phase phases[PH_COUNT];
	uint64_t bytes;
	size_t errors;
	size_t warnings;
	size_t io_errors;        /* files that could not be read */
	bool diags_counted;      /* the three above are the project's sums
				    (drv_count_diags): when they are zero,
				    no file need be looked at for them */
	struct interner **interners;
	unsigned ninterners;
	struct arena **tree_arenas;  /* keep_trees: the workers' tree arenas */
	unsigned ntree_arenas;
};

struct drv_check_opts {
	const char *src_dir;
	const char *skip_dir;
	unsigned jobs;
	bool keep_trees;
	/* With keep_trees: a file whose units are all of these kinds (bit
	 * 1 << kind) does not keep its trees; drv_parse_trees makes them
	 * again when they are wanted. */
	unsigned drop_kinds;
	bool facts;              /* fill drv_unit.facts */
	struct drv_trace *trace;  /* NULL unless --trace */
	/* Called by each front-end worker after each file (lane 0 is the
	 * caller's thread); NULL for none. */
	void (*on_file)(void *arg, unsigned lane);
	void *on_file_arg;
	/* NULL, or the pool to run the front end's workers on (one per
	 * lane) instead of threads of its own: what they allocate, and
	 * free later, is then in the malloc arenas of the threads that go
	 * on to generate (see drv_front_files). */
	struct pool *pool;
};

/*
 * Runs the front end over a project: walk, read, split, parse, local and
 * cross-unit checks. Returns DRV_EXIT_OK after the checks ran (look at
 * p->errors), or DRV_EXIT_USAGE / DRV_EXIT_IO with a message on stderr
 * when the project could not be read at all.
 */
int drv_check_project(const struct drv_check_opts *o, struct drv_project *p);
/* Adds the project's diagnostics and unreadable files to its errors,
 * warnings and io_errors counts. */
void drv_count_diags(struct drv_project *p);
void drv_project_free(struct drv_project *p);
/*
 * Frees the trees p holds (the front end's kept ones and each unit's
 * own arena; not those drv_parse_trees made into the caller's arenas)
 * and the interners their names are in; every unit's ast becomes NULL.
 * For a build that has generated its outputs: the rest (write, commit,
 * report) reads summaries, facts and diagnostics, not trees.
 */
void drv_drop_trees(struct drv_project *p);

/*
 * The front end over some files of p (p->files[which[k]].path set, the
 * rest untouched), on o->jobs threads: read, split, parse, local checks,
 * summaries (trees kept when o->keep_trees). units[fi] / nunits[fi]
 * receive file fi's units (xmalloc'd); the workers' interners are added
 * to p->interners; read/split/parse times are added to p->phases.
 */
void drv_front_files(struct drv_project *p, const struct drv_check_opts *o,
		     const uint32_t *which, size_t n, struct drv_unit **units,
		     size_t *nunits);
/*
 * Parses the units of p->files[fi] again from its text, which the front
 * end read and checked clean in this run but kept no trees of
 * (drop_kinds), into a with names in in, and resolves the file's type
 * aliases as the front end does: units[k].ast for its unit k. Returns
 * false if a unit does not parse (it did in the front end, from the
 * same text: only a bug can make it).
 */
bool drv_parse_trees(const struct drv_project *p, size_t fi,
		     struct drv_unit *units, struct arena *a,
		     struct interner *in);
/* The check options set by the environment (LOCUS_WORKFLOW_...). */
void drv_read_env_options(struct sema_options *opt);

/* ---- report.c ---- */

enum drv_errfmt { ERRFMT_PRETTY, ERRFMT_JSON };

struct drv_report_opts {
	enum drv_errfmt fmt;
	bool color;
	bool warnings;           /* print warnings (--no-warnings clears) */
	FILE *out;
};

/* Prints every diagnostic of the project, sorted by file and position. */
void drv_report(const struct drv_project *p, const struct drv_report_opts *o);

/*
 * The phases of a run, in order, for --timings: the front end's (scan,
 * read, split, parse+check, project) and, when bs is not NULL, the
 * build's (model, plan, generate, write, commit as far as known).
 * Fills rows (room for DRV_TIMING_ROWS) and returns their number.
 */
enum { DRV_TIMING_ROWS = 12 };
struct drv_build_stats;
size_t drv_timing_rows(const struct drv_project *p,
		       const struct drv_build_stats *bs,
		       struct drv_phase *rows);

/* ---- config.c ---- */

/* Locus.toml as far as locusc uses it (CLI.md). */
struct drv_config {
	char *app_name;
	bool auth;               /* an [auth] section exists */
	char *jwt_secret;
	char *adapter;
	bool require_auth;
};

/*
 * Reads <src_dir>/Locus.toml if it exists (absence is fine). Returns 0,
 * DRV_EXIT_USAGE after printing path:line:col for a malformed file, or
 * DRV_EXIT_IO when it cannot be read.
 */
int drv_config_load(const char *src_dir, struct drv_config *c);
void drv_config_free(struct drv_config *c);

/* ---- build.c ---- */

struct drv_build_opts {
	const char *out_dir;
	unsigned jobs;
	struct drv_trace *trace;  /* NULL unless --trace */
	bool dry_run;            /* list the outputs, write nothing */
	bool print_warnings;     /* generator warnings to stderr */
};

struct drv_build_stats {
	size_t outputs;          /* files of the app */
	size_t written;          /* of which changed on disk */
	size_t unchanged;
	size_t removed;          /* stale outputs of the previous build */
	size_t warnings;         /* generator warnings */
	size_t hits;             /* outputs not generated (clean or cached) */
	size_t misses;           /* outputs generated */
	bool incremental;        /* hits and misses are known */
	uint64_t ns_model;       /* incremental: unit records, project key,
				    globals (after the front end) */
	uint64_t ns_plan;        /* incremental: plan, keys, lookups, trees */
	uint64_t ns_generate;
	uint64_t ns_write;
	uint64_t ns_commit;      /* incremental: the cache transaction */
};

/*
 * Generates the app of a project checked without errors (its trees kept)
 * into bo->out_dir. All or nothing: on failure the previous outputs are
 * left as they were. Returns DRV_EXIT_OK or DRV_EXIT_IO.
 */
int drv_build(const struct drv_build_opts *bo, const struct drv_project *p,
	      const struct drv_config *cfg, struct drv_build_stats *st);

/* Removes every file the last build into out_dir wrote (its
 * BUILD_MANIFEST.json says which) and folders left empty; keeps the
 * user's files. */
int drv_clean(const char *out_dir);

/* Helpers of the writer, shared with incr.c. */
char *drv_join(const char *dir, const char *rel);
int drv_make_parents(const char *path);
bool drv_same_content(const char *path, const void *p, size_t n);
/* rm -r path (a folder); 0 or an errno value. */
int drv_remove_tree(const char *path);
/* What names a build's temporary files (".name" DRV_TEMP_MARK "PID") and
 * its staging folder; drv_temp_mark(name) points at the mark in a name
 * of that form (hidden), else is NULL. */
#define DRV_TEMP_MARK ".locusc-tmp-"
const char *drv_temp_mark(const char *name);
/* The same in steps, for text streamed in pieces: open (the name in
 * *tmp, or -1 with *err), write, close (on an error, given or of the
 * close itself, the file is removed and its name freed). */
int drv_open_temp(const char *path, char **tmp, int *err);
/* The name drv_open_temp gives path's temporary file (xmalloc'd). */
char *drv_temp_name(const char *path);
/* getpid(), asked once (it names the temporary files). */
long drv_pid(void);
int drv_write_all(int fd, const void *p, size_t n);
int drv_close_temp(int fd, char *tmp, int e);
int drv_lock_out_dir(const char *dir);
/* Removes out_dir/rel (when rel is a safe relative path) and the
 * folders this empties. */
void drv_remove_output(const char *out_dir, const char *rel);
void drv_old_manifest(const char *out_dir, struct ptrvec *paths);
/* The cache directory's folder of big outputs' spare files (see struct
 * spares in incr.c): scratch, removed by locusc cache gc and clean. */
#define DRV_SPARE_DIR "spare"
/*
 * Whether a one-shot command (check, build) leaves the memory it used
 * for exit to give back, all at once, instead of freeing it block by
 * block first: freeing a 10,000-file build's project, model, states and
 * plan took 3-9 ms of a one-declaration edit. Not in builds with a
 * sanitizer: their leak checks must see every block freed.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DRV_LEAVE_MEMORY false
#else
#define DRV_LEAVE_MEMORY true
#endif
/* The model's Locus.toml settings (strings borrowed from cfg). */
struct cg_model;
void drv_model_config(struct cg_model *m, const struct drv_config *cfg);
/* Frees the model's lists and index (not the trees or facts). */
void drv_model_free(struct cg_model *m);

/* ---- cachecmd.c ---- */

struct cache;

/* The cache folder: opt if given, else LOCUS_CACHE_DIR, XDG_CACHE_HOME or
 * HOME (see cache_default_dir); xmalloc'd, or NULL when none is known. */
char *drv_cache_dir(const char *opt);
/* Opens the cache or returns NULL after a warning (never fatal); warns
 * when a corrupt or foreign cache was emptied. */
struct cache *drv_cache_open(const char *dir);
/* The log record of a build (one JSON object: counts, phase times,
 * exit status), appended to r. */
void drv_log_record(struct sbuf *r, const char *cmd,
		    const struct drv_project *p,
		    const struct drv_build_stats *bs, int exit_code,
		    uint64_t total_ns);
/* Appends one record (drv_log_record) to the log. */
void drv_log_build(struct cache *c, const char *cmd,
		   const struct drv_project *p,
		   const struct drv_build_stats *bs, int exit_code,
		   uint64_t total_ns);
int drv_stats(const char *cache_dir_opt, size_t max, bool json);
/* what: "stats", "gc" (to max_size bytes) or "clean". */
int drv_cache_cmd(const char *what, const char *cache_dir_opt,
		  uint64_t max_size);
/* "512M", "2GiB", "100k" -> bytes; -1 when malformed. */
int drv_parse_size(const char *s, uint64_t *out);

/* ---- watch.c ---- */

struct drv_watch_opts {
	struct drv_check_opts check;   /* src_dir, skip_dir (= out), jobs */
	struct drv_report_opts report;
	struct drv_build_opts build;   /* out_dir, jobs, print_warnings */
	const char *cache_dir;         /* --cache-dir; NULL for the default */
	unsigned debounce_ms;          /* quiet window before a rebuild */
	bool timings;                  /* a line of phase times per build */
	bool explain;                  /* why each output was regenerated */
};

/*
 * `locusc watch`: builds, then rebuilds on every change to an input
 * until SIGINT or SIGTERM, printing one line per rebuild on stderr.
 * Falls back to a rescan every second (with a warning) when folders
 * cannot be watched. Returns DRV_EXIT_OK after a signal, DRV_EXIT_USAGE
 * when the source folder does not exist, DRV_EXIT_IO when the event
 * loop cannot start.
 */
int drv_watch(const struct drv_watch_opts *o);

/* ---- cli.c ---- */

int drv_main(int argc, char **argv);

#endif
