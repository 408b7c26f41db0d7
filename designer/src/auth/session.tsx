import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type Role = 'analyst' | 'deployer' | 'handler' | 'supervisor' | 'administrator';

export interface SessionUser {
  id: string;
  name: string;
  department: string | null;
  roles: Role[];
}

export interface Session {
  token: string;
  user: SessionUser;
}

const storageKey = 'bpm.designer.session';

/** Reads the claims the server puts in its tokens (sub, name, dept, role — repeatable); the server checks the signature, we only display. */
export function sessionFromToken(token: string): Session {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const role = claims.role;
  const roles = (Array.isArray(role) ? role : role ? [role] : []) as Role[];
  return {
    token,
    user: {
      id: String(claims.sub ?? ''),
      name: String(claims.name ?? claims.sub ?? ''),
      department: typeof claims.dept === 'string' ? claims.dept : null,
      roles,
    },
  };
}

let current: Session | null = load();

function load(): Session | null {
  try {
    const raw = localStorage.getItem(storageKey);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** The bearer token for API calls, read outside React by the API client. */
export function currentToken(): string | null {
  return current?.token ?? null;
}

function store(session: Session | null) {
  current = session;
  try {
    if (session) localStorage.setItem(storageKey, JSON.stringify(session));
    else localStorage.removeItem(storageKey);
  } catch {
    // storage unavailable: the session lives until the page reloads
  }
}

interface SessionContextValue {
  session: Session | null;
  signIn: (session: Session) => void;
  signOut: () => void;
  hasRole: (role: Role) => boolean;
}

const SessionContext = createContext<SessionContextValue>({ session: null, signIn: () => {}, signOut: () => {}, hasRole: () => false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(current);
  const signIn = useCallback((s: Session) => {
    store(s);
    setSession(s);
  }, []);
  const signOut = useCallback(() => {
    store(null);
    setSession(null);
  }, []);
  useEffect(() => {
    // the API client announces a refused token (expired, or a server with a new key); no import to avoid a cycle
    window.addEventListener('bpm:unauthorized', signOut);
    return () => window.removeEventListener('bpm:unauthorized', signOut);
  }, [signOut]);
  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      signIn,
      signOut,
      // an administrator may do all (README "Signing in")
      hasRole: (role) => !!session && (session.user.roles.includes(role) || session.user.roles.includes('administrator')),
    }),
    [session, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  return useContext(SessionContext);
}
