import { findVariables, redactSecrets, redactText, resolveTemplate, unknownMessage, validateEnvironments } from '#core'
import { describe, expect, it } from 'vitest'

describe('findVariables', () => {
  it('lists the names used, in order of first use, each once', () => {
    expect(findVariables('http://{{host}}/{{ns}}?a={{host}}&b={{token}}')).toEqual(['host', 'ns', 'token'])
  })

  it('accepts names with dots and dashes, and spaces inside the braces', () => {
    expect(findVariables('{{ api.host }}:{{tenant-id}}/{{_x1}}')).toEqual(['api.host', 'tenant-id', '_x1'])
  })

  it('leaves empty braces, non-names and unclosed braces alone', () => {
    expect(findVariables('{{}} {{ }} {{1abc}} {{a b}} {{host')).toEqual([])
    expect(findVariables('no variables here')).toEqual([])
  })

  it('finds the name inside extra braces', () => {
    expect(findVariables('{{{a}}}')).toEqual(['a'])
  })
})

describe('resolveTemplate', () => {
  it('replaces every reference with its value, repeated names too', () => {
    const result = resolveTemplate('http://{{host}}/{{ ns }}?h={{host}}', { host: '127.0.0.1:3000', ns: 'chat' })
    expect(result).toEqual({ ok: true, text: 'http://127.0.0.1:3000/chat?h=127.0.0.1:3000', used: ['host', 'ns'] })
  })

  it('returns text without references as it is', () => {
    expect(resolveTemplate('{ "a": "{{}}" } {{host', {})).toEqual({ ok: true, text: '{ "a": "{{}}" } {{host', used: [] })
  })

  it('names every unknown variable at once, with the environment', () => {
    const result = resolveTemplate('{{a}} {{host}} {{b}} {{a}}', { host: 'x' }, { environment: 'staging' })
    expect(result).toEqual({ ok: false, unknown: ['a', 'b'], message: 'Unknown variables {{a}}, {{b}} (not in the environment "staging")' })
  })

  it('words one unknown variable in the singular', () => {
    const result = resolveTemplate('{{token}}', {}, { environment: 'local' })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toBe('Unknown variable {{token}} (not in the environment "local")')
    expect(unknownMessage(['x'])).toBe('Unknown variable {{x}} (not defined)')
  })

  it('inserts values literally: replacement patterns stay as they are', () => {
    const result = resolveTemplate('[{{v}}]', { v: '$& $1 $$ $` $\'' })
    expect(result.ok && result.text).toBe('[$& $1 $$ $` $\']')
  })

  it('does not resolve a value again (no recursion)', () => {
    const result = resolveTemplate('{{a}}', { a: '{{b}}', b: 'deep' })
    expect(result).toEqual({ ok: true, text: '{{b}}', used: ['a'] })
  })

  it('does not take inherited object properties for variables', () => {
    const result = resolveTemplate('{{constructor}} {{toString}}', {})
    expect(result.ok).toBe(false)
    expect(!result.ok && result.unknown).toEqual(['constructor', 'toString'])
  })

  it('allows an empty value', () => {
    expect(resolveTemplate('a{{x}}b', { x: '' })).toEqual({ ok: true, text: 'ab', used: ['x'] })
  })
})

describe('validateEnvironments', () => {
  it('keeps valid environments, with secret flags', () => {
    const list = validateEnvironments([
      { name: 'local', variables: [{ name: 'host', value: '127.0.0.1:3000' }, { name: 'token', value: '', secret: true }] },
      { name: 'staging', variables: [] },
    ])
    expect(list).toEqual([
      { name: 'local', variables: [{ name: 'host', value: '127.0.0.1:3000' }, { name: 'token', value: '', secret: true }] },
      { name: 'staging', variables: [] },
    ])
  })

  it.each([
    ['not a list', { name: 'x' }, 'environments: expected a list'],
    ['an item that is not an object', [1], 'environments[0]: expected an object'],
    ['a name that is not text', [{ name: 3, variables: [] }], 'environments[0].name: expected text'],
    ['an empty name', [{ name: ' ', variables: [] }], 'environments[0].name: empty'],
    ['a repeated environment', [{ name: 'a', variables: [] }, { name: 'a', variables: [] }], 'environments[1].name: "a" is already used'],
    ['variables that are not a list', [{ name: 'a', variables: {} }], 'environments[0].variables: expected a list'],
    ['a variable name that is not text', [{ name: 'a', variables: [] }, { name: 'b', variables: [{ name: 1, value: '' }] }], 'environments[1].variables[0].name: expected text'],
    ['a bad variable name', [{ name: 'a', variables: [{ name: '1x', value: '' }] }], 'environments[0].variables[0].name: "1x" is not a variable name'],
    ['a repeated variable', [{ name: 'a', variables: [{ name: 'x', value: '' }, { name: 'x', value: '' }] }], 'environments[0].variables[1].name: "x" appears twice'],
    ['a value that is not text', [{ name: 'a', variables: [{ name: 'x', value: 3 }] }], 'environments[0].variables[0].value: expected text'],
    ['a secret flag that is not a boolean', [{ name: 'a', variables: [{ name: 'x', value: '', secret: 'yes' }] }], 'environments[0].variables[0].secret: expected true or false'],
  ])('rejects %s, naming the path', (_what, raw, message) => {
    expect(() => validateEnvironments(raw)).toThrow(message)
  })

  it('names the path from the caller', () => {
    expect(() => validateEnvironments([{ name: 'a' }], 'workspace.environments')).toThrow('workspace.environments[0].variables: expected a list')
  })
})

describe('redactSecrets', () => {
  const secrets = [{ name: 'token', value: 's3cret"x' }, { name: 'short', value: 'ab' }, { name: 'empty', value: '' }]

  it('puts secret values back as {{name}} in strings, as they are and JSON-escaped once or twice', () => {
    const frame = `0${JSON.stringify({ token: 's3cret"x' })}`
    const entry = { kind: 'frame', data: frame, nested: [{ text: `a ${JSON.stringify(frame)}` }], n: 3 }
    expect(redactSecrets(entry, secrets)).toEqual({ kind: 'frame', data: '0{"token":"{{token}}"}', nested: [{ text: 'a "0{\\"token\\":\\"{{token}}\\"}"' }], n: 3 })
    expect(redactText('xabx', secrets)).toBe('x{{short}}x')
  })

  it('leaves keys, bytes and the value itself alone when there is nothing to hide', () => {
    const bytes = new Uint8Array([97, 98])
    const entry = { ab: 'ab', bytes }
    const out = redactSecrets(entry, secrets)
    expect(Object.keys(out)).toEqual(['ab', 'bytes'])
    expect(out).toEqual({ ab: '{{short}}', bytes })
    expect(out.bytes).toBe(bytes)
    expect(redactSecrets(entry, [{ name: 'x', value: '' }])).toBe(entry)
  })

  it('replaces the longer of two overlapping values whole', () => {
    expect(redactText('abcdef', [{ name: 'a', value: 'abc' }, { name: 'b', value: 'abcdef' }])).toBe('{{b}}')
  })
})
