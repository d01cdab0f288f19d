/*
 * parser.y - the Locus grammar (Lemon). One parse is one unit: the text of
 * one top-level declaration as found by the splitter (split.c). The token
 * list below is the contract with the lexer (lexer.re): its order fixes
 * the token numbers in the generated parser.h, so append, never reorder.
 */

%name locus_parse
%token_prefix TK_
%token_type {struct token}
%extra_argument {struct parse_ctx *ctx}
%start_symbol unit

/* ---- the token protocol (see frontend/TOKENS.md) ---- */

/* literals */
%token IDENT NUMBER STRING HEX SIZE DURATION.

/* punctuation and operators */
%token LBRACE RBRACE LPAREN RPAREN LBRACKET RBRACKET
       COLON COMMA DOT QDOT SEMI QUESTION PIPE AT ELLIPSIS
       EQ PLUSEQ MINUSEQ ARROW ARROW_LP
       EQEQ NOTEQ ANDAND OROR NULLISH NOT
       PLUS MINUS STAR SLASH PERCENT LT GT LE GE.

/* top level */
%token DATABASE ENTITY DESIGN_SYSTEM COLORS TYPOGRAPHY SPACING RADII SHADOWS
       WEIGHTS PAGE COMPONENT STORE WORKFLOW UPLOAD TYPE.

/* members of pages, components, stores */
%token STATE ACTION ON LOAD UNLOAD UI PARAM STYLE_OVERRIDE STYLE OVERRIDE
       GUARD.

/* data model */
%token HAS_MANY BELONGS_TO HAS_ONE ON_DELETE INVERSE LIST OF NULLABLE.

/* workflows */
%token TRIGGER INPUT STEPS ON_ERROR ON_FAILURE CONCURRENCY RETRY BRANCH
       FOREACH DELAY HTTP_REQUEST SEND_EMAIL PARALLEL QUEUE_PUBLISH DB_TX RUN
       CREATE UPDATE DELETE WEBHOOK CONDITION.

/* statements */
%token CONST LET IF ELSE ELSEIF RETURN AWAIT FOR IN TYPEOF.

/* uploads */
%token FIELD MAXSIZE MAXCOUNT MIME REQUIRED STRATEGY PATH NAMING.

/* markup (emitted only inside ui { }) */
%token TEXT TAG_OPEN TAG_END TAG_SELF_END TAG_CLOSE ATTR_NAME ATTR_VALUE
       DIR_IF DIR_ELSEIF DIR_ELSE DIR_EACH DIR_END_IF DIR_END_EACH.

/* raw CSS inside style_override { } */
%token STYLE_TEXT.

/*
 * Tokens the lexer never produces. BLOCK_LBRACE is the `{` that opens an
 * arrow function's block body: the driver (parse.c) retypes an LBRACE that
 * directly follows ARROW, so `=> {` is always a block, as in JavaScript.
 * LOWEST is only a precedence marker.
 */
%token BLOCK_LBRACE LOWEST.

/*
 * Every keyword is also an ordinary name wherever a keyword cannot stand:
 * a field may be called `type`, a state `input`, UI text may say "update".
 */
%fallback IDENT
       DATABASE ENTITY DESIGN_SYSTEM COLORS TYPOGRAPHY SPACING RADII SHADOWS
       WEIGHTS PAGE COMPONENT STORE WORKFLOW UPLOAD TYPE
       STATE ACTION ON LOAD UNLOAD UI PARAM STYLE_OVERRIDE STYLE OVERRIDE GUARD
       HAS_MANY BELONGS_TO HAS_ONE ON_DELETE INVERSE LIST OF NULLABLE
       TRIGGER INPUT STEPS ON_ERROR ON_FAILURE CONCURRENCY RETRY BRANCH
       FOREACH DELAY HTTP_REQUEST SEND_EMAIL PARALLEL QUEUE_PUBLISH DB_TX RUN
       CREATE UPDATE DELETE WEBHOOK CONDITION
       CONST LET IF ELSE ELSEIF RETURN AWAIT FOR IN TYPEOF
       FIELD MAXSIZE MAXCOUNT MIME REQUIRED STRATEGY PATH NAMING.

/* ---- grammar ---- */

%include {
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/*
 * No error recovery: the driver stops feeding a unit at its first syntax
 * error (the splitter resumes at the next unit). Semantic values are
 * arena pointers, so nothing is freed either way.
 */
#define YYNOERRORRECOVERY 1
}

%syntax_error {
	parse__syntax_error(ctx, yypParser, yymajor, TOKEN);
}

%stack_overflow {
	parse__overflow(ctx);
}

/*
 * Deep nesting ((((x)))), long else-if chains) grows Lemon's stack, not the
 * C stack. The stack is growable (size 0) so a parser costs little for
 * ordinary units; the driver stops a unit at PARSE_MAX_DEPTH with E0211.
 */
%stack_size 0

/*
 * Precedence, lowest first. LOWEST marks rules that end with an expression
 * and may be followed by another statement: with no newline tokens, `a (b)`
 * and `a - b` continue the expression (as JavaScript does), which is what
 * shifting on the higher-precedence operators says.
 */
%nonassoc LOWEST.
%right EQ PLUSEQ MINUSEQ ARROW.
%right QUESTION.
%left NULLISH.
%left OROR.
%left ANDAND.
%left EQEQ NOTEQ.
%left LT GT LE GE.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right NOT AWAIT TYPEOF.
%left DOT QDOT LPAREN LBRACKET.

%type name {struct pname}
%type expr {struct ast_expr *}
%type arg {struct ast_arg *}
%type args_opt {struct arg_list}
%type args_ne {struct arg_list}
%type aitem {struct ast_arg *}
%type aitems_opt {struct arg_list}
%type aitems_ne {struct arg_list}
%type oprop {struct ast_arg *}
%type oprops_opt {struct arg_list}
%type oprops_ne {struct arg_list}
%type aparam {struct ast_param *}
%type aparams {struct param_list}
%type aplist_opt {struct param_list}
%type aplist_ne {struct param_list}
%type stmts {struct stmt_list}
%type sseq {struct stmt_list}
%type stmt {struct ast_stmt *}
%type body {struct ast_stmt *}
%type elsepart {struct else_part}
%type vtype {struct ast_type *}
%type opt_q {bool}
%type ftype {struct ast_type *}
%type fattr {struct ast_attr *}
%type fattrs {struct attr_list}
%type relpost {struct ast_relation *}
%type sdecl {struct ast_param *}
%type sdecls {struct param_list}
%type pinit {struct ast_expr *}
%type dtoken {struct ast_dtoken *}
%type dtokens {struct dtok_list}
%type theme {struct ast_theme *}
%type themes {struct theme_list}
%type typo {struct typo}
%type uinode {struct ast_ui *}
%type uinodes {struct ui_list}
%type uattr {struct ast_ui_attr *}
%type uattrs {struct uattr_list}
%type uelifs {struct branch_list}
%type uelse {struct ast_ui_branch *}
%type trigger {struct ast_trigger *}
%type tevent {struct ast_trigger *}
%type triggers {struct trig_list}
%type inputs {struct param_list}
%type wprop {struct ast_arg *}
%type wprops {struct arg_list}
%type wprops_ne {struct arg_list}
%type witems {struct arg_list}
%type step {struct ast_step *}
%type sbody {struct ast_step *}
%type steps {struct step_list}
%type bitems {struct ast_step *}
%type fclauses {struct ast_upload_field *}
%type mime {struct ast_mime *}
%type mimes {struct mime_list}
%type mimes_ne {struct mime_list}
%type mrun {struct mime_run}
%type mtok {struct token}

