/*
 * record: the plaintext of one submission, kept in secure memory (vault)
 * from the first answer to the seal, and parsed again at the office.
 *
 * The kiosk builds a record column by column (in form order, see
 * form_state_columns) and hands it to outbox_submit. record_free() wipes
 * everything. The serialized form is canonical and length-prefixed; see
 * record.c for the layout.
 */
#ifndef KIOSK_RECORD_H
#define KIOSK_RECORD_H

#include <stddef.h>

struct record;

struct record	*record_new(void);
void		 record_free(struct record *);	/* wipes */
/* Add a column. relevant=0 means the question was skipped (value ""). */
void		 record_add(struct record *, const char *column,
		    const char *value, int relevant);
size_t		 record_ncolumns(const struct record *);
void		 record_column(const struct record *, size_t, const char **name,
		    const char **value, int *relevant);

#endif
