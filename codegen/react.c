/*
 * react.c - pages (react/pages/<P>.tsx) and components
 * (react/components/<C>.tsx and .css), OUTPUTS.md sections 8 and 9 with
 * DECISIONS.md applied.
 *
 * A view is printed in two passes: the function body (state, effects,
 * actions, the JSX) goes to a scratch buffer first, noting every built-in,
 * component, entity type and data client function it uses; then the
 * header and exactly those imports are written, then the body. The JSX is
 * laid out the way Prettier would: one element per line, attributes on
 * one line unless they do not fit, text runs kept on one line so that
 * JSX's whitespace rules give the same text the source had.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cg_internal.h"

#define LINE_WIDTH 80

static const char *const builtin_tags[] = { "Button", "Input", "Stack",
					    "Text" };

/* ------------------------------------------------------------------ */
/* Component props (declared params plus auto-added slots)            */
/* ------------------------------------------------------------------ */

struct prop {
	const char *name;
	const struct ast_param *param;   /* NULL when auto-added */
	bool slot;                       /* typed React.ReactNode */
};

struct props {
	struct prop *v;
	size_t n;
	size_t cap;
	bool auto_children;
	size_t first_auto;               /* index of the first auto-added */
};

static const struct ast_view *
view_of(const struct cg_decl *d)
{
	return d->ast->u.view;
}

static bool
is_slot_type(const struct ast_type *t)
{
	const char *n = t->name ? t->name->s : "";

	return !t->list && (strcmp(n, "slot") == 0 || strcmp(n, "node") == 0 ||
			    strcmp(n, "children") == 0);
}

static const struct prop *
props_find(const struct props *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}

static void
props_add(struct props *ps, const char *name, const struct ast_param *p,
	  bool slot)
{
	if (props_find(ps, name))
		return;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 8;
		ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
	}
	ps->v[ps->n].name = name;
	ps->v[ps->n].param = p;
	ps->v[ps->n].slot = slot;
	ps->n++;
}

/* Names a view declares itself (state, params, actions). */
static bool
declared(const struct ast_view *v, const char *name)
{
	const struct ast_param *p;
	const struct ast_action *a;

	for (p = v->params; p; p = p->next)
		if (strcmp(p->name->s, name) == 0)
			return true;
	for (p = v->state; p; p = p->next)
		if (strcmp(p->name->s, name) == 0)
			return true;
	for (a = v->actions; a; a = a->next)
		if (strcmp(a->name->s, name) == 0)
			return true;
	return false;
}

struct slot_scan {
	const struct ast_view *v;
	bool children;
	struct cg_names named;
};

static void scan_expr_slots(struct slot_scan *s, const struct ast_expr *e);

static void
scan_args_slots(struct slot_scan *s, const struct ast_arg *a)
{
	for (; a; a = a->next)
		scan_expr_slots(s, a->value);
}

static void
scan_expr_slots(struct slot_scan *s, const struct ast_expr *e)
{
	size_t len;

	if (!e)
		return;
	if (e->kind == EXPR_IDENT) {
		len = e->name->len;
		if (declared(s->v, e->name->s))
			return;
		if (strcmp(e->name->s, "children") == 0)
			s->children = true;
		else if (len > 4 && strcmp(e->name->s + len - 4, "Slot") == 0)
			cg__names_add(&s->named, e->name->s);
		return;
	}
	scan_expr_slots(s, e->a);
	/* The property name of a.b is not a reference. */
	scan_expr_slots(s, e->b);
	scan_expr_slots(s, e->c);
	scan_args_slots(s, e->args);
}

static void
scan_ui_slots(struct slot_scan *s, const struct ast_ui *n)
{
	const struct ast_ui_attr *a;
	const struct ast_ui_branch *b;

	for (; n; n = n->next) {
		switch (n->kind) {
		case UI_TEXT:
			break;
		case UI_EXPR:
			scan_expr_slots(s, n->expr);
			break;
		case UI_ELEMENT:
			for (a = n->attrs; a; a = a->next)
				scan_expr_slots(s, a->expr);
			scan_ui_slots(s, n->children);
			break;
		case UI_IF:
			for (b = n->branches; b; b = b->next) {
				scan_expr_slots(s, b->cond);
				scan_ui_slots(s, b->children);
			}
			break;
		case UI_EACH:
			scan_expr_slots(s, n->expr);
			scan_ui_slots(s, n->children);
			break;
		case UI_SLOT:
			if (!n->slot_name)
				s->children = true;
			else if (!declared(s->v, n->slot_name->s))
				cg__names_add(&s->named, n->slot_name->s);
			break;
		}
	}
}

/*
 * The effective props of a component: its params in order, then
 * `children` when the UI renders it without declaring it, then every
 * undeclared slot the UI renders (`{fooSlot}`, `<slot name="x"/>`), in
 * order of appearance. The caller frees ps->v.
 */
static void
component_props(const struct cg_decl *d, struct props *ps)
{
	const struct ast_view *v = view_of(d);
	const struct ast_param *p;
	struct slot_scan s;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	memset(&s, 0, sizeof(s));
	for (p = v->params; p; p = p->next)
		props_add(ps, p->name->s, p,
			  p->has_type && is_slot_type(&p->type));
	ps->first_auto = ps->n;
	s.v = v;
	scan_ui_slots(&s, v->ui);
	if (s.children && !props_find(ps, "children")) {
		props_add(ps, "children", NULL, true);
		ps->auto_children = true;
	}
	for (i = 0; i < s.named.n; i++)
		props_add(ps, s.named.v[i], NULL, true);
	cg__names_free(&s.named);
}

/* ------------------------------------------------------------------ */
/* JSX                                                                */
/* ------------------------------------------------------------------ */

static void render_node(struct cg_view *c, struct sbuf *o,
			const struct ast_ui *n, int indent);
static void render_element(struct cg_view *c, struct sbuf *o,
			   const struct ast_ui *n, int indent,
			   const char *key, bool drop_slot_attr);

