// Build the PWA from pwa/ into static/, which Flask serves at the site root. `npm run build`.
//
// static/ is output only: it is wiped first, so a file removed from pwa/ cannot linger in the precache.
import { build } from 'esbuild';
import { injectManifest } from 'workbox-build';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const src = join(root, 'pwa');
const out = join(root, 'static');
const require = createRequire(import.meta.url);

// workbox-window reads process.env.NODE_ENV for its dev logging; define it so that code is dropped
const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['es2022'], // phones from 2022 on: Safari 15.4, Chrome 94
  logLevel: 'warning',
  absWorkingDir: root, // the metafile's paths are relative to it
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** The app shell the service worker precaches; sw.js itself must never be in it, nor the console's code. */
const SHELL = ['index.html', 'app.js', 'map.js', 'chunks/*.js', 'matching-worker.js', 'styles.css',
  'manifest.webmanifest', 'icons/*.{svg,png}', 'maplibre-gl.css', 'maplibre-gl-worker.js'];

const SWAGGER_UI = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'];

async function copyStatic() {
  for (const name of ['index.html', 'manifest.webmanifest', 'styles.css', 'icons']) {
    await cp(join(src, name), join(out, name), { recursive: true });
  }
  await cp(join(src, 'console', 'index.html'), join(out, 'console.html'));
  await cp(join(src, 'console', 'console.css'), join(out, 'console.css'));
}

/** Serve Swagger UI from our own origin, so /api/docs needs no CDN and fits the CSP. */
async function copySwaggerUi() {
  const from = dirname(require.resolve('swagger-ui-dist/package.json'));
  const to = join(out, 'vendor', 'swagger-ui');
  await mkdir(to, { recursive: true });
  for (const name of SWAGGER_UI) await cp(join(from, name), join(to, name));
}

/** uPlot's stylesheet, loaded by the dashboard's chart with the chart (pwa/console/ui/daily-chart.js). */
async function copyUplotCss() {
  const to = join(out, 'vendor', 'uplot');
  await mkdir(to, { recursive: true });
  await cp(join(dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.min.css'), join(to, 'uPlot.min.css'));
}

/**
 * MapLibre's stylesheet and its worker, at fixed addresses pwa/ui/map.js names (the worker is MapLibre's own
 * prebuilt module, which esbuild cannot split out of the library); precached, so a kept map works offline.
 */
async function copyMaplibre() {
  const dist = join(dirname(require.resolve('maplibre-gl/package.json')), 'dist');
  await cp(join(dist, 'maplibre-gl.css'), join(out, 'maplibre-gl.css'));
  await cp(join(dist, 'maplibre-gl-worker.mjs'), join(out, 'maplibre-gl-worker.js'));
}

/** Icons inlined as SVG text (pwa/app/ui/icons.js), without each file's comment and line breaks. */
const svgText = {
  name: 'svg-text',
  setup(builder) {
    builder.onLoad({ filter: /\.svg$/ }, async ({ path }) => ({ loader: 'text',
      contents: (await readFile(path, 'utf8')).replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ')
        .replace(/> </g, '><').trim() }));
  },
};

/**
 * The volunteer app and the organizer console, built together so the code they share (lit-html, the router,
 * forms, api.js, i18n) is one set of chunks. app.js is what the app's first screen needs; screens that need the
 * contact parsers and phone-number metadata import them dynamically, as chunks. console.js only asks who is signed
 * in; the console's shell and screens are chunks it loads for an organizer. The matching crypto is a worker of its
 * own, loaded only to match. Returns the files only the console uses, which the service worker must not precache
 * (a volunteer's phone never downloads them).
 */
async function buildApps() {
  const [{ metafile }] = await Promise.all([
    // map: pwa/ui/map.js at a fixed address, for the screens that import it (as a chunk) and for tests and benches
    build({ ...common, entryPoints: { app: join(src, 'app', 'main.js'), console: join(src, 'console', 'main.js'),
      map: join(src, 'ui', 'map.js') },
      format: 'esm', splitting: true, outdir: out, chunkNames: 'chunks/[name]-[hash]', plugins: [svgText],
      metafile: true }),
    build({ ...common, entryPoints: [join(src, 'lib', 'matching', 'worker.js')], format: 'iife',
      outfile: join(out, 'matching-worker.js') }),
  ]);
  const app = reachable(metafile, join(out, 'app.js'), join(out, 'map.js'));
  const consoleOnly = Object.keys(metafile.outputs).filter((file) => file.endsWith('.js') && !app.has(file))
    .map((file) => relative(out, join(root, file)));
  return { metafile, consoleOnly };
}

/** Every output file the entries load, at once or later (dynamic imports). */
function reachable(metafile, ...entries) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path } of metafile.outputs[file]?.imports ?? []) visit(path);
  };
  for (const entry of entries) visit(relative(root, entry));
  return seen;
}

