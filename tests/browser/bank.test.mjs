// The bank account a grant is paid to, in a real browser on a phone
// (390×844): a resident enters a wrong IBAN first (told next to the field),
// then a right one (shown masked), with and without JavaScript; the coach
// pays out by bank seeing the holder and the full IBAN on the payout form.
// axe-core on every new screen: hydrated, and for the pages served without
// JavaScript on their server HTML as it was (axe itself needs timers, which
// do not run with JavaScript off).
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();
const HUISWERK = 'Huiswerkklas in de Vogelbuurt';
const TAALCAFE = 'Taalcafé in de bibliotheek';

async function signedIn(email, { javaScriptEnabled = true } = {}) {
  const page = await phonePage(fixture.browser, { javaScriptEnabled });
  await page.goto(fixture.server.url + '/login');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill('buurtfonds-demo');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(fixture.server.url + '/');
  return page;
}

/** axe-core on a hydrated page. */
async function axe(page, what) {
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), [], what);
}

/**
 * axe-core on what a browser without JavaScript was served: the same HTML
 * and styles, in a page where scripts may run (for axe) but the app's own
 * never loads.
 */
async function axeAsServed(page, what) {
  const html = await page.content();
  const url = page.url();
  const copy = await phonePage(fixture.browser);
  await copy.route('**/pkg/*.wasm', (route) => route.abort());
  await copy.route('**/pkg/*.js', (route) => route.abort());
  await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await copy.goto(url);
  assert.deepEqual(await axeViolations(copy), [], what);
  await copy.context().close();
}

async function openMine(page, title) {
  await page.goto(fixture.server.url + '/me');
  await page.getByRole('link', { name: title }).click();
  await page.getByRole('heading', { name: 'Rekening voor de uitbetaling' }).waitFor();
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  // With JavaScript the approved Huiswerkklas (its coach pays next); without, the submitted Taalcafé.
  const title = javaScriptEnabled ? HUISWERK : TAALCAFE;

  test(`a resident enters a wrong IBAN, is told why next to the field, then a right one (${how})`, async () => {
    const page = await signedIn('maria@buurtfonds.test', { javaScriptEnabled });
    await openMine(page, title);
    const check = javaScriptEnabled ? axe : axeAsServed;
    await check(page, `bank account form, ${how}`);
    await page.getByText('Je hebt nog geen rekening ingevuld.').waitFor();

    await page.getByLabel('Naam van de rekeninghouder').fill('Stichting Huiswerk Vogelbuurt');
    await page.getByLabel('IBAN (rekeningnummer)').fill('NL02 ABNA 0123 4567 88');
    await page.getByRole('button', { name: 'Rekening opslaan' }).click();
    await page.locator('#iban-error').waitFor();
    assert.match(await page.locator('#iban-error').innerText(), /Dit IBAN klopt niet/);
    const field = page.getByLabel('IBAN (rekeningnummer)');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match(await field.getAttribute('aria-describedby'), /iban-error/);
    assert.equal(await field.inputValue(), 'NL02 ABNA 0123 4567 88', 'what was typed stays');
    await check(page, `bank account form with an error, ${how}`);

    await field.fill('NL02 ABNA 0123 4567 89');
    await page.getByRole('button', { name: 'Rekening opslaan' }).click();
    await page.getByText('Je rekening is opgeslagen.').waitFor();
    await page.getByText('Nu: NL** **** **** **67 89 op naam van Stichting Huiswerk Vogelbuurt.').waitFor();
    assert.equal(await page.getByText('NL02 ABNA 0123 4567 89').count(), 0, 'never in full on my page');
    await check(page, `bank account saved, ${how}`);
    if (javaScriptEnabled) assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the coach pays out by bank, seeing the holder and the full IBAN (and without JavaScript the form is accessible too)', async () => {
  const url = fixture.server.url;
  // The form as served without JavaScript.
  const plain = await signedIn('joris.coach@buurtfonds.test', { javaScriptEnabled: false });
  await plain.goto(url + '/coach');
  await plain.getByRole('link', { name: HUISWERK }).first().click();
  await plain.getByText('Overmaken naar').waitFor();
  await axeAsServed(plain, 'payout form without JavaScript');
  await plain.context().close();

  const joris = await signedIn('joris.coach@buurtfonds.test');
  await joris.goto(url + '/coach');
  await joris.getByRole('link', { name: HUISWERK }).first().click();
  await joris.getByText('Overmaken naar').waitFor();
  const form = joris.locator('.transfer');
  assert.equal(await form.locator('.holder').innerText(), 'Stichting Huiswerk Vogelbuurt');
  assert.equal(await form.locator('.iban').innerText(), 'NL02 ABNA 0123 4567 89');
  await joris.getByText('Dat je dit nummer ziet, staat in het logboek.').waitFor();
  await axe(joris, 'payout form');
  await joris.getByLabel('Kenmerk van de overboeking').fill('BF-2026-0900');
  await joris.getByRole('button', { name: 'Uitbetaling vastleggen' }).click();
  await joris.getByText('kenmerk BF-2026-0900').waitFor();
  await joris.getByText('Stichting Huiswerk Vogelbuurt, NL** **** **** **67 89').waitFor();
  assert.equal(await joris.getByText('NL02 ABNA 0123 4567 89').count(), 0, 'paid: the full IBAN is gone');
  await axe(joris, 'coach page after the payout');
  assert.deepEqual(joris.errors, []);
  await joris.context().close();

  // The admin's audit log says who saw the number.
  const admin = await signedIn('admin@buurtfonds.test');
  await admin.goto(url + '/admin/audit?kind=bank_account_viewed');
  await admin.getByRole('cell', { name: 'Volledig rekeningnummer ingezien' }).first().waitFor();
  await admin.getByRole('cell', { name: 'Joris Bakker' }).first().waitFor();
  await axe(admin, 'audit log of bank account views');
  await admin.context().close();
});
