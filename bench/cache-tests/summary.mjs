// Summarises a cache-tests (http-cache-tests, https://cache-tests.fyi) run against our edge next to
// the published results of other reverse proxies, as one markdown report on stdout.
//
//   node --no-warnings bench/cache-tests/summary.mjs [--suite DIR] [--results FILE] [--name NAME]
//        [--compare nginx,varnish,trafficserver,squid,apache] [--repeats FILE,FILE...]
//
// --suite    the installed package (default: out/node_modules/http-cache-tests next to this file)
// --results  our raw JSON from the suite's cli (default: out/results-edge.json next to this file)
// --repeats  more runs of ours against the same build: the tests whose outcome differs are listed
//
// Classification is the suite's own: determineTestResult() from its lib/display.mjs (the function
// cli.mjs and cache-tests.fyi use), over the same test list cli.mjs runs (tests/index.mjs plus
// tests/surrogate-control.mjs), dependencies honoured. No dependency beyond the suite itself.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

function arg (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1]
  const eq = process.argv.find(a => a.startsWith(`--${name}=`))
  return eq ? eq.slice(name.length + 3) : fallback
}

const suiteDir = path.resolve(arg('suite', path.join(here, 'out', 'node_modules', 'http-cache-tests')))
const resultsFile = path.resolve(arg('results', path.join(here, 'out', 'results-edge.json')))
const ourName = arg('name', 'edge (ours)')
const compareNames = arg('compare', 'nginx,varnish,trafficserver,squid,apache').split(',').filter(Boolean)
const repeatFiles = arg('repeats', '').split(',').filter(Boolean).map(f => path.resolve(f))

const load = rel => import(pathToFileURL(path.join(suiteDir, rel)).href)
const display = await load('lib/display.mjs')
const baseTests = (await load('tests/index.mjs')).default
const surrogate = (await load('tests/surrogate-control.mjs')).default
const published = (await load('results/index.mjs')).default
const suiteVersion = JSON.parse(fs.readFileSync(path.join(suiteDir, 'package.json'), 'utf8')).version

// The same list cli.mjs runs and cache-tests.fyi shows. Copy: tests/index.mjs's array is shared.
const suites = [...baseTests]
if (!suites.includes(surrogate)) suites.push(surrogate)
const SURROGATE = surrogate.id

// display.mjs returns [font-awesome glyph, colour, console symbol]; the symbol names the outcome.
const OUTCOME = {
  '✅': 'pass', '⛔️': 'fail', '⚠️': 'optional_fail', Y: 'yes', N: 'no',
  '🔹': 'setup_fail', '⁉️': 'harness_fail', '⚪️': 'dependency_fail', '↻': 'retry', '-': 'untested'
}
const SYMBOL = Object.fromEntries(Object.entries(OUTCOME).map(([s, o]) => [o, s]))

// display.mjs: kind 'required' or no kind at all is required; 'optimal' and 'check' are not.
const kindOf = test => test.kind === undefined ? 'required' : test.kind

// cli.mjs skips browser_only tests (it never runs with a browser cache), for every cache alike.
const allTests = []
const browserOnly = []
for (const suite of suites) {
  for (const test of suite.tests) {
    if (test.browser_only === true) browserOnly.push(test.id)
    else allTests.push({ suite, test, kind: kindOf(test) })
  }
}
for (const { kind, test } of allTests) {
  if (!['required', 'optimal', 'check'].includes(kind)) {
    throw new Error(`test ${test.id} has kind ${kind}, which this summary does not know`)
  }
}

