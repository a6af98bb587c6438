// The region selector: drag → region in CSS px with scale and view size; tiny clicks ignored; Esc/right-click → cancel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, gameScene } from './harness.mjs';

let h;
before(async () => (h = await setup()));
after(async () => h && (await h.close()));

async function selector() {
  const s = await h.open('selector.html', { width: 1280, height: 720 });
  const url = await gameScene(s.page, { width: 1280, height: 720 });
  await s.receive({ type: 'shot', url, ui_lang: 'zh' });
  await s.page.waitForFunction(() => document.getElementById('shot').complete);
  return s;
}

test('a drag sends the region in CSS pixels with scale and view size', async () => {
  const s = await selector();
  assert.equal(await s.page.locator('#hint').textContent(), '拖动选择要翻译的区域 · Esc 或右键取消');
  const { page } = s;
  await page.mouse.move(640, 300);
  await s.shot('selector-idle.png');
  await page.mouse.move(410, 560);
  await page.mouse.down();
  await page.mouse.move(700, 600, { steps: 4 });
  await page.mouse.move(1190, 660, { steps: 4 });
  assert.equal(await page.locator('#size').textContent(), '780 × 100');
  assert.equal(await page.locator('#rect').isVisible(), true);
  await s.shot('selector.png');
  await page.mouse.up();
  assert.deepEqual(await s.sentOf('region'), [
    { type: 'region', x: 410, y: 560, width: 780, height: 100, scale: 1, view_width: 1280, view_height: 720 },
  ]);
  assert.deepEqual(await s.sentOf('cancel'), []);
  assert.deepEqual(await s.cspViolations(), []);
  assert.deepEqual(s.errors, []);
  await page.close();
});

test('a drag up and to the left gives the same rectangle; tiny clicks are ignored', async () => {
  const s = await selector();
  const { page } = s;
  await page.mouse.move(100, 100);
  await page.mouse.down();
  await page.mouse.move(102, 101);
  await page.mouse.up();
  assert.deepEqual(await s.sentOf('region'), []);
  await page.mouse.move(300, 200);
  await page.mouse.down();
  await page.mouse.move(150, 120, { steps: 3 });
  await page.mouse.up();
  assert.deepEqual(await s.sentOf('region'), [
    { type: 'region', x: 150, y: 120, width: 150, height: 80, scale: 1, view_width: 1280, view_height: 720 },
  ]);
  await page.close();
});

test('Esc and right-click cancel', async () => {
  const s = await selector();
  await s.page.keyboard.press('Escape');
  assert.deepEqual(await s.sentOf('cancel'), [{ type: 'cancel' }]);
  const t = await selector();
  await t.page.mouse.click(500, 300, { button: 'right' });
  assert.deepEqual(await t.sentOf('cancel'), [{ type: 'cancel' }]);
  assert.deepEqual(await t.sentOf('region'), []);
  await s.page.close();
  await t.page.close();
});

test('on a scaled screen the size label is in physical pixels and the region carries the scale', async () => {
  const page = await (async () => {
    const s = await h.open('selector.html', { width: 1280, height: 720 });
    return s;
  })();
  // Emulate a 1.5× screen through CDP on a fresh page.
  const cdp = await page.page.context().newCDPSession(page.page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 720, deviceScaleFactor: 1.5, mobile: false });
  await page.receive({ type: 'shot', url: await gameScene(page.page, { width: 1920, height: 1080 }), ui_lang: 'en' });
  assert.equal(await page.page.locator('#hint').textContent(), 'Drag over the text to translate · Esc or right-click to cancel');
  await page.page.mouse.move(100, 100);
  await page.page.mouse.down();
  await page.page.mouse.move(400, 180, { steps: 3 });
  assert.equal(await page.page.locator('#size').textContent(), '450 × 120');
  await page.page.mouse.up();
  const [r] = await page.sentOf('region');
  assert.deepEqual(r, { type: 'region', x: 100, y: 100, width: 300, height: 80, scale: 1.5, view_width: 1280, view_height: 720 });
  await page.page.close();
});
