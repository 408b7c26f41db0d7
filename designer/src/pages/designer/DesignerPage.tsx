import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { definitions, directory as directoryApi, powers } from '../../api/endpoints';
import { ApiProblem } from '../../api/client';
import type { Diagnostic, Directory } from '../../api/contracts';
import { emptyDefinition, type Definition, type DslNode, type Flow, type NodeKind, type Position } from '../../model/dsl';
import { autoLayout, needsLayout } from '../../model/layout';
import { diagnosticsByTarget, locate } from '../../model/diagnostics';
import { findNode, moveNodes, pasteNodes, removeStep } from '../../model/ops';
import { toYaml } from '../../model/text';
import { edit, redo, start, undo, type History } from '../../features/editor/history';
import { elk } from '../../features/editor/elk';
import { Canvas } from '../../features/canvas/Canvas';
import { Palette } from '../../features/canvas/Palette';
import { MarksContext, type Marks } from '../../features/canvas/marks';
import { SimpleView } from '../../features/simple/SimpleView';
import { TextView } from '../../features/text/TextView';
import { ProblemsList } from '../../features/validation/ProblemsList';
import { useValidation } from '../../features/validation/useValidation';
import { NodeProperties } from '../../features/properties/NodeProperties';
import { FlowProperties } from '../../features/properties/NodeProperties';
import { PowerProperties } from '../../features/properties/PowerProperties';
import { OpenDialog } from '../../features/lifecycle/OpenDialog';
import { DesignerContext } from '../../shell/designerContext';
import { registeredPanels, type DesignerApi, type NodeDecoration } from '../../shell/registry';
import './designer.css';

type View = 'canvas' | 'simple' | 'text';
type Source = { powerCode: string; version: number } | null;
type Status = { kind: 'info' | 'error'; text: string } | null;

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable || !!el.closest?.('.cm-editor');
}

function mergeDecorations(layers: Map<string, Record<string, NodeDecoration>>): Map<string, NodeDecoration> {
  const merged = new Map<string, NodeDecoration>();
  for (const layer of layers.values()) {
    for (const [id, d] of Object.entries(layer)) {
      const old = merged.get(id);
      merged.set(id, old ? {
        style: { ...old.style, ...d.style },
        badge: [old.badge, d.badge].filter(Boolean).join(' · ') || undefined,
        title: [old.title, d.title].filter(Boolean).join('\n') || undefined,
        className: [old.className, d.className].filter(Boolean).join(' ') || undefined,
      } : d);
    }
  }
  return merged;
}

