/*
 * test_mime.c - unit tests for the MIME parser (mail/mime).
 *
 * Most cases parse a message of the corpus in tests/data/mail/ and check the
 * decoded fields exactly; the oversized and pathological cases (a 1 MB
 * header line, 100-deep nesting, thousands of parts or header fields) are
 * built in memory so the repository stays small. Every parsed message also
 * goes through check_invariants(): all strings valid UTF-8 without control
 * characters, attachment bytes within the limits.
 *
 * The corpus is found next to this source file (the tests run in the build
 * directory, and meson compiles the file by a path relative to it), or in
 * $MIME_TEST_DATA when set.
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
#include <time.h>
#include <cmocka.h>
#include <unistr.h>

#include "mail/mime.h"
#include "mail/redact.h"

/* ---------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------- */

static void data_path(char *buf, size_t size, const char *name)
{
	const char *env = getenv("MIME_TEST_DATA");
	const char *file = __FILE__, *slash = strrchr(file, '/');

	if (env && *env)
		snprintf(buf, size, "%s/%s", env, name);
	else if (slash)
		snprintf(buf, size, "%.*s/../data/mail/%s",
			 (int)(slash - file), file, name);
	else
		snprintf(buf, size, "../data/mail/%s", name);
}

static char *load(const char *name, size_t *ret_len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	data_path(path, sizeof(path), name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open corpus file '%s'", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*ret_len = (size_t)n;
	return buf;
}

static void check_string(const char *s, int multiline)
{
	assert_non_null(s);
	assert_null(u8_check((const uint8_t *)s, strlen(s)));
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (multiline && (*p == '\n' || *p == '\t'))
			continue;
		assert_true(*p >= 0x20 && *p != 0x7F);
	}
}

static void check_opt(const char *s)
{
	if (s)
		check_string(s, 0);
}

static void check_invariants(const struct inbound_msg *m,
			     const struct mime_limits *given)
{
	static const struct mime_limits def = MIME_LIMITS_DEFAULT;
	struct mime_limits l = given ? *given : def;
	const struct mime_limits *lim = &l;
	size_t kept = 0;

	/* Fields left 0 take the default, as in mime_parse(). */
	if (!l.max_text)
		l.max_text = def.max_text;
	if (!l.max_recipients)
		l.max_recipients = def.max_recipients;
	if (!l.max_references)
		l.max_references = def.max_references;
	if (!l.max_attachments)
		l.max_attachments = def.max_attachments;
	if (!l.max_attachment_bytes)
		l.max_attachment_bytes = def.max_attachment_bytes;
	check_opt(m->message_id);
	check_opt(m->in_reply_to);
	for (size_t i = 0; i < m->n_references; i++)
		check_string(m->references[i], 0);
	check_string(m->from_name, 0);
	check_string(m->from_addr, 0);
	check_opt(m->reply_to);
	check_opt(m->return_path);
	for (size_t i = 0; i < m->n_to; i++) {
		check_string(m->to[i].name, 0);
		check_string(m->to[i].addr, 0);
	}
	for (size_t i = 0; i < m->n_cc; i++) {
		check_string(m->cc[i].name, 0);
		check_string(m->cc[i].addr, 0);
	}
	assert_true(m->n_to <= lim->max_recipients);
	assert_true(m->n_cc <= lim->max_recipients);
	assert_true(m->n_references <= lim->max_references);
	check_string(m->subject, 0);
	check_string(m->body_text, 1);
	assert_true(strlen(m->body_text) <= lim->max_text);
	assert_true(m->n_attachments <= lim->max_attachments);
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct mime_attachment *a = &m->attachments[i];

		check_string(a->filename, 0);
		assert_true(*a->filename);
		assert_true(strlen(a->filename) <= 255);
		assert_null(strchr(a->filename, '/'));
		check_string(a->content_type, 0);
		check_opt(a->content_id);
		assert_int_equal(a->dangerous, a->danger != NULL);
		if (a->data) {
			assert_true(a->size > 0);
			assert_int_equal(strlen(a->sha256), 64);
			kept += a->size;
		} else {
			assert_string_equal(a->sha256, "");
		}
	}
	assert_true(kept <= lim->max_attachment_bytes);
	check_opt(m->auto_submitted);
	check_opt(m->precedence);
	check_opt(m->x_loop);
	check_opt(m->list_id);
	assert_int_equal(strlen(m->raw_sha256), 64);
}

static struct inbound_msg *parse_buf_lim(const char *raw, size_t len,
					 const struct mime_limits *lim)
{
	struct inbound_msg *m = NULL;
	char err[256] = "";
	int r = mime_parse(raw, len, lim, &m, err, sizeof(err));

	if (r != 0)
		fail_msg("mime_parse: %d (%s)", r, err);
	assert_non_null(m);
	check_invariants(m, lim);
	return m;
}

static struct inbound_msg *parse_file_lim(const char *name,
					  const struct mime_limits *lim)
{
	size_t len;
	char *raw = load(name, &len);
	struct inbound_msg *m = parse_buf_lim(raw, len, lim);

	free(raw);
	return m;
}

static struct inbound_msg *parse_file(const char *name)
{
	return parse_file_lim(name, NULL);
}

static struct inbound_msg *parse_str(const char *raw)
{
	return parse_buf_lim(raw, strlen(raw), NULL);
}

static const char *to_hotro = "hotro@ungcuu.example";

/* ---------------------------------------------------------------------------
 * Headers, subjects, charsets
 * ------------------------------------------------------------------------- */

static void subject_b_utf8(void **state)
{
	struct inbound_msg *m = parse_file("01-subject-b-utf8.eml");

	(void)state;
	assert_string_equal(m->subject, "[0010#DVC] Lỗi ký số");
	assert_string_equal(m->from_name, "Nguyễn Văn A");
	/* The domain is lower-cased, the local part kept. */
	assert_string_equal(m->from_addr, "ketoan@kbnn0010.example");
	assert_string_equal(m->message_id, "20211208091500.A1@kbnn0010.example");
	assert_null(m->in_reply_to);
	assert_int_equal(m->n_references, 0);
	assert_int_equal(m->n_to, 1);
	assert_string_equal(m->to[0].name, "Hỗ trợ An toàn thông tin");
	assert_string_equal(m->to[0].addr, to_hotro);
	assert_int_equal(m->n_cc, 0);
	assert_int_equal(m->date, 1638929700);      /* 2021-12-08 09:15 +07 */
	assert_non_null(strstr(m->body_text,
		"không đăng nhập được Dịch vụ công từ sáng nay,\n"));
	assert_non_null(strstr(m->body_text, "\"Chứng thư số không hợp lệ\""));
	assert_int_equal(strncmp(m->body_text, "Kính gửi Phòng", 17), 0);
	assert_false(m->body_from_html);
	assert_int_equal(m->n_attachments, 0);
	assert_false(m->is_auto_reply);
	assert_false(m->is_bounce);
	assert_int_equal(m->truncated, 0);
	mime_free(m);
}

