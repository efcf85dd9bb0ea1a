import { resolve } from "node:path";
import { defineConfig } from "electron-vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  main: {
    build: {
      outDir: "out/main",
      // The capture worker is a second entry: remote-captures.ts starts it from beside index.js.
      rolldownOptions: {
        input: { index: resolve("src/main/index.ts"), "capture-worker": resolve("src/main/lab/capture/worker/capture-worker.ts") },
      },
    },
  },
  preload: {
    build: {
      outDir: "out/preload",
      rolldownOptions: { output: { format: "cjs", entryFileNames: "[name].cjs" } },
    },
  },
  renderer: {
    root: "src/renderer",
    build: { outDir: "out/renderer", rollupOptions: { input: resolve("src/renderer/index.html") } },
    plugins: [react()],
  },
});
