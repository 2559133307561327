/*
 * incident_report.c — the report forms of Circular 20/2017/TT-BTTTT (see
 * incident_report.h).  The field labels, their order and the (*) marks of
 * required fields follow the circular's annex forms; what the incident
 * record holds is filled in, the rest comes from the incident's "report"
 * object (PATCH .../incident {"report":{...}}) or is left as a dotted line
 * to complete by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/incident.h"
#include "core/incident_report.h"

int report_form_parse(const char *s)
{
	if (s && !strcmp(s, "initial"))
		return REPORT_INITIAL;
	if (s && !strcmp(s, "final"))
		return REPORT_FINAL;
	return -1;
}

void report_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputs("<br>", f); break;
		case '\r': break;
		default: fputc(*s, f);
		}
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v && *v ? v : NULL;
}

/* "<p>label value</p>" (value escaped) when there is a value. */
static void paragraph(FILE *f, const char *label, const char *v)
{
	if (!v)
		return;
	fputs("<p>", f);
	fputs(label, f);
	report_escape(f, v);
	fputs("</p>", f);
}

/* A value, or the dotted line of a blank to fill by hand. */
static void value(FILE *f, const char *v)
{
	if (v)
		report_escape(f, v);
	else
		fputs("<span class=\"blank\">………………………………</span>", f);
}

static void line(FILE *f, const char *label, const char *v)
{
	fputs("<p class=\"item\">&#9642; ", f);
	fputs(label, f);
	fputs(" <span class=\"val\">", f);
	value(f, v);
	fputs("</span></p>\n", f);
}

static void row(FILE *f, const char *label, const char *v)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	value(f, v);
	fputs("</td></tr>\n", f);
}

/* Whether the array `codes` of the report object holds `code`. */
static bool has_code(const json_t *report, const char *key, const char *code)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(report, key), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), code))
			return true;
	return false;
}

struct option {
	const char *code, *label;
};

static void checkboxes(FILE *f, const json_t *report, const char *key, const struct option *opts,
		       const char *fallback)
{
	bool any = json_array_size(json_object_get(report, key)) > 0;

	fputs("<ul class=\"checks\">\n", f);
	for (const struct option *o = opts; o->code; o++) {
		bool on = any ? has_code(report, key, o->code) : (fallback && !strcmp(fallback, o->code));
		fprintf(f, "<li>%s %s</li>\n", on ? "&#9745;" : "&#9744;", o->label);
	}
	fputs("</ul>\n", f);
}

static void date_time(FILE *f, const char *iso)
{
	int64_t t;
	char buf[INC_TIME_SIZE];

	fputs("<table class=\"grid when\"><tr><th>Ngày phát hiện sự cố (*) (dd/mm/yy)</th><td>", f);
	if (iso && inc_time_parse(iso, &t) == 0) {
		inc_time_vn(t, buf);
		buf[10] = '\0';
		fputs(buf, f);
		fputs("</td><th>Thời gian phát hiện (*):</th><td>", f);
		fprintf(f, "%.2s giờ %.2s phút", buf + 11, buf + 14);
	} else {
		value(f, NULL);
		fputs("</td><th>Thời gian phát hiện (*):</th><td>", f);
		value(f, NULL);
	}
	fputs("</td></tr></table>\n", f);
}

/* "dd/mm/yyyy HH:MM" of an ISO time, or NULL. */
static const char *vn_time(const char *iso, char buf[INC_TIME_SIZE])
{
	int64_t t;

	if (!iso || inc_time_parse(iso, &t) < 0)
		return NULL;
	inc_time_vn(t, buf);
	return buf;
}

