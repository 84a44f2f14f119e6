/**
 * One entry point for every kind of live session: the v4 client in this runtime (`LiveSession`), the v2
 * client (`LiveSessionV2`, for socket.io 2.x servers and `allowEIO3` servers), or either of them run by the
 * inspector's Node process and streamed here (`RelaySession`, `via: 'relay'`). All implement `SessionSource`.
 *
 * @example
 * const s = createSessionSource({ url: 'http://localhost:3002/namespace1', client: 'v2' }, { log, id: 's1' })
 * const r = createSessionSource(
 *   { url: 'http://localhost:3000/', via: 'relay', relay: config.relay, extraHeaders: { Authorization: 'Bearer t' } },
 *   { log, id: 's2' },
 * )
 */
import type { RelayOpenOptions } from '../relay/protocol'
import type { InspectorLog, SessionCarryOver, SessionSource } from '../types'
import type { SessionTlsOptions } from './live-session'
import type { ManagerPool } from './manager-pool'
import type { RelayEndpoint } from './relay-session'
import { LiveSession } from './live-session'
import { LiveSessionV2 } from './live-session-v2'
import { RelaySession } from './relay-session'

export interface CreateSessionOptions extends RelayOpenOptions {
  /** Connect from this runtime, or through the inspector's relay. @default 'direct' */
  via?: 'direct' | 'relay'
  /** Where the relay is (the page's runtime config `relay`); required with `via: 'relay'`. */
  relay?: RelayEndpoint
}

export interface CreateSessionDeps {
  log: InspectorLog
  id?: string
  /** Shared Managers for v4 sessions with `forceNew: false` (see ManagerPool). */
  managers?: ManagerPool
  /** The earlier session of the same tab (`Inspector.replaceSession`): its socket ids, a correlation prefix. */
  carry?: SessionCarryOver
}

/**
 * Build the session the options ask for (not connected yet: call `connect()`).
 * Throws a TypeError for `via: 'relay'` without a relay endpoint, and for an invalid URL.
 * Direct sessions ignore `cookies` and `origin` (only the relay can send them; in Node, put a `Cookie` or
 * `Origin` header into `extraHeaders` instead); `tls` (`ca`, `rejectUnauthorized`) goes to the Manager, which
 * uses it in Node (the relay) and ignores it in a browser.
 */
export function createSessionSource(options: CreateSessionOptions, deps: CreateSessionDeps): SessionSource {
  const { via, relay, ...rest } = options
  if (via === 'relay') {
    if (!relay)
      throw new TypeError('createSessionSource: `via: "relay"` needs the relay endpoint (`relay: { url, token }`)')
    return new RelaySession(rest, { log: deps.log, relay, id: deps.id, carry: deps.carry })
  }
  const { cookies: _cookies, origin: _origin, tls, ...direct } = rest
  // TLS options reach the Manager (Node transports use them; a browser ignores them).
  const withTls = tls ? { ...direct, ...pickTls(tls) } : direct
  if (direct.client === 'v2')
    return new LiveSessionV2(withTls, { log: deps.log, id: deps.id, carry: deps.carry })
  return new LiveSession(withTls, { log: deps.log, id: deps.id, managers: deps.managers, carry: deps.carry })
}

function pickTls(tls: NonNullable<RelayOpenOptions['tls']>): SessionTlsOptions {
  const out: SessionTlsOptions = {}
  if (tls.ca !== undefined)
    out.ca = tls.ca
  if (tls.rejectUnauthorized !== undefined)
    out.rejectUnauthorized = tls.rejectUnauthorized
  return out
}
