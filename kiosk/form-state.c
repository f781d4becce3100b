/*
 * form-state: one resident's answers held against a loaded form: relevance,
 * calculations, defaults, validation on Enter, label interpolation, choice
 * filters, bounded repeats and the submission columns.
 *
 * Answers live in one secure arena (vault_secure_alloc: guard pages, mlock)
 * and nowhere else; every temporary string made from an answer (expression
 * values, labels) is wiped before it is freed, and form_state_free() wipes
 * the arena. Must never print, log, or copy an answer to ordinary memory
 * that outlives a call.
 *
 * After every change, recompute() brings the derived state up to date:
 *
 *   form_state_set ──> store value ──> recompute:
 *                                        calculations (dependencies first)
 *                                        relevance (form order, groups first)
 *                                        repeat_count (may add/remove items)
 *                                      repeated until nothing changes (≤ 4)
 *
 * A value of a question that is not relevant reads as "" in expressions and
 * in the submission, as in ODK.
 */
#include <sys/random.h>

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "vault.h"
#include "form.h"
#include "form-private.h"

#define ARENA_MIN	4096
#define ARENA_MAX	(64u * 1024 * 1024)
#define VALUE_MAX	(64u * 1024)

struct st_item {
	struct form_item	 pub;
	int			 parent;	/* item of the enclosing begin_* or -1 */
	int			 relevant;
	int			 stale;		/* cleared: no longer fits its choice_filter */
	uint32_t		 off;		/* value in the arena, 0: none */
	uint32_t		 len;
};

struct form_state {
	const struct form	*f;
	struct st_item		*items;
	size_t			 nitems;
	size_t			 cap;
	int			*ninst;		/* per question: repeat instances */
	int			*qitem;		/* per question: first item */
	unsigned char		*arena;		/* secure */
	size_t			 arena_cap;
	size_t			 arena_used;
	size_t			 ctx;		/* item being evaluated */
	const struct form_choice *choice;	/* choice_filter */
	const struct form_choice *item;		/* instance('list') item */
	const char		*lang;		/* jr:choice-name: NULL or langbuf */
	char			*(*shown)(const char *, void *);	/* ${x} */
	void			*shown_arg;
	char			 langbuf[32];
	char			 deviceid[128];	/* metadata (form_state_set_meta) */
	char			 username[32];
	const struct form_choice **cbuf;
	time_t			 now;
	uint64_t		 seed;		/* randomize: this session's order */
};

static const char *
item_raw(struct form_state *st, size_t i)
{
	if (st->items[i].off == 0)
		return "";
	return (const char *)st->arena + st->items[i].off;
}

/* ---- the arena ---- */

/* Move every live value into a fresh arena of at least need bytes. */
static void
arena_compact(struct form_state *st, size_t need)
{
	unsigned char *na;
	size_t cap = st->arena_cap ? st->arena_cap : ARENA_MIN, used = 1, i;
	size_t live = 1;

	for (i = 0; i < st->nitems; i++)
		if (st->items[i].off != 0)
			live += st->items[i].len + 1;
	while (cap < live + need)
		cap *= 2;
	if (cap < ARENA_MIN)
		cap = ARENA_MIN;
	na = vault_secure_alloc(cap);
	for (i = 0; i < st->nitems; i++) {
		if (st->items[i].off == 0)
			continue;
		memcpy(na + used, st->arena + st->items[i].off,
		    st->items[i].len + 1);
		st->items[i].off = (uint32_t)used;
		used += st->items[i].len + 1;
	}
	vault_secure_free(st->arena);
	st->arena = na;
	st->arena_cap = cap;
	st->arena_used = used;
}

static int
store(struct form_state *st, size_t i, const char *v, char **cause)
{
	struct st_item *it = &st->items[i];
	size_t len = strlen(v);

	if (len > VALUE_MAX) {
		if (cause != NULL)
			xasprintf(cause, "the answer is longer than %u bytes",
			    VALUE_MAX);
		return -1;
	}
	if (it->off != 0 && it->len == len && memcmp(st->arena + it->off, v,
	    len) == 0)
		return 0;
	if (it->off != 0) {
		vault_wipe(st->arena + it->off, it->len + 1);
		if (len <= it->len && len > 0) {
			memcpy(st->arena + it->off, v, len + 1);
			it->len = (uint32_t)len;
			return 0;
		}
		it->off = 0;
		it->len = 0;
	}
	if (len == 0)
		return 0;
	if (st->arena_used + len + 1 > st->arena_cap) {
		arena_compact(st, len + 1);
		if (st->arena_cap > ARENA_MAX) {
			if (cause != NULL)
				xasprintf(cause, "the answers do not fit in "
				    "secure memory");
			return -1;
		}
	}
	memcpy(st->arena + st->arena_used, v, len + 1);
	it->off = (uint32_t)st->arena_used;
	it->len = (uint32_t)len;
	st->arena_used += len + 1;
	return 0;
}

/* ---- items ---- */

static struct fq_priv *
qp(const struct form *f, int q)
{
	return f->questions[q].priv;
}

