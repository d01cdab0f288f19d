/*
 * sema.c - checks that need only one unit's tree: field types and
 * attributes, design-token values, page/component/store members and the
 * identifiers their UI and bodies use, workflow settings, upload limits,
 * type aliases. Rules across units live in project.c.
 *
 * Every diagnostic points at the construct that is wrong (unit-relative
 * spans); every problem is reported, not only the first. The stable codes:
 *
 *   lexer (lexer.re, see TOKENS.md)   E0101-E0108
 *   splitter (split.c)                E0111-E0119
 *   parser (parser.y)                 E0201-E0229
 *   entities, field types, aliases    E03xx, W03xx
 *   design tokens                     E04xx, W04xx
 *   pages, components, stores, UI     E05xx, W05xx
 *   workflows                         E06xx, W06xx
 *   uploads                           E07xx, W07xx
 *   duplicates across units (merge)   E08xx
 *   other rules across units          E09xx, W09xx
 *
 * The table `codes` below holds one line per code; `locusc explain CODE`
 * prints it through sema_code_description.
 *
 * Decisions (where the spec left a choice):
 *   - `T? nullable` and `String? | Null` are accepted without a warning.
 *   - A list field of optional elements (`T?[]`) is an error (E0303).
 *   - @policy, @index, @enum, @discriminator, @message on a field, and
 *     on_delete on has_many/has_one, are accepted with "no effect yet"
 *     warnings (W0305, W0306).
 *   - `on_delete: set_null` needs an optional relation: `belongs_to T?`,
 *     or a declared foreign key `rId` that is optional or nullable (E0316).
 *   - Relation policies follow the original: only on belongs_to, values
 *     cascade|restrict|delete, in both the `(policy: p)` and `@policy(p)`
 *     forms.
 *   - A colour string is a hex colour, a CSS colour function (rgb(),
 *     hsl(), var(), ...) or a named colour (letters only); hex
 *     colours have 3, 4, 6 or 8 digits. baseSize accepts a decimal number
 *     (`1.5rem`), which the original rejected.
 *   - A theme repeated inside one colors block is merged, with a warning.
 *   - Unknown identifiers in UI and bodies are warnings; capitalised free
 *     names (stores, entities, JS globals) are left to the project check.
 *   - The original's "unbounded iteration" and "several belongs_to,
 *     consider an index" hints are not given: they fire on ordinary,
 *     correct programs, and DECISIONS.md asks for warnings only when true.
 *   - Upload naming is uuid|hash|original, strategy is local; a MIME value
 *     without a subtype (`pdf`) warns (it can never match), a malformed one
 *     is an error.
 */
#include "sema_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The code table                                                     */
/* ------------------------------------------------------------------ */

struct code_desc {
	const char *code;
	const char *desc;
};

/* Sorted by code: sema_code_description searches it with bsearch. */
static const struct code_desc codes[] = {
	{ "E0101", "lexer: a character that cannot appear here" },
	{ "E0102", "lexer: unterminated string" },
	{ "E0103", "lexer: '<' in markup text that does not start a tag (write {'<'})" },
	{ "E0104", "lexer: markup block not closed before the next declaration" },
	{ "E0105", "lexer: unexpected character inside a tag" },
	{ "E0106", "lexer: end of input inside a tag, markup block or expression" },
	{ "E0107", "lexer: nesting deeper than the lexer supports (64 levels)" },
	{ "E0108", "lexer: unterminated block comment" },
	{ "E0111", "text outside any declaration (expected database, design_system, page, component, store, workflow, upload or type)" },
	{ "E0112", "something other than an entity inside a database block" },
	{ "E0113", "unknown design_system section (expected colors, typography, spacing, radii or shadows)" },
	{ "E0114", "database or design_system without its '{'" },
	{ "E0115", "a '{' not closed before the next declaration" },
	{ "E0116", "a '{' not closed before the end of the file" },
	{ "E0201", "unexpected token; the message lists what was expected" },
	{ "E0202", "unexpected end of the declaration" },
	{ "E0210", "'on_load' where a member is expected (write 'on load')" },
	{ "E0211", "nesting too deep for the parser" },
	{ "E0212", "a single-use block written twice (ui, on load, on unload, style_override)" },
	{ "E0213", "unknown member in a page, component or store" },
	{ "E0214", "closing tag does not match the open element" },
	{ "E0215", "element or directive not closed before the end of its block" },
	{ "E0216", "closing tag with no open element" },
	{ "E0217", "for:each value not of the form 'item in list'" },
	{ "E0218", "{:elseif}, {:else}, {/if} or {/each} with no matching opener" },
	{ "E0219", "<elseif> or <else> without a preceding <if>" },
	{ "E0220", "<if> or <elseif> without condition={...}" },
	{ "E0221", "MIME type with whitespace inside" },
	{ "E0222", "a clause written twice (on_delete, inverse, maxSize, store, ...)" },
	{ "E0301", "unknown field type (not a primitive or a type alias)" },
	{ "E0302", "a type union other than '| Null'" },
	{ "E0303", "a list of optional elements (T?[]): remove the '?'" },
	{ "E0304", "an attribute with the wrong arguments" },
	{ "E0305", "@min/@max on a field that is not numeric" },
	{ "E0306", "@length on a field that is not String or Text" },
	{ "E0307", "unknown default function (now, uuid, cuid, nanoid, autoincrement)" },
	{ "E0308", "Integer default that is not a 32-bit integer" },
	{ "E0309", "a list field with a default value" },
	{ "E0310", "default null on an optional field that is not nullable" },
	{ "E0311", "field or relation name declared twice in one entity" },
	{ "E0312", "two has_one relations to the same target" },
	{ "E0313", "relation policy on a relation that is not belongs_to" },
	{ "E0314", "unknown relation policy (cascade, restrict, delete)" },
	{ "E0315", "unknown on_delete action (cascade, restrict, set_null)" },
	{ "E0316", "on_delete: set_null on a relation that cannot be null" },
	{ "E0317", "@id on an optional or list field" },
	{ "E0318", "legacy parenthesised attribute (not allowed by configuration)" },
	{ "E0319", "attribute given twice on one member" },
	{ "E0320", "default value that does not fit the field type" },
	{ "E0330", "type alias whose target is not a primitive type" },
	{ "E0331", "type alias named like a primitive type" },
	{ "E0332", "type alias declared twice in one file" },
	{ "E0401", "design token key not lower_snake_case" },
	{ "E0402", "malformed colour value" },
	{ "E0403", "typography baseSize not a size such as \"16px\", \"1rem\", \"1em\"" },
	{ "E0404", "font weight that is not a number" },
	{ "E0405", "font weight outside 100..1000" },
	{ "E0406", "typography fontFamily that is not a string" },
	{ "E0501", "member not supported by this kind of block" },
	{ "E0502", "state, param, action or parameter name declared twice" },
	{ "E0503", "bind: property name not camelCase" },
	{ "E0504", "bind: value that cannot be assigned" },
	{ "E0505", "<slot> outside a component" },
	{ "E0506", "assignment to something that is not a variable or member" },
	{ "E0507", "assignment to a const" },
	{ "E0508", "data built-in (find, findOne, create, update, delete) with wrong arguments" },
	{ "E0509", "for:each without '{item in items}'" },
	{ "E0510", "event handler that is not an expression" },
	{ "E0601", "workflow without a trigger block" },
	{ "E0602", "workflow without a steps block" },
	{ "E0603", "webhook and entity triggers mixed" },
	{ "E0604", "webhook trigger without a secret" },
	{ "E0605", "concurrency limit outside 1..10000" },
	{ "E0606", "unknown concurrency setting (limit, group)" },
	{ "E0607", "retry max outside 0..100" },
	{ "E0608", "unknown retry backoff (fixed, exponential)" },
	{ "E0609", "retry factor not above 1 with exponential backoff" },
	{ "E0610", "retry delay that is not a duration or a number" },
	{ "E0611", "unknown retry setting (max, backoff, factor, delay)" },
	{ "E0612", "workflow binding declared twice" },
	{ "E0613", "workflow binding reuses an input or state name" },
	{ "E0614", "binding used before the step that declares it" },
	{ "E0615", "send_email without 'to'" },
	{ "E0616", "send_email without 'subject' or 'template'" },
	{ "E0617", "send_email subject on several lines" },
	{ "E0618", "send_email 'to' that is not an address or a name" },
	{ "E0619", "send_email template path absolute or leaving the project ('..')" },
	{ "E0620", "http_request to an http:// URL without allow_insecure: true" },
	{ "E0621", "branch without a condition" },
	{ "E0701", "upload policy without fields" },
	{ "E0702", "upload field declared twice" },
	{ "E0703", "upload field without mime types" },
	{ "E0704", "upload maxSize not above 0" },
	{ "E0705", "upload maxCount not a whole number of at least 1" },
	{ "E0706", "upload store clause without path" },
	{ "E0707", "upload store clause without naming" },
	{ "E0708", "unknown upload storage strategy (local)" },
	{ "E0709", "unknown upload naming (uuid, hash, original)" },
	{ "E0710", "malformed MIME type" },
	{ "E0801", "name declared twice in the project (same kind)" },
	{ "E0901", "relation target is not an entity" },
	{ "E0902", "relation inverse not found on the target" },
	{ "E0903", "relation inverse does not point back" },
	{ "E0904", "foreign key field of the wrong type" },
	{ "E0905", "unknown component" },
	{ "E0906", "components use each other in a cycle" },
	{ "E0907", "workflow run of something that is not a page action" },
	{ "E0908", "workflow trigger on an unknown entity" },
	{ "E0909", "data built-in on an unknown entity" },
	{ "E0910", "foreign key optionality differs from its relation" },
	{ "E0911", "belongs_to relation without its foreign-key field" },
	{ "W0301", "entity name not PascalCase" },
	{ "W0302", "deprecated 'list of T' (write 'T[]')" },
	{ "W0303", "unknown attribute (ignored)" },
	{ "W0304", "deprecated parenthesised attribute (write '@name')" },
	{ "W0305", "attribute accepted, no effect yet" },
	{ "W0306", "on_delete on has_many/has_one: accepted, no effect yet" },
	{ "W0307", "attribute has no effect on a relation" },
	{ "W0310", "type alias name not PascalCase" },
	{ "W0401", "typography key other than fontFamily/baseSize: accepted, no effect" },
	{ "W0402", "theme repeated in one colors block (merged)" },
	{ "W0403", "design token key repeated (the later value wins)" },
	{ "W0501", "page or component name not PascalCase" },
	{ "W0502", "unknown identifier" },
	{ "W0503", "unknown event name" },
	{ "W0504", "lower-case event attribute (write onClick)" },
	{ "W0507", "deprecated 'style: override' (write 'style_override')" },
	{ "W0601", "workflow name not PascalCase" },
	{ "W0602", "workflow binding never used" },
	{ "W0603", "workflow has many top-level steps" },
	{ "W0604", "workflow step accepted, no effect yet" },
	{ "W0605", "${input...} interpolated into an http_request body" },
	{ "W0701", "upload policy name not PascalCase" },
	{ "W0702", "MIME type without subtype never matches" },
	{ "W0901", "page action used by nothing" },
	{ "W0902", "unknown capitalised name" },
};

static int
code_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct code_desc *)elem)->code);
}

const char *
sema_code_description(const char *code)
{
	const struct code_desc *c;

	if (!code)
		return NULL;
	c = bsearch(code, codes, ARRAY_LEN(codes), sizeof(codes[0]),
		    code_cmp);
	return c ? c->desc : NULL;
}

void
sema_options_default(struct sema_options *o)
{
	memset(o, 0, sizeof(*o));
	o->workflow_complexity = 50;
	o->paren_attrs_are_errors = false;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static const char *const primitives[] = {
	"String", "Text", "Integer", "Decimal", "Boolean", "DateTime",
	"Json", "BigInt", "Float", "UUID", "Email", "URL",
};

bool
sema__is_primitive(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(primitives); i++)
		if (strlen(primitives[i]) == len &&
		    memcmp(primitives[i], name, len) == 0)
			return true;
	return false;
}