bool
cg__is_builtin_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(builtin_tags); i++)
		if (strcmp(builtin_tags[i], name) == 0)
			return true;
	return false;
}

static bool
is_builtin_tag(const struct cg_view *c, const char *tag)
{
	size_t i;

	if (cg_find_component(c->m, tag))
		return false;
	for (i = 0; i < ARRAY_LEN(builtin_tags); i++)
		if (strcmp(builtin_tags[i], tag) == 0)
			return true;
	return false;
}

/* Notes the import a tag needs. */
static void
use_tag(struct cg_view *c, const char *tag)
{
	if (!isupper((unsigned char)tag[0]))
		return;
	if (strcmp(tag, c->v->name->s) == 0)
		return;
	if (is_builtin_tag(c, tag))
		cg__names_add(&c->builtins, tag);
	else if (cg_find_component(c->m, tag))
		cg__names_add(&c->components, tag);
}

static const struct ast_ui_attr *
each_attr(const struct ast_ui *n)
{
	const struct ast_ui_attr *a;

	if (n->kind != UI_ELEMENT)
		return NULL;
	for (a = n->attrs; a; a = a->next)
		if (a->kind == AV_EACH)
			return a;
	return NULL;
}

static const struct ast_ui_attr *
find_attr(const struct ast_ui *n, const char *name)
{
	const struct ast_ui_attr *a;

	for (a = n->attrs; a; a = a->next)
		if (strcmp(a->name->s, name) == 0)
			return a;
	return NULL;
}

/* Elements, loops and conditionals take lines of their own. */
static bool
is_block(const struct ast_ui *n)
{
	return n->kind == UI_ELEMENT || n->kind == UI_IF || n->kind == UI_EACH;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* JSX text: the characters JSX would read as markup become strings. */
static void
put_text(struct sbuf *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '{':
			sbuf_adds(o, "{'{'}");
			break;
		case '}':
			sbuf_adds(o, "{'}'}");
			break;
		case '<':
			sbuf_adds(o, "{'<'}");
			break;
		case '>':
			sbuf_adds(o, "{'>'}");
			break;
		default:
			sbuf_addc(o, s[i]);
		}
	}
}

/*
 * A run of text, expressions and slots printed on one line. When the run
 * starts or ends a line, leading or trailing white space of its text
 * would be dropped by JSX, so it is written as {' '}.
 */
static void
render_run(struct cg_view *c, struct sbuf *o, const struct ast_ui *first,
	   const struct ast_ui *end, bool line_start, bool line_end,
	   int indent)
{
	const struct ast_ui *n;

	for (n = first; n != end; n = n->next) {
		if (n->kind == UI_TEXT) {
			const char *s = n->text;
			size_t len = strlen(s), b = 0, e = len;
			bool lead = false, trail = false;

			if (line_start && n == first) {
				while (b < e && is_space(s[b]))
					b++;
				lead = b > 0;
			}
			if (line_end && n->next == end) {
				while (e > b && is_space(s[e - 1]))
					e--;
				trail = e < len;
			}
			if (lead)
				sbuf_adds(o, "{' '}");
			put_text(o, s + b, e - b);
			if (trail && (e > b || !lead))
				sbuf_adds(o, "{' '}");
		} else {
			render_node(c, o, n, indent);
		}
	}
}

/* Children of an element (or fragment) after its opening tag. */
static void
render_children(struct cg_view *c, struct sbuf *o, const struct ast_ui *kids,
		int indent, bool block)
{
	const struct ast_ui *n, *end;

	for (n = kids; n; n = n->next)
		if (is_block(n))
			block = true;
	if (!block) {
		render_run(c, o, kids, NULL, false, false, indent);
		return;
	}
	sbuf_addc(o, '\n');
	for (n = kids; n; n = end) {
		cg__indent(o, indent + 2);
		if (is_block(n)) {
			render_node(c, o, n, indent + 2);
			end = n->next;
		} else {
			for (end = n; end && !is_block(end); end = end->next)
				;
			render_run(c, o, n, end, true, true, indent + 2);
		}
		sbuf_addc(o, '\n');
	}
	cg__indent(o, indent);
}

/* <>children</> */
static void
render_fragment(struct cg_view *c, struct sbuf *o, const struct ast_ui *kids,
		const char *key, int indent)
{
	if (key)
		sbuf_printf(o, "<React.Fragment key={%s}>", key);
	else
		sbuf_adds(o, "<>");
	render_children(c, o, kids, indent, false);
	sbuf_adds(o, key ? "</React.Fragment>" : "</>");
}

/* One node list as a single JSX expression: the element itself when it
 * is one plain element, else a fragment. */
static void
render_as_one(struct cg_view *c, struct sbuf *o, const struct ast_ui *kids,
	      const char *key, int indent)
{
	if (kids && !kids->next && kids->kind == UI_ELEMENT &&
	    !each_attr(kids))
		render_element(c, o, kids, indent, key, false);
	else
		render_fragment(c, o, kids, key, indent);
}

/* A loop index name unused in the current scope: index, index2, ... */
static const char *
loop_index(struct cg_view *c, const struct istr *declared_index,
	   struct sbuf *tmp)
{
	int k;

	if (declared_index)
		return declared_index->s;
	for (k = 1;; k++) {
		sbuf_reset(tmp);
		if (k == 1)
			sbuf_adds(tmp, "index");
		else
			sbuf_printf(tmp, "index%d", k);
		if (!cg__names_has(&c->scope, tmp->p) &&
		    !cg__state(c, tmp->p) && !declared(c->v, tmp->p))
			return tmp->p;
	}
}

/* Whether the items of an iterable have a type TypeScript knows: it is a
 * state variable or prop declared as a list of a known type. */
