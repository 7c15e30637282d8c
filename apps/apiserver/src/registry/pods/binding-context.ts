// Marks the writes made by the pods/binding subresource. The generic store
// has no "binding" subresource, so bindPod runs its guaranteedUpdate inside
// this context and the pod strategy lets exactly those writes change
// spec.nodeName and the PodScheduled condition.
import { AsyncLocalStorage } from 'node:async_hooks';

const bindingWrites = new AsyncLocalStorage<boolean>();

export function runAsBinding<R>(fn: () => Promise<R>): Promise<R> {
  return bindingWrites.run(true, fn);
}

export function isBindingWrite(): boolean {
  return bindingWrites.getStore() === true;
}
