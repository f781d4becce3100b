/*
 * ui-staff: the volunteer and staff PIN prompts and the staff menu, drawn
 * over the resident's screens (part of the ui module; see ui-private.h).
 *
 * The PINs, their lockout, the export and the acknowledgements are the
 * session's (session.h); this file collects what staff type and shows
 * what the session says. What it must never do: show staff anything of a
 * resident's.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "config.h"
#include "i18n.h"
#include "session.h"
#include "ui-private.h"
#include "util.h"

#define PASS_MAX	256	/* bytes of an export passphrase */

/* Forget a typed export passphrase (secure memory, wiped on free). */
static void
pass_clear(struct ui *u)
{
	session_secret_free(u->pass);
	u->pass = NULL;
	u->passlen = 0;
	free(u->export_dir);
	u->export_dir = NULL;
}

void
ui_staff_pin_clear(struct ui *u)
{
	session_secret_wipe(u->pin, sizeof u->pin);
	u->pinlen = 0;
}

void
ui_staff_enter(struct ui *u, int mode)
{
	ui_staff_pin_clear(u);
	u->mode = mode;
	u->cursor = 0;
	u->top = 0;
}

void
ui_staff_leave(struct ui *u)
{
	ui_staff_pin_clear(u);
	pass_clear(u);
	u->mode = MODE_NORMAL;
	free(u->staff_msg);
	u->staff_msg = NULL;
	u->shown = (enum session_screen)-1;	/* resync the cursor */
}

static int
pin_locked(struct ui *u)
{
	return session_pin_wait(u->s) > 0;
}

static void
pin_submit(struct ui *u)
{
	u->pin[u->pinlen] = '\0';
	switch (u->mode) {
	case MODE_VOL_NUMBER:
		if (u->cfg->nvolunteers == 0) {
			ui_staff_pin_clear(u);
			return;
		}
		u->vol_number = atoi(u->pin);
		ui_staff_pin_clear(u);
		u->mode = MODE_VOL_PIN;
		return;
	case MODE_VOL_PIN:
		if (session_volunteer(u->s, u->vol_number, u->pin) != 0) {
			ui_staff_pin_clear(u);
			u->mode = pin_locked(u) ? MODE_VOL_PIN : MODE_VOL_NUMBER;
			free(u->staff_msg);
			u->staff_msg = xstrdup(_("That number and PIN do not "
			    "match."));
			return;
		}
		ui_staff_leave(u);
		return;
	case MODE_STAFF_PIN:
		if (u->cfg->staff_pin == NULL) {
			/* Not a wrong PIN: there is none to be right. */
			ui_staff_pin_clear(u);
			return;
		}
		if (session_staff_pin(u->s, u->pin) != 0) {
			ui_staff_pin_clear(u);
			free(u->staff_msg);
			u->staff_msg = xstrdup(_("Wrong PIN."));
			return;
		}
		/* The session wiped the visit; so goes the field. */
		ui_field_clear(u);
		ui_staff_enter(u, MODE_STAFF);
		free(u->staff_msg);
		u->staff_msg = NULL;
		return;
	}
}

void
ui_staff_pin_key(struct ui *u, int r, wint_t k)
{
	if (r == OK && k == 27) {
		ui_staff_leave(u);
		return;
	}
	if (pin_locked(u))
		return;
	if (r == OK && (k == '\r' || k == '\n')) {
		if (u->pinlen > 0)
			pin_submit(u);
		return;
	}
	if ((r == OK && (k == 8 || k == 127)) ||
	    (r == KEY_CODE_YES && k == KEY_BACKSPACE)) {
		if (u->pinlen > 0)
			u->pin[--u->pinlen] = '\0';
		return;
	}
	if (r == OK && k >= '0' && k <= '9' && u->pinlen < 12)
		u->pin[u->pinlen++] = (char)k;
}