bool
sema__is_pascal(const char *s)
{
	if (!s || !isupper((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s))
			return false;
	return true;
}

static const char *const cap_globals[] = {
	"AbortController", "Array", "BigInt", "Blob", "Boolean",
	"CustomEvent", "Date", "Error", "Event", "File", "FormData",
	"Headers", "Infinity", "Intl", "JSON", "Map", "Math", "NaN",
	"Number", "Object", "Promise", "Proxy", "RangeError", "Reflect",
	"RegExp", "Request", "Response", "Set", "String", "Symbol",
	"TextDecoder", "TextEncoder", "TypeError", "URL", "URLSearchParams",
	"WeakMap", "WeakSet",
};

bool
sema__is_global_cap(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(cap_globals); i++)
		if (strcmp(cap_globals[i], name) == 0)
			return true;
	return false;
}

/* Optimal string alignment distance, capped: returns > cap early. */
static size_t
edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *prev, *cur, *pp, r;

	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	if (la > 64 || lb > 64)
		return cap + 1;
	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	pp = xcalloc(lb + 1, sizeof(*pp));
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca == cb ? 0 : 1;
			size_t v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
		memcpy(pp, prev, (lb + 1) * sizeof(*pp));
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	r = prev[lb];
	free(prev);
	free(cur);
	free(pp);
	return r;
}

const char *
sema__suggest(const char *name, const char *const *cands, size_t n)
{
	size_t len = strlen(name), cap, best = (size_t)-1, i;
	const char *pick = NULL;

	/* One typo per three characters, at least one, at most three: close
	 * enough to be a slip, far enough not to suggest nonsense. */
	cap = (len + 2) / 3;
	if (cap < 1)
		cap = 1;
	if (cap > 3)
		cap = 3;
	for (i = 0; i < n; i++) {
		size_t dist;

		if (!cands[i] || strcmp(cands[i], name) == 0)
			continue;
		dist = edit_distance(name, cands[i], cap);
		if (dist <= cap && dist < best) {
			best = dist;
			pick = cands[i];
		}
	}
	return pick;
}

static bool
is_ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '$';
}

static bool
streq(const struct istr *s, const char *lit)
{
	return s && strcmp(s->s, lit) == 0;
}

