/*
 * ast.h - the syntax tree of one unit (one top-level declaration).
 *
 * Every node lives in the unit's arena and dies with it; lists are
 * intrusive (`next` pointers, source order). Names are interned. Spans are
 * byte offsets relative to the start of the unit's text, never to the file,
 * so a unit's tree does not change when lines are inserted above it.
 *
 * The grammar (parser.y) builds these nodes; sema.c checks them; codegen
 * prints from them. Nothing here keeps raw source text for later
 * re-parsing: UI markup, action bodies and conditions are real trees.
 */
#ifndef LOCUS_AST_H
#define LOCUS_AST_H

#include "../base/base.h"

struct span {
	uint32_t off;
	uint32_t len;
};

/* ------------------------------------------------------------------ */
/* Units                                                              */
/* ------------------------------------------------------------------ */

enum unit_kind {
	UNIT_ENTITY,     /* entity X { } inside a database block */
	UNIT_DESIGN,     /* one section of a design_system block */
	UNIT_PAGE,
	UNIT_COMPONENT,
	UNIT_STORE,
	UNIT_WORKFLOW,
	UNIT_UPLOAD,
	UNIT_ALIAS,      /* type Name = Target (file-local) */
	UNIT_KIND_COUNT
};

/* "entity", "design section", "page", ... for messages. */
const char *unit_kind_name(enum unit_kind k);

/*
 * Applies the JSX whitespace rule to raw markup text s[0..n): lines are
 * split at LF; every line but the first loses its leading whitespace and
 * every line but the last its trailing whitespace; lines left empty are
 * dropped; the rest are joined with one space. Returns the result
 * NUL-terminated in arena a, or NULL when nothing but whitespace remains.
 */
