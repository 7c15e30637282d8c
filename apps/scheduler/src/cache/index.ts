// The scheduler cache: nodes, assigned and assumed pods, snapshots.
export * from './scheduler-cache';
