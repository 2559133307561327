// dom.js — safe DOM construction.  Every value reaches the page as a text node
// or an attribute set through the DOM API: nothing here parses HTML, so data
// (subjects, names, file names) can never become markup or script.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
		else if (k === 'dataset') Object.assign(el.dataset, v);
		else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') el[k] = v;
		else if (k === 'href') el.setAttribute('href', safeHref(v));
		else el.setAttribute(k, v === true ? '' : String(v));
	}
}

// Only our own paths and http(s) links: a javascript: or data: URL never becomes a link.
export function safeHref(v) {
	const s = String(v);
	if (s.startsWith('/') && !s.startsWith('//')) return s;
	if (/^https?:\/\//i.test(s) || s.startsWith('#') || /^mailto:/i.test(s)) return s;
	return '#';
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false) continue;
		if (Array.isArray(c)) append(el, c);
		else if (c instanceof Node) el.append(c);
		else el.append(document.createTextNode(String(c)));
	}
}

// h('a', {href: '/app/'}, 'text', child...) — an element with attributes and children.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
		children.unshift(attrs);
		attrs = null;
	}
	apply(el, attrs);
	append(el, children);
	return el;
}

// The same for SVG elements (charts, QR codes).
export function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG_NS, tag);
	for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
	append(el, children);
	return el;
}

// el.append() that skips null, undefined and false (the DOM's own append
// would show them as text) and flattens arrays.
export function add(el, ...children) {
	append(el, children);
	return el;
}

// replaceChildren() with the same care.
export function put(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

export function clear(el) {
	el.replaceChildren();
	return el;
}

let uid = 0;
export function nextId(prefix) {
	uid += 1;
	return `${prefix || 'f'}-${uid}`;
}

// A labelled form field: label + control + hint + error slot, wired with ids.
export function field(labelText, control, hint) {
	const id = control.id || nextId('f');
	control.id = id;
	const parts = [h('label', { for: id }, labelText), control];
	const described = [];
	if (hint) {
		const hid = id + '-hint';
		parts.push(h('small', { class: 'hint', id: hid }, hint));
		described.push(hid);
	}
	const err = h('span', { class: 'field-error', id: id + '-err', 'aria-live': 'polite' });
	described.push(err.id);
	control.setAttribute('aria-describedby', described.join(' '));
	parts.push(err);
	const wrap = h('div', { class: 'field' }, parts);
	wrap.setError = (msg) => {
		err.textContent = msg || '';
		if (msg) control.setAttribute('aria-invalid', 'true');
		else control.removeAttribute('aria-invalid');
	};
	wrap.control = control;
	return wrap;
}

export function option(value, text, selected) {
	return h('option', { value, selected: !!selected }, text);
}
