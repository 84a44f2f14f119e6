// @vitest-environment happy-dom
/**
 * Issue 16 items 1 and 3, the store: saved connections (save, replace, rename, delete, group by server,
 * open as a tab or focus the tab on it), the workspace file (export without secrets, import errors change
 * nothing, merge), and the tabs of the last visit restored disconnected (forms, labels, order, the active
 * tab, secrets from sessionStorage only), then "reconnect all" against a real socket.io server.
 */
import type { ConnectForm } from '../../inspector-ui/src/lib/connect-form'
import { createServer } from 'node:http'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { Server } from 'socket.io'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { defaultForm } from '../../inspector-ui/src/lib/connect-form'
import { splitFormSecrets, variablesOnly } from '../../inspector-ui/src/lib/form-secrets'
import { useConnectStore } from '../../inspector-ui/src/stores/connect'
import { useEnvironmentsStore } from '../../inspector-ui/src/stores/environments'
import { resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { serverOf, TABS_SECRETS_KEY, useWorkspaceStore } from '../../inspector-ui/src/stores/workspace'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

const TOKEN = 'tok-9f8e7d6c'
const BEARER = 'Bearer b34rer-1a2b'

/** A real socket.io 4 server (any namespace, CORS for any page) that records each socket's auth token. */
let SERVER = ''
const seenTokens: unknown[] = []
let closeReal: () => Promise<void> = async () => {}
beforeAll(async () => {
  const http = createServer((_req, res) => res.writeHead(404).end())
  const sockets = trackSockets(http)
  const io = new Server(http, { cors: { origin: true } })
  io.of(/^\/.*$/).on('connection', socket => seenTokens.push((socket.handshake.auth as { token?: unknown }).token))
  SERVER = `http://127.0.0.1:${await listen(http)}`
  closeReal = async () => {
    io.close()
    await closeServer(http, sockets)
  }
})
afterAll(() => closeReal())

function form(patch: Partial<ConnectForm> = {}): ConnectForm {
  return { ...defaultForm('http://localhost:3000/chat'), ...patch }
}

/** Everything this origin stored, as one text (to look for secrets in it). */
function allLocalStorage(): string {
  return Object.keys(localStorage).map(key => `${key}=${localStorage.getItem(key)}`).join('\n')
}

/** A new page: a fresh Pinia and engine over the same storage (what a reload gives the app). */
function reload(): void {
  resetInspector()
  setActivePinia(createPinia())
}

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  history.replaceState(null, '', '/')
  setActivePinia(createPinia())
})
afterEach(() => {
  resetInspector()
})

