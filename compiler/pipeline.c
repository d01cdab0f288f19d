/*
 * pipeline.c - the front end over a whole project: walk, read, split,
 * parse, local checks, summaries, then cross-unit checks.
 *
 * Files are independent until the project check, so workers take whole
 * files from a shared counter. Each worker has its own interner: trees
 * compare names by pointer only within one unit (and a file's aliases),
 * and the project check reads summaries, which hold plain strings.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "../graph/pool.h"

struct worker {
	struct drv_project *p;
	const struct drv_check_opts *o;
	struct interner *in;
	atomic_size_t *next;
	const uint32_t *which;   /* files to process, or NULL for all */
	size_t nwhich;
	uint64_t ns_read;
	size_t nread;            /* files it read (not given their text) */
	uint64_t ns_split;
	uint64_t ns_parse;
	unsigned lane;           /* index of this worker, for --trace */
	struct arena *trees;     /* keep_trees: every tree it parses */
};

/* Per-file unit storage, flattened into p->units after the workers end. */
struct file_units {
	struct drv_unit *v;
	size_t n;
};

static struct file_units *file_units;

/*
 * A unit the splitter cut short (an unclosed '{') has been reported
 * already, at the brace; the parser's "unexpected end of input" for it
 * would only repeat that, so it is dropped.
 */
static void
drop_end_of_input(struct diag_list *d)
{
	size_t i, k = 0;

	for (i = 0; i < d->n; i++) {
		if (strcmp(d->v[i].code, "E0202") == 0) {
			d->errors--;
			continue;
		}
		d->v[k++] = d->v[i];
	}
	d->n = k;
}

/*
 * Replaces type names that are file-local aliases by their targets, so
 * that generators only ever see primitive (or entity) names. Runs after
 * the unit's checks passed, which verified every alias target.
 */
static void
resolve_type(struct ast_type *t, const struct ast_alias *const *aliases)
{
	size_t i;

	for (i = 0; t->name && aliases && aliases[i]; i++) {
		if (aliases[i]->name == t->name && aliases[i]->target) {
			t->name = aliases[i]->target;
			return;
		}
	}
}

/* Appends a to the NULL-terminated list *v of *n aliases. */
static void
add_alias(const struct ast_alias ***v, size_t *n, const struct ast_alias *a)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = a;
	(*v)[*n] = NULL;
}

static void
resolve_aliases(struct ast_unit *u, const struct ast_alias *const *aliases)
{
	struct ast_field *f;
	struct ast_param *q;
	struct ast_action *a;

	if (!aliases || !aliases[0])
		return;
	if (u->kind == UNIT_ENTITY) {
		for (f = u->u.entity->fields; f; f = f->next)
			resolve_type(&f->type, aliases);
		return;
	}
	if (u->kind != UNIT_PAGE && u->kind != UNIT_COMPONENT &&
	    u->kind != UNIT_STORE)
		return;
	for (q = u->u.view->state; q; q = q->next)
		resolve_type(&q->type, aliases);
	for (q = u->u.view->params; q; q = q->next)
		resolve_type(&q->type, aliases);
	for (a = u->u.view->actions; a; a = a->next)
		for (q = a->params; q; q = q->next)
			resolve_type(&q->type, aliases);
}

/* A span named after the unit: "page Home (ui/home.locus)". */
static void
trace_unit(struct worker *w, const char *cat, const struct drv_file *f,
	   const struct unit_src *us, uint64_t start)
{
	struct sbuf n;

	sbuf_init(&n);
	sbuf_printf(&n, "%s %.*s (%s)", unit_kind_name(us->kind),
		    (int)us->name_len, f->text + us->name_off, f->rel);
	drv_trace_span(w->o->trace, w->lane, cat, n.p, start, base_now_ns());
	sbuf_free(&n);
}

