import { path } from './field-path';
import { isValidCIDR, isValidCIDRForLegacyField, isValidIP, isValidIPForLegacyField, isValidInterfaceAddress } from './ip';
import { formatIP, parseIPSloppy } from './ip-parse';

const p = path('spec', 'ip');
const BAD_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const BAD_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

describe('isValidIP', () => {
  it.each([
    { desc: 'ipv4', in: '1.2.3.4', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv4 all zeros', in: '0.0.0.0', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv4 max', in: '255.255.255.255', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6', in: '1234::abcd', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 all zeros', in: '::', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 max', in: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 expanded zeros', in: '0:0:0:0:0:0:0:0', err: 'must be in canonical form ("::")', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 leading zeros', in: '0001:002:03:4::', err: 'must be in canonical form ("1:2:3:4::")', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 capitals', in: '1234::ABCD', err: 'must be in canonical form ("1234::abcd")', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 single zero group not compressed', in: '1:0:2:3:4:5:6:7', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 longest zero run compressed', in: '1:0:0:2:0:0:0:3', err: 'must be in canonical form ("1:0:0:2::3")', legacy: '', legacyStrict: '' },
    { desc: 'ipv4 leading zeros', in: '1.1.1.01', err: 'must not have leading 0s', legacy: '', legacyStrict: 'must not have leading 0s' },
    { desc: 'ipv6 group longer than four digits', in: '00001::', err: 'must not have leading 0s', legacy: '', legacyStrict: 'must not have leading 0s' },
    {
      desc: 'ipv4-mapped ipv6',
      in: '::ffff:1.1.1.1',
      err: 'must not be an IPv4-mapped IPv6 address',
      legacy: '',
      legacyStrict: 'must not be an IPv4-mapped IPv6 address',
    },
    { desc: 'empty', in: '', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'junk', in: 'aaaaaaa', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'domain name', in: 'myhost.mydomain', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'cidr', in: '1.2.3.0/24', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'octet out of range', in: '1.2.3.400', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'negative octet', in: '-1.0.0.0', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'ipv6 segment out of range', in: '2001:db8::10005', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'ipv4 with port', in: '1.2.3.4:80', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'ipv6 with brackets', in: '[2001:db8::1]', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'host and port', in: 'example.com:80', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'ipv6 zone', in: '1234::abcd%eth0', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'ipv4 zone', in: '169.254.0.0%eth0', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'two ellipses', in: '1::2::3', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
    { desc: 'ellipsis standing for nothing', in: '1:2:3:4::5:6:7:8', err: BAD_IP, legacy: BAD_IP, legacyStrict: BAD_IP },
  ])('$desc: $in', ({ in: value, err, legacy, legacyStrict }) => {
    const details = (errs: { detail: string }[]) => errs.map((e) => e.detail);
    expect(details(isValidIP(p, value))).toEqual(err ? [err] : []);
    expect(details(isValidIPForLegacyField(p, value, false))).toEqual(legacy ? [legacy] : []);
    expect(details(isValidIPForLegacyField(p, value, true))).toEqual(legacyStrict ? [legacyStrict] : []);
    expect(isValidIPForLegacyField(p, value, true, [value])).toEqual([]);
  });

  it('reports field, value and origin', () => {
    expect(isValidIP(p, '1.1.1.01')).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.ip', badValue: '1.1.1.01', detail: 'must not have leading 0s', origin: 'format=ip-strict' },
    ]);
  });
});

describe('formatIP', () => {
  it.each([
    { desc: 'ipv4', in: '10.0.0.1', out: '10.0.0.1' },
    { desc: 'ipv4 with leading zeros', in: '010.001.0.1', out: '10.1.0.1' },
    { desc: 'mapped ipv4 prints as ipv4', in: '::ffff:10.0.0.1', out: '10.0.0.1' },
    { desc: 'embedded ipv4 that is not mapped', in: '::1.2.3.4', out: '::102:304' },
    { desc: 'loopback', in: '0:0:0:0:0:0:0:1', out: '::1' },
    { desc: 'first of equal runs wins', in: '1:0:0:2:3:0:0:4', out: '1::2:3:0:0:4' },
    { desc: 'trailing zeros', in: '1:0:0:0:0:0:0:0', out: '1::' },
  ])('$desc', ({ in: value, out }) => {
    const ip = parseIPSloppy(value);
    expect(ip).toBeDefined();
    expect(formatIP(ip as Uint8Array)).toBe(out);
  });
});

