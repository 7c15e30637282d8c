import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './controller-expectations';

function setup() {
  let ms = Date.UTC(2026, 0, 1);
  const clock = { now: () => new Date(ms) };
  return { e: new ControllerExpectations(clock), advance: (d: number) => (ms += d) };
}

describe('ControllerExpectations', () => {
  it('is satisfied without expectations, and once every creation was observed', () => {
    const { e } = setup();
    expect(e.satisfiedExpectations('ns/rs')).toBe(true);
    e.expectCreations('ns/rs', 2);
    expect(e.satisfiedExpectations('ns/rs')).toBe(false);
    e.creationObserved('ns/rs');
    expect(e.satisfiedExpectations('ns/rs')).toBe(false);
    e.creationObserved('ns/rs');
    expect(e.satisfiedExpectations('ns/rs')).toBe(true);
  });

  it('counts a deletion once per expected pod', () => {
    const { e } = setup();
    e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    e.deletionObserved('ns/rs', 'ns/a');
    e.deletionObserved('ns/rs', 'ns/a'); // terminating update, then the delete
    e.deletionObserved('ns/rs', 'ns/other');
    expect(e.get('ns/rs')).toEqual({ add: 0, del: 1 });
    expect(e.satisfiedExpectations('ns/rs')).toBe(false);
    e.deletionObserved('ns/rs', 'ns/b');
    expect(e.satisfiedExpectations('ns/rs')).toBe(true);
  });

  it('expires after 5 minutes', () => {
    const { e, advance } = setup();
    e.expectCreations('ns/rs', 1);
    advance(EXPECTATIONS_TIMEOUT_MS);
    expect(e.satisfiedExpectations('ns/rs')).toBe(false);
    advance(1);
    expect(e.satisfiedExpectations('ns/rs')).toBe(true);
  });

  it('forgets deleted keys', () => {
    const { e } = setup();
    e.expectCreations('ns/rs', 3);
    e.deleteExpectations('ns/rs');
    expect(e.satisfiedExpectations('ns/rs')).toBe(true);
    expect(e.get('ns/rs')).toBeUndefined();
  });
});
