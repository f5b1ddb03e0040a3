/*
 * report.c - `salespm report evaluation P` and `salespm report compare P Q`:
 * a project's evaluation report (analytics/evaluation.h) as JSON or as a
 * file drawn from its document (report/evaluation_doc.h, report/render.h),
 * written to FILE (beside its name, renamed into place once whole) or stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analytics/evaluation.h"
#include "base/date.h"
#include "cli/cli.h"
#include "report/evaluation_doc.h"
#include "report/render.h"
#include "base/banned.h"

#define REPORT_OPTS                                                                         \
	{ "format", 'f', OPT_VALUE }, { "output", 'o', OPT_VALUE }, { "lang", 0, OPT_VALUE }, \
	{ "as-of", 0, OPT_VALUE }

static int parse_opts(struct cli_opt *opts, enum report_format *f, const char **lang,
		      int32_t *as_of, struct err *err)
{
	const char *ls = cli_opt(opts, "lang");

	*f = REPORT_JSON;
	*as_of = NO_DATE;
	if (cli_opt(opts, "format") && report_format_parse(cli_opt(opts, "format"), f, err))
		return -1;
	if (ls && strcmp(ls, "zh-CN") && strcmp(ls, "en"))
		return err_set(err, ERR_INVALID, "lang", "bad_enum:value,_,_,allowed",
			       "\"%.15s\" is not a %s %s (%s)", ls, "report", "language",
			       "zh-CN, en");
	*lang = evaluation_lang(ls ? ls : getenv("LANG"));
	if (cli_opt(opts, "as-of") && cli_date(cli_opt(opts, "as-of"), "as-of", as_of, err))
		return -1;
	return 0;
}

/* body to file ("-" or NULL: stdout); with --json a file's name and size are printed. */
static int write_out(struct cli *c, const char *file, const struct buf *body, struct err *err)
{
	struct buf tmp = BUF_INIT;
	FILE *fp;
	int fd, r = -1;

	struct stat sb;

	if (!file || !strcmp(file, "-")) {
		int bad = body->len && fwrite(body->p, 1, body->len, stdout) != body->len;

		if (fflush(stdout) || bad)
			return err_set(err, ERR_UNAVAILABLE, "output", "file_write",
				       "cannot write the output");
		return 0;
	}
	/* a device or a pipe (/dev/null, a FIFO) is written to, never replaced by a rename */
	if (!stat(file, &sb) && !S_ISREG(sb.st_mode)) {
		int bad;

		fp = fopen(file, "wb");
		if (!fp)
			return err_set(err, ERR_UNAVAILABLE, "output", "file_write", "cannot write %s",
				       file);
		bad = body->len && fwrite(body->p, 1, body->len, fp) != body->len;
		if (fclose(fp) || bad)
			return err_set(err, ERR_UNAVAILABLE, "output", "file_write", "cannot write %s",
				       file);
		return 0;
	}
	buf_addf(&tmp, "%s.partial-XXXXXX", file);
	fd = mkstemp(tmp.p);
	fp = fd < 0 ? NULL : fdopen(fd, "wb");
	if (!fp) {
		if (fd >= 0)
			close(fd);
		err_set(err, ERR_UNAVAILABLE, "output", "file_write", "cannot write %s", file);
		goto out;
	}
	{
		/* the mode a plain fopen() gives (mkstemp's is 0600) */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if ((body->len && fwrite(body->p, 1, body->len, fp) != body->len) | fclose(fp) ||
	    rename(tmp.p, file)) {
		unlink(tmp.p);
		err_set(err, ERR_UNAVAILABLE, "output", "file_write", "cannot write %s (disk full?)",
			file);
		goto out;
	}
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "file", file);
		jw_kint(&w, "bytes", (int64_t)body->len);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		fprintf(stderr, "wrote %s\n", file);
	}
	r = 0;
out:
	buf_release(&tmp);
	return r;
}

/* Whether the answer is the JSON (--format json, or --json without -o), not a drawn file. */
static int wants_json(struct cli *c, struct cli_opt *opts, enum report_format f)
{
	return f == REPORT_JSON || (c->json && !cli_opt(opts, "output"));
}

