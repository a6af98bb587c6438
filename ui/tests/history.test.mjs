// The history page: listing, search, region filter, load more, inline edit, delete, export, clear, hostile text,
// the language switch and the `changed` refresh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, until } from './harness.mjs';

let h;
before(async () => (h = await setup()));
after(async () => h && (await h.close()));

const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"></div>&amp;';
const NOW = Date.now();
const MIN = 60_000;

const LINES = [
  ['「ねえ、今夜は星がとても綺麗だね。」', '“呐，今晚的星星真美啊。”', 'Sakura 物语'],
  ['アリス：行こう、みんなが待ってる！', '爱丽丝：走吧，大家都在等着呢！', 'Sakura 物语'],
  ['HP が 足りない', 'HP 不足', 'Ys VIII'],
  ['セーブしますか？\nはい　いいえ', '要存档吗？\n是　否', 'Ys VIII'],
  ['この先、危険。引き返せ。', '前方危险，请折返。', '区域 1'],
  ['勇者よ、よくぞ来た。', '勇者啊，你终于来了。', 'Ys VIII'],
];

/** A history line as the core sends it. */
function line(id, over = {}) {
  const [source, translation, region] = LINES[id % LINES.length];
  const time_ms = NOW - id * 7 * MIN;
  return {
    id: 1000 - id, time: new Date(time_ms).toISOString(), time_ms, region, source, translation, provider: 'deepseek',
    model: 'deepseek-chat', from: 'ja', to: 'zh-CN', edited: false, ...over,
  };
}

const REGIONS = ['Sakura 物语', 'Ys VIII', '区域 1'];

function entries(lines, over = {}) {
  return { type: 'entries', seq: 0, append: false, total: lines.length, more: false, regions: REGIONS, entries: lines, ...over };
}

async function historyPage({ lang = 'zh', lines, total, more = false, opts } = {}) {
  const p = await h.open('history.html', opts);
  await p.receive({ type: 'state', ui_lang: lang, export_dir: '/home/alice/Downloads', page_size: 6 });
  const ls = lines || [0, 1, 2, 3, 4, 5].map((i) => line(i));
  await p.receive(entries(ls, { total: total ?? ls.length, more }));
  return p;
}

const rows = (page) => page.locator('.row:not(.head)');
const rowOf = (page, id) => page.locator(`.row[data-id="${id}"]`);

test('ready, then the first page renders with time, region, source, translation and provider', async () => {
  const p = await historyPage({ total: 40, more: true });
  const { page } = p;
  assert.deepEqual((await p.sent())[0], { type: 'ready' });
  assert.equal(await rows(page).count(), 6);
  const first = rowOf(page, 1000);
  assert.equal(await first.locator('.src .text').textContent(), '「ねえ、今夜は星がとても綺麗だね。」');
  assert.equal(await first.locator('.src .text').getAttribute('lang'), 'ja');
  assert.equal(await first.locator('.dst .text').textContent(), '“呐，今晚的星星真美啊。”');
  assert.equal(await first.locator('.region').textContent(), 'Sakura 物语');
  assert.equal(await first.locator('.prov').textContent(), 'deepseek');
  assert.equal(await first.locator('.prov').getAttribute('title'), 'deepseek · deepseek-chat');
  assert.equal(await first.locator('.day').textContent(), '今天');
  assert.match(await first.locator('.clock').textContent(), /^\d\d:\d\d:\d\d$/);
  // Line breaks of the source stay.
  assert.equal(await rowOf(page, 997).locator('.src .text').textContent(), 'セーブしますか？\nはい　いいえ');
  assert.equal(await page.locator('#summary').textContent(), '共 40 条，已显示 6 条');
  assert.equal(await page.locator('#load-more').textContent(), '加载更多（还有 34 条）');
  assert.equal(await page.locator('#footer-dir').textContent(), '导出位置：/home/alice/Downloads');
  assert.equal(await page.title(), 'ocrlay 历史记录');
  const regions = await page.$$eval('#region option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(regions, ['全部区域', 'Sakura 物语', 'Ys VIII', '区域 1']);
  assert.equal(await page.locator('#empty').isVisible(), false);
  await p.shot('history.png');
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.errors, []);
  await page.close();
});

