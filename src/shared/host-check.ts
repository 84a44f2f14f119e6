/**
 * Which `Host` names a local server answers to, and which clients may receive its secrets. Shared by the
 * inspector's server (page and relay) and the demo server (page, socket.io, admin-ui).
 *
 * Why the Host header: with DNS rebinding, a page on `evil.example` makes its name resolve to 127.0.0.1 a
 * moment later; from then on its requests reach our server as same-origin requests, with
 * `Host: evil.example:5173` and `Origin: http://evil.example:5173`. An Origin check cannot see this (the
 * origin *is* the page's own), a Host check can: the attacker's name is not one we were started for.
 *
 * The scheme (also in README "Security"):
 * - always allowed: `localhost`, any `*.localhost` (browsers resolve these to loopback themselves, never
 *   through DNS, so they cannot be rebound), `127.0.0.0/8` and `[::1]`;
 * - the host the server listens on (`HOST`, `--host`) when it is a name or an address, not a wildcard:
 *   `0.0.0.0` and `::` add nothing by themselves;
 * - `allowedHosts` (env `ALLOWED_HOSTS`, comma separated): exact names or addresses, and `.example.com`
 *   for a domain with all its subdomains (Vite's convention).
 * The port of the Host header is not compared: port forwarding (`ssh -L 9000:localhost:5173`, a container
 * port mapping) changes it, and a rebound name is refused whatever its port.
 *
 * @example
 * const policy = createHostPolicy({ host: '0.0.0.0', allowedHosts: ['devbox.lan'] })
 * policy.allows('localhost:5173') // true
 * policy.allows('devbox.lan:5173') // true
 * policy.allows('evil.example:5173') // false
 */
import type http from 'node:http'
import type https from 'node:https'
import type { Duplex } from 'node:stream'
import { timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'

/** Listen addresses that mean "every interface": they name no host a request could carry. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '::0', ''])

/** Whether a listen address is a wildcard (`0.0.0.0`, `::`). */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.has(host.trim())
}

/** 127.0.0.0/8 in dotted form, every octet 0-255. */
function isLoopbackIPv4(name: string): boolean {
  const parts = name.split('.')
  return parts.length === 4 && parts[0] === '127' && parts.every(p => /^\d{1,3}$/.test(p) && Number(p) <= 255)
}

/**
 * A host name (no port, no brackets) that can only mean this machine.
 *
 * @example isLoopbackHostname('app.localhost') // true
 */
export function isLoopbackHostname(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '')
  return n === 'localhost' || n.endsWith('.localhost') || isLoopbackIPv4(n) || n === '::1' || n === '0:0:0:0:0:0:0:1'
}

/**
 * Whether a peer address (`req.socket.remoteAddress`) is this machine: 127.0.0.0/8, `::1`, and IPv4 loopback
 * mapped into IPv6 (`::ffff:127.0.0.1`, what a dual-stack socket reports).
 *
 * @example isLoopbackAddress('192.168.1.20') // false
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address)
    return false
  const a = address.toLowerCase()
  if (isIP(a) === 4)
    return isLoopbackIPv4(a)
  if (isIP(a) !== 6)
    return false
  if (a === '::1' || a === '0:0:0:0:0:0:0:1')
    return true
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  return mapped !== null && isLoopbackIPv4(mapped[1])
}

/** `name`, `name:port`, `1.2.3.4:port`, `[v6]:port`; nothing else (no user info, no path). */
const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([\w.-]+))(?::\d{1,5})?$/i

/**
 * The host name of a `Host` header, lower case, without port, brackets or trailing dot; `undefined` when the
 * header is missing or is not a plain host.
 *
 * @example hostnameOf('[::1]:5173') // '::1'
 */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (typeof hostHeader !== 'string')
    return undefined
  const m = HOST_HEADER.exec(hostHeader.trim())
  if (!m)
    return undefined
  const name = (m[1] ?? m[2]).toLowerCase().replace(/\.$/, '')
  if (m[1] !== undefined && isIP(name) !== 6)
    return undefined
  return name || undefined
}

/** One `allowedHosts` entry, normalised; throws with a message that names the entry. */
function normaliseEntry(entry: string): { domain: boolean, name: string } {
  const raw = entry.trim()
  const domain = raw.startsWith('.')
  const rest = domain ? raw.slice(1) : raw
  // A bare IPv6 address (`fd00::1`) has colons but no port; anything else may carry one, which is ignored.
  const name = isIP(rest) === 6 ? rest.toLowerCase() : hostnameOf(rest)
  if (!name || (domain && (isIP(name) !== 0 || (!name.includes('.') && name !== 'localhost'))))
    throw new TypeError(`allowed host "${entry}" is not a host name or address (expected e.g. "devbox.lan", "192.168.1.20" or ".example.com")`)
  return { domain, name }
}

/**
 * Entries of an `ALLOWED_HOSTS`-style list: comma or whitespace separated, empty entries dropped.
 *
 * @example parseAllowedHosts('devbox.lan, .example.com') // ['devbox.lan', '.example.com']
 */
export function parseAllowedHosts(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).map(s => s.trim()).filter(Boolean)
}

