/*
 * print: the only module that talks to CUPS (the destination API).
 *
 * Job life cycle:
 *
 *   print_submit() --> PENDING --print_poll()--> DONE
 *                         |                 \--> FAILED (aborted, canceled,
 *                         |                        stopped, printer error)
 *                         \--deadline passed--> caller calls print_cancel()
 *
 * The caller owns the deadline (it polls from the UI loop); print_cancel()
 * makes sure a failed ticket never prints later for the next person.
 * Never prints to the screen, never exits.
 */
#ifndef KIOSK_PRINT_H
#define KIOSK_PRINT_H

#include <stddef.h>

enum print_result {
	PRINT_PENDING,
	PRINT_DONE,
	PRINT_FAILED
};

struct print_state {
	int	state;		/* printer-state: 3 idle, 4 processing, 5 stopped */
	char	reasons[512];	/* printer-state-reasons, comma separated */
	char	message[512];	/* printer-state-message */
	int	accepting;
};

/*
 * Submit a PDF to destination dest. Returns -1 with *cause on error.
 * created (may be NULL) is called with the job id as soon as CUPS has made
 * the job, before the document is sent, so a caller can tell someone who
 * may have to cancel it should this process die half way.
 */
int		 print_submit(const char *dest, const char *media,
		    const void *pdf, size_t len, int *job_id,
		    void (*created)(int, void *), void *arg, char **cause);
/* Where the job is now; on FAILED, *why (allocated, English) says why. */
enum print_result print_poll(const char *dest, int job_id, char **why);
int		 print_cancel(const char *dest, int job_id, char **cause);
/*
 * Cancel every job of this user named like a ticket that is still waiting
 * or printing on dest (when the job id was lost with a crashed helper).
 */
int		 print_cancel_mine(const char *dest, char **cause);
int		 print_dest_state(const char *dest, struct print_state *,
		    char **cause);

#endif