/* ================================================================== */
/* Units                                                              */
/* ================================================================== */

unit ::= entity.
unit ::= design.
unit ::= view.
unit ::= workflow.
unit ::= upload.
unit ::= alias.

/* Any word, keywords included (they fall back to IDENT). */
name(A) ::= IDENT(T).    { A = parse__name(ctx, T); }

opt_q(A) ::= .           { A = false; }
opt_q(A) ::= QUESTION.   { A = true; }

semi_opt ::= .
semi_opt ::= SEMI.

/* T, T?, T[], T?[], list of T, list of T? */
vtype(A) ::= name(N) opt_q(Q).
	{ A = parse__type(ctx, N, Q, false, N.sp.off); }
vtype(A) ::= name(N) opt_q(Q) LBRACKET RBRACKET.
	{ A = parse__type(ctx, N, Q, true, N.sp.off); }
vtype(A) ::= LIST(L) OF name(N) opt_q(Q).
	{
		A = parse__type(ctx, N, Q, true, L.off);
		A->list_of_syntax = true;
	}

/* ================================================================== */
/* Data model: entity Name { members }                                */
/* ================================================================== */

entity ::= entity_head emembers RBRACE.
entity_head ::= ENTITY name(N) LBRACE.
	{ parse__unit(ctx, UNIT_ENTITY, N); }

emembers ::= .
emembers ::= emembers emember.

emember ::= name(N) COLON ftype(T) fattrs(L).
	{ parse__entity_field(ctx, N, T, L.head); }
emember ::= name(N) COLON relkind(K) name(T) opt_q(Q) relpost(R).
	{
		R->target = T.s;
		R->target_span = T.sp;
		R->optional = Q;
		parse__entity_relation(ctx, N, K, R);
	}

%type relkind {struct token}
relkind(A) ::= HAS_MANY(T).    { A = T; }
relkind(A) ::= HAS_ONE(T).     { A = T; }
relkind(A) ::= BELONGS_TO(T).  { A = T; }

/* The type plus `nullable` and `| Null`. */
ftype(A) ::= vtype(T).  { A = T; }
ftype(A) ::= vtype(T) NULLABLE.
	{
		A = T;
		A->nullable = true;
		A->span = parse__span(A->span.off, PARSE_END(ctx));
	}
ftype(A) ::= vtype(T) PIPE name(U).
	{
		A = T;
		A->nullable = true;
		A->null_union = true;
		A->union_name = U.s;
		A->union_span = U.sp;
		A->span = parse__span(A->span.off, PARSE_END(ctx));
	}
ftype(A) ::= vtype(T) NULLABLE PIPE name(U).
	{
		A = T;
		A->nullable = true;
		A->null_union = true;
		A->union_name = U.s;
		A->union_span = U.sp;
		A->span = parse__span(A->span.off, PARSE_END(ctx));
	}

/* An fattr may be a chain of two (see parse__at_attr). */
fattrs(A) ::= .                    { PARSE_LIST_INIT(A); }
fattrs(A) ::= fattrs(L) fattr(X).
	{
		A = L;
		PARSE_LIST_ADD(A, X);
		while (A.tail->next)
			A.tail = A.tail->next;
	}

/* `@name (` is read as the attribute's own arguments. */
fattr(A) ::= AT(K) name(N). [LOWEST]
	{ A = parse__attr(ctx, K, N, false, false, NULL); }
fattr(A) ::= AT(K) name(N) LPAREN(L) args_opt(G) RPAREN.
	{ A = parse__at_attr(ctx, K, N, L, G.head); }
fattr(A) ::= LPAREN(K) name(N) RPAREN.
	{ A = parse__attr(ctx, K, N, true, false, NULL); }
fattr(A) ::= LPAREN(K) name(N) COLON expr(E) RPAREN.
	{
		struct ast_arg *g = parse__arg(ctx, NULL, E);
		A = parse__attr(ctx, K, N, true, false, g);
	}

/* Attributes, on_delete and inverse after a relation's target, in any
 * order. */
relpost(A) ::= .   { A = parse__new(ctx, sizeof(*A)); }
relpost(A) ::= relpost(R) fattr(X).
	{
		struct ast_attr **p = &R->attrs;

		while (*p)
			p = &(*p)->next;
		*p = X;
		A = R;
	}
relpost(A) ::= relpost(R) ON_DELETE(K) COLON name(V).
	{ parse__rel_option(ctx, R, K, V); A = R; }
relpost(A) ::= relpost(R) INVERSE(K) COLON name(V).
	{ parse__rel_option(ctx, R, K, V); A = R; }

/* ================================================================== */
/* Design tokens: one section of a design_system block                */
/* ================================================================== */

design ::= COLORS(K) LBRACE themes(T) RBRACE.
	{
		struct pname n = parse__name(ctx, K);
		struct ast_unit *u = parse__unit(ctx, UNIT_DESIGN, n);
		u->u.design->section = DS_COLORS;
		u->u.design->themes = T.head;
	}
design ::= TYPOGRAPHY(K) LBRACE typo(T) RBRACE.
	{
		struct pname n = parse__name(ctx, K);
		struct ast_unit *u = parse__unit(ctx, UNIT_DESIGN, n);
		u->u.design->section = DS_TYPOGRAPHY;
		u->u.design->tokens = T.tokens.head;
		u->u.design->weights = T.weights.head;
		u->u.design->has_weights = T.has_weights;
	}
design ::= SPACING(K) LBRACE dtokens(T) RBRACE.
	{
		struct pname n = parse__name(ctx, K);
		struct ast_unit *u = parse__unit(ctx, UNIT_DESIGN, n);
		u->u.design->section = DS_SPACING;
		u->u.design->tokens = T.head;
	}
design ::= RADII(K) LBRACE dtokens(T) RBRACE.
	{
		struct pname n = parse__name(ctx, K);
		struct ast_unit *u = parse__unit(ctx, UNIT_DESIGN, n);
		u->u.design->section = DS_RADII;
		u->u.design->tokens = T.head;
	}
design ::= SHADOWS(K) LBRACE dtokens(T) RBRACE.
	{
		struct pname n = parse__name(ctx, K);
		struct ast_unit *u = parse__unit(ctx, UNIT_DESIGN, n);
		u->u.design->section = DS_SHADOWS;
		u->u.design->tokens = T.head;
	}

themes(A) ::= .                    { PARSE_LIST_INIT(A); }
themes(A) ::= themes(L) theme(X).  { A = L; PARSE_LIST_ADD(A, X); }

theme(A) ::= name(N) LBRACE dtokens(L) RBRACE.
	{
		A = parse__new(ctx, sizeof(*A));
		A->name = N.s;
		A->name_span = N.sp;
		A->tokens = L.head;
	}
