import { NavLink, Outlet } from 'react-router-dom';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import type { PageRegistration } from './registry';
import './shell.css';

/** The frame around every page: the left navigation (pages from the registry), the user, the language switch. */
export function Shell({ pages }: { pages: PageRegistration[] }) {
  const { t, lang, setLang } = useI18n();
  const { session, signOut, hasRole } = useSession();
  const visible = pages.filter((p) => p.navLabelKey && (!p.roles || p.roles.some(hasRole)));
  return (
    <div className="shell">
      <nav className="shell-nav" data-testid="nav">
        <div className="shell-title">{t('app.title')}</div>
        {visible.map((p) => (
          <NavLink key={p.id} to={`/${p.path.replace(/\/\*$/, '')}`} end={p.path === ''} data-testid={`nav-${p.id}`}
            className={({ isActive }) => (isActive ? 'active' : undefined)}>
            {t(p.navLabelKey!)}
          </NavLink>
        ))}
        <div className="shell-spacer" />
        {session && (
          <div className="shell-user" data-testid="current-user">
            <div>{session.user.name}</div>
            <div className="muted">{session.user.department ?? ''}</div>
            <div className="muted">{session.user.roles.map((r) => t(`roles.${r}`)).join('、')}</div>
          </div>
        )}
        <button type="button" data-testid="btn-lang" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
          {t('lang.switch')}
        </button>
        {session && (
          <button type="button" data-testid="btn-logout" onClick={signOut}>
            {t('logout')}
          </button>
        )}
      </nav>
      <main className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}
