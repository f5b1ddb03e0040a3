/*
 * entity.c - the generic command-line face of every noun described in
 * core/entity.h: `salespm <noun> add|list|show|update|delete`, their options
 * (one per field, named as the field with '-' for '_') and their --help,
 * written from the description when the program starts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "core/entity.h"
#include "core/project.h"
#include "base/banned.h"

#define ENTITY_CMDS_MAX 256
#define MAX_OPTS 80

/* Filled by cli_entity_init(); ended by a {NULL} row. */
struct cli_command cli_entity_cmds[ENTITY_CMDS_MAX + 1];

enum verb { V_ADD, V_LIST, V_SHOW, V_UPDATE, V_DELETE };

/* A field's option name: its name with '-' for '_' (in a buffer of 64). */
static const char *opt_name(const char *field, char *out)
{
	size_t i;

	for (i = 0; field[i] && i < 63; i++)
		out[i] = field[i] == '_' ? '-' : field[i];
	out[i] = '\0';
	return out;
}

/* A field's option: a secret is read from a file (--password-file F), never typed. */
static const char *field_opt(const struct ent_field *f, char *out)
{
	size_t n = strlen(opt_name(f->name, out));

	if ((f->flags & EF_SECRET) && n < 58)
		memcpy(out + n, "-file", 6); /* room checked: the buffer holds 64 */
	return out;
}

/* Whether the key is typed as a positional argument (a code, a login), not an option. */
static int key_is_positional(const struct entity *e)
{
	return entity_key(e)->kind != EK_ID;
}

static int settable(const struct ent_field *f)
{
	return !(f->flags & (EF_READONLY | EF_HIDDEN)) && f->kind != EK_ID && f->kind != EK_VERSION;
}

/* The options of a verb of e, into opts (names copied into names). */
static int options(const struct entity *e, enum verb v, struct cli_opt *opts, char (*names)[64])
{
	int n = 0;

	if (v == V_ADD || v == V_UPDATE) {
		for (const struct ent_field *f = e->fields; f->name && n < MAX_OPTS - 8; f++) {
			if (!settable(f) || ((f->flags & EF_KEY) && key_is_positional(e)))
				continue;
			if (v == V_UPDATE && (f->flags & (EF_KEY | EF_CREATE)))
				continue;
			opts[n].name = field_opt(f, names[n]);
			opts[n++].kind = OPT_VALUE;
		}
	}
	if (v == V_LIST) {
		for (const struct ent_field *f = e->fields; f->name && n < MAX_OPTS - 8; f++) {
			if (!(f->flags & EF_FILTER))
				continue;
			opts[n].name = opt_name(f->name, names[n]);
			opts[n++].kind = OPT_VALUE;
		}
		opts[n].name = "sort";
		opts[n++].kind = OPT_VALUE;
		opts[n].name = "desc";
		opts[n++].kind = OPT_FLAG;
		opts[n].name = "limit";
		opts[n++].kind = OPT_VALUE;
		opts[n].name = "offset";
		opts[n++].kind = OPT_VALUE;
	}
	if (v == V_UPDATE || v == V_DELETE) {
		opts[n].name = "version";
		opts[n++].kind = OPT_VALUE;
	}
	opts[n].name = NULL;
	return n;
}

static const struct ent_field *field_of_opt(const struct entity *e, const char *opt)
{
	const struct ent_field *f;
	char name[64];
	size_t i;

	for (i = 0; opt[i] && i < 63; i++)
		name[i] = opt[i] == '-' ? '_' : opt[i];
	name[i] = '\0';
	if ((f = entity_field(e, name)))
		return (f->flags & EF_SECRET) ? NULL : f;
	/* a secret's option: its name and "-file" */
	if (i > 5 && !strcmp(name + i - 5, "_file")) {
		name[i - 5] = '\0';
		f = entity_field(e, name);
		return f && (f->flags & EF_SECRET) ? f : NULL;
	}
	return NULL;
}

/* The project named by the first argument of a project noun's command. */
static int project_arg(struct cli *c, const struct entity *e, const char *code,
		       struct ent_project *p, struct err *err)
{
	struct project pr;

	if (e->scope != ENT_PROJECT)
		return 0;
	if (project_get(c->st, &c->actor, code, &pr, err))
		return -1;
	p->id = pr.id;
	p->code = code;
	return 0;
}

