/*
 * report.c - print diagnostics.
 *
 * Diagnostics arrive unit-relative (see base/diag.h); here they are mapped
 * to path:line:col, sorted by file order and position, and printed either
 * for people (source line and caret, colour on a terminal) or as one JSON
 * object with the field names editor tooling already reads.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

struct rdiag {
	const struct diag *d;
	uint32_t file;
	uint32_t off;            /* in the file */
	bool has_rel;
	uint32_t rel_file;
	uint32_t rel_off;
	size_t seq;
};

struct pos {
	uint32_t line;
	uint32_t col;            /* 1-based, in characters */
	uint32_t line_start;     /* byte offset of the line */
	uint32_t line_end;       /* offset of its '\n' (or end of text) */
};

static struct pos
locate(const struct drv_file *f, uint32_t off)
{
	struct pos p = { 1, 1, 0, 0 };
	uint32_t i;

	if (off > f->len)
		off = (uint32_t)f->len;
	for (i = 0; i < off; i++) {
		if (f->text[i] == '\n') {
			p.line++;
			p.line_start = i + 1;
		}
	}
	for (i = p.line_start; i < off; i++)
		if (((unsigned char)f->text[i] & 0xC0) != 0x80)
			p.col++;
	for (p.line_end = off; p.line_end < f->len &&
	     f->text[p.line_end] != '\n'; p.line_end++)
		;
	return p;
}

/* Maps (unit, off) of a diagnostic found in list `owner` to the file. */
static void
resolve(const struct drv_project *p, uint32_t unit, uint32_t off,
	int owner_kind, uint32_t owner, uint32_t *file, uint32_t *foff)
{
	const struct drv_unit *u;

	if (owner_kind == 0) {          /* file-level list of file `owner` */
		*file = owner;
		*foff = off;
		return;
	}
	if (owner_kind == 1)            /* a unit's own list */
		unit = owner;
	if (unit >= p->nunits) {
		*file = 0;
		*foff = 0;
		return;
	}
	u = &p->units[unit];
	*file = u->file;
	*foff = p->files[u->file].units[u->index].off + off;
}

static int
cmp_rdiag(const void *a, const void *b)
{
	const struct rdiag *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
collect(const struct drv_project *p, const struct diag_list *l, int kind,
	uint32_t owner, bool warnings, struct rdiag **v, size_t *n,
	size_t *cap)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct diag *d = &l->v[i];
		struct rdiag *r;

		if (d->sev == DIAG_WARNING && !warnings)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = xrealloc(*v, *cap * sizeof(**v));
		}
		r = &(*v)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->d = d;
		r->seq = *n;
		resolve(p, d->unit, d->off, kind, owner, &r->file, &r->off);
		if (d->has_related) {
			r->has_rel = true;
			resolve(p, d->rel_unit, d->rel_off, kind, owner,
				&r->rel_file, &r->rel_off);
		}
	}
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_BLUE "\033[1;34m"
#define C_CYAN "\033[1;36m"

/*
 * Echoes a source line. Control bytes other than tab (a NUL, a stray
 * escape) are shown as the matching Unicode control picture (U+2400 +
 * byte, U+2421 for DEL): one column wide, like the byte they stand for,
 * so the caret below still lines up, and the terminal never receives them.
 */
static void
put_source_line(FILE *out, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == 0x7f)
			fputs("\xe2\x90\xa1", out);
		else if (c < 0x20 && c != '\t')
			fprintf(out, "\xe2\x90%c", (char)(0x80 + c));
		else
			fputc(c, out);
	}
}

static void
print_pretty(const struct drv_project *p, const struct rdiag *r,
	     const struct drv_report_opts *o)
{
	const struct drv_file *f = &p->files[r->file];
	const struct diag *d = r->d;
	struct pos pos = locate(f, r->off);
	bool err = d->sev == DIAG_ERROR;
	const char *sevc = o->color ? (err ? C_RED : C_YELLOW) : "";
	const char *bold = o->color ? C_BOLD : "";
	const char *blue = o->color ? C_BLUE : "";
	const char *reset = o->color ? C_RESET : "";
	char gutter[16];
	int gw;
	uint32_t i, shown = 0, lim;

	fprintf(o->out, "%s%s:%u:%u:%s %s%s[%s]%s%s: %s%s\n", bold, f->path,
		pos.line, pos.col, reset, sevc, err ? "error" : "warning",
		d->code, reset, bold, d->message, reset);
	gw = snprintf(gutter, sizeof(gutter), "%u", pos.line);
	/* The source line, then a caret under the span. Tabs are copied
	 * into the caret line so the caret lines up in any terminal. */
	fprintf(o->out, "%s %s |%s ", blue, gutter, reset);
	put_source_line(o->out, f->text + pos.line_start,
			pos.line_end - pos.line_start);
	fprintf(o->out, "\n%s %*s |%s ", blue, gw, "", reset);
	for (i = pos.line_start; i < r->off && i < pos.line_end; i++) {
		unsigned char c = (unsigned char)f->text[i];

		if ((c & 0xC0) == 0x80)
			continue;
		fputc(c == '\t' ? '\t' : ' ', o->out);
	}
	fputs(sevc, o->out);
	fputc('^', o->out);
	lim = r->off + (d->len ? d->len : 1);
	if (lim > pos.line_end)
		lim = pos.line_end;
	for (i = r->off + 1; i < lim; i++) {
		if (((unsigned char)f->text[i] & 0xC0) == 0x80)
			continue;
		fputc('~', o->out);
		if (++shown > 200)
			break;
	}
	fprintf(o->out, "%s\n", reset);
	if (d->help)
		fprintf(o->out, " %*s %s=%s help: %s\n", gw, "", blue, reset,
			d->help);
	if (r->has_rel) {
		const struct drv_file *rf = &p->files[r->rel_file];
		struct pos rp = locate(rf, r->rel_off);

		fprintf(o->out, " %*s %s=%s note: %s: %s:%u:%u\n", gw, "", blue,
			reset, d->rel_message ? d->rel_message : "see",
			rf->path, rp.line, rp.col);
	}
}

