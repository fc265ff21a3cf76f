// The public side in a real browser: search and filter the initiatives (the
// state in the URL, with and without JavaScript), a neighbourhood's figures
// and chart, on a phone and at 320 px, with axe-core on every page.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();

async function noSidewaysScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

  test(`a visitor searches and filters the initiatives ${how}`, async () => {
    const page = await phonePage(fixture.browser, { javaScriptEnabled });
    const response = await page.goto(fixture.server.url + '/initiatives');
    assert.equal(response.status(), 200);
    if (javaScriptEnabled) await waitForHydration(page);
    await page.getByRole('heading', { name: 'Repair café Lombok' }).waitFor();
    // axe-core needs timers, which do not run with JavaScript off: it checks the hydrated run.
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), []);

    await page.getByLabel('Zoek in titel en beschrijving').fill('repair');
    await page.getByRole('button', { name: 'Toon' }).click();
    await page.waitForURL(/q=repair/);
    await page.getByRole('heading', { name: 'Repair café Lombok' }).waitFor();

    // The filters stay filled in; a neighbourhood narrows further.
    assert.equal(await page.getByLabel('Zoek in titel en beschrijving').inputValue(), 'repair');
    await page.getByLabel('Zoek in titel en beschrijving').fill('');
    await page.getByLabel('Buurt').selectOption({ label: 'Lombok' });
    await page.getByRole('button', { name: 'Toon' }).click();
    await page.waitForURL(/neighbourhood=lombok/);
    await page.getByRole('heading', { name: 'Repair café Lombok' }).waitFor();
    const places = await page.locator('ul.cards > li .card-meta a').allTextContents();
    assert.ok(places.length > 0 && places.every((p) => p === 'Lombok'), places.join(', '));

    // Nothing found says so; a bad year is explained next to the field.
    await page.goto(fixture.server.url + '/initiatives?q=xylofoonorkest');
    await page.getByText('Niets gevonden').waitFor();
    await page.goto(fixture.server.url + '/initiatives?year=twee');
    await page.locator('#year-error').waitFor();
    assert.equal(await page.getByLabel('Jaar van het besluit').getAttribute('aria-invalid'), 'true');
    if (javaScriptEnabled) {
      await waitForHydration(page);
      assert.deepEqual(await axeViolations(page), []);
    }
    await page.context().close();
  });

  test(`a neighbourhood shows its money and chart ${how}`, async () => {
    const page = await phonePage(fixture.browser, { javaScriptEnabled });
    await page.goto(fixture.server.url + '/neighbourhoods');
    await page.getByRole('link', { name: 'Lombok' }).first().click();
    await page.waitForURL(/\/neighbourhoods\/lombok$/);
    await page.getByRole('heading', { level: 1, name: 'Lombok' }).waitFor();
    if (javaScriptEnabled) await waitForHydration(page);
    assert.equal(await page.locator('svg.chart[role="img"]').count(), 1);
    assert.ok((await page.locator('table tbody tr').count()) >= 1, 'the chart as a table');
    await page.getByText('Nog beschikbaar').first().waitFor();
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });
}

test('the public pages fit 320 px and pass axe-core in English', async () => {
  const page = await phonePage(fixture.browser, { viewport: { width: 320, height: 640 } });
  for (const path of ['/initiatives', '/neighbourhoods', '/neighbourhoods/lombok']) {
    await page.goto(fixture.server.url + path);
    await waitForHydration(page);
    assert.equal(await noSidewaysScroll(page), 0, path);
  }
  await page.getByRole('link', { name: 'Read in English' }).click();
  await page.waitForURL(/\/neighbourhoods\/lombok$/);
  await page.getByText('Still available').first().waitFor();
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), []);
  await page.goto(fixture.server.url + '/initiatives');
  await page.getByRole('heading', { level: 1, name: 'Initiatives' }).waitFor();
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.errors, [], 'no console errors');
  await page.context().close();
});
