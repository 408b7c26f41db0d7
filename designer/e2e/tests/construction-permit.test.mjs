// The 施工许可 joint-approval power drawn from an empty canvas by drag and drop, a validation error seen on its node
// and fixed, its deadlines simulated for an acceptance inside the 2026 National Day holiday, published as the
// deployer and found through the API. The steps run in order on one page; each saves screenshots.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, browser, server, shot, signedIn } from '../lib/harness.mjs';

let srv, b, page;
// A power code of our own (two letters, eight digits), so reruns against one server never collide.
const code = `XK8${String(Date.now()).slice(-7)}`;

before(async () => {
  srv = await server();
  b = await browser();
  page = await signedIn(b, srv.url, 'deployer'); // 李部署: deployer and analyst at 县住房和城乡建设局
});
after(async () => { await b?.close(); await srv?.stop(); });

const byId = (id) => page.getByTestId(id);

/** Drops a palette item on the canvas at a point relative to the canvas's top-left corner, or into a target element. */
async function drop(kind, target) {
  const to = typeof target === 'string' ? byId(target) : byId('canvas');
  const position = typeof target === 'string' ? undefined : target;
  await byId(`palette-${kind}`).dragTo(to, position ? { targetPosition: position } : undefined);
}

/** Selects a node on the canvas (a click on its name) and waits for its property panel. */
async function select(id) {
  await byId(`node-${id}`).locator('.node-name, .block-head').first().click();
  await page.locator(`[data-testid="properties-node"][data-node="${id}"]`).waitFor();
}

async function fill(field, value) {
  const input = byId(field);
  await input.fill(String(value));
}

/** Deselects everything (a click on the empty pane), which shows the power's properties. */
async function deselect() {
  await page.keyboard.press('Escape');
  const pane = byId('canvas').locator('.react-flow__pane');
  const box = await byId('canvas').boundingBox();
  await pane.click({ position: { x: box.width - 30, y: 30 } });
  await byId('properties-power').waitFor();
}

/** Draws a flow by dragging from a node's bottom handle to another's top handle. */
async function connect(from, to) {
  const source = byId(`node-${from}`).locator('.react-flow__handle.source').first();
  const target = byId(`node-${to}`).locator('.react-flow__handle.target').first();
  await source.dragTo(target);
}

async function task(id, { name, department, role, limit, outcome }) {
  await select(id);
  await fill('prop-name', name);
  await fill('prop-department', department);
  await fill('prop-role', role);
  await fill('prop-limit', limit);
  if (outcome) await fill('prop-outcome-0', outcome);
}

async function settled() {
  // The validator runs debounced after each edit; wait until it answered for the current document.
  await page.waitForFunction(() => !document.querySelector('[data-testid="problems"]')?.textContent?.includes('校验中'), null, { timeout: 30_000 });
}

async function errorsShown() {
  await settled();
  return page.locator('[data-testid="problems"] [data-testid^="problem-"]').evaluateAll((rows) =>
    rows.map((r) => r.textContent).filter((t) => /BPM\d+/.test(t) && !/BPM01(07)/.test(t)));
}

