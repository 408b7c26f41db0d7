// Issue 7: round trips keep the content hash, proven against the server's own hash. Every catalog power (GET
// /api/powers) is opened in the designer, shown as 流程图 → 简易 → YAML → 流程图, one box is moved, and the draft is
// saved; the server then reports that draft unchanged against the published version. The server's `unchanged` is
// `published.ContentHash == ContentHash.Of(draft)` (DefinitionEndpoints.DraftViewOf), so it is the server's hash,
// not the designer's, that is compared; `changes` is its semantic diff and must be empty too.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, browser, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b;
before(async () => { srv = await server(); b = await browser(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('every catalog power survives 流程图 → 简易 → YAML → 流程图, a moved box and a saved draft with its content hash', async () => {
  const catalog = await api(srv.url, 'analyst', '/api/powers?pageSize=200');
  assert.ok(catalog.items.length >= 5, `the catalog is published (${catalog.items.length} powers)`);
  const page = await signedIn(b, srv.url, 'analyst');
  const byId = (id) => page.getByTestId(id);

  const checked = [];
  for (const power of catalog.items) {
    const code = power.code;
    const version = Number(power.latestVersion);
    const json = await api(srv.url, 'analyst', `/api/powers/${code}/versions/${version}?format=json`);
    // a top-level box (steps inside 并联会审 lanes sit where their branch order puts them)
    const box = json.nodes.find((n) => n.kind !== 'parallel') ?? json.nodes[0];

    await byId('btn-open').click();
    await byId('open-search').fill(code);
    await byId(`btn-open-${code}`).click();
    await page.waitForFunction((c) => document.querySelector('[data-testid="doc-source"]')?.textContent?.startsWith(c), code);
    await byId(`node-${box.id}`).waitFor();
    assert.equal(await byId('unsaved').count(), 0, `${code}: freshly opened, nothing unsaved`);

    await byId('view-simple').click();
    await byId('simple-view').waitFor();
    await byId('view-text').click();
    await byId('text-view').waitFor();
    await page.locator('[data-testid="text-view"] .cm-content').waitFor();
    await byId('view-canvas').click();
    const node = byId(`node-${box.id}`);
    await node.waitFor();
    assert.equal(await byId('unsaved').count(), 0, `${code}: switching views is not an edit`);

    // move the box by dragging it on the canvas
    const before = await node.boundingBox();
    await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width / 2 + 30, before.y + before.height / 2 + 20, { steps: 6 });
    await page.mouse.move(before.x + before.width / 2 + 60, before.y + before.height / 2 + 40, { steps: 6 });
    await page.mouse.up();
    const moved = await node.boundingBox();
    assert.ok(Math.abs(moved.x - before.x) > 20 || Math.abs(moved.y - before.y) > 20, `${code}: ${box.id} moved (${before.x},${before.y} → ${moved.x},${moved.y})`);
    await byId('unsaved').waitFor();

    const saved = page.waitForResponse((r) => r.url().endsWith('/api/definitions/drafts') && r.request().method() === 'POST');
    await byId('btn-save').click();
    const response = await saved;
    assert.ok(response.ok(), `${code}: draft saved (${response.status()})`);
    const { id } = await response.json();
    await page.waitForFunction(() => !document.querySelector('[data-testid="unsaved"]'));

    const draft = await api(srv.url, 'analyst', `/api/definitions/drafts/${id}`);
    assert.equal(draft.powerCode, code);
    assert.equal(Number(draft.publishedVersion), version, `${code}: compared with the published v${version}`);
    assert.deepEqual(draft.changes, [], `${code}: no semantic change`);
    assert.equal(draft.unchanged, true, `${code}: the draft's content hash is the published version's`);
    // …while the move itself did reach the server: the draft's layout block holds the box somewhere else
    const text = await api(srv.url, 'analyst', `/api/definitions/drafts/${id}/text`);
    const at = new RegExp(`^\\s+${box.id}: \\{x: (-?[\\d.]+), y: (-?[\\d.]+)\\}`, 'm').exec(text);
    assert.ok(at, `${code}: the draft's layout places ${box.id}`);
    const was = json.layout?.[box.id];
    if (was) assert.notDeepEqual([Number(at[1]), Number(at[2])], [was.x, was.y], `${code}: ${box.id} was stored at a new position`);
    checked.push(code);
  }
  console.log(`round trip kept the content hash of ${checked.length} powers: ${checked.join(' ')}`);
  assert.equal(checked.length, catalog.items.length);
  await shot(page, 'round-trip-last-power');
  assert.deepEqual(page.errors, []);
});
