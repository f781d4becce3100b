/*
 * form: turn the sheets of an XLSForm (form-sheet.c) into a struct form,
 * checking everything a kiosk needs: types, names, choice lists, groups and
 * repeats, expressions (compiled by expr.c) and the order of calculations.
 *
 * Every problem is collected, not just the first, each naming the file,
 * sheet, row and column: form_load() fails with the first error,
 * form_check() lists them all. A problem that only a kiosk has (a type or
 * column ODK knows but a kiosk cannot offer) says "not supported at a
 * kiosk". Missing translations are warnings: the form still loads.
 *
 * Must never print, exit, or see an answer: this is the form, not a
 * resident's session (that is form-state.c).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "form.h"
#include "qtype.h"
#include "form-private.h"

/* What a header cell means. */
enum col {
	C_NONE, C_TYPE, C_NAME, C_LABEL, C_HINT, C_REQUIRED, C_REQUIRED_MSG,
	C_CONSTRAINT, C_CONSTRAINT_MSG, C_RELEVANT, C_CALCULATION, C_DEFAULT,
	C_READ_ONLY, C_CHOICE_FILTER, C_APPEARANCE, C_REPEAT_COUNT, C_STORE,
	C_REVIEWED, C_LIST_NAME, C_IGNORED, C_UNSUPPORTED, C_PARAMETERS,
	C_SPOKEN, C_SPOKEN_HINT, C_TICKET, C_MEDIA, C_TRIGGER, C_OTHER
};

struct colspec {
	enum col	 col;
	int		 lang;		/* index into langs, -1 untranslated */
	const char	*header;	/* as written */
	char		*base;		/* lower-case name without language */
};

struct builder {
	const char	*path;
	int		 media_warned;	/* images are not shown: said once */
	unsigned char	*list_media;	/* per list: its image warned about */
	size_t		 nlist_media;
	struct form	*f;
	struct buf	*problems;
	int		 nerrors;
	int		 nwarnings;
	char		*first;
	/* settings */
	int		 allow_dup_choices;
	int		 report_headers;	/* header problems: once */
	char		*root;			/* settings name, or "data" */
	double		 ninstances;	/* numbers in repeat_counts, so far */
	int		 instances_said;	/* too many: said once */
	char		*instance_name;
	/* The question being checked (named in expression errors). */
	const char	*cur_name;
	const struct form_question *cur_q;	/* context of ../x paths */
	/* Names of survey rows left out with an error of their own. */
	char		**skipped;
	size_t		  nskipped;
	/* Cells of the choices sheet with ${...}, checked after the survey. */
	struct {
		int		 row;
		const char	*col;
		const char	*text;
	}		*refcells;
	size_t		 nrefcells;
};

static const struct {
	const char	*name;
	enum col	 col;
	int		 translatable;
} columns[] = {
	{ "type", C_TYPE, 0 },
	{ "name", C_NAME, 0 },
	{ "value", C_NAME, 0 },
	{ "label", C_LABEL, 1 },
	{ "caption", C_LABEL, 1 },
	{ "hint", C_HINT, 1 },
	{ "spoken", C_SPOKEN, 1 },	/* kiosk: the label as read aloud */
	{ "spoken_hint", C_SPOKEN_HINT, 1 },	/* kiosk: the hint as read aloud */
	{ "required", C_REQUIRED, 0 },
	{ "bind::required", C_REQUIRED, 0 },
	{ "required_message", C_REQUIRED_MSG, 1 },
	{ "jr:requiredmsg", C_REQUIRED_MSG, 1 },
	{ "bind::jr:requiredmsg", C_REQUIRED_MSG, 1 },
	{ "constraint", C_CONSTRAINT, 0 },
	{ "bind::constraint", C_CONSTRAINT, 0 },
	{ "constraint_message", C_CONSTRAINT_MSG, 1 },
	{ "jr:constraintmsg", C_CONSTRAINT_MSG, 1 },
	{ "bind::jr:constraintmsg", C_CONSTRAINT_MSG, 1 },
	{ "relevant", C_RELEVANT, 0 },
	{ "relevance", C_RELEVANT, 0 },
	{ "bind::relevant", C_RELEVANT, 0 },
	{ "calculation", C_CALCULATION, 0 },
	{ "calculate", C_CALCULATION, 0 },
	{ "bind::calculate", C_CALCULATION, 0 },
	{ "default", C_DEFAULT, 0 },
	{ "read_only", C_READ_ONLY, 0 },
	{ "readonly", C_READ_ONLY, 0 },
	{ "bind::readonly", C_READ_ONLY, 0 },
	{ "choice_filter", C_CHOICE_FILTER, 0 },
	{ "appearance", C_APPEARANCE, 0 },
	{ "control::appearance", C_APPEARANCE, 0 },
	{ "repeat_count", C_REPEAT_COUNT, 0 },
	{ "store", C_STORE, 0 },		/* kiosk: store=no */
	{ "reviewed", C_REVIEWED, 0 },	/* kiosk: date legal text was checked */
	{ "ticket", C_TICKET, 0 },	/* kiosk: ticket=yes note repeated there */
	{ "jr:count", C_REPEAT_COUNT, 0 },
	{ "control::jr:count", C_REPEAT_COUNT, 0 },
	{ "list_name", C_LIST_NAME, 0 },
	{ "list name", C_LIST_NAME, 0 },
	{ "guidance_hint", C_IGNORED, 1 },
	{ "form_title", C_IGNORED, 1 },
	{ "next_steps", C_IGNORED, 1 },
	{ "note", C_IGNORED, 0 },
	{ "notes", C_IGNORED, 0 },
	{ "comment", C_IGNORED, 0 },
	{ "comments", C_IGNORED, 0 },
	{ "media", C_MEDIA, 1 },
	{ "media::image", C_MEDIA, 1 },
	{ "media::big-image", C_MEDIA, 1 },
	{ "media::audio", C_MEDIA, 1 },
	{ "media::video", C_MEDIA, 1 },
	{ "image", C_MEDIA, 1 },
	{ "big-image", C_MEDIA, 1 },
	{ "audio", C_MEDIA, 1 },
	{ "video", C_MEDIA, 1 },
	{ "parameters", C_PARAMETERS, 0 },
	{ "trigger", C_TRIGGER, 0 },
	{ "save_to", C_UNSUPPORTED, 0 },
	{ "intent", C_UNSUPPORTED, 0 },
};

/* Types ODK knows that a kiosk does not offer. */
static const char *unsupported_types[] = {
	"geopoint", "geotrace", "geoshape", "gps", "location", "image",
	"photo", "audio", "video", "file", "barcode", "background-audio",
	"background-geopoint", "xml-external", "csv-external", "osm",
	"datetime", "rank", "include",
	"select_multiple_external", "begin loop",
	"begin_loop", "end loop", "end_loop", "entity", "signature", "q image",
	"instanceid", "hidden geopoint",
	"table-list", "begin table-list", "end table-list", "ranking"
};

static void __attribute__((format(printf, 6, 7)))
problem(struct builder *b, int warning, const char *sheet, int row,
    const char *col, const char *fmt, ...)
{
	va_list ap;
	char *msg, *line;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (sheet == NULL)
		xasprintf(&line, "%s: %s%s", b->path, warning ? "warning: " :
		    "", msg);
	else if (col == NULL)
		xasprintf(&line, "%s: sheet %s, row %d: %s%s", b->path, sheet,
		    row, warning ? "warning: " : "", msg);
	else
		xasprintf(&line, "%s: sheet %s, row %d, column %s: %s%s",
		    b->path, sheet, row, col, warning ? "warning: " : "", msg);
	free(msg);
	if (b->problems != NULL) {
		buf_adds(b->problems, line);
		buf_addc(b->problems, '\n');
	}
	if (warning)
		b->nwarnings++;
	else {
		b->nerrors++;
		if (b->first == NULL) {
			b->first = line;
			line = NULL;
		}
	}
	free(line);
}

/* ---- languages and headers ---- */

/* Split "Español (es)" into name and code ("" when there is none). */
static void
lang_split(const char *spec, char **name, char **code)
{
	const char *open;
	size_t n = strlen(spec);

	open = strrchr(spec, '(');
	if (open != NULL && n > 0 && spec[n - 1] == ')' && open > spec) {
		*name = xstrndup(spec, (size_t)(open - spec));
		n = strlen(*name);
		while (n > 0 && isspace((unsigned char)(*name)[n - 1]))
			(*name)[--n] = '\0';
		*code = xstrndup(open + 1, strlen(open + 1) - 1);
	} else {
		*name = xstrdup(spec);
		*code = xstrdup("");
	}
}

/*
 * The index of a language, added if new. Languages are all gathered before
 * any text is stored (build()), so after that every lookup finds one.
 */
static int
lang_add(struct form *f, const char *spec)
{
	size_t i;
	char *name, *code;

	lang_split(spec, &name, &code);
	for (i = 0; i < f->nlangs; i++) {
		if (strcasecmp(f->langs[i].name, name) == 0 &&
		    strcasecmp(f->langs[i].code, code) == 0) {
			free(name);
			free(code);
			return (int)i;
		}
	}
	if (((struct f_priv *)f->priv)->langs_frozen) {
		free(name);
		free(code);
		return -1;
	}
	f->langs = xreallocarray(f->langs, f->nlangs + 1, sizeof *f->langs);
	f->langs[f->nlangs].name = name;
	f->langs[f->nlangs].code = code;
	return (int)f->nlangs++;
}

/* Make a text's by_lang as long as the form's language list. */
static void
text_grow(struct form_text *t, size_t old, size_t nlangs)
{
	size_t i;

	t->by_lang = xreallocarray(t->by_lang, nlangs ? nlangs : 1,
	    sizeof (char *));
	for (i = old; i < nlangs; i++)
		t->by_lang[i] = NULL;
}

static void
text_set(struct form_text *t, int lang, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	if (lang < 0) {
		free(t->plain);
		t->plain = xstrdup(s);
	} else {
		free(t->by_lang[lang]);
		t->by_lang[lang] = xstrdup(s);
	}
}

static void
text_free(struct form_text *t, size_t nlangs)
{
	size_t i;

	free(t->plain);
	if (t->by_lang != NULL) {
		for (i = 0; i < nlangs; i++)
			free(t->by_lang[i]);
	}
	free(t->by_lang);
}

/* A copy of src (whose by_lang may be NULL) into an empty dst. */
static void
text_copy(struct form_text *dst, const struct form_text *src, size_t nlangs)
{
	size_t i;

	dst->plain = src->plain != NULL ? xstrdup(src->plain) : NULL;
	text_grow(dst, 0, nlangs);
	for (i = 0; i < nlangs && src->by_lang != NULL; i++)
		if (src->by_lang[i] != NULL)
			dst->by_lang[i] = xstrdup(src->by_lang[i]);
}

static int
text_empty(const struct form_text *t, size_t nlangs)
{
	size_t i;

	if (t->plain != NULL)
		return 0;
	for (i = 0; i < nlangs; i++) {
		if (t->by_lang[i] != NULL)
			return 0;
	}
	return 1;
}

/* The index in columns[] of a lower-case header, or nitems(columns). */
static size_t
column_index(const char *lower)
{
	size_t j;

	for (j = 0; j < nitems(columns); j++)
		if (strcmp(lower, columns[j].name) == 0)
			break;
	return j;
}

/*
 * What one header cell means: its column, and for a translation its
 * language (added to the form). Translations are "label::Español (es)"
 * or, legacy, "label:Español".
 */
static void
header_cell(struct builder *b, struct colspec *c, const char *h)
{
	static const char *pfx[] = { "bind::", "bind:", "control::",
	    "control:" };
	size_t j, n = strlen(h), pl;
	char *lower, *sep = NULL, *lang = NULL;

	c->header = h;
	c->lang = -1;
	c->col = C_OTHER;
	c->base = lower = xmalloc(n + 1);
	for (j = 0; j <= n; j++)
		lower[j] = (char)tolower((unsigned char)h[j]);
	if (n == 0) {
		c->col = C_NONE;
		return;
	}
	/* Legacy bind:x and control:x name the same columns. */
	for (j = 0; j < nitems(pfx); j++) {
		pl = strlen(pfx[j]);
		if (strncmp(lower, pfx[j], pl) == 0 && lower[pl] != '\0') {
			memmove(lower, lower + pl, strlen(lower + pl) + 1);
			h += pl;
			break;
		}
	}
	if ((j = column_index(lower)) < nitems(columns)) {
		c->col = columns[j].col;
		return;
	}
	/* A translation: base::lang, or base:lang. */
	if ((sep = strstr(lower, "::")) != NULL) {
		lang = (char *)h + (sep - lower) + 2;
		*sep = '\0';
	} else if ((sep = strchr(lower, ':')) != NULL) {
		lang = (char *)h + (sep - lower) + 1;
		*sep = '\0';
	}
	if ((j = column_index(lower)) == nitems(columns)) {
		/* bind::x, body::x: not ours. */
		if (sep != NULL && (strcmp(lower, "bind") == 0 ||
		    strcmp(lower, "body") == 0 ||
		    strcmp(lower, "control") == 0))
			c->col = C_UNSUPPORTED;
		/* media::x: not shown (read_header warns). */
		else if (sep != NULL && strcmp(lower, "media") == 0)
			c->col = C_MEDIA;
		/*
		 * instance::x: an attribute of the question's node in the
		 * XForm (an HXL tag...), which a kiosk's record has no place
		 * for; pyxform accepts it, so do we.
		 */
		else if (sep != NULL && strcmp(lower, "instance") == 0)
			c->col = C_IGNORED;
		return;
	}
	if (!columns[j].translatable)
		return;		/* C_OTHER */
	c->col = columns[j].col;
	while (*lang == ' ')
		lang++;
	if (*lang != '\0')
		c->lang = lang_add(b->f, lang);
}

