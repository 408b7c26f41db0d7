// Canvas editing (issue 7 gaps): a clicked flow opens in the property panel and is edited there with undo; steps of
// a 并联会审 block are dragged to another place in their lane or to another lane; unsaved work is not dropped
// without asking (in-app confirm before another document replaces it, the browser's prompt before the tab goes).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { browser, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b;
before(async () => { srv = await server(); b = await browser(); });
after(async () => { await b?.close(); await srv?.stop(); });

async function openPower(page, code) {
  await page.getByTestId('btn-open').click();
  await page.getByTestId('open-search').fill(code);
  await page.getByTestId(`btn-open-${code}`).click();
}

async function opened(page, code) {
  await page.waitForFunction((c) => document.querySelector('[data-testid="doc-source"]')?.textContent?.startsWith(c), code);
}

/**
 * Clicks a point of a flow's drawn path, `along` its length (the centre of an edge's bounding box is often beside a
 * routed line; flows leaving one box share their first stretch).
 */
/** Waits until the canvas stops moving (an undo or a fit may pan it with an animation), so a computed point stays put. */
async function viewportSettled(page) {
  await page.waitForFunction(() => new Promise((resolve) => {
    const transform = () => document.querySelector('.react-flow__viewport')?.style.transform ?? '';
    const before = transform();
    setTimeout(() => resolve(transform() === before), 250);
  }), null, { timeout: 10_000, polling: 50 });
}

async function clickEdge(page, edgeId, along = 0.5) {
  await viewportSettled(page);
  const at = await page.evaluate(([id, along]) => {
    const g = document.querySelector(`[data-testid="rf__edge-${CSS.escape(id)}"]`);
    const path = g?.querySelector('path.react-flow__edge-path');
    if (!path) return null;
    const p = path.getPointAtLength(path.getTotalLength() * along);
    const s = new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM());
    return { x: s.x, y: s.y };
  }, [edgeId, along]);
  assert.ok(at, `edge ${edgeId} is drawn`);
  await page.mouse.click(at.x, at.y);
}

async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

const centreOf = (box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });

test('a clicked flow opens in the property panel: condition and outcome edited there, undone with the toolbar', async () => {
  const page = await signedIn(b, srv.url, 'analyst');
  const byId = (id) => page.getByTestId(id);
  await openPower(page, 'XK00211001');
  await opened(page, 'XK00211001');
  await byId('node-site-check').waitFor();

  // flow #7 leaves the decision 现场核查判断 with a condition
  await clickEdge(page, 'flow:site-check->site-inspection:data.needSiteInspection == true');
  const panel = page.locator('[data-testid="properties-flow"][data-flow="7"]');
  await panel.waitFor();
  assert.equal(await byId('properties-power').count(), 0, 'the flow, not the power, is in the panel');
  assert.equal(await byId('prop-flow-7-when').inputValue(), 'data.needSiteInspection == true');
  assert.equal(await byId('prop-flow-7-default').isChecked(), false);
  assert.equal(await byId('prop-flow-7-on').count(), 0, 'a decision\'s flow has a condition, not an outcome');
  await shot(page, 'canvas-editing-01-flow-selected');

  await byId('prop-flow-7-when').fill('data.area > 100');
  await byId('rf__edge-flow:site-check->site-inspection:data.area > 100').waitFor();
  assert.equal(await byId('rf__edge-flow:site-check->site-inspection:data.needSiteInspection == true').count(), 0);
  await panel.waitFor(); // still open although its edge was renamed with its label
  await byId('unsaved').waitFor();
  await shot(page, 'canvas-editing-02-condition-edited');

  // typing into one field is one undo step: one undo gives back the catalog's condition and nothing is unsaved
  await byId('btn-undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="prop-flow-7-when"]')?.value === 'data.needSiteInspection == true');
  await byId('rf__edge-flow:site-check->site-inspection:data.needSiteInspection == true').waitFor();
  assert.equal(await byId('unsaved').count(), 0);
  await byId('btn-redo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="prop-flow-7-when"]')?.value === 'data.area > 100');
  await byId('btn-undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="prop-flow-7-when"]')?.value === 'data.needSiteInspection == true');

  // an outcome flow of a task: its `on`
  await clickEdge(page, 'flow:decide->certify:准予', 0.85);
  await page.locator('[data-testid="properties-flow"][data-flow="10"]').waitFor();
  assert.equal(await byId('prop-flow-10-on').inputValue(), '准予');
  assert.equal(await byId('prop-flow-10-when').count(), 0);
  await byId('prop-flow-10-on').fill('准予许可');
  await byId('rf__edge-flow:decide->certify:准予许可').waitFor();
  assert.match(await byId('rf__edge-flow:decide->certify:准予许可').textContent(), /准予许可/, 'the label on the canvas follows');

  // a node click replaces the flow in the panel
  await byId('node-decide').click();
  await page.locator('[data-testid="properties-node"][data-node="decide"]').waitFor();
  assert.equal(await byId('properties-flow').count(), 0);
  // and the node's own flow list shows the edited outcome
  assert.equal(await byId('prop-flow-10-on').inputValue(), '准予许可');
  assert.deepEqual(page.errors, []);
});

