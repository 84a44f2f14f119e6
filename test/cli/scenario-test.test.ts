/**
 * `socketio-inspector test`, run as a child process from the sources (as users run it), against real demo
 * servers on 127.0.0.1: a capture of the tutorial's rooms flow (two sessions recorded with the core) replays
 * green against the demo server, red against one whose behaviour changed (an ack field's type, a missing
 * broadcast), and a damaged file is refused (exit 2). The scenario exported as a Vitest file runs with this
 * repository's vitest, green and red the same way.
 */
import type { LogEntry, Scenario, SessionSource } from '#core'
import type { StartedDemoServer } from '../../demo-server/src/start'
import type { FileReport } from '../../src/cli/test'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { createSessionSource, EventLog, exportLog, parseScenario, scenarioToVitest } from '#core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../demo-server/src/start'
import { formatDefault, formatJson, formatJunit, xmlEscape } from '../../src/cli/test'
import { startNothingListening } from '../fixtures/broken-servers'
import { killAllCli, ROOT, runCli } from './cli-process'

const dir = mkdtempSync(join(tmpdir(), 'sio-cli-test-'))
/** The generated Vitest file runs from under the repository, so `socket.io-client` and `vitest` resolve. */
const VITEST_DIR = join(ROOT, 'test', '.tmp-vitest-export')
let demo: StartedDemoServer
let other: StartedDemoServer
let changed: StartedDemoServer
let capturePath: string

/** Wait (at most 5 s) until the log holds an entry that `test` accepts. */
async function until(log: EventLog, test: (e: LogEntry) => boolean, what: string): Promise<void> {
  const end = performance.now() + 5000
  while (performance.now() < end) {
    log.flush()
    for (const e of log) {
      if (test(e))
        return
    }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  throw new Error(`recording: no ${what} within 5 s`)
}

/**
 * Record the tutorial's rooms flow with two core sessions: A and B `enter` room1, A `chat:room` (B gets
 * `chat`), A `list:room`; each step waits for what it causes, so the recording's order is the server's.
 */
async function recordRoomsFlow(url: string): Promise<string> {
  const log = new EventLog()
  const a = createSessionSource({ url: `${url}/`, reconnection: false }, { log, id: 'A' })
  const b = createSessionSource({ url: `${url}/`, reconnection: false }, { log, id: 'B' })
  const has = (session: string, kind: string, name?: string, direction = 'in') => (e: LogEntry): boolean =>
    e.sessionId === session && e.kind === kind && (name === undefined || ('name' in e && e.name === name)) && (!('direction' in e) || e.direction === direction)
  const ack = (s: SessionSource, name: string, args: unknown[]): string => {
    const r = s.emit(name, args, { ack: true, ackTimeoutMs: 5000 })
    if (!r.ok || !r.correlationId)
      throw new Error(`recording: ${name} not sent`)
    return r.correlationId
  }
  const acked = (id: string) => (e: LogEntry): boolean => e.kind === 'ack' && e.direction === 'in' && e.correlationId === id
  try {
    a.connect()
    await until(log, has('A', 'event', 'welcome'), 'welcome for A')
    b.connect()
    await until(log, has('B', 'event', 'welcome'), 'welcome for B')
    await until(log, has('A', 'event', 'presence'), 'presence joined for A')
    await until(log, acked(ack(a, 'enter', ['room1'])), 'enter ack for A')
    const bEnter = ack(b, 'enter', ['room1'])
    await until(log, acked(bEnter), 'enter ack for B')
    await until(log, e => has('A', 'event', 'presence')(e) && e.kind === 'event' && (e.args[0] as { action?: string } | null)?.action === 'enter', 'presence enter for A')
    await until(log, acked(ack(a, 'chat:room', ['room1', 'hello room'])), 'chat:room ack')
    await until(log, has('B', 'event', 'chat'), 'chat for B')
    await until(log, acked(ack(a, 'list:room', ['room1'])), 'list:room ack')
    // Exported before anyone leaves: the others' `presence left` is not part of the flow.
    return exportLog(log, [a.snapshot(), b.snapshot()])
  }
  finally {
    a.dispose()
    b.dispose()
  }
}

/**
 * A rough XML check: after the declaration, tags nest and close, attribute values are quoted without `<`,
 * and text holds no `<` and only the five entities or character references.
 */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '')
  const stack: string[] = []
  const tag = /<(\/?)([A-Z_][\w.-]*)((?:\s+[A-Z_][\w.-]*="[^"<]*")*)\s*(\/?)>/gi
  let last = 0
  for (const m of body.matchAll(tag)) {
    const text = body.slice(last, m.index)
    if (/</.test(text) || /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(text))
      return false
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(m[3]))
      return false
    last = m.index + m[0].length
    if (m[1]) {
      if (stack.pop() !== m[2])
        return false
    }
    else if (!m[4]) {
      stack.push(m[2])
    }
  }
  return stack.length === 0 && body.slice(last).trim() === ''
}

