import { cidrAddress, cidrContains, CidrError, ipToNumber, numberToIp, parseCidr } from './ipv4-cidr';

describe('IPv4 CIDR arithmetic', () => {
  it.each([
    { desc: 'service range', cidr: '127.96.0.0/12', base: '127.96.0.0', size: 2 ** 20 },
    { desc: 'host bits are masked off', cidr: '127.244.3.7/24', base: '127.244.3.0', size: 256 },
    { desc: 'single address', cidr: '10.0.0.1/32', base: '10.0.0.1', size: 1 },
  ])('parses $desc', ({ cidr, base, size }) => {
    const c = parseCidr(cidr);
    expect(numberToIp(c.base)).toBe(base);
    expect(c.size).toBe(size);
  });

  it.each([
    { desc: 'no prefix', cidr: '127.0.0.1' },
    { desc: 'prefix too long', cidr: '127.0.0.0/33' },
    { desc: 'bad octet', cidr: '127.0.0.256/8' },
  ])('rejects $desc', ({ cidr }) => {
    expect(() => parseCidr(cidr)).toThrow(CidrError);
  });

  it('round-trips addresses and answers containment and offsets', () => {
    expect(numberToIp(ipToNumber('127.244.1.2'))).toBe('127.244.1.2');
    const c = parseCidr('127.96.0.0/12');
    expect(cidrAddress(c, 10)).toBe('127.96.0.10');
    expect(cidrContains(c, '127.111.255.255')).toBe(true);
    expect(cidrContains(c, '127.112.0.0')).toBe(false);
  });
});
