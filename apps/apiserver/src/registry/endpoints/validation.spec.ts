import type { EndpointSubset, Endpoints } from '@k8ts/api';
import { fieldErrorToString } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { Store } from '../generic/store';
import { endpointsStrategy } from './strategy';

const endpoints = (subsets: EndpointSubset[]): Endpoints => ({ metadata: { name: 'web', namespace: 'default' }, subsets: structuredClone(subsets) });

function validateNew(subsets: EndpointSubset[]) {
  const ep = endpoints(subsets);
  endpointsStrategy.prepareForCreate(ep);
  endpointsStrategy.defaults(ep);
  return endpointsStrategy.validate(ep);
}

const ready = (ip: string) => ({ addresses: [{ ip }], ports: [{ port: 8080 }] });

describe('endpointsStrategy.validate', () => {
  it.each<{ desc: string; subsets: EndpointSubset[] }>([
    { desc: 'no subsets', subsets: [] },
    { desc: 'an IPv4 address', subsets: [ready('10.244.1.5')] },
    { desc: 'an IPv6 address', subsets: [ready('fd00::5')] },
    { desc: 'a k8ts loopback pod IP', subsets: [ready('127.0.1.5')] },
    { desc: 'only not-ready addresses', subsets: [{ notReadyAddresses: [{ ip: '10.244.1.5' }] }] },
    { desc: 'a headless subset without ports', subsets: [{ addresses: [{ ip: '10.244.1.5', hostname: 'web-0', nodeName: 'node-1' }] }] },
    {
      desc: 'two named ports',
      subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] }],
    },
  ])('accepts $desc', ({ subsets }) => {
    expect(validateNew(subsets).map(fieldErrorToString)).toEqual([]);
  });

  it.each<{ desc: string; subsets: EndpointSubset[]; field: string; type: string }>([
    { desc: 'a subset without addresses', subsets: [{ ports: [{ port: 80 }] }], field: 'subsets[0]', type: 'FieldValueRequired' },
    { desc: 'an address that is no IP', subsets: [ready('web.example.com')], field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    { desc: 'an IP with leading zeros', subsets: [ready('010.244.1.5')], field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    { desc: 'the unspecified address', subsets: [ready('0.0.0.0')], field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    { desc: 'a link-local address', subsets: [ready('169.254.169.254')], field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    { desc: 'a link-local multicast address', subsets: [ready('224.0.0.1')], field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    {
      desc: 'a bad not-ready address',
      subsets: [{ notReadyAddresses: [{ ip: 'nope' }] }],
      field: 'subsets[0].notReadyAddresses[0].ip',
      type: 'FieldValueInvalid',
    },
    {
      desc: 'a hostname that is no DNS label',
      subsets: [{ addresses: [{ ip: '10.244.1.5', hostname: 'web.0' }] }],
      field: 'subsets[0].addresses[0].hostname',
      type: 'FieldValueInvalid',
    },
    {
      desc: 'an invalid nodeName',
      subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'Node_1' }] }],
      field: 'subsets[0].addresses[0].nodeName',
      type: 'FieldValueInvalid',
    },
    { desc: 'port 0', subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 0 }] }], field: 'subsets[0].ports[0].port', type: 'FieldValueInvalid' },
    {
      desc: 'an unknown protocol',
      subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 80, protocol: 'ICMP' }] }],
      field: 'subsets[0].ports[0].protocol',
      type: 'FieldValueNotSupported',
    },
    {
      desc: 'an unnamed port among several',
      subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'a', port: 80 }, { port: 81 }] }],
      field: 'subsets[0].ports[1].name',
      type: 'FieldValueRequired',
    },
    {
      desc: 'a repeated port name',
      subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }],
      field: 'subsets[0].ports[1].name',
      type: 'FieldValueDuplicate',
    },
    {
      desc: 'a port name that is no DNS label',
      subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'HTTP', port: 80 }] }],
      field: 'subsets[0].ports[0].name',
      type: 'FieldValueInvalid',
    },
  ])('rejects $desc', ({ subsets, field, type }) => {
    expect(validateNew(subsets).map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });

  it('defaults port protocols to TCP', () => {
    const ep = endpoints([ready('10.244.1.5')]);
    endpointsStrategy.defaults(ep);
    expect(ep.subsets?.[0].ports?.[0].protocol).toBe('TCP');
  });

  it('validates updates through the store', async () => {
    const codec = { encode: (o: Endpoints) => Buffer.from(JSON.stringify(o)), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Endpoints };
    const store = new Store<Endpoints>(endpointsStrategy, new MemoryStorage(), codec);
    const created = await store.create('default', endpoints([ready('127.0.0.2')]));
    const bad = { ...structuredClone(created), subsets: [{ addresses: [{ ip: 'not-an-ip' }] }] };
    await expect(store.update('default', bad)).rejects.toMatchObject({ status: { reason: 'Invalid' } });
  });
});
