/*
 * api_sla.c — service levels, the duty roster and statistics (see
 * api_sla.h; reference in docs/api.md).
 *
 * Times in and out are ISO 8601; without an offset they are Hà Nội time
 * (UTC+7), and answers always carry "+07:00".  Durations are seconds.
 */
#include "http/api_sla.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model.h"
#include "core/sla.h"
#include "core/validate.h"

#define STATS_MAX_DAYS (366 * 10)
#define DUTY_MAX_SPAN (366 * 86400) /* a list covers at most a year */
#define NOTE_MAX 200

/* ------------------------------------------------------------------------ */
/* Input helpers                                                            */
/* ------------------------------------------------------------------------ */

/* A time query argument (sla_time_parse); *ret stays when absent. */
static bool query_time(const struct http_req *req, struct http_resp *resp, const char *name,
		       int64_t *ret)
{
	const char *v = req->query(req, name);

	if (!v || !*v)
		return true;
	if (sla_time_parse(v, ret) < 0) {
		http_error(resp, 400, "invalid_field", name,
			   "'%s' must be a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[+07:00])", name);
		return false;
	}
	return true;
}

/* An integer member within [min, max]; *ret stays when absent. */
static bool get_int(json_t *o, const char *key, int64_t min, int64_t max, struct http_resp *resp,
		    int64_t *ret)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		http_error(resp, 400, "invalid_field", key, "'%s' must be a whole number from %lld to %lld",
			   key, (long long)min, (long long)max);
		return false;
	}
	*ret = json_integer_value(v);
	return true;
}

static bool get_bool(json_t *o, const char *key, struct http_resp *resp, int *ret)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		http_error(resp, 400, "invalid_field", key, "'%s' must be true or false", key);
		return false;
	}
	*ret = json_is_true(v);
	return true;
}

static bool allowed(const struct http_req *req, struct http_resp *resp, enum rbac_action a,
		    struct rbac_decision *ret)
{
	struct rbac_decision d = rbac_decide(req->who, a, NULL);

	if (!d.allowed)
		return http_forbidden(resp, NULL);
	if (ret)
		*ret = d;
	return true;
}

/* ------------------------------------------------------------------------ */
/* SLA states and settings                                                  */
/* ------------------------------------------------------------------------ */

