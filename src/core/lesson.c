/*
 * lesson.c - a project's lessons learned (step 7 of the method, evaluation):
 * what went well, what to improve, what to do next time, each a text by its
 * author. A project noun of the entity engine (routes under
 * /api/v1/projects/{code}/lessons, the CLI's `lesson`; table project_lessons
 * in store/schema/032-closing.sql; screen web/src/screens/lessons.js). Any
 * member writes one (its author is the writer), its author or a manager
 * changes or deletes it, viewers read; written on a closed project too (the
 * team writes them as it closes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/entity.h"
#include "core/review.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct lesson {
	int64_t id;
	char kind[16];
	char text[REVIEW_TEXT_BYTES + 1];
	int64_t author_id;
	char author[64];
	char author_name[128];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct lesson, field), sizeof(((struct lesson *)0)->field)

static const char *const lesson_kinds[] = { "went_well", "to_improve", "next_time", NULL };

static int lesson_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			struct err *err);

static const struct ent_field lesson_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "kind", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "kind", F(kind),
	  .values = lesson_kinds, .help = "went_well, to_improve or next_time",
	  .example = "went_well" },
	{ "text", EK_NOTE, EF_REQUIRED, "text", F(text), 1, REVIEW_TEXT_BYTES,
	  .help = "the lesson, at most 2000 characters", .example = "经销商返利提前锁定，渠道稳定" },
	{ "author", EK_REF, EF_READONLY | EF_FILTER | EF_SORT, "author_id", F(author_id),
	  .ref = &user_entity, .key_off = offsetof(struct lesson, author),
	  .key_size = sizeof(((struct lesson *)0)->author),
	  .help = "who wrote it (the writer)" },
	{ "author_name", EK_TEXT, EF_READONLY, "name", F(author_name), .via = "author" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY | EF_SORT, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(lesson) = {
	.name = "lesson",
	.plural = "lessons",
	.table = "project_lessons",
	.summary = "a lesson learned: what went well, what to improve or what to do next time",
	.size = sizeof(struct lesson),
	.fields = lesson_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "author",
	.order = "t.id",
	.hooks = { .check = lesson_check },
	.unfrozen = 1,
	/* its own screen: web/src/screens/lessons.js */
};

/* The author is the writer, fixed once written; the text at most 2000 characters. */
static int lesson_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			struct err *err)
{
	struct lesson *l = rec;

	(void)in;
	if (!before) {
		l->author_id = tx->actor->user_id;
		snprintf(l->author, sizeof(l->author), "%s", tx->actor->login);
	}
	return review_text_check(l->text, "text", err);
}
