// endpoints-controller entry point. This step provides the pure reconcile
// core (endpoints/, endpointslices/, controller/); the informers, workqueue
// workers, leader election and the health/metrics server (port 10258) are
// wired here next. Until then the process says so and exits.
console.log('k8ts endpoints-controller: reconcile core only; wiring arrives with the informers');