static void
item_push(struct form_state *st, int q, int inst, int parent)
{
	struct st_item *it;

	if (st->nitems == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->items = xreallocarray(st->items, st->cap, sizeof *st->items);
	}
	it = &st->items[st->nitems++];
	memset(it, 0, sizeof *it);
	it->pub.q = &st->f->questions[q];
	it->pub.qindex = q;
	it->pub.instance = inst;
	it->parent = parent;
	it->relevant = 1;
}

/*
 * Lay out the items for the current instance counts, keeping the values
 * of items that survive. Old values of removed instances are wiped.
 */
static void
rebuild(struct form_state *st)
{
	const struct form *f = st->f;
	struct st_item *old = st->items;
	size_t nold = st->nitems, i, k;
	int q, inst, rep, *pstack, sp, end;

	st->items = NULL;
	st->nitems = st->cap = 0;
	pstack = xcalloc(f->nquestions + 2, sizeof *pstack);
	sp = 0;
	pstack[0] = -1;
	for (q = 0; q < (int)f->nquestions; q++) {
		const struct form_question *fq = &f->questions[q];
		st->qitem[q] = (int)st->nitems;
		if (qtype_of(fq->type)->nest < 0) {
			if (sp > 0)
				sp--;
			item_push(st, q, 0, pstack[sp]);
			continue;
		}
		item_push(st, q, 0, pstack[sp]);
		if (fq->type == FT_BEGIN_GROUP) {
			pstack[++sp] = (int)st->nitems - 1;
			continue;
		}
		if (fq->type != FT_BEGIN_REPEAT)
			continue;
		rep = (int)st->nitems - 1;
		end = qp(f, q)->end;
		if (end < 0)
			end = (int)f->nquestions;
		for (inst = 1; inst <= st->ninst[q]; inst++) {
			int isp = 0, istack[EXPR_MAX_DEPTH + 64], k2;
			istack[0] = rep;
			for (k2 = q + 1; k2 < end; k2++) {
				const struct form_question *iq =
				    &f->questions[k2];
				if (inst == 1)
					st->qitem[k2] = (int)st->nitems;
				if (iq->type == FT_END_GROUP) {
					if (isp > 0)
						isp--;
					item_push(st, k2, inst, istack[isp]);
					continue;
				}
				item_push(st, k2, inst, istack[isp]);
				if (iq->type == FT_BEGIN_GROUP &&
				    isp + 1 < (int)nitems(istack))
					istack[++isp] = (int)st->nitems - 1;
			}
		}
		if (st->ninst[q] == 0) {
			for (k = (size_t)q + 1; k < (size_t)end; k++)
				st->qitem[k] = -1;
		}
		q = end - 1;	/* the end_repeat comes next */
		pstack[++sp] = rep;
	}
	free(pstack);
	/* Carry values over: match (question, instance). */
	for (i = 0, k = 0; i < nold; i++) {
		if (old[i].off == 0)
			continue;
		for (k = 0; k < st->nitems; k++) {
			if (st->items[k].pub.qindex == old[i].pub.qindex &&
			    st->items[k].pub.instance == old[i].pub.instance)
				break;
		}
		if (k < st->nitems) {
			st->items[k].off = old[i].off;
			st->items[k].len = old[i].len;
			st->items[k].relevant = old[i].relevant;
			st->items[k].stale = old[i].stale;
		} else
			vault_wipe(st->arena + old[i].off, old[i].len + 1);
	}
	free(old);
}

/* The item of question q for instance inst (0 outside repeats), or -1. */
static long
find_item(struct form_state *st, int q, int inst)
{
	const struct form *f = st->f;
	int rep = qp(f, q)->repeat, span;
	long base;

	if (rep < 0)
		return st->qitem[q];
	if (inst < 1 || inst > st->ninst[rep])
		return -1;
	span = qp(f, rep)->end - rep - 1;
	base = st->qitem[rep] + 1;
	return base + (long)(inst - 1) * span + (q - rep - 1);
}

/* ---- expression environment ---- */

static const char *
item_value_for_expr(struct form_state *st, long i)
{
	if (i < 0 || (size_t)i >= st->nitems)
		return "";
	if (!st->items[i].relevant)
		return "";
	return item_raw(st, (size_t)i);
}

static size_t
env_count(void *arg, int ref)
{
	struct form_state *st = arg;
	const struct form *f = st->f;
	int rep, ctxrep;

	if (ref < 0 || ref >= (int)f->nquestions)
		return 1;
	if (f->questions[ref].type == FT_BEGIN_REPEAT)
		return (size_t)st->ninst[ref];
	rep = qp(f, ref)->repeat;
	if (rep < 0)
		return 1;
	ctxrep = qp(f, st->items[st->ctx].pub.qindex)->repeat;
	if (ctxrep == rep && st->items[st->ctx].pub.instance > 0)
		return 1;
	return (size_t)st->ninst[rep];
}

