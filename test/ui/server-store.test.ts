/**
 * The server view's store against the real demo server (Node: the store, the sessions store and the
 * core run without a page). Rows are published in batches; the inspector's own tabs are marked.
 */
import type { StartedDemoServer } from '../../demo-server/src/start'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { disposeServerHost, useServerStore } from '../../inspector-ui/src/stores/server'
import { resetInspector, useSessionsStore } from '../../inspector-ui/src/stores/sessions'

async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = check()
    if (v)
      return v
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

describe('useServerStore', () => {
  let demo: StartedDemoServer

  beforeAll(async () => {
    demo = await startDemoServer({ port: 0, log: () => {}, bcryptRounds: 4 })
  })
  beforeEach(() => {
    resetInspector()
    setActivePinia(createPinia())
  })
  afterAll(async () => {
    resetInspector()
    disposeServerHost()
    await demo?.close()
  })

  it('shows the tree, marks the inspector\'s own tabs and follows their rooms', async () => {
    const sessions = useSessionsStore()
    const server = useServerStore()
    const tab1 = sessions.openSession({ url: `${demo.url}/`, label: 'one' })
    const tab2 = sessions.openSession({ url: `${demo.url}/namespace1`, label: 'two' })
    const [id1, id2] = await until(() => {
      const a = sessions.snapshotOf(tab1)?.socketId
      const b = sessions.snapshotOf(tab2)?.socketId
      return a && b ? [a, b] as const : undefined
    }, 'both tabs to connect')

    server.url = demo.url
    server.password = demo.adminPassword
    await server.connect()
    expect(server.status).toBe('connected')
    await until(() => server.rows.some(r => r.kind === 'socket' && r.id === id2), 'the tree')
    expect(server.mine.get(id1)).toBe(1)
    expect(server.mine.get(id2)).toBe(2)
    // Empty namespaces come with the first server_stats (every 2 s), and the server row with them.
    await until(() => server.rows.some(r => r.kind === 'namespace' && r.name === '/namespace2'), 'server_stats', 5000)
    expect(server.rows[0].kind).toBe('server')
    expect(server.rows.filter(r => r.kind === 'namespace').map(r => r.kind === 'namespace' && r.name)).toEqual(['/', '/admin', '/namespace1', '/namespace2'])

    sessions.emit(tab1, 'enter', ['room1'])
    await until(() => server.rows.some(r => r.kind === 'socket' && r.room === 'room1' && r.id === id1), 'tab 1 under room1')
    sessions.emit(tab1, 'leave', ['room1'])
    await until(() => !server.rows.some(r => r.kind === 'room' && r.name === 'room1'), 'room1 to go')

    // An action from the server view, with its result.
    const res = await server.join('/namespace1', 'vip', id2)
    expect(res).toMatchObject({ ok: true, observed: true })
    expect(server.lastAction?.result.ok).toBe(true)
    expect((await demo.io.of('/namespace1').in('vip').fetchSockets()).map(s => s.id)).toEqual([id2])
    await until(() => server.rows.some(r => r.kind === 'socket' && r.room === 'vip' && r.id === id2), 'tab 2 under vip')

    // Collapsing a room hides its sockets; the choice sticks across batches.
    const vip = server.rows.find(r => r.kind === 'room' && r.name === 'vip')!
    server.toggle(vip)
    await until(() => !server.rows.some(r => r.kind === 'socket' && r.room === 'vip'), 'vip to close')
    expect(server.rows.find(r => r.kind === 'room' && r.name === 'vip')).toMatchObject({ expanded: false })

    // The details panel's socket info comes from the host's model (asked for on first read).
    expect(server.socketInfo('/namespace1', id2)).toBeUndefined()
    const info = await until(() => server.socketInfo('/namespace1', id2), 'the socket\'s info')
    expect([...info.rooms]).toContain('vip')
    // Revealing a socket from the feed opens its room again and names its row.
    const key = await server.revealSocket('/namespace1', id2)
    expect(key).toBeDefined()
    expect(server.rows.some(r => r.key === key)).toBe(true)
    // In Node there is no Worker: the same host runs in the page (the inline transport).
    expect(server.transport).toBe('inline')
    server.disconnect()
    await until(() => server.status === 'disconnected', 'the disconnect')
  })

  it('reports wrong credentials', async () => {
    const server = useServerStore()
    server.url = demo.url
    server.password = 'wrong'
    await server.connect()
    expect(server.status).toBe('error')
    expect(server.error?.kind).toBe('auth')
  })
})
