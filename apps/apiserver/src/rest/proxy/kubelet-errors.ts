// Kubelet API failures as Kubernetes Status errors.
import { newBadRequest, newInternalError, newNotFound, StatusError } from '@k8ts/apimachinery';
import type { KubeletTarget } from './kubelet-target';

/** How upstream words the common waiting reasons in log errors. */
function waitingText(reason: string): string {
  if (reason === 'ErrImagePull') return "image can't be pulled";
  if (reason === 'ImagePullBackOff') return 'trying and failing to pull image';
  return reason;
}

/** A kubelet response other than success: its status code and plain-text body. */
export function statusForKubeletResponse(code: number, body: string, t: KubeletTarget): StatusError {
  const text = body.trim();
  if (code === 404 && /not found/.test(text) && text.startsWith('container ')) {
    // The pod is known to the API but the kubelet has not created the container yet.
    return newBadRequest(`container "${t.container ?? ''}" in pod "${t.pod}" is waiting to start: ${waitingText(t.waitingReason ?? 'ContainerCreating')}`);
  }
  if (code === 400) return newBadRequest(text);
  if (code === 404) return newNotFound({ group: '', resource: 'pods' }, t.pod);
  return new StatusError({ code: code >= 500 ? code : 500, reason: 'InternalError', message: `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding` });
}

/** The kubelet could not be reached. */
export function statusForKubeletUnreachable(url: string, err: Error): StatusError {
  return newInternalError(new Error(`error trying to reach service: ${url}: ${err.message}`));
}
