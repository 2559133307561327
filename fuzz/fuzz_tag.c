/*
 * fuzz_tag.c - libFuzzer target for request codes and subject tags.
 *
 * Feeds the input to every parser in core/tag and checks what they promise:
 * a parsed code formats back to the same bytes, a found code parses at the
 * reported offset, a found subject tag holds only uppercase tag characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/tag.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static int tag_char(char c, int dot)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '-' || (dot && c == '.');
}

static void check_word(const char *w, size_t max, int dot)
{
	size_t len = strlen(w);

	check(len >= 1 && len <= max);
	for (size_t i = 0; i < len; i++)
		check(tag_char(w[i], dot));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct tag_code c;
	struct tag_subject t;
	char buf[TAG_CODE_SIZE];
	size_t off;

	if (tag_code_parse(s, size, &c) == 0) {
		check(tag_code_format(&c, buf) == 0);
		check(memcmp(buf, s, TAG_CODE_LEN) == 0);
	}
	if (tag_code_find(s, size, &c, &off) == 0) {
		check(off + TAG_CODE_LEN <= size);
		check(tag_code_format(&c, buf) == 0);
		check(memcmp(buf + 2, s + off + 2, TAG_CODE_LEN - 2) == 0);
	}
	if (tag_subject_find(s, size, &t) == 0) {
		check_word(t.unit, TAG_UNIT_MAX, 1);
		check_word(t.service, TAG_SERVICE_MAX, 0);
	}
	return 0;
}
