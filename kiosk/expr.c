/*
 * expr: compile and evaluate the XPath subset of XLSForm (see expr.h).
 *
 * Grammar (XPath 1.0 precedence, lowest first):
 *   or    := and ("or" and)*
 *   and   := eq ("and" eq)*
 *   eq    := rel (("=" | "!=") rel)*
 *   rel   := add (("<" | "<=" | ">" | ">=") add)*
 *   add   := mul (("+" | "-") mul)*
 *   mul   := unary (("*" | "div" | "mod") unary)*
 *   unary := "-" unary | primary
 *   primary := NUMBER | STRING | ${name} | path | "." | "(" or ")" | call
 *   call  := NAME "(" args ")": one row of funcs[] (name, arity, evaluator,
 *            load-time check), as tmux keeps its commands in a table
 * Paths ../x, ./x, /data/x and current()/../x name a question (resolved by
 * the caller from where the expression is); ".." only in position(..);
 * other paths (//x, @x, [pred]) are refused as "not supported".
 *
 * Every node records the depth of its subtree and the parser refuses a
 * tree deeper than EXPR_MAX_DEPTH, so the recursive evaluator and free are
 * bounded. Must never keep a copy of a value after an evaluation returns:
 * strings made during evaluation are wiped before they are freed.
 */
#include <sys/random.h>

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "digest.h"
#include "expr.h"
#include "util.h"

enum node_type {
	N_NUM, N_STR, N_REF, N_SELF, N_OR, N_AND, N_EQ, N_NE, N_LT, N_LE,
	N_GT, N_GE, N_ADD, N_SUB, N_MUL, N_DIV, N_MOD, N_NEG, N_CALL,
	N_PARENT,	/* "..": only as the argument of position() */
	N_INSTANCE	/* instance('list')/root/item[pred]/col */
};

enum func_id {
	F_IF, F_COALESCE, F_SELECTED, F_COUNT_SELECTED, F_SELECTED_AT,
	F_CHOICE_NAME, F_STRING_LENGTH, F_REGEX, F_CONCAT, F_CONTAINS,
	F_STARTS_WITH, F_ENDS_WITH, F_SUBSTR, F_NORMALIZE_SPACE, F_NUMBER,
	F_INT, F_ROUND, F_TODAY, F_NOW, F_DATE, F_FORMAT_DATE,
	F_DECIMAL_DATE_TIME, F_COUNT, F_SUM, F_NOT, F_TRUE, F_FALSE, F_BOOLEAN,
	F_STRING, F_FLOOR, F_CEILING, F_ABS, F_POW, F_MIN, F_MAX,
	F_SUBSTRING_BEFORE, F_SUBSTRING_AFTER, F_TRANSLATE, F_ONCE,
	F_BOOLEAN_FROM_STRING, F_JOIN, F_POSITION, F_INDEXED_REPEAT,
	F_COUNT_NON_EMPTY, F_RANDOM, F_CURRENT, F_DATE_TIME,
	F_FORMAT_DATE_TIME, F_UUID, F_VERSION, F_SQRT, F_EXP, F_EXP10, F_LOG,
	F_LOG10, F_PI, F_SIN, F_COS, F_TAN, F_ASIN, F_ACOS, F_ATAN, F_ATAN2,
	F_CHECKLIST, F_WEIGHTED_CHECKLIST, F_BASE64_DECODE, F_DIGEST,
	F_INSTANCE
};

struct node;
struct parser;
struct val;
struct expr_env;

/*
 * An XPath function: one row of the table funcs[] (at the end of this
 * file, after the evaluators it names). Adding a function is adding its
 * evaluator and one row.
 */
struct func {
	const char	*name;
	enum func_id	 f;
	int		 min, max;	/* arguments; max -1: any */
	/* NULL for current() and instance(), which the parser makes paths. */
	struct val	(*eval)(const struct node *, const struct expr_env *);
	/* When the form loads: -1 (with the parser's error set) to refuse. */
	int		(*check)(struct parser *, struct node *, size_t pos);
	double		(*math)(double);	/* for fn_math1 */
	int		 boolean;	/* always true or false */
};

static const struct func *func_find(const char *);

struct node {
	enum node_type	 type;
	int		 depth;
	double		 num;
	char		*str;
	int		 ref;
	enum func_id	 f;
	const struct func *fn;	/* N_CALL */
	struct node	**args;
	size_t		 nargs;
	regex_t		*re;	/* regex() with a literal pattern */
};

struct expr {
	struct node	*root;
	int		*refs;
	size_t		 nrefs;
	int		 self;
};

/* ---- parser ---- */

enum tok {
	T_END, T_NUM, T_STR, T_REF, T_NAME, T_DOT, T_LP, T_RP, T_COMMA,
	T_PLUS, T_MINUS, T_STAR, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_OR,
	T_AND, T_DIV, T_MOD, T_OTHER,
	T_PATH,		/* ../x, ./x, /data/x: the question x (text) */
	T_PARENT	/* .. */
};

struct parser {
	const char	*src;
	size_t		 pos;		/* of the current token */
	size_t		 next;		/* after it */
	enum tok	 tok;
	char		*text;		/* T_NUM, T_STR, T_REF, T_NAME */
	int		 prev_operand;	/* the previous token ends an operand */
	int		 depth;
	char		*error;
	expr_resolve_fn	 resolve;
	void		*arg;
	struct expr	*e;
	const char	*inst_list;	/* in instance('x')/root/item[...] */
};

static int
name_char(int c, int first)
{
	if (isalpha(c) || c == '_' || (c & 0x80))
		return 1;
	if (first)
		return 0;
	return isdigit(c) || c == '-' || c == '.' || c == ':';
}

static void
perror_at(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
perror_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (p->error != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	xasprintf(&p->error, "position %zu: %s", pos + 1, m);
	free(m);
}

/*
 * A path from s[i]: segments "..", "." or a name, separated by '/', with
 * an optional leading '/' ("../x", "./x", "/data/x", ".."). Returns the
 * end, and the last segment in *last (*lastlen bytes). -1 if it is not a
 * path a kiosk reads ("//", "*", "@", an empty segment).
 */
static long
scan_path(const char *s, size_t i, const char **last, size_t *lastlen)
{
	size_t j = i, k;

	*last = NULL;
	*lastlen = 0;
	if (s[j] == '/')
		j++;
	for (;;) {
		if (s[j] == '.' && s[j + 1] == '.') {
			*last = s + j;
			*lastlen = 2;
			j += 2;
		} else if (s[j] == '.' && !name_char((unsigned char)s[j + 1],
		    0)) {
			*last = s + j;
			*lastlen = 1;
			j += 1;
		} else if (name_char((unsigned char)s[j], 1)) {
			k = j;
			while (name_char((unsigned char)s[j], 0))
				j++;
			*last = s + k;
			*lastlen = j - k;
		} else
			return -1;
		if (s[j] != '/')
			return (long)j;
		j++;
	}
}

/* Does a token of kind t end an operand (so "*" after it multiplies)? */
static int
ends_operand(enum tok t)
{
	return t == T_NUM || t == T_STR || t == T_REF || t == T_DOT ||
	    t == T_RP || t == T_NAME || t == T_PATH || t == T_PARENT;
}

/* A number at s[i]: digits, then an optional '.' and more digits. */
static void
lex_number(struct parser *p, size_t i)
{
	const char *s = p->src;
	size_t j = i;

	while (isdigit((unsigned char)s[j]))
		j++;
	if (s[j] == '.') {
		j++;
		while (isdigit((unsigned char)s[j]))
			j++;
	}
	p->tok = T_NUM;
	p->text = xstrndup(s + i, j - i);
	p->next = j;
}

/*
 * A token of kind t from s[i]: open characters ("'" or "${"), then its
 * text up to the close character. unclosed: the error if there is none.
 */
static void
lex_quoted(struct parser *p, size_t i, size_t open, char close, enum tok t,
    const char *unclosed)
{
	const char *s = p->src;
	size_t j = i + open;

	while (s[j] != '\0' && s[j] != close)
		j++;
	if (s[j] != close) {
		perror_at(p, i, "%s", unclosed);
		p->tok = T_END;
		p->next = j;
		return;
	}
	p->tok = t;
	p->text = xstrndup(s + i + open, j - i - open);
	p->next = j + 1;
}

/* A name at s[i]; after an operand, "and", "or", "div", "mod" operate. */
static void
lex_name(struct parser *p, size_t i)
{
	static const struct {
		const char	*name;
		enum tok	 t;
	} ops[] = {
		{ "and", T_AND }, { "or", T_OR }, { "div", T_DIV },
		{ "mod", T_MOD },
	};
	const char *s = p->src;
	size_t j = i, k;

	while (name_char((unsigned char)s[j], 0))
		j++;
	p->next = j;
	p->text = xstrndup(s + i, j - i);
	p->tok = T_NAME;
	for (k = 0; p->prev_operand && k < nitems(ops); k++) {
		if (strcmp(p->text, ops[k].name) == 0)
			p->tok = ops[k].t;
	}
}

/* A path at s[i] (see scan_path): 1 if there is one, else 0. */
static int
lex_path(struct parser *p, size_t i)
{
	const char *last;
	size_t lastlen;
	long end = scan_path(p->src, i, &last, &lastlen);

	if (end <= 0)
		return 0;
	p->next = (size_t)end;
	if (lastlen == 2 && last[0] == '.')
		p->tok = T_PARENT;
	else if (lastlen == 1 && last[0] == '.')
		p->tok = T_DOT;
	else {
		p->tok = T_PATH;
		p->text = xstrndup(p->src + i, (size_t)end - i);
	}
	return 1;
}

/* An operator or punctuation at s[i]; T_OTHER for anything else. */
static void
lex_operator(struct parser *p, size_t i)
{
	static const struct {
		const char	*s;
		enum tok	 t;
	} ops[] = {	/* two-character operators first */
		{ "!=", T_NE }, { "<=", T_LE }, { ">=", T_GE },
		{ "(", T_LP }, { ")", T_RP }, { ",", T_COMMA },
		{ "+", T_PLUS }, { "-", T_MINUS }, { "=", T_EQ },
		{ "<", T_LT }, { ">", T_GT },
	};
	const char *s = p->src + i;
	size_t k, len;

	for (k = 0; k < nitems(ops); k++) {
		len = strlen(ops[k].s);
		if (strncmp(s, ops[k].s, len) == 0) {
			p->tok = ops[k].t;
			p->next = i + len;
			return;
		}
	}
	p->next = i + 1;
	if (*s == '*' && p->prev_operand)
		p->tok = T_STAR;
	else if (*s == '.' && s[1] != '.')
		p->tok = T_DOT;
	else
		p->tok = T_OTHER;
}

/* Read the next token (p->tok, p->text) from p->next. */
static void
lex(struct parser *p)
{
	const char *s = p->src;
	size_t i = p->next;
	int c;

	free(p->text);
	p->text = NULL;
	if (p->tok != T_END || p->pos != 0 || p->next != 0)
		p->prev_operand = ends_operand(p->tok);
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	p->pos = i;
	c = (unsigned char)s[i];
	if (c == '\0') {
		p->tok = T_END;
		p->next = i;
	} else if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[i + 1])))
		lex_number(p, i);
	else if (c == '\'' || c == '"')
		lex_quoted(p, i, 1, (char)c, T_STR, "a string is not closed");
	else if (c == '$' && s[i + 1] == '{')
		lex_quoted(p, i, 2, '}', T_REF, "${ is not closed");
	else if (name_char(c, 1))
		lex_name(p, i);
	else if (!(((c == '.' && (s[i + 1] == '.' || s[i + 1] == '/')) ||
	    (c == '/' && !p->prev_operand)) && lex_path(p, i)))
		lex_operator(p, i);
}

static void
node_free(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nargs; i++)
		node_free(n->args[i]);
	free(n->args);
	free(n->str);
	if (n->re != NULL) {
		regfree(n->re);
		free(n->re);
	}
	free(n);
}

static struct node *
node_new(enum node_type t)
{
	struct node *n = xcalloc(1, sizeof *n);

	n->type = t;
	n->depth = 1;
	return n;
}

