/*
 * api_sla.h — service levels, the duty roster and statistics in the API
 * (GET /api/v1/sla, /api/v1/sla/config, /api/v1/duty, /api/v1/stats).
 */
#pragma once

#include <jansson.h>

#include "http/http.h"

void api_sla_list(const struct http_req *req, struct http_resp *resp);
void api_sla_config_get(const struct http_req *req, struct http_resp *resp);
void api_sla_config_patch(const struct http_req *req, struct http_resp *resp);
void api_sla_policy_patch(const struct http_req *req, struct http_resp *resp);
void api_sla_day_put(const struct http_req *req, struct http_resp *resp);
void api_sla_day_delete(const struct http_req *req, struct http_resp *resp);
void api_duty_list(const struct http_req *req, struct http_resp *resp);
void api_duty_now(const struct http_req *req, struct http_resp *resp);
void api_duty_create(const struct http_req *req, struct http_resp *resp);
void api_duty_delete(const struct http_req *req, struct http_resp *resp);
void api_stats(const struct http_req *req, struct http_resp *resp);

/*
 * Statistics (as store_stats returns them) as CSV: a header line
 * "section,key,name,value", then one line per figure.  Returns a malloc'd
 * string, caller frees; NULL when out of memory.
 */
char *api_stats_csv(const json_t *stats);
