// serve.test.js - the web app in a real browser (Debian chromium, headless,
// driven by playwright-core): sign in, screen ten records with the keyboard,
// a second reviewer disagrees, the conflict appears for the adjudicator who
// settles it, an extraction form refuses an out-of-range value inline and
// on save, then accepts a good one. Screenshots land in WORKDIR.
// usage: node serve.test.js EVIDENT_BIN WORKDIR   (cwd = source dir)
'use strict';
const { chromium } = require('playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [EV, WORK] = process.argv.slice(2).map(p => path.resolve(p));
const SRC = process.cwd();
let failures = 0;
const ok = (cond, name) => { console.log(`${cond ? 'ok  ' : 'FAIL'} ${name}`); if (!cond) failures++; };

function setupReview() {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const review = path.join(WORK, 'r.evident');
  const run = (...args) => execFileSync(EV, args, { cwd: WORK, stdio: ['pipe', 'pipe', 'inherit'] });
  run('init', review, '-q');
  run('import', review, path.join(SRC, 'examples/sample-exports/revtools__restoration_pubmed.nbib'), '-q');
  for (const [name, role] of [['alice', 'reviewer'], ['bob', 'reviewer'], ['carol', 'adjudicator']])
    execFileSync(EV, ['user', 'add', review, name, '--role', role, '--password-stdin'],
                 { input: 'password1\n', stdio: ['pipe', 'pipe', 'inherit'] });
  run('chart', review, 'form', '--set', path.join(SRC, 'data/forms/default.json'));
  return review;
}

function startServer(review) {
  return new Promise((resolve, reject) => {
    // fontconfig (under cairo, drawing the PRISMA diagram) keeps caches for the
    // life of the process, which LeakSanitizer builds would report at exit
    const supp = path.join(WORK, 'lsan.supp');
    fs.writeFileSync(supp, 'leak:libfontconfig\nleak:libcairo\n');
    const env = { ...process.env, LSAN_OPTIONS: `suppressions=${supp}` + (process.env.LSAN_OPTIONS ? `:${process.env.LSAN_OPTIONS}` : '') };
    const p = spawn(EV, ['serve', review, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve did not start')), 20000);
    p.stdout.on('data', d => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc: p, url: `http://127.0.0.1:${m[1]}` }); }
    });
    p.on('exit', code => reject(new Error(`serve exited ${code}`)));
  });
}

async function signIn(page, url, user) {
  await page.goto(`${url}/#/login`);
  await page.fill('#user', user);
  await page.fill('#password', 'password1');
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#stages');
}
async function signOut(page) {
  await page.click('#logout');
  await page.waitForSelector('#login');
}
const recordId = page => page.$eval('#record', e => Number(e.dataset.id));

// Decide with a key press and wait for the next record to replace this one.
async function decideKey(page, key) {
  const before = await recordId(page);
  await page.keyboard.press(key);
  await page.waitForFunction(id => Number(document.querySelector('#record').dataset.id) !== id, before);
  return before;
}

