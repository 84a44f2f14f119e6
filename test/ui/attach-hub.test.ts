/**
 * The inspector's attach hub (issue 19, inspector-ui/server/attach-hub.ts), end to end on a real inspector
 * server (startInspectorServer on 127.0.0.1:0, a stand-in dist): an "app" is a socket.io-client speaking the
 * app side of src/core/attach/protocol.ts directly, a "page" is a `RelaySession` in watch mode (or a raw relay
 * connection, where the messages themselves are the point).
 */
import type { AttachedInfo, EventEntry, LogEntry, NoteEntry, RelayClientEvents, RelayServerEvents, SessionSource } from '#core'
import type { Socket } from 'socket.io-client'
import type { InspectorServer } from '../../inspector-ui/server/index'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ATTACH_MIRROR_NOTE,
  ATTACH_NO_ANSWER_ERROR,
  ATTACH_NO_FAULTS_ERROR,
  ATTACH_PATH,
  ATTACH_READ_ONLY_ERROR,
  createSessionSource,
  decodeEntries,
  decodeWire,
  encodeEntries,
  encodeWire,
  EventLog,
  explainDisconnect,
  RELAY_PATH,
} from '#core'
import { io as ioc } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { attachAddressRefusal } from '../../inspector-ui/server/attach-hub'
import { pageConfigFor, startInspectorServer } from '../../inspector-ui/server/index'

const TOKEN = 'attach-token-of-these-tests-0123'
/** The app's own monotonic clock, far from this process's: the hub must shift it. */
const APP_CLOCK = 5_000_000

type AppSocket = Socket
type PageSocket = Socket<RelayServerEvents, RelayClientEvents>

let dist: string
let server: InspectorServer
const cleanups: (() => void)[] = []

function standInDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sio-attach-dist-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
  return dir
}

beforeAll(async () => {
  dist = standInDist()
  server = await startInspectorServer({
    port: 0,
    distDir: dist,
    attachToken: TOKEN,
    attachLimits: { maxEntries: 100, maxBytes: 200_000, replayChunk: 8, emitTimeoutMs: 3000 },
  })
})

afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

afterAll(async () => {
  await server?.close()
  rmSync(dist, { recursive: true, force: true })
})

/** Poll until `pred` holds (the timeout only turns a hang into a failure). */
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

/** The attached app's list item once `pred` holds for it (polls the hub's list over a page connection). */
async function listedWhen(attachId: unknown, pred: (info: AttachedInfo) => boolean, s: InspectorServer = server): Promise<AttachedInfo> {
  for (let i = 0; i < 500; i++) {
    const info = (await attachList(s)).find(item => item.attachId === attachId)
    if (info && pred(info))
      return info
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  throw new Error(`timed out waiting for ${String(attachId)} in the list`)
}

let seq = 0
/** What an app's mirror sends as `auth`; each call a new attach id. */
function handshake(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++
  return { token: TOKEN, protocol: 1, attachId: `test-app-${seq}-0000`, name: `app ${seq}`, role: 'client', allowEmit: false, frames: false, url: 'http://localhost:3000/chat', namespace: '/chat', runtime: 'node', ...over }
}

/** An app connected to the hub; resolves with its socket, or the connect_error message. */
async function attachApp(auth: Record<string, unknown>, options: { url?: string, transports?: ('polling' | 'websocket')[] } = {}): Promise<{ socket: AppSocket, error?: string }> {
  const socket = ioc(options.url ?? `http://127.0.0.1:${server.port}`, { path: ATTACH_PATH, auth, forceNew: true, reconnection: false, transports: options.transports, timeout: 4000 })
  cleanups.push(() => socket.close())
  const error = await new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => resolve(undefined))
    socket.once('connect_error', err => resolve(err.message))
  })
  return { socket, error }
}

function event(name: string, mono: number, args: unknown[] = [name]): Record<string, unknown> {
  return { kind: 'event', direction: 'in', name, args, time: Date.now(), mono }
}

/** An app's `entries` message: its entries (no id, no sessionId, no bytes) and its clock when sent. */
function send(app: AppSocket, entries: Record<string, unknown>[], sentMono = APP_CLOCK): void {
  app.emit('entries', encodeEntries(entries as unknown as LogEntry[]), sentMono)
}

