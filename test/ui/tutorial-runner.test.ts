/**
 * The tutorial's Run buttons, without a page: the runner drives real core sessions (the same `Inspector`
 * the sessions store wraps) against the real demo server, and each step must leave the state it promises.
 */
import type { StartedDemoCluster } from '../../demo-server/src/cluster/start'
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { TutorialHost } from '../../inspector-ui/src/tutorial/runner'
import type { StepId } from '../../inspector-ui/src/tutorial/steps'
import { Inspector, SessionNodes } from '#core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoCluster } from '../../demo-server/src/cluster/start'
import { startDemoServer } from '../../demo-server/src/start'
import { clusterNodeSeen, clusterNodeUrl, runStep } from '../../inspector-ui/src/tutorial/runner'
import { STEPS, TUTORIAL_TABS } from '../../inspector-ui/src/tutorial/steps'
import { freePortRange } from '../fixtures/net-utils'

/** The sessions store's actions and the log store's `nodeOf`, over a bare `Inspector`. */
function hostOf(inspector: Inspector): TutorialHost {
  const nodes = new SessionNodes()
  inspector.log.subscribe((batch) => {
    for (const e of batch) nodes.note(e)
  })
  return {
    tabs: () => inspector.list().map(s => s.snapshot()),
    openSession: (options, opts) => {
      const s = inspector.createSession(options)
      if (opts?.connect ?? true)
        s.connect()
      return s.id
    },
    connect: id => inspector.get(id)?.connect(),
    disconnect: id => inspector.get(id)?.disconnect(),
    emit: (id, name, args, options) => inspector.get(id)?.emit(name, args, options) ?? { ok: false, error: 'no session' },
    answerAck: (id, c, args) => inspector.get(id)?.answerAck(c, args) ?? { ok: false, error: 'no session' },
    snapshotOf: id => inspector.get(id)?.snapshot(),
    log: inspector.log,
    nodeOf: id => nodes.get(id),
  }
}

describe('tutorial runner against the demo server', () => {
  let demo: StartedDemoServer
  let inspector: Inspector
  let host: TutorialHost

  beforeAll(async () => {
    demo = await startDemoServer({ port: 0, log: () => {}, bcryptRounds: 4 })
    inspector = new Inspector()
    host = hostOf(inspector)
  })
  afterAll(async () => {
    inspector?.dispose()
    await demo?.close()
  })

  const socketOf = (role: keyof typeof TUTORIAL_TABS) => host.tabs().find(t => t.label === TUTORIAL_TABS[role].label)
  const roomsOf = async (nsp: string, socketId: string | undefined) => {
    const s = (await demo.io.of(nsp).fetchSockets()).find(x => x.id === socketId)
    return s ? [...s.rooms].filter(r => r !== s.id).sort() : undefined
  }
  const run = async (id: StepId) => {
    const r = await runStep(id, { host, demoUrl: demo.url, quietMs: 200 })
    expect(r.error).toBeUndefined()
    expect(r.ok).toBe(true)
    for (const line of r.lines) expect(line.ok, `${line.label.en}: ${line.value}`).not.toBe(false)
    return r
  }

  it('has 12 steps with English and Korean text, the last one for a cluster', () => {
    expect(STEPS).toHaveLength(12)
    expect(STEPS.filter(s => s.needs === 'cluster').map(s => s.id)).toEqual(['cluster'])
    for (const s of STEPS) {
      for (const text of [s.title, s.run, s.leaves, ...s.body]) {
        expect(text.en.length).toBeGreaterThan(0)
        expect(text.ko).toMatch(/[\uAC00-\uD7A3]/)
      }
    }
  })

  it('step 1 connects tab A', async () => {
    await run('connect')
    const a = socketOf('A')!
    expect(a.status).toBe('connected')
    expect((await demo.io.of('/').fetchSockets()).map(s => s.id)).toContain(a.socketId)
  })

  it('step 2 connects tab B beside A', async () => {
    await run('second')
    expect(socketOf('B')?.status).toBe('connected')
    expect(socketOf('A')?.socketId).not.toBe(socketOf('B')?.socketId)
  })

  it('steps 3 and 4: broadcast skips the sender, direct reaches only B', async () => {
    const r3 = await run('broadcast')
    expect(r3.lines[0].value).toContain('"delivered":1')
    await run('direct')
  })

  it('step 5 keeps /namespace1 and /namespace2 apart', async () => {
    await run('namespaces')
    expect((await demo.io.of('/namespace1').fetchSockets()).map(s => s.id)).toContain(socketOf('C')?.socketId)
    expect((await demo.io.of('/namespace2').fetchSockets()).map(s => s.id)).toContain(socketOf('D')?.socketId)
  })

  it('step 6 leaves A and B in room1', async () => {
    await run('rooms')
    const members = (await demo.io.of('/').in('room1').fetchSockets()).map(s => s.id).sort()
    expect(members).toEqual([socketOf('A')!.socketId, socketOf('B')!.socketId].sort())
  })

  it('step 7 leaves A and B in no room', async () => {
    await run('leave')
    expect(await roomsOf('/', socketOf('A')?.socketId)).toEqual([])
    expect(await roomsOf('/', socketOf('B')?.socketId)).toEqual([])
  })

  it('step 8 lists room1 with B in it', async () => {
    const r = await run('lists')
    expect(await roomsOf('/', socketOf('B')?.socketId)).toEqual(['room1'])
    expect(r.lines.find(l => l.label.en === 'list:server')?.value).not.toContain('/admin')
  })

  it('step 9 shows both disconnect reasons and leaves A kicked, B back', async () => {
    const r = await run('disconnect')
    const values = r.lines.map(l => l.value)
    expect(values).toEqual(expect.arrayContaining(['io client disconnect', 'client namespace disconnect', 'io server disconnect', 'server namespace disconnect']))
    expect(socketOf('A')?.status).toBe('disconnected')
    expect(socketOf('B')?.status).toBe('connected')
  })

  it('step 10 runs acks both ways and answers the quiz right', async () => {
    const r = await run('acks')
    expect(r.lines.at(-1)?.value).toContain('"correct":true')
  })

  it('step 11 receives the v4 error event', async () => {
    const r = await run('v2')
    expect(r.lines[0].value).toContain('roomId')
    expect(r.lines[1].value).toContain('v4-demo')
    expect(await roomsOf('/', socketOf('A')?.socketId)).toEqual([])
  })

  it('every step can run again', async () => {
    for (const step of STEPS.filter(s => !s.needs)) await run(step.id)
  }, 60_000)

  it('a single demo server names no node, so the cluster step stays locked, and fails clearly if run', async () => {
    await run('connect')
    expect(socketOf('A')?.status).toBe('connected')
    expect(clusterNodeSeen(host, demo.url)).toBeUndefined()
    // Nothing listens on the node ports of a single server (port + 1, 2, 3), or something else does.
    const r = await runStep('cluster', { host, demoUrl: demo.url, quietMs: 50 })
    expect(r.ok).toBe(false)
    expect(r.error).toMatch(/npm run demo:cluster/)
  }, 60_000)
})