/* Whether a file's units are all of the kinds in mask (bit 1 << kind). */
static bool
droppable(const struct drv_file *f, unsigned mask)
{
	size_t i;

	if (!mask || !f->nunits)
		return false;
	for (i = 0; i < f->nunits; i++)
		if (!(mask & (1u << f->units[i].kind)))
			return false;
	return true;
}

/* u->facts from u's tree (aliases resolved), strings in the file's arena. */
static void
unit_facts(struct drv_file *f, const struct unit_src *us, struct drv_unit *u)
{
	struct cg_decl *d = arena_alloc(f->arena, sizeof(*d));

	d->ast = u->ast;
	d->text = f->text + us->off;
	d->len = us->len;
	d->name = arena_strndup(f->arena, f->text + us->name_off,
				us->name_len);
	cg_decl_facts(d, f->arena);
	d->ast = NULL;
	d->text = NULL;
	d->len = 0;
	u->facts = d;
}

static void
check_file(struct worker *w, size_t fi)
{
	struct drv_project *p = w->p;
	struct drv_file *f = &p->files[fi];
	struct file_units *fu = &file_units[fi];
	const struct ast_alias **aliases = NULL;
	size_t i, nalias = 0;
	uint64_t t0, t1, t2;
	bool keep;

	t0 = base_now_ns();
	/* The incremental engine may have read this file's summaries from
	 * the cache into an arena before it needed the file parsed: the
	 * parse's summaries replace them (incr.c attach_loaded). */
	arena_free(f->arena);
	f->arena = arena_new();
	diag_list_init(&f->diags, f->arena);
	f->diags.unit = UINT32_MAX;
	/* A text read earlier in this build (incr.c) is the one parsed. */
	if (!f->text) {
		f->read_err = fs_read_file(f->path, &f->text, &f->len);
		w->nread++;
	}
	t1 = base_now_ns();
	w->ns_read += t1 - t0;
	if (f->read_err)
		return;
	split_file(f->text, f->len, &f->units, &f->nunits, &f->diags);
	t2 = base_now_ns();
	w->ns_split += t2 - t1;
	drv_trace_span(w->o->trace, w->lane, "read", f->rel, t0, t2);

	keep = w->trees && !droppable(f, w->o->drop_kinds);
	fu->n = f->nunits;
	fu->v = xcalloc(f->nunits ? f->nunits : 1, sizeof(*fu->v));
	for (i = 0; i < f->nunits; i++) {
		struct drv_unit *u = &fu->v[i];
		const struct unit_src *us = &f->units[i];

		u->file = (uint32_t)fi;
		u->index = (uint32_t)i;
		uint64_t ts = base_now_ns();

		/* Kept trees share the worker's arena (a unit's own arena
		 * left half its last chunk empty: 100 MB at 10,000 files);
		 * the others are freed unit by unit below. */
		u->tree_arena = keep ? NULL : arena_new();
		diag_list_init(&u->diags, f->arena);
		u->ast = parse_unit(f->text + us->off, us->len,
				    keep ? w->trees : u->tree_arena, w->in,
				    &u->diags);
		if (w->o->trace)
			trace_unit(w, "parse", f, us, ts);
		if (us->truncated)
			drop_end_of_input(&u->diags);
		u->parsed_ok = u->ast && u->diags.errors == 0 &&
			       !us->truncated;
		if (u->parsed_ok && u->ast->kind == UNIT_ALIAS)
			add_alias(&aliases, &nalias, u->ast->u.alias);
	}
	for (i = 0; i < f->nunits; i++) {
		struct drv_unit *u = &fu->v[i];
		const struct unit_src *us = &f->units[i];

		if (u->parsed_ok) {
			uint64_t ts = base_now_ns();

			sema_check_unit(u->ast, f->text + us->off, us->len,
					aliases, &p->opt, &u->diags);
			u->sum = sema_summarize(u->ast, f->arena);
			if ((keep || w->o->facts) && u->diags.errors == 0)
				resolve_aliases(u->ast, aliases);
			if (w->o->facts && u->diags.errors == 0)
				unit_facts(f, us, u);
			if (w->o->trace)
				trace_unit(w, "check", f, us, ts);
		}
	}
	if (!keep) {
		for (i = 0; i < f->nunits; i++) {
			arena_free(fu->v[i].tree_arena);
			fu->v[i].tree_arena = NULL;
			fu->v[i].ast = NULL;
		}
	}
	free(aliases);
	w->ns_parse += base_now_ns() - t2;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		size_t k = atomic_fetch_add(w->next, 1);

		if (k >= (w->which ? w->nwhich : w->p->nfiles))
			break;
		check_file(w, w->which ? w->which[k] : k);
		if (w->o->on_file)
			w->o->on_file(w->o->on_file_arg, w->lane);
	}
	return NULL;
}

