/*
 * blob.h — the content-addressed file store beside the database: mail
 * attachments, named by their SHA-256 (DIR/ab/abcdef…).  (Raw messages
 * are kept in the database, table raw_messages.)
 *
 * A blob is written to a temporary file, synced, renamed into place and its
 * directory synced, so that once blob_put() returns the bytes survive a
 * crash; the database row that points at it is committed after.  With
 * BLOB_NOSYNC the two syncs are left to the caller, who must sync the
 * file system (syncfs) before committing the row: the store does that once
 * for a whole group commit (see mail_in.sync_dir).  Writing the same
 * content twice is a no-op.  Blobs are never changed in place.
 */
#pragma once

#include <stddef.h>

#define BLOB_ID_SIZE 65 /* SHA-256 in hex + NUL */

enum { BLOB_NOSYNC = 1 };

/* Store `data`; ret_id receives its SHA-256 hex. 0 or -errno (-ENOSPC, -EIO...). */
int blob_put(const char *dir, const void *data, size_t len, unsigned flags,
	     char ret_id[BLOB_ID_SIZE]);

/* Path of blob `id` under dir into buf. 0, or -EINVAL when id is not 64 hex digits. */
int blob_path(const char *dir, const char *id, char *buf, size_t size);
