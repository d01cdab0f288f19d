/*
 * diag.c - the diagnostics sink.
 */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

void
diag_list_init(struct diag_list *l, struct arena *a)
{
	memset(l, 0, sizeof(*l));
	l->arena = a;
}

void
diag_list_free(struct diag_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

struct diag *
diag_vadd(struct diag_list *l, enum diag_sev sev, const char *code,
	  uint32_t off, uint32_t len, const char *fmt, va_list ap)
{
	struct diag *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));
	d->sev = sev;
	d->code = code;
	d->message = arena_vprintf(l->arena, fmt, ap);
	d->unit = l->unit;
	d->off = off;
	d->len = len;
	if (sev == DIAG_ERROR)
		l->errors++;
	else
		l->warnings++;
	return d;
}

struct diag *
diag_add(struct diag_list *l, enum diag_sev sev, const char *code,
	 uint32_t off, uint32_t len, const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_vadd(l, sev, code, off, len, fmt, ap);
	va_end(ap);
	return d;
}

void
diag_set_help(struct diag_list *l, struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d->help = arena_vprintf(l->arena, fmt, ap);
	va_end(ap);
}

void
diag_set_related(struct diag_list *l, struct diag *d, uint32_t unit,
		 uint32_t off, uint32_t len, const char *fmt, ...)
{
	va_list ap;

	d->has_related = true;
	d->rel_unit = unit;
	d->rel_off = off;
	d->rel_len = len;
	va_start(ap, fmt);
	d->rel_message = arena_vprintf(l->arena, fmt, ap);
	va_end(ap);
}

void
diag_list_append(struct diag_list *dst, const struct diag_list *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		const struct diag *s = &src->v[i];
		struct diag *d = diag_add(dst, s->sev, s->code, s->off, s->len,
					  "%s", s->message);

		d->unit = s->unit;
		if (s->help)
			d->help = arena_strndup(dst->arena, s->help,
						strlen(s->help));
		if (s->has_related) {
			d->has_related = true;
			d->rel_unit = s->rel_unit;
			d->rel_off = s->rel_off;
			d->rel_len = s->rel_len;
			d->rel_message = s->rel_message
				? arena_strndup(dst->arena, s->rel_message,
						strlen(s->rel_message))
				: NULL;
		}
	}
}

enum diag_family
diag_code_family(const char *code)
{
	/* Codes are "E" or "W" followed by four digits; the first two digits
	 * name the area: 01 lexer, 02 syntax, 08 duplicates across files,
	 * everything else is a semantic rule. */
	if (code && strlen(code) >= 3) {
		if (code[1] == '0' && (code[2] == '1' || code[2] == '2'))
			return DIAG_FAM_PARSE;
		if (code[1] == '0' && code[2] == '8')
			return DIAG_FAM_MERGE;
	}
	return DIAG_FAM_VALIDATION;
}
