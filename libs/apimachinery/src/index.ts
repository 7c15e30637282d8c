// @k8ts/apimachinery: Kubernetes API machinery (selectors, validation,
// Status errors, quantities) with upstream semantics. No dependencies on
// other @k8ts libraries or generated types: everything is structural.

// Validation: field paths and errors
export { FieldPath, path, pathString } from './validation/field-path';
export type { FieldPathLike } from './validation/field-path';
export {
  OMIT_VALUE,
  duplicate,
  fieldErrorBody,
  fieldErrorToString,
  fieldErrorTypeText,
  forbidden,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooFew,
  tooLong,
  tooLongCharacters,
  tooMany,
  tooShort,
  typeInvalid,
  withOrigin,
} from './validation/field-error';
export type { FieldError, FieldErrorType } from './validation/field-error';
export { FieldErrorsAggregate, aggregateFieldErrors, aggregateMessage } from './validation/field-error-aggregate';
export { emptyError, inclusiveRangeError, maxLenBytesError, maxLenError, regexError } from './validation/messages';

// Validation: formats
export {
  DNS1035_LABEL_MAX_LENGTH,
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  LABEL_VALUE_MAX_LENGTH,
  isCIdentifier,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isLabelKey,
  isPrefixedLabelKey,
  isQualifiedName,
  isValidLabelValue,
  isWildcardDNS1123Subdomain,
} from './validation/names';
export {
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
} from './validation/formats';
export {
  isValidCIDR,
  isValidCIDRForLegacyField,
  isValidIP,
  isValidIPForLegacyField,
  isValidInterfaceAddress,
} from './validation/ip';
export { isValidPathSegmentName, isValidPathSegmentPrefix, validatePathSegmentName } from './validation/path-segment';

// Validation: labels, annotations, object metadata
export {
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  annotationsSize,
  labelSelectorHasInvalidLabelValue,
  validateAnnotations,
  validateLabelName,
  validateLabelSelector,
  validateLabelSelectorRequirement,
  validateLabels,
} from './validation/labels';
export type {
  LabelSelectorLike,
  LabelSelectorRequirementLike,
  LabelSelectorValidationOptions,
} from './validation/labels';
export {
  FIELD_IMMUTABLE_ERROR_MSG,
  FINALIZER_DELETE_DEPENDENTS,
  FINALIZER_ORPHAN_DEPENDENTS,
  IS_NEGATIVE_ERROR_MSG,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  semanticEqual,
  validateFinalizerName,
  validateFinalizers,
  validateImmutableField,
  validateNamespaceName,
  validateNoNewFinalizers,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaName,
  validateObjectMetaUpdate,
  validateOwnerReferences,
  validateServiceAccountName,
} from './validation/object-meta';
export type { ObjectMetaLike, OwnerReferenceLike, ValidateNameFunc } from './validation/object-meta';

// Labels
export { Operators, Requirement, lookupLabel, newRequirement } from './labels/requirement';
export type { LabelsLike, Operator } from './labels/requirement';
export { LabelSelectorParseError, parseRequirements } from './labels/parser';
export {
  everything,
  matchesNothing,
  nothing,
  parseSelector,
  selectorFromRequirements,
  selectorFromSet,
  selectorFromValidatedSet,
  validatedSelectorFromSet,
} from './labels/selector';
export type { Selector } from './labels/selector';
export {
  LabelSelectorError,
  formatLabelSelector,
  labelsMatchSelector,
  parseToLabelSelector,
  selectorFromLabelSelector,
} from './labels/label-selector';
export type { ParsedLabelSelector } from './labels/label-selector';
export {
  convertSelectorToLabelsMap,
  formatLabels,
  labelsConflict,
  labelsEqual,
  labelsToString,
  mergeLabels,
} from './labels/label-set';

// Fields
export { FieldSelectorParseError, escapeFieldValue, unescapeFieldValue } from './fields/escape';
export {
  andFieldSelectors,
  everythingFields,
  fieldSelectorFromSet,
  nothingFields,
  oneTermEqualSelector,
  oneTermNotEqualSelector,
  parseFieldSelector,
} from './fields/selector';
export type { FieldRequirement, FieldSelector, FieldTransform, FieldsLike } from './fields/selector';
export {
  DEFAULT_SELECTABLE_FIELDS,
  FieldLabelNotSupportedError,
  FieldLabelRegistry,
  fieldSetFor,
  getFieldValue,
} from './fields/field-set';
export type { ExtraFields, FieldExtractor, FieldSet, SelectableFieldsSpec } from './fields/field-set';

// Errors
export {
  CauseTypes,
  KNOWN_REASONS,
  StatusReasons,
  groupKindString,
  groupResourceString,
} from './errors/status';
export type {
  GroupKind,
  GroupResource,
  ListMetaLike,
  Status,
  StatusCause,
  StatusDetails,
  StatusLike,
  StatusReason,
} from './errors/status';
export { StatusError, asStatusError, statusForWire, statusOf } from './errors/status-error';
export {
  OPTIMISTIC_LOCK_ERROR_MSG,
  newAlreadyExists,
  newApplyConflict,
  newBadRequest,
  newConflict,
  newForbidden,
  newGenerateNameConflict,
  newGenericServerResponse,
  newGone,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotFound,
  newRequestEntityTooLarge,
  newResourceExpired,
  newServerTimeout,
  newServerTimeoutForKind,
  newServiceUnavailable,
  newTimeout,
  newTooManyRequests,
  newTooManyRequestsError,
  newUnauthorized,
} from './errors/constructors';
export {
  hasStatusCause,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isMethodNotSupported,
  isNotAcceptable,
  isNotFound,
  isRequestEntityTooLarge,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isStoreReadError,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
  isUnexpectedServerError,
  isUnsupportedMediaType,
  reasonForError,
  statusCause,
  suggestsClientDelay,
} from './errors/predicates';
export { GrpcCode, grpcCodeFor, grpcCodeForError, httpCodeForReason, statusErrorFromGrpc } from './errors/grpc';
export { httpStatusFor, toStatus, toStatusError } from './errors/to-status';

// Quantity
export {
  Quantity,
  QuantityParseError,
  Scale,
  compareQuantities,
  newMilliQuantity,
  newQuantity,
  newScaledQuantity,
  parseQuantity,
  quantityFromJSON,
} from './quantity/quantity';
export type { QuantityErrorCode, QuantityFormat } from './quantity/quantity';

// IntOrString
export {
  IntOrStringType,
  fromInt,
  fromString,
  getScaledValueFromIntOrPercent,
  getValueFromIntOrPercent,
  intOrStringToJSON,
  intOrStringToString,
  intOrStringValue,
  intOrStringValueOrDefault,
  isIntOrStringString,
  parseIntOrString,
} from './intstr/intstr';
export type { IntOrStringLike, IntOrStringObject } from './intstr/intstr';

// Naming
export {
  MAX_GENERATE_NAME_PREFIX_LENGTH,
  NAME_SUFFIX_ALPHABET,
  NAME_SUFFIX_LENGTH,
  generateName,
  generateNameSuffix,
  randomString,
  safeEncodeString,
} from './naming/generate-name';
export type { RandomSource } from './naming/generate-name';

// IPv4 addresses and CIDRs as numbers
export * from './net/ipv4-cidr';