void api_sla_list(const struct http_req *req, struct http_resp *resp)
{
	struct sla_filter f = { .state = -1, .limit = 100, .now = (int64_t)time(NULL) };
	struct rbac_decision d = { 0 };
	const char *v;
	char unit[40];
	json_t *out;
	int rc;

	if (!allowed(req, resp, RBAC_SLA_READ, &d))
		return;
	f.scope = d.scope;
	if ((v = req->query(req, "state")) && *v) {
		if ((f.state = sla_state_parse(v)) < 0 || f.state == SLA_MET) {
			http_error(resp, 400, "invalid_field", "state",
				   "'state' must be ok, due_soon, breached or paused");
			return;
		}
	}
	if ((v = req->query(req, "unit")) && *v) {
		if (strlen(v) >= sizeof(unit) || valid_unit_code(v)) {
			http_error(resp, 400, "invalid_field", "unit", "'unit' is not a unit code");
			return;
		}
		snprintf(unit, sizeof(unit), "%s", v);
		f.unit = unit;
	}
	if (!http_query_limit(req, resp, 1000, &f.limit))
		return;
	if ((rc = store_sla_list(req->store, &f, &out)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	json_object_set_new(out, "next", json_null());
	http_json(resp, 200, out);
}

void api_sla_config_get(const struct http_req *req, struct http_resp *resp)
{
	const char *v = req->query(req, "year");
	json_t *out;
	long year = 0;
	int rc;

	if (!allowed(req, resp, RBAC_SLA_READ, NULL))
		return;
	if (v && *v) {
		char *end;
		year = strtol(v, &end, 10);
		if (*end || year < 1970 || year > 2199) {
			http_error(resp, 400, "invalid_field", "year", "'year' must be 1970 to 2199");
			return;
		}
	}
	if ((rc = store_sla_config_get(req->store, (int)year, &out)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_json(resp, 200, out);
}

void api_sla_config_patch(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "hours", "fixed_holidays", "head", "head_after", NULL };
	struct sla_config_in in = { .fixed_holidays = -1, .head_after = -1 };
	struct store_err err = { 0 };
	json_t *o, *cfg;
	int rc;

	if (!allowed(req, resp, RBAC_SLA_WRITE, NULL) || !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "hours", false, resp, &in.hours) ||
	    !get_bool(o, "fixed_holidays", resp, &in.fixed_holidays) ||
	    !get_int(o, "head_after", 0, 30 * 86400, resp, &in.head_after))
		goto out;
	if (json_object_get(o, "head")) {
		in.set_head = true;
		if (!http_get_str(o, "head", false, resp, &in.head))
			goto out;
	}
	if ((rc = store_sla_config_set(req->store, &in, req->who->username, &err)) < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	if ((rc = store_sla_config_get(req->store, 0, &cfg)) == 0)
		http_json(resp, 200, cfg);
	else
		http_store_error(resp, rc, NULL);
out:
	json_decref(o);
}

void api_sla_policy_patch(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "first_response", "next_update", "resolution",
					      "business", "warn_pct", NULL };
	struct sla_policy_in in = { req->params[0], req->params[1], -1, -1, -1, -1, -1 };
	struct store_err err = { 0 };
	int64_t warn = -1;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_SLA_WRITE, NULL))
		return;
	if (kind_parse(in.kind) < 0 || priority_parse(in.priority) < 0) {
		http_error(resp, 404, "not_found", NULL, "no policy for '%s/%s'", in.kind, in.priority);
		return;
	}
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (get_int(o, "first_response", 1, 366LL * 86400, resp, &in.first_response) &&
	    get_int(o, "next_update", 0, 366LL * 86400, resp, &in.next_update) &&
	    get_int(o, "resolution", 1, 3660LL * 86400, resp, &in.resolution) &&
	    get_bool(o, "business", resp, &in.business) && get_int(o, "warn_pct", 0, 100, resp, &warn)) {
		in.warn_pct = (int)warn;
		if ((rc = store_sla_policy_set(req->store, &in, req->who->username, &err)) < 0)
			http_store_error(resp, rc, &err);
		else
			http_json(resp, 200, json_pack("{ss ss}", "kind", in.kind, "priority", in.priority));
	}
	json_decref(o);
}

void api_sla_day_put(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "kind", "name", NULL };
	struct store_err err = { 0 };
	const char *kind, *name;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_SLA_WRITE, NULL) || !(o = http_body_object(req, resp, fields)))
		return;
	if (http_get_str(o, "kind", true, resp, &kind) && http_get_str(o, "name", true, resp, &name)) {
		const char *why = valid_line(name, NOTE_MAX);
		if (why)
			http_error(resp, 400, "invalid_field", "name", "'name' %s", why);
		else if ((rc = store_sla_day_set(req->store, req->params[0], kind, name,
						 req->who->username, &err)) < 0)
			http_store_error(resp, rc, &err);
		else
			http_json(resp, 200, json_pack("{ss ss ss}", "day", req->params[0], "kind", kind,
						       "name", name));
	}
	json_decref(o);
}

