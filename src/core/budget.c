/*
 * budget.c - a project's budget (the plan around the method's steps). Budget
 * lines (the noun `budget`: routes under /api/v1/projects/{code}/budget_lines,
 * the CLI's `budget add|list|show|update|delete`): a category of spending
 * (marketing, promotion, channel, travel, training, staff, other), a name and
 * the money allocated; each line read with what was spent against it, what
 * remains and whether it is overspent. Expenses (the noun `expense`, routes
 * under .../expenses, the CLI's `expense`): an amount spent against a line of
 * the same project on a day, with a note and who recorded it. Managers write
 * lines and every expense; a member records expenses and changes their own;
 * a viewer reads. Tables in store/schema/021-risks-budget.sql. The overview
 * is analytics/budget.c's.
 */
#include "core/budget.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct budget_line {
	int64_t id;
	char category[16];
	char name[200];
	int64_t allocated, spent, remaining;
	int overspent;
	int64_t version, created_at, updated_at;
};

struct expense {
	int64_t id;
	int64_t line;
	char line_name[200];
	int64_t amount;
	int32_t date;
	char note[1000];
	int64_t recorded_by;
	char recorded_by_login[64];
	int64_t version, created_at, updated_at;
};

#define FL(field) offsetof(struct budget_line, field), sizeof(((struct budget_line *)0)->field)
#define FX(field) offsetof(struct expense, field), sizeof(((struct expense *)0)->field)

static const char *const budget_categories[] = { "marketing", "promotion", "channel", "travel",
						 "training",  "staff",     "other",   NULL };

static int line_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static int expense_check(struct tx *tx, const void *before, void *rec,
			 const struct ent_input *in, struct err *err);
static int expense_fill(struct store *st, const struct actor *a, void *rec, struct err *err);

static const struct ent_field budget_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", FL(id) },
	{ "category", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "category", FL(category),
	  .values = budget_categories,
	  .help = "marketing, promotion, channel, travel, training, staff or other",
	  .example = "marketing" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_FILTER | EF_SORT, "name", FL(name), 1, 190,
	  .help = "what the money is for", .example = "华东行业展会" },
	{ "allocated", EK_MONEY, EF_REQUIRED | EF_SORT, "allocated_minor", FL(allocated), 0,
	  100000000000000LL, .help = "the money allocated to it", .example = "50000.00" },
	{ "spent", EK_MONEY, EF_READONLY, NULL, FL(spent), 0, INT64_MAX,
	  .help = "the expenses recorded against it" },
	{ "remaining", EK_MONEY, EF_READONLY, NULL, FL(remaining), INT64_MIN, INT64_MAX,
	  .help = "allocated less spent (negative when overspent)" },
	{ "overspent", EK_BOOL, EF_READONLY, NULL, FL(overspent),
	  .help = "more was spent than allocated" },
	{ "version", EK_VERSION, EF_READONLY, "version", FL(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", FL(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", FL(updated_at) },
	{ NULL },
};

static const struct ent_blocker budget_blockers[] = {
	{ "SELECT COUNT(*) FROM expenses WHERE line_id = ?", "expense", "expenses" },
	{ NULL },
};

ENTITY(budget) = {
	.name = "budget",
	.plural = "budget_lines",
	.table = "budget_lines",
	.summary = "a budget line: money allocated to a category of spending under a name, with "
		   "what was spent against it and what remains",
	.size = sizeof(struct budget_line),
	.fields = budget_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.blockers = budget_blockers,
	.order = "t.category, t.name, t.id",
	.hooks = { .fill = line_fill },
	/* its own screen, web/src/screens/budget.js (/p/:code/budget), with the expenses */
};

