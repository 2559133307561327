/*
 * fold.h - search folding for Vietnamese text.
 *
 * Users search "loi dang nhap" for "Lỗi ĐĂNG NHẬP", so titles, bodies and
 * queries all go through the same fold before they are indexed or compared:
 * case folding, tone and vowel marks removed, đ/Đ read as d, and every run of
 * characters that are not letters or digits reduced to one ASCII space.
 *
 * Pure functions: no global state, no I/O; memory is proportional to the
 * input.
 */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>

/*
 * Fold the UTF-8 text s[0..n) (NFC or NFD, need not be NUL-terminated;
 * s may be NULL when n is 0).
 * Letters of every script are kept and case folded, digits are kept,
 * nonspacing marks (general category Mn) are dropped after canonical
 * decomposition, đ/Đ become d, and runs of anything else become a single
 * space with none at either end. Invalid UTF-8 bytes and NULs count as
 * separators, so this never fails on content.
 *
 * Returns a NUL-terminated string the caller frees with free(), or NULL when
 * out of memory.
 */
char *fold_text(const char *s, size_t n);

/*
 * Called for each token of a folded string; tok is borrowed and is not
 * NUL-terminated (use len). A non-zero return stops the walk.
 */
typedef int (*fold_token_cb)(const char *tok, size_t len, void *arg);

/*
 * Walk the space-separated tokens of a string produced by fold_text().
 * Returns 0 after the last token, or the first non-zero value cb returned.
 */
int fold_tokens(const char *folded, fold_token_cb cb, void *arg);

#endif /* FOLD_H */
