// Does Chromium find and accept Chouette's OpenSearch description? Opens the home page in
// Debian's Chromium with a fresh profile, as a user would (typed URL, path "/"), searches once
// through the form, then closes the browser so that the profile is written. The caller reads
// the profile's search engines ("Web Data", table keywords) and cookies.
// Environment: BASE (http://127.0.0.1:PORT), PROFILE (an empty directory).
// Exit 0 when the browsing went through, 77 when Chromium cannot start, 1 otherwise.
'use strict';
const puppeteer = require('puppeteer-core');

async function main() {
  const base = process.env.BASE;
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      userDataDir: process.env.PROFILE,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync',
             '--disable-background-networking', '--disable-component-update',
             '--disable-dev-shm-usage'],
    });
  } catch (e) {
    console.log(`skip: chromium cannot start: ${e.message.split('\n')[0]}`);
    process.exit(77);
  }
  try {
    const page = await browser.newPage();
    await page.goto(base + '/', { waitUntil: 'networkidle0' });
    await page.type('input[name=q]', 'chouette');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    if (!page.url().startsWith(base + '/search?')) throw new Error(`form led to ${page.url()}`);
    // the description is fetched in the background: give it time before closing
    await new Promise((r) => setTimeout(r, 3000));
  } catch (e) {
    console.log(`FAIL: ${e.message}`);
    await browser.close();
    process.exit(1);
  }
  await browser.close();
}

main();
