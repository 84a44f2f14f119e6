/**
 * Part 1 of `npm run bench`: core ingest in Node. A stream server in one process, each measurement
 * in a fresh client process; variants interleaved run by run so machine noise hits them alike.
 */
import type { IngestResult } from './ingest-client'
import type { BenchPayload } from './stream-server'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

export const INGEST_PLAN: Array<{ payload: BenchPayload, count: number, label: string }> = [
  { payload: 'small', count: 200_000, label: 'small {n}' },
  { payload: 'json1k', count: 20_000, label: '1 KB JSON' },
  { payload: 'binary64k', count: 5_000, label: '64 KB binary' },
]

export interface StreamServerProcess {
  port: number
  stop: () => void
  /** The child's pid (its CPU time: /proc). */
  pid: number
  /** The rest of the `LISTENING <port>` line (what else the child announced). */
  rest: string
}

/** A bench server in a child process (`node --import tsx <script> ...args`) that prints `LISTENING <port>[ <rest>]`. */
export function startListeningProcess(script: string, args: string[] = []): Promise<StreamServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (text: string) => {
      const match = /LISTENING (\d+)([^\n]*)/.exec(text)
      if (match)
        resolve({ port: Number(match[1]), stop: () => child.kill('SIGTERM'), pid: child.pid!, rest: match[2].trim() })
    })
    child.once('exit', code => reject(new Error(`${script} exited with ${code}`)))
  })
}

export function startStreamServerProcess(): Promise<StreamServerProcess> {
  return startListeningProcess('stream-server.ts')
}

/**
 * One measurement in a fresh process (`node --expose-gc [flags] --import tsx <script> ...args`): its last
 * stdout line is the JSON result; killed after 180 s.
 */
export function runMeasurementProcess<T>(script: string, args: string[], what: string, nodeFlags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...nodeFlags, '--import', 'tsx', join(ROOT, 'bench', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (text: string) => {
      out += text
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.once('exit', () => {
      clearTimeout(timer)
      const line = out.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as T)
      }
      catch {
        reject(new Error(`${what} printed no result: ${out.slice(0, 500)}`))
      }
    })
  })
}

export function runIngestClient(variant: 'bare' | 'log' | 'frames', payload: BenchPayload, count: number, port: number): Promise<IngestResult> {
  return runMeasurementProcess<IngestResult>('ingest-client.ts', [variant, payload, String(count), String(port)], `ingest client (${variant}, ${payload})`, ['--max-old-space-size=4096'])
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export interface IngestRow {
  label: string
  payload: BenchPayload
  bare: number
  log: number
  frames: number
  ratioLog: number
  ratioFrames: number
  lost: number
  disconnects: number
  eluBare: number
  eluLog: number
  /** CPU time (all threads) per event received, µs, medians: bare / log / log + frames. */
  cpuMicros: [number, number, number]
  retainedLog: number | null
  retainedFrames: number | null
  heldInLog: number | null
  droppedFromLog: number | null
}

export async function runIngest(runs: number, log: (line: string) => void): Promise<IngestRow[]> {
  const server = await startStreamServerProcess()
  const rows: IngestRow[] = []
  try {
    for (const { payload, count, label } of INGEST_PLAN) {
      const results: Record<'bare' | 'log' | 'frames', IngestResult[]> = { bare: [], log: [], frames: [] }
      for (let run = 0; run < runs; run++) {
        for (const variant of ['bare', 'log', 'frames'] as const) {
          const result = await runIngestClient(variant, payload, count, server.port)
          results[variant].push(result)
          log(`  ingest ${label.padEnd(13)} ${variant.padEnd(6)} run ${run + 1}/${runs}: ${Math.round(result.eventsPerSecond).toLocaleString('en-US')}/s, lost ${result.lost}, elu ${result.elu.toFixed(2)}`)
        }
      }
      const rate = (v: 'bare' | 'log' | 'frames'): number => median(results[v].map(r => r.eventsPerSecond))
      const all = [...results.bare, ...results.log, ...results.frames]
      const last = (v: 'log' | 'frames'): IngestResult => results[v][results[v].length - 1]
      rows.push({
        label,
        payload,
        bare: rate('bare'),
        log: rate('log'),
        frames: rate('frames'),
        ratioLog: rate('log') / rate('bare'),
        ratioFrames: rate('frames') / rate('bare'),
        lost: Math.max(...all.map(r => r.lost)),
        disconnects: all.reduce((sum, r) => sum + r.disconnects, 0),
        eluBare: median(results.bare.map(r => r.elu)),
        eluLog: median(results.log.map(r => r.elu)),
        cpuMicros: [median(results.bare.map(r => r.cpuMicrosPerEvent)), median(results.log.map(r => r.cpuMicrosPerEvent)), median(results.frames.map(r => r.cpuMicrosPerEvent))],
        retainedLog: median(results.log.map(r => r.retainedBytesPerEvent ?? 0)),
        retainedFrames: median(results.frames.map(r => r.retainedBytesPerEvent ?? 0)),
        heldInLog: last('log').heldInLog,
        droppedFromLog: last('log').droppedFromLog,
      })
    }
  }
  finally {
    server.stop()
  }
  return rows
}
