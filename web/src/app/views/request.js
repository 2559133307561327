// request.js — one request: facts, timeline (messages, internal notes, changes),
// attachments with safe download links, and the actions: reply by email,
// internal note, assign, status and priority (staff); reply (unit users).
import { get, post, patch } from '../api.js';
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

function incidentBlock(inc) {
	if (!inc) return null;
	const obs = Array.isArray(inc.observables) ? inc.observables : [];
	const tasks = Array.isArray(inc.tasks) ? inc.tasks : [];
	const links = Array.isArray(inc.links) ? inc.links : [];
	return h('section', { class: 'card', id: 'incident' }, h('h2', t('req.incident')),
		h('dl', { class: 'facts' },
			h('dt', t('req.category')), h('dd', label('cat.', inc.category)),
			inc.severity ? [h('dt', t('req.severity')), h('dd', String(inc.severity))] : null,
			inc.detected_at ? [h('dt', t('req.detected')), h('dd', time(inc.detected_at))] : null,
			inc.report_deadline ? [h('dt', t('req.reportDue')), h('dd', time(inc.report_deadline))] : null),
		obs.length ? [h('h3', t('req.observables')), h('ul', obs.map((o) => h('li', h('span', { class: 'mono' }, `${o.type}: ${o.value}`))))] : null,
		tasks.length ? [h('h3', t('req.tasks')), h('ul', tasks.map((x) => h('li', x.done ? '✓ ' : '', x.title || '',
			x.assignee ? ` — ${x.assignee}` : '', x.due ? [' — ', time(x.due)] : '')))] : null,
		links.length ? [h('h3', t('req.links')), h('ul', links.map((l) => h('li',
			h('a', { href: '/app/requests/' + encodeURIComponent(l.code), class: 'mono' }, l.code), ' — ', label('rel.', l.relation))))] : null);
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
		const extra = [slaBlock(req.sla), incidentBlock(req.incident), leaksBlock(req.leaks)].filter(Boolean);
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
