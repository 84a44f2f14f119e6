import type { SessionParser } from '../types'
/**
 * Connection diagnostics: when a connection fails, probe the handshake URL ourselves and say why in words a
 * user can act on. Framework-free; runs in a browser page (global `fetch`, CORS applies) and in Node (the
 * error's `cause` tells refused / reset / TLS apart, and `pageOrigin` is sent as `Origin` to check CORS).
 *
 * Order of the checks, and why:
 * 1. the client's own error when it is conclusive (`Invalid namespace`, a middleware's `next(err)`);
 * 2. a polling handshake `GET <origin><path>/?EIO=4&transport=polling`: readable → what answered (v4, v2,
 *    an Engine.IO error, or anything else: then other paths first, those an HTML page names included (or the
 *    root page, when a 404 page names none), and only then a 401/403 → `handshake-refused`, else
 *    `not-a-socketio-server`); failed outright → `no-cors`
 *    retry in a browser (answers → the answer has no CORS headers: a WebSocket handshake at the path says
 *    whether Socket.IO is there at all, else other paths are tried before blaming CORS), the error cause in
 *    Node (refused, reset, TLS); no answer → try the usual paths (a bare socket.io server never answers
 *    other paths), else `timeout`;
 * 3. with a v4 handshake: a CONNECT to the URL's namespace over the probe's own session (the server's
 *    answer tells an unknown namespace and middleware rejections apart; "Session ID unknown" on a request of
 *    that session means another node answered it: `sticky-sessions-missing`), then, if the heartbeat is
 *    short, a wait for the server's ping (`ping-timeout`).
 */
import type { Handshake } from './handshake'
import type { ConnectReply } from './parser-probe'
import type { ProbeAnswer } from './probe'
import type { ConnectErrorLike, DiagnoseInput, Diagnosis, DiagnosisCode, ProbeResult, SuggestedSettings } from './types'
import { asMalformedHandshakeData, CLIENT_LIBRARY_ERROR, MALFORMED_HANDSHAKE, malformedHandshakeData, readOpenPacket, RELAY_SESSION_CRASHED } from './handshake'
import { connectBody, connectReplyOf, holdsClose, PARSER_NAMES } from './parser-probe'
import { handshakePathProblem, parseEioError, pathsInPage, probeFetch, probeWebSocket, refusalMessage, runsInBrowser } from './probe'
import { DIAGNOSES } from './table'

/** Handshake paths tried when the given one does not answer like Socket.IO. */
export const COMMON_PATHS = ['/socket.io', '/socketio', '/ws', '/api/socket.io'] as const

/** socket.io-client / engine.io-client error messages that come from the transport, not from the server's code. */
const TRANSPORT_MESSAGES = new Set([
  'xhr poll error',
  'xhr post error',
  'fetch read error',
  'fetch write error',
  'websocket error',
  'webtransport error',
  'probe error',
  'server error',
  'parser error',
  'timeout',
  'transport close',
  'transport error',
  'ping timeout',
  'Connection error',
  // The inspector's own (session/engine-guard.ts, the relay's worker): our side failed, not the server's code.
  CLIENT_LIBRARY_ERROR,
  RELAY_SESSION_CRASHED,
  // Without its evidence (`data`) it is still not a middleware's message: probe.
  MALFORMED_HANDSHAKE,
])

const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|HOSTNAME_MISMATCH|EPROTO)/
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT'])
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_VERSION'])

/** The pieces of a connection URL the probes need. */
export interface Target {
  /** `http(s)://host:port`. */
  origin: string
  /** `ws(s)://host:port`. */
  wsOrigin: string
  secure: boolean
  /** Loopback hosts: browsers treat them as secure (no mixed-content block). */
  loopback: boolean
  /** The URL's path: the namespace (`/` when empty). */
  namespace: string
  /** Handshake path, leading slash, no trailing slash. */
  path: string
}

/**
 * Split a connection URL the way socket.io-client does: the URL's path is the namespace, the handshake path
 * is an option.
 *
 * @example parseTarget('ws://localhost:3000/chat', '/io/').path // '/io'
 */
export function parseTarget(url: string, path?: string): Target {
  const u = new URL(url)
  const scheme = u.protocol.replace(/:$/, '')
  if (!['http', 'https', 'ws', 'wss'].includes(scheme))
    throw new TypeError(`unsupported scheme "${scheme}:" (use http, https, ws or wss)`)
  const secure = scheme === 'https' || scheme === 'wss'
  const host = u.host
  const hostname = u.hostname.replace(/^\[|\]$/g, '')
  // Only handshake URLs we build: a path with `#`, `?`, `..`, a scheme... would make the probe fetch another URL.
  const pathProblem = handshakePathProblem(path)
  if (pathProblem)
    throw new TypeError(pathProblem)
  let p = (path ?? '/socket.io').trim() || '/socket.io'
  if (!p.startsWith('/'))
    p = `/${p}`
  p = p.replace(/\/+$/, '') || '/'
  return {
    origin: `${secure ? 'https' : 'http'}://${host}`,
    wsOrigin: `${secure ? 'wss' : 'ws'}://${host}`,
    secure,
    loopback: hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '::1',
    namespace: decodeURIComponent(u.pathname.replace(/\/+$/, '')) || '/',
    path: p,
  }
}

