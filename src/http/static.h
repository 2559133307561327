/*
 * static.h — the web UI's files, served from a built directory (web/dist):
 * /assets/<file> with its content type and validators, and the single-page
 * app's index.html for /app and every path under /app/.
 *
 * Pure of libmicrohttpd: fills a struct http_resp that the server writes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define STATIC_FILE_MAX (16u << 20) /* bytes: larger files are not served */

/* The request headers that make a response conditional (NULL when absent). */
struct static_cond {
	const char *if_none_match;
	const char *if_modified_since;
};

/* True when `path` (the URL path, without the query) belongs to the web UI. */
bool static_owns(const char *path);

/*
 * The relative file name for an /assets/ path, or NULL when the name is not
 * one we serve: empty, too long, a character outside [A-Za-z0-9._-/], an
 * empty segment, or a segment starting with '.' (so no "..", no hidden
 * files).  Returns a pointer into `path` (borrowed).
 */
const char *static_asset_name(const char *path);

/* The Content-Type for a file name, by its extension (static string). */
const char *static_content_type(const char *name);

/* True when a file name carries a content hash ("app-5KQ2ZP3M.js"): cached for a year. */
bool static_is_hashed(const char *name);

/*
 * Answer a GET or HEAD of a path static_owns() accepted, from the directory
 * `web_dir` (NULL: none configured: 404).  Fills resp with 200 and the
 * file, 304, 404 or 405.
 */
void static_serve(const char *web_dir, const char *method, const char *path,
		  const struct static_cond *cond, struct http_resp *resp);