void
ui_staff_draw_pin(struct ui *u)
{
	char *line = NULL, dots[40];
	const char *prompt;
	int w = COLS - 8, y = (LINES - 9) / 2, x = 4, i;
	size_t j;

	for (i = 0; i < 9; i++) {
		attron(A_REVERSE);
		mvhline(y + i, x, ' ', w);
		attroff(A_REVERSE);
	}
	switch (u->mode) {
	case MODE_VOL_NUMBER:
		prompt = _("Volunteer: type your volunteer number, then press "
		    "Enter.");
		break;
	case MODE_VOL_PIN:
		prompt = _("Volunteer: type your PIN, then press Enter.");
		break;
	default:
		prompt = _("Staff: type the staff PIN, then press Enter.");
		break;
	}
	/* Say what is missing instead of refusing every PIN. */
	if (u->mode == MODE_STAFF_PIN && u->cfg->staff_pin == NULL)
		prompt = _("No staff PIN is set on this kiosk. Set one on the "
		    "kiosk's computer: kiosk pin set staff");
	else if (u->mode != MODE_STAFF_PIN && u->cfg->nvolunteers == 0)
		prompt = _("No volunteer PINs are set on this kiosk. Staff add "
		    "one on the kiosk's computer: kiosk pin set volunteer N");
	ui_put_wrapped(u, y + 1, x + 2, w - 4, y + 3, prompt, A_REVERSE | A_BOLD);
	if (u->mode == MODE_VOL_NUMBER)
		snprintf(dots, sizeof dots, "%.*s", (int)u->pinlen, u->pin);
	else {
		for (j = 0; j < u->pinlen && j < 12; j++)
			dots[j] = '*';
		dots[j] = '\0';
	}
	mvhline(y + 4, x + 2, '_', 14);
	mvaddstr(y + 4, x + 2, dots);
	if (pin_locked(u)) {
		xasprintf(&line, _("Too many wrong PINs. Try again in %ld "
		    "seconds."), session_pin_wait(u->s));
		ui_put_wrapped(u, y + 6, x + 2, w - 4, y + 8, line,
		    A_REVERSE | A_BOLD);
		free(line);
	} else if (u->staff_msg != NULL)
		ui_put_wrapped(u, y + 6, x + 2, w - 4, y + 8, u->staff_msg,
		    A_REVERSE | A_BOLD);
	ui_put_wrapped(u, y + 7, x + 2, w - 4, y + 9, _("Esc: cancel"),
	    A_REVERSE);
}

/* The sticks the session finds (session_sticks), afresh. */
static void
find_sticks(struct ui *u)
{
	int i;

	for (i = 0; i < u->nsticks; i++)
		free(u->sticks[i]);
	free(u->sticks);
	u->nsticks = session_sticks(u->s, &u->sticks);
}

static void
staff_export(struct ui *u, const char *dir)
{
	char *msg = NULL;

	free(u->staff_msg);
	u->staff_msg = NULL;
	if (session_export(u->s, dir, &msg) == 1) {
		/* The key is sealed: ask for its passphrase first. */
		pass_clear(u);
		u->pass = session_secret_alloc(PASS_MAX + 1);
		u->export_dir = xstrdup(dir);
		u->mode = MODE_EXPORT_PASS;
		return;
	}
	u->staff_msg = msg;
}

/* Enter on the passphrase: open the key, export, forget the key. */
static void
pass_submit(struct ui *u)
{
	char *msg = NULL;

	u->pass[u->passlen] = '\0';
	if (session_export_pass(u->s, u->export_dir, u->pass, &msg) == 2) {
		session_secret_wipe(u->pass, PASS_MAX + 1);
		u->passlen = 0;
		free(u->staff_msg);
		u->staff_msg = msg;
		return;
	}
	pass_clear(u);
	u->mode = MODE_STAFF;
	free(u->staff_msg);
	u->staff_msg = msg;
}

