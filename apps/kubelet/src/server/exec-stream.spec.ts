import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { type ContainerStatus, ContainerNotFoundError, type ExecStreams } from '../runtime/runtime';
import { createExecStreamHandler, type ExecStreamHandler, parseTerminalSize, rejectUpgrade, shellQuote, ttyCommand } from './exec-stream';
import { encodeFrame, exitStatus, negotiateProtocol, PROTOCOL_V4, PROTOCOL_V5 } from './remote-command';

/** Commands: `echo a b` prints args; `cat` copies stdin until EOF; `fail N` writes to stderr and exits N; `hang` waits for abort. */
class StreamRuntime {
  aborted = 0;
  async containerStatus(id: string): Promise<ContainerStatus> {
    if (id !== 'c-1' && id !== 'c-exited') throw new ContainerNotFoundError(id);
    return { id, sandboxId: 's', name: 'c', image: 'i', attempt: 0, state: id === 'c-1' ? 'running' : 'exited', createdAt: '', logPath: '' };
  }
  async exec(_id: string, cmd: string[], streams: ExecStreams): Promise<number> {
    switch (cmd[0]) {
      case 'echo':
        streams.stdout.write(cmd.slice(1).join(' ') + '\n');
        return 0;
      case 'fail':
        streams.stderr.write('boom\n');
        return Number(cmd[1]);
      case 'cat':
        return new Promise((resolve) => {
          if (!streams.stdin) return resolve(0);
          streams.stdin.on('data', (d: Buffer) => streams.stdout.write(d));
          streams.stdin.on('end', () => resolve(0));
        });
      case 'hang':
        return new Promise((resolve) =>
          streams.signal?.addEventListener('abort', () => {
            this.aborted++;
            resolve(137);
          }),
        );
      default:
        throw new Error(`unknown command ${cmd[0]}`);
    }
  }
}

const silent = { debug: () => undefined, warn: () => undefined };
let server: Server;
let handler: ExecStreamHandler;
let runtime: StreamRuntime;
let base: string;

beforeAll(async () => {
  runtime = new StreamRuntime();
  handler = createExecStreamHandler({
    runtime,
    logger: silent,
    scriptPath: null,
    findContainer: async (ns, pod, container) => {
      if (ns !== 'default' || pod !== 'web') return undefined;
      if (container === 'web') return { containerId: 'c-1' };
      if (container === 'done') return { containerId: 'c-exited' };
      return undefined;
    },
  });
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    if (!handler.handleUpgrade(req, socket, head)) rejectUpgrade(socket, 404, 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  handler.closeAll();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface Session {
  protocol: string;
  stdout: string;
  stderr: string;
  status?: Record<string, unknown>;
  closeCode?: number;
}

function execSession(path: string, opts: { protocols?: string[]; stdin?: Buffer[]; closeStdin?: boolean; onOpen?: (ws: WebSocket) => void } = {}): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path, opts.protocols ?? [PROTOCOL_V5, PROTOCOL_V4]);
    const s: Session = { protocol: '', stdout: '', stderr: '' };
    ws.on('open', () => {
      s.protocol = ws.protocol;
      for (const chunk of opts.stdin ?? []) ws.send(encodeFrame(0, chunk));
      if (opts.closeStdin) ws.send(Buffer.from([255, 0]));
      opts.onOpen?.(ws);
    });
    ws.on('message', (data: Buffer) => {
      const body = data.subarray(1).toString('utf8');
      if (data[0] === 1) s.stdout += body;
      else if (data[0] === 2) s.stderr += body;
      else if (data[0] === 3) s.status = JSON.parse(body) as Record<string, unknown>;
    });
    ws.on('close', (code) => {
      s.closeCode = code;
      resolve(s);
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(text.trim()), { statusCode: res.statusCode })));
    });
    ws.on('error', (err) => {
      if (!('statusCode' in err)) reject(err);
    });
  });
}

