// Work queues and rate limiters for controllers, after client-go's util/workqueue.
export { type Clock, realClock, type TimerHandle } from './clock';
export type { WorkQueueMetrics } from './metrics';
export { otelWorkQueueMetrics } from './otel-metrics';
export { WorkQueue, type WorkQueueOptions } from './queue';
export { DelayingQueue } from './delaying-queue';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './rate-limiting-queue';
export type { RateLimiter } from './rate-limiter';
export { ItemExponentialFailureRateLimiter } from './item-exponential-failure-rate-limiter';
export { ItemFastSlowRateLimiter } from './item-fast-slow-rate-limiter';
export { BucketRateLimiter } from './bucket-rate-limiter';
export { MaxOfRateLimiter } from './max-of-rate-limiter';
export { defaultControllerRateLimiter, defaultItemBasedRateLimiter } from './default-rate-limiters';
export { runWorkers, type RunWorkersOptions, type StopWorkers, type WorkerHandler, type WorkerQueue } from './run-workers';