beforeAll(async () => {
  ;[demo, other, changed] = await Promise.all([0, 1, 2].map(() => startDemoServer({ port: 0, log: () => {} })))
  // The changed server: the demo server, except that `list:room` acks a count instead of the id list, and
  // `chat:room` acks without broadcasting (socket middleware runs before the demo's handlers).
  changed.io.of('/').on('connection', (socket) => {
    socket.use((packet, next) => {
      const [name, ...args] = packet as [string, ...unknown[]]
      const callback = args.at(-1)
      if (name === 'list:room' && typeof callback === 'function') {
        packet[packet.length - 1] = (answer: { sockets?: unknown[] }) => callback({ ...answer, sockets: answer.sockets?.length ?? 0 })
      }
      else if (name === 'chat:room' && typeof callback === 'function') {
        callback({ ok: true, delivered: 1 })
        return
      }
      next()
    })
  })
  capturePath = join(dir, 'rooms.json')
  writeFileSync(capturePath, await recordRoomsFlow(demo.url))
})
afterEach(() => killAllCli())
afterAll(async () => {
  killAllCli()
  await Promise.all([demo, other, changed].map(s => s?.close()))
  rmSync(dir, { recursive: true, force: true })
  rmSync(VITEST_DIR, { recursive: true, force: true })
})

