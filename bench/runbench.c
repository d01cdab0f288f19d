/*
 * runbench.c - times one benchmark scenario precisely, and reads the
 * results back: the engine of `make bench`, `bench-quick` and
 * `bench-check` (bench/run-bench.sh).
 *
 *   runbench --scenario NAME [--files N] [--bytes B] [--runs R]
 *            [--warmup W] [--before CMD] [--json FILE] -- PROG ARG...
 *   runbench --table FILE [--markdown]
 *   runbench --compare BASELINE FILE [--tolerance PCT] [--floor-ms MS]
 *            [--rss-floor-kb KB]
 *
 * Measuring: W unrecorded warm-up runs, then R recorded ones. Before
 * each run (warm-up included) CMD runs through /bin/sh, untimed, with
 * BENCH_ITER set to the run's index (0, 1, ...) so an edit can differ
 * per run. Each run forks and execs PROG directly: the wall time is
 * CLOCK_MONOTONIC from just before fork to wait4's return, peak RSS is
 * wait4's ru_maxrss of that process alone, stdout goes to /dev/null and
 * stderr is captured to read the `--timings` table (rows "name ms
 * items"). A run that exits non-zero fails the scenario. One JSON object
 * per scenario, on one line, is appended to FILE:
 *   {"files": N, "bytes": B, "scenario": NAME, "runs": R, "min_ms": ..,
 *    "median_ms": .., "max_ms": .., "peak_rss_kb": .., "user_ms": ..,
 *    "sys_ms": .., "phases": {NAME: {"ms": .., "items": ..}, ...}}
 * user_ms, sys_ms (CPU time from wait4) and phase values are medians
 * over the recorded runs; peak_rss_kb is the largest of them.
 *
 * Comparing: every (files, scenario) present in both files is checked;
 * a regression is a median_ms above baseline * (1 + PCT/100) AND more
 * than MS above it (default 25% and 25 ms), or a peak_rss_kb above
 * baseline * (1 + PCT/100) and more than KB above it (default 25%,
 * 8192 KB). Exit status 1 on any regression, 0 otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS   1000
#define MAX_PHASES 16

struct phase {
	char name[32];
	double ms[MAX_RUNS];
	double items[MAX_RUNS];
	int n;
	int is_mb;       /* the "total" row counts megabytes */
};

struct run {
	double ms;
	double user_ms, sys_ms;
	long rss_kb;
};

static struct phase phases[MAX_PHASES];
static int nphases;

static void
die(const char *msg)
{
	fprintf(stderr, "runbench: %s: %s\n", msg, strerror(errno));
	exit(3);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static struct phase *
phase_get(const char *name)
{
	int i;

	for (i = 0; i < nphases; i++)
		if (strcmp(phases[i].name, name) == 0)
			return &phases[i];
	if (nphases == MAX_PHASES)
		return NULL;
	snprintf(phases[nphases].name, sizeof(phases[0].name), "%s", name);
	return &phases[nphases++];
}

/* Reads the --timings table out of captured stderr: a header line
 * "phase ms items", then "name ms items" rows. Other lines (warnings,
 * the summary) are skipped. */
static void
parse_timings(const char *err)
{
	const char *line = err;
	int in_table = 0;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[256], name[32], unit[8];
		double ms, items;
		int k;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		if (strncmp(buf, "phase ", 6) == 0 && strstr(buf, " ms")) {
			in_table = 1;
		} else if (in_table) {
			unit[0] = 0;
			k = sscanf(buf, "%31s %lf %lf %7s", name, &ms, &items,
				   unit);
			if (k >= 3) {
				struct phase *ph = phase_get(name);

				if (ph && ph->n < MAX_RUNS) {
					ph->ms[ph->n] = ms;
					ph->items[ph->n] = items;
					ph->is_mb = strcmp(unit, "MB") == 0;
					ph->n++;
				}
			} else {
				in_table = 0;
			}
		}
		line += eol ? (size_t)(eol - line) + 1 : len;
	}
}