test('hostile text from OCR, providers and region names is shown literally', async () => {
  const p = await historyPage({
    lines: [line(0, { source: HOSTILE, translation: HOSTILE + ' 译', region: HOSTILE, provider: '<b>x</b>', model: '</div>' })],
  });
  const { page } = p;
  const r = rowOf(page, 1000);
  assert.equal(await r.locator('.src .text').textContent(), HOSTILE);
  assert.equal(await r.locator('.dst .text').textContent(), HOSTILE + ' 译');
  assert.equal(await r.locator('.region').textContent(), HOSTILE);
  assert.equal(await r.locator('.prov').textContent(), '<b>x</b>');
  assert.equal(await r.locator('.prov').getAttribute('title'), '<b>x</b> · </div>');
  assert.equal(await page.locator('img, script:not([src]), b').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // Hostile text in an error and an export path, too.
  await p.receive({ type: 'exported', format: 'csv', path: '/tmp/<img src=x onerror=alert(1)>.csv', count: 1 });
  assert.equal(await page.locator('#notice-path').textContent(), '/tmp/<img src=x onerror=alert(1)>.csv');
  await p.receive({ type: 'error', action: 'query', id: null, message: HOSTILE });
  assert.equal(await page.locator('#footer-msg').textContent(), '读取历史记录失败：' + HOSTILE);
  // Editing keeps it literal in the textarea and in what is sent.
  await r.locator('button.edit').click();
  assert.equal(await r.locator('textarea').inputValue(), HOSTILE + ' 译');
  await r.locator('textarea').press('End');
  await r.locator('textarea').type('!');
  await r.locator('textarea').press('Enter');
  assert.deepEqual(await p.sentOf('edit'), [{ type: 'edit', id: 1000, translation: HOSTILE + ' 译!' }]);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.errors, []);
  await page.close();
});

test('search is debounced into one query; stale answers are dropped; region filters', async () => {
  const p = await historyPage();
  const { page } = p;
  await p.clearSent();
  await page.locator('#search').pressSequentially('勇者', { delay: 30 });
  const [q] = await until(async () => {
    const qs = await p.sentOf('query');
    return qs.length ? qs : null;
  }, 2000, 'query');
  await page.waitForTimeout(400);
  const queries = await p.sentOf('query');
  assert.equal(queries.length, 1, JSON.stringify(queries));
  assert.deepEqual(q, { type: 'query', seq: 1, search: '勇者', region: null, before_id: null, limit: 6 });
  assert.equal(await page.locator('#summary').textContent(), '正在读取…');
  // An answer to an older query is ignored; the current one replaces the list.
  await p.receive(entries([line(2)], { seq: 0 }));
  assert.equal(await rows(page).count(), 6);
  await p.receive(entries([line(5)], { seq: 1 }));
  assert.equal(await rows(page).count(), 1);
  assert.equal(await page.locator('#summary').textContent(), '找到 1 条');

  // Region filter: sends the exact name.
  await p.clearSent();
  await page.selectOption('#region', { label: 'Ys VIII' });
  assert.deepEqual(await p.sentOf('query'), [{ type: 'query', seq: 2, search: '勇者', region: 'Ys VIII', before_id: null, limit: 6 }]);

  // Nothing matches: the empty state offers to clear the filter.
  await p.receive(entries([], { seq: 2, total: 0 }));
  assert.equal(await page.locator('#empty').isVisible(), true);
  assert.equal(await page.locator('#empty-title').textContent(), '没有找到匹配的记录');
  assert.equal(await page.locator('#export-csv').isDisabled(), true);
  await p.shot('history-nomatch.png');
  await p.clearSent();
  await page.locator('#empty-reset').click();
  assert.deepEqual(await p.sentOf('query'), [{ type: 'query', seq: 3, search: '', region: null, before_id: null, limit: 6 }]);
  assert.equal(await page.locator('#search').inputValue(), '');
  assert.equal(await page.locator('#region').inputValue(), '*');

  // Enter searches at once; Esc clears.
  await p.clearSent();
  await page.locator('#search').fill('HP');
  await page.locator('#search').press('Enter');
  assert.deepEqual((await p.sentOf('query')).map((m) => m.search), ['HP']);
  await page.locator('#search').press('Escape');
  assert.deepEqual((await p.sentOf('query')).map((m) => m.search), ['HP', '']);
  await page.waitForTimeout(350);
  assert.equal((await p.sentOf('query')).length, 2, 'the debounce does not send a third');
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.errors, []);
  await page.close();
});

