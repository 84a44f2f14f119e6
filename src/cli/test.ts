/**
 * `socketio-inspector test <capture-or-scenario>... [--url URL] [--reporter default|junit|json] [--out FILE]
 * [--bail] [--fast]`: replay each file (a scenario, or a plain capture read with the default rules) with the
 * core's `runScenario` and report every step.
 *
 * - Every file is read and checked before anything connects: a file that cannot be read, or that is not a
 *   scenario or capture, is a usage error (exit 2) with the core's message naming the line or field
 *   (`ScenarioError`), and nothing runs.
 * - Exit 0 when every step of every file matches; 1 when a step fails or a connection fails (the UI's
 *   diagnosis on stderr, ./diagnosis.ts); 2 for usage errors.
 * - Reporters: `default` (a line per step, ✓ or ✗ with the diff); `junit` (one `<testsuite>` per file, one
 *   `<testcase>` per step, `<failure message=…>` with the diff) and `json` (the files, their steps and
 *   results). A machine report goes to `--out FILE` (the human report then goes to stdout, for the CI's log)
 *   or, without `--out`, to stdout alone.
 * - `--bail` stops at the first failing step: the rest of that file, and the files after it, do not run
 *   (reported as skipped).
 */
import type { Scenario, ScenarioRunResult, ScenarioStep, StepResult } from '#core'
import type { ConnectionOptions } from './connection-options'
import type { CliIO } from './types'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseScenario, retarget, runScenario, ScenarioError } from '#core'
import { parseConnectUrl, usageError } from './connection-options'
import { reportConnectionFailure, terminalSafe } from './diagnosis'
import { outputProblem } from './output-file'
import { EXIT } from './types'

export type TestReporter = 'default' | 'junit' | 'json'
export const TEST_REPORTERS: readonly TestReporter[] = ['default', 'junit', 'json']

export interface TestFlags {
  /** `--url URL`: replay against another server (same path and namespace unless the URL has its own). */
  url?: string
  /** `--reporter`. @default 'default' */
  reporter?: TestReporter | string
  /** `--out FILE`: where the junit or json report goes (default: stdout). */
  out?: string
  /** `--bail`: stop at the first failing step. */
  bail?: boolean
  /** `--fast`: ignore the recorded spacing of emits. */
  fast?: boolean
}

/** One file's run, as the reporters see it. */
export interface FileReport {
  file: string
  scenario: Scenario
  /** `undefined` when the file did not run (`--bail` after an earlier failure). */
  result: ScenarioRunResult | undefined
  /** How long the run took, ms. */
  durationMs: number
}

/** What a step is, in one line: `#3 expect-ack enter (A)`. */
export function stepTitle(scenario: Scenario, step: ScenarioStep, index: number): string {
  const session = scenario.sessions.find(s => s.id === step.session)
  // The label when it tells the sessions apart (two tabs on one namespace share theirs), else the id.
  const labels = scenario.sessions.map(s => s.label ?? s.id)
  const who = session?.label && labels.filter(l => l === session.label).length === 1 ? session.label : step.session
  const what = step.kind === 'connect' ? `connect ${session?.url ?? ''}`.trimEnd() : `${step.kind} ${step.name}`
  return `#${index + 1} ${what} (${who})`
}

/** Each step's result, in step order; a step the run never reached is pending (skipped). */
function stepResults(report: FileReport): StepResult[] {
  const byIndex = new Map((report.result?.steps ?? []).map(r => [r.index, r]))
  return report.scenario.steps.map((_, index) => byIndex.get(index) ?? { index, status: 'pending' })
}

function timing(r: StepResult): string {
  if (r.ms === undefined)
    return ''
  return r.recordedMs !== undefined ? ` ${Math.round(r.ms)} ms (recorded ${Math.round(r.recordedMs)} ms)` : ` ${Math.round(r.ms)} ms`
}

/**
 * The human report: a heading per file, a line per step (✓ pass, ✗ fail with its diff, - skipped), a summary.
 * @example formatDefault([report]) // 'rooms.ndjson — rooms flow\n  ✓ #1 connect http://… (A) 3 ms\n…'
 */
export function formatDefault(reports: readonly FileReport[]): string {
  const lines: string[] = []
  let passed = 0
  let failed = 0
  let skipped = 0
  for (const report of reports) {
    lines.push(`${report.file} — ${report.scenario.name}`)
    if (report.result?.error)
      lines.push(`  ✗ connection: ${report.result.error.message}`)
    const results = stepResults(report)
    results.forEach((r, i) => {
      const title = stepTitle(report.scenario, report.scenario.steps[i], i)
      if (r.status === 'pass') {
        passed++
        lines.push(`  ✓ ${title}${timing(r)}`)
      }
      else if (r.status === 'fail') {
        failed++
        lines.push(`  ✗ ${title}${timing(r)}`)
        if (r.message)
          lines.push(...r.message.split('; ').map(part => `      ${part}`))
      }
      else {
        skipped++
        lines.push(`  - ${title} (not run)`)
      }
    })
    lines.push('')
  }
  const failedFiles = reports.filter(r => r.result !== undefined && !r.result.ok).length
  lines.push(`${reports.length} file${reports.length === 1 ? '' : 's'}${failedFiles ? ` (${failedFiles} failed)` : ''}: ${passed} step${passed === 1 ? '' : 's'} passed, ${failed} failed${skipped ? `, ${skipped} not run` : ''}`)
  return `${lines.map(terminalSafe).join('\n')}\n`
}

