/*
 * trace.c - --trace FILE: a Chrome trace-event JSON file (loadable in
 * Perfetto or chrome://tracing) with one span per file read, unit parsed
 * and output generated, on the worker that did it.
 *
 * Each worker appends to its own buffer, so recording takes no lock; the
 * buffers are merged when the file is written.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

struct span_rec {
	const char *cat;         /* static */
	char *name;
	uint64_t start_ns;
	uint64_t dur_ns;
};

struct lane {
	struct span_rec *v;
	size_t n;
	size_t cap;
};

struct drv_trace {
	struct lane *lanes;
	unsigned nlanes;
	uint64_t origin_ns;
};

struct drv_trace *
drv_trace_new(unsigned lanes)
{
	struct drv_trace *t = xcalloc(1, sizeof(*t));

	t->nlanes = lanes ? lanes : 1;
	t->lanes = xcalloc(t->nlanes, sizeof(*t->lanes));
	t->origin_ns = base_now_ns();
	return t;
}

void
drv_trace_span(struct drv_trace *t, unsigned lane, const char *cat,
	       const char *name, uint64_t start_ns, uint64_t end_ns)
{
	struct lane *l;

	if (!t)
		return;
	l = &t->lanes[lane % t->nlanes];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].cat = cat;
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].start_ns = start_ns;
	l->v[l->n].dur_ns = end_ns > start_ns ? end_ns - start_ns : 0;
	l->n++;
}

int
drv_trace_write(struct drv_trace *t, const char *path)
{
	struct sbuf b;
	unsigned i;
	size_t k;
	bool first = true;
	FILE *f;
	int rc = 0;

	sbuf_init(&b);
	sbuf_adds(&b, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	for (i = 0; i < t->nlanes; i++) {
		sbuf_printf(&b, "%s{\"name\":\"thread_name\",\"ph\":\"M\","
				"\"pid\":1,\"tid\":%u,\"args\":{\"name\":"
				"\"worker %u\"}}",
			    first ? "" : ",\n", i + 1, i + 1);
		first = false;
		for (k = 0; k < t->lanes[i].n; k++) {
			const struct span_rec *s = &t->lanes[i].v[k];

			sbuf_adds(&b, ",\n{\"name\":\"");
			sbuf_add_json_str(&b, s->name, strlen(s->name));
			sbuf_printf(&b, "\",\"cat\":\"%s\",\"ph\":\"X\","
					"\"pid\":1,\"tid\":%u,\"ts\":%.3f,"
					"\"dur\":%.3f}",
				    s->cat, i + 1,
				    (double)(s->start_ns - t->origin_ns) / 1e3,
				    (double)s->dur_ns / 1e3);
		}
	}
	sbuf_adds(&b, "\n]}\n");
	f = fopen(path, "w");
	if (!f || fwrite(b.p, 1, b.len, f) != b.len)
		rc = -1;
	if (f && fclose(f) != 0)
		rc = -1;
	sbuf_free(&b);
	return rc;
}

void
drv_trace_free(struct drv_trace *t)
{
	unsigned i;
	size_t k;

	if (!t)
		return;
	for (i = 0; i < t->nlanes; i++) {
		for (k = 0; k < t->lanes[i].n; k++)
			free(t->lanes[i].v[k].name);
		free(t->lanes[i].v);
	}
	free(t->lanes);
	free(t);
}
