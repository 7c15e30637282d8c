import { parseConfig, parseDuration } from './config';

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
        nodeIPs: ['127.10.0.1', '127.10.0.2'],
        nodeNames: ['node-1', 'node-2'],
        metricsBindAddress: '127.0.0.1:10249',
        healthzBindAddress: '127.0.0.1:10256',
        minSyncPeriodMs: 1000,
        syncPeriodMs: 30_000,
        udpIdleTimeoutMs: 250,
        clusterCIDR: '127.244.0.0/16',
      },
    },
    { desc: 'repeated --node-ip', argv: ['--node-ip', '127.10.0.20', '--node-ip', '127.10.0.21'], env: {}, want: { nodeIPs: ['127.10.0.20', '127.10.0.21'] } },
    { desc: 'comma list --node-ip', argv: ['--node-ip', '127.10.0.20,127.10.0.21'], env: {}, want: { nodeIPs: ['127.10.0.20', '127.10.0.21'] } },
    { desc: 'node names', argv: ['--node-names', 'node-20,node-21'], env: {}, want: { nodeNames: ['node-20', 'node-21'] } },
    { desc: '--hostname-override alone names the node', argv: ['--hostname-override', 'node-7'], env: {}, want: { nodeNames: ['node-7'] } },
    { desc: '--hostname-override adds to --node-names', argv: ['--node-names', 'a', '--hostname-override', 'b'], env: {}, want: { nodeNames: ['a', 'b'] } },
    { desc: 'durations', argv: ['--min-sync-period', '50ms', '--sync-period', '1m', '--udp-timeout', '2s'], env: {}, want: { minSyncPeriodMs: 50, syncPeriodMs: 60_000, udpIdleTimeoutMs: 2000 } },
    { desc: 'env fills in', argv: [], env: { K8TS_NODE_IP: '127.10.0.5', K8TS_WATCH_VIA: 'grpc', K8TS_MIN_SYNC_PERIOD: '0' }, want: { nodeIPs: ['127.10.0.5'], watchVia: 'grpc', minSyncPeriodMs: 0 } },
    { desc: 'flags win over env', argv: ['--metrics-bind-address', '127.0.0.1:1'], env: { K8TS_METRICS_BIND_ADDRESS: '127.0.0.1:2' }, want: { metricsBindAddress: '127.0.0.1:1' } },
  ])('$desc', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it.each([
    ['--node-ip', 'not-an-ip'],
    ['--watch-via', 'pigeon'],
    ['--min-sync-period', 'soon'],
    ['--min-sync-period', '1m', '--sync-period', '1s'],
    ['--metrics-bind-address', '10249'],
    ['--cluster-cidr', '127.244.0.0'],
  ])('rejects %s %s', (...argv) => {
    expect(() => parseConfig(argv, {})).toThrow();
  });

  it.each([
    ['1s', 1000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2', 2000],
  ])('parseDuration(%s) = %d', (v, ms) => expect(parseDuration(v)).toBe(ms));
});
