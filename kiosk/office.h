/*
 * office: the office side of the sealed path. Verifies batches, opens the
 * records in them, keeps the ledger, writes CSV and JSON Lines, and
 * writes signed acknowledgements.
 *
 * A batch is verified completely (signature, manifest, every record's
 * hash, decryption, sequence and chain) before anything is written; a
 * batch that fails any check writes nothing. Never prints or exits:
 * messages for staff are collected with office_notes.
 */
#ifndef KIOSK_OFFICE_H
#define KIOSK_OFFICE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct vault_office_key;
struct office;
struct form;

/* Error classes beyond batch.h's BATCH_E_*. */
#define OFFICE_E_NOT_ENROLLED	10
#define OFFICE_E_WRONG_KEY	11	/* sealed to a key we were not given */
#define OFFICE_E_CHAIN		12	/* seq or chain link broken */
#define OFFICE_E_RECORD		13	/* a record does not open or parse */
#define OFFICE_E_FORK		14	/* same batch/seq seen with other bytes */
#define OFFICE_E_OUTPUT		15	/* cannot write the output */
#define OFFICE_E_LEDGER		16
#define OFFICE_E_REVOKED	17	/* from a revoked kiosk, too late */

/*
 * Output file names: at most OFFICE_NAME_MAX bytes (a temp file
 * ".NAME.part" must fit the 255 of most file systems); a form id or
 * version longer than OFFICE_ID_SHOWN, or with characters a file name
 * cannot hold, is cut and followed by "~" and 16 hex digits of its hash.
 */
#define OFFICE_NAME_MAX		240
#define OFFICE_ID_SHOWN		96
/* The longest form id a record may carry (forms check should agree). */
#define OFFICE_FORM_ID_MAX	255

/* tofu: enrol an unknown kiosk on first use (announced in the notes). */
struct office	*office_open(const char *outdir, const char *ledger, int tofu,
		    char **cause);
void		 office_close(struct office *);
/* Give a decrypting key; the office owns it from now on. */
void		 office_add_key(struct office *, struct vault_office_key *);
/*
 * A form the office authored (kiosk open --forms): its versions' output
 * layout comes from it. The office owns it from now on.
 */
void		 office_add_form(struct office *, struct form *);
/* OUTPUT_* flags (output.h). */
void		 office_output_flags(struct office *, int);
/*
 * With OUTPUT_XLSX: one workbook, DIR/opened-YYYY-MM-DD[-N].xlsx, of what
 * this run opened, choices labelled in lang. *path NULL if nothing was.
 */
int		 office_xlsx(struct office *, const char *lang, char **path,
		    char **cause);
/*
 * Verify and open one batch. 0: opened (or already seen: *replay = 1),
 * -1: rejected whole, *why the class, nothing written.
 */
int		 office_batch(struct office *, const char *path, int *replay,
		    long *added, int *why, char **cause);
/*
 * For every kiosk touched: ranges received and missing, and submissions
 * lost (arrived damaged), into report; writes <kiosk-name>.ack next to
 * the output, acknowledging the first unbroken run of numbers received
 * or accepted as lost. *gap = 1 if any gap, *lost = 1 if any
 * submission is lost and not yet accepted.
 */
int		 office_finish(struct office *, struct buf *report, int *gap,
		    int *lost, char **cause);
/*
 * Staff confirm that a submission reported lost (it arrived damaged and
 * the kiosk's export called it damaged too) is gone: acknowledgements
 * may now go past it, and the kiosk will delete it. Fails if the kiosk
 * has no such lost submission.
 */
int		 office_accept_lost(struct office *, const char *name,
		    uint64_t seq, char **cause);
/*
 * --resync: a batch whose kiosk holds an ack for 1..N that this ledger
 * does not know (lost, or restored from a backup) has 1..N taken as
 * received before, and the ack counter moved past any the lost ledger
 * wrote. Without it such a batch only leaves a note and sets
 * office_ledger_behind.
 */
void		 office_set_resync(struct office *, int);
int		 office_ledger_behind(struct office *);
/* Messages collected for staff (TOFU, replays, warnings); may be empty. */
struct buf	*office_notes(struct office *);
const char	*office_error_name(int);

/* kiosk enroll: add a kiosk identity file to the ledger. */
int		 office_enroll(const char *ledger, const char *idpath,
		    struct buf *msg, char **cause);
/*
 * kiosk revoke: refuse the named kiosk's batches numbered above through
 * (-1: above the last one opened so far). For a stolen or lost kiosk.
 */
int		 office_revoke(const char *ledger, const char *name,
		    int64_t through, struct buf *msg, char **cause);
/* kiosk enroll --list: every kiosk in the ledger, for staff. */
int		 office_list(const char *ledger, struct buf *msg,
		    char **cause);

#endif