static const char *
family_name(const char *code)
{
	switch (diag_code_family(code)) {
	case DIAG_FAM_PARSE: return "parse";
	case DIAG_FAM_MERGE: return "merge";
	default: return "validation";
	}
}

static void
print_json(const struct drv_project *p, const struct rdiag *v, size_t n,
	   const struct drv_report_opts *o)
{
	struct sbuf b;
	size_t i, errors = 0, warnings = 0;
	char *abs_src = realpath(p->src_dir, NULL);

	sbuf_init(&b);
	sbuf_adds(&b, "{\"diagnostics\":[");
	for (i = 0; i < n; i++) {
		const struct rdiag *r = &v[i];
		const struct drv_file *f = &p->files[r->file];
		struct pos pos = locate(f, r->off);

		if (r->d->sev == DIAG_ERROR)
			errors++;
		else
			warnings++;
		if (i)
			sbuf_addc(&b, ',');
		sbuf_adds(&b, "{\"kind\":\"");
		sbuf_adds(&b, family_name(r->d->code));
		sbuf_adds(&b, "\",\"code\":\"");
		sbuf_adds(&b, r->d->code);
		sbuf_adds(&b, "\",\"message\":\"");
		sbuf_add_json_str(&b, r->d->message, strlen(r->d->message));
		sbuf_adds(&b, "\",\"filePath\":\"");
		if (abs_src) {
			sbuf_add_json_str(&b, abs_src, strlen(abs_src));
			sbuf_addc(&b, '/');
			sbuf_add_json_str(&b, f->rel, strlen(f->rel));
		} else {
			sbuf_add_json_str(&b, f->path, strlen(f->path));
		}
		sbuf_printf(&b, "\",\"line\":%u,\"column\":%u,\"length\":%u",
			    pos.line, pos.col, r->d->len);
		sbuf_printf(&b, ",\"severity\":\"%s\"",
			    r->d->sev == DIAG_ERROR ? "error" : "warning");
		if (r->d->help) {
			sbuf_adds(&b, ",\"help\":\"");
			sbuf_add_json_str(&b, r->d->help, strlen(r->d->help));
			sbuf_addc(&b, '"');
		}
		sbuf_addc(&b, '}');
	}
	sbuf_printf(&b, "],\"summary\":{\"errors\":%zu,\"warnings\":%zu}}\n",
		    errors, warnings);
	fwrite(b.p, 1, b.len, o->out);
	sbuf_free(&b);
	free(abs_src);
}

void
drv_report(const struct drv_project *p, const struct drv_report_opts *o)
{
	struct rdiag *v = NULL;
	size_t n = 0, cap = 0, i;

	/* Every diagnostic is an error or a warning: none to look for in
	 * 10,000 files and 18,000 units. */
	if (p->diags_counted && !p->errors && !p->warnings)
		return;
	for (i = 0; i < p->nfiles; i++)
		collect(p, &p->files[i].diags, 0, (uint32_t)i, o->warnings,
			&v, &n, &cap);
	for (i = 0; i < p->nunits; i++)
		collect(p, &p->units[i].diags, 1, (uint32_t)i, o->warnings,
			&v, &n, &cap);
	collect(p, &p->diags, 2, 0, o->warnings, &v, &n, &cap);
	if (n)
		qsort(v, n, sizeof(*v), cmp_rdiag);
	if (o->fmt == ERRFMT_JSON) {
		print_json(p, v, n, o);
	} else {
		for (i = 0; i < n; i++) {
			print_pretty(p, &v[i], o);
			fputc('\n', o->out);
		}
	}
	free(v);
}

size_t
drv_timing_rows(const struct drv_project *p, const struct drv_build_stats *bs,
		struct drv_phase *rows)
{
	size_t n = 0;
	int i;

	for (i = 0; i < PH_COUNT; i++)
		if (p->phases[i].name)
			rows[n++] = p->phases[i];
	if (!bs)
		return n;
	if (bs->incremental) {
		rows[n++] = (struct drv_phase){ "model", bs->ns_model,
						p->nunits };
		rows[n++] = (struct drv_phase){ "plan", bs->ns_plan,
						bs->outputs };
		rows[n++] = (struct drv_phase){ "generate", bs->ns_generate,
						bs->misses };
	} else {
		rows[n++] = (struct drv_phase){ "generate", bs->ns_generate,
						bs->outputs };
	}
	rows[n++] = (struct drv_phase){ "write", bs->ns_write, bs->written };
	if (bs->incremental)
		rows[n++] = (struct drv_phase){ "commit", bs->ns_commit,
						bs->misses };
	return n;
}
