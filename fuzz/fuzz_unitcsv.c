/*
 * fuzz_unitcsv.c - libFuzzer target for the unit import file (core/unitcsv):
 * any bytes give units or errors, never both, every unit has a valid code
 * and a name, every kept error has a message, and the struct clears.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/unitcsv.h"
#include "core/validate.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unitcsv u;

	if (unitcsv_parse((const char *)data, size, &u) < 0) {
		unitcsv_clear(&u);
		return 0;
	}
	check(u.nkept <= UNITCSV_ERRORS_MAX && u.nkept <= (size_t)u.errors);
	for (size_t i = 0; i < u.nkept; i++)
		check(u.error[i].message[0] != '\0');
	if (!u.errors)
		for (size_t i = 0; i < u.n; i++) {
			check(u.units[i].code && !valid_unit_code(u.units[i].code));
			check(u.units[i].name && *u.units[i].name);
			check(unitcsv_line_of(&u, u.units[i].code) == u.lines[i]);
		}
	unitcsv_clear(&u);
	return 0;
}
