import { binaryInfo, binaryInline, binaryPreview, estimateBytes, formatBytes, isBinary, previewArgs, previewValue, searchPreview, toBytes, toEmitLine } from '#core'
import { describe, expect, it } from 'vitest'

function deep(n: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < n; i++) v = { d: v }
  return v
}

describe('previewArgs', () => {
  it('shows every argument on one line', () => {
    expect(previewArgs(['hello', { 'n': 1, 'a b': [true, null] }, 42])).toBe('"hello", {n: 1, "a b": [true, null]}, 42')
    expect(previewArgs(['multi\nline'])).toBe('"multi\\nline"')
    expect(previewArgs([])).toBe('')
  })

  it('stays within maxChars for huge values', () => {
    const big = 'x'.repeat(5 * 1024 * 1024)
    const out = previewArgs([big, { list: Array.from({ length: 100_000 }, (_, i) => i) }], 80)
    expect(out.length).toBeLessThanOrEqual(80)
    expect(out.endsWith('…')).toBe(true)
    expect(previewValue(Array.from({ length: 100_000 }, (_, i) => i), 50).length).toBeLessThanOrEqual(50)
  })

  it('is safe for cycles, 3,000-deep nesting, __proto__ keys and lone surrogates', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    expect(previewValue(a)).toBe('{name: "a", self: [Circular]}')
    expect(() => previewValue(deep(3000))).not.toThrow()
    expect(previewValue(JSON.parse('{"__proto__": {"x": 1}}'))).toBe('{"__proto__": {x: 1}}')
    const lone = previewValue('a\uD800b')
    expect(lone).toBe('"a\\ud800b"')
    // Never cuts a surrogate pair in half.
    const emoji = previewValue('😀😀😀😀😀😀', 6)
    expect(emoji.includes('\\ud83d"')).toBe(false)
  })

  it('shows binary as its size and special values as JavaScript', () => {
    expect(previewArgs([new Uint8Array(2048), Buffer.from('hi'), new ArrayBuffer(3)], 400))
      .toBe('<2 KB: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 … (first 16 bytes)>, <2 B: 68 69>, <3 B: 00 00 00>')
    expect(previewArgs([undefined, Number.NaN, -0, 10n, new Date(0)])).toBe('undefined, NaN, -0, 10n, 1970-01-01T00:00:00.000Z')
  })
})

describe('binary helpers', () => {
  it('recognises Buffer, ArrayBuffer, typed arrays and DataView as binary', () => {
    for (const v of [Buffer.from('a'), new ArrayBuffer(1), new Uint16Array(1), new DataView(new ArrayBuffer(1))])
      expect(isBinary(v)).toBe(true)
    for (const v of [null, 'a', [1], { byteLength: 1 }])
      expect(isBinary(v)).toBe(false)
  })

  it('views any binary as a Uint8Array without copying', () => {
    const buf = Buffer.from('hello')
    const bytes = toBytes(buf)
    expect(bytes.constructor).toBe(Uint8Array)
    expect(bytes.buffer).toBe(buf.buffer)
    expect([...toBytes(new Uint16Array([0x0102]))]).toEqual([2, 1])
  })

  it('summarises bytes as hex and lossy UTF-8 text', () => {
    expect(binaryInfo(Buffer.from('hi\xFF', 'latin1'))).toEqual({ byteLength: 3, hex: '68 69 ff', text: 'hi\uFFFD', truncated: false })
    const info = binaryInfo(new Uint8Array(1000), 4)
    expect(info).toMatchObject({ byteLength: 1000, hex: '00 00 00 00', truncated: true })
  })

  it('formats byte counts for people', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(64 * 1024)).toBe('64 KB')
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB')
  })

  it('estimates retained bytes cheaply: binary by its length, huge arrays without visiting every item', () => {
    expect(estimateBytes([new Uint8Array(65536)])).toBeGreaterThan(65536)
    expect(estimateBytes([{ n: 1 }])).toBeLessThan(200)
    const huge = Array.from({ length: 1_000_000 }).fill({ i: 1 })
    expect(estimateBytes([huge])).toBeGreaterThan(1_000_000)
    expect(() => estimateBytes([deep(3000)])).not.toThrow()
  })
})

