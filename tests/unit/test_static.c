/*
 * test_static.c - unit tests for the web UI's file names (http/static):
 * which paths belong to the UI, which asset names are served, content
 * types, and which names count as content-hashed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/static.h"

static void owns(void **state)
{
	(void)state;
	assert_true(static_owns("/app"));
	assert_true(static_owns("/app/"));
	assert_true(static_owns("/app/requests/SD261121-000001"));
	assert_true(static_owns("/assets/site.css"));
	assert_false(static_owns("/application"));
	assert_false(static_owns("/api/v1/requests"));
	assert_false(static_owns("/assets"));
	assert_false(static_owns("/"));
}

static void asset_names(void **state)
{
	(void)state;
	assert_string_equal(static_asset_name("/assets/site.css"), "site.css");
	assert_string_equal(static_asset_name("/assets/img/logo-1.png"), "img/logo-1.png");
	assert_null(static_asset_name("/assets/"));
	assert_null(static_asset_name("/assets/../x"));
	assert_null(static_asset_name("/assets/a/../../x"));
	assert_null(static_asset_name("/assets/./site.css"));
	assert_null(static_asset_name("/assets/.hidden"));
	assert_null(static_asset_name("/assets/a/.git/config"));
	assert_null(static_asset_name("/assets//site.css"));
	assert_null(static_asset_name("/assets/dir/"));
	assert_null(static_asset_name("/assets/a\\..\\x"));
	assert_null(static_asset_name("/assets/a%2e"));
	assert_null(static_asset_name("/assets/sp ace.css"));
	assert_null(static_asset_name("/app/site.css"));
	{
		char longname[300];
		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		memcpy(longname, "/assets/", 8);
		assert_null(static_asset_name(longname));
	}
}

static void content_types(void **state)
{
	(void)state;
	assert_string_equal(static_content_type("index.html"), "text/html; charset=utf-8");
	assert_string_equal(static_content_type("site.css"), "text/css; charset=utf-8");
	assert_string_equal(static_content_type("app-AB12CD34.js"), "text/javascript; charset=utf-8");
	assert_string_equal(static_content_type("x.SVG"), "image/svg+xml");
	assert_string_equal(static_content_type("a.webp"), "image/webp");
	assert_string_equal(static_content_type("noext"), "application/octet-stream");
	assert_string_equal(static_content_type("a.css/b"), "application/octet-stream");
	assert_string_equal(static_content_type("a.exe"), "application/octet-stream");
}

static void hashed(void **state)
{
	(void)state;
	assert_true(static_is_hashed("app-SHVVBP6A.js"));
	assert_true(static_is_hashed("chunks/x-AB12CD34.css"));
	assert_false(static_is_hashed("site.css"));
	assert_false(static_is_hashed("public.js"));
	assert_false(static_is_hashed("app-shvvbp6a.js"));
	assert_false(static_is_hashed("app-SHVVBP6.js"));
	assert_false(static_is_hashed("-SHVVBP6A"));
	assert_false(static_is_hashed("a-b/SHVVBP6A.js"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owns),
		cmocka_unit_test(asset_names),
		cmocka_unit_test(content_types),
		cmocka_unit_test(hashed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
