/*
 * output: the office's files for people and spreadsheets, in a fixed
 * layout per form version, so that no record can ever be refused for its
 * columns (FORMAT.md, "Office output").
 *
 * A layout is known before the first record of a form version: from the
 * form itself when the office gives it (kiosk open --forms), otherwise
 * from the first record of that version. A form version gives:
 *
 *   STEM.csv            one row per submission: KEY, kiosk, seq, form_id,
 *                       form_version, language, submitted, assisted_by,
 *                       claim_code, then one column per question
 *   STEM-REPEAT.csv     one row per entry of a repeat (as ODK Central):
 *                       PARENT_KEY (the submission's KEY), KEY, the same
 *                       kiosk ... assisted_by, instance, then the repeat's
 *                       questions; without the form, one long file
 *                       STEM-repeats.csv (PARENT_KEY, KEY, ..., instance,
 *                       column, value)
 *   STEM-codebook.csv   every column: type, question label and choice
 *                       labels in every language of the form
 *   FORM.jsonl          every submission as JSON (unchanged)
 *
 * STEM is FORM-vVERSION (FORM when the version is empty). If a file by
 * that name already holds another layout, STEM gets the first 8 hex digits
 * of the layout's hash, so a layout never has to be refused. A question
 * that was not relevant is written OUTPUT_NOT_ASKED; an empty answer is an
 * empty cell. CSV files start with a UTF-8 byte-order mark (for Excel),
 * unless OUTPUT_NO_BOM.
 *
 * Rows are staged in secure memory (plaintext); the caller writes the
 * staged files (output_file) and then calls output_done. Never prints,
 * exits or writes a file.
 */
#ifndef KIOSK_OUTPUT_H
#define KIOSK_OUTPUT_H

#include <stddef.h>

struct buf;
struct form;
struct record;
struct record_head;
struct output;

#define OUTPUT_NOT_ASKED	"(not asked)"
#define OUTPUT_NO_BOM		0x1
#define OUTPUT_XLSX		0x2	/* keep the run's rows for output_xlsx */

struct output	*output_new(const char *outdir, int flags);
void		 output_free(struct output *);	/* wipes what is staged */
void		 output_set_flags(struct output *, int);
/* A form the office authored; the output keeps it until output_free. */
void		 output_add_form(struct output *, struct form *);
/*
 * Stage one opened record of kiosk kname. Never fails for the record's
 * columns; notes for staff (a record that does not match its form) are
 * appended to notes.
 */
void		 output_record(struct output *, const char *kname,
		    const struct record_head *, const struct record *,
		    struct buf *notes);
/*
 * The staged files, i = 0 .. output_nfiles - 1: file name in outdir and
 * the bytes to append (with the byte-order mark and header first when
 * the file is new). Files with nothing staged have len 0.
 */
size_t		 output_nfiles(const struct output *);
void		 output_file(const struct output *, size_t, const char **name,
		    const unsigned char **data, size_t *len);
/* The bytes of file i were written: they are wiped, and more may come. */
void		 output_flushed(struct output *, size_t);
/*
 * After the staged files were written (written = 1: now they exist) or
 * given up (written = 0: those on disk exist): staged rows are wiped.
 */
void		 output_done(struct output *, int written);

/*
 * Is s a CSV cell that output prefixed with ' (its value, from s + 1, is
 * one a spreadsheet could evaluate: "-99", "=1")? For readers of the
 * files, such as kiosk report.
 */
int		 output_guarded(const char *s);
/*
 * With OUTPUT_XLSX: a workbook at path with what this run wrote: a sheet
 * per form version and per repeat, typed cells (numbers, dates, text),
 * choices by their labels in lang (the code when it has none), "(not
 * asked)" in grey, and a codebook sheet. Its parts are written in outdir.
 */
int		 output_xlsx(struct output *, const char *path,
		    const char *lang, char **cause);
/* Submissions this run wrote (with OUTPUT_XLSX). */
size_t		 output_run_rows(const struct output *);

/* The key of a submission and of an entry of a repeat (ODK Central's). */
void		 output_key(struct buf *, const char *kname,
		    unsigned long long seq);

#endif
