import {
  canonicalTime,
  formatMicroTime,
  formatTime,
  MalformedObjectError,
  microTimeFromDate,
  nowMicroTime,
  nowTime,
  parseInstant,
  timeFromDate,
  timeToMillis,
} from './index';

describe('time', () => {
  it.each([
    { desc: 'already canonical', input: '2024-01-02T03:04:05Z', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.000000Z' },
    { desc: 'ts-proto millis', input: '2024-01-02T03:04:05.000Z', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.000000Z' },
    { desc: 'microseconds', input: '2024-01-02T03:04:05.123456Z', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.123456Z' },
    { desc: 'nanoseconds are cut', input: '2024-01-02T03:04:05.123456789Z', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.123456Z' },
    { desc: 'positive offset', input: '2024-01-02T05:34:05+02:30', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.000000Z' },
    { desc: 'negative offset across midnight', input: '2024-01-01T22:04:05.5-05:00', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.500000Z' },
    { desc: 'lower-case t and z', input: '2024-01-02t03:04:05z', time: '2024-01-02T03:04:05Z', micro: '2024-01-02T03:04:05.000000Z' },
    { desc: 'a leap day', input: '2024-02-29T00:00:00Z', time: '2024-02-29T00:00:00Z', micro: '2024-02-29T00:00:00.000000Z' },
    { desc: 'Go zero time', input: '0001-01-01T00:00:00Z', time: '0001-01-01T00:00:00Z', micro: '0001-01-01T00:00:00.000000Z' },
  ])('canonicalises $desc', ({ input, time, micro }) => {
    expect(formatTime(input)).toBe(time);
    expect(formatMicroTime(input)).toBe(micro);
    expect(canonicalTime(input, 'time')).toBe(time);
  });

  it.each([
    { desc: 'a date only', input: '2024-01-02' },
    { desc: 'no zone', input: '2024-01-02T03:04:05' },
    { desc: 'February 30th', input: '2024-02-30T00:00:00Z' },
    { desc: 'Feb 29th in a common year', input: '2023-02-29T00:00:00Z' },
    { desc: 'month 13', input: '2024-13-01T00:00:00Z' },
    { desc: 'hour 24', input: '2024-01-01T24:00:00Z' },
    { desc: 'free text', input: 'yesterday' },
  ])('rejects $desc', ({ input }) => {
    expect(() => parseInstant(input)).toThrow(MalformedObjectError);
  });

  it('converts Dates and milliseconds', () => {
    const millis = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    expect(timeFromDate(new Date(millis))).toBe('2024-01-02T03:04:05Z');
    expect(microTimeFromDate(millis)).toBe('2024-01-02T03:04:05.678000Z');
    expect(timeToMillis('2024-01-02T03:04:05.678999Z')).toBe(millis);
    expect(() => timeFromDate(new Date(NaN))).toThrow(MalformedObjectError);
  });

  it('formats the current time', () => {
    expect(nowTime()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(nowMicroTime()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });
});
