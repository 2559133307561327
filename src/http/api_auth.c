/*
 * api_auth.c — identity endpoints: login sessions, password change with
 * the policy explained rule by rule, TOTP enrolment, account
 * administration, API tokens, and reading the audit log.
 *
 * Login answers never tell whether a username exists: an unknown user
 * costs the same Argon2id verification (against a dummy hash) and gets the
 * same message as a wrong password.  Failures are throttled per client
 * address and per account name with growing locks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/password.h"
#include "auth/policy.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "core/validate.h"
#include "http/http.h"

#define PASSWORD_INPUT_MAX 1024 /* bytes read from a login; bounds the hashing work */
#define RECOVERY_CODES 10

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

void http_csrf_token(const char *session_token, char ret[48])
{
	unsigned char key[crypto_generichash_KEYBYTES], out[32];

	crypto_hash_sha256(key, (const unsigned char *)session_token, strlen(session_token));
	crypto_generichash(out, sizeof(out), (const unsigned char *)"csrf", 4, key, sizeof(key));
	sodium_bin2base64(ret, 48, out, sizeof(out), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ------------------------------------------------------------------------ */
/* Policy                                                                   */
/* ------------------------------------------------------------------------ */

struct reuse_ctx {
	struct store *store;
	const char *username;
};

static int reused_hook(void *arg, const char *password, int history)
{
	struct reuse_ctx *r = arg;
	json_t *hashes, *h;
	size_t i;
	int hit = 0;

	if (store_password_history(r->store, r->username, history, &hashes) < 0)
		return 0;
	json_array_foreach(hashes, i, h) if (!hit && password_verify(json_string_value(h), password) == 0)
		hit = 1;
	json_decref(hashes);
	return hit;
}

/* Check `password` for `u`; on failure set a 400 listing every rule broken. */
static bool policy_ok(const struct http_req *req, struct http_resp *resp, const char *password,
		      const struct user_auth *u, const char *field)
{
	const struct policy *pol = &req->ctx->auth->policy;
	struct policy_subject who = { u->username, u->email, u->display_name, u->unit_name };
	struct reuse_ctx rc = { req->store, u->username };
	struct policy_hooks hooks = { req->ctx->breached, req->ctx->pwned, reused_hook, &rc };
	struct policy_result r;
	json_t *rules;
	char vi[200], en[200];

	policy_check(pol, password, &who, &hooks, &r);
	if (!r.failed)
		return true;
	rules = json_array();
	for (int i = 0; i < PR__MAX; i++)
		if (r.failed & (1u << i))
			json_array_append_new(rules, json_pack("{ss ss ss}", "rule", policy_rule_code(i),
							       "message_vi",
							       policy_rule_message(pol, i, "vi", vi, sizeof(vi)),
							       "message_en",
							       policy_rule_message(pol, i, "en", en, sizeof(en))));
	http_json(resp, 400,
		  json_pack("{s{ss ss ss so si}}", "error", "code", "weak_password", "field", field,
			    "message", "the password does not meet the policy", "rules", rules,
			    "score", r.score));
	return false;
}

/* POST /api/v1/password/check {"password"}: the rules, live, for the UI. */
void api_password_check(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "password", NULL };
	struct user_auth u;
	const char *pw;
	json_t *o;
	int rc;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "password", true, resp, &pw))
		goto out;
	if ((rc = store_user_auth(req->store, req->who->username, &u)) < 0) {
		http_store_error(resp, rc, NULL);
		goto out;
	}
	if (policy_ok(req, resp, pw, &u, "password"))
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
out:
	json_decref(o);
}

/* ------------------------------------------------------------------------ */
/* Sessions                                                                 */
/* ------------------------------------------------------------------------ */

static void session_body(const struct http_req *req, struct http_resp *resp, int status,
			 const struct user_auth *u, const char *token, bool totp_missing)
{
	char csrf[48];

	http_csrf_token(token, csrf);
	http_json(resp, status,
		  json_pack("{ss ss ss s:s? sb sb ss}", "username", u->username, "display_name",
			    u->display_name, "role", role_name(u->role), "unit",
			    u->unit[0] ? u->unit : NULL, "must_change", u->must_change,
			    "totp_enrollment_required", totp_missing, "csrf_token", csrf));
}

