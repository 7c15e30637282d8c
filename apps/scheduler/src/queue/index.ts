// The scheduling queue and the cluster events that move parked pods.
export * from './cluster-events';
export * from './scheduling-queue';
