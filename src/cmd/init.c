/*
 * init.c — `ungcuu init`: create or migrate the database; --demo loads
 * demo units, services, users and requests (once: a second run sees the
 * demo admin and adds nothing).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct unit_in demo_units[] = {
	{ .code = "0010", .name = "Kho bạc Nhà nước Hà Nội", .province = "Hà Nội" },
	{ .code = "0110", .name = "Kho bạc Nhà nước Hải Phòng", .province = "Hải Phòng" },
	{ .code = "0010-HK", .name = "Ủy ban nhân dân quận Hoàn Kiếm", .parent = "0010",
	  .province = "Hà Nội" },
};

static const struct service_in demo_services[] = {
	{ "DVC", "Dịch vụ công trực tuyến" },
	{ "QLVB", "Quản lý văn bản và điều hành" },
	{ "EMAIL", "Thư điện tử công vụ" },
};

static const struct user_in demo_users[] = {
	{ "admin", "Quản trị hệ thống", "admin@example.gov.vn", NULL, ROLE_ADMIN, NULL },
	{ "agent", "Nguyễn Văn An", "hotro@example.gov.vn", "02462764300", ROLE_AGENT, NULL },
	{ "unit0010", "Trần Thị Bình", "binh.tt@hanoi.example.gov.vn", "0912345678", ROLE_UNIT, "0010" },
	{ "unit0110", "Lê Văn Cường", "cuong.lv@haiphong.example.gov.vn", "0987654321", ROLE_UNIT,
	  "0110" },
};

static const struct request_in demo_requests[] = {
	{ .kind = KIND_SUPPORT, .unit = "0010", .service = "DVC",
	  .subject = "[0010#DVC] Lỗi ký số khi nộp hồ sơ thanh toán",
	  .description = "Khi bấm \"Ký và gửi\" hệ thống báo lỗi không tìm thấy chứng thư số. "
			 "Đã cắm USB token và cài lại phần mềm ký số.",
	  .requester_name = "Trần Thị Bình", .requester_email = "binh.tt@hanoi.example.gov.vn",
	  .requester_phone = "0912345678", .channel = CHAN_EMAIL, .priority = PRIO_HIGH },
	{ .kind = KIND_SUPPORT, .unit = "0110", .service = "DVC",
	  .subject = "[0110#DVC] Không đăng nhập được Dịch vụ công",
	  .description = "Tài khoản của đơn vị báo sai mật khẩu dù đã đổi mật khẩu hôm qua.",
	  .requester_name = "Lê Văn Cường", .requester_email = "cuong.lv@haiphong.example.gov.vn",
	  .channel = CHAN_WEB, .priority = PRIO_NORMAL },
	{ .kind = KIND_INCIDENT, .unit = "0010-HK", .service = "EMAIL",
	  .subject = "Nghi ngờ giả mạo cán bộ hỗ trợ qua Zalo",
	  .description = "Một người tự xưng là cán bộ hỗ trợ đề nghị cài UltraViewer và cung cấp mã PIN "
			 "chứng thư số. Đơn vị chưa cung cấp thông tin.",
	  .requester_name = "Phạm Đức Dũng", .requester_phone = "024 3825 1234",
	  .channel = CHAN_PHONE, .priority = PRIO_URGENT },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int load_demo(struct store *st)
{
	struct store_err err = { 0 };
	size_t created, updated;
	char code[16];
	json_t *users;
	int rc;

	if ((rc = store_user_list(st, &users)) < 0) {
		cmd_store_err("demo", rc, NULL);
		return 1;
	}
	for (size_t i = 0; i < json_array_size(users); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(users, i), "username")),
			    "admin")) {
			json_decref(users);
			printf("demo data present already\n");
			return 0;
		}
	json_decref(users);
	if ((rc = store_unit_import(st, demo_units, N(demo_units), "demo", &created, &updated, &err)) < 0)
		goto fail;
	for (size_t i = 0; i < N(demo_services); i++)
		if ((rc = store_service_create(st, &demo_services[i], "demo", &err)) < 0 && rc != -EEXIST)
			goto fail;
	for (size_t i = 0; i < N(demo_users); i++)
		if ((rc = store_user_create(st, &demo_users[i], "demo", &err)) < 0)
			goto fail;
	/* demo logins: one-time passwords, changed at first login like any account */
	printf("demo logins (change the password at first login):\n");
	for (size_t i = 0; i < N(demo_users); i++) {
		char pw[17];
		if ((rc = cmd_issue_password(st, demo_users[i].username, "initial", pw)) < 0)
			goto fail;
		printf("  %-9s %s\n", demo_users[i].username, pw);
	}
	for (size_t i = 0; i < N(demo_requests); i++)
		if ((rc = store_request_create(st, &demo_requests[i], "demo", code, &err)) < 0)
			goto fail;
	/* the demo agent as callers meet them: a name, an extension, an address */
	{
		static const struct official_in staff = {
			.kind = "staff", .label = "Cán bộ hỗ trợ công nghệ thông tin",
			.email = "hotro@example.gov.vn", .extension = "88617",
			.display_name = "Nguyễn Văn An", .active = 1,
		};
		static const struct announcement_in notice = {
			.title = "Cảnh báo mạo danh cán bộ hỗ trợ",
			.body = "Thời gian qua có kẻ xấu mạo danh cán bộ hỗ trợ, gọi điện, nhắn tin Zalo "
				"đề nghị cài phần mềm truy cập từ xa hoặc cung cấp mã PIN chứng thư số. "
				"Cán bộ hỗ trợ không bao giờ đề nghị như vậy. Hãy kiểm tra mã yêu cầu và "
				"số điện thoại của người liên hệ tại trang Xác minh.",
		};
		int64_t id;
		if ((rc = store_official_create(st, &staff, "demo", &id, &err)) < 0 ||
		    (rc = store_announcement_create(st, &notice, "demo", &id, &err)) < 0)
			goto fail;
	}
	printf("demo data loaded: %zu units, %zu services, %zu users, %zu requests\n",
	       N(demo_units), N(demo_services), N(demo_users), N(demo_requests));
	return 0;
fail:
	cmd_store_err("demo", rc, &err);
	return 1;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *db = NULL;
	struct store *st;
	int c, demo = 0, from, to, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': demo = 1; break;
		case 'h':
			puts("usage: ungcuu init [--db PATH] [--demo]\n\n"
			     "Create the database, or bring it to this binary's schema.\n"
			     "--demo  add demo units, services, users (admin, agent, unit0010) and requests");
			return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cmd_err("init: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	db = cmd_db(db);
	if (!(st = cmd_open(db, STORE_CREATE)))
		return 1;
	rc = store_migrate(st, &from, &to);
	if (rc == -EPROTO) {
		cmd_err("init: database '%s' has a newer schema than this binary knows (%d): "
			"upgrade ungcuu", db, to);
		store_close(st);
		return 1;
	}
	if (rc < 0) {
		cmd_store_err("init", rc, NULL);
		store_close(st);
		return 1;
	}
	if (from == to)
		printf("database %s is at schema version %d\n", db, to);
	else
		printf("database %s migrated from schema version %d to %d\n", db, from, to);
	rc = demo ? load_demo(st) : 0;
	store_close(st);
	return rc;
}