static bool
one_of(const char *s, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* The bytes of a span, or NULL when the text is not available. */
struct text {
	const char *p;
	size_t len;
};

static const char *
span_text(struct text t, struct span s)
{
	if (!t.p || (size_t)s.off + s.len > t.len)
		return NULL;
	return t.p + s.off;
}

/* A number, possibly written with a sign: -5, +3. */
static bool
num_value(const struct ast_expr *e, double *v)
{
	if (!e)
		return false;
	if (e->kind == EXPR_NUMBER) {
		*v = e->num;
		return true;
	}
	if (e->kind == EXPR_UNARY && (e->op == EOP_NEG || e->op == EOP_PLUS) &&
	    num_value(e->a, v)) {
		if (e->op == EOP_NEG)
			*v = -*v;
		return true;
	}
	if (e->kind == EXPR_PAREN)
		return num_value(e->a, v);
	return false;
}

/* Whole numbers without libm (the build links no -lm). */
static bool
is_whole(double v)
{
	return v >= -9e15 && v <= 9e15 && (double)(long long)v == v;
}

static bool
is_numeric_type(const char *t)
{
	static const char *const n[] = { "Integer", "Decimal", "Float",
					 "BigInt" };

	return one_of(t, n, ARRAY_LEN(n));
}

static bool
is_string_type(const char *t)
{
	static const char *const n[] = { "String", "Text", "Email", "URL",
					 "UUID" };

	return one_of(t, n, ARRAY_LEN(n));
}

static struct diag *
related_here(struct diag_list *d, struct diag *g, struct span first,
	     const char *what)
{
	diag_set_related(d, g, d->unit, first.off, first.len,
			 "%s first declared here", what);
	return g;
}

/* ------------------------------------------------------------------ */
/* Entities                                                           */
/* ------------------------------------------------------------------ */

struct ectx {
	struct text t;
	const struct ast_alias *const *aliases;
	const struct sema_options *opt;
	struct diag_list *d;
	const struct ast_entity *e;
};

/* The primitive a type name stands for: itself, or an alias target.
 * *alias_bad is set when the name is an alias to a non-primitive (the
 * alias reports that itself). */
static const char *
resolve_type(const struct ectx *c, const struct istr *name, bool *alias_bad)
{
	const struct ast_alias *const *a;

	*alias_bad = false;
	if (!name)
		return NULL;
	if (sema__is_primitive(name->s, name->len))
		return name->s;
	for (a = c->aliases; a && *a; a++) {
		if (!(*a)->name || strcmp((*a)->name->s, name->s) != 0)
			continue;
		if ((*a)->target &&
		    sema__is_primitive((*a)->target->s, (*a)->target->len))
			return (*a)->target->s;
		*alias_bad = true;
		return NULL;
	}
	return NULL;
}

static void
unknown_type(const struct ectx *c, const struct ast_field *f)
{
	static const struct {
		const char *from, *to;
	} synonyms[] = {
		{ "Int", "Integer" }, { "Bool", "Boolean" },
		{ "Date", "DateTime" }, { "Uuid", "UUID" }, { "Url", "URL" },
		{ "Number", "Decimal" }, { "JSON", "Json" },
		{ "Double", "Float" },
	};
	const char *name = f->type.name->s, *sug = NULL;
	struct diag *g;
	size_t i;

	g = diag_error(c->d, "E0301", f->type.name_span.off,
		       f->type.name_span.len, "unknown type '%s' for field '%s'",
		       name, f->name ? f->name->s : "?");
	for (i = 0; i < ARRAY_LEN(synonyms); i++)
		if (strcmp(synonyms[i].from, name) == 0)
			sug = synonyms[i].to;
	if (!sug)
		sug = sema__suggest(name, primitives, ARRAY_LEN(primitives));
	if (sug)
		diag_set_help(c->d, g, "did you mean '%s'?", sug);
	else if (isupper((unsigned char)name[0]))
		diag_set_help(c->d, g,
			      "to refer to the entity '%s', write a relation: "
			      "'%s: belongs_to %s'",
			      name, f->name ? f->name->s : "x", name);
	else
		diag_set_help(c->d, g,
			      "field types are String, Text, Integer, Decimal, "
			      "Boolean, DateTime, Json, BigInt, Float, UUID, "
			      "Email, URL");
}

static size_t
count_args(const struct ast_arg *a, size_t *named)
{
	size_t n = 0;

	*named = 0;
	for (; a; a = a->next) {
		if (a->name)
			(*named)++;
		else
			n++;
	}
	return n;
}

static const struct ast_arg *
positional(const struct ast_arg *a, size_t i)
{
	for (; a; a = a->next)
		if (!a->name && i-- == 0)
			return a;
	return NULL;
}

static const struct ast_arg *
named_arg(const struct ast_arg *a, const char *name)
{
	for (; a; a = a->next)
		if (a->name && strcmp(a->name->s, name) == 0)
			return a;
	return NULL;
}

/* Legacy `(unique)` / `(default: v)`: a deprecation, or an error when
 * the configuration removes the old form. */
static void
legacy_attr(const struct ectx *c, const struct ast_attr *at, const char *who)
{
	const struct ast_arg *v = at->args;
	const char *vt = v && v->value ? span_text(c->t, v->value->span) : NULL;
	struct diag *g;

	if (c->opt && c->opt->paren_attrs_are_errors)
		g = diag_error(c->d, "E0318", at->span.off, at->span.len,
			       "parenthesised attribute '(%s)' on %s is no "
			       "longer allowed",
			       at->name->s, who);
	else
		g = diag_warn(c->d, "W0304", at->span.off, at->span.len,
			      "deprecated attribute syntax '(%s)' on %s",
			      at->name->s, who);
	if (vt)
		diag_set_help(c->d, g, "write '@%s(%.*s)'", at->name->s,
			      (int)v->value->span.len, vt);
	else
		diag_set_help(c->d, g, "write '@%s'", at->name->s);
}

static bool
no_args(const struct ectx *c, const struct ast_attr *at)
{
	if (at->args) {
		diag_error(c->d, "E0304", at->span.off, at->span.len,
			   "@%s takes no arguments", at->name->s);
		return false;
	}
	return true;
}

static void
check_default(const struct ectx *c, const struct ast_field *f,
	      const char *prim, const struct ast_attr *at)
{
	static const char *const funcs[] = { "now", "uuid", "cuid", "nanoid",
					     "autoincrement" };
	const struct ast_expr *v;
	const char *fname = f->name->s;
	size_t named, npos = count_args(at->args, &named);
	bool is_null = false, fits = true;
	double num;

	if (npos != 1 || named) {
		diag_error(c->d, "E0304", at->span.off, at->span.len,
			   "@default needs exactly one value");
		return;
	}
	v = at->args->value;
	if (!v)
		return;
	if (f->type.list) {
		diag_error(c->d, "E0309", at->span.off, at->span.len,
			   "list field '%s' cannot have a default value",
			   fname);
		return;
	}
	if (num_value(v, &num)) {
		if (prim && strcmp(prim, "Integer") == 0 &&
		    (!is_whole(num) || num < -2147483648.0 ||
		     num > 2147483647.0)) {
			diag_error(c->d, "E0308", v->span.off, v->span.len,
				   "default of Integer field '%s' must be a "
				   "whole number in -2147483648..2147483647",
				   fname);
			return;
		}
		fits = !prim || is_numeric_type(prim) ||
		       strcmp(prim, "Json") == 0;
	} else if (v->kind == EXPR_STRING || v->kind == EXPR_IDENT) {
		const char *s = v->kind == EXPR_IDENT ? v->name->s
						       : span_text(c->t, v->str);
		size_t sl = v->kind == EXPR_IDENT ? v->name->len : v->str.len;
		bool boolean = v->kind == EXPR_IDENT &&
			       (streq(v->name, "true") ||
				streq(v->name, "false"));

		is_null = s && sl == 4 && memcmp(s, "null", 4) == 0;
		if (prim && !is_null) {
			if (boolean)
				fits = strcmp(prim, "Boolean") == 0 ||
				       strcmp(prim, "Json") == 0;
			else
				fits = !is_numeric_type(prim) &&
				       strcmp(prim, "Boolean") != 0;
		}
	} else if (v->kind == EXPR_CALL && v->a && v->a->kind == EXPR_IDENT) {
		const char *fn = v->a->name->s;

		if (!one_of(fn, funcs, ARRAY_LEN(funcs))) {
			struct diag *g = diag_error(
				c->d, "E0307", v->a->span.off, v->a->span.len,
				"unknown default function '%s()' for field "
				"'%s'",
				fn, fname);
			const char *s = sema__suggest(fn, funcs,
						      ARRAY_LEN(funcs));

			if (s)
				diag_set_help(c->d, g, "did you mean '%s()'?",
					      s);
			else
				diag_set_help(c->d, g,
					      "use now(), uuid(), cuid(), "
					      "nanoid() or autoincrement()");
			return;
		}
		if (prim && strcmp(fn, "autoincrement") == 0)
			fits = strcmp(prim, "Integer") == 0 ||
			       strcmp(prim, "BigInt") == 0;
		else if (prim && strcmp(fn, "now") == 0)
			fits = strcmp(prim, "DateTime") == 0;
		else if (prim)
			fits = is_string_type(prim);
	} else {
		diag_error(c->d, "E0304", v->span.off, v->span.len,
			   "a default must be a number, a string, a name or "
			   "a call such as now()");
		return;
	}
	if (!fits) {
		diag_error(c->d, "E0320", v->span.off, v->span.len,
			   "default '%.*s' does not fit %s field '%s'",
			   (int)v->span.len,
			   span_text(c->t, v->span) ? span_text(c->t, v->span)
						    : "?",
			   prim, fname);
		return;
	}
	if (is_null && f->type.optional && !f->type.nullable) {
		struct diag *g = diag_error(
			c->d, "E0310", v->span.off, v->span.len,
			"default null on optional field '%s', which is not "
			"nullable",
			fname);

		diag_set_help(c->d, g,
			      "mark the field nullable ('%s nullable') or drop "
			      "the default",
			      f->type.name->s);
	}
}

static void
check_bound(const struct ectx *c, const struct ast_field *f,
	    const char *prim, const struct ast_attr *at)
{
	const struct ast_arg *a = positional(at->args, 0);
	double v;

	if (!a || !num_value(a->value, &v)) {
		diag_error(c->d, "E0304", at->span.off, at->span.len,
			   "@%s needs a number, e.g. @%s(0)", at->name->s,
			   at->name->s);
		return;
	}
	if (prim && !is_numeric_type(prim))
		diag_error(c->d, "E0305", at->span.off, at->span.len,
			   "@%s applies to Integer, Decimal, Float or BigInt "
			   "fields, not %s field '%s'",
			   at->name->s, prim, f->name->s);
}

static void
check_length(const struct ectx *c, const struct ast_field *f,
	     const char *prim, const struct ast_attr *at)
{
	const struct ast_arg *a;
	double lo = -1, hi = -1, v;
	bool ok = at->args != NULL;

	for (a = at->args; a; a = a->next) {
		if (!num_value(a->value, &v) || v < 0 || !is_whole(v)) {
			ok = false;
			break;
		}
		if (a->name && strcmp(a->name->s, "min") == 0)
			lo = v;
		else if (a->name && strcmp(a->name->s, "max") == 0)
			hi = v;
		else if (!a->name && a == positional(at->args, 0))
			lo = v;
		else if (!a->name && a == positional(at->args, 1))
			hi = v;
		else
			ok = false;
	}
	if (!ok) {
		diag_error(c->d, "E0304", at->span.off, at->span.len,
			   "@length takes whole numbers: @length(min, max) "
			   "or @length(min: 3, max: 20)");
		return;
	}
	if (lo >= 0 && hi >= 0 && lo > hi)
		diag_error(c->d, "E0304", at->span.off, at->span.len,
			   "@length minimum %g is above the maximum %g", lo,
			   hi);
	if (prim && strcmp(prim, "String") != 0 && strcmp(prim, "Text") != 0)
		diag_error(c->d, "E0306", at->span.off, at->span.len,
			   "@length applies to String or Text fields, not %s "
			   "field '%s'",
			   prim, f->name->s);
}

static const char *const field_attrs[] = {
	"unique", "default", "map", "policy", "id", "min", "max", "length",
	"pattern", "email", "Email", "json", "opaque", "index", "enum",
	"discriminator", "message",
};

/* Reports an attribute written twice (the first wins downstream). */
static bool
repeated_attr(const struct ectx *c, const struct ast_attr *list,
	      const struct ast_attr *at)
{
	const struct ast_attr *p;

	for (p = list; p && p != at; p = p->next)
		if (p->name == at->name ||
		    (p->name && at->name &&
		     strcmp(p->name->s, at->name->s) == 0)) {
			struct diag *g = diag_error(
				c->d, "E0319", at->span.off, at->span.len,
				"attribute '%s' given twice", at->name->s);

			related_here(c->d, g, p->span, "attribute");
			return true;
		}
	return false;
}

static void
check_field(const struct ectx *c, const struct ast_field *f)
{
	const struct ast_type *t = &f->type;
	const struct ast_attr *at;
	const char *prim = NULL;
	char who[160];
	bool alias_bad;

	if (!f->name)
		return;
	snprintf(who, sizeof(who), "field '%s'", f->name->s);
	if (t->optional_in_list) {
		struct diag *g = diag_error(
			c->d, "E0303", t->span.off, t->span.len,
			"list field '%s' cannot have optional elements",
			f->name->s);

		diag_set_help(c->d, g, "remove the '?': write '%s[]'",
			      t->name ? t->name->s : "T");
	}
	if (t->list_of_syntax) {
		struct diag *g = diag_warn(c->d, "W0302", t->span.off,
					   t->span.len,
					   "'list of %s' is deprecated",
					   t->name ? t->name->s : "T");

		diag_set_help(c->d, g, "write '%s[]'",
			      t->name ? t->name->s : "T");
	}
	if (t->null_union && t->union_name && !streq(t->union_name, "Null"))
		diag_error(c->d, "E0302", t->union_span.off, t->union_span.len,
			   "'| %s' is not supported: the only union is "
			   "'| Null'",
			   t->union_name->s);
	if (t->name) {
		prim = resolve_type(c, t->name, &alias_bad);
		if (!prim && !alias_bad)
			unknown_type(c, f);
	}

	for (at = f->attrs; at; at = at->next) {
		const char *n;

		if (!at->name)
			continue;
		n = at->name->s;
		if (at->paren_form)
			legacy_attr(c, at, who);
		if (repeated_attr(c, f->attrs, at))
			continue;
		if (strcmp(n, "default") == 0) {
			check_default(c, f, prim, at);
		} else if (strcmp(n, "unique") == 0 || strcmp(n, "email") == 0 ||
			   strcmp(n, "Email") == 0 || strcmp(n, "json") == 0 ||
			   strcmp(n, "opaque") == 0) {
			no_args(c, at);
		} else if (strcmp(n, "id") == 0) {
			if (no_args(c, at) && (t->optional || t->list))
				diag_error(c->d, "E0317", at->span.off,
					   at->span.len,
					   "@id field '%s' must be required and "
					   "not a list",
					   f->name->s);
		} else if (strcmp(n, "map") == 0) {
			const struct ast_arg *a = at->args;

			if (!a || a->next || a->name || !a->value ||
			    a->value->kind != EXPR_STRING ||
			    a->value->str.len == 0)
				diag_error(c->d, "E0304", at->span.off,
					   at->span.len,
					   "@map needs one column name string, "
					   "e.g. @map(\"column_name\")");
		} else if (strcmp(n, "policy") == 0) {
			const struct ast_arg *a = at->args;

			if (!a || a->next || !a->value ||
			    a->value->kind != EXPR_IDENT)
				diag_error(c->d, "E0304", at->span.off,
					   at->span.len,
					   "@policy needs one policy name");
			else
				diag_warn(c->d, "W0305", at->span.off,
					  at->span.len,
					  "@policy on field '%s' is accepted, "
					  "no effect yet",
					  f->name->s);
		} else if (strcmp(n, "min") == 0 || strcmp(n, "max") == 0) {
			check_bound(c, f, prim, at);
		} else if (strcmp(n, "length") == 0) {
			check_length(c, f, prim, at);
		} else if (strcmp(n, "pattern") == 0) {
			const struct ast_arg *a = positional(at->args, 0);

			if (!a || !a->value || a->value->kind != EXPR_STRING)
				diag_error(c->d, "E0304", at->span.off,
					   at->span.len,
					   "@pattern needs a regular expression "
					   "string");
		} else if (strcmp(n, "index") == 0 || strcmp(n, "enum") == 0 ||
			   strcmp(n, "discriminator") == 0 ||
			   strcmp(n, "message") == 0) {
			diag_warn(c->d, "W0305", at->span.off, at->span.len,
				  "@%s on field '%s' is accepted, no effect "
				  "yet",
				  n, f->name->s);
		} else {
			struct diag *g = diag_warn(
				c->d, "W0303", at->name_span.off,
				at->name_span.len,
				"unknown attribute '@%s' on field '%s' is "
				"ignored",
				n, f->name->s);
			const char *s = sema__suggest(n, field_attrs,
						      ARRAY_LEN(field_attrs));

			if (s)
				diag_set_help(c->d, g, "did you mean '@%s'?",
					      s);
		}
	}
}

static const struct ast_field *
find_field(const struct ast_entity *e, const char *name)
{
	const struct ast_field *f;

	for (f = e->fields; f; f = f->next)
		if (f->name && strcmp(f->name->s, name) == 0)
			return f;
	return NULL;
}

static void
check_relation(const struct ectx *c, const struct ast_relation *r)
{
	static const char *const actions[] = { "cascade", "restrict",
					       "set_null" };
	static const char *const policies[] = { "cascade", "restrict",
						"delete" };
	const struct ast_attr *at;
	char who[160];

	if (!r->name)
		return;
	snprintf(who, sizeof(who), "relation '%s'", r->name->s);
	if (r->on_delete) {
		const char *od = r->on_delete->s;

		if (!one_of(od, actions, ARRAY_LEN(actions))) {
			struct diag *g = diag_error(
				c->d, "E0315", r->on_delete_span.off,
				r->on_delete_span.len,
				"unknown on_delete action '%s' on relation "
				"'%s'",
				od, r->name->s);
			const char *s = sema__suggest(od, actions,
						      ARRAY_LEN(actions));

			if (s)
				diag_set_help(c->d, g, "did you mean '%s'?", s);
			else
				diag_set_help(c->d, g,
					      "use cascade, restrict or "
					      "set_null");
		} else if (r->kind != REL_BELONGS_TO) {
			diag_warn(c->d, "W0306", r->on_delete_span.off,
				  r->on_delete_span.len,
				  "on_delete on %s relation '%s' is accepted, "
				  "no effect yet (it belongs on the "
				  "belongs_to side)",
				  r->kind == REL_HAS_MANY ? "has_many"
							  : "has_one",
				  r->name->s);
		} else if (strcmp(od, "set_null") == 0 && !r->optional) {
			char fk[256];
			const struct ast_field *f;

			snprintf(fk, sizeof(fk), "%sId", r->name->s);
			f = find_field(c->e, fk);
			if (!f || !(f->type.optional || f->type.nullable)) {
				struct diag *g = diag_error(
					c->d, "E0316", r->on_delete_span.off,
					r->on_delete_span.len,
					"on_delete: set_null needs relation "
					"'%s' to be optional",
					r->name->s);

				diag_set_help(c->d, g,
					      "write 'belongs_to %s?'",
					      r->target ? r->target->s : "T");
			}
		}
	}
	for (at = r->attrs; at; at = at->next) {
		const char *n;

		if (!at->name)
			continue;
		n = at->name->s;
		if (at->paren_form)
			legacy_attr(c, at, who);
		if (repeated_attr(c, r->attrs, at))
			continue;
		if (strcmp(n, "unique") == 0) {
			no_args(c, at);
		} else if (strcmp(n, "policy") == 0) {
			const struct ast_arg *a = at->args;
			const char *p = a && a->value &&
						a->value->kind == EXPR_IDENT
					? a->value->name->s
					: NULL;

			if (!p || a->next) {
				diag_error(c->d, "E0304", at->span.off,
					   at->span.len,
					   "a relation policy needs one name: "
					   "cascade, restrict or delete");
			} else if (r->kind != REL_BELONGS_TO) {
				diag_error(c->d, "E0313", at->span.off,
					   at->span.len,
					   "policy on relation '%s' needs a "
					   "belongs_to relation",
					   r->name->s);
			} else if (!one_of(p, policies, ARRAY_LEN(policies))) {
				struct diag *g = diag_error(
					c->d, "E0314", a->value->span.off,
					a->value->span.len,
					"unknown policy '%s' on relation '%s'",
					p, r->name->s);

				diag_set_help(c->d, g,
					      "use cascade, restrict or delete");
			}
		} else {
			diag_warn(c->d, "W0307", at->span.off, at->span.len,
				  "'%s' has no effect on relation '%s'", n,
				  r->name->s);
		}
	}
}

/* Field and relation names share one namespace: both become Prisma
 * model fields and API properties. */
static void
check_member_names(const struct ectx *c)
{
	const struct ast_entity *e = c->e;
	const struct ast_field *f = e->fields;
	const struct ast_relation *r = e->relations;
	struct member {
		const struct istr *name;
		struct span span;
	} *all;
	struct sema__map m;
	size_t n = 0, j;

	for (f = e->fields; f; f = f->next)
		n++;
	for (r = e->relations; r; r = r->next)
		n++;
	all = xcalloc(n + 1, sizeof(*all));
	/* Members come in two lists, each in source order; merge them back
	 * so that "the later one" really is the later one. */
	f = e->fields;
	r = e->relations;
	for (j = 0; j < n; j++) {
		if (f && (!r || f->name_span.off < r->name_span.off)) {
			all[j].name = f->name;
			all[j].span = f->name_span;
			f = f->next;
		} else {
			all[j].name = r->name;
			all[j].span = r->name_span;
			r = r->next;
		}
	}
	sema__map_init(&m, n);
	for (j = 0; j < n; j++) {
		bool added;
		uint32_t *slot;

		if (!all[j].name)
			continue;
		slot = sema__map_put(&m, all[j].name->s, all[j].name->len,
				     &added);
		if (added) {
			*slot = (uint32_t)j;
			continue;
		}
		related_here(c->d,
			     diag_error(c->d, "E0311", all[j].span.off,
					all[j].span.len,
					"'%s' declared twice in entity '%s'",
					all[j].name->s,
					e->name ? e->name->s : "?"),
			     all[*slot].span, "member");
	}
	sema__map_free(&m);
	free(all);
}

static void
check_entity(const struct ectx *c)
{
	const struct ast_entity *e = c->e;
	const struct ast_field *f;
	const struct ast_relation *r, *q;

	if (e->name && !sema__is_pascal(e->name->s))
		diag_set_help(c->d,
			      diag_warn(c->d, "W0301", e->name_span.off,
					e->name_span.len,
					"entity name '%s' is not PascalCase",
					e->name->s),
			      "entity names start with an upper-case letter "
			      "and contain only letters and digits");
	for (f = e->fields; f; f = f->next)
		check_field(c, f);
	for (r = e->relations; r; r = r->next) {
		check_relation(c, r);
		if (r->kind != REL_HAS_ONE || !r->target)
			continue;
		for (q = e->relations; q != r; q = q->next)
			if (q->kind == REL_HAS_ONE && q->target &&
			    strcmp(q->target->s, r->target->s) == 0) {
				related_here(
					c->d,
					diag_error(c->d, "E0312",
						   r->target_span.off,
						   r->target_span.len,
						   "entity '%s' has two has_one "
						   "relations to '%s'",
						   e->name ? e->name->s : "?",
						   r->target->s),
					q->target_span, "has_one");
				break;
			}
	}
	check_member_names(c);
}

/* ------------------------------------------------------------------ */
/* Aliases                                                            */
/* ------------------------------------------------------------------ */

static void
check_alias(const struct ast_alias *al, const struct ast_alias *const *all,
	    struct diag_list *d)
{
	const struct ast_alias *const *p;

	if (!al->name)
		return;
	if (sema__is_primitive(al->name->s, al->name->len))
		diag_error(d, "E0331", al->name_span.off, al->name_span.len,
			   "type alias '%s' has the name of a primitive type",
			   al->name->s);
	else if (!sema__is_pascal(al->name->s))
		diag_warn(d, "W0310", al->name_span.off, al->name_span.len,
			  "type alias name '%s' is not PascalCase",
			  al->name->s);
	if (al->target && !sema__is_primitive(al->target->s, al->target->len)) {
		struct diag *g = diag_error(
			d, "E0330", al->target_span.off, al->target_span.len,
			"type alias '%s' must name a primitive type, not '%s'",
			al->name->s, al->target->s);
		const char *s = sema__suggest(al->target->s, primitives,
					      ARRAY_LEN(primitives));

		if (s)
			diag_set_help(d, g, "did you mean '%s'?", s);
	}
	/* The file's aliases come in source order; only the later of two
	 * equal names reports. Their spans are in other units, so the
	 * message stands alone. */
	for (p = all; p && *p && *p != al; p++)
		if ((*p)->name && strcmp((*p)->name->s, al->name->s) == 0) {
			diag_error(d, "E0332", al->name_span.off,
				   al->name_span.len,
				   "type alias '%s' declared twice in this file",
				   al->name->s);
			break;
		}
}

/* ------------------------------------------------------------------ */
/* Design tokens                                                      */
/* ------------------------------------------------------------------ */

static bool
is_snake_key(const char *s)
{
	if (!s || !islower((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_')
			return false;
	return true;
}

/* #rgb, #rgba, #rrggbb, #rrggbbaa; p points at '#'. */
static bool
is_hex_colour(const char *p, size_t n)
{
	size_t i;

	if (n < 1 || p[0] != '#')
		return false;
	for (i = 1; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	n--;
	return n == 3 || n == 4 || n == 6 || n == 8;
}

/* Where a design token's value is written: a string with its quotes. */
static uint32_t
tok_off(const struct ast_dtoken *k)
{
	return k->kind == DTOK_STRING && k->value.off ? k->value.off - 1
						      : k->value.off;
}

static uint32_t
tok_len(const struct ast_dtoken *k)
{
	return k->kind == DTOK_STRING ? k->value.len + 2 : k->value.len;
}

/*
 * A colour given as a string that is not hex: a CSS colour function
 * (`rgb(0 0 0 / .5)`, `hsl(...)`, `var(--brand)`, `color-mix(...)`) or a
 * named colour, which is letters only (`rebeccapurple`, `transparent`).
 * Anything else (`blue-ish`, `12px`) is a typo worth reporting.
 */
static bool
is_css_colour_string(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (isalpha((unsigned char)p[i]) || (i && p[i] == '-')))
		i++;
	if (i == 0)
		return false;
	if (i == n)
		return memchr(p, '-', n) == NULL;
	return p[i] == '(' && p[n - 1] == ')';
}

static void
check_colour(struct diag_list *d, struct text t, const struct ast_theme *th,
	     const struct ast_dtoken *k)
{
	const char *v = span_text(t, k->value);
	bool bad;

	if (k->kind == DTOK_NUMBER)
		bad = true;
	else if (!v)
		bad = false;
	else if (k->kind == DTOK_HEX || (k->value.len && v[0] == '#'))
		bad = !is_hex_colour(v, k->value.len);
	else
		bad = !is_css_colour_string(v, k->value.len);
	if (bad)
		diag_set_help(d,
			      diag_error(d, "E0402", tok_off(k), tok_len(k),
					 "colour '%s' of theme '%s' is not a "
					 "colour: '%.*s'",
					 k->key ? k->key->s : "?",
					 th->name ? th->name->s : "?",
					 (int)k->value.len, v ? v : "?"),
			      "write #rgb, #rgba, #rrggbb, #rrggbbaa or a CSS "
			      "colour string");
}

/* Warns about a key repeated in one token list; the later one wins. */
static void
repeated_keys(struct diag_list *d, const struct ast_dtoken *list)
{
	const struct ast_dtoken *k;
	struct sema__map m;
	size_t n = 0, i = 0;
	const struct ast_dtoken **byidx;

	for (k = list; k; k = k->next)
		n++;
	if (n < 2)
		return;
	byidx = xcalloc(n, sizeof(*byidx));
	sema__map_init(&m, n);
	for (k = list; k; k = k->next, i++) {
		bool added;
		uint32_t *slot;

		byidx[i] = k;
		if (!k->key)
			continue;
		slot = sema__map_put(&m, k->key->s, k->key->len, &added);
		if (added) {
			*slot = (uint32_t)i;
			continue;
		}
		related_here(d,
			     diag_warn(d, "W0403", k->key_span.off,
				       k->key_span.len,
				       "token '%s' given twice; the later value "
				       "wins",
				       k->key->s),
			     byidx[*slot]->key_span, "token");
	}
	sema__map_free(&m);
	free(byidx);
}

static void
check_design(const struct ast_design *ds, struct text t, struct diag_list *d)
{
	const struct ast_dtoken *k;
	const struct ast_theme *th, *p;
	const char *section = ds->section == DS_SPACING ? "spacing"
			      : ds->section == DS_RADII ? "radii"
							: "shadows";

	switch (ds->section) {
	case DS_COLORS:
		for (th = ds->themes; th; th = th->next) {
			for (p = ds->themes; p != th; p = p->next)
				if (p->name && th->name &&
				    strcmp(p->name->s, th->name->s) == 0) {
					related_here(
						d,
						diag_warn(d, "W0402",
							  th->name_span.off,
							  th->name_span.len,
							  "theme '%s' repeated; "
							  "its colours are "
							  "merged",
							  th->name->s),
						p->name_span, "theme");
					break;
				}
			for (k = th->tokens; k; k = k->next)
				check_colour(d, t, th, k);
			repeated_keys(d, th->tokens);
		}
		break;
	case DS_TYPOGRAPHY:
		for (k = ds->tokens; k; k = k->next) {
			const char *v = span_text(t, k->value);

			if (streq(k->key, "fontFamily")) {
				if (k->kind != DTOK_STRING)
					diag_error(d, "E0406", k->value.off,
						   k->value.len,
						   "fontFamily must be a string, "
						   "e.g. \"Inter, sans-serif\"");
			} else if (streq(k->key, "baseSize")) {
				size_t i = 0, n = k->value.len;
				bool ok = k->kind == DTOK_STRING && v;

				while (ok && i < n && isdigit((unsigned char)v[i]))
					i++;
				ok = ok && i > 0;
				if (ok && i < n && v[i] == '.') {
					size_t j = ++i;

					while (i < n &&
					       isdigit((unsigned char)v[i]))
						i++;
					ok = i > j;
				}
				ok = ok &&
				     ((n - i == 2 &&
				       (memcmp(v + i, "px", 2) == 0 ||
					memcmp(v + i, "em", 2) == 0)) ||
				      (n - i == 3 && memcmp(v + i, "rem", 3) == 0));
				if (!ok)
					diag_set_help(
						d,
						diag_error(d, "E0403",
							   tok_off(k),
							   tok_len(k),
							   "baseSize '%.*s' is "
							   "not a size",
							   (int)k->value.len,
							   v ? v : "?"),
						"write a string such as "
						"\"16px\", \"1rem\" or \"1em\"");
			} else if (k->key) {
				diag_warn(d, "W0401", k->key_span.off,
					  k->key_span.len,
					  "typography key '%s' is accepted, no "
					  "effect (only fontFamily and baseSize "
					  "are used)",
					  k->key->s);
			}
		}
		repeated_keys(d, ds->tokens);
		for (k = ds->weights; k; k = k->next) {
			if (k->key && !is_snake_key(k->key->s))
				diag_error(d, "E0401", k->key_span.off,
					   k->key_span.len,
					   "weight name '%s' must be "
					   "lower_snake_case",
					   k->key->s);
			if (k->kind != DTOK_NUMBER)
				diag_error(d, "E0404", tok_off(k),
					   tok_len(k),
					   "weight '%s' must be a number such as "
					   "400",
					   k->key ? k->key->s : "?");
			else if (k->num < 100 || k->num > 1000)
				diag_error(d, "E0405", k->value.off,
					   k->value.len,
					   "weight '%s' is %g; weights go from "
					   "100 to 1000",
					   k->key ? k->key->s : "?", k->num);
		}
		repeated_keys(d, ds->weights);
		break;
	case DS_SPACING:
	case DS_RADII:
	case DS_SHADOWS:
		for (k = ds->tokens; k; k = k->next)
			if (k->key && !is_snake_key(k->key->s))
				diag_error(d, "E0401", k->key_span.off,
					   k->key_span.len,
					   "%s key '%s' must be lower_snake_case",
					   section, k->key->s);
		repeated_keys(d, ds->tokens);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Pages, components, stores                                          */
/* ------------------------------------------------------------------ */

enum nkind {
	NK_STATE, NK_PARAM, NK_ACTION, NK_CONST, NK_LET, NK_ARG, NK_LOOP,
};

struct nent {
	const struct istr *name;
	enum nkind kind;
	uint32_t idx;          /* NK_ACTION: action index */
	struct span span;
};

/* A growable array, freed by the walker. */
struct refvec {
	struct sum_ref *v;
	size_t n, cap;
};

struct vctx {
	const struct ast_unit *u;
	const struct ast_view *v;
	struct text t;
	struct diag_list *d;       /* NULL: do not report */
	struct unit_summary *s;    /* NULL: do not record */
	struct arena *a;
	struct sema__map names;    /* view-level names -> index in top */
	struct nent *top;
	size_t ntop;
	struct nent *scope;        /* locals, innermost last */
	size_t nscope, capscope;
	int loop_depth;
	bool *action_used;
	int cur_action;            /* the action being walked, or -1 */
	struct refvec uses, erefs, grefs;
};

static void
refvec_push(struct refvec *r, const char *name, struct span sp, bool in_loop)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n].name = name;
	r->v[r->n].span = sp;
	r->v[r->n].in_loop = in_loop;
	r->n++;
}

static void
push_local(struct vctx *c, const struct istr *name, enum nkind k,
	   struct span sp)
{
	if (!name)
		return;
	if (c->nscope == c->capscope) {
		c->capscope = c->capscope ? c->capscope * 2 : 16;
		c->scope = xrealloc(c->scope, c->capscope * sizeof(*c->scope));
	}
	c->scope[c->nscope].name = name;
	c->scope[c->nscope].kind = k;
	c->scope[c->nscope].idx = 0;
	c->scope[c->nscope].span = sp;
	c->nscope++;
}

static const struct nent *
lookup(const struct vctx *c, const char *s, size_t len)
{
	size_t i = c->nscope;
	uint32_t *slot;

	while (i-- > 0)
		if (c->scope[i].name->len == len &&
		    memcmp(c->scope[i].name->s, s, len) == 0)
			return &c->scope[i];
	slot = sema__map_get(&c->names, s, len);
	return slot ? &c->top[*slot] : NULL;
}

/* setFoo for a state `foo` (or `Foo`): the generated setter. */
static bool
is_setter(const struct vctx *c, const char *s, size_t len)
{
	char buf[256];
	const struct nent *e;

	if (len < 4 || len >= sizeof(buf) || memcmp(s, "set", 3) != 0 ||
	    !isupper((unsigned char)s[3]))
		return false;
	memcpy(buf, s + 3, len - 3);
	if ((e = lookup(c, buf, len - 3)) && e->kind == NK_STATE)
		return true;
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return (e = lookup(c, buf, len - 3)) && e->kind == NK_STATE;
}

static const char *const builtins[] = {
	"true", "false", "null", "undefined", "now", "uuid", "cuid", "nanoid",
	"props", "console", "window", "document", "event", "e",
	"find", "findOne", "create", "update", "delete", "log",
	"fetch", "alert", "confirm", "prompt", "setTimeout", "setInterval",
	"clearTimeout", "clearInterval", "parseInt", "parseFloat", "isNaN",
	"isFinite", "localStorage", "sessionStorage", "navigator", "location",
	"encodeURIComponent", "decodeURIComponent", "structuredClone",
	"requestAnimationFrame", "queueMicrotask",
};

static const char *const data_builtins[] = { "find", "findOne", "create",
					     "update", "delete", "log" };

static void walk_expr(struct vctx *c, const struct ast_expr *e);
static void walk_stmts(struct vctx *c, const struct ast_stmt *s);

/* Resolves a free identifier; reports or records it when unknown. */
static void
use_ident(struct vctx *c, const struct ast_expr *e)
{
	const char *s = e->name->s;
	const struct nent *n = lookup(c, s, e->name->len);

	if (n) {
		if (n->kind == NK_ACTION && c->action_used &&
		    (int)n->idx != c->cur_action)
			c->action_used[n->idx] = true;
		return;
	}
	if (is_setter(c, s, e->name->len) ||
	    one_of(s, builtins, ARRAY_LEN(builtins)))
		return;
	if (strcmp(s, "children") == 0 && c->u->kind == UNIT_COMPONENT)
		return;
	if (isupper((unsigned char)s[0])) {
		/* Stores, entities and components live in other units. */
		if (!sema__is_global_cap(s))
			refvec_push(&c->grefs, s, e->span, false);
		return;
	}
	if (c->d)
		diag_warn(c->d, "W0502", e->span.off, e->span.len,
			  "unknown identifier '%s'", s);
}

static const struct ast_expr *
strip_parens(const struct ast_expr *e)
{
	while (e && e->kind == EXPR_PAREN)
		e = e->a;
	return e;
}

/* Whether assigning to e is meaningful; reports when not. */
static void
check_target(struct vctx *c, const struct ast_expr *assign)
{
	const struct ast_expr *t = strip_parens(assign->a);
	const struct nent *n;
	const char *why = NULL;

	if (!t)
		return;
	if (t->kind == EXPR_MEMBER || t->kind == EXPR_INDEX) {
		walk_expr(c, t);
		return;
	}
	if (t->kind != EXPR_IDENT) {
		if (c->d)
			diag_error(c->d, "E0506", t->span.off, t->span.len,
				   "cannot assign to this expression");
		return;
	}
	n = lookup(c, t->name->s, t->name->len);
	if (n && (n->kind == NK_STATE || n->kind == NK_LET ||
		  n->kind == NK_ARG))
		return;
	if (!c->d)
		return;
	if (n && n->kind == NK_CONST) {
		related_here(c->d,
			     diag_error(c->d, "E0507", t->span.off, t->span.len,
					"cannot assign to const '%s'",
					t->name->s),
			     n->span, "const");
		return;
	}
	if (!n)
		why = "it is not a state variable or a local";
	else if (n->kind == NK_PARAM)
		why = "component params are read-only";
	else if (n->kind == NK_ACTION)
		why = "it is an action";
	else
		why = "it is a loop variable";
	diag_error(c->d, "E0506", t->span.off, t->span.len,
		   "cannot assign to '%s': %s", t->name->s, why);
}

/* find(E), findOne(E, where: {...}), create(E, {...}), update(r, {...}),
 * delete(r), log(...). Returns true when the first argument was taken as
 * an entity name (and must not be resolved as a variable). */
static bool
check_data_call(struct vctx *c, const struct ast_expr *call, const char *fn)
{
	size_t named, npos = count_args(call->args, &named);
	const struct ast_arg *a0 = positional(call->args, 0);
	const char *want = NULL;
	bool entity = strcmp(fn, "find") == 0 || strcmp(fn, "findOne") == 0 ||
		      strcmp(fn, "create") == 0;

	if (strcmp(fn, "log") == 0)
		return false;
	if (entity) {
		if (!a0 || !a0->value || a0->value->kind != EXPR_IDENT) {
			want = strcmp(fn, "find") == 0
				? "find(Entity)"
				: strcmp(fn, "findOne") == 0
				? "findOne(Entity, where: { ... })"
				: "create(Entity, { ... })";
			if (c->d)
				diag_error(c->d, "E0508", call->span.off,
					   call->span.len,
					   "%s needs an entity name first: %s",
					   fn, want);
			return false;
		}
		refvec_push(&c->erefs, a0->value->name->s, a0->value->span,
			    false);
	}
	if (strcmp(fn, "find") == 0) {
		if (npos > 1)
			want = "find(Entity) or find(Entity, where: { ... })";
	} else if (strcmp(fn, "findOne") == 0) {
		const struct ast_arg *w = named_arg(call->args, "where");
		const struct ast_arg *p1 = positional(call->args, 1);

		if (!(w && w->value && w->value->kind == EXPR_OBJECT) &&
		    !(p1 && p1->value && p1->value->kind == EXPR_OBJECT))
			want = "findOne(Entity, where: { ... })";
	} else if (strcmp(fn, "create") == 0) {
		if (npos != 2)
			want = "create(Entity, { ... })";
	} else if (strcmp(fn, "update") == 0) {
		if (npos != 2)
			want = "update(record, { ... })";
	} else if (strcmp(fn, "delete") == 0) {
		if (npos != 1 || named)
			want = "delete(record)";
	}
	if (want && c->d)
		diag_error(c->d, "E0508", call->span.off, call->span.len,
			   "wrong arguments for %s: write %s", fn, want);
	return entity;
}

static void
walk_args(struct vctx *c, const struct ast_arg *a, bool skip_first)
{
	for (; a; a = a->next) {
		if (skip_first && !a->name) {
			skip_first = false;
			continue;
		}
		walk_expr(c, a->value);
	}
}

static void
walk_expr(struct vctx *c, const struct ast_expr *e)
{
	const struct ast_param *p;
	size_t mark;

	if (!e)
		return;
	switch (e->kind) {
	case EXPR_IDENT:
		use_ident(c, e);
		break;
	case EXPR_NUMBER:
	case EXPR_STRING:
	case EXPR_SIZE:
	case EXPR_DURATION:
	case EXPR_HEX:
		break;
	case EXPR_ARRAY:
	case EXPR_OBJECT:
		walk_args(c, e->args, false);
		break;
	case EXPR_MEMBER:
		walk_expr(c, e->a);
		break;
	case EXPR_INDEX:
		walk_expr(c, e->a);
		walk_expr(c, e->b);
		break;
	case EXPR_CALL: {
		const struct ast_expr *f = e->a;
		bool skip = false;

		if (f && f->kind == EXPR_IDENT &&
		    !lookup(c, f->name->s, f->name->len) &&
		    one_of(f->name->s, data_builtins, ARRAY_LEN(data_builtins)))
			skip = check_data_call(c, e, f->name->s);
		else
			walk_expr(c, f);
		walk_args(c, e->args, skip);
		break;
	}
	case EXPR_UNARY:
	case EXPR_PAREN:
		walk_expr(c, e->a);
		break;
	case EXPR_BINARY:
		walk_expr(c, e->a);
		walk_expr(c, e->b);
		break;
	case EXPR_COND:
		walk_expr(c, e->a);
		walk_expr(c, e->b);
		walk_expr(c, e->c);
		break;
	case EXPR_ASSIGN:
		check_target(c, e);
		walk_expr(c, e->b);
		break;
	case EXPR_ARROW:
		mark = c->nscope;
		for (p = e->params; p; p = p->next)
			push_local(c, p->name, NK_ARG, p->name_span);
		if (e->arrow_block)
			walk_stmts(c, e->body);
		else
			walk_expr(c, e->b);
		c->nscope = mark;
		break;
	}
}

static void
walk_stmts(struct vctx *c, const struct ast_stmt *s)
{
	size_t mark = c->nscope;

	for (; s; s = s->next) {
		size_t inner;

		switch (s->kind) {
		case STMT_EXPR:
		case STMT_RETURN:
			walk_expr(c, s->expr);
			break;
		case STMT_VAR:
			walk_expr(c, s->expr);
			push_local(c, s->name, s->is_const ? NK_CONST : NK_LET,
				   s->name_span);
			break;
		case STMT_IF:
			walk_expr(c, s->expr);
			walk_stmts(c, s->then);
			walk_stmts(c, s->otherwise);
			break;
		case STMT_FOR:
			walk_expr(c, s->expr);
			inner = c->nscope;
			push_local(c, s->name, NK_LOOP, s->name_span);
			walk_stmts(c, s->then);
			c->nscope = inner;
			break;
		case STMT_BLOCK:
			walk_stmts(c, s->then);
			break;
		}
	}
	c->nscope = mark;
}

/* Known events, in their React spelling after "on". */
static const char *const events[] = {
	"AnimationEnd", "AnimationIteration", "AnimationStart", "BeforeInput",
	"Blur", "Change", "Click", "CompositionEnd", "CompositionStart",
	"ContextMenu", "Copy", "Cut", "DoubleClick", "Drag", "DragEnd",
	"DragEnter", "DragLeave", "DragOver", "DragStart", "Drop", "Ended",
	"Error", "Focus", "Input", "Invalid", "KeyDown", "KeyPress", "KeyUp",
	"Load", "MouseDown", "MouseEnter", "MouseLeave", "MouseMove",
	"MouseOut", "MouseOver", "MouseUp", "Paste", "Pause", "Play",
	"PointerCancel", "PointerDown", "PointerEnter", "PointerLeave",
	"PointerMove", "PointerOut", "PointerOver", "PointerUp", "Reset",
	"Scroll", "Select", "Submit", "TimeUpdate", "Toggle", "TouchCancel",
	"TouchEnd", "TouchMove", "TouchStart", "TransitionEnd",
	"VolumeChange", "Wheel",
};

/* The React spelling of an event written on:mouse-enter, mouseenter or
 * MouseEnter, or NULL when unknown. */
static const char *
event_name(const char *w)
{
	char buf[64];
	size_t n = 0, i;

	for (; *w && n < sizeof(buf) - 1; w++)
		if (*w != '-' && *w != '_')
			buf[n++] = (char)tolower((unsigned char)*w);
	buf[n] = 0;
	if (strcmp(buf, "dblclick") == 0)
		return "DoubleClick";
	for (i = 0; i < ARRAY_LEN(events); i++) {
		const char *a = events[i];
		size_t j;

		for (j = 0; a[j] && buf[j] &&
			    tolower((unsigned char)a[j]) == buf[j];
		     j++)
			;
		if (!a[j] && !buf[j])
			return a;
	}
	return NULL;
}

static bool
is_camel_prop(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s))
			return false;
	return true;
}

static void walk_ui(struct vctx *c, const struct ast_ui *n);

static void
walk_attr(struct vctx *c, const struct ast_ui *el, const struct ast_ui_attr *at)
{
	const char *n = at->name ? at->name->s : "";
	bool dom = el->tag && !isupper((unsigned char)el->tag->s[0]);

	if (strncmp(n, "on:", 3) == 0 ||
	    (n[0] == 'o' && n[1] == 'n' && isupper((unsigned char)n[2]))) {
		const char *ev = n[2] == ':' ? n + 3 : n + 2;

		if (dom && c->d && !event_name(ev))
			diag_warn(c->d, "W0503", at->name_span.off,
				  at->name_span.len,
				  "unknown event '%s' on <%s>", ev,
				  el->tag->s);
		if (at->kind != AV_EXPR && c->d)
			diag_set_help(c->d,
				      diag_error(c->d, "E0510", at->span.off,
						 at->span.len,
						 "event handler '%s' must be an "
						 "expression",
						 n),
				      "write %s={handler}", n);
		walk_expr(c, at->expr);
		return;
	}
	if (n[0] == 'o' && n[1] == 'n' && n[2] && c->d) {
		const char *ev = event_name(n + 2);
		bool lower = true;
		const char *q;

		for (q = n; *q; q++)
			if (!islower((unsigned char)*q))
				lower = false;
		if (ev && lower)
			diag_set_help(c->d,
				      diag_warn(c->d, "W0504", at->name_span.off,
						at->name_span.len,
						"event attribute '%s' is lower "
						"case",
						n),
				      "write 'on%s' (or 'on:%s')", ev, n + 2);
	}
	if (strncmp(n, "bind:", 5) == 0) {
		const struct ast_expr *t = strip_parens(at->expr);
		const struct nent *ne;

		if (c->d && !is_camel_prop(n + 5))
			diag_error(c->d, "E0503", at->name_span.off,
				   at->name_span.len,
				   "bind: property '%s' on <%s> must be "
				   "camelCase (like 'value' or 'checked')",
				   n + 5, el->tag ? el->tag->s : "?");
		if (c->d && (at->kind != AV_EXPR || !t ||
			     !(t->kind == EXPR_MEMBER || t->kind == EXPR_INDEX ||
			       (t->kind == EXPR_IDENT &&
				(ne = lookup(c, t->name->s, t->name->len)) &&
				(ne->kind == NK_STATE || ne->kind == NK_LET)))))
			diag_set_help(c->d,
				      diag_error(c->d, "E0504", at->span.off,
						 at->span.len,
						 "'%s' must bind a state variable "
						 "or a member",
						 n),
				      "write %s={stateName}", n);
		if (t && t->kind != EXPR_IDENT)
			walk_expr(c, t);
		return;
	}
	if (at->kind == AV_EXPR)
		walk_expr(c, at->expr);
}

static void
walk_element(struct vctx *c, const struct ast_ui *n)
{
	const struct ast_ui_attr *at, *each = NULL;
	size_t mark = c->nscope;

	for (at = n->attrs; at; at = at->next)
		if (at->name && strcmp(at->name->s, "for:each") == 0) {
			if (at->kind != AV_EACH) {
				if (c->d)
					diag_set_help(
						c->d,
						diag_error(c->d, "E0509",
							   at->span.off,
							   at->span.len,
							   "for:each needs "
							   "'{item in items}'"),
						"write for:each={item in items}");
			} else if (!each) {
				each = at;
			}
		}
	if (each) {
		walk_expr(c, each->expr);
		push_local(c, each->each_var, NK_LOOP, each->each_var_span);
		push_local(c, each->each_index, NK_LOOP, each->each_var_span);
		c->loop_depth++;
	}
	if (n->tag && isupper((unsigned char)n->tag->s[0]) &&
	    !strchr(n->tag->s, '.') && !strchr(n->tag->s, ':'))
		refvec_push(&c->uses, n->tag->s, n->tag_span,
			    c->loop_depth > 0);
	for (at = n->attrs; at; at = at->next)
		if (at != each && !(at->name &&
				    strcmp(at->name->s, "for:each") == 0))
			walk_attr(c, n, at);
	walk_ui(c, n->children);
	if (each)
		c->loop_depth--;
	c->nscope = mark;
}

static void
walk_ui(struct vctx *c, const struct ast_ui *n)
{
	const struct ast_ui_branch *b;
	size_t mark;

	for (; n; n = n->next) {
		switch (n->kind) {
		case UI_TEXT:
			break;
		case UI_EXPR:
			walk_expr(c, n->expr);
			break;
		case UI_ELEMENT:
			walk_element(c, n);
			break;
		case UI_IF:
			for (b = n->branches; b; b = b->next) {
				walk_expr(c, b->cond);
				walk_ui(c, b->children);
			}
			break;
		case UI_EACH:
			walk_expr(c, n->expr);
			mark = c->nscope;
			push_local(c, n->each_var, NK_LOOP, n->span);
			push_local(c, n->each_index, NK_LOOP, n->span);
			c->loop_depth++;
			walk_ui(c, n->children);
			c->loop_depth--;
			c->nscope = mark;
			break;
		case UI_SLOT:
			if (c->u->kind != UNIT_COMPONENT && c->d)
				diag_error(c->d, "E0505", n->span.off,
					   n->span.len,
					   "<slot> is only allowed in a "
					   "component");
			break;
		}
	}
}

/* Adds a view-level name; reports a clash with an earlier one. */
static void
add_top(struct vctx *c, const struct istr *name, struct span sp,
	enum nkind k, uint32_t idx)
{
	static const char *const what[] = { "state", "param", "action" };
	bool added;
	uint32_t *slot;

	if (!name)
		return;
	slot = sema__map_put(&c->names, name->s, name->len, &added);
	if (!added) {
		const struct nent *f = &c->top[*slot];

		if (c->d)
			related_here(c->d,
				     diag_error(c->d, "E0502", sp.off, sp.len,
						"'%s' already declared as %s in "
						"'%s'",
						name->s, what[f->kind],
						c->v->name ? c->v->name->s
							   : "?"),
				     f->span, what[f->kind]);
		return;
	}
	*slot = (uint32_t)c->ntop;
	c->top[c->ntop].name = name;
	c->top[c->ntop].kind = k;
	c->top[c->ntop].idx = idx;
	c->top[c->ntop].span = sp;
	c->ntop++;
}

static void
unsupported(struct vctx *c, struct span sp, const char *member)
{
	if (c->d)
		diag_error(c->d, "E0501", sp.off, sp.len,
			   "a %s cannot have %s", unit_kind_name(c->u->kind),
			   member);
}

static struct sum_ref *
refs_to_arena(struct arena *a, const struct refvec *r, uint32_t *n)
{
	struct sum_ref *out;
	size_t i;

	*n = (uint32_t)r->n;
	if (!r->n)
		return NULL;
	out = arena_alloc(a, r->n * sizeof(*out));
	for (i = 0; i < r->n; i++) {
		out[i] = r->v[i];
		out[i].name = arena_strndup(a, r->v[i].name,
					    strlen(r->v[i].name));
	}
	return out;
}

void
sema__walk_view(const struct ast_unit *u, const char *text, size_t len,
		struct diag_list *d, struct unit_summary *s, struct arena *a)
{
	const struct ast_view *v = u->u.view;
	const struct ast_param *p;
	const struct ast_action *ac;
	struct vctx c;
	size_t n = 0, i;
	int ai;

	memset(&c, 0, sizeof(c));
	c.u = u;
	c.v = v;
	c.t.p = text;
	c.t.len = len;
	c.d = d;
	c.s = s;
	c.a = a;
	c.cur_action = -1;
	for (p = v->params; p; p = p->next)
		n++;
	for (p = v->state; p; p = p->next)
		n++;
	for (ac = v->actions; ac; ac = ac->next)
		n++;
	c.top = xcalloc(n + 1, sizeof(*c.top));
	c.action_used = xcalloc(n + 1, sizeof(*c.action_used));
	sema__map_init(&c.names, n);

	/* Members a kind does not support: reported, but their names still
	 * count so one mistake does not cascade into unknown identifiers. */
	if (u->kind != UNIT_PAGE && v->guard)
		unsupported(&c, v->guard_span, "a guard");
	if (u->kind != UNIT_COMPONENT)
		for (p = v->params; p; p = p->next)
			unsupported(&c, p->span, "params");
	if (u->kind == UNIT_COMPONENT && v->has_state)
		unsupported(&c, v->state_span, "state");
	if (u->kind == UNIT_COMPONENT)
		for (ac = v->actions; ac; ac = ac->next)
			unsupported(&c, ac->span, "actions");
	if (u->kind != UNIT_PAGE && v->has_on_load)
		unsupported(&c, v->on_load_span, "an 'on load' block");
	if (u->kind == UNIT_STORE && v->has_ui)
		unsupported(&c, v->ui_span, "a ui block");
	if (u->kind != UNIT_COMPONENT && v->has_style)
		unsupported(&c, v->style_span, "a style_override block");
	if (u->kind == UNIT_COMPONENT && v->has_style && v->legacy_style && d)
		diag_set_help(d,
			      diag_warn(d, "W0507", v->style_span.off,
					v->style_span.len,
					"'style: override' is deprecated"),
			      "write 'style_override { ... }'");
	if (u->kind != UNIT_STORE && v->name && !sema__is_pascal(v->name->s) &&
	    d)
		diag_warn(d, "W0501", v->name_span.off, v->name_span.len,
			  "%s name '%s' is not PascalCase",
			  unit_kind_name(u->kind), v->name->s);

	for (p = v->params; p; p = p->next)
		add_top(&c, p->name, p->name_span, NK_PARAM, 0);
	for (p = v->state; p; p = p->next)
		add_top(&c, p->name, p->name_span, NK_STATE, 0);
	for (ac = v->actions, ai = 0; ac; ac = ac->next, ai++) {
		const struct nent *st;

		add_top(&c, ac->name, ac->name_span, NK_ACTION, (uint32_t)ai);
		/* An action named like a generated setter would clash with
		 * it in the generated component. */
		if (d && ac->name && is_setter(&c, ac->name->s, ac->name->len) &&
		    (st = lookup(&c, ac->name->s, ac->name->len)) &&
		    st->kind == NK_ACTION)
			diag_error(d, "E0502", ac->name_span.off,
				   ac->name_span.len,
				   "action '%s' clashes with the setter of a "
				   "state variable",
				   ac->name->s);
	}

	for (p = v->params; p; p = p->next)
		walk_expr(&c, p->init);
	for (p = v->state; p; p = p->next)
		walk_expr(&c, p->init);
	for (ac = v->actions, ai = 0; ac; ac = ac->next, ai++) {
		const struct ast_param *q, *r;

		c.cur_action = ai;
		for (q = ac->params; q; q = q->next) {
			for (r = ac->params; r != q; r = r->next)
				if (d && r->name == q->name && q->name) {
					related_here(
						d,
						diag_error(d, "E0502",
							   q->name_span.off,
							   q->name_span.len,
							   "parameter '%s' "
							   "declared twice",
							   q->name->s),
						r->name_span, "parameter");
					break;
				}
			push_local(&c, q->name, NK_ARG, q->name_span);
		}
		walk_stmts(&c, ac->body);
		c.nscope = 0;
	}
	c.cur_action = -1;
	walk_stmts(&c, v->on_load);
	walk_ui(&c, v->ui);

	if (s) {
		s->uses = refs_to_arena(a, &c.uses, &s->nuses);
		s->entity_refs = refs_to_arena(a, &c.erefs, &s->nentity_refs);
		s->global_refs = refs_to_arena(a, &c.grefs, &s->nglobal_refs);
		for (i = 0; i < s->nactions; i++)
			s->actions[i].used_locally = c.action_used[i];
	}
	free(c.uses.v);
	free(c.erefs.v);
	free(c.grefs.v);
	free(c.scope);
	free(c.top);
	free(c.action_used);
	sema__map_free(&c.names);
}

/* ------------------------------------------------------------------ */
/* Workflows                                                          */
/* ------------------------------------------------------------------ */

struct wbind {
	const struct istr *name;
	struct span span;        /* the binding name */
	struct span step;        /* the whole step */
};

struct wref {
	const struct istr *name;
	uint32_t off;
	uint32_t len;
	bool in_run;
};

struct wctx {
	struct text t;
	const struct sema_options *opt;
	struct diag_list *d;
	const struct ast_workflow *w;
	struct wbind *b;
	size_t nb, capb;
	struct wref *r;
	size_t nr, capr;
	struct span *strs;       /* string literals in steps */
	size_t ns, caps;
};

static void
wref_expr(struct wctx *c, const struct ast_expr *e, bool in_run)
{
	const struct ast_arg *a;
	const struct ast_param *p;

	if (!e)
		return;
	switch (e->kind) {
	case EXPR_IDENT:
		if (c->nr == c->capr) {
			c->capr = c->capr ? c->capr * 2 : 16;
			c->r = xrealloc(c->r, c->capr * sizeof(*c->r));
		}
		c->r[c->nr].name = e->name;
		c->r[c->nr].off = e->span.off;
		c->r[c->nr].len = e->span.len;
		c->r[c->nr].in_run = in_run;
		c->nr++;
		return;
	case EXPR_STRING:
		if (c->ns == c->caps) {
			c->caps = c->caps ? c->caps * 2 : 16;
			c->strs = xrealloc(c->strs, c->caps * sizeof(*c->strs));
		}
		c->strs[c->ns++] = e->str;
		return;
	default:
		break;
	}
	for (a = e->args; a; a = a->next)
		wref_expr(c, a->value, in_run);
	for (p = e->params; p; p = p->next)
		wref_expr(c, p->init, in_run);
	/* MEMBER keeps its property in `name`, not an identifier. */
	wref_expr(c, e->a, in_run);
	wref_expr(c, e->b, in_run);
	wref_expr(c, e->c, in_run);
}

static void
wref_args(struct wctx *c, const struct ast_arg *a, bool in_run)
{
	for (; a; a = a->next)
		wref_expr(c, a->value, in_run);
}

static const struct ast_arg *
prop(const struct ast_step *s, const char *name)
{
	return named_arg(s->props, name);
}

/* The written value of a property: string contents or expression text. */
static const char *
prop_text(const struct wctx *c, const struct ast_arg *a, size_t *n)
{
	const struct ast_expr *v = a ? a->value : NULL;
	struct span sp;

	if (!v)
		return NULL;
	sp = v->kind == EXPR_STRING ? v->str : v->span;
	*n = sp.len;
	return span_text(c->t, sp);
}

static bool
contains(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return true;
	return false;
}

static void
check_send_email(struct wctx *c, const struct ast_step *s)
{
	const struct ast_arg *to = prop(s, "to"), *sub = prop(s, "subject"),
			     *tpl = prop(s, "template");
	const char *p;
	size_t n = 0;

	if (!to)
		diag_error(c->d, "E0615", s->keyword_span.off,
			   s->keyword_span.len,
			   "send_email in workflow '%s' needs 'to'",
			   c->w->name ? c->w->name->s : "?");
	if (!sub && !tpl)
		diag_error(c->d, "E0616", s->keyword_span.off,
			   s->keyword_span.len,
			   "send_email in workflow '%s' needs 'subject' or "
			   "'template'",
			   c->w->name ? c->w->name->s : "?");
	if (sub && (p = prop_text(c, sub, &n)) && memchr(p, '\n', n))
		diag_error(c->d, "E0617", sub->value->span.off,
			   sub->value->span.len,
			   "send_email subject must fit on one line");
	if (to && (p = prop_text(c, to, &n)) &&
	    (memchr(p, ',', n) || memchr(p, ' ', n)) && !memchr(p, '@', n))
		diag_error(c->d, "E0618", to->value->span.off,
			   to->value->span.len,
			   "send_email 'to' value '%.*s' is not an address",
			   (int)n, p);
	if (tpl && (p = prop_text(c, tpl, &n)) &&
	    ((n && p[0] == '/') || contains(p, n, "..")))
		diag_error(c->d, "E0619", tpl->value->span.off,
			   tpl->value->span.len,
			   "template path '%.*s' must be relative and stay "
			   "inside the project",
			   (int)n, p);
}

static bool
str_has_input_interp(const struct wctx *c, const struct ast_expr *e)
{
	const struct ast_arg *a;
	const char *p;

	if (!e)
		return false;
	if (e->kind == EXPR_STRING)
		return (p = span_text(c->t, e->str)) &&
		       contains(p, e->str.len, "${input.");
	for (a = e->args; a; a = a->next)
		if (str_has_input_interp(c, a->value))
			return true;
	return str_has_input_interp(c, e->a) || str_has_input_interp(c, e->b) ||
	       str_has_input_interp(c, e->c);
}

static void
check_http(struct wctx *c, const struct ast_step *s)
{
	const struct ast_arg *url = prop(s, "url"), *ins =
							    prop(s, "allow_insecure");
	const struct ast_arg *a;
	const char *p;
	size_t n = 0;

	if (url && url->value && url->value->kind == EXPR_STRING &&
	    (p = prop_text(c, url, &n)) && n >= 7 &&
	    memcmp(p, "http://", 7) == 0 &&
	    !(ins && ins->value && ins->value->kind == EXPR_IDENT &&
	      streq(ins->value->name, "true")))
		diag_set_help(c->d,
			      diag_error(c->d, "E0620", url->value->span.off,
					 url->value->span.len,
					 "insecure http:// URL in workflow '%s'",
					 c->w->name ? c->w->name->s : "?"),
			      "use https://, or add 'allow_insecure: true' to "
			      "the request");
	for (a = s->props; a; a = a->next)
		if (a != url && str_has_input_interp(c, a->value)) {
			diag_set_help(c->d,
				      diag_warn(c->d, "W0605",
						a->value->span.off,
						a->value->span.len,
						"'${input...}' interpolated into "
						"an http_request body in "
						"workflow '%s'",
						c->w->name ? c->w->name->s
							   : "?"),
				      "validate or escape workflow input "
				      "before sending it");
			break;
		}
}

static void
walk_steps(struct wctx *c, const struct ast_step *s)
{
	for (; s; s = s->next) {
		if (s->binding) {
			if (c->nb == c->capb) {
				c->capb = c->capb ? c->capb * 2 : 8;
				c->b = xrealloc(c->b, c->capb * sizeof(*c->b));
			}
			c->b[c->nb].name = s->binding;
			c->b[c->nb].span = s->binding_span;
			c->b[c->nb].step = s->span;
			c->nb++;
		}
		switch (s->kind) {
		case STEP_RUN:
			wref_args(c, s->args, true);
			break;
		case STEP_BRANCH:
			if (!s->cond)
				diag_error(c->d, "E0621", s->keyword_span.off,
					   s->keyword_span.len,
					   "branch needs 'condition: ...'");
			wref_expr(c, s->cond, false);
			walk_steps(c, s->then_steps);
			walk_steps(c, s->else_steps);
			break;
		case STEP_FOR_EACH:
			wref_expr(c, s->iterable, false);
			walk_steps(c, s->body);
			break;
		case STEP_DELAY:
			wref_expr(c, s->delay_value, false);
			wref_args(c, s->props, false);
			break;
		case STEP_SEND_EMAIL:
			check_send_email(c, s);
			wref_args(c, s->props, false);
			break;
		case STEP_HTTP_REQUEST:
			check_http(c, s);
			wref_args(c, s->props, false);
			break;
		case STEP_PARALLEL:
		case STEP_QUEUE_PUBLISH:
		case STEP_DB_TX:
			diag_warn(c->d, "W0604", s->keyword_span.off,
				  s->keyword_span.len,
				  "step '%.*s' is accepted, no effect yet",
				  (int)s->keyword_span.len,
				  span_text(c->t, s->keyword_span)
					  ? span_text(c->t, s->keyword_span)
					  : "?");
			wref_args(c, s->props, false);
			walk_steps(c, s->body);
			break;
		}
	}
}

/* Whole-word occurrence of name in p[0..n). */
static bool
mentions(const char *p, size_t n, const char *name)
{
	size_t k = strlen(name), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, name, k) == 0 &&
		    (i == 0 || !is_ident_char((unsigned char)p[i - 1])) &&
		    (i + k == n || !is_ident_char((unsigned char)p[i + k])))
			return true;
	return false;
}

