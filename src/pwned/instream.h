/*
 * instream.h — read a file as a stream of bytes whatever its compression:
 * plain, gzip (zlib; concatenated members too) or zstd (libzstd; several
 * frames too), recognised by their magic numbers, not by the file name.
 * Used by the index builder to read HIBP downloads as they come.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct instream;

/* Open path ("-" is stdin, not closed).  Caller frees with instream_close(). */
int instream_open(const char *path, struct instream **ret);

/*
 * Read up to len decompressed bytes.  Returns the count, 0 at the end,
 * -EBADMSG for corrupt or truncated compressed data, or another -errno.
 */
ssize_t instream_read(struct instream *s, void *buf, size_t len);

/* Bytes of the file consumed so far (compressed), and its size (0 if unknown). */
uint64_t instream_consumed(const struct instream *s);
uint64_t instream_size(const struct instream *s);

/* "plain", "gzip" or "zstd". */
const char *instream_format(const struct instream *s);

void instream_close(struct instream *s);
