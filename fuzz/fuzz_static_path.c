/*
 * fuzz_static_path.c - libFuzzer target for the web UI's asset names
 * (http/static): any name accepted stays inside the directory (no empty,
 * "." or ".." segment, no hidden file, only [A-Za-z0-9._-/]), and the
 * other helpers never crash on any path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[512];
	const char *name;

	if (size >= sizeof(path))
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	(void)static_owns(path);
	(void)static_content_type(path);
	(void)static_is_hashed(path);
	if (!(name = static_asset_name(path)))
		return 0;
	check(static_owns(path));
	check(*name && name[strlen(name) - 1] != '/');
	for (const char *s = name; *s; s++)
		check(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/", *s) != NULL);
	for (const char *seg = name; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
		check(*seg != '.' && *seg != '/');
	return 0;
}