static const struct ast_param *
find_param(const struct ast_param *p, const struct istr *name)
{
	for (; p; p = p->next)
		if (p->name && strcmp(p->name->s, name->s) == 0)
			return p;
	return NULL;
}

static void
check_bindings(struct wctx *c)
{
	const struct ast_workflow *w = c->w;
	struct sema__map m;
	size_t i, j;

	sema__map_init(&m, c->nb);
	for (i = 0; i < c->nb; i++) {
		const struct wbind *b = &c->b[i];
		const struct ast_param *clash;
		bool added, used = false;
		uint32_t *slot;

		clash = find_param(w->input, b->name);
		if (!clash)
			clash = find_param(w->state, b->name);
		if (clash) {
			related_here(c->d,
				     diag_error(c->d, "E0613", b->span.off,
						b->span.len,
						"binding '%s' reuses an input or "
						"state name of workflow '%s'",
						b->name->s,
						w->name ? w->name->s : "?"),
				     clash->name_span, "name");
			continue;
		}
		slot = sema__map_put(&m, b->name->s, b->name->len, &added);
		if (!added) {
			related_here(c->d,
				     diag_error(c->d, "E0612", b->span.off,
						b->span.len,
						"binding '%s' declared twice in "
						"workflow '%s'",
						b->name->s,
						w->name ? w->name->s : "?"),
				     c->b[*slot].span, "binding");
			continue;
		}
		*slot = (uint32_t)i;
		for (j = 0; j < c->nr; j++) {
			const struct wref *r = &c->r[j];

			if (r->name != b->name &&
			    strcmp(r->name->s, b->name->s) != 0)
				continue;
			if (r->off >= b->step.off + b->step.len)
				used = true;
			else if (r->in_run && r->off < b->step.off)
				related_here(
					c->d,
					diag_error(c->d, "E0614", r->off,
						   r->len,
						   "'%s' is used before the step "
						   "that declares it",
						   b->name->s),
					b->span, "binding");
		}
		for (j = 0; !used && j < c->ns; j++) {
			const char *p = span_text(c->t, c->strs[j]);

			if (p && c->strs[j].off >= b->step.off + b->step.len &&
			    mentions(p, c->strs[j].len, b->name->s))
				used = true;
		}
		if (!used)
			diag_set_help(c->d,
				      diag_warn(c->d, "W0602", b->span.off,
						b->span.len,
						"binding '%s' is never used",
						b->name->s),
				      "drop 'const %s =' or use it in a later "
				      "step",
				      b->name->s);
	}
	sema__map_free(&m);
}

