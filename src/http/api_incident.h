/*
 * api_incident.h — incident handling through the API (api_incident.c):
 * handlers, and what api.c's request handlers use.
 */
#pragma once

#include "http/http.h"

/* Our team's name in exports and forms: $UNGCUU_ORG, or a default. */
const char *api_incident_org(void);

/* Parse an "incident" object (create: the fields a new incident takes;
 * else a PATCH) into in; affected unit codes go to units_buf.  False with
 * the error response set. */
bool api_incident_parse(json_t *o, bool create, struct http_resp *resp, struct incident_in *in,
			char *units_buf, size_t units_size);

/* A request's JSON text with its "incident" object added when it is an
 * incident; takes ownership of text, returns the text to send. */
char *api_incident_merge(const struct http_req *req, const char *code,
			 const struct rbac_decision *d, char *text);

void api_incident_update(const struct http_req *req, struct http_resp *resp);
void api_observable_add(const struct http_req *req, struct http_resp *resp);
void api_observable_delete(const struct http_req *req, struct http_resp *resp);
void api_observables_search(const struct http_req *req, struct http_resp *resp);
void api_task_add(const struct http_req *req, struct http_resp *resp);
void api_task_update(const struct http_req *req, struct http_resp *resp);
void api_request_merge(const struct http_req *req, struct http_resp *resp);
void api_request_link(const struct http_req *req, struct http_resp *resp);
void api_request_stix(const struct http_req *req, struct http_resp *resp);
void api_request_report(const struct http_req *req, struct http_resp *resp);