theme(A) ::= STRING(S) LBRACE dtokens(L) RBRACE.
	{
		A = parse__new(ctx, sizeof(*A));
		A->name_span = parse__str_inner(ctx, S);
		A->name = intern_get(ctx->in, ctx->text + A->name_span.off,
				     A->name_span.len);
		A->tokens = L.head;
	}

typo(A) ::= .                  { memset(&A, 0, sizeof(A)); }
typo(A) ::= typo(L) dtoken(X). { A = L; PARSE_LIST_ADD(A.tokens, X); }
typo(A) ::= typo(L) WEIGHTS LBRACE dtokens(W) RBRACE.
	{
		A = L;
		A.has_weights = true;
		if (W.head) {
			if (A.weights.tail)
				A.weights.tail->next = W.head;
			else
				A.weights.head = W.head;
			A.weights.tail = W.tail;
		}
	}
/* A token that happens to be called `weights`. */
typo(A) ::= typo(L) WEIGHTS(K) COLON dval(V).
	{
		struct ast_dtoken *t = parse__dtoken(ctx, parse__name(ctx, K), V);
		A = L;
		PARSE_LIST_ADD(A.tokens, t);
	}

dtokens(A) ::= .                     { PARSE_LIST_INIT(A); }
dtokens(A) ::= dtokens(L) dtoken(X). { A = L; PARSE_LIST_ADD(A, X); }

dtoken(A) ::= name(K) COLON dval(V). { A = parse__dtoken(ctx, K, V); }

%type dval {struct token}
dval(A) ::= STRING(T).  { A = T; }
dval(A) ::= HEX(T).     { A = T; }
dval(A) ::= NUMBER(T).  { A = T; }

/* ================================================================== */
/* Pages, components, stores                                          */
/* ================================================================== */

view ::= view_head vmembers RBRACE.

view_head ::= PAGE name(N) LBRACE.
	{ parse__unit(ctx, UNIT_PAGE, N); }
view_head ::= PAGE name(N) LPAREN GUARD COLON name(G) RPAREN LBRACE.
	{
		struct ast_unit *u = parse__unit(ctx, UNIT_PAGE, N);
		u->u.view->guard = G.s;
		u->u.view->guard_span = G.sp;
	}
view_head ::= COMPONENT name(N) LBRACE.
	{ parse__unit(ctx, UNIT_COMPONENT, N); }
view_head ::= STORE name(N) LBRACE.
	{ parse__unit(ctx, UNIT_STORE, N); }

vmembers ::= .
vmembers ::= vmembers vmember.

vmember ::= STATE(K) LBRACE sdecls(L) RBRACE.
	{ parse__view_member_state(ctx, K, L); }
/* Inline state declarations (stores). */
vmember ::= sdecl(D).
	{ parse__view_state_decl(ctx, D); }
/* A state entry called `style` (not the legacy style: override). */
vmember ::= STYLE(K) COLON vtype(T) EQ expr(E) semi_opt.
	{ parse__view_state_decl(ctx, parse__param(ctx, parse__name(ctx, K), T, E)); }
vmember ::= PARAM(K) name(N) COLON vtype(T) pinit(I).
	{ parse__view_param(ctx, K, parse__param(ctx, N, T, I)); }
vmember ::= ACTION(K) name(N) aparams(P) body(B).
	{ parse__view_action(ctx, K, N, P, B); }
vmember ::= ON(K) LOAD(W) body(B).
	{ parse__view_on(ctx, K, W, B); }
vmember ::= ON(K) UNLOAD(W) body(B).
	{ parse__view_on(ctx, K, W, B); }
/* `on_load { }` and other unknown `word { }` members. */
vmember ::= IDENT(T) body(B).
	{ parse__view_bad_member(ctx, T, B); }
vmember ::= UI(K) LBRACE uinodes(N) RBRACE.
	{ parse__view_ui(ctx, K, N.head); }
vmember ::= STYLE_OVERRIDE(K) LBRACE STYLE_TEXT(T) RBRACE.
	{ parse__view_style(ctx, K, T, false); }
vmember ::= STYLE(K) COLON OVERRIDE LBRACE STYLE_TEXT(T) RBRACE.
	{ parse__view_style(ctx, K, T, true); }

sdecls(A) ::= .                   { PARSE_LIST_INIT(A); }
sdecls(A) ::= sdecls(L) sdecl(X). { A = L; PARSE_LIST_ADD(A, X); }

sdecl(A) ::= name(N) COLON vtype(T) EQ expr(E) semi_opt.
	{ A = parse__param(ctx, N, T, E); }

pinit(A) ::= .          { A = NULL; }
pinit(A) ::= EQ expr(E). { A = E; }

aparams(A) ::= .                             { PARSE_LIST_INIT(A); }
aparams(A) ::= LPAREN aplist_opt(L) RPAREN.  { A = L; }

aplist_opt(A) ::= .                        { PARSE_LIST_INIT(A); }
aplist_opt(A) ::= aplist_ne(L).            { A = L; }
aplist_opt(A) ::= aplist_ne(L) COMMA.      { A = L; }
aplist_ne(A) ::= aparam(X).                { PARSE_LIST_INIT(A); PARSE_LIST_ADD(A, X); }
aplist_ne(A) ::= aplist_ne(L) COMMA aparam(X). { A = L; PARSE_LIST_ADD(A, X); }

aparam(A) ::= name(N).                  { A = parse__param(ctx, N, NULL, NULL); }
aparam(A) ::= name(N) COLON vtype(T).   { A = parse__param(ctx, N, T, NULL); }

/* ================================================================== */
/* Statements                                                         */
/* ================================================================== */

body(A) ::= LBRACE sseq(L) RBRACE.  { A = L.head; }

/* A bare `return` can only end a block: anything after it would be its
 * value. */
sseq(A) ::= stmts(L).  { A = L; }
sseq(A) ::= stmts(L) RETURN(K).
	{
		struct ast_stmt *s = parse__stmt(ctx, STMT_RETURN, K.off);
		A = L;
		PARSE_LIST_ADD(A, s);
	}

stmts(A) ::= .                  { PARSE_LIST_INIT(A); }
stmts(A) ::= stmts(L) stmt(X).  { A = L; PARSE_LIST_ADD(A, X); }

stmt(A) ::= SEMI.  { A = NULL; }
stmt(A) ::= expr(E). [LOWEST]
	{
		A = parse__stmt(ctx, STMT_EXPR, E->span.off);
		A->expr = E;
	}
stmt(A) ::= CONST(K) name(N) EQ expr(E). [LOWEST]
	{
		A = parse__stmt(ctx, STMT_VAR, K.off);
		A->name = N.s;
		A->name_span = N.sp;
		A->is_const = true;
		A->expr = E;
	}
stmt(A) ::= LET(K) name(N) EQ expr(E). [LOWEST]
	{
		A = parse__stmt(ctx, STMT_VAR, K.off);
		A->name = N.s;
		A->name_span = N.sp;
		A->expr = E;
	}
stmt(A) ::= LET(K) name(N).
	{
		A = parse__stmt(ctx, STMT_VAR, K.off);
		A->name = N.s;
		A->name_span = N.sp;
	}
