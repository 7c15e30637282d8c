// Watch over HTTP: JSON lines per event, WatchList initial events ending in
// the initial-events-end bookmark, Table events, Expired and timeouts.
import { waitFor } from '@k8ts/testing';
import { startRestHarness, type RestHarness } from './testing/rest-harness';

let h: RestHarness;
beforeEach(async () => {
  h = await startRestHarness();
});
afterEach(async () => {
  await h.stop();
});

interface WatchLine {
  type: string;
  object: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> } };
}

/** Opens a watch and collects its events until stop() or the server ends it. */
async function openWatch(path: string, accept = 'application/json') {
  const ctrl = new AbortController();
  const res = await fetch(`${h.url}${path}`, { headers: { accept }, signal: ctrl.signal });
  const events: WatchLine[] = [];
  let ended = false;
  const done = (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)) as WatchLine);
          buf = buf.slice(nl + 1);
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return { res, events, ended: () => ended, stop: async () => { ctrl.abort(); await done; }, done };
}

const pod = (name: string, labels: Record<string, string> = { app: 'web' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'main', image: 'k8ts/echo' }] },
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { metadata: { resourceVersion: string } };
}

async function patchLabels(name: string, labels: Record<string, string>) {
  await fetch(`${h.url}/api/v1/namespaces/default/pods/${name}`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ metadata: { labels } }) });
}

it('streams ADDED, MODIFIED and DELETED as chunked JSON lines', async () => {
  const listed = await (await fetch(`${h.url}/api/v1/namespaces/default/pods`)).json() as { metadata: { resourceVersion: string } };
  const w = await openWatch(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${listed.metadata.resourceVersion}`);
  expect(w.res.status).toBe(200);
  expect(w.res.headers.get('transfer-encoding')).toBe('chunked');
  await post('/api/v1/namespaces/default/pods', pod('a'));
  await patchLabels('a', { v: '2' });
  await fetch(`${h.url}/api/v1/namespaces/default/pods/a`, { method: 'DELETE' });
  await waitFor(() => w.events.length >= 3, { timeoutMs: 10_000, desc: 'three events' });
  expect(w.events.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata?.name}`)).toEqual(['ADDED Pod a', 'MODIFIED Pod a', 'DELETED Pod a']);
  await w.stop();
});

it('sends the initial state then the initial-events-end bookmark for WatchList', async () => {
  await post('/api/v1/namespaces/default/pods', pod('x'));
  await post('/api/v1/namespaces/default/pods', pod('y'));
  const w = await openWatch('/api/v1/namespaces/default/pods?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dx&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=30&watch=true');
  await waitFor(() => w.events.length >= 2, { timeoutMs: 10_000, desc: 'initial events' });
  expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'x' } } });
  expect(w.events[1].type).toBe('BOOKMARK');
  expect(w.events[1].object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  await w.stop();
});

it('rejects sendInitialEvents without resourceVersionMatch=NotOlderThan', async () => {
  const res = await fetch(`${h.url}/api/v1/pods?watch=true&sendInitialEvents=true`);
  expect(res.status).toBe(400);
  expect(((await res.json()) as { reason: string }).reason).toBe('BadRequest');
});

it('sends one-row Tables with the column definitions in the first event only', async () => {
  const w = await openWatch('/api/v1/namespaces/default/pods?watch=true', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
  await post('/api/v1/namespaces/default/pods', pod('t'));
  await patchLabels('t', { v: '2' });
  await waitFor(() => w.events.length >= 2, { timeoutMs: 10_000, desc: 'two table events' });
  const [first, second] = w.events;
  expect(first.object.kind).toBe('Table');
  expect((first.object.columnDefinitions as unknown[]).length).toBeGreaterThan(0);
  expect((second.object.columnDefinitions as unknown[]).length).toBe(0);
  expect((second.object.rows as { cells: unknown[] }[])[0].cells[0]).toBe('t');
  await w.stop();
});

it('ends a watch from a compacted resourceVersion with an Expired ERROR event', async () => {
  const first = await post('/api/v1/namespaces/default/pods', pod('old'));
  await patchLabels('old', { v: '2' });
  await patchLabels('old', { v: '3' });
  await h.storage.compact(Number(first.metadata.resourceVersion) + 2);
  const w = await openWatch(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
  await w.done;
  expect(w.events).toHaveLength(1);
  expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'Expired', code: 410 } });
});

it('ends the stream after timeoutSeconds', async () => {
  const w = await openWatch('/api/v1/pods?watch=true&timeoutSeconds=1');
  await waitFor(() => w.ended(), { timeoutMs: 10_000, desc: 'watch ended by the server' });
  expect(h.api.openWatches).toBe(0);
});

it('watches one object by name (/pods/{name}?watch=true)', async () => {
  await post('/api/v1/namespaces/default/pods', pod('one'));
  await post('/api/v1/namespaces/default/pods', pod('two'));
  const w = await openWatch('/api/v1/namespaces/default/pods/one?watch=true');
  await patchLabels('two', { v: '2' });
  await patchLabels('one', { v: '2' });
  await waitFor(() => w.events.length >= 2, { timeoutMs: 10_000, desc: 'events of one' });
  expect(w.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED one', 'MODIFIED one']);
  await w.stop();
});

it('releases the store watch when the client goes away', async () => {
  const w = await openWatch('/api/v1/pods?watch=true');
  await waitFor(() => h.api.openWatches === 1, { timeoutMs: 5000, desc: 'watch open' });
  await w.stop();
  await waitFor(() => h.api.openWatches === 0, { timeoutMs: 5000, desc: 'watch released after the client left' });
});
