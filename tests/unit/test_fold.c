/*
 * test_fold.c - unit tests for Vietnamese search folding (core/fold).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <uninorm.h>

#include "core/fold.h"

/* Fold s (n bytes) and compare with want. */
static void fold_eq_n(const char *s, size_t n, const char *want)
{
	char *got = fold_text(s, n);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void fold_eq(const char *s, const char *want)
{
	fold_eq_n(s, strlen(s), want);
}

/* Every vowel with no tone and each of the five tones, in both cases. */
static const struct {
	const char *in;
	char base;
} vowels[] = {
	{"a à á ả ã ạ", 'a'}, {"A À Á Ả Ã Ạ", 'a'},
	{"ă ằ ắ ẳ ẵ ặ", 'a'}, {"Ă Ằ Ắ Ẳ Ẵ Ặ", 'a'},
	{"â ầ ấ ẩ ẫ ậ", 'a'}, {"Â Ầ Ấ Ẩ Ẫ Ậ", 'a'},
	{"e è é ẻ ẽ ẹ", 'e'}, {"E È É Ẻ Ẽ Ẹ", 'e'},
	{"ê ề ế ể ễ ệ", 'e'}, {"Ê Ề Ế Ể Ễ Ệ", 'e'},
	{"i ì í ỉ ĩ ị", 'i'}, {"I Ì Í Ỉ Ĩ Ị", 'i'},
	{"o ò ó ỏ õ ọ", 'o'}, {"O Ò Ó Ỏ Õ Ọ", 'o'},
	{"ô ồ ố ổ ỗ ộ", 'o'}, {"Ô Ồ Ố Ổ Ỗ Ộ", 'o'},
	{"ơ ờ ớ ở ỡ ợ", 'o'}, {"Ơ Ờ Ớ Ở Ỡ Ợ", 'o'},
	{"u ù ú ủ ũ ụ", 'u'}, {"U Ù Ú Ủ Ũ Ụ", 'u'},
	{"ư ừ ứ ử ữ ự", 'u'}, {"Ư Ừ Ứ Ử Ữ Ự", 'u'},
	{"y ỳ ý ỷ ỹ ỵ", 'y'}, {"Y Ỳ Ý Ỷ Ỹ Ỵ", 'y'},
};

#define NVOWELS (sizeof(vowels) / sizeof(vowels[0]))

static void all_vowels_all_tones(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVOWELS; i++) {
		char want[12];

		for (size_t k = 0; k < 6; k++) {
			want[2 * k] = vowels[i].base;
			want[2 * k + 1] = ' ';
		}
		want[11] = '\0';
		fold_eq(vowels[i].in, want);
	}
}

static void stroked_d(void **state)
{
	(void)state;
	fold_eq("đ Đ đường ĐƯỜNG Đà Nẵng", "d d duong duong da nang");
	/* Ð U+00D0 (eth) stands in for Đ in text from legacy code pages. */
	fold_eq("ÐÀ NẴNG", "da nang");
}

static void sentences(void **state)
{
	(void)state;
	fold_eq("Lỗi ĐĂNG NHẬP Dịch vụ công!", "loi dang nhap dich vu cong");
	fold_eq("Quyết định số 123/QĐ-KBNN ngày 08/12/2021",
		"quyet dinh so 123 qd kbnn ngay 08 12 2021");
	fold_eq("Kho bạc Nhà nước Hà Nội", "kho bac nha nuoc ha noi");
	fold_eq("Người dùng không thể ký số", "nguoi dung khong the ky so");
}

static void nfd_equals_nfc(void **state)
{
	(void)state;
	/* "Lỗi" and "Việt" spelled with combining marks. */
	fold_eq("Lo\xCC\x82\xCC\x83i Vie\xCC\xA3\xCC\x82t", "loi viet");
	/* Marks in non-canonical order fold the same. */
	fold_eq("Vie\xCC\x82\xCC\xA3t", "viet");
	/* Each vowel row, decomposed by libunistring, folds like its NFC. */
	for (size_t i = 0; i < NVOWELS; i++) {
		const char *in = vowels[i].in;
		size_t len = 0;
		uint8_t *nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)in,
					    strlen(in), NULL, &len);
		char *a, *b;

		assert_non_null(nfd);
		assert_true(len > strlen(in));
		a = fold_text((const char *)nfd, len);
		b = fold_text(in, strlen(in));
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
		free(nfd);
	}
}

