/*
 * engagement.h - a project's activities with its customers (core/engagement.c,
 * the entity engine's noun "activity"), and the checks that customer feedback
 * (core/feedback.c) shares with them.
 */
#ifndef CORE_ENGAGEMENT_H
#define CORE_ENGAGEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct tx;

/* The kinds of an activity and its phases, ended by NULL (the demo and the faces use them). */
extern const char *const activity_kinds[];
extern const char *const activity_phases[];

/* The project role of user_id in project_id ("owner", "manager"...; "" when not a member). */
int engagement_member_role(struct tx *tx, int64_t project_id, int64_t user_id, char *role,
			   size_t size, struct err *err);

/*
 * The customer of deal_id, which must be a deal of project_id, whose code is
 * code (else ERR_INVALID on field "deal", reason no_deal_in_project).
 */
int engagement_deal_customer(struct tx *tx, int64_t project_id, const char *code,
			     int64_t deal_id, int64_t *customer_id, struct err *err);

/*
 * "HH:MM" (00:00 to 23:59) as minutes past midnight into *minutes, -1 for ""
 * (no time); anything else is refused naming field (an activity's time, a
 * meeting's start and end).
 */
int engagement_hhmm(const char *s, const char *field, int *minutes, struct err *err);

/* The instant (UTC seconds) of day at minutes past midnight on the workspace's wall clock. */
int64_t engagement_local_instant(int32_t day, int minutes);

#endif