stmt(A) ::= RETURN(K) expr(E). [LOWEST]
	{
		A = parse__stmt(ctx, STMT_RETURN, K.off);
		A->expr = E;
	}
stmt(A) ::= RETURN(K) SEMI.
	{ A = parse__stmt(ctx, STMT_RETURN, K.off); }
stmt(A) ::= IF(K) expr(C) body(B) elsepart(E).
	{
		A = parse__stmt(ctx, STMT_IF, K.off);
		A->expr = C;
		A->then = B;
		A->otherwise = E.list;
		A->has_else = E.has;
	}
stmt(A) ::= FOR(K) name(N) forkw expr(E) body(B).
	{
		A = parse__stmt(ctx, STMT_FOR, K.off);
		A->name = N.s;
		A->name_span = N.sp;
		A->expr = E;
		A->then = B;
	}
stmt(A) ::= FOR(K) LPAREN forvar name(N) forkw expr(E) RPAREN body(B).
	{
		A = parse__stmt(ctx, STMT_FOR, K.off);
		A->name = N.s;
		A->name_span = N.sp;
		A->expr = E;
		A->then = B;
	}

forkw ::= IN.
forkw ::= OF.
forvar ::= .
forvar ::= CONST.
forvar ::= LET.

elsepart(A) ::= .  { A.list = NULL; A.has = false; }
elsepart(A) ::= ELSE LBRACE(L) sseq(S) RBRACE.
	{
		struct ast_stmt *b = parse__stmt(ctx, STMT_BLOCK, L.off);
		b->then = S.head;
		A.list = b;
		A.has = true;
	}
elsepart(A) ::= ELSE IF(K) expr(C) body(B) elsepart(E).
	{
		struct ast_stmt *s = parse__stmt(ctx, STMT_IF, K.off);
		s->expr = C;
		s->then = B;
		s->otherwise = E.list;
		s->has_else = E.has;
		A.list = s;
		A.has = true;
	}

/* ================================================================== */
/* Expressions                                                        */
/* ================================================================== */

expr(A) ::= IDENT(T).     { A = parse__lit(ctx, EXPR_IDENT, T); }
expr(A) ::= NUMBER(T).    { A = parse__lit(ctx, EXPR_NUMBER, T); }
expr(A) ::= STRING(T).    { A = parse__lit(ctx, EXPR_STRING, T); }
expr(A) ::= HEX(T).       { A = parse__lit(ctx, EXPR_HEX, T); }
expr(A) ::= SIZE(T).      { A = parse__lit(ctx, EXPR_SIZE, T); }
expr(A) ::= DURATION(T).  { A = parse__lit(ctx, EXPR_DURATION, T); }

expr(A) ::= LBRACKET(L) aitems_opt(I) RBRACKET.
	{
		A = parse__expr(ctx, EXPR_ARRAY, L.off, PARSE_END(ctx));
		A->args = I.head;
	}
expr(A) ::= LBRACE(L) oprops_opt(P) RBRACE.
	{
		A = parse__expr(ctx, EXPR_OBJECT, L.off, PARSE_END(ctx));
		A->args = P.head;
	}
expr(A) ::= LPAREN(L) expr(E) RPAREN.
	{
		A = parse__expr(ctx, EXPR_PAREN, L.off, PARSE_END(ctx));
		A->a = E;
	}

expr(A) ::= expr(O) DOT IDENT(N).   { A = parse__member(ctx, O, N, false); }
expr(A) ::= expr(O) QDOT IDENT(N).  { A = parse__member(ctx, O, N, true); }
expr(A) ::= expr(O) LBRACKET expr(I) RBRACKET.
	{
		A = parse__expr(ctx, EXPR_INDEX, O->span.off, PARSE_END(ctx));
		A->a = O;
		A->b = I;
	}
expr(A) ::= expr(C) LPAREN args_opt(G) RPAREN.
	{
		A = parse__expr(ctx, EXPR_CALL, C->span.off, PARSE_END(ctx));
		A->a = C;
		A->args = G.head;
	}

expr(A) ::= NOT(K) expr(E).            { A = parse__unary(ctx, EOP_NOT, K, E); }
expr(A) ::= MINUS(K) expr(E). [NOT]    { A = parse__unary(ctx, EOP_NEG, K, E); }
expr(A) ::= PLUS(K) expr(E). [NOT]     { A = parse__unary(ctx, EOP_PLUS, K, E); }
expr(A) ::= AWAIT(K) expr(E).          { A = parse__unary(ctx, EOP_AWAIT, K, E); }
expr(A) ::= TYPEOF(K) expr(E).         { A = parse__unary(ctx, EOP_TYPEOF, K, E); }

expr(A) ::= expr(L) STAR expr(R).     { A = parse__binary(ctx, EXPR_BINARY, EOP_MUL, L, R); }
expr(A) ::= expr(L) SLASH expr(R).    { A = parse__binary(ctx, EXPR_BINARY, EOP_DIV, L, R); }
expr(A) ::= expr(L) PERCENT expr(R).  { A = parse__binary(ctx, EXPR_BINARY, EOP_MOD, L, R); }
expr(A) ::= expr(L) PLUS expr(R).     { A = parse__binary(ctx, EXPR_BINARY, EOP_ADD, L, R); }
expr(A) ::= expr(L) MINUS expr(R).    { A = parse__binary(ctx, EXPR_BINARY, EOP_SUB, L, R); }
expr(A) ::= expr(L) LT expr(R).       { A = parse__binary(ctx, EXPR_BINARY, EOP_LT, L, R); }
expr(A) ::= expr(L) GT expr(R).       { A = parse__binary(ctx, EXPR_BINARY, EOP_GT, L, R); }
expr(A) ::= expr(L) LE expr(R).       { A = parse__binary(ctx, EXPR_BINARY, EOP_LE, L, R); }
expr(A) ::= expr(L) GE expr(R).       { A = parse__binary(ctx, EXPR_BINARY, EOP_GE, L, R); }
expr(A) ::= expr(L) EQEQ expr(R).     { A = parse__binary(ctx, EXPR_BINARY, EOP_EQ, L, R); }
expr(A) ::= expr(L) NOTEQ expr(R).    { A = parse__binary(ctx, EXPR_BINARY, EOP_NE, L, R); }
expr(A) ::= expr(L) ANDAND expr(R).   { A = parse__binary(ctx, EXPR_BINARY, EOP_AND, L, R); }
expr(A) ::= expr(L) OROR expr(R).     { A = parse__binary(ctx, EXPR_BINARY, EOP_OR, L, R); }
expr(A) ::= expr(L) NULLISH expr(R).  { A = parse__binary(ctx, EXPR_BINARY, EOP_NULLISH, L, R); }
expr(A) ::= expr(L) EQ expr(R).       { A = parse__binary(ctx, EXPR_ASSIGN, EOP_NONE, L, R); }
expr(A) ::= expr(L) PLUSEQ expr(R).   { A = parse__binary(ctx, EXPR_ASSIGN, EOP_ADD, L, R); }
expr(A) ::= expr(L) MINUSEQ expr(R).  { A = parse__binary(ctx, EXPR_ASSIGN, EOP_SUB, L, R); }

