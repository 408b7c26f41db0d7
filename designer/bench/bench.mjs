// The designer benchmark (not a test): opens a generated 300-node definition from the catalog and measures how long
// the designer takes to fetch, lay out and draw it, then the frame rate while the canvas is panned by a scripted
// mouse drag (requestAnimationFrame counted in the page). Targets (issue 7): opens in < 1 s, pans at ≥ 50 frames/s.
//   npm --prefix designer/e2e run bench        (BPM_E2E_SERVER=http://… to use a running server; else it starts one)
//   BPM_BENCH_NODES=600 BPM_BENCH_RUNS=5 …     (size and number of opens)
import { browser, server, signedIn, api, shot } from '../e2e/lib/harness.mjs';
import { generate, countNodes } from './generate.mjs';

const size = Number(process.env.BPM_BENCH_NODES ?? 300);
const runs = Number(process.env.BPM_BENCH_RUNS ?? 3);
const panMs = 2000;

const srv = await server();
const b = await browser();
try {
  // A fresh power code each time, so a rerun against the same server publishes a new power rather than a no-op.
  const code = `XK9${String(Date.now()).slice(-7)}`;
  const text = generate(code, size);
  const draft = await api(srv.url, 'deployer', '/api/definitions/drafts', { method: 'POST', body: text, type: 'application/yaml' });
  if (!draft.valid) throw new Error(`the generated definition is invalid: ${JSON.stringify(draft.diagnostics)}`);
  const published = await api(srv.url, 'deployer', `/api/definitions/drafts/${draft.id}/publish`, { method: 'POST' });
  console.log(`definition: ${code} v${published.version}, ${countNodes(text)} nodes (branch steps included), no layout block`);

  const page = await signedIn(b, srv.url, 'deployer');
  const opens = [];
  for (let run = 0; run < runs; run++) {
    if (run > 0) { await page.getByTestId('btn-new').click(); await page.getByTestId('node-s1').waitFor({ state: 'detached' }); }
    await page.getByTestId('btn-open').click();
    await page.getByTestId('open-search').fill(code);
    const button = page.getByTestId(`btn-open-${code}`);
    await button.waitFor();
    // Clock in the page: from the click to the first frame painted after the first and last steps are in the DOM.
    const ms = await page.evaluate(async (code) => {
      const t0 = performance.now();
      document.querySelector(`[data-testid="btn-open-${code}"]`).click();
      await new Promise((ok) => {
        const poll = () => (document.querySelector('[data-testid="node-s1"]') && document.querySelector('[data-testid="node-start"]') ? ok() : requestAnimationFrame(poll));
        poll();
      });
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      return performance.now() - t0;
    }, code);
    opens.push(ms);
    console.log(`open + layout + first paint, run ${run + 1}: ${ms.toFixed(0)} ms`);
  }
  await shot(page, 'bench-opened');

  const rendered = await page.locator('.react-flow__node').count();
  const canvas = await page.getByTestId('canvas').boundingBox();
  const panAt = async (label) => {
    const before = await page.locator('.react-flow__viewport').getAttribute('style');
    // Drag the empty pane near the canvas's left edge (the chain is centred), right and back, for panMs.
    const x0 = canvas.x + 40, y0 = canvas.y + 120;
    await page.evaluate(() => {
      window.__bench = { frames: [], run: true };
      const tick = (t) => { if (!window.__bench.run) return; window.__bench.frames.push(t); requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    const started = Date.now();
    for (let i = 1; Date.now() - started < panMs; i++) {
      const phase = (Date.now() - started) / panMs;
      await page.mouse.move(x0 + 300 * Math.sin(phase * Math.PI * 2), y0 + 200 * phase);
      await new Promise((ok) => setTimeout(ok, 8));
    }
    await page.mouse.up();
    const frames = await page.evaluate(() => { window.__bench.run = false; return window.__bench.frames; });
    const after = await page.locator('.react-flow__viewport').getAttribute('style');
    const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
    const seconds = (frames[frames.length - 1] - frames[0]) / 1000;
    const fps = (frames.length - 1) / seconds;
    const p95 = gaps[Math.floor(gaps.length * 0.95)] ?? 0;
    console.log(`pan (${label}): ${fps.toFixed(1)} frames/s over ${seconds.toFixed(2)} s, ${frames.length} frames, p95 frame ${p95.toFixed(1)} ms, ` +
      `longest ${(gaps[gaps.length - 1] ?? 0).toFixed(1)} ms${before === after ? ' — WARNING: the viewport did not move' : ''}`);
    return fps;
  };
  const fpsFit = await panAt(`fit view, ${rendered} boxes rendered`);
  // Zoom in to about 100 % (wheel over the pane) and pan again: fewer, larger boxes on screen.
  // Zoom in on a step in the middle of the chain (the wheel zooms about the pointer) until the view is at about
  // 100 %, so full-size boxes fill the screen while panning.
  const middle = await page.getByTestId(`node-s${Math.floor(size / 3)}`).boundingBox();
  await page.mouse.move(middle.x + middle.width / 2, middle.y + middle.height / 2);
  for (let i = 0; i < 40; i++) {
    const scale = await page.locator('.react-flow__viewport').evaluate((v) => new DOMMatrix(getComputedStyle(v).transform).a);
    if (scale >= 0.95) break;
    await page.mouse.wheel(0, -100);
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(300);
  const onScreen = await page.locator('.react-flow__node').evaluateAll((nodes) => nodes.filter((n) => {
    const r = n.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  }).length);
  console.log(`zoomed to ${(await page.locator('.react-flow__viewport').evaluate((v) => new DOMMatrix(getComputedStyle(v).transform).a)).toFixed(2)}, ${onScreen} boxes on screen`);
  const fpsNear = await panAt(`zoomed in, ${await page.locator('.react-flow__node').count()} boxes rendered`);
  await shot(page, 'bench-panned');

  const sorted = [...opens].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log('');
  console.log(`RESULT open (median of ${runs}): ${median.toFixed(0)} ms (target < 1000 ms) ${median < 1000 ? 'MET' : 'MISSED'}`);
  console.log(`RESULT pan: ${fpsFit.toFixed(1)} frames/s at fit view, ${fpsNear.toFixed(1)} frames/s zoomed in (target >= 50) ${Math.min(fpsFit, fpsNear) >= 50 ? 'MET' : 'MISSED'}`);
  if (page.errors.length) console.log(`page errors: ${page.errors.join('; ')}`);
} finally {
  await b.close();
  await srv.stop();
}