/*
 * Work out what each header cell of a section means; two columns that
 * say the same thing: the second is ignored (reported once).
 */
static struct colspec *
read_header(struct builder *b, const struct fs_section *s)
{
	struct colspec *cs;
	size_t i, j;

	cs = xcalloc(s->header.ncells ? s->header.ncells : 1, sizeof *cs);
	for (i = 0; i < s->header.ncells; i++)
		header_cell(b, &cs[i], s->header.cells[i]);
	for (i = 0; i < s->header.ncells; i++) {
		if (cs[i].col == C_NONE || cs[i].col == C_OTHER ||
		    cs[i].col == C_IGNORED || cs[i].col == C_UNSUPPORTED ||
		    cs[i].col == C_MEDIA)
			continue;
		for (j = 0; j < i; j++) {
			if (cs[j].col == cs[i].col && cs[j].lang == cs[i].lang) {
				if (b->report_headers)
					problem(b, 0, s->name, s->header.line,
					    cs[i].header, "the columns \"%s\" "
					    "and \"%s\" say the same thing",
					    cs[j].header, cs[i].header);
				cs[i].col = C_IGNORED;
				break;
			}
		}
	}
	return cs;
}

static void
header_free(struct colspec *cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cs[i].base);
	free(cs);
}

/* ---- sections ---- */

static int
section_is(const struct fs_section *s, const char *name)
{
	return strcasecmp(s->name, name) == 0;
}

static const char *
cell(const struct fs_row *r, size_t c)
{
	return c < r->ncells ? r->cells[c] : "";
}

static int
yes(const char *s)
{
	return strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "true()") == 0 || strcmp(s, "1") == 0;
}

static int
no(const char *s)
{
	return *s == '\0' || strcasecmp(s, "no") == 0 ||
	    strcasecmp(s, "false") == 0 || strcasecmp(s, "false()") == 0 ||
	    strcmp(s, "0") == 0;
}

static int	valid_name(const char *);

/*
 * A form_id or version goes into every record's head: at most max bytes
 * and no control characters, or the office refuses the records (office.c
 * record_check). Said now, at forms check, not at the office.
 */
static void
settings_field(struct builder *b, const char *sheet, int line,
    const char *header, const char *v, size_t max)
{
	const unsigned char *p;

	if (strlen(v) > max)
		problem(b, 0, sheet, line, header, "%s is %zu bytes long; "
		    "at most %zu fit a record", header, strlen(v), max);
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			problem(b, 0, sheet, line, header, "%s holds a "
			    "control character (a line break or tab?)",
			    header);
			break;
		}
}

/*
 * Kiosk: voice::Language (code) names the espeak-ng voice that reads the
 * form aloud in that language (the header is not a translatable column,
 * so a voice never adds a language to the form).
 */
static void
settings_voice(struct builder *b, const char *sheet, int line,
    const char *header, const char *v)
{
	const char *spec;
	char *name, *code;
	int li;

	if ((spec = strstr(header, "::")) != NULL)
		spec += 2;
	else if ((spec = strchr(header, ':')) != NULL)
		spec++;
	while (spec != NULL && *spec == ' ')
		spec++;
	if (spec == NULL || *spec == '\0') {
		problem(b, 1, sheet, line, header, "a voice is for one "
		    "language: write voice::Language (code); this one is "
		    "ignored");
		return;
	}
	if (strlen(v) > 40 || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-+_") != strlen(v)) {
		problem(b, 0, sheet, line, header, "\"%s\" is not an "
		    "espeak-ng voice name such as es-419 (espeak-ng --voices)",
		    v);
		return;
	}
	lang_split(spec, &name, &code);
	li = form_lang_index(b->f, *code != '\0' ? code : name);
	if (li < 0)
		problem(b, 1, sheet, line, header, "the form has no language "
		    "\"%s\", so this voice is never used", spec);
	else {
		if (b->f->voice.by_lang == NULL)
			text_grow(&b->f->voice, 0, b->f->nlangs);
		text_set(&b->f->voice, li, v);
	}
	free(name);
	free(code);
}

static void
read_settings(struct builder *b, const struct fs_section *s)
{
	struct form *f = b->f;
	struct colspec *cs;
	const struct fs_row *r;
	size_t i;
	const char *v;
	char *end;
	long n;

	if (s->nrows == 0)
		return;
	r = &s->rows[0];
	cs = read_header(b, s);
	for (i = 0; i < s->header.ncells; i++) {
		v = cell(r, i);
		if (*v == '\0')
			continue;
		if (strcmp(cs[i].base, "form_title") == 0 ||
		    strcmp(cs[i].base, "next_steps") == 0) {
			text_set(cs[i].base[0] == 'f' ? &f->title :
			    &f->next_steps, cs[i].lang, v);
		} else if (strcmp(cs[i].base, "form_id") == 0) {
			free(f->id);
			f->id = xstrdup(v);
			settings_field(b, s->name, r->line, cs[i].header, v,
			    FORM_ID_MAX);
		} else if (strcmp(cs[i].base, "version") == 0) {
			free(f->version);
			f->version = xstrdup(v);
			settings_field(b, s->name, r->line, cs[i].header, v,
			    FORM_VERSION_MAX);
		} else if (strcmp(cs[i].base, "ticket_show_service") == 0)
			f->ticket_shows_title = yes(v);
		else if (strcmp(cs[i].base, "info_only") == 0)
			f->info_only = yes(v);
		else if (strcmp(cs[i].base, "menu_order") == 0) {
			n = strtol(v, &end, 10);
			if (*end != '\0' || n < -100000 || n > 100000)
				problem(b, 0, s->name, r->line, cs[i].header,
				    "menu_order must be a whole number");
			else
				f->order = (int)n;
		} else if (strcmp(cs[i].base, "allow_choice_duplicates") == 0)
			b->allow_dup_choices = yes(v);
		else if (strcmp(cs[i].base, "name") == 0) {
			free(b->root);
			b->root = xstrdup(v);
			if (!valid_name(v))
				problem(b, 0, s->name, r->line, cs[i].header,
				    "\"%s\" is not a valid form name", v);
		} else if (strcmp(cs[i].base, "instance_name") == 0) {
			free(b->instance_name);
			b->instance_name = xstrdup(v);
		} else if (strcmp(cs[i].base, "voice") == 0)
			settings_voice(b, s->name, r->line, cs[i].header, v);
	}
	header_free(cs, s->header.ncells);
}

static struct form_list *
list_find(struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nlists; i++) {
		if (strcmp(f->lists[i].name, name) == 0)
			return &f->lists[i];
	}
	return NULL;
}

/*
 * Kiosk: a spoken:: or spoken_hint:: text. The Listen key never reads an
 * answer, so a ${name} in it would be left out: said at forms check.
 */
static void
spoken_set(struct builder *b, struct form_text *t, const char *sheet,
    int line, const struct colspec *c, const char *v)
{
	if (strstr(v, "${") != NULL)
		problem(b, 1, sheet, line, c->header, "an answer (${...}) is "
		    "never read aloud, so it is left out of this spoken text");
	text_set(t, c->lang, v);
}

/* A new empty list at the end of f->lists (which may move). */
static struct form_list *
list_new(struct form *f, const char *name)
{
	struct form_list *l;

	f->lists = xreallocarray(f->lists, f->nlists + 1, sizeof *f->lists);
	l = &f->lists[f->nlists++];
	memset(l, 0, sizeof *l);
	l->name = xstrdup(name);
	return l;
}

/*
 * The cells of a choices row but its list name (column cl) and name (cn):
 * label, spoken text, and the other columns a choice_filter may read.
 * Cells with ${...} are kept to be checked once the survey is read.
 */
static void
choice_cells(struct builder *b, const struct fs_section *s,
    const struct colspec *cs, const struct fs_row *r, struct form_choice *c,
    size_t cl, size_t cn)
{
	size_t i;

	for (i = 0; i < s->header.ncells; i++) {
		if (strstr(cell(r, i), "${") != NULL) {
			b->refcells = xreallocarray(b->refcells,
			    b->nrefcells + 1, sizeof *b->refcells);
			b->refcells[b->nrefcells].row = r->line;
			b->refcells[b->nrefcells].col = s->header.cells[i];
			b->refcells[b->nrefcells++].text = cell(r, i);
		}
		if (i == cl || i == cn || cs[i].col == C_NONE)
			continue;
		if (cs[i].col == C_LABEL) {
			text_set(&c->label, cs[i].lang, cell(r, i));
			continue;
		}
		if (cs[i].col == C_SPOKEN)	/* kiosk: as read aloud */
			spoken_set(b, &c->spoken, s->name, r->line, &cs[i],
			    cell(r, i));
		c->extra_names[c->nextra] = xstrdup(cs[i].header);
		c->extra[c->nextra++] = xstrdup(cell(r, i));
	}
}

/*
 * The lists of the sheet external_choices (select_one_external's) are
 * named with this prefix: as in pyxform, they are apart from the choices
 * sheet's, and a list may be in both.
 */
#define EXT_LIST	"@ext:"

/* A list's name as the form writes it, and the sheet it is in. */
static const char *
list_shown(const char *name)
{
	size_t n = strlen(EXT_LIST);

	return strncmp(name, EXT_LIST, n) == 0 ? name + n : name;
}

const char *
form_list_name(const struct form_list *l)
{
	return list_shown(l->name);
}

static const char *
list_sheet(const char *name)
{
	return list_shown(name) != name ? "external_choices" : "choices";
}

/*
 * An image, audio or video on a choice: pyxform accepts it, a kiosk shows
 * and reads the label alone. Said once per list, at its first such row;
 * a choice with no label beside it is an error (an empty choice).
 */
static void
choice_media(struct builder *b, const struct fs_section *s,
    const struct colspec *cs, const struct fs_row *r,
    const struct form_list *l, const struct form_choice *c)
{
	size_t i, li = (size_t)(l - b->f->lists);

	for (i = 0; i < s->header.ncells; i++)
		if (cs[i].col == C_MEDIA && *cell(r, i) != '\0')
			break;
	if (i == s->header.ncells)
		return;
	/* As a question that is only an image: nothing to show. */
	if (text_empty(&c->label, b->f->nlangs)) {
		problem(b, 0, s->name, r->line, cs[i].header, "the choice "
		    "\"%s\" of list \"%s\" has only an image, audio or "
		    "video and no label, which is not supported at a kiosk "
		    "(it would be an empty choice)", c->name,
		    list_shown(l->name));
		return;
	}
	if (li >= b->nlist_media) {
		b->list_media = xreallocarray(b->list_media, li + 1, 1);
		memset(b->list_media + b->nlist_media, 0, li + 1 -
		    b->nlist_media);
		b->nlist_media = li + 1;
	}
	if (b->list_media[li])
		return;
	b->list_media[li] = 1;
	problem(b, 1, s->name, r->line, cs[i].header, "the choice \"%s\" of "
	    "list \"%s\" has an image, audio or video, which a kiosk does not "
	    "show: its label is shown alone (said once for the list)",
	    c->name, list_shown(l->name));
}

static void
read_choices(struct builder *b, const struct fs_section *s, int external)
{
	struct form *f = b->f;
	struct colspec *cs;
	const struct fs_row *r;
	struct form_list *l;
	struct form_choice *c;
	size_t i, j, k, nextra;
	ssize_t cl = -1, cn = -1;
	const char *ln, *nm;
	char *ext = NULL;

	cs = read_header(b, s);
	nextra = 0;
	for (i = 0; i < s->header.ncells; i++) {
		if (cs[i].col == C_LIST_NAME)
			cl = (ssize_t)i;
		else if (cs[i].col == C_NAME)
			cn = (ssize_t)i;
		else if (cs[i].col != C_LABEL && cs[i].col != C_NONE)
			nextra++;
	}
	if (s->nrows > 0 && (cl < 0 || cn < 0)) {
		problem(b, 0, s->name, s->header.ncells ? s->rows[0].line :
		    s->line, NULL, "the %s sheet needs the columns "
		    "list_name and name", s->name);
		goto out;
	}
	for (j = 0; j < s->nrows; j++) {
		r = &s->rows[j];
		ln = cell(r, (size_t)cl);
		nm = cell(r, (size_t)cn);
		if (*ln == '\0') {
			/* pyxform leaves such a row out without a word. */
			problem(b, 1, s->name, r->line, cs[cl].header,
			    "a choice has no list name; it is left out");
			continue;
		}
		if (*nm == '\0') {
			problem(b, 0, s->name, r->line, cs[cn].header,
			    "a choice in list \"%s\" has no name",
			    list_shown(ln));
			continue;
		}
		if (external) {
			xasprintf(&ext, "%s%s", EXT_LIST, ln);
			ln = ext;
		}
		if ((l = list_find(f, ln)) == NULL)
			l = list_new(f, ln);
		free(ext);
		ext = NULL;
		ln = l->name;
		for (k = 0; k < l->nchoices; k++) {
			if (strcmp(l->choices[k].name, nm) == 0)
				break;
		}
		/* pyxform checks no duplicates in external_choices. */
		if (k < l->nchoices && !b->allow_dup_choices && !external) {
			problem(b, 0, s->name, r->line, cs[cn].header,
			    "the choice \"%s\" appears twice in list \"%s\"",
			    nm, list_shown(ln));
			continue;
		}
		l->choices = xreallocarray(l->choices, l->nchoices + 1,
		    sizeof *l->choices);
		c = &l->choices[l->nchoices++];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(nm);
		text_grow(&c->label, 0, f->nlangs);
		text_grow(&c->spoken, 0, f->nlangs);
		c->extra = xcalloc(nextra ? nextra : 1, sizeof (char *));
		c->extra_names = xcalloc(nextra ? nextra : 1, sizeof (char *));
		choice_cells(b, s, cs, r, c, (size_t)cl, (size_t)cn);
		choice_media(b, s, cs, r, l, c);
	}
out:
	header_free(cs, s->header.ncells);
}

