// The core/v1 Event registry strategy. Upstream applies only its "legacy"
// event checks to core/v1 writes (the strict ones are for
// events.k8s.io/v1): the involved object's namespace must agree with the
// event's, and events that carry eventTime (written by the newer event
// recorder) need reportingController/reportingInstance/action/reason with
// bounded lengths.
//
// k8ts addition: `type`, when set, must be Normal or Warning.
import type { Event } from '@k8ts/api';
import { type FieldError, invalid, isQualifiedName, notSupported, path, required } from '@k8ts/apimachinery';
import type { Strategy } from '../generic/strategy';

export const EVENT_TYPES = ['Normal', 'Warning'];
export const REPORTING_INSTANCE_MAX = 128;
export const ACTION_MAX = 128;
export const REASON_MAX = 128;
export const NOTE_MAX = 1024;

const atMost = (n: number) => `can have at most ${n} characters`;

export function validateEvent(event: Event): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = event.metadata?.namespace ?? '';
  const involvedNs = event.involvedObject?.namespace ?? '';
  const nsPath = path('involvedObject', 'namespace');
  const mismatch = () => invalid(nsPath, involvedNs, 'does not match event.namespace');

  if (!event.eventTime) {
    // Old-style event. Events about cluster-scoped objects live in "default"
    // (or nowhere), events about namespaced objects in the object's namespace.
    if (!involvedNs) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involvedNs) {
      errs.push(mismatch());
    }
  } else {
    if (!involvedNs && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = event.reportingComponent ?? '';
    // The v1 JSON name of reportingController is reportingComponent; upstream reports the internal name.
    const controllerPath = path('reportingController');
    if (!controller) errs.push(required(controllerPath));
    for (const msg of isQualifiedName(controller)) errs.push(invalid(controllerPath, controller, msg));
    const instance = event.reportingInstance ?? '';
    if (!instance) errs.push(required(path('reportingInstance')));
    if (instance.length > REPORTING_INSTANCE_MAX) errs.push(invalid(path('reportingInstance'), '', atMost(REPORTING_INSTANCE_MAX)));
    const action = event.action ?? '';
    if (!action) errs.push(required(path('action')));
    if (action.length > ACTION_MAX) errs.push(invalid(path('action'), '', atMost(ACTION_MAX)));
    const reason = event.reason ?? '';
    if (!reason) errs.push(required(path('reason')));
    if (reason.length > REASON_MAX) errs.push(invalid(path('reason'), '', atMost(REASON_MAX)));
    if ((event.message ?? '').length > NOTE_MAX) errs.push(invalid(path('message'), '', atMost(NOTE_MAX)));
  }

  if (event.type && !EVENT_TYPES.includes(event.type)) errs.push(notSupported(path('type'), event.type, EVENT_TYPES));
  return errs;
}

export const eventStrategy: Strategy<Event> = {
  resource: 'events',
  group: '',
  kind: 'Event',
  namespaced: true,

  defaults: () => undefined,
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
  validate: validateEvent,
  // core/v1 event updates get the same checks as creates (nothing is immutable).
  validateUpdate: (event) => validateEvent(event),

  fields(event) {
    const ref = event.involvedObject ?? {};
    return {
      'involvedObject.kind': ref.kind ?? '',
      'involvedObject.namespace': ref.namespace ?? '',
      'involvedObject.name': ref.name ?? '',
      'involvedObject.uid': ref.uid ?? '',
      'involvedObject.apiVersion': ref.apiVersion ?? '',
      'involvedObject.resourceVersion': ref.resourceVersion ?? '',
      'involvedObject.fieldPath': ref.fieldPath ?? '',
      reason: event.reason ?? '',
      reportingComponent: event.reportingComponent ?? '',
      // Newer recorders leave source empty and name the reporter instead.
      source: event.source?.component || event.reportingComponent || '',
      type: event.type ?? '',
    };
  },
};
