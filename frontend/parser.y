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

/* ---- grammar: to be written ---- */
unit ::= IDENT.
