// queue.js — the agents' queue (and the unit portal's list of its own
// requests): filters by status, kind, unit and assignee, a search that the
// server folds the Vietnamese way, unread and overdue markers, j/k/o keys.
import { get, qs } from '../api.js';
import { add, field, h, option, put } from '../dom.js';
import { t } from '../i18n.js';
import { statusBadge, prioBadge, time, table, setKeys, isUnread, overdueBadge, alertBox, errorText } from '../ui.js';

const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];
const KINDS = ['support', 'incident', 'leak', 'vulnerability'];

export async function queueView(main, match, { state, navigate, isCurrent }) {
	const user = state.user;
	const isStaff = user.role !== 'unit';
	const params = new URLSearchParams(location.search);
	const f = Object.fromEntries(['status', 'kind', 'unit', 'assignee', 'q'].map((k) => [k, params.get(k) || '']));

	const [units, users] = await Promise.all([
		isStaff ? get('/units').then((r) => r.items).catch(() => []) : Promise.resolve([]),
		isStaff ? get('/users').then((r) => r.items).catch(() => []) : Promise.resolve([]),
	]);
	if (!isCurrent()) return;

	const sel = (name, label, opts) => {
		const s = h('select', { name }, option('', t('common.all')), opts.map(([v, text]) => option(v, text, f[name] === v)));
		return field(label, s);
	};
	const search = h('input', { type: 'search', name: 'q', value: f.q, placeholder: '', autocomplete: 'off' });
	const fields = [sel('status', t('queue.status'), STATUSES.map((s) => [s, t('status.' + s)]))];
	if (isStaff) {
		fields.push(sel('kind', t('queue.kind'), KINDS.map((k) => [k, t('kind.' + k)])));
		fields.push(sel('unit', t('queue.unit'), units.map((u) => [u.code, `${u.code} — ${u.name}`])));
		fields.push(sel('assignee', t('queue.assignee'), [['none', t('queue.assigneeNone')], [user.username, t('queue.assigneeMe')],
			...users.filter((u) => u.role !== 'unit' && u.username !== user.username).map((u) => [u.username, u.display_name || u.username])]));
	}
	const searchField = field(t('queue.search'), search, t('queue.searchHint'));
	searchField.classList.add('search');
	const form = h('form', { class: 'filters', role: 'search', id: 'queue-filters' }, searchField, fields,
		h('div', h('button', { type: 'submit' }, t('queue.apply'))));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const data = Object.fromEntries(new FormData(form).entries());
		navigate('/app/' + qs(data));
	});
	form.querySelectorAll('select').forEach((s) => s.addEventListener('change', () => form.requestSubmit()));

	const title = isStaff ? t('queue.title') : t('unit.title', { unit: user.unit || '' });
	const count = h('p', { class: 'muted', 'aria-live': 'polite', id: 'queue-count' });
	let tbody = h('tbody');
	const more = h('button', { type: 'button', hidden: true, id: 'queue-more' }, t('common.more'));
	const cols = [t('queue.col.code'), t('queue.col.subject')];
	if (isStaff) cols.push(t('queue.col.unit'));
	cols.push(t('queue.col.status'), t('queue.col.priority'));
	if (isStaff) cols.push({ text: t('queue.col.assignee'), cls: 'hide-narrow' });
	cols.push({ text: t('queue.col.updated'), cls: 'hide-narrow' });
	const tbl = h('table', { id: 'queue' }, h('caption', { class: 'visually-hidden' }, title),
		h('thead', h('tr', cols.map((c) => h('th', { scope: 'col', class: c.cls || null }, c.text || c)))), tbody);

	add(main, h('h1', title),
		isStaff ? null : h('p', h('a', { class: 'btn btn-primary', href: '/app/new' }, t('unit.new'))),
		form, count, h('div', { class: 'table-wrap' }, tbl), h('div', { class: 'actions' }, more),
		isStaff ? h('p', { class: 'muted' }, t('queue.shortcutsHint')) : null);

	let rows = [], selected = -1, cursor = null, total = 0;
	function select(i) {
		if (!rows.length) return;
		selected = Math.max(0, Math.min(rows.length - 1, i));
		rows.forEach((r, j) => r.classList.toggle('selected', j === selected));
		rows[selected].querySelector('a').focus();
	}
	function row(r) {
		const unread = isUnread(r);
		const cells = [
			h('td', h('span', { class: 'mono' }, r.code)),
			h('td', h('a', { href: '/app/requests/' + encodeURIComponent(r.code), class: 'subject' }, r.subject), ' ',
				unread ? h('span', { class: 'badge unread', title: t('queue.unreadLabel') }, t('queue.unread')) : null, ' ',
				overdueBadge(r)),
		];
		if (isStaff) cells.push(h('td', { title: r.unit_name || '' }, r.unit));
		cells.push(h('td', statusBadge(r.status)), h('td', prioBadge(r.priority)));
		if (isStaff) cells.push(h('td', { class: 'hide-narrow' }, r.assignee || t('req.unassigned')));
		cells.push(h('td', { class: 'hide-narrow' }, time(r.updated_at)));
		const tr = h('tr', { dataset: { code: r.code }, class: unread ? 'unread' : null }, cells);
		return tr;
	}
	async function load() {
		const q = { ...f, limit: 50 };
		if (cursor) q.cursor = cursor;
		let page;
		try {
			page = await get('/requests' + qs(q));
		} catch (e) {
			add(main, alertBox('error', errorText(e)));
			return;
		}
		if (!isCurrent()) return;
		const items = page.items || [];
		const trs = items.map(row);
		tbody.append(...trs);
		rows = rows.concat(trs);
		total += items.length;
		count.textContent = t('queue.count', { n: total });
		cursor = page.next_cursor || page.next || null;
		more.hidden = !cursor;
		if (!rows.length) tbody.append(h('tr', h('td', { colspan: cols.length }, t('common.empty'))));
	}
	more.addEventListener('click', load);
	await load();
	// refresh every minute while the queue is shown, one page long, nothing selected
	const timer = setInterval(async () => {
		if (!isCurrent() || !document.body.contains(tbody)) return clearInterval(timer);
		if (document.hidden || selected >= 0 || total > 50 || tbody.contains(document.activeElement)) return;
		rows = [];
		total = 0;
		cursor = null;
		const fresh = h('tbody');
		tbody.replaceWith(fresh);
		tbody = fresh;
		await load();
	}, 60000);
	setKeys({
		j: () => select(selected + 1),
		k: () => select(selected < 0 ? 0 : selected - 1),
		o: () => selected >= 0 && navigate('/app/requests/' + encodeURIComponent(rows[selected].dataset.code)),
	});
}
