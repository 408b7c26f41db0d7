import { memo, useMemo, useState } from 'react';
import type { Definition } from '../../model/dsl';
import { toTree, type LaneItem, type NodeItem, type SplitItem, type TreeItem } from '../../model/tree';
import { canInsertAfter, insertAfter, insertAtBranchStart, insertInLane, removeStep, type InsertKind } from '../../model/ops';
import { flowLabel } from '../../model/graph';
import type { Diagnostic } from '../../api/contracts';
import type { NodeDecoration } from '../../shell/registry';
import { useI18n } from '../../i18n';
import { nodeSubtitle } from '../canvas/describe';
import './simple.css';

interface Props {
  definition: Definition;
  onChange: (next: Definition) => void;
  onSelect: (nodeId: string | null) => void;
  selectedNodeId: string | null;
  diagnostics: Map<string, Diagnostic[]>;
  decorations: Map<string, NodeDecoration>;
}

interface Ctx extends Props {
  t: (key: string, vars?: Record<string, string | number>) => string;
  openMenu: string | null;
  setOpenMenu: (id: string | null) => void;
}

/** "+" with a small menu: 审批 step, 条件分支, 并联会审 (inside a 并联会审 branch only steps and blocks). */
function Inserter({ id, ctx, onPick, allowCondition = true }: { id: string; ctx: Ctx; onPick: (kind: InsertKind) => void; allowCondition?: boolean }) {
  const open = ctx.openMenu === id;
  const pick = (kind: InsertKind) => {
    ctx.setOpenMenu(null);
    onPick(kind);
  };
  return (
    <div className="inserter">
      <button type="button" className="plus" data-testid={id} aria-label={ctx.t('simple.insert')} onClick={() => ctx.setOpenMenu(open ? null : id)}>+</button>
      {open && (
        <div className="insert-menu" data-testid="insert-menu">
          <button type="button" data-testid="insert-step" onClick={() => pick('task')}>{ctx.t('simple.step')}</button>
          {allowCondition && <button type="button" data-testid="insert-condition" onClick={() => pick('decision')}>{ctx.t('simple.condition')}</button>}
          <button type="button" data-testid="insert-parallel" onClick={() => pick('parallel')}>{ctx.t('simple.parallel')}</button>
        </div>
      )}
    </div>
  );
}

function StepCard({ item, ctx }: { item: NodeItem; ctx: Ctx }) {
  const { node } = item;
  const problems = ctx.diagnostics.get(node.id);
  const deco = ctx.decorations.get(node.id);
  const selected = ctx.selectedNodeId === node.id;
  const names = new Map(ctx.definition.nodes.map((n) => [n.id, n.name]));
  return (
    <div className={`simple-step kind-${node.kind}${selected ? ' selected' : ''}${problems?.length ? ' has-problems' : ''}${deco?.className ? ` ${deco.className}` : ''}`}
      style={deco?.style} title={deco?.title} data-testid={`step-${node.id}`}
      onClick={(e) => { e.stopPropagation(); ctx.onSelect(node.id); }}>
      <div className="node-kind">{ctx.t(`kind.${node.kind}`)}</div>
      <div className="node-name">{node.name || node.id}</div>
      <div className="node-sub">{nodeSubtitle(node)}</div>
      {item.loops.map((l, i) => (
        <div key={i} className="loop">↩ {flowLabel(l.flow) ?? ''} → {names.get(l.flow.to) ?? l.flow.to}</div>
      ))}
      {problems?.length ? <div className="node-problems" data-testid={`step-problems-${node.id}`}>{problems.map((p) => p.code).join(' ')}</div> : null}
      {deco?.badge && <div className="node-badge">{deco.badge}</div>}
      {node.kind !== 'start' && (
        <button type="button" className="delete" data-testid={`btn-delete-${node.id}`} title={ctx.t('simple.delete')}
          onClick={(e) => { e.stopPropagation(); ctx.onChange(removeStep(ctx.definition, node.id)); ctx.onSelect(null); }}>×</button>
      )}
      {item.lanes && <Lanes item={item} ctx={ctx} />}
    </div>
  );
}

