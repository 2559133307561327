// api.js — calls to /api/v1 with the session cookie.  Changes (any method but
// GET/HEAD) carry the session's CSRF token in X-CSRF-Token, as the server
// requires; the token comes with the login answer and GET /api/v1/session.
let csrf = null;

export class ApiError extends Error {
	constructor(status, body) {
		const e = (body && body.error) || {};
		super(e.message || `HTTP ${status}`);
		this.status = status;
		this.code = e.code || (status === 0 ? 'network' : 'http_' + status);
		this.field = e.field || null;
		this.body = body;
		this.retryAfter = 0;
	}
}

export function setCsrf(token) {
	csrf = token || null;
}

// Listeners for a 401 on an authenticated call (the session ended).
const onUnauthorized = [];
export function whenUnauthorized(fn) {
	onUnauthorized.push(fn);
}

export async function api(method, path, body, opts) {
	const headers = { Accept: 'application/json' };
	let payload;
	if (body !== undefined && body !== null) {
		if (opts && opts.contentType) {
			headers['Content-Type'] = opts.contentType;
			payload = body;
		} else {
			headers['Content-Type'] = 'application/json';
			payload = JSON.stringify(body);
		}
	}
	if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch('/api/v1' + path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
	} catch {
		throw new ApiError(0, null);
	}
	const text = await res.text();
	let data = null;
	if (text && (res.headers.get('Content-Type') || '').includes('json')) {
		try {
			data = JSON.parse(text);
		} catch {
			data = null;
		}
	} else if (text) {
		data = text;
	}
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		err.retryAfter = Number(res.headers.get('Retry-After')) || 0;
		if (res.status === 401 && !(opts && opts.noAuthRedirect)) onUnauthorized.forEach((fn) => fn(err));
		throw err;
	}
	return data;
}

export const get = (path, opts) => api('GET', path, null, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

// Build a query string from an object, skipping empty values.
export function qs(params) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') u.set(k, v);
	const s = u.toString();
	return s ? '?' + s : '';
}

// GET that resolves to null when the endpoint does not exist (yet): views
// of optional modules show "not available" instead of an error.
export async function getOptional(path) {
	try {
		return await get(path);
	} catch (e) {
		if (e.status === 404 && e.code === 'not_found' && /no such resource/.test(e.message)) return null;
		if (e.status === 405) return null;
		throw e;
	}
}
