/**
 * Entry point of the benchmark probes, in the bench build only (main.ts loads it when
 * `import.meta.env.MODE === 'bench'`; bench/build-ui.ts makes that build). `?bench=<json>` picks the probe:
 * `{"mode":"serverview",…}` the server view (./server-probe), `biglog` the big log (./probe-biglog), any other
 * mode the ingest probe (./probe).
 * Without `?bench=` the bench build is the plain inspector.
 */

export function startBench(search: string): void {
  const raw = new URLSearchParams(search).get('bench')
  if (raw === null)
    return
  let mode: unknown
  try {
    mode = (JSON.parse(raw) as { mode?: unknown }).mode
  }
  catch {}
  if (mode === 'serverview')
    void import('./server-probe').then(m => m.startServerProbe(JSON.parse(raw)))
  else if (mode === 'biglog')
    void import('./probe-biglog').then(m => m.startBigLogProbe(JSON.parse(raw)))
  else
    void import('./probe').then(m => m.startProbe(raw))
}
