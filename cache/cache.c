/*
 * cache.c - the build cache on LMDB: one environment in the cache
 * directory (LMDB's own layout: dir/data.mdb and dir/lock.mdb) with seven
 * named databases, plus dir/open.lock, which every process that has the
 * cache open holds a shared fcntl lock on, so that the operations that
 * replace the data file (recreate, compaction) can tell they are alone.
 *
 * Encoding: everything multi-byte is written byte by byte in a fixed
 * order, so a cache directory moves between machines. A hash128 key is
 * lo then hi, each little-endian; log keys are big-endian so that cursor
 * order is build order. Values of blobs, ir and actions start with an
 * 8-byte little-endian use stamp (the build sequence number that last put
 * or read them) for cache_gc.
 *
 * Blobs are stored uncompressed for now: generated code is small and the
 * zero-copy read out of the map is worth more than the disk. Adding zstd
 * later means a flag in the value header and a new format version.
 *
 * Use stamps: a get cannot write in a read transaction, so gets record the
 * key in an in-memory `touched` set, and the next write commit of this
 * process rewrites the stamps of those keys (only when older). A key is
 * recorded only when its stamp is more than TOUCH_SLACK builds old: a
 * record read by every build (the summaries a project check reads, the
 * actions of a large app) is then rewritten once in TOUCH_SLACK builds,
 * not in every commit, and least-recently-used is true to within that
 * many builds. A no-op build writes stamps at most once, in the commit
 * that appends its log record.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define _DEFAULT_SOURCE /* madvise, MADV_DONTNEED */
#include "cache/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Bump when any key or value layout changes: old caches are recreated. */
#define CACHE_FORMAT_VERSION 1u

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAX_MAP_SIZE ((size_t)64 << 30)
#define DEFAULT_MAX_READERS 256u
/* Beyond this many pending touches, further ones are dropped: gc's LRU
 * order gets coarser, nothing breaks. */
#define TOUCH_MAX ((size_t)1 << 20)
/* Deletions per write transaction in gc, to stay far from MDB_TXN_FULL. */
#define GC_BATCH 4096
#define STAMP_SIZE 8
#define HASH_KEY 16
#define PATH_KEY 32

static const char *const db_names[CACHE_DB_COUNT] = {
    "meta", "blobs", "ir", "actions", "files", "outputs", "log",
};

/* One key read since the last write commit. klen == 0 marks a free slot. */
struct touch {
	uint8_t db;
	uint8_t klen;
	unsigned char key[32];
};

struct touchset {
	struct touch *v;
	size_t n;
	size_t cap; /* a power of two, or 0 */
};

struct cache {
	char *dir;
	MDB_env *env; /* NULL after a failed reopen: every call then fails */
	MDB_dbi dbi[CACHE_DB_COUNT];
	MDB_dbi main_dbi; /* holds the named dbs; for cache_stats */
	struct cache_opts opts;
	int lockfd;
	int recovered;
	/*
	 * mu guards everything below. LMDB may only resize or reopen the map
	 * while this process has no transaction open: `excl` closes the gate
	 * to new transactions and waits for ntxn to reach zero.
	 */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned ntxn;
	bool excl;
	uint64_t stamp; /* sequence number of the build in progress */
	struct touchset touched;
	/* Where the data file is mapped (0, 0: not looked up since the map
	 * was last opened or resized): cache_release_map. */
	uintptr_t map_lo, map_hi;
	pthread_t releaser;  /* cache_release_map_later's, until joined */
	bool releasing;
};

struct cache_txn {
	struct cache *c;
	MDB_txn *txn;
	bool write;
	uint64_t next_seq; /* after a log append: the new next sequence */
	size_t nput;       /* records written (a write transaction) */
};

const char *
cache_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
#define CACHE_TEXT(name, val, text)                                            \
	case name:                                                             \
		return text;
		CACHE_ERRORS(CACHE_TEXT)
#undef CACHE_TEXT
	}
	return "unknown cache error";
}

const char *
cache_db_name(enum cache_db db)
{
	return (unsigned)db < CACHE_DB_COUNT ? db_names[db] : "?";
}

/* Maps an LMDB or errno code to a CACHE_E* code. */
static int
err_of(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
		return CACHE_ENOTFOUND;
	case MDB_MAP_FULL:
		return CACHE_EMAPFULL;
	case MDB_TXN_FULL:
	case MDB_CURSOR_FULL:
		return CACHE_ETXNFULL;
	case MDB_READERS_FULL:
	case MDB_TLS_FULL:
		return CACHE_EREADERS;
	case MDB_INVALID:
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_PANIC:
	case MDB_INCOMPATIBLE:
		return CACHE_ECORRUPT;
	case MDB_VERSION_MISMATCH:
		return CACHE_EVERSION;
	case MDB_BAD_TXN:
		return CACHE_EBADTXN;
	case MDB_BAD_VALSIZE:
		return CACHE_EVALUE;
	case EACCES:
	case EPERM:
	case EROFS:
		return CACHE_EACCES;
	case ENOSPC:
		return CACHE_ENOSPC;
	case ENOMEM:
		return CACHE_ENOMEM;
	default:
		return CACHE_EIO;
	}
}

/* ---- byte encodings ---- */

static void
put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
cache_key_cmp(struct hash128 a, struct hash128 b)
{
	unsigned char ka[HASH_KEY], kb[HASH_KEY];

	hash_put(ka, a);
	hash_put(kb, b);
	return memcmp(ka, kb, HASH_KEY);
}

/*
 * (dir, rel) keys are the hashes of both strings: fixed-size whatever the
 * path length (LMDB keys are limited to 511 bytes), and the dir half is a
 * prefix for listing one directory. rel itself is kept in the value.
 */
static void
path_key(unsigned char key[PATH_KEY], const char *dir, const char *rel)
{
	hash_put(key, hash_bytes(dir, strlen(dir)));
	if (rel)
		hash_put(key + HASH_KEY, hash_bytes(rel, strlen(rel)));
}

static MDB_val
val_of(const void *p, size_t n)
{
	MDB_val v;

	v.mv_size = n;
	v.mv_data = (void *)p;
	return v;
}

/* ---- the gate: resizing and reopening need no open transaction ---- */

static void
gate_enter(struct cache *c)
{
	pthread_mutex_lock(&c->mu);
	while (c->excl)
		pthread_cond_wait(&c->cv, &c->mu);
	c->ntxn++;
	pthread_mutex_unlock(&c->mu);
}

