// admin.js — administration: units (with CSV import), services, accounts,
// official contacts.  Every write goes through the API, which audits it.
import { get, post, patch, del, api } from '../api.js';
import { add, field, h, option, put } from '../dom.js';
import { t } from '../i18n.js';
import { liveRegion, errorText, table, notAvailable, alertBox, time } from '../ui.js';

// Show an API error on the field it names, or in the live region.
function showError(live, fields, err) {
	const f = err.field && fields[err.field];
	if (f) {
		f.setError(err.message);
		f.control.focus();
	}
	live.show('error', errorText(err));
}

function clearErrors(fields) {
	Object.values(fields).forEach((f) => f.setError(''));
}

// ------------------------------------------------------------------ units
export async function unitsView(main, match, { isCurrent }) {
	const live = liveRegion();
	const listArea = h('div', { id: 'units-list' });
	add(main, h('h1', t('admin.units')), live);

	const code = h('input', { name: 'code', required: true, maxlength: 20, autocapitalize: 'characters' });
	const name = h('input', { name: 'name', required: true, maxlength: 200 });
	const parent = h('select', { name: 'parent' });
	const province = h('input', { name: 'province', maxlength: 100 });
	const fields = { code: field(t('common.code'), code), name: field(t('common.name'), name),
		parent: field(t('admin.unitParent'), parent), province: field(t('admin.unitProvince'), province) };
	let editing = null;
	const submit = h('button', { type: 'submit', class: 'primary' }, t('admin.unitAdd'));
	const cancel = h('button', { type: 'button', hidden: true, onclick: () => edit(null) }, t('common.cancel'));
	const formTitle = h('h2', { id: 'unit-form-title' }, t('admin.unitAdd'));
	const form = h('form', { id: 'unit-form', novalidate: true, 'aria-labelledby': 'unit-form-title' },
		formTitle, fields.code, fields.name, fields.parent, fields.province, h('div', { class: 'actions' }, submit, cancel));

	function edit(u) {
		editing = u;
		clearErrors(fields);
		code.value = u ? u.code : '';
		code.disabled = !!u;
		name.value = u ? u.name : '';
		parent.value = u && u.parent ? u.parent : '';
		province.value = u && u.province ? u.province : '';
		formTitle.textContent = u ? `${t('common.edit')}: ${u.code}` : t('admin.unitAdd');
		submit.textContent = u ? t('common.save') : t('admin.unitAdd');
		cancel.hidden = !u;
		(u ? name : code).focus();
	}

	async function load() {
		const units = (await get('/units')).items || [];
		if (!isCurrent()) return;
		put(parent, option('', t('common.none')), units.map((u) => option(u.code, `${u.code} — ${u.name}`)));
		put(listArea, table([t('common.code'), t('common.name'), t('admin.unitParent'), t('admin.unitProvince'), t('common.actions')],
			units.map((u) => h('tr', { dataset: { code: u.code } },
				h('td', h('span', { class: 'mono' }, u.code)), h('td', u.name), h('td', u.parent || ''), h('td', u.province || ''),
				h('td', h('button', { type: 'button', 'aria-label': `${t('common.edit')} ${u.code}`, onclick: () => edit(u) }, t('common.edit')))))));
	}

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(fields);
		const body = { name: name.value.trim(), parent: parent.value || null, province: province.value.trim() || null };
		try {
			if (editing) await patch('/units/' + encodeURIComponent(editing.code), body);
			else await post('/units', { code: code.value.trim(), ...body });
			live.show('ok', t('common.saved'));
			edit(null);
			await load();
		} catch (err) {
			showError(live, fields, err);
		}
	});

	// CSV import
	const file = h('input', { type: 'file', name: 'csv', accept: '.csv,text/csv', required: true });
	const fileField = field(t('admin.importFile'), file, t('admin.importHint'));
	const importResult = h('div', { id: 'import-result', 'aria-live': 'polite' });
	const importForm = h('form', { id: 'import-form', novalidate: true },
		h('h2', t('admin.import')), fileField,
		h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('admin.importSubmit'))), importResult);
	importForm.addEventListener('submit', async (e) => {
		e.preventDefault();
		fileField.setError('');
		const f = file.files && file.files[0];
		if (!f) {
			fileField.setError(t('err.missing_field'));
			return;
		}
		try {
			const r = await api('POST', '/units/import', await f.text(), { contentType: 'text/csv; charset=utf-8' });
			put(importResult, alertBox('ok', t('admin.imported', { n: r.imported, created: r.created, updated: r.updated })));
			file.value = '';
			await load();
		} catch (err) {
			const errs = (err.body && err.body.error && err.body.error.errors) || [];
			put(importResult, h('div', { class: 'alert alert-error', role: 'alert' },
				h('p', errorText(err)),
				errs.length ? h('ul', errs.map((x) => h('li', x.line ? `${x.line}: ${x.message}` : x.message))) : null));
		}
	});

	add(main, listArea, h('div', { class: 'grid' }, h('section', { class: 'card' }, form), h('section', { class: 'card' }, importForm)));
	await load();
}

