import { useEffect, useRef, useState } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { autocompletion, type CompletionContext } from '@codemirror/autocomplete';
import { setDiagnostics, lintGutter, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import type { Diagnostic } from '../../api/contracts';
import type { Definition } from '../../model/dsl';
import { fromText, type TextError } from '../../model/text';
import { completeAt } from './schemaCompletion';
import { useI18n } from '../../i18n';

function schemaCompletions(context: CompletionContext) {
  const result = completeAt(context.state.doc.toString(), context.pos);
  if (!result) return null;
  if (result.from === context.pos && !context.explicit && result.options[0]?.type === 'property') {
    // only open by itself on an empty key when asked (Ctrl+Space) or after typing a letter
    const before = context.state.doc.sliceString(Math.max(0, context.pos - 2), context.pos);
    if (!/- $/.test(before)) return null;
  }
  return { from: result.from, options: result.options.map((o) => ({ label: o.label, type: o.type === 'property' ? 'property' : 'enum', info: o.detail, apply: o.apply })) };
}

interface Props {
  /** The document as YAML (model/text.ts toYaml). */
  text: string;
  /** A valid edit: the document and the text exactly as typed (so diagnostics' lines match what is on screen). */
  onChange: (definition: Definition, text: string) => void;
  /** Diagnostics of the text as validated (their line/column refer to `text`). */
  diagnostics: Diagnostic[];
  /** Changing token puts the cursor on this line and column (a problem picked in the problems list). */
  jump?: { line: number; column: number; token: number } | null;
}

/** The YAML of the document in CodeMirror, with schema completion; valid edits update the document after a pause. */
export function TextView({ text, onChange, diagnostics, jump }: Props) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const emitted = useRef<string>(text);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const [syntax, setSyntax] = useState<TextError | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const editor = new EditorView({
      parent: host.current!,
      doc: text,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        autocompletion({ override: [schemaCompletions] }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          clearTimeout(timer);
          timer = setTimeout(() => {
            const current = u.state.doc.toString();
            const parsed = fromText(current);
            if ('error' in parsed) {
              setSyntax(parsed.error);
              return;
            }
            setSyntax(null);
            emitted.current = current;
            onChangeRef.current(parsed.definition, current);
          }, 300);
        }),
        EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'ui-monospace, "Noto Sans Mono CJK SC", monospace' } }),
      ],
    });
    view.current = editor;
    return () => {
      clearTimeout(timer);
      editor.destroy();
      view.current = null;
    };
    // the editor is created once; text changes are applied below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The document changed elsewhere (canvas, property panel, undo): show its YAML, unless it is what we just typed.
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current === text) return;
    if (emitted.current === current) {
      // our own edit coming back as the document's YAML: keep the analyst's spelling and cursor
      const mine = fromText(current);
      const theirs = fromText(text);
      if ('definition' in mine && 'definition' in theirs && JSON.stringify(mine.definition) === JSON.stringify(theirs.definition)) return;
    }
    editor.dispatch({ changes: { from: 0, to: current.length, insert: text } });
    emitted.current = text;
  }, [text]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc;
    if (doc.toString() !== text) return; // the diagnostics describe another text
    const marks: CmDiagnostic[] = diagnostics.filter((d) => d.line).map((d) => {
      const line = doc.line(Math.min(Math.max(1, Number(d.line)), doc.lines));
      const from = Math.min(line.from + Math.max(0, Number(d.column ?? 1) - 1), line.to);
      return { from, to: line.to, severity: d.severity === 'error' ? 'error' : 'warning', message: `${d.code} ${d.message}` };
    });
    editor.dispatch(setDiagnostics(editor.state, marks));
  }, [diagnostics, text]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !jump) return;
    const doc = editor.state.doc;
    const line = doc.line(Math.min(Math.max(1, jump.line), doc.lines));
    const at = Math.min(line.from + Math.max(0, jump.column - 1), line.to);
    editor.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    editor.focus();
  }, [jump]);

  return (
    <div className="text-view" data-testid="text-view">
      {syntax && <div className="error syntax" data-testid="text-error">{t('text.syntax', { line: syntax.line, message: syntax.message })}</div>}
      <div className="text-host" ref={host} />
    </div>
  );
}
