/**
 * `npm run bench -- --only=attach`: what attach() costs the app it is attached to (issue 19: an attached
 * app's event rate against the same app unattached, in the same run; goal ≥ 0.9×).
 *
 * Three processes: the stream server (bench/stream-server.ts: pre-encoded frames as fast as the app reads),
 * the inspector (bench/attach-inspector.ts: its real server and attach hub), and the app, a fresh process per
 * measurement (bench/attach-client.ts). Variants are interleaved run by run so the machine's noise hits
 * them alike. The app is the bottleneck by construction: this is the worst case (an app that does nothing
 * but receive); a real app's handlers make the mirror's share smaller.
 */
import type { AppWork, AttachResult } from './attach-client'
import type { BenchPayload } from './stream-server'
import { randomBytes } from 'node:crypto'
import { median, runMeasurementProcess, startListeningProcess, startStreamServerProcess } from './ingest'

export const ATTACH_TARGET = 0.9

const PLAN: Array<{ payload: BenchPayload, count: number, label: string, work: AppWork }> = [
  { payload: 'small', count: 100_000, label: 'small {n}, no-op listener', work: 'noop' },
  { payload: 'json1k', count: 20_000, label: '1 KB JSON, no-op listener', work: 'noop' },
  { payload: 'small', count: 100_000, label: 'small {n}, storing listener', work: 'store' },
  { payload: 'json1k', count: 20_000, label: '1 KB JSON, storing listener', work: 'store' },
]

type Variant = AttachResult['variant']
const VARIANTS: Variant[] = ['app', 'attached', 'attached-frames']

export interface AttachRow {
  label: string
  app: number
  attached: number
  frames: number
  ratio: number
  ratioFrames: number
  cpuMicros: [number, number, number]
  lost: number
  dropped: number
}

function startInspector(token: string): Promise<{ port: number, stop: () => void }> {
  return startListeningProcess('attach-inspector.ts', [token])
}

function runApp(variant: Variant, payload: BenchPayload, work: AppWork, count: number, port: number, inspectorPort: number, token: string): Promise<AttachResult> {
  return runMeasurementProcess<AttachResult>('attach-client.ts', [variant, payload, String(count), String(port), String(inspectorPort), token, work], `attach app (${variant}, ${payload})`)
}

export async function runAttachBench(runs: number, log: (line: string) => void): Promise<AttachRow[]> {
  const token = randomBytes(18).toString('base64url')
  const stream = await startStreamServerProcess()
  const inspector = await startInspector(token)
  const rows: AttachRow[] = []
  try {
    for (const { payload, count, label, work } of PLAN) {
      const results: Record<Variant, AttachResult[]> = { 'app': [], 'attached': [], 'attached-frames': [] }
      for (let run = 0; run < runs; run++) {
        for (const variant of VARIANTS) {
          const r = await runApp(variant, payload, work, count, stream.port, inspector.port, token)
          results[variant].push(r)
          log(`  attach ${label.padEnd(28)} ${variant.padEnd(16)} run ${run + 1}/${runs}: ${Math.round(r.eventsPerSecond).toLocaleString('en-US')}/s, lost ${r.lost}, cpu ${r.cpuMicrosPerEvent.toFixed(1)} µs/event${r.dropped ? `, mirror dropped ${r.dropped}` : ''}`)
        }
      }
      const rate = (v: Variant): number => median(results[v].map(r => r.eventsPerSecond))
      const cpu = (v: Variant): number => median(results[v].map(r => r.cpuMicrosPerEvent))
      const all = VARIANTS.flatMap(v => results[v])
      rows.push({
        label,
        app: rate('app'),
        attached: rate('attached'),
        frames: rate('attached-frames'),
        ratio: rate('attached') / rate('app'),
        ratioFrames: rate('attached-frames') / rate('app'),
        cpuMicros: [cpu('app'), cpu('attached'), cpu('attached-frames')],
        lost: Math.max(...all.map(r => r.lost)),
        dropped: Math.max(0, ...all.map(r => r.dropped ?? 0)),
      })
    }
  }
  finally {
    inspector.stop()
    stream.stop()
  }
  return rows
}

export function attachMarkdown(rows: AttachRow[]): string {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
  const lines = [
    '| payload | app alone | attached | attached, frames | attached / alone (goal ≥ 0.9) | frames / alone | CPU µs/event alone / attached / frames | lost | mirror dropped |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  for (const r of rows)
    lines.push(`| ${r.label} | ${fmt(r.app)}/s | ${fmt(r.attached)}/s | ${fmt(r.frames)}/s | ${r.ratio.toFixed(2)}× (${r.ratio >= ATTACH_TARGET ? 'met' : 'MISSED'}) | ${r.ratioFrames.toFixed(2)}× | ${r.cpuMicros.map(n => n.toFixed(1)).join(' / ')} | ${r.lost} | ${r.dropped} |`)
  return lines.join('\n')
}
