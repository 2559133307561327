// modules.js — leaked accounts, the advisories dashboard, SLA and statistics.
// Their endpoints come from other parts of the server; until a server has
// them, each view says "not available" instead of failing.
import { get, getOptional, qs, post } from '../api.js';
import { add, field, h, option, put } from '../dom.js';
import { t, todayVN, fmtDuration, fmtDate, label } from '../i18n.js';
import { table, time, notAvailable, prioBadge, errorText } from '../ui.js';
import { columnChart, barChart, stackedChart } from '../chart.js';

const codeLink = (code) => (code ? h('a', { href: '/app/requests/' + encodeURIComponent(code), class: 'mono' }, code) : '');

function filterForm(id, defs, values, onSubmit) {
	const form = h('form', { class: 'filters', id }, defs.map(([name, label, opts]) => {
		const control = opts
			? h('select', { name }, option('', t('common.all')), opts.map(([v, text]) => option(v, text, values[name] === v)))
			: h('input', { name, type: name === 'from' || name === 'to' ? 'date' : 'text', value: values[name] || '' });
		return field(label, control);
	}), h('div', h('button', { type: 'submit' }, t('leaks.filter'))));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		onSubmit(Object.fromEntries(new FormData(form).entries()));
	});
	return form;
}

async function unitOptions() {
	const r = await get('/units').catch(() => ({ items: [] }));
	return (r.items || []).map((u) => [u.code, `${u.code} — ${u.name}`]);
}

// ------------------------------------------------------------------ leaks
export async function leaksView(main, match, { navigate, isCurrent }) {
	add(main, h('h1', t('leaks.title')));
	const params = Object.fromEntries(new URLSearchParams(location.search));
	const data = await getOptional('/leaks' + qs(params));
	if (!isCurrent()) return;
	if (!data) return add(main, notAvailable());
	const units = await unitOptions();
	if (!isCurrent()) return;
	add(main, filterForm('leaks-filters', [
		['unit', t('common.unit'), units],
		['verdict', t('leaks.verdict'), ['valid_now', 'old_password', 'different', 'unknown_mailbox'].map((v) => [v, t('verdict.' + v)])],
		['source', t('leaks.source')],
	], params, (v) => navigate('/app/leaks' + qs(v))),
	table([t('common.unit'), t('leaks.account'), t('leaks.verdict'), t('leaks.hint'), t('leaks.system'), t('leaks.source'), t('leaks.found'), t('leaks.request')],
		(data.items || []).map((l) => h('tr',
			h('td', l.unit || ''), h('td', h('span', { class: 'mono' }, l.account || '')),
			h('td', h('span', { class: ['badge', l.verdict === 'valid_now' ? 'breached' : null] }, label('verdict.', l.verdict))),
			h('td', h('span', { class: 'mono' }, l.hint || '')),
			h('td', l.system || ''), h('td', l.source || ''), h('td', time(l.found_at)), h('td', codeLink(l.request)))), { id: 'leaks' }));
	if (!(data.items || []).length) add(main, h('p', { class: 'muted' }, t('common.empty')));
}

// ------------------------------------------------------------------ advisories
export async function advisoriesView(main, match, { isCurrent }) {
	add(main, h('h1', t('adv.title')));
	const dash = await getOptional('/advisories/dashboard');
	if (!isCurrent()) return;
	if (!dash) return add(main, notAvailable());
	const counts = (x) => [h('td', String(x.open ?? 0)), h('td', { class: x.overdue ? 'field-error' : null }, String(x.overdue ?? 0)), h('td', String(x.closed ?? 0))];
	add(main, 
		h('p', h('a', { href: '/api/v1/advisories/dashboard?format=csv', download: 'advisories.csv' }, t('adv.csv'))),
		stackedChart(t('adv.byUnit'), (dash.units || []).map((u) => ({ label: u.name || u.unit, parts: [
			{ name: t('adv.overdue'), value: u.overdue || 0, cls: 'bar-overdue' },
			{ name: t('adv.open'), value: Math.max(0, (u.open || 0) - (u.overdue || 0)), cls: 'bar-open' },
			{ name: t('adv.closed'), value: u.closed || 0, cls: 'bar-closed' }] })),
		[{ name: t('adv.overdue'), cls: 'bar-overdue' }, { name: t('adv.openNotOverdue'), cls: 'bar-open' }, { name: t('adv.closed'), cls: 'bar-closed' }]),
		h('h2', t('adv.byAdvisory')),
		table([t('adv.cve'), t('adv.titleCol'), t('adv.open'), t('adv.overdue'), t('adv.closed')],
			(dash.advisories || []).map((a) => h('tr', h('td', h('span', { class: 'mono' }, a.cve || a.ref || '')), h('td', a.title || ''), counts(a))), { id: 'adv-by-advisory' }),
		h('h2', t('adv.byUnit')),
		table([t('common.unit'), t('common.name'), t('adv.open'), t('adv.overdue'), t('adv.closed')],
			(dash.units || []).map((u) => h('tr', h('td', u.unit || ''), h('td', u.name || ''), counts(u))), { id: 'adv-by-unit' }));
	const list = await getOptional('/advisories');
	if (!isCurrent() || !list) return;
	add(main, h('h2', t('adv.list')),
		table([t('adv.cve'), t('adv.titleCol'), t('adv.severity'), t('adv.exploited'), t('adv.due')],
			(list.items || []).map((a) => h('tr', h('td', h('span', { class: 'mono' }, a.cve || a.ref || '')), h('td', [a.title, a.vendor && ` (${a.vendor} ${a.product || ''})`].filter(Boolean).join('')),
				h('td', label('sev.', a.severity)), h('td', a.exploited ? t('common.yes') : t('common.no')), h('td', a.due_days ?? '')))));
}

