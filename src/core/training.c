/*
 * training.c - the team's training (step 3 of the method): sessions, each
 * with its topic category (product knowledge, sales skills, customer service,
 * or another), date, length, trainer and place; and their attendance, one
 * record per person on a session's list, saying whether they came and the
 * score they reached. A session shows how many were on its list, how many
 * came and their average score; a person's training history is the
 * attendance listed for them (`attendance list --attendee LOGIN`). Two nouns
 * of the entity engine (tables in store/schema/010-trainings.sql, labels in
 * the UI's catalogs as ent.training.* and ent.attendance.*).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/entity.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct training {
	int64_t id;
	char name[256];
	char category[24];
	int32_t held_on;
	int64_t hours;
	int64_t trainer_id;
	char trainer[64];
	char location[256];
	char notes[4000];
	int64_t listed, attended, average_score;
	int64_t version, created_at, updated_at;
};

struct attendance {
	int64_t id;
	int64_t training_id;
	char training[24];
	char training_name[256];
	int32_t held_on;
	char category[24];
	int64_t user_id;
	char attendee[64];
	char attendee_name[128];
	int attended;
	int64_t score;
	char note[1000];
	int64_t version, created_at, updated_at;
};

static const char *const training_categories[] = { "product_knowledge", "sales_skills",
						    "customer_service", "other", NULL };

/* --- sessions ----------------------------------------------------------------- */

#define F(field) offsetof(struct training, field), sizeof(((struct training *)0)->field)

static int training_fill(struct store *st, const struct actor *a, void *rec, struct err *err);

static const struct ent_blocker training_blockers[] = {
	{ "SELECT COUNT(*) FROM attendances WHERE training_id = ?", "attendance record",
	  "attendance records" },
	{ NULL, NULL, NULL },
};

static const struct ent_field training_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name), 0, 200,
	  .help = "the session's topic", .example = "新品 X3 产品知识" },
	{ "category", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "category", F(category),
	  .values = training_categories, .help = "what it trains",
	  .example = "product_knowledge" },
	{ "date", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "held_on", F(held_on),
	  .help = "the day it is held", .example = "2026-12-10" },
	{ "hours", EK_COUNT, EF_NULLABLE | EF_SORT, "hours", F(hours), 1, 200,
	  .help = "how many hours it takes", .example = "3" },
	{ "trainer", EK_REF, EF_NULLABLE | EF_SORT | EF_FILTER, "trainer_id", F(trainer_id),
	  .ref = &user_entity, .key_off = offsetof(struct training, trainer),
	  .key_size = sizeof(((struct training *)0)->trainer),
	  .help = "the trainer's login (none: an outside trainer, named in the notes)",
	  .example = "li.na" },
	{ "location", EK_TEXT, 0, "location", F(location), 0, 200,
	  .help = "where it is held, or the meeting link", .example = "上海办公室 3 楼" },
	{ "notes", EK_NOTE, 0, "notes", F(notes), 0, 3000,
	  .help = "the agenda, materials, an outside trainer",
	  .example = "Demo of the X3, then objection handling" },
	{ "listed", EK_COUNT, EF_READONLY, NULL, F(listed),
	  .help = "how many people are on its list" },
	{ "attended", EK_COUNT, EF_READONLY, NULL, F(attended),
	  .help = "how many of them came" },
	{ "average_score", EK_COUNT, EF_READONLY | EF_NULLABLE, NULL, F(average_score),
	  .help = "the average of the scores given, rounded half up (none: no score yet)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(training) = {
	.name = "training",
	.plural = "trainings",
	.table = "trainings",
	.summary = "a training session of the sales team: topic, category, date, trainer",
	.size = sizeof(struct training),
	.fields = training_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.blockers = training_blockers,
	.order = "t.held_on DESC, t.id DESC",
	.hooks = { .fill = training_fill },
	.section = "team",
	.section_rank = 3,
};

/*
 * Its list, who came and their average score: from its attendance. The
 * average is of the scores given (a person not scored does not count),
 * rounded half up: (2 * sum + n) / (2 * n) for scores of 0 and more.
 */
static const char SQL_TRAINING_FIGURES[] =
	"SELECT COUNT(*), COALESCE(SUM(attended), 0), COUNT(score), COALESCE(SUM(score), 0) "
	"FROM attendances WHERE training_id = ?";

