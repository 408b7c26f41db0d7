// The document as YAML for the text view and the server (validate, drafts, simulate all read YAML or JSON).
import { Document, isMap, isScalar, parseDocument, visit } from 'yaml';
import type { Definition } from './dsl';

/** Short lists and small records of plain values go on one line ({value: 5, unit: 工作日}, [受理, 不予受理]), as in the catalog files. */
export function toYaml(d: Definition): string {
  const doc = new Document(d, { aliasDuplicateObjects: false });
  visit(doc, {
    Map(_, node) {
      if (node.items.length <= 5 && node.items.every((p) => isScalar(p.value) && String((p.value as { value: unknown }).value ?? '').length <= 40)) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.length <= 6 && node.items.every((i) => isScalar(i) && String(i.value ?? '').length <= 20)) node.flow = true;
    },
  });
  // the document itself and `layout` stay in block style: one line per node is easier to read
  if (isMap(doc.contents)) {
    doc.contents.flow = false;
    const layout = doc.contents.get('layout', true);
    if (isMap(layout)) layout.flow = false;
  }
  // lineWidth 0: long Chinese text and expressions stay on one line, as analysts wrote them
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
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