// ------------------------------------------------------------------ SLA
export async function slaView(main, match, { navigate, isCurrent }) {
	add(main, h('h1', t('sla.title')));
	const params = Object.fromEntries(new URLSearchParams(location.search));
	const [list, duty] = await Promise.all([getOptional('/sla' + qs(params)), getOptional('/duty/now').catch(() => null)]);
	if (!isCurrent()) return;
	if (!list) return add(main, notAvailable());
	if (duty) {
		const who = (x) => (x && typeof x === 'object' ? x.display_name || x.username || '' : x || t('common.none'));
		add(main, h('section', { class: 'card', id: 'duty' }, h('h2', t('sla.duty')),
			h('dl', { class: 'facts' }, h('dt', t('sla.primary')), h('dd', who(duty.primary)), h('dt', t('sla.backup')), h('dd', who(duty.backup)),
				h('dt', t('sla.lead')), h('dd', who(duty.lead)),
				'head' in duty ? [h('dt', t('sla.head')), h('dd', who(duty.head))] : null)));
	}
	if (list.counts) {
		add(main, h('section', { class: 'card', id: 'sla-counts' }, h('dl', { class: 'facts' },
			['breached', 'due_soon', 'ok', 'paused'].filter((k) => k in list.counts).map((k) => [
				h('dt', h('span', { class: ['badge', k] }, t('sla.state.' + k))), h('dd', String(list.counts[k]))]))));
	}
	const units = await unitOptions();
	if (!isCurrent()) return;
	add(main, filterForm('sla-filters', [
		['state', t('sla.state'), ['breached', 'due_soon', 'ok', 'paused'].map((s) => [s, t('sla.state.' + s)])],
		['unit', t('common.unit'), units],
	], params, (v) => navigate('/app/sla' + qs(v))));
	const items = list.items || [];
	if (!items.length) return add(main, h('p', { class: 'muted' }, params.state ? t('common.empty') : t('sla.none')));
	add(main, table([t('queue.col.code'), t('common.unit'), t('req.kind'), t('req.priority'), t('req.assignee'), t('sla.target'), t('sla.due'), t('sla.state')],
		items.map((x) => h('tr', h('td', codeLink(x.code)), h('td', x.unit || ''), h('td', x.kind ? t('kind.' + x.kind) : ''),
			h('td', x.priority ? prioBadge(x.priority) : ''), h('td', x.assignee || t('req.unassigned')),
			h('td', x.target ? t('sla.target.' + x.target) : ''), h('td', time(x.due)),
			h('td', x.state ? h('span', { class: ['badge', x.state] }, t('sla.state.' + x.state)) : ''))), { id: 'sla' }));
}

// ------------------------------------------------------------------ statistics
export async function statsView(main, match, { navigate, isCurrent }) {
	add(main, h('h1', t('stats.title')));
	const params = Object.fromEntries(new URLSearchParams(location.search));
	const range = { from: params.from || todayVN(-365), to: params.to || todayVN(0) };
	const s = await getOptional('/stats' + qs(range));
	if (!isCurrent()) return;
	if (!s) return add(main, notAvailable());
	const pct = (r) => (r === null || r === undefined ? t('common.none') : `${Math.round(r * 1000) / 10}%`);
	const fr = s.first_response || {}, res = s.resolution || {}, c = s.sla_compliance || {};
	add(main, 
		filterForm('stats-range', [['from', t('stats.from')], ['to', t('stats.to')]], range, (v) => navigate('/app/stats' + qs(v))),
		h('p', h('a', { href: '/api/v1/stats' + qs({ ...range, format: 'csv' }), download: 'stats.csv' }, t('stats.csv'))),
		h('div', { class: 'grid' },
			h('section', { class: 'card' }, h('h2', t('stats.firstResponse')), h('dl', { class: 'facts' },
				h('dt', t('stats.median')), h('dd', fmtDuration(fr.median_s)), h('dt', t('stats.p90')), h('dd', fmtDuration(fr.p90_s)))),
			h('section', { class: 'card' }, h('h2', t('stats.resolution')), h('dl', { class: 'facts' },
				h('dt', t('stats.median')), h('dd', fmtDuration(res.median_s)), h('dt', t('stats.p90')), h('dd', fmtDuration(res.p90_s)))),
			h('section', { class: 'card' }, h('h2', t('stats.compliance')), h('dl', { class: 'facts' },
				h('dt', t('stats.met')), h('dd', String(c.met ?? 0)), h('dt', t('stats.breached')), h('dd', String(c.breached ?? 0)),
				h('dt', t('stats.ratio')), h('dd', pct(c.ratio))))),
		columnChart(t('stats.byMonth'), (s.by_month || []).map((x) => ({ label: x.key, value: x.count }))),
		barChart(t('stats.byCategory'), (s.by_category || []).map((x) => ({ label: label('cat.', x.key), value: x.count }))),
		barChart(t('stats.byUnit'), (s.by_unit || []).slice(0, 20).map((x) => ({ label: x.name ? `${x.key} — ${x.name}` : x.key, value: x.count }))));
}

