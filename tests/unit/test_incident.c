/*
 * test_incident.c — the domain rules of incidents (core/incident) and the
 * report forms (core/incident_report): names, times in Vietnam's zone,
 * reporting deadlines and their states, the [TBSC] subject, the category
 * guess, and forms that hold their fields and keep hostile text as text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/incident.h"
#include "core/incident_report.h"

static void names(void **state)
{
	for (int i = 0; i < INC__COUNT; i++) {
		assert_int_equal(inc_category_parse(inc_category_name((enum inc_category)i)), i);
		assert_non_null(inc_category_label((enum inc_category)i, NULL));
		assert_non_null(inc_category_label((enum inc_category)i, "en"));
	}
	assert_int_equal(inc_category_parse("impersonation"), INC_IMPERSONATION);
	assert_int_equal(inc_category_parse("Malware"), -1);
	assert_int_equal(inc_category_parse(NULL), -1);
	assert_null(inc_category_name(INC__COUNT));
	assert_int_equal(inc_severity_parse("critical"), SEV_CRITICAL);
	assert_string_equal(inc_severity_label(SEV_CRITICAL, NULL), "Nghiêm trọng");
	assert_int_equal(inc_severity_parse("extreme"), -1);
}

static void times(void **state)
{
	int64_t t;
	char buf[INC_TIME_SIZE];

	/* 2026-11-21T08:15:00+07:00 = 01:15Z */
	assert_int_equal(inc_time_parse("2026-11-21T08:15:00+07:00", &t), 0);
	assert_int_equal(t, 1795223700);
	inc_time_iso(t, buf);
	assert_string_equal(buf, "2026-11-21T08:15:00+07:00");
	inc_time_vn(t, buf);
	assert_string_equal(buf, "21/11/2026 08:15");
	assert_int_equal(inc_time_parse("2026-11-21T01:15:00Z", &t), 0);
	assert_int_equal(t, 1795223700);
	assert_int_equal(inc_time_parse("2026-11-21T01:15:00.123Z", &t), 0);
	assert_int_equal(t, 1795223700);
	/* no zone: Vietnam's */
	assert_int_equal(inc_time_parse("2026-11-21T08:15", &t), 0);
	assert_int_equal(t, 1795223700);
	assert_int_equal(inc_time_parse("2026-11-21", &t), 0);
	assert_int_equal(t, 1795223700 - 8 * 3600 - 15 * 60);
	/* across the date line of the zone: 23:30 on the 20th in Vietnam */
	assert_int_equal(inc_time_parse("2026-11-20T16:30:00Z", &t), 0);
	inc_time_iso(t, buf);
	assert_string_equal(buf, "2026-11-20T23:30:00+07:00");
	assert_int_equal(inc_time_parse("2026-11-20T17:30:00Z", &t), 0);
	inc_time_vn(t, buf);
	assert_string_equal(buf, "21/11/2026 00:30");
	/* refused */
	const char *bad[] = { "", "yesterday", "2026-13-01", "2026-02-29", "2026-11-21T25:00",
			      "2026-11-21T08:15+7", "2026-11-21T08:15:00+07:00x", "1969-12-31",
			      "2026-11-21 08", "1970-01-01T00:00:00+01:00", "9999-01-01", NULL };
	for (const char **b = bad; *b; b++)
		assert_int_equal(inc_time_parse(*b, &t), -1);
	assert_int_equal(inc_time_parse("2028-02-29", &t), 0);
	assert_int_equal(inc_time_parse(NULL, &t), -1);
}

static void deadlines(void **state)
{
	int64_t detected = 1795223700, due = detected + INC_INITIAL_REPORT_S;

	assert_int_equal(INC_INITIAL_REPORT_S, 5 * 86400);
	assert_int_equal(inc_deadline_state(0, 0, detected), DL_NONE);
	assert_int_equal(inc_deadline_state(due, 0, detected), DL_OK);
	assert_int_equal(inc_deadline_state(due, 0, due - INC_DUE_SOON_S - 1), DL_OK);
	assert_int_equal(inc_deadline_state(due, 0, due - INC_DUE_SOON_S), DL_DUE_SOON);
	assert_int_equal(inc_deadline_state(due, 0, due), DL_DUE_SOON);
	assert_int_equal(inc_deadline_state(due, 0, due + 1), DL_OVERDUE);
	assert_int_equal(inc_deadline_state(due, due, due + 100), DL_MET);
	assert_int_equal(inc_deadline_state(due, due + 1, due + 100), DL_LATE);
	assert_string_equal(inc_deadline_name(DL_OVERDUE), "overdue");
	assert_null(inc_deadline_name(DL_NONE));
	assert_string_equal(inc_deadline_label(DL_OVERDUE, NULL), "Quá hạn");
}