static void
node_add(struct node *n, struct node *child)
{
	n->args = xreallocarray(n->args, n->nargs + 1, sizeof *n->args);
	n->args[n->nargs++] = child;
	if (child->depth + 1 > n->depth)
		n->depth = child->depth + 1;
}

static int
too_deep(struct parser *p, struct node *n, size_t pos)
{
	if (n->depth > EXPR_MAX_DEPTH) {
		perror_at(p, pos, "the expression is nested too deeply");
		return 1;
	}
	return 0;
}

static void
add_ref(struct parser *p, int ref)
{
	size_t i;

	for (i = 0; i < p->e->nrefs; i++) {
		if (p->e->refs[i] == ref)
			return;
	}
	p->e->refs = xreallocarray(p->e->refs, p->e->nrefs + 1, sizeof (int));
	p->e->refs[p->e->nrefs++] = ref;
}

static struct node *parse_or(struct parser *);

static struct node *
make_ref(struct parser *p, const char *name, size_t pos)
{
	struct node *n;
	int ref;
	const char *c;

	if (*name == '\0') {
		perror_at(p, pos, "an empty reference ${}");
		return NULL;
	}
	ref = p->resolve != NULL ? p->resolve(p->arg, name) : 0;
	if (ref == EXPR_REF_UNSUPPORTED) {
		perror_at(p, pos, "${%s} is not supported at a kiosk", name);
		return NULL;
	}
	if (ref == EXPR_REF_AMBIGUOUS) {
		perror_at(p, pos, "${%s} is ambiguous: there are several "
		    "questions named \"%s\" (in different groups)", name, name);
		return NULL;
	}
	if (ref == EXPR_REF_SKIPPED) {
		perror_at(p, pos, "${%s} is a row that has an error of its own",
		    name);
		return NULL;
	}
	if (ref < 0) {
		for (c = name; *c != '\0'; c++) {
			if (!name_char((unsigned char)*c, c == name)) {
				perror_at(p, pos, "\"${%s}\" is not a valid "
				    "reference", name);
				return NULL;
			}
		}
		perror_at(p, pos, "there is no question named \"%s\"", name);
		return NULL;
	}
	n = node_new(N_REF);
	n->ref = ref;
	n->str = xstrdup(name);
	add_ref(p, ref);
	return n;
}

/*
 * A path (../x, ./x, ../../g/x, /data/g/x) to a question. The caller
 * resolves it from where the expression is used, offered as "%PATH";
 * a caller that cannot (-1) gets its last name, as ${name}.
 */
static struct node *
make_path_ref(struct parser *p, const char *path, size_t pos)
{
	struct node *n;
	const char *last;
	char *key;
	int ref;

	if (p->resolve != NULL) {
		xasprintf(&key, "%%%s", path);
		ref = p->resolve(p->arg, key);
		free(key);
		if (ref >= 0) {
			n = node_new(N_REF);
			n->ref = ref;
			n->str = xstrdup(path);
			add_ref(p, ref);
			return n;
		}
	}
	last = strrchr(path, '/');
	return make_ref(p, last != NULL ? last + 1 : path, pos);
}

/*
 * The escape \e of a Java pattern as POSIX, inside brackets (inbr) or
 * not: \d \s \w and their negations become classes. -1 (and *why, if
 * why is not NULL) for an escape POSIX cannot express.
 */
static int
regex_escape(struct buf *o, char e, int inbr, const char **why)
{
	const char *cls = NULL, *neg = NULL, *bad = NULL;

	switch (e) {
	case 'd': cls = "0-9"; break;
	case 's': cls = "[:space:]"; break;
	case 'w': cls = "[:alnum:]_"; break;
	case 'D': neg = "0-9"; break;
	case 'S': neg = "[:space:]"; break;
	case 'W': neg = "[:alnum:]_"; break;
	case 'b': case 'B': case 'A': case 'z': case 'Z':
	case 'G': case 'p': case 'P': case 'u': case 'x':
	case 'Q': case 'E': case 'k':
		bad = "a \\ escape such as \\b, \\p, \\u or \\Q";
		break;
	case 't': buf_addc(o, '\t'); return 0;
	case 'n': buf_addc(o, '\n'); return 0;
	default:
		/* \. \+ \( ... : an escaped character. */
		if (!inbr)
			buf_addc(o, '\\');
		buf_addc(o, e);
		return 0;
	}
	if (bad == NULL && inbr && neg != NULL)
		bad = "\\D, \\S or \\W inside [ ]";
	if (bad != NULL) {
		if (why != NULL)
			*why = bad;
		return -1;
	}
	if (inbr)
		buf_adds(o, cls);
	else
		buf_addf(o, "[%s%s]", neg != NULL ? "^" : "",
		    neg != NULL ? neg : cls);
	return 0;
}

/* The code point of the UTF-8 sequence at p (n bytes, from utf8_seq_len). */
static unsigned long
regex_cp(const unsigned char *p, size_t n)
{
	unsigned long c;
	size_t i;

	if (n == 1)
		return p[0];
	c = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3f);
	return c;
}

static void
regex_put_cp(struct buf *o, unsigned long c)
{
	if (c < 0x80)
		buf_addc(o, (char)c);
	else if (c < 0x800) {
		buf_addc(o, (char)(0xc0 | c >> 6));
		buf_addc(o, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addc(o, (char)(0xe0 | c >> 12));
		buf_addc(o, (char)(0x80 | (c >> 6 & 0x3f)));
		buf_addc(o, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_addc(o, (char)(0xf0 | c >> 18));
		buf_addc(o, (char)(0x80 | (c >> 12 & 0x3f)));
		buf_addc(o, (char)(0x80 | (c >> 6 & 0x3f)));
		buf_addc(o, (char)(0x80 | (c & 0x3f)));
	}
}

#define REGEX_RANGE_MAX	4096	/* characters a range may expand to */

/*
 * A range inside brackets at p ("X-Y") with an end that is not ASCII, as
 * Java reads it (code points X to Y), written out as its members: glibc
 * reads such a range by the locale's collation, refuses it in C.UTF-8
 * (Debian's default shell locale) and takes it in en_US.UTF-8, so the
 * same form would load or not by who checks it. Returns the bytes of p
 * used, 0 if p is no such range, -1 (with *why) if it cannot be.
 */
static long
regex_range(struct buf *o, const char *p, const char **why)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n1, n2;
	unsigned long a, b, c;

	if (*p == ']' || *p == '\\' || *p == '[' || *p == '-' ||
	    (n1 = utf8_seq_len(u)) == 0 || p[n1] != '-')
		return 0;
	u += n1 + 1;
	if (*u == ']' || *u == '\\' || *u == '[' || *u == '\0' ||
	    (n2 = utf8_seq_len(u)) == 0 || (n1 == 1 && n2 == 1))
		return 0;
	a = regex_cp((const unsigned char *)p, n1);
	b = regex_cp(u, n2);
	if (b < a)		/* not valid, as in Java */
		return -1;
	if (b - a >= REGEX_RANGE_MAX) {
		if (why != NULL)
			*why = "a range of more than 4096 characters";
		return -1;
	}
	/*
	 * Every member, its ASCII part too: en_US.UTF-8 reads even an ASCII
	 * range by collation ("_-~" has no "a"). A member that means
	 * something inside brackets is a collating symbol.
	 */
	for (c = a; c <= b; c++) {
		if (c == ']' || c == '-' || c == '^' || c == '[')
			buf_addf(o, "[.%c.]", (int)c);
		else
			regex_put_cp(o, c);
	}
	return (long)(n1 + 1 + n2);
}

/*
 * Compile an ODK (Java) regular expression as a POSIX extended one: the
 * classes \d \D \s \S \w \W become bracket expressions (glibc would
 * otherwise read \d as a plain "d" and a phone-number constraint would
 * silently accept letters), and (?: is a plain group. Constructs POSIX
 * cannot express (\b, lookaround, lazy or possessive quantifiers, flags,
 * a negated class inside brackets) are refused, with *why set. A range
 * with an end that is not ASCII is written out (regex_range).
 */
static int
regex_compile(regex_t *re, const char *src, const char **why)
{
	struct buf o = { 0 };
	const char *p;
	int inbr = 0, rc;
	long n;

	if (why != NULL)
		*why = NULL;
	for (p = src; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (regex_escape(&o, p[1], inbr, why) != 0) {
				buf_free(&o);
				return -1;
			}
			p++;
			continue;
		}
		if (!inbr && *p == '(' && p[1] == '?') {
			if (p[2] == ':') {
				buf_addc(&o, '(');
				p += 2;
				continue;
			}
			if (why != NULL)
				*why = "(?...) lookaround or flags";
			buf_free(&o);
			return -1;
		}
		if (!inbr && (*p == '*' || *p == '+' || *p == '?' ||
		    *p == '}') && (p[1] == '?' || p[1] == '+')) {
			if (why != NULL)
				*why = "a lazy or possessive quantifier";
			buf_free(&o);
			return -1;
		}
		if (!inbr && *p == '[') {
			inbr = 1;
			buf_addc(&o, *p);
			/* "[]" and "[^]": the ] is a member. */
			if (p[1] == '^') {
				buf_addc(&o, *++p);
			}
			if (p[1] == ']')
				buf_addc(&o, *++p);
			continue;
		}
		if (inbr && *p == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			if (e != NULL) {
				buf_add(&o, p, (size_t)(e + 2 - p));
				p = e + 1;
				continue;
			}
		}
		if (inbr && (n = regex_range(&o, p, why)) != 0) {
			if (n < 0) {
				buf_free(&o);
				return -1;
			}
			p += n - 1;
			continue;
		}
		if (inbr && *p == ']')
			inbr = 0;
		buf_addc(&o, *p);
	}
	rc = regcomp(re, o.data != NULL ? (char *)o.data : "",
	    REG_EXTENDED | REG_NOSUB) == 0 ? 0 : -1;
	buf_free(&o);
	return rc;
}

/* Is the node's value always true or false (XPath boolean)? */
static int
is_boolean(const struct node *n)
{
	switch (n->type) {
	case N_OR: case N_AND: case N_EQ: case N_NE: case N_LT: case N_LE:
	case N_GT: case N_GE:
		return 1;
	case N_CALL:
		return n->fn->boolean;
	default:
		return 0;
	}
}

/* current() alone is ".", current()/.. "..", current()/../x a question. */
static struct node *
path_after_current(struct parser *p, size_t pos)
{
	const char *s = p->src, *last;
	size_t j = p->next, lastlen;
	struct node *n;
	char *key;
	long end;

	if (s[j] != '/') {
		n = node_new(N_SELF);
		p->e->self = 1;
		lex(p);
		return n;
	}
	if ((end = scan_path(s, j, &last, &lastlen)) < 0) {
		perror_at(p, j, "this path is not supported at a kiosk, use "
		    "${name}");
		return NULL;
	}
	p->next = (size_t)end;
	if (lastlen == 2 && last[0] == '.')
		n = node_new(N_PARENT);
	else if (lastlen == 1 && last[0] == '.') {
		n = node_new(N_SELF);
		p->e->self = 1;
	} else {
		/* current()/../x: ../x from the question. */
		key = xstrndup(s + j + 1, (size_t)end - j - 1);
		n = make_path_ref(p, key, pos);
		free(key);
	}
	lex(p);
	return n;
}

/* The [predicate] at s[*j] after instance('list')/root/item, if any. */
static int
instance_predicate(struct parser *p, const char *list, size_t *j,
    struct node **pred)
{
	*pred = NULL;
	if (p->src[*j] != '[')
		return 0;
	p->next = *j + 1;
	p->inst_list = list;
	lex(p);
	*pred = parse_or(p);
	p->inst_list = NULL;
	if (*pred == NULL)
		return -1;
	if (p->tok != T_OTHER || p->src[p->pos] != ']') {
		perror_at(p, p->pos, "expected ']'");
		node_free(*pred);
		*pred = NULL;
		return -1;
	}
	*j = p->pos + 1;
	return 0;
}

