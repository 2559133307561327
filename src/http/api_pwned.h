/*
 * api_pwned.h — GET /range/{prefix}: the Pwned Passwords range API of
 * api.pwnedpasswords.com, answered from the local index (api_pwned.c).
 */
#pragma once

#include "http/http.h"

/* GET /range/{prefix}[?mode=ntlm], header Add-Padding: true. */
void api_pwned_range(const struct http_req *req, struct http_resp *resp);

/* OPTIONS /range/{prefix}: the CORS preflight browsers send for Add-Padding. */
void api_pwned_preflight(const struct http_req *req, struct http_resp *resp);
