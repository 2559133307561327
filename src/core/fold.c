/*
 * fold.c - search folding for Vietnamese text.
 *
 * Three passes over the input, all linear:
 *   1. copy it, replacing each invalid UTF-8 byte with a space, because
 *      libunistring refuses malformed input and we must never fail on it;
 *   2. u8_casefold() with NFD, which lowercases and splits every precomposed
 *      Vietnamese letter into a base letter plus combining marks
 *      ("ộ" -> "o" U+0323 U+0302);
 *   3. walk the result, dropping nonspacing marks, mapping đ to d and
 *      collapsing separators.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "fold.h"

/* Characters that belong to a word: letters, numbers, spacing marks. */
#define FOLD_WORD_MASK (UC_CATEGORY_MASK_L | UC_CATEGORY_MASK_N | \
			UC_CATEGORY_MASK_Mc | UC_CATEGORY_MASK_Me)

/*
 * Letters that look like a d with a stroke but have no canonical
 * decomposition, so NFD leaves them alone. After case folding only the
 * lowercase forms remain. U+00F0 (eth) is included because Vietnamese text
 * that passed through legacy code pages often carries Ð U+00D0 where Đ
 * U+0110 was meant.
 */
static int is_stroked_d(ucs4_t uc)
{
	return uc == 0x0111 || uc == 0x00F0;
}

/* Pass 1: a copy of s with every invalid UTF-8 byte replaced by a space. */
static uint8_t *sanitize(const uint8_t *s, size_t n)
{
	uint8_t *out = malloc(n > 0 ? n : 1);
	size_t i = 0;

	if (!out)
		return NULL;
	while (i < n) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, s + i, n - i);

		if (len < 0) {
			out[i++] = ' ';
			continue;
		}
		memcpy(out + i, s + i, (size_t)len);
		i += (size_t)len;
	}
	return out;
}

/*
 * Pass 3: write the folded form of the NFD, case-folded text in[0..n) to out,
 * which has room for n + 1 bytes (nothing here makes text longer).
 */
static void squeeze(const uint8_t *in, size_t n, char *out)
{
	size_t i = 0, o = 0;
	int gap = 0;

	while (i < n) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, in + i, n - i);

		if (len < 0) {
			/* Cannot happen after pass 1; a separator if it does. */
			gap = 1;
			len = 1;
		} else if (uc_is_general_category_withtable(uc,
						UC_CATEGORY_MASK_Mn)) {
			/* Tone and vowel marks: drop without splitting words. */
		} else if (is_stroked_d(uc) ||
			   uc_is_general_category_withtable(uc, FOLD_WORD_MASK)) {
			if (gap && o > 0)
				out[o++] = ' ';
			gap = 0;
			if (is_stroked_d(uc)) {
				out[o++] = 'd';
			} else {
				memcpy(out + o, in + i, (size_t)len);
				o += (size_t)len;
			}
		} else {
			gap = 1;
		}
		i += (size_t)len;
	}
	out[o] = '\0';
}

/*
 * ASCII input (most mail bodies are largely so, and every body without
 * diacritics is) folds without libunistring: lower-case letters and
 * digits, one space for each run of anything else.  Same result as the
 * three passes, a tenth of the work.
 */
static char *fold_ascii(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	int gap = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
			if (gap && o > 0)
				out[o++] = ' ';
			gap = 0;
			out[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		} else {
			gap = 1;
		}
	}
	out[o] = '\0';
	return out;
}

char *fold_text(const char *s, size_t n)
{
	uint8_t *clean, *folded;
	size_t len = 0, i;
	char *out;

	for (i = 0; i < n && !((unsigned char)s[i] & 0x80); i++)
		;
	if (i == n)
		return fold_ascii(s, n);

	clean = sanitize((const uint8_t *)s, n);
	if (!clean)
		return NULL;
	folded = u8_casefold(clean, n, NULL, UNINORM_NFD, NULL, &len);
	free(clean);
	if (!folded)
		return NULL;
	out = malloc(len + 1);
	if (out)
		squeeze(folded, len, out);
	free(folded);
	return out;
}

int fold_tokens(const char *folded, fold_token_cb cb, void *arg)
{
	const char *p = folded;

	while (*p) {
		size_t len;
		int r;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 0)
			break;
		r = cb(p, len, arg);
		if (r != 0)
			return r;
		p += len;
	}
	return 0;
}
