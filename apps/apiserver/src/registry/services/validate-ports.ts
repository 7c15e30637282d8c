// Validation of spec.ports (upstream validateServicePort and the port
// checks of ValidateService).
import { validateNamedPort } from '../generic/port-validation';
import { intOrStringValue, type Service, type ServicePort } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
} from '@k8ts/apimachinery';
import { PORT_PROTOCOLS } from './service-helpers';

export function validateServicePorts(svc: Service, portsPath: FieldPath): FieldError[] {
  const ports = svc.spec?.ports ?? [];
  const type = svc.spec?.type ?? '';
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, names, portsPath.index(i))));

  // Node ports belong to NodePort and LoadBalancer services only.
  if (type === 'ClusterIP' || type === 'ExternalName') {
    ports.forEach((port, i) => {
      if (port.nodePort) errs.push(forbidden(portsPath.index(i).child('nodePort'), `may not be used when \`type\` is '${type}'`));
    });
  }

  // A node port may appear once per protocol, and so may a port.
  const nodePorts = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const protocol = port.protocol ?? '';
    if (port.nodePort) {
      const key = `${protocol}/${port.nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(portsPath.index(i).child('nodePort'), port.nodePort));
      nodePorts.add(key);
    }
    const key = `${protocol}/${port.port ?? 0}`;
    if (seen.has(key)) errs.push(duplicate(portsPath.index(i), { protocol, port: port.port ?? 0 }));
    seen.add(key);
  });
  return errs;
}

function validateServicePort(port: ServicePort, requireName: boolean, names: Set<string>, p: FieldPath): FieldError[] {
  // Service port names are DNS labels (container port names are IANA_SVC_NAMEs).
  const errs = validateNamedPort(port, requireName, names, PORT_PROTOCOLS, p);

  errs.push(...validatePortNumOrName(port, p.child('targetPort')));

  if (port.appProtocol !== undefined) {
    for (const msg of isQualifiedName(port.appProtocol)) errs.push(invalid(p.child('appProtocol'), port.appProtocol, msg));
  }
  return errs;
}

/** targetPort: a port number 1-65535 or an IANA_SVC_NAME naming a container port. */
function validatePortNumOrName(port: ServicePort, p: FieldPath): FieldError[] {
  const target = intOrStringValue(port.targetPort) ?? 0;
  if (typeof target === 'number') return isValidPortNum(target).map((msg) => invalid(p, target, msg));
  return isValidPortName(target).map((msg) => invalid(p, target, msg));
}
