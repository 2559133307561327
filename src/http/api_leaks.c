/*
 * api_leaks.c — GET /api/v1/leaks: the findings of leaked-credential
 * scans, newest first, filtered by unit, verdict, source and request.
 * Access is decided as for requests (a finding belongs to its unit's leak
 * request): a unit account sees its own unit's findings only, an agent
 * limited to some units sees theirs, and findings without a unit (the
 * triage queue) are for unrestricted agents and admins.  Nothing here ever
 * held a password: only masked hints.
 */
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "http/http.h"

static const char *const verdicts[] = { "valid_now", "old_password", "different", "unknown_mailbox",
					NULL };

void api_leaks_list(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	struct leak_filter f = { .limit = 50 };
	char unit[40];
	const char *v;
	json_t *items;
	int64_t next;
	int rc;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	f.scope = d.scope;
	if ((v = req->query(req, "unit")) && *v) {
		const char *why;
		if (strlen(v) >= sizeof(unit)) {
			http_error(resp, 400, "invalid_field", "unit", "'unit' is too long");
			return;
		}
		snprintf(unit, sizeof(unit), "%s", v);
		f.unit = upcase_ascii(trim_space(unit));
		if ((why = valid_unit_code(f.unit))) {
			http_error(resp, 400, "invalid_field", "unit", "'unit' %s", why);
			return;
		}
	}
	if ((v = req->query(req, "verdict")) && *v) {
		const char *const *k = verdicts;
		while (*k && strcmp(*k, v))
			k++;
		if (!*k) {
			http_error(resp, 400, "invalid_field", "verdict",
				   "'verdict' is valid_now, old_password, different or unknown_mailbox");
			return;
		}
		f.verdict = *k;
	}
	if ((v = req->query(req, "source")) && *v) {
		if (valid_line(v, 200)) {
			http_error(resp, 400, "invalid_field", "source", "'source' %s", valid_line(v, 200));
			return;
		}
		f.source = v;
	}
	if ((v = req->query(req, "request")) && *v) {
		if (valid_line(v, 32)) {
			http_error(resp, 400, "invalid_field", "request", "'request' %s", valid_line(v, 32));
			return;
		}
		f.request = v;
	}
	if (!http_query_limit(req, resp, 100, &f.limit))
		return;
	if (!http_query_cursor(req, resp, &f.before))
		return;
	if ((rc = store_leak_list(req->store, &f, &items, &next)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_page(resp, items, next);
}
