import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { useSession } from './auth/session';
import { useI18n } from './i18n';
import { LoginPage } from './pages/login/LoginPage';
import { Shell } from './shell/Shell';
import { registeredPages, registerPage } from './shell/registry';
import { DesignerPage } from './pages/designer/DesignerPage';

registerPage({ id: 'designer', path: '', navLabelKey: 'nav.designer', order: 0, component: DesignerPage });

function SupervisionPlaceholder() {
  const { t } = useI18n();
  return <div className="placeholder">{t('nav.supervision')}</div>;
}

export function App() {
  const { session } = useSession();
  const { t } = useI18n();
  if (!session) return <LoginPage />;
  const pages = registeredPages();
  // 监察 is always in the navigation; the supervision pages register themselves (src/pages/supervision/register.ts).
  if (!pages.some((p) => p.path.startsWith('supervision')))
    pages.push({ id: 'supervision', path: 'supervision', navLabelKey: 'nav.supervision', order: 50, component: SupervisionPlaceholder });
  return (
    <BrowserRouter basename="/designer">
      <Routes>
        <Route element={<Shell pages={pages} />}>
          {pages.map((p) => {
            const Page = p.component;
            return p.path === '' ? <Route key={p.id} index element={<Page />} /> : <Route key={p.id} path={p.path} element={<Page />} />;
          })}
          <Route path="*" element={<div className="placeholder">{t('page.notFound')}</div>} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
