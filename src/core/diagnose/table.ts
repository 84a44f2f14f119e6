import type { DiagnosisCode } from './types'

/** Default title and suggestion of each diagnosis (the README's Troubleshooting section lists the same). */
export interface DiagnosisText {
  title: string
  suggestion: string
}

/**
 * Title and suggestion of every diagnosis, in plain words. `diagnoseConnection` starts from these and adds
 * what it saw (`detail`), and sometimes a more specific suggestion.
 *
 * @example DIAGNOSES['server-v2'].title // 'This is a Socket.IO 2.x server'
 */
export const DIAGNOSES = {
  'unreachable': {
    title: 'Nothing answers at this address',
    suggestion: 'Check that the server is running and that the host and port are right. '
      + 'For an https URL with a self-signed certificate, open the URL in a browser tab once and accept the certificate.',
  },
  'no-socketio-at-path': {
    title: 'The server answers, but there is no Socket.IO at this path',
    suggestion: 'Set the path option to the one the server uses (its `path` option; "/socket.io" by default). '
      + 'The URL\'s own path is the namespace, not the handshake path.',
  },
  'invalid-namespace': {
    title: 'The server has no such namespace',
    suggestion: 'Namespaces exist only when the server declares them (io.of("/name")). '
      + 'Connect to "/" or to a namespace the server declares; the URL\'s path is the namespace.',
  },
  'middleware-rejected': {
    title: 'The server refused the connection (middleware)',
    suggestion: 'A server middleware called next(err). Read its message and data, then send what it asks for '
      + '(usually auth such as a token, or a query parameter).',
  },
  'handshake-refused': {
    title: 'The server refused the handshake',
    suggestion: 'Something in front of Socket.IO answered the handshake request with an HTTP error: engine-level '
      + 'middleware (io.engine.use, e.g. passport), the allowRequest option, or a proxy. Socket.IO\'s `auth` never reaches '
      + 'it: send what it checks as an HTTP header (Authorization) or a cookie, through the relay (a page cannot send a '
      + 'Cookie header, and sends extra headers on polling requests only).',
  },
  'server-v2': {
    title: 'This is a Socket.IO 2.x server',
    suggestion: 'The v4 client cannot talk to a 2.x server. Switch the client to v2 (socket.io-client 2.x), '
      + 'or upgrade the server to socket.io 4 (or enable allowEIO3 on a 3.x/4.x server for old clients).',
  },
  'cors-rejected': {
    title: 'The server does not allow this page\'s origin (CORS)',
    suggestion: 'Use WebSocket only (transports: ["websocket"]; WebSocket needs no CORS), connect through the '
      + 'inspector\'s relay, or add this page\'s origin to the server\'s cors option.',
  },
  'tls-error': {
    title: 'The secure (TLS) connection failed',
    suggestion: 'The server\'s certificate is not trusted (self-signed, expired, or for another host), or the port '
      + 'does not speak TLS. Use http:// if the server is not https, trust the certificate (open the URL in a tab and '
      + 'accept it), or connect through the relay.',
  },
  'mixed-content': {
    title: 'An https page cannot connect to an http/ws server',
    suggestion: 'Browsers block insecure connections from a secure page. Open the inspector over http, serve the '
      + 'server over https/wss, or connect through the inspector\'s relay.',
  },
  'timeout': {
    title: 'The server never answered',
    suggestion: 'Something accepts connections on this port but does not answer the handshake. Check that it is '
      + 'a Socket.IO server, that it is not stuck (blocked event loop, debugger pause), and that no proxy holds the request.',
  },
  'not-a-socketio-server': {
    title: 'This is not a Socket.IO server',
    suggestion: 'The server answers HTTP but no usual handshake path answers like Socket.IO. Check the port, and '
      + 'ask for the server\'s path option if it uses an unusual one.',
  },
  'handshake-closed': {
    title: 'The server closed the connection during the handshake',
    suggestion: 'Something accepted the connection and then hung up without an answer: a crashing server, a proxy, '
      + 'or a server that does not speak HTTP on this port. Check the server\'s logs and the port.',
  },
  'malformed-handshake': {
    title: 'The server sent a malformed handshake',
    suggestion: 'Its first packet (Engine.IO\'s open packet: 0 and a JSON object with sid, upgrades, pingInterval, '
      + 'pingTimeout) is broken, so the inspector closed this connection instead of letting socket.io-client throw on it. '
      + 'Check that the port is the Socket.IO server and not another service or a proxy that rewrites the answer, and the '
      + 'server\'s engine options (a custom generateId must return a string; pingInterval and pingTimeout are numbers).',
  },
  'ping-timeout': {
    title: 'The server stopped answering after the handshake (ping timeout)',
    suggestion: 'The connection opened, then the server\'s heartbeat stopped. The server may be overloaded, its event '
      + 'loop blocked, or a proxy may cut idle connections. socket.io reconnects by itself when reconnection is on.',
  },
  'sticky-sessions-missing': {
    title: 'This server runs on several nodes without sticky sessions',
    suggestion: 'The handshake reached one node and the next request another, which answered "Session ID unknown". '
      + 'Use WebSocket only (transports: ["websocket"]: one connection, one node), or turn on sticky sessions on the '
      + 'server side (cookie- or IP-based affinity in the load balancer, or @socket.io/sticky for Node cluster workers).',
  },
  'parser-mismatch': {
    title: 'The server speaks a different Socket.IO parser (msgpack?)',
    suggestion: 'The server and the client must encode packets the same way: socket.io-parser (the default) or '
      + 'socket.io-msgpack-parser (`new Server(http, { parser })`). Set the Parser option to the one the server uses; '
      + 'with the other one the Engine.IO handshake works, then the server closes the connection ("parse error") '
      + 'and socket.io reconnects in a loop that never connects.',
  },
  'unknown': {
    title: 'The probes found no problem',
    suggestion: 'The server answers the Socket.IO handshake here. Check the options (auth, query, headers), look at '
      + 'the frames in the log, and try again.',
  },
} as const satisfies Record<DiagnosisCode, DiagnosisText>

/** Every diagnosis code, in the order of the table. */
export const DIAGNOSIS_CODES = Object.keys(DIAGNOSES) as DiagnosisCode[]
