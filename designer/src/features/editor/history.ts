// Undo/redo as a stack of whole documents: every edit is a pure function of the document (model/ops.ts), so keeping
// the old ones is cheap (structural sharing) and undo can never half-apply.
import type { Definition } from '../../model/dsl';

export interface History {
  past: Definition[];
  present: Definition;
  future: Definition[];
  /** Edits with the same key in a row (typing into one field) merge into one undo step. */
  lastKey: string | null;
}

const limit = 200;

export function start(present: Definition): History {
  return { past: [], present, future: [], lastKey: null };
}

export function edit(h: History, next: Definition, key: string | null = null): History {
  if (next === h.present) return h;
  if (key !== null && key === h.lastKey) return { ...h, present: next, future: [] };
  return { past: [...h.past.slice(-limit + 1), h.present], present: next, future: [], lastKey: key };
}

export function undo(h: History): History {
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future], lastKey: null };
}

export function redo(h: History): History {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1), lastKey: null };
}
