/*
 * policy.h — the password policy: one module, every rule explained.
 *
 * Rules (R5, R16 of the seeds; NIST SP 800-63B):
 *   - length: at least min_length characters (code points), at most
 *     max_length; never truncated;
 *   - composition (switchable): a lower-case letter, an upper-case letter,
 *     a digit and a special character — Vietnamese letters count as
 *     letters of their case;
 *   - not containing the username, the email's local part, the display
 *     name or the unit name (compared after folding case and diacritics);
 *   - not a default or commonly issued password (built-in list);
 *   - not in the breached-password index (a hook; a small built-in list
 *     stands in when no index is configured);
 *   - zxcvbn strength score at least min_score (0..4), with the user's own
 *     words and Vietnamese/organisation words as the user dictionary;
 *   - not one of the last `history` passwords (a hook: the caller holds
 *     the hashes).
 * A check reports every failed rule at once; each rule has a stable code
 * and a message in Vietnamese and in English.
 *
 * Pure apart from the hooks; thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct policy {
	size_t min_length;     /* default 8 */
	size_t max_length;     /* default 128; at least 64 */
	bool require_classes;  /* lower, upper, digit, special; default on */
	int min_score;         /* zxcvbn score 0..4, default 3 */
	int history;           /* last N passwords refused; default 5 */
};

#define POLICY_DEFAULTS { 8, 128, true, 3, 5 }

enum policy_rule {
	PR_TOO_SHORT,
	PR_TOO_LONG,
	PR_NO_LOWER,
	PR_NO_UPPER,
	PR_NO_DIGIT,
	PR_NO_SPECIAL,
	PR_PERSONAL,
	PR_DEFAULT,
	PR_BREACHED,
	PR_WEAK,
	PR_REUSED,
	PR__MAX
};

/* Who the password is for: every string may be NULL. Borrowed. */
struct policy_subject {
	const char *username, *email, *display_name, *unit_name;
};

/*
 * Hooks.  breached(): 0 with *ret_count when the password is in the
 * breached corpus, -ENOENT when not, another negative errno on failure
 * (then the rule is reported as failed: fail closed).  reused(): 1 when the
 * password is among the last `history` ones, 0 when not.  Either may be
 * NULL: breached falls back to policy_builtin_breached(), reused to "no".
 */
struct policy_hooks {
	int (*breached)(void *ctx, const char *password, uint32_t *ret_count);
	void *breached_ctx;
	int (*reused)(void *ctx, const char *password, int history);
	void *reused_ctx;
};

struct policy_result {
	unsigned failed;        /* bit (1u << rule) for each failed rule */
	int score;              /* zxcvbn score 0..4 */
	uint32_t breach_count;  /* times seen in breaches, when known */
};

/* Check `password` (NUL-terminated UTF-8). Always fills ret. */
void policy_check(const struct policy *p, const char *password, const struct policy_subject *who,
		  const struct policy_hooks *hooks, struct policy_result *ret);

/* Stable machine code of a rule ("too_short", ...); static string. */
const char *policy_rule_code(enum policy_rule r);

/*
 * Human message for a rule in `lang` ("vi" or "en"; anything else gives
 * Vietnamese) into buf; returns buf.
 */
char *policy_rule_message(const struct policy *p, enum policy_rule r, const char *lang, char *buf,
			  size_t size);

/* The built-in breached list, as a breached() hook (ctx unused). */
int policy_builtin_breached(void *ctx, const char *password, uint32_t *ret_count);

/* zxcvbn score 0..4 from its entropy estimate in bits. */
int policy_score(double entropy_bits);
