/*
 * api_incident.c — incident handling through the API: the "incident"
 * object of a request, observables, tasks, merge and links, the search by
 * observable, the STIX 2.1 export and the report forms of Circular
 * 20/2017/TT-BTTTT (docs/api.md).
 *
 * Reads follow RBAC_REQUEST_READ and its scope (a unit user sees its own
 * unit's incidents, without tasks); every change needs
 * RBAC_REQUEST_UPDATE (agents and admins) and is audited by the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/incident.h"
#include "core/incident_report.h"
#include "core/observables.h"
#include "core/stix.h"
#include "core/validate.h"
#include "http/api_incident.h"
#include "http/http.h"

#define INC_TEXT_MAX 16384   /* bytes of a free-text incident field */
#define REPORT_TEXT_MAX 4096 /* bytes of a report form field */
#define REPORT_LIST_MAX 16   /* items of a report form's checkbox list */
#define TASK_TITLE_MAX 300   /* characters */
#define AFFECTED_UNITS_MAX 64

const char *api_incident_org(void)
{
	const char *org = getenv("UNGCUU_ORG");

	return org && *org ? org : INC_ORG_DEFAULT;
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */
/* ------------------------------------------------------------------------ */

/* A time member: ISO 8601 → Unix seconds; null → INC_CLEAR; absent → INC_KEEP. */
static bool get_time(json_t *o, const char *key, struct http_resp *resp, int64_t *ret)
{
	json_t *v = json_object_get(o, key);
	int64_t t;

	*ret = INC_KEEP;
	if (!v)
		return true;
	if (json_is_null(v)) {
		*ret = INC_CLEAR;
		return true;
	}
	if (!json_is_string(v) || inc_time_parse(json_string_value(v), &t) < 0 || t <= 0) {
		http_error(resp, 400, "invalid_field", key,
			   "'%s' must be an ISO 8601 time such as 2026-11-21T08:30:00+07:00", key);
		return false;
	}
	*ret = t;
	return true;
}

static bool get_text(json_t *o, const char *key, size_t max, struct http_resp *resp,
		     const char **ret)
{
	json_t *v = json_object_get(o, key);
	const char *why;

	*ret = NULL;
	if (!v)
		return true;
	if (json_is_null(v)) {
		*ret = "";
		return true;
	}
	if (!json_is_string(v)) {
		http_error(resp, 400, "invalid_field", key, "'%s' must be a string", key);
		return false;
	}
	*ret = json_string_value(v);
	if (**ret && (why = valid_block(*ret, max))) {
		http_error(resp, 400, "invalid_field", key, "'%s' %s", key, why);
		return false;
	}
	return true;
}

/* affected_units: an array of unit codes (or a comma-separated string),
 * stored comma-separated in buf. */
static bool get_units(json_t *o, struct http_resp *resp, char *buf, size_t size, const char **ret)
{
	json_t *v = json_object_get(o, "affected_units"), *e;
	size_t i, n = 0;

	*ret = NULL;
	if (!v)
		return true;
	if (json_is_null(v)) {
		*ret = "";
		return true;
	}
	if (json_is_string(v)) {
		json_t *arr = json_array();
		char *copy = strdup(json_string_value(v)), *tok, *save = NULL;
		for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save))
			json_array_append_new(arr, json_string(trim_space(tok)));
		free(copy);
		/* the list form, checked the same way */
		json_object_set_new(o, "affected_units", arr);
		return get_units(o, resp, buf, size, ret);
	}
	if (!json_is_array(v) || json_array_size(v) > AFFECTED_UNITS_MAX) {
		http_error(resp, 400, "invalid_field", "affected_units",
			   "'affected_units' must be a list of at most %d unit codes", AFFECTED_UNITS_MAX);
		return false;
	}
	buf[0] = '\0';
	json_array_foreach(v, i, e) {
		char code[40];
		const char *s = json_string_value(e), *why;
		if (!s || strlen(s) >= sizeof(code)) {
			http_error(resp, 400, "invalid_field", "affected_units",
				   "'affected_units' must hold unit codes");
			return false;
		}
		snprintf(code, sizeof(code), "%s", s);
		upcase_ascii(trim_space(code));
		if ((why = valid_unit_code(code))) {
			http_error(resp, 400, "invalid_field", "affected_units", "'affected_units' %s", why);
			return false;
		}
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", code);
		if (n >= size)
			return false;
	}
	*ret = buf;
	return true;
}