/* A pool lane's turn at the front end: its own worker's loop. */
static void
front_lane(void *arg, size_t k, unsigned lane)
{
	struct worker *ws = arg;

	(void)k;
	worker_main(&ws[lane]);
}

void
drv_front_files(struct drv_project *p, const struct drv_check_opts *o,
		const uint32_t *which, size_t n, struct drv_unit **units,
		size_t *nunits)
{
	unsigned jobs = o->jobs ? o->jobs : 1, j;
	struct worker *ws;
	pthread_t *tids;
	atomic_size_t next = 0;
	size_t i;
	uint64_t t0 = base_now_ns(), r = 0, s = 0, q = 0;

	if (!n)
		return;
	/* On a pool: one worker per lane, whichever lane runs it. */
	if (o->pool)
		jobs = pool_lanes(o->pool);
	else if (jobs > n)
		jobs = (unsigned)n;
	file_units = xcalloc(p->nfiles ? p->nfiles : 1, sizeof(*file_units));
	ws = xcalloc(jobs, sizeof(*ws));
	tids = xcalloc(jobs, sizeof(*tids));
	for (j = 0; j < jobs; j++) {
		ws[j].p = p;
		ws[j].o = o;
		ws[j].in = intern_new();
		ws[j].trees = o->keep_trees ? arena_new() : NULL;
		ws[j].next = &next;
		ws[j].lane = j;
		ws[j].which = which;
		ws[j].nwhich = n;
	}
	if (o->pool) {
		/* The threads that generate next reuse what these free
		 * (trees, summaries); a thread of its own left it in an
		 * arena no thread took again, given back only by
		 * malloc_trim. */
		pool_for_each1(o->pool, jobs, front_lane, ws);
	} else {
		for (j = 1; j < jobs; j++)
			if (pthread_create(&tids[j], NULL, worker_main,
					   &ws[j]) != 0)
				base_fatal("cannot start a worker thread");
		worker_main(&ws[0]);
		for (j = 1; j < jobs; j++)
			pthread_join(tids[j], NULL);
	}
	p->interners = xrealloc(p->interners, (p->ninterners + jobs) *
					      sizeof(*p->interners));
	p->tree_arenas = xrealloc(p->tree_arenas, (p->ntree_arenas + jobs) *
						  sizeof(*p->tree_arenas));
	for (j = 0; j < jobs; j++) {
		p->interners[p->ninterners++] = ws[j].in;
		if (ws[j].trees)
			p->tree_arenas[p->ntree_arenas++] = ws[j].trees;
		r += ws[j].ns_read;
		s += ws[j].ns_split;
		q += ws[j].ns_parse;
	}
	{
		uint64_t wall = base_now_ns() - t0, sum = r + s + q;

		if (sum) {
			double f = (double)wall / (double)sum;

			r = (uint64_t)((double)r * f);
			s = (uint64_t)((double)s * f);
			q = (uint64_t)((double)q * f);
		}
	}
	p->phases[PH_READ].ns += r;
	for (j = 0; j < jobs; j++)
		p->phases[PH_READ].items += ws[j].nread;
	p->phases[PH_SPLIT].ns += s;
	p->phases[PH_PARSE].ns += q;
	for (i = 0; i < n; i++) {
		units[which[i]] = file_units[which[i]].v;
		nunits[which[i]] = file_units[which[i]].n;
		p->phases[PH_SPLIT].items += file_units[which[i]].n;
		p->phases[PH_PARSE].items += file_units[which[i]].n;
	}
	free(file_units);
	file_units = NULL;
	free(ws);
	free(tids);
}

