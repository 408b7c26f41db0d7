// The timing overlay on seeded data: the 施工许可 power opened from the catalog, coloured by each step's median
// working time from the supervision API over generated cases (bpm generate), with the figures in a table and on hover.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, browser, seeded, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b;
before(async () => { srv = await server(); b = await browser(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('open the timing overlay on seeded data', async () => {
  // Without generated cases there is nothing to colour: say why instead of passing on an empty chart.
  const seed = seeded(srv);
  assert.ok(seed.ok, `the server has no generated cases: ${seed.detail}`);
  let timing;
  try {
    timing = await api(srv.url, 'supervisor', '/api/supervision/node-timing?power=XK00301001&groupBy=node');
  } catch (e) {
    assert.fail(`the supervision API does not answer (it comes with the supervision work): ${e.message}`);
  }
  const visited = timing.rows.filter((r) => r.powerCode === 'XK00301001' && r.visits > 0);
  assert.ok(visited.length >= 3, `seeded visits of XK00301001's steps: ${JSON.stringify(timing.rows.slice(0, 3))}`);

  const page = await signedIn(b, srv.url, 'supervisor');
  const byId = (id) => page.getByTestId(id);
  await byId('btn-open').click();
  await byId('open-search').fill('XK00301001');
  await byId('btn-open-XK00301001').click();
  await byId('node-joint-review').waitFor();
  await byId('tab-overlay').click();
  await byId('panel-overlay').waitFor();
  await byId('overlay-metric').selectOption('median');
  await byId('btn-overlay').click();
  await byId('overlay-table').waitFor();
  await byId('overlay-legend').waitFor();
  if (await byId('overlay-error').count()) assert.fail(await byId('overlay-error').innerText());

  // Each visited step has a row, and its box on the chart is coloured with the figures on hover.
  for (const row of visited.filter((r) => ['accept', 'fire-review', 'consolidate'].includes(r.nodeId))) {
    await byId(`overlay-node-${row.nodeId}`).waitFor();
    const box = byId(`node-${row.nodeId}`);
    const style = await box.getAttribute('style');
    assert.match(style ?? '', /background/, `node-${row.nodeId} is coloured`);
    assert.match((await box.getAttribute('title')) ?? '', /\d/, `node-${row.nodeId} shows its figures on hover`);
  }
  await byId('node-fire-review').hover();
  await shot(page, 'overlay-01-median');
  await byId('overlay-metric').selectOption('overdue');
  await shot(page, 'overlay-02-overdue-rate');
  assert.deepEqual(page.errors, []);
});
