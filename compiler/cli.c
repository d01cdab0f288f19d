/*
 * cli.c - the command line: commands, options, help texts, exit codes.
 *
 * Every command parses its own options; `--opt VALUE` and `--opt=VALUE`
 * both work. Usage errors print one line naming the problem and a hint,
 * and exit 2. Help goes to stdout, diagnostics and progress to stderr.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cache/cache.h"
#include "driver.h"
#include "incr.h"

#define LOCUSC_VERSION "0.1.0"

static const char main_help[] =
	"locusc - the Locus compiler\n"
	"\n"
	"Usage: locusc <command> [options]\n"
	"\n"
	"Commands:\n"
	"  build      check a project and generate its app\n"
	"  check      parse and check a project; writes nothing\n"
	"  clean      remove the files a build generated\n"
	"  watch      build, then rebuild on every change\n"
	"  stats      recent builds from the build log\n"
	"  cache      show, trim (gc) or empty the cache\n"
	"  explain    describe a diagnostic code (locusc explain E0301)\n"
	"  help       show help for a command\n"
	"\n"
	"Options:\n"
	"  -h, --help       show this help\n"
	"  -V, --version    print the version\n"
	"\n"
	"Run 'locusc help <command>' for the options of a command.\n"
	"Exit status: 0 success (warnings allowed), 1 errors in the sources,\n"
	"2 usage or configuration error, 3 I/O or internal error.\n";

static const char check_help[] =
	"Usage: locusc check [--src DIR] [--errors pretty|json] [options]\n"
	"\n"
	"Parse every .locus file under DIR and run every check, as a build\n"
	"would, without writing anything. Hidden directories, node_modules\n"
	"and ./generated are skipped.\n"
	"\n"
	"Options:\n"
	"  --src DIR             project folder (default: .)\n"
	"  --errors FORMAT       pretty (default) or json: one JSON object on\n"
	"                        stderr with kind, code, message, filePath,\n"
	"                        line, column, length, severity per diagnostic\n"
	"  --color WHEN          auto (default: when stderr is a terminal and\n"
	"                        NO_COLOR is unset), always or never\n"
	"  -j, --jobs N          parallel workers (default: number of CPUs)\n"
	"  --no-warnings         report errors only (also --suppress-warnings)\n"
	"  --timings             print the time of each phase to stderr\n"
	"  --trace FILE          write a Chrome trace-event JSON of the run\n"
	"  -q, --quiet           no summary line\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 no errors (warnings allowed), 1 errors in the\n"
	"sources, 2 usage error (bad option, missing folder), 3 I/O error.\n";

static const char build_help[] =
	"Usage: locusc build [--src DIR] [--out DIR] [options]\n"
	"\n"
	"Check the project in DIR (as `locusc check` does) and, when it has\n"
	"no errors, generate the app into the output folder: Prisma schema,\n"
	"Express API with validation, React pages and components, Next.js\n"
	"app, theme CSS, workflow manifests and BUILD_MANIFEST.json. Files\n"
	"whose content did not change are not rewritten; outputs of removed\n"
	"declarations are deleted; package.json, tsconfig.json and README.md\n"
	"are written only when absent. A failed build leaves the previous\n"
	"outputs as they were.\n"
	"\n"
	"Options:\n"
	"  --src DIR             project folder (default: .)\n"
	"  --out DIR             output folder (default: ./generated)\n"
	"  --dry-run             list the files the build would produce\n"
	"  --explain             say why each regenerated output was rebuilt\n"
	"  --cache-dir DIR       the cache folder (default: $LOCUS_CACHE_DIR,\n"
	"                        else $XDG_CACHE_HOME/locusc, else\n"
	"                        ~/.cache/locusc); each build is recorded\n"
	"                        in its log (see locusc stats)\n"
	"  --errors FORMAT       pretty (default) or json (see locusc help check)\n"
	"  --color WHEN          auto (default), always or never\n"
	"  -j, --jobs N          parallel workers (default: number of CPUs)\n"
	"  --no-warnings         report errors only (also --suppress-warnings)\n"
	"  --timings             print the time of each phase to stderr\n"
	"  --trace FILE          write a Chrome trace-event JSON of the build\n"
	"                        (one span per file, unit and output on each\n"
	"                        worker; open it in Perfetto)\n"
	"  -q, --quiet           no summary line and no progress line (a\n"
	"                        build past 300 ms on a terminal shows one)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Environment: LOCUS_CACHE_DIR (see --cache-dir); LOCUS_HUGEPAGES=1\n"
	"asks the kernel for 2 MB pages for the build's large arrays (fewer\n"
	"page faults; slower where the kernel hands free memory back to a\n"
	"hypervisor, as in many VMs; off by default).\n"
	"\n"
	"Exit status: 0 built (warnings allowed), 1 errors in the sources\n"
	"(nothing written), 2 usage or configuration error (Locus.toml),\n"
	"3 I/O error (nothing changed).\n";

static const char watch_help[] =
	"Usage: locusc watch [--src DIR] [--out DIR] [options]\n"
	"\n"
	"Build the project as `locusc build` does, then watch its folder and\n"
	"rebuild whenever a .locus file or Locus.toml is saved, added,\n"
	"deleted or renamed. Each rebuild prints one line: what changed, how\n"
	"long it took and how many outputs were written. A rebuild with\n"
	"errors prints them and keeps the last good outputs; the next good\n"
	"save recovers. Hidden files and folders, node_modules, the output\n"
	"and cache folders and editors' temporary files (*~, .#*, *.swp,\n"
	"*.swx, 4913, *.tmp) are ignored. When a folder cannot be watched\n"
	"(the inotify watch limit) or events were lost, watch says so and\n"
	"rescans the project every second instead. Generated files deleted\n"
	"or replaced by hand are put back once watch has been idle for a\n"
	"second. Ctrl-C or SIGTERM stops it.\n"
	"\n"
	"Options:\n"
	"  --src DIR             project folder (default: .)\n"
	"  --out DIR             output folder (default: ./generated)\n"
	"  --cache-dir DIR       the cache folder (see locusc help build);\n"
	"                        each rebuild is recorded in its log\n"
	"  --debounce MS         rebuild once no file changed for MS\n"
	"                        milliseconds (default 10); after a file\n"
	"                        closed from writing or renamed into place\n"
	"                        (a finished save), a tenth of that\n"
	"  --timings             after each build's line, one line with the\n"
	"                        time of each phase (see locusc help build)\n"
	"                        and one with the heap watch keeps (MB in\n"
	"                        use once the build's memory is freed)\n"
	"  --explain             say why each regenerated output was rebuilt\n"
	"  --errors FORMAT       pretty (default) or json (see locusc help check)\n"
	"  --color WHEN          auto (default), always or never\n"
	"  -j, --jobs N          parallel workers (default: number of CPUs)\n"
	"  --no-warnings         report errors only (also --suppress-warnings)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Environment: LOCUS_WATCH_FORCE_POLL=1 rescans every second instead\n"
	"of using file events.\n"
	"\n"
	"Exit status: 0 stopped by Ctrl-C or SIGTERM, 2 usage error (bad\n"
	"option, missing folder), 3 the event loop could not start.\n";

static const char stats_help[] =
	"Usage: locusc stats [--cache-dir DIR] [-n N] [--json]\n"
	"\n"
	"Show the most recent builds recorded in the cache's build log, newest\n"
	"first: when, exit status, time, files, outputs written and removed,\n"
	"errors.\n"
	"\n"
	"Options:\n"
	"  --cache-dir DIR       the cache folder (see locusc help build)\n"
	"  -n N                  how many builds (default 20; 0 for all)\n"
	"  --json                one JSON object with every record\n";

static const char cache_help[] =
	"Usage: locusc cache stats|gc|clean [--cache-dir DIR] [--max-size SIZE]\n"
	"\n"
	"  stats                 size of the cache, of each database and of\n"
	"                        the spare files (big outputs' scratch)\n"
	"  gc --max-size SIZE    trim the cache to about SIZE (512M, 2G, ...),\n"
	"                        least recently used entries first, shrink\n"
	"                        its file, and remove the spare files\n"
	"  clean                 empty the cache and remove the spare files\n"
	"\n"
	"Options:\n"
	"  --cache-dir DIR       the cache folder (see locusc help build)\n";

static const char clean_help[] =
	"Usage: locusc clean [--out DIR]\n"
	"\n"
	"Remove every file the last build into DIR (default: ./generated)\n"
	"wrote, as listed in its BUILD_MANIFEST.json, what builds that did\n"
	"not finish left (hidden .locusc-tmp- files and staging folders),\n"
	"and folders left empty. package.json, tsconfig.json, README.md and\n"
	"files you added stay.\n";

static const char explain_help[] =
	"Usage: locusc explain CODE\n"
	"\n"
	"Describe a diagnostic code such as E0301 or W0501, as printed in\n"
	"error[E0301]. Exit status 2 for a code locusc does not know.\n";

static int
usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "locusc: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'locusc help%s%s' for usage.\n",
		cmd ? " " : "", cmd ? cmd : "");
	return DRV_EXIT_USAGE;
}

/*
 * Matches argv[*i] against an option taking a value. Accepts
 * "--name VALUE", "--name=VALUE", "-x VALUE" and "-xVALUE". Returns 1 with *val set, 0 when the
 * argument is another option, -1 when the value is missing.
 */
