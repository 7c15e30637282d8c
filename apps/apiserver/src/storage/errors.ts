// Typed storage errors. They say what happened in storage terms; the registry
// maps them to Kubernetes Status errors (AlreadyExists, Conflict, NotFound, Expired).
import type { StorageKey } from './interface';

function describe(key: StorageKey): string {
  return `${key.resource}/${key.namespace ? `${key.namespace}/` : ''}${key.name}`;
}

export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export class KeyExistsError extends StorageError {
  constructor(readonly key: StorageKey, readonly revision: number) {
    super(`key ${describe(key)} already exists at revision ${revision}`);
    this.name = 'KeyExistsError';
  }
}

export class KeyNotFoundError extends StorageError {
  constructor(readonly key: StorageKey) {
    super(`key ${describe(key)} not found`);
    this.name = 'KeyNotFoundError';
  }
}

export class ConflictError extends StorageError {
  constructor(readonly key: StorageKey, readonly expected: number, readonly actual: number) {
    super(`key ${describe(key)} is at revision ${actual}, not ${expected}`);
    this.name = 'ConflictError';
  }
}

export class ExpiredError extends StorageError {
  constructor(readonly requested: number, readonly oldest: number) {
    super(`revision ${requested} is no longer retained (oldest is ${oldest})`);
    this.name = 'ExpiredError';
  }
}

export class StorageUnavailableError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