static void
pass_key(struct ui *u, int r, wint_t k)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	if (r == OK && k == 27) {
		pass_clear(u);
		u->mode = MODE_STAFF;
		free(u->staff_msg);
		u->staff_msg = NULL;
		return;
	}
	if ((r == OK && (k == '\r' || k == '\n')) ||
	    (r == KEY_CODE_YES && k == KEY_ENTER)) {
		if (u->passlen > 0)
			pass_submit(u);
		return;
	}
	if ((r == OK && (k == 8 || k == 127)) ||
	    (r == KEY_CODE_YES && k == KEY_BACKSPACE)) {
		/* One character back, not one byte. */
		while (u->passlen > 0 &&
		    ((unsigned char)u->pass[--u->passlen] & 0xc0) == 0x80)
			u->pass[u->passlen] = '\0';
		u->pass[u->passlen] = '\0';
		return;
	}
	if (r != OK || k < 32 || k == 127)
		return;
	memset(&st, 0, sizeof st);
	if ((n = wcrtomb(mb, (wchar_t)k, &st)) == (size_t)-1 ||
	    u->passlen + n > PASS_MAX)
		return;
	memcpy(u->pass + u->passlen, mb, n);
	u->passlen += n;
	session_secret_wipe(mb, sizeof mb);
}

