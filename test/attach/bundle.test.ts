/**
 * The built `socketio-inspector/attach` (dist/attach.js, tsdown.config.ts `attachConfig`): its only import
 * is socket.io-client, a browser bundler packs it without Node builtins, it is small, and it works in Node.
 *
 * dist/attach.js is checked when it is newer than its sources (CI runs `npm run build` first); otherwise the
 * attach build alone runs into a scratch directory under node_modules/.cache (so bare imports resolve from
 * there, and dist/ is left alone for whoever else uses it).
 */
import type { Socket } from 'socket.io-client'
import type { TestServer } from '../core/fixtures/servers'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFixtureServer } from '../core/fixtures/servers'
import { entry, startHub } from './hub'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const cache = join(repo, 'node_modules', '.cache')
let dir: string
let scratch: string | undefined
let file: string

/** Newest modification time among the sources the attach build reads. */
function newestSource(): number {
  const files = [
    ...readdirSync(join(repo, 'src/attach')).map(f => join(repo, 'src/attach', f)),
    ...['src/core/attach/protocol.ts', 'src/core/export/encoding.ts', 'src/core/log/preview.ts', 'src/core/types.ts', 'src/core/util/utf8.ts', 'src/core/util/plain-detail.ts', 'src/core/util/frame-data.ts', 'tsdown.config.ts'].map(f => join(repo, f)),
  ]
  return Math.max(...files.map(f => statSync(f).mtimeMs))
}

beforeAll(async () => {
  mkdirSync(cache, { recursive: true })
  const built = join(repo, 'dist', 'attach.js')
  let fresh = false
  try {
    fresh = statSync(built).mtimeMs >= newestSource() && statSync(join(repo, 'dist', 'attach.d.ts')).isFile()
  }
  catch {}
  if (fresh) {
    dir = join(repo, 'dist')
  }
  else {
    scratch = mkdtempSync(join(cache, 'attach-build-'))
    dir = scratch
    const { build } = await import('tsdown')
    const { attachConfig } = await import('../../tsdown.config')
    await build({ ...attachConfig, outDir: dir, config: false, logLevel: 'warn' })
  }
  file = join(dir, 'attach.js')
}, 120_000)

afterAll(() => {
  if (scratch)
    rmSync(scratch, { recursive: true, force: true })
})

/** The code without comments (its JSDoc examples show imports). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

/** Every module specifier the file imports, re-exports, loads dynamically or requires. */
function specifiers(code: string): string[] {
  const out: string[] = []
  for (const re of [/\b(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of code.matchAll(re)) out.push(m[1])
  }
  return out
}

describe('the built socketio-inspector/attach', () => {
  it('imports socket.io-client and nothing else (no Node builtin, no other package, no chunk)', () => {
    const js = code(readFileSync(file, 'utf8'))
    expect(specifiers(js)).toEqual(['socket.io-client'])
    expect(js).not.toMatch(/\bnode:/)
    expect(js).not.toMatch(/\brequire\(/)
    // `process` only behind a guard (`globalThis.process?.…`), never as a bare global.
    expect(js).not.toMatch(/(?<![.\w])process\./)
    const dts = code(readFileSync(join(dir, 'attach.d.ts'), 'utf8'))
    expect(specifiers(dts)).toEqual(['socket.io-client'])
    const exported = /export \{([^}]*)\}/.exec(dts)?.[1].split(',').map(x => x.trim()) ?? []
    expect(exported).toEqual(expect.arrayContaining(['attach', 'attachServer', 'type AttachOptions', 'type AttachServerOptions']))
  })

  it('the check catches another import', () => {
    expect(specifiers(`import { a } from "node:fs";\nimport("ws");\nexport { b } from './chunk.js'`)).toEqual(['node:fs', './chunk.js', 'ws'])
  })

  it('is what package.json exports as ./attach', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    expect(pkg.exports['./attach']).toEqual({ types: './dist/attach.d.ts', default: './dist/attach.js' })
  })

  it('bundles for the browser without Node builtins, and stays small', async () => {
    const { build } = await import('vite')
    const work = mkdtempSync(join(cache, 'attach-browser-'))
    try {
      const input = join(work, 'main.js')
      writeFileSync(input, `import { attach, attachServer } from ${JSON.stringify(pathToFileURL(file).href)}\nglobalThis.__attach = [attach, attachServer]\n`)
      const bundle = async (external: string[]): Promise<string> => {
        const result = await build({
          configFile: false,
          root: work,
          logLevel: 'silent',
          build: { write: false, minify: true, lib: { entry: input, formats: ['es'], fileName: 'out' }, rollupOptions: { external } },
        })
        const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string, code?: string }[] }[]
        return outputs.flatMap(o => o.output).filter(c => c.type === 'chunk').map(c => c.code ?? '').join('\n')
      }
      // With socket.io-client (its browser build): nothing of Node's (no `ws`, no builtins).
      const whole = await bundle([])
      expect(whole.length).toBeGreaterThan(10_000)
      expect(specifiers(whole)).toEqual([])
      expect(whole).not.toMatch(/__vite-browser-external|\bnode:/)
      // The entry alone, minified and gzipped (README reports it): small.
      const alone = await bundle(['socket.io-client'])
      const gz = gzipSync(alone, { level: 9 }).length
      expect(specifiers(alone)).toEqual(['socket.io-client'])
      expect(gz).toBeLessThan(16 * 1024)
    }
    finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 120_000)

  it('works in Node: the built attach() mirrors a socket to a hub', async () => {
    const mod = await import(pathToFileURL(file).href) as typeof import('../../src/attach/index')
    let server: TestServer | undefined
    const hub = await startHub()
    let socket: Socket | undefined
    try {
      server = await startFixtureServer()
      socket = io(server.url('/chat'), { transports: ['websocket'], forceNew: true })
      const detach = mod.attach(socket, { inspector: hub.url, token: hub.token, name: 'built' })
      expect(await socket.emitWithAck('echo', 'from the build')).toBe('from the build')
      const app = await hub.app()
      const ack = await entry(app, e => e.kind === 'ack')
      expect(ack.args).toEqual(['from the build'])
      detach()
    }
    finally {
      socket?.close()
      await hub.close()
      await server?.close()
    }
  })
})
