/*
 * cli.h - the command-line face: the context every command gets (the open
 * store, the acting user, output mode), a small option parser, aligned tables
 * that count CJK characters as two columns, and a progress bar for terminals.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/jw.h"
#include "core/core.h"
#include "core/workspace.h"
#include "store/store.h"

struct conf;

struct cli {
	const char *db_path;     /* the database in force: --db, else $SALESPM_DB, else the file's */
	const char *db_flag;     /* --db as given (NULL: none) */
	const char *config_path; /* --config as given (NULL: $SALESPM_CONFIG or the default) */
	struct conf *conf;       /* the configuration read at start (cli/conf.h) */
	const char *as_login;
	int json;            /* --json: data on stdout as JSON, messages on stderr */
	int tty;             /* stderr is a terminal: progress bars allowed */
	struct store *st;    /* opened by main unless the command opens its own */
	struct actor actor;  /* the acting user (--as, default the workspace admin) */
	struct workspace ws;
	const struct cli_command *cmd;
	int reported;        /* the command printed its own error; main only sets the exit code */
};

/* What a command needs main to prepare before it runs. */
enum cli_needs {
	CLI_NEEDS_NOTHING = 0, /* init, help, version: opens what it needs itself */
	CLI_NEEDS_STORE = 1,   /* an existing database and an actor */
};

struct cli_command {
	const char *noun, *verb; /* verb NULL for one-word commands (init, serve...) */
	int (*run)(struct cli *c, int argc, char **argv, struct err *err);
	enum cli_needs needs;
	const char *summary;
	const char *usage;   /* the synopsis after "salespm " */
	const char *details; /* options, one per line */
	const char *example;
	const void *data;    /* the command's own: the noun of a generic entity command */
};

enum cli_opt_kind { OPT_FLAG, OPT_VALUE, OPT_MULTI };

struct cli_opt {
	const char *name;   /* long name without dashes, e.g. "price" */
	char shortname;     /* e.g. 'o', or 0 */
	enum cli_opt_kind kind;
	/* filled by cli_parse */
	int set;
	const char *value;
	const char *values[16];
	int nvalues;
};

/*
 * Parse argv (after the command words) against opts (ended by a {NULL} entry).
 * Positional arguments go to pos (at most maxpos); there must be between minpos
 * and maxpos of them. "--help" is handled by main. Errors are ERR_USAGE.
 */
int cli_parse(struct cli *c, int argc, char **argv, struct cli_opt *opts, const char **pos,
	      int minpos, int maxpos, int *npos, struct err *err);

/* The parsed option named name (NULL if not given). */
const char *cli_opt(struct cli_opt *opts, const char *name);
struct cli_opt *cli_optp(struct cli_opt *opts, const char *name);

/* Parse helpers that name the option in their error. */
int cli_money(const char *s, const char *opt, int64_t *out, struct err *err);
int cli_date(const char *s, const char *opt, int32_t *out, struct err *err);
int cli_int(const char *s, const char *opt, int64_t *out, struct err *err);

/* Read a whole file ("-" = stdin) into a NUL-terminated buffer the caller frees. */
int cli_read_file(const char *path, struct buf *out, size_t max, struct err *err);

/* Read a password from the first line of a file. */
int cli_read_password(const char *path, char *out, size_t outlen, struct err *err);

/* --- output --- */

/* Print a finished JSON document (the buffer) to stdout with a newline. */
void cli_print_json(struct buf *b);

/* Print {"key":[writer(item) for each of the n items]} on stdout. */
#define CLI_PRINT_LIST(key, items, n, writer)                                    \
	do {                                                                     \
		struct buf cli_b_ = BUF_INIT;                                    \
		struct jw cli_w_;                                                \
		jw_init(&cli_w_, &cli_b_);                                       \
		jw_obj(&cli_w_);                                                 \
		jw_key(&cli_w_, (key));                                          \
		jw_arr(&cli_w_);                                                 \
		for (size_t cli_i_ = 0; cli_i_ < (size_t)(n); cli_i_++)          \
			writer(&cli_w_, &(items)[cli_i_]);                       \
		jw_arr_end(&cli_w_);                                             \
		jw_obj_end(&cli_w_);                                             \
		cli_print_json(&cli_b_);                                         \
		buf_release(&cli_b_);                                            \
	} while (0)

/* Print writer(item) on stdout. */
#define CLI_PRINT_ONE(item, writer)                                              \
	do {                                                                     \
		struct buf cli_b_ = BUF_INIT;                                    \
		struct jw cli_w_;                                                \
		jw_init(&cli_w_, &cli_b_);                                       \
		writer(&cli_w_, (item));                                         \
		cli_print_json(&cli_b_);                                         \
		buf_release(&cli_b_);                                            \
	} while (0)

