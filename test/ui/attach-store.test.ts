// @vitest-environment happy-dom
/**
 * Issue 19 in the page's stores, against the real thing: the inspector's own server (relay + attach hub, a
 * stand-in dist), the app's own socket.io 4.8 server, and real `attach()` / `attachServer()` mirrors. The
 * page's config comes from the served index.html, as a browser gets it.
 */
import type { InspectorServer } from '../../inspector-ui/server/index'
import type { RelayEndpoint } from '../../src/core'
import type { AppServer } from '../fixtures/attach-app/app-server'
import type { NodeApp } from '../fixtures/attach-app/node-app'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createServer as createNetServer, connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ATTACH_READ_ONLY_ERROR } from '#core'
import { createPinia, setActivePinia } from 'pinia'
import { io as ioc } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startInspectorServer } from '../../inspector-ui/server/index'
import { loadRuntimeConfig, resetRuntimeConfig } from '../../inspector-ui/src/config'
import { attachedServerLog, AttachedServerLog, attachSnippets, resetAttach, useAttachStore } from '../../inspector-ui/src/stores/attach'
import { getInspector, resetInspector, tabState, useSessionsStore } from '../../inspector-ui/src/stores/sessions'
import { startAppServer } from '../fixtures/attach-app/app-server'
import { startNodeApp } from '../fixtures/attach-app/node-app'
import { closeServer, listen, trackSockets } from '../fixtures/net-utils'

const POLL = { timeout: 8000, interval: 20 }

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve(body))
    }).on('error', reject)
  })
}

/** The served page's config meta tag, put into this (happy-dom) document: what a browser on this machine gets. */
async function loadServedConfig(url: string): Promise<void> {
  const html = await get(`${url}/`)
  const content = /<meta name="sio-inspector-config" content="([^"]*)">/.exec(html)?.[1]
  if (!content)
    throw new Error('the served page has no config meta tag')
  const decoded = content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  for (const old of document.querySelectorAll('meta[name="sio-inspector-config"]')) old.remove()
  const meta = document.createElement('meta')
  meta.setAttribute('name', 'sio-inspector-config')
  meta.setAttribute('content', decoded)
  document.head.append(meta)
  resetRuntimeConfig()
}

/**
 * A TCP proxy in front of the inspector that can cut every connection and refuse new ones for a while:
 * the app's mirror loses the inspector as with a network drop, then reconnects by itself.
 */
async function startCuttableProxy(targetPort: number): Promise<{ url: string, cut: () => void, restore: () => void, close: () => Promise<void> }> {
  let refusing = false
  const open = new Set<import('node:net').Socket>()
  const server = createNetServer((client) => {
    if (refusing)
      return void client.destroy()
    const upstream = netConnect(targetPort, '127.0.0.1')
    open.add(client)
    open.add(upstream)
    client.on('data', chunk => upstream.write(chunk))
    upstream.on('data', chunk => client.write(chunk))
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  })
  const sockets = trackSockets(server)
  const port = await listen(server)
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      refusing = true
      for (const s of open) s.destroy()
    },
    restore() {
      refusing = false
    },
    close: () => closeServer(server, sockets),
  }
}

function entriesOf(sessionId: string): string[] {
  return [...getInspector().log].filter(e => e.sessionId === sessionId).map((e) => {
    if (e.kind === 'event' || e.kind === 'ack')
      return `${e.kind} ${e.direction} ${e.name} ${JSON.stringify(e.args)}`
    return `${e.kind} ${e.direction}`
  })
}

