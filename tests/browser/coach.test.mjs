// The coach's side in a real browser: a coach claims a submitted initiative
// and asks a question; the resident answers and resubmits; the coach
// approves above their mandate; an admin co-signs; the resident gives a bank
// account and the coach records the payout to it; the public page shows it funded. axe-core on every coach and admin page.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();
const TITLE = 'Computercursus voor beginners';

async function signedIn(email) {
  const page = await phonePage(fixture.browser);
  await page.goto(fixture.server.url + '/login');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill('buurtfonds-demo');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(fixture.server.url + '/');
  return page;
}

async function axe(page, what) {
  await waitForHydration(page);
  assert.deepEqual(await axeViolations(page), [], what);
}

test('from submission to payout: claim, question, resubmission, approval above the mandate, co-signature, payout', async () => {
  const url = fixture.server.url;

  // Kees submits his draft.
  const kees = await signedIn('kees@buurtfonds.test');
  await kees.goto(url + '/me');
  await kees.getByRole('link', { name: TITLE }).click();
  await kees.getByRole('link', { name: 'Aanvraag aanpassen' }).click();
  await kees.getByRole('heading', { level: 1 }).waitFor();
  await kees.goto(kees.url().replace(/\/[a-z]+$/, '/review'));
  await kees.getByRole('button', { name: 'Versturen naar de buurtcoach' }).click();
  await kees.getByText('Verstuurd!').waitFor();
  const id = kees.url().match(/initiatives\/(\d+)/)[1];

  // The admin lowers Sanne's mandate below the € 95 asked, and looks at the audit log.
  const admin = await signedIn('admin@buurtfonds.test');
  await admin.goto(url + '/admin');
  await axe(admin, '/admin');
  const sanneCard = admin.locator('article', { hasText: 'sanne.coach@buurtfonds.test' });
  await sanneCard.getByLabel("Mandaat in euro's").fill('50');
  await sanneCard.getByRole('button', { name: 'Opslaan' }).click();
  await admin.getByText('Opgeslagen.').waitFor();
  await admin.goto(url + `/admin/audit?initiative=${id}`);
  await axe(admin, '/admin/audit');
  await admin.getByRole('cell', { name: 'Ingediend' }).first().waitFor();

  // Sanne claims it and asks a question.
  const sanne = await signedIn('sanne.coach@buurtfonds.test');
  await sanne.goto(url + '/coach');
  await axe(sanne, '/coach');
  await sanne.getByRole('link', { name: TITLE }).click();
  await sanne.getByRole('button', { name: 'Oppakken' }).waitFor();
  await axe(sanne, 'coach initiative page, submitted');
  await sanne.getByRole('button', { name: 'Oppakken' }).click();
  await sanne.getByText('Gedaan. De bewoner krijgt bericht.').waitFor();
  await sanne.getByLabel('Wat moet er anders of wat wil je weten?').fill('Bij welke bibliotheek is de cursus?');
  await sanne.getByRole('button', { name: 'Vraag om aanpassing' }).click();
  await sanne.locator('.tag', { hasText: 'Aanpassing gevraagd' }).waitFor();

  // Kees answers and sends it again.
  await kees.goto(url + `/me/initiatives/${id}`);
  await kees.getByText('Bij welke bibliotheek is de cursus?').first().waitFor();
  await kees.getByLabel('Je bericht').fill('Bij de bibliotheek aan het plein.');
  await kees.getByRole('button', { name: 'Versturen' }).click();
  await kees.locator('.messages li.mine', { hasText: 'aan het plein' }).waitFor();
  await kees.goto(url + `/propose/${id}/review`);
  await kees.getByRole('button', { name: 'Opnieuw versturen' }).click();
  await kees.getByText('Verstuurd!').waitFor();

  // Sanne picks it up again and approves: above her mandate, it waits for a second signature.
  await sanne.goto(url + `/coach/initiatives/${id}`);
  await sanne.getByRole('button', { name: 'Oppakken' }).click();
  await sanne.getByRole('button', { name: 'Goedkeuren' }).waitFor();
  await axe(sanne, 'coach initiative page, in review');
  await sanne.getByLabel("Bedrag in euro's").fill('95');
  await sanne.getByRole('button', { name: 'Goedkeuren' }).click();
  await sanne.locator('.tag', { hasText: 'Wacht op tweede handtekening' }).waitFor();

  // The admin co-signs from the queue.
  await admin.goto(url + '/coach');
  await admin.locator('#cosign-title').waitFor();
  await admin.locator('section', { has: admin.locator('#cosign-title') }).getByRole('link', { name: TITLE }).click();
  await admin.getByRole('button', { name: 'Mee ondertekenen', exact: true }).waitFor();
  await axe(admin, 'co-sign page');
  await admin.getByRole('button', { name: 'Mee ondertekenen', exact: true }).click();
  await admin.locator('.tag', { hasText: 'Toegekend' }).waitFor();

  // Kees gives the bank account to pay to; Sanne records the bank transfer to it.
  await kees.goto(url + `/me/initiatives/${id}`);
  await kees.getByLabel('Naam van de rekeninghouder').fill('Kees Visser');
  await kees.getByLabel('IBAN (rekeningnummer)').fill('NL91 ABNA 0417 1643 00');
  await kees.getByRole('button', { name: 'Rekening opslaan' }).click();
  await kees.getByText('Je rekening is opgeslagen.').waitFor();
  await sanne.goto(url + `/coach/initiatives/${id}`);
  await sanne.locator('.transfer .iban', { hasText: 'NL91 ABNA 0417 1643 00' }).waitFor();
  await sanne.getByLabel('Kenmerk van de overboeking').fill('BF-2026-0095');
  await axe(sanne, 'payout form');
  await sanne.getByRole('button', { name: 'Uitbetaling vastleggen' }).click();
  await sanne.getByText('kenmerk BF-2026-0095').waitFor();

  // Anyone sees it funded.
  const visitor = await phonePage(fixture.browser);
  await visitor.goto(url + `/initiatives/${id}`);
  await visitor.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
  await visitor.locator('.tag.state', { hasText: 'Uitbetaald' }).waitFor();
  await axe(visitor, 'public initiative page');
  const paid = await visitor.locator('.figures div', { hasText: 'Uitbetaald' }).innerText();
  assert.match(paid, /95,00/);

  for (const page of [kees, admin, sanne, visitor]) {
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});
