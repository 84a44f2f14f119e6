/** Merging the per-area message files of one language (./messages/<lang>/<area>.ts) into one tree. */
import type { MessageTree } from '.'

function merge(into: MessageTree, from: MessageTree, path: string): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key]
    if (typeof value === 'string' || existing === undefined) {
      if (existing !== undefined)
        throw new Error(`i18n: message "${path}${key}" is defined twice`)
      into[key] = value
    }
    else if (typeof existing === 'string') {
      throw new TypeError(`i18n: message "${path}${key}" is both a text and a group`)
    }
    else {
      merge(existing, value, `${path}${key}.`)
    }
  }
}

/** `import.meta.glob(…, { eager: true })` of area files → one tree; a key defined twice is an error. */
export function mergeAreas(modules: Record<string, { default: MessageTree }>): MessageTree {
  const tree: MessageTree = {}
  for (const [file, module] of Object.entries(modules)) {
    if (!module.default || typeof module.default !== 'object')
      throw new Error(`i18n: ${file} must export default a message tree`)
    merge(tree, module.default, '')
  }
  return tree
}
