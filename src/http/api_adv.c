/*
 * api_adv.c — the advisory campaign in the JSON API (docs/api.md,
 * "Advisories"): advisories and their import, the units' assets, the
 * approved-applications register, aliases, remediation items with the
 * units' answers and the agents' reviews, the dashboard (JSON or CSV),
 * the local deadlines.
 *
 * Every handler asks rbac_decide(); reads and writes of assets and items
 * run within the scope it returns, so another unit's asset is a 404.
 */
#include "http/api_adv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/advisory.h"
#include "core/validate.h"
#include "store/store_adv.h"

#define Q_MAX 200
#define TEXT_MAX 16384 /* bytes: 4,000 Vietnamese characters fit */

static bool allowed(const struct http_req *req, struct http_resp *resp, enum rbac_action a,
		    const char *target, struct rbac_decision *ret)
{
	struct rbac_decision d = rbac_decide(req->who, a, target);

	if (!d.allowed)
		return http_forbidden(resp, NULL);
	if (ret)
		*ret = d;
	return true;
}

static bool parse_id(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return false;
	*ret = v;
	return true;
}

static bool path_id(const struct http_req *req, struct http_resp *resp, int64_t *ret)
{
	if (parse_id(req->params[0], ret))
		return true;
	http_error(resp, 404, "not_found", NULL, "no such object");
	return false;
}

/* limit (1..500, default 50) and cursor of a list */
static bool paging(const struct http_req *req, struct http_resp *resp, int *ret_limit,
		   int64_t *ret_before)
{
	const char *v;
	char *end;

	*ret_limit = 50;
	*ret_before = 0;
	if ((v = req->query(req, "limit")) && *v) {
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 500) {
			http_error(resp, 400, "invalid_field", "limit", "'limit' must be 1 to 500");
			return false;
		}
		*ret_limit = (int)n;
	}
	if ((v = req->query(req, "cursor")) && *v && !parse_id(v, ret_before)) {
		http_error(resp, 400, "invalid_field", "cursor", "invalid cursor");
		return false;
	}
	return true;
}

static bool query_text(const struct http_req *req, struct http_resp *resp, const char *name,
		       const char **ret)
{
	const char *v = req->query(req, name), *why;

	*ret = v && *v ? v : NULL;
	if (*ret && (why = valid_line(*ret, Q_MAX))) {
		http_error(resp, 400, "invalid_field", name, "'%s' %s", name, why);
		return false;
	}
	return true;
}

/* A unit code from the query, upper-cased into buf. */
static bool query_unit(const struct http_req *req, struct http_resp *resp, char *buf, size_t size,
		       const char **ret)
{
	const char *v = req->query(req, "unit"), *why;

	*ret = NULL;
	if (!v || !*v)
		return true;
	if (strlen(v) >= size) {
		http_error(resp, 400, "invalid_field", "unit", "unknown unit code");
		return false;
	}
	snprintf(buf, size, "%s", v);
	upcase_ascii(buf);
	if ((why = valid_unit_code(buf))) {
		http_error(resp, 400, "invalid_field", "unit", "'unit' %s", why);
		return false;
	}
	*ret = buf;
	return true;
}

static void stats_json(struct http_resp *resp, int status, const struct adv_stats *s, json_t *extra)
{
	json_t *o = json_pack("{sI sI sI sI sI sI sI sI sI sI s{sf sf sf}}", "created",
			      (json_int_t)s->created, "updated", (json_int_t)s->updated, "unchanged",
			      (json_int_t)s->unchanged, "assets", (json_int_t)s->assets, "matches",
			      (json_int_t)s->matches, "items_new", (json_int_t)s->items_new,
			      "items_closed", (json_int_t)s->items_closed, "items_reopened",
			      (json_int_t)s->items_reopened, "requests_new",
			      (json_int_t)s->requests_new, "notices", (json_int_t)s->notices, "seconds",
			      "load", s->t_load, "match", s->t_match, "store", s->t_store);
	if (extra)
		json_object_update(o, extra);
	json_decref(extra);
	http_json(resp, status, o);
}

