/*
 * test_sla_store.c — the SLA parts of the SQLite store with an injected
 * clock: the clock row kept at every change (pause while pending, resume
 * on the requester's answer), SLA lists by state, the escalation sequence
 * (due soon -> assignee or the primary on duty, breached -> lead on duty,
 * later -> head; each once, as note + outbox mail + audit), the next-update
 * cycle, duty roster reads, settings, and statistics over known data
 * (categories, units, months at the UTC+7 month boundary, medians and p90,
 * compliance).
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

#include "core/sla.h"
#include "store/store.h"
#include "store_fixture.h"

static int64_t T(const char *s)
{
	int64_t t = 0;

	assert_int_equal(sla_time_parse(s, &t), 0);
	return t;
}

static const struct unit_in units[] = {
	{ .code = "0010", .name = "Kho bạc Nhà nước Hà Nội" },
	{ .code = "0110", .name = "Kho bạc Nhà nước Hải Phòng" },
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_err err = { 0 };
	struct service_in svc = { "DVC", "Dịch vụ công" };
	struct user_in users[] = {
		{ "agent1", "Nguyễn Văn An", "an@example.gov.vn", NULL, ROLE_AGENT, NULL },
		{ "agent2", "Lê Thị Hoa", "hoa@example.gov.vn", NULL, ROLE_AGENT, NULL },
		{ "lead1", "Phạm Minh Trưởng", "truong@example.gov.vn", NULL, ROLE_AGENT, NULL },
		{ "head1", "Đỗ Văn Lãnh", "lanh@example.gov.vn", NULL, ROLE_ADMIN, NULL },
		{ "unit0010", "Trần Thị Bình", NULL, NULL, ROLE_UNIT, "0010" },
	};
	size_t created, updated;
	int from, to;

	fx_open(fx, "/tmp/ungcuu-test-XXXXXX", STORE_CREATE, &from, &to);
	assert_int_equal(store_unit_import(fx->st, units, 2, "test", &created, &updated, &err), 0);
	assert_int_equal(store_service_create(fx->st, &svc, "test", &err), 0);
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		assert_int_equal(store_user_create(fx->st, &users[i], "test", &err), 0);
	*state = fx;
	return 0;
}

static void create(struct fx *fx, enum req_kind kind, const char *unit, const char *assignee,
		   int64_t now, char code[16])
{
	struct request_in in = {
		.kind = kind, .unit = unit, .service = "DVC", .subject = "Sự cố thử nghiệm",
		.description = "Mô tả", .requester_name = "Trần Thị Bình",
		.requester_email = "binh@example.gov.vn", .channel = CHAN_API,
		.priority = PRIO_NORMAL, .assignee = assignee, .now = (time_t)now,
	};
	struct store_err err = { 0 };
	int rc = store_request_create(fx->st, &in, "test", code, &err);

	if (rc)
		print_error("create: %d %s\n", rc, err.message);
	assert_int_equal(rc, 0);
}

static void change(struct fx *fx, const char *code, const char *message, bool from_requester,
		   int status, int64_t now)
{
	struct request_change chg = { .message = message, .from_requester = from_requester,
				      .status = status, .priority = -1, .now = (time_t)now };
	struct store_err err = { 0 };
	int rc = store_request_change(fx->st, code, NULL, &chg, "test", &err);

	if (rc)
		print_error("change: %d %s\n", rc, err.message);
	assert_int_equal(rc, 0);
}

static int tick(struct fx *fx, const char *when)
{
	struct sla_tick_result r = { 0 };

	assert_int_equal(store_sla_tick(fx->st, T(when), &r), 0);
	return r.escalations;
}

/* The state of `code` in the SLA list at `when` (any state), or "". */
static const char *state_at(struct fx *fx, const char *code, const char *when, char *buf)
{
	json_t *o, *it;
	size_t i;

	buf[0] = '\0';
	for (int s = 0; s < SLA__MAX; s++) {
		struct sla_filter f = { .state = s, .limit = 100, .now = T(when) };
		assert_int_equal(store_sla_list(fx->st, &f, &o), 0);
		json_array_foreach(json_object_get(o, "items"), i, it)
			if (!strcmp(json_string_value(json_object_get(it, "code")), code))
				strcpy(buf, sla_state_name(s));
		json_decref(o);
	}
	return buf;
}