describe('secrets in a typed form', () => {
  it('leaves out auth, secret-looking headers, query values, URL parameters and password, and cookies; names each', () => {
    const split = splitFormSecrets(form({
      url: 'http://user:hunter22@localhost:3000/chat?room=a&access_token=xyz',
      auth: `{ token: "${TOKEN}" }`,
      headers: `{ Authorization: "${BEARER}", "X-Trace": "on" }`,
      query: '{ apiKey: "k-1", room: "b" }',
      cookies: 'sid=abc; theme=dark',
    }), { keepSecrets: false })
    expect(split.kept).toMatchObject({ url: 'http://user@localhost:3000/chat?room=a', auth: '', headers: '{"X-Trace":"on"}', query: '{"room":"b"}', cookies: '' })
    expect(split.omitted).toEqual(['URL password', 'URL parameter access_token', 'auth', 'header Authorization', 'query apiKey', 'cookies'])
    expect(Object.keys(split.secrets).sort()).toEqual(['auth', 'cookies', 'headers', 'query', 'url'])
    expect(split.literal).toEqual([])
  })

  it('keeps values made only of variables: they hold no literal secret', () => {
    expect(variablesOnly('{{token}}')).toBe(true)
    expect(variablesOnly('Bearer {{ token }}')).toBe(true)
    expect(variablesOnly('Bearer abc{{token}}')).toBe(false)
    expect(variablesOnly('plain')).toBe(false)
    const templated = form({
      url: 'http://{{host}}/chat?token={{token}}',
      auth: '{ token: "{{token}}", n: {{count}} }',
      headers: '{ Authorization: "Bearer {{token}}" }',
      cookies: 'sid={{sid}}',
    })
    const split = splitFormSecrets(templated, { keepSecrets: false })
    expect(split.kept).toEqual(templated)
    expect(split.omitted).toEqual([])
  })

  it('leaves unreadable text out whole when a word of it looks like a secret', () => {
    const split = splitFormSecrets(form({ headers: '{ Authorization: "x", ', query: '{ room: ' }), { keepSecrets: false })
    expect(split.kept.headers).toBe('')
    expect(split.kept.query).toBe('{ room: ')
    expect(split.omitted).toEqual(['headers'])
  })

  it('with "remember secrets" keeps them and names the literal ones; the inspector\'s own credentials never', () => {
    const split = splitFormSecrets(form({ auth: `{ token: "${TOKEN}" }`, headers: '{ "X-Relay": "relay-token-1234" }' }), { keepSecrets: true, neverKeep: ['relay-token-1234'] })
    expect(split.kept.auth).toBe(`{ token: "${TOKEN}" }`)
    expect(split.kept.headers).toBe('')
    expect(split.omitted).toEqual(['header X-Relay'])
    expect(split.literal).toEqual(['auth'])
  })
})

