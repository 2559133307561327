/*
 * migrate.h — the schema migrations compiled into the binary.
 *
 * The SQL lives in src/store/migrations/NNNN_name.sql; the build embeds the
 * files in version order (scripts/embed-sql.py).  A database records the
 * versions applied in its schema_migrations table.
 */
#pragma once

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;
