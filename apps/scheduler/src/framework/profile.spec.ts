import { selectorFromSet } from '@k8ts/apimachinery';
import { DEFAULT_SCHEDULER_NAME, DEFAULT_SCORE_WEIGHTS, defaultProfile, newProfile } from './profile';
import { FilterPlugin, ScorePlugin, success } from './types';

describe('profile', () => {
  it('default profile: filters in upstream order, weights as documented', () => {
    const p = defaultProfile({ selectorsFor: () => [selectorFromSet({ app: 'web' })] });
    expect(p.schedulerName).toBe(DEFAULT_SCHEDULER_NAME);
    expect(p.filterPlugins.map((f) => f.name)).toEqual([
      'NodeUnschedulable',
      'NodeName',
      'NodeReady',
      'TaintToleration',
      'NodeAffinity',
      'NodePorts',
      'NodeResourcesFit',
    ]);
    expect(p.preFilterPlugins.map((f) => f.name)).toEqual(['NodeAffinity', 'NodePorts', 'NodeResourcesFit']);
    expect(Object.fromEntries(p.scorePlugins.map((s) => [s.plugin.name, s.weight]))).toEqual({
      TaintTolerationPrefer: 3,
      NodeAffinityPreferred: 2,
      NodeResourcesLeastAllocated: 1,
      NodeResourcesBalancedAllocation: 1,
      SelectorSpread: 2,
    });
    expect(Object.keys(DEFAULT_SCORE_WEIGHTS).sort()).toEqual(p.scorePlugins.map((s) => s.plugin.name).sort());
    expect(p.preScorePlugins).toHaveLength(5);
  });

  it('weights can be overridden', () => {
    const p = defaultProfile({ schedulerName: 'k8ts', weights: { SelectorSpread: 5 } });
    expect(p.schedulerName).toBe('k8ts');
    expect(p.scorePlugins.find((s) => s.plugin.name === 'SelectorSpread')?.weight).toBe(5);
  });

  it.each([
    { desc: 'zero weight', weight: 0 },
    { desc: 'negative weight', weight: -1 },
    { desc: 'fractional weight', weight: 1.5 },
  ])('rejects a $desc', ({ weight }) => {
    const s: ScorePlugin = { name: 'S', score: () => 0 };
    expect(() => newProfile({ filters: [], scores: [{ plugin: s, weight }] })).toThrow(/positive integer weight/);
  });

  it('rejects a plugin configured twice', () => {
    const f: FilterPlugin = { name: 'F', filter: () => success() };
    expect(() => newProfile({ filters: [f, f], scores: [] })).toThrow(/configured twice/);
  });
});