function sendState(app: AppSocket, state: Record<string, unknown>): void {
  app.emit('state', encodeWire({ status: 'connected', reconnectAttempt: 0, idHistory: [], dropped: 0, ...state }))
}

function relayEndpoint(s: InspectorServer = server): { url: string, token: string, extraHeaders: Record<string, string> } {
  return { url: `http://127.0.0.1:${s.port}`, token: s.token, extraHeaders: { Origin: `http://localhost:${s.port}` } }
}

let tabs = 0
/** A page's tab watching `attachId` (what the UI's `openAttached` builds). */
function watchTab(attachId: string, label = 'tab'): { session: SessionSource, log: EventLog, entries: () => LogEntry[] } {
  const log = new EventLog()
  const session = createSessionSource({ via: 'attach', attach: attachId, url: 'http://localhost:3000/chat', label, relay: relayEndpoint() }, { log, id: `tab${++tabs}` })
  cleanups.push(() => session.dispose())
  session.connect()
  return { session, log, entries: () => [...log].filter(e => e.sessionId === session.id) }
}

/** A raw relay connection, as a page's. */
async function pageSocket(s: InspectorServer = server): Promise<PageSocket> {
  const endpoint = relayEndpoint(s)
  const socket: PageSocket = ioc(endpoint.url, { path: RELAY_PATH, transports: ['websocket'], auth: { token: endpoint.token }, extraHeaders: endpoint.extraHeaders, forceNew: true, reconnection: false })
  cleanups.push(() => socket.close())
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

async function attachList(s: InspectorServer = server): Promise<AttachedInfo[]> {
  const page = await pageSocket(s)
  const list = await new Promise<AttachedInfo[]>(resolve => page.emit('attachList', resolve))
  page.close()
  return list
}

function names(entries: LogEntry[]): string[] {
  return entries.filter((e): e is EventEntry => e.kind === 'event').map(e => e.name)
}

describe('the attach hub', () => {
  it('lists an app with the right token, and streams its entries to a watching tab in order, in the hub\'s clock, completed', async () => {
    const auth = handshake({ name: 'my app', runtime: 'browser' })
    const { socket: app, error } = await attachApp(auth)
    expect(error).toBeUndefined()
    const list = await attachList()
    expect(list.find(i => i.attachId === auth.attachId)).toMatchObject({ name: 'my app', role: 'client', allowEmit: false, frames: false, url: 'http://localhost:3000/chat', namespace: '/chat', runtime: 'browser', present: true, dropped: 0 })
    sendState(app, { socketId: 'sock-1', engineId: 'eng-1', transport: 'websocket' })

    const tab = watchTab(auth.attachId as string, 'my app')
    // The app's state and the page's watch travel on two connections: whichever comes first, the tab ends up with it.
    const snap = await until('the app\'s state in the tab', () => tab.session.snapshot().socketId === 'sock-1' ? tab.session.snapshot() : undefined)
    expect(snap).toMatchObject({ id: tab.session.id, label: 'my app', status: 'connected', socketId: 'sock-1', transport: 'websocket', readonly: true, pendingServerAcks: [] })
    expect(snap.attached).toEqual({ attachId: auth.attachId, name: 'my app', role: 'client', allowEmit: false, runtime: 'browser', present: true, dropped: 0 })

    const before = performance.now()
    send(app, [
      event('first', APP_CLOCK - 30, ['hello', { n: 1 }, new Uint8Array([1, 2])]),
      event('second', APP_CLOCK - 20),
      { kind: 'disconnect', direction: 'local', reason: 'transport close', socketId: 'sock-1', time: Date.now(), mono: APP_CLOCK - 10 },
      event('third', APP_CLOCK - 5),
    ])
    const got = await until('four entries in the tab', () => tab.entries().length >= 4 ? tab.entries() : undefined)
    const after = performance.now()
    expect(got.map(e => e.kind === 'event' ? e.name : e.kind)).toEqual(['first', 'second', 'disconnect', 'third'])
    const first = got[0] as EventEntry
    expect(first.args).toEqual(['hello', { n: 1 }, new Uint8Array([1, 2])])
    expect(first.bytes).toBeGreaterThan(0)
    expect(got.every(e => e.sessionId === tab.session.id)).toBe(true)
    const disconnect = got[2] as Extract<LogEntry, { kind: 'disconnect' }>
    expect(disconnect.explanation).toBe(explainDisconnect('transport close').explanation)
    expect(disconnect.willReconnect).toBe(explainDisconnect('transport close').willReconnect)
    // In this process's clock (shifted twice: app → hub → page), spacing kept.
    expect(got[0].mono).toBeGreaterThanOrEqual(before - 31)
    expect(got[3].mono).toBeLessThanOrEqual(after)
    expect(got[1].mono - got[0].mono).toBeCloseTo(10, 5)
    expect(got[3].mono - got[2].mono).toBeCloseTo(5, 5)
  })

  it('refuses a wrong token, another protocol, a bad name, role or attach id, each with its message, and lists nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [handshake({ token: 'not-the-token-of-this-inspector' }), /attach: missing or wrong token/],
      [handshake({ token: undefined }), /attach: missing or wrong token/],
      // The relay's token is another secret: it does not let an app attach.
      [handshake({ token: server.token }), /attach: missing or wrong token/],
      [handshake({ protocol: 2 }), /^attach protocol 2 is not supported by this inspector \(it speaks 1\): update socketio-inspector$/],
      [handshake({ name: '' }), /attach: name must be 1–80 characters/],
      [handshake({ name: 'x'.repeat(81) }), /attach: name must be 1–80 characters/],
      [handshake({ role: 'spy' }), /attach: role must be "client" or "server"/],
      [handshake({ attachId: 'a/b' }), /attach: attachId must be/],
      [handshake({ allowEmit: 'yes' }), /attach: allowEmit must be a boolean/],
    ]
    const ids: unknown[] = []
    for (const [auth, message] of cases) {
      ids.push(auth.attachId)
      const { error } = await attachApp(auth)
      expect(error, JSON.stringify(auth)).toMatch(message)
    }
    const list = await attachList()
    expect(list.filter(i => ids.includes(i.attachId))).toEqual([])
  })

  it('answers under its own Host names only, and lets apps of any origin poll (CORS, no cookies)', async () => {
    const request = (headers: Record<string, string>): Promise<{ status: number, headers: http.IncomingHttpHeaders }> => new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: `${ATTACH_PATH}/?EIO=4&transport=polling`, headers, agent: false })
      req.on('response', (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
      })
      req.on('error', reject)
      req.end()
    })
    expect((await request({ Host: `evil.example:${server.port}`, Origin: 'http://evil.example' })).status).toBe(421)
    const ok = await request({ Host: `localhost:${server.port}`, Origin: 'http://localhost:3000' })
    expect(ok.status).toBe(200)
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000')
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined()
    expect(ok.headers['set-cookie']).toBeUndefined()
    // A polling app attaches as well as a WebSocket one.
    const { error } = await attachApp(handshake(), { transports: ['polling'] })
    expect(error).toBeUndefined()
  })

  it('refuses peers on other machines unless secrets are exposed', () => {
    expect(attachAddressRefusal('192.168.1.20', false)).toBe('attach: apps on other machines are refused: this inspector was started for this machine only (start it with --host <address> to accept them)')
    expect(attachAddressRefusal('192.168.1.20', true)).toBeUndefined()
    expect(attachAddressRefusal('127.0.0.1', false)).toBeUndefined()
    expect(attachAddressRefusal('::ffff:10.0.0.5', false)).toMatch(/other machines/)
    expect(attachAddressRefusal(undefined, false)).toMatch(/other machines/)
    expect(attachAddressRefusal('127.0.0.1', false)).toBeUndefined()
    expect(attachAddressRefusal('::ffff:127.0.0.1', false)).toBeUndefined()
    expect(attachAddressRefusal('::1', false)).toBeUndefined()
    expect(attachAddressRefusal('192.168.1.20', true)).toBeUndefined()
  })

  it('replays the backlog to a page that watches later, in chunks, then streams live entries', async () => {
    const auth = handshake()
    const { socket: app } = await attachApp(auth)
    send(app, Array.from({ length: 30 }, (_, i) => event(`e${i}`, APP_CLOCK - 100 + i)))
    // The hub has them once a later message of the same app is through (one socket's messages keep their order).
    sendState(app, { socketId: 'late' })
    const page = await pageSocket()
    const batches: LogEntry[][] = []
    const states: unknown[] = []
    page.on('entries', text => batches.push(decodeEntries(text)))
    page.on('state', text => states.push(decodeWire(text)))
    const probe = watchTab(auth.attachId as string)
    await until('the later state at the hub', () => probe.session.snapshot().socketId === 'late')
    const result = await new Promise(resolve => page.emit('watch', auth.attachId as string, 'p1', resolve))
    expect(result).toEqual({ ok: true })
    // Ahead of the answer: the state, then the backlog in chunks of 8 (replayChunk).
    expect(states).toHaveLength(1)
    expect(batches.map(b => b.length)).toEqual([8, 8, 8, 6])
    expect(names(batches.flat())).toEqual(Array.from({ length: 30 }, (_, i) => `e${i}`))
    send(app, [event('live', APP_CLOCK)])
    await until('the live entry', () => batches.length === 5)
    expect(names(batches[4])).toEqual(['live'])
    // Hub ids go up: a page that watches again can skip what it has.
    const ids = batches.flat().map(e => e.id)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
  })

  it('bounds each backlog (entries and size): the oldest go, counted in dropped', async () => {
    const auth = handshake()
    const { socket: app } = await attachApp(auth)
    for (let b = 0; b < 13; b++)
      send(app, Array.from({ length: 10 }, (_, i) => event(`e${b * 10 + i}`, APP_CLOCK)))
    sendState(app, { dropped: 4 })
    // maxEntries 100: the 30 oldest went; the app's own 4 are added to the count. (Its state comes after its
    // entries, so the hub has them all once the count shows.)
    await listedWhen(auth.attachId, info => info.dropped === 34)
    const tab = watchTab(auth.attachId as string)
    const got = await until('the kept entries', () => tab.entries().length >= 100 ? tab.entries() : undefined)
    expect(names(got)).toEqual(Array.from({ length: 100 }, (_, i) => `e${i + 30}`))
    expect(tab.session.snapshot().attached?.dropped).toBe(34)

    // maxBytes 200,000 (characters of wire text): 60 kB entries, three at most.
    const big = handshake()
    const { socket: bigApp } = await attachApp(big)
    for (let i = 0; i < 5; i++)
      send(bigApp, [event(`big${i}`, APP_CLOCK, ['x'.repeat(60_000)])])
    sendState(bigApp, { socketId: 'big' })
    await listedWhen(big.attachId, info => info.dropped === 2)
    const bigTab = watchTab(big.attachId as string)
    const kept = await until('three big entries', () => bigTab.entries().length >= 3 ? bigTab.entries() : undefined)
    expect(names(kept)).toEqual(['big2', 'big3', 'big4'])
  })

  it('ends the connection of an app that sends a malformed message, with a note, and carries on', async () => {
    const auth = handshake()
    const { socket: app } = await attachApp(auth)
    const tab = watchTab(auth.attachId as string)
    await until('the tab watching', () => tab.session.snapshot().attached)

    // An item that is not an entry is dropped and counted; its neighbours arrive; the app stays attached.
    app.emit('entries', JSON.stringify([{ kind: 'bogus', direction: 'in', time: 1, mono: 1 }, event('good', APP_CLOCK), { kind: 'event', direction: 'in', name: 'no args', time: 1, mono: 1 }]), APP_CLOCK)
    const note = await until('the dropped items\' note', () => tab.entries().find((e): e is NoteEntry => e.kind === 'note' && /not log entries/.test(e.message)))
    expect(note.message).toMatch(/2 items that are not log entries \(unknown kind 'bogus'\)/)
    expect(names(tab.entries())).toEqual(['good'])
    await until('the count', () => tab.session.snapshot().attached?.dropped === 2 || undefined)
    expect(app.connected).toBe(true)

    // Text that is not the wire format: the hub closes this app's connection and says why in its log.
    const closed = new Promise<string>(resolve => app.once('disconnect', resolve))
    app.emit('entries', '{not json', APP_CLOCK)
    expect(await closed).toBe('io server disconnect')
    await until('the error note', () => tab.entries().find(e => e.kind === 'note' && e.level === 'error' && /could not be read/.test(e.message)))
    await until('absent in the tab', () => tab.session.snapshot().attached?.present === false)

    // A state that is not one, and entries without their send time: the same.
    const other = handshake()
    const { socket: app2 } = await attachApp(other)
    const closed2 = new Promise<string>(resolve => app2.once('disconnect', resolve))
    app2.emit('state', encodeWire({ status: 'flying' }))
    expect(await closed2).toBe('io server disconnect')
    const { socket: app3 } = await attachApp(handshake())
    const closed3 = new Promise<string>(resolve => app3.once('disconnect', resolve))
    app3.emit('entries', encodeEntries([]), 'soon' as unknown as number)
    expect(await closed3).toBe('io server disconnect')

    // The hub carries on: another app attaches and streams.
    const fresh = handshake()
    const { socket: app4, error } = await attachApp(fresh)
    expect(error).toBeUndefined()
    const tab4 = watchTab(fresh.attachId as string)
    send(app4, [event('still here', APP_CLOCK)])
    await until('the entry of the next app', () => names(tab4.entries()).includes('still here'))
  })

  it('runs a page\'s emit through the app only when it attached with allowEmit', async () => {
    // Read-only app: the tab refuses, and so does the hub (a page that asks anyway).
    const ro = handshake()
    const { socket: roApp } = await attachApp(ro)
    let roEmits = 0
    roApp.on('emit', () => roEmits++)
    const roTab = watchTab(ro.attachId as string)
    await until('the read-only tab', () => roTab.session.snapshot().attached)
    expect(roTab.session.emit('chat', ['hi'])).toEqual({ ok: false, error: ATTACH_READ_ONLY_ERROR })
    const page = await pageSocket()
    await new Promise(resolve => page.emit('watch', ro.attachId as string, 'p-ro', resolve))
    const refused = await new Promise(resolve => page.emit('emit', 'chat', encodeWire(['hi']), {}, resolve))
    expect(refused).toEqual({ ok: false, error: ATTACH_READ_ONLY_ERROR })
    expect(roEmits).toBe(0)

    // allowEmit: the app gets the name, the arguments (wire text) and the page's correlation id.
    const rw = handshake({ allowEmit: true })
    const { socket: rwApp } = await attachApp(rw)
    const received: { name: string, args: unknown, options: Record<string, unknown> }[] = []
    rwApp.on('emit', (name: string, argsText: string, options: Record<string, unknown>, ack: (r: unknown) => void) => {
      received.push({ name, args: decodeWire(argsText), options })
      ack(name === 'fail' ? { ok: false, error: 'the app said no' } : { ok: true })
    })
    const rwTab = watchTab(rw.attachId as string)
    await until('the allowEmit tab', () => rwTab.session.snapshot().attached?.allowEmit)
    expect(rwTab.session.snapshot().readonly).toBe(false)
    const result = rwTab.session.emit('chat', ['hi', { n: 1 }, new Uint8Array([7])], { ack: true })
    expect(result.ok).toBe(true)
    await until('the emit at the app', () => received.length === 1)
    expect(received[0]).toMatchObject({ name: 'chat', args: ['hi', { n: 1 }, new Uint8Array([7])], options: { ack: true, pageCorrelationId: (result as { correlationId: string }).correlationId } })
    // The app's refusal comes back as an error note in the tab.
    expect(rwTab.session.emit('fail', []).ok).toBe(true)
    await until('the failure note', () => rwTab.entries().find(e => e.kind === 'note' && /emit "fail" failed in your app: the app said no/.test(e.message)))

    // Once the app is gone, emits are refused.
    rwApp.disconnect()
    await until('absent', () => rwTab.session.snapshot().attached?.present === false)
    expect(rwTab.session.emit('chat', []).ok).toBe(false)
  })

  it('shows an app that left as not present in the list and the tab; the same attach id continues its record', async () => {
    const auth = handshake()
    const { socket: app } = await attachApp(auth)
    sendState(app, { socketId: 'one' })
    const tab = watchTab(auth.attachId as string)
    await until('connected', () => tab.session.snapshot().socketId === 'one')
    const attachedAt = (await attachList()).find(i => i.attachId === auth.attachId)!.attachedAt
    send(app, [event('before', APP_CLOCK)])
    await until('before', () => names(tab.entries()).includes('before'))

    app.disconnect()
    const away = await until('the tab saying the app left', () => tab.session.snapshot().attached?.present === false ? tab.session.snapshot() : undefined)
    expect(away).toMatchObject({ status: 'disconnected', socketId: undefined })
    expect(away.lastError).toMatch(/not attached now/)
    await until('the note', () => tab.entries().find(e => e.kind === 'note' && /disconnected from the inspector/.test(e.message)))
    expect((await attachList()).find(i => i.attachId === auth.attachId)).toMatchObject({ present: false })

    // The mirror comes back (same attach id): the same record, the same tab.
    const { socket: back, error } = await attachApp(auth)
    expect(error).toBeUndefined()
    sendState(back, { socketId: 'two' })
    await until('present again', () => tab.session.snapshot().socketId === 'two' && tab.session.snapshot().attached?.present)
    send(back, [event('after', APP_CLOCK)])
    await until('after', () => names(tab.entries()).includes('after'))
    expect(names(tab.entries())).toEqual(['before', 'after'])
    const again = (await attachList()).filter(i => i.attachId === auth.attachId)
    expect(again).toHaveLength(1)
    expect(again[0]).toMatchObject({ present: true, attachedAt })
  })

  it('refuses to watch an unknown id; a watch connection carries one watch, and answers commands, faults and acks with what an attached tab can do', async () => {
    const unknown = watchTab('no-such-attach-id')
    const failed = await until('the refusal', () => unknown.session.snapshot().status === 'disconnected' ? unknown.session.snapshot() : undefined)
    expect(failed.lastError).toMatch(/no attached app has the id "no-such-attach-id"/)

    const auth = handshake()
    await attachApp(auth)
    const page = await pageSocket()
    const notes: LogEntry[] = []
    page.on('entries', text => notes.push(...decodeEntries(text)))
    expect(await new Promise(resolve => page.emit('watch', auth.attachId as string, 'p', resolve))).toEqual({ ok: true })
    expect(await new Promise(resolve => page.emit('watch', auth.attachId as string, 'p', resolve))).toEqual({ ok: false, error: 'this relay connection already has a session' })
    expect(await new Promise(resolve => page.emit('open', { url: 'http://127.0.0.1:1/' }, 'p', resolve))).toEqual({ ok: false, error: 'this relay connection already has a session' })
    expect(await new Promise(resolve => page.emit('fault', { t: 'inject', fault: { kind: 'drop-transport' } }, resolve))).toEqual({ ok: false, error: ATTACH_NO_FAULTS_ERROR })
    expect(await new Promise(resolve => page.emit('answerAck', 'x.i1', encodeWire([]), resolve))).toEqual({ ok: false, error: ATTACH_NO_ANSWER_ERROR })
    page.emit('command', 'disconnect')
    await until('the note', () => notes.find(e => e.kind === 'note' && e.message === ATTACH_MIRROR_NOTE))

    // The tab itself never sends those: it refuses or notes them.
    const tab = watchTab(auth.attachId as string)
    await until('watching', () => tab.session.snapshot().attached)
    expect(tab.session.injectFault({ kind: 'drop-transport' })).toEqual({ ok: false, error: ATTACH_NO_FAULTS_ERROR })
    expect(tab.session.setReconnection(false)).toEqual({ ok: false, error: ATTACH_NO_FAULTS_ERROR })
    expect(tab.session.answerAck('x', [])).toEqual({ ok: false, error: ATTACH_NO_ANSWER_ERROR })
    tab.session.disconnect()
    await until('the tab\'s note', () => tab.entries().find(e => e.kind === 'note' && e.message === ATTACH_MIRROR_NOTE))
    expect(tab.session.snapshot().attached?.present).toBe(true)
  })
})