/* The /column at s[*j] after instance(...)/root/item[...]; -1 if none. */
static int
instance_column(struct parser *p, const char *list, size_t *j, int *col)
{
	const char *s = p->src;
	size_t lpos;
	char *name, *key;

	*col = -1;
	if (s[*j] != '/')
		return 0;
	lpos = ++*j;
	while (name_char((unsigned char)s[*j], *j == lpos))
		++*j;
	name = xstrndup(s + lpos, *j - lpos);
	xasprintf(&key, "#%s/%s", list, name);
	*col = p->resolve(p->arg, key);
	free(key);
	if (*col < 0)
		perror_at(p, lpos, "the choice list \"%s\" has no column "
		    "\"%s\"", list, name);
	free(name);
	return *col < 0 ? -1 : 0;
}

/*
 * instance('x')/root/item, with an optional [predicate] (bare names are
 * columns of list x) and an optional /column: an N_INSTANCE.
 */
static struct node *
path_after_instance(struct parser *p, struct node *call, size_t pos)
{
	const char *s = p->src;
	size_t j = p->next;
	struct node *n, *pred;
	char *key, *list;
	int l, col;

	if (call->nargs != 1 || call->args[0]->type != N_STR) {
		perror_at(p, pos, "instance() takes the name of a choice list "
		    "in quotes");
		return NULL;
	}
	list = call->args[0]->str;
	if (strncmp(s + j, "/root/item", 10) != 0) {
		perror_at(p, j, "instance('%s') is supported as instance('%s')"
		    "/root/item[...]/column", list, list);
		return NULL;
	}
	xasprintf(&key, "#%s", list);
	l = p->resolve != NULL ? p->resolve(p->arg, key) : -1;
	free(key);
	if (l < 0) {
		perror_at(p, pos, "there is no choice list named \"%s\" (in "
		    "instance('%s'))", list, list);
		return NULL;
	}
	j += 10;
	if (instance_predicate(p, list, &j, &pred) != 0)
		return NULL;
	if (instance_column(p, list, &j, &col) != 0) {
		node_free(pred);
		return NULL;
	}
	n = node_new(N_INSTANCE);
	n->ref = l;
	n->num = col;
	n->str = xstrdup(list);
	if (pred != NULL)
		node_add(n, pred);
	p->next = j;
	lex(p);
	if (too_deep(p, n, pos)) {
		node_free(n);
		return NULL;
	}
	return n;
}

/*
 * After "current()" or "instance('x')" (the current token is its ")"):
 * read the path that follows, and move on to the next token.
 */
static struct node *
path_after_call(struct parser *p, struct node *call, size_t pos)
{
	if (call->f == F_CURRENT)
		return path_after_current(p, pos);
	return path_after_instance(p, call, pos);
}

/* ---- compile-time checks of a function's arguments (struct func) ---- */

/* date(true()) is an error (JavaRosa), not a date. */
static int
check_date(struct parser *p, struct node *n, size_t pos)
{
	if (!is_boolean(n->args[0]))
		return 0;
	perror_at(p, pos, "date() takes a date or a number, not true or "
	    "false");
	return -1;
}

/* digest(data, algorithm[, encoding]): a literal must be known. */
static int
check_digest(struct parser *p, struct node *n, size_t pos)
{
	unsigned char d[DIGEST_MAX];

	if (n->args[1]->type == N_STR && digest(n->args[1]->str, "", 0, d) ==
	    0) {
		perror_at(p, pos, "digest() knows MD5, SHA-1, SHA-256, SHA-384 "
		    "and SHA-512, not \"%s\"", n->args[1]->str);
		return -1;
	}
	if (n->nargs > 2 && n->args[2]->type == N_STR &&
	    strcasecmp(n->args[2]->str, "hex") != 0 &&
	    strcasecmp(n->args[2]->str, "base64") != 0) {
		perror_at(p, pos, "digest() encodes as 'base64' or 'hex', not "
		    "\"%s\"", n->args[2]->str);
		return -1;
	}
	return 0;
}

static int
check_position(struct parser *p, struct node *n, size_t pos)
{
	if (n->args[0]->type == N_PARENT)
		return 0;
	perror_at(p, pos, "position() is supported as position(..): the "
	    "number of the repeat instance");
	return -1;
}

/* indexed-repeat(${name}, ${group}, i[, ${group2}, i2...]) */
static int
check_indexed_repeat(struct parser *p, struct node *n, size_t pos)
{
	size_t i;

	if (n->nargs % 2 == 0 || n->args[0]->type != N_REF)
		goto bad;
	for (i = 1; i < n->nargs; i += 2)
		if (n->args[i]->type != N_REF)
			goto bad;
	return 0;
bad:
	perror_at(p, pos, "indexed-repeat() needs a question, then pairs of "
	    "a repeat or group around it and a number: indexed-repeat(${name}, "
	    "${repeat}, number[, ${repeat2}, number2...])");
	return -1;
}

/* count(), sum(), count-non-empty(): a question (count(): or instance()). */
static int
check_nodeset(struct parser *p, struct node *n, size_t pos)
{
	if (n->f == F_COUNT && n->args[0]->type == N_INSTANCE)
		return 0;
	if (n->args[0]->type == N_REF)
		return 0;
	perror_at(p, pos, "%s() needs a question ${name}", n->fn->name);
	return -1;
}

/* regex(value, 'pattern'): a literal pattern is compiled once, here. */
static int
check_regex(struct parser *p, struct node *n, size_t pos)
{
	const char *why = NULL;

	if (n->args[1]->type != N_STR)
		return 0;
	n->re = xmalloc(sizeof *n->re);
	if (regex_compile(n->re, n->args[1]->str, &why) == 0)
		return 0;
	free(n->re);
	n->re = NULL;
	if (why != NULL)
		perror_at(p, pos, "the regular expression \"%s\" uses %s, "
		    "which is not supported at a kiosk", n->args[1]->str, why);
	else
		perror_at(p, pos, "the regular expression \"%s\" is not valid",
		    n->args[1]->str);
	return -1;
}

/* jr:choice-name(value, '${name}' or '/data/name'): a reference. Frees a. */
static struct node *
choice_name_arg(struct parser *p, struct node *a, size_t apos)
{
	const char *sl;
	char *ref;

	if (a->type == N_STR && a->str[0] == '/' &&
	    (sl = strrchr(a->str, '/'))[1] != '\0')
		ref = xstrdup(sl + 1);
	else if (a->type != N_STR || strncmp(a->str, "${", 2) != 0 ||
	    a->str[strlen(a->str) - 1] != '}') {
		perror_at(p, apos, "jr:choice-name() needs a question as "
		    "'${name}'");
		node_free(a);
		return NULL;
	} else
		ref = xstrndup(a->str + 2, strlen(a->str) - 3);
	node_free(a);
	a = make_ref(p, ref, apos);
	free(ref);
	return a;
}

/* The arguments of call n, up to (not past) its ")". */
static int
parse_args(struct parser *p, struct node *n)
{
	struct node *a;
	size_t apos;

	if (p->tok == T_RP)
		return 0;
	for (;;) {
		apos = p->pos;
		if ((a = parse_or(p)) == NULL)
			return -1;
		/* jr:choice-name's second argument names a question. */
		if (n->f == F_CHOICE_NAME && n->nargs == 1 &&
		    (a = choice_name_arg(p, a, apos)) == NULL)
			return -1;
		if (a->type == N_PARENT && n->f != F_POSITION) {
			perror_at(p, apos, "\"..\" is only supported in "
			    "position(..)");
			node_free(a);
			return -1;
		}
		node_add(n, a);
		if (p->tok != T_COMMA)
			return 0;
		lex(p);
	}
}

static int
check_arity(struct parser *p, const struct node *n, size_t pos)
{
	const struct func *fn = n->fn;

	if ((int)n->nargs >= fn->min && (fn->max < 0 ||
	    (int)n->nargs <= fn->max))
		return 0;
	if (fn->min == fn->max)
		perror_at(p, pos, "%s() takes %d argument%s, not %zu",
		    fn->name, fn->min, fn->min == 1 ? "" : "s", n->nargs);
	else
		perror_at(p, pos, "%s() cannot take %zu arguments", fn->name,
		    n->nargs);
	return -1;
}

/* NAME "(" args ")": the current token is the "(". */
static struct node *
parse_call(struct parser *p, char *name, size_t pos)
{
	const struct func *fn;
	struct node *n, *m;

	if ((fn = func_find(name)) == NULL) {
		perror_at(p, pos, "the function %s() is not supported at a "
		    "kiosk", name);
		return NULL;
	}
	n = node_new(N_CALL);
	n->f = fn->f;
	n->fn = fn;
	lex(p);			/* past "(" */
	if (parse_args(p, n) != 0)
		goto fail;
	if (p->tok != T_RP && p->tok != T_END &&
	    strchr("/[@", p->src[p->pos]) != NULL) {
		perror_at(p, p->pos, "paths are not supported at a kiosk, use "
		    "${name}");
		goto fail;
	}
	if (p->tok != T_RP) {
		perror_at(p, p->pos, "expected ')' or ',' in the arguments of "
		    "%s()", name);
		goto fail;
	}
	if (n->f == F_CURRENT || n->f == F_INSTANCE) {
		/* current()/../x and instance('x')/root/item[...]/col. */
		m = path_after_call(p, n, pos);
		node_free(n);
		return m;
	}
	lex(p);
	if (check_arity(p, n, pos) != 0 ||
	    (fn->check != NULL && fn->check(p, n, pos) != 0))
		goto fail;
	return n;
fail:
	node_free(n);
	return NULL;
}

/*
 * A bare name the caller knows: a column of the choices in a
 * choice_filter ("/name"), or of instance()'s list in its predicate
 * ("#list/name"). Anything else is a path a kiosk does not read. Frees
 * name.
 */
static struct node *
bare_name(struct parser *p, char *name, size_t pos)
{
	struct node *n;
	char *key;
	int ref;

	if (p->resolve != NULL) {
		if (p->inst_list != NULL)
			xasprintf(&key, "#%s/%s", p->inst_list, name);
		else
			xasprintf(&key, "/%s", name);
		ref = p->resolve(p->arg, key);
		free(key);
		if (ref >= 0) {
			n = node_new(N_REF);
			n->ref = ref;
			n->str = name;
			add_ref(p, ref);
			return n;
		}
	}
	if (p->inst_list != NULL)
		perror_at(p, pos, "the choice list \"%s\" has no column "
		    "\"%s\"", p->inst_list, name);
	else
		perror_at(p, pos, "\"%s\" is a path; paths are not supported "
		    "at a kiosk, use ${name}", name);
	free(name);
	return NULL;
}

/* A name: a function call NAME(...), or a bare name. */
static struct node *
parse_name(struct parser *p, size_t pos)
{
	struct node *n;
	char *name = p->text;

	p->text = NULL;
	lex(p);
	if (p->tok != T_LP)
		return bare_name(p, name, pos);
	n = parse_call(p, name, pos);
	free(name);
	return n;
}

/*
 * ${repeat}[N]/path/name, as pyxform's tests write a default from another
 * instance: the question name in instance N of the repeat, which is
 * indexed-repeat(${name}, ${repeat}, N) (its load-time check then says
 * whether the repeat is around the question). Only a number predicate;
 * [position() = ...] is refused, as other paths are. Frees rep on error.
 */
