import type { AttachedInfo } from '../attach/protocol'
import type { RelayOpenOptions } from '../relay/protocol'
/**
 * The one factory of live sessions: a `LiveSession` in this runtime over the client the options ask for
 * (socket.io-client 4.x by default, `parser: 'msgpack'` too; 2.x with `client: 'v2'`, for socket.io 2.x and
 * `allowEIO3` servers), or the same session run by the inspector's Node process and streamed here
 * (`RelaySession`, `via: 'relay'`), or a developer's own app socket mirrored through the inspector's attach
 * hub (`RelaySession` in watch mode, `via: 'attach'`, attach/protocol.ts). The relay's Node side builds its
 * sessions here too. All implement `SessionSource`.
 *
 * @example
 * const s = createSessionSource({ url: 'http://localhost:3002/namespace1', client: 'v2' }, { log, id: 's1' })
 * const r = createSessionSource(
 *   { url: 'http://localhost:3000/', via: 'relay', relay: config.relay, extraHeaders: { Authorization: 'Bearer t' } },
 *   { log, id: 's2' },
 * )
 * const a = createSessionSource({ via: 'attach', attach: info.attachId, url: info.url, label: info.name, relay: config.relay }, { log, id: 's3' })
 */
import type { RelayEndpoint } from '../relay/relay-session'
import type { EntrySink, SessionCarryOver, SessionSource } from '../types'
import type { SessionTlsOptions } from './clients/adapter'
import type { ManagerPool } from './manager-pool'
import { RelaySession } from '../relay/relay-session'
import { LiveSession } from './live-session'

export interface CreateSessionOptions extends RelayOpenOptions {
  /**
   * Connect from this runtime, through the inspector's relay, or watch an app's own socket that attached to
   * the inspector (`attach`). @default 'direct'
   */
  via?: 'direct' | 'relay' | 'attach'
  /** Where the relay is (the page's runtime config `relay`); required with `via: 'relay'` and `'attach'`. */
  relay?: RelayEndpoint
  /**
   * `via: 'attach'`: the attached socket to watch: its `AttachedInfo` from `AttachLobby` (the tab is marked
   * `attached` from the start), or only its `attachId`.
   */
  attach?: string | AttachedInfo
}

export interface CreateSessionDeps {
  /** Where entries go: the page's `InspectorLog`, or any `EntrySink` (the relay streams them to the page). */
  log: EntrySink
  id?: string
  /** Shared Managers for v4 sessions with `forceNew: false` (see ManagerPool). */
  managers?: ManagerPool
  /** The earlier session of the same tab (`Inspector.replaceSession`): its socket ids, a correlation prefix. */
  carry?: SessionCarryOver
}

/**
 * Build the session the options ask for (not connected yet: call `connect()`).
 * Throws a TypeError for `via: 'relay'` or `'attach'` without a relay endpoint, `'attach'` without an attach
 * id, for an invalid URL, client or parser.
 * Direct sessions ignore `cookies` and `origin` (only the relay can send them; in Node, put a `Cookie` or
 * `Origin` header into `extraHeaders` instead); `tls` (`ca`, `rejectUnauthorized`) goes to the client, which
 * uses it in Node (the relay) and ignores it in a browser.
 */
export function createSessionSource(options: CreateSessionOptions, deps: CreateSessionDeps): SessionSource {
  const { via, relay, attach, ...rest } = options
  if (via === 'attach') {
    if (!relay)
      throw new TypeError('createSessionSource: `via: "attach"` needs the relay endpoint (`relay: { url, token }`): the page watches attached apps over it')
    const info = typeof attach === 'object' && attach !== null ? attach : undefined
    const attachId = info ? info.attachId : attach
    if (typeof attachId !== 'string' || !attachId)
      throw new TypeError('createSessionSource: `via: "attach"` needs the attached socket (`attach: info` from AttachLobby, or `attach: info.attachId`)')
    return new RelaySession(rest, { log: deps.log, relay, id: deps.id, carry: deps.carry, watch: attachId, watchInfo: info })
  }
  if (via === 'relay') {
    if (!relay)
      throw new TypeError('createSessionSource: `via: "relay"` needs the relay endpoint (`relay: { url, token }`)')
    return new RelaySession(rest, { log: deps.log, relay, id: deps.id, carry: deps.carry })
  }
  const { cookies: _cookies, origin: _origin, tls, ...direct } = rest
  // TLS options reach the client (Node transports use them; a browser ignores them).
  const withTls = tls ? { ...direct, ...pickTls(tls) } : direct
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
