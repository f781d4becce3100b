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
 *
 * Repeats nest (form.h). Items are laid out depth first, so the items of
 * one question are in the order of their instance paths, and qlist gives
 * them by question: a reference is resolved by a binary search for the
 * instances it shares with the item asking (env_prefix), never by a scan.
 * Each begin_repeat item holds the count of its own instances; rebuild()
 * carries values and counts over by (question, path).
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
	int			 mate;		/* begin_*: its end_* item; end_*: its begin */
	int			 relevant;
	int			 stale;		/* cleared: no longer fits its choice_filter */
	int			 ninst;		/* begin_repeat: its instances */
	int			 cut;		/* begin_repeat: repeat_count asked for more */
	int			 fresh;		/* new in the last rebuild: no defaults yet */
	uint32_t		 off;		/* value in the arena, 0: none */
	uint32_t		 len;
};

struct form_state {
	const struct form	*f;
	struct st_item		*items;
	size_t			 nitems;
	size_t			 cap;
	/*
	 * The items of each question, in item order (which is the order of
	 * their instance paths): qlist[qstart[q] .. qstart[q + 1]).
	 */
	size_t			*qlist;
	size_t			*qstart;
	/* Per question: the repeats around it, outermost first. */
	int			(*qreps)[FORM_REPEAT_DEPTH];
	int			*qdepth;
	int			*ninit;		/* per question: new begin_repeat's count */
	int			*cost;		/* per repeat: instances one new one makes */
	size_t			 ntotal;	/* instances of all repeats */
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

/* Compare the first n instance numbers of two paths. */
static int
path_cmp(const int *a, const int *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/*
 * The old items, by (question, path), while the items are laid out
 * again: an open-addressing table of old item indices.
 */
struct oldmap {
	struct st_item	*old;
	size_t		 nold;
	long		*slot;
	size_t		 nslot;		/* a power of two */
	unsigned char	*used;		/* old item carried over */
};

static size_t
key_hash(int q, const int *path, int depth)
{
	uint64_t h = (uint64_t)q * 0x9e3779b97f4a7c15ULL + (uint64_t)depth;
	int i;

	for (i = 0; i < depth; i++)
		h = (h ^ (uint64_t)path[i]) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29));
}

static void
oldmap_init(struct oldmap *m, struct st_item *old, size_t nold)
{
	size_t i, h;

	memset(m, 0, sizeof *m);
	m->old = old;
	m->nold = nold;
	m->nslot = 64;
	while (m->nslot < nold * 2)
		m->nslot *= 2;
	m->slot = xcalloc(m->nslot, sizeof *m->slot);
	m->used = xcalloc(nold + 1, 1);
	for (i = 0; i < m->nslot; i++)
		m->slot[i] = -1;
	for (i = 0; i < nold; i++) {
		if (old[i].pub.depth < 0)	/* an instance taken out */
			continue;
		h = key_hash(old[i].pub.qindex, old[i].pub.path,
		    old[i].pub.depth) & (m->nslot - 1);
		while (m->slot[h] >= 0)
			h = (h + 1) & (m->nslot - 1);
		m->slot[h] = (long)i;
	}
}

static struct st_item *
oldmap_find(struct oldmap *m, int q, const int *path, int depth)
{
	size_t h = key_hash(q, path, depth) & (m->nslot - 1);
	struct st_item *o;

	for (; m->slot[h] >= 0; h = (h + 1) & (m->nslot - 1)) {
		o = &m->old[m->slot[h]];
		if (o->pub.qindex == q && o->pub.depth == depth &&
		    path_cmp(o->pub.path, path, depth) == 0) {
			m->used[m->slot[h]] = 1;
			return o;
		}
	}
	return NULL;
}

static void
item_push(struct form_state *st, struct oldmap *m, int q, const int *path,
    int depth, int parent)
{
	struct st_item *it, *o;

	if (st->nitems == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->items = xreallocarray(st->items, st->cap, sizeof *st->items);
	}
	it = &st->items[st->nitems++];
	memset(it, 0, sizeof *it);
	it->pub.q = &st->f->questions[q];
	it->pub.qindex = q;
	it->pub.depth = depth;
	memcpy(it->pub.path, path, sizeof it->pub.path);
	it->pub.instance = depth > 0 ? path[depth - 1] : 0;
	it->parent = parent;
	it->mate = -1;
	it->relevant = 1;
	if ((o = oldmap_find(m, q, path, depth)) != NULL) {
		it->off = o->off;
		it->len = o->len;
		it->relevant = o->relevant;
		it->stale = o->stale;
		it->ninst = o->ninst;
		it->cut = o->cut;
	} else {
		it->fresh = 1;
		if (st->f->questions[q].type == FT_BEGIN_REPEAT)
			it->ninst = st->ninit[q];
	}
}

