import { describe, expect, it } from 'vitest';
import { registerMessages, translate } from './index';

describe('translate', () => {
  it('uses Chinese by default and English when switched', () => {
    expect(translate('zh-CN', 'nav.designer')).toBe('设计器');
    expect(translate('en', 'nav.designer')).toBe('Designer');
  });

  it('falls back to Chinese, then to the key, and fills variables', () => {
    registerMessages('zh-CN', { 'test.only-chinese': '仅中文 {n} 项' });
    expect(translate('en', 'test.only-chinese', { n: 3 })).toBe('仅中文 3 项');
    expect(translate('en', 'test.missing')).toBe('test.missing');
  });
});
