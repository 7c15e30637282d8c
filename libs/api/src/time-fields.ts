// Which fields hold timestamps, and the patches that keep them canonical.
//
// ts-proto turns a google.protobuf.Timestamp field into a string but gives no
// runtime type information, and its binary decoder always produces
// millisecond ISO strings ("...05.000Z"). Kubernetes JSON instead has
// "...05Z" for Time and six fractional digits for MicroTime. The table below
// lists every Timestamp field of proto/k8s.io (proto-conformance.spec.ts checks
// it against the .proto files), and installTimeFields() patches the owning
// messages so that decode, fromJSON and toJSON all produce the canonical
// strings of time.ts.
//
// Decoding also maps the Unix epoch to "unset": Go encodes a zero Time as an
// empty Timestamp message (and Kubernetes never stores 1970-01-01 as a real
// value), so an empty Timestamp from the wire means "no time".
//
// ts-proto converts timestamps through JS Date, which would cut MicroTime to
// milliseconds; for MicroTime fields encode and decode are wrapped to write and
// read the Timestamp {seconds, nanos} themselves, keeping all six digits.

import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  Condition,
  ContainerStateRunning,
  ContainerStateTerminated,
  DeploymentCondition,
  Event,
  EventSeries,
  LeaseSpec,
  ManagedFieldsEntry,
  MessageFns,
  NamespaceCondition,
  NodeCondition,
  ObjectMeta,
  PodCondition,
  PodStatus,
  ReplicaSetCondition,
  Taint,
} from './generated';
import { patchMessage } from './message-patch';
import { canonicalTime, formatInstant, parseInstant, TimePrecision } from './time';

/** The timestamp fields of one message type. */
export interface TimeFieldsEntry {
  /** Fully qualified proto message name. */
  readonly message: string;
  readonly type: MessageFns<never>;
  /** Fields that are meta/v1 Time upstream. */
  readonly time: readonly string[];
  /** Fields that are meta/v1 MicroTime upstream, with their field numbers. */
  readonly micro: Readonly<Record<string, number>>;
}

function entry<T>(
  message: string,
  type: MessageFns<T>,
  time: (keyof T & string)[],
  micro: Partial<Record<keyof T & string, number>> = {},
): TimeFieldsEntry {
  return { message, type: type as unknown as MessageFns<never>, time, micro: micro as Record<string, number> };
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const CORE = 'k8s.io.api.core.v1';

/** Every Timestamp field in proto/k8s.io, by message. */
export const TIME_FIELDS: readonly TimeFieldsEntry[] = [
  entry(`${META}.ObjectMeta`, ObjectMeta, ['creationTimestamp', 'deletionTimestamp']),
  entry(`${META}.ManagedFieldsEntry`, ManagedFieldsEntry, ['time']),
  entry(`${META}.Condition`, Condition, ['lastTransitionTime']),
  entry(`${CORE}.PodStatus`, PodStatus, ['startTime']),
  entry(`${CORE}.PodCondition`, PodCondition, ['lastProbeTime', 'lastTransitionTime']),
  entry(`${CORE}.ContainerStateRunning`, ContainerStateRunning, ['startedAt']),
  entry(`${CORE}.ContainerStateTerminated`, ContainerStateTerminated, ['startedAt', 'finishedAt']),
  entry(`${CORE}.Taint`, Taint, ['timeAdded']),
  entry(`${CORE}.NodeCondition`, NodeCondition, ['lastHeartbeatTime', 'lastTransitionTime']),
  entry(`${CORE}.NamespaceCondition`, NamespaceCondition, ['lastTransitionTime']),
  entry(`${CORE}.Event`, Event, ['firstTimestamp', 'lastTimestamp'], { eventTime: 10 }),
  entry(`${CORE}.EventSeries`, EventSeries, [], { lastObservedTime: 2 }),
  entry('k8s.io.api.apps.v1.ReplicaSetCondition', ReplicaSetCondition, ['lastTransitionTime']),
  entry('k8s.io.api.apps.v1.DeploymentCondition', DeploymentCondition, ['lastUpdateTime', 'lastTransitionTime']),
  entry('k8s.io.api.coordination.v1.LeaseSpec', LeaseSpec, [], { acquireTime: 3, renewTime: 4 }),
];

/** What ts-proto decodes from an empty Timestamp message. */
const EMPTY_TIMESTAMP = '1970-01-01T00:00:00.000Z';

type Fields = [name: string, precision: TimePrecision][];
type Message = Record<string, unknown>;

function canonicalize(target: Message, fields: Fields, fromWire: boolean): void {
  for (const [name, precision] of fields) {
    const value = target[name];
    if (value === undefined || value === null) continue;
    if (fromWire && value === EMPTY_TIMESTAMP) target[name] = undefined;
    else target[name] = canonicalTime(String(value), precision);
  }
}

/** Writes MicroTime fields as exact Timestamps after the rest of the message. */
function encodeMicro(message: Message, writer: BinaryWriter | undefined, micro: [string, number][], original: (m: Message, w?: BinaryWriter) => BinaryWriter): BinaryWriter {
  const rest: Message = { ...message };
  for (const [name] of micro) rest[name] = undefined;
  const w = original(rest, writer);
  for (const [name, no] of micro) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    const { seconds, micros } = parseInstant(String(value));
    w.uint32((no << 3) | WireType.LengthDelimited).fork();
    if (seconds !== 0) w.uint32(8).int64(seconds);
    if (micros !== 0) w.uint32(16).int32(micros * 1000);
    w.join();
  }
  return w;
}

