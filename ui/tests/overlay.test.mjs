// The overlay page: jobs, streaming deltas, hostile text, errors, old jobs, controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, until, gameScene } from './harness.mjs';

let h;
before(async () => (h = await setup()));
after(async () => h && (await h.close()));

const APPEARANCE = {
  font_family: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif', font_size: 20, text_color: '#ffffff',
  outline_color: '#000000', outline_width: 2, background_color: '#101014', background_opacity: 0.6, width: 560,
  show_original: true, locked: false,
};

/** Does what the core does with content_size: the window (here the viewport) takes the size asked for. */
async function followContentSize(o) {
  const want = (await o.sentOf('content_size')).at(-1);
  const vp = o.page.viewportSize();
  if (want && (want.width !== vp.width || want.height !== vp.height)) {
    await o.page.setViewportSize({ width: want.width, height: Math.max(40, want.height) });
  }
}

async function overlay() {
  const o = await h.open('overlay.html', { width: 600, height: 300 });
  await o.receive({ type: 'appearance', appearance: APPEARANCE, ui_lang: 'zh' });
  return o;
}

test('a job streams its deltas into the block and reports the first paint once', async () => {
  const o = await overlay();
  await o.receive({ type: 'job', job: 7, source: '原文\n二行目', providers: [{ id: 'deepseek', name: 'DeepSeek' }] });
  const text = o.page.locator('.block[data-provider="deepseek"] .text');
  assert.equal(await text.textContent(), '');
  await o.receive({ type: 'delta', job: 7, provider: 'deepseek', text: '你' });
  await o.receive({ type: 'delta', job: 7, provider: 'deepseek', text: '你好，' });
  await o.receive({ type: 'delta', job: 7, provider: 'deepseek', text: '你好，世界' });
  assert.equal(await text.textContent(), '你好，世界');
  await o.receive({ type: 'done', job: 7, provider: 'deepseek', text: '你好，世界。', ms: 412 });
  assert.equal(await text.textContent(), '你好，世界。');
  assert.equal(await o.page.locator('#source-text').textContent(), '原文\n二行目');
  assert.equal(await o.page.locator('#source').isVisible(), true);
  // One provider: no label row.
  assert.equal(await o.page.locator('.block-head').isVisible(), false);
  const painted = await until(async () => {
    const p = await o.sentOf('painted');
    if (p.length) return p;
    await followContentSize(o);
    return null;
  }, 2000, 'painted');
  assert.deepEqual(painted, [{ type: 'painted', job: 7 }]);
  const size = await until(async () => (await o.sentOf('content_size')).at(-1), 2000, 'content_size');
  assert.equal(size.width, 560);
  assert.ok(size.height > 60 && size.height < 300, JSON.stringify(size));
  await o.receive({ type: 'status', text: 'OCR 120 ms · 翻译 412 ms', busy: false });
  assert.equal(await o.page.locator('#status-text').textContent(), 'OCR 120 ms · 翻译 412 ms');
  assert.deepEqual(await o.cspViolations(), []);
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

test('hostile text is shown literally and nothing runs', async () => {
  const o = await overlay();
  const evil = '<script>alert(1)</script><img src=x onerror=alert(1)></div>';
  await o.receive({ type: 'job', job: 1, source: evil, providers: [{ id: 'x', name: '<b>X</b>' }, { id: 'y', name: 'Y' }] });
  await o.receive({ type: 'delta', job: 1, provider: 'x', text: evil });
  await o.receive({ type: 'error', job: 1, provider: 'y', message: evil, partial: evil });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await o.page.locator('.block[data-provider="x"] .text').textContent(), evil);
  assert.equal(await o.page.locator('.block[data-provider="y"] .text').textContent(), evil);
  assert.equal(await o.page.locator('.block[data-provider="y"] .err').textContent(), evil);
  assert.equal(await o.page.locator('#source-text').textContent(), evil);
  assert.equal(await o.page.locator('.block[data-provider="x"] .label').textContent(), '<b>X</b>');
  const counts = await o.page.evaluate(() => ({
    scripts: document.querySelectorAll('body script').length,
    imgs: document.querySelectorAll('img').length,
    bold: document.querySelectorAll('b').length,
  }));
  assert.deepEqual(counts, { scripts: 0, imgs: 0, bold: 0 });
  assert.deepEqual(o.dialogs, []);
  await o.page.close();
});

test('deltas of an old job are ignored; errors keep the partial text', async () => {
  const o = await overlay();
  await o.receive({ type: 'job', job: 1, source: 'a', providers: [{ id: 'deepseek', name: 'DeepSeek' }, { id: 'kimi', name: 'Kimi' }] });
  await o.receive({ type: 'delta', job: 1, provider: 'deepseek', text: '旧的' });
  await o.receive({ type: 'job', job: 2, source: 'b', providers: [{ id: 'deepseek', name: 'DeepSeek' }, { id: 'kimi', name: 'Kimi' }] });
  await o.receive({ type: 'delta', job: 2, provider: 'deepseek', text: '新的' });
  await o.receive({ type: 'delta', job: 1, provider: 'deepseek', text: '旧的更多' });
  await o.receive({ type: 'done', job: 1, provider: 'kimi', text: '旧的完成', ms: 9 });
  assert.equal(await o.page.locator('.block[data-provider="deepseek"] .text').textContent(), '新的');
  assert.equal(await o.page.locator('.block[data-provider="kimi"] .text').textContent(), '');
  assert.equal(await o.page.locator('.block').count(), 2);
  // Two providers: labelled.
  assert.equal(await o.page.locator('.block[data-provider="kimi"] .label').textContent(), 'Kimi');
  assert.equal(await o.page.locator('.block[data-provider="kimi"] .label').isVisible(), true);
  await o.receive({ type: 'delta', job: 2, provider: 'kimi', text: '一半' });
  await o.receive({ type: 'error', job: 2, provider: 'kimi', message: 'Kimi：API 密钥被拒绝（401）', partial: '一半的译文' });
  const kimi = o.page.locator('.block[data-provider="kimi"]');
  assert.equal(await kimi.locator('.text').textContent(), '一半的译文');
  assert.equal(await kimi.locator('.err').textContent(), 'Kimi：API 密钥被拒绝（401）');
  assert.equal(await kimi.locator('.err').isVisible(), true);
  const colors = await o.page.evaluate(() => [
    getComputedStyle(document.querySelector('.block[data-provider="kimi"] .err')).color,
    getComputedStyle(document.querySelector('.block[data-provider="kimi"] .text')).color,
  ]);
  assert.notEqual(colors[0], colors[1]);
  await o.page.close();
});

test('controls: lock, copy, drag, hide, settings, retranslate, resize', async () => {
  const o = await overlay();
  await o.receive({ type: 'job', job: 3, source: '原文', providers: [{ id: 'deepseek', name: 'DeepSeek' }] });
  await o.receive({ type: 'done', job: 3, provider: 'deepseek', text: '译文', ms: 100 });
  await o.clearSent();
  await o.page.hover('.block');
  await o.page.click('.block .copy');
  await o.page.click('#btn-settings');
  await o.page.click('#btn-retranslate');
  await o.page.click('#btn-hide');
  await o.page.mouse.move(300, 60);
  await o.page.mouse.down();
  await o.page.mouse.up();
  // Resize grip: drag it 100 px right and 40 px down.
  await o.page.hover('.frame');
  const g = await o.page.locator('#resize').boundingBox();
  const w0 = (await o.page.locator('#frame').boundingBox()).width;
  await o.page.mouse.move(g.x + 5, g.y + 5);
  await o.page.mouse.down();
  await o.page.mouse.move(g.x - 95, g.y + 45, { steps: 5 });
  await o.page.mouse.up();
  const resize = await until(async () => (await o.sentOf('resize')).at(-1), 2000, 'resize');
  assert.equal(resize.width, Math.round(w0 - 100));
  assert.ok(resize.height > 40);
  await o.page.click('#btn-lock');
  const sent = (await o.sent()).filter((m) => !['content_size', 'resize', 'painted'].includes(m.type));
  assert.deepEqual(sent, [
    { type: 'copy', text: '译文' },
    { type: 'open_settings' },
    { type: 'retranslate' },
    { type: 'hide' },
    { type: 'drag' },
    { type: 'lock', locked: true },
  ]);
  // Locked: the controls are gone.
  assert.equal(await o.page.locator('#tools').isVisible(), false);
  await o.receive({ type: 'locked', locked: false });
  await o.page.hover('.frame');
  assert.equal(await o.page.locator('#tools').isVisible(), true);
  await o.page.close();
});

test('appearance is applied and screenshots look right', async () => {
  const o = await h.open('overlay.html', { width: 720, height: 440 });
  const bg = await gameScene(o.page, { width: 720, height: 440 });
  // Stand-in for the compositor: the game under the transparent window.
  await o.page.evaluate((u) => {
    document.documentElement.style.background = `url(${u}) 0 0 / cover`;
  }, bg);
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, width: 600, font_size: 22, outline_width: 2 }, ui_lang: 'zh' });
  await o.receive({ type: 'job', job: 9, source: '「ねえ、今夜は星がとても綺麗だね。」\n「……うん。」', providers: [{ id: 'deepseek', name: 'DeepSeek' }, { id: 'sakura-llama', name: 'Sakura（llama 启动器）' }] });
  await o.receive({ type: 'done', job: 9, provider: 'deepseek', text: '「嘿，今晚的星星好美啊。」\n「……嗯。」', ms: 812 });
  await o.receive({ type: 'delta', job: 9, provider: 'sakura-llama', text: '「呐，今晚的星星真漂' });
  await o.receive({ type: 'status', text: 'OCR 132 ms · 翻译中…', busy: true });
  const size = await o.page.evaluate(() => getComputedStyle(document.querySelector('.text')).fontSize);
  assert.equal(size, '22px');
  const shadow = await o.page.evaluate(() => getComputedStyle(document.querySelector('.text')).textShadow);
  assert.match(shadow, /rgb\(0, 0, 0\)/);
  await o.page.mouse.move(5, 5);
  await o.shot('overlay.png');
  await o.page.hover('.block[data-provider="deepseek"]');
  await o.shot('overlay-hover.png');
  await o.receive({ type: 'error', job: 9, provider: 'sakura-llama', message: 'Sakura（llama 启动器）：连不上 http://127.0.0.1:8080 —— 请先启动 llama-server。', partial: '「呐，今晚的星星真漂' });
  await o.receive({ type: 'status', text: 'OCR 132 ms · 1 个翻译源失败', busy: false });
  await o.page.mouse.move(5, 430);
  await o.shot('overlay-error.png');
  assert.deepEqual(await o.cspViolations(), []);
  // The usual look: one provider, no source text, a yellow subtitle style with a thicker outline.
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, show_original: false, text_color: '#ffe066', outline_width: 3, background_opacity: 0.25, width: 640 }, ui_lang: 'en' });
  await o.receive({ type: 'job', job: 10, source: 'x', providers: [{ id: 'deepseek', name: 'DeepSeek' }] });
  await o.receive({ type: 'delta', job: 10, provider: 'deepseek', text: '"Hey… the stars are so beautiful tonight."' });
  await o.receive({ type: 'status', text: 'OCR 118 ms · DeepSeek 640 ms', busy: false });
  await o.page.mouse.move(5, 430);
  await o.shot('overlay-subtitle.png');
  await o.page.close();
});

