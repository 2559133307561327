/*
 * api.c — the JSON API under /api/v1, plus /healthz and /metrics.
 *
 * Each handler: parse and validate its input (every refusal names the
 * field), ask rbac_decide() whether the caller may act and within which
 * scope, call the store, and shape the response.  The API reference is
 * docs/api.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/unitcsv.h"
#include "core/tag.h"
#include "core/validate.h"
#include "http/api_adv.h"
#include "http/api_incident.h"
#include "http/api_pwned.h"
#include "http/api_sla.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/public.h"
#include "http/respcache.h"

#define SUBJECT_MAX 300     /* characters */
#define TEXT_MAX 65536      /* bytes: description, message, note */
#define NAME_MAX_CHARS 200  /* people and units */
#define PROVINCE_MAX 100
#define CONTACTS_MAX 32

/* ------------------------------------------------------------------------ */
/* Input helpers                                                            */
/* ------------------------------------------------------------------------ */

/* Parse the body as a JSON object whose keys are all in `allowed`. */
json_t *http_body_object(const struct http_req *req, struct http_resp *resp,
			 const char *const *allowed)
{
	json_error_t e;
	json_t *o;
	const char *key;
	json_t *v;

	if (req->body_len == 0) {
		http_error(resp, 400, "invalid_json", NULL, "a JSON object body is required");
		return NULL;
	}
	o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!o) {
		http_error(resp, 400, "invalid_json", NULL, "malformed JSON at line %d column %d: %s",
			   e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		http_error(resp, 400, "invalid_json", NULL, "the body must be a JSON object");
		return NULL;
	}
	json_object_foreach(o, key, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok) {
			http_error(resp, 400, "unknown_field", key, "unknown field '%s'", key);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/*
 * A string member: *ret = its value (borrowed from o), or NULL when absent
 * or null.  Returns false (with the error set) when it has another type, or
 * is required and missing.
 */
static bool get_str(json_t *o, const char *key, bool required, struct http_resp *resp,
		    const char **ret, const char *field)
{
	json_t *v = json_object_get(o, key);

	*ret = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			http_error(resp, 400, "missing_field", field ? field : key, "'%s' is required",
				   field ? field : key);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		http_error(resp, 400, "invalid_field", field ? field : key, "'%s' must be a string",
			   field ? field : key);
		return false;
	}
	*ret = json_string_value(v);
	return true;
}

bool http_get_str(json_t *o, const char *key, bool required, struct http_resp *resp,
		  const char **ret)
{
	return get_str(o, key, required, resp, ret, NULL);
}

/* Report a validator's refusal; returns false when there was one. */
static bool check(struct http_resp *resp, const char *field, const char *reason)
{
	if (!reason)
		return true;
	http_error(resp, 400, "invalid_field", field, "'%s' %s", field, reason);
	return false;
}

/* Copy, trim and upper-case a code into buf; false when it does not fit. */
static const char *code_copy(const char *s, char *buf, size_t size)
{
	if (!s)
		return NULL;
	if (strlen(s) >= size)
		return "";
	snprintf(buf, size, "%s", s);
	return upcase_ascii(trim_space(buf));
}

/* An enum member given by name: *ret stays at its default when absent. */
static bool get_enum(json_t *o, const char *key, int (*parse)(const char *), int *ret,
		     struct http_resp *resp)
{
	const char *s;
	int v;

	if (!get_str(o, key, false, resp, &s, NULL))
		return false;
	if (!s)
		return true;
	if ((v = parse(s)) < 0) {
		http_error(resp, 400, "invalid_field", key, "unknown %s '%s'", key, s);
		return false;
	}
	*ret = v;
	return true;
}

bool http_forbidden(struct http_resp *resp, const char *field)
{
	http_error(resp, 403, "forbidden", field, "you may not do this");
	return false;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

/* Reply with the request `code` as the caller may see it. */
static void reply_request(const struct http_req *req, struct http_resp *resp, int status,
			  const char *code, const struct rbac_decision *d)
{
	char *text;
	int rc = store_request_get_text(req->store, code, d->scope, d->internal, &text);

	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	resp->status = status;
	resp->text = api_incident_merge(req, code, d, text);
	resp->ctype = "application/json; charset=utf-8";
}

static void request_create(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "kind", "unit", "service", "subject", "description",
					      "requester", "channel", "priority", "assignee", "incident",
					      NULL };
	struct request_in in = { .kind = KIND_SUPPORT, .channel = CHAN_API, .priority = PRIO_NORMAL };
	struct incident_in inc;
	char inc_units[64 * 34];
	struct store_err err = { 0 };
	struct rbac_decision d;
	char unit[40], service[40], code[16];
	const char *s;
	json_t *o, *rq;
	int kind = KIND_SUPPORT, chan = CHAN_API, prio = PRIO_NORMAL, rc;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!get_enum(o, "kind", kind_parse, &kind, resp) ||
	    !get_enum(o, "channel", channel_parse, &chan, resp) ||
	    !get_enum(o, "priority", priority_parse, &prio, resp))
		goto out;
	in.kind = kind, in.channel = chan, in.priority = prio;

	if (!get_str(o, "unit", true, resp, &s, NULL))
		goto out;
	in.unit = code_copy(s, unit, sizeof(unit));
	if (!check(resp, "unit", valid_unit_code(in.unit)))
		goto out;
	if (!get_str(o, "service", in.kind == KIND_SUPPORT, resp, &s, NULL))
		goto out;
	in.service = code_copy(s, service, sizeof(service));
	if (in.service && !check(resp, "service", valid_service_code(in.service)))
		goto out;
	if (!get_str(o, "subject", true, resp, &in.subject, NULL) ||
	    !check(resp, "subject", valid_line(in.subject, SUBJECT_MAX)) ||
	    !get_str(o, "description", true, resp, &in.description, NULL) ||
	    !check(resp, "description", valid_block(in.description, TEXT_MAX)))
		goto out;

	rq = json_object_get(o, "requester");
	if (!json_is_object(rq)) {
		http_error(resp, 400, rq ? "invalid_field" : "missing_field", "requester",
			   "'requester' must be an object with name, email and phone");
		goto out;
	}
	{
		const char *const rq_fields[] = { "name", "email", "phone" };
		const char *key;
		json_t *v;
		json_object_foreach(rq, key, v) {
			bool ok = false;
			for (size_t i = 0; i < 3; i++)
				ok |= strcmp(key, rq_fields[i]) == 0;
			if (!ok) {
				http_error(resp, 400, "unknown_field", "requester", "unknown field "
					   "'requester.%s'", key);
				goto out;
			}
		}
	}
	if (!get_str(rq, "name", true, resp, &in.requester_name, "requester.name") ||
	    !check(resp, "requester.name", valid_line(in.requester_name, NAME_MAX_CHARS)) ||
	    !get_str(rq, "email", false, resp, &in.requester_email, "requester.email") ||
	    (in.requester_email && !check(resp, "requester.email", valid_email(in.requester_email))) ||
	    !get_str(rq, "phone", false, resp, &in.requester_phone, "requester.phone") ||
	    (in.requester_phone && !check(resp, "requester.phone", valid_phone(in.requester_phone))))
		goto out;
	if (!in.requester_email && !in.requester_phone) {
		http_error(resp, 400, "missing_field", "requester.email",
			   "the requester needs an email address or a phone number");
		goto out;
	}
	if (!get_str(o, "assignee", false, resp, &in.assignee, NULL))
		goto out;
	if (json_object_get(o, "incident")) {
		if (in.kind != KIND_INCIDENT) {
			http_error(resp, 400, "invalid_field", "incident",
				   "'incident' is only for requests of kind incident");
			goto out;
		}
		if (!api_incident_parse(json_object_get(o, "incident"), true, resp, &inc, inc_units,
					sizeof(inc_units)))
			goto out;
		in.incident = &inc;
	}

	d = rbac_decide(req->who, RBAC_REQUEST_CREATE, in.unit);
	if (!d.allowed) {
		http_forbidden(resp, "unit");
		goto out;
	}
	if (in.assignee && !rbac_decide(req->who, RBAC_REQUEST_UPDATE, NULL).allowed) {
		http_forbidden(resp, "assignee");
		goto out;
	}
	rc = store_request_create(req->store, &in, req->who->username, code, &err);
	if (rc < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	reply_request(req, resp, 201, code, &d);
out:
	json_decref(o);
}

/*
 * GET of one request goes through the cache of rendered answers: agents
 * open the same requests again and again.  The key holds everything the
 * answer depends on besides the data: the code, whether internal notes
 * show, and the caller's unit scope (the store's scope check ran when the
 * answer was rendered).  Whatever is added to a request's answer must
 * depend on nothing else about the caller, or go into this key.
 */
static void request_get(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	struct respcache *cache = req->ctx->cache;
	char key[TAG_CODE_SIZE + sizeof(((struct principal *)0)->units) + 8];
	const char *code = req->params[0];
	struct tag_code tc;
	uint64_t gen = req->gen;
	size_t len;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	/* only well-formed codes (one spelling each) make keys */
	if (!cache || tag_code_parse(code, strlen(code), &tc) < 0 ||
	    (!req->have_gen && store_generation(req->store, &gen) < 0)) {
		reply_request(req, resp, 200, code, &d);
		return;
	}
	snprintf(key, sizeof(key), "%s\x1f%d\x1f%s", code, d.internal, d.scope ? d.scope : "*");
	if ((resp->text = respcache_get(cache, key, gen, &len))) {
		resp->status = 200;
		resp->ctype = "application/json; charset=utf-8";
		return;
	}
	reply_request(req, resp, 200, code, &d);
	if (resp->status == 200 && resp->text)
		respcache_put(cache, key, gen, resp->text, strlen(resp->text));
}

/* A query filter that must be one of the names `parse` knows. */
static bool query_enum(const struct http_req *req, struct http_resp *resp, const char *name,
		       int (*parse)(const char *), const char **ret)
{
	const char *v = req->query(req, name);

	*ret = v && *v ? v : NULL;
	if (*ret && parse && parse(*ret) < 0) {
		http_error(resp, 400, "invalid_field", name, "unknown %s '%s'", name, *ret);
		return false;
	}
	return true;
}

static void request_list(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	struct request_filter f = { .limit = 25 };
	char unit[40], service[40];
	const char *v;
	json_t *items;
	int64_t next;
	int rc;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	f.scope = d.scope;
	f.internal = d.internal;
	if (!query_enum(req, resp, "kind", kind_parse, &f.kind) ||
	    !query_enum(req, resp, "status", status_parse, &f.status) ||
	    !query_enum(req, resp, "priority", priority_parse, &f.priority) ||
	    !query_enum(req, resp, "assignee", NULL, &f.assignee) ||
	    !query_enum(req, resp, "unit", NULL, &v))
		return;
	f.unit = code_copy(v, unit, sizeof(unit));
	if (f.unit && !check(resp, "unit", valid_unit_code(f.unit)))
		return;
	if (!query_enum(req, resp, "service", NULL, &v))
		return;
	f.service = code_copy(v, service, sizeof(service));
	if (f.service && !check(resp, "service", valid_service_code(f.service)))
		return;
	if ((v = req->query(req, "q")) && *v) {
		if (!check(resp, "q", valid_line(v, 200)))
			return;
		f.q = v;
	}
	if (!http_query_limit(req, resp, 100, &f.limit))
		return;
	if (!http_query_cursor(req, resp, &f.before))
		return;
	rc = store_request_list(req->store, &f, &items, &next);
	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_page(resp, items, next);
}

static void apply_change(const struct http_req *req, struct http_resp *resp,
			 const struct request_change *chg, const struct rbac_decision *d)
{
	struct store_err err = { 0 };
	int rc = store_request_change(req->store, req->params[0], d->scope, chg,
				      req->who->username, &err);

	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		reply_request(req, resp, chg->message || chg->note ? 201 : 200, req->params[0], d);
}

static void request_update(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "status", "priority", "assignee", NULL };
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_UPDATE, NULL);
	struct request_change chg = { .status = -1, .priority = -1 };
	json_t *o, *a;

	if (!d.allowed) {
		/* a unit user probing another unit's code learns nothing:
		 * 404 when the request is not in its scope, else 403 */
		struct rbac_decision r = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
		json_t *tmp;
		if (r.allowed &&
		    store_request_get(req->store, req->params[0], r.scope, false, false, &tmp) == 0) {
			json_decref(tmp);
			http_forbidden(resp, NULL);
		} else {
			http_error(resp, 404, "not_found", NULL, "no such request");
		}
		return;
	}
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!get_enum(o, "status", status_parse, &chg.status, resp) ||
	    !get_enum(o, "priority", priority_parse, &chg.priority, resp))
		goto out;
	if ((a = json_object_get(o, "assignee"))) {
		if (!json_is_null(a) && !json_is_string(a)) {
			http_error(resp, 400, "invalid_field", "assignee",
				   "'assignee' must be a username or null");
			goto out;
		}
		chg.set_assignee = true;
		chg.assignee = json_string_value(a);
	}
	if (chg.status < 0 && chg.priority < 0 && !chg.set_assignee) {
		http_error(resp, 400, "missing_field", "status",
			   "give at least one of status, priority, assignee");
		goto out;
	}
	apply_change(req, resp, &chg, &d);
