// Every string the insight panels and supervisor pages show is in Chinese and in English: the keys written in their
// sources, and the keys they build from API values (states, areas, lights, metrics).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translate } from '../../i18n';
import '../../features/history/register';
import '../../features/overlay/register';
import '../../features/simulation/register';
import './problems';
import './register';

const folders = ['features/simulation', 'features/history', 'features/overlay', 'pages/supervision'].map((f) => join(__dirname, '..', '..', f));

function literalKeys(): Set<string> {
  const keys = new Set<string>();
  for (const folder of folders)
    for (const file of readdirSync(folder).filter((f) => /\.tsx?$/.test(f) && !f.includes('.test.')))
      for (const m of readFileSync(join(folder, file), 'utf8').matchAll(/\bt\(\s*'([\w.-]+)'/g)) keys.add(m[1]);
  return keys;
}

const built = [
  ...['published', 'suspended', 'abolished'].map((s) => `history.state.${s}`),
  ...['power', 'limits', 'node', 'flow', 'special-procedure', 'discretion', 'discretion-tier', 'discretion-column', 'template', 'supervision']
    .map((a) => `history.area.${a}`),
  ...['green', 'yellow', 'red', 'red-card', 'suspended'].map((l) => `supervision.light.${l}`),
  ...['median', 'p90', 'overdue'].flatMap((m) => [`overlay.metric.${m}`, `overlay.legend.${m}`]),
];

describe('insight messages', () => {
  it('finds the keys in the sources (the scan itself works)', () => {
    const keys = literalKeys();
    expect(keys.size).toBeGreaterThan(80);
    expect(keys).toContain('simulation.run');
    expect(keys).toContain('supervision.lateCases');
  });

  it.each([...literalKeys(), ...built].filter((k) => k !== 'loading').sort())('%s is in Chinese and in English', (key) => {
    const zh = translate('zh-CN', key);
    const en = translate('en', key);
    expect(zh, `${key} in Chinese`).not.toBe(key);
    expect(en, `${key} in English`).not.toBe(key);
    expect(en, `${key} in English has no Chinese left`).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
