/*
 * docgen.c - `salespm completion bash|zsh` and `salespm manpages DIR`: the
 * shell completion and the man pages (salespm(1) and one page per command
 * group, salespm-<noun>(1)), written from the command list (commands.c) and
 * each command's own usage, summary, option lines and example: what --help
 * says, so that they never drift from it. `make install` runs them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "base/banned.h"

/* --- what the commands are ---------------------------------------------------------- */

/* One line saying what a command group is for: the NAME of its man page. */
static const struct {
	const char *noun, *what;
} nouns[] = {
	{ "alert", "alerts: goals at risk, stalled deals, overdue work, overspending, past SLAs" },
	{ "activity", "sales activities: visits, calls, demos and follow-ups, pre-, in- and after-sale" },
	{ "adjust", "adjustments (step 6): changes made with a reason, the timeline and each one's effect" },
	{ "assignment", "who is assigned to which territory, segment or channel" },
	{ "attendance", "who attended which training" },
	{ "budget", "the project's budget lines" },
	{ "candidate", "candidates for a position, through interviews to an offer" },
	{ "channel", "sales channels and their costs" },
	{ "channel_plan", "the channels a project plans to sell through, with their planned share" },
	{ "collection", "amounts due from customers, their receipts and what is overdue" },
	{ "comment", "comments on records, with @mentions" },
	{ "config", "the configuration file, the environment and the flags: check and show" },
	{ "completion", "shell completion for salespm" },
	{ "customer", "customers, their segments and their sales" },
	{ "dashboard", "a project's dashboard in the terminal" },
	{ "db", "the database: checks, backups and copies" },
	{ "deal", "deals through the pipeline's stages, won or lost" },
	{ "demo", "a realistic demo workspace" },
	{ "doctor", "checks of an installation, each with what to do" },
	{ "expense", "what is spent against the budget" },
	{ "feedback", "customer feedback and ratings" },
	{ "goal", "SMART goals, their progress and revisions" },
	{ "inbox", "a user's notifications" },
	{ "init", "a new workspace" },
	{ "interview", "interviews of candidates" },
	{ "manpages", "these manual pages" },
	{ "meeting", "meetings, their minutes, decisions and action items" },
	{ "member", "the members of a project and their roles" },
	{ "position", "positions the team recruits for" },
	{ "problem", "problems raised in the field, their owners and SLAs" },
	{ "product", "products with their dated costs and prices" },
	{ "project", "sales projects" },
	{ "project_promotion", "the promotions a project runs" },
	{ "promotion", "promotions: their dates, rules and budgets" },
	{ "quota", "sales quotas split over the team" },
	{ "raci", "who is responsible, accountable, consulted and informed" },
	{ "report", "reports: a project's evaluation (step 7) and two projects side by side" },
	{ "risk", "the plan's risks" },
	{ "sale", "sales: record, list, import and export" },
	{ "segment", "customer segments" },
	{ "serve", "the HTTP server: the JSON API and the web UI" },
	{ "skill", "skills and who has them" },
	{ "strategy", "a project's strategy" },
	{ "target_market", "the markets a project targets" },
	{ "task", "tasks of the plan, their dependencies and progress" },
	{ "training", "trainings for the team" },
	{ "user", "users and their workspace roles" },
	{ "webhook", "webhooks: signed deliveries of events to other systems" },
	{ "workspace", "the workspace's settings" },
};

static const char *noun_what(const char *noun)
{
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (!strcmp(nouns[i].noun, noun))
			return nouns[i].what;
	return NULL;
}

/* Call fn for each group's first listed command, in help's order (each group once). */
static size_t groups(const char **out, size_t max)
{
	size_t n = 0;
	for (int t = 0; cli_tables[t]; t++)
		for (const struct cli_command *c = cli_tables[t]; c->noun; c++) {
			size_t i;
			if (!cli_runs(c))
				continue;
			for (i = 0; i < n && strcmp(out[i], c->noun); i++)
				;
			if (i == n && n < max)
				out[n++] = c->noun;
		}
	return n;
}

#define GROUPS_MAX 128
#define OPTS_MAX 48