const char *ast_jsx_text(struct arena *a, const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Expressions                                                        */
/* ------------------------------------------------------------------ */

enum expr_kind {
	EXPR_IDENT,     /* name (true/false/null are identifiers too) */
	EXPR_NUMBER,    /* num; span is the literal text */
	EXPR_STRING,    /* str: the text between the quotes, undecoded */
	EXPR_SIZE,      /* 10MB: num holds bytes */
	EXPR_DURATION,  /* 30s: num holds milliseconds */
	EXPR_HEX,       /* #fff: str holds the text after '#' */
	EXPR_ARRAY,     /* [a, b]: items */
	EXPR_OBJECT,    /* { k: v, k2 }: props */
	EXPR_MEMBER,    /* object.name or object?.name */
	EXPR_INDEX,     /* object[index] */
	EXPR_CALL,      /* callee(args) */
	EXPR_UNARY,     /* op operand */
	EXPR_BINARY,    /* lhs op rhs */
	EXPR_COND,      /* cond ? then : else */
	EXPR_ASSIGN,    /* target op= value (op is EOP_NONE for '=') */
	EXPR_ARROW,     /* (params) => body_expr | { body_stmts } */
	EXPR_PAREN,     /* ( inner ) kept so printing is faithful */
};

enum expr_op {
	EOP_NONE,
	/* unary */
	EOP_NOT, EOP_NEG, EOP_PLUS, EOP_AWAIT, EOP_TYPEOF,
	/* binary, by precedence (high to low) */
	EOP_MUL, EOP_DIV, EOP_MOD,
	EOP_ADD, EOP_SUB,
	EOP_LT, EOP_GT, EOP_LE, EOP_GE,
	EOP_EQ, EOP_NE,          /* == and != (and === / !==) */
	EOP_AND, EOP_OR, EOP_NULLISH,
};

struct ast_expr;
struct ast_stmt;

/* A call argument or object property: optional name, then value. A named
 * call argument is `where: {...}`; an object shorthand `{ a }` has
 * name == a and value == an EXPR_IDENT a, shorthand set. */
struct ast_arg {
	struct ast_arg *next;
	const struct istr *name;     /* NULL for positional arguments */
	struct span name_span;
	struct ast_expr *value;
	bool shorthand;
	bool spread;                 /* ...value */
};

/* A parameter of an action or arrow function. */
struct ast_param;

struct ast_expr {
	enum expr_kind kind;
	struct span span;
	enum expr_op op;
	const struct istr *name;     /* IDENT, MEMBER (property name) */
	struct span name_span;       /* MEMBER: the property name */
	double num;                  /* NUMBER, SIZE, DURATION */
	struct span str;             /* STRING/HEX: the inner text */
	struct ast_expr *a;          /* MEMBER/INDEX object, CALL callee,
				      * UNARY operand, BINARY lhs, COND cond,
				      * ASSIGN target, PAREN inner */
	struct ast_expr *b;          /* INDEX index, BINARY rhs, COND then,
				      * ASSIGN value, ARROW body expression */
	struct ast_expr *c;          /* COND else */
	struct ast_arg *args;        /* CALL args, OBJECT props, ARRAY items
				      * (items use value only) */
	struct ast_param *params;    /* ARROW */
	struct ast_stmt *body;       /* ARROW with a block body */
	bool optional_chain;         /* MEMBER ?. */
	bool arrow_block;            /* ARROW body is a block */
};

/* ------------------------------------------------------------------ */
/* Statements (action and on-load bodies)                             */
/* ------------------------------------------------------------------ */

enum stmt_kind {
	STMT_EXPR,      /* expr (calls, assignments, await ...) */
	STMT_VAR,       /* const|let name = init */
	STMT_IF,        /* if cond then [else] */
	STMT_RETURN,    /* return [expr] */
	STMT_FOR,       /* for name in|of expr { body } */
	STMT_BLOCK,     /* { body } (only as an else branch) */
};

struct ast_stmt {
	struct ast_stmt *next;
	enum stmt_kind kind;
	struct span span;
	struct ast_expr *expr;       /* EXPR, VAR init, IF cond, RETURN value,
				      * FOR iterable */
	const struct istr *name;     /* VAR, FOR: the bound name */
	struct span name_span;
	bool is_const;               /* VAR: const (else let) */
	struct ast_stmt *then;       /* IF then-block statements, FOR/BLOCK body */
	struct ast_stmt *otherwise;  /* IF else: a statement list (an else-if
				      * is a one-element list holding an IF) */
	bool has_else;
};

/* ------------------------------------------------------------------ */
/* Types of fields, state, params                                      */
/* ------------------------------------------------------------------ */

struct ast_type {
	struct span span;            /* the whole written type */
	const struct istr *name;     /* base name as written: String, Customer, slot */
	struct span name_span;
	bool list;                   /* T[] or list of T */
	bool list_of_syntax;         /* written "list of T" */
	bool optional;               /* T? */
	bool optional_in_list;       /* T?[] or list of T? (an error for fields) */
	bool nullable;               /* "nullable" or "| Null" */
	bool null_union;             /* written "| X" */
	const struct istr *union_name; /* the X of "| X" (should be Null) */
	struct span union_span;
};

/* ------------------------------------------------------------------ */
/* Data model                                                         */
/* ------------------------------------------------------------------ */

/* @name, @name(args) or the legacy (name) / (name: value). */
struct ast_attr {
	struct ast_attr *next;
	struct span span;            /* whole attribute */
	const struct istr *name;     /* unique, default, map, id, min, ... */
	struct span name_span;
	bool paren_form;             /* legacy (name[: value]) */
	bool has_parens;             /* @name(...) written with parentheses */
	struct ast_arg *args;        /* @default(v): one positional arg;
				      * (default: v): one positional arg v;
				      * @length(min: 3, max: 20): named args */
};

struct ast_field {
	struct ast_field *next;
	const struct istr *name;
	struct span name_span;
	struct span span;            /* the whole member */
	struct ast_type type;
	struct ast_attr *attrs;      /* in source order, both forms mixed */
};

enum rel_kind { REL_HAS_MANY, REL_HAS_ONE, REL_BELONGS_TO };

struct ast_relation {
	struct ast_relation *next;
	const struct istr *name;
	struct span name_span;
	struct span span;
	enum rel_kind kind;
	struct span kind_span;
	const struct istr *target;
	struct span target_span;
	bool optional;               /* belongs_to T? */
	struct ast_attr *attrs;
	const struct istr *on_delete;  /* cascade, restrict, set_null, ... */
	struct span on_delete_span;
	const struct istr *inverse;
	struct span inverse_span;
};

struct ast_entity {
	const struct istr *name;
	struct span name_span;
	struct ast_field *fields;        /* source order */
	struct ast_relation *relations;  /* source order */
};

/* ------------------------------------------------------------------ */
/* Design system                                                      */
/* ------------------------------------------------------------------ */

enum design_section {
	DS_COLORS, DS_TYPOGRAPHY, DS_SPACING, DS_RADII, DS_SHADOWS
};

enum dtoken_kind { DTOK_STRING, DTOK_HEX, DTOK_NUMBER };

/* key: value inside a design section. */
struct ast_dtoken {
	struct ast_dtoken *next;
	const struct istr *key;
	struct span key_span;
	enum dtoken_kind kind;
	struct span value;           /* STRING: inner text; HEX: with '#';
				      * NUMBER: the literal */
	double num;
};

struct ast_theme {
	struct ast_theme *next;
	const struct istr *name;     /* from an identifier or a string */
	struct span name_span;
	struct ast_dtoken *tokens;
};

struct ast_design {
	enum design_section section;
	struct span keyword_span;
	struct ast_theme *themes;    /* colors */
	struct ast_dtoken *tokens;   /* typography, spacing, radii, shadows */
	struct ast_dtoken *weights;  /* typography { weights { } } */
	bool has_weights;
};

/* ------------------------------------------------------------------ */
/* UI markup                                                          */
/* ------------------------------------------------------------------ */

enum attr_value_kind {
	AV_NONE,        /* bare attribute: disabled */
	AV_STRING,      /* name="text" or name=word; str is the text */
	AV_EXPR,        /* name={expr} or name="{expr}" */
	AV_EACH,        /* for:each={item in iterable} */
};

struct ast_ui_attr {
	struct ast_ui_attr *next;
	const struct istr *name;     /* as written: class, on:click, bind:value,
				      * for:each, onClick, data-x */
	struct span name_span;
	struct span span;            /* name through value */
	enum attr_value_kind kind;
	struct span str;             /* AV_STRING */
	struct ast_expr *expr;       /* AV_EXPR value, AV_EACH iterable */
	const struct istr *each_var; /* AV_EACH */
	struct span each_var_span;
	const struct istr *each_index; /* for:each={(item, i) in xs}: i, or NULL */
};

enum ui_kind {
	UI_TEXT,        /* text: the JSX-cooked text (see below) */
	UI_EXPR,        /* {expr} */
	UI_ELEMENT,     /* <tag attrs>children</tag> or <tag/> */
	UI_IF,          /* <if condition={c}> / {#if c}: branches */
	UI_EACH,        /* {#each x in xs} children {/each} */
	UI_SLOT,        /* <slot/> or <slot name="x"/> */
};

/* One arm of an if chain: cond == NULL for the final else. */
struct ast_ui_branch {
	struct ast_ui_branch *next;
	struct span span;
	struct ast_expr *cond;
	struct ast_ui *children;
};

struct ast_ui {
	struct ast_ui *next;
	enum ui_kind kind;
	struct span span;
	/* UI_TEXT: the text after JSX whitespace rules (lines trimmed, blank
	 * lines dropped, remaining lines joined by one space), NUL-terminated,
	 * in the arena. Never empty. Whitespace within one line between two
	 * siblings is a node (" "), as in JSX; it is dropped at the start and
	 * end of a ui block and of if/else/each bodies. */
	const char *text;
	struct ast_expr *expr;       /* UI_EXPR; UI_EACH iterable */
	const struct istr *tag;      /* UI_ELEMENT */
	struct span tag_span;
	struct ast_ui_attr *attrs;   /* UI_ELEMENT */
	struct ast_ui *children;     /* UI_ELEMENT, UI_EACH */
	bool self_closing;
	struct ast_ui_branch *branches; /* UI_IF */
	const struct istr *each_var; /* UI_EACH */
	const struct istr *each_index;
	const struct istr *slot_name; /* UI_SLOT: NULL for the default slot */
};

/* ------------------------------------------------------------------ */
/* Pages, components, stores                                          */
/* ------------------------------------------------------------------ */

/* state entry, component param, action param, workflow input. */
struct ast_param {
	struct ast_param *next;
	const struct istr *name;
	struct span name_span;
	struct span span;
	bool has_type;
	struct ast_type type;
	struct ast_expr *init;       /* default / initial value, or NULL */
};

struct ast_action {
	struct ast_action *next;
	const struct istr *name;
	struct span name_span;
	struct span span;
	struct ast_param *params;
	struct ast_stmt *body;
};

/* A page, component or store (the unit kind tells which). Members a kind
 * does not support are rejected by sema with a positioned error. */
struct ast_view {
	const struct istr *name;
	struct span name_span;
	const struct istr *guard;    /* page (guard: role) */
	struct span guard_span;
	struct ast_param *params;    /* component params */
	struct ast_param *state;     /* all state entries, in order */
	struct span state_span;      /* first state block (or inline decls) */
	bool has_state;
	struct ast_action *actions;
	bool has_on_load;
	struct span on_load_span;
	struct ast_stmt *on_load;
	bool has_ui;
	struct span ui_span;
	struct ast_ui *ui;           /* several roots allowed */
	bool has_style;
	bool legacy_style;           /* written style: override { } */
	struct span style_span;
	struct span style_text;      /* the CSS between the braces */
	/* Members written more than once are kept (first wins) and flagged
	 * by the parser with a diagnostic. */
	bool has_on_unload;          /* on unload { } (added by the parser) */
	struct span on_unload_span;
	struct ast_stmt *on_unload;
};

/* ------------------------------------------------------------------ */
/* Workflows                                                          */
/* ------------------------------------------------------------------ */

enum trigger_kind { TRIG_CREATE, TRIG_UPDATE, TRIG_DELETE, TRIG_WEBHOOK };

struct ast_trigger {
	struct ast_trigger *next;
	enum trigger_kind kind;
	struct span span;
	const struct istr *entity;   /* create/update/delete */
	struct span entity_span;
	const struct istr *secret;   /* webhook(key: SECRET) */
	struct span secret_span;
};

enum step_kind {
	STEP_RUN, STEP_BRANCH, STEP_FOR_EACH, STEP_DELAY, STEP_HTTP_REQUEST,
	STEP_SEND_EMAIL, STEP_PARALLEL, STEP_QUEUE_PUBLISH, STEP_DB_TX,
};

struct ast_step {
	struct ast_step *next;
	enum step_kind kind;
	struct span span;
	struct span keyword_span;
	const struct istr *binding;  /* const NAME = ... */
	struct span binding_span;
	/* RUN */
	const struct istr *action;
	struct span action_span;
	struct ast_arg *args;        /* run a(x, k: v): named or positional */
	bool has_parens;
	/* BRANCH */
	struct ast_expr *cond;       /* condition: expr (NULL if absent) */
	struct ast_step *then_steps;
	struct ast_step *else_steps;
	bool has_then;
	bool has_else;
	/* FOR_EACH */
	const struct istr *var;
	struct span var_span;
	struct ast_expr *iterable;   /* FOR_EACH */
	/* PARALLEL, DB_TX, FOR_EACH body */
	struct ast_step *body;
	/* DELAY, SEND_EMAIL, HTTP_REQUEST, QUEUE_PUBLISH: key: value list */
	struct ast_arg *props;
	struct span body_span;       /* inside of the braces */
	const struct istr *label;    /* http_request NAME { } */
	struct span label_span;
	struct ast_expr *delay_value; /* delay { 5m } (a bare value) */
};

struct ast_workflow {
	const struct istr *name;
	struct span name_span;
	bool has_trigger;
	struct span trigger_span;
	struct ast_trigger *triggers;
	bool has_input;
	struct span input_span;
	struct ast_param *input;
	bool has_state;
	struct span state_span;
	struct ast_param *state;
	bool has_steps;
	struct span steps_span;
	struct ast_step *steps;
	bool has_retry;
	struct span retry_span;
	struct ast_arg *retry;       /* max: 3, backoff: exponential, ... */
	bool has_concurrency;
	struct span concurrency_span;
	struct ast_arg *concurrency; /* limit: 4, group: shipping */
	bool has_on_error;
	struct span on_error_span;
	struct span on_error_text;   /* inside of the braces, trimmed */
	struct ast_arg *on_error_items;  /* listed expressions (value only) */
	bool has_on_failure;
	struct span on_failure_span;
	struct span on_failure_text;
	struct ast_arg *on_failure_items;
};

/* ------------------------------------------------------------------ */
/* Uploads                                                            */
/* ------------------------------------------------------------------ */

struct ast_mime {
	struct ast_mime *next;
	struct span span;            /* the whole written value */
	const char *text;            /* e.g. image/png or a type wildcard (arena) */
};

struct ast_upload_field {
	struct ast_upload_field *next;
	const struct istr *name;
	struct span name_span;
	struct span span;
	bool has_max_size;
	double max_size;             /* bytes */
	struct span max_size_span;
	bool has_max_count;
	double max_count;
	struct span max_count_span;
	bool has_mime;
	struct ast_mime *mimes;
	bool required;
};

struct ast_upload {
	const struct istr *name;
	struct span name_span;
	struct ast_upload_field *fields;
	bool has_store;
	struct span store_span;
	const struct istr *strategy;
	struct span strategy_span;
	bool has_path;
	struct span path;            /* inner text of the string */
	const struct istr *naming;
	struct span naming_span;
};

/* ------------------------------------------------------------------ */
/* Aliases                                                            */
/* ------------------------------------------------------------------ */

struct ast_alias {
	const struct istr *name;
	struct span name_span;
	const struct istr *target;
	struct span target_span;
};

/* ------------------------------------------------------------------ */
/* The parsed unit                                                     */
/* ------------------------------------------------------------------ */

struct ast_unit {
	enum unit_kind kind;
	const struct istr *name;     /* declaration name; design: section word */
	struct span name_span;
	union {
		struct ast_entity *entity;
		struct ast_design *design;
		struct ast_view *view;   /* page, component, store */
		struct ast_workflow *workflow;
		struct ast_upload *upload;
		struct ast_alias *alias;
	} u;
};

#endif
