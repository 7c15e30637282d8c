// The REST API over an in-memory registry (MemoryStorage, the production
// strategies and admission), served by a real HTTP server on 127.0.0.1:0.
// For handler tests that speak HTTP without NATS or child processes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Namespace } from '@k8ts/api';
import pino from 'pino';
import { ServiceAllocation } from '../../admission/service-allocation';
import { defaultStrategies, defaultSubresources } from '../../registry/default-strategies';
import { NamespaceLifecycle } from '../../registry/namespaces/lifecycle';
import { Registry } from '../../registry/registry';
import { MemoryStorage } from '../../storage/memory-storage';
import { RestApi } from '../rest-api';

export interface RestHarness {
  url: string;
  storage: MemoryStorage;
  registry: Registry;
  api: RestApi;
  stop(): Promise<void>;
}

export async function startRestHarness(opts: { now?: () => Date } = {}): Promise<RestHarness> {
  const storage = new MemoryStorage();
  const ref: { registry?: Registry } = {};
  const lifecycle = new NamespaceLifecycle(async (name) => {
    try {
      return await ref.registry?.namespaces.get(undefined, name);
    } catch {
      return undefined;
    }
  });
  const allocation = new ServiceAllocation(storage, { serviceCidr: '127.102.0.0/16', nodePortRange: '30000-32767' });
  const registry = new Registry({ storage, strategies: defaultStrategies(), subresources: defaultSubresources(), admission: [lifecycle, allocation] });
  ref.registry = registry;
  for (const name of ['default', 'kube-system']) await registry.namespaces.create(undefined, { metadata: { name } } as Namespace);
  const api = new RestApi({ registry, logger: pino({ level: 'silent' }), serverAddress: '127.0.0.1:6443', now: opts.now });
  const server: Server = createServer((req, res) => api.handle(req, res));
  server.on('upgrade', (req, socket, head) => api.upgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    storage,
    registry,
    api,
    stop: () =>
      new Promise<void>((resolve) => {
        api.closeWatches();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
