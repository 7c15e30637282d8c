import { utf8Length } from '../util/go-compat';
import { FieldError, invalid, required } from './field-error';
import { FieldPathLike } from './field-path';
import { emptyError, inclusiveRangeError, maxLenError, regexError } from './messages';
import { DNS1123_SUBDOMAIN_MAX_LENGTH, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names';

/** Numeric ranges, port names and assorted string formats. */

/** A non-zero TCP/UDP port: 1-65535. */
export function isValidPortNum(port: number): string[] {
  return isInRange(port, 1, 65535);
}

/** `min <= value <= max`. */
export function isInRange(value: number, min: number, max: number): string[] {
  if (value >= min && value <= max) return [];
  return [inclusiveRangeError(min, max)];
}

const MAX_ID = 2147483647;

/** A Unix GID: 0..2^31-1. */
export function isValidGroupID(gid: number): string[] {
  return isInRange(gid, 0, MAX_ID);
}

/** A Unix UID: 0..2^31-1. */
export function isValidUserID(uid: number): string[] {
  return isInRange(uid, 0, MAX_ID);
}

/**
 * An IANA_SVC_NAME port name: at most 15 characters of [-a-z0-9], at least
 * one letter, no leading/trailing hyphen and no "--".
 */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (utf8Length(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

const PERCENT_FMT = '[0-9]+%';

/** A percentage string like `25%`. */
export function isValidPercent(percent: string): string[] {
  if (!/^[0-9]+%$/.test(percent)) {
    return [
      regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%'),
    ];
  }
  return [];
}

const HEADER_FMT = '[-A-Za-z0-9]+';

/** An HTTP header name (`X-Header-Name`). */
export function isHTTPHeaderName(value: string): string[] {
  if (!/^[-A-Za-z0-9]+$/.test(value)) {
    return [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", HEADER_FMT, 'X-Header-Name')];
  }
  return [];
}

function chdirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const ENV_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';

/** An environment variable name (`my.env-name`, `MY_ENV.NAME`). */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) {
    errs.push(
      regexError(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        ENV_FMT,
        'my.env-name',
        'MY_ENV.NAME',
        'MyEnvName1',
      ),
    );
  }
  return errs.concat(chdirPrefixErrors(value));
}

/** The relaxed environment variable name rule: any printable ASCII except '='. */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push('environment variable name ' + emptyError());
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';

/** A ConfigMap/Secret data key. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_KEY_FMT,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  }
  return errs.concat(chdirPrefixErrors(value));
}

/** A DNS subdomain with at least three dot-separated segments (no trailing dot). */
export function isFullyQualifiedName(p: FieldPathLike, name: string): FieldError[] {
  if (name.length === 0) return [required(p, '')];
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [invalid(p, name, errs.join(','))];
  if (name.split('.').length < 3) return [invalid(p, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

/** A domain with at least two segments; a trailing dot is accepted. */
export function isFullyQualifiedDomainName(p: FieldPathLike, name: string): FieldError[] {
  if (name.length === 0) return [required(p, '')];
  if (name.endsWith('.')) name = name.slice(0, -1);
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [invalid(p, name, errs.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(p, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const le = isDNS1123Label(label);
    if (le.length > 0) return [invalid(p, label, le.join(','))];
  }
  return [];
}

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** `acme.io/foo`: a DNS subdomain, '/', then HTTP path characters. */
export function isDomainPrefixedPath(p: FieldPathLike, dpPath: string): FieldError[] {
  if (dpPath.length === 0) return [required(p, '')];
  const slash = dpPath.indexOf('/');
  const host = slash < 0 ? dpPath : dpPath.slice(0, slash);
  const rest = slash < 0 ? '' : dpPath.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [invalid(p, dpPath, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((m) => invalid(p, host, m));
  if (!httpPathRe.test(rest)) return [...errs, invalid(p, rest, regexError('Invalid path', HTTP_PATH_FMT))];
  return errs;
}

/** `acme.io/foo`: a label key that must carry a domain prefix. */
export function isDomainPrefixedKey(p: FieldPathLike, key: string): FieldError[] {
  if (key.length === 0) return [required(p, '')];
  const errs = isQualifiedName(key).map((m) => invalid(p, key, m));
  if (errs.length > 0) return errs;
  if (key.split('/').length !== 2) return [invalid(p, key, 'must be a domain-prefixed key (such as "acme.io/foo")')];
  return [];
}