describe('toEmitLine', () => {
  it('writes a ready socket.emit line with every argument', () => {
    expect(toEmitLine('chat', ['hi', { 'n': 1, 'a-b': [null, true] }])).toBe('socket.emit("chat", "hi", { n: 1, "a-b": [null, true] })')
    expect(toEmitLine('x', [])).toBe('socket.emit("x")')
  })

  it('writes binary as a Uint8Array, or a comment when it is huge', () => {
    expect(toEmitLine('bin', [{ b: Buffer.from([1, 2]) }])).toBe('socket.emit("bin", { b: new Uint8Array([1, 2]) })')
    expect(toEmitLine('bin', [new Uint8Array(100_000)])).toMatch(/new Uint8Array\(100000\) \/\* 97\.7 KB of binary not copied \*\//)
  })

  it('keeps __proto__ a plain key and writes values JSON cannot hold as JavaScript', () => {
    const line = toEmitLine('p', [JSON.parse('{"__proto__": 1}'), undefined, Number.NaN, 5n, new Date(0)])
    expect(line).toBe('socket.emit("p", { ["__proto__"]: 1 }, undefined, NaN, 5n, new Date("1970-01-01T00:00:00.000Z"))')
    // eslint-disable-next-line no-new-func
    const args = new Function('socket', `let out; socket = { emit: (...a) => { out = a } }; ${line}; return out`)() as unknown[]
    expect(Object.getPrototypeOf(args[1])).toBe(Object.prototype)
    expect(Object.keys(args[1] as object)).toEqual(['__proto__'])
  })
})

describe('small binary is visible without a click (issue 11, item 14)', () => {
  it('previews binary up to 64 bytes as every byte in hex, larger as its size and first 16 bytes', () => {
    expect(binaryPreview(Buffer.from([1, 2, 3, 0xAB]))).toBe('<4 B: 01 02 03 ab>')
    expect(binaryPreview(new Uint8Array(0))).toBe('<0 B>')
    const sixtyFour = new Uint8Array(64).map((_, i) => i)
    expect(binaryPreview(sixtyFour)).toBe(`<64 B: ${Array.from(sixtyFour, b => b.toString(16).padStart(2, '0')).join(' ')}>`)
    const big = new Uint8Array(1229).map((_, i) => i + 1)
    expect(binaryPreview(big)).toBe('<1.2 KB: 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 … (first 16 bytes)>')
    expect(binaryInline(big)).toEqual({ size: '1.2 KB', hex: '01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10', truncated: true })
    // ArrayBuffer (browsers) and typed arrays over part of a buffer read their own bytes.
    expect(binaryPreview(new Uint8Array([9, 0xFF]).buffer)).toBe('<2 B: 09 ff>')
    expect(binaryPreview(new Uint8Array([0, 1, 2, 3]).subarray(2))).toBe('<2 B: 02 03>')
  })

  it('shows nested binary inline in a value\'s preview', () => {
    expect(previewArgs([{ file: Buffer.from([1, 2, 3, 0xAB]), name: 'a.bin' }])).toBe('{file: <4 B: 01 02 03 ab>, name: "a.bin"}')
    expect(previewValue([new Uint8Array([0xDE, 0xAD])])).toBe('[<2 B: de ad>]')
  })
})

describe('searchPreview', () => {
  it('is the row preview, and says whether it holds every text of the values as they are', () => {
    expect(searchPreview([{ seq: 12, role: 'admin' }])).toEqual({ text: '{seq: 12, role: "admin"}', complete: true })
    expect(searchPreview(['say "hi"']).complete).toBe(false) // escaped
    expect(searchPreview([{ 'a\nb': 1 }]).complete).toBe(false) // an escaped key
    expect(searchPreview([new Error('boom')]).complete).toBe(false) // its own fields are not shown
    const cut = searchPreview(['x'.repeat(500)], 50)
    expect(cut.complete).toBe(false)
    // Cut without the `…` mark people see.
    expect(cut.text).toBe(`${previewArgs(['x'.repeat(500)], 50).slice(0, -1)}x`)
    expect(cut.text.length).toBe(50)
  })
})
