/*
 * cg_internal.h - what react.c and expr.c share: the state of one page or
 * component being printed (its names in scope, the imports it needs) and
 * the TypeScript printers for expressions, statements and types.
 */
#ifndef LOCUS_CG_INTERNAL_H
#define LOCUS_CG_INTERNAL_H

#include "codegen.h"

/* Data client functions a view calls (react/runtime/dataClient). */
enum {
	CG_USE_FIND = 1u << 0,
	CG_USE_FINDONE = 1u << 1,
	CG_USE_CREATE = 1u << 2,
	CG_USE_UPDATE = 1u << 3,
	CG_USE_REMOVE = 1u << 4,
	CG_USE_LOG = 1u << 5,
};

/* A list of distinct names in first-use order. */
struct cg_names {
	const char **v;
	size_t n;
	size_t cap;
};

/* One page or component being printed. */
struct cg_view {
	const struct cg_model *m;
	const struct cg_decl *d;
	const struct ast_view *v;
	/* Names bound inside the view (action parameters, locals, loop and
	 * arrow variables), innermost last: they shadow state variables and
	 * the data built-ins. */
	struct cg_names scope;
	unsigned data_uses;          /* CG_USE_* */
	struct cg_names entities;    /* entity types to import */
	struct cg_names builtins;    /* Button, Input, Stack, Text */
	struct cg_names components;  /* user components, first use order */
	/* The event parameter of a DOM handler being printed: its
	 * e.target.value reads e.currentTarget.value, which React types. */
	const char *event_param;
};

/* Adds name to l unless present; returns whether it was added. */
bool cg__names_add(struct cg_names *l, const char *name);
bool cg__names_has(const struct cg_names *l, const char *name);
void cg__names_free(struct cg_names *l);

/* Scope handling: mark, bind names, then pop back to the mark. */
size_t cg__scope_mark(const struct cg_view *c);
void cg__scope_push(struct cg_view *c, const char *name);
void cg__scope_pop(struct cg_view *c, size_t mark);

/* The state entry a free identifier refers to, or NULL when it is not
 * state or a local of the same name hides it. */
const struct ast_param *cg__state(const struct cg_view *c, const char *name);

/* Appends `set` + capitalize(name). */
void cg__put_setter(struct sbuf *o, const char *name);

/* A TypeScript type for a written Locus type; entity types are recorded
 * for import. `slot` and `children` give React.ReactNode. */
void cg__put_type(struct cg_view *c, struct sbuf *o, const struct ast_type *t);
/*
 * Appends the name an entity type has in the view's module and records
 * the import: the entity's own name, or <E>Record (<E>Record2, ...) when
 * the view, a component, a built-in or another import has that name.
 * cg__put_entity_local only appends the name.
 */
void cg__put_entity_type(struct cg_view *c, struct sbuf *o,
			 const char *entity);
void cg__put_entity_local(const struct cg_view *c, struct sbuf *o,
			  const char *entity);
/* Whether name is one of the runtime's built-in tags (Button, ...). */
bool cg__is_builtin_name(const char *name);
/* Whether the type is a plain (non-list, non-optional) primitive whose
 * TypeScript type useState can infer from a literal. */
const char *cg__prim_type(const struct ast_type *t);
/* The TypeScript type of a primitive type name, or NULL. */
const char *cg__prim_type_name(const char *name);

/*
 * Prints an expression as TypeScript. minprec is the lowest precedence
 * the context accepts without parentheses (0: any). indent is the
 * indentation (in spaces) of the line the expression starts on, used for
 * block bodies of arrow functions.
 */
void cg__expr(struct cg_view *c, struct sbuf *o, const struct ast_expr *e,
	      int minprec, int indent);
/* Precedence levels used by callers. */
enum {
	CG_PREC_ANY = 0,
	CG_PREC_ASSIGN = 2,
	CG_PREC_COND = 3,
	CG_PREC_OR = 4,
	CG_PREC_UNARY = 15,
	CG_PREC_POSTFIX = 20,
};

/* Prints statements, one per line, each indented by indent spaces. */
void cg__stmts(struct cg_view *c, struct sbuf *o, const struct ast_stmt *s,
	       int indent);

/* Whether an `await` occurs in the statements / expression, outside of
 * nested arrow functions. */
bool cg__stmts_await(const struct ast_stmt *s);
bool cg__expr_await(const struct ast_expr *e);

/* A string literal from the undecoded inner text of a Locus string,
 * printed single-quoted. */
void cg__put_str(struct sbuf *o, const char *s, size_t n);

void cg__indent(struct sbuf *o, int n);

#endif