static const char *
env_value(void *arg, int ref, size_t k)
{
	struct form_state *st = arg;
	const struct form *f = st->f;
	const struct form_choice *c;
	int rep, ctxrep;

	if (ref == EXPR_REF_SELF)
		return item_raw(st, st->ctx);
	if (ref >= EXPR_REF_ITEM && ref < FORM_REF_CHOICE) {
		/* A column of the selected item of instance('list'). */
		if ((c = st->item) == NULL)
			return "";
		ref = (ref - EXPR_REF_ITEM) % 1024;
		if (ref == 0)
			return c->name;
		if (ref == 1)
			return form_text(f, &c->label, st->lang);
		ref -= 2;
		return (size_t)ref < c->nextra ? c->extra[ref] : "";
	}
	if (ref >= FORM_REF_CHOICE) {
		if ((c = st->choice) == NULL)
			return "";
		ref -= FORM_REF_CHOICE;
		if (ref == 0)
			return c->name;
		if (ref == 1)
			return form_text(f, &c->label, st->lang);
		ref -= 2;
		return (size_t)ref < c->nextra ? c->extra[ref] : "";
	}
	if (ref < 0 || ref >= (int)f->nquestions)
		return "";
	rep = qp(f, ref)->repeat;
	if (rep < 0)
		return item_value_for_expr(st, st->qitem[ref]);
	ctxrep = qp(f, st->items[st->ctx].pub.qindex)->repeat;
	if (ctxrep == rep && st->items[st->ctx].pub.instance > 0)
		return item_value_for_expr(st, find_item(st, ref,
		    st->items[st->ctx].pub.instance));
	return item_value_for_expr(st, find_item(st, ref, (int)k + 1));
}

static const char *
env_choice_label(void *arg, int ref, const char *name)
{
	struct form_state *st = arg;
	const struct form *f = st->f;
	const struct form_list *l;
	size_t i;

	if (ref < 0 || ref >= (int)f->nquestions)
		return NULL;
	if ((l = f->questions[ref].list) == NULL)
		return NULL;
	for (i = 0; i < l->nchoices; i++) {
		if (strcmp(l->choices[i].name, name) == 0)
			return form_text(f, &l->choices[i].label, st->lang);
	}
	return NULL;
}

static size_t
env_position(void *arg)
{
	struct form_state *st = arg;

	return st->items[st->ctx].pub.instance > 0 ?
	    (size_t)st->items[st->ctx].pub.instance : 0;
}

/* Instance k (0-based) of ref, whatever the context (indexed-repeat). */
static const char *
env_value_at(void *arg, int ref, size_t k)
{
	struct form_state *st = arg;
	const struct form *f = st->f;

	if (ref < 0 || ref >= (int)f->nquestions)
		return "";
	if (qp(f, ref)->repeat < 0)
		return item_value_for_expr(st, st->qitem[ref]);
	return item_value_for_expr(st, find_item(st, ref, (int)k + 1));
}

/*
 * indexed-repeat(ref, g1, i1, ...): each g must enclose ref; a repeat's
 * index picks its instance, a group has only instance 1. A repeat not
 * named is the context's instance when ref shares it, else the first.
 */
static const char *
env_value_in(void *arg, int ref, const int *groups, const size_t *idx,
    size_t n)
{
	struct form_state *st = arg;
	const struct form *f = st->f;
	int rep, p, inst = 0;
	size_t j;

	if (ref < 0 || ref >= (int)f->nquestions)
		return "";
	for (j = 0; j < n; j++) {
		for (p = f->questions[ref].parent; p >= 0 && p != groups[j];
		    p = f->questions[p].parent)
			;
		if (p < 0)
			return "";
		if (f->questions[p].type != FT_BEGIN_REPEAT) {
			if (idx[j] != 1)
				return "";
		} else if (idx[j] > (size_t)st->ninst[p])
			return "";
		else
			inst = (int)idx[j];
	}
	if ((rep = qp(f, ref)->repeat) < 0)
		return item_value_for_expr(st, st->qitem[ref]);
	if (inst == 0) {
		inst = 1;
		if (qp(f, st->items[st->ctx].pub.qindex)->repeat == rep &&
		    st->items[st->ctx].pub.instance > 0)
			inst = st->items[st->ctx].pub.instance;
	}
	return item_value_for_expr(st, find_item(st, ref, inst));
}

static size_t
env_list_size(void *arg, int list)
{
	struct form_state *st = arg;

	if (list < 0 || (size_t)list >= st->f->nlists)
		return 0;
	return st->f->lists[list].nchoices;
}

static void
env_list_select(void *arg, int list, long k)
{
	struct form_state *st = arg;

	st->item = NULL;
	if (list >= 0 && (size_t)list < st->f->nlists && k >= 0 &&
	    (size_t)k < st->f->lists[list].nchoices)
		st->item = &st->f->lists[list].choices[k];
}

static void
env_init(struct form_state *st, struct expr_env *env, size_t ctx)
{
	memset(env, 0, sizeof *env);
	st->ctx = ctx;
	env->arg = st;
	env->value = env_value;
	env->count = env_count;
	env->choice_label = env_choice_label;
	env->now = st->now;
	env->position = env_position;
	env->value_at = env_value_at;
	env->value_in = env_value_in;
	env->list_size = env_list_size;
	env->list_select = env_list_select;
	env->version = st->f->version;
}

