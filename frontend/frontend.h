/*
 * frontend.h - the public face of frontend/: split a file into units,
 * parse a unit into its tree, check units locally and across the project.
 */
#ifndef LOCUS_FRONTEND_H
#define LOCUS_FRONTEND_H

#include "../base/base.h"
#include "../base/diag.h"
#include "ast.h"

/* ---- lexer (lexer.re) ---- */

/* One token. type is a TK_* value of the generated parser.h, or 0 at end
 * of input. off/len are byte offsets in the text given to lex_init. */
struct token {
	int type;
	uint32_t off;
	uint32_t len;
	double num;          /* NUMBER value; SIZE in bytes; DURATION in ms */
};

#define LEX_MAX_MODES 64

/* Lexer state. Plain data, safe to copy; lives on the caller's stack. */
struct lexer {
	const char *src;
	uint32_t len;
	uint32_t pos;
	int mode[LEX_MAX_MODES];  /* mode stack, see TOKENS.md */
	int depth[LEX_MAX_MODES]; /* brace depth per expression mode */
	uint32_t start[LEX_MAX_MODES]; /* where each mode was entered */
	int sp;
	int prev;                 /* type of the previous token */
	int prev2;                /* and the one before */
	bool overflow;            /* nesting deeper than LEX_MAX_MODES */
	struct diag_list *diags;  /* lexical errors go here (may be NULL) */
};

/* Starts lexing src[0..len) in the top-level (normal) mode. Lexical
 * errors are added to d (which may be NULL) and never stop the lexer. */
void lex_init(struct lexer *lx, const char *src, size_t len,
	      struct diag_list *d);
/* Fills *t with the next token; t->type == 0 at end of input. */
void lex_next(struct lexer *lx, struct token *t);
/* The spelling of a token type for messages ("'{'", "identifier"). */
const char *lex_token_name(int type);

/* ---- splitter (split.c) ---- */

/* One unit found in a file. Offsets are bytes in the file; line and col
 * (1-based) are where the unit's first byte is. */
struct unit_src {
	enum unit_kind kind;
	uint32_t off;
	uint32_t len;
	uint32_t line;
	uint32_t col;
	uint32_t name_off;   /* declaration name (design: section keyword) */
	uint32_t name_len;
	struct hash128 hash; /* XXH3-128 of the unit's exact bytes */
	bool truncated;      /* a '{' was not closed: the unit was cut short */
};

/*
 * Splits a file into units using only the lexer and brace matching.
 * *out receives an xmalloc'd array (caller frees) of *n units in source
 * order. Problems outside any unit (stray tokens at top level, a block
 * that is not closed, something other than an entity inside `database`)
 * are added to d as file-level diagnostics: their unit field is
 * UINT32_MAX and their offsets are relative to the file.
 */
void split_file(const char *text, size_t len, struct unit_src **out,
		size_t *n, struct diag_list *d);

/* ---- parser (parser.y) ---- */

/*
 * Parses one unit's text (exactly the bytes the splitter found) into a
 * tree allocated in a. Names are interned in in. Syntax and lexical errors
 * go to d with offsets relative to text. Returns the tree, or NULL when
 * the unit could not be parsed at all (then d holds at least one error).
 * A tree is returned even after errors when enough was recognised to be
 * useful for later checks; callers must not generate code from a unit
 * whose parse reported errors.
 */
struct ast_unit *parse_unit(const char *text, size_t len, struct arena *a,
			    struct interner *in, struct diag_list *d);

#endif