expr(A) ::= expr(C) QUESTION expr(T) COLON expr(E).
	{
		A = parse__expr(ctx, EXPR_COND, C->span.off, PARSE_END(ctx));
		A->a = C;
		A->b = T;
		A->c = E;
	}

/* Arrow functions: x => e, (a, b) => e, (a) => { stmts }. */
expr(A) ::= IDENT(N) ARROW expr(B).
	{
		A = parse__expr(ctx, EXPR_ARROW, N.off, PARSE_END(ctx));
		A->params = parse__param(ctx, parse__name(ctx, N), NULL, NULL);
		A->b = B;
	}
expr(A) ::= IDENT(N) ARROW BLOCK_LBRACE sseq(S) RBRACE.
	{
		A = parse__expr(ctx, EXPR_ARROW, N.off, PARSE_END(ctx));
		A->params = parse__param(ctx, parse__name(ctx, N), NULL, NULL);
		A->body = S.head;
		A->arrow_block = true;
	}
expr(A) ::= ARROW_LP(L) aplist_opt(P) RPAREN ARROW expr(B).
	{
		A = parse__expr(ctx, EXPR_ARROW, L.off, PARSE_END(ctx));
		A->params = P.head;
		A->b = B;
	}
expr(A) ::= ARROW_LP(L) aplist_opt(P) RPAREN ARROW BLOCK_LBRACE sseq(S) RBRACE.
	{
		A = parse__expr(ctx, EXPR_ARROW, L.off, PARSE_END(ctx));
		A->params = P.head;
		A->body = S.head;
		A->arrow_block = true;
	}

/* Call arguments: positional, named (where: {...}) or spread. */
args_opt(A) ::= .                     { PARSE_LIST_INIT(A); }
args_opt(A) ::= args_ne(L).           { A = L; }
args_opt(A) ::= args_ne(L) COMMA.     { A = L; }
args_ne(A) ::= arg(X).                { PARSE_LIST_INIT(A); PARSE_LIST_ADD(A, X); }
args_ne(A) ::= args_ne(L) COMMA arg(X). { A = L; PARSE_LIST_ADD(A, X); }

arg(A) ::= expr(E).                  { A = parse__arg(ctx, NULL, E); }
arg(A) ::= name(N) COLON expr(E).    { A = parse__arg(ctx, &N, E); }
arg(A) ::= ELLIPSIS expr(E).         { A = parse__arg(ctx, NULL, E); A->spread = true; }

/* Array items. */
aitems_opt(A) ::= .                      { PARSE_LIST_INIT(A); }
aitems_opt(A) ::= aitems_ne(L).          { A = L; }
aitems_opt(A) ::= aitems_ne(L) COMMA.    { A = L; }
aitems_ne(A) ::= aitem(X).               { PARSE_LIST_INIT(A); PARSE_LIST_ADD(A, X); }
aitems_ne(A) ::= aitems_ne(L) COMMA aitem(X). { A = L; PARSE_LIST_ADD(A, X); }
aitem(A) ::= expr(E).                    { A = parse__arg(ctx, NULL, E); }
aitem(A) ::= ELLIPSIS expr(E).           { A = parse__arg(ctx, NULL, E); A->spread = true; }

/* Object properties. */
oprops_opt(A) ::= .                      { PARSE_LIST_INIT(A); }
oprops_opt(A) ::= oprops_ne(L).          { A = L; }
oprops_opt(A) ::= oprops_ne(L) COMMA.    { A = L; }
oprops_ne(A) ::= oprop(X).               { PARSE_LIST_INIT(A); PARSE_LIST_ADD(A, X); }
oprops_ne(A) ::= oprops_ne(L) COMMA oprop(X). { A = L; PARSE_LIST_ADD(A, X); }
oprop(A) ::= name(N) COLON expr(E).      { A = parse__arg(ctx, &N, E); }
oprop(A) ::= STRING(S) COLON expr(E).
	{
		struct pname n;

		n.sp = parse__str_inner(ctx, S);
		n.s = intern_get(ctx->in, ctx->text + n.sp.off, n.sp.len);
		A = parse__arg(ctx, &n, E);
	}
oprop(A) ::= IDENT(T).
	{
		struct pname n = parse__name(ctx, T);
		A = parse__arg(ctx, &n, parse__lit(ctx, EXPR_IDENT, T));
		A->shorthand = true;
	}
oprop(A) ::= ELLIPSIS expr(E).           { A = parse__arg(ctx, NULL, E); A->spread = true; }

/* ================================================================== */
/* UI markup                                                          */
/* ================================================================== */

uinodes(A) ::= .                     { PARSE_LIST_INIT(A); }
uinodes(A) ::= uinodes(L) uinode(X). { A = L; PARSE_LIST_ADD(A, X); }

uinode(A) ::= TEXT(T).  { A = parse__ui_text(ctx, T); }
uinode(A) ::= LBRACE(L) expr(E) RBRACE.
	{
		A = parse__new(ctx, sizeof(*A));
		A->kind = UI_EXPR;
		A->span = parse__span(L.off, PARSE_END(ctx));
		A->expr = E;
	}
uinode(A) ::= TAG_OPEN(O) uattrs(T) TAG_SELF_END(C).
	{ A = parse__ui_element(ctx, O, T.head, NULL, C, true); }
uinode(A) ::= TAG_OPEN(O) uattrs(T) TAG_END uinodes(N) TAG_CLOSE(C).
	{ A = parse__ui_element(ctx, O, T.head, N.head, C, false); }
uinode(A) ::= DIR_IF(K) expr(C) RBRACE uinodes(N) uelifs(L) uelse(E) DIR_END_IF.
	{
		struct ast_ui_branch *b = parse__new(ctx, sizeof(*b));

		b->cond = C;
		b->children = parse__ui_finish(ctx, N.head, false);
		b->span = parse__span(K.off, N.tail ? N.tail->span.off + N.tail->span.len
						   : C->span.off + C->span.len);
		b->next = L.head;
		if (E) {
			if (L.tail)
				L.tail->next = E;
			else
				b->next = E;
		}
		A = parse__new(ctx, sizeof(*A));
		A->kind = UI_IF;
		A->span = parse__span(K.off, PARSE_END(ctx));
		A->branches = b;
	}
uinode(A) ::= DIR_EACH(K) eachvars(V) IN expr(E) RBRACE uinodes(N) DIR_END_EACH.
	{
		A = parse__new(ctx, sizeof(*A));
		A->kind = UI_EACH;
		A->span = parse__span(K.off, PARSE_END(ctx));
		A->expr = E;
		A->each_var = V.var.s;
		A->each_index = V.has_index ? V.index.s : NULL;
		A->children = parse__ui_finish(ctx, N.head, false);
	}

%include {
/* The loop variables of {#each x, i in xs} and for:each={(x, i) in xs}. */
struct each_vars {
	struct pname var;
	struct pname index;
	bool has_index;
};
}
%type eachvars {struct each_vars}
eachvars(A) ::= name(V).
	{ A.var = V; A.has_index = false; }