export interface HostPolicyOptions {
  /** The address the server listens on; added unless it is a wildcard. @default '127.0.0.1' */
  host?: string
  /** Further names: exact (`devbox.lan`, `192.168.1.20`) or a domain with its subdomains (`.example.com`). @default [] */
  allowedHosts?: readonly string[]
}

export interface HostPolicy {
  /** Whether a request with this `Host` header is for us. A missing or malformed header is not. */
  allows: (hostHeader: string | undefined) => boolean
  /** Exact names allowed besides the loopback ones (normalised: lower case, IPv6 without brackets). */
  readonly names: readonly string[]
  /** Domains allowed with their subdomains (without the leading dot). */
  readonly domains: readonly string[]
}

/**
 * The Host names a server answers to. Throws a `TypeError` naming the entry for a malformed `allowedHosts`
 * entry (bad configuration ends the start, with a message, rather than silently allowing less or more).
 *
 * @example createHostPolicy({ host: '127.0.0.1' }).allows('evil.example:5173') // false
 */
export function createHostPolicy(options: HostPolicyOptions = {}): HostPolicy {
  const names = new Set<string>()
  const domains = new Set<string>()
  const host = options.host ?? '127.0.0.1'
  if (!isWildcardHost(host)) {
    const { name } = normaliseEntry(host)
    if (!isLoopbackHostname(name))
      names.add(name)
  }
  for (const entry of options.allowedHosts ?? []) {
    const { domain, name } = normaliseEntry(entry)
    ;(domain ? domains : names).add(name)
  }
  const domainList = [...domains]
  return {
    names: [...names],
    domains: domainList,
    allows: (hostHeader) => {
      const name = hostnameOf(hostHeader)
      if (name === undefined)
        return false
      return isLoopbackHostname(name) || names.has(name) || domainList.some(d => name === d || name.endsWith(`.${d}`))
    },
  }
}

/** Body of the 421 answer: fixed text, no echo of the request, no secret. */
export const MISDIRECTED_TEXT = 'Misdirected request: this server does not answer to the host name in this request. '
  + 'Open it as http://localhost:<port>/, or start it with ALLOWED_HOSTS=<name> (see "Security" in the README).\n'

function refuseRequest(res: http.ServerResponse): void {
  res.writeHead(421, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(MISDIRECTED_TEXT),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Connection': 'close',
  })
  res.end(MISDIRECTED_TEXT)
}

function refuseUpgrade(socket: Duplex): void {
  socket.on('error', () => {})
  if (!socket.writable)
    return void socket.destroy()
  socket.end(`HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n`
    + `Content-Length: ${Buffer.byteLength(MISDIRECTED_TEXT)}\r\n\r\n${MISDIRECTED_TEXT}`, () => socket.destroy())
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void
type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * Put the Host check in front of everything already listening on `server`: every HTTP request and every
 * WebSocket upgrade with a Host the policy does not allow gets a 421 and reaches no listener (the app,
 * socket.io, engine.io). Call it after the last `request`/`upgrade` listener is attached (socket.io wraps
 * the existing ones the same way); listeners added later are not guarded.
 *
 * @example
 * const io = new Server(httpServer)
 * guardHost(httpServer, createHostPolicy({ host }))
 */
export function guardHost(server: http.Server | https.Server, policy: HostPolicy): void {
  const requestListeners = server.listeners('request') as RequestListener[]
  server.removeAllListeners('request')
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!policy.allows(req.headers.host))
      return refuseRequest(res)
    for (const listener of requestListeners) listener.call(server, req, res)
  })
  const upgradeListeners = server.listeners('upgrade') as UpgradeListener[]
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!policy.allows(req.headers.host))
      return refuseUpgrade(socket)
    // Node destroys an upgrade nobody listens to; keep that when nothing was listening before us.
    if (upgradeListeners.length === 0)
      return void socket.destroy()
    for (const listener of upgradeListeners) listener.call(server, req, socket, head)
  })
}

/**
 * Whether a client may be handed the per-start secrets (the relay token, the admin-ui password): only a
 * client on this machine, unless the user opted in (`exposeSecrets`, env `INSPECTOR_EXPOSE_SECRETS=1`).
 * The address is the TCP peer's (`req.socket.remoteAddress`), never a header a client could write.
 *
 * @example secretsAllowedFor('192.168.1.20', { exposeSecrets: false }) // false
 */
export function secretsAllowedFor(remoteAddress: string | undefined, options: { exposeSecrets?: boolean } = {}): boolean {
  return options.exposeSecrets === true || isLoopbackAddress(remoteAddress)
}

/**
 * Whether a secret given by a client (the relay's auth token, the AsyncAPI endpoints' bearer token) is the
 * expected one, in time that does not depend on where they differ.
 */
export function tokenMatches(given: unknown, expected: Buffer): boolean {
  if (typeof given !== 'string')
    return false
  const g = Buffer.from(given)
  // Equal lengths for timingSafeEqual; comparing against itself keeps the time independent of where it differs.
  if (g.length !== expected.length) {
    timingSafeEqual(expected, expected)
    return false
  }
  return timingSafeEqual(g, expected)
}
