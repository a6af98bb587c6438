// Test harness: serves ui/ on 127.0.0.1 with the app's Content-Security-Policy, launches Debian's Chromium
// through playwright-core, mocks window.ipc and records what the pages send.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const UI_DIR = path.resolve(here, '..');
export const SHOT_DIR = path.resolve(UI_DIR, '..', 'target', 'ui-screenshots');

// The same policy src/app/webview.rs sends with every page.
export const CSP =
  "default-src 'self' ocrlay:; script-src 'self' ocrlay:; style-src 'self' ocrlay:; " +
  "img-src 'self' ocrlay: data: blob:; font-src 'self' ocrlay: data:; connect-src 'none'; object-src 'none'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** A static server of ui/ (top-level files only, like the app's protocol). */
export function startServer() {
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
    const file = path.join(UI_DIR, name);
    const ext = path.extname(name);
    if (!name || name.includes('/') || name.includes('\\') || !TYPES[ext] || !fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[ext], 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${server.address().port}/` }));
  });
}

const INIT = () => {
  window.__sent = [];
  window.__csp = [];
  window.ipc = { postMessage: (s) => window.__sent.push(JSON.parse(s)) };
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
};

/** Starts the server and the browser; returns helpers. Call `close()` at the end. */
export async function setup() {
  const { server, base } = await startServer();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocrlay-ui-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 900, height: 680 },
    locale: 'zh-CN',
  });
  fs.mkdirSync(SHOT_DIR, { recursive: true });

  async function open(file, { width = 900, height = 680, colorScheme = 'light' } = {}) {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme });
    const dialogs = [];
    const errors = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript(INIT);
    await page.goto(base + file);
    await page.waitForFunction(() => window.__sent.some((m) => m.type === 'ready'));
    return {
      page,
      dialogs,
      errors,
      /** Hands a message to the page the way the core does. */
      receive: (msg) => page.evaluate((m) => window.ocrlay.receive(m), msg),
      /** Everything the page sent so far. */
      sent: () => page.evaluate(() => window.__sent),
      /** The messages of one type. */
      sentOf: async (type) => (await page.evaluate(() => window.__sent)).filter((m) => m.type === type),
      clearSent: () => page.evaluate(() => (window.__sent = [])),
      cspViolations: () => page.evaluate(() => window.__csp),
      shot: (name) => page.screenshot({ path: path.join(SHOT_DIR, name) }),
    };
  }

  return {
    base,
    open,
    async close() {
      await context.close().catch(() => {});
      server.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `fn` returns a truthy value (polling), or throws after `ms`. */
export async function until(fn, ms = 3000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Draws a dark, game-like scene with a dialogue box in the page and returns it as a PNG data URL. */
export function gameScene(page, { width, height, line = '「ねえ、今夜は星がとても綺麗だね。」', name = 'アリス' }) {
  return page.evaluate(({ width, height, line, name }) => {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, height);
    sky.addColorStop(0, '#0b1030');
    sky.addColorStop(0.55, '#2a2f63');
    sky.addColorStop(1, '#6b4a6e');
    g.fillStyle = sky;
    g.fillRect(0, 0, width, height);
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 160; i++) {
      g.fillStyle = `rgba(255,255,255,${0.3 + rnd() * 0.7})`;
      g.fillRect(rnd() * width, rnd() * height * 0.6, 1.5, 1.5);
    }
    g.fillStyle = '#fff3cf';
    g.shadowColor = 'rgba(255,240,200,0.8)';
    g.shadowBlur = 40;
    g.beginPath();
    g.arc(width * 0.8, height * 0.18, Math.min(width, height) * 0.06, 0, Math.PI * 2);
    g.fill();
    g.shadowBlur = 0;
    g.fillStyle = '#15152b';
    g.beginPath();
    g.moveTo(0, height * 0.72);
    for (let x = 0; x <= width; x += 40) g.lineTo(x, height * 0.7 - Math.sin(x / 130) * 30 - rnd() * 12);
    g.lineTo(width, height);
    g.lineTo(0, height);
    g.fill();
    // Lit windows of a small town.
    for (let i = 0; i < 40; i++) {
      g.fillStyle = rnd() > 0.5 ? '#ffcf70' : '#ffe3a3';
      g.fillRect(rnd() * width, height * 0.72 + rnd() * height * 0.08, 4, 6);
    }
    // Dialogue box.
    const bx = width * 0.08, by = height * 0.74, bw = width * 0.84, bh = height * 0.2;
    g.fillStyle = 'rgba(255,255,255,0.88)';
    g.strokeStyle = '#e9b7c9';
    g.lineWidth = 3;
    g.beginPath();
    g.roundRect(bx, by, bw, bh, 12);
    g.fill();
    g.stroke();
    g.fillStyle = '#c0507a';
    g.font = `bold ${Math.round(bh * 0.2)}px "Noto Sans CJK JP", sans-serif`;
    g.fillText(name, bx + 24, by + bh * 0.32);
    g.fillStyle = '#3a2a3a';
    g.font = `${Math.round(bh * 0.26)}px "Noto Serif CJK JP", "Noto Sans CJK JP", serif`;
    g.fillText(line, bx + 24, by + bh * 0.72);
    return c.toDataURL('image/png');
  }, { width, height, line, name });
}
