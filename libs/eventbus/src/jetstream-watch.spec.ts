/**
 * watchStream against a real nats-server: order, filters, headers, Expired,
 * bookmarks, NATS restarts (the ordered consumer recreates itself from the
 * last delivered sequence), and failure when the consumer dies for good.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { type NatsServerHandle, startNatsServer, waitFor } from '@k8ts/testing';
import {
  COMPACTED_REVISION_SUBJECT,
  HEADER_PREV_REVISION,
  readCompactedRevision,
  type StreamChange,
  type StreamWatch,
  type StreamWatchEvent,
  WatchExpiredError,
  WatchFailedError,
  watchStream,
} from './jetstream-watch';
import { eventSubject, resourceWildcard } from './subjects';

jest.setTimeout(60_000);

const STREAM = 'WATCHTEST';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let server: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const watches: StreamWatch[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAM, subjects: ['k8ts.events.>', 'k8ts.meta.>'], storage: 'file', allow_direct: true });
});

afterEach(() => {
  for (const w of watches.splice(0)) w.stop();
});

afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await server?.stop();
});

async function write(
  type: 'ADDED' | 'MODIFIED' | 'DELETED',
  resource: string,
  namespace: string | undefined,
  name: string,
  opts: { prev?: number; traceparent?: string } = {},
): Promise<number> {
  const h = natsHeaders();
  h.set('k8ts-type', type);
  h.set(HEADER_PREV_REVISION, String(opts.prev ?? 0));
  if (opts.traceparent) h.set('traceparent', opts.traceparent);
  const body = JSON.stringify({ metadata: { name, namespace } });
  const ack = await js.publish(eventSubject(resource, namespace, name), body, { headers: h });
  return ack.seq;
}

async function head(): Promise<number> {
  return (await jsm.streams.info(STREAM)).state.last_seq;
}

async function open(fromRevision: number, filter = resourceWildcard('pods'), extra: Partial<Parameters<typeof watchStream>[1]> = {}) {
  const w = await watchStream(nc, { stream: STREAM, filter, fromRevision, ...extra });
  watches.push(w);
  return w;
}

/** Takes `n` events (bookmarks skipped unless asked for) or fails after timeoutMs. */
async function take(w: StreamWatch, n: number, timeoutMs = 5000, bookmarks = false): Promise<StreamWatchEvent[]> {
  const it = w[Symbol.asyncIterator]();
  const out: StreamWatchEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`timed out with ${out.length}/${n} events: ${JSON.stringify(out.map(brief))}`);
    if (next.done) throw new Error(`watch ended after ${out.length}/${n} events`);
    if (next.value.type === 'BOOKMARK' && !bookmarks) continue;
    out.push(next.value);
  }
  return out;
}

/** Resolves to the iteration's error (or 'ended'/'timeout'). */
async function outcome(w: StreamWatch, timeoutMs: number): Promise<unknown> {
  const it = w[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const next = await Promise.race([
        it.next(),
        new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())))),
      ]);
      if (next === 'timeout') return 'timeout';
      if (next.done) return 'ended';
    } catch (err) {
      return err;
    } finally {
      clearTimeout(timer);
    }
  }
}

function brief(e: StreamWatchEvent): unknown {
  return e.type === 'BOOKMARK' ? ['BOOKMARK', e.revision] : [e.type, e.subject, e.revision];
}

it('delivers every matching change after the revision, in order, with headers and trace context', async () => {
  const a = await write('ADDED', 'pods', 'default', 'a');
  const w = await open(a);
  await write('ADDED', 'services', 'default', 'a');
  const a2 = await write('MODIFIED', 'pods', 'default', 'a', { prev: a, traceparent: TRACEPARENT });
  const b = await write('ADDED', 'pods', 'kube-system', 'node-1.example.com');
  const del = await write('DELETED', 'pods', 'default', 'a', { prev: a2 });
  const events = (await take(w, 3)) as StreamChange[];
  expect(events.map((e) => [e.type, e.subject, e.revision, e.prevRevision])).toEqual([
    ['MODIFIED', 'k8ts.events.pods.default.a', a2, a],
    ['ADDED', 'k8ts.events.pods.kube-system.node-1%2Eexample%2Ecom', b, 0],
    ['DELETED', 'k8ts.events.pods.default.a', del, a2],
  ]);
  expect(events[0].trace).toEqual({ traceparent: TRACEPARENT });
  expect(events[0].headers?.get('k8ts-type')).toBe('MODIFIED');
  expect(JSON.parse(new TextDecoder().decode(events[1].data))).toEqual({ metadata: { name: 'node-1.example.com', namespace: 'kube-system' } });
  expect(w.progress).toBe(del);
});

it('replays retained history for a namespace filter', async () => {
  const from = await head();
  const x1 = await write('ADDED', 'pods', 'ns1', 'x');
  await write('ADDED', 'pods', 'ns2', 'x');
  const x2 = await write('MODIFIED', 'pods', 'ns1', 'x', { prev: x1 });
  const w = await open(from, resourceWildcard('pods', 'ns1'));
  expect((await take(w, 2)).map((e) => e.revision)).toEqual([x1, x2]);
});

it('sends bookmarks past unrelated writes, never ahead of a matching change', async () => {
  const w = await open(await head(), resourceWildcard('pods', 'quiet'), { bookmarkIntervalMs: 50 });
  const unrelated = await write('ADDED', 'services', 'quiet', 's');
  let progress = 0;
  const deadline = Date.now() + 5000;
  while (progress < unrelated) {
    expect(Date.now()).toBeLessThan(deadline);
    const [e] = await take(w, 1, 5000, true);
    expect(e.type).toBe('BOOKMARK');
    progress = e.revision;
  }
  const p = await write('ADDED', 'pods', 'quiet', 'p');
  const rest = await take(w, 1, 5000, true);
  // Whatever comes first, no bookmark may claim the change before it was delivered.
  const first = rest[0];
  if (first.type === 'BOOKMARK') expect(first.revision).toBeLessThan(p);
  else expect(first.revision).toBe(p);
});