static bool
typed_list(const struct cg_view *c, const struct ast_expr *e)
{
	const struct ast_param *p;
	const char *t;

	if (!e || e->kind != EXPR_IDENT ||
	    cg__names_has(&c->scope, e->name->s))
		return false;
	for (p = c->v->state; p; p = p->next)
		if (strcmp(p->name->s, e->name->s) == 0)
			break;
	if (!p)
		for (p = c->v->params; p; p = p->next)
			if (strcmp(p->name->s, e->name->s) == 0)
				break;
	if (!p || !p->has_type || !p->type.list || !p->type.name)
		return false;
	t = p->type.name->s;
	return cg_find_entity(c->m, t) ||
	       (cg__prim_type_name(t) && strcmp(cg__prim_type_name(t), "any"));
}

/*
 * {xs.map((x, index) => (
 *   <el key={index}>...</el>
 * ))}
 * for a for:each element (each != NULL) or an {#each} node.
 */
static void
render_loop(struct cg_view *c, struct sbuf *o, const struct ast_ui *n,
	    const struct ast_ui_attr *each, int indent)
{
	const struct ast_expr *iter = each ? each->expr : n->expr;
	const struct istr *var = each ? each->each_var : n->each_var;
	const struct istr *idx = each ? each->each_index : n->each_index;
	size_t mark = cg__scope_mark(c);
	struct sbuf name;
	char *index;

	sbuf_init(&name);
	index = xstrdup(loop_index(c, idx, &name));
	sbuf_free(&name);
	sbuf_addc(o, '{');
	cg__expr(c, o, iter, CG_PREC_POSTFIX, indent);
	if (typed_list(c, iter))
		sbuf_printf(o, ".map((%s, %s) => (\n", var->s, index);
	else
		/* Items of an untyped value would be implicit anys. */
		sbuf_printf(o, ".map((%s: any, %s: number) => (\n", var->s,
			    index);
	cg__scope_push(c, var->s);
	cg__scope_push(c, index);
	cg__indent(o, indent + 2);
	if (each)
		render_element(c, o, n, indent + 2,
			       find_attr(n, "key") ? NULL : index, false);
	else
		render_as_one(c, o, n->children, index, indent + 2);
	sbuf_addc(o, '\n');
	cg__indent(o, indent);
	sbuf_adds(o, "))}");
	cg__scope_pop(c, mark);
	free(index);
}

/*
 * {c ? (
 *   <A />
 * ) : c2 ? (
 *   <B />
 * ) : null}
 */
static void
render_if(struct cg_view *c, struct sbuf *o, const struct ast_ui *n,
	  int indent)
{
	const struct ast_ui_branch *b;
	bool closed = false;

	sbuf_addc(o, '{');
	for (b = n->branches; b; b = b->next) {
		if (b->cond) {
			if (b != n->branches)
				sbuf_adds(o, " : ");
			cg__expr(c, o, b->cond, CG_PREC_OR, indent);
			sbuf_adds(o, " ? ");
		} else {
			sbuf_adds(o, " : ");
			closed = true;
		}
		if (!b->children) {
			sbuf_adds(o, "null");
		} else {
			sbuf_adds(o, "(\n");
			cg__indent(o, indent + 2);
			render_as_one(c, o, b->children, NULL, indent + 2);
			sbuf_addc(o, '\n');
			cg__indent(o, indent);
			sbuf_addc(o, ')');
		}
		if (closed)
			break;
	}
	if (!closed)
		sbuf_adds(o, " : null");
	sbuf_addc(o, '}');
}

static void
render_node(struct cg_view *c, struct sbuf *o, const struct ast_ui *n,
	    int indent)
{
	const struct ast_ui_attr *each;

	switch (n->kind) {
	case UI_TEXT:
		put_text(o, n->text, strlen(n->text));
		break;
	case UI_EXPR:
		sbuf_addc(o, '{');
		cg__expr(c, o, n->expr, CG_PREC_ANY, indent);
		sbuf_addc(o, '}');
		break;
	case UI_SLOT:
		sbuf_printf(o, "{%s}",
			    n->slot_name ? n->slot_name->s : "children");
		break;
	case UI_ELEMENT:
		if ((each = each_attr(n)))
			render_loop(c, o, n, each, indent);
		else
			render_element(c, o, n, indent, NULL, false);
		break;
	case UI_IF:
		render_if(c, o, n, indent);
		break;
	case UI_EACH:
		render_loop(c, o, n, NULL, indent);
		break;
	}
}

/* ---- attributes ---- */

/* Attributes of one element, each printed on its own. */
struct attr_list {
	struct sbuf *v;
	size_t n;
	size_t cap;
};

static struct sbuf *
attr_new(struct attr_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	sbuf_init(&l->v[l->n]);
	return &l->v[l->n++];
}

static void
attr_free(struct attr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		sbuf_free(&l->v[i]);
	free(l->v);
}


/* A statically allocated-looking istr for synthetic identifiers. */
static struct istr *
make_istr(const char *s)
{
	size_t n = strlen(s);
	struct istr *i = xmalloc(sizeof(*i) + n + 1);

	i->len = (uint32_t)n;
	i->hash = 0;
	memcpy(i->s, s, n + 1);
	return i;
}

/* The state entry at the root of a binding target (x or x.f.g). */
static const struct ast_param *
bound_state(const struct cg_view *c, const struct ast_expr *x)
{
	while (x && (x->kind == EXPR_PAREN ||
		     (x->kind == EXPR_MEMBER && !x->optional_chain)))
		x = x->a;
	if (!x || x->kind != EXPR_IDENT)
		return NULL;
	return cg__state(c, x->name->s);
}

/* `target = value` printed through the state assignment rules. */
static void
put_bound_assign(struct cg_view *c, struct sbuf *o,
		 const struct ast_expr *target, const char *value, int indent)
{
	struct ast_expr assign, val;
	struct istr *nm = make_istr(value);

	memset(&assign, 0, sizeof(assign));
	memset(&val, 0, sizeof(val));
	val.kind = EXPR_IDENT;
	val.name = nm;
	assign.kind = EXPR_ASSIGN;
	assign.op = EOP_NONE;
	assign.a = (struct ast_expr *)target;
	assign.b = &val;
	cg__expr(c, o, &assign, CG_PREC_ANY, indent);
	free(nm);
}