static void rec_init(const struct entity *e, void *rec)
{
	memset(rec, 0, e->size);
	for (const struct ent_field *f = e->fields; f->name; f++)
		entity_set_none(f, rec);
}

/* Fill in from the options given (an option's parse error names it, as --cost: ...). */
static int input_from(const struct entity *e, struct cli_opt *opts, struct ent_input *in,
		      struct err *err)
{
	for (struct cli_opt *o = opts; o->name; o++) {
		const struct ent_field *f;
		if (!o->set || !strcmp(o->name, "version"))
			continue;
		f = field_of_opt(e, o->name);
		if (!f)
			continue;
		if (!*o->value && (f->flags & EF_NULLABLE)) {
			entity_input_set(e, in, f, 1);
			continue;
		}
		if (f->variant) {
			/* read as the record's kind, once core knows the record */
			entity_input_raw(e, in, f, o->value, 0);
			continue;
		}
		if (f->flags & EF_SECRET) {
			/* the first line of the file, straight into the record (wiped by the noun) */
			if (cli_read_password(o->value, (char *)in->rec + f->off, f->size, err))
				return -1;
			entity_input_set(e, in, f, 0);
			continue;
		}
		if (entity_parse_text(f, o->value, in->rec, err)) {
			err_prefix(err, "--%s", o->name);
			return -1;
		}
		entity_input_set(e, in, f, 0);
	}
	return 0;
}

/* The first line of text, cut on a character boundary to fit out; "..." when cut. */
static const char *excerpt(const char *text, char *out, size_t size)
{
	size_t n = strcspn(text, "\r\n");

	if (n + 1 > size - 3) {
		n = size - 4;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(out, size, "%.*s%s", (int)n, text, text[n] ? "..." : "");
	return out;
}

/* The record's fields, one a line; with --json its object (with its detail when shown alone). */
static int print_record(struct cli *c, const struct entity *e, const void *rec, int detail,
			struct err *err)
{
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		int r = 0;
		jw_init(&w, &b);
		if (detail)
			r = entity_write_json_detail(c->st, &w, e, rec, err);
		else
			entity_write_json(&w, e, rec);
		if (!r)
			cli_print_json(&b);
		buf_release(&b);
		return r;
	}
	for (const struct ent_field *f = e->fields; f->name; f++) {
		char v[1100];
		if (f->flags & (EF_HIDDEN | EF_INPUT))
			continue;
		entity_format(f, rec, v, sizeof(v));
		printf("%-14s %s%s\n", f->name, v,
		       entity_variant(f, rec)->kind == EK_RATIO && v[0] ? "%" : "");
	}
	return 0;
}

int cli_entity_version(struct cli *c, const struct entity *e, const char *code,
		       const char *key, struct cli_opt *opts, void *rec, int64_t *version,
		       struct err *err)
{
	const struct ent_field *ver = entity_field(e, "version");
	struct project p;
	struct ent_project ep;

	if (cli_opt(opts, "version")) {
		if (cli_int(cli_opt(opts, "version"), "version", version, err)) {
			err_prefix(err, "--version");
			return -1;
		}
		return 0;
	}
	if (project_get(c->st, &c->actor, code, &p, err))
		return -1;
	ep.id = p.id;
	ep.code = p.code;
	if (entity_get(c->st, &c->actor, e, &ep, key, rec, err))
		return -1;
	*version = *(const int64_t *)((const char *)rec + ver->off);
	return 0;
}

void cli_entity_print(struct cli *c, const struct entity *e, const void *rec)
{
	print_record(c, e, rec, 0, NULL);
}

/* The name field's text, for messages ("added segment SMB (中小企业)"). */
static const char *name_of(const struct entity *e, const void *rec)
{
	const struct ent_field *f = entity_field(e, "name");
	return f && f->kind == EK_TEXT ? (const char *)rec + f->off : "";
}

