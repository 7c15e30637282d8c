import { path } from './field-path';
import {
  isConfigMapKey,
  isDomainPrefixedKey,
  isDomainPrefixedPath,
  isEnvVarName,
  isFullyQualifiedDomainName,
  isFullyQualifiedName,
  isHTTPHeaderName,
  isInRange,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
} from './formats';
import { isValidPathSegmentName, isValidPathSegmentPrefix, validatePathSegmentName } from './path-segment';

describe('numeric ranges', () => {
  it.each([
    { desc: 'lowest port', fn: () => isValidPortNum(1), errs: [] },
    { desc: 'highest port', fn: () => isValidPortNum(65535), errs: [] },
    { desc: 'port zero', fn: () => isValidPortNum(0), errs: ['must be between 1 and 65535, inclusive'] },
    { desc: 'port too high', fn: () => isValidPortNum(65536), errs: ['must be between 1 and 65535, inclusive'] },
    { desc: 'negative port', fn: () => isValidPortNum(-1), errs: ['must be between 1 and 65535, inclusive'] },
    { desc: 'in range', fn: () => isInRange(5, 1, 10), errs: [] },
    { desc: 'inclusive bounds', fn: () => isInRange(10, 1, 10), errs: [] },
    { desc: 'below range', fn: () => isInRange(0, 1, 10), errs: ['must be between 1 and 10, inclusive'] },
    { desc: 'gid max', fn: () => isValidGroupID(2147483647), errs: [] },
    { desc: 'gid too large', fn: () => isValidGroupID(2147483648), errs: ['must be between 0 and 2147483647, inclusive'] },
    { desc: 'uid negative', fn: () => isValidUserID(-1), errs: ['must be between 0 and 2147483647, inclusive'] },
  ])('$desc', ({ fn, errs }) => {
    expect(fn()).toEqual(errs);
  });
});

describe('isValidPortName', () => {
  it.each([
    { desc: 'simple', value: 'telnet', errs: [] },
    { desc: 'with digits and dash', value: 're-mail-ck', errs: [] },
    { desc: 'letter and digits', value: 'pop3', errs: [] },
    { desc: 'single letter', value: 'a', errs: [] },
    { desc: 'fifteen characters', value: 'a-1-b-2-c-3-d-4', errs: [] },
    { desc: 'sixteen characters', value: 'a'.repeat(16), errs: ['must be no more than 15 characters'] },
    { desc: 'uppercase', value: 'Http', errs: ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'] },
    { desc: 'digits only', value: '1234', errs: ['must contain at least one letter (a-z)'] },
    { desc: 'double hyphen', value: 'a--b', errs: ['must not contain consecutive hyphens'] },
    { desc: 'leading hyphen', value: '-abc', errs: ['must not begin or end with a hyphen'] },
    { desc: 'trailing hyphen', value: 'abc-', errs: ['must not begin or end with a hyphen'] },
    {
      desc: 'empty',
      value: '',
      errs: ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)'],
    },
    {
      desc: 'several problems',
      value: '-_-',
      errs: [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must contain at least one letter (a-z)',
        'must not begin or end with a hyphen',
      ],
    },
  ])('$desc', ({ value, errs }) => {
    expect(isValidPortName(value)).toEqual(errs);
  });
});

