// Streaming exec (WebSocket, v5.channel.k8s.io) of a real kubelet process
// against a real apiserver and nats-server, running commands in a real
// container's context. Uses node-45 (127.10.0.45) from the REST block.
import { readdirSync, readFileSync } from 'node:fs';
import { waitFor } from '@k8ts/testing';
import { WebSocket } from 'ws';
import { type KubeletFixture, podWhen, startKubeletFixture } from '../testing/kubelet-fixture';

jest.setTimeout(120_000);

const NODE = 'node-45';
const POD = 'exec-stream';
let fx: KubeletFixture;

beforeAll(async () => {
  fx = await startKubeletFixture(45);
  await fx.client.pods.create({
    metadata: { name: POD, namespace: 'default' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'shell', image: 'k8ts/shell', workingDir: '/srv', env: [{ name: 'GREETING', value: 'hello from the container env' }], command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'] }],
    },
  });
  await podWhen(fx.client, POD, (p) => p.status?.phase === 'Running', 'Running', 60_000);
});

afterAll(async () => {
  const leftovers = await fx?.stop();
  expect(leftovers).toEqual([]);
});

interface Result {
  stdout: string;
  stderr: string;
  status?: { status: string; reason?: string; details?: { causes: Array<{ reason: string; message: string }> } };
}

function exec(command: string[], opts: { stdin?: string; tty?: boolean; onOpen?: (ws: WebSocket) => void } = {}): Promise<Result> {
  const q = new URLSearchParams();
  for (const c of command) q.append('command', c);
  q.set('stdout', 'true');
  q.set('stderr', opts.tty ? 'false' : 'true');
  if (opts.tty) q.set('tty', 'true');
  if (opts.stdin !== undefined) q.set('stdin', 'true');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${fx.nodeIP}:${fx.kubeletPort}/exec/default/${POD}/shell?${q}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    const r: Result = { stdout: '', stderr: '' };
    ws.on('open', () => {
      if (opts.stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(opts.stdin)]));
        ws.send(Buffer.from([255, 0]));
      }
      opts.onOpen?.(ws);
    });
    ws.on('message', (d: Buffer) => {
      const text = d.subarray(1).toString('utf8');
      if (d[0] === 1) r.stdout += text;
      else if (d[0] === 2) r.stderr += text;
      else if (d[0] === 3) r.status = JSON.parse(text) as Result['status'];
    });
    ws.on('close', () => resolve(r));
    ws.on('error', reject);
  });
}

describe('kubelet streaming exec with real processes', () => {
  it('streams stdout and stderr and reports the exit code on the error channel', async () => {
    const r = await exec(['sh', '-c', 'echo hi; echo oops >&2; exit 3']);
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toBe('oops\n');
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  });

  it("runs in the container's env and working directory", async () => {
    const r = await exec(['sh', '-c', 'echo "$GREETING"; echo "$POD_NAME"; basename "$PWD"']);
    expect(r.stdout).toBe(`hello from the container env\n${POD}\nsrv\n`);
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('feeds stdin until the client closes it (v5 close signal)', async () => {
    const r = await exec(['sh', '-c', 'tr a-z A-Z'], { stdin: 'shout\n' });
    expect(r.stdout).toBe('SHOUT\n');
    expect(r.status?.status).toBe('Success');
  });

  it('tty=true runs the command on a terminal, keeping its exit code', async () => {
    const r = await exec(['sh', '-c', 'test -t 0 && test -t 1 && echo on-a-tty; exit 4'], { tty: true, stdin: '' });
    expect(r.stdout.replace(/\r/g, '')).toBe('on-a-tty\n');
    expect(r.status?.details?.causes).toEqual([{ reason: 'ExitCode', message: '4' }]);
  });

  it('tty=true takes the terminal size from the first resize frame', async () => {
    const r = await exec(['stty', 'size'], {
      tty: true,
      onOpen: (ws) => {
        ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":132,"Height":43}')]));
        ws.send(Buffer.from([255, 0]));
      },
    });
    expect(r.stdout.replace(/\r/g, '')).toBe('43 132\n');
  });

  it('kills the command when the client disconnects', async () => {
    const marker = `exec-stream-marker-${process.pid}`;
    const running = () =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .some((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
          } catch {
            return false;
          }
        });
    await exec(['sh', '-c', `sleep 300; echo ${marker}`], {
      onOpen: (ws) => {
        waitFor(running, { timeoutMs: 10_000, intervalMs: 50, desc: 'command started' })
          .catch(() => undefined)
          .finally(() => ws.terminate());
      },
    });
    await waitFor(() => !running(), { timeoutMs: 10_000, intervalMs: 100, desc: 'command killed after disconnect' });
  });
});
