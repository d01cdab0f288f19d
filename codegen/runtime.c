/*
 * runtime.c - the support files emitted under react/runtime/.
 *
 * They are the TypeScript, TSX and CSS sources under runtime/ in this
 * repository, turned into C data at build time by scripts/embed.c
 * (build/gen/runtime_files.c), so the binary needs nothing at run time.
 * The table is sorted by path and every file is emitted as is: the
 * sources already carry their header comment.
 */
#include "codegen.h"

/* Defined in the generated build/gen/runtime_files.c (same layout). */
struct cg__runtime_file {
	const char *path;
	const unsigned char *data;
	size_t len;
};

extern const struct cg__runtime_file cg__runtime_files[];
extern const size_t cg__runtime_nfiles;

size_t
cg_runtime_count(void)
{
	return cg__runtime_nfiles;
}

const char *
cg_runtime_path(size_t i)
{
	BASE_ASSERT(i < cg__runtime_nfiles);
	return cg__runtime_files[i].path;
}

void
cg_emit_runtime(const struct cg_model *m, size_t i, struct sbuf *o)
{
	(void)m;
	BASE_ASSERT(i < cg__runtime_nfiles);
	sbuf_add(o, cg__runtime_files[i].data, cg__runtime_files[i].len);
}
