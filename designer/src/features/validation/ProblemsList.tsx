import { memo } from 'react';
import type { Diagnostic } from '../../api/contracts';
import { useI18n } from '../../i18n';

interface Props {
  diagnostics: Diagnostic[];
  pending: boolean;
  error: string | null;
  onJump: (d: Diagnostic) => void;
}

/** The problems list: every diagnostic with its code; clicking one jumps to the node, flow or field it concerns. */
export const ProblemsList = memo(function ProblemsList({ diagnostics, pending, error, onJump }: Props) {
  const { t } = useI18n();
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <div className="problems" data-testid="problems">
      <div className="problems-head">
        <strong>{t('problems.title')}</strong>{' '}
        <span data-testid="problems-summary" className="muted">
          {pending ? t('problems.checking') : error ? t('problems.failed', { message: error }) : diagnostics.length === 0 ? t('problems.none') : t('problems.count', { errors, warnings: diagnostics.length - errors })}
        </span>
      </div>
      <ul>
        {diagnostics.map((d, i) => (
          <li key={`${d.code}-${d.path}-${i}`}>
            <button type="button" className={`problem ${d.severity}`} data-testid={`problem-${i}`} data-code={d.code} data-node={d.nodeId ?? ''} onClick={() => onJump(d)}>
              <span className="code">{d.code}</span> <span>{d.message}</span>
              {d.line ? <span className="muted"> · {t('problems.line', { line: String(d.line) })}</span> : null}
              <span className="muted"> · {d.path}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
});