export function DesignerPage() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const [history, setHistory] = useState<History>(() => start(emptyDefinition()));
  const definition = history.present;
  const [source, setSource] = useState<Source>(null);
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  /** A flow clicked on the canvas (index in `flows`); a node and a flow are never selected together. */
  const [selectedFlow, setSelectedFlow] = useState<number | null>(null);
  const [view, setView] = useState<View>('canvas');
  const [textFromEditor, setTextFromEditor] = useState<{ definition: Definition; text: string } | null>(null);
  const [layers, setLayers] = useState<Map<string, Record<string, NodeDecoration>>>(new Map());
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [fitToken, setFitToken] = useState(0);
  const [focus, setFocus] = useState<{ nodeId: string; token: number } | null>(null);
  const [addRequest, setAddRequest] = useState<{ kind: NodeKind; token: number } | null>(null);
  const [sideTab, setSideTab] = useState('properties');
  const [status, setStatus] = useState<Status>(null);
  const [opening, setOpening] = useState(false);
  const [busy, setBusy] = useState(false);
  /** The document as last saved, published or opened: anything else is unsaved work. */
  const [saved, setSaved] = useState<Definition | null>(null);
  const [textJump, setTextJump] = useState<{ line: number; column: number; token: number } | null>(null);
  const selection = useRef<string[]>([]);
  const rememberSelection = useCallback((ids: string[]) => { selection.current = ids; }, []);
  const clipboard = useRef<{ nodes: DslNode[]; flows: Flow[]; positions: Record<string, Position> } | null>(null);

  const change = useCallback((next: Definition, key?: string) => setHistory((h) => edit(h, next, key ?? null)), []);

  // Unsaved work is never dropped silently: closing or reloading the tab gets the browser's own prompt, and
  // replacing the document in the app (open, new, a historical version) waits for the analyst's answer.
  const dirty = saved !== null && saved !== definition;
  const [pendingDiscard, setPendingDiscard] = useState<(() => void) | null>(null);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  const unlessDirty = useCallback((action: () => void) => {
    if (dirty) setPendingDiscard(() => action);
    else action();
  }, [dirty]);

  // The text is the YAML of the document, or exactly what the analyst typed when the last edit came from the text view.
  // Deferred: writing the YAML of a large document must not hold up drawing it.
  const deferredDefinition = useDeferredValue(definition);
  const yamlText = useMemo(() => toYaml(deferredDefinition), [deferredDefinition]);
  const text = textFromEditor && textFromEditor.definition === definition ? textFromEditor.text : yamlText;
  const validation = useValidation(text, source);
  const diagnostics = useMemo(() => validation.result?.diagnostics ?? [], [validation.result]);
  const grouped = useMemo(() => diagnosticsByTarget(definition, diagnostics), [definition, diagnostics]);
  const decorations = useMemo(() => mergeDecorations(layers), [layers]);
  const marks = useMemo<Marks>(() => ({ diagnostics: grouped.byNode, decorations, t }), [grouped.byNode, decorations, t]);

  useEffect(() => {
    directoryApi.get().then(setDirectory).catch(() => setDirectory(null));
  }, []);

  /** Opens a document: laid out first when some box has no position (that is not an edit: undo does not undo it). */
  const open = useCallback(async (next: Definition, from: Source) => {
    let laidOut = next;
    if (needsLayout(next)) laidOut = moveNodes(next, await autoLayout(next, elk()));
    setHistory((h) => edit({ ...h, lastKey: null }, laidOut, null));
    setSaved(laidOut);
    setSource(from);
    setSelectedNodeId(null);
    setSelectedFlow(null);
    setTextFromEditor(null);
    setFitToken((x) => x + 1);
  }, []);

  const openPower = useCallback(async (code: string, version: number) => {
    setOpening(false);
    setBusy(true);
    try {
      const json = await powers.versionJson(code, version);
      await open(JSON.parse(json) as Definition, { powerCode: code, version });
      setStatus({ kind: 'info', text: t('status.opened', { code, version }) });
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }, [open, t]);

  const layout = useCallback(async () => {
    const positions = await autoLayout(definition, elk());
    change(moveNodes(definition, positions));
    setFitToken((x) => x + 1);
  }, [definition, change]);

  const saveDraft = useCallback(async () => {
    setBusy(true);
    try {
      const draft = await definitions.saveDraft(text);
      const against = draft.publishedVersion == null ? t('status.new')
        : draft.unchanged ? t('status.same', { version: String(draft.publishedVersion) })
        : t('status.changes', { n: draft.changes.length, version: String(draft.publishedVersion) });
      setStatus({ kind: draft.valid ? 'info' : 'error', text: `${t('status.saved', { id: draft.id, errors: String(draft.errors), warnings: String(draft.warnings) })} · ${against}` });
      setSaved(definition);
      return draft;
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
      return null;
    } finally {
      setBusy(false);
    }
  }, [text, t, definition]);

  const publish = useCallback(async () => {
    const draft = await saveDraft();
    if (!draft) return;
    if (!draft.valid) {
      setStatus({ kind: 'error', text: t('status.publishInvalid', { errors: draft.errors }) });
      return;
    }
    setBusy(true);
    try {
      const published = await definitions.publish(draft.id);
      setSource({ powerCode: published.powerCode, version: Number(published.version) });
      setStatus({ kind: 'info', text: t(published.created ? 'status.published' : 'status.unchanged', { code: published.powerCode, version: String(published.version) }) });
    } catch (e) {
      const message = e instanceof ApiProblem ? `${e.code ?? e.status}: ${e.message}` : e instanceof Error ? e.message : String(e);
      setStatus({ kind: 'error', text: t('status.publishFailed', { message }) });
    } finally {
      setBusy(false);
    }
  }, [saveDraft, t]);

  const newDocument = useCallback(() => {
    void open(emptyDefinition(), null);
    setStatus(null);
  }, [open]);

  const select = useCallback((id: string | null) => {
    setSelectedNodeId(id);
    if (id) {
      setSelectedFlow(null);
      setSideTab('properties');
    }
  }, []);

  const selectFlow = useCallback((index: number | null) => {
    setSelectedFlow(index);
    if (index !== null) {
      setSelectedNodeId(null);
      setSideTab('properties');
    }
  }, []);

  const jump = useCallback((d: Diagnostic) => {
    if (view === 'text' && d.line) setTextJump({ line: Number(d.line), column: Number(d.column ?? 1), token: Date.now() });
    const target = locate(definition, d);
    const nodeId = target.nodeId ?? (target.flowIndex !== null ? definition.flows[target.flowIndex]?.from ?? null : null);
    setSelectedNodeId(nodeId && findNode(definition, nodeId) ? nodeId : null);
    setSideTab('properties');
    if (nodeId) setFocus({ nodeId, token: Date.now() });
    // then put the cursor in the field the diagnostic names, once the panel shows it
    const field = target.nodeId ? target.field : target.flowIndex !== null ? `flow-${target.flowIndex}-${target.field ?? 'to'}` : target.field;
    if (field && view !== 'text') {
      setTimeout(() => {
        const id = `prop-${field.replace(/\//g, '-')}`;
        const candidates = [id, id.replace(/-\d+$/, ''), id.split('-').slice(0, 3).join('-')];
        for (const c of candidates) {
          const el = document.querySelector<HTMLElement>(`[data-testid="${c}"]`);
          if (el) {
            el.scrollIntoView({ block: 'center' });
            el.focus();
            break;
          }
        }
      }, 50);
    }
  }, [definition, view]);

  // keyboard shortcuts (not while typing in a field or the text view)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void saveDraft();
        return;
      }
      if (isTyping(e.target)) return;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        setHistory((h) => (e.shiftKey ? redo(h) : undo(h)));
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        setHistory(redo);
      } else if (mod && e.key.toLowerCase() === 'c' && (selectedNodeId || selection.current.length)) {
        // top-level boxes only (a step inside a branch is copied with its block), and the flows among them
        const ids = new Set(view === 'canvas' && selection.current.length ? selection.current : [selectedNodeId!]);
        const nodes = (definition.nodes ?? []).filter((n) => ids.has(n.id));
        if (nodes.length) {
          const flows = (definition.flows ?? []).filter((f) => ids.has(f.from) && ids.has(f.to));
          const positions = Object.fromEntries(nodes.map((n) => [n.id, definition.layout?.[n.id] ?? { x: 0, y: 0 }]));
          clipboard.current = { nodes, flows, positions };
        }
      } else if (mod && e.key.toLowerCase() === 'v' && clipboard.current) {
        const c = clipboard.current;
        const { definition: next, ids } = pasteNodes(definition, c.nodes, c.flows, c.positions, { x: 40, y: 40 });
        change(next);
        setSelectedNodeId(ids[0] ?? null);
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && view === 'simple' && selectedNodeId) {
        change(removeStep(definition, selectedNodeId));
        setSelectedNodeId(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [definition, selectedNodeId, view, change, saveDraft]);

  const setDecorations = useCallback((owner: string, decorations: Record<string, NodeDecoration> | null) => {
    setLayers((old) => {
      const next = new Map(old);
      if (decorations) next.set(owner, decorations);
      else next.delete(owner);
      return next;
    });
  }, []);

  const api = useMemo<DesignerApi>(() => ({
    definition,
    text,
    source,
    selectedNodeId,
    selectNode: select,
    setDecorations,
    openDefinition: (d, from = null) => unlessDirty(() => void open(d, from)),
  }), [definition, text, source, selectedNodeId, select, setDecorations, open, unlessDirty]);

  const panels = registeredPanels().filter((p) => !p.roles || p.roles.some(hasRole));
  const problemsFor = useCallback((prefix: string) => (field: string) => {
    const list = diagnostics.filter((d) => {
      const target = locate(definition, d);
      const key = prefix ? (target.nodeId === prefix ? target.field : null) : (!target.nodeId && target.flowIndex === null ? target.field : null);
      return key !== null && (key === field || key.startsWith(`${field}/`));
    });
    return list.length ? list : undefined;
  }, [diagnostics, definition]);

  const selected = selectedNodeId ? findNode(definition, selectedNodeId) : undefined;
  const title = (definition.power?.name as string) || t('designer.untitled');

  return (
    <DesignerContext.Provider value={api}>
      <MarksContext.Provider value={marks}>
        <div className="designer" data-testid="designer">
          <div className="toolbar" data-testid="toolbar">
            <strong className="doc-title" data-testid="doc-title">{title}</strong>
            {source && <span className="muted" data-testid="doc-source">{source.powerCode} v{source.version}</span>}
            {dirty && <span className="unsaved" data-testid="unsaved" title={t('designer.unsaved')}>● {t('designer.unsaved')}</span>}
            <button type="button" data-testid="btn-new" onClick={() => unlessDirty(newDocument)}>{t('btn.new')}</button>
            <button type="button" data-testid="btn-open" onClick={() => setOpening(true)}>{t('btn.open')}</button>
            <button type="button" data-testid="btn-save" disabled={busy} onClick={() => void saveDraft()}>{t('btn.save')}</button>
            {hasRole('deployer') && <button type="button" className="primary" data-testid="btn-publish" disabled={busy} onClick={() => void publish()}>{t('btn.publish')}</button>}
            <span className="sep" />
            <button type="button" data-testid="btn-undo" disabled={!history.past.length} onClick={() => setHistory(undo)} title="Ctrl+Z">{t('btn.undo')}</button>
            <button type="button" data-testid="btn-redo" disabled={!history.future.length} onClick={() => setHistory(redo)} title="Ctrl+Shift+Z">{t('btn.redo')}</button>
            <button type="button" data-testid="btn-layout" onClick={() => void layout()}>{t('btn.layout')}</button>
            <button type="button" data-testid="btn-fit" onClick={() => setFitToken((x) => x + 1)} disabled={view !== 'canvas'}>{t('btn.fit')}</button>
            <span className="sep" />
            <div className="view-switch" role="tablist">
              {(['canvas', 'simple', 'text'] as View[]).map((v) => (
                <button key={v} type="button" role="tab" aria-selected={view === v} className={view === v ? 'active' : ''} data-testid={`view-${v}`} onClick={() => setView(v)}>{t(`view.${v}`)}</button>
              ))}
            </div>
            {status && <span className={`status ${status.kind}`} data-testid="status">{status.text}</span>}
          </div>
          <div className="workspace">
            {view === 'canvas' && <Palette onAdd={(kind) => setAddRequest({ kind, token: Date.now() })} />}
            <div className="center">
              {view === 'canvas' && (
                <Canvas definition={definition} onChange={change} onSelect={select} onSelectFlow={selectFlow} selectedFlow={selectedFlow} onSelectionIds={rememberSelection} selectedNodeId={selectedNodeId} flowDiagnostics={grouped.byFlow}
                  focus={focus} fitToken={fitToken} addRequest={addRequest} />
              )}
              {view === 'simple' && (
                <SimpleView definition={definition} onChange={change} onSelect={select} selectedNodeId={selectedNodeId} diagnostics={grouped.byNode} decorations={decorations} />
              )}
              {view === 'text' && (
                <TextView text={text} jump={textJump} diagnostics={validation.checkedText === text ? diagnostics : []}
                  onChange={(d, typed) => {
                    setTextFromEditor({ definition: d, text: typed });
                    change(d, 'text');
                  }} />
              )}
              <ProblemsList diagnostics={diagnostics} pending={validation.pending} error={validation.error} onJump={jump} />
            </div>
            <aside className="side" data-testid="side-panel">
              <div className="side-tabs">
                <button type="button" className={sideTab === 'properties' ? 'active' : ''} data-testid="tab-properties" onClick={() => setSideTab('properties')}>{t('tab.properties')}</button>
                {panels.map((p) => (
                  <button key={p.id} type="button" className={sideTab === p.id ? 'active' : ''} data-testid={`tab-${p.id}`} onClick={() => setSideTab(p.id)}>{t(p.titleKey)}</button>
                ))}
              </div>
              <div className="side-body">
                {sideTab === 'properties' && (selected
                  ? <NodeProperties key={selected.id} nodeId={selected.id} definition={definition} onChange={change} directory={directory} problems={problemsFor(selected.id)} onRenamed={setSelectedNodeId} />
                  : selectedFlow !== null && definition.flows?.[selectedFlow]
                  ? <FlowProperties index={selectedFlow} definition={definition} onChange={change} />
                  : <PowerProperties definition={definition} onChange={change} directory={directory} problems={problemsFor('')} designer={api} />)}
                {panels.filter((p) => p.id === sideTab).map((p) => {
                  const Panel = p.component;
                  return <Panel key={p.id} designer={api} />;
                })}
              </div>
            </aside>
          </div>
          {opening && <OpenDialog onOpen={(code, version) => { setOpening(false); unlessDirty(() => void openPower(code, version)); }} onClose={() => setOpening(false)} />}
          {pendingDiscard && (
            <div className="dialog-backdrop" onClick={() => setPendingDiscard(null)}>
              <div className="dialog confirm" role="alertdialog" data-testid="confirm-discard" onClick={(e) => e.stopPropagation()}>
                <strong>{t('confirm.discard.title')}</strong>
                <div>{t('confirm.discard.text')}</div>
                <div className="row">
                  <button type="button" data-testid="btn-keep-editing" autoFocus onClick={() => setPendingDiscard(null)}>{t('confirm.discard.keep')}</button>
                  <button type="button" className="danger" data-testid="btn-discard" onClick={() => {
                    const action = pendingDiscard;
                    setPendingDiscard(null);
                    action();
                  }}>{t('confirm.discard.go')}</button>
                </div>
              </div>
            </div>
          )}
        </div>
      </MarksContext.Provider>
    </DesignerContext.Provider>
  );
}
