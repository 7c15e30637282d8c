import type { Node, Pod } from '@k8ts/api';
import { parseSelector } from '@k8ts/apimachinery';
import { newNode, newPod } from '@k8ts/testing';
import { deepFreeze, deletionHandlingKey, Indexer, metaNamespaceKey, NAMESPACE_INDEX, NODE_NAME_INDEX, nodeNameIndexFunc } from './indexer';
import { DeletedFinalStateUnknown } from './types';

const names = (objs: { metadata?: { name?: string } }[]) => objs.map((o) => o.metadata?.name).sort();

describe('Indexer', () => {
  it('keys objects by namespace/name (name alone when cluster-scoped)', () => {
    expect(metaNamespaceKey(newPod({ name: 'a', namespace: 'ns' }))).toBe('ns/a');
    expect(metaNamespaceKey(newNode({ name: 'node-1.example.com' }))).toBe('node-1.example.com');
    expect(() => metaNamespaceKey({ metadata: {} })).toThrow(/metadata.name/);
    const nodes = new Indexer<Node>();
    nodes.add(newNode({ name: 'n1' }));
    expect(nodes.get('n1')?.metadata?.name).toBe('n1');
    expect(nodes.byIndex(NAMESPACE_INDEX, '')).toHaveLength(1);
  });

  it('gets, lists, updates and deletes, keeping the namespace and custom indexes current', () => {
    const idx = new Indexer<Pod>({ [NODE_NAME_INDEX]: nodeNameIndexFunc });
    idx.add(newPod({ name: 'a', namespace: 'x', nodeName: 'n1' }));
    idx.add(newPod({ name: 'b', namespace: 'x', nodeName: 'n2' }));
    idx.add(newPod({ name: 'c', namespace: 'y' }));
    expect(idx.size).toBe(3);
    expect(idx.listKeys().sort()).toEqual(['x/a', 'x/b', 'y/c']);
    expect(names(idx.byIndex(NAMESPACE_INDEX, 'x'))).toEqual(['a', 'b']);
    expect(names(idx.byIndex(NODE_NAME_INDEX, 'n1'))).toEqual(['a']);
    expect(idx.listIndexFuncValues(NODE_NAME_INDEX).sort()).toEqual(['n1', 'n2']);

    idx.update(newPod({ name: 'a', namespace: 'x', nodeName: 'n2' }));
    expect(idx.byIndex(NODE_NAME_INDEX, 'n1')).toEqual([]);
    expect(idx.listIndexFuncValues(NODE_NAME_INDEX)).toEqual(['n2']);
    expect(names(idx.byIndex(NODE_NAME_INDEX, 'n2'))).toEqual(['a', 'b']);
    expect(names(idx.index(NODE_NAME_INDEX, newPod({ nodeName: 'n2' })))).toEqual(['a', 'b']);

    expect(idx.delete('x/b')?.metadata?.name).toBe('b');
    expect(idx.delete('x/b')).toBeUndefined();
    expect(names(idx.byIndex(NODE_NAME_INDEX, 'n2'))).toEqual(['a']);
    expect(idx.getByName('y', 'c')?.metadata?.name).toBe('c');
    expect(idx.get('x/b')).toBeUndefined();
    expect(() => idx.byIndex('nope', 'v')).toThrow(/does not exist/);
  });

  it('lists by label selector, optionally in one namespace', () => {
    const idx = new Indexer<Pod>();
    idx.add(newPod({ name: 'web-1', namespace: 'a', labels: { app: 'web', tier: 'fe' } }));
    idx.add(newPod({ name: 'web-2', namespace: 'b', labels: { app: 'web' } }));
    idx.add(newPod({ name: 'db', namespace: 'a', labels: { app: 'db' } }));
    expect(names(idx.listBySelector('app=web'))).toEqual(['web-1', 'web-2']);
    expect(names(idx.listBySelector('app=web', 'a'))).toEqual(['web-1']);
    expect(names(idx.listBySelector(parseSelector('app in (web,db),tier!=fe')))).toEqual(['db', 'web-2']);
    expect(names(idx.listBySelector(''))).toEqual(['db', 'web-1', 'web-2']);
  });

  it('indexes existing objects when an index is added later, and replaces its content', () => {
    const idx = new Indexer<Pod>();
    idx.add(newPod({ name: 'a', nodeName: 'n1' }));
    idx.addIndexers({ [NODE_NAME_INDEX]: nodeNameIndexFunc });
    expect(names(idx.byIndex(NODE_NAME_INDEX, 'n1'))).toEqual(['a']);
    expect(() => idx.addIndexers({ [NODE_NAME_INDEX]: nodeNameIndexFunc })).toThrow(/already exists/);
    idx.replace([newPod({ name: 'b', nodeName: 'n2' })]);
    expect(idx.listKeys()).toEqual(['default/b']);
    expect(idx.byIndex(NODE_NAME_INDEX, 'n1')).toEqual([]);
    expect(names(idx.byIndex(NODE_NAME_INDEX, 'n2'))).toEqual(['b']);
  });

  it('deepFreeze freezes nested objects and arrays', () => {
    const pod = deepFreeze(newPod({ name: 'a', labels: { app: 'web' } }));
    expect(Object.isFrozen(pod.metadata?.labels)).toBe(true);
    expect(Object.isFrozen(pod.spec?.containers?.[0])).toBe(true);
    expect(() => {
      pod.metadata!.labels!.app = 'x';
    }).toThrow(TypeError);
  });
});

describe('deletionHandlingKey', () => {
  it('keys objects and relist tombstones alike', () => {
    const pod = newPod({ name: 'a', namespace: 'x' });
    expect(deletionHandlingKey(pod)).toBe('x/a');
    expect(deletionHandlingKey(new DeletedFinalStateUnknown('x/a', pod))).toBe('x/a');
  });
});