/** Engine.IO polling URL of a handshake path. */
function pollingUrl(target: Target, path: string, eio: 3 | 4, sid?: string): string {
  const base = path === '/' ? '' : path
  return `${target.origin}${base}/?EIO=${eio}&transport=polling&t=${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${sid ? `&sid=${encodeURIComponent(sid)}` : ''}`
}

/** Whether a `connect_error` came from the server's code (a middleware's `next(err)`), not the transport. */
export function isServerRejection(error: ConnectErrorLike): boolean {
  if (error.message === 'Invalid namespace')
    return false
  if (error.data !== undefined)
    return true
  return !TRANSPORT_MESSAGES.has(error.message)
}

/** Compact, bounded JSON of a value for a detail line. */
export function describeValue(value: unknown, max = 300): string {
  let s: string
  try {
    s = JSON.stringify(value) ?? String(value)
  }
  catch {
    s = String(value)
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s
}

function make(code: DiagnosisCode, detail: string, probe: ProbeResult[], extra: Partial<Diagnosis> = {}): Diagnosis {
  return { code, title: DIAGNOSES[code].title, detail, suggestion: DIAGNOSES[code].suggestion, probe, ...extra }
}

/**
 * The server's open packet is malformed: what is wrong in the title, the packet's first characters as text in
 * the detail (`packet` is already bounded and control characters escaped: see `packetExcerpt`).
 */
function malformedHandshake(problem: string, packet: string, length: number, probe: ProbeResult[], how: string): Diagnosis {
  const shownPart = length > packet.length ? `its first ${packet.length} of ${length} characters` : 'the whole packet'
  // The packet comes last, so that no punctuation of ours runs into it.
  return make('malformed-handshake', `${how} An open packet is "0" and a JSON object with "sid" (a string), "upgrades" `
    + '(a list of transport names), "pingInterval" and "pingTimeout" (milliseconds) and, since Engine.IO 4, "maxPayload" '
    + `(bytes). What the server sent (${shownPart}, as text): ${packet}`, probe, {
    title: `${DIAGNOSES['malformed-handshake'].title}: ${problem}`,
  })
}

function invalidNamespace(target: Target, probe: ProbeResult[], how: string): Diagnosis {
  const looksLikePath = (COMMON_PATHS as readonly string[]).includes(target.namespace)
  return make('invalid-namespace', `${how} The URL asks for the namespace "${target.namespace}" (the URL's path is the namespace); `
    + `the server answered "Invalid namespace" because it declares no namespace of that name. Namespaces are declared by the server (io.of("${target.namespace}")).`, probe, {
    suggestion: looksLikePath
      ? `"${target.namespace}" looks like a handshake path, not a namespace: remove it from the URL (connect to "/") and set the path option to "${target.namespace}" instead.`
      : DIAGNOSES['invalid-namespace'].suggestion,
    ...(looksLikePath ? { suggestedPath: target.namespace, suggestedSettings: { path: target.namespace } } : {}),
  })
}

/** What a refusal's status means, in a word or two (the end of the title). */
const REFUSAL_REASONS: Readonly<Record<number, string>> = {
  400: 'engine middleware error',
  401: 'authentication',
  403: 'forbidden',
  407: 'proxy authentication',
}
/** Statuses that refuse a handshake by themselves (any body): HTTP-level authentication and authorisation. */
const REFUSAL_STATUSES: ReadonlySet<number> = new Set([401, 403, 407])

/**
 * The handshake request was refused with an HTTP error before Socket.IO (or its namespace middleware) ran:
 * engine-level middleware, `allowRequest`, a proxy. `message` is already bounded text (`refusalMessage`,
 * `parseEioError`).
 */
function handshakeRefused(status: number, message: string | undefined, probe: ProbeResult[], how: string, wwwAuthenticate?: string): Diagnosis {
  const reason = REFUSAL_REASONS[status] ?? 'HTTP error'
  const said = message ? ` Its answer says: "${message}".` : ' Its answer has no message.'
  const asks = wwwAuthenticate ? ` It asks for authentication with WWW-Authenticate: ${wwwAuthenticate}.` : ''
  return make('handshake-refused', `${how}${said}${asks} This refusal happens at the HTTP level, before Socket.IO's connection `
    + 'exists: engine-level middleware (io.engine.use, as in socket.io\'s passport-jwt example), the server\'s allowRequest option or a '
    + 'proxy. The auth payload (the auth option) is sent later, inside the connection, so it never reaches this check.', probe, {
    title: `${DIAGNOSES['handshake-refused'].title} (HTTP ${status}): ${reason}`,
    suggestedSettings: { relay: true },
  })
}

/** Whether an answer in the probe's own session is Engine.IO's "Session ID unknown" (code 1, HTTP 400). */
function unknownSession(answer: ProbeAnswer): boolean {
  return answer.result.status === 400 && answer.result.looksLike === 'eio-error' && parseEioError(answer.body)?.code === 1
}

/** A request of the probe's session reached a node that does not know the session. */
function stickySessionsMissing(input: DiagnoseInput, target: Target, probe: ProbeResult[]): Diagnosis {
  const clientSaw = input.error ? ` The client's error ("${input.error.message}"${input.error.description !== undefined ? `, ${describeValue(input.error.description, 60)}` : ''}) is the same failure.` : ''
  return make('sticky-sessions-missing', `${target.origin} answered the handshake at "${target.path}", then answered the next request of that same `
    + 'session with HTTP 400 {"code":1,"message":"Session ID unknown"}: the request reached a server node that did not make the session. '
    + 'HTTP long-polling sends each packet as a request of its own, and a load balancer without sticky sessions spreads them over the nodes.'
    + `${clientSaw} A WebSocket connection is one request, so it stays on one node.`, probe, {
    suggestedSettings: { transports: ['websocket'] },
  })
}

function middlewareRejected(message: string, data: unknown, probe: ProbeResult[], how: string): Diagnosis {
  const dataLine = data === undefined ? ' It sent no data with the error.' : ` Its data: ${describeValue(data)}.`
  return make('middleware-rejected', `${how} The server's middleware rejected the connection with the message "${message}".${dataLine}`, probe)
}

/**
 * Say why a connection failed without any network request, when the client's own error or disconnect reason
 * is enough (an unknown namespace, a middleware rejection, a ping timeout). `undefined` when only probing
 * can tell (transport errors such as "xhr poll error" or "websocket error").
 *
 * @example explainFailure({ url: 'http://localhost:3000/admin', error: { message: 'Invalid namespace' } })?.code // 'invalid-namespace'
 */
export function explainFailure(input: Pick<DiagnoseInput, 'url' | 'path' | 'error' | 'disconnectReason'>): Diagnosis | undefined {
  let target: Target
  try {
    target = parseTarget(input.url, input.path)
  }
  catch {
    return undefined
  }
  const error = input.error
  if (error?.message === MALFORMED_HANDSHAKE) {
    // The session checked the packet before the client library saw it (session/engine-guard.ts).
    const evidence = asMalformedHandshakeData(error.data)
    if (evidence)
      return malformedHandshake(evidence.problem, evidence.packet, evidence.length, [], 'The server\'s first packet (Engine.IO\'s open packet) could not be used, so the session was closed.')
  }
  if (error?.message === 'Invalid namespace')
    return invalidNamespace(target, [], 'socket.io-client reported "Invalid namespace".')
  if (error && isServerRejection(error))
    return middlewareRejected(error.message, error.data, [], 'socket.io-client reported a connect_error from the server.')
  if (input.disconnectReason === 'ping timeout' && !error)
    return make('ping-timeout', 'The session was connected, then the server\'s heartbeat (ping) stopped arriving within pingInterval + pingTimeout, so the client closed the connection ("ping timeout").', [])
  return undefined
}

/**
 * Probe the server behind a failed (or suspicious) connection and say why it fails, in plain words, with a
 * suggestion and, where one helps, settings to apply. Never throws; every request is time-limited.
 *
 * @example
 * const d = await diagnoseConnection({ url: 'http://127.0.0.1:3000/', error: { message: 'xhr poll error' } })
 * d.code // e.g. 'no-socketio-at-path'
 * d.suggestedPath // e.g. '/custom-io'
 */
export async function diagnoseConnection(input: DiagnoseInput): Promise<Diagnosis> {
  const probe: ProbeResult[] = []
  const pathProblem = handshakePathProblem(input.path)
  if (pathProblem) {
    return make('unknown', `Nothing was probed: ${pathProblem}.`, probe, {
      title: 'The handshake path is not valid',
      suggestion: 'Enter a path such as /socket.io (the server\'s path option), without "#", "?", ".." or a scheme.',
    })
  }
  let target: Target
  try {
    target = parseTarget(input.url, input.path)
  }
  catch (error) {
    return make('unknown', `The URL "${input.url}" cannot be used: ${(error as Error).message}.`, probe, {
      title: 'The URL is not valid',
      suggestion: 'Enter a URL such as http://localhost:3000/ (its path is the namespace).',
    })
  }
  const known = explainFailure(input)
  // Conclusive client errors need no probe (the server already said what is wrong).
  if (known && known.code !== 'ping-timeout')
    return known

  const timeoutMs = input.timeoutMs ?? 4000
  const inBrowser = runsInBrowser()
  const pageOrigin = input.pageOrigin
  const pageSecure = pageOrigin?.startsWith('https:') ?? false
  const mixed = pageSecure && !target.secure

  // A browser blocks http/ws from an https page outright (loopback hosts excepted); no request would tell more.
  if (mixed && !target.loopback && inBrowser) {
    return make('mixed-content', `This page is served over https (${pageOrigin}) and the server is ${target.origin}, which is not secure; the browser blocks such requests.`, probe, {
      suggestedSettings: { relay: true },
    })
  }

  const handshake = await probeFetch({ purpose: 'handshake', url: pollingUrl(target, target.path, 4), origin: pageOrigin, timeoutMs })
  probe.push(handshake.result)
  const hs = handshake.result

  if (hs.outcome === 'answered')
    return afterAnswer(input, target, handshake.body, probe, timeoutMs)

  if (hs.outcome === 'timeout') {
    // A bare socket.io (or engine.io) server never answers paths it does not own: look for the right one.
    const found = await scanPaths(input, target, probe, timeoutMs)
    if (found)
      return found
    return make('timeout', `${target.origin} accepted the connection but sent no answer to the handshake at "${target.path}" within ${timeoutMs} ms, and none of the usual paths answered either.`, probe)
  }

  // The request failed outright.
  if (inBrowser) {
    const opaque = await probeFetch({ purpose: 'no-cors', url: pollingUrl(target, target.path, 4), mode: 'no-cors', timeoutMs })
    probe.push(opaque.result)
    if (opaque.result.outcome === 'opaque') {
      // Something answered without CORS headers for this page. From here a Socket.IO handshake refused by CORS
      // looks exactly like any other answer without them (the app's HTML page at a path Socket.IO does not
      // own, a 401): a WebSocket handshake at this path (WebSocket needs no CORS) says whether Socket.IO is
      // there at all; when it is not, look for Socket.IO at the other paths before blaming CORS.
      const ws = await webSocketProbe(target, probe, timeoutMs)
      if (ws?.looksLike !== 'eio4-open') {
        const found = await scanPaths(input, target, probe, timeoutMs)
        if (found)
          return found
      }
      return corsRejected(target, probe, pageOrigin, 'The server answered the handshake request, but without permission for this page\'s origin to read it (no matching Access-Control-Allow-Origin).', ws)
    }
    if (mixed) {
      return make('mixed-content', `This page is served over https (${pageOrigin}) and the server is ${target.origin}, which is not secure; the request failed, most likely blocked as mixed content.`, probe, {
        suggestedSettings: { relay: true },
      })
    }
    // Browsers give no reason for a failed request: refused, reset and a bad certificate all look alike.
    if (target.secure) {
      return make('unreachable', `The request to ${target.origin} failed before any answer. The browser does not say why: nothing may be listening there, `
        + `the connection may have been closed, or the certificate may not be trusted (self-signed, expired, or for another host).`, probe, {
        suggestion: `Open ${target.origin}${target.path}/?EIO=4&transport=polling in a browser tab: a certificate warning means the certificate is not trusted (accept it, or connect through the relay); `
          + 'otherwise check that the server is running on this host and port.',
        suggestedSettings: { relay: true },
        pageBlind: true,
      })
    }
    return make('unreachable', `The request to ${target.origin} failed before any answer. The browser does not say why: most often nothing is listening on that port, `
      + 'but a server that closes the connection without answering looks the same from a page.', probe, { pageBlind: true })
  }

  // Node: the error's cause tells.
  const code = hs.errorCode ?? ''
  if (TLS_CODE.test(code) || /certificate|self[- ]signed|ssl|tls/i.test(hs.error ?? '')) {
    const wrongVersion = /WRONG_VERSION_NUMBER|wrong version number/i.test(`${code} ${hs.error}`)
    return make('tls-error', wrongVersion
      ? `${target.origin} does not speak TLS on this port (${code || hs.error}): it is probably a plain http server.`
      : `The TLS connection to ${target.origin} failed: ${hs.error}${code ? ` (${code})` : ''}.`, probe, {
      ...(wrongVersion
        ? { suggestion: `Use ${target.origin.replace(/^https/, 'http')} (http, not https).` }
        : {}),
    })
  }
  if (REFUSED_CODES.has(code)) {
    return make('unreachable', code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `The host name of ${target.origin} could not be resolved (${code}).`
      : `Nothing is listening at ${target.origin}: the connection was refused (${code}).`, probe)
  }
  if (CLOSED_CODES.has(code) || /other side closed|socket hang up|closed/i.test(hs.error ?? '')) {
    return make('handshake-closed', `${target.origin} accepted the connection, then closed it without answering the handshake (${code || hs.error}).`, probe)
  }
  return make('unknown', `The handshake request to ${target.origin} failed: ${hs.error ?? 'no reason given'}${code ? ` (${code})` : ''}.`, probe, {
    title: 'The handshake request failed',
    suggestion: 'Check the URL and that the server is running; the probe details below show the exact error.',
  })
}

/** Diagnose from a readable answer to the EIO=4 handshake at the given path. */
async function afterAnswer(input: DiagnoseInput, target: Target, body: string, probe: ProbeResult[], timeoutMs: number): Promise<Diagnosis> {
  const hs = probe[probe.length - 1]
  const pageOrigin = input.pageOrigin
  const kind = hs.looksLike

  if (kind === 'eio3-open') {
    return make('server-v2', `The server answered the v4 handshake at "${target.path}" in the Engine.IO 3 format (length-prefixed "${body.slice(0, 24)}…"): it runs socket.io 2.x, which the v4 client cannot talk to.`, probe, {
      suggestedSettings: { client: 'v2' },
    })
  }

  if (kind === 'eio-error') {
    const eioError = parseEioError(body)!
    if (eioError.code === 5) {
      // "Unsupported protocol version" to EIO=4: an Engine.IO 3 server that checks the version. Ask in its own.
      const v3 = await probeFetch({ purpose: 'handshake-eio3', url: pollingUrl(target, target.path, 3), origin: pageOrigin, timeoutMs })
      probe.push(v3.result)
      if (v3.result.looksLike === 'eio3-open') {
        return make('server-v2', `The server refused the v4 handshake ("${eioError.message}") and answered the v3 one: it runs socket.io 2.x, which the v4 client cannot talk to.`, probe, {
          suggestedSettings: { client: 'v2' },
        })
      }
    }
    if (eioError.code === 4) {
      return handshakeRefused(hs.status ?? 403, eioError.message || 'Forbidden', probe, `Engine.IO at "${target.path}" refused the handshake request with HTTP ${hs.status} and its error 4 (Forbidden): the server's allowRequest option decided so.`)
    }
    if (eioError.code === 3) {
      // Engine.IO answers "Bad request" (3) to a plain polling handshake when engine middleware called
      // next(err) (or a custom generateId threw).
      return handshakeRefused(hs.status ?? 400, eioError.message || 'Bad request', probe, `Engine.IO at "${target.path}" refused the handshake request with HTTP ${hs.status} and its error 3 (Bad request): an engine middleware (io.engine.use) called next(err), or the server's generateId threw.`)
    }
    if (eioError.code === 0 && /transport/i.test(eioError.message)) {
      return make('unknown', `The server at "${target.path}" runs Socket.IO but refuses HTTP long-polling ("${eioError.message}"): it only accepts WebSocket.`, probe, {
        title: 'The server accepts WebSocket only',
        suggestion: 'Set the transports to WebSocket only.',
        suggestedSettings: { transports: ['websocket'] },
      })
    }
    return make('unknown', `The server at "${target.path}" answered the handshake with the Engine.IO error ${eioError.code} "${eioError.message}" (HTTP ${hs.status}).`, probe, {
      title: 'The server answered the handshake with an Engine.IO error',
      suggestion: 'Check the server\'s engine options (transports, allowRequest, allowEIO3) and any proxy in front of it.',
    })
  }

  if (kind !== 'eio4-open') {
    // The usual Express app answers every path with its page, which names the handshake path it uses. An app
    // that serves its page at "/" only (socket.io's chat example) answers the others with Express's 404 page,
    // which names none: its page, at the root handshake URL, still does.
    const named = kind === 'html' ? pathsInPage(body) : []
    const found = await scanPaths(input, target, probe, timeoutMs, named.length > 0 || kind !== 'html' ? named : await pathsAtRoot(input, target, timeoutMs))
    if (found)
      return found
    if (hs.status !== undefined && REFUSAL_STATUSES.has(hs.status)) {
      const cors = pageOrigin && !runsInBrowser() && !allowsOrigin(hs.allowOrigin, pageOrigin)
        ? ` (Its Access-Control-Allow-Origin does not allow ${pageOrigin} either: from that page, only the relay gets past both.)`
        : ''
      return handshakeRefused(hs.status, refusalMessage(body, hs.contentType), probe, `The server answered the handshake request at "${target.path}" with HTTP ${hs.status}, and no other path answers like Socket.IO.${cors}`, hs.wwwAuthenticate)
    }
    const what = kind === 'html' ? 'an HTML page' : `"${(hs.bodyStart ?? '').slice(0, 60)}"`
    return make('not-a-socketio-server', `${target.origin} answers HTTP (status ${hs.status}, ${what}) at "${target.path}", and none of the handshake paths tried (${candidatePaths(target, input.candidatePaths).join(', ')}) answers like Socket.IO.`, probe)
  }

  // A v4 handshake. In Node, check the CORS answer the browser would get.
  if (pageOrigin && !runsInBrowser() && !allowsOrigin(hs.allowOrigin, pageOrigin)) {
    return corsRejected(target, probe, pageOrigin, `The server answers the handshake, but its Access-Control-Allow-Origin is ${hs.allowOrigin ? `"${hs.allowOrigin}"` : 'missing'}, so a page at ${pageOrigin} may not read it.`, await webSocketProbe(target, probe, timeoutMs))
  }

  // `eio4-open` only says the body starts like an open packet: its JSON and fields may still be broken.
  const first = body.split('\x1E')[0]
  const reading = readOpenPacket(first.slice(1))
  if (!reading.ok) {
    const evidence = malformedHandshakeData(reading.problem, first.slice(1))
    return malformedHandshake(evidence.problem, evidence.packet, evidence.length, probe, `The server answered the probe's handshake request at "${target.path}" with a malformed open packet.`)
  }
  const open = reading.handshake
  const { diagnosis: session, serverParser } = await probeSession(input, target, open, probe, timeoutMs)
  if (session)
    return serverParser && !session.serverParser ? { ...session, serverParser } : session

  const error = input.error
  const detail = `The server at ${target.origin} answers the Socket.IO v4 handshake at "${target.path}" and accepted a connection to the namespace "${target.namespace}" from the inspector's probe.`
  const parserSeen = serverParser ? { serverParser } : {}
  if (input.disconnectReason === 'ping timeout') {
    return make('ping-timeout', `${detail} The session was connected, then the server's heartbeat stopped arriving in time ("ping timeout"); it answers again now.`, probe, parserSeen)
  }
  if (error) {
    return make('unknown', `${detail} The client's error was "${error.message}"${error.description !== undefined ? ` (${describeValue(error.description, 120)})` : ''}.`, probe, {
      title: 'The server answers; the client\'s connection failed anyway',
      suggestion: error.message === 'websocket error'
        ? 'The WebSocket connection failed while polling works: a proxy may block WebSocket. Try polling only, or check the proxy.'
        : DIAGNOSES.unknown.suggestion,
      ...parserSeen,
    })
  }
  return make('unknown', detail, probe, parserSeen)
}

function allowsOrigin(allowOrigin: string | null | undefined, pageOrigin: string): boolean {
  return allowOrigin === '*' || allowOrigin === pageOrigin
}

/** A WebSocket handshake at the target's path, where the runtime has a global `WebSocket` (recorded in `probe`). */
async function webSocketProbe(target: Target, probe: ProbeResult[], timeoutMs: number): Promise<ProbeResult | undefined> {
  const ws = await probeWebSocket(`${target.wsOrigin}${target.path === '/' ? '' : target.path}/?EIO=4&transport=websocket`, timeoutMs)
  if (ws)
    probe.push(ws)
  return ws
}

/**
 * CORS rejection of polling; a WebSocket probe (where the runtime has one) tells which way around it works.
 * Without a WebSocket handshake either, a page cannot tell CORS from another answer without CORS headers:
 * the diagnosis says so and is marked `pageBlind` (the relay's Node probe reads every answer).
 */
async function corsRejected(target: Target, probe: ProbeResult[], pageOrigin: string | undefined, detail: string, ws: ProbeResult | undefined): Promise<Diagnosis> {
  const wsWorks = ws?.looksLike === 'eio4-open'
  const settings: SuggestedSettings = wsWorks ? { transports: ['websocket'] } : { relay: true }
  const where = pageOrigin ? ` (this page: ${pageOrigin})` : ''
  const blind = runsInBrowser() && !wsWorks
  return make('cors-rejected', `${detail}${where} HTTP long-polling from this page is rejected by the server's CORS settings.${wsWorks ? ' A WebSocket-only connection works (the probe got the handshake).' : ws ? ' A WebSocket probe did not get a handshake either.' : ''}${
    blind ? ' A page cannot read an answer without CORS headers, so this may also be something other than Socket.IO (an HTML page, an HTTP error) at this path; none of the other paths tried answers readably.' : ''}`, probe, {
    suggestion: wsWorks
      ? 'Set the transports to WebSocket only (WebSocket needs no CORS), or connect through the inspector\'s relay, or add this page\'s origin to the server\'s cors option.'
      : DIAGNOSES['cors-rejected'].suggestion,
    suggestedSettings: settings,
    ...(blind ? { pageBlind: true as const } : {}),
  })
}

/**
 * Handshake paths worth trying, most likely first: the URL's own path (people paste the handshake path into
 * the URL, where socket.io-client takes it for the namespace), the usual paths, and the caller's extra ones.
 */
export function candidatePaths(target: Target, extra: readonly string[] = []): string[] {
  // The namespace is the URL's *decoded* path: `%23` there is a `#` here, so it is checked like any path.
  const fromUrl = target.namespace !== '/' && !handshakePathProblem(target.namespace) ? [target.namespace] : []
  const all = [...fromUrl, ...COMMON_PATHS, ...extra.filter(p => !handshakePathProblem(p)).map(p => parseTarget('http://x/', p).path)]
  return [...new Set(all)].filter(p => p !== target.path)
}

/** Whether an answer is a Socket.IO handshake (v4, v2, or a v2 server refusing EIO=4). */
function answersLikeSocketIo(a: ProbeAnswer): boolean {
  return a.result.looksLike === 'eio4-open' || a.result.looksLike === 'eio3-open'
    || (a.result.looksLike === 'eio-error' && parseEioError(a.body)?.code === 5)
}

/**
 * Try the candidate handshake paths at once; a diagnosis when one answers like Socket.IO. `pagePaths` are
 * paths the server's own HTML page named (`pathsInPage`): they are tried after the others, and only the one
 * that answers is recorded (the probe reports what Socket.IO answered, never what else a page contains).
 */
async function scanPaths(input: DiagnoseInput, target: Target, probe: ProbeResult[], timeoutMs: number, pagePaths: readonly string[] = []): Promise<Diagnosis | undefined> {
  const usual = candidatePaths(target, input.candidatePaths)
  const named = pagePaths.map(p => parseTarget('http://x/', p).path).filter(p => p !== target.path && !usual.includes(p))
  const candidates = [...usual, ...named]
  const answers = await Promise.all(candidates.map(p => probeFetch({ purpose: 'path', url: pollingUrl(target, p, 4), origin: input.pageOrigin, timeoutMs })))
  answers.forEach((a, i) => {
    if (i < usual.length || answersLikeSocketIo(a))
      probe.push(a.result)
  })
  const index = answers.findIndex(answersLikeSocketIo)
  if (index < 0)
    return undefined
  const path = candidates[index]
  const v2 = answers[index].result.looksLike !== 'eio4-open'
  const inUrl = path === target.namespace
  const fromPage = index >= usual.length
  const v2Note = v2 ? ' That server is socket.io 2.x: use the v2 client too.' : ''
  return make('no-socketio-at-path', `Nothing answers like Socket.IO at the handshake path "${target.path}" on ${target.origin}, but "${path}" does${v2 ? ' (a socket.io 2.x server)' : ''}.${
    inUrl ? ` "${path}" is in the URL, where it is taken for the namespace, not the handshake path.` : ''}${
    fromPage ? ` The server's HTML page names "${path}" (its Socket.IO client is loaded from there, or set to that path).` : ''}`, probe, {
    suggestion: inUrl
      ? `Set the path option to "${path}" and remove "${path}" from the URL (connect to the namespace "/", or to the namespace you want).${v2Note}`
      : `Set the path option to "${path}" (the server's \`path\` option, "/socket.io" by default). The URL's own path is the namespace, not the handshake path.${v2Note}`,
    suggestedPath: path,
    suggestedSettings: v2 ? { path, client: 'v2' } : { path },
  })
}

