/*
 * stix.c — an incident as a STIX 2.1 bundle (see stix.h).
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/incident.h"
#include "core/stix.h"

/* The specification's TLP marking definitions (STIX 2.1, 7.2.1.4). */
#define TLP_GREEN_ID "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define TLP_AMBER_ID "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"

/* The specification's namespace for cyber observable identifiers. */
static const unsigned char NS_SCO[16] = { 0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
					  0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7 };
/* Ours, for the objects named by request codes:
 * fd7abb9c-c256-4d0c-bc53-b2f7f7f49272. */
static const unsigned char NS_UNGCUU[16] = { 0xfd, 0x7a, 0xbb, 0x9c, 0xc2, 0x56, 0x4d, 0x0c,
					     0xbc, 0x53, 0xb2, 0xf7, 0xf7, 0xf4, 0x92, 0x72 };

void stix_uuid5(const unsigned char ns[16], const char *name, size_t len,
		char out[STIX_UUID_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1) {
		EVP_DigestUpdate(ctx, ns, 16);
		EVP_DigestUpdate(ctx, name, len);
		EVP_DigestFinal_ex(ctx, md, &mdlen);
	}
	EVP_MD_CTX_free(ctx);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, STIX_UUID_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1],
		 md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13],
		 md[14], md[15]);
}

/* "type--uuid5(ours, name)" */
static char *our_id(const char *type, const char *name)
{
	char u[STIX_UUID_SIZE], *id;

	stix_uuid5(NS_UNGCUU, name, strlen(name), u);
	if (asprintf(&id, "%s--%s", type, u) < 0)
		return NULL;
	return id;
}

/* The SCO id: uuid5 over the canonical JSON of its ID-contributing
 * properties (sorted keys, no spaces, UTF-8 as is). */
static char *sco_id(const char *type, json_t *contrib)
{
	char u[STIX_UUID_SIZE], *text = json_dumps(contrib, JSON_COMPACT | JSON_SORT_KEYS), *id;

	json_decref(contrib);
	if (!text)
		return NULL;
	stix_uuid5(NS_SCO, text, strlen(text), u);
	free(text);
	if (asprintf(&id, "%s--%s", type, u) < 0)
		return NULL;
	return id;
}

/* A time shown with a zone ("…+07:00") as a STIX timestamp in UTC. */
static bool stix_time(const char *iso, char out[40])
{
	int64_t t;
	time_t tt;
	struct tm tm;

	if (!iso || inc_time_parse(iso, &t) < 0)
		return false;
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 40, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return true;
}

/* A STIX pattern string literal: quote and backslash escaped. */
static char *pattern_literal(const char *v)
{
	size_t n = strlen(v), o = 0;
	char *out = malloc(2 * n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\'' || v[i] == '\\')
			out[o++] = '\\';
		out[o++] = v[i];
	}
	out[o] = '\0';
	return out;
}

struct ctx {
	json_t *objects;
	const char *created, *modified, *team_id;
	char valid_from[40];
	const char *code;
};

static json_t *sdo(struct ctx *c, const char *type, const char *id)
{
	return json_pack("{ss ss ss ss ss ss}", "type", type, "spec_version", "2.1", "id", id,
			 "created", c->created, "modified", c->modified, "created_by_ref", c->team_id);
}

static void relationship(struct ctx *c, const char *src, const char *type, const char *dst,
			 const char *description)
{
	char *name, *id;
	json_t *o;

	if (asprintf(&name, "relationship:%s:%s:%s:%s", src, type, dst,
		     description ? description : "") < 0)
		return;
	id = our_id("relationship", name);
	free(name);
	if (!id)
		return;
	o = sdo(c, "relationship", id);
	json_object_set_new(o, "relationship_type", json_string(type));
	json_object_set_new(o, "source_ref", json_string(src));
	json_object_set_new(o, "target_ref", json_string(dst));
	if (description)
		json_object_set_new(o, "description", json_string(description));
	json_array_append_new(c->objects, o);
	free(id);
}

/* Add the objects of one observable; returns the id of its main object
 * (owned by the caller) or NULL when its type has no STIX form. */