/* ------------------------------------------------------------------------ */
/* Advisories                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Advisories are not secret, but their "open"/"closed" item counts are:
 * they count within the scope the caller reads items in (its unit, a
 * limited agent's units; NULL: every unit). "" (no unit) when it may not
 * read items at all, so the counts are 0.
 */
static const char *counts_scope(const struct http_req *req)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REMEDIATION_READ, NULL);

	return d.allowed ? d.scope : "";
}

void api_advisories_list(const struct http_req *req, struct http_resp *resp)
{
	struct advisory_filter f = { 0 };
	json_t *items;
	int64_t next;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_READ, NULL, NULL) ||
	    !query_text(req, resp, "q", &f.q) || !paging(req, resp, &f.limit, &f.before))
		return;
	f.scope = counts_scope(req);
	if ((rc = store_advisory_list(req->store, &f, &items, &next)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_page(resp, items, next);
}

void api_advisory_get(const struct http_req *req, struct http_resp *resp)
{
	int64_t id;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_READ, NULL, NULL) || !path_id(req, resp, &id))
		return;
	if ((rc = store_advisory_get(req->store, id, counts_scope(req), &o)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, o);
}

/* POST /api/v1/advisories/import: the body is the file (KEV or ours). */
void api_advisories_import(const struct http_req *req, struct http_resp *resp)
{
	struct advisory_set *set;
	struct store_err err = { 0 };
	struct adv_stats s = { 0 };
	char errbuf[512];
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_WRITE, NULL, NULL))
		return;
	rc = advisory_parse(req->body, req->body_len, &set, errbuf, sizeof(errbuf));
	if (rc == -ENOMEM) {
		http_error(resp, 503, "unavailable", NULL, "out of memory, try again later");
		return;
	}
	if (rc < 0) {
		/* the message names the entry and the field of the file */
		http_error(resp, 400, "invalid_file", "file", "%s; nothing imported", errbuf);
		return;
	}
	rc = store_advisory_import(req->store, set, req->who->username, 0, &s, &err);
	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		stats_json(resp, 200, &s, json_pack("{ss sI}", "format",
						      set->format == ADV_KEV ? "kev" : "local",
						      "entries", (json_int_t)set->n));
	advisory_set_free(set);
}

void api_advisories_match(const struct http_req *req, struct http_resp *resp)
{
	struct adv_stats s = { 0 };
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_WRITE, NULL, NULL))
		return;
	if ((rc = store_advisory_match(req->store, req->who->username, 0, &s)) < 0)
		http_store_error(resp, rc, NULL);
	else
		stats_json(resp, 200, &s, NULL);
}

