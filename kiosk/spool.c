/*
 * spool: a ring of SPOOL_NBUF buffers between the caller and one I/O
 * thread (see spool.h).
 *
 * Slots [tail, head) are full. One side fills slot head and publishes it
 * (head++), the other takes slot tail and releases it (tail++); each
 * waits on the one condition variable when the ring is full or empty.
 *
 *	writer:	caller  -- spool_write fills, publish -->  thread writes
 *	reader:	thread  reads, publishes -->  spool_next hands it out
 *
 * The thread stops at the end (writer: eof set and the ring drained;
 * reader: read(2) returned 0), on the first error (kept in err), or when
 * told to (stop). Buffers are wiped when the spool is freed: most callers
 * pass ciphertext, but the kiosk's identity file passes its secret key.
 *
 * Must never print or exit (except fatal on no memory, as xmalloc).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"
#include "util.h"
#include "vault.h"

#define SPOOL_NBUF	4
#define SPOOL_CHUNK	(4u << 20)	/* one write(2) or read(2) */
#define SPOOL_AHEAD	(32u << 20)	/* reader: readahead window */
#define SPOOL_ALIGN	4096		/* O_DIRECT: buffers, offsets, sizes */

struct spool {
	int		 fd;
	int		 writing;
	int		 threaded;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;

	/*
	 * A slot's buffer belongs to the side that holds the slot; the rest
	 * is read and written under lock when threaded.
	 */
	unsigned char	*buf[SPOOL_NBUF];
	size_t		 len[SPOOL_NBUF];
	unsigned	 head, tail;
	int		 eof, stop, err;

	/* The I/O side only. */
	uint64_t	 writeback, off, started, ahead;
	int		 direct;	/* fd is O_DIRECT */

	/* The caller only. */
	size_t		 fill;		/* writer: bytes in slot head */
	int		 holding;	/* reader: the caller has slot tail */
	int		 failed;	/* writer: an error was returned */
};

static unsigned char *
slot(struct spool *sp, unsigned i)
{
	void *p;

	i %= SPOOL_NBUF;
	if (sp->buf[i] == NULL) {	/* a small file touches one */
		if (posix_memalign(&p, SPOOL_ALIGN, SPOOL_CHUNK) != 0)
			fatal("out of memory");
		sp->buf[i] = p;
	}
	return sp->buf[i];
}

/* Leave O_DIRECT: for a tail that is not whole blocks, or if refused. */
static int
io_buffered(struct spool *sp)
{
	int fl;

	sp->direct = 0;
	if ((fl = fcntl(sp->fd, F_GETFL)) == -1 ||
	    fcntl(sp->fd, F_SETFL, fl & ~O_DIRECT) == -1)
		return errno;
	return 0;
}