struct opt {
	char name[40]; /* without the dashes */
	int value;     /* takes a value */
};

static int opt_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

static void opt_add(struct opt *o, size_t *n, const char *name, size_t len, int value)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen(o[i].name) == len && !memcmp(o[i].name, name, len))
			return; /* the usage line said it first */
	if (*n == OPTS_MAX || len == 0 || len >= sizeof(o->name))
		return;
	memcpy(o[*n].name, name, len);
	o[*n].name[len] = '\0';
	o[*n].value = value;
	(*n)++;
}

/*
 * A command's options: those of its usage line ("[--dry-run]" a flag,
 * "[--threads N]" with a value), then those that open a line of its details
 * ("  --as-of DATE   ...": a value when one space and a word follow the name),
 * with the other name such a line gives it ("(alias --unit-price)").
 */
static size_t command_opts(const struct cli_command *c, struct opt *o)
{
	size_t n = 0;
	const char *p;

	for (p = c->usage; (p = strstr(p, "--")) != NULL;) {
		const char *name = p + 2;
		size_t len = 0;
		while (opt_char(name[len]))
			len++;
		p = name + len;
		if (name - 2 > c->usage && opt_char(name[-3]))
			continue; /* inside a word */
		opt_add(o, &n, name, len, *p == ' ' && p[1] && p[1] != '-' && p[1] != '[' &&
						  p[1] != ']' && p[1] != '|');
	}
	for (p = c->details ? c->details : ""; *p;) {
		const char *line = p, *end = strchr(p, '\n');
		size_t len = 0;
		if (!end)
			end = p + strlen(p);
		p = *end ? end + 1 : end;
		while (line < end && *line == ' ')
			line++;
		if (end - line < 3 || line[0] != '-' || line[1] != '-')
			continue;
		line += 2;
		while (line + len < end && opt_char(line[len]))
			len++;
		{
			int value = line + len + 1 < end && line[len] == ' ' && line[len + 1] != ' ' &&
				    line[len + 1] != '-';
			const char *alias = strstr(line, "(alias --");
			opt_add(&o[0], &n, line, len, value);
			/* "--price MONEY  ... (alias --unit-price)": the same option by another name */
			if (alias && alias < end) {
				size_t alen = 0;
				alias += strlen("(alias --");
				while (opt_char(alias[alen]))
					alen++;
				opt_add(&o[0], &n, alias, alen, value);
			}
		}
	}
	return n;
}

/* --- bash ---------------------------------------------------------------------------- */

static void words_of(struct buf *b, const char *noun, int verbs)
{
	for (int t = 0; cli_tables[t]; t++)
		for (const struct cli_command *c = cli_tables[t]; c->noun; c++)
			if (cli_runs(c) && !strcmp(c->noun, noun) && verbs && c->verb)
				buf_addf(b, " %s", c->verb);
}

static void opts_words(struct buf *b, const struct cli_command *c, int values_only)
{
	struct opt o[OPTS_MAX];
	size_t n = command_opts(c, o);
	for (size_t i = 0; i < n; i++)
		if (!values_only || o[i].value)
			buf_addf(b, " --%s", o[i].name);
}

/*
 * One case a command: its options (opts) and those that take a value (values),
 * as a bash word list ("...") or a zsh array ((...)).
 */
static void option_cases(struct buf *b, int zsh)
{
	for (int t = 0; cli_tables[t]; t++)
		for (const struct cli_command *c = cli_tables[t]; c->noun; c++) {
			struct buf all = BUF_INIT, val = BUF_INIT;
			if (!cli_runs(c))
				continue;
			opts_words(&all, c, 0);
			opts_words(&val, c, 1);
			buf_addf(b, zsh ? "\t\"%s %s\") opts=(%s); values=(%s) ;;\n"
					: "\t\"%s %s\") opts=\"%s\"; values=\"%s\" ;;\n",
				 c->noun, c->verb ? c->verb : "", all.len ? buf_cstr(&all) + 1 : "",
				 val.len ? buf_cstr(&val) + 1 : "");
			buf_release(&all);
			buf_release(&val);
		}
}

