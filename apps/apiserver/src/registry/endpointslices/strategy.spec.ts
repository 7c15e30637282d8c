import type { Endpoint, EndpointSlice } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { endpointSliceStrategy } from './strategy';

const slice = (over: Partial<EndpointSlice> = {}): EndpointSlice => ({
  metadata: { name: 'web-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: 8080 }],
  ...structuredClone(over),
});

function validateNew(over: Partial<EndpointSlice>) {
  const s = slice(over);
  endpointSliceStrategy.prepareForCreate(s);
  endpointSliceStrategy.defaults(s);
  return endpointSliceStrategy.validate(s);
}

const endpoints = (n: number, make: (i: number) => Endpoint): Endpoint[] => Array.from({ length: n }, (_, i) => make(i));

describe('endpointSliceStrategy.validate', () => {
  it.each<{ desc: string; over: Partial<EndpointSlice> }>([
    { desc: 'an IPv4 slice', over: {} },
    { desc: 'k8ts loopback pod IPs', over: { endpoints: [{ addresses: ['127.0.3.7'] }] } },
    { desc: 'an IPv6 slice', over: { addressType: 'IPv6', endpoints: [{ addresses: ['fd00::7'] }] } },
    { desc: 'an FQDN slice', over: { addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }] } },
    { desc: 'no endpoints and no ports', over: { endpoints: [], ports: [] } },
    { desc: '1000 endpoints', over: { endpoints: endpoints(1000, (i) => ({ addresses: [`10.1.${i >> 8}.${i & 255}`] })) } },
    { desc: 'an unnamed port without number (all ports)', over: { ports: [{}] } },
    {
      desc: 'hostname, nodeName, zone and hints',
      over: {
        endpoints: [{ addresses: ['10.244.1.5'], hostname: 'web-0', nodeName: 'node-1', zone: 'a', hints: { forZones: [{ name: 'a' }], forNodes: [{ name: 'node-1' }] } }],
      },
    },
  ])('accepts $desc', ({ over }) => {
    expect(validateNew(over).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; over: Partial<EndpointSlice>; field: string; type: string }>([
    { desc: 'no addressType', over: { addressType: undefined }, field: 'addressType', type: 'FieldValueRequired' },
    { desc: 'the deprecated IP addressType', over: { addressType: 'IP' }, field: 'addressType', type: 'FieldValueNotSupported' },
    { desc: 'more than 1000 endpoints', over: { endpoints: endpoints(1001, () => ({ addresses: ['10.1.1.1'] })) }, field: 'endpoints', type: 'FieldValueTooMany' },
    { desc: 'an endpoint without addresses', over: { endpoints: [{ addresses: [] }] }, field: 'endpoints[0].addresses', type: 'FieldValueRequired' },
    {
      desc: 'an endpoint with 101 addresses',
      over: { endpoints: [{ addresses: Array.from({ length: 101 }, (_, i) => `10.1.1.${i + 1}`) }] },
      field: 'endpoints[0].addresses',
      type: 'FieldValueTooMany',
    },
    { desc: 'an IPv6 address in an IPv4 slice', over: { endpoints: [{ addresses: ['fd00::1'] }] }, field: 'endpoints[0].addresses[0]', type: 'FieldValueInvalid' },
    { desc: 'an IPv4 address in an IPv6 slice', over: { addressType: 'IPv6', endpoints: [{ addresses: ['10.1.1.1'] }] }, field: 'endpoints[0].addresses[0]', type: 'FieldValueInvalid' },
    { desc: 'a link-local address', over: { endpoints: [{ addresses: ['169.254.10.10'] }] }, field: 'endpoints[0].addresses[0]', type: 'FieldValueInvalid' },
    { desc: 'an unqualified FQDN', over: { addressType: 'FQDN', endpoints: [{ addresses: ['db'] }] }, field: 'endpoints[0].addresses[0]', type: 'FieldValueInvalid' },
    {
      desc: 'a non-boolean condition',
      over: { endpoints: [{ addresses: ['10.1.1.1'], conditions: { ready: 'yes' as unknown as boolean } }] },
      field: 'endpoints[0].conditions.ready',
      type: 'FieldValueInvalid',
    },
    { desc: 'a hostname that is no DNS label', over: { endpoints: [{ addresses: ['10.1.1.1'], hostname: 'a.b' }] }, field: 'endpoints[0].hostname', type: 'FieldValueInvalid' },
    { desc: 'an invalid nodeName', over: { endpoints: [{ addresses: ['10.1.1.1'], nodeName: 'Node_1' }] }, field: 'endpoints[0].nodeName', type: 'FieldValueInvalid' },
    {
      desc: 'a repeated zone hint',
      over: { endpoints: [{ addresses: ['10.1.1.1'], hints: { forZones: [{ name: 'a' }, { name: 'a' }] } }] },
      field: 'endpoints[0].hints.forZones[1].name',
      type: 'FieldValueDuplicate',
    },
    { desc: 'more than 100 ports', over: { ports: Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i })) }, field: 'ports', type: 'FieldValueTooMany' },
    { desc: 'a port name that is no DNS label', over: { ports: [{ name: 'HTTP', port: 80 }] }, field: 'ports[0].name', type: 'FieldValueInvalid' },
    { desc: 'a repeated port name', over: { ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }, field: 'ports[1].name', type: 'FieldValueDuplicate' },
    { desc: 'two unnamed ports', over: { ports: [{ port: 80 }, { port: 81 }] }, field: 'ports[1].name', type: 'FieldValueDuplicate' },
    { desc: 'an unknown protocol', over: { ports: [{ port: 80, protocol: 'ICMP' }] }, field: 'ports[0].protocol', type: 'FieldValueNotSupported' },
    { desc: 'port 0', over: { ports: [{ port: 0 }] }, field: 'ports[0].port', type: 'FieldValueInvalid' },
    { desc: 'port 65536', over: { ports: [{ port: 65536 }] }, field: 'ports[0].port', type: 'FieldValueInvalid' },
  ])('rejects $desc', ({ over, field, type }) => {
    expect(validateNew(over).map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });
});