static void duty(struct fx *fx, const char *user, const char *role, const char *from, const char *to)
{
	struct duty_in in = { user, role, T(from), T(to), NULL };
	struct store_err err = { 0 };
	int64_t id = 0;

	assert_int_equal(store_duty_add(fx->st, &in, "test", &id, &err), 0);
	assert_true(id > 0);
}

static void test_pause_resume(void **state)
{
	struct fx *fx = *state;
	char code[16], buf[16];

	create(fx, KIND_SUPPORT, "0010", "agent1", T("2026-11-23T08:00"), code);
	assert_string_equal(state_at(fx, code, "2026-11-23T08:30", buf), "ok");
	/* support asks a question and waits: the clock pauses */
	change(fx, code, "Xin gửi ảnh chụp màn hình", false, ST_PENDING, T("2026-11-23T09:00"));
	assert_string_equal(state_at(fx, code, "2026-11-30T09:00", buf), "paused");
	assert_int_equal(sql_int(fx->path, "SELECT elapsed FROM request_sla"), 3600);
	assert_int_equal(sql_int(fx->path, "SELECT running_since IS NULL FROM request_sla"), 1);
	/* the requester answers a week later: it resumes where it was */
	change(fx, code, "Đã gửi", true, -1, T("2026-11-30T10:00"));
	assert_int_equal(sql_int(fx->path, "SELECT paused FROM request_sla"), 0);
	assert_int_equal(sql_int(fx->path, "SELECT elapsed FROM request_sla"), 3600);
	assert_int_equal(sql_int(fx->path, "SELECT updates FROM request_sla"), 1);
	assert_string_equal(state_at(fx, code, "2026-11-30T10:30", buf), "ok");
	/* resolved: met, and the list of open requests no longer holds it */
	change(fx, code, NULL, false, ST_RESOLVED, T("2026-11-30T11:00"));
	assert_int_equal(sql_int(fx->path, "SELECT open FROM request_sla"), 0);
	assert_int_equal(sql_int(fx->path, "SELECT late FROM request_sla"), 0);
	assert_string_equal(state_at(fx, code, "2026-12-30T10:30", buf), "");
	/* the request's own view says met */
	{
		json_t *o;
		assert_int_equal(store_request_get(fx->st, code, NULL, true, false, &o), 0);
		assert_string_equal(json_string_value(json_object_get(json_object_get(o, "sla"), "state")),
				    "met");
		assert_string_equal(json_string_value(json_object_get(json_object_get(o, "sla"), "policy")),
				    "support/normal");
		json_decref(o);
	}
}

static long long outbox_to(struct fx *fx, const char *addr)
{
	char q[256];

	snprintf(q, sizeof(q), "SELECT count(*) FROM outbox WHERE kind = 'escalation' AND to_addr = '%s'",
		 addr);
	return sql_int(fx->path, q);
}