static void bash_script(struct buf *b)
{
	const char *g[GROUPS_MAX];
	size_t ng = groups(g, GROUPS_MAX);

	buf_adds(b, "# bash completion for salespm -- written by `salespm completion bash` from\n"
		    "# the commands' own help; do not edit (make install writes it again).\n"
		    "_salespm() {\n"
		    "\tlocal cur prev noun= verb= i=1 w opts values verbs\n"
		    "\tcur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
		    "\tprev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
		    "\twhile [ \"$i\" -lt \"$COMP_CWORD\" ]; do\n"
		    "\t\tw=\"${COMP_WORDS[i]}\"\n"
		    "\t\tcase \"$w\" in\n"
		    "\t\t--db|--as) [ -z \"$noun\" ] && i=$((i + 1)) ;;\n"
		    "\t\t-*) ;;\n"
		    "\t\t*) if [ -z \"$noun\" ]; then noun=\"$w\"; elif [ -z \"$verb\" ]; then verb=\"$w\"; fi ;;\n"
		    "\t\tesac\n"
		    "\t\ti=$((i + 1))\n"
		    "\tdone\n"
		    "\tcase \"$prev\" in\n"
		    "\t--db) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
		    "\t--as) return ;;\n"
		    "\tesac\n"
		    "\tif [ -z \"$noun\" ]; then\n"
		    "\t\tCOMPREPLY=($(compgen -W \"");
	for (size_t i = 0; i < ng; i++)
		buf_addf(b, "%s%s", i ? " " : "", g[i]);
	buf_adds(b, " help version --db --as --json --help\" -- \"$cur\"))\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\tcase \"$noun\" in\n");
	for (size_t i = 0; i < ng; i++) {
		struct buf v = BUF_INIT;
		words_of(&v, g[i], 1);
		if (v.len)
			buf_addf(b, "\t%s) verbs=\"%s\" ;;\n", g[i], buf_cstr(&v) + 1);
		buf_release(&v);
	}
	buf_adds(b, "\tesac\n"
		    "\tif [ -n \"$verbs\" ] && [ -z \"$verb\" ]; then\n"
		    "\t\tCOMPREPLY=($(compgen -W \"$verbs --help\" -- \"$cur\"))\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\t[ -z \"$verbs\" ] && verb=\n"
		    "\tcase \"$noun $verb\" in\n");
	option_cases(b, 0);
	buf_adds(b, "\tesac\n"
		    "\tfor w in $values; do\n"
		    "\t\t[ \"$prev\" = \"$w\" ] && return\n"
		    "\tdone\n"
		    "\tif [ \"${cur#-}\" != \"$cur\" ]; then\n"
		    "\t\tCOMPREPLY=($(compgen -W \"$opts --json --help\" -- \"$cur\"))\n"
		    "\tfi\n"
		    "}\n"
		    "complete -o default -F _salespm salespm\n");
}

/* --- zsh ------------------------------------------------------------------------------ */

/* text as one single-quoted zsh word of a _describe spec (':' escaped, as it separates) */
static void zsh_quoted(struct buf *b, const char *name, const char *text)
{
	buf_addf(b, "'%s:", name);
	for (const char *p = text; *p; p++) {
		if (*p == '\'')
			buf_adds(b, "'\\''");
		else if (*p == ':')
			buf_adds(b, "\\:");
		else if (*p != '\n')
			buf_addch(b, *p);
	}
	buf_addch(b, '\'');
}