static struct node *
ref_predicate(struct parser *p, struct node *rep)
{
	struct node *idx = NULL, *q, *n;
	size_t ipos, bpos = p->pos;

	lex(p);			/* past "[" */
	ipos = p->pos;
	/* [position() = N] is [N]. */
	if (p->tok == T_NAME && strcmp(p->text, "position") == 0 &&
	    strncmp(p->src + p->next, "()", 2) == 0) {
		lex(p);
		lex(p);
		lex(p);
		if (p->tok != T_EQ) {
			perror_at(p, ipos, "only [position() = N] or [N] after "
			    "${%s} is supported at a kiosk", rep->str);
			goto fail;
		}
		lex(p);
	}
	if ((idx = parse_or(p)) == NULL)
		goto fail;
	if (is_boolean(idx)) {
		perror_at(p, ipos, "only a number in [ ] after ${%s} is "
		    "supported at a kiosk (paths are not supported, use "
		    "indexed-repeat())", rep->str);
		goto fail;
	}
	if (p->tok != T_OTHER || p->src[p->pos] != ']') {
		perror_at(p, p->pos, "expected ']'");
		goto fail;
	}
	lex(p);
	if (p->tok != T_PATH || p->text[0] != '/') {
		/* ${t}[1] alone is the instance itself: a path. */
		perror_at(p, bpos, "paths are not supported at a kiosk, use "
		    "${name}");
		goto fail;
	}
	if ((q = make_ref(p, strrchr(p->text, '/') + 1, p->pos)) == NULL)
		goto fail;
	lex(p);
	n = node_new(N_CALL);
	n->fn = func_find("indexed-repeat");
	n->f = n->fn->f;
	n->num = 1;		/* an index that is no instance: nothing */
	node_add(n, q);
	node_add(n, rep);
	node_add(n, idx);
	return n;
fail:
	node_free(rep);
	node_free(idx);
	return NULL;
}

static struct node *
parse_primary(struct parser *p)
{
	struct node *n;
	size_t pos = p->pos;

	switch (p->tok) {
	case T_NUM:
		n = node_new(N_NUM);
		n->num = strtod(p->text, NULL);
		lex(p);
		return n;
	case T_STR:
		n = node_new(N_STR);
		n->str = p->text;
		p->text = NULL;
		lex(p);
		return n;
	case T_REF:
		n = make_ref(p, p->text, pos);
		lex(p);
		if (n != NULL && p->tok == T_OTHER && p->src[p->pos] == '[')
			return ref_predicate(p, n);
		return n;
	case T_PATH:
		/* ../x, ./x and /data/x: from where the expression is. */
		n = make_path_ref(p, p->text, pos);
		lex(p);
		return n;
	case T_PARENT:
		n = node_new(N_PARENT);
		lex(p);
		return n;
	case T_DOT:
		n = node_new(N_SELF);
		p->e->self = 1;
		lex(p);
		return n;
	case T_LP:
		lex(p);
		if ((n = parse_or(p)) == NULL)
			return NULL;
		if (p->tok != T_RP) {
			perror_at(p, p->pos, "expected ')'");
			node_free(n);
			return NULL;
		}
		lex(p);
		return n;
	case T_NAME:
		return parse_name(p, pos);
	case T_END:
		perror_at(p, pos, "the expression ends too early");
		return NULL;
	case T_OTHER:
		if (strchr("/@[*", p->src[pos]) != NULL || (p->src[pos] ==
		    '.' && p->src[pos + 1] == '.')) {
			perror_at(p, pos, "paths are not supported at a kiosk, "
			    "use ${name}");
			return NULL;
		}
		/* FALLTHROUGH */
	default:
		perror_at(p, pos, "unexpected \"%.*s\"", (int)(p->next - pos),
		    p->src + pos);
		return NULL;
	}
}

static struct node *
parse_unary(struct parser *p)
{
	struct node *n, *a;
	size_t pos = p->pos;

	if (++p->depth > EXPR_MAX_DEPTH) {
		perror_at(p, pos, "the expression is nested too deeply");
		return NULL;
	}
	if (p->tok == T_MINUS) {
		lex(p);
		if ((a = parse_unary(p)) == NULL)
			return NULL;
		n = node_new(N_NEG);
		node_add(n, a);
	} else if ((n = parse_primary(p)) == NULL)
		return NULL;
	p->depth--;
	if (too_deep(p, n, pos)) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* One level of left-associative binary operators. */
static struct node *
parse_binary(struct parser *p, int level)
{
	static const struct {
		enum tok	t;
		enum node_type	n;
		int		level;
	} ops[] = {
		{ T_OR, N_OR, 0 }, { T_AND, N_AND, 1 },
		{ T_EQ, N_EQ, 2 }, { T_NE, N_NE, 2 },
		{ T_LT, N_LT, 3 }, { T_LE, N_LE, 3 }, { T_GT, N_GT, 3 },
		{ T_GE, N_GE, 3 },
		{ T_PLUS, N_ADD, 4 }, { T_MINUS, N_SUB, 4 },
		{ T_STAR, N_MUL, 5 }, { T_DIV, N_DIV, 5 }, { T_MOD, N_MOD, 5 },
	};
	struct node *l, *r, *n;
	size_t i, pos = p->pos;
	int found;

	if (level > 5)
		return parse_unary(p);
	if ((l = parse_binary(p, level + 1)) == NULL)
		return NULL;
	for (;;) {
		found = -1;
		for (i = 0; i < nitems(ops); i++) {
			if (ops[i].level == level && ops[i].t == p->tok)
				found = (int)i;
		}
		if (found < 0)
			return l;
		lex(p);
		if ((r = parse_binary(p, level + 1)) == NULL) {
			node_free(l);
			return NULL;
		}
		if (l->type == N_PARENT || r->type == N_PARENT) {
			perror_at(p, pos, "\"..\" is only supported in "
			    "position(..)");
			node_free(l);
			node_free(r);
			return NULL;
		}
		n = node_new(ops[found].n);
		node_add(n, l);
		node_add(n, r);
		if (too_deep(p, n, pos)) {
			node_free(n);
			return NULL;
		}
		l = n;
	}
}

static struct node *
parse_or(struct parser *p)
{
	struct node *n;

	if (++p->depth > EXPR_MAX_DEPTH) {
		perror_at(p, p->pos, "the expression is nested too deeply");
		return NULL;
	}
	n = parse_binary(p, 0);
	p->depth--;
	return n;
}

void
expr_free(struct expr *e)
{
	if (e == NULL)
		return;
	node_free(e->root);
	free(e->refs);
	free(e);
}

struct expr *
expr_compile(const char *src, expr_resolve_fn resolve, void *arg,
    char **cause)
{
	struct parser p;
	struct expr *e;

	if (strlen(src) > EXPR_MAX_LEN) {
		xasprintf(cause, "position 1: the expression is longer than %d "
		    "characters", EXPR_MAX_LEN);
		return NULL;
	}
	memset(&p, 0, sizeof p);
	p.src = src;
	p.resolve = resolve;
	p.arg = arg;
	p.e = e = xcalloc(1, sizeof *e);
	lex(&p);
	if (p.tok == T_END && p.error == NULL)
		perror_at(&p, 0, "the expression is empty");
	if (p.error == NULL)
		e->root = parse_or(&p);
	if (p.error == NULL && e->root != NULL && e->root->type == N_PARENT)
		perror_at(&p, 0, "\"..\" is only supported in position(..)");
	if (p.error == NULL && p.tok != T_END && strchr("/[@", src[p.pos]) !=
	    NULL)
		perror_at(&p, p.pos, "paths are not supported at a kiosk, use "
		    "${name}");
	if (p.error == NULL && p.tok != T_END)
		perror_at(&p, p.pos, "unexpected \"%.*s\" after the end of the "
		    "expression", (int)(p.next - p.pos), src + p.pos);
	free(p.text);
	if (p.error != NULL) {
		*cause = p.error;
		expr_free(e);
		return NULL;
	}
	return e;
}

/* expr_check_indexed over the subtree n (its depth is bounded). */
static int
check_indexed(const struct node *n, int (*encloses)(void *, int, int),
    void *arg, char **cause)
{
	size_t i;

	if (n->type == N_CALL && n->f == F_INDEXED_REPEAT) {
		for (i = 1; i < n->nargs; i += 2) {
			if (encloses(arg, n->args[i]->ref, n->args[0]->ref))
				continue;
			xasprintf(cause, "indexed-repeat(): ${%s} is not a "
			    "repeat or group around ${%s}", n->args[i]->str,
			    n->args[0]->str);
			return -1;
		}
	}
	for (i = 0; i < n->nargs; i++)
		if (check_indexed(n->args[i], encloses, arg, cause) != 0)
			return -1;
	return 0;
}

int
expr_check_indexed(const struct expr *e, int (*encloses)(void *, int, int),
    void *arg, char **cause)
{
	return check_indexed(e->root, encloses, arg, cause);
}

size_t
expr_refs(const struct expr *e, const int **refs)
{
	*refs = e->refs;
	return e->nrefs;
}

int
expr_uses_self(const struct expr *e)
{
	return e->self;
}

/* ---- values ---- */

/*
 * V_DATE is date() of a date and time (JavaRosa's Date): as a string and a
 * number it is its date (s, "YYYY-MM-DD" in the kiosk's time zone; number()
 * counts calendar days), while decimal-date-time(), date-time() and
 * format-date() keep its time (n, days since 1970-01-01T00:00Z).
 */
enum vtype { V_NUM, V_STR, V_BOOL, V_DATE };

struct val {
	enum vtype	 t;
	double		 n;
	const char	*s;	/* V_STR, V_DATE */
	char		*own;	/* allocated (then s == own), wiped on free */
	int		 node;	/* came from a reference */
};

static void
val_clear(struct val *v)
{
	freezero_str(v->own);
	v->own = NULL;
	v->s = NULL;
}

static struct val
vnum(double n)
{
	struct val v = { V_NUM, n, NULL, NULL, 0 };
	return v;
}

static struct val
vbool(int b)
{
	struct val v = { V_BOOL, b ? 1 : 0, NULL, NULL, 0 };
	return v;
}

static struct val
vstr_own(char *s)
{
	struct val v = { V_STR, 0, s, s, 0 };
	return v;
}

static struct val
vstr_const(const char *s)
{
	struct val v = { V_STR, 0, s, NULL, 0 };
	return v;
}

static struct val
vdate(double instant, char *date)
{
	struct val v = { V_DATE, instant, date, date, 0 };
	return v;
}

static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int
expr_parse_date(const char *s, int *y, int *m, int *d)
{
	int i, mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (!isdigit((unsigned char)s[i]))
			return -1;
	}
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return -1;
	if (*m == 2 && *d == 29 && !((*y % 4 == 0 && *y % 100 != 0) ||
	    *y % 400 == 0))
		return -1;
	return 0;
}

/* XPath number(): optional blanks, optional '-', digits with one '.'. */
int
expr_parse_number(const char *s, double *out)
{
	const char *p = s;
	int digits = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' || digits == 0)
		return -1;
	*out = strtod(s, NULL);
	return 0;
}

/*
 * Seconds into day `days` of a time "HH:MM:SS[.fff][Z|+hh:mm|-hh:mm]"
 * (already read: hh, mm, ss; z is what follows them), in UTC: with an
 * offset, as it says (ODK's decimal-date-time); without one, in the
 * kiosk's time zone.
 */
static double
datetime_secs(const char *z, int hh, int mm, int ss, double days)
{
	double secs = hh * 3600.0 + mm * 60.0 + ss, frac = 0, scale = 0.1;
	int oh, om;
	time_t guess;
	struct tm tm;

	if (*z == '.') {
		for (z++; isdigit((unsigned char)*z); z++, scale /= 10)
			frac += (*z - '0') * scale;
	}
	secs += frac;
	if (*z == 'Z')
		return secs;
	if ((*z == '+' || *z == '-') && sscanf(z + 1, "%d:%d", &oh, &om) ==
	    2)
		return secs - (*z == '-' ? -1 : 1) * (oh * 3600.0 + om * 60.0);
	guess = (time_t)(days * 86400 + secs);
	localtime_r(&guess, &tm);
	return secs - (double)tm.tm_gmtoff;
}

static double
str_to_num(const char *s)
{
	double n;
	int y, m, d, hh, mm, ss, end;

	if (expr_parse_number(s, &n) == 0)
		return n;
	/* ODK converts dates to days since 1970-01-01. */
	if (strlen(s) >= 10 && expr_parse_date(s, &y, &m, &d) == 0) {
		n = (double)days_from_civil(y, (unsigned)m, (unsigned)d);
		/* In whole milliseconds, as JavaRosa and Web Forms count. */
		if (s[10] == 'T' && sscanf(s + 11, "%d:%d:%d%n", &hh, &mm,
		    &ss, &end) == 3)
			n = (n * 86400000.0 + round(datetime_secs(s + 11 + end,
			    hh, mm, ss, n) * 1000.0)) / 86400000.0;
		else if (s[10] != '\0')
			return NAN;
		return n;
	}
	return NAN;
}

