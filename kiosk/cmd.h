/*
 * cmd: the kiosk subcommands. Each lives in cmd-NAME.c and is one entry in
 * the table in main.c. exec returns the process exit status: 0 success,
 * 1 error (message already on stderr), 2 bad usage; 3 is used by open
 * for "opened, but a gap remains".
 */
#ifndef KIOSK_CMD_H
#define KIOSK_CMD_H

struct config;

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "keygen --out DIR [--passphrase-file F]" */
	const char	*summary;	/* one line for `kiosk help` */
	const char	*help;		/* paragraphs for `kiosk CMD --help` and kiosk(1) */
	int		(*exec)(const struct cmd_entry *, int, char **);
};

extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_keygen_entry;
extern const struct cmd_entry cmd_key_entry;
extern const struct cmd_entry cmd_identity_entry;
extern const struct cmd_entry cmd_enroll_entry;
extern const struct cmd_entry cmd_revoke_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_open_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_forms_entry;
extern const struct cmd_entry cmd_printer_entry;
extern const struct cmd_entry cmd_pin_entry;
extern const struct cmd_entry cmd_audio_entry;

/* Print "kiosk: ...\n" to stderr. */
void	cmd_error(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * The end of a command that fills msg or fails with cause: print cause
 * as an error (and free it) if failed, else msg to stdout; free msg.
 * Returns the exit status, 1 or 0.
 */
struct buf;
int	cmd_report(int failed, struct buf *msg, char *cause);
/* Print a usage error and the usage line; returns 2. */
int	cmd_usage(const struct cmd_entry *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print the full help of a command to stdout. */
void	cmd_print_help(const struct cmd_entry *);
/* True if argv has --help or -h anywhere before "--". */
int	cmd_wants_help(int, char **);
/* Load the config or print why; NULL on error. path NULL: default. */
struct config *cmd_load_config(const char *path);
/*
 * Read a passphrase from file (first line) or, if file is NULL, from the
 * terminal without echo (twice when confirm). Returns an allocated string
 * the caller wipes with freezero_str(), or NULL with a message printed.
 */
char	*cmd_passphrase(const char *file, const char *prompt, int confirm);

#endif
