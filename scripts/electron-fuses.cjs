// electron-builder afterPack hook: flips the Electron fuses Hoist does not need in the packaged binary.
// (electron-builder 25 has no `electronFuses` option; 26 has, but needs Node 22 to install.)
const { join } = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** The fuses, by name, as the README lists them. */
const FUSES = {
  [FuseV1Options.RunAsNode]: false, // ELECTRON_RUN_AS_NODE would turn the app into a plain Node
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false, // NODE_OPTIONS could inject code
  [FuseV1Options.EnableNodeCliInspectArguments]: false, // --inspect would open a debugger port
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true, // macOS and Windows check app.asar
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  // file:// pages may read other file:// URLs; ours come from app:// (electron/main/windows/app-protocol.ts).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

function executable(context) {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(context.appOutDir, `${name}.app`);
    case 'win32':
      return join(context.appOutDir, `${name}.exe`);
    default:
      return join(context.appOutDir, context.packager.executableName);
  }
}

exports.default = async function electronFuses(context) {
  await flipFuses(executable(context), {
    version: FuseVersion.V1,
    // A macOS binary changed after signing must be re-signed; there is no signing configured yet.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin',
    ...FUSES,
  });
};
exports.FUSES = FUSES;