/* Write all of p; 0 or an errno. */
static int
io_write(struct spool *sp, const unsigned char *p, size_t len)
{
	ssize_t n;
	int e;

	if (sp->direct && (len % SPOOL_ALIGN) != 0 &&
	    (e = io_buffered(sp)) != 0)
		return e;
	while (len > 0) {
		n = write(sp->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EINVAL && sp->direct) {
			if ((e = io_buffered(sp)) != 0)
				return e;
			continue;
		}
		if (n == -1)
			return errno;
		if (n == 0)
			return EIO;
		p += n;
		len -= (size_t)n;
		sp->off += (uint64_t)n;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Only a head start: fsync is what makes it durable. */
	if (sp->writeback != 0 && sp->off - sp->started >= sp->writeback) {
		(void)sync_file_range(sp->fd, (off_t)sp->started,
		    (off_t)(sp->off - sp->started), SYNC_FILE_RANGE_WRITE);
		sp->started = sp->off;
	}
#endif
	return 0;
}

/* Fill p with the next SPOOL_CHUNK bytes or up to the end; -1 on error. */
static ssize_t
io_read(struct spool *sp, unsigned char *p, int *err)
{
	size_t got = 0;
	ssize_t n;

#ifdef POSIX_FADV_WILLNEED
	/* Keep the device busy a window ahead of what is consumed. */
	if (!sp->direct && sp->ahead < sp->off + SPOOL_AHEAD) {
		posix_fadvise(sp->fd, (off_t)sp->ahead, SPOOL_AHEAD,
		    POSIX_FADV_WILLNEED);
		sp->ahead += SPOOL_AHEAD;
	}
#endif
	while (got < SPOOL_CHUNK) {
		n = read(sp->fd, p + got, SPOOL_CHUNK - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EINVAL && sp->direct) {
			if ((*err = io_buffered(sp)) != 0)
				return -1;
			continue;
		}
		if (n == -1) {
			*err = errno;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	sp->off += got;
	return (ssize_t)got;
}

static void *
spool_main(void *arg)
{
	struct spool *sp = arg;
	unsigned char *p;
	unsigned i;
	ssize_t n;
	int err = 0;

	pthread_mutex_lock(&sp->lock);
	while (!sp->stop) {
		if (sp->writing) {
			if (sp->tail == sp->head) {
				if (sp->eof)
					break;
				pthread_cond_wait(&sp->cond, &sp->lock);
				continue;
			}
			i = sp->tail % SPOOL_NBUF;
			pthread_mutex_unlock(&sp->lock);
			err = io_write(sp, sp->buf[i], sp->len[i]);
			pthread_mutex_lock(&sp->lock);
			sp->tail++;
		} else {
			if (sp->head - sp->tail == SPOOL_NBUF) {
				pthread_cond_wait(&sp->cond, &sp->lock);
				continue;
			}
			i = sp->head;
			pthread_mutex_unlock(&sp->lock);
			p = slot(sp, i);
			n = io_read(sp, p, &err);
			pthread_mutex_lock(&sp->lock);
			if (n == 0)
				sp->eof = 1;
			else if (n > 0) {
				sp->len[i % SPOOL_NBUF] = (size_t)n;
				sp->head++;
			}
		}
		if (err != 0)
			sp->err = err;
		pthread_cond_broadcast(&sp->cond);
		/* A writer's eof means: stop once the ring is drained. */
		if (err != 0 || (!sp->writing && sp->eof))
			break;
	}
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	return NULL;
}

static struct spool *
spool_start(int fd, int writing, uint64_t writeback)
{
	struct spool *sp;
	sigset_t all, old;
	off_t at;

	sp = xcalloc(1, sizeof *sp);
	sp->fd = fd;
	sp->writing = writing;
	sp->writeback = writeback;
	sp->direct = (fcntl(fd, F_GETFL) & O_DIRECT) != 0;
	if ((at = lseek(fd, 0, SEEK_CUR)) > 0)
		sp->off = sp->started = sp->ahead = (uint64_t)at;
	if (pthread_mutex_init(&sp->lock, NULL) != 0)
		return sp;
	if (pthread_cond_init(&sp->cond, NULL) != 0) {
		pthread_mutex_destroy(&sp->lock);
		return sp;
	}
	/* Signals stay with the caller's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	sp->threaded = pthread_create(&sp->thread, NULL, spool_main, sp) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!sp->threaded) {
		pthread_cond_destroy(&sp->cond);
		pthread_mutex_destroy(&sp->lock);
	}
	return sp;
}

struct spool *
spool_writer(int fd, uint64_t writeback)
{
	return spool_start(fd, 1, writeback);
}

struct spool *
spool_reader(int fd)
{
	return spool_start(fd, 0, 0);
}

/*
 * Writer: hand slot head (fill bytes) to the thread; with wait, also wait
 * for a free slot to fill next. Without a thread, write it here.
 */
static int
publish(struct spool *sp, int wait, int *err)
{
	int e;

	if (!sp->threaded) {
		e = io_write(sp, sp->buf[sp->head % SPOOL_NBUF], sp->fill);
		sp->fill = 0;
	} else {
		pthread_mutex_lock(&sp->lock);
		sp->len[sp->head % SPOOL_NBUF] = sp->fill;
		sp->head++;
		sp->fill = 0;
		pthread_cond_broadcast(&sp->cond);
		while (wait && sp->head - sp->tail == SPOOL_NBUF &&
		    sp->err == 0)
			pthread_cond_wait(&sp->cond, &sp->lock);
		e = sp->err;
		pthread_mutex_unlock(&sp->lock);
	}
	if (e != 0) {
		sp->failed = 1;
		*err = e;
		return -1;
	}
	return 0;
}

int
spool_write(struct spool *sp, const void *data, size_t len, int *err)
{
	const unsigned char *p = data;
	unsigned char *b;
	size_t n;

	if (sp->failed) {
		*err = EIO;
		return -1;
	}
	while (len > 0) {
		b = slot(sp, sp->head);
		n = SPOOL_CHUNK - sp->fill;
		if (n > len)
			n = len;
		memcpy(b + sp->fill, p, n);
		sp->fill += n;
		p += n;
		len -= n;
		if (sp->fill == SPOOL_CHUNK && publish(sp, 1, err) != 0)
			return -1;
	}
	return 0;
}

static void
spool_join(struct spool *sp)
{
	if (sp->threaded) {
		pthread_join(sp->thread, NULL);
		pthread_cond_destroy(&sp->cond);
		pthread_mutex_destroy(&sp->lock);
		sp->threaded = 0;
	}
}

static void
spool_free(struct spool *sp)
{
	size_t i;

	spool_join(sp);
	for (i = 0; i < SPOOL_NBUF; i++) {
		if (sp->buf[i] != NULL)
			vault_wipe(sp->buf[i], SPOOL_CHUNK);
		free(sp->buf[i]);
	}
	free(sp);
}

int
spool_finish(struct spool *sp, int *err)
{
	int rc = 0;

	if (sp->failed) {
		*err = EIO;
		rc = -1;
	} else if (sp->fill > 0 && publish(sp, 0, err) != 0)
		rc = -1;
	if (sp->threaded) {
		/* The thread drains the ring, then stops. */
		pthread_mutex_lock(&sp->lock);
		sp->eof = 1;
		pthread_cond_broadcast(&sp->cond);
		pthread_mutex_unlock(&sp->lock);
		spool_join(sp);
		if (rc == 0 && sp->err != 0) {
			*err = sp->err;
			rc = -1;
		}
	}
	spool_free(sp);
	return rc;
}

ssize_t
spool_next(struct spool *sp, const unsigned char **p, int *err)
{
	ssize_t n = 0;
	unsigned i;

	if (!sp->threaded) {
		n = io_read(sp, slot(sp, 0), err);
		*p = sp->buf[0];
		return n;
	}
	pthread_mutex_lock(&sp->lock);
	if (sp->holding) {
		sp->tail++;
		sp->holding = 0;
		pthread_cond_broadcast(&sp->cond);
	}
	while (sp->head == sp->tail && !sp->eof && sp->err == 0)
		pthread_cond_wait(&sp->cond, &sp->lock);
	if (sp->head != sp->tail) {
		i = sp->tail % SPOOL_NBUF;
		*p = sp->buf[i];
		n = (ssize_t)sp->len[i];
		sp->holding = 1;
	} else if (sp->err != 0) {
		*err = sp->err;
		n = -1;
	}
	pthread_mutex_unlock(&sp->lock);
	return n;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->threaded) {
		pthread_mutex_lock(&sp->lock);
		sp->stop = 1;
		pthread_cond_broadcast(&sp->cond);
		pthread_mutex_unlock(&sp->lock);
	}
	spool_free(sp);
}
