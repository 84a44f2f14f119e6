/** Checks shared by the commands that write a file (`capture --out`, `test --out`). */
import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** Why `file` cannot be written, checked before anything connects (the file itself is made later), or undefined. */
export function outputProblem(file: string): string | undefined {
  if (file.trim() === '')
    return 'the file name is empty'
  const path = resolve(file)
  try {
    if (statSync(path).isDirectory())
      return 'is a directory'
    accessSync(path, constants.W_OK)
    return undefined
  }
  catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      return `cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
  }
  try {
    accessSync(dirname(path), constants.W_OK)
    return undefined
  }
  catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `its folder ${dirname(path)} does not exist` : `cannot write in ${dirname(path)} (${code ?? (err as Error).message})`
  }
}