/**
 * Handshake paths named by the page the server answers at the root handshake URL (`/?EIO=4&transport=polling`:
 * still a URL the probe built). Not recorded: only a named path that answers like Socket.IO is (`scanPaths`).
 */
async function pathsAtRoot(input: DiagnoseInput, target: Target, timeoutMs: number): Promise<string[]> {
  if (target.path === '/')
    return []
  const root = await probeFetch({ purpose: 'path', url: pollingUrl(target, '/', 4), origin: input.pageOrigin, timeoutMs })
  return root.result.looksLike === 'html' ? pathsInPage(root.body) : []
}

/** Split an EIO4 polling payload into packets. */
function packetsOf(body: string): string[] {
  return body ? body.split('\x1E') : []
}

/** How one CONNECT of the probe went (`connectOver`). */
type ConnectOutcome
  = | { kind: 'reply', reply: ConnectReply }
    /** The server ended the Engine.IO session after the CONNECT (a close packet): it could not decode it? */
    | { kind: 'closed' }
    | { kind: 'diagnosis', diagnosis: Diagnosis }
    /** Nothing conclusive (a proxy's error, an answer without a reply). */
    | { kind: 'inconclusive' }

/**
 * Send a CONNECT to the URL's namespace in `parser`'s encoding over the probe's Engine.IO session `sid`, and
 * read the server's answer (skipping pings and noops: three reads at most).
 */
