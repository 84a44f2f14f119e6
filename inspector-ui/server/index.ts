/**
 * The inspector's own Node server: serves the built app (inspector-ui/dist) with the headers a devtool
 * page should have, and hands the page its runtime configuration (demo server URL, admin-ui
 * credentials for the demo server) in a `<meta>` tag, because the CSP forbids inline script.
 *
 * Security (README "Security"): every request and WebSocket upgrade whose `Host` is not one of ours gets a
 * 421 before any listener sees it (DNS rebinding; src/shared/host-check.ts). The secrets in the config (the
 * relay token, the admin-ui password) go to clients on this machine only, unless `exposeSecrets` is set:
 * another machine gets the page without them, and the relay refuses its handshakes (403).
 *
 * Attach (issue 19, ./attach-hub.ts): apps push a mirror of their own socket to the hub at ATTACH_PATH with
 * the attach token (per start, or `attachToken`), a secret of its own: it lets an app push its mirror and
 * nothing else. Pages watch attached apps over the relay, so attach is on only with the relay.
 *
 * @example
 * const inspector = await startInspectorServer({ port: 5173, config: { demoUrl: 'http://localhost:3000' } })
 * console.log(inspector.url)
 * await inspector.close()
 */
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { HostPolicy } from '../../src/shared/host-check'
import type { AttachHubLimits } from './attach-hub'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ATTACH_PATH, RELAY_PATH } from '#core'
import express from 'express'
import { createHostPolicy, guardHost, isLoopbackHostname, secretsAllowedFor } from '../../src/shared/host-check'
import { ASYNCAPI_FETCH_PATH, ASYNCAPI_PARSE_PATH, asyncApiRoutes } from './asyncapi'
import { attachHub } from './attach-hub'
import { attachRelay } from './relay'

/** Mirrors inspector-ui/src/config.ts `RuntimeConfig` (kept structural: the server must not import UI code). */
export interface InspectorRuntimeConfig {
  demoUrl?: string
  admin?: { url: string, namespace: string, username: string, password: string }
  relay?: { url: string, token: string }
  /** The AsyncAPI endpoints (./asyncapi.ts): page-relative URLs and the token they want (the relay's token). */
  asyncapi?: { parseUrl: string, fetchUrl: string, token: string }
  /** The attach hub (./attach-hub.ts): where apps attach (`url` + `path`) and with which token. */
  attach?: { token: string, url: string, path: string }
}

export interface InspectorServerOptions {
  /** @default 5173; 0 = ephemeral */
  port?: number
  /** @default '127.0.0.1' (a devtool should not listen on the network unless asked) */
  host?: string
  /** @default inspector-ui/dist next to this file */
  distDir?: string
  /** What the page is told about its surroundings. */
  config?: InspectorRuntimeConfig
  /** Serve over https with this key and certificate (PEM). @default undefined (http) */
  tls?: { key: string, cert: string }
  /**
   * Host names answered besides the loopback ones and `host` (when `host` is not a wildcard): exact names or
   * addresses, or `.example.com` for a domain and its subdomains. Other Hosts get 421.
   * @default []
   */
  allowedHosts?: string[]
  /**
   * Hand the relay token and the admin-ui password to clients on other machines too (and let them use the
   * relay). Off, they get the page without secrets and the relay refuses them. The caller should warn.
   * @default false
   */
  exposeSecrets?: boolean
  /**
   * Attach the relay (the page's connections run in this process when it asks). Off (`socketio-inspector
   * --no-relay`), the page connects from the browser only: no token is handed out and nothing listens on the
   * relay's path.
   * @default true
   */
  relay?: boolean
  /**
   * Accept apps that attach their own socket (`attach(socket, { inspector, token, name })`, ./attach-hub.ts).
   * Needs the relay (pages watch attached apps over it): off with `relay: false`.
   * @default true
   */
  attach?: boolean
  /**
   * The attach token apps must send (at least 16 characters; `--attach-token`, env
   * SOCKETIO_INSPECTOR_ATTACH_TOKEN). @default a random one per start
   */
  attachToken?: string
  /** The hub's bounds (tests; see `AttachHubLimits` for the defaults). */
  attachLimits?: AttachHubLimits
}

