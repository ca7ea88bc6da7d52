#!/usr/bin/env node
// The `diga` command. The CLI itself lives in src/cli (compiled to dist/cli).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`diga: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
