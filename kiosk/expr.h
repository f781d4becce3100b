/*
 * expr: the XPath subset that XLSForm columns use (relevant, constraint,
 * calculation, required, default, choice_filter, repeat_count).
 *
 * expr_compile() parses once at load time into a tree whose depth is
 * bounded (EXPR_MAX_DEPTH), so evaluation and freeing never recurse deeper
 * than that. ${name} references are resolved to integers by the caller's
 * resolve function; evaluation asks the caller's struct expr_env for their
 * values, so this module knows nothing of forms or answers.
 *
 * Values are strings, as in ODK. Every string this module makes while
 * evaluating is wiped before it is freed, because it may hold an answer.
 * Never prints, never exits.
 */
#ifndef KIOSK_EXPR_H
#define KIOSK_EXPR_H

#include <stddef.h>
#include <time.h>

#define EXPR_MAX_LEN	8192
#define EXPR_MAX_DEPTH	64
#define EXPR_REF_SELF	(-2)	/* "." */
#define EXPR_REF_UNSUPPORTED (-3) /* resolve: known to ODK, not to a kiosk */
#define EXPR_REF_AMBIGUOUS (-4)	/* resolve: several questions have the name */
#define EXPR_REF_SKIPPED (-5)	/* resolve: a row the form loader left out */
/*
 * instance('LIST')/root/item[...]/COL: resolve("#LIST") gives the list
 * number L >= 0, resolve("#LIST/COL") a reference EXPR_ITEM_REF(L, c)
 * (c: 0 name, 1 label, 2 + k extra column k) whose value is that column
 * of the item the evaluator has selected with list_select().
 */
#define EXPR_REF_ITEM	0x20000000
#define EXPR_ITEM_REF(l, c)	(EXPR_REF_ITEM + (l) * 1024 + (c))

struct expr;

/*
 * Resolve ${name} to a reference number >= 0, or -1 if there is no such
 * question (a compile error), or EXPR_REF_UNSUPPORTED for a reference ODK
 * knows and a kiosk does not (${last-saved#x}), EXPR_REF_AMBIGUOUS when
 * several questions (in different groups) have the name, EXPR_REF_SKIPPED
 * for a row already reported as an error (the message then says so). A bare name (XPath "name", as choice_filter
 * uses for the columns of the choices sheet) is offered as "/name"; -1
 * makes it a "paths are not supported" error. A path (../x, ./x,
 * current()/../x, /data/g/x) is offered as "%PATH" (without current()/),
 * to be resolved from the question the expression belongs to; -1 makes
 * it its last name, as ${x}.
 */
typedef int (*expr_resolve_fn)(void *arg, const char *name);

struct expr_env {
	void	*arg;
	/*
	 * The value of reference ref: the node at position k (0-based) of its
	 * node set. Most references are one node; a reference from outside a
	 * repeat to a question inside it is one node per instance. Return ""
	 * for no value; the string must stay valid during the evaluation.
	 */
	const char	*(*value)(void *arg, int ref, size_t k);
	size_t		 (*count)(void *arg, int ref);
	/* Label of choice name in the list of ref's question, or NULL. */
	const char	*(*choice_label)(void *arg, int ref, const char *name);
	time_t		 now;	/* 0: time(NULL) */
	/*
	 * Optional (NULL: not available). position(..): the repeat instance
	 * (1-based) of the question being evaluated, 0 outside a repeat.
	 * value_at: instance k (0-based) of ref whatever the context
	 * (indexed-repeat). list_size/list_select: the items of a list for
	 * instance(); list_select(arg, l, k) makes item k current, k = -1
	 * none. version: the form's version, for version().
	 */
	size_t		 (*position)(void *arg);
	const char	*(*value_at)(void *arg, int ref, size_t k);
	size_t		 (*list_size)(void *arg, int list);
	void		 (*list_select)(void *arg, int list, long k);
	const char	*version;
	/*
	 * Optional. indexed-repeat(ref, g1, i1, g2, i2, ...): ref in
	 * instance idx[j] (1-based) of each group or repeat groups[j] that
	 * encloses it; "" if one does not enclose it or has no such instance.
	 * Without it, value_at serves the first pair.
	 */
	const char	*(*value_in)(void *arg, int ref, const int *groups,
			    const size_t *idx, size_t n);
};

/*
 * Compile. On error returns NULL and *cause is "position N: ..." (N the
 * 1-based character in src). An unsupported construct (paths, instance(),
 * unknown functions) gives a message containing "not supported".
 */
struct expr	*expr_compile(const char *src, expr_resolve_fn, void *arg,
		    char **cause);
void		 expr_free(struct expr *);

/* The references (resolved numbers, without duplicates) it reads. */
size_t		 expr_refs(const struct expr *, const int **);
/* Does it use "." (the current answer)? */
int		 expr_uses_self(const struct expr *);

/*
 * Check each indexed-repeat() of e: encloses(arg, group, ref) says
 * whether group (a repeat or group) is around question ref, as ODK
 * requires of every pair. 0, or -1 with *cause (allocated) naming them.
 */
int		 expr_check_indexed(const struct expr *,
		    int (*encloses)(void *arg, int group, int ref), void *arg,
		    char **cause);

/* Evaluate to a string; allocated, free it with freezero_str(). */
char		*expr_eval_string(const struct expr *, const struct expr_env *);
/* Evaluate to a boolean (XPath boolean() of the result). */
int		 expr_eval_bool(const struct expr *, const struct expr_env *);

/* indexed-repeat() takes at most this many (group, index) pairs (ODK). */
#define EXPR_INDEXED_MAX	5

/* Helpers shared with form-state.c. */
int		 expr_parse_date(const char *, int *y, int *m, int *d);
int		 expr_parse_number(const char *, double *);

#endif
