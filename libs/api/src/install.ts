// Installs every Kubernetes-JSON / wire fixup on the generated message types.
// index.ts calls this when @k8ts/api is first imported; calling it again is a
// no-op. Code must therefore use the generated types through '@k8ts/api', never
// by importing libs/api/src/gen directly.

import { installIntOrStringJson } from './int-or-string';
import { installJsonFixups } from './json-fixups';
import { installRawExtensionJson } from './raw-extension';
import { installTimeFields } from './time-fields';

/** Idempotently patches the generated MessageFns (see the files imported above). */
export function installKubernetesJson(): void {
  installIntOrStringJson();
  installTimeFields();
  installJsonFixups();
  installRawExtensionJson();
}
