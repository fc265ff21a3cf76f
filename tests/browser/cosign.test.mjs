// The co-signature in a real browser, with JavaScript on and off: the admin
// sees on /admin that a co-signature has waited too long, opens it and sees
// what they sign, tries to decline without a reason (the message is next to
// the field), asks the approving coach a question, declines with a reason;
// Sanne reads why, approves again; the admin co-signs; the resident hears
// "approved" only then. Coaches at 1280×800 and 390×844; axe-core on every
// new screen.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { test, startServer, launchBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const FIETS = 'Opleiding fietsenmaker volgen';
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function signedIn(server, email, options) {
  const page = await phonePage(browser, options);
  await page.goto(server.url + '/login');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill('buurtfonds-demo');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(server.url + '/');
  return page;
}

/**
 * axe-core on the page as it is: hydrated first when JavaScript is on;
 * without JavaScript (where no script may run in the page) on the very HTML
 * the server sent, replayed in a page that loads its CSS but not its wasm.
 */
async function axe(page, js, what) {
  if (js) {
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), [], what);
    return;
  }
  const html = await page.content();
  const url = page.url();
  const context = await browser.newContext({ viewport: page.viewportSize() });
  try {
    const replay = await context.newPage();
    await replay.route('**/pkg/*.wasm', (route) => route.abort());
    await replay.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await replay.goto(url);
    assert.deepEqual(await axeViolations(replay), [], `${what} (without JavaScript)`);
  } finally {
    await context.close();
  }
}

for (const js of [true, false]) {
  const how = js ? 'on' : 'off';
  test(`a co-signature is declined with a reason, asked again and given (JavaScript ${how})`, async () => {
    const server = await startServer();
    try {
      const url = server.url;
      // One coach wide, the other on a phone; the other way round in the other run.
      const admin = await signedIn(server, 'admin@buurtfonds.test', { javaScriptEnabled: js, viewport: js ? WIDE : PHONE });
      const sanne = await signedIn(server, 'sanne.coach@buurtfonds.test', { javaScriptEnabled: js, viewport: js ? PHONE : WIDE });
      const ahmed = await signedIn(server, 'ahmed@buurtfonds.test', { javaScriptEnabled: js });

      // The admin's page flags the co-signature that has waited for weeks.
      await admin.goto(url + '/admin');
      const waiting = admin.locator('#cosign-waiting');
      await waiting.getByText('Langer dan 5 dagen').first().waitFor();
      await axe(admin, js, '/admin with a late co-signature');
      // So does Sanne's queue, under her own initiatives.
      await sanne.goto(url + '/coach');
      await sanne.locator('#mine-title').waitFor();
      await sanne
        .locator('section', { has: sanne.locator('#mine-title') })
        .locator('li', { hasText: FIETS })
        .getByText('Langer dan 5 dagen')
        .waitFor();
      await axe(sanne, js, '/coach with a late co-signature');

      // What the admin signs.
      await waiting.getByRole('link', { name: FIETS }).click();
      await admin.getByRole('heading', { name: 'Waar je voor tekent' }).waitFor();
      const id = admin.url().match(/initiatives\/(\d+)/)[1];
      const summary = await admin.locator('.cosign-summary').innerText();
      for (const part of ['1.800', 'Sanne', 'Goed plan; werkplaats minstens een jaar open.', 'Opleiding fietstechniek', 'Gereedschapskist']) {
        assert.ok(summary.includes(part), `${part} in ${summary}`);
      }
      await axe(admin, js, 'co-sign page');

      // Declining needs a reason: said next to the field.
      await admin.getByRole('button', { name: 'Niet mee ondertekenen' }).click();
      await admin.locator('#decline_cosign-reason-error').waitFor();
      assert.match(await admin.locator('#decline_cosign-reason-error').innerText(), /Schrijf erbij waarom je niet meetekent/);
      assert.equal(await admin.getByLabel('Waarom teken je niet mee?').getAttribute('aria-invalid'), 'true');
      await axe(admin, js, 'decline without a reason');

      // A question to Sanne: the state stays.
      await admin.getByLabel('Je vraag').fill('Is er een offerte van de opleiding?');
      await admin.getByRole('button', { name: 'Vraag stellen aan de buurtcoach' }).click();
      await admin.getByText('Gedaan. De buurtcoach die het goedkeurde krijgt bericht.').waitFor();
      await admin.locator('.tag', { hasText: 'Wacht op tweede handtekening' }).first().waitFor();

      // Declined with a reason: back with Sanne, in review.
      await admin.getByLabel('Waarom teken je niet mee?').fill('Eerst een offerte, dan teken ik.');
      await admin.getByRole('button', { name: 'Niet mee ondertekenen' }).click();
      await admin.locator('.tag', { hasText: 'In behandeling' }).first().waitFor();

      // Sanne reads the question and the reason, and approves again.
      await sanne.goto(url + `/coach/initiatives/${id}`);
      await sanne.getByText('Eerst een offerte, dan teken ik.').first().waitFor();
      await sanne.getByText('Is er een offerte van de opleiding?').first().waitFor();
      await sanne.getByRole('button', { name: 'Goedkeuren' }).waitFor();
      await axe(sanne, js, 'declined, back with the coach');
      await sanne.getByLabel("Bedrag in euro's").fill('1800');
      await sanne.getByRole('button', { name: 'Goedkeuren' }).click();
      await sanne.locator('.tag', { hasText: 'Wacht op tweede handtekening' }).first().waitFor();

      // The resident: not approved yet, and nothing of what the coaches said.
      await ahmed.goto(url + '/me');
      await ahmed.getByText('Nog niet goedgekeurd: je buurtcoach bekijkt je aanvraag opnieuw').first().waitFor();
      assert.equal(await ahmed.getByText('Goedgekeurd: de tweede handtekening is gezet').count(), 0);
      await ahmed.goto(url + `/me/initiatives/${id}`);
      const mine = await ahmed.locator('main').innerText();
      assert.ok(!mine.includes('Eerst een offerte') && !mine.includes('offerte van de opleiding?'), mine);

      // The second signature.
      await admin.goto(url + `/coach/initiatives/${id}`);
      await admin.getByRole('heading', { name: 'Waar je voor tekent' }).waitFor();
      await admin.getByRole('button', { name: 'Mee ondertekenen', exact: true }).click();
      await admin.locator('.tag', { hasText: 'Toegekend' }).first().waitFor();

      // Now the resident hears it is approved.
      await ahmed.goto(url + '/me');
      await ahmed.getByText('Goedgekeurd: de tweede handtekening is gezet').first().waitFor();
      await axe(ahmed, js, '/me after the second signature');

      for (const page of [admin, sanne, ahmed]) {
        if (js) assert.deepEqual(page.errors, []);
        await page.context().close();
      }
    } finally {
      await server.stop();
    }
  });
}

