// Pod volumes (name, exactly one source) and the container mounts that
// refer to them.
import type { Container, KeyToPath, Volume, VolumeMount, VolumeSource } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  isDNS1123Label,
  notFound,
  required,
} from '@k8ts/apimachinery';
import { validateObjectFieldSelector, validateResourceFieldSelector, VOLUME_FIELD_PATHS } from './env';
import { invalidEach, validateEnum } from './field-helpers';
import { parseQuantityAt } from './resources';

const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const MOUNT_PROPAGATION = ['Bidirectional', 'HostToContainer', 'None'];

function hasBackstep(target: string): boolean {
  return target.split('/').includes('..');
}

/** A path that stays below its base: relative and without '..' elements. */
export function validateLocalDescendingPath(target: string, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(p, target, 'must be a relative path'));
  if (hasBackstep(target)) errs.push(invalid(p, target, "must not contain '..'"));
  return errs;
}

function validateNonReservedPath(target: string, p: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, p);
  if (target.startsWith('..')) errs.push(invalid(p, target, "must not start with '..'"));
  return errs;
}

function validateFileMode(mode: number | undefined, p: FieldPath): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [invalid(p, mode, FILE_MODE_MSG)] : [];
}

function validateKeyToPaths(items: readonly KeyToPath[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((item, i) => {
    const ip = p.index(i);
    if (!item.key) errs.push(required(ip.child('key')));
    if (!item.path) errs.push(required(ip.child('path')));
    else errs.push(...validateNonReservedPath(item.path, ip.child('path')));
    errs.push(...validateFileMode(item.mode, ip.child('mode')));
  });
  return errs;
}

type SourceKind = keyof VolumeSource;

// Each supported source's own checks, in the order upstream considers them.
const SOURCE_CHECKS: [SourceKind, (src: VolumeSource, p: FieldPath) => FieldError[]][] = [
  [
    'emptyDir',
    (s, p) => {
      const limit = s.emptyDir?.sizeLimit;
      if (limit === undefined) return [];
      const { q, errs } = parseQuantityAt(limit, p.child('sizeLimit'));
      if (q && q.sign() < 0) errs.push(forbidden(p.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      return errs;
    },
  ],
  [
    'hostPath',
    (s, p) => {
      const hp = s.hostPath ?? {};
      const errs: FieldError[] = [];
      if (!hp.path) errs.push(required(p.child('path')));
      else if (hasBackstep(hp.path)) errs.push(invalid(p.child('path'), hp.path, "must not contain '..'"));
      errs.push(...validateEnum(hp.type, HOST_PATH_TYPES, p.child('type'), true));
      return errs;
    },
  ],
  [
    'secret',
    (s, p) => [
      ...(s.secret?.secretName ? [] : [required(p.child('secretName'))]),
      ...validateFileMode(s.secret?.defaultMode, p.child('defaultMode')),
      ...validateKeyToPaths(s.secret?.items, p.child('items')),
    ],
  ],
  ['persistentVolumeClaim', (s, p) => (s.persistentVolumeClaim?.claimName ? [] : [required(p.child('claimName'))])],
  [
    'downwardAPI',
    (s, p) => {
      const errs = validateFileMode(s.downwardAPI?.defaultMode, p.child('defaultMode'));
      (s.downwardAPI?.items ?? []).forEach((item, i) => {
        const ip = p.child('items').index(i);
        if (!item.path) errs.push(required(ip.child('path')));
        else errs.push(...validateNonReservedPath(item.path, ip.child('path')));
        errs.push(...validateFileMode(item.mode, ip.child('mode')));
        if (item.fieldRef && item.resourceFieldRef) {
          errs.push(invalid(ip, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
        } else if (item.fieldRef) {
          errs.push(...validateObjectFieldSelector(item.fieldRef, VOLUME_FIELD_PATHS, ip.child('fieldRef')));
        } else if (item.resourceFieldRef) {
          errs.push(...validateResourceFieldSelector(item.resourceFieldRef, ip.child('resourceFieldRef'), true));
        } else {
          errs.push(required(ip, 'one of fieldRef and resourceFieldRef is required'));
        }
      });
      return errs;
    },
  ],
  [
    'configMap',
    (s, p) => [
      ...(s.configMap?.localObjectReference?.name ? [] : [required(p.child('name'))]),
      ...validateFileMode(s.configMap?.defaultMode, p.child('defaultMode')),
      ...validateKeyToPaths(s.configMap?.items, p.child('items')),
    ],
  ],
];

/** Exactly one source; its fields sit directly under the volume's path (`volumes[0].emptyDir`). */
function validateVolumeSource(src: VolumeSource, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [kind, check] of SOURCE_CHECKS) {
    if (!src[kind]) continue;
    if (count++ > 0) errs.push(forbidden(p.child(kind), 'may not specify more than 1 volume type'));
    else errs.push(...check(src, p.child(kind)));
  }
  if (count === 0) errs.push(required(p, 'must specify a volume type'));
  return errs;
}

/** Validates the volumes and returns the names of the valid ones (mounts may only refer to those). */
export function validateVolumes(volumes: readonly Volume[] | undefined, fldPath: FieldPath): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((v, i) => {
    const p = fldPath.index(i);
    const name = v.name ?? '';
    const own = validateVolumeSource(v.volumeSource ?? {}, p);
    if (!name) own.push(required(p.child('name')));
    else own.push(...invalidEach(p.child('name'), name, isDNS1123Label(name)));
    if (names.has(name)) own.push(duplicate(p.child('name'), name));
    if (own.length === 0) names.add(name);
    errs.push(...own);
  });
  return { names, errs };
}

export function validateVolumeMounts(
  mounts: readonly VolumeMount[] | undefined,
  volumes: ReadonlySet<string>,
  container: Container,
  fldPath: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = fldPath.index(i);
    const name = m.name ?? '';
    const mountPath = m.mountPath ?? '';
    if (!name) errs.push(required(p.child('name')));
    if (!volumes.has(name)) errs.push(notFound(p.child('name'), name));
    if (!mountPath) errs.push(required(p.child('mountPath')));
    if (mountPaths.has(mountPath)) errs.push(invalid(p.child('mountPath'), mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, p.child('subPath')));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(p.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, p.child('subPathExpr')));
    }
    if (m.mountPropagation !== undefined) {
      errs.push(...validateEnum(m.mountPropagation, MOUNT_PROPAGATION, p.child('mountPropagation'), false));
      if (m.mountPropagation === 'Bidirectional' && !container.securityContext?.privileged) {
        errs.push(forbidden(p.child('mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
  });
  return errs;
}
