/**
 * `socketio-inspector asyncapi <capture>... [--out FILE] [--server URL] [--title T] [--version V]`: the
 * AsyncAPI 3.0 document learned from captures (the core's `EventCatalog` fed with every event and ack of
 * every file, then `exportAsyncApi`), written as JSON to stdout or `--out`.
 *
 * - Every capture is read with the core's reader (`importCapture`, the inspector's Import): a file that
 *   cannot be read or is not a valid capture exits 1 naming the file and the problem, and nothing is written.
 * - Captures of several servers: `--server URL` picks one; without it that is a usage error (exit 2) listing them.
 * - Usage errors (an unwritable `--out`, a bad `--server`) exit 2.
 */
import type { CliIO } from './types'
import { readFileSync, writeFileSync } from 'node:fs'
import { catalogOrigin, EventCatalog, exportAsyncApi, importCapture } from '#core'
import { usageError } from './connection-options'
import { terminalSafe } from './diagnosis'
import { outputProblem } from './output-file'
import { EXIT } from './types'

export interface AsyncApiFlags {
  /** `--out FILE` (default: stdout). */
  out?: string
  /** `--server URL`: the server to document when the captures hold several. */
  server?: string
  /** `--title T` (`info.title`). */
  title?: string
  /** `--doc-version V` (`info.version`). */
  version?: string
}

/** Largest capture read (characters), as the inspector's Import allows. */
const MAX_CAPTURE_CHARS = 512 * 1024 * 1024

export async function runAsyncApi(files: readonly string[], flags: AsyncApiFlags, io: CliIO): Promise<number> {
  if (flags.out !== undefined) {
    const problem = outputProblem(flags.out)
    if (problem)
      return usageError(io, 'asyncapi', `--out ${JSON.stringify(flags.out)}: ${problem}`)
  }
  if (flags.server !== undefined && !/^(?:https?|wss?):\/\/[^/]/i.test(flags.server))
    return usageError(io, 'asyncapi', `--server ${JSON.stringify(flags.server)}: expected a URL such as http://localhost:3000`)

  const catalog = new EventCatalog({ maxKeys: 10_000 })
  let events = 0
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    }
    catch (err) {
      const e = err as NodeJS.ErrnoException
      io.stderr.write(`socketio-inspector asyncapi: ${terminalSafe(file)}: cannot read it (${e.code ?? e.message})\n`)
      return EXIT.connection
    }
    const read = importCapture(text, { maxBytes: MAX_CAPTURE_CHARS })
    if (!read.ok) {
      io.stderr.write(`socketio-inspector asyncapi: ${terminalSafe(file)}: ${terminalSafe(read.error)}\n`)
      return EXIT.connection
    }
    const sessions = new Map(read.sessions.map(s => [s.id, s]))
    for (const entry of read.entries) {
      const session = sessions.get(entry.sessionId)
      if (!session)
        continue
      if (entry.kind === 'event')
        events++
      catalog.observe(entry, session)
    }
  }

  const origins = catalog.origins()
  let server: string
  if (flags.server !== undefined) {
    server = catalogOrigin(flags.server)
    if (!origins.includes(server) && origins.length > 0)
      io.stderr.write(`socketio-inspector asyncapi: no events of ${terminalSafe(server)} in the captures (they hold ${origins.map(terminalSafe).join(', ')})\n`)
  }
  else if (origins.length > 1) {
    return usageError(io, 'asyncapi', `the captures hold several servers (${origins.map(terminalSafe).join(', ')}): choose one with --server URL`)
  }
  else if (origins.length === 1) {
    server = origins[0]
  }
  else {
    // Only sessions without events: an empty (but valid) document for the first session's server.
    const first = files.length ? importCapture(readFileSync(files[0], 'utf8'), { maxBytes: MAX_CAPTURE_CHARS }) : undefined
    server = first?.ok && first.sessions[0] ? catalogOrigin(first.sessions[0].url) : 'http://localhost'
  }

  const doc = exportAsyncApi(catalog, { server, title: flags.title, version: flags.version })
  const json = `${JSON.stringify(doc, null, 2)}\n`
  const count = catalog.events({ origin: server }).length
  if (flags.out !== undefined) {
    try {
      writeFileSync(flags.out, json)
    }
    catch (err) {
      const e = err as NodeJS.ErrnoException
      io.stderr.write(`socketio-inspector asyncapi: cannot write ${terminalSafe(flags.out)} (${e.code ?? e.message})\n`)
      return EXIT.connection
    }
  }
  else {
    io.stdout.write(json)
  }
  io.stderr.write(`socketio-inspector asyncapi: ${count} event definition${count === 1 ? '' : 's'} of ${terminalSafe(server)} from ${events} event${events === 1 ? '' : 's'} in ${files.length} capture${files.length === 1 ? '' : 's'}${flags.out !== undefined ? ` written to ${terminalSafe(flags.out)}` : ''}\n`)
  return EXIT.ok
}
