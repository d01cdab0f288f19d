/*
 * parse_internal.h - what the grammar (parser.y, generated into
 * build/gen/parser.c) and its glue (parse.c) share: the context every
 * grammar action receives, typed list helpers, and the tree builders the
 * actions call. Private to frontend/; nothing outside the parser uses it.
 */
#ifndef LOCUS_PARSE_INTERNAL_H
#define LOCUS_PARSE_INTERNAL_H

#include "frontend.h"

/* A name as the grammar sees it: interned text plus where it was written. */
struct pname {
	const struct istr *s;
	struct span sp;
};

/* Intrusive lists under construction keep their tail so that appending in
 * source order stays O(1). Every node type has `next` as its link. */
#define PARSE_LIST(tag, type)                                                  \
	struct tag {                                                           \
		struct type *head;                                             \
		struct type *tail;                                             \
	}
PARSE_LIST(arg_list, ast_arg);
PARSE_LIST(stmt_list, ast_stmt);
PARSE_LIST(ui_list, ast_ui);
PARSE_LIST(uattr_list, ast_ui_attr);
PARSE_LIST(param_list, ast_param);
PARSE_LIST(attr_list, ast_attr);
PARSE_LIST(dtok_list, ast_dtoken);
PARSE_LIST(theme_list, ast_theme);
PARSE_LIST(step_list, ast_step);
PARSE_LIST(branch_list, ast_ui_branch);
PARSE_LIST(mime_list, ast_mime);
PARSE_LIST(trig_list, ast_trigger);

#define PARSE_LIST_INIT(l) ((l).head = (l).tail = NULL)
/* Appends node n (evaluated more than once: pass a variable); NULL is
 * ignored so actions may return "no node" (whitespace text, `;`). */
#define PARSE_LIST_ADD(l, n)                                                   \
	do {                                                                   \
		if (n) {                                                       \
			if ((l).tail)                                          \
				(l).tail->next = (n);                          \
			else                                                   \
				(l).head = (n);                                \
			(l).tail = (n);                                        \
		}                                                              \
	} while (0)

/* The `else` part of an if statement while it is being built. */
struct else_part {
	struct ast_stmt *list;
	bool has;
};

/* Typography section contents. */
struct typo {
	struct dtok_list tokens;
	struct dtok_list weights;
	bool has_weights;
};

/* A MIME value written as a token run (image/svg+xml): where it starts and
 * ends, and whether whitespace separates two of its tokens. */
struct mime_run {
	uint32_t off;
	uint32_t end;
	bool gap;
};

/* The parse of one unit. */
struct parse_ctx {
	const char *text;
	uint32_t len;
	struct arena *a;
	struct interner *in;
	struct diag_list *d;
	struct ast_unit *unit;
	struct token cur;  /* the token being fed (the lookahead) */
	struct token last; /* the token fed before it */
	bool has_last;
	/*
	 * End of the last token shifted. While Lemon reduces a rule, every
	 * symbol of the rule ends at or before the token preceding the
	 * lookahead, so this is the end offset of the rule's text.
	 */
	uint32_t prev_end;
	bool stop;	      /* a syntax error was reported: feed no more */
	size_t errors_before; /* d->errors when the parse began */
	bool tag_mismatch;    /* one mismatched closing tag reported */
	bool store_ignored;   /* inside a second upload `store` clause */
	/*
	 * A syntax error is only recorded while parsing (the token, its
	 * index); parse_unit then replays the unit up to that token to get
	 * the parser's state before it, which the message needs. Replaying
	 * costs nothing on the common, error-free path.
	 */
	bool replay;          /* this is the replay: report nothing */
	bool need_report;
	int err_major;
	struct token err_tok;
	uint32_t ntok;        /* tokens fed so far */
	uint32_t err_ntok;    /* index of the token that failed */
	/* Parser state stack before the failing token (parse__snapshot). */
	uint32_t *snap;
	int snap_n;
	int snap_cap;
	/* Tails of the unit's member lists (views, entities, workflows...). */
	struct ast_field *field_tail;
	struct ast_relation *rel_tail;
	struct ast_param *param_tail;
	struct ast_param *state_tail;
	struct ast_action *action_tail;
	struct ast_upload_field *ufield_tail;
	/* Keyword spans of the first single-use blocks, for duplicates. */
	struct span kw_ui, kw_load, kw_unload, kw_style;
};

/* Deepest parser stack a unit may use before it gets E0211. */
#define PARSE_MAX_DEPTH 5000

/* End offset of the rule being reduced (see prev_end). */
#define PARSE_END(ctx) ((ctx)->prev_end)

/* ---- Lemon's parser (parser.y); %name locus_parse ---- */
void *locus_parseAlloc(void *(*alloc)(size_t));
void locus_parseFree(void *p, void (*dealloc)(void *));
void locus_parse(void *p, int major, struct token minor, struct parse_ctx *ctx);

/* Saves the parser's state stack into ctx; reports E0211 and sets
 * ctx->stop when it is deeper than allowed. */
void parse__snapshot(void *p, struct parse_ctx *ctx);
/* Depth of the parser's state stack. */
int parse__depth(void *p);
/* Fills out[] with the terminals the parser could have accepted in the
 * state saved by the last snapshot (keywords it would only take as
 * identifiers left out); returns how many (<= max). */
int parse__expected(const struct parse_ctx *ctx, int *out, int max);
/* Finds the innermost markup construct still open on the parser stack:
 * its TAG_OPEN, DIR_IF or DIR_EACH token; false when there is none. */
