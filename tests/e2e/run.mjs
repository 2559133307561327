// run.mjs — end-to-end scenarios of the web UI in headless Chromium (Debian's,
// driven by playwright-core), against the server that tests/integration/e2e.sh
// started.  Each scenario runs in its own browser context; screenshots of the
// main pages are written to $SHOTS.  Prints "N passed, N failed" and exits
// non-zero when a scenario fails.  Scenarios whose server side is not there yet
// are reported as pending (not failed).
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const env = process.env;
const BASE = env.BASE;
const SHOTS = env.SHOTS;
const NEW_PW = {
	agent: 'Sóng-biển-xanh#4821',
	admin: 'Đồi-thông-hai-mộ#7395',
	unit0010: 'Hoa-sen-trắng!6032',
	unit0110: 'Cầu-Long-Biên@5147',
};
const results = [];
let current = '';

// ------------------------------------------------------------------ helpers
function assert(cond, what) {
	if (!cond) throw new Error('assertion failed: ' + what);
}

// Save a screenshot; on the way, check the page shows no rendering slip
// ("null", "undefined", "[object …]" where a value should be).
async function shot(page, name) {
	await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
	const text = await page.evaluate(() => document.body.innerText);
	const slip = text.match(/\b(null|undefined|NaN)\b|\[object \w+\]/);
	assert(!slip, `"${slip && slip[0]}" shown on ${name}`);
	// accessibility basics: every control has a label, every picture a text,
	// every button and link a name, one h1, the language set
	const a11y = await page.evaluate(() => {
		const bad = [];
		const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && !el.closest('[aria-hidden=true]');
		for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea'))
			if (visible(el) && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
				bad.push('unlabelled ' + el.tagName + '[name=' + el.name + ']');
		for (const el of document.querySelectorAll('img')) if (!el.hasAttribute('alt')) bad.push('img without alt');
		for (const el of document.querySelectorAll('button, a[href]'))
			if (visible(el) && !(el.textContent.trim() || el.getAttribute('aria-label'))) bad.push('nameless ' + el.tagName);
		if (document.querySelectorAll('h1').length !== 1) bad.push(document.querySelectorAll('h1').length + ' h1');
		if (!document.documentElement.lang) bad.push('no lang');
		return bad;
	});
	assert(!a11y.length, `accessibility on ${name}: ${a11y.join('; ')}`);
}

// RFC 6238 code for a base32 secret at time now (+ step offset).
function totp(secret, offset = 0) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
	const mac = createHmac('sha1', key).update(counter).digest();
	const o = mac[mac.length - 1] & 15;
	return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// A session client for set-up through the API (cookie + CSRF, as the app does).
class Client {
	async login(username, password) {
		const r = await fetch(BASE + '/api/v1/session', { method: 'POST', body: JSON.stringify({ username, password }) });
		const body = await r.json();
		if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(body)}`);
		this.cookie = r.headers.get('set-cookie').split(';')[0];
		this.csrf = body.csrf_token;
		return body;
	}
	async call(method, path, body, raw) {
		const headers = { Cookie: this.cookie, 'X-CSRF-Token': this.csrf };
		if (raw) headers['Content-Type'] = raw;
		const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
		const text = await r.text();
		let json = null;
		try {
			json = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: r.status, json, text };
	}
}

// First login through the API: change the one-time password; returns a client.
async function ready(username) {
	const c = new Client();
	const s = await c.login(username, env['PW_' + username.toUpperCase()]);
	if (s.must_change) {
		const r = await c.call('POST', '/api/v1/password', { current: env['PW_' + username.toUpperCase()], new: NEW_PW[username] });
		assert(r.status === 200, `password change of ${username}: ${r.text}`);
		env['PW_' + username.toUpperCase()] = NEW_PW[username];
		await c.login(username, NEW_PW[username]);
	}
	return c;
}

async function uiLogin(page, username, password) {
	await page.goto(BASE + '/app/login');
	await page.fill('#login-form [name=username]', username);
	await page.fill('#login-form [name=password]', password);
	await page.click('#login-form button[type=submit]');
}

let browser;
async function scenario(name, fn, opts) {
	current = name;
	const t0 = Date.now();
	const context = await browser.newContext({ viewport: (opts && opts.viewport) || { width: 1280, height: 800 }, locale: 'vi-VN' });
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
	});
	try {
		const r = await fn(page, context);
		assert(errors.length === 0, 'no script error on the page: ' + errors.join('; '));
		if (r === 'pending') {
			results.push({ name, result: 'pending' });
			console.log(`PENDING ${name}`);
		} else {
			results.push({ name, result: 'pass' });
			console.log(`ok      ${name} (${Date.now() - t0} ms)`);
		}
	} catch (e) {
		results.push({ name, result: 'fail', error: e });
		console.log(`FAIL    ${name}: ${e.message}`);
		try {
			await shot(page, 'FAILED-' + name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
		} catch {
			/* page gone */
		}
	} finally {
		await context.close();
	}
}

async function exists(path) {
	const r = await fetch(BASE + path);
	return r.status !== 404;
}

// The screenshot we upload: a 320x180 PNG drawn here (a window with a red
// error bar), so that the previews and thumbnails show something.
function crc32(buf) {
	let c, crc = 0xffffffff;
	for (const b of buf) {
		c = (crc ^ b) & 0xff;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crc = (crc >>> 8) ^ c;
	}
	return (crc ^ 0xffffffff) >>> 0;
}
function makePng(w, h) {
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) {
		raw[y * (w * 3 + 1)] = 0;
		for (let x = 0; x < w; x++) {
			let rgb = [236, 239, 243];
			if (y < 24) rgb = [40, 70, 140];
			else if (y > 60 && y < 100 && x > 30 && x < w - 30) rgb = [200, 30, 40];
			else if (y > 120 && y < 132 && x > 30 && x < 200) rgb = [90, 90, 90];
			raw.set(rgb, y * (w * 3 + 1) + 1 + x * 3);
		}
	}
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(td));
		return Buffer.concat([len, td, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = makePng(320, 180);

// ------------------------------------------------------------------ scenarios
async function main() {
	browser = await chromium.launch({ executablePath: env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], headless: true });
	const t0 = Date.now();

	await scenario('first login: the password change shows each rule live, then the queue', async (page) => {
		await page.goto(BASE + '/app/');
		await page.waitForURL('**/app/login');
		await page.waitForSelector('#login-form');
		await shot(page, '01-login');
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForURL('**/app/password');
		await page.fill('#password-form input[autocomplete=new-password] >> nth=0', 'abc');
		await page.waitForSelector('#pw-rules li[data-rule=too_short].fail');
		assert(await page.isVisible('#pw-rules li[data-rule=no_lower].pass'), 'lower-case rule passes for "abc"');
		assert(await page.isVisible('#pw-rules li[data-rule=no_upper].fail'), 'upper-case rule fails for "abc"');
		await shot(page, '02-password-change');
		await page.fill('#password-form input[autocomplete=new-password] >> nth=0', NEW_PW.agent);
		await page.waitForFunction(() => document.querySelectorAll('#pw-rules li.pass').length >= 10);
		await page.fill('#password-form input[autocomplete=new-password] >> nth=1', NEW_PW.agent);
		await page.click('#password-form button[type=submit]');
		await page.waitForURL(BASE + '/app/');
		env.PW_AGENT = NEW_PW.agent;
		await page.waitForSelector('#queue tbody tr[data-code]');
		assert((await page.textContent('h1')) === 'Hàng đợi yêu cầu', 'queue title in Vietnamese');
		assert((await page.locator('#queue tbody tr[data-code]').count()) >= 3, 'the demo requests are listed');
		await shot(page, '03-queue');
	});

	const agent = await ready('agent');
	const all = (await agent.call('GET', '/api/v1/requests?limit=100')).json.items;
	const req0010 = all.find((r) => r.unit === '0010' && r.subject.includes('Lỗi ký số'));
	const req0110 = all.find((r) => r.unit === '0110');

	await scenario('agent console: filters, diacritic-insensitive search, j/k/o shortcuts', async (page) => {
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue tbody tr[data-code]');
		await page.keyboard.press('j');
		await page.waitForSelector('#queue tbody tr.selected');
		const first = await page.getAttribute('#queue tbody tr.selected', 'data-code');
		await page.keyboard.press('j');
		await page.keyboard.press('k');
		assert((await page.getAttribute('#queue tbody tr.selected', 'data-code')) === first, 'k goes back');
		await page.keyboard.press('o');
		await page.waitForURL('**/app/requests/' + first);
		await page.waitForSelector('#timeline');
		await page.keyboard.press('u');
		await page.waitForSelector('#queue tbody tr[data-code]');
		await page.keyboard.press('/');
		assert(await page.evaluate(() => document.activeElement.type === 'search'), '/ focuses the search');
		await page.keyboard.type('khong dang nhap duoc dich vu');
		await page.keyboard.press('Enter');
		await page.waitForURL('**/app/?q=khong+dang+nhap+duoc+dich+vu');
		await page.waitForFunction(() => document.querySelectorAll('#queue tbody tr[data-code]').length === 1);
		assert((await page.textContent('#queue tbody a.subject')).includes('Không đăng nhập được'), 'search without diacritics finds "đăng nhập"');
		await page.selectOption('#queue-filters select[name=unit]', '0010');
		await page.waitForURL(/unit=0010/);
		await page.goto(BASE + '/app/?unit=0110');
		await page.waitForSelector('#queue tbody tr[data-code]');
		const units = await page.$$eval('#queue tbody tr[data-code] td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
		assert(units.length > 0 && units.every((u) => u === '0110'), 'unit filter: ' + units.join(','));
		await page.keyboard.press('?');
		await page.waitForSelector('dialog#help[open]');
		await shot(page, '04-shortcuts-help');
	});

	await scenario('agent replies by email: the reply lands in the outbox; note, assign, status', async (page) => {
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue');
		await page.goto(BASE + '/app/requests/' + req0010.code);
		await page.waitForSelector('#reply-form');
		await page.keyboard.press('r');
		assert(await page.evaluate(() => document.activeElement.id === 'reply-body'), 'r focuses the reply');
		const text = 'Chào chị Bình, vui lòng cài lại phần mềm ký số phiên bản 2.1 rồi thử lại. ' + Date.now();
		await page.keyboard.type(text);
		await page.click('#reply-form button[type=submit]');
		await page.waitForSelector('#timeline li.msg-out');
		assert((await page.textContent('#timeline li.msg-out .body')).includes('phiên bản 2.1'), 'reply in the timeline');
		const outbox = await (await page.request.get(BASE + '/api/v1/outbox')).json();
		const mail = outbox.items.find((m) => m.code === req0010.code && m.kind === 'reply');
		assert(mail, 'a reply for ' + req0010.code + ' in the outbox');
		assert(mail.to.includes(req0010.requester.email), 'mailed to the requester: ' + mail.to);
		await page.keyboard.press('n');
		await page.keyboard.type('Đã gọi điện cho đơn vị, chờ phản hồi.');
		await page.click('#note-form button[type=submit]');
		await page.waitForSelector('#timeline li.note');
		await page.click('#assign-me');
		await page.waitForFunction(() => document.querySelector('#request-facts').textContent.includes('agent'));
		await page.keyboard.press('s');
		assert(await page.evaluate(() => document.activeElement.id === 'f-status'), 's focuses the status');
		await page.selectOption('#f-status', 'pending');
		await page.click('#request-actions button[type=submit]');
		await page.waitForSelector('#request-facts .badge.status-pending');
		await shot(page, '05-request');
		const r = (await agent.call('GET', '/api/v1/requests/' + req0010.code)).json;
		assert(r.status === 'pending' && r.assignee === 'agent', 'status and assignee stored');
	});

	await scenario('incident: category and severity, observables, tasks, report forms', async (page) => {
		const inc = all.find((r) => r.kind === 'incident');
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue');
		await page.goto(BASE + '/app/requests/' + inc.code);
		await page.waitForSelector('#incident, #timeline');
		if (!(await page.isVisible('#incident-form'))) return 'pending';
		await page.selectOption('#incident-form [name=severity]', 'high');
		await page.selectOption('#incident-form [name=category]', 'impersonation');
		await page.click('#incident-form button[type=submit]');
		await page.waitForFunction(() => /Cao/.test(document.querySelector('#incident dl').textContent));
		await page.selectOption('#observable-form [name=type]', 'phone');
		await page.fill('#observable-form [name=value]', '086 712 3456');
		await page.click('#observable-form button[type=submit]');
		await page.waitForFunction(() => /phone: 0867123456/.test((document.querySelector('#observables') || {}).textContent || ''));
		await page.fill('#task-form [name=title]', 'Báo cơ quan công an về số điện thoại mạo danh');
		await page.selectOption('#task-form [name=assignee]', 'agent');
		await page.click('#task-form button[type=submit]');
		await page.waitForSelector('#tasks li input[type=checkbox]');
		await page.check('#tasks li input[type=checkbox]');
		await page.waitForSelector('#tasks li.done');
		const report = await page.getAttribute('#incident a[href$="/report/initial"]', 'href');
		const res = await page.request.get(BASE + report);
		assert(res.status() === 200 && (res.headers()['content-type'] || '').startsWith('text/html'), 'the initial report form opens');
		await shot(page, '05b-incident');
	});

	await scenario('my account: sessions, an API token shown once and revoked', async (page) => {
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue');
		await page.click('header a.whoami');
		await page.waitForSelector('#sessions tr[data-id]');
		assert((await page.textContent('#sessions')).includes('Phiên này'), 'the current session is marked');
		await page.fill('#token-form [name=name]', 'Báo cáo tự động');
		await page.click('#token-form button[type=submit]');
		await page.waitForSelector('#new-token code');
		const token = await page.textContent('#new-token code');
		const me = await fetch(BASE + '/api/v1/me', { headers: { Authorization: 'Bearer ' + token } });
		assert(me.status === 200, 'the new token works');
		await shot(page, '05c-account');
		await page.click('#tokens tr[data-id] button');
		await page.waitForFunction(() => !document.querySelector('#tokens tr[data-id]'));
		const after = await fetch(BASE + '/api/v1/me', { headers: { Authorization: 'Bearer ' + token } });
		assert(after.status === 401, 'the revoked token no longer works');
	});

	await scenario("unit portal: own requests only; another unit's request is not found by URL", async (page) => {
		await uiLogin(page, 'unit0010', env.PW_UNIT0010);
		await page.waitForURL('**/app/password');
		await page.fill('#password-form input[autocomplete=new-password] >> nth=0', NEW_PW.unit0010);
		await page.fill('#password-form input[autocomplete=new-password] >> nth=1', NEW_PW.unit0010);
		await page.click('#password-form button[type=submit]');
		await page.waitForURL(BASE + '/app/');
		env.PW_UNIT0010 = NEW_PW.unit0010;
		await page.waitForSelector('#queue tbody tr');
		const codes = await page.$$eval('#queue tbody tr[data-code]', (trs) => trs.map((t) => t.dataset.code));
		assert(codes.includes(req0010.code), 'own request listed');
		assert(!codes.includes(req0110.code), "the other unit's request is not listed");
		await shot(page, '06-unit-portal');
		// the unit sees support's reply but never the internal note
		await page.goto(BASE + '/app/requests/' + req0010.code);
		await page.waitForSelector('#timeline li.msg-out');
		assert((await page.locator('#timeline li.note').count()) === 0, 'no internal note in the unit view');
		assert(!(await page.textContent('main')).includes('Đã gọi điện cho đơn vị'), 'the note text is not there');
		await page.goto(BASE + '/app/requests/' + req0110.code);
		await page.waitForSelector('main h1');
		assert((await page.textContent('main h1')) === 'Không tìm thấy.', 'not found by URL');
		assert(!(await page.content()).includes(req0110.subject), 'nothing of the other request shows');
		const api = await page.request.get(BASE + '/api/v1/requests/' + req0110.code);
		assert(api.status() === 404, 'the API says 404 too');
		// a new request from the portal, then a reply
		await page.goto(BASE + '/app/new');
		await page.waitForSelector('#new-request');
		await page.fill('#new-request [name=subject]', 'Máy in văn thư không nhận lệnh in');
		await page.fill('#new-request [name=description]', 'Từ sáng nay máy in tầng 2 không in được văn bản.');
		await page.fill('#new-request [name=email]', 'binh.tt@hanoi.example.gov.vn');
		await shot(page, '07-new-request');
		await page.click('#new-request button[type=submit]');
		await page.waitForURL(/\/app\/requests\/SD\d{6}-\d{6}$/);
		await page.waitForSelector('#reply-form');
		assert(!(await page.isVisible('#note-form')), 'no internal notes for a unit');
		assert(!(await page.isVisible('#request-actions')), 'no staff actions for a unit');
		await page.fill('#reply-body', 'Bổ sung: máy in model HP 402.');
		await page.click('#reply-form button[type=submit]');
		await page.waitForSelector('#timeline li.msg-in');
		// the unit answers a vulnerable asset: patched, with the new version
		await page.goto(BASE + '/app/remediation?state=open');
		await page.waitForSelector('main h1');
		await page.waitForSelector('#remediation form.rem-answer, .unavailable, main p.muted');
		if (await page.isVisible('#remediation form.rem-answer')) {
			const id = await page.getAttribute('#remediation section[data-id]:has(form.rem-answer)', 'data-id');
			await shot(page, '06b-unit-remediation');
			const card = `#remediation section[data-id="${id}"]`;
			await page.selectOption(`${card} [name=answer]`, 'patched');
			await page.click(`${card} button[type=submit]`);
			await page.waitForSelector(`${card} .field-error:not(:empty), .alert-error`);
			await page.fill(`${card} [name=version]`, '7.0.15');
			await page.click(`${card} button[type=submit]`);
			await page.waitForSelector('.alert-ok');
			const item = await page.request.get(BASE + '/api/v1/remediation?state=answered');
			assert((await item.json()).items.some((x) => String(x.id) === id), 'the answer is stored');
		}
	});

	await scenario('login lock after repeated failures', async (page) => {
		// five free failures per account, the sixth locks it (30 s, doubling)
		for (let i = 0; i < 6; i++) {
			await uiLogin(page, 'lockme', 'sai-mat-khau-' + i);
			await page.waitForSelector('.alert-error');
			assert((await page.textContent('.alert-error')).includes('Sai tên đăng nhập hoặc mật khẩu'), 'attempt ' + i + ' refused');
		}
		await uiLogin(page, 'lockme', env.PW_LOCKME);
		await page.waitForSelector('.alert-error');
		const msg = await page.textContent('.alert-error');
		assert(/tạm bị khóa.*\d+ giây/.test(msg), 'locked even with the right password: ' + msg);
		await shot(page, '08-login-locked');
	});

	// ---- XSS: hostile subject, body, names, file names, shown as text everywhere
	const admin = await ready('admin');
	const evil = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=1;alert(2)</script>';
	let r = await admin.call('POST', '/api/v1/units', { code: 'XSS1', name: 'Đơn vị ' + evil });
	assert(r.status === 201, 'XSS unit: ' + r.text);
	r = await agent.call('POST', '/api/v1/requests', {
		unit: 'XSS1', service: 'DVC', subject: 'Tiêu đề ' + evil, description: 'Nội dung ' + evil + '\n<a href="javascript:alert(3)">bấm</a>',
		requester: { name: 'Người ' + evil, email: 'xss@example.org' },
	});
	assert(r.status === 201, 'XSS request: ' + r.text);
	const xssCode = r.json.code;
	await agent.call('POST', `/api/v1/requests/${xssCode}/notes`, { body: 'Ghi chú ' + evil });
	await agent.call('POST', `/api/v1/requests/${xssCode}/messages`, { body: 'Trả lời ' + evil });
	const mailCode = env.XSS_MAIL_CODE;

	await scenario('XSS: hostile subject, body, names and file names are shown as text', async (page, context) => {
		await context.addInitScript(() => {
			window.__xss = 0;
			window.__dialogs = 0;
			const flag = () => { window.__xss = 1; };
			window.alert = flag;
		});
		let dialogs = 0;
		page.on('dialog', async (d) => {
			dialogs++;
			await d.dismiss();
		});
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue tbody tr[data-code]');
		const check = async (where) => {
			assert(dialogs === 0, 'no dialog on ' + where);
			assert((await page.evaluate(() => window.__xss)) === 0, 'no injected script ran on ' + where);
			assert((await page.locator('img[src="x"], main script').count()) === 0, 'no injected element on ' + where);
		};
		await page.waitForFunction((c) => !!document.querySelector(`#queue tr[data-code="${c}"]`), xssCode);
		assert((await page.textContent(`#queue tr[data-code="${xssCode}"] a.subject`)).includes('<script>'), 'subject shown as text in the queue');
		await check('the queue');
		await page.goto(BASE + '/app/requests/' + xssCode);
		await page.waitForSelector('#timeline li.note');
		assert((await page.textContent('#request-title')).includes('<img src=x'), 'subject as text on the request page');
		assert((await page.textContent('.description')).includes('<script>'), 'description as text');
		assert((await page.textContent('#request-facts .requester')).includes('<img src=x'), 'requester name as text');
		assert((await page.textContent('#request-facts')).includes('Đơn vị <img'), 'unit name as text');
		assert((await page.textContent('#timeline li.note')).includes('<script>'), 'note as text');
		await check('the request page');
		if (mailCode) {
			await page.goto(BASE + '/app/requests/' + mailCode);
			await page.waitForSelector('#attachments li');
			const names = await page.$$eval('#attachments li a', (as) => as.map((a) => [a.textContent, a.getAttribute('download'), a.getAttribute('href')]));
			// the server may strip the angle brackets of a file name; what is left shows as text
			assert(names.some(([t]) => t.includes('onerror=alert(5)')), 'attachment file name as text: ' + JSON.stringify(names));
			assert(names.every(([, , href]) => href.startsWith('/api/v1/requests/')), 'download links stay on the API');
			assert((await page.textContent('#request-title')).includes('<script>'), 'mail subject as text');
			await check('the mailed request');
			await shot(page, '09-xss-as-text');
		}
		await page.goto(BASE + '/app/?q=' + encodeURIComponent('<script>'));
		await page.waitForSelector('#queue tbody tr');
		await check('search results');
		await page.goto(BASE + '/app/new');
		await page.waitForSelector('#new-request select[name=unit]');
		await check('the unit picker');
	});

	await scenario('admin: two-step verification enrolment, administration pages, English', async (page) => {
		await uiLogin(page, 'admin', env.PW_ADMIN);
		await page.waitForSelector('#queue');
		await page.goto(BASE + '/app/totp');
		await page.click('#totp-start');
		await page.waitForSelector('#totp-secret');
		const secret = (await page.textContent('#totp-secret')).replace(/\s/g, '');
		assert((await page.textContent('#totp-uri')).startsWith('otpauth://totp/'), 'otpauth URI shown');
		assert((await page.locator('.qr svg path').count()) === 1, 'QR code drawn');
		await shot(page, '10-totp');
		await page.fill('#totp-form [name=code]', '000000' === totp(secret) ? '111111' : '000000');
		await page.click('#totp-form button[type=submit]');
		await page.waitForSelector('#totp-form .field-error:not(:empty)');
		await page.fill('#totp-form [name=code]', totp(secret));
		await page.click('#totp-form button[type=submit]');
		await page.waitForSelector('#recovery-codes li');
		assert((await page.locator('#recovery-codes li').count()) === 10, 'ten recovery codes');
		// units: CSV import, with an error first (nothing imported), then a good file
		await page.goto(BASE + '/app/admin/units');
		await page.waitForSelector('#units-list tr[data-code]');
		const bad = join(env.WORK, 'don-vi-loi.csv');
		writeFileSync(bad, 'code,name,parent\n0500,Sở Y tế Huế,\nSAI MA,Hai,\n');
		await page.setInputFiles('#import-form input[type=file]', bad);
		await page.click('#import-form button[type=submit]');
		await page.waitForSelector('#import-result .alert-error li');
		assert((await page.textContent('#import-result li')).startsWith('3:'), 'the error names its line');
		const good = join(env.WORK, 'don-vi.csv');
		writeFileSync(good, 'code,name,parent,province\n0500,Sở Y tế Thừa Thiên Huế,,Huế\n0500-PD,"Phòng khám, Phú Diên",0500,Huế\n');
		await page.setInputFiles('#import-form input[type=file]', good);
		await page.click('#import-form button[type=submit]');
		await page.waitForSelector('#import-result .alert-ok');
		await page.waitForSelector('#units-list tr[data-code="0500-PD"]');
		assert((await page.textContent('#units-list tr[data-code="0500-PD"]')).includes('Phòng khám, Phú Diên'), 'imported unit listed');
		await shot(page, '11-admin-units');
		// accounts: a new agent gets a one-time password, shown once
		await page.goto(BASE + '/app/admin/users');
		await page.waitForSelector('#user-form');
		await page.fill('#user-form [name=username]', 'tuan');
		await page.fill('#user-form [name=display_name]', 'Đỗ Minh Tuấn');
		await page.selectOption('#user-form [name=role]', 'agent');
		await page.click('#user-form button[type=submit]');
		await page.waitForSelector('#initial-password code');
		assert((await page.textContent('#initial-password code')).length >= 12, 'initial password shown');
		await page.waitForSelector('#users-list tr[data-username="tuan"]');
		const first = await page.textContent('#initial-password code');
		page.once('dialog', (d) => d.accept());
		await page.click('#users-list tr[data-username="tuan"] button:has-text("Cấp lại mật khẩu")');
		await page.waitForFunction((pw) => document.querySelector('#initial-password code').textContent !== pw, first);
		await page.click('#users-list tr[data-username="tuan"] button:has-text("Khóa")');
		await page.waitForFunction(() => /Đã khóa/.test(document.querySelector('#users-list tr[data-username="tuan"]').textContent));
		assert((await page.locator('#users-list tr[data-username="admin"] button').count()) === 0, 'no lock-out of oneself');
		await shot(page, '13-admin-users');
		// an announcement, shown on the public home page
		await page.goto(BASE + '/app/admin/announcements');
		await page.waitForSelector('#announcement-form, .unavailable');
		if (await page.isVisible('#announcement-form')) {
			await page.fill('#announcement-form [name=title]', 'Bảo trì hệ thống thư điện tử tối thứ Bảy');
			await page.fill('#announcement-form [name=body]', 'Hệ thống thư điện tử công vụ tạm dừng từ 22:00 đến 23:30.');
			await page.click('#announcement-form button[type=submit]');
			await page.waitForSelector('#announcements-list li[data-id]');
			await shot(page, '14b-admin-announcements');
			if (await exists('/')) {
				await page.goto(BASE + '/');
				assert((await page.textContent('body')).includes('Bảo trì hệ thống thư điện tử'), 'the announcement is on the home page');
				await shot(page, '00-public-home');
			}
		}
		// support accepts a unit's answer
		await page.goto(BASE + '/app/remediation?state=answered');
		await page.waitForSelector('main h1');
		if (await page.isVisible('#remediation form.rem-review')) {
			await shot(page, '16b-remediation-review');
			await page.click('#remediation form.rem-review button.primary');
			await page.waitForSelector('.alert-ok');
		}
		// the audit log shows what was done, filtered by action
		await page.goto(BASE + '/app/admin/audit?action=unit.create');
		await page.waitForSelector('#audit tbody tr[data-id]');
		assert((await page.textContent('#audit tbody')).includes('0500-PD'), 'the imported unit is in the log');
		await shot(page, '14c-admin-audit');
		// the leak findings, and their request
		await page.goto(BASE + '/app/leaks?verdict=unknown_mailbox');
		await page.waitForSelector('#leaks, .unavailable');
		if (await page.isVisible('#leaks')) {
			await page.waitForFunction(() => document.querySelectorAll('#leaks tbody tr').length === 1);
			assert((await page.textContent('#leaks tbody')).includes('nobody.here@hanoi.example.gov.vn'), 'filtered by verdict');
			await page.click('#leaks tbody a');
			await page.waitForSelector('main h2:has-text("Tài khoản bị lộ")');
		}
		// each view shows its data, or says the server has not got the module yet
		for (const [path, name, expect] of [['/app/admin/services', '12-admin-services', '#services-list tr'],
			['/app/admin/contacts', '14-admin-contacts', '#contacts-list tr[data-id]'], ['/app/leaks', '15-leaks', '#leaks-filters'],
			['/app/advisories', '16-advisories', '#adv-by-unit'], ['/app/sla', '17-sla', '#sla-filters'],
			['/app/stats', '18-stats', 'figure.chart svg']]) {
			await page.goto(BASE + path);
			await page.waitForSelector('main h1');
			await page.waitForLoadState('networkidle');
			await page.waitForSelector(`${expect}, .unavailable`);
			await shot(page, name);
		}
		await page.click('#lang-switch');
		await page.waitForFunction(() => document.documentElement.lang === 'en');
		assert((await page.textContent('main h1')) === 'Statistics', 'English titles');
		await page.goto(BASE + '/app/');
		await page.waitForSelector('#queue');
		assert((await page.textContent('main h1')) === 'Request queue', 'English persists');
		await shot(page, '19-queue-english');
	});

	await scenario('phone width: the queue and a request fit a 375 px screen', async (page) => {
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue tbody tr[data-code]');
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert(overflow <= 1, 'no horizontal scrolling of the page: ' + overflow);
		await shot(page, '20-queue-phone');
		await page.goto(BASE + '/app/requests/' + req0010.code);
		await page.waitForSelector('#timeline');
		await shot(page, '21-request-phone');
	}, { viewport: { width: 375, height: 740 } });

	// ---- the public pages (server-rendered)
	await scenario('public submit with a screenshot, then seen in the agent console', async (page) => {
		if (!(await exists('/gui-yeu-cau'))) return 'pending';
		await page.goto(BASE + '/gui-yeu-cau');
		await page.waitForSelector('form');
		const file = join(env.WORK, 'man-hinh.png');
		writeFileSync(file, PNG);
		const pick = async (name, value) => {
			const el = page.locator(`form [name=${name}]`);
			if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
			else await el.fill(value);
		};
		await pick('unit', '0010');
		await pick('service', 'DVC');
		await pick('subject', 'Cổng dịch vụ công báo lỗi 500');
		await pick('description', 'Khi nộp hồ sơ thì trang báo lỗi 500, ảnh chụp kèm theo.');
		await pick('name', 'Hoàng Thị Em');
		await pick('email', 'em.ht@hanoi.example.gov.vn');
		// public.js checks before upload: the type by the first bytes, and the size
		const fake = join(env.WORK, 'khong-phai-anh.png');
		writeFileSync(fake, 'MZ\x90\x00 this is not a picture');
		await page.setInputFiles('form input[type=file][name=screenshot]', fake);
		await page.waitForSelector('.field-error[id$="-status"]');
		assert((await page.textContent('.field-error[id$="-status"]')).includes('PNG, JPEG, WebP'), 'a wrong type is refused before upload');
		assert((await page.inputValue('form input[type=file][name=screenshot]')) === '', 'and the file is dropped');
		const big = join(env.WORK, 'qua-lon.png');
		writeFileSync(big, Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]));
		await page.setInputFiles('form input[type=file][name=screenshot]', big);
		await page.waitForFunction(() => /5 MB/.test(document.querySelector('[id$="-status"]').textContent));
		await page.setInputFiles('form input[type=file][name=screenshot]', file);
		await page.waitForSelector('.preview img');
		await shot(page, '22-public-submit');
		await page.click('form [type=submit]');
		await page.waitForLoadState('load');
		const text = await page.textContent('body');
		const m = text.match(/SD\d{6}-\d{6}/);
		assert(m, 'the result page gives the code');
		await shot(page, '23-public-submitted');
		await uiLogin(page, 'agent', env.PW_AGENT);
		await page.waitForSelector('#queue');
		await page.fill('#queue-filters input[type=search]', 'Cong dich vu cong bao loi');
		await page.keyboard.press('Enter');
		await page.waitForSelector(`#queue tr[data-code="${m[0]}"]`);
		await page.click(`#queue tr[data-code="${m[0]}"] a.subject`);
		await page.waitForSelector('#attachments li img');
		await page.waitForFunction(() => document.querySelector('#attachments li img').naturalWidth === 320);
		await shot(page, '24-request-with-screenshot');
	});

	await scenario('verify: a genuine code with its requester; a guessed code answers as a non-existent one', async (page) => {
		if (!(await exists('/xac-minh'))) return 'pending';
		const ask = async (code, requester) => {
			await page.goto(BASE + '/xac-minh');
			await page.fill('form [name=code]', code);
			await page.fill('form [name=requester]', requester);
			await page.click('form [type=submit]');
			await page.waitForLoadState('load');
			return (await page.textContent('main')).replace(/SD\d{6}-\d{6}/g, 'CODE').replace(/\s+/g, ' ');
		};
		const genuine = await ask(req0010.code, req0010.requester.email);
		await shot(page, '25-verify-genuine');
		assert(/xác thực|chính thức|có thật|hợp lệ/i.test(genuine), 'genuine answer: ' + genuine.slice(0, 200));
		const guessed = await ask(req0010.code, 'ke.gian@example.org');
		const missing = await ask('SD000101-999999', 'ke.gian@example.org');
		await shot(page, '26-verify-unknown');
		assert(guessed === missing, 'a guessed code answers exactly as a non-existent one');
		assert(guessed !== genuine, 'and differs from the genuine answer');
	});

	await scenario('every string of the app exists in Vietnamese and English', async () => {
		const i18n = await import(new URL('../../web/src/app/i18n.js', import.meta.url));
		const { vi, en } = i18n.dictionaries;
		const missing = Object.keys(vi).filter((k) => !(k in en)).concat(Object.keys(en).filter((k) => !(k in vi)));
		assert(!missing.length, 'keys in one language only: ' + missing.join(', '));
		const { readdirSync, readFileSync } = await import('node:fs');
		const dir = new URL('../../web/src/app/', import.meta.url);
		const files = ['', 'views/'].flatMap((d) => readdirSync(new URL(d, dir)).filter((f) => f.endsWith('.js')).map((f) => new URL(d + f, dir)));
		const used = new Set();
		for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
		// t('status.' + s): a prefix that some keys must have
		const unknown = [...used].filter((k) => (k.endsWith('.') ? !Object.keys(vi).some((x) => x.startsWith(k)) : !(k in vi)));
		assert(used.size > 100 && !unknown.length, 'keys used but not translated: ' + unknown.join(', '));
	});

	await scenario('dates in Vietnam time and format; links only to safe places', async () => {
		const i18n = await import(new URL('../../web/src/app/i18n.js', import.meta.url));
		assert(i18n.fmtDateTime('2026-11-21T03:00:00.000Z') === '10:00 21/11/2026', 'UTC 03:00 is 10:00 in Hà Nội: ' + i18n.fmtDateTime('2026-11-21T03:00:00.000Z'));
		assert(i18n.fmtDateTime('2026-12-31T17:30:00Z') === '00:30 01/01/2027', 'the date turns with Vietnam time');
		assert(i18n.fmtDate('2026-11-20T18:00:00+00:00') === '21/11/2026', 'date of a late UTC evening');
		assert(i18n.fmtDateTime('') === '' && i18n.fmtDateTime('not a date') === 'not a date', 'no date, bad date');
		const { safeHref } = await import(new URL('../../web/src/app/dom.js', import.meta.url));
		for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>', '//evil.example/x', 'vbscript:x'])
			assert(safeHref(bad) === '#', 'refused link ' + bad);
		for (const good of ['/app/requests/SD1', 'https://example.gov.vn/', 'mailto:hotro@example.gov.vn'])
			assert(safeHref(good) === good, 'kept link ' + good);
	});

	await browser.close();
	const n = (k) => results.filter((x) => x.result === k).length;
	console.log(`browser scenarios: ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
	console.log(`${n('pass')} passed, ${n('fail')} failed${n('pending') ? `, ${n('pending')} skipped` : ''}`);
	process.exit(n('fail') ? 1 : 0);
}

main().catch((e) => {
	console.log(`FAIL    ${current}: ${e.stack || e.message}`);
	console.log(`0 passed, 1 failed`);
	process.exit(1);
});
