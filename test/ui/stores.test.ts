// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { resetRuntimeConfig } from '../../inspector-ui/src/config'
import { useComposerStore } from '../../inspector-ui/src/stores/composer'
import { useConnectStore } from '../../inspector-ui/src/stores/connect'
import { usePrefsStore } from '../../inspector-ui/src/stores/prefs'
import { getInspector, resetInspector, tabState, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { exportLog } from '../../src/core'

/** Nothing listens there: sessions try and fail, which is all these tests need. */
const NOWHERE = 'http://127.0.0.1:9/'

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

  it('keeps tab order when a session is replaced', () => {
    const sessions = useSessionsStore()
    const a = sessions.openSession({ url: NOWHERE }, { connect: false })
    const b = sessions.openSession({ url: NOWHERE }, { connect: false })
    const c = sessions.openSession({ url: NOWHERE }, { connect: false })
    const b2 = sessions.replaceSession(b, { url: `${NOWHERE}namespace1`, reconnection: false }, { connect: false })
    expect(sessions.tabs.map(t => t.id)).toEqual([a, b2, c])
  })

  it('refuses to emit on a session that is not connected, as a result', () => {
    const sessions = useSessionsStore()
    const id = sessions.openSession({ url: NOWHERE }, { connect: false })
    const result = sessions.emit(id, 'chat', ['hi'])
    expect(result.ok).toBe(false)
    expect(sessions.emit('nope', 'chat', []).ok).toBe(false)
  })

  it('shows an imported capture as a read-only tab', () => {
    const sessions = useSessionsStore()
    const id = sessions.openSession({ url: NOWHERE, reconnection: false })
    const text = exportLog([...getInspector().log].filter(e => e.sessionId === id), [sessions.snapshotOf(id)!])
    const result = getInspector().importCapture(text)
    expect(result.ok).toBe(true)
    expect(sessions.tabs).toHaveLength(2)
    const imported = sessions.tabs[1]
    expect(imported.readonly).toBe(true)
    expect(kinds(imported.id)).toContain('connecting')
    expect(sessions.emit(imported.id, 'chat', []).ok).toBe(false)
  })
})

describe('connect store', () => {
  it('connecting a fresh tab to another URL replaces its session once, with one connecting entry', () => {
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    const draft = connect.newTab()
    const form = connect.formFor(draft)
    form.url = `${NOWHERE}namespace1`
    form.reconnection = false
    const id = connect.connect(draft)!
    expect(id).not.toBe(draft)
    expect(sessions.tabs.map(t => t.id)).toEqual([id])
    expect(kinds(id).filter(k => k === 'connecting')).toHaveLength(1)
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

  it('remembers the last connections in versioned localStorage', () => {
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = `${NOWHERE}namespace2`
    connect.connect(undefined)
    const stored = JSON.parse(localStorage.getItem('sio-inspector-v1-recent')!)
    expect(stored[0].url).toBe(`${NOWHERE}namespace2`)
  })
})

describe('recent connections and secrets', () => {
  const RECENT = 'sio-inspector-v1-recent'
  function connectWith(url: string, rememberSecrets: boolean): void {
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = url
    form.reconnection = false
    form.auth = '{token: "s3cret-auth"}'
    form.headers = '{Authorization: "Bearer b3arer", "X-Api-Key": "k3y", "X-Trace": "on"}'
    form.query = '{room: "lobby", access_token: "qt0ken"}'
    form.rememberSecrets = rememberSecrets
    expect(connect.connect(undefined)).toBeDefined()
    useSessionsStore().closeSession(useSessionsStore().tabs[0].id)
  }

  afterEach(() => {
    document.head.querySelectorAll('meta[name="sio-inspector-config"]').forEach(m => m.remove())
    resetRuntimeConfig()
  })

  it('keeps the URL and options but no auth, secret headers or query values unless "remember secrets" is ticked', () => {
    connectWith(`${NOWHERE}plain`, false)
    const text = localStorage.getItem(RECENT)!
    expect(text).not.toMatch(/s3cret-auth|b3arer|k3y|qt0ken/)
    const [entry] = JSON.parse(text)
    expect(entry).toMatchObject({ url: `${NOWHERE}plain`, extraHeaders: { 'X-Trace': 'on' }, query: { room: 'lobby' }, reconnection: false })
    expect(entry).not.toHaveProperty('auth')
    expect(entry.omitted).toEqual(['auth', 'header Authorization', 'header X-Api-Key', 'query access_token'])

    connectWith(`${NOWHERE}kept`, true)
    const [kept] = JSON.parse(localStorage.getItem(RECENT)!)
    expect(kept).toMatchObject({ url: `${NOWHERE}kept`, rememberSecrets: true, auth: { token: 's3cret-auth' }, extraHeaders: { 'Authorization': 'Bearer b3arer', 'X-Api-Key': 'k3y' }, query: { access_token: 'qt0ken' } })
  })

  it('loading a Recent entry restores its "remember secrets" choice and lists what it did not keep', () => {
    connectWith(`${NOWHERE}plain`, false)
    connectWith(`${NOWHERE}kept`, true)
    const connect = useConnectStore()
    connect.loadRecent(undefined, `${NOWHERE}kept`)
    expect(connect.formFor(undefined)).toMatchObject({ rememberSecrets: true, auth: '{"token":"s3cret-auth"}' })
    expect(connect.omittedFor(undefined)).toEqual([])
    connect.loadRecent(undefined, `${NOWHERE}plain`)
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

  it('never stores the inspector\'s own relay token, even with "remember secrets"', () => {
    const meta = document.createElement('meta')
    meta.setAttribute('name', 'sio-inspector-config')
    meta.setAttribute('content', JSON.stringify({ relay: { url: 'http://localhost:5173', token: 'relay-t0ken-xyz' } }))
    document.head.append(meta)
    resetRuntimeConfig()
    const connect = useConnectStore()
    const form = connect.formFor(undefined)
    form.url = `${NOWHERE}own`
    form.reconnection = false
    form.auth = '{token: "relay-t0ken-xyz", user: "alice"}'
    form.rememberSecrets = true
    connect.connect(undefined)
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
