/*
 * cache.h - the build cache: one LMDB environment in one directory with
 * named databases for content-addressed blobs, per-unit IR, action results,
 * file states, last-written outputs and the build log, plus its
 * maintenance (stats, gc, clean).
 *
 * Rules for callers:
 * - Every call that can fail returns 0 or a negative CACHE_E* code.
 *   A lookup that finds nothing returns CACHE_ENOTFOUND.
 * - A thread holds at most one transaction at a time. cache_write,
 *   cache_gc, cache_clean and cache_close are called with no transaction
 *   of this process open on the calling thread (they may wait for other
 *   threads' transactions to end).
 * - Read transactions may run on any number of threads at once, and a
 *   transaction may end on another thread than the one that began it.
 * - Pointers returned by gets point into the memory map: read-only, valid
 *   until the transaction ends, and only byte-aligned (memcpy anything
 *   wider than a byte).
 * - Layout: dir/data.mdb and dir/lock.mdb (LMDB's), dir/open.lock (held
 *   shared by every process with the cache open). The driver keeps big
 *   outputs' spare files in dir/spare (DRV_SPARE_DIR), not this module.
 * - CACHE_ECORRUPT from any call means LMDB found a bad page: warn, close
 *   and build without the cache (deleting the directory repairs it).
 * - Keys are content hashes or (directory, relative path) strings, never
 *   pointers or timestamps, so a cache directory copied to another machine
 *   stays valid; only `files` (and `outputs`) describe this machine.
 */
#ifndef LOCUS_CACHE_H
#define LOCUS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define CACHE_ERRORS(X)                                                        \
	X(CACHE_ENOTFOUND, -1, "not in the cache")                             \
	X(CACHE_EIO, -2, "cache input/output error")                           \
	X(CACHE_EACCES, -3, "cache directory: permission denied")              \
	X(CACHE_ENOSPC, -4, "no space left for the cache")                     \
	X(CACHE_ENOMEM, -5, "out of memory mapping the cache")                 \
	X(CACHE_EMAPFULL, -6, "cache map full")                                \
	X(CACHE_ETXNFULL, -7, "cache transaction too large")                   \
	X(CACHE_EREADERS, -8, "too many concurrent cache readers")             \
	X(CACHE_ECORRUPT, -9, "cache is corrupted")                            \
	X(CACHE_EVERSION, -10, "cache has another format version")             \
	X(CACHE_EBUSY, -11, "cache is in use by another process")              \
	X(CACHE_EREADONLY, -12, "write in a read-only cache transaction")      \
	X(CACHE_EBADTXN, -13, "cache transaction failed earlier; abort it")    \
	X(CACHE_EVALUE, -14, "malformed cache record")                         \
	X(CACHE_ENODIR, -15, "no cache directory (set LOCUS_CACHE_DIR or HOME)")
enum cache_err {
#define CACHE_ENUM(name, val, text) name = val,
	CACHE_ERRORS(CACHE_ENUM)
#undef CACHE_ENUM
};
/* Text of a CACHE_E* code (or "unknown cache error"); never NULL. */
const char *cache_strerror(int err);

/* The databases, for cache_stats. */
enum cache_db {
	CACHE_DB_META,
	CACHE_DB_BLOBS,
	CACHE_DB_IR,
	CACHE_DB_ACTIONS,
	CACHE_DB_FILES,
	CACHE_DB_OUTPUTS,
	CACHE_DB_LOG,
	CACHE_DB_COUNT
};
/* Name of a database ("blobs", ...). */
const char *cache_db_name(enum cache_db db);

struct cache;
struct cache_txn;

/* Options of cache_open; a NULL pointer or zero fields mean the defaults. */
struct cache_opts {
	size_t map_size;	 /* initial map size; default 64 MiB */
	size_t max_map_size;	 /* growth stops here; default 64 GiB */
	unsigned max_readers;	 /* concurrent read txns; default 256 */
	bool no_sync;		 /* skip fsync: a crash of the OS (not of the
				    process) may lose the last commits */
	uint32_t format_version; /* tests only: 0 means the current one */
};

/*
 * Opens (creating the directory and files as needed) the cache in dir.
 * A cache of another format version or one LMDB cannot read is deleted and
 * recreated empty, and the open succeeds: cache_recovered then says why,
 * and the driver should warn and rebuild fully. Fails with CACHE_EBUSY if
 * such a cache is held open by another process. On success *out must be
 * closed with cache_close.
 */
