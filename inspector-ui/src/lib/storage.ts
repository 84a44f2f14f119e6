/**
 * Versioned localStorage: every key is `sio-inspector-v1-<name>`. A value that does not parse or does
 * not validate is not dropped silently: it is moved aside to `sio-inspector-v1-damaged-<name>-<time>`
 * and reported in `storageProblems`, which the app shows in a banner.
 */
import { shallowRef } from 'vue'
import { migrateStorage } from './storage-migrate'

export const STORAGE_PREFIX = 'sio-inspector-v1-'

export interface StorageProblem {
  key: string
  /** Where the damaged text was moved to (it can be inspected or deleted by hand). */
  movedTo: string | undefined
  message: string
}

export const storageProblems = shallowRef<readonly StorageProblem[]>([])

let migrated: Storage | undefined

function storage(): Storage | undefined {
  let store: Storage | undefined
  try {
    store = globalThis.localStorage
  }
  catch {
    return undefined
  }
  // The layout is brought up to date once per page (per Storage object: tests swap it), before the first read.
  if (store && migrated !== store) {
    migrated = store
    try {
      const outcome = migrateStorage(store)
      if (outcome.problem)
        report({ key: 'sio-inspector-v1-schema', movedTo: undefined, message: outcome.problem })
    }
    catch (error) {
      report({ key: 'sio-inspector-v1-schema', movedTo: undefined, message: `could not check the stored layout: ${error instanceof Error ? error.message : String(error)}` })
    }
  }
  return store
}

/**
 * Check the stored layout again on the next read (storage edited by hand or by a test since the page
 * started; the migration itself runs once per page otherwise).
 */
export function recheckStoredLayout(): void {
  migrated = undefined
}

function report(problem: StorageProblem): void {
  storageProblems.value = [...storageProblems.value, problem]
}

export interface ReadOptions {
  /**
   * Write the validated value back when it differs from what is stored: for a migration that must take
   * something out of storage (e.g. secrets of old Recent entries), not only out of memory.
   * @default false
   */
  saveRepaired?: boolean
}

/**
 * Read a stored value. `validate` returns the value (possibly repaired/merged with defaults) or throws
 * with a message when it cannot be used.
 *
 * @example
 * const prefs = readStored('prefs', raw => ({ ...DEFAULTS, ...asObject(raw) }), DEFAULTS)
 */
export function readStored<T>(name: string, validate: (raw: unknown) => T, fallback: T, options: ReadOptions = {}): T {
  const store = storage()
  const key = STORAGE_PREFIX + name
  const text = store?.getItem(key)
  if (text == null)
    return fallback
  try {
    const value = validate(JSON.parse(text))
    if (options.saveRepaired && JSON.stringify(value) !== JSON.stringify(JSON.parse(text)))
      writeStored(name, value)
    return value
  }
  catch (error) {
    const movedTo = `${STORAGE_PREFIX}damaged-${name}-${Date.now()}`
    let moved: string | undefined = movedTo
    try {
      store?.setItem(movedTo, text)
      store?.removeItem(key)
    }
    catch {
      moved = undefined
    }
    report({ key, movedTo: moved, message: error instanceof Error ? error.message : String(error) })
    return fallback
  }
}

/** Write a value; a full or blocked storage is reported, never thrown to the caller. */
export function writeStored(name: string, value: unknown): void {
  try {
    storage()?.setItem(STORAGE_PREFIX + name, JSON.stringify(value))
  }
  catch (error) {
    report({ key: STORAGE_PREFIX + name, movedTo: undefined, message: `could not save: ${error instanceof Error ? error.message : String(error)}` })
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Validators throw with a message naming what is wrong. */
export function expectArray(raw: unknown, what: string): unknown[] {
  if (!Array.isArray(raw))
    throw new Error(`${what}: expected a list`)
  return raw
}

/**
 * Keep part of a stored value aside (e.g. the unreadable items of a list whose other items are fine),
 * and report it.
 */
export function setAside(name: string, value: unknown, message: string): void {
  const movedTo = `${STORAGE_PREFIX}damaged-${name}-${Date.now()}`
  let moved: string | undefined = movedTo
  try {
    storage()?.setItem(movedTo, JSON.stringify(value))
  }
  catch {
    moved = undefined
  }
  report({ key: STORAGE_PREFIX + name, movedTo: moved, message })
}
