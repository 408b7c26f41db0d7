import { useEffect, useMemo, useRef, useState } from 'react';
import { supervision } from '../../api/endpoints';
import { useI18n } from '../../i18n';
import { allNodes } from '../../model/dsl';
import type { DesignerApi } from '../../shell/registry';
import { useRemembered } from '../../pages/supervision/memory';
import { problemMessage } from '../../pages/supervision/problems';
import { TimeWindow } from '../../pages/supervision/TimeWindow';
import '../../pages/supervision/insight.css';
import {
  colourAt, durationLabel, metricValue, noDataColour, overdueRate, overlayDecorations, overlayMetrics, overlayScale, percent,
  rampGradient, rankedRows, tickLabel, type OverlayLabels, type OverlayMetric, type TimingReport,
} from './scale';

const owner = 'overlay';

export function useOverlayLabels(): OverlayLabels {
  const { t } = useI18n();
  return useMemo(() => ({
    hours: t('overlay.hours'), days: t('overlay.days'), visits: t('overlay.visits'), completed: t('overlay.completed'),
    open: t('overlay.open'), avg: t('overlay.avg'), median: t('overlay.median'), p90: t('overlay.p90'), max: t('overlay.max'),
    onTime: t('overlay.onTime'), early: t('overlay.early'), overdue: t('overlay.overdue'),
  }), [t]);
}

/**
 * 时效热力图: how long each step of a published power really takes (median or p90 working time) or how often it runs
 * late, from the supervision API over a chosen window, as colours on the chart with the figures on hover.
 */
export function OverlayPanel({ designer }: { designer: DesignerApi }) {
  const { t } = useI18n();
  const labels = useOverlayLabels();
  const code = designer.source?.powerCode ?? (typeof designer.definition.power?.code === 'string' ? designer.definition.power.code : '');
  const [from, setFrom] = useRemembered('overlay.from', '');
  const [to, setTo] = useRemembered('overlay.to', '');
  const [metric, setMetric] = useRemembered<OverlayMetric>('overlay.metric', 'median');
  const [thisVersion, setThisVersion] = useRemembered('overlay.thisVersion', false);
  const version = thisVersion ? designer.source?.version : undefined;
  const [shown, setShown] = useRemembered<{ timing: TimingReport; from: string; to: string; version?: number } | null>(`overlay.timing.${code}`, null);
  const timing = shown?.timing ?? null;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const latest = useRef(designer);
  latest.current = designer;
  useEffect(() => () => latest.current.setDecorations(owner, null), []);

  // Steps that take time get grey when no visit was recorded; start, end and automatic steps stay as they are.
  const timedIds = useMemo(
    () => allNodes(designer.definition).map((p) => p.node).filter((n) => n.kind === 'task' || n.kind === 'parallel' || n.kind === 'wait').map((n) => n.id),
    [designer.definition],
  );

  // Switching the metric or editing the document recolours without asking the server again.
  useEffect(() => {
    latest.current.setDecorations(owner, timing ? overlayDecorations(timing.rows, metric, timedIds, labels, t('insight.noData')) : null);
  }, [timing, metric, timedIds, labels, t]);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setShown({ timing: await supervision.nodeTiming({ power: code, version, from: from || undefined, to: to || undefined, groupBy: 'node' }), from, to, version });
    } catch (e) {
      setShown(null);
      setError(problemMessage(e, t));
    } finally {
      setBusy(false);
    }
  };

  const clear = () => setShown(null);

  if (!code) return <div className="insight-panel"><div className="insight-note">{t('overlay.noCode')}</div></div>;
  const scale = timing ? overlayScale(timing.rows, metric) : null;
  const known = new Set(timedIds);
  return (
    <div className="insight-panel" data-testid="panel-overlay">
      <div className="muted">{code}</div>
      <div className="insight-row">
        <TimeWindow from={from} to={to} onFrom={setFrom} onTo={setTo} testId="overlay" />
      </div>
      {designer.source && (
        <label>
          <input type="checkbox" data-testid="overlay-this-version" checked={thisVersion} onChange={(e) => setThisVersion(e.target.checked)} />
          {' '}{t('overlay.thisVersion', { v: designer.source.version })}
        </label>
      )}
      <label className="insight-field">
        <span>{t('overlay.metric')}</span>
        <select data-testid="overlay-metric" value={metric} onChange={(e) => setMetric(e.target.value as OverlayMetric)}>
          {overlayMetrics.map((m) => <option key={m} value={m}>{t(`overlay.metric.${m}`)}</option>)}
        </select>
      </label>
      <div className="insight-actions">
        <button type="button" className="primary" data-testid="btn-overlay" disabled={busy} onClick={load}>
          {busy ? t('loading') : t('overlay.show')}
        </button>
        {timing && <button type="button" data-testid="btn-overlay-clear" onClick={clear}>{t('overlay.clear')}</button>}
      </div>
      {error && <div className="insight-error" data-testid="overlay-error">{error}</div>}
      {timing && scale && (
        <>
          <div className="insight-legend" data-testid="overlay-legend">
            <div>{t(`overlay.legend.${metric}`)}</div>
            <div className="ramp" style={{ background: rampGradient() }} />
            <div className="ticks">{scale.ticks.map((v, i) => <span key={i}>{tickLabel(v, scale, labels)}{i === 2 ? '+' : ''}</span>)}</div>
            <div className="swatches">
              <span><i className="insight-swatch" style={{ background: noDataColour }} />{t('insight.noData')}</span>
            </div>
            <div className="muted">
              {t('overlay.window', { from: shown?.from || t('overlay.beginning'), to: shown?.to || t('overlay.now') })}
              {shown?.version ? ` · v${shown.version}` : ` · ${t('overlay.allVersions')}`}
              {timing.percentileMethod && <> · <span className="insight-hint" title={timing.percentileMethod} data-testid="overlay-method">{t('overlay.method')}</span></>}
            </div>
          </div>
          {timing.rows.length === 0 && <div className="insight-note" data-testid="overlay-empty">{t('overlay.empty')}</div>}
          <table className="insight-table" data-testid="overlay-table">
            <thead>
              <tr>
                <th>{t('simulation.node')}</th>
                <th className="num">{t('overlay.visits')}</th>
                <th className="num">{t('overlay.median')}</th>
                <th className="num">{t('overlay.p90')}</th>
                <th className="num">{t('overlay.overdue')}</th>
              </tr>
            </thead>
            <tbody>
              {rankedRows(timing.rows, metric).map((row) => {
                const v = metricValue(row, metric);
                return (
                  <tr key={row.nodeId} data-testid={`overlay-node-${row.nodeId}`} onClick={() => designer.selectNode(row.nodeId)}
                    className={known.has(row.nodeId) ? undefined : 'muted'} title={known.has(row.nodeId) ? undefined : t('overlay.notInDocument')}>
                    <td><i className="insight-swatch" style={{ background: v === null ? noDataColour : colourAt(scale.position(v)) }} />{row.nodeName}</td>
                    <td className="num">{row.visits}</td>
                    <td className="num">{durationLabel(row.medianWorkingHours, row.medianWorkingDays, labels)}</td>
                    <td className="num">{durationLabel(row.p90WorkingHours, row.p90WorkingDays, labels)}</td>
                    <td className="num">{percent(overdueRate(row))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
