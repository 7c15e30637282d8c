import { selectControllers, UnknownControllerError } from './select-controllers';

const known = ['replicaset', 'deployment', 'nodelifecycle', 'garbagecollector', 'servicelb'];

describe('selectControllers', () => {
  it.each([
    { desc: 'star selects all', flag: ['*'], want: known },
    { desc: 'names only', flag: ['replicaset', 'deployment'], want: ['replicaset', 'deployment'] },
    { desc: 'star minus one', flag: ['*', '-servicelb'], want: ['replicaset', 'deployment', 'nodelifecycle', 'garbagecollector'] },
    { desc: 'negation wins over name', flag: ['deployment', '-deployment'], want: [] },
    { desc: 'nothing', flag: [], want: [] },
  ])('$desc', ({ flag, want }) => {
    expect(selectControllers(flag, known)).toEqual(want);
  });

  it('rejects unknown names', () => {
    expect(() => selectControllers(['statefulset'], known)).toThrow(UnknownControllerError);
    expect(() => selectControllers(['-statefulset'], known)).toThrow(/unknown controller "statefulset"/);
  });
});