/* The report object: known keys only, strings or lists of short codes. */
static bool check_report(json_t *r, struct http_resp *resp)
{
	static const char *const texts[] = {
		"reporter_name", "reporter_address", "reporter_phone", "reporter_email", "contact_name",
		"contact_title", "contact_phone", "contact_email", "operator", "owner_agency",
		"system_name", "system_level", "security_provider", "isp", "os", "os_version",
		"system_ips", "system_domains", "purpose", "recommendations", "result", "documents", NULL,
	};
	static const char *const lists[] = { "detection_methods", "notified", "services",
					     "security_measures", "enclosed", NULL };
	const char *key;
	json_t *v;

	if (!json_is_object(r)) {
		http_error(resp, 400, "invalid_field", "report", "'report' must be an object");
		return false;
	}
	json_object_foreach(r, key, v) {
		bool known = false;
		char field[80];
		snprintf(field, sizeof(field), "report.%s", key);
		for (const char *const *t = texts; *t && !known; t++) {
			if (strcmp(*t, key))
				continue;
			known = true;
			if (!json_is_string(v) || valid_block(json_string_value(v), REPORT_TEXT_MAX)) {
				http_error(resp, 400, "invalid_field", field,
					   "'%s' must be text of at most %d bytes", field, REPORT_TEXT_MAX);
				return false;
			}
		}
		for (const char *const *t = lists; *t && !known; t++) {
			size_t i;
			json_t *e;
			if (strcmp(*t, key))
				continue;
			known = true;
			if (!json_is_array(v) || json_array_size(v) > REPORT_LIST_MAX) {
				http_error(resp, 400, "invalid_field", field, "'%s' must be a list", field);
				return false;
			}
			json_array_foreach(v, i, e) {
				if (!json_is_string(e) || valid_username(json_string_value(e))) {
					http_error(resp, 400, "invalid_field", field,
						   "'%s' must hold short codes", field);
					return false;
				}
			}
		}
		if (!known && !strcmp(key, "confidential")) {
			known = true;
			if (!json_is_boolean(v)) {
				http_error(resp, 400, "invalid_field", field, "'%s' must be true or false",
					   field);
				return false;
			}
		}
		if (!known) {
			http_error(resp, 400, "unknown_field", field, "unknown field '%s'", field);
			return false;
		}
	}
	return true;
}

bool api_incident_parse(json_t *o, bool create, struct http_resp *resp, struct incident_in *in,
			char *units_buf, size_t units_size)
{
	static const char *const fields[] = { "category", "severity", "detected_at", "resolved_at",
					      "initial_reported_at", "final_reported_at",
					      "affected_systems", "affected_units", "impact", "measures",
					      "cause", "report", NULL };
	const char *key;
	json_t *v;

	memset(in, 0, sizeof(*in));
	in->category = in->severity = INC_KEEP;
	in->detected_at = in->resolved_at = in->initial_reported_at = in->final_reported_at = INC_KEEP;
	if (!json_is_object(o)) {
		http_error(resp, 400, "invalid_field", "incident", "'incident' must be an object");
		return false;
	}
	json_object_foreach(o, key, v) {
		bool ok = false;
		for (const char *const *f = fields; *f && !ok; f++)
			ok = strcmp(*f, key) == 0;
		if (!ok || (create && (!strcmp(key, "report") || strstr(key, "_reported_at") ||
				       !strcmp(key, "resolved_at")))) {
			http_error(resp, 400, "unknown_field", key, "unknown field '%s'", key);
			return false;
		}
	}
	v = json_object_get(o, "category");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || (in->category = inc_category_parse(json_string_value(v))) < 0) {
			http_error(resp, 400, "invalid_field", "category",
				   "'category' must be one of malware, account_compromise, impersonation, "
				   "data_leak, vuln_exploit, defacement, dos, other");
			return false;
		}
	}
	v = json_object_get(o, "severity");
	if (v && json_is_null(v)) {
		in->severity = INC_CLEAR;
	} else if (v) {
		if (!json_is_string(v) || (in->severity = inc_severity_parse(json_string_value(v))) < 0) {
			http_error(resp, 400, "invalid_field", "severity",
				   "'severity' must be one of low, medium, high, critical");
			return false;
		}
	}
	if (!get_time(o, "detected_at", resp, &in->detected_at) ||
	    !get_time(o, "resolved_at", resp, &in->resolved_at) ||
	    !get_time(o, "initial_reported_at", resp, &in->initial_reported_at) ||
	    !get_time(o, "final_reported_at", resp, &in->final_reported_at) ||
	    !get_text(o, "affected_systems", INC_TEXT_MAX, resp, &in->affected_systems) ||
	    !get_units(o, resp, units_buf, units_size, &in->affected_units) ||
	    !get_text(o, "impact", INC_TEXT_MAX, resp, &in->impact) ||
	    !get_text(o, "measures", INC_TEXT_MAX, resp, &in->measures) ||
	    !get_text(o, "cause", INC_TEXT_MAX, resp, &in->cause))
		return false;
	if (create && in->detected_at == INC_CLEAR)
		in->detected_at = INC_KEEP;
	if ((v = json_object_get(o, "report"))) {
		if (!check_report(v, resp))
			return false;
		in->report = v;
	}
	return true;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

