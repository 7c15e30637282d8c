import { defaultNormalizeScore } from './normalize';

describe('defaultNormalizeScore', () => {
  it.each([
    { desc: 'scales to the maximum', raw: [1, 2, 4], reverse: false, want: [25, 50, 100] },
    { desc: 'truncates', raw: [1, 3], reverse: false, want: [33, 100] },
    { desc: 'all zero stays zero', raw: [0, 0], reverse: false, want: [0, 0] },
    { desc: 'reverse: lower raw is better', raw: [0, 1, 2], reverse: true, want: [100, 50, 0] },
    { desc: 'reverse truncates before subtracting', raw: [1, 3], reverse: true, want: [67, 0] },
    { desc: 'reverse, all zero: all max', raw: [0, 0], reverse: true, want: [100, 100] },
  ])('$desc', ({ raw, reverse, want }) => {
    const scores = raw.map((score, i) => ({ name: `n${i}`, score }));
    defaultNormalizeScore(scores, reverse);
    expect(scores.map((s) => s.score)).toEqual(want);
  });
});