/** Shortest attach token accepted (a fixed token is typed by people: make guessing it hopeless). */
export const MIN_ATTACH_TOKEN_LENGTH = 16

/**
 * Why `token` cannot be the attach token, or undefined.
 * @example attachTokenProblem('short') // 'the attach token must be at least 16 characters (it has 5)'
 */
export function attachTokenProblem(token: string): string | undefined {
  if (token.length < MIN_ATTACH_TOKEN_LENGTH)
    return `the attach token must be at least ${MIN_ATTACH_TOKEN_LENGTH} characters (it has ${token.length})`
  if (/[^\x21-\x7E]/.test(token))
    return 'the attach token must be printable ASCII without spaces'
  return undefined
}

export interface InspectorServer {
  url: string
  port: number
  httpServer: http.Server | https.Server
  /** Per-start secret the page receives when served (relay authentication). */
  token: string
  /** The token apps attach with (`attach(socket, { token })`); undefined when attach is off. */
  attachToken: string | undefined
  close: () => Promise<void>
}

/**
 * inspector-ui/dist: beside this file's folder in the sources; from the package's dist/ (this module compiled
 * into a chunk there by `npm run build`, tsdown.config.ts), `<package>/inspector-ui/dist`.
 */
export const DEFAULT_DIST_DIR = /\.[cm]?ts$/.test(fileURLToPath(import.meta.url))
  ? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
  : join(dirname(fileURLToPath(import.meta.url)), '..', 'inspector-ui', 'dist')

/**
 * Content-Security-Policy of the served page. Script only from our origin (no inline, no eval: Monaco
 * runs its workers from bundled files). `connect-src` must allow any http(s)/ws(s) URL: connecting to
 * arbitrary Socket.IO servers is the point of the tool. Styles allow inline because Monaco injects
 * `<style>` elements at run time; script is what matters for payload safety.
 */
export const CONTENT_SECURITY_POLICY = [
  `default-src 'self'`,
  `script-src 'self'`,
  `worker-src 'self'`,
  `style-src 'self' 'unsafe-inline'`,
  `img-src 'self' data:`,
  `font-src 'self' data:`,
  `connect-src 'self' http: https: ws: wss:`,
  `object-src 'none'`,
  `base-uri 'self'`,
  `form-action 'none'`,
  `frame-ancestors 'none'`,
].join('; ')

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Inserts the config meta tag into the built index.html. */
export function injectConfig(html: string, config: InspectorRuntimeConfig): string {
  const meta = `<meta name="sio-inspector-config" content="${escapeAttribute(JSON.stringify(config))}">`
  return html.includes('</head>') ? html.replace('</head>', `  ${meta}\n  </head>`) : meta + html
}

/**
 * The config a client gets: everything for a client on this machine (or with `exposeSecrets`), otherwise
 * without the relay (its token) and the admin-ui credentials. Direct connections still work from its browser.
 *
 * @example pageConfigFor({ demoUrl, relay, admin }, '192.168.1.20', false) // { demoUrl }
 */
export function pageConfigFor(config: InspectorRuntimeConfig, remoteAddress: string | undefined, exposeSecrets: boolean): InspectorRuntimeConfig {
  if (secretsAllowedFor(remoteAddress, { exposeSecrets }))
    return config
  const { relay: _relay, admin: _admin, asyncapi: _asyncapi, attach: _attach, ...publicConfig } = config
  return publicConfig
}

