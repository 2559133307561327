// password.js — change the password, with every policy rule shown live
// (POST /api/v1/password/check as the user types).
import { post } from '../api.js';
import { add, field, h, put } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { liveRegion, errorText } from '../ui.js';

const RULES = ['too_short', 'no_lower', 'no_upper', 'no_digit', 'no_special', 'personal', 'default', 'breached', 'weak', 'reused'];

export async function passwordView(main, match, { state, navigate }) {
	const user = state.user;
	const cur = h('input', { type: 'password', autocomplete: 'current-password', required: true });
	const pw = h('input', { type: 'password', autocomplete: 'new-password', required: true, autofocus: true });
	const pw2 = h('input', { type: 'password', autocomplete: 'new-password', required: true });
	if (state.loginPassword && user.must_change) cur.value = state.loginPassword;
	const curField = field(t('pw.current'), cur);
	const pwField = field(t('pw.new'), pw);
	const pw2Field = field(t('pw.confirm'), pw2);
	let minLen = 8; // the server's minimum, learnt from its too_short message
	const items = {};
	const list = h('ul', { class: 'rules', id: 'pw-rules', 'aria-live': 'polite' }, RULES.map((r) => {
		items[r] = h('li', { class: 'unknown', dataset: { rule: r } }, t('rule.' + r, { n: minLen }));
		return items[r];
	}));
	const extra = h('li', { class: 'fail', hidden: true, dataset: { rule: 'too_long' } }, t('rule.too_long'));
	list.append(extra);
	const strength = h('p', { class: 'muted', id: 'pw-strength' });
	const live = liveRegion();
	let seq = 0, timer = null;

	function showRules(failed, messages) {
		for (const r of RULES) {
			const bad = failed.has(r);
			items[r].className = pw.value ? (bad ? 'fail' : 'pass') : 'unknown';
			items[r].textContent = bad && messages[r] ? messages[r] : t('rule.' + r, { n: minLen });
		}
		extra.hidden = !failed.has('too_long');
	}

	async function check() {
		const mine = ++seq;
		if (!pw.value) return showRules(new Set(), {});
		try {
			await post('/password/check', { password: pw.value });
			if (mine === seq) {
				showRules(new Set(), {});
				strength.textContent = '';
			}
		} catch (e) {
			if (mine !== seq) return;
			if (e.code === 'weak_password') {
				const rules = e.body.error.rules || [];
				const msgs = {};
				rules.forEach((r) => (msgs[r.rule] = getLang() === 'en' ? r.message_en : r.message_vi));
				const short = rules.find((r) => r.rule === 'too_short');
				const n = short && /(\d+)/.exec(short.message_en || '');
				if (n) minLen = Number(n[1]);
				showRules(new Set(rules.map((r) => r.rule)), msgs);
				strength.textContent = t('pw.strength', { n: e.body.error.score ?? 0 });
			}
		}
	}
	pw.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(check, 200);
	});

	const form = h('form', { novalidate: true, id: 'password-form' }, curField, pwField,
		h('h2', { id: 'rules-title' }, t('pw.rules')), list, strength, pw2Field,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('pw.submit'))));
	list.setAttribute('aria-labelledby', 'rules-title');
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		pw2Field.setError('');
		curField.setError('');
		if (pw.value !== pw2.value) {
			pw2Field.setError(t('pw.mismatch'));
			pw2.focus();
			return;
		}
		try {
			await post('/password', { current: cur.value, new: pw.value });
			delete state.loginPassword;
			user.must_change = false;
			state.flash = { kind: 'ok', text: t('pw.done') };
			navigate(user.totp_enrollment_required ? '/app/totp' : '/app/');
		} catch (err) {
			if (err.code === 'weak_password') {
				live.show('error', t('pw.weak'));
				await check();
				pw.focus();
			} else if (err.field === 'current' || err.code === 'invalid_credentials') {
				curField.setError(t('pw.wrongCurrent'));
				cur.focus();
			} else {
				live.show('error', errorText(err));
			}
		}
	});
	main.classList.add('narrow');
	add(main, h('h1', t('pw.title')), user.must_change ? h('p', { class: 'alert alert-info' }, t('pw.first')) : null, live, form);
}
