// Typing before the page has hydrated: a person on a slow phone starts on the
// server's HTML long before the wasm arrives. Each test holds the wasm back,
// types first, then lets hydration run, and checks that nothing typed was
// lost — and that the app itself sees the typed text afterwards.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, holdWasm, axeViolations } from './harness.mjs';

const fixture = useServerAndBrowser();

function inDays(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

test('sign-up: what was typed before hydration is still there after it, focus and caret too', async () => {
  const page = await phonePage(fixture.browser);
  const hydrated = await holdWasm(page);
  await page.goto(fixture.server.url + '/signup');
  await page.getByLabel('Je naam').fill('Noor');
  await page.getByLabel('E-mailadres').fill('noor@example.org');
  await page.getByLabel('Wachtwoord').fill('een lang wachtwoord');
  // The caret in the middle of the name field, as if correcting a typo.
  await page.getByLabel('Je naam').focus();
  await page.evaluate(() => document.activeElement.setSelectionRange(2, 2));
  // Not hydrated yet: the menu button only exists once the wasm has run.
  assert.equal(await page.locator('button.menu-toggle').count(), 0);
  await hydrated();
  assert.equal(await page.getByLabel('Je naam').inputValue(), 'Noor');
  assert.equal(await page.getByLabel('E-mailadres').inputValue(), 'noor@example.org');
  assert.equal(await page.getByLabel('Wachtwoord').inputValue(), 'een lang wachtwoord');
  assert.deepEqual(
    await page.evaluate(() => [document.activeElement.id, document.activeElement.selectionStart]),
    ['display_name', 2],
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sign-in and the wizard: typed before hydration, sent after it', async () => {
  const url = fixture.server.url;
  const page = await phonePage(fixture.browser);
  let hydrated = await holdWasm(page);
  await page.goto(url + '/login?next=%2Fpropose');
  await page.getByLabel('E-mailadres').fill('lotte@buurtfonds.test');
  await page.getByLabel('Wachtwoord').fill('buurtfonds-demo');
  await hydrated();
  assert.equal(await page.getByLabel('E-mailadres').inputValue(), 'lotte@buurtfonds.test');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Start een initiatief', level: 1 }).waitFor();

  // Step 1, typed on a fresh load before the wasm has arrived.
  await page.unrouteAll();
  hydrated = await holdWasm(page);
  await page.goto(url + '/propose');
  await page.getByLabel('Een activiteit in de buurt').check();
  await page.getByLabel('Titel').fill('Moestuin op het plein');
  await page.getByLabel('Wat wil je doen, en waarom?').fill('Samen met de buren groente kweken op het lege plein.');
  await hydrated();
  assert.equal(await page.getByLabel('Titel').inputValue(), 'Moestuin op het plein');
  assert.equal(
    await page.getByLabel('Wat wil je doen, en waarom?').inputValue(),
    'Samen met de buren groente kweken op het lege plein.',
  );
  assert.ok(await page.getByLabel('Een activiteit in de buurt').isChecked());
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: 'Bewaren en verder' }).click();
  await page.getByRole('heading', { name: 'Voor wie', level: 1 }).waitFor();
  const id = page.url().match(/\/propose\/(\d+)\//)[1];

  // On to the budget, hydrated as usual.
  await page.getByLabel('Wie heeft er iets aan?').fill('De buren rond het plein.');
  await page.getByLabel('Met hoeveel mensen ongeveer?').fill('20');
  await page.getByRole('button', { name: 'Bewaren en verder' }).click();
  await page.getByRole('heading', { name: 'Waar en wanneer', level: 1 }).waitFor();
  await page.getByLabel('In welke buurt?').selectOption({ label: 'Lombok' });
  await page.getByLabel('Wanneer begint het?').fill(inDays(30));
  await page.getByRole('button', { name: 'Bewaren en verder' }).click();
  await page.getByRole('heading', { name: 'Wie helpt er', level: 1 }).waitFor();
  await page.getByLabel('Wat breng je zelf mee?').fill('Ik regel de zaden en water de planten.');
  await page.getByRole('button', { name: 'Bewaren en verder' }).click();
  await page.getByRole('heading', { name: 'Begroting', level: 1 }).waitFor();

  // The budget's amount, typed before hydration: the running total (reactive
  // code in the browser) sees it once hydrated.
  await page.unrouteAll();
  hydrated = await holdWasm(page);
  await page.goto(`${url}/propose/${id}/budget`);
  await page.getByLabel('Waarvoor?').fill('Zaden en potgrond');
  await page.getByLabel("Bedrag in euro's").fill('35');
  await hydrated();
  await page.getByText('Totaal met deze regel: € 35,00').waitFor();
  await page.getByRole('button', { name: 'Uitgave toevoegen' }).click();
  await page.locator('.lines li', { hasText: 'Zaden en potgrond' }).waitFor();

  // What step 1 saved is what was typed before hydration.
  await page.goto(`${url}/propose/${id}/idea`);
  assert.equal(await page.getByLabel('Titel').inputValue(), 'Moestuin op het plein');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
