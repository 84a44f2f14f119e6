/**
 * Engine.IO packet data as the log keeps it, shared by the sessions' adapters and the attach mirror
 * (src/attach/, whose bundle must stay small: this module imports nothing).
 */

/**
 * Bytes as the object received when it is a Uint8Array (a Node Buffer included: no copy, no new view, so the
 * event's argument and the frame share one object), otherwise a Uint8Array view over it; text as is.
 */
export function frameData(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string' || data === undefined)
    return data
  if (data instanceof Uint8Array)
    return data
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (data instanceof ArrayBuffer)
    return new Uint8Array(data)
  return undefined
}
