// Being held up after too many sign-in attempts is said where the person
// is: with JavaScript next to the e-mail field (what was typed stays), without
// it on a page in the site's style with the wait and the way back.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, waitForHydration, axeViolations } from './harness.mjs';

const fixture = useServerAndBrowser({ env: { BUURTFONDS_AUTH_ATTEMPTS_PER_ACCOUNT: '2' } });

async function tryWrong(page, email) {
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill('raden raden');
  await page.getByRole('button', { name: 'Inloggen' }).click();
}

test('hydrated, the lockout is a message next to the e-mail field and the address stays', async () => {
  const page = await phonePage(fixture.browser);
  await page.goto(fixture.server.url + '/login');
  await waitForHydration(page);
  for (let i = 0; i < 2; i++) {
    await tryWrong(page, 'maria@buurtfonds.test');
    await page.getByText('Het e-mailadres of het wachtwoord klopt niet.').waitFor();
  }
  await tryWrong(page, 'maria@buurtfonds.test');
  await page.locator('#email-error', { hasText: 'Te veel pogingen achter elkaar' }).waitFor();
  assert.equal(await page.getByLabel('E-mailadres').inputValue(), 'maria@buurtfonds.test');
  assert.deepEqual(await axeViolations(page), []);
  await page.context().close();
});

test('without JavaScript, the lockout is a styled page with the wait and a way back', async () => {
  const page = await phonePage(fixture.browser, { javaScriptEnabled: false });
  await page.goto(fixture.server.url + '/login');
  for (let i = 0; i < 3; i++) await tryWrong(page, 'kees@buurtfonds.test');
  await page.getByRole('heading', { name: 'Even wachten', level: 1 }).waitFor();
  await page.getByText(/Wacht \d+ seconden?/).waitFor();
  const styled = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.ok(styled && !/^"?Times/.test(styled), `the site's style: ${styled}`);
  await page.getByRole('link', { name: 'Terug naar het formulier' }).click();
  await page.getByLabel('E-mailadres').waitFor();
  assert.match(page.url(), /\/login/);
  await page.context().close();
});
