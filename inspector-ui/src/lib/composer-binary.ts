/**
 * Binary from a file (issue 16 item 4): a picked or dropped file becomes the composer argument
 * `{"$binary": "<base64>"}` — exactly the spelling the core's `parseComposer` revives into a `Uint8Array`
 * (src/core/composer/parse.ts), so what is emitted is the file's bytes, not a string.
 */
import { parseComposer } from '#core'
import { t } from '../i18n'

/**
 * Refused above this, before reading: the base64 text is 4/3 of the file and lives in the editor and in
 * every history entry. (A socket.io server refuses far less by default: `maxHttpBufferSize` is 1 MB.)
 */
export const MAX_BINARY_FILE_BYTES = 16 * 1024 * 1024
/** socket.io's default `maxHttpBufferSize`: bigger messages close the connection unless the server raised it. */
export const SOCKETIO_DEFAULT_MAX_BUFFER = 1_000_000

/** Standard base64 of bytes, in slices (String.fromCharCode over 16 MB at once overflows the call stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  const SLICE = 0x8000
  let binary = ''
  for (let i = 0; i < bytes.length; i += SLICE)
    binary += String.fromCharCode(...bytes.subarray(i, i + SLICE))
  return btoa(binary)
}

/** The composer text of one binary argument. */
export function binaryArgText(bytes: Uint8Array): string {
  return `{"$binary": "${bytesToBase64(bytes)}"}`
}

export type BinaryFileResult
  = | { ok: true, text: string, size: number, name: string, overServerDefault: boolean }
    | { ok: false, error: string }

/** Read a file as one `{"$binary": …}` argument; too big or unreadable files are a message, never a throw. */
export async function readBinaryArg(file: Blob & { name?: string }): Promise<BinaryFileResult> {
  const name = file.name || 'file'
  if (file.size > MAX_BINARY_FILE_BYTES) {
    return {
      ok: false,
      error: t('composer.binary.tooBig', { name, size: (file.size / 1024 / 1024).toFixed(1), limit: MAX_BINARY_FILE_BYTES / 1024 / 1024 }),
    }
  }
  try {
    const bytes = new Uint8Array(await file.arrayBuffer())
    return { ok: true, text: binaryArgText(bytes), size: bytes.length, name, overServerDefault: bytes.length > SOCKETIO_DEFAULT_MAX_BUFFER }
  }
  catch (error) {
    return { ok: false, error: t('composer.binary.unreadable', { name, reason: error instanceof Error ? error.message : String(error) }) }
  }
}

export type InsertResult = { ok: true, text: string } | { ok: false, error: string }

/**
 * Add `valueText` as the next argument of the composer's arguments text:
 * - empty text → `[value]`;
 * - an array (the argument list) → the value before its closing `]`;
 * - one other value (`"hi"`: one argument) → `[that, value]`.
 * The result must still parse when the text did (a trailing comment, say, would swallow the insertion);
 * texts with `{{variables}}` are checked after the caller resolves them, at send.
 *
 * @example
 * insertNextArgument('["photo"]', '{"$binary": "AAE="}') // { ok: true, text: '["photo", {"$binary": "AAE="}]' }
 */
export function insertNextArgument(argsText: string, valueText: string): InsertResult {
  const trimmed = argsText.trim()
  let next: string
  if (trimmed === '') {
    next = `[${valueText}]`
  }
  else if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const end = argsText.lastIndexOf(']')
    const head = argsText.slice(0, end).replace(/\s+$/, '')
    const empty = head.trim() === '['
    const comma = empty || head.endsWith(',') ? '' : ', '
    next = `${head}${comma}${valueText}${argsText.slice(end)}`
  }
  else {
    next = `[${trimmed}, ${valueText}]`
  }
  const templated = argsText.includes('{{')
  const before = templated ? undefined : parseComposer('x', argsText)
  if (before && !before.ok)
    return { ok: false, error: t('composer.binary.fixFirst', { reason: before.error.message }) }
  if (before?.ok && !parseComposer('x', next).ok)
    return { ok: false, error: t('composer.binary.cannotPlace') }
  return { ok: true, text: next }
}
