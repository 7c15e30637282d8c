// @k8ts/testing: helpers for unit and integration tests. Never import this from production code.
export * from './wait-for';
export * from './free-port';
export * from './process';
export * from './nats-server';
export * from './fake-clock';
// Object builders (newPod, newService…) live in ./builders and are exported here by their owner.
