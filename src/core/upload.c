/*
 * upload.c — image sniffing and file names for uploads (see upload.h).
 */
#include "core/upload.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_BYTES 100

const char *upload_sniff_image(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return "image/webp";
	if (len >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
		return "image/gif";
	return NULL;
}

const char *upload_ext(const char *type)
{
	if (!type)
		return "";
	if (!strcmp(type, "image/png"))
		return ".png";
	if (!strcmp(type, "image/jpeg"))
		return ".jpg";
	if (!strcmp(type, "image/webp"))
		return ".webp";
	if (!strcmp(type, "image/gif"))
		return ".gif";
	return "";
}

/* Length of the valid UTF-8 sequence at p (NUL-terminated), 0 if invalid. */
static size_t utf8_len(const unsigned char *p)
{
	size_t need;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 4;
	else
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return need;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return m && n >= m && !strcasecmp(s + n - m, suffix);
}

void upload_safe_filename(const char *name, const char *type, char buf[128])
{
	const char *base = name ? name : "", *ext = upload_ext(type);
	size_t n = 0;
	bool space = false;

	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	for (const unsigned char *p = (const unsigned char *)base; *p && n < NAME_MAX_BYTES; p++) {
		size_t len;
		if (*p < 0x20 || *p == 0x7f || strchr("\"'<>&`", *p))
			continue;
		if (*p >= 0x80) {
			/* whole valid UTF-8 characters only; invalid bytes dropped */
			if (!(len = utf8_len(p)) || n + len > NAME_MAX_BYTES) {
				if (len)
					break;
				continue;
			}
			if (space) {
				if (n + 1 + len > NAME_MAX_BYTES)
					break;
				buf[n++] = ' ';
				space = false;
			}
			memcpy(buf + n, p, len);
			n += len;
			p += len - 1;
			continue;
		}
		if (*p == ' ') {
			space = n > 0;
			continue;
		}
		if (*p == '.' && n == 0)
			continue; /* no hidden files, no ".." */
		if (space) {
			buf[n++] = ' ';
			space = false;
			if (n >= NAME_MAX_BYTES)
				break;
		}
		buf[n++] = (char)*p;
	}
	buf[n] = '\0';
	if (n == 0) {
		strcpy(buf, "screenshot");
		n = strlen(buf);
	}
	if (*ext && !ends_with(buf, ext) && !(ends_with(buf, ".jpeg") && !strcmp(ext, ".jpg")))
		memcpy(buf + n, ext, strlen(ext) + 1);
}
