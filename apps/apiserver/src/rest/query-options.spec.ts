import { parseDeleteOptions, parseListOptions, parseWatchOptions } from './query-options';

const q = (s: string) => new URLSearchParams(s);

describe('query options', () => {
  it('parses list options', () => {
    expect(parseListOptions(q('labelSelector=app%3Dweb&fieldSelector=status.phase%3DRunning&limit=500&continue=abc&resourceVersion=10&resourceVersionMatch=NotOlderThan'))).toEqual({
      labelSelector: 'app=web',
      fieldSelector: 'status.phase=Running',
      limit: 500,
      continue: 'abc',
      resourceVersion: '10',
      resourceVersionMatch: 'NotOlderThan',
    });
  });

  it.each([
    { desc: 'negative limit', query: 'limit=-1', message: 'limit' },
    { desc: 'unknown resourceVersionMatch', query: 'resourceVersion=1&resourceVersionMatch=Newest', message: 'resourceVersionMatch: Unsupported value' },
    { desc: 'resourceVersionMatch without resourceVersion', query: 'resourceVersionMatch=Exact', message: 'resourceVersionMatch is forbidden unless resourceVersion is provided' },
    { desc: 'non-numeric resourceVersion', query: 'resourceVersion=abc', message: 'invalid resource version' },
  ])('list: rejects $desc', ({ query, message }) => {
    expect(() => parseListOptions(q(query))).toThrow(message);
  });

  it('parses a WatchList request (kubectl wait/delete)', () => {
    expect(parseWatchOptions(q('allowWatchBookmarks=true&fieldSelector=metadata.name%3Dnginx&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=452&watch=true'))).toEqual({
      labelSelector: undefined,
      fieldSelector: 'metadata.name=nginx',
      resourceVersion: undefined,
      allowBookmarks: true,
      sendInitialEvents: true,
      timeoutSeconds: 452,
    });
  });

  it.each([
    { desc: 'sendInitialEvents without NotOlderThan', query: 'sendInitialEvents=true&allowWatchBookmarks=true', message: 'sendInitialEvents is forbidden for watch unless' },
    { desc: 'sendInitialEvents without bookmarks', query: 'sendInitialEvents=true&resourceVersionMatch=NotOlderThan', message: 'sendInitialEvents requires setting allowWatchBookmarks' },
    { desc: 'Exact on a watch', query: 'resourceVersion=3&resourceVersionMatch=Exact', message: 'resourceVersionMatch Exact is forbidden for watch' },
  ])('watch: rejects $desc', ({ query, message }) => {
    expect(() => parseWatchOptions(q(query))).toThrow(message);
  });

  it('overlays query delete options on the body', () => {
    expect(parseDeleteOptions(q('gracePeriodSeconds=0&dryRun=All'), { propagationPolicy: 'Foreground', preconditions: { uid: 'u' } })).toEqual({
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u' },
      gracePeriodSeconds: 0,
      dryRun: ['All'],
    });
    expect(() => parseDeleteOptions(q('propagationPolicy=Sideways'), undefined)).toThrow('propagationPolicy: Unsupported value');
  });
});
