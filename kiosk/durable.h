/*
 * durable: the one durable file writer (temp file, fsync, rename, fsync
 * of the folder) and the bounded readers that refuse links, FIFOs and
 * devices. Every file the kiosk keeps, and the office's acks and keys,
 * are written through it; see durable.c.
 */
#ifndef KIOSK_DURABLE_H
#define KIOSK_DURABLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A durable write: a temp file in dir opened O_CREAT|O_EXCL|O_NOFOLLOW,
 * mode 0600 (durable_open), written (durable_write, buffered, as often as
 * needed), then durable_commit: fsync, rename to dir/name (refusing to
 * replace an existing file unless replace is set), fsync of the folder.
 * On any error the temp file is removed and nothing new is left under
 * name; durable_abort gives up and removes it. Commit and abort free the
 * handle. durable_save does all of it for bytes in memory.
 */
struct durable;
#define DURABLE_BLOCK	4096
int	 durable_open(const char *dir, const char *name, int replace,
	    struct durable **, char **cause);
int	 durable_write(struct durable *, const void *, size_t, char **cause);
/*
 * For a file whose first bytes are known only after the rest: before the
 * first write, durable_reserve leaves the first len bytes (a multiple of
 * DURABLE_BLOCK, the O_DIRECT block) for later, so the writes after them
 * start on a block; any time before commit, durable_set_head gives the
 * bytes to put at offset 0 (copied). Commit writes them after the rest
 * and before fsync.
 */
int	 durable_reserve(struct durable *, uint64_t len, char **cause);
void	 durable_set_head(struct durable *, const void *, size_t);
/*
 * Give the new file the owner, group and mode of the file at path (the
 * one it replaces), before commit. Owner and group are kept as they are
 * when only root could change them and the file is the caller's own.
 */
int	 durable_like(struct durable *, const char *path, char **cause);
/* *path (allocated, may be NULL) is where the file now is. */
int	 durable_commit(struct durable *, char **path, char **cause);
void	 durable_abort(struct durable *);
int	 durable_save(const char *dir, const char *name, const void *, size_t,
	    int replace, char **path, char **cause);
/* fsync a folder, so a rename or unlink in it survives a power cut. */
int	 durable_sync_dir(const char *dir, char **cause);

/*
 * Read a whole file (a regular file, at most max bytes, no link, never
 * waiting on a FIFO, refused if it grows while read) into a malloc
 * buffer, with a NUL after its *len bytes.
 */
int	 durable_load(const char *path, size_t max, unsigned char **data,
	    size_t *len, char **cause);
/*
 * The same into one block that alloc gives (the file's size + 1 bytes;
 * release frees it on an error): for bytes that must stay in secure
 * memory, as the office's report reads its CSV files.
 */
int	 durable_load_in(const char *path, size_t max, void *(*alloc)(size_t),
	    void (*release)(void *), unsigned char **data, size_t *len,
	    char **cause);
/*
 * For a reader that streams: open path (the same checks), refuse it
 * when larger than max ("larger than WHAT can be"), and read its first
 * headlen bytes (fewer if shorter; the rest zero) into *head (malloc).
 * *len is the file's size; *fd stays open.
 */
int	 durable_open_head(const char *path, uint64_t max, const char *what,
	    size_t headlen, int *fd, unsigned char **head, size_t *len,
	    char **cause);

/*
 * The read-back check of a file just written, from the device (the page
 * cache is dropped first), in order and in pieces so that a big file
 * needs no second copy in memory: durable_reread_open checks that path is
 * a regular file of exactly len bytes; durable_reread_read copies the next
 * bytes out; durable_reread_cmp checks that the next bytes are data; each
 * fails on a short file. durable_reread_close frees, and with check set
 * fails if the file holds anything after what was consumed.
 */
struct durable_reread;
int	 durable_reread_open(const char *path, uint64_t len,
	    struct durable_reread **, char **cause);
int	 durable_reread_read(struct durable_reread *, void *, size_t,
	    char **cause);
int	 durable_reread_cmp(struct durable_reread *, const void *, size_t,
	    char **cause);
int	 durable_reread_close(struct durable_reread *, int check,
	    char **cause);

#endif
