/*
 * store.c — backend selection and error texts (see store.h).
 */
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int store_open(const char *location, unsigned flags, struct store **ret, struct store_err *err)
{
	if (!location || !*location) {
		if (err)
			snprintf(err->message, sizeof(err->message), "no database given (--db or UNGCUU_DB)");
		return -EINVAL;
	}
	if (strncmp(location, "postgres://", 11) == 0 || strncmp(location, "postgresql://", 13) == 0) {
		if (err)
			snprintf(err->message, sizeof(err->message),
				 "the PostgreSQL backend is not available in this build");
		return -ENOTSUP;
	}
	return store_sqlite_ops.open(location, flags, ret, err);
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

const char *store_strerror(int rc)
{
	switch (rc) {
	case 0: return "success";
	case -ENOENT: return "not found";
	case -EINVAL: return "invalid value";
	case -EEXIST: return "already exists";
	case -EPERM: return "not allowed in the current state";
	case -ERANGE: return "no request code left for today";
	case -EBUSY: return "database busy";
	case -ENOSPC: return "disk full";
	case -ESTALE: return "database schema is older than this binary: run 'ungcuu init'";
	case -EPROTO: return "database schema is newer than this binary: upgrade ungcuu";
	case -ENOMEM: return "out of memory";
	case -ENOTSUP: return "not supported";
	default: return "storage error";
	}
}