/*
 * bind:P={x}: the value and, when x is state (or a field of it), a change
 * handler through its setter. DOM elements hand the handler an event;
 * components (the built-in Input) hand it the new value itself.
 */
static void
put_bind(struct cg_view *c, struct attr_list *al, const struct ast_ui *el,
	 const char *prop, const struct ast_expr *x, int indent)
{
	struct sbuf *o = attr_new(al);
	const struct ast_param *st = bound_state(c, x);
	bool dom = !isupper((unsigned char)el->tag->s[0]);
	bool checked = strcmp(prop, "checked") == 0;
	bool number = false;
	const struct ast_expr *sx = x;
	struct sbuf val;

	sbuf_printf(o, "%s={", prop);
	cg__expr(c, o, x, CG_PREC_ANY, indent);
	sbuf_addc(o, '}');
	if (!st || strcmp(prop, "disabled") == 0)
		return;
	while (sx && sx->kind == EXPR_PAREN)
		sx = sx->a;
	if (sx->kind == EXPR_IDENT) {
		const char *p = st->has_type ? cg__prim_type(&st->type) : NULL;

		number = p && strcmp(p, "number") == 0;
	}
	sbuf_init(&val);
	if (dom)
		sbuf_printf(&val, "e.target.%s", checked ? "checked" : "value");
	else
		sbuf_adds(&val, "value");
	if (number && !checked) {
		char *inner = xstrdup(val.p);

		sbuf_reset(&val);
		sbuf_printf(&val, "Number(%s)", inner);
		free(inner);
	}
	o = attr_new(al);
	sbuf_adds(o, "onChange={");
	if (!dom && sx->kind == EXPR_IDENT && !number) {
		cg__put_setter(o, sx->name->s);
	} else {
		sbuf_adds(o, dom ? "(e) => " : "(value) => ");
		put_bound_assign(c, o, x, val.p, indent);
	}
	sbuf_addc(o, '}');
	sbuf_free(&val);
}

/* on:mouse-enter -> onMouseEnter */
static void
put_event_name(struct sbuf *o, const char *ev)
{
	bool up = true;

	sbuf_adds(o, "on");
	for (; *ev; ev++) {
		if (*ev == '-' || *ev == ':') {
			up = true;
			continue;
		}
		sbuf_addc(o, up ? (char)toupper((unsigned char)*ev) : *ev);
		up = false;
	}
}