static void
gate_leave(struct cache *c)
{
	pthread_mutex_lock(&c->mu);
	if (--c->ntxn == 0)
		pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void
excl_begin(struct cache *c)
{
	pthread_mutex_lock(&c->mu);
	while (c->excl)
		pthread_cond_wait(&c->cv, &c->mu);
	c->excl = true;
	while (c->ntxn)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void
excl_end(struct cache *c)
{
	pthread_mutex_lock(&c->mu);
	c->excl = false;
	c->map_lo = c->map_hi = 0;  /* the map may have moved */
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static uint64_t
cur_stamp(struct cache *c)
{
	uint64_t s;

	pthread_mutex_lock(&c->mu);
	s = c->stamp;
	pthread_mutex_unlock(&c->mu);
	return s;
}

/* ---- the touched set ---- */

static size_t
touch_slot(const struct touchset *s, uint8_t db, const unsigned char *k,
	   size_t klen)
{
	/* Keys are hashes already: their first bytes spread well. */
	size_t i = (size_t)(le_get(k, 8) ^ (uint64_t)db * 0x9e3779b97f4a7c15u);

	for (i &= s->cap - 1;; i = (i + 1) & (s->cap - 1)) {
		const struct touch *e = &s->v[i];

		if (!e->klen || (e->db == db && e->klen == klen &&
				 memcmp(e->key, k, klen) == 0))
			return i;
	}
}

static void
touch_add(struct touchset *s, uint8_t db, const unsigned char *k, size_t klen)
{
	struct touch *e;
	size_t i;

	if (s->n >= TOUCH_MAX)
		return;
	if (2 * (s->n + 1) > s->cap) {
		struct touchset bigger;

		bigger.cap = s->cap ? 2 * s->cap : 256;
		bigger.n = 0;
		bigger.v = xcalloc(bigger.cap, sizeof(struct touch));
		for (i = 0; i < s->cap; i++)
			if (s->v[i].klen)
				touch_add(&bigger, s->v[i].db, s->v[i].key,
					  s->v[i].klen);
		free(s->v);
		*s = bigger;
	}
	i = touch_slot(s, db, k, klen);
	e = &s->v[i];
	if (e->klen)
		return;
	e->db = db;
	e->klen = (uint8_t)klen;
	memcpy(e->key, k, klen);
	s->n++;
}

static void
touch_record(struct cache *c, enum cache_db db, const unsigned char *k,
	     size_t klen)
{
	pthread_mutex_lock(&c->mu);
	touch_add(&c->touched, (uint8_t)db, k, klen);
	pthread_mutex_unlock(&c->mu);
}

/* Puts the entries of a taken set back after a failed commit. */
static void
touch_merge_back(struct cache *c, struct touchset *s)
{
	size_t i;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < s->cap; i++)
		if (s->v[i].klen)
			touch_add(&c->touched, s->v[i].db, s->v[i].key,
				  s->v[i].klen);
	pthread_mutex_unlock(&c->mu);
}

/*
 * Rewrites the stamp of one value if it is older than stamp. The value is
 * copied out first: the put may move it.
 */
static int
restamp(struct cache_txn *t, enum cache_db db, const unsigned char *k,
	size_t klen, uint64_t stamp, struct sbuf *tmp)
{
	MDB_val key = val_of(k, klen), val;
	int rc;

	rc = mdb_get(t->txn, t->c->dbi[db], &key, &val);
	if (rc == MDB_NOTFOUND)
		return 0; /* dropped since it was read */
	if (rc)
		return err_of(rc);
	if (val.mv_size < STAMP_SIZE || le_get(val.mv_data, 8) >= stamp)
		return 0;
	sbuf_reset(tmp);
	sbuf_add(tmp, val.mv_data, val.mv_size);
	le_put((unsigned char *)tmp->p, stamp, 8);
	val = val_of(tmp->p, tmp->len);
	return err_of(mdb_put(t->txn, t->c->dbi[db], &key, &val, 0));
}

static int
flush_touched(struct cache_txn *t, const struct touchset *s)
{
	uint64_t stamp = cur_stamp(t->c);
	struct sbuf tmp, outs;
	size_t i, j;
	int rc = 0;

	sbuf_init(&tmp);
	sbuf_init(&outs);
	for (i = 0; i < s->cap && !rc; i++) {
		const struct touch *e = &s->v[i];
		MDB_val key, val;

		if (!e->klen)
			continue;
		rc = restamp(t, e->db, e->key, e->klen, stamp, &tmp);
		if (rc || e->db != CACHE_DB_ACTIONS)
			continue;
		/* An action's use is also a use of its outputs' blobs,
		 * which a hit need not read. */
		key = val_of(e->key, e->klen);
		if (mdb_get(t->txn, t->c->dbi[CACHE_DB_ACTIONS], &key, &val))
			continue;
		sbuf_reset(&outs);
		sbuf_add(&outs, val.mv_data, val.mv_size);
		for (j = STAMP_SIZE; j + HASH_KEY <= outs.len && !rc;
		     j += HASH_KEY)
			rc = restamp(t, CACHE_DB_BLOBS,
				     (unsigned char *)outs.p + j, HASH_KEY,
				     stamp, &tmp);
	}
	sbuf_free(&outs);
	sbuf_free(&tmp);
	return rc;
}

/* ---- paths and the open lock ---- */

static char *
path_in(const struct cache *c, const char *name)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, "%s/%s", c->dir, name);
	return b.p;
}

static int
mkdir_p(const char *dir)
{
	char *p = xstrdup(dir), *s, save;
	int rc = 0;

	for (s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		save = *s;
		*s = 0;
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			rc = err_of(errno);
			break;
		}
		*s = save;
		if (!save)
			break;
	}
	free(p);
	return rc;
}

static int
lock_set(int fd, short type, bool wait)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EACCES)
			return CACHE_EBUSY;
		return err_of(errno);
	}
	return 0;
}

static uint64_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* ---- the environment ---- */

static int
meta_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t *v)
{
	MDB_val key = val_of(name, strlen(name)), val;
	int rc = mdb_get(txn, dbi, &key, &val);

	if (rc)
		return rc;
	if (val.mv_size != 8)
		return MDB_CORRUPTED;
	*v = le_get(val.mv_data, 8);
	return 0;
}

static int
meta_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t v)
{
	unsigned char b[8];
	MDB_val key = val_of(name, strlen(name)), val = val_of(b, 8);

	le_put(b, v, 8);
	return mdb_put(txn, dbi, &key, &val, 0);
}