describe('compaction', () => {
  afterEach(async () => {
    await jsm.streams.purge(STREAM, { filter: COMPACTED_REVISION_SUBJECT });
  });

  it('rejects a watch from before the compacted revision with a typed WatchExpiredError', async () => {
    const r = await write('ADDED', 'pods', 'compact', 'a');
    await js.publish(COMPACTED_REVISION_SUBJECT, String(r));
    expect(await readCompactedRevision(jsm, STREAM)).toBe(r);
    const err = await watchStream(nc, { stream: STREAM, filter: resourceWildcard('pods'), fromRevision: r - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatchExpiredError);
    expect(err).toMatchObject({ name: 'WatchExpiredError', requested: r - 1, oldest: r });
    const ok = await open(r);
    ok.stop();
  });

  it('fails a running watch when compaction overtakes the progress it has verified', async () => {
    const from = await head();
    const w = await open(from, resourceWildcard('pods', 'overtaken'), { compactionCheckIntervalMs: 50 });
    // A compaction marker beyond anything the watch could have verified.
    await js.publish(COMPACTED_REVISION_SUBJECT, String(from + 1000));
    const err = await outcome(w, 5000);
    expect(err).toBeInstanceOf(WatchExpiredError);
    expect((err as WatchExpiredError).oldest).toBe(from + 1000);
  });

  it('keeps an idle watch alive across compactions behind its verified progress', async () => {
    const w = await open(await head(), resourceWildcard('pods', 'idle'), { compactionCheckIntervalMs: 50 });
    for (let i = 0; i < 3; i++) {
      await write('ADDED', 'services', 'idle', `s${i}`);
      const behind = await head();
      await waitFor(() => w.progress >= behind, { desc: 'progress verified past unrelated writes' });
      await js.publish(COMPACTED_REVISION_SUBJECT, String(behind));
    }
    const p = await write('ADDED', 'pods', 'idle', 'p');
    expect((await take(w, 1)).map((e) => e.revision)).toEqual([p]);
  });
});

describe('NATS restarts', () => {
  it.each([
    { signal: 'SIGTERM' as const, label: 'a clean restart' },
    { signal: 'SIGKILL' as const, label: 'a crash (kill -9)' },
  ])('resumes after $label with nothing lost or repeated', async ({ signal }) => {
    const ns = `restart-${signal.toLowerCase()}`;
    const w = await open(await head(), resourceWildcard('pods', ns));
    const before = [await write('ADDED', 'pods', ns, 'a'), await write('ADDED', 'pods', ns, 'b')];
    expect((await take(w, 2)).map((e) => e.revision)).toEqual(before);

    await server.restart({ signal });
    const after: number[] = [];
    for (const name of ['c', 'd', 'e']) {
      after.push(
        await waitFor(
          async () => {
            try {
              return await write('ADDED', 'pods', ns, name);
            } catch {
              return 0;
            }
          },
          { timeoutMs: 20_000, intervalMs: 100, desc: `write ${name} after the NATS restart` },
        ),
      );
    }
    const events = await take(w, 3, 30_000);
    expect(events.map((e) => e.revision)).toEqual(after);
    // And nothing after them: a write that follows comes next, not a repeat.
    const f = await write('ADDED', 'pods', ns, 'f');
    expect((await take(w, 1, 10_000)).map((e) => e.revision)).toEqual([f]);
  });
});

describe('failures', () => {
  it('fails the iteration with WatchFailedError when the connection closes', async () => {
    const other = await connect({ servers: server.url });
    const w = await watchStream(other, { stream: STREAM, filter: resourceWildcard('pods'), fromRevision: await head() });
    watches.push(w);
    await other.close();
    const err = await outcome(w, 5000);
    expect(err).toBeInstanceOf(WatchFailedError);
    expect(err).toMatchObject({ name: 'WatchFailedError', filter: 'k8ts.events.pods.>' });
  });

  it('fails the iteration with WatchFailedError when the stream is deleted', async () => {
    await jsm.streams.add({ name: 'DOOMED', subjects: ['doomed.>'], storage: 'memory', allow_direct: true });
    const seq = (await js.publish('doomed.a', 'x')).seq;
    const w = await watchStream(nc, { stream: 'DOOMED', filter: 'doomed.>', fromRevision: seq - 1 });
    watches.push(w);
    expect((await take(w, 1)).map((e) => e.revision)).toEqual([seq]);
    await jsm.streams.delete('DOOMED');
    const err = await outcome(w, 30_000);
    expect(err).toBeInstanceOf(WatchFailedError);
  });

  it('rejects with WatchFailedError when the stream does not exist', async () => {
    await expect(watchStream(nc, { stream: 'MISSING', filter: 'k8ts.events.>', fromRevision: 0 })).rejects.toBeInstanceOf(WatchFailedError);
  });

  it('ends the iteration cleanly on stop() and on abort', async () => {
    const w = await open(await head());
    w.stop();
    expect(await outcome(w, 1000)).toBe('ended');
    const ac = new AbortController();
    const w2 = await open(await head(), resourceWildcard('pods'), { signal: ac.signal });
    ac.abort();
    expect(await outcome(w2, 1000)).toBe('ended');
  });
});