async function main() {
  const review = setupReview();
  const server = await startServer(review);
  const profile = fs.mkdtempSync(path.join(WORK, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--no-proxy-server'],
    viewport: { width: 1200, height: 900 },
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  try {
    // alice: sign in, shortcuts on '?', ten decisions with the keyboard
    await signIn(page, server.url, 'alice');
    ok(true, 'alice signs in and sees the dashboard');
    await page.goto(`${server.url}/#/screen`);
    await page.waitForSelector('#record');
    await page.keyboard.press('?');
    ok(await page.isVisible('#help'), "'?' shows the keyboard shortcuts");
    await page.keyboard.press('Escape');
    ok(!(await page.isVisible('#help')), 'Escape hides them');
    const alice = new Map();
    const times = [];
    for (let i = 0; i < 10; i++) {
      const key = i % 3 === 0 ? 'e' : 'i';
      const id = await decideKey(page, key);
      alice.set(id, key === 'i' ? 'include' : 'exclude');
      times.push(Number(await page.$eval('#count', e => e.dataset.ms)));
    }
    ok(alice.size === 10, 'ten records screened with the keyboard');
    ok((await page.textContent('#count')).startsWith('10 decided'), 'the page counts ten decisions');
    times.sort((a, b) => a - b);
    console.log(`     decision round trip in the browser: median ${times[5].toFixed(1)} ms, max ${times[9].toFixed(1)} ms`);
    // undo goes back to the last record
    const last = [...alice.keys()].pop();
    await page.keyboard.press('u');
    await page.waitForFunction(id => Number(document.querySelector('#record').dataset.id) === id, last);
    ok(true, "'u' brings back the previous record");
    await decideKey(page, alice.get(last) === 'include' ? 'i' : 'e');
    await page.screenshot({ path: path.join(WORK, 'screening.png') });
    await signOut(page);

    // bob disagrees with alice on the first record of hers he is shown
    await signIn(page, server.url, 'bob');
    await page.goto(`${server.url}/#/screen`);
    await page.waitForSelector('#record');
    let conflict = null;
    for (let i = 0; i < 20 && conflict === null; i++) {
      const id = await recordId(page);
      const hers = alice.get(id);
      const txt = await page.textContent('#record');
      if (i === 0) ok(!txt.includes('alice'), "bob's page never names alice's decision");
      await decideKey(page, hers === 'include' ? 'e' : 'i');
      if (hers) conflict = id;
    }
    ok(conflict !== null, `bob disagrees with alice on record ${conflict}`);
    await signOut(page);

    // carol sees the conflict and settles it
    await signIn(page, server.url, 'carol');
    await page.goto(`${server.url}/#/conflicts`);
    await page.waitForSelector(`#conflicts a[data-record="${conflict}"]`);
    ok(true, 'the conflict appears for the adjudicator');
    await page.click(`#conflicts a[data-record="${conflict}"]`);
    await page.waitForSelector('#decisions .card');
    const both = await page.textContent('#decisions');
    ok(both.includes('alice') && both.includes('bob'), 'both decisions side by side');
    await page.screenshot({ path: path.join(WORK, 'conflict.png') });
    await page.fill('#settle-reason', 'population matches');
    await page.click('#settle-include');
    await page.waitForFunction(id => !document.querySelector(`#conflicts a[data-record="${id}"]`) &&
      (document.querySelector('#conflicts') || document.querySelector('#no-conflicts')), conflict);
    ok(true, 'settled: the conflict is gone from the list');

    // extraction: an out-of-range year is refused inline and on save
    await page.goto(`${server.url}/#/extract`);
    await page.waitForSelector('#form');
    await page.fill('#study', 'smith2019');
    await page.fill('[data-path="year"]', '3000');
    await page.press('[data-path="year"]', 'Tab');
    await page.waitForFunction(() => document.querySelector('[data-path="year"]').classList.contains('bad'));
    const msg = await page.$eval('[data-path="year"]', e => e.parentElement.querySelector('.msg').textContent);
    ok(/year/.test(msg) && /2100|3000/.test(msg), `inline validation refuses 3000 ("${msg}")`);
    await page.click('#save');
    await page.waitForFunction(() => /refused/.test(document.querySelector('#extract-status').textContent));
    ok(true, 'saving with the bad value is refused');
    await page.locator('[data-path="year"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(WORK, 'extraction.png'), fullPage: false });
    await page.fill('[data-path="year"]', '2019');
    await page.press('[data-path="year"]', 'Tab');
    await page.waitForFunction(() => !document.querySelector('[data-path="year"]').classList.contains('bad'));
    await page.click('#save');
    await page.waitForFunction(() => /^1 values saved$/.test(document.querySelector('#extract-status').textContent));
    ok(true, 'the corrected value is saved');

    await page.goto(`${server.url}/#/dashboard`);
    await page.waitForSelector('.prisma img');
    await page.waitForFunction(() => document.querySelector('.prisma img').naturalWidth > 0);
    ok(true, 'the dashboard shows the PRISMA diagram');
    const rows = await page.$$eval('#reviewers tr td:nth-child(2)', tds => tds.map(t => t.textContent));
    ok(rows.includes('alice') && rows.includes('bob'), `the adjudicator sees progress per reviewer (${rows.join(', ')})`);
    await page.screenshot({ path: path.join(WORK, 'dashboard.png'), fullPage: true });

    // verify mode: alice, a second charter, sees carol's values beside the fields
    await signOut(page);
    await signIn(page, server.url, 'alice');
    await page.goto(`${server.url}/#/extract`);
    await page.waitForSelector('#form');
    await page.fill('#study', 'smith2019');
    await page.click('#verify-btn');
    await page.waitForSelector('[data-first="year"]');
    const first = await page.textContent('[data-first="year"]');
    ok(first === 'carol: 2019', `verify mode shows the first charter's value beside the field ("${first}")`);
    await page.screenshot({ path: path.join(WORK, 'verify.png'), fullPage: false });
  } catch (e) {
    failures++;
    console.log(`FAIL ${e.message.split('\n')[0]}`);
    await page.screenshot({ path: path.join(WORK, 'failure.png') }).catch(() => {});
  } finally {
    await context.close();
    server.proc.kill('SIGTERM');
  }
  console.log(failures ? `${failures} failed` : 'all passed');
  process.exit(failures ? 1 : 0);
}

main().catch(e => { console.error(e); process.exit(1); });