static void
check_settings(struct wctx *c)
{
	const struct ast_workflow *w = c->w;
	const struct ast_arg *a, *backoff = NULL, *factor = NULL;
	double v;

	for (a = w->concurrency; a; a = a->next) {
		if (!a->value)
			continue;
		if (a->name && streq(a->name, "limit")) {
			if (!num_value(a->value, &v) || !is_whole(v) || v < 1 ||
			    v > 10000)
				diag_error(c->d, "E0605", a->value->span.off,
					   a->value->span.len,
					   "concurrency limit of workflow '%s' "
					   "must be a whole number in 1..10000",
					   w->name ? w->name->s : "?");
		} else if (!(a->name && streq(a->name, "group"))) {
			struct span sp = a->name ? a->name_span : a->value->span;

			diag_set_help(c->d,
				      diag_error(c->d, "E0606", sp.off, sp.len,
						 "unknown concurrency setting "
						 "'%s'",
						 a->name ? a->name->s : "?"),
				      "concurrency takes 'limit' and 'group'");
		}
	}
	for (a = w->retry; a; a = a->next) {
		const char *k = a->name ? a->name->s : "";

		if (!a->value)
			continue;

		if (strcmp(k, "max") == 0) {
			if (!num_value(a->value, &v) || !is_whole(v) || v < 0 ||
			    v > 100)
				diag_error(c->d, "E0607", a->value->span.off,
					   a->value->span.len,
					   "retry max must be a whole number in "
					   "0..100");
		} else if (strcmp(k, "backoff") == 0) {
			const struct ast_expr *e = a->value;

			backoff = a;
			if (!e || e->kind != EXPR_IDENT ||
			    !(streq(e->name, "fixed") ||
			      streq(e->name, "exponential")))
				diag_set_help(c->d,
					      diag_error(c->d, "E0608",
							 e->span.off, e->span.len,
							 "unknown retry backoff"),
					      "use 'fixed' or 'exponential'");
		} else if (strcmp(k, "factor") == 0) {
			factor = a;
			if (!num_value(a->value, &v))
				diag_error(c->d, "E0609", a->value->span.off,
					   a->value->span.len,
					   "retry factor must be a number");
		} else if (strcmp(k, "delay") == 0) {
			if (!(a->value && a->value->kind == EXPR_DURATION) &&
			    !(num_value(a->value, &v) && v >= 0))
				diag_error(c->d, "E0610", a->value->span.off,
					   a->value->span.len,
					   "retry delay must be a duration such "
					   "as 30s, or milliseconds");
		} else {
			struct span sp = a->name ? a->name_span : a->value->span;

			diag_set_help(c->d,
				      diag_error(c->d, "E0611", sp.off, sp.len,
						 "unknown retry setting '%s' in "
						 "workflow '%s'",
						 a->name ? k : "?",
						 w->name ? w->name->s : "?"),
				      "retry takes max, backoff, factor and "
				      "delay");
		}
	}
	if (backoff && backoff->value && streq(backoff->value->name, "exponential") &&
	    factor && num_value(factor->value, &v) && !(v > 1))
		diag_error(c->d, "E0609", factor->value->span.off,
			   factor->value->span.len,
			   "exponential backoff needs a factor above 1");
}