static int
eval_bool_at(struct form_state *st, const struct expr *e, size_t ctx)
{
	struct expr_env env;

	env_init(st, &env, ctx);
	return expr_eval_bool(e, &env);
}

static char *
eval_str_at(struct form_state *st, const struct expr *e, size_t ctx)
{
	struct expr_env env;

	env_init(st, &env, ctx);
	return expr_eval_string(e, &env);
}

/* ---- recomputation ---- */

static int
update_relevance(struct form_state *st)
{
	struct fq_priv *pv;
	size_t i;
	int r, changed = 0;

	for (i = 0; i < st->nitems; i++) {
		pv = st->items[i].pub.q->priv;
		r = 1;
		if (st->items[i].parent >= 0 &&
		    !st->items[st->items[i].parent].relevant)
			r = 0;
		else if (pv->relevant != NULL)
			r = eval_bool_at(st, pv->relevant, i);
		if (r != st->items[i].relevant) {
			st->items[i].relevant = r;
			changed = 1;
		}
	}
	return changed;
}

static int
update_calculations(struct form_state *st)
{
	const struct form *f = st->f;
	const struct f_priv *fp = f->priv;
	struct fq_priv *pv;
	size_t c, n;
	int q, inst, ninst, changed = 0;
	long i;
	char *v;

	for (c = 0; c < fp->ncalc; c++) {
		q = fp->calc_order[c];
		pv = qp(f, q);
		ninst = pv->repeat >= 0 ? st->ninst[pv->repeat] : 0;
		for (inst = pv->repeat >= 0 ? 1 : 0; inst <= ninst; inst++) {
			if ((i = find_item(st, q, inst)) < 0)
				continue;
			n = st->items[i].len;
			v = st->items[i].relevant ? eval_str_at(st,
			    pv->calculation, (size_t)i) : xstrdup("");
			if (strlen(v) != n || strcmp(v, item_raw(st,
			    (size_t)i)) != 0) {
				if (store(st, (size_t)i, v, NULL) == 0)
					changed = 1;
			}
			freezero_str(v);
		}
	}
	return changed;
}

static int
update_repeat_counts(struct form_state *st)
{
	const struct form *f = st->f;
	struct fq_priv *pv;
	size_t q;
	char *v;
	double n;
	int want, changed = 0;

	for (q = 0; q < f->nquestions; q++) {
		pv = qp(f, (int)q);
		if (f->questions[q].type != FT_BEGIN_REPEAT ||
		    pv->repeat_count == NULL || st->qitem[q] < 0)
			continue;
		v = eval_str_at(st, pv->repeat_count, (size_t)st->qitem[q]);
		want = 0;
		if (expr_parse_number(v, &n) == 0 && n > 0)
			want = n > FORM_REPEAT_MAX ? FORM_REPEAT_MAX : (int)n;
		freezero_str(v);
		if (!st->items[st->qitem[q]].relevant)
			want = 0;
		if (want != st->ninst[q]) {
			st->ninst[q] = want;
			changed = 1;
		}
	}
	if (changed)
		rebuild(st);
	return changed;
}

static void
recompute(struct form_state *st)
{
	int pass, changed;

	for (pass = 0; pass < 4; pass++) {
		changed = update_calculations(st);
		changed |= update_relevance(st);
		changed |= update_repeat_counts(st);
		if (!changed)
			break;
	}
}

/* ---- choice filters ---- */

/* Does choice c pass item i's choice_filter (or has it none)? */
static int
choice_passes(struct form_state *st, size_t i, const struct form_choice *c)
{
	struct fq_priv *pv = st->items[i].pub.q->priv;
	int r;

	if (pv->choice_filter == NULL)
		return 1;
	st->choice = c;
	r = eval_bool_at(st, pv->choice_filter, i);
	st->choice = NULL;
	return r;
}

/* Is the choice name (len bytes) in item i's list, after its filter? */
static int
choice_fits(struct form_state *st, size_t i, const char *name, size_t len)
{
	const struct form_list *l = st->items[i].pub.q->list;
	size_t k;

	if (l == NULL)
		return 0;
	for (k = 0; k < l->nchoices; k++) {
		if (strlen(l->choices[k].name) == len &&
		    memcmp(l->choices[k].name, name, len) == 0)
			return choice_passes(st, i, &l->choices[k]);
	}
	return 0;
}

/*
 * As Collect does when a choice list is filtered again: drop the choices
 * of a relevant select (other than the one just set) that no longer pass
 * its choice_filter, and mark it stale so the resident is asked again.
 * Clearing one may filter another (county -> city -> ward): repeat.
 */
