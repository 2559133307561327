/*
 * blob.c — durable content-addressed files (see blob.h).
 */
#include "store/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int blob_path(const char *dir, const char *id, char *buf, size_t size)
{
	if (strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64)
		return -EINVAL;
	if ((size_t)snprintf(buf, size, "%s/%.2s/%s", dir, id, id) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int mkdir_p(const char *path)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

int blob_put(const char *dir, const void *data, size_t len, unsigned flags,
	     char ret_id[BLOB_ID_SIZE])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char id[BLOB_ID_SIZE], sub[4096], path[4096], tmp[4200];
	const char *p = data;
	size_t left = len;
	int fd, rc;

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(id, sizeof(id), h, sizeof(h));
	if ((rc = blob_path(dir, id, path, sizeof(path))) < 0)
		return rc;
	if (access(path, F_OK) == 0)
		goto done; /* same content stored already */
	snprintf(sub, sizeof(sub), "%s/%.2s", dir, id);
	if ((rc = mkdir_p(dir)) < 0 || (rc = mkdir_p(sub)) < 0)
		return rc;
	/* a name of its own: threads of one process may store the same
	 * content at once (the same screenshot, the same attachment) */
	snprintf(tmp, sizeof(tmp), "%s/.tmp.%s.%ld.%08x", sub, id, (long)getpid(),
		 (unsigned)randombytes_random());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (rc == 0 && !(flags & BLOB_NOSYNC) && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	if (!(flags & BLOB_NOSYNC) && (rc = sync_dir(sub)) < 0)
		return rc;
done:
	memcpy(ret_id, id, BLOB_ID_SIZE);
	return 0;
}
