import type { EventEntry } from '#core'
/**
 * Part of `npm run bench`: the throughput of `socketio-inspector capture --out FILE` against a bare
 * socket.io-client receiving the same stream in the same run (issue 14: goal ≥ 0.9×, nothing lost).
 *
 * Both run as processes of their own against bench/stream-server.ts, which streams pre-encoded frames as fast
 * as the client reads them as soon as the client connects with `?stream=<payload>&count=<n>`; both stop at
 * the count. Each rate is the events received over the same window: from the first event (its receipt time,
 * in the child: the bare client prints it, the capture's file holds it) to the moment the process is gone
 * (seen by this process), so the capture's writing and its complete file are inside the window. Start-up
 * and connection are not (they are the `cli-start` part's). Variants interleave run by run.
 *
 * The machine is shared: wall time drifts with the other load, so the CPU time per event is measured too
 * (steadier): each child's CPU time at exit (bench/cpu-at-exit.mjs), less that of a run of one event (start-up,
 * connection, exit), over the events.
 */
import type { BenchPayload } from './stream-server'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { importCapture } from '#core'
import { median, startStreamServerProcess } from './ingest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DIST_CLI = join(ROOT, 'dist', 'cli.js')

export const CAPTURE_PLAN: Array<{ payload: BenchPayload, count: number, label: string }> = [
  { payload: 'small', count: 200_000, label: 'small {n}' },
  { payload: 'json1k', count: 20_000, label: '1 KB JSON' },
  { payload: 'binary64k', count: 1_000, label: '64 KB binary' },
]

/** Goal of issue 14: capture ≥ 0.9 × the bare client. */
export const CAPTURE_TARGET = 0.9

export interface CaptureRow {
  label: string
  payload: BenchPayload
  /** Events per second, medians. */
  bare: number
  capture: number
  ratio: number
  /** CPU time per event, µs (medians): bare / capture. */
  cpuMicros: [number, number]
  /** bare / capture CPU per event: the ratio of throughputs the CPU alone allows. */
  cpuRatio: number
  /** Most events missing from one run's file (or the bare client's count). */
  lost: number
  /** Size of one capture file, bytes. */
  fileBytes: number
}

interface Measured { eventsPerSecond: number, received: number, cpuMicros: number, fileBytes?: number }

const CPU_PRELOAD = join(ROOT, 'bench', 'cpu-at-exit.mjs')
let cpuFiles = 0

function runChild(args: string[], dir: string): Promise<{ stdout: string, endedAt: number, code: number | null, cpuMicros: number }> {
  const cpuFile = join(dir, `cpu-${++cpuFiles}.txt`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', CPU_PRELOAD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_CPU_FILE: cpuFile } })
    let stdout = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (text: string) => {
      stdout += text
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.once('error', reject)
    child.once('exit', (code) => {
      const endedAt = Date.now()
      clearTimeout(timer)
      let cpuMicros = Number.NaN
      try {
        cpuMicros = Number(readFileSync(cpuFile, 'utf8'))
        rmSync(cpuFile, { force: true })
      }
      catch {}
      resolve({ stdout, endedAt, code, cpuMicros })
    })
  })
}