static bool
is_word(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* A JSX string attribute value, quoted so that it reads as written. */
static void
put_attr_string(struct cg_view *c, struct sbuf *o, struct span str)
{
	const char *s = cg_text(c->d, str);
	size_t n = str.len;
	bool dq = memchr(s, '"', n) != NULL;
	bool sq = memchr(s, '\'', n) != NULL;

	if (memchr(s, '\\', n) || memchr(s, '\n', n) || (dq && sq)) {
		/* JSX strings have no escapes: use a string expression. */
		sbuf_addc(o, '{');
		cg__put_str(o, s, n);
		sbuf_addc(o, '}');
		return;
	}
	sbuf_addc(o, dq ? '\'' : '"');
	sbuf_add(o, s, n);
	sbuf_addc(o, dq ? '\'' : '"');
}

/* One attribute (two for a binding), added to al. */
static void
put_attr(struct cg_view *c, struct attr_list *al, const struct ast_ui *el,
	 const struct ast_ui_attr *a, int indent)
{
	struct sbuf *o;
	const char *name = a->name->s;
	bool dom = !isupper((unsigned char)el->tag->s[0]);
	bool event = false;
	const char *colon;

	if (a->kind == AV_EACH)
		return;
	if (strncmp(name, "bind:", 5) == 0) {
		if (a->kind == AV_EXPR) {
			put_bind(c, al, el, name + 5, a->expr, indent);
			return;
		}
		name += 5;
	}
	o = attr_new(al);
	if (strncmp(name, "on:", 3) == 0) {
		put_event_name(o, name + 3);
		event = true;
	} else if (strcmp(name, "class") == 0 && dom) {
		sbuf_adds(o, "className");
	} else if (strcmp(name, "for") == 0 && dom) {
		sbuf_adds(o, "htmlFor");
	} else if ((colon = strchr(name, ':'))) {
		sbuf_add(o, name, (size_t)(colon - name));
		sbuf_adds(o, colon + 1);
	} else {
		if (name[0] == 'o' && name[1] == 'n' &&
		    isupper((unsigned char)name[2]))
			event = true;
		sbuf_adds(o, name);
	}
	switch (a->kind) {
	case AV_NONE:
		break;
	case AV_STRING:
		sbuf_addc(o, '=');
		if (event && is_word(cg_text(c->d, a->str), a->str.len)) {
			/* on:click=refresh names the action. */
			sbuf_addc(o, '{');
			cg_put_span(o, c->d, a->str);
			sbuf_addc(o, '}');
		} else {
			put_attr_string(c, o, a->str);
		}
		break;
	case AV_EXPR:
		sbuf_adds(o, "={");
		if (event && dom && a->expr->kind == EXPR_ARROW &&
		    a->expr->params)
			c->event_param = a->expr->params->name->s;
		cg__expr(c, o, a->expr, CG_PREC_ANY, indent);
		c->event_param = NULL;
		sbuf_addc(o, '}');
		break;
	case AV_EACH:
		break;
	}
}

/* ---- consumer-side named slots ---- */

/*
 * Nodes made for printing only (copies of elements without their slot
 * attribute, lists of the children that remain); freed with the element.
 */
struct scratch {
	struct ptrvec blocks;
};

static void *
scratch_alloc(struct scratch *s, size_t n)
{
	void *p = xcalloc(1, n);

	ptrvec_push(&s->blocks, p);
	return p;
}

static void
scratch_free(struct scratch *s)
{
	size_t i;

	for (i = 0; i < s->blocks.n; i++)
		free(s->blocks.v[i]);
	ptrvec_free(&s->blocks);
}

/* A copy of element n, alone in its list, without its slot attribute. */
static struct ast_ui *
without_slot_attr(struct scratch *s, const struct ast_ui *n)
{
	struct ast_ui *k = scratch_alloc(s, sizeof(*k));
	const struct ast_ui_attr *a;
	struct ast_ui_attr **tail = &k->attrs;

	*k = *n;
	k->next = NULL;
	k->attrs = NULL;
	for (a = n->attrs; a; a = a->next) {
		struct ast_ui_attr *x;

		if (strcmp(a->name->s, "slot") == 0)
			continue;
		x = scratch_alloc(s, sizeof(*x));
		*x = *a;
		x->next = NULL;
		*tail = x;
		tail = &x->next;
	}
	return k;
}

/* Appends a copy of node n to the list ending at *tail. */
static void
list_add(struct scratch *s, struct ast_ui ***tail, const struct ast_ui *n)
{
	struct ast_ui *k = scratch_alloc(s, sizeof(*k));

	*k = *n;
	k->next = NULL;
	**tail = k;
	*tail = &k->next;
}

/*
 * The prop that child k of a component element fills: a child element
 * named like a slot prop (<footerSlot>...</footerSlot>) fills it with its
 * children; an element with slot="footer" fills footerSlot (or footer when
 * that is the prop's name) with itself. NULL for ordinary children.
 */
static const char *
slot_filled(struct cg_view *c, const struct ast_ui *k, const struct props *ps,
	    bool *whole, struct sbuf *tmp)
{
	const struct ast_ui_attr *sa;
	const struct prop *p;

	if (k->kind != UI_ELEMENT || each_attr(k))
		return NULL;
	p = props_find(ps, k->tag->s);
	if (p && p->slot && strcmp(p->name, "children") != 0) {
		*whole = false;
		return p->name;
	}
	sa = find_attr(k, "slot");
	if (!sa || sa->kind != AV_STRING || !sa->str.len)
		return NULL;
	*whole = true;
	sbuf_reset(tmp);
	cg_put_span(tmp, c->d, sa->str);
	if ((p = props_find(ps, tmp->p)) && p->slot)
		return p->name;
	sbuf_adds(tmp, "Slot");
	return (p = props_find(ps, tmp->p)) ? p->name : tmp->p;
}

/* prop={<el />} or, when it does not fit one line, prop={ ... }. */
static void
render_slot_prop(struct cg_view *c, struct sbuf *o, const char *prop,
		 const struct ast_ui *list, int indent)
{
	struct sbuf v;

	sbuf_init(&v);
	render_as_one(c, &v, list, NULL, indent + 2);
	sbuf_printf(o, "%s={", prop);
	if (strchr(v.p, '\n')) {
		sbuf_addc(o, '\n');
		cg__indent(o, indent + 2);
		sbuf_add(o, v.p, v.len);
		sbuf_addc(o, '\n');
		cg__indent(o, indent);
	} else {
		sbuf_add(o, v.p, v.len);
	}
	sbuf_addc(o, '}');
	sbuf_free(&v);
}

/* ---- elements ---- */

/*
 * Separates the children of a component element into the props they
 * fill (slot props, in order of first appearance, with one list of nodes
 * each) and the ordinary children (*rest).
 */
static void
fill_slots(struct cg_view *c, struct scratch *s, const struct ast_ui *n,
	   const struct props *ps, struct attr_list *al, int indent,
	   const struct ast_ui **rest)
{
	const struct ast_ui *k;
	struct ast_ui *kept = NULL, **kept_tail = &kept;
	struct cg_names props = { 0 };
	struct sbuf tmp;
	bool any = false, whole;
	size_t i;

	sbuf_init(&tmp);
	for (k = n->children; k; k = k->next) {
		const char *prop = slot_filled(c, k, ps, &whole, &tmp);

		if (prop) {
			any = true;
			if (cg__names_add(&props, prop)) {
				/* Keep a stable copy of a computed name. */
				char *copy = scratch_alloc(s, strlen(prop) + 1);

				strcpy(copy, prop);
				props.v[props.n - 1] = copy;
			}
		} else {
			list_add(s, &kept_tail, k);
		}
	}
	if (!any) {
		*rest = n->children;
		goto out;
	}
	*rest = kept;
	for (i = 0; i < props.n; i++) {
		struct ast_ui *list = NULL, **tail = &list;
		const struct ast_ui *x;

		for (k = n->children; k; k = k->next) {
			const char *prop = slot_filled(c, k, ps, &whole, &tmp);

			if (!prop || strcmp(prop, props.v[i]) != 0)
				continue;
			if (whole) {
				*tail = without_slot_attr(s, k);
				tail = &(*tail)->next;
				continue;
			}
			for (x = k->children; x; x = x->next)
				list_add(s, &tail, x);
		}
		if (list)
			render_slot_prop(c, attr_new(al), props.v[i], list,
					 indent);
	}
out:
	cg__names_free(&props);
	sbuf_free(&tmp);
}

static void
render_element(struct cg_view *c, struct sbuf *o, const struct ast_ui *n,
	       int indent, const char *key, bool drop_slot_attr)
{
	const struct cg_decl *comp = NULL;
	const struct ast_ui *kids = n->children;
	const struct ast_ui_attr *a;
	struct attr_list al = { 0 };
	struct scratch scr = { { 0 } };
	struct props ps;
	size_t i, width;
	bool multi = false;

	memset(&ps, 0, sizeof(ps));
	use_tag(c, n->tag->s);
	if (isupper((unsigned char)n->tag->s[0]))
		comp = cg_find_component(c->m, n->tag->s);

	if (key)
		sbuf_printf(attr_new(&al), "key={%s}", key);
	for (a = n->attrs; a; a = a->next) {
		if (drop_slot_attr && strcmp(a->name->s, "slot") == 0)
			continue;
		put_attr(c, &al, n, a, indent + 2);
	}
	if (comp) {
		component_props(comp, &ps);
		fill_slots(c, &scr, n, &ps, &al, indent + 2, &kids);
	}

	/* Attributes go on one line when they fit, else one per line. */
	width = (size_t)indent + 1 + n->tag->len + (kids ? 1 : 3);
	for (i = 0; i < al.n; i++) {
		width += 1 + al.v[i].len;
		if (strchr(al.v[i].p, '\n'))
			multi = true;
	}
	if (width > LINE_WIDTH && al.n > 0)
		multi = true;

	sbuf_addc(o, '<');
	sbuf_adds(o, n->tag->s);
	for (i = 0; i < al.n; i++) {
		if (multi) {
			sbuf_addc(o, '\n');
			cg__indent(o, indent + 2);
		} else {
			sbuf_addc(o, ' ');
		}
		sbuf_add(o, al.v[i].p, al.v[i].len);
	}
	if (multi) {
		sbuf_addc(o, '\n');
		cg__indent(o, indent);
	}
	if (!kids) {
		sbuf_adds(o, multi ? "/>" : " />");
	} else {
		sbuf_addc(o, '>');
		render_children(c, o, kids, indent, multi);
		sbuf_printf(o, "</%s>", n->tag->s);
	}
	attr_free(&al);
	free(ps.v);
	scratch_free(&scr);
}

/* ------------------------------------------------------------------ */
/* The view function                                                  */
/* ------------------------------------------------------------------ */

/* Whether the UI has event handlers or bindings (it must run in the
 * browser, so the module needs the client directive). */
static bool
ui_interactive(const struct ast_ui *n)
{
	const struct ast_ui_attr *a;
	const struct ast_ui_branch *b;

	for (; n; n = n->next) {
		if (n->kind == UI_ELEMENT) {
			for (a = n->attrs; a; a = a->next) {
				const char *s = a->name->s;

				if (strncmp(s, "on:", 3) == 0 ||
				    strncmp(s, "bind:", 5) == 0 ||
				    (s[0] == 'o' && s[1] == 'n' &&
				     isupper((unsigned char)s[2])))
					return true;
			}
		}
		if (ui_interactive(n->children))
			return true;
		for (b = n->branches; b; b = b->next)
			if (ui_interactive(b->children))
				return true;
	}
	return false;
}

static bool
needs_client(const struct ast_view *v)
{
	return v->state || v->actions || (v->has_on_load && v->on_load) ||
	       (v->has_on_unload && v->on_unload) || ui_interactive(v->ui);
}

static bool
is_ident_expr(const struct ast_expr *e, const char *name)
{
	return e && e->kind == EXPR_IDENT && strcmp(e->name->s, name) == 0;
}

/* Whether useState infers the declared type from the initial value. */
static bool
literal_fits(const char *prim, const struct ast_expr *init)
{
	if (!prim || !init)
		return false;
	if (strcmp(prim, "string") == 0)
		return init->kind == EXPR_STRING;
	if (strcmp(prim, "number") == 0)
		return init->kind == EXPR_NUMBER;
	return is_ident_expr(init, "true") || is_ident_expr(init, "false");
}

/* const [books, setBooks] = useState<Book[]>([]); */
static void
put_state(struct cg_view *c, struct sbuf *o, const struct ast_param *p)
{
	const char *prim = p->has_type ? cg__prim_type(&p->type) : NULL;
	const struct ast_expr *init = p->init;
	struct sbuf type;
	bool nullish;

	sbuf_init(&type);
	if (p->has_type)
		cg__put_type(c, &type, &p->type);
	else
		sbuf_adds(&type, "any");
	nullish = !init || is_ident_expr(init, "null");
	if (nullish && p->has_type && !p->type.list && !prim &&
	    strcmp(type.p, "any") != 0 &&
	    (type.len < 7 || strcmp(type.p + type.len - 7, " | null") != 0))
		sbuf_adds(&type, " | null");

	sbuf_printf(o, "  const [%s, ", p->name->s);
	cg__put_setter(o, p->name->s);
	sbuf_adds(o, "] = useState");
	if (!literal_fits(prim, init))
		sbuf_printf(o, "<%s>", type.p);
	sbuf_addc(o, '(');
	if (init) {
		/* `now` prints as the ISO text DateTime state holds. */
		cg__expr(c, o, init, CG_PREC_ASSIGN, 2);
	} else if (p->has_type && p->type.list) {
		sbuf_adds(o, "[]");
	} else if (prim && strcmp(prim, "string") == 0) {
		sbuf_adds(o, "''");
	} else if (prim && strcmp(prim, "number") == 0) {
		sbuf_adds(o, "0");
	} else if (prim && strcmp(prim, "boolean") == 0) {
		sbuf_adds(o, "false");
	} else {
		sbuf_adds(o, "null");
	}
	sbuf_adds(o, ");\n");
	sbuf_free(&type);
}

/* Statements of an effect (or its cleanup) at indent; awaited bodies
 * run in an async function the effect starts and does not wait for. */
static void
put_effect_body(struct cg_view *c, struct sbuf *o, const struct ast_stmt *s,
		int indent)
{
	size_t mark = cg__scope_mark(c);

	if (cg__stmts_await(s)) {
		cg__indent(o, indent);
		sbuf_adds(o, "void (async () => {\n");
		cg__stmts(c, o, s, indent + 2);
		cg__indent(o, indent);
		sbuf_adds(o, "})();\n");
	} else {
		cg__stmts(c, o, s, indent);
	}
	cg__scope_pop(c, mark);
}

static void
put_effect(struct cg_view *c, struct sbuf *o)
{
	const struct ast_view *v = c->v;
	const struct ast_stmt *load = v->has_on_load ? v->on_load : NULL;
	const struct ast_stmt *unload = v->has_on_unload ? v->on_unload : NULL;

	sbuf_adds(o, "  useEffect(() => {\n");
	if (load)
		put_effect_body(c, o, load, 4);
	if (unload) {
		sbuf_adds(o, "    return () => {\n");
		put_effect_body(c, o, unload, 6);
		sbuf_adds(o, "    };\n");
	}
	sbuf_adds(o, "  }, []);\n");
}

static void
put_action(struct cg_view *c, struct sbuf *o, const struct ast_action *a)
{
	size_t mark = cg__scope_mark(c);
	const struct ast_param *p;

	sbuf_printf(o, "  %sfunction %s(",
		    cg__stmts_await(a->body) ? "async " : "", a->name->s);
	for (p = a->params; p; p = p->next) {
		sbuf_printf(o, "%s: ", p->name->s);
		if (p->has_type)
			cg__put_type(c, o, &p->type);
		else
			sbuf_adds(o, "any");
		if (p->next)
			sbuf_adds(o, ", ");
		cg__scope_push(c, p->name->s);
	}
	if (!a->body) {
		sbuf_adds(o, ") {}\n");
	} else {
		sbuf_adds(o, ") {\n");
		cg__stmts(c, o, a->body, 4);
		sbuf_adds(o, "  }\n");
	}
	cg__scope_pop(c, mark);
}

/* The return statement: one plain root element as is, several roots (or
 * a loop or a conditional) in a fragment, nothing as null. */
static void
put_return(struct cg_view *c, struct sbuf *o)
{
	const struct ast_ui *ui = c->v->ui;

	if (!ui) {
		sbuf_adds(o, "  return null;\n");
		return;
	}
	sbuf_adds(o, "  return (\n    ");
	render_as_one(c, o, ui, NULL, 4);
	sbuf_adds(o, "\n  );\n");
}

/* The statements inside the view function, into body. */
static void
put_view_body(struct cg_view *c, struct sbuf *body)
{
	const struct ast_view *v = c->v;
	const struct ast_param *p;
	const struct ast_action *a;
	bool gap = false;

	for (p = v->state; p; p = p->next) {
		put_state(c, body, p);
		gap = true;
	}
	if ((v->has_on_load && v->on_load) ||
	    (v->has_on_unload && v->on_unload)) {
		if (gap)
			sbuf_addc(body, '\n');
		put_effect(c, body);
		gap = true;
	}
	for (a = v->actions; a; a = a->next) {
		if (gap)
			sbuf_addc(body, '\n');
		put_action(c, body, a);
		gap = true;
	}
	if (gap)
		sbuf_addc(body, '\n');
	put_return(c, body);
}

static int
strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The import lines a view needs, given what its body used. dir is the
 * relative path from the view's folder to react/ ("../"). */
static void
put_imports(struct cg_view *c, struct sbuf *o, bool components_here)
{
	static const struct {
		unsigned bit;
		const char *name;
	} data_fns[] = {
		{ CG_USE_CREATE, "create" }, { CG_USE_FIND, "find" },
		{ CG_USE_FINDONE, "findOne" }, { CG_USE_LOG, "log" },
		{ CG_USE_REMOVE, "remove" }, { CG_USE_UPDATE, "update" },
	};
	const struct ast_view *v = c->v;
	bool effect = (v->has_on_load && v->on_load) ||
		      (v->has_on_unload && v->on_unload);
	struct sbuf local;
	size_t i;
	bool first;

	sbuf_init(&local);
	sbuf_adds(o, "import React");
	if (v->state || effect) {
		sbuf_adds(o, ", { ");
		if (v->state)
			sbuf_adds(o, effect ? "useState, " : "useState");
		if (effect)
			sbuf_adds(o, "useEffect");
		sbuf_adds(o, " }");
	}
	sbuf_adds(o, " from 'react';\n");

	if (c->entities.n) {
		qsort(c->entities.v, c->entities.n, sizeof(*c->entities.v),
		      strcmp_p);
		sbuf_adds(o, "import type { ");
		for (i = 0; i < c->entities.n; i++) {
			const char *e = c->entities.v[i];

			sbuf_reset(&local);
			cg__put_entity_local(c, &local, e);
			sbuf_printf(o, "%s%s", i ? ", " : "", e);
			if (strcmp(local.p, e) != 0)
				sbuf_printf(o, " as %s", local.p);
		}
		sbuf_adds(o, " } from '../entities';\n");
	}
	if (c->builtins.n) {
		qsort(c->builtins.v, c->builtins.n, sizeof(*c->builtins.v),
		      strcmp_p);
		sbuf_adds(o, "import { ");
		for (i = 0; i < c->builtins.n; i++)
			sbuf_printf(o, "%s%s", i ? ", " : "", c->builtins.v[i]);
		sbuf_adds(o, " } from '../runtime/_locusRuntime';\n");
	}
	if (c->data_uses) {
		sbuf_adds(o, "import { ");
		first = true;
		for (i = 0; i < ARRAY_LEN(data_fns); i++) {
			if (!(c->data_uses & data_fns[i].bit))
				continue;
			sbuf_printf(o, "%s%s", first ? "" : ", ",
				    data_fns[i].name);
			first = false;
		}
		sbuf_adds(o, " } from '../runtime/dataClient';\n");
	}
	for (i = 0; i < c->components.n; i++)
		sbuf_printf(o, "import %s from '%s%s';\n", c->components.v[i],
			    components_here ? "./" : "../components/",
			    c->components.v[i]);
	sbuf_free(&local);
}

static void
view_init(struct cg_view *c, const struct cg_model *m,
	  const struct cg_decl *d)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->d = d;
	c->v = view_of(d);
}