static char *observable(struct ctx *c, const char *type, const char *value, const char *main_id)
{
	const char *sco = NULL, *hash = NULL, *account = NULL;
	char *id = NULL, *lit, *pattern = NULL, *name, *ind;
	json_t *o;

	if (!strcmp(type, "ipv4"))
		sco = "ipv4-addr";
	else if (!strcmp(type, "ipv6"))
		sco = "ipv6-addr";
	else if (!strcmp(type, "domain"))
		sco = "domain-name";
	else if (!strcmp(type, "url") || (!strcmp(type, "zalo") && strstr(value, "://")))
		sco = "url";
	else if (!strcmp(type, "email"))
		sco = "email-addr";
	else if (!strcmp(type, "md5"))
		hash = "MD5";
	else if (!strcmp(type, "sha1"))
		hash = "SHA-1";
	else if (!strcmp(type, "sha256"))
		hash = "SHA-256";
	else if (!strcmp(type, "phone"))
		account = "phone";
	else if (!strcmp(type, "zalo"))
		account = "zalo";

	if (!strcmp(type, "cve")) {
		if (asprintf(&name, "vulnerability:%s", value) < 0)
			return NULL;
		id = our_id("vulnerability", name);
		free(name);
		if (!id)
			return NULL;
		o = sdo(c, "vulnerability", id);
		json_object_set_new(o, "name", json_string(value));
		json_object_set_new(o, "external_references",
				    json_pack("[{ssss}]", "source_name", "cve", "external_id", value));
		json_array_append_new(c->objects, o);
		return id;
	}
	if (sco) {
		id = sco_id(sco, json_pack("{ss}", "value", value));
		if (!id)
			return NULL;
		json_array_append_new(c->objects, json_pack("{ss ss ss ss}", "type", sco, "spec_version",
							    "2.1", "id", id, "value", value));
		if ((lit = pattern_literal(value))) {
			if (asprintf(&pattern, "[%s:value = '%s']", sco, lit) < 0)
				pattern = NULL;
			free(lit);
		}
	} else if (hash) {
		id = sco_id("file", json_pack("{s{ss}}", "hashes", hash, value));
		if (!id)
			return NULL;
		json_array_append_new(c->objects, json_pack("{ss ss ss s{ss}}", "type", "file",
							    "spec_version", "2.1", "id", id, "hashes",
							    hash, value));
		if (asprintf(&pattern, strchr(hash, '-') ? "[file:hashes.'%s' = '%s']"
							 : "[file:hashes.%s = '%s']", hash, value) < 0)
			pattern = NULL;
	} else if (account && !strcmp(account, "phone")) {
		id = sco_id("user-account", json_pack("{ssss}", "account_type", "phone", "user_id", value));
		if (!id)
			return NULL;
		json_array_append_new(c->objects, json_pack("{ss ss ss ss ss}", "type", "user-account",
							    "spec_version", "2.1", "id", id,
							    "account_type", "phone", "user_id", value));
		if ((lit = pattern_literal(value))) {
			if (asprintf(&pattern, "[user-account:account_type = 'phone' AND "
					       "user-account:user_id = '%s']", lit) < 0)
				pattern = NULL;
			free(lit);
		}
	} else if (account) {
		/* a Zalo display name: no ID-contributing property holds it, so
		 * the id is derived from the name as well */
		id = sco_id("user-account", json_pack("{ssss}", "account_type", "zalo", "display_name",
						       value));
		if (!id)
			return NULL;
		json_array_append_new(c->objects, json_pack("{ss ss ss ss ss}", "type", "user-account",
							    "spec_version", "2.1", "id", id,
							    "account_type", "zalo", "display_name", value));
	} else {
		return NULL;
	}
	if (pattern) {
		if (asprintf(&name, "indicator:%s:%s:%s", c->code, type, value) >= 0) {
			if ((ind = our_id("indicator", name))) {
				o = sdo(c, "indicator", ind);
				json_object_set_new(o, "name", json_string(value));
				json_object_set_new(o, "indicator_types",
						    json_pack("[s]", "malicious-activity"));
				json_object_set_new(o, "pattern", json_string(pattern));
				json_object_set_new(o, "pattern_type", json_string("stix"));
				json_object_set_new(o, "valid_from", json_string(c->valid_from));
				json_array_append_new(c->objects, o);
				relationship(c, ind, "based-on", id, NULL);
				relationship(c, main_id, "related-to", ind, NULL);
				free(ind);
			}
			free(name);
		}
		free(pattern);
	}
	return id;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

json_t *stix_bundle(const json_t *req, const json_t *unit, const char *org)
{
	const char *code = str(req, "code"), *created = str(req, "created_at");
	const char *modified = str(req, "updated_at"), *kind = str(req, "kind");
	const json_t *inc = json_object_get(req, "incident"), *v;
	bool incident = kind && !strcmp(kind, "incident") && json_is_object(inc);
	char *team = NULL, *unit_id = NULL, *main_id = NULL, *bundle_id = NULL, *name = NULL;
	struct ctx c = { 0 };
	json_t *bundle = NULL, *o, *refs;
	size_t i;

	if (!code || !created || !modified)
		return NULL;
	c.objects = json_array();
	c.created = created;
	c.modified = modified;
	c.code = code;
	if (!incident || !stix_time(str(inc, "detected_at"), c.valid_from))
		snprintf(c.valid_from, sizeof(c.valid_from), "%s", created);

	/* our team */
	if (asprintf(&name, "identity:team:%s", org ? org : "") < 0 || !(team = our_id("identity", name)))
		goto out;
	free(name);
	name = NULL;
	c.team_id = team;
	o = sdo(&c, "identity", team);
	json_object_set_new(o, "name", json_string(org && *org ? org : "ungcuu"));
	json_object_set_new(o, "identity_class", json_string("organization"));
	json_object_set_new(o, "roles", json_pack("[s]", "incident-response"));
	json_array_append_new(c.objects, o);

	/* the unit */
	if (str(req, "unit")) {
		if (asprintf(&name, "identity:unit:%s", str(req, "unit")) < 0 ||
		    !(unit_id = our_id("identity", name)))
			goto out;
		free(name);
		name = NULL;
		o = sdo(&c, "identity", unit_id);
		json_object_set_new(o, "name", json_string(str(unit, "name") ? str(unit, "name")
						 : str(req, "unit_name") ? str(req, "unit_name")
						 : str(req, "unit")));
		json_object_set_new(o, "identity_class", json_string("organization"));
		json_object_set_new(o, "sectors", json_pack("[s]", "government"));
		json_object_set_new(o, "external_references",
				    json_pack("[{ssss}]", "source_name", "ungcuu-unit", "external_id",
					      str(req, "unit")));
		json_array_append_new(c.objects, o);
	}

	/* the incident, or a report for other kinds of request */
	if (asprintf(&name, "%s:%s", incident ? "incident" : "report", code) < 0 ||
	    !(main_id = our_id(incident ? "incident" : "report", name)))
		goto out;
	free(name);
	name = NULL;
	o = sdo(&c, incident ? "incident" : "report", main_id);
	json_object_set_new(o, "name", json_string(str(req, "subject") ? str(req, "subject") : code));
	if (str(req, "description"))
		json_object_set_new(o, "description", json_string(str(req, "description")));
	json_object_set_new(o, "external_references",
			    json_pack("[{ssss}]", "source_name", "ungcuu", "external_id", code));
	if (incident) {
		char t[40];
		if (str(inc, "category"))
			json_object_set_new(o, "labels", json_pack("[s]", str(inc, "category")));
		if (str(inc, "category"))
			json_object_set_new(o, "x_ungcuu_category", json_string(str(inc, "category")));
		if (str(inc, "severity"))
			json_object_set_new(o, "x_ungcuu_severity", json_string(str(inc, "severity")));
		if (stix_time(str(inc, "detected_at"), t))
			json_object_set_new(o, "x_ungcuu_detected_at", json_string(t));
		if (str(inc, "affected_systems"))
			json_object_set_new(o, "x_ungcuu_affected_systems",
					    json_string(str(inc, "affected_systems")));
	} else {
		json_object_set_new(o, "report_types", json_pack("[s]", "observed-data"));
		json_object_set_new(o, "published", json_string(created));
	}
	if (str(req, "status"))
		json_object_set_new(o, "x_ungcuu_status", json_string(str(req, "status")));
	json_array_append_new(c.objects, o);
	if (unit_id)
		relationship(&c, main_id, "related-to", unit_id, "affected unit");

	/* observables, indicators */
	json_array_foreach(json_object_get(inc, "observables"), i, v) {
		char *id = observable(&c, str(v, "type") ? str(v, "type") : "",
				      str(v, "value") ? str(v, "value") : "", main_id);
		if (id) {
			relationship(&c, main_id, "related-to", id, NULL);
			free(id);
		}
	}
	/* linked requests, by the ids their own export gives them */
	json_array_foreach(json_object_get(inc, "links"), i, v) {
		char *other;
		if (!str(v, "code") || asprintf(&name, "incident:%s", str(v, "code")) < 0)
			continue;
		if ((other = our_id("incident", name))) {
			relationship(&c, main_id, "related-to", other, str(v, "relation"));
			free(other);
		}
		free(name);
		name = NULL;
	}
	if (!incident) {
		/* a report lists what it is about */
		refs = json_array();
		json_array_foreach(c.objects, i, v)
			if (strcmp(str(v, "id"), main_id) != 0)
				json_array_append_new(refs, json_string(str(v, "id")));
		if (json_array_size(refs) == 0)
			json_array_append_new(refs, json_string(team));
		json_object_set_new(json_array_get(c.objects, unit_id ? 2 : 1), "object_refs", refs);
	}

	/* TLP: the forms' reports are confidential unless said otherwise
	 * (report.confidential), so AMBER, else GREEN; every object is marked */
	{
		const json_t *conf = json_object_get(json_object_get(inc, "report"), "confidential");
		bool green = json_is_false(conf);
		const char *tlp_id = green ? TLP_GREEN_ID : TLP_AMBER_ID;
		json_t *obj;
		json_array_foreach(c.objects, i, obj)
			json_object_set_new(obj, "object_marking_refs", json_pack("[s]", tlp_id));
		json_array_insert_new(c.objects, 0, json_pack("{ss ss ss ss ss ss s{ss}}", "type",
			"marking-definition", "spec_version", "2.1", "id", tlp_id, "created",
			"2017-01-20T00:00:00.000Z", "definition_type", "tlp", "name",
			green ? "TLP:GREEN" : "TLP:AMBER", "definition", "tlp", green ? "green" : "amber"));
	}
	free(name);
	name = NULL;
	if (asprintf(&name, "bundle:%s", code) < 0 || !(bundle_id = our_id("bundle", name)))
		goto out;
	bundle = json_pack("{ss ss so}", "type", "bundle", "id", bundle_id, "objects", c.objects);
	c.objects = NULL;
out:
	json_decref(c.objects);
	free(name);
	free(team);
	free(unit_id);
	free(main_id);
	free(bundle_id);
	return bundle;
}