static void
check_workflow(const struct ast_workflow *w, struct text t,
	       const struct sema_options *opt, struct diag_list *d)
{
	const struct ast_trigger *tr, *first_hook = NULL, *first_ent = NULL;
	const struct ast_step *s;
	const struct ast_arg *a;
	struct wctx c;
	size_t nsteps = 0;
	const char *name = w->name ? w->name->s : "?";

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.opt = opt;
	c.d = d;
	c.w = w;
	if (w->name && !sema__is_pascal(name))
		diag_warn(d, "W0601", w->name_span.off, w->name_span.len,
			  "workflow name '%s' is not PascalCase", name);
	if (!w->has_trigger)
		diag_set_help(d,
			      diag_error(d, "E0601", w->name_span.off,
					 w->name_span.len,
					 "workflow '%s' has no trigger", name),
			      "add e.g. 'trigger { on:create(Order) }'");
	if (!w->has_steps)
		diag_error(d, "E0602", w->name_span.off, w->name_span.len,
			   "workflow '%s' has no steps", name);
	for (tr = w->triggers; tr; tr = tr->next) {
		if (tr->kind == TRIG_WEBHOOK) {
			if (!tr->secret)
				diag_set_help(d,
					      diag_error(d, "E0604", tr->span.off,
							 tr->span.len,
							 "webhook trigger of "
							 "workflow '%s' has no "
							 "secret",
							 name),
					      "write 'on:webhook(secret: "
					      "SECRET_NAME)'");
			if (!first_hook)
				first_hook = tr;
			if (first_ent && first_hook == tr)
				related_here(d,
					     diag_error(d, "E0603", tr->span.off,
							tr->span.len,
							"workflow '%s' mixes "
							"webhook and entity "
							"triggers",
							name),
					     first_ent->span, "entity trigger");
		} else {
			if (!first_ent)
				first_ent = tr;
			if (first_hook && first_ent == tr)
				related_here(d,
					     diag_error(d, "E0603", tr->span.off,
							tr->span.len,
							"workflow '%s' mixes "
							"webhook and entity "
							"triggers",
							name),
					     first_hook->span, "webhook trigger");
		}
	}
	check_settings(&c);
	for (s = w->steps; s; s = s->next)
		nsteps++;
	if (opt && opt->workflow_complexity && nsteps > opt->workflow_complexity)
		diag_set_help(d,
			      diag_warn(d, "W0603", w->name_span.off,
					w->name_span.len,
					"workflow '%s' has %zu top-level steps "
					"(more than %u)",
					name, nsteps, opt->workflow_complexity),
			      "split it into smaller workflows");
	walk_steps(&c, w->steps);
	for (a = w->on_error_items; a; a = a->next)
		wref_expr(&c, a->value, false);
	for (a = w->on_failure_items; a; a = a->next)
		wref_expr(&c, a->value, false);
	check_bindings(&c);
	free(c.b);
	free(c.r);
	free(c.strs);
}