static void separators(void **state)
{
	(void)state;
	fold_eq("  --Hello,   world!!  ", "hello world");
	fold_eq("a\t\r\nb", "a b");
	fold_eq("a_b-c.d", "a b c d");
	fold_eq("Re: [SD211208-123456]", "re sd211208 123456");
	fold_eq("x\xC2\xA0y\xE3\x80\x80z", "x y z");   /* NBSP, U+3000 */
	fold_eq("!!!", "");
	fold_eq(" ", "");
	/* A stray mark joins nothing and splits nothing. */
	fold_eq("\xCC\x81" "a\xCC\x81" "b", "ab");
}

static void other_scripts(void **state)
{
	(void)state;
	fold_eq("Straße", "strasse");
	fold_eq("ΣΊΣΥΦΟΣ", "σισυφοσ");
	fold_eq("ПРИВЕТ мир", "привет мир");
	fold_eq("中文 日本語", "中文 日本語");
	fold_eq("０１２", "０１２");
}

static void invalid_utf8(void **state)
{
	(void)state;
	fold_eq("ab\xFF" "cd", "ab cd");
	fold_eq("\xC3", "");
	fold_eq("\xE1\xBB", "");                        /* cut "ệ" */
	fold_eq("\xC0\xAF" "x", "x");                  /* overlong '/' */
	fold_eq("\xED\xA0\x80" "x", "x");              /* surrogate */
	fold_eq("L\xE1\xBB\x97i\xF4\x90\x80\x80" "x", "loi x");
	fold_eq_n("a\0b", 3, "a b");
	/* n bounds the read even without a NUL. */
	fold_eq_n("abcdef", 3, "abc");
}

static void empty(void **state)
{
	(void)state;
	fold_eq_n("", 0, "");
	fold_eq_n(NULL, 0, "");
}

struct toks {
	size_t n;
	char seen[8][16];
	size_t stop_at;
};

static int collect(const char *tok, size_t len, void *arg)
{
	struct toks *t = arg;

	assert_true(len > 0 && len < sizeof(t->seen[0]));
	memcpy(t->seen[t->n], tok, len);
	t->seen[t->n][len] = '\0';
	t->n++;
	return t->n == t->stop_at ? 42 : 0;
}

static void tokens(void **state)
{
	static const char in[] = "  Lỗi ĐĂNG nhập!! ";
	struct toks t = {0};
	char *f = fold_text(in, strlen(in));

	(void)state;
	assert_non_null(f);
	assert_int_equal(fold_tokens(f, collect, &t), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.seen[0], "loi");
	assert_string_equal(t.seen[1], "dang");
	assert_string_equal(t.seen[2], "nhap");

	memset(&t, 0, sizeof(t));
	t.stop_at = 2;
	assert_int_equal(fold_tokens(f, collect, &t), 42);
	assert_int_equal(t.n, 2);
	free(f);

	memset(&t, 0, sizeof(t));
	assert_int_equal(fold_tokens("", collect, &t), 0);
	assert_int_equal(t.n, 0);
}

/* The ASCII fast path and the general path agree: a combining mark (folded
 * away) at the end sends the same text through the general path. */
static void ascii_fast_path_agrees(void **state)
{
	const char *samples[] = { "Hello, World!  42", "  --a_b--c  ", "", "MiXeD123cAsE\t\n;x",
				  "SD211208-123456 [0010#DVC]", "!!!", "a" };

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char buf[128];
		char *fast = fold_text(samples[i], strlen(samples[i])), *slow;
		snprintf(buf, sizeof(buf), "%s\xcc\x81", samples[i]); /* U+0301 */
		slow = fold_text(buf, strlen(buf));
		assert_non_null(fast);
		assert_non_null(slow);
		assert_string_equal(fast, slow);
		free(fast);
		free(slow);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_fast_path_agrees),
		cmocka_unit_test(all_vowels_all_tones),
		cmocka_unit_test(stroked_d),
		cmocka_unit_test(sentences),
		cmocka_unit_test(nfd_equals_nfc),
		cmocka_unit_test(separators),
		cmocka_unit_test(other_scripts),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(empty),
		cmocka_unit_test(tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