static int
opt_value(int argc, char **argv, int *i, const char *name,
	  const char *shortname, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) == 0 && a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	/* A short option takes its value attached too: -j4. */
	if (shortname && strncmp(a, shortname, 2) == 0 && a[2]) {
		*val = a + 2;
		return 1;
	}
	if (strcmp(a, name) == 0 || (shortname && strcmp(a, shortname) == 0)) {
		if (*i + 1 >= argc)
			return -1;
		*val = argv[++*i];
		return 1;
	}
	return 0;
}

static unsigned
cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

static void
print_timings(const struct drv_project *p, const struct drv_build_stats *bs,
	      uint64_t total_ns)
{
	struct drv_phase rows[DRV_TIMING_ROWS];
	size_t i, n = drv_timing_rows(p, bs, rows);

	fprintf(stderr, "%-12s %10s %10s\n", "phase", "ms", "items");
	for (i = 0; i < n; i++) {
		fprintf(stderr, "%-12s %10.2f %10llu", rows[i].name,
			(double)rows[i].ns / 1e6,
			(unsigned long long)rows[i].items);
		if (bs && bs->incremental && strcmp(rows[i].name, "plan") == 0)
			fprintf(stderr, "  hits %zu, misses %zu", bs->hits,
				bs->misses);
		fputc('\n', stderr);
	}
	fprintf(stderr, "%-12s %10.2f %10.1f MB\n", "total",
		(double)total_ns / 1e6, (double)p->bytes / (1024.0 * 1024.0));
}