static void subject_q_utf8(void **state)
{
	struct inbound_msg *m = parse_file("02-subject-q-utf8.eml");

	(void)state;
	/* Two encoded words on two folded lines. */
	assert_string_equal(m->subject, "Lỗi đăng nhập Dịch vụ công");
	assert_string_equal(m->from_name, "Trần Thị B");
	assert_string_equal(m->body_text,
		"Chào anh/chị,\nEm bị lỗi đăng nhập Dịch vụ công, màn hình báo "
		"\"Sai tên đăng nhập hoặc mật khẩu\" dù em đã nhập đúng. "
		"Nhờ anh/chị hỗ trợ ạ.");
	mime_free(m);
}

static void reply_threading(void **state)
{
	struct inbound_msg *m = parse_file("03-reply-code.eml");

	(void)state;
	assert_string_equal(m->subject, "Re: [SD211208-123456] Lỗi ký số");
	assert_string_equal(m->message_id, "reply-03@kbnn0010.example");
	assert_string_equal(m->in_reply_to, "ack.SD211208-123456@ungcuu.example");
	assert_int_equal(m->n_references, 2);
	assert_string_equal(m->references[0],
			    "20211208091500.A1@kbnn0010.example");
	assert_string_equal(m->references[1],
			    "ack.SD211208-123456@ungcuu.example");
	assert_string_equal(m->from_name, "Nguyen Van A");
	assert_int_equal(m->date, 1639011600);
	assert_string_equal(m->body_text,
		"Dạ em đã cài lại chứng thư số theo hướng dẫn, giờ ký được rồi ạ."
		"\n\n> Phòng CNTT đã nhận yêu cầu của anh/chị.");
	mime_free(m);
}

static void body_base64_utf8(void **state)
{
	struct inbound_msg *m = parse_file("04-body-base64-utf8.eml");

	(void)state;
	assert_string_equal(m->subject,
			    "[0010#TABMIS] Không kết xuất được báo cáo");
	assert_string_equal(m->from_name, "");
	assert_string_equal(m->body_text,
		"Không kết xuất được báo cáo B02 trên TABMIS.\nXin cảm ơn.");
	mime_free(m);
}

static void body_windows_1258(void **state)
{
	struct inbound_msg *m = parse_file("05-body-qp-cp1258.eml");

	(void)state;
	/* windows-1258 writes tones as combining marks; we return NFC. */
	assert_string_equal(m->subject, "Lỗi chữ ký số trên Dịch vụ công");
	assert_string_equal(m->from_name, "Văn thư");
	assert_string_equal(m->body_text,
		"Đề nghị hỗ trợ cài đặt chứng thư số cho cán bộ mới.\n"
		"Người liên hệ: Trần Thị B.");
	mime_free(m);
}

static void body_viscii(void **state)
{
	struct inbound_msg *m = parse_file("06-body-viscii.eml");

	(void)state;
	assert_string_equal(m->subject, "Tài khoản bị khóa");
	assert_string_equal(m->body_text,
		"Tài khoản của tôi bị khóa sau 5 lần nhập sai.\n"
		"Đề nghị mở khóa giúp.");
	mime_free(m);
}

static void body_latin1(void **state)
{
	struct inbound_msg *m = parse_file("07-body-latin1.eml");

	(void)state;
	assert_string_equal(m->subject, "Réunion sécurité");
	assert_string_equal(m->from_name, "René Dupré");
	assert_string_equal(m->body_text,
		"Bonjour,\nLa réunion sécurité est déplacée à jeudi, café à 9h.");
	mime_free(m);
}

static void charset_unknown(void **state)
{
	struct inbound_msg *m = parse_file("08-charset-unknown.eml");

	(void)state;
	/* Unknown charset names: UTF-8 when valid, else windows-1258. */
	assert_string_equal(m->subject, "Lỗi in bộ");
	assert_string_equal(m->body_text,
		"Máy in không in được phiếu.\nĐã thử khởi động lại.");
	mime_free(m);
}

static void charset_mislabeled(void **state)
{
	struct inbound_msg *m = parse_file("09-charset-mislabeled.eml");

	(void)state;
	/* Declared ISO-8859-1, written in UTF-8: body and encoded word. */
	assert_string_equal(m->subject, "Không gửi được hồ sơ");
	assert_string_equal(m->body_text,
		"Không gửi được hồ sơ lên Cổng Dịch vụ công quốc gia.");
	mime_free(m);
}

static void charset_utf8_broken(void **state)
{
	struct inbound_msg *m = parse_file("10-charset-utf8-broken.eml");

	(void)state;
	/* Declared UTF-8, written in windows-1258. */
	assert_string_equal(m->body_text, "Phần mềm ký số báo lỗi khi mở.");
	mime_free(m);
}

static void raw_8bit_headers(void **state)
{
	struct inbound_msg *m;

	(void)state;
	m = parse_file("22-raw-8bit-utf8.eml");
	assert_string_equal(m->subject, "[0010#DVC] Lỗi đăng nhập Dịch vụ công");
	assert_string_equal(m->from_name, "Nguyễn Văn A");
	mime_free(m);

	m = parse_file("23-raw-8bit-cp1258.eml");
	assert_string_equal(m->subject, "Lỗi đăng nhập Dịch vụ công");
	assert_string_equal(m->from_name, "Trần Thị B");
	assert_string_equal(m->body_text, "Không vào được trang quản trị.");
	mime_free(m);

	/* Raw VISCII: the body's charset is tried before windows-1258. */
	m = parse_file("24-raw-8bit-viscii.eml");
	assert_string_equal(m->subject, "Lỗi đăng nhập Dịch vụ công");
	assert_string_equal(m->from_name, "Lê Văn C");
	assert_string_equal(m->body_text, "Đăng nhập báo lỗi hết phiên.");
	mime_free(m);

	m = parse_file("25-raw-8bit-latin1.eml");
	assert_string_equal(m->subject, "Café réunion");
	assert_string_equal(m->from_name, "René Dupré");
	assert_string_equal(m->body_text, "Ordre du jour: sécurité.");
	mime_free(m);
}

