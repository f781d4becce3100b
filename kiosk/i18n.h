/*
 * i18n: gettext for the kiosk's own strings, switched per resident.
 *
 * The resident's language changes at runtime through LANGUAGE (glibc reads
 * it before LC_MESSAGES) plus a bump of _nl_msg_cat_cntr so cached
 * translations are dropped. All calls happen on the one UI thread.
 */
#ifndef KIOSK_I18N_H
#define KIOSK_I18N_H

#include <libintl.h>
#include <stdint.h>

#define _(s)	gettext(s)
#define N_(s)	(s)

struct i18n_lang {
	const char	*code;		/* "es" */
	const char	*native;	/* "Español", in its own script */
	const char	*english;	/* "Spanish" */
	int		 rtl;
};

/* Bind the "kiosk" domain; dir NULL means next to the binary or LOCALEDIR. */
void			 i18n_init(const char *dir);
/* Switch the language of _() to code ("en" is the msgid language). */
void			 i18n_set(const char *code);
const char		*i18n_current(void);
/* What we know of a language code; a made-up entry for unknown codes. */
const struct i18n_lang	*i18n_lang(const char *code);
/*
 * The zero of the digits the current language shows numbers in: U+0660
 * for Arabic-Indic, U+06F0 for Urdu, U+09E6 for Bengali..., or '0' when
 * it writes 0-9. Translators choose it (the msgid "0123456789").
 */
uint32_t		 i18n_digit_zero(void);
/* Is the current locale's codeset UTF-8? */
int			 i18n_utf8(void);

#endif
