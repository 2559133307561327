/*
 * test_incident_store.c — incidents in the SQLite store
 * (store/sqlite_incident.c): the record made with a new incident, links
 * between holders of an observable and their cap, a support request that
 * becomes an incident (observables from its whole timeline), removed
 * values staying removed, stale links going with them, merge and
 * parent/child rules, scope on links, and nothing stored by a failed
 * write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "core/incident.h"
#include "store/store.h"
#include "store_fixture.h"

static const struct unit_in units[] = {
	{ .code = "0010", .name = "Kho bạc Nhà nước Hà Nội" },
	{ .code = "0110", .name = "Kho bạc Nhà nước Hải Phòng" },
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_err err = { 0 };
	struct service_in svc = { "DVC", "Dịch vụ công" };
	struct user_in agent = { "agent", "Nguyễn Văn An", NULL, NULL, ROLE_AGENT, NULL };
	size_t created, updated;
	int from, to;

	fx_open(fx, "/tmp/ungcuu-test-XXXXXX", STORE_CREATE, &from, &to);
	assert_int_equal(store_unit_import(fx->st, units, 2, "test", &created, &updated, &err), 0);
	assert_int_equal(store_service_create(fx->st, &svc, "test", &err), 0);
	assert_int_equal(store_user_create(fx->st, &agent, "test", &err), 0);
	*state = fx;
	return 0;
}

static void create(struct fx *fx, enum req_kind kind, const char *unit, const char *text,
		   const struct incident_in *inc, char code[16])
{
	struct request_in in = {
		.kind = kind, .unit = unit, .service = "DVC", .subject = "Báo cáo",
		.description = text, .requester_name = "Trần Thị Bình",
		.requester_email = "binh@example.gov.vn", .requester_phone = "0912 345 678",
		.channel = CHAN_API, .priority = PRIO_NORMAL, .incident = inc,
	};
	struct store_err err = { 0 };

	assert_int_equal(store_request_create(fx->st, &in, "test", code, &err), 0);
}

static json_t *incident(struct fx *fx, const char *code, const char *scope)
{
	json_t *o = NULL;

	assert_int_equal(store_incident_get(fx->st, code, scope, true, 1795230000, &o), 0);
	return o;
}

static size_t count_links(json_t *inc, const char *relation)
{
	size_t i, n = 0;
	json_t *l;

	json_array_foreach(json_object_get(inc, "links"), i, l)
		n += !strcmp(json_string_value(json_object_get(l, "relation")), relation);
	return n;
}

static bool has_obs(json_t *inc, const char *type, const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(inc, "observables"), i, o)
		if (!strcmp(json_string_value(json_object_get(o, "type")), type) &&
		    !strcmp(json_string_value(json_object_get(o, "value")), value))
			return true;
	return false;
}

static void record_and_requester(void **state)
{
	struct fx *fx = *state;
	struct incident_in in = { .category = INC_DOS, .severity = SEV_HIGH,
				  .detected_at = 1795200000, .affected_units = "0010,0110" };
	char code[16];
	json_t *o;

	create(fx, KIND_INCIDENT, "0010", "Tấn công từ 203.0.113.9; gọi lại 0912345678 hoặc "
	       "binh@example.gov.vn", &in, code);
	o = incident(fx, code, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "category")), "dos");
	assert_string_equal(json_string_value(json_object_get(o, "severity")), "high");
	assert_string_equal(json_string_value(json_object_get(o, "detected_at")),
			    "2026-11-21T01:40:00+07:00");
	assert_int_equal(json_array_size(json_object_get(o, "affected_units")), 2);
	assert_true(has_obs(o, "ipv4", "203.0.113.9"));
	/* the requester's own number and address are not indicators */
	assert_false(has_obs(o, "phone", "0912345678"));
	assert_false(has_obs(o, "email", "binh@example.gov.vn"));
	json_decref(o);
	/* a support request has no incident record */
	create(fx, KIND_SUPPORT, "0010", "IP 203.0.113.9", NULL, code);
	assert_int_equal(store_incident_get(fx->st, code, NULL, true, 0, &o), -ENOENT);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM observables"), 1);
}