/* ---- survey ---- */

static int
valid_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!(isalpha(*p) || *p == '_' || *p >= 0x80))
		return 0;
	for (p++; *p != '\0'; p++) {
		if (!(isalnum(*p) || *p == '_' || *p == '-' || *p == '.' ||
		    *p >= 0x80))
			return 0;
	}
	return 1;
}

/*
 * A select and its list, in any spelling XLSForm accepts: 0 and *type,
 * *list ("@file:NAME" for choices from a file, EXT_LIST "NAME" for one
 * from the sheet external_choices), or -1.
 */
static int
parse_select(const char *p, enum form_type *type, char **list)
{
	static const struct {
		const char	*prefix;
		enum form_type	 type;
	} sel[] = {
		{ "select_one_from_file ", FT_SELECT_ONE },
		{ "select_multiple_from_file ", FT_SELECT_MULTIPLE },
		/* Its list is in the sheet external_choices. */
		{ "select_one_external ", FT_SELECT_ONE },
		{ "select_one ", FT_SELECT_ONE },
		{ "select one from ", FT_SELECT_ONE },
		{ "select one using ", FT_SELECT_ONE },
		{ "select one ", FT_SELECT_ONE },
		{ "select1 ", FT_SELECT_ONE },
		{ "select_multiple ", FT_SELECT_MULTIPLE },
		{ "select all that apply from ", FT_SELECT_MULTIPLE },
		{ "select all that apply ", FT_SELECT_MULTIPLE },
		{ "select multiple from ", FT_SELECT_MULTIPLE },
		{ "select multiple using ", FT_SELECT_MULTIPLE },
		{ "select multiple ", FT_SELECT_MULTIPLE },
		{ "select ", FT_SELECT_MULTIPLE },
	};
	size_t i, n;

	for (i = 0; i < nitems(sel); i++) {
		n = strlen(sel[i].prefix);
		if (strncasecmp(p, sel[i].prefix, n) != 0 || p[n] == '\0' ||
		    strchr(p + n, ' ') != NULL)
			continue;
		*type = sel[i].type;
		if (strstr(sel[i].prefix, "_from_file") != NULL)
			xasprintf(list, "@file:%s", p + n);
		else if (strstr(sel[i].prefix, "_external") != NULL)
			xasprintf(list, "%s%s", EXT_LIST, p + n);
		else
			*list = xstrdup(p + n);
		return 0;
	}
	return -1;
}

/*
 * Parse a type cell. Returns 0 and sets *type (and *list, *or_other);
 * -1 unknown, -2 not supported.
 */
static int
parse_type(const char *raw, enum form_type *type, char **list, int *or_other)
{
	const struct qtype *qt;
	char *t, *w, *p;
	size_t i, n;
	int rc = -1;

	*list = NULL;
	*or_other = 0;
	/* Collapse blanks; keep case for list names. */
	t = xstrdup(raw);
	for (p = w = t; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			if (w > t && w[-1] != ' ')
				*w++ = ' ';
		} else
			*w++ = *p;
	}
	if (w > t && w[-1] == ' ')
		w--;
	*w = '\0';
	n = strlen(t);
	if (n > 9 && strcasecmp(t + n - 9, " or_other") == 0) {
		*or_other = 1;
		t[n - 9] = '\0';
	} else if (n > 17 && strcasecmp(t + n - 17, " or specify other") ==
	    0) {
		*or_other = 1;
		t[n - 17] = '\0';
	}
	p = t;
	if (strncasecmp(p, "add ", 4) == 0 && strlen(p) > 11 &&
	    strcasecmp(p + strlen(p) - 7, " prompt") == 0) {
		p[strlen(p) - 7] = '\0';
		p += 4;
	}
	if (strncasecmp(p, "q ", 2) == 0)
		p += 2;
	if (parse_select(p, type, list) == 0) {
		rc = 0;
		goto out;
	}
	if (*or_other) {
		rc = -1;
		goto out;
	}
	if ((qt = qtype_find(p)) != NULL) {
		*type = qt->type;
		rc = 0;
		goto out;
	}
	if (strcasecmp(p, "range") == 0) {	/* a number: read_range() */
		*type = FT_INTEGER;
		rc = 0;
		goto out;
	}
	for (i = 0; i < nitems(unsupported_types); i++) {
		n = strlen(unsupported_types[i]);
		if (strncasecmp(p, unsupported_types[i], n) == 0 &&
		    (p[n] == '\0' || p[n] == ' ')) {
			rc = -2;
			goto out;
		}
	}
out:
	free(t);
	return rc;
}

static const char *
type_word(enum form_type t)
{
	switch (t) {
	case FT_BEGIN_GROUP:
		return "group";
	case FT_BEGIN_REPEAT:
		return "repeat";
	default:
		return "question";
	}
}

/* ---- the name index (open addressing; first question of a name) ---- */

static size_t
name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int
is_end(const struct form_question *q)
{
	return qtype_of(q->type)->nest < 0;
}

static void
names_build(struct form *f)
{
	struct f_priv *fp = f->priv;
	size_t i, h, n = 16;

	while (n < f->nquestions * 2 + 16)
		n *= 2;
	free(fp->names);
	fp->names = xreallocarray(NULL, n, sizeof *fp->names);
	fp->nnames = n;
	for (i = 0; i < n; i++)
		fp->names[i] = -1;
	for (i = 0; i < f->nquestions; i++) {
		if (f->questions[i].name == NULL || is_end(&f->questions[i]))
			continue;
		for (h = name_hash(f->questions[i].name) & (n - 1);
		    fp->names[h] >= 0; h = (h + 1) & (n - 1)) {
			if (strcmp(f->questions[fp->names[h]].name,
			    f->questions[i].name) == 0)
				break;
		}
		if (fp->names[h] < 0)
			fp->names[h] = (int)i;
		else {
			((struct fq_priv *)f->questions[i].priv)->dup_name = 1;
			((struct fq_priv *)f->questions[fp->names[h]].priv)
			    ->dup_name = 1;
		}
	}
}

static int
names_find(const struct form *f, const char *name)
{
	const struct f_priv *fp = f->priv;
	size_t h, i;

	if (fp == NULL || fp->names == NULL) {
		for (i = 0; i < f->nquestions; i++) {
			if (f->questions[i].name != NULL &&
			    !is_end(&f->questions[i]) &&
			    strcmp(f->questions[i].name, name) == 0)
				return (int)i;
		}
		return -1;
	}
	for (h = name_hash(name) & (fp->nnames - 1); fp->names[h] >= 0;
	    h = (h + 1) & (fp->nnames - 1)) {
		if (strcmp(f->questions[fp->names[h]].name, name) == 0)
			return fp->names[h];
	}
	return -1;
}

/* Resolution of ${name} during compile. */
struct resolve_ctx {
	struct form		*f;
	const struct form_list	*list;	/* choice_filter: bare names */
	struct builder		*b;
	int			 row;	/* for warnings */
	const char		*col;
};

/*
 * A path (../x, ./x, ../../g/x, /data/g/x) from the question being
 * checked, step by step as XPath does: a shared name is then never
 * ambiguous. -1 if it leads nowhere.
 */
static int
resolve_path(const struct resolve_ctx *rc, const char *path)
{
	const struct form *f = rc->f;
	const struct form_question *q;
	const char *p = path, *e, *root;
	long node;
	size_t len, i;

	if (rc->b == NULL || rc->b->cur_q == NULL)
		return -1;
	node = rc->b->cur_q - f->questions;
	if (*p == '/') {
		root = rc->b->root != NULL ? rc->b->root : "data";
		len = strlen(root);
		if (strncmp(p + 1, root, len) != 0 || p[len + 1] != '/')
			return -1;
		p += len + 2;
		node = -1;
	}
	for (;;) {
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (node < 0)
				return -1;
			node = f->questions[node].parent;
		} else if (!(len == 1 && p[0] == '.')) {
			for (i = 0; i < f->nquestions; i++) {
				q = &f->questions[i];
				if (q->parent == node && q->name != NULL &&
				    !is_end(q) &&
				    strlen(q->name) == len &&
				    strncmp(q->name, p, len) == 0)
					break;
			}
			if (i == f->nquestions)
				return -1;
			node = (long)i;
		}
		if (e == NULL)
			return node < 0 ? -1 : (int)node;
		p = e + 1;
	}
}

static int
resolve_name(void *arg, const char *name)
{
	struct resolve_ctx *rc = arg;
	struct form *f = rc->f;
	size_t i;

	if (name[0] == '#') {
		/* instance('list') ("#list") and its columns ("#list/col"). */
		const char *sl = strchr(name + 1, '/');
		char *ln = xstrndup(name + 1, sl != NULL ?
		    (size_t)(sl - name - 1) : strlen(name + 1));
		for (i = 0; i < f->nlists; i++)
			if (strcmp(f->lists[i].name, ln) == 0)
				break;
		free(ln);
		if (i == f->nlists || i >= 0x1000)
			return -1;
		if (sl == NULL)
			return (int)i;
		sl++;
		if (strcmp(sl, "name") == 0)
			return EXPR_ITEM_REF((int)i, 0);
		if (strcmp(sl, "label") == 0 || strncmp(sl, "label::", 7) ==
		    0)
			return EXPR_ITEM_REF((int)i, 1);
		for (size_t k = 0; f->lists[i].nchoices > 0 &&
		    k < f->lists[i].choices[0].nextra && k < 1000; k++)
			if (strcmp(f->lists[i].choices[0].extra_names[k], sl)
			    == 0)
				return EXPR_ITEM_REF((int)i, 2 + (int)k);
		return -1;
	}
	if (name[0] == '%')
		return resolve_path(rc, name + 1);
	if (name[0] == '/') {
		/* A bare name in a choice_filter: a choices column. */
		name++;
		if (rc->list == NULL)
			return -1;
		if (strcmp(name, "name") == 0)
			return FORM_REF_CHOICE;
		if (strncmp(name, "label", 5) == 0)
			return FORM_REF_CHOICE + 1;
		for (i = 0; rc->list->nchoices > 0 &&
		    i < rc->list->choices[0].nextra; i++) {
			if (strcmp(rc->list->choices[0].extra_names[i], name)
			    == 0)
				return FORM_REF_CHOICE + 2 + (int)i;
		}
		/*
		 * As in ODK, a column the list does not have reads as empty
		 * (pyxform accepts it); a likely mistake, so a warning.
		 */
		if (rc->b != NULL && valid_name(name))
			problem(rc->b, 1, "survey", rc->row, rc->col, "the choice "
			    "list \"%s\" has no column \"%s\"; it reads as "
			    "empty", form_list_name(rc->list), name);
		return valid_name(name) ? FORM_REF_CHOICE + 2 + 100000 : -1;
	}
	if ((i = (size_t)names_find(f, name)) != (size_t)-1)
		return ((struct fq_priv *)f->questions[i].priv)->dup_name ?
		    EXPR_REF_AMBIGUOUS : (int)i;
	if (strncmp(name, "last-saved#", 11) == 0 ||
	    strcmp(name, "instanceID") == 0)
		return EXPR_REF_UNSUPPORTED;
	for (i = 0; rc->b != NULL && i < rc->b->nskipped; i++)
		if (strcmp(rc->b->skipped[i], name) == 0)
			return EXPR_REF_SKIPPED;
	return -1;
}

/*
 * As pyxform: typographic quotes (’ ‘ “ ”, which Excel and Word put in)
 * are straight quotes in an expression. Allocated.
 */
static char *
straight_quotes(const char *src)
{
	char *out = xstrdup(src), *w = out;
	const unsigned char *p = (const unsigned char *)src;

	while (*p != '\0') {
		if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x98 ||
		    p[2] == 0x99)) {
			*w++ = '\'';
			p += 3;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x9c ||
		    p[2] == 0x9d)) {
			*w++ = '"';
			p += 3;
		} else
			*w++ = (char)*p++;
	}
	*w = '\0';
	return out;
}

/* Is question group a group or repeat around question ref? */
static int
encloses(void *arg, int group, int ref)
{
	const struct form *f = arg;
	int p;

	if (ref < 0 || ref >= (int)f->nquestions)
		return 0;
	for (p = f->questions[ref].parent; p >= 0; p = f->questions[p].parent)
		if (p == group)
			return 1;
	return 0;
}

static struct expr *
compile(struct builder *b, int row, const char *col, const char *raw,
    const struct form_list *list)
{
	struct resolve_ctx rc = { b->f, list, b, row, col };
	struct expr *e;
	char *cause = NULL, *src;

	if (raw == NULL)
		return NULL;
	src = straight_quotes(raw);
	e = expr_compile(src, resolve_name, &rc, &cause);
	if (e != NULL && expr_check_indexed(e, encloses, b->f, &cause) != 0) {
		expr_free(e);
		e = NULL;
	}
	if (e == NULL) {
		/* A row with an error of its own: one error per problem. */
		/* One line per problem: line breaks of the cell as blanks. */
		for (char *c = src; *c != '\0'; c++)
			if (*c == '\n' || *c == '\r' || *c == '\t')
				*c = ' ';
		if (strstr(cause, "is a row that has an error of its own") ==
		    NULL || b->nerrors == 0)
			problem(b, 0, "survey", row, col, "%s (in \"%s\"%s%s%s)",
			    cause, src, b->cur_name != NULL ? " of \"" : "",
			    b->cur_name != NULL ? b->cur_name : "",
			    b->cur_name != NULL ? "\"" : "");
		free(cause);
	}
	free(src);
	return e;
}

/* Check the ${name} references inside a label or hint. */
/*
 * Check the ${name} references of a text. seen (may be NULL) holds the
 * names already reported for this cell in another language, so that a
 * problem is reported once, not once per language.
 */
