// The document as YAML for the text view and the server (validate, drafts, simulate all read YAML or JSON).
import { parseDocument, stringify } from 'yaml';
import type { Definition } from './dsl';

export function toYaml(d: Definition): string {
  // lineWidth 0: long Chinese text and expressions stay on one line, as analysts wrote them
  return stringify(d, { lineWidth: 0, aliasDuplicateObjects: false });
}

export interface TextError {
  message: string;
  line: number;
  column: number;
}

/** Reads YAML (or JSON, which is YAML) into a document; a syntax error comes back with its place, nothing is thrown. */
export function fromText(text: string): { definition: Definition } | { error: TextError } {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const [line, column] = e.linePos?.[0] ? [e.linePos[0].line, e.linePos[0].col] : [1, 1];
    return { error: { message: e.message, line, column } };
  }
  const value = doc.toJS() as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: { message: 'the document must be a mapping (power, limits, nodes, flows …)', line: 1, column: 1 } };
  const d = value as Definition;
  return { definition: { ...d, nodes: d.nodes ?? [], flows: d.flows ?? [] } };
}