/*
 * Lay out questions [from, to) in the instance path[0..depth), inside
 * the begin_* item parent: each begin_repeat's instances in turn.
 */
static void
lay(struct form_state *st, struct oldmap *m, int from, int to, int *path,
    int depth, int parent)
{
	const struct form *f = st->f;
	int q, inst, end, b, sp = 0, *stack;

	stack = xcalloc((size_t)(to - from) + 2, sizeof *stack);
	stack[0] = parent;
	for (q = from; q < to; q++) {
		const struct form_question *fq = &f->questions[q];
		if (qtype_of(fq->type)->nest < 0) {
			b = stack[sp];
			if (sp > 0)
				sp--;
			item_push(st, m, q, path, depth, stack[sp]);
			if (b >= 0 && b != parent) {
				st->items[st->nitems - 1].mate = b;
				st->items[b].mate = (int)st->nitems - 1;
			}
			continue;
		}
		item_push(st, m, q, path, depth, stack[sp]);
		b = (int)st->nitems - 1;
		if (fq->type == FT_BEGIN_GROUP) {
			stack[++sp] = b;
			continue;
		}
		if (fq->type != FT_BEGIN_REPEAT)
			continue;
		end = qp(f, q)->end;
		if (end < 0 || end > to)
			end = to;
		if (depth < FORM_REPEAT_DEPTH) {
			for (inst = 1; inst <= st->items[b].ninst; inst++) {
				path[depth] = inst;
				lay(st, m, q + 1, end, path, depth + 1, b);
				st->ntotal++;
			}
			path[depth] = 0;
		}
		q = end - 1;	/* the end_repeat comes next */
		stack[++sp] = b;
	}
	free(stack);
}

/*
 * Lay out the items for the current instance counts (each begin_repeat
 * item's ninst), keeping the values of items that survive, matched by
 * question and instance path. Old values of removed instances are wiped.
 */
static void
rebuild(struct form_state *st)
{
	const struct form *f = st->f;
	struct oldmap m;
	size_t i, q, nq = f->nquestions;
	int path[FORM_REPEAT_DEPTH] = { 0 };

	oldmap_init(&m, st->items, st->nitems);
	st->items = NULL;
	st->nitems = st->cap = 0;
	st->ntotal = 0;
	lay(st, &m, 0, (int)nq, path, 0, -1);
	for (i = 0; i < m.nold; i++)
		if (!m.used[i] && m.old[i].off != 0)
			vault_wipe(st->arena + m.old[i].off, m.old[i].len + 1);
	free(m.old);
	free(m.slot);
	free(m.used);
	/* The items of each question, in order. */
	memset(st->qstart, 0, (nq + 2) * sizeof *st->qstart);
	for (i = 0; i < st->nitems; i++)
		st->qstart[st->items[i].pub.qindex + 2]++;
	for (q = 2; q < nq + 2; q++)
		st->qstart[q] += st->qstart[q - 1];
	st->qlist = xreallocarray(st->qlist, st->nitems + 1,
	    sizeof *st->qlist);
	for (i = 0; i < st->nitems; i++)
		st->qlist[st->qstart[st->items[i].pub.qindex + 1]++] = i;
}

/*
 * The items of question q whose path starts with prefix[0..n): the
 * range [*lo, *hi) of qlist (item order is path order).
 */
