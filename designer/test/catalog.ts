// The catalog definitions (process-definitions/*.yaml) read with the `yaml` package, for round-trip tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Definition } from '../src/model/dsl';

export const catalogDir = join(__dirname, '..', '..', 'process-definitions');

export function catalog(): { file: string; definition: Definition }[] {
  return readdirSync(catalogDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, definition: parse(readFileSync(join(catalogDir, file), 'utf8')) as Definition }));
}

export function catalogDefinition(prefix: string): Definition {
  const found = catalog().find((c) => c.file.startsWith(prefix));
  if (!found) throw new Error(`no catalog file ${prefix}*`);
  return found.definition;
}