/** The command as users run it: the build when there is one (`npm run build`), else from the sources. */
export function captureCommand(): { args: string[], what: string } {
  try {
    statSync(DIST_CLI)
    return { args: [DIST_CLI], what: 'dist/cli.js' }
  }
  catch {
    return { args: ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')], what: 'tsx src/cli/main.ts' }
  }
}

async function measureBare(payload: BenchPayload, count: number, port: number, dir: string): Promise<Measured> {
  const { stdout, endedAt, cpuMicros } = await runChild(['--import', 'tsx', join(ROOT, 'bench', 'capture-bare.ts'), payload, String(count), String(port)], dir)
  const { received, firstAt } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { received: number, firstAt: number }
  return { eventsPerSecond: received / ((endedAt - firstAt) / 1000), received, cpuMicros }
}

async function measureCapture(payload: BenchPayload, count: number, port: number, dir: string, file: string): Promise<Measured> {
  const { args } = captureCommand()
  const { endedAt, code, cpuMicros } = await runChild([
    ...args,
    'capture',
    `http://127.0.0.1:${port}/`,
    '--transports',
    'websocket',
    '--query',
    `stream=${payload}`,
    '--query',
    `count=${count}`,
    '--count',
    String(count),
    '--out',
    file,
  ], dir)
  if (code !== 0)
    throw new Error(`capture exited with ${code}`)
  const text = readFileSync(file, 'utf8')
  const r = importCapture(text)
  if (!r.ok)
    throw new Error(`the capture file does not import: ${r.error}`)
  const events = r.entries.filter((e): e is EventEntry => e.kind === 'event' && e.direction === 'in')
  const firstAt = events[0]?.time ?? endedAt
  return { eventsPerSecond: events.length / ((endedAt - firstAt) / 1000), received: events.length, cpuMicros, fileBytes: Buffer.byteLength(text) }
}

export async function runCaptureBench(runs: number, log: (line: string) => void): Promise<CaptureRow[]> {
  const server = await startStreamServerProcess()
  const dir = mkdtempSync(join(tmpdir(), 'sio-bench-capture-'))
  const rows: CaptureRow[] = []
  try {
    for (const { payload, count, label } of CAPTURE_PLAN) {
      const bare: Measured[] = []
      const capture: Measured[] = []
      const cpu: Record<'bare' | 'capture', number[]> = { bare: [], capture: [] }
      for (let run = 0; run < runs; run++) {
        const file = join(dir, `${payload}-${run}.ndjson`)
        // A run of one event: start-up, connection and exit, taken off the CPU time of the full run.
        const bareOne = await measureBare(payload, 1, server.port, dir)
        const b = await measureBare(payload, count, server.port, dir)
        bare.push(b)
        cpu.bare.push((b.cpuMicros - bareOne.cpuMicros) / (count - 1))
        const captureOne = await measureCapture(payload, 1, server.port, dir, file)
        const c = await measureCapture(payload, count, server.port, dir, file)
        rmSync(file, { force: true })
        capture.push(c)
        cpu.capture.push((c.cpuMicros - captureOne.cpuMicros) / (count - 1))
        const fmt = (m: Measured): string => `${Math.round(m.eventsPerSecond).toLocaleString('en-US')}/s (lost ${count - m.received})`
        log(`  capture ${label.padEnd(13)} run ${run + 1}/${runs}: bare ${fmt(b)}, capture ${fmt(c)}; CPU µs/event ${cpu.bare.at(-1)!.toFixed(2)} / ${cpu.capture.at(-1)!.toFixed(2)}`)
      }
      const bareRate = median(bare.map(m => m.eventsPerSecond))
      const captureRate = median(capture.map(m => m.eventsPerSecond))
      const cpuMicros: [number, number] = [median(cpu.bare), median(cpu.capture)]
      rows.push({
        label,
        payload,
        bare: bareRate,
        capture: captureRate,
        ratio: captureRate / bareRate,
        cpuMicros,
        cpuRatio: cpuMicros[0] / cpuMicros[1],
        lost: Math.max(...[...bare, ...capture].map(m => count - m.received)),
        fileBytes: median(capture.map(m => m.fileBytes ?? 0)),
      })
    }
  }
  finally {
    server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

export function captureMarkdown(rows: CaptureRow[]): string {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`
  return [
    '| payload | bare client | capture --out | capture / bare (target) | CPU µs/event bare / capture | CPU ratio | lost | file | bytes/event |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(r => `| ${r.label} | ${fmt(r.bare)}/s | ${fmt(r.capture)}/s | ${r.ratio.toFixed(2)}× (≥ ${CAPTURE_TARGET}: ${r.ratio >= CAPTURE_TARGET ? 'met' : 'MISSED'}) | ${r.cpuMicros[0].toFixed(2)} / ${r.cpuMicros[1].toFixed(2)} | ${r.cpuRatio.toFixed(2)}× | ${r.lost} | ${mb(r.fileBytes)} | ${fmt(r.fileBytes / CAPTURE_PLAN.find(p => p.payload === r.payload)!.count)} |`),
  ].join('\n')
}