static void broken_encoded_words(void **state)
{
	struct inbound_msg *m = parse_file("35-broken-encoded-words.eml");

	(void)state;
	/*
	 * A UTF-8 character split over two encoded words, a space inside a
	 * word, an encoded word glued to text, an unterminated one (kept).
	 */
	assert_string_equal(m->subject,
		"Ảnh lỗiký số x tạiy =?UTF-8?B?bOG7l2kgY2jGsGE");
	assert_string_equal(m->from_name, "Nhân viên");
	mime_free(m);
}

static void recipients(void **state)
{
	struct inbound_msg *m = parse_file("34-recipients.eml");

	(void)state;
	assert_string_equal(m->from_name, "Kế toán, KBNN 0010");
	assert_string_equal(m->from_addr, "ketoan@kbnn0010.example");
	assert_string_equal(m->reply_to, "truongphong@kbnn0010.example");
	assert_int_equal(m->n_to, 0);       /* undisclosed-recipients:; */
	assert_int_equal(m->n_cc, 4);       /* a group is flattened */
	assert_string_equal(m->cc[0].name, "Hỗ trợ");
	assert_string_equal(m->cc[0].addr, "hotro@ungcuu.example");
	assert_string_equal(m->cc[1].name, "Tran Thi B");
	assert_string_equal(m->cc[1].addr, "Tran.B@sotc.example");
	assert_string_equal(m->cc[2].addr, "le.c@sotc.example");
	assert_string_equal(m->cc[3].addr, "d@sotc.example");
	mime_free(m);
}

static void no_blank_line(void **state)
{
	struct inbound_msg *m = parse_file("36-no-blank-line.eml");

	(void)state;
	assert_string_equal(m->subject, "No blank line");
	assert_string_equal(m->message_id, "noblank-36@kbnn0010.example");
	assert_string_equal(m->body_text,
		"Xin chào, thư này thiếu dòng trống sau phần đầu.\nDòng thứ hai.");
	assert_int_equal(m->date, 0);       /* no Date header */
	mime_free(m);
}

static void mbox_line_and_crlf(void **state)
{
	struct inbound_msg *m = parse_file("37-mbox-crlf.eml");

	(void)state;
	assert_string_equal(m->from_addr, "ketoan@kbnn0010.example");
	assert_string_equal(m->subject, "CRLF");
	/* Soft line breaks joined, CRLF gone. */
	assert_string_equal(m->body_text,
		"Nội dung dài được ngắt dòng mềm bằng quoted-printable để kiểm "
		"tra việc ghép lại các dòng một cách chính xác trong mọi trường "
		"hợp.");
	mime_free(m);
}

/* ---------------------------------------------------------------------------
 * Bodies: HTML, alternatives, nesting, broken structure
 * ------------------------------------------------------------------------- */

static void html_only(void **state)
{
	struct inbound_msg *m = parse_file("11-html-only.eml");

	(void)state;
	assert_true(m->body_from_html);
	assert_string_equal(m->body_text,
		"Chào anh/chị,\n\n"
		"Em bị lỗi khi ký:\n"
		"Lỗi đăng nhập Dịch vụ công\n\n"
		"- Trình duyệt: Chrome\n"
		"- Token: VNPT-CA\n\n"
		"Mã đơn vị 0010\n\n"
		"5 < 7 && 7 > 5");
	mime_free(m);
}

static void alternative_prefers_plain(void **state)
{
	struct inbound_msg *m = parse_file("12-alternative.eml");

	(void)state;
	assert_string_equal(m->subject, "Hỗ trợ");
	assert_string_equal(m->body_text, "Bản văn thuần: cần hỗ trợ gấp.");
	assert_false(m->body_from_html);
	assert_int_equal(m->n_attachments, 0);
	mime_free(m);
}

static void nested_multiparts(void **state)
{
	struct inbound_msg *m = parse_file("41-nested.eml");

	(void)state;
	/* alternative(html, related(plain, png)): the plain branch wins. */
	assert_string_equal(m->body_text, "Văn bản trong related.");
	assert_int_equal(m->n_attachments, 2);
	assert_string_equal(m->attachments[0].content_type, "image/png");
	assert_string_equal(m->attachments[0].content_id, "logo41");
	assert_string_equal(m->attachments[0].filename, "attachment.png");
	assert_true(m->attachments[0].is_inline);
	assert_string_equal(m->attachments[1].filename, "nhat-ky.txt");
	assert_string_equal(m->attachments[1].content_type, "text/plain");
	assert_int_equal(m->attachments[1].size, 18);
	assert_string_equal(m->attachments[1].sha256,
		"617e4a3f099c9cd7bae8d432211d12776ba07452676c4b27eaecc24f5a16906a");
	assert_memory_equal(m->attachments[1].data, "Dòng nhật ký 1", 18);
	mime_free(m);
}

static void missing_boundary(void **state)
{
	struct inbound_msg *m = parse_file("19-missing-boundary.eml");

	(void)state;
	/* The boundary is recovered from the "--XyZ19" lines. */
	assert_string_equal(m->body_text, "Nội dung vẫn đọc được.");
	assert_int_equal(m->n_attachments, 1);
	assert_string_equal(m->attachments[0].filename, "a.pdf");
	assert_int_equal(m->attachments[0].size, 57);
	assert_string_equal(m->attachments[0].sha256,
		"6b0bc6a869d83d18ccf34ebfa6453fab4c4c2da456f1bdcf54d90f81550cea3f");
	mime_free(m);
}

static void missing_end_boundary(void **state)
{
	struct inbound_msg *m = parse_file("20-missing-end-boundary.eml");

	(void)state;
	assert_string_equal(m->body_text, "Thư bị cắt giữa chừng.");
	assert_int_equal(m->n_attachments, 1);
	assert_string_equal(m->attachments[0].filename, "cut.png");
	/* 40 base64 characters of the PNG: its first 30 bytes. */
	assert_int_equal(m->attachments[0].size, 30);
	assert_string_equal(m->attachments[0].sha256,
		"3c1d04e22759f600fe239d5f78ad4be4a40bb9a871b142e7550a0ff9a164930d");
	mime_free(m);
}

static void bad_base64(void **state)
{
	struct inbound_msg *m = parse_file("21-bad-base64.eml");

	(void)state;
	/* Junk characters skipped; the unpadded tail is lost, not the rest. */
	assert_string_equal(m->body_text,
			    "Nội dung base64 hỏng vẫn giải mã được phần lớn");
	assert_int_equal(m->n_attachments, 1);
	assert_string_equal(m->attachments[0].filename, "data.bin");
	assert_int_equal(m->attachments[0].size, 48);
	for (int i = 0; i < 48; i++)
		assert_int_equal(m->attachments[0].data[i], i);
	mime_free(m);
}

