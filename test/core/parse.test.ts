import type { ComposeResult } from '#core'
import { parseComposer, RESERVED_EVENTS } from '#core'
import { describe, expect, it } from 'vitest'

const ok = (event: string, args: unknown[]): ComposeResult => ({ ok: true, event, args })

describe('parseComposer', () => {
  it.each([
    ['an array is the argument list', 'chat', '["hello", {"n": 1}]', ok('chat', ['hello', { n: 1 }])],
    ['JSON5 is accepted (unquoted keys, single quotes, trailing commas, comments)', 'chat', `['hi', {n: 1,}, // c\n]`, ok('chat', ['hi', { n: 1 }])],
    ['a bare string is one argument', 'chat', '"hi"', ok('chat', ['hi'])],
    ['a bare number is one argument', 'n', '42', ok('n', [42])],
    ['a bare object is one argument', 'o', '{a: 1}', ok('o', [{ a: 1 }])],
    ['null is one argument', 'o', 'null', ok('o', [null])],
    ['empty text is no argument', 'ping', '', ok('ping', [])],
    ['whitespace-only text is no argument', 'ping', '  \n\t ', ok('ping', [])],
    ['an empty array is no argument', 'ping', '[]', ok('ping', [])],
    ['a nested array is one array argument', 'a', '[[1, 2]]', ok('a', [[1, 2]])],
    ['$binary base64 becomes bytes', 'bin', '[{"$binary": "aGk="}]', ok('bin', [new Uint8Array([104, 105])])],
    ['$hex becomes bytes, at any depth', 'bin', '{img: {data: {$hex: "ca fe"}}}', ok('bin', [{ img: { data: new Uint8Array([0xCA, 0xFE]) } }])],
    ['an object with more keys than $hex stays an object', 'o', '{$hex: "00", other: 1}', ok('o', [{ $hex: '00', other: 1 }])],
    ['names are exact (spaces kept)', ' chat ', '1', ok(' chat ', [1])],
    ['Infinity and NaN pass through (JSON5)', 'n', '[Infinity, NaN]', ok('n', [Infinity, Number.NaN])],
  ])('%s', (_label, event, text, expected) => {
    expect(parseComposer(event, text)).toEqual(expected)
  })

  it.each<[string, string, string, 'event' | 'args', RegExp]>([
    ['an empty name', '', '1', 'event', /empty/],
    ['a whitespace-only name', '   ', '1', 'event', /empty/],
    ...RESERVED_EVENTS.map((name): [string, string, string, 'event' | 'args', RegExp] => [`the reserved name ${name}`, name, '', 'event', /reserved/]),
    ['invalid base64', 'b', '{$binary: "###"}', 'args', /\$binary is not valid base64/],
    ['an odd number of hex digits', 'b', '[1, {$hex: "abc"}]', 'args', /args\[1\]: \$hex needs an even number/],
    ['a $hex that is not a string', 'b', '{$hex: 12}', 'args', /must be a string/],
  ])('rejects %s', (_label, event, text, field, message) => {
    const r = parseComposer(event, text)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.field).toBe(field)
      expect(r.error.message).toMatch(message)
    }
  })

  it.each([
    ['a trailing garbage token', '[1, 2] x', 1, 8],
    ['a missing bracket on line 3', '[\n  1,\n  2\n', 4, 1],
    ['a double comma', '[1,\n 2,,]', 2, 4],
  ])('reports %s with its line and column', (_label, text, line, column) => {
    const r = parseComposer('e', text)
    expect(r).toMatchObject({ ok: false, error: { field: 'args', line, column, message: expect.stringMatching(/^Syntax error/) } })
  })

  it('locates a bad $hex value in the text', () => {
    const r = parseComposer('e', '[\n  {$hex: "zz"}\n]')
    expect(r).toMatchObject({ ok: false, error: { line: 2, column: 11 } })
  })
})
