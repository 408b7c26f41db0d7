// The browser-test harness: a started server (BPM_E2E_SERVER, as test.sh gives it, or one started here), Debian's
// headless Chromium through playwright-core, sign-in as a sample user, screenshots to e2e/screenshots/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');
export const screenshotDir = process.env.BPM_E2E_SCREENSHOTS ?? join(repoRoot, 'designer', 'e2e', 'screenshots');
export const chromiumPath = process.env.BPM_CHROMIUM ?? '/usr/bin/chromium';

let started = null;

/**
 * The server under test: BPM_E2E_SERVER when set (test.sh starts one and seeds it), else the built server
 * (engine/Bpm.Server/bin/Debug/net10.0/bpm.dll) started here on a free port over a fresh SQLite folder.
 */
export async function server() {
  if (process.env.BPM_E2E_SERVER) return { url: process.env.BPM_E2E_SERVER.replace(/\/$/, ''), stop: async () => {} };
  if (started) return started;
  const dll = join(repoRoot, 'engine', 'Bpm.Server', 'bin', 'Debug', 'net10.0', 'bpm.dll');
  if (!existsSync(dll)) throw new Error(`${dll} is missing: run \`dotnet build engine/Bpm.Server\` first, or set BPM_E2E_SERVER`);
  const data = mkdtempSync(join(tmpdir(), 'bpm-e2e-'));
  const child = spawn('dotnet', [dll, '--urls', 'http://127.0.0.1:0', '--Bpm:DataDirectory', data, '--Bpm:Timers:Enabled', 'false'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start within 120 s:\n${log}`)), 120_000);
    const read = (chunk) => {
      log += chunk;
      const m = /BpmServer is running: API (http\S*)\/api /.exec(log);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`the server exited (${code}):\n${log}`)); });
  });
  started = {
    url,
    data,
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(data, { recursive: true, force: true });
      started = null;
    },
  };
  return started;
}

/** Headless Chromium with a window large enough for the canvas and the side panel. */
export async function browser() {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium fonts-noto-cjk, or set BPM_CHROMIUM)`);
  // --no-sandbox: CI and test.sh run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh page (its own storage) at the designer, signed in as the sample user <id> through the sign-in form. */
export async function signedIn(b, url, user, { lang = 'zh-CN' } = {}) {
  const context = await b.newContext({ viewport: { width: 1600, height: 1000 }, locale: lang, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.errors = errors;
  await page.goto(`${url}/designer/`);
  await page.getByTestId('login').waitFor();
  await page.getByTestId('login-user').selectOption(user);
  await page.getByTestId('btn-login').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** Saves a full-page screenshot as screenshots/<name>.png and prints its path (test.sh lists them). */
export async function shot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

/** A bearer token for a sample user, for API checks beside the browser. */
export async function token(url, user) {
  const res = await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
  if (!res.ok) throw new Error(`POST /api/dev/token ${user}: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** GET or POST JSON as a sample user; throws with the problem's body on a non-2xx answer. */
export async function api(url, user, path, { method = 'GET', body, type = 'application/json' } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await token(url, user)}`, ...(body === undefined ? {} : { 'content-type': type }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text.length && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
}

export function catalogText(file) {
  return readFileSync(join(repoRoot, 'process-definitions', file), 'utf8');
}

/** A test's name as a file name. */
export function slug(name) {
  return name.replace(/[^A-Za-z0-9\u4e00-\u9fff-]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/**
 * Generated cases for the supervision figures: test.sh seeds its server once (BPM_E2E_SEEDED=1|0, BPM_E2E_SEED_LOG);
 * a server started here is seeded here, with `bpm generate` against its SQLite file. Returns {ok, detail}.
 */
export function seeded(srv, cases = 300) {
  if (process.env.BPM_E2E_SEEDED !== undefined) {
    const log = process.env.BPM_E2E_SEED_LOG;
    const tail = log && existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-8).join('\n') : '(no log)';
    return { ok: process.env.BPM_E2E_SEEDED === '1', detail: `test.sh ran \`bpm generate --cases 3000 --seed 1\`, which failed:\n${tail}` };
  }
  if (!srv.data) return { ok: true, detail: 'an outside server (BPM_E2E_SERVER) is taken as seeded' };
  if (srv.seed) return srv.seed;
  const dll = join(repoRoot, 'engine', 'Bpm.Server', 'bin', 'Debug', 'net10.0', 'bpm.dll');
  const run = spawnSync('dotnet', [dll, 'generate', '--cases', String(cases), '--seed', '1'], {
    cwd: repoRoot, encoding: 'utf8', timeout: 600_000,
    env: { ...process.env, BPM_DATABASE: `Data Source=${join(srv.data, 'bpm.db')}`, Bpm__DataDirectory: srv.data },
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  srv.seed = { ok: run.status === 0, detail: `\`bpm generate --cases ${cases} --seed 1\` exited ${run.status}:\n${output}` };
  return srv.seed;
}