/* Runs argv once; returns 0 and fills *r, or the failing exit status
 * after printing the tail of its stderr. */
static int
run_once(char **argv, struct run *r, int record)
{
	int fds[2], status, devnull;
	struct rusage ru;
	size_t cap = 1 << 16, len = 0;
	char *err = malloc(cap);
	double t0, t1;
	ssize_t got;
	pid_t pid;

	if (!err)
		die("malloc");
	if (pipe(fds) != 0)
		die("pipe");
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		if (devnull < 0 || dup2(devnull, 1) < 0 || dup2(fds[1], 2) < 0)
			_exit(127);
		close(fds[0]);
		close(fds[1]);
		close(devnull);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		if (len + 4096 > cap) {
			cap *= 2;
			if (!(err = realloc(err, cap)))
				die("realloc");
		}
		got = read(fds[0], err + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fds[0]);
	err[len] = 0;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	t1 = now_ms();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *tail = len > 2000 ? err + len - 2000 : err;

		if (WIFSIGNALED(status))
			fprintf(stderr, "runbench: %s killed by signal %d:\n%s\n",
				argv[0], WTERMSIG(status), tail);
		else
			fprintf(stderr, "runbench: %s exited with status %d:\n"
				"%s\n", argv[0], WEXITSTATUS(status), tail);
		free(err);
		return 1;
	}
	r->ms = t1 - t0;
	r->user_ms = (double)ru.ru_utime.tv_sec * 1e3 +
		     (double)ru.ru_utime.tv_usec / 1e3;
	r->sys_ms = (double)ru.ru_stime.tv_sec * 1e3 +
		    (double)ru.ru_stime.tv_usec / 1e3;
	r->rss_kb = ru.ru_maxrss;
	if (record)
		parse_timings(err);
	free(err);
	return 0;
}

static int
measure(int argc, char **argv)
{
	const char *scenario = NULL, *before = NULL, *json = NULL;
	long files = 0, bytes = 0, rss = 0;
	int runs = 5, warmup = 1, a, i;
	double ms[MAX_RUNS], user[MAX_RUNS], sys[MAX_RUNS];
	struct run r;
	FILE *f;

	for (a = 1; a < argc && strcmp(argv[a], "--") != 0; a++) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (!v)
			goto usage;
		if (strcmp(argv[a], "--scenario") == 0)
			scenario = v;
		else if (strcmp(argv[a], "--files") == 0)
			files = atol(v);
		else if (strcmp(argv[a], "--bytes") == 0)
			bytes = atol(v);
		else if (strcmp(argv[a], "--runs") == 0)
			runs = atoi(v);
		else if (strcmp(argv[a], "--warmup") == 0)
			warmup = atoi(v);
		else if (strcmp(argv[a], "--before") == 0)
			before = v;
		else if (strcmp(argv[a], "--json") == 0)
			json = v;
		else
			goto usage;
		a++;
	}
	if (!scenario || a + 1 >= argc || runs < 1 || runs > MAX_RUNS ||
	    warmup < 0)
		goto usage;
	argv += a + 1;
	for (i = 0; i < warmup + runs; i++) {
		if (before) {
			char iter[16];
			int st;

			snprintf(iter, sizeof(iter), "%d", i);
			setenv("BENCH_ITER", iter, 1);
			st = system(before);
			if (st != 0) {
				fprintf(stderr, "runbench: %s: before-command "
					"failed (%d): %s\n", scenario, st,
					before);
				return 1;
			}
		}
		if (run_once(argv, &r, i >= warmup) != 0)
			return 1;
		if (i >= warmup) {
			ms[i - warmup] = r.ms;
			user[i - warmup] = r.user_ms;
			sys[i - warmup] = r.sys_ms;
			if (r.rss_kb > rss)
				rss = r.rss_kb;
		}
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmp_double);
	printf("%7ld %-15s %10.1f %10.1f %10.1f %10.1f MB\n", files, scenario,
	       ms[0], median(ms, runs), ms[runs - 1], (double)rss / 1024.0);
	fflush(stdout);
	if (!json)
		return 0;
	if (!(f = fopen(json, "a")))
		die(json);
	fprintf(f, "{\"files\": %ld, \"bytes\": %ld, \"scenario\": \"%s\", "
		"\"runs\": %d, \"min_ms\": %.1f, \"median_ms\": %.1f, "
		"\"max_ms\": %.1f, \"peak_rss_kb\": %ld, \"user_ms\": %.1f, "
		"\"sys_ms\": %.1f, \"phases\": {",
		files, bytes, scenario, runs, ms[0], median(ms, runs),
		ms[runs - 1], rss, median(user, runs), median(sys, runs));
	for (i = 0; i < nphases; i++) {
		struct phase *ph = &phases[i];

		fprintf(f, "%s\"%s\": {\"ms\": %.2f, \"%s\": %.*f}",
			i ? ", " : "", ph->name, median(ph->ms, ph->n),
			ph->is_mb ? "mb" : "items", ph->is_mb ? 1 : 0,
			median(ph->items, ph->n));
	}
	fprintf(f, "}}\n");
	if (fclose(f) != 0)
		die(json);
	return 0;