static void login_failed(const struct http_req *req, struct http_resp *resp, const char *ip_key,
			 const char *user_key, const char *username, const char *why)
{
	int64_t now = now_s();

	throttle_fail(req->ctx->throttle_ip, ip_key, now);
	throttle_fail(req->ctx->throttle_user, user_key, now);
	store_audit_event(req->store, username, "login.failure", username,
			  json_pack("{ss ss}", "ip", req->ip, "reason", why));
	http_error(resp, 401, "invalid_credentials", NULL, "wrong username or password");
}

/* Second factor: a TOTP code or a recovery code; 0 when accepted. */
static int second_factor(const struct http_req *req, const struct user_auth *u, const char *code,
			 const char *recovery)
{
	if (code) {
		int64_t step = u->totp_last_step;
		if (totp_verify(u->totp_secret, sizeof(u->totp_secret), code, time(NULL), 1, &step) < 0)
			return -EACCES;
		/* the store refuses a step not newer than the last: replay across threads */
		return store_totp_used(req->store, u->username, step) == 0 ? 0 : -EACCES;
	}
	if (recovery) {
		char norm[RECOVERY_CODE_SIZE];
		unsigned char h[32];
		if (recovery_code_normalise(recovery, norm) < 0)
			return -EACCES;
		crypto_hash_sha256(h, (const unsigned char *)norm, strlen(norm));
		return store_recovery_use(req->store, u->username, h, u->username) == 0 ? 0 : -EACCES;
	}
	return -ENOENT;
}

void api_session_create(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "username", "password", "totp", "recovery_code", NULL };
	const struct auth_config *cfg = req->ctx->auth;
	char ip_key[80], user_key[80], token[TOKEN_SIZE], cookie[256], lower[65];
	const char *username, *password, *code, *recovery;
	struct session_in sin = { 0 };
	struct user_auth u;
	unsigned wait;
	int64_t sid;
	json_t *o;
	int rc;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "username", true, resp, &username) ||
	    !http_get_str(o, "password", true, resp, &password) ||
	    !http_get_str(o, "totp", false, resp, &code) ||
	    !http_get_str(o, "recovery_code", false, resp, &recovery))
		goto out;
	if (strlen(username) > 64 || strlen(password) > PASSWORD_INPUT_MAX) {
		http_error(resp, 400, "invalid_field", strlen(username) > 64 ? "username" : "password",
			   "too long");
		goto out;
	}
	snprintf(lower, sizeof(lower), "%s", username);
	downcase_ascii(lower);
	snprintf(ip_key, sizeof(ip_key), "ip:%s", req->ip);
	snprintf(user_key, sizeof(user_key), "user:%s", lower);
	wait = throttle_wait(req->ctx->throttle_ip, ip_key, now_s());
	if (!wait)
		wait = throttle_wait(req->ctx->throttle_user, user_key, now_s());
	if (wait) {
		resp->retry_after = wait;
		http_error(resp, 429, "too_many_attempts", NULL,
			   "too many failed logins: try again in %u seconds", wait);
		goto out;
	}
	rc = store_user_auth(req->store, lower, &u);
	if (rc < 0 && rc != -ENOENT) {
		http_store_error(resp, rc, NULL);
		goto out;
	}
	if (rc == -ENOENT || !u.active || !u.password_hash[0]) {
		/* same work, same answer as a wrong password */
		password_verify(req->ctx->dummy_hash, password);
		login_failed(req, resp, ip_key, user_key, lower, "unknown, disabled or no password");
		goto out;
	}
	if (password_verify(u.password_hash, password) < 0) {
		login_failed(req, resp, ip_key, user_key, lower, "wrong password");
		goto out;
	}
	if (u.totp_enabled) {
		rc = second_factor(req, &u, code, recovery);
		if (rc == -ENOENT) {
			/* the password was right: ask for the second factor, counting
			 * nothing, but tell nothing a throttled guesser could use */
			http_error(resp, 401, "totp_required", "totp",
				   "enter the code from your authenticator app");
			goto out;
		}
		if (rc < 0) {
			login_failed(req, resp, ip_key, user_key, lower, "wrong second factor");
			goto out;
		}
	}
	throttle_success(req->ctx->throttle_ip, ip_key);
	throttle_success(req->ctx->throttle_user, user_key);
	if (password_needs_rehash(&cfg->pwhash, u.password_hash)) {
		char h[PASSWORD_HASH_SIZE];
		if (password_hash(&cfg->pwhash, password, h) == 0)
			store_password_set(req->store, u.username, h, u.must_change,
					   cfg->policy.history, "rehash", 0, "system");
	}
	token_generate(token);
	sin.user_id = u.id;
	token_hash(token, strlen(token), sin.hash);
	sin.now = now_s();
	sin.ip = req->ip;
	sin.user_agent = req->user_agent;
	if ((rc = store_session_create(req->store, &sin, u.username, &sid)) < 0) {
		http_store_error(resp, rc, NULL);
		goto wipe;
	}
	snprintf(cookie, sizeof(cookie), "ungcuu_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
		 token, (long long)cfg->session_max, cfg->secure ? "; Secure" : "");
	resp->set_cookie = strdup(cookie);
	session_body(req, resp, 201, &u, token,
		     cfg->require_totp && u.role != ROLE_UNIT && !u.totp_enabled);
