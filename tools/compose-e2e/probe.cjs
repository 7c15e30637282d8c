// Traffic and DNS probes of tools/compose-e2e. Runs on the host (`node
// probe.cjs ...`) or inside the stack's network namespace (`podman exec -i
// <netns container> node - ...` with this file on stdin), so it needs nothing
// but node. Prints one JSON line.
//
//   count URL N                 N sequential GETs, one connection each
//   until URL STOPFILE MAXSEC   GETs back to back until STOPFILE exists
//   dns NAME SERVER             A records of NAME from SERVER (ip[:port])
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const { Resolver } = require('node:dns').promises;

/** One GET on a fresh connection (kube-proxy balances per connection). */
function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 3000, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve({ error: `HTTP ${res.statusCode}` });
        try {
          resolve({ pod: JSON.parse(body).pod || '?' });
        } catch {
          resolve({ error: 'bad body' });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ error: err.code || err.message }));
  });
}

function tally() {
  const t = { ok: 0, failed: 0, pods: {}, errors: [] };
  t.add = (r) => {
    if (r.pod) {
      t.ok++;
      t.pods[r.pod] = (t.pods[r.pod] || 0) + 1;
    } else {
      t.failed++;
      if (t.errors.length < 5) t.errors.push(`${new Date().toISOString().slice(11, 23)} ${r.error}`);
    }
  };
  return t;
}

function print(t) {
  console.log(JSON.stringify({ ok: t.ok, failed: t.failed, pods: t.pods, errors: t.errors }));
}

async function main() {
  const [mode, a, b, c] = process.argv.slice(2);
  if (mode === 'count') {
    const t = tally();
    for (let i = 0; i < Number(b); i++) t.add(await get(a));
    print(t);
  } else if (mode === 'until') {
    const t = tally();
    const deadline = Date.now() + Number(c) * 1000;
    while (!fs.existsSync(b) && Date.now() < deadline) {
      t.add(await get(a));
      await new Promise((r) => setTimeout(r, 20));
    }
    print(t);
  } else if (mode === 'dns') {
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([b]);
    console.log(JSON.stringify({ name: a, a: await r.resolve4(a) }));
  } else {
    console.error('usage: probe.cjs count URL N | until URL STOPFILE MAXSEC | dns NAME SERVER');
    process.exit(2);
  }
}

main().catch((err) => {
  console.log(JSON.stringify({ error: err.code || err.message }));
  process.exit(1);
});
