// Scheduler metrics and the health/metrics HTTP server.
export * from './http-server';
export * from './scheduler-metrics';