describe('endpointSliceStrategy updates', () => {
  const codec = {
    encode: (o: EndpointSlice) => Buffer.from(JSON.stringify(o)),
    decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as EndpointSlice,
  };
  const newStore = () => new Store<EndpointSlice>(endpointSliceStrategy, new MemoryStorage(), codec);

  it('defaults port name and protocol', async () => {
    const created = await newStore().create('default', slice({ ports: [{ port: 80 }] }));
    expect(created.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
  });

  it('keeps addressType immutable', async () => {
    const store = newStore();
    const created = await store.create('default', slice());
    const changed = { ...structuredClone(created), addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1'] }] };
    await expect(store.update('default', changed)).rejects.toMatchObject({
      status: { reason: 'Invalid', details: { causes: [{ field: 'addressType', reason: 'FieldValueInvalid', message: expect.stringContaining('field is immutable') }] } },
    });
  });

  it.each([
    { desc: 'a new endpoint bumps generation', change: (s: EndpointSlice) => s.endpoints!.push({ addresses: ['10.244.1.6'] }), want: 2 },
    { desc: 'a label change bumps generation', change: (s: EndpointSlice) => (s.metadata!.labels = { ...s.metadata!.labels, x: 'y' }), want: 2 },
    { desc: 'an annotation change does not', change: (s: EndpointSlice) => (s.metadata!.annotations = { note: 'x' }), want: 1 },
    { desc: 'omitting defaulted values does not', change: (s: EndpointSlice) => (s.ports = [{ name: 'http', port: 8080 }]), want: 1 },
  ])('$desc', async ({ change, want }) => {
    const store = newStore();
    const created = await store.create('default', slice());
    expect(created.metadata?.generation).toBe(1);
    const next = structuredClone(created);
    change(next);
    expect((await store.update('default', next)).metadata?.generation).toBe(want);
  });

  it('drops deprecatedTopology, keeping a known node name', () => {
    const old = slice({ endpoints: [{ addresses: ['10.244.1.5'], deprecatedTopology: { 'kubernetes.io/hostname': 'node-1' } }] });
    const next = slice({ endpoints: [{ addresses: ['10.244.1.6'], deprecatedTopology: { 'kubernetes.io/hostname': 'node-1' } }] });
    endpointSliceStrategy.prepareForUpdate(next, old, '');
    expect(next.endpoints).toEqual([{ addresses: ['10.244.1.6'], nodeName: 'node-1', deprecatedTopology: undefined }]);
  });
});
