// The settings page: providers grouped by region, URL resolving, tests, model lists, validation, save, reload,
// core errors, warnings and the UI language switch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, until } from './harness.mjs';
import { CATALOG, state, settings } from './fixtures.mjs';

let h;
before(async () => (h = await setup()));
after(async () => h && (await h.close()));

async function settingsPage(extra, opts) {
  const s = await h.open('settings.html', opts);
  await s.receive(state(extra));
  return s;
}

const card = (page, id) => page.locator(`.provider[data-id="${id}"]`);
const fieldOf = (page, path) => page.locator(`[data-field="${path}"]`);
const errorOf = (page, path) => page.locator(`[data-error-for="${path}"]`);

test('providers are grouped 国内 / 国外 / 本地 as the catalog says', async () => {
  const s = await settingsPage();
  const { page } = s;
  const groups = await page.$$eval('.group', (gs) => gs.map((g) => ({
    region: g.dataset.region,
    title: g.querySelector('.group-title span').textContent,
    ids: Array.from(g.querySelectorAll('.provider')).map((c) => c.dataset.id),
  })));
  const ids = (r) => CATALOG.filter((p) => p.region === r).map((p) => p.id);
  assert.deepEqual(groups, [
    { region: 'cn', title: '国内', ids: ids('cn') },
    { region: 'global', title: '国外', ids: ids('global') },
    { region: 'local', title: '本地', ids: ids('local') },
  ]);
  assert.equal(groups[0].ids.length + groups[1].ids.length + groups[2].ids.length, 18);
  assert.ok(groups[1].ids.includes('custom'));
  assert.equal(await card(page, 'spark').locator('.pname').textContent(), '讯飞星火');
  // Enabled providers start open; the others closed.
  assert.equal(await card(page, 'deepseek').locator('.provider-body').isVisible(), true);
  assert.equal(await card(page, 'kimi').locator('.provider-body').isVisible(), false);
  assert.equal(await page.locator('#enabled-count').textContent(), '2');
  // Notes near the key: Spark's key format, Doubao's endpoint id, the rented GPU's tunnel command.
  await card(page, 'spark').locator('.provider-title').click();
  assert.match(await card(page, 'spark').locator('.key-note').textContent(), /APIKey:APISecret/);
  await card(page, 'doubao').locator('.provider-title').click();
  assert.match(await card(page, 'doubao').locator('.notes').textContent(), /ep-/);
  assert.match(await fieldOf(page, 'providers.doubao.model').getAttribute('placeholder'), /^ep-/);
  await card(page, 'rented-gpu').locator('.provider-title').click();
  assert.equal(await card(page, 'rented-gpu').locator('.cmd').textContent(), 'ssh -N -L 8080:127.0.0.1:6006 -p <端口> root@<主机>');
  // Sakura version only for Sakura providers; the stored key shows as a hint, never as a value.
  assert.equal(await fieldOf(page, 'providers.sakura-llama.sakura_version').count(), 1);
  assert.equal(await fieldOf(page, 'providers.deepseek.sakura_version').count(), 0);
  const key = fieldOf(page, 'providers.deepseek.api_key');
  assert.equal(await key.getAttribute('type'), 'password');
  assert.equal(await key.getAttribute('placeholder'), 'sk-…abcd');
  assert.equal(await key.inputValue(), '');
  // Links open in the system browser, through the core.
  await card(page, 'deepseek').locator('button.link', { hasText: '获取密钥' }).click();
  assert.deepEqual(await s.sentOf('open_url'), [{ type: 'open_url', url: 'https://platform.deepseek.com/api_keys' }]);
  assert.equal(page.url().endsWith('/settings.html'), true);
  assert.deepEqual(await s.cspViolations(), []);
  assert.deepEqual(s.errors, []);
  await page.close();
});

