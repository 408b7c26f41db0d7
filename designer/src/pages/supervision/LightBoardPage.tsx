import { useEffect, useState } from 'react';
import { directory, powers, supervision } from '../../api/endpoints';
import type { LightBoard, LightBoardItem } from '../../api/contracts';
import { useI18n } from '../../i18n';
import { countOf, dueText, lightColours, lightKey, lightKeys, lightQueries, remaining, type LightFilter } from './lightboard';
import { useAnswer } from './answer';

const pageSize = 50;

/** The power and department pickers shared by both supervisor pages. */
export function useCatalogChoices() {
  const [powerList, setPowerList] = useState<{ code: string; name: string }[]>([]);
  const [departments, setDepartments] = useState<string[]>([]);
  useEffect(() => {
    // Pickers are a convenience: without them the filters still work by typing, so failures stay quiet here.
    powers.list({ pageSize: 200 }).then((p) => setPowerList(p.items.map((x) => ({ code: x.code, name: x.name }))), () => {});
    directory.get().then((d) => setDepartments(d.departments.map((x) => x.name)), () => {});
  }, []);
  return { powerList, departments };
}

/** 红黄绿灯: how many open cases stand at each light, and the late ones (red, red card) with the node they are late at. */
export function LightBoardPage() {
  const { t } = useI18n();
  const { powerList, departments } = useCatalogChoices();
  const [power, setPower] = useState('');
  const [department, setDepartment] = useState('');
  const [filter, setFilter] = useState<LightFilter>('late');
  const [page, setPage] = useState(1);
  const [refresh, setRefresh] = useState(0);

  // The late list is two lights: red cards then reds, each its own query so neither is cut by the other's paging.
  const { data: board, error, busy } = useAnswer<{ counts: LightBoard['counts']; items: LightBoardItem[]; total: number }>(
    async (signal) => {
      const lights = lightQueries(filter);
      const params = { power: power || undefined, department: department || undefined };
      const answers = await Promise.all(
        lights.map((light) => supervision.lightBoard({ ...params, light, page: lights.length > 1 ? 1 : page, pageSize }, { signal })));
      return { counts: answers[0].counts, items: answers.flatMap((a) => a.items), total: answers.reduce((n, a) => n + a.total, 0) };
    },
    `${power}|${department}|${filter}|${page}|${refresh}`,
  );

  const choose = (f: LightFilter) => {
    setFilter(f);
    setPage(1);
  };
  const pages = board && filter !== 'late' ? Math.max(1, Math.ceil(board.total / pageSize)) : 1;
  return (
    <div className="supervision-body" data-testid="page-lightboard">
      <div className="insight-row">
        <label className="insight-field">
          <span>{t('supervision.power')}</span>
          <select data-testid="lightboard-power" value={power} onChange={(e) => { setPower(e.target.value); setPage(1); }}>
            <option value="">{t('supervision.allPowers')}</option>
            {powerList.map((p) => <option key={p.code} value={p.code}>{p.code} {p.name}</option>)}
          </select>
        </label>
        <label className="insight-field">
          <span>{t('supervision.department')}</span>
          <select data-testid="lightboard-department" value={department} onChange={(e) => { setDepartment(e.target.value); setPage(1); }}>
            <option value="">{t('supervision.allDepartments')}</option>
            {departments.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </label>
        <button type="button" data-testid="btn-lightboard-refresh" disabled={busy} onClick={() => setRefresh((n) => n + 1)}>
          {t('supervision.refresh')}
        </button>
        {busy && <span className="muted">{t('loading')}</span>}
      </div>
      {error && <div className="insight-error" data-testid="lightboard-error">{error}</div>}
      <div className="light-counts">
        {lightKeys.map((key) => {
          const face = (
            <>
              <div><span className="light-dot" style={{ background: lightColours[key] }} />{t(`supervision.light.${key}`)}</div>
              <div className="n">{board ? countOf(board.counts, key) : '—'}</div>
            </>
          );
          // A suspended case counts there and not under its frozen colour, so every card, 挂起 included, is a filter.
          const active = filter === key || (filter === 'late' && (key === 'red' || key === 'red-card'));
          return (
            <button type="button" key={key} data-testid={`light-count-${key}`} className={`light-count${active ? ' active' : ''}`}
              onClick={() => choose(filter === key ? 'late' : key)} title={t('supervision.filterByLight')}>
              {face}
            </button>
          );
        })}
      </div>
      <h3>{filter === 'late' ? t('supervision.lateCases') : t('supervision.casesAt', { light: t(`supervision.light.${filter}`) })}
        {board ? ` (${board.total})` : ''}
        {board && filter === 'late' && board.items.length < board.total && <span className="muted"> · {t('supervision.shown', { n: board.items.length })}</span>}
      </h3>
      {board && board.items.length === 0 && <div className="insight-note" data-testid="lightboard-empty">{t('supervision.noCases')}</div>}
      {board && board.items.length > 0 && (
        <table className="insight-table" data-testid="lightboard-cases">
          <thead>
            <tr>
              <th>{t('supervision.light')}</th>
              <th>{t('supervision.caseNumber')}</th>
              <th>{t('supervision.power')}</th>
              <th>{t('supervision.lateNode')}</th>
              <th>{t('supervision.department')}</th>
              <th>{t('supervision.handler')}</th>
              <th className="num">{t('supervision.remaining')}</th>
              <th>{t('supervision.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {board.items.map((item) => {
              const key = lightKey(item.light) ?? 'green';
              const left = remaining(item.remainingWorkingHours);
              return (
                <tr key={`${item.caseId}-${item.nodeId}`} data-testid={`lightboard-case-${item.caseNumber}-${item.nodeId}`}>
                  <td>
                    <span className="light-dot" style={{ background: lightColours[key] }} />{t(`supervision.light.${key}`)}
                    {item.suspended && <span className="state-tag">{t('supervision.light.suspended')}</span>}
                  </td>
                  <td>{item.caseNumber}</td>
                  <td title={item.powerCode}>{item.powerName}</td>
                  <td title={item.nodeId}>{item.nodeName}</td>
                  <td>{item.department ?? '—'}</td>
                  <td>{item.handler ?? '—'}</td>
                  <td className="num" style={left?.late ? { color: '#b71c1c', fontWeight: 600 } : undefined}>
                    {left ? t(left.late ? 'supervision.overdueBy' : left.hours === 0 ? 'supervision.dueNow' : 'supervision.left', { hours: left.hours }) : '—'}
                  </td>
                  <td>{dueText(item.dueAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <div className="insight-actions">
          <button type="button" data-testid="lightboard-prev" disabled={page <= 1} onClick={() => setPage(page - 1)}>‹</button>
          <span className="muted">{page} / {pages}</span>
          <button type="button" data-testid="lightboard-next" disabled={page >= pages} onClick={() => setPage(page + 1)}>›</button>
        </div>
      )}
    </div>
  );
}
