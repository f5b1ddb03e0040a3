/*
 * meeting.c - `salespm meeting add|list|show|update|delete|tasks`: a
 * project's meetings with attendees and action items, and the items turned
 * into tasks in one step (core/meeting.c). An action item is written
 * "TEXT|ASSIGNEE|DUE" (--item, repeated); on update the items given replace
 * the ones not yet turned into tasks (those stay as they are).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "core/meeting.h"
#include "core/project.h"
#include "base/banned.h"

/* The options that set a field of the description, in its order. */
static const char *const field_opts[] = { "title",     "date",    "start",   "end",
					  "duration",  "location", "organizer", "agenda",
					  "minutes",   "decisions", NULL };

#define FIELD_OPTIONS                                                                          \
	{ "title", 0, OPT_VALUE }, { "date", 0, OPT_VALUE }, { "start", 0, OPT_VALUE },       \
		{ "end", 0, OPT_VALUE }, { "duration", 0, OPT_VALUE },                        \
		{ "location", 0, OPT_VALUE }, { "organizer", 0, OPT_VALUE },                  \
		{ "agenda", 0, OPT_VALUE }, { "minutes", 0, OPT_VALUE },                      \
		{ "decisions", 0, OPT_VALUE }, { "attendee", 0, OPT_MULTI },                  \
		{ "item", 0, OPT_MULTI }

/* "TEXT|ASSIGNEE|DUE" into it. */
static int parse_item(const char *s, struct meeting_item *it, struct err *err)
{
	const char *a = strchr(s, '|'), *b = a ? strchr(a + 1, '|') : NULL;
	char due[16];

	memset(it, 0, sizeof(*it));
	if (!a || !b || strchr(b + 1, '|'))
		return err_set(err, ERR_INVALID, "action_items", "item_format:value",
			       "\"%.60s\" is not an action item (write TEXT|ASSIGNEE|YYYY-MM-DD)", s);
	if ((size_t)(a - s) >= sizeof(it->text) || (size_t)(b - a - 1) >= sizeof(it->assignee) ||
	    strlen(b + 1) >= sizeof(due))
		return err_set(err, ERR_INVALID, "action_items", "too_long:_,len,max",
			       "action item \"%.60s\" is too long", s);
	snprintf(it->text, sizeof(it->text), "%.*s", (int)(a - s), s);
	snprintf(it->assignee, sizeof(it->assignee), "%.*s", (int)(b - a - 1), a + 1);
	snprintf(due, sizeof(due), "%s", b + 1);
	return date_parse(due, strlen(due), &it->due, "action_items", err);
}

/* The options given into in; cur (update) keeps its items that became tasks. */
static int input_from(struct cli_opt *opts, const struct meeting *cur, struct ent_input *in,
		      struct err *err)
{
	struct meeting *m = in->rec;
	struct cli_opt *o;

	for (int i = 0; field_opts[i]; i++) {
		const struct ent_field *f = entity_field(&meeting_entity, field_opts[i]);
		const char *v = cli_opt(opts, field_opts[i]);
		if (!v)
			continue;
		if (entity_parse_text(f, v, m, err))
			return -1;
		entity_input_set(&meeting_entity, in, f, 0);
	}
	if ((o = cli_optp(opts, "attendee")) && o->set) {
		if (o->nvalues > MEETING_MAX_ATTENDEES)
			return err_set(err, ERR_INVALID, "attendees", "too_many:_,max",
				       "%s: at most %d", "attendees", MEETING_MAX_ATTENDEES);
		for (int i = 0; i < o->nvalues; i++)
			snprintf(m->attendees[i].login, sizeof(m->attendees[i].login), "%s",
				 o->values[i]);
		m->nattendees = o->nvalues;
		m->attendees_given = 1;
	}
	if ((o = cli_optp(opts, "item")) && o->set) {
		for (int i = 0; cur && i < cur->nitems; i++)
			if (cur->items[i].task_id != NO_ID)
				m->items[m->nitems++] = cur->items[i];
		for (int i = 0; i < o->nvalues; i++) {
			if (m->nitems >= MEETING_MAX_ITEMS)
				return err_set(err, ERR_INVALID, "action_items", "too_many:_,max",
					       "%s: at most %d", "action_items", MEETING_MAX_ITEMS);
			if (parse_item(o->values[i], &m->items[m->nitems++], err))
				return -1;
		}
		m->items_given = 1;
	}
	return 0;
}

