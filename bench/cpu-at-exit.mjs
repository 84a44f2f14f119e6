// Preloaded by bench/capture.ts (`node --import ./bench/cpu-at-exit.mjs …`): writes the process's CPU time
// (user + system, µs, all threads) to $BENCH_CPU_FILE when it exits, so a child that is not instrumented
// (the CLI as users run it) can be measured too.
import { writeFileSync } from 'node:fs'
import process from 'node:process'

const file = process.env.BENCH_CPU_FILE
if (file) {
  process.on('exit', () => {
    const usage = process.cpuUsage()
    writeFileSync(file, String(usage.user + usage.system))
  })
}