static void deadline_box(FILE *f, const json_t *inc, const char *which, const char *title)
{
	const json_t *d = json_object_get(json_object_get(inc, "deadlines"), which);
	char due[INC_TIME_SIZE], sent[INC_TIME_SIZE];
	const char *state = str(d, "state");
	json_t *rem = json_object_get(d, "remaining_s");

	fprintf(f, "<div class=\"deadline %s\" data-deadline=\"%s\"><strong>%s:</strong> ",
		state ? state : "none", which, title);
	if (!vn_time(str(d, "due"), due)) {
		fputs("chưa tính (chưa kết thúc ứng phó sự cố)", f);
	} else {
		fprintf(f, "%s — %s", due, str(d, "state_label") ? str(d, "state_label") : "");
		if (json_is_integer(rem)) {
			long long s = (long long)json_integer_value(rem);
			long long a = s < 0 ? -s : s;
			fprintf(f, " (%s %lld ngày %lld giờ %lld phút)", s < 0 ? "quá" : "còn", a / 86400,
				(a % 86400) / 3600, (a % 3600) / 60);
		}
		if (vn_time(str(d, "reported_at"), sent))
			fprintf(f, "; đã gửi lúc %s", sent);
	}
	fputs("</div>\n", f);
}

static const char CSS[] =
	"@page{size:A4;margin:20mm 18mm}"
	"body{font-family:'Times New Roman',Times,serif;font-size:13pt;line-height:1.4;color:#000;"
	"max-width:180mm;margin:0 auto}"
	"h1{font-size:14pt;text-align:center;margin:12pt 0}"
	"h2{font-size:13pt;margin:10pt 0 4pt;text-transform:uppercase}"
	".form{display:flex;justify-content:space-between;gap:12pt}"
	".form .no{border:1px solid #000;padding:4pt 8pt;text-align:center;font-size:11pt}"
	".item{margin:3pt 0}.blank{color:#666}"
	"table.grid{border-collapse:collapse;width:100%;margin:4pt 0}"
	"table.grid th,table.grid td{border:1px solid #000;padding:3pt 5pt;vertical-align:top;"
	"text-align:left}table.grid th{font-weight:normal;width:40%}"
	"table.when th{width:auto}table.when td{white-space:nowrap}"
	".box{border:1px solid #000;padding:4pt 6pt;margin:4pt 0}.hint{font-style:italic}"
	"ul.checks{list-style:none;padding-left:8pt;margin:2pt 0}"
	".deadline{border:2px solid #000;padding:4pt 6pt;margin:8pt 0}"
	".deadline.overdue,.deadline.late{border-color:#b00;color:#b00}"
	".sign{display:flex;justify-content:flex-end;margin-top:18pt;text-align:center}"
	".sign div{width:50%}.notes{font-size:11pt;font-style:italic}"
	"@media print{.deadline{break-inside:avoid}}";

static const struct option DETECTION[] = {
	{ "ids", "Qua hệ thống phát hiện xâm nhập, giám sát an toàn thông tin" },
	{ "log", "Qua kiểm tra nhật ký hệ thống (log)" },
	{ "antivirus", "Qua phần mềm phòng chống mã độc" },
	{ "user", "Do người sử dụng phát hiện, báo cáo" },
	{ "external", "Do cơ quan, tổ chức bên ngoài thông báo" },
	{ "other", "Khác" },
	{ NULL, NULL },
};
static const struct option NOTIFIED[] = {
	{ "owner", "Cơ quan chủ quản" },
	{ "vncert", "Cơ quan điều phối quốc gia (Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam — VNCERT/CC)" },
	{ "provincial", "Cơ quan chuyên trách ứng cứu sự cố của bộ, ngành, tỉnh" },
	{ "police", "Cơ quan Công an" },
	{ "isp", "Doanh nghiệp cung cấp dịch vụ viễn thông, Internet" },
	{ "other", "Khác" },
	{ NULL, NULL },
};
static const struct option SERVICES[] = {
	{ "web", "Web server" }, { "mail", "Mail server" }, { "database", "Database server" },
	{ "file", "File server, FTP" }, { "dns", "DNS" }, { "remote", "Truy cập từ xa (VPN, RDP, SSH)" },
	{ "other", "Khác" }, { NULL, NULL },
};
static const struct option MEASURES[] = {
	{ "firewall", "Tường lửa (firewall)" }, { "ids", "Hệ thống phát hiện, ngăn chặn xâm nhập (IDS/IPS)" },
	{ "antivirus", "Phần mềm phòng chống mã độc" }, { "waf", "Tường lửa ứng dụng web (WAF)" },
	{ "backup", "Sao lưu dữ liệu" }, { "monitoring", "Giám sát an toàn thông tin" },
	{ "other", "Khác" }, { NULL, NULL },
};
static const struct option ENCLOSED[] = {
	{ "logs", "Nhật ký hệ thống (log)" }, { "samples", "Mẫu mã độc, tệp tin nghi vấn" },
	{ "screenshots", "Ảnh chụp màn hình" }, { "indicators", "Danh sách dấu hiệu nhận biết (phụ lục)" },
	{ "other", "Khác" }, { NULL, NULL },
};
static const struct option LEVELS[] = {
	{ "1", "Cấp độ 1" }, { "2", "Cấp độ 2" }, { "3", "Cấp độ 3" }, { "4", "Cấp độ 4" },
	{ "5", "Cấp độ 5" }, { NULL, NULL },
};