static void
clear_stale(struct form_state *st, size_t except)
{
	struct buf keep = { 0 };
	const struct form_question *q;
	const char *v, *p;
	size_t i, n, pass;
	int changed;

	for (pass = 0; pass < 8; pass++) {
		changed = 0;
		for (i = 0; i < st->nitems; i++) {
			q = st->items[i].pub.q;
			if (i == except || !st->items[i].relevant ||
			    st->items[i].off == 0 ||
			    ((struct fq_priv *)q->priv)->choice_filter == NULL ||
			    qtype_of(q->type)->input != QI_CHOICE)
				continue;
			v = item_raw(st, i);
			keep.len = 0;
			buf_adds(&keep, "");
			for (p = v; *p != '\0'; p += n) {
				while (*p == ' ')
					p++;
				if ((n = q->type == FT_SELECT_ONE ? strlen(p) :
				    strcspn(p, " ")) == 0)
					break;
				if (!choice_fits(st, i, p, n))
					continue;
				if (keep.len > 0)
					buf_addc(&keep, ' ');
				buf_add(&keep, p, n);
			}
			if (strcmp(buf_cstr(&keep), v) != 0) {
				store(st, i, buf_cstr(&keep), NULL);
				st->items[i].stale = 1;
				changed = 1;
			}
		}
		if (!changed)
			break;
		recompute(st);
	}
	buf_free(&keep);
}

/* ---- public ---- */

/*
 * The date of t, YYYY-MM-DD: start, end and today are dates only, never a
 * time of day (privacy: a time could single a resident out).
 */
static void
ymd_of(char *out, size_t len, time_t t)
{
	struct tm tm;

	if (t == 0) {
		today_ymd(out);
		return;
	}
	localtime_r(&t, &tm);
	snprintf(out, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* Defaults and metadata of the items of question q, instance inst. */
static void
apply_defaults(struct form_state *st, size_t from, size_t to)
{
	const struct form_question *q;
	struct fq_priv *pv;
	char buf[64], *v;
	size_t i;

	for (i = from; i < to; i++) {
		q = st->items[i].pub.q;
		pv = q->priv;
		if (st->items[i].off != 0)
			continue;
		switch (q->type) {
		case FT_START:
		case FT_TODAY:
			ymd_of(buf, sizeof buf, st->now);
			store(st, i, buf, NULL);
			continue;
		case FT_DEVICEID:
			store(st, i, st->deviceid, NULL);
			continue;
		case FT_USERNAME:
			store(st, i, st->username, NULL);
			continue;
		case FT_END:
		case FT_META_EMPTY:
			continue;
		default:
			break;
		}
		if (pv->default_expr != NULL) {
			v = eval_str_at(st, pv->default_expr, i);
			store(st, i, v, NULL);
			freezero_str(v);
		} else if (q->default_value != NULL)
			store(st, i, q->default_value, NULL);
	}
}

struct form_state *
form_state_new(const struct form *f)
{
	struct form_state *st;
	size_t q;

	st = xcalloc(1, sizeof *st);
	st->f = f;
	if (getrandom(&st->seed, sizeof st->seed, 0) != (ssize_t)sizeof st->seed)
		st->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	st->ninst = xcalloc(f->nquestions + 1, sizeof *st->ninst);
	st->qitem = xcalloc(f->nquestions + 1, sizeof *st->qitem);
	for (q = 0; q < f->nquestions; q++) {
		if (f->questions[q].type == FT_BEGIN_REPEAT &&
		    f->questions[q].repeat_count == NULL)
			st->ninst[q] = 1;
	}
	st->arena_cap = ARENA_MIN;
	st->arena = vault_secure_alloc(st->arena_cap);
	st->arena_used = 1;
	rebuild(st);
	recompute(st);
	apply_defaults(st, 0, st->nitems);
	recompute(st);
	return st;
}

void
form_state_free(struct form_state *st)
{
	if (st == NULL)
		return;
	vault_secure_free(st->arena);
	free(st->items);
	free(st->ninst);
	free(st->qitem);
	free(st->cbuf);
	free(st);
}

void
form_state_set_now(struct form_state *st, long now)
{
	size_t i;

	st->now = (time_t)now;
	for (i = 0; i < st->nitems; i++) {
		if (st->items[i].pub.q->type == FT_START ||
		    st->items[i].pub.q->type == FT_TODAY) {
			store(st, i, "", NULL);
			apply_defaults(st, i, i + 1);
		}
	}
	recompute(st);
}

void
form_state_set_meta(struct form_state *st, const char *deviceid,
    const char *username)
{
	size_t i;
	enum form_type t;

	if (deviceid != NULL)
		snprintf(st->deviceid, sizeof st->deviceid, "%s", deviceid);
	if (username != NULL)
		snprintf(st->username, sizeof st->username, "%s", username);
	for (i = 0; i < st->nitems; i++) {
		t = st->items[i].pub.q->type;
		if (t == FT_DEVICEID)
			store(st, i, st->deviceid, NULL);
		else if (t == FT_USERNAME)
			store(st, i, st->username, NULL);
	}
	recompute(st);
}

void
form_state_set_shown(struct form_state *st,
    char *(*fn)(const char *, void *), void *arg)
{
	st->shown = fn;
	st->shown_arg = arg;
}

void
form_state_set_lang(struct form_state *st, const char *lang)
{
	if (lang == NULL || *lang == '\0') {
		if (st->lang == NULL)
			return;
		st->lang = NULL;
	} else {
		if (st->lang != NULL && strcmp(st->langbuf, lang) == 0)
			return;
		snprintf(st->langbuf, sizeof st->langbuf, "%s", lang);
		st->lang = st->langbuf;
	}
	recompute(st);
}

size_t
form_state_nitems(const struct form_state *st)
{
	return st->nitems;
}

const struct form_item *
form_state_item(const struct form_state *st, size_t i)
{
	if (i >= st->nitems)
		return NULL;
	return &st->items[i].pub;
}

int
form_state_relevant(struct form_state *st, size_t i)
{
	if (i >= st->nitems)
		return 0;
	return st->items[i].relevant;
}

const char *
form_state_value(struct form_state *st, size_t i)
{
	if (i >= st->nitems)
		return "";
	return item_raw(st, i);
}

/*
 * A text question with appearance "numbers" (the phone numbers of the
 * shipped forms) is kept in one form: its digits, and a leading "+".
 * "(973) 555-0123" and "973.555.0123" are both stored as 9735550123 and
 * the raw text is not kept. Text with anything but digits, spaces and
 * ( ) - . + is left as typed, for the form's constraint to refuse.
 */
static char *
numbers_only(const struct form_question *q, const char *v)
{
	const char *p;
	char *o;
	size_t n = 0;

	if (q->type != FT_TEXT || q->appearance == NULL ||
	    strstr(q->appearance, "numbers") == NULL ||
	    strspn(v, "0123456789 ()-.+") != strlen(v))
		return NULL;
	o = vault_secure_alloc(strlen(v) + 1);
	for (p = v; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p) || (*p == '+' && n == 0))
			o[n++] = *p;
	}
	o[n] = '\0';
	return o;
}