describe('tutorial cluster helpers', () => {
  it('puts node i of a cluster on the front door\'s port + i', () => {
    expect(clusterNodeUrl('http://localhost:3000', 1)).toBe('http://localhost:3001')
    expect(clusterNodeUrl('http://127.0.0.1:3000/', 3)).toBe('http://127.0.0.1:3003')
    expect(clusterNodeUrl('http://example.test', 2)).toBe('http://example.test:82')
    expect(clusterNodeUrl('http://[::1]:4000', 2)).toBe('http://[::1]:4002')
    expect(clusterNodeUrl('http://localhost:65535', 1)).toBeUndefined()
    expect(clusterNodeUrl('not a url', 1)).toBeUndefined()
  })
})

describe('tutorial runner against a demo cluster', () => {
  let cluster: StartedDemoCluster
  let inspector: Inspector
  let host: TutorialHost

  beforeAll(async () => {
    cluster = await startDemoCluster({ port: await freePortRange(3 + 1), nodes: 3 })
    inspector = new Inspector()
    host = hostOf(inspector)
  }, 90_000)
  afterAll(async () => {
    inspector?.dispose()
    await cluster?.close()
  })

  it('unlocks the cluster step once a tab\'s welcome names a node, then puts a tab on each node in one room and a room message crosses nodes', async () => {
    expect(clusterNodeSeen(host, cluster.url)).toBeUndefined()
    // Step 1 through the front door: the welcome names the node the tab landed on.
    expect((await runStep('connect', { host, demoUrl: cluster.url })).ok).toBe(true)
    await expect.poll(() => clusterNodeSeen(host, cluster.url)).toMatch(/^node-[123]$/)

    const r = await runStep('cluster', { host, demoUrl: cluster.url, quietMs: 100 })
    expect(r.error).toBeUndefined()
    for (const line of r.lines) expect(line.ok, `${line.label.en}: ${line.value}`).not.toBe(false)
    const tabs = (['N1', 'N2', 'N3'] as const).map(role => host.tabs().find(t => t.label === TUTORIAL_TABS[role].label)!)
    expect(tabs.map(t => t.url.replace(/\/$/, ''))).toEqual(cluster.nodes.map(n => n.url))
    expect(tabs.map(t => host.nodeOf(t.id))).toEqual(cluster.nodes.map(n => n.name))
    // The tabs on nodes 2 and 3 got node 1's room message; node 1 (the sender) did not.
    const chatsOf = (id: string) => [...inspector.log.range(1)].filter(e => e.kind === 'event' && e.direction === 'in' && e.name === 'chat' && e.sessionId === id)
    expect(chatsOf(tabs[1].id)).toHaveLength(1)
    expect(chatsOf(tabs[2].id)).toHaveLength(1)
    expect(chatsOf(tabs[0].id)).toHaveLength(0)
    // It can run again (the tabs are found again, already in the room).
    expect((await runStep('cluster', { host, demoUrl: cluster.url, quietMs: 100 })).ok).toBe(true)
  }, 90_000)
})
