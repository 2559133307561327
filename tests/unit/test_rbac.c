/*
 * test_rbac.c — the access policy: every role against every action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "auth/rbac.h"

static const struct principal admin = { 1, "admin", ROLE_ADMIN, "" };
static const struct principal agent = { 2, "agent", ROLE_AGENT, "" };
static const struct principal unit = { 3, "unit0010", ROLE_UNIT, "0010" };

static void staff(void **state)
{
	(void)state;
	for (int a = RBAC_REQUEST_CREATE; a <= RBAC_AUDIT_READ; a++) {
		struct rbac_decision d = rbac_decide(&admin, a, "0010");
		assert_true(d.allowed);
		assert_null(d.scope);
		assert_true(d.internal);
		d = rbac_decide(&agent, a, "0010");
		assert_int_equal(d.allowed, a != RBAC_UNIT_WRITE && a != RBAC_SERVICE_WRITE &&
						    a != RBAC_USER_WRITE && a != RBAC_AUDIT_READ);
		assert_null(d.scope);
	}
	/* the public registry and announcements: admins only */
	assert_true(rbac_decide(&admin, RBAC_CONTACT_WRITE, NULL).allowed);
	assert_true(rbac_decide(&admin, RBAC_ANNOUNCEMENT_WRITE, NULL).allowed);
	assert_false(rbac_decide(&agent, RBAC_CONTACT_WRITE, NULL).allowed);
	assert_false(rbac_decide(&agent, RBAC_ANNOUNCEMENT_WRITE, NULL).allowed);
}

static void unit_user(void **state)
{
	struct rbac_decision d;

	(void)state;
	d = rbac_decide(&unit, RBAC_REQUEST_CREATE, "0010");
	assert_true(d.allowed);
	d = rbac_decide(&unit, RBAC_REQUEST_CREATE, "0110");
	assert_false(d.allowed);
	d = rbac_decide(&unit, RBAC_REQUEST_CREATE, NULL);
	assert_false(d.allowed);
	d = rbac_decide(&unit, RBAC_REQUEST_READ, NULL);
	assert_true(d.allowed);
	assert_string_equal(d.scope, "0010");
	assert_false(d.internal);
	d = rbac_decide(&unit, RBAC_REQUEST_MESSAGE, NULL);
	assert_true(d.allowed);
	assert_string_equal(d.scope, "0010");
	assert_false(rbac_decide(&unit, RBAC_REQUEST_NOTE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_REQUEST_UPDATE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_UNIT_WRITE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_SERVICE_WRITE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_USER_READ, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_USER_WRITE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_AUDIT_READ, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_CONTACT_WRITE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_ANNOUNCEMENT_WRITE, NULL).allowed);
	d = rbac_decide(&unit, RBAC_UNIT_READ, NULL);
	assert_true(d.allowed);
	assert_null(d.scope);
}

static void limited_agent(void **state)
{
	struct principal lim = { 4, "agent2", ROLE_AGENT, "", "0010,0110-X" };
	struct rbac_decision d;

	(void)state;
	d = rbac_decide(&lim, RBAC_REQUEST_READ, NULL);
	assert_true(d.allowed);
	assert_string_equal(d.scope, "0010,0110-X");
	assert_true(d.internal);
	assert_string_equal(rbac_decide(&lim, RBAC_REQUEST_UPDATE, NULL).scope, "0010,0110-X");
	assert_true(rbac_decide(&lim, RBAC_REQUEST_CREATE, "0110-X").allowed);
	assert_true(rbac_decide(&lim, RBAC_REQUEST_CREATE, "0010").allowed);
	assert_false(rbac_decide(&lim, RBAC_REQUEST_CREATE, "0110").allowed); /* a prefix is not a member */
	assert_false(rbac_decide(&lim, RBAC_REQUEST_CREATE, "001").allowed);
	assert_false(rbac_decide(&lim, RBAC_REQUEST_CREATE, NULL).allowed);
	d = rbac_decide(&lim, RBAC_UNIT_READ, NULL);
	assert_true(d.allowed);
	assert_null(d.scope);
}

/* Service levels: agents read SLA states, the roster and statistics (within
 * their units when limited); only admins configure; a unit user sees only
 * its own unit's statistics. */
