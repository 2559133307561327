// request.js — one request: facts, timeline (messages, internal notes, changes),
// attachments with safe download links, and the actions: reply by email,
// internal note, assign, status and priority (staff); reply (unit users).
import { api, get, post, patch } from '../api.js';
import { add, field, h, option, put } from '../dom.js';
import { t, fmtDateTime, label } from '../i18n.js';
import { statusBadge, prioBadge, time, setKeys, markSeen, overdueBadge, liveRegion, errorText, alertBox } from '../ui.js';

const NEXT = { new: ['open', 'resolved', 'closed'], open: ['pending', 'resolved'], pending: ['open', 'resolved'],
	resolved: ['closed', 'open'], closed: ['open'] };
const PRIOS = ['low', 'normal', 'high', 'urgent'];

function eventItem(ev) {
	let cls = null, title, body = null;
	const label = (kind, v) => (v === null || v === undefined || v === '' ? t('req.unassigned') : kind ? t(kind + '.' + v) : v);
	switch (ev.type) {
	case 'created': title = t('req.ev.created'); break;
	case 'message':
		cls = ev.direction === 'in' ? 'msg-in' : 'msg-out';
		title = t(ev.direction === 'in' ? 'req.ev.in' : 'req.ev.out');
		body = ev.body;
		break;
	case 'note': cls = 'note'; title = t('req.ev.note'); body = ev.body; break;
	case 'status': title = t('req.ev.status', { from: label('status', ev.from), to: label('status', ev.to) }); break;
	case 'priority': title = t('req.ev.priority', { from: label('prio', ev.from), to: label('prio', ev.to) }); break;
	case 'assignee': title = t('req.ev.assignee', { from: label(null, ev.from), to: label(null, ev.to) }); break;
	default: title = t('req.ev.other', { type: ev.type }); body = ev.body || null;
	}
	return h('li', { class: cls, dataset: { type: ev.type } },
		h('div', h('strong', title)),
		h('div', { class: 'meta' }, t('req.by', { actor: ev.actor || '', at: fmtDateTime(ev.at) })),
		body !== null && body !== undefined ? h('div', { class: 'body' }, body) : null);
}

function attachmentItem(code, a) {
	const href = `/api/v1/requests/${encodeURIComponent(code)}/attachments/${encodeURIComponent(a.id)}`;
	const isImage = !a.dangerous && /^image\/(png|jpeg|gif|webp)$/.test(a.content_type || '');
	const kb = Math.max(1, Math.round((a.size || 0) / 1024));
	return h('li', { dataset: { id: a.id } },
		h('a', { href, download: a.filename || 'attachment', rel: 'noopener' }, a.filename || t('req.download')),
		h('div', { class: 'meta muted' }, `${a.content_type || ''} · ${kb} KB`),
		a.dangerous ? h('div', { class: 'field-error' }, t('req.dangerous')) : null,
		isImage ? h('img', { src: href, alt: a.filename || '', loading: 'lazy' }) : null);
}

function slaBlock(sla) {
	if (!sla) return null;
	const row = (k, v) => (v ? [h('dt', t(k)), h('dd', time(v))] : null);
	return h('section', { class: 'card', 'aria-labelledby': 'sla-title' },
		h('h2', { id: 'sla-title' }, t('req.sla'), ' ', sla.state ? h('span', { class: ['badge', sla.state] }, t('sla.state.' + sla.state)) : null),
		h('dl', { class: 'facts' }, row('req.sla.first', sla.first_response_due), row('req.sla.next', sla.next_update_due),
			row('req.sla.resolution', sla.resolution_due)));
}

function leaksBlock(leaks) {
	if (!Array.isArray(leaks) || !leaks.length) return null;
	return h('section', { class: 'card' }, h('h2', t('req.leaks')),
		h('ul', leaks.map((l) => h('li', h('span', { class: 'mono' }, l.account || ''), ' — ', t('verdict.' + l.verdict),
			l.system ? ` (${l.system})` : ''))));
}

const CATS = ['malware', 'account_compromise', 'impersonation', 'data_leak', 'vuln_exploit', 'defacement', 'dos', 'other'];
const SEVS = ['low', 'medium', 'high', 'critical'];
const OBS = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'cve', 'phone', 'zalo'];

