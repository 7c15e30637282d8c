import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { nodeNumber, parseConfig } from './config';

describe('kubelet parseConfig', () => {
  it('has the address-plan defaults for node-1', () => {
    const c = parseConfig([], {});
    expect(c).toMatchObject({
      nodeName: 'node-1',
      nodeIP: '127.10.0.1',
      podCIDR: '127.244.1.0/24',
      bindAddress: '127.10.0.1',
      apiAddress: '127.0.0.1:6444',
      natsUrl: 'nats://127.0.0.1:4222',
      port: 10250,
      healthzPort: 10248,
      rootDir: join('.k8ts', 'kubelet', 'node-1'),
      maxPods: 110,
      nodeLeaseRenewIntervalSeconds: 10,
      nodeStatusUpdateFrequencySeconds: 10,
      crashloopBackoffBaseSeconds: 10,
      imageCatalog: undefined,
      watchVia: 'nats',
      logLevel: 'info',
    });
    expect(c.cpu).toBe(String(cpus().length));
    expect(c.memory).toBe(`${Math.floor(totalmem() / 1024)}Ki`);
    expect(c.echoEntry).toMatch(/dist[/\\]apps[/\\]echo[/\\]main\.js$/);
  });

  it('derives node IP, podCIDR, bind address and root dir from the node name', () => {
    const c = parseConfig(['--node-name', 'node-3'], {});
    expect(c).toMatchObject({ nodeIP: '127.10.0.3', podCIDR: '127.244.3.0/24', bindAddress: '127.10.0.3', rootDir: join('.k8ts', 'kubelet', 'node-3') });
    expect(parseConfig(['--node-name', 'worker'], {})).toMatchObject({ nodeIP: '127.10.0.1', podCIDR: '127.244.1.0/24' });
  });

  it('takes flags over env over defaults', () => {
    const env = { K8TS_NODE_NAME: 'node-7', K8TS_MAX_PODS: '20', K8TS_WATCH_VIA: 'grpc', K8TS_NODE_LEASE_RENEW_INTERVAL_SECONDS: '0.5' };
    const c = parseConfig(['--max-pods', '30', '--node-ip', '127.10.0.77', '--pod-cidr', '127.244.77.0/24', '--bind-address', '127.0.0.1', '--cpu', '2', '--memory', '4Gi', '--port', '0', '--image-catalog', 'c.yaml', '--echo-entry', '/x/echo.js'], env);
    expect(c).toMatchObject({
      nodeName: 'node-7',
      nodeIP: '127.10.0.77',
      podCIDR: '127.244.77.0/24',
      bindAddress: '127.0.0.1',
      maxPods: 30,
      cpu: '2',
      memory: '4Gi',
      port: 0,
      watchVia: 'grpc',
      nodeLeaseRenewIntervalSeconds: 0.5,
      imageCatalog: 'c.yaml',
      echoEntry: '/x/echo.js',
    });
    expect(process.env['K8TS_NODE_NAME']).toBeUndefined();
  });

  it('rejects bad values', () => {
    expect(() => parseConfig(['--node-ip', 'nope'], {})).toThrow();
    expect(() => parseConfig(['--pod-cidr', '127.244.1.0'], {})).toThrow();
    expect(() => parseConfig(['--port', '70000'], {})).toThrow();
    expect(() => parseConfig(['--watch-via', 'carrier-pigeon'], {})).toThrow();
    expect(() => parseConfig(['--node-status-update-frequency-seconds', '0'], {})).toThrow();
  });

  it('nodeNumber takes the trailing number within 1..254', () => {
    expect(nodeNumber('node-12')).toBe(12);
    expect(nodeNumber('node-0')).toBeUndefined();
    expect(nodeNumber('node-300')).toBeUndefined();
    expect(nodeNumber('node')).toBeUndefined();
  });
});
