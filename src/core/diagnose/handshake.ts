/**
 * Reading an Engine.IO open packet (`0{"sid":…,"upgrades":[…],"pingInterval":…,"pingTimeout":…,"maxPayload":…}`)
 * the way a careful client would. engine.io-client (6.x and 3.x) parses it with a bare `JSON.parse` inside a
 * transport callback and trusts every field: cut JSON throws out of the library (in Node: out of the process),
 * a non-object or a string `upgrades` throws a TypeError, a string `pingInterval` becomes a timer of
 * `"25000" + 20000` ms (it overflows and fires at once: a ping timeout loop). The sessions check the packet
 * with `readOpenPacket` before the library sees it (session/engine-guard.ts), and the probe checks the body
 * of its handshake request with it too (diagnose.ts); both end in the `malformed-handshake` diagnosis.
 */

/** The `connect_error` message of a session that met a malformed open packet (like socket.io's own literals). */
export const MALFORMED_HANDSHAKE = 'malformed handshake'

/**
 * The `connect_error` message of a session whose client library threw while handling the server's data, and
 * of a relayed session whose worker crashed: failures on our side, not the server's word (the probe runs).
 */
export const CLIENT_LIBRARY_ERROR = 'client library error'
export const RELAY_SESSION_CRASHED = 'relay session crashed'

/** Characters of a malformed open packet kept as evidence (shown as text, never as markup). */
export const HANDSHAKE_EXCERPT_CHARS = 120

/** A `sid` longer than this is not an id (it goes into the query string of every later request). */
export const MAX_SID_LENGTH = 1024
/** `pingInterval + pingTimeout` is one timer: beyond 2^31 - 1 ms a timer fires at once (Node and browsers). */
export const MAX_HEARTBEAT_MS = 2 ** 31 - 1
/** Transports a server may offer for the upgrade; a longer list is not a list of transport names. */
const MAX_UPGRADES = 16

/** The fields of a valid open packet. */
export interface Handshake {
  sid: string
  upgrades: string[]
  pingInterval: number
  pingTimeout: number
  /** Absent in Engine.IO 3 and in engine.io before 5.1; `null` when the server set `maxHttpBufferSize: Infinity`. */
  maxPayload?: number
}

export type OpenPacketReading = { ok: true, handshake: Handshake } | { ok: false, problem: string }

/** What a `malformed handshake` connect_error carries as `data` (the diagnosis reads it back). */
export interface MalformedHandshakeData {
  /** What is wrong, in plain words (`"sid" is 42 (a number), not a string`). */
  problem: string
  /** The packet's first `HANDSHAKE_EXCERPT_CHARS` characters, with its type (`0{"sid":"x",`). */
  packet: string
  /** The packet's full length in characters (bytes for a binary packet). */
  length: number
}

/** A value in a problem sentence: short, bounded, with its type when that is the point. */
function shown(value: unknown): string {
  if (value === null)
    return 'null'
  if (Array.isArray(value))
    return 'a list'
  if (typeof value === 'object')
    return 'an object'
  const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value)
  return `${text} (a ${typeof value})`
}

/** A number of milliseconds or bytes: finite, above zero. */
function positive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}

/**
 * Check the data of an open packet (the text after the `0`). Never throws.
 *
 * @example
 * readOpenPacket('{"sid":"x",') // { ok: false, problem: 'the open packet is not valid JSON (…)' }
 * readOpenPacket('{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000}').ok // true
 */
