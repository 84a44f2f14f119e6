/**
 * Splitting a displayed text where it holds the text filter's needle, so a component can wrap those parts
 * in `<mark>` as text nodes (never markup built from payload text).
 */

export interface TextSegment {
  readonly text: string
  readonly mark: boolean
}

/** Marks per text at most: a one-letter needle over a long preview stays cheap. */
const MAX_MARKS = 50

/**
 * The parts of `text`, in order, with `mark` on each case-insensitive occurrence of `needle`.
 * @example markSegments('role: "admin"', 'ADMIN') // [{ text: 'role: "', mark: false }, { text: 'admin', mark: true }, { text: '"', mark: false }]
 */
export function markSegments(text: string, needle: string): TextSegment[] {
  if (needle === '' || text === '')
    return [{ text, mark: false }]
  const lower = text.toLowerCase()
  const n = needle.toLowerCase()
  // A few characters lowercase to two (`İ`): positions in `lower` would not be positions in `text`.
  if (lower.length !== text.length)
    return [{ text, mark: false }]
  const out: TextSegment[] = []
  let from = 0
  for (let marks = 0; marks < MAX_MARKS; marks++) {
    const at = lower.indexOf(n, from)
    if (at < 0)
      break
    if (at > from)
      out.push({ text: text.slice(from, at), mark: false })
    out.push({ text: text.slice(at, at + n.length), mark: true })
    from = at + n.length
  }
  if (from < text.length)
    out.push({ text: text.slice(from), mark: false })
  return out
}

/** Whether `text` holds `needle`, case-insensitively (as `markSegments` would mark it). */
export function holdsNeedle(text: string, needle: string): boolean {
  return needle !== '' && text.toLowerCase().includes(needle.toLowerCase())
}
