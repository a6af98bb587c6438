// A realistic `state` message for the settings page, built from the real catalog (`ocrlay providers --json`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CATALOG = JSON.parse(fs.readFileSync(path.join(here, 'fixtures', 'catalog.json'), 'utf8'));
// The core's `defaults`, `limits` and `profile_fields` of the state message (kept current by a Rust test:
// `OCRLAY_WRITE_UI_FIXTURES=1 cargo test --lib fixture`).
export const { defaults: DEFAULTS, limits: LIMITS, profile_fields: PROFILE_FIELDS } = JSON.parse(fs.readFileSync(path.join(here, 'fixtures', 'defaults.json'), 'utf8'));

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
    general: { source: 'ja', target: 'zh-CN', ui_language: 'auto', setup_done: false },
    network: { proxy: '', connect_timeout_secs: 10, read_timeout_secs: null },
    translation: { stream: true, context_lines: 2, custom_prompt: '', glossary: [{ src: 'アリス', dst: '爱丽丝', note: '女主角' }] },
    ocr: { engine: 'ppocr', language: 'auto', direction: 'auto', keep_furigana: false },
    capture: { method: 'auto' },
    hotkeys: {
      select_region: 'Alt+Q', repeat_last: 'Alt+W', toggle_overlay: 'Alt+H', toggle_auto: 'Alt+A',
      region_1: 'Alt+1', region_2: 'Alt+2', region_3: 'Alt+3', region_4: 'Alt+4', open_settings: 'Alt+Shift+S',
    },
    overlay: {
      font_family: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif', font_size: 20, text_color: '#ffffff',
      outline_color: '#000000', outline_width: 2, background_color: '#101014', background_opacity: 0.6, width: 560,
      show_original: false, locked: false, mode: 'beside',
    },
    auto: {
      start_on_launch: false, fast_interval_ms: 100, slow_interval_ms: 500, slow_after_ms: 3000, image_threshold: 0.03,
      stable_frames: 2, max_stable_wait_ms: 3000, animated_area: 0.02, text_threshold: 0.9,
    },
    regions: {
      active: 0,
      slots: [
        { name: '对话框', rect: [160, 820, 1600, 220], window: null, overlay_position: [200, 560] },
        { name: 'Menu', rect: [1380, 140, 420, 500], window: { title: 'My Game', app: 'game.exe', offset: [1300, 100, 420, 500] } },
        { name: 'Region 3', rect: null, window: null },
        { name: 'Region 4', rect: null, window: null },
      ],
    },
    memory: { cache: true, history: true, max_entries: 50000, history_days: 365, history_max_rows: 200000 },
    output: { copy: 'off', websocket: false, websocket_port: 6677, speak: 'off', voice: '', rate: 1 },
    filters: [{ pattern: '♪', replacement: '', regex: false, stage: 'before_translation', enabled: true }],
    providers,
  };
}

export function state(extra) {
  return {
    type: 'state',
    catalog: CATALOG,
    settings: settings(),
    defaults: structuredClone(DEFAULTS),
    limits: structuredClone(LIMITS),
    profile_fields: structuredClone(PROFILE_FIELDS),
    warnings: [],
    hotkey_errors: {},
    ui_lang: 'zh',
    system_lang: 'zh',
    config_path: '/home/u/.config/ocrlay/config.toml',
    ...extra,
  };
}