async function connectOver(input: DiagnoseInput, target: Target, sid: string, parser: SessionParser, probe: ProbeResult[], timeoutMs: number, purpose: 'namespace' | 'parser'): Promise<ConnectOutcome> {
  const pageOrigin = input.pageOrigin
  const url = () => pollingUrl(target, target.path, 4, sid)
  const post = await probeFetch({ purpose, method: 'POST', url: url(), body: connectBody(parser, target.namespace), origin: pageOrigin, timeoutMs })
  probe.push(post.result)
  // Every request of the session names it (`sid`): an Engine.IO server that does not know it is another node.
  if (unknownSession(post))
    return { kind: 'diagnosis', diagnosis: stickySessionsMissing(input, target, probe) }
  if (post.result.outcome !== 'answered' || (post.result.status ?? 0) >= 400)
    return { kind: 'inconclusive' } // A proxy's error, say; the handshake itself worked.
  for (let i = 0; i < 3; i++) {
    const get = await probeFetch({ purpose, url: url(), origin: pageOrigin, timeoutMs })
    probe.push(get.result)
    if (get.result.outcome === 'timeout') {
      return {
        kind: 'diagnosis',
        diagnosis: make('ping-timeout', `The server answered the handshake at "${target.path}", then stopped answering: the connection request to the namespace "${target.namespace}" got no reply within ${timeoutMs} ms. `
        + 'A client sees this as a connection that opens and then times out (no CONNECT reply, then "ping timeout").', probe),
      }
    }
    if (unknownSession(get))
      return { kind: 'diagnosis', diagnosis: stickySessionsMissing(input, target, probe) }
    if (get.result.outcome !== 'answered' || (get.result.status ?? 0) >= 400)
      return { kind: 'inconclusive' }
    const packets = packetsOf(get.body)
    const reply = connectReplyOf(parser, packets, target.namespace)
    if (reply)
      return { kind: 'reply', reply }
    if (holdsClose(packets))
      return { kind: 'closed' }
  }
  return { kind: 'inconclusive' }
}