test('the auto button asks to toggle auto mode and shows the state the core reports', async () => {
  const o = await overlay();
  await o.page.hover('#bar');
  await o.page.click('#btn-auto');
  await until(async () => (await o.sentOf('toggle_auto')).length === 1, 2000, 'toggle_auto');
  const pressed = () => o.page.locator('#btn-auto').getAttribute('aria-pressed');
  assert.equal(await pressed(), 'false', 'the page waits for the core, it does not guess');
  await o.receive({ type: 'auto', on: true });
  assert.equal(await pressed(), 'true');
  assert.equal(await o.page.locator('#btn-auto').getAttribute('title'), '停止自动翻译');
  await o.receive({ type: 'auto', on: false });
  assert.equal(await pressed(), 'false');
  await o.close?.();
});

test('"over" mode: the panel fills the window and hides the text under it', async () => {
  const o = await h.open('overlay.html', { width: 1000, height: 120 });
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, mode: 'over', background_opacity: 0.3 }, ui_lang: 'zh' });
  await o.receive({ type: 'job', job: 3, source: '「駅の前で待っているよ。」', providers: [{ id: 'deepseek', name: 'DeepSeek' }] });
  await o.receive({ type: 'done', job: 3, provider: 'deepseek', text: '我在车站前等你。', ms: 80 });
  const box = await o.page.evaluate(() => {
    const r = document.querySelector('.frame').getBoundingClientRect();
    return { w: Math.round(r.width), h: Math.round(r.height), bg: getComputedStyle(document.querySelector('.frame')).backgroundColor };
  });
  assert.equal(box.w, 1000, 'the region\'s whole width');
  assert.ok(box.h >= 120, `at least the region's height (${box.h})`);
  // A low opacity setting is raised so that the original line does not show through.
  const alpha = Number(/rgba\([^)]*,\s*([\d.]+)\)/.exec(box.bg)?.[1] ?? 1);
  assert.ok(alpha >= 0.94, box.bg);
  // Back to "beside": the configured width and opacity.
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, mode: 'beside', background_opacity: 0.3 }, ui_lang: 'zh' });
  const w = await o.page.evaluate(() => Math.round(document.querySelector('.frame').getBoundingClientRect().width));
  assert.equal(w, 560);
  assert.deepEqual(await o.cspViolations(), []);
  await o.page.close();
});

