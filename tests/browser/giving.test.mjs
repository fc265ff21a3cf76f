// Giving to an initiative in a real browser: the form on the public page,
// the (fake) Stripe Checkout page and back, with and without JavaScript, on
// a phone and at 320 px, with axe-core on the pages of Buurtfonds.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser({ stripe: true });

async function openInitiative(page, title) {
  await page.goto(fixture.server.url + '/initiatives?q=' + encodeURIComponent(title.split(' ')[0]));
  await page.getByRole('link', { name: title }).first().click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

  test(`a neighbour gives through Checkout and comes back ${how}`, async () => {
    const page = await phonePage(fixture.browser, { javaScriptEnabled });
    await openInitiative(page, 'Huiswerkklas in de Vogelbuurt');
    if (javaScriptEnabled) {
      await waitForHydration(page);
      assert.deepEqual(await axeViolations(page), []);
    }
    await page.getByRole('heading', { name: 'Geef mee' }).waitFor();
    assert.ok(await page.getByText('Het fonds legt 100 cent bij').isVisible(), 'the match rule is explained');

    // A wrong amount is explained next to the field; what was typed stays.
    await page.getByLabel('Bedrag in euro').fill('veel');
    await page.getByRole('button', { name: 'Doorgaan naar betalen' }).click();
    await page.locator('#gift-amount-error').waitFor();
    assert.equal(await page.getByLabel('Bedrag in euro').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Bedrag in euro').inputValue(), 'veel');
    if (javaScriptEnabled) {
      await waitForHydration(page);
      assert.deepEqual(await axeViolations(page), []);
    }

    const giver = javaScriptEnabled ? 'Buurman Piet' : 'Buurvrouw Ans';
    await page.getByLabel('Bedrag in euro').fill('12,50');
    await page.getByLabel('Naam om te tonen (mag leeg)').fill(giver);
    await page.getByRole('button', { name: 'Doorgaan naar betalen' }).click();
    // Stripe's (fake) Checkout page, in euros.
    await page.waitForURL(/\/checkout\/cs_test_/);
    await page.getByRole('heading', { name: 'Pay €12,50' }).waitFor();
    await page.getByRole('button', { name: 'Pay with iDEAL' }).click();

    // Back on the initiative: thanked, and the gift is listed.
    await page.waitForURL(/gift=thanks/);
    await page.getByText('Dank je wel! Je gift is ontvangen').waitFor();
    const gifts = await page.locator('ul.gifts li').allTextContents();
    assert.ok(gifts.some((g) => g.includes(giver) && g.includes('12,50')), gifts.join(' | '));
    assert.ok(await page.getByText('Bijgelegd door het fonds').isVisible(), 'the fund matched it');
    if (javaScriptEnabled) {
      await waitForHydration(page);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(page.errors, []);
    }
    await page.context().close();
  });
}

test('stopping on the Checkout page comes back without a gift, at 320 px', async () => {
  const page = await phonePage(fixture.browser, { viewport: { width: 320, height: 700 } });
  await openInitiative(page, 'Huiswerkklas in de Vogelbuurt');
  await page.getByLabel('Bedrag in euro').fill('5');
  const width = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(width, 0, 'no sideways scrolling at 320 px');
  await page.getByRole('button', { name: 'Doorgaan naar betalen' }).click();
  await page.waitForURL(/\/checkout\/cs_test_/);
  await page.getByRole('link', { name: 'Back' }).click();
  await page.waitForURL(/gift=cancelled/);
  await page.getByText('Je hebt het betalen afgebroken').waitFor();
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), []);
  await page.context().close();
});
