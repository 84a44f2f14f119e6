import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../src/core', import.meta.url))

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : /\.(?:ts|mts|js|mjs)$/.test(name) ? [path] : []
  })
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
})