int
form_state_set(struct form_state *st, size_t i, const char *v, char **cause)
{
	char *nv;
	int rc;

	if (i >= st->nitems) {
		if (cause != NULL)
			xasprintf(cause, "no such item");
		return -1;
	}
	nv = numbers_only(st->items[i].pub.q, v);
	rc = store(st, i, nv != NULL ? nv : v, cause);
	vault_secure_free(nv);
	if (rc != 0)
		return -1;
	st->items[i].stale = 0;
	recompute(st);
	clear_stale(st, i);
	return 0;
}

void
form_state_asked(struct form_state *st, size_t i)
{
	if (i < st->nitems)
		st->items[i].stale = 0;
}

int
form_state_stale(struct form_state *st, size_t i)
{
	return i < st->nitems && st->items[i].stale &&
	    st->items[i].relevant;
}

/* Every name in v is a choice of the item's list that its filter shows. */
static int
valid_choices(struct form_state *st, size_t i, const char *v)
{
	const struct form_question *q = st->items[i].pub.q;
	const char *p = v;
	size_t n;

	if (q->type == FT_SELECT_ONE)
		return choice_fits(st, i, v, strlen(v));
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 1;
		n = strcspn(p, " ");
		if (!choice_fits(st, i, p, n))
			return 0;
		p += n;
	}
}

static char *
message(struct form_state *st, const struct form_text *t, const char *lang,
    const char *generic)
{
	const char *s = form_text(st->f, t, lang);

	if (*s == '\0')
		s = generic != NULL ? generic : "";
	return xstrdup(s);
}

/* The caller's generic message that a type's row names (qtype.h). */
static const char *
generic_message(const struct form_msgs *msgs, enum qtype_msg m)
{
	switch (m) {
	case QM_INTEGER:
		return msgs->integer;
	case QM_DECIMAL:
		return msgs->decimal;
	case QM_DATE:
		return msgs->date;
	case QM_TIME:
		return msgs->time;
	case QM_REQUIRED:
		return msgs->required;
	case QM_NOTE:
		return msgs->note != NULL ? msgs->note : msgs->required;
	case QM_NONE:
	case QM_CONSTRAINT:
		break;
	}
	return msgs->constraint;
}

int
form_state_check(struct form_state *st, size_t i, const char *lang,
    const struct form_msgs *msgs, char **msg)
{
	const struct form_question *q;
	const struct qtype *qt;
	struct fq_priv *pv;
	const char *v;
	double d;
	int required;

	*msg = NULL;
	if (lang != NULL)
		form_state_set_lang(st, lang);
	if (i >= st->nitems || !st->items[i].relevant)
		return 0;
	q = st->items[i].pub.q;
	qt = qtype_of(q->type);
	pv = q->priv;
	/*
	 * A repeat_count beyond the kiosk's limit: the form would lose
	 * instances, so it cannot be submitted (never cut silently).
	 */
	if (q->type == FT_BEGIN_REPEAT && pv->repeat_count != NULL) {
		char *c = eval_str_at(st, pv->repeat_count, i);
		if (expr_parse_number(c, &d) == 0 && d > FORM_REPEAT_MAX) {
			freezero_str(c);
			*msg = xstrdup(msgs->constraint);
			return -1;
		}
		freezero_str(c);
	}
	/* Hidden from the resident: nothing to check. */
	if (!qt->shown)
		return 0;
	v = item_raw(st, i);
	if (*v == '\0') {
		required = pv->required_yes || (pv->required != NULL &&
		    eval_bool_at(st, pv->required, i));
		if (!required)
			return 0;
		*msg = message(st, &q->required_message, lang,
		    generic_message(msgs, qt->missing));
		return -1;
	}
	/* A note is only ever required (ODK: a required note blocks). */
	if (qt->input == QI_READ)
		return 0;
	if ((qt->valid != NULL && !qt->valid(v)) ||
	    (qt->input == QI_CHOICE && !valid_choices(st, i, v))) {
		*msg = xstrdup(generic_message(msgs, qt->invalid));
		return -1;
	}
	if (pv->constraint != NULL && !eval_bool_at(st, pv->constraint, i)) {
		*msg = message(st, &q->constraint_message, lang,
		    msgs->constraint);
		return -1;
	}
	return 0;
}

