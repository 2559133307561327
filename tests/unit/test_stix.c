/*
 * test_stix.c — the STIX 2.1 bundle of an incident (core/stix): UUIDv5,
 * SCO ids as the specification derives them, deterministic output, the
 * objects and relationships present, patterns escaped, and a report SDO
 * for requests of other kinds.  (The integration test validates exported
 * bundles against the official JSON schemas.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdbool.h>

#include "core/stix.h"

static const char REQ[] =
	"{\"code\":\"SD261121-000042\",\"kind\":\"incident\",\"unit\":\"0010\","
	"\"unit_name\":\"Kho bạc Nhà nước Hà Nội\",\"subject\":\"Nhiễm mã độc\","
	"\"description\":\"Máy kế toán\",\"status\":\"open\","
	"\"created_at\":\"2026-11-21T02:00:00.123Z\",\"updated_at\":\"2026-11-21T03:00:00.000Z\","
	"\"incident\":{\"category\":\"malware\",\"severity\":\"high\","
	"\"detected_at\":\"2026-11-21T08:15:00+07:00\",\"observables\":["
	"{\"id\":1,\"type\":\"ipv4\",\"value\":\"198.51.100.3\"},"
	"{\"id\":2,\"type\":\"sha256\",\"value\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"},"
	"{\"id\":3,\"type\":\"url\",\"value\":\"http://evil.vn/a'b\"},"
	"{\"id\":4,\"type\":\"cve\",\"value\":\"CVE-2023-4966\"},"
	"{\"id\":5,\"type\":\"phone\",\"value\":\"0867123456\"},"
	"{\"id\":6,\"type\":\"zalo\",\"value\":\"Hỗ Trợ DVC\"}],"
	"\"links\":[{\"code\":\"SD261120-000001\",\"relation\":\"shares_observable\"}]}}";

static json_t *find(json_t *bundle, const char *type, const char *key, const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(bundle, "objects"), i, o)
		if (!strcmp(json_string_value(json_object_get(o, "type")), type) &&
		    (!key || (json_string_value(json_object_get(o, key)) &&
			      !strcmp(json_string_value(json_object_get(o, key)), value))))
			return o;
	return NULL;
}

static bool has_id(json_t *bundle, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(bundle, "objects"), i, o)
		if (!strcmp(json_string_value(json_object_get(o, "id")), id))
			return true;
	return false;
}

static void uuid5(void **state)
{
	static const unsigned char dns[16] = { 0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
					       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	char u[STIX_UUID_SIZE];

	stix_uuid5(dns, "python.org", 10, u);
	assert_string_equal(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

static void bundle_shape(void **state)
{
	json_t *req = json_loads(REQ, 0, NULL), *b, *b2, *o;
	char *t1, *t2;
	size_t i, n = 0;

	assert_non_null(req);
	b = stix_bundle(req, NULL, "Đội ứng cứu");
	assert_non_null(b);
	assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");

	/* the incident, named by the request, with its category */
	o = find(b, "incident", NULL, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Nhiễm mã độc");
	assert_string_equal(json_string_value(json_object_get(o, "spec_version")), "2.1");
	assert_string_equal(json_string_value(json_object_get(o, "x_ungcuu_detected_at")),
			    "2026-11-21T01:15:00.000Z");
	/* two identities: the team and the unit */
	assert_non_null(find(b, "identity", "name", "Đội ứng cứu"));
	assert_non_null(find(b, "identity", "name", "Kho bạc Nhà nước Hà Nội"));
	/* SCO ids as the specification derives them */
	o = find(b, "ipv4-addr", "value", "198.51.100.3");
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "id")),
			    "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
	o = find(b, "file", NULL, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "id")),
			    "file--a7928fbf-e7c8-52e1-9d22-c8c4d008ad01");
	o = find(b, "url", "value", "http://evil.vn/a'b");
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "id")),
			    "url--7e84f7f6-f258-57c4-b28a-9d843fd05c2d");
	/* indicators with escaped patterns */
	assert_non_null(find(b, "indicator", "pattern", "[ipv4-addr:value = '198.51.100.3']"));
	assert_non_null(find(b, "indicator", "pattern", "[url:value = 'http://evil.vn/a\\'b']"));
	assert_non_null(find(b, "indicator", "pattern",
			     "[file:hashes.'SHA-256' = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']"));
	o = find(b, "indicator", "pattern", "[ipv4-addr:value = '198.51.100.3']");
	assert_string_equal(json_string_value(json_object_get(o, "valid_from")), "2026-11-21T01:15:00.000Z");
	/* CVE, phone, Zalo */
	assert_non_null(find(b, "vulnerability", "name", "CVE-2023-4966"));
	assert_non_null(find(b, "user-account", "user_id", "0867123456"));
	assert_non_null(find(b, "user-account", "display_name", "Hỗ Trợ DVC"));
	/* relationships point at objects of the bundle, or at linked incidents */
	json_array_foreach(json_object_get(b, "objects"), i, o) {
		const char *src, *dst;
		if (strcmp(json_string_value(json_object_get(o, "type")), "relationship"))
			continue;
		n++;
		src = json_string_value(json_object_get(o, "source_ref"));
		dst = json_string_value(json_object_get(o, "target_ref"));
		assert_true(has_id(b, src));
		assert_true(has_id(b, dst) || strncmp(dst, "incident--", 10) == 0);
	}
	assert_true(n >= 12);

	/* marked TLP:AMBER, every object */
	o = find(b, "marking-definition", "name", "TLP:AMBER");
	assert_non_null(o);
	json_array_foreach(json_object_get(b, "objects"), i, o) {
		if (!strcmp(json_string_value(json_object_get(o, "type")), "marking-definition"))
			continue;
		assert_string_equal(json_string_value(json_array_get(json_object_get(o, "object_marking_refs"), 0)),
				    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82");
	}

	/* deterministic: the same request gives the same bundle */
	b2 = stix_bundle(req, NULL, "Đội ứng cứu");
	t1 = json_dumps(b, JSON_SORT_KEYS);
	t2 = json_dumps(b2, JSON_SORT_KEYS);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	json_decref(b2);
	json_decref(b);

	/* not confidential: TLP:GREEN */
	json_object_set_new(json_object_get(req, "incident"), "report", json_pack("{sb}", "confidential", 0));
	b = stix_bundle(req, NULL, "Đội ứng cứu");
	assert_non_null(find(b, "marking-definition", "name", "TLP:GREEN"));
	assert_null(find(b, "marking-definition", "name", "TLP:AMBER"));
	json_decref(b);

	/* another kind: a report SDO listing its objects */
	json_object_set_new(req, "kind", json_string("support"));
	b = stix_bundle(req, NULL, "Đội ứng cứu");
	o = find(b, "report", NULL, NULL);
	assert_non_null(o);
	assert_true(json_array_size(json_object_get(o, "object_refs")) >= 1);
	assert_non_null(json_object_get(o, "published"));
	assert_null(find(b, "incident", NULL, NULL));
	json_decref(b);

	/* missing code: no bundle */
	json_object_del(req, "code");
	assert_null(stix_bundle(req, NULL, "x"));
	json_decref(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid5),
		cmocka_unit_test(bundle_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
