/*
 * ticket: the claim ticket as a PDF (cairo + pango + libqrencode).
 *
 * The ticket carries the claim code, the date, the next steps and the
 * office's address and hours; never an answer or a name, and the service's
 * name only when the form asks for it. The PDF is built in memory; the
 * caller wipes it (buf_free) once printed or saved.
 *
 * Never prints to the screen, never exits.
 */
#ifndef KIOSK_TICKET_H
#define KIOSK_TICKET_H

struct buf;

/* A paper profile, read from printers/<name>.profile (INI-like). */
struct ticket_profile {
	char	name[64];
	char	media[64];	/* CUPS media keyword, e.g. "oe_80x200mm_80x200mm" */
	double	width_mm;
	double	height_mm;	/* 0: as long as the content (receipt rolls) */
	double	margin_mm;
	double	title_pt;	/* office name */
	double	code_pt;	/* claim code */
	double	body_pt;	/* next steps, address */
	double	small_pt;	/* English staff text */
	double	qr_module_mm;	/* snapped to the printer's dot pitch */
	double	dpi;		/* printer resolution; 203 for receipts */
};

struct ticket {
	const char	*lang;		/* resident's language code */
	const char	*rtl;		/* unused by callers; layout is auto */
	const char	*office_name;
	const char	*office_address;
	const char	*office_hours;
	const char	*claim;		/* e.g. 7KQ2-M9XD-4TRB */
	const char	*date;		/* YYYY-MM-DD */
	const char	*service;	/* NULL unless the form asks to show it */
	const char	*next_steps;	/* in the resident's language */
	const char	*next_steps_en;	/* English, for staff; NULL if same */
	/* Headings in the resident's language (from gettext by the caller). */
	const char	*h_code;	/* "Your claim code" */
	const char	*h_date;	/* "Date" */
	const char	*h_next;	/* "Next steps" */
	const char	*h_keep;	/* "Keep this ticket. It has no personal data." */
	/*
	 * A take-away sheet (know-your-rights pages): no claim code, QR or
	 * date; service is its title and next_steps its text, under no
	 * heading.
	 */
	int		 sheet;
};

int	ticket_profile_load(const char *dir, const char *name,
	    struct ticket_profile *, char **cause);
/* Render the ticket as a PDF into out. */
int	ticket_render(const struct ticket *, const struct ticket_profile *,
	    struct buf *out, char **cause);
/*
 * Free the font map pango keeps for the process and cairo's static data,
 * so leak checkers see less at exit (fontconfig's own cache stays). Call
 * once, at exit; no ticket may be rendered afterwards.
 */
void	ticket_cleanup(void);
/* The font family list used for a language code (for tests and status). */
const char *ticket_font(const char *lang);

#endif