static void forwarded_message(void **state)
{
	struct inbound_msg *m = parse_file("18-forwarded-rfc822.eml");
	const struct mime_attachment *a;

	(void)state;
	assert_string_equal(m->subject, "Fw: Thông báo cập nhật");
	assert_string_equal(m->body_text,
		"Em chuyển tiếp thư nghi lừa đảo.\n\n"
		"---------- Forwarded message ----------\n"
		"From: Phòng Tài chính <ptc@kbnn0010.example>\n"
		"Date: Tue, 07 Dec 2021 16:30:00 +0700\n"
		"Subject: Thông báo cập nhật\n\n"
		"Mở tệp đính kèm để cập nhật.");
	assert_int_equal(m->n_attachments, 2);
	a = &m->attachments[0];
	assert_string_equal(a->content_type, "message/rfc822");
	assert_string_equal(a->filename, "Thông báo cập nhật.eml");
	assert_false(a->forwarded);
	assert_false(a->dangerous);
	assert_true(a->size > 400);
	assert_non_null(memmem(a->data, a->size, "Message-ID: <inner-18@", 22));
	a = &m->attachments[1];
	assert_string_equal(a->filename, "capnhat.js");
	assert_true(a->forwarded);
	assert_true(a->dangerous);
	assert_string_equal(a->danger, "executable or script");
	assert_int_equal(a->size, 18);
	assert_string_equal(a->sha256,
		"37687deec4acdfaed6d42c2011a266410eb6d89d766b470842c09763b44a0ed0");
	mime_free(m);
}

/* Build "depth" nested multiparts, each with a text part naming its level. */
static char *deep_message(int depth, size_t *ret_len)
{
	size_t cap = (size_t)depth * 160 + 256, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)sprintf(s + len, "From: a@deep.example\nSubject: deep\n");
	for (int i = 1; i <= depth; i++)
		len += (size_t)sprintf(s + len,
			"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n"
			"--b%d\nContent-Type: text/plain\n\nlevel %d\n--b%d\n",
			i, i, i, i);
	len += (size_t)sprintf(s + len, "Content-Type: text/plain\n\nbottom\n");
	assert_true(len < cap);
	*ret_len = len;
	return s;
}

static void deep_nesting(void **state)
{
	struct mime_limits lim = { .max_depth = 200, .max_parts = 1000 };
	struct inbound_msg *m;
	size_t len;
	char *raw = deep_message(100, &len);

	(void)state;
	/* Default depth 32: stop descending, keep what was found above. */
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_DEPTH);
	assert_int_equal(strncmp(m->body_text, "level 1\nlevel 2\n", 16), 0);
	assert_non_null(strstr(m->body_text, "\nlevel 32"));
	assert_null(strstr(m->body_text, "level 33"));
	assert_null(strstr(m->body_text, "bottom"));
	mime_free(m);

	/* With room for it, all 100 levels and the bottom part. */
	m = parse_buf_lim(raw, len, &lim);
	assert_false(m->truncated & MIME_CUT_DEPTH);
	assert_non_null(strstr(m->body_text, "\nlevel 100\nbottom"));
	mime_free(m);
	free(raw);

	/* 20,000 levels: cut by the pre-scan long before GMime recurses. */
	raw = deep_message(20000, &len);
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_STRUCTURE);
	assert_true(m->truncated & MIME_CUT_DEPTH);
	mime_free(m);
	free(raw);
}

static void many_parts(void **state)
{
	size_t n = 20000, cap = n * 64 + 256, len = 0;
	char *raw = malloc(cap);
	struct inbound_msg *m;

	(void)state;
	assert_non_null(raw);
	len += (size_t)sprintf(raw + len,
		"From: a@parts.example\nContent-Type: multipart/mixed; boundary=b\n\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(raw + len,
			"--b\nContent-Type: image/png\n\nx%zu\n", i);
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_STRUCTURE);
	assert_true(m->truncated & (MIME_CUT_PARTS | MIME_CUT_ATTACHMENTS));
	assert_int_equal(m->n_attachments, 100);
	mime_free(m);
	free(raw);
}

/* ---------------------------------------------------------------------------
 * Attachments
 * ------------------------------------------------------------------------- */

static void screenshot(void **state)
{
	struct inbound_msg *m = parse_file("13-screenshot-png.eml");
	const struct mime_attachment *a;

	(void)state;
	assert_string_equal(m->body_text, "Em gửi ảnh chụp màn hình lỗi.");
	assert_int_equal(m->n_attachments, 1);
	a = &m->attachments[0];
	/* RFC 2231 filename* wins over the Content-Type name. */
	assert_string_equal(a->filename, "Ảnh chụp lỗi.png");
	assert_string_equal(a->content_type, "image/png");
	assert_int_equal(a->size, 75);
	assert_memory_equal(a->data, "\x89PNG\r\n\x1a\n", 8);
	assert_string_equal(a->sha256,
		"8e4ae8c56dd0af8d196c02ae5a4224b21302de3f6f701f24cf11d7c644984150");
	assert_false(a->dangerous);
	assert_false(a->is_inline);
	assert_null(a->content_id);
	mime_free(m);
}

static void inline_image(void **state)
{
	struct inbound_msg *m = parse_file("14-related-inline-image.eml");
	const struct mime_attachment *a;

	(void)state;
	assert_string_equal(m->from_name, "Trần Thị B");
	assert_string_equal(m->body_text,
			    "Xem ảnh bên dưới [cid:image001.png@01D7EC1A]");
	/* The image of the unread HTML branch is still an attachment. */
	assert_int_equal(m->n_attachments, 1);
	a = &m->attachments[0];
	assert_string_equal(a->filename, "image001.png");
	assert_string_equal(a->content_id, "image001.png@01D7EC1A");
	assert_true(a->is_inline);
	assert_int_equal(a->size, 75);
	mime_free(m);
}

static void exe_attachment(void **state)
{
	struct inbound_msg *m = parse_file("15-exe.eml");
	const struct mime_attachment *a;

	(void)state;
	assert_string_equal(m->subject, "Cập nhật chứng thư số");
	assert_int_equal(m->n_attachments, 1);
	a = &m->attachments[0];
	assert_string_equal(a->filename, "CapNhatCTS.exe");
	assert_string_equal(a->content_type, "application/octet-stream");
	assert_int_equal(a->size, 160);
	assert_string_equal(a->sha256,
		"20ac59f708701e672892d8ac056ce6b22aae3ee8643fe917387be5d05ee3af98");
	assert_true(a->dangerous);
	assert_string_equal(a->danger, "executable or script");
	mime_free(m);
}