describe('isValidCIDR', () => {
  it.each([
    { desc: 'ipv4', in: '1.0.0.0/8', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv4 all', in: '0.0.0.0/0', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv4 single', in: '1.1.1.1/32', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6', in: '2001:4860:4860::/48', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 all', in: '::/0', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 single', in: '::1/128', err: '', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 extra zeros', in: '2a00:79e0:2:0::/64', err: 'must be in canonical form ("2a00:79e0:2::/64")', legacy: '', legacyStrict: '' },
    { desc: 'ipv6 capitals', in: '2001:DB8::/64', err: 'must be in canonical form ("2001:db8::/64")', legacy: '', legacyStrict: '' },
    {
      desc: 'ipv4 leading zeros',
      in: '1.1.01.0/24',
      err: 'must not have leading 0s in IP or prefix length',
      legacy: '',
      legacyStrict: 'must not have leading 0s in IP or prefix length',
    },
    {
      desc: 'mapped ipv4 with short prefix',
      in: '::ffff:1.1.1.0/24',
      err: 'must not have an IPv4-mapped IPv6 address',
      legacy: '',
      legacyStrict: 'must not have an IPv4-mapped IPv6 address',
    },
    {
      desc: 'mapped ipv4 with long prefix',
      in: '::ffff:1.1.1.0/120',
      err: 'must not have an IPv4-mapped IPv6 address',
      legacy: '',
      legacyStrict: 'must not have an IPv4-mapped IPv6 address',
    },
    {
      desc: 'ipv4 host bits',
      in: '1.2.3.4/24',
      err: 'must not have bits set beyond the prefix length',
      legacy: '',
      legacyStrict: 'must not have bits set beyond the prefix length',
    },
    {
      desc: 'ipv6 host bits',
      in: '2001:db8::1/64',
      err: 'must not have bits set beyond the prefix length',
      legacy: '',
      legacyStrict: 'must not have bits set beyond the prefix length',
    },
    {
      desc: 'prefix length with leading zero',
      in: '192.168.0.0/016',
      err: 'must not have leading 0s in IP or prefix length',
      legacy: '',
      legacyStrict: 'must not have leading 0s in IP or prefix length',
    },
    { desc: 'empty', in: '', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'junk', in: 'aaaaaaa', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'plain IP', in: '1.2.3.4', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'partial URL', in: '192.168.0.1/healthz', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'two slashes', in: '192.168.0.1/0/99', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'negative prefix', in: '192.168.0.0/-16', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'signed prefix', in: '192.168.0.0/+16', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
    { desc: 'prefix too long', in: '10.0.0.0/33', err: BAD_CIDR, legacy: BAD_CIDR, legacyStrict: BAD_CIDR },
  ])('$desc: $in', ({ in: value, err, legacy, legacyStrict }) => {
    const details = (errs: { detail: string }[]) => errs.map((e) => e.detail);
    expect(details(isValidCIDR(p, value))).toEqual(err ? [err] : []);
    expect(details(isValidCIDRForLegacyField(p, value, false))).toEqual(legacy ? [legacy] : []);
    expect(details(isValidCIDRForLegacyField(p, value, true))).toEqual(legacyStrict ? [legacyStrict] : []);
    expect(isValidCIDRForLegacyField(p, value, true, [value])).toEqual([]);
  });
});

describe('isValidInterfaceAddress', () => {
  it.each([
    { desc: 'ipv4', in: '192.168.1.5/24', err: '' },
    { desc: 'ipv6', in: '2001:db8::1/64', err: '' },
    { desc: 'mapped ipv4 canonicalises to ipv4', in: '::ffff:192.168.0.1/120', err: 'must be in canonical form ("192.168.0.1/24")' },
    { desc: 'ipv6 capitals', in: '2001:DB8::1/64', err: 'must be in canonical form ("2001:db8::1/64")' },
    { desc: 'not a CIDR', in: '1.2.3.4', err: 'must be a valid address in CIDR form, (e.g. 10.9.8.7/24 or 2001:db8::1/64)' },
  ])('$desc', ({ in: value, err }) => {
    expect(isValidInterfaceAddress(p, value).map((e) => e.detail)).toEqual(err ? [err] : []);
  });
});