char *api_incident_merge(const struct http_req *req, const char *code,
			 const struct rbac_decision *d, char *text)
{
	size_t len = strlen(text), ilen;
	json_t *inc = NULL;
	char *itext, *out;

	/* SQLite writes compact JSON; a subject holding these bytes is escaped */
	if (!strstr(text, "\"kind\":\"incident\"") || len < 2 || text[len - 1] != '}')
		return text;
	if (store_incident_get(req->store, code, d->scope, d->internal, (int64_t)time(NULL), &inc) < 0)
		return text;
	itext = json_dumps(inc, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(inc);
	if (!itext)
		return text;
	/* append the member to the object as text: parsing and dumping the
	 * whole request again cost a tenth of an uncached GET */
	ilen = strlen(itext);
	if ((out = malloc(len + ilen + sizeof(",\"incident\":}")))) {
		memcpy(out, text, len - 1);
		memcpy(out + len - 1, ",\"incident\":", 12);
		memcpy(out + len - 1 + 12, itext, ilen);
		memcpy(out + len - 1 + 12 + ilen, "}", 2);
		free(text);
		text = out;
	}
	free(itext);
	return text;
}

/* The request with its incident, as the caller may see it, and its unit. */
static int load(const struct http_req *req, const char *code, const struct rbac_decision *d,
		json_t **ret_req, json_t **ret_unit)
{
	json_t *o = NULL, *inc = NULL, *unit = NULL;
	int rc = store_request_get(req->store, code, d->scope, d->internal, true, &o);

	if (rc < 0)
		return rc;
	rc = store_incident_get(req->store, code, d->scope, d->internal, (int64_t)time(NULL), &inc);
	if (rc == 0)
		json_object_set_new(o, "incident", inc);
	else if (rc != -ENOENT) {
		json_decref(o);
		return rc;
	}
	if (json_string_value(json_object_get(o, "unit")))
		store_unit_get(req->store, json_string_value(json_object_get(o, "unit")), &unit);
	*ret_req = o;
	*ret_unit = unit;
	return 0;
}

static void reply(const struct http_req *req, struct http_resp *resp, int status, const char *code,
		  const struct rbac_decision *d)
{
	json_t *o = NULL, *unit = NULL;
	int rc = load(req, code, d, &o, &unit);

	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	json_decref(unit);
	http_json(resp, status, o);
}

/* The store's failure (rc < 0), else the request of the path as it now stands. */
static void reply_rc(const struct http_req *req, struct http_resp *resp, int rc,
		     const struct store_err *err, int status, const struct rbac_decision *d)
{
	if (rc < 0)
		http_store_error(resp, rc, err);
	else
		reply(req, resp, status, req->params[0], d);
}

void api_request_stix(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	json_t *o = NULL, *unit = NULL, *bundle;
	int rc;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if ((rc = load(req, req->params[0], &d, &o, &unit)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	bundle = stix_bundle(o, unit, api_incident_org());
	json_decref(o);
	json_decref(unit);
	if (!bundle) {
		http_error(resp, 500, "internal", NULL, "cannot build the bundle");
		return;
	}
	resp->status = 200;
	resp->text = json_dumps(bundle, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	resp->ctype = "application/stix+json;version=2.1";
	json_decref(bundle);
}

void api_request_report(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	int form = report_form_parse(req->params[1]);
	json_t *o, *unit;
	int rc;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (form < 0) {
		http_error(resp, 404, "not_found", "form", "the report forms are initial and final");
		return;
	}
	if ((rc = load(req, req->params[0], &d, &o, &unit)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	if (!json_object_get(o, "incident")) {
		json_decref(o);
		json_decref(unit);
		http_error(resp, 409, "not_incident", NULL, "request '%s' is not an incident",
			   req->params[0]);
		return;
	}
	resp->text = report_html(o, unit, api_incident_org(), (enum report_form)form,
				 (int64_t)time(NULL));
	json_decref(o);
	json_decref(unit);
	if (!resp->text) {
		http_error(resp, 503, "unavailable", NULL, "out of memory");
		return;
	}
	resp->status = 200;
	resp->ctype = "text/html; charset=utf-8";
	/* the page holds request text (escaped): no script may run in it, no
	 * fetch leave it; only its own inline style applies */
	resp->csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
		    "form-action 'none'; frame-ancestors 'none'";
}

void api_observables_search(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	const char *value = req->query(req, "value"), *tname = req->query(req, "type");
	char norm[OBS_VALUE_MAX + 1];
	const char *type = NULL;
	json_t *items;
	int rc;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (!value || !*value || strlen(value) > OBS_VALUE_MAX) {
		http_error(resp, 400, "missing_field", "value", "'value' is required");
		return;
	}
	if (tname) {
		int t = obs_type_parse(tname);
		const char *why;
		if (t < 0) {
			http_error(resp, 400, "invalid_field", "type", "unknown observable type '%s'", tname);
			return;
		}
		if ((why = obs_normalize((enum obs_type)t, value, norm, sizeof(norm)))) {
			http_error(resp, 400, "invalid_field", "value", "'value' %s", why);
			return;
		}
		type = tname;
		value = norm;
	} else {
		/* what the value looks like, as extraction would store it */
		struct obs_list l = { 0 };
		if (obs_extract(value, strlen(value), &l) == 0 && l.n == 1) {
			snprintf(norm, sizeof(norm), "%s", l.items[0].value);
			type = obs_type_name(l.items[0].type);
			value = norm;
		}
		obs_list_clear(&l);
	}
	if ((rc = store_observable_search(req->store, type, value, d.scope, &items)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_page(resp, items, 0);
}

/* ------------------------------------------------------------------------ */
/* Changes                                                                  */
/* ------------------------------------------------------------------------ */

/* The decision for a change; false with 403 set. */
static bool may_change(const struct http_req *req, struct http_resp *resp, struct rbac_decision *d)
{
	*d = rbac_decide(req->who, RBAC_REQUEST_UPDATE, NULL);
	if (!d->allowed)
		return http_forbidden(resp, NULL);
	return true;
}

void api_incident_update(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "category", "severity", "detected_at", "resolved_at",
					      "initial_reported_at", "final_reported_at",
					      "affected_systems", "affected_units", "impact", "measures",
					      "cause", "report", NULL };
	struct rbac_decision d;
	struct incident_in in;
	struct store_err err = { 0 };
	char units[AFFECTED_UNITS_MAX * 34];
	json_t *o;
	int rc;

	if (!may_change(req, resp, &d) || !(o = http_body_object(req, resp, fields)))
		return;
	if (api_incident_parse(o, false, resp, &in, units, sizeof(units))) {
		rc = store_incident_update(req->store, req->params[0], d.scope, &in, req->who->username,
					   &err);
		reply_rc(req, resp, rc, &err, 200, &d);
	}
	json_decref(o);
}

void api_observable_add(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "type", "value", NULL };
	struct rbac_decision d;
	struct store_err err = { 0 };
	char norm[OBS_VALUE_MAX + 1];
	const char *tname, *value, *why;
	int64_t id;
	json_t *o;
	int t, rc;

	if (!may_change(req, resp, &d) || !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "type", true, resp, &tname) || !http_get_str(o, "value", true, resp, &value))
		goto out;
	if ((t = obs_type_parse(tname)) < 0) {
		http_error(resp, 400, "invalid_field", "type", "unknown observable type '%s'", tname);
		goto out;
	}
	if ((why = obs_normalize((enum obs_type)t, value, norm, sizeof(norm)))) {
		http_error(resp, 400, "invalid_field", "value", "'value' %s", why);
		goto out;
	}
	rc = store_observable_add(req->store, req->params[0], d.scope, tname, norm,
				  req->who->username, &id, &err);
	reply_rc(req, resp, rc, &err, 201, &d);
out:
	json_decref(o);
}

static bool id_param(const struct http_req *req, struct http_resp *resp, int64_t *ret)
{
	char *end;
	long long id = strtoll(req->params[1], &end, 10);

	if (*end || id < 1) {
		http_error(resp, 404, "not_found", "id", "no such item");
		return false;
	}
	*ret = id;
	return true;
}

void api_observable_delete(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d;
	struct store_err err = { 0 };
	int64_t id;
	int rc;

	if (!may_change(req, resp, &d) || !id_param(req, resp, &id))
		return;
	rc = store_observable_delete(req->store, req->params[0], d.scope, id, req->who->username, &err);
	reply_rc(req, resp, rc, &err, 200, &d);
}

/* A task body; create requires the title. */
static bool parse_task(json_t *o, bool create, struct http_resp *resp, struct task_in *in)
{
	json_t *v;
	const char *why;

	memset(in, 0, sizeof(*in));
	in->done = -1;
	if (!http_get_str(o, "title", create, resp, &in->title))
		return false;
	if (in->title && (why = valid_line(in->title, TASK_TITLE_MAX))) {
		http_error(resp, 400, "invalid_field", "title", "'title' %s", why);
		return false;
	}
	if ((v = json_object_get(o, "assignee"))) {
		in->set_assignee = true;
		if (!json_is_null(v) && !http_get_str(o, "assignee", false, resp, &in->assignee))
			return false;
	}
	if ((v = json_object_get(o, "due"))) {
		int64_t t;
		in->set_due = true;
		if (!json_is_null(v)) {
			if (!http_get_str(o, "due", false, resp, &in->due))
				return false;
			if (inc_time_parse(in->due, &t) < 0) {
				http_error(resp, 400, "invalid_field", "due",
					   "'due' must be an ISO 8601 date or time");
				return false;
			}
		}
	}
	if ((v = json_object_get(o, "done"))) {
		if (!json_is_boolean(v)) {
			http_error(resp, 400, "invalid_field", "done", "'done' must be true or false");
			return false;
		}
		in->done = json_is_true(v);
	}
	return true;
}

void api_task_add(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "title", "assignee", "due", "done", NULL };
	struct rbac_decision d;
	struct store_err err = { 0 };
	struct task_in in;
	int64_t id;
	json_t *o;
	int rc;

	if (!may_change(req, resp, &d) || !(o = http_body_object(req, resp, fields)))
		return;
	if (parse_task(o, true, resp, &in)) {
		rc = store_task_add(req->store, req->params[0], d.scope, &in, req->who->username, &id,
				    &err);
		reply_rc(req, resp, rc, &err, 201, &d);
	}
	json_decref(o);
}

void api_task_update(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "title", "assignee", "due", "done", NULL };
	struct rbac_decision d;
	struct store_err err = { 0 };
	struct task_in in;
	int64_t id;
	json_t *o;
	int rc;

	if (!may_change(req, resp, &d) || !id_param(req, resp, &id) ||
	    !(o = http_body_object(req, resp, fields)))
		return;
	if (parse_task(o, false, resp, &in)) {
		rc = store_task_update(req->store, req->params[0], d.scope, id, &in, req->who->username,
				       &err);
		reply_rc(req, resp, rc, &err, 200, &d);
	}
	json_decref(o);
}

/* A request code member, upper-cased into buf. */
static bool get_code(json_t *o, const char *key, struct http_resp *resp, char *buf, size_t size)
{
	const char *s;

	if (!http_get_str(o, key, true, resp, &s))
		return false;
	if (strlen(s) >= size || strlen(s) < 3) {
		http_error(resp, 400, "invalid_field", key, "'%s' must be a request code", key);
		return false;
	}
	snprintf(buf, size, "%s", s);
	upcase_ascii(trim_space(buf));
	return true;
}

void api_request_merge(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "into", NULL };
	struct rbac_decision d;
	struct store_err err = { 0 };
	char into[32];
	json_t *o;
	int rc;

	if (!may_change(req, resp, &d) || !(o = http_body_object(req, resp, fields)))
		return;
	if (get_code(o, "into", resp, into, sizeof(into))) {
		rc = store_request_merge(req->store, req->params[0], into, d.scope, req->who->username,
					 &err);
		reply_rc(req, resp, rc, &err, 200, &d);
	}
	json_decref(o);
}

void api_request_link(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "code", "relation", NULL };
	struct rbac_decision d;
	struct store_err err = { 0 };
	char other[32];
	const char *relation;
	json_t *o;
	int rc;

	if (!may_change(req, resp, &d) || !(o = http_body_object(req, resp, fields)))
		return;
	if (get_code(o, "code", resp, other, sizeof(other)) &&
	    http_get_str(o, "relation", true, resp, &relation)) {
		if (strcmp(relation, "parent") && strcmp(relation, "child")) {
			http_error(resp, 400, "invalid_field", "relation",
				   "'relation' must be parent or child (duplicates: POST .../merge)");
		} else if ((rc = store_request_link(req->store, req->params[0], other, relation, d.scope,
						    req->who->username, &err)) < 0) {
			http_store_error(resp, rc, &err);
		} else {
			reply(req, resp, 201, req->params[0], &d);
		}
	}
	json_decref(o);
}
