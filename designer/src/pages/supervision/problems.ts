// What the insight panels and supervisor pages say when a call fails: in the user's language, never a crash.
import { ApiProblem } from '../../api/client';
import { registerMessages, type Translate } from '../../i18n';

registerMessages('zh-CN', {
  'insight.unavailable': '此服务器尚未提供电子监察统计接口（监察分支合并后可用）。',
  'insight.signInAgain': '登录已失效，请重新登录。',
  'insight.forbidden': '当前用户的角色无权查看这些数据。',
  'insight.definitionInvalid': '流程定义有错误，请先修正问题列表中的错误。',
  'insight.failed': '请求失败：{message}',
  'insight.noData': '无数据',
});
registerMessages('en', {
  'insight.unavailable': 'This server does not offer the supervision statistics yet (they come with the supervision branch).',
  'insight.signInAgain': 'Your sign-in has expired; sign in again.',
  'insight.forbidden': "Your role may not see these figures.",
  'insight.definitionInvalid': 'The definition has errors; fix those in the problems list first.',
  'insight.failed': 'Request failed: {message}',
  'insight.noData': 'No data',
});

/**
 * An endpoint this server does not have (yet): the supervision API is built on another branch, and until it is
 * merged its routes answer the server's generic 404 ("not-found"), unlike a missing power or case, which carry
 * their own code.
 */
export function isMissingEndpoint(e: unknown): boolean {
  return e instanceof ApiProblem && e.status === 404 && (e.code === undefined || e.code === 'not-found');
}

export function problemMessage(e: unknown, t: Translate): string {
  if (e instanceof ApiProblem) {
    if (isMissingEndpoint(e)) return t('insight.unavailable');
    if (e.status === 401) return t('insight.signInAgain');
    if (e.status === 403) return t('insight.forbidden');
    if (e.code === 'definition-invalid') return t('insight.definitionInvalid');
    return t('insight.failed', { message: `${e.detail ?? e.title}${e.code ? ` (${e.code})` : ''}` });
  }
  if (e instanceof DOMException && e.name === 'AbortError') return '';
  // fetch rejects with a TypeError when the server cannot be reached at all
  return t('insight.failed', { message: e instanceof Error ? e.message : String(e) });
}
