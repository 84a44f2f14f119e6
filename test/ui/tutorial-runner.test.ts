/**
 * The tutorial's Run buttons, without a page: the runner drives real core sessions (the same `Inspector`
 * the sessions store wraps) against the real demo server, and each step must leave the state it promises.
 */
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { TutorialHost } from '../../inspector-ui/src/tutorial/runner'
import type { StepId } from '../../inspector-ui/src/tutorial/steps'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { runStep } from '../../inspector-ui/src/tutorial/runner'
import { STEPS, TUTORIAL_TABS } from '../../inspector-ui/src/tutorial/steps'
import { Inspector } from '../../src/core'

function hostOf(inspector: Inspector): TutorialHost {
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

  it('has 11 steps with English and Korean text', () => {
    expect(STEPS).toHaveLength(11)
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
    for (const step of STEPS) await run(step.id)
  }, 60_000)
})
