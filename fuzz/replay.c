/*
 * replay.c - run a fuzz target over its corpus as an ordinary test.
 *
 * Linked with one fuzz_<parser>.c instead of libFuzzer, so the corpora replay
 * under any compiler and sanitizer. Each argument is a file or a directory
 * of files (not recursed); every file is passed once to
 * LLVMFuzzerTestOneInput in name order. A crash or sanitizer report fails
 * the run; so does a missing, empty or unreadable argument, so that a
 * mistyped corpus path cannot pass silently.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (1 << 20)    /* larger inputs are corpus mistakes */

/*
 * Read a whole file into a buffer of exactly its size, so that ASan catches
 * a target reading past its input. Returns 0 or -errno.
 */
static int slurp(const char *path, uint8_t **ret_data, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *data;
	size_t n;

	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) < 0 || st.st_size < 0) {
		fclose(f);
		return -EIO;
	}
	if (st.st_size > REPLAY_MAX) {
		fclose(f);
		return -EFBIG;
	}
	n = (size_t)st.st_size;
	data = malloc(n ? n : 1);
	if (!data) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(data, 1, n, f) != n) {
		free(data);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*ret_data = data;
	*ret_size = n;
	return 0;
}

static int replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int r = slurp(path, &data, &size);

	if (r < 0) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path,
			strerror(-r));
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Replay every regular file in dir in name order; returns the count or -1. */
static long replay_dir(const char *dir, long *failed)
{
	struct dirent **list;
	long done = 0;
	int n = scandir(dir, &list, visible, alphasort);

	if (n < 0) {
		fprintf(stderr, "replay: cannot list '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (snprintf(path, sizeof(path), "%s/%s", dir,
			     list[i]->d_name) >= (int)sizeof(path) ||
		    stat(path, &st) < 0) {
			fprintf(stderr, "replay: bad entry '%s/%s'\n", dir,
				list[i]->d_name);
			(*failed)++;
		} else if (S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				(*failed)++;
			else
				done++;
		}
		free(list[i]);
	}
	free(list);
	if (done == 0) {
		fprintf(stderr, "replay: no inputs in '%s'\n", dir);
		return -1;
	}
	return done;
}

int main(int argc, char **argv)
{
	long passed = 0, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long r;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot find '%s': %s\n",
				argv[i], strerror(errno));
			failed++;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			r = replay_dir(argv[i], &failed);
		else
			r = replay_file(argv[i]) < 0 ? -1 : 1;
		if (r < 0)
			failed++;
		else
			passed += r;
	}
	printf("%ld passed, %ld failed\n", passed, failed);
	if (fflush(stdout) != 0)
		return 1;
	return failed ? 1 : 0;
}
