/*
 * cachecmd.c - the driver's side of the cache: where it lives, opening it
 * without ever failing a build because of it, the build log, and the
 * commands that look after it (stats, cache stats|gc|clean, clean).
 *
 * A cache problem is never a build error: a cache that cannot be opened
 * gives a warning and the build runs without it; a corrupt one is
 * recreated by cache/ and the build is a full one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../cache/cache.h"
#include "driver.h"

char *
drv_cache_dir(const char *opt)
{
	char *d = NULL;

	if (opt && *opt)
		return xstrdup(opt);
	if (cache_default_dir(&d) != 0)
		return NULL;
	return d;
}

struct cache *
drv_cache_open(const char *dir)
{
	struct cache *c = NULL;
	int rc;

	if (!dir) {
		fprintf(stderr, "locusc: warning: no cache directory (set "
			"--cache-dir, LOCUS_CACHE_DIR or HOME); building "
			"without a cache\n");
		return NULL;
	}
	{
		/* LOCUS_CACHE_MAP_SIZE: the initial map size in bytes (the
		 * map grows as needed; tests start it tiny to make a build
		 * grow it). */
		struct cache_opts co = { 0 };
		const char *v = getenv("LOCUS_CACHE_MAP_SIZE");

		if (v && *v)
			co.map_size = (size_t)strtoull(v, NULL, 10);
		rc = cache_open(dir, &co, &c);
	}
	if (rc != 0) {
		fprintf(stderr, "locusc: warning: cannot open the cache in "
			"'%s': %s; building without it\n", dir,
			cache_strerror(rc));
		return NULL;
	}
	rc = cache_recovered(c);
	if (rc != 0)
		fprintf(stderr, "locusc: warning: the cache in '%s' was %s and "
			"has been emptied; this build starts from scratch\n",
			dir, rc == CACHE_EVERSION
				     ? "made by another version of locusc"
				     : "unreadable");
	return c;
}

/* ---- the build log ---- */

struct log_arg {
	const struct sbuf *rec;
};

static int
append(struct cache_txn *t, void *arg)
{
	const struct log_arg *a = arg;

	return cache_log_append(t, a->rec->p, a->rec->len, NULL);
}

void
drv_log_record(struct sbuf *r, const char *cmd, const struct drv_project *p,
	       const struct drv_build_stats *bs, int exit_code,
	       uint64_t total_ns)
{
	int i;

	/* One JSON object per build: readable with any tool, and new fields
	 * can be added without a format change. */
	sbuf_printf(r, "{\"v\":1,\"cmd\":\"%s\",\"time\":%lld,\"exit\":%d,"
			"\"files\":%zu,\"units\":%zu,\"bytes\":%llu,"
			"\"errors\":%zu,\"warnings\":%zu,\"total_ms\":%.3f",
		    cmd, (long long)time(NULL), exit_code, p->nfiles,
		    p->nunits, (unsigned long long)p->bytes, p->errors,
		    p->warnings, (double)total_ns / 1e6);
	if (bs)
		sbuf_printf(r, ",\"outputs\":%zu,\"written\":%zu,"
				"\"unchanged\":%zu,\"removed\":%zu",
			    bs->outputs, bs->written, bs->unchanged,
			    bs->removed);
	if (bs && bs->incremental)
		sbuf_printf(r, ",\"hits\":%zu,\"misses\":%zu", bs->hits,
			    bs->misses);
	sbuf_adds(r, ",\"phases\":{");
	for (i = 0; i < PH_COUNT; i++)
		sbuf_printf(r, "%s\"%s\":%.3f", i ? "," : "",
			    p->phases[i].name ? p->phases[i].name : "?",
			    (double)p->phases[i].ns / 1e6);
	if (bs && bs->incremental)
		sbuf_printf(r, ",\"model\":%.3f,\"plan\":%.3f",
			    (double)bs->ns_model / 1e6,
			    (double)bs->ns_plan / 1e6);
	if (bs)
		sbuf_printf(r, ",\"generate\":%.3f,\"write\":%.3f",
			    (double)bs->ns_generate / 1e6,
			    (double)bs->ns_write / 1e6);
	if (bs && bs->incremental)
		sbuf_printf(r, ",\"commit\":%.3f",
			    (double)bs->ns_commit / 1e6);
	sbuf_adds(r, "}}");
}

