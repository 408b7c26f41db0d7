import { useI18n } from '../../i18n';

/** The from/to dates of a statistics window (both optional: open-ended), as the supervision API takes them. */
export function TimeWindow({ from, to, onFrom, onTo, testId }: {
  from: string; to: string; onFrom: (v: string) => void; onTo: (v: string) => void; testId: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <label className="insight-field">
        <span>{t('overlay.from')}</span>
        <input type="date" data-testid={`${testId}-from`} value={from} onChange={(e) => onFrom(e.target.value)} />
      </label>
      <label className="insight-field">
        <span>{t('overlay.to')}</span>
        <input type="date" data-testid={`${testId}-to`} value={to} onChange={(e) => onTo(e.target.value)} />
      </label>
    </>
  );
}
