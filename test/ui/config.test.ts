// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { defaultConnectUrl, loadRuntimeConfig, resetRuntimeConfig } from '../../inspector-ui/src/config'

function withMeta(content: string): Document {
  const doc = document.implementation.createHTMLDocument('t')
  const meta = doc.createElement('meta')
  meta.setAttribute('name', 'sio-inspector-config')
  meta.setAttribute('content', content)
  doc.head.append(meta)
  return doc
}

afterEach(() => resetRuntimeConfig())

describe('runtime config', () => {
  it('reads the meta tag the server injects', () => {
    const config = loadRuntimeConfig(withMeta(JSON.stringify({ demoUrl: 'http://127.0.0.1:4000', relay: { url: 'http://127.0.0.1:5173/relay', token: 't' } })))
    expect(config).toEqual({ demoUrl: 'http://127.0.0.1:4000', relay: { url: 'http://127.0.0.1:5173/relay', token: 't' } })
    expect(defaultConnectUrl(config)).toBe('http://127.0.0.1:4000/')
  })

  it('ignores a damaged tag and fields of the wrong shape', () => {
    expect(loadRuntimeConfig(withMeta('{nope'))).toEqual({})
    expect(loadRuntimeConfig(withMeta(JSON.stringify({ demoUrl: 3, admin: { url: 'x' } })))).toEqual({})
    expect(defaultConnectUrl({})).toBe('http://localhost:3000/')
  })
})
