/*
 * Webpack configuration of the Grafana plugin, laid out as @grafana/create-plugin scaffolds
 * `.config/webpack/webpack.config.ts`: swc-loader, AMD output under `public/plugins/<app id>/`,
 * React and @grafana/* external (Grafana provides them), nested plugins found by their plugin.json.
 * Extend it in the root `webpack.config.ts`.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import type { Configuration } from 'webpack';

import { SOURCE_DIR } from './constants';
import { distDir, getEntries, getPackageJson, getPluginJson, getPluginJsonPath } from './utils';

const pluginJson = getPluginJson();

export const externals: Configuration['externals'] = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'react-router',
  'react-router-dom',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
  // legacy SDK imports prefixed with "grafana/"
  ({ request }, callback) => {
    const prefix = 'grafana/';
    if (request && request.indexOf(prefix) === 0) return callback(undefined, request.slice(prefix.length));
    callback();
  },
];

/** Replace %VERSION%, %TODAY% and %PLUGIN_ID% in copied plugin.json and README files. */
function fillTemplate(content: Buffer): string {
  return content
    .toString()
    .replace(/%VERSION%/g, getPackageJson().version)
    .replace(/%TODAY%/g, new Date().toISOString().substring(0, 10))
    .replace(/%PLUGIN_ID%/g, pluginJson.id);
}

const config = async (env: Record<string, unknown> = {}): Promise<Configuration> => ({
  cache: { type: 'filesystem', buildDependencies: { config: [__filename] } },
  context: path.join(process.cwd(), SOURCE_DIR),
  devtool: env.production ? 'source-map' : 'eval-source-map',
  entry: getEntries(),
  externals,
  mode: env.production ? 'production' : 'development',
  module: {
    rules: [
      {
        exclude: /(node_modules)/,
        test: /\.[tj]sx?$/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              baseUrl: path.resolve(process.cwd(), SOURCE_DIR),
              target: 'es2015',
              loose: false,
              parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
              transform: { react: { runtime: 'classic' } },
            },
          },
        },
      },
      {
        test: /\.(png|jpe?g|gif|svg)$/,
        type: 'asset/resource',
        generator: {
          publicPath: `public/plugins/${pluginJson.id}/img/`,
          outputPath: 'img/',
          filename: env.production ? '[hash][ext]' : '[file]',
        },
      },
    ],
  },
  output: {
    clean: true,
    filename: '[name].js',
    library: { type: 'amd' },
    path: distDir(),
    publicPath: `public/plugins/${pluginJson.id}/`,
    uniqueName: pluginJson.id,
  },
  performance: { hints: false },
  plugins: [
    new CopyWebpackPlugin({
      patterns: [
        { from: getPluginJsonPath(), to: 'plugin.json', transform: fillTemplate },
        { from: '**/plugin.json', to: '[path][name][ext]', transform: fillTemplate },
        // the catalog page: src/README.md (absolute links only), as create-plugin lays it out; the repository's README
        // is for developers
        { from: 'README.md', to: '.', transform: fillTemplate },
        { from: '../LICENSE', to: '.', noErrorOnMissing: true },
        { from: '../CHANGELOG.md', to: '.', noErrorOnMissing: true },
        // the team dashboards are provisioned from provisioning/dashboards and bundled with the app (includes)
        { from: '../provisioning/dashboards/*.json', to: 'dashboards/[name][ext]' },
        { from: '**/img/**/*', to: '.', noErrorOnMissing: true },
      ],
    }),
  ],
  resolve: {
    extensions: ['.js', '.jsx', '.ts', '.tsx'],
    modules: [path.resolve(process.cwd(), 'src'), 'node_modules'],
    unsafeCache: true,
  },
});

export default config;
