/**
 * The scenario format: a capture read as steps (see ./README.md). Versioned JSON:
 * `{ format: 'sio-inspector-scenario', version: 1, name, allowanceMs, sessions, steps }`.
 */
import type { createSessionSource } from '../session/create'

export const SCENARIO_FORMAT = 'sio-inspector-scenario'
export const SCENARIO_VERSION = 1

/** A pinned value on an expected payload; `path` is a JSON path like `$[0].id` (from the args array). */
export type ValueRule
  = | { path: string, rule: 'exact', value: unknown }
    | { path: string, rule: 'regex', pattern: string }
    | { path: string, rule: 'oneOf', values: unknown[] }
    | { path: string, rule: 'ignore' }

export type ScenarioStep
  = | { kind: 'connect', session: string }
    | { kind: 'emit', session: string, name: string, args: unknown[], ack: boolean, atMs: number /* since the session's connect, as recorded */ }
    | { kind: 'answer', session: string, name: string /* the server's event asking for the ack */, args: unknown[] }
    | { kind: 'expect-event', session: string, name: string, args: unknown[], atMs: number, rules?: ValueRule[] }
    | { kind: 'expect-ack', session: string, name: string /* the emit's event name */, args: unknown[], atMs: number, rules?: ValueRule[] }

export interface ScenarioSession {
  id: string
  label?: string
  url: string
  /** The connect options as recorded (path, transports, auth, query, client…; never secrets it did not record). */
  options: Record<string, unknown>
}

export interface Scenario {
  format: typeof SCENARIO_FORMAT
  version: 1
  name: string
  /** How far from its recorded time an expected event may arrive. @default 5000 */
  allowanceMs: number
  sessions: ScenarioSession[]
  steps: ScenarioStep[]
}

export type StepStatus = 'pending' | 'running' | 'pass' | 'fail'

export interface StepResult {
  index: number
  status: StepStatus
  /** When it happened, since its session's connect. */
  ms?: number
  recordedMs?: number
  /** e.g. 'order:create ack: $[0].id expected number, got string "42"; $[0].received missing' */
  message?: string
}

export interface ScenarioRunOptions {
  /** Point the replay at another server: same path and namespace unless the URL has its own. */
  url?: string
  /** Ignore the recorded spacing of emits. */
  fast?: boolean
  bail?: boolean
  /** @default createSessionSource (direct) */
  createSession?: typeof createSessionSource
  onStep?: (r: StepResult) => void
  signal?: AbortSignal
}

export interface ScenarioRunResult {
  ok: boolean
  steps: StepResult[]
  error?: { kind: 'connection', message: string }
}

/** A scenario (or capture) that cannot be read: the message names the line or field. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScenarioError'
  }
}

export const DEFAULT_ALLOWANCE_MS = 5000
