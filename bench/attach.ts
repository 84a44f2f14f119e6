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
import type { StreamServerProcess } from './ingest'
import type { BenchPayload } from './stream-server'
import { randomBytes } from 'node:crypto'
import { startMirrorWatcher } from './attach-watcher'
import { median, runMeasurementProcess, startListeningProcess, startStreamServerProcess } from './ingest'
import { processCpuSeconds } from './ui/proc-cpu'

export const ATTACH_TARGET = 0.9

const PLAN: Array<{ payload: BenchPayload, count: number, label: string, work: AppWork }> = [
  { payload: 'small', count: 100_000, label: 'small {n}, no-op listener', work: 'noop' },
  { payload: 'json1k', count: 20_000, label: '1 KB JSON, no-op listener', work: 'noop' },
  { payload: 'small', count: 100_000, label: 'small {n}, storing listener', work: 'store' },
  { payload: 'json1k', count: 20_000, label: '1 KB JSON, storing listener', work: 'store' },
]

type Variant = AttachResult['variant']
/** `watched`: attached (no frames) with a page watching the mirror through the relay. */
type BenchVariant = Variant | 'watched'
const VARIANTS: BenchVariant[] = ['app', 'attached', 'attached-frames', 'watched']

export interface AttachRow {
  label: string
  app: number
  attached: number
  frames: number
  ratio: number
  ratioFrames: number
  /** Attached with a page watching the mirror, / alone. */
  ratioWatched: number
  cpuMicros: [number, number, number]
  lost: number
  dropped: number
  /** The inspector's ingest of the mirror (variant `watched`), medians: events that reached a watching page. */
  mirror: {
    /** Stream events the page got / the app received (1 = every one). */
    share: number
    /** Events per second between the page's first and last stream event. */
    eventsPerSecond: number
    /** After the app had its last event, until the page had its last, ms. */
    lagMs: number
    /** CPU of the inspector's process (hub + relay, all threads) per mirrored event, µs. */
    cpuMicros: number
    /** Worst run: events the mirror sent that never reached the page. */
    missing: number
  }
}

/** Stream event names (bench/stream-server.ts): what the watching page counts. */
const STREAM_EVENTS = ['tick', 'doc', 'blob'] as const

function startInspector(token: string): Promise<StreamServerProcess> {
  return startListeningProcess('attach-inspector.ts', [token])
}

interface MirrorRun {
  share: number
  eventsPerSecond: number
  lagMs: number
  cpuMicros: number
  /** Events the mirror sent (received − dropped by the mirror) that never reached the page. */
  missing: number
}

/**
 * One attached app run with a page watching its mirror through the relay: the app's own figures and the
 * inspector's (what reached the page, how fast, how late, the inspector process's CPU per event).
 */
async function runWatched(variant: Variant, payload: BenchPayload, work: AppWork, count: number, streamPort: number, inspector: StreamServerProcess, token: string): Promise<{ app: AttachResult, mirror: MirrorRun }> {
  const watcher = await startMirrorWatcher(inspector.port, inspector.rest, STREAM_EVENTS)
  try {
    const cpu0 = processCpuSeconds(inspector.pid)
    const app = await runApp(variant, payload, work, count, streamPort, inspector.port, token, 3000)
    // The app's last event is in the mirror's queue or on the wire: wait for the page to have as many (or
    // for 5 s without a batch: what did not come is reported as the share).
    const seen = await watcher.next(events => events >= app.received, 5000)
    const cpu = processCpuSeconds(inspector.pid) - cpu0
    return {
      app,
      mirror: {
        share: seen.events / Math.max(1, app.received),
        eventsPerSecond: seen.events / Math.max(1e-3, (seen.lastAt - seen.firstAt) / 1000),
        lagMs: Math.max(0, seen.lastAt - app.endedAt),
        cpuMicros: cpu * 1e6 / Math.max(1, seen.events),
        missing: Math.max(0, app.received - (app.dropped ?? 0) - seen.events),
      },
    }
  }
  finally {
    watcher.close()
  }
}

function runApp(variant: Variant, payload: BenchPayload, work: AppWork, count: number, port: number, inspectorPort: number, token: string, lingerMs = 300): Promise<AttachResult> {
  return runMeasurementProcess<AttachResult>('attach-client.ts', [variant, payload, String(count), String(port), String(inspectorPort), token, work, String(lingerMs)], `attach app (${variant}, ${payload})`)
}

