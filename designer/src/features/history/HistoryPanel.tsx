import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { powers } from '../../api/endpoints';
import type { DefinitionChange, Power } from '../../api/contracts';
import { ApiProblem } from '../../api/client';
import { useI18n } from '../../i18n';
import type { Definition } from '../../model/dsl';
import type { DesignerApi } from '../../shell/registry';
import { useRemembered } from '../../pages/supervision/memory';
import { problemMessage } from '../../pages/supervision/problems';
import '../../pages/supervision/insight.css';
import { changeGroups, defaultPair, diffCounts, diffDecorations, officeTime } from './diff';

const owner = 'diff';

/**
 * 版本历史: the versions of the open power with their state and publisher, and a visual diff between two of them —
 * added, removed and changed nodes (and moved time limits) coloured on the chart and listed here.
 */
export function HistoryPanel({ designer }: { designer: DesignerApi }) {
  const { t } = useI18n();
  const code = designer.source?.powerCode ?? (typeof designer.definition.power?.code === 'string' ? designer.definition.power.code : '');
  const openVersion = designer.source?.version ?? null;
  const [power, setPower] = useState<Power | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useRemembered<{ from: number; to: number; changes: DefinitionChange[] } | null>(`history.diff.${code}`, null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const latest = useRef(designer);
  latest.current = designer;
  useEffect(() => () => latest.current.setDecorations(owner, null), []);

  const load = useCallback(async () => {
    setLoadError(null);
    setPower(null);
    if (!code) return;
    try {
      const p = await powers.get(code);
      setPower(p);
      // A pair already picked stays (opening one side of a diff must not move it); else the default pair.
      const versions = p.versions.map((v) => Number(v.version));
      const pair = defaultPair(versions, openVersion);
      setFrom((f) => (f !== null && versions.includes(f) ? f : pair?.from ?? null));
      setTo((v) => (v !== null && versions.includes(v) ? v : pair?.to ?? null));
    } catch (e) {
      setLoadError(e instanceof ApiProblem && e.status === 404 ? t('history.notPublished', { code }) : problemMessage(e, t));
    }
  }, [code, openVersion, t]);

  // Another power: its own versions, so the picked pair starts over (declared before the load it precedes).
  useEffect(() => {
    setFrom(null);
    setTo(null);
  }, [code]);

  useEffect(() => {
    void load();
  }, [load]);

  const labels = useMemo(() => ({
    added: t('history.added'), removed: t('history.removed'), changed: t('history.changed'), limit: t('history.limit'),
  }), [t]);

  // The diff's marks stay while the panel is open, on whichever of the two versions is shown.
  useEffect(() => {
    latest.current.setDecorations(owner, diff ? diffDecorations(diff.changes, labels) : null);
  }, [diff, labels]);

  const compare = async () => {
    if (from === null || to === null) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await powers.diff(code, from, to);
      setDiff({ from, to, changes: answer.changes });
    } catch (e) {
      setDiff(null);
      setError(problemMessage(e, t));
    } finally {
      setBusy(false);
    }
  };

  /** Opens a version in the editor (undo brings the previous document back) and keeps the diff colours on it. */
  const open = async (version: number) => {
    setError(null);
    try {
      const definition = JSON.parse(await powers.versionJson(code, version)) as Definition;
      designer.openDefinition(definition, { powerCode: code, version });
    } catch (e) {
      setError(problemMessage(e, t));
    }
  };

  const clear = () => setDiff(null);

  if (!code) return <div className="insight-panel"><div className="insight-note" data-testid="history-none">{t('history.noCode')}</div></div>;
  const versions = power ? [...power.versions].sort((a, b) => Number(b.version) - Number(a.version)) : [];
  const groups = diff ? changeGroups(diff.changes) : [];
  const counts = diff ? diffCounts(diff.changes) : null;
  return (
    <div className="insight-panel" data-testid="panel-history">
      <div className="insight-actions">
        <button type="button" data-testid="btn-history" onClick={() => void load()}>{t('history.reload')}</button>
        <span className="muted">{code}{power ? ` · ${power.name}` : ''}</span>
      </div>
      {loadError && <div className="insight-note" data-testid="history-error">{loadError}</div>}
      {power && (
        <ul className="insight-list" data-testid="history-versions">
          {versions.map((v) => {
            const n = Number(v.version);
            return (
              <li key={n} data-testid={`history-version-${n}`} className={n === from || n === to ? 'selected' : undefined}
                title={`${t('history.hash')} ${v.contentHash}`}
                onClick={() => {
                  // A click moves the nearer end of the comparison: older than "to" sets "from", newer sets "to".
                  if (to === null || n < to) setFrom(n);
                  else if (n > to) setTo(n);
                }}>
                <strong>v{n}</strong>
                <span className={`state-tag ${v.state}`}>{t(`history.state.${v.state}`)}</span>
                {n === openVersion && <span className="state-tag">{t('history.open')}</span>}
                <div className="muted">{t('history.publishedBy', { user: v.publishedBy, at: officeTime(v.publishedAt) })}</div>
                <button type="button" data-testid={`btn-open-version-${n}`} onClick={(e) => { e.stopPropagation(); void open(n); }}>
                  {t('history.openVersion')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {power && versions.length < 2 && <div className="muted">{t('history.single')}</div>}
      {power && versions.length >= 2 && (
        <div className="insight-row">
          <label className="insight-field">
            <span>{t('history.from')}</span>
            <select data-testid="diff-from" value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
              {versions.map((v) => <option key={String(v.version)} value={String(v.version)}>v{String(v.version)}</option>)}
            </select>
          </label>
          <label className="insight-field">
            <span>{t('history.to')}</span>
            <select data-testid="diff-to" value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))}>
              {versions.map((v) => <option key={String(v.version)} value={String(v.version)}>v{String(v.version)}</option>)}
            </select>
          </label>
          <button type="button" className="primary" data-testid="btn-diff" disabled={busy || from === null || to === null || from === to} onClick={compare}>
            {t('history.compare')}
          </button>
        </div>
      )}
      {error && <div className="insight-error" data-testid="diff-error">{error}</div>}
      {diff && counts && (
        <>
          <div className="insight-legend" data-testid="diff-legend">
            <div className="swatches">
              <span><i className="insight-swatch" style={{ background: '#e8f5e9', borderColor: '#2e7d32' }} />{t('history.added')} {counts.added}</span>
              <span><i className="insight-swatch" style={{ background: '#ffebee', borderColor: '#c62828' }} />{t('history.removed')} {counts.removed}</span>
              <span><i className="insight-swatch" style={{ background: '#fff3e0', borderColor: '#ef6c00' }} />{t('history.changed')} {counts.changed}</span>
              <span><i className="insight-swatch" style={{ background: '#fff3e0', borderColor: '#ef6c00', borderStyle: 'dashed', borderWidth: 2 }} />{t('history.limitChanged')} {counts.limits}</span>
            </div>
            <div className="muted">{t('history.legendNote', { from: diff.from, to: diff.to })}</div>
          </div>
          <div className="insight-actions">
            <button type="button" data-testid="btn-diff-show-from" onClick={() => void open(diff.from)}>{t('history.showFrom', { v: diff.from })}</button>
            <button type="button" data-testid="btn-diff-show-to" onClick={() => void open(diff.to)}>{t('history.showTo', { v: diff.to })}</button>
            <button type="button" data-testid="btn-diff-clear" onClick={clear}>{t('history.clear')}</button>
          </div>
          {groups.length === 0 && <div className="insight-note" data-testid="diff-none">{t('history.noChanges')}</div>}
          <ul className="insight-list" data-testid="diff-changes">
            {groups.map((g) => (
              <li key={g.testId} data-testid={g.testId} className={g.mark} onClick={() => g.nodeId && designer.selectNode(g.nodeId)}>
                <div>
                  <span className="state-tag">{t(`history.area.${g.area}`)}</span> <strong>{g.key}</strong>
                  {g.limitChanged && <span className="state-tag suspended">{t('history.limit')}</span>}
                </div>
                {g.summaries.map((s, i) => <div key={i} className="muted">{s}</div>)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