eachvars(A) ::= name(V) COMMA name(I).
	{ A.var = V; A.index = I; A.has_index = true; }
eachvars(A) ::= LPAREN name(V) COMMA name(I) RPAREN.
	{ A.var = V; A.index = I; A.has_index = true; }

uelifs(A) ::= .  { PARSE_LIST_INIT(A); }
uelifs(A) ::= uelifs(L) DIR_ELSEIF(K) expr(C) RBRACE uinodes(N).
	{
		struct ast_ui_branch *b = parse__new(ctx, sizeof(*b));

		b->cond = C;
		b->children = parse__ui_finish(ctx, N.head, false);
		b->span = parse__span(K.off, PARSE_END(ctx));
		A = L;
		PARSE_LIST_ADD(A, b);
	}
uelse(A) ::= .  { A = NULL; }
uelse(A) ::= DIR_ELSE(K) uinodes(N).
	{
		A = parse__new(ctx, sizeof(*A));
		A->children = parse__ui_finish(ctx, N.head, false);
		A->span = parse__span(K.off, PARSE_END(ctx));
	}

uattrs(A) ::= .                    { PARSE_LIST_INIT(A); }
uattrs(A) ::= uattrs(L) uattr(X).  { A = L; PARSE_LIST_ADD(A, X); }

uattr(A) ::= ATTR_NAME(N).
	{ A = parse__ui_attr(ctx, N, AV_NONE, N, NULL); }
uattr(A) ::= ATTR_NAME(N) EQ ATTR_VALUE(V).
	{ A = parse__ui_attr(ctx, N, AV_STRING, V, NULL); }
uattr(A) ::= ATTR_NAME(N) EQ LBRACE expr(E) RBRACE.
	{ A = parse__ui_attr(ctx, N, AV_EXPR, N, E); }
/*
 * for:each={x in xs}, {x, i in xs}, {(x, i) in xs}. Written with raw IDENT
 * tokens, not `name`, so that `{x` here is a different parser state from
 * `f(x` (where `x,` is an argument and `x:` a named argument).
 */
uattr(A) ::= ATTR_NAME(N) EQ LBRACE IDENT(V) IN expr(E) RBRACE.
	{ A = parse__ui_each_attr(ctx, N, parse__name(ctx, V), NULL, E); }
uattr(A) ::= ATTR_NAME(N) EQ LBRACE IDENT(V) COMMA IDENT(I) IN expr(E) RBRACE.
	{
		struct pname i = parse__name(ctx, I);
		A = parse__ui_each_attr(ctx, N, parse__name(ctx, V), &i, E);
	}
uattr(A) ::= ATTR_NAME(N) EQ LBRACE LPAREN IDENT(V) COMMA IDENT(I) RPAREN IN expr(E) RBRACE.
	{
		struct pname i = parse__name(ctx, I);
		A = parse__ui_each_attr(ctx, N, parse__name(ctx, V), &i, E);
	}

/* ================================================================== */
/* Workflows                                                          */
/* ================================================================== */

workflow ::= workflow_head wsections RBRACE.
workflow_head ::= WORKFLOW name(N) LBRACE.
	{ parse__unit(ctx, UNIT_WORKFLOW, N); }

wsections ::= .
wsections ::= wsections wsection.

wsection ::= TRIGGER(K) LBRACE triggers(L) RBRACE.
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_trigger;

		parse__wf_section(ctx, K, &w->has_trigger, &w->trigger_span);
		if (first)
			w->triggers = L.head;
	}
wsection ::= INPUT(K) LBRACE inputs(L) RBRACE.
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_input;

		parse__wf_section(ctx, K, &w->has_input, &w->input_span);
		if (first)
			w->input = L.head;
	}
wsection ::= STATE(K) LBRACE sdecls(L) RBRACE.
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_state;

		parse__wf_section(ctx, K, &w->has_state, &w->state_span);
		if (first)
			w->state = L.head;
	}
wsection ::= STEPS(K) LBRACE steps(L) RBRACE.
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_steps;

		parse__wf_section(ctx, K, &w->has_steps, &w->steps_span);
		if (first)
			w->steps = L.head;
	}
wsection ::= RETRY(K) LBRACE wprops(L) RBRACE.
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_retry;

		parse__wf_section(ctx, K, &w->has_retry, &w->retry_span);
		if (first)
			w->retry = L.head;
	}
wsection ::= CONCURRENCY(K) LBRACE wprops(L) RBRACE.
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_concurrency;

		parse__wf_section(ctx, K, &w->has_concurrency,
				  &w->concurrency_span);
		if (first)
			w->concurrency = L.head;
	}
wsection ::= ON_ERROR(K) LBRACE(B) witems(L) RBRACE(E).
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_on_error;

		parse__wf_section(ctx, K, &w->has_on_error, &w->on_error_span);
		if (first) {
			w->on_error_items = L.head;
			w->on_error_text = parse__trimmed_inner(ctx, B, E);
		}
	}
wsection ::= ON_FAILURE(K) LBRACE(B) witems(L) RBRACE(E).
	{
		struct ast_workflow *w = ctx->unit->u.workflow;
		bool first = !w->has_on_failure;

		parse__wf_section(ctx, K, &w->has_on_failure,
				  &w->on_failure_span);
		if (first) {
			w->on_failure_items = L.head;
			w->on_failure_text = parse__trimmed_inner(ctx, B, E);
		}
	}

triggers(A) ::= .                       { PARSE_LIST_INIT(A); }
triggers(A) ::= triggers(L) trigger(X). { A = L; PARSE_LIST_ADD(A, X); }

trigger(A) ::= ON(K) tevent(E).
	{ A = E; A->span = parse__span(K.off, PARSE_END(ctx)); }
trigger(A) ::= ON(K) COLON tevent(E).
	{ A = E; A->span = parse__span(K.off, PARSE_END(ctx)); }

tevent(A) ::= CREATE LPAREN name(N) RPAREN.
	{ A = parse__new(ctx, sizeof(*A)); A->kind = TRIG_CREATE; A->entity = N.s; A->entity_span = N.sp; }
tevent(A) ::= UPDATE LPAREN name(N) RPAREN.
	{ A = parse__new(ctx, sizeof(*A)); A->kind = TRIG_UPDATE; A->entity = N.s; A->entity_span = N.sp; }
tevent(A) ::= DELETE LPAREN name(N) RPAREN.
	{ A = parse__new(ctx, sizeof(*A)); A->kind = TRIG_DELETE; A->entity = N.s; A->entity_span = N.sp; }
tevent(A) ::= WEBHOOK.
	{ A = parse__new(ctx, sizeof(*A)); A->kind = TRIG_WEBHOOK; }
tevent(A) ::= WEBHOOK LPAREN RPAREN.
	{ A = parse__new(ctx, sizeof(*A)); A->kind = TRIG_WEBHOOK; }
tevent(A) ::= WEBHOOK LPAREN name COLON name(S) RPAREN.
	{ A = parse__new(ctx, sizeof(*A)); A->kind = TRIG_WEBHOOK; A->secret = S.s; A->secret_span = S.sp; }