static void
staff_ack(struct ui *u)
{
	char *cause = NULL, *path, *last = NULL;
	long deleted = 0, total = 0;
	int i, found = 0, failed = 0;
	DIR *d;
	struct dirent *de;
	size_t n;

	free(u->staff_msg);
	u->staff_msg = NULL;
	find_sticks(u);
	for (i = 0; i < u->nsticks; i++) {
		if ((d = opendir(u->sticks[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			n = strlen(de->d_name);
			if (n < 5 || strcmp(de->d_name + n - 4, ".ack") != 0)
				continue;
			found++;
			xasprintf(&path, "%s/%s", u->sticks[i], de->d_name);
			if (session_ack(u->s, path, &deleted, &cause) != 0) {
				log_msg("acknowledgement %s refused: %s", path,
				    cause);
				/* The cause goes on screen too, without the
				 * path (the log has it). */
				free(last);
				n = strlen(path);
				last = xstrdup(strncmp(cause, path, n) == 0 &&
				    cause[n] == ':' ? cause + n + 1 : cause);
				free(cause);
				cause = NULL;
				failed++;
			} else
				total += deleted;
			free(path);
		}
		closedir(d);
	}
	if (found == 0)
		u->staff_msg = xstrdup(_("No acknowledgement file (.ack) was "
		    "found on a USB stick."));
	else if (failed > 0)
		xasprintf(&u->staff_msg, "%s%s", _("An acknowledgement was "
		    "refused. Nothing was deleted for it."), last);
	else
		xasprintf(&u->staff_msg, ngettext("Acknowledgement accepted: "
		    "%ld submission the office has received was deleted here.",
		    "Acknowledgement accepted: %ld submissions the office has "
		    "received were deleted here.", total), total);
	free(last);
}

static void
staff_printer_status(struct ui *u)
{
	char *msg = NULL;

	session_printer_status(u->s, &msg);
	free(u->staff_msg);
	u->staff_msg = msg;
}

static void
staff_choose(struct ui *u)
{
	char *msg = NULL;

	switch (u->cursor) {
	case 0:
		find_sticks(u);
		if (u->nsticks == 0) {
			free(u->staff_msg);
			u->staff_msg = xstrdup(_("No USB stick found. Insert "
			    "one, wait a moment and try again."));
		} else if (u->nsticks == 1)
			staff_export(u, u->sticks[0]);
		else {
			u->mode = MODE_STICKS;
			u->cursor = 0;
		}
		break;
	case 1:
		staff_ack(u);
		break;
	case 2:
		staff_printer_status(u);
		break;
	case 3:
		session_test_print(u->s, &msg);
		free(u->staff_msg);
		u->staff_msg = msg;
		break;
	case 4:
		log_msg("staff menu closed");
		ui_staff_leave(u);
		break;
	}
}

void
ui_staff_key(struct ui *u, int r, wint_t k)
{
	int n = u->mode == MODE_STICKS ? u->nsticks : 5;

	if (u->mode == MODE_EXPORT_PASS) {
		pass_key(u, r, k);
		return;
	}
	if (r == OK && k == 27) {
		if (u->mode == MODE_STICKS)
			u->mode = MODE_STAFF;
		else
			ui_staff_leave(u);
		return;
	}
	if (r == KEY_CODE_YES && k == KEY_UP && u->cursor > 0)
		u->cursor--;
	else if (r == KEY_CODE_YES && k == KEY_DOWN && u->cursor + 1 < n)
		u->cursor++;
	else if (r == OK && k >= '1' && k <= '9' && (int)(k - '1') < n)
		u->cursor = (int)(k - '1');
	else if ((r == OK && (k == '\r' || k == '\n')) ||
	    (r == KEY_CODE_YES && k == KEY_ENTER)) {
		if (u->mode == MODE_STICKS) {
			u->mode = MODE_STAFF;
			if (u->cursor < u->nsticks)
				staff_export(u, u->sticks[u->cursor]);
			u->cursor = 0;
		} else
			staff_choose(u);
	}
}

void
ui_staff_draw(struct ui *u)
{
	const char *labels[16];
	char *line, *demo;
	int y, n, i;
	struct key_hint keys[] = {
		{ _("Enter: choose"), HIT_ENTER },
		{ _("Esc: leave the staff menu"), HIT_BACK },
	};

	ui_draw_header(u, _("Staff menu"));
	y = 2;
	xasprintf(&line, "%s %ld", _("Submissions waiting for the office:"),
	    session_waiting(u->s));
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, line, A_BOLD);
	free(line);
	xasprintf(&line, "%s %s", _("This kiosk's identity:"),
	    session_fingerprint(u->s));
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, line, A_NORMAL);
	free(line);
	y++;
	line = ui_listen_status(u);	/* reading aloud: on/off, device, voices */
	y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, line, A_NORMAL) + 1;
	free(line);
	if (u->mode == MODE_EXPORT_PASS) {
		char dots[PASS_MAX + 1];
		size_t j, c = 0;

		struct key_hint pkeys[] = {
			{ _("Enter: continue"), HIT_ENTER },
			{ _("Esc: cancel"), HIT_BACK },
		};

		y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, _("This "
		    "kiosk's key is protected. Type the export passphrase, then "
		    "press Enter."), A_BOLD);
		y++;
		for (j = 0; j < u->passlen && c + 1 < (size_t)COLS - 4; j++)
			if (((unsigned char)u->pass[j] & 0xc0) != 0x80)
				dots[c++] = '*';
		dots[c] = '\0';
		mvhline(y, 2, '_', COLS - 4 < 40 ? COLS - 4 : 40);
		mvaddstr(y, 2, dots);
		if (u->staff_msg != NULL)
			ui_put_wrapped(u, LINES - 5, 2, COLS - 4, LINES - 1,
			    u->staff_msg, A_BOLD);
		ui_draw_footer(u, pkeys, nitems(pkeys));
		return;
	}
	if (u->mode == MODE_STICKS) {
		y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, _("More than "
		    "one USB stick is in. Choose the one to export to."),
		    A_BOLD);
		for (i = 0; i < u->nsticks && i < 16; i++)
			labels[i] = u->sticks[i];
		n = u->nsticks < 16 ? u->nsticks : 16;
	} else {
		if (u->cfg->demo && u->cfg->demo_stick != NULL) {
			xasprintf(&demo, _("Demo only: the folder %s stands in "
			    "for a USB stick."), u->cfg->demo_stick);
			y += ui_put_wrapped(u, y, 2, COLS - 4, LINES - 3, demo,
			    A_BOLD);
			free(demo);
		}
		labels[0] = _("Export to a USB stick");
		labels[1] = _("Read an acknowledgement from the USB stick");
		labels[2] = _("Printer status");
		labels[3] = _("Print a test ticket");
		labels[4] = _("Leave the staff menu");
		n = 5;
	}
	y += ui_draw_list(u, y, LINES - y - 6, labels, NULL, n, 0, -1);
	/* A message may be long (a refused ack says why): every row
	 * between the list and the footer is its own. */
	if (u->staff_msg != NULL)
		ui_put_wrapped(u, y + 1 < LINES - 5 ? y + 1 : LINES - 5, 2,
		    COLS - 4, LINES - 1, u->staff_msg, A_BOLD);
	ui_draw_footer(u, keys, nitems(keys));
}