export function readOpenPacket(data: unknown): OpenPacketReading {
  if (typeof data !== 'string')
    return { ok: false, problem: 'the open packet is binary, not JSON text' }
  let value: unknown
  try {
    value = JSON.parse(data)
  }
  catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return { ok: false, problem: `the open packet is not valid JSON (${reason.length > 120 ? `${reason.slice(0, 120)}…` : reason})` }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, problem: `the open packet is ${shown(value)}, not a JSON object` }
  const o = value as Record<string, unknown>
  if (typeof o.sid !== 'string' || o.sid === '')
    return { ok: false, problem: o.sid === undefined ? 'the open packet has no "sid"' : `"sid" is ${o.sid === '' ? 'empty' : shown(o.sid)}, not a session id string` }
  if (o.sid.length > MAX_SID_LENGTH)
    return { ok: false, problem: `"sid" is ${o.sid.length} characters long (a session id has at most ${MAX_SID_LENGTH})` }
  for (const field of ['pingInterval', 'pingTimeout'] as const) {
    if (!positive(o[field]))
      return { ok: false, problem: o[field] === undefined ? `the open packet has no "${field}"` : `"${field}" is ${shown(o[field])}, not a positive number of milliseconds` }
  }
  const pingInterval = o.pingInterval as number
  const pingTimeout = o.pingTimeout as number
  if (pingInterval + pingTimeout > MAX_HEARTBEAT_MS)
    return { ok: false, problem: `"pingInterval" + "pingTimeout" is ${pingInterval + pingTimeout} ms, beyond the longest timer (${MAX_HEARTBEAT_MS} ms, about 24.8 days)` }
  if (!Array.isArray(o.upgrades))
    return { ok: false, problem: o.upgrades === undefined ? 'the open packet has no "upgrades" list' : `"upgrades" is ${shown(o.upgrades)}, not a list of transport names` }
  if (o.upgrades.length > MAX_UPGRADES)
    return { ok: false, problem: `"upgrades" lists ${o.upgrades.length} transports (at most ${MAX_UPGRADES} make sense)` }
  const odd = o.upgrades.find(u => typeof u !== 'string')
  if (odd !== undefined)
    return { ok: false, problem: `"upgrades" holds ${shown(odd)}, not a transport name` }
  const handshake: Handshake = { sid: o.sid, upgrades: o.upgrades as string[], pingInterval, pingTimeout }
  // Optional: Engine.IO 3 has none, and `maxHttpBufferSize: Infinity` is sent as `null` (JSON has no Infinity).
  if (o.maxPayload !== undefined && o.maxPayload !== null) {
    if (!positive(o.maxPayload) || !Number.isSafeInteger(o.maxPayload)) {
      return {
        ok: false,
        problem: typeof o.maxPayload === 'number' && o.maxPayload > Number.MAX_SAFE_INTEGER
          ? `"maxPayload" is ${o.maxPayload}, beyond any byte count (at most ${Number.MAX_SAFE_INTEGER})`
          : `"maxPayload" is ${shown(o.maxPayload)}, not a positive whole number of bytes`,
      }
    }
    handshake.maxPayload = o.maxPayload
  }
  return { ok: true, handshake }
}

/**
 * The first `max` characters of a packet as text: control characters written as `\u00XX` (a record separator
 * or a NUL would not show), the rest as it is. The UI shows it as text (interpolation), never as markup.
 *
 * @example packetExcerpt('0{"sid":"x",\u001E40') // '0{"sid":"x",\\u001e40'
 */
export function packetExcerpt(text: string, max = HANDSHAKE_EXCERPT_CHARS): string {
  const cut = text.length > max ? text.slice(0, max) : text
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001F\u007F-\u009F]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The evidence a session records for a malformed open packet (its connect_error's `data`). */
export function malformedHandshakeData(problem: string, data: unknown): MalformedHandshakeData {
  if (typeof data === 'string')
    return { problem, packet: packetExcerpt(`0${data}`), length: data.length + 1 }
  const bytes = data && typeof (data as { byteLength?: unknown }).byteLength === 'number' ? (data as { byteLength: number }).byteLength : 0
  return { problem, packet: `0<${bytes} bytes of binary>`, length: bytes + 1 }
}

/**
 * Read a `malformed handshake` connect_error's `data` back (it may come from a capture file or the relay: check
 * it like input). `undefined` when it does not look like `MalformedHandshakeData`.
 */
export function asMalformedHandshakeData(value: unknown): MalformedHandshakeData | undefined {
  if (!value || typeof value !== 'object')
    return undefined
  const v = value as Record<string, unknown>
  if (typeof v.problem !== 'string' || typeof v.packet !== 'string')
    return undefined
  return {
    problem: v.problem.slice(0, 300),
    packet: packetExcerpt(v.packet),
    length: typeof v.length === 'number' && Number.isFinite(v.length) ? v.length : v.packet.length,
  }
}