/* input { orderId, note: String } */
inputs(A) ::= .                         { PARSE_LIST_INIT(A); }
inputs(A) ::= inputs(L) COMMA.          { A = L; }
inputs(A) ::= inputs(L) aparam(X).      { A = L; PARSE_LIST_ADD(A, X); }

/* key: value lists (retry, concurrency, send_email, ...), commas optional. */
wprops(A) ::= .                  { PARSE_LIST_INIT(A); }
wprops(A) ::= wprops_ne(L).      { A = L; }
wprops_ne(A) ::= wprop(X).       { PARSE_LIST_INIT(A); PARSE_LIST_ADD(A, X); }
wprops_ne(A) ::= wprops_ne(L) wprop(X).  { A = L; PARSE_LIST_ADD(A, X); }
wprops_ne(A) ::= wprops_ne(L) COMMA.     { A = L; }
wprop(A) ::= name(N) COLON expr(E).      { A = parse__arg(ctx, &N, E); }

/* on_error { a, b }: expressions, commas optional. */
witems(A) ::= .                          { PARSE_LIST_INIT(A); }
witems(A) ::= witems(L) COMMA.           { A = L; }
witems(A) ::= witems(L) expr(E). [LOWEST]
	{
		struct ast_arg *g = parse__arg(ctx, NULL, E);
		A = L;
		PARSE_LIST_ADD(A, g);
	}

steps(A) ::= .                   { PARSE_LIST_INIT(A); }
steps(A) ::= steps(L) step(X).   { A = L; PARSE_LIST_ADD(A, X); }

step(A) ::= sbody(S).  { A = S; }
step(A) ::= CONST(K) name(N) EQ sbody(S).
	{
		A = S;
		A->binding = N.s;
		A->binding_span = N.sp;
		A->span = parse__span(K.off, PARSE_END(ctx));
	}

sbody(A) ::= RUN(K) name(N). [LOWEST]
	{
		A = parse__step(ctx, STEP_RUN, K);
		A->action = N.s;
		A->action_span = N.sp;
	}
sbody(A) ::= RUN(K) name(N) LPAREN args_opt(G) RPAREN.
	{
		A = parse__step(ctx, STEP_RUN, K);
		A->action = N.s;
		A->action_span = N.sp;
		A->args = G.head;
		A->has_parens = true;
	}