wipe:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(cookie, sizeof(cookie));
out:
	json_decref(o);
}

void api_session_get(const struct http_req *req, struct http_resp *resp)
{
	struct user_auth u;
	int rc;

	if (!req->session_token) {
		http_error(resp, 404, "not_found", NULL, "not a session: this call used a token");
		return;
	}
	if ((rc = store_user_auth(req->store, req->who->username, &u)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	session_body(req, resp, 200, &u, req->session_token, req->who->totp_missing);
}

void api_session_delete(const struct http_req *req, struct http_resp *resp)
{
	int rc;

	if (!req->session_token) {
		http_error(resp, 404, "not_found", NULL, "not a session: this call used a token");
		return;
	}
	rc = store_session_revoke(req->store, req->who->user_id, req->who->session_id,
				  req->who->username);
	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	resp->set_cookie = strdup("ungcuu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

void api_sessions_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *items, *s;
	size_t i;
	int rc = store_session_list(req->store, req->who->user_id, now_s(), &items);

	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	json_array_foreach(items, i, s)
		json_object_set_new(s, "current", json_boolean(json_integer_value(json_object_get(s, "id")) ==
							       req->who->session_id));
	http_json(resp, 200, json_pack("{so}", "items", items));
}

static bool parse_id(const char *s, int64_t *ret)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*end || end == s || v < 1)
		return false;
	*ret = v;
	return true;
}

void api_sessions_revoke(const struct http_req *req, struct http_resp *resp)
{
	int64_t id;
	int rc;

	if (!parse_id(req->params[0], &id)) {
		http_error(resp, 404, "not_found", NULL, "no such session");
		return;
	}
	rc = store_session_revoke(req->store, req->who->user_id, id, req->who->username);
	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

/* ------------------------------------------------------------------------ */
/* Passwords                                                                */
/* ------------------------------------------------------------------------ */

void api_password_change(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "current", "new", NULL };
	const struct auth_config *cfg = req->ctx->auth;
	char h[PASSWORD_HASH_SIZE];
	const char *cur, *pw;
	struct user_auth u;
	json_t *o;
	int rc;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "current", true, resp, &cur) || !http_get_str(o, "new", true, resp, &pw))
		goto out;
	if ((rc = store_user_auth(req->store, req->who->username, &u)) < 0) {
		http_store_error(resp, rc, NULL);
		goto out;
	}
	if (strlen(cur) > PASSWORD_INPUT_MAX || password_verify(u.password_hash, cur) < 0) {
		store_audit_event(req->store, u.username, "password.change_refused", u.username,
				  json_pack("{ss}", "reason", "wrong current password"));
		http_error(resp, 403, "wrong_password", "current", "the current password is wrong");
		goto out;
	}
	if (!policy_ok(req, resp, pw, &u, "new"))
		goto out;
	if (password_hash(&cfg->pwhash, pw, h) < 0) {
		http_error(resp, 500, "internal", NULL, "cannot hash the password");
		goto out;
	}
	rc = store_password_set(req->store, u.username, h, false, cfg->policy.history, "change",
				req->who->session_id, u.username);
	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