static void
check_refs_seen(struct builder *b, const char *sheet, int row,
    const char *col, const char *s, struct buf *seen)
{
	struct resolve_ctx rc = { b->f, NULL, b, row, col };
	const char *p, *e;
	char *name, *key;

	for (p = s; (p = strstr(p, "${")) != NULL; p = e) {
		if ((e = strchr(p, '}')) == NULL)
			break;
		name = xstrndup(p + 2, (size_t)(e - p - 2));
		if (seen != NULL) {
			xasprintf(&key, "\n%s\n", name);
			if (seen->len > 0 && strstr(buf_cstr(seen), key) !=
			    NULL) {
				free(key);
				free(name);
				continue;
			}
			buf_adds(seen, key + (seen->len > 0));
			free(key);
		}
		switch (resolve_name(&rc, name)) {
		case EXPR_REF_UNSUPPORTED:
			problem(b, 0, sheet, row, col, "${%s} is not "
			    "supported at a kiosk", name);
			break;
		case -1:
			problem(b, 0, sheet, row, col, "there is no question "
			    "named \"%s\" (in \"${%s}\"%s%s%s)", name, name,
			    b->cur_name != NULL ? " of \"" : "",
			    b->cur_name != NULL ? b->cur_name : "",
			    b->cur_name != NULL ? "\"" : "");
			break;
		case EXPR_REF_AMBIGUOUS:
			problem(b, 0, sheet, row, col, "${%s} is ambiguous: "
			    "there are several questions named \"%s\" (in "
			    "different groups)", name, name);
			break;
		case EXPR_REF_SKIPPED:
			/* That row's own error says it all. */
			break;
		default:
			break;
		}
		free(name);
	}
}

static void
check_refs(struct builder *b, const char *sheet, int row, const char *col,
    const char *s)
{
	check_refs_seen(b, sheet, row, col, s, NULL);
}

static void
check_text_refs(struct builder *b, const struct form_question *q,
    const struct form_text *t, const char *col)
{
	struct buf seen = { 0 };
	size_t i;

	for (i = 0; i <= b->f->nlangs; i++) {
		if (i == b->f->nlangs) {
			if (t->plain != NULL)
				check_refs_seen(b, "survey", q->row, col,
				    t->plain, &seen);
		} else if (t->by_lang[i] != NULL)
			check_refs_seen(b, "survey", q->row, col,
			    t->by_lang[i], &seen);
	}
	buf_free(&seen);
}

static void	free_question(struct form_question *, size_t);

static char *
dup_or_null(const char *s)
{
	return (s == NULL || *s == '\0') ? NULL : xstrdup(s);
}

struct rowcols {
	const char	*v[C_OTHER + 1];
	int		 col[C_OTHER + 1];
};

/*
 * Where a column copied as it is goes (expressions, appearance). With
 * translated_fields below, every string of struct form_question but its
 * name has a row here: free_question frees by these two tables.
 */
struct col_field {
	enum col	 col;
	size_t		 off;		/* in struct form_question */
};

static const struct col_field text_fields[] = {
	{ C_REQUIRED, offsetof(struct form_question, required) },
	{ C_CONSTRAINT, offsetof(struct form_question, constraint) },
	{ C_RELEVANT, offsetof(struct form_question, relevant) },
	{ C_CALCULATION, offsetof(struct form_question, calculation) },
	{ C_TRIGGER, offsetof(struct form_question, trigger) },
	{ C_DEFAULT, offsetof(struct form_question, default_value) },
	{ C_READ_ONLY, offsetof(struct form_question, read_only) },
	{ C_CHOICE_FILTER, offsetof(struct form_question, choice_filter) },
	{ C_APPEARANCE, offsetof(struct form_question, appearance) },
	{ C_REPEAT_COUNT, offsetof(struct form_question, repeat_count) },
	{ C_REVIEWED, offsetof(struct form_question, reviewed) },
};

static char **
text_field(struct form_question *q, enum col col)
{
	size_t i;

	for (i = 0; i < nitems(text_fields); i++)
		if (text_fields[i].col == col)
			return (char **)(void *)((char *)q +
			    text_fields[i].off);
	return NULL;
}

/* Where a translatable column goes (read_survey_texts). */
static const struct col_field translated_fields[] = {
	{ C_LABEL, offsetof(struct form_question, label) },
	{ C_HINT, offsetof(struct form_question, hint) },
	{ C_SPOKEN, offsetof(struct form_question, spoken) },
	{ C_SPOKEN_HINT, offsetof(struct form_question, spoken_hint) },
	{ C_REQUIRED_MSG, offsetof(struct form_question, required_message) },
	{ C_CONSTRAINT_MSG, offsetof(struct form_question,
	    constraint_message) },
};

/* The k-th translatable text of q (k < nitems(translated_fields)). */
static struct form_text *
text_at(struct form_question *q, size_t k)
{
	return (struct form_text *)(void *)((char *)q +
	    translated_fields[k].off);
}

/* The translatable text a survey column fills, or NULL. */
static struct form_text *
text_of_col(struct form_question *q, enum col col)
{
	size_t k;

	for (k = 0; k < nitems(translated_fields); k++)
		if (translated_fields[k].col == col)
			return text_at(q, k);
	return NULL;
}

/*
 * A survey row without a type. As pyxform: a question (a name or a label)
 * needs a type; any other row without one is skipped with a warning.
 */
static void
typeless_row(struct builder *b, const struct fs_section *s,
    const struct colspec *cs, const struct fs_row *r, const char *namecell)
{
	int any = 0, named = *namecell != '\0';
	size_t i;

	for (i = 0; i < r->ncells; i++) {
		if (r->cells[i][0] == '\0' || i >= s->header.ncells ||
		    cs[i].col == C_IGNORED || cs[i].col == C_NONE)
			continue;
		any = 1;
		if (cs[i].col == C_LABEL)
			named = 1;
	}
	if (named)
		problem(b, 0, s->name, r->line, "type",
		    "the question %s%s%shas no type", *namecell ? "\"" : "",
		    namecell, *namecell ? "\" " : "");
	else if (any)
		problem(b, 1, s->name, r->line, "type", "this row has no "
		    "type, name or label; it is skipped");
}

/*
 * The type cell of a survey row: 0 and *type (*list, *orr), or -1 after
 * a problem, the row's name then kept in b->skipped. A type the table in
 * qtype.c has no row for is refused here, never loaded as a question no
 * one is shown.
 */
static int
row_type(struct builder *b, const struct fs_section *s, const struct fs_row *r,
    const char *typecell, const char *namecell, enum form_type *type,
    char **list, int *orr)
{
	int rc = parse_type(typecell, type, list, orr);

	if (rc == 0 && qtype_of(*type) == NULL) {
		free(*list);
		rc = -3;
	}
	if (rc < 0 && *namecell != '\0') {
		b->skipped = xreallocarray(b->skipped, b->nskipped + 1,
		    sizeof *b->skipped);
		b->skipped[b->nskipped++] = xstrdup(namecell);
	}
	if (rc == -3)
		problem(b, 0, s->name, r->line, "type", "the type \"%s\" has "
		    "no row in the kiosk's table of question types%s%s%s",
		    typecell, *namecell ? " (question \"" : "", namecell,
		    *namecell ? "\")" : "");
	else if (rc == -2)
		problem(b, 0, s->name, r->line, "type", "the type \"%s\" is "
		    "not supported at a kiosk%s%s%s", typecell, *namecell ?
		    " (question \"" : "", namecell, *namecell ? "\")" : "");
	else if (rc == -1)
		problem(b, 0, s->name, r->line, "type", "unknown type "
		    "\"%s\"%s%s%s", typecell, *namecell ? " (question \"" : "",
		    namecell, *namecell ? "\")" : "");
	return rc < 0 ? -1 : 0;
}

/* Append a question for a survey row: its type and name, no texts yet. */
static struct form_question *
new_question(struct builder *b, size_t *cap, const char *sheet, int line,
    enum form_type type, const char *typecell, const char *namecell)
{
	struct form *f = b->f;
	struct form_question *q;
	struct fq_priv *pv;
	size_t k;

	if (f->nquestions == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		f->questions = xreallocarray(f->questions, *cap,
		    sizeof *f->questions);
	}
	q = &f->questions[f->nquestions++];
	memset(q, 0, sizeof *q);
	q->type = type;
	q->row = line;
	q->priv = pv = xcalloc(1, sizeof *pv);
	pv->repeat = -1;
	pv->other_of = -1;
	pv->end = -1;
	q->name = dup_or_null(namecell);
	/* As pyxform: an audit is always named "audit". */
	if (strcasecmp(typecell, "audit") == 0) {
		if (q->name == NULL)
			q->name = xstrdup("audit");
		else if (strcmp(q->name, "audit") != 0)
			problem(b, 0, sheet, line, "name", "an audit must be "
			    "named \"audit\", not \"%s\"", q->name);
	}
	/* Texts get their languages at the end (read_survey_texts). */
	for (k = 0; k < nitems(translated_fields); k++)
		text_at(q, k)->by_lang = xcalloc(1, sizeof (char *));
	return q;
}

/*
 * One of our yes/no columns (yes, true, no, false in any case): 0 and
 * *flag, or -1 after a problem naming the column as what.
 */
static int
yes_no_cell(struct builder *b, const char *sheet, int line,
    const struct colspec *c, const char *what, const char *v, int *flag)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0)
		*flag = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
		*flag = 0;
	else {
		problem(b, 0, sheet, line, c->header, "%s must be yes or no, "
		    "not \"%s\"", what, v);
		return -1;
	}
	return 0;
}

/* The cells of a survey row other than its translated texts. */
static void
read_cells(struct builder *b, const struct fs_section *s,
    const struct colspec *cs, const struct fs_row *r, struct form_question *q)
{
	struct fq_priv *pv = q->priv;
	const char *v;
	char **fp;
	size_t i;
	int flag;

	for (i = 0; i < s->header.ncells; i++) {
		/* Translated texts: read_survey_texts. */
		if (*(v = cell(r, i)) == '\0' ||
		    text_of_col(q, cs[i].col) != NULL)
			continue;
		switch (cs[i].col) {
		case C_STORE:
			/*
			 * Our extension: the answer steers the form but
			 * never leaves the kiosk.
			 */
			if (yes_no_cell(b, s->name, r->line, &cs[i], "store",
			    v, &flag) == 0)
				q->no_store = !flag;
			break;
		case C_TICKET:
			/* Our extension: a note shown at Send goes on the ticket. */
			if (yes_no_cell(b, s->name, r->line, &cs[i], "ticket",
			    v, &flag) == 0)
				q->on_ticket = flag;
			break;
		case C_PARAMETERS:
			free(pv->params);
			pv->params = xstrdup(v);
			break;
		case C_IGNORED:
			if (strcmp(cs[i].base, "guidance_hint") == 0)
				pv->guidance = 1;
			break;
		case C_MEDIA:
			/*
			 * An image, audio or video beside a text: pyxform
			 * accepts it; a kiosk shows and reads the text alone
			 * (a question with no text is not supported).
			 */
			pv->media = 1;
			if (!b->media_warned)
				problem(b, 1, s->name, r->line, cs[i].header,
				    "a kiosk shows no images, audio or video; "
				    "the text beside them is shown alone");
			b->media_warned = 1;
			break;
		case C_UNSUPPORTED:
			problem(b, 0, s->name, r->line, cs[i].header, "the "
			    "column \"%s\" is not supported at a kiosk",
			    cs[i].header);
			break;
		default:
			if ((fp = text_field(q, cs[i].col)) != NULL) {
				free(*fp);
				*fp = xstrdup(v);
			}
			break;
		}
	}
}

/* The groups and repeats open while the survey is read. */
struct nesting {
	int	*stack;		/* indices of their begin_* questions */
	int	 depth;
	int	 cap;
};

/*
 * Open or close a group or repeat at the last question (qtype's nest).
 * An end without a begin is dropped: 0 if the question stays, -1 if not.
 */
static int
nest_question(struct builder *b, struct nesting *n, const char *sheet,
    const char *typecell)
{
	struct form *f = b->f;
	struct form_question *q = &f->questions[f->nquestions - 1];
	size_t begin;

	q->parent = n->depth > 0 ? n->stack[n->depth - 1] : -1;
	if (qtype_of(q->type)->nest > 0) {
		if (n->depth == n->cap) {
			n->cap = n->cap ? n->cap * 2 : 8;
			n->stack = xreallocarray(n->stack, (size_t)n->cap,
			    sizeof *n->stack);
		}
		n->stack[n->depth++] = (int)f->nquestions - 1;
	} else if (qtype_of(q->type)->nest < 0) {
		if (n->depth == 0) {
			problem(b, 0, sheet, q->row, "type", "\"%s\" without "
			    "a matching begin", typecell);
			/* Its texts are not read yet: no languages. */
			free_question(q, 0);
			f->nquestions--;
			return -1;
		}
		begin = (size_t)n->stack[n->depth - 1];
		if ((q->type == FT_END_GROUP) !=
		    (f->questions[begin].type == FT_BEGIN_GROUP))
			problem(b, 0, sheet, q->row, "type", "\"%s\" closes "
			    "the %s begun on row %d", typecell,
			    type_word(f->questions[begin].type),
			    f->questions[begin].row);
		n->depth--;
		q->parent = n->depth > 0 ? n->stack[n->depth - 1] : -1;
		((struct fq_priv *)f->questions[begin].priv)->end =
		    (int)f->nquestions - 1;
	}
	return 0;
}

/*
 * First pass over the survey rows: each row with a type becomes a
 * question (its translated texts come in read_survey_texts, once every
 * header has named its languages); groups and repeats are matched.
 */