static void test_escalation_sequence(void **state)
{
	struct fx *fx = *state;
	struct sla_config_in cfg = { .fixed_holidays = -1, .set_head = true, .head = "head1",
				     .head_after = -1 };
	struct store_err err = { 0 };
	char r1[16], r2[16], buf[16];
	json_t *o;

	assert_int_equal(store_sla_config_set(fx->st, &cfg, "test", &err), 0);
	duty(fx, "lead1", "lead", "2026-11-23T07:00", "2026-11-24T07:00");
	duty(fx, "agent2", "primary", "2026-11-23T07:00", "2026-11-24T07:00");
	assert_int_equal(store_duty_now(fx->st, T("2026-11-23T12:00"), &o), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "lead"), "username")),
			    "lead1");
	assert_true(json_is_null(json_object_get(o, "backup")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "head"), "username")),
			    "head1");
	json_decref(o);

	/* incident/normal: first response 2 h (business); support/normal: 4 h */
	create(fx, KIND_INCIDENT, "0010", "agent1", T("2026-11-23T08:00"), r1);
	create(fx, KIND_SUPPORT, "0110", NULL, T("2026-11-23T08:00"), r2);
	assert_int_equal(tick(fx, "2026-11-23T09:00"), 0);
	/* 20 min of 2 h left: due soon, the assignee hears of it, once */
	assert_string_equal(state_at(fx, r1, "2026-11-23T09:40", buf), "due_soon");
	assert_int_equal(tick(fx, "2026-11-23T09:40"), 1);
	assert_int_equal(outbox_to(fx, "an@example.gov.vn"), 1);
	assert_int_equal(tick(fx, "2026-11-23T09:45"), 0);
	/* breached at 10:00: the lead on duty */
	assert_int_equal(tick(fx, "2026-11-23T10:05"), 1);
	assert_int_equal(outbox_to(fx, "truong@example.gov.vn"), 1);
	assert_int_equal(tick(fx, "2026-11-23T10:06"), 0);
	/* r2 has no assignee: due soon at 13:00 reaches the primary on duty;
	 * r1's head is not told before 4 h after its breach */
	assert_int_equal(tick(fx, "2026-11-23T13:00"), 1);
	assert_int_equal(outbox_to(fx, "hoa@example.gov.vn"), 1);
	/* 14:30: the head for r1, the lead for r2 (due 13:30) */
	assert_int_equal(tick(fx, "2026-11-23T14:30"), 2);
	assert_int_equal(outbox_to(fx, "lanh@example.gov.vn"), 1);
	assert_int_equal(outbox_to(fx, "truong@example.gov.vn"), 2);
	assert_int_equal(tick(fx, "2026-11-23T14:31"), 0);
	/* every escalation is an internal note by "system" and an audit entry */
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM events WHERE type = 'note' AND "
				 "actor = 'system' AND internal = 1"), 5);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM audit WHERE action = 'sla.escalate'"), 5);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM sla_escalations"), 5);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM outbox o JOIN events e ON "
				 "e.id = o.event_id WHERE o.kind = 'escalation' AND e.type = 'note'"), 5);

	/* a reply at 15:00 starts the next-update clock (4 h): due Tue 09:30,
	 * due soon from 08:42: a new cycle for the assignee; r2's head too */
	change(fx, r1, "Đang xử lý", false, -1, T("2026-11-23T15:00"));
	assert_int_equal(tick(fx, "2026-11-24T08:30"), 1); /* r2 head (breached at 13:30 + 4 h) */
	assert_int_equal(tick(fx, "2026-11-24T08:50"), 1); /* r1 next update, cycle 1 */
	assert_int_equal(outbox_to(fx, "an@example.gov.vn"), 2);
	assert_int_equal(sql_int(fx->path, "SELECT cycle FROM sla_escalations WHERE target = "
				 "'next_update'"), 1);
	assert_int_equal(tick(fx, "2026-11-24T08:55"), 0);
	/* the SLA list says what the console shows */
	{
		struct sla_filter f = { .state = -1, .limit = 10, .now = T("2026-11-24T09:00") };
		assert_int_equal(store_sla_list(fx->st, &f, &o), 0);
		assert_int_equal(json_array_size(json_object_get(o, "items")), 2);
		/* sorted by due: r2 (Mon 13:30) then r1 (Tue 09:30) */
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(o, "items"), 0), "code")), r2);
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(o, "items"), 1), "target")),
				    "next_update");
		assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "counts"),
								    "breached")), 1);
		json_decref(o);
		f.unit = "0010";
		assert_int_equal(store_sla_list(fx->st, &f, &o), 0);
		assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
		json_decref(o);
		f.unit = NULL;
		f.scope = "0110";
		assert_int_equal(store_sla_list(fx->st, &f, &o), 0);
		assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
		json_decref(o);
	}
}

/* More breaches than one tick handles: the next ticks take the rest, and
 * what was escalated is marked on the clock row, not looked up again. */
static void test_backlog(void **state)
{
	struct fx *fx = *state;
	char code[16];

	for (int i = 0; i < 620; i++)
		create(fx, KIND_SUPPORT, "0010", "agent1", T("2026-11-23T08:00"), code);
	/* 4 h business: breached by Tuesday; head after 4 h more */
	assert_int_equal(tick(fx, "2026-11-24T10:00"), 500 * 3);
	assert_int_equal(tick(fx, "2026-11-24T10:00"), 120 * 3);
	assert_int_equal(tick(fx, "2026-11-24T10:01"), 0);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM request_sla WHERE esc_mark = "
				 "((0 * 4 + 0 + 1) << 3 | 7)"), 620);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM sla_escalations"), 620 * 3);
	/* a forgotten mark (a database from before the marks) costs a pass
	 * through the writer, which finds the records and sends nothing */
	sql(fx->path, "UPDATE request_sla SET esc_mark = 0");
	assert_int_equal(tick(fx, "2026-11-24T10:02"), 0);
	assert_int_equal(tick(fx, "2026-11-24T10:03"), 0);
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM request_sla WHERE esc_mark = 0"), 0);
}

