/*
 * validate.h — field validators shared by the API, the CLI and imports.
 *
 * Each validator returns NULL when the value is acceptable, or a borrowed
 * static English reason ("must be 1 to 32 letters, digits, '.', '_' or '-'")
 * that the caller pairs with the field name in its error.  Inputs are
 * NUL-terminated UTF-8; nothing here allocates or keeps a pointer.
 */
#pragma once

#include <stddef.h>

/* Upper-case ASCII in place; returns s. Codes are compared upper-case. */
char *upcase_ascii(char *s);
/* Lower-case ASCII in place; returns s. */
char *downcase_ascii(char *s);
/* Strip ASCII white space at both ends in place; returns s. */
char *trim_space(char *s);

const char *valid_unit_code(const char *s);     /* 1..32 of A-Z 0-9 . _ - (upper-case) */
const char *valid_service_code(const char *s);  /* 1..16 of A-Z 0-9 _ - (upper-case) */
const char *valid_username(const char *s);      /* 2..64 of a-z 0-9 . _ - */
const char *valid_email(const char *s);         /* local@domain, at most 254 bytes */
const char *valid_phone(const char *s);         /* 3..64 bytes, some digits, no controls */
/* One line of text: valid UTF-8, no control characters, 1..max_chars code points. */
const char *valid_line(const char *s, size_t max_chars);
/* A block of text: valid UTF-8, controls only \t \n \r, 1..max_bytes bytes. */
const char *valid_block(const char *s, size_t max_bytes);
