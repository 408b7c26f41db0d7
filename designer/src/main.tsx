import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './shell/plugins';
import { I18nProvider } from './i18n';
import { SessionProvider } from './auth/session';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
