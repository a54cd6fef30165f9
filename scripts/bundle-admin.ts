/*
 * Bundles the back-office's React components for the browser, the way AdminJS would at start:
 *   production (NODE_ENV=production, run by `npm run build`): minified into dist/adminjs-bundle;
 *   otherwise (the test suite's global setup): into DATA_DIR/adminjs/<digest>, where a
 *   development server looks first.
 */
import fs from 'node:fs';
import path from 'node:path';

const production = process.env.NODE_ENV === 'production';
const given = process.env.ADMIN_JS_TMP_DIR;
const { PREBUILT_DIR, COMPONENTS_DIR, devBundleDir } = await import('../admin/bundle-location.js');
const outDir = given || (production ? PREBUILT_DIR : devBundleDir());
process.env.ADMIN_JS_TMP_DIR = outDir;
process.env.ADMIN_JS_SKIP_BUNDLE = 'false';

if (fs.existsSync(path.join(outDir, 'bundle.js')) && !production) {
  console.log(`back-office bundle up to date: ${outDir}`);
} else {
  const { default: AdminJS } = await import('adminjs');
  const { componentLoader } = await import('../admin/component-loader.js');
  // The bundler is a sub-path export without type declarations.
  const bundler = (await import('adminjs/bundler' as string)) as {
    componentsBundler: { createEntry(o: { content: string }): Promise<void>; build(): Promise<void> };
    generateUserComponentEntry(admin: unknown, dir: string): string;
  };
  const admin = new AdminJS({ componentLoader });
  const started = Date.now();
  await bundler.componentsBundler.createEntry({ content: bundler.generateUserComponentEntry(admin, outDir) });
  await bundler.componentsBundler.build();
  console.log(`back-office bundle built in ${Date.now() - started} ms: ${outDir} (${COMPONENTS_DIR})`);
}