describe('socketio-inspector test (tsx)', () => {
  it('replays the recorded rooms flow against the demo server: every step passes, exit 0', async () => {
    const run = await runCli('tsx', ['test', capturePath, '--fast'], { timeoutMs: 60_000 })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('✓ #1 connect')
    expect(run.stdout).toMatch(/✓ #\d+ expect-event chat \(B\)/)
    expect(run.stdout).toMatch(/✓ #\d+ expect-ack list:room \(A\)/)
    expect(run.stdout).not.toContain('✗')
    expect(run.stdout).toMatch(/1 file: \d+ steps passed, 0 failed\n$/)
  })

  it('fails against a server whose behaviour changed, with the diff, and writes a JUnit report', async () => {
    const report = join(dir, 'r.xml')
    const run = await runCli('tsx', ['test', capturePath, '--url', changed.url, '--reporter', 'junit', '--out', report, '--fast'], { timeoutMs: 60_000 })
    expect(run.code).toBe(1)
    // The human report on stdout: the failing steps with what differs.
    expect(run.stdout).toMatch(/✗ #\d+ expect-event chat \(B\)[^\n]*\n {6}missing event "chat"/)
    expect(run.stdout).toMatch(/✗ #\d+ expect-ack list:room \(A\)[^\n]*\n {6}list:room ack: \$\[0\]\.sockets expected array, got number 2/)
    const xml = readFileSync(report, 'utf8')
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true)
    // Roughly well-formed: one suite, one testcase per step, every element closed.
    const scenario = parseScenario(readFileSync(capturePath, 'utf8'))
    expect(xml.match(/<testsuite /g)).toHaveLength(1)
    expect(xml.match(/<testcase /g)).toHaveLength(scenario.steps.length)
    expect(xml.match(/<testcase [^>]*\/>|<testcase [^>]*>[\s\S]*?<\/testcase>/g)).toHaveLength(scenario.steps.length)
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true)
    expect(wellFormed(xml)).toBe(true)
    const failures = xml.match(/<failure message="[^"]*"/g) ?? []
    expect(failures).toHaveLength(2)
    expect(xml).toContain('<failure message="list:room ack: $[0].sockets expected array, got number 2"')
    expect(xml).toContain('<failure message="missing event &quot;chat&quot;"')
    expect(xml).toMatch(new RegExp(`<testsuite name="[^"]*" tests="${scenario.steps.length}" failures="2"`))
  })

  it('replays against another demo server with --url (json reporter), exit 0', async () => {
    // Without --fast: the emits keep their recorded spacing.
    const run = await runCli('tsx', ['test', capturePath, '--url', other.url, '--reporter', 'json'], { timeoutMs: 60_000 })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as { ok: boolean, files: { ok: boolean, steps: { status: string, kind: string }[] }[] }
    expect(report.ok).toBe(true)
    expect(report.files[0].steps.length).toBeGreaterThan(5)
    expect(report.files[0].steps.every(s => s.status === 'pass')).toBe(true)
  })

  it('stops at the first failing step with --bail: the rest is reported as not run', async () => {
    const run = await runCli('tsx', ['test', capturePath, capturePath, '--url', changed.url, '--bail', '--fast'], { timeoutMs: 60_000 })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/✗ #\d+ expect-event chat \(B\)/)
    expect(run.stdout).not.toContain('list:room ack: $[0].sockets')
    expect(run.stdout).toMatch(/- #\d+ expect-ack list:room \(A\) \(not run\)/)
    expect(run.stdout).toContain('2 files (1 failed): ')
  })

  it('fails (exit 1) with the diagnosis when nothing answers at the URL', async () => {
    const nothing = await startNothingListening()
    const run = await runCli('tsx', ['test', capturePath, '--url', nothing.url, '--bail'], { timeoutMs: 60_000 })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`Cannot connect to ${nothing.url}`)
    expect(run.stderr).toMatch(/Nothing answers/i)
    expect(run.stdout).toContain('✗ #1 connect')
  })

  it('refuses a damaged scenario file (exit 2) with the line or field, and connects nowhere', async () => {
    const scenario = parseScenario(readFileSync(capturePath, 'utf8'))
    const damaged = join(dir, 'damaged.json')
    const broken = JSON.parse(JSON.stringify(scenario)) as Scenario & { steps: Record<string, unknown>[] }
    const withArgs = broken.steps.findIndex(step => 'args' in step)
    broken.steps[withArgs].args = 'not an array'
    writeFileSync(damaged, JSON.stringify(broken, null, 2))
    const run = await runCli('tsx', ['test', capturePath, damaged])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`socketio-inspector test: ${damaged}: `)
    expect(run.stderr).toContain(`steps[${withArgs}].args`)

    const badJson = join(dir, 'bad.json')
    writeFileSync(badJson, '{\n  "format": "sio-inspector-scenario",\n  "version": 1,\n  "steps": [,]\n}\n')
    const second = await runCli('tsx', ['test', badJson])
    expect(second.code).toBe(2)
    expect(second.stderr).toMatch(/bad\.json: line 4: invalid JSON/)

    const missing = await runCli('tsx', ['test', join(dir, 'nope.json')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('nope.json: no such file')
  })

  it('reports usage errors with exit 2', async () => {
    const none = await runCli('tsx', ['test'])
    expect(none.code).toBe(2)
    const reporter = await runCli('tsx', ['test', capturePath, '--reporter', 'tap'])
    expect(reporter.code).toBe(2)
    expect(reporter.stderr).toContain('--reporter')
    const out = await runCli('tsx', ['test', capturePath, '--reporter', 'junit', '--out', join(dir, 'no-such-folder', 'r.xml')])
    expect(out.code).toBe(2)
    expect(out.stderr).toMatch(/--out .*does not exist/)
  })
})

describe('the scenario as a Vitest file', () => {
  /** Run this repository's vitest on the generated file, as a user's project would. */
  function runVitest(file: string, env: Record<string, string>): Promise<{ code: number | null, output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', file, '--root', VITEST_DIR, '--config', join(VITEST_DIR, 'vitest.config.mjs')], {
        cwd: VITEST_DIR,
        env: { ...process.env, NO_COLOR: '1', CI: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout.on('data', (d: Buffer) => void (output += d.toString()))
      child.stderr.on('data', (d: Buffer) => void (output += d.toString()))
      const killer = setTimeout(() => child.kill('SIGKILL'), 90_000)
      child.once('close', (code) => {
        clearTimeout(killer)
        resolve({ code, output })
      })
    })
  }

  it('passes against the demo server and fails against the changed one', async () => {
    mkdirSync(VITEST_DIR, { recursive: true })
    // A project of its own: without a config here, vitest would take this repository's.
    writeFileSync(join(VITEST_DIR, 'vitest.config.mjs'), 'export default { test: { include: [\'*.test.ts\'] } }\n')
    const scenario = parseScenario(readFileSync(capturePath, 'utf8'))
    const source = scenarioToVitest({ ...scenario, name: 'rooms flow' })
    expect(source).toContain('from \'socket.io-client\'')
    expect(source).not.toMatch(/from '[^']*(src\/core|socketio-inspector)[^']*'/)
    writeFileSync(join(VITEST_DIR, 'rooms.test.ts'), source)

    const green = await runVitest('rooms.test.ts', { SCENARIO_FAST: '1' })
    expect(green.output).toMatch(/Tests\s+\d+ passed/)
    expect(green.code).toBe(0)

    const red = await runVitest('rooms.test.ts', { SCENARIO_FAST: '1', SCENARIO_URL: changed.url })
    expect(red.code).toBe(1)
    expect(red.output).toContain('list:room ack: $[0].sockets expected array, got number 2')
    expect(red.output).toContain('missing event "chat"')
  }, 180_000)
})

describe('reporters', () => {
  const scenario: Scenario = {
    format: 'sio-inspector-scenario',
    version: 1,
    name: 'a <b> & "c"',
    allowanceMs: 5000,
    sessions: [{ id: 's1', label: 'A', url: 'http://127.0.0.1:1/', options: {} }],
    steps: [
      { kind: 'connect', session: 's1' },
      { kind: 'emit', session: 's1', name: 'order:create', args: [{}], ack: true, atMs: 5 },
      { kind: 'expect-ack', session: 's1', name: 'order:create', args: [{ id: 1 }], atMs: 9 },
      { kind: 'expect-event', session: 's1', name: 'done', args: [], atMs: 12 },
    ],
  }
  const report: FileReport = {
    file: 'orders.json',
    scenario,
    durationMs: 40,
    result: {
      ok: false,
      steps: [
        { index: 0, status: 'pass', ms: 0 },
        { index: 1, status: 'pass', ms: 5, recordedMs: 5 },
        { index: 2, status: 'fail', ms: 11, recordedMs: 9, message: 'order:create ack: $[0].id expected number, got string "42"; $[0].received missing' },
      ],
    },
  }

  it('default: ✓ and ✗ per step, the diff under a failing step, skipped steps and a summary', () => {
    const text = formatDefault([report])
    expect(text).toContain('orders.json — a <b> & "c"\n  ✓ #1 connect http://127.0.0.1:1/ (A) 0 ms\n')
    expect(text).toContain('  ✗ #3 expect-ack order:create (A) 11 ms (recorded 9 ms)\n      order:create ack: $[0].id expected number, got string "42"\n      $[0].received missing\n')
    expect(text).toContain('  - #4 expect-event done (A) (not run)')
    expect(text).toContain('1 file (1 failed): 2 steps passed, 1 failed, 1 not run')
  })

  it('junit: escaped names and messages, one testcase per step, skipped for steps not run', () => {
    const xml = formatJunit([report])
    expect(xml).toContain('<testsuite name="orders.json — a &lt;b&gt; &amp; &quot;c&quot;" tests="4" failures="1" errors="0" skipped="1"')
    expect(xml.match(/<testcase /g)).toHaveLength(4)
    expect(xml).toContain('<failure message="order:create ack: $[0].id expected number, got string &quot;42&quot;; $[0].received missing" type="mismatch">')
    expect(xml).toContain('<skipped message="not run"/>')
    expect(wellFormed(xml)).toBe(true)
    expect(xmlEscape('a\u0001b\n<')).toBe('a\\u0001b&#10;&lt;')
  })

  it('json: each step with its kind, status, timing and message', () => {
    const json = JSON.parse(formatJson([report])) as { ok: boolean, files: { steps: Record<string, unknown>[] }[] }
    expect(json.ok).toBe(false)
    expect(json.files[0].steps[2]).toEqual({ index: 2, kind: 'expect-ack', session: 's1', name: 'order:create', status: 'fail', ms: 11, recordedMs: 9, message: report.result!.steps[2].message })
    expect(json.files[0].steps[3]).toMatchObject({ status: 'pending' })
  })
})
