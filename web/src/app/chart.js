// chart.js — bar charts as inline SVG (no library), each with its numbers in a
// table beside it for screen readers and for copying.
import { h, svg } from './dom.js';
import { t } from './i18n.js';

// Vertical bars: items [{label, value}].
export function columnChart(title, items) {
	const W = 640, H = 220, pad = { l: 36, r: 8, t: 10, b: 38 };
	const max = Math.max(1, ...items.map((x) => x.value));
	const n = Math.max(1, items.length);
	const bw = Math.min(64, (W - pad.l - pad.r) / n);
	const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
	const ticks = [0, Math.round(max / 2), max];
	const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, width: W, height: H },
		ticks.map((v) => [svg('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), stroke: '#c9ced6' }),
			svg('text', { x: pad.l - 4, y: y(v) + 4, 'text-anchor': 'end' }, String(v))]),
		items.map((it, i) => [
			svg('rect', { class: 'bar', x: pad.l + i * bw + bw * 0.15, y: y(it.value), width: bw * 0.7, height: Math.max(0, H - pad.b - y(it.value)) },
				svg('title', {}, `${it.label}: ${it.value}`)),
			svg('text', { x: pad.l + i * bw + bw / 2, y: H - pad.b + 14, 'text-anchor': 'middle' }, shorten(it.label, 10)),
		]));
	return figure(title, s, items);
}

// Horizontal bars, for long labels (units, categories).
export function barChart(title, items) {
	const W = 640, rowH = 24, labelW = 220, pad = 8;
	const H = Math.max(1, items.length) * rowH + pad * 2;
	const max = Math.max(1, ...items.map((x) => x.value));
	const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, width: W, height: H },
		items.map((it, i) => {
			const w = (W - labelW - 60) * (it.value / max);
			const yy = pad + i * rowH;
			return [
				svg('text', { x: labelW - 6, y: yy + 16, 'text-anchor': 'end' }, shorten(it.label, 32)),
				svg('rect', { class: 'bar', x: labelW, y: yy + 4, width: Math.max(1, w), height: rowH - 8 }, svg('title', {}, `${it.label}: ${it.value}`)),
				svg('text', { x: labelW + w + 6, y: yy + 16 }, String(it.value)),
			];
		}));
	return figure(title, s, items);
}

function shorten(s, n) {
	s = String(s);
	return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function figure(title, chart, items) {
	return h('figure', { class: 'chart card' },
		h('figcaption', h('strong', title)),
		items.length ? chart : h('p', { class: 'muted' }, t('common.empty')),
		items.length ? h('details', h('summary', t('chart.numbers')),
			h('table', h('tbody', items.map((it) => h('tr', h('th', { scope: 'row' }, it.label), h('td', String(it.value))))))) : null);
}

// Stacked horizontal bars: items [{label, parts: [{name, value, cls}]}], with a legend.
export function stackedChart(title, items, legend) {
	const W = 640, rowH = 24, labelW = 220, pad = 8;
	const H = Math.max(1, items.length) * rowH + pad * 2;
	const total = (it) => it.parts.reduce((a, p) => a + (p.value || 0), 0);
	const max = Math.max(1, ...items.map(total));
	const scale = (W - labelW - 60) / max;
	const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, width: W, height: H },
		items.map((it, i) => {
			const yy = pad + i * rowH;
			let x = labelW;
			const rects = it.parts.filter((p) => p.value > 0).map((p) => {
				const r = svg('rect', { class: 'bar ' + p.cls, x, y: yy + 4, width: p.value * scale, height: rowH - 8 },
					svg('title', {}, `${it.label} — ${p.name}: ${p.value}`));
				x += p.value * scale;
				return r;
			});
			return [svg('text', { x: labelW - 6, y: yy + 16, 'text-anchor': 'end' }, shorten(it.label, 32)), rects,
				svg('text', { x: x + 6, y: yy + 16 }, String(total(it)))];
		}));
	const rows = items.map((it) => ({ label: it.label, value: it.parts.map((p) => `${p.name}: ${p.value}`).join(', ') }));
	const fig = figure(title, s, rows);
	fig.insertBefore(h('ul', { class: 'legend' }, legend.map((l) => h('li', h('span', { class: 'swatch ' + l.cls, 'aria-hidden': 'true' }), l.name))), fig.children[1] || null);
	return fig;
}