static void print_meeting(struct cli *c, const struct meeting *m)
{
	char d[DATE_FMT_MAX];

	cli_entity_print(c, &meeting_entity, m);
	if (c->json)
		return;
	printf("%-14s", "attendees");
	for (int i = 0; i < m->nattendees; i++)
		printf(" %s", m->attendees[i].login);
	printf("\n");
	for (int i = 0; i < m->nitems; i++) {
		const struct meeting_item *it = &m->items[i];
		printf("item %-9lld %s (%s, due %s)", (long long)it->id, it->text, it->assignee,
		       date_format(it->due, d));
		if (it->task_id != NO_ID)
			printf(" -> task #%lld", (long long)it->task_id);
		printf("\n");
	}
}

static int project_of(struct cli *c, const char *code, struct ent_project *ep, struct err *err)
{
	struct project pr;

	if (project_get(c->st, &c->actor, code, &pr, err))
		return -1;
	ep->id = pr.id;
	ep->code = code;
	return 0;
}

static int cmd_add(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { FIELD_OPTIONS, { NULL, 0, 0 } };
	struct meeting *given = calloc(2, sizeof(*given)), *out = given + 1;
	struct ent_input in;
	const char *pos[1];
	int npos, r = -1;

	if (!given)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	meeting_input_init(&in, given);
	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    input_from(opts, NULL, &in, err) ||
	    meeting_save(c->st, &c->actor, pos[0], NULL, &in, out, err))
		goto out;
	if (!c->json)
		printf("added meeting %lld: %s\n", (long long)out->id, out->title);
	print_meeting(c, out);
	r = 0;
out:
	free(given);
	return r;
}

static int cmd_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { FIELD_OPTIONS, { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct meeting *given = calloc(3, sizeof(*given)), *out = given + 1, *cur = given + 2;
	struct ent_project ep;
	struct ent_input in;
	const char *pos[2];
	int npos, r = -1;

	if (!given)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	meeting_input_init(&in, given);
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    project_of(c, pos[0], &ep, err) ||
	    entity_get(c->st, &c->actor, &meeting_entity, &ep, pos[1], cur, err) ||
	    input_from(opts, cur, &in, err))
		goto out;
	/* without --version the change starts from the meeting as it is now */
	in.version = cur->version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &in.version, err))
		goto out;
	if (meeting_save(c->st, &c->actor, pos[0], pos[1], &in, out, err))
		goto out;
	if (!c->json)
		printf("updated meeting %s\n", pos[1]);
	print_meeting(c, out);
	r = 0;
out:
	free(given);
	return r;
}

static int cmd_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct meeting *m = calloc(1, sizeof(*m));
	struct ent_project ep;
	const char *pos[2];
	int npos, r = -1;

	if (!m)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    project_of(c, pos[0], &ep, err) ||
	    entity_get(c->st, &c->actor, &meeting_entity, &ep, pos[1], m, err))
		goto out;
	print_meeting(c, m);
	r = 0;
out:
	free(m);
	return r;
}

static int cmd_list(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "id", "date", "time", "title", "organizer", "items",
					    "tasks" };
	static const int right[] = { 1, 0, 0, 0, 0, 1, 1 };
	struct cli_opt opts[] = { { "upcoming", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct ent_project ep;
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };
	struct cli_table t;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    project_of(c, pos[0], &ep, err))
		return -1;
	if (cli_opt(opts, "upcoming")) {
		q.filter_name[0] = "upcoming";
		q.filter_value[0] = cli_opt(opts, "upcoming");
		q.nfilters = 1;
	}
	if (entity_list(c->st, &c->actor, &meeting_entity, &ep, &q, &rows, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "meetings");
		jw_arr(&w);
		for (size_t i = 0; i < rows.n; i++)
			entity_write_json(&w, &meeting_entity, (const struct meeting *)rows.items + i);
		jw_arr_end(&w);
		jw_kint(&w, "total", rows.total);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		cli_table_init(&t, 7, head, right);
		for (size_t i = 0; i < rows.n; i++) {
			const struct meeting *m = (const struct meeting *)rows.items + i;
			char id[24], d[DATE_FMT_MAX], tm[16], n[16], k[16];
			const char *row[7] = { id, d, tm, m->title, m->organizer, n, k };
			int made = 0;
			for (int j = 0; j < m->nitems; j++)
				made += m->items[j].task_id != NO_ID;
			snprintf(id, sizeof(id), "%lld", (long long)m->id);
			date_format(m->date, d);
			snprintf(tm, sizeof(tm), "%s-%s", m->start, m->end);
			snprintf(n, sizeof(n), "%d", m->nitems);
			snprintf(k, sizeof(k), "%d", made);
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	entity_rows_release(&rows);
	return 0;
}

static int cmd_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct ent_project ep;
	int64_t version = ENT_ANY_VERSION;
	const char *pos[2];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    project_of(c, pos[0], &ep, err) ||
	    (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err)) ||
	    entity_delete(c->st, &c->actor, &meeting_entity, &ep, pos[1], version, err))
		return -1;
	if (c->json)
		printf("{\"id\":%s,\"deleted\":true}\n", pos[1]);
	else
		printf("deleted meeting %s\n", pos[1]);
	return 0;
}

