// Spans on disk: one JSON SpanRecord per line, appended by the collector and
// read by the trace CLI. The file is bounded: past maxBytes it is rotated to
// <file>.1 (the previous generation), so two generations are kept at most.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SpanRecord } from './otlp-json';

/** Where `npm start` collects spans (relative to the workspace root). */
export const DEFAULT_SPAN_FILE = join('.k8ts', 'traces', 'spans.jsonl');

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class SpanFile {
  constructor(
    readonly file: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  append(spans: SpanRecord[]): void {
    if (spans.length === 0) return;
    mkdirSync(dirname(this.file), { recursive: true });
    if (existsSync(this.file) && statSync(this.file).size > this.maxBytes) renameSync(this.file, `${this.file}.1`);
    appendFileSync(this.file, spans.map((s) => JSON.stringify(s)).join('\n') + '\n');
  }

  /** Every stored span, older generation first. Unparseable lines (a torn write) are skipped. */
  readAll(): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (const f of [`${this.file}.1`, this.file]) {
      if (!existsSync(f)) continue;
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          out.push(JSON.parse(line) as SpanRecord);
        } catch {
          /* partial line */
        }
      }
    }
    return out;
  }
}
