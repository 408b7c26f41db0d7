// Small form controls of the property panel. Each carries data-testid="prop-<field>" and shows the validator's
// problems for its field underneath (data-testid="prop-<field>-problem").
import { useId, type ReactNode } from 'react';
import type { Diagnostic } from '../../api/contracts';
import type { Duration } from '../../model/dsl';
import { longDuration } from '../../model/hash';
import { useI18n } from '../../i18n';

export const timeUnits = ['工作日', '自然日', '小时'];

export function FieldProblems({ testid, problems }: { testid: string; problems?: Diagnostic[] }) {
  if (!problems?.length) return null;
  return (
    <div className="field-problems" data-testid={`${testid}-problem`}>
      {problems.map((p, i) => <div key={i} className={p.severity}>{p.code} {p.message}</div>)}
    </div>
  );
}

export function Field({ label, testid, problems, children }: { label: string; testid: string; problems?: Diagnostic[]; children: ReactNode }) {
  return (
    <div className={`field${problems?.length ? ' has-problems' : ''}`} data-field={testid}>
      <label>{label}</label>
      <div className="field-input">{children}</div>
      <FieldProblems testid={testid} problems={problems} />
    </div>
  );
}

export function TextInput({ label, testid, value, onChange, problems, multiline, placeholder, list }: {
  label: string; testid: string; value: string | undefined; onChange: (v: string) => void; problems?: Diagnostic[]; multiline?: boolean; placeholder?: string; list?: string[];
}) {
  const listId = useId();
  return (
    <Field label={label} testid={testid} problems={problems}>
      {multiline
        ? <textarea data-testid={testid} value={value ?? ''} placeholder={placeholder} rows={5} onChange={(e) => onChange(e.target.value)} />
        : <input data-testid={testid} value={value ?? ''} placeholder={placeholder} list={list ? listId : undefined} onChange={(e) => onChange(e.target.value)} />}
      {list && <datalist id={listId}>{list.map((o) => <option key={o} value={o} />)}</datalist>}
    </Field>
  );
}

export function NumberInput({ label, testid, value, onChange, problems }: { label: string; testid: string; value: number | undefined; onChange: (v: number | undefined) => void; problems?: Diagnostic[] }) {
  return (
    <Field label={label} testid={testid} problems={problems}>
      <input type="number" data-testid={testid} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
    </Field>
  );
}

export function Select({ label, testid, value, options, onChange, problems, empty }: {
  label: string; testid: string; value: string | undefined; options: { value: string; label: string }[]; onChange: (v: string | undefined) => void; problems?: Diagnostic[]; empty?: string;
}) {
  const known = options.some((o) => o.value === value);
  return (
    <Field label={label} testid={testid} problems={problems}>
      <select data-testid={testid} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {value && !known && <option value={value}>{value}</option>}
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </Field>
  );
}

export function Check({ label, testid, value, onChange }: { label: string; testid: string; value: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" data-testid={testid} checked={value} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

/** A time limit: number and unit (工作日/自然日/小时), with the legal reference when the law names it. Empty = none. */
export function DurationInput({ label, testid, value, onChange, problems, withRef }: {
  label: string; testid: string; value: Duration | undefined; onChange: (v: Duration | undefined) => void; problems?: Diagnostic[]; withRef?: boolean;
}) {
  const { t } = useI18n();
  const long = longDuration(value) as { value?: number; unit?: string; ref?: string } | string | undefined;
  const obj = typeof long === 'object' && long ? long : undefined;
  const raw = typeof long === 'string' ? long : undefined;
  const set = (patch: { value?: number | undefined; unit?: string; ref?: string }) => {
    const next = { value: obj?.value, unit: obj?.unit ?? '工作日', ref: obj?.ref, ...patch };
    if (next.value === undefined || Number.isNaN(next.value)) return onChange(undefined);
    const out: { value: number; unit: string; ref?: string } = { value: next.value, unit: next.unit };
    if (next.ref) out.ref = next.ref;
    onChange(out);
  };
  return (
    <Field label={label} testid={testid} problems={problems}>
      <span className="duration">
        <input type="number" min={0} step="any" data-testid={testid} value={obj?.value ?? ''} placeholder={raw} onChange={(e) => set({ value: e.target.value === '' ? undefined : Number(e.target.value) })} />
        <select data-testid={`${testid}-unit`} value={obj?.unit ?? '工作日'} onChange={(e) => set({ unit: e.target.value })}>
          {timeUnits.map((u) => <option key={u} value={u}>{t(`unit.${u}`)}</option>)}
        </select>
        {withRef && <input className="ref" data-testid={`${testid}-ref`} value={obj?.ref ?? ''} placeholder={t('prop.ref')} onChange={(e) => set({ ref: e.target.value || undefined })} />}
      </span>
    </Field>
  );
}

/** A list of strings edited one per line. */
export function LinesInput({ label, testid, value, onChange, problems }: { label: string; testid: string; value: string[] | undefined; onChange: (v: string[] | undefined) => void; problems?: Diagnostic[] }) {
  return (
    <Field label={label} testid={testid} problems={problems}>
      <textarea data-testid={testid} rows={Math.max(2, (value?.length ?? 0) + 1)} value={(value ?? []).join('\n')}
        onChange={(e) => {
          const lines = e.target.value.split('\n');
          // keep a trailing empty line while typing; drop empty lines otherwise
          const cleaned = lines.filter((l, i) => l.trim() !== '' || i === lines.length - 1);
          const result = cleaned.length === 1 && cleaned[0] === '' ? [] : cleaned;
          onChange(result.length ? result : undefined);
        }} />
    </Field>
  );
}
