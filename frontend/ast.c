/*
 * ast.c - small helpers over the syntax tree: names of unit kinds for
 * messages and the JSX whitespace rule that turns raw markup text into the
 * text of a UI_TEXT node.
 */
#include <string.h>

#include "ast.h"

const char *
unit_kind_name(enum unit_kind k)
{
	switch (k) {
	case UNIT_ENTITY:
		return "entity";
	case UNIT_DESIGN:
		return "design section";
	case UNIT_PAGE:
		return "page";
	case UNIT_COMPONENT:
		return "component";
	case UNIT_STORE:
		return "store";
	case UNIT_WORKFLOW:
		return "workflow";
	case UNIT_UPLOAD:
		return "upload policy";
	case UNIT_ALIAS:
		return "type alias";
	case UNIT_KIND_COUNT:
		break;
	}
	return "declaration";
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

const char *
ast_jsx_text(struct arena *a, const char *s, size_t n)
{
	/* The result is never longer than the input. */
	char *out = arena_alloc(a, n + 1);
	size_t len = 0, pos = 0;
	bool first = true, any = false;

	while (pos <= n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - s) : n;
		size_t b = pos, e = end;
		bool last = nl == NULL;

		if (!first)
			while (b < e && is_space(s[b]))
				b++;
		if (!last)
			while (e > b && is_space(s[e - 1]))
				e--;
		if (e > b) {
			if (any)
				out[len++] = ' ';
			memcpy(out + len, s + b, e - b);
			len += e - b;
			any = true;
		}
		first = false;
		if (last)
			break;
		pos = end + 1;
	}
	out[len] = '\0';
	/* Only a run that cooks to nothing makes no node; a space within one
	 * line (`{first} {last}`) is content, as in JSX. */
	return len ? out : NULL;
}
