#!/usr/bin/env node
// The cnnlab command. Kept as plain JavaScript outside dist/ so that npm can link it before the TypeScript build runs.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('cnnlab: the CLI is not built yet (packages/cli/dist is missing). Run: npm run build\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
