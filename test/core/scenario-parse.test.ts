import type { Scenario, ScenarioStep } from '#core'
import { exportNdjson, hoistConnects, parseScenario, retarget, SCENARIO_FORMAT, ScenarioError, stringifyScenario } from '#core'
import { describe, expect, it } from 'vitest'

function good(): Scenario {
  return {
    format: SCENARIO_FORMAT,
    version: 1,
    name: 'orders',
    allowanceMs: 3000,
    sessions: [{ id: 'a', label: 'A', url: 'http://127.0.0.1:3000/orders', options: { path: '/socket.io', transports: ['websocket'] } }],
    steps: [
      { kind: 'connect', session: 'a' },
      { kind: 'emit', session: 'a', name: 'order:create', args: [{ item: 'x', bin: new Uint8Array([1, 2]) }], ack: true, atMs: 10 },
      { kind: 'expect-ack', session: 'a', name: 'order:create', args: [{ id: 1, received: true }], atMs: 20, rules: [{ path: '$[0].id', rule: 'regex', pattern: '^\\d+$' }, { path: '$[0].received', rule: 'exact', value: true }] },
      { kind: 'expect-event', session: 'a', name: 'quiz', args: [{ q: '?' }], atMs: 30, rules: [{ path: '$[0].q', rule: 'oneOf', values: ['?', '!'] }, { path: '$[0].t', rule: 'ignore' }] },
      { kind: 'answer', session: 'a', name: 'quiz', args: ['42'] },
    ],
  }
}

function refusal(text: string): string {
  try {
    parseScenario(text)
  }
  catch (err) {
    expect(err).toBeInstanceOf(ScenarioError)
    return (err as Error).message
  }
  throw new Error('parseScenario accepted it')
}

/** The good scenario as a file, with one change made to its parsed JSON. */
function damaged(change: (raw: any) => void): string {
  const raw = JSON.parse(stringifyScenario(good()))
  change(raw)
  return JSON.stringify(raw, null, 2)
}