out:
	json_decref(o);
}

/* POST .../messages and .../notes: one text body. */
static void request_post_text(const struct http_req *req, struct http_resp *resp, bool note)
{
	static const char *const fields[] = { "body", NULL };
	struct rbac_decision d =
		rbac_decide(req->who, note ? RBAC_REQUEST_NOTE : RBAC_REQUEST_MESSAGE, NULL);
	struct request_change chg = { .status = -1, .priority = -1 };
	const char *body;
	json_t *o;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (get_str(o, "body", true, resp, &body, NULL) &&
	    check(resp, "body", valid_block(body, TEXT_MAX))) {
		if (note) {
			chg.note = body;
		} else {
			chg.message = body;
			chg.from_requester = req->who->role == ROLE_UNIT;
		}
		apply_change(req, resp, &chg, &d);
	}
	json_decref(o);
}

static void request_message(const struct http_req *req, struct http_resp *resp)
{
	request_post_text(req, resp, false);
}

static void request_note(const struct http_req *req, struct http_resp *resp)
{
	request_post_text(req, resp, true);
}

/* ------------------------------------------------------------------------ */
/* Units and services                                                       */
/* ------------------------------------------------------------------------ */

/* Contacts array → contact_in[]; borrowed strings from `arr`. */
static bool parse_contacts(json_t *arr, struct contact_in *out, size_t *ret_n,
			   struct http_resp *resp)
{
	size_t i;
	json_t *c;