test('the first paint is reported once the window holds the text, not before', async () => {
  // A window still at its status-bar height: the text is drawn below its edge.
  const o = await h.open('overlay.html', { width: 600, height: 40 });
  await o.receive({ type: 'appearance', appearance: APPEARANCE, ui_lang: 'en' });
  await o.receive({ type: 'job', job: 3, source: 'a', providers: [{ id: 'p', name: 'P' }] });
  await o.receive({ type: 'delta', job: 3, provider: 'p', text: '第一行\n第二行\n第三行' });
  const size = await until(async () => {
    const s = (await o.sentOf('content_size')).at(-1);
    return s && s.height > 100 ? s : null;
  }, 2000, 'content_size with the text');
  // The check runs in the same frames as the size report: had it found the text visible, it would have said so.
  await o.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual(await o.sentOf('painted'), []);
  // The core grows the window to each size asked for (as the app does): then the text is on screen.
  const painted = await until(async () => {
    const p = await o.sentOf('painted');
    if (p.length) return p;
    await followContentSize(o);
    return null;
  }, 1500, 'painted after the resize');
  assert.deepEqual(painted, [{ type: 'painted', job: 3 }]);
  // A shorter text in the tall window: the window shrinks first (and is drawn again after), then the report.
  await o.receive({ type: 'job', job: 4, source: 'b', providers: [{ id: 'p', name: 'P' }] });
  await o.receive({ type: 'delta', job: 4, provider: 'p', text: '一行' });
  await until(async () => {
    const s = (await o.sentOf('content_size')).at(-1);
    return s && s.height < o.page.viewportSize().height - 20 ? s : null;
  }, 2000, 'content_size of the shorter text');
  await o.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual((await o.sentOf('painted')).map((m) => m.job), [3]);
  await until(async () => {
    const p = (await o.sentOf('painted')).map((m) => m.job);
    if (p.includes(4)) return p;
    await followContentSize(o);
    return null;
  }, 1500, 'painted after shrinking');
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

test('with no provider the recognised text is the result, with a notice that opens the providers', async () => {
  const o = await overlay();
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, show_original: false }, ui_lang: 'en' });
  await o.receive({ type: 'job', job: 9, source: '「この先に古い城がある」', providers: [] });
  await o.receive({ type: 'notice', job: 9, text: 'No translation provider is enabled.', action: 'open_providers' });
  // Shown even with show_original off, at full size: it is all there is.
  assert.equal(await o.page.locator('#source').isVisible(), true);
  assert.equal(await o.page.locator('#source-text').textContent(), '「この先に古い城がある」');
  assert.equal(await o.page.locator('#frame').evaluate((f) => f.classList.contains('source-only')), true);
  const note = o.page.locator('.notice');
  assert.equal(await note.locator('p').textContent(), 'No translation provider is enabled.');
  const button = note.locator('.notice-action');
  assert.equal(await button.textContent(), 'Open settings → Providers');
  await button.click();
  assert.deepEqual(await o.sentOf('open_settings'), [{ type: 'open_settings', section: 'providers' }]);
  // A notice of an older job is ignored; a new job clears it.
  await o.receive({ type: 'notice', job: 8, text: 'old', action: null });
  assert.equal(await o.page.locator('.notice').count(), 1);
  await o.receive({ type: 'job', job: 10, source: 'x', providers: [{ id: 'p', name: 'P' }] });
  assert.equal(await o.page.locator('.notice').count(), 0);
  assert.equal(await o.page.locator('#frame').evaluate((f) => f.classList.contains('source-only')), false);
  assert.deepEqual(await o.cspViolations(), []);
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

test('clear_notice takes the no-provider notice away and leaves the text read', async () => {
  const o = await overlay();
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, show_original: false }, ui_lang: 'en' });
  await o.receive({ type: 'job', job: 9, source: '「この先に古い城がある」', providers: [] });
  await o.receive({ type: 'notice', job: 9, text: 'No translation provider is enabled.', action: 'open_providers' });
  assert.equal(await o.page.locator('.notice').count(), 1);
  await o.receive({ type: 'clear_notice' });
  await o.receive({ type: 'status', text: 'A translation provider is on now: press Alt+W to read the region again', busy: false });
  assert.equal(await o.page.locator('.notice').count(), 0);
  assert.equal(await o.page.locator('#source-text').textContent(), '「この先に古い城がある」');
  assert.equal(await o.page.locator('#source').isVisible(), true);
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