usage:
	fprintf(stderr, "usage: runbench --scenario NAME [--files N] "
		"[--bytes B] [--runs R] [--warmup W] [--before CMD] "
		"[--json FILE] -- PROG ARG...\n");
	return 2;
}

/* ---- reading results back ---- */

struct result {
	long files;
	char scenario[32];
	double min_ms, median_ms, max_ms, rss_kb;
	char line[2048];
};

/* The number after "key": in line, or -1. */
static double
jnum(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	if (!(p = strstr(line, pat)))
		return -1;
	return strtod(p + strlen(pat), NULL);
}

/* A phase's ms in a result line, or -1 when the run had no such row. */
static double
jphase(const char *line, const char *name)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": {\"ms\": ", name);
	if (!(p = strstr(line, pat)))
		return -1;
	return strtod(p + strlen(pat), NULL);
}

static int
load(const char *path, struct result **out)
{
	char line[2048];
	struct result *v = NULL;
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f)) {
		const char *s = strstr(line, "\"scenario\": \"");
		struct result *r;
		size_t k;

		if (!s)
			continue;
		if (!(v = realloc(v, (size_t)(n + 1) * sizeof(*v))))
			die("realloc");
		r = &v[n++];
		s += strlen("\"scenario\": \"");
		for (k = 0; s[k] && s[k] != '"' && k + 1 < sizeof(r->scenario); k++)
			r->scenario[k] = s[k];
		r->scenario[k] = 0;
		r->files = (long)jnum(line, "files");
		r->min_ms = jnum(line, "min_ms");
		r->median_ms = jnum(line, "median_ms");
		r->max_ms = jnum(line, "max_ms");
		r->rss_kb = jnum(line, "peak_rss_kb");
		snprintf(r->line, sizeof(r->line), "%s", line);
	}
	fclose(f);
	*out = v;
	return n;
}

static void
cell(double v)
{
	if (v < 0)
		printf(" %9s", "-");
	else
		printf(" %9.1f", v);
}

static int
table(const char *path, int markdown)
{
	static const char *cols[] = { "read", "split", "parse+check",
				      "project", "generate", "write" };
	struct result *v;
	int n = load(path, &v), i, k;

	if (markdown) {
		printf("| files | scenario | min ms | median ms | max ms | "
		       "peak RSS MB |");
		for (k = 0; k < 6; k++)
			printf(" %s |", cols[k]);
		printf("\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
		       "---:|---:|\n");
	} else {
		printf("%7s %-15s %9s %9s %9s %9s", "files", "scenario",
		       "min_ms", "median_ms", "max_ms", "rss_MB");
		for (k = 0; k < 6; k++)
			printf(" %9s", cols[k]);
		printf("\n");
	}
	for (i = 0; i < n; i++) {
		struct result *r = &v[i];

		if (markdown) {
			printf("| %ld | %s | %.1f | %.1f | %.1f | %.0f |",
			       r->files, r->scenario, r->min_ms, r->median_ms,
			       r->max_ms, r->rss_kb / 1024.0);
			for (k = 0; k < 6; k++) {
				double p = jphase(r->line, cols[k]);

				if (p < 0)
					printf(" - |");
				else
					printf(" %.1f |", p);
			}
			printf("\n");
			continue;
		}
		printf("%7ld %-15s", r->files, r->scenario);
		cell(r->min_ms);
		cell(r->median_ms);
		cell(r->max_ms);
		cell(r->rss_kb / 1024.0);
		for (k = 0; k < 6; k++)
			cell(jphase(r->line, cols[k]));
		printf("\n");
	}
	free(v);
	return 0;
}