void api_sla_day_delete(const struct http_req *req, struct http_resp *resp)
{
	struct store_err err = { 0 };
	int rc;

	if (!allowed(req, resp, RBAC_SLA_WRITE, NULL))
		return;
	if ((rc = store_sla_day_set(req->store, req->params[0], NULL, NULL, req->who->username,
				    &err)) < 0) {
		http_store_error(resp, rc, &err);
		return;
	}
	http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

/* ------------------------------------------------------------------------ */
/* Duty roster                                                              */
/* ------------------------------------------------------------------------ */

void api_duty_list(const struct http_req *req, struct http_resp *resp)
{
	int64_t now = (int64_t)time(NULL), from = now - 86400, to = now + 14 * 86400;
	json_t *items;
	int rc;

	if (!allowed(req, resp, RBAC_DUTY_READ, NULL) || !query_time(req, resp, "from", &from) ||
	    !query_time(req, resp, "to", &to))
		return;
	if (to <= from || to - from > DUTY_MAX_SPAN) {
		http_error(resp, 400, "invalid_field", "to", "'to' must be after 'from', within a year");
		return;
	}
	if ((rc = store_duty_list(req->store, from, to, &items)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_page(resp, items, 0);
}

void api_duty_now(const struct http_req *req, struct http_resp *resp)
{
	json_t *out;
	int rc;

	if (!allowed(req, resp, RBAC_DUTY_READ, NULL))
		return;
	if ((rc = store_duty_now(req->store, (int64_t)time(NULL), &out)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_json(resp, 200, out);
}

void api_duty_create(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "username", "role", "starts", "ends", "note", NULL };
	struct duty_in in = { 0 };
	struct store_err err = { 0 };
	const char *starts, *ends, *why;
	int64_t id;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_DUTY_WRITE, NULL) || !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "username", true, resp, &in.username) ||
	    !http_get_str(o, "role", true, resp, &in.role) ||
	    !http_get_str(o, "starts", true, resp, &starts) ||
	    !http_get_str(o, "ends", true, resp, &ends) || !http_get_str(o, "note", false, resp, &in.note))
		goto out;
	if (sla_time_parse(starts, &in.starts) < 0 || sla_time_parse(ends, &in.ends) < 0) {
		http_error(resp, 400, "invalid_field", sla_time_parse(starts, &in.starts) < 0 ? "starts" : "ends",
			   "times are YYYY-MM-DDTHH:MM, Hà Nội time unless an offset is given");
		goto out;
	}
	if (in.ends - in.starts > 31 * 86400) {
		http_error(resp, 400, "invalid_field", "ends", "a shift lasts at most 31 days");
		goto out;
	}
	if (in.note && (why = valid_line(in.note, NOTE_MAX))) {
		http_error(resp, 400, "invalid_field", "note", "'note' %s", why);
		goto out;
	}
	if ((rc = store_duty_add(req->store, &in, req->who->username, &id, &err)) < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	{
		char a[SLA_ISO_SIZE], b[SLA_ISO_SIZE];
		sla_time_format(in.starts, a);
		sla_time_format(in.ends, b);
		http_json(resp, 201, json_pack("{sI ss ss ss ss s:s?}", "id", (json_int_t)id, "username",
					       in.username, "role", in.role, "starts", a, "ends", b,
					       "note", in.note));
	}
out:
	json_decref(o);
}

void api_duty_delete(const struct http_req *req, struct http_resp *resp)
{
	char *end;
	long long id = strtoll(req->params[0], &end, 10);
	int rc;

	if (!allowed(req, resp, RBAC_DUTY_WRITE, NULL))
		return;
	if (*end || id < 1) {
		http_error(resp, 404, "not_found", NULL, "no such shift");
		return;
	}
	if ((rc = store_duty_delete(req->store, id, req->who->username)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */
/* ------------------------------------------------------------------------ */

/* Append one CSV field (quoted when needed) and a separator. */
static void csv_field(FILE *f, const char *v, char sep)
{
	size_t n = strlen(v);

	if (strpbrk(v, ",\"\r\n")) {
		size_t need = csv_write(NULL, 0, v, n);
		char *buf = malloc(need);
		if (buf) {
			csv_write(buf, need, v, n);
			fwrite(buf, 1, need, f);
			free(buf);
		}
	} else {
		fputs(v, f);
	}
	fputc(sep, f);
}

static void csv_line(FILE *f, const char *section, const char *key, const char *name,
		     const json_t *value)
{
	char num[32];

	csv_field(f, section, ',');
	csv_field(f, key ? key : "", ',');
	csv_field(f, name ? name : "", ',');
	if (json_is_integer(value))
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(value));
	else if (json_is_real(value))
		snprintf(num, sizeof(num), "%.4f", json_real_value(value));
	else
		num[0] = '\0';
	fputs(num, f);
	fputs("\r\n", f);
}

char *api_stats_csv(const json_t *stats)
{
	static const char *const lists[] = { "by_category", "by_unit", "by_month" };
	static const char *const sums[] = { "first_response", "resolution", "sla_compliance" };
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	const char *key;
	json_t *x, *v;

	if (!f)
		return NULL;
	fputs("section,key,name,value\r\n", f);
	for (size_t l = 0; l < 3; l++)
		json_array_foreach(json_object_get(stats, lists[l]), i, x)
			csv_line(f, lists[l], json_string_value(json_object_get(x, "key")),
				 json_string_value(json_object_get(x, "name")), json_object_get(x, "count"));
	for (size_t l = 0; l < 3; l++)
		json_object_foreach((json_t *)json_object_get(stats, sums[l]), key, v)
			csv_line(f, sums[l], key, NULL, v);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void api_stats(const struct http_req *req, struct http_resp *resp)
{
	const char *from_s = req->query(req, "from"), *to_s = req->query(req, "to");
	const char *format = req->query(req, "format");
	int64_t now = (int64_t)time(NULL), from, to;
	int32_t dfrom, dto, today = sla_local_day(now);
	struct rbac_decision d = { 0 };
	char year[11];
	json_t *out;
	int rc;

	if (!allowed(req, resp, RBAC_STATS_READ, &d))
		return;
	/* default: from the first of January to today, Hà Nội days */
	sla_day_format(today, year);
	memcpy(year + 4, "-01-01", 7);
	sla_day_parse(year, &dfrom);
	dto = today;
	if (from_s && *from_s && sla_day_parse(from_s, &dfrom) < 0) {
		http_error(resp, 400, "invalid_field", "from", "'from' must be a date YYYY-MM-DD");
		return;
	}
	if (to_s && *to_s && sla_day_parse(to_s, &dto) < 0) {
		http_error(resp, 400, "invalid_field", "to", "'to' must be a date YYYY-MM-DD");
		return;
	}
	if (dto < dfrom || dto - dfrom > STATS_MAX_DAYS) {
		http_error(resp, 400, "invalid_field", "to", "'to' must not be before 'from', within 10 years");
		return;
	}
	if (format && *format && strcmp(format, "csv") && strcmp(format, "json")) {
		http_error(resp, 400, "invalid_field", "format", "'format' must be json or csv");
		return;
	}
	/* both days included: from local midnight to the midnight after `to` */
	from = (int64_t)dfrom * 86400 - SLA_TZ_OFFSET;
	to = ((int64_t)dto + 1) * 86400 - SLA_TZ_OFFSET;
	if ((rc = store_stats(req->store, from, to, d.scope, now, &out)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	if (format && !strcmp(format, "csv")) {
		char name[64];
		resp->text = api_stats_csv(out);
		json_decref(out);
		if (!resp->text) {
			http_error(resp, 503, "unavailable", NULL, "out of memory");
			return;
		}
		resp->status = 200;
		resp->ctype = "text/csv; charset=utf-8";
		snprintf(name, sizeof(name), "attachment; filename=\"thong-ke-%.10s-%.10s.csv\"",
			 from_s && *from_s ? from_s : year, to_s && *to_s ? to_s : "nay");
		resp->disposition = strdup(name);
		return;
	}
	http_json(resp, 200, out);
}