describe('attach in the page: tabs for attached apps, the server view\'s per-socket log', () => {
  let inspector: InspectorServer
  let inspectorUrl: string
  let dist: string
  let relay: RelayEndpoint
  let token: string
  let appServer: AppServer
  const apps: NodeApp[] = []

  function startApp(name: string, extra: { allowEmit?: boolean, frames?: boolean, inspector?: string, token?: string } = {}): NodeApp {
    const app = startNodeApp(appServer.url, { inspector: extra.inspector ?? inspectorUrl, token: extra.token ?? token, name, allowEmit: extra.allowEmit, frames: extra.frames })
    apps.push(app)
    return app
  }

  function tabNamed(name: string): string | undefined {
    const sessions = useSessionsStore()
    return sessions.tabs.find(t => t.attached?.name === name)?.id
  }

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'sio-attach-dist-'))
    writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
    inspector = await startInspectorServer({ port: 0, distDir: dist })
    inspectorUrl = `http://127.0.0.1:${inspector.port}`
    appServer = await startAppServer()
  })
  beforeEach(async () => {
    setActivePinia(createPinia())
    await loadServedConfig(inspectorUrl)
    const config = loadRuntimeConfig()
    // Node sends no Origin by itself; the relay wants the page's (a browser always sends it).
    relay = { url: inspectorUrl, token: config.relay!.token, extraHeaders: { Origin: inspectorUrl } }
    token = config.attach!.token
  })
  afterEach(() => {
    for (const app of apps.splice(0)) app.close()
    resetAttach()
    resetInspector()
  })
  afterAll(async () => {
    await appServer?.close()
    await inspector?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('hands the page the attach token and the hub\'s URL, and fills the snippets with them', () => {
    const attach = useAttachStore()
    expect(attach.available).toBe(true)
    expect(attach.token).toBe(inspector.attachToken)
    expect(attach.inspectorUrl).toBe(inspector.url)
    const snippets = attachSnippets(attach.inspectorUrl!, attach.token!)
    expect(snippets.node).toBe(`import { io } from 'socket.io-client'\nimport { attach } from 'socketio-inspector/attach'\n\nconst socket = io('http://localhost:3000')\nconst detach = attach(socket, { inspector: '${inspector.url}', token: '${inspector.attachToken}', name: 'my-app' })`)
    expect(snippets.browser).toContain(`attach(socket, { inspector: '${inspector.url}', token: '${inspector.attachToken}'`)
    expect(snippets.server).toContain(`attachServer(io, { inspector: '${inspector.url}', token: '${inspector.attachToken}'`)
  })

  it('opens one tab per attached client socket, labelled by its name and marked attached read-only, with its traffic both ways', async () => {
    const sessions = useSessionsStore()
    const attach = useAttachStore()
    attach.start(relay)
    const app = startApp('node-app')
    await app.connected
    const tab = await expect.poll(() => tabNamed('node-app'), POLL).toBeTypeOf('string').then(() => tabNamed('node-app')!)
    await expect.poll(() => sessions.snapshotOf(tab)?.status, POLL).toBe('connected')
    const snap = sessions.snapshotOf(tab)!
    expect(sessions.labelOf(snap)).toBe('node-app')
    // (`runtime` says 'browser' here: happy-dom gives this Node process a `window`.)
    expect(snap.attached).toMatchObject({ name: 'node-app', role: 'client', allowEmit: false, present: true })
    expect(snap.readonly).toBe(true)
    // Live, not an imported capture.
    expect(tabState(snap)).toBe('connected')
    // The first tab of a page without one is shown.
    expect(sessions.activeId).toBe(tab)

    await expect(app.hello('hi')).resolves.toEqual({ ok: true, heard: 'hi' })
    await expect.poll(() => entriesOf(tab), POLL).toEqual(expect.arrayContaining([
      `event in welcome ${JSON.stringify([{ id: app.socket.id, namespace: '/' }])}`,
      'event out hello ["hi"]',
      'ack in hello [{"ok":true,"heard":"hi"}]',
    ]))
    // Read-only: the composer's emit is refused, the app's socket untouched.
    expect(sessions.emit(tab, 'chat', ['x'])).toEqual({ ok: false, error: ATTACH_READ_ONLY_ERROR })

    // Another app attaching changes the lobby's list: still one tab for the first, one for the new one, and the
    // user's tab stays in front.
    const second = startApp('second-app')
    await second.connected
    await expect.poll(() => tabNamed('second-app'), POLL).toBeTypeOf('string')
    expect(sessions.tabs.filter(t => t.attached?.name === 'node-app')).toHaveLength(1)
    expect(sessions.activeId).toBe(tab)
    expect(Object.keys(sessions.attachedTabs)).toHaveLength(2)
    expect(attach.clients.map(c => c.name).sort()).toEqual(['node-app', 'second-app'])
  })

  it('with allowEmit, the tab\'s emit runs on the app\'s own socket: the app\'s listener sees the answer, the ack is logged', async () => {
    const sessions = useSessionsStore()
    useAttachStore().start(relay)
    const app = startApp('emitter', { allowEmit: true })
    await app.connected
    await expect.poll(() => tabNamed('emitter'), POLL).toBeTypeOf('string')
    const tab = tabNamed('emitter')!
    // Writable once the hub's state says the app allows emits.
    await expect.poll(() => sessions.snapshotOf(tab)?.readonly, POLL).toBe(false)
    expect(sessions.snapshotOf(tab)!.attached?.allowEmit).toBe(true)
    await expect.poll(() => sessions.snapshotOf(tab)?.status, POLL).toBe('connected')

    const result = sessions.emit(tab, 'chat', ['from the inspector'], { ack: true })
    expect(result).toMatchObject({ ok: true, correlationId: expect.any(String) })
    // The app's own listener saw the server's answer to an emit it never wrote.
    await expect.poll(() => app.seen.filter(s => s.event === 'echo').map(s => s.args), POLL).toEqual([['from the inspector']])
    await expect.poll(() => entriesOf(tab), POLL).toEqual(expect.arrayContaining([
      'event out chat ["from the inspector"]',
      'ack in chat [{"delivered":true,"args":1}]',
      'event in echo ["from the inspector"]',
    ]))
    const ack = [...getInspector().log].find(e => e.sessionId === tab && e.kind === 'ack')
    expect(ack?.kind === 'ack' && ack.correlationId).toBe(result.ok && result.correlationId)
  })

  it('keeps the tab and its log when the app leaves, and the same tab continues when it comes back', async () => {
    const sessions = useSessionsStore()
    const attach = useAttachStore()
    attach.start(relay)
    const proxy = await startCuttableProxy(inspector.port)
    try {
      const app = startApp('flaky', { inspector: proxy.url })
      await app.connected
      await expect.poll(() => tabNamed('flaky'), POLL).toBeTypeOf('string')
      const tab = tabNamed('flaky')!
      await app.hello('before')
      await expect.poll(() => entriesOf(tab), POLL).toContain('event out hello ["before"]')

      proxy.cut()
      await expect.poll(() => attach.list.find(i => i.name === 'flaky')?.present, POLL).toBe(false)
      // Still there, with its log.
      expect(sessions.tabs.map(t => t.id)).toContain(tab)
      expect(entriesOf(tab)).toContain('event out hello ["before"]')
      // The app did not notice: its own events go on.
      await expect(app.hello('while away')).resolves.toEqual({ ok: true, heard: 'while away' })

      proxy.restore()
      await expect.poll(() => attach.list.find(i => i.name === 'flaky')?.present, { timeout: 15_000, interval: 50 }).toBe(true)
      await app.hello('after')
      await expect.poll(() => entriesOf(tab), POLL).toContain('event out hello ["after"]')
      // The same tab, no second one; what the mirror buffered while away arrived too.
      expect(sessions.tabs.filter(t => t.attached?.name === 'flaky')).toHaveLength(1)
      expect(entriesOf(tab)).toContain('event out hello ["while away"]')
    }
    finally {
      await proxy.close()
    }
  })

  it('opens the tabs again from the hub\'s backlog after a page reload', async () => {
    useAttachStore().start(relay)
    const app = startApp('reloaded')
    await app.connected
    await app.hello('history')
    await expect.poll(() => tabNamed('reloaded'), POLL).toBeTypeOf('string')
    await expect.poll(() => entriesOf(tabNamed('reloaded')!), POLL).toContain('event out hello ["history"]')

    // "Reload": a new engine, new stores, a new lobby.
    resetAttach()
    resetInspector()
    setActivePinia(createPinia())
    useAttachStore().start(relay)
    await expect.poll(() => tabNamed('reloaded'), POLL).toBeTypeOf('string')
    await expect.poll(() => entriesOf(tabNamed('reloaded')!), POLL).toContain('event out hello ["history"]')
    expect(useSessionsStore().tabs.filter(t => t.attached?.name === 'reloaded')).toHaveLength(1)
  })

  it('a closed attached tab is not opened again by itself; the panel\'s list opens it on request', async () => {
    const sessions = useSessionsStore()
    const attach = useAttachStore()
    attach.start(relay)
    const app = startApp('closable')
    await app.connected
    await expect.poll(() => tabNamed('closable'), POLL).toBeTypeOf('string')
    const attachId = attach.list.find(i => i.name === 'closable')!.attachId
    sessions.closeSession(tabNamed('closable')!)
    expect(tabNamed('closable')).toBeUndefined()
    // The lobby changes (another app): the closed one stays closed.
    const other = startApp('other')
    await other.connected
    await expect.poll(() => tabNamed('other'), POLL).toBeTypeOf('string')
    expect(tabNamed('closable')).toBeUndefined()
    attach.showClient(attachId)
    // Marked attached (named, not a nameless read-only tab) from its first snapshot, before the hub's state.
    expect(tabNamed('closable')).toBeTypeOf('string')
    expect(sessions.activeId).toBe(tabNamed('closable'))
    expect(tabState(sessions.snapshotOf(tabNamed('closable')!)!)).not.toBe('imported')
  })

  it('a wrong token opens no tab, and the app\'s own events still work', async () => {
    const sessions = useSessionsStore()
    const attach = useAttachStore()
    attach.start(relay)
    const errors: string[] = []
    const socket = ioc(appServer.url, { forceNew: true })
    const { attach: attachFn } = await import('../../src/attach/index')
    const detach = attachFn(socket, { inspector: inspectorUrl, token: 'not-the-token-at-all', name: 'intruder', onError: m => errors.push(m) })
    try {
      await expect.poll(() => errors.length, POLL).toBeGreaterThan(0)
      expect(errors[0]).toMatch(/token/i)
      const answer = await socket.timeout(5000).emitWithAck('hello', 'still fine')
      expect(answer).toEqual({ ok: true, heard: 'still fine' })
      expect(attach.list.some(i => i.name === 'intruder')).toBe(false)
      expect(sessions.tabs.some(t => t.attached?.name === 'intruder')).toBe(false)
    }
    finally {
      detach()
      socket.disconnect()
    }
  })

  it('lists an attached server\'s sockets and keeps each socket\'s events both ways, not as a tab', async () => {
    const sessions = useSessionsStore()
    const attach = useAttachStore()
    attach.start(relay)
    const server = await startAppServer({ attach: { inspector: inspectorUrl, token, name: 'my-server' } })
    const clients = [ioc(server.url, { forceNew: true }), ioc(`${server.url}/chat`, { forceNew: true })]
    try {
      await Promise.all(clients.map(c => new Promise<void>(resolve => c.once('connect', () => resolve()))))
      await clients[0].timeout(5000).emitWithAck('hello', 'from client 0')
      clients[1].emit('chat', 'on chat', 2)
      await new Promise<void>(resolve => clients[1].once('echo', () => resolve()))

      await expect.poll(() => attach.serverViews.find(v => v.name === 'my-server')?.sockets.map(s => `${s.namespace} ${s.peer}`).sort(), POLL)
        .toEqual([`/ ${clients[0].id}`, `/chat ${clients[1].id}`].sort())
      const view = attach.serverViews.find(v => v.name === 'my-server')!
      expect(view.present).toBe(true)
      const log = attachedServerLog(view.attachId)!
      const lines = (peer: string): string[] => log.idsOf(peer).map((id) => {
        const e = log.get(id)!
        return e.kind === 'event' || e.kind === 'ack' ? `${e.kind} ${e.direction} ${e.name} ${JSON.stringify(e.args)}` : e.kind
      })
      await expect.poll(() => lines(clients[0].id!), POLL).toEqual(expect.arrayContaining([
        'connect',
        `event out welcome ${JSON.stringify([{ id: clients[0].id, namespace: '/' }])}`,
        'event in hello ["from client 0"]',
      ]))
      await expect.poll(() => lines(clients[1].id!), POLL).toEqual(expect.arrayContaining([
        'event in chat ["on chat",2]',
        'event out echo ["on chat",2]',
      ]))
      // Not a tab.
      expect(sessions.tabs.some(t => t.attached?.name === 'my-server')).toBe(false)

      const first = clients[0].id!
      clients[0].disconnect()
      await expect.poll(() => attachedServerLog(view.attachId)!.sockets().find(s => s.peer === first)?.connected, POLL).toBe(false)
      expect(lines(first).at(-1)).toBe('disconnect')
    }
    finally {
      for (const c of clients) c.disconnect()
      await server.close()
    }
  })
})

