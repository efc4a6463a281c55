/*
 * Build of the Grafana plugin (`npm run build`): the create-plugin style base config in
 * .config/webpack, extended here (create-plugin's extension point).
 */
import type { Configuration } from 'webpack';

import baseConfig from './.config/webpack/webpack.config';

const config = async (env: Record<string, unknown>): Promise<Configuration> => {
  const base = await baseConfig(env);
  return {
    ...base,
    // 2 shared cores: keep the build single-threaded-friendly
    parallelism: 2,
  };
};

export default config;
