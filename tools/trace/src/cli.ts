// `npm run trace -- <command>`: prints request and object flows recorded by
// `npm start` (which runs the collector and points every component at it).
//
//   npm run trace -- list                 recent traces
//   npm run trace -- pod default/web-1    the trace the pod was created in
//   npm run trace -- last-request         the newest request that reached an echo pod
//   npm run trace -- show <traceId>
import { Command, Option } from 'commander';
import type { SpanRecord } from './otlp-json';
import { collapse, groupByTrace, isRpcSpan, lastRequestTrace, linkedInto, summarize, tracePodCreated } from './select';
import { DEFAULT_SPAN_FILE, SpanFile } from './span-store';
import { renderWaterfall } from './waterfall';


function load(file: string): SpanRecord[] {
  const spans = new SpanFile(file).readAll();
  if (spans.length === 0) {
    throw new Error(`no spans in ${file}: run the stack with \`npm start\` (it collects traces there), then try again`);
  }
  return spans;
}

function show(spans: SpanRecord[], traceId: string, out: (line: string) => void, brief: boolean): void {
  const trace = groupByTrace(spans).get(traceId);
  if (!trace) throw new Error(`trace ${traceId} not found`);
  const linked = linkedInto(spans, traceId);
  const view = (list: SpanRecord[]) => (brief ? collapse(list, isRpcSpan) : list);
  for (const line of renderWaterfall(view(trace), { linked: view(linked) })) out(line);
}

export function runCli(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const program = new Command('trace').description('print k8ts traces as terminal waterfalls').exitOverride();
  program.addOption(new Option('--file <path>', 'span file written by the npm start collector').default(DEFAULT_SPAN_FILE));
  program.addOption(new Option('--brief', 'hide the gRPC transport spans (grpc.*), keeping the tree shape'));
  const brief = () => Boolean(program.opts().brief);
  program
    .command('list')
    .description('recent traces')
    .option('-n, --limit <n>', 'how many', '20')
    .action((o: { limit: string }) => {
      for (const t of summarize(load(program.opts().file), Number(o.limit))) {
        out(`${t.traceId}  ${new Date(t.startMs).toISOString()}  ${t.durationMs.toFixed(1).padStart(9)} ms  ${String(t.spans).padStart(4)} spans  ${t.root}  [${t.services.join(', ')}]`);
      }
    });
  program
    .command('pod <namespace/name>')
    .description('the trace a pod was created in: apiserver → scheduler → kubelet → endpoints → kube-proxy')
    .action((ref: string) => {
      const [ns, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
      const spans = load(program.opts().file);
      const id = tracePodCreated(spans, ns, name);
      if (!id) throw new Error(`no spans mention pod ${ns}/${name}`);
      show(spans, id, out, brief());
    });
  program
    .command('last-request')
    .description('the newest request through a Service to an echo pod')
    .action(() => {
      const spans = load(program.opts().file);
      const id = lastRequestTrace(spans);
      if (!id) throw new Error('no request spans yet: send a request to an echo pod (see README)');
      show(spans, id, out, brief());
    });
  program
    .command('show <traceId>')
    .description('one trace by id')
    .action((id: string) => show(load(program.opts().file), id, out, brief()));
  program.parse(argv, { from: 'user' });
}