static void
view_free(struct cg_view *c)
{
	cg__names_free(&c->scope);
	cg__names_free(&c->entities);
	cg__names_free(&c->builtins);
	cg__names_free(&c->components);
}

/* ------------------------------------------------------------------ */
/* Pages                                                              */
/* ------------------------------------------------------------------ */

void
cg_emit_page(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->pages[i];
	struct cg_view c;
	struct sbuf body;

	view_init(&c, m, d);
	sbuf_init(&body);
	put_view_body(&c, &body);

	cg_put_header(o, "react page", false);
	if (needs_client(c.v))
		sbuf_adds(o, "'use client';\n");
	sbuf_addc(o, '\n');
	put_imports(&c, o, false);
	sbuf_printf(o, "\nexport default function %s() {\n", c.v->name->s);
	sbuf_add(o, body.p, body.len);
	sbuf_adds(o, "}\n");
	sbuf_free(&body);
	view_free(&c);
}

/* ------------------------------------------------------------------ */
/* Components                                                         */
/* ------------------------------------------------------------------ */

/* The prop's type in the props interface. */
static void
put_prop_type(struct cg_view *c, struct sbuf *o, const struct prop *p)
{
	if (!p->param || p->slot)
		sbuf_adds(o, "React.ReactNode");
	else if (p->param->has_type)
		cg__put_type(c, o, &p->param->type);
	else
		sbuf_adds(o, "any");
}

