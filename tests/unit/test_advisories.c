/*
 * test_advisories.c — advisories in the SQLite store, with the real CISA
 * KEV catalog and a national advisory file (tests/data): FortiOS and
 * Exchange entries against a fabricated inventory give the expected items,
 * requests and due dates; re-import changes nothing; a unit sees only its
 * own assets and items; answers, reviews, inventory changes, reminders,
 * escalations, aliases and the approved-applications register.
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

#include "core/advisory.h"
#include "store/store.h"
#include "store_fixture.h"
#include "store/store_adv.h"
#include "vuln/advworker.h"

/* 2026-11-21 03:00:00 UTC = 10:00 in Hà Nội */
#define T0 ((int64_t)1795230000)
#define DAY 86400

static long long q1(struct fx *fx, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void qs(struct fx *fx, const char *q, char *buf, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *s;

	buf[0] = '\0';
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static char *load(const char *rel, size_t *ret_len)
{
	const char *file = __FILE__, *slash = strrchr(file, '/');
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%.*s/../data/%s", (int)(slash - file), file, rel);
	if (!(f = fopen(path, "rb")))
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void import(struct fx *fx, const char *rel, int64_t now, struct adv_stats *ret)
{
	struct advisory_set *set;
	struct store_err err = { 0 };
	char e[256];
	size_t len;
	char *buf = load(rel, &len);

	assert_int_equal(advisory_parse(buf, len, &set, e, sizeof(e)), 0);
	free(buf);
	if (store_advisory_import(fx->st, set, "test", now, ret, &err) != 0)
		fail_msg("import %s: %s", rel, err.message);
	advisory_set_free(set);
}

static const struct contact_in c_parent = { "Lê Văn Cấp", "Trưởng phòng", "parent@example.gov.vn", NULL };
static const struct contact_in c_ux = { "Nguyễn Văn X", NULL, "x@example.gov.vn", NULL };
static const struct contact_in c_uy = { "Trần Thị Y", NULL, "y@example.gov.vn", NULL };

static const struct asset_in inventory[] = {
	{ "UX", "fw-x", "Fortinet", "FortiGate", "7.0.5", NULL, "internet", "x@example.gov.vn", 2 },
	{ "UX", "mail-x", "Microsoft", "Exchange Server", "15.2.1118.7", NULL, "internet", NULL, 3 },
	{ "UX", "fw-x2", "Fortinet", "FortiOS", "7.0.12 build0523", NULL, "internet", NULL, 4 },
	{ "UY", "fw-y", NULL, NULL, NULL, "cpe:2.3:o:fortinet:fortios:7.2.5:*:*:*:*:*:*:*", "internet",
	  NULL, 5 },
	{ "UY", "mail-y", NULL, "Microsoft Exchange", "15.2.1118.20", NULL, "internal", NULL, 6 },
	{ "UY", "zoom-y", "Zoom Video Communications", "Zoom Cloud Meeting", "5.12.0", NULL, "internal",
	  NULL, 7 },
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_err err = { 0 };
	struct unit_in units[] = {
		{ .code = "PARENT", .name = "Sở Thông tin và Truyền thông", .contacts = &c_parent,
		  .ncontacts = 1, .set_contacts = true },
		{ .code = "UX", .name = "UBND huyện X", .parent = "PARENT", .contacts = &c_ux,
		  .ncontacts = 1, .set_contacts = true },
		{ .code = "UY", .name = "UBND huyện Y", .parent = "PARENT", .contacts = &c_uy,
		  .ncontacts = 1, .set_contacts = true },
	};
	struct adv_stats st;
	size_t created, updated;
	int from, to;

	fx_open(fx, "/tmp/ungcuu-adv-XXXXXX", STORE_CREATE | STORE_NOSYNC, &from, &to);
	assert_int_equal(store_unit_import(fx->st, units, 3, "test", &created, &updated, &err), 0);
	if (store_asset_import(fx->st, inventory, 6, true, "test", T0, &created, &updated, &st, &err) != 0)
		fail_msg("asset import: %s", err.message);
	assert_int_equal(created, 6);
	assert_int_equal(st.items_new, 0); /* no advisories yet */
	*state = fx;
	return 0;
}

/* Only ranged advisories: the exact expected set. */
static void ranged_only(struct fx *fx)
{
	struct store_err err = { 0 };

	struct adv_setting set = { "match_unranged", 0 };

	assert_int_equal(store_advisory_config_set(fx->st, &set, 1, "test", &err), 0);
}

#define ITEM(ref, asset)                                                                       \
	"SELECT count(*) FROM remediation m JOIN advisories a ON a.id = m.advisory_id WHERE "     \
	"a.ref = '" ref "' AND m.asset_name = '" asset "'"

static void test_kev_and_national(void **state)
{
	struct fx *fx = *state;
	struct adv_stats st;
	char due[64];

	ranged_only(fx);
	import(fx, "kev/known_exploited_vulnerabilities.json", T0, &st);
	assert_int_equal(st.created, 1404);
	assert_int_equal(st.items_new, 0);
	import(fx, "advisories/national.json", T0, &st);
	/* four refine KEV entries by CVE, the Zoom one is new */
	assert_int_equal(st.created, 1);
	assert_int_equal(st.updated, 4);
	assert_int_equal(q1(fx, "SELECT count(*) FROM advisories"), 1405);
	assert_int_equal(st.items_new, 6);
	assert_int_equal(st.requests_new, 5);

	/* CVE-2022-42475: FortiOS 7.0.5 (as FortiGate) in, 7.0.12 build0523 and 7.2.5 out */
	assert_int_equal(q1(fx, ITEM("CVE-2022-42475", "fw-x")), 1);
	assert_int_equal(q1(fx, ITEM("CVE-2022-42475", "fw-x2")), 0);
	assert_int_equal(q1(fx, ITEM("CVE-2022-42475", "fw-y")), 0);
	/* CVE-2024-21762: all three FortiOS below their branch's fix */
	assert_int_equal(q1(fx, ITEM("CVE-2024-21762", "fw-x")), 1);
	assert_int_equal(q1(fx, ITEM("CVE-2024-21762", "fw-x2")), 1);
	assert_int_equal(q1(fx, ITEM("CVE-2024-21762", "fw-y")), 1);
	/* Exchange CU12: 15.2.1118.7 before the November 2022 SU, .20 is it */
	assert_int_equal(q1(fx, ITEM("CVE-2022-41040", "mail-x")), 1);
	assert_int_equal(q1(fx, ITEM("CVE-2022-41040", "mail-y")), 0);
	assert_int_equal(q1(fx, ITEM("CVE-2021-34473", "mail-x")), 0);
	assert_int_equal(q1(fx, ITEM("VN-2020-ZOOM", "zoom-y")), 1);

	/* one request per (advisory, unit): 21762 has two assets of UX in one */
	assert_int_equal(q1(fx, "SELECT count(*) FROM requests WHERE kind = 'vulnerability'"), 5);
	assert_int_equal(q1(fx, "SELECT count(DISTINCT request_id) FROM remediation m JOIN advisories a "
				"ON a.id = m.advisory_id WHERE a.ref = 'CVE-2024-21762' AND m.unit_id = "
				"(SELECT id FROM units WHERE code = 'UX')"), 1);
	/* due = the earlier of KEV's dueDate (end of day in Hà Nội) and the local deadline */
	qs(fx, "SELECT ar.due FROM advisory_requests ar JOIN advisories a ON a.id = ar.advisory_id "
	       "WHERE a.ref = 'CVE-2022-42475'", due, sizeof(due));
	assert_string_equal(due, "2023-01-03T16:59:59.000Z");
	qs(fx, "SELECT due FROM remediation WHERE asset_name = 'mail-x'", due, sizeof(due));
	assert_string_equal(due, "2022-10-21T16:59:59.000Z");
	/* not in KEV: the configured 14 days of "high" */
	qs(fx, "SELECT due FROM remediation WHERE asset_name = 'zoom-y'", due, sizeof(due));
	assert_string_equal(due, "2026-12-05T03:00:00.000Z");
	/* the notices: the unit's focal contact by the outbox, on the request */
	assert_int_equal(q1(fx, "SELECT count(*) FROM outbox WHERE to_addr = 'x@example.gov.vn'"), 3);
	assert_int_equal(q1(fx, "SELECT count(*) FROM outbox WHERE to_addr = 'y@example.gov.vn'"), 2);
	assert_int_equal(q1(fx, "SELECT count(*) FROM requests WHERE kind = 'vulnerability' AND "
				"subject LIKE 'Cảnh báo lỗ hổng CVE-2024-21762:%' AND priority = 'urgent'"), 2);
	assert_int_equal(q1(fx, "SELECT count(*) FROM audit WHERE action = 'advisory.match'"), 5);
}

static void test_reimport_idempotent(void **state)
{
	struct fx *fx = *state;
	struct adv_stats st;
	long long items, reqs, outbox;

	ranged_only(fx);
	import(fx, "advisories/national.json", T0, &st);
	import(fx, "kev/known_exploited_vulnerabilities.json", T0, &st);
	items = q1(fx, "SELECT count(*) FROM remediation");
	reqs = q1(fx, "SELECT count(*) FROM requests");
	outbox = q1(fx, "SELECT count(*) FROM outbox");
	assert_int_equal(items, 6);
	for (int i = 0; i < 2; i++) {
		import(fx, "kev/known_exploited_vulnerabilities.json", T0 + DAY, &st);
		assert_int_equal(st.created + st.updated, 0);
		assert_int_equal(st.unchanged, 1404);
		assert_int_equal(st.items_new + st.requests_new + st.items_closed, 0);
		import(fx, "advisories/national.json", T0 + DAY, &st);
		assert_int_equal(st.unchanged, 5);
		assert_int_equal(st.items_new + st.requests_new, 0);
	}
	/* KEV after ours keeps our ranges: still the same six */
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation"), items);
	assert_int_equal(q1(fx, "SELECT count(*) FROM requests"), reqs);
	assert_int_equal(q1(fx, "SELECT count(*) FROM outbox"), outbox);
	assert_int_equal(q1(fx, "SELECT count(*) FROM advisories"), 1405);
	assert_int_equal(q1(fx, "SELECT in_kev + in_local FROM advisories WHERE ref = 'CVE-2022-42475'"), 2);
	assert_int_equal(q1(fx, "SELECT count(*) FROM advisory_products p JOIN advisories a ON "
				"a.id = p.advisory_id WHERE a.ref = 'CVE-2022-42475'"), 2);
	/* and the nightly match finds nothing new */
	assert_int_equal(store_advisory_match(fx->st, "test", T0 + 2 * DAY, &st), 0);
	assert_int_equal(st.matches, 6);
	assert_int_equal(st.items_new + st.items_closed + st.requests_new, 0);
}

static void test_unranged_kev(void **state)
{
	struct fx *fx = *state;
	struct adv_stats st;
	char due[64];

	/* the default: a KEV entry without ranges covers every version */
	import(fx, "kev/known_exploited_vulnerabilities.json", T0, &st);
	import(fx, "advisories/national.json", T0, &st);
	assert_int_equal(q1(fx, ITEM("CVE-2019-6693", "fw-y")), 1);
	assert_int_equal(q1(fx, ITEM("CVE-2019-6693", "fw-x2")), 1);
	qs(fx, "SELECT m.due FROM remediation m JOIN advisories a ON a.id = m.advisory_id WHERE "
	       "a.ref = 'CVE-2019-6693' AND m.asset_name = 'fw-y'", due, sizeof(due));
	assert_string_equal(due, "2025-07-16T16:59:59.000Z");
	/* "FortiOS and FortiProxy" names FortiOS through the alias table */
	assert_int_equal(q1(fx, ITEM("CVE-2024-55591", "fw-y")), 1);
	/* ours still decides for the CVEs it covers: the item found by KEV
	 * alone closed as fixed when our ranges came */
	assert_int_equal(q1(fx, ITEM("CVE-2022-42475", "fw-y") " AND m.state = 'open'"), 0);
	assert_int_equal(q1(fx, ITEM("CVE-2022-42475", "fw-y") " AND m.resolution = 'fixed'"), 1);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'zoom-y'"), 1);
}

static void test_unit_isolation(void **state)
{
	struct fx *fx = *state;
	struct asset_filter f = { .scope = "UY", .limit = 100 };
	struct remediation_filter rf = { .scope = "UY", .limit = 100, .now = T0 };
	struct asset_in in = inventory[0];
	struct store_err err = { 0 };
	struct adv_stats st;
	json_t *items, *v, *d;
	int64_t next, ux_asset;
	size_t i;

	ranged_only(fx);
	import(fx, "advisories/national.json", T0, &st);
	ux_asset = q1(fx, "SELECT id FROM assets WHERE name = 'fw-x'");
	assert_int_equal(store_asset_list(fx->st, &f, &items, &next), 0);
	assert_int_equal(json_array_size(items), 3);
	json_array_foreach(items, i, v)
		assert_string_equal(json_string_value(json_object_get(v, "unit")), "UY");
	json_decref(items);
	assert_int_equal(store_asset_get(fx->st, ux_asset, "UY", &v), -ENOENT);
	assert_int_equal(store_asset_get(fx->st, ux_asset, "UX", &v), 0);
	json_decref(v);
	in.version = "7.0.1";
	assert_int_equal(store_asset_write(fx->st, ux_asset, &in, "UY", "unit-y", T0, NULL, &err), -ENOENT);
	assert_int_equal(store_asset_delete(fx->st, ux_asset, "UY", "unit-y"), -ENOENT);
	in.unit = "UX";
	assert_int_equal(store_asset_write(fx->st, 0, &in, "UY", "unit-y", T0, NULL, &err), -ENOENT);
	{
		char buf[32];
		qs(fx, "SELECT version FROM assets WHERE name = 'fw-x'", buf, sizeof(buf));
		assert_string_equal(buf, "7.0.5");
	}
	assert_int_equal(store_remediation_list(fx->st, &rf, &items, &next), 0);
	assert_true(json_array_size(items) >= 2);
	json_array_foreach(items, i, v)
		assert_string_equal(json_string_value(json_object_get(v, "unit")), "UY");
	json_decref(items);
	/* an item of UX answered from UY's scope does not exist */
	{
		struct remediation_answer a = { ANSWER_NOT_AFFECTED, NULL, "không dùng", true };
		int64_t id = q1(fx, "SELECT id FROM remediation WHERE asset_name = 'fw-x' LIMIT 1");
		assert_int_equal(store_remediation_answer(fx->st, id, "UY", &a, "unit-y", T0, &err), -ENOENT);
	}
	assert_int_equal(store_advisory_dashboard(fx->st, "UY", T0, &d), 0);
	assert_int_equal(json_array_size(json_object_get(d, "units")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, "units"), 0),
							      "unit")), "UY");
	json_decref(d);
	/* an advisory's item counts are those within the scope: UY does not
	 * learn that UX still has CVE-2022-42475 open (fw-y's 7.2.5 is not affected) */
	{
		int64_t adv = q1(fx, "SELECT id FROM advisories WHERE cve = 'CVE-2022-42475'");
		struct advisory_filter af = { .q = "CVE-2022-42475", .limit = 10 };
		long long all = q1(fx, "SELECT count(*) FROM remediation m JOIN advisories a ON "
				       "a.id = m.advisory_id WHERE a.cve = 'CVE-2022-42475'");
		static const struct {
			const char *scope;
			long long open;
		} cases[] = { { NULL, -1 }, { "UY", 0 }, { "UX", -1 }, { "PARENT,UY", 0 }, { "", 0 } };

		assert_true(all >= 1);
		assert_int_equal(q1(fx, "SELECT count(*) FROM remediation m JOIN units u ON u.id = "
					"m.unit_id JOIN advisories a ON a.id = m.advisory_id WHERE "
					"a.cve = 'CVE-2022-42475' AND u.code <> 'UX'"), 0);
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			long long want = cases[i].open < 0 ? all : cases[i].open;
			af.scope = cases[i].scope;
			assert_int_equal(store_advisory_list(fx->st, &af, &items, &next), 0);
			assert_int_equal(json_array_size(items), 1);
			v = json_array_get(items, 0);
			assert_int_equal(json_integer_value(json_object_get(v, "open")), want);
			assert_int_equal(json_integer_value(json_object_get(v, "closed")), 0);
			json_decref(items);
			assert_int_equal(store_advisory_get(fx->st, adv, cases[i].scope, &v), 0);
			assert_int_equal(json_integer_value(json_object_get(v, "open")), want);
			json_decref(v);
		}
	}
}

