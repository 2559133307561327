/*
 * test_model.c — names of the domain vocabulary and the status lifecycle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/model.h"

static void names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < KIND__MAX; i++)
		assert_int_equal(kind_parse(kind_name(i)), i);
	for (int i = 0; i < ST__MAX; i++)
		assert_int_equal(status_parse(status_name(i)), i);
	for (int i = 0; i < PRIO__MAX; i++)
		assert_int_equal(priority_parse(priority_name(i)), i);
	for (int i = 0; i < CHAN__MAX; i++)
		assert_int_equal(channel_parse(channel_name(i)), i);
	for (int i = 0; i < ROLE__MAX; i++)
		assert_int_equal(role_parse(role_name(i)), i);
	assert_string_equal(kind_name(KIND_VULNERABILITY), "vulnerability");
	assert_null(status_name(ST__MAX));
	assert_null(kind_name((enum req_kind)-1));
	assert_int_equal(status_parse("Open"), -1);
	assert_int_equal(status_parse(""), -1);
	assert_int_equal(status_parse(NULL), -1);
	assert_int_equal(role_parse("root"), -1);
}

static void transitions(void **state)
{
	/* the expected table: rows from, columns to (new open pending resolved closed) */
	static const int ok[ST__MAX][ST__MAX] = {
		[ST_NEW] = { 0, 1, 0, 1, 1 },
		[ST_OPEN] = { 0, 0, 1, 1, 0 },
		[ST_PENDING] = { 0, 1, 0, 1, 0 },
		[ST_RESOLVED] = { 0, 1, 0, 0, 1 },
		[ST_CLOSED] = { 0, 1, 0, 0, 0 },
	};
	(void)state;
	for (int f = 0; f < ST__MAX; f++)
		for (int t = 0; t < ST__MAX; t++)
			assert_int_equal(status_transition_ok(f, t), ok[f][t]);
	assert_false(status_transition_ok(ST__MAX, ST_OPEN));
	assert_false(status_transition_ok(ST_OPEN, (enum req_status)-1));
}

static void reply_rules(void **state)
{
	(void)state;
	/* a requester's reply reopens */
	assert_int_equal(status_after_message(ST_PENDING, true), ST_OPEN);
	assert_int_equal(status_after_message(ST_RESOLVED, true), ST_OPEN);
	assert_int_equal(status_after_message(ST_CLOSED, true), ST_OPEN);
	assert_int_equal(status_after_message(ST_NEW, true), ST_NEW);
	assert_int_equal(status_after_message(ST_OPEN, true), ST_OPEN);
	/* support's first reply opens a new request, and changes nothing else */
	assert_int_equal(status_after_message(ST_NEW, false), ST_OPEN);
	assert_int_equal(status_after_message(ST_PENDING, false), ST_PENDING);
	assert_int_equal(status_after_message(ST_RESOLVED, false), ST_RESOLVED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(transitions),
		cmocka_unit_test(reply_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
