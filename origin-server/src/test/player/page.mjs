// Opens the server's own player page (http.player-page, on in the demo) in headless Chromium, as a
// newcomer would after the first command, waits for playback to advance, reads what the page shows
// (rendition, bandwidth, buffer, and each segment's source from the server's X-Cache field), and
// saves a screenshot.
//
// Usage:
//   npm ci
//   node page.mjs <pageUrl> <screenshot.png> [minSeconds=2] [timeoutSeconds=60]
//
// Prints exactly one JSON line on stdout:
//   {"played":true|false,"currentTime":n,"sources":["disk","memory",...],"rendition":"...",
//    "bandwidth":"...","buffer":"...","metrics":"http://.../metrics","hlsVersion":"...",
//    "status":"...","consoleErrors":["..."],"screenshot":"...","elapsedMs":n}
// and exits 0 only when video.currentTime reached minSeconds and the page listed at least one
// segment. Exit 1: did not play; exit 2: bad arguments. Unlike play.mjs, nothing is injected: the
// page, its inline script and hls.js all come from the server, under its content security policy,
// and the page's console errors (a policy violation among them) are reported.
// CHROMIUM overrides the browser binary (default /usr/bin/chromium, the Debian package).

import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--mute-audio',
];

function usage(message) {
  process.stderr.write(`page.mjs: ${message}\n`
    + 'usage: node page.mjs <pageUrl> <screenshot.png> [minSeconds=2] [timeoutSeconds=60]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const [url, screenshot, min = '2', timeout = '60'] = argv;
  if (!url) usage('missing pageUrl');
  if (!screenshot) usage('missing screenshot path');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    usage(`pageUrl: ${url} (expected: an absolute http(s) URL)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    usage(`pageUrl: ${url} (expected: an http or https URL)`);
  }
  const minSeconds = Number(min);
  if (!Number.isFinite(minSeconds) || minSeconds <= 0) usage(`minSeconds: ${min} (expected: a number > 0)`);
  const timeoutSeconds = Number(timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) usage(`timeoutSeconds: ${timeout} (expected: a number > 0)`);
  return { url, screenshot, minSeconds, timeoutMs: Math.round(timeoutSeconds * 1000) };
}

// Runs in the page: what it shows, read from the DOM as a viewer would see it.
function readPage() {
  const text = (id) => (document.getElementById(id) || {}).textContent || '';
  const video = document.querySelector('video');
  return {
    currentTime: video ? video.currentTime : 0,
    sources: [...document.querySelectorAll('#segments tr')].map((row) => row.querySelector('td.source').textContent),
    rendition: text('rendition'),
    bandwidth: text('bandwidth'),
    buffer: text('buffer'),
    metrics: (document.getElementById('metrics') || {}).href || null,
    hlsVersion: text('hls-version'),
    status: text('status'),
  };
}

async function main() {
  const { url, screenshot, minSeconds, timeoutMs } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const result = { played: false, currentTime: 0, sources: [], consoleErrors: [], screenshot: null };
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: timeoutMs,
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (message) => {
      if (message.type() === 'error') {
        result.consoleErrors.push(message.text());
        process.stderr.write(`console.error: ${message.text()}\n`);
      }
    });
    page.on('pageerror', (error) => {
      result.consoleErrors.push(`page error: ${error.message}`);
      process.stderr.write(`page error: ${error.message}\n`);
    });
    page.on('requestfailed', (request) => process.stderr.write(
      `request failed: ${request.url()} ${request.failure()?.errorText ?? ''}\n`));

    const response = await page.goto(url, { timeout: timeoutMs });
    if (!response || response.status() !== 200) {
      throw new Error(`the page answered ${response ? response.status() : 'nothing'}`);
    }
    try {
      await page.waitForFunction(
        (min) => document.querySelector('video').currentTime >= min
          && document.querySelectorAll('#segments tr').length > 0
          && !/–/.test(document.getElementById('rendition').textContent),
        minSeconds, { timeout: timeoutMs, polling: 100 });
    } catch (error) {
      process.stderr.write(`playback did not advance: ${error.message.split('\n')[0]}\n`);
    }
    Object.assign(result, await page.evaluate(readPage));
    await page.screenshot({ path: screenshot, fullPage: true });
    result.screenshot = screenshot;
    result.played = result.currentTime >= minSeconds && result.sources.length > 0;
  } catch (error) {
    result.status = `harness/${error.message.split('\n')[0]}`;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
  result.elapsedMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.played ? 0 : 1;
}

await main();
