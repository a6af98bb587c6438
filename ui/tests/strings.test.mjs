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
  for (const [key, e] of Object.entries(t)) {
    assert.deepEqual(Object.keys(e).sort(), ['en', 'zh'], key);
    assert.ok(typeof e.zh === 'string' && e.zh.trim() !== '', `${key}: no Chinese`);
    assert.ok(typeof e.en === 'string' && e.en.trim() !== '', `${key}: no English`);
    assert.deepEqual(placeholders(e.zh), placeholders(e.en), `${key}: the placeholders differ`);
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
