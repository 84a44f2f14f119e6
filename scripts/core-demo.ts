/**
 * The core engine from a plain Node script: connect to a namespace of the demo server, emit with an ack,
 * answer the server's `quiz` ack request, and print the lifecycle, events, acks and frames seen.
 *
 *   npx tsx scripts/core-demo.ts http://localhost:3000/namespace1 [--answer 42] [--no-frames]
 *
 * Exits 0 when the whole scenario ran (connected, acked, quiz answered, result received), 1 otherwise.
 */
import type { LogEntry } from '#core'
import process from 'node:process'
import { decodeFrame, formatBytes, Inspector, previewArgs } from '#core'

const argv = process.argv.slice(2)
const url = argv.find(a => !a.startsWith('--'))
if (!url) {
  console.error('usage: npx tsx scripts/core-demo.ts <url, e.g. http://localhost:3000/namespace1> [--answer 42] [--no-frames]')
  process.exit(2)
}
const answerAt = argv.indexOf('--answer')
const answer: unknown = answerAt >= 0 ? JSON.parse(argv[answerAt + 1] ?? '42') : 42
const captureFrames = !argv.includes('--no-frames')

const inspector = new Inspector()
const session = inspector.createSession({ url, captureFrames, reconnectionAttempts: 3 })
const t0 = performance.now()

function line(e: LogEntry): string {
  const at = `${((e.mono - t0) / 1000).toFixed(3).padStart(7)}s`
  const dir = e.direction === 'in' ? '<-' : e.direction === 'out' ? '->' : '  '
  switch (e.kind) {
    case 'connecting': return `${at} ${dir} connecting to ${e.url} (namespace ${e.namespace})`
    case 'connect': return `${at} ${dir} connect socket=${e.socketId} engine=${e.engineId} transport=${e.transport}${e.recovered ? ' (recovered)' : ''}`
    case 'connect_error': return `${at} ${dir} connect_error "${e.message}"${e.data === undefined ? '' : ` data=${previewArgs([e.data])}`} willRetry=${e.willRetry}`
    case 'disconnect': return `${at} ${dir} disconnect "${e.reason}": ${e.explanation}`
    case 'reconnect_attempt':
    case 'reconnect': return `${at} ${dir} ${e.kind} #${e.attempt}`
    case 'reconnect_error': return `${at} ${dir} reconnect_error ${e.message}`
    case 'reconnect_failed': return `${at} ${dir} reconnect_failed`
    case 'upgrading':
    case 'upgrade':
    case 'upgrade_error': return `${at} ${dir} ${e.kind} ${e.transport ?? ''} ${e.message ?? ''}`
    case 'event': return `${at} ${dir} EVENT ${e.name}(${previewArgs(e.args, 100)})${e.correlationId ? ` [ack ${e.correlationId}]` : ''}`
    case 'ack': return `${at} ${dir} ACK ${e.name} [${e.correlationId}] ${e.timedOut ? `timed out (${e.error ?? ''})` : `(${previewArgs(e.args, 100)})`} in ${e.latencyMs.toFixed(1)} ms`
    case 'note': return `${at} ${dir} note (${e.level}) ${e.message}`
    case 'frame': {
      const d = decodeFrame(e)
      const what = d.kind === 'socket'
        ? `${d.packetType} nsp=${d.nsp}${d.id === undefined ? '' : ` id=${d.id}`}${d.eventName ? ` "${d.eventName}"` : ''}`
        : d.kind === 'engine'
          ? `engine ${d.engineType}${d.handshake ? ` sid=${d.handshake.sid} ping=${d.handshake.pingInterval}/${d.handshake.pingTimeout}` : ''}`
          : d.kind === 'attachment' ? `binary attachment ${formatBytes(d.byteLength)}` : `DECODE ERROR ${d.message}`
      return `${at} ${dir}   frame ${e.transport ?? '?'} ${formatBytes(e.size)} ${what}`
    }
  }
}

let quizResult: unknown
let acked = false
let answered = false

inspector.log.subscribe((batch) => {
  for (const e of batch) {
    console.log(line(e))
    if (e.kind === 'event' && e.direction === 'in' && e.name === 'quiz' && e.correlationId) {
      // The server asked for an ack: answer it (nothing answers on the user's behalf).
      const r = session.answerAck(e.correlationId, [answer])
      answered = r.ok
      if (!r.ok)
        console.error(`could not answer: ${r.error}`)
    }
    if (e.kind === 'event' && e.direction === 'in' && e.name === 'quiz:result')
      quizResult = e.args[0]
    if (e.kind === 'ack' && e.direction === 'in' && !e.timedOut)
      acked = true
  }
})

const done = new Promise<boolean>((resolve) => {
  const started = Date.now()
  let emitted = false
  const timer = setInterval(() => {
    const snap = session.snapshot()
    if (!emitted && snap.status === 'connected') {
      emitted = true
      session.emit('enter', ['room1'], { ack: true, ackTimeoutMs: 5000 })
      session.emit('chat', ['hello from scripts/core-demo.ts'], { ack: true, ackTimeoutMs: 5000 })
      session.emit('quiz:start', [], { ack: true, ackTimeoutMs: 5000 })
    }
    if (quizResult !== undefined || Date.now() - started > 15_000) {
      clearInterval(timer)
      resolve(emitted && acked && answered && quizResult !== undefined)
    }
  }, 20)
})

session.connect()
const ok = await done
session.disconnect()
await new Promise(resolve => setTimeout(resolve, 50))
const snap = session.snapshot()
console.log('\nid history:')
for (const r of snap.idHistory)
  console.log(`  ${r.socketId} (engine ${r.engineId}, ${r.transport}) ${new Date(r.connectedAt).toISOString()} → ${r.disconnectedAt ? `${new Date(r.disconnectedAt).toISOString()} ${r.reason}` : 'now'}`)
console.log(`\n${inspector.log.size} entries; quiz result: ${previewArgs([quizResult])}; ${ok ? 'OK' : 'INCOMPLETE'}`)
inspector.dispose()
process.exit(ok ? 0 : 1)