/* The answer: the JSON, or the document d drawn in the format (d NULL when wants_json). */
static int emit(struct cli *c, struct cli_opt *opts, enum report_format f, const struct rdoc *d,
		const struct buf *json, struct err *err)
{
	struct buf body = BUF_INIT;
	const char *file = cli_opt(opts, "output");
	int r;

	if (wants_json(c, opts, f)) {
		if (!file || !strcmp(file, "-")) {
			struct buf b = BUF_INIT;
			buf_add(&b, json->p, json->len);
			cli_print_json(&b);
			buf_release(&b);
			return 0;
		}
		buf_add(&body, json->p, json->len);
		buf_addch(&body, '\n');
	} else if (report_render(d, f, &body, err)) {
		buf_release(&body);
		return -1;
	}
	r = write_out(c, file, &body, err);
	buf_release(&body);
	return r;
}

static int cmd_evaluation(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { REPORT_OPTS, { NULL, 0, 0 } };
	struct evaluation ev;
	struct rdoc d;
	struct buf json = BUF_INIT;
	struct jw w;
	enum report_format f;
	const char *pos[1], *lang = "zh-CN";
	int32_t as_of;
	int npos, r;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    parse_opts(opts, &f, &lang, &as_of, err) ||
	    evaluation_build(c->st, &c->actor, pos[0], as_of, &ev, err))
		return -1;
	jw_init(&w, &json);
	evaluation_write_json(&w, &ev);
	if (wants_json(c, opts, f)) {
		r = emit(c, opts, f, NULL, &json, err);
	} else {
		evaluation_doc(&ev, lang, &d);
		r = emit(c, opts, f, &d, &json, err);
		rdoc_release(&d);
	}
	buf_release(&json);
	evaluation_release(&ev);
	return r;
}

static int cmd_compare(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { REPORT_OPTS, { NULL, 0, 0 } };
	struct evaluation a, b;
	struct rdoc d;
	struct buf json = BUF_INIT;
	struct jw w;
	enum report_format f;
	const char *pos[2], *lang = "zh-CN";
	int32_t as_of;
	int npos, r;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_opts(opts, &f, &lang, &as_of, err) ||
	    evaluation_build(c->st, &c->actor, pos[0], as_of, &a, err))
		return -1;
	if (evaluation_build(c->st, &c->actor, pos[1], as_of, &b, err)) {
		evaluation_release(&a);
		return -1;
	}
	jw_init(&w, &json);
	compare_write_json(&w, &a, &b);
	if (wants_json(c, opts, f)) {
		r = emit(c, opts, f, NULL, &json, err);
	} else {
		compare_doc(&a, &b, lang, &d);
		r = emit(c, opts, f, &d, &json, err);
		rdoc_release(&d);
	}
	buf_release(&json);
	evaluation_release(&a);
	evaluation_release(&b);
	return r;
}

const struct cli_command cli_report_cmds[] = {
	{ "report", "evaluation", cmd_evaluation, CLI_NEEDS_STORE,
	  "a project's evaluation report: goal attainment, strategy effectiveness, team "
	  "performance, adjustments and lessons (interim while the project runs)",
	  "report evaluation PROJECT [--format json|csv|html|xlsx|pdf] [-o FILE] [--lang zh-CN|en] "
	  "[--as-of DATE]",
	  "  -f, --format F       json (default), csv, html, xlsx or pdf\n"
	  "  -o, --output FILE    write to FILE (default, or -: standard output)\n"
	  "  --lang L             the labels' language: zh-CN or en (default from $LANG)\n"
	  "  --as-of DATE         the figures as of this day (a running project; default today)",
	  "salespm report evaluation Q1-2027 --format pdf -o q1-evaluation.pdf" },
	{ "report", "compare", cmd_compare, CLI_NEEDS_STORE,
	  "two projects side by side: totals and each channel's revenue, with the difference",
	  "report compare PROJECT OTHER [--format json|csv|html|xlsx|pdf] [-o FILE] "
	  "[--lang zh-CN|en] [--as-of DATE]",
	  "  -f, --format F       json (default), csv, html, xlsx or pdf\n"
	  "  -o, --output FILE    write to FILE (default, or -: standard output)\n"
	  "  --lang L             the labels' language: zh-CN or en\n"
	  "  --as-of DATE         the figures of running projects as of this day",
	  "salespm report compare Q4-2026 Q1-2027 --format xlsx -o quarters.xlsx" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
