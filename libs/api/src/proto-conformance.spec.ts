// Checks the hand-maintained tables of this library (TIME_FIELDS,
// INLINE_FIELDS) and the proto conventions against proto/k8s.io itself, so
// that adding a field to a .proto cannot silently bypass the JSON fixups.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INLINE_FIELDS, TIME_FIELDS } from './index';

interface ProtoField {
  message: string;
  name: string;
  number: number;
  type: string;
  label: 'optional' | 'repeated' | 'map' | '';
  comment: string;
}

const PROTO_ROOT = join(__dirname, '..', '..', '..', 'proto', 'k8s.io');
const SCALARS = new Set(['string', 'bool', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'double', 'float', 'fixed32', 'fixed64']);

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? protoFiles(join(dir, e.name)) : e.name.endsWith('.proto') ? [join(dir, e.name)] : [],
  );
}

function parseFields(): ProtoField[] {
  const fields: ProtoField[] = [];
  for (const file of protoFiles(PROTO_ROOT)) {
    const text = readFileSync(file, 'utf8');
    const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
    let message: string | undefined;
    for (const line of text.split('\n')) {
      const open = /^message (\w+) \{/.exec(line);
      if (open) message = `${pkg}.${open[1]}`;
      else if (line.startsWith('}')) message = undefined;
      const f = /^\s+(optional |repeated )?(map<[^>]+>|[\w.]+) (\w+) = (\d+)[^;]*;\s*(\/\/.*)?$/.exec(line);
      if (f && message) {
        const label = f[2].startsWith('map<') ? 'map' : ((f[1]?.trim() ?? '') as ProtoField['label']);
        fields.push({ message, name: f[3], number: +f[4], type: f[2], label, comment: f[5] ?? '' });
      }
    }
  }
  return fields;
}

const fields = parseFields();

describe('proto/k8s.io conventions', () => {
  it('parses a plausible number of fields', () => {
    expect(fields.length).toBeGreaterThan(500);
  });

  it('marks every singular scalar field optional (keeps presence like proto2)', () => {
    const bare = fields.filter((f) => SCALARS.has(f.type) && f.label === '').map((f) => `${f.message}.${f.name}`);
    expect(bare).toEqual([]);
  });

  it('never uses the upstream Time, MicroTime or Quantity messages', () => {
    const banned = fields.filter((f) => /(^|\.)(Time|MicroTime|Quantity)\b/.test(f.type)).map((f) => `${f.message}.${f.name}`);
    expect(banned).toEqual([]);
  });
});

describe('TIME_FIELDS', () => {
  const fromProto = fields
    .filter((f) => f.type === 'google.protobuf.Timestamp')
    .map((f) => `${f.message}.${f.name}=${f.number}:${/MicroTime/.test(f.comment) ? 'micro' : 'time'}`)
    .sort();

  it('lists exactly the Timestamp fields of the protos, with the right precision', () => {
    const table = TIME_FIELDS.flatMap((e) => {
      const time = e.time.map((name) => `${e.message}.${name}=${fields.find((f) => f.message === e.message && f.name === name)?.number}:time`);
      const micro = Object.entries(e.micro).map(([name, number]) => `${e.message}.${name}=${number}:micro`);
      return [...time, ...micro];
    }).sort();
    expect(table).toEqual(fromProto);
  });
});

describe('INLINE_FIELDS', () => {
  it.each(INLINE_FIELDS.map((f) => ({ desc: `${f.message}.${f.field}`, ...f })))('$desc is a message field of the proto', ({ message, field }) => {
    const f = fields.find((x) => x.message === message && x.name === field);
    expect(f).toBeDefined();
    expect(SCALARS.has(f?.type ?? '')).toBe(false);
    expect(f?.label).toBe('');
  });

  it('covers every field documented as inlined', () => {
    const documented = [...protoFiles(PROTO_ROOT).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
      return [...text.matchAll(/\/\/[^\n]*\b(\w+) is inlined in JSON[^\n]*\n(?:\/\/[^\n]*\n)*message (\w+)/g)].map((m) => `${pkg}.${m[2]}.${m[1]}`);
    })].sort();
    expect(INLINE_FIELDS.map((f) => `${f.message}.${f.field}`).sort()).toEqual(documented);
  });
});
