// Smoke: sign in, open the 施工许可 power from the catalog, and the canvas shows its nodes.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { browser, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b;
before(async () => { srv = await server(); b = await browser(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('sign in, open XK00301001 from the catalog, the canvas shows its nodes', async () => {
  const page = await signedIn(b, srv.url, 'analyst');
  await shot(page, 'smoke-01-signed-in');
  await page.getByTestId('btn-open').click();
  await page.getByTestId('open-dialog').waitFor();
  await page.getByTestId('open-search').fill('XK00301001');
  await page.getByTestId('btn-open-XK00301001').click();
  await page.getByTestId('node-joint-review').waitFor();
  for (const id of ['start', 'accept', 'joint-review', 'consolidate', 'certify', 'granted', 'refused'])
    assert.ok(await page.getByTestId(`node-${id}`).isVisible(), `node-${id} is on the canvas`);
  assert.match(await page.getByTestId('doc-source').innerText(), /XK00301001 v\d+/);
  assert.match(await page.getByTestId('node-joint-review').innerText(), /并联审查/);
  await shot(page, 'smoke-02-construction-permit-on-canvas');
  assert.deepEqual(page.errors, []);
});