describe('remote-command frames', () => {
  it.each([
    { desc: 'prefers v5', offered: ['v4.channel.k8s.io', 'v5.channel.k8s.io'], want: PROTOCOL_V5 },
    { desc: 'falls back to v4', offered: ['v4.channel.k8s.io', 'v3.channel.k8s.io'], want: PROTOCOL_V4 },
    { desc: 'nothing we speak', offered: ['channel.k8s.io', 'base64.channel.k8s.io'], want: undefined },
  ])('negotiate: $desc', ({ offered, want }) => expect(negotiateProtocol(offered)).toBe(want));

  it.each([
    { desc: 'exit 0 is Success', code: 0, want: { metadata: {}, status: 'Success' } },
    {
      desc: 'non-zero is NonZeroExitCode with an ExitCode cause',
      code: 3,
      want: {
        metadata: {},
        status: 'Failure',
        reason: 'NonZeroExitCode',
        message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      },
    },
  ])('status: $desc', ({ code, want }) => expect(exitStatus(code, ['sh', '-c', 'exit 3'])).toEqual(want));

  it.each([
    { desc: 'plain words stay', arg: 'ls', want: 'ls' },
    { desc: 'spaces are quoted', arg: 'echo hi; exit 3', want: "'echo hi; exit 3'" },
    { desc: 'single quotes are escaped', arg: "it's", want: "'it'\\''s'" },
    { desc: 'empty argument', arg: '', want: "''" },
  ])('shellQuote: $desc', ({ arg, want }) => expect(shellQuote(arg)).toBe(want));

  it('tty commands run under script(1) when available', () => {
    expect(ttyCommand(['sh', '-c', 'echo hi'], '/usr/bin/script')).toEqual(['/usr/bin/script', '-q', '-f', '-e', '-c', "sh -c 'echo hi'", '/dev/null']);
    expect(ttyCommand(['sh'], undefined)).toEqual(['sh']);
    expect(ttyCommand(['top'], '/usr/bin/script', { width: 120, height: 40 })).toEqual(['/usr/bin/script', '-q', '-f', '-e', '-c', 'stty cols 120 rows 40 2>/dev/null; exec top', '/dev/null']);
  });

  it.each([
    { desc: 'kubectl resize frame', body: '{"Width":120,"Height":40}', want: { width: 120, height: 40 } },
    { desc: 'zero size', body: '{"Width":0,"Height":0}', want: undefined },
    { desc: 'not JSON', body: 'x', want: undefined },
  ])('parseTerminalSize: $desc', ({ body, want }) => {
    expect(parseTerminalSize(Buffer.from(body))).toEqual(want);
  });

  it('encodes the channel byte first', () => expect([...encodeFrame(2, 'hi')]).toEqual([2, 104, 105]));
});

describe('kubelet exec stream', () => {
  it.each([
    { desc: 'v5', protocols: [PROTOCOL_V5, PROTOCOL_V4], want: PROTOCOL_V5 },
    { desc: 'v4 only', protocols: [PROTOCOL_V4], want: PROTOCOL_V4 },
  ])('runs a command and reports Success ($desc)', async ({ protocols, want }) => {
    const s = await execSession('/exec/default/web/web?command=echo&command=hello&command=world&stdout=true&stderr=true', { protocols });
    expect(s.protocol).toBe(want);
    expect(s.stdout).toBe('hello world\n');
    expect(s.status).toEqual({ metadata: {}, status: 'Success' });
    expect(s.closeCode).toBe(1000);
  });

  it('reports the exit code and stderr', async () => {
    const s = await execSession('/exec/default/web/web?command=fail&command=3&stdout=true&stderr=true');
    expect(s.stderr).toBe('boom\n');
    expect(s.status?.['reason']).toBe('NonZeroExitCode');
    expect(s.status?.['details']).toEqual({ causes: [{ reason: 'ExitCode', message: '3' }] });
  });

  it('stderr=false drops stderr; tty=true sends it on stdout', async () => {
    expect((await execSession('/exec/default/web/web?command=fail&command=1&stdout=true')).stderr).toBe('');
    const tty = await execSession('/exec/default/web/web?command=fail&command=1&stdout=true&tty=true');
    expect(tty.stdout).toBe('boom\n');
  });

  it('relays stdin until the v5 close signal', async () => {
    const s = await execSession('/exec/default/web/web?command=cat&stdin=true&stdout=true', { stdin: [Buffer.from('one\n'), Buffer.from('two\n')], closeStdin: true });
    expect(s.stdout).toBe('one\ntwo\n');
    expect(s.status?.['status']).toBe('Success');
  });

  it('kills the command when the client goes away', async () => {
    const before = runtime.aborted;
    await execSession('/exec/default/web/web?command=hang&stdout=true', { onOpen: (ws) => setTimeout(() => ws.close(), 50) });
    await new Promise<void>((resolve) => {
      const check = () => (runtime.aborted > before ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(runtime.aborted).toBe(before + 1);
  });

  it('reports a runtime failure on the error channel', async () => {
    const s = await execSession('/exec/default/web/web?command=nope&stdout=true');
    expect(s.status).toMatchObject({ status: 'Failure', reason: 'InternalError' });
  });

  it.each([
    { desc: 'unknown pod', path: '/exec/default/nope/web?command=echo', status: 404, text: 'container "web" in pod "nope" (namespace "default") not found' },
    { desc: 'no command', path: '/exec/default/web/web', status: 400, text: 'you must specify at least one command for the container' },
    { desc: 'container not running', path: '/exec/default/web/done?command=echo', status: 400, text: 'container "done" in pod "web" is not running' },
    { desc: 'unsupported protocols', path: '/exec/default/web/web?command=echo', status: 400, text: 'unable to upgrade', protocols: ['channel.k8s.io'] },
    { desc: 'another path', path: '/attach/default/web/web', status: 404, text: 'not found' },
  ])('rejects the upgrade: $desc', async ({ path, status, text, protocols }) => {
    await expect(execSession(path, { protocols })).rejects.toMatchObject({ statusCode: status, message: expect.stringContaining(text) });
  });
});
