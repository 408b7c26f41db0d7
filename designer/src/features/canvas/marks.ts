import { createContext } from 'react';
import type { Diagnostic } from '../../api/contracts';
import type { NodeDecoration } from '../../shell/registry';

/** What is drawn on nodes besides the document: validation problems and panels' decorations (overlay, diff …). */
export interface Marks {
  diagnostics: Map<string, Diagnostic[]>;
  decorations: Map<string, NodeDecoration>;
  t: (key: string, vars?: Record<string, string | number>) => string;
}

export const MarksContext = createContext<Marks>({ diagnostics: new Map(), decorations: new Map(), t: (k) => k });
