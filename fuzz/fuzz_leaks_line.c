/*
 * fuzz_leaks_line.c - libFuzzer target for the leak scanner's line and
 * block parsers (leaks/leaks_parse).
 *
 * Input: byte 0 picks the layout (even: combo list, odd: stealer log); the
 * rest is split into lines as the scanner splits them.  Checks what the
 * parsers promise: a line that passes the check is valid UTF-8 without
 * controls; combo fields lie inside their line and are not empty; stealer
 * fields fit their buffers; normalised names, hints and masks stay within
 * their sizes and are NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "leaks/leaks_parse.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void inside(const char *line, size_t len, const char *p, size_t n)
{
	check(p >= line && p + n <= line + len);
}

static void use(const struct leaks_cred *c)
{
	char key[LEAKS_KEY_MAX], hint[LEAKS_HINT_SIZE], masked[LEAKS_KEY_MAX * 2];
	int kl;

	check(c->user_len > 0 && c->pass_len > 0);
	kl = leaks_key_norm(c->user, c->user_len, key);
	if (kl >= 0) {
		check(kl < LEAKS_KEY_MAX && key[kl] == '\0' && strlen(key) == (size_t)kl);
		check(u8_check((const uint8_t *)key, (size_t)kl) == NULL);
		leaks_key_domain(key, (size_t)kl);
		leaks_mask_account(key, masked, sizeof(masked));
		check(strlen(masked) < sizeof(masked));
	}
	leaks_hint(c->pass, c->pass_len, hint);
	check(strlen(hint) < sizeof(hint));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct leaks_block *b;
	struct leaks_cred c[2];
	bool block;
	const char *p, *end;

	if (size < 1)
		return 0;
	block = data[0] & 1;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if (!(b = malloc(sizeof(*b))))
		return 0;
	leaks_block_init(b);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		leaks_line_trim(&s, &len);
		if (leaks_line_check(s, len) == 0) {
			check(len <= LEAKS_LINE_MAX);
			check(u8_check((const uint8_t *)s, len) == NULL);
			check(!memchr(s, '\0', len));
			if (block) {
				if (leaks_block_feed(b, s, len, c) == 1) {
					check(c[0].user_len < LEAKS_FIELD_MAX && c[0].pass_len < LEAKS_FIELD_MAX);
					use(&c[0]);
				}
			} else {
				int n = leaks_combo_parse(s, len, c);
				check(n >= 0 && n <= 2);
				for (int i = 0; i < n; i++) {
					inside(s, len, c[i].user, c[i].user_len);
					inside(s, len, c[i].pass, c[i].pass_len);
					if (c[i].host)
						inside(s, len, c[i].host, c[i].host_len);
					use(&c[i]);
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (block && leaks_block_end(b, c) == 1)
		use(&c[0]);
	free(b);
	return 0;
}
