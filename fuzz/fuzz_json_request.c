/*
 * fuzz_json_request.c — libFuzzer target for the API's JSON input path:
 * the body goes, through the real route table and handlers, to a request
 * create, a request change, a message, a unit create or a service create,
 * against a real (unsynced, temporary) store.
 *
 * The first input byte picks the endpoint; the rest is the body.  Every
 * response must be a JSON object, and a 4xx must name an error code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "http/http.h"
#include "store/store.h"

static struct store *st;
static char code[16];

static const char *no_query(const struct http_req *r, const char *name)
{
	(void)r, (void)name;
	return NULL;
}

static void init(void)
{
	static char path[] = "/tmp/ungcuu-fuzz-XXXXXX";
	struct store_err err;
	struct unit_in u = { .code = "0010", .name = "Hà Nội" };
	struct service_in s = { "DVC", "Dịch vụ công" };
	struct user_in a = { "agent", "Agent", NULL, NULL, ROLE_AGENT, NULL };
	struct request_in r = { .unit = "0010", .service = "DVC", .subject = "s", .description = "d",
				.requester_name = "n", .requester_email = "a@b.vn" };
	int fd = mkstemp(path), from, to;

	if (fd < 0 || sodium_init() < 0)
		abort();
	close(fd);
	if (store_open(path, STORE_CREATE | STORE_NOSYNC, &st, &err) < 0 ||
	    store_migrate(st, &from, &to) < 0 || store_unit_create(st, &u, "fuzz", &err) < 0 ||
	    store_service_create(st, &s, "fuzz", &err) < 0 ||
	    store_user_create(st, &a, "fuzz", &err) < 0 ||
	    store_request_create(st, &r, "fuzz", code, &err) < 0)
		abort();
	unlink(path); /* the open handles keep it alive; nothing is left behind */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct principal agent = { 1, "agent", ROLE_ADMIN, "" };
	static const struct principal unit = { 2, "unit0010", ROLE_UNIT, "0010" };
	static const struct { const char *method, *path; } eps[] = {
		{ "POST", "/api/v1/requests" },
		{ "PATCH", "/api/v1/requests/%s" },
		{ "POST", "/api/v1/requests/%s/messages" },
		{ "POST", "/api/v1/units" },
		{ "POST", "/api/v1/services" },
		{ "POST", "/api/v1/requests/%s/notes" },
	};
	struct http_resp resp = { 0 };
	struct http_req req = { 0 };
	const struct http_route *route;
	char path[128], allow[64], *body;
	bool known;
	unsigned pick;

	if (!st)
		init();
	if (size < 1)
		return 0;
	pick = data[0] % (sizeof(eps) / sizeof(eps[0]));
	/* the pattern has at most one %s: the request code */
	if (strstr(eps[pick].path, "%s"))
		snprintf(path, sizeof(path), "%.*s%s%s", (int)(strstr(eps[pick].path, "%s") - eps[pick].path),
			 eps[pick].path, code, strstr(eps[pick].path, "%s") + 2);
	else
		snprintf(path, sizeof(path), "%s", eps[pick].path);
	route = http_route_match(api_routes, api_routes_count, eps[pick].method, path, &req, &known,
				 allow, sizeof(allow));
	if (!route)
		abort();
	/* the server hands handlers a NUL-terminated copy of the body */
	body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	req.method = eps[pick].method;
	req.path = path;
	req.body = body;
	req.body_len = size - 1;
	req.query = no_query;
	req.store = st;
	req.who = data[0] & 0x80 ? &unit : &agent;
	route->fn(&req, &resp);
	if (!resp.json && resp.text) {
		/* requests come back as JSON text rendered by the store */
		resp.json = json_loads(resp.text, 0, NULL);
		free(resp.text);
		resp.text = NULL;
	}
	if (!json_is_object(resp.json) || resp.status < 200 || resp.status > 599)
		abort();
	if (resp.status >= 400 && resp.status < 500 &&
	    !json_is_string(json_object_get(json_object_get(resp.json, "error"), "code")))
		abort();
	json_decref(resp.json);
	free(body);
	return 0;
}