static void
read_survey(struct builder *b, struct fs_section **secs, size_t nsecs)
{
	struct form *f = b->f;
	struct nesting n = { NULL, 0, 0 };
	struct colspec *cs;
	const struct fs_section *s;
	const struct fs_row *r;
	struct form_question *q;
	size_t si, j, i, cap = 0;
	int orr;
	enum form_type type;
	char *list;
	const char *typecell, *namecell;

	for (si = 0; si < nsecs; si++) {
		s = secs[si];
		cs = read_header(b, s);
		for (j = 0; j < s->nrows; j++) {
			r = &s->rows[j];
			typecell = namecell = "";
			for (i = 0; i < s->header.ncells; i++) {
				if (cs[i].col == C_TYPE)
					typecell = cell(r, i);
				else if (cs[i].col == C_NAME)
					namecell = cell(r, i);
			}
			if (*typecell == '\0') {
				typeless_row(b, s, cs, r, namecell);
				continue;
			}
			if (row_type(b, s, r, typecell, namecell, &type, &list,
			    &orr) != 0)
				continue;
			q = new_question(b, &cap, s->name, r->line, type,
			    typecell, namecell);
			q->or_other = orr;
			if (strcasecmp(typecell, "range") == 0)
				((struct fq_priv *)q->priv)->range = 1;
			read_cells(b, s, cs, r, q);
			/*
			 * Until link_lists() the list pointer carries the
			 * list's name (the lists are not final yet).
			 */
			if (list != NULL)
				q->list = (const struct form_list *)
				    (void *)list;
			if (nest_question(b, &n, s->name, typecell) != 0)
				free(list);
		}
		header_free(cs, s->header.ncells);
	}
	while (n.depth > 0) {
		q = &f->questions[n.stack[--n.depth]];
		problem(b, 0, "survey", q->row, "type", "the %s \"%s\" is "
		    "never closed (no end_%s)", type_word(q->type),
		    q->name ? q->name : "", type_word(q->type));
	}
	free(n.stack);
}

/* Second pass over the survey rows for the translated texts. */
static void
read_survey_texts(struct builder *b, struct fs_section **secs, size_t nsecs)
{
	struct form *f = b->f;
	struct colspec *cs;
	const struct fs_section *s;
	const struct fs_row *r;
	struct form_question *q;
	struct form_text *text;
	size_t si, j, i, qi = 0;

	for (qi = 0; qi < f->nquestions; qi++)
		for (i = 0; i < nitems(translated_fields); i++)
			text_grow(text_at(&f->questions[qi], i), 0,
			    f->nlangs);
	qi = 0;
	for (si = 0; si < nsecs; si++) {
		s = secs[si];
		cs = read_header(b, s);
		for (j = 0; j < s->nrows && qi < f->nquestions; j++) {
			r = &s->rows[j];
			if (f->questions[qi].row != r->line)
				continue;
			q = &f->questions[qi++];
			for (i = 0; i < s->header.ncells; i++) {
				if ((text = text_of_col(q, cs[i].col)) == NULL)
					continue;
				if (cs[i].col == C_SPOKEN ||
				    cs[i].col == C_SPOKEN_HINT)
					spoken_set(b, text, s->name, r->line,
					    &cs[i], cell(r, i));
				else
					text_set(text, cs[i].lang, cell(r, i));
			}
		}
		header_free(cs, s->header.ncells);
	}
}

/*
 * After add_or_other: indices moved, so fix the parent and end links
 * (and each NAME_other's link to NAME, just before it).
 */
static void
relink(struct form *f)
{
	struct form_question *q;
	struct fq_priv *pv;
	int *map = xcalloc(f->nquestions, sizeof *map);
	size_t i, orig = 0;

	for (i = 0; i < f->nquestions; i++) {
		if (((struct fq_priv *)f->questions[i].priv)->other_of >= 0)
			continue;
		map[orig++] = (int)i;
	}
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		pv = q->priv;
		if (pv->other_of >= 0) {
			pv->other_of = (int)i - 1;
			continue;
		}
		if (q->parent >= 0)
			q->parent = map[q->parent];
		if (pv->end >= 0)
			pv->end = map[pv->end];
	}
	for (i = 0; i < f->nquestions; i++) {
		pv = f->questions[i].priv;
		if (pv->other_of >= 0)
			f->questions[i].parent = f->questions[i - 1].parent;
	}
	free(map);
}

/* Add the "other" choice list variant and the NAME_other question. */
static void
add_or_other(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q, *o;
	struct fq_priv *pv;
	size_t i, k, n = f->nquestions;
	char *rel;

	/* Count over the original questions only: n grows as we count. */
	for (i = 0; i < f->nquestions; i++) {
		if (f->questions[i].or_other)
			n++;
	}
	if (n == f->nquestions)
		return;
	f->questions = xreallocarray(f->questions, n, sizeof *f->questions);
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (!q->or_other)
			continue;
		memmove(q + 2, q + 1, (f->nquestions - i - 1) * sizeof *q);
		f->nquestions++;
		o = q + 1;
		memset(o, 0, sizeof *o);
		o->type = FT_TEXT;
		xasprintf(&o->name, "%s_other", q->name ? q->name : "");
		o->label.plain = xstrdup("Specify other.");
		o->specify_other = 1;
		for (k = 0; k < nitems(translated_fields); k++)
			text_at(o, k)->by_lang = xcalloc(f->nlangs ?
			    f->nlangs : 1, sizeof (char *));
		xasprintf(&rel, "selected(${%s}, 'other')", q->name ?
		    q->name : "");
		o->relevant = rel;
		o->row = q->row;
		o->parent = q->parent;
		o->priv = pv = xcalloc(1, sizeof *pv);
		pv->repeat = -1;
		pv->end = -1;
		pv->other_of = (int)i;
		i++;
	}
	relink(f);
}

/*
 * The choices of a list file's table: one a row with a name (column cn),
 * its label (label, label::Language) and its other columns.
 */
static void
file_choices(struct form *f, struct form_list *l, const struct fs_section *t,
    size_t cn)
{
	const struct fs_row *r;
	struct form_choice *c;
	const char *h;
	size_t i, j;

	l->choices = xcalloc(t->nrows, sizeof *l->choices);
	for (j = 0; j < t->nrows; j++) {
		r = &t->rows[j];
		if (*cell(r, cn) == '\0')
			continue;
		c = &l->choices[l->nchoices++];
		c->name = xstrdup(cell(r, cn));
		text_grow(&c->label, 0, f->nlangs);
		c->extra = xcalloc(t->header.ncells, sizeof (char *));
		c->extra_names = xcalloc(t->header.ncells, sizeof (char *));
		for (i = 0; i < t->header.ncells; i++) {
			h = t->header.cells[i];
			if (i == cn || *h == '\0')
				continue;
			if (strcasecmp(h, "label") == 0)
				text_set(&c->label, -1, cell(r, i));
			else if (strncasecmp(h, "label::", 7) == 0)
				text_set(&c->label, form_lang_index(f, h + 7) >=
				    0 ? form_lang_index(f, h + 7) : lang_add(f,
				    h + 7), cell(r, i));
			else {
				c->extra_names[c->nextra] = xstrdup(h);
				c->extra[c->nextra++] = xstrdup(cell(r, i));
			}
		}
	}
}

/*
 * select_one_from_file FILE: the choices are the rows of FILE, a CSV in
 * the form's folder with columns name and label (label::Language for
 * translations; any other column can be read by a choice_filter). The
 * list is named after the file's stem, as instance('stem') in ODK.
 * Returns that name, or NULL after reporting the problem.
 */
static char *
load_file_list(struct builder *b, int row, const char *fname)
{
	struct form *f = b->f;
	struct buf data = { 0 };
	struct fs_book book;
	const struct fs_section *t;
	const char *ext = strrchr(fname, '.'), *slash;
	char *dir, *path, *stem, *cause = NULL;
	size_t i;
	ssize_t cn = -1;

	if (ext == NULL || strcasecmp(ext, ".csv") != 0) {
		problem(b, 0, "survey", row, "type", "choices from \"%s\" are "
		    "not supported at a kiosk: only a CSV file (XML and "
		    "GeoJSON are not)", fname);
		return NULL;
	}
	if (strchr(fname, '/') != NULL || fname[0] == '.') {
		problem(b, 0, "survey", row, "type", "\"%s\" must be a file "
		    "name in the form's own folder", fname);
		return NULL;
	}
	stem = xstrndup(fname, (size_t)(ext - fname));
	if (list_find(f, stem) != NULL) {
		problem(b, 0, "survey", row, "type", "the choices sheet already "
		    "has a list named \"%s\", the name of the file %s", stem,
		    fname);
		free(stem);
		return NULL;
	}
	slash = strrchr(b->path, '/');
	dir = slash != NULL ? xstrndup(b->path, (size_t)(slash - b->path)) :
	    xstrdup(".");
	xasprintf(&path, "%s/%s", dir, fname);
	free(dir);
	if (read_file(path, &data, FORM_MAX_FILE, &cause) != 0 ||
	    fs_parse_table(fname, data.data != NULL ? (char *)data.data : "",
	    data.len, &book, &cause) != 0) {
		problem(b, 0, "survey", row, "type", "cannot read the choices "
		    "of select_*_from_file: %s", cause);
		free(cause);
		free(path);
		free(stem);
		buf_free(&data);
		return NULL;
	}
	free(path);
	buf_free(&data);
	t = book.nsections > 0 ? &book.sections[0] : NULL;
	for (i = 0; t != NULL && i < t->header.ncells; i++)
		if (strcasecmp(t->header.cells[i], "name") == 0)
			cn = (ssize_t)i;
	if (t == NULL || cn < 0 || t->nrows == 0) {
		problem(b, 0, "survey", row, "type", "%s needs a header row "
		    "with a name column (and label), then one row per "
		    "choice", fname);
		fs_free(&book);
		free(stem);
		return NULL;
	}
	file_choices(f, list_new(f, stem), t, (size_t)cn);
	fs_free(&book);
	return stem;
}

/*
 * Take each select's list name out of its list pointer (where read_survey
 * stashed it); a list from a file ("@file:NAME") is read, or reported,
 * once, and named by its stem. Returns one name (or NULL) per question.
 */
static char **
take_list_names(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q;
	char **names, *fn, *stem;
	size_t i, k;
	struct {
		char	*name;
		char	*stem;	/* NULL: could not be read (reported) */
	} *files = NULL;
	size_t nfiles = 0;

	names = xcalloc(f->nquestions ? f->nquestions : 1, sizeof *names);
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (qtype_of(q->type)->input == QI_CHOICE) {
			names[i] = (char *)(void *)q->list;
			q->list = NULL;
		}
		if (names[i] == NULL || strncmp(names[i], "@file:", 6) != 0)
			continue;
		fn = names[i] + 6;
		stem = NULL;
		for (k = 0; k < nfiles; k++)
			if (strcmp(files[k].name, fn) == 0)
				break;
		if (k < nfiles) {
			if (files[k].stem != NULL)
				stem = xstrdup(files[k].stem);
		} else {
			stem = load_file_list(b, q->row, fn);
			files = xreallocarray(files, nfiles + 1, sizeof *files);
			files[nfiles].name = xstrdup(fn);
			files[nfiles++].stem = stem != NULL ? xstrdup(stem) :
			    NULL;
		}
		free(names[i]);
		names[i] = stem;
	}
	for (k = 0; k < nfiles; k++) {
		free(files[k].name);
		free(files[k].stem);
	}
	free(files);
	return names;
}

/* A copy of a choice, for the or_other variant of its list. */
static void
choice_copy(struct form_choice *c, const struct form_choice *oc,
    size_t nlangs)
{
	size_t e;

	c->name = xstrdup(oc->name);
	text_copy(&c->label, &oc->label, nlangs);
	text_copy(&c->spoken, &oc->spoken, nlangs);
	c->nextra = oc->nextra;
	c->extra = xcalloc(c->nextra ? c->nextra : 1, sizeof (char *));
	c->extra_names = xcalloc(c->nextra ? c->nextra : 1, sizeof (char *));
	for (e = 0; e < c->nextra; e++) {
		c->extra[e] = xstrdup(oc->extra[e]);
		c->extra_names[e] = xstrdup(oc->extra_names[e]);
	}
}

/*
 * The list "NAME or_other": NAME's choices and, unless it has one, an
 * "Other" choice. Made once, however many questions use it. f->lists may
 * move (realloc), so no list pointer survives this call.
 */
static void
add_or_other_list(struct form *f, const char *name, const char *vname)
{
	const struct form_list *l;
	struct form_list *nl;
	struct form_choice *c;
	size_t k;

	if (list_find(f, vname) != NULL)
		return;
	nl = list_new(f, vname);
	l = list_find(f, name);
	nl->nchoices = l->nchoices;
	nl->choices = xcalloc(l->nchoices + 1, sizeof *nl->choices);
	for (k = 0; k < l->nchoices; k++)
		choice_copy(&nl->choices[k], &l->choices[k], f->nlangs);
	for (k = 0; k < nl->nchoices; k++)
		if (strcmp(nl->choices[k].name, "other") == 0)
			return;
	c = &nl->choices[nl->nchoices++];
	c->name = xstrdup("other");
	c->label.plain = xstrdup("Other");
	c->added_other = 1;
	c->label.by_lang = xcalloc(f->nlangs ? f->nlangs : 1,
	    sizeof (char *));
	c->extra = xcalloc(1, sizeof (char *));
	c->extra_names = xcalloc(1, sizeof (char *));
}

/*
 * Point each select at its list, now that the choices sheet and the
 * lists from files are read: first the lists' names, then the or_other
 * variants (they add lists, which moves them), then the links.
 */
