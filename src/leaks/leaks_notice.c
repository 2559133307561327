/*
 * leaks_notice.c — the texts of a leak request (see leaks_notice.h).
 * The advice follows the department's notice on leaked accounts: change
 * the password at once, check the computer for info-stealer malware, never
 * reuse passwords, report promptly.
 */
#include "leaks/leaks_notice.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leaks/leaks_parse.h"

static const struct {
	const char *verdict, *vi, *en;
} labels[] = {
	{ "valid_now", "mật khẩu ĐANG DÙNG (nghiêm trọng)", "the CURRENT password (critical)" },
	{ "old_password", "mật khẩu cũ của tài khoản (cao)", "a former password (high)" },
	{ "different", "mật khẩu khác mật khẩu hiện tại (trung bình)", "another password (medium)" },
	{ "unknown_mailbox", "hộp thư của đơn vị, không có tài khoản trên hệ thống",
	  "a mailbox of ours without an account here" },
};

const char *leaks_verdict_vi(const char *verdict)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].verdict, verdict))
			return labels[i].vi;
	return verdict;
}

const char *leaks_verdict_en(const char *verdict)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].verdict, verdict))
			return labels[i].en;
	return verdict;
}

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* One line per finding, in one language. */
static void list(FILE *f, const json_t *findings, bool vi)
{
	size_t i;
	json_t *it;

	json_array_foreach(findings, i, it) {
		char masked[LEAKS_KEY_MAX * 2];
		leaks_mask_account(str(it, "account"), masked, sizeof(masked));
		fprintf(f, "  - %s: %s; %s %s", masked,
			vi ? leaks_verdict_vi(str(it, "verdict")) : leaks_verdict_en(str(it, "verdict")),
			vi ? "mật khẩu bị lộ" : "leaked password", str(it, "hint"));
		if (*str(it, "system"))
			fprintf(f, "; %s %s", vi ? "hệ thống" : "system", str(it, "system"));
		fputc('\n', f);
	}
}

static int count(const json_t *findings, const char *verdict)
{
	size_t i;
	json_t *it;
	int n = 0;

	json_array_foreach(findings, i, it)
		n += !strcmp(str(it, "verdict"), verdict);
	return n;
}

static char *finish(FILE *f, char **buf)
{
	if (fclose(f) != 0) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

int leaks_notice_compose(void *arg, const char *unit, const char *unit_name, const char *source,
			 const json_t *findings, char **ret_subject, char **ret_description,
			 char **ret_notice)
{
	size_t n = json_array_size(findings), len;
	int forced = count(findings, "valid_now") + count(findings, "old_password");
	char *subject = NULL, *desc = NULL, *notice = NULL;
	const char *who = unit_name ? unit_name : "(chưa xác định đơn vị)";
	FILE *f;

	(void)arg;
	if (asprintf(&subject, "Cảnh báo lộ lọt tài khoản: %zu tài khoản của %s", n, who) < 0)
		return -ENOMEM;

	if (!(f = open_memstream(&desc, &len)))
		goto fail;
	fprintf(f, "Giám sát lộ lọt thông tin phát hiện %zu tài khoản của %s%s%s%s trong nguồn dữ liệu "
		   "bị lộ \"%s\".\n\n", n, who, unit ? " (" : "", unit ? unit : "", unit ? ")" : "",
		source);
	list(f, findings, true);
	fprintf(f, "\nMật khẩu bị lộ không được lưu: hệ thống chỉ giữ mã băm có khóa để tránh trùng lặp và "
		   "gợi ý đã che (ký tự đầu, cuối và độ dài).\n");
	if (forced)
		fprintf(f, "%d tài khoản có mật khẩu đang dùng hoặc mật khẩu cũ bị lộ đã bị buộc đổi mật khẩu "
			   "ở lần đăng nhập tới và bị đăng xuất khỏi mọi phiên.\n", forced);
	if (!(desc = finish(f, &desc)))
		goto fail;

	if (!(f = open_memstream(&notice, &len)))
		goto fail;
	fprintf(f,
		"Kính gửi đầu mối %s,\n\n"
		"Qua giám sát, chúng tôi phát hiện thông tin đăng nhập (tên đăng nhập và mật khẩu) của "
		"các tài khoản sau thuộc Quý đơn vị đã bị lộ lọt trên Internet (nguồn: \"%s\"):\n\n",
		who, source);
	list(f, findings, true);
	fprintf(f,
		"\nĐề nghị Quý đơn vị thực hiện ngay:\n"
		"  1. Đổi mật khẩu của các tài khoản trên ngay lập tức, và của mọi hệ thống khác đang dùng "
		"cùng mật khẩu. Mật khẩu mới có ít nhất 8 ký tự, gồm chữ hoa, chữ thường, chữ số và ký tự "
		"đặc biệt; không dùng lại mật khẩu cũ.%s\n"
		"  2. Kiểm tra máy tính của người dùng các tài khoản này bằng phần mềm phòng chống mã độc: "
		"mật khẩu thường bị đánh cắp bởi mã độc đánh cắp thông tin (info-stealer) lưu trong trình "
		"duyệt. Không lưu mật khẩu trong trình duyệt trên máy dùng chung.\n"
		"  3. Không đăng nhập qua đường dẫn lạ; báo ngay cho đầu mối hỗ trợ khi phát hiện mã độc "
		"hoặc tài khoản bị chiếm quyền.\n\n"
		"Cán bộ hỗ trợ KHÔNG BAO GIỜ đề nghị Quý đơn vị cung cấp mật khẩu. Khi trả lời thư này, "
		"xin giữ nguyên mã yêu cầu trong tiêu đề.\n\n"
		"---\n"
		"To the focal point of %s:\n\n"
		"Monitoring found the login details of the accounts below leaked on the Internet "
		"(source: \"%s\"):\n\n",
		forced ? " Tài khoản có mật khẩu đang dùng hoặc mật khẩu cũ bị lộ đã bị buộc đổi mật khẩu "
			 "ở lần đăng nhập tới." : "",
		unit_name ? unit_name : "your unit", source);
	list(f, findings, false);
	fprintf(f,
		"\nPlease, at once: 1. change the passwords of these accounts, and of any other system "
		"using the same password (at least 8 characters with upper and lower case letters, digits "
		"and special characters; no reuse); 2. check the users' computers for info-stealer "
		"malware with anti-malware software; 3. report malware or taken-over accounts to the "
		"support desk. Support staff never ask for your password.\n");
	if (!(notice = finish(f, &notice)))
		goto fail;
	*ret_subject = subject;
	*ret_description = desc;
	*ret_notice = notice;
	return 0;
fail:
	free(subject);
	free(desc);
	free(notice);
	return -ENOMEM;
}
