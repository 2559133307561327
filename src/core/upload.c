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
		if (*p < 0x20 || *p == 0x7f || strchr("\"'<>&`", *p))
			continue;
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
	/* cut back to a whole UTF-8 character (any other invalid byte is left
	 * for the HTML escaper to replace) */
	{
		size_t i = n;
		while (i > 0 && ((unsigned char)buf[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && i < n + 1) {
			unsigned char lead = (unsigned char)buf[i - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
			if (n - (i - 1) < need)
				n = i - 1;
		}
	}
	buf[n] = '\0';
	if (n == 0) {
		strcpy(buf, "screenshot");
		n = strlen(buf);
	}
	if (*ext && !ends_with(buf, ext) && !(ends_with(buf, ".jpeg") && !strcmp(ext, ".jpg")))
		memcpy(buf + n, ext, strlen(ext) + 1);
}