static void zsh_script(struct buf *b)
{
	const char *g[GROUPS_MAX];
	size_t ng = groups(g, GROUPS_MAX);

	buf_adds(b, "#compdef salespm\n"
		    "# zsh completion for salespm -- written by `salespm completion zsh` from the\n"
		    "# commands' own help; do not edit (make install writes it again).\n"
		    "_salespm() {\n"
		    "\tlocal noun= verb= i=2 w prev=${words[CURRENT-1]}\n"
		    "\tlocal -a groups verbs opts values\n"
		    "\twhile (( i < CURRENT )); do\n"
		    "\t\tw=${words[i]}\n"
		    "\t\tcase $w in\n"
		    "\t\t--db|--as) [[ -z $noun ]] && (( i++ )) ;;\n"
		    "\t\t-*) ;;\n"
		    "\t\t*) if [[ -z $noun ]]; then noun=$w; elif [[ -z $verb ]]; then verb=$w; fi ;;\n"
		    "\t\tesac\n"
		    "\t\t(( i++ ))\n"
		    "\tdone\n"
		    "\tcase $prev in\n"
		    "\t--db) _files; return ;;\n"
		    "\t--as) return 1 ;;\n"
		    "\tesac\n"
		    "\tif [[ -z $noun ]]; then\n"
		    "\t\tgroups=(");
	for (size_t i = 0; i < ng; i++) {
		const char *what = noun_what(g[i]);
		buf_adds(b, "\n\t\t\t");
		zsh_quoted(b, g[i], what ? what : g[i]);
	}
	buf_adds(b, "\n\t\t)\n"
		    "\t\tif [[ ${words[CURRENT]} == -* ]]; then\n"
		    "\t\t\tcompadd -- --db --as --json --help\n"
		    "\t\telse\n"
		    "\t\t\t_describe -t commands 'salespm command' groups\n"
		    "\t\tfi\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\tcase $noun in\n");
	for (size_t i = 0; i < ng; i++) {
		int any = 0;
		for (int t = 0; cli_tables[t]; t++)
			for (const struct cli_command *c = cli_tables[t]; c->noun; c++) {
				if (!cli_runs(c) || strcmp(c->noun, g[i]) || !c->verb)
					continue;
				if (!any++)
					buf_addf(b, "\t%s) verbs=(", g[i]);
				buf_adds(b, "\n\t\t");
				zsh_quoted(b, c->verb, c->summary);
			}
		if (any)
			buf_adds(b, "\n\t) ;;\n");
	}
	buf_adds(b, "\tesac\n"
		    "\tif (( ${#verbs} )) && [[ -z $verb ]]; then\n"
		    "\t\t_describe -t commands \"salespm $noun command\" verbs\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\t(( ${#verbs} )) || verb=\n"
		    "\tcase \"$noun $verb\" in\n");
	option_cases(b, 1);
	buf_adds(b, "\tesac\n"
		    "\tif (( ${values[(Ie)$prev]} )); then\n"
		    "\t\t_files\n"
		    "\telif [[ ${words[CURRENT]} == -* ]]; then\n"
		    "\t\tcompadd -- $opts --json --help\n"
		    "\telse\n"
		    "\t\t_files\n"
		    "\tfi\n"
		    "}\n"
		    "_salespm \"$@\"\n");
}

static int cmd_completion(struct cli *c, int argc, char **argv, struct err *err)
{
	const char *pos[1];
	struct buf b = BUF_INIT;
	int npos;

	struct cli_opt none[] = { { NULL, 0, 0 } };

	if (cli_parse(c, argc, argv, none, pos, 1, 1, &npos, err))
		return -1;
	if (!strcmp(pos[0], "bash"))
		bash_script(&b);
	else if (!strcmp(pos[0], "zsh"))
		zsh_script(&b);
	else
		return err_set(err, ERR_USAGE, "shell", "invalid",
			       "no completion for \"%s\": bash or zsh", pos[0]);
	fwrite(b.p, 1, b.len, stdout);
	buf_release(&b);
	return 0;
}

/* --- man pages ------------------------------------------------------------------------- */

/* text in roff: a backslash as \e, a hyphen as \-, a line that would be a request escaped */
static void roff(struct buf *b, const char *text, int hyphens)
{
	int bol = 1;
	for (const char *p = text; *p; p++) {
		if (bol && (*p == '.' || *p == '\''))
			buf_adds(b, "\\&");
		bol = *p == '\n';
		if (*p == '\\')
			buf_adds(b, "\\e");
		else if (*p == '-' && hyphens)
			buf_adds(b, "\\-");
		else
			buf_addch(b, *p);
	}
}

