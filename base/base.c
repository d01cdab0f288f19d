/*
 * base.c - allocation, arenas, interning, buffers, hashes and file reading.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE  /* madvise */
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>  /* malloc_usable_size, mallopt */
#endif
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

void
base_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("locusc: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		base_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		base_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xcalloc_written(size_t n, size_t size)
{
	volatile char *p = xcalloc(n, size);
	size_t len = (n ? n : 1) * (size ? size : 1), i;

	/* One write per page (volatile: not left out as storing what is
	 * there already). */
	for (i = 0; i < len; i += 4096)
		p[i] = 0;
	p[len - 1] = 0;
	return (void *)p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		base_fatal("out of memory (%zu bytes)", n);
	return q;
}

bool base_big, base_huge;

#define HUGE_PAGE ((size_t)2 << 20)

/*
 * The arrays xbig maps itself, which xbig_free unmaps. Fresh pages are
 * zero: a zeroed array is not written over once more (glibc's aligned
 * blocks had to be, and the kernel had zeroed each 2 MB page already).
 */
#define BIG_MAX 64
static struct big_map {
	void *p;
	size_t len;
} big_maps[BIG_MAX];
static pthread_mutex_t big_mu = PTHREAD_MUTEX_INITIALIZER;

/* len bytes (with huge, a multiple of HUGE_PAGE at a 2 MB boundary, on
 * huge pages if the kernel will), or NULL. */
static void *
big_map(size_t len, bool huge)
{
	size_t span = huge ? len + HUGE_PAGE : len, i;
	char *m, *p;

	m = mmap(NULL, span, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	p = huge ? (char *)(((uintptr_t)m + HUGE_PAGE - 1) &
			    ~(uintptr_t)(HUGE_PAGE - 1))
		 : m;
	if (p > m)
		(void)munmap(m, (size_t)(p - m));
	if (m + span > p + len)
		(void)munmap(p + len, (size_t)(m + span - (p + len)));
	pthread_mutex_lock(&big_mu);
	for (i = 0; i < BIG_MAX && big_maps[i].p; i++)
		;
	if (i < BIG_MAX) {
		big_maps[i].p = p;
		big_maps[i].len = len;
	}
	pthread_mutex_unlock(&big_mu);
	if (i == BIG_MAX) {  /* no room to remember it */
		(void)munmap(p, len);
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	if (huge)
		(void)madvise(p, len, MADV_HUGEPAGE);  /* only a wish */
#endif
	return p;
}

/* Unmaps p when big_map made it. */
static bool
big_unmap(void *p)
{
	size_t i, len = 0;

	pthread_mutex_lock(&big_mu);
	for (i = 0; i < BIG_MAX; i++)
		if (big_maps[i].p == p) {
			len = big_maps[i].len;
			big_maps[i].p = NULL;
			break;
		}
	pthread_mutex_unlock(&big_mu);
	if (!len)
		return false;
	(void)munmap(p, len);
	return true;
}

void *
xbig(size_t n, size_t size, bool zero)
{
	size_t len;
	void *p;

	if (size && n > (SIZE_MAX - 2 * HUGE_PAGE) / size)
		base_fatal("out of memory (%zu x %zu bytes)", n, size);
	len = n * size;
	if (!(base_big || base_huge) || len < HUGE_PAGE / 2)
		return zero ? xcalloc(n, size) : xmalloc(len);
	if (base_huge)
		len = (len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if ((p = big_map(len, base_huge)) != NULL)
		return p;
	if (!base_huge)  /* the table of maps is full */
		return zero ? xcalloc(n, size) : xmalloc(len);
	if (posix_memalign(&p, HUGE_PAGE, len) != 0)
		base_fatal("out of memory (%zu bytes)", len);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);  /* only a wish */
#endif
	if (zero)
		memset(p, 0, n * size);
	return p;
}

void
xbig_free(void *p)
{
	if (p && big_unmap(p))
		return;
#if defined(MADV_NOHUGEPAGE) && defined(__GLIBC__)
	if (p && base_huge && ((uintptr_t)p & (HUGE_PAGE - 1)) == 0) {
		size_t n = malloc_usable_size(p) & ~(size_t)4095;

		if (n >= HUGE_PAGE / 2)
			(void)madvise(p, n, MADV_NOHUGEPAGE);
	}
#endif
	free(p);
}

void
base_keep_heap(void)
{
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, 32 << 20);  /* glibc's largest */
	(void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* ---- arena ---- */

/* The alignment of every scalar the arenas hold (pointers, 64-bit
 * integers, doubles): not max_align_t's 16, which cost trees and
 * summaries 4 to 15 bytes a node. */
union arena_align {
	void *p;
	uint64_t u;
	double d;
};
#define ARENA_ALIGN _Alignof(union arena_align)

struct arena_chunk {
	struct arena_chunk *prev;
	size_t cap;
	size_t used;
	union arena_align data[];
};

struct arena {
	struct arena_chunk *cur;
	size_t total;
};

/*
 * Chunks start small and double up to ARENA_CHUNK_MAX: a project holds
 * one long-lived arena per file (summaries, diagnostics), most of them
 * nearly empty, while a unit's tree arena grows to tens of kilobytes.
 */
#define ARENA_CHUNK_MIN 512
#define ARENA_CHUNK_MAX 65536

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *prev;

	if (!a)
		return;
	for (c = a->cur; c; c = prev) {
		prev = c->prev;
		free(c);
	}
	free(a);
}

/* n bytes aligned to align (a power of two, at most ARENA_ALIGN). */
static void *
arena_take(struct arena *a, size_t n, size_t align)
{
	struct arena_chunk *c = a->cur;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	void *p;

	if (!c || c->cap < at || c->cap - at < n) {
		size_t step = c ? c->cap * 2 : ARENA_CHUNK_MIN;
		size_t cap;

		if (step > ARENA_CHUNK_MAX)
			step = ARENA_CHUNK_MAX;
		cap = n > step / 2 ? (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1)
				   : step;
		c = xmalloc(sizeof(*c) + cap);
		c->prev = a->cur;
		c->cap = cap;
		c->used = 0;
		/* A big allocation gets its own chunk behind the current one,
		 * so the current chunk's free space is not wasted. */
		if (cap != step && a->cur) {
			c->prev = a->cur->prev;
			a->cur->prev = c;
			c->used = n;
			a->total += n;
			memset(c->data, 0, n);
			return c->data;
		}
		a->cur = c;
		at = 0;
	}
	p = (char *)c->data + at;
	c->used = at + n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_take(a, n, ARENA_ALIGN);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_take(a, n + 1, 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_take(a, (size_t)n + 1, 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_chunk *tail;

	if (!src->cur) {
		free(src);
		return;
	}
	if (!dst->cur) {
		dst->cur = src->cur;
	} else {
		/* src's chunks go behind dst's current one, which keeps
		 * taking allocations. */
		for (tail = src->cur; tail->prev; tail = tail->prev)
			;
		tail->prev = dst->cur->prev;
		dst->cur->prev = src->cur;
	}
	dst->total += src->total;
	free(src);
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

/* ---- interner: open addressing over istr pointers ---- */

struct interner {
	const struct istr **slots;
	size_t cap;
	size_t count;
	struct arena *arena;
};

uint32_t
hash_str32(const char *s, size_t n)
{
	return (uint32_t)XXH3_64bits(s, n);
}

struct interner *
intern_new(void)
{
	struct interner *in = xcalloc(1, sizeof(*in));

	in->cap = 256;
	in->slots = xcalloc(in->cap, sizeof(*in->slots));
	in->arena = arena_new();
	return in;
}

void
intern_free(struct interner *in)
{
	if (!in)
		return;
	free(in->slots);
	arena_free(in->arena);
	free(in);
}

static void
intern_grow(struct interner *in)
{
	size_t ncap = in->cap * 2, i;
	const struct istr **ns = xcalloc(ncap, sizeof(*ns));

	for (i = 0; i < in->cap; i++) {
		const struct istr *s = in->slots[i];
		size_t j;

		if (!s)
			continue;
		for (j = s->hash & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = s;
	}
	free(in->slots);
	in->slots = ns;
	in->cap = ncap;
}

const struct istr *
intern_get(struct interner *in, const char *s, size_t len)
{
	uint32_t h = hash_str32(s, len);
	size_t j;
	struct istr *n;

	for (j = h & (in->cap - 1); in->slots[j]; j = (j + 1) & (in->cap - 1)) {
		const struct istr *e = in->slots[j];

		if (e->hash == h && e->len == len && memcmp(e->s, s, len) == 0)
			return e;
	}
	n = arena_alloc(in->arena, sizeof(*n) + len + 1);
	n->len = (uint32_t)len;
	n->hash = h;
	memcpy(n->s, s, len);
	n->s[len] = 0;
	in->slots[j] = n;
	if (++in->count * 2 > in->cap)
		intern_grow(in);
	return n;
}

const struct istr *
intern_cstr(struct interner *in, const char *s)
{
	return intern_get(in, s, strlen(s));
}

size_t
intern_count(const struct interner *in)
{
	return in->count;
}

/* ---- sbuf ---- */

void
sbuf_init(struct sbuf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->p);
	sbuf_init(b);
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void
sbuf_reserve(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void
sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	sbuf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
}

void
sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}

/*
 * The formats of the generators are mostly long templates whose only
 * conversions are %s: those are copied run by run here (vsnprintf went
 * through them a character at a time, twice when the text did not fit
 * the spare room: 6% of a cold build). Whether fmt is such a template
 * (only %s and %%); false sends it to vsnprintf.
 */
static bool
only_s(const char *fmt)
{
	const char *p = fmt;

	while ((p = strchr(p, '%')) != NULL) {
		if (p[1] != 's' && p[1] != '%')
			return false;
		p += 2;
	}
	return true;
}

static void
sbuf_put_s(struct sbuf *b, const char *fmt, va_list ap)
{
	const char *p = fmt, *q;

	while ((q = strchr(p, '%')) != NULL) {
		sbuf_add(b, p, (size_t)(q - p));
		if (q[1] == '%') {
			sbuf_addc(b, '%');
		} else {
			const char *s = va_arg(ap, const char *);

			sbuf_adds(b, s ? s : "(null)");
		}
		p = q + 2;
	}
	sbuf_adds(b, p);
}

void
sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (only_s(fmt)) {
		sbuf_put_s(b, fmt, ap);
		return;
	}

	/* Format straight into the spare room; only when it does not fit,
	 * grow and format again. Generators call this for every fragment. */
	sbuf_reserve(b, 128);
	va_copy(ap2, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n <= 0) {
		b->p[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		sbuf_reserve(b, (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
sbuf_add_json_str(struct sbuf *b, const char *s, size_t n)
{
	size_t i, run = 0;

	/* Runs of characters that need no escape go in with one copy. */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sbuf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': sbuf_add(b, "\\\"", 2); break;
		case '\\': sbuf_add(b, "\\\\", 2); break;
		case '\n': sbuf_add(b, "\\n", 2); break;
		case '\r': sbuf_add(b, "\\r", 2); break;
		case '\t': sbuf_add(b, "\\t", 2); break;
		case '\b': sbuf_add(b, "\\b", 2); break;
		case '\f': sbuf_add(b, "\\f", 2); break;
		default:
			sbuf_printf(b, "\\u%04x", c);
		}
	}
	sbuf_add(b, s + run, n - run);
}

/* ---- ptrvec ---- */

void
ptrvec_push(struct ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 16;
		pv->v = xrealloc(pv->v, pv->cap * sizeof(*pv->v));
	}
	pv->v[pv->n++] = p;
}

void
ptrvec_free(struct ptrvec *pv)
{
	free(pv->v);
	pv->v = NULL;
	pv->n = pv->cap = 0;
}

/* ---- hashes ---- */

struct hash_stream {
	XXH3_state_t *st;
};

struct hash_stream *
hash_stream_new(void)
{
	struct hash_stream *s = xmalloc(sizeof(*s));

	s->st = XXH3_createState();
	if (!s->st)
		base_fatal("out of memory");
	XXH3_128bits_reset(s->st);
	return s;
}

void
hash_stream_add(struct hash_stream *s, const void *p, size_t n)
{
	if (n)
		XXH3_128bits_update(s->st, p, n);
}

struct hash128
hash_stream_done(struct hash_stream *s)
{
	XXH128_hash_t h = XXH3_128bits_digest(s->st);
	struct hash128 r;

	r.lo = h.low64;
	r.hi = h.high64;
	XXH3_freeState(s->st);
	free(s);
	return r;
}

struct hash128
hash_bytes(const void *p, size_t n)
{
	XXH128_hash_t h = XXH3_128bits(p, n);
	struct hash128 r = { h.low64, h.high64 };

	return r;
}

bool
hash_eq(struct hash128 a, struct hash128 b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

void
hash_hex(struct hash128 h, char out[33])
{
	static const char digit[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		out[i] = digit[(h.hi >> (60 - 4 * i)) & 15];
		out[16 + i] = digit[(h.lo >> (60 - 4 * i)) & 15];
	}
	out[32] = 0;
}

/* ---- errors, files, time ---- */

const char *
base_strerror(int err)
{
	switch (err) {
#define BASE_STR(name, val, text) \
	case val:                 \
		return text;
		BASE_ERRORS(BASE_STR)
#undef BASE_STR
	case 0:
		return "success";
	}
	return "unknown error";
}

static int
errno_to_base(int e)
{
	switch (e) {
	case ENOENT: return BASE_ENOENT;
	case ENOTDIR: return BASE_ENOTDIR;
	case EACCES:
	case EPERM: return BASE_EACCES;
	case EFBIG: return BASE_ETOOBIG;
	default: return BASE_EIO;
	}
}

int
fs_read_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	int fd, rc = 0;
	size_t got = 0, cap;
	char *buf;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno_to_base(errno);
	if (fstat(fd, &st) < 0) {
		rc = errno_to_base(errno);
		goto err_close;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = BASE_EIO;
		goto err_close;
	}
	if ((uint64_t)st.st_size > (uint64_t)1 << 31) {
		rc = BASE_ETOOBIG;
		goto err_close;
	}
	/* Room for the size fstat gave and the NUL: a file read whole
	 * leaves got == cap - 1, and only a file that grew since takes the
	 * probe read below into a bigger buffer (doubling on the first
	 * read's end would give every file twice its size: 20 MB more at
	 * 10,000 files). */
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		char probe[4096];
		ssize_t r;

		if (got + 1 < cap)
			r = read(fd, buf + got, cap - got - 1);
		else
			r = read(fd, probe, sizeof(probe));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = errno_to_base(errno);
			free(buf);
			goto err_close;
		}
		if (r == 0)
			break;
		if (got + 1 >= cap) {
			/* Longer than fstat said: grow and keep the probe. */
			cap = cap * 2 + (size_t)r;
			buf = xrealloc(buf, cap);
			memcpy(buf + got, probe, (size_t)r);
		}
		got += (size_t)r;
	}
	buf[got] = 0;
	*out = buf;
	*len = got;
err_close:
	close(fd);
	return rc;
}

uint64_t
base_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
