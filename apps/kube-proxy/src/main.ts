// kube-proxy entry point (scaffold; replaced when the service lands).
import { telemetry } from './telemetry';

void telemetry;
console.error('kube-proxy: not implemented yet');
process.exit(1);