long
form_state_check_all(struct form_state *st, const char *lang,
    const struct form_msgs *msgs, char **msg)
{
	size_t i;

	*msg = NULL;
	for (i = 0; i < st->nitems; i++) {
		if (form_state_check(st, i, lang, msgs, msg) != 0)
			return (long)i;
	}
	return -1;
}

/* Replace ${name} with current values; the result is wiped by the caller. */
static char *
interpolate(struct form_state *st, size_t i, const char *text)
{
	struct buf o = { 0 };
	const char *p = text, *s, *e, *v;
	char *name, *out, *shown;
	const struct form_question *q;
	int qi;

	while ((s = strstr(p, "${")) != NULL &&
	    (e = strchr(s, '}')) != NULL) {
		buf_add(&o, p, (size_t)(s - p));
		name = xstrndup(s + 2, (size_t)(e - s - 2));
		q = form_question_by_name(st->f, name);
		free(name);
		if (q == NULL)
			buf_add(&o, s, (size_t)(e - s + 1));
		else {
			qi = (int)(q - st->f->questions);
			st->ctx = i;
			v = env_value(st, qi, 0);
			if (st->shown != NULL) {
				shown = st->shown(v, st->shown_arg);
				buf_adds(&o, shown);
				freezero_str(shown);
			} else
				buf_adds(&o, v);
		}
		p = e + 1;
	}
	buf_adds(&o, p);
	out = xstrdup((char *)o.data);
	buf_free(&o);
	return out;
}

char *
form_state_label(struct form_state *st, size_t i, const char *lang)
{
	if (i >= st->nitems)
		return xstrdup("");
	if (lang != NULL)
		form_state_set_lang(st, lang);
	return interpolate(st, i, form_text(st->f, &st->items[i].pub.q->label,
	    lang));
}

char *
form_state_hint(struct form_state *st, size_t i, const char *lang)
{
	if (i >= st->nitems)
		return xstrdup("");
	if (lang != NULL)
		form_state_set_lang(st, lang);
	return interpolate(st, i, form_text(st->f, &st->items[i].pub.q->hint,
	    lang));
}

/*
 * parameters randomize=true: the choices in a random order that stays the
 * same for the session. With seed=EXPR, the order ODK gives for that seed
 * (Collect and Web Forms: a Park-Miller generator and an "inside-out"
 * Fisher-Yates shuffle; Web Forms' randomize.test.ts vectors in t_form).
 */
static void
shuffle(struct form_state *st, size_t i, const struct form_choice **c,
    size_t n)
{
	struct fq_priv *pv = st->items[i].pub.q->priv;
	const struct form_choice **out;
	int64_t seed;
	double d;
	size_t k, j;
	char *v;

	seed = (int64_t)((st->seed ^ ((uint64_t)st->items[i].pub.qindex << 20)
	    ^ (uint64_t)st->items[i].pub.instance) % 2147483647);
	if (pv->seed != NULL) {
		v = eval_str_at(st, pv->seed, i);
		if (expr_parse_number(v, &d) != 0 || !isfinite(d))
			d = 0;
		freezero_str(v);
		seed = (int64_t)fmod(trunc(d), 2147483647.0);
	}
	if (seed <= 0)
		seed += 2147483646;
	out = xcalloc(n + 1, sizeof *out);
	for (k = 0; k < n; k++) {
		seed = seed * 16807 % 2147483647;
		j = (size_t)((double)(seed - 1) / 2147483646.0 * (double)(k + 1));
		if (j > k)
			j = k;
		if (j != k)
			out[k] = out[j];
		out[j] = c[k];
	}
	memcpy(c, out, n * sizeof *c);
	free(out);
}

size_t
form_state_choices(struct form_state *st, size_t i,
    const struct form_choice ***out)
{
	const struct form_question *q;
	size_t k, n = 0;

	*out = NULL;
	if (i >= st->nitems || (q = st->items[i].pub.q)->list == NULL)
		return 0;
	free(st->cbuf);
	st->cbuf = xcalloc(q->list->nchoices + 1, sizeof *st->cbuf);
	for (k = 0; k < q->list->nchoices; k++) {
		if (!choice_passes(st, i, &q->list->choices[k]))
			continue;
		st->cbuf[n++] = &q->list->choices[k];
	}
	if (((struct fq_priv *)q->priv)->randomize)
		shuffle(st, i, st->cbuf, n);
	*out = st->cbuf;
	return n;
}

