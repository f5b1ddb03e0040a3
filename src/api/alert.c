/*
 * alert.c - the alerts' routes (analytics/alert.c):
 *   GET   /api/v1/projects/{code}/alerts            the open alerts (?state=resolved: the
 *                                                   resolved ones), evaluated first
 *   GET   /api/v1/projects/{code}/alert-settings    the thresholds (managers and owners)
 *   PATCH /api/v1/projects/{code}/alert-settings    change them: {"probability","collection_days",
 *                                                   "<kind>": bool..., "version"}
 */
#include <math.h>
#include <string.h>

#include "api/api.h"
#include "analytics/alert.h"
#include "base/banned.h"

static int list_alerts(struct api_req *r, struct err *err)
{
	const char *state = api_query(r, "state");
	enum alert_state s = ALERT_OPEN;

	if (state && !strcmp(state, "resolved"))
		s = ALERT_RESOLVED;
	else if (state && strcmp(state, "open"))
		return err_set(err, ERR_INVALID, "state", "bad_enum:value,_,_,allowed",
			       "\"%.40s\" is not a %s %s (%s)", state, "alert", "state",
			       "open, resolved");
	return alert_list_write_json(r->st, &r->actor, api_param(r, "code"), s, &r->jw, err);
}

static int get_settings(struct api_req *r, struct err *err)
{
	struct alert_settings s;

	if (alert_settings_get(r->st, &r->actor, api_param(r, "code"), &s, err))
		return -1;
	alert_settings_write_json(&r->jw, &s);
	return 0;
}

static int patch_settings(struct api_req *r, struct err *err)
{
	struct alert_settings_input in = { 0 };
	struct alert_settings out;
	double prob = 0;
	int64_t version = 0;
	int has_version = 0, on[AK__COUNT] = { 0 };
	struct api_field fields[AK__COUNT + 4] = {
		{ "probability", API_NUM, 0, &prob, &in.set_probability },
		{ "collection_days", API_INT, 0, &in.v.collection_days, &in.set_collection_days },
		{ "version", API_INT, 0, &version, &has_version },
	};

	for (int k = 0; k < AK__COUNT; k++)
		fields[3 + k] = (struct api_field){ alert_kinds[k], API_BOOL, 0, &on[k],
						    &in.set_kind[k] };
	fields[3 + AK__COUNT] = (struct api_field){ NULL, 0, 0, NULL, NULL };
	if (api_parse(r, fields, err) || api_version(r, has_version, version, &version, err))
		return -1;
	if (in.set_probability) {
		if (!isfinite(prob) || prob < 0 || prob > 1)
			return err_set(err, ERR_INVALID, "probability", "out_of_range:_,min,max",
				       "%s must be from %d to %d", "probability", 0, 1);
		in.v.probability_bp = (int64_t)llround(prob * 10000.0);
	}
	for (int k = 0; k < AK__COUNT; k++)
		in.v.on[k] = on[k];
	if (alert_settings_patch(r->st, &r->actor, api_param(r, "code"), &in, version, &out, err))
		return -1;
	alert_settings_write_json(&r->jw, &out);
	return 0;
}

const struct api_route api_alert_routes[] = {
	{ "GET", "/api/v1/projects/{code}/alerts", list_alerts, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/alert-settings", get_settings, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/projects/{code}/alert-settings", patch_settings, ROLE_VIEWER, 0 },
	{ NULL },
};