bool parse__open_markup(void *p, struct token *out);

/* ---- called by the grammar's error hooks (parse.c) ---- */
void parse__syntax_error(struct parse_ctx *ctx, void *parser, int major,
			 struct token tok);
void parse__overflow(struct parse_ctx *ctx);

/* ---- tree builders (parse.c) ---- */
struct span parse__span(uint32_t off, uint32_t end);
uint32_t parse__tok_end(struct token t);
struct pname parse__name(struct parse_ctx *ctx, struct token t);
struct span parse__str_inner(struct parse_ctx *ctx, struct token t);
void *parse__new(struct parse_ctx *ctx, size_t size);
struct ast_unit *parse__unit(struct parse_ctx *ctx, enum unit_kind kind,
			     struct pname name);

/* expressions */
struct ast_expr *parse__expr(struct parse_ctx *ctx, enum expr_kind kind,
			     uint32_t off, uint32_t end);
struct ast_expr *parse__lit(struct parse_ctx *ctx, enum expr_kind kind,
			    struct token t);
struct ast_expr *parse__unary(struct parse_ctx *ctx, enum expr_op op,
			      struct token k, struct ast_expr *e);
struct ast_expr *parse__binary(struct parse_ctx *ctx, enum expr_kind kind,
			       enum expr_op op, struct ast_expr *l,
			       struct ast_expr *r);
struct ast_expr *parse__member(struct parse_ctx *ctx, struct ast_expr *obj,
			       struct token name, bool optional);
struct ast_arg *parse__arg(struct parse_ctx *ctx, const struct pname *name,
			   struct ast_expr *value);
struct ast_param *parse__param(struct parse_ctx *ctx, struct pname name,
			       struct ast_type *type, struct ast_expr *init);

/* types */
struct ast_type *parse__type(struct parse_ctx *ctx, struct pname name,
			     bool optional, bool list, uint32_t off);

/* statements */
struct ast_stmt *parse__stmt(struct parse_ctx *ctx, enum stmt_kind kind,
			     uint32_t off);

/* data model */
struct ast_attr *parse__attr(struct parse_ctx *ctx, struct token start,
			     struct pname name, bool paren_form,
			     bool has_parens, struct ast_arg *args);
struct ast_attr *parse__at_attr(struct parse_ctx *ctx, struct token at,
				struct pname name, struct token lparen,
				struct ast_arg *args);
void parse__entity_field(struct parse_ctx *ctx, struct pname name,
			 struct ast_type *type, struct ast_attr *attrs);
void parse__entity_relation(struct parse_ctx *ctx, struct pname name,
			    struct token kind, struct ast_relation *r);
void parse__rel_option(struct parse_ctx *ctx, struct ast_relation *r,
		       struct token kw, struct pname value);

/* design */
struct ast_dtoken *parse__dtoken(struct parse_ctx *ctx, struct pname key,
				 struct token value);

/* views */
void parse__view_member_state(struct parse_ctx *ctx, struct token kw,
			      struct param_list list);
void parse__view_state_decl(struct parse_ctx *ctx, struct ast_param *p);
void parse__view_param(struct parse_ctx *ctx, struct token kw,
		       struct ast_param *p);
void parse__view_action(struct parse_ctx *ctx, struct token kw,
			struct pname name, struct param_list params,
			struct ast_stmt *body);
void parse__view_on(struct parse_ctx *ctx, struct token kw, struct token which,
		    struct ast_stmt *body);
void parse__view_bad_member(struct parse_ctx *ctx, struct token name,
			    struct ast_stmt *body);
void parse__view_ui(struct parse_ctx *ctx, struct token kw,
		    struct ast_ui *nodes);
void parse__view_style(struct parse_ctx *ctx, struct token kw, struct token css,
		       bool legacy);

/* UI markup */
struct ast_ui *parse__ui_text(struct parse_ctx *ctx, struct token t);
struct ast_ui *parse__ui_element(struct parse_ctx *ctx, struct token open,
				 struct ast_ui_attr *attrs,
				 struct ast_ui *children, struct token close,
				 bool self_closing);
struct ast_ui *parse__ui_finish(struct parse_ctx *ctx, struct ast_ui *list,
				bool inside_if);
struct ast_ui_attr *parse__ui_attr(struct parse_ctx *ctx, struct token name,
				   enum attr_value_kind kind,
				   struct token value, struct ast_expr *expr);
struct ast_ui_attr *parse__ui_each_attr(struct parse_ctx *ctx,
					struct token name, struct pname var,
					const struct pname *index,
					struct ast_expr *iterable);

/* workflows */
void parse__wf_section(struct parse_ctx *ctx, struct token kw, bool *has,
		       struct span *span);
struct span parse__trimmed_inner(struct parse_ctx *ctx, struct token lb,
				 struct token rb);
struct ast_step *parse__step(struct parse_ctx *ctx, enum step_kind kind,
			     struct token kw);

/* uploads */
void parse__upload_clause(struct parse_ctx *ctx, struct ast_upload_field *f,
			  struct token kw, struct token value);
struct ast_mime *parse__mime(struct parse_ctx *ctx, struct mime_run run);
struct ast_mime *parse__mime_string(struct parse_ctx *ctx, struct token t);
void parse__upload_store(struct parse_ctx *ctx, struct token kw,
			 struct pname value);
/* Closes the store clause opened by the last `store` keyword. */
void parse__upload_store_done(struct parse_ctx *ctx);

#endif
