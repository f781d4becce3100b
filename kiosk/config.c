/*
 * config: read and validate the kiosk's INI file with inih.
 *
 * inih's Debian build cuts lines at 200 bytes and calls the handler with
 * the cut value; so any non-zero return from ini_parse is fatal, and values
 * are checked to be valid UTF-8. Translated text never lives here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <ini.h>

#include "config.h"
#include "durable.h"
#include "util.h"

struct parse {
	struct config	*cfg;
	char		*dir;		/* directory of the config file */
	char		*error;		/* first semantic error */
	int		 line;
};

static int
utf8_valid(const char *s)
{
	mbstate_t st;
	size_t len = strlen(s), n;

	memset(&st, 0, sizeof st);
	while (len > 0) {
		n = mbrtowc(NULL, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2)
			return 0;
		if (n == 0)
			break;
		s += n;
		len -= n;
	}
	return 1;
}

static char *
resolve(struct parse *p, const char *v)
{
	char *out;

	if (*v == '/' || *p->dir == '\0')
		return xstrdup(v);
	xasprintf(&out, "%s/%s", p->dir, v);
	return out;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int
set_int(struct parse *p, int *dst, const char *key, const char *v, int min,
    int max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *v == '\0' || *end != '\0' || n < min || n > max) {
		xasprintf(&p->error, "%s must be a whole number from %d to %d",
		    key, min, max);
		return 0;
	}
	*dst = (int)n;
	return 1;
}

static int
set_bool(struct parse *p, int *dst, const char *key, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*dst = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		*dst = 0;
	else {
		xasprintf(&p->error, "%s must be yes or no", key);
		return 0;
	}
	return 1;
}

