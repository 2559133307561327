/*
 * instream.c — plain, gzip and zstd files as one byte stream (see
 * instream.h).  Compressed input goes through a 256 KiB buffer; plain input
 * is read straight into the caller's buffer after the four bytes read to
 * recognise the format (no allocation per file: the downloader's layout is
 * a million small files).
 */
#include "pwned/instream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (256u << 10)

enum format { PLAIN, GZIP, ZSTD };

struct instream {
	int fd;
	bool own_fd;
	enum format fmt;
	unsigned char head[4];
	size_t head_len, head_pos;
	unsigned char *in;
	size_t in_len, in_pos;
	bool eof;
	uint64_t consumed, size;
	z_stream z;
	bool z_init, z_member_done;
	ZSTD_DCtx *zd;
	bool zstd_frame_done;
};

/* Refill the input buffer when it is empty.  0, or -errno. */
static int refill(struct instream *s)
{
	ssize_t n;

	if (s->in_pos < s->in_len || s->eof)
		return 0;
	do
		n = read(s->fd, s->in, IN_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	s->in_pos = 0;
	s->in_len = (size_t)n;
	s->consumed += (uint64_t)n;
	if (n == 0)
		s->eof = true;
	return 0;
}

int instream_open(const char *path, struct instream **ret)
{
	struct instream *s;
	struct stat st;
	int rc;

	if (!(s = calloc(1, sizeof(*s))))
		return -ENOMEM;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else {
		if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			rc = -errno;
			goto fail;
		}
		s->own_fd = true;
	}
	if (fstat(s->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			rc = -EISDIR;
			goto fail;
		}
		if (S_ISREG(st.st_mode))
			s->size = (uint64_t)st.st_size;
	}
	/* Gather the first four bytes (the longest magic number). */
	while (s->head_len < 4 && !s->eof) {
		ssize_t n = read(s->fd, s->head + s->head_len, 4 - s->head_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto fail;
		}
		s->head_len += (size_t)n;
		s->consumed += (uint64_t)n;
		s->eof = n == 0;
	}
	if (s->head_len >= 2 && s->head[0] == 0x1f && s->head[1] == 0x8b) {
		s->fmt = GZIP;
		if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
			rc = -ENOMEM;
			goto fail;
		}
		s->z_init = true;
	} else if (s->head_len == 4 && !memcmp(s->head, "\x28\xb5\x2f\xfd", 4)) {
		s->fmt = ZSTD;
		if (!(s->zd = ZSTD_createDCtx())) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	if (s->fmt != PLAIN) {
		/* the compressed stream starts with the bytes just read */
		if (!(s->in = malloc(IN_SIZE))) {
			rc = -ENOMEM;
			goto fail;
		}
		memcpy(s->in, s->head, s->head_len);
		s->in_len = s->head_len;
		s->head_pos = s->head_len;
	}
	*ret = s;
	return 0;
fail:
	instream_close(s);
	return rc;
}

static ssize_t read_plain(struct instream *s, void *buf, size_t len)
{
	ssize_t n;

	if (s->head_pos < s->head_len) {
		size_t k = s->head_len - s->head_pos < len ? s->head_len - s->head_pos : len;
		memcpy(buf, s->head + s->head_pos, k);
		s->head_pos += k;
		return (ssize_t)k;
	}
	if (s->eof)
		return 0;
	do
		n = read(s->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	s->consumed += (uint64_t)n;
	if (n == 0)
		s->eof = true;
	return n;
}

static ssize_t read_gzip(struct instream *s, void *buf, size_t len)
{
	int rc;

	for (;;) {
		size_t produced;
		if ((rc = refill(s)) < 0)
			return rc;
		if (s->z_member_done) {
			if (s->in_pos == s->in_len && s->eof)
				return 0;
			/* another member follows (as `cat a.gz b.gz` makes) */
			if (inflateReset(&s->z) != Z_OK)
				return -EBADMSG;
			s->z_member_done = false;
		}
		s->z.next_in = s->in + s->in_pos;
		s->z.avail_in = (uInt)(s->in_len - s->in_pos);
		s->z.next_out = buf;
		s->z.avail_out = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
		rc = inflate(&s->z, Z_NO_FLUSH);
		s->in_pos = s->in_len - s->z.avail_in;
		produced = (size_t)(s->z.next_out - (unsigned char *)buf);
		if (rc == Z_STREAM_END)
			s->z_member_done = true;
		else if (rc == Z_MEM_ERROR)
			return -ENOMEM;
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return -EBADMSG;
		if (produced)
			return (ssize_t)produced;
		if (!s->z_member_done && s->in_pos == s->in_len && s->eof)
			return -EBADMSG; /* the member is cut short */
	}
}

static ssize_t read_zstd(struct instream *s, void *buf, size_t len)
{
	int rc;

	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = { buf, len, 0 };
		size_t r;

		if ((rc = refill(s)) < 0)
			return rc;
		in = (ZSTD_inBuffer){ s->in, s->in_len, s->in_pos };
		r = ZSTD_decompressStream(s->zd, &out, &in);
		if (ZSTD_isError(r))
			return -EBADMSG;
		/* r == 0: a frame ended and is flushed; a call that moved
		 * nothing (no input left) says nothing about frames */
		if (in.pos != s->in_pos || out.pos)
			s->zstd_frame_done = r == 0;
		s->in_pos = in.pos;
		if (out.pos)
			return (ssize_t)out.pos;
		if (s->in_pos == s->in_len && s->eof)
			return s->zstd_frame_done ? 0 : -EBADMSG;
	}
}

ssize_t instream_read(struct instream *s, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	switch (s->fmt) {
	case GZIP: return read_gzip(s, buf, len);
	case ZSTD: return read_zstd(s, buf, len);
	default: return read_plain(s, buf, len);
	}
}

uint64_t instream_consumed(const struct instream *s)
{
	return s->consumed;
}

uint64_t instream_size(const struct instream *s)
{
	return s->size;
}

const char *instream_format(const struct instream *s)
{
	return s->fmt == GZIP ? "gzip" : s->fmt == ZSTD ? "zstd" : "plain";
}

void instream_close(struct instream *s)
{
	if (!s)
		return;
	if (s->z_init)
		inflateEnd(&s->z);
	ZSTD_freeDCtx(s->zd);
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	free(s->in);
	free(s);
}
