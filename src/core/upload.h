/*
 * upload.h — what the public form accepts as a screenshot: the image type
 * read from the first bytes (never from the name or the browser's claim),
 * and a file name safe to store and to show.
 *
 * Pure functions: no I/O, no allocation.
 */
#pragma once

#include <stddef.h>

/*
 * "image/png", "image/jpeg", "image/webp" or "image/gif" when data starts
 * like one; NULL otherwise.  Borrowed static string.
 */
const char *upload_sniff_image(const void *data, size_t len);

/* The usual extension of such a type (".png"), or "" for others. */
const char *upload_ext(const char *type);

/*
 * A safe file name for `name` (as the browser sent it) holding `type`:
 * the last path component (after '/' or '\'), control characters, quotes,
 * '<' '>' '&', bytes that are not valid UTF-8 and leading dots dropped,
 * white space collapsed, at most 100 bytes of whole characters; "screenshot" when nothing is left; the
 * type's extension appended unless the name already ends with a matching
 * one ("a.html" holding a PNG becomes "a.html.png").  buf needs 128 bytes.
 */
void upload_safe_filename(const char *name, const char *type, char buf[128]);
