/**
 * Integration test against a real nats-server: events published with
 * headers arrive on wildcard subscriptions with their trace context.
 */
import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Msg, type NatsConnection, connect } from '@nats-io/transport-node';
import { type NatsServerHandle, startNatsServer, waitFor } from '@k8ts/testing';
import { decodeEventHeaders, encodeEventHeaders } from './event-headers';
import { eventSubject, parseEventSubject, resourceWildcard } from './subjects';

jest.setTimeout(30_000);

let server: NatsServerHandle | undefined;
let nc: NatsConnection | undefined;

beforeAll(async () => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});

afterAll(async () => {
  propagation.disable();
  await nc?.close().catch(() => undefined);
  await server?.stop();
});

it('delivers events with headers and trace context to wildcard subscribers', async () => {
  const conn = nc as NatsConnection;
  const all: Msg[] = [];
  const inDefault: Msg[] = [];
  conn.subscribe(resourceWildcard('pods'), { callback: (_err, m) => void all.push(m) });
  conn.subscribe(resourceWildcard('pods', 'default'), { callback: (_err, m) => void inDefault.push(m) });
  await conn.flush();

  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  conn.publish(eventSubject('pods', 'default', 'web.v1-0'), '{"kind":"Pod"}', {
    headers: encodeEventHeaders({ type: 'ADDED', revision: 11, context: ctx }),
  });
  conn.publish(eventSubject('pods', 'kube-system', 'coredns'), '{}', {
    headers: encodeEventHeaders({ type: 'DELETED', revision: 12, context: ROOT_CONTEXT }),
  });
  conn.publish(eventSubject('services', 'default', 'web'), '{}', {
    headers: encodeEventHeaders({ type: 'ADDED', revision: 13 }),
  });

  await waitFor(() => all.length === 2 && inDefault.length === 1, { desc: 'two pod events' });

  const [first, second] = all as [Msg, Msg];
  expect(first.subject).toBe('k8ts.events.pods.default.web%2Ev1-0');
  expect(parseEventSubject(first.subject)).toEqual({ resource: 'pods', namespace: 'default', name: 'web.v1-0' });
  expect(first.string()).toBe('{"kind":"Pod"}');
  const d = decodeEventHeaders(first.headers);
  expect(d).toMatchObject({ type: 'ADDED', revision: '11' });
  expect(trace.getSpanContext(d.context)).toMatchObject({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
  });

  expect(decodeEventHeaders(second.headers)).toMatchObject({ type: 'DELETED', revision: '12' });
  expect(trace.getSpanContext(decodeEventHeaders(second.headers).context)).toBeUndefined();
  expect(inDefault[0]?.subject).toBe(first.subject);
});
