/*
 * test_store.c — the SQLite store: schema versions, request codes (format,
 * Vietnamese day, sequence, exhaustion, no gap or duplicate under
 * concurrency), lifecycle, unit scope, internal notes, folded search,
 * pagination, unit import, tokens, and the audit chain against tampering.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "auth/rbac.h"
#include "store/migrate.h"
#include "store/store.h"
#include "store_fixture.h"

/* 2026-11-21 03:00:00 UTC = 10:00 in Hà Nội */
#define T_DAY1 ((time_t)1795230000)

static const struct unit_in units[] = {
	{ .code = "0010", .name = "Kho bạc Nhà nước Hà Nội", .province = "Hà Nội" },
	{ .code = "0110", .name = "Kho bạc Nhà nước Hải Phòng" },
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_err err = { 0 };
	struct service_in svc = { "DVC", "Dịch vụ công" };
	struct user_in agent = { "agent", "Nguyễn Văn An", NULL, NULL, ROLE_AGENT, NULL };
	struct user_in unit = { "unit0010", "Trần Thị Bình", NULL, NULL, ROLE_UNIT, "0010" };
	size_t created, updated;
	int from, to;

	fx_open(fx, "/tmp/ungcuu-test-XXXXXX", STORE_CREATE, &from, &to);
	assert_int_equal(from, 0);
	assert_true(to >= 1);
	assert_int_equal(store_unit_import(fx->st, units, 2, "test", &created, &updated, &err), 0);
	assert_int_equal(created, 2);
	assert_int_equal(store_service_create(fx->st, &svc, "test", &err), 0);
	assert_int_equal(store_user_create(fx->st, &agent, "test", &err), 0);
	assert_int_equal(store_user_create(fx->st, &unit, "test", &err), 0);
	*state = fx;
	return 0;
}

static struct request_in req(const char *unit, const char *subject, time_t now)
{
	struct request_in in = {
		.kind = KIND_SUPPORT, .unit = unit, .service = "DVC", .subject = subject,
		.description = "Mô tả lỗi", .requester_name = "Trần Thị Bình",
		.requester_email = "binh@example.gov.vn", .channel = CHAN_API,
		.priority = PRIO_NORMAL, .now = now,
	};
	return in;
}

static void create_ok(struct fx *fx, const char *unit, const char *subject, time_t now,
		      char code[16])
{
	struct request_in in = req(unit, subject, now);
	struct store_err err = { 0 };
	int rc = store_request_create(fx->st, &in, "test", code, &err);

	if (rc != 0)
		print_error("create failed: %d %s\n", rc, err.message);
	assert_int_equal(rc, 0);
}

/* ------------------------------------------------------------------------ */

static void schema_versions(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct store *st;
	char fresh[128];

	/* a migrated database opens */
	assert_int_equal(store_open(fx->path, 0, &st, &err), 0);
	store_close(st);

	/* a newer schema is a clear error */
	sql(fx->path, "INSERT INTO schema_migrations VALUES (999, 'future', 'x')");
	assert_int_equal(store_open(fx->path, 0, &st, &err), -EPROTO);
	assert_non_null(strstr(err.message, "newer"));
	sql(fx->path, "DELETE FROM schema_migrations WHERE version = 999");

	/* an empty database must be initialised first */
	snprintf(fresh, sizeof(fresh), "%s/fresh.db", fx->dir);
	assert_int_equal(store_open(fresh, STORE_CREATE, &st, &err), 0);
	store_close(st);
	assert_int_equal(store_open(fresh, 0, &st, &err), -ESTALE);
	assert_non_null(strstr(err.message, "ungcuu init"));

	/* a missing file is not created by accident */
	snprintf(fresh, sizeof(fresh), "%s/missing.db", fx->dir);
	assert_int_equal(store_open(fresh, 0, &st, &err), -ENOENT);
	assert_int_equal(access(fresh, F_OK), -1);
}

static void codes_sequence_per_day(void **state)
{
	struct fx *fx = *state;
	char a[16], b[16], c[16], d[16];

	create_ok(fx, "0010", "Một", T_DAY1, a);
	create_ok(fx, "0010", "Hai", T_DAY1 + 60, b);
	assert_string_equal(a, "SD261121-000001");
	assert_string_equal(b, "SD261121-000002");
	/* 16:59:59 UTC on 21 Nov is still 21 Nov in Hà Nội (23:59:59) ... */
	create_ok(fx, "0010", "Ba", T_DAY1 + 13 * 3600 + 59 * 60 + 59, c);
	assert_string_equal(c, "SD261121-000003");
	/* ... and 17:00:00 UTC is midnight of 22 Nov there: a new sequence */
	create_ok(fx, "0010", "Bốn", T_DAY1 + 14 * 3600, d);
	assert_string_equal(d, "SD261122-000001");
}