/* Holders of a value are linked, until it is too common to mean anything. */
static void link_cap(void **state)
{
	struct fx *fx = *state;
	char first[16], code[16];
	json_t *o;

	create(fx, KIND_INCIDENT, "0010", "C2 198.51.100.77", NULL, first);
	for (int i = 0; i < 50; i++)
		create(fx, KIND_INCIDENT, "0010", "C2 198.51.100.77", NULL, code);
	o = incident(fx, first, NULL);
	assert_int_equal(count_links(o, "shares_observable"), 50);
	json_decref(o);
	/* the 52nd holder: 51 others hold it already, no link is made */
	create(fx, KIND_INCIDENT, "0010", "C2 198.51.100.77", NULL, code);
	o = incident(fx, code, NULL);
	assert_true(has_obs(o, "ipv4", "198.51.100.77"));
	assert_int_equal(count_links(o, "shares_observable"), 0);
	json_decref(o);
}

/* Private addresses are kept but link nothing: 10.0.0.5 differs by unit. */
static void private_addresses(void **state)
{
	struct fx *fx = *state;
	char a[16], b[16];
	json_t *o;

	create(fx, KIND_INCIDENT, "0010", "Máy 10.0.0.5 nhiễm mã độc", NULL, a);
	create(fx, KIND_INCIDENT, "0110", "Máy 10.0.0.5 gửi thư rác", NULL, b);
	o = incident(fx, b, NULL);
	assert_true(has_obs(o, "ipv4", "10.0.0.5"));
	assert_int_equal(count_links(o, "shares_observable"), 0);
	json_decref(o);
}

static void becomes_incident_and_removal(void **state)
{
	struct fx *fx = *state;
	struct request_change msg = { .message = "Thêm: máy chủ evil-cdn.xyz và 192.0.2.44",
				      .from_requester = true, .status = -1, .priority = -1 };
	struct incident_in patch = { .category = INC_MALWARE, .severity = INC_KEEP,
				     .detected_at = INC_KEEP, .resolved_at = INC_KEEP,
				     .initial_reported_at = INC_KEEP, .final_reported_at = INC_KEEP };
	struct store_err err = { 0 };
	char a[16], b[16];
	int64_t id;
	json_t *o;

	create(fx, KIND_INCIDENT, "0110", "Máy chủ 192.0.2.44", NULL, a);
	create(fx, KIND_SUPPORT, "0010", "Máy chậm", NULL, b);
	assert_int_equal(store_request_change(fx->st, b, NULL, &msg, "test", &err), 0);
	/* a message on a support request finds nothing */
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM observables o JOIN requests r ON "
					    "r.id = o.request_id WHERE r.kind = 'support'"), 0);
	assert_int_equal(store_incident_update(fx->st, b, NULL, &patch, "test", &err), 0);
	o = incident(fx, b, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "category")), "malware");
	assert_true(has_obs(o, "domain", "evil-cdn.xyz"));
	assert_true(has_obs(o, "ipv4", "192.0.2.44"));
	assert_int_equal(count_links(o, "shares_observable"), 1);
	/* scope: a unit 0010 view does not show the link to unit 0110's request */
	json_decref(o);
	o = incident(fx, b, "0010");
	assert_int_equal(count_links(o, "shares_observable"), 0);
	json_decref(o);

	/* removing the shared value removes the link it made, and it stays removed */
	o = incident(fx, b, NULL);
	{
		size_t i;
		json_t *v;
		id = 0;
		json_array_foreach(json_object_get(o, "observables"), i, v)
			if (!strcmp(json_string_value(json_object_get(v, "value")), "192.0.2.44"))
				id = json_integer_value(json_object_get(v, "id"));
	}
	json_decref(o);
	assert_true(id > 0);
	assert_int_equal(store_observable_delete(fx->st, b, NULL, id, "test", &err), 0);
	assert_int_equal(store_observable_delete(fx->st, b, NULL, id, "test", &err), -ENOENT);
	assert_int_equal(store_request_change(fx->st, b, NULL, &msg, "test", &err), 0);
	o = incident(fx, b, NULL);
	assert_false(has_obs(o, "ipv4", "192.0.2.44"));
	assert_int_equal(count_links(o, "shares_observable"), 0);
	json_decref(o);
	/* added back by hand: allowed, linked again */
	assert_int_equal(store_observable_add(fx->st, b, NULL, "ipv4", "192.0.2.44", "test", &id, &err), 0);
	assert_int_equal(store_observable_add(fx->st, b, NULL, "ipv4", "192.0.2.44", "test", &id, &err),
			 -EEXIST);
	o = incident(fx, b, NULL);
	assert_int_equal(count_links(o, "shares_observable"), 1);
	json_decref(o);
	/* outside the scope, the request does not exist */
	assert_int_equal(store_observable_add(fx->st, a, "0010", "ipv4", "192.0.2.45", "test", &id, &err),
			 -ENOENT);
}

