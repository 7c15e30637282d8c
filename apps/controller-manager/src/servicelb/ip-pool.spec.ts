import { IpPool, IpPoolExhaustedError } from './ip-pool';

describe('IpPool', () => {
  it.each([
    { desc: 'a /24 skips network and broadcast', cidr: '127.242.0.0/24', capacity: 254, first: '127.242.0.1' },
    { desc: 'a /30 has two usable addresses', cidr: '10.0.0.0/30', capacity: 2, first: '10.0.0.1' },
    { desc: 'a /31 uses both addresses', cidr: '10.0.0.0/31', capacity: 2, first: '10.0.0.0' },
    { desc: 'a /32 is one address', cidr: '10.0.0.7/32', capacity: 1, first: '10.0.0.7' },
  ])('$desc', ({ cidr, capacity, first }) => {
    const pool = new IpPool(cidr);
    expect(pool.capacity).toBe(capacity);
    expect(pool.allocate('a/x')).toBe(first);
  });

  it.each([
    { desc: 'inside', ip: '127.242.0.9', want: true },
    { desc: 'network address', ip: '127.242.0.0', want: false },
    { desc: 'broadcast address', ip: '127.242.0.255', want: false },
    { desc: 'outside', ip: '127.243.0.9', want: false },
    { desc: 'not an IP', ip: 'web', want: false },
  ])('contains: $desc', ({ ip, want }) => {
    expect(new IpPool('127.242.0.0/24').contains(ip)).toBe(want);
  });

  it('gives a holder the same address again and never one address to two holders', () => {
    const pool = new IpPool('10.0.0.0/30');
    const a = pool.allocate('ns/a');
    expect(pool.allocate('ns/a')).toBe(a);
    const b = pool.allocate('ns/b');
    expect(b).not.toBe(a);
    expect(() => pool.allocate('ns/c')).toThrow(IpPoolExhaustedError);
    expect(pool.claim(a, 'ns/c')).toBe(false);
    expect(pool.release('ns/a')).toBe(a);
    expect(pool.allocate('ns/c')).toBe(a);
    expect(pool.used).toBe(2);
  });

  it('moves a holder to a claimed address and frees the old one', () => {
    const pool = new IpPool('10.0.0.0/29');
    const first = pool.allocate('ns/a');
    expect(pool.claim('10.0.0.5', 'ns/a')).toBe(true);
    expect(pool.holderOf(first)).toBeUndefined();
    expect(pool.ipOf('ns/a')).toBe('10.0.0.5');
    expect(pool.used).toBe(1);
  });

  it('does not hand a freed address out again at once', () => {
    const pool = new IpPool('10.0.0.0/29');
    const a = pool.allocate('ns/a');
    pool.release('ns/a');
    expect(pool.allocate('ns/b')).not.toBe(a);
  });
});
