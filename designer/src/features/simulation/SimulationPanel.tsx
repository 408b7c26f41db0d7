import { useEffect, useMemo, useRef, useState } from 'react';
import { definitions } from '../../api/endpoints';
import type { Simulation } from '../../api/contracts';
import { useI18n } from '../../i18n';
import type { DesignerApi } from '../../shell/registry';
import { useRemembered } from '../../pages/supervision/memory';
import { problemMessage } from '../../pages/supervision/problems';
import '../../pages/supervision/insight.css';
import { officeToday, pathForks, pathWarnings, simulationDecorations, simulationRows, validChoices, wallClock } from './simulation';

const owner = 'simulation';

/**
 * 时限模拟: the analyst picks an acceptance date and, where the flowchart forks, which way the case goes; the server
 * walks that path on its working-day calendar. Due dates go on the chart (badges) and in the table below.
 */
export function SimulationPanel({ designer }: { designer: DesignerApi }) {
  const { t } = useI18n();
  const [acceptedOn, setAcceptedOn] = useRemembered('simulation.acceptedOn', officeToday);
  const [choices, setChoices] = useRemembered<Record<string, string>>('simulation.choices', {});
  const [result, setResult] = useRemembered<{ simulation: Simulation; text: string } | null>('simulation.result', null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const forks = useMemo(() => pathForks(designer.definition), [designer.definition]);
  const current = result !== null && result.text === designer.text;

  // Badges only while they are true: for the document as simulated, and while this panel is open.
  const latest = useRef(designer);
  latest.current = designer;
  useEffect(() => () => latest.current.setDecorations(owner, null), []);
  useEffect(() => {
    latest.current.setDecorations(owner, result && current ? simulationDecorations(result.simulation, {
      starts: t('simulation.starts'), due: t('simulation.due'), limit: t('simulation.limit'),
      pastPromised: t('simulation.pastPromised'), pastLegal: t('simulation.pastLegal'),
    }) : null);
  }, [result, current, t]);

  const run = async () => {
    setBusy(true);
    setError(null);
    const text = designer.text;
    try {
      const simulation = await definitions.simulate({ text, acceptedOn, choices: validChoices(forks, choices) });
      setResult({ simulation, text });
    } catch (e) {
      setResult(null);
      setError(problemMessage(e, t));
    } finally {
      setBusy(false);
    }
  };

  const clear = () => {
    setResult(null);
    setError(null);
  };

  const sim = result?.simulation;
  const rows = sim ? simulationRows(sim) : [];
  const warnings = sim ? pathWarnings(sim) : [];
  // The server also says when the chosen path ends (its slowest way through); older contracts lack it.
  const pathEnd = (sim as (Simulation & { pathEnd?: string }) | undefined)?.pathEnd;
  return (
    <div className="insight-panel" data-testid="panel-simulation">
      <label className="insight-field">
        <span>{t('simulation.acceptedOn')}</span>
        <input type="date" data-testid="sim-accepted-on" value={acceptedOn} onChange={(e) => setAcceptedOn(e.target.value)} />
      </label>
      {forks.length > 0 && (
        <fieldset className="insight-forks">
          <legend>{t('simulation.path')}</legend>
          {forks.map((fork) => (
            <label key={fork.nodeId} className="insight-field">
              <span>{fork.name}</span>
              <select data-testid={`sim-choice-${fork.nodeId}`} value={choices[fork.nodeId] ?? ''}
                onChange={(e) => setChoices({ ...choices, [fork.nodeId]: e.target.value })}>
                <option value="">{t('simulation.choiceDefault')}</option>
                {fork.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.outcome ? `${o.outcome} → ${o.targetName}` : o.condition ? `${o.condition} → ${o.targetName}` : o.targetName}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </fieldset>
      )}
      <div className="insight-actions">
        <button type="button" className="primary" data-testid="btn-simulate" disabled={busy || !acceptedOn} onClick={run}>
          {busy ? t('loading') : t('simulation.run')}
        </button>
        {result && (
          <button type="button" data-testid="btn-simulate-clear" onClick={clear}>{t('simulation.clear')}</button>
        )}
      </div>
      {error && <div className="insight-error" data-testid="sim-error">{error}</div>}
      {sim && (
        <>
          {!current && <div className="muted" data-testid="sim-stale">{t('simulation.stale')}</div>}
          <dl className="insight-dates">
            <dt>{t('simulation.promisedDue')} ({sim.promisedLimit.text})</dt>
            <dd data-testid="sim-promised-due">{wallClock(sim.promisedDue)}</dd>
            <dt>{t('simulation.legalDue')} ({sim.legalLimit.text})</dt>
            <dd data-testid="sim-legal-due">{wallClock(sim.legalDue)}</dd>
            {pathEnd && (
              <>
                <dt>{t('simulation.pathEnd')}</dt>
                <dd data-testid="sim-path-end" className={warnings[0] ?? undefined}>{wallClock(pathEnd)}</dd>
              </>
            )}
          </dl>
          {warnings.length > 0 && (
            <div className={`insight-warning ${warnings[0]}`} data-testid="sim-warning">
              {warnings.map((w) => <div key={w}>{t(w === 'legal' ? 'simulation.exceedsLegal' : 'simulation.exceedsPromised')}</div>)}
            </div>
          )}
          <table className="insight-table" data-testid="sim-table">
            <thead>
              <tr>
                <th>{t('simulation.node')}</th>
                <th>{t('simulation.limit')}</th>
                <th>{t('simulation.due')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.nodeId} data-testid={`sim-row-${row.nodeId}`} className={`${row.lateness}${row.branch ? ' in-branch' : ''}`}
                  title={`${t('simulation.starts')} ${row.starts}`} onClick={() => designer.selectNode(row.nodeId)}>
                  <td className="wrap">{row.name}</td>
                  <td>{row.limit ?? ''}</td>
                  <td data-testid={`sim-node-${row.nodeId}`}>{row.due}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {sim.problems.length > 0 && (
            <ul className="insight-problems" data-testid="sim-problems">
              {sim.problems.map((p, i) => (
                <li key={i} data-testid={`sim-problem-${p.code}`} onClick={() => p.nodeId && designer.selectNode(p.nodeId)}>
                  <code>{p.code}</code> {p.message}
                </li>
              ))}
            </ul>
          )}
          {rows.some((r) => r.lateness !== 'ok') && (
            <div className="insight-legend" data-testid="sim-legend">
              <div className="swatches">
                <span><i className="insight-swatch" style={{ borderColor: '#ef6c00', boxShadow: '0 0 0 2px #ffcc80' }} />{t('simulation.pastPromised')}</span>
                <span><i className="insight-swatch" style={{ borderColor: '#c62828', boxShadow: '0 0 0 2px #ef9a9a' }} />{t('simulation.pastLegal')}</span>
              </div>
            </div>
          )}
          <div className="muted">{t('simulation.assumption')}</div>
        </>
      )}
    </div>
  );
}
