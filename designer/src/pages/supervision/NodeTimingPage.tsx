import { useEffect, useMemo, useState } from 'react';
import { supervision } from '../../api/endpoints';
import { useI18n } from '../../i18n';
import { durationLabel, overdueRate, percent, type TimingReport } from '../../features/overlay/scale';
import { EChart } from './EChart';
import { useCatalogChoices } from './LightBoardPage';
import { useAnswer } from './answer';
import { TimeWindow } from './TimeWindow';
import { chartRows, timingChartOption } from './timingChart';

/** 环节用时: per power, the median and p90 working time of each node and how often it runs late, as a chart and a table. */
export function NodeTimingPage() {
  const { t } = useI18n();
  const { powerList } = useCatalogChoices();
  const [power, setPower] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // The first power of the catalog is shown straight away, so the page is never an empty form.
  useEffect(() => {
    if (!power && powerList.length > 0) setPower(powerList[0].code);
  }, [power, powerList]);

  const { data: timing, error, busy } = useAnswer<TimingReport>(
    power ? (signal) => supervision.nodeTiming({ power, from: from || undefined, to: to || undefined, groupBy: 'node' }, { signal }) : null,
    `${power}|${from}|${to}`,
  );

  const labels = useMemo(() => ({
    median: t('overlay.metric.median'), p90: t('overlay.metric.p90'), overdueRate: t('overlay.metric.overdue'),
    days: t('overlay.days'), hours: t('overlay.hours'), visits: t('overlay.visits'),
  }), [t]);
  const option = useMemo(() => (timing ? timingChartOption(timing.rows, labels) : null), [timing, labels]);
  const units = { hours: t('overlay.hours'), days: t('overlay.days') };
  return (
    <div className="supervision-body" data-testid="page-node-timing">
      <div className="insight-row">
        <label className="insight-field">
          <span>{t('supervision.power')}</span>
          <select data-testid="timing-power" value={power} onChange={(e) => setPower(e.target.value)}>
            {!power && <option value="">—</option>}
            {powerList.map((p) => <option key={p.code} value={p.code}>{p.code} {p.name}</option>)}
          </select>
        </label>
        <TimeWindow from={from} to={to} onFrom={setFrom} onTo={setTo} testId="timing" />
        {busy && <span className="muted">{t('loading')}</span>}
      </div>
      {error && <div className="insight-error" data-testid="timing-error">{error}</div>}
      {timing && timing.rows.length === 0 && <div className="insight-note" data-testid="timing-empty">{t('overlay.empty')}</div>}
      {option && timing && timing.rows.length > 0 && (
        <>
          <EChart option={option} testId="timing-chart" />
          <div className="muted">
            {t('supervision.timingNote')}
            {timing.percentileMethod && <> <span className="insight-hint" title={timing.percentileMethod} data-testid="timing-method">{t('overlay.method')}</span></>}
          </div>
          <table className="insight-table" data-testid="timing-table">
            <thead>
              <tr>
                <th>{t('simulation.node')}</th>
                <th className="num">{t('overlay.visits')}</th>
                <th className="num">{t('overlay.completed')}</th>
                <th className="num">{t('overlay.open')}</th>
                <th className="num">{t('overlay.avg')}</th>
                <th className="num">{t('overlay.median')}</th>
                <th className="num">{t('overlay.p90')}</th>
                <th className="num">{t('overlay.max')}</th>
                <th className="num">{t('overlay.onTime')}</th>
                <th className="num">{t('overlay.overdue')}</th>
              </tr>
            </thead>
            <tbody>
              {chartRows(timing.rows).map((r) => (
                <tr key={r.nodeId} data-testid={`timing-row-${r.nodeId}`}>
                  <td title={r.nodeId}>{r.nodeName}</td>
                  <td className="num">{r.visits}</td>
                  <td className="num">{r.completed}</td>
                  <td className="num">{r.open}</td>
                  <td className="num">{durationLabel(r.avgWorkingHours, r.avgWorkingDays, units)}</td>
                  <td className="num">{durationLabel(r.medianWorkingHours, r.medianWorkingDays, units)}</td>
                  <td className="num">{durationLabel(r.p90WorkingHours, r.p90WorkingDays, units)}</td>
                  <td className="num">{durationLabel(r.maxWorkingHours, r.maxWorkingDays, units)}</td>
                  <td className="num">{percent(r.onTimeRate)}</td>
                  <td className="num">{r.overdue} ({percent(overdueRate(r))})</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