static void csv_cell(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static char *dashboard_csv(json_t *d, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	json_t *v;

	if (!f)
		return NULL;
	/* a BOM: spreadsheet programs then read the Vietnamese text as UTF-8 */
	fputs("\xEF\xBB\xBFkind,key,cve,name,open,overdue,closed\r\n", f);
	json_array_foreach(json_object_get(d, "advisories"), i, v) {
		fputs("advisory,", f);
		csv_cell(f, json_string_value(json_object_get(v, "ref")));
		fputc(',', f);
		csv_cell(f, json_string_value(json_object_get(v, "cve")));
		fputc(',', f);
		csv_cell(f, json_string_value(json_object_get(v, "title")));
		fprintf(f, ",%lld,%lld,%lld\r\n", (long long)json_integer_value(json_object_get(v, "open")),
			(long long)json_integer_value(json_object_get(v, "overdue")),
			(long long)json_integer_value(json_object_get(v, "closed")));
	}
	json_array_foreach(json_object_get(d, "units"), i, v) {
		fputs("unit,", f);
		csv_cell(f, json_string_value(json_object_get(v, "unit")));
		fputs(",,", f);
		csv_cell(f, json_string_value(json_object_get(v, "name")));
		fprintf(f, ",%lld,%lld,%lld\r\n", (long long)json_integer_value(json_object_get(v, "open")),
			(long long)json_integer_value(json_object_get(v, "overdue")),
			(long long)json_integer_value(json_object_get(v, "closed")));
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*ret_len = len;
	return buf;
}

void api_advisories_dashboard(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = { 0 };
	const char *fmt = req->query(req, "format");
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_REMEDIATION_READ, NULL, &d))
		return;
	if (fmt && *fmt && strcmp(fmt, "csv") && strcmp(fmt, "json")) {
		http_error(resp, 400, "invalid_field", "format", "'format' must be json or csv");
		return;
	}
	if ((rc = store_advisory_dashboard(req->store, d.scope, 0, &o)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	if (fmt && !strcmp(fmt, "csv")) {
		size_t len = 0;
		resp->text = dashboard_csv(o, &len);
		json_decref(o);
		if (!resp->text) {
			http_error(resp, 503, "unavailable", NULL, "out of memory, try again later");
			return;
		}
		resp->text_len = len;
		resp->status = 200;
		resp->ctype = "text/csv; charset=utf-8";
		resp->disposition = strdup("attachment; filename=\"advisories-dashboard.csv\"");
		return;
	}
	http_json(resp, 200, o);
}

void api_advisories_config_get(const struct http_req *req, struct http_resp *resp)
{
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_READ, NULL, NULL))
		return;
	if ((rc = store_advisory_config_get(req->store, &o)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, o);
}

/* PATCH {"deadline.critical": 7, ...}: every key checked, then all stored in
 * one write; one bad value stores nothing. */
void api_advisories_config_set(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "deadline.critical", "deadline.high", "deadline.medium",
					      "deadline.low", "remind_days", "match_unranged", NULL };
	struct adv_setting set[6];
	struct store_err err = { 0 };
	const char *key;
	size_t n = 0;
	json_t *o, *v;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_WRITE, NULL, NULL) ||
	    !(o = http_body_object(req, resp, fields)))
		return;
	json_object_foreach(o, key, v) {
		if (!json_is_integer(v)) {
			http_error(resp, 400, "invalid_field", key, "'%s' must be a whole number", key);
			json_decref(o);
			return;
		}
		if (n == sizeof(set) / sizeof(set[0])) { /* only the six fields get here */
			http_error(resp, 400, "invalid_field", key, "too many settings");
			json_decref(o);
			return;
		}
		set[n].key = key;
		set[n++].value = json_integer_value(v);
	}
	rc = store_advisory_config_set(req->store, set, n, req->who->username, &err);
	json_decref(o);
	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		api_advisories_config_get(req, resp);
}

/* ------------------------------------------------------------------------ */
/* Aliases                                                                  */
/* ------------------------------------------------------------------------ */

void api_aliases_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_READ, NULL, NULL))
		return;
	if ((rc = store_alias_list(req->store, &o)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, o);
}

/* {"kind":"vendor"|"product","vendor","alias","canon_vendor","product"} */
static void alias_change(const struct http_req *req, struct http_resp *resp, bool remove)
{
	static const char *const fields[] = { "kind", "vendor", "alias", "canon_vendor", "product",
					      NULL };
	struct alias_in in = { 0 };
	struct store_err err = { 0 };
	const char *kind, *why;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_WRITE, NULL, NULL) ||
	    !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "kind", true, resp, &kind) ||
	    !http_get_str(o, "alias", true, resp, &in.alias) ||
	    !http_get_str(o, "vendor", false, resp, &in.vendor) ||
	    !http_get_str(o, "canon_vendor", true, resp, &in.canon_vendor) ||
	    !http_get_str(o, "product", false, resp, &in.canon_product))
		goto out;
	if (strcmp(kind, "vendor") && strcmp(kind, "product")) {
		http_error(resp, 400, "invalid_field", "kind", "'kind' must be vendor or product");
		goto out;
	}
	in.vendor_alias = !strcmp(kind, "vendor");
	if (!in.vendor_alias && (!in.vendor || !in.canon_product)) {
		http_error(resp, 400, "missing_field", in.vendor ? "product" : "vendor",
			   "a product alias needs 'vendor' (or \"*\") and 'product'");
		goto out;
	}
	if ((why = valid_line(in.alias, 200)) || (in.vendor && (why = valid_line(in.vendor, 200))) ||
	    (why = valid_line(in.canon_vendor, 200)) ||
	    (in.canon_product && (why = valid_line(in.canon_product, 200)))) {
		http_error(resp, 400, "invalid_field", "alias", "the alias %s", why);
		goto out;
	}
	if ((rc = store_alias_set(req->store, &in, remove, req->who->username, 0, &err)) < 0)
		http_store_error(resp, rc, &err);
	else
		api_aliases_list(req, resp);
	if (rc == 0 && !remove)
		resp->status = 201;
