// Accessibility check of the pages of 'chouette serve' with axe-core in Debian's Chromium.
// Environment: BASE (http://127.0.0.1:PORT of a running server), PAGES_DIR (blocked pages
// written by test_srv_routes --write-pages), SHOTS_DIR (where screenshots go; empty: none).
// Every page kind (home, results, no results, blocked, error) in every mode (web, school,
// junior), in light and dark colour schemes, must have zero axe violations (WCAG 2.1 A/AA
// and best practices). Exit 0 pass, 1 violations, 77 when Chromium cannot start.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');
const axeSource = require('axe-core').source;

const BASE = process.env.BASE;
const PAGES_DIR = process.env.PAGES_DIR;
const SHOTS_DIR = process.env.SHOTS_DIR || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE || !PAGES_DIR) {
  console.error('set BASE and PAGES_DIR');
  process.exit(2);
}

const modes = ['web', 'school', 'junior'];
const kinds = {
  home: (m) => `/?mode=${m}`,
  results: (m) => `/search?q=chouette+hulotte&mode=${m}`,
  noresults: (m) => `/search?q=xylophonezzz&mode=${m}`,
  blocked: (m) => `/__blocked-${m}`, // answered from PAGES_DIR by request interception
  error: (m) => `/search?q=hulotte&page=0&mode=${m}`,
};

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chouette-a11y-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run',
             '--disable-dev-shm-usage', `--user-data-dir=${profile}`],
    });
  } catch (e) {
    console.log(`skip: chromium cannot start: ${e.message.split('\n')[0]}`);
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(77);
  }
  let failures = 0;
  let checked = 0;
  try {
    const page = await browser.newPage();
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'fr-FR,fr;q=0.9' }); // the default UI
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const u = new URL(req.url());
      const m = u.pathname.match(/^\/__blocked-(web|school|junior)$/);
      if (u.origin !== new URL(BASE).origin) {
        failures++;
        console.log(`FAIL: request to another origin: ${req.url()}`);
        req.abort();
      } else if (m) {
        req.respond({ status: 200, contentType: 'text/html; charset=utf-8',
                      body: fs.readFileSync(path.join(PAGES_DIR, `blocked-${m[1]}.html`)) });
      } else {
        req.continue();
      }
    });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      for (const mode of modes) {
        for (const [kind, url] of Object.entries(kinds)) {
          await page.setViewport({ width: 1280, height: 900 });
          const resp = await page.goto(BASE + url(mode), { waitUntil: 'load' });
          if (!resp) throw new Error(`no response for ${url(mode)}`);
          await page.evaluate(axeSource);
          const result = await page.evaluate(() => axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
            resultTypes: ['violations'],
          }));
          checked++;
          for (const v of result.violations) {
            failures++;
            console.log(`FAIL ${kind}/${mode}/${scheme}: ${v.id} (${v.impact}): ${v.help}`);
            for (const n of v.nodes.slice(0, 3)) console.log(`    ${n.target.join(' ')}: ${n.failureSummary.split('\n').join(' ')}`);
          }
          // the body class gives Junior its own look
          const cls = await page.evaluate(() => document.body.className);
          if (!cls.includes(`mode-${mode}`)) {
            failures++;
            console.log(`FAIL ${kind}/${mode}: body class "${cls}"`);
          }
          if (SHOTS_DIR && (scheme === 'light' || kind === 'results')) {
            const name = scheme === 'light' ? `${kind}-${mode}.png` : `${kind}-${mode}-dark.png`;
            await page.screenshot({ path: path.join(SHOTS_DIR, name) });
          }
        }
      }
    }
    // English pages too (hl=en), light scheme
    for (const mode of modes) {
      await page.setViewport({ width: 1280, height: 900 });
      for (const [kind, url] of Object.entries(kinds)) {
        if (kind === 'blocked') continue;
        const u = BASE + url(mode) + (url(mode).includes('?') ? '&' : '?') + 'hl=en';
        await page.goto(u, { waitUntil: 'load' });
        await page.evaluate(axeSource);
        const result = await page.evaluate(() => axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
          resultTypes: ['violations'],
        }));
        checked++;
        const lang = await page.evaluate(() => document.documentElement.lang);
        if (lang !== 'en') {
          failures++;
          console.log(`FAIL ${kind}/${mode}/en: html lang="${lang}"`);
        }
        for (const v of result.violations) {
          failures++;
          console.log(`FAIL ${kind}/${mode}/en: ${v.id} (${v.impact}): ${v.help}`);
        }
      }
    }
    // a phone-sized results page in each mode
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    for (const mode of modes) {
      await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true });
      await page.goto(BASE + kinds.results(mode), { waitUntil: 'load' });
      const overflow = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > w + 1) return true;
        return [...document.querySelectorAll('body *')].some((e) => e.getBoundingClientRect().right > w + 1);
      });
      if (overflow) {
        failures++;
        console.log(`FAIL results/${mode}/phone: the page scrolls sideways`);
      }
      if (SHOTS_DIR) await page.screenshot({ path: path.join(SHOTS_DIR, `results-${mode}-phone.png`) });
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`a11y: ${checked} page checks, ${failures} failure(s)`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
