// scheduler entry point. This step only provides the pure scheduling core
// (framework/ and plugins/); the informers, scheduling queue, binder, health
// and metrics server (port 10259) are wired here next. Until then the
// process says so and exits.
console.log('k8ts scheduler: scheduling core only; the informer/binder wiring is not there yet');
