import type { EntryTruncation, LogEntryKind, SessionParser, SessionSnapshot, SessionStatus, TransportName } from '../types'
import { CAPTURE_FORMAT, CAPTURE_PARSERS, CAPTURE_VERSION } from './envelope'

/**
 * The capture validator: every field of the header, its sessions and each entry, checked against what
 * the inspector writes. Each function returns why the value is not what it should be, naming the field
 * (`event.name must be a string`, `sessions[0].parser must be one of default, msgpack or absent`), or
 * undefined; reader.ts says where (`entry 3 (line 4): …`). Used by the capture reader and, for the
 * fields every entry has, the relay's wire (`entryHeaderProblem`).
 */

type Check = 'string' | 'number' | 'boolean' | 'array' | 'string?' | 'number?' | 'boolean?' | 'any' | 'data'

const COMMON: Record<string, Check> = { id: 'number', sessionId: 'string', time: 'number', mono: 'number', direction: 'string' }

const KIND_FIELDS: Record<LogEntryKind, Record<string, Check>> = {
  connecting: { url: 'string', namespace: 'string' },
  connect: { socketId: 'string', engineId: 'string?', transport: 'string?', recovered: 'boolean', stateRecovery: 'boolean?' },
  connect_error: { message: 'string', data: 'any', description: 'any', willRetry: 'boolean' },
  disconnect: { socketId: 'string?', reason: 'string', explanation: 'string', willReconnect: 'boolean', description: 'any' },
  reconnect_attempt: { attempt: 'number' },
  reconnect_error: { message: 'string' },
  reconnect: { attempt: 'number' },
  reconnect_failed: {},
  upgrading: { transport: 'string?', message: 'string?' },
  upgrade: { transport: 'string?', message: 'string?' },
  upgrade_error: { transport: 'string?', message: 'string?' },
  event: { name: 'string', args: 'array', correlationId: 'string?', volatile: 'boolean?', compress: 'boolean?', recoveryOffset: 'string?', bytes: 'number' },
  ack: { correlationId: 'string', name: 'string', args: 'array', latencyMs: 'number', timedOut: 'boolean', error: 'string?', bytes: 'number' },
  frame: { transport: 'string?', engineType: 'string', data: 'data', size: 'number', bytes: 'number', protocol: 'number', probe: 'boolean?' },
  note: { level: 'string', message: 'string' },
}

/** The same tables as lists, built once (the relay checks every entry it receives with them). */
const COMMON_CHECKS = Object.entries(COMMON)
const KIND_CHECKS = new Map(Object.entries(KIND_FIELDS).map(([kind, fields]) => [kind, Object.entries(fields)]))

const DIRECTIONS = new Set(['in', 'out', 'local'])
const ENGINE_TYPES = new Set(['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop', 'error'])
const TRANSPORTS = new Set<string>(['polling', 'websocket', 'webtransport'] satisfies TransportName[])
const STATUSES = new Set<string>(['idle', 'connecting', 'connected', 'disconnected', 'reconnecting'] satisfies SessionStatus[])
const PARSERS = new Set<string>(CAPTURE_PARSERS)
const NOTE_LEVELS = new Set(['info', 'warn', 'error'])
const TRUNCATION_REASONS = new Set<string>(['depth', 'size', 'unencodable'] satisfies EntryTruncation['reason'][])
/** Kinds whose entries crossed the wire: `in` or `out`, never `local`. */
const WIRE_KINDS = new Set<string>(['event', 'ack', 'frame'])

function checkField(value: unknown, check: Check): boolean {
  switch (check) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number'
    case 'boolean': return typeof value === 'boolean'
    case 'array': return Array.isArray(value)
    case 'string?': return value === undefined || typeof value === 'string'
    case 'number?': return value === undefined || typeof value === 'number'
    case 'boolean?': return value === undefined || typeof value === 'boolean'
    case 'data': return value === undefined || typeof value === 'string' || value instanceof Uint8Array
    case 'any': return true
  }
}

