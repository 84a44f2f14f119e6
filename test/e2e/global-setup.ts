/**
 * Runs once before the e2e project: finds Chromium and builds the inspector if its dist is stale.
 * Without Chromium the e2e suite is skipped with a clear message, except under CI=true where a
 * missing browser is a failure (CI installs Debian's `chromium`).
 */
import type { TestProject } from 'vitest/node'
import { existsSync } from 'node:fs'
import process from 'node:process'
import { buildIfStale } from '../../scripts/build-if-stale'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

declare module 'vitest' {
  export interface ProvidedContext {
    e2eChromium: string | null
    e2eSkipReason: string | null
  }
}

export default async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `Chromium not found at ${CHROMIUM_PATH}: end-to-end tests skipped. `
      + 'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH.'
    if (process.env.CI === 'true' || process.env.CI === '1')
      throw new Error(`CI=true and ${reason}`)
    console.warn(`\n  ⚠ ${reason}\n`)
    project.provide('e2eChromium', null)
    project.provide('e2eSkipReason', reason)
    return
  }
  await buildIfStale(line => console.log(`  ${line}`))
  project.provide('e2eChromium', CHROMIUM_PATH)
  project.provide('e2eSkipReason', null)
}
