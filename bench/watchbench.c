/*
 * watchbench.c - save-to-output latency and memory of `locusc watch`.
 *
 *   watchbench --locusc L --src W --out O [--cache-dir C] [--edits N]
 *              [--debounce MS] [--jobs J] [--series FILE]
 *
 * Starts `L watch` on the project W (a gencorpus project), waits for its
 * first build, then N times: saves one page file the way editors do
 * (write FILE.tmp~, rename it over FILE) with a new <Text> line, and
 * waits for watch's next "[watch] ..." line, which it prints after the
 * outputs are renamed into place. The latency of a save is from just
 * before the temporary file is written to the moment that line is read.
 * Pages are edited in turn, so every save changes a different file.
 *
 * Watch runs with --timings, which prints after each rebuild the bytes
 * its allocator has in use ("[watch]   heap N MB in use"): the heap that
 * watch keeps, free memory not counted. watchbench keeps that figure
 * after the 100th save and after the last, and its least and largest
 * from the 10th on.
 *
 * It reads the resident set of the watch process (VmRSS, and its heap
 * part RssAnon) right after each save's line, and keeps the 10th, the
 * last and the largest. Those reads can fall while watch still frees the
 * build's memory, so every REST_EVERY saves it also waits REST_MS, with
 * watch idle, and reads RssAnon again: the heap at rest. From the rests
 * after the first 100 saves it fits a straight line (least squares) and
 * prints its slope in MB per 1,000 saves, the measure of "flat". Then it
 * sends SIGTERM and expects exit status 0. With --series, it also writes
 * one line per save to FILE, in save order: the latency (ms), watch's
 * own build time (ms) and the heap at rest (kB) where one was read,
 * else "-". Prints one summary line and exits 0, or 1 when
 * watch failed, printed an error, or took longer than 60 s for a save.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

enum { REST_EVERY = 50, REST_MS = 50 };

/* Least-squares slope of y over x, for n points. */
static double
slope(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0;

	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
	}
	return sxx > 0 ? sxy / sxx : 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The page files of a gencorpus project: W/pages/NNN/pageK.locus. */
static char **
page_files(const char *src, size_t *n)
{
	char **v = NULL, path[4096];
	size_t cap = 0;
	DIR *top, *d;
	struct dirent *e, *f;

	*n = 0;
	snprintf(path, sizeof(path), "%s/pages", src);
	if (!(top = opendir(path)))
		return NULL;
	while ((e = readdir(top)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/pages/%s", src, e->d_name);
		if (!(d = opendir(path)))
			continue;
		while ((f = readdir(d)) != NULL) {
			size_t l = strlen(f->d_name);

			if (l < 6 || strcmp(f->d_name + l - 6, ".locus") != 0)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 256;
				v = realloc(v, cap * sizeof(*v));
			}
			snprintf(path, sizeof(path), "%s/pages/%s/%s", src,
				 e->d_name, f->d_name);
			v[(*n)++] = strdup(path);
		}
		closedir(d);
	}
	closedir(top);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

/* An editor's save: the whole file to FILE.tmp~, renamed over FILE. */
static int
save_edit(const char *path, unsigned k)
{
	char tmp[4200];
	size_t len;
	char *text = slurp(path, &len), *a, *b;
	FILE *f;

	if (!text)
		return -1;
	a = strstr(text, "<Text>");
	b = a ? strstr(a, "</Text>") : NULL;
	if (!b) {
		free(text);
		return -1;
	}
	a += strlen("<Text>");
	snprintf(tmp, sizeof(tmp), "%s.tmp~", path);
	if (!(f = fopen(tmp, "wb"))) {
		free(text);
		return -1;
	}
	fwrite(text, 1, (size_t)(a - text), f);
	fprintf(f, "Page saved %u", k);
	fwrite(b, 1, len - (size_t)(b - text), f);
	free(text);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

struct lines {
	int fd;
	char buf[65536];
	size_t len;
	double heap;  /* MB in use, from the last "[watch]   heap" line */
};

/* The next line of watch's stderr, or NULL at end or after timeout_ms. */
static char *
next_line(struct lines *l, int timeout_ms)
{
	static char line[65536];
	double end = now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(l->buf, '\n', l->len);
		struct pollfd p = { l->fd, POLLIN, 0 };
		ssize_t r;
		int left = (int)(end - now_ms());

		if (nl) {
			size_t k = (size_t)(nl - l->buf);

			memcpy(line, l->buf, k);
			line[k] = 0;
			memmove(l->buf, nl + 1, l->len - k - 1);
			l->len -= k + 1;
			return line;
		}
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return NULL;
		r = read(l->fd, l->buf + l->len, sizeof(l->buf) - l->len - 1);
		if (r <= 0)
			return NULL;
		l->len += (size_t)r;
	}
}

/* VmRSS, or with anon the RssAnon part (the heap, without the pages
 * of the cache's memory map, which count as file pages). */
static long
rss_kb(pid_t pid, bool anon)
{
	char path[64], row[256];
	FILE *f;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(row, sizeof(row), f))
		if (!anon && strncmp(row, "VmRSS:", 6) == 0)
			kb = atol(row + 6);
		else if (anon && strncmp(row, "RssAnon:", 8) == 0)
			kb = atol(row + 8);
	fclose(f);
	return kb;
}