test('load more asks for the lines before the last one and appends them', async () => {
  const p = await historyPage({ total: 9, more: true });
  const { page } = p;
  await p.clearSent();
  await page.locator('#load-more').click();
  assert.deepEqual(await p.sentOf('query'), [{ type: 'query', seq: 1, search: '', region: null, before_id: 995, limit: 6 }]);
  assert.equal(await page.locator('#load-more').textContent(), '加载中…');
  await p.receive(entries([6, 7, 8].map((i) => line(i)), { seq: 1, append: true, total: 9, more: false }));
  assert.equal(await rows(page).count(), 9);
  const ids = await page.$$eval('.row[data-id]', (rs) => rs.map((r) => Number(r.dataset.id)));
  assert.deepEqual(ids, [1000, 999, 998, 997, 996, 995, 994, 993, 992]);
  assert.equal(await page.locator('#more-row').isVisible(), false);
  assert.equal(await page.locator('#summary').textContent(), '共 9 条');
  await page.close();
});

test('inline edit: Enter saves, Esc cancels, errors keep the editor, the edit shows as edited', async () => {
  const p = await historyPage();
  const { page } = p;
  const r = rowOf(page, 999);

  // Esc cancels without sending.
  await r.locator('button.edit').click();
  const box = r.locator('textarea');
  assert.equal(await box.inputValue(), '爱丽丝：走吧，大家都在等着呢！');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'edit-box');
  await box.fill('改了又不要');
  await box.press('Escape');
  assert.equal(await r.locator('textarea').count(), 0);
  assert.equal(await r.locator('.dst .text').textContent(), '爱丽丝：走吧，大家都在等着呢！');
  assert.deepEqual(await p.sentOf('edit'), []);

  // Double-click opens it too; Enter while the IME is composing does not save; Shift+Enter is a new line.
  await r.locator('.dst .text').dblclick();
  await box.fill('爱丽丝：走吧');
  await box.evaluate((t) => t.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true })));
  assert.deepEqual(await p.sentOf('edit'), []);
  await box.press('Shift+Enter');
  await box.type('大家都在等你！');
  await p.shot('history-edit.png');
  await box.press('Enter');
  assert.deepEqual(await p.sentOf('edit'), [{ type: 'edit', id: 999, translation: '爱丽丝：走吧\n大家都在等你！' }]);
  assert.equal(await r.locator('button.save').textContent(), '保存中…');
  assert.equal(await box.evaluate((t) => t.readOnly), true);

  // The core refuses: the editor stays with the text and the reason.
  await p.receive({ type: 'error', action: 'edit', id: 999, message: { key: 'history.err_store', params: { detail: 'Could not save a corrected translation in the history database /x: disk is full. The disk is full; free some space and try again.' } } });
  assert.equal(await box.inputValue(), '爱丽丝：走吧\n大家都在等你！');
  assert.match(await r.locator('.edit-error').textContent(), /disk is full/);
  assert.match(await page.locator('#footer-msg').textContent(), /^保存译文失败：/);

  // Ctrl+Enter saves too; the answer closes the editor and marks the line edited.
  await p.clearSent();
  await box.press('Control+Enter');
  assert.equal((await p.sentOf('edit')).length, 1);
  await p.receive({ type: 'edited', entry: line(1, { translation: '爱丽丝：走吧\n大家都在等你！', edited: true }) });
  assert.equal(await r.locator('textarea').count(), 0);
  assert.equal(await r.locator('.dst .text').textContent(), '爱丽丝：走吧\n大家都在等你！');
  assert.equal(await r.locator('.badge.edited').textContent(), '已修改');
  assert.match(await page.locator('#footer-msg').textContent(), /下次遇到同一句/);

  // An empty translation is refused in the page.
  await rowOf(page, 998).locator('button.edit').click();
  await rowOf(page, 998).locator('textarea').fill('   ');
  await rowOf(page, 998).locator('textarea').press('Enter');
  assert.equal((await p.sentOf('edit')).length, 1);
  assert.match(await rowOf(page, 998).locator('.edit-error').textContent(), /不能为空/);
  // Saving the unchanged text just closes the editor.
  await rowOf(page, 998).locator('textarea').fill('HP 不足');
  await rowOf(page, 998).locator('textarea').press('Enter');
  assert.equal(await rowOf(page, 998).locator('textarea').count(), 0);
  assert.equal((await p.sentOf('edit')).length, 1);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.errors, []);
  await page.close();
});

