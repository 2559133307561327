/*
 * html.h — escaping for server-rendered HTML.
 *
 * Every value a page interpolates goes through one of these: text and
 * attribute values (double-quoted) through html_escape, URL query values
 * through html_url_part (then html_escape for the attribute it sits in is
 * not needed: its output is [A-Za-z0-9-._~%] only).
 *
 * html_escape writes & < > " ' as entities, drops NUL and the C0 controls
 * other than tab, newline and carriage return, and replaces bytes that are
 * not valid UTF-8 with U+FFFD, so the page stays valid whatever a stranger
 * typed.  Pure: writes to the caller's stream only.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Escape s[0..n) for HTML text or a double-quoted attribute value. */
void html_escape_n(FILE *f, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL writes nothing. */
void html_escape(FILE *f, const char *s);
/* Percent-encode s for a URL query value (RFC 3986 unreserved kept). */
void html_url_part(FILE *f, const char *s);