static double
to_num(const struct val *v)
{
	if (v->t == V_STR || v->t == V_DATE)
		return str_to_num(v->s);
	return v->n;
}

static int
to_bool(const struct val *v)
{
	switch (v->t) {
	case V_NUM:
		return v->n != 0 && !isnan(v->n);
	case V_BOOL:
		return v->n != 0;
	case V_DATE:
		return 1;
	default:
		return v->s[0] != '\0';
	}
}

static char *
num_to_str(double n)
{
	char *s;
	size_t len;

	if (isnan(n))
		return xstrdup("NaN");
	if (isinf(n))
		return xstrdup(n > 0 ? "Infinity" : "-Infinity");
	if (n == floor(n) && fabs(n) < 1e15) {
		xasprintf(&s, "%.0f", n == 0 ? 0.0 : n);
		return s;
	}
	/* The shortest form that reads back as n (as Web Forms prints). */
	xasprintf(&s, "%.15g", n);
	if (strtod(s, NULL) != n) {
		free(s);
		xasprintf(&s, "%.16g", n);
	}
	if (strtod(s, NULL) != n) {
		free(s);
		xasprintf(&s, "%.17g", n);
	}
	if (strchr(s, 'e') == NULL && strchr(s, '.') != NULL) {
		len = strlen(s);
		while (len > 0 && s[len - 1] == '0')
			s[--len] = '\0';
		if (len > 0 && s[len - 1] == '.')
			s[--len] = '\0';
	}
	return s;
}

/* String value; may point into v (valid while v lives) or into *tmp. */
static const char *
to_str(const struct val *v, char **tmp)
{
	*tmp = NULL;
	switch (v->t) {
	case V_NUM:
		return *tmp = num_to_str(v->n);
	case V_BOOL:
		return v->n != 0 ? "true" : "false";
	default:
		return v->s;
	}
}

static struct val	eval(const struct node *, const struct expr_env *);
static char		*datetime_str(double);

static const char *
env_value(const struct expr_env *env, int ref, size_t k)
{
	const char *s;

	if (env == NULL || env->value == NULL)
		return "";
	s = env->value(env->arg, ref, k);
	return s != NULL ? s : "";
}

static size_t
env_count(const struct expr_env *env, int ref)
{
	if (env == NULL || env->count == NULL)
		return 1;
	return env->count(env->arg, ref);
}

/* Evaluate n to a string copy (wiped by the caller). */
static char *
eval_str(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n, env);
	char *tmp, *out;
	const char *s;

	s = to_str(&v, &tmp);
	out = tmp != NULL ? tmp : xstrdup(s);
	val_clear(&v);
	return out;
}

/* As eval_str, but a V_DATE keeps its time (format-date()). */
static char *
eval_date_str(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n, env);
	char *tmp, *out;
	const char *s;

	if (v.t == V_DATE)
		out = datetime_str(v.n);
	else {
		s = to_str(&v, &tmp);
		out = tmp != NULL ? tmp : xstrdup(s);
	}
	val_clear(&v);
	return out;
}

static double
eval_num(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n, env);
	double d = to_num(&v);

	val_clear(&v);
	return d;
}

static int
eval_bool(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n, env);
	int b = to_bool(&v);

	val_clear(&v);
	return b;
}

/*
 * An argument as a node set: a reference from outside a repeat to a
 * question inside it is one node per instance (as in ODK, min(), max(),
 * concat(), join() and count-non-empty() use every one); anything else
 * is one value.
 */
static size_t
nset_count(const struct node *a, const struct expr_env *env)
{
	if (a->type == N_REF)
		return env_count(env, a->ref);
	return 1;
}

static char *
nset_item(const struct node *a, const struct expr_env *env, size_t k)
{
	if (a->type == N_REF)
		return xstrdup(env_value(env, a->ref, k));
	return eval_str(a, env);
}

static int
compare(enum node_type op, struct val *a, struct val *b)
{
	double x, y;
	char *ta, *tb;
	const char *sa, *sb;
	int r;

	if (op == N_EQ || op == N_NE) {
		if (a->t == V_BOOL || b->t == V_BOOL)
			r = to_bool(a) == to_bool(b);
		else if (a->t == V_NUM || b->t == V_NUM) {
			/* JavaRosa: equal within 1e-12 (6.1 - 7.8 = -1.7). */
			x = to_num(a);
			y = to_num(b);
			r = x == y || fabs(x - y) < 1e-12;
		} else {
			sa = to_str(a, &ta);
			sb = to_str(b, &tb);
			r = strcmp(sa, sb) == 0;
			freezero_str(ta);
			freezero_str(tb);
		}
		return op == N_EQ ? r : !r;
	}
	x = to_num(a);
	y = to_num(b);
	switch (op) {
	case N_LT:
		return x < y;
	case N_LE:
		return x <= y;
	case N_GT:
		return x > y;
	default:
		return x >= y;
	}
}

/* Number of UTF-8 code points. */
static size_t
u8len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Byte offset of code point i (clamped to the end). */
static size_t
u8off(const char *s, size_t i)
{
	size_t off = 0, n = 0;

	while (s[off] != '\0') {
		if (((unsigned char)s[off] & 0xc0) != 0x80) {
			if (n == i)
				return off;
			n++;
		}
		off++;
	}
	return off;
}

/* The k-th (0-based) space-separated token of s, into out; 0 if none. */
static int
token_at(const char *s, size_t k, const char **start, size_t *len)
{
	size_t i = 0, n;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s == '\0')
			return 0;
		n = strcspn(s, " \t\n");
		if (i == k) {
			*start = s;
			*len = n;
			return 1;
		}
		i++;
		s += n;
	}
}

static void
today_parts(const struct expr_env *env, struct tm *tm)
{
	time_t t = (env != NULL && env->now != 0) ? env->now : time(NULL);

	localtime_r(&t, tm);
}

static char *
date_str(double days)
{
	int y, m, d;
	char *s;

	if (isnan(days) || fabs(days) > 1e8)
		return xstrdup("");
	civil_from_days((long)floor(days), &y, &m, &d);
	xasprintf(&s, "%04d-%02d-%02d", y, m, d);
	return s;
}

/* The date (kiosk's time zone) of an instant in days since 1970. */
static char *
local_date_str(double days)
{
	struct tm tm;
	time_t t;
	char *s;

	if (isnan(days) || fabs(days) > 1e8)
		return xstrdup("");
	t = (time_t)floor(days * 86400);
	localtime_r(&t, &tm);
	xasprintf(&s, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
	return s;
}

/* days since 1970 as a date and time in the kiosk's time zone (ODK). */
static char *
datetime_str(double days)
{
	struct tm tm;
	time_t t;
	long off;
	double ms;
	char *s;

	if (isnan(days) || fabs(days) > 1e8)
		return xstrdup("");
	t = (time_t)floor(days * 86400);
	ms = floor((days * 86400 - (double)t) * 1000 + 0.5);
	if (ms >= 1000)
		ms = 999;
	localtime_r(&t, &tm);
	off = tm.tm_gmtoff;
	xasprintf(&s, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)ms, off < 0 ? '-' : '+', labs(off) / 3600,
	    (labs(off) % 3600) / 60);
	return s;
}

/* A date (and time) as format-date() reads it. */
struct date_parts {
	long	z;		/* days since 1970-01-01 */
	int	y, m, d, hh, mm, ss, ms;
};

/* value (a date, a date and time, or days) in parts; -1 if none. */
static int
date_parts(const char *value, struct date_parts *t)
{
	double days;

	memset(t, 0, sizeof *t);
	if (strlen(value) >= 10 && expr_parse_date(value, &t->y, &t->m,
	    &t->d) == 0) {
		/* The date as written, whatever its time zone. */
		if (isnan(str_to_num(value)))
			return -1;
		t->z = days_from_civil(t->y, (unsigned)t->m, (unsigned)t->d);
	} else {
		days = str_to_num(value);
		if (isnan(days))
			return -1;
		t->z = (long)floor(days);
		civil_from_days(t->z, &t->y, &t->m, &t->d);
	}
	if (strlen(value) > 11 && value[10] == 'T') {
		sscanf(value + 11, "%d:%d:%d", &t->hh, &t->mm, &t->ss);
		if (strlen(value) > 20 && value[19] == '.')
			t->ms = atoi(value + 20) % 1000;
	}
	return 0;
}

/* One %c of format-date(), appended to o. */
static void
format_spec(struct buf *o, char c, const struct date_parts *t)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };

	switch (c) {
	case 'Y': buf_addf(o, "%04d", t->y); break;
	case 'y': buf_addf(o, "%02d", t->y % 100); break;
	case 'm': buf_addf(o, "%02d", t->m); break;
	case 'n': buf_addf(o, "%d", t->m); break;
	case 'b': buf_adds(o, mon[t->m - 1]); break;
	case 'd': buf_addf(o, "%02d", t->d); break;
	case 'e': buf_addf(o, "%d", t->d); break;
	case 'a': buf_adds(o, wday[((t->z % 7) + 11) % 7]); break;
	case 'H': buf_addf(o, "%02d", t->hh); break;
	case 'h': buf_addf(o, "%d", t->hh); break;
	case 'M': buf_addf(o, "%02d", t->mm); break;
	case 'S': buf_addf(o, "%02d", t->ss); break;
	case '3': buf_addf(o, "%03d", t->ms); break;	/* milliseconds */
	case '%': buf_addc(o, '%'); break;
	default:
		buf_addc(o, '%');
		buf_addc(o, c);
	}
}

/* ODK format-date(value, format): "" if value is not a date. */
static char *
format_date(const char *value, const char *fmt)
{
	struct date_parts t;
	struct buf o = { 0 };
	char *out;

	if (date_parts(value, &t) != 0)
		return xstrdup("");
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%' || fmt[1] == '\0')
			buf_addc(&o, *fmt);
		else
			format_spec(&o, *++fmt, &t);
	}
	out = xstrdup(o.data != NULL ? (char *)o.data : "");
	buf_free(&o);
	return out;
}

/*
 * ODK's round(x, digits): on the shortest decimal form of x (so that
 * 12345.15 is 12345.15, not 12345.1499...), halves toward +Infinity:
 * round(-12345.15, 1) = -12345.1, round(-2.5) = -2 (XPath). digits is
 * truncated to a whole number and may be negative (round(12345, -2)).
 */
static double
round_odk(double x, double digits)
{
	char s[64], num[64], *e;
	int p, exp10, keep, d, i, half, above, neg;
	size_t nd, k;
	char dig[32];

	if (isnan(x) || isnan(digits) || isinf(x))
		return x;
	if (digits > 300 || digits < -300)
		return digits > 0 ? x : 0;
	d = (int)trunc(digits);
	neg = x < 0 || (x == 0 && signbit(x));
	if (x == 0)
		return x;
	for (p = 0; p < 17; p++) {
		snprintf(s, sizeof s, "%.*e", p, fabs(x));
		if (strtod(s, NULL) == fabs(x))
			break;
	}
	/* s is D.DDDDe±XX */
	nd = 0;
	for (i = 0; s[i] != 'e' && s[i] != '\0'; i++)
		if (isdigit((unsigned char)s[i]) && nd < sizeof dig)
			dig[nd++] = s[i];
	e = strchr(s, 'e');
	exp10 = e != NULL ? atoi(e + 1) : 0;
	keep = exp10 + 1 + d;		/* digits kept */
	if (keep >= (int)nd)
		return x;
	if (keep < 0)
		return neg ? -0.0 : 0.0;
	half = dig[keep] == '5';
	above = dig[keep] > '5';
	for (k = (size_t)keep + 1; k < nd; k++)
		if (dig[k] != '0')
			above |= half;
	/* Toward +Infinity: a positive half goes up, a negative one down. */
	p = 0;
	if (above || (half && !neg))
		p = 1;
	i = 0;
	num[i++] = neg ? '-' : '+';
	num[i++] = '0';
	for (k = 0; k < (size_t)keep; k++)
		num[i++] = dig[k];
	num[i] = '\0';
	if (p) {
		for (k = (size_t)i - 1; ; k--) {
			if (num[k] == '9') {
				num[k] = '0';
				continue;
			}
			num[k]++;
			break;
		}
	}
	snprintf(num + i, sizeof num - (size_t)i, "e%d", -d);
	return strtod(num, NULL);
}

