// @k8ts/eventbus: NATS subjects, event headers and trace-context propagation (contract: docs/architecture.md).
export * from './subjects';
export * from './event-headers';
export * from './trace-context';
export * from './jetstream-watch';
export { connectWithRetry, type ConnectWithRetryOptions } from './connect';