test('steps of a 并联会审 block are dragged to another place in their lane and to another lane, undone step by step', async () => {
  const page = await signedIn(b, srv.url, 'analyst');
  const byId = (id) => page.getByTestId(id);
  await openPower(page, 'XK00301001');
  await opened(page, 'XK00301001');
  await byId('node-permit-approve').waitFor();
  const y = async (id) => (await byId(`node-${id}`).boundingBox()).y;
  assert.ok(await y('permit-review') < await y('permit-approve'), 'the catalog order: 审查 before 审批');

  // reorder: 审批 let go above 审查 in the same lane
  const review = await byId('node-permit-review').boundingBox();
  await drag(page, centreOf(await byId('node-permit-approve').boundingBox()), { x: review.x + review.width / 2, y: review.y - 4 });
  await page.waitForFunction(() => {
    const top = (id) => document.querySelector(`[data-testid="node-${id}"]`)?.getBoundingClientRect().top ?? NaN;
    return top('permit-approve') < top('permit-review');
  });
  await byId('unsaved').waitFor();
  await shot(page, 'canvas-editing-03-lane-reordered');

  // across lanes: 审查 let go low in the 消防 lane joins that branch, last
  const fire = await byId('lane-joint-review-fire').boundingBox();
  await drag(page, centreOf(await byId('node-permit-review').boundingBox()), { x: fire.x + fire.width / 2, y: fire.y + fire.height - 20 });
  await byId('node-permit-review').click();
  await page.locator('[data-testid="properties-node"][data-node="permit-review"]').waitFor();
  assert.equal(await byId('prop-branch').inputValue(), 'fire', '审查 is now a step of the 消防 branch');
  const fireBox = await byId('lane-joint-review-fire').boundingBox();
  const moved = await byId('node-permit-review').boundingBox();
  assert.ok(moved.x >= fireBox.x && moved.x + moved.width <= fireBox.x + fireBox.width, 'drawn inside the 消防 lane');
  await shot(page, 'canvas-editing-04-moved-to-another-lane');

  // let go outside the block: nothing changes, the box goes back
  await page.keyboard.press('Escape');
  const before = await byId('node-permit-approve').boundingBox();
  const accept = await byId('node-accept').boundingBox();
  await drag(page, centreOf(before), centreOf(accept));
  await page.waitForFunction((x) => Math.abs(document.querySelector('[data-testid="node-permit-approve"]').getBoundingClientRect().x - x) < 2, before.x);

  // two moves, two undo steps, back to the catalog document (a snap-back would have been a third)
  await byId('btn-undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="properties-node"] [data-testid="prop-branch"]')?.value !== 'fire'
    || !document.querySelector('[data-testid="properties-node"]'));
  await byId('unsaved').waitFor();
  await byId('btn-undo').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="unsaved"]'));
  assert.ok(await y('permit-review') < await y('permit-approve'), 'undone: 审查 before 审批 again');
  assert.deepEqual(page.errors, []);
});

test('unsaved work: opening another power or a new document asks first; closing the tab gets the browser prompt', async () => {
  const page = await signedIn(b, srv.url, 'analyst');
  const byId = (id) => page.getByTestId(id);
  await openPower(page, 'XK00301001');
  await opened(page, 'XK00301001');
  await byId('node-certify').click();
  await byId('prop-name').fill('统一出件（改）');
  await byId('unsaved').waitFor();

  // keep editing: nothing is replaced
  await openPower(page, 'XK00211001');
  await byId('confirm-discard').waitFor();
  await shot(page, 'canvas-editing-05-confirm-discard');
  await byId('btn-keep-editing').click();
  assert.equal(await byId('confirm-discard').count(), 0);
  assert.match(await byId('doc-source').innerText(), /^XK00301001/);
  assert.match(await byId('node-certify').innerText(), /统一出件（改）/);
  await byId('unsaved').waitFor();

  await byId('btn-new').click();
  await byId('confirm-discard').waitFor();
  await byId('btn-keep-editing').click();
  assert.match(await byId('doc-source').innerText(), /^XK00301001/);

  // the browser's own prompt before the tab closes with unsaved work; dismissed, the page stays
  const prompt = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialog = await prompt;
  assert.equal(dialog.type(), 'beforeunload');
  await dialog.dismiss();
  assert.equal(page.isClosed(), false);

  // discard: the other power opens, nothing unsaved, and then nothing asks any more
  await openPower(page, 'XK00211001');
  await byId('confirm-discard').waitFor();
  await byId('btn-discard').click();
  await opened(page, 'XK00211001');
  assert.equal(await byId('unsaved').count(), 0);
  await byId('btn-new').click();
  assert.equal(await byId('confirm-discard').count(), 0, 'a saved document is replaced without asking');
  await page.waitForFunction(() => !document.querySelector('[data-testid="doc-source"]'));
  let asked = false;
  page.on('dialog', (d) => { asked = true; void d.dismiss(); });
  await page.close({ runBeforeUnload: true });
  await page.waitForEvent('close');
  assert.equal(asked, false, 'no prompt without unsaved work');
  assert.deepEqual(page.errors, []);
});
