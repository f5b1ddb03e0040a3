/*
 * channel.c - the routes to market (direct, distributor, e-commerce, partner,
 * retail, telesales), each with the cost of selling through it as a rate of
 * revenue. A noun of the entity engine: this description is all of it.
 */
#include <stddef.h>
#include <string.h>

#include "core/catalog.h"
#include "core/entity.h"
#include "base/banned.h"

#define F(field) offsetof(struct channel, field), sizeof(((struct channel *)0)->field)

static const char SQL_CHANNEL_SALES[] = "SELECT COUNT(*) FROM sales WHERE channel_id = ?";
static const char SQL_CHANNEL_GOALS[] = "SELECT COUNT(*) FROM goals WHERE scope_channel_id = ?";

static const char SQL_CHANNEL_PLANS[] = "SELECT COUNT(*) FROM project_channels WHERE channel_id = ?";

static const struct ent_blocker channel_blockers[] = {
	{ SQL_CHANNEL_SALES, "sales record", "sales records" },
	{ SQL_CHANNEL_GOALS, "goal", "goals" },
	{ SQL_CHANNEL_PLANS, "project's strategy", "projects' strategies" },
	{ NULL, NULL, NULL },
};

const char *const channel_types[] = { "direct", "distributor", "ecommerce", "partner",
				      "retail", "telesales",   NULL };

/* A new channel is in use unless told otherwise. */
static int channel_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			 struct err *err)
{
	struct channel *c = rec;

	(void)tx;
	(void)err;
	if (!before && !entity_given(&channel_entity, in, "active"))
		c->active = 1;
	return 0;
}

static const struct ent_field channel_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "code", EK_CODE, EF_KEY | EF_REQUIRED | EF_SORT | EF_FILTER, "code", F(code),
	  .help = "the channel's code", .example = "tmall" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name),
	  .help = "its name", .example = "天猫旗舰店" },
	{ "type", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "type", F(type),
	  .values = channel_types, .help = "the kind of route to market", .example = "ecommerce" },
	{ "cost_rate", EK_RATIO, EF_SORT, "cost_rate_bp", F(cost_rate_bp), 0, 10000,
	  .help = "the cost of selling through it, % of revenue (commission, fees)",
	  .example = "12.5" },
	{ "active", EK_BOOL, EF_FILTER, "active", F(active),
	  .help = "whether the team still sells through it (a new one is)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(channel) = {
	.name = "channel",
	.plural = "channels",
	.table = "channels",
	.summary = "a sales channel",
	.size = sizeof(struct channel),
	.fields = channel_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.blockers = channel_blockers,
	.order = "t.code",
	.section = "strategy",
	.section_rank = 2,
	.hooks = { .check = channel_check },
};

int channel_type_valid(const char *type)
{
	for (const char *const *t = channel_types; type && *t; t++)
		if (!strcmp(*t, type))
			return 1;
	return 0;
}

int channel_create(struct store *st, const struct actor *a, const struct channel *in,
		   struct channel *out, struct err *err)
{
	struct channel c = *in;

	c.active = 1; /* a new channel is in use; it is taken out of use with an update */
	return entity_create_rec(st, a, &channel_entity, NULL, &c, out, err);
}