/* ------------------------------------------------------------------ */
/* Uploads                                                            */
/* ------------------------------------------------------------------ */

static bool
mime_token(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || !isalnum((unsigned char)p[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("!#$&^_.+-", p[i]))
			return false;
	return true;
}

static void
check_mime(const struct ast_mime *m, struct diag_list *d)
{
	const char *s = m->text ? m->text : "", *slash = strchr(s, '/');
	size_t tl, sl;
	bool ok;

	if (!slash) {
		if (mime_token(s, strlen(s)))
			diag_set_help(d,
				      diag_warn(d, "W0702", m->span.off,
						m->span.len,
						"MIME type '%s' has no subtype and "
						"never matches a file",
						s),
				      "write e.g. '%s/*'", s);
		else
			diag_error(d, "E0710", m->span.off, m->span.len,
				   "malformed MIME type '%s'", s);
		return;
	}
	tl = (size_t)(slash - s);
	sl = strlen(slash + 1);
	if (tl == 1 && s[0] == '*')
		ok = sl == 1 && slash[1] == '*';
	else
		ok = mime_token(s, tl) &&
		     ((sl == 1 && slash[1] == '*') || mime_token(slash + 1, sl));
	if (!ok)
		diag_set_help(d,
			      diag_error(d, "E0710", m->span.off, m->span.len,
					 "malformed MIME type '%s'", s),
			      "write type/subtype or type/*, e.g. image/png or "
			      "image/*");
}

static void
check_upload(const struct ast_upload *up, struct diag_list *d)
{
	static const char *const namings[] = { "uuid", "hash", "original" };
	const struct ast_upload_field *f, *g;
	const struct ast_mime *m;
	const char *name = up->name ? up->name->s : "?";

	if (up->name && !sema__is_pascal(name))
		diag_warn(d, "W0701", up->name_span.off, up->name_span.len,
			  "upload policy name '%s' is not PascalCase", name);
	if (!up->fields)
		diag_set_help(d,
			      diag_error(d, "E0701", up->name_span.off,
					 up->name_span.len,
					 "upload policy '%s' has no fields", name),
			      "add e.g. 'field file mime: [image/png]'");
	for (f = up->fields; f; f = f->next) {
		const char *fn = f->name ? f->name->s : "?";

		for (g = up->fields; f->name && g != f; g = g->next)
			if (g->name && strcmp(g->name->s, fn) == 0) {
				related_here(d,
					     diag_error(d, "E0702",
							f->name_span.off,
							f->name_span.len,
							"field '%s' declared "
							"twice in upload policy "
							"'%s'",
							fn, name),
					     g->name_span, "field");
				break;
			}
		if (!f->has_mime || !f->mimes)
			diag_error(d, "E0703", f->name_span.off, f->name_span.len,
				   "upload field '%s' needs 'mime: [...]'", fn);
		if (f->has_max_size && !(f->max_size > 0))
			diag_error(d, "E0704", f->max_size_span.off,
				   f->max_size_span.len,
				   "maxSize of upload field '%s' must be above 0",
				   fn);
		if (f->has_max_count &&
		    (f->max_count < 1 || !is_whole(f->max_count)))
			diag_error(d, "E0705", f->max_count_span.off,
				   f->max_count_span.len,
				   "maxCount of upload field '%s' must be a whole "
				   "number of at least 1",
				   fn);
		for (m = f->mimes; m; m = m->next)
			check_mime(m, d);
	}
	if (!up->has_store)
		return;
	if (!up->has_path)
		diag_error(d, "E0706", up->store_span.off, up->store_span.len,
			   "store clause of upload policy '%s' needs 'path'",
			   name);
	if (!up->naming)
		diag_set_help(d,
			      diag_error(d, "E0707", up->store_span.off,
					 up->store_span.len,
					 "store clause of upload policy '%s' "
					 "needs 'naming'",
					 name),
			      "add 'naming: uuid' (or hash, original)");
	else if (!one_of(up->naming->s, namings, ARRAY_LEN(namings)))
		diag_set_help(d,
			      diag_error(d, "E0709", up->naming_span.off,
					 up->naming_span.len,
					 "unknown naming '%s'", up->naming->s),
			      "use uuid, hash or original");
	if (up->strategy && !streq(up->strategy, "local"))
		diag_set_help(d,
			      diag_error(d, "E0708", up->strategy_span.off,
					 up->strategy_span.len,
					 "unknown storage strategy '%s'",
					 up->strategy->s),
			      "the only strategy is 'local'");
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

void
sema_check_unit(const struct ast_unit *u, const char *text, size_t len,
		const struct ast_alias *const *aliases,
		const struct sema_options *opt, struct diag_list *d)
{
	struct sema_options defaults;
	struct text t;

	if (!u)
		return;
	if (!opt) {
		sema_options_default(&defaults);
		opt = &defaults;
	}
	t.p = text;
	t.len = len;
	switch (u->kind) {
	case UNIT_ENTITY:
		if (u->u.entity) {
			struct ectx c;

			c.t = t;
			c.aliases = aliases;
			c.opt = opt;
			c.d = d;
			c.e = u->u.entity;
			check_entity(&c);
		}
		break;
	case UNIT_DESIGN:
		if (u->u.design)
			check_design(u->u.design, t, d);
		break;
	case UNIT_PAGE:
	case UNIT_COMPONENT:
	case UNIT_STORE:
		if (u->u.view)
			sema__walk_view(u, text, len, d, NULL, NULL);
		break;
	case UNIT_WORKFLOW:
		if (u->u.workflow)
			check_workflow(u->u.workflow, t, opt, d);
		break;
	case UNIT_UPLOAD:
		if (u->u.upload)
			check_upload(u->u.upload, d);
		break;
	case UNIT_ALIAS:
		if (u->u.alias)
			check_alias(u->u.alias, aliases, d);
		break;
	case UNIT_KIND_COUNT:
		break;
	}
}
