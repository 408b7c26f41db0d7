import { useState, type ReactNode } from 'react';
import type { Duration } from '../../model/dsl';
import type { DiscretionEntry } from '../../model/discretion';
import type { DesignerApi } from '../../shell/registry';
import { useI18n } from '../../i18n';
import { DurationInput, LinesInput, Select, TextInput } from './fields';
import { departments, type EditProps } from './NodeProperties';
import { DiscretionGrid, newDiscretionEntry } from './DiscretionGrid';
import { TemplatesEditor } from './TemplatesEditor';

const categories = ['行政许可', '行政处罚', '行政强制', '行政征收', '行政给付', '行政裁决', '行政确认', '行政奖励', '行政监督检查', '其他'];

type Obj = Record<string, unknown>;

function Section({ id, title, children, open: initiallyOpen = false }: { id: string; title: string; children: ReactNode; open?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <div className="section">
      <button type="button" className="section-toggle" data-testid={`section-${id}`} onClick={() => setOpen(!open)}>{open ? '▾' : '▸'} {title}</button>
      {open && <div className="section-body">{children}</div>}
    </div>
  );
}

/** A list of small records edited as rows of inputs. */
function RecordList({ testid, items, fields, onChange, blank }: {
  testid: string; items: Obj[]; fields: { key: string; label: string; type?: 'number' }[]; onChange: (next: Obj[]) => void; blank: Obj;
}) {
  const { t } = useI18n();
  return (
    <div className="rows" data-testid={testid}>
      {items.map((item, i) => (
        <div className="row" key={i}>
          {fields.map((f) => (
            <input key={f.key} data-testid={`${testid}-${i}-${f.key}`} placeholder={f.label} title={f.label} type={f.type === 'number' ? 'number' : 'text'}
              value={item[f.key] === undefined ? '' : String(item[f.key])}
              onChange={(e) => onChange(items.map((x, k) => (k === i ? { ...x, [f.key]: e.target.value === '' ? undefined : f.type === 'number' ? Number(e.target.value) : e.target.value } : x)))} />
          ))}
          <button type="button" data-testid={`${testid}-${i}-remove`} onClick={() => onChange(items.filter((_, k) => k !== i))}>×</button>
        </div>
      ))}
      <button type="button" data-testid={`${testid}-add`} onClick={() => onChange([...items, { ...blank }])}>+ {t('prop.add')}</button>
    </div>
  );
}

