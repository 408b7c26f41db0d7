import { registerMessages } from '../../i18n';
import { registerPanel } from '../../shell/registry';
import { SimulationPanel } from './SimulationPanel';

registerMessages('zh-CN', {
  'simulation.title': '时限模拟',
  'simulation.acceptedOn': '受理日期',
  'simulation.path': '办理路径（分支处走哪条）',
  'simulation.choiceDefault': '默认（准予/默认流向）',
  'simulation.run': '模拟时限',
  'simulation.clear': '清除',
  'simulation.stale': '文档在模拟后已修改，请重新模拟。',
  'simulation.promisedDue': '承诺办结日',
  'simulation.legalDue': '法定办结日',
  'simulation.pathEnd': '本路径办结',
  'simulation.exceedsPromised': '此路径各环节时限之和超过承诺时限',
  'simulation.exceedsLegal': '此路径各环节时限之和超过法定时限',
  'simulation.node': '环节',
  'simulation.limit': '时限',
  'simulation.starts': '开始',
  'simulation.due': '到期',
  'simulation.pastPromised': '晚于承诺办结日',
  'simulation.pastLegal': '晚于法定办结日',
  'simulation.assumption': '按服务器工作日历计算，假设每个环节用满其时限；节假日受理的从下一个工作日起算。',
});
registerMessages('en', {
  'simulation.title': 'Deadlines',
  'simulation.acceptedOn': 'Accepted on',
  'simulation.path': 'Path (which way at each fork)',
  'simulation.choiceDefault': 'Default (approve / default flow)',
  'simulation.run': 'Simulate',
  'simulation.clear': 'Clear',
  'simulation.stale': 'The document changed after this simulation; simulate again.',
  'simulation.promisedDue': 'Promised due',
  'simulation.legalDue': 'Legal due',
  'simulation.pathEnd': 'This path ends',
  'simulation.exceedsPromised': 'The node limits on this path exceed the promised limit',
  'simulation.exceedsLegal': 'The node limits on this path exceed the legal limit',
  'simulation.node': 'Step',
  'simulation.limit': 'Limit',
  'simulation.starts': 'Starts',
  'simulation.due': 'Due',
  'simulation.pastPromised': 'after the promised due date',
  'simulation.pastLegal': 'after the legal due date',
  'simulation.assumption': "On the server's working-day calendar, each step using its whole limit; a case accepted on a holiday starts on the next working day.",
});

registerPanel({ id: 'simulation', titleKey: 'simulation.title', order: 20, component: SimulationPanel });
