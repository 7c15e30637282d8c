import { Command, Option } from 'commander';
import { parseOptions } from './parse-options';

function program(): Command {
  return new Command('t').addOption(new Option('--port <n>').env('K8TS_TEST_PORT').default(1).argParser(Number)).exitOverride();
}

describe('parseOptions', () => {
  it.each([
    { desc: 'default', argv: [], env: {}, want: 1 },
    { desc: 'env fallback', argv: [], env: { K8TS_TEST_PORT: '7' }, want: 7 },
    { desc: 'flag wins over env', argv: ['--port', '9'], env: { K8TS_TEST_PORT: '7' }, want: 9 },
  ])('$desc', ({ argv, env, want }) => {
    expect(parseOptions<{ port: number }>(program(), argv, env).port).toBe(want);
  });

  it('leaves process.env as it was', () => {
    parseOptions(program(), [], { K8TS_TEST_PORT: '7' });
    expect(process.env['K8TS_TEST_PORT']).toBeUndefined();
  });
});