/**
 * Why the relay refuses a handshake before its own Origin and token checks, or `undefined`: a Host we do not
 * answer to, or a client on another machine without `exposeSecrets` (it never got the token anyway).
 *
 * @example relayRefusal({ headers: { host: 'evil.example:5173' }, socket: { remoteAddress: '127.0.0.1' } }, policy, false) // 'host not allowed'
 */
export function relayRefusal(req: { headers: { host?: string }, socket: { remoteAddress?: string } }, hostPolicy: HostPolicy, exposeSecrets: boolean): string | undefined {
  if (!hostPolicy.allows(req.headers.host))
    return 'host not allowed'
  if (!secretsAllowedFor(req.socket.remoteAddress, { exposeSecrets }))
    return 'relay: clients on other machines are refused (INSPECTOR_EXPOSE_SECRETS=1, option exposeSecrets, lets them in)'
  return undefined
}

/** `relayRefusal`'s rules for the AsyncAPI endpoints, with their own wording. */
function asyncApiRefusal(req: http.IncomingMessage, hostPolicy: HostPolicy, exposeSecrets: boolean): string | undefined {
  const refused = relayRefusal(req, hostPolicy, exposeSecrets)
  return refused === undefined ? undefined : refused.replace(/^relay: /, 'asyncapi: ')
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void
type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * Answer `403 Forbidden` to any request or WebSocket upgrade under the relay's path that `refusal` refuses (a
 * client on another machine), before engine.io sees it: engine.io answers every refused upgrade with a 400,
 * which says "your request is malformed" where the truth is "not for you". Fixed text, no token. The relay's
 * own `allowRequest` keeps the same check behind this one. Call after the relay is attached.
 */
