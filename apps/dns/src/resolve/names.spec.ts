import { dashedIP, labelsInZone, normalizeIP, parseDashedIP, parseReverseLabels, reverseName } from './names';

describe('names', () => {
  it.each([
    { desc: 'IPv4', ip: '10.1.2.3', reverse: '3.2.1.10.in-addr.arpa', dashed: '10-1-2-3' },
    { desc: 'IPv6', ip: 'fd00::10', reverse: '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa', dashed: 'fd00--10' },
    { desc: 'IPv6 with groups on both sides', ip: '2001:db8::1:0:1', reverse: '1.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', dashed: '2001-db8--1-0-1' },
  ])('$desc round-trips through reverse and dashed forms', ({ ip, reverse, dashed }) => {
    expect(reverseName(ip)).toBe(reverse);
    const zone = reverse.endsWith('in-addr.arpa') ? 'in-addr.arpa' : 'ip6.arpa';
    expect(parseReverseLabels(labelsInZone(reverse, zone) ?? [], zone)).toBe(ip);
    expect(dashedIP(ip)).toBe(dashed);
    expect(parseDashedIP(dashed)).toBe(ip);
  });

  it.each([
    { desc: 'leading zeros', labels: ['01', '0', '0', '10'], zone: 'in-addr.arpa' },
    { desc: 'too few labels', labels: ['0', '10'], zone: 'in-addr.arpa' },
    { desc: 'octet out of range', labels: ['300', '0', '0', '10'], zone: 'in-addr.arpa' },
    { desc: 'non-nibble', labels: Array(32).fill('g'), zone: 'ip6.arpa' },
  ])('reverse labels that are no IP: $desc', ({ labels, zone }) => {
    expect(parseReverseLabels(labels, zone)).toBeUndefined();
  });

  it.each([
    { name: 'cluster.local', zone: 'cluster.local', want: [] },
    { name: 'a.b.cluster.local', zone: 'cluster.local', want: ['a', 'b'] },
    { name: 'xcluster.local', zone: 'cluster.local', want: undefined },
    { name: 'example.com', zone: 'cluster.local', want: undefined },
  ])('labelsInZone($name)', ({ name, zone, want }) => {
    expect(labelsInZone(name, zone)).toEqual(want);
  });

  it('normalizes IPs and rejects the rest', () => {
    expect(normalizeIP('FD00:0:0::10')).toBe('fd00::10');
    expect(normalizeIP('10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIP('not-an-ip')).toBeUndefined();
    expect(parseDashedIP('web-1')).toBeUndefined();
  });
});
