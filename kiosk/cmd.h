/*
 * cmd: the kiosk subcommands. Each lives in cmd-NAME.c and is one entry in
 * the table in main.c; the entry declares the command's options (struct
 * cmd_option), and its exec hands argv to cmd_parse, the one parser for
 * all (as tmux's cmd_entry and args_parse). exec returns the process exit
 * status: 0 success, 1 error (message already on stderr), 2 bad usage; 3
 * is used by open for "opened, but a gap remains", 4 for "a submission is
 * reported lost".
 */
#ifndef KIOSK_CMD_H
#define KIOSK_CMD_H

struct config;

/*
 * One option of a command, as its entry declares it (a table ending in
 * { NULL }): --name, and -letter too if letter is not 0. nargs is how many
 * values follow it: 0 (a flag), 1 (--name V or --name=V) or 2 (--swap I
 * J: the second is the next word). help says what it is for; the usage
 * and help text of the entry stay the words shown to people.
 */
struct cmd_option {
	const char	*name;
	int		 nargs;
	int		 letter;
	const char	*help;
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "keygen --out DIR [--passphrase-file F]" */
	const char	*summary;	/* one line for `kiosk help` */
	const char	*help;		/* paragraphs for `kiosk CMD --help` and kiosk(1) */
	/*
	 * What cmd_parse takes; NULL: none. A command with subcommands
	 * declares every option of all of them, parses once (the
	 * subcommand is the first operand) and refuses another
	 * subcommand's options with cmd_args_only.
	 */
	const struct cmd_option *options;
	int		(*exec)(const struct cmd_entry *, int, char **);
};

/* One option as given, in the order given. */
struct cmd_arg {
	const struct cmd_option *opt;
	const char	*value;		/* nargs >= 1: the value */
	const char	*value2;	/* nargs 2: the second, NULL if none */
};

/* A command line, parsed (cmd_args_parse): options, then operands. */
struct cmd_args {
	const struct cmd_option *options;
	struct cmd_arg	*list;		/* every option given, in order */
	int		 n;
	int		 argc;		/* the operands (argv[0] not one) */
	char		**argv;
	char		 why[160];	/* cmd_args_parse's error, or "" */
};

/*
 * Parse argv[1, argc) against the table opts with getopt_long (so options
 * and operands may mix, --name=V works, a unique prefix of a name is that
 * name, and "--" ends the options). -1 if an option is unknown, lacks its
 * value or has one it does not take, or a prefix fits several: why says
 * which ("unknown option --x", "--lang needs a value"); nothing is
 * printed. The values point into argv. Free with cmd_args_free.
 */
int	 cmd_args_parse(const struct cmd_option *opts, int argc, char **argv,
	    struct cmd_args *);
/* As cmd_args_parse with e's options; on error prints why and the usage
 * and returns 2. */
int	 cmd_parse(const struct cmd_entry *e, int argc, char **argv,
	    struct cmd_args *);
void	 cmd_args_free(struct cmd_args *);
/*
 * 0 if every option given is one of names (a NULL-ended list), the options
 * of subcommand sub; else a usage error that names the first other one
 * ("--key is not an option of key show"), 2.
 */
int	 cmd_args_only(const struct cmd_entry *, const struct cmd_args *,
	    const char *sub, const char *const *names);
/* How many times option name was given. */
int	 cmd_args_has(const struct cmd_args *, const char *name);
/* The value of the last name given, or NULL. */
const char *cmd_args_get(const struct cmd_args *, const char *name);
/*
 * Each value of name in turn: start with *i = 0; NULL after the last.
 * (A flag's value is "".)
 */
const char *cmd_args_next(const struct cmd_args *, const char *name,
	    int *i);

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

/*
 * The form files of a folder, as the kiosk's service screen sees them
 * (its .csv files, not hidden ones), sorted by name: an allocated array
 * of *n allocated names (free each, then it), or NULL with errno if the
 * folder cannot be opened.
 */
char	**cmd_form_files(const char *dir, size_t *n);

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