static void failed_create_uses_no_code(void **state)
{
	struct fx *fx = *state;
	struct request_in bad = req("0999", "Sai đơn vị", T_DAY1);
	struct store_err err = { 0 };
	char code[16] = "", ok[16];

	create_ok(fx, "0010", "Một", T_DAY1, ok);
	assert_int_equal(store_request_create(fx->st, &bad, "test", code, &err), -EINVAL);
	assert_string_equal(err.field, "unit");
	assert_non_null(strstr(err.message, "'0999'"));
	bad.unit = "0010";
	bad.service = "NOPE";
	assert_int_equal(store_request_create(fx->st, &bad, "test", code, &err), -EINVAL);
	assert_string_equal(err.field, "service");
	bad.service = "DVC";
	bad.assignee = "unit0010"; /* not staff */
	assert_int_equal(store_request_create(fx->st, &bad, "test", code, &err), -EINVAL);
	assert_string_equal(err.field, "assignee");
	create_ok(fx, "0010", "Hai", T_DAY1, ok);
	assert_string_equal(ok, "SD261121-000002");
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM requests"), 2);
}

static void code_space_exhausted(void **state)
{
	struct fx *fx = *state;
	struct request_in in = req("0010", "Quá nhiều", T_DAY1);
	struct store_err err = { 0 };
	char code[16] = "";

	sql(fx->path, "INSERT INTO code_seq VALUES ('261121', 999998)");
	create_ok(fx, "0010", "Cuối cùng", T_DAY1, code);
	assert_string_equal(code, "SD261121-999999");
	code[0] = '\0';
	assert_int_equal(store_request_create(fx->st, &in, "test", code, &err), -ERANGE);
	assert_string_equal(code, "");
	assert_non_null(strstr(err.message, "261121"));
	assert_int_equal(sql_int(fx->path, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(sql_int(fx->path, "SELECT last FROM code_seq WHERE day = '261121'"), 999999);
	/* the next day is unaffected */
	create_ok(fx, "0010", "Hôm sau", T_DAY1 + 86400, code);
	assert_string_equal(code, "SD261122-000001");
}

#define THREADS 8
#define PER_THREAD 60

struct worker {
	struct fx *fx;
	char codes[PER_THREAD][16];
	int failures;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		struct request_in in = req(i % 2 ? "0010" : "0110", "Đồng thời", T_DAY1);
		struct store_err err = { 0 };
		if (store_request_create(w->fx->st, &in, "test", w->codes[i], &err) != 0)
			w->failures++;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void concurrent_codes_no_gap_no_duplicate(void **state)
{
	struct fx *fx = *state;
	static struct worker w[THREADS];
	pthread_t t[THREADS];
	static char all[THREADS * PER_THREAD][16];

	for (int i = 0; i < THREADS; i++) {
		w[i].fx = fx;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
		memcpy(all[i * PER_THREAD], w[i].codes, sizeof(w[i].codes));
	}
	qsort(all, THREADS * PER_THREAD, 16, cmp_str);
	for (int i = 0; i < THREADS * PER_THREAD; i++) {
		char want[16];
		snprintf(want, sizeof(want), "SD261121-%06d", i + 1);
		assert_string_equal(all[i], want);
	}
}

static void lifecycle(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct request_change chg = { .status = -1, .priority = -1 };
	char code[16];
	json_t *o;

	create_ok(fx, "0010", "Vòng đời", T_DAY1, code);
	/* new -> pending is not a transition */
	chg.status = ST_PENDING;
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "agent", &err), -EPERM);
	assert_string_equal(err.field, "status");
	/* agent's first reply opens it, then pending is fine in the same change */
	chg.message = "Đề nghị gửi ảnh chụp màn hình";
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "agent", &err), 0);
	assert_int_equal(store_request_get(fx->st, code, NULL, true, true, &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "pending");
	json_decref(o);
	/* the requester's reply reopens */
	chg = (struct request_change){ .status = -1, .priority = -1, .message = "Ảnh đây",
				       .from_requester = true };
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "unit0010", &err), 0);
	/* resolve, then a reply reopens again */
	chg = (struct request_change){ .status = ST_RESOLVED, .priority = PRIO_HIGH,
				       .set_assignee = true, .assignee = "agent" };
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "agent", &err), 0);
	chg = (struct request_change){ .status = -1, .priority = -1, .message = "Vẫn lỗi",
				       .from_requester = true };
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "unit0010", &err), 0);
	assert_int_equal(store_request_get(fx->st, code, NULL, true, true, &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
	assert_string_equal(json_string_value(json_object_get(o, "priority")), "high");
	assert_string_equal(json_string_value(json_object_get(o, "assignee")), "agent");
	/* created, message, status(open), status(pending), message, status(open),
	 * status(resolved), priority, assignee, message, status(open) */
	assert_int_equal(json_array_size(json_object_get(o, "events")), 11);
	json_decref(o);
	/* open -> closed directly is refused; the request is unchanged */
	chg = (struct request_change){ .status = ST_CLOSED, .priority = PRIO_LOW };
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "agent", &err), -EPERM);
	assert_int_equal(store_request_get(fx->st, code, NULL, true, false, &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "priority")), "high");
	json_decref(o);
	/* unassign; unknown code */
	chg = (struct request_change){ .status = -1, .priority = -1, .set_assignee = true };
	assert_int_equal(store_request_change(fx->st, code, NULL, &chg, "agent", &err), 0);
	assert_int_equal(store_request_change(fx->st, "SD261121-999999", NULL, &chg, "agent", &err),
			 -ENOENT);
}

