// The translation overlay (overlay.html): one block per provider, streaming text, status and hover controls.
// Every text from OCR or a provider is set with textContent only.
'use strict';

(function () {
  const { send, on, ready, el, icon, applyAppearance } = window.ocrlayUi;
  const i18n = window.ocrlayI18n;
  const t = i18n.t;

  const $ = (id) => document.getElementById(id);
  const frame = $('frame');
  const panel = $('panel');
  const blocksEl = $('blocks');
  const sourceEl = $('source');
  const sourceText = $('source-text');
  const statusEl = $('status');
  const statusText = $('status-text');

  const MAX_HEIGHT = 1600;
  const state = {
    appearance: Object.assign({}, window.ocrlayUi.DEFAULT_APPEARANCE),
    job: null, // id of the job on screen
    source: '',
    blocks: new Map(), // provider id → { root, text, err, meta, value }
    painted: new Set(), // jobs whose first character was reported
    paintPending: null, // {job, since}: first characters drawn, waiting for the window to hold them
    requestedHeight: null, // the window height last asked of the core (content_size)
    locked: false,
    lastSize: '',
    forceSource: false, // the original is on show for a correction although show_original is off
    statusText: '',
    statusWords: null, // the status line as a sentence of the core, when it is one
  };
  const noticeWords = new Map(); // a notice's line → its sentence of the core

  // ---- appearance and language ----

  function setLocked(locked) {
    state.locked = !!locked;
    document.body.classList.toggle('locked', state.locked);
    $('btn-lock').title = t(state.locked ? 'overlay.unlock' : 'overlay.lock');
  }

  function applyLang(lang) {
    i18n.setLang(lang);
    i18n.apply(document);
    document.documentElement.lang = i18n.lang === 'zh' ? 'zh-CN' : 'en';
    for (const b of state.blocks.values()) b.copy.title = t('overlay.copy');
    sourceEl.querySelector('.copy').title = t('overlay.copy_source');
    // Built by the script: their words follow the language too.
    sourceEdit.title = t('overlay.edit_source');
    sourceEditLabel.textContent = t('overlay.correct');
    if (state.statusWords) renderStatus();
    // Notices on show: their sentences and buttons in the new language.
    for (const [line, words] of noticeWords) {
      if (line.isConnected) line.textContent = i18n.text(words);
      else noticeWords.delete(line);
    }
    document.querySelectorAll('.notice-action[data-label]').forEach((b) => (b.textContent = t(b.dataset.label)));
    setLocked(state.locked);
  }

  on('appearance', (msg) => {
    state.appearance = applyAppearance(document.documentElement, msg.appearance);
    // "over" mode: the panel fills the window, which the core keeps at the region's size (or taller).
    document.documentElement.classList.toggle('mode-over', state.appearance.mode === 'over');
    frame.classList.remove('sized');
    frame.style.removeProperty('width');
    frame.style.removeProperty('height');
    if (msg.ui_lang) applyLang(msg.ui_lang);
    setLocked(state.appearance.locked);
    showSource();
    reportSize();
  });

  on('locked', (msg) => setLocked(msg.locked));
  // Auto mode on/off (hotkey, tray or this button): the button shows the state.
  on('auto', (msg) => {
    const b = $('btn-auto');
    b.setAttribute('aria-pressed', msg.on ? 'true' : 'false');
    b.title = t(msg.on ? 'overlay.auto_stop' : 'overlay.auto_start');
  });

  // ---- jobs and blocks ----

  function showSource() {
    // Without a translation to show (no provider enabled), the recognised text is the result: always shown.
    const wanted = !!state.appearance.show_original || state.blocks.size === 0 || state.forceSource;
    const show = wanted && state.job !== null && state.source.trim() !== '';
    frame.classList.toggle('source-only', state.job !== null && state.blocks.size === 0);
    sourceEl.hidden = !show;
    if (!editing()) sourceText.textContent = state.source;
    // The toolbar's "correct" works whether the original is on show or not.
    $('btn-correct').disabled = state.job === null || state.source.trim() === '';
  }

  function makeBlock(id, name) {
    const label = el('span', { class: 'label', text: name || id });
    const meta = el('span', { class: 'meta' });
    const text = el('div', { class: 'text' });
    const err = el('div', { class: 'err', attrs: { hidden: true, role: 'alert' } });
    const copy = el('button', { class: 'copy', title: t('overlay.copy'), attrs: { type: 'button' } }, icon('copy'));
    const root = el('section', { class: 'block pending', attrs: { 'data-provider': id } },
      el('div', { class: 'block-head' }, label, meta), text, err, copy);
    const block = { root, text, err, meta, copy, value: '' };
    copy.addEventListener('click', () => {
      send({ type: 'copy', text: block.value });
      flash(copy);
    });
    state.blocks.set(id, block);
    blocksEl.append(root);
    frame.classList.toggle('multi', state.blocks.size > 1);
    return block;
  }

  function flash(button) {
    button.classList.add('done');
    button.replaceChildren(icon('check'));
    setTimeout(() => {
      button.classList.remove('done');
      button.replaceChildren(icon('copy'));
    }, 900);
  }

  on('job', (msg) => {
    stopEditing();
    state.job = msg.job;
    state.source = typeof msg.source === 'string' ? msg.source : '';
    sourceEl.classList.toggle('corrected', msg.corrected === true);
    sourceEl.title = msg.corrected === true ? t('overlay.corrected') : '';
    state.blocks.clear();
    blocksEl.replaceChildren();
    const providers = Array.isArray(msg.providers) ? msg.providers : [];
    for (const p of providers) {
      if (p && typeof p.id === 'string') makeBlock(p.id, typeof p.name === 'string' ? p.name : p.id);
    }
    frame.classList.toggle('multi', state.blocks.size > 1);
    frame.classList.remove('idle');
    panel.scrollTop = 0;
    showSource();
    reportSize();
  });

  /** The block of a provider in the current job, or null for a message of an old job. */
  function blockFor(msg) {
    if (state.job === null || msg.job !== state.job || typeof msg.provider !== 'string') return null;
    return state.blocks.get(msg.provider) || makeBlock(msg.provider, msg.provider);
  }

  function setText(block, job, text) {
    block.value = typeof text === 'string' ? text : '';
    block.text.textContent = block.value;
    if (block.value !== '') {
      block.root.classList.remove('pending');
      if (!state.painted.has(job)) {
        state.painted.add(job);
        state.paintPending = { job, since: performance.now() };
      }
    }
    reportSize();
    checkPainted();
  }

  // "painted" means the first characters are on screen: drawn, in a window at the size the content asked for.
  // The window follows content_size a moment later (the core resizes it), and WebKit draws the page again after
  // each resize: until then the text may sit below the window's edge, or a window that just shrank shows
  // nothing at all. So the report waits for the window to reach the size asked (or gives up waiting after 2 s,
  // or at once where the core does not follow the content: a size the user set, "over" mode, past its limit).
  function checkPainted() {
    const p = state.paintPending;
    if (!p) return;
    requestAnimationFrame(() => {
      if (state.paintPending !== p) return;
      const need = neededSize().h;
      const free = frame.classList.contains('sized') || need >= MAX_HEIGHT;
      const over = document.documentElement.classList.contains('mode-over');
      const settled = over || state.requestedHeight === null || Math.abs(window.innerHeight - state.requestedHeight) <= 1;
      const fits = free || (settled && need <= window.innerHeight + 1);
      if (fits || performance.now() - p.since > 2000) {
        state.paintPending = null;
        // This callback runs before the frame with the text is drawn; the next one runs once it was.
        requestAnimationFrame(() => send({ type: 'painted', job: p.job }));
      } else if (!p.fallback) {
        // The window's 'resize' checks again; this is only for a window that never grows.
        p.fallback = setTimeout(checkPainted, 2100);
      }
    });
  }
  window.addEventListener('resize', checkPainted);

  on('delta', (msg) => {
    const b = blockFor(msg);
    if (b) setText(b, msg.job, msg.text);
  });

  on('done', (msg) => {
    const b = blockFor(msg);
    if (!b) return;
    setText(b, msg.job, msg.text);
    b.root.classList.remove('pending');
    if (Number.isFinite(msg.ms)) b.meta.textContent = formatMs(msg.ms);
  });

  on('error', (msg) => {
    const b = blockFor(msg);
    if (!b) return;
    if (typeof msg.partial === 'string' && msg.partial !== '') setText(b, msg.job, msg.partial);
    b.root.classList.remove('pending');
    b.root.classList.add('failed');
    b.err.textContent = typeof msg.message === 'string' && msg.message ? msg.message : t('overlay.failed');
    b.err.hidden = false;
    reportSize();
  });

  // A line for the job on screen, with a button when there is something to do (see PROTOCOL.md).
  const NOTICE_ACTIONS = {
    open_providers: { label: 'overlay.open_providers', message: { type: 'open_settings', section: 'providers' } },
    open_settings: { label: 'overlay.open_settings', message: { type: 'open_settings' } },
  };
  on('notice', (msg) => {
    // A job's notice only while that job is on screen; the app's own (job null) until the next job.
    if (msg.job === null ? state.job !== null : msg.job !== state.job) return;
    // The core's sentence ({key, params}) when it sent one: worded here, and again when the language changes.
    const words = msg.words && typeof msg.words === 'object' && typeof msg.words.key === 'string' ? msg.words : null;
    const line = el('p', { text: words ? i18n.text(words) : typeof msg.text === 'string' ? msg.text : '' });
    if (words) noticeWords.set(line, words);
    const note = el('section', { class: 'notice', attrs: { role: 'status' } }, line);
    const action = NOTICE_ACTIONS[msg.action];
    if (action) {
      const b = el('button', { class: 'notice-action', attrs: { type: 'button', 'data-label': action.label }, text: t(action.label) });
      b.addEventListener('click', () => send(action.message));
      note.append(b);
    }
    blocksEl.append(note);
    frame.classList.remove('idle');
    showSource();
    reportSize();
  });

  // The notices say what is no longer so (a provider is enabled now): they go; the job's text stays.
  on('clear_notice', () => {
    blocksEl.querySelectorAll('.notice').forEach((n) => n.remove());
    reportSize();
  });

  function formatMs(ms) {
    return ms >= 1000 ? (ms / 1000).toFixed(1) + ' s' : Math.round(ms) + ' ms';
  }

  // The saved region this overlay shows, named when several overlays are up.
  on('region', (msg) => {
    const tag = $('region-tag');
    const name = typeof msg.name === 'string' ? msg.name : '';
    tag.textContent = name;
    tag.title = name;
    tag.hidden = !name;
  });

  // The status line: the core's sentence ({key, params}) when it sent one, worded here and again when the
  // language changes; else its text as it is.
  function renderStatus() {
    const w = state.statusWords;
    statusText.textContent = w ? i18n.text(w) : state.statusText;
    statusEl.title = statusText.textContent;
  }
  on('status', (msg) => {
    state.statusText = typeof msg.text === 'string' ? msg.text : '';
    state.statusWords = msg.words && typeof msg.words === 'object' && typeof msg.words.key === 'string' ? msg.words : null;
    statusEl.classList.toggle('busy', !!msg.busy);
    renderStatus();
  });

  // ---- controls ----

  $('btn-lock').addEventListener('click', () => {
    const locked = !state.locked;
    setLocked(locked);
    send({ type: 'lock', locked });
  });
  $('btn-settings').addEventListener('click', () => send({ type: 'open_settings' }));
  $('btn-hide').addEventListener('click', () => send({ type: 'hide' }));
  $('btn-retranslate').addEventListener('click', () => send({ type: 'retranslate' }));
  $('btn-auto').addEventListener('click', () => send({ type: 'toggle_auto' }));
  $('btn-copy-source').addEventListener('click', (e) => {
    const b = e.currentTarget;
    send({ type: 'copy', text: state.source });
    b.classList.add('done');
    setTimeout(() => b.classList.remove('done'), 900);
  });

  // The source block gets its own copy button.
  const sourceCopy = el('button', { class: 'copy', title: t('overlay.copy_source'), attrs: { type: 'button' } }, icon('copy'));
  sourceCopy.addEventListener('click', () => {
    send({ type: 'copy', text: state.source });
    flash(sourceCopy);
  });
  sourceEl.append(sourceCopy);

  // ---- correcting the recognised text ----
  // The pencil makes the original editable (the core lets the overlay take the keyboard meanwhile); Enter
  // translates the corrected text and the core remembers the correction, Esc gives up. Shift+Enter is a new
  // line. The text is only ever read and written as plain text.
  // The pencil with its word, on the original; the toolbar has the same (#btn-correct), for when the original
  // is not on show (show_original off): it shows it for the correction.
  const sourceEditLabel = el('span', { class: 'edit-label', text: t('overlay.correct') });
  const sourceEdit = el('button', { class: 'edit', title: t('overlay.edit_source'), attrs: { type: 'button' } }, icon('edit'), sourceEditLabel);
  sourceEl.append(sourceEdit);

  function editing() {
    return sourceEl.classList.contains('editing');
  }

  function stopEditing() {
    if (!editing()) return;
    sourceEl.classList.remove('editing');
    sourceText.removeAttribute('contenteditable');
    if (state.forceSource) {
      state.forceSource = false;
      showSource();
      reportSize();
    }
  }

  function startEditing() {
    if (state.job === null || state.source.trim() === '' || editing()) return;
    if (sourceEl.hidden) {
      state.forceSource = true;
      showSource();
      reportSize();
    }
    sourceEl.classList.add('editing');
    sourceText.setAttribute('contenteditable', 'plaintext-only');
    send({ type: 'edit_source' });
    sourceText.focus();
    // The caret at the end, ready to type.
    const sel = window.getSelection();
    sel.selectAllChildren(sourceText);
    sel.collapseToEnd();
  }

  sourceEdit.addEventListener('click', startEditing);
  $('btn-correct').addEventListener('click', startEditing);

  sourceText.addEventListener('keydown', (e) => {
    if (!editing()) return;
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      const corrected = sourceText.innerText.replace(/\n+$/, '');
      stopEditing();
      sourceText.textContent = state.source;
      send({ type: 'correct_source', original: state.source, corrected });
    } else if (e.key === 'Escape') {
      e.preventDefault();
      stopEditing();
      sourceText.textContent = state.source;
      send({ type: 'edit_done' });
    }
  });

  // Drag: anywhere on the panel except buttons and the resize grip starts a native window drag.
  frame.addEventListener('mousedown', (e) => {
    if (e.button !== 0 || state.locked) return;
    if (e.target.closest('button, .resize-grip')) return;
    if (editing() && e.target.closest('.source-text')) return;
    e.preventDefault();
    send({ type: 'drag' });
  });

  // Resize grip: the page resizes its frame at once and tells the core (throttled, then a final message).
  const grip = $('resize');
  let resizing = null;
  let resizeTimer = 0;
  function sendResize() {
    resizeTimer = 0;
    if (!resizing && !grip.dataset.pending) return;
    const r = frame.getBoundingClientRect();
    delete grip.dataset.pending;
    send({ type: 'resize', width: Math.round(r.width), height: Math.round(r.height) });
  }
  grip.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || state.locked) return;
    e.preventDefault();
    e.stopPropagation();
    const r = frame.getBoundingClientRect();
    resizing = { x: e.clientX, y: e.clientY, w: r.width, h: r.height };
    grip.setPointerCapture(e.pointerId);
  });
  grip.addEventListener('pointermove', (e) => {
    if (!resizing) return;
    const w = Math.min(2000, Math.max(200, resizing.w + e.clientX - resizing.x));
    const h = Math.min(2000, Math.max(60, resizing.h + e.clientY - resizing.y));
    frame.classList.add('sized');
    frame.style.width = w + 'px';
    frame.style.height = h + 'px';
    grip.dataset.pending = '1';
    if (!resizeTimer) resizeTimer = setTimeout(sendResize, 80);
  });
  const endResize = () => {
    if (!resizing) return;
    if (resizeTimer) clearTimeout(resizeTimer);
    resizeTimer = 0;
    if (grip.dataset.pending) {
      const r = frame.getBoundingClientRect();
      delete grip.dataset.pending;
      send({ type: 'resize', width: Math.round(r.width), height: Math.round(r.height) });
    }
    resizing = null;
  };
  grip.addEventListener('pointerup', endResize);
  grip.addEventListener('pointercancel', endResize);

  // content_size: the panel's natural size, so the core can fit the window to the text (see PROTOCOL.md).
  let sizeFrame = 0;
  /** The panel's natural size, CSS px: the frame plus whatever the panel scrolls. */
  function neededSize() {
    const r = frame.getBoundingClientRect();
    const extra = panel.scrollHeight - panel.clientHeight;
    return { w: Math.ceil(r.width), h: Math.ceil(r.height + Math.max(0, extra)) };
  }
  function reportSize() {
    if (sizeFrame) return;
    sizeFrame = requestAnimationFrame(() => {
      sizeFrame = 0;
      const { w, h } = neededSize();
      const key = w + 'x' + h;
      if (key === state.lastSize) return;
      state.lastSize = key;
      // The height the core will give the window (it keeps it within 40–1600 CSS px).
      state.requestedHeight = Math.min(MAX_HEIGHT, Math.max(40, h));
      send({ type: 'content_size', width: w, height: h });
    });
  }

  applyLang(i18n.detect());
  ready();
})();