describe('saved connections', () => {
  it('saves a tab\'s form under a name without its secrets, and says what was left out', () => {
    const connect = useConnectStore()
    const workspace = useWorkspaceStore()
    Object.assign(connect.formFor(undefined), { url: `${SERVER}/chat`, auth: `{ token: "${TOKEN}" }`, timeout: '7000' })
    const result = workspace.save('local chat', undefined)
    expect(result).toMatchObject({ ok: true, replaced: false, omitted: ['auth'], literal: [] })
    expect(workspace.connections.map(c => c.name)).toEqual(['local chat'])
    const stored = JSON.parse(localStorage.getItem('sio-inspector-v1-workspace')!)
    expect(stored.connections[0]).toMatchObject({ name: 'local chat', form: { url: `${SERVER}/chat`, timeout: '7000', auth: '' }, omitted: ['auth'] })
    expect(allLocalStorage()).not.toContain(TOKEN)
  })

  it('keeps secrets when "remember secrets" is ticked, and marks them', () => {
    const connect = useConnectStore()
    const workspace = useWorkspaceStore()
    Object.assign(connect.formFor(undefined), { url: `${SERVER}/`, auth: `{ token: "${TOKEN}" }`, rememberSecrets: true })
    expect(workspace.save('kept', undefined)).toMatchObject({ ok: true, literal: ['auth'] })
    expect(workspace.connections[0].secretsKept).toEqual(['auth'])
    expect(allLocalStorage()).toContain(TOKEN)
  })

  it('asks before replacing a name, replaces when told; names are checked', () => {
    const connect = useConnectStore()
    const workspace = useWorkspaceStore()
    connect.formFor(undefined).url = 'http://localhost:3000/a'
    expect(workspace.save('x', undefined).ok).toBe(true)
    connect.formFor(undefined).url = 'http://localhost:3000/b'
    expect(workspace.save('x', undefined)).toMatchObject({ ok: false, reason: 'exists', name: 'x' })
    expect(workspace.connections[0].form.url).toBe('http://localhost:3000/a')
    expect(workspace.save('x', undefined, { replace: true })).toMatchObject({ ok: true, replaced: true })
    expect(workspace.connections.map(c => [c.name, c.form.url])).toEqual([['x', 'http://localhost:3000/b']])
    expect(workspace.save('n'.repeat(121), undefined)).toMatchObject({ ok: false, reason: 'name', message: 'A name has at most 120 characters' })
    // No name typed: the URL (no tab yet) is the name.
    expect(workspace.save('  ', undefined)).toMatchObject({ ok: true, entry: { name: 'http://localhost:3000/b' } })
  })

  it('renames (not onto another name, not empty) and deletes', () => {
    const connect = useConnectStore()
    const workspace = useWorkspaceStore()
    connect.formFor(undefined).url = 'http://localhost:3000/'
    workspace.save('a', undefined)
    workspace.save('b', undefined)
    expect(workspace.rename('a', 'b')).toBe('Another saved connection is already called "b"')
    expect(workspace.rename('a', ' ')).toBe('Give the connection a name')
    expect(workspace.rename('a', ' c ')).toBeUndefined()
    expect(workspace.connections.map(c => c.name)).toEqual(['c', 'b'])
    workspace.remove('b')
    expect(workspace.connections.map(c => c.name)).toEqual(['c'])
    expect(JSON.parse(localStorage.getItem('sio-inspector-v1-workspace')!).connections.map((c: { name: string }) => c.name)).toEqual(['c'])
  })

  it('groups by server: host:port of the URL, a template\'s text before the path', () => {
    expect(serverOf('http://localhost:3000/chat')).toBe('localhost:3000')
    expect(serverOf('https://example.com/')).toBe('example.com')
    expect(serverOf('http://{{host}}/chat')).toBe('{{host}}')
    expect(serverOf('ws://{{host}}:{{port}}/x')).toBe('{{host}}:{{port}}')
    const connect = useConnectStore()
    const workspace = useWorkspaceStore()
    for (const [name, url] of [['b', 'http://localhost:3000/b'], ['t', 'http://{{host}}/'], ['a', 'http://localhost:3000/a'], ['o', 'http://127.0.0.1:4000/']]) {
      connect.formFor(undefined).url = url
      workspace.save(name, undefined)
    }
    expect(workspace.groups.map(g => [g.server, g.items.map(i => i.name)])).toEqual([
      ['127.0.0.1:4000', ['o']],
      ['localhost:3000', ['a', 'b']],
      ['{{host}}', ['t']],
    ])
  })

  it('opens one as a new tab, filled in, named after it, not connected; again: focuses that tab', () => {
    const connect = useConnectStore()
    const sessions = useSessionsStore()
    const workspace = useWorkspaceStore()
    Object.assign(connect.formFor(undefined), { url: `${SERVER}/chat`, timeout: '7000', auth: `{ token: "${TOKEN}" }` })
    workspace.save('chat', undefined)
    const id = workspace.open('chat')!
    expect(sessions.tabs.map(t => t.id)).toEqual([id])
    expect(sessions.snapshotOf(id)!.status).toBe('idle')
    expect(sessions.labelOf(sessions.snapshotOf(id)!)).toBe('chat')
    expect(connect.forms[id]).toMatchObject({ url: `${SERVER}/chat`, timeout: '7000', auth: '' })
    expect(workspace.omittedNote(id)).toMatch(/fill in auth again/)
    // Filling the secret in does not make it another connection.
    connect.forms[id].auth = `{ token: "${TOKEN}" }`
    const other = connect.newTab()
    expect(sessions.activeId).toBe(other)
    expect(workspace.open('chat')).toBe(id)
    expect(sessions.activeId).toBe(id)
    expect(sessions.tabs).toHaveLength(2)
  })

  it('a template that does not resolve still opens as a tab; Connect names the unknown variable', () => {
    const connect = useConnectStore()
    const sessions = useSessionsStore()
    const workspace = useWorkspaceStore()
    connect.formFor(undefined).url = 'http://{{nohost}}/chat'
    workspace.save('templated', undefined)
    const id = workspace.open('templated')!
    expect(sessions.labelOf(sessions.snapshotOf(id)!)).toBe('templated')
    expect(connect.forms[id].url).toBe('http://{{nohost}}/chat')
    expect(connect.connect(id)).toBeUndefined()
    expect(connect.errors[id].url).toMatch(/nohost/)
    expect(sessions.snapshotOf(id)!.status).toBe('idle')
  })
})

