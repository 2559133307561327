// login.js — POST /api/v1/session; a second step asks for the TOTP code.
import { post } from '../api.js';
import { add, field, h, put } from '../dom.js';
import { t } from '../i18n.js';
import { liveRegion } from '../ui.js';
import { setSession, state } from '../main.js';

export async function loginView(main, match, { navigate }) {
	const user = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true, autocapitalize: 'none', spellcheck: 'false' });
	const pass = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
	const totp = h('input', { name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6' });
	const recovery = h('input', { name: 'recovery_code', autocomplete: 'off' });
	const second = h('div', { hidden: true }, field(t('login.totp'), totp, t('login.totpHint')), field(t('login.recovery'), recovery));
	const live = liveRegion();
	const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
	const form = h('form', { novalidate: true, id: 'login-form' },
		field(t('login.username'), user), field(t('login.password'), pass), second,
		h('div', { class: 'actions' }, submit));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		const body = { username: user.value.trim(), password: pass.value };
		if (!second.hidden && totp.value.trim()) body.totp = totp.value.trim();
		if (!second.hidden && recovery.value.trim()) body.recovery_code = recovery.value.trim();
		submit.disabled = true;
		try {
			const s = await post('/session', body, { noAuthRedirect: true });
			setSession(s);
			state.loginPassword = pass.value; // for the first-login change, kept in memory only
			navigate(s.must_change ? '/app/password' : s.totp_enrollment_required ? '/app/totp' : '/app/');
		} catch (err) {
			if (err.code === 'totp_required') {
				second.hidden = false;
				live.show('info', t('login.totpRequired'));
				totp.focus();
			} else if (err.status === 429) {
				live.show('error', t('login.locked', { s: err.retryAfter || 30 }));
			} else if (err.code === 'invalid_credentials') {
				live.show('error', t('login.invalid'));
				pass.value = '';
				pass.focus();
			} else {
				live.show('error', t('common.error', { msg: err.message }));
			}
		} finally {
			submit.disabled = false;
		}
	});
	main.classList.add('narrow');
	add(main, h('h1', t('login.title')), live, form,
		h('p', { class: 'muted' }, t('login.public')),
		h('ul', h('li', h('a', { href: '/gui-yeu-cau' }, t('login.publicSubmit'))),
			h('li', h('a', { href: '/xac-minh' }, t('login.publicVerify')))));
}
