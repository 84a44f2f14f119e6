/**
 * Arguments → text the composer parses back to the same values (JSON, binary as `{"$hex": …}`), for
 * "copy value" and "edit in composer". Bounded: values beyond MAX_CHARS are refused, not truncated.
 */
import { isBinary } from '#core'

const MAX_CHARS = 2_000_000

function hexOf(v: ArrayBuffer | ArrayBufferView): string {
  const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16)
  return out
}

/** `undefined` when the value cannot be written as composer text (too big, cyclic, too deep). */
export function toComposerText(args: readonly unknown[]): string | undefined {
  try {
    const text = JSON.stringify(args, (_key, value: unknown) => {
      if (isBinary(value))
        return { $hex: hexOf(value as ArrayBuffer) }
      if (typeof value === 'bigint')
        return value.toString()
      return value
    }, 2)
    return text.length > MAX_CHARS ? undefined : text
  }
  catch {
    return undefined
  }
}