out:
	json_decref(o);
}

void api_aliases_add(const struct http_req *req, struct http_resp *resp)
{
	alias_change(req, resp, false);
}

void api_aliases_remove(const struct http_req *req, struct http_resp *resp)
{
	alias_change(req, resp, true);
}

/* ------------------------------------------------------------------------ */
/* Assets                                                                   */
/* ------------------------------------------------------------------------ */

void api_assets_list(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = { 0 };
	struct asset_filter f = { 0 };
	char unit[40];
	json_t *items;
	int64_t next;
	int rc;

	if (!allowed(req, resp, RBAC_ASSET_READ, NULL, &d) ||
	    !query_unit(req, resp, unit, sizeof(unit), &f.unit) || !query_text(req, resp, "q", &f.q) ||
	    !paging(req, resp, &f.limit, &f.before))
		return;
	f.scope = d.scope;
	if ((rc = store_asset_list(req->store, &f, &items, &next)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_page(resp, items, next);
}

void api_asset_get(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = { 0 };
	int64_t id;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_ASSET_READ, NULL, &d) || !path_id(req, resp, &id))
		return;
	if ((rc = store_asset_get(req->store, id, d.scope, &o)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, o);
}

/* A string member that may be null (clear) or absent (keep *ret). */
static bool opt_str(json_t *o, const char *key, struct http_resp *resp, const char **ret)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return true;
	if (json_is_null(v)) {
		*ret = NULL;
		return true;
	}
	if (!json_is_string(v)) {
		http_error(resp, 400, "invalid_field", key, "'%s' must be a string", key);
		return false;
	}
	*ret = json_string_value(v);
	return true;
}

