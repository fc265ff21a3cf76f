// The propose wizard in a real browser at 390×844: a new resident signs up,
// confirms through the outbox mail, proposes a course with two budget lines
// and a photo, closes the page halfway and resumes, submits, and finds it on
// /me — with JavaScript on (axe-core on every page) and off.
import assert from 'node:assert/strict';
import { test, useServerAndBrowser, phonePage, axeViolations, waitForHydration } from './harness.mjs';

const fixture = useServerAndBrowser();

// A real 8×8 PNG (red), small enough to write down.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGO4YGCAFTEMLQkA2ntMAeuWKpoAAAAASUVORK5CYII=',
  'base64',
);

function inDays(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

for (const js of [true, false]) {
  test(`a new resident proposes a course from a phone (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const url = fixture.server.url;
    const page = await phonePage(fixture.browser, { javaScriptEnabled: js });
    const context = page.context();
    const checked = [];
    // Every page of the flow: hydrated, then axe-core (which needs JavaScript).
    async function check(p, what) {
      if (!js) return;
      await waitForHydration(p);
      assert.deepEqual(await axeViolations(p), [], what);
      checked.push(what);
    }

    const email = `fatima.${js ? 'js' : 'nojs'}@example.org`;
    await page.goto(url + '/signup');
    await check(page, 'signup');
    await page.getByLabel('Je naam').fill('Fatima');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill('een lang wachtwoord');
    await page.getByRole('button', { name: 'Account maken' }).click();
    await page.getByText('We hebben je een mail gestuurd').waitFor();
    const link = fixture.server.lastMail().match(/http:\/\/127\.0\.0\.1:\d+(\/verify\?token=[\w-]+)/);
    assert.ok(link, 'verification link in the mail');
    await page.goto(url + link[1]);
    await check(page, 'verify');
    await page.getByRole('button', { name: 'Bevestig mijn e-mailadres' }).click();
    await page.getByText('Je e-mailadres is bevestigd').waitFor();

    // The wizard asks to sign in first, then comes back.
    await page.goto(url + '/propose');
    await page.waitForURL(/\/login\?next=%2Fpropose/);
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill('een lang wachtwoord');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.getByRole('heading', { name: 'Start een initiatief', level: 1 }).waitFor();
    await check(page, 'propose start');

    // Step 1: a wrong title gets its message next to the field, and nothing is stored.
    await page.getByLabel('Een cursus die ik wil volgen').check();
    await page.getByLabel('Titel').fill('Na');
    await page.getByLabel('Wat wil je doen, en waarom?').fill('Ik wil leren naaien, zodat ik kleding voor de buurt kan repareren.');
    await page.getByRole('button', { name: 'Bewaren en verder' }).click();
    await page.locator('#title-error').waitFor();
    assert.match(await page.locator('#title-error').innerText(), /3 tot 100 tekens/);
    await check(page, 'idea with an error');
    await page.getByLabel('Titel').fill(`Naailes voor beginners ${js ? 'A' : 'B'}`);
    await page.getByRole('button', { name: 'Bewaren en verder' }).click();

    await page.getByRole('heading', { name: 'Voor wie', level: 1 }).waitFor();
    await check(page, 'people');
    await page.getByLabel('Wie heeft er iets aan?').fill('Ikzelf en later de buren die kleding willen laten repareren.');
    await page.getByLabel('Met hoeveel mensen ongeveer?').fill('12');
    await page.getByRole('button', { name: 'Bewaren en verder' }).click();

    await page.getByRole('heading', { name: 'Waar en wanneer', level: 1 }).waitFor();
    await check(page, 'place');
    await page.getByLabel('In welke buurt?').selectOption({ label: 'Lombok' });
    await page.getByLabel('Wanneer begint het?').fill(inDays(30));
    await page.getByRole('button', { name: 'Bewaren en verder' }).click();

    await page.getByRole('heading', { name: 'Wie helpt er', level: 1 }).waitFor();
    await check(page, 'strength');
    // What the resident brings, typed first, survives adding a helper.
    const own = 'Ik oefen elke week en repareer daarna gratis kleding voor buren.';
    await page.getByLabel('Wat breng je zelf mee?').fill(own);
    await page.getByLabel('Wie helpt?').fill('Mijn buurvrouw Els');
    await page.getByLabel('Waarmee?').selectOption({ label: 'Spullen' });
    await page.getByLabel('Wat precies?').fill('Ze leent me haar naaimachine.');
    await page.getByLabel('Wat is het ongeveer waard').fill('150');
    await page.getByRole('button', { name: 'Helper toevoegen' }).click();
    await page.locator('.lines li', { hasText: 'Mijn buurvrouw Els' }).waitFor();
    assert.equal(await page.getByLabel('Wat breng je zelf mee?').inputValue(), own);
    assert.equal(await page.getByLabel('Wie helpt?').inputValue(), '', 'the added helper leaves the fields');
    // A second helper filled in but not added is saved on going on.
    await page.getByLabel('Wie helpt?').fill('Buurman Piet');
    await page.getByLabel('Waarmee?').selectOption({ label: 'Tijd' });
    await page.getByLabel('Wat precies?').fill('Hij helpt met opruimen.');
    await page.getByRole('button', { name: 'Bewaren en verder' }).click();

    await page.getByRole('heading', { name: 'Begroting', level: 1 }).waitFor();
    await check(page, 'budget');
    await page.getByLabel('Waarvoor?').fill('Cursusgeld (8 lessen)');
    await page.getByLabel("Bedrag in euro's").fill('240');
    if (js) await page.getByText('Totaal met deze regel: € 240,00').waitFor();
    await page.getByRole('button', { name: 'Uitgave toevoegen' }).click();
    await page.locator('.lines li', { hasText: 'Cursusgeld' }).waitFor();

    // Halfway: the tab closes. A new one resumes where the resident was.
    await page.close();
    const resumed = await context.newPage();
    resumed.errors = [];
    resumed.on('pageerror', (err) => resumed.errors.push(String(err)));
    await resumed.goto(url + '/propose');
    await resumed.getByRole('link', { name: `Naailes voor beginners ${js ? 'A' : 'B'}` }).click();
    await resumed.getByRole('heading', { name: 'Begroting', level: 1 }).waitFor();
    await resumed.locator('.lines li', { hasText: 'Cursusgeld' }).waitFor();
    await check(resumed, 'budget resumed');

    // The amounts typed first survive adding a line.
    await resumed.getByLabel('Hoeveel betaal je').fill('0');
    await resumed.getByLabel('Hoeveel vraag je aan het buurtfonds?').fill('285,50');
    await resumed.getByLabel('Waarvoor?').fill('Stof en garen');
    await resumed.getByLabel("Bedrag in euro's").fill('45,50');
    await resumed.getByRole('button', { name: 'Uitgave toevoegen' }).click();
    await resumed.getByText('Totaal: € 285,50').waitFor();
    assert.equal(await resumed.getByLabel('Hoeveel vraag je aan het buurtfonds?').inputValue(), '285,50');
    assert.equal(await resumed.getByLabel('Waarvoor?').inputValue(), '', 'the added line leaves the fields');
    await resumed.getByRole('button', { name: 'Bewaren en verder' }).click();

    await resumed.getByRole('heading', { name: "Foto's", level: 1 }).waitFor();
    await check(resumed, 'photos');
    await resumed.getByLabel('Foto', { exact: true }).setInputFiles({ name: 'naaimachine.png', mimeType: 'image/png', buffer: PNG });
    await resumed.getByLabel('Wat is er op de foto te zien?').fill('Een naaimachine op tafel');
    await resumed.getByRole('button', { name: 'Foto toevoegen' }).click();
    const thumb = resumed.getByAltText('Een naaimachine op tafel');
    await thumb.waitFor();
    // The element shows before its image has arrived: poll until it has.
    let loaded = false;
    for (let i = 0; i < 50 && !loaded; i++) {
      loaded = await thumb.evaluate((img) => img.complete && img.naturalWidth > 0);
      if (!loaded) await resumed.waitForTimeout(200);
    }
    assert.ok(loaded, 'the thumbnail loads');
    await check(resumed, 'photos with a photo');
    await resumed.getByRole('button', { name: 'Bewaren en verder' }).click();

    await resumed.getByRole('heading', { name: 'Samen met anderen', level: 1 }).waitFor();
    await check(resumed, 'team');
    await resumed.getByRole('button', { name: 'Bewaren en verder' }).click();

    await resumed.getByRole('heading', { name: 'Controleren en versturen', level: 1 }).waitFor();
    await check(resumed, 'review');
    // The longest page of the wizard still fits a 320 px screen.
    await resumed.setViewportSize({ width: 320, height: 640 });
    assert.ok(
      await resumed.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'nothing scrolls sideways at 320 px',
    );
    await resumed.setViewportSize({ width: 390, height: 844 });
    await resumed.getByText('Mijn buurvrouw Els').waitFor();
    await resumed.getByText('Buurman Piet').waitFor();
    await resumed.getByText('Stof en garen: € 45,50').waitFor();
    await resumed.getByRole('button', { name: 'Versturen naar de buurtcoach' }).click();

    await resumed.getByText('Verstuurd! Een buurtcoach neemt contact met je op.').waitFor();
    await check(resumed, 'submitted initiative');
    await resumed.goto(url + '/me');
    const card = resumed.locator('.card', { hasText: `Naailes voor beginners ${js ? 'A' : 'B'}` });
    await card.getByText('Ingediend').waitFor();
    await check(resumed, '/me');
    if (js) {
      assert.ok(checked.length >= 14, `axe ran on every page: ${checked.join(', ')}`);
      assert.deepEqual(resumed.errors, []);
    }
    await context.close();
  });
}
