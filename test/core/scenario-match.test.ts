import { matchShape } from '#core'
import { describe, expect, it } from 'vitest'

describe('matchShape', () => {
  it('matches the same shape whatever the values', () => {
    expect(matchShape([{ id: 'a', n: 1, ok: true, list: [1, 2], nested: { at: 5 } }, null], [{ id: 'b', n: 99, ok: false, list: [7, 8], nested: { at: 6 } }, null])).toEqual([])
    expect(matchShape([], [])).toEqual([])
    expect(matchShape(['x'], ['y'])).toEqual([])
  })

  it('names the path, the types and the value for a changed type, missing and unexpected keys', () => {
    expect(matchShape([{ id: 1, received: true }], [{ id: '42' }])).toEqual(['$[0].id expected number, got string "42"', '$[0].received missing'])
    expect(matchShape([{ id: 1 }], [{ id: 1, extra: 'x' }])).toEqual(['$[0].extra unexpected'])
    expect(matchShape([{ a: { b: [{ c: 1 }] } }], [{ a: { b: [{ c: null }] } }])).toEqual(['$[0].a.b[0].c expected number, got null null'])
    expect(matchShape([{ 'a b': 1 }], [{ 'a b': 'x' }])).toEqual(['$[0]["a b"] expected number, got string "x"'])
  })

  it('tells arrays, objects, null and binary apart, and checks array lengths', () => {
    expect(matchShape([[1]], [{ 0: 1 }])).toEqual(['$[0] expected array, got object {"0":1}'])
    expect(matchShape([{}], [null])).toEqual(['$[0] expected object, got null null'])
    expect(matchShape([new Uint8Array([1])], [Buffer.from([2, 3])])).toEqual([])
    expect(matchShape([new Uint8Array([1])], ['AQ=='])).toEqual(['$[0] expected binary, got string "AQ=="'])
    expect(matchShape([[1, 2]], [[1]])).toEqual(['$[0] expected 2 items, got 1'])
    expect(matchShape(['a'], ['a', 'b'])).toEqual(['$ expected 1 item, got 2'])
    expect(matchShape([[1, 2]], [[1, 'x', 3]])).toEqual(['$[0] expected 2 items, got 3', '$[0][1] expected number, got string "x"'])
  })

  it('shortens long values in messages', () => {
    const [msg] = matchShape([1], ['x'.repeat(500)])
    expect(msg.length).toBeLessThan(120)
    expect(msg.endsWith('…')).toBe(true)
  })

  it('exact pins a value', () => {
    const rules = [{ path: '$[0].status', rule: 'exact' as const, value: 'open' }]
    expect(matchShape([{ status: 'open' }], [{ status: 'open' }], rules)).toEqual([])
    expect(matchShape([{ status: 'open' }], [{ status: 'closed' }], rules)).toEqual(['$[0].status expected "open", got string "closed"'])
    expect(matchShape([{ o: { a: 1 } }], [{ o: { a: 1 } }], [{ path: '$[0].o', rule: 'exact', value: { a: 1 } }])).toEqual([])
    expect(matchShape([{ o: { a: 1 } }], [{ o: { a: 2 } }], [{ path: '$[0].o', rule: 'exact', value: { a: 1 } }])).toEqual(['$[0].o expected {"a":1}, got object {"a":2}'])
  })

  it('regex checks a string (or number) against a pattern', () => {
    const rules = [{ path: '$[0].id', rule: 'regex' as const, pattern: '^ord-\\d+$' }]
    expect(matchShape([{ id: 'ord-1' }], [{ id: 'ord-77' }], rules)).toEqual([])
    expect(matchShape([{ id: 'ord-1' }], [{ id: 'x-77' }], rules)).toEqual(['$[0].id expected to match /^ord-\\d+$/, got string "x-77"'])
    expect(matchShape([{ id: 'ord-1' }], [{ id: { a: 1 } }], rules)).toEqual(['$[0].id expected a string matching /^ord-\\d+$/, got object {"a":1}'])
  })

  it('oneOf accepts any of its values', () => {
    const rules = [{ path: '$[0].state', rule: 'oneOf' as const, values: ['a', 'b', 2] }]
    expect(matchShape([{ state: 'a' }], [{ state: 2 }], rules)).toEqual([])
    expect(matchShape([{ state: 'a' }], [{ state: 'c' }], rules)).toEqual(['$[0].state expected one of ["a","b",2], got string "c"'])
  })

  it('ignore skips a field, its subtree, or its absence', () => {
    const rules = [{ path: '$[0].meta', rule: 'ignore' as const }]
    expect(matchShape([{ id: 1, meta: { a: 1 } }], [{ id: 2, meta: 'anything' }], rules)).toEqual([])
    expect(matchShape([{ id: 1, meta: { a: 1 } }], [{ id: 2 }], rules)).toEqual([])
    expect(matchShape([{ id: 1 }], [{ id: 2, meta: 1 }], rules)).toEqual([])
    expect(matchShape([{ a: 1 }], ['whatever'], [{ path: '$', rule: 'ignore' }])).toEqual([])
  })

  it('[*] in a rule path names every element of an array', () => {
    const rules = [{ path: '$[0].items[*].id', rule: 'regex' as const, pattern: '^i' }]
    expect(matchShape([{ items: [{ id: 'i1' }, { id: 'i2' }] }], [{ items: [{ id: 'i9' }, { id: 'x' }] }], rules)).toEqual(['$[0].items[1].id expected to match /^i/, got string "x"'])
  })

  it('walks deep payloads without recursion', () => {
    let a: unknown = 1
    let b: unknown = 'x'
    for (let i = 0; i < 20_000; i++) {
      a = [a]
      b = [b]
    }
    const [msg] = matchShape(a, b)
    expect(msg).toMatch(/expected number, got string "x"$/)
  })
})
