/*
 * config: the kiosk's INI file (inih), validated into struct config.
 *
 * Unknown sections or keys are errors, so a typo is caught at start-up,
 * and every error names the file and line. Relative paths in the file
 * are taken relative to the directory holding the config file.
 */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#define CONFIG_DEFAULT_PATH	"/etc/kiosk/kiosk.ini"
#define CONFIG_MAX_LANGS	16
#define CONFIG_MAX_VOLUNTEERS	99

struct config {
	char	*path;

	/* [kiosk] */
	char	*name;			/* kiosk name, used in batch file names */
	char	*data_dir;
	char	*forms_dir;
	char	*langs[CONFIG_MAX_LANGS];	/* codes, in display order */
	int	 nlangs;
	int	 idle_timeout;		/* seconds, >= 10 */
	int	 idle_warning;		/* seconds of countdown, >= 20 */
	int	 demo;			/* demo mode: a quit key on the language screen */
	char	*bidi;			/* "terminal", "app" or "off" */
	char	*theme;			/* "default", "high-contrast", "mono" */
	char	*locale_dir;		/* where kiosk.mo catalogs live, or NULL */
	char	*usb_roots;		/* where staff export looks for sticks */
	char	*demo_stick;		/* demo only: a folder shown as a stick */

	/* [volunteers] N = crypto_pwhash_str hash, one line each */
	struct config_pin {
		int	 number;
		char	*hash;
	}	 volunteers[CONFIG_MAX_VOLUNTEERS];
	int	 nvolunteers;

	/* [staff] pin = crypto_pwhash_str hash */
	char	*staff_pin;

	/* [office] */
	char	*office_pub;
	char	*office_name;
	char	*office_address;
	char	*office_hours;
	/* name.CODE, address.CODE, hours.CODE: the same in one language */
	struct config_office {
		char	 lang[16];
		char	*name;
		char	*address;
		char	*hours;
	}	 office_langs[CONFIG_MAX_LANGS];
	int	 noffice_langs;

	/* [printer] */
	char	*printer_dest;
	char	*printer_save_dir;
	char	*printer_profile;	/* "receipt-80mm", "a4", ... */
	char	*printer_profiles_dir;
	int	 printer_timeout;	/* seconds to wait for a job to complete */

	/* [audio]: reading screens aloud (kiosk-speak, speech.h) */
	int	 audio_enabled;		/* default no */
	int	 audio_auto;		/* read each new screen once asked */
	char	*audio_device;		/* ALSA PCM, default "default" */
	int	 audio_rate;		/* words per minute, 80..450 */
	int	 audio_volume;		/* 0..200 */
	/* voice.CODE = espeak-ng voice: a language's voice overridden */
	char	*audio_voice_lang[CONFIG_MAX_LANGS];
	char	*audio_voice[CONFIG_MAX_LANGS];
	int	 naudio_voices;
};

/* Returns NULL and sets *cause ("FILE:LINE: ...") on any error. */
struct config	*config_load(const char *path, char **cause);
void		 config_free(struct config *);
/*
 * Set or replace one line in an INI file, keeping everything else as it
 * is: key in [section] becomes value. A durable replace (durable.h)
 * that keeps the file's owner, group and mode.
 */
int		 config_set_value(const char *path, const char *section,
		    const char *key, const char *value, char **cause);
/* The espeak-ng voice for a language: [audio] voice.CODE, or the default. */
const char	*config_voice(const struct config *, const char *code);
/*
 * The same for a form that names form_voice (its settings voice::Lang, or
 * NULL): [audio] voice.CODE wins, then the form's, then the default. The
 * config is this kiosk's: its staff know which voices it has and who it
 * serves; a form travels to many kiosks.
 */
const char	*config_voice_form(const struct config *, const char *code,
		    const char *form_voice);
/*
 * The office's name, address and hours for a resident of lang: [office]
 * name.CODE (address.CODE, hours.CODE) where given, else the default name
 * (address, hours); each may be NULL when neither is set.
 */
void		 config_office(const struct config *, const char *lang,
		    const char **name, const char **address,
		    const char **hours);
/* Is code one of the configured languages? */
int		 config_has_lang(const struct config *, const char *);

#endif