static void macro_document(void **state)
{
	struct inbound_msg *m = parse_file("16-docm.eml");
	const struct mime_attachment *a;

	(void)state;
	assert_int_equal(m->n_attachments, 1);
	a = &m->attachments[0];
	assert_string_equal(a->filename, "bao-cao-quy-IV.docm");
	assert_string_equal(a->content_type,
		"application/vnd.ms-word.document.macroenabled.12");
	assert_int_equal(a->size, 64);
	assert_string_equal(a->sha256,
		"a4356b11c7adb20c8124406711cf41a229575b7bd86c93a748bf44e69418571f");
	assert_true(a->dangerous);
	assert_string_equal(a->danger, "macro-enabled document");
	mime_free(m);
}

static void double_extension(void **state)
{
	struct inbound_msg *m = parse_file("17-double-extension.eml");
	const struct mime_attachment *a;

	(void)state;
	assert_string_equal(m->subject, "Hóa đơn tháng 12");
	assert_int_equal(m->n_attachments, 2);
	a = &m->attachments[0];
	assert_string_equal(a->filename, "hoa-don.pdf");
	assert_int_equal(a->size, 57);
	assert_false(a->dangerous);
	assert_null(a->danger);
	a = &m->attachments[1];
	/* RFC 2047 inside a quoted parameter, as Outlook writes it. */
	assert_string_equal(a->filename, "Hóa đơn.pdf.exe");
	assert_string_equal(a->content_type, "application/pdf");
	assert_int_equal(a->size, 30);
	assert_string_equal(a->sha256,
		"2930d7b09371dd21deb42320f6cf4849f802f0aba7b13eb4c0f8e218e79a4d4c");
	assert_true(a->dangerous);
	assert_string_equal(a->danger, "double extension hiding an executable");
	mime_free(m);
}

static void smime_signature(void **state)
{
	struct inbound_msg *m = parse_file("40-smime-signed.eml");

	(void)state;
	assert_string_equal(m->subject, "Thư có ký số");
	assert_string_equal(m->body_text, "Thư đã được ký số.");
	assert_int_equal(m->n_attachments, 1);
	assert_string_equal(m->attachments[0].filename, "smime.p7s");
	assert_string_equal(m->attachments[0].content_type,
			    "application/pkcs7-signature");
	assert_int_equal(m->attachments[0].size, 57);
	assert_false(m->attachments[0].dangerous);
	mime_free(m);
}

static void attachment_limits(void **state)
{
	struct mime_limits bytes = { .max_attachment_bytes = 60 };
	struct mime_limits count = { .max_attachments = 1 };
	struct inbound_msg *m;

	(void)state;
	/* The PDF (57 bytes) fits, the second file is listed without data. */
	m = parse_file_lim("17-double-extension.eml", &bytes);
	assert_int_equal(m->n_attachments, 2);
	assert_non_null(m->attachments[0].data);
	assert_null(m->attachments[1].data);
	assert_int_equal(m->attachments[1].size, 30);
	assert_string_equal(m->attachments[1].sha256, "");
	assert_true(m->attachments[1].dangerous);
	assert_true(m->truncated & MIME_CUT_ATTACHMENT_BYTES);
	mime_free(m);

	m = parse_file_lim("17-double-extension.eml", &count);
	assert_int_equal(m->n_attachments, 1);
	assert_true(m->truncated & MIME_CUT_ATTACHMENTS);
	mime_free(m);
}

static void danger_rules(void **state)
{
	static const unsigned char elf[8] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
	unsigned char pe[128] = { 'M', 'Z' };

	(void)state;
	pe[60] = 64;
	memcpy(pe + 64, "PE\0\0", 4);
	assert_null(mime_danger("bao-cao.pdf", "application/pdf", NULL, 0));
	assert_null(mime_danger("anh.png", "image/png", NULL, 0));
	assert_null(mime_danger("exe", NULL, NULL, 0));
	assert_null(mime_danger("invoice.exe.pdf", NULL, NULL, 0));
	assert_null(mime_danger(NULL, NULL, NULL, 0));
	assert_string_equal(mime_danger("SETUP.EXE", NULL, NULL, 0),
			    "executable or script");
	/* Windows ignores trailing dots and spaces. */
	assert_string_equal(mime_danger("setup.exe. . ", NULL, NULL, 0),
			    "executable or script");
	assert_string_equal(mime_danger("invoice.pdf.exe", NULL, NULL, 0),
			    "double extension hiding an executable");
	assert_string_equal(mime_danger("invoice.pdf     .scr", NULL, NULL, 0),
			    "double extension hiding an executable");
	assert_string_equal(mime_danger("a.ps1", NULL, NULL, 0),
			    "executable or script");
	assert_string_equal(mime_danger("hop-dong.iso", NULL, NULL, 0),
			    "shortcut or disk image");
	assert_string_equal(mime_danger("x.lnk", NULL, NULL, 0),
			    "shortcut or disk image");
	assert_string_equal(mime_danger("so-lieu.XLSM", NULL, NULL, 0),
			    "macro-enabled document");
	assert_string_equal(mime_danger("addin.xlam", NULL, NULL, 0),
			    "macro-enabled document");
	/* "photo_<RLO>gnp.exe" shows as "photo_exe.png". */
	assert_string_equal(mime_danger("photo_\xe2\x80\xaegnp.exe", NULL, NULL, 0),
			    "bidirectional override in the file name");
	assert_string_equal(mime_danger("x.bin", "application/x-msdownload",
					NULL, 0), "executable content type");
	assert_string_equal(mime_danger("x.bin",
		"application/vnd.ms-excel.sheet.macroEnabled.12", NULL, 0),
		"macro-enabled document");
	assert_string_equal(mime_danger("bao-cao.pdf", "application/pdf", pe,
					sizeof(pe)), "windows executable content");
	assert_string_equal(mime_danger("x.dat", NULL, elf, sizeof(elf)),
			    "executable content");
	/* "MZ" alone, or a PE offset out of range, is not an executable. */
	pe[60] = 126;
	assert_null(mime_danger("x.dat", NULL, pe, sizeof(pe)));
}

/* ---------------------------------------------------------------------------
 * Flags: duplicates, auto-replies, loops, bounces
 * ------------------------------------------------------------------------- */

