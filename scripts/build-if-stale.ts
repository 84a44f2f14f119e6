/**
 * Builds inspector-ui/dist when it is missing or older than any source it is built from, so
 * `npm start` and the e2e suite work on a fresh clone without a separate build step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DIST_INDEX = join(ROOT, 'inspector-ui', 'dist', 'index.html')
const SOURCES = ['inspector-ui/src', 'inspector-ui/index.html', 'inspector-ui/vite.config.ts', 'src/core', 'src/shared', 'package-lock.json']

/** The newest modification time of a file, or of anything under a folder (0 when it does not exist). */
export function newestMtime(path: string): number {
  if (!existsSync(path))
    return 0
  const stat = statSync(path)
  if (!stat.isDirectory())
    return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const name of readdirSync(path))
    newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

export function isBuildStale(): boolean {
  if (!existsSync(DIST_INDEX))
    return true
  const built = statSync(DIST_INDEX).mtimeMs
  return SOURCES.some(source => newestMtime(join(ROOT, source)) > built)
}

export async function buildIfStale(log: (line: string) => void = console.log): Promise<boolean> {
  if (!isBuildStale())
    return false
  log('Building the inspector (inspector-ui/dist)...')
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'inspector-ui', 'vite.config.ts'), logLevel: 'warn' })
  return true
}