/**
 * A second probe session that sends its CONNECT in `parser`'s encoding: whether the server answers it (a
 * CONNECT or CONNECT_ERROR reply in that encoding). Its session is closed after.
 */
async function answersWith(input: DiagnoseInput, target: Target, parser: SessionParser, probe: ProbeResult[], timeoutMs: number): Promise<boolean> {
  const handshake = await probeFetch({ purpose: 'parser', url: pollingUrl(target, target.path, 4), origin: input.pageOrigin, timeoutMs })
  probe.push(handshake.result)
  if (handshake.result.outcome !== 'answered' || handshake.result.looksLike !== 'eio4-open')
    return false
  const reading = readOpenPacket(handshake.body.split('\x1E')[0].slice(1))
  if (!reading.ok)
    return false
  const outcome = await connectOver(input, target, reading.handshake.sid, parser, probe, timeoutMs, 'parser')
  if (outcome.kind === 'reply' || outcome.kind === 'inconclusive') {
    const r = await probeFetch({ purpose: 'close', method: 'POST', url: pollingUrl(target, target.path, 4, reading.handshake.sid), body: '1', origin: input.pageOrigin, timeoutMs: Math.min(timeoutMs, 1000) })
    probe.push(r.result)
  }
  return outcome.kind === 'reply'
}

