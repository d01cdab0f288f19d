/*
 * main.c - runs the registered unit tests. `test_unit [filter]` runs the
 * tests whose name contains filter. Ends with "N passed, M failed".
 */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

struct test_case {
	const char *name;
	const char *file;
	void (*fn)(void);
};

static struct test_case cases[1024];
static int ncases;
static int current_failed;

void
test_register(const char *name, const char *file, void (*fn)(void))
{
	if (ncases == (int)(sizeof(cases) / sizeof(cases[0]))) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	cases[ncases].name = name;
	cases[ncases].file = file;
	cases[ncases].fn = fn;
	ncases++;
}

void
test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	current_failed++;
}

static int
by_name(const void *a, const void *b)
{
	const struct test_case *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : strcmp(x->name, y->name);
}

int
main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0, i;

	qsort(cases, (size_t)ncases, sizeof(cases[0]), by_name);
	for (i = 0; i < ncases; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		current_failed = 0;
		cases[i].fn();
		if (current_failed) {
			fprintf(stderr, "FAIL %s (%s)\n", cases[i].name,
				cases[i].file);
			failed++;
		} else {
			passed++;
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
