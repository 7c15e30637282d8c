import type { Node } from '@k8ts/api';
import { computeDisruptionState } from './disruption';

const nodes = (...ready: string[]): Node[] => ready.map((status, i) => ({ metadata: { name: `n${i}` }, status: { conditions: [{ type: 'Ready', status }] } }));

describe('computeDisruptionState', () => {
  it.each([
    { desc: 'no nodes: normal', n: nodes(), want: 'Normal' },
    { desc: 'all ready: normal', n: nodes('True', 'True'), want: 'Normal' },
    { desc: 'one of two down: normal', n: nodes('True', 'Unknown'), want: 'Normal' },
    { desc: 'the only node down: full disruption', n: nodes('Unknown'), want: 'FullDisruption' },
    { desc: 'every node down: full disruption', n: nodes('False', 'Unknown', 'Unknown'), want: 'FullDisruption' },
    { desc: 'two of three down: normal (needs more than two)', n: nodes('True', 'Unknown', 'Unknown'), want: 'Normal' },
    { desc: 'three of four down: partial disruption', n: nodes('True', 'Unknown', 'Unknown', 'False'), want: 'PartialDisruption' },
    { desc: 'three of ten down: under the threshold', n: nodes(...Array(7).fill('True'), 'Unknown', 'Unknown', 'Unknown'), want: 'Normal' },
  ])('$desc', ({ n, want }) => {
    expect(computeDisruptionState(n).state).toBe(want);
  });
});