static void scope_and_internal_notes(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct request_change note = { .status = -1, .priority = -1,
				       .note = "Nghi ngờ mã độc đánh cắp thông tin" };
	struct request_filter f = { .limit = 10, .q = "ma doc" };
	char code[16];
	json_t *o, *items;
	int64_t next;

	create_ok(fx, "0010", "Phạm vi", T_DAY1, code);
	assert_int_equal(store_request_change(fx->st, code, NULL, &note, "agent", &err), 0);

	/* another unit cannot see or touch it */
	assert_int_equal(store_request_get(fx->st, code, "0110", false, true, &o), -ENOENT);
	note.note = NULL;
	note.message = "chen ngang";
	assert_int_equal(store_request_change(fx->st, code, "0110", &note, "x", &err), -ENOENT);
	/* its own unit sees it, without the internal note */
	assert_int_equal(store_request_get(fx->st, code, "0010", false, true, &o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "events")), 1);
	json_decref(o);
	assert_int_equal(store_request_get(fx->st, code, NULL, true, true, &o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "events")), 2);
	json_decref(o);

	/* search: the note's words find the request only for staff */
	f.internal = true;
	assert_int_equal(store_request_list(fx->st, &f, &items, &next), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	f.internal = false;
	f.scope = "0010";
	assert_int_equal(store_request_list(fx->st, &f, &items, &next), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

static void folded_search(void **state)
{
	struct fx *fx = *state;
	const char *queries[] = { "dang nhap", "ĐĂNG NHẬP", "đăng", "DANG", "đang", "nhâp" };
	struct request_filter f = { .limit = 10, .internal = true };
	char code[16];
	json_t *items;
	int64_t next;

	create_ok(fx, "0010", "Không đăng nhập được Dịch vụ công", T_DAY1, code);
	create_ok(fx, "0110", "Lỗi ký số", T_DAY1, code);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		f.q = queries[i];
		assert_int_equal(store_request_list(fx->st, &f, &items, &next), 0);
		assert_int_equal(json_array_size(items), 1);
		assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "unit")),
				    "0010");
		json_decref(items);
	}
	f.q = "ky so";
	f.unit = "0010";
	assert_int_equal(store_request_list(fx->st, &f, &items, &next), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	f.q = "!!!"; /* nothing searchable: nothing matches */
	f.unit = NULL;
	assert_int_equal(store_request_list(fx->st, &f, &items, &next), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

static void pagination(void **state)
{
	struct fx *fx = *state;
	struct request_filter f = { .limit = 7, .internal = true, .status = "new" };
	char code[16], seen[40][16];
	int nseen = 0, pages = 0;
	json_t *items, *it;
	int64_t next;
	size_t i;

	for (int k = 0; k < 20; k++)
		create_ok(fx, k % 2 ? "0010" : "0110", "Trang", T_DAY1, code);
	do {
		assert_int_equal(store_request_list(fx->st, &f, &items, &next), 0);
		json_array_foreach(items, i, it) {
			snprintf(seen[nseen], 16, "%s", json_string_value(json_object_get(it, "code")));
			for (int j = 0; j < nseen; j++)
				assert_string_not_equal(seen[j], seen[nseen]);
			if (nseen)
				assert_true(strcmp(seen[nseen - 1], seen[nseen]) > 0); /* newest first */
			nseen++;
		}
		json_decref(items);
		f.before = next;
		pages++;
	} while (next);
	assert_int_equal(nseen, 20);
	assert_int_equal(pages, 3);
}

static void unit_import_rules(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	size_t created, updated;
	json_t *o;
	/* a child may come before its parent in the file */
	struct contact_in ct = { "Ngô Thị Hoa", "Đầu mối CNTT", "hoa@example.gov.vn", "0901234567" };
	struct unit_in batch[] = {
		{ .code = "0010-HK", .name = "UBND quận Hoàn Kiếm", .parent = "0010-HN" },
		{ .code = "0010-HN", .name = "Sở Tài chính Hà Nội", .parent = "0010", .contacts = &ct,
		  .ncontacts = 1, .set_contacts = true },
		{ .code = "0010", .name = "Kho bạc Nhà nước Hà Nội (mới)" },
	};
	struct unit_in cycle[] = {
		{ .code = "0010", .name = "KBNN Hà Nội", .parent = "0010-HK" },
	};
	struct unit_in orphan[] = { { .code = "X1", .name = "Mồ côi", .parent = "NOPE" } };

	assert_int_equal(store_unit_import(fx->st, batch, 3, "test", &created, &updated, &err), 0);
	assert_int_equal(created, 2);
	assert_int_equal(updated, 1);
	assert_int_equal(store_unit_get(fx->st, "0010-HK", &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "parent")), "0010-HN");
	json_decref(o);
	assert_int_equal(store_unit_get(fx->st, "0010-HN", &o), 0);
	assert_int_equal(json_array_size(json_object_get(o, "contacts")), 1);
	json_decref(o);

	/* a cycle is refused and nothing of the batch is kept */
	assert_int_equal(store_unit_import(fx->st, cycle, 1, "test", &created, &updated, &err), -EINVAL);
	assert_non_null(strstr(err.message, "cycle"));
	assert_int_equal(store_unit_get(fx->st, "0010", &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")),
			    "Kho bạc Nhà nước Hà Nội (mới)");
	json_decref(o);
	assert_int_equal(store_unit_import(fx->st, orphan, 1, "test", &created, &updated, &err), -EINVAL);
	assert_string_equal(err.field, "parent");
	assert_int_equal(store_unit_get(fx->st, "X1", &o), -ENOENT);
	/* create refuses an existing code; update refuses a missing one */
	assert_int_equal(store_unit_create(fx->st, &units[0], "test", &err), -EEXIST);
	assert_int_equal(store_unit_update(fx->st, "NOPE", &units[0], "test", &err), -ENOENT);
}

static void tokens(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	unsigned char h1[32], h2[32];
	struct principal p;

	randombytes_buf(h1, sizeof(h1));
	randombytes_buf(h2, sizeof(h2));
	assert_int_equal(store_token_add(fx->st, "unit0010", h1, "test", &err), 0);
	assert_int_equal(store_token_add(fx->st, "nobody", h2, "test", &err), -ENOENT);
	assert_int_equal(store_token_lookup(fx->st, h1, &p), 0);
	assert_string_equal(p.username, "unit0010");
	assert_int_equal(p.role, ROLE_UNIT);
	assert_string_equal(p.unit, "0010");
	assert_int_equal(store_token_lookup(fx->st, h2, &p), -ENOENT);
	/* a disabled user's tokens stop working */
	sql(fx->path, "UPDATE users SET status = 'disabled' WHERE username = 'unit0010'");
	assert_int_equal(store_token_lookup(fx->st, h1, &p), -ENOENT);
}

/*
 * The generation moves after every commit: at once for commits through a
 * store (this one, or another one on the same file, as another ungcuu
 * process would), within a second for commits by anything else (here the
 * sqlite3 API directly); it stays put while nothing is committed.
 */
static void generation_follows_every_commit(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct request_in in = req("0010", "Tiến trình khác", T_DAY1);
	uint64_t g1, g2, g3, g4, g5;
	struct store *other;
	char code[16];

	assert_int_equal(store_generation(fx->st, &g1), 0);
	assert_int_equal(store_generation(fx->st, &g2), 0);
	assert_true(g2 == g1);
	create_ok(fx, "0010", "Thế hệ", T_DAY1, code);
	assert_int_equal(store_generation(fx->st, &g3), 0);
	assert_true(g3 != g2);

	assert_int_equal(store_open(fx->path, 0, &other, &err), 0);
	assert_int_equal(store_request_create(other, &in, "test", code, &err), 0);
	assert_int_equal(store_generation(fx->st, &g4), 0);
	assert_true(g4 != g3);
	store_close(other);

	/* the watch's next look takes those commits in (the value may move
	 * once more); after that, a read elsewhere is not a change */
	usleep(1100 * 1000);
	assert_int_equal(store_generation(fx->st, &g4), 0);
	assert_true(sql_int(fx->path, "SELECT count(*) FROM requests") == 2);
	usleep(1100 * 1000);
	assert_int_equal(store_generation(fx->st, &g5), 0);
	assert_true(g5 == g4);

	sql(fx->path, "UPDATE requests SET subject = 'đổi bằng sqlite3'");
	usleep(1100 * 1000);
	assert_int_equal(store_generation(fx->st, &g5), 0);
	assert_true(g5 != g4);
}

static void audit_chain(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	int64_t count, bad;
	char head[65], head2[65], code[16];

	create_ok(fx, "0010", "Kiểm toán", T_DAY1, code);
	assert_int_equal(store_audit_verify(fx->st, &count, &bad, head, &err), 0);
	assert_int_equal(bad, 0);
	/* one entry per migration + 2 units + service + 2 users + request */
	assert_int_equal(count, 6 + migrations_count);
	create_ok(fx, "0010", "Kiểm toán 2", T_DAY1, code);
	assert_int_equal(store_audit_verify(fx->st, &count, &bad, head2, &err), 0);
	assert_int_equal(count, 7 + migrations_count);
	assert_string_not_equal(head, head2);

	/* alter one entry's content (the first after the migrations' own) */
	int64_t first = migrations_count + 1;
	char q[128];
	snprintf(q, sizeof(q), "UPDATE audit SET actor = 'mallory' WHERE id = %lld", (long long)first);
	sql(fx->path, q);
	assert_int_equal(store_audit_verify(fx->st, &count, &bad, head, &err), 0);
	assert_int_equal(bad, first);
	assert_non_null(strstr(err.message, "altered"));
	snprintf(q, sizeof(q), "UPDATE audit SET actor = 'test' WHERE id = %lld", (long long)first);
	sql(fx->path, q);
	assert_int_equal(store_audit_verify(fx->st, &count, &bad, head, &err), 0);
	assert_int_equal(bad, 0);

	/* remove an entry in the middle */
	snprintf(q, sizeof(q), "DELETE FROM audit WHERE id = %lld", (long long)first + 1);
	sql(fx->path, q);
	assert_int_equal(store_audit_verify(fx->st, &count, &bad, head, &err), 0);
	assert_int_equal(bad, first + 1);
}

static void units_and_services(void **state)
{
	struct fx *fx = *state;
	struct store_err err = { 0 };
	struct service_in s = { "QLVB", "Quản lý văn bản" };
	struct user_in dup = { "agent", "Khác", NULL, NULL, ROLE_AGENT, NULL };
	struct user_in nounit = { "u2", "Không đơn vị", NULL, NULL, ROLE_UNIT, NULL };
	json_t *o;

	assert_int_equal(store_service_create(fx->st, &s, "test", &err), 0);
	assert_int_equal(store_service_create(fx->st, &s, "test", &err), -EEXIST);
	s.name = "Quản lý văn bản và điều hành";
	assert_int_equal(store_service_update(fx->st, "QLVB", &s, "test", &err), 0);
	assert_int_equal(store_service_get(fx->st, "QLVB", &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), s.name);
	json_decref(o);
	assert_int_equal(store_service_list(fx->st, &o), 0);
	assert_int_equal(json_array_size(o), 2);
	json_decref(o);
	assert_int_equal(store_service_get(fx->st, "NOPE", &o), -ENOENT);
	assert_int_equal(store_user_create(fx->st, &dup, "test", &err), -EEXIST);
	assert_string_equal(err.field, "username");
	assert_int_equal(store_user_create(fx->st, &nounit, "test", &err), -EINVAL);
	assert_string_equal(err.field, "unit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(schema_versions, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(codes_sequence_per_day, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(failed_create_uses_no_code, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(code_space_exhausted, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(concurrent_codes_no_gap_no_duplicate, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(lifecycle, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(scope_and_internal_notes, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(folded_search, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(pagination, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(unit_import_rules, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tokens, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(audit_chain, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(generation_follows_every_commit, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(units_and_services, setup, fx_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