out:
	json_decref(o);
}

/* ------------------------------------------------------------------------ */
/* TOTP                                                                     */
/* ------------------------------------------------------------------------ */

/* POST /api/v1/totp: a new secret (not active until confirmed). */
void api_totp_start(const struct http_req *req, struct http_resp *resp)
{
	unsigned char secret[TOTP_SECRET_SIZE];
	char b32[TOTP_B32_SIZE], *uri;
	struct user_auth u;
	int rc;

	if ((rc = store_user_auth(req->store, req->who->username, &u)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	if (u.totp_enabled) {
		http_error(resp, 409, "conflict", NULL, "two-step verification is already on");
		return;
	}
	totp_secret_new(secret);
	if (totp_secret_b32(secret, b32) < 0 ||
	    !(uri = totp_uri(req->ctx->auth->issuer, u.username, b32))) {
		http_error(resp, 500, "internal", NULL, "cannot make a secret");
		return;
	}
	rc = store_totp_set(req->store, u.username, secret, false, NULL, 0, u.username);
	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 201, json_pack("{ss ss}", "secret", b32, "otpauth_uri", uri));
	free(uri);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b32, sizeof(b32));
}

/* POST /api/v1/totp/confirm {"code"}: turn it on; answer the recovery codes once. */
void api_totp_confirm(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "code", NULL };
	unsigned char hashes[RECOVERY_CODES][32];
	struct user_auth u;
	const char *code;
	json_t *o, *codes;
	int64_t step;
	int rc;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "code", true, resp, &code))
		goto out;
	if ((rc = store_user_auth(req->store, req->who->username, &u)) < 0) {
		http_store_error(resp, rc, NULL);
		goto out;
	}
	if (!u.has_totp_secret || u.totp_enabled) {
		http_error(resp, 409, "conflict", NULL,
			   u.totp_enabled ? "two-step verification is already on"
					  : "start the enrolment first (POST /api/v1/totp)");
		goto out;
	}
	step = u.totp_last_step;
	if (totp_verify(u.totp_secret, sizeof(u.totp_secret), code, time(NULL), 1, &step) < 0) {
		http_error(resp, 400, "invalid_field", "code", "the code is wrong or expired");
		goto out;
	}
	codes = json_array();
	for (int i = 0; i < RECOVERY_CODES; i++) {
		char rcode[RECOVERY_CODE_SIZE];
		recovery_code_new(rcode);
		crypto_hash_sha256(hashes[i], (const unsigned char *)rcode, strlen(rcode));
		json_array_append_new(codes, json_string(rcode));
		sodium_memzero(rcode, sizeof(rcode));
	}
	rc = store_totp_set(req->store, u.username, u.totp_secret, true,
			    (const unsigned char(*)[32])hashes, RECOVERY_CODES, u.username);
	if (rc == 0)
		rc = store_totp_used(req->store, u.username, step);
	if (rc < 0) {
		json_decref(codes);
		http_store_error(resp, rc, NULL);
	} else {
		http_json(resp, 200, json_pack("{sb so}", "enabled", 1, "recovery_codes", codes));
	}
out:
	json_decref(o);
}

/* ------------------------------------------------------------------------ */
/* Account administration                                                   */
/* ------------------------------------------------------------------------ */

static bool admin(const struct http_req *req, struct http_resp *resp)
{
	return rbac_decide(req->who, RBAC_USER_WRITE, NULL).allowed || http_forbidden(resp, NULL);
}