static int run(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct entity *e = c->cmd->data;
	enum verb v = !strcmp(c->cmd->verb, "add")      ? V_ADD
		      : !strcmp(c->cmd->verb, "list")   ? V_LIST
		      : !strcmp(c->cmd->verb, "show")   ? V_SHOW
		      : !strcmp(c->cmd->verb, "update") ? V_UPDATE
							: V_DELETE;
	const struct ent_field *key = entity_key(e);
	int project = e->scope == ENT_PROJECT;
	int want = project + (v == V_LIST ? 0 : (v == V_ADD ? key_is_positional(e) : 1));
	struct cli_opt opts[MAX_OPTS];
	char names[MAX_OPTS][64];
	const char *pos[3] = { NULL, NULL, NULL };
	struct ent_project p = { 0 };
	struct ent_input in = { 0 };
	void *rec = xmalloc(e->size), *out = xmalloc(e->size);
	const char *keytext;
	char kv[200];
	int npos, r = -1;

	memset(opts, 0, sizeof(opts));
	options(e, v, opts, names);
	if (cli_parse(c, argc, argv, opts, pos, want, want, &npos, err) ||
	    project_arg(c, e, pos[0], &p, err))
		goto out;
	keytext = pos[project];
	rec_init(e, rec);
	in.rec = rec;
	switch (v) {
	case V_ADD:
		/* a missing required option is a usage error, before any value is judged */
		for (const struct ent_field *f = e->fields; f->name; f++) {
			char on[64];
			if (!(f->flags & EF_REQUIRED) || !settable(f) ||
			    ((f->flags & EF_KEY) && key_is_positional(e)))
				continue;
			if (!cli_opt(opts, opt_name(f->name, on))) {
				err_set(err, ERR_USAGE, f->name, "required",
					"--%s is required (see --help)", on);
				goto out;
			}
		}
		if (key_is_positional(e)) {
			if (entity_parse_text(key, keytext, rec, err))
				goto out;
			entity_input_set(e, &in, key, 0);
		}
		if (input_from(e, opts, &in, err) ||
		    entity_create(c->st, &c->actor, e, project ? &p : NULL, &in, out, err))
			goto out;
		if (c->json)
			print_record(c, e, out, 0, err);
		else {
			entity_format(key, out, kv, sizeof(kv));
			printf("added %s %s%s%s%s\n", e->name, kv, *name_of(e, out) ? " (" : "",
			       name_of(e, out), *name_of(e, out) ? ")" : "");
		}
		break;
	case V_SHOW:
		if (entity_get(c->st, &c->actor, e, project ? &p : NULL, keytext, out, err) ||
		    print_record(c, e, out, 1, err))
			goto out;
		break;
	case V_UPDATE:
	case V_DELETE: {
		const struct ent_field *ver = NULL;
		for (const struct ent_field *f = e->fields; f->name; f++)
			if (f->kind == EK_VERSION)
				ver = f;
		/* without --version the CLI changes the record as it is now */
		if (cli_opt(opts, "version")) {
			if (cli_int(cli_opt(opts, "version"), "version", &in.version, err)) {
				err_prefix(err, "--version");
				goto out;
			}
		} else {
			if (entity_get(c->st, &c->actor, e, project ? &p : NULL, keytext, out, err))
				goto out;
			in.version = *(const int64_t *)((const char *)out + ver->off);
		}
		if (v == V_DELETE) {
			if (entity_delete(c->st, &c->actor, e, project ? &p : NULL, keytext, in.version,
					  err))
				goto out;
			if (c->json) {
				struct buf b = BUF_INIT;
				struct jw w;
				jw_init(&w, &b);
				jw_obj(&w);
				jw_kstr(&w, "deleted", keytext);
				jw_obj_end(&w);
				cli_print_json(&b);
				buf_release(&b);
			} else {
				printf("deleted %s %s\n", e->name, keytext);
			}
			break;
		}
		if (input_from(e, opts, &in, err) ||
		    entity_update(c->st, &c->actor, e, project ? &p : NULL, keytext, &in, out, err))
			goto out;
		if (c->json)
			print_record(c, e, out, 0, err);
		else
			printf("updated %s %s (version %lld)\n", e->name, keytext,
			       (long long)*(const int64_t *)((const char *)out + ver->off));
		break;
	}
	case V_LIST: {
		struct ent_query q = { 0 };
		struct ent_rows rows = { 0 };
		for (struct cli_opt *o = opts; o->name; o++) {
			const struct ent_field *f = field_of_opt(e, o->name);
			if (o->set && f && q.nfilters < ENT_MAX_FILTERS) {
				q.filter_name[q.nfilters] = f->name;
				q.filter_value[q.nfilters++] = o->value;
			}
		}
		q.sort = cli_opt(opts, "sort");
		q.desc = cli_opt(opts, "desc") != NULL;
		if ((cli_opt(opts, "limit") && cli_int(cli_opt(opts, "limit"), "limit", &q.limit, err)) ||
		    (cli_opt(opts, "offset") &&
		     cli_int(cli_opt(opts, "offset"), "offset", &q.offset, err)))
			goto out;
		if (entity_list(c->st, &c->actor, e, project ? &p : NULL, &q, &rows, err))
			goto out;
		if (c->json) {
			struct buf b = BUF_INIT;
			struct jw w;
			jw_init(&w, &b);
			jw_obj(&w);
			jw_key(&w, e->plural);
			jw_arr(&w);
			for (size_t i = 0; i < rows.n; i++)
				entity_write_json(&w, e, (char *)rows.items + i * e->size);
			jw_arr_end(&w);
			jw_kint(&w, "total", rows.total);
			jw_obj_end(&w);
			cli_print_json(&b);
			buf_release(&b);
		} else {
			struct cli_table t;
			const struct ent_field *cols[16];
			const char *head[16];
			int right[16], ncols = 0;
			char upper[16][64];
			for (const struct ent_field *f = e->fields; f->name && ncols < 16; f++) {
				/*
				 * the key, the name, what a user sets, what the noun computes, and
				 * what it reads through a reference (a session's name beside its id;
				 * not a number such as the id behind a login), and what the server
				 * sets that lists filter on (a candidate's stage)
				 */
				if (!(f->flags & EF_KEY) && f != entity_key(e) && strcmp(f->name, "name") &&
				    ((f->flags & (EF_HIDDEN | EF_INPUT)) ||
				     ((f->flags & EF_READONLY) && f->column && !(f->flags & EF_FILTER) &&
				      !(f->via && f->kind != EK_COUNT))))
					continue;
				/* the id only for a noun named by it (the id is what show and update take) */
				if ((f->kind == EK_ID && f != entity_key(e)) || f->kind == EK_VERSION ||
				    f->kind == EK_NOTE)
					continue;
				cols[ncols] = f;
				for (size_t k = 0; k < 63 && f->name[k]; k++) {
					char ch = f->name[k];
					upper[ncols][k] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch == '_' ? ' ' : ch;
					upper[ncols][k + 1] = '\0';
				}
				head[ncols] = upper[ncols];
				right[ncols] = f->kind == EK_MONEY || f->kind == EK_COUNT || f->kind == EK_RATIO;
				ncols++;
			}
			/* a long text (criteria, notes) last, where it may run on */
			for (const struct ent_field *f = e->fields; f->name && ncols < 16; f++)
				if (f->kind == EK_NOTE && !(f->flags & (EF_HIDDEN | EF_INPUT))) {
					cols[ncols] = f;
					for (size_t k = 0; k < 63 && f->name[k]; k++) {
						char ch = f->name[k];
						upper[ncols][k] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
						upper[ncols][k + 1] = '\0';
					}
					head[ncols] = upper[ncols];
					right[ncols++] = 0;
				}
			if (rows.n == 0 && q.nfilters == 0) {
				printf("no %s yet\n", e->plural);
				entity_rows_release(&rows);
				break;
			}
			cli_table_init(&t, ncols, head, right);
			for (size_t i = 0; i < rows.n; i++) {
				char cells[16][200];
				const char *cv[16];
				const void *item = (char *)rows.items + i * e->size;
				for (int k = 0; k < ncols; k++) {
					char full[1100];
					entity_format(cols[k], item, full, sizeof(full));
					const struct ent_field *vf = entity_variant(cols[k], item);
					if (cols[k]->kind == EK_NOTE)
						excerpt(full, cells[k], 60);
					else if (vf->kind == EK_MONEY && full[0])
						/* money in a table reads grouped: 1,234,567.50 */
						money_format_grouped(*(const int64_t *)((const char *)item +
											vf->off),
								     cells[k]);
					else
						snprintf(cells[k], sizeof(cells[k]), "%.190s%s", full,
							 vf->kind == EK_RATIO && full[0] ? "%" : "");
					cv[k] = cells[k];
				}
				cli_table_row(&t, cv);
			}
			cli_table_print(&t, stdout);
			cli_table_release(&t);
		}
		entity_rows_release(&rows);
		break;
	}
	}
	r = 0;
out:
	free(rec);
	free(out);
	return r;
}