bool
drv_parse_trees(const struct drv_project *p, size_t fi, struct drv_unit *units,
		struct arena *a, struct interner *in)
{
	const struct drv_file *f = &p->files[fi];
	const struct ast_alias **aliases = NULL;
	struct diag_list d;
	size_t i, nalias = 0;
	bool ok = true;

	diag_list_init(&d, a);
	for (i = 0; i < f->nunits && ok; i++) {
		const struct unit_src *us = &f->units[i];

		units[i].ast = parse_unit(f->text + us->off, us->len, a, in, &d);
		ok = units[i].ast && d.errors == 0;
		if (ok && units[i].ast->kind == UNIT_ALIAS)
			add_alias(&aliases, &nalias, units[i].ast->u.alias);
	}
	for (i = 0; i < f->nunits && ok; i++)
		resolve_aliases(units[i].ast, aliases);
	free(aliases);
	diag_list_free(&d);
	return ok;
}

static void
read_env_options(struct sema_options *opt)
{
	const char *v;

	sema_options_default(opt);
	v = getenv("LOCUS_WORKFLOW_COMPLEXITY_THRESHOLD");
	if (v && *v) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);

		if (*end == 0)
			opt->workflow_complexity = (unsigned)n;
	}
	v = getenv("REMOVE_PAREN_ATTRS");
	if (v && strcmp(v, "1") == 0)
		opt->paren_attrs_are_errors = true;
	v = getenv("AUTO_PAREN_REMOVAL");
	if (v && strcmp(v, "1") == 0)
		opt->paren_attrs_are_errors = true;
}