/*
 * Opens the named databases and checks the format version. Tries a read
 * transaction first, so that opening an existing cache writes nothing;
 * a fresh one is set up in a write transaction.
 */
static int
open_dbs(struct cache *c, bool create)
{
	uint32_t want = c->opts.format_version ? c->opts.format_version
					       : CACHE_FORMAT_VERSION;
	uint64_t version, seq = 1;
	MDB_txn *txn;
	int i, rc;

	rc = mdb_txn_begin(c->env, NULL, create ? 0 : MDB_RDONLY, &txn);
	if (rc)
		return err_of(rc);
	rc = mdb_dbi_open(txn, NULL, 0, &c->main_dbi);
	for (i = 0; i < CACHE_DB_COUNT && !rc; i++)
		rc = mdb_dbi_open(txn, db_names[i], create ? MDB_CREATE : 0,
				  &c->dbi[i]);
	if (rc)
		goto err_abort;
	rc = meta_get_u64(txn, c->dbi[CACHE_DB_META], "format", &version);
	if (rc == MDB_NOTFOUND && create) {
		rc = meta_put_u64(txn, c->dbi[CACHE_DB_META], "format", want);
		if (!rc)
			rc = meta_put_u64(txn, c->dbi[CACHE_DB_META], "seq", 1);
		version = want;
	}
	if (rc)
		goto err_abort;
	if (version != want) {
		mdb_txn_abort(txn);
		return CACHE_EVERSION;
	}
	rc = meta_get_u64(txn, c->dbi[CACHE_DB_META], "seq", &seq);
	if (rc)
		goto err_abort;
	c->stamp = seq;
	/* Commit even a read txn: that makes the dbi handles global. */
	return err_of(mdb_txn_commit(txn));

err_abort:
	mdb_txn_abort(txn);
	if (rc == MDB_NOTFOUND && !create)
		return open_dbs(c, true);
	/* A meta db without the keys, or a named db that is not one. */
	return rc == MDB_NOTFOUND ? CACHE_ECORRUPT : err_of(rc);
}

static int
env_setup(struct cache *c)
{
	unsigned flags = MDB_NOTLS | MDB_NOMETASYNC;
	MDB_envinfo info;
	int rc;

	c->map_lo = c->map_hi = 0;
	rc = mdb_env_create(&c->env);
	if (rc) {
		c->env = NULL;
		return err_of(rc);
	}
	if (c->opts.no_sync)
		flags |= MDB_NOSYNC;
	if ((rc = mdb_env_set_maxdbs(c->env, CACHE_DB_COUNT)) ||
	    (rc = mdb_env_set_maxreaders(c->env, c->opts.max_readers)) ||
	    (rc = mdb_env_set_mapsize(c->env, c->opts.map_size)) ||
	    (rc = mdb_env_open(c->env, c->dir, flags, 0644)))
		goto err_close_env;
	/*
	 * A configured size overrides the one in the file; take the larger,
	 * so that a map grown by an earlier build stays grown.
	 */
	if ((rc = mdb_env_set_mapsize(c->env, 0)) ||
	    (rc = mdb_env_info(c->env, &info)))
		goto err_close_env;
	if (info.me_mapsize < c->opts.map_size &&
	    (rc = mdb_env_set_mapsize(c->env, c->opts.map_size)))
		goto err_close_env;
	rc = open_dbs(c, false);
	if (rc) {
		mdb_env_close(c->env);
		c->env = NULL;
		return rc;
	}
	return 0;

err_close_env:
	mdb_env_close(c->env);
	c->env = NULL;
	return err_of(rc);
}

static void
env_files_remove(struct cache *c)
{
	char *data = path_in(c, "data.mdb"), *lock = path_in(c, "lock.mdb");

	unlink(data);
	unlink(lock);
	free(lock);
	free(data);
}

int
cache_open(const char *dir, const struct cache_opts *o, struct cache **out)
{
	struct cache *c;
	char *lockpath;
	int rc;

	*out = NULL;
	c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup(dir);
	if (o)
		c->opts = *o;
	if (!c->opts.map_size)
		c->opts.map_size = DEFAULT_MAP_SIZE;
	if (!c->opts.max_map_size)
		c->opts.max_map_size = DEFAULT_MAX_MAP_SIZE;
	if (c->opts.max_map_size < c->opts.map_size)
		c->opts.max_map_size = c->opts.map_size;
	if (!c->opts.max_readers)
		c->opts.max_readers = DEFAULT_MAX_READERS;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);

	rc = mkdir_p(dir);
	if (rc)
		goto err_free;
	lockpath = path_in(c, "open.lock");
	c->lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lockpath);
	if (c->lockfd < 0) {
		rc = err_of(errno);
		goto err_free;
	}
	/* Waits while a gc of another process compacts the file. */
	rc = lock_set(c->lockfd, F_RDLCK, true);
	if (rc)
		goto err_close_lock;
	rc = env_setup(c);
	if (rc == CACHE_ECORRUPT || rc == CACHE_EVERSION) {
		int why = rc;

		/* Replacing the files under another process would pull
		 * them from under its map. */
		rc = lock_set(c->lockfd, F_WRLCK, false);
		if (rc)
			goto err_close_lock;
		env_files_remove(c);
		rc = env_setup(c);
		lock_set(c->lockfd, F_RDLCK, false);
		c->recovered = why;
	}
	if (rc)
		goto err_close_lock;
	*out = c;
	return 0;

err_close_lock:
	close(c->lockfd);
err_free:
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->dir);
	free(c);
	return rc;
}

static void
join_releaser(struct cache *c)
{
	if (c->releasing) {
		pthread_join(c->releaser, NULL);
		c->releasing = false;
	}
}

void
cache_close(struct cache *c)
{
	if (!c)
		return;
	join_releaser(c);
	BASE_ASSERT(c->ntxn == 0);
	if (c->env)
		mdb_env_close(c->env);
	close(c->lockfd);
	free(c->touched.v);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->dir);
	free(c);
}

int
cache_recovered(const struct cache *c)
{
	return c->recovered;
}

const char *
cache_dir(const struct cache *c)
{
	return c->dir;
}

