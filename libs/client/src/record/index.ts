// Recording core/v1 Events about objects (client-go tools/record).
export {
  apiVersionForKind,
  EVENT_TYPE_NORMAL,
  EVENT_TYPE_WARNING,
  EventRecorder,
  objectReference,
  sprintf,
  type EventObject,
  type EventRecorderLogger,
  type EventRecorderOptions,
  type EventSink,
  type EventType,
} from './event-recorder';
