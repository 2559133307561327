/*
 * fuzz_html.c - libFuzzer target for HTML escaping and upload names.
 *
 * Besides memory safety it checks what pages rely on: escaped text is
 * valid UTF-8 without < > " ' and every & starts an entity we write; a
 * safe upload name has no path separator, quote, angle bracket or control
 * character, does not start with a dot, and fits its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/html.h"
#include "core/upload.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL, *s, name[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *type;

	if (!f)
		return 0;
	html_escape_n(f, (const char *)data, size);
	if (fclose(f) != 0)
		return 0;
	check(u8_check((const uint8_t *)buf, len) == NULL);
	check(strpbrk(buf, "<>\"'") == NULL);
	for (char *a = strchr(buf, '&'); a; a = strchr(a + 1, '&'))
		check(!strncmp(a, "&amp;", 5) || !strncmp(a, "&lt;", 4) || !strncmp(a, "&gt;", 4) ||
		      !strncmp(a, "&quot;", 6) || !strncmp(a, "&#39;", 5));
	free(buf);

	type = upload_sniff_image(data, size);
	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	upload_safe_filename(s, type ? type : "image/png", name);
	check(name[0] && name[0] != '.' && strlen(name) < sizeof(name));
	check(u8_check((const uint8_t *)name, strlen(name)) == NULL);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		check(*p >= 0x20 && *p != 0x7f && !strchr("/\\\"'<>&`", *p));
	free(s);
	return 0;
}