static void
link_lists(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q;
	const struct form_list *l = NULL;
	char **names, *vname;
	size_t i;

	names = take_list_names(b);
	for (i = 0; i < f->nquestions; i++) {
		if (names[i] == NULL || !f->questions[i].or_other ||
		    list_find(f, names[i]) == NULL)
			continue;
		xasprintf(&vname, "%s or_other", names[i]);
		add_or_other_list(f, names[i], vname);
		free(names[i]);
		names[i] = vname;
	}
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (names[i] == NULL)
			continue;
		if (strncmp(names[i], "${", 2) == 0)
			problem(b, 0, "survey", q->row, "type", "choices from "
			    "earlier answers (%s) are not supported at a "
			    "kiosk", names[i]);
		else if ((l = list_find(f, names[i])) == NULL)
			problem(b, 0, "survey", q->row, "type", "there is no "
			    "choice list named \"%s\" in the %s sheet",
			    list_shown(names[i]), list_sheet(names[i]));
		else if (l->nchoices == 0)
			problem(b, 0, "survey", q->row, "type", "the choice "
			    "list \"%s\" is empty", list_shown(names[i]));
		q->list = strncmp(names[i], "${", 2) == 0 ? NULL : l;
		free(names[i]);
	}
	free(names);
}

static size_t
name_hash_ci(const char *s, int parent)
{
	size_t h = 2166136261u ^ (size_t)(parent + 2) * 2654435761u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 16777619u;
	return h;
}

/*
 * As pyxform: a name is unique among the rows of one group (its siblings);
 * the same name in another group is fine. The same name in another case
 * among siblings is a warning. Every duplicate is reported.
 */
static void	check_repeat_names(struct builder *);

static void
check_names(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q, *o;
	size_t i, h, n = 16;
	int *tab, k;

	while (n < f->nquestions * 2 + 16)
		n *= 2;
	tab = xreallocarray(NULL, n, sizeof *tab);
	for (i = 0; i < n; i++)
		tab[i] = -1;
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (is_end(q))
			continue;
		if (q->name == NULL) {
			problem(b, 0, "survey", q->row, "name", "this %s has no "
			    "name", type_word(q->type));
			continue;
		}
		if (!valid_name(q->name)) {
			problem(b, 0, "survey", q->row, "name", "\"%s\" is not a "
			    "valid name: use letters, digits, '_', '-' and "
			    "'.', starting with a letter or '_'", q->name);
			continue;
		}
		if (strcmp(q->name, "meta") == 0) {
			problem(b, 0, "survey", q->row, "name", "the name "
			    "\"meta\" is reserved");
			continue;
		}
		for (h = name_hash_ci(q->name, q->parent) & (n - 1);
		    (k = tab[h]) >= 0; h = (h + 1) & (n - 1)) {
			o = &f->questions[k];
			if (o->parent != q->parent ||
			    strcasecmp(o->name, q->name) != 0)
				continue;
			if (strcmp(o->name, q->name) == 0) {
				if (q->parent < 0)
					problem(b, 0, "survey", q->row, "name",
					    "the name \"%s\" is used twice "
					    "(also on row %d)", q->name,
					    o->row);
				else
					problem(b, 0, "survey", q->row, "name",
					    "the name \"%s\" is used twice in "
					    "the %s \"%s\" (also on row %d)",
					    q->name, type_word(
					    f->questions[q->parent].type),
					    f->questions[q->parent].name ?
					    f->questions[q->parent].name : "",
					    o->row);
				/* Its column collides: reported here. */
				((struct fq_priv *)q->priv)->dup_name = 2;
				break;
			}
			problem(b, 1, "survey", q->row, "name", "the names "
			    "\"%s\" and \"%s\" (row %d) differ only in case",
			    q->name, o->name, o->row);
			break;
		}
		if (k < 0)
			tab[h] = (int)i;
	}
	free(tab);
	check_repeat_names(b);
}

/* As pyxform: a repeat's name is unique in the whole form. */
static void
check_repeat_names(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q, *o;
	size_t i, h;

	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		if (q->type != FT_BEGIN_REPEAT || q->name == NULL ||
		    !((struct fq_priv *)q->priv)->dup_name)
			continue;
		for (h = 0; h < i; h++) {
			o = &f->questions[h];
			if (o->type == FT_BEGIN_REPEAT && o->name != NULL &&
			    o->parent != q->parent &&
			    strcmp(o->name, q->name) == 0) {
				problem(b, 0, "survey", q->row, "name", "the "
				    "repeat name \"%s\" is also used on row "
				    "%d: a repeat's name must be unique in the "
				    "form", q->name, o->row);
				break;
			}
		}
	}
}

/*
 * Submission columns: the name, or for a name that another question has
 * (in another group), the path of groups and repeats "g1/q1", so that
 * columns never collide. Then every column (and select_multiple's
 * "name/choice" columns) must be unique.
 */
static void
make_columns(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q;
	struct fq_priv *pv;
	struct buf path = { 0 }, col = { 0 };
	size_t i, j, k, h, n = 16, ncols = 0;
	char **cols;
	int *rows, p;

	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		pv = q->priv;
		if (q->name == NULL || !pv->columns)
			continue;
		ncols += 1 + (qtype_choice_columns(q->type) && q->list ?
		    q->list->nchoices : 0);
		if (!pv->dup_name) {
			pv->column = xstrdup(q->name);
			continue;
		}
		path.len = 0;
		buf_adds(&path, q->name);
		for (p = q->parent; p >= 0; p = f->questions[p].parent) {
			const char *gn = f->questions[p].name ?
			    f->questions[p].name : "";
			col.len = 0;
			buf_adds(&col, gn);
			buf_addc(&col, '/');
			buf_add(&col, path.data, path.len);
			path.len = 0;
			buf_add(&path, col.data, col.len);
		}
		pv->column = xstrdup(buf_cstr(&path));
	}
	while (n < ncols * 2 + 16)
		n *= 2;
	cols = xcalloc(n, sizeof *cols);
	rows = xcalloc(n, sizeof *rows);
	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		pv = q->priv;
		if (pv->column == NULL)
			continue;
		for (j = 0; j == 0 || (qtype_choice_columns(q->type) &&
		    q->list != NULL && j <= q->list->nchoices); j++) {
			col.len = 0;
			buf_adds(&col, pv->column);
			if (j > 0) {
				buf_addc(&col, '/');
				buf_adds(&col, q->list->choices[j - 1].name);
			}
			for (h = name_hash(buf_cstr(&col)) & (n - 1);
			    cols[h] != NULL; h = (h + 1) & (n - 1))
				if (strcmp(cols[h], buf_cstr(&col)) == 0)
					break;
			if (cols[h] != NULL) {
				if (pv->dup_name == 2)
					continue;
				problem(b, 0, "survey", q->row, "name", "the "
				    "submission column \"%s\" is also made by "
				    "row %d; rename one of them",
				    buf_cstr(&col), rows[h]);
				continue;
			}
			cols[h] = xstrdup(buf_cstr(&col));
			rows[h] = q->row;
		}
	}
	for (k = 0; k < n; k++)
		free(cols[k]);
	free(cols);
	free(rows);
	buf_free(&path);
	buf_free(&col);
}

/* Is x a whole multiple of step (within rounding)? */
static int
range_multiple(double x, double step)
{
	double k = x / step;

	return fabs(k - round(k)) < 1e-9;
}

/*
 * A range question (a slider in Collect) is a number at a kiosk: an
 * integer, or a decimal when a parameter has decimals, with a constraint
 * that keeps it between start and end on a step. Its parameters are
 * checked as pyxform does (validators/pyxform/question_types/range.py):
 * numbers, a step and tick_interval that are not 0 nor wider than the
 * range, a tick_interval and placeholder on a step, a tick_labelset whose
 * choices are numbers on a tick inside the range (with no-ticks, exactly
 * start and end). tick_interval, placeholder and tick_labelset only shape
 * the slider, which a kiosk does not draw.
 */
static void
read_range(struct builder *b, struct form_question *q)
{
	static const char *names[] = { "start", "end", "step",
	    "tick_interval", "placeholder" };
	struct fq_priv *pv = q->priv;
	double v[5] = { 1, 10, 1, 0, 0 }, width, lo, hi, x;
	int set[5] = { 1, 1, 1, 0, 0 }, whole = 1, i, ticks = 0;
	char *copy = xstrdup(pv->params ? pv->params : ""), *tok, *save = NULL;
	char *eq, *end, *labelset = NULL, *c;
	const char *app = q->appearance ? q->appearance : "";
	const struct form_list *l;
	size_t k;

	for (tok = strtok_r(copy, " \t,;", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,;", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			problem(b, 0, "survey", q->row, "parameters", "\"%s\" "
			    "is not key=value", tok);
			goto out;
		}
		*eq++ = '\0';
		if (strcasecmp(tok, "tick_labelset") == 0) {
			labelset = eq;
			continue;
		}
		for (i = 0; i < 5; i++)
			if (strcasecmp(tok, names[i]) == 0)
				break;
		if (i == 5) {
			problem(b, 0, "survey", q->row, "parameters", "\"%s\" "
			    "is not a parameter of range (start, end, step, "
			    "tick_interval, placeholder, tick_labelset)", tok);
			goto out;
		}
		v[i] = strtod(eq, &end);
		if (end == eq || *end != '\0' || !isfinite(v[i])) {
			problem(b, 0, "survey", q->row, "parameters", "range's "
			    "%s must be a number, not \"%s\"", names[i], eq);
			goto out;
		}
		set[i] = 1;
	}
	if (*app != '\0' && strstr(app, "vertical") == NULL &&
	    strstr(app, "no-ticks") == NULL && (set[3] || set[4] ||
	    labelset != NULL)) {
		problem(b, 0, "survey", q->row, "appearance", "range's "
		    "tick_interval, placeholder and tick_labelset need no "
		    "appearance, vertical or no-ticks");
		goto out;
	}
	width = fabs(v[1] - v[0]);
	lo = fmin(v[0], v[1]);
	hi = fmax(v[0], v[1]);
	for (i = 2; i < 4; i++) {
		if (!set[i])
			continue;
		if (v[i] == 0 || v[i] > width) {
			problem(b, 0, "survey", q->row, "parameters", "range's "
			    "%s must not be 0 nor more than end - start",
			    names[i]);
			goto out;
		}
	}
	if ((set[3] && !range_multiple(v[3], v[2])) ||
	    (set[4] && !range_multiple(v[4] - v[0], v[2]))) {
		problem(b, 0, "survey", q->row, "parameters", "range's %s must "
		    "be a multiple of step", set[3] && !range_multiple(v[3],
		    v[2]) ? "tick_interval" : "placeholder");
		goto out;
	}
	if (set[4] && (v[4] < lo || v[4] > hi)) {
		problem(b, 0, "survey", q->row, "parameters", "range's "
		    "placeholder must be between start and end");
		goto out;
	}
	if (labelset != NULL) {
		if ((l = list_find(b->f, labelset)) == NULL) {
			problem(b, 0, "survey", q->row, "parameters", "there is "
			    "no choice list named \"%s\" (tick_labelset)",
			    labelset);
			goto out;
		}
		for (k = 0; k < l->nchoices; k++) {
			x = strtod(l->choices[k].name, &end);
			if (end == l->choices[k].name || *end != '\0' ||
			    !isfinite(x) || x < lo || x > hi ||
			    !range_multiple(x - v[0], set[3] ? v[3] : v[2])) {
				problem(b, 0, "survey", q->row, "parameters",
				    "the tick_labelset's choice \"%s\" is "
				    "not a number on a tick between start and "
				    "end", l->choices[k].name);
				goto out;
			}
			/* bit 1 start, bit 2 end, bit 4 another value */
			ticks |= x == v[0] ? 1 : x == v[1] ? 2 : 4;
		}
		if (strstr(app, "no-ticks") != NULL && ticks != 3) {
			problem(b, 0, "survey", q->row, "parameters", "with "
			    "no-ticks, the tick_labelset must label start and "
			    "end only");
			goto out;
		}
	}
	for (i = 0; i < 5; i++)
		if (set[i] && v[i] != floor(v[i]))
			whole = 0;
	q->type = whole ? FT_INTEGER : FT_DECIMAL;
	pv->range_lo = lo;
	pv->range_hi = hi;
	pv->range_start = v[0];
	pv->range_step = v[2];
	xasprintf(&c, "(. >= %.17g and . <= %.17g and abs((. - %.17g) div "
	    "%.17g - round((. - %.17g) div %.17g)) < 0.000000001)%s%s%s",
	    lo, hi, v[0], v[2], v[0], v[2], q->constraint ? " and (" : "",
	    q->constraint ? q->constraint : "", q->constraint ? ")" : "");
	free(q->constraint);
	q->constraint = c;
out:
	free(copy);
}

/*
 * The parameters column: "key=value" pairs separated by blanks, commas or
 * semicolons. A kiosk uses randomize=true|false and seed=EXPR on selects
 * (the choices in a random order, fixed for the session); the audit's
 * location parameters are ignored with the audit; anything else is an
 * error, as pyxform's.
 */
static void
read_parameters(struct builder *b, struct form_question *q)
{
	struct fq_priv *pv = q->priv;
	char *copy = xstrdup(pv->params), *tok, *save = NULL, *eq, *seed = NULL;
	int select = qtype_of(q->type)->input == QI_CHOICE;

	for (tok = strtok_r(copy, " \t,;", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,;", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			problem(b, 0, "survey", q->row, "parameters", "\"%s\" "
			    "is not key=value", tok);
			continue;
		}
		*eq++ = '\0';
		if (q->type == FT_META_EMPTY) {
			problem(b, 0, "survey", q->row, "parameters", "the "
			    "audit's parameters (%s: location, change "
			    "tracking, user identity) are not supported at a "
			    "kiosk", tok);
			break;
		}
		if (select && strcasecmp(tok, "randomize") == 0) {
			if (yes(eq))
				pv->randomize = 1;
			else if (!no(eq))
				problem(b, 0, "survey", q->row, "parameters",
				    "randomize must be true or false, not "
				    "\"%s\"", eq);
		} else if (select && strcasecmp(tok, "seed") == 0)
			seed = eq;
		else
			problem(b, 0, "survey", q->row, "parameters", "the "
			    "parameter \"%s\" is not supported at a kiosk%s",
			    tok, select ? " (selects take randomize and seed)" :
			    "");
	}
	if (seed != NULL && !pv->randomize)
		problem(b, 0, "survey", q->row, "parameters", "seed needs "
		    "randomize=true");
	else if (seed != NULL) {
		char *end;
		/* As pyxform: a number or one ${reference}. */
		(void)strtod(seed, &end);
		if ((*end != '\0' || end == seed) && !(seed[0] == '$' &&
		    seed[1] == '{' && strchr(seed, '}') == seed +
		    strlen(seed) - 1))
			problem(b, 0, "survey", q->row, "parameters", "seed "
			    "must be a number or a ${reference}, not \"%s\"",
			    seed);
		else
			pv->seed = compile(b, q->row, "parameters", seed, NULL);
	}
	free(copy);
}