/* Aligned text tables. */
struct cli_table {
	int ncols;
	const char *head[16];
	int right[16];     /* right-align (numbers, money) */
	char **cells;      /* row-major, owned */
	size_t nrows, alloc;
};

void cli_table_init(struct cli_table *t, int ncols, const char *const *head, const int *right);
/* Add a row of ncols cells (copied). */
void cli_table_row(struct cli_table *t, const char *const *cells);
void cli_table_print(struct cli_table *t, FILE *f);
void cli_table_release(struct cli_table *t);

/* Display width of UTF-8 text (East Asian wide characters count 2). */
int cli_width(const char *s);

/* A progress bar on stderr when it is a terminal and not --json. */
void cli_progress(struct cli *c, const char *what, uint64_t done, uint64_t total);
void cli_progress_end(struct cli *c);

/* Message to stderr ("salespm: ..."), for --json mode too. */
void cli_note(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Each src/cli/<noun>.c exports its commands as a table ended by {NULL};
 * src/main.c lists the tables.
 */
extern const struct cli_command cli_workspace_cmds[];
extern const struct cli_command cli_project_cmds[];
extern const struct cli_command cli_serve_cmds[]; /* src/http/serve_cmd.c */
extern const struct cli_command cli_doctor_cmds[]; /* src/http/doctor_cmd.c */
extern const struct cli_command cli_catalog_cmds[];
extern const struct cli_command cli_sale_cmds[];
extern const struct cli_command cli_goal_cmds[];
extern const struct cli_command cli_dashboard_cmds[];
extern const struct cli_command cli_report_cmds[];
extern const struct cli_command cli_demo_cmds[];
extern const struct cli_command cli_dbcopy_cmds[];
extern const struct cli_command cli_team_cmds[];
extern const struct cli_command cli_engagement_cmds[];
extern const struct cli_command cli_strategy_cmds[];
extern const struct cli_command cli_recruit_cmds[];
extern const struct cli_command cli_problem_cmds[];
extern const struct cli_command cli_risk_cmds[];
extern const struct cli_command cli_review_cmds[];
extern const struct cli_command cli_adjust_cmds[];
extern const struct cli_command cli_alert_cmds[];
extern const struct cli_command cli_task_cmds[];
extern const struct cli_command cli_comment_cmds[];

/*
 * The demo's comments with @mentions in project (cli/comment_demo.c), a manager's
 * questions and their owners' answers; the inbox starts from them.
 */
int comment_demo(struct store *st, const char *project, const char *manager, struct err *err);
extern const struct cli_command cli_collection_cmds[];
extern const struct cli_command cli_deal_cmds[];
extern const struct cli_command cli_quota_cmds[];
extern const struct cli_command cli_webhook_cmds[];
extern const struct cli_command cli_meeting_cmds[];
/* A goal's quota lines as a table, each line after indent (src/cli/quota.c; `goal list`). */
struct goal;
struct quota_goal;
void cli_quota_print(const struct goal *g, const struct quota_goal *q, const char *indent);

/* `db backup`, `db restore`, `db migrate` (src/cli/dbadmin.c). */
extern const struct cli_command cli_dbadmin_cmds[];

/* `config check` and `config show` (src/cli/conf.c). */
extern const struct cli_command cli_config_cmds[];

/* `completion` and `manpages` (src/cli/docgen.c): the shell completion and man pages. */
extern const struct cli_command cli_docgen_cmds[];

/*
 * Every command, in the order help lists them (src/cli/commands.c): the
 * tables above, ended by NULL. cli_find: the command a noun (and verb) names,
 * a hand-written one before the generic one of the same name; cli_runs:
 * whether c is the one its name runs (a generic one a hand-written one
 * replaces is not listed); cli_noun_exists: whether any command has the noun.
 */
#define SALESPM_VERSION "0.1.0"
extern const struct cli_command *const cli_tables[];
extern const char CLI_GLOBAL_OPTIONS[];
extern const char CLI_EXIT_CODES[];
const struct cli_command *cli_find(const char *noun, const char *verb);
int cli_runs(const struct cli_command *c);
int cli_noun_exists(const char *noun);

/* The generic commands of every noun of core/entity.h, written by cli_entity_init(). */
extern struct cli_command cli_entity_cmds[];
void cli_entity_init(void);
struct entity;
/* A record of e as `show` prints it: its fields one a line, or with --json its object. */
void cli_entity_print(struct cli *c, const struct entity *e, const void *rec);

/*
 * The version a change of project record KEY of e starts from: --version
 * when given (opts), else the record's as it is now (read into rec, e->size
 * bytes).
 */
struct cli_opt;
int cli_entity_version(struct cli *c, const struct entity *e, const char *code,
		       const char *key, struct cli_opt *opts, void *rec, int64_t *version,
		       struct err *err);

#endif