describe('attachedServerLog bounds', () => {
  function event(peer: string, n: number) {
    return { kind: 'event' as const, sessionId: 'x', time: n, mono: n, direction: 'in' as const, name: 'e', args: [n], bytes: 10, peer, peerNamespace: '/' }
  }

  it('drops a chatty socket\'s own oldest entries, not another socket\'s', () => {
    const log = new AttachedServerLog({ maxEntries: 100, maxPerSocket: 5, maxSockets: 10 })
    log.append(event('quiet', 0))
    for (let i = 1; i <= 20; i++) log.append(event('chatty', i))
    expect(log.idsOf('chatty').map(id => (log.get(id) as unknown as { args: number[] }).args[0])).toEqual([16, 17, 18, 19, 20])
    expect(log.idsOf('quiet')).toHaveLength(1)
    expect(log.sockets().find(s => s.peer === 'chatty')?.dropped).toBe(15)
    expect(log.size).toBe(6)
  })

  it('keeps the whole server inside its bound, oldest first', () => {
    const log = new AttachedServerLog({ maxEntries: 10, maxPerSocket: 100, maxSockets: 10 })
    for (let i = 0; i < 30; i++) log.append(event(i % 2 ? 'a' : 'b', i))
    expect(log.size).toBe(10)
    const held = [...log.idsOf('a'), ...log.idsOf('b')].map(id => (log.get(id) as unknown as { args: number[] }).args[0]).sort((x, y) => x - y)
    expect(held).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29])
    expect(log.dropped).toBe(20)
  })

  it('forgets the socket gone longest when too many sockets came', () => {
    const log = new AttachedServerLog({ maxEntries: 100, maxPerSocket: 100, maxSockets: 2 })
    log.append({ kind: 'connect', sessionId: 'x', time: 1, mono: 1, direction: 'local', socketId: 'a', recovered: false, peer: 'a', peerNamespace: '/' })
    log.append({ kind: 'disconnect', sessionId: 'x', time: 2, mono: 2, direction: 'local', socketId: 'a', reason: 'transport close', explanation: '', willReconnect: false, peer: 'a', peerNamespace: '/' })
    log.append({ kind: 'connect', sessionId: 'x', time: 0, mono: 0, direction: 'local', socketId: 'b', recovered: false, peer: 'b', peerNamespace: '/' })
    log.append(event('c', 3))
    expect(log.sockets().map(s => s.peer)).toEqual(['b', 'c'])
    expect(log.idsOf('a')).toEqual([])
  })

  it('entries are frozen, with ids of their own', () => {
    const log = new AttachedServerLog()
    const e = log.append(event('p', 1))
    expect(e.id).toBe(1)
    expect(Object.isFrozen(e)).toBe(true)
  })
})

describe('attach unavailable', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    for (const old of document.querySelectorAll('meta[name="sio-inspector-config"]')) old.remove()
    resetRuntimeConfig()
  })
  afterEach(() => {
    resetAttach()
    resetInspector()
  })

  it('without the attach config (another machine, attach off) there is no token and nothing starts', () => {
    const attach = useAttachStore()
    expect(attach.available).toBe(false)
    expect(attach.token).toBeUndefined()
    attach.start({ url: 'http://127.0.0.1:9', token: 'x' })
    expect(attach.list).toEqual([])
    expect(useSessionsStore().tabs).toEqual([])
  })
})
