// public.js — progressive enhancement of the public submit page (/gui-yeu-cau):
// before upload, check the screenshot's size and type (by its first bytes, as the
// server does) and show a preview.  The page works the same without this script:
// the server checks everything again.
const MAX_BYTES = 5 * 1024 * 1024;

const TEXT = {
	vi: {
		tooBig: (mb) => `Ảnh quá lớn (${mb} MB). Giới hạn là 5 MB.`,
		badType: 'Chỉ nhận ảnh PNG, JPEG, WebP hoặc GIF.',
		preview: 'Xem trước ảnh chụp màn hình',
		ok: (name, kb) => `Đã chọn: ${name} (${kb} KB)`,
	},
	en: {
		tooBig: (mb) => `The picture is too large (${mb} MB). The limit is 5 MB.`,
		badType: 'Only PNG, JPEG, WebP or GIF pictures are accepted.',
		preview: 'Preview of the screenshot',
		ok: (name, kb) => `Selected: ${name} (${kb} KB)`,
	},
};

// The picture formats the server accepts, by magic bytes.
function sniff(b) {
	if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
	if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
	if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 &&
		b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
	return null;
}

function enhance(input) {
	const lang = (document.documentElement.lang || 'vi').toLowerCase().startsWith('en') ? 'en' : 'vi';
	const t = TEXT[lang];
	const max = Number(input.dataset.maxBytes) || MAX_BYTES;
	const status = document.createElement('p');
	status.className = 'hint';
	status.id = (input.id || 'screenshot') + '-status';
	status.setAttribute('aria-live', 'polite');
	const figure = document.createElement('div');
	figure.className = 'preview';
	input.after(status, figure);
	const described = input.getAttribute('aria-describedby');
	input.setAttribute('aria-describedby', (described ? described + ' ' : '') + status.id);
	input.setAttribute('accept', 'image/png,image/jpeg,image/webp,image/gif');
	let url = null;

	function reset(message, isError) {
		if (url) URL.revokeObjectURL(url);
		url = null;
		figure.replaceChildren();
		status.textContent = message || '';
		status.className = isError ? 'field-error' : 'hint';
		input.setAttribute('aria-invalid', isError ? 'true' : 'false');
		input.setCustomValidity(isError ? message : '');
	}

	input.addEventListener('change', async () => {
		const file = input.files && input.files[0];
		if (!file) return reset('', false);
		if (file.size > max) {
			reset(t.tooBig((file.size / 1048576).toFixed(1)), true);
			input.value = '';
			return;
		}
		const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
		if (!sniff(head)) {
			reset(t.badType, true);
			input.value = '';
			return;
		}
		reset(t.ok(file.name, Math.max(1, Math.round(file.size / 1024))), false);
		url = URL.createObjectURL(file);
		const img = document.createElement('img');
		img.src = url;
		img.alt = t.preview;
		figure.append(img);
	});
}

function init() {
	document.querySelectorAll('input[type=file][name=screenshot], input[type=file][data-preview]').forEach(enhance);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