static void
q_range(struct form_state *st, int q, const int *prefix, int n, size_t *lo,
    size_t *hi)
{
	size_t a = st->qstart[q], b = st->qstart[q + 1], m, l, h;

	if (n == 0) {
		*lo = a;
		*hi = b;
		return;
	}
	for (l = a, h = b; l < h;) {
		m = l + (h - l) / 2;
		if (path_cmp(st->items[st->qlist[m]].pub.path, prefix, n) < 0)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	for (h = b; l < h;) {
		m = l + (h - l) / 2;
		if (path_cmp(st->items[st->qlist[m]].pub.path, prefix, n) <= 0)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
}

/* The item of question q at path[0..depth), or -1. */
static long
find_path(struct form_state *st, int q, const int *path, int depth)
{
	size_t lo, hi;

	if (q < 0 || (size_t)q >= st->f->nquestions || depth != st->qdepth[q])
		return -1;
	q_range(st, q, path, depth, &lo, &hi);
	return lo < hi ? (long)st->qlist[lo] : -1;
}

/* The first item of question q, or -1. */
static long
first_item(struct form_state *st, int q)
{
	return st->qstart[q] < st->qstart[q + 1] ?
	    (long)st->qlist[st->qstart[q]] : -1;
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

/*
 * The node set of question ref seen from the item being evaluated, as
 * JavaRosa contextualizes a reference: the repeats ref shares with the
 * context keep the context's instances, deeper ones give every instance.
 * A reference to a repeat itself is its instances in the instances of
 * the repeats around it (count(../../job) from inside a job counts the
 * jobs of that member, as JavaRosa does since its issue 540).
 * Returns the length n of the pinned prefix, in prefix[].
 */
static int
env_prefix(struct form_state *st, int ref, int *prefix)
{
	const struct st_item *c = &st->items[st->ctx];
	int n = 0, cq = c->pub.qindex;

	while (n < st->qdepth[ref] && n < c->pub.depth &&
	    n < st->qdepth[cq] && st->qreps[ref][n] == st->qreps[cq][n]) {
		prefix[n] = c->pub.path[n];
		n++;
	}
	return n;
}

static size_t
env_count(void *arg, int ref)
{
	struct form_state *st = arg;
	const struct form *f = st->f;
	int prefix[FORM_REPEAT_DEPTH], n;
	size_t lo, hi, k, c = 0;

	if (ref < 0 || ref >= (int)f->nquestions)
		return 1;
	n = env_prefix(st, ref, prefix);
	q_range(st, ref, prefix, n, &lo, &hi);
	if (f->questions[ref].type != FT_BEGIN_REPEAT)
		return hi - lo;
	for (k = lo; k < hi; k++)
		c += (size_t)st->items[st->qlist[k]].ninst;
	return c;
}

static const char *
env_value(void *arg, int ref, size_t k)
{
	struct form_state *st = arg;
	const struct form *f = st->f;
	const struct form_choice *c;
	int prefix[FORM_REPEAT_DEPTH], n;
	size_t lo, hi;

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
	if (f->questions[ref].type == FT_BEGIN_REPEAT)
		return "";
	n = env_prefix(st, ref, prefix);
	q_range(st, ref, prefix, n, &lo, &hi);
	if (lo + k >= hi)
		return "";
	return item_value_for_expr(st, (long)st->qlist[lo + k]);
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
	int path[FORM_REPEAT_DEPTH], d, L, p;
	size_t j;

	if (ref < 0 || ref >= (int)f->nquestions)
		return "";
	d = st->qdepth[ref];
	L = env_prefix(st, ref, path);
	for (; L < d; L++)
		path[L] = 1;
	for (j = 0; j < n; j++) {
		for (p = f->questions[ref].parent; p >= 0 && p != groups[j];
		    p = f->questions[p].parent)
			;
		if (p < 0)
			return "";
		if (f->questions[p].type != FT_BEGIN_REPEAT) {
			if (idx[j] != 1)
				return "";
			continue;
		}
		for (L = 0; L < d && st->qreps[ref][L] != p; L++)
			;
		if (L == d || idx[j] > FORM_REPEAT_MAX)
			return "";
		path[L] = (int)idx[j];
	}
	return item_value_for_expr(st, find_path(st, ref, path, d));
}

/* Instance k (0-based) of ref's innermost repeat (indexed-repeat). */
static const char *
env_value_at(void *arg, int ref, size_t k)
{
	struct form_state *st = arg;
	int g;

	if (ref < 0 || ref >= (int)st->f->nquestions)
		return "";
	if (st->qdepth[ref] == 0)
		return item_value_for_expr(st, first_item(st, ref));
	g = st->qreps[ref][st->qdepth[ref] - 1];
	k++;
	return env_value_in(arg, ref, &g, &k, 1);
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
	size_t c, n, k, i;
	int q, changed = 0;
	char *v;

	for (c = 0; c < fp->ncalc; c++) {
		q = fp->calc_order[c];
		pv = qp(f, q);
		for (k = st->qstart[q]; k < st->qstart[q + 1]; k++) {
			i = st->qlist[k];
			n = st->items[i].len;
			v = st->items[i].relevant ? eval_str_at(st,
			    pv->calculation, i) : xstrdup("");
			if (strlen(v) != n || strcmp(v, item_raw(st, i)) != 0) {
				if (store(st, i, v, NULL) == 0)
					changed = 1;
			}
			freezero_str(v);
		}
	}
	return changed;
}

/* Defaults and metadata of the items a rebuild made. */
static void	apply_defaults(struct form_state *, size_t, size_t);

static void
fresh_defaults(struct form_state *st)
{
	size_t i;

	for (i = 0; i < st->nitems; i++) {
		if (!st->items[i].fresh)
			continue;
		st->items[i].fresh = 0;
		apply_defaults(st, i, i + 1);
	}
}

/*
 * Each begin_repeat item with a repeat_count follows its value, at most
 * FORM_REPEAT_MAX, and all repeats together at most FORM_INSTANCES_MAX;
 * a count cut to fit is marked (cut), so the form cannot be sent.
 */
static int
update_repeat_counts(struct form_state *st)
{
	const struct form *f = st->f;
	struct st_item *it;
	struct fq_priv *pv;
	size_t q, k;
	char *v;
	double n;
	long total = (long)st->ntotal, c;
	int want, cut, changed = 0;

	for (q = 0; q < f->nquestions; q++) {
		pv = qp(f, (int)q);
		if (f->questions[q].type != FT_BEGIN_REPEAT ||
		    pv->repeat_count == NULL)
			continue;
		for (k = st->qstart[q]; k < st->qstart[q + 1]; k++) {
			it = &st->items[st->qlist[k]];
			v = eval_str_at(st, pv->repeat_count, st->qlist[k]);
			want = cut = 0;
			if (expr_parse_number(v, &n) == 0 && n > 0) {
				want = n > FORM_REPEAT_MAX ? FORM_REPEAT_MAX :
				    (int)n;
				cut = n > FORM_REPEAT_MAX;
			}
			freezero_str(v);
			if (!it->relevant)
				want = cut = 0;
			c = st->cost[q];
			if (want > it->ninst && total + (long)(want -
			    it->ninst) * c > FORM_INSTANCES_MAX) {
				want = it->ninst + (int)((FORM_INSTANCES_MAX -
				    total) / c);
				if (want < it->ninst)
					want = it->ninst;
				cut = 1;
			}
			it->cut = cut;
			if (want != it->ninst) {
				total += (long)(want - it->ninst) * c;
				it->ninst = want;
				changed = 1;
			}
		}
	}
	if (changed) {
		rebuild(st);
		fresh_defaults(st);
	}
	return changed;
}

static void
recompute(struct form_state *st)
{
	int pass, changed;

	/* Nested repeat_counts may take a pass per level. */
	for (pass = 0; pass < 4 + 2 * FORM_REPEAT_DEPTH; pass++) {
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
				if ((n = qtype_widget(q->type) == QW_ONE ?
				    strlen(p) : strcspn(p, " ")) == 0)
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

/* Defaults and metadata of the items [from, to). */
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

/*
 * The number a repeat_count is written as (1 to FORM_INSTANCES_MAX), or 0
 * when it is an expression or a reference to an answer.
 */
static int
fixed_count(const struct form_question *q)
{
	char *end;
	double n;

	if (q->repeat_count == NULL)
		return 0;
	n = strtod(q->repeat_count, &end);
	if (end == q->repeat_count || *end != '\0' || !(n >= 1))
		return 0;
	return n > FORM_INSTANCES_MAX ? FORM_INSTANCES_MAX : (int)n;
}

struct form_state *
form_state_new(const struct form *f)
{
	struct form_state *st;
	size_t q;
	long long add;
	int r, d;

	st = xcalloc(1, sizeof *st);
	st->f = f;
	if (getrandom(&st->seed, sizeof st->seed, 0) != (ssize_t)sizeof st->seed)
		st->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	st->qstart = xcalloc(f->nquestions + 2, sizeof *st->qstart);
	st->qreps = xcalloc(f->nquestions + 1, sizeof *st->qreps);
	st->qdepth = xcalloc(f->nquestions + 1, sizeof *st->qdepth);
	st->ninit = xcalloc(f->nquestions + 1, sizeof *st->ninit);
	for (q = 0; q < f->nquestions; q++) {
		/* The repeats around q, innermost first, then reversed. */
		d = 0;
		for (r = qp(f, (int)q)->repeat; r >= 0 &&
		    d < FORM_REPEAT_DEPTH; r = qp(f, r)->repeat)
			st->qreps[q][d++] = r;
		st->qdepth[q] = d;
		for (r = 0; r < d / 2; r++) {
			int t = st->qreps[q][r];
			st->qreps[q][r] = st->qreps[q][d - 1 - r];
			st->qreps[q][d - 1 - r] = t;
		}
		if (f->questions[q].type == FT_BEGIN_REPEAT &&
		    f->questions[q].repeat_count == NULL)
			st->ninit[q] = 1;
	}
	/*
	 * A new instance of a repeat brings the first instance of each
	 * repeat in it that the resident sizes, and all N of each repeat
	 * whose repeat_count is the number N (inner ones come later in the
	 * form, so their cost is known first). A count read from an answer
	 * is not known here; it is cut when it is worked out.
	 */
	st->cost = xcalloc(f->nquestions + 1, sizeof *st->cost);
	for (q = f->nquestions; q-- > 0;) {
		if (f->questions[q].type != FT_BEGIN_REPEAT)
			continue;
		st->cost[q] += 1;
		if ((r = qp(f, (int)q)->repeat) < 0)
			continue;
		add = (long long)st->cost[q] * (st->ninit[q] > 0 ? 1 :
		    fixed_count(&f->questions[q]));
		/* Past the limit is past it: kept from overflowing. */
		st->cost[r] = (int)(st->cost[r] + add > FORM_INSTANCES_MAX + 1 ?
		    FORM_INSTANCES_MAX + 1 : st->cost[r] + add);
	}
	st->arena_cap = ARENA_MIN;
	st->arena = vault_secure_alloc(st->arena_cap);
	st->arena_used = 1;
	rebuild(st);
	recompute(st);
	apply_defaults(st, 0, st->nitems);
	for (q = 0; q < st->nitems; q++)
		st->items[q].fresh = 0;
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
	free(st->qlist);
	free(st->qstart);
	free(st->qreps);
	free(st->qdepth);
	free(st->ninit);
	free(st->cost);
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

	if (!form_numbers(q) || strspn(v, "0123456789 ()-.+") != strlen(v))
		return NULL;
	o = vault_secure_alloc(strlen(v) + 1);
	for (p = v; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p) || (*p == '+' && n == 0))
			o[n++] = *p;
	}
	o[n] = '\0';
	return o;
}

/*
 * The resident changed item i (question q at path): set each question
 * whose trigger names q (odk:setvalue on xforms-value-changed) to its
 * calculation, or "" when it has none. In a repeat, the items that share
 * the trigger's instances (all instances of a repeat the trigger is
 * outside of). One step: a value set here triggers nothing further.
 * Returns whether anything was set.
 */
static int
fire_triggers(struct form_state *st, int q, const int *path, int depth)
{
	const struct form *f = st->f;
	const struct fq_priv *pv;
	size_t t, k, lo, hi, n;
	int shared;
	char *v;
	int fired = 0;

	for (t = 0; t < f->nquestions; t++) {
		pv = qp(f, (int)t);
		for (k = 0; k < pv->ntriggers; k++)
			if (pv->triggers[k] == q)
				break;
		if (k == pv->ntriggers)
			continue;
		for (shared = 0; shared < depth && shared < st->qdepth[t] &&
		    st->qreps[t][shared] == st->qreps[q][shared]; shared++)
			;
		q_range(st, (int)t, path, shared, &lo, &hi);
		for (k = lo; k < hi; k++) {
			n = st->qlist[k];
			v = pv->calculation == NULL ? xstrdup("") :
			    eval_str_at(st, pv->calculation, n);
			if (store(st, n, v, NULL) == 0) {
				st->items[n].stale = 0;
				fired = 1;
			}
			freezero_str(v);
		}
	}
	return fired;
}

int
form_state_set(struct form_state *st, size_t i, const char *v, char **cause)
{
	char *nv;
	const char *w;
	int rc, changed, q, depth, path[FORM_REPEAT_DEPTH];

	if (i >= st->nitems) {
		if (cause != NULL)
			xasprintf(cause, "no such item");
		return -1;
	}
	nv = numbers_only(st->items[i].pub.q, v);
	w = nv != NULL ? nv : v;
	changed = strlen(w) != st->items[i].len ||
	    strcmp(w, item_raw(st, i)) != 0;
	rc = store(st, i, w, cause);
	vault_secure_free(nv);
	if (rc != 0)
		return -1;
	st->items[i].stale = 0;
	q = st->items[i].pub.qindex;
	depth = st->items[i].pub.depth;
	memcpy(path, st->items[i].pub.path, sizeof path);
	recompute(st);
	/* Items may have moved (a repeat_count): found again by path. */
	if (changed && fire_triggers(st, q, path, depth))
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

	if (qtype_widget(q->type) == QW_ONE)	/* the value is one name */
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

/* A number in the digits whose zero is zero (0: 0-9), UTF-8. */
static void
add_number(struct buf *b, double d, unsigned int zero)
{
	char nb[40], *p;
	unsigned int c;

	snprintf(nb, sizeof nb, "%.15g", d);
	for (p = nb; *p != '\0'; p++) {
		if (zero == 0 || zero == '0' || *p < '0' || *p > '9') {
			buf_addc(b, *p);
			continue;
		}
		c = zero + (unsigned int)(*p - '0');
		if (c < 0x80)
			buf_addc(b, (char)c);
		else if (c < 0x800) {
			buf_addc(b, (char)(0xc0 | (c >> 6)));
			buf_addc(b, (char)(0x80 | (c & 0x3f)));
		} else {
			buf_addc(b, (char)(0xe0 | (c >> 12)));
			buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
			buf_addc(b, (char)(0x80 | (c & 0x3f)));
		}
	}
}

/* Is v a number inside a range question's bounds, on its step? */
static int
in_range(const struct fq_priv *pv, const char *v)
{
	double d, k;

	if (expr_parse_number(v, &d) != 0 || d < pv->range_lo ||
	    d > pv->range_hi)
		return 0;
	k = (d - pv->range_start) / pv->range_step;
	return fabs(k - round(k)) < 1e-9;
}

/*
 * A range question's message: the caller's text with %1$s, %2$s and
 * %3$s replaced by its bounds and step (in msgs->zero's digits).
 */
static char *
range_message(const struct fq_priv *pv, const struct form_msgs *msgs)
{
	int step = pv->range_step != 1 ||
	    pv->range_start != floor(pv->range_start);
	const char *t = msgs->text[step ? QM_RANGE_STEP : QM_RANGE], *p;
	struct buf b = { 0 };
	char *out;

	if (t == NULL)
		return xstrdup(msgs->text[QM_CONSTRAINT]);
	buf_adds(&b, "");
	for (p = t; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] >= '1' && p[1] <= '3' &&
		    strncmp(p + 2, "$s", 2) == 0) {
			add_number(&b, p[1] == '1' ? pv->range_lo :
			    p[1] == '2' ? pv->range_hi : fabs(pv->range_step),
			    msgs->zero);
			p += 3;
		} else
			buf_addc(&b, *p);
	}
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* The caller's generic message that a type's row names (qtype.h). */
static const char *
generic_message(const struct form_msgs *msgs, enum qtype_msg m)
{
	if (m == QM_NOTE && msgs->text[QM_NOTE] == NULL)
		m = QM_REQUIRED;
	else if (m == QM_NONE || (unsigned)m >= QM_NMSGS)
		m = QM_CONSTRAINT;
	return msgs->text[m];
}

int
form_state_check(struct form_state *st, size_t i, const char *lang,
    const struct form_msgs *msgs, char **msg)
{
	const struct form_question *q;
	const struct qtype *qt;
	struct fq_priv *pv;
	const char *v;
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
	 * A repeat_count beyond the kiosk's limits: the form would lose
	 * instances, so it cannot be submitted (never cut silently).
	 */
	if (q->type == FT_BEGIN_REPEAT && st->items[i].cut) {
		*msg = xstrdup(msgs->text[QM_CONSTRAINT]);
		return -1;
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
	/* A range's bounds, said (its constraint checks them too). */
	if (pv->range && !in_range(pv, v)) {
		*msg = range_message(pv, msgs);
		return -1;
	}
	if (pv->constraint != NULL && !eval_bool_at(st, pv->constraint, i)) {
		*msg = message(st, &q->constraint_message, lang,
		    msgs->text[QM_CONSTRAINT]);
		return -1;
	}
	return 0;
}

/*
 * A begin_repeat whose repeat_count is past the limits is no page of its
 * own: the item to show is the answer the count reads (in the same
 * instances), when the resident gives it; else the begin_repeat item.
 */
static long
count_source(struct form_state *st, size_t b)
{
	const struct form *f = st->f;
	struct fq_priv *pv = st->items[b].pub.q->priv;
	int prefix[FORM_REPEAT_DEPTH], n;
	const int *refs;
	size_t k, nref, lo, hi;

	if (st->items[b].pub.q->type != FT_BEGIN_REPEAT || !st->items[b].cut ||
	    pv->repeat_count == NULL)
		return (long)b;
	nref = expr_refs(pv->repeat_count, &refs);
	for (k = 0; k < nref; k++) {
		if (refs[k] < 0 || refs[k] >= (int)f->nquestions ||
		    !qtype_of(f->questions[refs[k]].type)->shown)
			continue;
		st->ctx = b;
		n = env_prefix(st, refs[k], prefix);
		q_range(st, refs[k], prefix, n, &lo, &hi);
		if (lo < hi && st->items[st->qlist[lo]].relevant)
			return (long)st->qlist[lo];
	}
	return (long)b;
}

long
form_state_check_all(struct form_state *st, const char *lang,
    const struct form_msgs *msgs, char **msg)
{
	size_t i;

	*msg = NULL;
	for (i = 0; i < st->nitems; i++) {
		if (form_state_check(st, i, lang, msgs, msg) != 0)
			return count_source(st, i);
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

/* Item i's label, or its hint, in lang with its ${name}s filled in. */
static char *
item_text(struct form_state *st, size_t i, const char *lang, int hint)
{
	const struct form_question *q;

	if (i >= st->nitems)
		return xstrdup("");
	if (lang != NULL)
		form_state_set_lang(st, lang);
	q = st->items[i].pub.q;
	return interpolate(st, i, form_text(st->f, hint ? &q->hint : &q->label,
	    lang));
}

char *
form_state_label(struct form_state *st, size_t i, const char *lang)
{
	return item_text(st, i, lang, 0);
}

char *
form_state_hint(struct form_state *st, size_t i, const char *lang)
{
	return item_text(st, i, lang, 1);
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
	    ^ (uint64_t)st->items[i].pub.instance
	    ^ ((uint64_t)st->items[i].pub.path[0] << 40)
	    ^ ((uint64_t)st->items[i].pub.path[1] << 48)) % 2147483647);
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

long
form_state_repeat_begin(struct form_state *st, size_t i)
{
	const struct st_item *it;
	int d, path[FORM_REPEAT_DEPTH];

	if (i >= st->nitems)
		return -1;
	it = &st->items[i];
	if (it->pub.q->type == FT_BEGIN_REPEAT)
		return (long)i;
	if (it->pub.q->type == FT_END_REPEAT)
		return it->mate;
	if ((d = it->pub.depth) == 0)
		return -1;
	memcpy(path, it->pub.path, sizeof path);
	return find_path(st, st->qreps[it->pub.qindex][d - 1], path, d - 1);
}

int
form_state_instances(struct form_state *st, size_t b)
{
	if (b >= st->nitems || st->items[b].pub.q->type != FT_BEGIN_REPEAT)
		return 0;
	return st->items[b].ninst;
}

/* The begin_repeat item of item i's repeat, if the resident sizes it. */
static long
resident_begin(struct form_state *st, size_t i)
{
	long b = form_state_repeat_begin(st, i);

	if (b < 0 || st->items[b].pub.q->repeat_count != NULL)
		return -1;
	return b;
}

int
form_state_repeat_can_add(struct form_state *st, size_t i)
{
	long b = resident_begin(st, i);

	return b >= 0 && st->items[b].ninst < FORM_REPEAT_MAX &&
	    st->ntotal + (size_t)st->cost[st->items[b].pub.qindex] <=
	    FORM_INSTANCES_MAX;
}

int
form_state_repeat_add(struct form_state *st, size_t i)
{
	long b;

	if (!form_state_repeat_can_add(st, i))
		return -1;
	b = resident_begin(st, i);
	st->items[b].ninst++;
	rebuild(st);
	fresh_defaults(st);
	recompute(st);
	return 0;
}

int
form_state_repeat_remove(struct form_state *st, size_t i)
{
	long b;

	if ((b = resident_begin(st, i)) < 0 || st->items[b].ninst <= 0)
		return -1;
	st->items[b].ninst--;
	rebuild(st);
	recompute(st);
	return 0;
}

int
form_state_removable(struct form_state *st, size_t i, size_t *begin,
    int *inst, size_t *first, size_t *n)
{
	const struct st_item *it;
	size_t k;
	long b;
	int L;

	if (i >= st->nitems)
		return -1;
	it = &st->items[i];
	/* The innermost instance around i that the resident sizes. */
	for (L = it->pub.depth - 1; L >= 0; L--) {
		b = find_path(st, st->qreps[it->pub.qindex][L], it->pub.path, L);
		if (b >= 0 && st->items[b].pub.q->repeat_count == NULL)
			break;
	}
	if (L < 0 || (size_t)b == i || st->items[b].mate < 0)
		return -1;
	/* Its items: after the begin, up to its end_repeat. */
	for (k = (size_t)b + 1; k < (size_t)st->items[b].mate &&
	    st->items[k].pub.path[L] != it->pub.path[L]; k++)
		;
	if (begin != NULL)
		*begin = (size_t)b;
	if (inst != NULL)
		*inst = it->pub.path[L];
	if (first != NULL)
		*first = k;
	if (n != NULL) {
		*n = 0;
		while (k + *n < (size_t)st->items[b].mate &&
		    st->items[k + *n].pub.path[L] == it->pub.path[L])
			(*n)++;
	}
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
	size_t b, k, end;
	int inst, L;

	if (form_state_removable(st, i, &b, &inst, NULL, NULL) != 0)
		return -1;
	L = st->items[b].pub.depth;
	end = (size_t)st->items[b].mate;
	for (k = b + 1; k < end; k++) {
		it = &st->items[k];
		if (it->pub.path[L] < inst)
			continue;
		if (it->pub.path[L] == inst) {
			if (it->off != 0)
				vault_wipe(st->arena + it->off, it->len + 1);
			it->off = it->len = 0;
			it->pub.depth = -1;	/* matches nothing below */
		} else
			it->pub.path[L]--;
	}
	st->items[b].ninst--;
	rebuild(st);
	recompute(st);
	return 0;
}

int
form_state_repeat_count(struct form_state *st, int qindex)
{
	size_t k;
	int n = 0;

	if (qindex < 0 || (size_t)qindex >= st->f->nquestions ||
	    st->f->questions[qindex].type != FT_BEGIN_REPEAT)
		return 0;
	for (k = st->qstart[qindex]; k < st->qstart[qindex + 1]; k++)
		n += st->items[st->qlist[k]].ninst;
	return n;
}

long
form_state_find(struct form_state *st, int qindex, const int *path,
    int depth)
{
	int p[FORM_REPEAT_DEPTH] = { 0 };

	if (depth < 0 || depth > FORM_REPEAT_DEPTH)
		return -1;
	if (depth > 0)
		memcpy(p, path, (size_t)depth * sizeof *p);
	return find_path(st, qindex, p, depth);
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
	int rel, sel, d;

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
		col.len = 0;
		buf_adds(&col, pv->column);
		for (d = 0; d < st->items[i].pub.depth; d++)
			buf_addf(&col, "[%d]", st->items[i].pub.path[d]);
		name = xstrdup(buf_cstr(&col));
		fn(arg, name, v, rel);
		if (qtype_choice_columns(q->type) && (l = q->list) != NULL) {
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
