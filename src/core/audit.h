/*
 * audit.h — the tamper-evident audit chain.
 *
 * Every state change appends an audit entry whose hash covers the previous
 * entry's hash and the entry's own fields, so altering, inserting or
 * removing an entry in the middle breaks every hash after it.  This module
 * only computes hashes; the store appends and walks the entries.
 */
#pragma once

#include <stdint.h>

#define AUDIT_HEX_SIZE 65 /* 64 hex digits + NUL */

/* The prev_hash of the first entry. */
extern const char audit_genesis[AUDIT_HEX_SIZE];

/*
 * SHA-256 of (prev_hex, id, at, actor, action, object, detail), each field
 * length-prefixed so that no two different entries frame to the same bytes.
 * All strings borrowed, NUL-terminated.  Writes 64 lower-case hex digits.
 */
void audit_hash(const char *prev_hex, int64_t id, const char *at, const char *actor,
		const char *action, const char *object, const char *detail,
		char ret_hex[AUDIT_HEX_SIZE]);
