// Watch over HTTP: a chunked stream of {"type","object"} JSON lines, one per
// event, from the registry's watch. With a Table Accept each object is a
// one-row Table (column definitions in the first one only). The stream ends
// after timeoutSeconds (default: a random 30-60 minutes, as upstream) or when
// the client goes away. A failed watch (e.g. a compacted resourceVersion)
// ends with an ERROR event carrying the Status.
import { statusForWire } from '@k8ts/apimachinery';
import type { KubeObject } from '../../registry/generic/strategy';
import type { ObjectEvent, ObjectWatch } from '../../registry/generic/watch';
import { parseWatchOptions } from '../query-options';
import { errorStatus } from '../responses';
import { printerFor } from '../tables/printers';
import { buildTable, parseIncludeObject } from '../tables/table';
import { collectionNamespace, objectJSON, type RestContext, wantsTableFor } from './context';

const MIN_REQUEST_TIMEOUT_SECONDS = 1800;

export interface WatchTracker {
  add(close: () => void): void;
  delete(close: () => void): void;
}

export async function handleWatch(ctx: RestContext, tracker: WatchTracker, bookmarkIntervalMs?: number): Promise<void> {
  const opts = parseWatchOptions(ctx.query);
  let fieldSelector = opts.fieldSelector;
  if (ctx.info.name) {
    // A watch of a single object (/pods/{name}?watch=true) is a watch on metadata.name.
    const byName = `metadata.name=${ctx.info.name}`;
    fieldSelector = fieldSelector ? `${fieldSelector},${byName}` : byName;
  }
  const store = ctx.served.registered.store;
  const table = wantsTableFor(ctx);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  const printer = printerFor(ctx.served.resource, ctx.served.group);
  let w: ObjectWatch<KubeObject> | undefined;
  let started = false;
  let finished = false;
  const timer: { handle?: NodeJS.Timeout } = {};
  const res = ctx.res;

  const begin = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer.handle);
    tracker.delete(finish);
    w?.stop();
    begin();
    res.end();
  };
  tracker.add(finish);
  ctx.req.on('close', finish);
  res.on('close', finish);

  try {
    w = await store.watch(collectionNamespace(ctx), { ...opts, fieldSelector, bookmarkIntervalMs });
  } catch (err) {
    if (finished) return;
    const status = errorStatus(err);
    if (status.code !== 410) {
      tracker.delete(finish);
      finished = true;
      throw err;
    }
    // Expired: upstream reports it inside a 200 watch stream.
    begin();
    res.write(JSON.stringify({ type: 'ERROR', object: statusForWire(status) }) + '\n');
    finish();
    return;
  }
  if (finished) {
    w.stop();
    return;
  }
  const timeoutSeconds = opts.timeoutSeconds ?? Math.floor(MIN_REQUEST_TIMEOUT_SECONDS * (1 + Math.random()));
  timer.handle = setTimeout(finish, timeoutSeconds * 1000);
  begin();
  let first = true;
  const encode = (ev: ObjectEvent<KubeObject>): string => {
    if (ev.type === 'BOOKMARK' || !table) {
      const object = ev.type === 'BOOKMARK' ? { kind: ctx.served.kind, apiVersion: apiVersion(ctx), metadata: ev.object.metadata } : objectJSON(ctx, ev.object);
      return JSON.stringify({ type: ev.type, object });
    }
    const object = buildTable({ printer, items: [ev.object], objectJSON: (o) => objectJSON(ctx, o), include, now: ctx.now(), resourceVersion: ev.object.metadata?.resourceVersion, noHeaders: !first });
    first = false;
    return JSON.stringify({ type: ev.type, object });
  };
  try {
    for await (const ev of w) {
      if (finished) break;
      if (!res.write(encode(ev) + '\n')) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
  } catch (err) {
    if (!finished) res.write(JSON.stringify({ type: 'ERROR', object: statusForWire(errorStatus(err)) }) + '\n');
  }
  finish();
}

function apiVersion(ctx: RestContext): string {
  return ctx.served.group ? `${ctx.served.group}/${ctx.served.version}` : ctx.served.version;
}