static const struct ent_field expense_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", FX(id) },
	{ "line", EK_COUNT, EF_REQUIRED | EF_FILTER | EF_SORT, "line_id", FX(line), 1, INT64_MAX,
	  .help = "the budget line of the project it is spent against (its id)", .example = "3" },
	{ "line_name", EK_TEXT, EF_READONLY, NULL, FX(line_name), .help = "the line's name" },
	{ "amount", EK_MONEY, EF_REQUIRED | EF_SORT, "amount_minor", FX(amount), 1,
	  100000000000000LL, .help = "the money spent", .example = "12800.00" },
	{ "date", EK_DATE, EF_FILTER | EF_SORT, "spent_on", FX(date),
	  .help = "the day it was spent (default today; lists filter on a range: FROM..TO)",
	  .example = "2027-03-15" },
	{ "note", EK_NOTE, 0, "note", FX(note), 0, 900, .help = "what it paid for",
	  .example = "展位费及搭建" },
	{ "recorded_by", EK_REF, EF_READONLY | EF_FILTER, "recorded_by", FX(recorded_by),
	  .ref = &user_entity, .key_off = offsetof(struct expense, recorded_by_login),
	  .key_size = sizeof(((struct expense *)0)->recorded_by_login),
	  .help = "who recorded it (a member changes only what they recorded)" },
	{ "version", EK_VERSION, EF_READONLY, "version", FX(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", FX(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", FX(updated_at) },
	{ NULL },
};

ENTITY(expense) = {
	.name = "expense",
	.plural = "expenses",
	.table = "expenses",
	.summary = "money spent against a budget line of the project: an amount, a day, a note "
		   "and who recorded it",
	.size = sizeof(struct expense),
	.fields = expense_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "recorded_by",
	.order = "t.spent_on DESC, t.id DESC",
	.hooks = { .check = expense_check, .fill = expense_fill },
	/* its own screen, web/src/screens/budget.js (/p/:code/budget), with the lines */
};

/* ?1 the line: what was spent against it */
static const char SQL_LINE_SPENT[] =
	"SELECT COALESCE(SUM(amount_minor), 0) FROM expenses WHERE line_id = ?1";
/* ?1 the line: its project and name */
static const char SQL_LINE_OF[] = "SELECT project_id, name FROM budget_lines WHERE id = ?1";

static int line_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct budget_line *l = rec;
	struct stmt *s = store_prepare(st, SQL_LINE_SPENT, err);
	int rc;

	(void)a;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, l->id);
	rc = store_step(st, s, err);
	l->spent = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	if (rc < 0)
		return -1;
	l->remaining = l->allocated - l->spent;
	l->overspent = l->spent > l->allocated;
	return 0;
}

/* The line's project and name; project NO_ID when there is no such line. */
static int line_of(struct store *st, int64_t line, int64_t *project, char *name, size_t size,
		   struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_LINE_OF, err);
	int rc;

	*project = NO_ID;
	name[0] = '\0';
	if (!s)
		return -1;
	store_bind_int(st, s, 1, line);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		*project = store_col_int(st, s, 0);
		snprintf(name, size, "%s", store_col_text(st, s, 1));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The line is the project's (another project's line, or none, is refused);
 * the day defaults to today; whoever records it is its recorder.
 */
static int expense_check(struct tx *tx, const void *before, void *rec,
			 const struct ent_input *in, struct err *err)
{
	const struct expense *cur = before;
	struct expense *x = rec;
	int64_t project;

	if (!cur) {
		x->recorded_by = tx->actor->user_id;
		snprintf(x->recorded_by_login, sizeof(x->recorded_by_login), "%s", tx->actor->login);
		if (!entity_given(&expense_entity, in, "date"))
			x->date = date_today();
	}
	if (x->date == NO_DATE)
		return err_set(err, ERR_INVALID, "date", "required", "date is required");
	if (!cur || x->line != cur->line) {
		if (line_of(tx->st, x->line, &project, x->line_name, sizeof(x->line_name), err))
			return -1;
		if (project != in->project->id)
			return err_set(err, ERR_INVALID, "line", "no_line_in_project:line,project",
				       "no budget line %lld in %s", (long long)x->line,
				       in->project->code);
	}
	return 0;
}

static int expense_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct expense *x = rec;
	int64_t project;

	(void)a;
	return line_of(st, x->line, &project, x->line_name, sizeof(x->line_name), err);
}
