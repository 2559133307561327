/*
 * test_router.c — route matching, parameters, 405 detection, and the
 * error body shape every client relies on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http.h"

static void h1(const struct http_req *r, struct http_resp *p) { (void)r, (void)p; }
static void h2(const struct http_req *r, struct http_resp *p) { (void)r, (void)p; }
static void h3(const struct http_req *r, struct http_resp *p) { (void)r, (void)p; }

static const struct http_route routes[] = {
	{ "GET", "/api/v1/requests", h1, 0 },
	{ "GET", "/api/v1/requests/{code}", h2, 0 },
	{ "PATCH", "/api/v1/requests/{code}", h2, 0 },
	{ "POST", "/api/v1/requests/{code}/messages", h3, 0 },
};
#define N (sizeof(routes) / sizeof(routes[0]))

static void matching(void **state)
{
	struct http_req req = { 0 };
	const struct http_route *r;
	char allow[64];
	bool known;

	(void)state;
	r = http_route_match(routes, N, "GET", "/api/v1/requests", &req, &known, allow, sizeof(allow));
	assert_ptr_equal(r, &routes[0]);
	r = http_route_match(routes, N, "GET", "/api/v1/requests/SD261121-000001", &req, &known, allow,
			     sizeof(allow));
	assert_ptr_equal(r, &routes[1]);
	assert_string_equal(req.params[0], "SD261121-000001");
	r = http_route_match(routes, N, "POST", "/api/v1/requests/SD1/messages", &req, &known, allow,
			     sizeof(allow));
	assert_ptr_equal(r, &routes[3]);
	assert_string_equal(req.params[0], "SD1");
}

static void misses(void **state)
{
	struct http_req req = { 0 };
	char allow[64], longpath[600];
	bool known;

	(void)state;
	assert_null(http_route_match(routes, N, "GET", "/api/v1/requests/", &req, &known, allow,
				     sizeof(allow)));
	assert_false(known);
	assert_null(http_route_match(routes, N, "GET", "/api/v1/requests/a/b", &req, &known, allow,
				     sizeof(allow)));
	assert_null(http_route_match(routes, N, "GET", "/api/v1/request", &req, &known, allow,
				     sizeof(allow)));
	assert_null(http_route_match(routes, N, "GET", "/api/v1/requestsX", &req, &known, allow,
				     sizeof(allow)));
	assert_null(http_route_match(routes, N, "GET", "", &req, &known, allow, sizeof(allow)));
	/* wrong method on a known path: 405 with Allow */
	assert_null(http_route_match(routes, N, "DELETE", "/api/v1/requests/X", &req, &known, allow,
				     sizeof(allow)));
	assert_true(known);
	assert_string_equal(allow, "GET, PATCH");
	/* a parameter too long for the buffer does not match */
	memset(longpath, 'A', sizeof(longpath));
	memcpy(longpath, "/api/v1/requests/", 17);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_null(http_route_match(routes, N, "GET", longpath, &req, &known, allow, sizeof(allow)));
}

static void error_shape(void **state)
{
	struct http_resp resp = { 0 };
	struct store_err err = { "unit", "unknown unit code '0999'" };
	json_t *e;

	(void)state;
	http_error(&resp, 400, "invalid_field", "subject", "'%s' is too long", "subject");
	assert_int_equal(resp.status, 400);
	e = json_object_get(resp.json, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_field");
	assert_string_equal(json_string_value(json_object_get(e, "field")), "subject");
	assert_string_equal(json_string_value(json_object_get(e, "message")), "'subject' is too long");
	/* a message quoting broken bytes is still a JSON error */
	http_error(&resp, 400, "invalid_json", NULL, "near '%s'", "\\\xc4");
	assert_non_null(resp.json);
	assert_string_equal(json_string_value(json_object_get(json_object_get(resp.json, "error"),
							      "message")), "near '\\?'");
	http_error(&resp, 400, "invalid_json", "x", "%s", "\xe0\x80\x80"); /* overlong */
	assert_non_null(resp.json);
	assert_string_equal(json_string_value(json_object_get(json_object_get(resp.json, "error"),
							      "code")), "invalid_json");
	http_store_error(&resp, -EINVAL, &err);
	assert_int_equal(resp.status, 400);
	e = json_object_get(resp.json, "error");
	assert_string_equal(json_string_value(json_object_get(e, "field")), "unit");
	http_store_error(&resp, -EPERM, NULL);
	assert_int_equal(resp.status, 409);
	http_store_error(&resp, -ENOENT, NULL);
	assert_int_equal(resp.status, 404);
	http_store_error(&resp, -EEXIST, NULL);
	assert_int_equal(resp.status, 409);
	http_store_error(&resp, -EBUSY, NULL);
	assert_int_equal(resp.status, 503);
	http_store_error(&resp, -ERANGE, NULL);
	assert_int_equal(resp.status, 503);
	http_store_error(&resp, -E2BIG, NULL);
	assert_int_equal(resp.status, 500);
	json_decref(resp.json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matching),
		cmocka_unit_test(misses),
		cmocka_unit_test(error_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
