// The home page in a real browser: hydration, accessibility, phone widths,
// and the same page with JavaScript switched off.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();

test('the home page hydrates without moving: the menu button folds and unfolds the navigation', async () => {
  const page = await phonePage(fixture.browser);
  const response = await page.goto(fixture.server.url + '/');
  assert.equal(response.status(), 200);
  await waitForHydration(page);

  const button = page.locator('button.menu-toggle');
  const nav = page.locator('#site-nav');
  // Hydration leaves the navigation as the server drew it: nothing moves.
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await nav.isVisible(), true);
  const shifted = await page.evaluate(() => new Promise((ok) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => ok(total), 500);
  }));
  assert.ok(shifted < 0.01, `layout shift while loading: ${shifted}`);
  // The content comes first: the wasm is requested only after the first paint.
  const timing = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    wasm: performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.startTime,
  }));
  assert.ok(timing.paint !== undefined && timing.wasm !== undefined, JSON.stringify(timing));
  assert.ok(timing.wasm > timing.paint, `wasm requested at ${timing.wasm} ms, first paint at ${timing.paint} ms`);

  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.isVisible(), false, 'folded on a phone');

  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await nav.isVisible(), true);
  await page.getByRole('link', { name: 'Initiatieven' }).waitFor({ state: 'visible' });

  assert.deepEqual(page.errors, [], 'no console errors (CSP violations would show here)');
  await page.context().close();
});

test('the home page shows recently funded initiatives from the database', async () => {
  const page = await phonePage(fixture.browser);
  await page.goto(fixture.server.url + '/');
  await waitForHydration(page);
  const cards = page.locator('ul.cards > li');
  assert.ok((await cards.count()) >= 4);
  await page.getByRole('heading', { name: 'Repair café Lombok' }).waitFor();
  await page.context().close();
});

test('axe-core finds no violations on the home page, in Dutch and in English, and on the 404 page', async () => {
  const page = await phonePage(fixture.browser);
  await page.goto(fixture.server.url + '/');
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), []);

  await page.getByRole('link', { name: 'Read in English' }).click();
  await page.waitForURL(fixture.server.url + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('heading', { name: 'Recently funded' }).waitFor();
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), []);

  const missing = await page.goto(fixture.server.url + '/nope');
  assert.equal(missing.status(), 404);
  assert.deepEqual(await axeViolations(page), []);
  await page.context().close();
});

test('at 320 px nothing scrolls sideways', async () => {
  const page = await phonePage(fixture.browser, { viewport: { width: 320, height: 640 } });
  await page.goto(fixture.server.url + '/');
  await waitForHydration(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  await page.context().close();
});

test('with JavaScript off the page is complete and every link works', async () => {
  const page = await phonePage(fixture.browser, { javaScriptEnabled: false });
  const response = await page.goto(fixture.server.url + '/');
  assert.equal(response.status(), 200);
  // No menu button without JavaScript: the navigation is simply open.
  assert.equal(await page.locator('button.menu-toggle').count(), 0);
  assert.equal(await page.locator('#site-nav').isVisible(), true);
  await page.getByRole('heading', { name: 'Repair café Lombok' }).waitFor();

  await page.getByRole('link', { name: 'Read in English' }).click();
  await page.waitForURL(fixture.server.url + '/');
  await page.getByRole('heading', { name: 'Recently funded' }).waitFor();
  await page.getByRole('link', { name: 'Lees in het Nederlands' }).click();
  await page.getByRole('heading', { name: 'Net gesteund' }).waitFor();

  await page.getByRole('link', { name: 'Naar de inhoud' }).focus();
  assert.equal(await page.locator('.skip-link').isVisible(), true);
  await page.context().close();
});
