/*
 * base.h - the foundation every other folder stands on: checked allocation,
 * arenas, string interning, growable buffers, content hashes and file
 * reading. Nothing here knows about Locus.
 */
#ifndef LOCUS_BASE_H
#define LOCUS_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>  /* memcpy, for le_put and le_get */

#if defined(__GNUC__)
#define BASE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define BASE_NORETURN __attribute__((noreturn))
#else
#define BASE_PRINTF(a, b)
#define BASE_NORETURN
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that cannot fail: out of memory prints a message and aborts. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/*
 * xcalloc with every page written once: for a table read before it is
 * written (a hash table's probes). Fresh pages that are read first map
 * the kernel's page of zeros, and the first write to each then faults
 * again to replace it, which makes the kernel flush that page from the
 * TLB of every CPU the process runs on, and wait for them.
 */
void *xcalloc_written(size_t n, size_t size);
/*
 * A large array of n items of size bytes (zeroed when zero), freed with
 * xbig_free. While base_big is set (one-shot builds), one of 1 MB or more
 * is a mapping of its own: fresh pages the kernel zeroed, not heap memory
 * calloc would clear once more (once base_keep_heap keeps freed blocks in
 * the heap, calloc clears every large block it hands out). While
 * base_huge is set too, it is rounded up to 2 MB, aligned to 2 MB and
 * asked to be backed by huge pages: one page fault per 2 MB instead of
 * 512. One-shot builds set base_huge when asked (LOCUS_HUGEPAGES=1): in
 * a VM whose kernel reports free 2 MB blocks to the hypervisor, a fresh
 * 2 MB page is seldom backed by the host and costs more than the 512
 * faults it saves.
 */
extern bool base_big, base_huge;
void *xbig(size_t n, size_t size, bool zero);
/* Frees an xbig array (or any malloc'd block): one xbig mapped itself
 * is unmapped; an aligned block from malloc asks for normal pages again
 * first, so that the heap that reuses it does not take 2 MB pages for
 * small blocks (free() alone would leave that). */
void xbig_free(void *p);
/*
 * From here on, freed blocks stay in the heap: no block of up to 32 MB
 * is given its own mapping, and the heap's free top is not given back.
 * Every unmap (a large block freed, a heap trimmed) makes the kernel
 * flush the TLB of each CPU the process runs on and wait for them; in a
 * VM that wait cost a small build 10-15 ms of CPU. For a process about
 * to exit, whose heap stays small. A no-op without glibc.
 */
void base_keep_heap(void);
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);
BASE_NORETURN void base_fatal(const char *fmt, ...) BASE_PRINTF(1, 2);

/* Broken invariants: an assert that names file and line, even in release. */
#define BASE_ASSERT(c)                                                   \
	do {                                                             \
		if (!(c))                                                \
			base_fatal("%s:%d: assertion failed: %s", __FILE__, \
				   __LINE__, #c);                        \
	} while (0)

/*
 * Arena: a bump allocator. Everything allocated from it is freed together
 * by arena_free. Memory is zeroed and aligned for pointers, 64-bit
 * integers and doubles (strings: not aligned).
 */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) BASE_PRINTF(2, 3);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Moves every allocation of src into dst (freed with it) and frees src. */
void arena_adopt(struct arena *dst, struct arena *src);
/* Bytes handed out so far (for statistics). */
size_t arena_used(const struct arena *a);

/*
 * Interned strings: one stored copy per distinct byte string, so equal
 * strings compare equal by pointer. The text is NUL-terminated. Interned
 * pointers live as long as their interner and must never reach the cache.
 */
struct istr {
	uint32_t len;
	uint32_t hash;
	char s[];
};
struct interner;
struct interner *intern_new(void);
void intern_free(struct interner *in);
const struct istr *intern_get(struct interner *in, const char *s, size_t len);
const struct istr *intern_cstr(struct interner *in, const char *s);
/* Number of distinct strings held. */
size_t intern_count(const struct interner *in);

/* Growable byte buffer; always NUL-terminated after any operation. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};
void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reserve(struct sbuf *b, size_t extra);
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) BASE_PRINTF(2, 3);
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Appends s as the inside of a JSON string (no quotes added). */
void sbuf_add_json_str(struct sbuf *b, const char *s, size_t n);
void sbuf_reset(struct sbuf *b);

/* Growable array of pointers. */
struct ptrvec {
	void **v;
	size_t n;
	size_t cap;
};
void ptrvec_push(struct ptrvec *pv, void *p);
void ptrvec_free(struct ptrvec *pv);

/* Content hash: XXH3-128. Equal bytes give equal hashes on every machine. */
struct hash128 {
	uint64_t lo;
	uint64_t hi;
};
struct hash128 hash_bytes(const void *p, size_t n);
bool hash_eq(struct hash128 a, struct hash128 b);
/* Little-endian encodings, so that records on disk move between
 * machines: an n-byte integer (n <= 8), a hash (lo, then hi: 16 bytes).
 * On a little-endian machine, a copy (one load or store where n is a
 * constant; byte by byte, the state's and tables' reads were 5 million
 * instructions of an entity edit). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BASE_LE 1
#else
#define BASE_LE 0
#endif

static inline void
le_put(unsigned char *p, uint64_t v, size_t n)
{
	size_t i;

	if (BASE_LE) {
		memcpy(p, &v, n);
		return;
	}
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t
le_get(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (BASE_LE) {
		memcpy(&v, p, n);
		return v;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void
hash_put(unsigned char *p, struct hash128 h)
{
	le_put(p, h.lo, 8);
	le_put(p + 8, h.hi, 8);
}

static inline struct hash128
hash_get(const unsigned char *p)
{
	struct hash128 h;

	h.lo = le_get(p, 8);
	h.hi = le_get(p + 8, 8);
	return h;
}
/* Writes 32 lowercase hex digits and a NUL into out[33]. */
void hash_hex(struct hash128 h, char out[33]);
uint32_t hash_str32(const char *s, size_t n);

/* The same hash over bytes given in pieces: hash_bytes of their
 * concatenation. */
struct hash_stream;
struct hash_stream *hash_stream_new(void);
void hash_stream_add(struct hash_stream *s, const void *p, size_t n);
struct hash128 hash_stream_done(struct hash_stream *s);  /* frees s */

/* Error codes of fallible calls: 0 or a negative BASE_E* value. */
#define BASE_ERRORS(X)                                    \
	X(BASE_EIO, -1, "input/output error")              \
	X(BASE_ENOENT, -2, "no such file or directory")     \
	X(BASE_ENOTDIR, -3, "not a directory")             \
	X(BASE_EACCES, -4, "permission denied")            \
	X(BASE_ETOOBIG, -5, "file too large")
enum base_err {
#define BASE_ENUM(name, val, text) name = val,
	BASE_ERRORS(BASE_ENUM)
#undef BASE_ENUM
};
const char *base_strerror(int err);

/*
 * Reads a whole file into a fresh xmalloc'd buffer (NUL-terminated; *len
 * excludes the NUL). Returns 0 or a negative base_err.
 */
int fs_read_file(const char *path, char **out, size_t *len);

/* Monotonic clock in nanoseconds. */
uint64_t base_now_ns(void);

#endif
