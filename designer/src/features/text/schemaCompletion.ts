// Completion for the YAML text view from the DSL's JSON Schema (engine/Bpm.Definitions/Schema): property names
// where a key goes, enum/const values and examples where a value goes. The place in the document is read from
// indentation (keys above with less indent), which is how the DSL's YAML is written.
import schemaJson from '../../../../engine/Bpm.Definitions/Schema/process-definition.schema.json';

type Schema = {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  then?: Schema;
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
};

const root = schemaJson as unknown as Schema & { $defs: Record<string, Schema> };

function deref(s: Schema | undefined): Schema | undefined {
  let current = s;
  for (let i = 0; current?.$ref && i < 10; i++) current = root.$defs[current.$ref.replace('#/$defs/', '')];
  return current;
}

/** Every way the schema may say what a value is: itself, its allOf/oneOf/anyOf parts and if/then branches. */
function variants(s: Schema | undefined): Schema[] {
  const d = deref(s);
  if (!d) return [];
  const parts = [d];
  for (const list of [d.allOf, d.oneOf, d.anyOf]) for (const p of list ?? []) parts.push(...variants(p), ...variants(p.then));
  return parts;
}

function properties(s: Schema | undefined): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const v of variants(s)) for (const [k, p] of Object.entries(v.properties ?? {})) if (!out.has(k) || !out.get(k)!.description) out.set(k, p);
  return out;
}

function child(s: Schema | undefined, step: string): Schema | undefined {
  if (step === '[]') {
    for (const v of variants(s)) if (v.items) return v.items;
    return undefined;
  }
  return properties(s).get(step);
}

export function schemaAt(path: string[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const step of path) s = child(s, step);
  return s;
}

export interface Completion {
  label: string;
  type: 'property' | 'enum';
  detail?: string;
  apply?: string;
}

/**
 * The key path of a position on line `lineIndex` (its parents), from the lines above with less indentation.
 * `column` is where the key starts, or where the "- " is when `listItem` (a new item of the list above).
 */
export function pathAt(lines: string[], lineIndex: number, column: number, listItem: boolean): string[] {
  const path: string[] = listItem ? ['[]'] : [];
  let want = column;
  for (let i = lineIndex - 1; i >= 0 && want > 0; i--) {
    const line = lines[i];
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const m = /^(\s*)(- )?(?:([^\s:#'"][^:#]*?):(?:\s|$))?/.exec(line)!;
    const lineIndent = m[1].length;
    const key = m[3]?.trim();
    const opensBlock = key !== undefined && /:\s*(#.*)?$/.test(line);
    if (m[2]) {
      // "- key: …" opens a list item whose keys sit two columns right of the dash
      const keyIndent = lineIndent + 2;
      if (keyIndent < want && opensBlock) {
        path.unshift('[]', key!);
        want = lineIndent;
      } else if (keyIndent <= want && lineIndent < want) {
        path.unshift('[]');
        want = lineIndent;
      }
    } else if (lineIndent < want && opensBlock) {
      path.unshift(key!);
      want = lineIndent;
    }
  }
  return path;
}

/** Completions at offset `pos` of `text`, and where the word being completed starts. */
export function completeAt(text: string, pos: number): { from: number; options: Completion[] } | null {
  const before = text.slice(0, pos);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lines = text.split('\n');
  const lineIndex = before.split('\n').length - 1;
  const current = before.slice(lineStart);
  const keyMatch = /^(\s*)(- )?([\w-]*)$/.exec(current);
  if (keyMatch) {
    const path = pathAt(lines, lineIndex, keyMatch[1].length, !!keyMatch[2]);
    const props = properties(schemaAt(path));
    if (props.size === 0) return null;
    return {
      from: pos - keyMatch[3].length,
      options: [...props.entries()].map(([label, s]) => ({ label, type: 'property', detail: deref(s)?.description ?? s.description, apply: `${label}: ` })),
    };
  }
  const valueMatch = /^(\s*)(- )?([\w-]+):\s*([^\s{[]*)$/.exec(current);
  if (valueMatch) {
    const path = [...pathAt(lines, lineIndex, valueMatch[1].length, !!valueMatch[2]), valueMatch[3]];
    const values = new Set<string>();
    for (const v of variants(schemaAt(path))) {
      for (const e of v.enum ?? []) values.add(String(e));
      if (v.const !== undefined) values.add(String(v.const));
      for (const e of v.examples ?? []) values.add(String(e));
    }
    if (values.size === 0) return null;
    return { from: pos - valueMatch[4].length, options: [...values].map((label) => ({ label, type: 'enum' })) };
  }
  return null;
}