void
drv_log_build(struct cache *c, const char *cmd, const struct drv_project *p,
	      const struct drv_build_stats *bs, int exit_code,
	      uint64_t total_ns)
{
	struct sbuf r;
	struct log_arg a;
	int rc;

	if (!c)
		return;
	sbuf_init(&r);
	drv_log_record(&r, cmd, p, bs, exit_code, total_ns);
	a.rec = &r;
	rc = cache_write(c, append, &a);
	if (rc != 0)
		fprintf(stderr, "locusc: warning: cannot record the build in "
			"the cache log: %s\n", cache_strerror(rc));
	sbuf_free(&r);
}

/* ---- locusc stats ---- */

/* The number after "key": in a flat JSON record, or -1. */
static double
field(const char *rec, size_t n, const char *key)
{
	char pat[64];
	const char *p;
	char *tmp = xstrndup(rec, n);
	double v = -1;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(tmp, pat);
	if (p)
		v = strtod(p + strlen(pat), NULL);
	free(tmp);
	return v;
}

static bool
is_cmd(const char *rec, size_t n, const char *cmd)
{
	char pat[64];
	char *tmp = xstrndup(rec, n);
	bool r;

	snprintf(pat, sizeof(pat), "\"cmd\":\"%s\"", cmd);
	r = strstr(tmp, pat) != NULL;
	free(tmp);
	return r;
}

struct stats_arg {
	bool json;
	size_t shown;
	double sum_ms;
};