int
drv_check_project(const struct drv_check_opts *o, struct drv_project *p)
{
	char **rel = NULL, *bad = NULL;
	size_t n = 0, i, nu = 0, *fn;
	struct drv_unit **fv;
	uint32_t *all;
	struct proj_unit *pu;
	uint64_t t0, t1;
	int rc;

	memset(p, 0, sizeof(*p));
	p->arena = arena_new();
	diag_list_init(&p->diags, p->arena);
	p->src_dir = xstrdup(o->src_dir);
	read_env_options(&p->opt);

	t0 = base_now_ns();
	rc = drv_walk(o->src_dir, o->skip_dir, &rel, &n, &bad);
	if (rc) {
		fprintf(stderr, "locusc: error: cannot read source directory "
			"'%s': %s\n", bad, base_strerror(rc));
		free(bad);
		return rc == BASE_ENOENT || rc == BASE_ENOTDIR ? DRV_EXIT_USAGE
							       : DRV_EXIT_IO;
	}
	p->nfiles = n;
	p->files = xcalloc(n ? n : 1, sizeof(*p->files));
	for (i = 0; i < n; i++) {
		struct sbuf s;

		sbuf_init(&s);
		if (strcmp(o->src_dir, ".") == 0)
			sbuf_adds(&s, rel[i]);
		else
			sbuf_printf(&s, "%s%s%s", o->src_dir,
				    o->src_dir[strlen(o->src_dir) - 1] == '/'
					    ? "" : "/", rel[i]);
		p->files[i].rel = rel[i];
		p->files[i].path = s.p;
	}
	free(rel);
	t1 = base_now_ns();
	p->phases[PH_SCAN] = (struct drv_phase){ "scan", t1 - t0, n };

	/* Parse in parallel (drv_front_files). */
	p->phases[PH_READ].name = "read";
	p->phases[PH_SPLIT].name = "split";
	p->phases[PH_PARSE].name = "parse+check";
	all = xcalloc(n ? n : 1, sizeof(*all));
	fv = xcalloc(n ? n : 1, sizeof(*fv));
	fn = xcalloc(n ? n : 1, sizeof(*fn));
	for (i = 0; i < n; i++)
		all[i] = (uint32_t)i;
	drv_front_files(p, o, all, n, fv, fn);
	free(all);

	/* Flatten units in file order. */
	for (i = 0; i < n; i++)
		nu += fn[i];
	p->units = xcalloc(nu ? nu : 1, sizeof(*p->units));
	p->nunits = nu;
	pu = xcalloc(nu ? nu : 1, sizeof(*pu));
	nu = 0;
	for (i = 0; i < n; i++) {
		struct drv_file *f = &p->files[i];
		size_t k;

		f->first_unit = (uint32_t)nu;
		p->bytes += f->len;
		for (k = 0; k < fn[i]; k++, nu++) {
			const struct unit_src *us = &f->units[k];
			struct drv_unit *u = &p->units[nu];

			*u = fv[i][k];
			pu[nu].kind = us->kind;
			pu[nu].sum = u->sum;
			pu[nu].file = (uint32_t)i;
			pu[nu].name = arena_strndup(f->arena,
						    f->text + us->name_off,
						    us->name_len);
			pu[nu].name_off = us->name_off - us->off;
			pu[nu].name_len = us->name_len;
		}
		free(fv[i]);
	}
	free(fv);
	free(fn);

	t0 = base_now_ns();
	sema_check_project(pu, nu, &p->opt, &p->diags);
	t1 = base_now_ns();
	p->phases[PH_PROJECT] = (struct drv_phase){ "project", t1 - t0, nu };
	free(pu);

	drv_count_diags(p);
	return DRV_EXIT_OK;
}

void
drv_count_diags(struct drv_project *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		p->errors += p->files[i].diags.errors;
		p->warnings += p->files[i].diags.warnings;
		if (p->files[i].read_err)
			p->io_errors++;
	}
	for (i = 0; i < p->nunits; i++) {
		p->errors += p->units[i].diags.errors;
		p->warnings += p->units[i].diags.warnings;
	}
	p->errors += p->diags.errors;
	p->warnings += p->diags.warnings;
	p->diags_counted = true;
}

void
drv_read_env_options(struct sema_options *opt)
{
	read_env_options(opt);
}

void
drv_drop_trees(struct drv_project *p)
{
	size_t i;

	for (i = 0; i < p->nunits; i++) {
		arena_free(p->units[i].tree_arena);
		p->units[i].tree_arena = NULL;
		p->units[i].ast = NULL;
	}
	for (i = 0; i < p->ninterners; i++)
		intern_free(p->interners[i]);
	free(p->interners);
	p->interners = NULL;
	p->ninterners = 0;
	for (i = 0; i < p->ntree_arenas; i++)
		arena_free(p->tree_arenas[i]);
	free(p->tree_arenas);
	p->tree_arenas = NULL;
	p->ntree_arenas = 0;
}

void
drv_project_free(struct drv_project *p)
{
	size_t i;

	drv_drop_trees(p);
	for (i = 0; i < p->nunits; i++)
		diag_list_free(&p->units[i].diags);
	for (i = 0; i < p->nfiles; i++) {
		struct drv_file *f = &p->files[i];

		diag_list_free(&f->diags);
		if (!f->names_in_arena) {
			free(f->rel);
			free(f->path);
		}
		free(f->text);
		if (!f->units_in_arena)
			free(f->units);
		arena_free(f->arena);
	}
	xbig_free(p->files);
	xbig_free(p->units);
	diag_list_free(&p->diags);
	arena_free(p->arena);
	free(p->src_dir);
	memset(p, 0, sizeof(*p));
}
