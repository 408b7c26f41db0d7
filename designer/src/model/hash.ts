// The identity of a definition's meaning, as the server defines it (ContentHash.cs): SHA-256 over a canonical JSON
// without layout. The designer's canonical form sorts keys and spells every duration in its long form, so key order,
// "5 工作日" vs {value: 5, unit: 工作日} and box positions never change it, while any semantic edit does.
// (It is not byte-equal to the server's hash, whose canonical form is the DefinitionWriter's key order and defaults.)
import { sha256Hex } from './sha256';
import type { Definition } from './dsl';

const durationKeys = new Set(['limit', 'legal', 'promised', 'max', 'supplementNotice', 'certificate', 'silence', 'duration', 'budget', 'answerWithin', 'warning']);
const shortDuration = /^\s*(-?\d+(?:\.\d+)?)\s*(工作日|自然日|小时)\s*$/;

/** "5 工作日" → {value: 5, unit: "工作日"}; anything else (e.g. a "30%" warning) is left alone. */
export function longDuration(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = shortDuration.exec(value);
  return m ? { value: Number(m[1]), unit: m[2] } : value;
}

function canonical(value: unknown, key: string | null): unknown {
  if (key !== null && durationKeys.has(key)) value = longDuration(value);
  if (Array.isArray(value)) return value.map((v) => canonical(v, null));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v, k);
    }
    return out;
  }
  return value;
}

/** The canonical JSON text the hash is taken over (no layout, sorted keys, long durations, no undefined). */
export function canonicalJson(d: Definition): string {
  const { layout: _layout, ...semantic } = d;
  return JSON.stringify(canonical(semantic, null));
}

export function contentHash(d: Definition): string {
  return sha256Hex(canonicalJson(d));
}