/** Text as XML character data or an attribute value; characters XML 1.0 cannot hold become `\uXXXX`. */
export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids are what is replaced
    .replace(/[\u0000-\u0008\v\f\u000E-\u001F\uFFFE\uFFFF]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ch => `\\u${ch.charCodeAt(0).toString(16)}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;')
}

/** Character data: newlines kept as they are (a diff reads better on several lines). */
function xmlText(text: string): string {
  return xmlEscape(text).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t')
}

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3)

/**
 * The JUnit XML report: one `<testsuite>` per file, one `<testcase>` per step; a failing step has
 * `<failure message="…">` with its diff, a step that did not run `<skipped/>`, a connection failure an
 * `<error>` on the file's first step that did not pass.
 * @example formatJunit([report]) // '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites …'
 */
export function formatJunit(reports: readonly FileReport[]): string {
  const suites: string[] = []
  let total = 0
  let totalFailures = 0
  let totalSkipped = 0
  let totalMs = 0
  for (const report of reports) {
    const results = stepResults(report)
    const failures = results.filter(r => r.status === 'fail').length
    const skipped = results.filter(r => r.status !== 'pass' && r.status !== 'fail').length
    total += results.length
    totalFailures += failures
    totalSkipped += skipped
    totalMs += report.durationMs
    const cases = results.map((r, i) => {
      const title = stepTitle(report.scenario, report.scenario.steps[i], i)
      const open = `    <testcase name="${xmlEscape(title)}" classname="${xmlEscape(report.scenario.name)}" time="${seconds(r.ms)}"`
      if (r.status === 'pass')
        return `${open}/>`
      if (r.status === 'fail') {
        const message = r.message ?? 'the step failed'
        const connection = report.result?.error ? `\n${report.result.error.message}` : ''
        return `${open}>\n      <failure message="${xmlEscape(message)}" type="mismatch">${xmlText(`${title}: ${message}${connection}`)}</failure>\n    </testcase>`
      }
      return `${open}>\n      <skipped message="not run"/>\n    </testcase>`
    })
    const errors = report.result?.error && failures === 0 ? 1 : 0
    const errorCase = errors
      ? [`    <testcase name="connection" classname="${xmlEscape(report.scenario.name)}" time="0">\n      <error message="${xmlEscape(report.result!.error!.message)}" type="connection">${xmlText(report.result!.error!.message)}</error>\n    </testcase>`]
      : []
    suites.push(`  <testsuite name="${xmlEscape(`${report.file} — ${report.scenario.name}`)}" tests="${results.length + errors}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.durationMs)}">\n${[...cases, ...errorCase].join('\n')}\n  </testsuite>`)
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="socketio-inspector test" tests="${total}" failures="${totalFailures}" skipped="${totalSkipped}" time="${seconds(totalMs)}">\n${suites.join('\n')}\n</testsuites>\n`
}

/**
 * The JSON report: `{ ok, files: [{ file, name, ok, ran, error?, durationMs, steps: [{ index, kind, session, name?, status, ms?, recordedMs?, message? }] }] }`.
 * @example JSON.parse(formatJson([report])).files[0].steps[0].status // 'pass'
 */
export function formatJson(reports: readonly FileReport[]): string {
  const files = reports.map(report => ({
    file: report.file,
    name: report.scenario.name,
    ok: report.result?.ok === true,
    ran: report.result !== undefined,
    ...(report.result?.error ? { error: report.result.error } : {}),
    durationMs: Math.round(report.durationMs),
    steps: stepResults(report).map((r, i) => {
      const step = report.scenario.steps[i]
      return {
        index: r.index,
        kind: step.kind,
        session: step.session,
        ...(step.kind === 'connect' ? {} : { name: step.name }),
        status: r.status,
        ...(r.ms !== undefined ? { ms: Math.round(r.ms) } : {}),
        ...(r.recordedMs !== undefined ? { recordedMs: Math.round(r.recordedMs) } : {}),
        ...(r.message !== undefined ? { message: r.message } : {}),
      }
    }),
  }))
  return `${JSON.stringify({ ok: reports.every(r => r.result?.ok === true), files }, null, 2)}\n`
}