static int
print_record(void *arg, uint64_t seq, const void *p, size_t n)
{
	struct stats_arg *a = arg;
	const char *rec = p;
	time_t when = (time_t)field(rec, n, "time");
	char date[32] = "?";
	struct tm tm;

	if (a->json) {
		printf("%s{\"seq\":%llu,\"record\":%.*s}", a->shown ? "," : "",
		       (unsigned long long)seq, (int)n, rec);
		a->shown++;
		return 0;
	}
	if (when > 0 && localtime_r(&when, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%6llu  %s  %-5s %4d %9.1f %7.0f %7.0f %8.0f %7.0f %6.0f\n",
	       (unsigned long long)seq, date,
	       is_cmd(rec, n, "build") ? "build" : "check",
	       (int)field(rec, n, "exit"), field(rec, n, "total_ms"),
	       field(rec, n, "files"), field(rec, n, "outputs") < 0
					       ? 0 : field(rec, n, "outputs"),
	       field(rec, n, "written") < 0 ? 0 : field(rec, n, "written"),
	       field(rec, n, "removed") < 0 ? 0 : field(rec, n, "removed"),
	       field(rec, n, "errors"));
	a->shown++;
	a->sum_ms += field(rec, n, "total_ms");
	return 0;
}

int
drv_stats(const char *cache_dir_opt, size_t max, bool json)
{
	char *dir = drv_cache_dir(cache_dir_opt);
	struct cache *c;
	struct cache_txn *t;
	struct stats_arg a = { json, 0, 0 };
	int rc;

	if (!dir) {
		fprintf(stderr, "locusc: error: no cache directory (set "
			"--cache-dir, LOCUS_CACHE_DIR or HOME)\n");
		return DRV_EXIT_USAGE;
	}
	if (access(dir, F_OK) != 0) {
		if (json)
			printf("{\"builds\":[]}\n");
		else
			printf("no builds recorded yet (cache: %s)\n", dir);
		free(dir);
		return DRV_EXIT_OK;
	}
	c = drv_cache_open(dir);
	if (!c) {
		free(dir);
		return DRV_EXIT_IO;
	}
	rc = cache_txn_begin(c, false, &t);
	if (rc == 0) {
		if (json)
			printf("{\"cache\":\"%s\",\"builds\":[", dir);
		else
			printf("recent builds (newest first), cache %s\n"
			       "%6s  %-19s  %-5s %4s %9s %7s %7s %8s %7s %6s\n",
			       dir, "#", "when", "cmd", "exit", "ms", "files",
			       "outputs", "written", "removed", "errors");
		rc = cache_log_each(t, max, print_record, &a);
		cache_txn_abort(t);
		if (json)
			printf("]}\n");
		else if (a.shown)
			printf("%zu build%s, mean %.1f ms\n", a.shown,
			       a.shown == 1 ? "" : "s", a.sum_ms / (double)a.shown);
		else
			printf("no builds recorded yet\n");
	}
	cache_close(c);
	free(dir);
	if (rc != 0) {
		fprintf(stderr, "locusc: error: cannot read the build log: %s\n",
			cache_strerror(rc));
		return DRV_EXIT_IO;
	}
	return DRV_EXIT_OK;
}

/* ---- locusc cache stats|gc|clean ---- */

static void
human(char *buf, size_t n, uint64_t bytes)
{
	if (bytes >= (uint64_t)1 << 30)
		snprintf(buf, n, "%.1f GiB", (double)bytes / (1 << 30));
	else if (bytes >= 1 << 20)
		snprintf(buf, n, "%.1f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 1 << 10)
		snprintf(buf, n, "%.1f KiB", (double)bytes / (1 << 10));
	else
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
}

int
drv_parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v = strtod(s, &end);
	uint64_t mul = 1;

	if (end == s || v < 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024ull * 1024 * 1024, end++;
	if (*end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	*out = (uint64_t)(v * (double)mul);
	return 0;
}

/* The spare files in the cache directory dir: how many, their bytes. */
static void
spares_count(const char *dir, uint64_t *n, uint64_t *bytes)
{
	char *sd = drv_join(dir, DRV_SPARE_DIR);
	DIR *d = opendir(sd);
	struct dirent *e;
	struct stat st;

	*n = *bytes = 0;
	while (d && (e = readdir(d)) != NULL)
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
			    0 &&
		    S_ISREG(st.st_mode)) {
			(*n)++;
			*bytes += (uint64_t)st.st_blocks * 512;
		}
	if (d)
		closedir(d);
	free(sd);
}

/* Removes the spare files (gc, clean): scratch, made again as needed. */
static void
spares_remove(const char *dir)
{
	char *sd = drv_join(dir, DRV_SPARE_DIR);

	(void)drv_remove_tree(sd);
	free(sd);
}

int
drv_cache_cmd(const char *what, const char *cache_dir_opt, uint64_t max_size)
{
	char *dir = drv_cache_dir(cache_dir_opt);
	struct cache *c;
	int rc = 0;
	char a[32], b[32];

	if (!dir) {
		fprintf(stderr, "locusc: error: no cache directory (set "
			"--cache-dir, LOCUS_CACHE_DIR or HOME)\n");
		return DRV_EXIT_USAGE;
	}
	c = drv_cache_open(dir);
	if (!c) {
		free(dir);
		return DRV_EXIT_IO;
	}
	if (strcmp(what, "stats") == 0) {
		struct cache_stats st;
		uint64_t nsp, spb;
		int i;

		rc = cache_stats(c, &st);
		if (rc == 0) {
			human(a, sizeof(a), st.file_bytes);
			human(b, sizeof(b), st.live_bytes);
			printf("cache %s\n  file %s, in use %s, builds recorded "
			       "%llu\n", dir, a, b,
			       (unsigned long long)(st.next_seq ? st.next_seq - 1
								: 0));
			for (i = 0; i < CACHE_DB_COUNT; i++) {
				human(a, sizeof(a), st.db[i].bytes);
				printf("  %-8s %10llu entries %12s\n",
				       cache_db_name((enum cache_db)i),
				       (unsigned long long)st.db[i].entries, a);
			}
			spares_count(dir, &nsp, &spb);
			human(a, sizeof(a), spb);
			printf("  %-8s %10llu files   %12s (big outputs' "
			       "scratch files)\n", DRV_SPARE_DIR,
			       (unsigned long long)nsp, a);
		}
	} else if (strcmp(what, "gc") == 0) {
		struct cache_gc_result res;

		rc = cache_gc(c, max_size, &res);
		if (rc == 0) {
			spares_remove(dir);
			human(a, sizeof(a), res.bytes_before);
			human(b, sizeof(b), res.bytes_after);
			printf("cache gc: %s -> %s, %llu entries and %llu log "
			       "records dropped%s\n", a, b,
			       (unsigned long long)res.entries_dropped,
			       (unsigned long long)res.log_dropped,
			       res.compacted ? ""
					     : " (not compacted: another "
					       "locusc has the cache open)");
		}
	} else {
		rc = cache_clean(c);
		if (rc == 0) {
			spares_remove(dir);
			printf("cache %s emptied\n", dir);
		}
	}
	cache_close(c);
	free(dir);
	if (rc != 0) {
		fprintf(stderr, "locusc: error: cache %s failed: %s\n", what,
			cache_strerror(rc));
		return DRV_EXIT_IO;
	}
	return DRV_EXIT_OK;
}
