import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { sessionFromToken, useSession } from '../../auth/session';
import { devToken } from '../../api/endpoints';
import users from '../../../../samples/users.json';

interface SampleUser {
  id: string;
  name: string;
  department: string | null;
  roles: string[];
}

/** Development sign-in: a sample user from samples/users.json gets a token from POST /api/dev/token. */
export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { signIn } = useSession();
  const sample = users as SampleUser[];
  const [user, setUser] = useState(sample.find((u) => u.id === 'deployer')?.id ?? sample[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signIn(sessionFromToken(await devToken(user)));
    } catch (err) {
      setError(t('login.failed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={submit} data-testid="login">
      <h2>{t('app.title')}</h2>
      <div>{t('login.title')}</div>
      <label>
        {t('login.user')}{' '}
        <select data-testid="login-user" value={user} onChange={(e) => setUser(e.target.value)}>
          {sample.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}（{u.department ?? '—'}，{u.roles.map((r) => t(`roles.${r}`)).join('、')}）
            </option>
          ))}
        </select>
      </label>
      <button className="primary" type="submit" data-testid="btn-login" disabled={busy || !user}>
        {t('login.submit')}
      </button>
      {error && <div className="error" data-testid="login-error">{error}</div>}
      <button type="button" data-testid="btn-lang" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
        {t('lang.switch')}
      </button>
    </form>
  );
}
