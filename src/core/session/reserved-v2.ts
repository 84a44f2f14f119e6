/** Event names socket.io-client 2.x reserves (in a file of its own: the page imports it without the v2 client). */

/**
 * Names socket.io-client 2.x keeps for itself: `socket.emit(name)` fires them locally and sends nothing,
 * so emitting one would silently do nothing on the wire.
 */
export const RESERVED_EVENTS_V2: ReadonlySet<string> = new Set([
  // Reserved by the servers (v2 and v4 alike): a handler for them never sees a client's emit.
  'disconnecting',
  'newListener',
  'removeListener',
  'connect',
  'connect_error',
  'connect_timeout',
  'connecting',
  'disconnect',
  'error',
  'reconnect',
  'reconnect_attempt',
  'reconnect_failed',
  'reconnect_error',
  'reconnecting',
  'ping',
  'pong',
])
