/*
 * fuzz_fold.c - libFuzzer target for search folding.
 *
 * Besides memory safety it checks the shape of every result: valid UTF-8,
 * no ASCII uppercase, single spaces only between tokens, and folding twice
 * changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/fold.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static int token(const char *tok, size_t len, void *arg)
{
	size_t *total = arg;

	check(len > 0 && memchr(tok, ' ', len) == NULL);
	*total += len + 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f = fold_text((const char *)data, size), *g;
	size_t len, total = 0;

	if (!f)
		return 0;
	len = strlen(f);
	check(u8_check((const uint8_t *)f, len) == NULL);
	check(len == 0 || (f[0] != ' ' && f[len - 1] != ' '));
	check(strstr(f, "  ") == NULL);
	for (size_t i = 0; i < len; i++)
		check(!(f[i] >= 'A' && f[i] <= 'Z'));
	check(fold_tokens(f, token, &total) == 0);
	check(total == (len ? len + 1 : 0));

	g = fold_text(f, len);
	if (g)
		check(strcmp(f, g) == 0);
	free(g);
	free(f);
	return 0;
}
