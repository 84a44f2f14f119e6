/**
 * Why a connection of `capture` or `emit` failed, on stderr: the diagnosis the UI's lifecycle panel shows
 * (its title, what the probes saw, what to do), found the same way (inspector-ui/src/stores/diagnosis.ts):
 * the core's `explainFailure` when the client's error says enough (an unknown namespace, a middleware's
 * refusal), else `diagnoseConnection`'s probes, run from this process as the relay runs them. Settings the
 * diagnosis suggests are spelled as this command's flags.
 */
import type { ConnectErrorLike, Diagnosis, SuggestedSettings } from '#core'
import type { ConnectionOptions } from './connection-options'
import type { CliIO } from './types'
import { diagnoseConnection, explainFailure } from '#core'

export interface FailureInput {
  url: string
  options: ConnectionOptions
  /** socket.io-client's `connect_error`, when there was one. */
  error?: ConnectErrorLike
  /** Why the session disconnected, when that is the failure (`ping timeout`). */
  disconnectReason?: string
  /** Time limit of each probe request, ms. @default 4000, or `options.timeout` when shorter (at least 500) */
  timeoutMs?: number
}

/**
 * The diagnosis of a failed connection; `undefined` only when nothing could be said (never throws).
 * @example (await diagnoseFailure({ url: 'http://127.0.0.1:9/', options: {}, error: { message: 'xhr poll error' } }))?.code // 'unreachable'
 */
export async function diagnoseFailure(input: FailureInput): Promise<Diagnosis | undefined> {
  const base = {
    url: input.url,
    path: input.options.path,
    transports: input.options.transports ? [...input.options.transports] : undefined,
    error: input.error,
    disconnectReason: input.disconnectReason,
    ...(input.options.parser ? { parser: input.options.parser } : {}),
  }
  const quick = explainFailure(base)
  // As the UI: a conclusive answer from the client's own error needs no probe (a ping timeout does).
  if (quick && quick.code !== 'ping-timeout')
    return quick
  try {
    // `pageOrigin` is sent as `Origin` by the probes: the one the connection sends, if any.
    const origin = input.options.extraHeaders?.Origin
    // Each probe waits as long as the UI's (4 s), or no longer than `--timeout` asked the connection to wait.
    const timeoutMs = input.timeoutMs ?? (input.options.timeout !== undefined ? Math.min(4000, Math.max(500, input.options.timeout)) : 4000)
    return await diagnoseConnection({ ...base, ...(origin ? { pageOrigin: origin } : {}), timeoutMs })
  }
  catch {
    return quick
  }
}

/**
 * The settings a diagnosis suggests, as flags of this command. The relay is not one: the command already
 * runs where the relay runs (Node: any header, no CORS, its own TLS rules).
 * @example suggestedFlags({ client: 'v2' }) // ['--client v2']
 */
export function suggestedFlags(settings: SuggestedSettings | undefined, path?: string): string[] {
  const flags: string[] = []
  if (settings?.client)
    flags.push(`--client ${settings.client}`)
  if (settings?.parser)
    flags.push(settings.parser === 'msgpack' ? '--parser msgpack' : '--parser default (or no --parser)')
  if (settings?.transports)
    flags.push(`--transports ${settings.transports.join(',')}`)
  const p = settings?.path ?? path
  if (p)
    flags.push(`--path ${p}`)
  return flags
}

/**
 * Control characters of server-sent text (a middleware's message, a page excerpt) shown as escapes: what a
 * server sends is data, and must not move the cursor or recolour the user's terminal.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is escaped
  return text.replace(/[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The lines printed for a failed connection.
 * @example formatDiagnosis('http://127.0.0.1:9/', diagnosis, { message: 'xhr poll error' })
 * // 'Cannot connect to http://127.0.0.1:9/: Nothing answers at this address\n  What the inspector saw: …'
 */
export function formatDiagnosis(url: string, diagnosis: Diagnosis | undefined, error?: ConnectErrorLike, what = 'Cannot connect to'): string {
  const lines: string[] = []
  if (diagnosis) {
    lines.push(`${what} ${url}: ${diagnosis.title}`)
    if (diagnosis.detail)
      lines.push(`  What the inspector saw: ${diagnosis.detail}`)
    lines.push(`  What to do: ${diagnosis.suggestion}`)
    const flags = suggestedFlags(diagnosis.suggestedSettings, diagnosis.suggestedPath)
    if (diagnosis.code === 'tls-error')
      flags.push('--ca FILE (trust the server\'s certificate)', '--insecure (accept any certificate)')
    if (flags.length)
      lines.push(`  Try: ${flags.join(', ')}`)
  }
  else {
    lines.push(`${what} ${url}${error ? `: ${error.message}` : ''}`)
  }
  if (error && diagnosis)
    lines.push(`  socket.io-client said: ${error.message}`)
  if (error?.data !== undefined)
    lines.push(`  data: ${jsonLine(error.data)}`)
  return `${lines.map(terminalSafe).join('\n')}\n`
}

function jsonLine(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? String(value)
    return text.length > 500 ? `${text.slice(0, 500)}…` : text
  }
  catch {
    return String(value)
  }
}

/**
 * Diagnose a failed connection and print it on stderr.
 * @example await reportConnectionFailure(io, { url, options, error: { message: 'xhr poll error' } })
 */
export async function reportConnectionFailure(io: CliIO, input: FailureInput, what?: string): Promise<Diagnosis | undefined> {
  const diagnosis = await diagnoseFailure(input)
  io.stderr.write(formatDiagnosis(input.url, diagnosis, input.error, what))
  return diagnosis
}
