/*
 * meeting.h - a project's meetings (core/meeting.c): a title, a day with a
 * start and end time, a location, the organiser, the attendees (members of
 * the project), agenda, minutes and decisions, and action items that become
 * tasks of the plan (core/task.c) in one step, each at most once.
 */
#ifndef CORE_MEETING_H
#define CORE_MEETING_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/entity.h"

extern const struct entity meeting_entity;

#define MEETING_MAX_ATTENDEES 40
#define MEETING_MAX_ITEMS 30
/* An action item's text becomes its task's title: the same limit. */
#define MEETING_ITEM_TEXT_MAX 200

struct meeting_attendee {
	int64_t user_id;
	char login[64];
	char name[128];
};

struct meeting_item {
	int64_t id; /* 0: a new item (input) */
	char text[MEETING_ITEM_TEXT_MAX + 1];
	int64_t assignee_id;
	char assignee[64];
	char assignee_name[128];
	int32_t due;
	int64_t task_id; /* the task it became, NO_ID while not converted */
};

/*
 * A meeting: the fields of meeting_entity, then its attendees and action
 * items (read by the fill hook; given by the faces with attendees_given /
 * items_given set, then written in the same transaction as the meeting).
 */
struct meeting {
	int64_t id;
	char title[256];
	int32_t date;
	char start[8], end[8];
	int64_t duration; /* input: minutes from the start (instead of an end) */
	int64_t starts_at, ends_at;
	char location[256];
	int64_t organizer_id;
	char organizer[64];
	char organizer_name[128];
	char agenda[4000];
	char minutes[8000];
	char decisions[4000];
	int upcoming;
	int64_t version, created_at, updated_at;
	/* not fields of the description */
	int nattendees, nitems;
	int attendees_given, items_given;
	struct meeting_attendee attendees[MEETING_MAX_ATTENDEES];
	struct meeting_item items[MEETING_MAX_ITEMS];
	/* make tasks (input): the items to convert (ids; none listed: every one not yet converted) */
	int converting, nconvert;
	int64_t convert[MEETING_MAX_ITEMS];
};

/* Set rec to a record with every field none (before a face fills the given ones). */
void meeting_input_init(struct ent_input *in, struct meeting *rec);

/*
 * Create (id NULL) or update meeting id of project code from in (its rec a
 * struct meeting; attendees and items replace the stored ones when given):
 * the organiser (default: the caller), attendees and assignees members of
 * the project, an end after the start. Managers and owners write every
 * meeting, a member the ones they organise, viewers none (the engine's rule
 * by the organizer field). out: the meeting as stored.
 */
int meeting_save(struct store *st, const struct actor *a, const char *code, const char *id,
		 struct ent_input *in, struct meeting *out, struct err *err);

/*
 * Turn action items of meeting id into tasks, in one transaction through the
 * task core's create (its rules: the assignee on the project, who may assign
 * a task): the items listed (ids[n]; n 0: every item not yet converted),
 * each recorded with its task so it is never converted twice (an item
 * already converted is refused, naming its task). version: the meeting's
 * (ENT_ANY_VERSION: as it is now). out: the meeting after.
 */
int meeting_make_tasks(struct store *st, const struct actor *a, const char *code,
		       const char *id, const int64_t *ids, size_t n, int64_t version,
		       struct meeting *out, struct err *err);

#endif
