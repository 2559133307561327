/*
 * test_observables.c — extraction of indicators from incident mail
 * (core/observables): each type, defanged forms, normal forms, and the
 * false positives that must not be found (versions, file names, dates,
 * amounts, Vietnamese abbreviations).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <unistr.h>

#include "core/observables.h"

static struct obs_list got;

static void run(const char *text)
{
	obs_list_clear(&got);
	assert_int_equal(obs_extract(text, strlen(text), &got), 0);
}

static bool has(enum obs_type t, const char *v)
{
	for (size_t i = 0; i < got.n; i++)
		if (got.items[i].type == t && strcmp(got.items[i].value, v) == 0)
			return true;
	return false;
}

static size_t count(enum obs_type t)
{
	size_t k = 0;

	for (size_t i = 0; i < got.n; i++)
		k += got.items[i].type == t;
	return k;
}

static void dump(void)
{
	for (size_t i = 0; i < got.n; i++)
		fprintf(stderr, "  %s %s\n", obs_type_name(got.items[i].type), got.items[i].value);
}

#define HAS(t, v)                                    \
	do {                                         \
		if (!has(t, v)) {                    \
			dump();                      \
			fail_msg("missing %s %s", obs_type_name(t), v); \
		}                                    \
	} while (0)
#define HASNT(t, v)                                  \
	do {                                         \
		if (has(t, v)) {                     \
			dump();                      \
			fail_msg("unexpected %s %s", obs_type_name(t), v); \
		}                                    \
	} while (0)

/* A malware report as units write them: defanged indicators, hashes, a
 * CVE, a signature with the reporter's phone. */
static const char MAIL_MALWARE[] =
	"Kính gửi Trung tâm Giám sát an toàn không gian mạng,\r\n"
	"\r\n"
	"Sáng nay (21/11/2026 lúc 08:15) máy tính phòng Kế toán của Sở Tài chính phát hiện "
	"mã độc đánh cắp thông tin (info-stealer). Máy kết nối tới 185.220.101[.]45 và "
	"hxxp://update-microsoft[.]top/gate.php?id=42, tải tệp invoice.zip và setup.exe.\r\n"
	"Mã băm SHA-256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\r\n"
	"MD5: 5d41402abc4b2a76b9719d911017c592; SHA1 = aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d\r\n"
	"Lỗ hổng nghi bị khai thác: cve-2023-4966 (Citrix Bleed) trên NetScaler phiên bản 13.1.49.15, "
	"phiên bản trình duyệt 7.0.12. Tên miền phụ: cdn.update-microsoft(dot)top.\r\n"
	"Địa chỉ IPv6 lạ: 2001:DB8:0:0::1 và [fe80::1] cổng 443.\r\n"
	"Thư lừa đảo gửi từ ketoan.kbnn[@]gmail[.]com tới admin@stc.gialai.gov.vn.\r\n"
	"Chi tiết trong tệp report.pdf, bao_cao.docx, readme.md, main.py.\r\n"
	"Trân trọng,\r\n"
	"Nguyễn Văn An - P.Công nghệ thông tin, Q.Ba Đình, TP.HCM\r\n"
	"ĐT: 0912.345.678 - Tổng đài (024) 3825 1234 máy lẻ 105\r\n";

