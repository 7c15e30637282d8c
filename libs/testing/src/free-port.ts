import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host` (default 127.0.0.1) by
 * binding port 0 and closing the socket again.
 *
 * Inherently racy: another process may take the port before the caller
 * binds it. Prefer letting the server itself bind port 0 and report the
 * port (as {@link startNatsServer} does); use this only for programs that
 * cannot do that.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error(`freePort: unexpected address ${String(addr)}`));
        return;
      }
      const { port } = addr;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