static void test_settings(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct sla_config_in bad = { .hours = "mon-fri 17:00-08:00", .fixed_holidays = -1,
				     .head_after = -1 };
	struct sla_config_in sat = { .hours = "mon-sat 08:00-12:00", .fixed_holidays = 0,
				     .head_after = 60 };
	struct sla_policy_in pol = { "support", "normal", 600, -1, -1, 0, -1 };
	char code[16];
	json_t *o;

	assert_int_equal(store_sla_config_set(fx->st, &bad, "test", &err), -EINVAL);
	assert_string_equal(err.field, "hours");
	assert_int_equal(store_sla_config_set(fx->st, &sat, "test", &err), 0);
	assert_int_equal(store_sla_day_set(fx->st, "2026-12-01", "holiday", "Thử", "test", &err), 0);
	assert_int_equal(store_sla_day_set(fx->st, "2026-13-01", "holiday", "x", "test", &err), -EINVAL);
	assert_int_equal(store_sla_day_set(fx->st, "2026-12-02", "party", "x", "test", &err), -EINVAL);
	assert_int_equal(store_sla_day_set(fx->st, "2026-12-03", NULL, NULL, "test", &err), -ENOENT);
	assert_int_equal(store_sla_policy_set(fx->st, &pol, "test", &err), 0);
	assert_int_equal(store_sla_config_get(fx->st, 2026, &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "hours")), "mon-sat 08:00-12:00");
	assert_false(json_is_true(json_object_get(o, "fixed_holidays")));
	assert_int_equal(json_array_size(json_object_get(o, "days")), 8); /* 7 seeded for 2026 + 1 */
	assert_int_equal(json_array_size(json_object_get(o, "policies")), 16);
	json_decref(o);
	assert_int_equal(store_sla_config_get(fx->st, 2025, &o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "days")), 9);
	json_decref(o);
	/* the new calendar applies at once: Saturday works, 24/7 10 min policy */
	create(fx, KIND_SUPPORT, "0010", NULL, T("2026-11-21T08:00"), code);
	{
		struct sla_filter f = { .state = SLA_BREACHED, .limit = 10, .now = T("2026-11-21T08:11") };
		assert_int_equal(store_sla_list(fx->st, &f, &o), 0);
		assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
		json_decref(o);
	}
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM audit WHERE action LIKE 'sla.%'"), 3);
	/* a kind and priority without a policy: no clock, and changes still work */
	sql(fx->path, "DELETE FROM sla_policies WHERE kind = 'leak' AND priority = 'normal'");
	create(fx, KIND_LEAK, "0010", NULL, T("2026-11-21T08:00"), code);
	change(fx, code, "Đã nhận", false, ST_RESOLVED, T("2026-11-21T09:00"));
	assert_int_equal(store_request_get(fx->st, code, NULL, true, false, &o), 0);
	assert_true(json_is_null(json_object_get(o, "sla")));
	json_decref(o);
	/* duty refusals */
	{
		struct duty_in d = { "unit0010", "lead", 10, 20, NULL };
		int64_t id;
		assert_int_equal(store_duty_add(fx->st, &d, "test", &id, &err), -EINVAL);
		assert_string_equal(err.field, "username");
		d.username = "agent1";
		d.role = "boss";
		assert_int_equal(store_duty_add(fx->st, &d, "test", &id, &err), -EINVAL);
		d.role = "lead";
		d.ends = 5;
		assert_int_equal(store_duty_add(fx->st, &d, "test", &id, &err), -EINVAL);
		d.ends = 20;
		assert_int_equal(store_duty_add(fx->st, &d, "test", &id, &err), 0);
		assert_int_equal(store_duty_list(fx->st, 0, 100, &o), 0);
		assert_int_equal(json_array_size(o), 1);
		json_decref(o);
		assert_int_equal(store_duty_delete(fx->st, id, "test"), 0);
		assert_int_equal(store_duty_delete(fx->st, id, "test"), -ENOENT);
	}
}