int
cache_default_dir(char **out)
{
	const char *v;
	struct sbuf b;

	*out = NULL;
	sbuf_init(&b);
	if ((v = getenv("LOCUS_CACHE_DIR")) && *v)
		sbuf_adds(&b, v);
	else if ((v = getenv("XDG_CACHE_HOME")) && v[0] == '/')
		sbuf_printf(&b, "%s/locusc", v);
	else if ((v = getenv("HOME")) && *v)
		sbuf_printf(&b, "%s/.cache/locusc", v);
	else
		return CACHE_ENODIR;
	*out = b.p;
	return 0;
}

/* ---- transactions ---- */

/* Takes the size the map has in the file after another process grew it. */
static int
adopt_map_size(struct cache *c)
{
	int rc;

	excl_begin(c);
	rc = err_of(mdb_env_set_mapsize(c->env, 0));
	excl_end(c);
	return rc;
}

int
cache_txn_begin(struct cache *c, bool write, struct cache_txn **out)
{
	MDB_txn *txn;
	int rc;

	*out = NULL;
	if (!c->env)
		return CACHE_EIO;
	for (;;) {
		gate_enter(c);
		rc = mdb_txn_begin(c->env, NULL, write ? 0 : MDB_RDONLY, &txn);
		if (rc != MDB_MAP_RESIZED)
			break;
		gate_leave(c);
		rc = adopt_map_size(c);
		if (rc)
			return rc;
	}
	if (rc) {
		gate_leave(c);
		return err_of(rc);
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->c = c;
	(*out)->txn = txn;
	(*out)->write = write;
	return 0;
}

/*
 * A write transaction copies each page it changes out of the map, which
 * maps that page into the process; with content hashes for keys, the
 * puts land on leaves all over the tree, so a cold 10,000-file build
 * read 90 MB of the map this way, counted in its resident set. Every
 * RELEASE_PUTS puts, and after a transaction of that many, its pages
 * are dropped from the process (they stay in the file and the page
 * cache; a later read maps them again).
 */
#define RELEASE_PUTS 256

/*
 * Where the data file is mapped: LMDB does not say (me_mapaddr is only
 * set with MDB_FIXEDMAP), so the first call after the map was opened or
 * resized finds the mapping in /proc/self/maps by device and inode.
 */
static bool
map_range(struct cache *c, uintptr_t *lo, uintptr_t *hi)
{
	mdb_filehandle_t fd;
	struct stat st;
	FILE *f;
	char line[512];

	pthread_mutex_lock(&c->mu);
	*lo = c->map_lo;
	*hi = c->map_hi;
	pthread_mutex_unlock(&c->mu);
	if (*lo)
		return true;
	if (mdb_env_get_fd(c->env, &fd) != 0 || fstat(fd, &st) != 0)
		return false;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b, ino;
		unsigned maj, mnr;

		if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", &a, &b, &maj,
			   &mnr, &ino) == 5 &&
		    ino == (unsigned long)st.st_ino && maj == major(st.st_dev) &&
		    mnr == minor(st.st_dev)) {
			*lo = a;
			*hi = b;
			break;
		}
	}
	fclose(f);
	if (!*lo)
		return false;
	pthread_mutex_lock(&c->mu);
	c->map_lo = *lo;
	c->map_hi = *hi;
	pthread_mutex_unlock(&c->mu);
	return true;
}

