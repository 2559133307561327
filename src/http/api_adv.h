/*
 * api_adv.h — handlers of the advisory campaign (api_adv.c): advisories,
 * assets, the approved-applications register, aliases, remediation items,
 * the dashboard, the local deadlines.
 */
#pragma once

#include "http/http.h"

void api_advisories_list(const struct http_req *req, struct http_resp *resp);
void api_advisory_get(const struct http_req *req, struct http_resp *resp);
void api_advisories_import(const struct http_req *req, struct http_resp *resp);
void api_advisories_match(const struct http_req *req, struct http_resp *resp);
void api_advisories_dashboard(const struct http_req *req, struct http_resp *resp);
void api_advisories_config_get(const struct http_req *req, struct http_resp *resp);
void api_advisories_config_set(const struct http_req *req, struct http_resp *resp);
void api_aliases_list(const struct http_req *req, struct http_resp *resp);
void api_aliases_add(const struct http_req *req, struct http_resp *resp);
void api_aliases_remove(const struct http_req *req, struct http_resp *resp);
void api_assets_list(const struct http_req *req, struct http_resp *resp);
void api_asset_get(const struct http_req *req, struct http_resp *resp);
void api_asset_create(const struct http_req *req, struct http_resp *resp);
void api_asset_update(const struct http_req *req, struct http_resp *resp);
void api_asset_delete(const struct http_req *req, struct http_resp *resp);
void api_apps_list(const struct http_req *req, struct http_resp *resp);
void api_app_create(const struct http_req *req, struct http_resp *resp);
void api_app_update(const struct http_req *req, struct http_resp *resp);
void api_app_delete(const struct http_req *req, struct http_resp *resp);
void api_remediation_list(const struct http_req *req, struct http_resp *resp);
void api_remediation_answer(const struct http_req *req, struct http_resp *resp);
void api_remediation_review(const struct http_req *req, struct http_resp *resp);