void api_users_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *items;
	int rc;

	if (!rbac_decide(req->who, RBAC_USER_READ, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if ((rc = store_user_list(req->store, &items)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{so}", "items", items));
}

void api_users_get(const struct http_req *req, struct http_resp *resp)
{
	json_t *u;
	int rc;

	if (!rbac_decide(req->who, RBAC_USER_READ, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if ((rc = store_user_get(req->store, req->params[0], &u)) < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, u);
}

/* Give `username` a fresh random password that must be changed; answer it once. */
static void issue_password(const struct http_req *req, struct http_resp *resp,
			   const char *username, const char *reason, int status)
{
	const struct auth_config *cfg = req->ctx->auth;
	char pw[17], h[PASSWORD_HASH_SIZE];
	json_t *u;
	int rc;

	password_generate(pw, 16);
	if (password_hash(&cfg->pwhash, pw, h) < 0) {
		http_error(resp, 500, "internal", NULL, "cannot hash the password");
		return;
	}
	rc = store_password_set(req->store, username, h, true, cfg->policy.history, reason, 0,
				req->who->username);
	if (rc == 0)
		rc = store_user_get(req->store, username, &u);
	if (rc < 0) {
		http_store_error(resp, rc, NULL);
	} else {
		json_object_set_new(u, "initial_password", json_string(pw));
		http_json(resp, status, u);
	}
	sodium_memzero(pw, sizeof(pw));
}

void api_users_create(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "username", "display_name", "email", "phone", "role",
					      "unit", NULL };
	struct user_in in = { 0 };
	struct store_err err = { 0 };
	char name[80], unit[40];
	const char *s;
	json_t *o;
	int role = -1, rc;

	if (!admin(req, resp) || !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "username", true, resp, &s))
		goto out;
	snprintf(name, sizeof(name), "%s", s);
	in.username = downcase_ascii(trim_space(name));
	if (valid_username(in.username)) {
		http_error(resp, 400, "invalid_field", "username", "'username' %s",
			   valid_username(in.username));
		goto out;
	}
	if (!http_get_str(o, "display_name", true, resp, &in.display_name) ||
	    !http_get_str(o, "email", false, resp, &in.email) ||
	    !http_get_str(o, "phone", false, resp, &in.phone) ||
	    !http_get_str(o, "role", true, resp, &s))
		goto out;
	if ((role = role_parse(s)) < 0) {
		http_error(resp, 400, "invalid_field", "role", "unknown role '%s'", s);
		goto out;
	}
	in.role = (enum role)role;
	if (valid_line(in.display_name, 200) || (in.email && valid_email(in.email)) ||
	    (in.phone && valid_phone(in.phone))) {
		const char *f = valid_line(in.display_name, 200) ? "display_name"
				: in.email && valid_email(in.email) ? "email" : "phone";
		http_error(resp, 400, "invalid_field", f, "'%s' is not valid", f);
		goto out;
	}
	if (!http_get_str(o, "unit", in.role == ROLE_UNIT, resp, &s))
		goto out;
	if (s) {
		snprintf(unit, sizeof(unit), "%s", s);
		in.unit = upcase_ascii(trim_space(unit));
	}
	if (in.unit && in.role != ROLE_UNIT) {
		http_error(resp, 400, "invalid_field", "unit", "only unit users belong to a unit");
		goto out;
	}
	if ((rc = store_user_create(req->store, &in, req->who->username, &err)) < 0) {
		http_store_error(resp, rc, &err);
		goto out;
	}
	issue_password(req, resp, in.username, "initial", 201);
out:
	json_decref(o);
}

/*
 * "units": an agent's unit limit, an array of existing unit codes (or null
 * or [] for every unit), joined into buf as "0010,0110".
 */
static bool parse_units(const struct http_req *req, json_t *arr, char *buf, size_t size,
			struct http_resp *resp)
{
	size_t i, used = 0;
	json_t *v, *unit;

	buf[0] = '\0';
	if (json_is_null(arr))
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > 32) {
		http_error(resp, 400, "invalid_field", "units", "'units' must be an array of unit codes");
		return false;
	}
	json_array_foreach(arr, i, v) {
		char code[40];
		if (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof(code)) {
			http_error(resp, 400, "invalid_field", "units", "unit %zu is not a unit code", i + 1);
			return false;
		}
		snprintf(code, sizeof(code), "%s", json_string_value(v));
		upcase_ascii(trim_space(code));
		if (valid_unit_code(code) || store_unit_get(req->store, code, &unit) < 0) {
			http_error(resp, 400, "invalid_field", "units", "unknown unit code '%s'", code);
			return false;
		}
		json_decref(unit);
		if (used + strlen(code) + 2 > size) {
			http_error(resp, 400, "invalid_field", "units", "too many units");
			return false;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "", code);
	}
	return true;
}

void api_users_update(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "display_name", "email", "phone", "role", "unit",
					      "status", "units", NULL };
	char units[512];
	struct user_patch p = { .role = -1, .active = -1 };
	struct store_err err = { 0 };
	const char *s;
	char unit[40];
	json_t *o, *u;
	int rc;

	if (!admin(req, resp) || !(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "display_name", false, resp, &p.display_name) ||
	    !http_get_str(o, "email", false, resp, &p.email) ||
	    !http_get_str(o, "phone", false, resp, &p.phone) ||
	    !http_get_str(o, "role", false, resp, &s))
		goto out;
	if (s && (p.role = role_parse(s)) < 0) {
		http_error(resp, 400, "invalid_field", "role", "unknown role '%s'", s);
		goto out;
	}
	if ((p.display_name && valid_line(p.display_name, 200)) || (p.email && valid_email(p.email)) ||
	    (p.phone && valid_phone(p.phone))) {
		http_error(resp, 400, "invalid_field", NULL, "a field is not valid");
		goto out;
	}
	if (json_object_get(o, "unit")) {
		if (!http_get_str(o, "unit", false, resp, &s))
			goto out;
		p.set_unit = true;
		if (s) {
			snprintf(unit, sizeof(unit), "%s", s);
			p.unit = upcase_ascii(trim_space(unit));
		}
	}
	if (!http_get_str(o, "status", false, resp, &s))
		goto out;
	if (s && strcmp(s, "active") && strcmp(s, "disabled")) {
		http_error(resp, 400, "invalid_field", "status", "'status' is active or disabled");
		goto out;
	}
	if (s)
		p.active = !strcmp(s, "active");
	if (json_object_get(o, "units")) {
		if (!parse_units(req, json_object_get(o, "units"), units, sizeof(units), resp))
			goto out;
		p.set_units = true;
		p.units = units[0] ? units : NULL;
		if (p.units) {
			struct user_auth cur;
			if ((rc = store_user_auth(req->store, req->params[0], &cur)) < 0) {
				http_store_error(resp, rc, NULL);
				goto out;
			}
			if ((p.role >= 0 ? p.role : (int)cur.role) != ROLE_AGENT) {
				http_error(resp, 400, "invalid_field", "units",
					   "only agents are limited to units");
				goto out;
			}
		}
	}
	if (p.active == 0 && !strcmp(req->params[0], req->who->username)) {
		http_error(resp, 409, "conflict", "status", "you cannot disable your own account");
		goto out;
	}
	rc = store_user_update(req->store, req->params[0], &p, req->who->username, &err);
	if (rc == 0)
		rc = store_user_get(req->store, req->params[0], &u);
	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		http_json(resp, 200, u);
out:
	json_decref(o);
}

void api_users_reset(const struct http_req *req, struct http_resp *resp)
{
	struct user_auth u;
	int rc;

	if (!admin(req, resp))
		return;
	if ((rc = store_user_auth(req->store, req->params[0], &u)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	issue_password(req, resp, u.username, "reset", 200);
}

/* ------------------------------------------------------------------------ */
/* API tokens                                                               */
/* ------------------------------------------------------------------------ */

void api_tokens_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *items;
	int rc = store_token_list(req->store, req->who->username, now_s(), &items);

	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{so}", "items", items));
}

void api_tokens_create(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "name", "role", "unit", "expires_in_days", NULL };
	char unit[40];
	struct token_in in = { .username = req->who->username, .role = -1 };
	unsigned char hash[TOKEN_HASH_SIZE];
	struct store_err err = { 0 };
	char token[TOKEN_SIZE];
	json_t *o, *days;
	const char *s;
	int64_t id;
	int rc;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "name", true, resp, &in.name) ||
	    !http_get_str(o, "role", false, resp, &s))
		goto out;
	if (valid_line(in.name, 100)) {
		http_error(resp, 400, "invalid_field", "name", "'name' %s", valid_line(in.name, 100));
		goto out;
	}
	if (s) {
		/* a token may narrow its user's role, never widen it */
		int r = role_parse(s);
		if (r < 0 || r < (int)req->who->role ||
		    (r == ROLE_UNIT && !req->who->unit[0] && !json_is_string(json_object_get(o, "unit")))) {
			http_error(resp, 400, "invalid_field", "role",
				   "the role must be yours or a narrower one");
			goto out;
		}
		in.role = r;
	}
	/* a unit confines the token; it must be within the caller's own scope */
	if (!http_get_str(o, "unit", false, resp, &s))
		goto out;
	if (s) {
		json_t *u;
		snprintf(unit, sizeof(unit), "%s", s);
		upcase_ascii(trim_space(unit));
		if (valid_unit_code(unit) || store_unit_get(req->store, unit, &u) < 0) {
			http_error(resp, 400, "invalid_field", "unit", "unknown unit code '%s'", unit);
			goto out;
		}
		json_decref(u);
		if (!rbac_decide(req->who, RBAC_REQUEST_CREATE, unit).allowed) {
			http_error(resp, 400, "invalid_field", "unit", "unit '%s' is outside your scope",
				   unit);
			goto out;
		}
		in.unit = unit;
		if (in.role < 0)
			in.role = req->who->role;
		if (in.role == ROLE_ADMIN) {
			http_error(resp, 400, "invalid_field", "unit",
				   "an admin token cannot be confined to a unit: give role agent or unit");
			goto out;
		}
	}
	days = json_object_get(o, "expires_in_days");
	if (days && (!json_is_integer(days) || json_integer_value(days) < 1 ||
		     json_integer_value(days) > 366)) {
		http_error(resp, 400, "invalid_field", "expires_in_days", "1 to 366 days");
		goto out;
	}
	in.expires_ts = now_s() + 86400 * (days ? json_integer_value(days) : 90);
	if (req->who->token_id) {
		/* tokens make tokens only through a person's session */
		http_forbidden(resp, NULL);
		goto out;
	}
	token_generate(token);
	token_hash(token, strlen(token), hash);
	in.hash = hash;
	rc = store_token_create(req->store, &in, req->who->username, &id, &err);
	if (rc < 0) {
		http_store_error(resp, rc, &err);
	} else {
		json_t *list, *t;
		size_t i;
		json_t *out = NULL;
		if (store_token_list(req->store, req->who->username, now_s(), &list) == 0) {
			json_array_foreach(list, i, t) if (json_integer_value(json_object_get(t, "id")) == id)
				out = json_incref(t);
			json_decref(list);
		}
		if (!out)
			out = json_pack("{sI}", "id", (json_int_t)id);
		json_object_set_new(out, "token", json_string(token));
		http_json(resp, 201, out);
	}
	sodium_memzero(token, sizeof(token));
