// Plays a live Low-Latency HLS stream in headless Chromium through hls.js (lowLatencyMode: true) and
// reports the live latency hls.js measures (hls.latency: the distance from the live edge, from the
// playlist's program date times and parts), sampled once a second while the video plays.
//
// Usage:
//   node play-live.mjs <playlistUrl> [watchSeconds=20] [timeoutSeconds=60]
//
// Prints exactly one JSON line on stdout:
//   {"played":true|false,"currentTime":n,"latencies":[n,...],"latencyP50":n,"latencyMax":n,
//    "targetLatency":n,"partsLoaded":n,"fragmentsLoaded":n,"fatalError":null|"type/details",
//    "playlistRequests":n,"blockingRequests":n,"elapsedMs":n}
// and exits 0 when the video played for watchSeconds without a fatal error (the caller judges the
// latency). The first 5 seconds of playback are not sampled: hls.js seeks to the live edge at start.

import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--mute-audio',
];

function usage(message) {
  process.stderr.write(`play-live.mjs: ${message}\n`
    + 'usage: node play-live.mjs <playlistUrl> [watchSeconds=20] [timeoutSeconds=60]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const [url, watch = '20', timeout = '60'] = argv;
  if (!url) usage('missing playlistUrl');
  try {
    new URL(url);
  } catch {
    usage(`playlistUrl: ${url} (expected: an absolute http(s) URL)`);
  }
  const watchSeconds = Number(watch);
  const timeoutSeconds = Number(timeout);
  if (!(watchSeconds > 0) || !(timeoutSeconds > watchSeconds)) usage('expected 0 < watchSeconds < timeoutSeconds');
  return { url, watchSeconds, timeoutMs: Math.round(timeoutSeconds * 1000) };
}

// Runs inside the page; resolves (never rejects) after watchSeconds of playback, a fatal error or the timeout.
function watchInPage({ url, watchSeconds, timeoutMs }) {
  return new Promise((resolve) => {
    const result = {
      played: false, currentTime: 0, latencies: [], targetLatency: null, partsLoaded: 0, fragmentsLoaded: 0,
      fatalError: null,
    };
    if (!Hls.isSupported()) {
      result.fatalError = 'unsupported/hlsJsNotSupported';
      resolve(result);
      return;
    }
    const video = document.querySelector('video');
    const hls = new Hls({ lowLatencyMode: true });
    let done = false;
    let playingSince = null;
    let sampler = null;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(sampler);
      result.currentTime = video.currentTime;
      result.targetLatency = hls.targetLatency;
      result.played = result.fatalError === null && playingSince !== null
        && performance.now() - playingSince >= watchSeconds * 1000;
      hls.destroy();
      resolve(result);
    };
    const timer = setTimeout(finish, timeoutMs);
    hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
      if (data.part) result.partsLoaded += 1; else result.fragmentsLoaded += 1;
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) {
        result.fatalError = `${data.type}/${data.details}`;
        finish();
      } else {
        console.error(`hls.js non-fatal error: ${data.type}/${data.details} ${data.reason || ''}`.trim());
      }
    });
    video.addEventListener('playing', () => {
      if (playingSince !== null) return;
      playingSince = performance.now();
      sampler = setInterval(() => {
        const elapsed = (performance.now() - playingSince) / 1000;
        if (elapsed >= 5 && Number.isFinite(hls.latency)) result.latencies.push(Math.round(hls.latency * 1000) / 1000);
        if (elapsed >= watchSeconds) finish();
      }, 1000);
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    video.play().catch((error) => { if (!done) console.error(`video.play() rejected: ${error}`); });
  });
}

function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  const { url, watchSeconds, timeoutMs } = parseArgs(process.argv.slice(2));
  const hlsScript = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
  const started = Date.now();
  const result = { played: false, fatalError: null, playlistRequests: 0, blockingRequests: 0 };
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: timeoutMs,
    });
    const page = await (await browser.newContext()).newPage();
    page.on('request', (request) => {
      if (!request.url().includes('.m3u8')) return;
      result.playlistRequests += 1;
      if (request.url().includes('_HLS_msn=')) result.blockingRequests += 1;
    });
    page.on('console', (message) => {
      if (message.type() === 'error') process.stderr.write(`console.error: ${message.text()}\n`);
    });
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"><title>live</title></head>'
      + '<body><video muted playsinline width="640" height="360"></video></body></html>');
    await page.addScriptTag({ path: hlsScript });
    const pageResult = await Promise.race([
      page.evaluate(watchInPage, { url, watchSeconds, timeoutMs }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('page did not answer')), timeoutMs + 10_000).unref()),
    ]);
    Object.assign(result, pageResult);
  } catch (error) {
    result.fatalError = `harness/${error.message.split('\n')[0]}`;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
  result.latencyP50 = quantile(result.latencies || [], 0.5);
  result.latencyMax = quantile(result.latencies || [], 1);
  result.elapsedMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.played ? 0 : 1;
}

await main();
