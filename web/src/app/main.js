// main.js — the single-page app under /app/: session, layout, routing.
import { get, del, setCsrf, whenUnauthorized } from './api.js';
import { add, clear, h, put } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { handleKey, setKeys, alertBox } from './ui.js';
import { loginView } from './views/login.js';
import { passwordView } from './views/password.js';
import { totpView } from './views/totp.js';
import { accountView } from './views/account.js';
import { queueView } from './views/queue.js';
import { requestView } from './views/request.js';
import { newRequestView } from './views/newreq.js';
import { unitsView, servicesView, usersView, contactsView, announcementsView, auditView } from './views/admin.js';
import { leaksView, advisoriesView, slaView, statsView, remediationView } from './views/modules.js';

export const state = { user: null, flash: null };

const staff = (u) => u && (u.role === 'admin' || u.role === 'agent');

// Routes: [pattern, view, who may see it]
const routes = [
	[/^\/app\/login$/, loginView, 'anyone'],
	[/^\/app\/password$/, passwordView, 'pending'],
	[/^\/app\/totp$/, totpView, 'pending'],
	[/^\/app\/?$/, queueView, 'user'],
	[/^\/app\/requests\/([A-Za-z0-9-]{1,40})$/, requestView, 'user'],
	[/^\/app\/new$/, newRequestView, 'user'],
	[/^\/app\/account$/, accountView, 'user'],
	[/^\/app\/leaks$/, leaksView, 'staff'],
	[/^\/app\/advisories$/, advisoriesView, 'staff'],
	[/^\/app\/remediation$/, remediationView, 'user'],
	[/^\/app\/sla$/, slaView, 'staff'],
	[/^\/app\/stats$/, statsView, 'staff'],
	[/^\/app\/admin\/units$/, unitsView, 'admin'],
	[/^\/app\/admin\/services$/, servicesView, 'admin'],
	[/^\/app\/admin\/users$/, usersView, 'admin'],
	[/^\/app\/admin\/contacts$/, contactsView, 'admin'],
	[/^\/app\/admin\/announcements$/, announcementsView, 'admin'],
	[/^\/app\/admin\/audit$/, auditView, 'admin'],
];

export function navigate(path, opts) {
	if (opts && opts.replace) history.replaceState(null, '', path);
	else history.pushState(null, '', path);
	render();
}

function navLinks(user) {
	const links = [];
	if (staff(user)) {
		links.push(['/app/', t('nav.queue')], ['/app/new', t('nav.new')], ['/app/leaks', t('nav.leaks')],
			['/app/advisories', t('nav.advisories')], ['/app/remediation', t('nav.remediation')], ['/app/sla', t('nav.sla')], ['/app/stats', t('nav.stats')]);
		if (user.role === 'admin')
			links.push(['/app/admin/units', t('nav.units')], ['/app/admin/services', t('nav.services')],
				['/app/admin/users', t('nav.users')], ['/app/admin/contacts', t('nav.contacts')],
				['/app/admin/announcements', t('nav.announcements')], ['/app/admin/audit', t('nav.audit')]);
	} else if (user) {
		links.push(['/app/', t('nav.myRequests')], ['/app/new', t('nav.new')], ['/app/remediation', t('nav.remediation')]);
	}
	return links;
}

function header(user) {
	const here = location.pathname.replace(/\/$/, '') || '/app';
	const langBtn = h('button', { type: 'button', lang: getLang() === 'vi' ? 'en' : 'vi', 'aria-label': t('lang.switchLabel'), id: 'lang-switch',
		onclick: () => { setLang(getLang() === 'vi' ? 'en' : 'vi'); render(); } }, t('lang.switch'));
	const right = [langBtn];
	if (user && !user.must_change) {
		right.unshift(h('a', { class: 'whoami', href: '/app/account', title: t('acct.title') }, user.display_name || user.username));
	}
	if (user)
		right.push(h('button', { type: 'button', id: 'logout', onclick: logout }, t('nav.logout')));
	const links = user && !user.must_change && !user.totp_enrollment_required ? navLinks(user) : [];
	return h('header', { class: 'site-header app-header' },
		h('a', { class: 'brand', href: user ? '/app/' : '/' }, t('app.title')),
		links.length ? h('nav', { 'aria-label': t('nav.main') }, h('ul', links.map(([href, text]) => {
			const cur = (href.replace(/\/$/, '') || '/app') === here;
			return h('li', h('a', { href, 'aria-current': cur ? 'page' : null }, text));
		}))) : null,
		h('div', { class: 'user' }, right));
}