/* A uniform random double in [0, 1) from the kernel's generator. */
static double
random_unit(void)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint64_t)rand() << 32 ^ (uint64_t)rand();
	return (double)(r >> 11) / 9007199254740992.0;
}

/* Standard base64 (padding optional) to bytes; -1 if not base64. */
static int
base64_decode(const char *in, struct buf *out)
{
	unsigned acc = 0;
	int bits = 0, c, pad = 0;
	const char *p;

	for (p = in; *p != '\0'; p++) {
		if (*p == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			return -1;
		if (*p >= 'A' && *p <= 'Z')
			c = *p - 'A';
		else if (*p >= 'a' && *p <= 'z')
			c = *p - 'a' + 26;
		else if (*p >= '0' && *p <= '9')
			c = *p - '0' + 52;
		else if (*p == '+')
			c = 62;
		else if (*p == '/')
			c = 63;
		else
			return -1;
		acc = (acc << 6) | (unsigned)c;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	/* A lone character (6 bits) is not base64. */
	if (bits >= 6 || pad > 2)
		return -1;
	return 0;
}

/*
 * Bytes as text, as JavaRosa reads them (Java's UTF-8 decoder): each
 * ill-formed sequence (its longest valid start, or one byte) becomes
 * U+FFFD. A NUL byte, which Java keeps as U+0000 and a C string cannot
 * hold, is U+FFFD too: one character where Collect has one, so
 * string-length(), substr(), comparisons and which questions are shown
 * agree with Collect (base64 of UTF-16 "abc" is "\ufffda\ufffdb\ufffdc",
 * 6 long, not "abc"); only its look differs, where Collect's U+0000 is
 * invisible (and could not go into its XML submission). Allocated.
 */
static char *
utf8_text(const unsigned char *p, size_t len)
{
	struct buf o = { 0 };
	size_t i = 0, j, need;
	unsigned char lo, hi, b;
	char *out;

	while (i < len) {
		b = p[i];
		if (b < 0x80) {
			if (b != 0)
				buf_addc(&o, (char)b);
			else
				buf_adds(&o, "\xef\xbf\xbd");	/* U+FFFD */
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf)
			need = 1;
		else if (b >= 0xe0 && b <= 0xef) {
			need = 2;
			lo = b == 0xe0 ? 0xa0 : 0x80;
			hi = b == 0xed ? 0x9f : 0xbf;
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3;
			lo = b == 0xf0 ? 0x90 : 0x80;
			hi = b == 0xf4 ? 0x8f : 0xbf;
		} else
			need = 0;
		for (j = 1; j <= need && i + j < len; j++) {
			if (p[i + j] < (j == 1 ? lo : 0x80) ||
			    p[i + j] > (j == 1 ? hi : 0xbf))
				break;
		}
		if (need > 0 && j == need + 1)
			buf_add(&o, p + i, need + 1);
		else
			buf_adds(&o, "\xef\xbf\xbd");	/* U+FFFD */
		i += j;	/* the sequence, or its ill-formed start */
	}
	out = xstrdup(o.data != NULL ? (char *)o.data : "");
	buf_free(&o);
	return out;
}

/* ODK digest(data, algorithm, encoding): base64 (default) or hex. */
static char *
digest_str(const char *data, const char *alg, const char *enc)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char d[DIGEST_MAX];
	struct buf o = { 0 };
	size_t n, i;
	unsigned v;
	char *out;

	if ((n = digest(alg, data, strlen(data), d)) == 0)
		return xstrdup("");
	if (strcasecmp(enc, "hex") == 0) {
		for (i = 0; i < n; i++)
			buf_addf(&o, "%02x", d[i]);
	} else if (strcasecmp(enc, "base64") == 0) {
		for (i = 0; i < n; i += 3) {
			v = (unsigned)d[i] << 16 | (i + 1 < n ?
			    (unsigned)d[i + 1] << 8 : 0) | (i + 2 < n ?
			    d[i + 2] : 0);
			buf_addc(&o, b64[v >> 18 & 63]);
			buf_addc(&o, b64[v >> 12 & 63]);
			buf_addc(&o, i + 1 < n ? b64[v >> 6 & 63] : '=');
			buf_addc(&o, i + 2 < n ? b64[v & 63] : '=');
		}
	}
	out = xstrdup(o.data != NULL ? (char *)o.data : "");
	buf_free(&o);
	return out;
}

/* Every node of the arguments from k on, as booleans: how many are true. */
static int
checklist_true(const struct node *n, size_t from, const struct expr_env *env)
{
	size_t i, k, m;
	char *v;
	int t = 0;

	for (i = from; i < n->nargs; i++) {
		if (n->args[i]->type != N_REF) {
			t += eval_bool(n->args[i], env);
			continue;
		}
		m = nset_count(n->args[i], env);
		for (k = 0; k < m; k++) {
			v = nset_item(n->args[i], env, k);
			t += v[0] != '\0' && strcmp(v, "false") != 0 &&
			    strcmp(v, "0") != 0;
			freezero_str(v);
		}
	}
	return t;
}

/* instance(): the first item of the list that passes the predicate. */
static long
instance_match(const struct node *n, const struct expr_env *env, long *count)
{
	size_t k, m;
	long first = -1;

	*count = 0;
	if (env == NULL || env->list_size == NULL || env->list_select == NULL)
		return -1;
	m = env->list_size(env->arg, n->ref);
	for (k = 0; k < m; k++) {
		env->list_select(env->arg, n->ref, (long)k);
		if (n->nargs == 0 || eval_bool(n->args[0], env)) {
			if (first < 0)
				first = (long)k;
			(*count)++;
		}
	}
	env->list_select(env->arg, n->ref, -1);
	return first;
}

/* ---- the XPath functions: one evaluator per function or family ---- */

/* The text in o as a value; frees o. */
static struct val
buf_val(struct buf *o)
{
	struct val v = vstr_own(xstrdup(o->data != NULL ? (char *)o->data :
	    ""));

	buf_free(o);
	return v;
}

/* The first argument as a string, or the current answer without one. */
static char *
arg_or_self(const struct node *n, const struct expr_env *env)
{
	if (n->nargs == 0)
		return xstrdup(env_value(env, EXPR_REF_SELF, 0));
	return eval_str(n->args[0], env);
}

static struct val
fn_if(const struct node *n, const struct expr_env *env)
{
	return eval(n->args[eval_bool(n->args[0], env) ? 1 : 2], env);
}

/* ODK: an empty string or NaN is "no value". */
static struct val
fn_coalesce(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n->args[0], env);

	if (v.t == V_NUM ? !isnan(v.n) : v.t == V_BOOL || v.s[0] != '\0')
		return v;
	val_clear(&v);
	return eval(n->args[1], env);
}

static struct val
fn_selected(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env), *b = eval_str(n->args[1], env);
	const char *t, *bt;
	size_t k, len, blen;
	int r = 0;

	for (k = 0; token_at(a, k, &t, &len); k++) {
		if (len == strlen(b) && memcmp(t, b, len) == 0)
			r = 1;
	}
	/* ODK trims the wanted value. */
	if (!r && b[0] != '\0' && token_at(b, 0, &bt, &blen)) {
		for (k = 0; token_at(a, k, &t, &len); k++)
			if (len == blen && memcmp(t, bt, len) == 0)
				r = 1;
	}
	freezero_str(a);
	freezero_str(b);
	return vbool(r);
}

static struct val
fn_count_selected(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env);
	const char *t;
	size_t k, len;

	for (k = 0; token_at(a, k, &t, &len); k++)
		;
	freezero_str(a);
	return vnum((double)k);
}

static struct val
fn_selected_at(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env);
	double x = eval_num(n->args[1], env);
	const char *t;
	size_t len;
	struct val v;

	if (!isnan(x) && x >= 0 && x < 1e9 && token_at(a, (size_t)x, &t, &len))
		v = vstr_own(xstrndup(t, len));
	else
		v = vstr_own(xstrdup(""));
	freezero_str(a);
	return v;
}

static struct val
fn_choice_name(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env);
	const char *t = NULL;
	struct val v;

	if (env != NULL && env->choice_label != NULL)
		t = env->choice_label(env->arg, n->args[1]->ref, a);
	v = vstr_own(xstrdup(t != NULL ? t : ""));
	freezero_str(a);
	return v;
}

static struct val
fn_string_length(const struct node *n, const struct expr_env *env)
{
	char *a = arg_or_self(n, env);
	struct val v = vnum((double)u8len(a));

	freezero_str(a);
	return v;
}

/* A literal pattern was compiled with the form (check_regex). */
static struct val
fn_regex(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env), *b;
	regex_t re;
	int r = 0;

	if (n->re != NULL)
		r = regexec(n->re, a, 0, NULL, 0) == 0;
	else {
		b = eval_str(n->args[1], env);
		if (regex_compile(&re, b, NULL) == 0) {
			r = regexec(&re, a, 0, NULL, 0) == 0;
			regfree(&re);
		}
		freezero_str(b);
	}
	freezero_str(a);
	return vbool(r);
}

/* concat(...) and join(sep, ...): every node of every argument. */
static struct val
fn_concat(const struct node *n, const struct expr_env *env)
{
	struct buf o = { 0 };
	char *sep = NULL, *s;
	size_t i = 0, k, cnt;
	int r = 0;

	if (n->f == F_JOIN) {
		sep = eval_str(n->args[0], env);
		i = 1;
	}
	for (; i < n->nargs; i++) {
		cnt = nset_count(n->args[i], env);
		for (k = 0; k < cnt; k++) {
			s = nset_item(n->args[i], env, k);
			if (sep != NULL && r++ > 0)
				buf_adds(&o, sep);
			buf_adds(&o, s);
			freezero_str(s);
		}
	}
	freezero_str(sep);
	return buf_val(&o);
}

/* contains(), starts-with(), ends-with() */
static struct val
fn_contains(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env), *b = eval_str(n->args[1], env);
	int r;

	if (n->f == F_CONTAINS)
		r = strstr(a, b) != NULL;
	else if (n->f == F_STARTS_WITH)
		r = strncmp(a, b, strlen(b)) == 0;
	else
		r = strlen(a) >= strlen(b) &&
		    strcmp(a + strlen(a) - strlen(b), b) == 0;
	freezero_str(a);
	freezero_str(b);
	return vbool(r);
}

/* substring-before(), substring-after() */
static struct val
fn_substring_around(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env), *b = eval_str(n->args[1], env);
	char *s;
	struct val v;

	if ((s = strstr(a, b)) == NULL)
		v = vstr_own(xstrdup(""));
	else if (n->f == F_SUBSTRING_BEFORE)
		v = vstr_own(xstrndup(a, (size_t)(s - a)));
	else
		v = vstr_own(xstrdup(s + strlen(b)));
	freezero_str(a);
	freezero_str(b);
	return v;
}

/* substr(s, start[, end]) in code points. */
static struct val
fn_substr(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env);
	size_t len = u8len(a), i, k;
	double x, y;
	struct val v;

	x = eval_num(n->args[1], env);
	y = n->nargs > 2 ? eval_num(n->args[2], env) : (double)len;
	if (isnan(x) || isnan(y)) {
		freezero_str(a);
		return vstr_own(xstrdup(""));
	}
	/* ODK: a negative start or end counts from the end. */
	if (x < 0)
		x += (double)len;
	if (y < 0)
		y += (double)len;
	if (x < 0)
		x = 0;
	if (y > (double)len)
		y = (double)len;
	if (x >= y)
		v = vstr_own(xstrdup(""));
	else {
		i = u8off(a, (size_t)x);
		k = u8off(a, (size_t)y);
		v = vstr_own(xstrndup(a + i, k - i));
	}
	freezero_str(a);
	return v;
}