	if (!json_is_array(arr) || json_array_size(arr) > CONTACTS_MAX) {
		http_error(resp, 400, "invalid_field", "contacts",
			   "'contacts' must be an array of at most %d objects", CONTACTS_MAX);
		return false;
	}
	json_array_foreach(arr, i, c) {
		struct contact_in *ct = &out[i];
		if (!json_is_object(c)) {
			http_error(resp, 400, "invalid_field", "contacts", "contact %zu is not an object",
				   i + 1);
			return false;
		}
		if (!get_str(c, "name", true, resp, &ct->name, "contacts.name") ||
		    !check(resp, "contacts.name", valid_line(ct->name, NAME_MAX_CHARS)) ||
		    !get_str(c, "title", false, resp, &ct->title, "contacts.title") ||
		    (ct->title && !check(resp, "contacts.title", valid_line(ct->title, NAME_MAX_CHARS))) ||
		    !get_str(c, "email", false, resp, &ct->email, "contacts.email") ||
		    (ct->email && !check(resp, "contacts.email", valid_email(ct->email))) ||
		    !get_str(c, "phone", false, resp, &ct->phone, "contacts.phone") ||
		    (ct->phone && !check(resp, "contacts.phone", valid_phone(ct->phone))))
			return false;
	}
	*ret_n = i;
	return true;
}