static int
cmd_check(int argc, char **argv, bool build)
{
	const char *cmd = build ? "build" : "check";
	const char *huge = getenv("LOCUS_HUGEPAGES");
	struct drv_check_opts co = { .src_dir = ".", .skip_dir = "generated" };
	struct drv_report_opts ro = { .fmt = ERRFMT_PRETTY, .warnings = true,
				      .out = stderr };
	struct drv_build_opts bo = { .out_dir = "generated",
				     .print_warnings = true };
	struct drv_build_stats bs;
	struct drv_config cfg;
	const char *color = "auto", *v, *cache_opt = NULL, *trace_path = NULL;
	bool timings = false, quiet = false, explain = false;
	struct drv_incr_stats is;
	struct cache *cache = NULL;
	char *cache_dir = NULL;
	struct drv_project p;
	uint64_t t0;
	int i, r, rc;

	/* One process, one build: its arrays are fresh pages (see xbig),
	 * on 2 MB pages only when asked for. */
	base_big = true;
	base_huge = huge && strcmp(huge, "1") == 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(build ? build_help : check_help, stdout);
			return DRV_EXIT_OK;
		} else if ((r = opt_value(argc, argv, &i, "--src", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a folder",
						   "--src");
			co.src_dir = v;
		} else if (build && (r = opt_value(argc, argv, &i, "--out",
						   NULL, &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a folder",
						   "--out");
			bo.out_dir = v;
			co.skip_dir = v;
		} else if (build && strcmp(a, "--dry-run") == 0) {
			bo.dry_run = true;
		} else if (build && strcmp(a, "--explain") == 0) {
			explain = true;
		} else if (build && (r = opt_value(argc, argv, &i, "--cache-dir",
						   NULL, &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a folder",
						   "--cache-dir");
			cache_opt = v;
		} else if ((r = opt_value(argc, argv, &i, "--errors", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a format",
						   "--errors");
			if (strcmp(v, "pretty") == 0)
				ro.fmt = ERRFMT_PRETTY;
			else if (strcmp(v, "json") == 0)
				ro.fmt = ERRFMT_JSON;
			else
				return usage_error(cmd,
					"unknown --errors format '%s' "
					"(expected pretty or json)", v);
		} else if ((r = opt_value(argc, argv, &i, "--color", NULL,
					  &v)) != 0) {
			if (r < 0 || (strcmp(v, "auto") && strcmp(v, "always") &&
				      strcmp(v, "never")))
				return usage_error(cmd,
					"--color takes auto, always or never%s",
					"");
			color = v;
		} else if ((r = opt_value(argc, argv, &i, "--jobs", "-j",
					  &v)) != 0) {
			char *end;
			long n;

			if (r < 0)
				return usage_error(cmd, "%s needs a number",
						   "--jobs");
			n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 1024)
				return usage_error(cmd,
					"--jobs takes a number from 1 to 1024, "
					"not '%s'", v);
			co.jobs = (unsigned)n;
		} else if (strcmp(a, "--no-warnings") == 0 ||
			   strcmp(a, "--suppress-warnings") == 0) {
			ro.warnings = false;
			bo.print_warnings = false;
		} else if (strcmp(a, "--timings") == 0) {
			timings = true;
		} else if ((r = opt_value(argc, argv, &i, "--trace", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a file name",
						   "--trace");
			trace_path = v;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = true;
		} else if (a[0] == '-') {
			return usage_error(cmd, "unknown option '%s'", a);
		} else {
			return usage_error(cmd,
				"unexpected argument '%s' (use --src DIR)", a);
		}
	}
	if (!co.jobs)
		co.jobs = cpu_count();
	bo.jobs = co.jobs;
	if (strcmp(color, "always") == 0)
		ro.color = true;
	else if (strcmp(color, "auto") == 0)
		ro.color = isatty(2) && !getenv("NO_COLOR");

	if (trace_path) {
		co.trace = drv_trace_new(co.jobs);
		bo.trace = co.trace;
	}
	t0 = base_now_ns();
	rc = drv_config_load(co.src_dir, &cfg);
	if (rc != DRV_EXIT_OK)
		return rc;
	co.keep_trees = build;
	memset(&bs, 0, sizeof(bs));
	memset(&is, 0, sizeof(is));
	if (build && !bo.dry_run) {
		/* The incremental engine: check and build in one. */
		struct drv_incr_opts io = { .check = &co, .build = &bo,
					    .cfg = &cfg, .explain = explain,
					    .log_cmd = "build", .log_t0 = t0 };
		io.progress = !quiet && ro.fmt == ERRFMT_PRETTY && isatty(2);
		io.leave_memory = DRV_LEAVE_MEMORY;
		int brc;

		cache_dir = drv_cache_dir(cache_opt);
		cache = cache_dir ? drv_cache_open(cache_dir) : NULL;
		io.cache = cache;
		brc = drv_incr_build(&io, NULL, &p, &is);
		if (brc == DRV_EXIT_USAGE) {
			cache_close(cache);
			free(cache_dir);
			drv_project_free(&p);
			drv_config_free(&cfg);
			return brc;
		}
		for (i = 0; (!p.diags_counted || p.io_errors) &&
			    i < (int)p.nfiles; i++)
			if (p.files[i].read_err)
				fprintf(stderr, "locusc: error: cannot read "
					"'%s': %s\n", p.files[i].path,
					base_strerror(p.files[i].read_err));
		drv_report(&p, &ro);
		drv_incr_warnings(&is, bo.print_warnings);
		rc = p.io_errors ? DRV_EXIT_IO
				 : p.errors ? DRV_EXIT_SOURCE : brc;
		bs = is.b;
		if (!is.logged)
			drv_log_build(cache, "build", &p, &bs, rc,
				      base_now_ns() - t0);
		/* Every transaction has ended: exit may close the
		 * environment (its maps unmapped once, all threads gone). */
		if (!DRV_LEAVE_MEMORY)
			cache_close(cache);
		free(cache_dir);
		goto summary;
	}
	rc = drv_check_project(&co, &p);
	if (rc != DRV_EXIT_OK) {
		drv_project_free(&p);
		drv_config_free(&cfg);
		return rc;
	}
	for (i = 0; i < (int)p.nfiles; i++)
		if (p.files[i].read_err)
			fprintf(stderr, "locusc: error: cannot read '%s': %s\n",
				p.files[i].path,
				base_strerror(p.files[i].read_err));
	drv_report(&p, &ro);
	rc = p.io_errors ? DRV_EXIT_IO
			 : p.errors ? DRV_EXIT_SOURCE : DRV_EXIT_OK;
	if (build && rc == DRV_EXIT_OK)
		rc = drv_build(&bo, &p, &cfg, &bs);
summary:
	if (timings)
		print_timings(&p, build ? &bs : NULL, base_now_ns() - t0);
	if (!quiet && ro.fmt == ERRFMT_PRETTY) {
		double ms = (double)(base_now_ns() - t0) / 1e6;

		if (p.errors)
			fprintf(stderr, "%s failed: %zu error%s, %zu "
				"warning%s in %zu file%s%s\n", cmd, p.errors,
				p.errors == 1 ? "" : "s", p.warnings,
				p.warnings == 1 ? "" : "s", p.nfiles,
				p.nfiles == 1 ? "" : "s",
				build ? "; nothing written" : "");
		else if (build && rc == DRV_EXIT_OK && bo.dry_run)
			fprintf(stderr, "dry run: %zu files would be written to "
				"%s\n", bs.outputs, bo.out_dir);
		else if (build && rc == DRV_EXIT_OK)
			fprintf(stderr, "built %zu of %zu outputs into %s in "
				"%.0f ms, %.1f%% cached (%zu written, %zu "
				"removed); %zu warning%s\n", bs.misses,
				bs.outputs, bo.out_dir, ms,
				bs.hits + bs.misses
					? 100.0 * (double)bs.hits /
						  (double)(bs.hits + bs.misses)
					: 100.0,
				bs.written, bs.removed,
				p.warnings + bs.warnings,
				p.warnings + bs.warnings == 1 ? "" : "s");
		else if (!build)
			fprintf(stderr, "checked %zu file%s (%zu declarations) "
				"in %.0f ms: no errors, %zu warning%s\n",
				p.nfiles, p.nfiles == 1 ? "" : "s", p.nunits,
				ms, p.warnings, p.warnings == 1 ? "" : "s");
	}
	if (trace_path && drv_trace_write(co.trace, trace_path) != 0) {
		fprintf(stderr, "locusc: error: cannot write the trace to "
			"'%s'\n", trace_path);
		if (rc == DRV_EXIT_OK)
			rc = DRV_EXIT_IO;
	}
	drv_trace_free(co.trace);
	if (!DRV_LEAVE_MEMORY) {  /* else exit gives it back */
		drv_project_free(&p);
		drv_config_free(&cfg);
	}
	return rc;
}

static int
cmd_watch(int argc, char **argv)
{
	struct drv_watch_opts wo = {
		.check = { .src_dir = ".", .skip_dir = "generated" },
		.report = { .fmt = ERRFMT_PRETTY, .warnings = true,
			    .out = stderr },
		.build = { .out_dir = "generated", .print_warnings = true },
		.debounce_ms = 10,
	};
	const char *color = "auto", *v;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(watch_help, stdout);
			return DRV_EXIT_OK;
		} else if ((r = opt_value(argc, argv, &i, "--src", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error("watch", "%s needs a folder",
						   "--src");
			wo.check.src_dir = v;
		} else if ((r = opt_value(argc, argv, &i, "--out", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error("watch", "%s needs a folder",
						   "--out");
			wo.build.out_dir = v;
			wo.check.skip_dir = v;
		} else if ((r = opt_value(argc, argv, &i, "--cache-dir", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error("watch", "%s needs a folder",
						   "--cache-dir");
			wo.cache_dir = v;
		} else if ((r = opt_value(argc, argv, &i, "--debounce", NULL,
					  &v)) != 0) {
			char *end;
			long n;

			if (r < 0)
				return usage_error("watch", "%s needs a number",
						   "--debounce");
			n = strtol(v, &end, 10);
			if (*end || end == v || n < 0 || n > 60000)
				return usage_error("watch",
					"--debounce takes milliseconds from 0 "
					"to 60000, not '%s'", v);
			wo.debounce_ms = (unsigned)n;
		} else if ((r = opt_value(argc, argv, &i, "--errors", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error("watch", "%s needs a format",
						   "--errors");
			if (strcmp(v, "pretty") == 0)
				wo.report.fmt = ERRFMT_PRETTY;
			else if (strcmp(v, "json") == 0)
				wo.report.fmt = ERRFMT_JSON;
			else
				return usage_error("watch",
					"unknown --errors format '%s' "
					"(expected pretty or json)", v);
		} else if ((r = opt_value(argc, argv, &i, "--color", NULL,
					  &v)) != 0) {
			if (r < 0 || (strcmp(v, "auto") && strcmp(v, "always") &&
				      strcmp(v, "never")))
				return usage_error("watch",
					"--color takes auto, always or never%s",
					"");
			color = v;
		} else if ((r = opt_value(argc, argv, &i, "--jobs", "-j",
					  &v)) != 0) {
			char *end;
			long n;

			if (r < 0)
				return usage_error("watch", "%s needs a number",
						   "--jobs");
			n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 1024)
				return usage_error("watch",
					"--jobs takes a number from 1 to 1024, "
					"not '%s'", v);
			wo.check.jobs = (unsigned)n;
		} else if (strcmp(a, "--no-warnings") == 0 ||
			   strcmp(a, "--suppress-warnings") == 0) {
			wo.report.warnings = false;
			wo.build.print_warnings = false;
		} else if (strcmp(a, "--timings") == 0) {
			wo.timings = true;
		} else if (strcmp(a, "--explain") == 0) {
			wo.explain = true;
		} else if (a[0] == '-') {
			return usage_error("watch", "unknown option '%s'", a);
		} else {
			return usage_error("watch",
				"unexpected argument '%s' (use --src DIR)", a);
		}
	}
	if (!wo.check.jobs)
		wo.check.jobs = cpu_count();
	wo.build.jobs = wo.check.jobs;
	if (strcmp(color, "always") == 0)
		wo.report.color = true;
	else if (strcmp(color, "auto") == 0)
		wo.report.color = isatty(2) && !getenv("NO_COLOR");
	return drv_watch(&wo);
}

/* Options shared by stats, cache and clean. */
static int
cmd_admin(int argc, char **argv, const char *cmd)
{
	const char *cache_opt = NULL, *out = "generated", *v, *what = NULL;
	uint64_t max_size = 0;
	bool json = false, have_size = false;
	size_t max = 20;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(strcmp(cmd, "stats") == 0   ? stats_help
			      : strcmp(cmd, "cache") == 0 ? cache_help
							  : clean_help,
			      stdout);
			return DRV_EXIT_OK;
		} else if (strcmp(cmd, "clean") != 0 &&
			   (r = opt_value(argc, argv, &i, "--cache-dir", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a folder",
						   "--cache-dir");
			cache_opt = v;
		} else if (strcmp(cmd, "clean") == 0 &&
			   (r = opt_value(argc, argv, &i, "--out", NULL,
					  &v)) != 0) {
			if (r < 0)
				return usage_error(cmd, "%s needs a folder",
						   "--out");
			out = v;
		} else if (strcmp(cmd, "stats") == 0 &&
			   (r = opt_value(argc, argv, &i, "-n", NULL, &v)) != 0) {
			char *end;
			long n;

			if (r < 0)
				return usage_error(cmd, "%s needs a number", "-n");
			n = strtol(v, &end, 10);
			if (*end || n < 0)
				return usage_error(cmd, "-n takes a number, not "
						   "'%s'", v);
			max = (size_t)n;
		} else if (strcmp(cmd, "stats") == 0 &&
			   strcmp(a, "--json") == 0) {
			json = true;
		} else if (strcmp(cmd, "cache") == 0 &&
			   (r = opt_value(argc, argv, &i, "--max-size", NULL,
					  &v)) != 0) {
			if (r < 0 || drv_parse_size(v, &max_size) != 0)
				return usage_error(cmd, "--max-size takes a size "
						   "such as 512M or 2G%s", "");
			have_size = true;
		} else if (strcmp(cmd, "cache") == 0 && !what && a[0] != '-') {
			if (strcmp(a, "stats") && strcmp(a, "gc") &&
			    strcmp(a, "clean"))
				return usage_error(cmd, "unknown cache action "
						   "'%s' (stats, gc or clean)",
						   a);
			what = a;
		} else if (a[0] == '-') {
			return usage_error(cmd, "unknown option '%s'", a);
		} else {
			return usage_error(cmd, "unexpected argument '%s'", a);
		}
	}
	if (strcmp(cmd, "stats") == 0)
		return drv_stats(cache_opt, max, json);
	if (strcmp(cmd, "clean") == 0)
		return drv_clean(out);
	if (!what)
		return usage_error(cmd, "say what to do: locusc cache "
				   "stats|gc|clean%s", "");
	if (strcmp(what, "gc") == 0 && !have_size)
		return usage_error(cmd, "cache gc needs --max-size SIZE%s", "");
	return drv_cache_cmd(what, cache_opt, max_size);
}

static int
cmd_explain(int argc, char **argv)
{
	const char *d;
	char code[16];
	size_t i;

	if (argc != 2)
		return usage_error("explain", "explain takes one code%s", "");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(explain_help, stdout);
		return DRV_EXIT_OK;
	}
	for (i = 0; argv[1][i] && i < sizeof(code) - 1; i++)
		code[i] = (char)(argv[1][i] >= 'a' && argv[1][i] <= 'z'
					 ? argv[1][i] - 32 : argv[1][i]);
	code[i] = 0;
	d = sema_code_description(code);
	if (!d)
		return usage_error("explain", "unknown diagnostic code '%s'",
				   argv[1]);
	printf("%s: %s\n", code, d);
	return DRV_EXIT_OK;
}

static int
cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_help, stdout);
		return DRV_EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		fputs(check_help, stdout);
	else if (strcmp(argv[1], "build") == 0)
		fputs(build_help, stdout);
	else if (strcmp(argv[1], "watch") == 0)
		fputs(watch_help, stdout);
	else if (strcmp(argv[1], "stats") == 0)
		fputs(stats_help, stdout);
	else if (strcmp(argv[1], "cache") == 0)
		fputs(cache_help, stdout);
	else if (strcmp(argv[1], "clean") == 0)
		fputs(clean_help, stdout);
	else if (strcmp(argv[1], "explain") == 0)
		fputs(explain_help, stdout);
	else if (strcmp(argv[1], "help") == 0)
		fputs(main_help, stdout);
	else
		return usage_error(NULL, "no help for unknown command '%s'",
				   argv[1]);
	return DRV_EXIT_OK;
}

/* Edit distance of two short words (commands are under 16 letters). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[17][17];

	if (la > 16 || lb > 16)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;

			d[i][j] = sub < del ? (sub < ins ? sub : ins)
					    : (del < ins ? del : ins);
			/* A swap of two neighbours counts as one edit. */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* The command a typo most likely meant, or NULL. */
static const char *
nearest_command(const char *typed)
{
	static const char *const cmds[] = { "build", "check", "clean",
					    "stats", "cache", "explain",
					    "help" };
	const char *best = NULL;
	size_t i, bd = 3;

	for (i = 0; i < ARRAY_LEN(cmds); i++) {
		size_t d = distance(typed, cmds[i]);

		if (d < bd) {
			bd = d;
			best = cmds[i];
		}
	}
	return best;
}

int
drv_main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs(main_help, stderr);
		return DRV_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		return cmd_help(1, argv + 1);
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("locusc %s\n", LOCUSC_VERSION);
		return DRV_EXIT_OK;
	}
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1, false);
	if (strcmp(cmd, "build") == 0)
		return cmd_check(argc - 1, argv + 1, true);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(argc - 1, argv + 1);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(cmd, "stats") == 0 || strcmp(cmd, "cache") == 0 ||
	    strcmp(cmd, "clean") == 0)
		return cmd_admin(argc - 1, argv + 1, cmd);
	if (strcmp(cmd, "help") == 0)
		return cmd_help(argc - 1, argv + 1);
	{
		const char *near = nearest_command(cmd);

		if (near) {
			fprintf(stderr, "locusc: error: unknown command '%s'; "
				"did you mean '%s'?\n", cmd, near);
			return DRV_EXIT_USAGE;
		}
	}
	return usage_error(NULL, "unknown command '%s'", cmd);
}
