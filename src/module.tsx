import { AppPlugin } from '@grafana/data';

import { App, AppSettings } from './pages/App';
import { AppConfig } from './pages/AppConfig';

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