async function logout() {
	try {
		await del('/session');
	} catch {
		/* gone already */
	}
	state.user = null;
	setCsrf(null);
	navigate('/app/login');
}

async function loadSession() {
	try {
		const s = await get('/session', { noAuthRedirect: true });
		setCsrf(s.csrf_token);
		state.user = s;
	} catch {
		state.user = null;
	}
}

export function setSession(s) {
	state.user = s;
	setCsrf(s ? s.csrf_token : null);
}

// Where a user belongs before anything else: a password change, then TOTP.
function pendingStep(user) {
	if (!user) return '/app/login';
	if (user.must_change) return '/app/password';
	if (user.totp_enrollment_required) return '/app/totp';
	return null;
}

let renderSeq = 0;
export async function render() {
	const seq = ++renderSeq;
	const root = document.getElementById('app');
	const path = location.pathname;
	let match = null, view = null, who = 'user';
	for (const [re, v, w] of routes) {
		const m = path.match(re);
		if (m) {
			match = m;
			view = v;
			who = w;
			break;
		}
	}
	const user = state.user;
	if (who !== 'anyone' && !user) return navigate('/app/login', { replace: true });
	if (who !== 'anyone' && who !== 'pending') {
		const step = pendingStep(user);
		if (step) return navigate(step, { replace: true });
	}
	if (path === '/app/login' && user && !pendingStep(user)) return navigate('/app/', { replace: true });
	document.documentElement.lang = getLang();
	setKeys(null);
	const main = h('main', { id: 'main', tabindex: '-1' });
	if (state.flash) {
		add(main, alertBox(state.flash.kind, state.flash.text));
		state.flash = null;
	}
	clear(root).append(
		h('a', { class: 'skip', href: '#main' }, t('app.skip')),
		header(user),
		main);
	if (!view) {
		add(main, h('h1', t('common.notFound')));
	} else if ((who === 'staff' && !staff(user)) || (who === 'admin' && user.role !== 'admin')) {
		add(main, h('h1', t('common.forbidden')));
	} else {
		try {
			await view(main, match, { state, navigate, isCurrent: () => seq === renderSeq });
		} catch (e) {
			if (seq === renderSeq) add(main, alertBox('error', t('common.error', { msg: e.message })));
		}
	}
	if (seq !== renderSeq) return;
	const h1 = main.querySelector('h1');
	document.title = (h1 ? h1.textContent + ' — ' : '') + t('app.title');
	if (!main.contains(document.activeElement) || document.activeElement === document.body) {
		const auto = main.querySelector('[autofocus]');
		(auto || main).focus({ preventScroll: false });
	}
}

function helpDialog() {
	let dlg = document.getElementById('help');
	if (dlg) dlg.remove();
	const rows = [['j / k', 'help.jk'], ['o', 'help.o'], ['/', 'help.slash'], ['r', 'help.r'], ['n', 'help.n'],
		['a', 'help.a'], ['s', 'help.s'], ['u', 'help.u'], ['?', 'help.q']];
	dlg = h('dialog', { id: 'help', 'aria-labelledby': 'help-title' },
		h('h2', { id: 'help-title' }, t('help.title')),
		h('dl', { class: 'facts' }, rows.map(([k, key]) => [h('dt', h('kbd', k)), h('dd', t(key))])),
		h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => dlg.close() }, t('common.close'))));
	document.body.append(dlg);
	dlg.showModal();
}

const globalKeys = {
	'?': () => state.user && helpDialog(),
	u: () => state.user && !pendingStep(state.user) && navigate('/app/'),
	'/': () => {
		const s = document.querySelector('input[type=search]');
		if (s) s.focus();
	},
};

function start() {
	document.addEventListener('click', (e) => {
		const a = e.target.closest && e.target.closest('a[href]');
		if (!a || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || a.target || a.hasAttribute('download')) return;
		const url = new URL(a.href, location.href);
		if (url.origin === location.origin && url.pathname.startsWith('/app')) {
			e.preventDefault();
			navigate(url.pathname + url.search);
		}
	});
	window.addEventListener('popstate', render);
	document.addEventListener('keydown', (e) => handleKey(e, globalKeys));
	whenUnauthorized(() => {
		if (!state.user) return;
		state.user = null;
		state.flash = { kind: 'warning', text: t('common.sessionEnded') };
		navigate('/app/login', { replace: true });
	});
	setLang(getLang());
	loadSession().then(render);
}

start();
