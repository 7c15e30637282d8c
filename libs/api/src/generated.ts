// The one place that imports ts-proto output (libs/api/src/gen, Nx project
// `api-gen`). Everything else in this library imports from here.
//
// The gen folder is its own Nx project (`api-gen`, tagged type:generated),
// reached through the `@k8ts/api-gen/*` path alias.
//
// Two ways to reach the types:
// - flat: `import { Pod, Deployment, ObjectMeta } from '@k8ts/api'`;
// - per package namespace (core, apps, discovery, coordination, autoscaling,
//   meta, runtime, intstr), e.g. `discovery.EndpointPort`.
// Names defined in several packages are resolved explicitly at the bottom.

export * from '@k8ts/api-gen/k8s.io/api/core/v1/generated';
export * from '@k8ts/api-gen/k8s.io/api/apps/v1/generated';
export * from '@k8ts/api-gen/k8s.io/api/discovery/v1/generated';
export * from '@k8ts/api-gen/k8s.io/api/coordination/v1/generated';
export * from '@k8ts/api-gen/k8s.io/api/autoscaling/v1/generated';
export * from '@k8ts/api-gen/k8s.io/apimachinery/pkg/apis/meta/v1/generated';
export * from '@k8ts/api-gen/k8s.io/apimachinery/pkg/runtime/generated';
export * from '@k8ts/api-gen/k8s.io/apimachinery/pkg/util/intstr/generated';

export * as core from '@k8ts/api-gen/k8s.io/api/core/v1/generated';
export * as apps from '@k8ts/api-gen/k8s.io/api/apps/v1/generated';
export * as discovery from '@k8ts/api-gen/k8s.io/api/discovery/v1/generated';
export * as coordination from '@k8ts/api-gen/k8s.io/api/coordination/v1/generated';
export * as autoscaling from '@k8ts/api-gen/k8s.io/api/autoscaling/v1/generated';
export * as meta from '@k8ts/api-gen/k8s.io/apimachinery/pkg/apis/meta/v1/generated';
export * as runtime from '@k8ts/api-gen/k8s.io/apimachinery/pkg/runtime/generated';
export * as intstr from '@k8ts/api-gen/k8s.io/apimachinery/pkg/util/intstr/generated';

// --- names that exist in more than one generated module ---------------------

// core/v1 and discovery/v1 both define EndpointPort (with different numbering).
export { EndpointPort } from '@k8ts/api-gen/k8s.io/api/core/v1/generated';
export { EndpointPort as DiscoveryEndpointPort } from '@k8ts/api-gen/k8s.io/api/discovery/v1/generated';

// meta/v1 TypeMeta is the JSON one; runtime TypeMeta lives in the protobuf envelope.
export { TypeMeta } from '@k8ts/api-gen/k8s.io/apimachinery/pkg/apis/meta/v1/generated';
export { TypeMeta as RuntimeTypeMeta } from '@k8ts/api-gen/k8s.io/apimachinery/pkg/runtime/generated';

// ts-proto emits identical helper types in every file; any copy will do.
export type { MessageFns, DeepPartial, Exact } from '@k8ts/api-gen/k8s.io/api/core/v1/generated';

// Each file also exports its proto package and file name. The flat names would
// be ambiguous, so they are pinned to core/v1; use the namespaces
// (`apps.protobufPackage`...) for the other packages.
export { protobufPackage, protobufFileName } from '@k8ts/api-gen/k8s.io/api/core/v1/generated';