static void subjects_and_guess(void **state)
{
	assert_true(inc_subject_is_report("[TBSC] Trang web bị tấn công"));
	assert_true(inc_subject_is_report("  [tbsc]x"));
	assert_true(inc_subject_is_report("Re: Fwd: [TBSC] x"));
	assert_false(inc_subject_is_report("[0010#DVC] Lỗi ký số"));
	assert_false(inc_subject_is_report("Về [TBSC]"));
	assert_false(inc_subject_is_report(NULL));

	const struct {
		const char *text;
		enum inc_category want;
	} cases[] = {
		{ "Máy tính nhiễm MÃ ĐỘC đánh cắp thông tin", INC_MALWARE },
		{ "Có người GIẢ MẠO cán bộ hỗ trợ, yêu cầu cài UltraViewer", INC_IMPERSONATION },
		{ "Tài khoản bị chiếm đoạt, đăng nhập trái phép", INC_ACCOUNT_COMPROMISE },
		{ "Lộ lọt dữ liệu cá nhân của người dân", INC_DATA_LEAK },
		{ "Khai thác lỗ hổng CVE-2023-4966", INC_VULN_EXPLOIT },
		{ "Trang chủ bị thay đổi giao diện (deface)", INC_DEFACEMENT },
		{ "Tấn công từ chối dịch vụ DDoS", INC_DOS },
		{ "Máy in không in được", INC_OTHER },
		{ "", INC_OTHER },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(inc_category_guess(cases[i].text, strlen(cases[i].text)), cases[i].want);
}

static const char REQ[] =
	"{\"code\":\"SD261121-000042\",\"kind\":\"incident\",\"unit\":\"0010\","
	"\"subject\":\"<script>alert(1)</script> Nhiễm mã độc\",\"description\":\"a & b\\nc\","
	"\"status\":\"resolved\",\"channel\":\"email\",\"requester\":{\"name\":\"Trần Thị Bình\","
	"\"email\":\"binh@example.gov.vn\",\"phone\":\"0912345678\"},"
	"\"attachments\":[{\"filename\":\"log<1>.txt\"}],"
	"\"incident\":{\"category\":\"malware\",\"category_label\":\"Mã độc\","
	"\"detected_at\":\"2026-11-20T08:15:00+07:00\",\"affected_systems\":\"Máy trạm \\\"KT\\\"\","
	"\"cause\":\"Mở tệp độc hại\",\"deadlines\":{\"initial\":{\"due\":\"2026-11-25T08:15:00+07:00\","
	"\"state\":\"overdue\",\"state_label\":\"Quá hạn\",\"remaining_s\":-3600,\"reported_at\":null},"
	"\"final\":{\"due\":null,\"state\":null,\"state_label\":\"Chưa tính\"}},"
	"\"observables\":[{\"type\":\"ipv4\",\"value\":\"198.51.100.3\"}],"
	"\"report\":{\"system_level\":\"3\",\"notified\":[\"vncert\"],\"contact_title\":\"<b>KTT</b>\"}}}";
static const char UNIT[] =
	"{\"code\":\"0010\",\"name\":\"Kho bạc Nhà nước Hà Nội\",\"province\":\"Hà Nội\","
	"\"contacts\":[{\"name\":\"A\",\"phone\":\"02438251234\",\"email\":\"vp@example.gov.vn\"}]}";

static void report_forms(void **state)
{
	json_t *req = json_loads(REQ, 0, NULL), *unit = json_loads(UNIT, 0, NULL);
	char *h;

	assert_non_null(req);
	assert_non_null(unit);
	assert_int_equal(report_form_parse("initial"), REPORT_INITIAL);
	assert_int_equal(report_form_parse("final"), REPORT_FINAL);
	assert_int_equal(report_form_parse("weekly"), -1);

	h = report_html(req, unit, "Đội <ứng cứu>", REPORT_INITIAL, 1795223700);
	assert_non_null(h);
	const char *want[] = {
		"BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG", "Mẫu số 03", "20/2017/TT-BTTTT",
		"Kho bạc Nhà nước Hà Nội", "Hà Nội", "02438251234", "vp@example.gov.vn",
		"Trần Thị Bình", "&lt;b&gt;KTT&lt;/b&gt;", "Máy trạm &quot;KT&quot;",
		"&lt;script&gt;alert(1)&lt;/script&gt; Nhiễm mã độc", "a &amp; b<br>c",
		"20/11/2026", "08 giờ 15 phút", "&#9745; Đã được xử lý", "&#9745; Cấp độ 3",
		"&#9745; Cơ quan điều phối quốc gia", "&#9745; Do người sử dụng phát hiện",
		"21/11/2026/08/15", "25/11/2026 08:15 — Quá hạn (quá 0 ngày 1 giờ 0 phút)",
		"198.51.100.3", "Đội &lt;ứng cứu&gt;", "CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT", NULL,
	};
	for (const char **w = want; *w; w++)
		if (!strstr(h, *w))
			fail_msg("initial form lacks '%s'", *w);
	assert_null(strstr(h, "<script>"));
	assert_null(strstr(h, "<b>KTT"));
	free(h);

	h = report_html(req, unit, "Đội ứng cứu", REPORT_FINAL, 1795223700);
	assert_non_null(h);
	const char *want2[] = {
		"BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ", "Mẫu số 04", "KÝ HIỆU BÁO CÁO BAN ĐẦU SỰ CỐ",
		"SD261121-000042", "Kết quả xử lý sự cố", "Nguyên nhân: Mở tệp độc hại",
		"log&lt;1&gt;.txt", "chưa tính", NULL,
	};
	for (const char **w = want2; *w; w++)
		if (!strstr(h, *w))
			fail_msg("final form lacks '%s'", *w);
	assert_null(strstr(h, "<script>"));
	free(h);

	/* a request with nothing filled: blanks, no crash */
	json_t *empty = json_pack("{ss s{}}", "code", "SD261121-000001", "incident");
	h = report_html(empty, NULL, NULL, REPORT_INITIAL, 0);
	assert_non_null(h);
	assert_non_null(strstr(h, "………"));
	free(h);
	json_decref(empty);
	json_decref(req);
	json_decref(unit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(times),
		cmocka_unit_test(deadlines),
		cmocka_unit_test(subjects_and_guess),
		cmocka_unit_test(report_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