/* --- the commands' help, written once ------------------------------------------------- */

static const char *kind_word(const struct ent_field *f)
{
	if (f->variant)
		return "VALUE"; /* read as the record's kind: the help says how */
	switch (f->kind) {
	case EK_MONEY: return "AMOUNT";
	case EK_RATIO: return "PERCENT";
	case EK_COUNT: return "N";
	case EK_DATE: return "DATE";
	case EK_BOOL: return "yes|no";
	case EK_REF: return "KEY";
	case EK_CODE: return "CODE";
	case EK_EMAIL: return "EMAIL";
	default: return "TEXT";
	}
}

static void describe_option(struct buf *b, const struct ent_field *f)
{
	char on[64], left[96];

	if (f->kind == EK_ENUM || f->kind == EK_CHOICE) {
		struct buf vals = BUF_INIT;
		for (const char *const *w = f->values; w && *w; w++)
			buf_addf(&vals, "%s%s", w == f->values ? "" : "|", *w);
		snprintf(left, sizeof(left), "--%s %s", opt_name(f->name, on), buf_cstr(&vals));
		buf_release(&vals);
	} else if (f->flags & EF_SECRET) {
		snprintf(left, sizeof(left), "--%s FILE", field_opt(f, on));
	} else {
		snprintf(left, sizeof(left), "--%s %s", opt_name(f->name, on), kind_word(f));
	}
	/* a long option (an enum's values) puts its help on the next line */
	if (strlen(left) > 28)
		buf_addf(b, "  %s\n  %-28s %s%s\n", left, "", f->help ? f->help : "",
			 (f->flags & EF_REQUIRED) ? " (required)" : "");
	else
		buf_addf(b, "  %-28s %s%s\n", left, f->help ? f->help : "",
			 (f->flags & EF_REQUIRED) ? " (required)" : "");
}

