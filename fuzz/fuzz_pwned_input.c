/*
 * fuzz_pwned_input.c - libFuzzer target for the Pwned Passwords text parser
 * (pwned/hibp_input).
 *
 * Input: byte 0 picks the hash length (detect, SHA-1, NTLM), byte 1 whether
 * the "file" is named after a prefix, byte 2 a chunk size; the rest is the
 * text.  Checks what the parser promises: records come out strictly
 * increasing, with the same length and a count above 0; feeding the text in
 * chunks gives the same records, result and line as feeding it whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pwned/hibp_input.h"

struct seen {
	unsigned char last[20];
	size_t len;
	uint64_t n, digest;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static int on_record(const unsigned char *hash, size_t len, uint32_t count, void *ctx)
{
	struct seen *s = ctx;

	check(len == 20 || len == 16);
	check(count > 0);
	if (s->n) {
		check(len == s->len);
		check(memcmp(s->last, hash, len) < 0);
	}
	memcpy(s->last, hash, len);
	s->len = len;
	s->n++;
	for (size_t i = 0; i < len; i++)
		s->digest = (s->digest ^ hash[i]) * 1099511628211ull;
	s->digest = (s->digest ^ count) * 1099511628211ull;
	return 0;
}

static int run(const char *text, size_t len, size_t hash_len, long prefix, size_t chunk,
	       struct seen *s, uint64_t *ret_line)
{
	struct hibp_input *p;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (hibp_input_new(hash_len, &p) < 0)
		abort();
	hibp_input_begin(p, prefix);
	for (size_t off = 0; off < len && rc == 0; off += chunk)
		rc = hibp_input_feed(p, text + off, len - off < chunk ? len - off : chunk, on_record, s);
	if (rc == 0)
		rc = hibp_input_end(p, on_record, s);
	*ret_line = hibp_input_line(p);
	check(hibp_input_records(p) == s->n);
	hibp_input_free(p);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lens[] = { 0, 20, 16 };
	struct seen whole, chunked;
	uint64_t line1, line2;
	size_t hash_len, chunk;
	long prefix;
	int rc1, rc2;

	if (size < 3)
		return 0;
	hash_len = lens[data[0] % 3];
	prefix = data[1] & 1 ? (long)data[1] << 12 : HIBP_INPUT_NO_PREFIX;
	chunk = 1 + data[2] % 64;
	data += 3, size -= 3;
	rc1 = run((const char *)data, size, hash_len, prefix, size ? size : 1, &whole, &line1);
	rc2 = run((const char *)data, size, hash_len, prefix, chunk, &chunked, &line2);
	check(rc1 == rc2);
	check(whole.n == chunked.n && whole.digest == chunked.digest);
	if (rc1 < 0)
		check(line1 == line2);
	return 0;
}