// ------------------------------------------------------------------ services
export async function servicesView(main, match, { isCurrent }) {
	const live = liveRegion();
	const listArea = h('div', { id: 'services-list' });
	const code = h('input', { name: 'code', required: true, maxlength: 20, autocapitalize: 'characters' });
	const name = h('input', { name: 'name', required: true, maxlength: 200 });
	const fields = { code: field(t('common.code'), code), name: field(t('common.name'), name) };
	let editing = null;
	const submit = h('button', { type: 'submit', class: 'primary' }, t('admin.serviceAdd'));
	const cancel = h('button', { type: 'button', hidden: true, onclick: () => edit(null) }, t('common.cancel'));
	const form = h('form', { id: 'service-form', novalidate: true }, h('h2', t('admin.serviceAdd')), fields.code, fields.name,
		h('div', { class: 'actions' }, submit, cancel));
	function edit(s) {
		editing = s;
		clearErrors(fields);
		code.value = s ? s.code : '';
		code.disabled = !!s;
		name.value = s ? s.name : '';
		submit.textContent = s ? t('common.save') : t('admin.serviceAdd');
		cancel.hidden = !s;
		(s ? name : code).focus();
	}
	async function load() {
		const items = (await get('/services')).items || [];
		if (!isCurrent()) return;
		put(listArea, table([t('common.code'), t('common.name'), t('common.actions')], items.map((s) => h('tr',
			h('td', h('span', { class: 'mono' }, s.code)), h('td', s.name),
			h('td', h('button', { type: 'button', 'aria-label': `${t('common.edit')} ${s.code}`, onclick: () => edit(s) }, t('common.edit')))))));
	}
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(fields);
		try {
			if (editing) await patch('/services/' + encodeURIComponent(editing.code), { name: name.value.trim() });
			else await post('/services', { code: code.value.trim(), name: name.value.trim() });
			live.show('ok', t('common.saved'));
			edit(null);
			await load();
		} catch (err) {
			showError(live, fields, err);
		}
	});
	add(main, h('h1', t('admin.services')), live, listArea, h('section', { class: 'card' }, form));
	await load();
}

// ------------------------------------------------------------------ accounts
export async function usersView(main, match, { state, isCurrent }) {
	const me = state.user.username;
	const live = liveRegion();
	const secret = h('div', { id: 'initial-password', 'aria-live': 'polite' });
	const listArea = h('div', { id: 'users-list' });
	const units = (await get('/units').catch(() => ({ items: [] }))).items || [];
	if (!isCurrent()) return;
	const username = h('input', { name: 'username', required: true, maxlength: 64, autocapitalize: 'none', spellcheck: 'false' });
	const display = h('input', { name: 'display_name', required: true, maxlength: 200 });
	const role = h('select', { name: 'role' }, ['agent', 'unit', 'admin'].map((r) => option(r, t('role.' + r))));
	const unit = h('select', { name: 'unit' }, option('', t('common.none')), units.map((u) => option(u.code, `${u.code} — ${u.name}`)));
	const email = h('input', { type: 'email', name: 'email' });
	const phone = h('input', { type: 'tel', name: 'phone' });
	const fields = { username: field(t('admin.username'), username), display_name: field(t('admin.displayName'), display),
		role: field(t('admin.role'), role), unit: field(t('common.unit'), unit), email: field(t('common.email'), email),
		phone: field(t('common.phone'), phone) };
	const form = h('form', { id: 'user-form', novalidate: true }, h('h2', t('admin.userAdd')), Object.values(fields),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.userAdd'))));
	const showPassword = (user, pw) => put(secret, h('div', { class: 'alert alert-warning', role: 'status' },
		t('admin.initialPassword', { user, pw: '' }), h('code', { class: 'secret' }, pw)));

	async function load() {
		const items = (await get('/users')).items || [];
		if (!isCurrent()) return;
		put(listArea, table([t('admin.username'), t('admin.displayName'), t('admin.role'), t('common.unit'), t('admin.status'), t('common.actions')],
			items.map((u) => h('tr', { dataset: { username: u.username } },
				h('td', h('span', { class: 'mono' }, u.username)), h('td', u.display_name || ''), h('td', t('role.' + u.role)),
				h('td', u.unit || ''), h('td', t('ustatus.' + (u.status || 'active'))),
				h('td', u.username === me ? h('a', { href: '/app/account' }, t('acct.title')) : h('div', { class: 'actions' },
					h('button', { type: 'button', onclick: () => setStatus(u, u.status === 'disabled' ? 'active' : 'disabled') },
						t(u.status === 'disabled' ? 'admin.enable' : 'admin.disable')),
					h('button', { type: 'button', onclick: () => window.confirm(t('admin.confirmReset', { user: u.username })) && reset(u) }, t('admin.reset'))))))));
	}
	async function setStatus(u, status) {
		try {
			await patch('/users/' + encodeURIComponent(u.username), { status });
			live.show('ok', t('common.saved'));
			await load();
		} catch (err) {
			live.show('error', errorText(err));
		}
	}
	async function reset(u) {
		try {
			const r = await post('/users/' + encodeURIComponent(u.username) + '/reset-password', {});
			showPassword(u.username, r.initial_password);
		} catch (err) {
			live.show('error', errorText(err));
		}
	}
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(fields);
		const body = { username: username.value.trim(), display_name: display.value.trim(), role: role.value };
		if (unit.value) body.unit = unit.value;
		if (email.value.trim()) body.email = email.value.trim();
		if (phone.value.trim()) body.phone = phone.value.trim();
		try {
			const r = await post('/users', body);
			showPassword(r.username || body.username, r.initial_password);
			form.reset();
			await load();
		} catch (err) {
			showError(live, fields, err);
		}
	});
	add(main, h('h1', t('admin.users')), live, secret, listArea, h('section', { class: 'card' }, form));
	await load();
}