/** Read and check one file: the scenario, or the message naming the file and the line or field. */
export function loadScenarioFile(file: string): { ok: true, scenario: Scenario } | { ok: false, error: string } {
  let text: string
  try {
    if (statSync(file).isDirectory())
      return { ok: false, error: `${file}: is a directory, not a capture or scenario file` }
    text = readFileSync(file, 'utf8')
  }
  catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { ok: false, error: `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (err as Error).message})`}` }
  }
  try {
    return { ok: true, scenario: parseScenario(text) }
  }
  catch (err) {
    if (err instanceof ScenarioError)
      return { ok: false, error: `${file}: ${err.message}` }
    return { ok: false, error: `${file}: not a capture or scenario (${(err as Error).message})` }
  }
}

/** The recorded options the diagnosis probes need (the Socket.IO path and the transports). */
function probeOptions(options: Record<string, unknown>): ConnectionOptions {
  const out: ConnectionOptions = {}
  if (typeof options.path === 'string')
    out.path = options.path
  if (Array.isArray(options.transports) && options.transports.every(t => typeof t === 'string'))
    out.transports = options.transports as ConnectionOptions['transports']
  return out
}

/**
 * Run `test`; resolves with the exit code.
 * @example process.exitCode = await runTest(['rooms.ndjson'], { reporter: 'junit', out: 'r.xml' }, { stdout: process.stdout, stderr: process.stderr })
 */
export async function runTest(files: readonly string[], flags: TestFlags, io: CliIO, signal?: AbortSignal): Promise<number> {
  if (files.length === 0)
    return usageError(io, 'test', 'name at least one capture or scenario file')
  const reporter = flags.reporter ?? 'default'
  if (!TEST_REPORTERS.includes(reporter as TestReporter))
    return usageError(io, 'test', `--reporter ${JSON.stringify(String(reporter))}: use default, junit or json`)
  if (flags.url !== undefined) {
    const target = parseConnectUrl(flags.url)
    if (!target.ok)
      return usageError(io, 'test', `--url: ${target.error}`)
  }
  let out: string | undefined
  if (flags.out !== undefined && flags.out !== '-') {
    const problem = outputProblem(flags.out)
    if (problem)
      return usageError(io, 'test', `--out ${JSON.stringify(flags.out)}: ${problem}`)
    out = resolve(flags.out)
  }
  if (out !== undefined && reporter === 'default')
    return usageError(io, 'test', '--out needs --reporter junit or json (the default report is printed on stdout)')

  // Every file is checked before anything connects: a damaged file fails the command at once.
  const scenarios: { file: string, scenario: Scenario }[] = []
  for (const file of files) {
    const loaded = loadScenarioFile(file)
    if (!loaded.ok) {
      io.stderr.write(`socketio-inspector test: ${terminalSafe(loaded.error)}\n`)
      return EXIT.usage
    }
    scenarios.push({ file, scenario: loaded.scenario })
  }

  const reports: FileReport[] = []
  let stopped = false
  for (const { file, scenario } of scenarios) {
    if (stopped || signal?.aborted) {
      reports.push({ file, scenario, result: undefined, durationMs: 0 })
      continue
    }
    const started = performance.now()
    const result = await runScenario(scenario, {
      url: flags.url,
      fast: flags.fast === true,
      bail: flags.bail === true,
      signal,
    })
    reports.push({ file, scenario, result, durationMs: performance.now() - started })
    if (result.error?.kind === 'connection') {
      // As the UI: why the connection failed, found by the same probes. The first session stands for them all.
      // The run's message is `cannot connect session "<label>" to <url>: <what the client said>`: the probes
      // need the URL and the client's own words (a wrapped message would read as a middleware's refusal).
      const said = /^cannot connect session ".*?" to (\S+): ([\s\S]*)$/.exec(result.error.message)
      const session = scenario.sessions.find(s => said && retarget(s.url, flags.url) === said[1]) ?? scenario.sessions[0]
      const url = said?.[1] ?? (session ? retarget(session.url, flags.url) : flags.url ?? '')
      io.stderr.write(`socketio-inspector test: ${terminalSafe(file)}: ${terminalSafe(result.error.message)}\n`)
      if (url)
        await reportConnectionFailure(io, { url, options: session ? probeOptions(session.options) : {}, error: { message: said?.[2] ?? result.error.message } })
    }
    if (!result.ok && flags.bail === true)
      stopped = true
  }

  const human = formatDefault(reports)
  if (reporter === 'default') {
    io.stdout.write(human)
  }
  else {
    const text = reporter === 'junit' ? formatJunit(reports) : formatJson(reports)
    if (out !== undefined) {
      try {
        writeFileSync(out, text)
      }
      catch (err) {
        io.stderr.write(`socketio-inspector test: --out ${JSON.stringify(flags.out)}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`)
        return EXIT.usage
      }
      io.stdout.write(human)
    }
    else {
      io.stdout.write(text)
    }
  }
  await new Promise<void>(resolve => io.stdout.write('', () => resolve()))
  // 1 for a failing step as for a connection failure: the contract's "any fails".
  return reports.every(r => r.result?.ok === true) ? EXIT.ok : EXIT.connection
}