export function PowerProperties({ definition, onChange, directory, problems, designer }: EditProps & { designer: DesignerApi }) {
  const { t } = useI18n();
  const power = definition.power ?? {};
  const limits = definition.limits ?? {};
  const guide = (power.guide ?? {}) as Obj;
  const setPower = (patch: Obj, field: string) => {
    const next: Obj = { ...power, ...patch };
    for (const k of Object.keys(patch)) if (next[k] === undefined) delete next[k];
    onChange({ ...definition, power: next }, `power:${field}`);
  };
  const setLimits = (patch: Obj, field: string) => {
    const next: Obj = { ...limits, ...patch };
    for (const k of Object.keys(patch)) if (next[k] === undefined) delete next[k];
    onChange({ ...definition, limits: next }, `limits:${field}`);
  };
  const setGuide = (patch: Obj, field: string) => {
    const next: Obj = { ...guide, ...patch };
    for (const k of Object.keys(patch)) if (next[k] === undefined) delete next[k];
    setPower({ guide: Object.keys(next).length ? next : undefined }, `guide:${field}`);
  };
  const extension = (limits.extension ?? undefined) as { max?: Duration; approver?: string } | undefined;
  const depts = departments(directory);
  const p = (field: string) => problems(field);
  return (
    <div className="properties" data-testid="properties-power">
      <div className="prop-head">{t('prop.power')}</div>
      <Section id="basic" title={t('section.basic')} open>
        <TextInput label={t('power.code')} testid="prop-power-code" value={power.code as string} onChange={(v) => setPower({ code: v }, 'code')} problems={p('power/code')} />
        <TextInput label={t('power.name')} testid="prop-power-name" value={power.name as string} onChange={(v) => setPower({ name: v }, 'name')} problems={p('power/name')} />
        <Select label={t('power.category')} testid="prop-power-category" value={power.category as string} options={categories.map((c) => ({ value: c, label: c }))} onChange={(v) => setPower({ category: v }, 'category')} problems={p('power/category')} />
        <TextInput label={t('power.subject')} testid="prop-power-subject" value={power.subject as string} list={depts} onChange={(v) => setPower({ subject: v }, 'subject')} problems={p('power/subject')} />
        <TextInput label={t('power.undertaker')} testid="prop-power-undertaker" value={power.undertaker as string} list={depts} onChange={(v) => setPower({ undertaker: v || undefined }, 'undertaker')} problems={p('power/undertaker')} />
        <LinesInput label={t('power.jointDepartments')} testid="prop-power-joint" value={power.jointDepartments as string[]} onChange={(v) => setPower({ jointDepartments: v }, 'jointDepartments')} problems={p('power/jointDepartments')} />
        <Select label={t('power.handling')} testid="prop-power-handling" value={power.handling as string} options={['即办件', '承诺件'].map((c) => ({ value: c, label: c }))} onChange={(v) => setPower({ handling: v }, 'handling')} problems={p('power/handling')} />
      </Section>
      <Section id="limits" title={t('section.limits')} open>
        <DurationInput label={t('limits.legal')} testid="prop-limits-legal" withRef value={limits.legal as Duration} onChange={(v) => setLimits({ legal: v }, 'legal')} problems={p('limits/legal')} />
        <DurationInput label={t('limits.promised')} testid="prop-limits-promised" withRef value={limits.promised as Duration} onChange={(v) => setLimits({ promised: v }, 'promised')} problems={p('limits/promised')} />
        <DurationInput label={t('limits.extension')} testid="prop-limits-extension" value={extension?.max} onChange={(v) => setLimits({ extension: v ? { ...(extension ?? {}), max: v } : undefined }, 'extension')} problems={p('limits/extension')} />
        {extension && <TextInput label={t('limits.approver')} testid="prop-limits-approver" value={extension.approver} onChange={(v) => setLimits({ extension: { ...extension, approver: v || undefined } }, 'approver')} />}
        <DurationInput label={t('limits.supplementNotice')} testid="prop-limits-supplement" value={limits.supplementNotice as Duration} onChange={(v) => setLimits({ supplementNotice: v }, 'supplementNotice')} problems={p('limits/supplementNotice')} />
        <DurationInput label={t('limits.certificate')} testid="prop-limits-certificate" value={limits.certificate as Duration} onChange={(v) => setLimits({ certificate: v }, 'certificate')} problems={p('limits/certificate')} />
      </Section>
      <Section id="basis" title={t('section.basis')}>
        <RecordList testid="prop-basis" items={(power.basis ?? []) as Obj[]} blank={{ law: '', articles: '' }}
          fields={[{ key: 'law', label: t('basis.law') }, { key: 'articles', label: t('basis.articles') }]} onChange={(v) => setPower({ basis: v }, 'basis')} />
      </Section>
      <Section id="fees" title={t('section.fees')}>
        <div className="muted">{t('fees.none')}</div>
        <RecordList testid="prop-fees" items={(power.fees ?? []) as Obj[]} blank={{ name: '', basis: '', standard: '' }}
          fields={[{ key: 'name', label: t('fees.name') }, { key: 'basis', label: t('fees.basis') }, { key: 'standard', label: t('fees.standard') }, { key: 'amount', label: t('fees.amount'), type: 'number' }]}
          onChange={(v) => setPower({ fees: v }, 'fees')} />
      </Section>
      <Section id="guide" title={t('section.guide')}>
        <LinesInput label={t('guide.conditions')} testid="prop-guide-conditions" value={guide.conditions as string[]} onChange={(v) => setGuide({ conditions: v }, 'conditions')} />
        <RecordList testid="prop-guide-materials" items={(guide.materials ?? []) as Obj[]} blank={{ name: '', copies: 1 }}
          fields={[{ key: 'name', label: t('guide.material') }, { key: 'copies', label: t('guide.copies'), type: 'number' }]} onChange={(v) => setGuide({ materials: v.length ? v : undefined }, 'materials')} />
        <TextInput label={t('guide.result')} testid="prop-guide-result" value={guide.result as string} onChange={(v) => setGuide({ result: v || undefined }, 'result')} />
        <TextInput label={t('guide.location')} testid="prop-guide-location" value={guide.location as string} onChange={(v) => setGuide({ location: v || undefined }, 'location')} />
        <TextInput label={t('guide.contact')} testid="prop-guide-contact" value={guide.contact as string} onChange={(v) => setGuide({ contact: v || undefined }, 'contact')} />
        <TextInput label={t('guide.complaint')} testid="prop-guide-complaint" value={guide.complaint as string} onChange={(v) => setGuide({ complaint: v || undefined }, 'complaint')} />
      </Section>
      <Section id="procedures" title={t('section.procedures')}>
        <RecordList testid="prop-special" items={(definition.specialProcedures ?? []) as Obj[]} blank={{ kind: '', effect: 'stop-clock' }}
          fields={[{ key: 'kind', label: t('procedure.kind') }, { key: 'effect', label: t('procedure.effect') }, { key: 'ref', label: t('prop.ref') }]}
          onChange={(v) => onChange({ ...definition, specialProcedures: v.length ? v : undefined }, 'specialProcedures')} />
        <div className="muted">{t('procedure.hint')}</div>
      </Section>
      <Section id="discretion" title={t('section.discretion')}>
        {((definition.discretion ?? []) as unknown as DiscretionEntry[]).map((entry, i) => (
          <DiscretionGrid key={i} entry={entry} index={i} onChange={(next) => onChange({ ...definition, discretion: (definition.discretion ?? []).map((x, k) => (k === i ? (next as unknown as Obj) : x)) }, `discretion:${i}`)} />
        ))}
        {!(definition.discretion ?? []).length && <div className="muted">{t('discretion.none')}</div>}
        <button type="button" data-testid="btn-add-discretion" onClick={() => {
          const tables = (definition.discretion ?? []) as unknown as DiscretionEntry[];
          const entry = newDiscretionEntry(tables, { violation: t('discretion.newViolation'), column: t('discretion.fine') });
          onChange({ ...definition, discretion: [...(definition.discretion ?? []), entry as unknown as Obj] });
        }}>+ {t('discretion.addTable')}</button>
      </Section>
      <Section id="templates" title={t('section.templates')}>
        <TemplatesEditor definition={definition} onChange={onChange} designer={designer} />
      </Section>
      <Section id="supervision" title={t('section.supervision')}>
        <DurationInput label={t('supervision.warning')} testid="prop-supervision-warning" value={(definition.supervision as Obj | undefined)?.warning as Duration}
          onChange={(v) => {
            const s: Obj = { ...((definition.supervision as Obj) ?? {}), warning: v };
            if (v === undefined) delete s.warning;
            onChange({ ...definition, supervision: Object.keys(s).length ? s : undefined }, 'supervision:warning');
          }} />
      </Section>
    </div>
  );
}
