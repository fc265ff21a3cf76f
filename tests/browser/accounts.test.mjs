// Account pages in a real browser: errors appear next to the fields without
// a page load once hydrated, a new resident signs up, confirms through the
// mail in the outbox and signs in; axe-core finds nothing on any of it.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();

test('axe-core finds no violations on the account pages, also with errors shown', async () => {
  const page = await phonePage(fixture.browser);
  for (const path of ['/signup', '/login', '/forgot', '/login?notice=check_mail', '/verify?token=x', '/reset?token=x']) {
    await page.goto(fixture.server.url + path);
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), [], path);
  }
  await page.goto(fixture.server.url + '/signup');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Account maken' }).click();
  await page.locator('#email-error').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'signup with errors');
  await page.context().close();
});

test('hydrated, a wrong sign-up shows its errors without leaving the page', async () => {
  const page = await phonePage(fixture.browser);
  await page.goto(fixture.server.url + '/signup');
  await waitForHydration(page);
  let navigations = 0;
  page.on('framenavigated', () => navigations++);
  await page.getByLabel('Je naam').fill('Noor');
  await page.getByLabel('E-mailadres').fill('noor-zonder-apenstaartje');
  await page.getByLabel('Wachtwoord').fill('kort');
  await page.getByRole('button', { name: 'Account maken' }).click();
  await page.locator('#email-error').waitFor();
  assert.match(await page.locator('#password-error').innerText(), /10 tot 128 tekens/);
  assert.equal(await page.getByLabel('E-mailadres').getAttribute('aria-invalid'), 'true');
  assert.equal(navigations, 0, 'no page load');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const js of [true, false]) {
  test(`a new resident signs up, confirms by mail and signs in (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await phonePage(fixture.browser, { javaScriptEnabled: js });
    const email = `noor.${js ? 'js' : 'nojs'}@example.org`;
    await page.goto(fixture.server.url + '/signup');
    if (js) await waitForHydration(page);
    await page.getByLabel('Je naam').fill('Noor');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill('een lang wachtwoord');
    await page.getByRole('button', { name: 'Account maken' }).click();
    await page.getByText('We hebben je een mail gestuurd').waitFor();

    const mail = fixture.server.lastMail();
    assert.ok(mail.includes(`To: ${email}`));
    const link = mail.match(/http:\/\/127\.0\.0\.1:\d+(\/verify\?token=[\w-]+)/);
    assert.ok(link, 'verification link in the mail');
    await page.goto(fixture.server.url + link[1]);
    if (js) await waitForHydration(page);
    await page.getByRole('button', { name: 'Bevestig mijn e-mailadres' }).click();
    await page.getByText('Je e-mailadres is bevestigd').waitFor();

    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill('een lang wachtwoord');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    if (js) await page.waitForURL(fixture.server.url + '/');
    await page.getByText('Ingelogd als Noor').waitFor();
    if (js) assert.deepEqual(page.errors, []);

    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.getByRole('link', { name: 'Inloggen' }).waitFor();
    await page.context().close();
  });
}
