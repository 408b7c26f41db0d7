import type { Diagnostic, Directory } from '../../api/contracts';
import type { Branch, Definition, DslNode, FormField, Flow, Outcome } from '../../model/dsl';
import { findNode, mapNode, moveStep, newBranch, renameNode, takenIds, updateFlow } from '../../model/ops';
import { useState } from 'react';
import { allNodes } from '../../model/dsl';
import { useI18n } from '../../i18n';
import { Check, DurationInput, Field, NumberInput, Select, TextInput } from './fields';

export interface EditProps {
  definition: Definition;
  onChange: (next: Definition, key?: string) => void;
  directory: Directory | null;
  /** Diagnostics for a field, by JSON pointer below the node ("limit") or the document ("power/name"). */
  problems: (field: string) => Diagnostic[] | undefined;
}

const verdicts = ['approve', 'reject', 'supplement', 'send-back', 'other'];
const fieldTypes = ['string', 'text', 'number', 'money', 'date', 'boolean', 'choice', 'file'];
const endResults = ['准予', '不予', '不予受理', '撤回', '终止', '办结'];

export function departments(directory: Directory | null): string[] {
  return directory?.departments.map((d) => d.name) ?? [];
}

export function rolesOf(directory: Directory | null, department: string | undefined): string[] {
  const d = directory?.departments.find((x) => x.name === department);
  return d ? d.roles : [...new Set(directory?.departments.flatMap((x) => x.roles) ?? [])];
}

function outcomeName(o: Outcome): string {
  return typeof o === 'string' ? o : o.name;
}

function OutcomesEditor({ node, set, problems }: { node: DslNode; set: (patch: Partial<DslNode>, field: string) => void; problems: EditProps['problems'] }) {
  const { t } = useI18n();
  const outcomes = node.outcomes ?? [];
  const update = (next: Outcome[]) => set({ outcomes: next }, 'outcomes');
  return (
    <Field label={t('prop.outcomes')} testid="prop-outcomes" problems={problems('outcomes')}>
      <div className="rows" data-testid="prop-outcomes">
        {outcomes.map((o, i) => (
          <div className="row" key={i}>
            <input data-testid={`prop-outcome-${i}`} value={outcomeName(o)} onChange={(e) => update(outcomes.map((x, k) => (k === i ? (typeof x === 'string' ? e.target.value : { ...x, name: e.target.value }) : x)))} />
            <select data-testid={`prop-outcome-${i}-verdict`} value={typeof o === 'string' ? '' : o.verdict} title={t('prop.verdict')}
              onChange={(e) => update(outcomes.map((x, k) => (k === i ? (e.target.value ? { name: outcomeName(x), verdict: e.target.value } : outcomeName(x)) : x)))}>
              <option value="">{t('prop.verdictImplied')}</option>
              {verdicts.map((v) => <option key={v} value={v}>{t(`verdict.${v}`)}</option>)}
            </select>
            <button type="button" data-testid={`btn-remove-outcome-${i}`} onClick={() => update(outcomes.filter((_, k) => k !== i))}>×</button>
          </div>
        ))}
        <button type="button" data-testid="btn-add-outcome" onClick={() => update([...outcomes, t('prop.newOutcome')])}>+ {t('prop.addOutcome')}</button>
      </div>
    </Field>
  );
}

