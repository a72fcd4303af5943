// Known-answer vectors for media.edge.token, minted by Akamai's own public generator
// (npm package akamai-edgeauth 0.2.0, the Node port of akamai/EdgeAuth-Token-*).
//
// Regenerate (from the repository root; node_modules stays in the temporary folder):
//
//   dir=$(mktemp -d) && (cd "$dir" && npm install --no-save akamai-edgeauth@0.2.0 >/dev/null \
//     && node "$OLDPWD/origin-server/src/test/resources/token/make-vectors.mjs") \
//     > origin-server/src/test/resources/token/edgeauth-vectors.json
//
// Every input is fixed (explicit startTime and endTime, never "now" or windowSeconds), so the
// output is byte-for-byte reproducible. Each vector also names a request path the token must open
// and a time inside its validity, which EdgeAuthVectorsTest uses to check the verifier too.
import { createRequire } from 'node:module';

const require = createRequire(process.cwd() + '/');
const EdgeAuth = require('akamai-edgeauth');
const { version } = require('akamai-edgeauth/package.json');

const KEY = '52a152a152a152a152a152a152a152a1';
const KEY32 = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const ST = 1767225600;   // 2026-01-01T00:00:00Z
const EXP = 1767229200;  // one hour later

const cases = [
  { name: 'sha256_acl', algorithm: 'sha256', acl: '/vod/title/*', path: '/vod/title/master.m3u8' },
  { name: 'sha1_acl', algorithm: 'sha1', acl: '/vod/title/*', path: '/vod/title/720p/seg_00001.ts' },
  { name: 'md5_acl', algorithm: 'md5', acl: '/vod/title/*', path: '/vod/title/720p/index.m3u8' },
  { name: 'default_algorithm_acl', acl: '/*', path: '/anything/at/all.ts' },
  { name: 'acl_list', acl: ['/vod/a/*', '/vod/b/*', '/keys/title.key'], path: '/vod/b/720p/seg_1.ts' },
  { name: 'acl_list_exact_entry', acl: ['/vod/a/*', '/keys/title.key'], path: '/keys/title.key' },
  { name: 'acl_question_marks', acl: '/vod/title/720p/seg_???.ts', path: '/vod/title/720p/seg_042.ts' },
  { name: 'acl_star_in_middle', acl: '/vod/*/720p/*.ts', path: '/vod/title/extra/720p/seg_1.ts' },
  { name: 'sha256_url', algorithm: 'sha256', url: '/vod/title/master.m3u8', path: '/vod/title/master.m3u8' },
  { name: 'sha1_url', algorithm: 'sha1', url: '/vod/title/720p/seg_00001.ts', path: '/vod/title/720p/seg_00001.ts' },
  { name: 'md5_url', algorithm: 'md5', url: '/vod/title/720p/index.m3u8', path: '/vod/title/720p/index.m3u8' },
  { name: 'ip_acl', ip: '203.0.113.7', acl: '/vod/*', path: '/vod/x.ts', clientIp: '203.0.113.7' },
  { name: 'ipv6_acl', ip: '2001:db8::1', acl: '/vod/*', path: '/vod/x.ts', clientIp: '2001:db8:0:0:0:0:0:1' },
  { name: 'start_time_acl', startTime: ST, acl: '/vod/*', path: '/vod/x.ts' },
  { name: 'session_id_acl', sessionId: 'viewer-42', acl: '/vod/*', path: '/vod/x.ts' },
  { name: 'payload_acl', payload: 'plan=gold', acl: '/vod/*', path: '/vod/x.ts' },
  { name: 'payload_unicode_acl', payload: 'caf\u00e9', acl: '/vod/*', path: '/vod/x.ts' },
  { name: 'salt_acl', salt: 'pepper', acl: '/vod/*', path: '/vod/x.ts' },
  { name: 'salt_url', salt: 'pepper', url: '/vod/x.ts', path: '/vod/x.ts' },
  { name: 'long_key_acl', key: KEY32, acl: '/vod/*', path: '/vod/x.ts' },
  { name: 'every_option_acl', algorithm: 'sha256', ip: '198.51.100.20', startTime: ST, sessionId: 's1',
    payload: 'd1', salt: 'pepper', acl: ['/live/ch1/*', '/keys/*'], path: '/live/ch1/seg_9.ts',
    clientIp: '198.51.100.20' },
  { name: 'every_option_url', algorithm: 'sha1', ip: '198.51.100.20', startTime: ST, sessionId: 's1',
    payload: 'd1', salt: 'pepper', url: '/live/ch1/index.m3u8', path: '/live/ch1/index.m3u8',
    clientIp: '198.51.100.20' },
  { name: 'every_option_md5', algorithm: 'md5', ip: '198.51.100.20', startTime: ST, sessionId: 's1',
    payload: 'd1', acl: '/live/*', path: '/live/ch1/index.m3u8', clientIp: '198.51.100.20' },
];

const vectors = cases.map((c) => {
  const options = { key: c.key ?? KEY, endTime: EXP };
  for (const field of ['algorithm', 'salt', 'ip', 'startTime', 'sessionId', 'payload']) {
    if (c[field] !== undefined) options[field] = c[field];
  }
  // A fresh generator per vector: the library keeps state in its options object.
  const generator = new EdgeAuth({ ...options });
  const token = c.url !== undefined ? generator.generateURLToken(c.url) : generator.generateACLToken(c.acl);
  return {
    name: c.name,
    key: options.key,
    algorithm: c.algorithm ?? 'sha256',
    salt: c.salt ?? null,
    ip: c.ip ?? null,
    startTime: c.startTime ?? null,
    endTime: EXP,
    sessionId: c.sessionId ?? null,
    payload: c.payload ?? null,
    acl: c.acl === undefined ? null : [].concat(c.acl),
    url: c.url ?? null,
    token,
    verifyPath: c.path,
    verifyClientIp: c.clientIp ?? '192.0.2.1',
    verifyAt: (c.startTime ?? EXP - 3600) + 60,
  };
});

process.stdout.write(JSON.stringify({ generator: `akamai-edgeauth ${version}`, vectors }, null, 2) + '\n');
