import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpamExhaustedError, parseCidr, PodIPAllocator } from './ipam';

describe('PodIPAllocator', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipam-'));
    file = join(dir, 'sub', 'ipam.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands out .2 upward, stable per pod uid', () => {
    const a = new PodIPAllocator('127.244.3.0/24', file);
    expect(a.allocate('uid-a')).toBe('127.244.3.2');
    expect(a.allocate('uid-b')).toBe('127.244.3.3');
    expect(a.allocate('uid-a')).toBe('127.244.3.2');
    expect(a.allocated()).toEqual(new Map([['uid-a', '127.244.3.2'], ['uid-b', '127.244.3.3']]));
  });

  it('persists assignments across instances (kubelet restart)', () => {
    const a = new PodIPAllocator('127.244.3.0/24', file);
    a.allocate('uid-a');
    a.allocate('uid-b');
    a.release('uid-a');
    const b = new PodIPAllocator('127.244.3.0/24', file);
    expect(b.allocated()).toEqual(new Map([['uid-b', '127.244.3.3']]));
    expect(b.allocate('uid-b')).toBe('127.244.3.3');
    expect(b.allocate('uid-c')).toBe('127.244.3.4');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ allocations: { 'uid-b': '127.244.3.3', 'uid-c': '127.244.3.4' } });
  });

  it('skips .0, .1 and .255, and reports exhaustion', () => {
    const a = new PodIPAllocator('127.244.7.0/24', file);
    const ips = new Set<string>();
    for (let i = 0; i < 253; i++) ips.add(a.allocate(`uid-${i}`));
    expect(ips.size).toBe(253);
    expect(ips.has('127.244.7.0')).toBe(false);
    expect(ips.has('127.244.7.1')).toBe(false);
    expect(ips.has('127.244.7.255')).toBe(false);
    expect(ips.has('127.244.7.254')).toBe(true);
    expect(() => a.allocate('one-more')).toThrow(IpamExhaustedError);
    a.release('uid-10');
    expect(a.allocate('one-more')).toBe('127.244.7.12');
  });

  it('does not reuse a just-released IP while others are free', () => {
    const a = new PodIPAllocator('127.244.3.0/24', file);
    a.allocate('uid-a');
    a.release('uid-a');
    expect(a.allocate('uid-b')).toBe('127.244.3.3');
  });

  it('drops stored assignments outside the CIDR and survives a corrupt file', () => {
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ allocations: { old: '10.0.0.5', ok: '127.244.3.9' } }));
    const a = new PodIPAllocator('127.244.3.0/24', join(dir, 'x.json'));
    expect(a.allocated()).toEqual(new Map([['ok', '127.244.3.9']]));
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(new PodIPAllocator('127.244.3.0/24', join(dir, 'bad.json')).allocated().size).toBe(0);
  });

  it('parses CIDRs', () => {
    expect(parseCidr('127.244.3.7/24')).toEqual({ network: 0x7ff40300, prefix: 24 });
    expect(() => parseCidr('nope')).toThrow();
  });
});
