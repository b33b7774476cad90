import i18next from 'i18next';
import en from './en.json';
import zh from './zh.json';

export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
const STORAGE_KEY = 'playground.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // storage may be blocked (private mode, sandboxed embed)
  }
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  initAsync: false,
});

class Locale {
  lang = $state<Lang>(initialLang());

  set(lang: Lang): void {
    this.lang = lang;
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // not remembered, still switched
    }
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }

  toggle(): void {
    this.set(this.lang === 'en' ? 'zh' : 'en');
  }
}

export const locale = new Locale();

/** Translates a key in the current language; reading it makes a component follow language switches. */
export function t(key: string, vars?: Record<string, string | number>): string {
  return i18n.t(key, { lng: locale.lang, ...vars });
}
