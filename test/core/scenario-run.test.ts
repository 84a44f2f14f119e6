import type { Scenario } from '#core'
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { RoomsServer } from './fixtures/scenario-rooms'
import { createSessionSource, EventLog, exportLog, parseScenario, runScenario, scenarioFromCapture, stringifyScenario } from '#core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { recordRoomsFlow, startRoomsServer } from './fixtures/scenario-rooms'
import { waitForEntry } from './fixtures/servers'

let demo: StartedDemoServer
let demoUrl: string
let capture: string
let scenario: Scenario

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, log: () => {} })
  demoUrl = `http://127.0.0.1:${demo.port}`
  capture = await recordRoomsFlow(demoUrl)
  scenario = scenarioFromCapture(capture, { name: 'rooms flow' })
})
afterAll(async () => {
  await demo.close()
})

const summary = (s: Scenario): string[] => s.steps.map(st => `${st.session} ${st.kind}${'name' in st ? ` ${st.name}` : ''}`)

describe('scenarioFromCapture (a real capture of the rooms flow)', () => {
  it('reads every session\'s connect, emits, events and acks in the recorded order, connects ahead of other sessions\' expectations', () => {
    expect(scenario.sessions.map(s => [s.id, s.label, s.url])).toEqual([['A', 'A', demoUrl], ['B', 'B', demoUrl]])
    // Steps that raced in the recording (two sessions' entries a moment apart) are compared as a set.
    const got = summary(scenario)
    const racing = (from: number): string[] => got.slice(from, from + 2).sort()
    expect([...got.slice(0, 3), racing(3), ...got.slice(5, 8), racing(8), got[10], racing(11), ...got.slice(13)]).toEqual([
      'A connect',
      // B's connect comes up past A's expectations (hoistConnects): only emits and answers keep it back.
      'B connect',
      'A expect-event welcome',
      ['A expect-event presence', 'B expect-event welcome'],
      'A emit enter',
      'A expect-ack enter',
      'B emit enter',
      ['A expect-event presence', 'B expect-ack enter'],
      'A emit chat:room',
      ['A expect-ack chat:room', 'B expect-event chat'],
      'A emit list:room',
      'A expect-ack list:room',
    ])
    const chat = scenario.steps.find(s => s.kind === 'emit' && s.name === 'chat:room')
    expect(chat).toMatchObject({ args: ['room1', 'hello room'], ack: true })
    expect(scenario.allowanceMs).toBe(5000)
    expect(scenario.name).toBe('rooms flow')
  })

  it('a selection of sessions keeps only theirs', () => {
    const onlyB = scenarioFromCapture(capture, { sessionIds: ['B'] })
    expect(onlyB.sessions.map(s => s.id)).toEqual(['B'])
    expect(onlyB.steps.every(s => s.session === 'B')).toBe(true)
  })

  it('round-trips through the scenario file format', () => {
    expect(parseScenario(stringifyScenario(scenario))).toEqual(scenario)
    // A plain capture is a scenario with the default rules.
    expect(parseScenario(capture).steps).toEqual(scenario.steps)
  })
})