test("the app's own notice shows before any job, with its button, and goes with the first job", async () => {
  const o = await overlay();
  await o.receive({ type: 'notice', job: null, text: 'No tray icon here: press Alt+Shift+S.', action: 'open_settings' });
  assert.equal(await o.page.locator('.notice p').textContent(), 'No tray icon here: press Alt+Shift+S.');
  assert.equal(await o.page.locator('#idle-hint').isVisible(), false);
  await o.page.locator('.notice-action').click();
  assert.deepEqual(await o.sentOf('open_settings'), [{ type: 'open_settings' }]);
  await o.receive({ type: 'job', job: 1, source: 'x', providers: [{ id: 'p', name: 'P' }] });
  assert.equal(await o.page.locator('.notice').count(), 0);
  // Once a job is on screen, an app notice waits for no one: it is not mixed into the job.
  await o.receive({ type: 'notice', job: null, text: 'late', action: null });
  assert.equal(await o.page.locator('.notice').count(), 0);
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

test('the original can be corrected: Enter sends the correction, Esc gives up, and nothing in it runs', async () => {
  const o = await overlay();
  await o.receive({ type: 'job', job: 3, source: '魔土を倒す', providers: [{ id: 'deepseek', name: 'DeepSeek' }] });
  await o.page.locator('#source').hover();
  await o.page.locator('#source .edit').click();
  await until(async () => (await o.sentOf('edit_source')).length === 1 || null, 2000, 'edit_source');
  assert.equal(await o.page.locator('#source-text').getAttribute('contenteditable'), 'plaintext-only');
  await o.page.keyboard.press('Control+A');
  await o.page.keyboard.type('魔王を倒す<img src=x onerror="window.__pwned=1">');
  await o.page.keyboard.press('Enter');
  const sent = await until(async () => (await o.sentOf('correct_source')).at(-1), 2000, 'correct_source');
  assert.deepEqual(sent, {
    type: 'correct_source',
    original: '魔土を倒す',
    corrected: '魔王を倒す<img src=x onerror="window.__pwned=1">',
  });
  // Editing is over; the original shows until the core's new job.
  assert.equal(await o.page.locator('#source-text').getAttribute('contenteditable'), null);
  assert.equal(await o.page.locator('#source-text').textContent(), '魔土を倒す');
  // Esc gives up and says so (the core gives the keyboard back).
  await o.page.locator('#source').hover();
  await o.page.locator('#source .edit').click();
  await o.page.keyboard.type('xyz');
  await o.page.keyboard.press('Escape');
  await until(async () => (await o.sentOf('edit_done')).length === 1 || null, 2000, 'edit_done');
  assert.equal(await o.page.locator('#source-text').textContent(), '魔土を倒す');
  assert.equal((await o.sentOf('correct_source')).length, 1);
  // The corrected text comes back as a job marked corrected; an ordinary job is not marked.
  await o.receive({ type: 'job', job: 4, corrected: true, source: '魔王を倒す', providers: [] });
  assert.equal(await o.page.locator('#source.corrected').count(), 1);
  await o.receive({ type: 'job', job: 5, corrected: false, source: '次の行', providers: [] });
  assert.equal(await o.page.locator('#source.corrected').count(), 0);
  assert.equal(await o.page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(await o.cspViolations(), []);
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

test("an overlay of several names its region, literally, and one alone names none", async () => {
  const o = await overlay();
  const tag = o.page.locator('#region-tag');
  assert.equal(await tag.isVisible(), false);
  await o.receive({ type: 'region', name: '<b>Names</b> 名前' });
  assert.equal(await tag.isVisible(), true);
  assert.equal(await tag.textContent(), '<b>Names</b> 名前');
  assert.equal(await o.page.locator('#region-tag b').count(), 0);
  await o.receive({ type: 'region', name: null });
  assert.equal(await tag.isVisible(), false);
  assert.deepEqual(o.errors, []);
  await o.page.close();
});

// ---------------------------------------------------------------- issue 24 (settingsux): correcting a misread

test('correcting a misread: an icon and a word in the UI language, reachable with the original hidden', async () => {
  const o = await h.open('overlay.html', { width: 600, height: 300 });
  const { page } = o;
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, show_original: false }, ui_lang: 'en' });
  const correct = page.locator('#btn-correct');
  // Nothing to correct before a job.
  assert.equal(await correct.isDisabled(), true);
  await o.receive({ type: 'job', job: 3, source: '魔土を倒す', providers: [{ id: 'deepseek', name: 'DeepSeek' }] });
  await o.receive({ type: 'done', job: 3, provider: 'deepseek', text: 'Defeat the demon soil', ms: 400 });
  assert.equal(await page.locator('#source').isVisible(), false);
  // The toolbar (on hover) has it, with its word and an English tooltip.
  await page.locator('#frame').hover();
  assert.equal(await correct.isVisible(), true);
  assert.equal(await correct.textContent(), 'Fix the text');
  assert.match(await correct.getAttribute('title'), /^Correct the original/);
  const icon = await correct.locator('svg').boundingBox();
  assert.ok(icon.width >= 12 && icon.height >= 12, JSON.stringify(icon));
  await o.shot('overlay-correct-toolbar-en.png');
  // It shows the original, ready to edit; Enter sends the correction and the original is hidden again.
  await correct.click();
  assert.equal(await page.locator('#source').isVisible(), true);
  assert.equal(await page.locator('#source-text').getAttribute('contenteditable'), 'plaintext-only');
  await until(async () => (await o.sentOf('edit_source')).length === 1 || null, 2000, 'edit_source');
  await o.shot('overlay-correct-editing-en.png');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('魔王を倒す');
  await page.keyboard.press('Enter');
  assert.deepEqual((await o.sentOf('correct_source')).at(-1), { type: 'correct_source', original: '魔土を倒す', corrected: '魔王を倒す' });
  assert.equal(await page.locator('#source').isVisible(), false);
  // Esc gives up the same way.
  await page.locator('#frame').hover();
  await correct.click();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#source').isVisible(), false);
  assert.equal((await o.sentOf('edit_done')).length, 1);
  // With the original on show, its own pencil has the icon and the word, in the language of the UI.
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, show_original: true }, ui_lang: 'en' });
  await page.locator('#source').hover();
  const pencil = page.locator('#source .edit');
  assert.equal(await pencil.isVisible(), true);
  assert.equal(await pencil.textContent(), 'Fix the text');
  assert.match(await pencil.getAttribute('title'), /^Correct the original/);
  const pencilIcon = await pencil.locator('svg').boundingBox();
  assert.ok(pencilIcon.width >= 12, JSON.stringify(pencilIcon));
  await o.shot('overlay-correct-source-en.png');
  // A language switch reaches what the script built.
  await o.receive({ type: 'appearance', appearance: { ...APPEARANCE, show_original: true }, ui_lang: 'zh' });
  assert.equal(await pencil.textContent(), '更正原文');
  assert.match(await pencil.getAttribute('title'), /^更正原文/);
  assert.deepEqual(await o.cspViolations(), []);
  assert.deepEqual(o.errors, []);
  await page.close();
});

