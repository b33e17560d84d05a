// report.test.js - the HTML report in a real browser (Debian chromium,
// headless, driven by playwright-core): builds the bundled example review
// and a screened sample review the way `make demo` does, writes the report,
// opens it from file:// with the network off, and checks that it renders
// (the screenshot is not blank), that no console error or page error occurs,
// that it fetches nothing, and that its figures are there.
// usage: node report.test.js EVIDENT_BIN WORKDIR   (cwd = source dir)
'use strict';
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [EV, WORK] = process.argv.slice(2).map(p => path.resolve(p));
let failures = 0;
const ok = (cond, name) => { console.log(`${cond ? 'ok  ' : 'FAIL'} ${name}`); if (!cond) failures++; };

function buildReport() {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  // fontconfig (under cairo) keeps a process-lifetime cache that
  // LeakSanitizer reports in sanitizer builds: suppress that, and only that.
  const supp = path.join(WORK, 'lsan.supp');
  fs.writeFileSync(supp, 'leak:libfontconfig\n');
  process.env.LSAN_OPTIONS = `suppressions=${supp}` + (process.env.LSAN_OPTIONS ? `:${process.env.LSAN_OPTIONS}` : '');
  const review = path.join(WORK, 'ankle.evident');
  execFileSync('sh', ['examples/ankle-regen/build.sh', EV, review], { stdio: ['ignore', 'ignore', 'inherit'] });
  const html = path.join(WORK, 'report.html');
  execFileSync(EV, ['report', review, '-o', html, '--scr', '-q',
    '--pool', 'AOFAS;final follow-up;MSC;BMS',
    '--pool', 'VAS,AOFAS;final follow-up;MSC;BMS;SMD',
    '--published-flow', 'examples/ankle-regen/prisma_text.txt',
    '--published-flow', 'tests/fixtures/report/consistent_flow.txt'], { stdio: 'inherit' });
  return html;
}

// Distinct colours in the decoded screenshot, sampled (a blank page has 1).
function distinctColours(png) {
  const { data, width, height } = decodePng(png);
  const seen = new Set();
  for (let y = 0; y < height; y += 3)
    for (let x = 0; x < width; x += 3) {
      const i = (y * width + x) * 4;
      seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
  return seen.size;
}

// Minimal PNG decoder (8-bit RGBA or RGB, non-interlaced), zlib from node.
function decodePng(buf) {
  const zlib = require('zlib');
  let pos = 8, width = 0, height = 0, ctype = 6;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('ascii', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') { width = body.readUInt32BE(0); height = body.readUInt32BE(4); ctype = body[9]; }
    if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const bpp = ctype === 6 ? 4 : 3, stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : f === 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? b : c) : 0;
      line[x] = (line[x] + pred) & 255;
    }
    for (let x = 0; x < width; x++)
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = line[x * bpp + k];
    prev = line;
  }
  return { data: out, width, height };
}

(async () => {
  const html = buildReport();
  const profile = fs.mkdtempSync(path.join(WORK, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const errors = [], requests = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', e => errors.push(String(e)));
    page.on('request', r => { if (!r.url().startsWith('file://')) requests.push(r.url()); });
    await page.goto('file://' + html, { waitUntil: 'load' });
    const shot = await page.screenshot({ path: path.join(WORK, 'report.png'), fullPage: true });
    ok(errors.length === 0, `no console errors or page errors (${errors.join(' | ')})`);
    ok(requests.length === 0, `no network requests (${requests.join(' ')})`);
    const colours = distinctColours(shot);
    ok(colours > 20, `screenshot is not blank (${colours} distinct colours)`);
    const text = await page.innerText('body');
    for (const s of ['1. Protocol', 'PICOS', 'Searches', 'Flow of records', 'Screening agreement',
                     'Summary tables', 'Evidence map', 'Meta-analyses', 'Safety',
                     'Kim et al. (2013)', 'do not add up', 'arithmetic check passes',
                     'No screening decisions are recorded in this review'])
      ok(text.includes(s), `page shows "${s}"`);
    const svgs = await page.locator('svg').count();
    ok(svgs >= 4, `figures are inline SVG (${svgs}: flow diagram, evidence map, forest plots)`);
    // cairo names glyphs "glyph0-1" in every SVG: inline figures must not
    // share ids, or one figure's text is drawn with another's glyphs
    const dupIds = await page.evaluate(() => {
      const seen = new Set(), dup = [];
      for (const el of document.querySelectorAll('[id]'))
        if (seen.has(el.id)) dup.push(el.id); else seen.add(el.id);
      return dup;
    });
    ok(dupIds.length === 0, `ids are unique across the inline figures (${dupIds.slice(0, 3).join(' ')})`);
    const scripts = await page.locator('script').count();
    ok(scripts === 0, 'no scripts in the report');
    const box = await page.locator('.fig svg').first().boundingBox();
    ok(box && box.width > 200 && box.height > 100, 'first figure is drawn at a readable size');
  } finally {
    await context.close();
  }
  if (failures) { console.log(`${failures} check(s) failed`); process.exit(1); }
  console.log('all report browser checks passed');
})().catch(e => { console.log('FAIL', e); process.exit(1); });
