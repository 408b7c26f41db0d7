import { describe, expect, it } from 'vitest';
import { sessionFromToken } from './session';

function token(claims: object): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${b64('{"alg":"HS256"}')}.${b64(JSON.stringify(claims))}.sig`;
}

describe('sessionFromToken', () => {
  it('reads the Chinese name, department and repeated roles', () => {
    const s = sessionFromToken(token({ sub: 'deployer', name: '李部署', dept: '县住房和城乡建设局', role: ['deployer', 'analyst'] }));
    expect(s.user).toEqual({ id: 'deployer', name: '李部署', department: '县住房和城乡建设局', roles: ['deployer', 'analyst'] });
  });

  it('accepts a single role and no department', () => {
    const s = sessionFromToken(token({ sub: 'admin', name: '系统管理员', role: 'administrator' }));
    expect(s.user.roles).toEqual(['administrator']);
    expect(s.user.department).toBeNull();
  });
});
