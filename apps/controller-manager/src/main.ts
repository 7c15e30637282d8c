// controller-manager entry point (scaffold; replaced when the service lands).
import { telemetry } from './telemetry';

void telemetry;
console.error('controller-manager: not implemented yet');
process.exit(1);
