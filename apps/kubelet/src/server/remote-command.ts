// The channel protocol of streaming exec (remotecommand over WebSocket), as
// kubectl speaks it: each binary message starts with a channel byte.
//   0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status as JSON), 4 resize.
// v5.channel.k8s.io adds a close signal: [255, <channel>] ends that stream
// (the client's stdin EOF). v4 is the same without the close signal.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** The protocols we speak, most preferred first. */
export const SUPPORTED_PROTOCOLS: readonly string[] = [PROTOCOL_V5, PROTOCOL_V4];

/** The protocol to use for a client offering `offered` (Sec-WebSocket-Protocol values), if any. */
export function negotiateProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return SUPPORTED_PROTOCOLS.find((p) => set.has(p));
}

/** One frame: the channel byte followed by the data. */
export function encodeFrame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Array<{ reason: string; message: string }> };
}

/**
 * The Status sent on the error channel when the command ends: Success for
 * exit code 0, otherwise Failure with reason NonZeroExitCode and an
 * ExitCode cause (kubectl exits with that code).
 */
export function exitStatus(exitCode: number, command: readonly string[]): ExecStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** A Failure Status for an exec that could not run (InternalError, as upstream reports stream errors). */
export function errorStatus(message: string): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}