/* Several settings in one write: a bad one stores and audits none of them. */
static void test_config_all_or_nothing(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct adv_setting bad[] = { { "deadline.critical", 2 }, { "deadline.high", 999 } };
	struct adv_setting unknown[] = { { "remind_days", 5 }, { "deadline.urgent", 3 } };
	struct adv_setting good[] = { { "deadline.critical", 3 }, { "remind_days", 4 } };
	long long audits = q1(fx, "SELECT count(*) FROM audit");
	json_t *cfg;

	assert_int_equal(store_advisory_config_set(fx->st, bad, 2, "test", &err), -EINVAL);
	assert_string_equal(err.field, "deadline.high");
	assert_int_equal(store_advisory_config_set(fx->st, unknown, 2, "test", &err), -EINVAL);
	assert_string_equal(err.field, "key");
	assert_int_equal(store_advisory_config_get(fx->st, &cfg), 0);
	assert_int_equal(json_integer_value(json_object_get(cfg, "deadline.critical")), 7);
	assert_int_equal(json_integer_value(json_object_get(cfg, "remind_days")), 2);
	json_decref(cfg);
	assert_int_equal(q1(fx, "SELECT count(*) FROM audit"), audits);

	assert_int_equal(store_advisory_config_set(fx->st, good, 2, "test", &err), 0);
	assert_int_equal(store_advisory_config_get(fx->st, &cfg), 0);
	assert_int_equal(json_integer_value(json_object_get(cfg, "deadline.critical")), 3);
	assert_int_equal(json_integer_value(json_object_get(cfg, "remind_days")), 4);
	json_decref(cfg);
	assert_int_equal(q1(fx, "SELECT count(*) FROM audit WHERE action = 'advisory.config'"), 2);
}

