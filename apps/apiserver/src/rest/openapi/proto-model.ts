// Reads proto/k8s.io/**/*.proto into a compact field model: for every
// message, its fields with type and label. gen-proto-schemas.ts writes the
// result into proto-schemas.generated.ts (the apiserver bundle cannot read
// the .proto files at run time); proto-schemas.spec.ts checks it is current.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** [type (fully qualified for messages), label: '' single, 'r' repeated, 'm' map<string, type>] */
export type ProtoFieldSpec = readonly [type: string, label: '' | 'r' | 'm'];
export type ProtoModel = Record<string, Record<string, ProtoFieldSpec>>;

const SCALARS = new Set(['string', 'bool', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'double', 'float', 'fixed32', 'fixed64']);

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? protoFiles(join(dir, e.name)) : e.name.endsWith('.proto') ? [join(dir, e.name)] : []))
    .sort();
}

export function readProtoModel(root: string): ProtoModel {
  const raw: { pkg: string; message: string; name: string; type: string; label: '' | 'r' | 'm' }[] = [];
  const messages = new Set<string>();
  for (const file of protoFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const pkg = /^package ([\w.]+);/m.exec(text)?.[1] ?? '';
    let message: string | undefined;
    for (const line of text.split('\n')) {
      const open = /^message (\w+) \{/.exec(line);
      if (open) {
        message = `${pkg}.${open[1]}`;
        messages.add(message);
        continue;
      }
      if (line.startsWith('}')) message = undefined;
      const f = /^\s+(optional |repeated )?(map<\s*string\s*,\s*([\w.]+)\s*>|[\w.]+) (\w+) = (\d+)[^;]*;/.exec(line);
      if (!f || !message) continue;
      const isMap = f[2].startsWith('map<');
      raw.push({ pkg, message, name: f[4], type: isMap ? f[3] : f[2], label: isMap ? 'm' : f[1]?.trim() === 'repeated' ? 'r' : '' });
    }
  }
  const model: ProtoModel = {};
  for (const m of [...messages].sort()) model[m] = {};
  for (const f of raw) {
    let type = f.type;
    if (!SCALARS.has(type) && !type.startsWith('google.protobuf.')) {
      const local = `${f.pkg}.${type}`;
      type = messages.has(local) ? local : type;
    }
    model[f.message][f.name] = [type, f.label];
  }
  return model;
}