/** What the server speaks, in a sentence. */
function serverSpeaks(server: SessionParser): string {
  return server === 'msgpack'
    ? 'The server speaks socket.io-msgpack-parser (its `parser` option): every Socket.IO packet is one binary msgpack frame.'
    : 'The server speaks the default parser (socket.io-parser): its packets are text such as 40 and 42["event",…].'
}

/** The session's parser is not the server's (`detail`: what the probes saw). */
function parserMismatch(detail: string, server: SessionParser, probe: ProbeResult[]): Diagnosis {
  return make('parser-mismatch', `${detail} ${serverSpeaks(server)}`, probe, {
    ...(server === 'default' ? { title: 'The server speaks a different Socket.IO parser (the default socket.io-parser, not msgpack)' } : {}),
    suggestion: `Set the Parser option to ${server === 'msgpack' ? '"msgpack (socket.io-msgpack-parser)"' : '"default (socket.io-parser)"'} and connect again. ${DIAGNOSES['parser-mismatch'].suggestion}`,
    suggestedSettings: { parser: server },
    serverParser: server,
  })
}

/**
 * A diagnosis made without knowing the session's parser (the relay's Node side is not told it), checked
 * against it: when the probe found the server speaking another parser (`serverParser`), that is the problem,
 * whatever else the probe saw (a CONNECT the probe got answered, a session that cannot). Else unchanged.
 *
 * @example reconcileParser(await diagnoseThroughRelay(relay, input), 'msgpack').code // 'parser-mismatch' (a default server)
 */