static void merge_and_links(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	char a[16], b[16], c[16], d[16];
	long long audit;
	json_t *o;

	create(fx, KIND_INCIDENT, "0010", "Chiến dịch", NULL, a);
	create(fx, KIND_INCIDENT, "0010", "Báo cáo 1: 0867 123 456", NULL, b);
	create(fx, KIND_INCIDENT, "0010", "Báo cáo 2", NULL, c);
	create(fx, KIND_INCIDENT, "0010", "Báo cáo 3", NULL, d);
	assert_int_equal(store_request_link(fx->st, b, a, "parent", NULL, "test", &err), 0);
	assert_int_equal(store_request_link(fx->st, b, a, "parent", NULL, "test", &err), 0); /* already */
	assert_int_equal(store_request_link(fx->st, a, c, "child", NULL, "test", &err), 0);
	assert_int_equal(store_request_link(fx->st, a, b, "parent", NULL, "test", &err), -EINVAL);
	assert_string_equal(err.field, "relation");
	assert_int_equal(store_request_link(fx->st, b, c, "parent", NULL, "test", &err), -EEXIST);
	assert_int_equal(store_request_link(fx->st, b, b, "parent", NULL, "test", &err), -EINVAL);
	assert_int_equal(store_request_link(fx->st, b, a, "sibling", NULL, "test", &err), -EINVAL);
	o = incident(fx, a, NULL);
	assert_int_equal(count_links(o, "child"), 2);
	json_decref(o);

	/* merge: closed, linked both ways, observables copied, notes, nothing lost */
	assert_int_equal(store_request_merge(fx->st, b, d, NULL, "test", &err), 0);
	o = incident(fx, d, NULL);
	assert_true(has_obs(o, "phone", "0867123456"));
	assert_int_equal(count_links(o, "duplicate"), 1);
	json_decref(o);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM requests WHERE status = 'closed'"), 1);
	assert_int_equal(store_request_merge(fx->st, b, c, NULL, "test", &err), -EPERM);
	assert_int_equal(store_request_merge(fx->st, c, b, NULL, "test", &err), -EPERM);
	/* a failed write stores nothing, not even its audit entry */
	audit = sql_int(fx->path, "SELECT count(*) FROM audit");
	assert_int_equal(store_request_merge(fx->st, c, "SD000000-000000", NULL, "test", &err), -EINVAL);
	assert_string_equal(err.field, "into");
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM audit"), audit);
}

static void tasks(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct task_in t = { .title = "Cách ly", .set_assignee = true, .assignee = "agent",
			     .set_due = true, .due = "2026-11-22", .done = -1 };
	struct task_in done = { .done = 1 };
	struct task_in nobody = { .set_assignee = true, .assignee = "nobody", .done = -1 };
	char a[16], s[16];
	int64_t id;
	json_t *o;

	create(fx, KIND_INCIDENT, "0010", "x", NULL, a);
	create(fx, KIND_SUPPORT, "0010", "x", NULL, s);
	assert_int_equal(store_task_add(fx->st, a, NULL, &t, "test", &id, &err), 0);
	assert_int_equal(store_task_update(fx->st, a, NULL, id, &done, "test", &err), 0);
	assert_int_equal(store_task_update(fx->st, a, NULL, id, &nobody, "test", &err), -EINVAL);
	assert_int_equal(store_task_update(fx->st, a, NULL, id + 100, &done, "test", &err), -ENOENT);
	assert_int_equal(store_task_add(fx->st, s, NULL, &t, "test", &id, &err), -EPERM);
	o = incident(fx, a, NULL);
	assert_int_equal(json_array_size(json_object_get(o, "tasks")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(o, "tasks"), 0), "done")));
	json_decref(o);
	/* tasks are internal */
	assert_int_equal(store_incident_get(fx->st, a, "0010", false, 0, &o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tasks")), 0);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(record_and_requester, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(link_cap, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(private_addresses, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(becomes_incident_and_removal, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(merge_and_links, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tasks, setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