void
cache_release_map(struct cache *c)
{
	uintptr_t lo, hi;

	if (map_range(c, &lo, &hi))
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static void *
release_main(void *arg)
{
	struct cache *c = arg;

	gate_enter(c);
	cache_release_map(c);
	gate_leave(c);
	return NULL;
}

/* (An edit at 10,000 files ends with 45 MB of the map's pages mapped:
 * its runs, state and tables. Unmapped by cache_close on the build's
 * last stretch, they cost it 3-7 ms.) */
void
cache_release_map_later(struct cache *c)
{
	if (!c || !c->env)
		return;
	join_releaser(c);
	c->releasing = pthread_create(&c->releaser, NULL, release_main,
				      c) == 0;
	if (!c->releasing)
		cache_release_map(c);
}

int
cache_txn_commit(struct cache_txn *t)
{
	struct cache *c = t->c;
	struct touchset taken = {0};
	int rc;

	if (!t->write) {
		mdb_txn_abort(t->txn);
		rc = 0;
		goto out;
	}
	pthread_mutex_lock(&c->mu);
	taken = c->touched;
	memset(&c->touched, 0, sizeof(c->touched));
	pthread_mutex_unlock(&c->mu);
	rc = flush_touched(t, &taken);
	if (rc) {
		mdb_txn_abort(t->txn);
		goto err_merge;
	}
	rc = err_of(mdb_txn_commit(t->txn));
	if (rc)
		goto err_merge;
	if (t->nput >= RELEASE_PUTS)
		cache_release_map(c);
	if (t->next_seq) {
		pthread_mutex_lock(&c->mu);
		if (c->stamp < t->next_seq)
			c->stamp = t->next_seq;
		pthread_mutex_unlock(&c->mu);
	}
	free(taken.v);
	goto out;

err_merge:
	touch_merge_back(c, &taken);
	free(taken.v);
out:
	gate_leave(c);
	free(t);
	return rc;
}

void
cache_txn_abort(struct cache_txn *t)
{
	if (!t)
		return;
	mdb_txn_abort(t->txn);
	gate_leave(t->c);
	free(t);
}

/* Doubles the map unless another thread already grew it past `seen`. */
static int
grow_map(struct cache *c, size_t seen)
{
	MDB_envinfo info;
	int rc = 0;

	excl_begin(c);
	mdb_env_info(c->env, &info);
	if (info.me_mapsize <= seen) {
		if (seen >= c->opts.max_map_size) {
			rc = CACHE_EMAPFULL;
		} else {
			size_t want = seen > c->opts.max_map_size / 2
					  ? c->opts.max_map_size
					  : 2 * seen;

			rc = err_of(mdb_env_set_mapsize(c->env, want));
		}
	}
	excl_end(c);
	return rc;
}

int
cache_write(struct cache *c, int (*fn)(struct cache_txn *t, void *arg),
	    void *arg)
{
	struct cache_txn *t;
	MDB_envinfo info;
	int rc;

	for (;;) {
		rc = cache_txn_begin(c, true, &t);
		if (rc)
			return rc;
		/* No resize can happen while t is open: read the size now. */
		mdb_env_info(c->env, &info);
		rc = fn(t, arg);
		if (rc)
			cache_txn_abort(t);
		else
			rc = cache_txn_commit(t);
		if (rc != CACHE_EMAPFULL)
			return rc;
		rc = grow_map(c, info.me_mapsize);
		if (rc)
			return rc;
	}
}

/* ---- typed access ---- */

/* Puts key -> stamp + p[0..n), or only the stamp when p is NULL. */
#define TOUCH_SLACK 16

/* Records a use of the value v (stamp first) unless its stamp is recent. */
static void
touch_if_old(struct cache *c, enum cache_db db, const unsigned char *k,
	     size_t klen, const void *v)
{
	if (le_get(v, 8) + TOUCH_SLACK < cur_stamp(c))
		touch_record(c, db, k, klen);
}

static int
put_stamped(struct cache_txn *t, enum cache_db db, const unsigned char *k,
	    size_t klen, const void *p, size_t n, unsigned flags)
{
	MDB_val key = val_of(k, klen), val;
	int rc;

	if (!t->write)
		return CACHE_EREADONLY;
	val.mv_size = STAMP_SIZE + n;
	val.mv_data = NULL;
	rc = mdb_put(t->txn, t->c->dbi[db], &key, &val, flags | MDB_RESERVE);
	/* Each put reads the leaf it lands on out of the map, and the
	 * kernel maps the pages around it too: a transaction of a few
	 * thousand puts mapped 40 MB of the file. LMDB writes with pwrite
	 * (no MDB_WRITEMAP), so the map is only read and dropping its pages
	 * in the middle of a transaction is safe. */
	if (++t->nput % RELEASE_PUTS == 0)
		cache_release_map(t->c);
	if (rc == MDB_KEYEXIST) {
		/* val is the value there. */
		if (val.mv_size >= STAMP_SIZE)
			touch_if_old(t->c, db, k, klen, val.mv_data);
		else
			touch_record(t->c, db, k, klen);
		return 0;
	}
	if (rc)
		return err_of(rc);
	le_put(val.mv_data, cur_stamp(t->c), 8);
	if (n)
		memcpy((unsigned char *)val.mv_data + STAMP_SIZE, p, n);
	return 0;
}

/* The value under k, past its stamp, without reading it; *v: the value
 * with its stamp. */
static int
find_stamped(struct cache_txn *t, enum cache_db db, const unsigned char *k,
	     size_t klen, const void **v, const void **p, size_t *n)
{
	MDB_val key = val_of(k, klen), val;
	int rc;

	rc = mdb_get(t->txn, t->c->dbi[db], &key, &val);
	if (rc)
		return err_of(rc);
	if (val.mv_size < STAMP_SIZE)
		return CACHE_EVALUE;
	*v = val.mv_data;
	*p = (const unsigned char *)val.mv_data + STAMP_SIZE;
	*n = val.mv_size - STAMP_SIZE;
	return 0;
}

static int
get_stamped(struct cache_txn *t, enum cache_db db, const unsigned char *k,
	    size_t klen, const void **p, size_t *n)
{
	const void *v = NULL;
	int rc = find_stamped(t, db, k, klen, &v, p, n);

	if (rc == 0)
		touch_if_old(t->c, db, k, klen, v);
	return rc;
}

int
cache_blob_put(struct cache_txn *t, struct hash128 h, const void *p, size_t n)
{
	unsigned char k[HASH_KEY];

	hash_put(k, h);
	return put_stamped(t, CACHE_DB_BLOBS, k, sizeof(k), p, n,
			   MDB_NOOVERWRITE);
}

int
cache_blob_get(struct cache_txn *t, struct hash128 h, const void **p, size_t *n)
{
	unsigned char k[HASH_KEY];

	hash_put(k, h);
	return get_stamped(t, CACHE_DB_BLOBS, k, sizeof(k), p, n);
}

int
cache_blob_find(struct cache_txn *t, struct hash128 h, const void **p,
		size_t *n)
{
	unsigned char k[HASH_KEY];
	const void *v = NULL;

	/* Not read: a large blob's pages stay unmapped until its bytes
	 * are, and then cache_blob_used reads the stamp. */
	hash_put(k, h);
	return find_stamped(t, CACHE_DB_BLOBS, k, sizeof(k), &v, p, n);
}

void
cache_blob_used(struct cache *c, struct hash128 h, const void *p)
{
	unsigned char k[HASH_KEY];

	hash_put(k, h);
	touch_if_old(c, CACHE_DB_BLOBS, k, sizeof(k),
		     (const unsigned char *)p - STAMP_SIZE);
}

static void
ir_key(unsigned char k[2 * HASH_KEY], struct hash128 unit,
       struct hash128 compiler)
{
	hash_put(k, unit);
	hash_put(k + HASH_KEY, compiler);
}

int
cache_ir_put(struct cache_txn *t, struct hash128 unit, struct hash128 compiler,
	     const void *p, size_t n)
{
	unsigned char k[2 * HASH_KEY];

	ir_key(k, unit, compiler);
	return put_stamped(t, CACHE_DB_IR, k, sizeof(k), p, n, 0);
}

int
cache_ir_get(struct cache_txn *t, struct hash128 unit, struct hash128 compiler,
	     const void **p, size_t *n)
{
	unsigned char k[2 * HASH_KEY];

	ir_key(k, unit, compiler);
	return get_stamped(t, CACHE_DB_IR, k, sizeof(k), p, n);
}

int
cache_action_put(struct cache_txn *t, struct hash128 key,
		 const struct hash128 *outs, size_t n)
{
	unsigned char k[HASH_KEY], *v;
	size_t i;
	int rc;

	hash_put(k, key);
	v = xmalloc(n * HASH_KEY);
	for (i = 0; i < n; i++)
		hash_put(v + i * HASH_KEY, outs[i]);
	rc = put_stamped(t, CACHE_DB_ACTIONS, k, sizeof(k), v, n * HASH_KEY, 0);
	free(v);
	return rc;
}

int
cache_action_get(struct cache_txn *t, struct hash128 key, struct hash128 *outs,
		 size_t cap, size_t *n)
{
	unsigned char k[HASH_KEY];
	const unsigned char *p;
	const void *v = NULL;
	size_t len = 0, i;
	int rc;

	hash_put(k, key);
	rc = get_stamped(t, CACHE_DB_ACTIONS, k, sizeof(k), &v, &len);
	if (rc)
		return rc;
	if (len % HASH_KEY)
		return CACHE_EVALUE;
	p = v;
	*n = len / HASH_KEY;
	for (i = 0; i < *n && i < cap; i++)
		outs[i] = hash_get(p + i * HASH_KEY);
	return 0;
}

/*
 * files value: mtime_ns, size, inode (8 bytes each, little-endian), the
 * length of rel (4 bytes), rel and a NUL, then the unit list.
 */
#define FILE_HDR 28

int
cache_file_put(struct cache_txn *t, const char *root, const char *rel,
	       const struct cache_file_state *st, const void *units, size_t n)
{
	unsigned char k[PATH_KEY], *v;
	size_t rlen = strlen(rel);
	MDB_val key, val;
	int i;

	if (!t->write)
		return CACHE_EREADONLY;
	path_key(k, root, rel);
	key = val_of(k, sizeof(k));
	val.mv_size = FILE_HDR + rlen + 1 + n;
	val.mv_data = NULL;
	i = mdb_put(t->txn, t->c->dbi[CACHE_DB_FILES], &key, &val, MDB_RESERVE);
	if (i)
		return err_of(i);
	v = val.mv_data;
	le_put(v, (uint64_t)st->mtime_ns, 8);
	le_put(v + 8, st->size, 8);
	le_put(v + 16, st->inode, 8);
	for (i = 0; i < 4; i++)
		v[24 + i] = (unsigned char)(rlen >> (8 * i));
	memcpy(v + FILE_HDR, rel, rlen + 1);
	if (n)
		memcpy(v + FILE_HDR + rlen + 1, units, n);
	return 0;
}

/* Decodes a files value; rel points at its NUL-terminated path. */
static int
file_decode(const MDB_val *val, const char **rel, struct cache_file_state *st,
	    const void **units, size_t *n)
{
	const unsigned char *v = val->mv_data;
	size_t rlen = 0;
	int i;

	if (val->mv_size < FILE_HDR + 1)
		return CACHE_EVALUE;
	for (i = 0; i < 4; i++)
		rlen |= (size_t)v[24 + i] << (8 * i);
	if (val->mv_size < FILE_HDR + rlen + 1 || v[FILE_HDR + rlen])
		return CACHE_EVALUE;
	st->mtime_ns = (int64_t)le_get(v, 8);
	st->size = le_get(v + 8, 8);
	st->inode = le_get(v + 16, 8);
	*rel = (const char *)v + FILE_HDR;
	*units = v + FILE_HDR + rlen + 1;
	*n = val->mv_size - (FILE_HDR + rlen + 1);
	return 0;
}

int
cache_file_get(struct cache_txn *t, const char *root, const char *rel,
	       struct cache_file_state *st, const void **units, size_t *n)
{
	unsigned char k[PATH_KEY];
	MDB_val key, val;
	const char *stored;
	int rc;

	path_key(k, root, rel);
	key = val_of(k, sizeof(k));
	rc = mdb_get(t->txn, t->c->dbi[CACHE_DB_FILES], &key, &val);
	if (rc)
		return err_of(rc);
	return file_decode(&val, &stored, st, units, n);
}

static int
path_del(struct cache_txn *t, enum cache_db db, const char *dir,
	 const char *rel)
{
	unsigned char k[PATH_KEY];
	MDB_val key;

	if (!t->write)
		return CACHE_EREADONLY;
	path_key(k, dir, rel);
	key = val_of(k, sizeof(k));
	return err_of(mdb_del(t->txn, t->c->dbi[db], &key, NULL));
}

int
cache_file_del(struct cache_txn *t, const char *root, const char *rel)
{
	return path_del(t, CACHE_DB_FILES, root, rel);
}

/*
 * Walks the records whose key starts with hash(dir), calling each(val)
 * until it returns nonzero.
 */
static int
path_each(struct cache_txn *t, enum cache_db db, const char *dir,
	  int (*each)(const MDB_val *val, void *ctx), void *ctx)
{
	unsigned char k[PATH_KEY];
	MDB_cursor *cur;
	MDB_val key, val;
	int rc;

	path_key(k, dir, NULL);
	rc = mdb_cursor_open(t->txn, t->c->dbi[db], &cur);
	if (rc)
		return err_of(rc);
	key = val_of(k, HASH_KEY);
	for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
		if (key.mv_size < HASH_KEY || memcmp(key.mv_data, k, HASH_KEY))
			break;
		rc = each(&val, ctx);
		if (rc)
			goto out;
	}
	rc = rc == MDB_NOTFOUND || rc == 0 ? 0 : err_of(rc);
out:
	mdb_cursor_close(cur);
	return rc;
}