static int training_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct training *t = rec;
	struct stmt *s = store_prepare(st, SQL_TRAINING_FIGURES, err);
	int rc;

	(void)a;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, t->id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		int64_t scored = store_col_int(st, s, 2), sum = store_col_int(st, s, 3);
		t->listed = store_col_int(st, s, 0);
		t->attended = store_col_int(st, s, 1);
		t->average_score = scored ? (2 * sum + scored) / (2 * scored) : NO_ID;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- attendance ----------------------------------------------------------------- */

#define F(field) offsetof(struct attendance, field), sizeof(((struct attendance *)0)->field)

static int attendance_check(struct tx *tx, const void *before, void *rec,
			    const struct ent_input *in, struct err *err);

static const struct ent_field attendance_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "training", EK_REF, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "training_id",
	  F(training_id), .ref = &training_entity,
	  .key_off = offsetof(struct attendance, training),
	  .key_size = sizeof(((struct attendance *)0)->training),
	  .help = "the session (its id)", .example = "3" },
	{ "training_name", EK_TEXT, EF_READONLY, "name", F(training_name), .via = "training" },
	{ "date", EK_DATE, EF_READONLY, "held_on", F(held_on), .via = "training" },
	{ "category", EK_ENUM, EF_READONLY, "category", F(category), .values = training_categories,
	  .via = "training" },
	{ "attendee", EK_REF, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "user_id",
	  F(user_id), .ref = &user_entity, .key_off = offsetof(struct attendance, attendee),
	  .key_size = sizeof(((struct attendance *)0)->attendee),
	  .help = "the person's login", .example = "wang.fang" },
	{ "attendee_name", EK_TEXT, EF_READONLY, "name", F(attendee_name), .via = "attendee" },
	{ "attended", EK_BOOL, EF_SORT | EF_FILTER, "attended", F(attended),
	  .help = "whether they came (default yes)", .example = "yes" },
	{ "score", EK_COUNT, EF_NULLABLE | EF_SORT, "score", F(score), 0, 100,
	  .help = "the score they reached, 0 to 100 (none: not scored)", .example = "86" },
	{ "note", EK_NOTE, 0, "note", F(note), 0, 800,
	  .help = "the trainer's remark", .example = "Strong on pricing questions" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(attendance) = {
	.name = "attendance",
	.plural = "attendances",
	.table = "attendances",
	.summary = "a person on a training session's list: whether they came, their score",
	.size = sizeof(struct attendance),
	.fields = attendance_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.order = "r1.held_on DESC, t.training_id DESC, r2.login",
	.hooks = { .check = attendance_check },
	.section = "team",
	.section_rank = 4,
};

static const char SQL_ATTENDANCE_EXISTS[] =
	"SELECT COUNT(*) FROM attendances WHERE training_id = ?1 AND user_id = ?2";

/*
 * A person is on a session's list once; a new record starts as "came" unless
 * it says otherwise, and a score is for someone who came.
 */
static int attendance_check(struct tx *tx, const void *before, void *rec,
			    const struct ent_input *in, struct err *err)
{
	struct attendance *r = rec;

	if (!before) {
		struct stmt *s;
		int rc;
		int64_t n = 0;

		if (!entity_given(&attendance_entity, in, "attended"))
			r->attended = 1;
		if (!(s = store_prepare(tx->st, SQL_ATTENDANCE_EXISTS, err)))
			return -1;
		store_bind_int(tx->st, s, 1, r->training_id);
		store_bind_int(tx->st, s, 2, r->user_id);
		rc = store_step(tx->st, s, err);
		if (rc == STORE_ROW)
			n = store_col_int(tx->st, s, 0);
		store_done(tx->st, s);
		if (rc < 0)
			return -1;
		if (n)
			return err_set(err, ERR_CONFLICT, "attendee", "already_listed:attendee,training",
				       "%s is already on the list of training %s", r->attendee,
				       r->training);
	}
	if (!r->attended && r->score != NO_ID)
		return err_set(err, ERR_INVALID, "score", "score_not_attended",
			       "a score is for someone who came: set attended, or no score");
	return 0;
}