function FormEditor({ node, set, problems }: { node: DslNode; set: (patch: Partial<DslNode>, field: string) => void; problems: EditProps['problems'] }) {
  const { t } = useI18n();
  const form = node.form ?? [];
  const update = (next: FormField[]) => set({ form: next.length ? next : undefined }, 'form');
  const patch = (i: number, p: Partial<FormField>) => update(form.map((f, k) => (k === i ? { ...f, ...p } : f)));
  return (
    <Field label={t('prop.form')} testid="prop-form" problems={problems('form')}>
      <table className="grid" data-testid="prop-form">
        <thead><tr><th>{t('prop.form.key')}</th><th>{t('prop.form.label')}</th><th>{t('prop.form.type')}</th><th>{t('prop.form.required')}</th><th>{t('prop.form.options')}</th><th /></tr></thead>
        <tbody>
          {form.map((f, i) => (
            <tr key={i} className={problems(`form/${i}`)?.length ? 'has-problems' : ''}>
              <td><input data-testid={`prop-form-${i}-key`} value={f.key} onChange={(e) => patch(i, { key: e.target.value })} /></td>
              <td><input data-testid={`prop-form-${i}-label`} value={f.label} onChange={(e) => patch(i, { label: e.target.value })} /></td>
              <td>
                <select data-testid={`prop-form-${i}-type`} value={f.type} onChange={(e) => patch(i, { type: e.target.value })}>
                  {fieldTypes.map((x) => <option key={x} value={x}>{t(`fieldType.${x}`)}</option>)}
                </select>
              </td>
              <td><input type="checkbox" data-testid={`prop-form-${i}-required`} checked={!!f.required} onChange={(e) => patch(i, { required: e.target.checked || undefined })} /></td>
              <td>{f.type === 'choice' && <input data-testid={`prop-form-${i}-options`} value={(f.options ?? []).join('、')} onChange={(e) => patch(i, { options: e.target.value.split(/[、,，]/).map((s) => s.trim()).filter(Boolean) })} />}</td>
              <td><button type="button" data-testid={`btn-remove-form-${i}`} onClick={() => update(form.filter((_, k) => k !== i))}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-testid="btn-add-form-field" onClick={() => update([...form, { key: `field${form.length + 1}`, label: t('prop.form.newLabel'), type: 'string' }])}>+ {t('prop.form.add')}</button>
    </Field>
  );
}

function BranchesEditor({ node, definition, set, problems, directory }: { node: DslNode; definition: Definition; set: (patch: Partial<DslNode>, field: string) => void; problems: EditProps['problems']; directory: Directory | null }) {
  const { t } = useI18n();
  const branches = node.branches ?? [];
  const update = (next: Branch[]) => set({ branches: next }, 'branches');
  const patch = (i: number, p: Partial<Branch>) => update(branches.map((b, k) => (k === i ? { ...b, ...p } : b)));
  const move = (i: number, by: number) => {
    const next = [...branches];
    const [b] = next.splice(i, 1);
    next.splice(i + by, 0, b);
    update(next);
  };
  return (
    <div className="branches" data-testid="prop-branches">
      <div className="section-title">{t('prop.branches')}</div>
      {branches.map((b, i) => (
        <div className="branch-card" key={b.id}>
          <TextInput label={t('prop.branch.name')} testid={`prop-branch-${i}-name`} value={b.name} onChange={(v) => patch(i, { name: v })} problems={problems(`branches/${i}/name`)} list={departments(directory)} />
          <DurationInput label={t('prop.branch.silence')} testid={`prop-branch-${i}-silence`} value={b.silence} onChange={(v) => patch(i, { silence: v })} problems={problems(`branches/${i}/silence`)} />
          <div className="muted">{t('prop.branch.steps', { n: b.nodes?.length ?? 0 })} · id {b.id}</div>
          <div className="row">
            <button type="button" disabled={i === 0} data-testid={`btn-branch-up-${i}`} onClick={() => move(i, -1)}>↑</button>
            <button type="button" disabled={i === branches.length - 1} data-testid={`btn-branch-down-${i}`} onClick={() => move(i, 1)}>↓</button>
            <button type="button" disabled={branches.length <= 1} data-testid={`btn-remove-branch-${i}`} onClick={() => update(branches.filter((_, k) => k !== i))}>{t('prop.branch.remove')}</button>
          </div>
        </div>
      ))}
      <button type="button" data-testid="btn-add-branch" onClick={() => update([...branches, newBranch(takenIds(definition), t('prop.branch.newName'))])}>+ {t('prop.branch.add')}</button>
    </div>
  );
}

/** The flows leaving the node: where each goes and on which outcome or condition. */
function FlowsEditor({ node, definition, onChange }: { node: DslNode; definition: Definition; onChange: EditProps['onChange'] }) {
  const { t } = useI18n();
  const flows = (definition.flows ?? []).map((f, i) => ({ f, i })).filter(({ f }) => f.from === node.id);
  if (!flows.length) return null;
  return (
    <div data-testid="prop-flows">
      <div className="section-title">{t('prop.flows')}</div>
      {flows.map(({ i }) => <FlowCard key={i} index={i} definition={definition} onChange={onChange} />)}
    </div>
  );
}

/**
 * One flow's fields (`prop-flow-<i>-…`, i = its index in `flows`): where it goes, and the outcome it follows (`on`)
 * or, leaving a decision, its condition (`when`) or default. Shared by the node's flow list and a flow clicked on
 * the canvas; edits of one field in a row merge into one undo step (key `flow:<i>`).
 */
export function FlowCard({ index, definition, onChange }: { index: number; definition: Definition; onChange: EditProps['onChange'] }) {
  const { t } = useI18n();
  const f = definition.flows?.[index];
  const from = f ? findNode(definition, f.from) : undefined;
  if (!f) return null;
  const targets = (definition.nodes ?? []).map((n) => ({ value: n.id, label: `${n.name} (${n.id})` }));
  const set = (next: Flow) => onChange(updateFlow(definition, index, next), `flow:${index}`);
  return (
    <div className="flow-card">
      <Select label={t('prop.flow.to')} testid={`prop-flow-${index}-to`} value={f.to} options={targets} onChange={(v) => v && set({ ...f, to: v })} />
      {from?.kind === 'decision'
        ? <>
            <TextInput label={t('prop.flow.when')} testid={`prop-flow-${index}-when`} value={f.when} onChange={(v) => set({ ...f, when: v || undefined })} />
            <Check label={t('prop.flow.default')} testid={`prop-flow-${index}-default`} value={!!f.default} onChange={(v) => set({ ...f, default: v || undefined })} />
          </>
        : <TextInput label={t('prop.flow.on')} testid={`prop-flow-${index}-on`} value={f.on} onChange={(v) => set({ ...f, on: v || undefined })}
            list={(from?.outcomes ?? (from?.kind === 'parallel' ? ['同意', '不同意'] : [])).map(outcomeName)} />}
    </div>
  );
}

/** A flow selected on the canvas: from where, and the same fields as in its source node's flow list. */
export function FlowProperties({ index, definition, onChange }: { index: number; definition: Definition; onChange: EditProps['onChange'] }) {
  const { t } = useI18n();
  const f = definition.flows?.[index];
  if (!f) return null;
  const name = (id: string) => { const n = findNode(definition, id); return n ? `${n.name} (${id})` : id; };
  return (
    <div className="properties" data-testid="properties-flow" data-flow={index}>
      <div className="section-title">{t('prop.flow.title')}</div>
      <div className="muted" data-testid="prop-flow-from">{name(f.from)} → {name(f.to)}</div>
      <FlowCard index={index} definition={definition} onChange={onChange} />
    </div>
  );
}

/** Special procedures (听证、检验、专家评审 …) allowed at this step: the node's membership in each procedure's list. */
function ProceduresEditor({ node, definition, onChange }: { node: DslNode; definition: Definition; onChange: EditProps['onChange'] }) {
  const { t } = useI18n();
  const procedures = (definition.specialProcedures ?? []) as { kind: string; nodes?: string[] }[];
  if (!procedures.length) return null;
  const toggle = (i: number, on: boolean) => {
    const next = procedures.map((p, k) => {
      if (k !== i) return p;
      const nodes = (p.nodes ?? []).filter((n) => n !== node.id);
      if (on) nodes.push(node.id);
      return { ...p, nodes: nodes.length ? nodes : undefined };
    });
    onChange({ ...definition, specialProcedures: next }, undefined);
  };
  return (
    <div data-testid="prop-procedures">
      <div className="section-title">{t('prop.procedures')}</div>
      {procedures.map((p, i) => (
        <Check key={i} label={p.kind} testid={`prop-procedure-${i}`} value={(p.nodes ?? []).includes(node.id)} onChange={(v) => toggle(i, v)} />
      ))}
      <div className="muted">{t('prop.procedures.hint')}</div>
    </div>
  );
}

export function NodeProperties({ nodeId, definition, onChange, directory, problems, onRenamed }: EditProps & { nodeId: string; onRenamed?: (id: string) => void }) {
  const { t } = useI18n();
  const node = findNode(definition, nodeId);
  if (!node) return null;
  const set = (patch: Partial<DslNode>, field: string) => {
    const next = mapNode(definition, nodeId, (n) => {
      const merged: DslNode = { ...n, ...patch };
      for (const k of Object.keys(patch)) if (merged[k] === undefined) delete merged[k];
      return merged;
    });
    onChange(next, `node:${nodeId}:${field}`);
  };
  const templates = (definition.templates ?? []).map((x) => ({ value: x.id, label: x.name }));
  return (
    <div className="properties" data-testid="properties-node" data-node={nodeId}>
      <div className="prop-head">{t(`kind.${node.kind}`)} · <span className="muted">{node.id}</span></div>
      <IdInput nodeId={nodeId} definition={definition} onChange={onChange} onRenamed={onRenamed} />
      <TextInput label={t('prop.name')} testid="prop-name" value={node.name} onChange={(v) => set({ name: v }, 'name')} problems={problems('name')} />
      <BranchPlace nodeId={nodeId} definition={definition} onChange={onChange} />
      {node.kind === 'task' && (
        <>
          <TextInput label={t('prop.department')} testid="prop-department" value={node.department} onChange={(v) => set({ department: v }, 'department')} problems={problems('department')} list={departments(directory)} />
          <TextInput label={t('prop.role')} testid="prop-role" value={node.role} onChange={(v) => set({ role: v }, 'role')} problems={problems('role')} list={rolesOf(directory, node.department)} />
          <DurationInput label={t('prop.limit')} testid="prop-limit" value={node.limit} onChange={(v) => set({ limit: v }, 'limit')} problems={problems('limit')} withRef />
          <Select label={t('prop.risk')} testid="prop-risk" value={node.risk} empty={t('prop.none')} options={['A', 'B', 'C'].map((r) => ({ value: r, label: t(`risk.${r}`) }))} onChange={(v) => set({ risk: v }, 'risk')} problems={problems('risk')} />
          <WarningInput node={node} set={set} problems={problems} />
          <OutcomesEditor node={node} set={set} problems={problems} />
          <FormEditor node={node} set={set} problems={problems} />
          <ProceduresEditor node={node} definition={definition} onChange={onChange} />
        </>
      )}
      {node.kind === 'parallel' && (
        <>
          <TextInput label={t('prop.lead')} testid="prop-lead" value={node.lead} onChange={(v) => set({ lead: v }, 'lead')} problems={problems('lead')} list={departments(directory)} />
          <Select label={t('prop.join')} testid="prop-join" value={node.join} options={['all', 'any', 'n-of-m', 'veto'].map((j) => ({ value: j, label: t(`join.${j}`) }))} onChange={(v) => set({ join: v, quorum: v === 'n-of-m' ? node.quorum ?? 2 : undefined }, 'join')} problems={problems('join')} />
          {node.join === 'n-of-m' && <NumberInput label={t('prop.quorum')} testid="prop-quorum" value={node.quorum} onChange={(v) => set({ quorum: v }, 'quorum')} problems={problems('quorum')} />}
          <DurationInput label={t('prop.limit')} testid="prop-limit" value={node.limit} onChange={(v) => set({ limit: v }, 'limit')} problems={problems('limit')} withRef />
          <BranchesEditor node={node} definition={definition} set={set} problems={problems} directory={directory} />
        </>
      )}
      {node.kind === 'wait' && <DurationInput label={t('prop.duration')} testid="prop-duration" value={node.duration} onChange={(v) => set({ duration: v }, 'duration')} problems={problems('duration')} />}
      {node.kind === 'service' && (
        <>
          <Select label={t('prop.action')} testid="prop-action" value={node.action} options={['render-document', 'send-notice'].map((a) => ({ value: a, label: t(`action.${a}`) }))} onChange={(v) => set({ action: v }, 'action')} problems={problems('action')} />
          <Select label={t('prop.template')} testid="prop-template" value={node.template} empty={t('prop.none')} options={templates} onChange={(v) => set({ template: v }, 'template')} problems={problems('template')} />
          <Select label={t('prop.to')} testid="prop-to" value={node.to} empty={t('prop.none')} options={['applicant', 'department'].map((a) => ({ value: a, label: t(`recipient.${a}`) }))} onChange={(v) => set({ to: v }, 'to')} problems={problems('to')} />
        </>
      )}
      {node.kind === 'end' && <Select label={t('prop.result')} testid="prop-result" value={node.result} options={endResults.map((r) => ({ value: r, label: r }))} onChange={(v) => set({ result: v }, 'result')} problems={problems('result')} />}
      <FlowsEditor node={node} definition={definition} onChange={onChange} />
    </div>
  );
}

/** The node's id, renamed everywhere it is named when the field is left (ASCII letters, digits, - and _; unique). */
function IdInput({ nodeId, definition, onChange, onRenamed }: { nodeId: string; definition: Definition; onChange: EditProps['onChange']; onRenamed?: (id: string) => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(nodeId);
  const [bad, setBad] = useState(false);
  const commit = () => {
    if (value === nodeId) return setBad(false);
    const next = renameNode(definition, nodeId, value);
    if (!next) return setBad(true);
    setBad(false);
    onChange(next);
    onRenamed?.(value);
  };
  return (
    <div className={`field${bad ? ' has-problems' : ''}`}>
      <label>{t('prop.id')}</label>
      <input data-testid="prop-id" value={value} onChange={(e) => setValue(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
      {bad && <div className="field-problems" data-testid="prop-id-problem">{t('prop.id.bad')}</div>}
    </div>
  );
}

/** For a step inside a 并联会审 branch: which branch it is in, and its place in the branch's order. */
function BranchPlace({ nodeId, definition, onChange }: { nodeId: string; definition: Definition; onChange: EditProps['onChange'] }) {
  const { t } = useI18n();
  const place = allNodes(definition).find((p) => p.node.id === nodeId);
  if (!place?.parent) return null;
  const { block, branch } = place.parent;
  const index = branch.nodes.findIndex((n) => n.id === nodeId);
  return (
    <div className="branch-place">
      <Select label={t('prop.inBranch', { block: block.name })} testid="prop-branch" value={branch.id}
        options={(block.branches ?? []).map((b) => ({ value: b.id, label: b.name }))}
        onChange={(v) => v && v !== branch.id && onChange(moveStep(definition, nodeId, { branchId: v, index: Number.MAX_SAFE_INTEGER }))} />
      <div className="row">
        <button type="button" data-testid="btn-step-up" disabled={index <= 0} onClick={() => onChange(moveStep(definition, nodeId, { branchId: branch.id, index: index - 1 }))}>↑ {t('prop.stepUp')}</button>
        <button type="button" data-testid="btn-step-down" disabled={index >= branch.nodes.length - 1} onClick={() => onChange(moveStep(definition, nodeId, { branchId: branch.id, index: index + 1 }))}>↓ {t('prop.stepDown')}</button>
      </div>
    </div>
  );
}

/** 预警阈值: a share of the step's limit ("30%") or the time left ("1 工作日"). */
function WarningInput({ node, set, problems }: { node: DslNode; set: (patch: Partial<DslNode>, field: string) => void; problems: EditProps['problems'] }) {
  const { t } = useI18n();
  const w = node.warning;
  const percent = typeof w === 'string' && w.trim().endsWith('%');
  return (
    <div className="warning">
      <Select label={t('prop.warning')} testid="prop-warning-mode" value={w === undefined ? '' : percent ? 'percent' : 'remaining'} empty={t('prop.warning.default')}
        options={[{ value: 'remaining', label: t('prop.warning.remaining') }, { value: 'percent', label: t('prop.warning.percent') }]}
        onChange={(v) => set({ warning: v === 'percent' ? '30%' : v === 'remaining' ? { value: 1, unit: '工作日' } : undefined }, 'warning')} problems={problems('warning')} />
      {percent && <TextInput label={t('prop.warning.percent')} testid="prop-warning" value={String(w)} onChange={(v) => set({ warning: v }, 'warning')} />}
      {w !== undefined && !percent && <DurationInput label={t('prop.warning.remaining')} testid="prop-warning" value={w} onChange={(v) => set({ warning: v }, 'warning')} />}
    </div>
  );
}