/** After the generated decode, re-reads the MicroTime fields from the same bytes at full precision. */
function decodeMicro(input: BinaryReader | Uint8Array, length: number | undefined, micro: [string, number][], original: (i: BinaryReader, l?: number) => Message): Message {
  const reader = input instanceof BinaryReader ? input : new BinaryReader(input);
  const start = reader.pos;
  const message = original(reader, length);
  const end = reader.pos;
  reader.pos = start;
  while (reader.pos < end) {
    const [no, wireType] = reader.tag();
    const field = micro.find(([, n]) => n === no);
    if (!field || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, no);
      continue;
    }
    const ts = new BinaryReader(reader.bytes());
    let seconds = 0;
    let nanos = 0;
    while (ts.pos < ts.len) {
      const [tno, twt] = ts.tag();
      if (tno === 1 && twt === WireType.Varint) seconds = Number(ts.int64());
      else if (tno === 2 && twt === WireType.Varint) nanos = ts.int32();
      else ts.skip(twt, tno);
    }
    message[field[0]] = seconds === 0 && nanos === 0 ? undefined : formatInstant({ seconds, micros: Math.floor(nanos / 1000) }, 'micro');
  }
  reader.pos = end;
  return message;
}

/** Patches every message of TIME_FIELDS (idempotent; done when @k8ts/api is imported). */
export function installTimeFields(): void {
  for (const e of TIME_FIELDS) {
    const micro = Object.entries(e.micro);
    const fields: Fields = [...e.time.map((f): [string, TimePrecision] => [f, 'time']), ...micro.map(([f]): [string, TimePrecision] => [f, 'micro'])];
    const type = e.type as unknown as MessageFns<Message>;
    patchMessage(type, 'canonical-time', {
      afterDecode(message) {
        canonicalize(message, fields, true);
        return message;
      },
      fromJSON(json, original) {
        const message = original(json);
        canonicalize(message, fields, false);
        return message;
      },
      toJSON(message, original) {
        const out = original(message) as Message;
        canonicalize(out, fields, false);
        return out;
      },
    });
    if (micro.length > 0) {
      patchMessage(type, 'micro-time-precision', {
        encode: (message, writer, original) => encodeMicro(message, writer, micro, original),
        decode: (input, length, original) => decodeMicro(input, length, micro, original),
      });
    }
  }
}
