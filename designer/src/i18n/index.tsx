import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { zhCN } from './zh-CN';
import { en } from './en';
import { editorEn, editorZh } from './editor-messages';

export type Lang = 'zh-CN' | 'en';
export const languages: readonly Lang[] = ['zh-CN', 'en'];
const storageKey = 'bpm.designer.lang';

type Messages = Record<string, string>;

// Dictionaries are open: feature folders add their own keys with registerMessages (see README "Registration points"),
// so no one has to edit this file to translate their panel.
const dictionaries: Record<Lang, Messages> = { 'zh-CN': { ...zhCN, ...editorZh }, en: { ...en, ...editorEn } };

export function registerMessages(lang: Lang, messages: Messages): void {
  Object.assign(dictionaries[lang], messages);
}

/** Looks a key up in the language, then in Chinese (the default), then shows the key itself; `{name}` is filled from vars. */
export function translate(lang: Lang, key: string, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? dictionaries['zh-CN'][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18n>({ lang: 'zh-CN', setLang: () => {}, t: (k, v) => translate('zh-CN', k, v) });

function storedLang(): Lang {
  try {
    const value = localStorage.getItem(storageKey);
    return value === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // private mode: the switch still works for this page
    }
    document.documentElement.lang = next;
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (k, v) => translate(lang, k, v) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
