/*
 * i18n: bind the gettext domain, switch language per resident, and know
 * each shipped language's own name and direction.
 */
#include <langinfo.h>
#include <libintl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

extern int _nl_msg_cat_cntr;

static const struct i18n_lang langs[] = {
	{ "en", "English", "English", 0 },
	{ "es", "Español", "Spanish", 0 },
	{ "bn", "বাংলা", "Bengali", 0 },
	{ "ar", "العربية", "Arabic", 1 },
	{ "ur", "اردو", "Urdu", 1 },
	{ "gu", "ગુજરાતી", "Gujarati", 0 },
	{ "tr", "Türkçe", "Turkish", 0 },
	{ "pl", "Polski", "Polish", 0 },
	{ "ht", "Kreyòl ayisyen", "Haitian Creole", 0 },
};

static char current[16] = "en";

void
i18n_init(const char *dir)
{
	char exe[PATH_MAX], *slash, *local = NULL;
	ssize_t n;

	if (dir == NULL && (dir = getenv("KIOSK_LOCALEDIR")) == NULL) {
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n > 0) {
			exe[n] = '\0';
			if ((slash = strrchr(exe, '/')) != NULL)
				*slash = '\0';
			xasprintf(&local, "%s/locale", exe);
			if (path_exists(local))
				dir = local;
		}
		if (dir == NULL)
			dir = LOCALEDIR;
	}
	bindtextdomain("kiosk", dir);
	bind_textdomain_codeset("kiosk", "UTF-8");
	textdomain("kiosk");
	free(local);
}

void
i18n_set(const char *code)
{
	snprintf(current, sizeof current, "%s", code);
	setenv("LANGUAGE", code, 1);
	++_nl_msg_cat_cntr;
}

const char *
i18n_current(void)
{
	return current;
}

const struct i18n_lang *
i18n_lang(const char *code)
{
	static struct i18n_lang unknown;
	size_t i;

	for (i = 0; i < nitems(langs); i++)
		if (strcmp(langs[i].code, code) == 0)
			return &langs[i];
	unknown.code = unknown.native = unknown.english = code;
	unknown.rtl = 0;
	return &unknown;
}

uint32_t
i18n_digit_zero(void)
{
	/* TRANSLATORS: the ten digits, 0 to 9, as your readers write
	   numbers: the kiosk shows answers (dates, phone numbers, numbers)
	   back in them. Arabic ٠١٢٣٤٥٦٧٨٩, Urdu ۰۱۲۳۴۵۶۷۸۹, Bengali
	   ০১২৩৪৫৬৭৮৯, Gujarati ૦૧૨૩૪૫૬૭૮૯. Keep 0123456789 if your
	   readers use those. */
	const char *s = _("0123456789");
	uint32_t cp;

	if (text_decode(s, strlen(s), &cp) == 0 || text_digit(cp) != 0)
		return '0';
	return cp;
}

int
i18n_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}
