/*
 * spool: a big file written or read through a few reused buffers, with
 * the write(2) or read(2) on a second thread, so that the caller's work
 * (reading SQLite, comparing) and the device overlap.
 *
 * Only a pipe: it opens, syncs and closes nothing, and reports errors as
 * an errno for the caller to word. A writer's fd may be O_DIRECT: whole
 * aligned chunks go straight to the device, and a last piece that is not
 * whole blocks (or a device that refuses) is written through the page
 * cache instead, so fsync remains what makes the file durable. The thread is joined on every path
 * (spool_finish or spool_close); if it cannot be started, the same calls
 * do the I/O inline.
 *
 * Writing:  spool_writer, spool_write (copies; any number of times),
 *           spool_finish (the last bytes, then join: the first error).
 * Reading:  spool_reader, spool_next (the next piece, in order, until 0
 *           at the end of the file), spool_close.
 */
#ifndef KIOSK_SPOOL_H
#define KIOSK_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct spool;

/*
 * Write to fd from its current offset, starting writeback every
 * writeback bytes (0: never) so that a later fsync has little left.
 */
struct spool	*spool_writer(int fd, uint64_t writeback);
/* 0, or -1 with *err set (write's errno; earlier bytes may be lost). */
int		 spool_write(struct spool *, const void *, size_t, int *err);
/* Write what is left, join and free: 0, or -1 with the first *err. */
int		 spool_finish(struct spool *, int *err);

/* Read fd from its current offset to the end of the file. */
struct spool	*spool_reader(int fd);
/*
 * The next piece: *p points into a buffer valid until the next call.
 * Returns its length, 0 at the end of the file, -1 with *err set.
 */
ssize_t		 spool_next(struct spool *, const unsigned char **p, int *err);

/* Stop (a writer drops what it has not written), join and free. */
void		 spool_close(struct spool *);

#endif
