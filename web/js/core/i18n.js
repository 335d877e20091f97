// The tablet's translations. Every visible string is written as t("English source") with a plain string
// literal, so `pybabel extract` (javascript extractor, keyword `t`) collects it into the same gettext catalogues
// as the server's strings; /i18n/<language>.json serves them back as {source: translation}.
//
// Placeholders use gettext's python-format, `%(name)s`, so translators see one syntax in the whole catalogue:
//   t('Hello, %(name)s', { name: user.display_name })
// A string missing from the catalogue (not yet extracted, or the catalogue could not be loaded) shows its
// English source: the tablet never shows an empty label.

export const LANGUAGES = ['zh_CN', 'en'];
export const DEFAULT_LANGUAGE = 'zh_CN';

let current = DEFAULT_LANGUAGE;
let catalogue = {};
let loading = 0;

/** The language now shown: 'zh_CN' or 'en'. */
export function language() {
  return current;
}

/** The BCP 47 tag of the language now shown, for <html lang>, Intl and Accept-Language. */
export function languageTag() {
  return current === 'zh_CN' ? 'zh-CN' : 'en';
}

/** Switch to `lang` (unknown values fall back to Chinese): load its catalogue and set <html lang>. */
export async function setLanguage(lang) {
  const wanted = LANGUAGES.includes(lang) ? lang : DEFAULT_LANGUAGE;
  const ticket = ++loading;
  let entries = {};
  try {
    // Served by the service worker's precache when offline.
    const response = await fetch(`/i18n/${wanted}.json`, { credentials: 'omit' });
    if (response.ok) {
      entries = await response.json();
    }
  } catch {
    // No network and no cache: the English sources are still readable.
  }
  if (ticket !== loading) {
    return current; // a later switch won the race
  }
  current = wanted;
  catalogue = entries && typeof entries === 'object' ? entries : {};
  document.documentElement.lang = languageTag();
  return current;
}

/** Translate an English source string, then fill `%(name)s` placeholders from `params`. */
export function t(source, params) {
  const text = catalogue[source] || source;
  if (!params) {
    return text;
  }
  return text.replace(/%\((\w+)\)s/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** A {zh_CN, en} text of server content (checklist and agreement templates, walk-around content) in the language
 *  now shown; Chinese when the other is missing. */
export function localized(texts) {
  if (!texts || typeof texts !== 'object') {
    return texts || '';
  }
  return texts[language()] || texts.zh_CN || Object.values(texts)[0] || '';
}