const BBQ = 'Burendag met barbecue op het plein';

for (const js of [true, false]) {
  const how = js ? 'on' : 'off';
  test(`an admin hands an initiative to another coach, who gives it back to the queue (JavaScript ${how})`, async () => {
    const server = await startServer();
    try {
      const url = server.url;
      const admin = await signedIn(server, 'admin@buurtfonds.test', { javaScriptEnabled: js, viewport: js ? PHONE : WIDE });
      const joris = await signedIn(server, 'joris.coach@buurtfonds.test', { javaScriptEnabled: js, viewport: js ? WIDE : PHONE });

      // Sanne has it in review; the admin hands it to Joris.
      await admin.goto(url + '/admin/audit');
      await admin.getByRole('link', { name: new RegExp(BBQ) }).first().click();
      await admin.getByRole('button', { name: 'Overdragen aan een andere buurtcoach' }).waitFor();
      const id = admin.url().match(/initiatives\/(\d+)/)[1];
      await axe(admin, js, 'hand-over form');
      await admin.getByLabel('Nieuwe buurtcoach').selectOption({ label: 'Joris Bakker' });
      await admin.getByRole('button', { name: 'Overdragen aan een andere buurtcoach' }).click();
      await admin.getByText('Gedaan. De bewoner krijgt bericht.').waitFor();
      await admin.locator('#timeline-title ~ *').getByText('Overgedragen aan een andere buurtcoach').first().waitFor();

      // Joris is its coach now, and gives it back to the open queue.
      await joris.goto(url + `/coach/initiatives/${id}`);
      await joris.getByRole('button', { name: 'Teruggeven aan de wachtrij' }).waitFor();
      await axe(joris, js, 'release form');
      await joris.getByRole('button', { name: 'Teruggeven aan de wachtrij' }).click();
      await joris.locator('.tag', { hasText: 'Ingediend' }).first().waitFor();
      await joris.getByRole('button', { name: 'Oppakken' }).waitFor();

      for (const page of [admin, joris]) {
        if (js) assert.deepEqual(page.errors, []);
        await page.context().close();
      }
    } finally {
      await server.stop();
    }
  });
}
