// tools/trace: the local span collector behind `npm start` and the `npm run trace` CLI.
export { startCollector, type Collector, type CollectorOptions } from './collector';
export { InvalidOtlpPayloadError, spansFromOtlpJson, type SpanRecord } from './otlp-json';
export { DEFAULT_SPAN_FILE, SpanFile } from './span-store';
export { renderWaterfall } from './waterfall';
export { groupByTrace, lastRequestTrace, linkedInto, summarize, tracePodCreated } from './select';