static void test_stats(void **state)
{
	struct fx *fx = *state;
	char a[16], b[16], c[16], q[200];
	json_t *o, *x;

	/* A: incident (malware) answered after 30 min, resolved after 2 h */
	create(fx, KIND_INCIDENT, "0010", "agent1", T("2026-11-23T08:00"), a);
	change(fx, a, "Đã nhận", false, -1, T("2026-11-23T08:30"));
	change(fx, a, NULL, false, ST_RESOLVED, T("2026-11-23T10:00"));
	/* (an incident gets its incidents row, category guessed, on creation) */
	snprintf(q, sizeof(q), "UPDATE incidents SET category = 'malware' WHERE request_id = "
		 "(SELECT id FROM requests WHERE code = '%s')", a);
	sql(fx->path, q);
	/* B: support answered after 1 h, resolved after 4 h */
	create(fx, KIND_SUPPORT, "0010", "agent1", T("2026-11-23T08:00"), b);
	change(fx, b, "Đã nhận", false, -1, T("2026-11-23T09:00"));
	change(fx, b, NULL, false, ST_RESOLVED, T("2026-11-23T12:00"));
	/* C: 06:30 on 1/12 in Hà Nội, still 30/11 in UTC: a December incident
	 * without a category, answered after 2 h, never resolved */
	create(fx, KIND_INCIDENT, "0110", "agent1", T("2026-12-01T06:30"), c);
	change(fx, c, "Đã nhận", false, -1, T("2026-12-01T08:30"));
	/* as one stored before incidents had their own record */
	snprintf(q, sizeof(q), "DELETE FROM incidents WHERE request_id = "
		 "(SELECT id FROM requests WHERE code = '%s')", c);
	sql(fx->path, q);

	assert_int_equal(store_stats(fx->st, T("2026-11-01"), T("2027-01-01"), NULL,
				     T("2027-01-01"), &o), 0);
	x = json_object_get(o, "by_month");
	assert_int_equal(json_array_size(x), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "key")), "2026-11");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(x, 0), "count")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(x, 1), "key")), "2026-12");
	x = json_object_get(o, "by_category");
	assert_int_equal(json_array_size(x), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "key")), "malware");
	assert_string_equal(json_string_value(json_object_get(json_array_get(x, 1), "key")),
			    "uncategorised");
	x = json_object_get(o, "by_unit");
	assert_string_equal(json_string_value(json_object_get(json_array_get(x, 0), "key")), "0010");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(x, 0), "count")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(x, 1), "name")),
			    "Kho bạc Nhà nước Hải Phòng");
	x = json_object_get(o, "first_response");
	assert_int_equal(json_integer_value(json_object_get(x, "count")), 3);
	assert_int_equal(json_integer_value(json_object_get(x, "median_s")), 3600);
	assert_int_equal(json_integer_value(json_object_get(x, "p90_s")), 7200);
	x = json_object_get(o, "resolution");
	assert_int_equal(json_integer_value(json_object_get(x, "median_s")), 7200);
	assert_int_equal(json_integer_value(json_object_get(x, "p90_s")), 14400);
	x = json_object_get(o, "sla_compliance");
	assert_int_equal(json_integer_value(json_object_get(x, "met")), 2);
	assert_int_equal(json_integer_value(json_object_get(x, "breached")), 1);
	assert_true(json_real_value(json_object_get(x, "ratio")) > 0.66 &&
		    json_real_value(json_object_get(x, "ratio")) < 0.67);
	json_decref(o);
	/* November only (Hà Nội time): C is out; a unit's scope */
	assert_int_equal(store_stats(fx->st, T("2026-11-01"), T("2026-12-01"), "0110",
				     T("2027-01-01"), &o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "by_month")), 0);
	assert_true(json_is_null(json_object_get(json_object_get(o, "first_response"), "median_s")));
	assert_true(json_is_null(json_object_get(json_object_get(o, "sla_compliance"), "ratio")));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pause_resume, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_escalation_sequence, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_backlog, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stats, setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
