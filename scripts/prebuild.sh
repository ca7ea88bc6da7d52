#!/usr/bin/env bash
# Puts the built addon into prebuilds/<platform>-<arch>-torch<major.minor>[-cuda]/ with a
# manifest, for the published package (run by `npm pack` / `npm publish` through prepack).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
node --input-type=module -e '
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const info = require("./build/Release/diga.node").info();
const tag = `${process.platform}-${process.arch}-torch${info.torchVersionMajor}.${info.torchVersionMinor}${info.builtWithCuda ? "-cuda" : ""}`;
const dir = `prebuilds/${tag}`;
mkdirSync(dir, { recursive: true });
copyFileSync("build/Release/diga.node", `${dir}/diga.node`);
writeFileSync(`${dir}/manifest.json`, JSON.stringify({ platform: process.platform, arch: process.arch, libtorch: info.torchVersion, cuda: info.builtWithCuda, napi: 8 }, null, 2) + "\n");
console.log(`prebuilt addon: ${dir}`);
'