static void duplicates(void **state)
{
	struct inbound_msg *a = parse_file("26-duplicate-a.eml");
	struct inbound_msg *b = parse_file("27-duplicate-b.eml");

	(void)state;
	/* An MTA retry: same Message-ID, different bytes. */
	assert_string_equal(a->message_id, "dup-26@kbnn0010.example");
	assert_string_equal(a->message_id, b->message_id);
	assert_string_equal(a->subject, "[0010#DVC] Gửi lại");
	assert_string_equal(a->subject, b->subject);
	assert_string_equal(a->body_text, b->body_text);
	assert_string_not_equal(a->raw_sha256, b->raw_sha256);
	mime_free(a);
	mime_free(b);
}

static void auto_replies(void **state)
{
	struct inbound_msg *m;

	(void)state;
	m = parse_file("28-auto-replied.eml");
	assert_string_equal(m->auto_submitted, "auto-replied");
	assert_true(m->is_auto_reply);
	assert_false(m->is_bounce);
	assert_string_equal(m->subject, "Trả lời tự động: [SD211208-123456]");
	mime_free(m);

	m = parse_file("29-precedence-bulk.eml");
	assert_null(m->auto_submitted);
	assert_string_equal(m->precedence, "bulk");
	assert_string_equal(m->list_id, "Ban tin ATTT <bantin.attt.example>");
	assert_true(m->is_auto_reply);
	mime_free(m);

	m = parse_file("30-x-autoreply.eml");
	assert_null(m->auto_submitted);
	assert_null(m->precedence);
	assert_true(m->is_auto_reply);
	mime_free(m);

	m = parse_file("33-x-loop.eml");
	assert_string_equal(m->x_loop, "hotro@ungcuu.example");
	assert_string_equal(m->auto_submitted, "auto-generated");
	assert_true(m->is_auto_reply);
	mime_free(m);

	m = parse_file("01-subject-b-utf8.eml");
	assert_null(m->auto_submitted);
	assert_null(m->precedence);
	assert_null(m->x_loop);
	assert_null(m->list_id);
	assert_false(m->is_auto_reply);
	mime_free(m);

	m = parse_str("From: a@b.example\nAuto-Submitted: no\n"
		      "Precedence: first-class\n\nhi\n");
	assert_string_equal(m->auto_submitted, "no");
	assert_false(m->is_auto_reply);
	mime_free(m);
}

static void dsn_bounce(void **state)
{
	struct inbound_msg *m = parse_file("31-dsn-bounce.eml");

	(void)state;
	assert_true(m->is_bounce);
	assert_string_equal(m->return_path, "");
	assert_string_equal(m->from_addr, "MAILER-DAEMON@mx.ungcuu.example");
	assert_int_equal(strncmp(m->body_text,
		"This is the mail system at host mx.ungcuu.example.", 50), 0);
	assert_int_equal(m->n_attachments, 2);
	assert_string_equal(m->attachments[0].content_type,
			    "message/delivery-status");
	assert_string_equal(m->attachments[1].content_type,
			    "text/rfc822-headers");
	mime_free(m);

	/* Each signal alone. */
	m = parse_str("From: x@y.example\nContent-Type: multipart/report; "
		      "report-type=delivery-status; boundary=r\n\n--r\n"
		      "Content-Type: text/plain\n\nfailed\n--r--\n");
	assert_true(m->is_bounce);
	assert_null(m->return_path);
	mime_free(m);
	m = parse_str("Return-Path: <MAILER-DAEMON@mx.example>\n"
		      "From: x@y.example\n\nfailed\n");
	assert_true(m->is_bounce);
	assert_string_equal(m->return_path, "MAILER-DAEMON@mx.example");
	mime_free(m);
	m = parse_str("Return-Path: <a@b.example>\nFrom: x@y.example\n\nhi\n");
	assert_false(m->is_bounce);
	assert_string_equal(m->return_path, "a@b.example");
	mime_free(m);
}

static void secrets_in_body(void **state)
{
	struct inbound_msg *m = parse_file("32-secrets.eml");
	unsigned found = 0;
	char *r;

	(void)state;
	assert_string_equal(m->subject, "[0010#DVC] Nhờ hỗ trợ cài đặt");
	r = redact_secrets(m->body_text, &found);
	assert_non_null(r);
	assert_string_equal(r,
		"Anh hỗ trợ em cài chữ ký số với ạ.\n"
		"Tài khoản: ketoan0010, mật khẩu: [đã che]\n"
		"UltraViewer ID: [đã che] Pass: [đã che]\n"
		"Mã PIN token là [đã che].");
	assert_int_equal(found, REDACT_PASSWORD | REDACT_PIN |
			 REDACT_REMOTE_ACCESS);
	free(r);
	mime_free(m);
}

/* ---------------------------------------------------------------------------
 * Limits and rejection
 * ------------------------------------------------------------------------- */

