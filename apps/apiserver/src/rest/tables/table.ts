// meta.k8s.io/v1 Table: what the apiserver returns when a client asks for
// `as=Table;g=meta.k8s.io;v=v1` (kubectl get). Each resource has a printer
// that gives its columns and the cells of one object.
import { type ObjectMeta, toJSON } from '@k8ts/api';

export type Cell = string | number | boolean;

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export interface TablePrinter<T = unknown> {
  columns: ColumnDefinition[];
  cells(obj: T, now: Date): Cell[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: Cell[];
  object?: Record<string, unknown>;
}

export function column(name: string, type: ColumnDefinition['type'], description: string, opts: { format?: string; priority?: number } = {}): ColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const NAME_COLUMN = column('Name', 'string', 'Name must be unique within a namespace.', { format: 'name' });
export const AGE_COLUMN = column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === 'None' || value === 'Object') return value;
  return 'Metadata';
}

/** The row's embedded object: PartialObjectMetadata (only the metadata is encoded), the full object or nothing. */
export function rowObject<T extends { metadata?: ObjectMeta }>(include: IncludeObject, obj: T, objectJSON: (obj: T) => Record<string, unknown>): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return objectJSON(obj);
  return toJSON('PartialObjectMetadata', { metadata: obj.metadata ?? {} }) as Record<string, unknown>;
}

export interface TableInput<T> {
  printer: TablePrinter<T>;
  items: T[];
  /** Kubernetes JSON of an item (for includeObject=Object). */
  objectJSON: (obj: T) => Record<string, unknown>;
  include: IncludeObject;
  now: Date;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  /** Leave out the column definitions (later watch events). */
  noHeaders?: boolean;
}

export function buildTable<T extends { metadata?: ObjectMeta }>(input: TableInput<T>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (input.resourceVersion) metadata.resourceVersion = input.resourceVersion;
  if (input.continueToken) metadata.continue = input.continueToken;
  if (input.remainingItemCount) metadata.remainingItemCount = input.remainingItemCount;
  const rows: TableRow[] = input.items.map((obj) => {
    const row: TableRow = { cells: input.printer.cells(obj, input.now) };
    const embedded = rowObject(input.include, obj, input.objectJSON);
    if (embedded) row.object = embedded;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: input.noHeaders ? [] : input.printer.columns,
    rows,
  };
}

/** Kubernetes' "<none>" for empty cells. */
export function orNone(v: string | undefined | null): string {
  return v ? v : '<none>';
}

export function labelsString(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}
