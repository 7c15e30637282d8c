import { parseConfig, seconds } from './config';

describe('parseConfig', () => {
  it.each([
    {
      desc: 'defaults follow the address plan and kube-controller-manager',
      argv: [],
      env: {},
      want: {
        apiAddress: '127.0.0.1:6444',
        natsUrl: 'nats://127.0.0.1:4222',
        watchVia: 'nats',
        bindAddress: '127.0.0.1',
        port: 10257,
        leaderElect: true,
        leaseDurationSeconds: 15,
        renewDeadlineSeconds: 10,
        retryPeriodSeconds: 2,
        leaseNamespace: 'kube-system',
        leaseName: 'kube-controller-manager',
        controllers: ['*'],
        concurrentReplicasetSyncs: 5,
        concurrentDeploymentSyncs: 5,
        concurrentGcSyncs: 20,
        nodeMonitorGracePeriodSeconds: 50,
        nodeMonitorPeriodSeconds: 5,
        defaultNotReadyTolerationSeconds: 300,
        defaultUnreachableTolerationSeconds: 300,
        loadBalancerIpPool: '127.240.0.0/16',
        logLevel: 'info',
      },
    },
    { desc: 'controllers list', argv: ['--controllers', 'replicaset, deployment'], env: {}, want: { controllers: ['replicaset', 'deployment'] } },
    { desc: 'controllers with negation', argv: ['--controllers=*,-servicelb'], env: {}, want: { controllers: ['*', '-servicelb'] } },
    { desc: 'durations as seconds or Go-style', argv: ['--node-monitor-grace-period', '40s', '--node-monitor-period', '2', '--leader-elect-lease-duration', '1m'], env: {}, want: { nodeMonitorGracePeriodSeconds: 40, nodeMonitorPeriodSeconds: 2, leaseDurationSeconds: 60 } },
    { desc: 'env fills in', argv: [], env: { K8TS_API_ADDRESS: '127.0.0.1:7001', K8TS_LEADER_ELECT: 'false', K8TS_CONTROLLERS: 'deployment' }, want: { apiAddress: '127.0.0.1:7001', leaderElect: false, controllers: ['deployment'] } },
    { desc: 'flags win over env', argv: ['--port', '0', '--concurrent-replicaset-syncs', '2'], env: { K8TS_PORT: '9' }, want: { port: 0, concurrentReplicasetSyncs: 2 } },
    { desc: '--secure-port alias', argv: ['--secure-port', '10300'], env: {}, want: { port: 10300 } },
    { desc: 'load balancer pool', argv: ['--load-balancer-ip-pool', '127.242.0.0/24'], env: {}, want: { loadBalancerIpPool: '127.242.0.0/24' } },
  ])('$desc', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it('defaults the identity to hostname_pid', () => {
    expect(parseConfig([], {}).identity).toMatch(new RegExp(`_${process.pid}$`));
  });

  it.each([
    { desc: 'bad port', argv: ['--port', 'x'] },
    { desc: 'zero workers', argv: ['--concurrent-deployment-syncs', '0'] },
    { desc: 'bad watch-via', argv: ['--watch-via', 'pigeon'] },
    { desc: 'bad boolean', argv: ['--leader-elect=maybe'] },
    { desc: 'bad CIDR', argv: ['--load-balancer-ip-pool', '127.240.0.0'] },
    { desc: 'bad duration', argv: ['--node-monitor-grace-period', '5x'] },
  ])('rejects $desc', ({ argv }) => {
    expect(() => parseConfig(argv, {})).toThrow();
  });
});

describe('seconds', () => {
  it.each([
    { desc: 'plain', v: '50', want: 50 },
    { desc: 'unit s', v: '50s', want: 50 },
    { desc: 'compound', v: '1m30s', want: 90 },
    { desc: 'ms', v: '500ms', want: 0.5 },
    { desc: 'hours', v: '1h', want: 3600 },
  ])('$desc', ({ v, want }) => expect(seconds(v)).toBe(want));
});
