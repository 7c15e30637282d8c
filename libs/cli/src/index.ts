// @k8ts/cli: command-line helpers shared by the k8ts programs.
export * from './parse-options';
export * from './health-server';
