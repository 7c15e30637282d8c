// The Kubernetes REST API (see rest-api.ts).
export { RestApi, type RestApiOptions } from './rest-api';
