// The 简易 view: the 施工许可 power opened from the catalog switches to the vertical approval tree, a "+" adds a
// step after 统一出件, and the canvas shows the same step wired in between.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { browser, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b;
before(async () => { srv = await server(); b = await browser(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('switch to 简易 view and add a step', async () => {
  const page = await signedIn(b, srv.url, 'analyst');
  const byId = (id) => page.getByTestId(id);
  await byId('btn-open').click();
  await byId('open-search').fill('XK00301001');
  await byId('btn-open-XK00301001').click();
  await byId('node-certify').waitFor();

  await byId('view-simple').click();
  await byId('simple-view').waitFor();
  assert.equal(await byId('simple-not-tree').count(), 0, 'the 施工许可 power has the shape of an approval tree');
  for (const id of ['accept', 'joint-review', 'consolidate', 'certify']) await byId(`step-${id}`).waitFor();
  await byId('simple-lane-joint-review-permit').waitFor();
  await shot(page, 'simple-01-tree');

  await byId('insert-after-certify').click();
  await byId('insert-menu').waitFor();
  await shot(page, 'simple-02-insert-menu');
  await byId('insert-step').click();
  const step = byId('step-task-1');
  await step.waitFor();
  await step.click();
  await page.locator('[data-testid="properties-node"][data-node="task-1"]').waitFor();
  await byId('prop-name').fill('档案归档');
  await byId('prop-department').fill('县住房和城乡建设局');
  await byId('prop-role').fill('档案管理员');
  assert.match(await step.innerText(), /档案归档/);
  // no errors: "0 个错误，N 个警告", or "没有问题" once the document has no warnings either (since BPM0206/0207 count the
  // path as the case clock does, 施工许可 has none)
  await page.waitForFunction(() => /0\s*个错误|0 errors?|没有问题|no problems/i.test(document.querySelector('[data-testid="problems-summary"]')?.textContent ?? ''), null, { timeout: 30_000 });
  await shot(page, 'simple-03-step-added');

  // The same document on the canvas: the new step sits between 统一出件 and 准予许可.
  await byId('view-canvas').click();
  await byId('node-task-1').waitFor();
  assert.match(await byId('node-task-1').innerText(), /档案归档/);
  const order = await page.evaluate(() => {
    const y = (id) => document.querySelector(`[data-testid="node-${id}"]`)?.getBoundingClientRect().top ?? NaN;
    return [y('certify'), y('task-1'), y('granted')];
  });
  assert.ok(order[0] < order[1] && order[1] < order[2], `统一出件 above 档案归档 above 准予许可: ${order}`);
  await shot(page, 'simple-04-step-on-canvas');
  assert.deepEqual(page.errors, []);
});
