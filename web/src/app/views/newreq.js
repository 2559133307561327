// newreq.js — a new request (POST /api/v1/requests): a unit user files for
// its own unit; staff pick the unit (e.g. a request taken by phone).
import { get, post } from '../api.js';
import { add, field, h, option, put } from '../dom.js';
import { t } from '../i18n.js';
import { liveRegion, errorText } from '../ui.js';

export async function newRequestView(main, match, { state, navigate, isCurrent }) {
	const user = state.user;
	const isStaff = user.role !== 'unit';
	const [units, services] = await Promise.all([
		get('/units').then((r) => r.items || []).catch(() => []),
		get('/services').then((r) => r.items || []).catch(() => []),
	]);
	if (!isCurrent()) return;
	const unit = h('select', { name: 'unit', required: true },
		(isStaff ? units : units.filter((u) => u.code === user.unit)).map((u) => option(u.code, `${u.code} — ${u.name}`, u.code === user.unit)));
	const service = h('select', { name: 'service', required: true }, services.map((s) => option(s.code, `${s.code} — ${s.name}`)));
	const subject = h('input', { name: 'subject', required: true, maxlength: 300, autofocus: true });
	const desc = h('textarea', { name: 'description', required: true, maxlength: 65536 });
	const name = h('input', { name: 'name', required: true, autocomplete: 'name', value: isStaff ? '' : user.display_name || '' });
	const email = h('input', { type: 'email', name: 'email', autocomplete: 'email' });
	const phone = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel' });
	const prio = h('select', { name: 'priority' }, ['low', 'normal', 'high', 'urgent'].map((p) => option(p, t('prio.' + p), p === 'normal')));
	const fields = { unit: field(t('new.unit'), unit), service: field(t('new.service'), service), subject: field(t('new.subject'), subject),
		description: field(t('new.description'), desc, t('new.descriptionHint')), 'requester.name': field(t('new.name'), name),
		'requester.email': field(t('new.email'), email, t('new.contactHint')), 'requester.phone': field(t('new.phone'), phone),
		priority: field(t('new.priority'), prio) };
	const live = liveRegion();
	const form = h('form', { id: 'new-request', novalidate: true },
		fields.unit, fields.service, fields.subject, fields.description,
		h('fieldset', h('legend', t('req.requester')), fields['requester.name'], fields['requester.email'], fields['requester.phone']),
		isStaff ? fields.priority : null,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('new.submit'))));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		Object.values(fields).forEach((f) => f.setError(''));
		const requester = { name: name.value.trim() };
		if (email.value.trim()) requester.email = email.value.trim();
		if (phone.value.trim()) requester.phone = phone.value.trim();
		const body = { unit: unit.value, service: service.value, subject: subject.value.trim(), description: desc.value, requester, channel: 'web' };
		if (isStaff) body.priority = prio.value;
		try {
			const r = await post('/requests', body);
			state.flash = { kind: 'ok', text: t('new.created', { code: r.code }) };
			navigate('/app/requests/' + encodeURIComponent(r.code));
		} catch (err) {
			const f = err.field && fields[err.field];
			if (f) {
				f.setError(err.message);
				f.control.focus();
			}
			live.show('error', errorText(err));
		}
	});
	add(main, h('h1', t('new.title')), live, form);
}