function Lanes({ item, ctx }: { item: NodeItem; ctx: Ctx }) {
  return (
    <div className="simple-lanes" onClick={(e) => e.stopPropagation()}>
      {item.lanes!.map((lane: LaneItem) => (
        <div className="simple-lane" key={lane.branch.id} data-testid={`simple-lane-${lane.blockId}-${lane.branch.id}`}>
          <div className="lane-head">{lane.branch.name}</div>
          <Inserter id={`insert-lane-${lane.blockId}-${lane.branch.id}-0`} ctx={ctx} allowCondition={false}
            onPick={(kind) => ctx.onChange(insertInLane(ctx.definition, lane.blockId, lane.branch.id, 0, kind as 'task' | 'parallel'))} />
          {lane.items.map((child, k) => (
            <div key={child.node.id} className="simple-seq-item">
              <StepCard item={child} ctx={ctx} />
              <Inserter id={`insert-lane-${lane.blockId}-${lane.branch.id}-${k + 1}`} ctx={ctx} allowCondition={false}
                onPick={(kind) => ctx.onChange(insertInLane(ctx.definition, lane.blockId, lane.branch.id, k + 1, kind as 'task' | 'parallel'))} />
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

function Split({ item, ctx }: { item: SplitItem; ctx: Ctx }) {
  return (
    <div className="simple-split" data-testid={`split-${item.from}`}>
      {item.branches.map((b, k) => (
        <div className="simple-branch" key={k}>
          <div className="branch-head">{b.flows.map((f) => flowLabel(f.flow) ?? ctx.t('simple.always')).join(' / ')}</div>
          <Inserter id={`insert-branch-${item.from}-${k}`} ctx={ctx}
            onPick={(kind) => ctx.onChange(insertAtBranchStart(ctx.definition, b.flows.map((f) => f.index!), kind))} />
          <Sequence items={b.items} ctx={ctx} />
          <div className="branch-foot">{b.rejoins ? ctx.t('simple.rejoins') : ''}</div>
        </div>
      ))}
    </div>
  );
}

function Sequence({ items, ctx }: { items: TreeItem[]; ctx: Ctx }) {
  return (
    <div className="simple-seq">
      {items.map((item, k) => {
        if (item.type === 'split') return <Split key={`split-${item.from}`} item={item} ctx={ctx} />;
        const next = items[k + 1];
        const canInsert = next?.type !== 'split' && canInsertAfter(ctx.definition, item.node.id);
        return (
          <div key={item.node.id} className="simple-seq-item">
            <StepCard item={item} ctx={ctx} />
            {canInsert && <Inserter id={`insert-after-${item.node.id}`} ctx={ctx} onPick={(kind) => ctx.onChange(insertAfter(ctx.definition, item.node.id, kind))} />}
          </div>
        );
      })}
    </div>
  );
}

/** The 简易 view: the process as a vertical approval tree, or the reasons it is not one. */
export const SimpleView = memo(function SimpleView(props: Props) {
  const { t } = useI18n();
  const [openMenu, setOpenMenu] = useState<string | null>(null);
  const result = useMemo(() => toTree(props.definition), [props.definition]);
  const names = new Map(props.definition.nodes.map((n) => [n.id, n.name]));
  if (!result.ok) {
    return (
      <div className="simple" data-testid="simple-view">
        <div className="not-tree" data-testid="simple-not-tree">
          <strong>{t('simple.notTree')}</strong>
          <ul>
            {result.reasons.map((r, i) => (
              <li key={i}>
                {r.nodeId ? <button type="button" className="link" onClick={() => props.onSelect(r.nodeId!)}>{t(r.key, { ...r.vars, name: r.vars.name ?? names.get(r.nodeId) ?? r.nodeId })}</button> : t(r.key, r.vars)}
              </li>
            ))}
          </ul>
          <div className="muted">{t('simple.useCanvas')}</div>
        </div>
      </div>
    );
  }
  const ctx: Ctx = { ...props, t, openMenu, setOpenMenu };
  return (
    <div className="simple" data-testid="simple-view" onClick={() => props.onSelect(null)}>
      <Sequence items={result.tree.items} ctx={ctx} />
    </div>
  );
});