/* text kept as written (what --help prints, aligned): no filling, no adjusting */
static void roff_verbatim(struct buf *b, const char *text)
{
	buf_adds(b, ".nf\n");
	roff(b, text, 1);
	if (!*text || text[strlen(text) - 1] != '\n')
		buf_addch(b, '\n');
	buf_adds(b, ".fi\n");
}

static void man_head(struct buf *b, const char *name, const char *upper, const char *what)
{
	buf_addf(b, ".\\\" %s(1) -- written by `salespm manpages` from the commands' own help\n",
		 name);
	buf_addf(b, ".TH %s 1 \"\" \"salespm %s\" \"salespm manual\"\n", upper, SALESPM_VERSION);
	buf_adds(b, ".SH NAME\n");
	roff(b, name, 1);
	buf_adds(b, " \\- ");
	roff(b, what, 0);
	buf_addch(b, '\n');
}

static void man_command(struct buf *b, const struct cli_command *c)
{
	buf_adds(b, ".SS \"");
	buf_adds(b, "salespm ");
	roff(b, c->noun, 1);
	if (c->verb) {
		buf_addch(b, ' ');
		roff(b, c->verb, 1);
	}
	buf_adds(b, "\"\n");
	roff(b, c->summary, 0);
	buf_adds(b, ".\n.PP\n");
	{
		struct buf u = BUF_INIT;
		buf_addf(&u, "salespm %s", c->usage);
		roff_verbatim(b, buf_cstr(&u));
		buf_release(&u);
	}
	if (c->details && *c->details) {
		buf_adds(b, ".PP\n");
		roff_verbatim(b, c->details);
	}
	buf_adds(b, ".PP\nExample:\n.PP\n.RS 4\n");
	roff_verbatim(b, c->example);
	buf_adds(b, ".RE\n");
}

static const char MAN_COMMON[] =
	".SH ENVIRONMENT\n"
	".TP\n.B SALESPM_DB\n"
	"The database when \\-\\-db is not given: a SQLite file path, or a PostgreSQL URI "
	"(postgresql://USER@HOST/NAME).\n"
	".SH EXIT STATUS\n"
	"0 ok, 1 failure, 2 usage, 65 bad data, 77 denied.\n";

static int write_file(const char *dir, const char *name, const struct buf *b, struct err *err)
{
	char path[4096];
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return err_set(err, ERR_INVALID, "dir", "file_write", "cannot write %s: %s", path,
			       strerror(errno));
	bad = fwrite(b->p, 1, b->len, f) != b->len;
	if (fclose(f) || bad)
		return err_set(err, ERR_INVALID, "dir", "file_write", "cannot write %s", path);
	return 0;
}