/* Whether s is watch's "[watch]   heap N MB in use, ..." line; N in *mb. */
static bool
heap_line(const char *s, double *mb)
{
	if (strncmp(s, "[watch]   heap ", 15) != 0)
		return false;
	*mb = strtod(s + 15, NULL);
	return true;
}

/* A rebuild line: "[watch] WHAT: rebuilt in N ms, ..." (or its error
 * forms, which fail the run); *ms is watch's own N. */
static int
wait_build(struct lines *l, double *ms, const char **why)
{
	char *s, *in;

	while ((s = next_line(l, 60000)) != NULL) {
		if (strncmp(s, "[watch] ", 8) != 0)
			continue;
		if (heap_line(s, &l->heap))
			continue;
		if (strstr(s, " ms, ") && ((in = strstr(s, "rebuilt in ")) ||
					  (in = strstr(s, "built in ")))) {
			*ms = strtod(strstr(in, "in ") + 3, NULL);
			return 0;
		}
		if (strstr(s, "error") || strstr(s, "failed")) {
			fprintf(stderr, "watchbench: %s\n", s);
			*why = "watch reported an error";
			return -1;
		}
	}
	*why = "no rebuild line within 60 s";
	return -1;
}

int
main(int argc, char **argv)
{
	const char *locusc = NULL, *src = NULL, *out = NULL, *cache = NULL;
	const char *debounce = NULL, *jobs = NULL, *why = NULL;
	const char *series = NULL;
	unsigned edits = 200, k;
	char **pages;
	size_t npages;
	int pfd[2], i, status = 0, rc = 0;
	pid_t pid;
	struct lines l;
	double *lat, *own, *restx, *resty, t0, first;
	long *rest;
	double *inuse, in_lo = 1e300, in_hi = 0;
	size_t nrest = 0;
	long rss10 = -1, rss_end = -1, rss_max = -1;
	long anon10 = -1, anon_end = -1, anon_max = -1;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--locusc") == 0)
			locusc = argv[i + 1];
		else if (strcmp(argv[i], "--src") == 0)
			src = argv[i + 1];
		else if (strcmp(argv[i], "--out") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "--cache-dir") == 0)
			cache = argv[i + 1];
		else if (strcmp(argv[i], "--edits") == 0)
			edits = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--debounce") == 0)
			debounce = argv[i + 1];
		else if (strcmp(argv[i], "--jobs") == 0)
			jobs = argv[i + 1];
		else if (strcmp(argv[i], "--series") == 0)
			series = argv[i + 1];
		else
			break;
	}
	if (i != argc || !locusc || !src || !out || edits < 1) {
		fprintf(stderr, "usage: watchbench --locusc L --src W --out O "
			"[--cache-dir C] [--edits N] [--debounce MS] "
			"[--jobs J] [--series FILE]\n");
		return 2;
	}
	pages = page_files(src, &npages);
	if (!npages) {
		fprintf(stderr, "watchbench: no page files under %s/pages\n",
			src);
		return 1;
	}
	if (pipe(pfd) != 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		char *av[16];
		int n = 0;

		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		av[n++] = (char *)locusc;
		av[n++] = "watch";
		av[n++] = "--timings";
		av[n++] = "--src";
		av[n++] = (char *)src;
		av[n++] = "--out";
		av[n++] = (char *)out;
		if (cache) {
			av[n++] = "--cache-dir";
			av[n++] = (char *)cache;
		}
		if (debounce) {
			av[n++] = "--debounce";
			av[n++] = (char *)debounce;
		}
		if (jobs) {
			av[n++] = "-j";
			av[n++] = (char *)jobs;
		}
		av[n] = NULL;
		execv(locusc, av);
		_exit(127);
	}
	close(pfd[1]);
	l.fd = pfd[0];
	l.len = 0;
	l.heap = -1;
	if (wait_build(&l, &first, &why) != 0) {
		fprintf(stderr, "watchbench: the first build: %s\n", why);
		kill(pid, SIGKILL);
		return 1;
	}
	lat = calloc(edits, sizeof(*lat));
	own = calloc(edits, sizeof(*own));
	rest = calloc(edits, sizeof(*rest));
	inuse = calloc(edits, sizeof(*inuse));
	restx = calloc(edits, sizeof(*restx));
	resty = calloc(edits, sizeof(*resty));
	for (k = 0; k < edits; k++) {
		long r;

		t0 = now_ms();
		if (save_edit(pages[k % npages], k) != 0) {
			fprintf(stderr, "watchbench: cannot edit %s\n",
				pages[k % npages]);
			rc = 1;
			break;
		}
		if (wait_build(&l, &own[k], &why) != 0) {
			fprintf(stderr, "watchbench: save %u: %s\n", k + 1, why);
			rc = 1;
			break;
		}
		lat[k] = now_ms() - t0;
		if (k > 0)  /* the heap line comes after the build's line */
			inuse[k - 1] = l.heap;
		r = rss_kb(pid, false);
		if (r > rss_max)
			rss_max = r;
		if (k + 1 == 10)
			rss10 = r;
		rss_end = r;
		r = rss_kb(pid, true);
		if (r > anon_max)
			anon_max = r;
		if (k + 1 == 10)
			anon10 = r;
		anon_end = r;
		if ((k + 1) % REST_EVERY == 0) {
			struct timespec ts = { 0, REST_MS * 1000000L };

			nanosleep(&ts, NULL);
			rest[k] = rss_kb(pid, true);
		}
	}
	if (rc == 0) {  /* the last save's heap line */
		char *s;

		l.heap = -1;
		while (l.heap < 0 && (s = next_line(&l, 2000)) != NULL)
			heap_line(s, &l.heap);
		inuse[edits - 1] = l.heap;
	}
	for (k = 9; k < edits; k++) {
		if (inuse[k] < 0)
			continue;
		in_lo = inuse[k] < in_lo ? inuse[k] : in_lo;
		in_hi = inuse[k] > in_hi ? inuse[k] : in_hi;
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "watchbench: watch did not exit cleanly "
			"(status 0x%x)\n", status);
		rc = 1;
	}
	if (rc == 0 && series) {
		FILE *f = fopen(series, "w");

		for (k = 0; f && k < edits; k++)
			if (rest[k] > 0)
				fprintf(f, "%.2f %.0f %ld\n", lat[k], own[k],
					rest[k]);
			else
				fprintf(f, "%.2f %.0f -\n", lat[k], own[k]);
		if (!f || fclose(f) != 0) {
			fprintf(stderr, "watchbench: cannot write %s\n",
				series);
			rc = 1;
		}
	}
	for (k = 100; k <= edits; k++)
		if (rest[k - 1] > 0) {
			restx[nrest] = (double)k;
			resty[nrest++] = (double)rest[k - 1] / 1024.0;
		}
	if (rc == 0) {
		qsort(lat, edits, sizeof(*lat), cmp_double);
		qsort(own, edits, sizeof(*own), cmp_double);
		size_t p95 = (size_t)((double)edits * 0.95) < edits
				     ? (size_t)((double)edits * 0.95)
				     : edits - 1;

		printf("watch: %u saves of %zu page files: latency p50 %.1f ms, "
		       "p95 %.1f ms, max %.1f ms (watch's own build time "
		       "p50 %.0f, p95 %.0f ms); RSS after 10 saves %.1f MB, "
		       "after %u %.1f MB, max %.1f MB; of it the heap "
		       "(RssAnon) %.1f, %.1f, max %.1f MB\n",
		       edits, npages, lat[edits / 2], lat[p95], lat[edits - 1],
		       own[edits / 2], own[p95], (double)rss10 / 1024.0, edits,
		       (double)rss_end / 1024.0, (double)rss_max / 1024.0,
		       (double)anon10 / 1024.0, (double)anon_end / 1024.0,
		       (double)anon_max / 1024.0);
		if (nrest >= 2)
			printf("  heap at rest (RssAnon, read %d ms after every "
			       "%dth save): after %.0f saves %.1f MB, after "
			       "%.0f %.1f MB; trend %+.2f MB per 1000 saves "
			       "(%zu reads)\n", REST_MS, REST_EVERY, restx[0],
			       resty[0], restx[nrest - 1], resty[nrest - 1],
			       slope(restx, resty, nrest) * 1000.0, nrest);
		if (edits >= 100 && in_hi > 0)
			printf("  heap in use (watch --timings): after 100 "
			       "saves %.1f MB, after %u %.1f MB; from the 10th "
			       "save on between %.1f and %.1f MB\n",
			       inuse[99], edits, inuse[edits - 1], in_lo, in_hi);
	}
	free(lat);
	free(own);
	free(rest);
	free(inuse);
	free(restx);
	free(resty);
	for (size_t j = 0; j < npages; j++)
		free(pages[j]);
	free(pages);
	return rc;
}
