// The pages' language: `t(key, vars)` looks a string up in the one table (strings.js, shared with the core),
// `text(msg)` renders a sentence the core sent as {key, params}. `apply(root)` fills elements marked with
// data-i18n (text), data-i18n-title, data-i18n-placeholder and data-i18n-aria-label. Strings are set with
// textContent. Counts: a string may have plural forms ({"one": …, "other": …}), picked by the value of {n}
// with the one rule of src/text.rs (`plural`).
'use strict';

(function () {
  // The one table of strings (strings.js, loaded first): {key: {zh, en}}. The core words its messages with the
  // same keys (src/text.rs) and sends them as {key, params}: `text()` renders those.
  const STRINGS = window.ocrlayStrings || {};
  const reported = new Set();

  const api = {
    lang: 'zh',
    strings: STRINGS,

    /** The language of the system, before the core says anything. */
    detect() {
      const l = (navigator.language || 'en').toLowerCase();
      return l.startsWith('zh') ? 'zh' : 'en';
    },

    setLang(lang) {
      api.lang = lang === 'en' ? 'en' : 'zh';
    },

    /** The plural category of the count `n` in `lang` (src/text.rs `plural_category`): `one` for exactly 1 in
     * English, else `other`; Chinese has no plural forms. */
    plural(lang, n) {
      return lang !== 'zh' && String(n).trim() === '1' ? 'one' : 'other';
    },

    /** A string with {name} placeholders filled from vars (a var may be a sentence of the core: {key, params}).
     * A key missing from the table comes back as the key, and is reported once on the console. */
    t(key, vars) {
      const e = STRINGS[key];
      const n = vars && vars.n !== undefined && vars.n !== null && typeof vars.n !== 'object' ? vars.n : null;
      const form = (v, lang) => {
        if (typeof v === 'string') return v;
        if (!v || typeof v !== 'object') return null;
        const f = n === null ? v.other : v[api.plural(lang, n)] ?? v.other;
        return typeof f === 'string' ? f : null;
      };
      const s = e ? form(e[api.lang], api.lang) ?? form(e.en, 'en') : null;
      if (s === null) {
        if (!reported.has(key)) console.error('ocrlay: no string "' + key + '" in strings.js');
        reported.add(key);
        return key;
      }
      if (!vars) return s;
      return s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined && vars[k] !== null ? api.text(vars[k]) : m));
    },

    /** A sentence of the core ({key, params}, see src/text.rs) in the UI language; a plain string as it is. */
    text(v) {
      if (v && typeof v === 'object' && typeof v.key === 'string') return api.t(v.key, v.params && typeof v.params === 'object' ? v.params : {});
      return v === undefined || v === null ? '' : String(v);
    },

    apply(root) {
      const r = root || document;
      r.querySelectorAll('[data-i18n]').forEach((e) => (e.textContent = api.t(e.dataset.i18n)));
      r.querySelectorAll('[data-i18n-title]').forEach((e) => (e.title = api.t(e.dataset.i18nTitle)));
      r.querySelectorAll('[data-i18n-placeholder]').forEach((e) => (e.placeholder = api.t(e.dataset.i18nPlaceholder)));
      r.querySelectorAll('[data-i18n-aria-label]').forEach((e) => e.setAttribute('aria-label', api.t(e.dataset.i18nAriaLabel)));
    },
  };

  window.ocrlayI18n = api;
})();