static int cmd_manpages(struct cli *c, int argc, char **argv, struct err *err)
{
	const char *pos[1], *g[GROUPS_MAX];
	size_t ng = groups(g, GROUPS_MAX);
	struct buf b = BUF_INIT;
	struct stat sb;
	int npos, r = 0;

	struct cli_opt none[] = { { NULL, 0, 0 } };

	if (cli_parse(c, argc, argv, none, pos, 1, 1, &npos, err))
		return -1;
	if (stat(pos[0], &sb) || !S_ISDIR(sb.st_mode))
		return err_set(err, ERR_USAGE, "dir", "invalid", "%s is not a directory", pos[0]);
	/* salespm(1): what it is, its global options and every group */
	man_head(&b, "salespm", "SALESPM", "run sales projects from goals to evaluation");
	buf_adds(&b, ".SH SYNOPSIS\n.B salespm\n[\\-\\-db DB] [\\-\\-as LOGIN] [\\-\\-json] "
		     "\\fIcommand\\fR [\\fIoptions\\fR]\n"
		     ".SH DESCRIPTION\n"
		     "salespm (\\[u9500]\\[u552E]\\[u9879]\\[u76EE]\\[u7BA1]\\[u7406]) runs sales "
		     "projects in seven steps: SMART goals, strategy, team, execution, monitoring, "
		     "adjustment and evaluation. One binary answers these commands and serves the "
		     "JSON API and the web UI (\\fBsalespm serve\\fR), on a SQLite file or a "
		     "PostgreSQL database.\n"
		     ".PP\n`salespm \\fIcommand\\fR \\-\\-help` shows a command's options and an "
		     "example; each group of commands has its own page.\n"
		     ".SH OPTIONS\n");
	roff_verbatim(&b, CLI_GLOBAL_OPTIONS);
	buf_adds(&b, ".SH COMMANDS\n");
	for (size_t i = 0; i < ng; i++) {
		const char *what = noun_what(g[i]);
		if (!what) {
			buf_release(&b);
			return err_set(err, ERR_INTERNAL, "noun", "internal",
				       "command group %s has no line in docgen.c's nouns[]", g[i]);
		}
		buf_adds(&b, ".TP\n.BR ");
		buf_adds(&b, "salespm\\-");
		roff(&b, g[i], 1);
		buf_adds(&b, " (1)\n");
		roff(&b, what, 0);
		buf_addch(&b, '\n');
	}
	buf_adds(&b, MAN_COMMON);
	buf_adds(&b, ".SH SEE ALSO\n");
	for (size_t i = 0; i < ng; i++) {
		buf_addf(&b, ".BR salespm\\-");
		roff(&b, g[i], 1);
		buf_addf(&b, " (1)%s\n", i + 1 < ng ? "," : "");
	}
	r = write_file(pos[0], "salespm.1", &b, err);
	/* salespm-<noun>(1): each command of the group as --help shows it */
	for (size_t i = 0; i < ng && !r; i++) {
		char name[96], upper[96], file[112];
		snprintf(name, sizeof(name), "salespm-%s", g[i]);
		for (size_t k = 0; k <= strlen(name); k++)
			upper[k] = (name[k] >= 'a' && name[k] <= 'z') ? (char)(name[k] - 32) : name[k];
		buf_reset(&b);
		man_head(&b, name, upper, noun_what(g[i]));
		buf_adds(&b, ".SH SYNOPSIS\n");
		for (int t = 0; cli_tables[t]; t++)
			for (const struct cli_command *cc = cli_tables[t]; cc->noun; cc++)
				if (cli_runs(cc) && !strcmp(cc->noun, g[i])) {
					buf_adds(&b, ".B salespm\n");
					roff(&b, cc->usage, 1);
					buf_adds(&b, "\n.br\n");
				}
		buf_adds(&b, ".SH COMMANDS\n");
		for (int t = 0; cli_tables[t]; t++)
			for (const struct cli_command *cc = cli_tables[t]; cc->noun; cc++)
				if (cli_runs(cc) && !strcmp(cc->noun, g[i]))
					man_command(&b, cc);
		buf_adds(&b, ".SH GLOBAL OPTIONS\n");
		roff_verbatim(&b, CLI_GLOBAL_OPTIONS);
		buf_adds(&b, MAN_COMMON);
		buf_adds(&b, ".SH SEE ALSO\n.BR salespm (1)\n");
		snprintf(file, sizeof(file), "%s.1", name);
		r = write_file(pos[0], file, &b, err);
	}
	buf_release(&b);
	if (!r && !c->json)
		printf("wrote %zu man pages into %s\n", ng + 1, pos[0]);
	return r;
}

const struct cli_command cli_docgen_cmds[] = {
	{ "completion", NULL, cmd_completion, CLI_NEEDS_NOTHING,
	  "print the shell completion script for bash or zsh",
	  "completion bash|zsh",
	  "  bash: source it, or install it as\n"
	  "  /usr/share/bash-completion/completions/salespm (make install does);\n"
	  "  zsh: put it in a directory of $fpath as _salespm (make install does).",
	  "salespm completion bash > ~/.local/share/bash-completion/completions/salespm" },
	{ "manpages", NULL, cmd_manpages, CLI_NEEDS_NOTHING,
	  "write the man pages: salespm(1) and one page per command group",
	  "manpages DIR",
	  "  DIR must exist; its salespm*.1 files are written again (make install does).",
	  "salespm manpages /usr/local/share/man/man1" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL },
};