function readJson (file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

const caches = [{ key: 'ours', name: ourName, version: '', results: readJson(resultsFile) }]
for (const name of compareNames) {
  const meta = published.find(p => p.file === `${name}.json`) || {}
  caches.push({
    key: name,
    name: meta.name || name,
    version: meta.version || '?',
    results: readJson(path.join(suiteDir, 'results', `${name}.json`))
  })
}

function outcome (cache, id) {
  const symbol = display.determineTestResult(suites, id, cache.results)[2]
  const o = OUTCOME[symbol]
  if (!o) throw new Error(`unknown result symbol ${symbol} for ${id}`)
  return o
}

for (const cache of caches) {
  cache.outcomes = new Map(allTests.map(({ test }) => [test.id, outcome(cache, test.id)]))
}

const NOT_RUN = ['dependency_fail', 'setup_fail', 'retry', 'harness_fail', 'untested']
function tally (cache, filter) {
  const t = { required: {}, optimal: {}, check: {} }
  for (const entry of allTests) {
    if (!filter(entry)) continue
    const o = cache.outcomes.get(entry.test.id)
    t[entry.kind][o] = (t[entry.kind][o] || 0) + 1
  }
  return t
}
const n = (bucket, ...keys) => keys.reduce((sum, k) => sum + (bucket[k] || 0), 0)
function notRun (bucket) {
  const parts = NOT_RUN.filter(k => bucket[k]).map(k => `${bucket[k]}${SYMBOL[k]}`)
  return parts.length ? `${n(bucket, ...NOT_RUN)} (${parts.join(' ')})` : '0'
}

function table (title, filter) {
  const lines = [
    `### ${title}`,
    '',
    '| cache | required ✅ | required ⛔️ | required no verdict | optimal ✅ | optimal ⚠️ | optimal no verdict | check Y | check N | check no verdict |',
    '| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | --- |'
  ]
  for (const cache of caches) {
    const t = tally(cache, filter)
    const label = cache.version ? `${cache.name} ${cache.version}` : `**${cache.name}**`
    lines.push(`| ${label} | ${n(t.required, 'pass')} | ${n(t.required, 'fail')} | ${notRun(t.required)} | ` +
      `${n(t.optimal, 'pass')} | ${n(t.optimal, 'optional_fail')} | ${notRun(t.optimal)} | ` +
      `${n(t.check, 'yes')} | ${n(t.check, 'no')} | ${notRun(t.check)} |`)
  }
  const counts = { required: 0, optimal: 0, check: 0 }
  allTests.filter(filter).forEach(e => counts[e.kind]++)
  lines.push('', `Tests in this table: ${counts.required} required, ${counts.optimal} optimal, ${counts.check} check.`, '')
  return lines.join('\n')
}

const ours = caches[0]
const byId = new Map(allTests.map(e => [e.test.id, e]))
const detail = (cache, id) => {
  const r = cache.results[id]
  if (r === undefined) return 'not run'
  if (r === true) return 'passed'
  return `${r[0]}: ${r[1]}`
}
const others = id => caches.slice(1).map(c => `${c.key} ${SYMBOL[c.outcomes.get(id)]}`).join(', ')
const esc = s => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')

const out = []
out.push(`## HTTP cache-tests ${suiteVersion}: ${ourName} against published results`, '')
out.push(`Our results: \`${path.relative(process.cwd(), resultsFile) || resultsFile}\` ` +
  `(${Object.keys(ours.results).length} tests run). Published results: as shipped in the npm package ` +
  `(${caches.slice(1).map(c => `${c.name} ${c.version}`).join(', ')}), collected by the suite's maintainers ` +
  'at some earlier time with a revision the package does not name; they are not re-run here.', '')
out.push('Legend (the suite\'s own, lib/display.mjs): ✅ pass, ⛔️ fail (conformance), ⚠️ optimal not met, ' +
  'Y/N check (information only), no verdict = ⚪️ a test it depends on did not pass, 🔹 setup failed, ' +
  '↻ the cache retried, ⁉️ harness error, - not run. Only ⛔️ counts as a conformance failure.', '')
out.push(table('All tests (what cache-tests.fyi shows, Surrogate-Control included)', () => true))
out.push(table('RFC 9111 tests only (without the Surrogate-Control suite, a W3C Note)', e => e.suite.id !== SURROGATE))

// Required tests we fail.
const weFail = allTests.filter(e => e.kind === 'required' && ours.outcomes.get(e.test.id) === 'fail')
out.push(`### Required tests we fail (${weFail.length})`, '')
if (weFail.length) {
  out.push('| id | suite | what it checks | our result | others |', '| --- | --- | --- | --- | --- |')
  for (const { suite, test } of weFail) {
    out.push(`| \`${test.id}\` | ${suite.id} | ${esc(test.name)} | ${esc(detail(ours, test.id))} | ${others(test.id)} |`)
  }
} else {
  out.push('None.')
}
out.push('')

// ... of which nginx or varnish pass.
const pivot = caches.filter(c => ['nginx', 'varnish'].includes(c.key))
const passes = (c, id) => ['pass', 'yes'].includes(c.outcomes.get(id))
const theyPass = weFail.filter(e => pivot.some(c => passes(c, e.test.id)))
out.push(`### Required tests we fail but nginx or varnish pass (${theyPass.length})`, '')
out.push(theyPass.length
  ? theyPass.map(e => `- \`${e.test.id}\`: ${pivot.filter(c => passes(c, e.test.id)).map(c => c.key).join(' and ')} pass`).join('\n')
  : 'None.')
out.push('')

// Required tests without a verdict for us: not failures by the suite's rules, but worth a look.
const noVerdict = allTests.filter(e => e.kind === 'required' && NOT_RUN.includes(ours.outcomes.get(e.test.id)))
const blockers = new Map()
for (const { test } of noVerdict) {
  if (ours.outcomes.get(test.id) !== 'dependency_fail') continue
  for (const dep of test.depends_on || []) {
    if (!passes(ours, dep)) blockers.set(dep, (blockers.get(dep) || 0) + 1)
  }
}
out.push(`### Required tests without a verdict for us (${noVerdict.length}; not counted as failures by the suite)`, '')
const direct = noVerdict.filter(e => ours.outcomes.get(e.test.id) !== 'dependency_fail')
if (direct.length) {
  out.push('| id | outcome | our result | others |', '| --- | --- | --- | --- |')
  for (const { test } of direct) {
    out.push(`| \`${test.id}\` | ${SYMBOL[ours.outcomes.get(test.id)]} | ${esc(detail(ours, test.id))} | ${others(test.id)} |`)
  }
  out.push('')
}
if (blockers.size) {
  out.push('Dependency failures (⚪️) among required tests, by the test they depend on:', '')
  for (const [dep, count] of [...blockers].sort((a, b) => b[1] - a[1])) {
    const e = byId.get(dep)
    out.push(`- ${count} blocked by \`${dep}\` (${e ? e.kind : '?'}, ours ${SYMBOL[ours.outcomes.get(dep)]}: ${esc(detail(ours, dep))})`)
  }
  out.push('')
}

// Optimal tests we miss that nginx or varnish meet.
const optMiss = allTests.filter(e => e.kind === 'optimal' && ours.outcomes.get(e.test.id) === 'optional_fail' &&
  pivot.some(c => passes(c, e.test.id)))
out.push(`### Optimal tests we miss (⚠️) but nginx or varnish meet (${optMiss.length})`, '')
out.push(optMiss.length
  ? optMiss.map(e => `- \`${e.test.id}\`: ${esc(e.test.name)} (ours: ${esc(detail(ours, e.test.id))})`).join('\n')
  : 'None.')
out.push('')

// Repeated runs: which verdicts are not stable.
if (repeatFiles.length) {
  const runs = [ours, ...repeatFiles.map((f, i) => ({ key: `run${i + 2}`, results: readJson(f) }))]
  for (const run of runs.slice(1)) {
    run.outcomes = new Map(allTests.map(({ test }) => [test.id, outcome(run, test.id)]))
  }
  const unstable = allTests.filter(e => new Set(runs.map(r => r.outcomes.get(e.test.id))).size > 1)
  out.push(`### Outcomes that changed between our ${runs.length} runs (${unstable.length})`, '')
  if (unstable.length) {
    out.push('| id | kind | outcome per run | first message that is not a pass |', '| --- | --- | --- | --- |')
    for (const { test, kind } of unstable) {
      const message = runs.map(r => r.results[test.id]).find(v => Array.isArray(v))
      out.push(`| \`${test.id}\` | ${kind} | ${runs.map(r => SYMBOL[r.outcomes.get(test.id)]).join(' ')} | ` +
        `${message ? esc(`${message[0]}: ${message[1]}`) : ''} |`)
    }
  } else {
    out.push('None: every test had the same outcome in every run.')
  }
  const perRun = runs.map(r => {
    const t = tally(r, () => true).required
    return `${n(t, 'pass')}✅/${n(t, 'fail')}⛔️/${n(t, ...NOT_RUN)} no verdict`
  })
  out.push('', `Required tests per run: ${perRun.join('; ')}.`, '')
}

// Where the classification is not clear-cut.
const notes = []
const kindless = allTests.filter(e => e.test.kind === undefined)
const worded = kindless.filter(e => /^Does\b|\?\s*$/.test(e.test.name) || /\bshould\b|\boptimal\b/i.test(e.test.name))
notes.push(`${kindless.length} tests have no \`kind\`; lib/display.mjs counts them as required, and so does this summary.` +
  (worded.length
    ? ` ${worded.length} of them are worded as a question or a SHOULD, so their "required" status is the suite's ` +
      `convention rather than a MUST in RFC 9111: ${worded.map(e => `\`${e.test.id}\``).join(', ')}.`
    : ''))
notes.push('The client checks whether a response came from the origin (its `Server-Request-Count` header) before it ' +
  'checks the status, so an error the cache generates itself (a 502, a 504) on a request expected to reach the origin ' +
  'is reported as "Response N comes from cache", not as a wrong status.')
notes.push('Setup failures (🔹), retries (↻), harness errors (⁉️) and dependency failures (⚪️) are neither pass nor fail ' +
  'in the suite\'s display; the tables count them as "no verdict". A setup failure can hide a real defect ' +
  '(for example a 502 from the cache), so they are listed above.')
const nonAssertion = allTests.filter(e => ours.outcomes.get(e.test.id) === 'fail' &&
  Array.isArray(ours.results[e.test.id]) && ours.results[e.test.id][0] !== 'Assertion')
notes.push(nonAssertion.length
  ? `lib/display.mjs never reports ⁉️ for an array result (its check is \`result === false\`), so a client-side ` +
    `exception is counted as ⛔️. Ours: ${nonAssertion.map(e => `\`${e.test.id}\` (${e.test.kind || 'required'}, ${ours.results[e.test.id][0]})`).join(', ')}.`
  : 'Every failure of ours is an assertion about the cache\'s behaviour (no client exception counted as ⛔️).')
const unknownIds = Object.keys(ours.results).filter(id => !byId.has(id))
if (unknownIds.length) notes.push(`Our results hold ${unknownIds.length} ids the installed suite does not define (ignored): ${unknownIds.join(', ')}.`)
for (const c of caches.slice(1)) {
  const untested = allTests.filter(e => c.outcomes.get(e.test.id) === 'untested' && ours.outcomes.get(e.test.id) !== 'untested').length
  const stale = Object.keys(c.results).filter(id => !byId.has(id)).length
  if (untested || stale) {
    notes.push(`${c.name}: ${untested} tests of this suite are absent from its published results (shown as -), ` +
      `${stale} of its results are for tests this suite no longer has (ignored).`)
  }
}
// A request that makes the origin drop the connection yet expects a response from the origin
// ('not_cached') cannot pass: whatever the cache answers lacks the origin's Server-Request-Count.
const unpassable = allTests.filter(e => e.test.requests.some(r => r.disconnect === true && r.expected_type === 'not_cached'))
if (unpassable.length) {
  notes.push(`${unpassable.length} tests make the origin close the connection on a request they expect to reach the ` +
    'origin (`disconnect: true` with `expected_type: not_cached`). Whatever a cache then answers (a 502/504, or the stale ' +
    'copy) lacks the origin\'s `Server-Request-Count`, so the client reports "comes from cache" and no cache can pass; ' +
    'only caches that never serve stale on a closed connection escape them, as ⚪️ through their dependency ' +
    '(`stale-close`). To see what we really answered, run one with `run.sh --id ID`: ' +
    `${unpassable.map(e => `\`${e.test.id}\` (ours ${SYMBOL[ours.outcomes.get(e.test.id)]})`).join(', ')}.`)
}
notes.push(`${browserOnly.length} browser-only tests are left out everywhere (cli.mjs does not run them): ${browserOnly.join(', ')}.`)
notes.push('The Surrogate-Control tests are part of what cli.mjs runs and cache-tests.fyi shows, but Surrogate-Control ' +
  'is not RFC 9111; the second table leaves them out.')
notes.push('One run is one sample: tests that wait on timers (pause_after is 3 s, many lifetimes are 1-2 s) can change ' +
  'outcome between runs, as can anything that depends on which pooled upstream connection a request gets.')
out.push('### Notes on classification', '')
out.push(notes.map(s => `- ${s}`).join('\n'))
out.push('')

process.stdout.write(out.join('\n'))

// The CI gate: more required failures than MAX_REQUIRED_FAILURES (when set) fails the run.
const limit = process.env.MAX_REQUIRED_FAILURES
if (limit !== undefined && limit !== '' && weFail.length > Number(limit)) {
  process.stderr.write(`\ncache-tests: ${weFail.length} required tests fail, more than MAX_REQUIRED_FAILURES=${limit}\n`)
  process.exitCode = 1
}