describe('the workspace file', () => {
  it('exports the connections without literal secrets (listed) and the environments without secret values', () => {
    const connect = useConnectStore()
    const envs = useEnvironmentsStore()
    const workspace = useWorkspaceStore()
    envs.setVariables({ host: '127.0.0.1:3000', token: 'env-secret-5566' }, { token: true })
    Object.assign(connect.formFor(undefined), { url: 'http://{{host}}/', auth: `{ token: "${TOKEN}" }`, headers: `{ Authorization: "${BEARER}" }`, rememberSecrets: true })
    workspace.save('kept', undefined)
    Object.assign(connect.formFor(undefined), { url: 'http://{{host}}/t', auth: '{ token: "{{token}}" }', headers: '', rememberSecrets: false })
    workspace.save('templated', undefined)
    expect(allLocalStorage()).toContain(TOKEN) // kept, as asked

    const { text, omitted } = workspace.exportText(new Date('2026-02-03T04:05:06.000Z'))
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain('b34rer')
    expect(text).not.toContain('env-secret-5566')
    expect(omitted).toEqual([{ name: 'kept', omitted: ['auth', 'header Authorization'] }])
    const file = JSON.parse(text)
    expect(file).toMatchObject({ format: 'socketio-inspector-workspace', version: 1, exportedAt: '2026-02-03T04:05:06.000Z' })
    expect(file.connections).toEqual([
      expect.objectContaining({ name: 'kept', form: expect.objectContaining({ url: 'http://{{host}}/', auth: '', headers: '', rememberSecrets: false }), omitted: ['auth', 'header Authorization'] }),
      expect.objectContaining({ name: 'templated', form: expect.objectContaining({ auth: '{ token: "{{token}}" }' }) }),
    ])
    expect(file.connections[0].secretsKept).toBeUndefined()
    expect(file.environments).toEqual([{ name: 'local', variables: [{ name: 'host', value: '127.0.0.1:3000' }, { name: 'token', value: '', secret: true }] }])
  })

  it('imports into a fresh browser: connections and environments are there', () => {
    const connect = useConnectStore()
    const envs = useEnvironmentsStore()
    const workspace = useWorkspaceStore()
    envs.setVariables({ host: '127.0.0.1:3000' })
    connect.formFor(undefined).url = 'http://{{host}}/chat'
    workspace.save('chat', undefined)
    const { text } = workspace.exportText()

    localStorage.clear()
    sessionStorage.clear()
    reload()
    const fresh = useWorkspaceStore()
    expect(fresh.connections).toEqual([])
    expect(fresh.importText(text)).toEqual({ ok: true, connections: 1, replaced: 0, environments: 1 })
    expect(fresh.connections.map(c => [c.name, c.form.url])).toEqual([['chat', 'http://{{host}}/chat']])
    expect(useEnvironmentsStore().current).toEqual({ host: '127.0.0.1:3000' })
    // Again: the same name is replaced, not doubled.
    expect(fresh.importText(text)).toMatchObject({ ok: true, connections: 1, replaced: 1 })
    expect(fresh.connections).toHaveLength(1)
    expect(JSON.parse(localStorage.getItem('sio-inspector-v1-workspace')!).connections).toHaveLength(1)
  })

  it('a bad file is refused with one message and changes nothing', async () => {
    const connect = useConnectStore()
    const workspace = useWorkspaceStore()
    connect.formFor(undefined).url = 'http://localhost:3000/'
    workspace.save('mine', undefined)
    const before = localStorage.getItem('sio-inspector-v1-workspace')
    const bad = JSON.stringify({ format: 'socketio-inspector-workspace', version: 1, connections: [{ name: 'new', form: { url: 'http://x/' } }, { name: 'broken', form: { url: 'http://y/', timeout: 5 } }] })
    expect(workspace.importText(bad)).toEqual({ ok: false, message: 'connections[1].form.timeout: expected text' })
    expect(workspace.connections.map(c => c.name)).toEqual(['mine'])
    expect(localStorage.getItem('sio-inspector-v1-workspace')).toBe(before)

    const newer = new File([JSON.stringify({ format: 'socketio-inspector-workspace', version: 7, connections: [] })], 'future.json', { type: 'application/json' })
    expect(await workspace.importFile(newer)).toMatchObject({ ok: false })
    expect(workspace.importError).toMatch(/^"future\.json" was not imported, nothing changed: This workspace was made by a newer Socket\.IO Inspector/)
    expect(await workspace.importFile(new File(['not json'], 'x.json'))).toMatchObject({ ok: false })
    expect(workspace.importError).toMatch(/"x\.json" was not imported, nothing changed: Not JSON/)
    expect(await workspace.importFile(new File([''], 'empty.json'))).toMatchObject({ ok: false })
    expect(workspace.importError).toMatch(/the file is empty/)
    const good = new File([JSON.stringify({ format: 'socketio-inspector-workspace', version: 1, connections: [{ name: 'a', form: { url: 'http://a/' } }, { name: 'mine', form: { url: 'http://m/' } }] })], 'ws.json')
    expect(await workspace.importFile(good)).toEqual({ ok: true, connections: 2, replaced: 1, environments: 0 })
    expect(workspace.importError).toBeUndefined()
    expect(workspace.note).toBe('Imported from "ws.json": 2 connections (1 replaced) and no environments.')
  })

  it('a damaged stored list is set aside, not used', () => {
    localStorage.setItem('sio-inspector-v1-workspace', JSON.stringify({ connections: [{ name: 'a', form: { url: 3 } }] }))
    const workspace = useWorkspaceStore()
    expect(workspace.connections).toEqual([])
    expect(Object.keys(localStorage).some(key => key.startsWith('sio-inspector-v1-damaged-workspace-'))).toBe(true)
  })
})

