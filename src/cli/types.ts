/**
 * The contract between the CLI's parser (`main.ts`) and its commands (`capture.ts`, `emit.ts`).
 * Flags are the raw strings the parser gave; `parseConnectionOptions` validates them, so a bad
 * value is reported by the command with the flag's name (exit 2), never thrown.
 */

/** Where a command writes: data on stdout only (so `| jq` works), progress and errors on stderr. */
export interface CliIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

/** Connection options shared by `capture` and `emit`, as the parser received them. */
export interface ConnectionFlags {
  /** `--path P` (default `/socket.io`). */
  path?: string
  /** `--transports websocket,polling`. */
  transports?: string
  /** `--auth JSON5` (an object). */
  auth?: string
  /** `--query k=v`, repeated. */
  query: string[]
  /** `--header "K: V"`, repeated. */
  header: string[]
  /** `--cookie "k=v"`, repeated. */
  cookie: string[]
  /** `--origin O`. */
  origin?: string
  /** `--client v4|v2`. */
  client?: string
  /** `--parser default|msgpack`: the server's Socket.IO parser. */
  parser?: string
  /** `--insecure`: accept any TLS certificate. */
  insecure: boolean
  /** `--ca FILE`: a PEM file of extra trusted certificates. */
  ca?: string
  /** `--timeout MS`: connection timeout (and, for `emit --ack`, the ack timeout). */
  timeout?: number
}

export type CaptureFormat = 'ndjson' | 'json'

export type CaptureFlags = ConnectionFlags & {
  /** `--out FILE` (default: stdout). */
  out?: string
  /** `--count N`: stop after N incoming events. */
  count?: number
  /** `--duration SECONDS`: stop after this long. */
  duration?: number
  /** `--events GLOB`, repeated: keep only events whose name matches one glob. */
  events: string[]
  /** `--frames`: also record the engine.io/socket.io frames. */
  frames: boolean
  format: CaptureFormat
}

export type EmitFlags = ConnectionFlags & {
  /** `--ack`: wait for the ack and print its arguments as one JSON line. */
  ack: boolean
  timeout?: number
}

/** Exit codes, a public contract (unseen tests drive the command). */
export const EXIT = {
  ok: 0,
  /** Connection failure or a server refusal. */
  connection: 1,
  /** Usage error: a bad flag or value. */
  usage: 2,
  /** An ack that did not come within `--timeout`. */
  ackTimeout: 3,
} as const
