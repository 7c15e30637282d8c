// Checks shared by every port list that has a name, a number and a protocol
// (Service ports, Endpoints ports): names are DNS labels, required when there
// are several ports and unique; numbers 1-65535; protocol one of `protocols`.
import { duplicate, type FieldError, type FieldPath, invalid, isDNS1123Label, isValidPortNum, notSupported, required } from '@k8ts/apimachinery';

export interface NamedPortLike {
  name?: string | undefined;
  port?: number | undefined;
  protocol?: string | undefined;
}

export function validateNamedPort(port: NamedPortLike, requireName: boolean, names: Set<string>, protocols: readonly string[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = port.name ?? '';
  if (requireName && !name) {
    errs.push(required(p.child('name')));
  } else if (name) {
    for (const msg of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, msg));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    names.add(name);
  }
  for (const msg of isValidPortNum(port.port ?? 0)) errs.push(invalid(p.child('port'), port.port ?? 0, msg));
  const protocol = port.protocol ?? '';
  if (!protocol) errs.push(required(p.child('protocol')));
  else if (!protocols.includes(protocol)) errs.push(notSupported(p.child('protocol'), protocol, protocols));
  return errs;
}
