// pods/log and pods/exec, proxied to the pod's kubelet API.
export { type KubeletTarget } from './kubelet-target';
export { proxyPodLog, validatePodLogOptions } from './pod-log';
export { proxyPodExecUpgrade, validatePodExecOptions } from './pod-exec';
export { writeStatusToSocket } from './socket-status';
