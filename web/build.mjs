// build.mjs — bundle the web UI into dist/ (served by `ungcuu serve --web dist`).
//   dist/index.html            the single-page app's shell (for /app and /app/*)
//   dist/assets/app-HASH.js    the app, one ES module bundle (hashed: cached for a year)
//   dist/assets/site.css       the shared stylesheet (also linked by the server-rendered pages)
//   dist/assets/public.js      progressive enhancement of the public submit page
// No CDN, no web fonts: everything the browser loads comes from this folder.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const assets = join(out, 'assets');

await rm(out, { recursive: true, force: true });
await mkdir(assets, { recursive: true });

const common = { bundle: true, minify: true, sourcemap: false, target: ['es2020'], logLevel: 'warning' };

const app = await build({
	...common,
	entryPoints: { app: join(here, 'src/app/main.js') },
	format: 'esm',
	outdir: assets,
	entryNames: '[name]-[hash]',
	metafile: true,
});
await build({ ...common, entryPoints: [join(here, 'src/public.js')], format: 'iife', outfile: join(assets, 'public.js') });
await build({ ...common, entryPoints: [join(here, 'src/site.css')], outfile: join(assets, 'site.css') });

const appJs = Object.keys(app.metafile.outputs).find((f) => f.endsWith('.js'));
const shell = (await readFile(join(here, 'src/index.html'), 'utf8')).replace('%APP_JS%', '/assets/' + basename(appJs));
await writeFile(join(out, 'index.html'), shell);
await writeFile(join(assets, 'favicon.svg'), await readFile(join(here, 'src/favicon.svg')));
console.log('web: built dist/ (' + basename(appJs) + ')');
