/**
 * The workspace file (issue 16 item 1): saved connections and environments as one versioned JSON file,
 * `{ format: 'socketio-inspector-workspace', version: 1, exportedAt, connections, environments }`.
 *
 * A saved connection is the connect form as the user typed it (templates with `{{variables}}` included),
 * under a name. The core knows the form's fields and their types (`WORKSPACE_FORM_FIELDS`) so that a file
 * is checked here, field by field, without the UI; the UI's `ConnectForm` is checked against this shape
 * at compile time. Unknown form fields are dropped on read (a later minor addition must not make a file
 * unreadable); missing ones are left out (the UI fills them with its defaults).
 *
 * Every problem is one `Error` whose message names the path (`connections[2].form.timeout: expected
 * text`); a file made by a newer inspector says so. Secrets: the writer writes what it is given; the UI
 * strips literal secrets before (never in an export) and lists them in `omitted`.
 */
import type { EnvironmentFile } from './variables'
import { validateEnvironments } from './variables'

export const WORKSPACE_FORMAT = 'socketio-inspector-workspace'
export const WORKSPACE_VERSION = 1
/** Bounds for a file read back: far above real use, low enough that a wrong file fails fast and clearly. */
export const MAX_WORKSPACE_CONNECTIONS = 2000
export const MAX_CONNECTION_NAME = 120
/** Per form field (a PEM certificate is a few KB; an auth object a few hundred bytes). */
export const MAX_FORM_TEXT = 200_000

/** The connect form's fields: text, a flag, or one of a few words. */
export const WORKSPACE_FORM_FIELDS = {
  url: 'text',
  path: 'text',
  transports: ['polling+websocket', 'websocket', 'polling'],
  auth: 'text',
  query: 'text',
  headers: 'text',
  reconnection: 'flag',
  reconnectionAttempts: 'text',
  reconnectionDelay: 'text',
  reconnectionDelayMax: 'text',
  timeout: 'text',
  ackWindow: 'text',
  forceNew: 'flag',
  withCredentials: 'flag',
  client: ['v4', 'v2'],
  parser: ['default', 'msgpack'],
  relay: 'flag',
  cookies: 'text',
  origin: 'text',
  tlsCa: 'text',
  tlsInsecure: 'flag',
  rememberSecrets: 'flag',
} as const satisfies Record<string, 'text' | 'flag' | readonly string[]>

type FieldSpec = (typeof WORKSPACE_FORM_FIELDS)[keyof typeof WORKSPACE_FORM_FIELDS]
type FieldValue<S> = S extends 'text' ? string : S extends 'flag' ? boolean : S extends readonly (infer W)[] ? W : never

/** The connect form as the workspace holds it (the UI's `ConnectForm` is this shape). */
export type WorkspaceForm = { -readonly [K in keyof typeof WORKSPACE_FORM_FIELDS]: FieldValue<(typeof WORKSPACE_FORM_FIELDS)[K]> }

/** A saved connection: a name and its form (`url` always; other fields may be missing in a file). */
export interface WorkspaceConnection {
  name: string
  form: Partial<WorkspaceForm> & { url: string }
  /** When it was saved (ms since the epoch). */
  savedAt?: number
  /** What was left out of it (secrets), by name only: `['auth', 'header Authorization']`. */
  omitted?: string[]
  /** Literal secrets it holds (kept because "remember secrets" was ticked): names only, for the mark. */
  secretsKept?: string[]
}

export interface WorkspaceFile {
  format: typeof WORKSPACE_FORMAT
  version: typeof WORKSPACE_VERSION
  /** ISO time of the export. */
  exportedAt: string
  connections: WorkspaceConnection[]
  environments: EnvironmentFile[]
}

