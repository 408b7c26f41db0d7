// Validates every process definition sample against the DSL's JSON Schema
// (engine/Bpm.Definitions/Schema/process-definition.schema.json) and checks that
// typical mistakes are rejected. Run: npm install && npm test
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const schemaPath = path.join(repo, 'engine', 'Bpm.Definitions', 'Schema', 'process-definition.schema.json');
const definitionsDir = path.join(repo, 'process-definitions');
const referenceSample = path.join(definitionsDir, 'XK00301001-construction-permit.yaml');

const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));

function compile() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

// Compiled once; if strict mode rejects the schema, the first test reports why and the rest fail with it.
let compileError;
let compiled;
try {
  compiled = compile();
} catch (e) {
  compileError = e;
}
function validate(data) {
  if (compileError) throw compileError;
  const ok = compiled(data);
  validate.errors = compiled.errors;
  return ok;
}

// YAML 1.2 core schema (the yaml package's default): dates such as 2021-03-30 stay strings.
function load(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  const doc = YAML.parseDocument(text, { schema: 'core', uniqueKeys: true });
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('\n')}`);
  return doc.toJS();
}

function formatErrors(errors) {
  return (errors ?? [])
    .map((e) => `  ${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''} (${e.schemaPath})`)
    .join('\n');
}

function definitionFiles() {
  // Top-level files only: calendars/ is a different format.
  return fs
    .readdirSync(definitionsDir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name))
    .map((e) => e.name)
    .sort();
}

test('schema compiles under ajv strict mode', () => {
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(schema.$id, 'https://bpmserver.local/schema/process-definition.schema.json');
  assert.doesNotThrow(compile);
});

test('every object in the schema is closed and every property is described', () => {
  // Predicate subtrees (if/then/contains and the kind check of the node dispatchers) only
  // constrain shapes declared elsewhere, so they are not walked.
  const predicateKeys = new Set(['if', 'then', 'else', 'contains', 'allOf']);
  const isDispatcher = (node) =>
    Array.isArray(node.allOf) && node.allOf.some((s) => s.if && s.then && typeof s.then.$ref === 'string');
  const problems = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (!node || typeof node !== 'object') return;
    if (node.type === 'object' && !('additionalProperties' in node) && !isDispatcher(node)) {
      problems.push(`${where}: no additionalProperties`);
    }
    if (node.properties && node.additionalProperties !== false) problems.push(`${where}: properties but not closed`);
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      if (typeof prop.description !== 'string' || !/[\u4e00-\u9fff].* \/ .*[A-Za-z]/.test(prop.description)) {
        problems.push(`${where}/properties/${key}: description must be "中文 / English"`);
      }
    }
    for (const [k, v] of Object.entries(node)) if (!predicateKeys.has(k)) walk(v, `${where}/${k}`);
  };
  walk(schema, '#');
  assert.deepEqual(problems, []);
});

test('schema has the expected $defs', () => {
  const objectDefs = [
    'definition', 'power', 'legalBasis', 'fee', 'guide', 'material', 'limits', 'extension', 'durationObject',
    'startNode', 'taskNode', 'outcomeObject', 'formField', 'decisionNode', 'parallelNode', 'branch', 'waitNode',
    'serviceNode', 'endNode', 'flow', 'specialProcedure', 'discretionEntry', 'discretionColumn', 'discretionTier',
    'band', 'template', 'supervision', 'escalation', 'position',
  ];
  for (const name of objectDefs) {
    const def = schema.$defs[name];
    assert.ok(def, `missing $defs/${name}`);
    assert.equal(def.type, 'object', `$defs/${name} is an object`);
    assert.equal(def.additionalProperties, false, `$defs/${name} is closed`);
  }
  assert.equal(schema.$ref, '#/$defs/definition');
});

const files = definitionFiles();

test('found process definition samples', () => {
  assert.ok(files.includes(path.basename(referenceSample)), 'reference sample present');
});

for (const name of files) {
  test(`sample ${name} is valid`, () => {
    const data = load(path.join(definitionsDir, name));
    const ok = validate(data);
    assert.ok(ok, `${name} has schema errors:\n${formatErrors(validate.errors)}`);
  });
}

// ---- negative cases, each a mutation of a deep copy of the reference sample ----

const reference = load(referenceSample);
const copy = () => structuredClone(reference);
// The README's discretion example (domain.md §5 Example A); tests override what they vary.
const discretionEntry = (overrides) => ({
  id: 'unlicensed-construction',
  violation: '未取得施工许可证擅自施工',
  violates: '《中华人民共和国建筑法》第七条',
  basis: '《建筑工程施工许可管理办法》第十二条',
  effectiveFrom: '2021-03-30',
  columns: [{ id: 'builder', name: '建设单位', statutory: { min: 1, max: 2, unit: '%', of: '工程合同价款' } }],
  ...overrides,
});
const findNode = (def, id) => {
  const search = (nodes) => {
    for (const n of nodes ?? []) {
      if (n.id === id) return n;
      for (const b of n.branches ?? []) {
        const hit = search(b.nodes);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  const node = search(def.nodes);
  assert.ok(node, `node ${id} in reference sample`);
  return node;
};

function assertRejected(def, expectedPath, label) {
  const ok = validate(def);
  assert.equal(ok, false, `${label}: expected the schema to reject it`);
  const paths = validate.errors.map((e) => e.instancePath);
  assert.ok(
    paths.some((p) => p === expectedPath || p.startsWith(expectedPath + '/')),
    `${label}: expected an error at ${expectedPath}, got:\n${formatErrors(validate.errors)}`,
  );
}

const negatives = [
  ['an unknown top-level key', (d) => { d.versoin = 3; }, ''],
  ['a typo’d key inside a task node', (d) => {
    const n = findNode(d, 'accept');
    n.deparment = n.department;
    delete n.department;
  }, '/nodes/1'],
  ['a typo’d key inside a task node in a parallel branch', (d) => {
    findNode(d, 'fire-review').deparment = '县住房和城乡建设局';
  }, '/nodes/2/branches/0/nodes/0'],
  ['an unknown category', (d) => { d.power.category = '行政许可证'; }, '/power/category'],
  ['a malformed power code', (d) => { d.power.code = 'XK0030100'; }, '/power/code'],
  ['a bad duration string', (d) => { d.limits.promised = '20 days'; }, '/limits/promised'],
  ['a bad duration unit in the long form', (d) => { d.limits.legal.unit = '天'; }, '/limits/legal'],
  ['a bad join mode', (d) => { findNode(d, 'joint-review').join = 'majority'; }, '/nodes/2'],
  ['n-of-m without quorum', (d) => { findNode(d, 'joint-review').join = 'n-of-m'; }, '/nodes/2'],
  ['a bad tier level', (d) => {
    d.discretion = [discretionEntry({
      tiers: [{ level: '特别严重', circumstances: ['其他'], bands: { builder: { min: 1, max: 2, unit: '%', of: '工程合同价款' } } }],
    })];
  }, '/discretion/0/tiers/0/level'],
  ['a node id with a space', (d) => {
    const n = findNode(d, 'consolidate');
    n.id = 'consolidate decision';
  }, '/nodes/3/id'],
  ['an unknown node kind', (d) => { findNode(d, 'certify').kind = 'human'; }, '/nodes/4/kind'],
  ['an unknown end result', (d) => { findNode(d, 'granted').result = '批准'; }, '/nodes/7/result'],
  ['a plain outcome word with no known verdict', (d) => { findNode(d, 'consolidate').outcomes = ['部分公开']; }, '/nodes/3/outcomes/0'],
  ['a second start node', (d) => { d.nodes.push({ id: 'start2', kind: 'start', name: '申请' }); }, '/nodes'],
  ['延长审批 as a special procedure', (d) => {
    d.specialProcedures.push({ kind: '延长审批', effect: 'extend-deadline', budget: '10 工作日' });
  }, '/specialProcedures/2/kind'],
  ['an unknown key in the supervision section', (d) => { d.supervision = { warnig: '2 工作日' }; }, '/supervision'],
  ['a supervision warning that is neither a duration nor a percentage', (d) => { d.supervision = { warning: '2 days' }; }, '/supervision/warning'],
  ['an unknown escalation event', (d) => { d.supervision = { escalations: [{ on: 'case-late', notify: true }] }; }, '/supervision/escalations/0/on'],
  ['an escalation without its event', (d) => { d.supervision = { escalations: [{ notify: true }] }; }, '/supervision/escalations/0'],
  ['an escalation flag that is not a boolean', (d) => { d.supervision = { escalations: [{ on: 'case-warning', notify: 'yes' }] }; }, '/supervision/escalations/0/notify'],
  ['negative penalty points', (d) => { d.supervision = { escalations: [{ on: 'node-overdue', points: -0.5 }] }; }, '/supervision/escalations/0/points'],
  ['answerWithin without supervise: true', (d) => {
    d.supervision = { escalations: [{ on: 'case-red-card', supervise: false, answerWithin: '5 工作日' }] };
  }, '/supervision/escalations/0'],
];

for (const [label, mutate, expectedPath] of negatives) {
  test(`rejects ${label}`, () => {
    const def = copy();
    mutate(def);
    assertRejected(def, expectedPath, label);
  });
}

test('a code prefix that does not match the category is accepted (the compiler warns, BPM0102)', () => {
  const def = copy();
  def.power.code = 'CF00301001';
  assert.ok(validate(def), formatErrors(validate.errors));
});

test('the reference sample itself is valid (the negatives start from a valid document)', () => {
  assert.ok(validate(copy()), formatErrors(validate.errors));
});

test('the supervision section from the README is accepted, and so is an empty one', () => {
  const d = copy();
  d.supervision = {
    warning: '2 工作日',
    escalations: [
      { on: 'case-warning', notify: true },
      { on: 'case-overdue', notify: true, points: 1 },
      { on: 'case-red-card', notify: true, supervise: true, answerWithin: '5 工作日', points: 2 },
      { on: 'node-warning', warn: true },
      { on: 'node-overdue', points: 0.5 },
      { on: 'supervision-overdue', notify: true, points: 2 },
    ],
  };
  assert.ok(validate(d), formatErrors(validate.errors));
  d.supervision = { warning: '30%', escalations: [{ on: 'case-red-card', supervise: true, answerWithin: { value: 3, unit: '工作日', ref: '督办办法' } }] };
  assert.ok(validate(d), formatErrors(validate.errors));
  d.supervision = {};
  assert.ok(validate(d), formatErrors(validate.errors));
});

test('long-form outcomes, choice fields and discretion from the README are accepted', () => {
  const d = copy();
  const n = findNode(d, 'consolidate');
  n.outcomes = ['准予', { name: '部分准予', verdict: 'approve' }];
  n.warning = '30%';
  n.form = [{ key: 'kind', label: '类型', type: 'choice', options: ['甲', '乙'], required: true }];
  d.discretion = [discretionEntry({
    measures: ['责令停止施工', '限期改正'],
    columns: [
      { id: 'builder', name: '建设单位', statutory: { min: 1, max: 2, unit: '%', of: '工程合同价款' } },
      { id: 'contractor', name: '施工单位', statutory: { min: 0, max: 30000, unit: '元' } },
    ],
    tiers: [{
      level: '轻微',
      circumstances: ['小型市政工程', '其他工程建筑面积小于20000平方米'],
      when: 'data.area < 20000',
      bands: {
        builder: { min: 1, max: 1.3, unit: '%', of: '工程合同价款' },
        contractor: { min: 0, max: 10000, unit: '元' },
      },
    }],
  })];
  assert.ok(validate(d), formatErrors(validate.errors));
  n.form[0].options = undefined;
  delete n.form[0].options;
  assert.equal(validate(d), false, 'choice without options is rejected');
});
