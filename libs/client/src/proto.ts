// The component API's generated gRPC definitions, re-exported under the
// names this code uses (from @k8ts/api's apiserverv1 namespace).
import { apiserverv1, STATUS_TRAILER } from '@k8ts/api';

export const ResourcesService = apiserverv1.ResourcesService;
export type BindRequest = apiserverv1.BindRequest;
export type CreateRequest = apiserverv1.CreateRequest;
export type DeleteRequest = apiserverv1.DeleteRequest;
export type GetRequest = apiserverv1.GetRequest;
export type ListRequest = apiserverv1.ListRequest;
export type ListResponse = apiserverv1.ListResponse;
export type ObjectResponse = apiserverv1.ObjectResponse;
export type UpdateRequest = apiserverv1.UpdateRequest;
export type WatchRequest = apiserverv1.WatchRequest;
export type WireWatchEvent = apiserverv1.WatchEvent;

export { STATUS_TRAILER };

