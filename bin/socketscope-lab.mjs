#!/usr/bin/env node
// The `socketscope-lab` command: runs the TypeScript command line through tsx.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/main/cli/main.ts");
process.exit(await main(process.argv.slice(2)));
