// The region selector (selector.html): drag a rectangle over the frozen screenshot; release sends `region`
// in CSS pixels with devicePixelRatio and the view size, Esc or right-click sends `cancel`.
'use strict';

(function () {
  const { send, on, ready } = window.ocrlayUi;
  const i18n = window.ocrlayI18n;

  const $ = (id) => document.getElementById(id);
  const shot = $('shot');
  const veil = $('veil');
  const rectEl = $('rect');
  const sizeEl = $('size');
  const gx = $('guide-x');
  const gy = $('guide-y');
  const panes = ['pane-t', 'pane-b', 'pane-l', 'pane-r'].map($);

  const MIN = 4; // CSS px: smaller drags are clicks, not regions
  let start = null; // {x, y} while dragging
  let finished = false; // a region or cancel was sent; wait for the next `shot`

  function applyLang(lang) {
    i18n.setLang(lang);
    i18n.apply(document);
  }

  function reset() {
    start = null;
    finished = false;
    rectEl.hidden = true;
    sizeEl.hidden = true;
    showPanes(false);
    veil.hidden = false;
    document.body.classList.remove('dragging');
  }

  function showPanes(show) {
    for (const p of panes) p.hidden = !show;
  }

  // Dims everything but the rectangle b: above it, below it, and the two sides of its band.
  function placePanes(b) {
    const [t, bo, l, r] = panes;
    const W = window.innerWidth;
    const H = window.innerHeight;
    const set = (el, x, y, w, h) => {
      el.style.left = x + 'px';
      el.style.top = y + 'px';
      el.style.width = Math.max(0, w) + 'px';
      el.style.height = Math.max(0, h) + 'px';
    };
    set(t, 0, 0, W, b.y);
    set(bo, 0, b.y + b.height, W, H - b.y - b.height);
    set(l, 0, b.y, b.x, b.height);
    set(r, b.x + b.width, b.y, W - b.x - b.width, b.height);
    showPanes(true);
  }

  on('shot', (msg) => {
    if (msg.ui_lang) applyLang(msg.ui_lang);
    if (typeof msg.url === 'string' && msg.url) {
      // Tell the core when the frozen screen is really on show (the app logs it; tests wait for it).
      shot.src = msg.url;
      const shown = () => send({ type: 'shown' });
      if (shot.decode) shot.decode().then(shown, shown);
      else shot.onload = shown;
    }
    reset();
    window.focus();
  });

  const clampX = (x) => Math.min(window.innerWidth, Math.max(0, x));
  const clampY = (y) => Math.min(window.innerHeight, Math.max(0, y));
  const round2 = (v) => Math.round(v * 100) / 100;

  function box(e) {
    const x1 = clampX(e.clientX);
    const y1 = clampY(e.clientY);
    return {
      x: Math.min(start.x, x1),
      y: Math.min(start.y, y1),
      width: Math.abs(x1 - start.x),
      height: Math.abs(y1 - start.y),
    };
  }

  function draw(b) {
    const s = rectEl.style;
    s.left = b.x + 'px';
    s.top = b.y + 'px';
    s.width = b.width + 'px';
    s.height = b.height + 'px';
    rectEl.hidden = false;
    placePanes(b);
    veil.hidden = true;
    const dpr = window.devicePixelRatio || 1;
    sizeEl.textContent = `${Math.round(b.width * dpr)} × ${Math.round(b.height * dpr)}`;
    sizeEl.hidden = false;
    // Below the rectangle's left corner, or inside it when there is no room below.
    const below = b.y + b.height + 6;
    const labelH = sizeEl.offsetHeight || 22;
    sizeEl.style.left = Math.min(b.x, window.innerWidth - (sizeEl.offsetWidth || 90) - 4) + 'px';
    sizeEl.style.top = (below + labelH < window.innerHeight ? below : Math.max(4, b.y + b.height - labelH - 6)) + 'px';
  }

  function guides(e) {
    gx.hidden = gy.hidden = !!start || finished;
    gx.style.top = Math.round(e.clientY) + 'px';
    gy.style.left = Math.round(e.clientX) + 'px';
  }

  function cancel() {
    if (finished) return;
    finished = true;
    start = null;
    rectEl.hidden = true;
    sizeEl.hidden = true;
    send({ type: 'cancel' });
  }

  document.addEventListener('pointerdown', (e) => {
    if (finished) return;
    if (e.button === 2) {
      e.preventDefault();
      cancel();
      return;
    }
    if (e.button !== 0) return;
    e.preventDefault();
    start = { x: clampX(e.clientX), y: clampY(e.clientY) };
    document.body.classList.add('dragging');
    gx.hidden = gy.hidden = true;
    try {
      document.documentElement.setPointerCapture(e.pointerId);
    } catch (err) {
      /* capture is a nicety */
    }
  });

  document.addEventListener('pointermove', (e) => {
    if (finished) return;
    if (!start) {
      guides(e);
      return;
    }
    draw(box(e));
  });

  document.addEventListener('pointerup', (e) => {
    if (!start || finished || e.button !== 0) return;
    const b = box(e);
    start = null;
    document.body.classList.remove('dragging');
    if (b.width < MIN || b.height < MIN) {
      // A click, not a region: start over.
      rectEl.hidden = true;
      sizeEl.hidden = true;
      showPanes(false);
      veil.hidden = false;
      return;
    }
    finished = true;
    send({
      type: 'region',
      x: round2(b.x),
      y: round2(b.y),
      width: round2(b.width),
      height: round2(b.height),
      scale: window.devicePixelRatio || 1,
      view_width: window.innerWidth,
      view_height: window.innerHeight,
    });
  });

  document.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    cancel();
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      cancel();
    }
  });

  applyLang(i18n.detect());
  ready();
  window.focus();
})();