describe('tabs after a reload', () => {
  /** Two tabs, the second renamed and with an auth token, the first active. */
  function openTwo(): { first: string, second: string } {
    const connect = useConnectStore()
    const sessions = useSessionsStore()
    useWorkspaceStore().restoreTabs()
    Object.assign(connect.formFor(undefined), { url: `${SERVER}/one`, timeout: '7000' })
    const first = connect.connect(undefined)!
    const second = connect.newTab()
    Object.assign(connect.forms[second], { url: `${SERVER}/two`, auth: `{ token: "${TOKEN}" }` })
    sessions.rename(second, 'Second tab')
    sessions.activate(first)
    useWorkspaceStore().persistTabs()
    return { first, second }
  }

  it('come back disconnected with their forms, labels, order and the active tab; secrets only from sessionStorage', async () => {
    const { first } = openTwo()
    const sessions = useSessionsStore()
    await expect.poll(() => sessions.snapshotOf(first)?.status, { timeout: 5000 }).toBe('connected')
    useWorkspaceStore().persistTabs()
    expect(allLocalStorage()).not.toContain(TOKEN)
    expect(sessionStorage.getItem(TABS_SECRETS_KEY)).toContain(TOKEN)

    reload()
    const workspace = useWorkspaceStore()
    const ids = workspace.restoreTabs()
    const again = useSessionsStore()
    const connect = useConnectStore()
    expect(ids).toHaveLength(2)
    expect(again.tabs.map(t => t.status)).toEqual(['idle', 'idle'])
    expect(again.tabs.map(t => again.labelOf(t))).toEqual([`127.0.0.1:${new URL(SERVER).port} /one`, 'Second tab'])
    expect(again.activeId).toBe(ids[0])
    expect(connect.forms[ids[0]]).toMatchObject({ url: `${SERVER}/one`, timeout: '7000' })
    expect(connect.forms[ids[1]]).toMatchObject({ url: `${SERVER}/two`, auth: `{ token: "${TOKEN}" }` })
    expect(workspace.restoredIdle).toEqual(ids)
    // Only once per page.
    expect(workspace.restoreTabs()).toEqual([])
  })

  it('"reconnect all" connects every restored tab that is idle, each with its own form', async () => {
    openTwo()
    reload()
    const workspace = useWorkspaceStore()
    const ids = workspace.restoreTabs()
    const sessions = useSessionsStore()
    seenTokens.length = 0
    expect(workspace.reconnectAll()).toEqual(ids)
    for (const id of ids)
      await expect.poll(() => sessions.snapshotOf(id)?.status, { timeout: 5000 }).toBe('connected')
    expect(seenTokens).toContain(TOKEN)
    expect(workspace.restoredIdle).toEqual([])
  })

  it('a new browser session has no secrets: the tab says what to fill in again', () => {
    openTwo()
    sessionStorage.clear()
    reload()
    const ids = useWorkspaceStore().restoreTabs()
    expect(useConnectStore().forms[ids[1]].auth).toBe('')
    expect(useWorkspaceStore().omittedNote(ids[1])).toMatch(/fill in auth again/)
    expect(useWorkspaceStore().omittedNote(ids[0])).toBe('')
  })

  it('a closed tab is not restored; imported captures and an empty list bring nothing back', async () => {
    const { second } = openTwo()
    const sessions = useSessionsStore()
    sessions.closeSession(second)
    useWorkspaceStore().persistTabs()
    reload()
    expect(useWorkspaceStore().restoreTabs()).toHaveLength(1)
    expect(useSessionsStore().tabs.map(t => useSessionsStore().labelOf(t))).toEqual([`127.0.0.1:${new URL(SERVER).port} /one`])

    useSessionsStore().closeSession(useSessionsStore().tabs[0].id)
    useWorkspaceStore().persistTabs()
    reload()
    expect(useWorkspaceStore().restoreTabs()).toEqual([])
    expect(useSessionsStore().tabs).toEqual([])
  })

  it('persists on change by itself (debounced)', async () => {
    const workspace = useWorkspaceStore()
    workspace.restoreTabs()
    const connect = useConnectStore()
    const id = connect.newTab()
    connect.forms[id].url = `${SERVER}/typed`
    await expect.poll(() => localStorage.getItem('sio-inspector-v1-tabs') ?? '', { timeout: 3000 }).toContain(`${SERVER}/typed`)
  })

  it('a ?url= link still opens its URL: in an extra tab when tabs were restored, else in the first form', () => {
    openTwo()
    reload()
    history.replaceState(null, '', `/?url=${encodeURIComponent(`${SERVER}/linked`)}&parser=msgpack`)
    const ids = useWorkspaceStore().restoreTabs()
    const sessions = useSessionsStore()
    const connect = useConnectStore()
    expect(sessions.tabs).toHaveLength(3)
    const linked = sessions.activeId!
    expect(ids).not.toContain(linked)
    expect(connect.forms[linked]).toMatchObject({ url: `${SERVER}/linked`, parser: 'msgpack' })
    expect(sessions.snapshotOf(linked)!.status).toBe('idle')

    localStorage.clear()
    reload()
    expect(useWorkspaceStore().restoreTabs()).toEqual([])
    expect(useSessionsStore().tabs).toEqual([])
    expect(useConnectStore().formFor(undefined).url).toBe(`${SERVER}/linked`)
  })

  it('a template form that does not resolve after the reload still comes back, as typed', () => {
    const envs = useEnvironmentsStore()
    envs.setVariables({ host: new URL(SERVER).host })
    useWorkspaceStore().restoreTabs()
    const connect = useConnectStore()
    const id = connect.newTab()
    connect.forms[id].url = 'http://{{host}}/t'
    useWorkspaceStore().persistTabs()
    reload()
    useEnvironmentsStore().setVariables({})
    const [back] = useWorkspaceStore().restoreTabs()
    expect(useConnectStore().forms[back].url).toBe('http://{{host}}/t')
    expect(useConnectStore().connect(back)).toBeUndefined()
    expect(useConnectStore().errors[back].url).toMatch(/host/)
  })
})

