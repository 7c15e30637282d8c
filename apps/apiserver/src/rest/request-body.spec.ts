import { encodeK8sProtobuf } from '@k8ts/api';
import { decodeBody } from './request-body';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('decodeBody', () => {
  it.each([
    { desc: 'JSON', contentType: 'application/json', body: Buffer.from(JSON.stringify(pod)), textual: true },
    { desc: 'JSON with charset', contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(pod)), textual: true },
    { desc: 'no content type (JSON)', contentType: undefined, body: Buffer.from(JSON.stringify(pod)), textual: true },
    { desc: 'YAML', contentType: 'application/yaml', body: Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: i\n'), textual: true },
    { desc: 'protobuf envelope', contentType: 'application/vnd.kubernetes.protobuf', body: Buffer.from(encodeK8sProtobuf('Pod', { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } })), textual: false },
  ])('$desc', ({ contentType, body, textual }) => {
    const d = decodeBody<{ metadata: { name: string }; spec: { containers: { image: string }[] } }>(contentType, body, 'Pod', 'v1');
    expect(d.object.metadata.name).toBe('a');
    expect(d.object.spec.containers[0].image).toBe('i');
    expect(d.json).toMatchObject({ metadata: { name: 'a' } });
    expect(d.textual).toBe(textual);
  });

  it.each([
    { desc: 'malformed JSON', contentType: 'application/json', body: Buffer.from('{'), reason: 'BadRequest', code: 400 },
    { desc: 'another kind', contentType: 'application/json', body: Buffer.from(JSON.stringify({ ...pod, kind: 'Service' })), reason: 'BadRequest', code: 400 },
    { desc: 'another group version', contentType: 'application/json', body: Buffer.from(JSON.stringify({ ...pod, apiVersion: 'apps/v1' })), reason: 'BadRequest', code: 400 },
    { desc: 'a JSON array', contentType: 'application/json', body: Buffer.from('[]'), reason: 'BadRequest', code: 400 },
    { desc: 'protobuf of another kind', contentType: 'application/vnd.kubernetes.protobuf', body: Buffer.from(encodeK8sProtobuf('Namespace', { metadata: { name: 'x' } })), reason: 'BadRequest', code: 400 },
    { desc: 'protobuf without the magic', contentType: 'application/vnd.kubernetes.protobuf', body: Buffer.from('nope'), reason: 'BadRequest', code: 400 },
    { desc: 'CBOR', contentType: 'application/cbor', body: Buffer.from([0xa0]), reason: 'UnsupportedMediaType', code: 415 },
  ])('$desc: $code $reason', ({ contentType, body, reason, code }) => {
    expect(() => decodeBody(contentType, body, 'Pod', 'v1')).toThrow(expect.objectContaining({ status: expect.objectContaining({ reason, code }) }));
  });
});