struct files_ctx {
	int (*fn)(void *arg, const char *rel, const struct cache_file_state *st,
		  const void *units, size_t n);
	void *arg;
};

static int
files_each_one(const MDB_val *val, void *ctx)
{
	struct files_ctx *fc = ctx;
	struct cache_file_state st;
	const char *rel;
	const void *units;
	size_t n;
	int rc = file_decode(val, &rel, &st, &units, &n);

	return rc ? rc : fc->fn(fc->arg, rel, &st, units, n);
}

int
cache_files_each(struct cache_txn *t, const char *root,
		 int (*fn)(void *arg, const char *rel,
			   const struct cache_file_state *st, const void *units,
			   size_t n),
		 void *arg)
{
	struct files_ctx fc = {fn, arg};

	return path_each(t, CACHE_DB_FILES, root, files_each_one, &fc);
}

/* outputs value: the content hash (16 bytes), then rel and a NUL. */
int
cache_output_put(struct cache_txn *t, const char *outdir, const char *rel,
		 struct hash128 h)
{
	unsigned char k[PATH_KEY];
	size_t rlen = strlen(rel);
	MDB_val key, val;
	int rc;

	if (!t->write)
		return CACHE_EREADONLY;
	path_key(k, outdir, rel);
	key = val_of(k, sizeof(k));
	val.mv_size = HASH_KEY + rlen + 1;
	val.mv_data = NULL;
	rc = mdb_put(t->txn, t->c->dbi[CACHE_DB_OUTPUTS], &key, &val,
		     MDB_RESERVE);
	if (rc)
		return err_of(rc);
	hash_put(val.mv_data, h);
	memcpy((unsigned char *)val.mv_data + HASH_KEY, rel, rlen + 1);
	return 0;
}

int
cache_output_get(struct cache_txn *t, const char *outdir, const char *rel,
		 struct hash128 *h)
{
	unsigned char k[PATH_KEY];
	MDB_val key, val;
	int rc;

	path_key(k, outdir, rel);
	key = val_of(k, sizeof(k));
	rc = mdb_get(t->txn, t->c->dbi[CACHE_DB_OUTPUTS], &key, &val);
	if (rc)
		return err_of(rc);
	if (val.mv_size < HASH_KEY + 1)
		return CACHE_EVALUE;
	*h = hash_get(val.mv_data);
	return 0;
}

