import type { DisconnectReason } from '../types'

export interface Explanation {
  /** One line in plain words: which side closed and what happens next. */
  explanation: string
  /** Whether socket.io-client reconnects by itself after this reason (when `reconnection` is on). */
  willReconnect: boolean
}

const REASONS: Record<string, Explanation> = {
  'io server disconnect': {
    explanation: 'The server closed this socket (socket.disconnect() on the server); socket.io will not reconnect by itself.',
    willReconnect: false,
  },
  'io client disconnect': {
    explanation: 'This client closed the socket (socket.disconnect()); socket.io will not reconnect by itself.',
    willReconnect: false,
  },
  'ping timeout': {
    explanation: 'The server\'s heartbeat stopped arriving within pingInterval + pingTimeout (network or a blocked event loop); socket.io reconnects by itself.',
    willReconnect: true,
  },
  'transport close': {
    explanation: 'The connection was closed under the socket (server stopped, network lost, or a proxy cut it); socket.io reconnects by itself.',
    willReconnect: true,
  },
  'transport error': {
    explanation: 'The connection failed with an error (e.g. an HTTP error while polling); socket.io reconnects by itself.',
    willReconnect: true,
  },
  'parse error': {
    explanation: 'The client received a packet it could not decode (server/client protocol mismatch?); socket.io reconnects by itself.',
    willReconnect: true,
  },
  'forced close': {
    explanation: 'The connection was closed on the client side (the Manager was closed, or every socket on it left); socket.io will not reconnect by itself.',
    willReconnect: false,
  },
  // Reasons a server reports (relays and the server view may forward these).
  'server namespace disconnect': {
    explanation: 'The server disconnected the socket from the namespace (socket.disconnect() on the server).',
    willReconnect: false,
  },
  'client namespace disconnect': {
    explanation: 'The client left the namespace (socket.disconnect() on the client).',
    willReconnect: false,
  },
  'server shutting down': {
    explanation: 'The server is shutting down (io.close()); a client reconnects by itself when the server is back.',
    willReconnect: true,
  },
  'forced server close': {
    explanation: 'The server closed the whole connection (socket.disconnect(true)); the client does not reconnect by itself.',
    willReconnect: false,
  },
}

/**
 * Explain a disconnect reason in one line, and whether socket.io-client reconnects by itself.
 * Unknown reasons get a generic line (the live session uses `socket.active` for the real answer).
 * @example
 * explainDisconnect('io server disconnect')
 * // { explanation: 'The server closed this socket (…); socket.io will not reconnect by itself.', willReconnect: false }
 */
export function explainDisconnect(reason: DisconnectReason): Explanation {
  const known = Object.prototype.hasOwnProperty.call(REASONS, reason) ? REASONS[reason] : undefined
  return known
    ? { ...known }
    : { explanation: `Disconnected for a reason this inspector does not know: "${reason}".`, willReconnect: false }
}

/**
 * Explain a `connect_error` in one line: middleware rejections (`next(err)`, with `err.data`),
 * unreachable servers, timeouts, and v2/v3+ protocol mismatches.
 * @example explainConnectError(new Error('timeout')) // 'The server did not answer the handshake in time (…).'
 */
export function explainConnectError(err: unknown): string {
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as {
    message?: unknown
    data?: unknown
    type?: unknown
    description?: unknown
  }
  const message = typeof e.message === 'string' ? e.message : String(e.message ?? err)
  if (e.data !== undefined)
    return `A server middleware refused the connection: "${message}" (its err.data is attached).`
  if (message === 'timeout')
    return 'The server did not answer the handshake in time (the `timeout` option); socket.io will retry if reconnection is on.'
  if (message === 'xhr poll error' || message === 'websocket error')
    return `The server could not be reached over ${message.startsWith('xhr') ? 'HTTP long-polling' : 'WebSocket'} (wrong URL or port, server down, or CORS); socket.io will retry if reconnection is on.`
  if (message === 'server error')
    return 'The server refused the handshake (often a v2 server and a v3/v4 client, which cannot talk to each other).'
  if (message === 'Invalid namespace')
    return 'The server has no such namespace; socket.io does not retry.'
  if (/v2\.x with a v3\.x client/.test(message))
    return 'The server speaks Socket.IO v2; use the v2 client (or `allowEIO3` on a v3/v4 server).'
  return `The connection failed: ${message}`
}

/**
 * engine.io-client's `upgradeError` messages (6.x and 3.x alike) when the engine, or its polling transport,
 * closed while the WebSocket upgrade probe ran: nothing went wrong with the upgrade itself.
 */
const ABANDONED_UPGRADE = new Set(['probe error: socket closed', 'probe error: transport closed'])

/** Whether an `upgradeError` only says that the connection closed during the upgrade probe. */
export function isAbandonedUpgrade(message: string): boolean {
  return ABANDONED_UPGRADE.has(message)
}

/**
 * The text of an `upgrade_error` row. An upgrade probe cut short by the connection's own end says so, and why
 * (`refused`: the server refused the connection, e.g. a middleware's `next(err)`, in the same turn); any
 * other message is kept as it is.
 *
 * @example
 * explainUpgradeError('probe error: socket closed', true)
 * // 'probe error: socket closed: the WebSocket upgrade was abandoned because the connection was refused'
 */
export function explainUpgradeError(message: string, refused: boolean): string {
  if (!isAbandonedUpgrade(message))
    return message
  return `${message}: the WebSocket upgrade was abandoned because the connection was ${refused ? 'refused' : 'closed'}`
}
