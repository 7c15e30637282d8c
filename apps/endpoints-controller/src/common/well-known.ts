// Label, annotation and name constants shared by the Endpoints and
// EndpointSlice reconcilers (upstream k8s.io/api core/v1 and discovery/v1
// well-known names).

/** Label set on Endpoints and EndpointSlices of a headless Service (value ""). */
export const LABEL_HEADLESS_SERVICE = 'service.kubernetes.io/headless';

/** EndpointSlice label naming the Service the slice belongs to. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

/** EndpointSlice label naming the controller that manages the slice. */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

/** Value of LABEL_MANAGED_BY for slices written by this controller. */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';

/** Annotation upstream sets to the last pod/service change a write reflects (not written by k8ts yet). */
export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Annotation set on an Endpoints object whose addresses were cut to MAX_ENDPOINTS_CAPACITY. */
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

/** Value of ANNOTATION_OVER_CAPACITY. */
export const OVER_CAPACITY_TRUNCATED = 'truncated';

/** Most addresses (ready + not ready) one Endpoints object holds before it is truncated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/** Default most endpoints per EndpointSlice (kube-controller-manager --max-endpoints-per-slice). */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

/** EndpointSlice address types this controller writes. */
export type AddressType = 'IPv4' | 'IPv6';
