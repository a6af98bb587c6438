// Shared by every page: the IPC wrapper (see PROTOCOL.md) and small DOM helpers.
// Text from OCR or a provider only ever reaches the DOM through `textContent`.
'use strict';

(function () {
  const handlers = new Map();

  /** Sends one message to the core. */
  function send(msg) {
    try {
      window.ipc.postMessage(JSON.stringify(msg));
    } catch (e) {
      console.warn('ocrlay: cannot send', msg && msg.type, e);
    }
  }

  /** Registers the handler of one message type (one handler per type). */
  function on(type, fn) {
    handlers.set(type, fn);
  }

  // The core calls window.ocrlay.receive(msg) through evaluate_script. Unknown types are ignored.
  window.ocrlay = {
    receive(msg) {
      if (typeof msg === 'string') {
        try {
          msg = JSON.parse(msg);
        } catch (e) {
          return;
        }
      }
      if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
      const fn = handlers.get(msg.type);
      if (!fn) return;
      try {
        fn(msg);
      } catch (e) {
        console.error('ocrlay: handling', msg.type, e);
      }
    },
  };

  /** Tells the core the page can receive messages; call once every handler is registered. */
  function ready() {
    send({ type: 'ready' });
  }

  /**
   * Creates an element. `opts`: { class, text, attrs: {name: value}, title, on: {event: fn} }.
   * Text goes in with textContent only.
   */
  function el(tag, opts, ...children) {
    const e = document.createElement(tag);
    const o = opts || {};
    if (o.class) e.className = o.class;
    if (o.text !== undefined && o.text !== null) e.textContent = String(o.text);
    if (o.title) e.title = o.title;
    if (o.attrs) {
      for (const [k, v] of Object.entries(o.attrs)) {
        if (v === false || v === null || v === undefined) continue;
        e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    if (o.on) {
      for (const [k, fn] of Object.entries(o.on)) e.addEventListener(k, fn);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  /** Clones an inline SVG icon kept in a <template id="icon-NAME"> of the page. */
  function icon(name) {
    const t = document.getElementById('icon-' + name);
    return t ? t.content.firstElementChild.cloneNode(true) : document.createElement('span');
  }

  const HEX = /^#[0-9a-fA-F]{6}$/;

  function isHexColor(c) {
    return typeof c === 'string' && HEX.test(c);
  }

  /** `#rrggbb` + opacity → `rgba(…)`. */
  function rgba(hex, alpha) {
    const h = isHexColor(hex) ? hex : '#101014';
    const n = parseInt(h.slice(1), 16);
    const a = Math.min(1, Math.max(0, Number.isFinite(alpha) ? alpha : 0.6));
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }

  /**
   * A text outline drawn with text-shadows in a ring (works in WebKitGTK, WebView2 and WKWebView alike,
   * unlike paint-order on HTML text), plus a soft halo that keeps thin strokes readable on busy scenes.
   */
  function outlineShadow(width, color) {
    const w = Math.min(6, Math.max(0, Number(width) || 0));
    const c = isHexColor(color) ? color : '#000000';
    if (w === 0) return 'none';
    const steps = Math.max(8, Math.round(w * 8));
    const parts = [];
    for (let i = 0; i < steps; i++) {
      const a = (2 * Math.PI * i) / steps;
      parts.push(`${(Math.cos(a) * w).toFixed(2)}px ${(Math.sin(a) * w).toFixed(2)}px 0 ${c}`);
    }
    parts.push(`0 0 ${w + 2}px ${c}`);
    return parts.join(', ');
  }

  const DEFAULT_APPEARANCE = {
    font_family: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif',
    font_size: 20,
    text_color: '#ffffff',
    outline_color: '#000000',
    outline_width: 2,
    background_color: '#101014',
    background_opacity: 0.6,
    width: 560,
    show_original: false,
    locked: false,
  };

  /** Puts an Appearance on an element as CSS custom properties (read by overlay.css and the preview). */
  function applyAppearance(target, appearance) {
    const a = Object.assign({}, DEFAULT_APPEARANCE, appearance || {});
    const s = target.style;
    const font = typeof a.font_family === 'string' && !/[;{}<>\\]/.test(a.font_family) ? a.font_family : DEFAULT_APPEARANCE.font_family;
    s.setProperty('--ov-font', font + ', "Noto Sans CJK JP", sans-serif');
    const size = Math.min(72, Math.max(10, Number(a.font_size) || 20));
    s.setProperty('--ov-size', size + 'px');
    s.setProperty('--ov-fg', isHexColor(a.text_color) ? a.text_color : '#ffffff');
    // Over the text, the panel must hide the line it translates: at least 94 % opaque.
    const opacity = Number(a.background_opacity);
    s.setProperty('--ov-bg', rgba(a.background_color, a.mode === 'over' ? Math.max(0.94, opacity || 0) : opacity));
    s.setProperty('--ov-outline', outlineShadow(a.outline_width, a.outline_color));
    s.setProperty('--ov-width', Math.min(2000, Math.max(200, Number(a.width) || 560)) + 'px');
    return a;
  }

  window.ocrlayUi = { send, on, ready, el, icon, isHexColor, rgba, outlineShadow, applyAppearance, DEFAULT_APPEARANCE };
})();
