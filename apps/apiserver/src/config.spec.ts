import { parseConfig } from './config';

describe('parseConfig', () => {
  it.each([
    { desc: 'defaults follow the address plan', argv: [], env: {}, want: { securePort: 6443, grpcPort: 6444, serviceClusterIpRange: '127.96.0.0/12', natsUrl: 'nats://127.0.0.1:4222' } },
    { desc: 'flags win', argv: ['--grpc-port', '7000', '--nats-url', 'nats://127.0.0.1:5000'], env: {}, want: { grpcPort: 7000, natsUrl: 'nats://127.0.0.1:5000' } },
    { desc: 'env fills in', argv: [], env: { K8TS_GRPC_PORT: '7001', NATS_URL: 'nats://127.0.0.1:5001' }, want: { grpcPort: 7001, natsUrl: 'nats://127.0.0.1:5001' } },
  ])('$desc', ({ argv, env, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  it('rejects a bad port', () => {
    expect(() => parseConfig(['--grpc-port', 'x'])).toThrow();
  });
});