export type WorkspaceRead = { ok: true, workspace: WorkspaceFile } | { ok: false, message: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nameList(raw: unknown, at: string): string[] {
  if (!Array.isArray(raw))
    throw new Error(`${at}: expected a list of names`)
  return raw.map((item, i) => {
    if (typeof item !== 'string')
      throw new Error(`${at}[${i}]: expected text`)
    return item
  })
}

/** Check a connect form; unknown fields are dropped, missing ones left out. */
export function validateWorkspaceForm(raw: unknown, where = 'form'): Partial<WorkspaceForm> & { url: string } {
  if (!isRecord(raw))
    throw new Error(`${where}: expected an object`)
  if (raw.url === undefined)
    throw new Error(`${where}.url: missing (every saved connection has a URL)`)
  const form: Record<string, string | boolean> = {}
  for (const [field, spec] of Object.entries(WORKSPACE_FORM_FIELDS) as Array<[keyof WorkspaceForm, FieldSpec]>) {
    const value = raw[field]
    if (value === undefined)
      continue
    const at = `${where}.${field}`
    if (spec === 'text') {
      if (typeof value !== 'string')
        throw new Error(`${at}: expected text`)
      if (value.length > MAX_FORM_TEXT)
        throw new Error(`${at}: ${value.length} characters, more than ${MAX_FORM_TEXT}`)
    }
    else if (spec === 'flag') {
      if (typeof value !== 'boolean')
        throw new Error(`${at}: expected true or false`)
    }
    else if (typeof value !== 'string' || !(spec as readonly string[]).includes(value)) {
      throw new Error(`${at}: expected one of ${spec.map(word => `"${word}"`).join(', ')}`)
    }
    form[field] = value
  }
  return form as Partial<WorkspaceForm> & { url: string }
}

/**
 * Check a list of saved connections: each a unique, non-empty name (≤ 120 characters) and a form.
 * @example validateConnections(JSON.parse(text).connections, 'connections')
 */
export function validateConnections(raw: unknown, where = 'connections'): WorkspaceConnection[] {
  if (!Array.isArray(raw))
    throw new Error(`${where}: expected a list`)
  if (raw.length > MAX_WORKSPACE_CONNECTIONS)
    throw new Error(`${where}: ${raw.length} connections, more than ${MAX_WORKSPACE_CONNECTIONS}`)
  const names = new Set<string>()
  return raw.map((item, i) => {
    const at = `${where}[${i}]`
    if (!isRecord(item))
      throw new Error(`${at}: expected an object`)
    if (typeof item.name !== 'string')
      throw new Error(`${at}.name: expected text`)
    const name = item.name.trim()
    if (!name)
      throw new Error(`${at}.name: empty`)
    if (name.length > MAX_CONNECTION_NAME)
      throw new Error(`${at}.name: longer than ${MAX_CONNECTION_NAME} characters`)
    if (names.has(name))
      throw new Error(`${at}.name: "${name}" appears twice`)
    names.add(name)
    const connection: WorkspaceConnection = { name, form: validateWorkspaceForm(item.form, `${at}.form`) }
    if (item.savedAt !== undefined) {
      if (typeof item.savedAt !== 'number' || !Number.isFinite(item.savedAt))
        throw new Error(`${at}.savedAt: expected a time (ms since 1970)`)
      connection.savedAt = item.savedAt
    }
    if (item.omitted !== undefined) {
      const omitted = nameList(item.omitted, `${at}.omitted`)
      if (omitted.length > 0)
        connection.omitted = omitted
    }
    if (item.secretsKept !== undefined) {
      const kept = nameList(item.secretsKept, `${at}.secretsKept`)
      if (kept.length > 0)
        connection.secretsKept = kept
    }
    return connection
  })
}

/**
 * Check a parsed workspace file. Throws an `Error` naming what is wrong: not an object, another format (a
 * captured log says so), a version this inspector cannot read (a newer one says "made by a newer Socket.IO
 * Inspector"), or the path of the first bad value.
 */
export function validateWorkspace(raw: unknown): WorkspaceFile {
  if (!isRecord(raw))
    throw new Error('Not a Socket.IO Inspector workspace: the file is not a JSON object')
  if (raw.format !== WORKSPACE_FORMAT) {
    if (raw.format === 'sio-inspector')
      throw new Error('This is a captured log (format "sio-inspector"), not a workspace: open it with Import in the header')
    throw new Error(raw.format === undefined
      ? `Not a Socket.IO Inspector workspace: "format" is missing (expected "${WORKSPACE_FORMAT}")`
      : `Not a Socket.IO Inspector workspace: format is ${JSON.stringify(raw.format)} (expected "${WORKSPACE_FORMAT}")`)
  }
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1)
    throw new Error(`version: expected a whole number ≥ 1, got ${JSON.stringify(raw.version) ?? 'nothing'}`)
  if (raw.version > WORKSPACE_VERSION)
    throw new Error(`This workspace was made by a newer Socket.IO Inspector (workspace version ${raw.version}; this one reads version ${WORKSPACE_VERSION}): update the inspector to import it`)
  if (raw.exportedAt !== undefined && typeof raw.exportedAt !== 'string')
    throw new Error('exportedAt: expected text (an ISO time)')
  if (raw.connections === undefined && raw.environments === undefined)
    throw new Error('The workspace has neither "connections" nor "environments"')
  const connections = raw.connections === undefined ? [] : validateConnections(raw.connections, 'connections')
  const environments = raw.environments === undefined ? [] : validateEnvironments(raw.environments, 'environments')
  return {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    exportedAt: typeof raw.exportedAt === 'string' ? raw.exportedAt : '',
    connections,
    environments,
  }
}

/**
 * Read a workspace file's text: `{ ok: false, message }` for text that is not JSON or not a valid
 * workspace (nothing is half-read).
 * @example
 * const read = readWorkspace(await file.text())
 * if (!read.ok) showError(read.message)
 */
export function readWorkspace(text: string): WorkspaceRead {
  let raw: unknown
  try {
    // A UTF-8 byte order mark (some editors write one) is not part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''))
  }
  catch (error) {
    return { ok: false, message: `Not JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  try {
    return { ok: true, workspace: validateWorkspace(raw) }
  }
  catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}

/**
 * The file's text (pretty-printed: people diff and edit these).
 * @example writeWorkspace({ connections: [{ name: 'local chat', form: { url: 'http://localhost:3000/chat' } }], environments: [] })
 */
export function writeWorkspace(content: { connections: readonly WorkspaceConnection[], environments: readonly EnvironmentFile[], exportedAt?: Date }): string {
  const file: WorkspaceFile = {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    exportedAt: (content.exportedAt ?? new Date()).toISOString(),
    connections: [...content.connections],
    environments: [...content.environments],
  }
  return `${JSON.stringify(file, null, 2)}\n`
}
