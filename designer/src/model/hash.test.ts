import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256';
import { canonicalJson, contentHash } from './hash';
import { catalog, catalogDefinition } from '../../test/catalog';
import { mapNode, moveNodes } from './ops';

describe('sha256Hex', () => {
  it('matches the FIPS test vectors and node:crypto on Chinese text of several blocks', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const text of ['施工许可', '建筑工程施工许可证核发'.repeat(40), 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64)])
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('contentHash', () => {
  const permit = catalogDefinition('XK00301001');

  it('ignores layout: moving every box keeps the hash', () => {
    const moved = moveNodes(permit, Object.fromEntries(permit.nodes.map((n, i) => [n.id, { x: 500 + i * 7, y: -30 * i }])));
    expect(moved.layout).not.toEqual(permit.layout);
    expect(contentHash(moved)).toBe(contentHash(permit));
    const { layout: _l, ...noLayout } = permit;
    expect(contentHash(noLayout as typeof permit)).toBe(contentHash(permit));
  });

  it('ignores key order and the short spelling of durations', () => {
    const reordered = Object.fromEntries(Object.entries(permit).reverse()) as typeof permit;
    expect(contentHash(reordered)).toBe(contentHash(permit));
    const long = mapNode(permit, 'accept', (n) => ({ ...n, limit: { value: 1, unit: '工作日' } }));
    expect(permit.nodes.find((n) => n.id === 'accept')!.limit).toBe('1 工作日');
    expect(contentHash(long)).toBe(contentHash(permit));
  });

  it('changes with a semantic edit, also deep inside a parallel branch', () => {
    const renamed = mapNode(permit, 'accept', (n) => ({ ...n, name: '受理' }));
    expect(contentHash(renamed)).not.toBe(contentHash(permit));
    const longer = mapNode(permit, 'fire-review', (n) => ({ ...n, limit: '6 工作日' }));
    expect(contentHash(longer)).not.toBe(contentHash(permit));
    const flows = { ...permit, flows: permit.flows.slice(1) };
    expect(contentHash(flows)).not.toBe(contentHash(permit));
  });

  it('gives each catalog definition its own hash, and excludes the layout text', () => {
    const hashes = catalog().map((c) => contentHash(c.definition));
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const c of catalog()) expect(canonicalJson(c.definition)).not.toContain('"layout"');
  });
});
