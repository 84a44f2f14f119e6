import type { ConnectErrorEntry, EventEntry, RelayEndpoint, SessionSource } from '#core'
/**
 * The relay runs in the inspector's own process (`npm start`): no server may end that process. Here the relay
 * runs in a child process started with tsx, as `npm start` starts it, next to a small socket.io server that
 * plays the demo server. A relayed session whose server sends a malformed Engine.IO open packet ends with the
 * `malformed-handshake` diagnosis (v4 and v2 clients, WebSocket and polling); a session worker that dies of a
 * real library exception ends its session only. Each time, the child process stays up, another relayed
 * session keeps receiving events, and the demo server keeps answering.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import type { MalformedOpenServer } from '../fixtures/hostile-server'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DIAGNOSES, EventLog, explainFailure, MALFORMED_HANDSHAKE, RELAY_SESSION_CRASHED, RelaySession } from '#core'
import { io as ioc } from 'socket.io-client'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startMalformedOpenServer } from '../fixtures/hostile-server'
import { waitForEntry, waitForState } from './fixtures/servers'

const TOKEN = 'relay-isolation-token'
const ORIGIN = 'http://inspector.test:5173'
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const RELAY_PROCESS = fileURLToPath(new URL('../fixtures/relay-process.ts', import.meta.url))
const UNGUARDED_WORKER = new URL('../fixtures/unguarded-relay-worker.ts', import.meta.url).href

interface RelayProcess {
  child: ChildProcessWithoutNullStreams
  endpoint: RelayEndpoint
  demoUrl: string
  /** Everything the child wrote on stderr (shown when it dies). */
  stderr: () => string
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>
  stop: () => Promise<void>
}

/** Start the relay process; resolves once it listens. */
async function startRelayProcess(env: Record<string, string> = {}): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY_PROCESS], {
    cwd: ROOT,
    env: { ...process.env, RELAY_TOKEN: TOKEN, RELAY_ORIGIN: ORIGIN, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  const ports = await new Promise<{ relayPort: number, demoPort: number }>((resolve, reject) => {
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const line = out.split('\n').find(l => l.startsWith('{'))
      if (line)
        resolve(JSON.parse(line) as { relayPort: number, demoPort: number })
    })
    void exited.then(code => reject(new Error(`the relay process exited (${code}) before listening: ${err}`)))
  })
  return {
    child,
    endpoint: { url: `http://127.0.0.1:${ports.relayPort}`, token: TOKEN, extraHeaders: { Origin: ORIGIN } },
    demoUrl: `http://127.0.0.1:${ports.demoPort}`,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end()
        await exited
      }
    },
  }
}

const closers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
})

let n = 0
function relayed(relay: RelayProcess, options: ConstructorParameters<typeof RelaySession>[0]): { s: RelaySession, log: EventLog } {
  const log = new EventLog()
  const s = new RelaySession(options, { log, relay: relay.endpoint, id: `iso${++n}` })
  closers.push(() => s.dispose())
  return { s, log }
}

/** A relayed session to the relay process's demo server that answers `ping` with `pong`. */
async function goodSession(relay: RelayProcess): Promise<{ s: SessionSource, log: EventLog, roundTrip: (k: number) => Promise<void> }> {
  const { s, log } = relayed(relay, { url: `${relay.demoUrl}/`, transports: ['websocket'] })
  s.connect()
  await waitForState(s, x => x.status === 'connected', 15_000)
  const roundTrip = async (k: number): Promise<void> => {
    expect(s.emit('ping', [k]).ok).toBe(true)
    const pong = await waitForEntry<EventEntry>(log, e => e.kind === 'event' && e.name === 'pong' && (e as EventEntry).args[0] === k, { timeoutMs: 10_000 })
    expect(pong.args).toEqual([k])
  }
  await roundTrip(0)
  return { s, log, roundTrip }
}

/** A direct socket.io client to the relay process's demo server: the process still serves. */
async function demoAnswers(relay: RelayProcess): Promise<void> {
  const client = ioc(relay.demoUrl, { forceNew: true, reconnection: false, transports: ['websocket'] })
  try {
    const pong = await new Promise<unknown>((resolve, reject) => {
      client.once('connect_error', reject)
      client.once('pong', resolve)
      client.emit('ping', 'direct')
    })
    expect(pong).toBe('direct')
  }
  finally {
    client.close()
  }
}

