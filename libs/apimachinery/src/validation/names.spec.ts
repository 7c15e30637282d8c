import {
  isCIdentifier,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isPrefixedLabelKey,
  isQualifiedName,
  isValidLabelValue,
  isWildcardDNS1123Subdomain,
} from './names';

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isDNS1123Label', () => {
  it.each([
    { desc: 'letter', value: 'a', errs: [] },
    { desc: 'digits', value: '0', errs: [] },
    { desc: 'dashes inside', value: 'a--1--2--b', errs: [] },
    { desc: 'starts with digit', value: '1-abc', errs: [] },
    { desc: 'max length', value: 'a'.repeat(63), errs: [] },
    { desc: 'empty', value: '', errs: [LABEL_MSG] },
    { desc: 'uppercase', value: 'A', errs: [LABEL_MSG] },
    { desc: 'leading dash', value: '-a', errs: [LABEL_MSG] },
    { desc: 'trailing dash', value: 'a-', errs: [LABEL_MSG] },
    { desc: 'underscore', value: 'a_b', errs: [LABEL_MSG] },
    { desc: 'dots', value: 'a.b', errs: ['must not contain dots'] },
    { desc: 'too long', value: 'a'.repeat(64), errs: ['must be no more than 63 characters'] },
    { desc: 'too long with dots', value: 'a.'.repeat(32) + 'a', errs: ['must be no more than 63 characters', 'must not contain dots'] },
  ])('$desc', ({ value, errs }) => {
    expect(isDNS1123Label(value)).toEqual(errs);
  });
});

describe('isDNS1123Subdomain', () => {
  it.each([
    { desc: 'simple', value: 'example.com', errs: [] },
    { desc: 'single label', value: 'a', errs: [] },
    { desc: 'digits and dashes', value: '11.a.22-b', errs: [] },
    { desc: 'max length', value: 'a'.repeat(253), errs: [] },
    { desc: 'empty', value: '', errs: [SUBDOMAIN_MSG] },
    { desc: 'uppercase', value: 'Example.com', errs: [SUBDOMAIN_MSG] },
    { desc: 'double dot', value: 'a..b', errs: [SUBDOMAIN_MSG] },
    { desc: 'label ends with dash', value: 'a-.b', errs: [SUBDOMAIN_MSG] },
    { desc: 'trailing dot', value: 'a.', errs: [SUBDOMAIN_MSG] },
    { desc: 'too long', value: 'a'.repeat(254), errs: ['must be no more than 253 characters'] },
    { desc: 'multi-byte characters count as bytes', value: 'é'.repeat(127), errs: ['must be no more than 253 characters', SUBDOMAIN_MSG] },
  ])('$desc', ({ value, errs }) => {
    expect(isDNS1123Subdomain(value)).toEqual(errs);
  });
});

describe('other DNS names', () => {
  it.each([
    { desc: '1035: letter first', fn: isDNS1035Label, value: 'a-1', errs: [] },
    { desc: '1035: digit first', fn: isDNS1035Label, value: '1-a', errs: [DNS1035_MSG] },
    { desc: '1035: too long', fn: isDNS1035Label, value: 'a'.repeat(64), errs: ['must be no more than 63 characters'] },
    { desc: 'underscore subdomain: allowed', fn: isDNS1123SubdomainWithUnderscore, value: '_srv._tcp.example.com', errs: [] },
    { desc: 'underscore subdomain: trailing underscore', fn: isDNS1123SubdomainWithUnderscore, value: 'a_', errs: [expect.stringContaining("'_', '-' or '.'")] },
    { desc: 'wildcard: valid', fn: isWildcardDNS1123Subdomain, value: '*.example.com', errs: [] },
    { desc: 'wildcard: double wildcard', fn: isWildcardDNS1123Subdomain, value: '*.*.example.com', errs: [expect.stringContaining("must start with '*.'")] },
    { desc: 'wildcard: bare star', fn: isWildcardDNS1123Subdomain, value: '*', errs: [expect.stringContaining("must start with '*.'")] },
    { desc: 'C identifier: valid', fn: isCIdentifier, value: '_my_Name1', errs: [] },
    { desc: 'C identifier: digit first', fn: isCIdentifier, value: '1abc', errs: [expect.stringContaining('a valid C identifier')] },
  ])('$desc', ({ fn, value, errs }) => {
    expect(fn(value)).toEqual(errs);
  });
});

