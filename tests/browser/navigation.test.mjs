// Every link of the navigation, for every kind of person, by client-side
// navigation (hydrated, clicking) and by a direct load: each leads to a page
// of its own, and none of the app's own server-function calls answers 500.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();

const PEOPLE = [
  ['a visitor', null],
  ['a resident', 'ahmed@buurtfonds.test'],
  ['a coach', 'sanne.coach@buurtfonds.test'],
  ['an admin', 'admin@buurtfonds.test'],
];

async function signedInPage(email) {
  const page = await phonePage(fixture.browser, { viewport: { width: 1280, height: 800 } });
  page.failures = [];
  page.on('response', (resp) => {
    if (resp.status() >= 500) page.failures.push(`${resp.status()} ${resp.url()}`);
  });
  if (email) {
    await page.goto(fixture.server.url + '/login');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill('buurtfonds-demo');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }
  return page;
}

/** The page shows something of its own: no "not found", no empty list where there is data. */
async function assertPageWorks(page, what) {
  await page.locator('main h1').first().waitFor();
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /Deze pagina bestaat niet/, `${what}: not found`);
  assert.doesNotMatch(text, /Niets gevonden/, `${what}: nothing found`);
  assert.deepEqual(page.failures, [], `${what}: server errors`);
  // A visitor's refused call (401) is how a page learns to send them to sign in.
  const errors = page.errors.filter((e) => !/status of 401/.test(e));
  assert.deepEqual(errors, [], `${what}: page errors`);
}

/** The links to follow: the main navigation, and the admin page's own links. */
async function links(page) {
  const hrefs = await page.locator('#site-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs)];
}

for (const [who, email] of PEOPLE) {
  test(`every navigation link works for ${who}, clicked and loaded`, async () => {
    if (who === 'a coach') {
      // Something for the coach to be told: a resident writes on an initiative Sanne coaches.
      const ahmed = await signedInPage('ahmed@buurtfonds.test');
      await ahmed.goto(fixture.server.url + '/me');
      await ahmed.getByRole('link', { name: 'Burendag met barbecue op het plein' }).first().click();
      await ahmed.getByLabel('Je bericht').fill('Zijn tafels van de bakker genoeg?');
      await ahmed.getByRole('button', { name: 'Versturen' }).click();
      await ahmed.locator('.messages li.mine', { hasText: 'Zijn tafels' }).waitFor();
      await ahmed.context().close();
    }
    const page = await signedInPage(email);
    await page.goto(fixture.server.url + '/');
    await waitForHydration(page);
    let hrefs = await links(page);
    if (who === 'an admin') {
      await page.goto(fixture.server.url + '/admin');
      await waitForHydration(page);
      const own = await page.locator('main a[href^="/admin/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      hrefs = [...new Set([...hrefs, ...own])];
    }
    assert.ok(hrefs.length >= 5, `links found: ${hrefs}`);
    for (const href of hrefs) {
      // Client-side: hydrated, from a page that has the link, by a click.
      const from = href.startsWith('/admin/') ? '/admin' : '/';
      await page.goto(fixture.server.url + from);
      await waitForHydration(page);
      const link = href.startsWith('/admin/')
        ? page.locator(`main a[href="${href}"]`).first()
        : page.locator(`#site-nav a[href="${href}"]`).first();
      await link.click();
      // A visitor is sent to sign in on the way to proposing.
      const lands = !email && href === '/propose' ? '/login' : href.split('?')[0];
      await page.waitForURL((u) => u.pathname === lands);
      await assertPageWorks(page, `${who} clicks ${href}`);
      // Direct load.
      await page.goto(fixture.server.url + href);
      await assertPageWorks(page, `${who} loads ${href}`);
    }
    // Every notification leads to a page that exists for this person (a
    // coach's lead to the coach's page of the initiative, not to /me's).
    if (email) {
      await page.goto(fixture.server.url + '/me');
      await waitForHydration(page);
      const notes = await page.locator('#notifications a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of [...new Set(notes)]) {
        await page.goto(fixture.server.url + '/me');
        await waitForHydration(page);
        await page.locator(`#notifications a[href="${href}"]`).first().click();
        await page.waitForURL((u) => u.pathname === href);
        await assertPageWorks(page, `${who} follows the notification to ${href}`);
      }
      if (who === 'a coach') assert.ok(notes.length > 0, 'the demo coach has notifications');
    }
    await page.context().close();
  });
}
