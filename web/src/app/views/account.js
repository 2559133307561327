// account.js — the caller's own security: password, two-step verification,
// live sessions (end one) and API tokens (create: shown once; revoke).
import { get, post, del } from '../api.js';
import { add, field, h, put } from '../dom.js';
import { t } from '../i18n.js';
import { liveRegion, errorText, table, time } from '../ui.js';

export async function accountView(main, match, { state, isCurrent }) {
	const user = state.user;
	const live = liveRegion();
	const sessions = h('div', { id: 'sessions' });
	const tokens = h('div', { id: 'tokens' });
	const shown = h('div', { id: 'new-token', 'aria-live': 'polite' });
	add(main, h('h1', t('acct.title')), live,
		h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/app/password' }, t('pw.title')),
			user.role !== 'unit' ? h('a', { class: 'btn', href: '/app/totp' }, t('nav.totp')) : null),
		h('h2', t('acct.sessions')), sessions, h('h2', t('acct.tokens')), h('p', t('acct.tokensIntro')), shown, tokens);

	const act = async (fn, done) => {
		try {
			await fn();
			live.show('ok', done || t('common.saved'));
			await load();
		} catch (e) {
			live.show('error', errorText(e));
		}
	};
	async function load() {
		const [s, k] = await Promise.all([get('/sessions'), get('/tokens')]);
		if (!isCurrent()) return;
		put(sessions, table([t('acct.started'), t('acct.lastSeen'), t('acct.ip'), t('acct.agent'), t('common.actions')],
			(s.items || []).map((x) => h('tr', { dataset: { id: x.id } }, h('td', time(x.created_at)), h('td', time(x.last_seen)), h('td', x.ip || ''),
				h('td', x.user_agent || ''), h('td', x.current ? h('strong', t('acct.current'))
					: h('button', { type: 'button', onclick: () => act(() => del('/sessions/' + encodeURIComponent(x.id))) }, t('acct.end')))))));
		put(tokens, (k.items || []).length ? table([t('common.name'), t('admin.role'), t('common.unit'), t('acct.created'), t('acct.expires'), t('common.actions')],
			(k.items || []).map((x) => h('tr', { dataset: { id: x.id } }, h('td', x.name || ''), h('td', x.role ? t('role.' + x.role) : ''), h('td', x.unit || ''),
				h('td', time(x.created_at)), h('td', time(x.expires_at)),
				h('td', h('button', { type: 'button', onclick: () => act(() => del('/tokens/' + encodeURIComponent(x.id))) }, t('acct.revoke'))))))
			: h('p', { class: 'muted' }, t('common.empty')));
	}
	const name = h('input', { name: 'name', maxlength: 100, required: true });
	const days = h('input', { name: 'expires_in_days', type: 'number', min: 1, max: 366, value: 90 });
	const f = { name: field(t('common.name'), name), days: field(t('acct.days'), days) };
	const form = h('form', { id: 'token-form', novalidate: true }, h('h3', t('acct.newToken')), f.name, f.days,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.create'))));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		f.name.setError('');
		if (!name.value.trim()) return f.name.setError(t('err.missing_field'));
		try {
			const r = await post('/tokens', { name: name.value.trim(), expires_in_days: Number(days.value) || 90 });
			put(shown, h('div', { class: 'alert alert-warning', role: 'status' }, t('acct.tokenOnce'), ' ', h('code', { class: 'secret' }, r.token)));
			form.reset();
			await load();
		} catch (err) {
			live.show('error', errorText(err));
		}
	});
	add(main, h('section', { class: 'card' }, form));
	await load();
}