static void malware_mail(void **state)
{
	run(MAIL_MALWARE);
	HAS(OBS_IPV4, "185.220.101.45");
	HAS(OBS_URL, "http://update-microsoft.top/gate.php?id=42");
	HAS(OBS_DOMAIN, "cdn.update-microsoft.top");
	HAS(OBS_SHA256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	HAS(OBS_MD5, "5d41402abc4b2a76b9719d911017c592");
	HAS(OBS_SHA1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
	HAS(OBS_CVE, "CVE-2023-4966");
	HAS(OBS_IPV6, "2001:db8::1");
	HAS(OBS_IPV6, "fe80::1");
	HAS(OBS_EMAIL, "ketoan.kbnn@gmail.com");
	HAS(OBS_EMAIL, "admin@stc.gialai.gov.vn");
	HAS(OBS_PHONE, "0912345678");
	HAS(OBS_PHONE, "02438251234");
	/* not indicators */
	HASNT(OBS_DOMAIN, "invoice.zip");
	HASNT(OBS_DOMAIN, "report.pdf");
	HASNT(OBS_DOMAIN, "readme.md");
	HASNT(OBS_DOMAIN, "main.py");
	HASNT(OBS_DOMAIN, "q.ba");
	HASNT(OBS_DOMAIN, "gmail.com");           /* part of the email, not on its own */
	HASNT(OBS_DOMAIN, "update-microsoft.top"); /* part of the URL */
	assert_int_equal(count(OBS_IPV4), 1); /* "phiên bản 13.1.49.15" is a version */
	assert_int_equal(count(OBS_DOMAIN), 1);
	assert_int_equal(count(OBS_PHONE), 2);
	obs_list_clear(&got);
}

/* A forwarded phishing mail: headers quoted in the body, a lure link with
 * a Vietnamese-looking path, the sender's address, a tracking pixel. */
static const char MAIL_PHISHING[] =
	"---------- Forwarded message ---------\n"
	"From: Kho bạc Nhà nước <thongbao@kbnn-gov.vn.secure-login.info>\n"
	"Date: Thứ 6, 20 thg 11, 2026 lúc 16:42\n"
	"Subject: [KHẨN] Cập nhật chứng thư số trước 25/11/2026\n"
	"To: <ketoan@stc.example.gov.vn>\n"
	"Received: from mail.secure-login.info ([45.153.160.2]) by mx.example.gov.vn\n"
	"\n"
	"Kính gửi Quý đơn vị,\n"
	"Để tránh gián đoạn dịch vụ công, đề nghị truy cập "
	"https://kbnn-gov.vn.secure-login.info/cap-nhat/chung-thu?ma=0010&tk=ABC123 "
	"và nhập mã PIN chữ ký số trong vòng 24h.\n"
	"<img src=\"http://track.secure-login.info/p.gif?id=7731\">\n"
	"Hotline hỗ trợ: 0589.888.999 (Zalo).\n";

static void phishing_mail(void **state)
{
	run(MAIL_PHISHING);
	HAS(OBS_EMAIL, "thongbao@kbnn-gov.vn.secure-login.info");
	HAS(OBS_EMAIL, "ketoan@stc.example.gov.vn");
	HAS(OBS_DOMAIN, "mail.secure-login.info");
	HAS(OBS_DOMAIN, "mx.example.gov.vn");
	HAS(OBS_IPV4, "45.153.160.2");
	HAS(OBS_URL, "https://kbnn-gov.vn.secure-login.info/cap-nhat/chung-thu?ma=0010&tk=ABC123");
	HAS(OBS_URL, "http://track.secure-login.info/p.gif?id=7731");
	HAS(OBS_PHONE, "0589888999");
	/* the date and the deadline are not numbers to keep */
	assert_int_equal(count(OBS_PHONE), 1);
	assert_int_equal(count(OBS_URL), 2);
	obs_list_clear(&got);
}

/* A DDoS report from a monitoring export: addresses with ports, a CIDR,
 * an IPv6 range, traffic figures and times that are not indicators. */
static const char MAIL_DDOS[] =
	"Cổng thông tin điện tử tỉnh bị tấn công từ chối dịch vụ từ 09:15 đến 10:40 ngày 21/11/2026,\n"
	"lưu lượng đỉnh 12.5 Gbps, 1.200.000 gói/giây.\n"
	"Nguồn chính:\n"
	"  103.21.244.15:443  (35%)\n"
	"  198.51.100.0/24    (20%)\n"
	"  2001:db8:85a3::8a2e:370:7334 port 80\n"
	"  cổng 53/udp từ 8.8.4.4\n"
	"Máy chủ bị ảnh hưởng: 10.10.1.20 (nội bộ), tên miền congthongtin.tinh.gov.vn.\n"
	"Phiên bản Nginx 1.18.0, OpenSSL 1.1.1w.\n";

static void ddos_mail(void **state)
{
	run(MAIL_DDOS);
	HAS(OBS_IPV4, "103.21.244.15");
	HAS(OBS_IPV4, "198.51.100.0");
	HAS(OBS_IPV6, "2001:db8:85a3::8a2e:370:7334");
	HAS(OBS_IPV4, "8.8.4.4");
	HAS(OBS_IPV4, "10.10.1.20");
	HAS(OBS_DOMAIN, "congthongtin.tinh.gov.vn");
	HASNT(OBS_IPV4, "1.1.1.1");
	assert_int_equal(count(OBS_IPV4), 4);
	assert_int_equal(count(OBS_PHONE), 0);
	assert_int_equal(count(OBS_DOMAIN), 1);
	obs_list_clear(&got);
}

/* A leaked-data notice: a paste link, an archive hash, a list of
 * addresses; the unit's tax code and account numbers are not phones. */
static const char MAIL_LEAK[] =
	"Đội giám sát phát hiện dữ liệu của đơn vị (MST 0101234567, TK 0123456789012) "
	"được đăng bán tại hxxps://paste[.]example[.]cc/raw/Xy12Ab và kênh t[.]me/leakvn.\n"
	"Tệp nén data_2026.rar có SHA-1 AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D, gồm tài khoản:\n"
	"nguyen.van.a@stc.example.gov.vn; tran.thi.b@stc.example.gov.vn, le.c (at) stc.example.gov.vn\n"
	"Đề nghị đổi mật khẩu ngay. Liên hệ Đội ứng cứu: (0236) 3822 111.\n";

static void leak_mail(void **state)
{
	run(MAIL_LEAK);
	HAS(OBS_URL, "https://paste.example.cc/raw/Xy12Ab");
	HAS(OBS_DOMAIN, "t.me");
	HAS(OBS_SHA1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
	HAS(OBS_EMAIL, "nguyen.van.a@stc.example.gov.vn");
	HAS(OBS_EMAIL, "tran.thi.b@stc.example.gov.vn");
	HAS(OBS_EMAIL, "le.c@stc.example.gov.vn");
	HAS(OBS_PHONE, "02363822111");
	HASNT(OBS_DOMAIN, "data_2026.rar");
	assert_int_equal(count(OBS_PHONE), 1);
	obs_list_clear(&got);
}

/* Versions, dates, amounts, codes and times are not indicators. */
static void no_false_positives(void **state)
{
	run("Phiên bản 7.0.12, bản vá 10.0.19041.3693, FortiOS 7.2.4 build 1396; "
	    "ngày 21.11.2026 hoặc 2026-11-21 lúc 10:30:00; số tiền 1.000.000.000 đồng; "
	    "mã yêu cầu SD261121-000123; mã số thuế 0101234567; số tài khoản 0123456789012; "
	    "mã đơn vị 0010; Node.js và ASP.NET Core; tệp setup.msi, photo.JPG, index.html; "
	    "MAC 00:1a:2b:3c:4d:5e; tỷ lệ 3.5% ; v1.2.3.4; Thông tư 20/2017/TT-BTTTT; "
	    "TP.HCM, Q.Ba Đình, P.Tân Định, lỗi.Vui lòng thử lại; ký hiệu a.b; "
	    "hash-like deadbeefdeadbeefdeadbeefdeadbeef and 12345678901234567890123456789012");
	if (got.n) {
		dump();
		fail_msg("expected nothing, found %zu", got.n);
	}
}

static void defanged_forms(void **state)
{
	run("hxxps://login-dichvucong[.]online/auth và hXXp://1.2.3[.]4:8080/a.exe "
	    "example[.]com, evil(dot)vn, bad [dot] xyz, user[@]example[.]org, x (at) mail(.)ru, "
	    "10[.]0[.]0[.]1, https[:]//phish[.]site/x, fxp://files[.]example[.]net/p");
	HAS(OBS_URL, "https://login-dichvucong.online/auth");
	HAS(OBS_URL, "http://1.2.3.4:8080/a.exe");
	HAS(OBS_DOMAIN, "example.com");
	HAS(OBS_DOMAIN, "evil.vn");
	HAS(OBS_DOMAIN, "bad.xyz");
	HAS(OBS_EMAIL, "user@example.org");
	HAS(OBS_EMAIL, "x@mail.ru");
	HAS(OBS_IPV4, "10.0.0.1");
	HAS(OBS_URL, "https://phish.site/x");
	HAS(OBS_URL, "ftp://files.example.net/p");
	obs_list_clear(&got);
}

static void urls(void **state)
{
	run("Xem (https://example.com/a_(b)) và https://EXAMPLE.com/Path?Q=1#F. "
	    "Link: <https://a.example.vn/x>, \"http://b.example.vn/y\"; http://localhost/x "
	    "http://user:pw@c.example.com:8443/z https://[2001:db8::2]/ip6");
	HAS(OBS_URL, "https://example.com/a_(b)");
	HAS(OBS_URL, "https://example.com/Path?Q=1#F");
	HAS(OBS_URL, "https://a.example.vn/x");
	HAS(OBS_URL, "http://b.example.vn/y");
	HAS(OBS_URL, "http://user:pw@c.example.com:8443/z");
	HAS(OBS_URL, "https://[2001:db8::2]/ip6");
	assert_int_equal(count(OBS_URL), 6); /* no localhost */
	obs_list_clear(&got);
}

/* Vietnamese phone numbers in their written forms, one normal form. */
static void phones(void **state)
{
	run("Gọi 0912345678, 0912 345 678, 091-234-5678, +84 912 345 679, +84912345670, "
	    "84987654321, (028) 3823 4567, 1900 1234, 1800.599.920; hai số 0987654321 0976543210.");
	HAS(OBS_PHONE, "0912345678");
	HAS(OBS_PHONE, "0912345679");
	HAS(OBS_PHONE, "0912345670");
	HAS(OBS_PHONE, "0987654321");
	HAS(OBS_PHONE, "02838234567");
	HAS(OBS_PHONE, "19001234");
	HAS(OBS_PHONE, "1800599920");
	HAS(OBS_PHONE, "0976543210");
	assert_int_equal(count(OBS_PHONE), 8);
	obs_list_clear(&got);
}

/* An impersonation report: Zalo names and links, the fraudster's number. */
static const char MAIL_IMPERSONATION[] =
	"Kính gửi bộ phận hỗ trợ Dịch vụ công,\n"
	"Chiều nay có người gọi từ số 0867 123 456 tự xưng là cán bộ hỗ trợ Kho bạc, "
	"kết bạn qua Zalo tên “Hỗ Trợ DVC Kho Bạc - Anh Tuấn” và gửi link "
	"https://zalo.me/0867123456 cùng đường dẫn tải UltraViewer tại "
	"hxxps://ultraviewer-kbnn[.]com/download. Nhóm zalo.me/g/abcxyz123 cũng được chia sẻ.\n"
	"Tài khoản Zalo: Nguyễn Thị Hoa (KBNN)\n"
	"Họ cũng nhắn qua Zalo: họ yêu cầu gửi mã PIN chữ ký số.\n"
	"Email giả mạo: hotro.dvc.kbnn@gmail.com\n";

static void impersonation(void **state)
{
	run(MAIL_IMPERSONATION);
	HAS(OBS_PHONE, "0867123456");
	HAS(OBS_ZALO, "Hỗ Trợ DVC Kho Bạc - Anh Tuấn");
	HAS(OBS_ZALO, "https://zalo.me/0867123456");
	HAS(OBS_ZALO, "https://zalo.me/g/abcxyz123");
	HAS(OBS_ZALO, "Nguyễn Thị Hoa");
	HAS(OBS_URL, "https://ultraviewer-kbnn.com/download");
	HAS(OBS_EMAIL, "hotro.dvc.kbnn@gmail.com");
	/* a sentence after "Zalo:" is not a name */
	assert_int_equal(count(OBS_ZALO), 4);
	assert_int_equal(count(OBS_PHONE), 1);
	obs_list_clear(&got);
}

/* A long Zalo name is cut at 200 bytes, never inside a character. */
static void zalo_name_cut(void **state)
{
	char text[600] = "Zalo tên \"";

	for (int i = 0; i < 60; i++) /* 240 bytes */
		strcat(text, "Hỗ");
	strcat(text, "\"");
	run(text);
	assert_int_equal(count(OBS_ZALO), 1);
	assert_true(strlen(got.items[0].value) <= 200);
	assert_null(u8_check((const uint8_t *)got.items[0].value, strlen(got.items[0].value)));
	assert_int_equal(strncmp(got.items[0].value, "HỗHỗ", 8), 0);
	obs_list_clear(&got);
}

static void normalize(void **state)
{
	char out[OBS_VALUE_MAX + 1];

	assert_null(obs_normalize(OBS_IPV4, " 1.2.3[.]4 ", out, sizeof(out)));
	assert_string_equal(out, "1.2.3.4");
	assert_non_null(obs_normalize(OBS_IPV4, "1.2.3.256", out, sizeof(out)));
	assert_non_null(obs_normalize(OBS_IPV4, "7.0.12", out, sizeof(out)));
	assert_null(obs_normalize(OBS_DOMAIN, "Example[.]COM", out, sizeof(out)));
	assert_string_equal(out, "example.com");
	assert_non_null(obs_normalize(OBS_DOMAIN, "report.pdf", out, sizeof(out)));
	assert_null(obs_normalize(OBS_PHONE, "+84 912-345-678", out, sizeof(out)));
	assert_string_equal(out, "0912345678");
	assert_non_null(obs_normalize(OBS_PHONE, "0123456789", out, sizeof(out)));
	assert_null(obs_normalize(OBS_CVE, "cve-2021-44228", out, sizeof(out)));
	assert_string_equal(out, "CVE-2021-44228");
	assert_non_null(obs_normalize(OBS_CVE, "CVE-21-44228", out, sizeof(out)));
	assert_null(obs_normalize(OBS_SHA1, "AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D", out, sizeof(out)));
	assert_string_equal(out, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
	assert_non_null(obs_normalize(OBS_MD5, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", out, sizeof(out)));
	assert_null(obs_normalize(OBS_URL, "hxxps://Evil[.]COM/X", out, sizeof(out)));
	assert_string_equal(out, "https://evil.com/X");
	assert_non_null(obs_normalize(OBS_URL, "javascript:alert(1)", out, sizeof(out)));
	assert_null(obs_normalize(OBS_EMAIL, "A.B[@]Example.VN", out, sizeof(out)));
	assert_string_equal(out, "a.b@example.vn");
	assert_null(obs_normalize(OBS_IPV6, "2001:0DB8::0001", out, sizeof(out)));
	assert_string_equal(out, "2001:db8::1");
	assert_null(obs_normalize(OBS_ZALO, "  Hỗ  trợ   KBNN ", out, sizeof(out)));
	assert_string_equal(out, "Hỗ trợ KBNN");
	assert_non_null(obs_normalize(OBS_ZALO, "   ", out, sizeof(out)));
	assert_non_null(obs_normalize(OBS_ZALO, "\xff\xfe", out, sizeof(out)));
	assert_null(obs_normalize(OBS_IPV4, "1.2.3.4", out, 4) ? NULL : "fits");
	assert_int_equal(obs_type_parse("sha256"), OBS_SHA256);
	assert_int_equal(obs_type_parse("bogus"), -1);
	assert_string_equal(obs_type_name(OBS_ZALO), "zalo");
	assert_null(obs_type_name(OBS__COUNT));
}

static void global_values(void **state)
{
	assert_true(obs_is_global(OBS_IPV4, "185.220.101.45"));
	assert_true(obs_is_global(OBS_IPV4, "172.32.0.1"));
	assert_true(obs_is_global(OBS_IPV4, "100.128.0.1"));
	assert_false(obs_is_global(OBS_IPV4, "10.0.0.5"));
	assert_false(obs_is_global(OBS_IPV4, "172.16.3.4"));
	assert_false(obs_is_global(OBS_IPV4, "172.31.255.255"));
	assert_false(obs_is_global(OBS_IPV4, "192.168.1.10"));
	assert_false(obs_is_global(OBS_IPV4, "127.0.0.1"));
	assert_false(obs_is_global(OBS_IPV4, "169.254.1.1"));
	assert_false(obs_is_global(OBS_IPV4, "100.64.0.1"));
	assert_false(obs_is_global(OBS_IPV4, "0.0.0.0"));
	assert_true(obs_is_global(OBS_IPV6, "2001:db8::1"));
	assert_false(obs_is_global(OBS_IPV6, "::1"));
	assert_false(obs_is_global(OBS_IPV6, "fe80::1"));
	assert_false(obs_is_global(OBS_IPV6, "fd12:3456::1"));
	assert_false(obs_is_global(OBS_IPV6, "::ffff:192.168.0.1"));
	assert_true(obs_is_global(OBS_IPV6, "::ffff:8.8.8.8"));
	assert_true(obs_is_global(OBS_DOMAIN, "example.com"));
	assert_true(obs_is_global(OBS_PHONE, "0912345678"));
}

static void refang(void **state)
{
	static const char in[] = "hxxps://a[.]b(dot)c [at] d[:]80\0x";
	char *r = obs_refang(in, sizeof(in) - 1);

	assert_non_null(r);
	assert_string_equal(r, "https://a.b.c@d:80 x");
	free(r);
}

/* Limits: hostile input stays bounded, duplicates are one value. */
static void bounded(void **state)
{
	size_t n = 400000, k = 0;
	char *big = malloc(n + 1);

	assert_non_null(big);
	while (k + 16 < n) {
		k += (size_t)sprintf(big + k, "10.0.%u.%u ", (unsigned)(k / 256) % 256, (unsigned)k % 256);
	}
	big[k] = '\0';
	run(big);
	assert_int_equal(got.n, OBS_MAX);
	memset(big, 'a', n);
	big[n] = '\0';
	run(big);
	assert_int_equal(got.n, 0);
	run("1.2.3.4 1.2.3.4 1.2.3[.]4");
	assert_int_equal(got.n, 1);
	obs_list_clear(&got);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malware_mail),
		cmocka_unit_test(phishing_mail),
		cmocka_unit_test(ddos_mail),
		cmocka_unit_test(leak_mail),
		cmocka_unit_test(no_false_positives),
		cmocka_unit_test(defanged_forms),
		cmocka_unit_test(urls),
		cmocka_unit_test(phones),
		cmocka_unit_test(impersonation),
		cmocka_unit_test(zalo_name_cut),
		cmocka_unit_test(normalize),
		cmocka_unit_test(global_values),
		cmocka_unit_test(refang),
		cmocka_unit_test(bounded),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	obs_list_clear(&got);
	return rc;
}
