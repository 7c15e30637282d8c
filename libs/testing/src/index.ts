// @k8ts/testing: helpers for unit and integration tests. Never import this from production code.
export * from './wait-for';
export * from './free-port';
export * from './process';
export * from './nats-server';
export * from './fake-clock';
export * from './builders';
export * from './app-bundle';
export * from './kubectl';
export * from './apiserver-process';
