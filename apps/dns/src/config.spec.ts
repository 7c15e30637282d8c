import { parseConfig, parseHostPort } from './config';

describe('parseConfig', () => {
  it.each([
    {
      desc: 'defaults follow the address plan',
      argv: [],
      env: {},
      want: {
        apiAddress: '127.0.0.1:6444',
        natsUrl: 'nats://127.0.0.1:4222',
        watchVia: 'nats',
        clusterDomain: 'cluster.local',
        bindAddress: '127.53.0.1',
        port: 5353,
        healthHost: '127.0.0.1',
        healthPort: 9153,
        clusterDnsIP: '127.96.0.10',
        registerService: true,
        ttl: 5,
      },
    },
    {
      desc: 'flags win over env',
      argv: ['--cluster-domain', 'Example.Org.', '--port', '5400', '--health-port', '127.0.0.2:9999', '--ttl', '30', '--watch-via', 'grpc'],
      env: { K8TS_DNS_PORT: '1' },
      want: { clusterDomain: 'example.org', port: 5400, healthHost: '127.0.0.2', healthPort: 9999, ttl: 30, watchVia: 'grpc' },
    },
    {
      desc: 'env fills in',
      argv: [],
      env: { K8TS_DNS_BIND_ADDRESS: '127.53.0.9', K8TS_CLUSTER_DNS_IP: '127.101.0.10', K8TS_DNS_HEALTH_PORT: '9200', K8TS_DNS_REGISTER_SERVICE: 'false' },
      want: { bindAddress: '127.53.0.9', clusterDnsIP: '127.101.0.10', healthHost: '127.0.0.1', healthPort: 9200, registerService: false },
    },
  ])('$desc', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it.each([
    { desc: 'bad port', argv: ['--port', '70000'] },
    { desc: 'bad bind address', argv: ['--bind-address', 'localhost'] },
    { desc: 'bad cluster IP', argv: ['--cluster-dns-ip', '10.0.0'] },
    { desc: 'bad domain', argv: ['--cluster-domain', 'a..b'] },
    { desc: 'bad health address', argv: ['--health-port', 'nope:1'] },
    { desc: 'huge ttl', argv: ['--ttl', '86400'] },
    { desc: 'bad watch-via', argv: ['--watch-via', 'pigeon'] },
  ])('rejects $desc', ({ argv }) => {
    expect(() => parseConfig(argv, {})).toThrow();
  });

  it.each([
    { desc: 'bare port', v: '9153', want: { host: '127.0.0.1', port: 9153 } },
    { desc: 'host and port', v: '127.0.0.5:80', want: { host: '127.0.0.5', port: 80 } },
    { desc: 'bracketed IPv6', v: '[::1]:80', want: { host: '::1', port: 80 } },
  ])('parseHostPort: $desc', ({ v, want }) => {
    expect(parseHostPort(v)).toEqual(want);
  });
});