// ------------------------------------------------------------------ official contacts
export async function contactsView(main, match, { isCurrent }) {
	add(main, h('h1', t('contacts.title')));
	let first;
	try {
		first = await get('/contacts?all=1');
	} catch (e) {
		if (e.status === 404 || e.status === 405) {
			add(main, notAvailable());
			return;
		}
		throw e;
	}
	if (!isCurrent()) return;
	const live = liveRegion();
	const listArea = h('div', { id: 'contacts-list' });
	const kind = h('select', { name: 'kind' }, ['mailbox', 'phone', 'staff'].map((k) => option(k, t('contacts.kind.' + k))));
	const label = h('input', { name: 'label', maxlength: 200 });
	const display = h('input', { name: 'display_name', maxlength: 200 });
	const email = h('input', { type: 'email', name: 'email' });
	const phone = h('input', { type: 'tel', name: 'phone' });
	const ext = h('input', { name: 'extension', inputmode: 'numeric', maxlength: 10 });
	const fields = { kind: field(t('contacts.kind'), kind), label: field(t('contacts.label'), label),
		display_name: field(t('contacts.displayName'), display), email: field(t('common.email'), email),
		phone: field(t('common.phone'), phone), extension: field(t('contacts.extension'), ext) };
	const form = h('form', { id: 'contact-form', novalidate: true }, h('h2', t('contacts.add')), Object.values(fields),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('contacts.add'))));

	function draw(items) {
		put(listArea, table([t('contacts.kind'), t('contacts.label'), t('contacts.displayName'), t('common.email'), t('common.phone'),
			t('contacts.extension'), t('common.active'), t('common.actions')],
		items.map((c) => h('tr', { dataset: { id: c.id } },
			h('td', t('contacts.kind.' + c.kind)), h('td', c.label || ''), h('td', c.display_name || ''), h('td', c.email || ''),
			h('td', c.phone || ''), h('td', c.extension || ''), h('td', c.active === false ? t('common.no') : t('common.yes')),
			h('td', h('div', { class: 'actions' },
				h('button', { type: 'button', onclick: () => change(c, { active: c.active === false }) }, c.active === false ? t('contacts.activate') : t('contacts.retire')),
				h('button', { type: 'button', onclick: () => window.confirm(t('contacts.confirmDelete', { label: c.label || '' })) && remove(c) }, t('common.delete'))))))));
	}
	async function load() {
		const r = await get('/contacts?all=1');
		if (isCurrent()) draw(r.items || []);
	}
	async function change(c, body) {
		try {
			await patch('/contacts/' + encodeURIComponent(c.id), body);
			live.show('ok', t('common.saved'));
			await load();
		} catch (err) {
			live.show('error', errorText(err));
		}
	}
	async function remove(c) {
		try {
			await del('/contacts/' + encodeURIComponent(c.id));
			live.show('ok', t('common.saved'));
			await load();
		} catch (err) {
			live.show('error', errorText(err));
		}
	}
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(fields);
		const body = { kind: kind.value };
		for (const [k, el] of [['label', label], ['display_name', display], ['email', email], ['phone', phone], ['extension', ext]])
			if (el.value.trim()) body[k] = el.value.trim();
		try {
			await post('/contacts', body);
			live.show('ok', t('common.saved'));
			form.reset();
			await load();
		} catch (err) {
			showError(live, fields, err);
		}
	});
	add(main, h('p', t('contacts.intro')), live, listArea, h('section', { class: 'card' }, form));
	draw(first.items || []);
}

