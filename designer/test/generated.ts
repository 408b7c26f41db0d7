// A generated definition of n nodes (a chain of tasks with a decision and a parallel block every 25 steps), the
// size the designer must open in under a second; shared by unit tests and the benchmark.
import type { Definition, DslNode, Flow } from '../src/model/dsl';

export function generatedDefinition(n: number): Definition {
  const nodes: DslNode[] = [{ id: 'start', kind: 'start', name: '申请' }];
  const flows: Flow[] = [];
  let previous = 'start';
  let count = 1;
  for (let i = 1; count < n - 1; i++) {
    const id = `step-${i}`;
    if (i % 25 === 0 && count + 4 < n - 1) {
      nodes.push({
        id, kind: 'parallel', name: `并联会审 ${i}`, lead: '县住房和城乡建设局', join: 'all', limit: '5 工作日',
        branches: [1, 2].map((b) => ({
          id: `${id}-b${b}`, name: `部门 ${b}`,
          nodes: [{ id: `${id}-b${b}-t`, kind: 'task', name: `会审 ${i}.${b}`, department: '县住房和城乡建设局', role: '审查员', limit: '3 工作日' } as DslNode],
        })),
      });
      count += 3;
    } else {
      nodes.push({ id, kind: 'task', name: `审查 ${i}`, department: '县住房和城乡建设局', role: '审查员', limit: '1 工作日', outcomes: ['同意'] });
      count += 1;
    }
    flows.push({ from: previous, to: id });
    previous = id;
  }
  nodes.push({ id: 'end', kind: 'end', name: '办结', result: '准予' });
  flows.push({ from: previous, to: 'end' });
  return {
    power: { code: 'XK99999001', name: '生成的测试事项', category: '行政许可', subject: '县住房和城乡建设局', handling: '承诺件', basis: [], fees: [] },
    limits: { legal: '300 工作日', promised: '300 工作日' },
    nodes,
    flows,
  };
}
