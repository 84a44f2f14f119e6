import { describe, expect, it } from 'vitest'
import { defaultForm, formToOptions, optionsToForm, sameOptions, validateUrl } from '../../inspector-ui/src/lib/connect-form'

const URL = 'http://localhost:3000/namespace1'

describe('connect form', () => {
  it('turns the default form into the options socket.io-client expects', () => {
    const result = formToOptions(defaultForm(URL))
    expect(result).toEqual({
      ok: true,
      options: {
        url: URL,
        path: '/socket.io',
        transports: ['polling', 'websocket'],
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        timeout: 20000,
        forceNew: true,
        withCredentials: false,
        client: 'v4',
      },
    })
  })

  it.each([
    ['', /Enter the server URL/],
    ['localhost:3000', /Unsupported scheme|scheme/],
    ['not a url', /Not a URL/],
    ['ftp://host/', /Unsupported scheme "ftp:"/],
  ])('rejects the URL %j with a specific message', (url, message) => {
    expect(validateUrl(url)).toMatch(message)
  })

  it.each([
    ['path', 'socket.io', /starts with "\/"/],
    ['auth', '{token: ', /Auth is not valid JSON5/],
    ['auth', '[1, 2]', /Auth must be an object/],
    ['query', '{n: 1}', /"n" must be a string/],
    ['headers', '"x"', /Headers must be an object/],
    ['timeout', '0', /between 1 and/],
    ['timeout', '2.5', /whole number/],
    ['reconnectionAttempts', '-1', /whole number/],
    ['reconnectionDelayMax', '10', /at least the delay/],
  ] as const)('reports a bad %s (%j) next to the field', (field, value, message) => {
    const form = { ...defaultForm(URL), [field]: value }
    const result = formToOptions(form)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors[field]).toMatch(message)
  })

  it('reads JSON5 auth, query and headers', () => {
    const result = formToOptions({ ...defaultForm(URL), auth: '{token: \'abc\', n: 1}', query: '{room: "a"}', headers: '{Authorization: "Bearer x"}', transports: 'websocket', reconnectionAttempts: '3' })
    expect(result.ok && result.options).toMatchObject({
      auth: { token: 'abc', n: 1 },
      query: { room: 'a' },
      extraHeaders: { Authorization: 'Bearer x' },
      transports: ['websocket'],
      reconnectionAttempts: 3,
    })
  })

  it('round-trips options through the form, and compares them ignoring the label', () => {
    const result = formToOptions({ ...defaultForm(URL), auth: '{"token":"abc"}', transports: 'polling' })
    expect(result.ok).toBe(true)
    if (!result.ok)
      return
    const again = formToOptions(optionsToForm(result.options))
    expect(again.ok && again.options).toEqual(result.options)
    expect(sameOptions(result.options, { ...result.options, label: 'other' })).toBe(true)
    expect(sameOptions(result.options, { ...result.options, url: 'http://localhost:3000/' })).toBe(false)
  })

  it('makes relay options: headers, cookies, Origin and TLS only through the relay', () => {
    const form = { ...defaultForm(URL), relay: true, headers: '{Authorization: "Bearer x", Cookie: "a=1"}', cookies: 'sid=abc; theme=dark', origin: 'https://app.example.com', tlsInsecure: true }
    const result = formToOptions(form)
    expect(result.ok && result.options).toMatchObject({
      via: 'relay',
      extraHeaders: { Authorization: 'Bearer x', Cookie: 'a=1' },
      cookies: 'sid=abc; theme=dark',
      origin: 'https://app.example.com',
      tls: { rejectUnauthorized: false },
    })
    if (result.ok)
      expect(optionsToForm(result.options)).toMatchObject({ relay: true, cookies: 'sid=abc; theme=dark', origin: 'https://app.example.com', tlsInsecure: true })
    // Without the relay, the browser cannot send a Cookie header, and the relay fields are ignored.
    const direct = formToOptions({ ...form, relay: false })
    expect(direct.ok).toBe(false)
    if (!direct.ok)
      expect(direct.errors.headers).toMatch(/cannot send "Cookie"/)
    const plain = formToOptions({ ...form, relay: false, headers: '' })
    expect(plain.ok && plain.options).not.toHaveProperty('cookies')
    expect(plain.ok && plain.options.via).toBeUndefined()
  })

  it('refuses the relay where the page has none, and bad relay fields', () => {
    const noRelay = formToOptions({ ...defaultForm(URL), relay: true }, { relayAvailable: false })
    expect(!noRelay.ok && noRelay.errors.relay).toMatch(/not available/)
    const bad = formToOptions({ ...defaultForm(URL), relay: true, cookies: 'garbage', origin: 'https://a.test/x', tlsCa: 'nope' })
    expect(!bad.ok && bad.errors).toMatchObject({ cookies: expect.stringMatching(/name=value/), origin: expect.stringMatching(/no path/), tlsCa: expect.stringMatching(/PEM/) })
  })
})
