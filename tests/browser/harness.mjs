// Shared helpers for the browser tests: start the real server on port 0 with a
// fresh SQLite database filled with demo data, launch Debian's Chromium, and
// run axe-core on a page.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { test as nodeTest, before, after } from 'node:test';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const binary = process.env.BUURTFONDS_BIN ?? join(root, 'target/debug/buurtfonds');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** Starts `program args` and waits for the `listening on URL` it prints. */
function startListening(program, args, env, what) {
  const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`${what} exited early with ${code}`)));
    setTimeout(() => fail(new Error(`${what} did not start within 30 s`)), 30_000);
  });
  return { child, url };
}

/**
 * Starts `buurtfonds serve` on a free port with demo data. With
 * `{ stripe: true }` it also starts the fake Stripe (`fake-stripe`, built
 * from tests/src) and points the server's real Stripe client at it.
 */
export async function startServer({ stripe = false, env: settings = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'buurtfonds-browser-'));
  const env = {
    ...process.env,
    ...settings,
    DATABASE_URL: `sqlite://${dir}/browser.db?mode=rwc`,
    BUURTFONDS_LISTEN_ADDR: '127.0.0.1:0',
    BUURTFONDS_SITE_ROOT: join(root, 'target/site'),
    BUURTFONDS_DATA_DIR: dir,
    RUST_LOG: 'warn',
  };
  let fake = null;
  if (stripe) {
    const fakeBinary = join(dirname(binary), 'fake-stripe');
    fake = startListening(existsSync(fakeBinary) ? fakeBinary : join(root, 'target/debug/fake-stripe'), [], env, 'the fake Stripe');
    env.STRIPE_API_BASE = await fake.url;
    env.STRIPE_SECRET_KEY = 'sk_test_buurtfonds';
    env.STRIPE_WEBHOOK_SECRET = 'whsec_buurtfonds_test';
    // Stripe sends the payer back to the public address: it must be this server's.
    const port = await freePort();
    env.BUURTFONDS_LISTEN_ADDR = `127.0.0.1:${port}`;
    env.BUURTFONDS_PUBLIC_URL = `http://127.0.0.1:${port}`;
  }
  execFileSync(binary, ['seed', 'demo'], { env, stdio: 'ignore' });
  const server = startListening(binary, ['serve'], env, 'the server');
  const child = server.child;
  const url = await server.url;
  if (fake) {
    const told = await fetch(`${env.STRIPE_API_BASE}/_fake/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${url}/webhooks/stripe` }),
    });
    if (!told.ok) throw new Error(`the fake Stripe said ${told.status}`);
  }
  return {
    url,
    /** The newest mail in the server's outbox, as text with soft line breaks undone. */
    lastMail() {
      const outbox = join(dir, 'outbox');
      // Files are named after their outbox row, so the name sorts them in sending order.
      const files = readdirSync(outbox)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => join(outbox, f));
      const raw = readFileSync(files.at(-1), 'utf8');
      return raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      if (fake) {
        fake.child.kill('SIGTERM');
        await new Promise((ok) => fake.child.once('exit', ok));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's Chromium, quiet on this closed network. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A phone-sized page (390×844) that records console errors. */
export async function phonePage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.errors.push(msg.text());
  });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  return page;
}

/** Runs axe-core (WCAG 2.1 A and AA) and returns the violations. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, so the page's CSP still holds for its own scripts.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Waits until the wasm has hydrated the page: the menu button only exists then (hidden on wide screens). */
export async function waitForHydration(page) {
  try {
    await page.locator('button.menu-toggle').waitFor({ state: 'attached', timeout: 40_000 });
  } catch (e) {
    // Say why: a failed hydration leaves its error on the page.
    throw new Error(`the page did not hydrate; page errors: ${JSON.stringify(page.errors ?? [])}`, { cause: e });
  }
}

/**
 * Registers a server with demo data and a browser for the tests of one file;
 * the returned object's `server` and `browser` are set once `before` ran.
 */
export function useServerAndBrowser(options = {}) {
  const fixture = { server: null, browser: null };
  before(async () => {
    fixture.server = await startServer(options);
    fixture.browser = await launchBrowser();
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.stop();
  });
  return fixture;
}

/** A test with a deadline, so a hang fails instead of stalling the run. */
export const test = (name, fn) => nodeTest(name, { timeout: 90_000 }, fn);

/**
 * Holds back the page's wasm until the returned function is called, so a test
 * can act on the server's HTML before hydration starts (as a person on a slow
 * phone does). Call it before `goto`.
 */
export async function holdWasm(page) {
  let release;
  const gate = new Promise((ok) => (release = ok));
  await page.route('**/pkg/*.wasm', async (route) => {
    await gate;
    await route.continue();
  });
  return async () => {
    release();
    await waitForHydration(page);
  };
}