/**
 * The scripts a first visit needs before the sign-in screen shows: what app.js imports, and the sign-in screen's
 * chunk with what it imports. index.html names them as modulepreload links, so a phone fetches them together with
 * app.js instead of finding them one import at a time (three round trips on a slow link, one now).
 */
function firstScreenScripts(metafile) {
  const { outputs } = metafile;
  const chunkOf = new Map(Object.entries(outputs).map(([path, output]) => [output.entryPoint, path]));
  const needed = new Set();
  const visit = (path) => {
    if (needed.has(path)) return;
    needed.add(path);
    for (const { path: imported, kind } of outputs[path].imports) if (kind === 'import-statement') visit(imported);
  };
  const app = relative(root, join(out, 'app.js'));
  visit(app);
  visit(chunkOf.get(relative(root, join(src, 'app', 'screens', 'signin.js'))));
  needed.delete(app);
  return [...needed].map((path) => `/${relative(out, join(root, path))}`);
}

async function preloadFirstScreen(metafile) {
  const page = join(out, 'index.html');
  const links = firstScreenScripts(metafile).map((href) => `<link rel="modulepreload" href="${href}">`);
  const script = '<script type="module" src="/app.js"></script>';
  const html = await readFile(page, 'utf8');
  if (!html.includes(script)) throw new Error(`index.html no longer loads the app with ${script}`);
  await writeFile(page, html.replace(script, [script, ...links].join('\n  ')));
}

/** Workbox's injectManifest does not bundle, so esbuild bundles first into a scratch dir. */
async function buildServiceWorker(consoleOnly) {
  const scratch = await mkdtemp(join(tmpdir(), 'kin-sw-'));
  try {
    const bundled = join(scratch, 'sw.js');
    await build({ ...common, entryPoints: [join(src, 'sw', 'sw.js')], format: 'iife', outfile: bundled });
    const { count, size, warnings } = await injectManifest({
      swSrc: bundled,
      swDest: join(out, 'sw.js'),
      globDirectory: out,
      globPatterns: SHELL,
      // the charset detector loads only for a file in an unnamed Windows code page (lib/contacts/encoding.js)
      globIgnores: ['sw.js', '**/*.map', 'vendor/**', 'chunks/charset-detector-*.js', ...consoleOnly],
      dontCacheBustURLsMatching: /^chunks\/.+-[A-Z0-9]{8}\.js$/, // named by their content: fetch them once
    });
    for (const warning of warnings) console.warn(warning);
    return { count, size };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const started = performance.now();
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const [, , { metafile, consoleOnly }] = await Promise.all([copyStatic(), copySwaggerUi(), buildApps(),
  copyUplotCss(), copyMaplibre()]);
await preloadFirstScreen(metafile);
const { count, size } = await buildServiceWorker(consoleOnly); // last: it hashes what the others wrote
const ms = Math.round(performance.now() - started);
console.log(`static/: app shell of ${count} files (${(size / 1024).toFixed(1)} KiB) precached by sw.js, in ${ms} ms`);
