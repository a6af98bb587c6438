// The history window (history.html): browse every translated line newest first, search, filter by region or
// game, correct a translation inline, delete a line, export what is filtered to CSV or JSON, clear everything
// after a confirmation. Messages are in PROTOCOL.md ("History"). Text from OCR, providers or the core is set
// with textContent only.
'use strict';

(function () {
  const { send, on, ready, el, icon } = window.ocrlayUi;
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- strings (strings.js, the one table)

  const i18n = window.ocrlayI18n;
  const t = i18n.t;
  i18n.setLang(i18n.detect());
  const ACTIONS = ['query', 'edit', 'delete', 'export', 'clear', 'open_folder'];

  const fmtInt = (n) => Number(n || 0).toLocaleString(i18n.lang === 'zh' ? 'zh-CN' : 'en-US');

  // ---------------------------------------------------------------- state

  const SEARCH_DEBOUNCE_MS = 250;
  const DELETE_ARM_MS = 3500;
  const MAX_LIMIT = 1000;

  const S = {
    pageSize: 100,
    exportDir: '',
    seq: 0, // the last query sent; answers to older ones are dropped
    answered: 0, // the seq of the list shown
    search: '',
    region: null, // null = every region
    entries: [],
    total: 0,
    allTotal: null, // lines in the whole history, when known
    more: false,
    regions: [],
    loaded: false,
    loadingMore: false,
    editing: null, // id of the line being edited
    editField: 'translation', // what of it: 'translation', or 'source' (a misreading to correct)
    draft: '',
    saving: false,
    editError: '',
    armed: null, // id of the line whose delete button waits for a second click
    armTimer: 0,
    deleting: new Set(),
    exporting: null, // 'csv' | 'json' while an export runs
    refreshPending: false,
    notice: null, // {kind: 'export'|'info', text, path}
  };

  const filtered = () => S.search.trim() !== '' || S.region !== null;

  // ---------------------------------------------------------------- queries

  /** Lists the current filter from the newest line; `keep` asks for as many lines as are shown now. */
  function query(keep) {
    S.seq += 1;
    S.loadingMore = false;
    const limit = keep ? Math.min(MAX_LIMIT, Math.max(S.pageSize, S.entries.length)) : S.pageSize;
    send({ type: 'query', seq: S.seq, search: S.search.trim(), region: S.region, before_id: null, limit });
    renderSummary();
  }

  function loadMore() {
    if (!S.more || S.loadingMore || S.entries.length === 0) return;
    S.seq += 1;
    S.loadingMore = true;
    const last = S.entries[S.entries.length - 1].id;
    send({ type: 'query', seq: S.seq, search: S.search.trim(), region: S.region, before_id: last, limit: S.pageSize });
    renderMore();
  }

  /** Lists again when new lines arrived, unless the user is in the middle of something. */
  function refreshSoon() {
    if (S.editing !== null || S.armed !== null) {
      S.refreshPending = true;
      return;
    }
    S.refreshPending = false;
    query(true);
  }

  // ---------------------------------------------------------------- formatting

  const pad = (n) => String(n).padStart(2, '0');
  const dayKey = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

  /** The local day (今天 / 03-02 / 2023-11-14) and clock time (14:32:05) of `ms`. */
  function when(ms) {
    const d = new Date(Number(ms));
    if (Number.isNaN(d.getTime())) return { day: '', clock: '', full: '' };
    const now = new Date();
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
    let day;
    if (dayKey(d) === dayKey(now)) day = t('history.today');
    else if (dayKey(d) === dayKey(yesterday)) day = t('history.yesterday');
    else if (d.getFullYear() === now.getFullYear()) day = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    else day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    const full = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
    return { day, clock, full };
  }

  const regionLabel = (r) => (r === '' ? t('history.unnamed_region') : r);
  const LANG_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
  const langAttr = (code) => (typeof code === 'string' && code !== 'auto' && LANG_TAG.test(code) ? code : null);
  const str = (v) => (typeof v === 'string' ? v : v == null ? '' : String(v));

  // ---------------------------------------------------------------- rendering

  function applyStrings() {
    document.documentElement.lang = i18n.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('history.window_title');
    i18n.apply(document);
    $('export-csv').title = t('history.export_title');
    $('export-json').title = t('history.export_title');
    $('clear-all').title = t('history.clear_title');
    $('footer-dir').textContent = S.exportDir ? t('history.export_dir', { dir: S.exportDir }) : '';
    $('footer-dir').title = S.exportDir;
  }

  function renderAll() {
    applyStrings();
    renderRegions();
    renderList();
    renderSummary();
    renderConfirm();
    renderNotice();
  }

  function renderSummary() {
    const shown = S.entries.length;
    let text;
    if (!S.loaded || (S.answered !== S.seq && !S.loadingMore)) text = t('history.reading');
    else {
      text = t(filtered() ? 'history.summary_filtered' : 'history.summary_all', { n: fmtInt(S.total) });
      if (shown < S.total) text += t('history.summary_shown', { n: fmtInt(shown) });
    }
    $('summary').textContent = text;
    const busy = S.exporting !== null;
    for (const [id, fmt] of [['export-csv', 'csv'], ['export-json', 'json']]) {
      const b = $(id);
      b.disabled = busy || !S.loaded || S.total === 0;
      b.classList.toggle('busy', S.exporting === fmt);
    }
    $('clear-all').disabled = !S.loaded || (S.allTotal === 0 && !filtered()) || (S.total === 0 && !filtered());
  }

  function renderRegions() {
    const sel = $('region');
    const names = S.regions.slice();
    if (S.region !== null && !names.includes(S.region)) names.push(S.region);
    const opts = [el('option', { text: t('history.all_regions'), attrs: { value: '*' } })];
    names.forEach((r, i) => opts.push(el('option', { text: regionLabel(r), attrs: { value: 'r' + i } })));
    sel.replaceChildren(...opts);
    sel.value = S.region === null ? '*' : 'r' + names.indexOf(S.region);
    sel._names = names;
    sel.classList.toggle('active', S.region !== null);
  }

  function header() {
    return el('div', { class: 'row head', attrs: { 'aria-hidden': 'true' } },
      el('div', { class: 'meta', text: t('history.col_meta') }),
      el('div', { class: 'cell', text: t('history.col_source') }),
      el('div', { class: 'cell', text: t('history.col_translation') }),
      el('div', { class: 'acts' }));
  }

  function copyButton(text, titleKey) {
    return el('button', {
      class: 'icon-btn mini copy',
      title: t(titleKey),
      attrs: { type: 'button', 'aria-label': t(titleKey) },
      on: {
        click: (e) => {
          e.stopPropagation();
          send({ type: 'copy', text });
          flash(t('history.copied'));
        },
      },
    }, icon('copy'));
  }

  function editor(line) {
    const source = S.editField === 'source';
    const ta = el('textarea', {
      class: 'edit-box',
      attrs: { rows: Math.min(8, Math.max(2, S.draft.split('\n').length + 1)), spellcheck: 'false', 'aria-label': t(source ? 'history.edit_source' : 'history.edit') },
    });
    ta.value = S.draft;
    ta.readOnly = S.saving;
    ta.addEventListener('input', () => {
      S.draft = ta.value;
      ta.rows = Math.min(8, Math.max(2, ta.value.split('\n').length + 1));
    });
    ta.addEventListener('keydown', (e) => {
      if (e.isComposing || e.keyCode === 229) return; // the IME is choosing characters
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        saveEdit();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        cancelEdit();
      }
    });
    const err = el('div', { class: 'edit-error', text: S.editError, attrs: { role: 'alert' } });
    err.hidden = !S.editError;
    return el('div', { class: 'editor' },
      ta,
      err,
      el('div', { class: 'edit-bar' },
        el('span', { class: 'edit-hint', text: t(source ? 'history.edit_source_hint' : 'history.edit_hint'), title: source ? '' : t('history.edit_wins') }),
        el('button', { class: 'btn small', text: t('history.cancel'), attrs: { type: 'button', disabled: S.saving }, on: { click: cancelEdit } }),
        el('button', {
          class: 'btn small primary save' + (S.saving ? ' busy' : ''),
          text: S.saving ? t('history.saving') : t('history.save'),
          attrs: { type: 'button', disabled: S.saving },
          on: { click: saveEdit },
        })));
  }

  function row(line) {
    const id = line.id;
    const w = when(line.time_ms);
    const provider = [str(line.provider), str(line.model)].filter(Boolean).join(' · ');
    const region = str(line.region);
    const editing = S.editing === id;

    const meta = el('div', { class: 'meta' },
      el('span', { class: 'when', title: w.full || str(line.time) },
        el('span', { class: 'day', text: w.day }),
        el('span', { class: 'clock', text: w.clock })),
      el('span', { class: 'region' + (region === '' ? ' unnamed' : ''), text: regionLabel(region), title: regionLabel(region) }),
      el('span', { class: 'prov', text: str(line.provider), title: provider }));

    let src;
    if (editing && S.editField === 'source') {
      src = el('div', { class: 'cell src editing' }, editor(line));
    } else {
      const srcText = el('div', { class: 'text', text: str(line.source) });
      const srcLang = langAttr(line.from);
      if (srcLang) srcText.setAttribute('lang', srcLang);
      src = el('div', { class: 'cell src', on: { dblclick: () => startEdit(id, 'source') } }, srcText,
        el('button', {
          class: 'icon-btn mini edit-src',
          title: t('history.edit_source'),
          attrs: { type: 'button', 'aria-label': t('history.edit_source'), disabled: editing },
          on: { click: (e) => { e.stopPropagation(); startEdit(id, 'source'); } },
        }, icon('edit')),
        copyButton(str(line.source), 'history.copy_source'));
    }

    let dst;
    if (editing && S.editField !== 'source') {
      dst = el('div', { class: 'cell dst editing' }, editor(line));
    } else {
      const dstText = el('div', { class: 'text', text: str(line.translation) });
      const dstLang = langAttr(line.to);
      if (dstLang) dstText.setAttribute('lang', dstLang);
      dst = el('div', { class: 'cell dst', on: { dblclick: () => startEdit(id) } },
        dstText,
        line.edited ? el('span', { class: 'badge edited', text: t('history.edited'), title: t('history.edited_title') }) : null,
        copyButton(str(line.translation), 'history.copy_translation'));
    }

    const armed = S.armed === id;
    const del = el('button', {
      class: 'icon-btn del' + (armed ? ' armed' : ''),
      title: armed ? t('history.delete_confirm') : t('history.delete'),
      attrs: { type: 'button', 'aria-label': armed ? t('history.delete_confirm') : t('history.delete'), disabled: S.deleting.has(id) },
      on: { click: () => deleteClick(id) },
    }, icon('trash'), armed ? el('span', { class: 'del-text', text: t('history.delete_confirm') }) : null);
    const acts = el('div', { class: 'acts' },
      el('button', {
        class: 'icon-btn edit',
        title: t('history.edit'),
        attrs: { type: 'button', 'aria-label': t('history.edit'), disabled: editing },
        on: { click: () => startEdit(id) },
      }, icon('edit')),
      del);

    const r = el('div', { class: 'row' + (editing ? ' is-editing' : '') + (S.deleting.has(id) ? ' removing' : ''), attrs: { role: 'listitem', 'data-id': String(id) } },
      meta, src, dst, acts);
    return r;
  }

  function renderList() {
    const list = $('list');
    const focusedEditor = list.querySelector('.edit-box') === document.activeElement;
    if (S.entries.length === 0) {
      list.replaceChildren();
    } else {
      list.replaceChildren(header(), ...S.entries.map(row));
    }
    if (focusedEditor) focusEditor(false); // never take the focus from the search box
    renderEmpty();
    renderMore();
  }

  function replaceRow(id) {
    const old = $('list').querySelector(`.row[data-id="${CSS.escape(String(id))}"]`);
    const line = S.entries.find((e) => e.id === id);
    if (!old || !line) return;
    old.replaceWith(row(line));
  }

  function renderEmpty() {
    const empty = $('empty');
    empty.hidden = !S.loaded || S.entries.length > 0;
    const f = filtered();
    $('empty-title').textContent = t(f ? 'history.nomatch_title' : 'history.empty_title');
    $('empty-text').textContent = t(f ? 'history.nomatch_text' : 'history.empty_text');
    $('empty-reset').hidden = !f;
  }

  function renderMore() {
    const left = Math.max(0, S.total - S.entries.length);
    $('more-row').hidden = !S.more;
    const b = $('load-more');
    b.disabled = S.loadingMore;
    b.textContent = S.loadingMore ? t('history.loading') : t('history.load_more', { n: fmtInt(left) });
  }

  function renderConfirm() {
    const box = $('confirm-clear');
    if (box.hidden) return;
    $('confirm-text').textContent = S.allTotal ? t('history.clear_q_n', { n: fmtInt(S.allTotal) }) : t('history.clear_q');
  }

  function renderNotice() {
    const n = S.notice;
    const box = $('notice');
    box.hidden = !n;
    if (!n) return;
    box.className = 'notice' + (n.kind === 'export' ? ' export' : '');
    $('notice-text').textContent = n.kind === 'export' ? t('history.exported', { n: fmtInt(n.count), fmt: n.format.toUpperCase() }) : n.text;
    $('notice-path').textContent = n.path || '';
    $('notice-path').hidden = !n.path;
    $('open-folder').hidden = n.kind !== 'export';
  }

  let flashTimer = 0;
  /** A short confirmation in the footer (replaced by the next message). */
  function flash(text) {
    const m = $('footer-msg');
    m.className = 'footer-msg ok';
    m.textContent = text;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      if (m.classList.contains('ok')) {
        m.textContent = '';
        m.className = 'footer-msg';
      }
    }, 3000);
  }

  function showError(text) {
    clearTimeout(flashTimer);
    const m = $('footer-msg');
    m.className = 'footer-msg bad';
    m.textContent = text;
    m.title = text;
  }

  function clearError() {
    const m = $('footer-msg');
    if (m.classList.contains('bad')) {
      m.className = 'footer-msg';
      m.textContent = '';
      m.title = '';
    }
  }

  // ---------------------------------------------------------------- editing

  function focusEditor(selectAll) {
    const ta = $('list').querySelector('.edit-box');
    if (!ta) return;
    ta.focus();
    if (selectAll) ta.select();
    else ta.setSelectionRange(ta.value.length, ta.value.length);
  }

  function startEdit(id, field = 'translation') {
    if (S.editing === id && S.editField === field) return;
    if (S.editing !== null && S.saving) return;
    const line = S.entries.find((e) => e.id === id);
    if (!line) return;
    const prev = S.editing;
    S.editing = id;
    S.editField = field;
    S.draft = str(field === 'source' ? line.source : line.translation);
    S.editError = '';
    S.saving = false;
    disarm();
    if (prev !== null) replaceRow(prev);
    replaceRow(id);
    focusEditor(true);
  }

  function endEdit() {
    const id = S.editing;
    S.editing = null;
    S.saving = false;
    S.editError = '';
    if (id !== null) replaceRow(id);
    if (S.refreshPending) refreshSoon();
  }

  function cancelEdit() {
    if (S.saving) return;
    const id = S.editing;
    endEdit();
    const r = id !== null && $('list').querySelector(`.row[data-id="${CSS.escape(String(id))}"] .edit`);
    if (r) r.focus();
  }

  function saveEdit() {
    if (S.editing === null || S.saving) return;
    const line = S.entries.find((e) => e.id === S.editing);
    const text = S.draft;
    const source = S.editField === 'source';
    const unchanged = source ? !line || text.trim() === str(line.source).trim() : line && text === str(line.translation);
    if (unchanged) {
      endEdit();
      return;
    }
    if (text.trim() === '') {
      S.editError = t('history.edit_empty');
      replaceRow(S.editing);
      focusEditor(false);
      return;
    }
    if (source) {
      // The corrected text is translated at once (in the region's overlay) and becomes that region's
      // replacement rule; the new translation arrives as a new line of the history.
      send({ type: 'correct_source', original: str(line.source), corrected: text, region: str(line.region) });
      endEdit();
      flash(t('history.source_sent'));
      return;
    }
    S.saving = true;
    S.editError = '';
    send({ type: 'edit', id: S.editing, translation: text });
    replaceRow(S.editing);
  }

  // ---------------------------------------------------------------- deleting, clearing, exporting

  function disarm() {
    clearTimeout(S.armTimer);
    const id = S.armed;
    S.armed = null;
    if (id !== null) replaceRow(id);
  }

  function deleteClick(id) {
    if (S.armed !== id) {
      disarm();
      S.armed = id;
      replaceRow(id);
      const b = $('list').querySelector(`.row[data-id="${CSS.escape(String(id))}"] .del`);
      if (b) b.focus();
      S.armTimer = setTimeout(() => {
        disarm();
        if (S.refreshPending) refreshSoon();
      }, DELETE_ARM_MS);
      return;
    }
    clearTimeout(S.armTimer);
    S.armed = null;
    S.deleting.add(id);
    send({ type: 'delete', id });
    replaceRow(id);
  }

  function exportAs(format) {
    if (S.exporting) return;
    S.exporting = format;
    clearError();
    send({ type: 'export', format, search: S.search.trim(), region: S.region, utc_offset_min: -new Date().getTimezoneOffset() || 0 });
    renderSummary();
    const m = $('footer-msg');
    m.className = 'footer-msg';
    m.textContent = t('history.exporting');
  }

  function openConfirm() {
    $('confirm-clear').hidden = false;
    renderConfirm();
    $('clear-cancel').focus();
  }

  function closeConfirm() {
    $('confirm-clear').hidden = true;
  }

  // ---------------------------------------------------------------- messages from the core

  on('state', (msg) => {
    if (msg.ui_lang === 'zh' || msg.ui_lang === 'en') i18n.setLang(msg.ui_lang);
    if (Number.isInteger(msg.page_size) && msg.page_size > 0) S.pageSize = Math.min(MAX_LIMIT, msg.page_size);
    S.exportDir = str(msg.export_dir);
    renderAll();
  });

  on('entries', (msg) => {
    if (msg.seq !== S.seq) return; // an answer to a query since replaced
    S.answered = msg.seq;
    const lines = Array.isArray(msg.entries) ? msg.entries.filter((e) => e && Number.isFinite(e.id)) : [];
    if (msg.append) {
      const have = new Set(S.entries.map((e) => e.id));
      S.entries = S.entries.concat(lines.filter((e) => !have.has(e.id)));
    } else {
      S.entries = lines;
    }
    S.total = Number(msg.total) || 0;
    S.more = !!msg.more;
    S.regions = Array.isArray(msg.regions) ? msg.regions.map(str) : [];
    if (!filtered()) S.allTotal = S.total;
    S.loaded = true;
    S.loadingMore = false;
    if (S.editing !== null && !S.entries.some((e) => e.id === S.editing)) {
      S.editing = null;
      S.saving = false;
    }
    if (S.armed !== null && !S.entries.some((e) => e.id === S.armed)) S.armed = null;
    if (msg.append) {
      const list = $('list');
      if (!list.firstChild && S.entries.length) list.append(header());
      const have = new Set(Array.from(list.querySelectorAll('.row[data-id]')).map((r) => r.dataset.id));
      list.append(...S.entries.filter((e) => !have.has(String(e.id))).map(row));
      renderEmpty();
      renderMore();
    } else {
      renderList();
    }
    renderRegions();
    renderSummary();
    renderConfirm();
  });

  on('edited', (msg) => {
    const e = msg.entry;
    if (!e || !Number.isFinite(e.id)) return;
    const i = S.entries.findIndex((x) => x.id === e.id);
    if (i >= 0) S.entries[i] = e;
    if (S.editing === e.id) {
      S.editing = null;
      S.saving = false;
      S.editError = '';
    }
    replaceRow(e.id);
    const r = $('list').querySelector(`.row[data-id="${CSS.escape(String(e.id))}"]`);
    if (r) {
      r.classList.add('just-saved');
      setTimeout(() => r.classList.remove('just-saved'), 1200);
    }
    clearError();
    flash(t('history.saved'));
    if (S.refreshPending) refreshSoon();
  });

  on('deleted', (msg) => {
    const id = msg.id;
    S.deleting.delete(id);
    const before = S.entries.length;
    S.entries = S.entries.filter((e) => e.id !== id);
    if (S.entries.length < before) {
      S.total = Math.max(0, S.total - 1);
      if (S.allTotal) S.allTotal -= 1;
    }
    if (S.editing === id) S.editing = null;
    const r = $('list').querySelector(`.row[data-id="${CSS.escape(String(id))}"]`);
    if (r) r.remove();
    if (S.entries.length === 0) $('list').replaceChildren();
    flash(t('history.deleted'));
    renderEmpty();
    renderMore();
    renderSummary();
    if (S.entries.length === 0 && S.more) query(false);
    if (S.refreshPending) refreshSoon();
  });

  on('exported', (msg) => {
    S.exporting = null;
    S.notice = { kind: 'export', count: Number(msg.count) || 0, format: str(msg.format) || 'csv', path: str(msg.path) };
    const m = $('footer-msg');
    if (!m.classList.contains('bad')) {
      m.textContent = '';
      m.className = 'footer-msg';
    }
    renderNotice();
    renderSummary();
  });

  on('cleared', (msg) => {
    closeConfirm();
    S.notice = { kind: 'info', text: t('history.cleared', { n: fmtInt(msg.count) }) };
    S.allTotal = 0;
    S.entries = [];
    S.editing = null;
    S.armed = null;
    S.total = 0;
    S.more = false;
    renderNotice();
    query(false);
    renderList();
  });

  on('changed', () => refreshSoon());

  on('error', (msg) => {
    const action = str(msg.action);
    const message = i18n.text(msg.message);
    const text = (ACTIONS.includes(action) ? t('history.err.' + action) : '') + message;
    if (action === 'edit' && msg.id != null && msg.id === S.editing) {
      S.saving = false;
      S.editError = message;
      replaceRow(S.editing);
      focusEditor(false);
    } else if (action === 'delete' && msg.id != null) {
      S.deleting.delete(msg.id);
      replaceRow(msg.id);
    } else if (action === 'export') {
      S.exporting = null;
      renderSummary();
    } else if (action === 'query') {
      S.loaded = true;
      S.answered = S.seq;
      S.loadingMore = false;
      renderMore();
      renderSummary();
    }
    showError(text);
  });

  // ---------------------------------------------------------------- controls

  let searchTimer = 0;
  const search = $('search');
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      if (search.value === S.search) return;
      S.search = search.value;
      query(false);
    }, SEARCH_DEBOUNCE_MS);
  });
  search.addEventListener('keydown', (e) => {
    if (e.isComposing || e.keyCode === 229) return;
    if (e.key === 'Enter') {
      clearTimeout(searchTimer);
      S.search = search.value;
      query(false);
    } else if (e.key === 'Escape' && search.value !== '') {
      e.preventDefault();
      clearTimeout(searchTimer);
      search.value = '';
      S.search = '';
      query(false);
    }
  });

  $('region').addEventListener('change', (e) => {
    const v = e.target.value;
    const names = e.target._names || [];
    S.region = v === '*' ? null : names[Number(v.slice(1))] ?? null;
    e.target.classList.toggle('active', S.region !== null);
    query(false);
  });

  $('load-more').addEventListener('click', loadMore);
  $('export-csv').addEventListener('click', () => exportAs('csv'));
  $('export-json').addEventListener('click', () => exportAs('json'));
  $('clear-all').addEventListener('click', openConfirm);
  $('clear-cancel').addEventListener('click', closeConfirm);
  $('clear-confirm').addEventListener('click', () => {
    $('clear-confirm').disabled = true;
    send({ type: 'clear', confirm: true });
    setTimeout(() => ($('clear-confirm').disabled = false), 1500);
  });
  $('open-folder').addEventListener('click', () => send({ type: 'open_folder' }));
  $('notice-close').addEventListener('click', () => {
    S.notice = null;
    renderNotice();
  });
  $('empty-reset').addEventListener('click', () => {
    search.value = '';
    S.search = '';
    S.region = null;
    renderRegions();
    query(false);
  });

  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === 'Escape' && !$('confirm-clear').hidden) {
      closeConfirm();
    }
  });

  renderAll();
  ready();
})();
