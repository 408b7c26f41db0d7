// The server behind the property panel: a document template previewed on sample data (rendered by the server's
// Handlebars), and departments and roles offered from GET /api/directory.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { browser, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b;
before(async () => { srv = await server(); b = await browser(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('preview a document template on sample data and pick departments and roles the server knows', async () => {
  const page = await signedIn(b, srv.url, 'analyst');
  const byId = (id) => page.getByTestId(id);
  await byId('btn-open').click();
  await byId('open-search').fill('XK00301001');
  await byId('btn-open-XK00301001').click();
  await byId('node-certify').waitFor();

  // Nothing selected: the power's properties, with its templates.
  await byId('properties-power').waitFor();
  await byId('section-templates').click();
  await byId('btn-preview-not-accepted-notice').click();
  const preview = byId('template-preview-not-accepted-notice');
  await preview.waitFor();
  const body = await preview.innerText();
  assert.match(body, /建筑工程施工许可证核发申请（项目：（项目名称））/);
  assert.match(body, /县住房和城乡建设局/);
  assert.doesNotMatch(body, /\{\{/);
  await preview.scrollIntoViewIfNeeded();
  await shot(page, 'templates-01-preview');

  // A step's department and role fields suggest what the directory lists.
  await byId('node-consolidate').locator('.node-name').click();
  await page.locator('[data-testid="properties-node"][data-node="consolidate"]').waitFor();
  const suggestions = (testid) => page.locator(`[data-testid="${testid}"]`).evaluate((input) =>
    input.list ? [...input.list.options].map((o) => o.value) : []);
  const departments = await suggestions('prop-department');
  for (const d of ['县住房和城乡建设局', '县人民防空办公室', '县住房和城乡建设局消防审查股', '县民政局'])
    assert.ok(departments.includes(d), `${d} is offered: ${departments.join(', ')}`);
  const roles = await suggestions('prop-role');
  assert.ok(roles.includes('负责人') && roles.includes('综合窗口受理员'), `the 住建局's roles are offered: ${roles.join(', ')}`);
  await shot(page, 'templates-02-directory-suggestions');
  assert.deepEqual(page.errors, []);
});