describe('runScenario', () => {
  it('replays green against the demo server it was recorded on', async () => {
    const seen: string[] = []
    const r = await runScenario(scenario, { onStep: s => seen.push(`${s.index}:${s.status}`) })
    expect(r.steps.filter(s => s.status !== 'pass')).toEqual([])
    expect(r.ok).toBe(true)
    expect(r.error).toBeUndefined()
    expect(seen.slice(0, 2)).toEqual(['0:running', '0:pass'])
    for (const s of r.steps.filter(s => scenario.steps[s.index].kind.startsWith('expect')))
      expect(typeof s.ms === 'number' && typeof s.recordedMs === 'number').toBe(true)
  })

  it('replays green against another demo server with `url`, and with `fast`', async () => {
    const other = await startDemoServer({ port: 0, log: () => {} })
    try {
      const r = await runScenario(scenario, { url: `http://127.0.0.1:${other.port}`, fast: true })
      expect(r.steps.filter(s => s.status !== 'pass')).toEqual([])
      expect(r.ok).toBe(true)
    }
    finally {
      await other.close()
    }
  })

  describe('against a server whose behaviour changed', () => {
    const servers: RoomsServer[] = []
    afterAll(async () => {
      await Promise.all(servers.map(s => s.close()))
    })
    async function against(change: Parameters<typeof startRoomsServer>[0]): Promise<{ failed: { step: string, message?: string }[], ok: boolean }> {
      const server = await startRoomsServer(change)
      servers.push(server)
      // A short allowance: a missing event fails after it.
      const r = await runScenario({ ...scenario, allowanceMs: 1000 }, { url: server.url, fast: true })
      const failed = r.steps.filter(s => s.status === 'fail').map(s => ({ step: summary(scenario)[s.index], message: s.message }))
      return { failed, ok: r.ok }
    }

    it('the unchanged stand-in replays green (so the red runs below are about the change)', async () => {
      expect(await against({})).toEqual({ failed: [], ok: true })
    })

    it('an ack field whose type changed', async () => {
      const r = await against({ enterRoomsAsString: true })
      expect(r.ok).toBe(false)
      expect(r.failed).toEqual([
        { step: 'A expect-ack enter', message: 'enter ack: $[0].rooms expected array, got string "room1"' },
        { step: 'B expect-ack enter', message: 'enter ack: $[0].rooms expected array, got string "room1"' },
      ])
    })

    it('a missing broadcast', async () => {
      const r = await against({ noBroadcast: true })
      expect(r.failed).toEqual([{ step: 'B expect-event chat', message: 'missing event "chat"' }])
    })

    it('an extra event', async () => {
      const r = await against({ extraEvent: true })
      expect(r.failed).toEqual([{ step: expect.stringMatching(/^A /), message: 'unexpected event "debug"' }])
    })
  })

  it('a server that is not there is a connection failure', async () => {
    const gone = await startRoomsServer()
    await gone.close()
    const r = await runScenario(scenario, { url: gone.url })
    expect(r.ok).toBe(false)
    expect(r.error?.kind).toBe('connection')
    expect(r.error?.message).toMatch(new RegExp(`^cannot connect session "A" to ${gone.url.replace(/\./g, '\\.')}: `))
    expect(r.steps[0].status).toBe('fail')
    expect(r.steps.slice(1).every(s => s.status === 'pending')).toBe(true)
  })

  it('an invalid --url is a connection failure, not a throw', async () => {
    const r = await runScenario(scenario, { url: 'not a url' })
    expect(r.ok).toBe(false)
    expect(r.error?.message).toMatch(/^cannot connect session "A" to not a url: /)
  })

  it('bail stops at the first failing step', async () => {
    const server = await startRoomsServer({ enterRoomsAsString: true })
    try {
      const r = await runScenario(scenario, { url: server.url, fast: true, bail: true })
      const firstFail = r.steps.findIndex(s => s.status === 'fail')
      expect(summary(scenario)[firstFail]).toBe('A expect-ack enter')
      expect(r.steps.slice(firstFail + 1).every(s => s.status === 'pending')).toBe(true)
    }
    finally {
      await server.close()
    }
  })

  it('answers the server\'s ack request as recorded, and a pinned value holds', async () => {
    const log = new EventLog()
    const q = createSessionSource({ url: demoUrl, label: 'Q' }, { log, id: 'Q' })
    let text: string
    try {
      q.connect()
      await waitForEntry(log, e => e.kind === 'connect')
      q.emit('quiz:start', [], { ack: true })
      const ask = await waitForEntry(log, e => e.kind === 'event' && e.name === 'quiz')
      q.answerAck((ask as { correlationId: string }).correlationId, ['42'])
      await waitForEntry(log, e => e.kind === 'event' && e.name === 'quiz:result')
      await new Promise(resolve => setTimeout(resolve, 20))
      text = exportLog([...log], [q.snapshot()])
    }
    finally {
      q.dispose()
    }
    const quiz = scenarioFromCapture(text)
    expect(quiz.steps.map(st => `${st.kind}${'name' in st ? ` ${st.name}` : ''}`)).toEqual([
      'connect',
      'expect-event welcome',
      'emit quiz:start',
      'expect-ack quiz:start',
      'expect-event quiz',
      'answer quiz',
      'expect-event quiz:result',
    ])
    expect((await runScenario(quiz, { fast: true })).ok).toBe(true)
    // Pin `correct` to true and answer wrong: the shape still matches, the rule does not.
    const pinned: Scenario = {
      ...quiz,
      steps: quiz.steps.map(st => st.kind === 'answer'
        ? { ...st, args: ['41'] }
        : st.kind === 'expect-event' && st.name === 'quiz:result' ? { ...st, rules: [{ path: '$[0].correct', rule: 'exact', value: true }] } : st),
    }
    const r = await runScenario(pinned, { fast: true })
    expect(r.steps.filter(st => st.status === 'fail').map(st => st.message)).toEqual(['quiz:result: $[0].correct expected true, got boolean false'])
  })

  it('an abort signal stops the run', async () => {
    const ac = new AbortController()
    const r = await runScenario(scenario, { signal: ac.signal, onStep: (st) => {
      if (st.index === 2 && st.status === 'pass')
        ac.abort()
    } })
    expect(r.ok).toBe(false)
    expect(r.steps.slice(3).every(st => st.status === 'pending')).toBe(true)
  })
})
