// totp.js — two-step verification: POST /api/v1/totp gives the secret and the
// otpauth URI (drawn as a QR code in SVG, and shown as text), POST
// /api/v1/totp/confirm checks the first code and returns the recovery codes.
import qrcode from 'qrcode-generator';
import { post } from '../api.js';
import { add, field, h, put, svg } from '../dom.js';
import { t } from '../i18n.js';
import { liveRegion, errorText } from '../ui.js';

function qrSvg(text) {
	const qr = qrcode(0, 'M');
	qr.addData(text);
	qr.make();
	const n = qr.getModuleCount(), q = 4, size = n + 2 * q;
	const cells = [];
	for (let r = 0; r < n; r++)
		for (let c = 0; c < n; c++) if (qr.isDark(r, c)) cells.push(`M${c + q} ${r + q}h1v1h-1z`);
	return svg('svg', { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': t('totp.qr'), 'shape-rendering': 'crispEdges' },
		svg('rect', { width: size, height: size, fill: '#fff' }),
		svg('path', { d: cells.join(''), fill: '#000' }));
}

export async function totpView(main, match, { state, navigate }) {
	const user = state.user;
	const live = liveRegion();
	const area = h('div');
	main.classList.add('narrow');
	add(main, h('h1', t('totp.title')),
		user.totp_enrollment_required ? h('p', { class: 'alert alert-info' }, t('totp.required')) : null,
		h('p', t('totp.intro')), live, area);

	async function begin() {
		let s;
		try {
			s = await post('/totp', {});
		} catch (e) {
			live.show('error', errorText(e));
			return;
		}
		const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', pattern: '[0-9]{6}', required: true });
		const codeField = field(t('totp.code'), code);
		const form = h('form', { novalidate: true, id: 'totp-form' }, codeField,
			h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('totp.confirm'))));
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			codeField.setError('');
			try {
				const r = await post('/totp/confirm', { code: code.value.trim() });
				user.totp_enrollment_required = false;
				put(area, 
					h('div', { class: 'alert alert-ok', role: 'status' }, t('totp.enabled')),
					h('p', h('strong', t('totp.recovery'))),
					h('ul', { class: 'codes', id: 'recovery-codes' }, (r.recovery_codes || []).map((c) => h('li', c))),
					h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', autofocus: true, onclick: () => navigate('/app/') }, t('totp.continue'))));
				area.querySelector('button').focus();
			} catch (err) {
				codeField.setError(err.field === 'code' ? t('totp.badCode') : errorText(err));
				code.focus();
			}
		});
		const secret = s.secret.replace(/(.{4})/g, '$1 ').trim();
		put(area, 
			h('div', { class: 'qr' }, qrSvg(s.otpauth_uri)),
			h('dl', { class: 'facts' },
				h('dt', t('totp.secret')), h('dd', { class: 'secret', id: 'totp-secret' }, secret),
				h('dt', t('totp.uri')), h('dd', h('code', { id: 'totp-uri' }, s.otpauth_uri))),
			form);
		code.focus();
	}
	add(area, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'totp-start', autofocus: true, onclick: begin }, t('totp.start'))));
}