static void unit_write(const struct http_req *req, struct http_resp *resp, bool create)
{
	static const char *const fields[] = { "code", "name", "parent", "province", "contacts", NULL };
	struct contact_in contacts[CONTACTS_MAX];
	struct unit_in in = { .contacts = contacts };
	struct store_err err = { 0 };
	char code[40], parent[40];
	const char *s, *key = NULL;
	json_t *o, *cur = NULL, *arr;
	int rc;

	if (!rbac_decide(req->who, RBAC_UNIT_WRITE, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!create) {
		/* PATCH: start from the stored unit, overlay what is given */
		key = req->params[0];
		if ((rc = store_unit_get(req->store, key, &cur)) < 0) {
			http_store_error(resp, rc, NULL);
			goto out;
		}
		in.code = key;
		in.name = json_string_value(json_object_get(cur, "name"));
		in.parent = json_string_value(json_object_get(cur, "parent"));
		in.province = json_string_value(json_object_get(cur, "province"));
		if (json_object_get(o, "code") &&
		    strcmp(json_string_value(json_object_get(o, "code")) ?: "", key) != 0) {
			http_error(resp, 400, "invalid_field", "code", "a unit's code cannot change");
			goto out;
		}
	} else {
		if (!get_str(o, "code", true, resp, &s, NULL))
			goto out;
		in.code = code_copy(s, code, sizeof(code));
		if (!check(resp, "code", valid_unit_code(in.code)))
			goto out;
	}
	if (create || json_object_get(o, "name")) {
		if (!get_str(o, "name", true, resp, &in.name, NULL) ||
		    !check(resp, "name", valid_line(in.name, NAME_MAX_CHARS)))
			goto out;
	}
	if (json_object_get(o, "parent")) {
		if (!get_str(o, "parent", false, resp, &s, NULL))
			goto out;
		in.parent = code_copy(s, parent, sizeof(parent));
		if (in.parent && !check(resp, "parent", valid_unit_code(in.parent)))
			goto out;
	}
	if (json_object_get(o, "province")) {
		if (!get_str(o, "province", false, resp, &in.province, NULL) ||
		    (in.province && !check(resp, "province", valid_line(in.province, PROVINCE_MAX))))
			goto out;
	}
	if ((arr = json_object_get(o, "contacts"))) {
		if (!parse_contacts(arr, contacts, &in.ncontacts, resp))
			goto out;
		in.set_contacts = true;
	}
	rc = create ? store_unit_create(req->store, &in, req->who->username, &err)
		    : store_unit_update(req->store, key, &in, req->who->username, &err);
	if (rc < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	json_decref(cur);
	cur = NULL;
	if ((rc = store_unit_get(req->store, in.code, &cur)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, create ? 201 : 200, json_incref(cur));
out:
	json_decref(cur);
	json_decref(o);
}

static void unit_create(const struct http_req *req, struct http_resp *resp)
{
	unit_write(req, resp, true);
}

/*
 * POST /api/v1/units/import, body text/csv (the format of `ungcuu unit
 * import`, core/unitcsv.h): all or nothing.  A refused file gets 400
 * invalid_csv with every error and its line.
 */
static void unit_import(const struct http_req *req, struct http_resp *resp)
{
	const char *ctype = req->header ? req->header(req, "Content-Type") : NULL;
	struct store_err err = { 0 };
	size_t created, updated;
	struct unitcsv im;
	json_t *errors;
	int rc;

	if (!rbac_decide(req->who, RBAC_UNIT_WRITE, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (ctype && strncasecmp(ctype, "text/csv", 8) != 0 && strncasecmp(ctype, "text/plain", 10) != 0) {
		http_error(resp, 415, "unsupported_media_type", NULL,
			   "send the CSV file as text/csv, not '%s'", ctype);
		return;
	}
	if (unitcsv_parse(req->body, req->body_len, &im) < 0) {
		http_error(resp, 503, "unavailable", NULL, "out of memory, try again later");
		return;
	}
	if (!im.errors) {
		rc = store_unit_import(req->store, im.units, im.n, req->who->username, &created,
				       &updated, &err);
		if (rc == 0) {
			http_json(resp, 200, json_pack("{sI sI sI}", "imported", (json_int_t)im.n, "created",
						       (json_int_t)created, "updated", (json_int_t)updated));
			goto out;
		}
		if (rc != -EINVAL) {
			http_store_error(resp, rc, &err);
			goto out;
		}
		/* the store refused a unit (unknown parent, a cycle): name its line */
		{
			const char *q = strchr(err.message, '\'');
			char code[40] = "";
			if (q)
				snprintf(code, sizeof(code), "%.*s", (int)strcspn(q + 1, "'"), q + 1);
			im.error[0].line = unitcsv_line_of(&im, code);
			snprintf(im.error[0].message, sizeof(im.error[0].message), "%s", err.message);
			im.nkept = 1;
			im.errors = 1;
		}
	}
	errors = json_array();
	for (size_t i = 0; i < im.nkept; i++)
		json_array_append_new(errors, json_pack("{sI ss}", "line", (json_int_t)im.error[i].line,
							"message", im.error[i].message));
	http_json(resp, 400, json_pack("{s{ss ss ss si so}}", "error", "code", "invalid_csv", "field",
				       "body", "message", "the file has errors; nothing was imported",
				       "count", im.errors, "errors", errors));
out:
	unitcsv_clear(&im);
}

static void unit_update(const struct http_req *req, struct http_resp *resp)
{
	unit_write(req, resp, false);
}

/* GET of one object or a list, for units and services. */
static void read_one_or_all(const struct http_req *req, struct http_resp *resp,
			    enum rbac_action a, int (*one)(struct store *, const char *, json_t **),
			    int (*all)(struct store *, json_t **))
{
	json_t *o;
	int rc;

	if (!rbac_decide(req->who, a, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	rc = req->params[0] ? one(req->store, req->params[0], &o) : all(req->store, &o);
	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, req->params[0] ? o : json_pack("{so}", "items", o));
}

static int unit_get_fn(struct store *st, const char *code, json_t **ret)
{
	return store_unit_get(st, code, ret);
}

static int unit_list_fn(struct store *st, json_t **ret)
{
	return store_unit_list(st, ret);
}

static int service_get_fn(struct store *st, const char *code, json_t **ret)
{
	return store_service_get(st, code, ret);
}

static int service_list_fn(struct store *st, json_t **ret)
{
	return store_service_list(st, ret);
}

static void unit_read(const struct http_req *req, struct http_resp *resp)
{
	read_one_or_all(req, resp, RBAC_UNIT_READ, unit_get_fn, unit_list_fn);
}

static void service_read(const struct http_req *req, struct http_resp *resp)
{
	read_one_or_all(req, resp, RBAC_SERVICE_READ, service_get_fn, service_list_fn);
}

static void service_write(const struct http_req *req, struct http_resp *resp, bool create)
{
	static const char *const fields[] = { "code", "name", NULL };
	struct service_in in = { 0 };
	struct store_err err = { 0 };
	char code[40];
	const char *s;
	json_t *o, *out;
	int rc;

	if (!rbac_decide(req->who, RBAC_SERVICE_WRITE, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (create) {
		if (!get_str(o, "code", true, resp, &s, NULL))
			goto out;
		in.code = code_copy(s, code, sizeof(code));
		if (!check(resp, "code", valid_service_code(in.code)))
			goto out;
	} else {
		in.code = req->params[0];
		if (!get_str(o, "code", false, resp, &s, NULL))
			goto out;
		if (s && strcmp(s, in.code) != 0) {
			http_error(resp, 400, "invalid_field", "code", "a service's code cannot change");
			goto out;
		}
	}
	if (!get_str(o, "name", true, resp, &in.name, NULL) ||
	    !check(resp, "name", valid_line(in.name, NAME_MAX_CHARS)))
		goto out;
	rc = create ? store_service_create(req->store, &in, req->who->username, &err)
		    : store_service_update(req->store, in.code, &in, req->who->username, &err);
	if (rc == 0)
		rc = store_service_get(req->store, in.code, &out);
	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		http_json(resp, create ? 201 : 200, out);
out:
	json_decref(o);
}

static void service_create(const struct http_req *req, struct http_resp *resp)
{
	service_write(req, resp, true);
}

static void service_update(const struct http_req *req, struct http_resp *resp)
{
	service_write(req, resp, false);
}

/* ------------------------------------------------------------------------ */
/* Session, health, metrics                                                 */
/* ------------------------------------------------------------------------ */

static void me(const struct http_req *req, struct http_resp *resp)
{
	const struct principal *p = req->who;

	http_json(resp, 200, json_pack("{ss ss s:s?}", "username", p->username, "role",
				       role_name(p->role), "unit", p->unit[0] ? p->unit : NULL));
}

static void healthz(const struct http_req *req, struct http_resp *resp)
{
	int have = 0, want = 0, rc = store_schema(req->store, &have, &want);

	if (rc < 0 || have != want)
		http_json(resp, 503, json_pack("{ss}", "status", "unavailable"));
	else
		http_json(resp, 200, json_pack("{ss si}", "status", "ok", "schema", have));
}

static void metrics(const struct http_req *req, struct http_resp *resp)
{
	json_t *counts = NULL;
	struct respcache_stats cs;

	store_request_counts(req->store, &counts); /* the gauges are left out on failure */
	respcache_stats(req->ctx->cache, &cs);
	resp->text = metrics_render(counts, req->ctx->cache ? &cs : NULL);
	json_decref(counts);
	resp->status = resp->text ? 200 : 500;
	resp->ctype = "text/plain; version=0.0.4; charset=utf-8";
}

const struct http_route api_routes[] = {
	{ "GET", "/healthz", healthz, ROUTE_PUBLIC },
	{ "GET", "/metrics", metrics, ROUTE_PUBLIC },
	{ "GET", "/range/{prefix}", api_pwned_range, ROUTE_PUBLIC },
	{ "OPTIONS", "/range/{prefix}", api_pwned_preflight, ROUTE_PUBLIC },
	{ "GET", "/api/v1/me", me, ROUTE_PENDING_OK },
	{ "POST", "/api/v1/session", api_session_create, ROUTE_PUBLIC },
	{ "GET", "/api/v1/session", api_session_get, ROUTE_PENDING_OK },
	{ "DELETE", "/api/v1/session", api_session_delete, ROUTE_PENDING_OK },
	{ "GET", "/api/v1/sessions", api_sessions_list, 0 },
	{ "DELETE", "/api/v1/sessions/{id}", api_sessions_revoke, 0 },
	{ "POST", "/api/v1/password", api_password_change, ROUTE_PENDING_OK },
	{ "POST", "/api/v1/password/check", api_password_check, ROUTE_PENDING_OK },
	{ "POST", "/api/v1/totp", api_totp_start, ROUTE_PENDING_OK },
	{ "POST", "/api/v1/totp/confirm", api_totp_confirm, ROUTE_PENDING_OK },
	{ "GET", "/api/v1/users", api_users_list, 0 },
	{ "POST", "/api/v1/users", api_users_create, 0 },
	{ "GET", "/api/v1/users/{username}", api_users_get, 0 },
	{ "PATCH", "/api/v1/users/{username}", api_users_update, 0 },
	{ "POST", "/api/v1/users/{username}/reset-password", api_users_reset, 0 },
	{ "GET", "/api/v1/tokens", api_tokens_list, 0 },
	{ "POST", "/api/v1/tokens", api_tokens_create, 0 },
	{ "DELETE", "/api/v1/tokens/{id}", api_tokens_revoke, 0 },
	{ "GET", "/api/v1/audit", api_audit_list, 0 },
	{ "POST", "/api/v1/requests", request_create, 0 },
	{ "GET", "/api/v1/requests", request_list, 0 },
	{ "GET", "/api/v1/requests/{code}", request_get, 0 },
	{ "PATCH", "/api/v1/requests/{code}", request_update, 0 },
	{ "POST", "/api/v1/requests/{code}/messages", request_message, 0 },
	{ "POST", "/api/v1/requests/{code}/notes", request_note, 0 },
	{ "GET", "/api/v1/requests/{code}/attachments/{id}", api_attachment_get, 0 },
	{ "GET", "/api/v1/outbox", api_outbox_list, 0 },
	{ "GET", "/api/v1/leaks", api_leaks_list, 0 },
	/* incidents (api_incident.c) */
	{ "PATCH", "/api/v1/requests/{code}/incident", api_incident_update, 0 },
	{ "POST", "/api/v1/requests/{code}/observables", api_observable_add, 0 },
	{ "DELETE", "/api/v1/requests/{code}/observables/{id}", api_observable_delete, 0 },
	{ "POST", "/api/v1/requests/{code}/tasks", api_task_add, 0 },
	{ "PATCH", "/api/v1/requests/{code}/tasks/{id}", api_task_update, 0 },
	{ "POST", "/api/v1/requests/{code}/merge", api_request_merge, 0 },
	{ "POST", "/api/v1/requests/{code}/links", api_request_link, 0 },
	{ "GET", "/api/v1/requests/{code}/stix", api_request_stix, 0 },
	{ "GET", "/api/v1/requests/{code}/report/{form}", api_request_report, 0 },
	{ "GET", "/api/v1/observables", api_observables_search, 0 },
	{ "GET", "/api/v1/units", unit_read, 0 },
	{ "POST", "/api/v1/units", unit_create, 0 },
	{ "POST", "/api/v1/units/import", unit_import, 0 },
	{ "GET", "/api/v1/units/{code}", unit_read, 0 },
	{ "PATCH", "/api/v1/units/{code}", unit_update, 0 },
	{ "GET", "/api/v1/services", service_read, 0 },
	{ "POST", "/api/v1/services", service_create, 0 },
	{ "GET", "/api/v1/services/{code}", service_read, 0 },
	{ "PATCH", "/api/v1/services/{code}", service_update, 0 },
	/* public side (api_public.c) */
	{ "POST", "/api/v1/verify", api_verify, ROUTE_PUBLIC },
	{ "GET", "/api/v1/contacts", api_contacts_list, ROUTE_PUBLIC | ROUTE_AUTH_OPTIONAL },
	{ "POST", "/api/v1/contacts", api_contacts_create, 0 },
	{ "PATCH", "/api/v1/contacts/{id}", api_contacts_update, 0 },
	{ "DELETE", "/api/v1/contacts/{id}", api_contacts_delete, 0 },
	{ "GET", "/api/v1/announcements", api_announcements_list, ROUTE_PUBLIC | ROUTE_AUTH_OPTIONAL },
	{ "POST", "/api/v1/announcements", api_announcements_create, 0 },
	{ "PATCH", "/api/v1/announcements/{id}", api_announcements_update, 0 },
	{ "DELETE", "/api/v1/announcements/{id}", api_announcements_delete, 0 },
	{ "GET", "/api/v1/public/units", api_public_units, ROUTE_PUBLIC },
	{ "GET", "/api/v1/public/services", api_public_services, ROUTE_PUBLIC },
	{ "POST", "/api/v1/public/requests", api_public_request, ROUTE_PUBLIC | ROUTE_UPLOAD },
	/* the public pages (pages.c), server-rendered, no JavaScript needed */
	{ "GET", "/", page_home, ROUTE_PUBLIC },
	{ "GET", "/xac-minh", page_verify, ROUTE_PUBLIC },
	{ "POST", "/xac-minh", page_verify, ROUTE_PUBLIC },
	{ "GET", "/gui-yeu-cau", page_submit, ROUTE_PUBLIC },
	{ "POST", "/gui-yeu-cau", page_submit, ROUTE_PUBLIC | ROUTE_UPLOAD },
	/* service levels, duty roster, statistics (api_sla.c) */
	{ "GET", "/api/v1/sla", api_sla_list, 0 },
	{ "GET", "/api/v1/sla/config", api_sla_config_get, 0 },
	{ "PATCH", "/api/v1/sla/config", api_sla_config_patch, 0 },
	{ "PATCH", "/api/v1/sla/policies/{kind}/{priority}", api_sla_policy_patch, 0 },
	{ "PUT", "/api/v1/sla/calendar/{day}", api_sla_day_put, 0 },
	{ "DELETE", "/api/v1/sla/calendar/{day}", api_sla_day_delete, 0 },
	{ "GET", "/api/v1/duty", api_duty_list, 0 },
	{ "GET", "/api/v1/duty/now", api_duty_now, 0 },
	{ "POST", "/api/v1/duty", api_duty_create, 0 },
	{ "DELETE", "/api/v1/duty/{id}", api_duty_delete, 0 },
	{ "GET", "/api/v1/stats", api_stats, 0 },
	/* advisories (api_adv.c) */
	{ "GET", "/api/v1/advisories", api_advisories_list, 0 },
	{ "POST", "/api/v1/advisories/import", api_advisories_import, ROUTE_UPLOAD },
	{ "POST", "/api/v1/advisories/match", api_advisories_match, 0 },
	{ "GET", "/api/v1/advisories/dashboard", api_advisories_dashboard, 0 },
	{ "GET", "/api/v1/advisories/config", api_advisories_config_get, 0 },
	{ "PATCH", "/api/v1/advisories/config", api_advisories_config_set, 0 },
	{ "GET", "/api/v1/advisories/aliases", api_aliases_list, 0 },
	{ "POST", "/api/v1/advisories/aliases", api_aliases_add, 0 },
	{ "DELETE", "/api/v1/advisories/aliases", api_aliases_remove, 0 },
	{ "GET", "/api/v1/advisories/{id}", api_advisory_get, 0 },
	{ "GET", "/api/v1/assets", api_assets_list, 0 },
	{ "POST", "/api/v1/assets", api_asset_create, 0 },
	{ "GET", "/api/v1/assets/{id}", api_asset_get, 0 },
	{ "PATCH", "/api/v1/assets/{id}", api_asset_update, 0 },
	{ "DELETE", "/api/v1/assets/{id}", api_asset_delete, 0 },
	{ "GET", "/api/v1/apps", api_apps_list, 0 },
	{ "POST", "/api/v1/apps", api_app_create, 0 },
	{ "PATCH", "/api/v1/apps/{id}", api_app_update, 0 },
	{ "DELETE", "/api/v1/apps/{id}", api_app_delete, 0 },
	{ "GET", "/api/v1/remediation", api_remediation_list, 0 },
	{ "POST", "/api/v1/remediation/{id}/answer", api_remediation_answer, 0 },
	{ "POST", "/api/v1/remediation/{id}/review", api_remediation_review, 0 },
};
const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