static bool
prop_optional(const struct prop *p)
{
	const struct ast_param *q = p->param;

	return p->slot || !q || q->init ||
	       (q->has_type && (q->type.optional || q->type.nullable));
}

void
cg_emit_component(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->components[i];
	const char *name;
	struct cg_view c;
	struct sbuf body, iface, params;
	struct props ps;
	size_t k;

	view_init(&c, m, d);
	name = c.v->name->s;
	component_props(d, &ps);
	sbuf_init(&body);
	sbuf_init(&iface);
	sbuf_init(&params);

	/* Props first: they are in scope (they hide nothing but are bound
	 * names, so `title = x` is never taken for state). */
	for (k = 0; k < ps.n; k++) {
		const struct prop *p = &ps.v[k];

		sbuf_printf(&iface, "  %s%s: ", p->name,
			    prop_optional(p) ? "?" : "");
		put_prop_type(&c, &iface, p);
		sbuf_adds(&iface, ";\n");
		sbuf_printf(&params, "%s%s", k ? ", " : "", p->name);
		if (p->param && p->param->init) {
			sbuf_adds(&params, " = ");
			cg__expr(&c, &params, p->param->init, CG_PREC_ASSIGN,
				 0);
		} else if (!p->slot && p->param && p->param->has_type &&
			   (p->param->type.optional ||
			    p->param->type.nullable)) {
			/* An omitted `T?` prop reads as null, as declared. */
			sbuf_adds(&params, " = null");
		}
	}
	put_view_body(&c, &body);

	cg_put_header(o, "react component", false);
	if (needs_client(c.v))
		sbuf_adds(o, "'use client';\n");
	sbuf_addc(o, '\n');
	put_imports(&c, o, true);
	if (c.v->has_style)
		sbuf_printf(o, "import './%s.css';\n", name);
	if (ps.n) {
		sbuf_printf(o, "\nexport interface %sProps {\n", name);
		sbuf_add(o, iface.p, iface.len);
		sbuf_adds(o, "}\n");
	}
	if (ps.n > ps.first_auto) {
		sbuf_adds(o, "\n// Not declared as params, added because the UI "
			     "renders them:");
		for (k = ps.first_auto; k < ps.n; k++)
			sbuf_printf(o, " %s%s", ps.v[k].name,
				    k + 1 < ps.n ? "," : ".");
		sbuf_adds(o, "\n// Declare them with `param <name>: slot` "
			     "to make this explicit.\n");
	}
	if (ps.n)
		sbuf_printf(o, "\nexport default function %s({ %s }: %sProps) "
			       "{\n",
			    name, params.p, name);
	else
		sbuf_printf(o, "\nexport default function %s() {\n", name);
	sbuf_add(o, body.p, body.len);
	sbuf_adds(o, "}\n");

	free(ps.v);
	sbuf_free(&body);
	sbuf_free(&iface);
	sbuf_free(&params);
	view_free(&c);
}