test('enable, resolve URL, test, fetch models, refuse bad values, save, reload', async () => {
  const s = await settingsPage();
  const { page } = s;
  const kimi = card(page, 'kimi');
  await kimi.locator('.switch').click();
  assert.equal(await kimi.locator('.provider-body').isVisible(), true);

  // URL: on blur the core resolves it; the answer is shown under the field.
  await fieldOf(page, 'providers.kimi.url').fill('https://relay.example.com');
  await fieldOf(page, 'providers.kimi.url').press('Tab');
  assert.deepEqual(await s.sentOf('resolve_url'), [{ type: 'resolve_url', id: 'kimi', input: 'https://relay.example.com' }]);
  await s.receive({ type: 'resolved_url', id: 'kimi', input: 'https://relay.example.com', url: 'https://relay.example.com/v1/chat/completions', error: null });
  assert.equal(await kimi.locator('.resolved').textContent(), '→ https://relay.example.com/v1/chat/completions');

  // Key (eye shows it), model.
  await fieldOf(page, 'providers.kimi.api_key').fill('sk-kimi-0123456789');
  await kimi.locator('.eye').click();
  assert.equal(await fieldOf(page, 'providers.kimi.api_key').getAttribute('type'), 'text');
  await fieldOf(page, 'providers.kimi.model').fill('moonshot-v1-32k');

  // Test: sends the unsaved values, spins, then shows the result.
  await kimi.locator('button[data-action="test"]').click();
  const [t1] = await s.sentOf('test_provider');
  assert.equal(t1.id, 'kimi');
  assert.deepEqual(
    { enabled: t1.provider.enabled, url: t1.provider.url, api_key: t1.provider.api_key, model: t1.provider.model },
    { enabled: true, url: 'https://relay.example.com', api_key: 'sk-kimi-0123456789', model: 'moonshot-v1-32k' },
  );
  assert.equal(await kimi.locator('button[data-action="test"]').getAttribute('class'), 'btn test busy');
  await s.receive({ type: 'test_result', id: 'kimi', ok: true, message: 'OK · 812 ms · 你好', latency_ms: 812 });
  assert.equal(await kimi.locator('.test-result').textContent(), 'OK · 812 ms · 你好');
  assert.match(await kimi.locator('.test-result').getAttribute('class'), /ok/);
  assert.equal(await kimi.locator('.test-chip').textContent(), '✓ 812 ms');
  await kimi.locator('button[data-action="test"]').click();
  const err = 'Kimi (Moonshot AI): the API key was rejected (HTTP 401: Invalid Authentication)';
  await s.receive({ type: 'test_result', id: 'kimi', ok: false, message: err, latency_ms: null });
  assert.equal(await kimi.locator('.test-result').textContent(), err);
  assert.match(await kimi.locator('.test-result').getAttribute('class'), /bad/);

  // Model list.
  await kimi.locator('button[data-action="list-models"]').click();
  const [lm] = await s.sentOf('list_models');
  assert.equal(lm.id, 'kimi');
  assert.equal(lm.provider.api_key, 'sk-kimi-0123456789');
  await s.receive({ type: 'models', id: 'kimi', models: ['moonshot-v1-8k', 'moonshot-v1-32k', 'kimi-k2'], error: null });
  const options = await page.$$eval('#models-kimi option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['moonshot-v1-8k', 'moonshot-v1-32k', 'kimi-k2']);
  assert.match(await kimi.locator('.models-line').textContent(), /3/);

  // A bad temperature: Save refuses with the reason next to the field and sends nothing.
  await kimi.locator('details.advanced summary').click();
  await fieldOf(page, 'providers.kimi.temperature').fill('2.5');
  await page.click('#btn-save');
  assert.deepEqual(await s.sentOf('save'), []);
  assert.equal(await errorOf(page, 'providers.kimi.temperature').textContent(), '必须在 0 到 2 之间');
  assert.equal(await errorOf(page, 'providers.kimi.temperature').isVisible(), true);
  assert.match(await page.locator('#footer-msg').textContent(), /1 处需要修改/);

  // Other refusals: proxy without port, malformed hotkey, glossary row without source, context lines.
  await fieldOf(page, 'providers.kimi.temperature').fill('0.5');
  await page.click('.nav-item[data-section="network"]');
  await fieldOf(page, 'network.proxy').fill('127.0.0.1');
  await page.click('.nav-item[data-section="hotkeys"]');
  await fieldOf(page, 'hotkeys.repeat_last').fill('Hyper+W');
  await page.click('.nav-item[data-section="general"]');
  await fieldOf(page, 'translation.context_lines').fill('25');
  await page.click('#gl-add');
  await page.locator('#glossary-body tr:nth-child(2) [data-gl="dst"]').fill('鲍勃');
  await page.click('#btn-save');
  assert.deepEqual(await s.sentOf('save'), []);
  assert.match(await errorOf(page, 'network.proxy').textContent(), /host:port/);
  assert.match(await errorOf(page, 'hotkeys.repeat_last').textContent(), /Hyper/);
  assert.equal(await errorOf(page, 'translation.context_lines').textContent(), '必须在 0 到 20 之间');
  assert.equal(await errorOf(page, 'translation.glossary').textContent(), '第 2 行缺少原文');
  // The first error is shown: its section is open.
  assert.equal(await page.locator('#sec-general').isVisible(), true);

  // Fix everything and save.
  await fieldOf(page, 'translation.context_lines').fill('3');
  await page.locator('#glossary-body tr:nth-child(2) [data-gl="src"]').fill('ボブ');
  await page.click('.nav-item[data-section="network"]');
  await fieldOf(page, 'network.proxy').fill('socks5://127.0.0.1:1080');
  await page.click('.nav-item[data-section="hotkeys"]');
  await fieldOf(page, 'hotkeys.repeat_last').fill('Ctrl+Shift+W');
  await page.click('#btn-save');
  const saves = await s.sentOf('save');
  assert.equal(saves.length, 1);
  const got = saves[0].settings;
  const want = settings();
  want.providers.kimi = {
    ...want.providers.kimi, enabled: true, url: 'https://relay.example.com', api_key: 'sk-kimi-0123456789',
    model: 'moonshot-v1-32k', temperature: 0.5,
  };
  want.network.proxy = 'socks5://127.0.0.1:1080';
  want.hotkeys.repeat_last = 'Ctrl+Shift+W';
  want.translation.context_lines = 3;
  want.translation.glossary.push({ src: 'ボブ', dst: '鲍勃', note: '' });
  assert.deepEqual(got, want);
  assert.equal(got.providers.deepseek.api_key, null, 'an untouched key is null');

  await s.receive({ type: 'saved' });
  await until(() => page.locator('#toast').isVisible(), 2000, 'toast');
  assert.equal(await page.locator('#toast').textContent(), '设置已保存');
  assert.equal(await page.locator('#btn-save').isDisabled(), false);

  // Reload with what the core stored (keys are never sent back, only whether one is set).
  const stored = JSON.parse(JSON.stringify(got));
  for (const ps of Object.values(stored.providers)) {
    if (typeof ps.api_key === 'string') {
      ps.api_key_set = true;
      ps.api_key_hint = 'sk-…6789';
    }
    ps.api_key = null;
  }
  await page.close();
  const r = await settingsPage({ settings: stored });
  const p2 = r.page;
  assert.equal(await card(p2, 'kimi').locator('.switch input').isChecked(), true);
  assert.equal(await fieldOf(p2, 'providers.kimi.url').inputValue(), 'https://relay.example.com');
  assert.equal(await fieldOf(p2, 'providers.kimi.model').inputValue(), 'moonshot-v1-32k');
  assert.equal(await fieldOf(p2, 'providers.kimi.temperature').inputValue(), '0.5');
  assert.equal(await fieldOf(p2, 'providers.kimi.api_key').inputValue(), '');
  assert.equal(await fieldOf(p2, 'providers.kimi.api_key').getAttribute('placeholder'), 'sk-…6789');
  assert.equal(await fieldOf(p2, 'network.proxy').inputValue(), 'socks5://127.0.0.1:1080');
  assert.equal(await fieldOf(p2, 'hotkeys.repeat_last').inputValue(), 'Ctrl+Shift+W');
  assert.equal(await fieldOf(p2, 'translation.context_lines').inputValue(), '3');
  assert.deepEqual(await p2.$$eval('#glossary-body tr', (trs) => trs.map((tr) => tr.querySelector('[data-gl="src"]').value)), ['アリス', 'ボブ']);
  // Saving again unchanged sends the same settings, with every key kept (null).
  await p2.click('#btn-save');
  const [again] = await r.sentOf('save');
  assert.equal(again.settings.providers.kimi.api_key, null);
  assert.deepEqual(again.settings.translation, stored.translation);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(await r.cspViolations(), []);
  await p2.close();
});

test('removing a stored key sends "" and the core\'s save errors land next to their fields', async () => {
  const s = await settingsPage();
  const { page } = s;
  await card(page, 'deepseek').locator('button[data-action="remove-key"]').click();
  await page.click('#btn-save');
  const [save] = await s.sentOf('save');
  assert.equal(save.settings.providers.deepseek.api_key, '');
  await s.receive({ type: 'save_error', errors: [
    { field: 'providers.deepseek.url', message: "'ftp://x' must start with http:// or https://" },
    { field: 'overlay.font_size', message: 'must be between 10 and 72' },
  ] });
  assert.equal(await errorOf(page, 'providers.deepseek.url').textContent(), "'ftp://x' must start with http:// or https://");
  assert.equal(await errorOf(page, 'providers.deepseek.url').isVisible(), true);
  assert.equal(await errorOf(page, 'overlay.font_size').textContent(), 'must be between 10 and 72');
  assert.match(await page.locator('#footer-msg').textContent(), /2/);
  await page.close();
});

test('the custom provider needs an address before a test or a save', async () => {
  const s = await settingsPage();
  const { page } = s;
  const custom = card(page, 'custom');
  await custom.locator('.switch').click();
  await custom.locator('button[data-action="test"]').click();
  assert.deepEqual(await s.sentOf('test_provider'), []);
  assert.equal(await errorOf(page, 'providers.custom.url').textContent(), '自定义翻译源需要填写接口地址');
  await page.click('#btn-save');
  assert.deepEqual(await s.sentOf('save'), []);
  await fieldOf(page, 'providers.custom.url').fill('ftp://relay.example.com');
  await page.click('#btn-save');
  assert.equal(await errorOf(page, 'providers.custom.url').textContent(), '地址必须以 http:// 或 https:// 开头');
  await fieldOf(page, 'providers.custom.url').fill('api.relay.example.com');
  await fieldOf(page, 'providers.custom.url').press('Tab');
  assert.deepEqual(await s.sentOf('resolve_url'), [{ type: 'resolve_url', id: 'custom', input: 'api.relay.example.com' }]);
  await s.receive({ type: 'resolved_url', id: 'custom', input: 'api.relay.example.com', url: null, error: "'api.relay.example.com' is not a valid address (relative URL without a base)" });
  assert.equal(await custom.locator('.resolved').textContent(), "'api.relay.example.com' is not a valid address (relative URL without a base)");
  await custom.locator('button[data-action="test"]').click();
  const [t] = await s.sentOf('test_provider');
  assert.equal(t.provider.url, 'api.relay.example.com');
  await page.click('#btn-save');
  const [save] = await s.sentOf('save');
  assert.equal(save.settings.providers.custom.enabled, true);
  assert.equal(save.settings.providers.custom.url, 'api.relay.example.com');
  await page.close();
});

test('warnings and hotkey errors from the core are shown', async () => {
  const s = await settingsPage({
    warnings: ['providers.kimi.temperature: must be between 0 and 2 (7); the default is used'],
    hotkey_errors: { select_region: 'Alt+Q 已被其他程序占用' },
  });
  const { page } = s;
  assert.equal(await page.locator('#banner').isVisible(), true);
  assert.equal(await page.locator('#banner-list li').textContent(), 'providers.kimi.temperature: must be between 0 and 2 (7); the default is used');
  assert.equal(await page.locator('#hotkey-dot').isVisible(), true);
  await page.click('.nav-item[data-section="hotkeys"]');
  assert.equal(await page.locator('[data-hotkey-error="select_region"]').textContent(), 'Alt+Q 已被其他程序占用');
  // Recording a new combination clears the conflict.
  await fieldOf(page, 'hotkeys.select_region').focus();
  await page.keyboard.press('Control+Alt+KeyT');
  assert.equal(await fieldOf(page, 'hotkeys.select_region').inputValue(), 'Ctrl+Alt+T');
  assert.equal(await page.locator('[data-hotkey-error="select_region"]').textContent(), '');
  await page.close();
});

test('the UI language follows the system and switches at once, keeping typed values', async () => {
  const s = await settingsPage({ ui_lang: 'en', system_lang: 'en' });
  const { page } = s;
  assert.equal(await page.locator('.nav-item[data-section="providers"] span').first().textContent(), 'Providers');
  assert.equal(await page.locator('.group[data-region="cn"] .group-title span').first().textContent(), 'China');
  await fieldOf(page, 'providers.deepseek.model').fill('deepseek-reasoner');
  await page.click('.nav-item[data-section="hotkeys"]');
  await fieldOf(page, 'hotkeys.toggle_auto').fill('Alt+');
  await page.click('.nav-item[data-section="providers"]');
  // A collapsed card with a bad value: the failed save opens it; the bad text survives the language switch.
  await card(page, 'kimi').locator('.provider-title').click();
  await card(page, 'kimi').locator('details.advanced summary').click();
  await fieldOf(page, 'providers.kimi.top_p').fill('1.5');
  await card(page, 'kimi').locator('.provider-title').click();
  await page.click('#btn-save');
  assert.deepEqual(await s.sentOf('save'), []);
  assert.equal(await card(page, 'kimi').locator('.provider-body').isVisible(), true);
  assert.equal(await errorOf(page, 'providers.kimi.top_p').textContent(), 'Must be between 0 and 1');
  await page.click('#lang-seg button[data-lang="zh"]');
  assert.equal(await fieldOf(page, 'providers.kimi.top_p').inputValue(), '1.5');
  assert.equal(await errorOf(page, 'providers.kimi.top_p').textContent(), '必须在 0 到 1 之间');
  assert.equal(await fieldOf(page, 'hotkeys.toggle_auto').inputValue(), 'Alt+');
  await fieldOf(page, 'providers.kimi.top_p').fill('');
  await page.click('.nav-item[data-section="hotkeys"]');
  await fieldOf(page, 'hotkeys.toggle_auto').fill('Alt+A');
  await page.click('.nav-item[data-section="providers"]');
  assert.deepEqual(await s.sentOf('set_ui_lang'), [{ type: 'set_ui_lang', ui_lang: 'zh' }]);
  assert.equal(await page.locator('.nav-item[data-section="providers"] span').first().textContent(), '翻译源');
  assert.equal(await page.locator('.group[data-region="cn"] .group-title span').first().textContent(), '国内');
  assert.equal(await page.locator('#btn-save').textContent(), '保存');
  assert.equal(await fieldOf(page, 'providers.deepseek.model').inputValue(), 'deepseek-reasoner');
  await page.click('.nav-item[data-section="general"]');
  assert.equal(await fieldOf(page, 'general.ui_language').inputValue(), 'zh');
  await fieldOf(page, 'general.ui_language').selectOption('en');
  assert.equal(await page.locator('#sec-general h1').textContent(), 'General');
  await page.click('#lang-seg button[data-lang="auto"]');
  assert.equal(await page.locator('#sec-general h1').textContent(), 'General', 'auto follows system_lang (en)');
  assert.deepEqual((await s.sentOf('set_ui_lang')).map((m) => m.ui_lang), ['zh', 'en', 'auto']);
  await page.click('#btn-save');
  const [save] = await s.sentOf('save');
  assert.equal(save.settings.general.ui_language, 'auto');
  assert.equal(save.settings.providers.deepseek.model, 'deepseek-reasoner');
  await page.close();
});

test('screenshots of every section', async () => {
  const s = await settingsPage({
    warnings: ['providers.kimi.temperature: must be between 0 and 2 (7); the default is used'],
  });
  const { page } = s;
  await s.receive({ type: 'test_result', id: 'deepseek', ok: true, message: 'OK · 812 ms · 「你好，世界」', latency_ms: 812 });
  await card(page, 'sakura-llama').locator('button[data-action="test"]').click();
  await s.receive({ type: 'test_result', id: 'sakura-llama', ok: false, message: 'Sakura (llama.cpp): cannot connect to http://127.0.0.1:8080/v1/chat/completions (connection refused). Is llama-server running?', latency_ms: null });
  await page.click('#banner-close');
  await page.evaluate(() => (document.getElementById('content').scrollTop = 0));
  await s.shot('settings-providers.png');
  await card(page, 'sakura-llama').scrollIntoViewIfNeeded();
  await s.shot('settings-providers-local.png');
  await page.click('.nav-item[data-section="general"]');
  await s.shot('settings-general.png');
  await page.locator('#glossary').scrollIntoViewIfNeeded();
  await s.shot('settings-glossary.png');
  await page.click('.nav-item[data-section="hotkeys"]');
  await fieldOf(page, 'hotkeys.toggle_auto').fill('Alt+Alt');
  await page.click('#btn-save');
  await s.shot('settings-hotkeys.png');
  await fieldOf(page, 'hotkeys.toggle_auto').fill('Alt+A');
  await page.click('.nav-item[data-section="overlay"]');
  await fieldOf(page, 'overlay.show_original').check({ force: true });
  await s.shot('settings-overlay.png');
  await page.click('.nav-item[data-section="network"]');
  await page.click('#lang-seg button[data-lang="en"]');
  await s.shot('settings-network-en.png');
  await page.click('.nav-item[data-section="providers"]');
  await s.shot('settings-providers-en.png');
  assert.deepEqual(await s.cspViolations(), []);
  assert.deepEqual(s.errors, []);
  await page.close();
  const d = await settingsPage({ ui_lang: 'en', system_lang: 'en' }, { colorScheme: 'dark' });
  await d.receive({ type: 'test_result', id: 'deepseek', ok: true, message: 'OK · 812 ms · "Hello, world"', latency_ms: 812 });
  await d.shot('settings-providers-dark.png');
  await d.page.close();
});