/** `a string`, `an array`. */
function article(check: Check): string {
  return check === 'array' || check === 'any' ? `an ${check}` : `a ${check}`
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** Why a `truncated` mark is not one, or undefined. */
function truncationProblem(t: unknown): string | undefined {
  if (t === undefined)
    return undefined
  if (!isRecord(t))
    return 'truncated must be an object or absent'
  if (!TRUNCATION_REASONS.has(t.reason as string))
    return `truncated.reason must be one of ${[...TRUNCATION_REASONS].join(', ')}`
  for (const f of ['size', 'maxDepth'] as const) {
    if (t[f] !== undefined && !(typeof t[f] === 'number' && Number.isFinite(t[f]) && t[f] >= 0))
      return `truncated.${f} must be a number or absent`
  }
  if (t.message !== undefined && typeof t.message !== 'string')
    return 'truncated.message must be a string or absent'
  return undefined
}

/**
 * Why `e` lacks what every entry has (a known `kind`, `sessionId`, finite `time` and `mono`, a direction;
 * and a finite `id` unless `withId` is false: the relay's Node side sends entries before a log numbers
 * them), or undefined.
 * @example entryHeaderProblem({ kind: 'x' }) // "unknown kind 'x'"
 */
export function entryHeaderProblem(e: unknown, withId = true): string | undefined {
  if (!isRecord(e))
    return 'not an object'
  const r = e
  if (typeof r.kind !== 'string')
    return 'missing kind'
  if (!Object.prototype.hasOwnProperty.call(KIND_FIELDS, r.kind))
    return `unknown kind '${r.kind.slice(0, 40)}'`
  for (const [field, check] of COMMON_CHECKS) {
    if (field === 'id' && !withId)
      continue
    if (!checkField(r[field], check))
      return `${field} must be a ${check}`
  }
  // Times order the log and measure latencies: NaN or Infinity would scramble both.
  for (const field of withId ? ['id', 'time', 'mono'] as const : ['time', 'mono'] as const) {
    if (!Number.isFinite(r[field]))
      return `${field} must be a finite number`
  }
  if (!DIRECTIONS.has(r.direction as string))
    return `invalid direction '${String(r.direction).slice(0, 40)}'`
  return undefined
}

/**
 * Why `e` is not a valid entry (revived: tags undone), naming the field, or undefined when it is.
 * @example entryProblem({ ...event, name: 5 }) // 'event.name must be a string'
 */
export function entryProblem(e: unknown): string | undefined {
  const h = entryHeaderProblem(e)
  if (h)
    return h
  const r = e as Record<string, unknown> & { kind: LogEntryKind }
  if (WIRE_KINDS.has(r.kind) && r.direction === 'local')
    return `${r.kind}.direction must be 'in' or 'out'`
  for (const [field, check] of KIND_CHECKS.get(r.kind)!) {
    if (!checkField(r[field], check))
      return `${r.kind}.${field} must be ${check.endsWith('?') ? `a ${check.slice(0, -1)} or absent` : check === 'data' ? 'text or bytes' : article(check)}`
  }
  if (r.kind === 'frame') {
    if (!ENGINE_TYPES.has(r.engineType as string))
      return `unknown engine packet type '${String(r.engineType).slice(0, 40)}'`
    if (r.protocol !== 3 && r.protocol !== 4)
      return 'frame.protocol must be 3 or 4'
    if (r.probe !== undefined && typeof r.probe !== 'boolean')
      return 'frame.probe must be a boolean or absent'
  }
  if (r.kind === 'note' && !NOTE_LEVELS.has(r.level as string))
    return `note.level must be one of ${[...NOTE_LEVELS].join(', ')}`
  if (r.transport !== undefined && !TRANSPORTS.has(r.transport as string))
    return `${r.kind}.transport must be one of ${[...TRANSPORTS].join(', ')} or absent`
  return truncationProblem(r.truncated)
}

type FieldCheck = Check | 'transport?' | 'status' | 'parser?'

/** The fields of a session snapshot an import keeps (the others are reset: read-only, no pending acks). */
const SESSION_FIELDS: Record<string, FieldCheck> = {
  id: 'string',
  label: 'string?',
  url: 'string',
  namespace: 'string',
  status: 'status',
  readonly: 'boolean?',
  socketId: 'string?',
  engineId: 'string?',
  transport: 'transport?',
  reconnectAttempt: 'number?',
  lastError: 'string?',
  parser: 'parser?',
}

/** One `idHistory` record (`SocketIdRecord`). */
const ID_RECORD_FIELDS: Record<string, FieldCheck> = {
  socketId: 'string',
  engineId: 'string?',
  transport: 'transport?',
  recovered: 'boolean?',
  connectedAt: 'number',
  disconnectedAt: 'number?',
  reason: 'string?',
  explanation: 'string?',
}

/** `path` + why the field is not what `check` wants, or undefined. */
function fieldProblem(value: unknown, check: FieldCheck, path: string): string | undefined {
  switch (check) {
    case 'status':
      return STATUSES.has(value as string) ? undefined : `${path} must be one of ${[...STATUSES].join(', ')}`
    case 'parser?':
      return value === undefined || PARSERS.has(value as string) ? undefined : `${path} must be one of ${CAPTURE_PARSERS.join(', ')} or absent`
    case 'transport?':
      return value === undefined || TRANSPORTS.has(value as string) ? undefined : `${path} must be one of ${[...TRANSPORTS].join(', ')} or absent`
    case 'number':
    case 'number?':
      if (value === undefined && check === 'number?')
        return undefined
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${path} must be a finite number${check === 'number?' ? ' or absent' : ''}`
    default:
      return checkField(value, check) ? undefined : `${path} must be ${check.endsWith('?') ? `a ${check.slice(0, -1)} or absent` : `a ${check}`}`
  }
}

function recordProblem(r: unknown, fields: Record<string, FieldCheck>, path: string): string | undefined {
  if (!isRecord(r))
    return `${path} must be an object`
  for (const [field, check] of Object.entries(fields)) {
    const p = fieldProblem(r[field], check, `${path}.${field}`)
    if (p)
      return p
  }
  return undefined
}

/**
 * Why session `i` of the header is not a snapshot, naming the field (`sessions[0].idHistory[0] must be an object`).
 * @example sessionProblem({ ...snap, parser: 'cbor' }, 0) // 'sessions[0].parser must be one of default, msgpack or absent'
 */
export function sessionProblem(s: unknown, i: number): string | undefined {
  const path = `sessions[${i}]`
  const p = recordProblem(s, SESSION_FIELDS, path)
  if (p)
    return p
  const r = s as Record<string, unknown>
  if (r.idHistory !== undefined) {
    if (!Array.isArray(r.idHistory))
      return `${path}.idHistory must be an array or absent`
    for (let k = 0; k < r.idHistory.length; k++) {
      const q = recordProblem(r.idHistory[k], ID_RECORD_FIELDS, `${path}.idHistory[${k}]`)
      if (q)
        return q
    }
  }
  if (r.pendingServerAcks !== undefined && !Array.isArray(r.pendingServerAcks))
    return `${path}.pendingServerAcks must be an array or absent`
  return undefined
}

/**
 * Why the header's own fields are wrong, or undefined: its version first (a file of a later version may
 * hold anything), then its layout, export date and entry count. Its sessions: `sessionProblem`.
 */
export function headerProblem(h: Record<string, unknown>): string | undefined {
  const v = versionProblem(h)
  if (v)
    return v
  if (h.layout !== undefined && h.layout !== 'json' && h.layout !== 'ndjson')
    return 'damaged: the header\'s layout must be "json" or "ndjson"'
  if (h.exportedAt !== undefined && typeof h.exportedAt !== 'string')
    return 'damaged: the header\'s exportedAt must be a string'
  if (h.entryCount !== undefined && !(Number.isInteger(h.entryCount) && (h.entryCount as number) >= 0))
    return 'damaged: the header\'s entryCount must be a whole number'
  return undefined
}

/**
 * A validated snapshot (see `sessionProblem`) → a read-only one with only the checked fields. `parser` is
 * kept when it is not the default (`SessionSnapshot.parser` is set only then), so frames decode with it.
 */
export function normaliseSession(raw: Record<string, unknown>): SessionSnapshot {
  const history = Array.isArray(raw.idHistory) ? raw.idHistory as Record<string, unknown>[] : []
  return {
    id: raw.id as string,
    label: typeof raw.label === 'string' ? raw.label : raw.namespace as string,
    url: raw.url as string,
    namespace: raw.namespace as string,
    status: raw.status as SessionSnapshot['status'],
    readonly: true,
    socketId: typeof raw.socketId === 'string' ? raw.socketId : undefined,
    engineId: typeof raw.engineId === 'string' ? raw.engineId : undefined,
    transport: typeof raw.transport === 'string' ? raw.transport as SessionSnapshot['transport'] : undefined,
    reconnectAttempt: typeof raw.reconnectAttempt === 'number' ? raw.reconnectAttempt : 0,
    lastError: typeof raw.lastError === 'string' ? raw.lastError : undefined,
    // Only the record's own fields (an import keeps nothing it did not check).
    idHistory: history.map(h => ({
      socketId: h.socketId as string,
      engineId: h.engineId as string | undefined,
      transport: h.transport as TransportName | undefined,
      recovered: h.recovered === true,
      connectedAt: h.connectedAt as number,
      ...(h.disconnectedAt !== undefined ? { disconnectedAt: h.disconnectedAt as number } : {}),
      ...(h.reason !== undefined ? { reason: h.reason as string } : {}),
      ...(h.explanation !== undefined ? { explanation: h.explanation as string } : {}),
    })),
    pendingServerAcks: [],
    ...(raw.parser !== undefined && raw.parser !== 'default' ? { parser: raw.parser as SessionParser } : {}),
  }
}

/** Whether `v` is a capture header (any version): an object with `format: 'sio-inspector'`. */
export function isOurHeader(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && (v as { format?: unknown }).format === CAPTURE_FORMAT
}

function versionProblem(h: Record<string, unknown>): string | undefined {
  if (h.version === CAPTURE_VERSION)
    return undefined
  if (typeof h.version === 'number')
    return `version ${h.version} not supported (this inspector reads version ${CAPTURE_VERSION})`
  return 'damaged: the header has no version'
}
