// A generated definition of the size the benchmark asks for: a long chain of 审批 steps with a 并联会审 block
// (three branches of one step each) every so often, `nodes` nodes in all (branch steps included), no layout block,
// so the designer lays it out when it opens it.
export function generate(code, nodes = 300) {
  const blocks = Math.floor(nodes / 30);             // 10 blocks of 4 nodes each for 300
  const tasks = nodes - 2 - blocks * 4;                // the rest are top-level steps between start and end
  const every = Math.floor(tasks / (blocks + 1));
  const lines = [
    'power:',
    `  code: ${code}`,
    `  name: 基准测试事项（${nodes}个节点）`,
    '  category: 行政许可',
    '  subject: 县住房和城乡建设局',
    '  handling: 承诺件',
    '  fees: []',
    '  basis:',
    '    - {law: 中华人民共和国行政许可法, articles: 第四十二条}',
    'limits:',
    '  legal: 45 工作日',
    '  promised: 45 工作日',
    'nodes:',
    '  - {id: start, kind: start, name: 申请}',
  ];
  const flows = [];
  let previous = 'start';
  let t = 0, b = 0;
  const task = (id, name, indent) =>
    `${indent}- {id: ${id}, kind: task, name: ${name}, department: 县住房和城乡建设局, role: 审查员, limit: 1 小时, outcomes: [同意]}`;
  for (let i = 0; i < tasks; i++) {
    const id = `s${++t}`;
    lines.push(task(id, `第${t}步审查`, '  '));
    flows.push(`  - {from: ${previous}, to: ${id}}`);
    previous = id;
    if ((i + 1) % every === 0 && b < blocks) {
      const block = `p${++b}`;
      lines.push(`  - id: ${block}`, '    kind: parallel', `    name: 第${b}次并联会审`, '    lead: 县住房和城乡建设局', '    join: all', '    limit: 2 小时', '    branches:');
      for (const [k, dept] of [['a', '县住房和城乡建设局消防审查股'], ['b', '县人民防空办公室'], ['c', '县住房和城乡建设局']]) {
        lines.push(`      - id: ${block}${k}`, `        name: ${dept}`, '        nodes:');
        lines.push(`          - {id: ${block}${k}1, kind: task, name: ${dept}审查, department: ${dept}, role: 审查员, limit: 1 小时}`);
      }
      flows.push(`  - {from: ${previous}, to: ${block}, on: 同意}`);
      previous = block;
    }
  }
  lines.push('  - {id: end, kind: end, name: 办结, result: 准予}');
  flows.push(`  - {from: ${previous}, to: end${previous.startsWith('p') ? ', on: 同意' : ''}}`);
  return [...lines, 'flows:', ...flows, ''].join('\n');
}

/** Counts every node, branch steps included, as the designer draws them. */
export function countNodes(yamlText) {
  return (yamlText.match(/\bkind: /g) ?? []).length;
}
