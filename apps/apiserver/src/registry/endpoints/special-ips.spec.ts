import { path } from '@k8ts/apimachinery';
import { validateNonSpecialIP } from './special-ips';

const p = path('ip');

describe('validateNonSpecialIP', () => {
  it.each([
    { desc: 'an ordinary IPv4 address', ip: '10.244.0.5', allowLoopback: false, detail: undefined },
    { desc: 'an ordinary IPv6 address', ip: '2001:db8::5', allowLoopback: false, detail: undefined },
    { desc: 'IPv4 loopback when allowed', ip: '127.0.0.9', allowLoopback: true, detail: undefined },
    { desc: 'IPv6 loopback when allowed', ip: '::1', allowLoopback: true, detail: undefined },
    { desc: 'IPv4 loopback', ip: '127.0.0.9', allowLoopback: false, detail: 'may not be in the loopback range (127.0.0.0/8, ::1/128)' },
    { desc: 'IPv4 unspecified', ip: '0.0.0.0', allowLoopback: true, detail: 'may not be unspecified (0.0.0.0)' },
    { desc: 'IPv6 unspecified', ip: '::', allowLoopback: true, detail: 'may not be unspecified (::)' },
    { desc: 'IPv4 link-local', ip: '169.254.1.1', allowLoopback: true, detail: 'may not be in the link-local range (169.254.0.0/16, fe80::/10)' },
    { desc: 'IPv6 link-local', ip: 'fe80::1', allowLoopback: true, detail: 'may not be in the link-local range (169.254.0.0/16, fe80::/10)' },
    { desc: 'IPv4 link-local multicast', ip: '224.0.0.251', allowLoopback: true, detail: 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)' },
    { desc: 'IPv6 link-local multicast', ip: 'ff02::fb', allowLoopback: true, detail: 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)' },
    { desc: 'IPv4-mapped link-local', ip: '::ffff:169.254.1.1', allowLoopback: true, detail: 'may not be in the link-local range (169.254.0.0/16, fe80::/10)' },
    { desc: 'something that is no IP', ip: 'host', allowLoopback: true, detail: 'must be a valid IP address' },
  ])('$desc', ({ ip, allowLoopback, detail }) => {
    const errs = validateNonSpecialIP(ip, p, { allowLoopback });
    expect(errs.map((e) => e.detail)).toEqual(detail ? [detail] : []);
  });
});