/* The begin_repeat question of the item (itself or its enclosing one). */
static int
repeat_of(struct form_state *st, size_t i)
{
	const struct form_item *it = &st->items[i].pub;
	size_t q;

	if (it->q->type == FT_BEGIN_REPEAT)
		return it->qindex;
	if (it->q->type == FT_END_REPEAT) {
		for (q = 0; q < st->f->nquestions; q++)
			if (qp(st->f, (int)q)->end == it->qindex)
				return (int)q;
		return -1;
	}
	return qp(st->f, it->qindex)->repeat;
}

/*
 * The begin_repeat of the repeat item i is in, when the resident sizes it
 * (it has no repeat_count); else -1.
 */
static int
resident_repeat(struct form_state *st, size_t i)
{
	int r;

	if (i >= st->nitems || (r = repeat_of(st, i)) < 0 ||
	    st->f->questions[r].repeat_count != NULL)
		return -1;
	return r;
}

/* One instance fewer of repeat r: the items and values follow. */
static void
drop_instance(struct form_state *st, int r)
{
	st->ninst[r]--;
	rebuild(st);
	recompute(st);
}

int
form_state_repeat_add(struct form_state *st, size_t i)
{
	size_t k;
	int r;

	if ((r = resident_repeat(st, i)) < 0 || st->ninst[r] >= FORM_REPEAT_MAX)
		return -1;
	st->ninst[r]++;
	rebuild(st);
	for (k = 0; k < st->nitems; k++) {
		if (st->items[k].pub.instance == st->ninst[r] &&
		    qp(st->f, st->items[k].pub.qindex)->repeat == r)
			apply_defaults(st, k, k + 1);
	}
	recompute(st);
	return 0;
}

int
form_state_repeat_remove(struct form_state *st, size_t i)
{
	int r;

	if ((r = resident_repeat(st, i)) < 0 || st->ninst[r] <= 0)
		return -1;
	drop_instance(st, r);
	return 0;
}

/*
 * Remove the instance item i is in: its answers are wiped and the later
 * instances move down one (their answers with them), so a resident can
 * take back a member added by mistake without losing the others.
 */
int
form_state_repeat_remove_instance(struct form_state *st, size_t i)
{
	struct st_item *it;
	size_t k;
	int r, inst;

	if ((r = resident_repeat(st, i)) < 0 ||
	    (inst = st->items[i].pub.instance) < 1 ||
	    st->items[i].pub.qindex == r || inst > st->ninst[r])
		return -1;
	for (k = 0; k < st->nitems; k++) {
		it = &st->items[k];
		if (it->pub.instance < inst ||
		    qp(st->f, it->pub.qindex)->repeat != r)
			continue;
		if (it->pub.instance == inst) {
			if (it->off != 0)
				vault_wipe(st->arena + it->off, it->len + 1);
			it->off = it->len = 0;
			it->pub.instance = -1;	/* matches nothing below */
		} else
			it->pub.instance--;
	}
	drop_instance(st, r);
	return 0;
}

int
form_state_repeat_count(struct form_state *st, int qindex)
{
	if (qindex < 0 || (size_t)qindex >= st->f->nquestions)
		return 0;
	return st->ninst[qindex];
}

void
form_state_columns(struct form_state *st, form_column_fn fn, void *arg)
{
	const struct form_question *q;
	const struct form_list *l;
	struct fq_priv *pv;
	struct buf col = { 0 };
	char now[64], *name;
	const char *v, *p;
	size_t i, k, n;
	int rel, sel;

	ymd_of(now, sizeof now, st->now);
	for (i = 0; i < st->nitems; i++) {
		q = st->items[i].pub.q;
		pv = q->priv;
		if (!pv->columns)
			continue;
		if (q->type == FT_END)
			store(st, i, now, NULL);
		rel = st->items[i].relevant;
		v = rel ? item_raw(st, i) : "";
		if (st->items[i].pub.instance > 0)
			xasprintf(&name, "%s[%d]", pv->column,
			    st->items[i].pub.instance);
		else
			name = xstrdup(pv->column);
		fn(arg, name, v, rel);
		if (q->type == FT_SELECT_MULTIPLE && (l = q->list) != NULL) {
			for (k = 0; k < l->nchoices; k++) {
				sel = 0;
				for (p = v; *p != '\0'; p += n) {
					while (*p == ' ')
						p++;
					n = strcspn(p, " ");
					if (n == strlen(l->choices[k].name) &&
					    n > 0 && memcmp(p,
					    l->choices[k].name, n) == 0)
						sel = 1;
				}
				col.len = 0;
				buf_addf(&col, "%s/%s", name,
				    l->choices[k].name);
				fn(arg, buf_cstr(&col), rel ? (sel ? "1" :
				    "0") : "", rel);
			}
		}
		free(name);
	}
	buf_free(&col);
}
