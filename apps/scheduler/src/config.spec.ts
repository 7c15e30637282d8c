import { parseConfig } from './config';

describe('parseConfig', () => {
  it('has upstream-like defaults', () => {
    const c = parseConfig([], {});
    expect(c).toMatchObject({
      apiAddress: '127.0.0.1:6444',
      natsUrl: 'nats://127.0.0.1:4222',
      bindAddress: '127.0.0.1',
      port: 10259,
      schedulerName: 'default-scheduler',
      leaderElect: true,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      leaseNamespace: 'kube-system',
      leaseName: 'kube-scheduler',
      watchVia: 'nats',
      podInitialBackoffSeconds: 1,
      podMaxBackoffSeconds: 10,
      logLevel: 'info',
    });
    expect(c.identity).toMatch(/_\d+$/);
  });

  it('reads flags, then environment variables', () => {
    const c = parseConfig(
      ['--api-address', '127.0.0.1:7000', '--leader-elect=false', '--leader-elect-retry-period-seconds', '0.5', '--watch-via', 'grpc', '--identity', 'me'],
      { NATS_URL: 'nats://10.0.0.1:4222', K8TS_PORT: '0', K8TS_SCHEDULER_NAME: 'mine' },
    );
    expect(c).toMatchObject({ apiAddress: '127.0.0.1:7000', natsUrl: 'nats://10.0.0.1:4222', port: 0, schedulerName: 'mine', leaderElect: false, retryPeriodSeconds: 0.5, watchVia: 'grpc', identity: 'me' });
  });

  it('rejects inconsistent settings', () => {
    expect(() => parseConfig(['--leader-elect-lease-duration-seconds', '5', '--leader-elect-renew-deadline-seconds', '5'], {})).toThrow(/greater than/);
    expect(() => parseConfig(['--pod-initial-backoff-seconds', '5', '--pod-max-backoff-seconds', '1'], {})).toThrow(/backoff/);
    expect(() => parseConfig(['--watch-via', 'carrier-pigeon'], {})).toThrow();
  });
});