describe('parseScenario', () => {
  it('reads a scenario file back whole (binary too) and defaults allowanceMs', () => {
    expect(parseScenario(stringifyScenario(good()))).toEqual(good())
    expect(parseScenario(damaged(r => delete r.allowanceMs)).allowanceMs).toBe(5000)
    expect(parseScenario(`\uFEFF${stringifyScenario(good())}`).name).toBe('orders')
  })

  it('refuses bad JSON naming the line', () => {
    const text = stringifyScenario(good()).split('\n')
    text[3] = `${text[3]} oops`
    expect(refusal(text.join('\n'))).toMatch(/^line 4: invalid JSON \(/)
    expect(refusal('{\n  "format": "sio-inspector-scenario",\n')).toMatch(/^line 2: invalid JSON/)
    expect(refusal('')).toBe('empty file: not a scenario or capture')
  })

  it('refuses another format and another version', () => {
    expect(refusal('{"format":"something-else"}')).toBe('not a scenario or capture: "format" must be "sio-inspector-scenario" (or a capture\'s "sio-inspector")')
    expect(refusal('[1,2]')).toMatch(/^not a scenario or capture/)
    expect(refusal(damaged(r => (r.version = 2)))).toBe('version must be 1, got 2 (this inspector reads scenario version 1)')
  })

  it('names the field of a damaged step, session or rule', () => {
    const cases: [(raw: any) => void, string][] = [
      [r => (r.steps[3].args = 'x'), 'steps[3].args must be an array'],
      [r => delete r.steps[1].name, 'steps[1].name must be a non-empty string'],
      [r => (r.steps[1].ack = 'yes'), 'steps[1].ack must be true or false'],
      [r => (r.steps[2].atMs = -1), 'steps[2].atMs must be a number of ms (0 or more)'],
      [r => (r.steps[2].kind = 'wait'), 'steps[2].kind must be one of "connect", "emit", "answer", "expect-event", "expect-ack"'],
      [r => (r.steps[2].session = 'z'), 'steps[2].session "z" is not one of the scenario\'s sessions'],
      [r => r.steps.shift(), 'steps[0]: session "a" is used before its connect step'],
      [r => (r.steps[2].rules[0].rule = 'like'), 'steps[2].rules[0].rule must be one of "exact", "regex", "oneOf", "ignore"'],
      [r => (r.steps[2].rules[0].pattern = '('), 'steps[2].rules[0].pattern is not a valid regular expression'],
      [r => (r.steps[3].rules[0].values = 'x'), 'steps[3].rules[0].values must be an array (rule "oneOf")'],
      [r => (r.steps[2].rules[1].path = 'id'), 'steps[2].rules[1].path must be a JSON path starting with "$" (e.g. "$[0].id")'],
      [r => (r.steps = {}), 'steps must be an array'],
      [r => (r.sessions[0].url = 'ftp://x'), 'sessions[0].url must be http(s) or ws(s), got "ftp:"'],
      [r => (r.sessions[0].url = 'not a url'), 'sessions[0].url is not a valid URL: "not a url"'],
      [r => (r.sessions[0].options = []), 'sessions[0].options must be an object'],
      [r => r.sessions.push({ ...r.sessions[0] }), 'sessions[1].id "a" is used by an earlier session'],
      [r => (r.sessions = []), 'sessions must name at least one session'],
      [r => (r.allowanceMs = 0), 'allowanceMs must be a number of ms above 0'],
      [r => (r.name = 3), 'name must be a string'],
    ]
    for (const [change, message] of cases)
      expect(refusal(damaged(change)).startsWith(message), `${message} ← ${refusal(damaged(change))}`).toBe(true)
  })

  it('reads a plain capture (JSON or NDJSON) as a scenario with the default rules', () => {
    const header = { id: 's1', label: 'A', url: 'http://127.0.0.1:3000', namespace: '/', status: 'disconnected', readonly: false, socketId: undefined, engineId: undefined, transport: undefined, reconnectAttempt: 0, lastError: undefined, idHistory: [], pendingServerAcks: [] }
    const base = { sessionId: 's1', time: 0 }
    const entries = [
      { ...base, id: 1, mono: 100, kind: 'connecting', direction: 'local', url: 'http://127.0.0.1:3000', namespace: '/' },
      { ...base, id: 2, mono: 110, kind: 'connect', direction: 'local', socketId: 'x', engineId: 'e', transport: 'polling', recovered: false },
      { ...base, id: 3, mono: 150, kind: 'event', direction: 'out', name: 'ping:me', args: [1], correlationId: 's1.o1', bytes: 10 },
      { ...base, id: 4, mono: 160, kind: 'ack', direction: 'in', name: 'ping:me', correlationId: 's1.o1', args: [{ ok: true }], latencyMs: 10, timedOut: false, bytes: 10 },
    ]
    const nd = exportNdjson(entries as never, [header as never])
    const s = parseScenario(nd)
    expect(s.steps).toEqual([
      { kind: 'connect', session: 's1' },
      { kind: 'emit', session: 's1', name: 'ping:me', args: [1], ack: true, atMs: 40 },
      { kind: 'expect-ack', session: 's1', name: 'ping:me', args: [{ ok: true }], atMs: 50 },
    ])
    expect(s.sessions).toEqual([{ id: 's1', label: 'A', url: 'http://127.0.0.1:3000', options: {} }])
    // A damaged capture is refused with the capture reader's message.
    expect(refusal(nd.replace('"ping:me","args":[1]', '"ping:me","args":7'))).toMatch(/^not a readable capture: entry 3 \(line 4\): /)
  })
})

describe('retarget (--url)', () => {
  it('keeps the recorded namespace and query unless the new URL has its own', () => {
    expect(retarget('http://127.0.0.1:3000/namespace1', undefined)).toBe('http://127.0.0.1:3000/namespace1')
    expect(retarget('http://127.0.0.1:3000/namespace1', 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/namespace1')
    expect(retarget('http://127.0.0.1:3000/namespace1', 'http://127.0.0.1:4000/')).toBe('http://127.0.0.1:4000/namespace1')
    expect(retarget('http://127.0.0.1:3000/namespace1', 'http://127.0.0.1:4000/namespace2')).toBe('http://127.0.0.1:4000/namespace2')
    expect(retarget('http://127.0.0.1:3000?x=1', 'https://example.test')).toBe('https://example.test?x=1')
    expect(retarget('http://127.0.0.1:3000', 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000')
  })
})

describe('hoistConnects', () => {
  it('moves a connect up past other sessions\' expectations, never past an emit, an answer or its own session', () => {
    const steps: ScenarioStep[] = [
      { kind: 'connect', session: 'A' },
      { kind: 'emit', session: 'A', name: 'enter', args: ['r'], ack: true, atMs: 5 },
      { kind: 'expect-ack', session: 'A', name: 'enter', args: [{}], atMs: 6 },
      // B's presence reached A's log before B's own `connecting` streamed in (a relayed B).
      { kind: 'expect-event', session: 'A', name: 'presence', args: [{}], atMs: 40 },
      { kind: 'connect', session: 'B' },
      { kind: 'expect-event', session: 'B', name: 'welcome', args: [{}], atMs: 1 },
    ]
    expect(hoistConnects(steps).map(s => `${s.kind} ${s.session}`)).toEqual([
      'connect A',
      'emit A',
      'connect B',
      'expect-ack A',
      'expect-event A',
      'expect-event B',
    ])
  })
})