void
cg_emit_component_css(const struct cg_model *m, size_t i, struct sbuf *o)
{
	const struct cg_decl *d = &m->components[i];
	const struct ast_view *v = view_of(d);
	const char *s = cg_text(d, v->style_text);
	size_t b = 0, e = v->style_text.len;

	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	cg_put_header(o, "component style", true);
	sbuf_add(o, s + b, e - b);
	sbuf_addc(o, '\n');
}

void
cg__component_facts(const struct cg_decl *d, struct sbuf *warnings,
		    struct hash128 *iface)
{
	const char *name = view_of(d)->name->s;
	struct props ps;
	struct sbuf h;
	size_t k;

	component_props(d, &ps);
	for (k = ps.first_auto; k < ps.n; k++) {
		if (strcmp(ps.v[k].name, "children") == 0)
			sbuf_printf(warnings, "slot_children_auto_add\t"
					"component %s renders {children} but "
					"declares no children param; added "
					"`children` (declare `param children: "
					"slot` to make it explicit)\n",
				    name);
		else
			sbuf_printf(warnings, "slot_named_auto_add\t"
					"component %s renders the slot %s but "
					"does not declare it; added it as a "
					"prop (declare `param %s: slot` to "
					"make it explicit)\n",
				    name, ps.v[k].name, ps.v[k].name);
	}
	/* What render_element reads of a used component: its props, each
	 * with its declaration (type after alias resolution, default). */
	sbuf_init(&h);
	for (k = 0; k < ps.n; k++) {
		const struct ast_param *q = ps.v[k].param;

		sbuf_printf(&h, "%s%c%d%c", ps.v[k].name, 0, ps.v[k].slot, 0);
		if (q) {
			cg_put_span(&h, d, q->span);
			sbuf_addc(&h, 0);
			if (q->has_type && q->type.name)
				sbuf_adds(&h, q->type.name->s);
		}
		sbuf_addc(&h, '\n');
	}
	sbuf_printf(&h, "%d", ps.auto_children);
	*iface = hash_bytes(h.p ? h.p : "", h.len);
	sbuf_free(&h);
	free(ps.v);
}
