#!/usr/bin/env node
// The network-namespace anchor of the compose stack (docker-compose.yml
// service `netns`, the role of a Kubernetes pause container): every k8ts
// service joins its network namespace, and it forwards published ports to
// the loopback addresses k8ts binds.
//
// Why: k8ts binds loopback only (127.0.0.1 for the control plane, node IPs
// 127.10.0.N for NodePorts). A container engine delivers a published port to
// the container's own interface address, where nothing listens. This process
// listens on each non-loopback IPv4 address of the namespace and pipes each
// connection to its loopback target.
//
//   K8TS_PUBLISH="6443=127.0.0.1:6443,30000-30010=127.10.0.1:30000-30010"
//
// Once all listeners are up it creates $K8TS_PUBLISH_READY (the healthcheck
// tests for it). SIGTERM/SIGINT close everything and exit 0.
import { writeFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { networkInterfaces } from 'node:os';

const spec = process.env.K8TS_PUBLISH ?? '6443=127.0.0.1:6443';
const readyFile = process.env.K8TS_PUBLISH_READY ?? '/tmp/port-publisher.ready';

function range(s) {
  const [a, b = a] = s.split('-').map(Number);
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b > 65535 || b < a) throw new Error(`bad port range ${s}`);
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** [{ listenPort, host, port }] from "6443=127.0.0.1:6443,30000-30002=127.10.0.1:30000-30002". */
function parse(text) {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .flatMap((entry) => {
      const m = /^([\d-]+)=([\d.]+):([\d-]+)$/.exec(entry);
      if (!m) throw new Error(`K8TS_PUBLISH: cannot parse "${entry}" (want PORTS=HOST:PORTS)`);
      const from = range(m[1]);
      const to = range(m[3]);
      if (from.length !== to.length) throw new Error(`K8TS_PUBLISH: "${entry}" maps ${from.length} ports to ${to.length}`);
      return from.map((listenPort, i) => ({ listenPort, host: m[2], port: to[i] }));
    });
}

const addresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && a.family === 'IPv4' && !a.internal)
  .map((a) => a.address);
const routes = parse(spec);
const servers = [];

function forward(client, route) {
  const upstream = connect(route.port, route.host);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
}

function listen(address, route) {
  return new Promise((resolve, reject) => {
    const server = createServer((c) => forward(c, route));
    server.once('error', reject);
    server.listen(route.listenPort, address, () => resolve(server));
  });
}

function stop() {
  rmSync(readyFile, { force: true });
  for (const s of servers) s.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

try {
  for (const address of addresses) for (const route of routes) servers.push(await listen(address, route));
  writeFileSync(readyFile, `${new Date().toISOString()}\n`);
  console.log(`port-publisher: ${routes.length} port(s) on ${addresses.join(', ') || '(no non-loopback address)'}: ${spec}`);
} catch (err) {
  console.error(`port-publisher: ${err.message}`);
  process.exit(1);
}
