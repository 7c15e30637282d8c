// Prints scheduling throughput figures; built and run by
// `npm run bench -- scheduler [--pods 1000] [--nodes 100,1000] [--deadline-seconds 60] [--seed 42]`.
import { seededRandom } from '../framework/schedule-one';
import { runSchedulingThroughput } from './scheduling-throughput';

interface Args {
  pods: number;
  nodes: number[];
  deadlineSeconds: number;
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { pods: 1000, nodes: [100, 1000], deadlineSeconds: 60, seed: 42 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const positive = (v: string): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: expected a positive number, got ${v}`);
      return n;
    };
    switch (flag) {
      case '--pods':
        args.pods = Math.floor(positive(value()));
        break;
      case '--nodes':
        args.nodes = value().split(',').map((s) => Math.floor(positive(s)));
        break;
      case '--deadline-seconds':
        args.deadlineSeconds = positive(value());
        break;
      case '--seed':
        args.seed = Number(value());
        break;
      default:
        throw new Error(`unknown flag ${argv[i]} (flags: --pods, --nodes, --deadline-seconds, --seed)`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Warm the JIT up on a small run first.
  await runSchedulingThroughput({ nodes: 50, pods: 300, random: seededRandom(args.seed), deadlineMs: 10_000 });
  console.log('scheduler throughput (default profile; queue pop -> cache snapshot -> schedulePod -> assume; no API calls)');
  console.log('  nodes: 5 sizes (2-32 cpu), 3 zones, 1 in 10 tainted; pods: 100m-2 cpu requests, 1 in 10 tolerates the taint, 1 in 7 selects a zone');
  for (const nodes of args.nodes) {
    const r = await runSchedulingThroughput({ nodes, pods: args.pods, random: seededRandom(args.seed), deadlineMs: args.deadlineSeconds * 1000 });
    const line = [
      `  ${String(nodes).padStart(5)} nodes:`,
      `${r.attempted} pods in ${(r.wallMs / 1000).toFixed(2)}s`,
      `${r.podsPerSecond.toFixed(0)} pods/s`,
      `p50=${r.p50Ms.toFixed(3)}ms p99=${r.p99Ms.toFixed(3)}ms max=${r.maxMs.toFixed(3)}ms`,
      `scheduled=${r.scheduled} unschedulable=${r.unschedulable} errors=${r.errors}`,
    ];
    if (r.timedOut) line.push(`(stopped at the ${args.deadlineSeconds}s deadline)`);
    console.log(line.join('  '));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