static struct val
fn_normalize_space(const struct node *n, const struct expr_env *env)
{
	char *a = arg_or_self(n, env);
	struct buf o = { 0 };
	const char *t;
	size_t k, len;

	for (k = 0; token_at(a, k, &t, &len); k++) {
		if (k > 0)
			buf_addc(&o, ' ');
		buf_add(&o, t, len);
	}
	freezero_str(a);
	return buf_val(&o);
}

static struct val
fn_translate(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env), *b = eval_str(n->args[1], env);
	char *c = eval_str(n->args[2], env), *s;
	struct buf o = { 0 };
	const char *t;

	for (s = a; *s != '\0'; s++) {
		t = strchr(b, *s);
		if (t == NULL)
			buf_addc(&o, *s);
		else if ((size_t)(t - b) < strlen(c))
			buf_addc(&o, c[t - b]);
	}
	freezero_str(a);
	freezero_str(b);
	freezero_str(c);
	return buf_val(&o);
}

static struct val
fn_number(const struct node *n, const struct expr_env *env)
{
	struct val v;
	double x;

	if (n->nargs == 0)
		return vnum(str_to_num(env_value(env, EXPR_REF_SELF, 0)));
	v = eval(n->args[0], env);
	x = v.t == V_BOOL ? v.n : to_num(&v);
	val_clear(&v);
	return vnum(x);
}

static struct val
fn_int(const struct node *n, const struct expr_env *env)
{
	double x = eval_num(n->args[0], env);

	return vnum(isnan(x) || isinf(x) ? x : trunc(x));
}

static struct val
fn_round(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n->args[0], env);
	const char *t;
	char *a = NULL;
	double x, y;

	/* JavaRosa also reads a decimal comma here: round('4,6') = 5. */
	if (v.t == V_STR && strchr(v.s, '.') == NULL &&
	    (t = strchr(v.s, ',')) != NULL && strchr(t + 1, ',') == NULL) {
		a = xstrdup(v.s);
		a[t - v.s] = '.';
		x = str_to_num(a);
	} else
		x = to_num(&v);
	val_clear(&v);
	y = n->nargs > 1 ? eval_num(n->args[1], env) : 0;
	freezero_str(a);
	return vnum(round_odk(x, y));
}

/* exp10(x) as 10^x, the way a kiosk has always computed it. */
static double
pow10_of(double x)
{
	return pow(10, x);
}

/* floor(), sqrt(), sin(), ...: the table row's math function. */
static struct val
fn_math1(const struct node *n, const struct expr_env *env)
{
	return vnum(n->fn->math(eval_num(n->args[0], env)));
}

/* pow(x, y), atan2(y, x) */
static struct val
fn_math2(const struct node *n, const struct expr_env *env)
{
	double x = eval_num(n->args[0], env), y = eval_num(n->args[1], env);

	return vnum(n->f == F_POW ? pow(x, y) : atan2(x, y));
}

static struct val
fn_pi(const struct node *n, const struct expr_env *env)
{
	(void)n;
	(void)env;
	return vnum(M_PI);
}

/* ODK: every node of every argument; NaN if any is not a number. */
static struct val
fn_min_max(const struct node *n, const struct expr_env *env)
{
	double x, y = n->f == F_MIN ? INFINITY : -INFINITY;
	size_t i, k, m, cnt = 0;

	for (i = 0; i < n->nargs; i++) {
		m = nset_count(n->args[i], env);
		for (k = 0; k < m; k++, cnt++) {
			if (n->args[i]->type == N_REF)
				x = str_to_num(env_value(env, n->args[i]->ref,
				    k));
			else
				x = eval_num(n->args[i], env);
			if (isnan(x))
				return vnum(NAN);
			if (n->f == F_MIN ? x < y : x > y)
				y = x;
		}
	}
	return vnum(cnt == 0 ? NAN : y);
}

static struct val
fn_today(const struct node *n, const struct expr_env *env)
{
	struct tm tm;
	char *s;

	(void)n;
	today_parts(env, &tm);
	xasprintf(&s, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
	return vstr_own(s);
}

static struct val
fn_now(const struct node *n, const struct expr_env *env)
{
	struct tm tm;
	char *s;

	(void)n;
	today_parts(env, &tm);
	xasprintf(&s, "%04d-%02d-%02dT%02d:%02d:%02d.000%+03ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, tm.tm_gmtoff / 3600,
	    labs(tm.tm_gmtoff % 3600) / 60);
	return vstr_own(s);
}

static struct val
fn_date(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n->args[0], env);
	int yy, mm, dd;
	double x;
	char *s;

	if (v.t == V_BOOL)
		return vstr_const("");
	if (v.t == V_DATE) {
		/* JavaRosa: date() of a date drops its time. */
		s = xstrdup(v.s);
		val_clear(&v);
		return vstr_own(s);
	}
	if (v.t == V_STR && strlen(v.s) >= 10 &&
	    expr_parse_date(v.s, &yy, &mm, &dd) == 0) {
		/* A date and time keeps its time (JavaRosa). */
		x = v.s[10] == 'T' ? str_to_num(v.s) : NAN;
		s = isnan(x) ? xstrndup(v.s, 10) : NULL;
		val_clear(&v);
		return s != NULL ? vstr_own(s) : vdate(x, local_date_str(x));
	}
	x = to_num(&v);
	val_clear(&v);
	return vstr_own(date_str(x));
}

/* format-date(), format-date-time() */
static struct val
fn_format_date(const struct node *n, const struct expr_env *env)
{
	char *a = eval_date_str(n->args[0], env);
	char *b = eval_str(n->args[1], env);
	struct val v = vstr_own(format_date(a, b));

	freezero_str(a);
	freezero_str(b);
	return v;
}

/*
 * Days since 1970-01-01T00:00Z: a date alone is its local midnight
 * (JavaRosa, Web Forms), unlike number(date(x)), which counts calendar
 * days.
 */
static struct val
fn_decimal_date_time(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n->args[0], env);
	struct tm tm;
	const char *t;
	char *a;
	double x;

	if (v.t == V_DATE) {
		x = v.n;
		val_clear(&v);
		return vnum(x);
	}
	t = to_str(&v, &a);
	a = a != NULL ? a : xstrdup(t);
	val_clear(&v);
	x = str_to_num(a);
	if (strlen(a) == 10 && !isnan(x) && fabs(x) < 1e8) {
		time_t t0 = (time_t)(x * 86400);
		localtime_r(&t0, &tm);
		t0 -= tm.tm_gmtoff;	/* about local midnight */
		localtime_r(&t0, &tm);
		x -= (double)tm.tm_gmtoff / 86400;
	}
	freezero_str(a);
	return vnum(x);
}

static struct val
fn_date_time(const struct node *n, const struct expr_env *env)
{
	struct val v = eval(n->args[0], env);
	double x;

	if (v.t == V_BOOL)
		return vstr_const("");
	if (v.t == V_DATE) {
		x = v.n;
		val_clear(&v);
		return vstr_own(datetime_str(x));
	}
	if (v.t == V_STR && strchr(v.s, 'T') != NULL &&
	    !isnan(str_to_num(v.s)))
		return v;
	x = to_num(&v);
	val_clear(&v);
	return vstr_own(datetime_str(x));
}

static struct val
fn_count(const struct node *n, const struct expr_env *env)
{
	long matches;

	if (n->args[0]->type == N_INSTANCE) {
		instance_match(n->args[0], env, &matches);
		return vnum((double)matches);
	}
	return vnum((double)env_count(env, n->args[0]->ref));
}

static struct val
fn_count_non_empty(const struct node *n, const struct expr_env *env)
{
	size_t k, i = 0, cnt = env_count(env, n->args[0]->ref);

	for (k = 0; k < cnt; k++)
		i += env_value(env, n->args[0]->ref, k)[0] != '\0';
	return vnum((double)i);
}

static struct val
fn_sum(const struct node *n, const struct expr_env *env)
{
	size_t k, cnt = env_count(env, n->args[0]->ref);
	double x = 0;

	for (k = 0; k < cnt; k++)
		x += str_to_num(env_value(env, n->args[0]->ref, k));
	return vnum(x);
}

/* position(..): the repeat instance of the question (1-based). */
static struct val
fn_position(const struct node *n, const struct expr_env *env)
{
	(void)n;
	if (env == NULL || env->position == NULL)
		return vnum(0);
	return vnum((double)env->position(env->arg));
}

/*
 * ODK indexed-repeat(ref, group1, i1, group2, i2, ...): ref in instance
 * i of each group (1-based; empty, NaN or below 1: the first).
 */
static struct val
fn_indexed_repeat(const struct node *n, const struct expr_env *env)
{
	int groups[EXPR_INDEXED_MAX];
	size_t idx[EXPR_INDEXED_MAX], j, np = (n->nargs - 1) / 2;
	const char *t;
	double x;

	for (j = 0; j < np; j++) {
		groups[j] = n->args[1 + 2 * j]->ref;
		x = eval_num(n->args[2 + 2 * j], env);
		/* ${t}[N] (ref_predicate, num 1): no instance N, nothing. */
		if (n->num != 0 && (isnan(x) || x < 1 || x != floor(x)))
			return vstr_const("");
		if (isnan(x) || x < 1)
			x = 1;
		if (x > 1e6)
			return vstr_const("");
		idx[j] = (size_t)x;
	}
	if (env != NULL && env->value_in != NULL) {
		t = env->value_in(env->arg, n->args[0]->ref, groups, idx, np);
		return vstr_own(xstrdup(t != NULL ? t : ""));
	}
	if (idx[0] > env_count(env, groups[0]))
		return vstr_const("");
	if (env != NULL && env->value_at != NULL) {
		t = env->value_at(env->arg, n->args[0]->ref, idx[0] - 1);
		return vstr_own(xstrdup(t != NULL ? t : ""));
	}
	return vstr_own(xstrdup(env_value(env, n->args[0]->ref, idx[0] - 1)));
}

static struct val
fn_random(const struct node *n, const struct expr_env *env)
{
	(void)n;
	(void)env;
	return vnum(random_unit());
}

static struct val
fn_version(const struct node *n, const struct expr_env *env)
{
	(void)n;
	return vstr_own(xstrdup(env != NULL && env->version != NULL ?
	    env->version : ""));
}

/* uuid(): a version 4 UUID; uuid(n): n random letters and digits. */
static struct val
fn_uuid(const struct node *n, const struct expr_env *env)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct buf o = { 0 };
	unsigned char u[16];
	size_t i;
	double x;

	if (n->nargs == 0) {
		for (i = 0; i < 16; i++)
			u[i] = (unsigned char)(random_unit() * 256);
		u[6] = (u[6] & 0x0f) | 0x40;
		u[8] = (u[8] & 0x3f) | 0x80;
		for (i = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				buf_addc(&o, '-');
			buf_addf(&o, "%02x", u[i]);
		}
	} else {
		x = eval_num(n->args[0], env);
		for (i = 0; !isnan(x) && i < (size_t)fmin(x, 1000); i++)
			buf_addc(&o, al[(size_t)(random_unit() * 36)]);
	}
	return buf_val(&o);
}

/* ODK: how many are true lies in [min, max]; -1: no bound. */
static struct val
fn_checklist(const struct node *n, const struct expr_env *env)
{
	double x = eval_num(n->args[0], env), y = eval_num(n->args[1], env);
	int r = checklist_true(n, 2, env);

	return vbool((x < 0 || r >= x) && (y < 0 || r <= y));
}

/* (min, max, v1, w1, v2, w2...): the weights of the true. */
static struct val
fn_weighted_checklist(const struct node *n, const struct expr_env *env)
{
	double x = eval_num(n->args[0], env), y = eval_num(n->args[1], env);
	double w = 0;
	size_t i;

	for (i = 2; i + 1 < n->nargs; i += 2)
		if (eval_bool(n->args[i], env))
			w += eval_num(n->args[i + 1], env);
	return vbool((x < 0 || w >= x) && (y < 0 || w <= y));
}