/*
 * A repeat, alone or inside repeats (household -> member -> job): at
 * most FORM_REPEAT_DEPTH deep, and numeric repeat_counts that stay within
 * FORM_INSTANCES_MAX with the instances of the repeats around it (50
 * members of 3 jobs: 50 + 150) and with all the form's repeats together
 * (sibling repeats add up). A count from an answer, taken as 1 here, is
 * checked when the form is filled in. Each outer instance has its own
 * inner instances.
 */
static void
check_repeat_size(struct builder *b, const struct form_question *q)
{
	const struct form *f = b->f;
	const struct form_question *r;
	double count[FORM_REPEAT_DEPTH + 1], total = 0, prod = 1, n;
	char *end;
	int depth = 0, p, k;

	for (p = q - f->questions; p >= 0; p = f->questions[p].parent) {
		r = &f->questions[p];
		if (r->type != FT_BEGIN_REPEAT)
			continue;
		n = 1;
		if (r->repeat_count != NULL) {
			n = strtod(r->repeat_count, &end);
			if (*end != '\0' || end == r->repeat_count || n < 1)
				n = 1;
		}
		if (depth <= FORM_REPEAT_DEPTH)
			count[depth] = n;
		depth++;
	}
	if (depth > FORM_REPEAT_DEPTH) {
		problem(b, 0, "survey", q->row, "type", "the repeat \"%s\" is "
		    "inside %d repeats: a kiosk takes repeats at most %d deep",
		    q->name != NULL ? q->name : "", depth - 1,
		    FORM_REPEAT_DEPTH);
		return;
	}
	/* Outermost first: a, a * b, a * b * c. */
	for (k = depth - 1; k >= 0; k--) {
		prod *= count[k];
		total += prod;
	}
	if (depth > 1 && total > FORM_INSTANCES_MAX) {
		problem(b, 0, "survey", q->row, "repeat_count", "the repeat "
		    "\"%s\" and the repeats around it would have %.0f "
		    "instances in all (the numbers in their repeat_count): a "
		    "kiosk takes at most %d", q->name != NULL ? q->name : "",
		    total, FORM_INSTANCES_MAX);
		b->instances_said = 1;
	}
	/*
	 * All of the form's repeats together: each has the product of the
	 * numbers down its chain (sibling repeats add up; the chain above
	 * counts only its own instances).
	 */
	b->ninstances += prod;
	if (b->ninstances > FORM_INSTANCES_MAX && !b->instances_said) {
		problem(b, 0, "survey", q->row, "repeat_count", "with the "
		    "repeat \"%s\", the form's repeats would have %.0f "
		    "instances in all (the numbers in their repeat_count): a "
		    "kiosk takes at most %d", q->name != NULL ? q->name : "",
		    b->ninstances, FORM_INSTANCES_MAX);
		b->instances_said = 1;
	}
}

/*
 * The question's own shape: its repeat, label, calculation, appearance,
 * or_other and repeat name (as pyxform: a question needs a label or
 * hint; a repeat_count makes a NAME_count question).
 */
static void
check_shape(struct builder *b, struct form_question *q)
{
	struct form *f = b->f;
	struct fq_priv *pv = q->priv;
	int p;

	/* Enclosing repeat. */
	pv->repeat = -1;
	for (p = q->parent; p >= 0; p = f->questions[p].parent) {
		if (f->questions[p].type == FT_BEGIN_REPEAT) {
			pv->repeat = p;
			break;
		}
	}
	if (q->type == FT_BEGIN_REPEAT)
		check_repeat_size(b, q);
	if (q->type == FT_META_EMPTY)
		problem(b, 1, "survey", q->row, "type", "\"%s\": a kiosk has "
		    "no such metadata (phone number, e-mail, SIM, audit log, "
		    "location); its column stays empty",
		    q->name ? q->name : "");
	if (qtype_of(q->type)->shown && q->calculation == NULL &&
	    q->trigger == NULL && text_empty(&q->label, f->nlangs) && text_empty(&q->hint, f->nlangs))
		problem(b, 0, "survey", q->row, "label", "the %s \"%s\" has no "
		    "label or hint%s", type_word(q->type), q->name ? q->name : "",
		    pv->media ? ", only an image, audio or video, which is "
		    "not supported at a kiosk" : "");
	if (q->type == FT_CALCULATE && q->calculation == NULL &&
	    (q->default_value == NULL || (strstr(q->default_value, "${") ==
	    NULL && strchr(q->default_value, '(') == NULL)))
		problem(b, 0, "survey", q->row, "calculation", "the calculate "
		    "\"%s\" has no calculation", q->name ? q->name : "");
	if (q->appearance != NULL && strstr(q->appearance, "search(") != NULL)
		problem(b, 0, "survey", q->row, "appearance", "search() is not "
		    "supported at a kiosk");
	if (q->or_other && q->choice_filter != NULL)
		problem(b, 0, "survey", q->row, "choice_filter", "a "
		    "choice_filter cannot be used with or_other");
	if (q->type == FT_BEGIN_REPEAT && q->name != NULL &&
	    strcmp(q->name, b->root != NULL ? b->root : "data") == 0)
		problem(b, 0, "survey", q->row, "name", "the repeat \"%s\" has "
		    "the name of the form itself", q->name);
	if (q->type == FT_BEGIN_REPEAT && q->repeat_count != NULL &&
	    q->name != NULL && !(q->repeat_count[0] == '$' &&
	    strchr(q->repeat_count, '}') == q->repeat_count +
	    strlen(q->repeat_count) - 1)) {
		char *gen;
		xasprintf(&gen, "%s_count", q->name);
		if (form_question_by_name(f, gen) != NULL)
			problem(b, 0, "survey", q->row, "repeat_count", "the "
			    "repeat_count needs the name \"%s\", which another "
			    "question has", gen);
		free(gen);
	}
}

/* A language without a label, where others have one (a warning). */
static void
check_label_langs(struct builder *b, const struct form_question *q)
{
	const struct form *f = b->f;
	const struct fq_priv *pv = q->priv;
	size_t l;

	if (text_empty(&q->label, f->nlangs) || f->nlangs == 0 ||
	    pv->other_of >= 0)
		return;
	for (l = 0; l < f->nlangs; l++) {
		if (q->label.by_lang[l] == NULL && q->label.plain == NULL)
			problem(b, 1, "survey", q->row, "label", "\"%s\" has "
			    "no label in %s%s%s%s", q->name ? q->name : "",
			    f->langs[l].name, f->langs[l].code[0] ? " (" : "",
			    f->langs[l].code, f->langs[l].code[0] ? ")" : "");
	}
}

/* required, read_only: yes or no (*yes_flag), or an expression. */
static struct expr *
compile_flag(struct builder *b, int row, const char *col, const char *raw,
    int *yes_flag)
{
	if (raw == NULL)
		return NULL;
	if (yes(raw))
		*yes_flag = 1;
	else if (!no(raw))
		return compile(b, row, col, raw, NULL);
	return NULL;
}

/* Compile the question's expressions into its engine data. */
static void
compile_question(struct builder *b, struct form_question *q)
{
	struct fq_priv *pv = q->priv;

	pv->required = compile_flag(b, q->row, "required", q->required,
	    &pv->required_yes);
	pv->read_only = compile_flag(b, q->row, "read_only", q->read_only,
	    &pv->read_only_yes);
	pv->constraint = compile(b, q->row, "constraint", q->constraint, NULL);
	pv->relevant = compile(b, q->row, "relevant", q->relevant, NULL);
	pv->calculation = compile(b, q->row, "calculation", q->calculation,
	    NULL);
	if (q->choice_filter != NULL) {
		/*
		 * pyxform ignores it on other questions; a select without its
		 * list has been reported already.
		 */
		if (q->list == NULL) {
			if (qtype_of(q->type)->input != QI_CHOICE)
				problem(b, 1, "survey", q->row,
				    "choice_filter", "choice_filter only "
				    "applies to select questions; it is "
				    "ignored here");
		} else
			pv->choice_filter = compile(b, q->row, "choice_filter",
			    q->choice_filter, q->list);
	}
	if (q->repeat_count != NULL) {
		if (q->type != FT_BEGIN_REPEAT)
			problem(b, 0, "survey", q->row, "repeat_count",
			    "repeat_count only applies to begin_repeat");
		else {
			char *end;
			double n = strtod(q->repeat_count, &end);
			if (*end == '\0' && end != q->repeat_count &&
			    n > FORM_REPEAT_MAX)
				problem(b, 0, "survey", q->row, "repeat_count",
				    "a kiosk takes at most %d instances of a "
				    "repeat, not %s", FORM_REPEAT_MAX,
				    q->repeat_count);
			pv->repeat_count = compile(b, q->row, "repeat_count",
			    q->repeat_count, NULL);
		}
	}
	/* A dynamic default is an expression. */
	if (q->default_value != NULL && (strstr(q->default_value, "${") !=
	    NULL || strchr(q->default_value, '(') != NULL))
		pv->default_expr = compile(b, q->row, "default",
		    q->default_value, NULL);
}

/*
 * The trigger column (pyxform >= 1.9, ODK's odk:setvalue on
 * xforms-value-changed): "${x}" (or several, separated by commas or
 * blanks). The row's calculation (empty if none) is then no longer kept
 * up to date: it is computed only when the resident changes x. As
 * pyxform, x must be a question the resident answers, not a calculation.
 */
static void
read_trigger(struct builder *b, struct form_question *q)
{
	struct form *f = b->f;
	struct fq_priv *pv = q->priv;
	const struct form_question *t;
	const char *p = q->trigger, *e;
	struct expr *x;
	const int *refs;
	char *one;

	if (q->trigger == NULL)
		return;
	if (q->type != FT_CALCULATE && (!qtype_settable(q->type) ||
	    qtype_of(q->type)->nest != 0)) {
		problem(b, 1, "survey", q->row, "trigger", "a trigger on "
		    "the %s \"%s\" sets nothing; it is ignored",
		    type_word(q->type), q->name ? q->name : "");
		return;
	}
	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (p[0] != '$' || p[1] != '{' || (e = strchr(p, '}')) ==
		    NULL) {
			problem(b, 0, "survey", q->row, "trigger", "the "
			    "trigger of \"%s\" must name a question as "
			    "${name}, not \"%s\"", q->name ? q->name : "",
			    q->trigger);
			return;
		}
		one = xstrndup(p, (size_t)(e + 1 - p));
		p = e + 1;
		x = compile(b, q->row, "trigger", one, NULL);
		free(one);
		if (x == NULL)
			return;
		if (expr_refs(x, &refs) != 1 || refs[0] < 0 ||
		    refs[0] >= (int)f->nquestions) {
			expr_free(x);
			return;
		}
		t = &f->questions[refs[0]];
		if (!qtype_settable(t->type) || qtype_of(t->type)->nest != 0 ||
		    !qtype_of(t->type)->shown || t->calculation != NULL) {
			problem(b, 0, "survey", q->row, "trigger", "the "
			    "trigger of \"%s\" is \"%s\", which the "
			    "resident does not answer (a calculation, a note "
			    "or a group); only a question can be a trigger",
			    q->name ? q->name : "", t->name ? t->name : "");
			expr_free(x);
			return;
		}
		pv->triggers = xreallocarray(pv->triggers, pv->ntriggers + 1,
		    sizeof *pv->triggers);
		pv->triggers[pv->ntriggers++] = refs[0];
		expr_free(x);
	}
	if (pv->ntriggers == 0)
		problem(b, 0, "survey", q->row, "trigger", "the trigger of "
		    "\"%s\" names no question", q->name ? q->name : "");
}

/* Per-question checks that need names, lists and languages. */
static void
check_questions(struct builder *b)
{
	struct form *f = b->f;
	struct form_question *q;
	size_t i;

	for (i = 0; i < f->nquestions; i++) {
		q = &f->questions[i];
		b->cur_name = q->name;
		b->cur_q = q;
		check_shape(b, q);
		check_label_langs(b, q);
		if (((struct fq_priv *)q->priv)->range)
			read_range(b, q);
		else if (((struct fq_priv *)q->priv)->params != NULL)
			read_parameters(b, q);
		check_text_refs(b, q, &q->label, "label");
		check_text_refs(b, q, &q->hint, "hint");
		compile_question(b, q);
		read_trigger(b, q);
		((struct fq_priv *)q->priv)->columns = form_question_stored(q);
	}
	b->cur_name = NULL;
	b->cur_q = NULL;
}