test('delete needs a second click; the row goes and the count drops; copy goes through the core', async () => {
  const p = await historyPage();
  const { page } = p;
  const r = rowOf(page, 997);
  await r.locator('button.del').click();
  assert.deepEqual(await p.sentOf('delete'), []);
  assert.equal(await r.locator('.del-text').textContent(), '再点一次删除');
  await r.locator('button.del').click();
  assert.deepEqual(await p.sentOf('delete'), [{ type: 'delete', id: 997 }]);
  await p.receive({ type: 'deleted', id: 997 });
  assert.equal(await rowOf(page, 997).count(), 0);
  assert.equal(await rows(page).count(), 5);
  assert.equal(await page.locator('#summary').textContent(), '共 5 条');

  // An armed delete disarms by itself.
  await rowOf(page, 996).locator('button.del').click();
  await until(async () => (await rowOf(page, 996).locator('.del-text').count()) === 0, 5000, 'disarm');
  assert.deepEqual((await p.sentOf('delete')).length, 1);

  await rowOf(page, 1000).hover();
  await rowOf(page, 1000).locator('.src .copy').click();
  await rowOf(page, 1000).locator('.dst .copy').click();
  assert.deepEqual(await p.sentOf('copy'), [
    { type: 'copy', text: '「ねえ、今夜は星がとても綺麗だね。」' },
    { type: 'copy', text: '“呐，今晚的星星真美啊。”' },
  ]);
  assert.equal(await page.locator('#footer-msg').textContent(), '已复制到剪贴板');
  await page.close();
});

test('export sends the filter and shows where the file went', async () => {
  const p = await historyPage();
  const { page } = p;
  await page.locator('#search').fill('勇者');
  await page.locator('#search').press('Enter');
  await p.receive(entries([line(5)], { seq: 1 }));
  await page.locator('#export-csv').click();
  const [ex] = await p.sentOf('export');
  const offset = await page.evaluate(() => -new Date().getTimezoneOffset() || 0);
  assert.deepEqual(ex, { type: 'export', format: 'csv', search: '勇者', region: null, utc_offset_min: offset });
  assert.equal(await page.locator('#export-csv').isDisabled(), true, 'one export at a time');
  assert.equal(await page.locator('#footer-msg').textContent(), '正在导出…');
  const path = '/home/alice/Downloads/ocrlay-history-20240302-143205.csv';
  await p.receive({ type: 'exported', format: 'csv', path, count: 1 });
  assert.equal(await page.locator('#notice').isVisible(), true);
  assert.equal(await page.locator('#notice-text').textContent(), '已导出 1 条记录（CSV）到');
  assert.equal(await page.locator('#notice-path').textContent(), path);
  assert.equal(await page.locator('#export-csv').isDisabled(), false);
  await p.shot('history-exported.png');
  await page.locator('#open-folder').click();
  assert.deepEqual(await p.sentOf('open_folder'), [{ type: 'open_folder' }]);
  await page.locator('#notice-close').click();
  assert.equal(await page.locator('#notice').isVisible(), false);

  // A failed export: the reason in the footer, the buttons usable again.
  await page.locator('#export-json').click();
  assert.equal((await p.sentOf('export'))[1].format, 'json');
  await p.receive({ type: 'error', action: 'export', id: null, message: { key: 'history.err_export_file', params: { dir: '/ro', error: 'Permission denied (os error 13)' } } });
  assert.equal(await page.locator('#footer-msg').textContent(), '导出失败：无法在 /ro 中创建导出文件：Permission denied (os error 13)。请检查是否可以写入这个文件夹。');
  assert.equal(await page.locator('#export-json').isDisabled(), false);
  await page.close();
});