// The incident record; for staff also its forms: category and severity,
// observables, tasks, and the STIX export and report forms.
function incidentBlock(req, isStaff, users, act) {
	const inc = req.incident;
	if (!inc) return null;
	const obs = Array.isArray(inc.observables) ? inc.observables : [];
	const tasks = Array.isArray(inc.tasks) ? inc.tasks : [];
	const links = Array.isArray(inc.links) ? inc.links : [];
	const base = '/api/v1/requests/' + encodeURIComponent(req.code);
	const path = '/requests/' + encodeURIComponent(req.code);
	const initial = inc.deadlines && inc.deadlines.initial;
	const sec = h('section', { class: 'card', id: 'incident' }, h('h2', t('req.incident')),
		h('dl', { class: 'facts' },
			h('dt', t('req.category')), h('dd', label('cat.', inc.category)),
			h('dt', t('req.severity')), h('dd', inc.severity ? label('sev.', inc.severity) : t('common.none')),
			inc.detected_at ? [h('dt', t('req.detected')), h('dd', time(inc.detected_at))] : null,
			inc.report_deadline ? [h('dt', t('req.reportDue')), h('dd', time(inc.report_deadline), ' ',
				initial && initial.state ? h('span', { class: ['badge', initial.state === 'overdue' || initial.state === 'late' ? 'overdue' : initial.state] }, initial.state_label || initial.state) : null)] : null),
		obs.length ? [h('h3', t('req.observables')), h('ul', { id: 'observables' }, obs.map((o) => h('li', h('span', { class: 'mono' }, `${o.type}: ${o.value}`))))] : null,
		tasks.length ? [h('h3', t('req.tasks')), h('ul', { id: 'tasks', class: 'tasks' }, tasks.map((x) => h('li', { class: x.done ? 'done' : null },
			isStaff ? h('label', { class: 'inline' }, h('input', { type: 'checkbox', checked: !!x.done,
				onchange: (e) => act('PATCH', `${path}/tasks/${encodeURIComponent(x.id)}`, { done: e.target.checked }) }), x.title || '') : x.title || '',
			x.assignee ? ` — ${x.assignee}` : '', x.due ? [' — ', x.due.length > 10 ? time(x.due) : x.due] : '')))] : null,
		links.length ? [h('h3', t('req.links')), h('ul', links.map((l) => h('li',
			h('a', { href: '/app/requests/' + encodeURIComponent(l.code), class: 'mono' }, l.code), ' — ', label('rel.', l.relation),
			l.subject ? ` — ${l.subject}` : '')))] : null);
	if (!isStaff) return sec;
	// reports and export
	add(sec, h('p', { class: 'actions' },
		h('a', { href: base + '/report/initial', target: '_blank', rel: 'noopener' }, t('inc.reportInitial')),
		h('a', { href: base + '/report/final', target: '_blank', rel: 'noopener' }, t('inc.reportFinal')),
		h('a', { href: base + '/stix', download: req.code + '.stix.json' }, t('inc.stix'))));
	// category and severity
	const cat = h('select', { name: 'category' }, CATS.map((c) => option(c, label('cat.', c), c === inc.category)));
	const sev = h('select', { name: 'severity' }, option('', t('common.none'), !inc.severity), SEVS.map((v) => option(v, label('sev.', v), v === inc.severity)));
	const f1 = h('form', { id: 'incident-form', novalidate: true }, field(t('req.category'), cat), field(t('req.severity'), sev),
		h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('req.change'))));
	f1.addEventListener('submit', (e) => {
		e.preventDefault();
		act('PATCH', path + '/incident', { category: cat.value, severity: sev.value || null });
	});
	// an observable
	const otype = h('select', { name: 'type' }, OBS.map((o) => option(o, o)));
	const oval = h('input', { name: 'value', maxlength: 2048, autocomplete: 'off', spellcheck: 'false' });
	const f2 = h('form', { id: 'observable-form', novalidate: true }, h('h3', t('inc.addObservable')), field(t('inc.obsType'), otype), field(t('inc.obsValue'), oval),
		h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('inc.add'))));
	f2.addEventListener('submit', (e) => {
		e.preventDefault();
		if (oval.value.trim()) act('POST', path + '/observables', { type: otype.value, value: oval.value.trim() });
	});
	// a task
	const title = h('input', { name: 'title', maxlength: 300 });
	const who = h('select', { name: 'assignee' }, option('', t('req.unassigned')),
		users.filter((u) => u.role !== 'unit').map((u) => option(u.username, u.display_name || u.username)));
	const due = h('input', { type: 'date', name: 'due' });
	const f3 = h('form', { id: 'task-form', novalidate: true }, h('h3', t('inc.addTask')), field(t('inc.taskTitle'), title),
		field(t('req.assignee'), who), field(t('sla.due'), due), h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('inc.add'))));
	f3.addEventListener('submit', (e) => {
		e.preventDefault();
		if (!title.value.trim()) return;
		const b = { title: title.value.trim() };
		if (who.value) b.assignee = who.value;
		if (due.value) b.due = due.value;
		act('POST', path + '/tasks', b);
	});
	return add(sec, f1, f2, f3);
}

