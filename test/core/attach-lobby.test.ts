/**
 * The page's side of attach() (src/core/attach/lobby.ts, and RelaySession's watch mode) against the real
 * relay and attach hub (inspector-ui/server/relay.ts, attach-hub.ts) on one HTTP server on 127.0.0.1:0;
 * apps are socket.io-clients speaking the app side of src/core/attach/protocol.ts.
 */
import type { AttachedInfo, EventEntry, LogEntry, RelayEndpoint } from '#core'
import type { AddressInfo } from 'node:net'
import type { Socket } from 'socket.io-client'
import type { AttachHub } from '../../inspector-ui/server/attach-hub'
import type { Relay } from '../../inspector-ui/server/relay'
import http from 'node:http'
import { ATTACH_PATH, AttachLobby, createSessionSource, encodeEntries, EventLog } from '#core'
import { io as ioc } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { attachHub } from '../../inspector-ui/server/attach-hub'
import { attachRelay } from '../../inspector-ui/server/relay'

const ATTACH_TOKEN = 'attach-token-of-the-lobby-tests'
const RELAY_TOKEN = 'relay-token-of-the-lobby-tests'
const ORIGIN = 'http://inspector.test:5173'

let httpServer: http.Server
let hub: AttachHub
let relay: Relay
let port: number
let endpoint: RelayEndpoint
const cleanups: (() => void)[] = []

beforeAll(async () => {
  httpServer = http.createServer()
  hub = attachHub(httpServer, { token: ATTACH_TOKEN })
  relay = attachRelay(httpServer, { token: RELAY_TOKEN, allowedOrigins: [ORIGIN], attach: hub })
  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', () => resolve()))
  port = (httpServer.address() as AddressInfo).port
  endpoint = { url: `http://127.0.0.1:${port}`, token: RELAY_TOKEN, extraHeaders: { Origin: ORIGIN } }
})

afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

afterAll(async () => {
  await relay?.close()
  await hub?.close()
  httpServer.closeAllConnections()
  await new Promise<void>(resolve => httpServer.close(() => resolve()))
})

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const v = probe()
    if (v !== undefined && v !== false)
      return v
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

let seq = 0
async function attachApp(over: Record<string, unknown> = {}): Promise<{ socket: Socket, attachId: string }> {
  const attachId = `lobby-app-${++seq}-0000`
  const socket = ioc(`http://127.0.0.1:${port}`, {
    path: ATTACH_PATH,
    forceNew: true,
    reconnection: false,
    auth: { token: ATTACH_TOKEN, protocol: 1, attachId, name: `app ${seq}`, role: 'client', allowEmit: false, frames: false, url: 'http://localhost:3000/', namespace: '/', runtime: 'node', ...over },
  })
  cleanups.push(() => socket.close())
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return { socket, attachId }
}

function lobbyOf(relayEndpoint: RelayEndpoint = endpoint): AttachLobby {
  const lobby = new AttachLobby(relayEndpoint, { retryMs: 50 })
  cleanups.push(() => lobby.close())
  return lobby
}

function find(list: readonly AttachedInfo[], attachId: string): AttachedInfo | undefined {
  return list.find(i => i.attachId === attachId)
}

describe('attachLobby', () => {
  it('lists the attached apps and tells of every change, until closed', async () => {
    const lobby = lobbyOf()
    const seen: (readonly AttachedInfo[])[] = []
    lobby.on('change', list => seen.push(list))
    await until('ready', () => lobby.status === 'ready')
    expect(lobby.error).toBeUndefined()

    const { socket, attachId } = await attachApp({ name: 'listed app', runtime: 'browser' })
    const came = await until('the app in the list', () => find(lobby.list, attachId))
    expect(came).toMatchObject({ name: 'listed app', role: 'client', runtime: 'browser', present: true, allowEmit: false })
    expect(Object.isFrozen(lobby.list)).toBe(true)
    expect(seen.at(-1)).toBe(lobby.list)

    socket.disconnect()
    await until('the app gone', () => find(lobby.list, attachId)?.present === false)

    const calls = seen.length
    lobby.close()
    expect(lobby.status).toBe('closed')
    await attachApp()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(seen).toHaveLength(calls)
  })

  it('reports an error state when the relay refuses it, and keeps trying', async () => {
    let handshakes = 0
    const count = (): void => void handshakes++
    relay.io.engine.on('connection', count)
    cleanups.push(() => relay.io.engine.off('connection', count))
    const lobby = lobbyOf({ ...endpoint, token: 'not-the-relay-token' })
    const changes: number[] = []
    lobby.on('change', () => changes.push(1))
    await until('the error state', () => lobby.status === 'error')
    expect(lobby.error).toMatch(/relay: missing or wrong token/)
    expect(changes.length).toBeGreaterThan(0)
    await until('a second attempt', () => handshakes >= 2)
    expect(lobby.list).toEqual([])
  })

  it('comes back after its relay connection drops, with the list as it is then', async () => {
    const lobby = lobbyOf()
    await until('ready', () => lobby.status === 'ready')
    relay.io.disconnectSockets(true)
    await until('the error state', () => lobby.status === 'error')
    expect(lobby.error).toMatch(/closed \(io server disconnect\)/)
    const { attachId } = await attachApp()
    await until('ready again, with the new app', () => lobby.status === 'ready' && find(lobby.list, attachId))
  })
})

describe('relaySession in watch mode', () => {
  it('watches again after its relay connection dropped, without showing anything twice', async () => {
    const { socket: app, attachId } = await attachApp()
    const log = new EventLog()
    const session = createSessionSource({ via: 'attach', attach: attachId, url: 'http://localhost:3000/', label: 'tab', relay: endpoint }, { log, id: 'w1' })
    cleanups.push(() => session.dispose())
    const names = (): string[] => [...log].filter((e): e is EventEntry => e.kind === 'event').map(e => e.name)
    const send = (name: string): void => void app.emit('entries', encodeEntries([{ kind: 'event', direction: 'in', name, args: [], time: Date.now(), mono: 1 }] as unknown as LogEntry[]), 1)

    session.connect()
    send('one')
    send('two')
    await until('two entries', () => names().length === 2)

    relay.io.disconnectSockets(true)
    await until('the lost watch', () => session.snapshot().status === 'disconnected')
    expect(session.snapshot().attached?.present).toBe(false)
    expect([...log].some(e => e.kind === 'connect_error')).toBe(true)
    send('three')

    session.connect()
    await until('the third entry', () => names().includes('three'))
    expect(names()).toEqual(['one', 'two', 'three'])
    expect(session.snapshot().attached?.present).toBe(true)
  })

  it('needs a relay endpoint and an attach id', () => {
    const log = new EventLog()
    expect(() => createSessionSource({ via: 'attach', attach: 'x'.repeat(8), url: 'http://localhost:3000/' }, { log })).toThrow(/needs the relay endpoint/)
    expect(() => createSessionSource({ via: 'attach', url: 'http://localhost:3000/', relay: endpoint }, { log })).toThrow(/needs the attached socket \(/)
  })
})