// ------------------------------------------------------------------ announcements
export async function announcementsView(main, match, { isCurrent }) {
	add(main, h('h1', t('ann.title')));
	const first = await getOptionalList('/announcements');
	if (!isCurrent()) return;
	if (!first) return add(main, notAvailable());
	const live = liveRegion();
	const listArea = h('div', { id: 'announcements-list' });
	const title = h('input', { name: 'title', required: true, maxlength: 300 });
	const body = h('textarea', { name: 'body', required: true });
	const when = h('input', { type: 'datetime-local', name: 'published_at' });
	const fields = { title: field(t('ann.titleField'), title), body: field(t('ann.body'), body),
		published_at: field(t('ann.when'), when, t('ann.whenHint')) };
	const form = h('form', { id: 'announcement-form', novalidate: true }, h('h2', t('ann.add')), Object.values(fields),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('ann.add'))));
	function draw(items) {
		put(listArea, items.length ? h('ul', { class: 'timeline' }, items.map((a) => h('li', { dataset: { id: a.id } },
			h('strong', a.title || ''), h('div', { class: 'meta' }, time(a.published_at)), h('div', { class: 'body' }, a.body || ''),
			h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => remove(a) }, t('common.delete'))))))
			: h('p', { class: 'muted' }, t('common.empty')));
	}
	async function load() {
		const r = await getOptionalList('/announcements');
		if (isCurrent() && r) draw(r);
	}
	async function remove(a) {
		try {
			await del('/announcements/' + encodeURIComponent(a.id));
			live.show('ok', t('common.saved'));
			await load();
		} catch (err) {
			live.show('error', errorText(err));
		}
	}
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(fields);
		const b = { title: title.value.trim(), body: body.value };
		// the input is Vietnam time; the API takes UTC
		if (when.value) b.published_at = new Date(when.value + ':00+07:00').toISOString().replace(/\.\d{3}Z$/, 'Z');
		try {
			await post('/announcements', b);
			live.show('ok', t('common.saved'));
			form.reset();
			await load();
		} catch (err) {
			showError(live, fields, err);
		}
	});
	add(main, live, listArea, h('section', { class: 'card' }, form));
	draw(first);
}

async function getOptionalList(path) {
	try {
		return (await get(path)).items || [];
	} catch (e) {
		if (e.status === 404 || e.status === 405) return null;
		throw e;
	}
}

// ------------------------------------------------------------------ audit log
export async function auditView(main, match, { navigate, isCurrent }) {
	add(main, h('h1', t('audit.title')));
	const params = Object.fromEntries(new URLSearchParams(location.search));
	const form = h('form', { class: 'filters', id: 'audit-filters' },
		['action', 'actor', 'object'].map((k) => field(t('audit.' + k), h('input', { name: k, value: params[k] || '', autocomplete: 'off', spellcheck: 'false' }))),
		h('div', h('button', { type: 'submit' }, t('leaks.filter'))));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const v = Object.fromEntries([...new FormData(form).entries()].filter(([, x]) => x.trim()));
		navigate('/app/admin/audit' + (Object.keys(v).length ? '?' + new URLSearchParams(v) : ''));
	});
	const tbody = h('tbody');
	const more = h('button', { type: 'button', hidden: true, id: 'audit-more' }, t('common.more'));
	add(main, form, h('div', { class: 'table-wrap' }, h('table', { id: 'audit' },
		h('thead', h('tr', [t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.object'), t('audit.detail')].map((x) => h('th', { scope: 'col' }, x)))),
		tbody)), h('div', { class: 'actions' }, more));
	let cursor = null;
	async function load() {
		const q = new URLSearchParams({ ...params, limit: '50' });
		if (cursor) q.set('cursor', cursor);
		const page = await get('/audit?' + q);
		if (!isCurrent()) return;
		add(tbody, (page.items || []).map((a) => h('tr', { dataset: { id: a.id } },
			h('td', time(a.at)), h('td', a.actor || ''), h('td', h('span', { class: 'mono' }, a.action || '')), h('td', a.object || ''),
			h('td', a.detail ? h('span', { class: 'prewrap' }, detailText(a.detail)) : ''))));
		cursor = page.next_cursor || null;
		more.hidden = !cursor;
		if (!tbody.children.length) add(tbody, h('tr', h('td', { colspan: 5 }, t('common.empty'))));
	}
	more.addEventListener('click', load);
	await load();
}

// An audit detail as "key: value" lines, leaving out empty values.
function detailText(d) {
	if (typeof d !== 'object' || d === null) return String(d);
	return Object.entries(d).filter(([, v]) => v !== null && v !== undefined && v !== '')
		.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}
