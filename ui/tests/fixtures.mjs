// A realistic `state` message for the settings page, built from the real catalog (`ocrlay providers --json`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CATALOG = JSON.parse(fs.readFileSync(path.join(here, 'fixtures', 'catalog.json'), 'utf8'));

export function provider(extra) {
  return {
    enabled: false, url: '', api_key: null, api_key_set: false, api_key_hint: '', model: '', proxy: '',
    temperature: null, top_p: null, max_tokens: null, sakura_version: '1.0', ...extra,
  };
}

export function settings() {
  const providers = {};
  for (const p of CATALOG) providers[p.id] = provider();
  providers.deepseek = provider({ enabled: true, api_key_set: true, api_key_hint: 'sk-…abcd', model: 'deepseek-chat' });
  providers['sakura-llama'] = provider({ enabled: true, temperature: 0.1, top_p: 0.3, sakura_version: '1.0' });
  return {
    general: { source: 'ja', target: 'zh-CN', ui_language: 'auto' },
    network: { proxy: '', connect_timeout_secs: 10, read_timeout_secs: null },
    translation: { stream: true, context_lines: 2, custom_prompt: '', glossary: [{ src: 'アリス', dst: '爱丽丝', note: '女主角' }] },
    ocr: { engine: 'ppocr', language: 'auto' },
    hotkeys: { select_region: 'Alt+Q', repeat_last: 'Alt+W', toggle_overlay: 'Alt+H', toggle_auto: 'Alt+A' },
    overlay: {
      font_family: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif', font_size: 20, text_color: '#ffffff',
      outline_color: '#000000', outline_width: 2, background_color: '#101014', background_opacity: 0.6, width: 560,
      show_original: false, locked: false,
    },
    providers,
  };
}

export function state(extra) {
  return {
    type: 'state',
    catalog: CATALOG,
    settings: settings(),
    warnings: [],
    hotkey_errors: {},
    ui_lang: 'zh',
    system_lang: 'zh',
    config_path: '/home/u/.config/ocrlay/config.toml',
    ...extra,
  };
}
