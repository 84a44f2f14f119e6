import { chromium } from 'playwright-core'
import { startInspectorServer } from '../inspector-ui/server/index'
import { makeCapture, startBenchHttp } from './ui'

const cap = await makeCapture(100_000)
console.log('capture', cap.text.length, cap.expectedName, cap.expectedText)
const insp = await startInspectorServer({ port: 0, config: {} })
const bench = await startBenchHttp('http://127.0.0.1:1', cap.text)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info', '--window-size=1280,800'], headless: true })
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  page.on('console', m => console.log('console', m.text()))
  page.on('pageerror', e => console.log('pageerror', e.message))
  const { url, report } = bench.expectReport()
  const cfg = { mode: 'biglog', report: url, capture: bench.capture, nameFilter: cap.nameFilter, textFilter: cap.textFilter, jumpFrames: 120, wheelFrames: 180, wheelPx: 600 }
  await page.goto(`http://127.0.0.1:${insp.port}/?bench=${encodeURIComponent(JSON.stringify(cfg))}`)
  const r = await Promise.race([report, new Promise(r => setTimeout(() => r('timeout'), 60000))])
  console.log(JSON.stringify(r))
  await page.screenshot({ path: '/tmp/big.png' })
  console.log(await page.locator('[data-testid=event-log]').first().innerHTML().catch(e => String(e)).then(s => s.slice(0, 1500)))
}
finally { await browser.close(); await insp.close(); await bench.close() }