static void test_answers(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct adv_stats st;
	char buf[64];
	int64_t id42475, id21762;
	long long mails;

	ranged_only(fx);
	import(fx, "advisories/national.json", T0, &st);
	id42475 = q1(fx, "SELECT m.id FROM remediation m JOIN advisories a ON a.id = m.advisory_id "
			 "WHERE a.ref = 'CVE-2022-42475' AND m.asset_name = 'fw-x'");
	id21762 = q1(fx, "SELECT m.id FROM remediation m JOIN advisories a ON a.id = m.advisory_id "
			 "WHERE a.ref = 'CVE-2024-21762' AND m.asset_name = 'fw-x'");
	{
		struct remediation_answer a = { ANSWER_PATCHED, "7.0.8", NULL, true };
		assert_int_equal(store_remediation_answer(fx->st, id42475, "UX", &a, "ux", T0, &err), -EPERM);
		assert_string_equal(err.field, "version");
		assert_non_null(strstr(err.message, "still affected"));
		qs(fx, "SELECT version FROM assets WHERE name = 'fw-x'", buf, sizeof(buf));
		assert_string_equal(buf, "7.0.5"); /* nothing changed */
		a.version = "bản mới";
		assert_int_equal(store_remediation_answer(fx->st, id42475, "UX", &a, "ux", T0, &err), -EINVAL);
		a.version = "7.0.9";
		assert_int_equal(store_remediation_answer(fx->st, id42475, "UX", &a, "ux", T0, &err), 0);
	}
	qs(fx, "SELECT version FROM assets WHERE name = 'fw-x'", buf, sizeof(buf));
	assert_string_equal(buf, "7.0.9");
	qs(fx, "SELECT state FROM remediation WHERE id = (SELECT max(id) FROM remediation WHERE "
	       "asset_name = 'fw-x' AND answer = 'patched')", buf, sizeof(buf));
	assert_string_equal(buf, "answered");
	/* 7.0.9 is still below 7.0.14: the other advisory's item stays open */
	{
		char q[128];
		snprintf(q, sizeof(q), "SELECT state = 'open' FROM remediation WHERE id = %lld",
			 (long long)id21762);
		assert_int_equal(q1(fx, q), 1);
	}
	/* the agent accepts: closed, and the request with it */
	assert_int_equal(store_remediation_review(fx->st, id42475, NULL, true, "đã kiểm tra", "agent", &err), 0);
	assert_int_equal(store_remediation_review(fx->st, id42475, NULL, true, NULL, "agent", &err), -EPERM);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE resolution = 'accepted'"), 1);
	assert_int_equal(q1(fx, "SELECT count(*) FROM requests r JOIN advisory_requests ar ON "
				"ar.request_id = r.id JOIN advisories a ON a.id = ar.advisory_id WHERE "
				"a.ref = 'CVE-2022-42475' AND r.status = 'resolved'"), 1);
	/* mitigated needs a text; a rejection reopens and tells the unit by mail */
	{
		struct remediation_answer a = { ANSWER_MITIGATED, NULL, NULL, true };
		assert_int_equal(store_remediation_answer(fx->st, id21762, "UX", &a, "ux", T0, &err), -EINVAL);
		assert_string_equal(err.field, "text");
		a.text = "Đã tắt SSL-VPN trên cổng Internet";
		assert_int_equal(store_remediation_answer(fx->st, id21762, "UX", &a, "ux", T0, &err), 0);
	}
	mails = q1(fx, "SELECT count(*) FROM outbox WHERE to_addr = 'x@example.gov.vn'");
	assert_int_equal(store_remediation_review(fx->st, id21762, NULL, false, "cần vá", "agent", &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM outbox WHERE to_addr = 'x@example.gov.vn'"), mails + 1);
	{
		char q[128];
		snprintf(q, sizeof(q), "SELECT state = 'open' FROM remediation WHERE id = %lld",
			 (long long)id21762);
		assert_int_equal(q1(fx, q), 1);
	}
	assert_int_equal(q1(fx, "SELECT count(*) FROM audit WHERE action IN ('remediation.answer', "
				"'remediation.accept', 'remediation.reject')"), 4);
}

static void test_inventory_change(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct adv_stats st;
	struct asset_in in = inventory[2]; /* fw-x2 FortiOS 7.0.12 build0523 */
	int64_t id;

	ranged_only(fx);
	import(fx, "advisories/national.json", T0, &st);
	id = q1(fx, "SELECT id FROM assets WHERE name = 'fw-x2'");
	in.version = "7.0.14 build0601";
	assert_int_equal(store_asset_write(fx->st, id, &in, "UX", "ux", T0, NULL, &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'fw-x2' AND "
				"state = 'closed' AND resolution = 'fixed'"), 1);
	in.version = "7.0.12";
	assert_int_equal(store_asset_write(fx->st, id, &in, "UX", "ux", T0, NULL, &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'fw-x2' AND "
				"state = 'open'"), 1);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'fw-x2'"), 1);
	/* a new asset matches at once */
	in.name = "fw-x3";
	in.version = "7.2.0";
	assert_int_equal(store_asset_write(fx->st, 0, &in, "UX", "ux", T0, &id, &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'fw-x3'"), 2);
	/* a removed asset's items close */
	assert_int_equal(store_asset_delete(fx->st, id, "UX", "ux"), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'fw-x3' AND "
				"resolution = 'asset_removed' AND asset_id IS NULL"), 2);
	/* bad input names its field and writes nothing */
	in.name = "fw-x4";
	in.version = "mới nhất";
	assert_int_equal(store_asset_write(fx->st, 0, &in, "UX", "ux", T0, NULL, &err), -EINVAL);
	assert_string_equal(err.field, "version");
	in.version = "7.0.1";
	in.exposure = "dmz";
	assert_int_equal(store_asset_write(fx->st, 0, &in, "UX", "ux", T0, NULL, &err), -EINVAL);
	assert_string_equal(err.field, "exposure");
	assert_int_equal(q1(fx, "SELECT count(*) FROM assets WHERE name = 'fw-x4'"), 0);
}

static void test_remind_escalate(void **state)
{
	struct fx *fx = *state;
	struct remind_stats rs;
	struct adv_stats st;

	ranged_only(fx);
	import(fx, "kev/known_exploited_vulnerabilities.json", T0, &st);
	import(fx, "advisories/national.json", T0, &st);
	/* the KEV-dated ones are overdue at once: escalated, the parent told */
	assert_int_equal(store_advisory_remind(fx->st, "system", T0, &rs), 0);
	assert_int_equal(rs.escalated, 4);
	assert_int_equal(rs.reminded, 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM outbox WHERE to_addr = 'parent@example.gov.vn'"), 4);
	assert_int_equal(q1(fx, "SELECT count(*) FROM audit WHERE action = 'advisory.escalate'"), 4);
	/* once only */
	assert_int_equal(store_advisory_remind(fx->st, "system", T0 + 3600, &rs), 0);
	assert_int_equal(rs.escalated + rs.reminded, 0);
	/* Zoom is due in 14 days: a reminder 2 days before, then the escalation */
	assert_int_equal(store_advisory_remind(fx->st, "system", T0 + 11 * DAY, &rs), 0);
	assert_int_equal(rs.reminded + rs.escalated, 0);
	assert_int_equal(store_advisory_remind(fx->st, "system", T0 + 13 * DAY, &rs), 0);
	assert_int_equal(rs.reminded, 1);
	assert_int_equal(store_advisory_remind(fx->st, "system", T0 + 15 * DAY, &rs), 0);
	assert_int_equal(rs.escalated, 1);
	assert_int_equal(q1(fx, "SELECT count(*) FROM outbox WHERE to_addr = 'y@example.gov.vn'"), 2 + 1 + 1 + 1);
}

static void test_aliases_and_register(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct adv_stats st;
	struct asset_in in = { "UX", "vm-1", "Fortinet", "FortiGate-VM64", "7.0.5", NULL, "internal", NULL, 0 };
	struct alias_in al = { false, "fortinet", "FortiGate-VM64", "Fortinet", "FortiOS" };
	struct app_in app = { "Zoom Cloud Meeting", "Zoom", "5.13.0", "https://zoom.us/download",
			      "Phòng họp phải đặt mật khẩu và bật phòng chờ" };
	json_t *a, *flags;
	int64_t id;

	ranged_only(fx);
	import(fx, "advisories/national.json", T0, &st);
	assert_int_equal(store_asset_write(fx->st, 0, &in, NULL, "agent", T0, &id, &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'vm-1'"), 0);
	assert_int_equal(store_alias_set(fx->st, &al, false, "agent", T0, &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM assets WHERE name = 'vm-1' AND canon = 'fortinet:fortios'"), 1);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'vm-1'"), 2);
	assert_int_equal(store_alias_set(fx->st, &al, true, "agent", T0, &err), 0);
	assert_int_equal(q1(fx, "SELECT count(*) FROM remediation WHERE asset_name = 'vm-1' AND state = 'open'"), 0);
	assert_int_equal(store_alias_set(fx->st, &al, true, "agent", T0, &err), -ENOENT);

	assert_int_equal(store_app_write(fx->st, 0, &app, "admin", &id, &err), 0);
	assert_int_equal(store_app_write(fx->st, 0, &app, "admin", NULL, &err), -EEXIST);
	id = q1(fx, "SELECT id FROM assets WHERE name = 'zoom-y'");
	assert_int_equal(store_asset_get(fx->st, id, NULL, &a), 0);
	flags = json_object_get(a, "flags");
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "below_minimum");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "vulnerable");
	json_decref(a);
	id = q1(fx, "SELECT id FROM assets WHERE name = 'mail-y'");
	assert_int_equal(store_asset_get(fx->st, id, NULL, &a), 0);
	flags = json_object_get(a, "flags");
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "not_approved");
	assert_int_equal(json_array_size(flags), 1);
	json_decref(a);
	app.min_version = "mới";
	assert_int_equal(store_app_write(fx->st, 0, &app, "admin", NULL, &err), -EINVAL);
	assert_string_equal(err.field, "min_version");
}

static void test_bad_file_nothing(void **state)
{
	struct fx *fx = *state;
	struct advisory_set *set = NULL;
	struct adv_stats st;
	char e[256];
	size_t len;
	char *buf = load("advisories/national.json", &len), *p;

	import(fx, "advisories/national.json", T0, &st);
	/* break the last entry: the whole file is refused before anything is stored */
	p = strstr(buf, "\"<5.13.0\"");
	assert_non_null(p);
	memcpy(p, "\"<5.13;0\"", 9);
	assert_int_equal(advisory_parse(buf, len, &set, e, sizeof(e)), -EINVAL);
	assert_string_equal(e, "entry 5 (VN-2020-ZOOM): 'affected[0].ranges[0]' '<5.13;0' has a "
			       "character that is not allowed");
	free(buf);
	assert_int_equal(q1(fx, "SELECT count(*) FROM advisories"), 5);
}

/* The nightly run's time in Asia/Ho_Chi_Minh. */
static void test_nightly_time(void **state)
{
	(void)state;
	/* T0 is 10:00 in Hà Nội: 01:00 is tomorrow, 18:00 UTC today */
	assert_int_equal(advworker_next(T0, 60), T0 + 15 * 3600);
	assert_int_equal(advworker_next(T0, 11 * 60), T0 + 3600);
	assert_int_equal(advworker_next(T0, 10 * 60), T0 + DAY);
	assert_int_equal(advworker_next(T0 + 15 * 3600, 60), T0 + 15 * 3600 + DAY);
	assert_int_equal(advworker_next(T0 + 15 * 3600 - 1, 60), T0 + 15 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kev_and_national, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reimport_idempotent, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unranged_kev, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unit_isolation, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answers, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_inventory_change, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_remind_escalate, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_aliases_and_register, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_nothing, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_config_all_or_nothing, setup, fx_teardown),
		cmocka_unit_test(test_nightly_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
