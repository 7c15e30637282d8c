// Kubernetes timestamps as strings.
//
// Fields that are meta/v1 Time or MicroTime upstream are google.protobuf.Timestamp
// in our protos, and ts-proto (useDate=string) keeps them as strings. This file
// defines the canonical string forms, which are exactly what Kubernetes writes
// in JSON, and converts anything RFC 3339 into them:
//   Time       "2024-01-02T03:04:05Z"         (UTC, whole seconds; Kubernetes
//                                               drops sub-second precision)
//   MicroTime  "2024-01-02T03:04:05.123456Z"  (UTC, always six digits)
// In memory, objects produced by this library always hold canonical strings
// (see time-fields.ts for where that is enforced).

import { MalformedObjectError } from './errors';

/** Precision of a timestamp field: meta/v1 Time or meta/v1 MicroTime. */
export type TimePrecision = 'time' | 'micro';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** A parsed instant: whole seconds since the epoch plus a microsecond part. */
export interface Instant {
  seconds: number;
  micros: number;
}

/** Parses an RFC 3339 timestamp (any offset, up to nanosecond digits); throws MalformedObjectError. */
export function parseInstant(value: string): Instant {
  const m = RFC3339.exec(value);
  if (!m) throw new MalformedObjectError(`invalid RFC 3339 timestamp ${JSON.stringify(value)}`);
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  const date = new Date(Date.UTC(2000, +month - 1, +day, +hour, +minute, +second));
  date.setUTCFullYear(+year); // Date.UTC maps years 0-99 to 19xx
  if (+month < 1 || +month > 12 || +hour > 23 || +minute > 59 || +second > 59 || date.getUTCDate() !== +day) {
    throw new MalformedObjectError(`invalid RFC 3339 timestamp ${JSON.stringify(value)}`);
  }
  let offsetSeconds = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetSeconds = sign * (+zone.slice(1, 3) * 3600 + +zone.slice(4, 6) * 60);
  }
  const micros = fraction ? +fraction.padEnd(6, '0').slice(0, 6) : 0;
  return { seconds: date.getTime() / 1000 - offsetSeconds, micros };
}

/** Formats an instant in the canonical form of the given precision. */
export function formatInstant(instant: Instant, precision: TimePrecision): string {
  const base = new Date(instant.seconds * 1000).toISOString().slice(0, 19);
  if (precision === 'time') return `${base}Z`;
  return `${base}.${String(instant.micros).padStart(6, '0')}Z`;
}

/** Canonical Kubernetes Time string ("...T03:04:05Z") for any RFC 3339 input. */
export function formatTime(value: string): string {
  return formatInstant(parseInstant(value), 'time');
}

/** Canonical Kubernetes MicroTime string ("...T03:04:05.123456Z") for any RFC 3339 input. */
export function formatMicroTime(value: string): string {
  return formatInstant(parseInstant(value), 'micro');
}

/** Canonical string of the given precision. */
export function canonicalTime(value: string, precision: TimePrecision): string {
  return formatInstant(parseInstant(value), precision);
}

/** A Date (or epoch milliseconds) as a Kubernetes Time string. */
export function timeFromDate(date: Date | number): string {
  return formatInstant(instantFromMillis(typeof date === 'number' ? date : date.getTime()), 'time');
}

/** A Date (or epoch milliseconds) as a Kubernetes MicroTime string (millisecond resolution). */
export function microTimeFromDate(date: Date | number): string {
  return formatInstant(instantFromMillis(typeof date === 'number' ? date : date.getTime()), 'micro');
}

/** The current time as a Kubernetes Time string. */
export function nowTime(): string {
  return timeFromDate(Date.now());
}

/** The current time as a Kubernetes MicroTime string. */
export function nowMicroTime(): string {
  return microTimeFromDate(Date.now());
}

/** Milliseconds since the epoch of an RFC 3339 string (sub-millisecond digits are dropped). */
export function timeToMillis(value: string): number {
  const { seconds, micros } = parseInstant(value);
  return seconds * 1000 + Math.floor(micros / 1000);
}

function instantFromMillis(millis: number): Instant {
  if (!Number.isFinite(millis)) throw new MalformedObjectError(`invalid time value ${millis}`);
  const seconds = Math.floor(millis / 1000);
  return { seconds, micros: Math.round((millis - seconds * 1000) * 1000) };
}