// ------------------------------------------------------------------ remediation
// A unit answers each vulnerable asset (patched with the new version,
// mitigated, not affected); support reviews the answers.
export async function remediationView(main, match, { state, navigate, isCurrent }) {
	const user = state.user;
	const isStaff = user.role !== 'unit';
	add(main, h('h1', t('rem.title')));
	const params = Object.fromEntries(new URLSearchParams(location.search));
	const data = await getOptional('/remediation' + qs(params));
	if (!isCurrent()) return;
	if (!data) return add(main, notAvailable());
	const live = liveRegionBox();
	add(main, h('p', t(isStaff ? 'rem.introStaff' : 'rem.introUnit')), live,
		filterForm('rem-filters', [['state', t('sla.state'), ['open', 'overdue', 'answered', 'closed'].map((s) => [s, t('rem.state.' + s)])]],
			params, (v) => navigate('/app/remediation' + qs(v))));
	const items = data.items || [];
	if (!items.length) return add(main, h('p', { class: 'muted' }, t('common.empty')));
	const act = async (path, body) => {
		try {
			await post(path, body);
			state.flash = { kind: 'ok', text: t('common.saved') };
			navigate(location.pathname + location.search, { replace: true });
		} catch (e) {
			live.show('error', errorText(e));
		}
	};
	add(main, h('div', { id: 'remediation' }, items.map((it) => {
		const facts = h('dl', { class: 'facts' },
			h('dt', t('adv.cve')), h('dd', h('span', { class: 'mono' }, it.cve || it.ref || '')),
			h('dt', t('rem.asset')), h('dd', `${it.asset_name || ''}${it.version ? ' — ' + it.version : ''}`),
			h('dt', t('common.unit')), h('dd', it.unit || ''),
			h('dt', t('sla.due')), h('dd', it.due ? fmtDate(it.due) : t('common.none'), ' ', it.overdue ? h('span', { class: 'badge overdue' }, t('queue.overdue')) : null),
			h('dt', t('sla.state')), h('dd', t('rem.state.' + it.state)),
			it.request ? [h('dt', t('leaks.request')), h('dd', codeLink(it.request))] : null,
			it.answer ? [h('dt', t('rem.answer')), h('dd', label('rem.answer.', it.answer), it.answer_version ? ` (${it.answer_version})` : '',
				it.answer_text ? h('div', { class: 'prewrap' }, it.answer_text) : null)] : null);
		const card = h('section', { class: 'card', dataset: { id: it.id } }, h('h2', it.title || it.cve || ''), facts);
		if (!isStaff && it.state === 'open') {
			const answer = h('select', { name: 'answer' }, ['patched', 'mitigated', 'not_affected'].map((a) => option(a, t('rem.answer.' + a))));
			const version = h('input', { name: 'version', maxlength: 100 });
			const text = h('textarea', { name: 'text', maxlength: 4000 });
			const f = { answer: field(t('rem.answer'), answer), version: field(t('rem.version'), version, t('rem.versionHint')), text: field(t('rem.text'), text) };
			const form = h('form', { class: 'rem-answer', novalidate: true }, Object.values(f),
				h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('rem.send'))));
			form.addEventListener('submit', (e) => {
				e.preventDefault();
				const body = { answer: answer.value };
				if (version.value.trim()) body.version = version.value.trim();
				if (text.value.trim()) body.text = text.value.trim();
				act(`/remediation/${encodeURIComponent(it.id)}/answer`, body);
			});
			add(card, form);
		}
		if (isStaff && it.state === 'answered') {
			const text = h('textarea', { name: 'text', maxlength: 4000 });
			add(card, h('form', { class: 'rem-review', novalidate: true, onsubmit: (e) => e.preventDefault() }, field(t('rem.reviewText'), text),
				h('div', { class: 'actions' },
					h('button', { type: 'button', class: 'primary', onclick: () => act(`/remediation/${encodeURIComponent(it.id)}/review`, { accept: true, ...(text.value.trim() ? { text: text.value.trim() } : {}) }) }, t('rem.accept')),
					h('button', { type: 'button', onclick: () => act(`/remediation/${encodeURIComponent(it.id)}/review`, { accept: false, ...(text.value.trim() ? { text: text.value.trim() } : {}) }) }, t('rem.reject')))));
		}
		return card;
	})));
}

function liveRegionBox() {
	const el = h('div', { 'aria-live': 'polite' });
	el.show = (kind, text) => put(el, h('div', { class: ['alert', 'alert-' + kind], role: kind === 'error' ? 'alert' : 'status' }, text));
	return el;
}
