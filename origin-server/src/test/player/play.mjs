// Plays an HLS multivariant playlist in headless Chromium through hls.js and reports whether
// playback really advanced. This is the end-to-end check that the origin's playlists, segments,
// MIME types and CORS headers are good enough for a browser player, which unit tests cannot show.
//
// Usage:
//   npm install
//   node play.mjs <masterPlaylistUrl> [minSeconds=3] [timeoutSeconds=45]
//
// Prints exactly one JSON line on stdout:
//   {"played":true|false,"currentTime":n,"levels":n,"fragmentsLoaded":n,
//    "fatalError":null|"type/details","userAgent":"...","mseAvcAac":true|false,
//    "protocols":["h2"|"http/1.1",...],"elapsedMs":n}
// and exits 0 only when video.currentTime reached minSeconds. Browser console errors, page
// errors and hls.js non-fatal errors go to stderr. Exit 1: did not play; exit 2: bad arguments.
//
// The page is about:blank filled with page.setContent(), so it has an opaque origin: every request
// to the server is cross-origin (Origin: null) and exercises the server's CORS headers.
// CHROMIUM overrides the browser binary (default /usr/bin/chromium, the Debian package).
// IGNORE_HTTPS_ERRORS=1 accepts a certificate the browser cannot verify (a development certificate
// made by --tls-self-signed). "protocols" lists the HTTP versions the browser's network stack used
// for the server's answers (Chromium's DevTools protocol, Network.responseReceived), so a caller can
// tell HTTP/2 from HTTP/1.1. HLS_CONFIG is a JSON object handed to new Hls() as it is, for example
// {"cmcd":{"sessionId":"s1","contentId":"demo"}} to send CMCD with every request.

import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AVC_AAC = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';

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
  process.stderr.write(`play.mjs: ${message}\n`
    + 'usage: node play.mjs <masterPlaylistUrl> [minSeconds=3] [timeoutSeconds=45]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const [url, min = '3', timeout = '45'] = argv;
  if (!url) usage('missing masterPlaylistUrl');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    usage(`masterPlaylistUrl: ${url} (expected: an absolute http(s) URL)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    usage(`masterPlaylistUrl: ${url} (expected: an http or https URL)`);
  }
  const minSeconds = Number(min);
  if (!Number.isFinite(minSeconds) || minSeconds <= 0) {
    usage(`minSeconds: ${min} (expected: a number > 0)`);
  }
  const timeoutSeconds = Number(timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    usage(`timeoutSeconds: ${timeout} (expected: a number > 0)`);
  }
  return { url, minSeconds, timeoutMs: Math.round(timeoutSeconds * 1000) };
}

// Runs inside the page. Resolves (never rejects) once playback reached minSeconds, hls.js
// reported a fatal error, the video ended, or the timeout passed.
function playInPage({ url, minSeconds, timeoutMs, avcAac, hlsConfig }) {
  return new Promise((resolve) => {
    const result = {
      played: false,
      currentTime: 0,
      levels: 0,
      fragmentsLoaded: 0,
      fatalError: null,
      userAgent: navigator.userAgent,
      mseAvcAac: typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(avcAac),
    };
    if (!Hls.isSupported() || !result.mseAvcAac) {
      result.fatalError = result.mseAvcAac
        ? 'unsupported/hlsJsNotSupported'
        : 'unsupported/mseAvcAacNotSupported';
      resolve(result);
      return;
    }

    const video = document.querySelector('video');
    const hls = new Hls(hlsConfig);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      result.currentTime = video.currentTime;
      result.played = result.fatalError === null && video.currentTime >= minSeconds;
      hls.destroy();
      resolve(result);
    };
    const timer = setTimeout(finish, timeoutMs);

    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => { result.levels = data.levels.length; });
    hls.on(Hls.Events.FRAG_LOADED, () => { result.fragmentsLoaded += 1; });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) {
        result.fatalError = `${data.type}/${data.details}`;
        finish();
      } else {
        const why = data.reason || (data.error && data.error.message) || '';
        console.error(`hls.js non-fatal error: ${data.type}/${data.details} ${why}`.trim());
      }
    });
    video.addEventListener('timeupdate', () => {
      if (video.currentTime >= minSeconds) finish();
    });
    // Content shorter than minSeconds can never pass; report at once instead of at the timeout.
    video.addEventListener('ended', finish);
    video.addEventListener('error', () => {
      const error = video.error;
      console.error(`video element error: ${error && error.code} ${error && error.message}`);
    });

    hls.loadSource(url);
    hls.attachMedia(video);
    // A rejection caused by our own teardown (hls.destroy() detaches the media) is not news.
    video.play().catch((error) => { if (!done) console.error(`video.play() rejected: ${error}`); });
  });
}

async function main() {
  const { url, minSeconds, timeoutMs } = parseArgs(process.argv.slice(2));
  let hlsConfig = {};
  try {
    hlsConfig = JSON.parse(process.env.HLS_CONFIG || '{}');
  } catch (error) {
    usage(`HLS_CONFIG: ${error.message} (expected: a JSON object)`);
  }
  const hlsScript = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
  const started = Date.now();
  const result = {
    played: false,
    currentTime: 0,
    levels: 0,
    fragmentsLoaded: 0,
    fatalError: null,
    userAgent: null,
    mseAvcAac: null,
    protocols: [],
  };
  const protocols = new Set();

  // Plain launch() gives every run a fresh temporary profile that Playwright deletes on close.
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: timeoutMs,
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: process.env.IGNORE_HTTPS_ERRORS === '1' });
    const page = await context.newPage();
    const devtools = await context.newCDPSession(page);
    await devtools.send('Network.enable');
    devtools.on('Network.responseReceived', (event) => {
      if (event.response && event.response.protocol) protocols.add(event.response.protocol);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') process.stderr.write(`console.error: ${message.text()}\n`);
    });
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    page.on('requestfailed', (request) => process.stderr.write(
      `request failed: ${request.url()} ${request.failure()?.errorText ?? ''}\n`));

    await page.setContent('<!doctype html><html><head><meta charset="utf-8"><title>play</title></head>'
      + '<body><video muted playsinline width="640" height="360"></video></body></html>');
    await page.addScriptTag({ path: hlsScript });
    // Backstop in case the page itself hangs; the in-page timer normally resolves first.
    const pageResult = await Promise.race([
      page.evaluate(playInPage, { url, minSeconds, timeoutMs, avcAac: AVC_AAC, hlsConfig }),
      new Promise((_, reject) => setTimeout(
        () => reject(new Error('page did not answer')), timeoutMs + 10_000).unref()),
    ]);
    Object.assign(result, pageResult);
  } catch (error) {
    result.fatalError = `harness/${error.message.split('\n')[0]}`;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }

  result.protocols = [...protocols].sort();
  result.elapsedMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.played ? 0 : 1;
}

await main();