/* b's text as the caller's string; b is released. */
static char *detach(struct buf *b)
{
	char *s = xstrdup(buf_cstr(b));
	buf_release(b);
	return s;
}

static char *usage_of(const struct entity *e, enum verb v)
{
	struct buf b = BUF_INIT;
	const char *verbs[] = { "add", "list", "show", "update", "delete" };
	char on[64];

	buf_addf(&b, "%s %s%s", e->name, verbs[v], e->scope == ENT_PROJECT ? " PROJECT" : "");
	if (v != V_LIST && (v != V_ADD || key_is_positional(e))) {
		char upper[64];
		size_t k;
		for (k = 0; entity_key(e)->name[k] && k < 63; k++) {
			char ch = entity_key(e)->name[k];
			upper[k] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
		}
		upper[k] = '\0';
		buf_addf(&b, " %s", upper);
	}
	if (v == V_ADD)
		for (const struct ent_field *f = e->fields; f->name; f++)
			if ((f->flags & EF_REQUIRED) && settable(f) &&
			    !((f->flags & EF_KEY) && key_is_positional(e))) {
				buf_addf(&b, " --%s ", opt_name(f->name, on));
				if (f->kind == EK_ENUM || f->kind == EK_CHOICE)
					for (const char *const *w = f->values; w && *w; w++)
						buf_addf(&b, "%s%s", w == f->values ? "" : "|", *w);
				else
					buf_adds(&b, kind_word(f));
			}
	buf_adds(&b, v == V_LIST ? " [filters]" : v == V_SHOW ? "" : " [options]");
	return detach(&b);
}

static char *details_of(const struct entity *e, enum verb v)
{
	struct buf b = BUF_INIT;

	if (v == V_ADD || v == V_UPDATE) {
		buf_adds(&b, "options:\n");
		for (const struct ent_field *f = e->fields; f->name; f++) {
			if (!settable(f) || ((f->flags & EF_KEY) && key_is_positional(e)))
				continue;
			if (v == V_UPDATE && (f->flags & (EF_KEY | EF_CREATE)))
				continue;
			describe_option(&b, f);
		}
		if (v == V_UPDATE)
			buf_adds(&b, "  --version N                  the version you are changing "
				     "(default: as it is now)\n");
	} else if (v == V_LIST) {
		buf_adds(&b, "filters (text matches any part, case aside; dates and amounts take "
			     "FROM..TO):\n");
		for (const struct ent_field *f = e->fields; f->name; f++)
			if (f->flags & EF_FILTER)
				describe_option(&b, f);
		buf_adds(&b, "  --sort FIELD                 order by one of:");
		for (const struct ent_field *f = e->fields; f->name; f++)
			if (f->flags & EF_SORT)
				buf_addf(&b, " %s", f->name);
		buf_adds(&b, "\n  --desc                       largest first\n"
			     "  --limit N, --offset N        one page of the list\n");
	} else if (v == V_DELETE) {
		buf_adds(&b, "options:\n  --version N                  the version you are deleting "
			     "(default: as it is now)\n");
	}
	/* main prints the details with their own line end */
	{
		char *d = xstrdup(buf_cstr(&b));
		size_t n = strlen(d);
		if (n && d[n - 1] == '\n')
			d[n - 1] = '\0';
		buf_release(&b);
		return d;
	}
}