test('draw the 施工许可 joint-approval power from an empty canvas by drag and drop', async () => {
  await byId('btn-new').click();
  await byId('node-start').waitFor();
  await byId('view-canvas').click();
  await shot(page, 'permit-01-empty-canvas');

  // The power itself.
  await deselect();
  await fill('prop-power-code', code);
  await fill('prop-power-name', '建筑工程施工许可证核发（设计器绘制）');
  await fill('prop-power-subject', '县住房和城乡建设局');
  await fill('prop-power-joint', '县人民防空办公室');
  await fill('prop-limits-legal', 45);
  await fill('prop-limits-promised', 10);
  await byId('section-basis').click();
  await byId('prop-basis-add').click();
  await fill('prop-basis-0-law', '中华人民共和国建筑法');
  await fill('prop-basis-0-articles', '第七条、第八条');

  // Zoom out so there is room to drop boxes (the new document is fitted at 200 %).
  const box = await byId('canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 200);
  await page.waitForTimeout(300);

  // The steps, dropped from the palette: 一窗受理, the joint review, 汇总决定, 统一出件.
  await drop('task', { x: box.width * 0.3, y: box.height * 0.25 });
  await byId('node-task-1').waitFor();
  await drop('parallel', { x: box.width * 0.3, y: box.height * 0.45 });
  await byId('node-parallel-1').waitFor();
  await drop('task', { x: box.width * 0.75, y: box.height * 0.3 });
  await drop('task', { x: box.width * 0.75, y: box.height * 0.5 });
  await shot(page, 'permit-02-boxes-dropped');

  await task('task-1', { name: '一窗受理', department: '县住房和城乡建设局', role: '综合窗口受理员', limit: 1, outcome: '受理' });
  // New boxes are numbered in order: the block's two first steps took task-2 and task-3, so these are task-4 and task-5.
  await task('task-4', { name: '牵头部门汇总决定', department: '县住房和城乡建设局', role: '负责人', limit: 1, outcome: '准予' });
  await task('task-5', { name: '统一出件（制证送达）', department: '县住房和城乡建设局', role: '综合窗口出件员', limit: 1 });

  // The joint review: lead, join, limit and three branches (the third added here), each with its step.
  await select('parallel-1');
  await fill('prop-name', '并联审查');
  await fill('prop-lead', '县住房和城乡建设局');
  await byId('prop-join').selectOption('all');
  await fill('prop-limit', 7);
  await byId('btn-add-branch').click();
  await fill('prop-branch-0-name', '特殊建设工程消防设计审查');
  await fill('prop-branch-1-name', '人防工程设计审核');
  await fill('prop-branch-2-name', '施工许可审查');
  await byId('lane-parallel-1-branch-3').waitFor();
  await task('task-2', { name: '消防设计审查', department: '县住房和城乡建设局消防审查股', role: '消防审查员', limit: 5 });
  await task('task-3', { name: '人防设计审核', department: '县人民防空办公室', role: '人防审核员', limit: 5 });
  await task('task-6', { name: '施工许可审查', department: '县住房和城乡建设局', role: '审查员', limit: 5 });
  // A second step in the 施工许可 branch: dropped into its lane, below the first.
  const lane = await byId('lane-parallel-1-branch-3').boundingBox();
  // Near the lane's bottom edge, below its first step (force: the lane's centre is covered by that step's box).
  await byId('palette-task').dragTo(byId('lane-parallel-1-branch-3'), { targetPosition: { x: lane.width / 2, y: lane.height - 6 }, force: true });
  await byId('node-task-7').waitFor();
  await task('task-7', { name: '施工许可审核', department: '县住房和城乡建设局', role: '分管负责人', limit: 1 });

  // Tidy up before touching the boxes the block was dropped over.
  await byId('btn-layout').click();
  await byId('btn-fit').click();
  await page.waitForTimeout(300);

  // The end: 准予许可.
  await select('end');
  await fill('prop-name', '准予许可');

  // The flows: start now leads to 一窗受理 (retargeted in the panel), the rest drawn handle to handle.
  await select('start');
  await byId('prop-flow-0-to').selectOption('task-1');
  await byId('btn-layout').click();
  await byId('btn-fit').click();
  await connect('task-1', 'parallel-1');
  await connect('parallel-1', 'task-4');
  await connect('task-4', 'task-5');
  await connect('task-5', 'end');
  await byId('btn-layout').click();
  await byId('btn-fit').click();
  await deselect();
  assert.deepEqual(await errorsShown(), [], 'the drawn definition has no errors');
  await shot(page, 'permit-03-drawn');
});

test('a validation error appears on the offending node, and goes when it is fixed', async () => {
  // 汇总决定 given no time at all: BPM0203 (a limit that is zero or negative) on that node.
  await select('task-4');
  await fill('prop-limit', 0);
  await settled();
  const marker = byId('node-problems-task-4');
  await marker.waitFor();
  assert.match(await marker.innerText(), /BPM0203/);
  assert.ok((await errorsShown()).some((t) => t.includes('BPM0203')), 'the problems list has the finding too');
  await shot(page, 'permit-04-validation-error-on-node');

  await fill('prop-limit', 1);
  await settled();
  await marker.waitFor({ state: 'detached' });
  assert.deepEqual(await errorsShown(), []);
  await shot(page, 'permit-05-fixed');
});

test('simulate the deadlines of an acceptance on 2026-10-03, inside the National Day holiday', async () => {
  await byId('tab-simulation').click();
  await fill('sim-accepted-on', '2026-10-03');
  await byId('btn-simulate').click();
  await byId('sim-table').waitFor();
  // Counted by hand (tests/Bpm.Server.Tests/Api/DesignerScenarios.cs): 10-01…10-07 off, 10-10 (Sat) a make-up day.
  assert.equal(await byId('sim-promised-due').innerText(), '2026-10-20 17:30');
  assert.equal(await byId('sim-legal-due').innerText(), '2026-12-08 17:30');
  assert.equal(await byId('sim-node-task-2').innerText(), '2026-10-13 17:30');  // 消防 5 wd
  assert.equal(await byId('sim-node-task-7').innerText(), '2026-10-14 17:30');  // 施工许可 5 + 1 wd
  assert.equal(await byId('sim-node-parallel-1').innerText(), '2026-10-14 17:30');
  assert.equal(await byId('sim-node-task-4').innerText(), '2026-10-15 17:30');
  assert.equal(await byId('sim-node-task-5').innerText(), '2026-10-16 17:30');
  assert.equal(await byId('sim-warning').count(), 0, 'the path stays within the promised 10 working days');
  await shot(page, 'permit-06-simulated-national-day');
});

test('publish as the deployer and find it through the API', async () => {
  await byId('btn-publish').click();
  await page.waitForFunction((c) => document.querySelector('[data-testid="doc-source"]')?.textContent?.includes(c), code, { timeout: 30_000 });
  await shot(page, 'permit-07-published');
  const power = await api(srv.url, 'analyst', `/api/powers/${code}`);
  assert.equal(power.code, code);
  assert.equal(power.latestVersion, 1);
  const definition = await api(srv.url, 'analyst', `/api/powers/${code}/versions/1?format=json`);
  const block = definition.nodes.find((n) => n.kind === 'parallel');
  assert.deepEqual(block.branches.map((br) => br.nodes.map((n) => n.name)), [['消防设计审查'], ['人防设计审核'], ['施工许可审查', '施工许可审核']]);
  assert.equal(block.join, 'all');

  // An analyst has no publish button (and the server would refuse anyway).
  const analyst = await signedIn(b, srv.url, 'analyst');
  assert.equal(await analyst.getByTestId('btn-publish').count(), 0);
  await analyst.context().close();
});
