/**
 * Part of `npm run bench`: the event catalog's cost on ingest (issue 17: "cheap enough to run on every event
 * at full rate; the UI ingest ratio does not drop by more than 5%"). In one process, over the same events:
 * decode each packet's JSON and append it to the core's EventLog (what a session does per event), without
 * and with `EventCatalog.observe`. Variants interleaved run by run; medians.
 */
import type { EventEntry, NewEntry } from '#core'
import { performance } from 'node:perf_hooks'
import { EventCatalog, EventLog } from '#core'

export interface CatalogRow {
  payload: string
  count: number
  /** Entries per second without / with the catalog. */
  bare: number
  withCatalog: number
  ratio: number
}

const ONE_KB_OBJECT = { text: 'x'.repeat(900), list: Array.from({ length: 10 }, (_, i) => i), nested: { a: 'b', when: '2026-01-01T00:00:00.000Z' } }
const BINARY_64K = Buffer.alloc(64 * 1024, 7)

/** Packet text of event i (what arrives), and the binary attachment when there is one. */
const PLAN: Array<{ payload: string, count: number, text: (i: number) => string, binary?: Buffer }> = [
  { payload: 'small {n}', count: 200_000, text: i => `["tick",{"n":${i}}]` },
  { payload: '1 KB JSON', count: 20_000, text: i => `["doc",${JSON.stringify({ n: i, ...ONE_KB_OBJECT })}]` },
  { payload: '64 KB binary', count: 5_000, text: i => `["blob",{"n":${i}}]`, binary: BINARY_64K },
  // Worst case for the stable-shape skip: 50 shapes in turn, each key merged every time.
  { payload: 'varying shapes', count: 100_000, text: i => `["state",{"n":${i},"k${i % 50}":"v","at":"2026-01-01T00:00:00.000Z"}]` },
]

const session = { url: 'http://127.0.0.1:3000', namespace: '/' }

function run(plan: typeof PLAN[number], catalog: boolean): number {
  // A log big enough that nothing is dropped, as in the ingest bench.
  const log = new EventLog({ maxEntries: plan.count + 10, maxBytes: 2 ** 40 })
  const cat = catalog ? new EventCatalog() : undefined
  const start = performance.now()
  for (let i = 0; i < plan.count; i++) {
    const [name, ...args] = JSON.parse(plan.text(i)) as [string, ...unknown[]]
    if (plan.binary)
      args.push(plan.binary)
    const entry = log.append<EventEntry>({ kind: 'event', sessionId: 's1', time: Date.now(), mono: performance.now(), direction: 'in', name, args, bytes: 64 + (plan.binary?.length ?? 0) } as NewEntry<EventEntry>)
    cat?.observe(entry, session)
  }
  log.flush()
  const ms = performance.now() - start
  cat?.dispose()
  return plan.count / (ms / 1000)
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function runCatalogBench(runs: number, log: (line: string) => void): Promise<CatalogRow[]> {
  const rows: CatalogRow[] = []
  for (const plan of PLAN) {
    const bare: number[] = []
    const withCatalog: number[] = []
    // One warm-up pair (JIT), then interleaved runs.
    run(plan, false)
    run(plan, true)
    for (let r = 0; r < runs; r++) {
      bare.push(run(plan, false))
      withCatalog.push(run(plan, true))
      await new Promise(resolve => setImmediate(resolve))
    }
    const row = { payload: plan.payload, count: plan.count, bare: median(bare), withCatalog: median(withCatalog), ratio: median(withCatalog) / median(bare) }
    log(`  ${plan.payload}: ${Math.round(row.bare)} → ${Math.round(row.withCatalog)} entries/s (${row.ratio.toFixed(3)}×)`)
    rows.push(row)
  }
  return rows
}

export function catalogMarkdown(rows: CatalogRow[]): string {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
  return [
    '| payload | events | without catalog (entries/s) | with catalog (entries/s) | ratio |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(r => `| ${r.payload} | ${fmt(r.count)} | ${fmt(r.bare)} | ${fmt(r.withCatalog)} | ${r.ratio.toFixed(3)}× |`),
  ].join('\n')
}
