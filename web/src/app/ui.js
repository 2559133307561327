// ui.js — pieces shared by the views: badges, error display, page frame helpers,
// keyboard shortcuts, unread tracking.
import { h } from './dom.js';
import { t, fmtDateTime } from './i18n.js';

export function statusBadge(s) {
	return h('span', { class: ['badge', 'status-' + s] }, t('status.' + s));
}

export function prioBadge(p) {
	return h('span', { class: ['badge', 'prio-' + p] }, t('prio.' + p));
}

export function time(iso) {
	return iso ? h('time', { datetime: iso }, fmtDateTime(iso)) : t('common.none');
}

// A translated message for an API error.
export function errorText(e) {
	if (!e) return '';
	if (e.code === 'network') return t('common.network');
	const key = 'err.' + e.code;
	const known = t(key);
	if (known !== key) return e.field ? `${known} (${e.field}: ${e.message})` : known;
	return t('common.error', { msg: e.message });
}

export function alertBox(kind, text) {
	return h('div', { class: ['alert', 'alert-' + kind], role: kind === 'error' ? 'alert' : 'status' }, text);
}

// A status line that announces its text to screen readers.
export function liveRegion() {
	const el = h('div', { 'aria-live': 'polite', class: 'live' });
	el.show = (kind, text) => el.replaceChildren(text ? alertBox(kind, text) : '');
	return el;
}

export function notAvailable() {
	return h('p', { class: 'unavailable' }, t('common.notAvailable'));
}

export function table(headers, rows, opts) {
	return h('div', { class: 'table-wrap' },
		h('table', opts || null,
			h('thead', h('tr', headers.map((x) => h('th', { scope: 'col', class: x.cls || null }, x.text || x)))),
			h('tbody', rows)));
}

// ---- keyboard shortcuts: one map per page, replaced at each navigation ----
let pageKeys = {};
export function setKeys(map) {
	pageKeys = map || {};
}
export function handleKey(e, globalKeys) {
	if (e.ctrlKey || e.metaKey || e.altKey) return;
	const tag = (e.target && e.target.tagName) || '';
	if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (e.target && e.target.isContentEditable)) {
		if (e.key === 'Escape') e.target.blur();
		return;
	}
	const fn = pageKeys[e.key] || globalKeys[e.key];
	if (fn) {
		e.preventDefault();
		fn(e);
	}
}

// ---- unread markers: the last update seen of each request, per browser ----
const SEEN_KEY = 'ungcuu.seen';
function seenMap() {
	try {
		return JSON.parse(localStorage.getItem(SEEN_KEY) || '{}') || {};
	} catch {
		return {};
	}
}
export function markSeen(code, updatedAt) {
	const m = seenMap();
	m[code] = updatedAt;
	const keys = Object.keys(m);
	if (keys.length > 2000) keys.slice(0, keys.length - 2000).forEach((k) => delete m[k]);
	try {
		localStorage.setItem(SEEN_KEY, JSON.stringify(m));
	} catch {
		/* not kept */
	}
}
export function isUnread(req) {
	const seen = seenMap()[req.code];
	return !seen || (req.updated_at && req.updated_at > seen);
}

// Overdue: the request's SLA when the server gives one, else its age by priority.
const AGE_LIMIT_H = { urgent: 4, high: 24, normal: 72, low: 168 };
export function overdueState(req) {
	if (req.sla && req.sla.state) {
		if (req.sla.state === 'breached') return 'overdue';
		if (req.sla.state === 'due_soon') return 'due_soon';
		return null;
	}
	if (req.status === 'resolved' || req.status === 'closed' || req.status === 'pending') return null;
	const ageH = (Date.now() - new Date(req.created_at).getTime()) / 3600000;
	const lim = AGE_LIMIT_H[req.priority] || 72;
	if (ageH > lim) return 'overdue';
	if (ageH > lim * 0.75) return 'due_soon';
	return null;
}

export function overdueBadge(req) {
	const s = overdueState(req);
	if (!s) return null;
	const due = req.sla && req.sla.due ? ` — ${fmtDateTime(req.sla.due)}` : '';
	return h('span', { class: ['badge', s === 'overdue' ? 'overdue' : 'due_soon'], title: t(s === 'overdue' ? 'queue.overdue' : 'queue.dueSoon') + due },
		t(s === 'overdue' ? 'queue.overdue' : 'queue.dueSoon'));
}