describe('the workspace panel', () => {
  it('lists saved connections by server, renames in place (refusing a taken name), deletes, opens one', async () => {
    const connect = useConnectStore()
    const sessions = useSessionsStore()
    const workspace = useWorkspaceStore()
    for (const [name, url] of [['a', 'http://localhost:3000/a'], ['b', 'http://127.0.0.1:4000/b']]) {
      connect.formFor(undefined).url = url
      workspace.save(name, undefined)
    }
    workspace.openPanel()
    const { default: WorkspacePanel } = await import('../../inspector-ui/src/components/workspace/WorkspacePanel.vue')
    const wrapper = mount(WorkspacePanel, { attachTo: document.body })
    expect(wrapper.findAll('[data-testid="workspace-group"]').map(g => g.attributes('data-server'))).toEqual(['127.0.0.1:4000', 'localhost:3000'])
    expect(wrapper.findAll('[data-testid="workspace-item"]').map(i => i.attributes('data-name'))).toEqual(['b', 'a'])
    expect(wrapper.get('[data-testid="workspace-count"]').text()).toBe('2 saved connections')

    await wrapper.get('[data-testid="workspace-item"][data-name="a"] [data-testid="workspace-rename"]').trigger('click')
    await wrapper.get('[data-testid="workspace-rename-input"]').setValue('b')
    await wrapper.get('[data-testid="workspace-rename-apply"]').trigger('click')
    expect(wrapper.get('[data-testid="workspace-rename-error"]').text()).toBe('Another saved connection is already called "b"')
    await wrapper.get('[data-testid="workspace-rename-input"]').setValue('c')
    await wrapper.get('[data-testid="workspace-rename-apply"]').trigger('click')
    expect(sessions.tabs).toEqual([]) // renaming opened nothing
    expect(workspace.connections.map(c => c.name)).toEqual(['c', 'b'])

    await wrapper.get('[data-testid="workspace-item"][data-name="b"] [data-testid="workspace-delete"]').trigger('click')
    expect(workspace.connections.map(c => c.name)).toEqual(['c'])
    expect(sessions.tabs).toEqual([])

    await wrapper.get('[data-testid="workspace-item"][data-name="c"]').trigger('click')
    await nextTick()
    expect(sessions.tabs.map(t => sessions.labelOf(t))).toEqual(['c'])
    // A sidebar: opening a connection leaves the list where it is.
    expect(wrapper.emitted('close')).toBeUndefined()
    expect(workspace.panelOpen).toBe(true)
    await wrapper.get('[data-testid="workspace-close"]').trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
    wrapper.unmount()
  })
})

describe('the workspace sidebar', () => {
  it('is closed in a fresh browser, opens when a connection is saved, and keeps its state across reloads', async () => {
    const connect = useConnectStore()
    let workspace = useWorkspaceStore()
    expect(workspace.panelOpen).toBe(false)
    connect.formFor(undefined).url = 'http://localhost:3000/a'
    expect(workspace.save('a', undefined).ok).toBe(true)
    expect(workspace.panelOpen).toBe(true)
    await nextTick()
    expect(localStorage.getItem('sio-inspector-v1-workspace-sidebar')).toBe('true')

    // A reload with saved connections and no choice stored: open.
    localStorage.removeItem('sio-inspector-v1-workspace-sidebar')
    setActivePinia(createPinia())
    workspace = useWorkspaceStore()
    expect(workspace.panelOpen).toBe(true)
    // Closed by the user: closed after the next reload too.
    workspace.closePanel()
    await nextTick()
    setActivePinia(createPinia())
    expect(useWorkspaceStore().panelOpen).toBe(false)
  })
})