export async function requestView(main, match, { state, navigate, isCurrent }) {
	const code = match[1].toUpperCase();
	const user = state.user;
	const isStaff = user.role !== 'unit';
	let r;
	try {
		r = await get('/requests/' + encodeURIComponent(code));
	} catch (e) {
		add(main, h('h1', t('common.notFound')), alertBox('error', e.status === 404 ? t('common.notFound') : errorText(e)),
			h('p', h('a', { href: '/app/' }, t('common.back'))));
		return;
	}
	if (!isCurrent()) return;
	const users = isStaff ? await get('/users').then((x) => x.items || []).catch(() => []) : [];
	const live = liveRegion();

	const draw = (req) => {
		markSeen(req.code, req.updated_at);
		const sidebar = h('aside');
		const content = h('div');
		// ---- facts ----
		const facts = h('dl', { class: 'facts', id: 'request-facts' },
			h('dt', t('req.status')), h('dd', statusBadge(req.status), ' ', overdueBadge(req)),
			h('dt', t('req.priority')), h('dd', prioBadge(req.priority)),
			h('dt', t('req.kind')), h('dd', t('kind.' + req.kind)),
			h('dt', t('req.unit')), h('dd', req.unit_name ? `${req.unit} — ${req.unit_name}` : req.unit),
			req.service ? [h('dt', t('req.service')), h('dd', req.service)] : null,
			h('dt', t('req.requester')), h('dd', { class: 'requester' }, [req.requester && req.requester.name,
				req.requester && req.requester.email, req.requester && req.requester.phone].filter(Boolean).join(' · ')),
			h('dt', t('req.channel')), h('dd', t('channel.' + req.channel)),
			isStaff ? [h('dt', t('req.assignee')), h('dd', req.assignee || t('req.unassigned'))] : null,
			h('dt', t('req.created')), h('dd', time(req.created_at)),
			h('dt', t('req.updated')), h('dd', time(req.updated_at)));
		add(sidebar, h('section', { class: 'card' }, facts));

		// ---- staff actions ----
		if (isStaff) {
			const status = h('select', { name: 'status', id: 'f-status' }, option('', statusLabel(req.status)),
				(NEXT[req.status] || []).map((s) => option(s, t('status.' + s))));
			const prio = h('select', { name: 'priority', id: 'f-priority' }, PRIOS.map((p) => option(p, t('prio.' + p), p === req.priority)));
			const assignee = h('select', { name: 'assignee', id: 'f-assignee' }, option('', t('req.unassigned'), !req.assignee),
				users.filter((u) => u.role !== 'unit' && u.status !== 'disabled')
					.map((u) => option(u.username, u.display_name ? `${u.display_name} (${u.username})` : u.username, u.username === req.assignee)));
			const form = h('form', { id: 'request-actions', novalidate: true },
				field(t('req.status'), status), field(t('req.priority'), prio), field(t('req.assign'), assignee),
				h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('req.change')),
					req.assignee !== user.username ? h('button', { type: 'button', id: 'assign-me', onclick: () => change({ assignee: user.username }) }, t('req.assignMe')) : null));
			form.addEventListener('submit', (e) => {
				e.preventDefault();
				const body = {};
				if (status.value) body.status = status.value;
				if (prio.value !== req.priority) body.priority = prio.value;
				if ((assignee.value || null) !== (req.assignee || null)) body.assignee = assignee.value || null;
				if (Object.keys(body).length) change(body);
			});
			add(sidebar, h('section', { class: 'card' }, form));
		}
		const extra = [slaBlock(req.sla), incidentBlock(req, isStaff, users, act), leaksBlock(req.leaks)].filter(Boolean);
		add(sidebar, ...extra);

		// ---- description, attachments, timeline ----
		add(content, h('section', { class: 'card' }, h('h2', t('req.description')), h('div', { class: 'body description', style: null }, req.description || '')));
		content.lastChild.lastChild.classList.add('prewrap');
		if (Array.isArray(req.attachments) && req.attachments.length)
			add(content, h('section', h('h2', t('req.attachments')),
				h('ul', { class: 'attachments', id: 'attachments' }, req.attachments.map((a) => attachmentItem(req.code, a)))));
		add(content, h('section', h('h2', t('req.timeline')),
			h('ol', { class: 'timeline', id: 'timeline' }, (req.events || []).map(eventItem))));

		// ---- reply and note ----
		const reply = h('textarea', { name: 'body', id: 'reply-body', required: true, maxlength: 65536 });
		const replyForm = h('form', { id: 'reply-form', novalidate: true },
			h('h2', isStaff ? t('req.reply') : t('req.replyUnit')), field(isStaff ? t('req.reply') : t('req.replyUnit'), reply, isStaff ? t('req.replyHint') : null),
			h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('req.replySend'))));
		replyForm.querySelector('label').classList.add('visually-hidden');
		replyForm.addEventListener('submit', (e) => {
			e.preventDefault();
			if (reply.value.trim()) send('/messages', reply.value, t('req.replySent'));
		});
		add(content, replyForm);
		let note = null;
		if (isStaff) {
			note = h('textarea', { name: 'note', id: 'note-body', required: true, maxlength: 65536 });
			const noteForm = h('form', { id: 'note-form', novalidate: true },
				h('h2', t('req.note')), field(t('req.note'), note, t('req.noteHint')),
				h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('req.noteAdd'))));
			noteForm.querySelector('label').classList.add('visually-hidden');
			noteForm.addEventListener('submit', (e) => {
				e.preventDefault();
				if (note.value.trim()) send('/notes', note.value, t('req.noteAdded'));
			});
			add(content, noteForm);
		}

		put(main, 
			h('p', h('a', { href: '/app/' }, '← ', t('common.back'))),
			h('h1', { id: 'request-title' }, h('span', { class: 'mono' }, req.code), ' — ', h('span', { class: 'subject' }, req.subject)),
			live,
			h('div', { class: 'layout-2' }, content, sidebar),
			isStaff ? h('p', { class: 'muted' }, t('req.shortcuts')) : null);
		setKeys({
			r: () => reply.focus(),
			n: () => note && note.focus(),
			a: () => { const el = document.getElementById('f-assignee'); if (el) el.focus(); },
			s: () => { const el = document.getElementById('f-status'); if (el) el.focus(); },
		});
	};
	const statusLabel = (s) => t('status.' + s);

	async function change(body) {
		try {
			r = await patch('/requests/' + encodeURIComponent(code), body);
			draw(r);
			live.show('ok', t('req.changed'));
		} catch (e) {
			live.show('error', errorText(e));
		}
	}
	// an incident change: every write answers with the request
	async function act(method, path, body) {
		try {
			const res = await api(method, path, body);
			r = res && res.code ? res : await get('/requests/' + encodeURIComponent(code));
			draw(r);
			live.show('ok', t('req.changed'));
		} catch (e) {
			live.show('error', errorText(e));
		}
	}
	async function send(path, text, done) {
		try {
			r = await post('/requests/' + encodeURIComponent(code) + path, { body: text });
			draw(r);
			live.show('ok', done);
		} catch (e) {
			live.show('error', errorText(e));
		}
	}
	draw(r);
}
