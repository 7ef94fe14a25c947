// The DC-09 receiver's public surface: the monitoring module wires startDc09Receiver to its
// ingestion pipeline through the adapter types; the rest is exported for tests and the bench.
export { crc16Arc } from './crc.js';
export type { Dc09Key } from './cipher.js';
export {
  buildAck,
  buildDuh,
  buildFrame,
  buildNak,
  parseFrame,
  parseResponse,
  DC09_MESSAGE_IDS,
  DEFAULT_TIME_WINDOW,
  type Dc09Frame,
  type Dc09FrameSpec,
  type Dc09ParseError,
  type Dc09ParseResult,
  type Dc09Response,
} from './frame.js';
export { DC09_EVENT_TYPES, decodeContactId, decodeSiaDcs, type Dc09EventType } from './events.js';
export { toPipelineEvents, type Dc09PipelineEvent } from './pipeline-adapter.js';
export {
  DEFAULT_DC09_LIMITS,
  maybeStartDc09Receiver,
  startDc09Receiver,
  type Dc09Limits,
  type Dc09Receiver,
  type Dc09ReceiverOptions,
  type Dc09ReceiverStats,
} from './receiver.js';
export { PanelSimulator, type PanelOptions, type SendOutcome, type SimulatedEvent } from './simulator.js';