static int
set_langs(struct parse *p, const char *v)
{
	struct config *cfg = p->cfg;
	char *copy, *tok, *save;
	int i;

	for (i = 0; i < cfg->nlangs; i++)
		free(cfg->langs[i]);
	cfg->nlangs = 0;
	copy = xstrdup(v);
	for (tok = strtok_r(copy, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (cfg->nlangs == CONFIG_MAX_LANGS) {
			xasprintf(&p->error, "languages: at most %d",
			    CONFIG_MAX_LANGS);
			free(copy);
			return 0;
		}
		if (strlen(tok) > 15 || strspn(tok,
		    "abcdefghijklmnopqrstuvwxyz-_ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
		    strlen(tok)) {
			xasprintf(&p->error, "languages: \"%s\" is not a "
			    "language code such as en or es", tok);
			free(copy);
			return 0;
		}
		cfg->langs[cfg->nlangs++] = xstrdup(tok);
	}
	free(copy);
	if (cfg->nlangs == 0) {
		xasprintf(&p->error, "languages: name at least one language");
		return 0;
	}
	return 1;
}

static int
one_of(struct parse *p, char **dst, const char *key, const char *v,
    const char *const *allowed)
{
	size_t i;

	for (i = 0; allowed[i] != NULL; i++) {
		if (strcmp(v, allowed[i]) == 0) {
			set_str(dst, v);
			return 1;
		}
	}
	xasprintf(&p->error, "%s: \"%s\" is not one of the allowed values",
	    key, v);
	return 0;
}

static int
set_name(struct parse *p, const char *key, const char *v)
{
	if (*v == '\0' || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(v) ||
	    strlen(v) > 40) {
		xasprintf(&p->error, "name: use 1 to 40 letters, digits, - or _");
		return 0;
	}
	set_str(&p->cfg->name, v);
	return 1;
}

static int
set_audio_device(struct parse *p, const char *key, const char *v)
{
	if (*v == '\0' || strlen(v) > 100 || strspn(v,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789:,=_.-") != strlen(v)) {
		xasprintf(&p->error, "device: an ALSA device name such as "
		    "default or plughw:1,0");
		return 0;
	}
	set_str(&p->cfg->audio_device, v);
	return 1;
}

/* [audio] voice.CODE = espeak-ng voice. */
static int
set_voice(struct parse *p, const char *key, const char *v)
{
	struct config *cfg = p->cfg;

	if (*v == '\0' || strlen(v) > 40 || strspn(v,
	    "abcdefghijklmnopqrstuvwxyz0123456789-+_") != strlen(v)) {
		xasprintf(&p->error, "%s: an espeak-ng voice name such as "
		    "es-419 (espeak-ng --voices)", key);
		return 0;
	}
	if (cfg->naudio_voices == CONFIG_MAX_LANGS) {
		xasprintf(&p->error, "%s: at most %d voices", key,
		    CONFIG_MAX_LANGS);
		return 0;
	}
	cfg->audio_voice_lang[cfg->naudio_voices] = xstrdup(key + 6);
	cfg->audio_voice[cfg->naudio_voices++] = xstrdup(v);
	return 1;
}

/* [office] name.CODE, address.CODE, hours.CODE: in one language. */
static int
set_office_lang(struct parse *p, const char *key, const char *v)
{
	struct config *cfg = p->cfg;
	const char *code = strchr(key, '.') + 1;
	struct config_office *o = NULL;
	char **field;
	int i;

	if (strspn(code, "abcdefghijklmnopqrstuvwxyz-_") != strlen(code)) {
		xasprintf(&p->error, "%s: a language code such as es or ar "
		    "follows the dot", key);
		return 0;
	}
	for (i = 0; i < cfg->noffice_langs; i++)
		if (strcmp(cfg->office_langs[i].lang, code) == 0)
			o = &cfg->office_langs[i];
	if (o == NULL) {
		if (cfg->noffice_langs == CONFIG_MAX_LANGS) {
			xasprintf(&p->error, "%s: at most %d languages", key,
			    CONFIG_MAX_LANGS);
			return 0;
		}
		o = &cfg->office_langs[cfg->noffice_langs++];
		snprintf(o->lang, sizeof o->lang, "%s", code);
	}
	if (strncmp(key, "name.", 5) == 0)
		field = &o->name;
	else if (strncmp(key, "address.", 8) == 0)
		field = &o->address;
	else
		field = &o->hours;
	set_str(field, v);
	return 1;
}

/* [volunteers] NUMBER = PIN hash: every key of the section. */
static int
set_volunteer(struct parse *p, const char *key, const char *v)
{
	struct config *cfg = p->cfg;
	char *end;
	long n;

	n = strtol(key, &end, 10);
	if (*end != '\0' || n < 1 || n > 99 ||
	    strncmp(v, "$argon2id$", 10) != 0) {
		xasprintf(&p->error, "[volunteers]: each line is "
		    "NUMBER = PIN hash (made with kiosk pin set)");
		return 0;
	}
	if (cfg->nvolunteers == CONFIG_MAX_VOLUNTEERS) {
		xasprintf(&p->error, "[volunteers]: too many");
		return 0;
	}
	cfg->volunteers[cfg->nvolunteers].number = (int)n;
	cfg->volunteers[cfg->nvolunteers++].hash = xstrdup(v);
	return 1;
}

/* [staff] has one key, pin = PIN hash. */
static int
set_staff_pin(struct parse *p, const char *key, const char *v)
{
	if (strcmp(key, "pin") != 0 || strncmp(v, "$argon2id$", 10) != 0) {
		xasprintf(&p->error, "[staff]: pin = PIN hash (made with "
		    "kiosk pin set staff)");
		return 0;
	}
	set_str(&p->cfg->staff_pin, v);
	return 1;
}

static int
set_langs_key(struct parse *p, const char *key, const char *v)
{
	return set_langs(p, v);
}

/*
 * Every key the file may hold, one row each. key NULL takes every key of
 * its section; a key ending in '.' takes every key with that prefix and
 * something after it (shorter than 16 bytes). What a row sets is at off in
 * struct config; OPT_FN rows check and set through fn.
 */
enum opt_kind {
	OPT_STR,	/* any text */
	OPT_PATH,	/* a path, relative to the config file's folder */
	OPT_INT,	/* a whole number from min to max */
	OPT_BOOL,	/* yes or no */
	OPT_ONE_OF,	/* one of allowed */
	OPT_FN		/* fn checks and sets */
};

static const char *const bidi_values[] = { "terminal", "app", "off", NULL };
static const char *const theme_values[] = { "default", "high-contrast",
    "mono", NULL };

#define CFG(f)	offsetof(struct config, f)
static const struct option_row {
	const char		*section;
	const char		*key;
	enum opt_kind		 kind;
	size_t			 off;
	int			 min, max;
	const char *const	*allowed;
	int			(*fn)(struct parse *, const char *,
				    const char *);
} option_table[] = {
	{ "kiosk", "name", OPT_FN, 0, 0, 0, NULL, set_name },
	{ "kiosk", "data_dir", OPT_PATH, CFG(data_dir), 0, 0, NULL, NULL },
	{ "kiosk", "forms_dir", OPT_PATH, CFG(forms_dir), 0, 0, NULL, NULL },
	{ "kiosk", "locale_dir", OPT_PATH, CFG(locale_dir), 0, 0, NULL, NULL },
	{ "kiosk", "languages", OPT_FN, 0, 0, 0, NULL, set_langs_key },
	{ "kiosk", "idle_timeout", OPT_INT, CFG(idle_timeout), 10, 3600, NULL,
	    NULL },
	{ "kiosk", "idle_warning", OPT_INT, CFG(idle_warning), 20, 600, NULL,
	    NULL },
	{ "kiosk", "demo", OPT_BOOL, CFG(demo), 0, 0, NULL, NULL },
	{ "kiosk", "bidi", OPT_ONE_OF, CFG(bidi), 0, 0, bidi_values, NULL },
	{ "kiosk", "theme", OPT_ONE_OF, CFG(theme), 0, 0, theme_values, NULL },
	{ "kiosk", "usb_roots", OPT_STR, CFG(usb_roots), 0, 0, NULL, NULL },
	{ "kiosk", "demo_stick", OPT_PATH, CFG(demo_stick), 0, 0, NULL, NULL },

	{ "office", "public_key", OPT_PATH, CFG(office_pub), 0, 0, NULL, NULL },
	{ "office", "name", OPT_STR, CFG(office_name), 0, 0, NULL, NULL },
	{ "office", "address", OPT_STR, CFG(office_address), 0, 0, NULL, NULL },
	{ "office", "hours", OPT_STR, CFG(office_hours), 0, 0, NULL, NULL },
	{ "office", "name.", OPT_FN, 0, 0, 0, NULL, set_office_lang },
	{ "office", "address.", OPT_FN, 0, 0, 0, NULL, set_office_lang },
	{ "office", "hours.", OPT_FN, 0, 0, 0, NULL, set_office_lang },

	{ "volunteers", NULL, OPT_FN, 0, 0, 0, NULL, set_volunteer },
	{ "staff", NULL, OPT_FN, 0, 0, 0, NULL, set_staff_pin },

	{ "printer", "destination", OPT_STR, CFG(printer_dest), 0, 0, NULL,
	    NULL },
	{ "printer", "save_dir", OPT_PATH, CFG(printer_save_dir), 0, 0, NULL,
	    NULL },
	{ "printer", "profile", OPT_STR, CFG(printer_profile), 0, 0, NULL,
	    NULL },
	{ "printer", "profiles_dir", OPT_PATH, CFG(printer_profiles_dir), 0, 0,
	    NULL, NULL },
	{ "printer", "timeout", OPT_INT, CFG(printer_timeout), 5, 600, NULL,
	    NULL },

	{ "audio", "enabled", OPT_BOOL, CFG(audio_enabled), 0, 0, NULL, NULL },
	{ "audio", "auto", OPT_BOOL, CFG(audio_auto), 0, 0, NULL, NULL },
	{ "audio", "device", OPT_FN, 0, 0, 0, NULL, set_audio_device },
	{ "audio", "rate", OPT_INT, CFG(audio_rate), 80, 450, NULL, NULL },
	{ "audio", "volume", OPT_INT, CFG(audio_volume), 0, 200, NULL, NULL },
	{ "audio", "voice.", OPT_FN, 0, 0, 0, NULL, set_voice },
};
#undef CFG

static int
option_matches(const struct option_row *o, const char *key)
{
	size_t n;

	if (o->key == NULL)
		return 1;
	n = strlen(o->key);
	if (n > 0 && o->key[n - 1] == '.')
		return strncmp(key, o->key, n) == 0 && key[n] != '\0' &&
		    strlen(key + n) < 16;
	return strcmp(key, o->key) == 0;
}

static int
option_set(struct parse *p, const struct option_row *o, const char *key,
    const char *v)
{
	char *base = (char *)p->cfg;
	char **str = (char **)(base + o->off);
	int *num = (int *)(base + o->off);

	switch (o->kind) {
	case OPT_STR:
		set_str(str, v);
		return 1;
	case OPT_PATH:
		free(*str);
		*str = resolve(p, v);
		return 1;
	case OPT_INT:
		return set_int(p, num, key, v, o->min, o->max);
	case OPT_BOOL:
		return set_bool(p, num, key, v);
	case OPT_ONE_OF:
		return one_of(p, str, key, v, o->allowed);
	case OPT_FN:
		return o->fn(p, key, v);
	}
	return 0;
}

static int
handler(void *arg, const char *section, const char *key, const char *v)
{
	struct parse *p = arg;
	size_t i;
	int known_section = 0;

	if (p->error != NULL)
		return 0;
	if (!utf8_valid(v)) {
		xasprintf(&p->error, "[%s] %s: value is not valid UTF-8 "
		    "(or longer than 200 bytes)", section, key);
		return 0;
	}
	for (i = 0; i < nitems(option_table); i++) {
		if (strcmp(section, option_table[i].section) != 0)
			continue;
		known_section = 1;
		if (option_matches(&option_table[i], key))
			return option_set(p, &option_table[i], key, v);
	}
	if (!known_section)
		xasprintf(&p->error, "unknown section [%s]", section);
	else
		xasprintf(&p->error, "unknown key \"%s\" in [%s]", key, section);
	return 0;
}

/* A config with every default that the file may change. */
static struct config *
config_defaults(const char *path)
{
	struct config *cfg;

	cfg = xcalloc(1, sizeof *cfg);
	cfg->path = xstrdup(path);
	cfg->idle_timeout = 120;
	cfg->idle_warning = 20;
	cfg->printer_timeout = 30;
	cfg->bidi = xstrdup("terminal");
	cfg->theme = xstrdup("default");
	cfg->printer_profile = xstrdup("receipt-80mm");
	cfg->audio_device = xstrdup("default");
	cfg->audio_rate = 160;
	cfg->audio_volume = 100;
	cfg->usb_roots = xstrdup("/media /run/media /mnt");
	return cfg;
}

/* Once the file is read: what it must set, and defaults that depend. */
static int
config_complete(struct config *cfg, const char *path, char **cause)
{
	int i;

	if (cfg->name == NULL)
		cfg->name = xstrdup("kiosk");
	if (cfg->demo_stick != NULL && !cfg->demo) {
		/* A folder is no stick: only a demo may export to one. */
		xasprintf(cause, "%s: [kiosk] demo_stick works only with "
		    "demo = yes; a real kiosk exports to a mounted USB stick",
		    path);
		return -1;
	}
	if (cfg->data_dir == NULL) {
		xasprintf(cause, "%s: [kiosk] data_dir is not set", path);
		return -1;
	}
	if (cfg->forms_dir == NULL) {
		xasprintf(cause, "%s: [kiosk] forms_dir is not set", path);
		return -1;
	}
	if (cfg->nlangs == 0) {
		xasprintf(cause, "%s: [kiosk] languages is not set", path);
		return -1;
	}
	if (cfg->office_pub == NULL) {
		xasprintf(cause, "%s: [office] public_key is not set", path);
		return -1;
	}
	for (i = 0; i < cfg->noffice_langs; i++) {
		const char *code = cfg->office_langs[i].lang;

		if (!config_has_lang(cfg, code)) {
			/* A typo would leave the default in its place. */
			xasprintf(cause, "%s: [office] name.%s, address.%s or "
			    "hours.%s: %s is not in [kiosk] languages", path,
			    code, code, code, code);
			return -1;
		}
	}
	if (cfg->printer_profiles_dir == NULL) {
		if (access("printers/receipt-80mm.profile", R_OK) == 0)
			cfg->printer_profiles_dir = xstrdup("printers");
		else
			cfg->printer_profiles_dir = xstrdup(DATADIR "/printers");
	}
	return 0;
}

struct config *
config_load(const char *path, char **cause)
{
	struct parse p;
	struct config *cfg;
	char *slash;
	int r;

	if (access(path, R_OK) != 0) {
		xasprintf(cause, "%s: cannot read config file: %s", path,
		    strerror(errno));
		return NULL;
	}
	cfg = config_defaults(path);
	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.dir = xstrdup(path);
	if ((slash = strrchr(p.dir, '/')) != NULL)
		*slash = '\0';
	else
		*p.dir = '\0';

	r = ini_parse(path, handler, &p);
	free(p.dir);
	if (r != 0 || p.error != NULL) {
		if (r > 0 && p.error != NULL)
			xasprintf(cause, "%s:%d: %s", path, r, p.error);
		else if (r > 0)
			xasprintf(cause, "%s:%d: cannot parse this line (is it "
			    "longer than 200 bytes?)", path, r);
		else if (r == -1)
			xasprintf(cause, "%s: cannot open config file", path);
		else
			xasprintf(cause, "%s: %s", path,
			    p.error ? p.error : "cannot read config file");
		free(p.error);
		config_free(cfg);
		return NULL;
	}
	if (config_complete(cfg, path, cause) != 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	int i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->name);
	free(cfg->data_dir);
	free(cfg->forms_dir);
	for (i = 0; i < cfg->nlangs; i++)
		free(cfg->langs[i]);
	free(cfg->bidi);
	free(cfg->theme);
	free(cfg->locale_dir);
	free(cfg->usb_roots);
	free(cfg->demo_stick);
	for (i = 0; i < cfg->nvolunteers; i++)
		free(cfg->volunteers[i].hash);
	free(cfg->staff_pin);
	free(cfg->office_pub);
	free(cfg->office_name);
	free(cfg->office_address);
	free(cfg->office_hours);
	for (i = 0; i < cfg->noffice_langs; i++) {
		free(cfg->office_langs[i].name);
		free(cfg->office_langs[i].address);
		free(cfg->office_langs[i].hours);
	}
	free(cfg->printer_dest);
	free(cfg->printer_save_dir);
	free(cfg->printer_profile);
	free(cfg->printer_profiles_dir);
	free(cfg->audio_device);
	for (i = 0; i < cfg->naudio_voices; i++) {
		free(cfg->audio_voice_lang[i]);
		free(cfg->audio_voice[i]);
	}
	free(cfg);
}

const char *
config_voice(const struct config *cfg, const char *code)
{
	/* espeak-ng 1.51's voices for the shipped languages. */
	static const struct {
		const char	*lang, *voice;
	} voices[] = {
		{ "en", "en-us" }, { "es", "es-419" }, { "bn", "bn" },
		{ "ar", "ar" }, { "ur", "ur" }, { "gu", "gu" },
		{ "tr", "tr" }, { "pl", "pl" }, { "ht", "ht" },
	};
	size_t k;
	int i;

	for (i = cfg != NULL ? cfg->naudio_voices - 1 : -1; i >= 0; i--)
		if (strcmp(cfg->audio_voice_lang[i], code) == 0)
			return cfg->audio_voice[i];
	for (k = 0; k < nitems(voices); k++)
		if (strcmp(code, voices[k].lang) == 0)
			return voices[k].voice;
	return code;
}

const char *
config_voice_form(const struct config *cfg, const char *code,
    const char *form_voice)
{
	int i;

	for (i = cfg != NULL ? cfg->naudio_voices - 1 : -1; i >= 0; i--)
		if (strcmp(cfg->audio_voice_lang[i], code) == 0)
			return cfg->audio_voice[i];
	return form_voice != NULL ? form_voice : config_voice(cfg, code);
}

void
config_office(const struct config *cfg, const char *lang, const char **name,
    const char **address, const char **hours)
{
	int i;

	*name = cfg->office_name;
	*address = cfg->office_address;
	*hours = cfg->office_hours;
	for (i = 0; lang != NULL && i < cfg->noffice_langs; i++) {
		if (strcmp(cfg->office_langs[i].lang, lang) != 0)
			continue;
		if (cfg->office_langs[i].name != NULL)
			*name = cfg->office_langs[i].name;
		if (cfg->office_langs[i].address != NULL)
			*address = cfg->office_langs[i].address;
		if (cfg->office_langs[i].hours != NULL)
			*hours = cfg->office_langs[i].hours;
	}
}

int
config_has_lang(const struct config *cfg, const char *code)
{
	int i;

	for (i = 0; i < cfg->nlangs; i++)
		if (strcmp(cfg->langs[i], code) == 0)
			return 1;
	return 0;
}

int
config_set_value(const char *path, const char *section, const char *key,
    const char *value, char **cause)
{
	struct buf in = { 0 }, out = { 0 };
	struct durable *f;
	char *line, *next, *want, *dir = NULL, *base = NULL;
	int in_section = 0, done = 0, seen_section = 0, rc = -1;
	size_t klen = strlen(key), n;

	if (read_file(path, &in, 1 << 20, cause) != 0)
		return -1;
	xasprintf(&want, "[%s]", section);
	for (line = buf_cstr(&in); *line != '\0'; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		n = (size_t)(next - line);
		if (line[0] == '[') {
			if (in_section && !done) {
				buf_addf(&out, "%s = %s\n", key, value);
				done = 1;
			}
			in_section = strncmp(line, want, strlen(want)) == 0;
			seen_section |= in_section;
		} else if (in_section && !done && strncmp(line, key, klen) == 0 &&
		    strchr(" \t=", line[klen]) != NULL) {
			buf_addf(&out, "%s = %s\n", key, value);
			done = 1;
			continue;
		}
		buf_add(&out, line, n);
	}
	if (!done) {
		if (out.len > 0 && out.data[out.len - 1] != '\n')
			buf_addc(&out, '\n');
		if (!seen_section)
			buf_addf(&out, "\n%s\n", want);
		buf_addf(&out, "%s = %s\n", key, value);
	}
	/*
	 * The new file takes the old one's owner, group and mode: a deployed
	 * config is root:kiosk 0640, and root running `kiosk pin set` must not
	 * leave it unreadable to the service's user. Then a durable replace:
	 * fsync, rename, fsync of the folder.
	 */
	dir = xstrdup(path);
	base = xstrdup(path);
	if (durable_open(dirname(dir), basename(base), 1, &f, cause) != 0)
		goto out;
	if (durable_like(f, path, cause) != 0 ||
	    durable_write(f, out.data, out.len, cause) != 0) {
		durable_abort(f);
		goto out;
	}
	if (durable_commit(f, NULL, cause) != 0)
		goto out;
	rc = 0;
out:
	free(dir);
	free(base);
	free(want);
	buf_free(&in);
	buf_free(&out);
	return rc;
}
