// kubelet entry point (wiring lands with the pod workers).
console.log('k8ts kubelet: runtime, probes and node registration are built; the pod-worker wiring lands next');
