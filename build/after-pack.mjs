// electron-builder afterPack hook: flips Electron's fuses in the packed binary, before signing,
// so the shipped app cannot be run as plain Node, inspected, or fed code from outside its asar.
import { join } from "node:path";
import { FuseV1Options, FuseVersion, flipFuses } from "@electron/fuses";

/** Fuse → state. Off: ways to run arbitrary code in the app's process. On: only the verified asar loads. */
export const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** Where electron-builder put the Electron executable for this platform. */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case "darwin":
    case "mas":
      return join(appOutDir, `${name}.app`);
    case "win32":
      return join(appOutDir, `${name}.exe`);
    default:
      return join(appOutDir, packager.executableName ?? name);
  }
}

export async function afterPack(context) {
  const mac = context.electronPlatformName === "darwin" || context.electronPlatformName === "mas";
  // arm64 macOS refuses to run a binary whose ad-hoc signature no longer matches.
  await flipFuses(electronBinaryPath(context), { ...FUSES, resetAdHocDarwinSignature: mac });
}

export default afterPack;