async function badServer(kind: 'cut-json' | 'cut-json-list'): Promise<MalformedOpenServer> {
  const bad = await startMalformedOpenServer(kind)
  closers.push(() => bad.close())
  return bad
}

describe('the relay process meets a malformed open packet', () => {
  let relay: RelayProcess
  afterAll(async () => {
    await relay?.stop()
  })

  // The packets: `0{"sid":"x",` over WebSocket, `0{"sid":"x","x","x",` over polling.
  const cases = [
    { client: 'v4', transport: 'websocket', kind: 'cut-json' },
    { client: 'v4', transport: 'polling', kind: 'cut-json-list' },
    { client: 'v2', transport: 'websocket', kind: 'cut-json' },
    { client: 'v2', transport: 'polling', kind: 'cut-json-list' },
  ] as const
  for (const c of cases) {
    it(`ends only the ${c.client} session over ${c.transport} with the malformed-handshake diagnosis; the process, another session and the demo server carry on`, async () => {
      relay ??= await startRelayProcess()
      const good = await goodSession(relay)
      const bad = await badServer(c.kind)
      // Reconnection stays on (the default): the session must end anyway, not loop on the same packet.
      const { s, log } = relayed(relay, { url: `${bad.url}/`, client: c.client, transports: [c.transport] })
      s.connect()
      const error = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error', { timeoutMs: 15_000 })
      expect(error.message).toBe(MALFORMED_HANDSHAKE)
      expect(error.willRetry).toBe(false)
      await waitForState(s, x => x.status === 'disconnected', 10_000)
      // The bad open frame is in the log as evidence, as text.
      const frame = await waitForEntry(log, e => e.kind === 'frame' && e.engineType === 'open')
      expect(frame.kind === 'frame' && typeof frame.data === 'string' && frame.data.startsWith('{"sid":"x",')).toBe(true)

      // The page's diagnosis from that entry: the problem in the title, the packet's first characters as text.
      const d = explainFailure({ url: bad.url, error: { message: error.message, data: error.data, description: error.description } })
      expect(d?.code).toBe('malformed-handshake')
      expect(d?.title).toMatch(new RegExp(`^${DIAGNOSES['malformed-handshake'].title}: the open packet is not valid JSON`))
      expect(d?.detail).toContain(bad.packet)

      // Everything else carries on.
      await good.roundTrip(1)
      await demoAnswers(relay)
      expect(relay.child.exitCode, relay.stderr()).toBeNull()
      expect(bad.handshakes).toBe(1)
    })
  }
})

describe('a session worker that dies of a library exception', () => {
  it('ends that session with "relay session crashed"; the process, another session and the demo server carry on, and connect starts a new worker', async () => {
    const relay = await startRelayProcess({ RELAY_SESSION_WORKER: UNGUARDED_WORKER })
    closers.push(() => relay.stop())
    const good = await goodSession(relay)
    const bad = await badServer('cut-json')
    const { s, log } = relayed(relay, { url: `${bad.url}/`, transports: ['websocket'] })
    s.connect()
    const crash = await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error' && e.message === RELAY_SESSION_CRASHED, { timeoutMs: 15_000 })
    expect(crash.data).toEqual({ error: expect.stringMatching(/^SyntaxError: .*JSON/) })
    expect(String(crash.description)).toContain('Only this session ended')
    const snap = await waitForState(s, x => x.status === 'disconnected' && x.lastError === RELAY_SESSION_CRASHED, 10_000)
    expect(snap.id).toBe(s.id)
    // Not a server's word: the page's diagnosis probes instead of blaming a middleware.
    expect(explainFailure({ url: bad.url, error: { message: crash.message } })).toBeUndefined()
    // An emit on the crashed session is refused, not lost.
    expect(s.emit('x', []).ok).toBe(false)

    await good.roundTrip(1)
    await demoAnswers(relay)
    expect(relay.child.exitCode, relay.stderr()).toBeNull()

    // Connecting again starts a new worker for the same session (which meets the same server again).
    s.connect()
    await waitForEntry<ConnectErrorEntry>(log, e => e.kind === 'connect_error' && e.message === RELAY_SESSION_CRASHED, { fromId: crash.id + 1, timeoutMs: 15_000 })
    await good.roundTrip(2)
    expect(relay.child.exitCode, relay.stderr()).toBeNull()
  })
})
