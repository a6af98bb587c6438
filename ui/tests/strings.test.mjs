// The one table of strings (ui/strings.js): every entry has both languages with the same placeholders, and
// every key the pages name literally (t('…'), data-i18n…="…") is in it. Keys put together at run time
// (t('lang.' + code)) are checked by their prefix here, and by i18n.js at run time: a missing key is a
// console error, which fails the browser tests. The core's keys are checked by a Rust test (src/text.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { UI_DIR } from './harness.mjs';

function table() {
  const sandbox = { window: {} };
  vm.runInNewContext(fs.readFileSync(path.join(UI_DIR, 'strings.js'), 'utf8'), sandbox);
  // Through JSON: objects of another context compare unequal to ours.
  return JSON.parse(JSON.stringify(sandbox.window.ocrlayStrings));
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every string is in Chinese and English, with the same placeholders', () => {
  const t = table();
  assert.ok(Object.keys(t).length > 300);
  // A language's string, or its plural forms ({one, other}: the count is {n}).
  const forms = (v, key) => {
    if (typeof v === 'string') return [v];
    assert.ok(v && typeof v === 'object' && typeof v.other === 'string', `${key}: a string or {one, other}`);
    assert.deepEqual(Object.keys(v).filter((k) => !['one', 'other'].includes(k)), [], key);
    assert.ok(placeholders(v.other).includes('n'), `${key}: plural forms count {n}`);
    return Object.values(v);
  };
  for (const [key, e] of Object.entries(t)) {
    assert.deepEqual(Object.keys(e).sort(), ['en', 'zh'], key);
    const zh = forms(e.zh, key);
    const en = forms(e.en, key);
    assert.ok(zh.every((s) => typeof s === 'string' && s.trim() !== ''), `${key}: no Chinese`);
    assert.ok(en.every((s) => typeof s === 'string' && s.trim() !== ''), `${key}: no English`);
    for (const s of [...zh, ...en]) assert.deepEqual(placeholders(s), placeholders(zh[0]), `${key}: the placeholders differ`);
  }
});

test('the core reads the same file: the shape src/text.rs parses', () => {
  const src = fs.readFileSync(path.join(UI_DIR, 'strings.js'), 'utf8');
  const lines = src.split('\n');
  const start = lines.findIndex((l) => l.startsWith('window.ocrlayStrings ='));
  assert.ok(start >= 0);
  assert.ok(lines.slice(0, start).every((l) => l.startsWith('//') || l.trim() === ''), 'only comments before it');
  const json = lines.slice(start).join('\n').slice('window.ocrlayStrings ='.length).trim().replace(/;$/, '');
  assert.deepEqual(JSON.parse(json), table());
});

test('every key the pages name is in the table', () => {
  const t = table();
  const keys = new Set(Object.keys(t));
  const missing = [];
  const files = fs.readdirSync(UI_DIR).filter((f) => /\.(js|html)$/.test(f) && f !== 'strings.js');
  let named = 0;
  for (const f of files) {
    const src = fs.readFileSync(path.join(UI_DIR, f), 'utf8');
    const found = [];
    // t('key'), t(cond ? 'a' : 'b'), t('prefix.' + part): the literals of t's first argument.
    for (const m of src.matchAll(/\bt\(([^,()]*(?:\([^()]*\)[^,()]*)*)[,)]/g)) {
      for (const lit of m[1].matchAll(/'([^']*)'/g)) found.push(lit[1]);
    }
    for (const m of src.matchAll(/data-i18n(?:-title|-placeholder|-aria-label)?="([^"]+)"/g)) found.push(m[1]);
    for (const k of found) {
      if (!/^[a-z][\w-]*\.[\w.-]*$/.test(k)) continue;
      named += 1;
      const ok = k.endsWith('.') ? [...keys].some((x) => x.startsWith(k)) : keys.has(k);
      if (!ok) missing.push(`${f}: ${k}`);
    }
  }
  assert.ok(named > 200, `only ${named} keys found: is the pattern still right?`);
  assert.deepEqual(missing, []);
});

// ---------------------------------------------------------------- issue 24 (settingsux): counts

/** i18n.js as the pages run it, on the real table. */
function pageI18n(lang) {
  const sandbox = { window: {}, navigator: { language: 'en' }, console };
  vm.runInNewContext(fs.readFileSync(path.join(UI_DIR, 'strings.js'), 'utf8'), sandbox);
  vm.runInNewContext(fs.readFileSync(path.join(UI_DIR, 'i18n.js'), 'utf8'), sandbox);
  const api = sandbox.window.ocrlayI18n;
  api.setLang(lang);
  return api;
}

test('counts take the plural form of the language, by the rule src/text.rs uses', () => {
  const en = pageI18n('en');
  const zh = pageI18n('zh');
  // The same sentences as src/text.rs `counts_take_the_plural_form_of_the_language`.
  assert.equal(en.t('providers.models_n', { n: 1 }), '1 model found');
  assert.equal(en.t('providers.models_n', { n: 2 }), '2 models found');
  assert.equal(en.t('providers.models_n', { n: 0 }), '0 models found');
  assert.equal(zh.t('providers.models_n', { n: 1 }), '获取到 1 个模型');
  assert.equal(en.t('history.exported', { n: '1', fmt: 'CSV' }), 'Exported 1 line (CSV) to');
  assert.equal(en.t('history.exported', { n: '1,234', fmt: 'CSV' }), 'Exported 1,234 lines (CSV) to');
  assert.equal(zh.t('history.exported', { n: '1', fmt: 'CSV' }), '已导出 1 条记录（CSV）到');
  // A sentence of the core ({key, params}) too; without a count, the `other` form.
  assert.equal(en.text({ key: 'history.cleared', params: { n: '1' } }), 'Deleted 1 line.');
  assert.equal(en.t('providers.models_n'), '{n} models found');
  assert.equal(en.plural('en', '1.5'), 'other');
  assert.equal(zh.plural('zh', 1), 'other');
});