/* Order calculations so each runs after those it reads; cycles are errors. */
static void
order_calculations(struct builder *b)
{
	struct form *f = b->f;
	struct f_priv *fp = f->priv;
	struct fq_priv *pv;
	int *state, *stack, *pos, sp, q, r, i, n = (int)f->nquestions;
	const int *refs;
	size_t nrefs;
	struct buf path = { 0 };

	state = xcalloc((size_t)n + 1, sizeof *state);	/* 0 new 1 open 2 done */
	stack = xcalloc((size_t)n + 1, sizeof *stack);
	pos = xcalloc((size_t)n + 1, sizeof *pos);
	fp->calc_order = xcalloc((size_t)n + 1, sizeof *fp->calc_order);
	for (i = 0; i < n; i++) {
		pv = f->questions[i].priv;
		if (pv->calculation == NULL || pv->ntriggers > 0 ||
		    state[i] != 0)
			continue;
		sp = 0;
		stack[sp] = i;
		pos[sp] = 0;
		state[i] = 1;
		while (sp >= 0) {
			q = stack[sp];
			pv = f->questions[q].priv;
			nrefs = pv->calculation != NULL ?
			    expr_refs(pv->calculation, &refs) : 0;
			if ((size_t)pos[sp] < nrefs) {
				r = refs[pos[sp]++];
				if (r < 0 || r >= n)
					continue;
				if (((struct fq_priv *)f->questions[r].priv)
				    ->calculation == NULL ||
				    ((struct fq_priv *)f->questions[r].priv)
				    ->ntriggers > 0)
					continue;
				if (state[r] == 1) {
					int k;
					path.len = 0;
					for (k = 0; k <= sp; k++)
						if (stack[k] == r)
							break;
					for (; k <= sp; k++)
						buf_addf(&path, "%s -> ",
						    f->questions[stack[k]].name);
					buf_adds(&path, f->questions[r].name);
					problem(b, 0, "survey",
					    f->questions[r].row, "calculation",
					    "the calculations form a cycle: %s",
					    buf_cstr(&path));
					continue;
				}
				if (state[r] == 0) {
					state[r] = 1;
					stack[++sp] = r;
					pos[sp] = 0;
				}
				continue;
			}
			state[q] = 2;
			fp->calc_order[fp->ncalc++] = q;
			sp--;
		}
	}
	buf_free(&path);
	free(state);
	free(stack);
	free(pos);
}

static void
free_question(struct form_question *q, size_t nlangs)
{
	struct fq_priv *pv = q->priv;
	size_t k;

	free(q->name);
	for (k = 0; k < nitems(translated_fields); k++)
		text_free(text_at(q, k), nlangs);
	for (k = 0; k < nitems(text_fields); k++)
		free(*text_field(q, text_fields[k].col));
	if (pv != NULL) {
		expr_free(pv->required);
		expr_free(pv->constraint);
		expr_free(pv->relevant);
		expr_free(pv->calculation);
		expr_free(pv->default_expr);
		expr_free(pv->read_only);
		expr_free(pv->choice_filter);
		expr_free(pv->repeat_count);
		free(pv->column);
		free(pv->triggers);
		free(pv->params);
		expr_free(pv->seed);
		free(pv);
	}
}

void
form_free(struct form *f)
{
	size_t i, j, k;
	struct form_list *l;
	struct f_priv *fp;

	if (f == NULL)
		return;
	for (i = 0; i < f->nquestions; i++)
		free_question(&f->questions[i], f->nlangs);
	free(f->questions);
	for (i = 0; i < f->nlists; i++) {
		l = &f->lists[i];
		for (j = 0; j < l->nchoices; j++) {
			free(l->choices[j].name);
			text_free(&l->choices[j].label, f->nlangs);
			text_free(&l->choices[j].spoken, f->nlangs);
			for (k = 0; k < l->choices[j].nextra; k++) {
				free(l->choices[j].extra[k]);
				free(l->choices[j].extra_names[k]);
			}
			free(l->choices[j].extra);
			free(l->choices[j].extra_names);
		}
		free(l->choices);
		free(l->name);
	}
	free(f->lists);
	text_free(&f->title, f->nlangs);
	text_free(&f->next_steps, f->nlangs);
	text_free(&f->voice, f->nlangs);
	for (i = 0; i < f->nlangs; i++) {
		free(f->langs[i].name);
		free(f->langs[i].code);
	}
	free(f->langs);
	free(f->path);
	free(f->id);
	free(f->version);
	if ((fp = f->priv) != NULL) {
		free(fp->names);
		free(fp->calc_order);
		free(fp);
	}
	free(f);
}

static char *
file_stem(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	return xstrndup(base, dot != NULL && dot > base ?
	    (size_t)(dot - base) : strlen(base));
}

/*
 * Build a form from sheets. Returns the form (even with errors, so that
 * form_check can list them) or NULL if there is no survey at all.
 */
static struct form *
build(struct builder *b, const struct fs_book *book)
{
	struct form *f;
	struct fs_section **survey = NULL;
	size_t i, nsurvey = 0;
	const struct fs_section *s;

	f = b->f = xcalloc(1, sizeof *f);
	f->path = xstrdup(b->path);
	f->order = 100;
	f->priv = xcalloc(1, sizeof (struct f_priv));
	f->title.by_lang = xcalloc(1, sizeof (char *));
	f->next_steps.by_lang = xcalloc(1, sizeof (char *));
	survey = xcalloc(book->nsections + 1, sizeof *survey);

	/* Every language first, so every text has one slot per language. */
	for (i = 0; i < book->nsections; i++) {
		s = &book->sections[i];
		if (section_is(s, "survey") || section_is(s, "choices") ||
		    section_is(s, "external_choices") ||
		    section_is(s, "settings"))
		{
			b->report_headers = 1;
			header_free(read_header(b, s), s->header.ncells);
			b->report_headers = 0;
		}
	}
	((struct f_priv *)f->priv)->langs_frozen = 1;
	text_grow(&f->title, 0, f->nlangs);
	text_grow(&f->next_steps, 0, f->nlangs);

	/* Settings first: allow_choice_duplicates affects choices. */
	for (i = 0; i < book->nsections; i++) {
		s = &book->sections[i];
		if (section_is(s, "settings"))
			read_settings(b, s);
	}
	for (i = 0; i < book->nsections; i++) {
		s = &book->sections[i];
		if (section_is(s, "survey"))
			survey[nsurvey++] = (struct fs_section *)s;
		else if (section_is(s, "choices"))
			read_choices(b, s, 0);
		else if (section_is(s, "external_choices"))
			read_choices(b, s, 1);
		else if (section_is(s, "entities") && s->nrows > 0)
			problem(b, 0, s->name, s->line, NULL, "entities are "
			    "not supported at a kiosk");
	}
	if (nsurvey == 0) {
		problem(b, 0, NULL, 0, NULL, "there is no survey sheet (a row "
		    "whose first cell is \"survey\", then a header row)");
		goto out;
	}
	read_survey(b, survey, nsurvey);
	read_survey_texts(b, survey, nsurvey);
	add_or_other(b);
	names_build(f);
	link_lists(b);
	check_names(b);
	check_questions(b);
	make_columns(b);
	for (i = 0; i < b->nrefcells; i++)
		check_refs(b, "choices", b->refcells[i].row,
		    b->refcells[i].col, b->refcells[i].text);
	if (b->instance_name != NULL)
		check_refs(b, "settings", 0, "instance_name", b->instance_name);
	order_calculations(b);
	if (f->nquestions == 0 && b->nerrors == 0)
		problem(b, 0, "survey", survey[0]->line, NULL, "the survey has "
		    "no questions");
out:
	if (f->id == NULL)
		f->id = file_stem(b->path);
	if (f->version == NULL)
		f->version = xstrdup("");
	free(survey);
	return f;
}

static struct form *
load(const char *name, const char *data, size_t len, struct buf *problems,
    int *nproblems, char **cause)
{
	struct fs_book book;
	struct builder b;
	struct form *f;
	char *c = NULL;

	memset(&b, 0, sizeof b);
	b.path = name;
	b.problems = problems;
	if (len > FORM_MAX_FILE) {
		xasprintf(&c, "%s: the form is larger than %u bytes", name,
		    FORM_MAX_FILE);
		goto fail;
	}
	if (fs_parse(name, data, len, &book, &c) != 0)
		goto fail;
	f = build(&b, &book);
	fs_free(&book);
	free(b.root);
	free(b.instance_name);
	free(b.refcells);
	for (size_t k = 0; k < b.nskipped; k++)
		free(b.skipped[k]);
	free(b.skipped);
	free(b.list_media);
	if (nproblems != NULL)
		*nproblems = b.nerrors + b.nwarnings;
	if (b.nerrors > 0) {
		form_free(f);
		if (cause != NULL)
			*cause = b.first;
		else
			free(b.first);
		return NULL;
	}
	free(b.first);
	return f;
fail:
	if (problems != NULL) {
		buf_adds(problems, c);
		buf_addc(problems, '\n');
	}
	if (nproblems != NULL)
		*nproblems = 1;
	if (cause != NULL)
		*cause = c;
	else
		free(c);
	return NULL;
}

/*
 * Language sizes: texts made before a language was first seen have a
 * shorter by_lang. read_header may add languages at any time, so every
 * text is grown to the final count in build(); this is the one place the
 * final count is known. (text_grow with old == new is a no-op realloc.)
 */

struct form *
form_load_mem(const char *name, const char *data, size_t len, char **cause)
{
	return load(name, data, len, NULL, NULL, cause);
}

struct form *
form_load(const char *path, char **cause)
{
	struct buf b = { 0 };
	struct form *f;

	if (read_file(path, &b, FORM_MAX_FILE, cause) != 0)
		return NULL;
	f = load(path, b.data != NULL ? (char *)b.data : "", b.len, NULL,
	    NULL, cause);
	buf_free(&b);
	return f;
}

int
form_check(const char *path, struct buf *problems)
{
	struct buf b = { 0 };
	struct form *f;
	char *cause = NULL;
	int n = 0;

	if (read_file(path, &b, FORM_MAX_FILE, &cause) != 0) {
		buf_adds(problems, cause);
		buf_addc(problems, '\n');
		free(cause);
		return 1;
	}
	f = load(path, b.data != NULL ? (char *)b.data : "", b.len, problems,
	    &n, NULL);
	form_free(f);
	buf_free(&b);
	return n;
}

int
form_check_mem(const char *name, const char *data, size_t len,
    struct buf *problems)
{
	struct form *f;
	int n = 0;

	f = load(name, data, len, problems, &n, NULL);
	form_free(f);
	return n;
}

int
form_dump(const char *path, struct buf *out, char **cause)
{
	struct buf b = { 0 };
	struct fs_book book;

	if (read_file(path, &b, FORM_MAX_FILE, cause) != 0)
		return -1;
	if (fs_parse(path, b.data != NULL ? (char *)b.data : "", b.len,
	    &book, cause) != 0) {
		buf_free(&b);
		return -1;
	}
	fs_dump_json(&book, out);
	fs_free(&book);
	buf_free(&b);
	return 0;
}

int
form_lang_index(const struct form *f, const char *code)
{
	size_t i;

	if (code == NULL)
		return -1;
	for (i = 0; i < f->nlangs; i++) {
		if (f->langs[i].code[0] != '\0' &&
		    strcasecmp(f->langs[i].code, code) == 0)
			return (int)i;
	}
	for (i = 0; i < f->nlangs; i++) {
		if (strcasecmp(f->langs[i].name, code) == 0)
			return (int)i;
	}
	return -1;
}

const char *
form_voice(const struct form *f, const char *lang_code)
{
	int i = form_lang_index(f, lang_code);

	if (i < 0 || f->voice.by_lang == NULL)
		return NULL;
	return f->voice.by_lang[i];
}

const char *
form_text(const struct form *f, const struct form_text *t,
    const char *lang_code)
{
	int i = form_lang_index(f, lang_code);
	size_t k;

	if (i >= 0 && t->by_lang != NULL && t->by_lang[i] != NULL)
		return t->by_lang[i];
	if (t->plain != NULL)
		return t->plain;
	for (k = 0; k < f->nlangs && t->by_lang != NULL; k++) {
		if (t->by_lang[k] != NULL)
			return t->by_lang[k];
	}
	return "";
}

const struct form_question *
form_question_by_name(const struct form *f, const char *name)
{
	int i = names_find(f, name);

	return i < 0 ? NULL : &f->questions[i];
}

const struct form_question *
form_question_by_column(const struct form *f, const char *column)
{
	const struct fq_priv *pv;
	size_t i;
	int k;

	if (strchr(column, '/') == NULL) {
		if ((k = names_find(f, column)) < 0)
			return NULL;
		if (!((struct fq_priv *)f->questions[k].priv)->dup_name)
			return &f->questions[k];
		/* A shared name: the one outside any group has it as column. */
	}
	for (i = 0; i < f->nquestions; i++) {
		pv = f->questions[i].priv;
		if (pv->column != NULL && strcmp(pv->column, column) == 0)
			return &f->questions[i];
	}
	return NULL;
}

int
form_name_ambiguous(const struct form *f, const char *name)
{
	int k = names_find(f, name);

	return k >= 0 && ((struct fq_priv *)f->questions[k].priv)->dup_name;
}

int
form_question_stored(const struct form_question *q)
{
	return !q->no_store && qtype_of(q->type)->column;
}

const char *
form_question_column(const struct form_question *q)
{
	const struct fq_priv *pv = q->priv;

	return pv != NULL ? pv->column : NULL;
}

const struct form_question *
form_question_repeat(const struct form *f, const struct form_question *q)
{
	const struct fq_priv *pv = q->priv;

	return pv != NULL && pv->repeat >= 0 ? &f->questions[pv->repeat] :
	    NULL;
}

int
form_numbers(const struct form_question *q)
{
	return q->type == FT_TEXT && q->appearance != NULL &&
	    strstr(q->appearance, "numbers") != NULL;
}

void
form_numbers_display(const char *v, struct buf *out)
{
	const char *d = v;
	size_t n;

	if (*d == '+')
		d++;
	n = strlen(d);
	if (strspn(d, "0123456789") != n || (n != 10 && !(n == 11 &&
	    d[0] == '1'))) {
		buf_adds(out, v);
		return;
	}
	if (n == 11) {
		buf_add(out, v, (size_t)(d - v) + 1);
		buf_addc(out, ' ');
		d++;
	}
	buf_addf(out, "(%.3s) %.3s-%.4s", d, d + 3, d + 6);
}
