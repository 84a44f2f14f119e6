import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../src/core', import.meta.url))
const repo = fileURLToPath(new URL('../..', import.meta.url))

function files(dir: string, ext = /\.(?:ts|mts|js|mjs)$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist')
      return []
    return statSync(path).isDirectory() ? files(path, ext) : ext.test(name) ? [path] : []
  })
}

/** The source without comments (doc examples mention `new LiveSession(` and paths). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

/** Every module specifier a file imports, re-exports or loads dynamically. */
function specifiers(source: string): string[] {
  const out: string[] = []
  const patterns = [
    /\b(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const re of patterns) {
    for (const m of source.matchAll(re)) out.push(m[1])
  }
  return out
}

describe('src/core', () => {
  it('imports no vue, pinia or @vue/* module in any file', () => {
    const all = files(root)
    expect(all.length).toBeGreaterThan(5)
    const offenders: string[] = []
    for (const file of all) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (/^(?:vue|pinia)(?:\/|$)|^@vue\//.test(spec))
          offenders.push(`${relative(root, file)} imports ${spec}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('the import check itself catches a vue import', () => {
    expect(specifiers(`import { ref } from 'vue'\nexport * from "@vue/reactivity"\nconst p = import('pinia')`)).toEqual(['vue', '@vue/reactivity', 'pinia'])
  })

  it('is one entry for everything outside it: no file there imports src/core by path (tests of internal modules may)', () => {
    const outside = ['inspector-ui/src', 'inspector-ui/server', 'src/cli', 'src/shared', 'bench', 'demo-server', 'scripts']
      .flatMap(dir => files(join(repo, dir), /\.(?:ts|mts|js|mjs|vue)$/))
    expect(outside.length).toBeGreaterThan(20)
    const offenders: string[] = []
    for (const file of outside) {
      for (const spec of specifiers(code(readFileSync(file, 'utf8')))) {
        if (/^\.{1,2}\/.*\bsrc\/core(?:\/|$)|^\.\.\/core(?:\/|$)/.test(spec) || (spec.startsWith('.') && join(file, '..', spec).startsWith(root)))
          offenders.push(`${relative(repo, file)} imports ${spec}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('has no import cycle between its modules (the relay once looped back into session/)', () => {
    const all = files(root).filter(f => f.endsWith('.ts'))
    const graph = new Map<string, string[]>()
    for (const file of all) {
      const deps: string[] = []
      // Type-only imports vanish at runtime; every other relative import is an edge.
      for (const m of code(readFileSync(file, 'utf8')).matchAll(/\b(?:import|export)\s(?!type\s)[^'";]*?from\s*['"](\.[^'"]+)['"]/g)) {
        const target = join(file, '..', m[1])
        const hit = [target, `${target}.ts`, join(target, 'index.ts')].find(c => all.includes(c))
        if (hit)
          deps.push(hit)
      }
      graph.set(file, deps)
    }
    const cycles: string[] = []
    const state = new Map<string, 1 | 2>()
    const stack: string[] = []
    const visit = (f: string): void => {
      state.set(f, 1)
      stack.push(f)
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 1)
          cycles.push(stack.slice(stack.indexOf(d)).concat(d).map(x => relative(root, x)).join(' -> '))
        else if (!state.has(d))
          visit(d)
      }
      stack.pop()
      state.set(f, 2)
    }
    for (const f of all) {
      if (!state.has(f))
        visit(f)
    }
    expect(cycles).toEqual([])
  })

  it('builds live sessions in one place: create.ts is the only `new LiveSession(` outside tests', () => {
    const where = ['src', 'inspector-ui/src', 'inspector-ui/server', 'bench', 'demo-server', 'scripts']
      .flatMap(dir => files(join(repo, dir), /\.(?:ts|mts|js|mjs|vue)$/))
      .filter(f => code(readFileSync(f, 'utf8')).includes('new LiveSession('))
      .map(f => relative(repo, f))
    expect(where).toEqual(['src/core/session/create.ts'])
  })
})