int cache_open(const char *dir, const struct cache_opts *o, struct cache **out);
/* Closes the environment; all transactions must have ended. NULL is ok. */
void cache_close(struct cache *c);
/* 0, or CACHE_EVERSION / CACHE_ECORRUPT if cache_open recreated it. */
int cache_recovered(const struct cache *c);
/* The cache directory as given to cache_open. */
const char *cache_dir(const struct cache *c);

/*
 * The default cache directory as a fresh xmalloc'd string in *out:
 * $LOCUS_CACHE_DIR, else $XDG_CACHE_HOME/locusc (when absolute), else
 * $HOME/.cache/locusc. Fails with CACHE_ENODIR when none is set.
 */
int cache_default_dir(char **out);

/*
 * Begins a transaction; a write transaction waits for other writers (of
 * any process). It must end with cache_txn_commit or cache_txn_abort.
 */
int cache_txn_begin(struct cache *c, bool write, struct cache_txn **out);
/*
 * Commits and frees t, first recording the last-use stamps of what was
 * read since the last write commit (see cache_gc). On failure t is
 * aborted and freed all the same. Committing a read txn just ends it.
 */
int cache_txn_commit(struct cache_txn *t);
/* Discards t's changes and frees it. NULL is ok. */
void cache_txn_abort(struct cache_txn *t);

/*
 * Drops the pages of the cache's map from this process's resident set.
 * They stay in the file and the page cache, and pointers into the map
 * stay valid: a later read maps its page again. Not while another thread
 * may resize the map. A write transaction does it every 256 puts, and
 * its commit when it made that many.
 */
void cache_release_map(struct cache *c);
/*
 * The same on a thread of its own, while the caller goes on: the pages
 * are dropped inside the gate, as if by a transaction, so no resize
 * happens meanwhile. cache_close waits for it.
 */
void cache_release_map_later(struct cache *c);

/*
 * Runs fn(t, arg) in a write transaction and commits it unless fn returns
 * nonzero (then its code is returned). When fn or the commit fail with
 * CACHE_EMAPFULL, the transaction is aborted, the map doubled (up to
 * max_map_size) and fn run again in a new transaction: fn must therefore
 * have no effects outside t that a second run would spoil.
 */
int cache_write(struct cache *c, int (*fn)(struct cache_txn *t, void *arg),
		void *arg);

/* ---- blobs: content hash -> bytes (stored uncompressed) ---- */

/* The order of hash keys in the databases (<0, 0, >0): many puts made
 * in it touch each leaf once, not here and there. */
int cache_key_cmp(struct hash128 a, struct hash128 b);

/* Stores p[0..n) under h; a no-op (but for the use stamp) if h exists. */
int cache_blob_put(struct cache_txn *t, struct hash128 h, const void *p,
		   size_t n);
/* Finds the bytes of h: zero-copy, valid until t ends. */
int cache_blob_get(struct cache_txn *t, struct hash128 h, const void **p,
		   size_t *n);
/*
 * cache_blob_get in two steps, for callers that look up many blobs
 * before reading them (a warm build: 30,000): find gives the bytes'
 * place without reading them, so the blob's pages are not mapped yet;
 * used, once the bytes have been read (from any thread, while the
 * transaction that found them is open), reads the stamp and marks the
 * blob used as get does.
 */
int cache_blob_find(struct cache_txn *t, struct hash128 h, const void **p,
		    size_t *n);
void cache_blob_used(struct cache *c, struct hash128 h, const void *p);

/* ---- ir: (unit hash, compiler id) -> serialized IR + summary ---- */

/* Stores (or replaces) the IR of a unit for one compiler build. */
int cache_ir_put(struct cache_txn *t, struct hash128 unit,
		 struct hash128 compiler, const void *p, size_t n);
/* Finds the IR of a unit: zero-copy, valid until t ends. */
int cache_ir_get(struct cache_txn *t, struct hash128 unit,
		 struct hash128 compiler, const void **p, size_t *n);

/* ---- actions: action key -> output content hashes ---- */

/* Stores (or replaces) the outputs of an action, in order. */
int cache_action_put(struct cache_txn *t, struct hash128 key,
		     const struct hash128 *outs, size_t n);