sbody(A) ::= BRANCH(K) LBRACE(L) bitems(B) RBRACE(R).
	{
		A = B;
		A->kind = STEP_BRANCH;
		A->keyword_span = parse__span(K.off, parse__tok_end(K));
		A->span = parse__span(K.off, PARSE_END(ctx));
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= FOREACH(K) name(V) IN expr(E) LBRACE(L) steps(S) RBRACE(R).
	{
		A = parse__step(ctx, STEP_FOR_EACH, K);
		A->var = V.s;
		A->var_span = V.sp;
		A->iterable = E;
		A->body = S.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= DELAY(K) LBRACE(L) wprops(P) RBRACE(R).
	{
		A = parse__step(ctx, STEP_DELAY, K);
		A->props = P.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= DELAY(K) LBRACE(L) expr(E) RBRACE(R).
	{
		A = parse__step(ctx, STEP_DELAY, K);
		A->delay_value = E;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= HTTP_REQUEST(K) LBRACE(L) wprops(P) RBRACE(R).
	{
		A = parse__step(ctx, STEP_HTTP_REQUEST, K);
		A->props = P.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= HTTP_REQUEST(K) name(N) LBRACE(L) wprops(P) RBRACE(R).
	{
		A = parse__step(ctx, STEP_HTTP_REQUEST, K);
		A->label = N.s;
		A->label_span = N.sp;
		A->props = P.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= SEND_EMAIL(K) LBRACE(L) wprops(P) RBRACE(R).
	{
		A = parse__step(ctx, STEP_SEND_EMAIL, K);
		A->props = P.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= QUEUE_PUBLISH(K) LBRACE(L) wprops(P) RBRACE(R).
	{
		A = parse__step(ctx, STEP_QUEUE_PUBLISH, K);
		A->props = P.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= PARALLEL(K) LBRACE(L) steps(S) RBRACE(R).
	{
		A = parse__step(ctx, STEP_PARALLEL, K);
		A->body = S.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}
sbody(A) ::= DB_TX(K) LBRACE(L) steps(S) RBRACE(R).
	{
		A = parse__step(ctx, STEP_DB_TX, K);
		A->body = S.head;
		A->body_span = parse__span(parse__tok_end(L), R.off);
	}

/* branch { condition: c  steps { ... }  else { ... } } */
bitems(A) ::= .  { A = parse__new(ctx, sizeof(*A)); }
bitems(A) ::= bitems(B) CONDITION COLON expr(E).
	{ A = B; if (!A->cond) A->cond = E; }
bitems(A) ::= bitems(B) COMMA.
	{ A = B; }
bitems(A) ::= bitems(B) STEPS LBRACE steps(S) RBRACE.
	{ A = B; A->then_steps = S.head; A->has_then = true; }
bitems(A) ::= bitems(B) ELSE LBRACE steps(S) RBRACE.
	{ A = B; A->else_steps = S.head; A->has_else = true; }

/* ================================================================== */
/* Uploads                                                            */
/* ================================================================== */

upload ::= upload_head uitems RBRACE.
upload_head ::= UPLOAD name(N) LBRACE.
	{ parse__unit(ctx, UNIT_UPLOAD, N); }

uitems ::= .
uitems ::= uitems ufield.
uitems ::= uitems ustore.

ufield ::= FIELD(K) name(N) fclauses(F).
	{
		struct ast_upload *u = ctx->unit->u.upload;

		F->name = N.s;
		F->name_span = N.sp;
		F->span = parse__span(K.off, PARSE_END(ctx));
		if (ctx->ufield_tail)
			ctx->ufield_tail->next = F;
		else
			u->fields = F;
		ctx->ufield_tail = F;
	}

fclauses(A) ::= .  { A = parse__new(ctx, sizeof(*A)); }
fclauses(A) ::= fclauses(F) MAXSIZE(K) COLON SIZE(V).
	{ A = F; parse__upload_clause(ctx, A, K, V); }
fclauses(A) ::= fclauses(F) MAXSIZE(K) COLON NUMBER(V).
	{ A = F; parse__upload_clause(ctx, A, K, V); }
fclauses(A) ::= fclauses(F) MAXCOUNT(K) COLON NUMBER(V).
	{ A = F; parse__upload_clause(ctx, A, K, V); }
fclauses(A) ::= fclauses(F) REQUIRED(K).
	{ A = F; parse__upload_clause(ctx, A, K, K); }
fclauses(A) ::= fclauses(F) MIME(K) COLON LBRACKET mimes(M) RBRACKET.
	{
		A = F;
		parse__upload_clause(ctx, A, K, K);
		if (!A->mimes)
			A->mimes = M.head;
	}

/* At least one value: `mime: []` allows nothing and is an error. */
mimes(A) ::= mimes_ne(L).               { A = L; }
mimes(A) ::= mimes_ne(L) COMMA.         { A = L; }
mimes_ne(A) ::= mime(X).                { PARSE_LIST_INIT(A); PARSE_LIST_ADD(A, X); }
mimes_ne(A) ::= mimes_ne(L) COMMA mime(X). { A = L; PARSE_LIST_ADD(A, X); }

mime(A) ::= STRING(S).  { A = parse__mime_string(ctx, S); }
mime(A) ::= mrun(R).    { A = parse__mime(ctx, R); }

/* image/png, image/*, image/svg+xml, application/vnd.ms-excel */
mrun(A) ::= mtok(T).
	{ A.off = T.off; A.end = parse__tok_end(T); A.gap = false; }
mrun(A) ::= mrun(R) mtok(T).
	{
		A = R;
		if (T.off != A.end)
			A.gap = true;
		A.end = parse__tok_end(T);
	}
mtok(A) ::= IDENT(T).   { A = T; }
mtok(A) ::= NUMBER(T).  { A = T; }
mtok(A) ::= SLASH(T).   { A = T; }
mtok(A) ::= STAR(T).    { A = T; }
mtok(A) ::= PLUS(T).    { A = T; }
mtok(A) ::= MINUS(T).   { A = T; }
mtok(A) ::= DOT(T).     { A = T; }

ustore ::= store_kw sclauses.
	{ parse__upload_store_done(ctx); }
/* store: local */
ustore ::= store_kw COLON name(V).
	{
		struct token k;

		memset(&k, 0, sizeof(k));
		k.type = TK_STRATEGY;
		k.off = V.sp.off;
		k.len = V.sp.len;
		parse__upload_store(ctx, k, V);
		parse__upload_store_done(ctx);
	}
store_kw ::= STORE(K).
	{
		struct pname none;

		memset(&none, 0, sizeof(none));
		parse__upload_store(ctx, K, none);
	}

sclauses ::= .
sclauses ::= sclauses STRATEGY(K) COLON name(V).
	{ parse__upload_store(ctx, K, V); }
sclauses ::= sclauses NAMING(K) COLON name(V).
	{ parse__upload_store(ctx, K, V); }
sclauses ::= sclauses PATH(K) COLON STRING(S).
	{
		struct pname v;

		v.s = NULL;
		v.sp = parse__str_inner(ctx, S);
		parse__upload_store(ctx, K, v);
	}

/* ================================================================== */
/* Aliases                                                            */
/* ================================================================== */

alias ::= TYPE name(N) EQ name(T).
	{
		struct ast_unit *u = parse__unit(ctx, UNIT_ALIAS, N);
		u->u.alias->target = T.s;
		u->u.alias->target_span = T.sp;
	}

%code {
/*
 * Expected-token probing for error messages. Lemon's tables answer "what
 * does state S do on token T", but default reductions make a state reduce
 * on tokens the states below it then reject, and by the time the error is
 * seen those reductions have already happened. So the driver replays the
 * unit up to the failing token and saves the state stack there
 * (parse__snapshot), and each terminal is
 * tried on a copy of that saved stack, reductions included, until it is
 * shifted (acceptable) or hits an error.
 */
int
parse__depth(void *parser)
{
	const yyParser *p = parser;

	return (int)(p->yytos - p->yystack) + 1;
}

void
parse__snapshot(void *parser, struct parse_ctx *ctx)
{
	const yyParser *p = parser;
	int n = (int)(p->yytos - p->yystack) + 1;
	int i;

	if (n > PARSE_MAX_DEPTH) {
		parse__overflow(ctx);
		return;
	}

	if (n > ctx->snap_cap) {
		ctx->snap_cap = n * 2;
		ctx->snap = xrealloc(ctx->snap,
				     (size_t)ctx->snap_cap * sizeof(*ctx->snap));
	}
	for (i = 0; i < n; i++)
		ctx->snap[i] = p->yystack[i].stateno;
	ctx->snap_n = n;
}

/*
 * What the parser would do with tok in the saved configuration: the
 * shift action it ends with after any reductions (encoded with the stack
 * depth, so that two tokens with equal results act alike), or -1 when tok
 * is a syntax error there.
 */
static long
probe(const struct parse_ctx *ctx, YYCODETYPE tok, YYACTIONTYPE *st, int cap)
{
	int sp = ctx->snap_n - 1;
	YYACTIONTYPE act;
	int i, guard;

	if (sp < 0 || sp + 1 > cap)
		return -1;
	for (i = 0; i <= sp; i++)
		st[i] = (YYACTIONTYPE)ctx->snap[i];
	act = st[sp];
	for (guard = 0; guard < 10000; guard++) {
		act = yy_find_shift_action(tok, act);
		if (act >= YY_MIN_REDUCE) {
			unsigned rule = act - YY_MIN_REDUCE;

			sp += yyRuleInfoNRhs[rule];
			if (sp < 0 || sp + 1 >= cap)
				return -1;
			act = yy_find_reduce_action(st[sp],
						    (YYCODETYPE)yyRuleInfoLhs[rule]);
			st[++sp] = act;
			continue;
		}
		if (act <= YY_MAX_SHIFTREDUCE || act == YY_ACCEPT_ACTION)
			return (long)sp * 65536 + act;
		return -1;
	}
	return -1;
}

int
parse__expected(const struct parse_ctx *ctx, int *out, int max)
{
	int cap = ctx->snap_n + 64;
	YYACTIONTYPE *st;
	long ident, r;
	int n = 0, t;

	if (ctx->snap_n <= 0)
		return 0;
	st = xmalloc((size_t)cap * sizeof(*st));
	ident = probe(ctx, TK_IDENT, st, cap);
	for (t = 0; t < YYNTOKEN && n < max; t++) {
		if (t == TK_BLOCK_LBRACE || t == TK_LOWEST)
			continue;
		r = t == TK_IDENT ? ident : probe(ctx, (YYCODETYPE)t, st, cap);
		if (r < 0)
			continue;
		/* A keyword the parser would only take as a name adds nothing
		 * to "expected an identifier". */
		if (t != TK_IDENT && yyFallback[t] == TK_IDENT && r == ident)
			continue;
		out[n++] = t;
	}
	free(st);
	return n;
}

bool
parse__open_markup(void *parser, struct token *out)
{
	const yyParser *p = parser;
	const yyStackEntry *e;
	int tags = 0, ifs = 0, eaches = 0;

	/*
	 * A construct whose closing token is already shifted above it is
	 * complete, only not reduced yet (the parser is seen before the
	 * lookahead that triggers the reduction), so it is skipped.
	 */
	for (e = p->yytos; e > p->yystack; e--) {
		switch (e->major) {
		case TK_TAG_CLOSE:
		case TK_TAG_SELF_END:
			tags++;
			break;
		case TK_DIR_END_IF:
			ifs++;
			break;
		case TK_DIR_END_EACH:
			eaches++;
			break;
		case TK_TAG_OPEN:
			if (tags) {
				tags--;
				break;
			}
			*out = e->minor.yy0;
			return true;
		case TK_DIR_IF:
			if (ifs) {
				ifs--;
				break;
			}
			*out = e->minor.yy0;
			return true;
		case TK_DIR_EACH:
			if (eaches) {
				eaches--;
				break;
			}
			*out = e->minor.yy0;
			return true;
		default:
			break;
		}
	}
	return false;
}
}
