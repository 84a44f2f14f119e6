/** Downloads and uploads for export / import. */
import type { ImportProgressResult, Inspector } from '#core'
import { logIndexOf } from '#core'
import { t } from '../i18n'

/**
 * Refuse before reading: the file becomes one string (V8 strings stop at 2^29 − 24 characters, and the
 * page holds the text and its parsed entries at once while importing). The import runs in slices, so size
 * is no longer a freeze: the limit follows the log's, a million entries of the big-log bench are 288 MB.
 */
export const MAX_IMPORT_BYTES = 400 * 1024 * 1024

export function downloadText(filename: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** `sio-inspector-<label>-2026-11-25T20-41-03.json` */
export function exportFilename(label: string, now = new Date()): string {
  const safe = label.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'log'
  return `sio-inspector-${safe}-${now.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`
}

export type ReadResult = { ok: true, text: string } | { ok: false, error: string }

export async function readImportFile(file: File): Promise<ReadResult> {
  if (file.size > MAX_IMPORT_BYTES)
    return { ok: false, error: t('session.import.tooBig', { name: file.name, size: (file.size / 1024 / 1024).toFixed(0), limit: MAX_IMPORT_BYTES / 1024 / 1024 }) }
  if (file.size === 0)
    return { ok: false, error: t('session.import.empty', { name: file.name }) }
  try {
    return { ok: true, text: await file.text() }
  }
  catch (error) {
    return { ok: false, error: t('session.import.unreadable', { name: file.name, message: error instanceof Error ? error.message : String(error) }) }
  }
}

/**
 * Import a capture the way the Import button does: in slices (the core's `importCaptureAsync`), the tab
 * opened by `onSessions` as soon as the first rows are in the log, and each slice's search texts built
 * right after it is appended (so a text filter over the imported log is fast at once; core `LogIndex`).
 */
export function importCaptureText(inspector: Inspector, text: string, onSessions: (ids: string[]) => void): Promise<ImportProgressResult> {
  const index = logIndexOf(inspector.log)
  return inspector.importCaptureAsync(text, {
    maxBytes: MAX_IMPORT_BYTES,
    onSessions,
    onEntries: entries => index.warmEntries(entries),
  })
}