export function reconcileParser(diagnosis: Diagnosis, parser: SessionParser | undefined): Diagnosis {
  const session = parser ?? 'default'
  const server = diagnosis.serverParser
  if (!server || server === session || diagnosis.code === 'parser-mismatch')
    return diagnosis
  return parserMismatch(`The server answered the probe's CONNECT encoded with ${PARSER_NAMES[server]}; this session encodes its packets with ${PARSER_NAMES[session]}, which the server cannot read.`, server, diagnosis.probe)
}

/**
 * Use the probe's own Engine.IO session: CONNECT to the URL's namespace (in the session's encoding) and read
 * the server's answer, then, when the heartbeat is short enough, wait for a ping. A diagnosis when something
 * is wrong; `serverParser` when a CONNECT was answered.
 */
async function probeSession(input: DiagnoseInput, target: Target, open: Pick<Handshake, 'sid' | 'pingInterval' | 'pingTimeout'>, probe: ProbeResult[], timeoutMs: number): Promise<{ diagnosis?: Diagnosis, serverParser?: SessionParser }> {
  const pageOrigin = input.pageOrigin
  const url = () => pollingUrl(target, target.path, 4, open.sid)
  const close = async () => {
    const r = await probeFetch({ purpose: 'close', method: 'POST', url: url(), body: '1', origin: pageOrigin, timeoutMs: Math.min(timeoutMs, 1000) })
    probe.push(r.result)
  }
  const parser = input.parser ?? 'default'
  const outcome = await connectOver(input, target, open.sid, parser, probe, timeoutMs, 'namespace')
  if (outcome.kind === 'diagnosis')
    return { diagnosis: outcome.diagnosis }
  if (outcome.kind === 'closed') {
    // Closed over our CONNECT: is it the encoding? Only an answer in the other one says so.
    const other: SessionParser = parser === 'msgpack' ? 'default' : 'msgpack'
    if (await answersWith(input, target, other, probe, timeoutMs)) {
      const detail = `${target.origin} answers the Engine.IO handshake at "${target.path}", then closed the probe's session as soon as it sent its CONNECT `
        + `to "${target.namespace}" encoded with ${PARSER_NAMES[parser]}, as this session does (the server's decoder could not read it: "parse error"). `
        + `A second probe that sent the CONNECT encoded with ${PARSER_NAMES[other]} was answered.`
      return { diagnosis: parserMismatch(detail, other, probe), serverParser: other }
    }
    return {}
  }
  if (outcome.kind === 'inconclusive') {
    await close()
    return {}
  }
  const serverParser = parser
  if (outcome.reply.type === 'CONNECT_ERROR') {
    await close()
    const { message, data } = outcome.reply
    if (message === 'Invalid namespace')
      return { diagnosis: invalidNamespace(target, probe, 'The inspector\'s probe connected to the server and asked for the namespace; the server refused it.'), serverParser }
    const how = input.error
      ? `The client's error was "${input.error.message}". The inspector's probe (sent without auth) got the server's refusal too.`
      : 'The inspector\'s probe (sent without auth) was refused by the server.'
    return { diagnosis: middlewareRejected(message, data, probe, how), serverParser }
  }

  // Connected. Wait for the server's heartbeat when it is short enough (or when a ping timeout is the question).
  const heartbeat = open.pingInterval + open.pingTimeout
  const maxWait = input.disconnectReason === 'ping timeout' ? 60_000 : (input.maxPingWaitMs ?? 3000)
  if (heartbeat > maxWait) {
    await close()
    return { serverParser }
  }
  const deadline = Date.now() + heartbeat + 500
  while (Date.now() < deadline) {
    const get = await probeFetch({ purpose: 'ping', url: url(), origin: pageOrigin, timeoutMs: Math.max(50, deadline - Date.now()) })
    probe.push(get.result)
    if (get.result.outcome === 'timeout')
      break
    if (unknownSession(get))
      return { diagnosis: stickySessionsMissing(input, target, probe), serverParser }
    if (get.result.outcome !== 'answered' || (get.result.status ?? 0) >= 400)
      return { serverParser }
    if (packetsOf(get.body).includes('2')) {
      await close()
      return { serverParser }
    }
  }
  return {
    diagnosis: make('ping-timeout', `The server answered the handshake and accepted the connection to "${target.namespace}", then sent no heartbeat (ping) within pingInterval + pingTimeout `
    + `(${open.pingInterval} + ${open.pingTimeout} ms). A client closes such a connection with "ping timeout".`, probe),
    serverParser,
  }
}