static struct val
fn_base64_decode(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env);
	struct buf o = { 0 };
	struct val v;

	if (base64_decode(a, &o) != 0)
		v = vstr_own(xstrdup(""));
	else
		v = vstr_own(utf8_text(o.data != NULL ?
		    (const unsigned char *)o.data : NULL, o.len));
	buf_free(&o);
	freezero_str(a);
	return v;
}

static struct val
fn_digest(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env), *b = eval_str(n->args[1], env);
	char *c = n->nargs > 2 ? eval_str(n->args[2], env) : xstrdup("base64");
	struct val v = vstr_own(digest_str(a, b, c));

	freezero_str(a);
	freezero_str(b);
	freezero_str(c);
	return v;
}

static struct val
fn_not(const struct node *n, const struct expr_env *env)
{
	return vbool(!eval_bool(n->args[0], env));
}

/* true(), false() */
static struct val
fn_true_false(const struct node *n, const struct expr_env *env)
{
	(void)env;
	return vbool(n->f == F_TRUE);
}

static struct val
fn_boolean(const struct node *n, const struct expr_env *env)
{
	return vbool(eval_bool(n->args[0], env));
}

static struct val
fn_boolean_from_string(const struct node *n, const struct expr_env *env)
{
	char *a = eval_str(n->args[0], env);
	int r = strcmp(a, "true") == 0 || strcmp(a, "1") == 0;

	freezero_str(a);
	return vbool(r);
}

static struct val
fn_string(const struct node *n, const struct expr_env *env)
{
	return vstr_own(arg_or_self(n, env));
}

/*
 * ODK: keep the value the question already has; otherwise the argument,
 * but never NaN or Infinity (those leave it empty).
 */
static struct val
fn_once(const struct node *n, const struct expr_env *env)
{
	const char *t = env_value(env, EXPR_REF_SELF, 0);
	struct val v;

	if (t[0] != '\0')
		return vstr_own(xstrdup(t));
	v = eval(n->args[0], env);
	if (v.t == V_NUM && (isnan(v.n) || isinf(v.n))) {
		val_clear(&v);
		return vstr_const("");
	}
	return v;
}

/* Every function a kiosk knows (see struct func). */
static const struct func funcs[] = {
	{ "if", F_IF, 3, 3, fn_if, NULL, NULL, 0 },
	{ "coalesce", F_COALESCE, 2, 2, fn_coalesce, NULL, NULL, 0 },
	{ "selected", F_SELECTED, 2, 2, fn_selected, NULL, NULL, 1 },
	{ "count-selected", F_COUNT_SELECTED, 1, 1, fn_count_selected, NULL,
	    NULL, 0 },
	{ "selected-at", F_SELECTED_AT, 2, 2, fn_selected_at, NULL, NULL, 0 },
	{ "jr:choice-name", F_CHOICE_NAME, 2, 2, fn_choice_name, NULL, NULL,
	    0 },
	{ "string-length", F_STRING_LENGTH, 0, 1, fn_string_length, NULL,
	    NULL, 0 },
	{ "regex", F_REGEX, 2, 2, fn_regex, check_regex, NULL, 1 },
	{ "concat", F_CONCAT, 0, -1, fn_concat, NULL, NULL, 0 },
	{ "contains", F_CONTAINS, 2, 2, fn_contains, NULL, NULL, 1 },
	{ "starts-with", F_STARTS_WITH, 2, 2, fn_contains, NULL, NULL, 1 },
	{ "ends-with", F_ENDS_WITH, 2, 2, fn_contains, NULL, NULL, 1 },
	{ "substr", F_SUBSTR, 2, 3, fn_substr, NULL, NULL, 0 },
	{ "normalize-space", F_NORMALIZE_SPACE, 0, 1, fn_normalize_space,
	    NULL, NULL, 0 },
	{ "number", F_NUMBER, 0, 1, fn_number, NULL, NULL, 0 },
	{ "int", F_INT, 1, 1, fn_int, NULL, NULL, 0 },
	{ "round", F_ROUND, 1, 2, fn_round, NULL, NULL, 0 },
	{ "today", F_TODAY, 0, 0, fn_today, NULL, NULL, 0 },
	{ "now", F_NOW, 0, 0, fn_now, NULL, NULL, 0 },
	{ "date", F_DATE, 1, 1, fn_date, check_date, NULL, 0 },
	{ "format-date", F_FORMAT_DATE, 2, 2, fn_format_date, NULL, NULL, 0 },
	{ "decimal-date-time", F_DECIMAL_DATE_TIME, 1, 1,
	    fn_decimal_date_time, NULL, NULL, 0 },
	{ "count", F_COUNT, 1, 1, fn_count, check_nodeset, NULL, 0 },
	{ "sum", F_SUM, 1, 1, fn_sum, check_nodeset, NULL, 0 },
	{ "not", F_NOT, 1, 1, fn_not, NULL, NULL, 1 },
	{ "true", F_TRUE, 0, 0, fn_true_false, NULL, NULL, 1 },
	{ "false", F_FALSE, 0, 0, fn_true_false, NULL, NULL, 1 },
	{ "boolean", F_BOOLEAN, 1, 1, fn_boolean, NULL, NULL, 1 },
	{ "string", F_STRING, 0, 1, fn_string, NULL, NULL, 0 },
	{ "floor", F_FLOOR, 1, 1, fn_math1, NULL, floor, 0 },
	{ "ceiling", F_CEILING, 1, 1, fn_math1, NULL, ceil, 0 },
	{ "abs", F_ABS, 1, 1, fn_math1, NULL, fabs, 0 },
	{ "pow", F_POW, 2, 2, fn_math2, NULL, NULL, 0 },
	{ "min", F_MIN, 1, -1, fn_min_max, NULL, NULL, 0 },
	{ "max", F_MAX, 1, -1, fn_min_max, NULL, NULL, 0 },
	{ "substring-before", F_SUBSTRING_BEFORE, 2, 2, fn_substring_around,
	    NULL, NULL, 0 },
	{ "substring-after", F_SUBSTRING_AFTER, 2, 2, fn_substring_around,
	    NULL, NULL, 0 },
	{ "translate", F_TRANSLATE, 3, 3, fn_translate, NULL, NULL, 0 },
	{ "once", F_ONCE, 1, 1, fn_once, NULL, NULL, 0 },
	{ "boolean-from-string", F_BOOLEAN_FROM_STRING, 1, 1,
	    fn_boolean_from_string, NULL, NULL, 1 },
	{ "join", F_JOIN, 1, -1, fn_concat, NULL, NULL, 0 },
	{ "position", F_POSITION, 1, 1, fn_position, check_position, NULL,
	    0 },
	{ "indexed-repeat", F_INDEXED_REPEAT, 3, 1 + 2 * EXPR_INDEXED_MAX,
	    fn_indexed_repeat, check_indexed_repeat, NULL, 0 },
	{ "count-non-empty", F_COUNT_NON_EMPTY, 1, 1, fn_count_non_empty,
	    check_nodeset, NULL, 0 },
	{ "random", F_RANDOM, 0, 0, fn_random, NULL, NULL, 0 },
	{ "current", F_CURRENT, 0, 0, NULL, NULL, NULL, 0 },
	{ "date-time", F_DATE_TIME, 1, 1, fn_date_time, NULL, NULL, 0 },
	{ "format-date-time", F_FORMAT_DATE_TIME, 2, 2, fn_format_date, NULL,
	    NULL, 0 },
	{ "uuid", F_UUID, 0, 1, fn_uuid, NULL, NULL, 0 },
	{ "version", F_VERSION, 0, 0, fn_version, NULL, NULL, 0 },
	{ "sqrt", F_SQRT, 1, 1, fn_math1, NULL, sqrt, 0 },
	{ "exp", F_EXP, 1, 1, fn_math1, NULL, exp, 0 },
	{ "exp10", F_EXP10, 1, 1, fn_math1, NULL, pow10_of, 0 },
	{ "log", F_LOG, 1, 1, fn_math1, NULL, log, 0 },
	{ "log10", F_LOG10, 1, 1, fn_math1, NULL, log10, 0 },
	{ "pi", F_PI, 0, 0, fn_pi, NULL, NULL, 0 },
	{ "sin", F_SIN, 1, 1, fn_math1, NULL, sin, 0 },
	{ "cos", F_COS, 1, 1, fn_math1, NULL, cos, 0 },
	{ "tan", F_TAN, 1, 1, fn_math1, NULL, tan, 0 },
	{ "asin", F_ASIN, 1, 1, fn_math1, NULL, asin, 0 },
	{ "acos", F_ACOS, 1, 1, fn_math1, NULL, acos, 0 },
	{ "atan", F_ATAN, 1, 1, fn_math1, NULL, atan, 0 },
	{ "atan2", F_ATAN2, 2, 2, fn_math2, NULL, NULL, 0 },
	{ "checklist", F_CHECKLIST, 2, -1, fn_checklist, NULL, NULL, 0 },
	{ "weighted-checklist", F_WEIGHTED_CHECKLIST, 2, -1,
	    fn_weighted_checklist, NULL, NULL, 0 },
	{ "base64-decode", F_BASE64_DECODE, 1, 1, fn_base64_decode, NULL,
	    NULL, 0 },
	{ "digest", F_DIGEST, 2, 3, fn_digest, check_digest, NULL, 0 },
	{ "instance", F_INSTANCE, 1, 1, NULL, NULL, NULL, 0 },
};

static const struct func *
func_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(funcs); i++) {
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	}
	return NULL;
}

static struct val
eval_call(const struct node *n, const struct expr_env *env)
{
	if (n->fn->eval == NULL)
		return vstr_const("");
	return n->fn->eval(n, env);
}

static struct val
eval(const struct node *n, const struct expr_env *env)
{
	struct val a, b, v;
	double x, y;
	int r;

	switch (n->type) {
	case N_NUM:
		return vnum(n->num);
	case N_STR:
		return vstr_const(n->str);
	case N_REF:
		v = vstr_const(env_value(env, n->ref, 0));
		v.node = 1;
		return v;
	case N_SELF:
		v = vstr_const(env_value(env, EXPR_REF_SELF, 0));
		v.node = 1;
		return v;
	case N_OR:
		return vbool(eval_bool(n->args[0], env) ||
		    eval_bool(n->args[1], env));
	case N_AND:
		return vbool(eval_bool(n->args[0], env) &&
		    eval_bool(n->args[1], env));
	case N_EQ:
	case N_NE:
	case N_LT:
	case N_LE:
	case N_GT:
	case N_GE:
		a = eval(n->args[0], env);
		b = eval(n->args[1], env);
		r = compare(n->type, &a, &b);
		val_clear(&a);
		val_clear(&b);
		return vbool(r);
	case N_NEG:
		return vnum(-eval_num(n->args[0], env));
	case N_CALL:
		return eval_call(n, env);
	case N_PARENT:
		return vstr_const("");
	case N_INSTANCE: {
		long c, k = instance_match(n, env, &c);
		const char *t;
		if (k < 0 || n->num < 0)
			return vstr_const("");
		env->list_select(env->arg, n->ref, k);
		t = env_value(env, (int)n->num, 0);
		v = vstr_own(xstrdup(t));
		env->list_select(env->arg, n->ref, -1);
		return v;
	}
	default:
		x = eval_num(n->args[0], env);
		y = eval_num(n->args[1], env);
		switch (n->type) {
		case N_ADD:
			return vnum(x + y);
		case N_SUB:
			return vnum(x - y);
		case N_MUL:
			return vnum(x * y);
		case N_DIV:
			return vnum(x / y);
		default:
			return vnum(fmod(x, y));
		}
	}
}

char *
expr_eval_string(const struct expr *e, const struct expr_env *env)
{
	return eval_str(e->root, env);
}

int
expr_eval_bool(const struct expr *e, const struct expr_env *env)
{
	return eval_bool(e->root, env);
}
