// The RawStorage contract against a real nats-server, plus what only a real
// server can show: data and watches surviving a NATS restart, and several
// storage instances (apiserver replicas) writing to one stream.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '@k8ts/testing';
import { ConflictError } from './errors';
import { JetStreamStorage } from './jetstream-storage';
import { describeRawStorage, take } from './storage-contract';

jest.setTimeout(30_000);

let nats: NatsServerHandle;
let streamCounter = 0;
const connections: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
  await nats?.stop();
});

async function open(stream: string): Promise<JetStreamStorage> {
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  connections.push(nc);
  return JetStreamStorage.open(nc, { stream });
}

describeRawStorage('jetstream', async () => {
  // Every test gets its own stream name, but all streams share the subject
  // space, so old streams are deleted before the next one is created.
  const storage = await open(`T${++streamCounter}`);
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      const jsm = await jetstreamManager(storage.connection);
      await jsm.streams.delete(`T${streamCounter}`);
    },
  };
});

describe('JetStreamStorage against a real NATS', () => {
  const key = { resource: 'pods', namespace: 'default', name: 'web-1' };
  const enc = (t: string) => () => new TextEncoder().encode(t);

  it('keeps objects and resumes a watch across a NATS restart with nothing missed', async () => {
    const s = await open('RESTART');
    const rev = await s.create(key, enc('v1'));
    const w = await s.watch({ resource: 'pods' }, rev);
    await nats.restart();
    const s2 = await open('RESTART');
    const got = await s2.get(key);
    expect(new TextDecoder().decode(got!.value)).toBe('v1');
    const rev2 = await s2.update(key, rev, enc('v2'));
    const rev3 = await s2.update(key, rev2, enc('v3'));
    const events = await take(w, 2, 15_000);
    expect(events.map((e) => e.revision)).toEqual([rev2, rev3]);
    w.stop();
    await s.close();
    await s2.close();
    await (await jetstreamManager(s2.connection)).streams.delete('RESTART');
  });

  it('lets two replicas write to one stream with exact revisions and real conflicts', async () => {
    const a = await open('REPLICAS');
    const b = await open('REPLICAS');
    const keys = Array.from({ length: 40 }, (_, i) => ({ resource: 'services', namespace: 'default', name: `s${i}` }));
    const revs = await Promise.all(keys.map((k, i) => (i % 2 ? a : b).create(k, (rev) => new TextEncoder().encode(String(rev)))));
    expect(new Set(revs).size).toBe(40);
    for (const [i, k] of keys.entries()) {
      const got = await a.get(k);
      expect(new TextDecoder().decode(got!.value)).toBe(String(revs[i]));
    }
    const r = await a.update(keys[0], revs[0], enc('a'));
    await expect(b.update(keys[0], revs[0], enc('b'))).rejects.toThrow(ConflictError);
    expect((await b.get(keys[0]))?.revision).toBe(r);
    await a.close();
    await b.close();
    await (await jetstreamManager(a.connection)).streams.delete('REPLICAS');
  });
});