// ---------------------------------------------------------------- issue 24 (settingsux): language switch

test("the status line follows a switch of the UI's language", async () => {
  const o = await overlay();
  const { page } = o;
  await o.receive({ type: 'status', text: 'OCR 120 ms · 2 行', busy: false, words: { key: 'status.ocr_done', params: { ms: '120', n: '2' } } });
  assert.equal(await page.locator('#status-text').textContent(), 'OCR 120 ms · 2 行');
  await o.receive({ type: 'appearance', appearance: APPEARANCE, ui_lang: 'en' });
  assert.equal(await page.locator('#status-text').textContent(), 'OCR 120 ms · 2 lines');
  // One line is one line.
  await o.receive({ type: 'status', text: '', busy: false, words: { key: 'status.ocr_done', params: { ms: '80', n: '1' } } });
  assert.equal(await page.locator('#status-text').textContent(), 'OCR 80 ms · 1 line');
  // A notice of the app (no tray icon here) and its button follow too.
  const words = { key: 'status.no_tray', params: { why: { key: 'tray.no_dbus' }, hotkey: 'Alt+Shift+S' } };
  await o.receive({ type: 'notice', job: null, text: 'No tray icon here…', action: 'open_settings', words });
  assert.match(await page.locator('.notice p').textContent(), /^No tray icon here \(no D-Bus session\)/);
  await o.receive({ type: 'appearance', appearance: APPEARANCE, ui_lang: 'zh' });
  assert.match(await page.locator('.notice p').textContent(), /^这里没有托盘图标（没有 D-Bus 会话）/);
  assert.equal(await page.locator('.notice-action').textContent(), '打开设置');
  await o.receive({ type: 'appearance', appearance: APPEARANCE, ui_lang: 'en' });
  // A status without a sentence stays as it came.
  await o.receive({ type: 'status', text: 'plain words', busy: false });
  await o.receive({ type: 'appearance', appearance: APPEARANCE, ui_lang: 'zh' });
  assert.equal(await page.locator('#status-text').textContent(), 'plain words');
  assert.deepEqual(o.errors, []);
  await page.close();
});