test('clear all asks first, then lists again and shows the empty state', async () => {
  const p = await historyPage({ total: 40, more: true });
  const { page } = p;
  await page.locator('#clear-all').click();
  assert.equal(await page.locator('#confirm-clear').isVisible(), true);
  assert.equal(await page.locator('#confirm-text').textContent(), '删除全部 40 条历史记录？');
  assert.deepEqual(await p.sentOf('clear'), []);
  await p.shot('history-clear.png');
  await page.locator('#clear-cancel').click();
  assert.equal(await page.locator('#confirm-clear').isVisible(), false);
  assert.deepEqual(await p.sentOf('clear'), []);

  await page.locator('#clear-all').click();
  await p.clearSent();
  await page.locator('#clear-confirm').click();
  assert.deepEqual(await p.sentOf('clear'), [{ type: 'clear', confirm: true }]);
  await p.receive({ type: 'cleared', count: 40 });
  assert.equal(await page.locator('#confirm-clear').isVisible(), false);
  assert.equal(await page.locator('#notice-text').textContent(), '已删除 40 条历史记录。');
  const [q] = await p.sentOf('query');
  assert.equal(q.before_id, null);
  await p.receive(entries([], { seq: q.seq, total: 0, regions: [] }));
  assert.equal(await page.locator('#empty').isVisible(), true);
  assert.equal(await page.locator('#empty-title').textContent(), '还没有历史记录');
  assert.equal(await page.locator('#empty-reset').isVisible(), false);
  assert.equal(await page.locator('#clear-all').isDisabled(), true);
  assert.equal(await page.locator('#export-csv').isDisabled(), true);
  await page.locator('#notice-close').click();
  await p.shot('history-empty.png');
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.errors, []);
  await page.close();
});

test('changed lists again, but not in the middle of an edit', async () => {
  const p = await historyPage({ total: 40, more: true });
  const { page } = p;
  await p.clearSent();
  await p.receive({ type: 'changed' });
  const [q1] = await p.sentOf('query');
  assert.deepEqual(q1, { type: 'query', seq: 1, search: '', region: null, before_id: null, limit: 6 });
  await p.receive(entries([line(0, { id: 1001, source: '新しい行', translation: '新的一行' }), ...[0, 1, 2, 3, 4].map((i) => line(i))], { seq: 1, total: 41, more: true }));
  assert.equal(await rows(page).first().locator('.src .text').textContent(), '新しい行');

  await p.clearSent();
  await rowOf(page, 1000).locator('button.edit').click();
  await p.receive({ type: 'changed' });
  assert.deepEqual(await p.sentOf('query'), []);
  // Typing a search meanwhile: the answer keeps the editor (and its draft) but not the focus.
  await rowOf(page, 1000).locator('textarea').fill('草稿');
  await page.locator('#search').fill('x');
  await page.locator('#search').press('Enter');
  const [sq] = await p.sentOf('query');
  await p.receive(entries([0, 1].map((i) => line(i)), { seq: sq.seq }));
  assert.equal(await rowOf(page, 1000).locator('textarea').inputValue(), '草稿');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  await p.clearSent();
  await rowOf(page, 1000).locator('textarea').press('Escape');
  assert.equal((await p.sentOf('query')).length, 1, 'refreshed once the edit ended');
  await page.close();
});

