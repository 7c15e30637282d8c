// Node selector terms (node affinity) compiled once per pod, with upstream's
// semantics (component-helpers scheduling/corev1/nodeaffinity):
// - terms of a NodeSelector are ORed, the requirements inside a term ANDed;
// - an empty term (no matchExpressions and no matchFields) matches nothing;
// - a term with an invalid requirement (unknown operator, wrong number of
//   values, Gt/Lt value that is not an integer, bad label key/value) matches
//   nothing, and the other terms still count;
// - matchFields supports only `metadata.name` with In/NotIn and exactly one value.

import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from '@k8ts/api';
import { Operator, Requirement, Selector, newRequirement, selectorFromRequirements, selectorFromSet } from '@k8ts/apimachinery';

export const NODE_FIELD_NAME = 'metadata.name';

const NODE_SELECTOR_OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

type FieldRequirement = { op: 'in' | 'notin'; value: string };

/** One compiled NodeSelectorTerm. */
export class CompiledNodeSelectorTerm {
  private constructor(
    private readonly labels: Selector | undefined,
    private readonly nameRequirements: readonly FieldRequirement[],
  ) {}

  /** Compile a term; undefined when it is empty or invalid (it then matches nothing). */
  static compile(term: NodeSelectorTerm | undefined): CompiledNodeSelectorTerm | undefined {
    const exprs = term?.matchExpressions ?? [];
    const fields = term?.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return undefined;
    const reqs: Requirement[] = [];
    for (const e of exprs) {
      const r = labelRequirement(e);
      if (!r) return undefined;
      reqs.push(r);
    }
    const nameReqs: FieldRequirement[] = [];
    for (const f of fields) {
      const r = fieldRequirement(f);
      if (!r) return undefined;
      nameReqs.push(r);
    }
    return new CompiledNodeSelectorTerm(reqs.length ? selectorFromRequirements(reqs) : undefined, nameReqs);
  }

  matches(node: Node): boolean {
    if (this.labels && !this.labels.matches(node.metadata?.labels ?? {})) return false;
    const name = node.metadata?.name ?? '';
    return this.nameRequirements.every((r) => (r.op === 'in' ? name === r.value : name !== r.value));
  }
}

function labelRequirement(e: NodeSelectorRequirement): Requirement | undefined {
  const op = Object.prototype.hasOwnProperty.call(NODE_SELECTOR_OPERATORS, e.operator ?? '')
    ? NODE_SELECTOR_OPERATORS[e.operator ?? '']
    : undefined;
  if (!op) return undefined;
  try {
    return newRequirement(e.key ?? '', op, e.values ?? []);
  } catch {
    return undefined;
  }
}

function fieldRequirement(f: NodeSelectorRequirement): FieldRequirement | undefined {
  if (f.key !== NODE_FIELD_NAME) return undefined;
  const values = f.values ?? [];
  if (values.length !== 1) return undefined;
  if (f.operator === 'In') return { op: 'in', value: values[0] };
  if (f.operator === 'NotIn') return { op: 'notin', value: values[0] };
  return undefined;
}

/** A NodeSelector (ORed terms). A selector without valid terms matches nothing. */
export class CompiledNodeSelector {
  private readonly terms: readonly CompiledNodeSelectorTerm[];

  constructor(ns: NodeSelector) {
    this.terms = (ns.nodeSelectorTerms ?? []).flatMap((t) => CompiledNodeSelectorTerm.compile(t) ?? []);
  }

  matches(node: Node): boolean {
    return this.terms.some((t) => t.matches(node));
  }
}

/**
 * What a pod requires of its node (upstream RequiredNodeAffinity):
 * spec.nodeSelector (every label equal) AND
 * affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.
 */
export class RequiredNodeAffinity {
  private readonly labelSelector: Selector | undefined;
  private readonly nodeSelector: CompiledNodeSelector | undefined;

  constructor(pod: Pod) {
    const ns = pod.spec?.nodeSelector;
    this.labelSelector = ns && Object.keys(ns).length > 0 ? selectorFromSet(ns) : undefined;
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.nodeSelector = required ? new CompiledNodeSelector(required) : undefined;
  }

  /** True when the pod has neither a nodeSelector nor required node affinity. */
  get empty(): boolean {
    return !this.labelSelector && !this.nodeSelector;
  }

  matches(node: Node): boolean {
    if (this.labelSelector && !this.labelSelector.matches(node.metadata?.labels ?? {})) return false;
    return !this.nodeSelector || this.nodeSelector.matches(node);
  }
}

/** Preferred node affinity terms (upstream PreferredSchedulingTerms): weight-0 and invalid terms are dropped. */
export class PreferredSchedulingTerms {
  private readonly terms: readonly { weight: number; term: CompiledNodeSelectorTerm }[];

  constructor(terms: readonly PreferredSchedulingTerm[] | undefined) {
    this.terms = (terms ?? []).flatMap((t) => {
      const weight = t.weight ?? 0;
      if (weight === 0) return [];
      const term = CompiledNodeSelectorTerm.compile(t.preference);
      return term ? [{ weight, term }] : [];
    });
  }

  get empty(): boolean {
    return this.terms.length === 0;
  }

  /** Sum of the weights of the terms the node matches. */
  score(node: Node): number {
    let sum = 0;
    for (const t of this.terms) if (t.term.matches(node)) sum += t.weight;
    return sum;
  }
}