static int
compare(const char *base_path, const char *new_path, double tol,
	double floor_ms, double rss_floor_kb)
{
	struct result *b, *c;
	int nb = load(base_path, &b), nc = load(new_path, &c);
	int i, k, bad = 0, compared = 0;

	printf("%7s %-15s %12s %12s %8s %10s %10s  %s\n", "files", "scenario",
	       "base_median", "median", "change", "base_rss", "rss", "verdict");
	for (i = 0; i < nc; i++) {
		for (k = 0; k < nb; k++)
			if (b[k].files == c[i].files &&
			    strcmp(b[k].scenario, c[i].scenario) == 0)
				break;
		if (k == nb)
			continue;
		{
			double bm = b[k].median_ms, cm = c[i].median_ms;
			double br = b[k].rss_kb, cr = c[i].rss_kb;
			int slow = cm > bm * (1 + tol / 100) &&
				   cm - bm > floor_ms;
			int fat = cr > br * (1 + tol / 100) &&
				  cr - br > rss_floor_kb;

			compared++;
			bad += slow || fat;
			printf("%7ld %-15s %12.1f %12.1f %+7.0f%% %8.0fMB "
			       "%8.0fMB  %s\n", c[i].files, c[i].scenario, bm,
			       cm, bm > 0 ? (cm - bm) * 100 / bm : 0,
			       br / 1024, cr / 1024,
			       slow && fat ? "SLOWER, MORE MEMORY" :
			       slow ? "SLOWER" : fat ? "MORE MEMORY" : "ok");
		}
	}
	free(b);
	free(c);
	if (!compared) {
		fprintf(stderr, "runbench: no scenario of %s is in %s\n",
			new_path, base_path);
		return 1;
	}
	printf("tolerance: median +%.0f%% and +%.0f ms; peak RSS +%.0f%% and "
	       "+%.0f KB\n", tol, floor_ms, tol, rss_floor_kb);
	if (bad)
		printf("%d regression%s against %s\n", bad, bad == 1 ? "" : "s",
		       base_path);
	else
		printf("no regression against %s (%d scenarios)\n", base_path,
		       compared);
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	double tol = 25, floor_ms = 25, rss_floor_kb = 8192;
	int a;

	if (argc >= 3 && strcmp(argv[1], "--table") == 0)
		return table(argv[2], argc > 3 &&
			     strcmp(argv[3], "--markdown") == 0);
	if (argc >= 4 && strcmp(argv[1], "--compare") == 0) {
		for (a = 4; a + 1 < argc; a += 2) {
			if (strcmp(argv[a], "--tolerance") == 0)
				tol = atof(argv[a + 1]);
			else if (strcmp(argv[a], "--floor-ms") == 0)
				floor_ms = atof(argv[a + 1]);
			else if (strcmp(argv[a], "--rss-floor-kb") == 0)
				rss_floor_kb = atof(argv[a + 1]);
			else
				break;
		}
		if (a != argc) {
			fprintf(stderr, "usage: runbench --compare BASELINE "
				"FILE [--tolerance PCT] [--floor-ms MS] "
				"[--rss-floor-kb KB]\n");
			return 2;
		}
		return compare(argv[2], argv[3], tol, floor_ms, rss_floor_kb);
	}
	return measure(argc, argv);
}