describe('string formats', () => {
  it.each([
    { desc: 'percent', fn: isValidPercent, value: '25%', ok: true },
    { desc: 'percent without sign', fn: isValidPercent, value: '25', ok: false },
    { desc: 'negative percent', fn: isValidPercent, value: '-1%', ok: false },
    { desc: 'header name', fn: isHTTPHeaderName, value: 'X-Header-Name', ok: true },
    { desc: 'header with underscore', fn: isHTTPHeaderName, value: 'X_Header', ok: false },
    { desc: 'env var', fn: isEnvVarName, value: 'MY_ENV.NAME', ok: true },
    { desc: 'env var with dash', fn: isEnvVarName, value: 'my.env-name', ok: true },
    { desc: 'env var starting with digit', fn: isEnvVarName, value: '1ABC', ok: false },
    { desc: 'env var ..', fn: isEnvVarName, value: '..', ok: false },
    { desc: 'relaxed env var', fn: isRelaxedEnvVarName, value: '1 !"#$%&', ok: true },
    { desc: 'relaxed env var with =', fn: isRelaxedEnvVarName, value: 'A=B', ok: false },
    { desc: 'relaxed env var with tab', fn: isRelaxedEnvVarName, value: 'A\tB', ok: false },
    { desc: 'relaxed env var non-ASCII', fn: isRelaxedEnvVarName, value: 'é', ok: false },
    { desc: 'config key', fn: isConfigMapKey, value: 'key.name', ok: true },
    { desc: 'config key with slash', fn: isConfigMapKey, value: 'a/b', ok: false },
    { desc: 'config key starting with ..', fn: isConfigMapKey, value: '..a', ok: false },
  ])('$desc', ({ fn, value, ok }) => {
    expect(fn(value).length === 0).toBe(ok);
  });

  it.each([
    { desc: 'dot', value: '.', errs: ["must not be '.'"] },
    { desc: 'dot dot', value: '..', errs: ["must not be '..'"] },
    { desc: 'leading dot dot', value: '..a', errs: ["must not start with '..'"] },
  ])('config key $desc', ({ value, errs }) => {
    expect(isConfigMapKey(value)).toEqual(errs);
  });

  it('relaxed env var name must be non-empty', () => {
    expect(isRelaxedEnvVarName('')).toEqual(['environment variable name must be non-empty']);
  });
});

describe('domain names and prefixed paths', () => {
  const p = path('spec', 'name');
  it.each([
    { desc: 'FQN with three segments', fn: isFullyQualifiedName, value: 'a.b.c', errs: [] as string[] },
    { desc: 'FQN with two segments', fn: isFullyQualifiedName, value: 'a.b', errs: ['spec.name: Invalid value: "a.b": should be a domain with at least three segments separated by dots'] },
    { desc: 'FQN empty', fn: isFullyQualifiedName, value: '', errs: ['spec.name: Required value'] },
    { desc: 'FQDN with trailing dot', fn: isFullyQualifiedDomainName, value: 'example.com.', errs: [] },
    { desc: 'FQDN single label', fn: isFullyQualifiedDomainName, value: 'localhost', errs: ['spec.name: Invalid value: "localhost": should be a domain with at least two segments separated by dots'] },
    { desc: 'prefixed path', fn: isDomainPrefixedPath, value: 'acme.io/foo', errs: [] },
    { desc: 'prefixed path without slash', fn: isDomainPrefixedPath, value: 'acme.io', errs: ['spec.name: Invalid value: "acme.io": must be a domain-prefixed path (such as "acme.io/foo")'] },
    { desc: 'prefixed path with bad path', fn: isDomainPrefixedPath, value: 'acme.io/a b', errs: ["spec.name: Invalid value: \"a b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"] },
    { desc: 'prefixed key', fn: isDomainPrefixedKey, value: 'acme.io/foo', errs: [] },
    { desc: 'prefixed key without prefix', fn: isDomainPrefixedKey, value: 'foo', errs: ['spec.name: Invalid value: "foo": must be a domain-prefixed key (such as "acme.io/foo")'] },
  ])('$desc', ({ fn, value, errs }) => {
    expect(fn(p, value).map((e) => `${e.field}: ${e.type === 'FieldValueRequired' ? 'Required value' : `Invalid value: ${JSON.stringify(e.badValue)}: ${e.detail}`}`)).toEqual(errs);
  });
});

describe('path segment names', () => {
  it.each([
    { desc: 'plain', value: 'abc', name: [], prefix: [] },
    { desc: 'dot', value: '.', name: ["may not be '.'"], prefix: [] },
    { desc: 'dot dot', value: '..', name: ["may not be '..'"], prefix: [] },
    { desc: 'slash', value: 'a/b', name: ["may not contain '/'"], prefix: ["may not contain '/'"] },
    { desc: 'slash and percent', value: 'a/%', name: ["may not contain '/'", "may not contain '%'"], prefix: ["may not contain '/'", "may not contain '%'"] },
  ])('$desc', ({ value, name, prefix }) => {
    expect(isValidPathSegmentName(value)).toEqual(name);
    expect(isValidPathSegmentPrefix(value)).toEqual(prefix);
    expect(validatePathSegmentName(value, false)).toEqual(name);
    expect(validatePathSegmentName(value, true)).toEqual(prefix);
  });
});