static void not_a_message(void **state)
{
	struct inbound_msg *m = (struct inbound_msg *)&m;      /* sentinel */
	struct inbound_msg *keep = m;
	char err[128];
	size_t len;
	char *raw;

	(void)state;
	raw = load("38-not-a-message.eml", &len);
	assert_int_equal(mime_parse(raw, len, NULL, &m, err, sizeof(err)),
			 -EBADMSG);
	assert_ptr_equal(m, keep);
	assert_string_equal(err,
		"not an rfc 5322 message: no header field at the start");
	free(raw);

	raw = load("39-binary-garbage.eml", &len);
	assert_int_equal(mime_parse(raw, len, NULL, &m, err, sizeof(err)),
			 -EBADMSG);
	free(raw);

	assert_int_equal(mime_parse("", 0, NULL, &m, err, sizeof(err)),
			 -EBADMSG);
	assert_string_equal(err, "empty message");
	assert_int_equal(mime_parse("\r\n\r\n", 4, NULL, &m, NULL, 0), -EBADMSG);
	assert_int_equal(mime_parse(" folded: x\n\nbody\n", 17, NULL, &m, err,
				    sizeof(err)), -EBADMSG);
	assert_int_equal(mime_parse(NULL, 5, NULL, &m, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(mime_parse("a: b\n\n", 6, NULL, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_ptr_equal(m, keep);
}

static void over_size(void **state)
{
	struct mime_limits lim = { .max_size = 1000 };
	struct inbound_msg *m = NULL;
	size_t len = 1001;
	char *raw = malloc(len);
	char err[128];

	(void)state;
	assert_non_null(raw);
	memset(raw, 'a', len);
	memcpy(raw, "Subject: x\n\n", 12);
	assert_int_equal(mime_parse(raw, len, &lim, &m, err, sizeof(err)),
			 -EMSGSIZE);
	assert_null(m);
	assert_string_equal(err,
		"message of 1001 bytes is over the limit of 1000");
	assert_int_equal(mime_parse(raw, 1000, &lim, &m, err, sizeof(err)), 0);
	mime_free(m);
	free(raw);
}

static void huge_header_line(void **state)
{
	size_t big = 1 << 20, len = 0;
	char *raw = malloc(big + 512);
	struct inbound_msg *m;
	clock_t t0 = clock();

	(void)state;
	assert_non_null(raw);
	len += (size_t)sprintf(raw, "From: a@big.example\nSubject: ");
	for (size_t i = 0; i < big; i++)
		raw[len++] = (char)('a' + i % 26);
	len += (size_t)sprintf(raw + len,
		"\nMessage-ID: <after-the-long-line@big.example>\n"
		"X-Folded: one\n two\n\nbody after\n");
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_HEADER_LINE);
	/* Cut to the field limit ("Subject:" counts), the rest still read. */
	assert_int_equal(strlen(m->subject), (64u << 10) - 9);
	assert_int_equal(strncmp(m->subject, "abcdefghijklmnopqrstuvwxyz", 26), 0);
	assert_string_equal(m->message_id, "after-the-long-line@big.example");
	assert_string_equal(m->body_text, "body after");
	mime_free(m);

	/* A 1 MB To: of folded lines; recipients capped. */
	len = (size_t)sprintf(raw, "From: a@big.example\nTo: ");
	while (len < big)
		len += (size_t)sprintf(raw + len, "user%zu@to.example,\n ", len);
	len += (size_t)sprintf(raw + len, "last@to.example\n\nhi\n");
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_HEADER_LINE);
	assert_true(m->n_to > 0 && m->n_to <= 500);
	mime_free(m);

	/* The same line inside a part header: GMime copes, linear time. */
	len = (size_t)sprintf(raw, "From: a@big.example\n"
		"Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		"Content-Type: text/plain\nX-Long: ");
	memset(raw + len, 'x', big);
	len += big;
	len += (size_t)sprintf(raw + len, "\n\ninner body\n--b--\n");
	m = parse_buf_lim(raw, len, NULL);
	assert_string_equal(m->body_text, "inner body");
	mime_free(m);
	free(raw);
	/* Generous: sanitizers are slow; unbounded work would take minutes. */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
}

static void many_header_fields(void **state)
{
	size_t n = 300000, len = 0;
	char *raw = malloc(n * 16 + 256);
	struct inbound_msg *m;

	(void)state;
	assert_non_null(raw);
	len += (size_t)sprintf(raw, "From: a@many.example\nSubject: many\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(raw + len, "X-H%zu: v\n", i);
	len += (size_t)sprintf(raw + len,
		"\nbody\n");
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_HEADERS);
	assert_string_equal(m->subject, "many");
	assert_string_equal(m->body_text, "body");
	mime_free(m);

	/* The same number of fields in a part header: cut by the pre-scan. */
	len = (size_t)sprintf(raw, "From: a@many.example\n"
		"Content-Type: multipart/mixed; boundary=b\n\n--b\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(raw + len, "X-H%zu: v\n", i);
	len += (size_t)sprintf(raw + len, "\nbody\n--b--\n");
	m = parse_buf_lim(raw, len, NULL);
	assert_true(m->truncated & MIME_CUT_STRUCTURE);
	mime_free(m);
	free(raw);
}

static void text_limit(void **state)
{
	struct mime_limits lim = { .max_text = 20 };
	struct inbound_msg *m = parse_file_lim("02-subject-q-utf8.eml", &lim);

	(void)state;
	/* Cut on a character boundary: "Chào anh/chị,\nEm b" is 19 bytes. */
	assert_true(m->truncated & MIME_CUT_TEXT);
	assert_true(strlen(m->body_text) <= 20);
	assert_int_equal(strncmp(m->body_text, "Chào anh/chị,\nEm", 17), 0);
	mime_free(m);
}

static void references_limit(void **state)
{
	char raw[8192];
	size_t len = 0;
	struct mime_limits lim = { .max_references = 3 };
	struct inbound_msg *m;

	(void)state;
	len += (size_t)sprintf(raw, "From: a@b.example\nReferences:");
	for (int i = 1; i <= 50; i++)
		len += (size_t)sprintf(raw + len, " <r%d@x.example>\n", i);
	len += (size_t)sprintf(raw + len, "\nhi\n");
	m = parse_buf_lim(raw, len, &lim);
	/* The root of the thread and the newest ones. */
	assert_int_equal(m->n_references, 3);
	assert_string_equal(m->references[0], "r1@x.example");
	assert_string_equal(m->references[1], "r49@x.example");
	assert_string_equal(m->references[2], "r50@x.example");
	assert_true(m->truncated & MIME_CUT_REFERENCES);
	mime_free(m);
}

/* ---------------------------------------------------------------------------
 * Building blocks: charset chain, HTML
 * ------------------------------------------------------------------------- */

/* A string literal as (pointer, length), NULs included. */
#define T(s) (s), (sizeof(s) - 1)

static void text_to_utf8(void **state)
{
	static const struct { const char *in; size_t n; const char *cs, *out; }
	cases[] = {
		{ T("L\xf4\xdei"), "windows-1258", "Lỗi" },
		{ T("L\xf4\xdei"), "cp1258", "Lỗi" },
		{ T("L\xf4\xdei"), NULL, "Lỗi" },           /* fallback */
		{ T("L\xf4\xdei"), "utf-8", "Lỗi" },        /* mislabeled */
		{ T("L\xb2i"), "viscii", "Lỗi" },
		{ T("caf\xe9"), "iso-8859-1", "café" },
		{ T("caf\xe9"), "latin1", "café" },
		{ T("L\xe1\xbb\x97i"), "iso-8859-1", "Lỗi" }, /* UTF-8 inside */
		{ T("L\xe1\xbb\x97i"), "x-nonsense", "Lỗi" },
		{ T("L\xe1\xbb\x97i"), "\"UTF-8\"", "Lỗi" },
		/* Mostly UTF-8 with one stray byte: U+FFFD, not mojibake. */
		{ T("\xc4\x90\xc4\x83ng nh\xe1\xba\xadp \xff xong d\xe1\xbb\x8b"
		    "ch v\xe1\xbb\xa5 c\xc3\xb4ng"), "utf-8",
		  "Đăng nhập \xef\xbf\xbd xong dịch vụ công" },
		/* Decomposed input comes out NFC. */
		{ T("Lo\xcc\x82\xcc\x83i"), "utf-8", "Lỗi" },
		{ T("a\r\nb\rc\x01\x7f\td"), NULL, "a\nb\nc\td" },
		{ T("a\0b"), "us-ascii", "ab" },
		{ T("+AOk-t+AOk-"), "utf-7", "été" },
		{ T("\x81"), NULL, "" },                   /* C1 control, dropped */
		{ T(""), "utf-8", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = mime_text_to_utf8(cases[i].in, cases[i].n, cases[i].cs);

		assert_non_null(r);
		if (strcmp(r, cases[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, r,
				 cases[i].out);
		free(r);
	}
}

static void html_to_text(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "<p>a</p><p>b</p>", "a\n\nb" },
		{ "a<br>b<br/>c", "a\nb\nc" },
		{ "<div>x</div><div>y</div>", "x\ny" },
		{ "<ul><li>one<li>two</ul>", "- one\n- two" },
		{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
		  "a b\nc" },
		{ "<script>var x = '<p>';</script>ok", "ok" },
		{ "<STYLE type=text/css>p{}</STYLE>ok", "ok" },
		{ "<head><title>t</title></head><body>ok</body>", "ok" },
		{ "a<!-- <p>hidden</p> -->b", "ab" },
		{ "  lots \n\n of   space  ", "lots of space" },
		{ "<pre>a  b\n  c</pre>", "a  b\n  c" },
		{ "&lt;&gt;&amp;&quot;&apos;&nbsp;x", "<>&\"' x" },
		{ "&#7889;&#x1EC7;&agrave;&Ecirc;", "ốệàÊ" },
		{ "&#150;&#0;&#xD800;&#1114112;", "–\xef\xbf\xbd\xef\xbf\xbd"
						   "\xef\xbf\xbd" },
		{ "AT&T &unknown; &", "AT&T &unknown; &" },
		{ "a < b > c", "a < b > c" },
		{ "x <b", "x <b" },
		{ "<p>unterminated <script>alert(1)", "unterminated" },
		{ "<!-- never closed", "" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = mime_html_to_text(cases[i].in, strlen(cases[i].in));

		assert_non_null(r);
		if (strcmp(r, cases[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, r,
				 cases[i].out);
		free(r);
	}
}

static void html_linear(void **state)
{
	/* Patterns that make naive converters quadratic. */
	static const char *const unit[] = { "<", "<a", "<!--", "<script>", "&#",
					    "<p x=\"" };
	size_t n = 1 << 20;
	char *s = malloc(n + 1);
	clock_t t0 = clock();

	(void)state;
	assert_non_null(s);
	for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
		size_t k = strlen(unit[u]);
		char *r;

		for (size_t i = 0; i < n; i++)
			s[i] = unit[u][i % k];
		s[n] = '\0';
		r = mime_html_to_text(s, n);
		assert_non_null(r);
		free(r);
	}
	free(s);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
}

/* ---------------------------------------------------------------------------
 * Threads: separate parses in parallel give the same results
 * ------------------------------------------------------------------------- */

static const char *const corpus_ok[] = {
	"01-subject-b-utf8.eml", "02-subject-q-utf8.eml", "05-body-qp-cp1258.eml",
	"06-body-viscii.eml", "11-html-only.eml", "13-screenshot-png.eml",
	"18-forwarded-rfc822.eml", "19-missing-boundary.eml",
	"24-raw-8bit-viscii.eml", "35-broken-encoded-words.eml",
	"41-nested.eml",
};
#define NCORPUS (sizeof(corpus_ok) / sizeof(corpus_ok[0]))

struct thread_job {
	char *raw[NCORPUS];
	size_t len[NCORPUS];
	char *want[NCORPUS];
	int failures;
};

static void *parse_thread(void *arg)
{
	struct thread_job *job = arg;

	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < NCORPUS; i++) {
			struct inbound_msg *m = NULL;

			if (mime_parse(job->raw[i], job->len[i], NULL, &m, NULL,
				       0) != 0 ||
			    strcmp(m->subject, job->want[i]) != 0 ||
			    strlen(m->body_text) == 0)
				__atomic_add_fetch(&job->failures, 1,
						   __ATOMIC_SEQ_CST);
			mime_free(m);
		}
	return NULL;
}

static void threads(void **state)
{
	struct thread_job job = { 0 };
	pthread_t t[4];

	(void)state;
	assert_int_equal(mime_global_init(), 0);
	for (size_t i = 0; i < NCORPUS; i++) {
		struct inbound_msg *m;

		job.raw[i] = load(corpus_ok[i], &job.len[i]);
		m = parse_buf_lim(job.raw[i], job.len[i], NULL);
		job.want[i] = strdup(m->subject);
		mime_free(m);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parse_thread, &job), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(job.failures, 0);
	for (size_t i = 0; i < NCORPUS; i++) {
		free(job.raw[i]);
		free(job.want[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subject_b_utf8),
		cmocka_unit_test(subject_q_utf8),
		cmocka_unit_test(reply_threading),
		cmocka_unit_test(body_base64_utf8),
		cmocka_unit_test(body_windows_1258),
		cmocka_unit_test(body_viscii),
		cmocka_unit_test(body_latin1),
		cmocka_unit_test(charset_unknown),
		cmocka_unit_test(charset_mislabeled),
		cmocka_unit_test(charset_utf8_broken),
		cmocka_unit_test(raw_8bit_headers),
		cmocka_unit_test(broken_encoded_words),
		cmocka_unit_test(recipients),
		cmocka_unit_test(no_blank_line),
		cmocka_unit_test(mbox_line_and_crlf),
		cmocka_unit_test(html_only),
		cmocka_unit_test(alternative_prefers_plain),
		cmocka_unit_test(nested_multiparts),
		cmocka_unit_test(missing_boundary),
		cmocka_unit_test(missing_end_boundary),
		cmocka_unit_test(bad_base64),
		cmocka_unit_test(forwarded_message),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(many_parts),
		cmocka_unit_test(screenshot),
		cmocka_unit_test(inline_image),
		cmocka_unit_test(exe_attachment),
		cmocka_unit_test(macro_document),
		cmocka_unit_test(double_extension),
		cmocka_unit_test(smime_signature),
		cmocka_unit_test(attachment_limits),
		cmocka_unit_test(danger_rules),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(auto_replies),
		cmocka_unit_test(dsn_bounce),
		cmocka_unit_test(secrets_in_body),
		cmocka_unit_test(not_a_message),
		cmocka_unit_test(over_size),
		cmocka_unit_test(huge_header_line),
		cmocka_unit_test(many_header_fields),
		cmocka_unit_test(text_limit),
		cmocka_unit_test(references_limit),
		cmocka_unit_test(text_to_utf8),
		cmocka_unit_test(html_to_text),
		cmocka_unit_test(html_linear),
		cmocka_unit_test(threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
