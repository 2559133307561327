/*
 * static.c — the web UI's built files (see static.h).
 *
 * Names are checked before any file system call: a strict character set
 * and no segment starting with a dot, so neither "../" nor an encoded form
 * of it (the URL reaches us decoded) can leave the directory; the file is
 * opened without following a final symlink and must be a regular file.
 *
 * Caching: names with a content hash are immutable for a year; the others
 * (index.html, site.css, public.js) are revalidated every time through
 * their ETag and Last-Modified.  HTML gets a Content-Security-Policy that
 * allows our own scripts and styles and nothing inline.
 */
#include "http/static.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_LEN 200

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool static_owns(const char *path)
{
	return starts(path, "/assets/") || !strcmp(path, "/app") || starts(path, "/app/");
}

const char *static_asset_name(const char *path)
{
	const char *name, *p;
	bool seg_start = true;

	if (!starts(path, "/assets/"))
		return NULL;
	name = path + strlen("/assets/");
	if (!*name || strlen(name) > NAME_MAX_LEN)
		return NULL;
	for (p = name; *p; p++) {
		char c = *p;
		if (c == '/') {
			if (seg_start) /* empty segment */
				return NULL;
			seg_start = true;
			continue;
		}
		if (seg_start && c == '.')
			return NULL;
		seg_start = false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return NULL;
	}
	return seg_start ? NULL : name; /* a trailing slash names a directory */
}

const char *static_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".map", "application/json; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
	};
	const char *dot = strrchr(name, '.');

	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

bool static_is_hashed(const char *name)
{
	const char *dot = strrchr(name, '.'), *dash;
	size_t n;

	if (!dot || dot == name)
		return false;
	/* the hash is the 8 characters between the last '-' and the extension */
	for (dash = dot - 1; dash > name && *dash != '-' && *dash != '/'; dash--)
		;
	if (*dash != '-')
		return false;
	n = (size_t)(dot - dash - 1);
	if (n != 8)
		return false;
	for (const char *p = dash + 1; p < dot; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* Read a regular file of at most STATIC_FILE_MAX bytes; 0 or -errno. */
static int read_file(const char *path, char **ret_buf, size_t *ret_len, struct stat *ret_st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t got = 0;
	char *buf;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > STATIC_FILE_MAX) {
		close(fd);
		return -ENOENT;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*ret_buf = buf;
	*ret_len = got;
	*ret_st = st;
	return 0;
}

static void add_header(struct http_resp *resp, const char *name, const char *value)
{
	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		if (!resp->headers[i].name) {
			resp->headers[i].name = name;
			snprintf(resp->headers[i].value, sizeof(resp->headers[i].value), "%s", value);
			return;
		}
}

static void not_found(struct http_resp *resp)
{
	http_error(resp, 404, "not_found", NULL, "no such resource");
}

/* Does an If-None-Match list name our ETag (or "*")? */
static bool etag_listed(const char *list, const char *etag)
{
	size_t n = strlen(etag);

	if (strchr(list, '*'))
		return true;
	for (const char *p = list; (p = strstr(p, etag)); p += n)
		if (p[n] == '\0' || p[n] == ',' || p[n] == ' ')
			return true;
	return false;
}

void static_serve(const char *web_dir, const char *method, const char *path,
		  const struct static_cond *cond, struct http_resp *resp)
{
	char file[4096], etag[64], lastmod[64];
	const char *name, *ctype;
	struct stat st;
	struct tm tm;
	bool html;
	size_t len = 0;
	char *buf = NULL;
	int rc;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		resp->allow = "GET, HEAD";
		http_error(resp, 405, "method_not_allowed", NULL, "method %s is not allowed here",
			   method);
		return;
	}
	if (!web_dir)
		return not_found(resp);
	if (starts(path, "/assets/")) {
		if (!(name = static_asset_name(path)))
			return not_found(resp);
		if (snprintf(file, sizeof(file), "%s/assets/%s", web_dir, name) >= (int)sizeof(file))
			return not_found(resp);
	} else {
		name = "index.html";
		if (snprintf(file, sizeof(file), "%s/index.html", web_dir) >= (int)sizeof(file))
			return not_found(resp);
	}
	if ((rc = read_file(file, &buf, &len, &st)) < 0) {
		if (rc == -ENOMEM)
			http_error(resp, 503, "unavailable", NULL, "out of memory, try again later");
		else
			not_found(resp);
		return;
	}
	ctype = static_content_type(name);
	html = starts(ctype, "text/html");
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
			 (unsigned long long)st.st_mtim.tv_nsec);
	gmtime_r(&st.st_mtim.tv_sec, &tm);
	strftime(lastmod, sizeof(lastmod), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	add_header(resp, "ETag", etag);
	add_header(resp, "Last-Modified", lastmod);
	add_header(resp, "Cache-Control", static_is_hashed(name) ? "public, max-age=31536000, immutable"
								 : "no-cache");
	if (html)
		resp->csp = HTTP_PAGE_CSP;
	resp->ctype = ctype;
	/* If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2) */
	if ((cond->if_none_match && etag_listed(cond->if_none_match, etag)) ||
	    (!cond->if_none_match && cond->if_modified_since &&
	     !strcmp(cond->if_modified_since, lastmod))) {
		free(buf);
		resp->status = 304;
		resp->text = strdup("");
		return;
	}
	resp->status = 200;
	resp->text = buf;
	resp->text_len = len;
}
