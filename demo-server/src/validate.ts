/**
 * Argument handling shared by every handler. A client can send anything in any position (a function
 * where a string is expected, no ack, extra args, a non-function where the ack should be), so handlers
 * never trust the declared signature: they take `unknown[]`, split off the ack and check each value.
 */
import type { AckError } from '../../src/shared/demo-events'
import type { DemoSocket } from './types'
import { MAX_ROOM_NAME_LENGTH, MAX_TEXT_LENGTH } from '../../src/shared/demo-events'

export type AckFn = (...args: unknown[]) => void

/** Splits the ack off the end: socket.io passes it as a function in last position only when the packet has an ack id. */
export function splitAck(args: unknown[]): { args: unknown[], ack: AckFn | undefined } {
  const last = args.at(-1)
  if (typeof last === 'function')
    return { args: args.slice(0, -1), ack: last as AckFn }
  return { args, ack: undefined }
}

/** Thrown by the checks below; the handler wrapper turns it into an `AckError` or an `error` event. */
export class ValidationError extends Error {
  override name = 'ValidationError'
  constructor(message: string) {
    // No stack: this is an expected answer to bad input, not a bug, and a flood of bad input
    // (10,000 `enter`s past the room cap) must not pay for 10,000 stack captures.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }
}

/**
 * A non-empty string of at most `max` UTF-16 code units, else a ValidationError naming the field.
 * @example checkText(args[0], 'text') // 'hello'
 */
export function checkText(value: unknown, field: string, max = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string')
    throw new ValidationError(`${field} must be a string, got ${describe(value)}`)
  if (value.length === 0)
    throw new ValidationError(`${field} must not be empty`)
  if (value.length > max)
    throw new ValidationError(`${field} is too long: ${value.length} characters, at most ${max}`)
  return value
}

/**
 * A room id (or a socket id, which names the socket's own room): like checkText, at most
 * MAX_ROOM_NAME_LENGTH (128). Room names are stored in the adapter, listed in acks and sent with each
 * `presence`, so 10,000-character names cost megabytes per socket.
 * @example checkRoomId(args[0]) // 'room1'
 */
export function checkRoomId(value: unknown, field = 'roomId'): string {
  return checkText(value, field, MAX_ROOM_NAME_LENGTH)
}

/** An integer in [min, max], else a ValidationError. */
export function checkInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new ValidationError(`${field} must be an integer, got ${describe(value)}`)
  if (value < min || value > max)
    throw new ValidationError(`${field} must be between ${min} and ${max}, got ${value}`)
  return value
}

/** A plain object (not an array, not null). */
export function checkObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(`${field} must be an object, got ${describe(value)}`)
  return value as Record<string, unknown>
}

/** For events whose whole point is the answer (`list:*`): without an ack there is nothing to do. */
export function requireAck(ack: AckFn | undefined, event: string): AckFn {
  if (!ack)
    throw new ValidationError(`${event} needs an acknowledgement callback: emit("${event}", ..., (result) => ...)`)
  return ack
}

/** A short, bounded description of a value for error messages (never echoes the value itself). */
export function describe(value: unknown): string {
  if (value === null)
    return 'null'
  if (Array.isArray(value))
    return 'an array'
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return 'binary data'
  const type = typeof value
  return type === 'object' ? 'an object' : type === 'undefined' ? 'nothing' : `a ${type}`
}

export function ackError(event: string, message: string): AckError {
  return { ok: false, error: message, message, event }
}

/**
 * Reports a failure to the sender: through its ack when it sent one, else as an `error` event
 * (`{message, event}`; v4 really sends "error", unlike v2 where it was reserved).
 */
export function reportError(socket: DemoSocket, event: string, message: string, ack: AckFn | undefined): void {
  if (ack)
    ack(ackError(event, message))
  else
    socket.emit('error', { message, event })
}

export interface HandlerOptions {
  /** Called with the error message when validation fails (chat* warns the admins). */
  onInvalid?: (message: string) => void
}

/**
 * Registers a handler that gets the raw args and the split-off ack. A ValidationError becomes the
 * sender's error; anything else is a bug, logged and reported as "internal error" without crashing.
 */
export function handle(
  socket: DemoSocket,
  event: string,
  log: (line: string) => void,
  handler: (args: unknown[], ack: AckFn | undefined) => void | Promise<void>,
  options: HandlerOptions = {},
): void {
  const onError = (err: unknown, ack: AckFn | undefined): void => {
    if (err instanceof ValidationError) {
      options.onInvalid?.(err.message)
      reportError(socket, event, err.message, ack)
      return
    }
    log(`error in ${event} from ${socket.nsp.name} ${socket.id}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
    reportError(socket, event, 'internal error', ack)
  }
  // The typed `on` wants the contract's signature; a rest `unknown[]` handler accepts any call shape.
  ;(socket.on as (ev: string, listener: (...args: unknown[]) => void) => void)(event, (...raw: unknown[]) => {
    const { args, ack } = splitAck(raw)
    try {
      // Synchronous start keeps per-socket event order for handlers that emit before their first await.
      const result = handler(args, ack)
      if (result instanceof Promise)
        result.catch(err => onError(err, ack))
    }
    catch (err) {
      onError(err, ack)
    }
  })
}
