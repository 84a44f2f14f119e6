/**
 * UTF-8 length of a string (a frame's size on the wire), shared by the sessions and the attach mirror
 * (src/attach/, whose bundle must stay small: this module imports nothing).
 */
const nodeBuffer = (globalThis as { Buffer?: { byteLength: (s: string, enc: 'utf8') => number } }).Buffer

/** UTF-8 length of a string. Node: native; elsewhere a tight loop (only runs when frames are captured). */
export function utf8Length(s: string): number {
  if (nodeBuffer !== undefined && typeof nodeBuffer.byteLength === 'function')
    return nodeBuffer.byteLength(s, 'utf8')
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) {
      n += 1
    }
    else if (c < 0x800) {
      n += 2
    }
    else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xFC00) === 0xDC00) {
      n += 4
      i++
    }
    else {
      n += 3
    }
  }
  return n
}
