import type { FrameEntry, LogEntry, SessionSource } from '#core'
/**
 * Frames list every Engine.IO packet, the upgrade included (issue 11, item 15): the probe (`2probe` out,
 * `3probe` in over the transport being probed), the `5` upgrade packet and the `6` noop that ends the
 * pending poll, against real socket.io 4 and 2 servers, polling first then websocket.
 */
import type { DemoServerV2 } from '../../demo-server/v2/start-v2'
import type { TestServer } from './fixtures/servers'
import { compileFilter, decodeAnyFrame, EventLog, frameWireText, LiveSession, ManagerPool } from '#core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServerV2 } from '../../demo-server/v2/start-v2'
import { watchProbeFrames } from '../../src/core/session/probe-frames'
import { afterUpgrade, holdUpgradeUntilPolling } from '../fixtures/after-upgrade'
import { delay, startFixtureServer, waitForEntry, waitForState } from './fixtures/servers'

/** A namespace that waits for the upgrade: the first poll is still pending when the probe succeeds (a `6` noop). */
const SLOW = '/slow'

let v4: TestServer
let v2: DemoServerV2
const sessions: SessionSource[] = []

beforeAll(async () => {
  v4 = await startFixtureServer()
  v4.io.of(SLOW).use(afterUpgrade()).on('connection', (socket) => {
    socket.on('echo', (...args: unknown[]) => socket.emit('echo', ...args))
  })
  v2 = await startDemoServerV2({ port: 0, pingInterval: 500, pingTimeout: 5000, quizTimeoutMs: 5000 })
  v2.io.of(SLOW).use(afterUpgrade())
  holdUpgradeUntilPolling(v4.io.httpServer as never, v4.io.engine as never)
  holdUpgradeUntilPolling(v2.httpServer, v2.io.engine as never)
})
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose()
})
afterAll(async () => {
  await v4.close()
  await v2.close()
})

function frames(log: EventLog): FrameEntry[] {
  return [...log].filter((e): e is FrameEntry => e.kind === 'frame')
}

/** `direction transport wire-text [probe]`, in log order, for the frames up to the `connect` entry. */
function upgradeStory(log: EventLog): string[] {
  const out: string[] = []
  for (const e of log as Iterable<LogEntry>) {
    if (e.kind === 'frame')
      out.push(`${e.direction} ${e.transport} ${frameWireText(e) ?? '<binary>'}${e.probe ? ' probe' : ''}`)
    else if (e.kind === 'upgrading' || e.kind === 'upgrade')
      out.push(e.kind)
  }
  return out
}

async function upgraded(log: EventLog): Promise<void> {
  await waitForEntry(log, e => e.kind === 'connect', { timeoutMs: 10_000 })
  await waitForEntry(log, e => e.kind === 'upgrade', { timeoutMs: 10_000 })
}