out:
	json_decref(o);
}

void api_tokens_revoke(const struct http_req *req, struct http_resp *resp)
{
	int64_t id;
	int rc;

	if (!parse_id(req->params[0], &id)) {
		http_error(resp, 404, "not_found", NULL, "no such token");
		return;
	}
	rc = store_token_revoke(req->store, req->who->username, id, req->who->username);
	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

/* ------------------------------------------------------------------------ */
/* Audit                                                                    */
/* ------------------------------------------------------------------------ */

void api_audit_list(const struct http_req *req, struct http_resp *resp)
{
	struct audit_filter f = { .limit = 50 };
	json_t *items;
	int64_t next;
	const char *v;
	int rc;

	if (!rbac_decide(req->who, RBAC_AUDIT_READ, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	f.action = req->query(req, "action");
	f.actor = req->query(req, "actor");
	f.object = req->query(req, "object");
	if ((v = req->query(req, "limit"))) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 500) {
			http_error(resp, 400, "invalid_field", "limit", "'limit' must be 1 to 500");
			return;
		}
		f.limit = (int)n;
	}
	if ((v = req->query(req, "cursor")) && !parse_id(v, &f.before)) {
		http_error(resp, 400, "invalid_field", "cursor", "invalid cursor");
		return;
	}
	if ((rc = store_audit_list(req->store, &f, &items, &next)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	http_page(resp, items, next);
}
