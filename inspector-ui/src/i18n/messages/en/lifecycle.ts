/**
 * The connection panel (LifecyclePanel): state, socket id, transport, client, the diagnosis box and its
 * one-click fixes, the history of socket ids; and the disconnect reasons' explanations (core
 * session/explain.ts, translated by reason in lib/kind-text.ts).
 */
import type { MessageTree } from '../..'
import { explainDisconnect } from '#core'
import { literal } from '../../../lib/i18n-literal'

/** socket.io's disconnect reasons with a translated explanation (core session/explain.ts), by message key. */
export const DISCONNECT_REASON_KEYS: Readonly<Record<string, string>> = {
  'io server disconnect': 'ioServerDisconnect',
  'io client disconnect': 'ioClientDisconnect',
  'ping timeout': 'pingTimeout',
  'transport close': 'transportClose',
  'transport error': 'transportError',
  'parse error': 'parseError',
  'forced close': 'forcedClose',
  'server namespace disconnect': 'serverNamespaceDisconnect',
  'client namespace disconnect': 'clientNamespaceDisconnect',
  'server shutting down': 'serverShuttingDown',
  'forced server close': 'forcedServerClose',
}

/** The end of a reason's explanation when socket.io reconnects, and the live session's rewording when reconnection is off. */
const RECONNECTS = /; socket\.io reconnects by itself\.$/
const RECONNECTION_OFF = '; reconnection is off, so the session stays disconnected.'

/** The English is the core's own explanation of each reason (`explainDisconnect`), not a copy of it. */
function englishReasons(variant: (explanation: string) => string | undefined): MessageTree {
  const out: MessageTree = {}
  for (const [reason, key] of Object.entries(DISCONNECT_REASON_KEYS)) {
    const text = variant(explainDisconnect(reason).explanation)
    if (text !== undefined)
      out[key] = literal(text)
  }
  return out
}

export default {
  lifecycle: {
    label: 'Connection',
    facts: { state: 'State', socketId: 'Socket id', transport: 'Transport', namespace: 'Namespace', node: 'Node', client: 'Client' },
    state: {
      imported: 'imported capture (read-only)',
      idle: 'not connected',
      reconnecting: 'reconnecting',
      reconnectingAttempt: 'reconnecting (attempt {n})',
      connecting: 'connecting',
      connected: 'connected',
      disconnected: 'disconnected',
    },
    none: 'none',
    noneLast: 'none (last: {transport})',
    copy: 'copy',
    copied: 'copied',
    copyIdTitle: 'Copy the socket id',
    nodeTitle: 'The node this connection landed on, as the server\'s welcome event names it (welcome.node)',
    client: {
      attached: 'your app\'s socket.io-client ({runtime}, attached)',
      v2: 'socket.io-client v2 (socket.io 2.x servers)',
      viaRelay: ', through the relay (the inspector\'s Node process)',
      inPage: ', in this page',
    },
    late: {
      text: 'no packet for {silent} s (heartbeat expected every {interval} s)',
      server: 'The server pings every {interval} s and nothing has come since: it may be frozen or the network stalled. socket.io-client closes the connection ("ping timeout") {giveUp} s after the last packet.',
      client: 'The client pings every {interval} s (socket.io 2) and no answer has come: the server may be frozen or the network stalled. socket.io-client closes the connection ("ping timeout") when {timeout} s pass without an answer.',
    },
    diag: {
      still: 'Still connecting after {s} s.',
      probing: 'Checking the server to say why…',
      viaRelay: 'Checked from the inspector\'s Node process (through the relay).',
      failed: 'Connection failed: {message}',
      clientSaid: 'socket.io-client said:',
      detail: 'detail:',
      retries: 'socket.io keeps trying by itself.',
      noRetry: 'socket.io will not retry by itself: fix the cause, then Connect again.',
    },
    fix: {
      noRelay: 'The relay needs the inspector\'s own server (npm start)',
      v2: 'Switch to the v2 client',
      msgpack: 'Use the msgpack parser and connect',
      defaultParser: 'Use the default parser and connect',
      path: 'Use the path {path}',
      websocket: 'Use WebSocket only',
      relay: 'Connect through the relay',
      tls: 'Accept self-signed certificates',
      relayTls: 'Use the relay and accept self-signed certificates',
      connectsTitle: 'Changes the connect options of this tab and connects again',
      title: 'Changes the connect options of this tab; then press Connect',
      appliedConnecting: 'Options updated: connecting again.',
      applied: 'Options updated: press Connect.',
    },
    history: {
      title: 'Socket ids ({n})',
      none: 'No id yet: a socket id is given by the server on connect.',
      now: 'now',
      endOfCapture: 'end of capture',
      endOfCaptureAt: '(end of capture)',
      recovered: 'recovered',
    },
    duration: { s: '{s} s', min: '{min} min {s} s' },
    reasons: {
      replaced: 'Closed by the inspector: the tab connected again with other options.',
      ...englishReasons(explanation => explanation),
    },
    reasonsOff: englishReasons(explanation => RECONNECTS.test(explanation) ? explanation.replace(RECONNECTS, RECONNECTION_OFF) : undefined),
  },
} satisfies MessageTree