static const char *type_label(const char *t)
{
	static const struct option labels[] = {
		{ "ipv4", "Địa chỉ IPv4" }, { "ipv6", "Địa chỉ IPv6" }, { "domain", "Tên miền" },
		{ "url", "Đường dẫn (URL)" }, { "email", "Địa chỉ thư điện tử" },
		{ "md5", "Mã băm MD5" }, { "sha1", "Mã băm SHA-1" }, { "sha256", "Mã băm SHA-256" },
		{ "cve", "Lỗ hổng (CVE)" }, { "phone", "Số điện thoại" }, { "zalo", "Tài khoản Zalo" },
		{ NULL, NULL },
	};

	for (const struct option *o = labels; t && o->code; o++)
		if (!strcmp(o->code, t))
			return o->label;
	return t ? t : "";
}

static void observables_annex(FILE *f, const json_t *inc)
{
	const json_t *obs = json_object_get(inc, "observables"), *v;
	size_t i;

	fputs("<h2>Phụ lục: Dấu hiệu nhận biết sự cố</h2>\n", f);
	if (json_array_size(obs) == 0) {
		fputs("<p>Không có.</p>\n", f);
		return;
	}
	fputs("<table class=\"grid observables\"><tr><th>Loại</th><th>Giá trị</th></tr>\n", f);
	json_array_foreach(obs, i, v) {
		fprintf(f, "<tr><td>%s</td><td>", type_label(str(v, "type")));
		report_escape(f, str(v, "value"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The reporting organisation: the unit, unless the report says otherwise. */
static void reporter(FILE *f, const json_t *req, const json_t *unit, const json_t *report)
{
	const json_t *contact = json_array_get(json_object_get(unit, "contacts"), 0);
	const char *name = str(report, "reporter_name");

	if (!name)
		name = str(unit, "name") ? str(unit, "name") : str(req, "unit_name");
	fputs("<h2>Thông tin về tổ chức/cá nhân báo cáo sự cố</h2>\n", f);
	line(f, "Tên tổ chức/cá nhân báo cáo sự cố (*):", name);
	line(f, "Địa chỉ (*):", str(report, "reporter_address") ? str(report, "reporter_address")
							     : str(unit, "province"));
	line(f, "Điện thoại (*):", str(report, "reporter_phone") ? str(report, "reporter_phone")
							      : str(contact, "phone"));
	line(f, "Email (*):", str(report, "reporter_email") ? str(report, "reporter_email")
						       : str(contact, "email"));
}

static void system_table(FILE *f, const json_t *req, const json_t *unit, const json_t *inc,
			 const json_t *report, bool initial)
{
	const char *operator = str(report, "operator");
	const char *level = str(report, "system_level");

	if (!operator)
		operator = str(unit, "name") ? str(unit, "name") : str(req, "unit_name");
	fputs("<h2>Thông tin chi tiết về hệ thống bị sự cố</h2>\n<table class=\"grid\">\n", f);
	row(f, "Tên đơn vị vận hành hệ thống thông tin (*):", operator);
	row(f, "Cơ quan chủ quản:", str(report, "owner_agency"));
	row(f, "Tên hệ thống bị sự cố", str(report, "system_name") ? str(report, "system_name")
								 : str(inc, "affected_systems"));
	fputs("<tr><th>Phân loại cấp độ của hệ thống thông tin (nếu có)</th><td>", f);
	for (const struct option *o = LEVELS; o->code; o++)
		fprintf(f, "%s %s&nbsp;&nbsp; ", level && !strcmp(level, o->code) ? "&#9745;" : "&#9744;",
			o->label);
	fputs("</td></tr>\n", f);
	if (initial) {
		row(f, "Tổ chức cung cấp dịch vụ an toàn thông tin (nếu có):",
		    str(report, "security_provider"));
		row(f, "Tên nhà cung cấp dịch vụ kết nối bên ngoài (nếu có)", str(report, "isp"));
	}
	fputs("</table>\n", f);
}

static void header(FILE *f, const json_t *req, const char *org, const char *number,
		   const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	fputs(title, f);
	fputs(" — ", f);
	report_escape(f, str(req, "code"));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<div class=\"form\"><div>", CSS);
	report_escape(f, org && *org ? org : "");
	fprintf(f, "<br>Số yêu cầu: ");
	report_escape(f, str(req, "code"));
	fprintf(f, "</div><div class=\"no\"><strong>%s</strong><br><em>Ban hành kèm theo Thông tư số "
		   "20/2017/TT-BTTTT ngày 12/9/2017 của Bộ Thông tin và Truyền thông</em></div></div>\n"
		   "<h1>%s</h1>\n", number, title);
}

static void signature(FILE *f)
{
	fputs("<div class=\"sign\"><div><strong>CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT</strong><br>"
	      "<em>(Ký tên, đóng dấu)</em></div></div>\n", f);
}

static void initial_form(FILE *f, const json_t *req, const json_t *unit, const json_t *inc,
			 const json_t *report, int64_t now)
{
	const json_t *rq = json_object_get(req, "requester");
	const char *status = str(req, "status");
	bool handled = status && (!strcmp(status, "resolved") || !strcmp(status, "closed"));
	const char *channel = str(req, "channel");
	char buf[INC_TIME_SIZE];

	reporter(f, req, unit, report);
	fputs("<h2>Người liên hệ</h2>\n", f);
	line(f, "Họ và tên (*):", str(report, "contact_name") ? str(report, "contact_name")
							  : str(rq, "name"));
	line(f, "Chức vụ:", str(report, "contact_title"));
	line(f, "Điện thoại (*):", str(report, "contact_phone") ? str(report, "contact_phone")
							     : str(rq, "phone"));
	line(f, "Email (*):", str(report, "contact_email") ? str(report, "contact_email")
						      : str(rq, "email"));
	system_table(f, req, unit, inc, report, true);

	fputs("<table class=\"grid\"><tr><th style=\"width:100%\">Mô tả sơ bộ về sự cố (*)</th></tr>"
	      "<tr><td><p class=\"hint\">Đề nghị cung cấp một bản tóm tắt ngắn gọn về sự cố, bao gồm "
	      "đánh giá sơ bộ cuộc tấn công đã xảy ra chưa và bất kỳ các nguy cơ dẫn đến khả năng phá "
	      "hoại hoặc gián đoạn dịch vụ. Cũng vui lòng xác định mức độ nhạy cảm của thông tin liên "
	      "quan hoặc những đối tượng bị ảnh hưởng bởi sự cố</p><p class=\"subject\"><strong>", f);
	report_escape(f, str(req, "subject"));
	fputs("</strong></p><p class=\"description\">", f);
	report_escape(f, str(req, "description"));
	fputs("</p><p>Loại sự cố: ", f);
	report_escape(f, str(inc, "category_label"));
	if (str(inc, "severity_label")) {
		fputs(". Mức độ: ", f);
		report_escape(f, str(inc, "severity_label"));
	}
	fputs(".</p>", f);
	paragraph(f, "Ảnh hưởng: ", str(inc, "impact"));
	paragraph(f, "Biện pháp đã thực hiện: ", str(inc, "measures"));
	fputs("</td></tr></table>\n", f);
	date_time(f, str(inc, "detected_at"));

	fputs("<h2>Hiện trạng sự cố (*)</h2>\n<ul class=\"checks\">", f);
	fprintf(f, "<li>%s Đã được xử lý</li><li>%s Chưa được xử lý</li></ul>\n",
		handled ? "&#9745;" : "&#9744;", handled ? "&#9744;" : "&#9745;");
	fputs("<h2>Cách thức phát hiện (*)</h2>\n<p class=\"hint\">(Đánh dấu những cách thức được sử "
	      "dụng để phát hiện sự cố)</p>\n", f);
	checkboxes(f, report, "detection_methods", DETECTION,
		   channel && strcmp(channel, "api") ? "user" : NULL);
	fputs("<h2>Đã gửi thông báo sự cố cho (*)</h2>\n", f);
	checkboxes(f, report, "notified", NOTIFIED, NULL);

	fputs("<h2>Thông tin bổ sung về hệ thống xảy ra sự cố</h2>\n", f);
	fputs("<p class=\"item\">&#9642; Hệ điều hành <span class=\"val\">", f);
	value(f, str(report, "os"));
	fputs("</span> Version <span class=\"val\">", f);
	value(f, str(report, "os_version"));
	fputs("</span></p>\n<p class=\"item\">&#9642; Các dịch vụ có trên hệ thống <em>(Đánh dấu những "
	      "dịch vụ được sử dụng trên hệ thống)</em></p>\n", f);
	checkboxes(f, report, "services", SERVICES, NULL);
	fputs("<p class=\"item\">&#9642; Các biện pháp an toàn thông tin đã triển khai <em>(Đánh dấu "
	      "những biện pháp đã triển khai)</em></p>\n", f);
	checkboxes(f, report, "security_measures", MEASURES, NULL);
	line(f, "Các địa chỉ IP của hệ thống <em>(Liệt kê địa chỉ IP sử dụng trên Internet, không liệt "
		"kê địa chỉ IP nội bộ)</em>:", str(report, "system_ips"));
	line(f, "Các tên miền của hệ thống:", str(report, "system_domains"));
	line(f, "Mục đích chính sử dụng hệ thống:", str(report, "purpose"));
	fputs("<p class=\"item\">&#9642; Thông tin gửi kèm</p>\n", f);
	checkboxes(f, report, "enclosed", ENCLOSED,
		   json_array_size(json_object_get(inc, "observables")) ? "indicators" : NULL);
	{
		json_t *conf = json_object_get(report, "confidential");
		bool secret = !json_is_false(conf); /* confidential unless said otherwise */
		fprintf(f, "<p class=\"item\">&#9642; Các thông tin cung cấp trong thông báo sự cố này "
			   "đều phải được giữ bí mật: %s Có &nbsp; %s Không</p>\n",
			secret ? "&#9745;" : "&#9744;", secret ? "&#9744;" : "&#9745;");
	}
	fputs("<h2>Kiến nghị, đề xuất hỗ trợ</h2>\n<table class=\"grid\"><tr><th style=\"width:100%\">"
	      "Mô tả về đề xuất, kiến nghị</th></tr><tr><td><p class=\"hint\">Đề nghị cung cấp tóm lược "
	      "về các kiến nghị và đề xuất hỗ trợ ứng cứu (nếu có)</p><p>", f);
	value(f, str(report, "recommendations"));
	fputs("</p></td></tr></table>\n", f);
	{
		time_t local = (time_t)(now + 7 * 3600);
		struct tm tm;
		gmtime_r(&local, &tm);
		strftime(buf, sizeof(buf), "%d/%m/%Y/%H/%M", &tm);
	}
	fprintf(f, "<p><strong>THỜI GIAN THỰC HIỆN BÁO CÁO SỰ CỐ</strong> (*): %s "
		   "(ngày/tháng/năm/giờ/phút)</p>\n", buf);
	deadline_box(f, inc, "initial", "Hạn gửi báo cáo ban đầu (5 ngày kể từ khi phát hiện sự cố)");
	signature(f);
	fputs("<p class=\"notes\">Chú thích:<br>1. Phần (*) là những thông tin bắt buộc. Các phần còn "
	      "lại có thể loại bỏ nếu không có thông tin.<br>2. Sử dụng tiêu đề (subject) bắt đầu bằng "
	      "\"[TBSC]\" khi gửi thông báo qua email.<br>3. Tham khảo thêm tại website của VNCERT/CC "
	      "(www.vncert.gov.vn).</p>\n", f);
}

static void final_form(FILE *f, const json_t *req, const json_t *unit, const json_t *inc,
		       const json_t *report)
{
	const json_t *d = json_object_get(json_object_get(inc, "deadlines"), "initial"), *v;
	char buf[INC_TIME_SIZE];
	size_t i;

	reporter(f, req, unit, report);
	fputs("<p class=\"item\"><strong>KÝ HIỆU BÁO CÁO BAN ĐẦU SỰ CỐ</strong>: Số ký hiệu "
	      "<span class=\"val\">", f);
	report_escape(f, str(req, "code"));
	fputs("</span> Ngày báo cáo: <span class=\"val\">", f);
	if (vn_time(str(d, "reported_at"), buf)) {
		buf[10] = '\0';
		fputs(buf, f);
	} else {
		value(f, NULL);
	}
	fputs("</span></p>\n", f);
	system_table(f, req, unit, inc, report, false);
	fputs("<table class=\"grid\"><tr><th style=\"width:100%\">Tên/Mô tả về sự cố</th></tr><tr><td>"
	      "<p class=\"subject\"><strong>", f);
	report_escape(f, str(req, "subject"));
	fputs("</strong></p><p class=\"description\">", f);
	report_escape(f, str(req, "description"));
	fputs("</p><p>Loại sự cố: ", f);
	report_escape(f, str(inc, "category_label"));
	fputs(".</p></td></tr></table>\n", f);
	date_time(f, str(inc, "detected_at"));
	fputs("<table class=\"grid\"><tr><th style=\"width:100%\">Kết quả xử lý sự cố</th></tr><tr><td>"
	      "<p class=\"hint\">Cung cấp, tóm tắt tổng quát về những gì đã xảy ra và cách thức giải "
	      "quyết, đề xuất giải pháp ứng cứu sự cố nhằm xử lý nhanh sự cố, giảm nhẹ rủi ro và thiệt "
	      "hại đối với sự cố tương tự trong tương lai...</p>", f);
	if (str(report, "result")) {
		fputs("<p>", f);
		report_escape(f, str(report, "result"));
		fputs("</p>", f);
	} else if (str(inc, "cause") || str(inc, "measures") || str(inc, "impact")) {
		paragraph(f, "Nguyên nhân: ", str(inc, "cause"));
		paragraph(f, "Ảnh hưởng: ", str(inc, "impact"));
		paragraph(f, "Biện pháp đã thực hiện: ", str(inc, "measures"));
	} else {
		fputs("<p>", f);
		value(f, NULL);
		fputs("</p>", f);
	}
	fputs("</td></tr></table>\n<table class=\"grid\"><tr><th style=\"width:100%\">Các tài liệu đính "
	      "kèm</th></tr><tr><td><p class=\"hint\">Liệt kê các tài liệu liên quan (báo cáo diễn biến "
	      "sự cố; phương án xử lý, log file…)</p><p>", f);
	if (str(report, "documents")) {
		report_escape(f, str(report, "documents"));
	} else if (json_array_size(json_object_get(req, "attachments"))) {
		json_array_foreach(json_object_get(req, "attachments"), i, v) {
			if (i)
				fputs("; ", f);
			report_escape(f, str(v, "filename"));
		}
	} else {
		value(f, NULL);
	}
	fputs("</p></td></tr></table>\n", f);
	deadline_box(f, inc, "final", "Hạn gửi báo cáo kết thúc (5 ngày kể từ khi kết thúc ứng phó sự cố)");
	signature(f);
}

char *report_html(const json_t *req, const json_t *unit, const char *org, enum report_form form,
		  int64_t now)
{
	const json_t *inc = json_object_get(req, "incident");
	const json_t *report = json_object_get(inc, "report");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (form == REPORT_INITIAL) {
		header(f, req, org, "Mẫu số 03", "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG");
		initial_form(f, req, unit, inc, report, now);
	} else {
		header(f, req, org, "Mẫu số 04", "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ");
		final_form(f, req, unit, inc, report);
	}
	observables_annex(f, inc);
	fputs("</body>\n</html>\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