static char *example_of(const struct entity *e, enum verb v)
{
	struct buf b = BUF_INIT;
	const char *keyex = entity_key(e)->example ? entity_key(e)->example : "KEY";
	char on[64];

	buf_addf(&b, "salespm %s %s", e->name,
		 (const char *[]){ "add", "list", "show", "update", "delete" }[v]);
	if (e->scope == ENT_PROJECT)
		buf_adds(&b, " Q1-2027");
	if (v != V_LIST && (v != V_ADD || key_is_positional(e)))
		buf_addf(&b, " %s", keyex);
	for (const struct ent_field *f = e->fields; f->name && v == V_ADD; f++)
		if (settable(f) && f->example && !((f->flags & EF_KEY) && key_is_positional(e))) {
			const char *ex = f->example;
			int quote = strchr(ex, ' ') != NULL;
			buf_addf(&b, " --%s %s%s%s", field_opt(f, on), quote ? "\"" : "", ex,
				 quote ? "\"" : "");
		}
	if (v == V_UPDATE)
		for (const struct ent_field *f = e->fields; f->name; f++)
			if (settable(f) && f->example && !(f->flags & (EF_KEY | EF_CREATE))) {
				int quote = strchr(f->example, ' ') != NULL;
				buf_addf(&b, " --%s %s%s%s", opt_name(f->name, on), quote ? "\"" : "",
					 f->example, quote ? "\"" : "");
				break;
			}
	return detach(&b);
}

static pthread_once_t cmds_once = PTHREAD_ONCE_INIT;

static void build_cmds(void)
{
	size_t n = 0;
	static const char *const verbs[] = { "add", "list", "show", "update", "delete" };

	for (const struct entity *const *ep = entity_all; *ep; ep++) {
		const struct entity *e = *ep;
		if (e->own_faces)
			continue; /* its commands are its own (cli/<noun>.c) */
		for (int v = V_ADD; v <= V_DELETE; v++) {
			static const unsigned omitted[] = { ENT_NO_CREATE, ENT_NO_LIST, ENT_NO_GET,
							    ENT_NO_UPDATE, ENT_NO_DELETE };
			struct cli_command *c;
			struct buf s = BUF_INIT;
			if (e->omit & omitted[v])
				continue;
			if (n >= ENTITY_CMDS_MAX)
				abort(); /* more nouns than room: raise ENTITY_CMDS_MAX */
			c = &cli_entity_cmds[n++];
			c->noun = e->name;
			c->verb = verbs[v];
			c->run = run;
			c->needs = CLI_NEEDS_STORE;
			switch (v) {
			case V_ADD: buf_addf(&s, "add %s", e->summary ? e->summary : e->name); break;
			case V_LIST: buf_addf(&s, "list the %s", e->plural); break;
			case V_SHOW: buf_addf(&s, "show one %s", e->name); break;
			case V_UPDATE: buf_addf(&s, "change a %s", e->name); break;
			default: buf_addf(&s, "delete a %s nothing refers to", e->name); break;
			}
			if ((v == V_ADD || v == V_UPDATE || v == V_DELETE) && e->own_field)
				buf_addf(&s, " (members: their own; %s: all)", prole_str(e->write_prole));
			else if (v == V_ADD || v == V_UPDATE || v == V_DELETE)
				buf_addf(&s, " (%s)", e->scope == ENT_PROJECT
							      ? prole_str(e->write_prole)
							      : role_str(e->write_role));
			c->summary = xstrdup(buf_cstr(&s));
			buf_release(&s);
			c->usage = usage_of(e, (enum verb)v);
			c->details = details_of(e, (enum verb)v);
			c->example = example_of(e, (enum verb)v);
			c->data = e;
		}
	}
}

void cli_entity_init(void)
{
	pthread_once(&cmds_once, build_cmds);
}
