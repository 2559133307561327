/*
 * test_html.c — HTML escaping, image sniffing and upload file names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/html.h"
#include "core/upload.h"

/* Run an escaper over s[0..n) into a malloc'd string. */
static char *run(void (*fn)(FILE *, const char *, size_t), const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, s, n);
	fclose(f);
	return buf;
}

static void url_fn(FILE *f, const char *s, size_t n)
{
	(void)n;
	html_url_part(f, s);
}

static void escaped_is(const char *in, size_t n, const char *want)
{
	char *got = run(html_escape_n, in, n);
	assert_string_equal(got, want);
	free(got);
}

static void escaping(void **state)
{
	(void)state;
	escaped_is("<script>alert(1)</script>", 25, "&lt;script&gt;alert(1)&lt;/script&gt;");
	escaped_is("\" onmouseover='x' a=b&c", 23, "&quot; onmouseover=&#39;x&#39; a=b&amp;c");
	escaped_is("Lỗi ký số", strlen("Lỗi ký số"), "Lỗi ký số");
	escaped_is("a\0b\x01" "c\td\n", 8, "abc\td\n");
	escaped_is("x\xff" "y", 3, "x\xef\xbf\xbdy");           /* invalid byte */
	escaped_is("\xc3", 1, "\xef\xbf\xbd");                   /* cut sequence */
	escaped_is("\xe0\x80\xaf", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* overlong */
	escaped_is("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	escaped_is("", 0, "");
	{
		char *got = run(url_fn, "SD211208-123456 &x=<y>/đ", 0);
		assert_string_equal(got, "SD211208-123456%20%26x%3D%3Cy%3E%2F%C4%91");
		free(got);
	}
}

static void sniffing(void **state)
{
	(void)state;
	assert_string_equal(upload_sniff_image("\x89PNG\r\n\x1a\n\0\0", 10), "image/png");
	assert_string_equal(upload_sniff_image("\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(upload_sniff_image("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_string_equal(upload_sniff_image("GIF89a....", 10), "image/gif");
	assert_string_equal(upload_sniff_image("GIF87a", 6), "image/gif");
	assert_null(upload_sniff_image("\x89PNG\r\n", 6));       /* too short */
	assert_null(upload_sniff_image("<svg xmlns=", 11));      /* SVG runs script */
	assert_null(upload_sniff_image("<html><img>", 11));
	assert_null(upload_sniff_image("RIFF\x10\0\0\0WAVE", 12));
	assert_null(upload_sniff_image("%PDF-1.7", 8));
	assert_null(upload_sniff_image("MZ\x90\0", 4));
	assert_null(upload_sniff_image("", 0));
}

static void name_is(const char *in, const char *type, const char *want)
{
	char buf[128];

	upload_safe_filename(in, type, buf);
	assert_string_equal(buf, want);
}

static void filenames(void **state)
{
	char big[300];

	(void)state;
	name_is("loi-ky-so.png", "image/png", "loi-ky-so.png");
	name_is("Ảnh chụp màn hình.PNG", "image/png", "Ảnh chụp màn hình.PNG");
	name_is("C:\\Users\\an\\Desktop\\loi.jpg", "image/jpeg", "loi.jpg");
	name_is("../../etc/passwd", "image/png", "passwd.png");
	name_is("..", "image/png", "screenshot.png");
	name_is("", "image/gif", "screenshot.gif");
	name_is(NULL, "image/webp", "screenshot.webp");
	name_is("<img src=x onerror=alert(1)>.png", "image/png", "img src=x onerror=alert(1).png");
	name_is("a\"b'c\n\rd.html", "image/png", "abcd.html.png");
	name_is("photo.jpeg", "image/jpeg", "photo.jpeg");
	name_is("  many   spaces  .gif", "image/gif", "many spaces .gif");
	name_is("a\xff\xc3(b\xe1\xba.png", "image/png", "a(b.png");     /* invalid UTF-8 */
	name_is("\xed\xa0\x80x.png", "image/png", "x.png");             /* a surrogate */
	/* long names are cut on a character boundary, the extension kept */
	memset(big, 0, sizeof(big));
	for (int i = 0; i < 60; i++)
		memcpy(big + i * 3, "ả", 3); /* 3 bytes each */
	{
		char buf[128];
		upload_safe_filename(big, "image/png", buf);
		assert_int_equal(strlen(buf), 99 + 4);
		assert_string_equal(buf + 99, ".png");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(sniffing),
		cmocka_unit_test(filenames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
