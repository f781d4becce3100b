/*
 * form-private: what form.c, form-sheet.c and form-state.c share and nobody
 * else may use. The raw sheets of a workbook (CSV or Markdown layout) and
 * the engine data hung off struct form and struct form_question.
 *
 * Nothing here ever holds an answer: sheets and compiled expressions come
 * from the form file only.
 */
#ifndef KIOSK_FORM_PRIVATE_H
#define KIOSK_FORM_PRIVATE_H

#include <stddef.h>

#include "expr.h"

#define FORM_MAX_FILE		(16u * 1024 * 1024)
#define FORM_MAX_CELLS		512	/* columns in one row */
/*
 * References >= FORM_REF_CHOICE in a choice_filter are columns of the
 * choice being filtered: +0 name, +1 label, +2+k extra column k.
 */
#define FORM_REF_CHOICE		0x40000000

/* One row of a sheet: cells stripped of surrounding blanks, "" if empty. */
struct fs_row {
	int	  line;		/* 1-based row, as a spreadsheet numbers it */
	size_t	  ncells;
	char	**cells;
};

/*
 * One section of a workbook: a sheet name row, its header and its data
 * rows. A sheet named twice gives two sections.
 */
struct fs_section {
	char		*name;		/* as written */
	int		 line;
	int		 has_header;
	struct fs_row	 header;
	struct fs_row	*rows;
	size_t		 nrows;
	size_t		 cap;
};

struct fs_book {
	struct fs_section	*sections;
	size_t			 nsections;
	int			 markdown;
};

/* form-sheet.c */
int	 fs_parse(const char *name, const char *data, size_t len,
	    struct fs_book *, char **cause);
void	 fs_free(struct fs_book *);
/* The parse as JSON, in the layout of the conformance golden file. */
void	 fs_dump_json(const struct fs_book *, struct buf *);
int	 fs_is_markdown(const char *name, const char *data, size_t len);
/* A plain CSV table (header, rows) as one section "table". */
int	 fs_parse_table(const char *name, const char *data, size_t len,
	    struct fs_book *, char **cause);

/* Engine data of a question (struct form_question.priv). */
struct fq_priv {
	struct expr	*required;
	struct expr	*constraint;
	struct expr	*relevant;
	struct expr	*calculation;
	struct expr	*default_expr;
	struct expr	*read_only;
	struct expr	*choice_filter;
	struct expr	*repeat_count;
	int		 required_yes;	/* "yes"/"true" */
	int		 read_only_yes;
	int		 repeat;	/* index of the enclosing begin_repeat or -1 */
	int		 end;		/* begin_*: index of its end_* */
	int		 other_of;	/* synthetic NAME_other: index of NAME */
	int		 columns;	/* gives submission columns */
	int		 guidance;	/* has a guidance_hint */
	int		 media;		/* has an image, audio or video */
	int		 range;		/* type range (read_range) */
	double		 range_lo, range_hi;	/* its bounds */
	double		 range_start, range_step;
	int		*triggers;	/* trigger: the questions whose change
					   sets it (odk:setvalue), or NULL */
	size_t		 ntriggers;
	int		 dup_name;	/* another question has the name (2: a sibling) */
	char		*params;	/* the parameters column, as written */
	int		 randomize;	/* parameters randomize=true (selects) */
	struct expr	*seed;		/* parameters seed=EXPR, or NULL */
	char		*column;	/* submission column: the name, or
					   group/path/name when dup_name */
};

/* Engine data of the form (struct form.priv). */
struct f_priv {
	int		*calc_order;	/* calculate questions, dependencies first */
	size_t		 ncalc;
	int		 has_repeats;
	int		 langs_frozen;
	int		*names;		/* hash of question names: index or -1 */
	size_t		 nnames;	/* slots, a power of two */
};

#endif