describe('the attach hub\'s bounds and configuration', () => {
  it('takes a bounded number of apps at once, with a clear message past it, and makes room from apps that left', async () => {
    const small = await startInspectorServer({ port: 0, distDir: dist, attachToken: TOKEN, attachLimits: { maxAttached: 2 } })
    try {
      const url = `http://127.0.0.1:${small.port}`
      const first = handshake()
      const a = await attachApp(first, { url })
      const b = handshake()
      expect([a.error, (await attachApp(b, { url })).error]).toEqual([undefined, undefined])
      const third = handshake()
      expect((await attachApp(third, { url })).error).toBe('attach: 2 apps are attached to this inspector already (the most it takes); detach one first')
      a.socket.disconnect()
      await listedWhen(first.attachId, info => !info.present, small)
      // The first app's record goes to make room (it left; nobody watches it).
      expect((await attachApp(third, { url })).error).toBeUndefined()
      const now = await attachList(small)
      expect(now.map(i => i.attachId).sort()).toEqual([b, third].map(h => h.attachId as string).sort())
    }
    finally {
      for (const c of cleanups.splice(0)) c()
      await small.close()
    }
  })

  it('hands the page the attach token, URL and path (this machine only), and checks a fixed token', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`)
    const html = await res.text()
    const meta = /<meta name="sio-inspector-config" content="([^"]*)">/.exec(html)!
    const config = JSON.parse(meta[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as { attach?: unknown, relay?: { token: string } }
    expect(config.attach).toEqual({ token: TOKEN, url: `http://localhost:${server.port}`, path: ATTACH_PATH })
    expect(server.attachToken).toBe(TOKEN)
    expect(pageConfigFor({ demoUrl: 'x', attach: { token: TOKEN, url: 'u', path: ATTACH_PATH } }, '192.168.1.20', false)).toEqual({ demoUrl: 'x' })

    await expect(startInspectorServer({ port: 0, distDir: dist, attachToken: 'short' })).rejects.toThrow('the attach token must be at least 16 characters (it has 5)')
    // Per start by default, and not the relay's.
    const random = await startInspectorServer({ port: 0, distDir: dist })
    const noRelay = await startInspectorServer({ port: 0, distDir: dist, relay: false })
    try {
      expect(random.attachToken).toMatch(/^[\w-]{32}$/)
      expect(random.attachToken).not.toBe(random.token)
      expect(noRelay.attachToken).toBeUndefined()
      const handshakeRes = await fetch(`http://127.0.0.1:${noRelay.port}${ATTACH_PATH}/?EIO=4&transport=polling`)
      expect(handshakeRes.status).toBe(404)
    }
    finally {
      await random.close()
      await noRelay.close()
    }
  })
})

