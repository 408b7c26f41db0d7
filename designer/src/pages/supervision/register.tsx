import { lazy, Suspense } from 'react';
import { registerMessages, useI18n } from '../../i18n';
import { registerPage } from '../../shell/registry';

// The pages (and echarts inside them) load on first visit: the editor's bundle carries only this file.
const SupervisionPage = lazy(() => import('./SupervisionPage'));

function LazySupervision() {
  const { t } = useI18n();
  return (
    <Suspense fallback={<div className="placeholder">{t('loading')}</div>}>
      <SupervisionPage />
    </Suspense>
  );
}

registerMessages('zh-CN', {
  'supervision.lightBoard': '红黄绿灯',
  'supervision.nodeTiming': '环节用时',
  'supervision.power': '事项',
  'supervision.allPowers': '全部事项',
  'supervision.department': '部门',
  'supervision.allDepartments': '全部部门',
  'supervision.light': '灯',
  'supervision.light.green': '绿灯',
  'supervision.light.yellow': '黄灯',
  'supervision.light.red': '红灯',
  'supervision.light.red-card': '红牌',
  'supervision.light.suspended': '挂起',
  'supervision.filterByLight': '只看此灯的办件（再点一次回到超期办件）',
  'supervision.lateCases': '超期办件（红灯、红牌）',
  'supervision.casesAt': '{light}办件',
  'supervision.shown': '显示前 {n} 件',
  'supervision.noCases': '没有符合条件的在办件。',
  'supervision.caseNumber': '办件编号',
  'supervision.lateNode': '所在环节',
  'supervision.handler': '办理人',
  'supervision.remaining': '剩余时间',
  'supervision.left': '剩 {hours} 工作小时',
  'supervision.overdueBy': '超 {hours} 工作小时',
  'supervision.dueNow': '已到期',
  'supervision.dueAt': '到期',
  'supervision.refresh': '刷新',
  'supervision.timingNote': '柱：各环节工作时间的中位数和 P90；折线：超期率。按 P90 从长到短排列。',
  'supervision.chartFailed': '图表组件加载失败，请刷新页面。',
});
registerMessages('en', {
  'supervision.lightBoard': 'Light board',
  'supervision.nodeTiming': 'Node timing',
  'supervision.power': 'Power',
  'supervision.allPowers': 'All powers',
  'supervision.department': 'Department',
  'supervision.allDepartments': 'All departments',
  'supervision.light': 'Light',
  'supervision.light.green': 'Green',
  'supervision.light.yellow': 'Yellow',
  'supervision.light.red': 'Red',
  'supervision.light.red-card': 'Red card',
  'supervision.light.suspended': 'Suspended',
  'supervision.filterByLight': 'Only cases at this light (click again for the late cases)',
  'supervision.lateCases': 'Late cases (red, red card)',
  'supervision.casesAt': '{light} cases',
  'supervision.shown': 'first {n} shown',
  'supervision.noCases': 'No open cases match.',
  'supervision.caseNumber': 'Case number',
  'supervision.lateNode': 'At step',
  'supervision.handler': 'Handler',
  'supervision.remaining': 'Time left',
  'supervision.left': '{hours} working h left',
  'supervision.overdueBy': '{hours} working h late',
  'supervision.dueNow': 'due now',
  'supervision.dueAt': 'Due',
  'supervision.refresh': 'Refresh',
  'supervision.timingNote': 'Bars: median and p90 working time per step; line: overdue rate. Longest p90 first.',
  'supervision.chartFailed': 'The chart could not be loaded; reload the page.',
});

registerPage({
  id: 'supervision', path: 'supervision/*', navLabelKey: 'nav.supervision', order: 50,
  roles: ['supervisor', 'deployer', 'handler'], component: LazySupervision,
});
