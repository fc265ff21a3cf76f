// `/me` in a real browser: a resident signs in, finds their initiatives and
// the thread with their coach, writes a message; axe-core finds nothing.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();

async function signIn(page, email) {
  await page.goto(fixture.server.url + '/login?next=%2Fme');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill('buurtfonds-demo');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Mijn initiatieven', level: 1 }).waitFor();
}

for (const js of [true, false]) {
  test(`a resident reads the timeline and writes to the coach (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await phonePage(fixture.browser, { javaScriptEnabled: js });
    await signIn(page, 'lotte@buurtfonds.test');
    // axe-core needs timers, which do not run with JavaScript off: it checks the hydrated run.
    if (js) {
      await waitForHydration(page);
      assert.deepEqual(await axeViolations(page), [], '/me');
    }

    await page.getByRole('link', { name: 'Zadenbibliotheek in de buurtmoestuin' }).click();
    await page.getByRole('heading', { name: 'Tijdlijn' }).waitFor();
    if (js) {
      await waitForHydration(page);
      assert.deepEqual(await axeViolations(page), [], 'initiative page');
    }
    await page.getByText('Kun je laten zien hoe de kast eruit komt te zien').waitFor();

    const text = `Hier is de schets (${js ? 'met' : 'zonder'} JavaScript).`;
    await page.getByLabel('Je bericht').fill(text);
    await page.getByRole('button', { name: 'Versturen' }).click();
    await page.locator('.messages li.mine', { hasText: text }).waitFor();
    if (js) assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}