int
cache_output_del(struct cache_txn *t, const char *outdir, const char *rel)
{
	return path_del(t, CACHE_DB_OUTPUTS, outdir, rel);
}

struct outputs_ctx {
	int (*fn)(void *arg, const char *rel, struct hash128 h);
	void *arg;
};

static int
outputs_each_one(const MDB_val *val, void *ctx)
{
	struct outputs_ctx *oc = ctx;
	const unsigned char *v = val->mv_data;

	if (val->mv_size < HASH_KEY + 1 || v[val->mv_size - 1])
		return CACHE_EVALUE;
	return oc->fn(oc->arg, (const char *)v + HASH_KEY, hash_get(v));
}

int
cache_outputs_each(struct cache_txn *t, const char *outdir,
		   int (*fn)(void *arg, const char *rel, struct hash128 h),
		   void *arg)
{
	struct outputs_ctx oc = {fn, arg};

	return path_each(t, CACHE_DB_OUTPUTS, outdir, outputs_each_one, &oc);
}

int
cache_log_append(struct cache_txn *t, const void *p, size_t n, uint64_t *seqp)
{
	MDB_dbi meta = t->c->dbi[CACHE_DB_META];
	unsigned char k[8];
	MDB_val key, val = val_of(p, n);
	uint64_t seq;
	int rc;

	if (!t->write)
		return CACHE_EREADONLY;
	rc = meta_get_u64(t->txn, meta, "seq", &seq);
	if (rc)
		return rc == MDB_NOTFOUND ? CACHE_ECORRUPT : err_of(rc);
	put_be64(k, seq);
	key = val_of(k, sizeof(k));
	rc = mdb_put(t->txn, t->c->dbi[CACHE_DB_LOG], &key, &val, 0);
	if (!rc)
		rc = meta_put_u64(t->txn, meta, "seq", seq + 1);
	if (rc)
		return err_of(rc);
	t->next_seq = seq + 1;
	if (seqp)
		*seqp = seq;
	return 0;
}

int
cache_log_each(struct cache_txn *t, size_t max,
	       int (*fn)(void *arg, uint64_t seq, const void *p, size_t n),
	       void *arg)
{
	MDB_cursor *cur;
	MDB_val key, val;
	size_t done = 0;
	int rc;

	rc = mdb_cursor_open(t->txn, t->c->dbi[CACHE_DB_LOG], &cur);
	if (rc)
		return err_of(rc);
	for (rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
	     rc == 0 && (!max || done < max);
	     rc = mdb_cursor_get(cur, &key, &val, MDB_PREV), done++) {
		if (key.mv_size != 8) {
			rc = CACHE_EVALUE;
			goto out;
		}
		rc = fn(arg, get_be64(key.mv_data), val.mv_data, val.mv_size);
		if (rc)
			goto out;
	}
	rc = rc == MDB_NOTFOUND || rc == 0 ? 0 : err_of(rc);
out:
	mdb_cursor_close(cur);
	return rc;
}

/* ---- maintenance ---- */

static uint64_t
pages_of(const MDB_stat *s)
{
	return (uint64_t)s->ms_branch_pages + s->ms_leaf_pages +
	       s->ms_overflow_pages;
}

int
cache_stats(struct cache *c, struct cache_stats *st)
{
	struct cache_txn *t;
	MDB_envinfo info;
	MDB_stat ms;
	char *data;
	uint64_t pages;
	int i, rc;

	memset(st, 0, sizeof(*st));
	rc = cache_txn_begin(c, false, &t);
	if (rc)
		return rc;
	/* The main db holds the named dbs' roots; 2 meta pages lead. */
	rc = mdb_stat(t->txn, c->main_dbi, &ms);
	if (rc)
		goto err_abort;
	pages = 2 + pages_of(&ms);
	for (i = 0; i < CACHE_DB_COUNT; i++) {
		rc = mdb_stat(t->txn, c->dbi[i], &ms);
		if (rc)
			goto err_abort;
		st->db[i].entries = ms.ms_entries;
		st->db[i].bytes = pages_of(&ms) * ms.ms_psize;
		pages += pages_of(&ms);
	}
	st->live_bytes = pages * ms.ms_psize;
	rc = meta_get_u64(t->txn, c->dbi[CACHE_DB_META], "seq", &st->next_seq);
	if (rc)
		goto err_abort;
	mdb_env_info(c->env, &info);
	st->map_bytes = info.me_mapsize;
	cache_txn_abort(t);
	data = path_in(c, "data.mdb");
	st->file_bytes = file_size(data);
	free(data);
	return 0;

err_abort:
	cache_txn_abort(t);
	return err_of(rc);
}

/*
 * Copies a compacted snapshot next to the data file and renames it over
 * it, with the environment closed in between. Only when no other process
 * has the cache open: it would go on using the old file.
 */
static int
compact(struct cache *c, bool *done)
{
	char *tmp = path_in(c, "compact.tmp"), *tmpdata, *data;
	struct sbuf b;
	int rc;

	*done = false;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/data.mdb", tmp);
	tmpdata = b.p;
	data = path_in(c, "data.mdb");
	excl_begin(c);
	if (lock_set(c->lockfd, F_WRLCK, false) != 0) {
		rc = 0; /* in use elsewhere: the space is reused, not freed */
		goto out;
	}
	/* Leftovers of a gc that was killed. */
	unlink(tmpdata);
	rmdir(tmp);
	if (mkdir(tmp, 0755) != 0) {
		rc = err_of(errno);
		goto err_unlock;
	}
	rc = mdb_env_copy2(c->env, tmp, MDB_CP_COMPACT);
	if (rc) {
		rc = err_of(rc);
		goto err_rm_tmp;
	}
	mdb_env_close(c->env);
	c->env = NULL;
	if (rename(tmpdata, data) != 0)
		rc = err_of(errno);
	else
		*done = true;
	/* Reopen either way: the old file is intact if rename failed. */
	{
		int rc2 = env_setup(c);

		if (!rc)
			rc = rc2;
	}
err_rm_tmp:
	unlink(tmpdata);
	rmdir(tmp);
err_unlock:
	lock_set(c->lockfd, F_RDLCK, false);
out:
	excl_end(c);
	free(data);
	free(tmpdata);
	free(tmp);
	return rc;
}