static int cmd_tasks(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "item", 0, OPT_MULTI }, { "version", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct meeting *m = calloc(1, sizeof(*m));
	struct cli_opt *o;
	int64_t ids[16], version = ENT_ANY_VERSION;
	const char *pos[2];
	int npos, n = 0, r = -1;

	if (!m)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err)))
		goto out;
	if ((o = cli_optp(opts, "item")) && o->set)
		for (int i = 0; i < o->nvalues; i++)
			if (cli_int(o->values[i], "item", &ids[n++], err))
				goto out;
	if (meeting_make_tasks(c->st, &c->actor, pos[0], pos[1], ids, (size_t)n, version, m, err))
		goto out;
	if (!c->json)
		printf("meeting %s: action items turned into tasks\n", pos[1]);
	print_meeting(c, m);
	r = 0;
out:
	free(m);
	return r;
}

#define FIELD_DETAILS                                                                         \
	"  --title T            what the meeting is (required on add)\n"                      \
	"  --date YYYY-MM-DD    the day (required on add)\n"                                  \
	"  --start HH:MM        its start on the workspace's clock (required on add)\n"       \
	"  --end HH:MM          its end, after the start; or\n"                               \
	"  --duration MIN       its length in minutes\n"                                      \
	"  --location L         a room, an address or a call link\n"                          \
	"  --organizer LOGIN    who calls it (default: you)\n"                                \
	"  --agenda A  --minutes M  --decisions D\n"                                          \
	"  --attendee LOGIN     a member who attends (repeat; replaces the list)\n"           \
	"  --item 'TEXT|LOGIN|YYYY-MM-DD'  an action item (repeat; on update replaces the\n"  \
	"                       items not yet turned into tasks)\n"                           \
	"Managers write every meeting, members the ones they organise; viewers read."

const struct cli_command cli_meeting_cmds[] = {
	{ "meeting", "add", cmd_add, CLI_NEEDS_STORE, "record a meeting of a project",
	  "meeting add PROJECT --title T --date D --start HH:MM (--end HH:MM | --duration MIN) "
	  "[options]",
	  FIELD_DETAILS,
	  "salespm meeting add FY --title 周例会 --date 2027-01-11 --start 09:30 --duration 60 "
	  "--attendee wang.fang --item '更新报价|wang.fang|2027-01-15'" },
	{ "meeting", "list", cmd_list, CLI_NEEDS_STORE, "list a project's meetings, latest first",
	  "meeting list PROJECT [--upcoming yes|no]",
	  "  --upcoming yes|no    only the meetings that have (not) ended", "salespm meeting list FY" },
	{ "meeting", "show", cmd_show, CLI_NEEDS_STORE,
	  "a meeting with its attendees and action items", "meeting show PROJECT ID", NULL,
	  "salespm meeting show FY 3" },
	{ "meeting", "update", cmd_update, CLI_NEEDS_STORE, "change a meeting",
	  "meeting update PROJECT ID [--version N] [options]",
	  FIELD_DETAILS "\n  --version N          the version you saw (default: as it is now)",
	  "salespm meeting update FY 3 --minutes '华东区新增 3 个商机'" },
	{ "meeting", "delete", cmd_delete, CLI_NEEDS_STORE, "delete a meeting",
	  "meeting delete PROJECT ID [--version N]", NULL, "salespm meeting delete FY 3" },
	{ "meeting", "tasks", cmd_tasks, CLI_NEEDS_STORE,
	  "turn a meeting's action items into tasks, in one step",
	  "meeting tasks PROJECT ID [--item ITEM]... [--version N]",
	  "Each action item becomes a task of the plan (its text the title, its assignee and\n"
	  "due day), all in one transaction, and is recorded with its task so it is never\n"
	  "turned twice. Without --item: every item not yet a task.\n"
	  "  --item ID            an action item's id (repeat)",
	  "salespm meeting tasks FY 3" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