static void asset_write(const struct http_req *req, struct http_resp *resp, bool create)
{
	static const char *const fields[] = { "unit", "name", "vendor", "product", "version", "cpe",
					      "exposure", "owner", NULL };
	struct asset_in in = { .exposure = "internal" };
	struct store_err err = { 0 };
	struct rbac_decision d = { 0 };
	char unit[40];
	const char *why, *field;
	int64_t id = 0;
	json_t *o, *cur = NULL;
	int rc;

	if (!create && !path_id(req, resp, &id))
		return;
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!create) {
		d = rbac_decide(req->who, RBAC_ASSET_READ, NULL);
		if (!d.allowed) {
			http_forbidden(resp, NULL);
			goto out;
		}
		if ((rc = store_asset_get(req->store, id, d.scope, &cur)) < 0) {
			http_store_error(resp, rc, NULL);
			goto out;
		}
		in.unit = json_string_value(json_object_get(cur, "unit"));
		in.name = json_string_value(json_object_get(cur, "name"));
		in.vendor = json_string_value(json_object_get(cur, "vendor"));
		in.product = json_string_value(json_object_get(cur, "product"));
		in.version = json_string_value(json_object_get(cur, "version"));
		in.cpe = json_string_value(json_object_get(cur, "cpe"));
		in.exposure = json_string_value(json_object_get(cur, "exposure"));
		in.owner = json_string_value(json_object_get(cur, "owner"));
	}
	if (!opt_str(o, "unit", resp, &in.unit) || !opt_str(o, "name", resp, &in.name) ||
	    !opt_str(o, "vendor", resp, &in.vendor) || !opt_str(o, "product", resp, &in.product) ||
	    !opt_str(o, "version", resp, &in.version) || !opt_str(o, "cpe", resp, &in.cpe) ||
	    !opt_str(o, "exposure", resp, &in.exposure) || !opt_str(o, "owner", resp, &in.owner))
		goto out;
	if (!in.unit) {
		http_error(resp, 400, "missing_field", "unit", "'unit' is required");
		goto out;
	}
	if (strlen(in.unit) >= sizeof(unit)) {
		http_error(resp, 400, "invalid_field", "unit", "unknown unit code");
		goto out;
	}
	snprintf(unit, sizeof(unit), "%s", in.unit);
	in.unit = upcase_ascii(unit);
	if ((why = valid_unit_code(in.unit))) {
		http_error(resp, 400, "invalid_field", "unit", "'unit' %s", why);
		goto out;
	}
	if ((why = advisory_asset_check(in.name, in.vendor, in.product, in.version, in.cpe,
					in.exposure, in.owner, &field))) {
		http_error(resp, 400, in.name || strcmp(field, "name") ? "invalid_field" : "missing_field",
			   field, "'%s' %s", field, why);
		goto out;
	}
	d = rbac_decide(req->who, RBAC_ASSET_WRITE, in.unit);
	if (!d.allowed) {
		http_forbidden(resp, "unit");
		goto out;
	}
	rc = store_asset_write(req->store, id, &in, d.scope, req->who->username, 0, &id, &err);
	if (rc < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	json_decref(cur);
	cur = NULL;
	if ((rc = store_asset_get(req->store, id, d.scope, &cur)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, create ? 201 : 200, json_incref(cur));
out:
	json_decref(cur);
	json_decref(o);
}

void api_asset_create(const struct http_req *req, struct http_resp *resp)
{
	asset_write(req, resp, true);
}

void api_asset_update(const struct http_req *req, struct http_resp *resp)
{
	asset_write(req, resp, false);
}

void api_asset_delete(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d, r;
	json_t *cur;
	int64_t id;
	int rc;

	if (!path_id(req, resp, &id))
		return;
	r = rbac_decide(req->who, RBAC_ASSET_READ, NULL);
	if (!r.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if ((rc = store_asset_get(req->store, id, r.scope, &cur)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	d = rbac_decide(req->who, RBAC_ASSET_WRITE, json_string_value(json_object_get(cur, "unit")));
	json_decref(cur);
	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if ((rc = store_asset_delete(req->store, id, d.scope, req->who->username)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

/* ------------------------------------------------------------------------ */
/* The register of approved applications                                    */
/* ------------------------------------------------------------------------ */

void api_apps_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_READ, NULL, NULL))
		return;
	if ((rc = store_app_list(req->store, &o)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{so}", "items", o));
}

static void app_write(const struct http_req *req, struct http_resp *resp, bool create)
{
	static const char *const fields[] = { "name", "vendor", "min_version", "source", "notes", NULL };
	struct app_in in = { 0 };
	struct store_err err = { 0 };
	json_t *o, *list = NULL, *v = NULL;
	const char *why;
	int64_t id = 0;
	size_t i;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_WRITE, NULL, NULL))
		return;
	if (!create && !path_id(req, resp, &id))
		return;
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!create) {
		if ((rc = store_app_list(req->store, &list)) < 0) {
			http_store_error(resp, rc, NULL);
			goto out;
		}
		json_array_foreach(list, i, v)
			if (json_integer_value(json_object_get(v, "id")) == id)
				break;
		if (i == json_array_size(list)) {
			http_error(resp, 404, "not_found", NULL, "no such application");
			goto out;
		}
		in.name = json_string_value(json_object_get(v, "name"));
		in.vendor = json_string_value(json_object_get(v, "vendor"));
		in.min_version = json_string_value(json_object_get(v, "min_version"));
		in.source = json_string_value(json_object_get(v, "source"));
		in.notes = json_string_value(json_object_get(v, "notes"));
	}
	if (!opt_str(o, "name", resp, &in.name) || !opt_str(o, "vendor", resp, &in.vendor) ||
	    !opt_str(o, "min_version", resp, &in.min_version) ||
	    !opt_str(o, "source", resp, &in.source) || !opt_str(o, "notes", resp, &in.notes))
		goto out;
	if (!in.name || !in.vendor) {
		http_error(resp, 400, "missing_field", in.name ? "vendor" : "name", "'%s' is required",
			   in.name ? "vendor" : "name");
		goto out;
	}
	if ((why = valid_line(in.name, 200))) {
		http_error(resp, 400, "invalid_field", "name", "'name' %s", why);
		goto out;
	}
	if ((why = valid_line(in.vendor, 200))) {
		http_error(resp, 400, "invalid_field", "vendor", "'vendor' %s", why);
		goto out;
	}
	if (in.source && (why = valid_line(in.source, 500))) {
		http_error(resp, 400, "invalid_field", "source", "'source' %s", why);
		goto out;
	}
	if (in.notes && (why = valid_block(in.notes, TEXT_MAX))) {
		http_error(resp, 400, "invalid_field", "notes", "'notes' %s", why);
		goto out;
	}
	if ((rc = store_app_write(req->store, id, &in, req->who->username, &id, &err)) < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	json_decref(list);
	list = NULL;
	if ((rc = store_app_list(req->store, &list)) < 0) {
		http_store_error(resp, rc, NULL);
		goto out;
	}
	json_array_foreach(list, i, v)
		if (json_integer_value(json_object_get(v, "id")) == id) {
			http_json(resp, create ? 201 : 200, json_incref(v));
			break;
		}
out:
	json_decref(list);
	json_decref(o);
}

void api_app_create(const struct http_req *req, struct http_resp *resp)
{
	app_write(req, resp, true);
}

void api_app_update(const struct http_req *req, struct http_resp *resp)
{
	app_write(req, resp, false);
}

void api_app_delete(const struct http_req *req, struct http_resp *resp)
{
	int64_t id;
	int rc;

	if (!allowed(req, resp, RBAC_ADVISORY_WRITE, NULL, NULL) || !path_id(req, resp, &id))
		return;
	if ((rc = store_app_delete(req->store, id, req->who->username)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

/* ------------------------------------------------------------------------ */
/* Remediation                                                              */
/* ------------------------------------------------------------------------ */

void api_remediation_list(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = { 0 };
	struct remediation_filter f = { 0 };
	const char *v;
	char unit[40];
	json_t *items;
	int64_t next;
	int rc;

	if (!allowed(req, resp, RBAC_REMEDIATION_READ, NULL, &d) ||
	    !query_unit(req, resp, unit, sizeof(unit), &f.unit) ||
	    !paging(req, resp, &f.limit, &f.before))
		return;
	f.scope = d.scope;
	if ((v = req->query(req, "advisory")) && *v && !parse_id(v, &f.advisory)) {
		http_error(resp, 400, "invalid_field", "advisory", "'advisory' must be an advisory id");
		return;
	}
	if ((v = req->query(req, "request")) && *v) {
		if (strlen(v) > 20) {
			http_error(resp, 400, "invalid_field", "request", "'request' must be a request code");
			return;
		}
		f.request = v;
	}
	if ((v = req->query(req, "state")) && *v) {
		if (strcmp(v, "open") && strcmp(v, "answered") && strcmp(v, "closed") &&
		    strcmp(v, "overdue")) {
			http_error(resp, 400, "invalid_field", "state",
				   "'state' must be open, answered, closed or overdue");
			return;
		}
		f.state = v;
	}
	if ((rc = store_remediation_list(req->store, &f, &items, &next)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_page(resp, items, next);
}

/* The item as the caller may see it, after a change. */
static void reply_item(const struct http_req *req, struct http_resp *resp, int64_t id,
		       const char *scope)
{
	struct remediation_filter f = { .scope = scope, .limit = 1, .before = id + 1 };
	json_t *items;
	int64_t next;
	int rc = store_remediation_list(req->store, &f, &items, &next);

	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	if (json_array_size(items) == 1 &&
	    json_integer_value(json_object_get(json_array_get(items, 0), "id")) == id)
		http_json(resp, 200, json_incref(json_array_get(items, 0)));
	else
		http_error(resp, 404, "not_found", NULL, "no such item");
	json_decref(items);
}

void api_remediation_answer(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "answer", "version", "text", NULL };
	struct remediation_answer a = { .from_unit = req->who && req->who->role == ROLE_UNIT };
	struct store_err err = { 0 };
	struct rbac_decision d = { 0 };
	const char *ans, *why;
	int64_t id;
	json_t *o;
	int rc;

	if (!allowed(req, resp, RBAC_REMEDIATION_ANSWER, NULL, &d) || !path_id(req, resp, &id) ||
	    !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "answer", true, resp, &ans) ||
	    !http_get_str(o, "version", false, resp, &a.version) ||
	    !http_get_str(o, "text", false, resp, &a.text))
		goto out;
	if (!strcmp(ans, "patched")) {
		a.answer = ANSWER_PATCHED;
	} else if (!strcmp(ans, "mitigated")) {
		a.answer = ANSWER_MITIGATED;
	} else if (!strcmp(ans, "not_affected")) {
		a.answer = ANSWER_NOT_AFFECTED;
	} else {
		http_error(resp, 400, "invalid_field", "answer",
			   "'answer' must be patched, mitigated or not_affected");
		goto out;
	}
	if (a.text && (why = valid_block(a.text, TEXT_MAX))) {
		http_error(resp, 400, "invalid_field", "text", "'text' %s", why);
		goto out;
	}
	if (a.answer == ANSWER_PATCHED && !a.version) {
		http_error(resp, 400, "missing_field", "version", "'version' is required: the new version");
		goto out;
	}
	if ((rc = store_remediation_answer(req->store, id, d.scope, &a, req->who->username, 0,
					   &err)) < 0)
		http_store_error(resp, rc, &err);
	else
		reply_item(req, resp, id, d.scope);
out:
	json_decref(o);
}

void api_remediation_review(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "accept", "text", NULL };
	struct store_err err = { 0 };
	struct rbac_decision d, r;
	const char *text = NULL, *why;
	json_t *o, *acc;
	int64_t id;
	int rc;

	if (!path_id(req, resp, &id))
		return;
	d = rbac_decide(req->who, RBAC_REMEDIATION_REVIEW, NULL);
	if (!d.allowed) {
		/* a unit probing another unit's item learns nothing */
		struct remediation_filter f = { .limit = 1, .before = id + 1 };
		json_t *items = NULL;
		int64_t next;
		r = rbac_decide(req->who, RBAC_REMEDIATION_READ, NULL);
		f.scope = r.scope;
		if (r.allowed && store_remediation_list(req->store, &f, &items, &next) == 0 &&
		    json_array_size(items) == 1 &&
		    json_integer_value(json_object_get(json_array_get(items, 0), "id")) == id)
			http_forbidden(resp, NULL);
		else
			http_error(resp, 404, "not_found", NULL, "no such item");
		json_decref(items);
		return;
	}
	if (!(o = http_body_object(req, resp, fields)))
		return;
	acc = json_object_get(o, "accept");
	if (!json_is_boolean(acc)) {
		http_error(resp, 400, acc ? "invalid_field" : "missing_field", "accept",
			   "'accept' must be true or false");
		goto out;
	}
	if (!http_get_str(o, "text", false, resp, &text))
		goto out;
	if (text && (why = valid_block(text, TEXT_MAX))) {
		http_error(resp, 400, "invalid_field", "text", "'text' %s", why);
		goto out;
	}
	if ((rc = store_remediation_review(req->store, id, d.scope, json_is_true(acc), text,
					   req->who->username, &err)) < 0)
		http_store_error(resp, rc, &err);
	else
		reply_item(req, resp, id, d.scope);
out:
	json_decref(o);
}