/*
 * Finds an action's outputs: *n is their count; the first min(*n, cap)
 * are copied to outs (outs may be NULL when cap is 0).
 */
int cache_action_get(struct cache_txn *t, struct hash128 key,
		     struct hash128 *outs, size_t cap, size_t *n);

/* ---- files: (project root, relative path) -> file state + units ---- */

struct cache_file_state {
	int64_t mtime_ns;
	uint64_t size;
	uint64_t inode;
};
/* Records a file's state and its opaque unit list. */
int cache_file_put(struct cache_txn *t, const char *root, const char *rel,
		   const struct cache_file_state *st, const void *units,
		   size_t n);
/* Finds a file's state; units zero-copy, valid until t ends. */
int cache_file_get(struct cache_txn *t, const char *root, const char *rel,
		   struct cache_file_state *st, const void **units, size_t *n);
/* Forgets a file (CACHE_ENOTFOUND if unknown). */
int cache_file_del(struct cache_txn *t, const char *root, const char *rel);
/*
 * Calls fn for each file recorded under root, in no particular order,
 * until fn returns nonzero (returned as is). rel is NUL-terminated and
 * lives until t ends. Do not modify `files` from fn.
 */
int cache_files_each(struct cache_txn *t, const char *root,
		     int (*fn)(void *arg, const char *rel,
			       const struct cache_file_state *st,
			       const void *units, size_t n),
		     void *arg);

/* ---- outputs: (output dir, relative path) -> content hash written ---- */

int cache_output_put(struct cache_txn *t, const char *outdir, const char *rel,
		     struct hash128 h);
int cache_output_get(struct cache_txn *t, const char *outdir, const char *rel,
		     struct hash128 *h);
/* Forgets an output (CACHE_ENOTFOUND if unknown). */
int cache_output_del(struct cache_txn *t, const char *outdir, const char *rel);
/* Like cache_files_each, for the outputs recorded under outdir. */
int cache_outputs_each(struct cache_txn *t, const char *outdir,
		       int (*fn)(void *arg, const char *rel, struct hash128 h),
		       void *arg);

/* ---- log: build sequence number -> opaque record ---- */

/*
 * Appends a record under the next build sequence number (stored in *seq
 * if seq is non-NULL). Sequence numbers start at 1, only grow, and after
 * commit become the use stamp of later reads (see cache_gc).
 */
int cache_log_append(struct cache_txn *t, const void *p, size_t n,
		     uint64_t *seq);
/*
 * Calls fn for the newest max records (all when max is 0), newest first,
 * until fn returns nonzero (returned as is). p is zero-copy.
 */
int cache_log_each(struct cache_txn *t, size_t max,
		   int (*fn)(void *arg, uint64_t seq, const void *p, size_t n),
		   void *arg);

/* ---- maintenance ---- */

struct cache_db_stats {
	uint64_t entries;
	uint64_t bytes; /* pages in use times the page size */
};
struct cache_stats {
	struct cache_db_stats db[CACHE_DB_COUNT];
	uint64_t live_bytes; /* all pages in use: about the compacted size */
	uint64_t file_bytes; /* size of the data file */
	uint64_t map_bytes;  /* current map size */
	uint64_t next_seq;   /* sequence number of the next build */
};
int cache_stats(struct cache *c, struct cache_stats *st);

/* Log records kept by cache_gc. */
#define CACHE_GC_LOG_KEEP 1000

struct cache_gc_result {
	uint64_t log_dropped;
	uint64_t entries_dropped; /* blobs, ir and actions */
	uint64_t bytes_before;	  /* data file size */
	uint64_t bytes_after;
	bool compacted; /* false if another process had the cache open */
};
/*
 * Trims the cache to about max_bytes: drops all but the newest
 * CACHE_GC_LOG_KEEP log records, then blobs, ir and actions least
 * recently used first (by the build sequence number of their last put or
 * get; an action's use also counts for its output blobs) until the pages
 * in use fit, then compacts the data file so it shrinks. files and
 * outputs are never dropped. Compaction needs the cache to be open in no
 * other process; otherwise the space is only freed for reuse. res may be
 * NULL.
 */
int cache_gc(struct cache *c, uint64_t max_bytes, struct cache_gc_result *res);
/* Empties every database but the format metadata, then compacts. */
int cache_clean(struct cache *c);

#endif