test('English, dark, narrow: strings follow ui_lang and the layout holds', async () => {
  const p = await historyPage({
    lang: 'en',
    total: 40,
    more: true,
    lines: [
      line(0, { edited: true, translation: '“Hey, the stars are really beautiful tonight.”' }),
      line(1, { translation: 'Alice: Let\'s go, everyone is waiting!' }),
      line(2, { translation: 'Not enough HP', region: '' }),
      line(3, { translation: 'Save the game?\nYes   No', provider: 'sakura-llama', model: 'sakura-14b-qwen2.5-v1.0-q6k' }),
    ],
    opts: { width: 720, height: 560, colorScheme: 'dark' },
  });
  const { page } = p;
  assert.equal(await page.title(), 'ocrlay history');
  assert.equal(await page.locator('#summary').textContent(), '40 lines, 4 shown');
  assert.equal(await page.locator('#search').getAttribute('placeholder'), 'Search source or translation');
  assert.equal(await page.locator('#load-more').textContent(), 'Load more (36 left)');
  assert.equal(await rowOf(page, 1000).locator('.day').textContent(), 'Today');
  assert.equal(await rowOf(page, 1000).locator('.badge.edited').textContent(), 'edited');
  assert.equal(await rowOf(page, 998).locator('.region').textContent(), '(unnamed)');
  // The rows do not overflow the window.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  await p.shot('history-dark-en.png');
  // A second state message switches the language in place.
  await p.receive({ type: 'state', ui_lang: 'zh', export_dir: '/home/alice/Downloads', page_size: 6 });
  assert.equal(await page.locator('#summary').textContent(), '共 40 条，已显示 4 条');
  assert.equal(await page.locator('#region option').first().textContent(), '全部区域');
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.errors, []);
  await page.close();
});

test("a line's recognised text can be corrected: Enter sends the correction with its region, Esc gives up", async () => {
  const p = await historyPage();
  const { page } = p;
  const r = rowOf(page, 998);
  // Esc: nothing sent, the source as it was.
  await r.locator('button.edit-src').click();
  const box = r.locator('.src textarea');
  assert.equal(await box.inputValue(), 'HP が 足りない');
  await box.fill('HP が 足りません');
  await box.press('Escape');
  assert.equal(await r.locator('textarea').count(), 0);
  assert.deepEqual(await p.sentOf('correct_source'), []);
  // Unchanged: nothing sent either.
  await r.locator('.src .text').dblclick();
  await r.locator('.src textarea').press('Enter');
  assert.deepEqual(await p.sentOf('correct_source'), []);
  // Hostile text is only text; Enter sends it with the line's region, and the translation is not touched.
  await r.locator('.src .text').dblclick();
  await r.locator('.src textarea').fill(HOSTILE);
  await r.locator('.src textarea').press('Enter');
  assert.deepEqual(await p.sentOf('correct_source'), [{ type: 'correct_source', original: 'HP が 足りない', corrected: HOSTILE, region: 'Ys VIII' }]);
  assert.deepEqual(await p.sentOf('edit'), []);
  assert.equal(await r.locator('textarea').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(p.errors, []);
  await page.close();
});

// ---------------------------------------------------------------- issue 24 (settingsux): wrapping and order

/** The words of an element's text that the layout split over two lines. */
const brokenWords = (locator) => locator.evaluate((e) => {
  const node = e.firstChild;
  const out = [];
  const re = /[A-Za-z0-9'’-]+/g;
  let m;
  while ((m = re.exec(node.textContent))) {
    const r = document.createRange();
    r.setStart(node, m.index);
    r.setEnd(node, m.index + m[0].length);
    const tops = new Set(Array.from(r.getClientRects()).filter((b) => b.width > 0).map((b) => Math.round(b.top)));
    if (tops.size > 1) out.push(m[0]);
  }
  return out;
});

test('the source column wraps Latin text between words, CJK anywhere', async () => {
  const english = 'Beware: extraordinarily dangerous creatures ahead. Press Confirmation to continue, or Cancel.';
  const p = await historyPage({
    lang: 'en',
    lines: [
      line(0, { source: english, translation: '按确认键继续，或按取消返回上一个菜单。', from: 'ja' }),
      line(1, { source: 'アリスとボブはまだ城の地下室で宝物を探しているところだ。', from: 'ja' }),
    ],
    opts: { width: 560, height: 480 },
  });
  const { page } = p;
  const src = rowOf(page, 1000).locator('.src .text');
  const lines = await src.evaluate((e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)));
  assert.ok(lines >= 3, `the sample should wrap (${lines} lines)`);
  assert.deepEqual(await brokenWords(src), []);
  // Japanese still fills its lines (no overflow, no gaps at the right).
  const jp = rowOf(page, 999).locator('.src .text');
  const fits = await jp.evaluate((e) => e.scrollWidth <= e.clientWidth);
  assert.ok(fits);
  await p.shot('history-wrap-en.png');
  assert.deepEqual(p.errors, []);
  await page.close();
});
