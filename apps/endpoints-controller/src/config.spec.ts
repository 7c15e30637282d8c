import { parseConfig } from './config';

describe('parseConfig', () => {
  it.each([
    {
      desc: 'defaults follow the address plan',
      argv: [],
      env: {},
      want: { apiAddress: '127.0.0.1:6444', natsUrl: 'nats://127.0.0.1:4222', bindAddress: '127.0.0.1', port: 10258, workers: 5, leaderElect: true, leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2, watchVia: 'nats', leaseNamespace: 'kube-system', leaseName: 'k8ts-endpoints-controller' },
    },
    { desc: 'flags win', argv: ['--api-address', '127.0.0.1:7000', '--workers', '2', '--watch-via', 'grpc', '--identity', 'me'], env: { K8TS_API_ADDRESS: '127.0.0.1:7001' }, want: { apiAddress: '127.0.0.1:7000', workers: 2, watchVia: 'grpc', identity: 'me' } },
    { desc: 'env fills in', argv: [], env: { K8TS_API_ADDRESS: '127.0.0.1:7001', NATS_URL: 'nats://127.0.0.1:5001', K8TS_LEADER_ELECT: 'false' }, want: { apiAddress: '127.0.0.1:7001', natsUrl: 'nats://127.0.0.1:5001', leaderElect: false } },
    { desc: '--leader-elect=false', argv: ['--leader-elect=false'], env: {}, want: { leaderElect: false } },
    { desc: 'bare --leader-elect', argv: ['--leader-elect'], env: {}, want: { leaderElect: true } },
    { desc: 'fractional periods', argv: ['--leader-elect-lease-duration-seconds', '3', '--renew-deadline-seconds', '2', '--retry-period-seconds', '0.5'], env: {}, want: { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 } },
  ])('$desc', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it('defaults the identity to hostname_pid', () => {
    expect(parseConfig([], {}).identity).toMatch(new RegExp(`_${process.pid}$`));
  });

  it.each([['--port', 'x'], ['--workers', '0'], ['--watch-via', 'carrier-pigeon'], ['--leader-elect=maybe']])('rejects %s %s', (...argv) => {
    expect(() => parseConfig(argv.filter(Boolean), {})).toThrow();
  });
});
