// @vitest-environment happy-dom
import { createServer } from 'node:http'
import { exportLog } from '#core'
import { createPinia, setActivePinia } from 'pinia'
import { Server } from 'socket.io'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { resetRuntimeConfig } from '../../inspector-ui/src/config'
import { useComposerStore } from '../../inspector-ui/src/stores/composer'
import { useConnectStore } from '../../inspector-ui/src/stores/connect'
import { usePrefsStore } from '../../inspector-ui/src/stores/prefs'
import { getInspector, resetInspector, tabState, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

/** Nothing listens there: sessions try and fail, which is all some of these tests need. */
const NOWHERE = 'http://127.0.0.1:9/'

/** A real socket.io 4 server (any namespace, CORS for any page): Recent remembers successful connections only. */
let SERVER = ''
let closeReal: () => Promise<void> = async () => {}
beforeAll(async () => {
  // Anything but socket.io's own path is a 404 (a wrong handshake path fails at once).
  const http = createServer((_req, res) => res.writeHead(404).end())
  const sockets = trackSockets(http)
  const io = new Server(http, { cors: { origin: true } })
  io.of(/^\/.*$/).on('connection', socket => socket.emit('welcome', socket.id))
  SERVER = `http://127.0.0.1:${await listen(http)}/`
  closeReal = async () => {
    io.close()
    await closeServer(http, sockets)
  }
})
afterAll(() => closeReal())

async function connected(id: string): Promise<void> {
  const sessions = useSessionsStore()
  await expect.poll(() => sessions.snapshotOf(id)?.status, { timeout: 5000 }).toBe('connected')
}

function kinds(sessionId: string): string[] {
  return [...getInspector().log].filter(e => e.sessionId === sessionId).map(e => e.kind)
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => {
  resetInspector()
})

describe('sessions store', () => {
  it('opens a session as a tab with its snapshot and makes it active', () => {
    const sessions = useSessionsStore()
    const id = sessions.openSession({ url: NOWHERE, reconnection: false }, { connect: false })
    expect(sessions.tabs.map(t => t.id)).toEqual([id])
    expect(sessions.activeId).toBe(id)
    expect(sessions.activeView).toBe('session')
    expect(tabState(sessions.snapshotOf(id)!)).toBe('disconnected')
  })

  it('replaces the tabs array when a session changes state (shallow, never mutated)', () => {
    const sessions = useSessionsStore()
    const id = sessions.openSession({ url: NOWHERE, reconnection: false }, { connect: false })
    const before = sessions.tabs
    sessions.connect(id)
    expect(sessions.tabs).not.toBe(before)
    expect(sessions.snapshotOf(id)!.status).toBe('connecting')
    expect(Object.isFrozen(sessions.tabs[0]) || sessions.tabs[0] !== before[0]).toBe(true)
  })

  it('closing a tab disposes its session and activates a neighbour', () => {
    const sessions = useSessionsStore()
    const a = sessions.openSession({ url: NOWHERE }, { connect: false })
    const b = sessions.openSession({ url: NOWHERE }, { connect: false })
    sessions.closeSession(b)
    expect(getInspector().get(b)).toBeUndefined()
    expect(sessions.tabs.map(t => t.id)).toEqual([a])
    expect(sessions.activeId).toBe(a)
  })

  it('keeps tab order, id and name when a session is replaced', () => {
    const sessions = useSessionsStore()
    const a = sessions.openSession({ url: NOWHERE }, { connect: false })
    const b = sessions.openSession({ url: NOWHERE }, { connect: false })
    const c = sessions.openSession({ url: NOWHERE }, { connect: false })
    sessions.rename(b, 'mine')
    const b2 = sessions.replaceSession(b, { url: `${NOWHERE}namespace1`, reconnection: false }, { connect: false })
    expect(b2).toBe(b)
    expect(sessions.tabs.map(t => t.id)).toEqual([a, b, c])
    expect(sessions.labelOf(sessions.snapshotOf(b)!)).toBe('mine')
    expect(sessions.snapshotOf(b)!.namespace).toBe('/namespace1')
    expect(sessions.optionsById[b].url).toBe(`${NOWHERE}namespace1`)
  })

  it('replacing a connected session keeps its log and socket-id history and follows the new session\'s state', async () => {
    const sessions = useSessionsStore()
    const id = sessions.openSession({ url: `${SERVER}namespace1`, reconnection: false })
    await connected(id)
    const first = sessions.snapshotOf(id)!.socketId
    sessions.replaceSession(id, { url: `${SERVER}namespace1`, reconnection: false, transports: ['websocket'] })
    await connected(id)
    const snap = sessions.snapshotOf(id)!
    expect(snap.transport).toBe('websocket')
    expect(snap.idHistory.map(r => r.socketId)).toEqual([first, snap.socketId])
    expect(kinds(id).filter(k => k === 'connect')).toHaveLength(2)
    expect(sessions.tabs).toHaveLength(1)
  })

  it('names tabs host:port /namespace unless renamed, and keeps a closed tab\'s name for the timeline', () => {
    const sessions = useSessionsStore()
    const a = sessions.openSession({ url: 'http://localhost:3000/chat' }, { connect: false })
    const b = sessions.openSession({ url: 'http://127.0.0.1:4000/', label: 'Tutorial A' }, { connect: false })
    expect(sessions.labelOf(sessions.snapshotOf(a)!)).toBe('localhost:3000 /chat')
    expect(sessions.labelOf(sessions.snapshotOf(b)!)).toBe('Tutorial A')
    sessions.rename(a, '  lobby  ')
    expect(sessions.labelForId(a)).toBe('lobby')
    sessions.rename(a, '')
    expect(sessions.labelForId(a)).toBe('localhost:3000 /chat')
    sessions.closeSession(a)
    expect(sessions.labelForId(a)).toBe('localhost:3000 /chat (closed)')
    expect(sessions.labelForId('never')).toBeUndefined()
  })

  it('refuses to emit on a session that is not connected, as a result', () => {
    const sessions = useSessionsStore()
    const id = sessions.openSession({ url: NOWHERE }, { connect: false })
    const result = sessions.emit(id, 'chat', ['hi'])
    expect(result.ok).toBe(false)
    expect(sessions.emit('nope', 'chat', []).ok).toBe(false)
  })

  it('shows an imported capture as a read-only tab whose state is "imported", never "connected"', async () => {
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    const id = sessions.openSession({ url: `${SERVER}namespace1`, reconnection: false })
    await connected(id)
    const text = exportLog([...getInspector().log].filter(e => e.sessionId === id), [sessions.snapshotOf(id)!])
    const result = getInspector().importCapture(text)
    expect(result.ok).toBe(true)
    expect(sessions.tabs).toHaveLength(2)
    const imported = sessions.tabs[1]
    expect(imported.readonly).toBe(true)
    expect(imported.status).toBe('connected') // as recorded…
    expect(tabState(imported)).toBe('imported') // …but not a live connection
    expect(kinds(imported.id)).toContain('connecting')
    expect(sessions.emit(imported.id, 'chat', []).ok).toBe(false)
    // Its form shows the captured URL, and Connect does nothing.
    expect(connect.formFor(imported.id).url).toBe(`${SERVER}namespace1`)
    expect(connect.connect(imported.id)).toBeUndefined()
    expect(sessions.tabs).toHaveLength(2)
    expect(() => sessions.replaceSession(imported.id, { url: SERVER })).toThrow(/imported/)
  })
})

describe('connect store', () => {
  it('connecting a fresh tab to another URL connects that same tab, with one connecting entry', () => {
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    const draft = connect.newTab()
    const form = connect.formFor(draft)
    form.url = `${NOWHERE}namespace1`
    form.reconnection = false
    const id = connect.connect(draft)!
    expect(id).toBe(draft)
    expect(sessions.tabs.map(t => t.id)).toEqual([id])
    expect(kinds(id).filter(k => k === 'connecting')).toHaveLength(1)
  })

  it('connect after a failure with changed options reconnects the same tab: no new tab, log and history kept', async () => {
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = `${SERVER}namespace1`
    form.reconnection = false
    const id = connect.connect(undefined)!
    await connected(id)
    const first = sessions.snapshotOf(id)!.socketId
    sessions.disconnect(id)
    // A wrong handshake path: this attempt fails.
    connect.formFor(id).path = '/wrong'
    expect(connect.connect(id)).toBe(id)
    await expect.poll(() => kinds(id).includes('connect_error'), { timeout: 5000 }).toBe(true)
    await expect.poll(() => sessions.snapshotOf(id)?.status, { timeout: 5000 }).toBe('disconnected')
    // The fix: back to the right path, Connect again.
    connect.formFor(id).path = '/socket.io'
    expect(connect.connect(id)).toBe(id)
    await connected(id)
    expect(sessions.tabs.map(t => t.id)).toEqual([id])
    const snap = sessions.snapshotOf(id)!
    expect(snap.idHistory.map(r => r.socketId)).toEqual([first, snap.socketId])
    expect(kinds(id).filter(k => k === 'connecting')).toHaveLength(3)
    expect(kinds(id).filter(k => k === 'connect')).toHaveLength(2)
    // Only + / Ctrl+T / Alt+T make a new tab.
    connect.newTab()
    expect(sessions.tabs).toHaveLength(2)
  })

  it('checks option fields as they are typed; the URL once Connect was pressed', () => {
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.timeout = 'soon'
    form.url = 'localhost:3000'
    expect(connect.errorsFor(undefined).timeout).toMatch(/whole number/)
    expect(connect.errorsFor(undefined).url).toBeUndefined()
    form.timeout = '5000'
    expect(connect.errorsFor(undefined)).toEqual({})
    expect(connect.connect(undefined)).toBeUndefined()
    expect(connect.errorsFor(undefined).url).toMatch(/scheme|URL/)
    form.url = NOWHERE
    expect(connect.errorsFor(undefined)).toEqual({})
  })

  it('reports invalid fields and opens nothing', () => {
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = 'localhost:3000'
    form.auth = '{token: '
    form.timeout = '-1'
    expect(connect.connect(undefined)).toBeUndefined()
    const errors = connect.errorsFor(undefined)
    expect(errors.url).toMatch(/scheme|URL/)
    expect(errors.auth).toMatch(/JSON5/)
    expect(errors.timeout).toMatch(/whole number/)
    expect(sessions.tabs).toHaveLength(0)
  })

  it('remembers a connection in versioned localStorage when it succeeds, with the time', async () => {
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = `${SERVER}namespace2`
    const before = Date.now()
    const id = connect.connect(undefined)!
    expect(localStorage.getItem('sio-inspector-v1-recent')).toBeNull()
    await connected(id)
    const stored = JSON.parse(localStorage.getItem('sio-inspector-v1-recent')!)
    expect(stored[0].url).toBe(`${SERVER}namespace2`)
    expect(stored[0].lastConnectedAt).toBeGreaterThanOrEqual(before)
  })

  it('never lets a failed attempt overwrite the options of a working entry, or remember a failure', async () => {
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    const prefs = usePrefsStore()
    const url = `${SERVER}namespace1`
    const form = connect.formFor(undefined)
    form.url = url
    form.timeout = '7000'
    form.reconnection = false
    const id = connect.connect(undefined)!
    await connected(id)
    const working = prefs.recent.find(e => e.url === url)!
    expect(working).toMatchObject({ timeout: 7000, path: '/socket.io' })
    sessions.disconnect(id)
    const again = connect.formFor(id)
    again.path = '/wrong'
    again.timeout = '9000'
    connect.connect(id)
    await expect.poll(() => kinds(id).includes('connect_error'), { timeout: 5000 }).toBe(true)
    expect(prefs.recent.find(e => e.url === url)).toEqual(working)
    expect(JSON.parse(localStorage.getItem('sio-inspector-v1-recent')!)[0]).toMatchObject({ timeout: 7000, path: '/socket.io' })
    // A URL that never connected is not remembered at all.
    const other = connect.newTab()
    connect.formFor(other).url = `${NOWHERE}never`
    connect.formFor(other).reconnection = false
    connect.connect(other)
    await expect.poll(() => kinds(other).includes('connect_error'), { timeout: 5000 }).toBe(true)
    expect(prefs.recent.map(e => e.url)).toEqual([url])
  })
})

describe('recent connections and secrets', () => {
  const RECENT = 'sio-inspector-v1-recent'
  async function connectWith(url: string, rememberSecrets: boolean): Promise<void> {
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = url
    form.reconnection = false
    form.auth = '{token: "s3cret-auth"}'
    form.headers = '{Authorization: "Bearer b3arer", "X-Api-Key": "k3y", "X-Trace": "on"}'
    form.query = '{room: "lobby", access_token: "qt0ken"}'
    form.rememberSecrets = rememberSecrets
    const id = connect.connect(undefined)
    expect(id).toBeDefined()
    await connected(id!)
    useSessionsStore().closeSession(id!)
  }

  afterEach(() => {
    document.head.querySelectorAll('meta[name="sio-inspector-config"]').forEach(m => m.remove())
    resetRuntimeConfig()
  })

  it('keeps the URL and options but no auth, secret headers or query values unless "remember secrets" is ticked', async () => {
    await connectWith(`${SERVER}plain`, false)
    const text = localStorage.getItem(RECENT)!
    expect(text).not.toMatch(/s3cret-auth|b3arer|k3y|qt0ken/)
    const [entry] = JSON.parse(text)
    expect(entry).toMatchObject({ url: `${SERVER}plain`, extraHeaders: { 'X-Trace': 'on' }, query: { room: 'lobby' }, reconnection: false })
    expect(entry).not.toHaveProperty('auth')
    expect(entry.omitted).toEqual(['auth', 'header Authorization', 'header X-Api-Key', 'query access_token'])

    await connectWith(`${SERVER}kept`, true)
    const [kept] = JSON.parse(localStorage.getItem(RECENT)!)
    expect(kept).toMatchObject({ url: `${SERVER}kept`, rememberSecrets: true, auth: { token: 's3cret-auth' }, extraHeaders: { 'Authorization': 'Bearer b3arer', 'X-Api-Key': 'k3y' }, query: { access_token: 'qt0ken' } })
  })

  it('loading a Recent entry restores its "remember secrets" choice and lists what it did not keep', async () => {
    await connectWith(`${SERVER}plain`, false)
    await connectWith(`${SERVER}kept`, true)
    const connect = useConnectStore()
    connect.loadRecent(undefined, `${SERVER}kept`)
    expect(connect.formFor(undefined)).toMatchObject({ rememberSecrets: true, auth: '{"token":"s3cret-auth"}' })
    expect(connect.omittedFor(undefined)).toEqual([])
    connect.loadRecent(undefined, `${SERVER}plain`)
    expect(connect.formFor(undefined)).toMatchObject({ rememberSecrets: false, auth: '', headers: '{"X-Trace":"on"}' })
    expect(connect.omittedFor(undefined)).toContain('header Authorization')
  })

  it('strips the secrets of entries stored before, in memory and in localStorage (same versioned key)', () => {
    const old = [
      { url: `${NOWHERE}old`, auth: { token: 'old-t0ken' }, extraHeaders: { Authorization: 'Bearer old', Accept: 'x' }, cookies: 'sid=old', via: 'relay' },
      { url: `${NOWHERE}opted`, auth: { token: 'opted-t0ken' }, rememberSecrets: true },
    ]
    localStorage.setItem(RECENT, JSON.stringify(old))
    const prefs = usePrefsStore()
    expect(prefs.recent[0]).toEqual({ url: `${NOWHERE}old`, extraHeaders: { Accept: 'x' }, via: 'relay', omitted: ['auth', 'header Authorization', 'cookies'] })
    expect(prefs.recent[1]).toEqual(old[1])
    const text = localStorage.getItem(RECENT)!
    expect(text).not.toMatch(/old-t0ken|Bearer old|sid=old/)
    expect(text).toContain('opted-t0ken')
  })

  it('never stores the inspector\'s own relay token, even with "remember secrets"', async () => {
    const meta = document.createElement('meta')
    meta.setAttribute('name', 'sio-inspector-config')
    meta.setAttribute('content', JSON.stringify({ relay: { url: 'http://localhost:5173', token: 'relay-t0ken-xyz' } }))
    document.head.append(meta)
    resetRuntimeConfig()
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = `${SERVER}own`
    form.reconnection = false
    form.auth = '{token: "relay-t0ken-xyz", user: "alice"}'
    form.rememberSecrets = true
    await connected(connect.connect(undefined)!)
    const text = localStorage.getItem(RECENT)!
    expect(text).not.toContain('relay-t0ken-xyz')
    expect(JSON.parse(text)[0]).toMatchObject({ auth: { user: 'alice' }, rememberSecrets: true, omitted: ['auth token'] })
  })
})

describe('composer store', () => {
  it('sends nothing while the arguments are invalid and says why', () => {
    const sessions = useSessionsStore()
    const composer = useComposerStore()
    const id = sessions.openSession({ url: NOWHERE }, { connect: false })
    composer.event = 'chat'
    composer.args = '["unclosed'
    const outcome = composer.send(id)
    expect(outcome.ok).toBe(false)
    expect(composer.error?.field).toBe('args')
    expect(composer.error?.line).toBe(1)
    expect(kinds(id)).not.toContain('event')
    expect(composer.history).toHaveLength(0)
  })

  it('says why a send was refused until the message is edited', async () => {
    const sessions = useSessionsStore()
    const composer = useComposerStore()
    const id = sessions.openSession({ url: NOWHERE }, { connect: false })
    expect(composer.send(id).ok).toBe(false)
    expect(composer.sendError).toMatch(/event name is empty/)
    composer.event = 'chat'
    await nextTick()
    expect(composer.sendError).toBeUndefined()
  })

  it('refuses reserved event names', () => {
    const composer = useComposerStore()
    composer.event = 'disconnect'
    composer.args = '[]'
    expect(composer.error?.field).toBe('event')
  })

  it('keeps saved messages across stores and sets damaged storage aside with a report', async () => {
    const composer = useComposerStore()
    composer.event = 'chat'
    composer.args = '["hi"]'
    expect(composer.save('greeting')).toBeUndefined()
    expect(composer.save('  ')).toMatch(/name/)

    setActivePinia(createPinia())
    expect(useComposerStore().saved.map(s => s.name)).toEqual(['greeting'])

    localStorage.setItem('sio-inspector-v1-history', '{not json')
    const { storageProblems } = await import('../../inspector-ui/src/lib/storage')
    const before = storageProblems.value.length
    setActivePinia(createPinia())
    expect(useComposerStore().history).toEqual([])
    expect(storageProblems.value.length).toBe(before + 1)
    const problem = storageProblems.value.at(-1)!
    expect(problem.key).toBe('sio-inspector-v1-history')
    expect(localStorage.getItem(problem.movedTo!)).toBe('{not json')
  })
})
