/**
 * Integration test: a real nats-server process with JetStream.
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { existsSync, rmSync } from 'node:fs';
import { type NatsServerHandle, findNatsServerBinary, startNatsServer } from './nats-server';
import { isPidAlive, ProcessTracker } from './process';

jest.setTimeout(60_000);

const tracker = new ProcessTracker();
let server: NatsServerHandle | undefined;
let nc: NatsConnection | undefined;

afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await server?.stop();
  await tracker.stopAll();
});

describe('startNatsServer', () => {
  it('starts JetStream on a loopback port, keeps data across restarts, and stops cleanly', async () => {
    server = await startNatsServer({ tracker });
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(existsSync(server.storeDir)).toBe(true);

    nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    const js = jetstream(nc);
    const h = headers();
    h.set('k8ts-revision', '1');
    const ack = await js.publish('harness.a', 'hello', { headers: h });
    expect(ack.seq).toBe(1);
    await nc.close();
    nc = undefined;

    const firstPid = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(isPidAlive(firstPid)).toBe(false);

    nc = await connect({ servers: server.url });
    const msg = await (await jetstreamManager(nc)).streams.getMessage('HARNESS', { seq: 1 });
    expect(msg?.subject).toBe('harness.a');
    expect(msg?.string()).toBe('hello');
    expect(msg?.header.get('k8ts-revision')).toBe('1');
    await nc.close();
    nc = undefined;

    // A crash (SIGKILL) loses nothing that was acknowledged either.
    await server.restart({ signal: 'SIGKILL' });
    nc = await connect({ servers: server.url });
    const info = await (await jetstreamManager(nc)).streams.info('HARNESS');
    expect(info.state.messages).toBe(1);
    await nc.close();
    nc = undefined;

    const { pid, storeDir } = server;
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(storeDir)).toBe(false);
    await server.stop(); // idempotent
    server = undefined;
  });

  it('keeps the data directory when asked', async () => {
    const s = await startNatsServer({ tracker, keepData: true });
    await s.stop();
    expect(existsSync(s.storeDir)).toBe(true);
    rmSync(s.storeDir, { recursive: true, force: true });
  });

  it('names the fix when the binary is missing', () => {
    expect(() => findNatsServerBinary('/nonexistent/nats-server')).toThrow(/apt-get install -y nats-server/);
  });

  it('runs two servers side by side on different ports', async () => {
    const [a, b] = await Promise.all([startNatsServer({ tracker }), startNatsServer({ tracker })]);
    try {
      expect(a.port).not.toBe(b.port);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