static int
drop_old_log(struct cache_txn *t, void *arg)
{
	struct cache_gc_result *r = arg;
	MDB_cursor *cur;
	MDB_val key, val;
	MDB_stat ms;
	uint64_t extra;
	int rc;

	r->log_dropped = 0;
	rc = mdb_stat(t->txn, t->c->dbi[CACHE_DB_LOG], &ms);
	if (rc)
		return err_of(rc);
	if (ms.ms_entries <= CACHE_GC_LOG_KEEP)
		return 0;
	extra = ms.ms_entries - CACHE_GC_LOG_KEEP;
	rc = mdb_cursor_open(t->txn, t->c->dbi[CACHE_DB_LOG], &cur);
	if (rc)
		return err_of(rc);
	for (; extra; extra--) {
		rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
		if (!rc)
			rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
		r->log_dropped++;
	}
	mdb_cursor_close(cur);
	return err_of(rc);
}

struct victim {
	uint64_t stamp;
	uint64_t cost;
	uint8_t db;
	uint8_t klen;
	unsigned char key[32];
};

static int
victim_cmp(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;

	if (x->stamp != y->stamp)
		return x->stamp < y->stamp ? -1 : 1;
	if (x->db != y->db)
		return x->db < y->db ? -1 : 1;
	return memcmp(x->key, y->key, sizeof(x->key));
}

/*
 * Estimated bytes a record frees: a value too big for a leaf node goes to
 * its own overflow pages; small nodes share leaf pages, which are rarely
 * full, hence the factor.
 */
static uint64_t
record_cost(size_t klen, size_t vlen, unsigned psize)
{
	size_t node = 8 + klen + vlen;

	if (node > psize / 2 - 16)
		return ((vlen + 16 + psize - 1) / psize) * (uint64_t)psize + 8 +
		       klen + 8 + 2;
	return (node + 2) * 3 / 2;
}

static int
collect_victims(struct cache *c, struct victim **out, size_t *nout)
{
	static const enum cache_db dbs[] = {CACHE_DB_BLOBS, CACHE_DB_IR,
					    CACHE_DB_ACTIONS};
	struct victim *v = NULL;
	size_t n = 0, cap = 0, i;
	struct cache_txn *t;
	MDB_cursor *cur;
	MDB_val key, val;
	MDB_stat ms;
	int rc;

	*out = NULL;
	*nout = 0;
	rc = cache_txn_begin(c, false, &t);
	if (rc)
		return rc;
	rc = mdb_stat(t->txn, c->dbi[CACHE_DB_BLOBS], &ms);
	for (i = 0; i < ARRAY_LEN(dbs) && !rc; i++) {
		rc = mdb_cursor_open(t->txn, c->dbi[dbs[i]], &cur);
		if (rc)
			break;
		for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
		     rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
			if (key.mv_size > 32)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				v = xrealloc(v, cap * sizeof(*v));
			}
			memset(&v[n], 0, sizeof(v[n]));
			v[n].stamp = val.mv_size >= STAMP_SIZE
					 ? le_get(val.mv_data, 8)
					 : 0;
			v[n].cost =
			    record_cost(key.mv_size, val.mv_size, ms.ms_psize);
			v[n].db = (uint8_t)dbs[i];
			v[n].klen = (uint8_t)key.mv_size;
			memcpy(v[n].key, key.mv_data, key.mv_size);
			n++;
		}
		mdb_cursor_close(cur);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	cache_txn_abort(t);
	if (rc) {
		free(v);
		return err_of(rc);
	}
	qsort(v, n, sizeof(*v), victim_cmp);
	*out = v;
	*nout = n;
	return 0;
}

struct del_batch {
	const struct victim *v;
	size_t n;
};

static int
delete_batch(struct cache_txn *t, void *arg)
{
	const struct del_batch *b = arg;
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		MDB_val key = val_of(b->v[i].key, b->v[i].klen);

		rc = mdb_del(t->txn, t->c->dbi[b->v[i].db], &key, NULL);
		if (rc && rc != MDB_NOTFOUND)
			return err_of(rc);
	}
	return 0;
}

int
cache_gc(struct cache *c, uint64_t max_bytes, struct cache_gc_result *res)
{
	struct cache_gc_result r;
	struct cache_stats st;
	struct victim *v = NULL;
	char *data;
	size_t n = 0, k, i;
	int round, rc;

	memset(&r, 0, sizeof(r));
	data = path_in(c, "data.mdb");
	r.bytes_before = file_size(data);
	rc = cache_write(c, drop_old_log, &r);
	/*
	 * Dropping records frees pages only as leaves merge, so measure the
	 * pages in use after each round and go on while they do not fit.
	 */
	for (round = 0; !rc && round < 32; round++) {
		uint64_t need, freed = 0;

		rc = cache_stats(c, &st);
		if (rc || st.live_bytes <= max_bytes)
			break;
		rc = collect_victims(c, &v, &n);
		if (rc || n == 0) {
			free(v);
			break;
		}
		/* Aim a little below the limit to need fewer rounds. */
		need = st.live_bytes - max_bytes + max_bytes / 16;
		for (k = 0; k < n && freed < need; k++)
			freed += v[k].cost;
		for (i = 0; i < k && !rc; i += GC_BATCH) {
			struct del_batch b = {
			    v + i, k - i < GC_BATCH ? k - i : GC_BATCH};

			rc = cache_write(c, delete_batch, &b);
			if (!rc)
				r.entries_dropped += b.n;
		}
		free(v);
	}
	if (!rc)
		rc = compact(c, &r.compacted);
	r.bytes_after = file_size(data);
	free(data);
	if (res)
		*res = r;
	return rc;
}

static int
drop_all(struct cache_txn *t, void *arg)
{
	int i, rc;

	(void)arg;
	for (i = 0; i < CACHE_DB_COUNT; i++) {
		if (i == CACHE_DB_META)
			continue;
		rc = mdb_drop(t->txn, t->c->dbi[i], 0);
		if (rc)
			return err_of(rc);
	}
	return 0;
}

int
cache_clean(struct cache *c)
{
	bool compacted;
	int rc;

	/* Pending touches would only find nothing; drop them. */
	pthread_mutex_lock(&c->mu);
	free(c->touched.v);
	memset(&c->touched, 0, sizeof(c->touched));
	pthread_mutex_unlock(&c->mu);
	rc = cache_write(c, drop_all, NULL);
	if (rc)
		return rc;
	return compact(c, &compacted);
}