describe('probe frames, socket.io-client 4 (engine.io-client 6)', () => {
  it('records 2probe, 3probe, the 5 upgrade and the 6 noop, each on its transport, in wire order', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: v4.url(SLOW), reconnection: false }, { log, id: 'p4' })
    sessions.push(s)
    s.connect()
    await upgraded(log)
    const story = upgradeStory(log)
    const at = (line: string): number => story.indexOf(line)
    for (const line of ['out websocket 2probe probe', 'in websocket 3probe probe', 'in polling 6', 'out websocket 5'])
      expect(at(line), `${line} in ${story.join(' | ')}`).toBeGreaterThanOrEqual(0)
    // Open over polling, the probe over websocket, then the switch.
    expect(at('out websocket 2probe probe')).toBeLessThan(at('in websocket 3probe probe'))
    expect(at('in websocket 3probe probe')).toBeLessThan(at('upgrading'))
    expect(at('in polling 6')).toBeLessThan(at('out websocket 5'))
    expect(at('out websocket 5')).toBeLessThan(at('upgrade'))
    expect(story[0]).toMatch(/^in polling 0\{"sid"/)
    // Each packet once: the transport the engine now uses is reported by the engine itself.
    expect(story.filter(l => l.includes('2probe'))).toHaveLength(1)
    expect(story.filter(l => l.endsWith(' 5'))).toHaveLength(1)

    // After the upgrade: messages over websocket, once each (no second report through the probe hooks).
    s.emit('echo', ['after'])
    await waitForEntry(log, e => e.kind === 'event' && e.direction === 'in' && e.name === 'echo')
    const echoes = frames(log).filter(f => typeof f.data === 'string' && f.data.includes('"after"'))
    expect(echoes.map(f => `${f.direction} ${f.transport}`)).toEqual(['out websocket', 'in websocket'])

    const probe = frames(log).find(f => f.probe && f.direction === 'out')!
    expect(decodeAnyFrame(probe)).toMatchObject({ kind: 'engine', engineType: 'ping', raw: '2probe', probe: true })
    // The frames view's "hide ping/pong" keeps the probe.
    const hide = compileFilter({ kinds: ['frame'], frameClasses: ['open', 'close', 'message', 'upgrade', 'noop', 'error', 'probe'] })
    expect(frames(log).filter(hide).map(f => frameWireText(f))).toEqual(expect.arrayContaining(['2probe', '3probe', '5', '6']))
  })

  it('records the probe over websocket only once when several sessions share one connection', async () => {
    const log = new EventLog()
    const managers = new ManagerPool()
    const a = new LiveSession({ url: v4.url('/'), forceNew: false, reconnection: false }, { log, id: 'pa', managers })
    const b = new LiveSession({ url: v4.url('/chat'), forceNew: false, reconnection: false }, { log, id: 'pb', managers })
    sessions.push(a, b)
    a.connect()
    b.connect()
    await waitForState(a, x => x.status === 'connected')
    await waitForState(b, x => x.status === 'connected')
    await waitForEntry(log, e => e.kind === 'upgrade', { timeoutMs: 10_000 })
    await delay(50)
    const probes = frames(log).filter(f => f.probe)
    expect(probes.map(f => frameWireText(f))).toEqual(['2probe', '3probe'])
    expect(new Set(probes.map(f => f.sessionId)).size).toBe(1)
  })

  it('records nothing more once disposed, and leaves the engine as it found it', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: v4.url('/'), reconnection: false, upgrade: false }, { log, id: 'pd' })
    sessions.push(s)
    s.connect()
    await waitForState(s, x => x.status === 'connected')
    // Without upgrades there is no probe at all.
    await delay(100)
    expect(frames(log).some(f => f.probe || f.engineType === 'upgrade')).toBe(false)

    // The hook on a bare engine: restored on dispose, quiet after.
    const seen: string[] = []
    const engine = { transport: undefined as unknown, createTransport: (name: string) => fakeTransport(name), on: () => {}, off: () => {} }
    const original = engine.createTransport
    const stop = watchProbeFrames(engine, (direction, p, transport, probe) => seen.push(`${direction} ${transport} ${p.type}${p.data ?? ''} ${probe}`))
    const t = engine.createTransport('websocket')
    t.send([{ type: 'ping', data: 'probe' }])
    t.emit('packet', { type: 'pong', data: 'probe' })
    stop()
    expect(engine.createTransport).toBe(original)
    t.send([{ type: 'ping', data: 'probe' }])
    t.emit('packet', { type: 'pong', data: 'probe' })
    expect(seen).toEqual(['out websocket pingprobe true', 'in websocket pongprobe true'])
    expect(watchProbeFrames({}, () => {})).toBeTypeOf('function')
  })
})

describe('probe frames, socket.io-client 2 (engine.io-client 3)', () => {
  it('records 2probe, 3probe, the 5 upgrade and the 6 noop with protocol 3', async () => {
    const log = new EventLog()
    const s = new LiveSession({ url: `${v2.url}${SLOW}`, client: 'v2', reconnection: false }, { log, id: 'p2' })
    sessions.push(s)
    s.connect()
    await upgraded(log)
    const story = upgradeStory(log)
    const at = (line: string): number => story.indexOf(line)
    for (const line of ['out websocket 2probe probe', 'in websocket 3probe probe', 'in polling 6', 'out websocket 5'])
      expect(at(line), `${line} in ${story.join(' | ')}`).toBeGreaterThanOrEqual(0)
    expect(at('out websocket 2probe probe')).toBeLessThan(at('in websocket 3probe probe'))
    expect(at('in polling 6')).toBeLessThan(at('out websocket 5'))
    expect(at('out websocket 5')).toBeLessThan(at('upgrade'))
    expect(frames(log).every(f => f.protocol === 3)).toBe(true)
    // EIO3: the client pings; its heartbeat `2` is not a probe.
    await waitForEntry<FrameEntry>(log, e => e.kind === 'frame' && e.engineType === 'ping' && !e.probe && e.direction === 'out', { timeoutMs: 10_000 })
    expect(frames(log).filter(f => f.probe).map(f => frameWireText(f))).toEqual(['2probe', '3probe'])
  })
})

/** A minimal transport (an emitter with `send`), for the hook's own unit test. */
function fakeTransport(name: string): { name: string, send: (p: { type: string, data?: unknown }[]) => void, on: (e: string, f: (...a: any[]) => void) => void, off: (e: string, f: (...a: any[]) => void) => void, emit: (e: string, ...a: unknown[]) => void } {
  const listeners = new Map<string, Set<(...a: any[]) => void>>()
  return {
    name,
    send: () => {},
    on: (e, f) => {
      if (!listeners.has(e))
        listeners.set(e, new Set())
      listeners.get(e)!.add(f)
    },
    off: (e, f) => {
      listeners.get(e)?.delete(f)
    },
    emit: (e, ...a) => {
      for (const f of listeners.get(e) ?? []) f(...a)
    },
  }
}
