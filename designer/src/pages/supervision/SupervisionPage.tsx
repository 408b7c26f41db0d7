import { Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { useI18n } from '../../i18n';
import './insight.css';
import { LightBoardPage } from './LightBoardPage';
import { NodeTimingPage } from './NodeTimingPage';

/** 监察: the light board and the node-timing chart, as sub-pages under /designer/supervision/. */
export default function SupervisionPage() {
  const { t } = useI18n();
  return (
    <div className="supervision-page">
      <nav className="supervision-tabs">
        <NavLink to="lightboard" data-testid="tab-lightboard" className={({ isActive }) => (isActive ? 'active' : undefined)}>
          {t('supervision.lightBoard')}
        </NavLink>
        <NavLink to="node-timing" data-testid="tab-node-timing" className={({ isActive }) => (isActive ? 'active' : undefined)}>
          {t('supervision.nodeTiming')}
        </NavLink>
      </nav>
      <Routes>
        <Route index element={<Navigate to="lightboard" replace />} />
        <Route path="lightboard" element={<LightBoardPage />} />
        <Route path="node-timing" element={<NodeTimingPage />} />
        <Route path="*" element={<Navigate to="lightboard" replace />} />
      </Routes>
    </div>
  );
}