/** An IPv4 address of this machine that is not loopback (a connection to it comes from that address). */
function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal)
        return a.address
    }
  }
  return undefined
}

describe.skipIf(nonLoopbackAddress() === undefined)('the attach hub seen from another machine (HOST=0.0.0.0)', () => {
  const address = nonLoopbackAddress()!

  // Issue 19: "loopback only unless the inspector was started for another host" — started on 0.0.0.0, an app on
  // another machine attaches with the token, whether or not the page's secrets are exposed; a wrong token is refused.
  for (const exposeSecrets of [false, true]) {
    it(`lets the app attach with the token${exposeSecrets ? ' (exposeSecrets)' : ''}, and refuses a wrong one`, async () => {
      const wide = await startInspectorServer({ port: 0, host: '0.0.0.0', allowedHosts: [address], distDir: dist, attachToken: TOKEN, exposeSecrets })
      try {
        const { error } = await attachApp(handshake(), { url: `http://${address}:${wide.port}` })
        expect(error).toBeUndefined()
        const wrong = await attachApp({ ...handshake(), token: 'x'.repeat(TOKEN.length) }, { url: `http://${address}:${wide.port}` })
        expect(wrong.error).toMatch(/token/)
      }
      finally {
        for (const c of cleanups.splice(0)) c()
        await wide.close()
      }
    })
  }
})
