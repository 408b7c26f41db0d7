import { useEffect, useRef, useState } from 'react';
import type { ECharts } from 'echarts/core';
import { useI18n } from '../../i18n';
import type { TimingChartOption } from './timingChart';

/** One echarts instance in a div: created when echarts has loaded, given each new option, resized with its box. */
export function EChart({ option, testId, height = 380 }: { option: TimingChartOption; testId: string; height?: number }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    import('./charts')
      .then(({ init }) => {
        if (disposed || !box.current) return;
        chart.current = init(box.current);
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(box.current);
        setReady(true);
      })
      .catch(() => setFailed(true));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (ready) chart.current?.setOption(option, { notMerge: true });
  }, [option, ready]);

  return (
    <div className="chart-box" data-testid={testId} data-ready={ready ? 'true' : 'false'}>
      {failed && <div className="insight-error">{t('supervision.chartFailed')}</div>}
      <div ref={box} style={{ width: '100%', height }} />
    </div>
  );
}
