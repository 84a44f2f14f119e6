/**
 * The bench build of the inspector: the same app as `npm run build`, plus the in-page benchmark probe
 * (inspector-ui/src/bench/, loaded with `?bench=<json>`), built with Vite's `--mode bench` into
 * inspector-ui/dist-bench. The probe drives the app by itself (connects, emits, imports, POSTs reports), so
 * it never ships: inspector-ui/src/main.ts loads it only when `import.meta.env.MODE === 'bench'`, a
 * compile-time constant that drops it from every other build (issue 12 item 7).
 *
 * `npm run bench` (bench/ui.ts) and bench/profile-ui.ts build it themselves, every run (a few seconds):
 * nothing else makes it, so it is never stale.
 *
 *   npx tsx bench/build-ui.ts      build inspector-ui/dist-bench by hand
 *
 * @example
 * const distDir = await buildBenchUi({ log: console.log })
 * const inspector = await startInspectorServer({ port: 0, distDir })
 */
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Where the bench build goes by default (git-ignored; `inspector-ui/dist` stays the shipped build);
 * `BENCH_DIST_DIR` moves it (two checkouts benchmarking at once must not build into one folder).
 */
export const BENCH_DIST_DIR = process.env.BENCH_DIST_DIR ?? join(ROOT, 'inspector-ui', 'dist-bench')

export interface BenchBuildOptions {
  /** @default inspector-ui/dist-bench */
  outDir?: string
  /** @default true (false: readable names, for profiles) */
  minify?: boolean
  log?: (line: string) => void
}

/** Build the inspector with the probe (Vite mode `bench`); resolves with the folder it is in. */
export async function buildBenchUi(options: BenchBuildOptions = {}): Promise<string> {
  const outDir = options.outDir ?? BENCH_DIST_DIR
  options.log?.(`Building the bench build of the inspector (probe included) into ${outDir}...`)
  const { build } = await import('vite')
  await build({
    configFile: join(ROOT, 'inspector-ui', 'vite.config.ts'),
    mode: 'bench',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, ...(options.minify === false ? { minify: false, sourcemap: false } : {}) },
  })
  return outDir
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  await buildBenchUi({ log: line => console.log(line) })