describe('isQualifiedName', () => {
  it.each([
    { desc: 'simple', value: 'simple' },
    { desc: 'dashes', value: 'now-with-dashes' },
    { desc: 'starts with digit', value: '1-starts-with-num' },
    { desc: 'digits', value: '1234' },
    { desc: 'prefix', value: 'simple/simple' },
    { desc: 'dotted prefix', value: 'now.with.dots/simple' },
    { desc: 'numeric prefix', value: '1.2.3.4/5678' },
    { desc: 'uppercase name', value: 'Uppercase_Is_OK_123' },
    { desc: 'prefixed uppercase name', value: 'example.com/Uppercase_Is_OK_123' },
    { desc: 'dots in name', value: 'requests.storage-foo' },
    { desc: 'max name', value: 'a'.repeat(63) },
    { desc: 'max prefix and name', value: 'a'.repeat(253) + '/' + 'b'.repeat(63) },
  ])('accepts $desc', ({ value }) => {
    expect(isQualifiedName(value)).toEqual([]);
  });

  it.each([
    { desc: 'special characters', value: 'nospecialchars%^=@', errs: [NAME_PART_MSG] },
    { desc: 'trailing dash', value: 'cantendwithadash-', errs: [NAME_PART_MSG] },
    { desc: 'leading dash', value: '-cantstartwithadash-', errs: [NAME_PART_MSG] },
    {
      desc: 'two slashes',
      value: 'only/one/slash',
      errs: [
        "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    },
    { desc: 'uppercase prefix', value: 'Example.com/abc', errs: ['prefix part ' + SUBDOMAIN_MSG] },
    { desc: 'underscore prefix', value: 'example_com/abc', errs: ['prefix part ' + SUBDOMAIN_MSG] },
    { desc: 'empty name', value: 'example.com/', errs: ['name part must be non-empty', NAME_PART_MSG] },
    { desc: 'empty prefix', value: '/simple', errs: ['prefix part must be non-empty'] },
    { desc: 'name too long', value: 'a'.repeat(64), errs: ['name part must be no more than 63 bytes'] },
    { desc: 'prefix too long', value: 'a'.repeat(254) + '/abc', errs: ['prefix part must be no more than 253 bytes'] },
    { desc: 'empty', value: '', errs: ['name part must be non-empty', NAME_PART_MSG] },
  ])('rejects $desc', ({ value, errs }) => {
    expect(isQualifiedName(value)).toEqual(errs);
  });

  it.each([
    { desc: 'prefixed', value: 'example.com/key', errs: [] },
    { desc: 'no prefix', value: 'key', errs: ["must include a prefix (e.g. 'example.com/key')"] },
    { desc: 'invalid', value: '-key', errs: [NAME_PART_MSG] },
  ])('isPrefixedLabelKey: $desc', ({ value, errs }) => {
    expect(isPrefixedLabelKey(value)).toEqual(errs);
  });
});

describe('isValidLabelValue', () => {
  it.each([
    { desc: 'simple', value: 'simple', errs: [] },
    { desc: 'dashes', value: 'now-with-dashes', errs: [] },
    { desc: 'ends with digit', value: 'end-with-num-1', errs: [] },
    { desc: 'digits', value: '1234', errs: [] },
    { desc: 'max length', value: 'a'.repeat(63), errs: [] },
    { desc: 'empty', value: '', errs: [] },
    { desc: 'special characters', value: 'nospecialchars%^=@', errs: [LABEL_VALUE_MSG] },
    { desc: 'non-ASCII', value: 'Tama-nui-te-rā.is.Māori.sun', errs: [LABEL_VALUE_MSG] },
    { desc: 'backslashes', value: '\\backslashes\\are\\bad', errs: [LABEL_VALUE_MSG] },
    { desc: 'leading dash', value: '-starts-with-dash', errs: [LABEL_VALUE_MSG] },
    { desc: 'trailing dot', value: 'ends.with.dot.', errs: [LABEL_VALUE_MSG] },
    { desc: 'too long', value: 'a'.repeat(64), errs: ['must be no more than 63 bytes'] },
  ])('$desc', ({ value, errs }) => {
    expect(isValidLabelValue(value)).toEqual(errs);
  });
});