static void service_levels(void **state)
{
	struct principal lim = { 4, "agent2", ROLE_AGENT, "", "0010" };
	struct rbac_decision d;

	(void)state;
	for (int a = RBAC_SLA_READ; a <= RBAC_STATS_READ; a++)
		assert_true(rbac_decide(&admin, a, NULL).allowed);
	assert_true(rbac_decide(&agent, RBAC_SLA_READ, NULL).allowed);
	assert_true(rbac_decide(&agent, RBAC_DUTY_READ, NULL).allowed);
	assert_true(rbac_decide(&agent, RBAC_STATS_READ, NULL).allowed);
	assert_false(rbac_decide(&agent, RBAC_SLA_WRITE, NULL).allowed);
	assert_false(rbac_decide(&agent, RBAC_DUTY_WRITE, NULL).allowed);
	assert_string_equal(rbac_decide(&lim, RBAC_SLA_READ, NULL).scope, "0010");
	assert_string_equal(rbac_decide(&lim, RBAC_STATS_READ, NULL).scope, "0010");
	assert_null(rbac_decide(&lim, RBAC_DUTY_READ, NULL).scope);
	d = rbac_decide(&unit, RBAC_STATS_READ, NULL);
	assert_true(d.allowed);
	assert_string_equal(d.scope, "0010");
	assert_false(rbac_decide(&unit, RBAC_SLA_READ, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_DUTY_READ, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_SLA_WRITE, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_DUTY_WRITE, NULL).allowed);
}

static void nobody(void **state)
{
	struct principal odd = { 9, "odd", ROLE__MAX, "" };

	(void)state;
	assert_false(rbac_decide(NULL, RBAC_REQUEST_READ, NULL).allowed);
	assert_false(rbac_decide(&odd, RBAC_REQUEST_READ, NULL).allowed);
}

/* Advisories: a unit works its own assets and items only; agents within their units. */
static void advisories(void **state)
{
	struct principal limited = { 4, "agent2", ROLE_AGENT, "" };
	struct rbac_decision d;

	(void)state;
	snprintf(limited.units, sizeof(limited.units), "0010,0110");
	for (int a = RBAC_ASSET_READ; a <= RBAC_REMEDIATION_REVIEW; a++) {
		assert_true(rbac_decide(&admin, a, "0999").allowed);
		assert_null(rbac_decide(&admin, a, "0999").scope);
		assert_true(rbac_decide(&agent, a, "0999").allowed);
	}
	d = rbac_decide(&unit, RBAC_ASSET_READ, NULL);
	assert_true(d.allowed);
	assert_string_equal(d.scope, "0010");
	assert_true(rbac_decide(&unit, RBAC_ASSET_WRITE, "0010").allowed);
	assert_false(rbac_decide(&unit, RBAC_ASSET_WRITE, "0110").allowed);
	assert_false(rbac_decide(&unit, RBAC_ASSET_WRITE, NULL).allowed);
	assert_string_equal(rbac_decide(&unit, RBAC_REMEDIATION_READ, NULL).scope, "0010");
	assert_string_equal(rbac_decide(&unit, RBAC_REMEDIATION_ANSWER, NULL).scope, "0010");
	assert_false(rbac_decide(&unit, RBAC_REMEDIATION_REVIEW, NULL).allowed);
	assert_false(rbac_decide(&unit, RBAC_ADVISORY_WRITE, NULL).allowed);
	d = rbac_decide(&unit, RBAC_ADVISORY_READ, NULL);
	assert_true(d.allowed);
	assert_null(d.scope);
	/* an agent limited to some units */
	assert_string_equal(rbac_decide(&limited, RBAC_ASSET_READ, NULL).scope, "0010,0110");
	assert_string_equal(rbac_decide(&limited, RBAC_REMEDIATION_REVIEW, NULL).scope, "0010,0110");
	assert_true(rbac_decide(&limited, RBAC_ASSET_WRITE, "0110").allowed);
	assert_false(rbac_decide(&limited, RBAC_ASSET_WRITE, "0999").allowed);
	assert_null(rbac_decide(&limited, RBAC_ADVISORY_WRITE, NULL).scope);
	assert_false(rbac_decide(NULL, RBAC_ASSET_READ, NULL).allowed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(staff),
		cmocka_unit_test(unit_user),
		cmocka_unit_test(limited_agent),
		cmocka_unit_test(service_levels),
		cmocka_unit_test(nobody),
		cmocka_unit_test(advisories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