function refuseRelayPeers(server: http.Server | https.Server, path: string, refusal: (req: http.IncomingMessage) => string | undefined): void {
  const prefix = `${path.replace(/\/$/, '')}/`
  const refused = (req: http.IncomingMessage): string | undefined => (req.url ?? '').startsWith(prefix) ? refusal(req) : undefined
  const body = (why: string): string => `Forbidden: ${why}. The relay serves the inspector's page on this machine only `
    + '(see "Security" in the README).\n'
  const requestListeners = server.listeners('request') as RequestListener[]
  server.removeAllListeners('request')
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const why = refused(req)
    if (why !== undefined) {
      const text = body(why)
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'Connection': 'close' })
      return void res.end(text)
    }
    for (const listener of requestListeners) listener.call(server, req, res)
  })
  const upgradeListeners = server.listeners('upgrade') as UpgradeListener[]
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const why = refused(req)
    if (why !== undefined) {
      socket.on('error', () => {})
      const text = body(why)
      return void socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n`
        + `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`, () => socket.destroy())
    }
    for (const listener of upgradeListeners) listener.call(server, req, socket, head)
  })
}

export async function startInspectorServer(options: InspectorServerOptions = {}): Promise<InspectorServer> {
  const distDir = options.distDir ?? DEFAULT_DIST_DIR
  const indexFile = join(distDir, 'index.html')
  if (!existsSync(indexFile))
    throw new Error(`The inspector is not built: ${indexFile} is missing. Run \`npm run build\` first.`)
  const token = randomBytes(24).toString('base64url')
  const attachOn = options.attach !== false && options.relay !== false
  if (options.attachToken !== undefined) {
    const problem = attachTokenProblem(options.attachToken)
    if (problem)
      throw new TypeError(problem)
  }
  // Its own secret, not the relay's: an app that has it can push its mirror, nothing else.
  const attachToken = attachOn ? options.attachToken ?? randomBytes(24).toString('base64url') : undefined
  const config: InspectorRuntimeConfig = { ...options.config }
  const host = options.host ?? '127.0.0.1'
  // Before listening: a malformed allowedHosts entry ends the start with its message.
  const hostPolicy = createHostPolicy({ host, allowedHosts: options.allowedHosts })
  const exposeSecrets = options.exposeSecrets === true

  const app = express()
  app.disable('x-powered-by')
  app.use((_req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    next()
  })
  // index.html is rendered per request (it carries the config); everything else is static and hashed.
  const sendIndex = (req: express.Request, res: express.Response): void => {
    const html = injectConfig(readFileSync(indexFile, 'utf8'), pageConfigFor(config, req.socket.remoteAddress, exposeSecrets))
    res.setHeader('Cache-Control', 'no-store')
    res.type('html').send(html)
  }
  app.get('/', sendIndex)
  app.get('/index.html', sendIndex)
  // --- AsyncAPI (issue 17): parse a document, fetch a server's own; same rules as the relay (./asyncapi.ts).
  // On even without the relay: the token is per start either way. The URLs are relative to the page (served
  // at `/`), so a page opened as 127.0.0.1 or localhost calls its own origin and needs no CORS.
  app.use(asyncApiRoutes({ token, refusal: req => asyncApiRefusal(req, hostPolicy, exposeSecrets) }))
  config.asyncapi = { parseUrl: ASYNCAPI_PARSE_PATH.slice(1), fetchUrl: ASYNCAPI_FETCH_PATH.slice(1), token }
  app.use(express.static(distDir, { index: false, immutable: true, maxAge: '1y' }))
  app.use((_req, res) => {
    res.status(404).type('text').send('Not found')
  })

  const httpServer = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, app) : http.createServer(app)
  const scheme = options.tls ? 'https' : 'http'
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(options.port ?? 5173, host, () => resolve())
  })
  const port = (httpServer.address() as AddressInfo).port
  const shownHost = host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host
  // --- relay (issue 8, helper "relay"): the page's connections run here when it asks; see ./relay.ts.
  // Only pages served by this server may use it (their origins), with the per-start token.
  const ownOrigins = new Set([`${scheme}://localhost:${port}`, `${scheme}://127.0.0.1:${port}`, `${scheme}://[::1]:${port}`])
  // The exact names we answer to (host, allowedHosts); a page on a `.domain` entry needs its exact name listed.
  for (const name of hostPolicy.names)
    ownOrigins.add(`${scheme}://${name.includes(':') ? `[${name}]` : name}:${port}`)
  // --- attach (issue 19): apps' own sockets, mirrored here; pages watch them over the relay (./attach-hub.ts).
  // Before guardHost: the Host rule covers its path too. Apps on other machines (issue 19): only when the
  // inspector was started for another host (or hands its secrets out); the token is the gate.
  const hub = attachToken === undefined
    ? undefined
    : attachHub(httpServer as http.Server, { token: attachToken, acceptRemote: exposeSecrets || !isLoopbackHostname(host), limits: options.attachLimits })
  const relay = options.relay === false
    ? undefined
    : attachRelay(httpServer as http.Server, {
        token,
        allowedOrigins: [...ownOrigins],
        // Same rules as the page: our Host names only, and clients on this machine unless secrets are exposed.
        checkRequest: req => relayRefusal(req, hostPolicy, exposeSecrets),
        attach: hub,
      })
  if (relay) {
    config.relay = { url: `${scheme}://${shownHost}:${port}`, token }
    refuseRelayPeers(httpServer, RELAY_PATH, req => relayRefusal(req, hostPolicy, exposeSecrets))
  }
  if (hub && attachToken !== undefined)
    config.attach = { token: attachToken, url: `${scheme}://${shownHost}:${port}`, path: ATTACH_PATH }
  // --- end relay ---
  // Last: in front of every listener attached so far (the app, the relay's engine.io), Host names are checked.
  guardHost(httpServer, hostPolicy)
  return {
    url: `${scheme}://${shownHost}:${port}`,
    port,
    httpServer,
    token,
    attachToken,
    close: () => Promise.all([relay?.close(), hub?.close()]).then(() => new Promise<void>((resolve) => {
      httpServer.closeAllConnections()
      httpServer.close(() => resolve())
    })),
  }
}
