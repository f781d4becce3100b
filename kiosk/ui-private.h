/*
 * ui-private.h: what the files of the ui module (ui.c: the resident's
 * screens; ui-staff.c: PIN prompts and the staff menu) share. Not for any
 * other module: everything here assumes curses.h.
 */
#ifndef KIOSK_UI_PRIVATE_H
#define KIOSK_UI_PRIVATE_H

#include <stddef.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "config.h"
#include "session.h"

struct config;
struct speech;

#define MIN_COLS	60
#define MIN_ROWS	20
#define FIELD_MAX	2048
#define MAX_HITS	64
#define PAGE_MAX	64

/* What a tap on a region of the screen does. */
enum hit_action {
	HIT_OPTION,	/* arg: option index in the focused list */
	HIT_ENTER,
	HIT_BACK,
	HIT_LANG,
	HIT_EXIT,
	HIT_FOCUS,	/* arg: item index on the page */
	HIT_VOLUNTEER,
	HIT_STAFF,
	HIT_REMOVE,	/* take out this repeat instance (asks first) */
	HIT_LISTEN,	/* read the screen aloud (ui-listen.c) */
	HIT_LISTEN_CODE,	/* read the claim code aloud (ticket screen) */
	HIT_SCROLL,	/* arg: -1 a page up, 1 a page down a long list */
	HIT_PRINT	/* print the know-your-rights pages to take away */
};

struct hit {
	int		y, x, h, w;
	enum hit_action	action;
	int		arg;
	int		focus;
};

struct ui {
	struct session		*s;
	const struct config	*cfg;
	int			 mono;

	int			 cursor;	/* highlighted row of a list */
	int			 top;		/* first item shown of a long list */
	int			 digit_prev;	/* a number key just typed, or 0 */
	double			 digit_at;	/* when (ms), for "1" "2" = 12 */
	int			 focus;		/* input on a field-list page */
	enum session_screen	 shown;		/* screen the cursor belongs to */
	size_t			 shown_page;

	char			*field;		/* secure, FIELD_MAX bytes */
	size_t			 flen, fpos;
	long			 field_item;	/* item the field edits, or -1 */

	char			*msg;		/* message for the resident */
	int			 msg_shown;	/* drawn beside its answer */
	int			 msg_ok;	/* msg is news, not a problem */
	int			 confirm;	/* asking "remove this one?" */
	int			 confirm_cursor; /* the page's cursor meanwhile */
	/* "Español — Elija su idioma.": each language asks in its own words. */
	char			*lang_label[CONFIG_MAX_LANGS];
	time_t			 last_key;

	/* PIN prompt and staff menu, drawn over the resident's screens. */
	int			 mode;		/* MODE_* */
	char			 pin[16];
	size_t			 pinlen;
	int			 vol_number;
	char			*staff_msg;
	char			**sticks;
	int			 nsticks;
	char			*pass;		/* secure; MODE_EXPORT_PASS */
	size_t			 passlen;
	char			*export_dir;	/* the stick it is for */

	/* Reading aloud (ui-listen.c); speech is NULL without audio. */
	struct speech		*speech;
	int			 listened;	/* pressed Listen this visit */
	char			*listen_sig;	/* the screen last seen */
	char			*listen_why;	/* the helper's last failure, logged */
	char			*voice_said;	/* the voice of the last reading */
	int			 said_code;	/* ... which was the claim code */
	char			*voice_bad;	/* a voice the helper lacks */
	char			*listen_words[CONFIG_MAX_LANGS];

	struct hit		 hits[MAX_HITS];
	int			 nhits;
	int			 cur_y, cur_x;	/* where the text cursor goes */
	int			 show_cursor;
};

/* struct ui's confirm: what the Yes/No question over the page is. */
enum {
	CONFIRM_NONE,
	CONFIRM_REMOVE,		/* take out this repeat instance */
	CONFIRM_LEAVE		/* Esc on the first question: erase answers */
};

enum {
	MODE_NORMAL,
	MODE_VOL_NUMBER,	/* volunteer types their number */
	MODE_VOL_PIN,		/* ... then their PIN */
	MODE_STAFF_PIN,
	MODE_STAFF,		/* the staff menu */
	MODE_STICKS,		/* choose one stick to export to */
	MODE_EXPORT_PASS	/* the passphrase of a protected kiosk key */
};

enum {
	PAIR_TITLE = 1,
	PAIR_SELECT,
	PAIR_ERROR,
	PAIR_KEYS
};


struct key_hint {
	const char	*text;
	enum hit_action	 action;
};

/* ui.c: drawing helpers shared with ui-staff.c. */
int	ui_put_wrapped(struct ui *, int, int, int, int, const char *, attr_t);
void	ui_draw_header(struct ui *, const char *);
int	ui_draw_footer(struct ui *, const struct key_hint *, int);
int	ui_draw_list(struct ui *, int, int, const char **, const int *, int,
	    int, int);
void	ui_field_clear(struct ui *);

/* ui-listen.c: the Listen key. */
void	ui_listen_start(struct ui *);
void	ui_listen_words(struct ui *);
void	ui_listen_end(struct ui *);
void	ui_listen_tick(struct ui *);
void	ui_listen_key(struct ui *);
void	ui_listen_code(struct ui *);
int	ui_listen_shown(struct ui *);
int	ui_listen_hints(struct ui *, struct key_hint *, int);
char	*ui_listen_status(struct ui *);	/* the staff menu's line; allocated */

/* ui-staff.c: volunteer and staff PINs, the staff menu. */
void	ui_staff_enter(struct ui *, int mode);
void	ui_staff_leave(struct ui *);
void	ui_staff_pin_clear(struct ui *);
void	ui_staff_pin_key(struct ui *, int, wint_t);
void	ui_staff_key(struct ui *, int, wint_t);
void	ui_staff_draw_pin(struct ui *);
void	ui_staff_draw(struct ui *);

#endif
