// The settings window (settings.html): providers, general, auto mode, saved regions, replacement rules, memory,
// hotkeys, overlay appearance and network.
// Reads `state`, validates in the form, sends `save` with the whole Settings (see PROTOCOL.md).
// Text that comes from the core (provider replies, errors, warnings) is set with textContent only.
'use strict';

(function () {
  const { send, on, ready, el, icon, applyAppearance } = window.ocrlayUi;
  const i18n = window.ocrlayI18n;
  const t = i18n.t;
  const $ = (id) => document.getElementById(id);

  const LANGS = ['auto', 'ja', 'zh-CN', 'zh-TW', 'en', 'ko'];
  const STAGES = ['before_translation', 'after_translation'];
  const REGIONS = ['cn', 'global', 'local'];

  const S = {
    catalog: [],
    saved: null, // settings as last received or saved (the "clean" state)
    model: null, // working copy; provider and glossary edits land here
    systemLang: 'en',
    defaults: null, // Settings::default() as the core sends it (the `state` message's `defaults`)
    limits: {}, // the range of every numeric setting, by dotted path (`providers.*` for each provider)
    uiChoice: 'auto',
    section: 'providers',
    welcome: false, // the first-start guide is on show (the core says so)
    warnings: [], // the core's problems with the settings file: {field, message, fallback}
    hotkeyErrors: {},
    hotkeyDesk: null, // how keys reach ocrlay here (readHotkeyDesk)
    errors: new Map(), // field → {key, vars} (the page's) or {core} (a sentence of the core: {key, params})
    rules: { seq: 0, answer: null, errors: [] }, // the "try it" box: the last question, the core's last answer
    hotkeyCheck: { seq: 0, errors: [] }, // the core's last answer about the hotkeys as typed
    keys: {}, // provider id → {value, touched, removed, visible}
    expanded: new Set(),
    advOpen: new Set(), // providers whose advanced fields are open
    tests: {}, // id → {busy, ok, message}
    models: {}, // id → {busy, list, error}
    resolved: {}, // id → {input, url, error, busy}
    platform: null, // {covered_window_capture, note} from the state message
    profileFields: [], // what a profile can have of its own: the core's [{path, key, global}]
    own: null, // while a profile is edited: the paths of the fields it has of its own
    windows: null, // the last `windows` list: [{id, title, app, rect}]
    windowsBusy: false,
    cleared: new Set(), // saved-region slots the user cleared since the last save
    saving: false,
    loaded: false,
  };

  /** JSON with sorted keys, to compare two settings objects. */
  function stable(v) {
    if (Array.isArray(v)) return '[' + v.map(stable).join(',') + ']';
    if (v && typeof v === 'object') return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + stable(v[k])).join(',') + '}';
    return JSON.stringify(v === undefined ? null : v);
  }
  const clone = (v) => JSON.parse(JSON.stringify(v === undefined ? null : v));
  const getPath = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
  function setPath(obj, path, value) {
    const ks = path.split('.');
    let o = obj;
    for (const k of ks.slice(0, -1)) {
      if (o[k] == null || typeof o[k] !== 'object') o[k] = {};
      o = o[k];
    }
    o[ks[ks.length - 1]] = value;
  }
  const providerName = (p) => (i18n.lang === 'zh' ? p.name_zh || p.name : p.name || p.name_zh) || p.id;
  const providerNotes = (p) => (i18n.lang === 'zh' ? p.notes_zh || p.notes : p.notes || p.notes_zh) || '';
  const catalogEntry = (id) => S.catalog.find((p) => p.id === id);

  // ---------------------------------------------------------------- validation (mirrors src/config)

  function checkUrl(v) {
    const s = v.trim();
    if (s === '') return null;
    if (/\s/.test(s)) return { key: 'err.url_space' };
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(s);
    if (m && !/^https?$/i.test(m[1])) return { key: 'err.url_scheme' };
    let u;
    try {
      u = new URL(m ? s : 'https://' + s);
    } catch (e) {
      return { key: 'err.url_shape' };
    }
    if (!u.hostname) return { key: 'err.url_shape' };
    return null;
  }

  const PROXY_RE = /^(?:(https?|socks5h?):\/\/)?(?:[^@\s/]+@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})\/?$/;
  function checkProxy(v) {
    const s = v.trim();
    if (['', 'system', 'none', 'direct', 'off'].includes(s.toLowerCase())) return null;
    const m = PROXY_RE.exec(s);
    if (!m) {
      if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(s) && !/^(https?|socks5h?):\/\//i.test(s)) return { key: 'err.proxy_scheme' };
      return { key: 'err.proxy_shape' };
    }
    const port = Number(m[3]);
    if (port < 1 || port > 65535) return { key: 'err.proxy_port' };
    return null;
  }

  /** The names of the hotkey settings: the actions first, then the saved regions' (the core's JSON has them
   * in alphabetical order, which put "Open the settings" first and the region keys in the middle). */
  const HOTKEY_ORDER = ['select_region', 'repeat_last', 'toggle_overlay', 'toggle_auto', 'open_settings', 'region_1', 'region_2', 'region_3', 'region_4'];
  const hotkeyNames = () => {
    const names = Object.keys((S.defaults && S.defaults.hotkeys) || {});
    const rank = (n) => (HOTKEY_ORDER.includes(n) ? HOTKEY_ORDER.indexOf(n) : HOTKEY_ORDER.length);
    return names.sort((a, b) => rank(a) - rank(b));
  };

  /** The range of a numeric setting (a provider's by `providers.*`), from the core: {min, max|null}. */
  function limitOf(field) {
    const general = field.replace(/^providers\.[^.]+\./, 'providers.*.').replace(/^regions\.slots\.\d+\./, 'regions.slots.*.');
    const l = S.limits[general];
    return l && Number.isFinite(l.min) ? l : null;
  }

  /** A number for people: in the input's unit (the file's value ÷ data-scale), without float noise. */
  const shown = (v, scale) => String(Number((Number(v) / (scale || 1)).toFixed(4)));

  /** The core's ranges on the inputs (data-min/-max, and min/max of number inputs), in their units. */
  function applyLimits(root) {
    for (const input of fieldInputs(root)) {
      const l = limitOf(input.dataset.field);
      if (!l || ['text', 'percent'].includes(input.dataset.kind) || input.dataset.gt !== undefined) continue;
      const scale = Number(input.dataset.scale || 1);
      input.dataset.min = shown(l.min, scale);
      if (input.type === 'number') input.min = input.dataset.min;
      if (l.max === null || l.max === undefined) delete input.dataset.max;
      else {
        input.dataset.max = shown(l.max, scale);
        if (input.type === 'number') input.max = input.dataset.max;
      }
    }
  }

  /** Hints that name a setting's default and range (data-hint-for): filled from the core's `state`. */
  function fillHints() {
    document.querySelectorAll('[data-hint-for]').forEach((hint) => {
      const field = hint.dataset.hintFor;
      const input = document.querySelector(`[data-field="${CSS.escape(field)}"]`);
      const scale = Number((input && input.dataset.scale) || 1);
      const l = limitOf(field);
      const d = S.defaults && getPath(S.defaults, field);
      if (!l || d === undefined) {
        hint.textContent = '';
        return;
      }
      hint.textContent = t(hint.dataset.i18n, {
        default: d === null ? '' : shown(d, scale), min: shown(l.min, scale), max: l.max === null ? '' : shown(l.max, scale),
      });
    });
  }

  /** Parses one input by its data-kind. Returns {value} or {error}. */
  function parseInput(input) {
    const kind = input.dataset.kind;
    const raw = input.type === 'checkbox' ? input.checked : input.value;
    const num = (isFloat) => {
      const s = String(raw).trim();
      if (s === '' && !(input.validity && input.validity.badInput)) {
        return input.dataset.optional ? { value: null } : { error: { key: 'err.required' } };
      }
      const n = Number(s.replace(',', '.'));
      if (s === '' || !Number.isFinite(n) || (!isFloat && !Number.isInteger(n))) return { error: { key: isFloat ? 'err.number' : 'err.integer' } };
      const lo = input.dataset.min !== undefined ? Number(input.dataset.min) : -Infinity;
      const hi = input.dataset.max !== undefined ? Number(input.dataset.max) : Infinity;
      if (n < lo || n > hi) return { error: { key: 'err.range', vars: { min: lo, max: hi } } };
      if (input.dataset.gt !== undefined && !(n > Number(input.dataset.gt))) return { error: { key: 'err.range_open', vars: { min: input.dataset.gt, max: hi } } };
      return { value: n };
    };
    switch (kind) {
      case 'bool': return { value: !!raw };
      // A choice where "" means "as the general setting says" (sent as null, left out of the file).
      case 'choice': return { value: raw === '' ? null : raw };
      case 'int': return num(false);
      case 'float': return num(true);
      case 'scaled': {
        // Shown in the user's unit (%, s), stored in the file's (fraction, ms): value × data-scale.
        const r = num(true);
        if (r.error || r.value === null) return r;
        const v = r.value * Number(input.dataset.scale);
        return { value: input.dataset.int ? Math.round(v) : Math.round(v * 1e6) / 1e6 };
      }
      case 'percent': {
        const n = Number(raw);
        return Number.isFinite(n) && n >= 0 && n <= 100 ? { value: Math.round(n) / 100 } : { error: { key: 'err.range', vars: { min: 0, max: 100 } } };
      }
      case 'color':
        return /^#[0-9a-fA-F]{6}$/.test(raw) ? { value: raw.toLowerCase() } : { error: { key: 'err.color' } };
      case 'font': {
        const s = raw.trim();
        if (!s || /[;{}<>\\]/.test(s)) return { error: { key: 'err.font' } };
        return { value: s };
      }
      case 'url': {
        const e = checkUrl(raw);
        return e ? { error: e } : { value: raw.trim() };
      }
      case 'proxy': {
        const e = checkProxy(raw);
        return e ? { error: e } : { value: raw.trim() };
      }
      // Checked by the core as it is typed (check_hotkeys); here only tidied.
      case 'hotkey': return { value: raw.trim().split('+').map((p) => p.trim()).join('+') };
      case 'raw': return { value: raw };
      default: return { value: typeof raw === 'string' ? raw.trim() : raw };
    }
  }

  function fieldInputs(root) {
    return Array.from((root || document).querySelectorAll('[data-field]'));
  }

  /** Reads every bound input into S.model; returns the field errors found. */
  function readForm() {
    const errors = [];
    for (const input of fieldInputs()) {
      const field = input.dataset.field;
      if (input.dataset.kind === 'apikey') continue;
      const r = parseInput(input);
      if (r.error) errors.push({ field, ...r.error });
      else setPath(S.model, field, r.value);
    }
    // Glossary rows: fully empty rows are dropped; a row without a source term is refused.
    const rows = [];
    document.querySelectorAll('#glossary-body tr').forEach((tr, i) => {
      const get = (k) => tr.querySelector(`[data-gl="${k}"]`).value;
      const e = { src: get('src').trim(), dst: get('dst').trim(), note: get('note').trim() };
      if (!e.src && !e.dst && !e.note) return;
      if (!e.src) errors.push({ field: 'translation.glossary', key: 'err.glossary_src', vars: { n: i + 1 } });
      rows.push(e);
    });
    setPath(S.model, 'translation.glossary', rows);
    // Hotkeys: the core checks them as they are typed (its last answer).
    for (const e of S.hotkeyCheck.errors) errors.push(e);
    // Saved regions: a name is what the overlay and the history show.
    S.model.regions.slots.forEach((slot, i) => {
      const name = String(slot.name || '');
      if (!name) errors.push({ field: `regions.slots.${i}.name`, key: 'err.required' });
      else {
        const l = limitOf(`regions.slots.${i}.name`);
        if (l && l.max !== null && [...name].length > l.max) errors.push({ field: `regions.slots.${i}.name`, key: 'err.name_long', vars: { n: l.max } });
      }
    });
    // Replacement rules: the core checks them (the last `rules_tried` answer); rows left empty are dropped.
    for (const e of S.rules.errors) errors.push(e);
    for (const p of S.catalog) {
      const ps = S.model.providers[p.id];
      if (p.id === 'custom' && ps && ps.enabled && !String(ps.url || '').trim() && !errors.some((e) => e.field === 'providers.custom.url')) {
        errors.push({ field: 'providers.custom.url', key: 'err.url_required' });
      }
    }
    return errors;
  }

  /** The Settings JSON to save: the received object with the form's values and the key rule applied. */
  function buildSettings() {
    const out = clone(S.model);
    for (const p of S.catalog) out.providers[p.id] = providerSettings(p.id);
    return forSave(out, S.cleared);
  }

  /**
   * What the app sets in a saved region (its rectangle, where the overlay was left) is left out, so the core
   * keeps its own (perhaps newer) values; a slot the user cleared sends them as null. Empty rules are dropped.
   */
  function forSave(out, cleared) {
    out.regions.slots.forEach((slot, i) => {
      if (cleared && cleared.has(i)) {
        slot.rect = null;
        slot.overlay_position = null;
      } else {
        delete slot.rect;
        delete slot.overlay_position;
      }
    });
    out.filters = out.filters.filter((r) => r.pattern !== '' || r.replacement !== '');
    return out;
  }

  /** A provider's settings as the core's defaults have them. */
  const providerDefaults = (id) => clone((S.defaults && S.defaults.providers && S.defaults.providers[id]) || {});

  /** One provider's settings as the form has them (unsaved), with api_key null / "" / the typed key. */
  function providerSettings(id) {
    const ps = Object.assign({}, providerDefaults(id), clone(S.model.providers[id] || {}));
    const k = S.keys[id] || {};
    if (k.removed) ps.api_key = '';
    else if (k.touched && k.value !== '') ps.api_key = k.value;
    else ps.api_key = null;
    return ps;
  }

  // ---------------------------------------------------------------- errors

  /** An error in the UI language: the page's ({key, vars}), the core's ({core}), or the core's refusals of
   * fields the page has no place for ({loose: [{field, core}]}). */
  function errorText(e) {
    if (e.loose) return e.loose.map((x) => (x.field ? x.field + ': ' : '') + i18n.text(x.core)).join(' · ');
    if (e.core !== undefined) return i18n.text(e.core);
    return t(e.key, e.vars);
  }

  /** A warning of the `state` message: where ({field}), what ({message}), what is used instead ({fallback}). */
  function readWarning(w) {
    if (typeof w === 'string') return { field: '', message: w, fallback: 'note' };
    if (!w || typeof w !== 'object') return null;
    return { field: typeof w.field === 'string' ? w.field : '', message: w.message ?? '', fallback: w.fallback ?? 'note' };
  }

  /** What the settings use instead of a refused value, in words. */
  function fallbackText(fb) {
    if (fb && typeof fb === 'object' && 'value' in fb) {
      const v = fb.value;
      if (v === null) return t('warn.unset');
      if (v === '') return t('warn.empty');
      return t('warn.using', { value: typeof v === 'string' ? v : JSON.stringify(v) });
    }
    if (fb === 'defaults') return t('warn.defaults');
    if (fb === 'ignored') return t('warn.ignored');
    return '';
  }

  function warningText(w) {
    const fb = fallbackText(w.fallback);
    return fb ? t('warn.line', { message: w.message, fallback: fb }) : i18n.text(w.message);
  }

  /** The file's warning about a field, while the field still holds what the file was read as. */
  const warningFor = (field) => S.warnings.find((w) => w.field === field && !w.edited);

  function renderErrors() {
    document.querySelectorAll('[data-error-for]').forEach((span) => {
      const field = span.dataset.errorFor;
      const e = S.errors.get(field);
      const w = e ? null : warningFor(field);
      span.textContent = e ? errorText(e) : w ? warningText(w) : '';
      span.classList.toggle('on', !!(e || w));
      span.classList.toggle('warn', !!w);
    });
    document.querySelectorAll('[data-field]').forEach((input) => {
      input.classList.toggle('invalid', S.errors.has(input.dataset.field));
    });
    // Hotkey conflicts reported by the core (kept until the field changes).
    document.querySelectorAll('[data-hotkey-error]').forEach((span) => {
      const msg = S.hotkeyErrors[span.dataset.hotkeyError];
      span.textContent = msg ? i18n.text(msg) : '';
      span.classList.toggle('on', !!msg);
    });
    $('hotkey-dot').hidden = !Object.keys(S.hotkeyErrors).some((k) => S.hotkeyErrors[k]);
    // A folded part with a refused field in it opens (the auto mode's advanced fields).
    document.querySelectorAll('.section details').forEach((d) => {
      if (d.querySelector('.field-error.on')) d.open = true;
    });
    renderFooter();
    document.querySelectorAll('.provider').forEach((card) => {
      const bad = Array.from(S.errors.keys()).some((f) => f.startsWith('providers.' + card.dataset.id + '.'));
      card.classList.toggle('has-error', bad);
    });
  }

  function sectionOfField(field) {
    const top = field.split('.')[0];
    return { providers: 'providers', hotkeys: 'hotkeys', overlay: 'overlay', network: 'network', auto: 'auto', regions: 'regions', filters: 'filters', memory: 'memory' }[top] || 'general';
  }

  /** Shows the first error: its section, its provider card (opened), its input focused. */
  function revealFirstError() {
    const first = S.errors.keys().next().value;
    if (!first) return;
    showSection(sectionOfField(first));
    const parts = first.split('.');
    if (parts[0] === 'providers' && parts[1]) {
      if (!S.expanded.has(parts[1])) {
        S.expanded.add(parts[1]);
        renderProviders();
        renderErrors();
      }
      if (['temperature', 'top_p', 'max_tokens'].includes(parts[2])) {
        const d = document.querySelector(`.provider[data-id="${CSS.escape(parts[1])}"] details`);
        if (d) d.open = true;
      }
    }
    const input = document.querySelector(`[data-field="${CSS.escape(first)}"]`) || document.querySelector(`[data-error-for="${CSS.escape(first)}"]`);
    const fold = input && input.closest('details');
    if (fold) fold.open = true;
    if (input) {
      input.scrollIntoView({ block: 'center' });
      if (input.focus) input.focus({ preventScroll: true });
    }
  }

  function clearError(field) {
    // Editing a field the file had wrong answers its warning too.
    const w = warningFor(field);
    if (w) w.edited = true;
    if (S.errors.delete(field) || w) renderErrors();
  }

  // ---------------------------------------------------------------- sections and language

  function showSection(name) {
    S.section = name;
    document.querySelectorAll('.section').forEach((s) => (s.hidden = s.dataset.section !== name));
    document.querySelectorAll('.nav-item').forEach((b) => {
      b.classList.toggle('active', b.dataset.section === name);
      b.setAttribute('aria-current', b.dataset.section === name ? 'page' : 'false');
    });
    $('content').scrollTop = 0;
  }

  function effectiveLang(choice) {
    return choice === 'zh' || choice === 'en' ? choice : S.systemLang === 'zh' ? 'zh' : 'en';
  }

  function setUiChoiceState(choice) {
    S.uiChoice = ['auto', 'zh', 'en'].includes(choice) ? choice : 'auto';
    const sel = $('ui-lang-select');
    if (sel) sel.value = S.uiChoice;
    document.querySelectorAll('#lang-seg button').forEach((b) => b.setAttribute('aria-checked', String(b.dataset.lang === S.uiChoice)));
  }

  function setUiChoice(choice, fromUser) {
    S.uiChoice = ['auto', 'zh', 'en'].includes(choice) ? choice : 'auto';
    const sel = $('ui-lang-select');
    if (sel) sel.value = S.uiChoice;
    if (S.model) setPath(S.model, 'general.ui_language', S.uiChoice);
    document.querySelectorAll('#lang-seg button').forEach((b) => b.setAttribute('aria-checked', String(b.dataset.lang === S.uiChoice)));
    if (fromUser) send({ type: 'set_ui_lang', ui_lang: S.uiChoice });
    rerender(effectiveLang(S.uiChoice));
  }

  /** Re-renders everything in a language, keeping what the user typed. */
  function rerender(lang) {
    if (S.loaded) readForm();
    i18n.setLang(lang);
    document.documentElement.lang = i18n.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('app.title');
    fillLangSelects();
    i18n.apply(document);
    fillHints();
    fillFontChoice();
    const paused = $('hotkey-paused');
    if (paused.dataset.state) paused.textContent = t(paused.dataset.state === 'paused' ? 'hotkeys.paused' : 'hotkeys.resumed');
    if (S.model) {
      renderProviders();
      renderHotkeys();
      renderGlossary();
      renderRegions();
      renderFilters();
      renderProfiles();
      renderPlatform();
      renderBanner();
      updatePreview();
      renderErrors();
      if (S.loaded) updateDirty();
    }
  }

  function fillLangSelects() {
    document.querySelectorAll('select[data-kind="lang"]').forEach((sel) => {
      const cur = sel.value || getPath(S.model || {}, sel.dataset.field);
      const only = sel.dataset.only ? sel.dataset.only.split(',') : LANGS;
      sel.replaceChildren(...only.filter((l) => l !== 'auto' || sel.dataset.auto).map((l) => el('option', { text: t('lang.' + l), attrs: { value: l } })));
      if (cur) sel.value = cur;
    });
  }

  // ---------------------------------------------------------------- loading

  function loadStatic() {
    fillVoiceSelect(getPath(S.model, 'output.voice') || '');
    for (const input of fieldInputs($('content'))) {
      if (input.closest('.provider') || input.closest('#hotkey-list') || input.closest('#region-list') || input.closest('#rules')) continue;
      const v = getPath(S.model, input.dataset.field);
      setInput(input, v);
    }
    $('config-path').textContent = S.configPath || '';
  }

  function setInput(input, v) {
    const kind = input.dataset.kind;
    if (kind === 'bool') input.checked = !!v;
    else if (kind === 'percent') input.value = String(Math.round((Number.isFinite(Number(v)) ? Number(v) : 0.6) * 100));
    else if (kind === 'scaled') input.value = Number.isFinite(Number(v)) && v !== null ? String(Number((Number(v) / Number(input.dataset.scale)).toFixed(4))) : '';
    else input.value = v === null || v === undefined ? '' : String(v);
    updateOutput(input);
  }

  function updateOutput(input) {
    const out = document.querySelector(`[data-out-for="${CSS.escape(input.dataset.field)}"]`);
    if (!out) return;
    if (input.dataset.kind === 'percent') out.textContent = input.value + '%';
    else out.textContent = input.value + (input.dataset.unit || '');
  }

  /** The settings of `state`, with every section and field present (the core's defaults fill the gaps). */
  function normalizeSettings(s) {
    const D = S.defaults || {};
    const m = clone(s || {});
    const section = (name) => Object.assign({}, D[name], m[name] && typeof m[name] === 'object' ? m[name] : {});
    for (const name of ['general', 'network', 'translation', 'ocr', 'hotkeys', 'overlay', 'auto', 'memory', 'output']) m[name] = section(name);
    if (m.network.proxy === null || m.network.proxy === undefined) m.network.proxy = '';
    if (!Array.isArray(m.translation.glossary)) m.translation.glossary = [];
    m.translation.glossary = m.translation.glossary
      .filter((e) => e && typeof e === 'object')
      .map((e) => ({ src: String(e.src || ''), dst: String(e.dst || ''), note: String(e.note || '') }));
    if (m.overlay.mode !== 'over') m.overlay.mode = 'beside';
    const regions = m.regions && typeof m.regions === 'object' ? m.regions : {};
    const slots = Array.isArray(regions.slots) ? regions.slots : [];
    const count = ((D.regions && D.regions.slots) || []).length;
    m.regions = Object.assign({}, regions, {
      active: Number.isInteger(regions.active) && regions.active >= 0 && regions.active < count ? regions.active : 0,
      slots: Array.from({ length: count }, (x, i) => normalizeSlot(slots[i], i)),
    });
    m.filters = (Array.isArray(m.filters) ? m.filters : []).filter((r) => r && typeof r === 'object').map((r) => ({
      pattern: typeof r.pattern === 'string' ? r.pattern : '',
      replacement: typeof r.replacement === 'string' ? r.replacement : '',
      regex: !!r.regex,
      stage: r.stage === 'after_translation' || r.stage === 'after' ? 'after_translation' : 'before_translation',
      enabled: r.enabled !== false,
      // A correction made in a region's overlay applies to that region's text only.
      ...(typeof r.region === 'string' && r.region ? { region: r.region } : {}),
    }));
    m.providers = m.providers && typeof m.providers === 'object' ? m.providers : {};
    for (const p of S.catalog) m.providers[p.id] = Object.assign(providerDefaults(p.id), m.providers[p.id] || {});
    for (const ps of Object.values(m.providers)) {
      for (const k of ['url', 'model', 'proxy']) if (ps[k] === null || ps[k] === undefined) ps[k] = '';
    }
    return m;
  }

  /** The name an empty saved region has (the core's default). */
  const slotName = (i) => String((S.defaults && S.defaults.regions && S.defaults.regions.slots[i] && S.defaults.regions.slots[i].name) || '');

  const isRect = (r) => Array.isArray(r) && r.length === 4 && r.every((n) => Number.isFinite(n));

  function normalizeSlot(s, i) {
    const o = s && typeof s === 'object' ? clone(s) : {};
    o.name = typeof o.name === 'string' ? o.name : slotName(i);
    o.rect = isRect(o.rect) ? o.rect : null;
    o.watch = o.watch === true;
    o.overlay_mode = o.overlay_mode === 'beside' || o.overlay_mode === 'over' ? o.overlay_mode : null;
    o.direction = ['auto', 'horizontal', 'vertical'].includes(o.direction) ? o.direction : null;
    const w = o.window;
    o.window = w && typeof w === 'object' && isRect(w.offset)
      ? { title: typeof w.title === 'string' ? w.title : '', app: typeof w.app === 'string' ? w.app : '', offset: w.offset }
      : null;
    return o;
  }

  on('state', (msg) => {
    S.catalog = Array.isArray(msg.catalog) ? msg.catalog.filter((p) => p && typeof p.id === 'string') : [];
    S.systemLang = msg.system_lang === 'zh' ? 'zh' : 'en';
    S.defaults = msg.defaults && typeof msg.defaults === 'object' ? msg.defaults : S.defaults;
    S.limits = msg.limits && typeof msg.limits === 'object' ? msg.limits : {};
    S.model = normalizeSettings(msg.settings);
    S.saved = clone(S.model);
    S.warnings = (Array.isArray(msg.warnings) ? msg.warnings : []).map(readWarning).filter(Boolean);
    S.bannerClosed = false;
    S.hotkeyErrors = msg.hotkey_errors && typeof msg.hotkey_errors === 'object' ? Object.assign({}, msg.hotkey_errors) : {};
    S.hotkeyDesk = readHotkeyDesk(msg.hotkey_desk);
    S.configPath = typeof msg.config_path === 'string' ? msg.config_path : '';
    S.editing = typeof msg.editing === 'string' ? msg.editing : null;
    S.inEffect = typeof msg.profile_in_effect === 'string' ? msg.profile_in_effect : null;
    S.profileFields = readProfileFields(msg.profile_fields);
    S.enabledByTest = new Set();
    const pf = msg.platform;
    S.platform = pf && typeof pf === 'object' ? { covered_window_capture: !!pf.covered_window_capture, note: pf.note || null } : null;
    S.cleared = new Set();
    S.errors.clear();
    S.rules = { seq: S.rules.seq, answer: null, errors: [] };
    S.hotkeyCheck = { seq: S.hotkeyCheck.seq, errors: [] };
    S.keys = {};
    S.tests = {};
    S.models = {};
    S.resolved = {};
    S.saving = false;
    if (!S.loaded) {
      S.expanded = new Set(S.catalog.filter((p) => S.model.providers[p.id].enabled).map((p) => p.id));
    }
    S.uiChoice = ['auto', 'zh', 'en'].includes(S.model.general.ui_language) ? S.model.general.ui_language : 'auto';
    const lang = msg.ui_lang === 'zh' || msg.ui_lang === 'en' ? (S.uiChoice === 'auto' ? msg.ui_lang : S.uiChoice) : effectiveLang(S.uiChoice);
    S.loaded = false; // the form does not hold these values yet: do not read it back
    i18n.setLang(lang);
    fillLangSelects();
    applyLimits($('content'));
    loadStatic();
    if (S.model.output.speak !== 'off' && !voices.list) requestVoices();
    S.uiChoice = S.uiChoice === 'auto' ? 'auto' : S.uiChoice;
    setUiChoiceState(S.uiChoice);
    rerender(lang);
    S.loaded = true;
    S.dirty = false;
    document.body.classList.remove('dirty');
    renderBanner();
    setSaving(false);
    setFooter(null);
    renderWelcome();
    startScopes();
    // A state after a save (or a profile switch) keeps the user where they were; only the first one starts
    // at the top.
    const scroll = $('content').scrollTop;
    showSection(S.section);
    if (wasShown) $('content').scrollTop = scroll;
    wasShown = true;
  });
  let wasShown = false;

  // ---------------------------------------------------------------- first start

  // The welcome (first start, or no provider ever worked): what ocrlay does, three steps, the key pages.
  function renderWelcome() {
    const box = $('welcome');
    box.hidden = !S.welcome;
    if (!S.welcome) return;
    const hk = (S.model && S.model.hotkeys) || {};
    $('welcome-step1').textContent = t('welcome.step1');
    $('welcome-step2').textContent = t('welcome.step2');
    $('welcome-step3').textContent = t('welcome.step3', { hotkey: hk.select_region || '', settings: hk.open_settings || '' });
    const links = $('welcome-links');
    links.replaceChildren();
    for (const p of S.catalog) {
      if (!p.key_page) continue;
      const a = el('button', { class: 'link', attrs: { type: 'button', 'data-url': p.key_page } }, el('span', { text: providerName(p) }), icon('external'));
      a.title = p.key_page;
      a.addEventListener('click', () => send({ type: 'open_url', url: p.key_page }));
      links.append(a);
    }
  }

  on('show', (msg) => {
    if (typeof msg.section === 'string' && document.querySelector('.section[data-section="' + CSS.escape(msg.section) + '"]')) {
      S.section = msg.section;
    }
    if (msg.welcome) S.welcome = true;
    if (S.loaded) {
      renderWelcome();
      showSection(S.section);
    }
  });

  // ---------------------------------------------------------------- providers

  /**
   * Rebuilds a part of the form with `build`, keeping what the user typed in it (even values that do not
   * validate yet) unless the form is being loaded from a new state.
   */
  function preserving(root, build) {
    const keep = new Map();
    if (S.loaded) {
      root.querySelectorAll('[data-field]').forEach((i) => {
        if (i.dataset.kind !== 'apikey') keep.set(i.dataset.field, i.type === 'checkbox' ? i.checked : i.value);
      });
    }
    build();
    root.querySelectorAll('[data-field]').forEach((i) => {
      if (!keep.has(i.dataset.field)) return;
      if (i.type === 'checkbox') i.checked = keep.get(i.dataset.field);
      else i.value = keep.get(i.dataset.field);
    });
  }

  function renderProviders() {
    preserving($('provider-groups'), buildProviders);
  }

  function buildProviders() {
    const root = $('provider-groups');
    const scroll = $('content').scrollTop;
    // Keep what is focused, to restore it after the rebuild.
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.field : null;
    root.replaceChildren();
    let enabled = 0;
    for (const region of REGIONS) {
      const list = S.catalog.filter((p) => p.region === region);
      if (!list.length) continue;
      const on = list.filter((p) => S.model.providers[p.id] && S.model.providers[p.id].enabled).length;
      enabled += on;
      const group = el('section', { class: 'group', attrs: { 'data-region': region } },
        el('h2', { class: 'group-title' },
          el('span', { text: t('region.' + region) }),
          el('span', { class: 'group-sub', text: t('region.' + region + '_hint') }),
          on ? el('span', { class: 'pill', text: t('providers.enabled_n', { n: on }) }) : null));
      for (const p of list) group.append(providerCard(p));
      root.append(group);
    }
    $('enabled-count').textContent = enabled ? String(enabled) : '';
    $('content').scrollTop = scroll;
    if (active) {
      const again = document.querySelector(`[data-field="${CSS.escape(active)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  // A provider's card: a header that opens it, then its fields, its advanced sampling and its test. Each part
  // is built by one function below from the card's context `c` ({ p: catalog entry, id, ps: its settings, f:
  // field path, card }).
  function providerCard(p) {
    const id = p.id;
    const ps = S.model.providers[id];
    const open = S.expanded.has(id);
    const card = el('article', { class: 'provider' + (open ? ' open' : '') + (ps.enabled ? ' enabled' : ''), attrs: { 'data-id': id } });
    const c = { p, id, ps, f: (name) => `providers.${id}.${name}`, card };
    card.append(providerHead(c, open));

    const body = el('div', { class: 'provider-body' });
    const notes = providerNotes(p);
    if (notes) body.append(el('p', { class: 'notes', text: notes }));
    const tunnel = /ssh\s+-N\s+-L\s+[^\s]+\s+-p\s+<[^>]+>\s+\S+@<[^>]+>/.exec(notes);
    if (tunnel) {
      body.append(el('div', { class: 'tunnel' }, el('span', { class: 'lbl', text: t('providers.tunnel') }), el('code', { class: 'cmd', text: tunnel[0] })));
    }
    const grid = el('div', { class: 'grid2' });
    const url = urlField(c);
    grid.append(url.field, keyField(c), proxyField(c), modelField(c));
    if (p.prompt === 'sakura') grid.append(sakuraField(c));
    body.append(grid, advancedFields(c), ...testActions(c));
    if (S.enabledByTest && S.enabledByTest.has(id)) body.append(el('p', { class: 'hint ok enabled-by-test', text: t('providers.enabled_by_test') }));

    body.addEventListener('input', (e) => {
      if (e.target.dataset && e.target.dataset.field) {
        // A test's result holds for the values it was made with: another address, key, model or proxy drops it.
        if (/\.(url|api_key|model|proxy)$/.test(e.target.dataset.field)) forgetTest(id);
        clearError(e.target.dataset.field);
        if (e.target.dataset.kind !== 'apikey') {
          const r = parseInput(e.target);
          if (!r.error) setPath(S.model, e.target.dataset.field, r.value);
        }
        if (e.target === url.input) url.showResolved();
        updateDirty();
      }
    });
    card.append(body);
    applyLimits(card);
    return card;
  }

  // Header: switch, name, badges, last test result, chevron (opens and closes the card).
  function providerHead({ p, id, ps, f, card }, open) {
    const sw = el('input', { attrs: { type: 'checkbox', 'data-field': f('enabled'), 'data-kind': 'bool', 'aria-label': t('providers.enable') } });
    sw.checked = !!ps.enabled;
    sw.addEventListener('change', () => {
      ps.enabled = sw.checked;
      card.classList.toggle('enabled', sw.checked);
      if (sw.checked && !S.expanded.has(id)) {
        S.expanded.add(id);
        card.classList.add('open');
      }
      clearError(f('url'));
      const n = S.catalog.filter((c) => S.model.providers[c.id] && S.model.providers[c.id].enabled).length;
      $('enabled-count').textContent = n ? String(n) : '';
      updateDirty();
    });
    const badges = el('span', { class: 'badges' });
    if (p.needs_proxy) badges.append(el('span', { class: 'badge proxy', text: t('badge.proxy') }));
    if (p.key_format === 'optional') badges.append(el('span', { class: 'badge', text: t('badge.no_key') }));
    if (p.prompt === 'sakura') badges.append(el('span', { class: 'badge sakura', text: 'Sakura' }));
    if (id === 'custom') badges.append(el('span', { class: 'badge', text: t('badge.relay') }));
    const test = S.tests[id] && !S.tests[id].stale ? S.tests[id] : null;
    const chip = el('span', { class: 'test-chip' + (test && !test.busy ? (test.ok ? ' ok' : ' bad') : '') });
    if (test && !test.busy) chip.textContent = test.ok ? (Number.isFinite(test.latency) ? `✓ ${test.latency} ms` : '✓') : '✕ ' + t('test.failed');
    const title = el('button', { class: 'provider-title', attrs: { type: 'button', 'aria-expanded': String(open) } },
      el('span', { class: 'pname', text: providerName(p) }), badges, chip, el('span', { class: 'chev' }, icon('chevron')));
    title.addEventListener('click', () => {
      const nowOpen = !card.classList.contains('open');
      card.classList.toggle('open', nowOpen);
      title.setAttribute('aria-expanded', String(nowOpen));
      if (nowOpen) S.expanded.add(id);
      else S.expanded.delete(id);
    });
    return el('header', { class: 'provider-head' },
      el('label', { class: 'switch', title: t('providers.enable') }, sw, el('span', { class: 'slider' })), title);
  }

  // URL, with the address the core resolved it to under it (`resolve_url`).
  function urlField({ p, id, ps, f }) {
    const url = el('input', { attrs: { type: 'text', spellcheck: 'false', 'data-field': f('url'), 'data-kind': 'url', placeholder: p.url || 'https://api.example.com/v1', autocomplete: 'off' } });
    url.value = ps.url || '';
    // The line keeps its place (one line, empty or not): it appears when the field loses the focus, which is
    // also when a click on the test button below begins, and must not move that button under the pointer.
    const resolvedLine = el('span', { class: 'resolved' });
    const showResolved = () => {
      const r = S.resolved[id];
      resolvedLine.className = 'resolved';
      const typed = url.value.trim();
      if (r && r.input === typed && typed) {
        if (r.busy) resolvedLine.textContent = '…';
        else if (r.error) {
          resolvedLine.textContent = i18n.text(r.error);
          resolvedLine.classList.add('bad');
        } else {
          resolvedLine.textContent = '→ ' + r.url;
          resolvedLine.classList.add('ok');
        }
      } else resolvedLine.textContent = '';
      resolvedLine.title = resolvedLine.textContent;
    };
    showResolved();
    url.addEventListener('change', () => {
      const typed = url.value.trim();
      ps.url = typed;
      if (!typed) {
        delete S.resolved[id];
        showResolved();
        return;
      }
      const e = checkUrl(typed);
      if (e) {
        S.errors.set(f('url'), e);
        renderErrors();
        delete S.resolved[id];
        showResolved();
        return;
      }
      clearError(f('url'));
      S.resolved[id] = { input: typed, busy: true };
      showResolved();
      send({ type: 'resolve_url', id, input: typed });
    });
    resolvedLine.dataset.resolvedFor = id;
    return { field: field(t('providers.url'), url, f('url'), resolvedLine, 'wide'), input: url, showResolved };
  }

  // API key: password field, eye toggle, hint of the stored key (the core's mask), format note, remove.
  function keyField({ p, id, ps, f }) {
    const k = S.keys[id] || (S.keys[id] = { value: '', touched: false, removed: false, visible: false });
    const key = el('input', { attrs: { type: k.visible ? 'text' : 'password', spellcheck: 'false', autocomplete: 'off', 'data-field': f('api_key'), 'data-kind': 'apikey' } });
    key.value = k.value;
    key.placeholder = k.removed ? t('key.removed') : ps.api_key_set ? ps.api_key_hint || '••••••••' : p.key_format === 'optional' ? t('key.optional') : t('key.not_set');
    key.addEventListener('input', () => {
      k.value = key.value;
      k.touched = true;
      if (key.value) k.removed = false;
      updateDirty();
    });
    const eye = el('button', { class: 'icon-btn eye', title: t(k.visible ? 'key.hide' : 'key.show'), attrs: { type: 'button' } }, icon(k.visible ? 'eye-off' : 'eye'));
    eye.addEventListener('click', () => {
      k.visible = !k.visible;
      key.type = k.visible ? 'text' : 'password';
      eye.replaceChildren(icon(k.visible ? 'eye-off' : 'eye'));
      eye.title = t(k.visible ? 'key.hide' : 'key.show');
    });
    const keyRow = el('div', { class: 'input-row' }, key, eye);
    let keyNote = null;
    if (p.key_format === 'key_colon_secret') keyNote = el('span', { class: 'hint key-note', text: t('key.colon_secret') });
    else if (p.key_format === 'optional') keyNote = el('span', { class: 'hint key-note', text: t('key.optional_note') });
    else if (ps.api_key_set && !k.removed) keyNote = el('span', { class: 'hint', text: t('key.stored') });
    if (ps.api_key_set && !k.removed) {
      const rm = el('button', { class: 'link danger', text: t('key.remove'), title: t('key.remove_hint'), attrs: { type: 'button', 'data-action': 'remove-key' } });
      rm.addEventListener('click', () => {
        k.removed = true;
        k.value = '';
        k.touched = false;
        key.value = '';
        key.placeholder = t('key.removed');
        rm.remove();
        if (keyNote && keyNote.parentNode && !keyNote.classList.contains('key-note')) keyNote.textContent = t('key.removed');
        updateDirty();
      });
      if (!keyNote) keyNote = el('span', { class: 'hint' });
      keyNote.append(' ', rm);
    }
    return field(t('providers.api_key'), keyRow, f('api_key'), keyNote);
  }

  function proxyField({ p, ps, f }) {
    const proxy = el('input', { attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-field': f('proxy'), 'data-kind': 'proxy', placeholder: p.region === 'local' ? t('providers.proxy_ph_local') : t('providers.proxy_ph') } });
    proxy.value = ps.proxy || '';
    return field(t('providers.proxy'), proxy, f('proxy'), p.needs_proxy ? el('span', { class: 'hint', text: t('providers.needs_proxy') }) : null);
  }

  // Model: free text with suggestions from the catalog and from the provider's /models (`list_models`).
  function modelField({ p, id, ps, f, card }) {
    const listId = 'models-' + id;
    const dl = el('datalist', { attrs: { id: listId } });
    // The server's models first, then the catalog's names it did not list, each labelled where it comes from.
    const fillModels = () => {
      const server = [...new Set((S.models[id] && S.models[id].list) || [])];
      const builtin = (p.models || []).filter((m) => !server.includes(m));
      dl.replaceChildren(
        ...server.map((m) => el('option', { attrs: { value: m, label: t('providers.model_from_server'), 'data-from': 'server' } })),
        ...builtin.map((m) => el('option', { attrs: { value: m, label: t('providers.model_builtin'), 'data-from': 'builtin' } })));
    };
    fillModels();
    const model = el('input', { attrs: { type: 'text', list: listId, spellcheck: 'false', autocomplete: 'off', 'data-field': f('model'), 'data-kind': 'text' } });
    model.value = ps.model || '';
    model.placeholder = id === 'doubao' ? 'ep-20250101123456-abcde' : (p.models && p.models[0]) || t('providers.model_ph');
    const fetchBtn = el('button', { class: 'btn small', attrs: { type: 'button', 'data-action': 'list-models' } }, icon('refresh'), el('span', { text: t('providers.fetch_models') }));
    const modelsLine = el('span', { class: 'hint models-line' });
    const modelNote = id === 'doubao' ? el('span', { class: 'hint key-note', text: t('providers.doubao_model') }) : ['sakura-llama', 'rented-gpu'].includes(id) ? el('span', { class: 'hint', text: t('providers.sakura_model') }) : null;
    const showModels = () => {
      const m = S.models[id];
      fetchBtn.classList.toggle('busy', !!(m && m.busy));
      fetchBtn.disabled = !!(m && m.busy);
      modelsLine.className = 'hint models-line';
      if (!m || m.busy) modelsLine.textContent = m && m.busy ? t('providers.fetching') : '';
      else if (m.error) {
        modelsLine.textContent = i18n.text(m.error);
        modelsLine.classList.add('bad');
      } else {
        // Which model a test and a translation use: the one filled in, the one typed, or the catalog's first
        // (the field's placeholder) while the field is empty.
        const found = t('providers.models_n', { n: m.list.length });
        let which = '';
        if (m.filled) which = t('providers.models_filled', { model: m.filled });
        else if (!model.value.trim()) which = p.models && p.models[0] ? t('providers.models_uses', { model: p.models[0] }) : t('providers.models_pick');
        modelsLine.textContent = which ? found + t('common.sentence_sep') + which : found;
      }
    };
    showModels();
    fetchBtn.addEventListener('click', () => {
      const errs = providerErrors(id);
      if (errs) return;
      S.models[id] = { busy: true, list: [] };
      showModels();
      send({ type: 'list_models', id, provider: providerSettings(id) });
    });
    // One model found and none typed: it is the one to use.
    const takeOnly = () => {
      const m = S.models[id];
      if (!m || m.busy || m.error || m.list.length !== 1 || model.value.trim()) return;
      model.value = m.list[0];
      m.filled = m.list[0];
      model.dispatchEvent(new Event('input', { bubbles: true }));
    };
    model.addEventListener('input', () => {
      if (S.models[id] && S.models[id].filled !== model.value) {
        delete S.models[id].filled;
        showModels();
      }
    });
    card._models = { fillModels, showModels, takeOnly };
    return field(t('providers.model'), el('div', { class: 'input-row' }, model, fetchBtn, dl), f('model'), el('span', { class: 'hint-stack' }, modelNote, modelsLine), 'wide');
  }

  function sakuraField({ ps, f }) {
    const sel = el('select', { attrs: { 'data-field': f('sakura_version'), 'data-kind': 'text' } },
      el('option', { text: t('sakura.v10'), attrs: { value: '1.0' } }), el('option', { text: t('sakura.v09'), attrs: { value: '0.9' } }));
    sel.value = ps.sakura_version === '0.9' ? '0.9' : '1.0';
    return field(t('providers.sakura_version'), sel, f('sakura_version'));
  }

  // Advanced sampling, open when something in it is set or wrong.
  function advancedFields({ p, id, ps, f }) {
    const adv = el('details', { class: 'advanced' });
    adv.open = S.advOpen.has(id) || ps.temperature !== null || ps.top_p !== null || ps.max_tokens !== null ||
      ['temperature', 'top_p', 'max_tokens'].some((n) => S.errors.has(f(n)));
    adv.addEventListener('toggle', () => (adv.open ? S.advOpen.add(id) : S.advOpen.delete(id)));
    adv.append(el('summary', { text: t('providers.advanced') }));
    // Ranges are the core's (limits); iFlytek Spark's temperature must also be above 0 and at most 1 (its API).
    const spark = p.key_format === 'key_colon_secret';
    const num = (name, attrs, value) => {
      const i = el('input', { attrs: Object.assign({ type: 'text', inputmode: 'decimal', 'data-field': f(name), 'data-optional': '1', placeholder: t('providers.default') }, attrs) });
      i.value = value === null || value === undefined ? '' : String(value);
      return i;
    };
    const range = (name) => {
      const l = limitOf(f(name));
      return !l ? '' : l.max === null ? `≥ ${l.min}` : `${l.min} – ${l.max}`;
    };
    adv.append(el('div', { class: 'grid3' },
      field('temperature', num('temperature', spark ? { 'data-kind': 'float', 'data-gt': '0', 'data-max': '1' } : { 'data-kind': 'float' }, ps.temperature), f('temperature'),
        el('span', { class: 'hint', text: spark ? '(0, 1]' : range('temperature') })),
      field('top_p', num('top_p', { 'data-kind': 'float' }, ps.top_p), f('top_p'), el('span', { class: 'hint', text: range('top_p') })),
      field('max_tokens', num('max_tokens', { 'data-kind': 'int', inputmode: 'numeric' }, ps.max_tokens), f('max_tokens'), el('span', { class: 'hint', text: range('max_tokens') }))));
    return adv;
  }

  // The test button and its result (`test_provider`), and the links to the key and model pages.
  function testActions({ p, id, card }) {
    const testBtn = el('button', { class: 'btn test', attrs: { type: 'button', 'data-action': 'test' } }, el('span', { class: 'spin', attrs: { 'aria-hidden': 'true' } }), icon('bolt'), el('span', { text: t('test.button') }));
    const result = el('div', { class: 'test-result', attrs: { 'aria-live': 'polite' } });
    const showTest = () => {
      const r = S.tests[id];
      testBtn.classList.toggle('busy', !!(r && r.busy));
      testBtn.disabled = !!(r && r.busy);
      result.className = 'test-result';
      if (!r || r.stale) result.textContent = '';
      else if (r.busy) result.textContent = t('test.running');
      else {
        result.classList.add(r.ok ? 'ok' : 'bad');
        result.textContent = (r.message && i18n.text(r.message)) || (r.ok ? t('test.ok') : t('test.failed'));
      }
    };
    showTest();
    card._showTest = showTest;
    testBtn.addEventListener('click', () => {
      if (providerErrors(id)) return;
      S.tests[id] = { busy: true };
      showTest();
      send({ type: 'test_provider', id, provider: providerSettings(id) });
    });
    const links = el('span', { class: 'links' });
    const link = (label, href) => {
      const a = el('button', { class: 'link', attrs: { type: 'button', 'data-url': href } }, el('span', { text: label }), icon('external'));
      a.title = href;
      a.addEventListener('click', () => send({ type: 'open_url', url: href }));
      return a;
    };
    if (p.key_page) links.append(link(t('providers.get_key'), p.key_page));
    if (p.models_page) links.append(link(t('providers.model_list'), p.models_page));
    return [el('div', { class: 'actions' }, testBtn, links), result];
  }

  function field(label, control, path, extra, cls) {
    return el('label', { class: 'field' + (cls ? ' ' + cls : '') },
      el('span', { class: 'lbl', text: label }), control, extra || null,
      el('span', { class: 'field-error', attrs: { 'data-error-for': path } }));
  }

  /**
   * Drops provider `id`'s test result (its values changed): the card's result line and its header chip. A
   * provider the test switched on goes back off: what was tested is not what would be saved.
   */
  function forgetTest(id) {
    if (!S.tests[id]) return;
    if (S.tests[id].busy) S.tests[id] = { stale: true };
    else delete S.tests[id];
    const card = document.querySelector(`.provider[data-id="${CSS.escape(id)}"]`);
    if (!card) return;
    if (S.enabledByTest && S.enabledByTest.has(id)) {
      S.enabledByTest.delete(id);
      const sw = card.querySelector(`[data-field="providers.${CSS.escape(id)}.enabled"]`);
      if (sw && sw.checked) {
        sw.checked = false;
        sw.dispatchEvent(new Event('change'));
      }
      const line = card.querySelector('.enabled-by-test');
      if (line) line.remove();
    }
    card._showTest();
    const chip = card.querySelector('.test-chip');
    chip.className = 'test-chip';
    chip.textContent = '';
  }

  /** Validates one provider's fields before a test or a model list; shows and returns the errors. */
  function providerErrors(id) {
    const prefix = `providers.${id}.`;
    const real = readForm().filter((e) => e.field.startsWith(prefix) && e.key !== 'err.url_required');
    // A test needs an address even when the provider is not switched on yet.
    if (id === 'custom' && !String(S.model.providers.custom.url || '').trim() && !real.some((e) => e.field === prefix + 'url')) {
      real.push({ field: prefix + 'url', key: 'err.url_required' });
    }
    for (const k of Array.from(S.errors.keys())) if (k.startsWith(prefix)) S.errors.delete(k);
    for (const e of real) S.errors.set(e.field, e);
    renderErrors();
    if (real.length) revealFirstError();
    return real.length ? real : null;
  }

  on('test_result', (msg) => {
    if (typeof msg.id !== 'string') return;
    // Dropped when the values were changed while it ran (the test was of the old ones).
    if (S.tests[msg.id] && S.tests[msg.id].stale) {
      delete S.tests[msg.id];
      return;
    }
    const message = typeof msg.message === 'string' || (msg.message && typeof msg.message === 'object') ? msg.message : '';
    S.tests[msg.id] = { busy: false, ok: !!msg.ok, message, latency: Number.isFinite(msg.latency_ms) ? msg.latency_ms : null };
    const card = document.querySelector(`.provider[data-id="${CSS.escape(msg.id)}"]`);
    if (!card) return;
    card._showTest();
    const chip = card.querySelector('.test-chip');
    chip.className = 'test-chip ' + (msg.ok ? 'ok' : 'bad');
    chip.textContent = msg.ok ? (Number.isFinite(msg.latency_ms) ? `✓ ${msg.latency_ms} ms` : '✓') : '✕ ' + t('test.failed');
    if (msg.ok) enableAfterTest(msg.id, card);
  });

  /**
   * A provider switched off whose test just passed, with a key (or one that needs none), is switched on: it
   * was tested to be used, and a Save that left it off would leave the next Alt+Q with no provider. The switch
   * shows it and a line says it before Save, so the user can still switch it off.
   */
  function enableAfterTest(id, card) {
    const p = catalogEntry(id);
    const ps = S.model.providers[id];
    const sw = card.querySelector(`[data-field="providers.${CSS.escape(id)}.enabled"]`);
    if (!p || !ps || ps.enabled || !sw || sw.disabled) return;
    const k = S.keys[id] || {};
    const hasKey = (k.touched && k.value !== '') || (ps.api_key_set && !k.removed);
    if (!hasKey && p.key_format !== 'optional') return;
    sw.checked = true;
    sw.dispatchEvent(new Event('change'));
    S.enabledByTest.add(id);
    if (!card.querySelector('.enabled-by-test')) card.querySelector('.provider-body').append(el('p', { class: 'hint ok enabled-by-test', text: t('providers.enabled_by_test') }));
  }

  on('models', (msg) => {
    if (typeof msg.id !== 'string') return;
    const list = Array.isArray(msg.models) ? msg.models.filter((m) => typeof m === 'string') : [];
    S.models[msg.id] = { busy: false, list, error: msg.error && (typeof msg.error === 'object' || typeof msg.error === 'string') ? msg.error : null };
    const card = document.querySelector(`.provider[data-id="${CSS.escape(msg.id)}"]`);
    if (card) {
      card._models.fillModels();
      card._models.takeOnly();
      card._models.showModels();
    }
  });

  on('resolved_url', (msg) => {
    if (typeof msg.id !== 'string') return;
    S.resolved[msg.id] = { input: String(msg.input || '').trim(), url: msg.url ? String(msg.url) : '', error: msg.error || null, busy: false };
    const line = document.querySelector(`[data-resolved-for="${CSS.escape(msg.id)}"]`);
    const input = document.querySelector(`[data-field="providers.${CSS.escape(msg.id)}.url"]`);
    if (!line || !input || input.value.trim() !== S.resolved[msg.id].input) return;
    line.className = 'resolved ' + (msg.error ? 'bad' : 'ok');
    line.textContent = msg.error ? i18n.text(msg.error) : '→ ' + msg.url;
  });

  // ---------------------------------------------------------------- hotkeys

  const KEY_NAMES = { ' ': 'Space', Escape: 'Esc', ArrowUp: 'Up', ArrowDown: 'Down', ArrowLeft: 'Left', ArrowRight: 'Right' };

  function comboFromEvent(e) {
    const k = e.key;
    if (['Alt', 'Control', 'Shift', 'Meta', 'AltGraph', 'OS', 'Super', 'Hyper'].includes(k)) return null;
    let key;
    if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
    else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
    else if (/^F\d{1,2}$/.test(k)) key = k;
    else key = KEY_NAMES[k] || (k.length === 1 ? k.toUpperCase() : k);
    const mods = [];
    if (e.ctrlKey) mods.push('Ctrl');
    if (e.altKey) mods.push('Alt');
    if (e.shiftKey) mods.push('Shift');
    if (e.metaKey) mods.push('Super');
    return [...mods, key].join('+');
  }

  function hotkeyHint(h) {
    const m = /^region_(\d)$/.exec(h);
    if (!m) return t('hotkey.' + h + '_hint');
    const slot = S.model.regions.slots[Number(m[1]) - 1];
    return t('hotkey.region_hint', { name: slot ? slot.name : '' });
  }

  /**
   * How keys reach ocrlay on this desktop (`hotkey_desk` of the state): `grab` (ocrlay takes them itself),
   * `asking` (a Wayland desktop's shortcuts portal has not answered yet), `portal` (the desktop bound `bound`),
   * `desktop` (no portal binds keys: the user binds `commands` in the desktop's keyboard settings).
   */
  function readHotkeyDesk(d) {
    if (!d || typeof d !== 'object' || !['grab', 'asking', 'portal', 'desktop'].includes(d.mode)) return { mode: 'grab', bound: {}, commands: {}, problem: null };
    const strings = (o) => {
      const out = {};
      if (o && typeof o === 'object') for (const k of Object.keys(o)) if (typeof o[k] === 'string') out[k] = o[k];
      return out;
    };
    const problem = d.problem && typeof d.problem === 'object' && typeof d.problem.key === 'string' ? d.problem : null;
    return { mode: d.mode, bound: strings(d.bound), commands: strings(d.commands), problem };
  }

  /** What the desktop bound for hotkey `h`, or the command line to bind there; nothing where ocrlay grabs keys. */
  function hotkeyDeskLine(h) {
    const d = S.hotkeyDesk || { mode: 'grab' };
    if (d.mode === 'portal') {
      const keys = d.bound[h];
      return el('span', { class: 'hint desk-bound', attrs: { 'data-desk-bound': h }, text: keys ? t('hotkeys.bound', { keys }) : t('hotkeys.bound_none') });
    }
    if ((d.mode === 'desktop' || d.mode === 'asking') && d.commands[h]) {
      return el('code', { class: 'desk-command', attrs: { 'data-desk-command': h, title: t('hotkeys.command_title') }, text: d.commands[h] });
    }
    return null;
  }

  /** The note above the hotkeys on a Wayland desktop: who binds the keys, and where to change them. */
  function hotkeyDeskNote() {
    const d = S.hotkeyDesk || { mode: 'grab' };
    if (d.mode === 'grab') return null;
    const why = d.problem ? i18n.text(d.problem) : '';
    const text = d.mode === 'portal' ? t('hotkeys.portal_note')
      : d.mode === 'asking' ? t('hotkeys.asking_note')
      : t('hotkeys.desktop_note', { why });
    return el('p', { class: 'desk-note', attrs: { id: 'hotkey-desk-note', 'data-mode': d.mode }, text });
  }

  function renderHotkeys() {
    preserving($('hotkey-list'), buildHotkeys);
  }

  function buildHotkeys() {
    const list = $('hotkey-list');
    list.replaceChildren();
    const note = hotkeyDeskNote();
    if (note) list.append(note);
    for (const h of hotkeyNames()) {
      const path = 'hotkeys.' + h;
      if (h === 'region_1') list.append(el('h3', { class: 'hotkey-sub', text: t('hotkeys.regions') }));
      const input = el('input', { class: 'hotkey-input', attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-field': path, 'data-kind': 'hotkey', placeholder: t('hotkey.off') } });
      input.value = getPath(S.model, path) || '';
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Tab') return;
        if ((e.key === 'Backspace' || e.key === 'Delete') && !e.ctrlKey && !e.altKey && !e.metaKey) {
          // Let plain editing work; a held modifier records the combination instead.
          return;
        }
        if (!(e.ctrlKey || e.altKey || e.metaKey) && !/^F\d{1,2}$/.test(e.key)) return; // typing by hand
        const combo = comboFromEvent(e);
        if (!combo) return;
        e.preventDefault();
        // Recorded: not also a shortcut of the page (Ctrl+S saves).
        e.stopPropagation();
        input.value = combo;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // A recorded combination is checked at once (a clash, or a key another program holds).
        checkHotkeysNow();
      });
      // While the field has the focus the core suspends ocrlay's hotkeys: the keys pressed must come here,
      // not start what they are bound to. It registers them again on blur (and when the page goes away).
      input.addEventListener('focus', () => send({ type: 'hotkey_recording', on: true }));
      input.addEventListener('blur', () => send({ type: 'hotkey_recording', on: false }));
      input.addEventListener('input', () => {
        if (S.hotkeyErrors[h]) delete S.hotkeyErrors[h];
        clearError(path);
        const r = parseInput(input);
        if (!r.error) setPath(S.model, path, r.value);
        checkHotkeysSoon();
        renderErrors();
        updateDirty();
      });
      list.append(el('div', { class: 'hotkey-row' },
        el('div', { class: 'hotkey-label' }, el('strong', { text: t('hotkey.' + h) }), el('span', { class: 'hint', text: hotkeyHint(h) })),
        el('div', { class: 'hotkey-field' }, input,
          el('span', { class: 'field-error', attrs: { 'data-error-for': path } }),
          el('span', { class: 'field-error core', attrs: { 'data-hotkey-error': h } }),
          ...[hotkeyDeskLine(h)].filter(Boolean))));
    }
    list.append(el('p', { class: 'hint', text: t('hotkeys.how') }));
  }

  /**
   * The core checks the hotkeys as they are typed (its parser and its rule against two actions on the same
   * keys): `check_hotkeys` 150 ms after the last change, answered by `hotkeys_checked`.
   */
  let hotkeyTimer = 0;
  function checkHotkeysSoon() {
    // What the core said about the hotkeys no longer holds for the ones being typed.
    S.hotkeyCheck.errors = [];
    for (const k of Array.from(S.errors.keys())) if (k.startsWith('hotkeys.')) S.errors.delete(k);
    clearTimeout(hotkeyTimer);
    hotkeyTimer = setTimeout(checkHotkeysNow, 150);
  }

  function checkHotkeysNow() {
    clearTimeout(hotkeyTimer);
    const hotkeys = {};
    document.querySelectorAll('#hotkey-list [data-field]').forEach((i) => (hotkeys[i.dataset.field.slice('hotkeys.'.length)] = i.value));
    S.hotkeyCheck.seq += 1;
    send({ type: 'check_hotkeys', seq: S.hotkeyCheck.seq, hotkeys });
  }

  // What the core did with its hotkeys while a field records one: said above the list, in the UI's language.
  let pausedTimer = 0;
  on('hotkeys_paused', (msg) => {
    const line = $('hotkey-paused');
    clearTimeout(pausedTimer);
    line.dataset.state = msg.paused ? 'paused' : 'resumed';
    line.textContent = t(msg.paused ? 'hotkeys.paused' : 'hotkeys.resumed');
    line.classList.toggle('on', !!msg.paused);
    if (!msg.paused) {
      pausedTimer = setTimeout(() => {
        line.textContent = '';
        delete line.dataset.state;
      }, 4000);
    }
  });
  // The page goes away (reload, window closed): the core must not keep the hotkeys off.
  window.addEventListener('pagehide', () => {
    if (document.activeElement && document.activeElement.dataset && document.activeElement.dataset.kind === 'hotkey') {
      send({ type: 'hotkey_recording', on: false });
    }
  });

  on('hotkeys_checked', (msg) => {
    if (msg.seq !== S.hotkeyCheck.seq || !S.loaded) return;
    const errors = (Array.isArray(msg.errors) ? msg.errors : [])
      .filter((e) => e && typeof e.field === 'string' && /^hotkeys\.\w+$/.test(e.field))
      .map((e) => ({ field: e.field, core: e.message ?? '' }));
    for (const k of Array.from(S.errors.keys())) if (k.startsWith('hotkeys.')) S.errors.delete(k);
    S.hotkeyCheck.errors = errors;
    for (const e of errors) S.errors.set(e.field, e);
    renderErrors();
    // A refusal the user was waiting for (save pressed) is shown where it is.
    if (errors.length && S.footer) revealFirstError();
  });

  // ---------------------------------------------------------------- saved regions

  function renderPlatform() {
    const note = S.platform && S.platform.note;
    $('platform-note').hidden = !note;
    $('platform-note-text').textContent = note ? i18n.text(note) : '';
    $('platform-note').classList.toggle('warn', !!(S.platform && !S.platform.covered_window_capture));
  }

  const rectText = (r) => t('regions.rect', { x: r[0], y: r[1], w: r[2], h: r[3] });
  const windowLabel = (w) => (w.title || t('regions.untitled')) + (w.app ? ' — ' + w.app : '');

  function renderRegions() {
    const list = $('region-list');
    list.replaceChildren();
    const selectKey = String(getPath(S.model, 'hotkeys.select_region') || '').trim();
    S.model.regions.slots.forEach((slot, i) => {
      const active = S.model.regions.active === i;
      const f = (name) => `regions.slots.${i}.${name}`;
      const radio = el('input', { attrs: { type: 'radio', name: 'active-slot', value: String(i), 'aria-label': t('regions.make_active') } });
      radio.checked = active;
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        readForm();
        S.model.regions.active = i;
        clearError('regions.active');
        renderRegions();
        updateDirty();
      });
      const hotkey = String(getPath(S.model, `hotkeys.region_${i + 1}`) || '').trim();
      const clearBtn = el('button', { class: 'btn small ghost', text: t('regions.clear'), title: t('regions.clear_hint'), attrs: { type: 'button', 'data-action': 'clear-slot' } });
      clearBtn.addEventListener('click', () => {
        readForm();
        S.cleared.add(i);
        Object.assign(S.model.regions.slots[i], { rect: null, window: null, overlay_position: null });
        for (const k of Array.from(S.errors.keys())) if (k.startsWith(`regions.slots.${i}`)) S.errors.delete(k);
        renderRegions();
        renderErrors();
        updateDirty();
      });
      const head = el('header', { class: 'slot-head' },
        el('label', { class: 'slot-pick' }, radio,
          el('span', { class: 'slot-title', text: t('regions.slot', { n: i + 1 }) }),
          hotkey ? el('kbd', { text: hotkey }) : null,
          active ? el('span', { class: 'pill', text: t('regions.active') }) : null),
        clearBtn);

      const name = el('input', { attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-field': f('name'), 'data-kind': 'text', placeholder: slotName(i) } });
      name.value = slot.name;
      name.addEventListener('input', () => {
        const row = document.querySelector(`#hotkey-list [data-field="hotkeys.region_${i + 1}"]`);
        if (row) row.closest('.hotkey-row').querySelector('.hint').textContent = t('hotkey.region_hint', { name: name.value.trim() });
      });

      const rect = slot.rect
        ? el('div', { class: 'readout mono', text: rectText(slot.rect) })
        : el('div', { class: 'readout unset', text: selectKey ? t('regions.no_rect', { key: selectKey }) : t('regions.no_rect_nokey') });

      // The window binding: what it is, unbind; bind to one of the listed windows.
      const bound = el('div', { class: 'binding' });
      if (slot.window) {
        const w = slot.window;
        const o = w.offset;
        const unbind = el('button', { class: 'link danger', text: t('regions.unbind'), attrs: { type: 'button', 'data-action': 'unbind' } });
        unbind.addEventListener('click', () => {
          readForm();
          S.model.regions.slots[i].window = null;
          clearError(f('window'));
          renderRegions();
          updateDirty();
        });
        bound.append(icon('window'),
          el('span', { class: 'binding-text' },
            el('strong', { class: 'win-title', text: w.title || t('regions.untitled') }),
            w.app ? el('span', { class: 'win-app', text: w.app }) : null,
            el('span', { class: 'hint', text: t('regions.offset', { x: o[0], y: o[1], w: o[2], h: o[3] }) })),
          unbind);
      } else {
        bound.append(el('span', { class: 'hint', text: t('regions.not_bound') }));
      }
      const pick = el('select', { class: 'bind-select', attrs: { 'data-bind-slot': String(i), 'aria-label': t('regions.bind') } });
      fillWindowSelect(pick);
      pick.addEventListener('change', () => {
        const w = pick.value === 'under' ? windowUnder(S.model.regions.slots[i].rect) : S.windows && S.windows[Number(pick.value)];
        pick.value = '';
        if (w) bindSlot(i, w);
      });
      const refresh = el('button', { class: 'icon-btn', title: t('regions.refresh_windows'), attrs: { type: 'button', 'data-action': 'list-windows' } }, icon('refresh'));
      refresh.addEventListener('click', requestWindows);

      // Auto mode: read this region too, with its own overlay; where that overlay goes; its text direction.
      const watch = el('input', { attrs: { type: 'checkbox', 'data-field': f('watch'), 'data-kind': 'bool' } });
      watch.checked = !!slot.watch;
      const choice = (field, value, options) => {
        const sel = el('select', { attrs: { 'data-field': f(field), 'data-kind': 'choice' } },
          el('option', { text: t('regions.default_choice'), attrs: { value: '' } }),
          ...options.map(([v, key]) => el('option', { text: t(key), attrs: { value: v } })));
        sel.value = typeof value === 'string' ? value : '';
        return sel;
      };
      const mode = choice('overlay_mode', slot.overlay_mode, [['beside', 'overlay_s.mode_beside'], ['over', 'overlay_s.mode_over']]);
      const direction = choice('direction', slot.direction,
        [['auto', 'ocr.direction_auto'], ['horizontal', 'ocr.direction_horizontal'], ['vertical', 'ocr.direction_vertical']]);

      const body = el('div', { class: 'slot-body' },
        el('label', { class: 'field' }, el('span', { class: 'lbl', text: t('regions.name') }), name,
          el('span', { class: 'field-error', attrs: { 'data-error-for': f('name') } })),
        el('div', { class: 'field' }, el('span', { class: 'lbl', text: t('regions.area') }), rect),
        el('div', { class: 'field wide' }, el('span', { class: 'lbl', text: t('regions.window') }),
          el('div', { class: 'window-row' + (slot.window ? ' bound' : '') }, bound, el('div', { class: 'input-row' }, pick, refresh)),
          el('span', { class: 'field-error', attrs: { 'data-error-for': f('window') } })),
        el('div', { class: 'field wide' }, el('span', { class: 'lbl', text: t('regions.watch') }),
          el('label', { class: 'switch-row' }, el('span', { class: 'switch' }, watch, el('span', { class: 'slider' })),
            el('span', { class: 'hint', text: t('regions.watch_hint') }))),
        el('label', { class: 'field' }, el('span', { class: 'lbl', text: t('regions.overlay_mode') }), mode),
        el('label', { class: 'field' }, el('span', { class: 'lbl', text: t('regions.direction') }), direction));
      list.append(el('article', { class: 'slot' + (active ? ' active' : ''), attrs: { 'data-slot': String(i) } }, head, body,
        el('span', { class: 'field-error slot-error', attrs: { 'data-error-for': `regions.slots.${i}` } })));
    });
  }

  /** The window a region lies on: the front-most listed window (the core lists them front to back) holding the
   * region's centre. */
  function windowUnder(rect) {
    if (!rect || !S.windows) return null;
    const cx = rect[0] + Math.floor(rect[2] / 2), cy = rect[1] + Math.floor(rect[3] / 2);
    return S.windows.find((w) => cx >= w.rect[0] && cx < w.rect[0] + w.rect[2] && cy >= w.rect[1] && cy < w.rect[1] + w.rect[3]) || null;
  }

  // The list's first line always says what the list is for; "Listing windows…" is a line of its own, only while
  // no list came yet (a list being refreshed keeps the last one: a select that is open is never left saying
  // it is listing once the answer is there).
  function fillWindowSelect(sel) {
    const opts = [el('option', { text: t('regions.bind'), attrs: { value: '' } })];
    if (S.windowsBusy && !S.windows) opts.push(el('option', { text: t('regions.listing'), attrs: { value: '', disabled: true, 'data-listing': '1' } }));
    if (S.windows && !S.windows.length) opts.push(el('option', { text: t('regions.no_windows'), attrs: { value: '', disabled: true } }));
    const slot = S.model && S.model.regions && S.model.regions.slots[Number(sel.dataset.bindSlot)];
    const under = slot && windowUnder(slot.rect);
    if (under) {
      const label = t('regions.bind_under', { title: windowLabel(under) });
      opts.push(el('option', { text: label.length > 90 ? label.slice(0, 89) + '…' : label, title: label, attrs: { value: 'under', 'data-under': '1' } }));
    }
    (S.windows || []).forEach((w, k) => {
      const label = windowLabel(w);
      opts.push(el('option', { text: label.length > 90 ? label.slice(0, 89) + '…' : label, title: label, attrs: { value: String(k) } }));
    });
    sel.replaceChildren(...opts);
    sel.value = '';
  }

  let windowsTimer = 0;
  function requestWindows() {
    S.windowsBusy = true;
    // Only a select without a list says it is listing; one with a list keeps it until the new one comes.
    if (!S.windows) document.querySelectorAll('.bind-select').forEach(fillWindowSelect);
    send({ type: 'list_windows' });
    // A core that does not answer leaves the selects usable (with the last list, if any).
    clearTimeout(windowsTimer);
    windowsTimer = setTimeout(() => {
      S.windowsBusy = false;
      document.querySelectorAll('.bind-select').forEach(fillWindowSelect);
    }, 5000);
  }

  on('windows', (msg) => {
    const list = Array.isArray(msg.windows) ? msg.windows : [];
    const windows = list
      .filter((w) => w && typeof w === 'object' && isRect(w.rect))
      .map((w) => ({ id: w.id, title: typeof w.title === 'string' ? w.title : '', app: typeof w.app === 'string' ? w.app : '', rect: w.rect.map(Math.round) }));
    const same = S.windows && JSON.stringify(S.windows) === JSON.stringify(windows);
    S.windows = windows;
    S.windowsBusy = false;
    clearTimeout(windowsTimer);
    // The same list again: the selects (maybe open) are left as they are.
    if (!same) document.querySelectorAll('.bind-select').forEach(fillWindowSelect);
  });

  /** Binds a slot to a window: the slot's rectangle inside the window becomes the offset (the whole window
   * when the slot has none). A rectangle outside the window is refused. */
  function bindSlot(i, w) {
    readForm();
    const slot = S.model.regions.slots[i];
    const [wx, wy, ww, wh] = w.rect;
    let offset;
    if (slot.rect) {
      const [x, y, rw, rh] = slot.rect;
      const x0 = Math.max(x, wx), y0 = Math.max(y, wy);
      const x1 = Math.min(x + rw, wx + ww), y1 = Math.min(y + rh, wy + wh);
      if (x1 - x0 < 4 || y1 - y0 < 4) {
        S.errors.set(`regions.slots.${i}.window`, { key: 'err.bind_outside', vars: { title: w.title || t('regions.untitled') } });
        renderErrors();
        return;
      }
      offset = [x0 - wx, y0 - wy, x1 - x0, y1 - y0];
    } else {
      if (ww < 4 || wh < 4) {
        S.errors.set(`regions.slots.${i}.window`, { key: 'err.bind_small' });
        renderErrors();
        return;
      }
      offset = [0, 0, ww, wh];
    }
    slot.window = { title: w.title, app: w.app, offset };
    S.errors.delete(`regions.slots.${i}.window`);
    renderRegions();
    renderErrors();
    updateDirty();
  }

  // ---------------------------------------------------------------- profiles

  /**
   * What a profile can have of its own: the core's list (`profile_fields`, config::ProfileField), each
   * {path, key, global}: where the form has it (`regions` holds every `regions.…` input; `providers.*.enabled`
   * is every provider's switch), its key in `settings.profiles[n]`, and the global settings' value.
   */
  function readProfileFields(list) {
    return (Array.isArray(list) ? list : [])
      .filter((f) => f && typeof f.path === 'string' && typeof f.key === 'string')
      .map((f) => ({ path: f.path, key: f.key, global: f.global === undefined ? null : f.global }));
  }

  /** The profile field an input's path belongs to, or null (shared by all profiles). */
  function profileFieldOf(path) {
    return S.profileFields.find((f) => {
      if (f.path.includes('*')) return new RegExp('^' + f.path.split('*').map((x) => x.replace(/[.]/g, '\\.')).join('[^.]+') + '$').test(path);
      return path === f.path || path.startsWith(f.path + '.');
    }) || null;
  }

  /** The form's value of a profile field (for the switches: the ids of the providers on, in catalog order). */
  function profileValue(f) {
    if (f.path === 'providers.*.enabled') return S.catalog.filter((p) => S.model.providers[p.id] && S.model.providers[p.id].enabled).map((p) => p.id);
    return getPath(S.model, f.path);
  }

  /**
   * While a profile is edited each field is its own, inherited (from the default profile) or shared by all
   * profiles. S.own holds the paths of its own fields: those the profile has (from `settings.profiles`), those
   * the user made its own, and those edited since (an edit of an inherited field makes it the profile's).
   */
  function startScopes() {
    const p = S.editing ? profileList().find((x) => x.name === S.editing) : null;
    S.own = new Set(p ? S.profileFields.filter((f) => p[f.key] !== undefined && p[f.key] !== null).map((f) => f.path) : []);
    S.ownSaved = stable([...S.own].sort());
    S.scopeSeen = new Map(S.profileFields.map((f) => [f.path, stable(profileValue(f))]));
    renderScopes();
  }

  /** Fields edited since they were last seen become the edited profile's own (called with the form read). */
  function noteProfileEdits() {
    if (!S.editing || !S.scopeSeen) return;
    let changed = false;
    for (const f of S.profileFields) {
      const now = stable(profileValue(f));
      if (now === S.scopeSeen.get(f.path)) continue;
      S.scopeSeen.set(f.path, now);
      if (!S.own.has(f.path)) {
        S.own.add(f.path);
        changed = true;
      }
    }
    if (changed) renderScopes();
  }

  /** Whether what the edited profile owns differs from what it owned when loaded or saved. */
  const ownChanged = () => !!S.editing && stable([...S.own].sort()) !== S.ownSaved;

  /** Makes an inherited field the edited profile's own, with the value it has now. */
  function makeOwn(f) {
    S.own.add(f.path);
    renderScopes();
    updateDirty();
  }

  /** Gives a field back: the edited profile follows the default profile in it again (its value shown). */
  function giveBack(f) {
    readForm();
    S.own.delete(f.path);
    if (f.path === 'providers.*.enabled') {
      const on = Array.isArray(f.global) ? f.global : [];
      for (const p of S.catalog) if (S.model.providers[p.id]) S.model.providers[p.id].enabled = on.includes(p.id);
      renderProviders();
    } else {
      // Through the page's own normalisation, as a `state` would bring it.
      const whole = clone(S.model);
      setPath(whole, f.path, clone(f.global));
      setPath(S.model, f.path, getPath(normalizeSettings(whole), f.path));
      if (f.path === 'translation.glossary') renderGlossary();
      else if (f.path === 'filters') renderFilters();
      else if (f.path === 'regions') renderRegions();
      for (const input of fieldInputs($('content'))) {
        if (profileFieldOf(input.dataset.field) === f && !input.closest('#region-list, #rules')) setInput(input, getPath(S.model, input.dataset.field));
      }
    }
    S.scopeSeen.set(f.path, stable(profileValue(f)));
    renderScopes();
    updateDirty();
  }

  /** The look of one scope: its words and, for a profile's field, the way to change it. */
  function scopeChip(scope, f) {
    const chip = el('span', { class: 'scope ' + scope, attrs: { 'data-scope': scope } },
      el('span', { class: 'scope-label', text: t({ own: 'profiles.scope_own', inherited: 'profiles.scope_inherited', shared: 'profiles.scope_shared' }[scope]) }));
    if (scope === 'shared') chip.title = t('profiles.scope_shared_hint');
    if (f && scope !== 'shared') {
      const b = el('button', { class: 'link scope-act', text: t(scope === 'own' ? 'profiles.give_back' : 'profiles.make_own'), attrs: { type: 'button', 'data-scope-act': scope === 'own' ? 'give_back' : 'make_own' } });
      b.addEventListener('click', (e) => {
        e.preventDefault();
        if (scope === 'own') giveBack(f);
        else makeOwn(f);
      });
      chip.append(b);
    }
    return chip;
  }

  /** Puts `scope`'s chip in `place` (none: takes it away), changing the page only when it differs. */
  function placeChip(place, scope, f) {
    const old = Array.from(place.children).find((c) => c.classList.contains('scope'));
    const key = scope ? scope + '|' + i18n.lang : '';
    if ((old ? old.dataset.key : '') === key) return;
    if (old) old.remove();
    if (!scope) return;
    const chip = scopeChip(scope, f);
    chip.dataset.key = key;
    place.append(chip);
  }

  /** Shows every field of the form as the edited profile's own, inherited, or shared (then not editable). */
  function renderScopes() {
    const editing = !!S.editing && !!S.own;
    const scopeOf = (f) => (!editing ? null : !f ? 'shared' : S.own.has(f.path) ? 'own' : 'inherited');
    // Lists (the glossary, the rules, the saved regions) and the providers' switches: one chip for all.
    document.querySelectorAll('[data-scope-for]').forEach((place) => {
      const f = S.profileFields.find((x) => x.path === place.dataset.scopeFor) || null;
      placeChip(place, f ? scopeOf(f) : null, f);
    });
    for (const input of fieldInputs($('content'))) {
      const f = profileFieldOf(input.dataset.field);
      const scope = scopeOf(f);
      const box = input.closest('.field, .hotkey-row');
      const shared = scope === 'shared';
      // A shared field is not edited while a profile is: saving changes the profile only.
      const controls = box ? [input, ...box.querySelectorAll('button')] : [input];
      for (const c of controls) {
        if (shared && !c.disabled) {
          c.disabled = true;
          c.dataset.scopeOff = '1';
        } else if (!shared && c.dataset.scopeOff) {
          c.disabled = false;
          delete c.dataset.scopeOff;
        }
      }
      if (!box) continue;
      if (scope) box.dataset.scope = scope;
      else delete box.dataset.scope;
      const inList = f && document.querySelector(`[data-scope-for="${CSS.escape(f.path)}"]`);
      const place = box.querySelector('.lbl, .hotkey-label');
      if (place && !inList) placeChip(place, scope, f);
    }
    const reset = $('auto-reset');
    if (reset) reset.disabled = editing;
  }

  // Parts of the form are rebuilt in many places (a language switch, a save, a row added): the looks follow
  // every rebuild. renderScopes changes the page only where a look differs, so this settles after one round.
  let scopesQueued = false;
  new MutationObserver(() => {
    if (scopesQueued || !S.editing) return;
    scopesQueued = true;
    queueMicrotask(() => {
      scopesQueued = false;
      renderScopes();
    });
  }).observe($('content'), { childList: true, subtree: true });

  /** Profile changes are saved by the core at once and the form is reloaded: never over unsaved edits. */
  function profilesBlocked() {
    if (!S.dirty) return false;
    profileMessage({ key: 'profiles.save_first' }, false);
    return true;
  }

  function profileMessage(text, ok) {
    S.profileMsg = text ? { text, ok } : null;
    const m = $('profile-msg');
    m.className = 'profile-msg' + (S.profileMsg ? (ok ? ' ok' : ' bad') : '');
    m.textContent = S.profileMsg ? (text.key ? (text.params ? i18n.text(text) : t(text.key, text.vars)) : String(text)) : '';
  }

  function profileList() {
    return Array.isArray(S.model && S.model.profiles) ? S.model.profiles.filter((p) => p && typeof p.name === 'string') : [];
  }

  /** The sidebar's "editing" choice and the note over the form while a profile is edited. */
  function renderEditing() {
    const list = profileList();
    const sel = $('edit-profile');
    sel.replaceChildren(el('option', { text: t('profiles.default'), attrs: { value: '' } }),
      ...list.map((p) => el('option', { text: p.name, attrs: { value: p.name } })));
    sel.value = S.editing || '';
    $('side-profile').hidden = !list.length && !S.editing;
    const note = $('editing-note');
    note.hidden = !S.editing;
    if (S.editing) $('editing-note-text').textContent = t('profiles.editing_note', { name: S.editing });
    document.body.classList.toggle('editing-profile', !!S.editing);
  }

  function renderProfiles() {
    renderEditing();
    const root = $('profile-list');
    const list = profileList();
    if (!list.length) {
      root.replaceChildren(el('p', { class: 'empty', text: t('profiles.none') }));
      return;
    }
    root.replaceChildren(...list.map(profileCard));
  }

  function profileCard(p) {
    const card = el('article', { class: 'profile-card', attrs: { 'data-profile': p.name } });
    const name = el('input', { class: 'profile-name', attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'aria-label': t('profiles.name') } });
    name.value = p.name;
    name.addEventListener('change', () => {
      const to = name.value.trim();
      if (to === p.name) return;
      if (profilesBlocked()) {
        name.value = p.name;
        return;
      }
      send({ type: 'profile', change: { op: 'rename', name: p.name, to } });
    });
    const chips = el('span', { class: 'badges' });
    if (S.inEffect === p.name) chips.append(el('span', { class: 'badge ok', text: t('profiles.in_effect') }));
    if (S.editing === p.name) chips.append(el('span', { class: 'badge', text: t('profiles.being_edited') }));
    card.append(el('header', { class: 'profile-head' }, name, chips));

    const own = S.profileFields.map((f) => f.key).filter((k) => p[k] !== undefined && p[k] !== null);
    card.append(el('p', { class: 'hint profile-own', text: own.length ? t('profiles.own', { fields: own.map((k) => t('profiles.field.' + k)).join(t('common.list_sep')) }) : t('profiles.own_none') }));

    // The game: text of its window's title and/or its program; or picked from the open windows.
    const game = p.game || {};
    const title = el('input', { attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-game': 'title', placeholder: t('profiles.game_title_ph') } });
    title.value = game.title || '';
    const app = el('input', { attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-game': 'app', placeholder: t('profiles.game_app_ph') } });
    app.value = game.app || '';
    const bind = () => {
      if (profilesBlocked()) return;
      const g = { title: title.value.trim(), app: app.value.trim() };
      send({ type: 'profile', change: { op: 'bind', name: p.name, game: g.title || g.app ? g : null } });
    };
    title.addEventListener('change', bind);
    app.addEventListener('change', bind);
    const pick = el('select', { class: 'bind-select game-select', attrs: { 'aria-label': t('profiles.pick_window') } });
    pick.addEventListener('focus', () => { if (!S.windows && !S.windowsBusy) requestWindows(); });
    pick.addEventListener('mousedown', () => { if (!S.windowsBusy) requestWindows(); });
    pick.addEventListener('change', () => {
      const w = S.windows && S.windows[Number(pick.value)];
      pick.value = '';
      if (!w) return;
      title.value = w.title;
      app.value = w.app;
      bind();
    });
    fillWindowSelect(pick);
    card.append(el('div', { class: 'grid3 profile-game' },
      field(t('profiles.game_title'), title, `profiles.${p.name}.game.title`),
      field(t('profiles.game_app'), app, `profiles.${p.name}.game.app`),
      field(t('profiles.pick_window'), pick, `profiles.${p.name}.game`)));
    if (!game.title && !game.app) card.append(el('p', { class: 'hint', text: t('profiles.not_bound') }));

    const button = (key, action, fn, cls) => {
      const b = el('button', { class: 'btn small' + (cls ? ' ' + cls : ''), text: t(key), attrs: { type: 'button', 'data-action': action } });
      b.addEventListener('click', () => fn(b));
      return b;
    };
    const actions = el('div', { class: 'actions' },
      // In effect now, by hand; a game's window in front (or leaving it) decides again.
      button(S.inEffect === p.name ? 'profiles.stop_using' : 'profiles.use', 'use', () => send({ type: 'use_profile', name: S.inEffect === p.name ? null : p.name })),
      button(S.editing === p.name ? 'profiles.edit_default' : 'profiles.edit', 'edit', () => editProfile(S.editing === p.name ? null : p.name)),
      button('profiles.duplicate', 'duplicate', () => {
        if (profilesBlocked()) return;
        const taken = new Set(profileList().map((x) => x.name));
        let to = t('profiles.copy_name', { name: p.name });
        for (let n = 2; taken.has(to); n++) to = t('profiles.copy_name_n', { name: p.name, n });
        send({ type: 'profile', change: { op: 'duplicate', name: p.name, to } });
      }),
      button('profiles.export', 'export', () => send({ type: 'export_profile', name: p.name })),
      // Deleting asks once more on the same button.
      button('profiles.delete', 'delete', (b) => {
        if (profilesBlocked()) return;
        if (!b.classList.contains('confirm')) {
          b.classList.add('confirm');
          b.textContent = t('profiles.delete_confirm');
          return;
        }
        send({ type: 'profile', change: { op: 'delete', name: p.name } });
      }, 'danger'));
    card.append(actions);
    return card;
  }

  function editProfile(name) {
    if (profilesBlocked()) {
      renderEditing();
      return;
    }
    send({ type: 'edit_profile', name: name || null });
  }

  $('edit-profile').addEventListener('change', () => editProfile($('edit-profile').value));

  $('profile-new').addEventListener('click', () => {
    if (profilesBlocked()) return;
    const input = $('profile-new-name');
    send({ type: 'profile', change: { op: 'new', name: input.value.trim() } });
  });
  $('profile-new-name').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') $('profile-new').click();
  });
  $('profile-import').addEventListener('click', () => {
    if (profilesBlocked()) return;
    $('profile-file').click();
  });
  $('profile-file').addEventListener('change', () => {
    const file = $('profile-file').files[0];
    $('profile-file').value = '';
    if (!file) return;
    file.text().then((text) => send({ type: 'profile', change: { op: 'import', toml: text } }),
      () => profileMessage({ key: 'profiles.unreadable' }, false));
  });

  on('profile_result', (msg) => {
    if (msg.ok && msg.message && msg.message.key === 'profile.created') $('profile-new-name').value = '';
    profileMessage(msg.message, !!msg.ok);
  });

  // ---------------------------------------------------------------- replacement rules

  function renderFilters() {
    const table = $('rules');
    table.querySelectorAll('tbody').forEach((b) => b.remove());
    const rules = S.model.filters;
    rules.forEach((r, i) => table.append(ruleRows(r, i, rules.length)));
    $('rules-empty').hidden = rules.length > 0;
    table.hidden = rules.length === 0;
    updateTry();
  }

  function ruleRows(r, i, n) {
    const f = (name) => `filters.${i}.${name}`;
    const on = el('input', { attrs: { type: 'checkbox', 'data-field': f('enabled'), 'data-kind': 'bool', 'aria-label': t('filters.enabled') } });
    on.checked = r.enabled;
    const pattern = el('input', { class: 'mono', attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-field': f('pattern'), 'data-kind': 'raw', placeholder: t('filters.pattern_ph'), 'aria-label': t('filters.pattern') } });
    pattern.value = r.pattern;
    const replacement = el('input', { class: 'mono', attrs: { type: 'text', spellcheck: 'false', autocomplete: 'off', 'data-field': f('replacement'), 'data-kind': 'raw', placeholder: t('filters.replacement_ph'), 'aria-label': t('filters.replacement') } });
    replacement.value = r.replacement;
    const regex = el('input', { attrs: { type: 'checkbox', 'data-field': f('regex'), 'data-kind': 'bool', 'aria-label': t('filters.regex') } });
    regex.checked = r.regex;
    const stage = el('select', { attrs: { 'data-field': f('stage'), 'data-kind': 'text', 'aria-label': t('filters.stage') } },
      ...STAGES.map((st) => el('option', { text: t(st === 'before_translation' ? 'filters.before' : 'filters.after'), attrs: { value: st } })));
    stage.value = r.stage;
    const act = (name, label, disabled, fn) => {
      const b = el('button', { class: 'icon-btn', title: label, attrs: { type: 'button', 'data-action': name, 'aria-label': label, disabled } }, icon(name === 'delete' ? 'trash' : name));
      b.addEventListener('click', fn);
      return b;
    };
    const move = (to) => () => {
      readForm();
      const list = S.model.filters;
      const [rule] = list.splice(i, 1);
      if (to !== null) list.splice(to, 0, rule);
      // Errors are by position: the core checks the rules again (renderFilters asks it).
      for (const k of Array.from(S.errors.keys())) if (k.startsWith('filters.')) S.errors.delete(k);
      S.rules.errors = [];
      renderFilters();
      renderErrors();
      updateDirty();
    };
    const main = el('tr', { class: 'rule' },
      el('td', { class: 'r-on' }, el('label', { class: 'switch' }, on, el('span', { class: 'slider' }))),
      el('td', {}, pattern,
        r.region ? el('span', { class: 'rule-scope', text: t('filters.only_region', { region: r.region }) }) : null),
      el('td', {}, replacement),
      el('td', { class: 'r-re' }, regex),
      el('td', { class: 'r-stage' }, stage),
      el('td', { class: 'r-act' },
        act('up', t('filters.up'), i === 0, move(i - 1)),
        act('down', t('filters.down'), i === n - 1, move(i + 1)),
        act('delete', t('filters.remove'), false, move(null))));
    const errs = el('tr', { class: 'rule-errors' }, el('td', { attrs: { colspan: '6' } },
      el('span', { class: 'field-error', attrs: { 'data-error-for': f('pattern') } }),
      el('span', { class: 'field-error', attrs: { 'data-error-for': `filters.${i}` } })));
    return el('tbody', { class: 'rule-group' + (r.enabled ? '' : ' off'), attrs: { 'data-rule': String(i) } }, main, errs);
  }

  $('rule-add').addEventListener('click', () => {
    readForm();
    S.model.filters.push({ pattern: '', replacement: '', regex: false, stage: 'before_translation', enabled: true });
    renderFilters();
    renderErrors();
    updateDirty();
    const inputs = document.querySelectorAll('#rules [data-field$=".pattern"]');
    inputs[inputs.length - 1].focus();
  });

  /** The rules as the form has them, in the form's order (rows not filled yet included). */
  function formRules() {
    return Array.from(document.querySelectorAll('#rules tbody')).map((b) => {
      const get = (k) => b.querySelector(`[data-field$=".${k}"]`);
      b.classList.toggle('off', !get('enabled').checked);
      return { pattern: get('pattern').value, replacement: get('replacement').value, regex: get('regex').checked, stage: get('stage').value, enabled: get('enabled').checked };
    });
  }

  /**
   * The "try it" box and the rules' checks come from the core: the form's rules and the sample go out as
   * `try_rules` (150 ms after the last change), the answer (`rules_tried`) says what each stage makes of the
   * sample and which rules cannot be used.
   */
  let tryTimer = 0;
  function updateTry() {
    clearTimeout(tryTimer);
    renderTry();
    tryTimer = setTimeout(() => {
      const rules = formRules();
      const sample = $('try-input').value;
      if (!rules.length && !sample) {
        S.rules.answer = null;
        setRuleErrors([]);
        renderTry();
        return;
      }
      S.rules.seq += 1;
      S.rules.sample = sample;
      send({ type: 'try_rules', seq: S.rules.seq, rules, sample });
    }, 150);
  }

  /** The core's refusals of rules, shown on their rows (they replace the last ones) and kept for `save`. */
  function setRuleErrors(list) {
    for (const k of Array.from(S.errors.keys())) if (k.startsWith('filters.')) S.errors.delete(k);
    S.rules.errors = list;
    for (const e of list) S.errors.set(e.field, e);
    renderErrors();
  }

  function renderTry() {
    const sample = $('try-input').value;
    const out = $('try-out');
    const note = $('try-note');
    const a = S.rules.answer;
    if (!sample || !a) {
      out.textContent = '';
      out.classList.add('empty');
      note.textContent = sample ? '' : t('filters.try_hint');
      return;
    }
    const text = $('try-stage').value === 'after_translation' ? a.after_translation : a.before_translation;
    out.classList.remove('empty');
    out.textContent = text;
    const rules = formRules();
    const skipped = [...new Set(a.errors.map((e) => Number(e.field.split('.')[1])))]
      .filter((i) => rules[i] && rules[i].enabled && rules[i].stage === $('try-stage').value)
      .map((i) => i + 1);
    note.textContent = skipped.length ? t('filters.try_skipped', { n: skipped.join(', ') }) : text === a.sample ? t('filters.try_same') : '';
  }

  /** A rule was edited: what the core said about it no longer holds. */
  function dropRuleErrors(field) {
    const m = /^filters\.(\d+)\./.exec(field);
    if (!m) return;
    const mine = (f) => f === `filters.${m[1]}` || f.startsWith(`filters.${m[1]}.`);
    S.rules.errors = S.rules.errors.filter((e) => !mine(e.field));
    for (const k of Array.from(S.errors.keys())) if (mine(k)) S.errors.delete(k);
    renderErrors();
  }

  on('rules_tried', (msg) => {
    if (msg.seq !== S.rules.seq || !S.loaded) return;
    const errors = (Array.isArray(msg.errors) ? msg.errors : [])
      .filter((e) => e && typeof e.field === 'string' && /^filters\.\d+(\.pattern)?$/.test(e.field))
      .map((e) => ({ field: e.field, core: e.message ?? '' }));
    S.rules.answer = {
      sample: S.rules.sample,
      before_translation: String(msg.before_translation ?? ''),
      after_translation: String(msg.after_translation ?? ''),
      errors,
    };
    setRuleErrors(errors);
    renderTry();
  });
  $('try-input').addEventListener('input', updateTry);
  $('try-stage').addEventListener('change', renderTry);

  // ---------------------------------------------------------------- auto mode and memory

  $('auto-reset').addEventListener('click', () => {
    // The gates back to the core's defaults (start_on_launch is not a gate).
    for (const [k, v] of Object.entries((S.defaults && S.defaults.auto) || {})) {
      const input = document.querySelector(`[data-field="auto.${k}"]`);
      if (!input || k === 'start_on_launch') continue;
      setInput(input, v);
      S.errors.delete('auto.' + k);
    }
    renderErrors();
    updateDirty();
  });

  $('open-history').addEventListener('click', () => send({ type: 'open_history' }));

  // ---------------------------------------------------------------- glossary

  function renderGlossary() {
    const body = $('glossary-body');
    body.replaceChildren();
    const rows = getPath(S.model, 'translation.glossary') || [];
    rows.forEach((e) => addGlossaryRow(e));
    $('glossary-empty').hidden = rows.length > 0;
  }

  function addGlossaryRow(e) {
    const body = $('glossary-body');
    const cell = (k, ph) => {
      const i = el('input', { attrs: { type: 'text', 'data-gl': k, placeholder: ph, spellcheck: 'false' } });
      i.value = (e && e[k]) || '';
      return el('td', {}, i);
    };
    const rm = el('button', { class: 'icon-btn', title: t('glossary.remove'), attrs: { type: 'button' } }, icon('trash'));
    const tr = el('tr', {}, cell('src', 'アリス'), cell('dst', '爱丽丝'), cell('note', t('glossary.note_ph')), el('td', { class: 'gl-x' }, rm));
    rm.addEventListener('click', () => {
      tr.remove();
      $('glossary-empty').hidden = body.children.length > 0;
      clearError('translation.glossary');
      updateDirty();
    });
    body.append(tr);
    $('glossary-empty').hidden = true;
    return tr;
  }

  $('gl-add').addEventListener('click', () => {
    const tr = addGlossaryRow(null);
    tr.querySelector('input').focus();
  });
  $('glossary-body').addEventListener('input', () => {
    clearError('translation.glossary');
    updateDirty();
  });

  // ---------------------------------------------------------------- overlay preview

  function updatePreview() {
    const a = {};
    document.querySelectorAll('#sec-overlay [data-field]').forEach((input) => {
      const r = parseInput(input);
      if (!r.error) a[input.dataset.field.split('.')[1]] = r.value;
    });
    const applied = applyAppearance($('preview'), Object.assign({}, S.model ? S.model.overlay : {}, a));
    $('pv-source').hidden = !applied.show_original;
    $('preview').classList.toggle('over', applied.mode === 'over');
    // The sample is a translation: in the target language of the form, whatever the UI's language.
    const target = (document.querySelector('[data-field="general.target"]') || {}).value || getPath(S.model || {}, 'general.target');
    const key = 'preview.sample.' + target;
    $('pv-text').textContent = i18n.strings[key] ? t(key) : t('preview.text');
    $('pv-text').lang = i18n.strings[key] ? target : '';
    syncFontChoice();
    syncHex();
  }

  // The font: a choice of common fonts, or the CSS list itself (shown for "custom", and whenever the list is
  // not one of the choices).
  const FONTS = [
    ['noto_sans', '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'],
    ['yahei', '"Microsoft YaHei", sans-serif'],
    ['pingfang', '"PingFang SC", sans-serif'],
    ['source_han', '"Source Han Sans SC", sans-serif'],
    ['wenkai', '"LXGW WenKai", serif'],
    ['serif', '"Noto Serif CJK SC", "SimSun", serif'],
    ['simhei', '"SimHei", sans-serif'],
  ];
  const fontInput = () => document.querySelector('[data-field="overlay.font_family"]');
  const sameFont = (a, b) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
  let fontCustom = false; // "custom" picked: the raw list stays open even when it matches a choice

  function fillFontChoice() {
    const sel = $('font-choice');
    sel.replaceChildren(...FONTS.map(([k, v]) => el('option', { text: t('overlay_s.font.' + k), attrs: { value: v } })),
      el('option', { text: t('overlay_s.font_custom'), attrs: { value: '' } }));
    syncFontChoice();
  }

  function syncFontChoice() {
    const sel = $('font-choice');
    const raw = fontInput().value.trim();
    const preset = FONTS.find(([, v]) => sameFont(v, raw));
    sel.value = preset && !fontCustom ? preset[1] : '';
    const custom = !preset || fontCustom;
    document.querySelectorAll('.font-raw, .font-raw-hint').forEach((e) => (e.hidden = !custom));
  }

  $('font-choice').addEventListener('change', () => {
    const v = $('font-choice').value;
    fontCustom = v === '';
    const input = fontInput();
    if (v) {
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    } else {
      syncFontChoice();
      input.focus();
    }
  });

  // Colours: the picker and a text field for the hex value, each following the other.
  function syncHex() {
    document.querySelectorAll('[data-hex-for]').forEach((hex) => {
      if (hex === document.activeElement) return;
      const picker = document.querySelector(`[data-field="${CSS.escape(hex.dataset.hexFor)}"]`);
      hex.value = picker.value;
      hex.classList.remove('invalid');
    });
  }

  document.querySelectorAll('[data-hex-for]').forEach((hex) => {
    const picker = document.querySelector(`[data-field="${CSS.escape(hex.dataset.hexFor)}"]`);
    hex.addEventListener('input', () => {
      let v = hex.value.trim();
      if (/^[0-9a-fA-F]{6}$/.test(v)) v = '#' + v;
      if (/^#[0-9a-fA-F]{3}$/.test(v)) v = '#' + v.slice(1).split('').map((c) => c + c).join('');
      const ok = /^#[0-9a-fA-F]{6}$/.test(v);
      hex.classList.toggle('invalid', !ok);
      if (!ok) return;
      picker.value = v.toLowerCase();
      picker.dispatchEvent(new Event('input', { bubbles: true }));
    });
    hex.addEventListener('blur', syncHex);
  });

  // ---------------------------------------------------------------- banner, dirty, save

  function renderBanner() {
    const list = $('banner-list');
    list.replaceChildren(...S.warnings.map((w) => el('li', { text: (w.field ? w.field + ': ' : '') + warningText(w) })));
    $('banner').hidden = S.warnings.length === 0 || S.bannerClosed;
  }
  $('banner-close').addEventListener('click', () => {
    S.bannerClosed = true;
    $('banner').hidden = true;
  });

  function snapshot() {
    const errors = readForm();
    const json = stable(buildSettings());
    return { errors, json };
  }

  /** The footer line: a refusal (red) when there is one, else whether there are unsaved changes. */
  function setFooter(problem) {
    S.footer = problem;
    renderFooter();
  }

  function renderFooter() {
    const m = $('footer-msg');
    if (S.footer && S.errors.size === 0) S.footer = null; // every refused field was fixed
    const p = S.footer;
    m.className = 'footer-msg' + (p ? ' bad' : '');
    m.textContent = p ? errorText(p) : S.dirty ? t('footer.unsaved') : '';
    document.body.classList.toggle('dirty', !!S.dirty);
  }

  let dirtyTimer = 0;
  function updateDirty() {
    if (dirtyTimer) return;
    dirtyTimer = setTimeout(() => {
      dirtyTimer = 0;
      if (!S.loaded || S.saving) return;
      const { json } = snapshot();
      noteProfileEdits();
      const savedJson = stable(savedSettings());
      const dirty = json !== savedJson || ownChanged();
      S.dirty = dirty;
      renderFooter();
    }, 120);
  }

  function savedSettings() {
    const out = clone(S.saved);
    for (const p of S.catalog) out.providers[p.id] = Object.assign(providerDefaults(p.id), out.providers[p.id] || {}, { api_key: null });
    return forSave(out, null);
  }

  function setSaving(on) {
    S.saving = on;
    const b = $('btn-save');
    b.disabled = on;
    b.classList.toggle('busy', on);
    b.textContent = t(on ? 'common.saving' : 'common.save');
  }

  let saveTimer = 0;
  $('btn-save').addEventListener('click', () => {
    const errors = readForm();
    S.errors.clear();
    for (const e of errors) if (!S.errors.has(e.field)) S.errors.set(e.field, e);
    renderErrors();
    if (errors.length) {
      setFooter({ key: 'footer.fix', vars: { n: S.errors.size } });
      revealFirstError();
      return;
    }
    setFooter(null);
    const kept = S.model.filters.filter((r) => r.pattern !== '' || r.replacement !== '');
    if (kept.length !== S.model.filters.length) {
      S.model.filters = kept;
      renderFilters();
    }
    S.pending = buildSettings();
    setSaving(true);
    noteProfileEdits();
    // While a profile is edited, the fields it has of its own go to it; nothing else changes.
    send(S.editing ? { type: 'save', settings: S.pending, own: [...S.own] } : { type: 'save', settings: S.pending });
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => setSaving(false), 15000); // never stay stuck if the core does not answer
  });

  $('btn-revert').addEventListener('click', () => {
    if (!S.saved) return;
    S.model = clone(S.saved);
    S.keys = {};
    S.cleared = new Set();
    S.errors.clear();
    S.rules = { seq: S.rules.seq, answer: null, errors: [] };
    S.loaded = false;
    loadStatic();
    setUiChoiceState(S.model.general.ui_language);
    rerender(i18n.lang);
    S.loaded = true;
    S.dirty = false;
    startScopes();
    setFooter(null);
    document.body.classList.remove('dirty');
  });

  on('saved', () => {
    clearTimeout(saveTimer);
    if (S.pending) {
      // The typed keys are stored now: shown as set, and the `state` that follows brings their hints
      // (ApiKey::masked: the page never masks a key itself).
      for (const [id, ps] of Object.entries(S.pending.providers || {})) {
        const m = S.model.providers[id];
        if (!m) continue;
        if (typeof ps.api_key === 'string' && ps.api_key !== '') {
          m.api_key_set = true;
          m.api_key_hint = '';
        } else if (ps.api_key === '') {
          m.api_key_set = false;
          m.api_key_hint = '';
        }
      }
      S.keys = {};
      readForm();
      S.saved = clone(S.model);
      S.cleared = new Set();
      S.pending = null;
      if (S.own) S.ownSaved = stable([...S.own].sort());
    }
    setSaving(false);
    renderProviders();
    document.body.classList.remove('dirty');
    S.dirty = false;
    setFooter(null);
    toast(t('toast.saved'));
  });

  on('save_error', (msg) => {
    clearTimeout(saveTimer);
    setSaving(false);
    S.pending = null;
    S.errors.clear();
    const loose = [];
    for (const e of Array.isArray(msg.errors) ? msg.errors : []) {
      if (!e || typeof e.field !== 'string') continue;
      S.errors.set(e.field, { core: e.message ?? '' });
      if (!document.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`)) loose.push({ field: e.field, core: e.message ?? '' });
    }
    renderErrors();
    setFooter(loose.length ? { loose } : { key: 'footer.refused', vars: { n: S.errors.size } });
    revealFirstError();
  });

  let toastTimer = 0;
  function toast(text) {
    const el2 = $('toast');
    el2.textContent = text;
    el2.hidden = false;
    el2.classList.remove('show');
    void el2.offsetWidth;
    el2.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      el2.classList.remove('show');
      el2.hidden = true;
    }, 2600);
  }

  // ---------------------------------------------------------------- read-aloud voices

  // The core lists the system's voices (`list_voices` → `voices`) when read-aloud is on or the voice select is
  // opened: listing them starts the system's speech service, which nobody else needs.
  const voices = { list: null, busy: false, error: null };
  let voicesTimer = 0;
  // The primary language subtags of the voices that can read each language of the form.
  const VOICE_LANGS = { ja: ['ja'], 'zh-CN': ['zh', 'cmn'], 'zh-TW': ['zh', 'cmn', 'yue'], en: ['en'], ko: ['ko'] };

  /** The listed voices that can read what is read aloud (the text read's language, or the translation's):
   * speech-dispatcher lists every espeak-ng variant (thousands). All of them when none fits. */
  function voicesFor() {
    const list = voices.list || [];
    const value = (field) => (document.querySelector(`[data-field="${field}"]`) || {}).value;
    const lang = value('output.speak') === 'source' ? value('general.source') : value('general.target');
    const tags = VOICE_LANGS[lang];
    const fit = tags ? list.filter((v) => tags.includes(v.language.toLowerCase().split('-')[0])) : [];
    return fit.length ? fit : list;
  }

  /** The voice select: the system's default, the voices that fit, and `keep` even when not listed. */
  function fillVoiceSelect(keep) {
    const sel = $('voice-select');
    const list = voicesFor();
    const opts = [el('option', { text: t('output.voice_default'), attrs: { value: '', 'data-i18n': 'output.voice_default' } })];
    for (const v of list) opts.push(el('option', { text: v.language ? `${v.name} (${v.language})` : v.name, attrs: { value: v.name } }));
    const found = list.find((v) => v.name === keep || v.id === keep);
    const known = (voices.list || []).find((v) => v.name === keep || v.id === keep);
    if (keep && !found) opts.push(el('option', { text: voices.list && !known ? t('output.voice_not_listed', { voice: keep }) : keep, attrs: { value: known ? known.name : keep } }));
    if (voices.busy) opts.push(el('option', { text: t('output.voice_listing'), attrs: { value: '', disabled: true } }));
    sel.replaceChildren(...opts);
    sel.value = found ? found.name : known ? known.name : keep;
  }

  function requestVoices() {
    if (voices.busy) return;
    voices.busy = true;
    fillVoiceSelect($('voice-select').value);
    send({ type: 'list_voices' });
    // A core that does not answer leaves the select usable.
    clearTimeout(voicesTimer);
    voicesTimer = setTimeout(() => {
      voices.busy = false;
      fillVoiceSelect($('voice-select').value);
    }, 10000);
  }

  on('voices', (msg) => {
    clearTimeout(voicesTimer);
    voices.busy = false;
    voices.list = (Array.isArray(msg.voices) ? msg.voices : [])
      .filter((v) => v && typeof v.name === 'string' && v.name !== '')
      .map((v) => ({ id: typeof v.id === 'string' ? v.id : v.name, name: v.name, language: typeof v.language === 'string' ? v.language : '' }));
    voices.error = msg.error || null;
    fillVoiceSelect($('voice-select').value);
    $('voice-note').textContent = voices.error ? i18n.text(voices.error) : '';
  });

  $('voice-select').addEventListener('focus', () => {
    if (!voices.list) requestVoices();
  });
  document.querySelector('[data-field="output.speak"]').addEventListener('change', (e) => {
    if (e.target.value !== 'off' && !voices.list) requestVoices();
    else fillVoiceSelect($('voice-select').value);
  });
  for (const field of ['general.source', 'general.target']) {
    document.querySelector(`[data-field="${field}"]`).addEventListener('change', () => fillVoiceSelect($('voice-select').value));
  }
  // The preview's sample is in the target language.
  document.querySelector('[data-field="general.target"]').addEventListener('change', updatePreview);

  // ---------------------------------------------------------------- wiring

  document.querySelectorAll('.nav-item').forEach((b) => b.addEventListener('click', () => {
    showSection(b.dataset.section);
    if (b.dataset.section === 'regions' && S.loaded) requestWindows();
  }));
  document.querySelectorAll('#lang-seg button').forEach((b) => b.addEventListener('click', () => setUiChoice(b.dataset.lang, true)));
  $('ui-lang-select').addEventListener('change', (e) => setUiChoice(e.target.value, true));

  // Static fields: keep outputs, the preview and the dirty flag current; clear a field's error as it is edited.
  $('content').addEventListener('input', (e) => {
    const input = e.target;
    if (!input.dataset || !input.dataset.field || input.closest('.provider') || input.closest('#hotkey-list')) return;
    clearError(input.dataset.field);
    updateOutput(input);
    if (input.closest('#sec-overlay')) updatePreview();
    if (input.closest('#rules')) {
      dropRuleErrors(input.dataset.field);
      updateTry();
    }
    updateDirty();
  });
  $('content').addEventListener('change', (e) => {
    const input = e.target;
    if (input.dataset && input.dataset.field && input.closest('#sec-overlay')) updatePreview();
    if (input.dataset && input.dataset.field && input.closest('#rules')) {
      dropRuleErrors(input.dataset.field);
      updateTry();
    }
  });

  // Links never navigate inside the webview.
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href]');
    if (a) {
      e.preventDefault();
      if (/^https?:\/\//.test(a.href)) send({ type: 'open_url', url: a.href });
    }
  });
  // Ctrl+S saves.
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      $('btn-save').click();
    }
  });

  i18n.setLang(i18n.detect());
  fillLangSelects();
  i18n.apply(document);
  fillHints();
  document.title = t('app.title');
  $('btn-save').textContent = t('common.save');
  showSection('providers');
  ready();
})();