export async function runAttachBench(runs: number, log: (line: string) => void): Promise<AttachRow[]> {
  const token = randomBytes(18).toString('base64url')
  const stream = await startStreamServerProcess()
  const inspector = await startInspector(token)
  const rows: AttachRow[] = []
  try {
    for (const { payload, count, label, work } of PLAN) {
      const results: Record<BenchVariant, AttachResult[]> = { 'app': [], 'attached': [], 'attached-frames': [], 'watched': [] }
      const mirrors: MirrorRun[] = []
      for (let run = 0; run < runs; run++) {
        for (const variant of VARIANTS) {
          let r: AttachResult
          let mirrorNote = ''
          if (variant === 'watched') {
            const watched = await runWatched('attached', payload, work, count, stream.port, inspector, token)
            r = watched.app
            mirrors.push(watched.mirror)
            mirrorNote = `; page got ${(watched.mirror.share * 100).toFixed(1)}% (${watched.mirror.missing} sent, not arrived) at ${Math.round(watched.mirror.eventsPerSecond).toLocaleString('en-US')}/s, ${Math.round(watched.mirror.lagMs)} ms behind, inspector ${watched.mirror.cpuMicros.toFixed(1)} µs/event`
          }
          else {
            r = await runApp(variant, payload, work, count, stream.port, inspector.port, token)
          }
          results[variant].push(r)
          log(`  attach ${label.padEnd(28)} ${variant.padEnd(16)} run ${run + 1}/${runs}: ${Math.round(r.eventsPerSecond).toLocaleString('en-US')}/s, lost ${r.lost}, cpu ${r.cpuMicrosPerEvent.toFixed(1)} µs/event${r.dropped ? `, mirror dropped ${r.dropped}` : ''}${mirrorNote}`)
        }
      }
      const mirrorMedian = (pick: (m: MirrorRun) => number): number => median(mirrors.map(pick))
      const rate = (v: BenchVariant): number => median(results[v].map(r => r.eventsPerSecond))
      const cpu = (v: BenchVariant): number => median(results[v].map(r => r.cpuMicrosPerEvent))
      const all = VARIANTS.flatMap(v => results[v])
      rows.push({
        label,
        app: rate('app'),
        attached: rate('attached'),
        frames: rate('attached-frames'),
        ratio: rate('attached') / rate('app'),
        ratioFrames: rate('attached-frames') / rate('app'),
        ratioWatched: rate('watched') / rate('app'),
        cpuMicros: [cpu('app'), cpu('attached'), cpu('attached-frames')],
        lost: Math.max(...all.map(r => r.lost)),
        dropped: Math.max(0, ...all.map(r => r.dropped ?? 0)),
        mirror: {
          share: Math.min(...mirrors.map(m => m.share)),
          eventsPerSecond: mirrorMedian(m => m.eventsPerSecond),
          lagMs: mirrorMedian(m => m.lagMs),
          cpuMicros: mirrorMedian(m => m.cpuMicros),
          missing: Math.max(...mirrors.map(m => m.missing)),
        },
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
    '| payload | app alone | attached | attached, frames | attached / alone (goal ≥ 0.9) | frames / alone | CPU µs/event alone / attached / frames | lost | mirror dropped | watched / alone | the watching page got (worst run; sent but not arrived) | the page\'s rate | page behind the app | inspector CPU µs/event |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const r of rows)
    lines.push(`| ${r.label} | ${fmt(r.app)}/s | ${fmt(r.attached)}/s | ${fmt(r.frames)}/s | ${r.ratio.toFixed(2)}× (${r.ratio >= ATTACH_TARGET ? 'met' : 'MISSED'}) | ${r.ratioFrames.toFixed(2)}× | ${r.cpuMicros.map(n => n.toFixed(1)).join(' / ')} | ${r.lost} | ${r.dropped} | ${r.ratioWatched.toFixed(2)}× | ${(r.mirror.share * 100).toFixed(1)}% (${fmt(r.mirror.missing)}) | ${fmt(r.mirror.eventsPerSecond)}/s | ${fmt(r.mirror.lagMs)} ms | ${r.mirror.cpuMicros.toFixed(1)} |`)
  return lines.join('\n')
}
